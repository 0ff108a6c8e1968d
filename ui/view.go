package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
)

// fit pads or truncates a styled line to exactly w cells.
var fit = screen.Fit

func elapsed(d time.Duration) string {
	// The view's clock ticks once a second, so an action held since the
	// last tick is younger than "now": show that as no time at all.
	d = max(d, 0).Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", m, s)
}

// wrapText wraps text to width cells at spaces and breakpoints, inside
// hyphenated words, and within a word longer than the width, keeping
// command-line options whole (see keepOptionsWhole). A no-break space
// (U+00A0) holds two words together and comes out as a plain space.
func wrapText(s string, width int, breakpoints string) []string {
	wrapped := ansi.Hardwrap(ansi.Wordwrap(keepOptionsWhole(s), width, breakpoints), width, true)
	return strings.Split(strings.ReplaceAll(unkeepOptions(wrapped), "\u00a0", " "), "\n")
}

// nonBreakingHyphen stands in for '-' while x/ansi wraps a line.
const nonBreakingHyphen = "\u2011"

// keepOptionsWhole makes every hyphen that does not follow a letter or a
// digit non-breaking: x/ansi breaks a line after any hyphen, which cut
// command-line options apart ("curl -sS -X POST" came out as "-sS", "-",
// "X POST"). Hyphens inside words ("graphql-delete") still break.
// unkeepOptions puts them back once the line is wrapped.
func keepOptionsWhole(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		if r == '-' && !unicode.IsLetter(prev) && !unicode.IsDigit(prev) {
			b.WriteString(nonBreakingHyphen)
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func unkeepOptions(s string) string { return strings.ReplaceAll(s, nonBreakingHyphen, "-") }

// shortPath abbreviates the home directory and, if needed, the middle of
// the path, keeping the file name readable.
func shortPath(p string, w int) string {
	if home, err := homeDir(); err == nil && home != "/" && strings.HasPrefix(p, home+"/") {
		p = "~" + p[len(home):]
	}
	if ansi.StringWidth(p) <= w || w < 8 {
		return ansi.Truncate(p, max(w, 0), "…")
	}
	base := filepath.Base(p)
	if ansi.StringWidth(base)+2 >= w {
		return ansi.Truncate(base, w, "…")
	}
	head := ansi.Truncate(p, w-ansi.StringWidth(base)-2, "")
	return head + "…/" + base
}

// statusBar always shows the session, the agent's state and whether it is
// recorded; on narrow terminals it drops detail in steps to keep them.
func (m *Model) statusBar(w int) string {
	t := m.cfg.Theme
	for level := 0; ; level++ {
		bar, ok := m.statusBarAt(level, w)
		if ok || level == 3 {
			return t.Bar.Render(fit(bar, w))
		}
	}
}

func (m *Model) statusBarAt(level, w int) (string, bool) {
	t := m.cfg.Theme
	sep := t.Bar.Render("  ")
	state := t.StateRunning.Render("RUNNING")
	switch {
	case m.exited && m.status.Code == 0:
		state = t.StateExited.Render(fmt.Sprintf("EXITED(%d)", m.status.Code))
	case m.exited:
		state = t.StateFailed.Render(fmt.Sprintf("EXITED(%d)", m.status.Code))
	case m.quitting:
		state = t.StateExited.Render("ENDING")
	case m.dialog.open():
		state = t.StateFrozen.Render("FROZEN")
	}
	clock := t.BarField.Render(elapsed(m.now.Sub(m.cfg.Started)))
	counts := t.BarLabel.Render("findings ") + t.BarField.Render(fmt.Sprint(m.findings)) +
		t.BarLabel.Render(" · decisions ") + t.BarField.Render(fmt.Sprint(m.decisions))
	cmdWidth := 40
	if level >= 1 {
		counts = t.BarLabel.Render("f ") + t.BarField.Render(fmt.Sprint(m.findings)) +
			t.BarLabel.Render(" d ") + t.BarField.Render(fmt.Sprint(m.decisions))
		cmdWidth = 16
	}
	left := []string{t.BarBrand.Render(" sentinel")}
	if level < 3 {
		left = append(left, t.BarField.Render(m.cfg.SessionID))
	}
	left = append(left, t.BarField.Render(ansi.Truncate(m.cfg.Command, cmdWidth, "…")), state+t.Bar.Render(" ")+clock, counts)
	if m.zoom {
		left = append(left, t.StateExited.Render("ZOOM"))
	}
	if m.scroll > 0 {
		left = append(left, t.StateExited.Render(fmt.Sprintf("SCROLLBACK -%d", m.scroll)))
	}
	bar := strings.Join(left, sep) + sep
	room := w - ansi.StringWidth(bar) - 1
	var rec string
	switch {
	case m.cfg.Recording == "":
		rec = t.NotRecording.Render(" NOT RECORDING ")
	case m.recFailed:
		rec = t.NotRecording.Render(" RECORDING FAILED ")
	case level < 2 && room > 20:
		rec = t.Recording.Render("● REC ") + t.BarLabel.Render(shortPath(m.cfg.Recording, room-6))
	default:
		rec = t.Recording.Render("● REC")
	}
	bar += rec
	return bar, ansi.StringWidth(bar) <= w
}

// paneRows draws a rounded box with a title into lines, at r. Rows are
// built left to right, so panes must be drawn in that order. body(i) must
// return exactly r.W-2 cells.
func (m *Model) paneRows(lines []string, r Rect, title string, focused bool, body func(i int) string) {
	drawPane(m.cfg.Theme, lines, r, title, focused, body)
}

// drawPane is paneRows for any console sharing the layout (live and replay).
func drawPane(t themes.Theme, lines []string, r Rect, title string, focused bool, body func(i int) string) {
	bs := t.Border
	ts := t.EventText
	if focused {
		bs, ts = t.BorderFocused, t.PaneTitle
	}
	inner := max(r.W-2, 0)
	title = ansi.Truncate(title, max(inner-4, 0), "…")
	var top string
	if title == "" {
		top = bs.Render("╭" + strings.Repeat("─", inner) + "╮")
	} else {
		rest := max(inner-ansi.StringWidth(title)-3, 0)
		top = bs.Render("╭─ ") + ts.Render(title) + bs.Render(" "+strings.Repeat("─", rest)+"╮")
	}
	lines[r.Y] = joinRow(lines[r.Y], r, fit(top, r.W))
	side := bs.Render("│")
	for i := 0; i < r.H-2; i++ {
		lines[r.Y+1+i] = joinRow(lines[r.Y+1+i], r, side+body(i)+side)
	}
	lines[r.Y+r.H-1] = joinRow(lines[r.Y+r.H-1], r, bs.Render("╰"+strings.Repeat("─", inner)+"╯"))
}

// joinRow places part at column r.X of an existing line built left to right.
func joinRow(existing string, r Rect, part string) string {
	if r.X == 0 {
		return part
	}
	return fit(existing, r.X) + part
}

func (m *Model) drawAgentPane(lines []string, f screen.Frame) {
	l := m.layout
	// The agent's own title (OSC 0/2) is deliberately not shown: sentinel's
	// chrome carries only sentinel's words, so the agent cannot write
	// outside its pane.
	title := m.cfg.Command + fmt.Sprintf(" · %dx%d", l.AgentInner.W, l.AgentInner.H)
	w := l.AgentInner.W
	m.paneRows(lines, l.Agent, title, m.focus == focusAgent, func(i int) string { return m.paneLine(f, i, w) })
}

func (m *Model) drawEventsPane(lines []string) {
	l := m.layout
	t := m.cfg.Theme
	in := l.EventsInner
	// Newest at the bottom; each event wraps under its time and kind, so
	// nothing an operator must read is cut off.
	var rows []string
	for _, e := range m.events.visible(in.H) {
		kind := e.Kind.String()
		ks, ok := t.EventKind[kind]
		if !ok {
			ks = t.EventText
		}
		head := t.EventTime.Render(e.Time.Format("15:04:05")) + " " + ks.Render(fmt.Sprintf("%-6s", kind)) + " "
		indent := 16
		text := screen.OneLine(e.Text, 0)
		if in.W-indent < 12 { // too narrow to wrap usefully
			rows = append(rows, fit(head+t.EventText.Render(text), in.W))
			continue
		}
		for _, r := range hang(styled(t.EventText, wrapText(text, in.W-indent, "")), head, strings.Repeat(" ", indent)) {
			rows = append(rows, fit(r, in.W))
		}
	}
	if len(rows) > in.H {
		rows = rows[len(rows)-in.H:]
	}
	title := "events"
	if m.events.back > 0 {
		title = fmt.Sprintf("events · %d newer below", m.events.back)
	}
	pad := in.H - len(rows)
	m.paneRows(lines, l.Events, title, m.focus == focusEvents, func(i int) string {
		if len(m.events.items) == 0 && i == 0 {
			return fit(t.Placeholder.Render(" no events yet"), in.W)
		}
		if i < pad {
			return strings.Repeat(" ", in.W)
		}
		return rows[i-pad]
	})
}

func (m *Model) hintLine(w int) string {
	t := m.cfg.Theme
	k := func(key, help string) string { return t.HintKey.Render(key) + t.Hint.Render(" "+help) }
	p := m.cfg.Prefix.String()
	var parts []string
	switch {
	case m.notice != "":
		parts = []string{t.Hint.Render(m.notice)}
	case m.dialog.open():
		parts = []string{t.AlertTitle.Render("agent frozen"), k("a A e d k ?", "decide in the dialog"), k(p+" ?", "help")}
	case m.prefixOn:
		parts = []string{t.HintKey.Render(p + " …"), k("e", "events"), k("[", "scroll"), k("z", "zoom"), k("p", "palette"), k("?", "help"), k("q", "quit"), k(p, "send "+p)}
	case m.focus == focusEvents:
		parts = []string{k("↑↓ pgup pgdn", "scroll events"), k("esc", "back to agent")}
	case m.scroll > 0:
		parts = []string{k("↑↓ pgup pgdn g G", "scroll"), k("q", "back to live"), t.Hint.Render("other keys go to the agent")}
	case m.exited:
		parts = []string{t.Hint.Render("agent " + m.status.String()), k("q", "quit"), k(p+" [", "scroll")}
	default:
		parts = []string{k(p, "prefix"), k(p+" ?", "help"), k(p+" q", "quit")}
		if m.cfg.Protections != "" {
			parts = append(parts, t.Hint.Render(m.cfg.Protections))
		}
	}
	return fit(" "+strings.Join(parts, t.Hint.Render("  ·  ")), w)
}

// withOverlay draws box centred over base.
func (m *Model) withOverlay(base, box string) string { return overlayOn(m.layout, base, box) }

// overlayOn draws box centred over base, a screen laid out by l.
func overlayOn(l Layout, base, box string) string {
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	x, y := max((l.Width-bw)/2, 0), max((l.Height-bh)/2, 0)
	if bh < l.Height {
		y = max(y, 1) // keep the status bar in view
	}
	c := lipgloss.NewCanvas(l.Width, l.Height)
	c.Compose(lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(box).X(x).Y(y).Z(1)))
	return c.Render()
}

func (m *Model) helpBox() string {
	t := m.cfg.Theme
	gap := "\n\n"
	box := t.Dialog
	if m.layout.Height < 34 { // compact, so it fits an 80x24 terminal
		gap, box = "\n", box.Padding(0, 1)
	}
	var b strings.Builder
	b.WriteString(t.DialogTitle.Render("sentinel · keys"))
	for _, sec := range m.helpSections() {
		b.WriteString(gap + t.PaneTitle.Render(sec.title))
		for _, r := range sec.rows {
			b.WriteString("\n  " + t.DialogKey.Render(fmt.Sprintf("%-20s", r.Key)) + " " + r.Desc)
		}
	}
	b.WriteString(gap + t.Hint.Render("any key closes this help"))
	return box.Render(b.String())
}

func (m *Model) quitBox() string {
	t := m.cfg.Theme
	body := t.DialogTitle.Render("Quit sentinel?") + "\n\n" +
		"The agent is still running. Quitting ends it\n(SIGHUP and SIGTERM, then SIGKILL) and closes the recording.\n\n" +
		t.DialogKey.Render("y") + " end the agent and quit   " + t.DialogKey.Render("n") + " keep going"
	return t.Dialog.Render(body)
}
