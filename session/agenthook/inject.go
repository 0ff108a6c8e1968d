package agenthook

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Injection is how one run of an agent gets sentinel's hook.
type Injection struct {
	Agent string   // the agent recognised; "" when the command is none sentinel knows
	Argv  []string // the command to run
	Env   []string // the environment to run it in
	// Active says the hook is on for this run (the status bar's
	// "hooks: claude ✓").
	Active bool
	// Warning is something the operator should know: the agent was
	// recognised but its hook could not be put in place for this run.
	Warning string
}

// HookTimeoutSeconds is the timeout given to the agents for the hook: a
// day. The hook waits while the operator decides, and some agents (Codex)
// run the command when their hook times out.
const HookTimeoutSeconds = 86400

// AgentOf recognises the agent a command line starts, by its program name.
func AgentOf(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "claude":
		return "claude"
	case "codex":
		return "codex"
	case "gemini":
		return "gemini"
	case "cursor-agent":
		return "cursor"
	}
	return ""
}

// HookCommand is the shell command an agent runs as its hook: sentinel
// (by absolute path, quoted) with `hook AGENT`.
func HookCommand(self, agent string) string {
	q, err := syntax.Quote(self, syntax.LangPOSIX)
	if err != nil {
		q = "'" + strings.ReplaceAll(self, "'", `'\''`) + "'"
	}
	return q + " hook " + agent
}

// Inject adds the hook to one run of argv, without touching the user's
// files: command-line settings for Claude and Codex, a generated system
// settings file in dir for Gemini. self is the sentinel executable; dir is
// a private directory for this session whose parents nobody else can write
// (Gemini checks). Cursor has no per-run setting: it needs `sentinel hooks
// install`, and Inject warns when that entry is missing.
func Inject(argv, env []string, self, dir string) (Injection, error) {
	inj := Injection{Agent: AgentOf(argv), Argv: argv, Env: env}
	if inj.Agent == "" {
		return inj, nil
	}
	hook := HookCommand(self, inj.Agent)
	var err error
	switch inj.Agent {
	case "claude":
		inj.Argv, err = injectClaude(argv, hook)
	case "codex":
		inj.Argv, err = injectCodex(argv, hook)
	case "gemini":
		inj.Env, err = injectGemini(env, hook, dir)
	case "cursor":
		st := StatusOf("cursor", homeOf(env))
		if !st.Installed {
			inj.Warning = "cursor-agent has no per-run hook setting and sentinel's hook is not installed: run 'sentinel hooks install --agent cursor'; until then only the exec gate and the stream watch it"
			return inj, nil
		}
	}
	if err != nil {
		inj.Argv, inj.Env = argv, env
		inj.Warning = fmt.Sprintf("the %s hook could not be added: %v; only the exec gate and the stream watch it", inj.Agent, err)
		return inj, nil
	}
	inj.Active = true
	return inj, nil
}

func homeOf(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if h, ok := strings.CutPrefix(env[i], "HOME="); ok {
			return h
		}
	}
	h, _ := os.UserHomeDir()
	return h
}

// claudeHooks is Claude Code's hooks setting for sentinel: every Bash
// call asks sentinel first; onFailure "block" makes a crashed hook block
// the command instead of letting it run.
func claudeHooks(hook string) map[string]any {
	return map[string]any{"PreToolUse": []any{map[string]any{
		"matcher": "Bash",
		"hooks": []any{map[string]any{
			"type": "command", "command": hook, "timeout": HookTimeoutSeconds, "onFailure": "block",
		}},
	}}}
}

// injectClaude adds `--settings JSON` with the hook. Claude reads one
// --settings; when the operator gave one, the hook is merged into it.
func injectClaude(argv []string, hook string) ([]string, error) {
	settings := map[string]any{}
	out := []string{argv[0]}
	rest := argv[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			out = append(out, rest[i:]...)
			break
		}
		val, ok := "", false
		if v, cut := strings.CutPrefix(a, "--settings="); cut {
			val, ok = v, true
		} else if a == "--settings" && i+1 < len(rest) {
			val, ok = rest[i+1], true
			i++
		}
		if !ok {
			out = append(out, a)
			continue
		}
		given, err := readSettings(val)
		if err != nil {
			return nil, fmt.Errorf("--settings %s: %w", val, err)
		}
		settings = given
	}
	if err := addHooks(settings, claudeHooks(hook)); err != nil {
		return nil, err
	}
	b, err := json.Marshal(settings)
	if err != nil {
		return nil, err
	}
	return append([]string{out[0], "--settings", string(b)}, out[1:]...), nil
}

// readSettings reads a --settings value: inline JSON or a file.
func readSettings(v string) (map[string]any, error) {
	data := []byte(v)
	if !strings.HasPrefix(strings.TrimSpace(v), "{") {
		var err error
		if data, err = os.ReadFile(v); err != nil {
			return nil, err
		}
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// addHooks appends sentinel's hook entries to settings["hooks"], keeping
// whatever hooks were there.
func addHooks(settings map[string]any, add map[string]any) error {
	hooks, _ := settings["hooks"].(map[string]any)
	if hooks == nil {
		if settings["hooks"] != nil {
			return errors.New(`"hooks" is not an object`)
		}
		hooks = map[string]any{}
	}
	for event, entries := range add {
		old, _ := hooks[event].([]any)
		if hooks[event] != nil && old == nil {
			return fmt.Errorf(`"hooks.%s" is not a list`, event)
		}
		hooks[event] = append(old, entries.([]any)...)
	}
	settings["hooks"] = hooks
	return nil
}

// geminiHooks is Gemini CLI's hooks setting for sentinel. Its timeout is
// in milliseconds.
func geminiHooks(hook string) map[string]any {
	return map[string]any{"BeforeTool": []any{map[string]any{
		"matcher": "run_shell_command",
		"hooks": []any{map[string]any{
			"type": "command", "name": "sentinel", "command": hook, "timeout": HookTimeoutSeconds * 1000,
		}},
	}}}
}

// geminiSystemSettings is where Gemini CLI reads system settings on Linux
// unless GEMINI_CLI_SYSTEM_SETTINGS_PATH says otherwise.
const geminiSystemSettings = "/etc/gemini-cli/settings.json"

// injectGemini writes a system settings file for this run, the system
// settings in force plus the hook, and points Gemini at it.
func injectGemini(env []string, hook, dir string) ([]string, error) {
	src := geminiSystemSettings
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GEMINI_CLI_SYSTEM_SETTINGS_PATH="); ok && v != "" {
			src = v
		}
	}
	settings := map[string]any{}
	if data, err := os.ReadFile(src); err == nil {
		if err := json.Unmarshal(stripJSONComments(data), &settings); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := addHooks(settings, geminiHooks(hook)); err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	b, err := json.MarshalIndent(settings, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := checkParents(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "gemini-settings.json")
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return nil, err
	}
	return append(withoutKey(env, "GEMINI_CLI_SYSTEM_SETTINGS_PATH"), "GEMINI_CLI_SYSTEM_SETTINGS_PATH="+path), nil
}

// checkParents refuses a directory with a group- or world-writable
// ancestor: Gemini would refuse the settings file in it.
func checkParents(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := abs; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("%s is writable by others, so Gemini CLI would refuse settings under it", d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// stripJSONComments removes // and /* */ comments outside strings: Gemini
// allows them in its settings files.
func stripJSONComments(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
			out = append(out, c)
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			if i < len(b) {
				out = append(out, '\n')
			}
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			i += 2
			for i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/') {
				i++
			}
			i++
		default:
			out = append(out, c)
		}
	}
	return out
}

func withoutKey(env []string, key string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// injectCodex adds the hook as `-c hooks=…` configuration, trusted for this
// run (Codex runs only hooks whose hash it has been told to trust).
func injectCodex(argv []string, hook string) ([]string, error) {
	return nil, errors.New("not supported yet")
}
