package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/session/replay"
	"github.com/sentinel-console/sentinel/session/screen"
)

// testCast writes a 60 s recording: a numbered line of output every second,
// a finding at 20 s, its decision at 21 s and another finding at 45 s.
func testCast(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"version":2,"width":40,"height":8,"timestamp":1777000000,"command":"agent --demo"}` + "\n")
	ev := func(at float64, code, data string) {
		d, _ := json.Marshal(data)
		fmt.Fprintf(&b, "[%g, %q, %s]\n", at, code, d)
	}
	ev(0, "m", "start: agent --demo")
	for i := 0; i <= 60; i++ {
		text := fmt.Sprintf("line %02d \x1b[1mbold\x1b[0m\r\n", i)
		if i == 33 {
			text = "needle-in-the-output\r\n"
		}
		ev(float64(i)+0.5, "o", text)
		switch i {
		case 20:
			ev(20.6, "m", "pause #1 [exec gate] critical fs.rm-root: rm -rf /")
		case 21:
			ev(21.6, "m", "decision #1: deny")
		case 45:
			ev(45.6, "m", "warn [stream] medium credential.seen: token")
		}
	}
	ev(60.9, "m", "exit: exit 0")
	path := filepath.Join(t.TempDir(), "20260424T090000Z-ab12cd34.cast")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type replayHarness struct {
	t      *testing.T
	m      *Replay
	rec    *replay.Recording
	listen tea.Cmd
}

func newReplayHarness(t *testing.T, path string) *replayHarness {
	t.Helper()
	rec, err := replay.Open(path, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := rec.Player()
	if err != nil {
		t.Fatal(err)
	}
	m := NewReplay(ReplayConfig{Paused: true}, rec, p, 120, 30)
	t.Cleanup(func() {
		m.Close()
		p.Close()
		rec.Close()
	})
	h := &replayHarness{t: t, m: m, rec: rec, listen: m.work.listen()}
	m.seek(0)
	h.settle()
	return h
}

// settle feeds the worker's frames to the model until the one for its last
// request arrives. Playback ticks are never run: time does not decide.
func (h *replayHarness) settle() {
	h.t.Helper()
	done := make(chan tea.Msg, 1)
	for {
		go func() { done <- h.listen() }()
		select {
		case msg := <-done:
			f, ok := msg.(replayFrame)
			if !ok {
				h.t.Fatalf("worker sent %T", msg)
			}
			h.m.Update(f)
			if f.seq == h.m.seq {
				return
			}
		case <-time.After(10 * time.Second):
			h.t.Fatal("no frame from the replay worker")
		}
	}
}

func (h *replayHarness) press(k tea.KeyPressMsg) {
	h.t.Helper()
	before := h.m.seq
	h.m.Update(k)
	if h.m.seq != before {
		h.settle()
	}
}

func keyText(s string) tea.KeyPressMsg { return tea.KeyPressMsg{Text: s, Code: []rune(s)[0]} }

// screenAt is what a fresh player shows after Seek(t).
func screenAt(t *testing.T, rec *replay.Recording, at float64) []string {
	t.Helper()
	p, err := rec.Player()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Seek(at); err != nil {
		t.Fatal(err)
	}
	return screen.RenderEmulator(p.Screen()).Lines
}

func (h *replayHarness) paneText() string {
	return strings.Join(h.m.frame.Lines, "\n")
}

func TestReplaySeekKeysShowThePlayersScreen(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	steps := []struct {
		key  tea.KeyPressMsg
		want float64
	}{
		{tea.KeyPressMsg{Code: tea.KeyRight}, 5},
		{tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}, 35},
		{tea.KeyPressMsg{Code: tea.KeyLeft}, 30},
		{tea.KeyPressMsg{Code: tea.KeyEnd}, h.rec.Duration()},
		{tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModShift}, h.rec.Duration() - 30},
		{tea.KeyPressMsg{Code: tea.KeyHome}, 0},
	}
	for _, s := range steps {
		h.press(s.key)
		if h.m.pos != s.want {
			t.Fatalf("after %s: at %g, want %g", s.key, h.m.pos, s.want)
		}
		if got, want := h.paneText(), strings.Join(screenAt(t, h.rec, s.want), "\n"); got != want {
			t.Fatalf("after %s: the pane differs from Player.Seek(%g):\n%s\nwant\n%s", s.key, s.want, got, want)
		}
		if view := ansi.Strip(h.m.render()); !strings.Contains(view, clockAt(s.want)+" / "+clockAt(h.rec.Duration())) {
			t.Fatalf("after %s: status bar does not say %s:\n%s", s.key, clockAt(s.want), view)
		}
	}
	// 35 s in, the pane shows line 34 last.
	h.press(tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift})
	h.press(tea.KeyPressMsg{Code: tea.KeyRight})
	if !strings.Contains(h.paneText(), "line 34") || strings.Contains(h.paneText(), "line 35") {
		t.Fatalf("at 35 s:\n%s", h.paneText())
	}
}

func TestReplayNextPrevLandOnFindingsAndDecisions(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	var want []float64
	for _, mk := range h.rec.Markers() {
		if mk.Kind == replay.KindFinding || mk.Kind == replay.KindDecision {
			want = append(want, mk.Time)
		}
	}
	if len(want) != 3 {
		t.Fatalf("markers %+v", h.rec.Markers())
	}
	for _, w := range want {
		h.press(keyText("n"))
		if h.m.pos != w {
			t.Fatalf("n: at %g, want %g", h.m.pos, w)
		}
		cur := h.m.markers[h.m.currentMarker()]
		if cur.Time != w {
			t.Fatalf("n: highlighted marker at %g, want %g", cur.Time, w)
		}
		view := ansi.Strip(h.m.render())
		if !strings.Contains(view, "▶"+fmt.Sprintf("%7s", clockAt(w))) {
			t.Fatalf("the events pane does not highlight the marker at %g:\n%s", w, view)
		}
	}
	h.press(keyText("n"))
	if h.m.pos != want[2] || !strings.Contains(h.m.notice, "no finding") {
		t.Fatalf("n past the last: at %g, notice %q", h.m.pos, h.m.notice)
	}
	h.press(keyText("p"))
	if h.m.pos != want[1] {
		t.Fatalf("p: at %g, want %g", h.m.pos, want[1])
	}
	if got, exp := h.paneText(), strings.Join(screenAt(t, h.rec, want[1]), "\n"); got != exp {
		t.Fatalf("after p the pane differs from Player.Seek")
	}
}

func TestReplaySearchJumpsToTheMatch(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	h.m.Update(h.m.loadText()()) // what Init's command reads
	h.press(keyText("/"))
	for _, r := range "needle" {
		h.press(keyText(string(r)))
	}
	hit, ok := h.m.search.selected()
	if !ok || hit.kind != "output" || !strings.Contains(hit.text, "needle-in-the-output") {
		t.Fatalf("search: %+v %v (matches %d)", hit, ok, len(h.m.search.matches))
	}
	if box := ansi.Strip(h.m.render()); !strings.Contains(box, "needle-in-the-output") {
		t.Fatalf("the search box does not list the match:\n%s", box)
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyEnter})
	if h.m.search.active || h.m.pos != 33.5 {
		t.Fatalf("enter: active %v, at %g, want 33.5", h.m.search.active, h.m.pos)
	}
	if !strings.Contains(h.paneText(), "needle-in-the-output") {
		t.Fatalf("after the jump the pane does not show the line:\n%s", h.paneText())
	}
	// Markers are searched too.
	h.press(keyText("/"))
	for _, r := range "deny" {
		h.press(keyText(string(r)))
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyEnter})
	if h.m.pos != 21.6 {
		t.Fatalf("search for the decision: at %g, want 21.6", h.m.pos)
	}
}

func TestReplaySpeedAndPlay(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	for range 5 {
		h.press(keyText(">"))
	}
	if h.m.speed != MaxSpeed {
		t.Fatalf("speed %g, want %g", h.m.speed, float64(MaxSpeed))
	}
	for range 10 {
		h.press(keyText("<"))
	}
	if h.m.speed != MinSpeed || !strings.Contains(ansi.Strip(h.m.statusBar(120)), "¼×") {
		t.Fatalf("speed %g, bar %q", h.m.speed, ansi.Strip(h.m.statusBar(120)))
	}
	h.press(keyText(" "))
	if !h.m.playing || !strings.Contains(ansi.Strip(h.m.statusBar(120)), "PLAYING") {
		t.Fatal("space did not start playback")
	}
	// A tick two seconds after the last moves the player half a second at ¼×.
	_, cmd := h.m.Update(replayTick(h.m.lastTick.Add(2 * time.Second)))
	if cmd == nil || h.m.target != 0.5 {
		t.Fatalf("tick: target %g, want 0.5", h.m.target)
	}
	h.settle()
	h.press(keyText(" "))
	if h.m.playing {
		t.Fatal("space did not pause")
	}
	_, cmd = h.m.Update(replayTick(h.m.lastTick.Add(time.Second)))
	if cmd != nil || h.m.ticking {
		t.Fatal("ticks go on while paused")
	}
}

func TestReplayTimelineMarksFindingsAndDecisions(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	bar := ansi.Strip(h.m.timelineBar(100))
	if strings.Count(bar, "◆") != 2 || strings.Count(bar, "●") != 1 || !strings.HasPrefix(bar, "┃") {
		t.Fatalf("timeline %q", bar)
	}
	if w := ansi.StringWidth(h.m.timelineBar(100)); w != 100 {
		t.Fatalf("timeline is %d cells", w)
	}
}

func TestReplayHelpAndQuit(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	h.press(keyText("?"))
	if view := ansi.Strip(h.m.render()); !strings.Contains(view, "next finding or decision") {
		t.Fatalf("help:\n%s", view)
	}
	h.press(keyText("q")) // closes the help
	_, cmd := h.m.Update(keyText("q"))
	if cmd == nil {
		t.Fatal("q does not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
}

// A recording taller than the pane shows the rows ending at the cursor,
// where the agent was writing; the hint fits an 80-column terminal.
func TestReplaySmallTerminal(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	h.press(tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}) // 30 s: line 29 is the last written
	view := ansi.Strip(h.m.render())
	if !strings.Contains(view, "line 29") {
		t.Fatalf("the pane does not show the latest line:\n%s", view)
	}
	// The pane is shorter than the recording; its title still gives the
	// recorded size.
	if !strings.Contains(view, "recorded at 40x8") {
		t.Errorf("the title does not give the recorded size 40x8:\n%s", view)
	}
	lines := strings.Split(view, "\n")
	if len(lines) != 10 || !strings.Contains(lines[9], "q quit") {
		t.Fatalf("hint line %q (%d lines)", lines[len(lines)-1], len(lines))
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("line %d is %d cells wide", i, ansi.StringWidth(l))
		}
	}
}

// The pane shows the recorded agent's cursor where the player has it, and
// none where the agent hid it or an overlay covers the pane.
func TestReplayShowsTheRecordedCursor(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	h.press(keyText("→")) // 5 s
	h.press(tea.KeyPressMsg{Code: tea.KeyRight})
	p, err := h.rec.Player()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Seek(h.m.pos)
	want := p.Screen().CursorPosition()
	c := h.m.View().Cursor
	in := h.m.layout.AgentInner
	if c == nil || c.X != in.X+want.X || c.Y != in.Y+want.Y {
		t.Fatalf("cursor %+v, want the player's %v inside the pane at %d,%d", c, want, in.X, in.Y)
	}
	h.press(keyText("?"))
	if h.m.View().Cursor != nil {
		t.Fatal("cursor shown over the help")
	}

	path := filepath.Join(t.TempDir(), "hidden.cast")
	os.WriteFile(path, []byte(`{"version":2,"width":40,"height":8}`+"\n"+`[0.5, "o", "busy \u001b[?25l"]`+"\n"+`[1, "o", "."]`+"\n"), 0o600)
	hidden := newReplayHarness(t, path)
	hidden.press(tea.KeyPressMsg{Code: tea.KeyEnd})
	if c := hidden.m.View().Cursor; c != nil {
		t.Fatalf("the agent hid its cursor, the replay shows it at %d,%d", c.X, c.Y)
	}
}

// Mouse: a click on the timeline seeks to the time under it, a click on an
// event jumps to it, the wheel steps through findings over the events pane
// and seeks over the agent's.
func TestReplayMouse(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	send := func(msg tea.Msg) {
		t.Helper()
		before := h.m.seq
		h.m.Update(msg)
		if h.m.seq != before {
			h.settle()
		}
	}
	tl := h.m.timeline
	send(tea.MouseClickMsg{X: tl.X + tl.W/2, Y: tl.Y, Button: tea.MouseLeft})
	if col := h.m.duration / float64(tl.W-1); h.m.target < h.m.duration/2-col || h.m.target > h.m.duration/2+col {
		t.Fatalf("click mid-timeline: at %.2f s of %.2f", h.m.target, h.m.duration)
	}
	// Its bar puts the position back under the pointer.
	if bar := ansi.Strip(h.m.timelineBar(tl.W)); []rune(bar)[tl.W/2] != '┃' {
		t.Fatalf("position mark not under the click:\n%s", bar)
	}

	rows := h.m.markerRows()
	in := h.m.layout.EventsInner
	for i, r := range rows {
		if strings.HasPrefix(h.m.markers[r.marker].Label, "decision #1") {
			send(tea.MouseClickMsg{X: in.X + 3, Y: in.Y + i, Button: tea.MouseLeft})
			break
		}
	}
	if h.m.pos != 21.6 {
		t.Fatalf("click on the decision: at %.2f s, want 21.6", h.m.pos)
	}

	send(tea.MouseWheelMsg{X: in.X + 1, Y: in.Y + 1, Button: tea.MouseWheelDown})
	if h.m.pos != 45.6 {
		t.Fatalf("wheel down over the events: at %.2f s, want the next finding at 45.6", h.m.pos)
	}
	send(tea.MouseWheelMsg{X: in.X + 1, Y: in.Y + 1, Button: tea.MouseWheelUp})
	if h.m.pos != 21.6 {
		t.Fatalf("wheel up over the events: at %.2f s, want the decision at 21.6", h.m.pos)
	}
	a := h.m.layout.AgentInner
	send(tea.MouseWheelMsg{X: a.X + 2, Y: a.Y + 2, Button: tea.MouseWheelDown})
	if h.m.pos != 26.6 {
		t.Fatalf("wheel down over the agent: at %.2f s, want 26.6", h.m.pos)
	}
}

// The current event's label is wrapped over the rows it needs; the others
// keep one row each.
func TestReplayWrapsTheCurrentEventsLabel(t *testing.T) {
	h := newReplayHarness(t, testCast(t))
	h.press(keyText("n"))
	rows := h.m.markerRows()
	var parts []string
	for _, r := range rows {
		if r.marker == h.m.currentMarker() {
			parts = append(parts, strings.TrimSpace(r.text))
		}
	}
	label := h.m.markers[h.m.currentMarker()].Label
	if len(parts) < 2 || strings.Join(parts, " ") != label {
		t.Fatalf("current label in %d rows %q, want all of %q over several", len(parts), parts, label)
	}
	seen := map[int]int{}
	for _, r := range rows {
		seen[r.marker]++
	}
	for j, n := range seen {
		if j != h.m.currentMarker() && n != 1 {
			t.Fatalf("marker %d takes %d rows", j, n)
		}
	}
}
