package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"golang.org/x/sys/unix"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/audit"
	"github.com/sentinel-console/sentinel/session/cast"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
	"github.com/sentinel-console/sentinel/ui"
)

const runUsage = `Usage: sentinel run [flags] -- COMMAND [ARGS...]

Runs COMMAND (an agent such as claude, codex, gemini, aider, or any program)
in a terminal that sentinel owns, shown live in a full-screen console, and
records the session. sentinel exits with COMMAND's exit status (128+N when a
signal N ended it).

Without a terminal on stdin and stdout, or with --headless, there is no
console: the agent's output is copied to stdout and stdin to the agent, as
script(1) does; recording still happens. If stdout's reader goes away
(| head), the copy stops and the session runs on, recorded, to its end.

Exit status: the agent's; 127 when COMMAND does not exist, 126 when it
cannot be executed (no permission, a directory, a bad interpreter or
format), 2 for a bad invocation or configuration, 1 when sentinel itself
fails before the agent runs.

Flags:
`

const runKeys = `
Keys (the prefix is ctrl-] unless configured):
  any key             goes to the agent while its pane has focus
  prefix prefix       sends the prefix key itself to the agent
  prefix e / tab      switch focus between the agent and the events pane
  prefix [ / pgup     scroll the agent's scrollback (q or esc to go back)
  prefix z            zoom the agent pane to full screen and back
  prefix p            palette: find an action, rule or event
  prefix ?            help
  prefix q            quit; asks first while the agent runs, then ends it
  mouse wheel         scrolls the pane under the pointer

When an action is held (the agent is frozen, a dialog explains it):
  a                   approve once
  A                   approve this rule for this target for the session
  e                   edit: your command or message instead (enter sends, esc back)
  d                   deny (the exec fails with EPERM; the agent carries on)
  k                   kill the agent's whole process tree
  ?                   details

Files:
  config      $XDG_CONFIG_HOME/sentinel/config.toml (~/.config/sentinel/config.toml)
  recordings  [record] dir, by default $XDG_STATE_HOME/sentinel/sessions/ (~/.local/state/sentinel/sessions/)
  audit log   $XDG_STATE_HOME/sentinel/audit.jsonl
`

type runOptions struct {
	headless    bool
	exitAtEnd   bool
	record      string
	noRecord    bool
	recordInput bool
	prefix      string
	scrollback  int
	size        string
	theme       string
	config      string

	unattended      string
	decisionTimeout time.Duration
	noNotify        bool
	noExecGate      bool
}

func runFlags(o *runOptions, c Config) *flag.FlagSet {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.BoolVar(&o.headless, "headless", false, "no console: copy the agent's output to stdout and stdin to the agent")
	fs.BoolVar(&o.exitAtEnd, "exit", false, "leave the console as soon as the agent exits")
	fs.StringVar(&o.record, "record", "", "record the session to `FILE` (default: a new file in the sessions directory)")
	fs.BoolVar(&o.noRecord, "no-record", false, "do not record the session")
	fs.BoolVar(&o.recordInput, "record-input", c.Record.Input, "also record what is typed to the agent (may contain secrets)")
	fs.StringVar(&o.prefix, "prefix", c.Console.Prefix, "console prefix `KEY`")
	fs.IntVar(&o.scrollback, "scrollback", c.Console.Scrollback, "`LINES` of agent scrollback kept by the console")
	fs.StringVar(&o.size, "size", "", "terminal size `COLSxROWS` for a headless agent when stdout is not a terminal (default 80x24)")
	fs.StringVar(&o.theme, "theme", c.Console.Theme, "console theme: auto (by the terminal's background), "+strings.Join(themes.Names(), ", ")+" (see sentinel themes)")
	fs.StringVar(&o.config, "config", "", "read configuration from `FILE` instead of the default location")
	fs.StringVar(&o.unattended, "unattended", "", "no console, nobody to ask: `deny` every held action (or `kill` the agent), report it on stderr and exit non-zero")
	fs.DurationVar(&o.decisionTimeout, "decision-timeout", 0, "deny a held action nobody decided within `D` (such as 10m; never approves)")
	fs.BoolVar(&o.noExecGate, "no-exec-gate", false, "do not gate the agent's execs (the stream scanner still watches its output)")
	fs.BoolVar(&o.noNotify, "no-notify", false, "no bell, title or desktop notification when an action is held")
	return fs
}

// parseRun reads flags, then the config file (whose values only fill flags
// that were not given).
func parseRun(args []string) (runOptions, Config, []string, error) {
	var o runOptions
	fs := runFlags(&o, defaultConfig())
	if err := parseLeadingFlags(fs, args, "run"); err != nil {
		return o, Config{}, nil, err
	}
	path, explicit := configPath(), false
	if o.config != "" {
		path, explicit = o.config, true
	}
	cfg, err := loadConfig(path, explicit)
	if err != nil {
		return o, cfg, nil, fail(2, "%v", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["prefix"] {
		o.prefix = cfg.Console.Prefix
	}
	if !set["scrollback"] {
		o.scrollback = cfg.Console.Scrollback
	}
	if !set["theme"] {
		o.theme = cfg.Console.Theme
	}
	if !set["record-input"] {
		o.recordInput = cfg.Record.Input
	}
	if !set["no-notify"] && cfg.Supervise.Notify != nil {
		o.noNotify = !*cfg.Supervise.Notify
	}
	if !set["no-exec-gate"] && cfg.Supervise.ExecGate != nil {
		o.noExecGate = !*cfg.Supervise.ExecGate
	}
	if !set["decision-timeout"] && cfg.Supervise.DecisionTimeout != "" {
		o.decisionTimeout, _ = time.ParseDuration(cfg.Supervise.DecisionTimeout) // checked when loaded
	}
	if !set["no-record"] && cfg.Record.Enabled != nil && !*cfg.Record.Enabled && o.record == "" {
		o.noRecord = true
	}
	if o.record != "" && o.noRecord {
		return o, cfg, nil, &usageError{"--record and --no-record contradict each other"}
	}
	if o.scrollback < 0 || o.scrollback > maxScrollback {
		return o, cfg, nil, &usageError{fmt.Sprintf("--scrollback must be between 0 and %d", maxScrollback)}
	}
	if o.decisionTimeout < 0 {
		return o, cfg, nil, &usageError{"--decision-timeout must not be negative"}
	}
	if _, err := parseUnattended(o.unattended); err != nil {
		return o, cfg, nil, err
	}
	return o, cfg, fs.Args(), nil
}

func runCommand(args []string, stdin, stdout, stderr *os.File) error {
	o, cfg, argv, err := parseRun(args)
	if err != nil {
		return err
	}
	if len(argv) == 0 {
		return &usageError{"run: no command given (sentinel run -- COMMAND [ARGS...])"}
	}
	return launch(launchSpec{opts: o, cfg: cfg, argv: argv}, stdin, stdout, stderr)
}

// launchSpec is a session to start: from `run`, or from `demo`.
type launchSpec struct {
	opts    runOptions
	cfg     Config
	argv    []string
	env     []string // nil: sentinel's own environment
	dir     string
	title   string // recording title
	display string // how the console names the agent; the command line when empty
	onEnd   func() // after the agent ended, before sentinel exits
}

func launch(sp launchSpec, stdin, stdout, stderr *os.File) error {
	o := sp.opts
	if _, err := session.Resolve(sp.argv[0]); err != nil {
		if errors.Is(err, session.ErrNotFound) {
			return fail(127, "%v", err)
		}
		// Found but not runnable: no permission, a directory ("/tmp"),
		// a path through a file. A shell says 126 for all of them.
		return fail(126, "%v", err)
	}
	prefix, err := ui.ParsePrefix(o.prefix)
	if err != nil {
		return &usageError{err.Error()}
	}
	theme, err := themes.ByName(o.theme)
	if err != nil {
		return &usageError{err.Error()}
	}
	if noColourAsked() {
		// From the first frame: the console also learns it from the
		// environment bubbletea reports, but a frame may come first.
		theme = themes.Monochrome()
	}

	unattended, err := parseUnattended(o.unattended)
	if err != nil {
		return err
	}
	console := !o.headless && unattended == nil
	if console && !term.IsTerminal(stdin.Fd()) {
		console = false
		fmt.Fprintln(stderr, "sentinel: stdin is not a terminal; running headless")
	} else if console && !term.IsTerminal(stdout.Fd()) {
		console = false
		fmt.Fprintln(stderr, "sentinel: stdout is not a terminal; running headless")
	}

	id := session.NewID()
	start := time.Now()
	cols, rows, err := agentSize(console, o.size, stdout)
	if err != nil {
		return err
	}
	recPath := ""
	var rec *cast.Writer
	recAlarm := &alarm{}
	if !o.noRecord {
		recPath = o.record
		if recPath == "" {
			recPath = session.RecordingPath(start, id)
			if sp.cfg.Record.Dir != "" {
				recPath = filepath.Join(sp.cfg.Record.Dir, filepath.Base(recPath))
			}
		}
		if abs, err := filepath.Abs(recPath); err == nil {
			recPath = abs
		}
		if err := session.CheckWritableDir(filepath.Dir(recPath)); err != nil {
			return fail(1, "cannot record to %s: %v (use --no-record to run unrecorded)", filepath.Dir(recPath), err)
		}
		title := sp.title
		if title == "" {
			title = "sentinel " + id + ": " + strings.Join(sp.argv, " ")
		}
		command := strings.Join(sp.argv, " ")
		if sp.display != "" {
			// The demo's agent is sentinel's hidden subcommand: the
			// recording names it as the console does.
			command = sp.display
		}
		rec, err = cast.Create(recPath, cast.Header{
			Width: cols, Height: rows, Timestamp: start.Unix(),
			Command: command, Title: title,
			Env: map[string]string{"TERM": "xterm-256color", "SHELL": os.Getenv("SHELL")},
		}, cast.Options{Start: start, OnError: recAlarm.fire})
		if err != nil {
			return fail(1, "%v", err)
		}
	}

	// The audit log is opened before the agent starts: a session whose
	// decisions could not be recorded must not begin.
	auditLog, err := audit.Open(session.AuditPath())
	if err != nil {
		if rec != nil {
			rec.Close()
		}
		return fail(1, "%v", err)
	}
	defer auditLog.Close()
	_, err = auditLog.Append(audit.Record{Kind: audit.KindSession, Session: id, Command: detect.MaskCredentials(strings.Join(sp.argv, " ")),
		Cwd: sp.dir, Operator: operatorName(), Note: "start; recording " + recordingNote(recPath)})
	if err != nil {
		if rec != nil {
			rec.Close()
		}
		return fail(1, "%v", err)
	}

	display := sp.display
	if display == "" {
		display = strings.Join(sp.argv, " ")
	}
	hooks, err := startHooks(id, sp.argv, sp.env)
	if err != nil {
		if rec != nil {
			rec.Close()
		}
		return fail(1, "%v", err)
	}
	defer hooks.close()
	if hooks.inj.Warning != "" {
		fmt.Fprintf(stderr, "sentinel: %s\n", hooks.inj.Warning)
	}
	sess := sessionSpec{
		id: id, argv: hooks.inj.Argv, display: display, env: hooks.inj.Env, dir: sp.dir, start: start, hooks: hooks,
		cols: cols, rows: rows, rec: rec, recPath: recPath, recordInput: o.recordInput, recAlarm: recAlarm,
		detect: sp.cfg.detect, unattended: unattended, decisionTimeout: o.decisionTimeout, notify: !o.noNotify,
		audit: auditLog, execGate: !o.noExecGate,
	}
	var st session.ExitStatus
	var blocked int
	// Until the end is recorded, a signal must not end sentinel by its
	// default action: the console stops catching SIGINT and SIGTERM when
	// it returns, and an agent that signals sentinel again during the
	// agent's grace period killed it before the end record. The console
	// and the headless loop still see each signal through their own.
	swallow := make(chan os.Signal, 8)
	signal.Notify(swallow, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(swallow)
	if console {
		st, blocked, err = runConsole(sess, o, prefix, theme, stdin, stdout, stderr)
	} else {
		st, blocked, err = runHeadless(sess, stdin, stdout, stderr)
	}
	if sp.onEnd != nil {
		sp.onEnd()
	}
	var ended *endedBadly
	if err == nil || errors.As(err, &ended) {
		note := fmt.Sprintf("end: agent %s; %d action(s) blocked", st, blocked)
		if rec != nil && rec.Err() != nil {
			// The audit log is where a team looks for what happened: a
			// recording that stopped part way must be said there too.
			note += "; RECORDING INCOMPLETE: " + rec.Err().Error()
		}
		if ended != nil {
			note += "; " + ended.Error()
		}
		_, _ = auditLog.Append(audit.Record{Kind: audit.KindSession, Session: id, Note: note})
	}
	if err != nil {
		return err
	}
	if unattended != nil && blocked > 0 {
		// A pipeline must fail loudly when sentinel stopped something,
		// even if the agent itself carried on and exited 0.
		fmt.Fprintf(stderr, "sentinel: %d action(s) blocked (unattended %s)\n", blocked, o.unattended)
		if st.Code == 0 {
			return &exitError{code: exitBlocked}
		}
	}
	if st.Code != 0 {
		return &exitError{code: st.Code}
	}
	return nil
}

// startError is the exit status for an agent that could not be started,
// as a shell gives it: the exec itself failed (a bad interpreter, an exec
// format error, no permission) 126, or 127 if the program went away since
// it was found. With the exec gate the trampoline execs the agent and
// exits 126 on such a failure; without it, the failure surfaces here.
func startError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "fork/exec" {
		if errors.Is(pe.Err, syscall.ENOENT) {
			if _, serr := os.Stat(pe.Path); serr != nil {
				return fail(127, "%v", err)
			}
		}
		return fail(126, "%v", err)
	}
	return fail(1, "%v", err)
}

// exitBlocked is sentinel's exit status when an unattended run blocked
// something and the agent itself exited 0.
const exitBlocked = 3

// sessionSpec is everything needed to begin the session.
type sessionSpec struct {
	id          string
	argv        []string
	display     string
	env         []string
	dir         string
	start       time.Time
	cols, rows  int
	rec         *cast.Writer
	recPath     string
	recordInput bool
	recAlarm    *alarm // told when the recording fails

	detect          *detect.Config
	unattended      *session.DecisionKind
	decisionTimeout time.Duration
	notify          bool
	audit           *audit.Log
	execGate        bool
	hooks           *hookSetup
}

func recordingNote(path string) string {
	if path == "" {
		return "off"
	}
	return path
}

// alarm passes an error to whoever listens, now or once they start
// listening: the recorder can fail before the console exists.
type alarm struct {
	mu     sync.Mutex
	listen func(error)
	err    error
}

func (a *alarm) fire(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err == nil {
		a.err = err
	}
	if a.listen != nil {
		a.listen(err)
	}
}

// onFire sets the listener and tells it about an error that already fired.
func (a *alarm) onFire(f func(error)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.listen = f
	if a.err != nil {
		f(a.err)
	}
}

// endLine is sentinel's last word on a session, on stderr.
func (sp sessionSpec) endLine() string {
	switch {
	case sp.recPath == "":
		return fmt.Sprintf("sentinel: session %s ended (not recorded)", sp.id)
	case sp.rec.Err() != nil:
		return fmt.Sprintf("sentinel: session %s ended; RECORDING INCOMPLETE: %v", sp.id, sp.rec.Err())
	}
	return fmt.Sprintf("sentinel: session %s ended; recording: %s", sp.id, sp.recPath)
}

func (sp sessionSpec) options() session.Options {
	return session.Options{
		ID: sp.id, Command: sp.argv, Display: sp.display, Env: sp.env, Dir: sp.dir,
		Cols: sp.cols, Rows: sp.rows, Recorder: sp.rec, RecordInput: sp.recordInput,
		ExecGate: sp.execGate && session.GateSupported() == nil,
		Watchdog: true, Leftovers: sp.hooks.leftovers(),
	}
}

// protections says what watches the agent, for the status bar and
// headless runs.
func (sp sessionSpec) protections() string {
	var parts []string
	if h := sp.hooks; h != nil && h.inj.Agent != "" {
		if h.inj.Active {
			parts = append(parts, "hooks: "+h.inj.Agent+" ✓")
		} else {
			parts = append(parts, "hooks: "+h.inj.Agent+" ✗")
		}
	}
	switch {
	case !sp.execGate:
		parts = append(parts, "exec gate off")
	case session.GateSupported() != nil:
		parts = append(parts, fmt.Sprintf("no exec gate (%v)", session.GateSupported()))
	default:
		parts = append(parts, "exec gate ✓")
	}
	return strings.Join(append(parts, "stream ✓"), " · ")
}

// agentSize is the PTY size to start with: the console's agent pane, the
// real terminal for headless runs on a terminal, else --size or 80x24.
func agentSize(console bool, size string, stdout *os.File) (int, int, error) {
	if size != "" {
		c, r, ok := strings.Cut(strings.ToLower(size), "x")
		cols, err1 := strconv.Atoi(c)
		rows, err2 := strconv.Atoi(r)
		if !ok || err1 != nil || err2 != nil {
			return 0, 0, &usageError{fmt.Sprintf("--size %q: want COLSxROWS, such as 120x40", size)}
		}
		if cols < 2 || rows < 2 || cols > 1000 || rows > 1000 {
			return 0, 0, &usageError{fmt.Sprintf("--size %q: each side must be 2 to 1000", size)}
		}
		if !console {
			return cols, rows, nil
		}
	}
	w, h, err := term.GetSize(stdout.Fd())
	if err != nil || w <= 0 || h <= 0 {
		w, h = 80, 24
	}
	if !console {
		return w, h, nil
	}
	in := ui.ComputeLayout(w, h, false).AgentInner
	return in.W, in.H, nil
}

// runHeadless copies the agent's output to stdout and stdin to the agent,
// as script(1) does.
func runHeadless(sp sessionSpec, stdin, stdout, stderr *os.File) (session.ExitStatus, int, error) {
	opts := sp.options()
	supOpts := sp.supervisorOptions()
	reportHeadless(&supOpts, stderr)
	if supOpts.Unattended == nil {
		// Headless, there is no keyboard to decide with: a held action is
		// denied at once (fail closed) rather than frozen for ever.
		deny := session.Deny
		supOpts.Unattended = &deny
	}
	// With no console awake beside it, scanning on the reader costs the
	// agent least (see SupervisorOptions.ScanOnReader).
	supOpts.ScanOnReader = true
	sup := session.NewSupervisor(supOpts)
	opts.Supervisor = sup
	sp.hooks.serve(sup)
	// A reader of stdout that goes away (sentinel run … | head) must not
	// end the session half recorded: with SIGPIPE caught (never ignored:
	// the agent inherits an ignored signal, and its own SIGPIPE is its
	// business), a write to the broken pipe fails with EPIPE instead of
	// killing sentinel, and the copy to stdout stops while the agent runs
	// on, recorded, to its exit marker and the audit log's end record. The
	// handler stays for good: the last words on stderr may meet the same
	// broken pipe.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	opts.Output = []io.Writer{&stopOnError{w: stdout, failed: func(err error) {
		fmt.Fprintf(stderr, "\r\nsentinel: stdout: %v; no longer copying the agent's output there (still recording)\r\n", err)
	}}}
	opts.OnEvent = func(e session.Event) {
		if e.Kind == session.EventError || e.Kind == session.EventNotice {
			fmt.Fprintf(stderr, "\r\nsentinel: %s\r\n", screen.OneLine(e.Text, 300))
		}
	}
	sp.recAlarm.onFire(func(err error) {
		fmt.Fprintf(stderr, "\r\nsentinel: %v; the rest of this session is not recorded\r\n", err)
	})
	ttyIn := term.IsTerminal(stdin.Fd())
	if ttyIn {
		state, err := term.MakeRaw(stdin.Fd())
		if err == nil {
			defer term.Restore(stdin.Fd(), state)
		}
	}
	// Caught before the agent starts: one that came in between killed
	// sentinel (SIGQUIT with a goroutine dump) with nothing recorded. It
	// waits in the channel until the session exists.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGWINCH, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	sess, err := session.Begin(opts)
	if err != nil {
		return session.ExitStatus{}, 0, startError(err)
	}
	go func() {
		for s := range sigs {
			if s == syscall.SIGWINCH {
				if w, h, err := term.GetSize(stdout.Fd()); err == nil {
					_ = sess.Resize(w, h)
				}
				continue
			}
			// Someone is ending sentinel: end the agent first (fail
			// closed), and say so, or the recording would only show the
			// agent dying of a signal nobody sent. (SIGQUIT too: Go's
			// default dumps goroutines and exits without an exit marker.)
			if sp.rec != nil {
				go sp.rec.Marker(fmt.Sprintf("sentinel received %s: ending the agent", unix.SignalName(s.(syscall.Signal))))
			}
			go sess.Terminate(2 * time.Second)
		}
	}()
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := stdin.Read(buf)
			if n > 0 {
				if _, werr := sess.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if !ttyIn {
					sess.SendEOF()
				}
				return
			}
		}
	}()
	st := sess.Wait()
	if sp.rec != nil && sp.rec.Err() != nil {
		fmt.Fprintln(stderr, sp.endLine())
	}
	return st, sup.Blocked(), nil
}

// stopOnError writes to w until a write fails, then drops everything,
// telling failed once: the session's read path writes here and must not
// stall or fail with it.
type stopOnError struct {
	w      io.Writer
	failed func(error)
	broken bool // only the session's reader writes: no lock needed
}

func (s *stopOnError) Write(p []byte) (int, error) {
	if s.broken {
		return len(p), nil
	}
	if _, err := s.w.Write(p); err != nil {
		s.broken = true
		if s.failed != nil {
			s.failed(err)
		}
	}
	return len(p), nil
}
