// Package demo re-enacts, on one machine and with nothing real at stake, the
// incident sentinel was built for: a coding agent on a staging task hits a
// credential mismatch, finds a root-scoped cloud token in an unrelated file,
// and deletes the production volume, backups included, with one curl.
//
// It provides the pieces `sentinel demo` runs, which tests use too:
//
//   - Cloud: a fake Railway-style GraphQL API on 127.0.0.1 with a staging
//     token, a root token, and a production volume that is also attached to
//     staging and holds the backups. It records every call and reports what
//     survived.
//   - WriteSandbox: a small repository for the agent to work in, with the
//     staging token in .env.staging and the root token in infra/domains.env.
//   - RunAgent: a scripted agent printing a Claude Code-like transcript. It
//     runs real commands (ls, cat, grep, curl) in the sandbox, so a
//     supervisor sees genuine processes, and it reacts believably when one
//     of them is blocked: it stops, shows a "> " prompt and takes the
//     operator's next message (what sentinel types after an edit), running
//     a command through the same Bash tool or acknowledging an instruction.
//
// No model, account or network beyond the loopback interface is involved:
// Cloud.Start and RunAgent refuse non-loopback addresses.
package demo
