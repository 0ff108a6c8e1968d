package ui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeTerm is a screen with fixed content.
type fakeTerm struct {
	lines    []string
	history  []string
	alt      bool
	mouse    bool
	cx, cy   int
	style    vt.CursorStyle
	version  uint64
	rendered int
}

func (f *fakeTerm) Render(offset int) screen.Frame {
	f.rendered++
	offset = max(0, min(offset, len(f.history)))
	var lines []string
	lines = append(lines, f.history[len(f.history)-offset:]...)
	lines = append(lines, f.lines...)
	lines = lines[:len(f.lines)]
	return screen.Frame{Width: 0, Lines: lines, CursorX: f.cx, CursorY: f.cy, CursorVisible: offset == 0, CursorStyle: f.style,
		Scrolled: offset, History: len(f.history)}
}
func (f *fakeTerm) Version() uint64     { return f.version }
func (f *fakeTerm) Ack()                {}
func (f *fakeTerm) AltScreen() bool     { return f.alt }
func (f *fakeTerm) MouseTracking() bool { return f.mouse }

// fakeAgent records what the console asked of it.
type fakeAgent struct {
	mu    sync.Mutex
	calls []string
}

func (a *fakeAgent) rec(s string) { a.mu.Lock(); a.calls = append(a.calls, s); a.mu.Unlock() }
func (a *fakeAgent) SendKey(k uv.KeyPressEvent) {
	a.rec("key " + uv.Key(k).String())
}
func (a *fakeAgent) Paste(t string) { a.rec("paste " + t) }
func (a *fakeAgent) SendMouse(m vt.Mouse) {
	a.rec(fmt.Sprintf("mouse %T %d,%d", m, m.Mouse().X, m.Mouse().Y))
}
func (a *fakeAgent) Resize(c, r int) { a.rec(fmt.Sprintf("resize %dx%d", c, r)) }
func (a *fakeAgent) Terminate()      { a.rec("terminate") }
func (a *fakeAgent) Decide(id int, d session.Decision) {
	a.rec(fmt.Sprintf("decide %d %s %s by %s", id, d.Kind, d.Edit, d.Operator))
}
func (a *fakeAgent) Attention(s string) { a.rec("attention " + s) }
func (a *fakeAgent) got() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.calls...)
}

func newTestModel(w, h int) (*Model, *fakeTerm, *fakeAgent) {
	ft := &fakeTerm{cx: 2, cy: 1}
	in := ComputeLayout(w, h, false).AgentInner
	for i := range in.H {
		ft.lines = append(ft.lines, fmt.Sprintf("agent line %d", i))
	}
	for i := range 50 {
		ft.history = append(ft.history, fmt.Sprintf("old %d", i))
	}
	fa := &fakeAgent{}
	m := New(Config{SessionID: "0badcafe", Command: "claude --model x", Started: time.Date(2026, 4, 24, 9, 0, 0, 0, time.UTC),
		Recording: "/state/sentinel/sessions/20260424T090000Z-0badcafe.cast"}, ft, fa, w, h)
	m.now = m.cfg.Started.Add(83 * time.Second)
	m.clock = func() time.Time { return m.now }
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, ft, fa
}

// press types keys as an operator does, having read the screen first: a
// dialog that opened has been up long enough for its keys to count
// (TestDialogIgnoresKeysTypedAsItOpens is what happens otherwise).
func press(m *Model, keys ...tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		armShown(m)
		_, cmd = m.Update(k)
	}
	return cmd
}

// hold brings a held action to the console, and lets the dialog's delay
// pass as the operator reads it. It returns what ActionHeld asked for.
func hold(m *Model, a *session.Action) tea.Cmd {
	_, cmd := m.Update(ActionHeld{Action: a})
	armShown(m)
	return cmd
}

// armShown lets the dialog's delay pass for the action it shows.
func armShown(m *Model) {
	if m.dialog.open() {
		m.Update(dialogArmed{m.dialog.queue[0].ID})
	}
}

func k(code rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: string(code)} }

var prefixKey = tea.KeyPressMsg{Code: ']', Mod: tea.ModCtrl}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

func plain(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

func TestGoldenFrames(t *testing.T) {
	m, _, _ := newTestModel(120, 30)
	m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventStart, Text: "started claude --model x (pid 4242) at 82x26"})
	golden(t, "console_120x30", plain(m))

	m.Update(AgentExited{Status: session.ExitStatus{Code: 3}})
	golden(t, "exited_120x30", plain(m))

	narrow, _, _ := newTestModel(80, 30)
	golden(t, "console_80x30", plain(narrow))

	press(narrow, prefixKey, k('?'))
	golden(t, "help_80x30", plain(narrow))

	// 80x24: the help scrolls inside its box; the box keeps its border and
	// says how to close it.
	small, _, _ := newTestModel(80, 24)
	press(small, prefixKey, k('?'))
	golden(t, "help_80x24", plain(small))
	press(small, k('G'))
	golden(t, "help_80x24_end", plain(small))

	unrec, _, _ := newTestModel(100, 20)
	unrec.cfg.Recording = ""
	if !strings.Contains(plain(unrec), "NOT RECORDING") {
		t.Errorf("unrecorded session does not say so:\n%s", plain(unrec))
	}
}

func TestEveryLineFitsTheTerminal(t *testing.T) {
	for _, size := range [][2]int{{160, 48}, {120, 40}, {99, 30}, {80, 24}, {40, 10}, {20, 6}, {10, 3}} {
		m, _, _ := newTestModel(size[0], size[1])
		for _, variant := range []func(){func() {}, func() { press(m, prefixKey, k('z')) }, func() { press(m, prefixKey, k('?')) }} {
			variant()
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) > size[1] {
				t.Errorf("%v: %d lines", size, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%v: line %d is %d wide: %q", size, i, w, ansi.Strip(l))
				}
			}
		}
	}
}

func TestKeysGoToTheAgentInOrder(t *testing.T) {
	m, _, fa := newTestModel(120, 30)
	press(m, k('l'), k('s'), tea.KeyPressMsg{Code: tea.KeyEnter}, tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	m.Close()
	want := []string{"key l", "key s", "key enter", "key ctrl+c"}
	if got := fa.got(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("agent got %q, want %q", got, want)
	}
}

func TestPrefix(t *testing.T) {
	m, _, fa := newTestModel(120, 30)
	// Prefix twice sends the prefix itself; prefix then a command key
	// does not reach the agent.
	press(m, prefixKey, prefixKey, prefixKey, k('e'))
	if m.focus != focusEvents {
		t.Error("prefix e did not focus the events pane")
	}
	press(m, k('x')) // goes to the events pane, not the agent
	press(m, tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.focus != focusAgent {
		t.Error("esc did not return focus to the agent")
	}
	press(m, prefixKey, k('z'))
	if !m.layout.Zoomed || m.layout.AgentInner.W != 120 || m.layout.AgentInner.H != 29 {
		t.Errorf("zoom layout %+v", m.layout)
	}
	press(m, prefixKey, k('z'))
	press(m, prefixKey, k('%'))
	if !strings.Contains(m.notice, "not a console command") {
		t.Errorf("unknown command notice = %q", m.notice)
	}
	m.Close()
	want := []string{"key ctrl+]", "resize 120x29", "resize 82x26"}
	if got := fa.got(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("agent got %q, want %q", got, want)
	}
}

func TestConfiguredPrefix(t *testing.T) {
	p, err := ParsePrefix("ctrl-b")
	if err != nil {
		t.Fatal(err)
	}
	m, _, fa := newTestModel(120, 30)
	m.cfg.Prefix = p
	press(m, prefixKey) // ctrl-] is now an ordinary key
	press(m, tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl}, k('?'))
	if m.overlay != overlayHelp {
		t.Error("ctrl-b ? did not open help")
	}
	m.Close()
	if got := fa.got(); len(got) != 1 || got[0] != "key ctrl+]" {
		t.Fatalf("agent got %q", got)
	}
	for _, bad := range []string{"a", "", "x-y", "ctrl-"} {
		if _, err := ParsePrefix(bad); err == nil {
			t.Errorf("ParsePrefix(%q) accepted", bad)
		}
	}
}

func TestScrollback(t *testing.T) {
	m, ft, fa := newTestModel(120, 30)
	press(m, prefixKey, k('['))
	if !m.scrolling || m.scroll != 0 {
		t.Fatalf("ctrl-] [: scrolling %v at %d, want the mode at the bottom", m.scrolling, m.scroll)
	}
	press(m, tea.KeyPressMsg{Code: tea.KeyPgUp})
	if !strings.Contains(plain(m), "old 25") || !strings.Contains(plain(m), "SCROLLBACK") {
		t.Errorf("scrolled view:\n%s", plain(m))
	}
	press(m, k('g'))
	m.View()
	if m.scroll != len(ft.history) {
		t.Errorf("home scrolled to %d, want %d (clamped)", m.scroll, len(ft.history))
	}
	// The wheel over the agent pane scrolls; with mouse tracking it goes to the agent.
	press(m, k('q'))
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	if !m.scrolling || m.scroll != 3 {
		t.Errorf("wheel: scrolling %v at %d", m.scrolling, m.scroll)
	}
	press(m, k('q'))
	ft.mouse = true
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	ft.mouse, ft.alt = false, true
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	m.Close()
	want := []string{"mouse uv.MouseWheelEvent 9,8", "key down", "key down", "key down"}
	if got := fa.got(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("agent got %q, want %q", got, want)
	}
}

// Scrollback is a mode of its own: it starts where the view is, stays at
// the bottom, and only q or esc end it; no key typed in it reaches the
// agent. It used to be "scroll > 0", so reaching the bottom (G, end, ↓)
// ended it and the q that followed was typed into the agent.
func TestScrollbackStaysUntilQOrEsc(t *testing.T) {
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	for _, tc := range []struct {
		name string
		keys []tea.KeyPressMsg
	}{
		{"G", []tea.KeyPressMsg{k('G')}},
		{"end", []tea.KeyPressMsg{{Code: tea.KeyEnd}}},
		{"down at once", []tea.KeyPressMsg{down}},
		{"pgup then pgdn", []tea.KeyPressMsg{{Code: tea.KeyPgUp}, {Code: tea.KeyPgDown}}},
		{"space to the bottom", []tea.KeyPressMsg{{Code: tea.KeyPgUp}, {Code: tea.KeySpace, Text: " "}, {Code: tea.KeySpace, Text: " "}}},
		{"j to the bottom", []tea.KeyPressMsg{k('k'), k('k'), k('j'), k('j'), k('j')}},
		{"other keys", []tea.KeyPressMsg{k('x'), k('l'), k('s'), {Code: tea.KeyEnter}, {Code: 'c', Mod: tea.ModCtrl}, prefixKey, prefixKey}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, fa := newTestModel(160, 48)
			press(m, prefixKey, k('['))
			for _, key := range tc.keys {
				press(m, key)
				m.View()
				if !m.scrolling {
					t.Fatalf("%s ended scrollback", key)
				}
			}
			m.Update(tea.PasteMsg{Content: "rm -rf /"})
			if !strings.Contains(plain(m), "SCROLLBACK -") {
				t.Errorf("the status bar does not say scrollback:\n%s", plain(m))
			}
			if m.View().Cursor != nil {
				t.Error("the agent's cursor shows in scrollback, as if keys went to it")
			}
			press(m, k('q'))
			if m.scrolling || m.scroll != 0 {
				t.Fatalf("q did not return to live: scrolling %v at %d", m.scrolling, m.scroll)
			}
			press(m, prefixKey, tea.KeyPressMsg{Code: tea.KeyPgUp}, k('G'), tea.KeyPressMsg{Code: tea.KeyEscape})
			if m.scrolling {
				t.Fatal("esc did not return to live")
			}
			press(m, k('z')) // live again: this one goes to the agent
			m.Close()
			if got := fa.got(); strings.Join(got, "|") != "key z" {
				t.Fatalf("agent got %q, want only the key typed after leaving scrollback", got)
			}
		})
	}
}

// With nothing scrolled off yet, ctrl-] pgup still enters the mode and
// says so; the q that follows leaves it instead of reaching the agent.
func TestScrollbackWithoutHistory(t *testing.T) {
	m, ft, fa := newTestModel(160, 48)
	ft.history = nil
	press(m, prefixKey, tea.KeyPressMsg{Code: tea.KeyPgUp})
	out := plain(m)
	if !m.scrolling || !strings.Contains(out, "SCROLLBACK (empty)") || !strings.Contains(out, "nothing has scrolled off yet") {
		t.Fatalf("scrolling %v:\n%s", m.scrolling, out)
	}
	press(m, k('k'), k('q'))
	if m.scrolling {
		t.Fatal("q did not leave scrollback")
	}
	// The wheel does not start the mode when there is nothing to scroll.
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	if m.scrolling {
		t.Error("the wheel started scrollback with no history")
	}
	m.Close()
	if got := fa.got(); len(got) != 0 {
		t.Fatalf("agent got %q", got)
	}
}

// The wheel ends scrollback at the bottom only when the wheel started it,
// as tmux's copy mode does; after a scrollback key only q or esc end it.
func TestWheelLeavesScrollbackItStarted(t *testing.T) {
	m, _, _ := newTestModel(160, 48)
	wheel := func(b tea.MouseButton) { m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: b}); m.View() }
	wheel(tea.MouseWheelUp)
	wheel(tea.MouseWheelUp)
	if !m.scrolling || m.scroll != 6 {
		t.Fatalf("wheel up: scrolling %v at %d", m.scrolling, m.scroll)
	}
	wheel(tea.MouseWheelDown)
	wheel(tea.MouseWheelDown)
	if m.scrolling {
		t.Fatal("wheeling back to the bottom did not return to live")
	}
	wheel(tea.MouseWheelDown)
	if m.scrolling {
		t.Fatal("wheel down at the live screen started scrollback")
	}
	press(m, prefixKey, k('['))
	wheel(tea.MouseWheelUp)
	wheel(tea.MouseWheelDown)
	wheel(tea.MouseWheelDown)
	if !m.scrolling {
		t.Fatal("the wheel ended scrollback the keyboard started")
	}
	wheel(tea.MouseWheelUp)
	press(m, k('k'))
	wheel(tea.MouseWheelDown)
	wheel(tea.MouseWheelDown)
	if !m.scrolling {
		t.Fatal("the wheel ended scrollback after a scrollback key")
	}
	m.Close()
}

// g asks for the top with an offset far beyond any history; the status bar
// shows the offset clamped to the history, not what was asked.
func TestScrollbackTopShowsTheRealOffset(t *testing.T) {
	m, ft, _ := newTestModel(160, 48)
	press(m, prefixKey, k('['), k('g'))
	out := plain(m)
	if want := fmt.Sprintf("SCROLLBACK -%d ", len(ft.history)); !strings.Contains(out, want) {
		t.Errorf("after g the status bar lacks %q:\n%s", want, strings.SplitN(out, "\n", 2)[0])
	}
	press(m, tea.KeyPressMsg{Code: tea.KeyUp}, tea.KeyPressMsg{Code: tea.KeyDown})
	if want := fmt.Sprintf("SCROLLBACK -%d ", len(ft.history)-1); !strings.Contains(plain(m), want) {
		t.Errorf("after g ↑ ↓ the status bar lacks %q:\n%s", want, strings.SplitN(plain(m), "\n", 2)[0])
	}
	m.Close()
}

// A held action while the operator reads scrollback: the dialog's "last
// lines" are still the agent's live screen.
func TestDialogShowsLiveLinesWhileScrolledBack(t *testing.T) {
	m, _, _ := newTestModel(160, 48)
	press(m, prefixKey, k('['), k('g'))
	m.View()
	lines := m.contextLines(3)
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "agent line") {
		t.Errorf("context lines %q, want the live screen's", lines)
	}
	m.Close()
}

func TestQuitAsksThenEndsTheAgent(t *testing.T) {
	m, _, fa := newTestModel(120, 30)
	press(m, prefixKey, k('q'))
	if m.overlay != overlayQuit || !strings.Contains(plain(m), "Quit sentinel?") {
		t.Fatal("no confirmation")
	}
	press(m, k('n'))
	if m.overlay != overlayNone || m.quitting {
		t.Fatal("n did not cancel")
	}
	press(m, prefixKey, k('q'))
	if cmd := press(m, k('y')); cmd != nil {
		t.Fatal("quit before the agent ended")
	}
	_, cmd := m.Update(AgentExited{Status: session.ExitStatus{Code: 129}})
	if cmd == nil || fmt.Sprint(cmd()) != fmt.Sprint(tea.Quit()) {
		t.Fatal("did not quit once the agent ended")
	}
	m.Close()
	if got := fa.got(); got[len(got)-1] != "terminate" {
		t.Fatalf("agent got %q", got)
	}
}

func TestExitedAgentKeepsScreenUntilQ(t *testing.T) {
	m, _, fa := newTestModel(120, 30)
	m.Update(AgentExited{Status: session.ExitStatus{Code: 0}})
	if cmd := press(m, k('x')); cmd != nil {
		t.Fatal("a key other than q quit")
	}
	if !strings.Contains(plain(m), "EXITED(0)") || !strings.Contains(plain(m), "agent line 0") {
		t.Fatalf("exited view:\n%s", plain(m))
	}
	if cmd := press(m, k('q')); cmd == nil {
		t.Fatal("q did not quit")
	}
	m.Close()
	if got := fa.got(); len(got) != 0 {
		t.Fatalf("keys reached an exited agent: %q", got)
	}
}

func TestExitWhenDone(t *testing.T) {
	m, _, _ := newTestModel(120, 30)
	m.cfg.ExitWhenDone = true
	if _, cmd := m.Update(AgentExited{}); cmd == nil {
		t.Fatal("--exit did not quit")
	}
	m.Close()
}

func TestCursorFollowsTheAgent(t *testing.T) {
	m, ft, _ := newTestModel(120, 30)
	v := m.View()
	if v.Cursor == nil || v.Cursor.X != 1+ft.cx || v.Cursor.Y != 2+ft.cy || v.Cursor.Shape != tea.CursorBlock {
		t.Fatalf("cursor %+v", v.Cursor)
	}
	ft.style = vt.CursorBar // as vim sets in insert mode
	ft.version++
	if c := m.View().Cursor; c == nil || c.Shape != tea.CursorBar {
		t.Fatalf("cursor shape %+v, want bar", c)
	}
	press(m, prefixKey, k('e'))
	if m.View().Cursor != nil {
		t.Fatal("cursor shown while the events pane has focus")
	}
	m.Close()
}

func TestPasteGoesToTheAgent(t *testing.T) {
	m, _, fa := newTestModel(120, 30)
	m.Update(tea.PasteMsg{Content: "rm -rf /tmp/x"})
	m.Close()
	if got := fa.got(); got[len(got)-1] != "paste rm -rf /tmp/x" {
		t.Fatalf("agent got %q", got)
	}
}

func TestFramesAreThrottled(t *testing.T) {
	m, ft, _ := newTestModel(120, 30)
	_, first := m.Update(ScreenChanged{})
	_, second := m.Update(ScreenChanged{})
	if first == nil || second != nil {
		t.Fatal("a second change before the frame should not schedule another")
	}
	ft.version++
	before := ft.rendered
	m.Update(frameMsg{})
	m.View()
	m.View() // nothing changed: the frame is reused
	if ft.rendered != before+1 {
		t.Fatalf("rendered %d times, want 1", ft.rendered-before)
	}
	m.Close()
}

func TestLayout(t *testing.T) {
	l := ComputeLayout(160, 48, false)
	if !l.SideBySide || l.AgentInner.W+2+l.Events.W != 160 || l.AgentInner.H != 44 {
		t.Errorf("160x48: %+v", l)
	}
	l = ComputeLayout(80, 40, false)
	if l.SideBySide || l.Events.H == 0 || l.AgentInner.W != 78 {
		t.Errorf("80x40: %+v", l)
	}
	l = ComputeLayout(80, 15, false)
	if l.Events.W != 0 {
		t.Errorf("80x15 should hide events: %+v", l)
	}
	l = ComputeLayout(120, 40, true)
	if l.AgentInner != (Rect{0, 1, 120, 39}) || l.Hint.W != 0 {
		t.Errorf("zoomed: %+v", l)
	}
}

func TestRecordingFailureIsImpossibleToMiss(t *testing.T) {
	m, _, _ := newTestModel(120, 30)
	defer m.Close()
	m.Update(RecordingFailed{Err: fmt.Errorf("recording /x.cast: no space left on device")})
	out := plain(m)
	if !strings.Contains(out, "RECORDING FAILED") || strings.Contains(out, "● REC") {
		t.Fatalf("status bar does not say the recording failed:\n%s", out)
	}
	if !strings.Contains(out, "no space left") {
		t.Fatalf("events pane lacks the error:\n%s", out)
	}
}

// Wrapped text keeps command-line options whole: x/ansi breaks after any
// hyphen, which showed "curl -sS -X POST" as "-sS", "-", "X POST".
func TestWrapTextKeepsOptionsWhole(t *testing.T) {
	text := `[exec gate]: bash -c "curl -sS -X POST http://127.0.0.1:41193/graphql/v2 -H 'Authorization: x'" --norc`
	for width := 8; width <= 40; width++ {
		rows := wrapText(text, width, "")
		joined := strings.Join(rows, " ")
		for _, opt := range []string{"-sS", "-X", "-H", "--norc", "-c"} {
			if !strings.Contains(" "+joined+" ", " "+opt+" ") && !strings.Contains(joined, `"`+opt) {
				t.Errorf("width %d: option %q cut: %q", width, opt, rows)
			}
		}
		for _, r := range rows {
			if ansi.StringWidth(r) > width {
				t.Errorf("width %d: row %q is wider", width, r)
			}
			if strings.ContainsRune(r, '\u2011') {
				t.Errorf("width %d: a stand-in hyphen is left in %q", width, r)
			}
		}
	}
	// Hyphenated words still break at their hyphens.
	if rows := wrapText("rule http.graphql-delete-critical", 22, ""); rows[len(rows)-1] != "critical" && !strings.HasSuffix(rows[0], "-") {
		t.Errorf("a hyphenated word did not break at a hyphen: %q", rows)
	}
	// And the hyphen stays with its word, inside the width: x/ansi let it
	// run a cell past, and the hard wrap gave it a row of its own
	// ("tmux -S /tmp/x.sock run", "-", "shell -b").
	cmd := "tmux -S /tmp/x.sock run-shell -b 'sleep 2; tmux send-keys -t %0 a'"
	for width := 6; width <= 40; width++ {
		rows := wrapText(cmd, width, " ")
		for _, r := range rows {
			if ansi.StringWidth(r) > width || strings.TrimSpace(r) == "-" || strings.ContainsRune(r, '\u200b') {
				t.Errorf("width %d: row %q of %q", width, r, rows)
			}
		}
		if got := strings.ReplaceAll(strings.Join(rows, " "), "- ", "-"); !strings.Contains(got, "run-shell") {
			t.Errorf("width %d: run-shell lost: %q", width, rows)
		}
	}
}

// The help fits the terminal with its whole border and the line saying how
// to close it; what does not fit scrolls, and every key can be reached. At
// 80x24 it used to run off the screen, without its right and bottom border
// and without the "closes" line.
func TestHelpFitsTheTerminal(t *testing.T) {
	for _, size := range [][2]int{{160, 48}, {100, 30}, {80, 24}, {80, 30}, {60, 20}, {40, 10}, {30, 12}} {
		w, h := size[0], size[1]
		m, _, _ := newTestModel(w, h)
		press(m, prefixKey, k('?'))
		want := map[string]bool{}
		for _, sec := range m.helpSections() {
			want[sec.title] = true
			for _, r := range sec.rows {
				want[r.Key] = true
			}
		}
		seen, prev := "", ""
		for range 100 {
			box := ansi.Strip(m.helpBox())
			if box == prev {
				break // the end: j no longer scrolls
			}
			prev = box
			rows := strings.Split(box, "\n")
			if bw, bh := lipgloss.Width(box), len(rows); bw > w || bh > h-1 {
				t.Fatalf("%dx%d: help box is %dx%d", w, h, bw, bh)
			}
			last, foot := rows[len(rows)-1], ""
			for i := len(rows) - 2; i > 0 && foot == ""; i-- {
				foot = strings.TrimSpace(strings.Trim(rows[i], "│"))
			}
			if !strings.HasPrefix(last, "╰") || !strings.HasSuffix(last, "╯") || !strings.HasSuffix(rows[0], "╮") {
				t.Fatalf("%dx%d: the box's border is not whole:\n%s", w, h, box)
			}
			if !strings.Contains(foot, "close") {
				t.Fatalf("%dx%d: the last line does not say how to close:\n%s", w, h, box)
			}
			if !strings.Contains(plain(m), foot) {
				t.Fatalf("%dx%d: the screen does not show the help's last line:\n%s", w, h, plain(m))
			}
			seen += box
			press(m, k('j'))
			if m.overlay != overlayHelp {
				break // everything fitted: j closed it
			}
		}
		for s := range want {
			if !strings.Contains(seen, ansi.Truncate(s, w-8, "")) {
				t.Errorf("%dx%d: %q never shown", w, h, s)
			}
		}
		press(m, k('q'))
		if m.overlay != overlayNone {
			t.Errorf("%dx%d: q did not close the help", w, h)
		}
		m.Close()
	}
}

// The status bar's clock shows how long the agent ran: it stops when the
// agent exits instead of counting the time the console stays open.
func TestClockStopsWhenTheAgentExits(t *testing.T) {
	m, _, _ := newTestModel(120, 30)
	defer m.Close()
	m.Update(clockMsg(m.cfg.Started.Add(time.Second)))
	m.Update(AgentExited{Status: session.ExitStatus{Code: 3}})
	for _, later := range []time.Duration{2, 11, 3600} {
		m.Update(clockMsg(m.cfg.Started.Add(later * time.Second)))
		if bar := strings.SplitN(plain(m), "\n", 2)[0]; !strings.Contains(bar, "EXITED(3) 00:01") {
			t.Fatalf("%ds later: %s", later, bar)
		}
	}
}

func eventsTitle(m *Model) string {
	row := strings.Split(plain(m), "\n")[m.layout.Events.Y]
	_, title, _ := strings.Cut(row, "╭─ events")
	return "events" + strings.TrimRight(title, "─╮ ")
}

// When every event fits, top and up change nothing: g used to scroll back
// a whole list's worth, leaving the first event alone at the bottom of an
// empty pane under "9 newer below".
func TestEventsPaneScrollsOnlyAsFarAsThereIsMore(t *testing.T) {
	m, _, _ := newTestModel(160, 48)
	defer m.Close()
	for i := range 10 {
		m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventNotice, Text: fmt.Sprintf("event number %d", i)})
	}
	before := plain(m)
	press(m, prefixKey, k('e'))
	for _, key := range []tea.KeyPressMsg{k('g'), {Code: tea.KeyUp}, {Code: tea.KeyPgUp}, k('k')} {
		press(m, key)
		if m.events.back != 0 || eventsTitle(m) != "events" {
			t.Fatalf("%s moved a pane whose events all fit: back %d, title %q", key, m.events.back, eventsTitle(m))
		}
	}
	m.focus = focusAgent
	if plain(m) != before {
		t.Errorf("the pane changed:\n%s", plain(m))
	}

	// Many events: g shows the oldest at the top of a full pane, and one
	// more ↑ changes nothing.
	for i := 10; i < 80; i++ {
		m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventNotice, Text: fmt.Sprintf("event number %d", i)})
	}
	in := m.layout.EventsInner
	press(m, prefixKey, k('e'), k('g'))
	rows, newer := m.eventsWindow(in.W, in.H, m.events.back)
	if len(rows) != in.H || !strings.Contains(ansi.Strip(rows[0]), "09:00:00") || !strings.Contains(ansi.Strip(strings.Join(rows[:2], "")), "event number 0") {
		t.Fatalf("g: the oldest event is not at the top of a full pane: %q", rows)
	}
	if want := fmt.Sprintf("events · %d newer below", newer); newer == 0 || eventsTitle(m) != want {
		t.Errorf("title %q, want %q", eventsTitle(m), want)
	}
	top := plain(m)
	press(m, k('k'))
	if plain(m) != top {
		t.Error("↑ at the top changed the pane")
	}
	press(m, k('j'))
	if plain(m) == top {
		t.Error("↓ from the top did not scroll")
	}
	press(m, k('G'))
	if m.events.back != 0 || eventsTitle(m) != "events" {
		t.Errorf("G: back %d, title %q", m.events.back, eventsTitle(m))
	}
	// Never emptier than the events allow, wherever it is scrolled.
	for b := range len(m.events.items) + 2 {
		if rows, _ := m.eventsWindow(in.W, in.H, b); len(rows) != in.H {
			t.Fatalf("scrolled back %d: %d rows in a pane of %d", b, len(rows), in.H)
		}
	}
}

// Narrow hint lines lose whole items, least important first, or end with
// "…": never a word cut off as if it were another.
func TestHintLineDropsWholeItems(t *testing.T) {
	states := map[string]func(m *Model){
		"live":    func(m *Model) {},
		"prefix":  func(m *Model) { press(m, prefixKey) },
		"scroll":  func(m *Model) { press(m, prefixKey, k('[')) },
		"events":  func(m *Model) { press(m, prefixKey, k('e')) },
		"exited":  func(m *Model) { m.Update(AgentExited{Status: session.ExitStatus{Code: 3}}) },
		"notice":  func(m *Model) { press(m, prefixKey, k('%')) },
		"no hist": func(m *Model) { m.term.(*fakeTerm).history = nil; press(m, prefixKey, k('[')) },
	}
	hint := func(state string, w int) string {
		m, _, _ := newTestModel(w, 30)
		defer m.Close()
		m.cfg.Protections = "hooks: claude ✓ · exec gate ✓ · stream ✓"
		states[state](m)
		lines := strings.Split(plain(m), "\n")
		return strings.TrimSpace(lines[len(lines)-1])
	}
	for state := range states {
		whole := map[string]bool{}
		for _, it := range strings.Split(hint(state, 300), "  ·  ") {
			whole[it] = true
		}
		for w := 20; w < 160; w++ {
			items := strings.Split(hint(state, w), "  ·  ")
			for i, it := range items {
				if !whole[it] && !(i == len(items)-1 && strings.HasSuffix(it, "…")) {
					t.Errorf("%s at %d columns: %q is cut: %q", state, w, it, items)
				}
			}
		}
	}
	if got := hint("live", 60); got != "ctrl-] prefix  ·  ctrl-] ? help  ·  ctrl-] q quit" {
		t.Errorf("60 columns: %q", got)
	}
}

// Event text wraps at spaces: a word is broken only when it is wider than
// the pane. In a narrow pane the text goes under its time and kind, where
// it has the pane's width, instead of a column too narrow for its words.
func TestEventTextWrapsAtSpaces(t *testing.T) {
	text := "WARN medium credential.seen [stream]: the agent has seen rw_root_43c6…8678 (stg_fa2d…ca1e) from infra/domains.env:4"
	for _, size := range [][2]int{{160, 48}, {120, 30}, {100, 30}, {30, 40}, {40, 40}} {
		m, _, _ := newTestModel(size[0], size[1])
		m.events.add(session.Event{Time: m.cfg.Started, Kind: session.EventFinding, Text: text})
		in := m.layout.EventsInner
		rows := m.eventRows(m.events.items[0], in.W)
		var joined []string
		for _, r := range rows {
			if w := ansi.StringWidth(r); w != in.W {
				t.Errorf("%v: row %q is %d wide, want %d", size, ansi.Strip(r), w, in.W)
			}
			joined = append(joined, strings.Fields(ansi.Strip(r))...)
		}
		for _, word := range strings.Fields(text) {
			if ansi.StringWidth(word) <= in.W-2 && !slices.Contains(joined, word) {
				t.Errorf("%v (events %d wide): %q broken: %q", size, in.W, word, ansi.Strip(strings.Join(rows, "\n")))
			}
		}
		if !strings.Contains(plain(m), "credential.seen") {
			t.Errorf("%v: not on screen:\n%s", size, plain(m))
		}
		m.Close()
	}
}

// On a narrow terminal the status bar drops the command before it loses
// the scrollback mode or the recording state.
func TestNarrowStatusBarKeepsScrollbackAndRec(t *testing.T) {
	m, _, _ := newTestModel(60, 20)
	defer m.Close()
	press(m, prefixKey, k('['))
	bar := strings.SplitN(plain(m), "\n", 2)[0]
	for _, want := range []string{"RUNNING", "SCROLLBACK -0", "● REC"} {
		if !strings.Contains(bar, want) {
			t.Errorf("status bar lacks %q: %q", want, bar)
		}
	}
}
