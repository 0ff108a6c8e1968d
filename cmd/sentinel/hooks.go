package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sentinel-console/sentinel/session/agenthook"
)

const hooksUsage = `Usage: sentinel hooks install|uninstall|status [--agent claude|codex|gemini|cursor]

Puts sentinel's hook into an agent's own user configuration for good, so
the agent asks sentinel before every shell command even when it was not
started by 'sentinel run' (then the hook judges alone: what sentinel would
pause is denied). 'sentinel run' does not need this for claude, codex and
gemini: it adds the hook to that one run. cursor-agent has no per-run
setting, so for it this is the way.

The entry is tagged (SENTINEL_HOOK_MANAGED=1 in its command); install
replaces an earlier entry of sentinel's and writes nothing when it is
already right; uninstall removes sentinel's entries and nothing else.
Before any change the file is copied to FILE.sentinel-backup-TIME.

Files: claude ~/.claude/settings.json, gemini ~/.gemini/settings.json,
cursor ~/.cursor/hooks.json, codex $CODEX_HOME/config.toml (default
~/.codex/config.toml).

Codex's config.toml is not rewritten: a block between the lines
"# >>> sentinel hook" and "# <<< sentinel hook" is appended, holding a
[[hooks.PreToolUse]] group and the [hooks.state."FILE:pre_tool_use:N:0"]
entry that makes Codex trust it (N counts the PreToolUse groups above it).
Tables Codex adds inside the block are kept. A group added above the block
later changes N and Codex then skips the hook: status says so, and install
fixes it. A file with "[features] hooks = false", or hooks written inline
(hooks = {...}), is refused.

Flags:
`

func hooksFlags(agent *string) *flag.FlagSet {
	fs := flag.NewFlagSet("hooks", flag.ContinueOnError)
	fs.StringVar(agent, "agent", "", "the `AGENT` (claude, codex, gemini or cursor); status without it shows all")
	return fs
}

func hooksCommand(args []string, stdout io.Writer) error {
	var agent string
	fs := hooksFlags(&agent)
	if err := parseFlags(fs, args, "hooks"); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return &usageError{"hooks: want install, uninstall or status"}
	case fs.NArg() > 1:
		return &usageError{fmt.Sprintf("hooks: unexpected argument %q (the agent goes with --agent)", fs.Arg(1))}
	}
	verb := fs.Arg(0)
	if agent != "" && !agenthook.KnownAgent(agent) {
		return &usageError{fmt.Sprintf("hooks: --agent %q: want claude, codex, gemini or cursor", agent)}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return fail(1, "hooks: %v", err)
	}
	switch verb {
	case "status":
		agents := agenthook.Agents
		if agent != "" {
			agents = []string{agent}
		}
		for _, a := range agents {
			st := agenthook.StatusOf(a, home)
			// The settings file is the agent's to write: what it holds is
			// shown as text, never as escape sequences.
			st.Path, st.Command = printable(st.Path), printable(st.Command)
			if st.Err != nil {
				st.Err = errors.New(printable(st.Err.Error()))
			}
			switch {
			case st.Err != nil:
				fmt.Fprintf(stdout, "%-7s error: %v\n", a, st.Err)
			case st.Installed && st.Untrusted:
				fmt.Fprintf(stdout, "%-7s installed in %s, but %s no longer trusts it (its command or place changed) and skips it (run 'sentinel hooks install --agent %s')\n", a, st.Path, a, a)
			case st.Installed && st.Stale:
				fmt.Fprintf(stdout, "%-7s installed in %s, but its sentinel is gone: %s (run 'sentinel hooks install --agent %s')\n", a, st.Path, st.Command, a)
			case st.Installed:
				fmt.Fprintf(stdout, "%-7s installed in %s\n", a, st.Path)
			default:
				fmt.Fprintf(stdout, "%-7s not installed (%s)\n", a, st.Path)
			}
		}
		return nil
	case "install", "uninstall":
		if agent == "" {
			return &usageError{"hooks " + verb + ": --agent is required"}
		}
		var ch agenthook.Change
		if verb == "install" {
			self, err := os.Executable()
			if err != nil {
				return fail(1, "hooks install: cannot find sentinel's own executable: %v", err)
			}
			ch, err = agenthook.Install(agent, home, self)
			if err != nil {
				return fail(1, "hooks install: %v", err)
			}
		} else {
			ch, err = agenthook.Uninstall(agent, home)
			if err != nil {
				return fail(1, "hooks uninstall: %v", err)
			}
		}
		switch {
		case !ch.Changed && verb == "install":
			fmt.Fprintf(stdout, "%s: already installed in %s\n", agent, ch.Path)
		case !ch.Changed:
			fmt.Fprintf(stdout, "%s: not installed in %s; nothing to do\n", agent, ch.Path)
		default:
			fmt.Fprintf(stdout, "%s: %sed in %s\n", agent, verb, ch.Path)
			if ch.Backup != "" {
				fmt.Fprintf(stdout, "%s: the previous file is kept as %s\n", agent, ch.Backup)
			}
		}
		return nil
	}
	return &usageError{fmt.Sprintf("hooks: unknown verb %q (want install, uninstall or status)", verb)}
}
