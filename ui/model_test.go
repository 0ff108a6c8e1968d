package ui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
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
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, ft, fa
}

func press(m *Model, keys ...tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(k)
	}
	return cmd
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
	if m.scroll != 1 {
		t.Fatalf("scroll = %d", m.scroll)
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
	// A key that is not a scroll key leaves scrollback and reaches the agent.
	press(m, k('x'))
	if m.scroll != 0 {
		t.Error("typing did not return to live")
	}
	// The wheel over the agent pane scrolls; with mouse tracking it goes to the agent.
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	if m.scroll != 3 {
		t.Errorf("wheel scroll = %d", m.scroll)
	}
	press(m, k('q'))
	ft.mouse = true
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	ft.mouse, ft.alt = false, true
	m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	m.Close()
	want := []string{"key x", "mouse uv.MouseWheelEvent 9,8", "key down", "key down", "key down"}
	if got := fa.got(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("agent got %q, want %q", got, want)
	}
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
}
