// Package detect decides whether an action an agent is about to take, or
// has just printed, is destructive: it understands a command the way a shell
// would (mvdan.cc/sh parses it; every pipeline, subshell, substitution,
// heredoc and string handed to sh -c, eval, ssh, docker exec and the like is
// followed, through wrappers such as sudo and env), hands each program it
// finds to a domain analyser (files, git, SQL, NoSQL, cloud CLIs, HTTP,
// interpreter one-liners, system, terminals and multiplexers), and returns
// a verdict with findings that name the consequence and the bytes of the
// command that matched.
//
// It is pure: strings in, findings out, no I/O, no globals beyond the
// compiled rule catalogue. Command is safe for concurrent use.
package detect
