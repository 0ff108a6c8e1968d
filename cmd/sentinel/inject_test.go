package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session"
)

// The operator runs sentinel in tmux. The agent, at the operator's uid,
// asks the tmux server to type "a" into sentinel's pane two seconds later
// and then force-pushes: the server is outside the agent's tree, so the
// freeze does not stop it, and the key would approve the push. The tmux
// command must be held before it runs, and the push must wait for the
// operator. (Before the fix the remote got the branch.)
func TestAgentCannotApproveItsOwnActionThroughTmux(t *testing.T) {
	tmux := requireTool(t, "tmux")
	git := requireTool(t, "git")
	if err := session.GateSupported(); err != nil {
		t.Skipf("the exec gate is what holds the tmux command: %v", err)
	}
	e := newEnv(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "tmux.sock")
	repo, remote := filepath.Join(dir, "repo"), filepath.Join(dir, "remote.git")
	gitEnv := append(e.vars, "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b")
	for _, args := range [][]string{
		{"init", "-q", "--bare", remote},
		{"init", "-q", repo},
		{"-C", repo, "commit", "-q", "--allow-empty", "-m", "x"},
		{"-C", repo, "remote", "add", "origin", remote},
	} {
		cmd := exec.Command(git, args...)
		cmd.Env = gitEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	script := fmt.Sprintf(`cd %s
%s -S %s run-shell -b 'sleep 2; %s -S %s send-keys -t %%0 a'
echo "tmux exit $?"
git push -q --force origin HEAD:prod
echo "push exit $?"
sleep 1000`, repo, tmux, sock, tmux, sock)
	if err := os.WriteFile(filepath.Join(dir, "agent.sh"), []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	server := exec.Command(tmux, "-S", sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40",
		bin+" run -- sh "+filepath.Join(dir, "agent.sh"))
	server.Env = append(gitEnv, "TMUX_TMPDIR="+dir)
	if out, err := server.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command(tmux, "-S", sock, "kill-server").Run() })
	screen := func() string {
		out, _ := exec.Command(tmux, "-S", sock, "capture-pane", "-p", "-t", "%0").Output()
		return string(out)
	}
	key := func(k string) {
		if out, err := exec.Command(tmux, "-S", sock, "send-keys", "-t", "%0", k).CombinedOutput(); err != nil {
			t.Fatalf("send-keys: %v %s", err, out)
		}
	}
	waitFor := func(what ...string) string {
		t.Helper()
		deadline := time.Now().Add(patience)
		for {
			s := screen()
			all := true
			for _, w := range what {
				all = all && strings.Contains(s, w)
			}
			if all {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %q:\n%s", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	pushed := func() bool {
		return exec.Command(git, "-C", remote, "rev-parse", "-q", "--verify", "refs/heads/prod").Run() == nil
	}

	waitFor("approval needed", "terminal.send-keys", "k kill the agent") // the keys show once they work
	key("d")
	waitFor("tmux exit 1", "approval needed", "git.force-push", "k kill the agent")
	// The injected key would have come by now.
	time.Sleep(3 * time.Second)
	if pushed() {
		t.Fatalf("the push went through without the operator:\n%s", screen())
	}
	if s := screen(); !strings.Contains(s, "approval needed") {
		t.Fatalf("the push's dialog is gone, nobody answered it:\n%s", s)
	}
	key("d")
	waitFor("push exit 1")
	if pushed() {
		t.Fatal("the push went through after the operator denied it")
	}
}

// Another process of the operator's user (the agent is one) cannot reach
// into sentinel: not its descriptors through /proc/PID/fd, nor (by the
// same kernel check) with pidfd_getfd or ptrace. Through them an agent
// wrote to sentinel's stdout, the operator's terminal, past the pane, and
// took the exec gate's listener to let its own execs through. sentinel
// runs as an unprivileged user here, as an operator does: root may do
// anything.
func TestAgentCannotReachSentinelsDescriptors(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root, to run sentinel and its agent as another user (CI runs as root)")
	}
	const nobody = 65534
	dir, err := os.MkdirTemp("", "sentinel-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	own := filepath.Join(dir, "sentinel")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	if err := os.WriteFile(own, b, 0o755); err != nil || os.Chmod(dir, 0o755) != nil || os.Mkdir(home, 0o700) != nil || os.Chown(home, nobody, nobody) != nil {
		t.Fatalf("setting up %s: %v", dir, err)
	}
	agent := `if printf 'PAST THE PANE\n' >> /proc/$PPID/fd/1; then echo "WROTE to sentinel's stdout"; else echo DENIED; fi`
	cmd := exec.Command(own, "run", "--headless", "--", "sh", "-c", agent)
	cmd.Env = []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"), "PATH=" + os.Getenv("PATH"), "TMPDIR=" + home, "LANG=C.UTF-8"}
	cmd.Dir = home
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	// sentinel's stdout is a file the agent's user may write to, as the
	// operator's terminal is: only the way there may stop it.
	stdout, err := os.Create(filepath.Join(home, "stdout"))
	if err != nil || stdout.Chown(nobody, nobody) != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	cmd.Stdout, cmd.Stderr = stdout, stdout
	if err := cmd.Run(); err != nil {
		b, _ := os.ReadFile(stdout.Name())
		t.Fatalf("sentinel as uid %d: %v\n%s", nobody, err, b)
	}
	out, _ := os.ReadFile(stdout.Name())
	if !strings.Contains(string(out), "DENIED") || strings.Contains(string(out), "PAST THE PANE") {
		t.Fatalf("the agent reached sentinel's stdout through /proc:\n%s", out)
	}
}
