package agenthook

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
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
	agent := AgentOf(argv)
	if agent == "" {
		return Injection{Argv: argv, Env: env}, nil
	}
	return InjectHook(argv, env, HookCommand(self, agent), dir)
}

// InjectHook is Inject with the hook's shell command given: the end-to-end
// tests use it to put their own hooks into the real agents exactly as
// sentinel puts its own.
func InjectHook(argv, env []string, hook, dir string) (Injection, error) {
	inj := Injection{Agent: AgentOf(argv), Argv: argv, Env: env}
	if inj.Agent == "" {
		return inj, nil
	}
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
// call asks sentinel first. Claude Code (2.1.197) lets the command run when
// a hook crashes, exits 1 or times out (it has no setting to block
// instead), which is why `sentinel hook` denies on every failure it can
// catch itself, and why the exec gate stays on beneath it.
func claudeHooks(hook string) map[string]any {
	return map[string]any{"PreToolUse": []any{map[string]any{
		"matcher": "Bash",
		"hooks": []any{map[string]any{
			"type": "command", "command": hook, "timeout": HookTimeoutSeconds,
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
	// A project's .claude/settings.json, which the agent can write, could
	// otherwise switch every hook off; --settings outranks it.
	settings["disableAllHooks"] = false
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

// injectGemini gives Gemini CLI the hook for this run, without touching the
// user's files, in one of the two ways it allows:
//
//   - As root: a system settings file (the system settings in force plus
//     the hook) named by GEMINI_CLI_SYSTEM_SETTINGS_PATH. Gemini (0.61) uses
//     it only if it and every directory above it belong to root and nobody
//     else can write them; system settings outrank a project's.
//   - Otherwise: GEMINI_CLI_HOME pointing at a home made for the run whose
//     .gemini/settings.json is the user's plus the hook, and whose other
//     entries link to the user's own (credentials, history). A project's
//     .gemini/settings.json outranks it and could switch hooks off: the
//     exec gate remains beneath.
func injectGemini(env []string, hook, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 && rootOnly(dir) == nil {
		return injectGeminiSystem(env, hook, dir)
	}
	return injectGeminiHome(env, hook, dir)
}

func injectGeminiSystem(env []string, hook, dir string) ([]string, error) {
	src := geminiSystemSettings
	if v := lookupEnv(env, "GEMINI_CLI_SYSTEM_SETTINGS_PATH"); v != "" {
		src = v
	}
	settings, err := readJSONObject(src)
	if err != nil {
		return nil, err
	}
	if err := geminiWithHook(settings, hook); err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	path := filepath.Join(dir, "gemini-system-settings.json")
	if err := writeJSON(path, settings); err != nil {
		return nil, err
	}
	return append(withoutKey(env, "GEMINI_CLI_SYSTEM_SETTINGS_PATH"), "GEMINI_CLI_SYSTEM_SETTINGS_PATH="+path), nil
}

func injectGeminiHome(env []string, hook, dir string) ([]string, error) {
	userHome := lookupEnv(env, "GEMINI_CLI_HOME")
	if userHome == "" {
		userHome = homeOf(env)
	}
	userDir := filepath.Join(userHome, ".gemini")
	settings, err := readJSONObject(filepath.Join(userDir, "settings.json"))
	if err != nil {
		return nil, err
	}
	if err := geminiWithHook(settings, hook); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(userDir, "settings.json"), err)
	}
	home := filepath.Join(dir, "gemini-home")
	runDir := filepath.Join(home, ".gemini")
	if err := os.MkdirAll(runDir, 0o700); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(userDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if e.Name() == "settings.json" {
			continue
		}
		if err := os.Symlink(filepath.Join(userDir, e.Name()), filepath.Join(runDir, e.Name())); err != nil {
			return nil, err
		}
	}
	if err := writeJSON(filepath.Join(runDir, "settings.json"), settings); err != nil {
		return nil, err
	}
	return append(withoutKey(env, "GEMINI_CLI_HOME"), "GEMINI_CLI_HOME="+home), nil
}

// geminiWithHook adds sentinel's hook to Gemini settings and switches
// hooks on.
func geminiWithHook(settings map[string]any, hook string) error {
	if err := addHooks(settings, geminiHooks(hook)); err != nil {
		return err
	}
	hc, ok := settings["hooksConfig"].(map[string]any)
	if !ok {
		if settings["hooksConfig"] != nil {
			return errors.New(`"hooksConfig" is not an object`)
		}
		hc = map[string]any{}
	}
	hc["enabled"] = true
	settings["hooksConfig"] = hc
	return nil
}

// readJSONObject reads a JSON object (comments allowed, as Gemini allows
// them); a file that does not exist is an empty object.
func readJSONObject(path string) (map[string]any, error) {
	m := map[string]any{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(stripJSONComments(data), &m); err != nil {
		return nil, fmt.Errorf("%s: %s", path, jsonError(data, err))
	}
	return m, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// rootOnly checks that dir and every directory above it belong to root
// and that nobody else can write to them, as Gemini demands of a system
// settings file's location.
func rootOnly(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := abs; ; d = filepath.Dir(d) {
		var st unix.Stat_t
		if err := unix.Stat(d, &st); err != nil {
			return err
		}
		if st.Uid != 0 || st.Mode&0o022 != 0 {
			return fmt.Errorf("%s is not root's alone", d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if x, ok := strings.CutPrefix(kv, key+"="); ok {
			v = x
		}
	}
	return v
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
