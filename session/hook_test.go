package session

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session/agenthook"
)

// hookAgent is an agent that, like Claude Code after its hook allowed a
// command, runs the command in go.cmd once the file appears, through a
// shell the exec gate sees.
func hookAgent(dir string) []string {
	script := `while [ ! -e go.cmd ]; do sleep 0.05; done; sh -c "$(cat go.cmd)"; echo "ran exit $?"; echo agent-done`
	return []string{"sh", "-c", script}
}

func pgVictim(t *testing.T) (dir, victim string) {
	dir = t.TempDir()
	victim = filepath.Join(dir, "pgdata")
	os.MkdirAll(filepath.Join(victim, "base"), 0o700)
	os.WriteFile(filepath.Join(victim, "PG_VERSION"), []byte("16"), 0o600)
	return dir, victim
}

// askHook asks the supervisor as the agent's hook would, in the
// background, and returns where the reply arrives.
func askHook(sup *Supervisor, req agenthook.Request, pid int) <-chan agenthook.Reply {
	ch := make(chan agenthook.Reply, 1)
	go func() { ch <- sup.DecideHook(req, agenthook.Peer{Pid: pid, Uid: os.Getuid()}, func() {}) }()
	return ch
}

func reply(t *testing.T, ch <-chan agenthook.Reply) agenthook.Reply {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no reply to the hook")
	}
	return agenthook.Reply{}
}

func TestHookPassesEverydayCommandsWithoutHolding(t *testing.T) {
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	for _, cmd := range []string{"ls -la", "git status", "go test ./...", "curl -s https://example.com"} {
		r := sup.DecideHook(agenthook.Request{Agent: "claude", Command: cmd}, agenthook.Peer{}, func() { t.Errorf("%q held", cmd) })
		if r.Verdict != agenthook.Pass {
			t.Errorf("%q: %+v", cmd, r)
		}
	}
	select {
	case a := <-held:
		t.Fatalf("held %+v", a)
	default:
	}
}

// The hook's approval is the one decision: when the agent then runs the
// command, the exec gate sees the same action and lets it through without
// a second dialog.
func TestHookApprovalCoversTheExecThatFollows(t *testing.T) {
	needGate(t)
	// The approved command, and its parts when the shell runs them: each
	// command of a list, one run after a cd, and the hook's directory
	// spelled through a symbolic link. One decision, not a dialog per part.
	for _, c := range []struct {
		name, cmd string
		viaLink   bool
		kind      DecisionKind
	}{
		{"plain", "/bin/rm -rf /var/lib/postgresql/data VICTIM", false, Approve},
		{"list", "/bin/rm -rf /var/lib/postgresql/data VICTIM && /bin/rm -rf /etc/sentinel-test-nothing", false, Approve},
		{"list, A", "/bin/rm -rf /var/lib/postgresql/data VICTIM && /bin/rm -rf /etc/sentinel-test-nothing", false, ApproveSession},
		{"cd", "cd sub && /bin/rm -rf /var/lib/postgresql/data VICTIM", false, Approve},
		{"symlinked cwd", "/bin/rm -rf /var/lib/postgresql/data VICTIM", true, Approve},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, victim := pgVictim(t)
			os.Mkdir(filepath.Join(dir, "sub"), 0o700)
			cwd := dir
			if c.viaLink {
				cwd = filepath.Join(t.TempDir(), "link")
				if err := os.Symlink(dir, cwd); err != nil {
					t.Fatal(err)
				}
			}
			var opts SupervisorOptions
			held := heldActions(&opts)
			sup := NewSupervisor(opts)
			r := start(t, Options{Supervisor: sup, ExecGate: true, Dir: dir}, hookAgent(dir)...)
			cmd := strings.ReplaceAll(c.cmd, "VICTIM", victim)
			replies := askHook(sup, agenthook.Request{Agent: "claude", Command: cmd, Description: "clean the test database",
				AgentSession: "sess-1", Cwd: cwd, CanRewrite: true}, r.s.pid)
			a := nextAction(t, held)
			if a.Source != SourceHook || a.Agent != "claude" || a.AgentSession != "sess-1" || a.Description != "clean the test database" || !a.CanRewrite {
				t.Fatalf("held %+v", a)
			}
			sup.Decide(a.ID, Decision{Kind: c.kind, Operator: "tester"})
			rep := reply(t, replies)
			if rep.Verdict != agenthook.Allow || !strings.Contains(rep.Reason, "tester") {
				t.Fatalf("reply %+v", rep)
			}
			os.WriteFile(filepath.Join(dir, "go.cmd"), []byte(cmd), 0o600)
			select {
			case a := <-held:
				t.Fatalf("the exec gate asked again about the approved command: %q", a.Command)
			case <-r.s.Done():
			case <-time.After(10 * time.Second):
				t.Fatalf("the agent did not finish; output %q", r.out.String())
			}
			r.s.Wait()
			if _, err := os.Stat(victim); !os.IsNotExist(err) {
				t.Fatalf("the approved command did not run: %v; output %q", err, r.out.String())
			}
		})
	}
}

func TestHookDenyTellsTheModelWhy(t *testing.T) {
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	replies := askHook(sup, agenthook.Request{Agent: "codex", Command: "rm -rf /var/lib/postgresql/data", CanRewrite: true}, 0)
	a := nextAction(t, held)
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	rep := reply(t, replies)
	if rep.Verdict != agenthook.Deny || !strings.Contains(rep.Reason, a.Top().Rule) || !strings.Contains(rep.Reason, "tester") ||
		!strings.Contains(rep.Reason, "Do not retry") {
		t.Fatalf("reply %+v", rep)
	}
	// The same command asked again soon after is denied without asking.
	again := sup.DecideHook(agenthook.Request{Agent: "codex", Command: "rm -rf /var/lib/postgresql/data"}, agenthook.Peer{}, func() {})
	if again.Verdict != agenthook.Deny {
		t.Fatalf("asked again: %+v", again)
	}
	if sup.Blocked() != 1 { // the same action again, not a second one
		t.Errorf("blocked %d", sup.Blocked())
	}
}

// An edit on the hook path runs the operator's command instead, and that
// command, being the operator's, is not held again by the exec gate.
func TestHookEditRunsTheOperatorsCommand(t *testing.T) {
	needGate(t)
	dir, victim := pgVictim(t)
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	r := start(t, Options{Supervisor: sup, ExecGate: true, Dir: dir}, hookAgent(dir)...)
	replies := askHook(sup, agenthook.Request{Agent: "claude", Command: "/bin/rm -rf /var/lib/postgresql/data " + victim, CanRewrite: true}, r.s.pid)
	a := nextAction(t, held)
	edit := "/bin/rm -rf /var/lib/postgresql/data " + filepath.Join(victim, "base")
	sup.Decide(a.ID, Decision{Kind: Edit, Edit: edit, Operator: "tester"})
	rep := reply(t, replies)
	if rep.Verdict != agenthook.Rewrite || rep.Command != edit {
		t.Fatalf("reply %+v", rep)
	}
	os.WriteFile(filepath.Join(dir, "go.cmd"), []byte(rep.Command), 0o600)
	select {
	case a := <-held:
		t.Fatalf("the operator's own command was held: %+v", a)
	case <-r.s.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("the agent did not finish; output %q", r.out.String())
	}
	r.s.Wait()
	if _, err := os.Stat(filepath.Join(victim, "base")); !os.IsNotExist(err) {
		t.Errorf("the edited command did not run: %v; output %q", err, r.out.String())
	}
	if _, err := os.Stat(filepath.Join(victim, "PG_VERSION")); err != nil {
		t.Errorf("the original command ran: %v", err)
	}
}

// When the stream saw the command first and the hook joins it, a denial
// fails the tool call through the hook; it does not end the agent as a
// stream-only denial of an in-process action would.
func TestHookJoiningAStreamActionKeepsTheAgentAlive(t *testing.T) {
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	script := `printf '%s\n' '● Bash(rm -rf /var/lib/postgresql/data)'; sleep 2; echo still-here`
	// The hook names the tool's directory, which need not be the agent
	// process's (here: the same one through a symbolic link; after a cd,
	// another): the stream only guesses where a command runs.
	dir := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o700)
	r := start(t, Options{Supervisor: sup, Dir: dir}, "sh", "-c", script)
	a := nextAction(t, held)
	if a.Source != SourceStream {
		t.Fatalf("held %+v", a)
	}
	replies := askHook(sup, agenthook.Request{Agent: "claude", Command: "rm -rf /var/lib/postgresql/data", CanRewrite: true, Cwd: filepath.Join(link, "sub")}, r.s.pid)
	eventually(t, "the hook joined", func() bool {
		sup.mu.Lock()
		defer sup.mu.Unlock()
		return len(a.Also) > 0
	})
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	if rep := reply(t, replies); rep.Verdict != agenthook.Deny {
		t.Fatalf("reply %+v", rep)
	}
	r.s.Wait()
	if !strings.Contains(r.out.String(), "still-here") || r.s.Exit().Code != 0 {
		t.Fatalf("the agent was ended: %v; output %q", r.s.Exit(), r.out.String())
	}
}

// While a hook's request is held, the rest of the agent's tree is stopped,
// the hook itself included, but not the agent waiting on its hook: it
// cannot act meanwhile, and a SIGSTOP/SIGCONT would make it redraw its
// whole screen once continued (as Claude Code does after fg).
func TestHookHoldStopsTheTreeButNotTheWaitingAgent(t *testing.T) {
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	script := `trap 'echo got-cont' CONT; sleep 30 & echo "bg=$!"; sh -c 'echo "hook=$$"; exec sleep 1'; read x; echo "agent-got-$x"`
	r := start(t, Options{Supervisor: sup}, "sh", "-c", script)
	pidOf := func(name string) int {
		var pid int
		eventually(t, name, func() bool {
			out := r.out.String()
			i := strings.Index(out, name+"=")
			if i < 0 || !strings.Contains(out[i:], "\n") {
				return false
			}
			_, err := fmt.Sscanf(out[i+len(name)+1:], "%d", &pid)
			return err == nil && pid > 0
		})
		return pid
	}
	bg, hook := pidOf("bg"), pidOf("hook")
	replies := askHook(sup, agenthook.Request{Agent: "claude", Command: "rm -rf /var/lib/postgresql/data", CanRewrite: true}, hook)
	a := nextAction(t, held)
	eventually(t, "the background job stopped", func() bool { p, _ := readStat(bg); return p.state == 'T' })
	eventually(t, "the hook stopped", func() bool { p, _ := readStat(hook); return p.state == 'T' })
	if p, _ := readStat(r.s.pid); p.state == 'T' {
		t.Fatal("the agent waiting on its hook was stopped")
	}
	sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"})
	if rep := reply(t, replies); rep.Verdict != agenthook.Deny {
		t.Fatalf("reply %+v", rep)
	}
	eventually(t, "the background job continued", func() bool { p, _ := readStat(bg); return p.state != 'T' })
	eventually(t, "the hook ended", func() bool { return !alive(hook) || zombie(hook) })
	r.s.Write([]byte("go\r"))
	eventually(t, "the agent carried on", func() bool { return strings.Contains(r.out.String(), "agent-got-go") })
	if strings.Contains(r.out.String(), "got-cont") {
		t.Errorf("the agent was sent SIGCONT: %q", r.out.String())
	}
	syscall.Kill(bg, syscall.SIGKILL)
}

// An approval covers its own action for a while, and only that: not the
// same rule and target in another directory (a force-push approved in one
// repository pushed another's main), not a part of it (approving
// "push; rm -rf x" approved a later "rm -rf x"), and A approves the rule
// the dialog names, not the findings below it.
func TestAnApprovalCoversOnlyItsOwnAction(t *testing.T) {
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	ask := func(cmd, cwd string) <-chan agenthook.Reply {
		return askHook(sup, agenthook.Request{Agent: "claude", Command: cmd, Cwd: cwd}, 0)
	}
	decide := func(kind DecisionKind) *Action {
		t.Helper()
		a := nextAction(t, held)
		if err := sup.Decide(a.ID, Decision{Kind: kind, Operator: "tester"}); err != nil {
			t.Fatal(err)
		}
		return a
	}
	asks := func(what, cmd, cwd string) {
		t.Helper()
		ch := ask(cmd, cwd)
		a := decide(Deny)
		if a.Command != cmd {
			t.Fatalf("%s: held %q, want %q", what, a.Command, cmd)
		}
		if r := reply(t, ch); r.Verdict != agenthook.Deny {
			t.Fatalf("%s: %+v", what, r)
		}
	}
	const push = "git push --force origin HEAD:main"
	first := ask(push, "/srv/work")
	decide(Approve)
	if r := reply(t, first); r.Verdict != agenthook.Allow {
		t.Fatalf("approved push: %+v", r)
	}
	if r := reply(t, ask(push, "/srv/work")); r.Verdict != agenthook.Allow {
		t.Fatalf("the same push again, where it was approved: %+v", r)
	}
	asks("the same push in another repository", push, "/srv/prod")

	const rm = "rm -rf /srv/data"
	compound := ask("git push --force origin HEAD:release; "+rm, "/srv/work")
	decide(Approve)
	if r := reply(t, compound); r.Verdict != agenthook.Allow {
		t.Fatalf("approved compound: %+v", r)
	}
	asks("a part of an approved command", rm, "/srv/work")

	session := ask("git push --force origin HEAD:staging; rm -rf /srv/uploads", "/srv/work")
	a := decide(ApproveSession)
	if r := reply(t, session); r.Verdict != agenthook.Allow {
		t.Fatalf("approved for the session: %+v", r)
	}
	if top := a.Top(); top.Rule != "git.force-push" {
		t.Fatalf("top finding %s; the test expects the push", top.Rule)
	}
	if r := reply(t, ask("git push --force origin HEAD:staging", "/srv/work")); r.Verdict != agenthook.Allow {
		t.Fatalf("the rule approved for the session: %+v", r)
	}
	// "origin" is the remote of the repository it was approved in.
	asks("the rule approved for the session, in another repository", "git push --force origin HEAD:staging", "/srv/elsewhere")
	asks("a finding below the one A approved", "rm -rf /srv/uploads", "/srv/work")
}

// A process that asks over the hook socket and does not wait for the
// answer is stopped like the rest: only the agent that ran the hook is left
// running, and whatever it starts while the action waits is stopped too.
// (In review, a requester kept working through the hold, and the agent's
// shell started new processes that were never stopped.)
func TestHookHoldStopsWhatDoesNotWait(t *testing.T) {
	dir := t.TempDir()
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("needs bash for a requester that starts no process")
	}
	// The requester uses only builtins: a shell stopped while it waits for
	// a vfork child it started shows as sleeping, not stopped, though it
	// cannot run either.
	script := `mkfifo ff; ` + bash + ` -c 'i=0; exec 9<>ff; while :; do i=$((i+1)); echo $i > tick; read -t 0.02 -u 9; done' & echo PEER:$!
while :; do sleep 0.05; done`
	r := start(t, Options{Supervisor: sup, Dir: dir}, "sh", "-c", script)
	eventually(t, "the requester's pid", func() bool { return strings.Contains(r.out.String(), "PEER:") })
	var peer int
	fmt.Sscanf(r.out.String()[strings.Index(r.out.String(), "PEER:"):], "PEER:%d", &peer)
	ch := askHook(sup, agenthook.Request{Agent: "claude", Command: "rm -rf /var/lib/postgresql/data", Cwd: dir}, peer)
	a := nextAction(t, held)
	eventually(t, "the requester stopped", func() bool { p, ok := readStat(peer); return ok && p.state == 'T' })
	agent := r.s.Pid()
	eventually(t, "everything the agent started since stopped", func() bool {
		for _, pid := range r.s.tree() {
			if p, ok := readStat(pid); ok && pid != agent && p.state != 'T' {
				return false
			}
		}
		return true
	})
	before, _ := os.ReadFile(filepath.Join(dir, "tick"))
	time.Sleep(200 * time.Millisecond)
	if after, _ := os.ReadFile(filepath.Join(dir, "tick")); string(after) != string(before) {
		t.Fatal("the requester ran on through the hold")
	}
	if err := sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"}); err != nil {
		t.Fatal(err)
	}
	if rep := reply(t, ch); rep.Verdict != agenthook.Deny {
		t.Fatalf("reply %+v", rep)
	}
	eventually(t, "the requester running again", func() bool {
		after, _ := os.ReadFile(filepath.Join(dir, "tick"))
		return string(after) != string(before)
	})
	r.s.Terminate(time.Second)
}

// The agent may exit while its hook's action still waits: what was stopped
// for the action is ended where it stands, without the SIGCONT of the
// usual ending's grace (a worker that ignores SIGTERM ran on for 2 s).
func TestAgentExitingDuringAHoldLeavesNothingToRun(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("needs bash for a worker that starts no process")
	}
	dir := t.TempDir()
	var opts SupervisorOptions
	held := heldActions(&opts)
	sup := NewSupervisor(opts)
	script := `mkfifo ff
setsid -f ` + bash + ` -c 'trap "" TERM HUP; exec 9<>ff; while :; do echo x >> ticks; read -t 0.02 -u 9; done'
sh -c 'echo "hook=$$"; exec sleep 30' &
exec 8<>ff; read -t 1 -u 8; exit 0`
	r := start(t, Options{Supervisor: sup, Dir: dir}, bash, "-c", script)
	var hook int
	eventually(t, "the hook's pid", func() bool {
		out := r.out.String()
		i := strings.Index(out, "hook=")
		return i >= 0 && strings.Contains(out[i:], "\n") && func() bool { _, err := fmt.Sscanf(out[i+5:], "%d", &hook); return err == nil }()
	})
	ticks := filepath.Join(dir, "ticks")
	eventually(t, "the worker ticking", func() bool { b, _ := os.ReadFile(ticks); return len(b) > 0 })
	askHook(sup, agenthook.Request{Agent: "claude", Command: "rm -rf /var/lib/postgresql/data"}, hook)
	nextAction(t, held)
	var before []byte
	eventually(t, "the worker stopped", func() bool {
		b, _ := os.ReadFile(ticks)
		time.Sleep(100 * time.Millisecond)
		after, _ := os.ReadFile(ticks)
		before = after
		return len(b) == len(after)
	})
	r.s.Wait()
	time.Sleep(300 * time.Millisecond)
	if after, _ := os.ReadFile(ticks); len(after) != len(before) {
		t.Fatalf("the stopped worker ran again after the agent exited (%d ticks more)", (len(after)-len(before))/2)
	}
	if left := r.s.tree(); len(left) > 0 {
		t.Fatalf("left running: %v", left)
	}
}

// An action held while another is being decided keeps its freeze: the
// first decision's thaw used to continue everything, leaving the second
// action waiting with its requester running.
func TestAHoldDuringADecisionStaysFrozen(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("needs bash for a requester that starts no process")
	}
	dir := t.TempDir()
	var opts SupervisorOptions
	held := heldActions(&opts)
	var sup *Supervisor
	var peer int
	second := make(chan (<-chan agenthook.Reply), 1)
	opts.OnDecided = func(a *Action, d Decision) {
		if a.ID == 1 {
			ch := askHook(sup, agenthook.Request{Agent: "claude", Command: "rm -rf /var/lib/mysql", Cwd: dir}, peer)
			// Held before Decide for #1 goes on to thaw.
			eventually(t, "the second action held", func() bool { sup.mu.Lock(); defer sup.mu.Unlock(); return len(sup.pending) == 1 })
			second <- ch
		}
	}
	sup = NewSupervisor(opts)
	script := `mkfifo ff; ` + bash + ` -c 'i=0; exec 9<>ff; while :; do i=$((i+1)); echo $i > tick; read -t 0.02 -u 9; done' & echo PEER:$!
exec 8<>ff; read -u 8`
	r := start(t, Options{Supervisor: sup, Dir: dir}, bash, "-c", script)
	eventually(t, "the requester's pid", func() bool { return strings.Contains(r.out.String(), "PEER:") })
	fmt.Sscanf(r.out.String()[strings.Index(r.out.String(), "PEER:"):], "PEER:%d", &peer)
	first := askHook(sup, agenthook.Request{Agent: "claude", Command: "rm -rf /var/lib/postgresql/data", Cwd: dir}, peer)
	a := nextAction(t, held)
	if err := sup.Decide(a.ID, Decision{Kind: Deny, Operator: "tester"}); err != nil {
		t.Fatal(err)
	}
	reply(t, first)
	nextAction(t, held)
	ch := <-second
	tick := filepath.Join(dir, "tick")
	before, _ := os.ReadFile(tick)
	time.Sleep(300 * time.Millisecond)
	if after, _ := os.ReadFile(tick); string(after) != string(before) {
		t.Fatalf("the second action's requester ran while it was held (%q then %q)", before, after)
	}
	if p, ok := readStat(peer); !ok || p.state != 'T' {
		t.Fatalf("requester state %q", p.state)
	}
	sup.mu.Lock()
	id := sup.pending[0].ID
	sup.mu.Unlock()
	sup.Decide(id, Decision{Kind: Deny, Operator: "tester"})
	reply(t, ch)
	r.s.Terminate(time.Second)
}

// An "approve for the session" of a target that means something only
// where it runs (../v, a glob, a remote's name) covers that directory;
// an absolute or home path, or a URL, covers every directory.
func TestSessionRuleKeyScopesRelativeTargets(t *testing.T) {
	f := func(target string) detect.Finding { return detect.Finding{Rule: "files.delete-data", Target: target} }
	for _, c := range []struct {
		target   string
		anywhere bool
	}{
		{"../v", false}, {"*", false}, {"origin", false}, {"", false}, {"build/cache", false},
		{"/srv/data", true}, {"~/.ssh", true}, {"https://api.example.com/graphql", true},
	} {
		a, b := SessionRuleKey(f(c.target), "/home/u/scratch/v", "rm -rf x"), SessionRuleKey(f(c.target), "/home/u/project/v", "rm -rf x")
		if (a == b) != c.anywhere || TargetIsAnywhere(c.target) != c.anywhere {
			t.Errorf("%q: keys in two directories equal %v, want %v", c.target, a == b, c.anywhere)
		}
	}
	// A command that sends its program elsewhere covers only itself.
	const push = "git push --force origin HEAD:main"
	given := SessionRuleKey(f("origin"), "/srv/work", push)
	for _, cmd := range []string{"git -C /srv/prod push --force origin HEAD:main", "cd /srv/prod && " + push, "GIT_DIR=/srv/prod/.git " + push,
		"env -C /srv/prod " + push, "pushd /srv/prod; " + push, "git --git-dir=/srv/prod/.git push --force origin HEAD:main"} {
		if SessionRuleKey(f("origin"), "/srv/work", cmd) == given {
			t.Errorf("%q is covered by the rule given for %q", cmd, push)
		}
	}
	if SessionRuleKey(f("origin"), "/srv/work", push) != given {
		t.Error("the same command in the same place is not covered")
	}
}
