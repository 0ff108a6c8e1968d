package ui

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session/catalog"
	"github.com/sentinel-console/sentinel/themes"
)

func sampleEntries(dir string) []catalog.Entry {
	at := func(h int) time.Time { return time.Date(2026, 4, 24, h, 0, 0, 0, time.Local) }
	return []catalog.Entry{
		{Path: filepath.Join(dir, "3.cast"), ID: "c0ffee01", Start: at(12), Command: "claude --dangerously-skip-permissions", Duration: 192, Findings: 2, Decisions: 1, Exit: "exit 0", Size: 12345},
		{Path: filepath.Join(dir, "2.cast"), ID: "beef0002", Start: at(11), Command: "codex", Duration: 40, Exit: "exit 1", Size: 800},
		{Path: filepath.Join(dir, "1.cast"), ID: "abad0003", Start: at(10), Command: "aider --yes", Duration: 4000, Size: 2_500_000, Note: "skipped 1 line(s), first line 9: torn last line"},
	}
}

// newSessions returns a loaded list: the load command is run as the
// program would, and its message fed back.
func newSessions(t *testing.T, entries []catalog.Entry, cfg SessionsConfig) *Sessions {
	t.Helper()
	cfg.Theme = themes.Monochrome()
	cfg.Dir = "/state/sessions"
	cfg.List = func() ([]catalog.Entry, error) { return entries, nil }
	m := NewSessions(cfg, 120, 20)
	runList(t, m, m.Init())
	return m
}

// run feeds a command's message back into the model, as bubbletea would.
func runList(t *testing.T, m *Sessions, cmd tea.Cmd) {
	t.Helper()
	for cmd != nil {
		msg := cmd()
		if _, ok := msg.(tea.QuitMsg); ok {
			return
		}
		_, cmd = m.Update(msg)
	}
}

func pressList(t *testing.T, m *Sessions, keys ...string) tea.Cmd {
	t.Helper()
	var last tea.Cmd
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		_, last = m.Update(msg)
	}
	return last
}

func ids(es []catalog.Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.ID)
	}
	return strings.Join(s, " ")
}

func TestSessionsListsNewestFirstWithColumns(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{})
	if got := ids(m.Rows()); got != "c0ffee01 beef0002 abad0003" {
		t.Fatalf("rows %q", got)
	}
	screen := ansi.Strip(m.Render())
	for _, want := range []string{"3 recordings", "STARTED", "2026-04-24 12:00", "claude --dangerously-skip-permissions", "3m12s", "1h06m", "12 KB", "2.5 MB", "exit 0", "—", "/s/3.cast"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if got := strings.Count(screen, "\n") + 1; got != 20 {
		t.Errorf("screen is %d lines, want the window's 20", got)
	}
	pressList(t, m, "down", "down")
	if !strings.Contains(ansi.Strip(m.Render()), "! skipped 1 line(s)") {
		t.Errorf("the selected broken recording's note is not shown:\n%s", ansi.Strip(m.Render()))
	}
}

func TestSessionsFuzzyFilterNarrowsRows(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{})
	pressList(t, m, "/", "c", "d", "x")
	if got := ids(m.Rows()); got != "beef0002" {
		t.Fatalf("filter cdx: rows %q, want only codex", got)
	}
	if !strings.Contains(ansi.Strip(m.Render()), "1 of 3 recordings") {
		t.Errorf("count not shown:\n%s", ansi.Strip(m.Render()))
	}
	pressList(t, m, "backspace", "backspace", "backspace", "a", "b", "a", "d")
	if got := ids(m.Rows()); got != "abad0003" {
		t.Fatalf("filter abad (by id): rows %q", got)
	}
	pressList(t, m, "backspace", "backspace", "backspace", "backspace", "0", "4", "-", "2", "4", " ", "1", "1")
	if got := ids(m.Rows()); !strings.HasPrefix(got, "beef0002") {
		t.Fatalf("filter by date 04-24 11: rows %q, want the 11:00 session first", got)
	}
	pressList(t, m, "esc")
	if got := ids(m.Rows()); got != "c0ffee01 beef0002 abad0003" {
		t.Fatalf("esc should clear the filter: rows %q", got)
	}
	pressList(t, m, "/", "z", "z", "z")
	if len(m.Rows()) != 0 || !strings.Contains(m.Render(), "nothing matches") {
		t.Errorf("filter zzz: rows %q", ids(m.Rows()))
	}
}

func TestSessionsKeysTypedIntoTheFilterAreNotCommands(t *testing.T) {
	removed := 0
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{Remove: func(string) error { removed++; return nil }})
	pressList(t, m, "/")
	if cmd := pressList(t, m, "d", "q", "y"); cmd != nil {
		t.Fatalf("typing d q y into the filter returned a command")
	}
	if m.filter != "dqy" || removed != 0 || m.confirm != "" {
		t.Fatalf("filter %q, removed %d, confirm %q", m.filter, removed, m.confirm)
	}
}

func TestSessionsDeleteAsksAndRemovesExactlyThatFile(t *testing.T) {
	dir := t.TempDir()
	entries := sampleEntries(dir)
	for _, e := range entries {
		if err := os.WriteFile(e.Path, []byte("{}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := newSessions(t, entries, SessionsConfig{})
	pressList(t, m, "/", "c", "d", "x", "enter")
	if cmd := pressList(t, m, "d"); cmd != nil {
		t.Fatal("d deleted without asking")
	}
	if !strings.Contains(m.Render(), "delete 2.cast?") {
		t.Fatalf("no question:\n%s", ansi.Strip(m.Render()))
	}
	// n keeps it.
	runList(t, m, pressList(t, m, "n"))
	if _, err := os.Stat(entries[1].Path); err != nil {
		t.Fatalf("n deleted the file: %v", err)
	}
	pressList(t, m, "d")
	runList(t, m, pressList(t, m, "y"))
	if _, err := os.Stat(entries[1].Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the selected file is still there: %v", err)
	}
	for _, e := range []catalog.Entry{entries[0], entries[2]} {
		if _, err := os.Stat(e.Path); err != nil {
			t.Errorf("another file went too: %v", err)
		}
	}
	if len(m.all) != 2 || len(m.Rows()) != 0 || !strings.Contains(m.Render(), "deleted 2.cast") {
		t.Errorf("after delete: all %d, rows %q\n%s", len(m.all), ids(m.Rows()), ansi.Strip(m.Render()))
	}
}

// Deleting the last recording of the list, or a reload that finds fewer
// recordings, leaves a consistent list: the rows once indexed the old one
// past the new one's end, and the list panicked.
func TestSessionsDeleteTheLastRowAndReloadFewer(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{Remove: func(string) error { return nil }})
	pressList(t, m, "G", "d")
	runList(t, m, pressList(t, m, "y"))
	if e, ok := m.Selected(); len(m.all) != 2 || !ok || e.ID != "beef0002" {
		t.Errorf("after deleting the last row: %d recordings, selected %q\n%s", len(m.all), e.ID, ansi.Strip(m.Render()))
	}
	pressList(t, m, "up")
	m.Update(sessionsLoaded{entries: sampleEntries("/s")[1:2]}) // c0ffee01 went meanwhile
	if e, ok := m.Selected(); !ok || e.ID != "beef0002" || len(m.Rows()) != 1 {
		t.Errorf("after a reload with fewer: selected %q, rows %q", e.ID, ids(m.Rows()))
	}
	m.Update(sessionsLoaded{err: errors.New("gone")})
	if _, ok := m.Selected(); ok || !strings.Contains(ansi.Strip(m.Render()), "cannot list") {
		t.Errorf("after a failed reload:\n%s", ansi.Strip(m.Render()))
	}
}

// The table shows as many rows as it has room for, and the selected one
// is always among them: it used to stop halfway down its room.
func TestSessionsTableUsesItsRows(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 8}) // room for 3 rows
	for _, keys := range [][]string{nil, {"G"}, {"g", "down"}} {
		pressList(t, m, keys...)
		screen := ansi.Strip(m.Render())
		for _, id := range []string{"c0ffee01", "beef0002", "abad0003"} {
			if !strings.Contains(screen, id) {
				t.Errorf("after %v: %s is not shown:\n%s", keys, id, screen)
			}
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 7}) // room for 2
	pressList(t, m, "G")
	if screen := ansi.Strip(m.Render()); !strings.Contains(screen, "abad0003") || !strings.Contains(screen, "beef0002") {
		t.Errorf("the selected last row or the one above it is not shown:\n%s", screen)
	}
}

func TestSessionsDeleteWarnsWhenTheSessionMayBeLive(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{})
	pressList(t, m, "d")
	if strings.Contains(m.Render(), "may still be running") {
		t.Errorf("a finished session is called live:\n%s", ansi.Strip(m.Render()))
	}
	pressList(t, m, "n", "G", "d")
	if !strings.Contains(m.Render(), "may still be running") {
		t.Errorf("a session with no exit marker is not flagged:\n%s", ansi.Strip(m.Render()))
	}
}

func TestSessionsDeleteErrorIsShown(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{Remove: func(string) error { return errors.New("permission denied") }})
	pressList(t, m, "d")
	runList(t, m, pressList(t, m, "y"))
	if len(m.all) != 3 || !strings.Contains(m.Render(), "not deleted: permission denied") {
		t.Errorf("failed delete: %d rows\n%s", len(m.all), ansi.Strip(m.Render()))
	}
}

func TestSessionsEnterOpensTheReplayOfTheSelection(t *testing.T) {
	var opened []string
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{Replay: func(path string) tea.Cmd {
		opened = append(opened, path)
		return func() tea.Msg { return ReplayDone{Path: path} }
	}})
	pressList(t, m, "down")
	runList(t, m, pressList(t, m, "enter"))
	if len(opened) != 1 || opened[0] != "/s/2.cast" {
		t.Fatalf("opened %q, want /s/2.cast", opened)
	}
	if e, _ := m.Selected(); e.Path != "/s/2.cast" {
		t.Errorf("after the replay the selection moved to %s", e.Path)
	}
}

func TestSessionsQuit(t *testing.T) {
	m := newSessions(t, sampleEntries("/s"), SessionsConfig{})
	cmd := pressList(t, m, "q")
	if cmd == nil {
		t.Fatal("q did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

// On an 80-column terminal the list keeps every column and leaves the
// command room to be read: short headers and dates, not "claude --…".
func TestSessionsFitEightyColumns(t *testing.T) {
	m := newSessions(t, sampleEntries(t.TempDir()), SessionsConfig{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	screen := ansi.Strip(m.Render())
	for _, want := range []string{"claude --dangerou", "3m12s", "12 KB", "2.5 MB", "exit 0", "FIND", "DEC"} {
		if !strings.Contains(screen, want) {
			t.Errorf("80 columns: %q is not shown:\n%s", want, screen)
		}
	}
	for i, l := range strings.Split(screen, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d columns wide: %q", i, w, l)
		}
	}
}

func TestFormatDurationOfDamagedTimes(t *testing.T) {
	// A recording's last event time is whatever the file says: 1e308 made
	// int() overflow to -9223372036854775808s.
	for s, want := range map[float64]string{0: "0s", 59.4: "59s", 61: "1m01s", 7260: "2h01m", -3: "0s", 1e308: "?", math.Inf(1): "?", math.NaN(): "?"} {
		if got := FormatDuration(s); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", s, got, want)
		}
	}
}
