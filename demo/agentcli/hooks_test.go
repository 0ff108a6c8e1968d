package agentcli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/sentinel-console/sentinel/session/agenthook"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// appServerHooks starts `codex app-server` with extra -c arguments in a
// temporary CODEX_HOME and returns what hooks/list reports.
func appServerHooks(t *testing.T, exe string, args ...string) []map[string]any {
	t.Helper()
	home := t.TempDir()
	r := Run{Agent: Codex, BaseURL: "http://127.0.0.1:9", Home: home, Dir: home, Prompt: "x"}
	if err := Prepare(r); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, append([]string{"app-server"}, args...)...)
	cmd.Dir = home
	cmd.Env = Env(r)
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
	for _, m := range []string{
		`{"id":1,"method":"initialize","params":{"clientInfo":{"name":"sentinel-test","version":"0"}}}`,
		`{"method":"initialized"}`,
		`{"id":2,"method":"hooks/list","params":{}}`,
	} {
		if _, err := fmt.Fprintln(stdin, m); err != nil {
			t.Fatal(err)
		}
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var msg struct {
			ID     int `json:"id"`
			Result struct {
				Data []struct {
					Hooks []map[string]any `json:"hooks"`
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
		var hooks []map[string]any
		for _, d := range msg.Result.Data {
			hooks = append(hooks, d.Hooks...)
		}
		return hooks
	}
	scanErr := sc.Err()
	stdin.Close()
	_ = cmd.Wait()
	t.Fatalf("codex app-server ended without answering hooks/list: %v\n%s", scanErr, stderr.String())
	return nil
}

func TestCodexHookTrustHashMatchesAppServer(t *testing.T) {
	exe, err := Locate(Codex)
	if err != nil {
		t.Skip(err)
	}
	commands := []string{
		"/usr/local/bin/sentinel hook codex",
		`'/opt/my tools/sentinel' hook codex --socket "/run/user/1000/sentinel.sock"`,
		"printf 'a\\tb' <in >out && echo é ✓ \u2028 & back\\slash",
		"multi\nline\ttab",
	}
	// The key Codex gives the first hook defined with -c.
	const codexSessionHookKey = "/<session-flags>/config.toml:pre_tool_use:0:0"
	for _, command := range commands {
		for _, timeout := range []int{1, 600, agenthook.HookTimeoutSeconds} {
			args := agenthook.CodexHookArgs(command, timeout)
			hooks := appServerHooks(t, exe, args...)
			if len(hooks) != 1 {
				t.Fatalf("app-server lists %d hooks for %q, want 1: %v", len(hooks), command, hooks)
			}
			h := hooks[0]
			want := agenthook.CodexHookTrustHash("pre_tool_use", "Bash", command, timeout)
			if h["currentHash"] != want || h["key"] != codexSessionHookKey || h["command"] != command {
				t.Errorf("command %q timeout %d: app-server says key %v hash %v command %q; we compute key %s hash %s",
					command, timeout, h["key"], h["currentHash"], h["command"], codexSessionHookKey, want)
			}
			if h["trustStatus"] != "trusted" || h["enabled"] != true {
				t.Errorf("command %q: trustStatus %v, enabled %v; want trusted and enabled", command, h["trustStatus"], h["enabled"])
			}
		}
		if testing.Short() {
			break
		}
	}
	// Without the state entry the same hook is listed but not trusted, so
	// Codex would skip it: the hash is what makes the injection work.
	args := agenthook.CodexHookArgs("/usr/local/bin/sentinel hook codex", 600)
	untrusted := strings.Replace(args[3], "trusted_hash=", "trusted_hash_x=", 1)
	hooks := appServerHooks(t, exe, args[0], args[1], args[2], untrusted)
	if len(hooks) != 1 || hooks[0]["trustStatus"] == "trusted" {
		t.Errorf("hook without its trusted hash: %v, want listed and not trusted", hooks)
	}
}
