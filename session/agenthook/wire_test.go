package agenthook

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func listen(t *testing.T) *Server {
	t.Helper()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("TMPDIR", t.TempDir())
	dir, err := RuntimeDir("t1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSocketIsPrivate(t *testing.T) {
	s := listen(t)
	st, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 || st.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket mode %v", st.Mode())
	}
	for _, d := range []string{filepath.Dir(s.Path), filepath.Dir(filepath.Dir(s.Path))} {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("%s mode %v", d, st.Mode().Perm())
		}
	}
	s.Close()
	if _, err := os.Stat(filepath.Dir(s.Path)); !os.IsNotExist(err) {
		t.Errorf("the session's socket directory outlived Close: %v", err)
	}
}

func TestRuntimeDirRefusesADirectoryOthersCanWrite(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("TMPDIR", tmp)
	base := filepath.Join(tmp, "sentinel-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(base, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o777)
	if _, err := RuntimeDir("x"); err == nil || !strings.Contains(err.Error(), "lets others in") {
		t.Fatalf("RuntimeDir in a world-writable base: %v", err)
	}
}

func TestAskGetsTheHandlersReply(t *testing.T) {
	s := listen(t)
	got := make(chan Request, 1)
	go s.Serve(func(req Request, peer Peer, held func()) Reply {
		if peer.Pid != os.Getpid() || peer.Uid != os.Getuid() {
			t.Errorf("peer %+v", peer)
		}
		got <- req
		return Reply{Verdict: Pass}
	})
	req := Request{Agent: "claude", Command: "ls -la", Description: "list", Cwd: "/tmp", AgentSession: "s1", CanRewrite: true}
	rep, err := Ask(s.Path, req, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Pass {
		t.Errorf("reply %+v", rep)
	}
	if r := <-got; r != req {
		t.Errorf("request arrived as %+v", r)
	}
}

// Once the console has said it holds the request, the hook waits for the
// operator however long that takes, past the answer deadline.
func TestAskWaitsForTheOperatorAfterHeld(t *testing.T) {
	s := listen(t)
	go s.Serve(func(req Request, _ Peer, held func()) Reply {
		held()
		time.Sleep(300 * time.Millisecond)
		return Reply{Verdict: Rewrite, Command: "echo safer"}
	})
	rep, err := Ask(s.Path, Request{Agent: "claude", Command: "rm -rf /"}, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Rewrite || rep.Command != "echo safer" {
		t.Fatalf("reply %+v", rep)
	}
}

func TestAskWithoutConsole(t *testing.T) {
	_, err := Ask(filepath.Join(t.TempDir(), "none.sock"), Request{Command: "ls"}, time.Second)
	if !errors.Is(err, ErrNoConsole) {
		t.Fatalf("no socket: %v", err)
	}
	// A console that accepts but never answers is no console either.
	dir := t.TempDir()
	ln, err := net.Listen("unix", filepath.Join(dir, "mute.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, err = Ask(filepath.Join(dir, "mute.sock"), Request{Command: "ls"}, 200*time.Millisecond)
	if !errors.Is(err, ErrNoConsole) {
		t.Fatalf("mute console: %v", err)
	}
}

// A console lost while the operator decides is not a "no console": the
// hook must deny, not judge alone and perhaps let the command through.
func TestAskLosingTheConsoleAfterHeldIsAnError(t *testing.T) {
	s := listen(t)
	holding := make(chan struct{})
	go s.Serve(func(req Request, _ Peer, held func()) Reply {
		held()
		close(holding)
		time.Sleep(time.Hour)
		return Reply{Verdict: Allow}
	})
	errc := make(chan error, 1)
	go func() {
		_, err := Ask(s.Path, Request{Command: "rm -rf /srv"}, time.Second)
		errc <- err
	}()
	<-holding
	s.Close()
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, ErrNoConsole) {
			t.Fatalf("lost console: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ask still waiting after the console closed")
	}
}

// The socket takes questions, never answers: a client that writes a
// "decision" gets it read as a request (a command to judge), and nothing
// on the wire reaches a handler as anything but a Request.
func TestTheSocketAcceptsNoDecisions(t *testing.T) {
	s := listen(t)
	got := make(chan Request, 4)
	go s.Serve(func(req Request, _ Peer, _ func()) Reply {
		got <- req
		return Reply{Verdict: Pass}
	})
	c, err := net.Dial("unix", s.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(`{"verdict":"allow","id":1,"decision":"approve","kind":0}` + "\n"))
	buf := make([]byte, 256)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _ := c.Read(buf)
	if !strings.Contains(string(buf[:n]), `"pass"`) {
		t.Fatalf("reply %q", buf[:n])
	}
	if r := <-got; r.Command != "" || r.Agent != "" {
		t.Fatalf("a decision-shaped message became %+v", r)
	}
}

func TestOversizedRequestIsDropped(t *testing.T) {
	s := listen(t)
	called := make(chan struct{}, 1)
	go s.Serve(func(req Request, _ Peer, _ func()) Reply {
		called <- struct{}{}
		return Reply{Verdict: Pass}
	})
	_, err := Ask(s.Path, Request{Command: strings.Repeat("x", MaxRequest+10)}, 5*time.Second)
	if err == nil {
		t.Fatal("an oversized request was answered")
	}
	select {
	case <-called:
		t.Fatal("an oversized request reached the handler")
	default:
	}
}

// Serve waits for a connection in poll(2), not in the runtime's network
// poller: a goroutine parked there for the whole session makes every idle
// thread of the runtime poll epoll, which slowed agents' bulk output by
// 15-20%. It must still serve, and end with Close.
func TestServeWaitsOutsideTheNetworkPoller(t *testing.T) {
	s := listen(t)
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.Serve(func(Request, Peer, func()) Reply { return Reply{Verdict: Pass} })
	}()
	serveState := func() string {
		buf := make([]byte, 1<<20)
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "agenthook.(*Server).Serve(") {
				header, _, _ := strings.Cut(g, "\n")
				return header
			}
		}
		return ""
	}
	// Until Serve is blocked somewhere (a goroutine that is running or
	// runnable is not waiting yet).
	var state string
	for range 1000 {
		if state = serveState(); strings.Contains(state, "[syscall") || strings.Contains(state, "[IO wait") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(state, "[syscall") {
		t.Errorf("Serve waits as %q, want in a system call", state)
	}
	if rep, err := Ask(s.Path, Request{Agent: "claude", Command: "ls"}, 5*time.Second); err != nil || rep.Verdict != Pass {
		t.Fatalf("ask: %+v, %v", rep, err)
	}
	s.Close()
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not end with Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestServeAfterCloseEndsAtOnce(t *testing.T) {
	s := listen(t)
	s.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.Serve(func(Request, Peer, func()) Reply { return Reply{Verdict: Pass} })
	}()
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve on a closed server did not end")
	}
}
