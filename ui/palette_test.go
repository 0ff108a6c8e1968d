package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
)

func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, k(r))
	}
}

var (
	enterKey = tea.KeyPressMsg{Code: tea.KeyEnter}
	escKey   = tea.KeyPressMsg{Code: tea.KeyEscape}
)

func TestPaletteOpensAfterThePrefixAndFilters(t *testing.T) {
	m, _, fa := newTestModel(120, 30)
	press(m, prefixKey, k('p'))
	if m.overlay != overlayPalette {
		t.Fatal("prefix p did not open the palette")
	}
	all := len(m.palette.matches)
	if want := 5 + len(detect.Rules()); all != want {
		t.Fatalf("palette lists %d items, want 5 actions and %d rules", all, len(detect.Rules()))
	}
	typeText(m, "zom")
	it, ok := m.palette.selected()
	if !ok || it.title != "zoom" {
		t.Fatalf("zom selects %+v", it)
	}
	if len(m.palette.matches) >= all {
		t.Fatalf("typing did not narrow the palette: %d of %d", len(m.palette.matches), all)
	}
	if !strings.Contains(plain(m), "> zom") {
		t.Errorf("the query is not shown:\n%s", plain(m))
	}
	press(m, enterKey)
	if m.overlay != overlayNone || !m.zoom {
		t.Fatalf("enter on zoom: overlay %v, zoom %v", m.overlay, m.zoom)
	}
	// Nothing typed into the palette reached the agent.
	for _, c := range fa.got() {
		if strings.HasPrefix(c, "key") {
			t.Errorf("the agent got %q", c)
		}
	}
}

func TestPaletteJumpsToAnEvent(t *testing.T) {
	m, _, _ := newTestModel(120, 30)
	m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventStart, Text: "started claude"})
	m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventFinding, Text: "#1 critical cloud-volume-delete [exec]: curl volumeDelete"})
	for i := range 40 {
		m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventNotice, Text: "later notice " + string(rune('a'+i%26))})
	}
	press(m, prefixKey, k('p'))
	typeText(m, "curl volumedelete")
	it, ok := m.palette.selected()
	if !ok || it.kind != "event" || it.event != 1 {
		t.Fatalf("selected %+v", it)
	}
	press(m, enterKey)
	if m.focus != focusEvents {
		t.Fatal("the events pane is not focused")
	}
	in := m.layout.EventsInner
	rows, _ := m.eventsWindow(in.W, in.H, m.events.back)
	if !strings.Contains(ansi.Strip(strings.Join(rows, "")), "volumeDelete") {
		t.Fatalf("the event is not in view: %q", rows)
	}
	if !strings.Contains(plain(m), "volumeDelete") {
		t.Errorf("not on screen:\n%s", plain(m))
	}
}

func TestPaletteRuleShowsItsDescriptionAndEscCloses(t *testing.T) {
	m, _, _ := newTestModel(120, 30)
	r := detect.Rules()[0]
	press(m, prefixKey, k('p'))
	typeText(m, r.ID)
	press(m, enterKey)
	if !strings.Contains(m.notice, r.ID) || !strings.Contains(m.notice, r.Description[:10]) {
		t.Errorf("notice %q", m.notice)
	}
	press(m, prefixKey, k('p'), k('q'), escKey)
	if m.overlay != overlayNone || m.quitting {
		t.Errorf("esc: overlay %v quitting %v", m.overlay, m.quitting)
	}
	// q then enter in the palette is the quit action: it asks first.
	press(m, prefixKey, k('p'))
	typeText(m, "quit")
	press(m, enterKey)
	if m.overlay != overlayQuit {
		t.Errorf("quit from the palette did not ask: overlay %v", m.overlay)
	}
}
