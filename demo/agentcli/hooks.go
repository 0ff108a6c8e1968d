package agentcli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// HookTimeoutSec is how long the agents wait for the hook: the operator may
// take their time deciding. (Gemini counts milliseconds.)
const HookTimeoutSec = 86400

// Hook is a pre-tool hook for one run: extra arguments for the CLI and extra
// environment entries. It is what sentinel's injection does, kept here so
// the end-to-end tests can check the facts in docs/agents.md against the
// real CLIs.
type Hook struct {
	Args []string
	Env  []string
}

// HookFor returns the injection of hookCommand (a shell command line) as the
// agent's pre-tool hook on its shell tool for one run. For Gemini it writes
// a settings file under dir (see GeminiHookSettings).
func HookFor(agent Agent, hookCommand, dir string) (Hook, error) {
	switch agent {
	case Claude:
		s, err := json.Marshal(ClaudeHookSettings(hookCommand))
		if err != nil {
			return Hook{}, err
		}
		return Hook{Args: []string{"--settings", string(s)}}, nil
	case Codex:
		return Hook{Args: CodexHookArgs(hookCommand, HookTimeoutSec)}, nil
	case Gemini:
		home := filepath.Join(dir, "gemini-home")
		settings := GeminiHookSettings(GeminiBaseSettings(), hookCommand)
		if err := writeJSONFile(filepath.Join(home, ".gemini", "settings.json"), settings); err != nil {
			return Hook{}, err
		}
		return Hook{Env: []string{"GEMINI_CLI_HOME=" + home}}, nil
	}
	return Hook{}, fmt.Errorf("agentcli: unknown agent %q", agent)
}

// ClaudeHookSettings is the value of `claude --settings` that adds a
// PreToolUse hook on Bash. disableAllHooks=false outranks a project's
// .claude/settings.json asking to disable hooks (which the agent itself can
// write). Claude Code 2.1.197 has no onFailure option: a hook that crashes,
// exits 1 or times out lets the command run.
func ClaudeHookSettings(hookCommand string) map[string]any {
	return map[string]any{
		"disableAllHooks": false,
		"hooks": map[string]any{
			"PreToolUse": []any{map[string]any{
				"matcher": "Bash",
				"hooks": []any{map[string]any{
					"type": "command", "command": hookCommand, "timeout": HookTimeoutSec,
				}},
			}},
		},
	}
}

// CodexSessionHookKey is the trust key Codex gives the first PreToolUse hook
// defined with -c (the "session flags" layer): source, event, group index,
// handler index.
const CodexSessionHookKey = "/<session-flags>/config.toml:pre_tool_use:0:0"

// CodexHookArgs are the -c flags that add a trusted PreToolUse hook on Bash
// for one Codex run. Codex runs only hooks whose trusted_hash matches the
// hook's current hash (CodexHookTrustHash); enabled=true and features.hooks
// outrank a user or project config that disables them.
func CodexHookArgs(hookCommand string, timeoutSec int) []string {
	hash := CodexHookTrustHash("pre_tool_use", "Bash", hookCommand, timeoutSec)
	hooks := fmt.Sprintf(`hooks={PreToolUse=[{matcher="Bash",hooks=[{type="command",command=%s,timeout=%d}]}],state={%s={trusted_hash=%s,enabled=true}}}`,
		tomlString(hookCommand), timeoutSec, tomlString(CodexSessionHookKey), tomlString(hash))
	return []string{"-c", "features.hooks=true", "-c", hooks}
}

// CodexHookTrustHash is the hash Codex 0.169 reports as a command hook's
// currentHash (codex app-server, hooks/list) and accepts as its
// trusted_hash: "sha256:" and the hex SHA-256 of the compact JSON, keys
// sorted, of
//
//	{"event_name":EVENT,"hooks":[{"async":false,"command":CMD,"timeout":SEC,"type":"command"}],"matcher":M}
//
// with "matcher" left out when there is none. EVENT is the snake-case event
// ("pre_tool_use"); SEC is the timeout in seconds (Codex's default 600 when
// 0, at least 1). Strings are escaped as serde_json does: only '"', '\' and
// control characters; '<', '>', '&' and non-ASCII stay as they are.
func CodexHookTrustHash(event, matcher, command string, timeoutSec int) string {
	if timeoutSec == 0 {
		timeoutSec = 600
	}
	if timeoutSec < 1 {
		timeoutSec = 1
	}
	fields := map[string]string{
		"event_name": serdeString(event),
		"hooks": fmt.Sprintf(`[{"async":false,"command":%s,"timeout":%d,"type":"command"}]`,
			serdeString(command), timeoutSec),
	}
	if matcher != "" {
		fields["matcher"] = serdeString(matcher)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(serdeString(k))
		b.WriteByte(':')
		b.WriteString(fields[k])
	}
	b.WriteByte('}')
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// serdeString encodes s as a JSON string exactly as Rust's serde_json does.
// Go's encoding/json differs (it escapes <, >, &, U+2028 and U+2029), which
// would change the hash. Invalid UTF-8 cannot come from Codex's config
// (Rust strings are UTF-8), so it is replaced as Rust's lossy decoding would.
func serdeString(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// GeminiHookSettings returns base (the user's settings) with a BeforeTool
// hook on run_shell_command added and hooks forced on. The timeout is in
// milliseconds. base is not modified.
func GeminiHookSettings(base map[string]any, hookCommand string) map[string]any {
	out := make(map[string]any, len(base)+2)
	for k, v := range base {
		out[k] = v
	}
	hc, _ := out["hooksConfig"].(map[string]any)
	merged := map[string]any{}
	for k, v := range hc {
		merged[k] = v
	}
	merged["enabled"] = true
	out["hooksConfig"] = merged
	hooks := map[string]any{}
	if h, ok := out["hooks"].(map[string]any); ok {
		for k, v := range h {
			hooks[k] = v
		}
	}
	existing, _ := hooks["BeforeTool"].([]any)
	hooks["BeforeTool"] = append(append([]any{}, existing...), map[string]any{
		"matcher": "run_shell_command",
		"hooks": []any{map[string]any{
			"type": "command", "name": "sentinel", "command": hookCommand, "timeout": HookTimeoutSec * 1000,
		}},
	})
	out["hooks"] = hooks
	return out
}

// envWith returns env with extra appended, later entries replacing earlier
// ones of the same name.
func envWith(env []string, extra ...string) []string {
	out := append([]string{}, env...)
	for _, kv := range extra {
		name, _, _ := strings.Cut(kv, "=")
		for i, old := range out {
			if strings.HasPrefix(old, name+"=") {
				out = append(out[:i], out[i+1:]...)
				break
			}
		}
		out = append(out, kv)
	}
	return out
}
