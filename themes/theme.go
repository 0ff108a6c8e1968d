// Package themes holds sentinel's named palettes and the lipgloss styles
// built from them. Nothing else in sentinel hard-codes a colour (a test in
// this package checks the other packages' source).
//
// A theme is chosen by name (ByName), by the terminal's background (Auto,
// then ForBackground once the terminal answers), or forced to Monochrome
// when colour is off (NO_COLOR, a terminal without colours). Line-oriented
// commands use the small CLI set built from a theme (NewCLI).
package themes

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Palette is the small set of colours a theme chooses.
type Palette struct {
	Bg, Fg                color.Color // the background the theme is made for, and plain text on it
	Muted, Faint          color.Color // secondary text; borders (never text)
	Bar, BarFg            color.Color // status bar background and text
	Accent                color.Color // focus, keys
	OK, Warn, Alert, Info color.Color // running, warnings, alarms, neutral events
	OnAlert               color.Color // text on an Alert background
}

// Theme is a palette and the styles derived from it.
type Theme struct {
	Name        string
	Description string
	Palette     Palette

	// Auto: no theme was asked for. The console starts with this (dark)
	// theme, asks the terminal for its background and switches to
	// ForBackground's choice; it leaves the terminal's own colours alone.
	Auto bool
	// Mono: no colour at all; attributes and symbols tell states apart.
	Mono bool

	Bar          lipgloss.Style // status bar filler
	BarBrand     lipgloss.Style // "sentinel" in the status bar
	BarField     lipgloss.Style // a status bar value
	BarLabel     lipgloss.Style // a status bar label
	StateRunning lipgloss.Style
	StateExited  lipgloss.Style
	StateFailed  lipgloss.Style
	Recording    lipgloss.Style
	NotRecording lipgloss.Style // must be impossible to miss

	Border        lipgloss.Style // pane border, unfocused
	BorderFocused lipgloss.Style
	PaneTitle     lipgloss.Style

	EventTime   lipgloss.Style
	EventKind   map[string]lipgloss.Style // by event kind: start, resize, exit, notice, error
	EventText   lipgloss.Style
	Placeholder lipgloss.Style

	Hint    lipgloss.Style
	HintKey lipgloss.Style

	Dialog      lipgloss.Style // overlay box
	DialogTitle lipgloss.Style
	DialogKey   lipgloss.Style

	// The decision dialog: its own border (heavier than anything in the
	// panes), severities, and the matched bytes of a command.
	Alert       lipgloss.Style // the decision dialog's box
	AlertTitle  lipgloss.Style
	Severity    map[string]lipgloss.Style // by severity: critical, high, medium, low
	Match       lipgloss.Style            // the bytes of a command a rule matched
	Command     lipgloss.Style            // the rest of the command
	Frozen      lipgloss.Style            // the agent pane while the agent is frozen
	StateFrozen lipgloss.Style            // FROZEN in the status bar
}

// Severities in order, most severe first, with the symbol each carries in
// every theme, so that a severity never depends on colour alone.
var (
	Severities   = []string{"critical", "high", "medium", "low"}
	severityMark = map[string]string{"critical": "▲", "high": "◆", "medium": "●", "low": "○"}
)

// SeverityMark is the symbol shown with a severity.
func SeverityMark(sev string) string {
	if m, ok := severityMark[sev]; ok {
		return m
	}
	return "·"
}

// Badge renders a severity as the dialog shows it: " ▲ CRITICAL ".
func (t Theme) Badge(sev string) string {
	s, ok := t.Severity[sev]
	if !ok {
		s = t.EventText
	}
	return s.Render(" " + SeverityMark(sev) + " " + strings.ToUpper(sev) + " ")
}

// Paint is the default foreground and background the console sets on the
// terminal while it runs, so that the theme's text sits on the background
// it was made for. Both are nil for Auto (the theme already fits the
// terminal) and Mono (no colour).
func (t Theme) Paint() (fg, bg color.Color) {
	if t.Auto || t.Mono {
		return nil, nil
	}
	return t.Palette.Fg, t.Palette.Bg
}

// AutoName selects the theme by the terminal's background.
const AutoName = "auto"

// Names lists the built-in themes, in the order they are previewed.
func Names() []string {
	return []string{"dark", "light", "high-contrast", "colorblind", "monochrome"}
}

// Default is the theme used when none is configured: dark, adapting to
// the terminal's background once it is known.
func Default() Theme {
	t := build("dark", palettes["dark"])
	t.Auto = true
	return t
}

// ByName returns the named theme; "auto" and "" are Default.
func ByName(name string) (Theme, error) {
	switch name {
	case "", AutoName:
		return Default(), nil
	case "monochrome":
		return Monochrome(), nil
	}
	p, ok := palettes[name]
	if !ok {
		return Theme{}, fmt.Errorf("unknown theme %q (have %s, %s)", name, AutoName, strings.Join(Names(), ", "))
	}
	return build(name, p), nil
}

// ForBackground is the automatic choice for a terminal whose background is
// dark or light.
func ForBackground(dark bool) Theme {
	name := "light"
	if dark {
		name = "dark"
	}
	t := build(name, palettes[name])
	t.Auto = true
	return t
}

func build(name string, p Palette) Theme {
	s := lipgloss.NewStyle
	bar := s().Background(p.Bar).Foreground(p.BarFg)
	return Theme{
		Name:         name,
		Description:  descriptions[name],
		Palette:      p,
		Bar:          bar,
		BarBrand:     bar.Foreground(p.Accent).Bold(true),
		BarField:     bar.Foreground(p.BarFg),
		BarLabel:     bar.Foreground(p.Muted),
		StateRunning: bar.Foreground(p.OK).Bold(true),
		StateExited:  bar.Foreground(p.Warn).Bold(true),
		StateFailed:  bar.Foreground(p.Alert).Bold(true),
		Recording:    bar.Foreground(p.Alert),
		NotRecording: s().Background(p.Alert).Foreground(p.OnAlert).Bold(true),

		Border:        s().Foreground(p.Faint),
		BorderFocused: s().Foreground(p.Accent),
		PaneTitle:     s().Foreground(p.Fg).Bold(true),

		EventTime: s().Foreground(p.Muted),
		EventKind: map[string]lipgloss.Style{
			"start":  s().Foreground(p.OK),
			"resize": s().Foreground(p.Muted),
			"exit":   s().Foreground(p.Warn),
			"notice": s().Foreground(p.Info),
			"error":  s().Foreground(p.Alert).Bold(true),
			"found":  s().Foreground(p.Warn).Bold(true),
			"decide": s().Foreground(p.Accent).Bold(true),
		},
		EventText:   s().Foreground(p.Fg),
		Placeholder: s().Foreground(p.Muted).Italic(true),

		Hint:    s().Foreground(p.Muted),
		HintKey: s().Foreground(p.Accent).Bold(true),

		Dialog:      s().Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(1, 2),
		DialogTitle: s().Foreground(p.Accent).Bold(true),
		DialogKey:   s().Foreground(p.Accent).Bold(true),

		Alert:      s().Border(lipgloss.ThickBorder()).BorderForeground(p.Alert).Padding(0, 1),
		AlertTitle: s().Foreground(p.Alert).Bold(true),
		Severity: map[string]lipgloss.Style{
			"critical": s().Background(p.Alert).Foreground(p.OnAlert).Bold(true),
			"high":     s().Foreground(p.Alert).Bold(true),
			"medium":   s().Foreground(p.Warn).Bold(true),
			"low":      s().Foreground(p.Muted),
		},
		Match:   s().Foreground(p.Alert).Bold(true).Underline(true),
		Command: s().Foreground(p.Fg),
		// Dimmed, but still text someone must be able to read.
		Frozen:      s().Foreground(p.Muted),
		StateFrozen: bar.Foreground(p.Alert).Bold(true).Blink(true),
	}
}

// Monochrome is the theme without colour, for NO_COLOR and terminals that
// have none: bold, underline, reverse video and the severity symbols carry
// what colour carries in the other themes.
func Monochrome() Theme {
	s := lipgloss.NewStyle
	bar := s().Reverse(true)
	return Theme{
		Name:         "monochrome",
		Description:  descriptions["monochrome"],
		Mono:         true,
		Bar:          bar,
		BarBrand:     bar.Bold(true),
		BarField:     bar,
		BarLabel:     bar,
		StateRunning: bar.Bold(true),
		StateExited:  bar.Bold(true).Underline(true),
		StateFailed:  s().Bold(true).Underline(true), // cut out of the reversed bar
		Recording:    bar,
		NotRecording: s().Bold(true).Blink(true),

		Border:        s(),
		BorderFocused: s().Bold(true),
		PaneTitle:     s().Bold(true),

		EventTime: s(),
		EventKind: map[string]lipgloss.Style{
			"start":  s(),
			"resize": s(),
			"exit":   s().Bold(true),
			"notice": s(),
			"error":  s().Bold(true).Reverse(true),
			"found":  s().Bold(true).Underline(true),
			"decide": s().Bold(true),
		},
		EventText:   s(),
		Placeholder: s().Italic(true),

		Hint:    s(),
		HintKey: s().Bold(true),

		Dialog:      s().Border(lipgloss.RoundedBorder()).Padding(1, 2),
		DialogTitle: s().Bold(true),
		DialogKey:   s().Bold(true),

		Alert:      s().Border(lipgloss.ThickBorder()).Padding(0, 1),
		AlertTitle: s().Bold(true).Reverse(true),
		Severity: map[string]lipgloss.Style{
			"critical": s().Bold(true).Reverse(true),
			"high":     s().Bold(true).Underline(true),
			"medium":   s().Bold(true),
			"low":      s(),
		},
		Match:       s().Bold(true).Reverse(true),
		Command:     s(),
		Frozen:      s().Faint(true),
		StateFrozen: s().Bold(true).Blink(true),
	}
}
