package execgate

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func requireGate(t *testing.T) {
	t.Helper()
	if err := Supported(); err != nil {
		t.Skip(err)
	}
}

func TestAllowedExecRuns(t *testing.T) {
	requireGate(t)
	var rec recorder
	r := startGated(t, Options{Decide: func(ex *Exec) bool { rec.add(ex); return true }},
		"sh", "-c", "/bin/true; echo ok")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got := r.stdout.String(); got != "ok\n" {
		t.Errorf("stdout %q, want ok", got)
	}
	ex := rec.find("/bin/true")
	if ex == nil {
		t.Fatalf("Decide never saw /bin/true: %q", rec.paths())
	}
	if len(ex.Argv) != 1 || ex.Argv[0] != "/bin/true" {
		t.Errorf("argv %q", ex.Argv)
	}
	if ex.Cwd != r.dir {
		t.Errorf("cwd %q, want %q", ex.Cwd, r.dir)
	}
	// The caller is sh's child (dash forks for /bin/true), whose parent is
	// the agent's sh, whose parent is this test: the chain stops there.
	caller, parents := ex.Caller(), ex.Parents()
	if caller.Comm != "sh" || caller.Pid != ex.Tgid || caller.Cmdline != "sh -c /bin/true; echo ok" ||
		len(parents) != 1 || parents[0].Pid != r.cmd.Process.Pid ||
		parents[0].Comm != "sh" || parents[0].Cmdline != "sh -c /bin/true; echo ok" {
		t.Errorf("caller %+v, parents %+v (agent pid %d)", caller, parents, r.cmd.Process.Pid)
	}
}

// The trampoline's own exec of the agent is the first one Decide sees, and
// by then the filter covers every thread of the trampoline (TSYNC).
func TestAgentExecGoesThroughDecide(t *testing.T) {
	requireGate(t)
	sh, _ := exec.LookPath("sh")
	type threads struct{ seccomp, nnp []string }
	var rec recorder
	seen := make(chan threads, 1)
	r := startGated(t, Options{Decide: func(ex *Exec) bool {
		if len(rec.paths()) == 0 {
			var th threads
			tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(ex.Tgid) + "/task/*/status")
			for _, f := range tasks {
				for l := range strings.Lines(readFile(f)) {
					if v, ok := strings.CutPrefix(l, "Seccomp:"); ok {
						th.seccomp = append(th.seccomp, strings.TrimSpace(v))
					}
					if v, ok := strings.CutPrefix(l, "NoNewPrivs:"); ok {
						th.nnp = append(th.nnp, strings.TrimSpace(v))
					}
				}
			}
			seen <- th
		}
		rec.add(ex)
		return true
	}}, "sh", "-c", "echo agent")
	if code := r.wait(t); code != 0 || r.stdout.String() != "agent\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, r.stdout.String(), r.stderr.String())
	}
	first := rec.all()[0]
	if first.Path != sh || strings.Join(first.Argv, "|") != "sh|-c|echo agent" || first.Tgid != r.cmd.Process.Pid {
		t.Errorf("first exec %q %q from %d, want the agent from the trampoline %d", first.Path, first.Argv, first.Tgid, r.cmd.Process.Pid)
	}
	th := <-seen
	if len(th.seccomp) < 2 {
		t.Errorf("trampoline has %d threads; expected a multi-threaded Go process", len(th.seccomp))
	}
	for i, s := range th.seccomp {
		if s != "2" {
			t.Errorf("thread %d: Seccomp %s, want 2 (filter) on every thread", i, s)
		}
	}
	if os.Geteuid() == 0 {
		for i, s := range th.nnp {
			if s != "0" {
				t.Errorf("thread %d: NoNewPrivs %s; root has CAP_SYS_ADMIN and must not set it", i, s)
			}
		}
	}
}

func TestDeniedExecFailsWithEPERM(t *testing.T) {
	requireGate(t)
	r := startGated(t, Options{Decide: func(ex *Exec) bool { return ex.Path != "/bin/rm" }},
		"sh", "-c", ": > victim; /bin/rm victim || echo denied:$?")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got := r.stdout.String(); got != "denied:126\n" {
		t.Errorf("stdout %q, want denied:126", got)
	}
	if !strings.Contains(r.stderr.String(), "Operation not permitted") && !strings.Contains(r.stderr.String(), "Permission denied") {
		t.Errorf("stderr %q does not name EPERM", r.stderr.String())
	}
	if !exists(r.file("victim")) {
		t.Error("the denied rm ran")
	}
}

// A grandchild that left the agent's session (setsid) keeps the filter.
func TestSetsidGrandchildIsGated(t *testing.T) {
	requireGate(t)
	var rec recorder
	sid := make(chan int, 1)
	r := startGated(t, Options{Decide: func(ex *Exec) bool {
		rec.add(ex)
		if ex.Path == "/bin/rm" {
			s, _ := unix.Getsid(ex.Tgid)
			sid <- s
			return false
		}
		return true
	}}, "sh", "-c", `: > victim; setsid -w sh -c '/bin/rm victim || echo denied > result'`)
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got := readFile(r.file("result")); got != "denied\n" {
		t.Errorf("result %q, want denied", got)
	}
	if !exists(r.file("victim")) {
		t.Error("the denied rm ran")
	}
	ex := rec.find("/bin/rm")
	if ex == nil {
		t.Fatalf("Decide never saw /bin/rm: %q", rec.paths())
	}
	agentSid, _ := unix.Getsid(0) // the agent runs in the test's session
	parents := ex.Parents()
	if len(parents) < 2 || parents[len(parents)-1].Pid != r.cmd.Process.Pid {
		t.Fatalf("parents %+v do not lead to the agent %d", parents, r.cmd.Process.Pid)
	}
	if s := <-sid; s == agentSid || s != parents[0].Pid {
		t.Errorf("rm ran in session %d; want the setsid'd shell's (%d), not the agent's (%d)", s, parents[0].Pid, agentSid)
	}
}

// A held exec does not run until Decide returns, and it does not hold up
// the others.
func TestHeldExecWaitsForDecision(t *testing.T) {
	requireGate(t)
	h := newHeld("/bin/rm")
	r := startGated(t, Options{Decide: h.decide},
		"sh", "-c", ": > victim; /bin/rm victim & /bin/true && echo other > other; wait; echo done")
	ex := <-h.arrived
	waitFor(t, "the other exec", func() bool { return readFile(r.file("other")) == "other\n" })
	// The caller sits in execve, and the file is still there.
	sc := readFile("/proc/" + strconv.Itoa(ex.Pid) + "/syscall")
	if nr, _, _ := strings.Cut(sc, " "); nr != strconv.Itoa(int(abi.execve)) {
		t.Errorf("held caller is in syscall %q, want execve (%d)", sc, abi.execve)
	}
	if !exists(r.file("victim")) {
		t.Fatal("the held rm ran before the decision")
	}
	h.answer <- true
	if code := r.wait(t); code != 0 || r.stdout.String() != "done\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, r.stdout.String(), r.stderr.String())
	}
	if exists(r.file("victim")) {
		t.Error("the approved rm did not run")
	}
}

// Closing the gate fails the held exec (even if Decide allows it later)
// and every exec after it.
func TestCloseFailsHeldAndLaterExecs(t *testing.T) {
	requireGate(t)
	h := newHeld("/bin/rm")
	r := startGated(t, Options{Decide: h.decide},
		"sh", "-c", ": > victim; /bin/rm victim; echo rm:$?; /bin/true; echo true:$?")
	<-h.arrived
	if err := r.gate.Close(); err != nil {
		t.Fatal(err)
	}
	h.answer <- true // too late: dropped
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got := r.stdout.String(); got != "rm:126\ntrue:126\n" {
		t.Errorf("stdout %q, stderr %q; want both execs failed", got, r.stderr.String())
	}
	if !exists(r.file("victim")) {
		t.Error("the held rm ran after the gate closed")
	}
}

// Names that do not exist fail with ENOENT without bothering Decide (the
// shell's PATH search tries each directory).
func TestMissingProgramSkipsDecide(t *testing.T) {
	requireGate(t)
	var rec recorder
	r := startGated(t, Options{Decide: func(ex *Exec) bool { rec.add(ex); return true }},
		"sh", "-c", "no-such-program-x; echo $?; ./missing; echo $?")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got := r.stdout.String(); got != "127\n127\n" {
		t.Errorf("stdout %q, want 127 twice", got)
	}
	for _, p := range rec.paths()[1:] {
		t.Errorf("Decide saw %q", p)
	}
}

// A child that never becomes the trampoline: Start reports it as soon as
// the child exits, or after the timeout while it lives.
func TestStartWithoutTrampoline(t *testing.T) {
	requireGate(t)
	for _, tc := range []struct {
		name string
		argv []string
		opts Options
		want string
	}{
		{"exits", []string{"/bin/true"}, Options{}, "exited without installing the gate"},
		{"lingers", []string{"/bin/sleep", "60"}, Options{Timeout: 50 * 1e6}, "no listener from the child"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Prepare("/unused", tc.argv[0], tc.argv)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(tc.argv[0], tc.argv[1:]...)
			cmd.ExtraFiles = p.ExtraFiles
			if err := cmd.Start(); err != nil {
				p.Abort()
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			g, err := p.Start(tc.opts)
			if err == nil {
				g.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			if _, err := p.Start(tc.opts); err == nil {
				t.Error("second Start succeeded")
			}
		})
	}
}

// The trampoline never runs the agent ungated: if its exec fails it says
// why and exits 126.
func TestTrampolineFailureExits126(t *testing.T) {
	requireGate(t)
	self, _ := os.Executable()
	p, err := Prepare(self, "/no/such/agent", []string{"agent"})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p.Command[0], p.Command[1:]...)
	cmd.ExtraFiles = p.ExtraFiles
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		p.Abort()
		t.Fatal(err)
	}
	g, err := p.Start(Options{Decide: func(ex *Exec) bool { t.Errorf("Decide saw %q", ex.Path); return true }})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 126 {
		t.Errorf("exit %d, want 126", code)
	}
	if got, want := stderr.String(), "sentinel: exec gate: /no/such/agent: no such file or directory\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	// Without fd 3 it fails before running anything.
	out, err := exec.Command(self, TrampolineArg, "/bin/true", "true").CombinedOutput()
	if code := exitCode(err); code != 126 || !strings.HasPrefix(string(out), "sentinel: exec gate: ") {
		t.Errorf("without a supervisor: exit %d, output %q", code, out)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// A process without CAP_SYS_ADMIN gets no_new_privs (the kernel demands it)
// and is gated all the same.
func TestUnprivilegedChild(t *testing.T) {
	requireGate(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to start a process as nobody")
	}
	// A copy of the test binary nobody can run.
	dir, err := os.MkdirTemp("", "execgate-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	self, _ := os.Executable()
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	tramp := filepath.Join(dir, "trampoline")
	if err := os.WriteFile(tramp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	var rec recorder
	r := startGatedWith(t, tramp, Options{Decide: func(ex *Exec) bool { rec.add(ex); return ex.Path != "/bin/rm" }},
		func(c *exec.Cmd) {
			c.Dir = dir
			c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}, "sh", "-c", "grep NoNewPrivs /proc/self/status; /bin/true && echo true-ok; /bin/rm x || echo rm-denied")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got, want := r.stdout.String(), "NoNewPrivs:\t1\ntrue-ok\nrm-denied\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if rec.find("/bin/true") == nil || rec.find("/usr/bin/grep") == nil && rec.find("/bin/grep") == nil {
		t.Errorf("Decide saw %q", rec.paths())
	}
}

// The supervisor is a separate process, SIGKILLed while it holds an exec:
// the held exec and every later one fail.
func TestSupervisorKilledFailsClosed(t *testing.T) {
	requireGate(t)
	self, _ := os.Executable()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "victim"), nil, 0o644)
	sup := exec.Command(self, dir)
	sup.Env = append(os.Environ(), helperEnv+"=supervise")
	out, err := sup.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sup.Stderr = os.Stderr
	if err := sup.Start(); err != nil {
		t.Fatal(err)
	}
	defer sup.Wait()
	defer sup.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "held\n" {
		t.Fatalf("supervisor said %q, %v", line, err)
	}
	sup.Process.Kill()
	sup.Wait()
	result := filepath.Join(dir, "out")
	waitFor(t, "the agent to finish", func() bool { return strings.Contains(readFile(result), "done") })
	if got := readFile(result); !strings.Contains(got, "rm:126\n") || !strings.Contains(got, "true:126\n") {
		t.Errorf("agent output %q; want rm and true to fail", got)
	}
	if !exists(filepath.Join(dir, "victim")) {
		t.Error("the held rm ran after the supervisor died")
	}
}

// Pointers the kernel could not read either fail with EFAULT, without
// bothering Decide.
func TestBadPointersFailWithEFAULT(t *testing.T) {
	requireGate(t)
	self, _ := os.Executable()
	var rec recorder
	r := startGatedWith(t, self, Options{Decide: func(ex *Exec) bool { rec.add(ex); return true }},
		func(c *exec.Cmd) { c.Env = append(os.Environ(), helperEnv+"=bad-pointers") }, self)
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got, want := r.stdout.String(), "path: bad address\nargv: bad address\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if p := rec.paths(); len(p) != 1 {
		t.Errorf("Decide saw %q, want only the helper's own start", p)
	}
}

// A process behind the gate cannot type into a terminal with TIOCSTI: as
// root it could push "a" into the operator's terminal while sentinel's
// dialog waits, and approve its own action.
func TestTypingIntoATerminalFails(t *testing.T) {
	requireGate(t)
	self, _ := os.Executable()
	ungated := exec.Command(self)
	ungated.Env = append(os.Environ(), helperEnv+"=tiocsti")
	out, err := ungated.Output()
	if err != nil {
		t.Fatalf("helper: %v %s", err, out)
	}
	if string(out) != "typed\n" {
		// Without root (CAP_SYS_ADMIN) the kernel refuses TIOCSTI on a
		// terminal that is not the caller's own: there is nothing for the
		// gate to block.
		t.Skipf("TIOCSTI fails here even without the gate (%q)", out)
	}
	r := startGatedWith(t, self, Options{Decide: func(*Exec) bool { return true }},
		func(c *exec.Cmd) { c.Env = append(os.Environ(), helperEnv+"=tiocsti") }, self)
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, r.stderr.String())
	}
	if got, want := r.stdout.String(), unix.EPERM.Error()+"\n"; got != want {
		t.Errorf("behind the gate TIOCSTI gave %q, want %q", got, want)
	}
}

// Many execs at once, each on its own goroutine: all answered, none lost.
func TestManyConcurrentExecs(t *testing.T) {
	requireGate(t)
	var n atomic.Int64
	r := startGated(t, Options{Decide: func(ex *Exec) bool {
		if ex.Path == "/bin/echo" {
			n.Add(1)
		}
		return true
	}}, "sh", "-c", "i=0; while [ $i -lt 64 ]; do /bin/echo x > /dev/null & i=$((i+1)); done; wait; echo done")
	if code := r.wait(t); code != 0 || r.stdout.String() != "done\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, r.stdout.String(), r.stderr.String())
	}
	if got := n.Load(); got != 64 {
		t.Errorf("Decide saw %d execs of /bin/echo, want 64", got)
	}
}

// Caller and Parents are read only while the exec is held: asked for
// afterwards, they are empty rather than describing whatever runs then.
func TestCallerOnlyWhileHeld(t *testing.T) {
	requireGate(t)
	var mu sync.Mutex
	var late *Exec
	r := startGated(t, Options{Decide: func(ex *Exec) bool {
		if ex.Path == "/bin/true" {
			mu.Lock()
			late = ex
			mu.Unlock()
		}
		return true
	}}, "sh", "-c", "/bin/true")
	r.wait(t)
	mu.Lock()
	defer mu.Unlock()
	if late == nil {
		t.Fatal("no exec of /bin/true")
	}
	if c, p := late.Caller(), late.Parents(); c != (Proc{}) || p != nil {
		t.Errorf("after the answer: caller %+v, parents %+v", c, p)
	}
}

// A gate leaves no descriptor behind once closed (listener, wake pipe,
// verification directories, the socket).
func TestNoDescriptorLeak(t *testing.T) {
	requireGate(t)
	count := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	before := count()
	for range 3 {
		v := newVerifications()
		r := startGated(t, v.options(nil), "sh", "-c", "/bin/true; exec /bin/sleep 30")
		v.waitPath(t, "/bin/sleep")
		r.cmd.Process.Kill()
		r.wait(t)
		if err := r.gate.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if after := count(); after != before {
		t.Errorf("%d descriptors open before, %d after", before, after)
	}
}
