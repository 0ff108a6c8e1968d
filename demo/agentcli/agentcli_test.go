package agentcli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLocatePrefersTheCLIDir(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "codex")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvCLIDir, dir)
	if got, err := Locate(Codex); err != nil || got != exe {
		t.Fatalf("Locate = %q, %v; want %q", got, err, exe)
	}
	if _, err := Locate("aider"); err == nil {
		t.Fatal("Locate(aider): want an error")
	}
}

func TestLocateSaysWhereItLooked(t *testing.T) {
	t.Setenv(EnvCLIDir, t.TempDir())
	t.Setenv("PATH", t.TempDir())
	_, err := Locate(Gemini)
	if err == nil || !strings.Contains(err.Error(), "@google/gemini-cli") || !strings.Contains(err.Error(), EnvCLIDir) {
		t.Fatalf("Locate error = %v; want one naming where it looked and the npm package", err)
	}
}

func testRun(t *testing.T, agent Agent) Run {
	tmp := t.TempDir()
	return Run{Agent: agent, Exe: "/bin/" + string(agent), BaseURL: "http://127.0.0.1:41234/", Home: filepath.Join(tmp, "h"),
		Dir: filepath.Join(tmp, "w"), Prompt: "go"}
}

func TestHeadlessPointsAtTheFakeModel(t *testing.T) {
	for _, agent := range Agents {
		r := testRun(t, agent)
		argv, env, err := Headless(r)
		if err != nil {
			t.Fatal(err)
		}
		if argv[0] != r.Exe || argv[len(argv)-1] == "" {
			t.Errorf("%s: argv = %q", agent, argv)
		}
		joined := strings.Join(append(argv, env...), "\n")
		if !strings.Contains(joined, "http://127.0.0.1:41234") {
			t.Errorf("%s: nothing points at the fake model:\n%s", agent, joined)
		}
		if !slices.Contains(env, "HOME="+r.Home) {
			t.Errorf("%s: env lacks HOME=%s", agent, r.Home)
		}
		for _, kv := range env {
			if strings.HasPrefix(kv, "ANTHROPIC_API_KEY=") || strings.HasPrefix(kv, "GEMINI_API_KEY=") {
				if kv[strings.IndexByte(kv, '=')+1:] != FakeAPIKey {
					t.Errorf("%s: a real key leaked into the env: %s", agent, kv)
				}
			}
		}
	}
	if _, _, err := Headless(Run{Agent: Claude}); err == nil {
		t.Error("Headless with no base URL: want an error")
	}
}

func TestPrepareWritesTheCLIsState(t *testing.T) {
	r := testRun(t, Claude)
	if err := Prepare(r); err != nil {
		t.Fatal(err)
	}
	var state struct {
		Onboarded bool `json:"hasCompletedOnboarding"`
		Keys      struct {
			Approved []string `json:"approved"`
		} `json:"customApiKeyResponses"`
		Projects map[string]struct {
			Trusted bool `json:"hasTrustDialogAccepted"`
		} `json:"projects"`
	}
	b, err := os.ReadFile(filepath.Join(r.Home, ".claude.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &state); err != nil {
		t.Fatal(err)
	}
	if !state.Onboarded || len(state.Keys.Approved) != 1 || !strings.HasSuffix(FakeAPIKey, state.Keys.Approved[0]) ||
		len(state.Keys.Approved[0]) != 20 || !state.Projects[r.Dir].Trusted {
		t.Fatalf(".claude.json = %s", b)
	}

	r = testRun(t, Gemini)
	if err := Prepare(r); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(filepath.Join(r.Home, ".gemini", "settings.json"))
	if err != nil || !strings.Contains(string(b), `"selectedType": "gemini-api-key"`) {
		t.Fatalf("gemini settings = %s, %v", b, err)
	}
}
