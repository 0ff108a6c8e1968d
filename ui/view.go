package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session"
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

// wrapText wraps text to width cells at spaces and breakpoints, after the
// hyphen of a hyphenated word, and within a word longer than the width,
// keeping command-line options whole (see keepOptionsWhole). A no-break
// space (U+00A0) holds two words together and comes out as a plain space.
func wrapText(s string, width int, breakpoints string) []string {
	wrapped := ansi.Hardwrap(ansi.Wordwrap(keepOptionsWhole(s), width, breakpoints+zeroWidthBreak), width, true)
	return strings.Split(strings.ReplaceAll(unkeepOptions(wrapped), "\u00a0", " "), "\n")
}

// nonBreakingHyphen stands in for '-' while x/ansi wraps a line, and
// zeroWidthBreak marks where a line may break after a hyphen that stays.
const (
	nonBreakingHyphen = "\u2011"
	zeroWidthBreak    = "\u200b"
)

// keepOptionsWhole makes every hyphen non-breaking for x/ansi, which
// breaks a line after any hyphen: that cut command-line options apart
// ("curl -sS -X POST" came out as "-sS", "-", "X POST"), and it lets the
// hyphen run one cell past the width, which a hard wrap then put on a row
// of its own ("tmux run", "-", "shell"). A hyphen inside a word
// ("graphql-delete", "run-shell") is followed by a zero-width breakpoint,
// so the word may still break after it, within the width. unkeepOptions
// puts them back once the line is wrapped.
func keepOptionsWhole(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		if r == '-' {
			b.WriteString(nonBreakingHyphen)
			if unicode.IsLetter(prev) || unicode.IsDigit(prev) {
				b.WriteString(zeroWidthBreak)
			}
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func unkeepOptions(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, zeroWidthBreak, ""), nonBreakingHyphen, "-")
}

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
		if ok || level == 4 {
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
	end := m.now
	if m.exited {
		end = m.ended
	}
	clock := t.BarField.Render(elapsed(end.Sub(m.cfg.Started)))
	counts := t.BarLabel.Render("findings ") + t.BarField.Render(fmt.Sprint(m.findings)) +
		t.BarLabel.Render(" · decisions ") + t.BarField.Render(fmt.Sprint(m.decisions))
	if m.autoDecisions > 0 {
		counts += t.BarLabel.Render(fmt.Sprintf(" (%d automatic)", m.autoDecisions))
	}
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
	if level < 4 { // last to go, so that the mode and REC stay in view
		left = append(left, t.BarField.Render(ansi.Truncate(m.cfg.Command, cmdWidth, "…")))
	}
	left = append(left, state+t.Bar.Render(" ")+clock, counts)
	if m.zoom {
		left = append(left, t.StateExited.Render("ZOOM"))
	}
	if m.scrolling {
		// m.scroll is clamped by the frame rendered before the bar.
		sb := fmt.Sprintf("SCROLLBACK -%d", m.scroll)
		if m.frame.History == 0 {
			sb = "SCROLLBACK (empty)"
		}
		left = append(left, t.StateExited.Render(sb))
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
	rows, newer := m.eventsWindow(in.W, in.H, m.events.back)
	title := "events"
	if newer > 0 {
		title = fmt.Sprintf("events · %d newer below", newer)
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

// Event text hangs beside its time and kind (eventIndent cells) when that
// leaves it at least minHangText cells and its longest word fits there;
// otherwise it goes on the rows below, the pane's whole width, so that no
// word is broken that the pane could show whole.
const (
	eventIndent = 16
	minHangText = 18
)

// eventRows is one event as the events pane shows it, w cells wide: its
// time and kind, and its text wrapped at spaces (a word is broken only when
// it is wider than the pane), so nothing an operator must read is cut off.
func (m *Model) eventRows(e session.Event, w int) []string {
	t := m.cfg.Theme
	kind := e.Kind.String()
	ks, ok := t.EventKind[kind]
	if !ok {
		ks = t.EventText
	}
	head := t.EventTime.Render(e.Time.Format("15:04:05")) + " " + ks.Render(fmt.Sprintf("%-6s", kind)) + " "
	text := screen.OneLine(e.Text, 0)
	var rows []string
	switch {
	case w-eventIndent >= minHangText && longestWord(text) <= w-eventIndent:
		rows = hang(styled(t.EventText, wrapText(text, w-eventIndent, "")), head, strings.Repeat(" ", eventIndent))
	case w >= 12:
		rows = append([]string{head}, hang(styled(t.EventText, wrapText(text, w-2, "")), "  ", "  ")...)
	default: // too narrow to wrap usefully
		rows = []string{head + t.EventText.Render(text)}
	}
	for i := range rows {
		rows[i] = fit(rows[i], w)
	}
	return rows
}

func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, ansi.StringWidth(w))
	}
	return n
}

// eventsWindow is what an events pane of w x h cells shows scrolled back
// back events: the rows up to the event back from the newest, with that
// event at the bottom; or, when those do not fill the pane, the oldest
// event at the top and newer ones below it, so the pane is never emptier
// than the events allow. newer counts the events below not shown whole.
func (m *Model) eventsWindow(w, h, back int) (rows []string, newer int) {
	items := m.events.items
	end := len(items) - min(max(back, 0), len(items))
	var above [][]string // the events before end, newest first
	n := 0
	for i := end - 1; i >= 0 && n < h; i-- {
		r := m.eventRows(items[i], w)
		above = append(above, r)
		n += len(r)
	}
	for i := len(above) - 1; i >= 0; i-- {
		rows = append(rows, above[i]...)
	}
	if n >= h {
		return rows[n-h:], len(items) - end
	}
	j := end
	for ; j < len(items) && len(rows) < h; j++ {
		rows = append(rows, m.eventRows(items[j], w)...)
	}
	newer = len(items) - j
	if len(rows) > h {
		rows, newer = rows[:h], newer+1 // the last one is cut
	}
	return rows, newer
}

// eventsMaxBack is as far back as the events pane scrolls: to where the
// oldest event is at its top (eventsWindow shows the same further back).
// It is 0 when every event fits.
func (m *Model) eventsMaxBack(w, h int) int {
	n, k := 0, 0
	for ; k < len(m.events.items); k++ {
		n += len(m.eventRows(m.events.items[k], w))
		if n > h {
			break
		}
	}
	return len(m.events.items) - k
}

func (m *Model) hintLine(w int) string {
	t := m.cfg.Theme
	k := func(key, help string) string { return t.HintKey.Render(key) + t.Hint.Render(" "+help) }
	p := m.cfg.Prefix.String()
	// parts are in the order shown; drop lists them least important
	// first, for a narrow terminal.
	var parts []string
	var drop []int
	switch {
	case m.notice != "":
		parts = []string{t.Hint.Render(m.notice)}
	case m.dialog.open():
		parts = []string{t.AlertTitle.Render("agent frozen"), k("a A e d k ?", "decide in the dialog"), k(p+" ?", "help")}
		drop = []int{2, 0}
	case m.prefixOn:
		parts = []string{t.HintKey.Render(p + " …"), k("e", "events"), k("[", "scroll"), k("z", "zoom"), k("p", "palette"), k("?", "help"), k("q", "quit"), k(p, "send "+p)}
		drop = []int{7, 3, 4, 1, 2, 6}
	case m.focus == focusEvents:
		parts = []string{k("↑↓ pgup pgdn", "scroll events"), k("esc", "back to agent")}
		drop = []int{0}
	case m.scrolling && m.frame.History == 0:
		parts = []string{t.Hint.Render("scrollback: nothing has scrolled off yet"), k("q esc", "back to live")}
		drop = []int{0}
	case m.scrolling:
		parts = []string{k("↑↓ pgup pgdn g G", "scroll"), k("q esc", "back to live"), t.Hint.Render("keys do not reach the agent here")}
		drop = []int{2, 0}
	case m.exited:
		parts = []string{t.Hint.Render("agent " + m.status.String()), k("q", "quit"), k(p+" [", "scroll")}
		drop = []int{2, 0}
	default:
		parts = []string{k(p, "prefix"), k(p+" ?", "help"), k(p+" q", "quit")}
		drop = []int{0, 2}
		if m.cfg.Protections != "" {
			parts = append(parts, t.Hint.Render(m.cfg.Protections))
			drop = append([]int{3}, drop...)
		}
	}
	return fitHint(parts, t.Hint.Render("  ·  "), drop, w)
}

// fitHint joins parts with sep into a line of exactly w cells. When they do
// not fit it leaves out whole parts, in the order drop names them, and cuts
// what still does not fit with "…": a hint cut mid-word reads as a
// different key or word.
func fitHint(parts []string, sep string, drop []int, w int) string {
	gone := make([]bool, len(parts))
	line := func() string {
		var kept []string
		for i, p := range parts {
			if !gone[i] {
				kept = append(kept, p)
			}
		}
		return " " + strings.Join(kept, sep)
	}
	l := line()
	for _, i := range drop {
		if ansi.StringWidth(l) <= w {
			break
		}
		gone[i] = true
		l = line()
	}
	if ansi.StringWidth(l) > w {
		l = ansi.Truncate(l, max(w, 0), "…")
	}
	return fit(l, w)
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

// helpView is the help laid out for the terminal: the box's style, its
// content lines wrapped to the width there is, and how many of them the box
// shows at once. When they do not all fit, the box scrolls (helpKey).
type helpView struct {
	box   lipgloss.Style
	gap   bool // a blank line between sections and before the footer
	lines []string
	rows  int
}

func (v helpView) scrolls() bool { return len(v.lines) > v.rows }

// helpView lays the help out roomy (padding, blank lines) when all of it
// fits so, and compact otherwise, scrolling what still does not fit; the
// box never leaves the terminal, so its border and the line saying how to
// close it always show.
func (m *Model) helpView() helpView {
	t := m.cfg.Theme
	maxH := m.layout.Height
	if maxH > 4 {
		maxH-- // keep the status bar in view
	}
	var v helpView
	for _, roomy := range []bool{true, false} {
		v = helpView{box: t.Dialog, gap: roomy}
		if !roomy {
			v.box = t.Dialog.Padding(0, 1)
		}
		cw := max(m.layout.Width-v.box.GetHorizontalFrameSize(), 1)
		v.lines = m.helpLines(cw, roomy)
		v.rows = max(maxH-v.box.GetVerticalFrameSize()-1-boolInt(roomy), 1) // the footer and its gap
		if !v.scrolls() {
			break
		}
	}
	return v
}

// helpLines is the help's content cw cells wide: each key beside its
// description, or above it when the terminal is too narrow for both.
func (m *Model) helpLines(cw int, roomy bool) []string {
	t := m.cfg.Theme
	sections := m.helpSections()
	keyW := 0
	for _, sec := range sections {
		for _, r := range sec.rows {
			keyW = max(keyW, ansi.StringWidth(r.Key))
		}
	}
	descW := cw - 2 - keyW - 2
	beside := descW >= 24
	lines := []string{t.DialogTitle.Render(ansi.Truncate("sentinel · keys", cw, "…"))}
	for _, sec := range sections {
		if roomy {
			lines = append(lines, "")
		}
		lines = append(lines, t.PaneTitle.Render(ansi.Truncate(sec.title, cw, "…")))
		for _, r := range sec.rows {
			if beside {
				key := t.DialogKey.Render(r.Key + strings.Repeat(" ", keyW-ansi.StringWidth(r.Key)))
				lines = append(lines, hang(wrapText(r.Desc, descW, ""), "  "+key+"  ", strings.Repeat(" ", 2+keyW+2))...)
				continue
			}
			lines = append(lines, "  "+t.DialogKey.Render(ansi.Truncate(r.Key, max(cw-2, 1), "…")))
			lines = append(lines, hang(wrapText(r.Desc, max(cw-4, 1), ""), "    ", "    ")...)
		}
	}
	return lines
}

// helpFooter says how to close the help and, when it scrolls, how to
// scroll and where the view is.
func (m *Model) helpFooter(v helpView, cw int) string {
	t := m.cfg.Theme
	if !v.scrolls() {
		return t.Hint.Render(ansi.Truncate("any key closes this help", cw, "…"))
	}
	top := min(m.helpTop, len(v.lines)-v.rows)
	where := fmt.Sprintf("%d–%d of %d", top+1, top+v.rows, len(v.lines))
	for _, f := range []string{
		"↑↓ pgup pgdn scroll (" + where + ") · any other key closes",
		"↑↓ scroll (" + where + ") · other keys close",
		"↑↓ scroll · other keys close",
		"↑↓ scroll · q closes",
	} {
		if ansi.StringWidth(f) <= cw {
			return t.Hint.Render(f)
		}
	}
	return t.Hint.Render(ansi.Truncate("q closes", cw, "…"))
}

func (m *Model) helpBox() string {
	v := m.helpView()
	cw := max(m.layout.Width-v.box.GetHorizontalFrameSize(), 1)
	top := max(min(m.helpTop, len(v.lines)-v.rows), 0)
	footer := m.helpFooter(v, cw)
	// Every line padded to the widest, so the box keeps its width as it
	// scrolls.
	w := ansi.StringWidth(footer)
	for _, l := range v.lines {
		w = max(w, ansi.StringWidth(l))
	}
	var b strings.Builder
	for _, l := range v.lines[top:min(top+v.rows, len(v.lines))] {
		b.WriteString(fit(l, w) + "\n")
	}
	if v.gap {
		b.WriteString("\n")
	}
	return v.box.Render(b.String() + fit(footer, w))
}

// helpKey handles a key while the help is open: the scrollback keys scroll
// a help too tall for the terminal, any other key closes it.
func (m *Model) helpKey(k tea.KeyPressMsg) {
	v := m.helpView()
	last := max(len(v.lines)-v.rows, 0)
	m.helpTop = min(m.helpTop, last)
	if v.scrolls() {
		page := max(v.rows-1, 1)
		switch km := m.keys; {
		case key.Matches(k, km.LineUp):
			m.helpTop = max(m.helpTop-1, 0)
			return
		case key.Matches(k, km.LineDown):
			m.helpTop = min(m.helpTop+1, last)
			return
		case key.Matches(k, km.PageUp):
			m.helpTop = max(m.helpTop-page, 0)
			return
		case key.Matches(k, km.PageDown):
			m.helpTop = min(m.helpTop+page, last)
			return
		case key.Matches(k, km.Top):
			m.helpTop = 0
			return
		case key.Matches(k, km.Bottom):
			m.helpTop = last
			return
		}
	}
	m.overlay = overlayNone
}

func (m *Model) quitBox() string {
	t := m.cfg.Theme
	body := t.DialogTitle.Render("Quit sentinel?") + "\n\n" +
		"The agent is still running. Quitting ends it\n(SIGHUP and SIGTERM, then SIGKILL) and closes the recording.\n\n" +
		t.DialogKey.Render("y") + " end the agent and quit   " + t.DialogKey.Render("n") + " keep going"
	return t.Dialog.Render(body)
}
