package ui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func replayType(h *replayHarness, s string) {
	for _, r := range s {
		h.press(keyText(string(r)))
	}
}

var ctrlP = tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl}

func TestReplayPaletteListsActionsRulesAndMarkers(t *testing.T) {
	h := newReplayHarness(t, filepath.Join("testdata", "replay_demo.cast"))
	h.m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.press(ctrlP)
	if !h.m.paletteOpen {
		t.Fatal("ctrl-p did not open the palette")
	}
	kinds := map[string]int{}
	for _, it := range h.m.palette.items {
		kinds[it.kind]++
	}
	// 10 actions, the one rule the markers name, the 4 markers.
	if kinds["action"] != 10 || kinds["rule"] != 1 || kinds["marker"] != 4 {
		t.Fatalf("palette items by kind: %v", kinds)
	}
	golden(t, "replay_palette_100x30", replayPlain(h.m))

	replayType(h, "delete-root")
	it, ok := h.m.palette.selected()
	if !ok || it.kind != "rule" || it.title != "files.delete-root" {
		t.Fatalf("delete-root selects %+v", it)
	}
	if len(h.m.palette.matches) >= len(h.m.palette.items) {
		t.Fatal("typing did not narrow the palette")
	}
	h.press(enterKey)
	if h.m.paletteOpen || !strings.HasPrefix(h.m.notice, "files.delete-root: ") {
		t.Fatalf("enter on the rule: open %v, notice %q", h.m.paletteOpen, h.m.notice)
	}
	if h.m.pos != 0 {
		t.Fatalf("typing in the palette moved the replay to %g", h.m.pos)
	}
}

func TestReplayPaletteRunsAnAction(t *testing.T) {
	h := newReplayHarness(t, filepath.Join("testdata", "replay_demo.cast"))
	h.press(keyText(":"))
	replayType(h, "end")
	if it, _ := h.m.palette.selected(); it.title != "end" {
		t.Fatalf("end selects %+v", it)
	}
	h.press(enterKey)
	if h.m.paletteOpen || h.m.pos != h.rec.Duration() {
		t.Fatalf("enter on end: open %v, at %g, want %g", h.m.paletteOpen, h.m.pos, h.rec.Duration())
	}
	// esc closes without acting; space inside the palette is text, not play.
	h.press(keyText(":"))
	h.press(keyText(" "))
	h.press(escKey)
	if h.m.paletteOpen || h.m.playing {
		t.Fatalf("esc: open %v, playing %v", h.m.paletteOpen, h.m.playing)
	}
	h.press(keyText(":"))
	replayType(h, "play")
	h.press(enterKey)
	if !h.m.playing {
		t.Fatal("play/pause from the palette did not play")
	}
}

func TestReplayPaletteJumpsToAMarker(t *testing.T) {
	h := newReplayHarness(t, filepath.Join("testdata", "replay_demo.cast"))
	h.press(ctrlP)
	replayType(h, "decision deny")
	it, ok := h.m.palette.selected()
	if !ok || it.kind != "marker" || it.at != 4 {
		t.Fatalf("decision deny selects %+v", it)
	}
	h.press(enterKey)
	if h.m.paletteOpen || h.m.pos != 4 || h.m.playing {
		t.Fatalf("enter on the marker: open %v, at %g, playing %v", h.m.paletteOpen, h.m.pos, h.m.playing)
	}
	if got, want := h.paneText(), strings.Join(screenAt(t, h.rec, 4), "\n"); got != want {
		t.Fatalf("the pane differs from Player.Seek(4):\n%s\nwant\n%s", got, want)
	}
	if view := ansi.Strip(h.m.render()); !strings.Contains(view, "▶"+"  00:04 decide") {
		t.Fatalf("the events pane does not highlight the decision:\n%s", view)
	}
}

func TestMentionsRule(t *testing.T) {
	for _, c := range []struct {
		label, id string
		want      bool
	}{
		{"pause #1 [exec] critical files.delete-root: rm -rf /", "files.delete-root", true},
		{"pause #1 [exec] critical files.delete-root: rm -rf /", "files.delete", false},
		{"decision #1: deny files.delete-root", "files.delete-root", true},
		{"exit: exit 0", "files.delete-root", false},
	} {
		if got := mentionsRule(c.label, c.id); got != c.want {
			t.Errorf("mentionsRule(%q, %q) = %v", c.label, c.id, got)
		}
	}
}
