// Command sentinel supervises AI coding agents in a terminal console.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/sentinel-console/sentinel/demo"
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

Run 'sentinel help run' for the console's flags and keys.
`

func main() {
	// The exec gate's trampoline: sentinel re-executed between itself and
	// the agent, to install the seccomp filter and exec the agent. Nothing
	// else may run first.
	if len(os.Args) > 1 && os.Args[1] == execgate.TrampolineArg {
		os.Exit(execgate.RunTrampoline(os.Args[2:]))
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
		fmt.Fprintf(stdout, "sentinel %s\n", version)
		return nil
	case "help", "-h", "--help":
		return help(args[1:], stdout)
	case demoAgentCommand:
		return runDemoAgent(stdout)
	}
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func help(args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return nil
	}
	switch args[0] {
	case "run":
		fmt.Fprint(out, runUsage)
		runFlags(&runOptions{}, defaultConfig()).PrintDefaults()
		fmt.Fprint(out, runKeys)
	case "demo":
		fmt.Fprint(out, demoUsage)
		demoFlags(&demoOptions{}).PrintDefaults()
	case "check":
		fmt.Fprint(out, checkUsage)
		checkFlags(&checkOptions{}).PrintDefaults()
	case "rules":
		fmt.Fprint(out, rulesUsage)
	case "scan":
		fmt.Fprint(out, scanUsage)
		scanFlags(&scanOptions{}).PrintDefaults()
	case "replay":
		fmt.Fprint(out, replayUsage)
		fs := replayFlags(&replayOptions{})
		fs.SetOutput(out)
		fs.PrintDefaults()
	case "themes":
		fmt.Fprint(out, themesUsage)
		fs := themesFlags(new(bool), new(int))
		fs.SetOutput(out)
		fs.PrintDefaults()
	case "hook":
		fmt.Fprint(out, hookUsage)
	case "hooks":
		fmt.Fprint(out, hooksUsage)
		fs := hooksFlags(new(string))
		fs.SetOutput(out)
		fs.PrintDefaults()
	case "sessions":
		fmt.Fprint(out, sessionsUsage)
		fs := sessionsFlags(&sessionsOptions{})
		fs.SetOutput(out)
		fs.PrintDefaults()
	case "audit":
		fmt.Fprint(out, auditUsage)
		fs := auditShowFlags(&auditShowOptions{})
		fs.SetOutput(out)
		fs.PrintDefaults()
	default:
		return &usageError{fmt.Sprintf("no help for %q", args[0])}
	}
	return nil
}

// parseFlags parses a subcommand's flags; -h prints usage to stdout.
func parseFlags(fs *flag.FlagSet, args []string, usageText string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(os.Stdout)
		fmt.Fprint(os.Stdout, usageText)
		fs.PrintDefaults()
		return &exitError{code: 0}
	}
	if err != nil {
		return &usageError{strings.TrimSpace(err.Error())}
	}
	return nil
}

// demoAgentCommand is the hidden subcommand that runs the demo's scripted
// agent inside the console's PTY.
const demoAgentCommand = "__demo-agent"

func runDemoAgent(stdout io.Writer) error {
	cfg, err := demo.AgentConfigFromEnv(stdout)
	if err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	return demo.RunAgent(ctx, cfg)
}
