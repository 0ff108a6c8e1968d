// Package agentcli runs the real coding-agent CLIs (Claude Code, Codex,
// Gemini CLI, installed from npm) against the scripted model of package
// demo/fakemodel, for end-to-end tests and the demo. It knows how to find
// each CLI, which argv and environment make it talk only to the fake model
// (no login, no network beyond 127.0.0.1), and how to give it a pre-tool
// hook for one run without touching the user's files.
//
// The facts behind every function here were verified against the installed
// versions and are written down in docs/agents.md; the tests in this package
// re-check them whenever the CLIs are installed and skip, saying so, when
// they are not.
package agentcli
