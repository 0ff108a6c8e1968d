package ui

import (
	"fmt"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session"
)

// tinySizes are the terminal sizes every view must survive: every size up
// to 30x12, and a terminal one row high or one column wide.
func tinySizes() [][2]int {
	var sizes [][2]int
	for w := 1; w <= 30; w++ {
		for h := 1; h <= 12; h++ {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	return append(sizes, [2]int{200, 1}, [2]int{1, 50}, [2]int{200, 6}, [2]int{80, 7}, [2]int{40, 3})
}

// fitsTerminal renders view and reports a panic, more lines than rows or a
// line wider than the terminal, naming the view and the size.
func fitsTerminal(t *testing.T, name string, w, h int, view func() string) {
	t.Helper()
	var out string
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%s at %dx%d panics: %v\n%s", name, w, h, r, debug.Stack())
			}
		}()
		out = view()
	}()
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%s at %dx%d: %d lines", name, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%s at %dx%d: line %d is %d cells wide: %q", name, w, h, i, lw, ansi.Strip(l))
		}
	}
}

// safely runs f (key presses, a resize), reporting a panic as an error;
// it says whether f returned.
func safely(t *testing.T, what string, f func()) (ok bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panics: %v\n%s", what, r, debug.Stack())
		}
	}()
	f()
	return true
}

// The console never panics and never draws outside the terminal, at any
// size: each of its views (panes, zoom, scrollback, help, palette, quit,
// the decision dialog and its details and edit views) from 1x1 up.
func TestConsoleSurvivesTinyTerminals(t *testing.T) {
	for _, size := range tinySizes() {
		w, h := size[0], size[1]
		variants := []struct {
			name  string
			setup func(m *Model)
		}{
			{"panes", func(m *Model) {}},
			{"zoom", func(m *Model) { press(m, prefixKey, k('z')) }},
			{"scrollback", func(m *Model) { press(m, prefixKey, k('['), k('k')) }},
			{"help", func(m *Model) { press(m, prefixKey, k('?')) }},
			{"palette", func(m *Model) { press(m, prefixKey, k('p'), k('e')) }},
			{"quit", func(m *Model) { press(m, prefixKey, k('q')) }},
			{"exited", func(m *Model) { m.Update(AgentExited{Status: session.ExitStatus{Code: 1}}) }},
			{"dialog", func(m *Model) { hold(m, heldAction(1, session.SourceExec)) }},
			{"dialog queue", func(m *Model) {
				for i := 1; i <= 3; i++ {
					a := heldAction(i, session.SourceHook)
					a.Agent, a.AgentSession, a.Description = "claude", "s-1", "Deletes the stale staging volume."
					hold(m, a)
				}
			}},
			{"dialog details", func(m *Model) { hold(m, heldAction(1, session.SourceExec)); press(m, k('?')) }},
			{"dialog edit", func(m *Model) { hold(m, heldAction(1, session.SourceExec)); press(m, k('e')) }},
			{"dialog help", func(m *Model) {
				hold(m, heldAction(1, session.SourceExec))
				press(m, prefixKey, k('?'))
			}},
		}
		for _, v := range variants {
			var m *Model
			safely(t, fmt.Sprintf("console %s at %dx%d", v.name, w, h), func() {
				m, _, _ = newTestModel(w, h)
				v.setup(m)
			})
			if m == nil {
				continue
			}
			fitsTerminal(t, "console "+v.name, w, h, func() string { return m.View().Content })
		}
		// As the terminal shrinks under a console already running (tmux
		// resize-window), with an action held.
		var m *Model
		safely(t, fmt.Sprintf("console resized to %dx%d", w, h), func() {
			m, _, _ = newTestModel(80, 24)
			hold(m, heldAction(1, session.SourceExec))
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		})
		if m != nil {
			fitsTerminal(t, "console resized", w, h, func() string { return m.View().Content })
		}
	}
}

// A held action is decided on a terminal of any size: the dialog shows at
// least that the agent is frozen and the keys, and the keys work.
func TestDialogOnAShortTerminalStillDecides(t *testing.T) {
	for _, size := range [][2]int{{80, 7}, {200, 6}, {30, 6}, {80, 3}, {80, 1}, {40, 2}, {30, 11}} {
		w, h := size[0], size[1]
		m, _, fa := newTestModel(w, h)
		hold(m, heldAction(1, session.SourceExec))
		// The dialog itself fits (the status bar stays when there are
		// two rows or more), not only what the terminal shows of it.
		box := m.decisionBox()
		if bh := lipgloss.Height(box); bh > max(h-1, 1) || lipgloss.Width(box) > w {
			t.Errorf("%dx%d: the dialog is %dx%d", w, h, lipgloss.Width(box), bh)
		}
		first := strings.Split(ansi.Strip(box), "\n")[min(1, lipgloss.Height(box)-1)]
		if h < 4 {
			first = strings.Split(ansi.Strip(box), "\n")[0] // no border
		}
		if !strings.Contains(first, "FROZEN") || !regexp.MustCompile(`\ba\b.*\bd\b.*\bk\b`).MatchString(first) {
			t.Errorf("%dx%d: the dialog does not say the agent is frozen and how to decide:\n%s", w, h, ansi.Strip(box))
		}
		press(m, k('d'))
		m.Close()
		if got := decisions(fa); len(got) != 1 || !strings.Contains(got[0], "deny") {
			t.Errorf("%dx%d: d decided %q", w, h, got)
		}
	}
}

// The replay console, its help, palette and search survive every size.
func TestReplaySurvivesTinyTerminals(t *testing.T) {
	h := newReplayHarness(t, filepath.Join("testdata", "replay_demo.cast"))
	h.m.Update(h.m.loadText()())
	m := h.m
	for _, size := range tinySizes() {
		w, ht := size[0], size[1]
		variants := []struct {
			name  string
			setup func()
		}{
			{"panes", func() {}},
			{"help", func() { m.Update(keyText("?")) }},
			{"palette", func() { m.Update(keyText(":")); m.Update(keyText("e")) }},
			{"search", func() { m.Update(keyText("/")); m.Update(keyText("x")) }},
			{"search many", func() {
				m.Update(keyText("/"))
				for _, r := range "ls" {
					m.Update(keyText(string(r)))
				}
			}},
			{"notice", func() { m.notice = "replay: something went wrong while reading the recording" }},
		}
		for _, v := range variants {
			name := fmt.Sprintf("replay %s at %dx%d", v.name, w, ht)
			ok := safely(t, name, func() {
				m.help, m.search.active, m.paletteOpen, m.notice = false, false, false, ""
				m.Update(tea.WindowSizeMsg{Width: w, Height: ht})
				v.setup()
			})
			if ok {
				fitsTerminal(t, "replay "+v.name, w, ht, func() string { return m.View().Content })
			}
		}
	}
}

// The sessions list survives every size, filtering and asking to delete.
func TestSessionsSurviveTinyTerminals(t *testing.T) {
	for _, size := range tinySizes() {
		w, h := size[0], size[1]
		for _, v := range []struct {
			name string
			keys []string
		}{{"list", nil}, {"filter", []string{"/", "c"}}, {"delete", []string{"d"}}} {
			var m *Sessions
			safely(t, fmt.Sprintf("sessions %s at %dx%d", v.name, w, h), func() {
				m = newSessions(t, sampleEntries(t.TempDir()), SessionsConfig{})
				m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				pressList(t, m, v.keys...)
			})
			if m != nil {
				fitsTerminal(t, "sessions "+v.name, w, h, func() string { return m.View().Content })
			}
		}
	}
}
