package themes

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Preview draws a sample of the console in theme t, width cells wide: the
// status bar, a pane with one event line per severity, a small decision
// dialog and the hint line. A theme that paints its background is shown on
// it, whatever the terminal's own background is.
func Preview(t Theme, width int) string {
	width = max(width, 50)
	k := func(key, what string) string { return t.HintKey.Render(key) + t.Hint.Render(" "+what) }
	sp := t.EventText.Render(" ")

	// Status bar: brand, session, command, states, counts, recording.
	sep := t.Bar.Render("  ")
	bar := strings.Join([]string{
		t.BarBrand.Render(" sentinel"), t.BarField.Render("3f9a1c2e"), t.BarField.Render("claude"),
		t.StateRunning.Render("RUNNING") + t.Bar.Render(" ") + t.BarField.Render("02:14"),
		t.BarLabel.Render("findings ") + t.BarField.Render("4") + t.BarLabel.Render(" · decisions ") + t.BarField.Render("1"),
		t.Recording.Render("● REC"),
	}, sep)
	frozenBar := strings.Join([]string{
		t.BarBrand.Render(" sentinel"), t.StateFrozen.Render("FROZEN"), t.StateExited.Render("EXITED(0)"),
		t.StateFailed.Render("EXITED(1)"), t.NotRecording.Render(" NOT RECORDING "),
	}, sep)

	// Events pane, one line per severity.
	events := []string{
		t.EventTime.Render("12:00:01") + sp + t.EventKind["start"].Render("start ") + sp + t.EventText.Render("claude --model opus"),
	}
	sample := map[string]string{
		"critical": "railway.volume-delete  curl … volumeDelete",
		"high":     "files.rm-recursive  rm -rf ./data",
		"medium":   "git.force-push  git push --force",
		"low":      "credential seen in output",
	}
	for _, sev := range Severities {
		events = append(events, t.EventTime.Render("12:00:02")+sp+t.EventKind["found"].Render("found ")+sp+t.Badge(sev)+sp+t.EventText.Render(sample[sev]))
	}
	events = append(events,
		t.EventTime.Render("12:00:09")+sp+t.EventKind["decide"].Render("decide")+sp+t.EventText.Render("denied by alice"),
		t.EventTime.Render("12:00:10")+sp+t.EventKind["error"].Render("error ")+sp+t.EventText.Render("recording failed: disk full"),
	)
	paneW := width - 2
	pane := t.BorderFocused.Render("╭─") + t.PaneTitle.Render(" events ") + t.BorderFocused.Render(strings.Repeat("─", max(paneW-9, 0))+"╮")
	paneLines := []string{pane}
	for _, e := range events {
		paneLines = append(paneLines, t.BorderFocused.Render("│")+fitCells(e, paneW)+t.BorderFocused.Render("│"))
	}
	paneLines = append(paneLines, t.BorderFocused.Render("╰"+strings.Repeat("─", paneW)+"╯"))

	// A small decision dialog.
	cmd := t.DialogKey.Render("$ ") + t.Command.Render("curl -X POST api/graphql -d '{\"query\":\"mutation { ") +
		t.Match.Render("volumeDelete") + t.Command.Render("(id: v1) }\"}'")
	dialog := t.Alert.Width(min(width, 72)).Render(strings.Join([]string{
		t.AlertTitle.Render("Held: the agent wants to delete a volume"),
		t.Badge("critical") + sp + t.PaneTitle.Render("railway.volume-delete") + t.Hint.Render("  seen by exec gate"),
		cmd,
		t.EventText.Render("Deletes volume v1 and its backups; nothing can restore it."),
		t.DialogKey.Render("a") + t.EventText.Render(" approve  ") + t.DialogKey.Render("e") + t.EventText.Render(" edit  ") +
			t.DialogKey.Render("d") + t.EventText.Render(" deny  ") + t.DialogKey.Render("k") + t.EventText.Render(" kill"),
	}, "\n"))

	hint := " " + k("ctrl+g …", "prefix") + t.Hint.Render("  ·  ") + k("e", "events") + t.Hint.Render("  ·  ") + k("?", "help")

	var lines []string
	lines = append(lines, fitCells(bar, width), fitCells(frozenBar, width))
	lines = append(lines, paneLines...)
	lines = append(lines, strings.Split(dialog, "\n")...)
	lines = append(lines, hint)
	for i, l := range lines {
		lines[i] = onBackground(t, l, width)
	}
	return strings.Join(lines, "\n")
}

// fitCells pads or cuts a styled line to w cells.
func fitCells(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "…")
}

// onBackground paints the theme's background under a styled line and its
// padding to width: after every reset the background is set again.
func onBackground(t Theme, line string, width int) string {
	_, bg := t.Paint()
	if bg == nil {
		return line
	}
	on, _, _ := strings.Cut(lipgloss.NewStyle().Background(bg).Foreground(t.Palette.Fg).Render("x"), "x")
	line = strings.ReplaceAll(line, "\x1b[m", "\x1b[m"+on)
	line = strings.ReplaceAll(line, "\x1b[0m", "\x1b[0m"+on)
	if n := ansi.StringWidth(line); n < width {
		line += strings.Repeat(" ", width-n)
	}
	return on + line + "\x1b[m"
}
