package execgate

import (
	"os"
	"strings"
	"testing"
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
	_ = os.Getpid
	_ = strings.Join
}
