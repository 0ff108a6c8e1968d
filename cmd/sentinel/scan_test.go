package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo, recorded, then scanned: the scanner must find the whole
// incident in the recording, with time offsets, and never print the tokens.
func TestScanFindsTheIncidentInARecording(t *testing.T) {
	e := newEnv(t)
	rec := filepath.Join(e.home, "demo.cast")
	if _, stderr, code := runPiped(t, e, "", "demo", "--headless", "--speed", "500", "--record", rec); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	out, _, code := runPiped(t, e, "", "scan", "--json", rec)
	if code != 1 {
		t.Fatalf("scan exit %d, want 1 (something pauses)\n%s", code, out)
	}
	var kinds []string
	var pause *scanEvent
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev scanEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, ev.Kind+"/"+ev.Verdict.String())
		if ev.Verdict.String() == "pause" && pause == nil {
			pause = &ev
		}
		if ev.Time == nil {
			t.Errorf("event without a time offset: %s", l)
		}
	}
	if pause == nil || !strings.Contains(pause.Command, "volumeDelete") || !strings.HasPrefix(pause.Rule, "http.graphql") {
		t.Fatalf("no pause on the volumeDelete call: %v", kinds)
	}
	if !strings.Contains(strings.Join(kinds, " "), "credential/warn") {
		t.Errorf("the root token the agent found was not reported: %v", kinds)
	}
	if strings.Contains(out, "rw_root_") && !strings.Contains(out, "rw_root_…") {
		t.Errorf("scan output carries a token in full")
	}
	raw, _ := os.ReadFile(rec)
	if !strings.Contains(string(raw), "rw_root_") {
		t.Fatal("the recording lacks the token the test relies on")
	}
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "rw_root_"); i >= 0 && !strings.HasPrefix(l[i+8:], "…") && !strings.Contains(l[i:i+20], "…") {
			t.Errorf("unmasked token in %s", l)
		}
	}
}

func TestScanRawOutputAndUsage(t *testing.T) {
	e := newEnv(t)
	out, _, code := runPiped(t, e, "\x1b[1m● Bash(git status)\x1b[0m\r\n  ⎿  On branch main\r\n● Bash(git push --force origin main)\r\n", "scan", "-")
	if code != 1 || !strings.Contains(out, "git.force-push") || !strings.Contains(out, "line 3") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	out, _, code = runPiped(t, e, "just prose about rm -rf / and why not to run it\n", "scan", "-")
	if code != 0 || out != "" {
		t.Fatalf("prose: exit %d %q", code, out)
	}
	if _, errOut, code := runPiped(t, e, "", "scan"); code != 2 || !strings.Contains(errOut, "give one FILE") {
		t.Fatalf("usage: exit %d %q", code, errOut)
	}
	if _, errOut, code := runPiped(t, e, "", "scan", "/no/such/file"); code != 2 || !strings.Contains(errOut, "/no/such/file") {
		t.Fatalf("missing file: exit %d %q", code, errOut)
	}
}
