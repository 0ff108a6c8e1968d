// Package execgate holds every execve and execveat of the agent's process
// tree until the supervisor has looked at it, through seccomp user
// notification (SECCOMP_RET_USER_NOTIF), without cgo.
//
// The child side is a trampoline: sentinel re-executes itself as
//
//	sentinel __exec-gate RESOLVED_PATH ARGV0 ARGS...
//
// with a socket at fd 3; RunTrampoline installs the filter, sends the
// notification listener to the supervisor over the socket and execs the
// agent. That exec and every later one in the tree (the filter is
// inherited across fork, setsid and exec) waits for an answer.
//
// The supervisor side is Prepare (the socket and the command to start),
// Pending.Start (receive the listener, serve) and Gate.Close. For each exec
// the gate reads the path and argv from the caller's memory
// (process_vm_readv) and its working directory, checks the notification is
// still live, asks Options.Decide, and lets the exec continue or fails it
// with EPERM. Who is asking (Exec.Caller, Exec.Parents) is read only when
// Decide wants it: everything read before the answer delays the exec.
// After an allowed exec the gate checks that the program that runs is the
// one analysed (Options.OnMismatch).
//
// Fail closed: when the listener closes (Gate.Close, or the supervisor
// dies), every held and later exec in the tree fails with ENOSYS. An exec
// the gate cannot read fails with EPERM. Execs of a path that does not
// exist are failed with ENOENT without asking Decide: the kernel would fail
// them the same way, and PATH searches (execvp) try many such names.
//
// The gate guards against accidents, not against a hostile process: another
// thread can rewrite argv after it was read (the verification reports what
// it can see of that), and a process can rewrite its own command line.
package execgate
