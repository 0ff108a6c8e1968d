package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/replay"
)

func TestResolveRecording(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	names := []string{"20260424T090000Z-ab12cd34.cast", "20260425T090000Z-ab99ee00.cast", "20260426T090000Z-77aa00bb.cast"}
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), []byte(`{"version":2,"width":80,"height":24}`+"\n"), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600)
	file := filepath.Join(t.TempDir(), "x.cast")
	os.WriteFile(file, nil, 0o600)

	tests := []struct {
		args []string
		last bool
		want string // path, or "exit N: substring"
	}{
		{nil, true, filepath.Join(dir, names[2])},
		{[]string{"ab12cd34"}, false, filepath.Join(dir, names[0])},
		{[]string{"77aa"}, false, filepath.Join(dir, names[2])},
		{[]string{file}, false, file},
		{[]string{"ab"}, false, "exit 1: ambiguous"},
		{[]string{"ffff"}, false, "exit 1: no recorded session with that id"},
		{[]string{"missing.cast"}, false, "exit 1: no such file"},
		{[]string{dir}, false, "exit 1: is a directory"},
		{nil, false, "exit 2: give one FILE"},
		{[]string{"ab12cd34"}, true, "exit 2: not both"},
		{[]string{"a", "b"}, false, "exit 2: give one FILE"},
		{[]string{""}, false, "exit 2: is empty"},
	}
	for _, tc := range tests {
		got, err := resolveRecording(tc.args, tc.last, dir)
		if err != nil {
			code := 1
			var ue *usageError
			if errors.As(err, &ue) {
				code = 2
			}
			got = "exit " + map[int]string{1: "1", 2: "2"}[code] + ": " + err.Error()
			if !strings.HasPrefix(tc.want, "exit ") || !strings.HasPrefix(got, tc.want[:8]) || !strings.Contains(got, tc.want[8:]) {
				t.Errorf("%v last=%v: %s, want %s", tc.args, tc.last, got, tc.want)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%v last=%v: %s, want %s", tc.args, tc.last, got, tc.want)
		}
	}
	if _, err := resolveRecording(nil, true, filepath.Join(dir, "none")); err == nil || !strings.Contains(err.Error(), "no recorded sessions") {
		t.Errorf("--last with no sessions: %v", err)
	}
}

func TestReplayBadInvocations(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"replay"}, 2, "give one FILE"},
		{[]string{"replay", "--speed", "3", "x.cast"}, 2, "--speed 3"},
		{[]string{"replay", "--json", "x.cast"}, 2, "--json goes with --scan"},
		{[]string{"replay", "--last"}, 1, "no recorded sessions"},
		{[]string{"replay", "deadbeef"}, 1, "no recorded session with that id"},
	} {
		_, stderr, code := runPiped(t, e, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) || strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

// recordDemo records the demo into the default sessions directory of e and
// returns the recording's path.
func recordDemo(t *testing.T, e env) string {
	t.Helper()
	if _, stderr, code := runPiped(t, e, "", "demo", "--headless", "--speed", "500"); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	recs := e.recordings(t)
	if len(recs) != 1 {
		t.Fatalf("recordings: %v", recs)
	}
	return recs[0]
}

func TestReplayScan(t *testing.T) {
	e := newEnv(t)
	path := recordDemo(t, e)
	id := strings.TrimSuffix(filepath.Base(path)[len("20260424T090000Z-"):], ".cast")

	out, _, code := runPiped(t, e, "", "replay", "--scan", "--json", id)
	if code != 1 {
		t.Fatalf("replay --scan exit %d, want 1 (the volumeDelete would pause)\n%s", code, out)
	}
	paused := false
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev scanEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if ev.Time == nil {
			t.Errorf("no time offset: %s", l)
		}
		paused = paused || ev.Verdict.String() == "pause" && strings.Contains(ev.Command, "volumeDelete")
	}
	if !paused {
		t.Fatalf("no pause on volumeDelete:\n%s", out)
	}
	text, _, code := runPiped(t, e, "", "replay", "--scan", "--last")
	if code != 1 || !strings.Contains(text, "volumeDelete") || !strings.Contains(text, "PAUSE") {
		t.Fatalf("replay --scan --last: exit %d\n%s", code, text)
	}

	// A recording where nothing would pause exits 0.
	calm := filepath.Join(e.home, "calm.cast")
	os.WriteFile(calm, []byte(`{"version":2,"width":80,"height":24}`+"\n"+`[0.1, "o", "$ ls\r\nREADME.md\r\n"]`+"\n"), 0o600)
	if out, stderr, code := runPiped(t, e, "", "replay", "--scan", calm); code != 0 {
		t.Fatalf("calm recording: exit %d\n%s%s", code, out, stderr)
	}
}

// replay --scan gives each finding's place on the timeline the console
// shows (pauses capped by --idle-limit) and, when that differs, as recorded.
func TestReplayScanUsesTheReplayTimeline(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.home, "slow.cast")
	os.WriteFile(path, []byte(`{"version":2,"width":80,"height":24}`+"\n"+
		`[0.5, "o", "$ ls\r\nREADME.md\r\n"]`+"\n"+
		`[60.5, "o", "$ rm -rf /var/lib/postgresql/data\r\n"]`+"\n"), 0o600)
	for _, c := range []struct {
		flags          []string
		time, recorded float64 // recorded 0: not given
	}{
		{nil, 2.5, 60.5}, // replay's default idle limit is 2 s
		{[]string{"--idle-limit", "10s"}, 10.5, 60.5},
		{[]string{"--idle-limit", "0"}, 60.5, 0},
	} {
		args := append(append([]string{"replay"}, c.flags...), "--scan", "--json", path)
		out, stderr, code := runPiped(t, e, "", args...)
		if code != 1 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, stderr)
		}
		var ev scanEvent
		if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &ev); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		got := [2]float64{-1, 0}
		if ev.Time != nil {
			got[0] = *ev.Time
		}
		if ev.Recorded != nil {
			got[1] = *ev.Recorded
		}
		if math.Abs(got[0]-c.time) > 1e-6 || math.Abs(got[1]-c.recorded) > 1e-6 {
			t.Fatalf("%v: time %v recorded %v, want %v and %v", args, got[0], got[1], c.time, c.recorded)
		}
	}
	text, _, _ := runPiped(t, e, "", "replay", "--scan", path)
	if !strings.Contains(text, "0:02.5 (recorded 1:00.5, line 3)") {
		t.Fatalf("text report:\n%s", text)
	}
}

// The newcomer's path from issue 6: record the demo, replay it, press n and
// land on the moment the deletion was stopped.
func TestReplayConsoleJumpsToTheFinding(t *testing.T) {
	e := newEnv(t)
	path := recordDemo(t, e)
	rec, err := replay.Open(path, replay.Options{IdleLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	first, ok := rec.NextMarker(-1, replay.KindFinding, replay.KindDecision, replay.KindAudit)
	rec.Close()
	if !ok {
		t.Fatal("the demo's recording has no finding")
	}

	c := startConsole(t, e, 140, 40, "replay", "--last", "--speed", "0.25")
	c.waitFor("REPLAY", "events", "space play/pause")
	c.send(" ") // pause at the start
	c.waitFor("PAUSED")
	c.send("n")
	row := fmt.Sprintf("▶%7s", clockText(first.Time))
	// The start marker may share the finding's second: wait for the
	// highlight to sit on the finding's own row.
	highlighted := func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if i := strings.Index(l, row); i >= 0 && strings.Contains(l[i:], first.Label[:12]) {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(patience)
	s := c.screen()
	for !highlighted(s) {
		if time.Now().After(deadline) {
			t.Fatalf("the highlighted event is not %q:\n%s", first.Label, s)
		}
		time.Sleep(20 * time.Millisecond)
		s = c.screen()
	}
	if !strings.Contains(s, "PAUSED") || !strings.Contains(s, clockText(first.Time)+" / ") {
		t.Fatalf("n should pause at the finding (%s):\n%s", clockText(first.Time), s)
	}
	c.send("?")
	c.waitFor("sentinel replay · keys")
	c.send("x")
	c.send("q")
	if code := c.exitCode(); code != 0 {
		t.Fatalf("replay exit %d\n%s", code, c.screen())
	}
}

// clockText is how the console writes a marker's time (mm:ss).
func clockText(sec float64) string {
	s := int(sec + 0.5)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
