package execgate

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Options say how the gate answers.
type Options struct {
	// Decide is called for every exec, each in its own goroutine (so one
	// held exec never blocks others). Return true to let it run, false to
	// fail it with EPERM. It may block for as long as the operator takes.
	// Nil allows everything.
	Decide func(*Exec) bool
	// OnMismatch is called when, after an allowed exec, the program that
	// actually runs differs from what was analysed (argv rewritten by
	// another thread after it was read, the file replaced, …).
	OnMismatch func(ex *Exec, actualPath string, actualArgv []string)
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
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("exec gate: %w", err)
	}
	f := os.NewFile(uintptr(fd), "seccomp-notify")
	conn, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("exec gate: %w", err)
	}
	g := &Gate{
		opts:    opts,
		file:    f,
		conn:    conn,
		self:    os.Getpid(),
		pending: map[int]*verification{},
		closed:  make(chan struct{}),
	}
	g.wg.Add(1)
	go g.loop()
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
	file *os.File // the listener; closing it fails every held and later exec
	conn syscall.RawConn
	self int

	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup        // the loop, inspections and verifications (not Decide calls)
	pending map[int]*verification // by tgid: the last allowed exec not yet verified
	closeMu sync.Once
	closed  chan struct{}
	err     error
}

// Close closes the listener: every held and later exec fails (ENOSYS).
// Decide calls still running are not waited for; their answers are
// dropped.
func (g *Gate) Close() error {
	g.closeMu.Do(func() {
		g.mu.Lock()
		g.closing = true
		g.mu.Unlock()
		close(g.closed)
		g.err = g.file.Close()
		g.wg.Wait()
	})
	return g.err
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

// loop receives notifications, each handled on its own goroutine. It waits
// through the netpoller, so Close wakes it by closing the file.
func (g *Gate) loop() {
	defer g.wg.Done()
	for {
		var n notif
		var rerr error
		hup := false
		err := g.conn.Read(func(fd uintptr) bool {
			for {
				pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
				k, err := unix.Poll(pfd, 0)
				switch {
				case err == unix.EINTR:
					continue
				case err != nil:
					rerr = err
					return true
				case k == 0:
					return false // wait for the netpoller
				case pfd[0].Revents&unix.POLLIN != 0:
					// Pending, so this does not block (a notification
					// withdrawn meanwhile makes it fail with ENOENT).
					rerr = recvNotif(int(fd), &n)
					return true
				default: // POLLHUP: no process is left to notify
					hup = true
					return true
				}
			}
		})
		switch {
		case err != nil: // closed
			return
		case hup:
			return
		case rerr == unix.EINTR || rerr == unix.ENOENT:
			continue
		case rerr != nil:
			g.report(fmt.Errorf("receive: %w; failing every exec from now on", rerr))
			go g.Close()
			return
		}
		if !g.enter() {
			return
		}
		go g.handle(n)
	}
}

// send answers a notification: errno 0 lets it run.
func (g *Gate) send(id uint64, errno unix.Errno) error {
	var serr error
	if err := g.conn.Control(func(fd uintptr) { serr = sendResp(int(fd), id, errno) }); err != nil {
		return err
	}
	return serr
}

func (g *Gate) valid(id uint64) bool {
	var verr error
	if err := g.conn.Control(func(fd uintptr) { verr = idValid(int(fd), id) }); err != nil {
		return false
	}
	return verr == nil
}

// handle answers one notification. It runs counted (see enter) except
// while Decide runs.
func (g *Gate) handle(n notif) {
	counted := true
	defer func() {
		if counted {
			g.wg.Done()
		}
	}()
	dir, err := unix.Open("/proc/"+strconv.Itoa(int(n.pid)), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		if g.valid(n.id) {
			g.report(fmt.Errorf("pid %d: %w; exec refused", n.pid, err))
			g.answer(n.id, unix.EPERM)
		}
		return
	}
	defer unix.Close(dir)
	ex, err := g.inspect(&n, dir)
	// Only now is it known that what was read belongs to the caller: its
	// notification is still live, so the thread did not exit and its pid
	// was not reused.
	if !g.valid(n.id) {
		return
	}
	var una errUnanswerable
	switch {
	case errors.As(err, &una):
		g.answer(n.id, una.errno)
		return
	case err != nil:
		g.report(fmt.Errorf("%w; exec refused", err))
		g.answer(n.id, unix.EPERM)
		return
	}
	// The process is held in a new exec, so the one before it has finished
	// (or failed): verify it now, before it can be replaced.
	g.settle(ex.Tgid)

	allow := true
	if g.opts.Decide != nil {
		counted = false
		g.wg.Done()
		allow = g.opts.Decide(ex)
		if !g.enter() {
			return
		}
		counted = true
	}
	if !allow {
		g.answer(n.id, unix.EPERM)
		return
	}
	v := g.prepareVerify(ex)
	if err := g.send(n.id, 0); err != nil {
		if v != nil {
			v.close()
		}
		if err != unix.ENOENT && !g.isClosing() {
			g.report(fmt.Errorf("answer pid %d: %w", n.pid, err))
		}
		return
	}
	if v != nil && g.enter() {
		go v.run()
	} else if v != nil {
		v.close()
	}
}

func (g *Gate) answer(id uint64, errno unix.Errno) {
	if err := g.send(id, errno); err != nil && err != unix.ENOENT && !g.isClosing() {
		g.report(fmt.Errorf("answer: %w", err))
	}
}

func (g *Gate) isClosing() bool {
	select {
	case <-g.closed:
		return true
	default:
		return false
	}
}
