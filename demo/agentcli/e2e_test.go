package agentcli

import (
	"context"
	"errors"
	"github.com/sentinel-console/sentinel/session/agenthook"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/demo/fakemodel"
)

// The command the fake model asks for: it leaves a marker file, so a test
// can tell whether it ran.
const (
	markerName    = "ran.marker"
	scriptCommand = "touch " + markerName + " && echo original-command-ran"
	rewritten     = "echo rewritten-command-ran-5521"
	denyReason    = "sentinel: the operator denied this (reason 7731)"
)

// Replies of a hook script per agent, as verified in docs/agents.md.
var (
	denyReply = map[Agent]string{
		Claude: `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"` + denyReason + `"}}`,
		Codex:  `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"` + denyReason + `"}}`,
		Gemini: `{"decision":"deny","reason":"` + denyReason + `"}`,
	}
	rewriteReply = map[Agent]string{
		Claude: `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"edited by the operator","updatedInput":{"command":"` + rewritten + `","description":"edited"}}}`,
		Codex:  `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"edited by the operator","updatedInput":{"command":"` + rewritten + `"}}}`,
		Gemini: `{"hookSpecificOutput":{"hookEventName":"BeforeTool","tool_input":{"command":"` + rewritten + `"}}}`,
	}
)

type result struct {
	out         string
	toolResults []string
	ran         bool // the original command left its marker
	payload     string
}

// runAgent runs agent headless against a fresh fake model. reply is what
// the hook prints ("" = no hook at all; "-" = a hook that prints nothing).
func runAgent(t *testing.T, agent Agent, reply string) result {
	t.Helper()
	exe, err := Locate(agent)
	if err != nil {
		t.Skip(err)
	}
	srv, err := fakemodel.New(fakemodel.Options{Command: scriptCommand})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	tmp := t.TempDir()
	r := Run{Agent: agent, Exe: exe, BaseURL: url, Home: filepath.Join(tmp, "home"), Dir: filepath.Join(tmp, "work"),
		Prompt: "Run the command."}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Prepare(r); err != nil {
		t.Fatal(err)
	}
	argv, env, err := Headless(r)
	if err != nil {
		t.Fatal(err)
	}
	payload := filepath.Join(tmp, "payload.json")
	if reply != "" {
		script := filepath.Join(tmp, "hook.sh")
		body := "#!/bin/sh\ncat > " + payload + "\n"
		if reply != "-" {
			body += "cat <<'REPLY'\n" + reply + "\nREPLY\n"
		}
		if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		// Injected exactly as sentinel run injects its own hook.
		inj, err := agenthook.InjectHook(argv, env, script, tmp)
		if err != nil || !inj.Active {
			t.Fatalf("injection: %+v %v", inj, err)
		}
		argv, env = inj.Argv, inj.Env
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = r.Dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// End the CLI's whole process group (node, its helpers, the shell).
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ctx.Err() != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
		t.Logf("%s exited with %v", agent, err)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	res := result{out: string(out), toolResults: srv.ToolResults()}
	if _, err := os.Stat(filepath.Join(r.Dir, markerName)); err == nil {
		res.ran = true
	}
	if b, err := os.ReadFile(payload); err == nil {
		res.payload = string(b)
	}
	return res
}

func (r result) finalHas(s string) bool {
	for _, tr := range r.toolResults {
		if strings.Contains(tr, s) {
			return true
		}
	}
	return false
}

func testAgent(t *testing.T, agent Agent) {
	t.Run("no hook", func(t *testing.T) {
		res := runAgent(t, agent, "")
		if !res.ran || !res.finalHas("original-command-ran") {
			t.Fatalf("the command did not run or its output did not reach the model: ran=%v results=%q\n%s", res.ran, res.toolResults, res.out)
		}
		if !strings.Contains(res.out, fakemodel.DefaultFinalPrefix) {
			t.Errorf("the transcript lacks the model's final message:\n%s", res.out)
		}
	})
	t.Run("silent hook", func(t *testing.T) {
		res := runAgent(t, agent, "-")
		if !strings.Contains(res.payload, "touch "+markerName) {
			t.Fatalf("the hook did not receive the command; payload %q\n%s", res.payload, res.out)
		}
		if !res.ran {
			t.Fatalf("a hook printing nothing must let the command run\n%s", res.out)
		}
	})
	t.Run("deny", func(t *testing.T) {
		res := runAgent(t, agent, denyReply[agent])
		if res.ran {
			t.Fatalf("the denied command ran\n%s", res.out)
		}
		if !res.finalHas(denyReason) {
			t.Fatalf("the deny reason did not reach the model: %q\n%s", res.toolResults, res.out)
		}
		if !strings.Contains(res.out, denyReason) {
			t.Errorf("the transcript lacks the deny reason:\n%s", res.out)
		}
	})
	t.Run("rewrite", func(t *testing.T) {
		res := runAgent(t, agent, rewriteReply[agent])
		if res.ran {
			t.Fatalf("the original command ran despite the rewrite\n%s", res.out)
		}
		if !res.finalHas("rewritten-command-ran-5521") {
			t.Fatalf("the rewritten command's output did not reach the model: %q\n%s", res.toolResults, res.out)
		}
	})
}

func TestClaudeCode(t *testing.T) { testAgent(t, Claude) }
func TestCodex(t *testing.T)      { testAgent(t, Codex) }
func TestGeminiCLI(t *testing.T)  { testAgent(t, Gemini) }
