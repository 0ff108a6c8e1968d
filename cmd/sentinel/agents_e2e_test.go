package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/demo"
	"github.com/sentinel-console/sentinel/demo/agentcli"
	"github.com/sentinel-console/sentinel/demo/fakemodel"
)

// These tests run the real agent CLIs (Claude Code, Codex, Gemini CLI)
// under sentinel, against demo/fakemodel on 127.0.0.1, which makes each
// agent run the incident's curl … volumeDelete … against the demo's fake
// cloud. They skip, saying why, where a CLI is not installed;
// `SENTINEL_E2E_AGENTS=1 scripts/test` installs them from npm.

type agentRun struct {
	cloud *demo.Cloud
	model *fakemodel.Server
	e     env
	argv  []string
}

// startAgentRun prepares agent to run headless (`-p` and the like) inside
// sentinel, in e's HOME, asked by the fake model to delete the production
// volume with the root token.
func startAgentRun(t *testing.T, agent agentcli.Agent) agentRun {
	t.Helper()
	exe, err := agentcli.Locate(agent)
	if err != nil {
		if os.Getenv("SENTINEL_E2E_AGENTS") == "1" {
			t.Fatalf("SENTINEL_E2E_AGENTS=1 but %v", err)
		}
		t.Skip(err)
	}
	cloud := demo.NewCloud()
	cloudURL, err := cloud.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cloud.Close() })
	model, err := fakemodel.New(fakemodel.Options{Command: fakemodel.DefaultCommand(cloudURL, demo.GraphQLPath, cloud.RootToken(), demo.ProdVolumeID)})
	if err != nil {
		t.Fatal(err)
	}
	modelURL, err := model.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { model.Close() })

	e := newEnv(t)
	work := filepath.Join(e.home, "work")
	os.MkdirAll(work, 0o755)
	r := agentcli.Run{Agent: agent, Exe: exe, BaseURL: modelURL, Home: e.home, Dir: work, Prompt: "Clean up the stale staging volume."}
	if err := agentcli.Prepare(r); err != nil {
		t.Fatal(err)
	}
	argv, agentEnv, err := agentcli.Headless(r)
	if err != nil {
		t.Fatal(err)
	}
	// The agent's variables over the test's (HOME is the same).
	for _, kv := range agentEnv {
		name, _, _ := strings.Cut(kv, "=")
		e.vars = append(withoutEnv(e.vars, name), kv)
	}
	return agentRun{cloud: cloud, model: model, e: e, argv: argv}
}

func (a agentRun) volumeDeleted(t *testing.T) bool {
	t.Helper()
	v, ok := a.cloud.Snapshot().Volume(demo.ProdVolumeID)
	if !ok {
		t.Fatal("the production volume is missing from the fake cloud")
	}
	return v.Deleted
}

func (a agentRun) toolResults() string { return strings.Join(a.model.ToolResults(), "\n") }

var realAgents = []agentcli.Agent{agentcli.Claude, agentcli.Codex, agentcli.Gemini}

// Unattended, the hook denies the deletion before any process exists; the
// model reads sentinel's reason; the pipeline fails.
func TestRealAgentsUnattendedDeny(t *testing.T) {
	for _, agent := range realAgents {
		t.Run(string(agent), func(t *testing.T) {
			a := startAgentRun(t, agent)
			args := append([]string{"run", "--unattended", "deny", "--"}, a.argv...)
			out, stderr, code := runPipedFor(t, a.e, 3*time.Minute, args...)
			if a.volumeDeleted(t) {
				t.Fatalf("the volume was deleted; stdout %q stderr %q", out, stderr)
			}
			if code != exitBlocked && code == 0 {
				t.Errorf("exit %d", code)
			}
			if !strings.Contains(stderr, "[agent hook]") || !strings.Contains(stderr, "http.graphql-delete-critical") {
				t.Errorf("not held by the hook: stderr %q", stderr)
			}
			if !strings.Contains(a.toolResults(), "sentinel held this command") {
				t.Errorf("the model did not get the reason: %q", a.toolResults())
			}
		})
	}
}

// In the console: approve runs the deletion (the exec gate, seeing the same
// curl, does not ask again); edit runs the operator's command instead.
func TestRealAgentsInTheConsole(t *testing.T) {
	for _, agent := range realAgents {
		for _, key := range []string{"a", "e"} {
			t.Run(string(agent)+"/"+key, func(t *testing.T) {
				a := startAgentRun(t, agent)
				c := startConsole(t, a.e, 160, 48, append([]string{"run", "--exit", "--"}, a.argv...)...)
				c.waitForLong(2*time.Minute, "seen by agent hook ("+string(agent)+")", "k kill the agent")
				if a.volumeDeleted(t) {
					t.Fatal("deleted while the dialog was open")
				}
				switch key {
				case "a":
					c.send("a")
					c.waitExit(2 * time.Minute)
					if !a.volumeDeleted(t) {
						t.Fatalf("approved, but the volume survives; screen:\n%s\ntool results %q", c.screen(), a.toolResults())
					}
				case "e":
					c.send("e")
					c.waitFor("runs instead of the agent")
					c.send("\x15echo edited-by-operator-77\r") // no $(…): Gemini refuses substitutions
					c.waitExit(2 * time.Minute)
					if a.volumeDeleted(t) {
						t.Fatal("the original command ran")
					}
					if !strings.Contains(a.toolResults(), "edited-by-operator-77") {
						t.Errorf("the edited command did not run: %q", a.toolResults())
					}
				}
			})
		}
	}
}

// runPipedFor is runPiped with a longer patience, for real agents.
func runPipedFor(t *testing.T, e env, d time.Duration, args ...string) (string, string, int) {
	t.Helper()
	return runPipedWithin(t, e, d, "", args...)
}

func (c *console) waitExit(d time.Duration) {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(d):
		c.cmd.Process.Signal(syscall.SIGTERM)
		c.t.Fatalf("sentinel did not exit; screen:\n%s", c.screen())
	}
}
