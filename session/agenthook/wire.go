package agenthook

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// SocketEnv names the environment variable through which `sentinel run`
// tells the agent's hooks where its console listens.
const SocketEnv = "SENTINEL_HOOK_SOCKET"

// MaxRequest bounds one request on the socket. Larger commands are denied
// by the hook itself: nothing that size is judged in time, and an agent
// must not be able to make the console buffer without end.
const MaxRequest = 16 << 20

// Request is what an agent wants to run, as its hook described it.
type Request struct {
	Agent        string `json:"agent"`                   // claude, codex, gemini or cursor
	Event        string `json:"event,omitempty"`         // the agent's hook event (PreToolUse, …)
	Tool         string `json:"tool,omitempty"`          // the agent's tool name (Bash, run_shell_command, …)
	Command      string `json:"command"`                 // the shell command, exactly as the agent gave it
	Description  string `json:"description,omitempty"`   // the agent's own words about the command
	Cwd          string `json:"cwd,omitempty"`           // where the agent will run it
	AgentSession string `json:"agent_session,omitempty"` // the agent's session or conversation id
	// CanRewrite says whether the agent will run an edited command in
	// place of this one (Cursor cannot).
	CanRewrite bool `json:"can_rewrite"`
}

// Verdict is the console's answer to a request.
type Verdict string

// Verdicts.
const (
	// Pass: sentinel has no objection; the agent's own permission flow
	// decides, as it would without sentinel.
	Pass Verdict = "pass"
	// Allow: the operator approved this command; the agent need not ask
	// again.
	Allow Verdict = "allow"
	// Rewrite: the operator edited the command; run Reply.Command instead.
	Rewrite Verdict = "rewrite"
	// Deny: do not run it; Reply.Reason says why, for the model.
	Deny Verdict = "deny"
	// Wait is not an answer: the console holds the request for the
	// operator and the final reply follows on the same connection.
	Wait Verdict = "wait"
)

// Reply is the console's answer.
type Reply struct {
	Verdict Verdict `json:"verdict"`
	Command string  `json:"command,omitempty"` // Rewrite: what to run instead
	Reason  string  `json:"reason,omitempty"`  // Deny: why, written for the model
	// Operator is the instruction the operator typed when editing for an
	// agent that cannot rewrite: handed to the model with the denial.
	Operator string `json:"operator,omitempty"`
}

// Peer is the process on the other end of a connection, as the kernel
// reports it.
type Peer struct {
	Pid int
	Uid int
}

// Handler decides one request. It may block while the operator decides;
// it calls held first when it does, so the hook knows the console is alive.
type Handler func(req Request, peer Peer, held func()) Reply

// Server is the console's end of the hook socket.
type Server struct {
	Path string // the socket
	dir  string
	ln   *net.UnixListener
	// Close wakes Serve's wait for a connection by writing to wakeW.
	wakeR, wakeW *os.File

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

// RuntimeDir is a private directory (0700, owned by this user) for this
// session's socket: under $XDG_RUNTIME_DIR when it is usable, else under
// the temporary directory. Unix socket paths are short (108 bytes), so it
// never lives under a long HOME.
func RuntimeDir(id string) (string, error) {
	base := ""
	if d := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) && privateDir(d) == nil {
		base = filepath.Join(d, "sentinel")
	} else {
		base = filepath.Join(os.TempDir(), "sentinel-"+strconv.Itoa(os.Getuid()))
	}
	if err := os.Mkdir(base, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("hook socket directory: %w", err)
	}
	if err := privateDir(base); err != nil {
		return "", fmt.Errorf("hook socket directory %s: %w", base, err)
	}
	dir := filepath.Join(base, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("hook socket directory: %w", err)
	}
	return dir, nil
}

// privateDir checks that dir is a real directory, owned by this user, that
// nobody else can enter or write to: another user must not be able to
// replace the socket with one of their own.
func privateDir(dir string) error {
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return err
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return errors.New("not a directory")
	case int(st.Uid) != os.Getuid():
		return fmt.Errorf("owned by uid %d, not %d", st.Uid, os.Getuid())
	case st.Mode&0o077 != 0:
		return fmt.Errorf("mode %o lets others in", st.Mode&0o777)
	}
	return nil
}

// Listen opens the hook socket in dir (see RuntimeDir). The socket is
// 0600; the directory is already private.
func Listen(dir string) (*Server, error) {
	path := filepath.Join(dir, "hook.sock")
	old := unix.Umask(0o177)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	unix.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("hook socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("hook socket: %w", err)
	}
	wakeR, wakeW, err := os.Pipe()
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("hook socket: %w", err)
	}
	return &Server{Path: path, dir: dir, ln: ln, wakeR: wakeR, wakeW: wakeW, conns: map[net.Conn]bool{}}, nil
}

// Serve answers requests until Close. Each connection carries one request
// and gets one reply (preceded by Wait when the request is held).
func (s *Server) Serve(h Handler) {
	for s.waitForConnection() {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.mu.Unlock()
		go func() {
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.serve(c, h)
		}()
	}
}

// waitForConnection waits in poll(2) until a connection is pending (true)
// or the server is closing (false).
//
// Accept alone would wait in the runtime's network poller, and a goroutine
// parked there for the whole session makes every thread of the runtime
// that runs out of work poll epoll before it sleeps. On an agent's bulk
// output, where the PTY reader runs out of work thousands of times a
// second, that alone cost 15-20% of the agent's throughput against
// script(1) (bench/workload under a bare Go PTY copier, with and without a
// parked listener). A thread blocked in poll(2) costs nothing.
func (s *Server) waitForConnection() bool {
	ln, err := s.ln.SyscallConn()
	if err != nil {
		return false
	}
	wake, err := s.wakeR.SyscallConn()
	if err != nil {
		return false
	}
	pending := false
	// Control keeps each descriptor open (Close waits) while poll uses it.
	_ = ln.Control(func(lfd uintptr) {
		_ = wake.Control(func(wfd uintptr) {
			pfd := []unix.PollFd{{Fd: int32(lfd), Events: unix.POLLIN}, {Fd: int32(wfd), Events: unix.POLLIN}}
			for {
				_, perr := unix.Poll(pfd, -1)
				if perr == unix.EINTR {
					continue
				}
				pending = perr == nil && pfd[1].Revents == 0 && pfd[0].Revents&unix.POLLIN != 0
				return
			}
		})
	})
	return pending
}

func (s *Server) serve(c *net.UnixConn, h Handler) {
	peer, err := peerOf(c)
	if err != nil || peer.Uid != os.Getuid() {
		return
	}
	// A request arrives at once or never: the hook writes it right after
	// connecting.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReaderSize(io.LimitReader(c, MaxRequest+1), 64<<10).ReadBytes('\n')
	if err != nil {
		return
	}
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		writeReply(c, Reply{Verdict: Deny, Reason: "sentinel could not read the hook's request: " + err.Error()})
		return
	}
	var once sync.Once
	held := func() { once.Do(func() { writeReply(c, Reply{Verdict: Wait}) }) }
	writeReply(c, h(req, peer, held))
}

func writeReply(c net.Conn, r Reply) {
	b, _ := json.Marshal(r)
	_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, _ = c.Write(append(b, '\n'))
}

func peerOf(c *net.UnixConn) (Peer, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return Peer{}, err
	}
	var cred *unix.Ucred
	var cerr error
	err = raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err == nil {
		err = cerr
	}
	if err != nil {
		return Peer{}, err
	}
	return Peer{Pid: int(cred.Pid), Uid: int(cred.Uid)}, nil
}

// Close stops listening, drops every open connection (their hooks fail
// closed: a hook that loses its console denies) and removes the socket
// and its directory. It does not wait for handlers still deciding.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	// Wake Serve first: closing a descriptor does not end a poll(2) on it,
	// and these closes wait for that poll to return.
	_, _ = s.wakeW.Write([]byte{1})
	_ = s.wakeW.Close()
	_ = s.wakeR.Close()
	err := s.ln.Close()
	_ = os.Remove(s.Path)
	_ = os.Remove(s.dir)
	return err
}

// isAncestor reports whether pid is self or one of its ancestors.
func isAncestor(pid, self int) bool {
	for p, n := self, 0; p > 1 && n < 256; n++ {
		if p == pid {
			return true
		}
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/stat")
		if err != nil {
			return false
		}
		// The name is in parentheses and may hold anything: fields
		// resume after the last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			return false
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			return false
		}
		if p, err = strconv.Atoi(f[1]); err != nil {
			return false
		}
	}
	return false
}

// ErrNoConsole means no console answered on the socket: the hook decides
// on its own.
var ErrNoConsole = errors.New("no sentinel console answers")

// Ask sends a request to the console at socket and returns its reply. It
// waits as long as the operator takes once the console has said it holds
// the request; a console that does not answer within answerWithin is
// taken as absent (ErrNoConsole). A console lost after it held the request
// is an error: the caller denies.
func Ask(socket string, req Request, answerWithin time.Duration) (Reply, error) {
	// Plain blocking system calls, not the net package: the hook is a
	// short-lived process with nothing else to do, and the runtime's
	// poller added a wait and a wake-up to every read on the path an agent
	// waits on before each shell command.
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return Reply{}, err
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: socket}); err != nil {
		return Reply{}, fmt.Errorf("%w: connect %s: %v", ErrNoConsole, socket, err)
	}
	// The console is sentinel, which started the agent: an ancestor of
	// this hook. A socket served by anything else (the agent could point
	// the variable at one of its own through its settings) is refused.
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return Reply{}, fmt.Errorf("the console's credentials: %w", err)
	}
	if !isAncestor(int(cred.Pid), os.Getpid()) {
		return Reply{}, fmt.Errorf("%s is served by pid %d, which did not start this agent", socket, cred.Pid)
	}
	b, err := json.Marshal(req)
	if err != nil {
		return Reply{}, err
	}
	timeout := unix.NsecToTimeval(answerWithin.Nanoseconds())
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &timeout)
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &timeout)
	for p := append(b, '\n'); len(p) > 0; {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Reply{}, fmt.Errorf("%w: %v", ErrNoConsole, err)
		}
		p = p[n:]
	}
	r := bufio.NewReader(rawReader(fd))
	first := true
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			if first && (errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EWOULDBLOCK)) {
				return Reply{}, fmt.Errorf("%w within %v", ErrNoConsole, answerWithin)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
				return Reply{}, errors.New("the console closed the connection before deciding")
			}
			return Reply{}, err
		}
		var rep Reply
		if err := json.Unmarshal(line, &rep); err != nil {
			return Reply{}, fmt.Errorf("the console's reply: %w", err)
		}
		switch rep.Verdict {
		case Wait:
			// The operator decides: no deadline from here on.
			first = false
			none := unix.Timeval{}
			_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &none)
			continue
		case Pass, Allow, Deny:
			return rep, nil
		case Rewrite:
			if rep.Command == "" {
				return Reply{}, errors.New("the console's rewrite has no command")
			}
			return rep, nil
		}
		return Reply{}, fmt.Errorf("the console's reply has an unknown verdict %q", rep.Verdict)
	}
}

// rawReader reads a descriptor with read(2), retrying when interrupted.
type rawReader int

func (fd rawReader) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(fd), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
