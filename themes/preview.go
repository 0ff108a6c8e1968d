package themes

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The preview shows what the console shows, in its words: the default
// prefix (ui.DefaultPrefix; ui imports this package, so it is written out
// here), rule ids from 'sentinel rules', event lines as the events pane
// writes them and the dialog's own keys. Keep them in step with ui.
const previewPrefix = "ctrl-]"

// Preview draws a sample of the console in theme t, width cells wide: the
// status bar (and the other states it can show), the events pane, a
// decision dialog, the severity badges such a dialog carries and the hint
// line. A theme that paints its background is shown on it, whatever the
// terminal's own background is.
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

	// Events pane: each kind of event, written as the console writes it,
	// wrapped under its time and kind (the pane cuts nothing off).
	paneW := width - 2
	const indent = 16
	var events []string
	ev := func(at, kind, text string) {
		head := t.EventTime.Render(at) + sp + t.EventKind[kind].Render(fmt.Sprintf("%-6s", kind)) + sp
		for i, l := range strings.Split(ansi.Wrap(text, paneW-indent, ""), "\n") {
			if i > 0 {
				head = t.EventText.Render(strings.Repeat(" ", indent))
			}
			events = append(events, head+t.EventText.Render(l))
		}
	}
	ev("12:00:01", "start", "started claude --model opus (pid 4242) at 120x40")
	ev("12:00:03", "found", "warn high credential.seen [exec gate]: curl -H 'Authorization: Bearer rw_root_4057…9a67' https://api.example.com/graphql")
	ev("12:00:04", "found", "warn low cloud.kubectl-delete [exec gate]: kubectl delete pod web-7f9c")
	ev("12:00:05", "found", "#1 critical http.graphql-delete-critical [exec gate]: curl -X POST https://api.example.com/graphql -d '{\"query\":\"mutation { volumeDelete(…")
	ev("12:00:09", "decide", "#1 deny by alice")
	ev("12:00:10", "error", "write …/3f9a1c2e.cast: no space left on device: the rest of this session is NOT recorded")
	pane := t.BorderFocused.Render("╭─") + t.PaneTitle.Render(" events ") + t.BorderFocused.Render(strings.Repeat("─", max(paneW-9, 0))+"╮")
	paneLines := []string{pane}
	for _, e := range events {
		paneLines = append(paneLines, t.BorderFocused.Render("│")+fitCells(e, paneW)+t.BorderFocused.Render("│"))
	}
	paneLines = append(paneLines, t.BorderFocused.Render("╰"+strings.Repeat("─", paneW)+"╯"))

	// A decision dialog, with the parts and keys of the console's.
	cmd := t.DialogKey.Render("$ ") + t.Command.Render("curl -X POST ") + t.Match.Render("https://api.example.com/graphql") +
		t.Command.Render(" -d '{\"query\":\"mutation { ") + t.Match.Render("volumeDelete") + t.Command.Render("(volumeId: \\\"vol_9f3c\\\") }\"}'")
	dk := func(key, what string) string { return t.DialogKey.Render(key) + t.EventText.Render("\u00a0"+what) }
	dialog := t.Alert.Width(min(width, 72)).Render(strings.Join([]string{
		t.AlertTitle.Render("AGENT FROZEN · approval needed"),
		t.Badge("critical") + sp + t.PaneTitle.Render("http.graphql-delete-critical") + t.Hint.Render("  seen by exec gate"),
		"",
		cmd,
		"",
		t.EventText.Render("deletes volume vol_9f3c through the GraphQL API at api.example.com (mutation volumeDelete); deleting a volume is irreversible and can take its backups with it"),
		"",
		dk("a", "approve once") + sp + sp + dk("A", "approve http.graphql-delete-critical on vol_9f3c for this session"),
		dk("e", "edit") + sp + sp + dk("d", "deny") + sp + sp + dk("k", "kill the agent") + sp + sp + dk("?", "details"),
	}, "\n"))
	// The no-break spaces kept each key with its first word while the
	// dialog was wrapped, as the console's do; shown, they are spaces.
	dialog = strings.ReplaceAll(dialog, "\u00a0", " ")

	// Every severity's badge, as a dialog shows the rule's.
	var badges []string
	for _, sev := range Severities {
		badges = append(badges, t.Badge(sev))
	}
	severities := " " + t.Hint.Render("severities ") + strings.Join(badges, sp)

	p := previewPrefix
	hint := " " + k(p, "prefix") + t.Hint.Render("  ·  ") + k(p+" ?", "help") + t.Hint.Render("  ·  ") + k(p+" q", "quit")

	var lines []string
	lines = append(lines, fitCells(bar, width), fitCells(frozenBar, width))
	lines = append(lines, paneLines...)
	lines = append(lines, strings.Split(dialog, "\n")...)
	lines = append(lines, fitCells(severities, width), hint)
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
