package execgate

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The test binary is its own trampoline (as sentinel is), and a supervisor
// in a separate process for the fail-closed end-to-end test.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == TrampolineArg {
		os.Exit(RunTrampoline(os.Args[2:]))
	}
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperMain(mode, os.Args[1:]))
	}
	// Helpers and trampolines that exit are this binary: under -race it
	// would wait a second at each exit.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

const helperEnv = "EXECGATE_TEST_HELPER"

// recorder collects what Decide saw.
type recorder struct {
	mu    sync.Mutex
	execs []*Exec
}

// add records ex, reading its caller and parents while it is held.
func (r *recorder) add(ex *Exec) {
	ex.Caller()
	ex.Parents()
	r.mu.Lock()
	r.execs = append(r.execs, ex)
	r.mu.Unlock()
}

func (r *recorder) paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ex := range r.execs {
		out = append(out, ex.Path)
	}
	return out
}

func (r *recorder) all() []*Exec {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Exec(nil), r.execs...)
}

func (r *recorder) find(path string) *Exec {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ex := range r.execs {
		if ex.Path == path {
			return ex
		}
	}
	return nil
}

// run is one gated child.
type run struct {
	cmd            *exec.Cmd
	gate           *Gate
	stdout, stderr bytes.Buffer
	dir            string
}

// startGated starts argv (argv[0] looked up in PATH) behind a gate, in a
// fresh working directory.
func startGated(t *testing.T, opts Options, argv ...string) *run {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return startGatedWith(t, self, opts, nil, argv...)
}

// startGatedWith lets the caller choose the trampoline and change the
// command before it starts.
func startGatedWith(t *testing.T, self string, opts Options, setup func(*exec.Cmd), argv ...string) *run {
	t.Helper()
	path, err := exec.LookPath(argv[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(self, path, argv)
	if err != nil {
		t.Fatal(err)
	}
	r := &run{dir: t.TempDir()}
	r.cmd = exec.Command(p.Command[0], p.Command[1:]...)
	r.cmd.ExtraFiles = p.ExtraFiles
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	r.cmd.Dir = r.dir
	if setup != nil {
		setup(r.cmd)
	}
	if err := r.cmd.Start(); err != nil {
		p.Abort()
		t.Fatal(err)
	}
	r.gate, err = p.Start(opts)
	if err != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.gate.Close()
		if r.cmd.ProcessState == nil {
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	return r
}

// wait waits for the child and returns its exit code.
func (r *run) wait(t *testing.T) int {
	t.Helper()
	err := r.cmd.Wait()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return r.cmd.ProcessState.ExitCode()
}

func (r *run) file(name string) string { return filepath.Join(r.dir, name) }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// waitFor waits until cond holds; the deadline only keeps a broken test
// from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// held is a Decide that holds the execs of one path until released, and
// allows everything else.
type held struct {
	path    string
	arrived chan *Exec
	answer  chan bool
}

func newHeld(path string) *held {
	return &held{path: path, arrived: make(chan *Exec, 8), answer: make(chan bool, 8)}
}

func (h *held) decide(ex *Exec) bool {
	if ex.Path != h.path {
		return true
	}
	h.arrived <- ex
	return <-h.answer
}
