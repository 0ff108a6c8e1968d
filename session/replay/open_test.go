package replay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/audit"
)

func open(t *testing.T, path string, opts Options) *Recording {
	t.Helper()
	rec, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close() })
	return rec
}

func screenText(t *testing.T, rec *Recording, at float64) string {
	t.Helper()
	p, err := rec.Player()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Seek(at)
	var rows []string
	for y := range p.Screen().Height() {
		var b strings.Builder
		for x := range p.Screen().Width() {
			if c := p.Screen().CellAt(x, y); c != nil && c.Content != "" {
				b.WriteString(c.Content)
			} else if c != nil && c.Width != 0 {
				b.WriteByte(' ')
			}
		}
		rows = append(rows, strings.TrimRight(b.String(), " "))
	}
	return strings.TrimRight(strings.Join(rows, "\n"), "\n")
}

func TestTornLastLineIsSkippedAndListed(t *testing.T) {
	rec := open(t, "testdata/20260424T090000Z-ab12cd34.cast", Options{})
	if rec.ID != "ab12cd34" {
		t.Fatalf("id %q", rec.ID)
	}
	skips := rec.Skipped()
	if len(skips) != 1 || skips[0].Line != 7 || !strings.Contains(skips[0].Reason, "incomplete last line") {
		t.Fatalf("skipped %v", skips)
	}
	if got := screenText(t, rec, rec.Duration()); got != "hello\ndenied" {
		t.Fatalf("screen %q", got)
	}
	if !strings.Contains(rec.SkippedSummary(), "line 7") {
		t.Fatal(rec.SkippedSummary())
	}
}

func TestCorruptLinesAreSkippedWithLineNumbers(t *testing.T) {
	rec := open(t, "testdata/corrupt.cast", Options{})
	want := map[int]string{3: "not an event", 4: "unknown event type", 6: "not COLSxROWS", 7: "negative", 8: "not an event"}
	got := map[int]string{}
	for _, s := range rec.Skipped() {
		got[s.Line] = s.Reason
	}
	if len(got) != len(want) {
		t.Fatalf("skipped %v, want lines %v", rec.Skipped(), want)
	}
	for line, frag := range want {
		if !strings.Contains(got[line], frag) {
			t.Fatalf("line %d: %q, want %q", line, got[line], frag)
		}
	}
	if s := screenText(t, rec, 10); s != "one\ntwo\nthree" {
		t.Fatalf("screen %q", s)
	}
}

func TestHugeLineIsSkipped(t *testing.T) {
	dir := t.TempDir()
	body := `{"version": 2, "width": 10, "height": 2}` + "\n" +
		`[0.1, "o", "` + strings.Repeat("x", 5000) + `"]` + "\n" +
		`[0.2, "o", "ok"]` + "\n"
	path := filepath.Join(dir, "huge.cast")
	os.WriteFile(path, []byte(body), 0o600)
	rec := open(t, path, Options{MaxLine: 1024})
	s := rec.Skipped()
	if len(s) != 1 || s[0].Line != 2 || !strings.Contains(s[0].Reason, "5015 bytes") {
		t.Fatalf("skipped %v", s)
	}
	if got := screenText(t, rec, 1); got != "ok" {
		t.Fatalf("screen %q", got)
	}
}

func TestBadHeaderIsAnError(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"empty": "", "junk": "hello\n", "v9": `{"version": 9}` + "\n", "size": `{"version": 2, "width": 0, "height": 1}` + "\n"} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o600)
		if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestV3(t *testing.T) {
	rec := open(t, "testdata/v3.cast", Options{})
	if rec.Header.Version != 3 || rec.Header.Width != 30 {
		t.Fatalf("header %+v", rec.Header)
	}
	// Relative times: 0.5, 1.0 (marker), 2.0 (resize), 2.25, 4.25 (exit).
	if d := rec.Duration(); d != 4.25 {
		t.Fatalf("duration %v", d)
	}
	rs := rec.Resizes()
	if len(rs) != 1 || rs[0].Time != 2 || rs[0].Width != 40 {
		t.Fatalf("resizes %v", rs)
	}
	ms := rec.Markers()
	if len(ms) != 2 || ms[0].Kind != KindStart || ms[1].Kind != KindExit || ms[1].Time != 4.25 {
		t.Fatalf("markers %+v", ms)
	}
	if got := screenText(t, rec, 2.1); got != "v3 one" {
		t.Fatalf("at 2.1: %q", got)
	}
	p, _ := rec.Player()
	defer p.Close()
	p.Seek(3)
	if w, h := p.Size(); w != 40 || h != 6 {
		t.Fatalf("size %dx%d", w, h)
	}
}

func TestV1BestEffort(t *testing.T) {
	rec := open(t, "testdata/v1.json", Options{})
	if rec.Header.Version != 1 || rec.Duration() != 1.5 {
		t.Fatalf("header %+v duration %v", rec.Header, rec.Duration())
	}
	if got := screenText(t, rec, 2); got != "v1 bold\nend" {
		t.Fatalf("screen %q", got)
	}
}

func TestAsciinemaRecordingAndIdleLimit(t *testing.T) {
	rec := open(t, "testdata/asciinema.cast", Options{})
	if len(rec.Markers()) != 0 || rec.ID != "" || rec.Duration() != 32 {
		t.Fatalf("markers %v id %q duration %v", rec.Markers(), rec.ID, rec.Duration())
	}
	capped := open(t, "testdata/asciinema.cast", Options{IdleLimit: 2})
	// The 30 s pause after 1.1 becomes 2 s: exit at 3.1, the last line at 4.0.
	if d := capped.Duration(); d < 3.999 || d > 4.001 {
		t.Fatalf("capped duration %v", d)
	}
	if got := screenText(t, capped, 3.2); got != "$ ls\na b c\n$ exit" {
		t.Fatalf("capped at 3.2: %q", got)
	}
	if got := screenText(t, rec, 3.2); got != "$ ls\na b c\n$" {
		t.Fatalf("uncapped at 3.2: %q", got)
	}
	if rec.RecordedDuration() != 32 || capped.RecordedDuration() != 32 {
		t.Fatal("recorded duration changed by the cap")
	}
}

func TestMarkerNavigation(t *testing.T) {
	rec := open(t, "testdata/20260424T090000Z-ab12cd34.cast", Options{IdleLimit: 1})
	ms := rec.Markers()
	kinds := []string{}
	for _, m := range ms {
		kinds = append(kinds, m.Kind)
	}
	if strings.Join(kinds, ",") != "start,finding,decision" {
		t.Fatalf("kinds %v", kinds)
	}
	// The 3 s between the finding and the decision is capped to 1 s.
	if ms[2].Time-ms[1].Time != 1 || ms[2].Recorded != 4 {
		t.Fatalf("decision at %v (recorded %v)", ms[2].Time, ms[2].Recorded)
	}
	m, ok := rec.NextMarker(ms[1].Time)
	if !ok || m.Kind != KindDecision {
		t.Fatalf("next after the finding: %+v", m)
	}
	if m, ok := rec.NextMarker(0, KindFinding, KindDecision); !ok || m.Kind != KindFinding {
		t.Fatalf("first finding or decision: %+v", m)
	}
	if m, ok := rec.PrevMarker(ms[2].Time); !ok || m.Kind != KindFinding {
		t.Fatalf("previous: %+v", m)
	}
	if _, ok := rec.NextMarker(ms[2].Time); ok {
		t.Fatal("a marker after the last")
	}
	if _, ok := rec.PrevMarker(ms[0].Time); ok {
		t.Fatal("a marker before the first")
	}
}

func TestMergeAudit(t *testing.T) {
	rec := open(t, "testdata/20260424T090000Z-ab12cd34.cast", Options{})
	start := time.Unix(1777000000, 0)
	recs := []audit.Record{
		{Session: "ab12cd34", Kind: audit.KindFinding, Rule: "cloud.volume-delete", Time: start.Add(1200 * time.Millisecond)},
		{Session: "ab12cd34", Kind: audit.KindDecision, Rule: "cloud.volume-delete", Decision: "deny", Operator: "alice", Time: start.Add(4 * time.Second)},
		{Session: "ab12cd34", Kind: audit.KindDecision, Rule: "files.rm", Decision: "approve", Command: "rm x", Time: start.Add(4100 * time.Millisecond)},
		{Session: "other", Kind: audit.KindFinding, Rule: "cloud.volume-delete", Time: start.Add(time.Second)},
	}
	if n := rec.MergeAudit(recs); n != 3 {
		t.Fatalf("merged %d", n)
	}
	ms := rec.Markers()
	if len(ms) != 4 {
		t.Fatalf("markers %+v", ms)
	}
	if ms[1].Audit == nil || ms[1].Audit.Kind != audit.KindFinding || ms[2].Audit == nil || ms[2].Audit.Operator != "alice" {
		t.Fatalf("audit not attached: %+v", ms)
	}
	if ms[3].Kind != KindAudit || !strings.Contains(ms[3].Label, "files.rm") || ms[3].Time != 4.1 {
		t.Fatalf("unmatched record: %+v", ms[3])
	}
}

func TestTextLines(t *testing.T) {
	rec := open(t, "testdata/asciinema.cast", Options{})
	var got []string
	rec.Text(0, rec.Duration(), func(l TextLine) bool {
		got = append(got, l.Text)
		return true
	})
	if strings.Join(got, "|") != "$ ls|a b c|$ exit|after idle" {
		t.Fatalf("lines %q", got)
	}
	got = got[:0]
	rec.Text(31, 40, func(l TextLine) bool {
		got = append(got, l.Text)
		return true
	})
	if strings.Join(got, "|") != "after idle" {
		t.Fatalf("window: %q", got)
	}
}

func TestTerminalSizeIsBoundedByArea(t *testing.T) {
	// A 127-byte file saying 2000x2000 made the player use 1.8 GB: the
	// header's size is clamped by area (keeping the width), a resize
	// beyond it is skipped.
	dir := t.TempDir()
	body := `{"version": 2, "width": 2000, "height": 2000}` + "\n" +
		`[0.1, "o", "ok"]` + "\n" +
		`[0.2, "r", "1000x1000"]` + "\n" +
		`[0.3, "r", "100x30"]` + "\n"
	path := filepath.Join(dir, "big.cast")
	os.WriteFile(path, []byte(body), 0o600)
	rec := open(t, path, Options{})
	if w, h := rec.Header.Width, rec.Header.Height; w != 2000 || w*h > maxCells {
		t.Fatalf("header size %dx%d", w, h)
	}
	got := map[int]string{}
	for _, s := range rec.Skipped() {
		got[s.Line] = s.Reason
	}
	if !strings.Contains(got[1], "clamped") || !strings.Contains(got[3], "1000x1000 is larger than") || got[4] != "" {
		t.Fatalf("skipped %v", rec.Skipped())
	}
}

// Reading a v1 file means converting it into a temporary directory; a file
// that fails half-way must not leave that directory behind (one per bad
// file opened, for ever).
func TestV1ThatFailsLeavesNoTemporaryCopy(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	bad := filepath.Join(t.TempDir(), "torn-v1.json")
	if err := os.WriteFile(bad, []byte(`{"version": 1, "width": 5, "height": 2, "stdout": [[0.1, "hi"], [1, "x`), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "v1.json")
	if err := os.WriteFile(good, []byte(`{"version": 1, "width": 5, "height": 2, "stdout": [[0.1, "hi"]]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad, Options{}); err == nil {
		t.Fatal("a torn v1 file opened")
	}
	rec, err := Open(good, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 1 {
		t.Fatalf("while one v1 recording is open, the temporary directory holds %d entries, want its copy only", len(left))
	}
	rec.Close()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("left behind in TMPDIR: %v", left)
	}
}
