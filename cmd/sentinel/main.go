// Command sentinel supervises AI coding agents in a terminal console.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sentinel-console/sentinel/demo"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/execgate"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitError carries an exit status up to main with a message (which may be
// empty when the status is the agent's own).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// usageError is a bad invocation: exit 2, message and usage on stderr.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

const usage = `sentinel supervises AI coding agents: it runs one in a console it owns,
records everything it does, and freezes it on a destructive action until you decide.

Usage:
  sentinel run [flags] -- COMMAND [ARGS...]   run an agent (or any command) in the console
  sentinel demo [--speed N] [--headless]      watch sentinel stop a scripted agent re-enacting a real incident
  sentinel check [--json] COMMAND             what sentinel would do about a command (allow, warn, pause)
  sentinel check --json --stdin               the same for JSON Lines of commands
  sentinel scan [--json] FILE|-               find what an agent's output or a recording shows it ran
  sentinel replay [flags] FILE|ID|--last      play a recorded session back (--scan: what today's detectors flag)
  sentinel rules [--json]                     the detector's rules
  sentinel themes [--json]                    preview the console's colour themes
  sentinel hook AGENT                         an agent's pre-tool hook (claude, codex, gemini, cursor)
  sentinel hooks install|uninstall|status     put the hook in an agent's own configuration for good
  sentinel sessions [--json]                  list the recorded sessions; pick one to replay
  sentinel audit verify [FILE]                check the audit log's hash chain
  sentinel audit show [--json] [--last]       list the audit log's records
  sentinel version                            print the version
  sentinel help [COMMAND]                     show help

Flags may follow a command's arguments (sentinel replay ID --speed 4), up
to "--". run and check take theirs first: what follows is the command to
run or check, with its own flags.

Run 'sentinel help run' for the console's flags and keys.
`

func main() {
	// The exec gate's trampoline: sentinel re-executed between itself and
	// the agent, to install the seccomp filter and exec the agent. Nothing
	// else may run first.
	if len(os.Args) > 1 && os.Args[1] == execgate.TrampolineArg {
		os.Exit(execgate.RunTrampoline(os.Args[2:]))
	}
	// Not dumpable: no other process of the operator's user (the agent
	// is one) may ptrace sentinel, copy its descriptors with pidfd_getfd,
	// or open them through /proc/PID/fd. Through the first two an agent
	// took the exec gate's seccomp listener and answered its own execs
	// "continue" before sentinel could hold them; through the last it
	// wrote to sentinel's stdout, the operator's terminal, past the pane.
	// (The trampoline above execs the agent, which makes it dumpable
	// again, as exec does.)
	_ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	// A session's watchdog (session.RunWatchdog): it too runs nothing else.
	if len(os.Args) > 1 && os.Args[1] == session.WatchdogArg {
		os.Exit(session.RunWatchdog())
	}
	// Descriptors sentinel inherited beyond stdin, stdout and stderr are
	// none of the agent's business: they close when anything is executed.
	_ = unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	// SENTINEL_CPUPROFILE=FILE writes a CPU profile, for performance work
	// (see bench/README.md).
	if path := os.Getenv("SENTINEL_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				code := realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(code)
			}
		}
	}
	os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func realMain(args []string, stdin *os.File, stdout, stderr *os.File) int {
	err := dispatch(args, stdin, stdout, stderr)
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "sentinel: %s\n", ue.msg)
		fmt.Fprintf(stderr, "Run 'sentinel help' for usage.\n")
		return 2
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "sentinel: %s\n", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "sentinel: %v\n", err)
	return 1
}

func dispatch(args []string, stdin, stdout, stderr *os.File) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "run":
		return runCommand(args[1:], stdin, stdout, stderr)
	case "demo":
		return demoCommand(args[1:], stdin, stdout, stderr)
	case "check":
		return checkCommand(args[1:], stdin, stdout, stderr)
	case "rules":
		return rulesCommand(args[1:], stdin, stdout)
	case "themes":
		return themesCommand(args[1:], stdout)
	case "scan":
		return scanCommand(args[1:], stdin, stdout, stderr)
	case "sessions":
		return sessionsCommand(args[1:], stdin, stdout)
	case "audit":
		return auditCommand(args[1:], stdout, stderr)
	case "replay":
		return replayCommand(args[1:], stdin, stdout, stderr)
	case "hook":
		return hookCommand(args[1:], stdin, stdout, stderr)
	case "hooks":
		return hooksCommand(args[1:], stdout)
	case "version", "--version":
		if len(args) > 1 {
			return &usageError{fmt.Sprintf("version takes no arguments (got %q)", args[1])}
		}
		fmt.Fprintf(stdout, "sentinel %s\n", version)
		return nil
	case "help", "-h", "--help":
		return help(args[1:], stdout)
	case demoAgentCommand:
		return runDemoAgent(stdout)
	}
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// helpTopic is one command's help: its text, its flags' defaults and what
// follows them. help and every command's -h print it through writeHelp, so
// the two cannot differ.
type helpTopic struct {
	text  string
	flags func() *flag.FlagSet // nil: the command has no flags
	after string
}

func helpTopics() map[string]helpTopic {
	return map[string]helpTopic{
		"run":      {runUsage, func() *flag.FlagSet { return runFlags(&runOptions{}, defaultConfig()) }, runKeys},
		"demo":     {demoUsage, func() *flag.FlagSet { return demoFlags(&demoOptions{}) }, ""},
		"check":    {checkUsage, func() *flag.FlagSet { return checkFlags(&checkOptions{}) }, ""},
		"rules":    {rulesUsage, func() *flag.FlagSet { return rulesFlags(new(bool), new(string)) }, ""},
		"scan":     {scanUsage, func() *flag.FlagSet { return scanFlags(&scanOptions{}) }, ""},
		"replay":   {replayUsage, func() *flag.FlagSet { return replayFlags(&replayOptions{}) }, ""},
		"themes":   {themesUsage, func() *flag.FlagSet { return themesFlags(new(bool), new(int)) }, ""},
		"hook":     {hookUsage, nil, ""},
		"hooks":    {hooksUsage, func() *flag.FlagSet { return hooksFlags(new(string)) }, ""},
		"sessions": {sessionsUsage, func() *flag.FlagSet { return sessionsFlags(&sessionsOptions{}) }, ""},
		"audit":    {auditUsage, func() *flag.FlagSet { return auditShowFlags(&auditShowOptions{}) }, ""},
	}
}

func help(args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return nil
	}
	if !writeHelp(out, args[0]) {
		return &usageError{fmt.Sprintf("no help for %q", args[0])}
	}
	return nil
}

// writeHelp prints a command's whole help to out: the flags too, which a
// FlagSet would otherwise print to stderr, where 'sentinel help run | less'
// does not see them.
func writeHelp(out io.Writer, topic string) bool {
	h, ok := helpTopics()[topic]
	if !ok {
		return false
	}
	fmt.Fprint(out, h.text)
	if h.flags != nil {
		fs := h.flags()
		fs.SetOutput(out)
		fs.PrintDefaults()
	}
	fmt.Fprint(out, h.after)
	return true
}

// parseFlags parses a subcommand's flags wherever they stand among its
// arguments, as people write them ('sentinel replay ID --speed 4'); the
// flag package alone stops at the first argument. "--" ends the flags.
// -h or --help prints the command's help (topic) to stdout.
func parseFlags(fs *flag.FlagSet, args []string, topic string) error {
	flags, rest := splitFlags(fs, args)
	if err := parseLeadingFlags(fs, flags, topic); err != nil {
		return err
	}
	// Parsing again only sets the arguments: values already set stay.
	return parseLeadingFlags(fs, append([]string{"--"}, rest...), topic)
}

// parseLeadingFlags parses only the flags before the first argument. It is
// for run and check, whose arguments are a command with flags of its own
// ('sentinel check rm -rf /' checks rm -rf /).
func parseLeadingFlags(fs *flag.FlagSet, args []string, topic string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(os.Stdout, topic)
		return &exitError{code: 0}
	}
	if err != nil {
		return &usageError{strings.TrimSpace(err.Error())}
	}
	return nil
}

// splitFlags separates the flags (each with its value, by the flag
// package's rules: a flag that is not boolean takes the next argument
// unless written -flag=value) from the other arguments. Everything after
// "--" is an argument; so is "-" (stdin). What the flag package would
// reject stays among the flags, so that parsing them reports it.
func splitFlags(fs *flag.FlagSet, args []string) (flags, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(rest, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(a[1:], "-")
		if name == "" || name[0] == '-' || strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, rest
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// demoAgentCommand is the hidden subcommand that runs the demo's scripted
// agent inside the console's PTY.
const demoAgentCommand = "__demo-agent"

func runDemoAgent(stdout io.Writer) error {
	cfg, err := demo.AgentConfigFromEnv(stdout)
	if err != nil {
		return err
	}
	// Ended by a signal (sentinel's kill), the agent says "Interrupted"
	// and then dies of that signal, as a real agent's process does, so the
	// console shows "killed by SIGTERM" rather than an error of its own.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	caught := make(chan syscall.Signal, 1)
	go func() {
		if s, ok := (<-sigs).(syscall.Signal); ok {
			caught <- s
			cancel()
		}
	}()
	err = demo.RunAgent(ctx, cfg)
	select {
	case sig := <-caught:
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), sig)
		time.Sleep(time.Second) // the signal's default action ends the process
		return &exitError{code: 128 + int(sig)}
	default:
		return err
	}
}
