package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/cast"
	"github.com/sentinel-console/sentinel/session/catalog"
)

// writeRecording records a session into e's state directory with the
// cast writer, as `sentinel run` does: header, start marker, output, the
// markers given, then an exit marker unless exit is empty.
func writeRecording(t *testing.T, e env, start time.Time, id, command, exit string, markers ...string) string {
	t.Helper()
	path := filepath.Join(e.state, "sentinel", "sessions", start.UTC().Format("20060102T150405Z")+"-"+id+".cast")
	w, err := cast.Create(path, cast.Header{Width: 80, Height: 24, Timestamp: start.Unix(), Command: command}, cast.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Marker("start: " + command)
	w.Output([]byte("working…\r\n"))
	for _, m := range markers {
		w.Marker(m)
	}
	if exit != "" {
		w.Marker("exit: " + exit)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// threeRecordings: a session with a finding and a decision, a clean one,
// and one torn by a crash in the middle of its last line.
func threeRecordings(t *testing.T, e env) (stopped, clean, torn string) {
	base := time.Date(2026, 4, 24, 10, 0, 0, 0, time.UTC)
	stopped = writeRecording(t, e, base.Add(2*time.Hour), "5709ed01", "claude --dangerously-skip-permissions", "exit 0",
		"pause #1 [exec] critical cloud-volume-delete: curl -X POST https://backboard.example/graphql",
		"decision #1: deny cloud-volume-delete: curl -X POST https://backboard.example/graphql")
	clean = writeRecording(t, e, base.Add(time.Hour), "c1ea0002", "codex exec 'fix the tests'", "exit 1")
	torn = writeRecording(t, e, base, "70a10003", "aider --yes", "", "pause #1 [exec] high rm-rf: rm -rf /")
	b, err := os.ReadFile(torn)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(torn, b[:len(b)-5], 0o600); err != nil {
		t.Fatal(err)
	}
	return stopped, clean, torn
}

func TestSessionsJSON(t *testing.T) {
	e := newEnv(t)
	stopped, clean, torn := threeRecordings(t, e)
	out, stderr, code := runPiped(t, e, "", "sessions", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []catalog.Entry
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, out)
	}
	if len(got) != 3 || got[0].Path != stopped || got[1].Path != clean || got[2].Path != torn {
		t.Fatalf("want newest first, got %+v", got)
	}
	if s := got[0]; s.ID != "5709ed01" || s.Findings != 1 || s.Decisions != 1 || s.Exit != "exit 0" || s.Size == 0 || s.Note != "" {
		t.Errorf("stopped session: %+v", s)
	}
	if s := got[2]; !strings.Contains(s.Note, "skipped") || s.Exit != "" {
		t.Errorf("torn session should carry a note: %+v", s)
	}
	for _, field := range []string{`"start"`, `"command"`, `"duration_seconds"`, `"size_bytes"`} {
		if !strings.Contains(out, field) {
			t.Errorf("JSON lacks %s", field)
		}
	}
}

func TestSessionsJSONEmptyIsAnArray(t *testing.T) {
	out, _, code := runPiped(t, newEnv(t), "", "sessions", "--json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("exit %d, out %q", code, out)
	}
}

func TestSessionsPlainTableWithoutATerminal(t *testing.T) {
	e := newEnv(t)
	threeRecordings(t, e)
	out, stderr, code := runPiped(t, e, "", "sessions")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "STARTED") {
		t.Fatalf("want header, three rows and one note:\n%s", out)
	}
	if !strings.Contains(lines[1], "5709ed01") || !strings.Contains(lines[1], "claude --dangerously-skip-permissions") || !strings.Contains(lines[1], "exit 0") {
		t.Errorf("first row: %q", lines[1])
	}
	if !strings.Contains(lines[4], "note: skipped") {
		t.Errorf("the torn recording has no note: %q", lines[4])
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("escape codes in a plain table")
	}
}

// An agent can write into the sessions directory: a recording's name and
// its exit marker reach the plain table (and --json) with control
// characters escaped, never raw.
func TestSessionsPlainTableEscapesWhatARecordingSays(t *testing.T) {
	e := newEnv(t)
	base := time.Date(2026, 4, 24, 10, 0, 0, 0, time.UTC)
	evil := writeRecording(t, e, base, "e5c\x1b[2J", "sh", "exit \x1b]0;PWNEXIT\x07 \u009b2J")
	b, err := os.ReadFile(evil)
	if err != nil {
		t.Fatal(err)
	}
	// Torn, so that the note line (with the path) is printed too.
	if err := os.WriteFile(evil, b[:len(b)-3], 0o600); err != nil {
		t.Fatal(err)
	}
	writeRecording(t, e, base.Add(time.Hour), "0be4ed00", "sh", "exit \x1b]0;PWNEXIT\x07 \u009b2J")
	out, stderr, code := runPiped(t, e, "", "sessions")
	if code != 0 || strings.ContainsAny(out, "\x1b\x07\u009b") {
		t.Fatalf("exit %d, raw control characters in %q (%s)", code, out, stderr)
	}
	for _, want := range []string{`exit \x1b]0;PWNEXIT\x07 \x9b2J`, `e5c\x1b[2J`, `(` + strings.ReplaceAll(evil, "\x1b", `\x1b`) + `)`} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Read from the recordings, not from the summaries the first call kept.
	os.Remove(filepath.Join(e.state, "sentinel", "sessions", ".catalog.json"))
	out, _, _ = runPiped(t, e, "", "sessions", "--json")
	if strings.ContainsAny(out, "\x1b\x07\u009b") || !strings.Contains(out, `\u009b2J`) {
		t.Errorf("--json: %q", out)
	}
}

// With [record] dir set, run records there, and sessions and replay
// ID|--last look there too.
func TestSessionsAndReplayUseTheConfiguredDirectory(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.home, "recs")
	conf := filepath.Join(e.config, "sentinel", "config.toml")
	os.MkdirAll(filepath.Dir(conf), 0o700)
	os.WriteFile(conf, []byte("[record]\ndir = \""+dir+"\"\n"), 0o600)
	if _, stderr, code := runPiped(t, e, "", "run", "--headless", "--", "sh", "-c", "echo '$ rm -rf /'"); code != 0 {
		t.Fatalf("run: exit %d %s", code, stderr)
	}
	recs, _ := filepath.Glob(filepath.Join(dir, "*.cast"))
	if len(recs) != 1 {
		t.Fatalf("recordings in %s: %v", dir, recs)
	}
	id := strings.TrimSuffix(filepath.Base(recs[0])[len("20260424T090000Z-"):], ".cast")
	out, stderr, code := runPiped(t, e, "", "sessions")
	if code != 0 || !strings.Contains(out, id) {
		t.Errorf("sessions: exit %d\n%s%s", code, out, stderr)
	}
	for _, args := range [][]string{{"replay", "--scan", "--last"}, {"replay", "--scan", id}} {
		if out, stderr, code := runPiped(t, e, "", args...); code != 1 || !strings.Contains(out, "files.delete-root") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, stderr)
		}
	}
	// --config names another file: its directory, and an empty list.
	other := filepath.Join(e.home, "other.toml")
	os.WriteFile(other, []byte("[record]\ndir = \""+filepath.Join(e.home, "none")+"\"\n"), 0o600)
	if out, _, code := runPiped(t, e, "", "sessions", "--json", "--config", other); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("sessions --config: exit %d %q", code, out)
	}
	if _, stderr, code := runPiped(t, e, "", "replay", "--last", "--config", other); code != 1 || !strings.Contains(stderr, "no recorded sessions in "+filepath.Join(e.home, "none")) {
		t.Errorf("replay --last --config: exit %d %q", code, stderr)
	}
}

func TestSessionsE2EFilterAndDelete(t *testing.T) {
	e := newEnv(t)
	stopped, clean, torn := threeRecordings(t, e)
	c := startConsole(t, e, 140, 30, "sessions")
	c.waitFor("3 recordings", "5709ed01", "c1ea0002", "70a10003", "claude --dangerously-skip-permissions")

	c.send("/codx")
	c.waitFor("1 of 3 recordings")
	if s := c.screen(); strings.Contains(s, "5709ed01") || strings.Contains(s, "70a10003") {
		t.Fatalf("the filter left other sessions:\n%s", s)
	}
	c.send("\r") // keep the filter, leave the filter line
	c.send("d")
	c.waitFor("delete " + filepath.Base(clean) + "?")
	if _, err := os.Stat(clean); err != nil {
		t.Fatalf("deleted before the answer: %v", err)
	}
	c.send("y")
	c.waitFor("deleted " + filepath.Base(clean))
	if _, err := os.Stat(clean); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("still there after y: %v", err)
	}
	for _, p := range []string{stopped, torn} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("another recording went: %v", err)
		}
	}
	c.send("\x1b") // esc clears the filter: the other two are back
	c.waitFor("2 recordings", "5709ed01", "70a10003")
	c.send("q")
	if code := c.exitCode(); code != 0 {
		t.Fatalf("q: exit %d\n%s", code, c.screen())
	}
}
