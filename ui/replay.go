package ui

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/sentinel-console/sentinel/session/replay"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
)

// ReplayConfig is how the replay console starts.
type ReplayConfig struct {
	Theme themes.Theme
	// Speed is the initial playback speed (a power of two between
	// MinSpeed and MaxSpeed); 0 means 1.
	Speed float64
	// Paused starts paused instead of playing.
	Paused bool
	// Notice is shown in the hint line until the first key, for what
	// opening the recording skipped.
	Notice string
}

// Playback speeds: `<` halves, `>` doubles.
const (
	MinSpeed = 0.25
	MaxSpeed = 16
)

// Replay is the console for a recording: the live console's layout (status
// bar, agent pane, events pane, hint line) plus a timeline bar, driven by a
// replay.Player instead of an agent.
//
// The player is owned by a worker goroutine: Update only says where the
// player should be, and the worker seeks there off the UI's goroutine and
// sends back the rendered screen (replayFrame). Requests that pile up while
// a seek runs collapse into the latest.
type Replay struct {
	cfg      ReplayConfig
	keys     ReplayKeyMap
	rec      *replay.Recording
	work     *replayWorker
	id, cmd  string
	duration float64
	markers  []replay.Marker

	layout   Layout
	timeline Rect // one line above the hint
	hint     Rect

	frame    screen.Frame
	pos      float64 // of the frame shown
	target   float64 // where the player was last sent
	seq      uint64  // of the last request
	atEnd    bool
	playing  bool
	ticking  bool
	lastTick time.Time
	speed    float64
	help     bool
	notice   string
	search   replaySearch
	// palette is the command palette (ctrl-p or :), open when paletteOpen.
	palette     palette
	paletteOpen bool
}

// replayFrame is the worker's answer to a request: the screen at pos.
type replayFrame struct {
	seq   uint64
	pos   float64
	frame screen.Frame
	end   bool
	err   error
}

type replayTick time.Time

// replayTickInterval is how often playback moves the player: 30 frames a
// second is smooth for terminal output.
const replayTickInterval = time.Second / 30

// NewReplay makes the replay console for rec, played by p. The console owns
// p from now on (its worker goroutine calls it) until Close returns. w and
// h are the terminal's size.
func NewReplay(cfg ReplayConfig, rec *replay.Recording, p *replay.Player, w, h int) *Replay {
	if cfg.Theme.Name == "" {
		cfg.Theme = themes.Default()
	}
	speed := 1.0
	if cfg.Speed > 0 {
		speed = min(max(cfg.Speed, MinSpeed), MaxSpeed)
	}
	m := &Replay{
		cfg: cfg, keys: DefaultReplayKeys(), rec: rec, work: newReplayWorker(p),
		id: shown(rec.ID), cmd: screen.OneLine(sanitize(rec.Header.Command), 0), duration: rec.Duration(),
		markers: rec.Markers(), speed: speed, playing: !cfg.Paused, notice: cfg.Notice,
	}
	if m.cmd == "" {
		m.cmd = screen.OneLine(sanitize(rec.Header.Title), 0)
	}
	for i := range m.markers {
		m.markers[i].Label = screen.OneLine(sanitize(m.markers[i].Label), 0)
	}
	m.search.init(m.markers)
	m.resize(w, h)
	return m
}

// Close stops the worker; the player is the caller's again.
func (m *Replay) Close() { m.work.close() }

// Init implements tea.Model: the first screen, the clock and the output
// text for search (read off the UI's goroutine).
func (m *Replay) Init() tea.Cmd {
	cmds := []tea.Cmd{m.seek(0), m.work.listen(), m.loadText()}
	if m.cfg.Theme.Auto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// Update implements tea.Model.
func (m *Replay) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg, tea.ColorProfileMsg, tea.EnvMsg:
		m.cfg.Theme = adaptTheme(m.cfg.Theme, msg)
	case replayFrame:
		// An older request's frame is still the true screen at its
		// position: showing it keeps a long seek from looking stuck.
		m.frame, m.pos, m.atEnd = msg.frame, msg.pos, msg.end
		if msg.err != nil {
			m.notice = "replay: " + msg.err.Error()
		}
		cmds := []tea.Cmd{m.work.listen()}
		if m.playing && !m.ticking {
			// The first frame is on screen: playback starts from here.
			m.ticking, m.lastTick = true, time.Now()
			cmds = append(cmds, replayTickCmd())
		}
		return m, tea.Batch(cmds...)
	case replayTick:
		now := time.Time(msg)
		dt := now.Sub(m.lastTick).Seconds()
		m.lastTick = now
		if !m.playing {
			m.ticking = false
			return m, nil
		}
		next := min(m.target+dt*m.speed, m.duration)
		if next >= m.duration {
			m.playing = false
		}
		return m, tea.Batch(m.seek(next), replayTickCmd())
	case searchCorpus:
		m.search.addText(msg)
		m.search.refresh()
		if msg.err != nil {
			m.notice = "search covers only the output read before: " + msg.err.Error()
		}
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseClickMsg:
		return m, m.mouse(msg.Mouse(), true)
	case tea.MouseWheelMsg:
		return m, m.mouse(msg.Mouse(), false)
	case tea.PasteMsg:
		if m.search.active {
			var cmd tea.Cmd
			m.search.input, cmd = m.search.input.Update(msg)
			m.search.refresh()
			return m, cmd
		}
	}
	return m, nil
}

func replayTickCmd() tea.Cmd {
	return tea.Tick(replayTickInterval, func(t time.Time) tea.Msg { return replayTick(t) })
}

// seek asks the worker for the screen at t (clamped to the recording).
func (m *Replay) seek(t float64) tea.Cmd {
	m.target = min(max(t, 0), m.duration)
	m.seq++
	m.work.request(m.target, m.seq)
	return nil
}

func (m *Replay) resize(w, h int) {
	// Never more rows than the terminal has: a one-row terminal shows
	// the status bar only.
	w, h = max(w, 1), max(h, 1)
	// The live console's layout one line shorter: its hint line becomes
	// the timeline and the hint goes below it.
	m.layout = ComputeLayout(w, h-1, false)
	m.timeline, m.hint = Rect{}, Rect{}
	if m.layout.Hint.W > 0 {
		m.timeline = m.layout.Hint
		m.hint = Rect{0, h - 1, w, 1}
	}
	m.layout.Height = h
	m.search.input.SetWidth(max(min(w-16, 70), 10))
}

func (m *Replay) key(k tea.KeyPressMsg) tea.Cmd {
	m.notice = ""
	if m.help {
		m.help = false
		return nil
	}
	if m.search.active {
		return m.searchKey(k)
	}
	if m.paletteOpen {
		return m.paletteKey(k)
	}
	km := m.keys
	switch {
	case key.Matches(k, km.Quit):
		return tea.Quit
	case key.Matches(k, km.Play):
		return m.togglePlay()
	case key.Matches(k, km.Slower):
		m.speed = max(m.speed/2, MinSpeed)
	case key.Matches(k, km.Faster):
		m.speed = min(m.speed*2, MaxSpeed)
	case key.Matches(k, km.BackLong):
		return m.seek(m.target - 30)
	case key.Matches(k, km.ForwardLong):
		return m.seek(m.target + 30)
	case key.Matches(k, km.Back):
		return m.seek(m.target - 5)
	case key.Matches(k, km.Forward):
		return m.seek(m.target + 5)
	case key.Matches(k, km.Start):
		return m.seek(0)
	case key.Matches(k, km.End):
		m.playing = false
		return m.seek(m.duration)
	case key.Matches(k, km.Next):
		if mk, ok := m.rec.NextMarker(m.target, replay.KindFinding, replay.KindDecision, replay.KindAudit); ok {
			m.playing = false
			return m.seek(mk.Time)
		}
		m.notice = "no finding or decision after this point"
	case key.Matches(k, km.Prev):
		if mk, ok := m.rec.PrevMarker(m.target, replay.KindFinding, replay.KindDecision, replay.KindAudit); ok {
			m.playing = false
			return m.seek(mk.Time)
		}
		m.notice = "no finding or decision before this point"
	case key.Matches(k, km.Search):
		m.search.open()
		m.search.refresh()
		return m.search.input.Focus()
	case key.Matches(k, km.Palette):
		m.palette.open(m.paletteItems())
		m.paletteOpen = true
	case key.Matches(k, km.Help):
		m.help = true
	}
	return nil
}

func (m *Replay) togglePlay() tea.Cmd {
	if m.playing {
		m.playing = false
		return nil
	}
	m.playing = true
	if m.target >= m.duration {
		m.seek(0) // play again from the start
	}
	if m.ticking {
		return nil
	}
	m.ticking, m.lastTick = true, time.Now()
	return replayTickCmd()
}

func (m *Replay) searchKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "esc", "ctrl+c":
		m.search.active = false
		return nil
	case "enter":
		m.search.active = false
		if hit, ok := m.search.selected(); ok {
			m.playing = false
			return m.seek(hit.time)
		}
		return nil
	case "up", "ctrl+p":
		m.search.sel = max(m.search.sel-1, 0)
		return nil
	case "down", "ctrl+n":
		m.search.sel = min(m.search.sel+1, max(len(m.search.matches)-1, 0))
		return nil
	}
	var cmd tea.Cmd
	before := m.search.input.Value()
	m.search.input, cmd = m.search.input.Update(k)
	if m.search.input.Value() != before {
		m.search.refresh()
	}
	return cmd
}

// currentMarker is the index of the last marker at or before the shown
// position, or -1.
func (m *Replay) currentMarker() int {
	cur := -1
	for i, mk := range m.markers {
		if mk.Time > m.pos+1e-6 {
			break
		}
		cur = i
	}
	return cur
}

// View implements tea.View.
func (m *Replay) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "sentinel replay: " + m.cmd
	v.ForegroundColor, v.BackgroundColor = m.cfg.Theme.Paint()
	v.MouseMode = tea.MouseModeCellMotion
	v.SetContent(m.render())
	v.Cursor = m.cursor()
	return v
}

// cursor is the recorded agent's cursor, where and as it was at the shown
// position, unless an overlay covers the pane.
func (m *Replay) cursor() *tea.Cursor {
	if m.help || m.search.active || m.paletteOpen {
		return nil
	}
	in := m.layout.AgentInner
	return paneCursor(m.paneView(in.H), in)
}

// mouse: a click on the timeline seeks there, a click on an event jumps to
// it; the wheel steps through the findings and decisions over the events
// pane, and seeks 5 s over the agent's.
func (m *Replay) mouse(ms tea.Mouse, click bool) tea.Cmd {
	if m.help || m.search.active || m.paletteOpen {
		return nil
	}
	wheel := ms.Button == tea.MouseWheelUp || ms.Button == tea.MouseWheelDown
	back := ms.Button == tea.MouseWheelUp
	switch {
	case click && ms.Button == tea.MouseLeft && m.timeline.W > 0 && m.timeline.Contains(ms.X, ms.Y):
		m.notice = ""
		return m.seek(m.timeAtColumn(ms.X - m.timeline.X))
	case click && ms.Button == tea.MouseLeft && m.layout.EventsInner.Contains(ms.X, ms.Y):
		rows := m.markerRows()
		if i := ms.Y - m.layout.EventsInner.Y; i < len(rows) && rows[i].marker >= 0 {
			m.playing = false
			return m.seek(m.markers[rows[i].marker].Time)
		}
	case wheel && m.layout.EventsInner.Contains(ms.X, ms.Y):
		if back {
			return m.key(tea.KeyPressMsg{Code: 'p', Text: "p"})
		}
		return m.key(tea.KeyPressMsg{Code: 'n', Text: "n"})
	case wheel && m.layout.Agent.Contains(ms.X, ms.Y):
		if back {
			return m.seek(m.target - 5)
		}
		return m.seek(m.target + 5)
	}
	return nil
}

// timeAtColumn is the time the timeline bar's column x stands for: the
// inverse of the bar's own mapping.
func (m *Replay) timeAtColumn(x int) float64 {
	w := m.timeline.W
	if w < 3 || m.duration <= 0 {
		return 0
	}
	return min(max(float64(x)/float64(w-1), 0), 1) * m.duration
}

func (m *Replay) render() string {
	l := m.layout
	t := m.cfg.Theme
	lines := make([]string, l.Height)
	lines[0] = m.statusBar(l.Width)
	f := m.paneView(l.AgentInner.H)
	if l.Agent == l.AgentInner {
		// On a one-row terminal the pane's one row is off the screen.
		for i := 0; i < l.AgentInner.H && l.AgentInner.Y+i < len(lines); i++ {
			lines[l.AgentInner.Y+i] = paneLine(f, i, l.AgentInner.W)
		}
	} else {
		title := m.cmd
		if m.frame.Width > 0 { // the recording's size, not the part of it the pane shows
			title += fmt.Sprintf(" · recorded at %dx%d", m.frame.Width, len(m.frame.Lines))
		}
		drawPane(t, lines, l.Agent, title, true, func(i int) string { return paneLine(f, i, l.AgentInner.W) })
		if l.Events.W > 0 {
			m.drawMarkers(lines)
		}
	}
	if m.timeline.W > 0 {
		lines[m.timeline.Y] = m.timelineBar(m.timeline.W)
		lines[m.hint.Y] = m.hintLine(m.hint.W)
	}
	out := strings.Join(lines, "\n")
	switch {
	case m.help:
		out = overlayOn(l, out, m.helpBox())
	case m.search.active:
		out = overlayOn(l, out, m.searchBox())
	case m.paletteOpen:
		out = overlayOn(l, out, m.palette.render(t, l.Width, l.Height))
	}
	return out
}

// paneView is the frame cut to h rows when the recording was taller than
// the pane: the rows that end at the cursor (where the agent was writing),
// or the top ones when the cursor is near the top.
func (m *Replay) paneView(h int) screen.Frame {
	f := m.frame
	if len(f.Lines) <= h {
		return f
	}
	top := min(max(f.CursorY+1-h, 0), len(f.Lines)-h)
	f.Lines = f.Lines[top : top+h]
	f.CursorY -= top
	return f
}

func speedLabel(s float64) string {
	switch s {
	case 0.25:
		return "¼×"
	case 0.5:
		return "½×"
	}
	return fmt.Sprintf("%g×", s)
}

func clockAt(sec float64) string { return elapsed(time.Duration(sec * float64(time.Second))) }

func (m *Replay) statusBar(w int) string {
	t := m.cfg.Theme
	sep := t.Bar.Render("  ")
	state := t.StateExited.Render("PAUSED")
	switch {
	case m.playing:
		state = t.StateRunning.Render("PLAYING")
	case m.atEnd && m.pos >= m.duration:
		state = t.StateExited.Render("END")
	}
	parts := []string{t.BarBrand.Render(" sentinel"), t.StateFrozen.Render("REPLAY")}
	if m.id != "" {
		parts = append(parts, t.BarField.Render(m.id))
	}
	parts = append(parts,
		t.BarField.Render(clockAt(m.pos))+t.BarLabel.Render(" / ")+t.BarField.Render(clockAt(m.duration)),
		t.BarField.Render(speedLabel(m.speed)), state,
		t.BarField.Render(ansi.Truncate(m.cmd, max(w/3, 10), "…")))
	return t.Bar.Render(fit(strings.Join(parts, sep), w))
}

// markerKind maps a marker to the live events pane's kind names, so the
// theme styles them the same way.
func markerKind(k string) string {
	switch k {
	case replay.KindFinding:
		return "found"
	case replay.KindDecision:
		return "decide"
	case replay.KindAudit:
		return "notice"
	}
	return k
}

func (m *Replay) drawMarkers(lines []string) {
	l := m.layout
	t := m.cfg.Theme
	in := l.EventsInner
	cur := m.currentMarker()
	title := "events"
	if cur >= 0 {
		title = fmt.Sprintf("events · %d/%d", cur+1, len(m.markers))
	}
	rows := m.markerRows()
	drawPane(t, lines, l.Events, title, false, func(i int) string {
		if len(m.markers) == 0 && i == 0 {
			return fit(t.Placeholder.Render(" no markers in this recording"), in.W)
		}
		if i >= len(rows) {
			return strings.Repeat(" ", in.W)
		}
		r := rows[i]
		mk := m.markers[r.marker]
		kind := markerKind(mk.Kind)
		ks, ok := t.EventKind[kind]
		if !ok {
			ks = t.EventText
		}
		switch {
		case r.marker == cur && r.part == 0:
			return t.EventText.Reverse(true).Render(fit(fmt.Sprintf("▶%7s %-6s %s", clockAt(mk.Time), kind, r.text), in.W))
		case r.marker == cur:
			return t.EventText.Reverse(true).Render(fit(strings.Repeat(" ", markerIndent)+r.text, in.W))
		}
		row := " " + t.EventTime.Render(fmt.Sprintf("%7s", clockAt(mk.Time))) + " " + ks.Render(fmt.Sprintf("%-6s", kind)) + " " + t.EventText.Render(mk.Label)
		return fit(ansi.Truncate(row, in.W, "…"), in.W)
	})
}

// markerIndent is the width of a marker row's time and kind columns.
const markerIndent = 1 + 7 + 1 + 6 + 1

// maxMarkerLines bounds how many rows the current marker's label takes.
const maxMarkerLines = 6

// markerRow is one row of the events pane: part of a marker's label.
type markerRow struct {
	marker int // index in m.markers
	part   int // 0 for the row with the time and kind
	text   string
}

// markerRows is what the events pane shows: the current marker about a
// third of the way down, its label wrapped over as many rows as it needs
// (up to maxMarkerLines), every other marker on one row.
func (m *Replay) markerRows() []markerRow {
	in := m.layout.EventsInner
	if in.H <= 0 || len(m.markers) == 0 {
		return nil
	}
	cur := m.currentMarker()
	var curRows []string
	if cur >= 0 {
		width := max(in.W-markerIndent, 8)
		curRows = wrapText(m.markers[cur].Label, width, " /,")
		if len(curRows) > min(maxMarkerLines, max(in.H-1, 1)) {
			curRows = curRows[:min(maxMarkerLines, max(in.H-1, 1))]
			last := len(curRows) - 1
			curRows[last] = ansi.Truncate(curRows[last], width-1, "") + "…"
		}
	}
	extra := max(len(curRows)-1, 0)
	first := 0
	if len(m.markers)+extra > in.H {
		first = min(max(cur-in.H/3, 0), len(m.markers)+extra-in.H)
		first = max(min(first, len(m.markers)-1), 0)
	}
	var rows []markerRow
	for j := first; j < len(m.markers) && len(rows) < in.H; j++ {
		if j != cur {
			rows = append(rows, markerRow{marker: j, text: m.markers[j].Label})
			continue
		}
		for k, text := range curRows {
			if len(rows) < in.H {
				rows = append(rows, markerRow{marker: j, part: k, text: text})
			}
		}
	}
	return rows
}

// timelineBar is the whole recording in w cells: the played part, a mark
// at every finding and decision, and the position.
func (m *Replay) timelineBar(w int) string {
	t := m.cfg.Theme
	if w < 3 {
		return strings.Repeat(" ", w)
	}
	col := func(sec float64) int {
		if m.duration <= 0 {
			return 0
		}
		return min(max(int(sec/m.duration*float64(w-1)+0.5), 0), w-1)
	}
	// Each cell is a character and one of a few styles, drawn in runs.
	palette := []lipgloss.Style{t.Border, t.HintKey, t.EventKind["found"], t.EventKind["decide"], t.PaneTitle}
	const rest, played, finding, decision, head = 0, 1, 2, 3, 4
	cells := make([]string, w)
	styles := make([]int, w)
	at := col(m.pos)
	for x := range w {
		cells[x], styles[x] = "─", rest
		if x < at {
			styles[x] = played
		}
	}
	for _, mk := range m.markers {
		x := col(mk.Time)
		switch mk.Kind {
		case replay.KindFinding, replay.KindAudit:
			cells[x], styles[x] = "◆", finding
		case replay.KindDecision:
			if cells[x] != "◆" {
				cells[x], styles[x] = "●", decision
			}
		}
	}
	cells[at], styles[at] = "┃", head
	var b strings.Builder
	for x := 0; x < w; {
		y := x
		for y < w && styles[y] == styles[x] {
			y++
		}
		b.WriteString(palette[styles[x]].Render(strings.Join(cells[x:y], "")))
		x = y
	}
	return fit(b.String(), w)
}

func (m *Replay) hintLine(w int) string {
	t := m.cfg.Theme
	k := func(key, help string) string { return t.HintKey.Render(key) + t.Hint.Render(" "+help) }
	sep := t.Hint.Render("  ·  ")
	// parts are in the order shown; drop lists them least important
	// first, and fitHint leaves them out whole on a narrow terminal.
	var parts []string
	var drop []int
	switch {
	case m.notice != "":
		// Notices quote the recording (its file name, what was skipped
		// and why): shown as text, never as the terminal's commands.
		parts = []string{t.Hint.Render(shown(m.notice))}
	case m.search.active:
		parts = []string{k("↑↓", "choose"), k("enter", "jump"), k("esc", "cancel")}
		drop = []int{0, 1}
	case m.paletteOpen:
		parts = []string{k("↑↓", "choose"), k("enter", "run / jump"), k("esc", "close")}
		drop = []int{0, 1}
	default:
		parts = []string{k("space", "play/pause"), k("< >", "speed"), k("← →", "5s"), k("⇧← ⇧→", "30s"),
			k("n p", "next/prev finding"), k("/", "search"), k("ctrl-p :", "palette"), k("?", "help"), k("q", "quit")}
		if line := " " + strings.Join(parts, sep); ansi.StringWidth(line) > w {
			// Speed keys are left to the help (?) so the rest fits 80
			// columns; narrower, help and quit are the last to go.
			parts = []string{k("space", "play"), k("←→", "seek"), k("n p", "findings"),
				k("/", "search"), k(":", "palette"), k("?", "help"), k("q", "quit")}
			sep, drop = t.Hint.Render(" · "), []int{4, 3, 1, 2, 0, 5}
		}
	}
	return fitHint(parts, sep, drop, w)
}

func (m *Replay) helpBox() string {
	t := m.cfg.Theme
	var b strings.Builder
	b.WriteString(t.DialogTitle.Render("sentinel replay · keys") + "\n")
	for _, bind := range m.keys.all() {
		h := bind.Help()
		b.WriteString("\n  " + t.DialogKey.Render(fmt.Sprintf("%-14s", h.Key)) + " " + h.Desc)
	}
	b.WriteString("\n\n" + t.Hint.Render("any key closes this help"))
	return t.Dialog.Padding(0, 1).Render(b.String())
}

func (m *Replay) searchBox() string {
	t := m.cfg.Theme
	// Never wider than the terminal (the matches' text was cut to a
	// negative width, and panicked).
	w := min(max(min(m.layout.Width-10, 90), 20), m.layout.Width)
	var b strings.Builder
	b.WriteString(t.DialogTitle.Render("search events and output") + "\n\n")
	b.WriteString(m.search.input.View() + "\n")
	rows := max(min(m.layout.Height-12, 12), 3)
	first := max(m.search.sel-rows+1, 0)
	for i := first; i < min(len(m.search.matches), first+rows); i++ {
		mt := m.search.matches[i]
		e := m.search.entries[mt.Index]
		row := fmt.Sprintf("%7s %-6s ", clockAt(e.time), e.kind)
		textW := w - 22 // the box's border and padding, and the time and kind
		if textW < 12 {
			// Narrow: the text that matched says more than its kind.
			row = clockAt(e.time) + " "
			textW = w - 7 - ansi.StringWidth(row)
		}
		text := highlightMatch(t, e.text, mt.MatchedIndexes, textW)
		if i == m.search.sel {
			b.WriteString("\n" + t.EventText.Reverse(true).Render("▶"+row) + text)
		} else {
			b.WriteString("\n " + t.EventTime.Render(row) + text)
		}
	}
	switch {
	case m.search.input.Value() != "" && len(m.search.matches) == 0:
		b.WriteString("\n " + t.Placeholder.Render("no match"))
	case !m.search.loaded:
		b.WriteString("\n " + t.Placeholder.Render("(reading the recorded output…)"))
	}
	return t.Dialog.Width(w).Padding(0, 1).Render(b.String())
}

// highlightMatch shows text cut to w cells with the matched characters in
// the theme's match style.
func highlightMatch(t themes.Theme, text string, idx []int, w int) string {
	if w < 1 { // a narrow terminal leaves the text no room
		return ""
	}
	if len(text) > 4*w { // only the start can be shown
		text = text[:4*w]
	}
	hit := make(map[int]bool, len(idx))
	for _, i := range idx {
		hit[i] = true
	}
	var b strings.Builder
	for i, r := range text {
		if hit[i] {
			b.WriteString(t.Match.Render(string(r)))
		} else {
			b.WriteString(t.EventText.Render(string(r)))
		}
	}
	return ansi.Truncate(b.String(), w, "…")
}

// ReplayKeyMap is every key of the replay console; the help is generated
// from it.
type ReplayKeyMap struct {
	Play, Slower, Faster, Back, Forward, BackLong, ForwardLong, Start, End, Next, Prev, Search, Palette, Help, Quit key.Binding
}

// DefaultReplayKeys is the replay console's key map.
func DefaultReplayKeys() ReplayKeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return ReplayKeyMap{
		Play:        b([]string{"space"}, "space", "play / pause"),
		Slower:      b([]string{"<", ","}, "<", "slower (down to ¼×)"),
		Faster:      b([]string{">", "."}, ">", "faster (up to 16×)"),
		Back:        b([]string{"left", "h"}, "←", "back 5 s"),
		Forward:     b([]string{"right", "l"}, "→", "forward 5 s"),
		BackLong:    b([]string{"shift+left", "H"}, "shift-←", "back 30 s"),
		ForwardLong: b([]string{"shift+right", "L"}, "shift-→", "forward 30 s"),
		Start:       b([]string{"home", "g"}, "home", "the start"),
		End:         b([]string{"end", "G"}, "end", "the end"),
		Next:        b([]string{"n"}, "n", "next finding or decision"),
		Prev:        b([]string{"p", "N"}, "p", "previous finding or decision"),
		Search:      b([]string{"/"}, "/", "fuzzy search events and output; enter jumps"),
		Palette:     b([]string{"ctrl+p", ":"}, "ctrl-p :", "command palette: actions, the recording's rules and markers"),
		Help:        b([]string{"?"}, "?", "this help"),
		Quit:        b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

func (k ReplayKeyMap) all() []key.Binding {
	return []key.Binding{k.Play, k.Slower, k.Faster, k.Back, k.Forward, k.BackLong, k.ForwardLong, k.Start, k.End, k.Next, k.Prev, k.Search, k.Palette, k.Help, k.Quit}
}

// replaySearch is the `/` box: markers and recorded output lines, matched
// with sahilm/fuzzy.
type replaySearch struct {
	active  bool
	input   textinput.Model
	entries []searchEntry
	loaded  bool
	matches fuzzy.Matches
	sel     int
}

type searchEntry struct {
	time float64
	kind string // "output" or the marker's kind
	text string
}

// searchCorpus is the recorded output as text lines, read by loadText.
type searchCorpus struct {
	lines []replay.TextLine
	err   error
}

// maxSearchLines bounds the output lines kept for search.
const maxSearchLines = 200_000

func (s *replaySearch) init(markers []replay.Marker) {
	s.input = textinput.New()
	s.input.Prompt = "/ "
	s.input.Placeholder = "type to search"
	for _, mk := range markers {
		s.entries = append(s.entries, searchEntry{time: mk.Time, kind: markerKind(mk.Kind), text: mk.Label})
	}
}

func (s *replaySearch) addText(c searchCorpus) {
	for _, l := range c.lines {
		s.entries = append(s.entries, searchEntry{time: l.Time, kind: "output", text: screen.ShowInvisible(screen.SanitizeText(l.Text))})
	}
	s.loaded = true
}

func (s *replaySearch) open() {
	s.active = true
	s.input.SetValue("")
	s.sel = 0
}

func (s *replaySearch) Len() int            { return len(s.entries) }
func (s *replaySearch) String(i int) string { return s.entries[i].text }

func (s *replaySearch) refresh() {
	q := strings.TrimSpace(s.input.Value())
	if q == "" {
		s.matches = nil
		s.sel = 0
		return
	}
	s.matches = fuzzy.FindFrom(q, s)
	s.sel = min(s.sel, max(len(s.matches)-1, 0))
}

func (s *replaySearch) selected() (searchEntry, bool) {
	if s.sel < 0 || s.sel >= len(s.matches) {
		return searchEntry{}, false
	}
	return s.entries[s.matches[s.sel].Index], true
}

// loadText reads the recorded output's lines for search, off Update.
func (m *Replay) loadText() tea.Cmd {
	rec := m.rec
	return func() tea.Msg {
		var c searchCorpus
		c.err = rec.Text(0, rec.Duration(), func(l replay.TextLine) bool {
			c.lines = append(c.lines, l)
			return len(c.lines) < maxSearchLines
		})
		return c
	}
}

// replayWorker owns the player: it seeks where the console last asked and
// hands back the screen.
type replayWorker struct {
	p       *replay.Player
	mu      sync.Mutex
	cond    *sync.Cond
	want    float64
	seq     uint64
	pending bool
	closed  bool
	out     chan replayFrame
	quit    chan struct{}
	done    chan struct{}
}

func newReplayWorker(p *replay.Player) *replayWorker {
	w := &replayWorker{p: p, out: make(chan replayFrame), quit: make(chan struct{}), done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// request replaces any request not yet started.
func (w *replayWorker) request(t float64, seq uint64) {
	w.mu.Lock()
	w.want, w.seq, w.pending = t, seq, true
	w.cond.Signal()
	w.mu.Unlock()
}

// listen waits for the worker's next frame.
func (w *replayWorker) listen() tea.Cmd {
	return func() tea.Msg {
		select {
		case f := <-w.out:
			return f
		case <-w.quit:
			return nil
		}
	}
}

func (w *replayWorker) run() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for !w.pending && !w.closed {
			w.cond.Wait()
		}
		if w.closed {
			w.mu.Unlock()
			return
		}
		t, seq := w.want, w.seq
		w.pending = false
		w.mu.Unlock()
		f := w.play(t, seq)
		select {
		case w.out <- f:
		case <-w.quit:
			return
		}
	}
}

// play seeks; a panic in the emulator on some recording costs that frame,
// not the console.
func (w *replayWorker) play(t float64, seq uint64) (f replayFrame) {
	f.seq = seq
	defer func() {
		if r := recover(); r != nil {
			f.err = fmt.Errorf("emulator failed at %s: %v", clockAt(t), r)
		}
	}()
	f.err = w.p.Seek(t)
	f.pos = w.p.Pos()
	f.frame = screen.RenderEmulator(w.p.Screen())
	f.end = w.p.Done()
	return f
}

func (w *replayWorker) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.cond.Signal()
	w.mu.Unlock()
	close(w.quit)
	<-w.done
}
