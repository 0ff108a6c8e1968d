package agenthook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// payloads are the hook inputs in testdata, one per agent, as each agent
// sent them for its shell tool: captured from Claude Code 2.1.197, Codex
// 0.169.0 and Gemini CLI 0.61.0 pointed at demo/fakemodel; Cursor's is
// built from its documentation (it cannot be installed here).
var payloads = map[string]string{
	"claude": "claude-PreToolUse.json",
	"codex":  "codex-PreToolUse.json",
	"gemini": "gemini-BeforeTool.json",
	"cursor": "cursor-beforeShellExecution.json",
}

func load(t *testing.T, agent string) *Payload {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", payloads[agent]))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(agent, data)
	if err != nil {
		t.Fatalf("%s: %v", agent, err)
	}
	return p
}

func TestParseReadsEveryAgentsShellCall(t *testing.T) {
	for _, agent := range Agents {
		t.Run(agent, func(t *testing.T) {
			p := load(t, agent)
			if !p.Shell {
				t.Fatal("not recognised as a shell command")
			}
			if !strings.Contains(p.Command, "volumeDelete") || !strings.HasPrefix(p.Command, "curl ") {
				t.Errorf("command %q", p.Command)
			}
			if !strings.HasPrefix(p.Cwd, "/") {
				t.Errorf("cwd %q", p.Cwd)
			}
			if p.AgentSession == "" {
				t.Error("no agent session id")
			}
			if p.Agent != agent || p.CanRewrite != (agent != "cursor") {
				t.Errorf("agent %q can rewrite %v", p.Agent, p.CanRewrite)
			}
			if (agent == "claude" || agent == "gemini") && p.Description != "Run the requested command" {
				t.Errorf("description %q", p.Description)
			}
		})
	}
}

func TestParseOtherToolsAreNotJudged(t *testing.T) {
	p, err := Parse("claude", []byte(`{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/etc/passwd"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Shell || p.Command != "" {
		t.Fatalf("Read judged as a shell command: %+v", p)
	}
}

// A call without the tool's name (missing, null, not a string, empty) is
// malformed: an error, which the hook turns into a denial.
func TestParseNeedsTheToolName(t *testing.T) {
	for _, agent := range []string{"claude", "codex", "gemini"} {
		for _, in := range []string{
			`{"tool_input":{"command":"rm -rf /"}}`,
			`{"tool_name":null,"tool_input":{"command":"rm -rf /"}}`,
			`{"tool_name":["Bash"],"tool_input":{"command":"rm -rf /"}}`,
			`{"tool_name":" ","tool_input":{"command":"rm -rf /"}}`,
		} {
			if p, err := Parse(agent, []byte(in)); err == nil || !strings.Contains(err.Error(), "tool_name") {
				t.Errorf("%s %s: %+v, error %v", agent, in, p, err)
			}
		}
	}
	// Cursor's shell hook has no tool name: its command is the call.
	if _, err := Parse("cursor", []byte(`{"command":"ls"}`)); err != nil {
		t.Errorf("cursor: %v", err)
	}
}

// A tool name that is none of the agent's shell tools but comes with a
// command (lowercase "bash", which no supported agent sends; a tool a new
// version adds) is judged as a shell command.
func TestParseJudgesACommandUnderAnUnknownToolName(t *testing.T) {
	for _, agent := range []string{"claude", "codex", "gemini"} {
		for _, in := range []string{
			`{"tool_name":"bash","tool_input":{"command":"rm -rf /"}}`,
			`{"tool_name":"mcp__ops__run","tool_input":{"command":["rm","-rf","/"]}}`,
		} {
			p, err := Parse(agent, []byte(in))
			if err != nil || !p.Shell || !strings.Contains(p.Command, "rm") {
				t.Errorf("%s %s: %+v, error %v", agent, in, p, err)
			}
		}
		// A "command" that is not a command line is some tool's own option.
		p, err := Parse(agent, []byte(`{"tool_name":"Config","tool_input":{"command":{"set":1}}}`))
		if err != nil || p.Shell {
			t.Errorf("%s: object command judged: %+v, %v", agent, p, err)
		}
	}
}

func TestParseArgvCommand(t *testing.T) {
	p, err := Parse("codex", []byte(`{"tool_name":"shell","tool_input":{"command":["bash","-lc","rm -rf /srv/data"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Command != `bash -lc 'rm -rf /srv/data'` {
		t.Fatalf("command %q", p.Command)
	}
	a := p.Answer(Reply{Verdict: Rewrite, Command: "ls /srv/data"})
	var out struct {
		HookSpecificOutput struct {
			UpdatedInput struct{ Command []string } `json:"updatedInput"`
		} `json:"hookSpecificOutput"`
	}
	if err := json.Unmarshal(a.Stdout, &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.HookSpecificOutput.UpdatedInput.Command, "|"); got != "bash|-lc|ls /srv/data" {
		t.Fatalf("rewritten argv %q", got)
	}
}

func TestParseErrorsSayWhere(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "empty"},
		{"{\n  \"tool_name\": \"Bash\",\n  oops\n}", "line 3 column 3"},
		{`[1,2]`, "not a JSON object"},
		{`{"tool_name":"Bash","tool_input":{"command":42}}`, "tool_input.command"},
		{`{"tool_name":"Bash","tool_input":{}}`, "tool_input.command: missing"},
		{`{"tool_name":7}`, "field tool_name"},
		{`{"tool_name":"Bash","tool_input":"rm -rf /"}`, "tool_input: want an object"},
	} {
		_, err := Parse("claude", []byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error about %q", c.in, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
	if _, err := Parse("cursor", []byte(`{"cwd":"/"}`)); err == nil || !strings.Contains(err.Error(), "command: missing") {
		t.Errorf("cursor without command: %v", err)
	}
	if _, err := Parse("aider", []byte(`{}`)); err == nil {
		t.Error("unknown agent accepted")
	}
}

// decode reads an answer's stdout as JSON; empty stdout is nil.
func decode(t *testing.T, a Answer) map[string]any {
	t.Helper()
	if len(a.Stdout) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(a.Stdout, &m); err != nil {
		t.Fatalf("answer is not JSON: %q", a.Stdout)
	}
	return m
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

func TestAnswersInEachAgentsProtocol(t *testing.T) {
	deny := Reply{Verdict: Deny, Reason: "sentinel held this command and the operator denied it."}
	rewrite := Reply{Verdict: Rewrite, Command: "echo instead", Reason: "edited"}
	allow := Reply{Verdict: Allow, Reason: "approved in sentinel by the operator (dev)"}
	pass := Reply{Verdict: Pass}

	t.Run("claude", func(t *testing.T) {
		p := load(t, "claude")
		if a := p.Answer(pass); len(a.Stdout) != 0 || a.Exit != 0 {
			t.Errorf("pass: %+v", a)
		}
		m := decode(t, p.Answer(deny))
		if field(m, "hookSpecificOutput", "permissionDecision") != "deny" || field(m, "hookSpecificOutput", "hookEventName") != "PreToolUse" ||
			field(m, "hookSpecificOutput", "permissionDecisionReason") != deny.Reason {
			t.Errorf("deny: %v", m)
		}
		m = decode(t, p.Answer(allow))
		if field(m, "hookSpecificOutput", "permissionDecision") != "allow" {
			t.Errorf("allow: %v", m)
		}
		m = decode(t, p.Answer(rewrite))
		if field(m, "hookSpecificOutput", "permissionDecision") != "allow" ||
			field(m, "hookSpecificOutput", "updatedInput", "command") != "echo instead" ||
			field(m, "hookSpecificOutput", "updatedInput", "description") != "Run the requested command" {
			t.Errorf("rewrite must change the command and keep the rest: %v", m)
		}
	})
	t.Run("codex", func(t *testing.T) {
		p := load(t, "codex")
		// A bare allow is a failed hook to Codex: silence says "no objection".
		for _, r := range []Reply{pass, allow} {
			if a := p.Answer(r); len(a.Stdout) != 0 || a.Exit != 0 {
				t.Errorf("%s: %+v", r.Verdict, a)
			}
		}
		m := decode(t, p.Answer(deny))
		if field(m, "hookSpecificOutput", "permissionDecision") != "deny" || field(m, "hookSpecificOutput", "permissionDecisionReason") != deny.Reason {
			t.Errorf("deny: %v", m)
		}
		m = decode(t, p.Answer(rewrite))
		if field(m, "hookSpecificOutput", "updatedInput", "command") != "echo instead" {
			t.Errorf("rewrite: %v", m)
		}
	})
	t.Run("gemini", func(t *testing.T) {
		p := load(t, "gemini")
		if a := p.Answer(pass); len(a.Stdout) != 0 {
			t.Errorf("pass: %q", a.Stdout)
		}
		m := decode(t, p.Answer(deny))
		if m["decision"] != "deny" || m["reason"] != deny.Reason {
			t.Errorf("deny: %v", m)
		}
		m = decode(t, p.Answer(rewrite))
		if field(m, "hookSpecificOutput", "tool_input", "command") != "echo instead" ||
			field(m, "hookSpecificOutput", "tool_input", "description") != "Run the requested command" {
			t.Errorf("rewrite: %v", m)
		}
	})
	t.Run("cursor", func(t *testing.T) {
		p := load(t, "cursor")
		if m := decode(t, p.Answer(pass)); m["permission"] != "allow" {
			t.Errorf("pass: %v", m)
		}
		m := decode(t, p.Answer(deny))
		if m["permission"] != "deny" || m["agent_message"] != deny.Reason || m["user_message"] == nil {
			t.Errorf("deny: %v", m)
		}
		// Cursor cannot rewrite: the edit is a denial that hands the
		// operator's command to the model.
		m = decode(t, p.Answer(rewrite))
		if m["permission"] != "deny" || !strings.Contains(m["agent_message"].(string), "echo instead") {
			t.Errorf("edit: %v", m)
		}
	})
}

// A failed hook denies, with exit status 2 and one line on stderr, in
// every agent's protocol.
func TestRefuseDenies(t *testing.T) {
	for _, agent := range Agents {
		p := load(t, agent)
		a := Refuse(p, agent, "the console closed the connection before deciding")
		if a.Exit != 2 || strings.Count(a.Stderr, "\n") != 1 || !strings.Contains(a.Stderr, "blocked") {
			t.Errorf("%s: %+v", agent, a)
		}
		m := decode(t, a)
		if m == nil || !strings.Contains(string(a.Stdout), "deny") {
			t.Errorf("%s: stdout %q", agent, a.Stdout)
		}
	}
	if a := Refuse(nil, "claude", "stdin: empty"); a.Exit != 2 || len(a.Stdout) != 0 {
		t.Errorf("without payload: %+v", a)
	}
}

func TestHugePayloadParses(t *testing.T) {
	cmd := "echo " + strings.Repeat("x", 4<<20)
	b, _ := json.Marshal(map[string]any{"tool_name": "Bash", "tool_input": map[string]any{"command": cmd}})
	p, err := Parse("claude", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Command) != len(cmd) {
		t.Fatalf("command cut to %d bytes", len(p.Command))
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range payloads {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	f.Add([]byte(`{"tool_name":"shell","tool_input":{"command":["a","b"]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, agent := range Agents {
			p, err := Parse(agent, data)
			if err != nil {
				continue
			}
			for _, v := range []Verdict{Pass, Allow, Deny, Rewrite} {
				a := p.Answer(Reply{Verdict: v, Command: "x", Reason: "r"})
				if len(a.Stdout) > 0 && !json.Valid(a.Stdout) {
					t.Fatalf("%s %s: invalid JSON %q", agent, v, a.Stdout)
				}
			}
		}
	})
}
