package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sentinel-console/sentinel/session/audit"
	"github.com/sentinel-console/sentinel/session/screen"
)

// writeAuditLog writes records of two sessions to the environment's
// default audit log and returns its path and the records as written.
func writeAuditLog(t *testing.T, e env) (string, []audit.Record) {
	t.Helper()
	path := filepath.Join(e.state, "sentinel", "audit.jsonl")
	l, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out []audit.Record
	for _, r := range []audit.Record{
		{Session: "3f9a1c2e", Kind: audit.KindSession, Note: "start", Command: "claude"},
		{Session: "3f9a1c2e", Kind: audit.KindFinding, Source: "exec", Command: "rm -rf /srv/data \x1b]2;owned\x07", Rule: "files.rm-recursive", Severity: "high", Verdict: "pause"},
		{Session: "3f9a1c2e", Kind: audit.KindDecision, Source: "exec", Command: "rm -rf /srv/data", Decision: "edit", Edit: "rm -rf /srv/data/tmp", Operator: "alice", Rule: "files.rm-recursive"},
		{Session: "77aa0b1c", Kind: audit.KindFinding, Source: "stream", Command: "curl -X DELETE https://api.example.com/v1/volumes/vol_1", Rule: "http.delete", Verdict: "pause"},
		{Session: "77aa0b1c", Kind: audit.KindDecision, Source: "stream", Decision: "deny", Operator: "bob", Rule: "http.delete"},
	} {
		w, err := l.Append(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return path, out
}

func TestAuditVerify(t *testing.T) {
	e := newEnv(t)
	if _, stderr, code := runPiped(t, e, "", "audit", "verify"); code != 2 || !strings.Contains(stderr, "audit.jsonl: no such file") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("no log yet: exit %d, stderr %q", code, stderr)
	}
	path, _ := writeAuditLog(t, e)
	out, stderr, code := runPiped(t, e, "", "audit", "verify")
	if code != 0 || out != path+": 5 records, chain intact\n" {
		t.Fatalf("intact log: exit %d, %q %q", code, out, stderr)
	}
	if out, _, code := runPiped(t, e, "", "audit", "verify", path); code != 0 || !strings.Contains(out, "chain intact") {
		t.Fatalf("named file: exit %d, %q", code, out)
	}

	b, _ := os.ReadFile(path)
	tampered := filepath.Join(e.home, "tampered.jsonl")
	os.WriteFile(tampered, []byte(strings.Replace(string(b), `"decision":"deny"`, `"decision":"approve"`, 1)), 0o600)
	out, _, code = runPiped(t, e, "", "audit", "verify", tampered)
	if code != 1 || !strings.Contains(out, tampered+":5: hash does not match the record") {
		t.Errorf("tampered log: exit %d, %q", code, out)
	}
	lines := strings.SplitAfter(string(b), "\n")
	os.WriteFile(tampered, []byte(lines[0]+lines[2]+lines[3]), 0o600)
	out, _, code = runPiped(t, e, "", "audit", "verify", tampered)
	if code != 1 || !strings.Contains(out, tampered+":2: seq 3, want 2") {
		t.Errorf("record removed: exit %d, %q", code, out)
	}

	for _, args := range [][]string{{"audit"}, {"audit", "frob"}, {"audit", "verify", "--bogus"}, {"audit", "verify", "a", "b"}} {
		if _, stderr, code := runPiped(t, e, "", args...); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%q)", args, code, stderr)
		}
	}
}

func TestAuditShow(t *testing.T) {
	e := newEnv(t)
	path, written := writeAuditLog(t, e)

	// --json writes the records exactly as stored, so they verify again.
	out, stderr, code := runPiped(t, e, "", "audit", "show", "--json")
	raw, _ := os.ReadFile(path)
	if code != 0 || out != string(raw) {
		t.Fatalf("show --json: exit %d %q\n%s", code, stderr, out)
	}
	recs, errs := audit.ReadAll(strings.NewReader(out))
	if len(errs) > 0 || !reflect.DeepEqual(recs, written) {
		t.Fatalf("round trip: %v\n%+v\n%+v", errs, recs, written)
	}

	out, _, code = runPiped(t, e, "", "audit", "show", "--json", "--last", path)
	recs, _ = audit.ReadAll(strings.NewReader(out))
	if code != 0 || len(recs) != 2 || recs[0].Session != "77aa0b1c" {
		t.Errorf("--last: exit %d, %+v", code, recs)
	}
	out, _, code = runPiped(t, e, "", "audit", "show", "--json", "--session", "3f9a")
	recs, _ = audit.ReadAll(strings.NewReader(out))
	if code != 0 || len(recs) != 3 || recs[2].Operator != "alice" {
		t.Errorf("--session prefix: exit %d, %+v", code, recs)
	}
	if _, stderr, code := runPiped(t, e, "", "audit", "show", "--session", "ffff"); code != 1 || !strings.Contains(stderr, `no records of session "ffff"`) {
		t.Errorf("unknown session: exit %d %q", code, stderr)
	}

	out, _, code = runPiped(t, e, "", "audit", "show")
	if code != 0 {
		t.Fatalf("show: exit %d", code)
	}
	for _, want := range []string{"TIME", "3f9a1c2e", "PAUSE", "files.rm-recursive", "edit     alice", "deny     bob", "$ rm -rf /srv/data  →  rm -rf /srv/data/tmp", `\x1b]2;owned\x07`} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("table passes control characters through:\n%q", out)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("line of %d columns: %s", w, l)
		}
	}

	// A line that is not a record is reported and makes the status 1, but
	// the records are still shown.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":6,"time":"2026-`)
	f.Close()
	out, stderr, code = runPiped(t, e, "", "audit", "show")
	if code != 1 || !strings.Contains(stderr, "audit.jsonl:6: incomplete record (crash?)") || !strings.Contains(out, "deny     bob") {
		t.Errorf("torn line: exit %d %q\n%s", code, stderr, out)
	}

	for _, args := range [][]string{{"audit", "show", "--bogus"}, {"audit", "show", "--last", "--session", "x"}, {"audit", "show", "a", "b"}, {"audit", "show", "/no/such/file"}} {
		if _, stderr, code := runPiped(t, e, "", args...); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%q)", args, code, stderr)
		}
	}
	if out, _, code := runPiped(t, e, "", "help", "audit"); code != 0 || !strings.Contains(out, "sentinel audit verify") || !strings.Contains(out, "-last") {
		t.Errorf("help audit: exit %d\n%s", code, out)
	}
}

// audit show's table shows the invisible characters of what an agent
// wrote (bidirectional controls, zero-width characters, line separators)
// as escapes: a record must not read as another command than the one
// that ran.
func TestAuditShowShowsInvisibleCharactersAsEscapes(t *testing.T) {
	e := newEnv(t)
	l, err := audit.Open(filepath.Join(e.state, "sentinel", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []audit.Record{
		{Session: "3f9a1c2e", Kind: audit.KindSession, Note: "start \u2067note\u2069", Command: "claude\u200b"},
		{Session: "3f9a1c2e", Kind: audit.KindFinding, Source: "exec", Command: "rm -rf /srv/data/\u202e#\u200b /tmp\u2028", Rule: "files.rm-recursive", Severity: "high", Verdict: "pause"},
		{Session: "3f9a1c2e", Kind: audit.KindDecision, Source: "exec", Command: "rm -rf /srv/data", Decision: "edit", Edit: "rm -rf /srv/\ufeffdata/tmp\u2029", Operator: "al\u200dice", Rule: "files.rm-recursive"},
	} {
		if _, err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	out, _, code := runPiped(t, e, "", "audit", "show")
	if code != 0 {
		t.Fatalf("show: exit %d", code)
	}
	if strings.ContainsFunc(out, screen.Invisible) {
		t.Errorf("the table passes invisible characters through:\n%q", out)
	}
	for _, want := range []string{`start \u2067note\u2069`, `$ claude\u200b`, `$ rm -rf /srv/data/\u202e#\u200b /tmp\u2028`,
		`→  rm -rf /srv/\ufeffdata/tmp\u2029`, `al\u200dice`} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
}
