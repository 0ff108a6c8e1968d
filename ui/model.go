package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
)

// Terminal is the agent's screen as the console reads it.
type Terminal interface {
	Render(offset int) screen.Frame
	Version() uint64
	Ack()
	AltScreen() bool
	MouseTracking() bool
}

// Agent receives the console's actions. Its methods are called one at a
// time, in order, from the console's actuator goroutine, never from Update.
type Agent interface {
	SendKey(uv.KeyPressEvent)
	Paste(text string)
	SendMouse(vt.Mouse)
	Resize(cols, rows int)
	Terminate()
	// Decide answers a held action with the operator's decision.
	Decide(id int, d session.Decision)
	// Attention tells the operator outside the terminal (a desktop
	// notification) that an action waits.
	Attention(summary string)
}

// Config is what the console shows about the session.
type Config struct {
	SessionID string
	Command   string
	Started   time.Time
	Recording string // path of the recording; empty means not recorded
	Prefix    Prefix
	Theme     themes.Theme
	// ExitWhenDone quits as soon as the agent exits (--exit).
	ExitWhenDone bool
	// Protections describes what watches the agent, for the status bar.
	Protections string
	// Operator is the user name decisions are recorded under.
	Operator string
	// Notify rings the bell and raises a desktop notification when an
	// action is held.
	Notify bool
}

// Messages the wiring sends to the console.
type (
	// ScreenChanged says the agent's screen has new content.
	ScreenChanged struct{}
	// SessionEvent is an entry for the events timeline.
	SessionEvent struct{ Event session.Event }
	// AgentExited says the agent ended and the session is closed.
	AgentExited struct{ Status session.ExitStatus }
	// RecordingFailed says the recording stopped: the operator must know
	// the session is no longer recorded.
	RecordingFailed struct{ Err error }
)

type (
	frameMsg struct{}
	clockMsg time.Time
)

// frameInterval caps redraws of the agent pane at 60 per second, and
// burstFrameInterval at 30 while the agent streams output continuously.
const (
	frameInterval      = time.Second / 60
	burstFrameInterval = time.Second / 30
)

type focusArea int

const (
	focusAgent focusArea = iota
	focusEvents
)

type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlayQuit
	overlayPalette
)

// Model is the console's one bubbletea model.
type Model struct {
	cfg   Config
	keys  KeyMap
	term  Terminal
	agent Agent
	act   *actuator

	layout   Layout
	zoom     bool
	focus    focusArea
	overlay  overlay
	prefixOn bool
	// scrolling is scrollback mode: keys move through the agent's history
	// and none reach the agent until q or esc. It is a state of its own,
	// not scroll > 0, so the mode can sit at the bottom (offset 0) without
	// ending by itself and sending the operator's next key to the agent.
	scrolling bool
	// wheelScroll says the mouse wheel started scrollback mode: wheeling
	// back to the bottom then ends it, as tmux's copy mode does. A
	// scrollback key clears it, and then only q or esc ends the mode.
	wheelScroll bool
	scroll      int // lines of agent history shown above the live screen
	events      eventList
	now         time.Time
	notice      string // one-line feedback in the hint bar
	findings    int
	decisions   int
	// autoDecisions counts the decisions no key was pressed for.
	autoDecisions int
	// heldSeen holds the ids of the actions counted as findings, so that an
	// action decided without being shown (answered by an earlier decision)
	// is still counted and listed once, as the recording has it.
	heldSeen map[int]bool
	dialog   decisionDialog
	helpTop  int // the first help line shown, when the help scrolls
	palette  palette

	exited    bool
	ended     time.Time        // when the agent exited
	clock     func() time.Time // time.Now; tests fix it
	status    session.ExitStatus
	quitting  bool
	recFailed bool

	frameScheduled bool
	lastFrame      time.Time
	busyFrames     int // consecutive frames that followed the previous one at once
	frame          screen.Frame
	frameVersion   uint64
	frameScroll    int
	frameValid     bool
}

// New makes the console for a running agent. w and h are the terminal size
// the agent was started for (see ComputeLayout).
func New(cfg Config, term Terminal, agent Agent, w, h int) *Model {
	if cfg.Prefix.key == "" {
		cfg.Prefix = MustPrefix(DefaultPrefix)
	}
	if cfg.Theme.Name == "" {
		cfg.Theme = themes.Default()
	}
	// The command line may span lines (sh -c with a script): the bar,
	// the pane's border and the window title each take one line.
	cfg.Command = screen.OneLine(sanitize(cfg.Command), 0)
	m := &Model{cfg: cfg, keys: DefaultKeys(), term: term, agent: agent, act: newActuator(), now: time.Now(), clock: time.Now}
	m.layout = ComputeLayout(w, h, false)
	return m
}

// Close stops the actuator once queued actions have run.
func (m *Model) Close() { m.act.close() }

// Init implements tea.Model. Without a chosen theme it asks the terminal
// for its background; the answer arrives as a message (or never, and the
// dark theme stays), so nothing waits for it.
func (m *Model) Init() tea.Cmd {
	if m.cfg.Theme.Auto {
		return tea.Batch(tick(), tea.RequestBackgroundColor)
	}
	return tick()
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case ScreenChanged:
		if !m.frameScheduled {
			m.frameScheduled = true
			since := time.Since(m.lastFrame)
			interval := frameInterval
			if since < 2*burstFrameInterval {
				m.busyFrames++
			} else {
				m.busyFrames = 0
			}
			if m.busyFrames > 30 {
				// Half a second of continuous change: output is streaming
				// faster than anyone reads it; redraw less often and leave
				// the CPU to the agent.
				interval = burstFrameInterval
			}
			return m, tea.Tick(max(interval-since, 0), func(time.Time) tea.Msg { return frameMsg{} })
		}
	case frameMsg:
		m.frameScheduled = false
		m.lastFrame = time.Now()
		m.term.Ack()
	case clockMsg:
		m.now = time.Time(msg)
		return m, tick()
	case tea.BackgroundColorMsg, tea.ColorProfileMsg, tea.EnvMsg:
		m.cfg.Theme = adaptTheme(m.cfg.Theme, msg)
	case SessionEvent:
		m.events.add(msg.Event)
	case ActionHeld:
		a := msg.Action
		m.heldFinding(a)
		if _, decided := a.Decided(); decided {
			return m, nil
		}
		m.dialog.add(a)
		m.prefixOn = false
		arm := m.armDialog()
		top := a.Top()
		summary := fmt.Sprintf("%s %s: %s", top.Severity, top.Rule, screen.OneLine(a.Command, 0))
		if !m.cfg.Notify {
			return m, arm
		}
		m.act.do(func() { m.agent.Attention(summary) })
		return m, tea.Batch(arm, attention(a))
	case dialogArmed:
		switch {
		case m.overlay != overlayNone:
			// Help, the palette or the quit question covers the
			// dialog: its delay starts again when they close.
			m.dialog.armed, m.dialog.arming = 0, 0
		case m.dialog.open() && m.dialog.queue[0].ID == msg.id:
			m.dialog.armed = msg.id
			m.frameValid = false
		}
	case ActionDecided:
		m.heldFinding(msg.Action)
		m.dialog.remove(msg.Action.ID)
		m.decisions++
		if msg.Decision.By != "" {
			// No key was pressed for it (the same action decided on
			// another path, a session rule, a timeout, a policy): counted
			// apart, or one key press showed as three decisions.
			m.autoDecisions++
		}
		text := fmt.Sprintf("#%d %s", msg.Action.ID, msg.Decision.Label())
		if msg.Decision.Kind == session.Edit {
			text += " → " + clip(detect.MaskCredentials(msg.Decision.Edit), 100)
		}
		m.events.add(session.Event{Time: time.Now(), Kind: session.EventDecision, Text: text})
		m.frameValid = false
		return m, m.armDialog()
	case FindingSeen:
		m.findings++
		text := msg.Command
		if top := msg.Result.Top(); top != nil {
			what := clip(detect.MaskCredentials(msg.Command), 60)
			if msg.Command == "" {
				what = clip(top.Reason, 80)
			}
			text = fmt.Sprintf("%s %s %s [%s]: %s", msg.Result.Verdict, top.Severity, top.Rule, msg.Source, what)
		}
		m.events.add(session.Event{Time: time.Now(), Kind: session.EventFinding, Text: text})
	case RecordingFailed:
		m.recFailed = true
		m.events.add(session.Event{Time: time.Now(), Kind: session.EventError,
			Text: fmt.Sprintf("%v: the rest of this session is NOT recorded", msg.Err)})
	case AgentExited:
		m.exited, m.status = true, msg.Status
		// The status bar's clock stops here: it shows how long the agent
		// ran, not how long the console has been open.
		m.ended = m.clock()
		m.prefixOn = false
		if m.quitting || m.cfg.ExitWhenDone {
			return m, tea.Quit
		}
		if m.overlay == overlayQuit {
			m.overlay = overlayNone
		}
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.dialog.open() {
			if m.dialog.mode == dialogEdit {
				var cmd tea.Cmd
				m.dialog.edit, cmd = m.dialog.edit.Update(msg)
				return m, cmd
			}
			return m, nil
		}
		if m.focus == focusAgent && m.scrolling {
			m.notice = "scrollback · q or esc returns to live · the paste was not sent to the agent"
			return m, nil
		}
		if m.focus == focusAgent && !m.exited && m.overlay == overlayNone {
			text := msg.Content
			m.act.do(func() { m.agent.Paste(text) })
		}
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	case tea.MouseClickMsg:
		m.mouse(msg.Mouse(), func(mm uv.Mouse) vt.Mouse { return vt.MouseClick(mm) }, true)
	case tea.MouseReleaseMsg:
		m.mouse(msg.Mouse(), func(mm uv.Mouse) vt.Mouse { return vt.MouseRelease(mm) }, false)
	case tea.MouseMotionMsg:
		m.mouse(msg.Mouse(), func(mm uv.Mouse) vt.Mouse { return vt.MouseMotion(mm) }, false)
	}
	return m, nil
}

// adaptTheme follows what the terminal says about itself: its background
// when no theme was chosen, and monochrome when it has no colours.
func adaptTheme(t themes.Theme, msg tea.Msg) themes.Theme {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		if t.Auto {
			return themes.ForBackground(msg.IsDark())
		}
	case tea.ColorProfileMsg:
		if msg.Profile <= colorprofile.ASCII { // NO_COLOR=1, TERM=dumb, no colours
			return themes.Monochrome()
		}
	case tea.EnvMsg:
		if msg.Getenv("NO_COLOR") != "" { // any value, as no-color.org asks
			return themes.Monochrome()
		}
	}
	return t
}

// clip shortens text for the events pane (the recording and the audit log
// keep it whole).
func clip(s string, n int) string { return ansi.Truncate(screen.OneLine(s, 0), n, "…") }

func (m *Model) resize(w, h int) {
	old := m.layout.AgentInner
	m.layout = ComputeLayout(w, h, m.zoom)
	if in := m.layout.AgentInner; (in.W != old.W || in.H != old.H) && !m.exited {
		m.act.do(func() { m.agent.Resize(in.W, in.H) })
	}
	if m.dialog.mode == dialogEdit {
		m.dialog.edit.SetWidth(m.editWidth())
	}
	m.frameValid = false
}

func (m *Model) setZoom(z bool) {
	m.zoom = z
	m.resize(m.layout.Width, m.layout.Height)
}

// heldFinding counts a held action as a finding and lists it, once.
func (m *Model) heldFinding(a *session.Action) {
	if m.heldSeen[a.ID] {
		return
	}
	if m.heldSeen == nil {
		m.heldSeen = map[int]bool{}
	}
	m.heldSeen[a.ID] = true
	m.findings++
	top := a.Top()
	m.events.add(session.Event{Time: a.Held, Kind: session.EventFinding,
		Text: fmt.Sprintf("#%d %s %s [%s]: %s", a.ID, top.Severity, top.Rule, a.Source, clip(detect.MaskCredentials(a.Command), 100))})
}

// key routes one key press, and restarts the dialog's delay when an
// overlay that covered it closes: the dialog must have been in view for
// the delay before its keys count.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	covered := m.overlay != overlayNone
	cmd := m.routeKey(k)
	switch {
	case !m.dialog.open():
	case m.overlay != overlayNone:
		m.dialog.armed, m.dialog.arming = 0, 0
	case covered:
		return tea.Batch(cmd, m.armDialog())
	}
	return cmd
}

// routeKey routes one key press. The order matters: dialogs first, then
// the prefix, then whichever pane has focus.
func (m *Model) routeKey(k tea.KeyPressMsg) tea.Cmd {
	m.notice = ""
	switch m.overlay {
	case overlayQuit:
		switch {
		case key.Matches(k, m.keys.Yes):
			m.overlay = overlayNone
			return m.quit()
		case key.Matches(k, m.keys.No):
			m.overlay = overlayNone
		}
		return nil
	case overlayHelp:
		m.helpKey(k)
		return nil
	case overlayPalette:
		return m.paletteKey(k)
	}

	if m.prefixOn {
		m.prefixOn = false
		return m.command(k)
	}
	if m.cfg.Prefix.matches(k) {
		m.prefixOn = true
		return nil
	}
	if m.dialog.open() {
		return m.dialogKey(k)
	}

	if m.focus == focusEvents {
		if key.Matches(k, m.keys.Back) {
			m.focus = focusAgent
		} else {
			m.navigateEvents(k)
		}
		return nil
	}

	if m.scrolling {
		// No key typed in scrollback reaches the agent: one meant for the
		// scrollback would otherwise be typed into the agent's input.
		if !m.scrollKey(k) {
			m.notice = "scrollback · q or esc returns to live · " + k.String() + " was not sent to the agent"
		}
		return nil
	}
	if m.exited {
		if key.Matches(k, m.keys.Quit) {
			return tea.Quit
		}
		m.notice = "the agent has exited · q quits"
		return nil
	}
	ev := toUV(k)
	m.act.do(func() { m.agent.SendKey(ev) })
	return nil
}

// command handles the key after the prefix.
func (m *Model) command(k tea.KeyPressMsg) tea.Cmd {
	if m.cfg.Prefix.matches(k) {
		if m.scrolling && m.focus == focusAgent {
			m.notice = "scrollback · q or esc returns to live · " + m.cfg.Prefix.String() + " was not sent to the agent"
			return nil
		}
		if !m.exited && !m.dialog.open() {
			ev := toUV(k)
			m.act.do(func() { m.agent.SendKey(ev) })
		}
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Events):
		if m.focus == focusEvents {
			m.focus = focusAgent
		} else if m.layout.Events.W > 0 {
			m.focus = focusEvents
		} else {
			m.notice = "no room for the events pane at this size"
		}
	case key.Matches(k, m.keys.Scroll) && m.dialog.open():
		m.notice = "the agent is frozen: decide first (its last lines are in the dialog)"
	case key.Matches(k, m.keys.Scroll):
		if m.term.AltScreen() {
			m.notice = "the agent is on its alternate screen: it has no scrollback here"
			return nil
		}
		// Entering the mode does not move the view: the operator starts
		// where they were (the live screen) and scrolls from there.
		if !m.scrolling {
			m.scrolling, m.scroll = true, 0
		}
		m.wheelScroll = false
		m.focus = focusAgent
		if key.Matches(k, m.keys.PageUp) {
			m.scrollKey(k)
		}
		m.frameValid = false
	case key.Matches(k, m.keys.Zoom):
		m.setZoom(!m.zoom)
	case key.Matches(k, m.keys.Help):
		m.overlay, m.helpTop = overlayHelp, 0
	case key.Matches(k, m.keys.Palette):
		m.palette.open(m.paletteItems())
		m.overlay = overlayPalette
	case key.Matches(k, m.keys.Quit):
		if m.exited {
			return tea.Quit
		}
		m.overlay = overlayQuit
	case key.Matches(k, m.keys.Cancel):
	default:
		m.notice = fmt.Sprintf("%s %s: not a console command (%s ? for help)", m.cfg.Prefix, k.String(), m.cfg.Prefix)
	}
	return nil
}

// scrollTop asks for the oldest line of history; the pane's frame clamps
// it to the history there is (see paneFrame) before anything shows it.
const scrollTop = 1 << 30

// scrollKey moves through the agent's scrollback in scrollback mode; it
// reports whether the key was a scrollback key. Only q and esc leave the
// mode: reaching the bottom does not.
func (m *Model) scrollKey(k tea.KeyPressMsg) bool {
	page := max(m.layout.AgentInner.H-1, 1)
	if m.frame.Lines != nil {
		// Keys can come faster than frames: after g (scrollTop), a ↓ before
		// the next frame must move from the real top, not from scrollTop.
		// (The next frame clamps again should the history have changed.)
		m.scroll = min(m.scroll, max(m.frame.History, m.frame.Scrolled))
	}
	switch km := m.keys; {
	case key.Matches(k, km.LineUp):
		m.scroll++
	case key.Matches(k, km.LineDown):
		m.scroll--
	case key.Matches(k, km.PageUp):
		m.scroll += page
	case key.Matches(k, km.PageDown):
		m.scroll -= page
	case key.Matches(k, km.Top):
		m.scroll = scrollTop
	case key.Matches(k, km.Bottom):
		m.scroll = 0
	case key.Matches(k, km.Quit), key.Matches(k, km.Cancel):
		m.leaveScrollback()
		return true
	default:
		return false
	}
	m.wheelScroll = false
	m.scroll = max(m.scroll, 0)
	m.frameValid = false
	return true
}

// leaveScrollback returns the agent pane to the live screen.
func (m *Model) leaveScrollback() {
	m.scrolling, m.wheelScroll, m.scroll = false, false, 0
	m.frameValid = false
}

// navigateEvents scrolls the events pane.
func (m *Model) navigateEvents(k tea.KeyPressMsg) {
	page := max(m.layout.EventsInner.H-1, 1)
	switch km := m.keys; {
	case key.Matches(k, km.LineUp):
		m.scrollEvents(1)
	case key.Matches(k, km.LineDown):
		m.scrollEvents(-1)
	case key.Matches(k, km.PageUp):
		m.scrollEvents(page)
	case key.Matches(k, km.PageDown):
		m.scrollEvents(-page)
	case key.Matches(k, km.Top):
		m.scrollEvents(len(m.events.items))
	case key.Matches(k, km.Bottom):
		m.scrollEvents(-len(m.events.items))
	}
}

// scrollEvents moves the events pane n events back in time, only as far
// as there is something to see: when every event fits, it stays put.
func (m *Model) scrollEvents(n int) {
	in := m.layout.EventsInner
	m.events.scrollBy(n, m.eventsMaxBack(in.W, in.H))
}

func (m *Model) quit() tea.Cmd {
	if m.exited {
		return tea.Quit
	}
	m.quitting = true
	m.notice = "ending the agent…"
	m.act.do(m.agent.Terminate)
	return nil
}

// wheel scrolls the pane under the pointer. Over the agent it goes to the
// agent when the agent asked for mouse reports; a full-screen program
// without them gets arrow keys, as xterm's alternate scroll mode does.
func (m *Model) wheel(ms tea.Mouse) {
	up := ms.Button == tea.MouseWheelUp
	down := ms.Button == tea.MouseWheelDown
	if !up && !down {
		return
	}
	switch {
	case m.layout.AgentInner.Contains(ms.X, ms.Y):
		if m.dialog.open() {
			return
		}
		if m.exited {
			m.wheelHistory(up)
			return
		}
		if !m.scrolling && m.term.MouseTracking() {
			ev := vt.MouseWheel(m.toPane(ms))
			m.act.do(func() { m.agent.SendMouse(ev) })
			return
		}
		if !m.scrolling && m.term.AltScreen() {
			code := uv.KeyDown
			if up {
				code = uv.KeyUp
			}
			m.act.do(func() {
				for range 3 {
					m.agent.SendKey(uv.KeyPressEvent{Code: code})
				}
			})
			return
		}
		m.wheelHistory(up)
	case m.layout.EventsInner.Contains(ms.X, ms.Y):
		if up {
			m.scrollEvents(3)
		} else {
			m.scrollEvents(-3)
		}
	}
}

// wheelHistory scrolls the agent's history by the wheel. Wheeling up from
// the live screen starts scrollback mode; wheeling back down to the bottom
// ends it only when the wheel started it (see wheelScroll).
func (m *Model) wheelHistory(up bool) {
	switch {
	case up && !m.scrolling && m.frame.Lines != nil && m.frame.History == 0:
		// The wheel is easily turned by accident: with nothing to scroll
		// it does not start a mode that keeps keys from the agent.
		m.notice = "nothing has scrolled off the agent's screen yet"
		return
	case up && !m.scrolling:
		m.scrolling, m.wheelScroll, m.scroll = true, true, 3
	case up:
		m.scroll += 3
	case !m.scrolling:
		return
	default:
		m.scroll = max(m.scroll-3, 0)
		if m.scroll == 0 && m.wheelScroll {
			m.leaveScrollback()
		}
	}
	m.frameValid = false
}

// mouse forwards clicks and motion over the agent pane when the agent asked
// for mouse reports; otherwise a click moves focus to the pane under it.
func (m *Model) mouse(ms tea.Mouse, wrap func(uv.Mouse) vt.Mouse, click bool) {
	if m.overlay != overlayNone || m.dialog.open() {
		return
	}
	inAgent := m.layout.AgentInner.Contains(ms.X, ms.Y)
	if inAgent && !m.exited && !m.scrolling && m.term.MouseTracking() {
		ev := wrap(m.toPane(ms))
		m.act.do(func() { m.agent.SendMouse(ev) })
	}
	if click {
		switch {
		case m.layout.Agent.Contains(ms.X, ms.Y):
			m.focus = focusAgent
		case m.layout.Events.Contains(ms.X, ms.Y):
			m.focus = focusEvents
		}
	}
}

// toPane translates console coordinates into the agent's.
func (m *Model) toPane(ms tea.Mouse) uv.Mouse {
	in := m.layout.AgentInner
	return uv.Mouse{X: ms.X - in.X, Y: ms.Y - in.Y, Button: ms.Button, Mod: ms.Mod}
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = m.windowTitle()
	// A chosen theme sets the terminal's default colours while the
	// console runs (bubbletea restores them), so its text is always on
	// the background its contrast was checked against.
	v.ForegroundColor, v.BackgroundColor = m.cfg.Theme.Paint()
	v.SetContent(m.render())
	if c := m.cursor(); c != nil {
		v.Cursor = c
	}
	return v
}

func (m *Model) windowTitle() string {
	if m.dialog.open() {
		return "sentinel: approval needed"
	}
	state := "running"
	if m.exited {
		state = "exited"
	}
	return fmt.Sprintf("sentinel: %s (%s)", m.cfg.Command, state)
}

// paneFrame returns the agent's current frame, rendering it again only when
// the screen, the scroll position or the size changed since last time.
func (m *Model) paneFrame() screen.Frame {
	v := m.term.Version()
	if !m.frameValid || v != m.frameVersion || m.scroll != m.frameScroll {
		m.frame = m.term.Render(m.scroll)
		m.frameVersion, m.frameScroll, m.frameValid = v, m.scroll, true
		m.scroll = m.frame.Scrolled // clamped to the history there is
		m.frameScroll = m.scroll
	}
	return m.frame
}

func (m *Model) cursor() *tea.Cursor {
	if m.focus != focusAgent || m.overlay != overlayNone || m.dialog.open() || m.prefixOn || m.scrolling || m.exited {
		return nil
	}
	return paneCursor(m.paneFrame(), m.layout.AgentInner)
}

// paneCursor is the terminal cursor for frame f drawn in the pane's inner
// rectangle in: the emulator's position, shape and blink, or nil where
// the agent hid it or it falls outside the pane.
func paneCursor(f screen.Frame, in Rect) *tea.Cursor {
	if !f.CursorVisible || f.CursorX < 0 || f.CursorY < 0 || f.CursorX >= in.W || f.CursorY >= in.H {
		return nil
	}
	c := tea.NewCursor(in.X+f.CursorX, in.Y+f.CursorY)
	c.Blink = f.CursorBlink
	switch f.CursorStyle {
	case vt.CursorUnderline:
		c.Shape = tea.CursorUnderline
	case vt.CursorBar:
		c.Shape = tea.CursorBar
	}
	return c
}

func (m *Model) render() string {
	l := m.layout
	lines := make([]string, l.Height)
	// The frame first: it clamps the scroll offset that the status bar
	// shows (g asks for scrollTop, far beyond any history).
	f := m.paneFrame()
	lines[0] = m.statusBar(l.Width)
	if l.Zoomed || l.Agent == l.AgentInner {
		// On a one-row terminal the agent keeps a row (its PTY cannot have
		// none) below the status bar, off the screen: draw only the rows
		// there are.
		for i := 0; i < l.AgentInner.H && l.AgentInner.Y+i < len(lines); i++ {
			lines[l.AgentInner.Y+i] = m.paneLine(f, i, l.AgentInner.W)
		}
	} else {
		m.drawAgentPane(lines, f)
		if l.Events.W > 0 {
			m.drawEventsPane(lines)
		}
	}
	if l.Hint.W > 0 {
		lines[l.Hint.Y] = m.hintLine(l.Width)
	}
	out := strings.Join(lines, "\n")
	if m.dialog.open() {
		out = m.withOverlay(out, m.decisionBox())
	}
	switch m.overlay {
	case overlayHelp:
		out = m.withOverlay(out, m.helpBox())
	case overlayQuit:
		out = m.withOverlay(out, m.quitBox())
	case overlayPalette:
		out = m.withOverlay(out, m.palette.render(m.cfg.Theme, l.Width, l.Height))
	}
	return out
}

// paneLine is row i of the frame, exactly w cells wide. Frames normally
// match the pane, and then their lines are used as they are; measuring every
// styled line on every frame was a visible cost during bursts. Between a
// resize and the emulator catching up they may not match.
func (m *Model) paneLine(f screen.Frame, i, w int) string {
	if m.dialog.open() {
		// Frozen: the agent's screen is dimmed under the dialog, in
		// sentinel's style only.
		if i >= len(f.Lines) {
			return strings.Repeat(" ", w)
		}
		return fit(m.cfg.Theme.Frozen.Render(ansi.Strip(f.Lines[i])), w)
	}
	return paneLine(f, i, w)
}

func paneLine(f screen.Frame, i, w int) string {
	if i >= len(f.Lines) {
		return strings.Repeat(" ", w)
	}
	if f.Width == w {
		return f.Lines[i]
	}
	return fit(f.Lines[i], w)
}
