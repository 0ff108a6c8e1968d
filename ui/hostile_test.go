package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session/catalog"
)

// hostile is what an agent can write into a recording or a file name to
// take over the operator's terminal: a window title (OSC), a screen clear,
// a colour, a C1 CSI (U+009B) and a bell.
const hostile = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mRED\x1b[0m\u009b31m"

// sgr is a style sequence, which the themes draw with.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// noControls reports any byte of out that would make the terminal do
// something: once the style sequences are taken out, no ESC, no BEL, no C1
// control (as UTF-8, \xc2\x80 to \xc2\x9f) and no byte that is not UTF-8
// (a bare C1 byte) may remain. Nothing sentinel draws sets the basic red
// (the themes set colours as RGB, monochrome none), so that is hostile's.
func noControls(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, "\x1b[31m") {
		t.Errorf("%s: the recording's colour reached the terminal: %q", what, out)
	}
	rest := sgr.ReplaceAllString(out, "")
	if !utf8.ValidString(rest) {
		t.Errorf("%s: bytes that are not UTF-8: %q", what, rest)
	}
	for _, r := range rest {
		if r == 0x1b || r == 0x07 || r >= 0x80 && r <= 0x9f {
			t.Errorf("%s: control %U reached the terminal: %q", what, r, rest)
			return
		}
	}
}

// hostileCast writes a recording with the hostile bytes in its file name,
// its header (command, title), its markers (start, a finding, the exit
// marker the EXIT column shows), its output and a damaged line.
func hostileCast(t *testing.T, dir string) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]any{"version": 2, "width": 40, "height": 8, "timestamp": 1777000000,
		"command": "agent " + hostile, "title": hostile})
	var b strings.Builder
	b.Write(hdr)
	b.WriteString("\n")
	ev := func(at float64, code, data string) {
		d, _ := json.Marshal(data)
		fmt.Fprintf(&b, "[%g, %q, %s]\n", at, code, d)
	}
	ev(0, "m", "start: agent "+hostile)
	// The agent's output is played by the emulator, in the pane: its
	// styles are the agent's to choose (red too), its other sequences go.
	ev(0.5, "o", "PWNED output \x1b]0;PWNED\x07\u009b2J\r\n")
	ev(1, "m", "pause #1 [exec gate] critical fs.rm-root: rm -rf / "+hostile)
	b.WriteString("[1.5, \"o\", \"" + hostile + "\n") // damaged: the skip note quotes it
	ev(2, "m", "exit: "+hostile)
	path := filepath.Join(dir, "20260424T090000Z-ab12cd34"+hostile+".cast")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The full-screen session list shows every field of a recording (id,
// command, exit, note, path) and of its summary as text: a recording cannot
// write to the operator's terminal through the list.
func TestSessionsListShowsRecordingsFieldsAsText(t *testing.T) {
	dir := t.TempDir()
	hostileCast(t, dir)
	listed, err := catalog.List(dir)
	if err != nil || len(listed) != 1 {
		t.Fatalf("catalog.List: %v, %d entries", err, len(listed))
	}
	// A summary as a damaged or crafted catalog cache could hold it.
	crafted := catalog.Entry{Path: filepath.Join(dir, hostile+".cast"), ID: hostile, Command: hostile, Exit: "exit: " + hostile, Note: hostile, Findings: 1}
	entries := append(listed, crafted)

	m := newSessions(t, entries, SessionsConfig{Remove: func(path string) error { return errors.New("cannot remove " + path) }})
	m.cfg.Dir = dir + hostile
	m.Update(tea.WindowSizeMsg{Width: 300, Height: 12})
	noControls(t, "list", m.View().Content)
	pressList(t, m, "down")
	noControls(t, "second row selected", m.View().Content)
	pressList(t, m, "d")
	noControls(t, "asking to delete", m.View().Content)
	runList(t, m, pressList(t, m, "y"))
	noControls(t, "failed delete", m.View().Content)
	m.Update(ReplayDone{Path: crafted.Path, Err: errors.New(hostile)})
	noControls(t, "failed replay", m.View().Content)
	m.Update(sessionsLoaded{err: errors.New(hostile)})
	noControls(t, "failed listing", m.View().Content)
}

// The replay console shows what it takes from a recording (its command,
// title, markers, output, file name, what was skipped and why) as text.
func TestReplayShowsRecordingsFieldsAsText(t *testing.T) {
	h := newReplayHarness(t, hostileCast(t, t.TempDir()))
	m := h.m
	m.Update(m.loadText()())
	// As cmd/sentinel opens it: the hint line names the damaged line.
	m.notice = h.rec.SkippedSummary()
	if m.notice == "" {
		t.Fatal("the damaged line was not skipped")
	}
	check := func(what string) {
		t.Helper()
		v := m.View()
		noControls(t, what, v.Content)
		noControls(t, what+" (window title)", v.WindowTitle)
	}
	for _, size := range [][2]int{{200, 30}, {80, 24}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		check(fmt.Sprintf("notice at %dx%d", size[0], size[1]))
		m.notice = ""
		h.press(keyText("n")) // the finding is the current marker, its label wrapped
		check("at the finding")
		h.press(keyText("/"))
		for _, r := range "PWNED" {
			h.press(keyText(string(r)))
		}
		check("search")
		h.press(tea.KeyPressMsg{Code: tea.KeyEscape})
		h.press(keyText(":"))
		for _, r := range "PWNED" {
			h.press(keyText(string(r)))
		}
		check("palette")
		h.press(tea.KeyPressMsg{Code: tea.KeyEscape})
		m.Update(replayFrame{seq: m.seq, pos: m.pos, frame: m.frame, err: errors.New(hostile)})
		check("player error")
		m.notice = h.rec.SkippedSummary()
	}
}

// The replay's hint line, like the console's, leaves out whole items on a
// narrow terminal, or ends with "…": never a word cut as if it were another.
func TestReplayHintLineDropsWholeItems(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	m := h.m
	items := regexp.MustCompile(`\s+·\s+`)
	for _, state := range []string{"play", "search", "palette"} {
		m.search.active, m.paletteOpen = state == "search", state == "palette"
		whole := map[string]bool{}
		for _, w := range []int{300, 80} { // every key, and the shorter list
			for _, it := range items.Split(strings.TrimSpace(plainText(m.hintLine(w))), -1) {
				whole[it] = true
			}
		}
		if state == "play" && !whole["q quit"] {
			t.Fatalf("80 columns: the short list lacks q quit: %v", whole)
		}
		for w := 4; w < 160; w++ {
			line := plainText(m.hintLine(w))
			if got := ansi.StringWidth(line); got != w {
				t.Errorf("%s at %d columns: the hint is %d wide", state, w, got)
			}
			got := items.Split(strings.TrimSpace(line), -1)
			for i, it := range got {
				if !whole[it] && !(i == len(got)-1 && strings.HasSuffix(it, "…")) {
					t.Errorf("%s at %d columns: %q is cut: %q", state, w, it, got)
				}
			}
		}
	}
}

// The search box fits a narrow terminal (it used to slice its matches' text
// to a negative width and panic).
func TestReplaySearchOnANarrowTerminal(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	h.m.Update(h.m.loadText()())
	for _, size := range [][2]int{{30, 10}, {25, 10}, {22, 24}, {20, 24}, {12, 5}} {
		h.m.search.active = false
		h.m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		h.press(keyText("/"))
		h.press(keyText("x"))
		if len(h.m.search.matches) == 0 {
			t.Fatalf("%v: x matches nothing", size)
		}
		fitsTerminal(t, "search", size[0], size[1], func() string { return h.m.View().Content })
	}
	if got := highlightMatch(h.m.cfg.Theme, "exit: exit 0", []int{0}, -2); got != "" {
		t.Errorf("no room: %q", got)
	}
}

// A block that may be cut but is empty (the details, until ? shows them)
// is left alone: cutting it to its first line panicked on a short terminal.
func TestFitBlocksLeavesEmptyBlocks(t *testing.T) {
	got := fitBlocks(2, "…", []dialogBlock{{lines: []string{"title", "rule"}}, {lines: nil, cut: 1}, {lines: []string{"why", "more"}, cut: 2}, {lines: []string{"keys"}}})
	if strings.Join(got, "|") != "title|rule|why|keys" {
		t.Errorf("got %q", got)
	}
}

func plainText(s string) string { return ansi.Strip(s) }
