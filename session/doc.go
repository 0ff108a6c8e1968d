// Package session owns the agent's process and bytes: it starts the agent in
// a PTY as a session leader, reads its output without ever blocking on a
// consumer other than the recorder, queues input to it, resizes it, records
// the session, and ends the whole process tree when asked.
//
// The process that uses this package becomes a child subreaper
// (PR_SET_CHILD_SUBREAPER), so descendants that double-fork or setsid away
// from the agent are reparented to it and stay reachable; it also reaps every
// child itself. Code in the same process must therefore start long-lived
// children through this package, not os/exec, or their exit status is lost.
//
// The package has no UI code and works headless.
package session
