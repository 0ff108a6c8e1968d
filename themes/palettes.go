package themes

import "charm.land/lipgloss/v2"

// The palettes. Every colour used for text has at least 4.5:1 contrast
// (WCAG AA) against the background it is drawn on, borders at least 3:1;
// high-contrast keeps 7:1 (AAA). Colours are chosen near the xterm
// 256-colour palette, so that a 256-colour terminal (tmux) shows the same
// theme. theme_test.go checks each pair the styles actually use, in true
// colour and in 256.
var palettes = map[string]Palette{
	"dark": {
		Bg: lipgloss.Color("#1A1B26"), Fg: lipgloss.Color("#D8DEE9"),
		Muted: lipgloss.Color("#949494"), Faint: lipgloss.Color("#636E8A"),
		Bar: lipgloss.Color("#262626"), BarFg: lipgloss.Color("#C9D1E0"),
		Accent: lipgloss.Color("#7AA2F7"),
		OK:     lipgloss.Color("#9ECE6A"), Warn: lipgloss.Color("#E0AF68"), Alert: lipgloss.Color("#F7768E"), Info: lipgloss.Color("#7DCFFF"),
		OnAlert: lipgloss.Color("#1A1B26"),
	},
	"light": {
		Bg: lipgloss.Color("#FAFAFA"), Fg: lipgloss.Color("#303030"),
		Muted: lipgloss.Color("#555C68"), Faint: lipgloss.Color("#858E9F"),
		Bar: lipgloss.Color("#E4E4E4"), BarFg: lipgloss.Color("#303030"),
		Accent: lipgloss.Color("#005FAF"),
		OK:     lipgloss.Color("#2F6A1B"), Warn: lipgloss.Color("#835A00"), Alert: lipgloss.Color("#AF0000"), Info: lipgloss.Color("#0B6E8E"),
		OnAlert: lipgloss.Color("#FFFFFF"),
	},
	// Black and white first; colours only as bright, saturated accents.
	"high-contrast": {
		Bg: lipgloss.Color("#000000"), Fg: lipgloss.Color("#FFFFFF"),
		Muted: lipgloss.Color("#D0D0D0"), Faint: lipgloss.Color("#A0A0A0"),
		Bar: lipgloss.Color("#262626"), BarFg: lipgloss.Color("#FFFFFF"),
		Accent: lipgloss.Color("#5FD7FF"),
		OK:     lipgloss.Color("#5FFF5F"), Warn: lipgloss.Color("#FFFF5F"), Alert: lipgloss.Color("#FF9E9E"), Info: lipgloss.Color("#AFD7FF"),
		OnAlert: lipgloss.Color("#000000"),
	},
	// For red–green colour blindness (protanopia, deuteranopia): states
	// are told apart on the blue–yellow axis and by lightness, never by
	// red against green. Blue and yellow after Okabe and Ito's palette.
	"colorblind": {
		Bg: lipgloss.Color("#1A1B26"), Fg: lipgloss.Color("#E6E6E6"),
		Muted: lipgloss.Color("#A0A8B8"), Faint: lipgloss.Color("#636E8A"),
		Bar: lipgloss.Color("#262626"), BarFg: lipgloss.Color("#E6E6E6"),
		Accent: lipgloss.Color("#B4A7FF"),
		OK:     lipgloss.Color("#56B4E9"), Warn: lipgloss.Color("#FFFF5F"), Alert: lipgloss.Color("#FF6E5A"), Info: lipgloss.Color("#A6D8F5"),
		OnAlert: lipgloss.Color("#1A1B26"),
	},
}

var descriptions = map[string]string{
	"dark":          "for dark terminals (the default on a dark background)",
	"light":         "for light terminals (the default on a light background)",
	"high-contrast": "white and bright colours on black, 7:1 contrast or more",
	"colorblind":    "safe for red-green colour blindness: blue, yellow and coral",
	"monochrome":    "no colour (NO_COLOR, terminals without colour): bold, underline, reverse and symbols",
}
