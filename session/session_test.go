package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/cast"
)

// syncBuffer collects agent output from the read goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or the test's patience runs out. The
// deadline only bounds a hung test; it never decides a pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

type run struct {
	s      *Session
	out    *syncBuffer
	events *[]Event
	path   string
}

func start(t *testing.T, opts Options, args ...string) run {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	out := &syncBuffer{}
	var mu sync.Mutex
	events := &[]Event{}
	opts.Command = args
	opts.Output = append(opts.Output, out)
	opts.OnEvent = func(e Event) { mu.Lock(); *events = append(*events, e); mu.Unlock() }
	if opts.Cols == 0 {
		opts.Cols, opts.Rows = 80, 24
	}
	path := filepath.Join(t.TempDir(), "rec.cast")
	if opts.Recorder == nil {
		rec, err := cast.Create(path, cast.Header{Width: opts.Cols, Height: opts.Rows, Command: strings.Join(args, " ")}, cast.Options{})
		if err != nil {
			t.Fatal(err)
		}
		opts.Recorder = rec
	}
	s, err := Begin(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Terminate(100 * time.Millisecond) })
	return run{s, out, events, path}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		script string
		code   int
		sig    syscall.Signal
	}{
		{"exit 0", 0, 0},
		{"exit 3", 3, 0},
		{"kill -TERM $$", 143, syscall.SIGTERM},
		{"kill -KILL $$", 137, syscall.SIGKILL},
	}
	for _, c := range cases {
		r := start(t, Options{}, "sh", "-c", c.script)
		st := r.s.Wait()
		if st.Code != c.code || st.Signal != c.sig {
			t.Errorf("%q: status %+v, want code %d signal %v", c.script, st, c.code, c.sig)
		}
	}
}

// The agent does not learn how to reach the terminal or multiplexer
// sentinel runs in: with $TMUX it could "tmux send-keys a" into sentinel's
// own dialog. Everything else of the operator's environment stays.
func TestAgentEnvironmentLacksTheOuterTerminal(t *testing.T) {
	env := append(os.Environ(), "TMUX=/tmp/tmux-0/default,123,0", "TMUX_PANE=%0", "STY=1.pts-0", "KITTY_LISTEN_ON=unix:/tmp/k",
		"WEZTERM_UNIX_SOCKET=/tmp/w", "SENTINEL_TEST_KEEP=kept", "TMUXX=not-tmux")
	r := start(t, Options{Env: env}, "sh", "-c", `echo "[$TMUX|$TMUX_PANE|$STY|$KITTY_LISTEN_ON|$WEZTERM_UNIX_SOCKET|$SENTINEL_TEST_KEEP|$TMUXX]"`)
	r.s.Wait()
	if out := r.out.String(); !strings.Contains(out, "[|||||kept|not-tmux]") {
		t.Errorf("agent's environment: %q", out)
	}
}

func TestOutputEnvAndRecording(t *testing.T) {
	r := start(t, Options{ID: "abc123"}, "sh", "-c", `printf 'hello\n'; echo "$TERM $COLORTERM $SENTINEL_SESSION"; tty`)
	r.s.Wait()
	out := r.out.String()
	if !strings.Contains(out, "hello\r\n") {
		t.Errorf("output %q lacks hello with the terminal's CRLF", out)
	}
	if !strings.Contains(out, "xterm-256color truecolor abc123") {
		t.Errorf("environment not set: %q", out)
	}
	if !strings.Contains(out, "/dev/pts/") {
		t.Errorf("agent is not on a PTY: %q", out)
	}
	rec, err := cast.ReadFile(r.path)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var markers []string
	for _, ev := range rec.Events {
		switch ev.Code {
		case "o":
			text.WriteString(ev.Data)
		case "m":
			markers = append(markers, ev.Data)
		}
	}
	if text.String() != out {
		t.Errorf("recorded output %q differs from what the agent wrote %q", text.String(), out)
	}
	if len(markers) != 2 || !strings.HasPrefix(markers[0], "start: sh -c") || markers[1] != "exit: exit 0" {
		t.Errorf("markers = %q", markers)
	}
	evs := *r.events
	if evs[0].Kind != EventStart || evs[len(evs)-1].Kind != EventExit {
		t.Errorf("events = %+v", evs)
	}
}

func TestInputReachesTheAgent(t *testing.T) {
	r := start(t, Options{RecordInput: true}, "sh", "-c", `read line; echo "got:$line"`)
	r.s.Write([]byte("abc\r"))
	r.s.Wait()
	if !strings.Contains(r.out.String(), "got:abc") {
		t.Fatalf("output %q", r.out.String())
	}
	rec, _ := cast.ReadFile(r.path)
	found := false
	for _, ev := range rec.Events {
		found = found || ev.Code == "i" && ev.Data == "abc\r"
	}
	if !found {
		t.Fatal("input not recorded with RecordInput")
	}
}

func TestInputNotRecordedByDefault(t *testing.T) {
	r := start(t, Options{}, "sh", "-c", `read line; echo "got:$line"`)
	r.s.Write([]byte("secret\r"))
	r.s.Wait()
	rec, _ := cast.ReadFile(r.path)
	for _, ev := range rec.Events {
		if ev.Code == "i" {
			t.Fatalf("input recorded without RecordInput: %+v", ev)
		}
	}
}

func TestResizeReachesTheAgent(t *testing.T) {
	r := start(t, Options{Cols: 80, Rows: 24}, "sh", "-c", `stty size; read x; stty size`)
	eventually(t, "first size", func() bool { return strings.Contains(r.out.String(), "24 80") })
	if err := r.s.Resize(100, 30); err != nil {
		t.Fatal(err)
	}
	r.s.Write([]byte("\r"))
	r.s.Wait()
	if !strings.Contains(r.out.String(), "30 100") {
		t.Fatalf("agent did not see the new size: %q", r.out.String())
	}
	rec, _ := cast.ReadFile(r.path)
	found := false
	for _, ev := range rec.Events {
		found = found || ev.Code == "r" && ev.Data == "100x30"
	}
	if !found {
		t.Fatal("resize not recorded")
	}
}

func alive(pid int) bool {
	p, ok := readStat(pid)
	return ok && p.state != 'Z'
}

func pidsIn(t *testing.T, out string) []int {
	t.Helper()
	var pids []int
	for _, m := range regexp.MustCompile(`PID:(\d+)`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		pids = append(pids, n)
	}
	if len(pids) == 0 {
		t.Fatalf("no pids in %q", out)
	}
	return pids
}

func TestLeftoverProcessesAreEnded(t *testing.T) {
	for name, script := range map[string]string{
		// A background job and a process that left the session with
		// setsid: the second is only reachable because sentinel is a child
		// subreaper. Both hold the terminal open.
		"holding the terminal": `sleep 1000 & echo PID:$!; setsid sleep 1001 & echo PID:$!; sleep 0.1; exit 0`,
		// A daemon that let go of the terminal and of SENTINEL_SESSION:
		// nothing keeps the session waiting for it, and it used to run on.
		"detached": `env -u SENTINEL_SESSION setsid -f sh -c 'echo PID:$$; exec sleep 1002 </dev/null >/dev/null 2>&1'; sleep 0.2; exit 0`,
	} {
		t.Run(name, func(t *testing.T) {
			r := start(t, Options{}, "sh", "-c", script)
			st := r.s.Wait()
			if st.Code != 0 {
				t.Fatalf("status %+v", st)
			}
			pids := pidsIn(t, r.out.String())
			if len(pids) == 0 {
				t.Fatalf("no pids in %q", r.out.String())
			}
			for _, pid := range pids {
				if alive(pid) && !zombie(pid) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Errorf("pid %d outlived the session", pid)
				}
			}
			found := false
			for _, e := range *r.events {
				found = found || e.Kind == EventNotice && strings.Contains(e.Text, "left running")
			}
			if !found {
				t.Errorf("no notice about ended processes: %+v", *r.events)
			}
		})
	}
}

func TestTerminateEndsAStubbornTree(t *testing.T) {
	r := start(t, Options{}, "sh", "-c", `trap "" TERM HUP; sleep 1000 & echo PID:$!; wait`)
	eventually(t, "child pid", func() bool { return strings.Contains(r.out.String(), "PID:") })
	st := r.s.Terminate(100 * time.Millisecond)
	if st.Signal != syscall.SIGKILL {
		t.Errorf("stubborn agent ended with %+v, want SIGKILL", st)
	}
	for _, pid := range pidsIn(t, r.out.String()) {
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("pid %d outlived Terminate", pid)
		}
	}
}

func TestCommandNotFound(t *testing.T) {
	_, err := Begin(Options{Command: []string{"definitely-not-a-command-xyz"}})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "noexec")
	os.WriteFile(f, []byte("#!/bin/sh\n"), 0o644)
	_, err = Begin(Options{Command: []string{f}})
	if !errors.Is(err, ErrNotExecutable) {
		t.Fatalf("non-executable: err = %v", err)
	}
}

func TestRecordingPathAndDirs(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/xdg-state-test")
	at := time.Date(2026, 4, 24, 9, 30, 5, 0, time.UTC)
	if got := RecordingPath(at, "deadbeef"); got != "/tmp/xdg-state-test/sentinel/sessions/20260424T093005Z-deadbeef.cast" {
		t.Fatalf("path = %s", got)
	}
	// A regular file where a directory should be fails even for root.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if err := CheckWritableDir(filepath.Join(file, "sub")); err == nil {
		t.Fatal("a path under a regular file was accepted")
	}
	if err := CheckWritableDir(filepath.Join(t.TempDir(), "a", "b")); err != nil {
		t.Fatal(err)
	}
}

func TestOutputReachesTheRecordingWhileTheAgentIsQuiet(t *testing.T) {
	// The agent prints once and then stays quiet: the reader's idle flush,
	// not the session's end, must put the line on disk.
	r := start(t, Options{}, "sh", "-c", "echo before-the-silence; sleep 60")
	eventually(t, "the line on disk", func() bool {
		b, _ := os.ReadFile(r.path)
		return strings.Contains(string(b), "before-the-silence")
	})
	if r.s.Exited() {
		t.Fatal("agent ended early")
	}
}

func TestSessionEndsWhileAnOutsiderHoldsTheTerminal(t *testing.T) {
	// A process outside the agent's tree (here: the test itself) keeps the
	// terminal open. The session must still end, and must not keep reading
	// a descriptor it no longer owns.
	r := start(t, Options{}, "sh", "-c", "tty; read x")
	eventually(t, "tty name", func() bool { return strings.Contains(r.out.String(), "/dev/pts/") })
	name := strings.TrimSpace(r.out.String()[strings.Index(r.out.String(), "/dev/pts/"):])
	name = strings.Fields(name)[0]
	slave, err := os.OpenFile(name, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	r.s.Write([]byte("\r"))
	done := make(chan struct{})
	go func() { r.s.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("session never ended while an outsider held its terminal")
	}
	// Descriptors opened now may reuse the master's number; writing to the
	// slave must not make a stale reader deliver bytes from them.
	before := r.out.String()
	pr, pw, _ := os.Pipe()
	defer pr.Close()
	defer pw.Close()
	pw.Write([]byte("UNRELATED"))
	slave.Write([]byte("wake\r\n"))
	time.Sleep(100 * time.Millisecond)
	if after := r.out.String(); after != before {
		t.Fatalf("output changed after the session ended: %q", after[len(before):])
	}
}

// epollTargets lists the descriptors this process's epoll instances watch,
// from /proc/self/fdinfo ("tfd: N" lines).
func epollTargets(t *testing.T) map[int]bool {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	watched := map[int]bool{}
	for _, e := range fds {
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil || link != "anon_inode:[eventpoll]" {
			continue
		}
		info, err := os.ReadFile("/proc/self/fdinfo/" + e.Name())
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(info), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "tfd:" {
				if n, err := strconv.Atoi(f[1]); err == nil {
					watched[n] = true
				}
			}
		}
	}
	return watched
}

func TestTheMasterIsOutsideTheNetworkPoller(t *testing.T) {
	// A terminal registered with Go's epoll wakes a runtime thread for
	// every burst of output even though the reader never waits there.
	r := start(t, Options{}, "sh", "-c", "read x")
	fd := -1
	r.s.withPTY(func(f *os.File) error { fd = int(f.Fd()); return nil })
	if fd < 0 {
		t.Fatal("no master")
	}
	if epollTargets(t)[fd] {
		t.Fatalf("the master (fd %d) is registered with the network poller", fd)
	}
	// And the original descriptor is closed: left open, it would keep the
	// terminal from hanging up when the session ends.
	if fds := fdsOfTerminal(t, fd); len(fds) != 1 {
		t.Fatalf("descriptors %v all hold the agent's terminal, want only the master %d", fds, fd)
	}
	r.s.Write([]byte("\r"))
	r.s.Wait()
}

// fdsOfTerminal lists this process's descriptors for the same pseudo
// terminal as the master fd (the same tty-index in /proc/self/fdinfo).
func fdsOfTerminal(t *testing.T, fd int) []int {
	t.Helper()
	index := func(n string) string {
		info, err := os.ReadFile("/proc/self/fdinfo/" + n)
		if err != nil {
			return ""
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "tty-index:"); ok {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	want := index(strconv.Itoa(fd))
	if want == "" {
		t.Fatalf("fd %d shows no tty-index in /proc/self/fdinfo", fd)
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	var fds []int
	for _, e := range entries {
		if index(e.Name()) == want {
			n, _ := strconv.Atoi(e.Name())
			fds = append(fds, n)
		}
	}
	return fds
}
