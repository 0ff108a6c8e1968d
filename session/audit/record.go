package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Record is one line of the audit log.
type Record struct {
	Seq      int64     `json:"seq"`                // 1-based position of the record in its file
	Time     time.Time `json:"time"`               // UTC
	Session  string    `json:"session"`            // session id
	Kind     string    `json:"kind"`               // KindFinding, KindDecision or KindSession
	Source   string    `json:"source,omitempty"`   // "hook", "exec" or "stream"
	Command  string    `json:"command,omitempty"`  // masked by the caller
	Cwd      string    `json:"cwd,omitempty"`      //
	Pid      int       `json:"pid,omitempty"`      //
	Rule     string    `json:"rule,omitempty"`     //
	Severity string    `json:"severity,omitempty"` //
	Verdict  string    `json:"verdict,omitempty"`  // allow, warn or pause
	Reason   string    `json:"reason,omitempty"`   //
	Decision string    `json:"decision,omitempty"` // approve, approve-session, edit, deny, kill, timeout-deny, unattended-deny or unattended-kill
	Operator string    `json:"operator,omitempty"` // OS user name of the operator who decided
	Edit     string    `json:"edit,omitempty"`     // the operator's edited command
	Agent    string    `json:"agent,omitempty"`    // the agent whose hook asked (claude, codex, gemini, cursor)
	// AgentSession is the agent's own session or conversation id, from its hook.
	AgentSession string `json:"agent_session,omitempty"`
	Note         string `json:"note,omitempty"` //
	Prev         string `json:"prev"`           // hex SHA-256 of the previous record's line; zeros for the first
	Hash         string `json:"hash"`           // hex SHA-256 of this record's canonical encoding with Hash ""
}

// Kinds of record.
const (
	KindFinding  = "finding"  // something the detector reported
	KindDecision = "decision" // what was done about a finding, and by whom
	KindSession  = "session"  // a session started or ended, or the log noted damage
)

// The values Append accepts in Source, Verdict and Decision (besides "").
var (
	sources   = []string{"hook", "exec", "stream"}
	verdicts  = []string{"allow", "warn", "pause"}
	decisions = []string{"approve", "approve-session", "edit", "deny", "kill", "timeout-deny", "unattended-deny", "unattended-kill"}
)

// ZeroHash is the Prev of a file's first record.
const ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// MaxLine bounds the length of one record's line. Longer records are
// refused by Append and reported by Verify without being read into memory.
// A command that long could not be exec'd (Linux limits one argument to
// 128 KiB and all of them to a quarter of the stack limit).
const MaxLine = 64 << 20

// Marshal returns the canonical encoding of r (see the package comment),
// without a newline.
func Marshal(r Record) ([]byte, error) {
	r.fixUTF8()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return escapeControls(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// fixUTF8 replaces each byte of the record's strings that is not part of
// valid UTF-8 with U+FFFD, as a JSON decoder would read encoding/json's
// \ufffd for it: so a record reads back as it was written, and its
// encoding is the same before and after.
func (r *Record) fixUTF8() {
	for _, p := range []*string{&r.Session, &r.Kind, &r.Source, &r.Command, &r.Cwd, &r.Rule, &r.Severity,
		&r.Verdict, &r.Reason, &r.Decision, &r.Operator, &r.Edit, &r.Agent, &r.AgentSession, &r.Note, &r.Prev, &r.Hash} {
		if utf8.ValidString(*p) {
			continue
		}
		var b strings.Builder
		for _, c := range *p { // an invalid byte ranges as one utf8.RuneError
			b.WriteRune(c)
		}
		*p = b.String()
	}
}

// escapeControls rewrites DEL and the C1 controls, which encoding/json
// leaves raw, as JSON escapes. In encoding/json's output (valid UTF-8)
// 0xC2 is always a lead byte, so 0xC2 0x80–0x9F is exactly U+0080–U+009F.
func escapeControls(b []byte) []byte {
	if bytes.IndexByte(b, 0x7f) < 0 && bytes.IndexByte(b, 0xc2) < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == 0x7f:
			out = append(out, `\u007f`...)
		case b[i] == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			out = fmt.Appendf(out, `\u%04x`, b[i+1])
			i++
		default:
			out = append(out, b[i])
		}
	}
	return out
}

// hashOf returns the hex SHA-256 of b.
func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// seal sets r's Hash and returns its line without the newline.
func seal(r *Record) ([]byte, error) {
	r.Hash = ""
	unsealed, err := Marshal(*r)
	if err != nil {
		return nil, err
	}
	r.Hash = hashOf(unsealed)
	// The hash is the last field: the sealed line is the unsealed one with
	// the digest between the final pair of quotes.
	line := make([]byte, 0, len(unsealed)+len(r.Hash))
	line = append(line, unsealed[:len(unsealed)-2]...)
	line = append(line, r.Hash...)
	return append(line, `"}`...), nil
}

// check reports what is wrong with a record Append was given.
func (r *Record) check() error {
	switch r.Kind {
	case KindFinding, KindDecision, KindSession:
	case "":
		return fmt.Errorf("record without a kind")
	default:
		return fmt.Errorf("unknown kind %q", r.Kind)
	}
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{{"source", r.Source, sources}, {"verdict", r.Verdict, verdicts}, {"decision", r.Decision, decisions}} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			return fmt.Errorf("unknown %s %q", f.name, f.value)
		}
	}
	return nil
}
