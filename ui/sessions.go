package ui

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/sentinel-console/sentinel/session/catalog"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
)

// SessionsConfig is what the session list needs from its caller. Every
// function runs inside a tea.Cmd, never in Update.
type SessionsConfig struct {
	Theme themes.Theme
	Dir   string // shown in the title
	// List reads the recordings (catalog.List of the sessions directory).
	List func() ([]catalog.Entry, error)
	// Remove deletes one recording; nil means os.Remove.
	Remove func(path string) error
	// Replay plays a recording with the terminal handed over and reports
	// back when it ends; nil means ReplayCommand().
	Replay func(path string) tea.Cmd
}

// ReplayCommand returns what runs `sentinel replay FILE` as a child of
// this process: bubbletea releases the terminal to it and takes it back
// when it exits. The binary is found here, once, not in Update.
func ReplayCommand() func(path string) tea.Cmd {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	return func(path string) tea.Cmd {
		return tea.ExecProcess(exec.Command(self, "replay", path), func(err error) tea.Msg {
			return ReplayDone{Path: path, Err: err}
		})
	}
}

// SessionsKeys are the list's keys; the hint line is built from them.
type SessionsKeys struct {
	Up, Down, PageUp, PageDown, Home, End, Open, Delete, Filter, Clear, Quit key.Binding
	Accept, Yes                                                              key.Binding
}

// DefaultSessionsKeys are the list's bindings.
func DefaultSessionsKeys() SessionsKeys {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	return SessionsKeys{
		Up: b("move", "up", "k"), Down: b("move", "down", "j"),
		PageUp: b("page", "pgup"), PageDown: b("page", "pgdown"),
		Home: b("first", "home", "g"), End: b("last", "end", "G"),
		Open: b("replay", "enter"), Delete: b("delete", "d"),
		Filter: b("filter", "/"), Clear: b("clear filter", "esc"),
		Quit: b("quit", "q", "ctrl+c"), Accept: b("done", "enter"), Yes: b("yes", "y", "Y"),
	}
}

// Messages of the session list.
type (
	sessionsLoaded struct {
		entries []catalog.Entry
		err     error
	}
	sessionDeleted struct {
		path string
		err  error
	}
	// ReplayDone reports the end of a replay started from the list.
	ReplayDone struct {
		Path string
		Err  error
	}
)

// Sessions is the root model of `sentinel sessions`: a table of the
// recordings, a fuzzy filter over id, command and date, and a delete that
// asks first.
type Sessions struct {
	cfg  SessionsConfig
	keys SessionsKeys
	w, h int

	loaded    bool
	loadErr   error
	all       []catalog.Entry
	rows      []int // indexes into all that pass the filter, best match first
	sel       int   // index into rows
	top       int   // first row shown
	filter    string
	filtering bool   // keys go to the filter
	confirm   string // path waiting for y/n
	status    string // the last action's outcome
}

// NewSessions makes the list; it loads the recordings in Init.
func NewSessions(cfg SessionsConfig, w, h int) *Sessions {
	if cfg.Remove == nil {
		cfg.Remove = os.Remove
	}
	if cfg.Replay == nil {
		cfg.Replay = ReplayCommand()
	}
	return &Sessions{cfg: cfg, keys: DefaultSessionsKeys(), w: w, h: h}
}

func (m *Sessions) load() tea.Cmd {
	list := m.cfg.List
	return func() tea.Msg {
		entries, err := list()
		return sessionsLoaded{entries, err}
	}
}

// Init loads the list and asks for the terminal's background.
func (m *Sessions) Init() tea.Cmd {
	if m.cfg.Theme.Auto {
		return tea.Batch(m.load(), tea.RequestBackgroundColor)
	}
	return m.load()
}

// Selected is the highlighted recording, if any.
func (m *Sessions) Selected() (catalog.Entry, bool) {
	if m.sel < 0 || m.sel >= len(m.rows) || m.rows[m.sel] >= len(m.all) {
		return catalog.Entry{}, false
	}
	return m.all[m.rows[m.sel]], true
}

// Rows are the recordings the filter lets through, in display order.
func (m *Sessions) Rows() []catalog.Entry {
	out := make([]catalog.Entry, len(m.rows))
	for i, r := range m.rows {
		out[i] = m.all[r]
	}
	return out
}

type entrySource []catalog.Entry

func (s entrySource) String(i int) string { return s[i].Filter() }
func (s entrySource) Len() int            { return len(s) }

// refilter recomputes the rows, keeping the selected recording selected
// when it still passes.
func (m *Sessions) refilter() {
	keep := ""
	if e, ok := m.Selected(); ok {
		keep = e.Path
	}
	m.refilterKeeping(keep)
}

// setAll replaces the recordings (a reload, a deletion), keeping the
// selected one selected when it is still there. The rows index the old
// list: read against a shorter new one they ran past its end (deleting the
// last recording panicked).
func (m *Sessions) setAll(all []catalog.Entry) {
	keep := ""
	if e, ok := m.Selected(); ok {
		keep = e.Path
	}
	m.all, m.rows = all, nil
	m.refilterKeeping(keep)
}

// refilterKeeping recomputes the rows, selecting the recording at path
// keep when it passes, the first otherwise.
func (m *Sessions) refilterKeeping(keep string) {
	m.rows = m.rows[:0]
	if m.filter == "" {
		for i := range m.all {
			m.rows = append(m.rows, i)
		}
	} else {
		for _, match := range fuzzy.FindFrom(m.filter, entrySource(m.all)) {
			m.rows = append(m.rows, match.Index)
		}
	}
	m.sel = 0
	for i, r := range m.rows {
		if m.all[r].Path == keep {
			m.sel = i
		}
	}
	m.top = 0
	m.clamp()
}

// tableHeight is how many rows fit: the title, filter, header and two
// footer lines take five.
func (m *Sessions) tableHeight() int { return max(1, m.h-5) }

func (m *Sessions) clamp() {
	m.sel = max(0, min(m.sel, len(m.rows)-1))
	if m.sel < m.top {
		m.top = m.sel
	}
	if n := m.tableHeight(); m.sel >= m.top+n {
		m.top = m.sel - n + 1
	}
}

// Update handles one message.
func (m *Sessions) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.clamp()
	case tea.BackgroundColorMsg:
		if m.cfg.Theme.Auto {
			m.cfg.Theme = themes.ForBackground(msg.IsDark())
		}
	case tea.ColorProfileMsg:
		if msg.Profile <= colorprofile.ASCII {
			m.cfg.Theme = themes.Monochrome()
		}
	case tea.EnvMsg:
		if msg.Getenv("NO_COLOR") != "" {
			m.cfg.Theme = themes.Monochrome()
		}
	case sessionsLoaded:
		m.loaded, m.loadErr = true, msg.err
		m.setAll(msg.entries)
	case sessionDeleted:
		if msg.err != nil {
			m.status = "not deleted: " + msg.err.Error()
			break
		}
		m.status = "deleted " + filepath.Base(msg.path)
		sel := m.sel
		for i, e := range m.all {
			if e.Path == msg.path {
				m.setAll(append(m.all[:i:i], m.all[i+1:]...))
				break
			}
		}
		// The row that took the deleted one's place is selected.
		m.sel = sel
		m.clamp()
	case ReplayDone:
		m.status = ""
		if msg.Err != nil {
			m.status = "replay: " + msg.Err.Error()
		}
		return m, m.load()
	case tea.PasteMsg:
		if m.filtering {
			m.filter += screen.OneLine(msg.Content, 0)
			m.refilter()
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m *Sessions) key(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if k.String() == "ctrl+c" {
		return m, tea.Quit
	}
	if m.confirm != "" {
		path := m.confirm
		m.confirm = ""
		if !key.Matches(k, m.keys.Yes) {
			m.status = "kept " + filepath.Base(path)
			return m, nil
		}
		remove := m.cfg.Remove
		return m, func() tea.Msg { return sessionDeleted{path, remove(path)} }
	}
	m.status = ""
	switch {
	case key.Matches(k, m.keys.Up):
		if !m.filtering || k.String() == "up" {
			m.sel--
			m.clamp()
			return m, nil
		}
	case key.Matches(k, m.keys.Down):
		if !m.filtering || k.String() == "down" {
			m.sel++
			m.clamp()
			return m, nil
		}
	case key.Matches(k, m.keys.PageUp):
		m.sel -= m.tableHeight()
		m.clamp()
		return m, nil
	case key.Matches(k, m.keys.PageDown):
		m.sel += m.tableHeight()
		m.clamp()
		return m, nil
	case key.Matches(k, m.keys.Clear):
		m.filter, m.filtering = "", false
		m.refilter()
		return m, nil
	}
	if m.filtering {
		switch {
		case key.Matches(k, m.keys.Accept):
			m.filtering = false
		case k.String() == "backspace":
			if r := []rune(m.filter); len(r) > 0 {
				m.filter = string(r[:len(r)-1])
				m.refilter()
			}
		case k.Text != "" && k.Mod&^tea.ModShift == 0:
			m.filter += screen.OneLine(k.Text, 0)
			m.refilter()
		}
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Home):
		m.sel = 0
		m.clamp()
	case key.Matches(k, m.keys.End):
		m.sel = len(m.rows) - 1
		m.clamp()
	case key.Matches(k, m.keys.Filter):
		m.filtering = true
	case key.Matches(k, m.keys.Open):
		if e, ok := m.Selected(); ok {
			return m, m.cfg.Replay(e.Path)
		}
	case key.Matches(k, m.keys.Delete):
		if e, ok := m.Selected(); ok {
			m.confirm = e.Path
		}
	case key.Matches(k, m.keys.Quit):
		return m, tea.Quit
	}
	return m, nil
}

// View draws the list full screen.
func (m *Sessions) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	if fg, bg := m.cfg.Theme.Paint(); bg != nil {
		v.ForegroundColor, v.BackgroundColor = fg, bg
	}
	return v
}

// Render is the screen as text, for View and for tests.
func (m *Sessions) Render() string {
	t := m.cfg.Theme
	// The table is laid out for 20 columns at least; every line is then
	// cut to the terminal, however narrow.
	w, tw := max(m.w, 1), max(m.w, 20)
	// Each line has a priority: a terminal shorter than the whole list
	// keeps the most needed lines (1 first) in their order.
	type listLine struct {
		text string
		prio int
	}
	var out []listLine
	line := func(prio int, s string) {
		out = append(out, listLine{ansi.Truncate(s, w, "…"), prio})
	}

	noun := "recordings"
	if len(m.all) == 1 {
		noun = "recording"
	}
	count := fmt.Sprintf("%d %s", len(m.all), noun)
	if m.filter != "" {
		count = fmt.Sprintf("%d of %d %s", len(m.rows), len(m.all), noun)
	}
	title := t.BarBrand.Render(" sentinel ") + t.BarField.Render(" sessions ") + t.BarLabel.Render(" "+count+" · "+shown(m.cfg.Dir)+" ")
	line(5, title+t.Bar.Render(strings.Repeat(" ", max(0, w-lipgloss.Width(title)))))

	switch {
	case m.filtering:
		line(3, t.HintKey.Render("/")+" "+t.EventText.Render(m.filter)+t.HintKey.Render("█"))
	case m.filter != "":
		line(7, t.HintKey.Render("/")+" "+t.EventText.Render(m.filter)+t.Hint.Render("  (esc clears)"))
	default:
		line(7, t.Hint.Render("/ to filter by id, command or date"))
	}

	tab := sessionTableFor(tw)
	cols := tab.cols
	line(6, t.PaneTitle.Render(cols.row(tab.headers...)))
	n := m.tableHeight()
	switch {
	case !m.loaded:
		line(2, t.Placeholder.Render("reading recordings…"))
		n--
	case m.loadErr != nil:
		line(2, t.StateFailed.Render("cannot list "+shown(m.cfg.Dir)+": "+shown(m.loadErr.Error())))
		n--
	case len(m.all) == 0:
		line(2, t.Placeholder.Render("no recordings yet: sentinel run -- AGENT records one"))
		n--
	case len(m.rows) == 0:
		line(2, t.Placeholder.Render("nothing matches "+fmt.Sprintf("%q", m.filter)))
		n--
	}
	// The rows that fit, counted before the loop: n counting down inside
	// it once ended the table halfway, and the selection could be below.
	end := min(len(m.rows), m.top+n)
	for i := m.top; i < end; i++ {
		e := m.all[m.rows[i]]
		mark := " "
		if e.Note != "" {
			mark = "!"
		}
		// Every field comes from a recording or its file name, which the
		// agent can write: none may reach the terminal with its control
		// characters (the command is cleaned by the catalog, but not the
		// exit marker, and a cached summary is whatever the file says).
		exit := shown(e.Exit)
		if exit == "" {
			exit = "—"
		}
		text := cols.row(e.Start.Local().Format(tab.started), shown(e.ID), shown(e.Command), FormatDuration(e.Duration),
			count0(e.Findings), count0(e.Decisions), exit, FormatSize(e.Size), mark)
		switch {
		case i == m.sel:
			text = lipgloss.NewStyle().Reverse(true).Render(text)
		case e.Findings > 0:
			text = t.EventKind["found"].Render(text)
		default:
			text = t.EventText.Render(text)
		}
		line(2, text)
		n--
	}
	for ; n > 0; n-- {
		line(2, "")
	}

	// Footer: the selected recording's note or path, then the keys (or
	// the question being asked).
	info := ""
	if e, ok := m.Selected(); ok {
		info = t.Hint.Render(shown(e.Path))
		if e.Note != "" {
			info = t.StateFailed.Render("! "+shown(e.Note)) + t.Hint.Render("  "+shown(filepath.Base(e.Path)))
		}
	}
	if m.status != "" {
		info = t.EventText.Render(shown(m.status))
	}
	line(8, info)
	switch {
	case m.confirm != "":
		ask := " delete " + shown(filepath.Base(m.confirm)) + "? "
		if e, ok := m.Selected(); ok && e.Path == m.confirm && e.Exit == "" {
			// No exit marker: the session may still be recording into it.
			ask += "(no exit recorded: it may still be running) "
		}
		line(1, t.AlertTitle.Render(ask)+" "+t.HintKey.Render("y")+t.Hint.Render(" delete  ")+t.HintKey.Render("n")+t.Hint.Render(" keep"))
	case m.filtering:
		line(4, m.hints(m.keys.Up, m.keys.Accept, m.keys.Clear))
	default:
		line(4, m.hints(m.keys.Up, m.keys.Open, m.keys.Delete, m.keys.Filter, m.keys.Clear, m.keys.Quit))
	}

	if h := max(m.h, 1); len(out) > h {
		// A terminal shorter than the list: keep the h most needed lines.
		order := make([]int, len(out))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(out[a].prio, out[b].prio) })
		keep := make([]bool, len(out))
		for _, i := range order[:h] {
			keep[i] = true
		}
		kept := out[:0]
		for i, l := range out {
			if keep[i] {
				kept = append(kept, l)
			}
		}
		out = kept
	}
	texts := make([]string, len(out))
	for i, l := range out {
		texts[i] = l.text
	}
	return strings.Join(texts, "\n")
}

// shown is text from a recording, its file name or an error about it, made
// safe to print: one line, no control characters (ESC, C1, BEL…), as the
// catalog already makes the command.
func shown(s string) string { return screen.OneLine(s, 0) }

func (m *Sessions) hints(bs ...key.Binding) string {
	t := m.cfg.Theme
	parts := make([]string, 0, len(bs))
	for _, kb := range bs {
		k := kb.Help().Key
		if k == "up" {
			k = "↑/↓"
		}
		parts = append(parts, t.HintKey.Render(k)+" "+t.Hint.Render(kb.Help().Desc))
	}
	return strings.Join(parts, t.Hint.Render(" · "))
}

func count0(n int) string {
	if n == 0 {
		return "·"
	}
	return fmt.Sprint(n)
}

// columns lays out the table: every column but the command has a fixed
// width; the command takes what is left.
type columns []int

// sessionTable is the list's columns for a terminal width: on a narrow
// one (80 columns) short headers and dates leave the command room to be
// read instead of "claude --…".
type sessionTable struct {
	cols    columns
	headers []string
	started string // time layout of the STARTED column
}

func sessionTableFor(w int) sessionTable {
	tab := sessionTable{
		cols:    columns{16, 8, 0, 8, 8, 9, 12, 8, 1},
		headers: []string{"STARTED", "ID", "COMMAND", "DURATION", "FINDINGS", "DECISIONS", "EXIT", "SIZE", " "},
		started: "2006-01-02 15:04",
	}
	if w < 110 {
		tab = sessionTable{
			cols:    columns{11, 8, 0, 7, 4, 3, 12, 7, 1},
			headers: []string{"STARTED", "ID", "COMMAND", "TIME", "FIND", "DEC", "EXIT", "SIZE", " "},
			started: "01-02 15:04",
		}
	}
	used := len(tab.cols) // a space after each
	for _, c := range tab.cols {
		used += c
	}
	tab.cols[2] = max(10, w-used)
	return tab
}

func (c columns) row(cells ...string) string {
	var b strings.Builder
	right := map[int]bool{3: true, 4: true, 5: true, 7: true}
	for i, cell := range cells {
		cell = ansi.Truncate(cell, c[i], "…")
		pad := strings.Repeat(" ", max(0, c[i]-ansi.StringWidth(cell)))
		if right[i] {
			b.WriteString(pad + cell)
		} else {
			b.WriteString(cell + pad)
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// FormatDuration is a recording's length for a table: 45s, 3m12s, 1h02m.
func FormatDuration(s float64) string {
	if !(s < 100*365*24*3600) { // also NaN: a damaged recording's time
		return "?"
	}
	switch d := int(max(s, 0) + 0.5); {
	case d < 60:
		return fmt.Sprintf("%ds", d)
	case d < 3600:
		return fmt.Sprintf("%dm%02ds", d/60, d%60)
	default:
		return fmt.Sprintf("%dh%02dm", d/3600, d/60%60)
	}
}

// FormatSize is a file size for a table: 512 B, 34 KB, 1.2 MB.
func FormatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
