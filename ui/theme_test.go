package ui

import (
	"image/color"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/themes"
)

// TestEveryThemeRendersPanesAndDialog: in each theme the console draws its
// panes, events, the decision dialog and the help box within the terminal,
// paints its background when chosen, and uses no colour when monochrome.
func TestEveryThemeRendersPanesAndDialog(t *testing.T) {
	for _, name := range themes.Names() {
		th, err := themes.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		m, _, _ := newTestModel(120, 40)
		m.cfg.Theme = th
		now := m.cfg.Started
		for _, k := range []session.EventKind{session.EventStart, session.EventNotice, session.EventFinding, session.EventDecision, session.EventError} {
			m.Update(SessionEvent{Event: session.Event{Time: now, Kind: k, Text: k.String() + " event text"}})
		}
		out := plain(m)
		for _, want := range []string{"sentinel", "0badcafe", "agent line 3", "found  found event text", "error  error event text", "╭", "╰"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: console lacks %q:\n%s", name, want, out)
			}
		}
		checkFrame(t, name, th, m)

		a := heldAction(1, session.SourceExec)
		hold(m, a)
		out = plain(m)
		sev := a.Top().Severity.String()
		for _, want := range []string{"AGENT FROZEN", themes.SeverityMark(sev) + " " + strings.ToUpper(sev), a.Top().Rule, "volumeDelete", "d deny", "FROZEN", "┏"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: dialog lacks %q:\n%s", name, want, out)
			}
		}
		match, _, _ := strings.Cut(th.Match.Render("x"), "x")
		if !strings.Contains(m.decisionBox(), match) { // before the overlay re-encodes the cells
			t.Errorf("%s: no matched bytes in the theme's Match style %q", name, match)
		}
		checkFrame(t, name, th, m)

		m2, _, _ := newTestModel(120, 40)
		m2.cfg.Theme = th
		press(m2, prefixKey, k('?'))
		if out := plain(m2); !strings.Contains(out, "sentinel · keys") {
			t.Errorf("%s: help box missing:\n%s", name, out)
		}
		checkFrame(t, name, th, m2)
	}
}

func checkFrame(t *testing.T, name string, th themes.Theme, m *Model) {
	t.Helper()
	v := m.View()
	for i, l := range strings.Split(v.Content, "\n") {
		if w := ansi.StringWidth(l); w > 120 {
			t.Errorf("%s: line %d is %d cells wide", name, i, w)
		}
	}
	colour := strings.Contains(v.Content, "38;2;") || strings.Contains(v.Content, "48;2;")
	if th.Mono && colour {
		t.Errorf("%s: monochrome frame has colour", name)
	}
	if !th.Mono && !colour {
		t.Errorf("%s: colour theme drew no colour", name)
	}
	if !th.Mono && !sameColour(v.BackgroundColor, th.Palette.Bg) {
		t.Errorf("%s: the terminal's background is set to %v, want the theme's %v", name, v.BackgroundColor, th.Palette.Bg)
	}
	if th.Mono && (v.BackgroundColor != nil || v.ForegroundColor != nil) {
		t.Errorf("%s: monochrome sets terminal colours", name)
	}
}

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}

// TestThemeFollowsTheTerminal: without a chosen theme the console asks for
// the background and takes dark or light from the answer; NO_COLOR (any
// value) and colourless terminals make it monochrome for good; a chosen
// theme ignores the background.
func TestThemeFollowsTheTerminal(t *testing.T) {
	m, _, _ := newTestModel(100, 30)
	if !m.cfg.Theme.Auto {
		t.Fatal("a console without a theme is not automatic")
	}
	if !asksForBackground(m.Init()) {
		t.Error("Init does not ask the terminal for its background")
	}
	m.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#FDF6E3")})
	if m.cfg.Theme.Name != "light" {
		t.Errorf("light background: theme %q", m.cfg.Theme.Name)
	}
	if v := m.View(); v.BackgroundColor != nil {
		t.Error("the automatic theme repaints the terminal's own background")
	}
	m.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#101010")})
	if m.cfg.Theme.Name != "dark" {
		t.Errorf("dark background: theme %q", m.cfg.Theme.Name)
	}

	hc, _ := themes.ByName("high-contrast")
	m2, _, _ := newTestModel(100, 30)
	m2.cfg.Theme = hc
	if asksForBackground(m2.Init()) {
		t.Error("a chosen theme still asks for the background")
	}
	m2.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#FFFFFF")})
	if m2.cfg.Theme.Name != "high-contrast" {
		t.Errorf("a chosen theme was replaced by %q", m2.cfg.Theme.Name)
	}

	for what, msg := range map[string]tea.Msg{
		"NO_COLOR=yes": tea.EnvMsg{"TERM=xterm-256color", "NO_COLOR=yes"},
		"ASCII":        tea.ColorProfileMsg{Profile: colorprofile.ASCII},
		"NoTTY":        tea.ColorProfileMsg{Profile: colorprofile.NoTTY},
	} {
		m3, _, _ := newTestModel(100, 30)
		m3.cfg.Theme = hc
		m3.Update(msg)
		m3.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#FFFFFF")})
		if !m3.cfg.Theme.Mono {
			t.Errorf("%s: theme %q, want monochrome", what, m3.cfg.Theme.Name)
		}
	}
	m4, _, _ := newTestModel(100, 30)
	m4.Update(tea.EnvMsg{"NO_COLOR="})
	m4.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	if m4.cfg.Theme.Mono {
		t.Error("an empty NO_COLOR or a 256-colour terminal made the console monochrome")
	}
}

// asksForBackground finds tea.RequestBackgroundColor among Init's commands
// without running them (the clock's tick would sleep).
func asksForBackground(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	want := reflect.ValueOf(tea.RequestBackgroundColor).Pointer()
	if reflect.ValueOf(cmd).Pointer() == want {
		return true
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if c != nil && reflect.ValueOf(c).Pointer() == want {
					return true
				}
			}
		}
	case <-time.After(2 * time.Second):
	}
	return false
}
