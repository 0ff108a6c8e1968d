package agenthook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Agents are the agents whose hook protocol sentinel speaks.
var Agents = []string{"claude", "codex", "gemini", "cursor"}

// KnownAgent says whether name is one of Agents.
func KnownAgent(name string) bool {
	for _, a := range Agents {
		if a == name {
			return true
		}
	}
	return false
}

// Payload is one hook call, as the agent sent it.
type Payload struct {
	Request
	// Shell is false when the call is about some other tool than the
	// shell (a hook installed for every tool): nothing to judge.
	Shell bool
	// toolInput keeps the agent's tool input as sent, so a rewrite changes
	// the command and nothing else.
	toolInput map[string]json.RawMessage
	event     string
}

// shellTools are the tool names under which each agent runs shell commands.
var shellTools = map[string][]string{
	"claude": {"Bash"},
	"codex":  {"Bash", "shell", "local_shell", "exec_command", "container.exec"},
	"gemini": {"run_shell_command"},
}

// Parse reads a hook call of agent from its stdin.
func Parse(agent string, data []byte) (*Payload, error) {
	if !KnownAgent(agent) {
		return nil, fmt.Errorf("unknown agent %q (want %s)", agent, strings.Join(Agents, ", "))
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("stdin: empty; the agent sent no hook input")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("stdin: %s", jsonError(data, err))
	}
	p := &Payload{Request: Request{Agent: agent, CanRewrite: agent != "cursor"}}
	str := func(field string) (string, error) {
		v, ok := raw[field]
		if !ok || string(v) == "null" {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", fmt.Errorf("stdin: field %s: want a string", field)
		}
		return s, nil
	}
	var err error
	if p.event, err = str("hook_event_name"); err != nil {
		return nil, err
	}
	p.Event = p.event
	if p.Cwd, err = str("cwd"); err != nil {
		return nil, err
	}
	if agent == "cursor" {
		// beforeShellExecution: the command is at the top level, and the
		// conversation stands for the session.
		if p.AgentSession, err = str("conversation_id"); err != nil {
			return nil, err
		}
		if p.Command, err = str("command"); err != nil {
			return nil, err
		}
		if _, ok := raw["command"]; !ok {
			return nil, errors.New("stdin: field command: missing")
		}
		p.Tool, p.Shell = "shell", true
		return p, nil
	}
	if p.AgentSession, err = str("session_id"); err != nil {
		return nil, err
	}
	// Every supported agent names the tool in a pre-tool call. Without a
	// name there is no telling what the call would do, and an input that
	// lost it is malformed: denied, like any other.
	if v, ok := raw["tool_name"]; !ok || string(v) == "null" {
		return nil, errors.New("stdin: field tool_name: missing; the agent did not say which tool it calls")
	}
	if p.Tool, err = str("tool_name"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.Tool) == "" {
		return nil, errors.New("stdin: field tool_name: empty; the agent did not say which tool it calls")
	}
	if v, ok := raw["tool_input"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &p.toolInput); err != nil {
			return nil, errors.New("stdin: field tool_input: want an object")
		}
	}
	for _, t := range shellTools[agent] {
		if p.Tool == t {
			p.Shell = true
		}
	}
	cmd, hasCommand := p.toolInput["command"]
	if !p.Shell {
		// A tool name sentinel does not know ("bash", a name a new
		// version brings, an MCP tool) whose input carries a command is
		// judged as a shell command rather than let through unjudged: a
		// command that would pause is held whatever the tool is called.
		// Other tools (Read, Write, ...) carry no command: nothing to judge.
		if !hasCommand {
			return p, nil
		}
		text, err := commandText(cmd)
		if err != nil {
			return p, nil // not a command line: a tool's own option of that name
		}
		p.Shell, p.Command = true, text
		if d, ok := p.toolInput["description"]; ok {
			_ = json.Unmarshal(d, &p.Description)
		}
		return p, nil
	}
	if !hasCommand {
		return nil, errors.New("stdin: field tool_input.command: missing")
	}
	if p.Command, err = commandText(cmd); err != nil {
		return nil, fmt.Errorf("stdin: field tool_input.command: %w", err)
	}
	if d, ok := p.toolInput["description"]; ok {
		_ = json.Unmarshal(d, &p.Description)
	}
	return p, nil
}

// commandText reads a command given as a string or, as some agents do, as
// an argument vector (["bash", "-lc", "…"]), which becomes one quoted line.
func commandText(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var argv []string
	if err := json.Unmarshal(v, &argv); err != nil {
		return "", errors.New("want a string or an array of strings")
	}
	words := make([]string, len(argv))
	for i, a := range argv {
		q, err := syntax.Quote(a, syntax.LangBash)
		if err != nil {
			q = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		words[i] = q
	}
	return strings.Join(words, " "), nil
}

// jsonError says where the JSON broke: line and column, not a byte offset.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := 1, 1
		for _, b := range data[:max(min(int(se.Offset)-1, len(data)), 0)] {
			if b == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return fmt.Sprintf("line %d column %d: invalid JSON: %v", line, col, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("line %d: invalid JSON: it ends too early", bytes.Count(data, []byte("\n"))+1)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "not a JSON object"
	}
	return "invalid JSON: " + err.Error()
}

// Answer is what the hook process prints, and how it exits.
type Answer struct {
	Stdout []byte
	Stderr string
	Exit   int
}

// Answer puts a reply in the agent's protocol.
func (p *Payload) Answer(r Reply) Answer {
	switch p.Agent {
	case "claude":
		return p.claudeLike(r, true)
	case "codex":
		// Codex takes a bare allow as a failed hook: no objection is
		// said with silence.
		return p.claudeLike(r, false)
	case "gemini":
		return p.gemini(r)
	}
	return p.cursor(r)
}

func (p *Payload) claudeLike(r Reply, sayAllow bool) Answer {
	event := p.event
	if event == "" {
		event = "PreToolUse"
	}
	out := map[string]any{"hookEventName": event}
	switch r.Verdict {
	case Pass:
		return Answer{}
	case Allow:
		if !sayAllow {
			return Answer{}
		}
		out["permissionDecision"] = "allow"
		out["permissionDecisionReason"] = r.Reason
	case Rewrite:
		out["permissionDecision"] = "allow"
		out["permissionDecisionReason"] = r.Reason
		out["updatedInput"] = p.rewritten(r.Command)
	default:
		out["permissionDecision"] = "deny"
		out["permissionDecisionReason"] = denyText(r)
	}
	return Answer{Stdout: jsonLine(map[string]any{"hookSpecificOutput": out})}
}

func (p *Payload) gemini(r Reply) Answer {
	switch r.Verdict {
	case Pass:
		return Answer{}
	case Allow:
		return Answer{Stdout: jsonLine(map[string]any{"decision": "allow", "reason": r.Reason})}
	case Rewrite:
		event := p.event
		if event == "" {
			event = "BeforeTool"
		}
		return Answer{Stdout: jsonLine(map[string]any{"hookSpecificOutput": map[string]any{
			"hookEventName": event, "tool_input": p.rewritten(r.Command)}})}
	}
	return Answer{Stdout: jsonLine(map[string]any{"decision": "deny", "reason": denyText(r)})}
}

func (p *Payload) cursor(r Reply) Answer {
	switch r.Verdict {
	case Pass, Allow:
		return Answer{Stdout: jsonLine(map[string]any{"permission": "allow"})}
	}
	user := "sentinel blocked this command"
	if r.Verdict == Rewrite || r.Operator != "" {
		user = "sentinel: the operator replaced this command"
	}
	return Answer{Stdout: jsonLine(map[string]any{"permission": "deny", "user_message": user, "agent_message": denyText(r)})}
}

// denyText is the denial as the model reads it: why, and the operator's
// own instruction when they typed one.
func denyText(r Reply) string {
	text := r.Reason
	if text == "" {
		text = "sentinel blocked this command."
	}
	if r.Verdict == Rewrite {
		// An agent that cannot rewrite gets the edited command to run.
		text += " The operator wants you to run this instead: " + r.Command
	} else if r.Operator != "" {
		text += " The operator says: " + r.Operator
	}
	return text
}

// rewritten is the agent's tool input with the command replaced and every
// other field as the agent sent it.
func (p *Payload) rewritten(cmd string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(p.toolInput)+1)
	for k, v := range p.toolInput {
		out[k] = v
	}
	b, _ := json.Marshal(cmd)
	if old, ok := p.toolInput["command"]; ok && len(old) > 0 && old[0] == '[' {
		// Given as an argument vector: run the edit through the shell.
		b, _ = json.Marshal([]string{"bash", "-lc", cmd})
	}
	out["command"] = b
	return out
}

func jsonLine(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return buf.Bytes()
}

// Refuse is the answer when the hook itself failed (bad input, an internal
// error, a lost console): deny, in the agent's protocol where there is a
// payload, and always with exit status 2, which every supported agent takes
// as "block this tool call", with the reason on stderr.
func Refuse(p *Payload, agent, why string) Answer {
	reason := "sentinel blocked this command: its hook failed (" + why + ")"
	a := Answer{Stderr: "sentinel hook " + agent + ": " + why + "; the command is blocked\n", Exit: 2}
	if p != nil {
		a.Stdout = p.Answer(Reply{Verdict: Deny, Reason: reason}).Stdout
	}
	return a
}
