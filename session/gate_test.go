package session

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/sentinel-console/sentinel/session/execgate"
)

// The test binary is its own exec-gate trampoline, as sentinel is.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == execgate.TrampolineArg {
		os.Exit(execgate.RunTrampoline(os.Args[2:]))
	}
	if len(os.Args) > 2 && os.Args[1] == "clone-fs-rm" {
		os.Exit(cloneFSRm(os.Args[2]))
	}
	os.Exit(m.Run())
}

// cloneFSRm starts "rm -rf /var/lib/postgresql/data VICTIM" in a child
// that shares this process's working directory (CLONE_FS), as a program
// that means to move it after the approval would, and says how it ended.
func cloneFSRm(victim string) int {
	pid, err := syscall.ForkExec("/bin/rm", []string{"rm", "-rf", "/var/lib/postgresql/data", victim},
		&syscall.ProcAttr{Files: []uintptr{0, 1, 2}, Sys: &syscall.SysProcAttr{Cloneflags: syscall.CLONE_FS}})
	if err != nil {
		fmt.Println("fork:", err)
		return 1
	}
	var ws syscall.WaitStatus
	syscall.Wait4(pid, &ws, 0, nil)
	fmt.Println("rm exit", ws.ExitStatus())
	return 0
}

func needGate(t *testing.T) {
	t.Helper()
	if err := GateSupported(); err != nil {
		// Every machine sentinel's CI runs on has it; a kernel without
		// seccomp user notification cannot run these tests at all.
		t.Fatalf("exec gate unsupported here: %v", err)
	}
}

func TestExecGateHoldsTheExecUntilApproved(t *testing.T) {
	needGate(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "pgdata")
	os.MkdirAll(filepath.Join(victim, "base"), 0o700)
	os.WriteFile(filepath.Join(victim, "PG_VERSION"), []byte("16"), 0o600)
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	r := start(t, Options{Supervisor: sup, ExecGate: true}, "sh", "-c", `/bin/rm -rf /var/lib/postgresql/data "$1"; echo "rm exit $?"`, "agent", victim)
	a := nextAction(t, held)
	if a.Source != SourceExec || !strings.Contains(a.Command, "/var/lib/postgresql/data") {
		t.Fatalf("held %+v", a)
	}
	if len(a.Parents) == 0 || !strings.Contains(a.Parents[0], "sh") {
		t.Errorf("parent chain %v", a.Parents)
	}
	eventually(t, "every other process stopped", func() bool {
		for _, pid := range r.s.tree() {
			// The shell that vforked the held rm waits (D) until it execs.
			if p, _ := readStat(pid); pid != a.Pid && !frozen(pid) && !(p.state == 'D' && slices.Contains(childrenOf(pid), a.Pid)) {
				return false
			}
		}
		return true
	})
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("rm ran while held")
	}
	sup.Decide(a.ID, Decision{Kind: Approve, Operator: "tester"})
	r.s.Wait()
	if _, err := os.Stat(victim); !os.IsNotExist(err) {
		t.Fatalf("approved rm did not run: %v; output %q", err, r.out.String())
	}
}

func TestExecGateDenyFailsTheExecAndTheAgentCarriesOn(t *testing.T) {
	needGate(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "pgdata")
	os.MkdirAll(victim, 0o700)
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	r := start(t, Options{Supervisor: sup, ExecGate: true}, "sh", "-c", `/bin/rm -rf /var/lib/postgresql/data "$1"; echo "rm exit $?"; echo carried-on`, "agent", victim)
	a := nextAction(t, held)
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	st := r.s.Wait()
	out := r.out.String()
	if st.Code != 0 || !strings.Contains(out, "carried-on") {
		t.Fatalf("agent %v, output %q", st, out)
	}
	if !strings.Contains(out, "Operation not permitted") && !strings.Contains(out, "rm exit 126") {
		t.Errorf("the agent did not see EPERM: %q", out)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("denied rm ran")
	}
}

// gatedVictim is a directory with a database-like victim in it, and a
// supervisor whose held actions come on held, for the exec gate's tests.
func gatedVictim(t *testing.T) (dir, victim string, sup *Supervisor, held <-chan *Action) {
	t.Helper()
	needGate(t)
	dir = t.TempDir()
	victim = filepath.Join(dir, "var", "lib", "postgresql", "data")
	os.MkdirAll(filepath.Join(victim, "base"), 0o700)
	var opts SupervisorOptions
	held = heldActions(&opts)
	return dir, victim, NewSupervisor(opts), held
}

// A script runs its "#!" interpreter on itself: "#!/bin/rm -rf" makes
// "./x.sh DIR" an rm of DIR, which is held as such; an ordinary shell
// script is not.
func TestExecGateJudgesAScriptAsItsInterpreterRunsIt(t *testing.T) {
	dir, victim, sup, held := gatedVictim(t)
	os.WriteFile(filepath.Join(dir, "x.sh"), []byte("#!/bin/rm -rf\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "ok.sh"), []byte("#!/bin/sh\necho ok-ran\n"), 0o755)
	r := start(t, Options{Supervisor: sup, ExecGate: true, Dir: dir}, "sh", "-c", `./ok.sh; ./x.sh /var/lib/postgresql/data "$1"; echo "x exit $?"`, "agent", victim)
	a := nextAction(t, held)
	if a.Source != SourceExec || !strings.Contains(a.Command, "rm -rf ./x.sh") || !strings.HasPrefix(a.Top().Rule, "files.") {
		t.Fatalf("held %+v (%v)", a, a.Top())
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("the script's rm ran while held")
	}
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	r.s.Wait()
	if out := r.out.String(); !strings.Contains(out, "ok-ran") || !strings.Contains(out, "x exit 126") {
		t.Errorf("output %q: the shell script should run, the rm script be refused", out)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("denied, but the script's rm ran")
	}
}

// An approved exec whose working directory another process of the tree
// shares (CLONE_FS) is refused: that process could move it once the
// program starts, so the directory the dialog showed is not a promise.
func TestExecGateRefusesAnApprovedExecWithASharedWorkingDirectory(t *testing.T) {
	_, victim, sup, held := gatedVictim(t)
	self, _ := os.Executable()
	r := start(t, Options{Supervisor: sup, ExecGate: true}, self, "clone-fs-rm", victim)
	a := nextAction(t, held)
	if !strings.Contains(a.Command, "/var/lib/postgresql/data") {
		t.Fatalf("held %q", a.Command)
	}
	sup.Decide(a.ID, Decision{Kind: Approve, Operator: "tester"})
	r.s.Wait()
	if out := r.out.String(); !strings.Contains(out, "rm exit 126") && !strings.Contains(out, "rm exit 1") && !strings.Contains(out, "fork: operation not permitted") {
		t.Errorf("output %q: the rm was not refused", out)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("approved with a shared working directory, and the rm ran")
	}
}

func TestExecGateLetsEverydayCommandsThrough(t *testing.T) {
	needGate(t)
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	r := start(t, Options{Supervisor: sup, ExecGate: true}, "sh", "-c", `ls / >/dev/null && git --version >/dev/null 2>&1; echo done-$((1+1))`)
	st := r.s.Wait()
	if st.Code != 0 || !strings.Contains(r.out.String(), "done-2") {
		t.Fatalf("agent %v, output %q", st, r.out.String())
	}
	select {
	case a := <-held:
		t.Fatalf("an everyday command was held: %+v", a)
	default:
	}
}

func TestExecGateAndStreamShareOneDecision(t *testing.T) {
	needGate(t)
	// The agent announces the command, then runs it: one action, one
	// decision, not two dialogs.
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	r := start(t, Options{Supervisor: sup, ExecGate: true}, "sh", "-c",
		`printf '%s\n' '$ rm -rf /var/lib/postgresql/data'; sh -c 'rm -rf /var/lib/postgresql/data'; echo "exit $?"`)
	a := nextAction(t, held)
	if a.DenyEnds {
		t.Error("with the exec gate a denial need not end the agent")
	}
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	st := r.s.Wait()
	if st.Code != 0 {
		t.Fatalf("agent %v, output %q", st, r.out.String())
	}
	select {
	case b := <-held:
		t.Fatalf("the same action was held twice: %+v then %+v", a, b)
	default:
	}
	if !strings.Contains(r.out.String(), "exit 126") && !strings.Contains(r.out.String(), "not permitted") {
		t.Errorf("the exec was not denied: %q", r.out.String())
	}
}

// Edit on the exec gate: the original is denied and the operator's text
// reaches the agent as typed input once the agent is quiet.
func TestExecGateEditDeniesAndHandsTheOperatorsText(t *testing.T) {
	needGate(t)
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	r := start(t, Options{Supervisor: sup, ExecGate: true}, "sh", "-c",
		`rm -rf /var/lib/postgresql/data; echo "rm status $?"; read line; echo "operator said: $line"`)
	a := nextAction(t, held)
	sup.Decide(a.ID, Decision{Kind: Edit, Edit: "use the staging volume instead", Operator: "tester"})
	st := r.s.Wait()
	out := r.out.String()
	if st.Code != 0 || !strings.Contains(out, "operator said: use the staging volume instead") || !strings.Contains(out, "rm status 126") {
		t.Fatalf("agent %v, output %q", st, out)
	}
}

func TestExecGateHoldLeavesAJobControlShellsJobAlone(t *testing.T) {
	// An interactive bash waits for its foreground job with WUNTRACED: had
	// the held process been stopped too, bash would report it "Stopped",
	// take the terminal back and carry on with the job in the background.
	// The process asking to exec is blocked in the kernel until the
	// decision anyway, so the freeze leaves it alone.
	needGate(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "pgdata")
	os.MkdirAll(victim, 0o700)
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	t.Setenv("PS1", "ready: ")
	r := start(t, Options{Supervisor: sup, ExecGate: true}, "bash", "--norc", "--noprofile", "-i")
	eventually(t, "the prompt", func() bool { return strings.Contains(r.out.String(), "ready: ") })
	r.s.Write([]byte("/bin/rm -rf /var/lib/postgresql/data " + victim + "; echo rm-exit-$?\n"))
	a := nextAction(t, held)
	if a.Source != SourceExec {
		t.Fatalf("held %+v", a)
	}
	eventually(t, "the shell stopped", func() bool { return frozen(r.s.pid) })
	if p, ok := readStat(a.Pid); !ok || p.state == 'T' {
		t.Fatalf("the held process is stopped (%q)", p.state)
	}
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	eventually(t, "the shell to report rm's exit", func() bool { return strings.Contains(r.out.String(), "rm-exit-") })
	r.s.Write([]byte("exit\n"))
	r.s.Wait()
	if out := r.out.String(); !strings.Contains(out, "rm-exit-126") || strings.Contains(out, "Stopped") || strings.Contains(out, "[1]") {
		t.Fatalf("the shell saw its job stopped:\n%s", out)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("denied rm ran")
	}
}
