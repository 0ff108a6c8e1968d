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

// A damaged line (torn, a time out of range or negative, a NUL in the
// data) is skipped and named FILE:LINE on stderr, and everything after it
// is still scanned: the rm -rf / on the last line is found. The exit status
// is 1 when anything would pause, else 2 when lines were skipped.
func TestScanSkipsDamagedLinesAndScansTheRest(t *testing.T) {
	e := newEnv(t)
	header := `{"version":2,"width":80,"height":24}`
	rm := `[0.3,"o","$ rm -rf /\r\n"]`
	for name, bad := range map[string]string{
		"torn":     `[0.2,"o","oops`,
		"huge":     `[1e400,"o","x"]`,
		"negative": `[-5,"o","hello\r\n"]`, // the first event
		"nul":      "[0.2,\"o\",\"a\x00b\"]",
	} {
		path := filepath.Join(e.home, name+".cast")
		os.WriteFile(path, []byte(header+"\n"+bad+"\n"+`[0.1,"o","hello\r\n"]`+"\n"+rm+"\n"), 0o600)
		for _, args := range [][]string{{"scan", path}, {"scan", "--json", path}, {"replay", "--scan", path}, {"scan", "-"}} {
			stdin := ""
			if args[1] == "-" {
				stdin = mustRead(t, path)
			}
			out, stderr, code := runPiped(t, e, stdin, args...)
			file := path
			if args[1] == "-" {
				file = "stdin"
			}
			if code != 1 || !strings.Contains(out, "rm -rf /") || !strings.Contains(out, "files.delete-root") {
				t.Errorf("%s %v: exit %d, want 1 and the rm -rf / reported\n%s%s", name, args, code, out, stderr)
			}
			if !strings.Contains(stderr, "sentinel: "+file+":2: ") || !strings.Contains(stderr, "1 damaged line(s) skipped") {
				t.Errorf("%s %v: damaged line 2 not named: %q", name, args, stderr)
			}
		}
	}
	// Nothing pauses in what could be read: exit 2, not 0.
	calm := filepath.Join(e.home, "calm.cast")
	os.WriteFile(calm, []byte(header+"\n"+`[0.1,"o","$ ls\r\n"]`+"\n"+`[0.2,"o","to`+"\n"+`[0.3,"o","$ pwd\r\n"]`+"\n"), 0o600)
	if out, stderr, code := runPiped(t, e, "", "scan", calm); code != 2 || !strings.Contains(stderr, calm+":3: ") {
		t.Errorf("calm, damaged: exit %d\n%s%s", code, out, stderr)
	}
}

// scan reads what replay plays: asciicast v1 (one line and pretty-printed)
// and v3, from a file or stdin.
func TestScanReadsEveryVersionReplayPlays(t *testing.T) {
	e := newEnv(t)
	files := map[string]string{
		"v1.json":        `{"version": 1, "width": 80, "height": 24, "stdout": [[0.5, "$ ls\r\n"], [0.25, "$ rm -rf /\r\n"]]}`,
		"v1-pretty.json": "{\n  \"version\": 1,\n  \"width\": 80,\n  \"height\": 24,\n  \"stdout\": [\n    [\n      0.5,\n      \"$ ls\\r\\n\"\n    ],\n    [\n      0.25,\n      \"$ rm -rf /\\r\\n\"\n    ]\n  ]\n}\n",
		"v3.cast":        "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n# a comment\n[0.5, \"o\", \"$ ls\\r\\n\"]\n[0.25, \"o\", \"$ rm -rf /\\r\\n\"]\n",
	}
	for name, body := range files {
		path := filepath.Join(e.home, name)
		os.WriteFile(path, []byte(body), 0o600)
		for _, c := range []struct {
			stdin string
			args  []string
		}{{"", []string{"scan", "--json", path}}, {body, []string{"scan", "--json", "-"}}, {"", []string{"replay", "--scan", "--json", "--idle-limit", "0", path}}} {
			out, stderr, code := runPiped(t, e, c.stdin, c.args...)
			var ev scanEvent
			if code != 1 || json.Unmarshal([]byte(strings.TrimSpace(out)), &ev) != nil || ev.Time == nil || *ev.Time != 0.75 || ev.Rule != "files.delete-root" {
				t.Errorf("%s %v: exit %d\n%s%s", name, c.args, code, out, stderr)
			}
		}
	}
}

// Everything scan prints about a finding came from the agent's output:
// control characters are shown as escapes, in text and in JSON (which
// escapes C0 itself, but not DEL or the C1 controls such as CSI, U+009B).
func TestScanOutputCarriesNoEscapes(t *testing.T) {
	e := newEnv(t)
	in := "$ rm -rf /tmp/x \x1b]0;PWN\x07 /srv/\xc2\x9b2J \x1b[2J\r\n"
	out, _, code := runPiped(t, e, in, "scan", "-")
	if code != 1 || strings.ContainsAny(out, "\x1b\x07\u009b") || !strings.Contains(out, `/srv/\x9b2J`) {
		t.Errorf("text: exit %d %q", code, out)
	}
	out, _, _ = runPiped(t, e, in, "scan", "--json", "-")
	if strings.ContainsAny(out, "\x1b\x07\u009b") || !strings.Contains(out, `\u009b`) {
		t.Errorf("json: %q", out)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
