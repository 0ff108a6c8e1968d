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
