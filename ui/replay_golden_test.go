package ui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// replayPlain is the replay console's frame as plain text, trailing spaces
// trimmed, as the live console's goldens are.
func replayPlain(m *Replay) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

// TestReplayGoldenFrames renders testdata/replay_demo.cast (coloured shell
// output, a pause, its decision, a resize) at fixed offsets at 100x30 and
// compares each frame with testdata/replay_*.golden (go test ./ui -update
// rewrites them).
func TestReplayGoldenFrames(t *testing.T) {
	h := newReplayHarness(t, filepath.Join("testdata", "replay_demo.cast"))
	h.m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	golden(t, "replay_start_100x30", replayPlain(h.m))

	h.press(tea.KeyPressMsg{Code: tea.KeyRight}) // 5 s: after the resize
	golden(t, "replay_5s_100x30", replayPlain(h.m))

	h.press(tea.KeyPressMsg{Code: tea.KeyHome})
	h.press(keyText("n")) // the pause
	if h.m.pos != 2.1 {
		t.Fatalf("n: at %g, want the pause at 2.1", h.m.pos)
	}
	golden(t, "replay_finding_100x30", replayPlain(h.m))

	h.press(tea.KeyPressMsg{Code: tea.KeyEnd})
	golden(t, "replay_end_100x30", replayPlain(h.m))
}
