package agentcli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/agenthook"
)

// codexHooksList asks `codex app-server`, started with env in dir, for
// the hooks it found (hooks/list), and returns them with its warnings.
func codexHooksList(t *testing.T, exe string, env []string, dir string) (hooks []map[string]any, warnings []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "app-server")
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cancel()
		_ = cmd.Wait()
	}()
	fmt.Fprintln(stdin, `{"id":1,"method":"initialize","params":{"clientInfo":{"name":"sentinel-test","version":"0"}}}`)
	fmt.Fprintln(stdin, `{"method":"initialized"}`)
	fmt.Fprintln(stdin, `{"id":2,"method":"hooks/list","params":{}}`)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var msg struct {
			ID     int `json:"id"`
			Result struct {
				Data []struct {
					Hooks    []map[string]any `json:"hooks"`
					Warnings []string         `json:"warnings"`
					Errors   []any            `json:"errors"`
				} `json:"data"`
			} `json:"result"`
			Error any `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil || msg.ID != 2 {
			continue
		}
		if msg.Error != nil {
			t.Fatalf("hooks/list: %v", msg.Error)
		}
		for _, d := range msg.Result.Data {
			if len(d.Errors) > 0 {
				t.Errorf("hooks/list errors: %v", d.Errors)
			}
			hooks = append(hooks, d.Hooks...)
			warnings = append(warnings, d.Warnings...)
		}
		return hooks, warnings
	}
	t.Fatalf("codex app-server ended without answering hooks/list: %v\n%s", sc.Err(), stderr.String())
	return nil, nil
}

// TestCodexHooksInstallIsTrusted installs sentinel's hook with
// agenthook.Install into a Codex user config that already has a hook of
// the user's, and asks the real Codex whether it will run it: listed under
// the key sentinel computed, trusted and enabled. It checks both ways Codex
// finds its home: $CODEX_HOME (reached here through a symlink, which Codex
// resolves) and $HOME/.codex (taken as it is).
func TestCodexHooksInstallIsTrusted(t *testing.T) {
	exe, err := Locate(Codex)
	if err != nil {
		t.Skipf("Codex is not installed, so sentinel's installed hook cannot be checked against it: %v", err)
	}
	const userConfig = `# the user's own
[[hooks.PreToolUse]]
matcher = "Edit"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "my-linter"
`
	for _, viaCodexHome := range []bool{true, false} {
		t.Run(fmt.Sprintf("CODEX_HOME=%v", viaCodexHome), func(t *testing.T) {
			home := t.TempDir()
			r := Run{Agent: Codex, BaseURL: "http://127.0.0.1:9", Home: home, Dir: home, Prompt: "x"}
			if err := Prepare(r); err != nil {
				t.Fatal(err)
			}
			env := Env(r) // CODEX_HOME=home/.codex
			codexDir := filepath.Join(home, ".codex")
			if viaCodexHome {
				link := filepath.Join(home, "codex-link")
				if err := os.Symlink(codexDir, link); err != nil {
					t.Fatal(err)
				}
				env = envWith(env, "CODEX_HOME="+link)
				t.Setenv("CODEX_HOME", link)
				if codexDir, err = filepath.EvalSymlinks(codexDir); err != nil {
					t.Fatal(err)
				}
			} else {
				env = withoutVar(env, "CODEX_HOME")
				t.Setenv("CODEX_HOME", "")
			}
			path := filepath.Join(codexDir, "config.toml")
			if err := os.WriteFile(path, []byte(userConfig), 0o600); err != nil {
				t.Fatal(err)
			}
			self := filepath.Join(home, "bin dir", "sentinel")
			if _, err := agenthook.Install("codex", home, self); err != nil {
				t.Fatal(err)
			}
			command := "SENTINEL_HOOK_MANAGED=1 " + agenthook.HookCommand(self, "codex")
			key := path + ":pre_tool_use:1:0"

			hooks, warnings := codexHooksList(t, exe, env, home)
			ours := findHook(hooks, command)
			if ours == nil {
				t.Fatalf("Codex does not list sentinel's hook %q; it lists %v (warnings %v)\n%s", command, hooks, warnings, readFile(path))
			}
			if ours["key"] != key || ours["sourcePath"] != path || ours["source"] != "user" ||
				ours["currentHash"] != agenthook.CodexHookTrustHash("pre_tool_use", "Bash", command, agenthook.HookTimeoutSeconds) {
				t.Errorf("Codex lists key %v, source %v %v, hash %v; sentinel wrote key %s", ours["key"], ours["source"], ours["sourcePath"], ours["currentHash"], key)
			}
			if ours["trustStatus"] != "trusted" || ours["enabled"] != true {
				t.Errorf("trustStatus %v, enabled %v: Codex would skip sentinel's hook", ours["trustStatus"], ours["enabled"])
			}
			if mine := findHook(hooks, "my-linter"); mine == nil || mine["trustStatus"] == "trusted" {
				t.Errorf("the user's hook: %v (should be listed and, as before, not trusted)", mine)
			}
			if st := agenthook.StatusOf("codex", home); !st.Installed || st.Untrusted || st.Err != nil {
				t.Errorf("status %+v", st)
			}

			// A group the user adds above sentinel's shifts its key: Codex
			// no longer trusts it, status says so, install fixes it.
			data, _ := os.ReadFile(path)
			os.WriteFile(path, []byte("[[hooks.PreToolUse]]\nmatcher = \"Read\"\nhooks = []\n\n"+string(data)), 0o600)
			hooks, _ = codexHooksList(t, exe, env, home)
			if h := findHook(hooks, command); h == nil || h["trustStatus"] == "trusted" {
				t.Errorf("after a group was added above it, Codex says %v; want listed and not trusted", h)
			}
			if st := agenthook.StatusOf("codex", home); !st.Untrusted {
				t.Errorf("status does not see the moved hook: %+v", st)
			}
			if _, err := agenthook.Install("codex", home, self); err != nil {
				t.Fatal(err)
			}
			hooks, _ = codexHooksList(t, exe, env, home)
			if h := findHook(hooks, command); h == nil || h["trustStatus"] != "trusted" || h["key"] != path+":pre_tool_use:2:0" {
				t.Errorf("after reinstall Codex says %v", h)
			}

			if _, err := agenthook.Uninstall("codex", home); err != nil {
				t.Fatal(err)
			}
			hooks, _ = codexHooksList(t, exe, env, home)
			if findHook(hooks, command) != nil || findHook(hooks, "my-linter") == nil {
				t.Errorf("after uninstall Codex lists %v", hooks)
			}
		})
	}
}

func findHook(hooks []map[string]any, command string) map[string]any {
	for _, h := range hooks {
		if h["command"] == command {
			return h
		}
	}
	return nil
}

func withoutVar(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
