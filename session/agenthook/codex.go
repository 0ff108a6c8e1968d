package agenthook

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// codexSessionHookKey is the trust key Codex gives the first PreToolUse
// hook defined with -c (its "session flags" layer): source, event, group
// index, handler index.
const codexSessionHookKey = "/<session-flags>/config.toml:pre_tool_use:0:0"

// injectCodex adds the hook as -c configuration for the run. Codex runs
// only hooks whose trusted_hash matches what it computes for them, so the
// state entry carries that hash; features.hooks=true and enabled=true
// outrank a user or project configuration (which the agent can write)
// that turns hooks off.
func injectCodex(argv []string, hook string) ([]string, error) {
	return append(append([]string{argv[0]}, CodexHookArgs(hook, HookTimeoutSeconds)...), argv[1:]...), nil
}

// CodexHookArgs are the -c flags that add hook as a trusted PreToolUse
// hook on Bash for one Codex run, with a timeout in seconds.
func CodexHookArgs(hook string, timeoutSec int) []string {
	hash := CodexHookTrustHash("pre_tool_use", "Bash", hook, timeoutSec)
	hooks := fmt.Sprintf(`hooks={PreToolUse=[{matcher="Bash",hooks=[{type="command",command=%s,timeout=%d}]}],state={%s={trusted_hash=%s,enabled=true}}}`,
		tomlString(hook), timeoutSec, tomlString(codexSessionHookKey), tomlString(hash))
	return []string{"-c", "features.hooks=true", "-c", hooks}
}

// CodexHookTrustHash is the hash Codex (0.169) reports as a command hook's
// current hash (`codex app-server`, hooks/list) and accepts as its
// trusted_hash: "sha256:" and the hex SHA-256 of the compact JSON, keys
// sorted, of
//
//	{"event_name":EVENT,"hooks":[{"async":false,"command":CMD,"timeout":SEC,"type":"command"}],"matcher":M}
//
// with "matcher" left out when there is none. EVENT is the snake-case event
// ("pre_tool_use"); SEC is the timeout in seconds (Codex's default 600 when
// 0, at least 1). Strings are escaped as Rust's serde_json does. The
// end-to-end tests in demo/agentcli compare it with what Codex reports.
func CodexHookTrustHash(event, matcher, command string, timeoutSec int) string {
	if timeoutSec == 0 {
		timeoutSec = 600
	}
	timeoutSec = max(timeoutSec, 1)
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

// serdeString encodes s as a JSON string exactly as Rust's serde_json
// does: only '"', '\' and control characters are escaped. Go's
// encoding/json also escapes <, >, &, U+2028 and U+2029, which would change
// the hash. Codex's strings are UTF-8, so invalid bytes are replaced as
// Rust's lossy decoding would.
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
