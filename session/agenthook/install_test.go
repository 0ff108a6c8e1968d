package agenthook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const self = "/opt/sentinel dir/bin/sentinel"

func TestInstallIsIdempotentAndKeepsTheUsersSettings(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".claude", "settings.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	user := `{
  "model": "opus",
  "permissions": {"allow": ["Bash(ls:*)"]},
  "hooks": {
    "PreToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "my-linter"}]}],
    "Stop": [{"hooks": [{"type": "command", "command": "notify"}]}]
  },
  "env": {"A": "1"}
}`
	os.WriteFile(path, []byte(user), 0o640)

	ch, err := Install("claude", home, self)
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Changed || ch.Backup == "" {
		t.Fatalf("first install: %+v", ch)
	}
	if b, _ := os.ReadFile(ch.Backup); string(b) != user {
		t.Errorf("backup differs from the original:\n%s", b)
	}
	after, _ := os.ReadFile(path)
	var doc map[string]any
	if err := json.Unmarshal(after, &doc); err != nil {
		t.Fatalf("not JSON after install: %v\n%s", err, after)
	}
	// The user's keys stay, in their order.
	order := []string{`"model"`, `"permissions"`, `"hooks"`, `"env"`}
	last := -1
	for _, k := range order {
		i := strings.Index(string(after), k)
		if i < last {
			t.Errorf("key order changed:\n%s", after)
		}
		last = i
	}
	pre := doc["hooks"].(map[string]any)["PreToolUse"].([]any)
	if len(pre) != 2 || !strings.Contains(string(after), "my-linter") || !strings.Contains(string(after), `"notify"`) {
		t.Fatalf("the user's hooks were not kept:\n%s", after)
	}
	ours := pre[1].(map[string]any)
	h := ours["hooks"].([]any)[0].(map[string]any)
	if ours["matcher"] != "Bash" || h["command"] != managedTag+`'/opt/sentinel dir/bin/sentinel' hook claude` {
		t.Errorf("entry %v", ours)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	if st := StatusOf("claude", home); !st.Installed || !st.Stale {
		t.Errorf("status %+v (the sentinel path does not exist: stale)", st)
	}

	ch, err = Install("claude", home, self)
	if err != nil || ch.Changed || ch.Backup != "" {
		t.Fatalf("second install changed something: %+v %v", ch, err)
	}
	again, _ := os.ReadFile(path)
	if string(again) != string(after) {
		t.Error("second install rewrote the file")
	}
	// A new sentinel path replaces the old entry instead of adding one.
	if _, err := Install("claude", home, "/usr/bin/sentinel"); err != nil {
		t.Fatal(err)
	}
	moved, _ := os.ReadFile(path)
	if strings.Count(string(moved), "SENTINEL_HOOK_MANAGED") != 1 || !strings.Contains(string(moved), "/usr/bin/sentinel") {
		t.Errorf("reinstall with another path:\n%s", moved)
	}

	ch, err = Uninstall("claude", home)
	if err != nil || !ch.Changed {
		t.Fatalf("uninstall: %+v %v", ch, err)
	}
	gone, _ := os.ReadFile(path)
	if strings.Contains(string(gone), "SENTINEL") || !strings.Contains(string(gone), "my-linter") || !strings.Contains(string(gone), `"opus"`) {
		t.Errorf("uninstall removed the wrong things:\n%s", gone)
	}
	if st := StatusOf("claude", home); st.Installed {
		t.Errorf("still installed: %+v", st)
	}
	if ch, _ := Uninstall("claude", home); ch.Changed {
		t.Error("a second uninstall changed something")
	}
}

func TestInstallIntoNoFile(t *testing.T) {
	for _, agent := range []string{"gemini", "cursor"} {
		home := t.TempDir()
		ch, err := Install(agent, home, self)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Backup != "" {
			t.Errorf("%s: backup of a file that did not exist", agent)
		}
		b, _ := os.ReadFile(ch.Path)
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v\n%s", agent, err, b)
		}
		switch agent {
		case "gemini":
			e := doc["hooks"].(map[string]any)["BeforeTool"].([]any)[0].(map[string]any)
			if e["matcher"] != "run_shell_command" || e["hooks"].([]any)[0].(map[string]any)["timeout"] != float64(HookTimeoutSeconds*1000) {
				t.Errorf("gemini entry %v", e)
			}
		case "cursor":
			e := doc["hooks"].(map[string]any)["beforeShellExecution"].([]any)[0].(map[string]any)
			if doc["version"] != float64(1) || e["failClosed"] != true || !strings.HasSuffix(e["command"].(string), "hook cursor") {
				t.Errorf("cursor file %s", b)
			}
		}
		if st := StatusOf(agent, home); !st.Installed {
			t.Errorf("%s: status %+v", agent, st)
		}
		if _, err := Uninstall(agent, home); err != nil {
			t.Fatal(err)
		}
		b, _ = os.ReadFile(ch.Path)
		if strings.Contains(string(b), "hooks") {
			t.Errorf("%s: empty hooks left behind: %s", agent, b)
		}
	}
}

func TestInstallRefusesABrokenFile(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".claude", "settings.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("{\n  \"model\": \"opus\",\n  \"hooks\": [\n"), 0o600)
	_, err := Install("claude", home, self)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line ") {
		t.Fatalf("broken file: %v", err)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "[\n") {
		t.Error("a broken file was rewritten")
	}
	for _, doc := range []string{`{"hooks": ["not an object"]}`, `{"hooks": {"PreToolUse": {"matcher": "Bash"}}}`} {
		os.WriteFile(path, []byte(doc), 0o600)
		if _, err := Install("claude", home, self); err == nil || !strings.Contains(err.Error(), "is not") {
			t.Errorf("%s: %v", doc, err)
		}
		if b, _ := os.ReadFile(path); string(b) != doc {
			t.Errorf("%s was rewritten", doc)
		}
	}
}

func TestInjectClaude(t *testing.T) {
	inj, err := Inject([]string{"/usr/local/bin/claude", "-p", "hello", "--model", "opus"}, []string{"HOME=/h"}, self, t.TempDir())
	if err != nil || !inj.Active || inj.Agent != "claude" {
		t.Fatalf("%+v %v", inj, err)
	}
	if inj.Argv[0] != "/usr/local/bin/claude" || inj.Argv[1] != "--settings" || strings.Join(inj.Argv[3:], " ") != "-p hello --model opus" {
		t.Fatalf("argv %q", inj.Argv)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(inj.Argv[2]), &s); err != nil {
		t.Fatal(err)
	}
	h := s["hooks"].(map[string]any)["PreToolUse"].([]any)[0].(map[string]any)["hooks"].([]any)[0].(map[string]any)
	if h["command"] != `'/opt/sentinel dir/bin/sentinel' hook claude` || h["timeout"] != float64(HookTimeoutSeconds) || s["disableAllHooks"] != false {
		t.Errorf("hook %v", h)
	}

	// The operator's own --settings (a file) is merged, not replaced.
	dir := t.TempDir()
	f := filepath.Join(dir, "s.json")
	os.WriteFile(f, []byte(`{"model":"haiku","hooks":{"PreToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"lint"}]}]}}`), 0o600)
	inj, err = Inject([]string{"claude", "--settings", f, "-p", "x"}, nil, self, dir)
	if err != nil || !inj.Active {
		t.Fatal(inj, err)
	}
	if strings.Count(strings.Join(inj.Argv, " "), "--settings") != 1 || !strings.Contains(inj.Argv[2], `"haiku"`) ||
		!strings.Contains(inj.Argv[2], `"lint"`) || !strings.Contains(inj.Argv[2], "hook claude") {
		t.Errorf("merged argv %q", inj.Argv)
	}
	// One that cannot be read leaves the command as it was, with a warning.
	inj, _ = Inject([]string{"claude", "--settings=/nonexistent.json"}, nil, self, dir)
	if inj.Active || inj.Warning == "" || inj.Argv[1] != "--settings=/nonexistent.json" {
		t.Errorf("unreadable settings: %+v", inj)
	}
}

// rootTempDir is a temporary directory that belongs to root with no parent
// anyone else can write to, as Gemini demands of a system settings file's
// location (the usual /tmp is world-writable). Under root's cache
// directory: these tests run as root, as CI does.
func rootTempDir(t *testing.T) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err == nil {
		err = os.MkdirAll(base, 0o700)
	}
	if err != nil {
		t.Fatalf("no cache directory: %v", err)
	}
	dir, err := os.MkdirTemp(base, "sentinel-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func envValue(t *testing.T, env []string, key string) string {
	t.Helper()
	v, n := "", 0
	for _, kv := range env {
		if x, ok := strings.CutPrefix(kv, key+"="); ok {
			v, n = x, n+1
		}
	}
	if n > 1 {
		t.Errorf("%s is set %d times", key, n)
	}
	return v
}

func readSettingsFile(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !strings.Contains(string(b), "run_shell_command") || !strings.Contains(string(b), "hook gemini") {
		t.Errorf("no hook in %s", b)
	}
	if s["hooksConfig"].(map[string]any)["enabled"] != true {
		t.Errorf("hooks not forced on: %s", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("settings mode %v", st.Mode().Perm())
	}
	return s
}

// As root, Gemini gets a system settings file, which outranks a project's
// settings (the agent could write one that switches hooks off).
func TestInjectGeminiAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test needs root (CI runs as root): the system settings path is root's only")
	}
	root := rootTempDir(t)
	sys := filepath.Join(root, "system.json")
	os.WriteFile(sys, []byte("{\n  // managed by IT\n  \"telemetry\": {\"enabled\": false},\n  \"url\": \"http://x//y\",\n  \"hooksConfig\": {\"enabled\": false, \"x\": 1}\n}"), 0o600)
	dir := filepath.Join(root, "run", "s1")
	inj, err := Inject([]string{"gemini", "-p", "hi"}, []string{"HOME=/h", "GEMINI_CLI_SYSTEM_SETTINGS_PATH=" + sys}, self, dir)
	if err != nil || !inj.Active {
		t.Fatalf("%+v %v", inj, err)
	}
	if strings.Join(inj.Argv, " ") != "gemini -p hi" {
		t.Errorf("argv changed: %q", inj.Argv)
	}
	path := envValue(t, inj.Env, "GEMINI_CLI_SYSTEM_SETTINGS_PATH")
	if filepath.Dir(path) != dir {
		t.Fatalf("settings at %q", path)
	}
	s := readSettingsFile(t, path)
	if s["telemetry"] == nil || s["url"] != "http://x//y" || s["hooksConfig"].(map[string]any)["x"] != float64(1) {
		t.Errorf("system settings not merged: %v", s)
	}
	if envValue(t, inj.Env, "GEMINI_CLI_HOME") != "" {
		t.Error("both ways at once")
	}
}

// Elsewhere (or as root under a directory others can write), Gemini gets a
// home of its own for the run: the user's settings plus the hook, and the
// user's other files (credentials, history) linked.
func TestInjectGeminiThroughItsHome(t *testing.T) {
	home := t.TempDir()
	user := filepath.Join(home, ".gemini")
	os.MkdirAll(filepath.Join(user, "tmp"), 0o700)
	os.WriteFile(filepath.Join(user, "settings.json"), []byte(`{"security":{"auth":{"selectedType":"gemini-api-key"}},"hooks":{"BeforeTool":[{"matcher":"write_file","hooks":[{"type":"command","command":"lint"}]}]}}`), 0o600)
	os.WriteFile(filepath.Join(user, "oauth_creds.json"), []byte(`{"token":"t"}`), 0o600)
	dir := filepath.Join(t.TempDir(), "run", "s2") // under /tmp: not root's alone
	inj, err := Inject([]string{"gemini"}, []string{"HOME=" + home}, self, dir)
	if err != nil || !inj.Active {
		t.Fatalf("%+v %v", inj, err)
	}
	gh := envValue(t, inj.Env, "GEMINI_CLI_HOME")
	if filepath.Dir(gh) != dir {
		t.Fatalf("GEMINI_CLI_HOME=%q", gh)
	}
	s := readSettingsFile(t, filepath.Join(gh, ".gemini", "settings.json"))
	if s["security"] == nil || len(s["hooks"].(map[string]any)["BeforeTool"].([]any)) != 2 {
		t.Errorf("the user's settings were not kept: %v", s)
	}
	if b, err := os.ReadFile(filepath.Join(gh, ".gemini", "oauth_creds.json")); err != nil || string(b) != `{"token":"t"}` {
		t.Errorf("credentials not reachable: %q %v", b, err)
	}
	if st, err := os.Lstat(filepath.Join(gh, ".gemini", "tmp")); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("history directory not linked: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(user, "settings.json")); strings.Contains(string(b), "sentinel") {
		t.Error("the user's own settings were changed")
	}

	// A settings file that cannot be read leaves the command as it was.
	os.WriteFile(filepath.Join(user, "settings.json"), []byte(`{"hooks": [`), 0o600)
	inj, _ = Inject([]string{"gemini"}, []string{"HOME=" + home}, self, filepath.Join(t.TempDir(), "s3"))
	if inj.Active || !strings.Contains(inj.Warning, "settings.json") || envValue(t, inj.Env, "GEMINI_CLI_HOME") != "" {
		t.Errorf("broken settings: %+v", inj)
	}
}

func TestInjectCodex(t *testing.T) {
	inj, err := Inject([]string{"codex", "exec", "--skip-git-repo-check", "fix it"}, nil, self, t.TempDir())
	if err != nil || !inj.Active {
		t.Fatalf("%+v %v", inj, err)
	}
	a := inj.Argv
	if len(a) != 8 || a[0] != "codex" || a[1] != "-c" || a[2] != "features.hooks=true" || a[3] != "-c" || strings.Join(a[5:], " ") != "exec --skip-git-repo-check fix it" {
		t.Fatalf("argv %q", a)
	}
	hook := HookCommand(self, "codex")
	for _, want := range []string{
		`matcher="Bash"`, `command="'/opt/sentinel dir/bin/sentinel' hook codex"`, "timeout=86400",
		`"/<session-flags>/config.toml:pre_tool_use:0:0"={trusted_hash="` + CodexHookTrustHash("pre_tool_use", "Bash", hook, HookTimeoutSeconds) + `",enabled=true}`,
	} {
		if !strings.Contains(a[4], want) {
			t.Errorf("-c %s lacks %s", a[4], want)
		}
	}
}

// Hashes reported by `codex app-server` 0.169.0 (hooks/list, currentHash)
// for PreToolUse hooks on "Bash", recorded so the recipe is checked where
// Codex is not installed; demo/agentcli re-checks it against the real one.
func TestCodexHookTrustHashRecorded(t *testing.T) {
	cases := []struct {
		command string
		timeout int
		want    string
	}{
		{"/work/agents-tmp/hooks/capture.sh codex-PreToolUse", 86400,
			"sha256:354c120db3ff92e26548adc8f0d5bee43e2c72ada11dfd868061241afb43c01f"},
	}
	for _, c := range cases {
		if got := CodexHookTrustHash("pre_tool_use", "Bash", c.command, c.timeout); got != c.want {
			t.Errorf("CodexHookTrustHash(%q, %d) = %s, want %s", c.command, c.timeout, got, c.want)
		}
	}
}

func TestSerdeString(t *testing.T) {
	cases := map[string]string{
		"plain":            `"plain"`,
		`q"b\`:             `"q\"b\\"`,
		"nl\ntab\tcr\r":    `"nl\ntab\tcr\r"`,
		"\b\f\x01\x1f\x7f": `"\b\f\u0001\u001f` + "\x7f" + `"`,
		"<a&b> é \u2028 ✓": "\"<a&b> é \u2028 ✓\"",
	}
	for in, want := range cases {
		if got := serdeString(in); got != want {
			t.Errorf("serdeString(%q) = %s, want %s", in, got, want)
		}
	}
	if got, want := tomlString("a\"b\\c\nd\x01é"), `"a\"b\\c\nd\u0001é"`; got != want {
		t.Errorf("tomlString = %s, want %s", got, want)
	}
}

func TestInjectLeavesOtherCommandsAlone(t *testing.T) {
	argv := []string{"bash", "-l"}
	inj, err := Inject(argv, []string{"A=1"}, self, t.TempDir())
	if err != nil || inj.Active || inj.Agent != "" || strings.Join(inj.Argv, " ") != "bash -l" || len(inj.Env) != 1 {
		t.Fatalf("%+v %v", inj, err)
	}
}

func TestInjectCursorWarnsWithoutInstall(t *testing.T) {
	home := t.TempDir()
	inj, _ := Inject([]string{"cursor-agent"}, []string{"HOME=" + home}, self, t.TempDir())
	if inj.Active || !strings.Contains(inj.Warning, "sentinel hooks install --agent cursor") {
		t.Fatalf("%+v", inj)
	}
	if _, err := Install("cursor", home, self); err != nil {
		t.Fatal(err)
	}
	inj, _ = Inject([]string{"cursor-agent"}, []string{"HOME=" + home}, self, t.TempDir())
	if !inj.Active || inj.Warning != "" {
		t.Fatalf("installed: %+v", inj)
	}
}
