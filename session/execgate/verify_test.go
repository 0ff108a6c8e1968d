package execgate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// verifications collects what the post-exec verification concluded.
type verifications struct {
	mu         sync.Mutex
	ok         map[string]bool // by Path: the last conclusion
	mismatches []string
	seen       chan string
}

func newVerifications() *verifications {
	return &verifications{ok: map[string]bool{}, seen: make(chan string, 64)}
}

func (v *verifications) options(decide func(*Exec) bool) Options {
	return Options{
		Decide: decide,
		OnMismatch: func(ex *Exec, path string, argv []string) {
			v.mu.Lock()
			v.mismatches = append(v.mismatches, ex.Path+" "+strings.Join(ex.Argv, " ")+" -> "+path+" "+strings.Join(argv, " "))
			v.mu.Unlock()
		},
		verified: func(ex *Exec, ok bool) {
			v.mu.Lock()
			v.ok[ex.Path] = ok
			v.mu.Unlock()
			v.seen <- ex.Path
		},
	}
}

// waitPath waits until the exec of path has been verified.
func (v *verifications) waitPath(t *testing.T, path string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	var got []string
	for {
		select {
		case p := <-v.seen:
			if p == path {
				return
			}
			got = append(got, p)
		case <-timeout:
			t.Fatalf("%s was never verified (only %q)", path, got)
		}
	}
}

func (v *verifications) mismatchList() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.mismatches...)
}

// Programs that legitimately look different after the exec (scripts run
// by their interpreter, env, relative paths, a shell's PATH search) are not
// reported.
func TestVerifyNoFalsePositives(t *testing.T) {
	requireGate(t)
	for _, tc := range []struct {
		name, script string
		verified     []string // execs to wait for, in order
	}{
		{"absolute", "exec /bin/sleep 30", []string{"/bin/sleep"}},
		{"path search", "exec sleep 30", []string{"/usr/bin/sleep"}},
		{"relative", "cp /bin/sleep prog; exec ./prog 30", []string{"./prog"}},
		{"script", `printf '#!/bin/sh\nexec /bin/sleep 30\n' > s; chmod +x s; exec ./s a 'b c'`, []string{"./s", "/bin/sleep"}},
		{"script with an argument", `printf '#!/bin/sh -e\nexec /bin/sleep 30\n' > s; chmod +x s; exec ./s a`, []string{"./s", "/bin/sleep"}},
		{"env script", `printf '#!/usr/bin/env sh\nexec /bin/sleep 30\n' > s; chmod +x s; exec ./s a`, []string{"./s", "/usr/bin/sh", "/bin/sleep"}},
		{"empty argument", "exec /bin/sh -c 'exec /bin/sleep 30' ''", []string{"/bin/sh", "/bin/sleep"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newVerifications()
			r := startGated(t, v.options(nil), "sh", "-c", tc.script)
			for _, p := range tc.verified {
				v.waitPath(t, p)
			}
			r.cmd.Process.Kill()
			r.wait(t)
			r.gate.Close()
			if m := v.mismatchList(); len(m) > 0 {
				t.Errorf("false mismatches: %q", m)
			}
			v.mu.Lock()
			defer v.mu.Unlock()
			for p, ok := range v.ok {
				if !ok {
					t.Errorf("%s: verified as a mismatch", p)
				}
			}
		})
	}
}

// execveat through a directory descriptor and fexecve (AT_EMPTY_PATH) name
// the file the kernel runs, and verify.
func TestExecveat(t *testing.T) {
	requireGate(t)
	sleep, err := filepath.EvalSymlinks("/bin/sleep")
	if err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	for _, mode := range []string{"execveat-dir", "execveat-fd"} {
		t.Run(mode, func(t *testing.T) {
			v := newVerifications()
			var rec recorder
			r := startGatedWith(t, self, v.options(func(ex *Exec) bool { rec.add(ex); return true }),
				func(c *exec.Cmd) { c.Env = append(os.Environ(), helperEnv+"="+mode) }, self)
			v.waitPath(t, sleep)
			r.cmd.Process.Kill()
			r.wait(t)
			r.gate.Close()
			ex := rec.find(sleep)
			if ex == nil {
				t.Fatalf("Decide saw %q, not %s", rec.paths(), sleep)
			}
			if strings.Join(ex.Argv, " ") != "sleep 30" {
				t.Errorf("argv %q", ex.Argv)
			}
			if m := v.mismatchList(); len(m) > 0 {
				t.Errorf("false mismatches: %q", m)
			}
		})
	}
}

// The file is replaced while the exec is held: what would run is not what
// was analysed, and the gate, checking again before it answers, refuses.
func TestReplacedFileIsRefused(t *testing.T) {
	requireGate(t)
	v := newVerifications()
	opts := v.options(func(ex *Exec) bool {
		if ex.Path == "./prog" {
			if err := os.Rename(filepath.Join(ex.Cwd, "other"), filepath.Join(ex.Cwd, "prog")); err != nil {
				t.Error(err)
			}
		}
		return true
	})
	changed := make(chan string, 1)
	opts.OnChanged = func(ex *Exec, what string) { changed <- ex.Path + ": " + what }
	r := startGated(t, opts, "sh", "-c", "cp /bin/true prog; cp /bin/sleep other; exec ./prog 30")
	if code := r.wait(t); code == 0 {
		t.Fatalf("the replaced program ran: exit 0, stderr %q", r.stderr.String())
	}
	select {
	case c := <-changed:
		if c != "./prog: the file it names was replaced" {
			t.Errorf("OnChanged got %q", c)
		}
	default:
		t.Error("OnChanged was not called")
	}
	r.gate.Close()
	if m := v.mismatchList(); len(m) != 0 {
		t.Errorf("mismatches %q: nothing should have run", m)
	}
}

// Another process sharing the caller's working directory (CLONE_FS) moves
// it while the exec is held: "rm -rf ../w" would now delete another
// directory. Here the shell's own cd stands in: the gate sees the cwd
// change however it came.
func TestMovedWorkingDirectoryIsRefused(t *testing.T) {
	requireGate(t)
	v := newVerifications()
	var moved string
	opts := v.options(func(ex *Exec) bool {
		if ex.Path == "/bin/true" {
			// Move the caller: rename its directory away.
			moved = ex.Cwd + "-moved"
			if err := os.Rename(ex.Cwd, moved); err != nil {
				t.Error(err)
			}
		}
		return true
	})
	changed := make(chan string, 1)
	opts.OnChanged = func(ex *Exec, what string) { changed <- what }
	r := startGated(t, opts, "sh", "-c", "mkdir w && cd w && exec /bin/true")
	if code := r.wait(t); code == 0 {
		t.Fatalf("the exec ran in a moved directory: exit 0")
	}
	select {
	case c := <-changed:
		if want := "its working directory is now " + strconv.Quote(moved); c != want {
			t.Errorf("OnChanged got %q, want %q", c, want)
		}
	default:
		t.Error("OnChanged was not called")
	}
}

// Another thread rewrites argv after the gate read it and before the exec
// (here while Decide runs, so the race is won every time): the gate reads
// argv again before it answers, refuses the exec, and says what it found.
func TestRewrittenArgvIsRefused(t *testing.T) {
	requireGate(t)
	self, _ := os.Executable()
	// fd 4: the test tells the helper to rewrite; fd 5: it has.
	goR, goW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	doneR, doneW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	v := newVerifications()
	opts := v.options(func(ex *Exec) bool {
		if ex.Path == "/bin/sleep" {
			goW.Write([]byte{1})
			doneR.Read(make([]byte, 1))
		}
		return true
	})
	changed := make(chan string, 1)
	opts.OnChanged = func(ex *Exec, what string) {
		changed <- strings.Join(ex.Argv, " ") + ": " + what
	}
	r := startGatedWith(t, self, opts, func(c *exec.Cmd) {
		c.Env = append(os.Environ(), helperEnv+"=rewrite")
		c.ExtraFiles = append(c.ExtraFiles, goR, doneW)
	}, self)
	goR.Close()
	doneW.Close()
	if code := r.wait(t); code != 1 || !strings.Contains(r.stderr.String(), "rewrite operation not permitted") {
		t.Fatalf("exit %d, stderr %q: the rewritten exec was not refused with EPERM", code, r.stderr.String())
	}
	select {
	case c := <-changed:
		if want := `/bin/sleep 30: it now executes "/bin/sleep" with arguments "/bin/sleep 31"`; c != want {
			t.Errorf("OnChanged got %q, want %q", c, want)
		}
	default:
		t.Error("OnChanged was not called")
	}
	r.gate.Close()
	if m := v.mismatchList(); len(m) != 0 {
		t.Errorf("mismatches %q: nothing should have run", m)
	}
}

func TestMatches(t *testing.T) {
	bin := fileID{1, 10}
	interp := fileID{1, 20}
	ex := func(argv ...string) *Exec {
		e := &Exec{Path: "./s", kernelName: "./s", target: bin, Argv: argv}
		if len(argv) > 0 && argv[len(argv)-1] == Truncated {
			e.truncated = true
		}
		return e
	}
	yes := func(*Exec) bool { return true }
	no := func(*Exec) bool { return false }
	for _, tc := range []struct {
		name   string
		ex     *Exec
		exe    fileID
		argv   []string
		script func(*Exec) bool
		want   bool
	}{
		{"same", ex("s", "a"), bin, []string{"s", "a"}, no, true},
		{"argument changed", ex("s", "a"), bin, []string{"s", "b"}, no, false},
		{"argument added", ex("s", "a"), bin, []string{"s", "a", "b"}, no, false},
		{"argv0 changed", ex("s", "a"), bin, []string{"x", "a"}, no, false},
		{"other file", ex("s", "a"), interp, []string{"s", "a"}, no, false},
		{"empty argv", ex(), bin, []string{""}, no, true},
		{"truncated prefix", ex("s", "a", Truncated), bin, []string{"s", "a", "b", "c"}, no, true},
		{"truncated differs", ex("s", "a", Truncated), bin, []string{"s", "x", "b"}, no, false},
		{"script", ex("s", "a", "b"), interp, []string{"/bin/sh", "./s", "a", "b"}, yes, true},
		{"script with option", ex("s", "a"), interp, []string{"/bin/sh", "-e", "./s", "a"}, yes, true},
		{"env script", ex("s", "a"), interp, []string{"/usr/bin/env", "sh", "./s", "a"}, yes, true},
		{"script, arguments changed", ex("s", "a"), interp, []string{"/bin/sh", "./s", "b"}, yes, false},
		{"script form but not a script", ex("s", "a"), interp, []string{"/bin/sh", "./s", "a"}, no, false},
		{"script name elsewhere", ex("s", "a"), interp, []string{"/bin/sh", "./t", "a"}, yes, false},
		{"no target known", &Exec{Path: "x", kernelName: "x", Argv: []string{"x"}}, interp, []string{"x"}, no, true},
	} {
		if got := matches(tc.ex, tc.exe, tc.argv, tc.script); got != tc.want {
			t.Errorf("%s: matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}
