package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/agenthook"
)

// hookPayload is a hook input in each agent's shape for a shell command.
func hookPayload(agent, command, cwd string) string {
	var v map[string]any
	switch agent {
	case "cursor":
		v = map[string]any{"conversation_id": "conv-7", "generation_id": "g-1", "hook_event_name": "beforeShellExecution", "command": command, "cwd": cwd}
	case "gemini":
		v = map[string]any{"session_id": "sess-7", "cwd": cwd, "hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
			"tool_input": map[string]any{"command": command, "description": "tidy the database"}}
	default:
		v = map[string]any{"session_id": "sess-7", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash",
			"tool_input": map[string]any{"command": command, "description": "tidy the database"}}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// runHook runs `sentinel hook AGENT` as an agent would: payload on stdin.
func runHook(t *testing.T, e env, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runPiped(t, e, stdin, append([]string{"hook"}, args...)...)
}

// Without a console, the hook judges alone: what sentinel would pause is
// denied with a reason the model reads; anything else is left to the
// agent's own flow.
func TestHookWithoutAConsole(t *testing.T) {
	e := newEnv(t)
	for _, agent := range []string{"claude", "codex", "gemini", "cursor"} {
		t.Run(agent, func(t *testing.T) {
			out, stderr, code := runHook(t, e, hookPayload(agent, "rm -rf /var/lib/postgresql/data", "/srv"), agent)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d stderr %q", code, stderr)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("answer %q: %v", out, err)
			}
			if !strings.Contains(out, `"deny"`) || !strings.Contains(out, "files.delete-database") || !strings.Contains(out, "No sentinel console") {
				t.Errorf("deny answer %s", out)
			}
			out, stderr, code = runHook(t, e, hookPayload(agent, "ls -la", "/srv"), agent)
			want := ""
			if agent == "cursor" {
				want = `{"permission":"allow"}` + "\n"
			}
			if code != 0 || out != want || stderr != "" {
				t.Errorf("everyday command: exit %d out %q stderr %q", code, out, stderr)
			}
		})
	}
}

// Every failure of the hook is a denial: exit 2 (which every supported
// agent takes as "block this call") and one clear line on stderr.
func TestHookFailuresDeny(t *testing.T) {
	e := newEnv(t)
	huge := hookPayload("claude", "echo "+strings.Repeat("a", 17<<20), "/srv")
	for _, c := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"malformed", `{"tool_name": "Bash", "tool_input": {"command": "ls"`, []string{"claude"}, "line 1 column 52: invalid JSON"},
		{"not an object", `"rm -rf /"`, []string{"codex"}, "not a JSON object"},
		{"empty", ``, []string{"gemini"}, "empty"},
		{"command not a string", `{"tool_name":"Bash","tool_input":{"command":{"x":1}}}`, []string{"claude"}, "tool_input.command"},
		// Without the tool's name nothing says what the call does.
		{"no tool name", `{"tool_input":{"command":"rm -rf /"}}`, []string{"claude"}, "tool_name: missing"},
		{"null tool name", `{"tool_name":null,"tool_input":{"command":"rm -rf /"}}`, []string{"codex"}, "tool_name: missing"},
		{"tool name not a string", `{"tool_name":7,"tool_input":{"command":"rm -rf /"}}`, []string{"gemini"}, "tool_name: want a string"},
		{"empty tool name", `{"tool_name":"","tool_input":{"command":"ls"}}`, []string{"claude"}, "tool_name: empty"},
		{"huge", huge, []string{"claude"}, "too large"},
		{"unknown agent", hookPayload("claude", "ls", "/"), []string{"aider"}, "want one agent"},
		{"no agent", hookPayload("claude", "ls", "/"), nil, "want one agent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runHook(t, e, c.stdin, c.args...)
			if code != 2 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "blocked") {
				t.Errorf("exit %d stderr %q", code, stderr)
			}
		})
	}
}

// A tool name sentinel does not know ("bash" is no agent's: Claude Code
// and Codex say "Bash") with a command in its input is judged like the
// shell tool's, not let through: rm -rf / is denied.
func TestHookJudgesACommandUnderAnUnknownToolName(t *testing.T) {
	e := newEnv(t)
	for _, agent := range []string{"claude", "codex", "gemini"} {
		out, stderr, code := runHook(t, e, `{"hook_event_name":"PreToolUse","tool_name":"bash","tool_input":{"command":"rm -rf /"}}`, agent)
		if code != 0 || !strings.Contains(out, `"deny"`) || !strings.Contains(out, "files.delete-root") {
			t.Errorf("%s: exit %d out %q stderr %q", agent, code, out, stderr)
		}
	}
	// A tool without a command is not judged: the agent's own flow goes on.
	out, stderr, code := runHook(t, e, `{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/etc/passwd"}}`, "claude")
	if code != 0 || out != "" || stderr != "" {
		t.Errorf("Read: exit %d out %q stderr %q", code, out, stderr)
	}
}

// A console that was holding the request and then went away (sentinel
// crashed while the operator looked): the hook denies instead of deciding
// alone. The console here is a stand-in that holds, then dies.
func TestHookDeniesWhenTheConsoleDiesMidDecision(t *testing.T) {
	e := newEnv(t)
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("TMPDIR", t.TempDir())
	dir, err := agenthook.RuntimeDir("crash")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := agenthook.Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(func(req agenthook.Request, _ agenthook.Peer, held func()) agenthook.Reply {
		held()
		go func() { time.Sleep(300 * time.Millisecond); srv.Close() }()
		time.Sleep(time.Hour)
		return agenthook.Reply{Verdict: agenthook.Allow}
	})
	e.vars = append(e.vars, agenthook.SocketEnv+"="+srv.Path)
	// An everyday command, which alone would pass: the lost console, not
	// the command, decides that it is blocked.
	out, stderr, code := runHook(t, e, hookPayload("codex", "ls -la", "/srv"), "codex")
	if code != 2 || !strings.Contains(stderr, "closed the connection before deciding") || !strings.Contains(out, `"deny"`) {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, stderr)
	}
}

// A socket nobody serves (a console that crashed before it was asked):
// the hook judges alone.
func TestHookWithADeadSocketJudgesAlone(t *testing.T) {
	e := newEnv(t)
	e.vars = append(e.vars, agenthook.SocketEnv+"="+filepath.Join(t.TempDir(), "gone.sock"))
	out, _, code := runHook(t, e, hookPayload("gemini", "rm -rf /var/lib/postgresql/data", "/srv"), "gemini")
	if code != 0 || !strings.Contains(out, `"decision":"deny"`) || !strings.Contains(out, "No sentinel console") {
		t.Fatalf("exit %d stdout %q", code, out)
	}
}

// fakeClaude acts like Claude Code around its hook: it asks with the
// payload, then runs the command only when the hook allows it, and the
// operator's edit instead when the hook rewrites it.
const fakeClaude = `cmd='rm -rf /var/lib/postgresql/data '"$2"
printf '{"session_id":"sess-42","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"%s","description":"tidy the old database"}}' "$PWD" "$cmd" > payload.json
"$1" hook claude < payload.json > answer.json; echo "hook exit $?"
cat answer.json; echo
if grep -q '"permissionDecision":"allow"' answer.json; then
  edited=$(sed -n 's/.*"updatedInput":{"command":"\([^"]*\)".*/\1/p' answer.json)
  [ -n "$edited" ] && cmd=$edited
  sh -c "$cmd"; echo "ran=$cmd"
fi
echo "agent-carries-$((1+1))"; sleep "${3:-0}"`

func TestHookThroughTheConsole(t *testing.T) {
	for _, key := range []string{"a", "e", "d"} {
		t.Run(key, func(t *testing.T) {
			e := newEnv(t)
			data := pgdata(t, e)
			other := filepath.Join(e.home, "scratch")
			os.MkdirAll(other, 0o700)
			c := startConsole(t, e, 150, 46, "run", "--", "sh", "-c", fakeClaude, "claude", bin, data, "30")
			c.waitFor("k kill the agent")
			// All at once: the console may be mid-frame at any single look.
			c.waitFor("seen by agent hook (claude)", "agent says:", "tidy the old database", "session sess-42", "files.delete-database")
			if _, err := os.Stat(data); err != nil {
				t.Fatal("the command ran while the dialog was open")
			}
			switch key {
			case "a":
				c.send("a")
				c.waitFor("agent-carries-2")
				if _, err := os.Stat(data); !os.IsNotExist(err) {
					t.Fatalf("the approved command did not run (or was held again): %v\n%s", err, c.screen())
				}
			case "e":
				c.send("e")
				c.waitFor("runs instead of the agent")
				c.send("\x15rm -rf " + other + "\r") // ctrl-u clears the agent's command first
				c.waitFor("agent-carries-2")
				if !strings.Contains(c.screen(), "ran=rm -rf "+other) {
					t.Errorf("the edit was not run:\n%s", c.screen())
				}
				if _, err := os.Stat(other); !os.IsNotExist(err) {
					t.Errorf("the operator's command did not run: %v", err)
				}
				if _, err := os.Stat(data); err != nil {
					t.Error("the agent's original command ran")
				}
			case "d":
				c.send("d")
				c.waitFor("agent-carries-2")
				if b, _ := os.ReadFile(filepath.Join(e.home, "answer.json")); !strings.Contains(string(b), `"permissionDecision":"deny"`) {
					t.Errorf("the agent was not told: %s", b)
				}
				if _, err := os.Stat(data); err != nil {
					t.Error("the denied command ran")
				}
			}
			c.cmd.Process.Signal(syscall.SIGTERM)
			c.exitCode()
			// The audit log names the agent that asked and its session.
			log, _ := os.ReadFile(filepath.Join(e.state, "sentinel", "audit.jsonl"))
			if !strings.Contains(string(log), `"agent":"claude","agent_session":"sess-42"`) || !strings.Contains(string(log), `"source":"hook"`) {
				t.Errorf("audit log lacks the agent:\n%s", log)
			}
		})
	}
}

func TestHookUnattendedDenies(t *testing.T) {
	e := newEnv(t)
	data := pgdata(t, e)
	out, stderr, code := runPiped(t, e, "", "run", "--unattended", "deny", "--", "sh", "-c", fakeClaude, "claude", bin, data)
	if code != exitBlocked {
		t.Errorf("exit %d (stderr %q)", code, stderr)
	}
	if !strings.Contains(out, `"permissionDecision":"deny"`) || !strings.Contains(out, "unattended") || !strings.Contains(stderr, "[agent hook]") {
		t.Errorf("stdout %q stderr %q", out, stderr)
	}
	if _, err := os.Stat(data); err != nil {
		t.Error("the denied command ran")
	}
}

// cursor-agent has no per-run hook setting: run warns (in the console's
// events, where the operator looks) until the hook is installed, and the
// hint line says which protections are on.
func TestCursorAgentNeedsTheInstalledHook(t *testing.T) {
	e := newEnv(t)
	binDir := filepath.Join(e.home, "bin")
	os.MkdirAll(binDir, 0o700)
	os.WriteFile(filepath.Join(binDir, "cursor-agent"), []byte("#!/bin/sh\necho cursor-here-$((40+2)); sleep 30\n"), 0o700)
	for i, v := range e.vars {
		if strings.HasPrefix(v, "PATH=") {
			e.vars[i] = "PATH=" + binDir + ":" + strings.TrimPrefix(v, "PATH=")
		}
	}
	c := startConsole(t, e, 200, 50, "run", "--", "cursor-agent")
	c.waitFor("cursor-here-42", "hooks: cursor ✗", "hook is not") // the events pane wraps the rest
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.exitCode()

	out, stderr, code := runPiped(t, e, "", "hooks", "install", "--agent", "cursor")
	if code != 0 || !strings.Contains(out, "installed in "+filepath.Join(e.home, ".cursor", "hooks.json")) {
		t.Fatalf("install: exit %d %q %q", code, out, stderr)
	}
	if out, _, _ := runPiped(t, e, "", "hooks", "install", "--agent", "cursor"); !strings.Contains(out, "already installed") {
		t.Errorf("second install: %q", out)
	}
	out, _, _ = runPiped(t, e, "", "hooks", "status")
	if !strings.Contains(out, "cursor  installed in") || !strings.Contains(out, "claude  not installed") {
		t.Errorf("status: %q", out)
	}
	c = startConsole(t, e, 200, 50, "run", "--", "cursor-agent")
	c.waitFor("cursor-here-42", "hooks: cursor ✓")
	if strings.Contains(c.screen(), "hook is not") {
		t.Errorf("still warned after install:\n%s", c.screen())
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.exitCode()

	if out, _, code := runPiped(t, e, "", "hooks", "uninstall", "--agent", "cursor"); code != 0 || !strings.Contains(out, "uninstalled") {
		t.Errorf("uninstall: %d %q", code, out)
	}
	if _, stderr, code := runPiped(t, e, "", "hooks", "install"); code != 2 || !strings.Contains(stderr, "--agent is required") {
		t.Errorf("install without agent: %d %q", code, stderr)
	}
}

// sentinel run -- claude adds the hook for that run: the program receives
// --settings with a PreToolUse hook calling this sentinel, and the user's
// own Claude settings are not touched.
func TestClaudeGetsTheHookForTheRun(t *testing.T) {
	e := newEnv(t)
	binDir := filepath.Join(e.home, "bin")
	os.MkdirAll(binDir, 0o700)
	// A stand-in claude that shows what it was given and asks its hook,
	// as the real one does, about a destructive command.
	script := `#!/bin/sh
[ "$1" = "--settings" ] || { echo "no settings: $*"; exit 1; }
hook=$(printf '%s' "$2" | sed -n 's/.*"command":"\([^"]*\)".*/\1/p' | sed 's/\\u0026/\&/g')
echo "hook=[$hook] rest=[$3 $4]"
printf '{"session_id":"s9","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf /var/lib/postgresql/data"}}' "$PWD" | sh -c "$hook" > answer.json
echo "claude-done-$((1+1))"
`
	os.WriteFile(filepath.Join(binDir, "claude"), []byte(script), 0o700)
	for i, v := range e.vars {
		if strings.HasPrefix(v, "PATH=") {
			e.vars[i] = "PATH=" + binDir + ":" + strings.TrimPrefix(v, "PATH=")
		}
	}
	out, stderr, code := runPiped(t, e, "", "run", "--unattended", "deny", "--", "claude", "-p", "hello")
	if !strings.Contains(out, "claude-done-2") || !strings.Contains(out, "hook=["+agenthook.HookCommand(bin, "claude")+"]") {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, stderr)
	}
	if !strings.Contains(out, "rest=[-p hello]") {
		t.Errorf("the operator's arguments: %q", out)
	}
	b, _ := os.ReadFile(filepath.Join(e.home, "answer.json"))
	if !strings.Contains(string(b), `"permissionDecision":"deny"`) {
		t.Errorf("the hook did not reach the console: %s (stderr %q)", b, stderr)
	}
	if code != exitBlocked {
		t.Errorf("exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(e.home, ".claude")); !os.IsNotExist(err) {
		t.Errorf("the user's Claude settings were touched: %v", err)
	}
	// The recording names the operator's command, not the settings
	// sentinel added to it.
	recs := e.recordings(t)
	if len(recs) != 1 {
		t.Fatalf("recordings %v", recs)
	}
	cast, _ := os.ReadFile(recs[0])
	if !strings.Contains(string(cast), `"start: claude -p hello"`) || strings.Contains(string(cast), "disableAllHooks") {
		t.Errorf("the recording's start marker: %s", cast)
	}
}

// A console that did not start the agent is not asked: the agent could
// point SENTINEL_HOOK_SOCKET (through its own settings) at a socket that
// answers allow. Here the socket belongs to another session's sentinel.
func TestHookRefusesAConsoleThatIsNotItsAncestor(t *testing.T) {
	e := newEnv(t)
	tmp := t.TempDir()
	e.vars = append(e.vars, "TMPDIR="+tmp, "XDG_RUNTIME_DIR=")
	other := exec.Command(bin, "run", "--headless", "--", "sleep", "20")
	other.Env, other.Dir = e.vars, e.home
	other.Stdin = strings.NewReader("")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	var sock string
	for deadline := time.Now().Add(patience); sock == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		m, _ := filepath.Glob(filepath.Join(tmp, "sentinel-*", "*", "hook.sock"))
		if len(m) == 1 {
			sock = m[0]
		}
	}
	if sock == "" {
		t.Fatal("the other session's socket never appeared")
	}
	e.vars = append(e.vars, agenthook.SocketEnv+"="+sock)
	out, stderr, code := runHook(t, e, hookPayload("claude", "ls -la", "/srv"), "claude")
	if code != 2 || !strings.Contains(stderr, "did not start this agent") || !strings.Contains(out, `"deny"`) {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, stderr)
	}
}

// hooks status prints what the agent's settings file says (the stale
// hook's command, a parse error): the agent can write that file, so it is
// shown as text, not as escape sequences for the operator's terminal.
func TestHooksStatusShowsTheSettingsAsText(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.home, ".claude")
	os.MkdirAll(dir, 0o700)
	evil := "SENTINEL_HOOK_MANAGED=1 '/gone/\x1b]52;c;ZXZpbA==\x07sentinel' hook claude"
	quoted, _ := json.Marshal(evil)
	settings := `{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":` + string(quoted) + `}]}]}}`
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(e.home, ".gemini")
	os.MkdirAll(broken, 0o700)
	os.WriteFile(filepath.Join(broken, "settings.json"), []byte("{\"x\": \"\x1b[2J\x1b]0;pwned\x07"), 0o600)
	out, stderr, _ := runPiped(t, e, "", "hooks", "status")
	if strings.ContainsAny(out+stderr, "\x1b\x07") {
		t.Fatalf("raw escape sequences in hooks status:\n%q\n%q", out, stderr)
	}
	if !strings.Contains(out, "its sentinel is gone") || !strings.Contains(out, "ZXZpbA==") {
		t.Errorf("status does not show the stale command as text: %q", out)
	}
}
