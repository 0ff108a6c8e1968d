package session

import (
	"fmt"
	"golang.org/x/sys/unix"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session/audit"
	"github.com/sentinel-console/sentinel/session/execgate"
	"github.com/sentinel-console/sentinel/session/screen"
)

// Source is the path that saw an action.
type Source string

// The paths an action can be seen on, most precise first.
const (
	SourceHook   Source = "agent hook"
	SourceExec   Source = "exec gate"
	SourceStream Source = "stream"
)

// DecisionKind is what the operator (or a policy standing in for one)
// decided about a held action.
type DecisionKind int

// Decisions. Nothing is ever approved without the operator's keyboard.
const (
	Approve        DecisionKind = iota // let it run, once
	ApproveSession                     // let it run, and every later action with the same rule and target
	Edit                               // run (or hand the agent) the operator's command instead
	Deny                               // fail it; the agent carries on
	Kill                               // end the whole agent
)

func (k DecisionKind) String() string {
	return [...]string{"approve", "approve-session", "edit", "deny", "kill"}[k]
}

// Decision is the answer to a held action.
type Decision struct {
	Kind     DecisionKind
	Edit     string // Edit: the operator's command or instruction
	Operator string // who decided: an OS user name, or "policy"
	// By says how the decision came about when no key was pressed for it:
	// "timeout", "unattended", "session rule" (an earlier approve-session),
	// "same action" (already decided as seen on another path).
	By string
}

// Label is the decision in words, for markers and the events pane.
func (d Decision) Label() string {
	s := d.Kind.String()
	if d.Operator != "" {
		s += " by " + d.Operator
	}
	if d.By != "" {
		s += " (" + d.By + ")"
	}
	return s
}

// Action is something the agent is about to do (or, on the stream path, has
// announced) that a detector flagged for a decision.
type Action struct {
	ID      int
	Source  Source
	Also    []Source // other paths that saw the same action while it waited
	Command string
	Result  detect.Result
	Cwd     string
	Pid     int
	Parents []string // "1234 bash", nearest first
	// Uses says which credentials the agent found earlier and this command
	// carries ("uses the GitHub token the agent found in infra/domains.env").
	Uses []string
	Held time.Time
	// Seen is when the action reached sentinel: the output chunk that
	// showed it arrived, or the exec request came in.
	Seen time.Time
	// CanRewrite: an edit replaces the command (agent hooks). Elsewhere an
	// edit denies the original and hands the operator's text to the agent.
	CanRewrite bool
	// DenyEnds: the action runs inside the agent itself (it announced it
	// and no separate process is acting it out, and no exec gate can stop
	// it later), so denying it ends the agent.
	DenyEnds bool
	// Agent, AgentSession and Description come from the agent's hook:
	// which agent asked, its own session id, and its own words about the
	// command (which may be wrong: they are the agent's).
	Agent        string
	AgentSession string
	Description  string

	keys    []string
	running bool // the exec already happened (a mismatch): deny kills Pid
	// waiting is the agent hook's chain (the hook, the shell that ran it,
	// the agent): blocked on the hook already, so not stopped (see
	// freezeFor).
	waiting  map[int]bool
	decision Decision
	done     chan struct{} // closed once decided
}

// Decided is the action's decision and whether it has one yet.
func (a *Action) Decided() (Decision, bool) {
	select {
	case <-a.done:
		return a.decision, true
	default:
		return Decision{}, false
	}
}

// Wait blocks until the action is decided.
func (a *Action) Wait() Decision {
	<-a.done
	return a.decision
}

// Top is the finding that made the action pause.
func (a *Action) Top() detect.Finding {
	if f := a.Result.Top(); f != nil {
		return *f
	}
	return detect.Finding{}
}

// SupervisorOptions configure a Supervisor.
type SupervisorOptions struct {
	Detect detect.Context
	// Unattended, when set (Deny or Kill), decides every held action at
	// once without a console.
	Unattended *DecisionKind
	// DecisionTimeout, when positive, denies an action nobody decided in
	// time. Nothing is ever approved by a timeout.
	DecisionTimeout time.Duration
	// Operator names whoever presses the keys (the OS user).
	Operator string
	// OnHeld is told about each action that now waits for a decision, and
	// OnDecided about each decision. OnFinding is told about each
	// concerning analysis (pause or warn), whatever became of it. None may
	// block.
	OnHeld    func(*Action)
	OnDecided func(*Action, Decision)
	OnFinding func(src Source, command string, r detect.Result, uses []string)
	// ScanOnReader runs the stream scanner on the session's PTY read loop
	// instead of a goroutine of its own: right for a headless session, not
	// for the console. Headless, nothing else in sentinel is awake, and
	// handing chunks to a scanner goroutine woke a thread and took a
	// context switch from the agent's side of the PTY for most reads; with
	// the console, whose emulator and UI keep threads awake anyway, the
	// hand-off is cheap and the scanner beside the reader costs the agent
	// less. Measured in the same rounds (bench/run, BENCH_COMPARE, colour):
	// headless 1.08x script(1) on the reader against 1.22x queued; console
	// 1.27x on the reader against 1.01x queued.
	ScanOnReader bool
	// Audit, when set, receives a record of every finding and decision.
	// An approval that cannot be recorded there is not carried out: it
	// becomes a denial (nobody could show later who allowed it).
	Audit *audit.Log
}

// grantTTL is how long an approval (or a denial) of one action covers the
// same rule and target seen again on another path: the agent's `bash -c
// "curl …"` is approved once, and the curl it then executes is the same
// action, not a new one.
const grantTTL = 30 * time.Second

// A grant is an earlier decision that answers what it covers for a while.
// An approval covers exactly its own action: the same findings (not a
// subset: approving "git push --force …; rm -rf x" must not approve a
// later "rm -rf x") in the same directory (a force-push approved in one
// repository is not one in another). A denial covers any action all of
// whose findings it denied, anywhere: denying too much is safe.
type grant struct {
	keys   []string
	cwd    string
	anyCwd bool // an operator's edit: theirs wherever the agent runs it
	// pids are the processes whose exec the grant covered (the approved
	// "bash -c …"): an exec by one of their descendants with some of its
	// findings is a part of the approved command (its "cd sub && rm …",
	// the second command of a list), wherever it runs.
	pids    map[int]bool
	expires time.Time
}

// Supervisor holds flagged actions until someone decides, freezing the
// agent meanwhile. It sees actions on every path: the exec gate's requests,
// the agent's output (through Write, on the PTY read path) and, later,
// agent hooks.
type Supervisor struct {
	opts   SupervisorOptions
	s      *Session
	stream *detect.Stream

	mu         sync.Mutex
	pending    []*Action
	nextID     int
	killed     bool
	sessionOK  map[string]bool
	approved   []grant
	denied     []grant
	creds      map[string]detect.Credential // fingerprint → what the output showed
	reported   map[string]time.Time         // findings reported lately, to report each once
	blocked    int
	gateActive bool

	// What the held actions stopped: the whole tree, or (for actions held
	// on the agent-hook path only) the listed processes.
	freezeMu sync.Mutex
	whole    bool
	partial  []int
	// While only part of the tree is stopped, what may run (keep) can
	// start new processes; keepFrozen stops them until stopKeep closes.
	keep     map[int]bool
	stopKeep chan struct{}

	// The stream scanner runs on the session's read loop (ScanOnReader:
	// events go to handleStreamEvents) or on scanLoop (output goes through
	// scanQ).
	cols          atomic.Int64 // the agent's terminal width, for the scanner
	resizedAt     atomic.Int64 // unix nanoseconds of the last resize
	scanCols      int          // the width the scanner was last told of (its goroutine only)
	widthSettling bool         // the scanner reads wraps every way until widthSettle passes
	scanQ         scanQueue
	events        chan streamEvents
	scanDone      chan struct{} // closed when scanLoop or handleStreamEvents ends
	scanClosed    bool

	lastOutput   atomic.Int64 // unix nanoseconds of the agent's last output
	agentStarted atomic.Bool  // the exec gate let the agent itself start
}

// NewSupervisor makes a supervisor; Begin attaches it to the session.
func NewSupervisor(opts SupervisorOptions) *Supervisor {
	go detect.Warm()
	return &Supervisor{
		opts:      opts,
		stream:    detect.NewStream(opts.Detect),
		sessionOK: map[string]bool{},
		creds:     map[string]detect.Credential{},
		reported:  map[string]time.Time{},
	}
}

func (v *Supervisor) attach(s *Session) {
	v.s = s
	v.scanCols = s.opts.Cols
	v.cols.Store(int64(s.opts.Cols))
	v.stream.SetWidth(s.opts.Cols)
	v.lastOutput.Store(time.Now().UnixNano())
	v.scanDone = make(chan struct{})
	if v.opts.ScanOnReader {
		v.events = make(chan streamEvents, streamEventBacklog)
		go v.handleStreamEvents()
	} else {
		v.scanQ.cond = sync.NewCond(&v.scanQ.mu)
		go v.scanLoop()
	}
}

// Blocked counts actions that were denied or ended the agent.
func (v *Supervisor) Blocked() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.blocked
}

// Pending lists the actions waiting for a decision, oldest first.
func (v *Supervisor) Pending() []*Action {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]*Action(nil), v.pending...)
}

// scan is the stream path's entry on the PTY read loop. With ScanOnReader
// the scanner runs right there and the events it completes (rare: a
// command, a credential) go in order to handleStreamEvents; otherwise the
// chunk is queued for scanLoop. Either way the read loop never waits on a
// disk or the console.
func (v *Supervisor) scan(p []byte) {
	now := time.Now()
	v.lastOutput.Store(now.UnixNano())
	if v.opts.ScanOnReader {
		if evs := v.scanChunk(p); len(evs) > 0 {
			// Blocks only when the handler is streamEventBacklog batches
			// behind: the agent waits rather than an event being lost.
			v.events <- streamEvents{evs, now}
			// The handler now waits in this P's run queue, and the reader
			// is about to block in poll(2) holding the P (see scanNow):
			// yield, so a pause freezes the agent now, not when sysmon
			// next looks (bench/freeze, until held: p99 15 ms without it,
			// 2 ms with it).
			runtime.Gosched()
		}
		return
	}
	q := &v.scanQ
	q.mu.Lock()
	for len(q.buf) >= scanQueueLimit && !q.closed {
		q.cond.Wait()
	}
	if len(q.buf) == 0 {
		q.since = now
	}
	q.buf = append(q.buf, p...)
	if len(q.buf) >= scanWakeBytes || now.Sub(q.since) >= scanWakeAge {
		q.cond.Broadcast()
	}
	q.mu.Unlock()
}

// scanChunk runs the scanner over p. Only one goroutine ever calls it:
// the reader with ScanOnReader, scanLoop without; then closeScan.
func (v *Supervisor) scanChunk(p []byte) []detect.StreamEvent {
	if cols := int(v.cols.Load()); cols != v.scanCols || v.widthSettling {
		// Output read shortly after a resize may have been written for
		// either width, and rows rejoined by the wrong one can hide a
		// command ("| b ash"). Until the resize is widthSettle old, the
		// scanner analyses every reading of a wrapped command and
		// reports the most concerning (width 0).
		v.scanCols = cols
		settled := time.Since(time.Unix(0, v.resizedAt.Load())) >= widthSettle
		if settled {
			v.stream.SetWidth(cols)
		} else {
			v.stream.SetWidth(0)
		}
		v.widthSettling = !settled
	}
	return v.stream.Write(p)
}

// widthSettle is how long after a resize output may still come at the
// old width: what the agent wrote before it, and its redraw.
const widthSettle = 500 * time.Millisecond

// resized tells the scanner the agent's terminal width, which it needs to
// rejoin a command the agent's display wrapped.
func (v *Supervisor) resized(cols int) {
	v.resizedAt.Store(time.Now().UnixNano()) // first: whoever sees the width sees when it changed
	v.cols.Store(int64(cols))
}

// scanQueueLimit bounds output waiting for the scanner: past it the PTY
// reader waits (and with it the agent), so detection never falls behind by
// more than this.
const scanQueueLimit = 4 << 20

// The scanner is woken when this much output has queued, when the oldest
// queued byte has waited this long, or when the reader finds nothing more
// to read (scanNow). Waking it for every 4 KB read made its futex and
// scheduler calls cost more than the scanning itself on bulk output; the
// age bound keeps a printed command's wait for the scanner under a
// millisecond while output keeps flowing.
const (
	scanWakeBytes = 64 << 10
	scanWakeAge   = time.Millisecond
)

// scanNow wakes the scanner for whatever has queued: the reader calls it
// before it waits for more output.
func (v *Supervisor) scanNow() {
	q := &v.scanQ
	q.mu.Lock()
	woke := len(q.buf) > 0
	if woke {
		q.cond.Broadcast()
	}
	q.mu.Unlock()
	if woke {
		// The woken scanner waits in this P's run queue; the reader is
		// about to block in poll(2) holding the P, and the runtime takes a
		// P back from a blocked thread only when sysmon next looks (up to
		// 10 ms when idle). Yielding runs the scanner now.
		runtime.Gosched()
	}
}

// scanLoop runs the stream scanner over queued output and, on a pause
// verdict, freezes the agent at once.
func (v *Supervisor) scanLoop() {
	defer close(v.scanDone)
	q := &v.scanQ
	var chunk []byte
	for {
		q.mu.Lock()
		for len(q.buf) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.buf) == 0 && q.closed {
			q.mu.Unlock()
			return
		}
		chunk, q.buf = q.buf, chunk[:0]
		seen := q.since
		q.cond.Broadcast()
		q.mu.Unlock()
		for _, ev := range v.scanChunk(chunk) {
			v.streamEvent(ev, seen, false)
		}
	}
}

// scanQueue is output on its way from the read loop to scanLoop.
type scanQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	since  time.Time // when the oldest queued byte arrived
	closed bool
}

// streamEventBacklog bounds the event batches waiting for their handler
// when the scanner runs on the reader.
const streamEventBacklog = 256

// streamEvents is what one chunk of output showed, and when it was read.
type streamEvents struct {
	evs  []detect.StreamEvent
	seen time.Time
}

// handleStreamEvents acts on the events the reader's scanner found, in the
// order it found them (a credential before the command that uses it).
func (v *Supervisor) handleStreamEvents() {
	defer close(v.scanDone)
	for b := range v.events {
		for _, ev := range b.evs {
			v.streamEvent(ev, b.seen, false)
		}
	}
}

// closeScan returns once all the output read has been scanned and every
// event found acted on. The session calls it once, after its reader has
// stopped and the agent has exited.
func (v *Supervisor) closeScan() {
	if v.scanDone == nil || v.scanClosed {
		return
	}
	v.scanClosed = true
	if v.opts.ScanOnReader {
		close(v.events)
	} else {
		q := &v.scanQ
		q.mu.Lock()
		q.closed = true
		q.cond.Broadcast()
		q.mu.Unlock()
	}
	<-v.scanDone
	// The last line, if the agent left it without a newline, is judged
	// too. The agent is gone, so nothing can be held: what would have
	// paused it is reported as a finding.
	for _, ev := range v.stream.Flush() {
		v.streamEvent(ev, time.Now(), true)
	}
}

// streamEvent acts on what the scanner found: a command that pauses is
// held, unless the agent is gone (there is nothing left to hold), and
// then, like a warning, it is reported as a finding.
func (v *Supervisor) streamEvent(ev detect.StreamEvent, seen time.Time, agentGone bool) {
	switch ev.Kind {
	case detect.EventCredential:
		if ev.Credential != nil {
			v.mu.Lock()
			v.creds[ev.Credential.Fingerprint] = *ev.Credential
			v.mu.Unlock()
		}
		v.finding(SourceStream, "", ev.Result, nil)
	case detect.EventCommand:
		res := ev.Result
		uses := v.usesOf(ev.Command)
		raise(&res, uses)
		switch {
		case res.Verdict == detect.Pause && !agentGone:
			a := &Action{Source: SourceStream, Command: ev.Command, Result: res, Uses: uses, Seen: seen}
			if v.s != nil {
				a.Pid = v.s.pid
			}
			v.hold(a, false)
		case res.Verdict >= detect.Warn:
			v.finding(SourceStream, ev.Command, res, uses)
		}
	}
}

// Exec describes a program about to be executed, as the exec gate read it.
type Exec struct {
	Time    time.Time // when the request arrived
	Pid     int
	Path    string
	Argv    []string
	Cwd     string
	Parents []string
	// Interpreter is a script's "#!" interpreter and argument (see
	// execgate.Exec.Interpreter).
	Interpreter []string
	parents     func() []string // read on demand when Parents is nil
}

// ExecCommand is the exec as one shell command line, quoted so that the
// detector reads the same words the kernel was given.
func ExecCommand(path string, argv []string) string {
	words := make([]string, 0, len(argv))
	for i, a := range argv {
		if i == 0 && a == "" {
			a = path
		}
		q, err := syntax.Quote(a, syntax.LangBash)
		if err != nil {
			q = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		words = append(words, q)
	}
	if len(words) == 0 {
		return path
	}
	return strings.Join(words, " ")
}

// decideExec answers the exec gate: true lets the exec run. It blocks while
// the operator decides.
func (v *Supervisor) decideExec(ex Exec) bool {
	if v.s != nil && ex.Pid == v.s.pid && v.agentStarted.CompareAndSwap(false, true) {
		// The trampoline executing the agent: the operator's own command
		// line, not an action of the agent's.
		return true
	}
	ctx := v.opts.Detect
	ctx.Cwd = ex.Cwd
	cmd := ExecCommand(ex.Path, ex.Argv)
	res := detect.Command(cmd, ctx)
	// argv[0] is whatever the caller chose; the program is the path. When
	// they disagree, judge both readings and keep the more concerning.
	if len(ex.Argv) > 0 && filepath.Base(ex.Argv[0]) != filepath.Base(ex.Path) {
		alt := append([]string{ex.Path}, ex.Argv[1:]...)
		if r := detect.Command(ExecCommand(ex.Path, alt), ctx); r.Verdict > res.Verdict {
			res, cmd = r, ExecCommand(ex.Path, alt)
		}
	}
	// A script runs its "#!" interpreter on itself: "#!/bin/rm -rf" makes
	// "./x.sh ~/project" an rm. Judged as the kernel will run it too.
	if len(ex.Interpreter) > 0 {
		argv := append(append(slices.Clone(ex.Interpreter), ex.Path), ex.Argv[min(1, len(ex.Argv)):]...)
		if r := detect.Command(ExecCommand(ex.Interpreter[0], argv), ctx); r.Verdict > res.Verdict {
			res, cmd = r, ExecCommand(ex.Interpreter[0], argv)
		}
	}
	uses := v.usesOf(cmd)
	raise(&res, uses)
	if res.Verdict < detect.Pause {
		if res.Verdict == detect.Warn {
			// Recorded off the exec's path: the audit log and the marker
			// are synced to disk, and the exec goes ahead regardless.
			go v.finding(SourceExec, cmd, res, uses)
		}
		return true
	}
	if ex.Parents == nil && ex.parents != nil {
		ex.Parents = ex.parents()
	}
	a := &Action{Source: SourceExec, Command: cmd, Result: res, Uses: uses, Pid: ex.Pid, Cwd: ex.Cwd, Parents: ex.Parents, Seen: ex.Time}
	d := v.hold(a, true)
	if d.Kind != Approve && d.Kind != ApproveSession {
		return false
	}
	if other := v.sharesWorkingDirectory(ex.Pid); other > 0 {
		// The dialog showed where it runs; a process sharing that
		// (CLONE_FS) could move it once the program starts, and a review
		// had an approved "rm -rf ../w" delete another directory so.
		note := fmt.Sprintf("exec gate: pid %d shares its working directory with pid %d, which could move it after the approval; %q refused", ex.Pid, other, screen.OneLine(cmd, 120))
		if v.s != nil {
			v.s.emit(EventNotice, note)
		}
		_ = v.audit(audit.Record{Kind: audit.KindFinding, Source: "exec", Command: detect.MaskCredentials(cmd), Pid: ex.Pid, Cwd: ex.Cwd,
			Rule: "exec.shared-cwd", Severity: detect.High.String(), Verdict: detect.Pause.String(), Decision: "deny", Note: detect.MaskCredentials(note)})
		return false
	}
	return true
}

// kcmpFS is kcmp(2)'s KCMP_FS: whether two processes share their
// filesystem state (root, working directory, umask).
const kcmpFS = 3

// sharesWorkingDirectory returns a process of the agent's tree, other than
// pid itself, that shares pid's working directory (created with CLONE_FS),
// or 0. Ordinary programs never do; where kcmp(2) is missing it says 0.
func (v *Supervisor) sharesWorkingDirectory(pid int) int {
	if v.s == nil {
		return 0
	}
	for _, p := range v.s.tree() {
		if p == pid {
			continue
		}
		r, _, errno := unix.Syscall6(unix.SYS_KCMP, uintptr(pid), uintptr(p), kcmpFS, 0, 0, 0)
		if errno == 0 && r == 0 {
			return p
		}
	}
	return 0
}

// finding reports a concerning analysis that holds nothing (a warn
// verdict, a credential in the output): to the audit log and the console.
func (v *Supervisor) finding(src Source, cmd string, res detect.Result, uses []string) {
	top := res.Top()
	if top == nil {
		return
	}
	// The same finding on another path (printed, then executed) or
	// repeated is reported once a minute.
	key := top.Rule + "\x00" + top.Target + "\x00" + unquoted(cmd)
	now := time.Now()
	v.mu.Lock()
	if t, ok := v.reported[key]; ok && now.Sub(t) < time.Minute {
		v.mu.Unlock()
		return
	}
	if len(v.reported) > 1024 {
		clear(v.reported)
	}
	v.reported[key] = now
	v.mu.Unlock()
	{
		pid := 0
		if v.s != nil {
			pid = v.s.pid
			if rec := v.s.opts.Recorder; rec != nil {
				what := screen.OneLine(detect.MaskCredentials(cmd), 200)
				if cmd == "" {
					what = screen.OneLine(top.Reason, 200)
				}
				rec.Marker(fmt.Sprintf("%s [%s] %s %s: %s", res.Verdict, src, top.Severity, top.Rule, what))
			}
		}
		v.audit(audit.Record{Kind: audit.KindFinding, Source: auditSource(src), Command: detect.MaskCredentials(cmd), Pid: pid,
			Rule: top.Rule, Severity: top.Severity.String(), Verdict: res.Verdict.String(), Reason: top.Reason, Note: strings.Join(uses, "; ")})
	}
	if v.opts.OnFinding != nil {
		v.opts.OnFinding(src, cmd, res, uses)
	}
}

// audit appends a record to the audit log, if there is one.
func (v *Supervisor) audit(r audit.Record) error {
	if v.opts.Audit == nil {
		return nil
	}
	if v.s != nil {
		r.Session = v.s.ID
	}
	_, err := v.opts.Audit.Append(r)
	if err != nil && v.s != nil {
		v.s.emit(EventError, err.Error())
	}
	return err
}

func auditSource(s Source) string {
	switch s {
	case SourceHook:
		return "hook"
	case SourceExec:
		return "exec"
	}
	return "stream"
}

// auditRecord describes a held action, or its decision when d is set.
func auditRecord(a *Action, d *Decision) audit.Record {
	top := a.Top()
	r := audit.Record{Kind: audit.KindFinding, Source: auditSource(a.Source), Command: detect.MaskCredentials(a.Command),
		Cwd: a.Cwd, Pid: a.Pid, Rule: top.Rule, Severity: top.Severity.String(), Verdict: a.Result.Verdict.String(),
		Reason: top.Reason, Note: strings.Join(a.Uses, "; "), Agent: a.Agent, AgentSession: a.AgentSession}
	if d == nil {
		return r
	}
	r.Kind, r.Reason, r.Note = audit.KindDecision, "", d.By
	r.Decision = d.Kind.String()
	switch d.By {
	case "timeout":
		r.Decision = "timeout-deny"
	case "unattended":
		r.Decision = "unattended-" + d.Kind.String()
	}
	r.Operator = d.Operator
	if d.Kind == Edit {
		r.Edit = detect.MaskCredentials(d.Edit)
	}
	return r
}

func (v *Supervisor) setGateActive() {
	v.mu.Lock()
	v.gateActive = true
	v.mu.Unlock()
}

// gateOptions connect the exec gate to the supervisor.
func (v *Supervisor) gateOptions() execgate.Options {
	return execgate.Options{
		Decide: func(ex *execgate.Exec) bool {
			// The parent chain is read from /proc only for an exec that
			// is held: every read before the answer delays the exec.
			parents := func() []string {
				chain := ex.Parents()
				out := make([]string, 0, len(chain))
				for _, p := range chain {
					out = append(out, strconv.Itoa(p.Pid)+" "+p.Comm)
				}
				return out
			}
			return v.decideExec(Exec{Time: ex.Time, Pid: ex.Tgid, Path: ex.Path, Argv: ex.Argv, Cwd: ex.Cwd, Interpreter: ex.Interpreter, parents: parents})
		},
		OnMismatch: v.mismatch,
		OnChanged:  v.execChanged,
		OnError: func(err error) {
			if v.s != nil {
				v.s.emit(EventError, err.Error())
			}
		},
	}
}

// execChanged: what the caller executes changed while the gate decided
// (its arguments, working directory or file), and the exec was refused.
// Nothing ran, but the agent tried to slip a command past the gate: the
// operator sees it and the audit log keeps it.
func (v *Supervisor) execChanged(ex *execgate.Exec, changed string) {
	cmd := ExecCommand(ex.Path, ex.Argv)
	note := fmt.Sprintf("exec gate: pid %d changed what it executes while sentinel decided on %q: %s; refused", ex.Tgid,
		screen.OneLine(cmd, 120), screen.OneLine(changed, 200))
	if v.s != nil {
		v.s.emit(EventNotice, note)
	}
	_ = v.audit(audit.Record{Kind: audit.KindFinding, Source: "exec", Command: detect.MaskCredentials(cmd), Pid: ex.Tgid, Cwd: ex.Cwd,
		Rule: "exec.rewritten", Severity: detect.High.String(), Verdict: detect.Pause.String(), Decision: "deny", Note: detect.MaskCredentials(note)})
}

// mismatch: after an allowed exec, what runs is not what was analysed
// (argv rewritten by another thread, the file swapped). The running program
// is judged now; if it should have paused, the agent is frozen as on the
// stream path, and a denial kills that process.
func (v *Supervisor) mismatch(ex *execgate.Exec, actualPath string, actualArgv []string) {
	cmd := ExecCommand(actualPath, actualArgv)
	res := detect.Command(cmd, detect.Context{Config: v.opts.Detect.Config, Cwd: ex.Cwd})
	note := fmt.Sprintf("exec gate: pid %d runs %q, not the %q it was allowed as", ex.Tgid, screen.OneLine(cmd, 120), screen.OneLine(ExecCommand(ex.Path, ex.Argv), 120))
	if v.s != nil {
		v.s.emit(EventNotice, note)
	}
	_ = v.audit(audit.Record{Kind: audit.KindFinding, Source: "exec", Command: detect.MaskCredentials(cmd), Pid: ex.Tgid, Cwd: ex.Cwd,
		Rule: "exec.mismatch", Severity: detect.High.String(), Verdict: res.Verdict.String(), Note: note})
	if res.Verdict == detect.Pause {
		v.hold(&Action{Source: SourceExec, Command: cmd, Result: res, Pid: ex.Tgid, Cwd: ex.Cwd, Seen: time.Now(), running: true}, false)
	}
}

// usesOf lists the credentials the agent's output revealed that cmd carries.
func (v *Supervisor) usesOf(cmd string) []string {
	v.mu.Lock()
	n := len(v.creds)
	v.mu.Unlock()
	if n == 0 {
		return nil
	}
	var out []string
	for _, fp := range detect.FingerprintsIn(cmd) {
		v.mu.Lock()
		c, ok := v.creds[fp]
		v.mu.Unlock()
		if !ok {
			continue
		}
		where := "in its output"
		if c.Source != "" {
			where = "in " + c.Source
		}
		out = append(out, fmt.Sprintf("uses the %s (%s) the agent found %s", c.Label(), c.Masked, where))
	}
	return out
}

// raise makes a command that uses a credential the agent went looking for
// more severe: that is the prelude of the incident sentinel exists for.
func raise(res *detect.Result, uses []string) {
	if len(uses) == 0 {
		return
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Verdict == res.Verdict && f.Severity < detect.Critical {
			f.Severity++
		}
		if f.Verdict == res.Verdict && !strings.Contains(f.Reason, "the agent found") {
			f.Reason = strings.TrimSuffix(f.Reason, ".") + "; it " + uses[0]
		}
	}
}

// keysOf names what an approval covers: each pausing finding's rule and
// target.
func keysOf(r detect.Result) []string {
	var keys []string
	for _, f := range r.Findings {
		if f.Verdict == detect.Pause {
			keys = append(keys, keyOf(f))
		}
	}
	return keys
}

// grantFor is the approval of a: its findings, where it runs and, for an
// exec, its process.
func (v *Supervisor) grantFor(a *Action, now time.Time) grant {
	g := grant{keys: a.keys, cwd: a.Cwd, expires: now.Add(grantTTL)}
	if a.Source == SourceExec && a.Pid > 0 {
		g.pids = map[int]bool{a.Pid: true}
	}
	return g
}

func keyOf(f detect.Finding) string { return f.Rule + "\x00" + f.Target }

// SessionRuleKey is what an "approve for the session" (A) covers: the
// rule and target, and for a target that means something only where it
// runs (a relative path, a glob, a remote's name: anything not absolute,
// home-relative or a URL), the directory too. A review approved "rm -rf
// ../v" in ~/scratch/v and then had "cd ~/project/v && rm -rf ../v" go
// through as covered.
//
// A command that points its program at another directory itself (cd,
// pushd, -C, --git-dir, GIT_DIR=, …) makes even that directory wrong: its
// rule then covers only the same command, there.
func SessionRuleKey(f detect.Finding, cwd, command string) string {
	switch {
	case TargetIsAnywhere(f.Target):
		return keyOf(f)
	case movesElsewhere.MatchString(command):
		return keyOf(f) + "\x00" + cwd + "\x00" + command
	}
	return keyOf(f) + "\x00" + cwd
}

// movesElsewhere finds a command that changes where its programs work.
var movesElsewhere = regexp.MustCompile(`(?:^|[\s;&|(])(?:cd|pushd)(?:\s|$)|\s-C(?:\s|\S)|--git-dir|--work-tree|--directory|\bGIT_DIR=|\bGIT_WORK_TREE=`)

// TargetIsAnywhere reports whether a finding's target names the same
// thing from every directory.
func TargetIsAnywhere(target string) bool {
	return strings.HasPrefix(target, "/") || strings.HasPrefix(target, "~") || strings.Contains(target, "://")
}

// sessionKeysOf is keysOf for session rules.
func sessionKeysOf(a *Action) []string {
	var keys []string
	for _, f := range a.Result.Findings {
		if f.Verdict == detect.Pause {
			keys = append(keys, SessionRuleKey(f, a.Cwd, a.Command))
		}
	}
	return keys
}

func covered(keys []string, ok func(string) bool) bool {
	if len(keys) == 0 {
		return false
	}
	for _, k := range keys {
		if !ok(k) {
			return false
		}
	}
	return true
}

func liveGrants(gs []grant, now time.Time) []grant {
	out := gs[:0]
	for _, g := range gs {
		if now.Before(g.expires) {
			out = append(out, g)
		}
	}
	return out
}

// approvalCovering returns the approval that covers a: exactly its
// findings in its directory, or, for an exec by a descendant of a process
// whose exec an approval covered, some of that approval's findings. An
// exec it covers is added to its pids. nil when none does.
func (v *Supervisor) approvalCovering(a *Action) *grant {
	if len(a.keys) == 0 {
		return nil
	}
	var chain map[int]bool
	for i := range v.approved {
		g := &v.approved[i]
		match := (g.anyCwd || g.cwd == a.Cwd) && sameKeys(g.keys, a.keys)
		if !match && a.Source == SourceExec && a.Pid > 0 && len(g.pids) > 0 && subsetKeys(a.keys, g.keys) {
			if chain == nil && v.s != nil {
				chain = v.s.chainOf(a.Pid)
			}
			for pid := range chain {
				if g.pids[pid] {
					match = true
					break
				}
			}
		}
		if match {
			if a.Source == SourceExec && a.Pid > 0 {
				if g.pids == nil {
					g.pids = map[int]bool{}
				}
				g.pids[a.Pid] = true
			}
			return g
		}
	}
	return nil
}

// subsetKeys reports whether every key of a is in b.
func subsetKeys(a, b []string) bool {
	return !slices.ContainsFunc(a, func(k string) bool { return !slices.Contains(b, k) })
}

// sameKeys reports whether a and b hold the same keys.
func sameKeys(a, b []string) bool {
	return !slices.ContainsFunc(a, func(k string) bool { return !slices.Contains(b, k) }) &&
		!slices.ContainsFunc(b, func(k string) bool { return !slices.Contains(a, k) })
}

func grantsCover(gs []grant, keys []string) bool {
	return covered(keys, func(k string) bool {
		for _, g := range gs {
			for _, gk := range g.keys {
				if gk == k {
					return true
				}
			}
		}
		return false
	})
}

// hold queues a flagged action, freezes the agent and, with wait, returns
// the decision once made (the exec gate waits; the stream path, on the PTY
// read path, must not). An action already covered by an earlier decision
// is answered without asking again.
func (v *Supervisor) hold(a *Action, wait bool) Decision {
	a.keys = keysOf(a.Result)
	a.done = make(chan struct{})
	if a.Cwd == "" && v.s != nil {
		// Where it runs is part of what an approval covers (approvalsCover).
		a.Cwd = procCwd(v.s.pid)
	}
	now := time.Now()
	v.mu.Lock()
	v.approved = liveGrants(v.approved, now)
	v.denied = liveGrants(v.denied, now)
	var auto *Decision
	switch {
	case v.killed:
		auto = &Decision{Kind: Kill, Operator: v.opts.Operator, By: "agent being ended"}
	case covered(sessionKeysOf(a), func(k string) bool { return v.sessionOK[k] }):
		auto = &Decision{Kind: ApproveSession, By: "session rule"}
	case grantsCover(v.denied, a.keys):
		auto = &Decision{Kind: Deny, By: "same action, denied"}
	case v.approvalCovering(a) != nil:
		auto = &Decision{Kind: Approve, By: "same action, approved"}
	}
	if auto == nil {
		// The same action seen on another path while it waits (the agent
		// printed the command, then executed it) shares its decision.
		for _, p := range v.pending {
			// Where it runs must match too, unless one sighting is the
			// stream's, whose directory is only the agent's guessed.
			sameDir := p.Cwd == a.Cwd || p.Source == SourceStream || a.Source == SourceStream
			if p.Source != a.Source && sameDir && len(a.keys) > 0 && subsetKeys(a.keys, p.keys) {
				p.Also = append(p.Also, a.Source)
				v.mu.Unlock()
				if !wait {
					return Decision{}
				}
				d := p.Wait()
				d.By = "same action"
				return d
			}
		}
	}
	if auto != nil {
		v.nextID++
		a.ID = v.nextID
		v.mu.Unlock()
		a.Held = now
		// Recorded like any held action (audit record and marker), so
		// the recording and the audit log tell the same story.
		v.record(a, false)
		_ = v.audit(auditRecord(a, auto))
		a.decision = *auto
		close(a.done)
		v.record(a, true)
		v.decided(a, *auto)
		return *auto
	}
	v.nextID++
	a.ID = v.nextID
	a.Held = now
	// Queued at once, under the same lock as the check above, so the same
	// action arriving on another path meanwhile joins it.
	v.pending = append(v.pending, a)
	v.mu.Unlock()
	if v.s != nil {
		v.freezeFor(a) // first: every microsecond counts on the stream path
		v.s.input.hold(true)
		if a.Source == SourceStream && !v.gateActive && len(v.s.processesRunning(a.Command)) == 0 {
			a.DenyEnds = true
		}
	}
	v.record(a, false)
	if v.opts.OnHeld != nil {
		v.opts.OnHeld(a)
	}
	switch {
	case v.opts.Unattended != nil:
		_ = v.Decide(a.ID, Decision{Kind: *v.opts.Unattended, Operator: "policy", By: "unattended"})
	case v.opts.DecisionTimeout > 0:
		t := time.AfterFunc(v.opts.DecisionTimeout, func() {
			_ = v.Decide(a.ID, Decision{Kind: Deny, Operator: "policy", By: "timeout"})
		})
		if wait {
			defer t.Stop()
		}
	}
	if !wait {
		return Decision{}
	}
	return a.Wait()
}

// Decide answers a held action. It is called by the console for the
// operator's keys (and by the unattended and timeout policies); nothing the
// agent can reach calls it.
func (v *Supervisor) Decide(id int, d Decision) error {
	// The operator's edit, run in place of the original by an agent hook,
	// is the operator's own command: the exec gate lets it through rather
	// than asking about it again.
	var edited []string
	if d.Kind == Edit && strings.TrimSpace(d.Edit) != "" {
		ctx := v.opts.Detect
		edited = keysOf(detect.Command(d.Edit, ctx))
	}
	v.mu.Lock()
	idx := -1
	for i, p := range v.pending {
		if p.ID == id {
			idx = i
		}
	}
	if idx < 0 {
		v.mu.Unlock()
		return fmt.Errorf("no pending action %d", id)
	}
	a := v.pending[idx]
	v.pending = append(v.pending[:idx], v.pending[idx+1:]...)
	if err := v.audit(auditRecord(a, &d)); err != nil && (d.Kind == Approve || d.Kind == ApproveSession) {
		d = Decision{Kind: Deny, Operator: d.Operator, By: "approval could not be recorded in the audit log"}
		_ = v.audit(auditRecord(a, &d))
	}
	now := time.Now()
	// An agent hook that joined the action will carry the decision out
	// itself: a denial then fails the tool call instead of ending the
	// agent, and an edit is run by the agent instead of being typed.
	hooked := slices.Contains(a.Also, SourceHook)
	denyEnds := a.DenyEnds && !hooked
	if d.Kind == Edit && edited != nil {
		v.approved = append(v.approved, grant{keys: edited, anyCwd: true, expires: now.Add(grantTTL)})
	}
	var also []*Action
	switch d.Kind {
	case Approve:
		v.approved = append(v.approved, v.grantFor(a, now))
	case ApproveSession:
		// The action itself, and its parts, as for Approve.
		v.approved = append(v.approved, v.grantFor(a, now))
		// The rule and target the dialog names (its top finding), not
		// every finding of the action: those below it were not on offer.
		if top := a.Top(); top.Verdict == detect.Pause {
			v.sessionOK[SessionRuleKey(top, a.Cwd, a.Command)] = true
		}
		// Other waiting actions the new session rule covers are approved
		// with it.
		rest := v.pending[:0]
		for _, p := range v.pending {
			if covered(sessionKeysOf(p), func(k string) bool { return v.sessionOK[k] }) {
				also = append(also, p)
			} else {
				rest = append(rest, p)
			}
		}
		v.pending = rest
	case Deny, Edit:
		v.blocked++
		// The operator's edit may share a rule and target with the
		// original (the same directory, more carefully): the edit is
		// what they asked for, so it is not denied with the original.
		keys := slices.DeleteFunc(slices.Clone(a.keys), func(k string) bool { return slices.Contains(edited, k) })
		if len(keys) > 0 {
			v.denied = append(v.denied, grant{keys: keys, expires: now.Add(grantTTL)})
		}
		if denyEnds {
			v.killed = true
			also = append(also, v.pending...)
			v.pending = nil
		}
	case Kill:
		v.blocked++
		v.killed = true
		// Everything else waiting goes down with the agent.
		also = append(also, v.pending...)
		v.pending = nil
	}
	thaw := len(v.pending) == 0 && !v.killed
	v.mu.Unlock()

	a.decision = d
	close(a.done)
	v.record(a, true)
	v.decided(a, d)
	for _, p := range also {
		pd := Decision{Kind: d.Kind, Operator: d.Operator, By: "with action " + strconv.Itoa(a.ID)}
		if d.Kind == ApproveSession {
			pd.By = "session rule"
		}
		_ = v.audit(auditRecord(p, &pd))
		p.decision = pd
		close(p.done)
		v.record(p, true)
		v.decided(p, pd)
	}
	if v.s == nil {
		return nil
	}
	v.act(a, d, denyEnds, a.CanRewrite || hooked)
	if thaw {
		v.thawIfIdle()
	}
	return nil
}

// thawIfIdle thaws unless an action was held since Decide looked: one held
// meanwhile (the agent runs on during a hook's hold) would otherwise be
// left with nothing stopped. freezeMu before v.mu: hold never takes them
// the other way round, and a hold that queues after this look freezes
// again once it gets freezeMu.
func (v *Supervisor) thawIfIdle() {
	v.freezeMu.Lock()
	defer v.freezeMu.Unlock()
	v.mu.Lock()
	idle := len(v.pending) == 0 && !v.killed
	v.mu.Unlock()
	if !idle {
		return
	}
	v.s.input.hold(false)
	v.thawLocked()
}

// freezeFor stops what must not run while a is held: the whole tree,
// except that an action held on the agent-hook path leaves the hook's
// chain alone (the agent is blocked on its hook and cannot act meanwhile),
// so no SIGSTOP and SIGCONT reach it. Agents redraw their whole screen on
// SIGCONT, as after the operator's fg, which in a console that never left
// the screen only draws it twice.
func (v *Supervisor) freezeFor(a *Action) {
	v.freezeMu.Lock()
	defer v.freezeMu.Unlock()
	if a.Source == SourceHook && len(a.waiting) > 0 && !v.whole {
		v.freezePartly(a.waiting)
		return
	}
	if a.Source == SourceExec && !a.running && !v.whole && singleThreaded(a.Pid) {
		// The process asking to exec waits in the kernel for the answer
		// and cannot act meanwhile. Stopped as well, it would show an
		// interactive shell its job as stopped ("[1]+ Stopped"): the
		// shell takes the terminal back and the job, continued, runs on
		// in the background. (Not when other threads of it could act.)
		v.freezePartly(map[int]bool{a.Pid: true})
		return
	}
	v.s.freeze()
	v.whole = true
}

// freezePartly stops the tree but keep, and goes on stopping whatever
// appears in it meanwhile: what keep runs can start processes (an agent's
// shell, or a process that asked over the hook socket without waiting for
// the answer), and they would run through the hold. Called with freezeMu
// held.
func (v *Supervisor) freezePartly(keep map[int]bool) {
	if v.keep == nil {
		v.keep = map[int]bool{}
	}
	for pid := range keep {
		v.keep[pid] = true
	}
	v.partial = append(v.partial, v.s.freezeExcept(v.keep)...)
	if v.stopKeep == nil {
		v.stopKeep = make(chan struct{})
		go v.keepFrozen(v.stopKeep)
	}
}

// keepFrozenEvery is how often a partial freeze looks for new processes.
const keepFrozenEvery = 20 * time.Millisecond

func (v *Supervisor) keepFrozen(stop <-chan struct{}) {
	t := time.NewTicker(keepFrozenEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-v.s.done: // nothing left to stop
			return
		case <-t.C:
		}
		v.freezeMu.Lock()
		select {
		case <-stop:
		default:
			if !v.whole {
				stopped := map[int]bool{}
				for _, pid := range v.partial {
					stopped[pid] = true
				}
				v.partial = append(v.partial, v.s.freezeNew(v.keep, stopped)...)
			}
		}
		v.freezeMu.Unlock()
	}
}

// holding reports whether anything of the agent's is stopped for a held
// action.
func (v *Supervisor) holding() bool {
	v.freezeMu.Lock()
	defer v.freezeMu.Unlock()
	return v.whole || len(v.partial) > 0
}

// singleThreaded reports whether pid is a process of one thread.
func singleThreaded(pid int) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(b), "\nThreads:\t")
	n, _, _ := strings.Cut(rest, "\n")
	return ok && n == "1"
}

// thawLocked continues what the held actions stopped. freezeMu is held.
func (v *Supervisor) thawLocked() {
	if v.whole {
		v.s.thaw()
		v.s.nudge()
	} else if len(v.partial) > 0 {
		// Only processes still in the tree: a pid stopped then killed may
		// belong to someone else by now.
		stopped := map[int]bool{}
		for _, pid := range v.partial {
			stopped[pid] = true
		}
		var cont []int
		for _, pid := range v.s.tree() {
			if stopped[pid] {
				cont = append(cont, pid)
			}
		}
		signalAll(cont, syscall.SIGCONT)
	}
	v.whole, v.partial, v.keep = false, nil, nil
	if v.stopKeep != nil {
		close(v.stopKeep)
		v.stopKeep = nil
	}
	v.s.dog.thawed()
}

// act carries out a decision on the processes (the exec gate's and the
// hooks' answers are given by whoever waits on the action).
func (v *Supervisor) act(a *Action, d Decision, denyEnds, rewrites bool) {
	switch d.Kind {
	case Kill:
		go v.s.Terminate(2 * time.Second)
		return
	case Deny, Edit:
		if a.running && a.Pid > 0 {
			v.s.killProcs([]int{a.Pid})
		}
		if a.Source == SourceStream {
			if denyEnds {
				// Thawed, even for a SIGTERM handler, it would act: it
				// ends frozen.
				v.s.killAll()
				return
			}
			if pids := v.s.processesRunning(a.Command); len(pids) > 0 {
				v.s.killProcs(pids)
			}
		}
		if d.Kind == Edit && !rewrites && strings.TrimSpace(d.Edit) != "" {
			go v.typeWhenIdle(d.Edit)
		}
	}
}

// typeWhenIdle hands the operator's text to the agent as if typed, once the
// agent has been quiet for a moment (back at its prompt after the denial).
func (v *Supervisor) typeWhenIdle(text string) {
	const quiet = 1500 * time.Millisecond
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		last := time.Unix(0, v.lastOutput.Load())
		if time.Since(last) >= quiet {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if v.s.Exited() {
		return
	}
	_, _ = v.s.Write([]byte(strings.ReplaceAll(text, "\n", "\r") + "\r"))
}

func (v *Supervisor) decided(a *Action, d Decision) {
	if v.opts.OnDecided != nil {
		v.opts.OnDecided(a, d)
	}
}

// record writes the finding or the decision to the recording as a marker.
func (v *Supervisor) record(a *Action, decision bool) {
	if !decision {
		_ = v.audit(auditRecord(a, nil))
	}
	if v.s == nil || v.s.opts.Recorder == nil {
		return
	}
	top := a.Top()
	if !decision {
		v.s.opts.Recorder.Marker(fmt.Sprintf("pause #%d [%s] %s %s: %s", a.ID, a.Source, top.Severity, top.Rule, screen.OneLine(detect.MaskCredentials(a.Command), 200)))
		return
	}
	d := a.decision
	label := fmt.Sprintf("decision #%d: %s %s: %s", a.ID, d.Label(), top.Rule, screen.OneLine(detect.MaskCredentials(a.Command), 200))
	if d.Kind == Edit {
		label += " → " + screen.OneLine(detect.MaskCredentials(d.Edit), 200)
	}
	v.s.opts.Recorder.Marker(label)
}

// procCwd is a process's working directory, or "".
func procCwd(pid int) string {
	p, err := filepath.EvalSymlinks("/proc/" + strconv.Itoa(pid) + "/cwd")
	if err != nil {
		return ""
	}
	return p
}
