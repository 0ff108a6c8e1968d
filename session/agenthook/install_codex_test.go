package agenthook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// codexHome gives the test a HOME and, when withCodexHome, a CODEX_HOME
// reached through a symlink (Codex names the file by the resolved path).
// It returns HOME and the config file as Codex names it.
func codexHome(t *testing.T, withCodexHome bool) (home, path string) {
	home = t.TempDir()
	t.Setenv("HOME", home)
	if !withCodexHome {
		t.Setenv("CODEX_HOME", "")
		return home, filepath.Join(home, ".codex", "config.toml")
	}
	real := filepath.Join(home, "dotfiles", "codex")
	if err := os.MkdirAll(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(home, "codex-home")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CODEX_HOME", link)
	resolved, err := filepath.EvalSymlinks(real)
	if err != nil {
		t.Fatal(err)
	}
	return home, filepath.Join(resolved, "config.toml")
}

// codexHookOf reads back what Codex would: the command of the hook at
// group, and the trust state of key.
func codexHookOf(t *testing.T, data []byte, group int, key string) (command, hash string, enabled bool) {
	t.Helper()
	var v struct {
		Hooks struct {
			PreToolUse []struct {
				Matcher string
				Hooks   []struct {
					Type    string
					Command string
					Timeout int
				}
			}
			State map[string]struct {
				TrustedHash string `toml:"trusted_hash"`
				Enabled     bool
			}
		}
	}
	if err := toml.Unmarshal(data, &v); err != nil {
		t.Fatalf("not TOML: %v\n%s", err, data)
	}
	g := v.Hooks.PreToolUse
	if group >= len(g) || g[group].Matcher != "Bash" || len(g[group].Hooks) != 1 {
		t.Fatalf("no Bash group at %d:\n%s", group, data)
	}
	h := g[group].Hooks[0]
	if h.Type != "command" || h.Timeout != HookTimeoutSeconds {
		t.Errorf("hook %+v", h)
	}
	s, ok := v.Hooks.State[key]
	if !ok {
		t.Fatalf("no state for %q:\n%s", key, data)
	}
	return h.Command, s.TrustedHash, s.Enabled
}

func TestCodexInstallIntoNoFile(t *testing.T) {
	home, path := codexHome(t, false)
	ch, err := Install("codex", home, self)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Path != path || !ch.Changed || ch.Backup != "" {
		t.Fatalf("%+v", ch)
	}
	data, _ := os.ReadFile(path)
	cmd := managedTag + `'/opt/sentinel dir/bin/sentinel' hook codex`
	key := path + ":pre_tool_use:0:0"
	got, hash, enabled := codexHookOf(t, data, 0, key)
	if got != cmd || hash != CodexHookTrustHash("pre_tool_use", "Bash", cmd, HookTimeoutSeconds) || !enabled {
		t.Errorf("command %q hash %s enabled %v", got, hash, enabled)
	}
	if !strings.HasPrefix(string(data), codexBlockBegin+"\n") || !strings.HasSuffix(string(data), "\n"+codexBlockEnd+"\n") {
		t.Errorf("not one marked block:\n%s", data)
	}
	if strings.Contains(string(data), "[features]") {
		t.Errorf("a [features] table was added (hooks are on by default):\n%s", data)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	st := StatusOf("codex", home)
	if !st.Installed || !st.Stale || st.Untrusted || st.Err != nil || st.Path != path || st.Command != cmd {
		t.Errorf("status %+v", st)
	}
	ch, err = Uninstall("codex", home)
	if err != nil || !ch.Changed {
		t.Fatalf("uninstall %+v %v", ch, err)
	}
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("left behind:\n%s", data)
	}
}

const codexUserConfig = `# my Codex settings
model = "gpt-5" # the big one
approval_policy = "on-request"

[features]
hooks = true      # yes, hooks
memories = false

[[hooks.PreToolUse]]
matcher = "Edit"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "my-linter --strict"

[hooks.state."/somewhere/else/config.toml:pre_tool_use:0:0"]
trusted_hash = "sha256:abc"

[projects."/src/app"]
trust_level = "trusted"

[[hooks.PreToolUse]]   # an empty group still counts
hooks = []

[mcp_servers.docs]
command = "docs-mcp"
args = ["--port", "1"]
# trailing comment`

func TestCodexInstallKeepsTheUsersTextAndIsReversible(t *testing.T) {
	home, path := codexHome(t, true)
	os.WriteFile(path, []byte(codexUserConfig), 0o640)

	ch, err := Install("codex", home, self)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Path != path || !ch.Changed || ch.Backup == "" {
		t.Fatalf("%+v", ch)
	}
	if b, _ := os.ReadFile(ch.Backup); string(b) != codexUserConfig {
		t.Errorf("backup differs from the original:\n%s", b)
	}
	after, _ := os.ReadFile(path)
	// The user's text is kept byte for byte; the block follows it (a
	// newline added as the file had none at its end).
	if !strings.HasPrefix(string(after), codexUserConfig+"\n"+codexBlockBegin+"\n") || !strings.HasSuffix(string(after), codexBlockEnd+"\n") {
		t.Fatalf("the user's text was changed or the block is not at the end:\n%s", after)
	}
	cmd, _, _ := codexHookOf(t, after, 2, path+":pre_tool_use:2:0")
	if !strings.HasSuffix(cmd, "hook codex") {
		t.Errorf("command %q", cmd)
	}
	if strings.Count(string(after), "[features]") != 1 {
		t.Errorf("a second [features] table:\n%s", after)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	if st := StatusOf("codex", home); !st.Installed || st.Untrusted || st.Err != nil {
		t.Errorf("status %+v", st)
	}

	ch, err = Install("codex", home, self)
	if err != nil || ch.Changed || ch.Backup != "" {
		t.Fatalf("second install changed something: %+v %v", ch, err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(after) {
		t.Error("second install rewrote the file")
	}

	// Another sentinel replaces the block in place.
	if _, err := Install("codex", home, "/usr/bin/sentinel"); err != nil {
		t.Fatal(err)
	}
	moved, _ := os.ReadFile(path)
	cmd, hash, _ := codexHookOf(t, moved, 2, path+":pre_tool_use:2:0")
	if cmd != managedTag+"/usr/bin/sentinel hook codex" || hash != CodexHookTrustHash("pre_tool_use", "Bash", cmd, HookTimeoutSeconds) ||
		strings.Count(string(moved), codexBlockBegin) != 1 || strings.Count(string(moved), "SENTINEL_HOOK_MANAGED") != 1 {
		t.Errorf("reinstall with another path:\n%s", moved)
	}

	ch, err = Uninstall("codex", home)
	if err != nil || !ch.Changed || ch.Backup == "" {
		t.Fatalf("uninstall: %+v %v", ch, err)
	}
	if gone, _ := os.ReadFile(path); string(gone) != codexUserConfig+"\n" {
		t.Errorf("uninstall did not restore the user's text:\n%s", gone)
	}
	if st := StatusOf("codex", home); st.Installed || st.Err != nil {
		t.Errorf("still installed: %+v", st)
	}
	if ch, err := Uninstall("codex", home); ch.Changed || err != nil {
		t.Errorf("a second uninstall: %+v %v", ch, err)
	}
}

// Codex adds tables at the end of the file, which is inside sentinel's
// block (before its end marker), as `codex features enable` and `codex mcp
// add` do: they are the user's and stay.
func TestCodexTablesAddedInsideTheBlockAreKept(t *testing.T) {
	home, path := codexHome(t, false)
	if _, err := Install("codex", home, self); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	added := "\n[features]\nmemories = true\n\n[mcp_servers.foo]\ncommand = \"/bin/true\"\n"
	edited := strings.Replace(string(data), codexBlockEnd, strings.TrimPrefix(added, "\n")+codexBlockEnd, 1)
	edited = strings.Replace(edited, "enabled = true\n", "enabled = true\n\n", 1)
	os.WriteFile(path, []byte(edited), 0o600)

	if st := StatusOf("codex", home); !st.Installed || st.Untrusted || st.Err != nil {
		t.Fatalf("status %+v", st)
	}
	// Install puts the end marker back before them.
	ch, err := Install("codex", home, self)
	if err != nil || !ch.Changed {
		t.Fatalf("%+v %v", ch, err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(data)+added {
		t.Errorf("after install:\n%s", b)
	}
	os.WriteFile(path, []byte(edited), 0o600)
	if _, err := Uninstall("codex", home); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != added {
		t.Errorf("uninstall did not keep what Codex added:\n%q", b)
	}
}

// A group the user adds before sentinel's moves it: Codex then gives it
// another key, the trust no longer applies, and Codex skips the hook.
func TestCodexStatusSeesAMovedHookAndInstallFixesIt(t *testing.T) {
	home, path := codexHome(t, false)
	if _, err := Install("codex", home, self); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	group := "[[hooks.PreToolUse]]\nmatcher = \"Edit\"\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"lint\"\n\n"
	os.WriteFile(path, []byte(group+string(data)), 0o600)
	if st := StatusOf("codex", home); !st.Installed || !st.Untrusted {
		t.Fatalf("status %+v, want untrusted", st)
	}
	if _, err := Install("codex", home, self); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	codexHookOf(t, after, 1, path+":pre_tool_use:1:0")
	if !strings.HasPrefix(string(after), group) {
		t.Errorf("the user's group changed:\n%s", after)
	}
	if st := StatusOf("codex", home); !st.Installed || st.Untrusted {
		t.Errorf("status %+v", st)
	}
	// The command changed by hand: its hash no longer matches it.
	os.WriteFile(path, []byte(strings.Replace(string(after), "hook codex", "hook  codex", 1)), 0o600)
	if st := StatusOf("codex", home); !st.Installed || !st.Untrusted || st.Err != nil {
		t.Errorf("status of an edited command: %+v", st)
	}
	if _, err := Install("codex", home, self); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(after) {
		t.Errorf("install did not restore the command:\n%s", b)
	}
}

func TestCodexInstallRefuses(t *testing.T) {
	home, path := codexHome(t, false)
	key := path + ":pre_tool_use:0:0"
	block := func() string {
		cmd := managedTag + HookCommand(self, "codex")
		return codexBlockBody(cmd, key, CodexHookTrustHash("pre_tool_use", "Bash", cmd, HookTimeoutSeconds)) + codexBlockEnd + "\n"
	}
	cases := []struct{ name, file, want string }{
		{"broken", "model = \"x\"\n[hooks\n", path + ":2:"},
		{"inline hooks", "hooks = { PreToolUse = [] }\n", path + ":1: hooks is written inline"},
		{"inline groups", "[hooks]\nPreToolUse = [{ matcher = \"Edit\", hooks = [] }]\n", path + ":2: hooks.PreToolUse is written inline"},
		{"dotted groups", "hooks.PreToolUse = []\n", path + ":1: hooks.PreToolUse is written inline"},
		{"inline state", "[hooks]\nstate = {}\n", path + ":2: hooks.state is written inline"},
		{"groups as a table", "[hooks.PreToolUse]\nmatcher = \"x\"\n", path + ":1: [hooks.PreToolUse] is a table"},
		{"hooks off", "model = \"x\"\n[features]\nhooks = false\n", path + ":3: [features] hooks = false"},
		{"hooks not a bool", "features.hooks = \"yes\"\n", path + `:1: features.hooks must be true or false, not "yes"`},
		{"state taken", "[hooks.state.\"" + key + "\"]\nenabled = false\n", "already has [hooks.state.\"" + key + "\"]"},
		{"two blocks", block() + block(), "are not one pair (begin at lines 1, 14"},
		{"no end", strings.TrimSuffix(block(), codexBlockEnd+"\n"), "are not one pair"},
		{"block edited", strings.Replace(block(), "enabled = true", "enabled = false", 1), path + ":1: sentinel's block (lines 1-13) is not as sentinel wrote it"},
		{"key added to the block", strings.Replace(block(), codexBlockEnd, "oops = 1\n"+codexBlockEnd, 1), "is not as sentinel wrote it"},
	}
	for _, c := range cases {
		os.RemoveAll(filepath.Dir(path))
		os.MkdirAll(filepath.Dir(path), 0o700)
		os.WriteFile(path, []byte(c.file), 0o600)
		_, err := Install("codex", home, self)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", c.name, err, c.want)
		}
		if b, _ := os.ReadFile(path); string(b) != c.file {
			t.Errorf("%s: the file was changed:\n%s", c.name, b)
		}
		if m, _ := filepath.Glob(path + ".sentinel-backup-*"); len(m) != 0 {
			t.Errorf("%s: backup made of a file left alone", c.name)
		}
	}
	t.Setenv("CODEX_HOME", filepath.Join(home, "nonexistent"))
	if _, err := Install("codex", home, self); err == nil || !strings.Contains(err.Error(), "CODEX_HOME="+filepath.Join(home, "nonexistent")) {
		t.Errorf("missing CODEX_HOME: %v", err)
	}
}

// A config.toml that is a symlink (a dotfiles manager's) stays one.
func TestCodexInstallWritesThroughASymlinkedFile(t *testing.T) {
	home, path := codexHome(t, false)
	os.MkdirAll(filepath.Dir(path), 0o700)
	target := filepath.Join(home, "dotfiles.toml")
	os.WriteFile(target, []byte("model = \"x\"\n"), 0o600)
	os.Symlink(target, path)
	if _, err := Install("codex", home, self); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v", err)
	}
	b, _ := os.ReadFile(target)
	codexHookOf(t, b, 0, path+":pre_tool_use:0:0")
}
