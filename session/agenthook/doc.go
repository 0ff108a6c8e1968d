// Package agenthook connects an agent's own pre-tool hook to the console
// that supervises it.
//
// An agent (Claude Code, Codex, Gemini CLI, Cursor) runs `sentinel hook
// AGENT` before each shell command. That process reads the agent's JSON
// (Parse), asks the console of its session over a unix socket (Ask), and
// answers in the agent's protocol (Payload.Answer). The console serves the
// socket (Listen, Server.Serve) and decides through its supervisor.
//
// The socket accepts questions only: a Request names a command the agent
// wants to run; the Reply is the console's verdict. Nothing on the socket
// can approve anything: approvals come from the operator's keyboard, which
// the agent cannot reach.
//
// Inject adds the hook to one run of an agent without touching the user's
// files; Install, Uninstall and Status manage a permanent, tagged entry in
// the user's own configuration for those who want it always on.
package agenthook
