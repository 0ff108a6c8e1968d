package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
)

// paletteItem is one thing the command palette can pick: an action (run
// as if its key was pressed: after the prefix in the live console, as is in
// replay), a rule (its description is shown), an event (the events pane
// jumps to it) or a replay's marker (the replay seeks to it).
type paletteItem struct {
	kind   string // "action", "rule", "event", "marker"
	title  string
	detail string
	key    tea.KeyPressMsg // action: the key that runs it
	event  int             // event: index in the event list
	at     float64         // marker: its time in the recording
	sev    string          // rule: severity, for its mark
}

// String is what the filter matches: a rule's or action's name (their
// descriptions are long prose that matches almost any few letters), an
// event's time, kind and text.
func (it paletteItem) String() string {
	if it.kind == "event" || it.kind == "marker" {
		return it.title + " " + it.detail
	}
	return it.title
}

type paletteItems []paletteItem

func (p paletteItems) String(i int) string { return p[i].String() }
func (p paletteItems) Len() int            { return len(p) }

// palette is the fuzzy command palette (prefix, p in the live console;
// ctrl-p or : in replay): a plain sub-component of either console's model,
// which builds its items when it opens and acts on the one picked.
type palette struct {
	query   string
	items   paletteItems
	matches []int // indexes into items, best first
	sel     int
}

func (p *palette) open(items []paletteItem) {
	*p = palette{items: items}
	p.refilter()
}

func (p *palette) refilter() {
	p.matches = p.matches[:0]
	if p.query == "" {
		for i := range p.items {
			p.matches = append(p.matches, i)
		}
	} else {
		for _, m := range fuzzy.FindFrom(p.query, p.items) {
			p.matches = append(p.matches, m.Index)
		}
	}
	p.sel = 0
}

func (p *palette) move(n int) {
	p.sel = max(0, min(p.sel+n, len(p.matches)-1))
}

func (p *palette) typed(s string) {
	p.query += screen.OneLine(sanitize(s), 0)
	p.refilter()
}

func (p *palette) backspace() {
	if r := []rune(p.query); len(r) > 0 {
		p.query = string(r[:len(r)-1])
		p.refilter()
	}
}

func (p *palette) selected() (paletteItem, bool) {
	if p.sel >= len(p.matches) {
		return paletteItem{}, false
	}
	return p.items[p.matches[p.sel]], true
}

// render draws the palette box at most w wide and h high.
func (p *palette) render(t themes.Theme, w, h int) string {
	inner := max(min(w-4, 90), 20)
	rows := max(min(h-6, 14), 1)
	var b strings.Builder
	b.WriteString(t.DialogTitle.Render("sentinel · palette") + t.Hint.Render(fmt.Sprintf("  %d of %d", len(p.matches), len(p.items))))
	b.WriteString("\n" + t.DialogKey.Render("> ") + p.query + t.DialogKey.Render("█"))
	top := max(0, p.sel-rows+1)
	for i := top; i < len(p.matches) && i < top+rows; i++ {
		it := p.items[p.matches[i]]
		tag := it.kind
		if it.kind == "rule" {
			tag = "rule " + themes.SeverityMark(it.sev)
		}
		tag = fmt.Sprintf("%-8s", tag)
		line := ansi.Truncate(tag+it.title+"  "+it.detail, inner, "…")
		line += strings.Repeat(" ", max(0, inner-ansi.StringWidth(line)))
		if i == p.sel {
			line = lipgloss.NewStyle().Reverse(true).Render(line)
		} else {
			line = t.Hint.Render(ansi.Truncate(tag, inner, "")) + ansi.Truncate(it.title+"  "+it.detail, max(0, inner-ansi.StringWidth(tag)), "…")
		}
		b.WriteString("\n" + line)
	}
	if len(p.matches) == 0 {
		b.WriteString("\n" + t.Placeholder.Render("nothing matches"))
	}
	b.WriteString("\n" + t.Hint.Render("type to filter · ↑/↓ move · enter run · esc close"))
	return t.Dialog.Padding(0, 1).Render(b.String())
}

// paletteItems lists the console's actions, the rules and the events
// (newest first).
func (m *Model) paletteItems() []paletteItem {
	km := m.keys
	items := []paletteItem{
		{kind: "action", title: "help", detail: km.Help.Help().Desc, key: k1('?')},
		{kind: "action", title: "zoom", detail: km.Zoom.Help().Desc, key: k1('z')},
		{kind: "action", title: "events", detail: km.Events.Help().Desc, key: k1('e')},
		{kind: "action", title: "scroll", detail: km.Scroll.Help().Desc, key: k1('[')},
		{kind: "action", title: "quit", detail: km.Quit.Help().Desc, key: k1('q')},
	}
	for _, r := range detect.Rules() {
		items = append(items, ruleItem(r))
	}
	for i := len(m.events.items) - 1; i >= 0; i-- {
		e := m.events.items[i]
		items = append(items, paletteItem{kind: "event", title: e.Time.Local().Format("15:04:05") + " " + e.Kind.String(), detail: e.Text, event: i})
	}
	return items
}

func ruleItem(r detect.Rule) paletteItem {
	return paletteItem{kind: "rule", title: r.ID, detail: r.Severity.String() + " · " + r.Description, sev: r.Severity.String()}
}

func k1(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// paletteResult is what a key did to the open palette.
type paletteResult int

const (
	paletteStays  paletteResult = iota // still open
	paletteClosed                      // esc
	palettePicked                      // enter on an item: act on it
)

// key handles a key while the palette is open; on palettePicked the item
// is the one picked and the palette is to be closed.
func (p *palette) key(k tea.KeyPressMsg) (paletteItem, paletteResult) {
	switch k.String() {
	case "esc":
		return paletteItem{}, paletteClosed
	case "up", "ctrl+p":
		p.move(-1)
	case "down", "ctrl+n":
		p.move(1)
	case "pgup":
		p.move(-10)
	case "pgdown":
		p.move(10)
	case "backspace":
		p.backspace()
	case "enter":
		if it, ok := p.selected(); ok {
			return it, palettePicked
		}
	default:
		if k.Text != "" && k.Mod&^tea.ModShift == 0 {
			p.typed(k.Text)
		}
	}
	return paletteItem{}, paletteStays
}

// paletteKey handles a key while the palette is open.
func (m *Model) paletteKey(k tea.KeyPressMsg) tea.Cmd {
	it, res := m.palette.key(k)
	if res == paletteStays {
		return nil
	}
	m.overlay = overlayNone
	if res == paletteClosed {
		return nil
	}
	switch it.kind {
	case "action":
		return m.command(it.key)
	case "rule":
		m.notice = it.title + ": " + it.detail
	case "event":
		m.jumpToEvent(it.event)
	}
	return nil
}

// jumpToEvent focuses the events pane scrolled so event i is its newest
// line, or, for one of the oldest, so the oldest is at the top.
func (m *Model) jumpToEvent(i int) {
	if m.layout.Events.W == 0 {
		m.notice = "no room for the events pane at this size"
		return
	}
	m.focus = focusEvents
	m.events.back = 0
	m.scrollEvents(len(m.events.items) - 1 - i)
}
