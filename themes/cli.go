package themes

import (
	"image/color"
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// CLI is the style set of sentinel's line-oriented commands (check, scan,
// rules). Its zero value is plain text, for output that is not a terminal.
type CLI struct {
	Styled bool
	Pause  lipgloss.Style // verdicts
	Warn   lipgloss.Style
	Allow  lipgloss.Style
	Dim    lipgloss.Style // secondary lines
	Mark   lipgloss.Style // the matched bytes of a command
	Head   lipgloss.Style // a heading
}

var verdictMark = map[string]string{"pause": "▲", "warn": "●", "allow": "✓"}

// NewCLI builds the CLI styles from a theme's palette (attributes only for
// the monochrome theme), with colours lowered to what the terminal's
// profile has (a 256- or 16-colour terminal gets the nearest colours).
func NewCLI(t Theme, profile colorprofile.Profile) CLI {
	s := lipgloss.NewStyle
	if t.Mono || profile <= colorprofile.ASCII {
		return CLI{Styled: true,
			Pause: s().Bold(true).Reverse(true), Warn: s().Bold(true), Allow: s(),
			Dim: s(), Mark: s().Bold(true).Reverse(true), Head: s().Bold(true)}
	}
	p := t.Palette
	p.Alert, p.Warn, p.OK, p.Muted, p.Accent = profile.Convert(p.Alert), profile.Convert(p.Warn), profile.Convert(p.OK), profile.Convert(p.Muted), profile.Convert(p.Accent)
	return CLI{Styled: true,
		Pause: s().Bold(true).Foreground(p.Alert), Warn: s().Bold(true).Foreground(p.Warn), Allow: s().Bold(true).Foreground(p.OK),
		Dim: s().Foreground(p.Muted), Mark: s().Reverse(true).Bold(true), Head: s().Bold(true).Foreground(p.Accent)}
}

// Paint renders text in s, or leaves it plain.
func (c CLI) Paint(s lipgloss.Style, text string) string {
	if !c.Styled {
		return text
	}
	return s.Render(text)
}

// Verdict renders a verdict ("pause", "warn", "allow") in capitals; styled,
// it carries a symbol too, so that it never depends on colour alone.
func (c CLI) Verdict(v string) string {
	text := strings.ToUpper(v)
	if !c.Styled {
		return text
	}
	s := c.Allow
	switch v {
	case "pause":
		s = c.Pause
	case "warn":
		s = c.Warn
	}
	if m, ok := verdictMark[v]; ok {
		text = m + " " + text
	}
	return s.Render(text)
}

// Contrast is the WCAG 2 contrast ratio of two colours, from 1 (none) to
// 21 (black on white).
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xFFFF
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
