// Package themes holds sentinel's named palettes and the lipgloss styles
// built from them. Nothing else in sentinel hard-codes a colour.
package themes

import (
	"fmt"
	"image/color"
	"sort"

	"charm.land/lipgloss/v2"
)

// Palette is the small set of colours a theme chooses.
type Palette struct {
	Fg, Muted, Faint      color.Color // text, secondary text, borders
	Bar, BarFg            color.Color // status bar background and text
	Accent                color.Color // focus, keys
	OK, Warn, Alert, Info color.Color // running, warnings, alarms, neutral events
}

// Theme is a palette and the styles derived from it.
type Theme struct {
	Name    string
	Palette Palette

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

var palettes = map[string]Palette{
	"dark": {
		Fg: lipgloss.Color("#D8DEE9"), Muted: lipgloss.Color("#8B95A7"), Faint: lipgloss.Color("#4C566A"),
		Bar: lipgloss.Color("#1F2430"), BarFg: lipgloss.Color("#C9D1E0"),
		Accent: lipgloss.Color("#7AA2F7"),
		OK:     lipgloss.Color("#9ECE6A"), Warn: lipgloss.Color("#E0AF68"), Alert: lipgloss.Color("#F7768E"), Info: lipgloss.Color("#7DCFFF"),
	},
	"light": {
		Fg: lipgloss.Color("#2E3440"), Muted: lipgloss.Color("#5C6370"), Faint: lipgloss.Color("#A0A8B8"),
		Bar: lipgloss.Color("#E5E9F0"), BarFg: lipgloss.Color("#2E3440"),
		Accent: lipgloss.Color("#2F5FD0"),
		OK:     lipgloss.Color("#3A7D22"), Warn: lipgloss.Color("#9A6700"), Alert: lipgloss.Color("#C4213D"), Info: lipgloss.Color("#0B6E8E"),
	},
}

// Names lists the available themes.
func Names() []string {
	var out []string
	for n := range palettes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Default is the theme used when none is configured.
func Default() Theme {
	t, _ := ByName("dark")
	return t
}

// ByName returns the named theme.
func ByName(name string) (Theme, error) {
	p, ok := palettes[name]
	if !ok {
		return Theme{}, fmt.Errorf("unknown theme %q (have %v)", name, Names())
	}
	return build(name, p), nil
}

func build(name string, p Palette) Theme {
	s := lipgloss.NewStyle
	bar := s().Background(p.Bar).Foreground(p.BarFg)
	return Theme{
		Name:         name,
		Palette:      p,
		Bar:          bar,
		BarBrand:     bar.Foreground(p.Accent).Bold(true),
		BarField:     bar.Foreground(p.BarFg),
		BarLabel:     bar.Foreground(p.Muted),
		StateRunning: bar.Foreground(p.OK).Bold(true),
		StateExited:  bar.Foreground(p.Warn).Bold(true),
		StateFailed:  bar.Foreground(p.Alert).Bold(true),
		Recording:    bar.Foreground(p.Alert),
		NotRecording: s().Background(p.Alert).Foreground(lipgloss.Color("#FFFFFF")).Bold(true),

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
			"critical": s().Foreground(p.Alert).Bold(true).Reverse(true),
			"high":     s().Foreground(p.Alert).Bold(true),
			"medium":   s().Foreground(p.Warn).Bold(true),
			"low":      s().Foreground(p.Muted),
		},
		Match:       s().Foreground(p.Alert).Bold(true).Underline(true),
		Command:     s().Foreground(p.Fg),
		Frozen:      s().Foreground(p.Faint),
		StateFrozen: bar.Foreground(p.Alert).Bold(true).Blink(true),
	}
}
