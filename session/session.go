package session

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/sentinel-console/sentinel/session/cast"
	"github.com/sentinel-console/sentinel/session/execgate"
)

// GateSupported says whether this kernel can run the exec gate (nil), or
// why not.
func GateSupported() error { return execgate.Supported() }

// Options describe the agent to start.
type Options struct {
	ID      string   // session id; NewID() when empty
	Command []string // program and arguments
	// Display names the command in events and markers when it differs
	// from Command (sentinel's hook settings added to an agent's command
	// line are noise there); Command joined when empty.
	Display string
	Dir     string // working directory; the current one when empty
	// Env is the agent's environment before sentinel's additions
	// (TERM, COLORTERM, SENTINEL_SESSION); os.Environ() when nil.
	Env        []string
	Cols, Rows int
	// Recorder, when set, receives output, resizes, markers and, with
	// RecordInput, input. The session closes it at the end.
	Recorder    *cast.Writer
	RecordInput bool
	// Output receives every chunk the agent writes, on the read path, after
	// the recorder. Each writer must return quickly (a queue, or a terminal
	// in headless mode, as script(1) does).
	Output []io.Writer
	// OnEvent is told about session events as they happen. It must not block.
	OnEvent func(Event)
	// ExecGate runs the agent under the exec gate (Linux seccomp user
	// notification): every exec in its tree is analysed by the Supervisor
	// before it runs. It needs a Supervisor; see GateSupported.
	ExecGate bool
	// Watchdog starts a watchdog process (RunWatchdog) that kills what is
	// still frozen if sentinel dies holding it. Only for a binary whose
	// main dispatches WatchdogArg (sentinel's own does).
	Watchdog bool
	// Leftovers are files and directories of the session (the hook
	// socket's directory, an agent's generated settings) that the caller
	// removes when the session ends; the watchdog removes them if sentinel
	// dies first. Each must be an absolute, clean path at least two levels
	// deep, named after the session's ID.
	Leftovers []string
	// Self is the sentinel executable that serves as the gate's
	// trampoline; os.Executable() when empty.
	Self string
	// Supervisor, when set, watches the agent: the stream scanner runs on
	// the read path and flagged actions freeze the agent until decided.
	Supervisor *Supervisor
	// DrainTimeout bounds how long output is read after the agent exits
	// while descendants keep the terminal open; then they are ended.
	DrainTimeout time.Duration
}

// EventKind names a session event.
type EventKind int

// Session events.
const (
	EventStart EventKind = iota
	EventResize
	EventExit
	EventNotice // something the operator should know (leftover processes ended, ...)
	EventError  // something went wrong (recording failed, ...)
	EventFinding
	EventDecision
)

func (k EventKind) String() string {
	return [...]string{"start", "resize", "exit", "notice", "error", "found", "decide"}[k]
}

// Event is one entry of the session's timeline.
type Event struct {
	Time time.Time
	Kind EventKind
	Text string
}

// ExitStatus is how the agent ended.
type ExitStatus struct {
	Code   int            // exit code, or 128+signal as a shell reports it
	Signal syscall.Signal // the signal that killed it, or 0
}

func (e ExitStatus) String() string {
	if e.Signal != 0 {
		return fmt.Sprintf("killed by %s (%d)", signalName(e.Signal), e.Code)
	}
	return fmt.Sprintf("exit %d", e.Code)
}

func signalName(s syscall.Signal) string {
	if n := unix.SignalName(s); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(s))
}

// Session is a running agent.
type Session struct {
	ID      string
	Command []string
	Start   time.Time

	opts Options
	pty  *os.File
	// The reader polls wakeR besides the terminal, so finish can stop it
	// without closing the terminal under it.
	wakeR, wakeW int
	pid          int
	input        *inputQueue

	// ptyMu guards the master against use after the reader closed it (its
	// descriptor number could by then belong to another file): ioctls on
	// it take the read lock and check ptyClosed.
	ptyMu     sync.RWMutex
	ptyClosed bool

	gate     *execgate.Gate // nil without the exec gate
	dog      *watchdog      // nil without Options.Watchdog
	pidStart uint64         // the agent's start time (/proc/PID/stat), against pid reuse

	mu       sync.Mutex
	cols     int
	rows     int
	exited   bool
	exit     ExitStatus
	readDone chan struct{}
	gone     chan struct{} // closed once the agent process has exited
	done     chan struct{}
}

// ErrNotFound means the command does not exist (a shell's exit 127).
var ErrNotFound = errors.New("command not found")

// ErrNotExecutable means the command exists but cannot be run (exit 126).
var ErrNotExecutable = errors.New("permission denied")

// Resolve finds the program the way a shell would, so sentinel can refuse a
// missing command before opening a console for it.
func Resolve(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err == nil {
		return path, nil
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if errors.Is(err, fs.ErrPermission) {
		return "", fmt.Errorf("%s: %w", name, ErrNotExecutable)
	}
	return "", fmt.Errorf("%s: %w", name, err)
}

// Begin starts the agent.
func Begin(opts Options) (*Session, error) {
	if len(opts.Command) == 0 {
		return nil, errors.New("no command to run")
	}
	if err := startReaper(); err != nil {
		return nil, err
	}
	path, err := Resolve(opts.Command[0])
	if err != nil {
		return nil, err
	}
	if opts.ID == "" {
		opts.ID = NewID()
	}
	opts.Cols, opts.Rows = max(opts.Cols, 1), max(opts.Rows, 1)
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 300 * time.Millisecond
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	env = withoutEnv(env, outerTerminalEnv)
	env = withEnv(env, "TERM", "xterm-256color")
	env = withEnv(env, "COLORTERM", "truecolor")
	env = withEnv(env, "SENTINEL_SESSION", opts.ID)

	var wake [2]int
	if err := unix.Pipe2(wake[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, fmt.Errorf("wake pipe: %w", err)
	}
	closeWake := func() {
		unix.Close(wake[0])
		unix.Close(wake[1])
	}
	cmd := &exec.Cmd{Path: path, Args: opts.Command, Env: env, Dir: opts.Dir}
	var gate *execgate.Pending
	if opts.ExecGate {
		if opts.Supervisor == nil {
			closeWake()
			return nil, errors.New("the exec gate needs a supervisor")
		}
		self := opts.Self
		if self == "" {
			if self, err = os.Executable(); err != nil {
				closeWake()
				return nil, fmt.Errorf("exec gate: %w", err)
			}
		}
		if gate, err = execgate.Prepare(self, path, opts.Command); err != nil {
			closeWake()
			return nil, err
		}
		cmd.Path, cmd.Args, cmd.ExtraFiles = self, gate.Command, gate.ExtraFiles
	}
	ptmx, err := pty.StartWithAttrs(cmd, &pty.Winsize{Cols: uint16(opts.Cols), Rows: uint16(opts.Rows)},
		&syscall.SysProcAttr{Setsid: true, Setctty: true})
	if err != nil {
		closeWake()
		if gate != nil {
			gate.Abort()
		}
		return nil, fmt.Errorf("start %s: %w", opts.Command[0], err)
	}
	if ptmx, err = outsideNetpoller(ptmx); err != nil {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		closeWake()
		if gate != nil {
			gate.Abort()
		}
		return nil, fmt.Errorf("start %s: %w", opts.Command[0], err)
	}
	s := &Session{
		wakeR:    wake[0],
		wakeW:    wake[1],
		ID:       opts.ID,
		Command:  opts.Command,
		Start:    time.Now(),
		opts:     opts,
		pty:      ptmx,
		pid:      cmd.Process.Pid,
		cols:     opts.Cols,
		rows:     opts.Rows,
		readDone: make(chan struct{}),
		gone:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	if p, ok := readStat(s.pid); ok {
		s.pidStart = p.start
	}
	addLiveSession(s.ID) // until finish: its orphans are its own (claims)
	// The reaper owns waiting; Release drops os/exec's pidfd.
	exited := waitFor(s.pid)
	_ = cmd.Process.Release()
	s.input = newInputQueue(ptmx, func(p []byte) {
		if opts.RecordInput && opts.Recorder != nil {
			opts.Recorder.Input(p)
		}
	})
	display := opts.Display
	if display == "" {
		display = strings.Join(opts.Command, " ")
	}
	if opts.Recorder != nil {
		opts.Recorder.Marker("start: " + display)
	}
	s.emit(EventStart, fmt.Sprintf("started %s (pid %d) at %dx%d", display, s.pid, opts.Cols, opts.Rows))
	if opts.Supervisor != nil {
		opts.Supervisor.attach(s)
	}
	if gate != nil {
		// The trampoline hands over the listener, then execs the agent:
		// that first exec is already the gate's to decide.
		s.gate, err = gate.Start(opts.Supervisor.gateOptions())
		if err != nil {
			_ = syscall.Kill(s.pid, syscall.SIGKILL)
			<-exited
			opts.Supervisor.closeScan() // its goroutine ends; nothing was read
			ptmx.Close()
			closeWake()
			removeLiveSession(s.ID)
			return nil, err
		}
		opts.Supervisor.setGateActive()
	}
	if opts.Watchdog {
		s.dog = startWatchdog()
		s.dog.leftovers(opts.ID, opts.Leftovers)
	}
	go s.read()
	go s.finish(exited)
	return s, nil
}

// outsideNetpoller returns the master as a blocking file that Go's network
// poller does not watch, and closes f. os.OpenFile registers a terminal
// with the poller (epoll, edge-triggered), and the reader reads it with its
// own poll(2) and read(2), so the registration served nothing, but every
// burst of agent output then also woke whichever runtime thread was waiting
// in epoll for a timer, to find nothing to do: about 2,200 more context
// switches per 50 MiB of colour output (perf sched_switch), on CPUs the
// agent needs.
func outsideNetpoller(f *os.File) (*os.File, error) {
	defer f.Close()
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, err
	}
	// os.NewFile leaves a blocking descriptor out of the poller.
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// outerTerminalEnv are the variables that tell a program how to reach the
// terminal (or multiplexer) sentinel itself runs in: its server socket, its
// pane, its remote control. The agent's terminal is sentinel's PTY, so they
// are wrong for it; worse, through them a program can type into sentinel's
// own console ("tmux send-keys a" while the dialog waits) and approve the
// agent's action. Removing them does not wall the agent off (it runs as the
// operator's user and can find a socket by itself; see the README's
// "What sentinel cannot stop"), but nothing points it there, and the
// detector pauses the commands that use them.
var outerTerminalEnv = []string{
	"TMUX", "TMUX_PANE", // tmux
	"STY", "WINDOW", // GNU screen
	"ZELLIJ", "ZELLIJ_SESSION_NAME", "ZELLIJ_PANE_ID",
	"KITTY_LISTEN_ON", "KITTY_WINDOW_ID", "KITTY_PID", "KITTY_PUBLIC_KEY",
	"WEZTERM_UNIX_SOCKET", "WEZTERM_PANE",
	"ALACRITTY_SOCKET", "ALACRITTY_WINDOW_ID",
	"KONSOLE_DBUS_SERVICE", "KONSOLE_DBUS_SESSION", "KONSOLE_DBUS_WINDOW",
	"TERMINATOR_UUID", "TERMINATOR_DBUS_NAME", "TERMINATOR_DBUS_PATH",
	"GNOME_TERMINAL_SCREEN", "GNOME_TERMINAL_SERVICE",
}

// WithoutOuterTerminal returns env without the variables that lead to the
// terminal sentinel runs in (see outerTerminalEnv), for the programs
// sentinel runs itself beside a session.
func WithoutOuterTerminal(env []string) []string { return withoutEnv(env, outerTerminalEnv) }

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}

func withEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

func (s *Session) emit(kind EventKind, text string) {
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(Event{Time: time.Now(), Kind: kind, Text: text})
	}
}

// read is the PTY read path: recorder first, then the output writers. It
// never waits on the emulator or the UI (they queue).
func (s *Session) read() {
	defer close(s.readDone)
	// The reader owns closing the master: closing it under a blocked poll
	// would not wake it, and the number could be reused by another file
	// before the next read. finish stops the reader through the wake pipe.
	defer func() {
		s.ptyMu.Lock()
		s.ptyClosed = true
		s.pty.Close()
		s.ptyMu.Unlock()
	}()
	defer unix.Close(s.wakeR)
	fd := int(s.pty.Fd()) // also puts the descriptor in blocking mode
	buf := make([]byte, 64<<10)
	rec := s.opts.Recorder
	sup := s.opts.Supervisor
	unflushed := false // output recorded since the recorder was last told we are idle
	var idle func()
	if sup != nil && !sup.opts.ScanOnReader {
		idle = sup.scanNow
	}
	for {
		wait := -1
		if unflushed {
			wait = int(cast.FlushInterval / time.Millisecond)
		}
		n, err := readPTY(fd, s.wakeR, buf, wait, idle)
		if err == errQuiet {
			rec.Idle()
			unflushed = false
			continue
		}
		if n > 0 {
			data := buf[:n]
			if rec != nil {
				rec.Output(data)
				unflushed = true
			}
			if sup != nil {
				sup.scan(data) // a pause verdict freezes the agent
			}
			for _, w := range s.opts.Output {
				_, _ = w.Write(data)
			}
		}
		if err != nil {
			// EIO once every holder of the terminal has closed it. The agent
			// may still be alive: GNU tools close stdout and stderr just
			// before they exit, and closing the master now would hang up
			// the terminal and kill the agent with SIGHUP before it exits
			// with its own status. Keep the master open until it is gone.
			// (finish stops the reader only after the agent has exited.)
			<-s.gone
			return
		}
	}
}

// errQuiet means the agent wrote nothing for the time readPTY was told to
// wait.
var errQuiet = errors.New("no output")

// readPTY reads what the agent wrote, waiting in poll(2) when there is
// nothing yet. It returns errStopped once the wake descriptor is readable
// (the session is closing and must not wait for the terminal any longer),
// and, with wait >= 0, errQuiet after wait milliseconds without output.
//
// A zero-timeout poll and then the read are raw syscalls: neither can block
// (the descriptor stays in blocking mode, but poll said data is there), so
// the Go scheduler need not know about them. Only the wait, when the agent is
// slower than sentinel, goes through the scheduler. Reading through os.File
// (the poller: a failed read, an epoll wait, the read again) or with a plain
// blocking read (handed off by the runtime after 20 µs) cost 10-20% of an
// agent's throughput on colour-heavy output against script(1); this matched
// it (bench/run).
func readPTY(fd, wake int, buf []byte, wait int, idle func()) (int, error) {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(wake), Events: unix.POLLIN}}
	var now unix.Timespec
	for {
		r, _, errno := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd[0])), 2, uintptr(unsafe.Pointer(&now)), 0, 0, 0)
		if errno == 0 && r == 0 {
			if idle != nil {
				idle() // nothing to read: whoever batches work behind the reader must not wait for more
			}
			ready, err := unix.Poll(pfd, wait)
			if err != nil && err != unix.EINTR {
				return 0, err
			}
			if err == nil && ready == 0 {
				return 0, errQuiet
			}
			continue
		}
		if errno != 0 {
			if errno == unix.EINTR {
				continue
			}
			return 0, errno
		}
		if pfd[1].Revents != 0 {
			return 0, errStopped
		}
		n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		switch errno {
		case 0:
			if n == 0 {
				return 0, io.EOF
			}
			return int(n), nil
		case unix.EINTR, unix.EAGAIN:
			continue
		default:
			return 0, errno
		}
	}
}

// errStopped means the session told the reader to stop.
var errStopped = errors.New("reader stopped")

// finish waits for the agent, drains its output, ends what it left behind
// and closes the session.
func (s *Session) finish(exited <-chan unix.WaitStatus) {
	ws := <-exited
	st := ExitStatus{Code: ws.ExitStatus()}
	if ws.Signaled() {
		st = ExitStatus{Code: 128 + int(ws.Signal()), Signal: ws.Signal()}
	}
	s.mu.Lock()
	s.exited, s.exit = true, st
	s.mu.Unlock()
	close(s.gone)

	// Descendants may still hold the terminal open (a background job, a
	// daemon). Read what is left for a moment, then end whatever of the
	// agent's is still running, holding the terminal or not: nothing the
	// agent started may run on unsupervised after it.
	select {
	case <-s.readDone:
	case <-time.After(s.opts.DrainTimeout):
	}
	if sup := s.opts.Supervisor; sup != nil && sup.holding() {
		// What is stopped for an action still held must not run again,
		// not even for endTree's grace (SIGCONT, then SIGKILL 2 s later).
		if left := len(s.tree()); left > 0 {
			s.killAll()
			s.emit(EventNotice, fmt.Sprintf("ended %d process(es) the agent left, stopped for a held action", left))
		}
	} else if left := s.endTree(2 * time.Second); left > 0 {
		s.emit(EventNotice, fmt.Sprintf("ended %d process(es) the agent left running", left))
	}
	select {
	case <-s.readDone:
	case <-time.After(time.Second):
		// Something sentinel cannot end (or that is not the agent's,
		// such as another process that opened the terminal) keeps it
		// open. Stop reading; the session is over.
		_, _ = unix.Write(s.wakeW, []byte{1})
		<-s.readDone
	}
	_ = unix.Close(s.wakeW)
	s.input.close()
	if s.opts.Supervisor != nil {
		s.opts.Supervisor.closeScan() // the last output is judged too
	}
	if s.gate != nil {
		// Nothing of the agent's is left to exec anything; from here on
		// any exec that was still to come fails (fail closed).
		_ = s.gate.Close()
	}
	if s.opts.Recorder != nil {
		s.opts.Recorder.Marker("exit: " + st.String())
	}
	s.emit(EventExit, st.String())
	if s.opts.Recorder != nil {
		if err := s.opts.Recorder.Close(); err != nil {
			s.emit(EventError, err.Error())
		}
	}
	s.dog.end() // the tree has ended: nothing is left for it to kill
	removeLiveSession(s.ID)
	close(s.done)
}

// Pid is the agent's process id.
func (s *Session) Pid() int { return s.pid }

// Done is closed when the agent has exited, its output is drained and the
// recording is closed.
func (s *Session) Done() <-chan struct{} { return s.done }

// Wait blocks until Done and returns the agent's exit status.
func (s *Session) Wait() ExitStatus {
	<-s.done
	return s.Exit()
}

// Exit is the agent's exit status; valid once Exited.
func (s *Session) Exit() ExitStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exit
}

// Exited reports whether the agent process has ended.
func (s *Session) Exited() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exited
}

// Write queues input for the agent. It does not block on the agent.
func (s *Session) Write(p []byte) (int, error) {
	return s.input.write(p)
}

// Resize sets the terminal size the agent sees (TIOCSWINSZ, which also
// sends it SIGWINCH) and records it.
func (s *Session) Resize(cols, rows int) error {
	cols, rows = max(cols, 1), max(rows, 1)
	s.mu.Lock()
	if cols == s.cols && rows == s.rows || s.exited {
		s.mu.Unlock()
		return nil
	}
	s.cols, s.rows = cols, rows
	s.mu.Unlock()
	if s.opts.Supervisor != nil {
		// Before the agent is told (SIGWINCH), so its redraw at the new
		// width is never scanned as if at the old one.
		s.opts.Supervisor.resized(cols)
	}
	err := s.withPTY(func(f *os.File) error {
		return pty.Setsize(f, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	})
	if err != nil {
		return fmt.Errorf("resize: %w", err)
	}
	if s.opts.Recorder != nil {
		s.opts.Recorder.Resize(cols, rows)
	}
	s.emit(EventResize, fmt.Sprintf("resized to %dx%d", cols, rows))
	return nil
}

// nudge makes a thawed agent redraw: a full-screen program repaints on
// SIGWINCH, and the size toggles back at once.
func (s *Session) nudge() {
	s.mu.Lock()
	cols, rows, exited := s.cols, s.rows, s.exited
	s.mu.Unlock()
	if exited || rows < 2 {
		return
	}
	_ = s.withPTY(func(f *os.File) error {
		_ = pty.Setsize(f, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows - 1)})
		return pty.Setsize(f, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	})
}

// errClosed means the agent's terminal is closed.
var errClosed = errors.New("terminal closed")

// withPTY runs f with the master while it is open.
func (s *Session) withPTY(f func(*os.File) error) error {
	s.ptyMu.RLock()
	defer s.ptyMu.RUnlock()
	if s.ptyClosed {
		return errClosed
	}
	return f(s.pty)
}

// Size is the agent's terminal size.
func (s *Session) Size() (cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cols, s.rows
}

// Marker records a labelled moment in the recording.
func (s *Session) Marker(label string) {
	if s.opts.Recorder != nil {
		s.opts.Recorder.Marker(label)
	}
}

// Terminate ends the agent and its whole tree: SIGHUP and SIGTERM (and
// SIGCONT, in case it is stopped), then SIGKILL after grace. It returns once
// the session is done.
func (s *Session) Terminate(grace time.Duration) ExitStatus {
	if !s.Exited() {
		s.endTree(grace)
	}
	return s.Wait()
}

// endTree signals the agent's tree and returns how many processes it found.
func (s *Session) endTree(grace time.Duration) int {
	pids := s.tree()
	found := len(pids)
	if found == 0 {
		return 0
	}
	signalAll(pids, syscall.SIGHUP) // interactive shells ignore SIGTERM
	signalAll(pids, syscall.SIGTERM)
	signalAll(pids, syscall.SIGCONT)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if len(s.tree()) == 0 {
			return found
		}
	}
	for range 5 {
		pids = s.tree()
		if len(pids) == 0 {
			break
		}
		signalAll(pids, syscall.SIGKILL)
		time.Sleep(20 * time.Millisecond)
	}
	return found
}

// SendEOF tells the agent its input has ended, the way a terminal does:
// the end-of-file character (normally ^D), when the agent's terminal is in
// canonical mode. A program in raw mode gets nothing: ^D would be a key.
func (s *Session) SendEOF() {
	var t *unix.Termios
	err := s.withPTY(func(f *os.File) (err error) {
		t, err = unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
		return err
	})
	if err != nil || t.Lflag&unix.ICANON == 0 {
		return
	}
	_, _ = s.Write([]byte{t.Cc[unix.VEOF]})
}
