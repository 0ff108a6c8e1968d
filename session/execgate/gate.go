package execgate

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Options say how the gate answers.
type Options struct {
	// Decide is called for every exec, each in its own goroutine (so one
	// held exec never blocks others). Return true to let it run, false to
	// fail it with EPERM. It may block for as long as the operator takes;
	// Gate.Close does not wait for it (the exec fails). Exec.Caller and
	// Exec.Parents may be called while it runs. Nil allows everything.
	Decide func(*Exec) bool
	// OnMismatch is called when, after an allowed exec, the program that
	// actually runs differs from what was analysed (argv rewritten by
	// another thread after it was read, the file replaced, …). It should
	// return quickly: the process's next exec waits for it. Nil turns the
	// verification off.
	OnMismatch func(ex *Exec, actualPath string, actualArgv []string)
	// OnChanged is called when what the caller executes changed between
	// the gate's read and its answer (another thread, or a process sharing
	// its memory, cwd or descriptors, changed its path, argv, working
	// directory or the file named while Decide ran): the exec was refused
	// with EPERM. changed says what changed.
	OnChanged func(ex *Exec, changed string)
	// OnError is told about the supervisor's own failures: an exec it could
	// not read, which it failed with EPERM, or a broken listener, after
	// which every exec fails. Nil ignores them.
	OnError func(error)
	// Timeout bounds how long Start waits for the trampoline's listener;
	// 5 s when 0.
	Timeout time.Duration

	verified func(ex *Exec, ok bool) // tests: a verification compared
}

// Pending is a gate whose child has not reported yet.
type Pending struct {
	// Command is what to start instead of the agent.
	Command []string
	// ExtraFiles goes to exec.Cmd.ExtraFiles (its first entry becomes fd 3).
	ExtraFiles []*os.File

	parent int // the supervisor's end of the socket, -1 once closed
	child  *os.File
}

// Prepare makes the socket the trampoline sends its listener over. self is
// the sentinel executable (os.Executable()), resolvedPath the agent's
// program and argv its arguments, argv[0] included.
func Prepare(self, resolvedPath string, argv []string) (*Pending, error) {
	if len(argv) == 0 {
		argv = []string{resolvedPath}
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("exec gate: socketpair: %w", err)
	}
	child := os.NewFile(uintptr(fds[1]), "exec-gate")
	return &Pending{
		Command:    append([]string{self, TrampolineArg, resolvedPath}, argv...),
		ExtraFiles: []*os.File{child},
		parent:     fds[0],
		child:      child,
	}, nil
}

// Abort closes everything when the child never started.
func (p *Pending) Abort() {
	if p.child != nil {
		p.child.Close()
		p.child = nil
	}
	if p.parent >= 0 {
		unix.Close(p.parent)
		p.parent = -1
	}
}

// Start is called once the child has been started. It receives the
// listener (giving up after opts.Timeout, or as soon as the child exits
// without sending it: the caller should then kill the child) and serves
// notifications until Close.
func (p *Pending) Start(opts Options) (*Gate, error) {
	if p.parent < 0 {
		return nil, errors.New("exec gate: already started or aborted")
	}
	if p.child != nil {
		p.child.Close() // so a child that exits reads as EOF here
		p.child = nil
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	fd, err := receiveListener(p.parent, timeout)
	p.Abort()
	if err != nil {
		return nil, fmt.Errorf("exec gate: %w", err)
	}
	var wake [2]int
	if err := unix.Pipe2(wake[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("exec gate: wake pipe: %w", err)
	}
	g := &Gate{
		opts:    opts,
		fd:      fd,
		wakeR:   wake[0],
		wakeW:   wake[1],
		self:    os.Getpid(),
		pending: map[int]*verification{},
		closed:  make(chan struct{}),
		turn:    make(chan struct{}),
	}
	g.wg.Add(1)
	go g.worker()
	return g, nil
}

// receiveListener waits for the trampoline's message with the listener.
func receiveListener(sock int, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return -1, fmt.Errorf("no listener from the child after %v", timeout)
		}
		pfd := []unix.PollFd{{Fd: int32(sock), Events: unix.POLLIN}}
		n, err := unix.Poll(pfd, int(left.Milliseconds())+1)
		if err == unix.EINTR || (err == nil && n == 0) {
			continue
		}
		if err != nil {
			return -1, fmt.Errorf("waiting for the listener: %w", err)
		}
		break
	}
	var buf [1]byte
	oob := make([]byte, unix.CmsgSpace(4*4))
	var n, oobn, flags int
	var err error
	for {
		n, oobn, flags, _, err = unix.Recvmsg(sock, buf[:], oob, unix.MSG_CMSG_CLOEXEC|unix.MSG_DONTWAIT)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return -1, fmt.Errorf("receiving the listener: %w", err)
	}
	var fds []int
	if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
		for _, m := range msgs {
			if r, err := unix.ParseUnixRights(&m); err == nil {
				fds = append(fds, r...)
			}
		}
	}
	if len(fds) != 1 || flags&unix.MSG_CTRUNC != 0 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		if n == 0 && len(fds) == 0 {
			return -1, errors.New("the child exited without installing the gate")
		}
		return -1, fmt.Errorf("malformed message from the child (%d descriptors)", len(fds))
	}
	if link, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(fds[0])); link != "anon_inode:seccomp notify" {
		unix.Close(fds[0])
		return -1, fmt.Errorf("the child sent %q, not a seccomp listener", link)
	}
	return fds[0], nil
}

// Gate answers the execs of one process tree.
type Gate struct {
	opts Options
	self int

	// fdMu guards the listener's number: every use holds it for reading,
	// so Close (which holds it for writing) never closes it under a user,
	// and it is never used once closed (fd < 0) or reused for another
	// file. The receiver polls wakeR with it, so Close can wake it first.
	fdMu         sync.RWMutex
	fd           int
	wakeR, wakeW int

	mu       sync.Mutex
	closing  bool
	wg       sync.WaitGroup        // receivers, handlers and verifications (not Decide calls)
	pending  map[int]*verification // by tgid: the last allowed exec not yet verified
	cmdlines cmdlineCache
	closeMu  sync.Once
	closed   chan struct{}
	turn     chan struct{} // passes the receiving to an idle worker
	idle     int           // workers waiting on turn
}

// Close closes the listener: every held and later exec fails (ENOSYS).
// Decide calls still running are not waited for; their answers are
// dropped.
func (g *Gate) Close() error {
	var err error
	g.closeMu.Do(func() {
		g.mu.Lock()
		g.closing = true
		g.mu.Unlock()
		close(g.closed)
		unix.Write(g.wakeW, []byte{1})
		g.fdMu.Lock()
		err = unix.Close(g.fd)
		g.fd = -1
		g.fdMu.Unlock()
		g.wg.Wait()
		unix.Close(g.wakeR)
		unix.Close(g.wakeW)
	})
	return err
}

// enter counts a goroutine Close must wait for; false once closing.
func (g *Gate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.wg.Add(1)
	return true
}

func (g *Gate) report(err error) {
	if g.opts.OnError != nil {
		g.opts.OnError(fmt.Errorf("exec gate: %w", err))
	}
}

// worker receives one notification, passes the receiving on and handles
// the exec itself: the goroutine that was woken for the exec answers it,
// with no hand-off to another thread before the answer (which costs a
// wake-up on the exec's path), while the next receiver takes over. It
// blocks in poll(2) rather than in the netpoller, which measured faster
// here. Done, it waits to be handed the receiving again (a new goroutine
// would grow its stack again for every exec; at most maxIdle wait).
func (g *Gate) worker() {
	for {
		n, err := g.receive()
		switch {
		case err == errClosed:
			g.wg.Done()
			return
		case err != nil:
			g.report(fmt.Errorf("receive: %w; failing every exec from now on", err))
			g.wg.Done()
			go g.Close()
			return
		}
		g.passOn()
		if !g.handle(n) || !g.park() {
			return
		}
	}
}

const maxIdle = 4

// passOn makes another worker the receiver: an idle one, or a new one.
func (g *Gate) passOn() {
	select {
	case g.turn <- struct{}{}:
		g.mu.Lock()
		g.idle--
		g.mu.Unlock()
	default:
		if g.enter() {
			go g.worker()
		}
	}
}

// park waits for the receiving to be passed on to this worker; false
// (and uncounted) when it should end instead.
func (g *Gate) park() bool {
	g.mu.Lock()
	if g.closing || g.idle >= maxIdle {
		g.mu.Unlock()
		g.wg.Done()
		return false
	}
	g.idle++
	g.mu.Unlock()
	select {
	case <-g.turn:
		return true
	case <-g.closed:
		g.mu.Lock()
		g.idle--
		g.mu.Unlock()
		g.wg.Done()
		return false
	}
}

var errClosed = errors.New("closed")

// receive waits for the next notification. errClosed means there will be
// none: the gate is closing, or no process is left to send one.
func (g *Gate) receive() (notif, error) {
	g.fdMu.RLock()
	defer g.fdMu.RUnlock()
	for {
		if g.fd < 0 {
			return notif{}, errClosed
		}
		pfd := []unix.PollFd{{Fd: int32(g.fd), Events: unix.POLLIN}, {Fd: int32(g.wakeR), Events: unix.POLLIN}}
		_, err := unix.Poll(pfd, -1)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return notif{}, err
		case pfd[1].Revents != 0:
			return notif{}, errClosed
		case pfd[0].Revents&unix.POLLIN != 0:
			// Pending, so this does not block (a notification withdrawn
			// meanwhile fails with ENOENT).
			var n notif
			switch err := recvNotif(g.fd, &n); err {
			case nil:
				return n, nil
			case unix.EINTR, unix.ENOENT:
				continue
			default:
				return notif{}, err
			}
		case pfd[0].Revents != 0: // POLLHUP: no process is left to notify
			return notif{}, errClosed
		}
	}
}

// send answers a notification: errno 0 lets it run.
func (g *Gate) send(id uint64, errno unix.Errno) error {
	g.fdMu.RLock()
	defer g.fdMu.RUnlock()
	if g.fd < 0 {
		return errClosed
	}
	return sendResp(g.fd, id, errno)
}

// valid reports whether notification id is still pending: its caller is
// alive and waiting, so its pid names it.
func (g *Gate) valid(id uint64) bool {
	g.fdMu.RLock()
	defer g.fdMu.RUnlock()
	return g.fd >= 0 && idValid(g.fd, id) == nil
}

// handle answers one notification and then, if it let the exec run,
// verifies what runs. It is called counted (see enter) and runs so except
// while Decide runs; it reports whether it still is (not when the gate
// closed during Decide).
func (g *Gate) handle(n notif) bool {
	ex, err := g.inspect(&n)
	// Only now is it known that what was read belongs to the caller: its
	// notification is still live, so the thread did not exit and its pid
	// was not reused.
	if !g.valid(n.id) {
		return true
	}
	var una errUnanswerable
	switch {
	case errors.As(err, &una):
		g.answer(n.id, una.errno)
		return true
	case err != nil:
		g.report(fmt.Errorf("%w; exec refused", err))
		g.answer(n.id, unix.EPERM)
		return true
	}
	// The process is held in a new exec, so the one before it has finished
	// (or failed): verify it now, before it can be replaced.
	g.settle(ex.Tgid)

	allow := true
	if g.opts.Decide != nil {
		g.wg.Done()
		allow = g.opts.Decide(ex)
		if !g.enter() {
			ex.held.answered()
			return false
		}
	}
	if allow {
		if changed := g.stillAsRead(ex); changed != "" {
			allow = false
			if g.opts.OnChanged != nil {
				g.opts.OnChanged(ex, changed)
			}
		}
	}
	var v *verification
	if allow {
		v = g.prepareVerify(ex)
	}
	ex.held.answered()
	if !allow {
		g.answer(n.id, unix.EPERM)
		return true
	}
	if err := g.send(n.id, 0); err != nil {
		if v != nil {
			v.close()
		}
		if err != unix.ENOENT && err != errClosed {
			g.report(fmt.Errorf("answer pid %d: %w", n.pid, err))
		}
		return true
	}
	if v != nil {
		// On this goroutine: starting another one here would wake a thread
		// just as the exec resumes, and on a small machine the two compete
		// (measured: 80-160 µs per exec on 2 vCPUs).
		v.run()
	}
	return true
}

func (g *Gate) answer(id uint64, errno unix.Errno) {
	if err := g.send(id, errno); err != nil && err != unix.ENOENT && err != errClosed {
		g.report(fmt.Errorf("answer: %w", err))
	}
}
