package screen

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// renderCells appends one row of w cells as text with SGR styling only.
// Links are dropped and cell content is sanitised, so nothing the agent
// printed can reach the operator's terminal as an escape sequence.
func renderCells(dst []byte, w int, cell func(x int) *uv.Cell) []byte {
	var pen uv.Style
	for x := 0; x < w; x++ {
		c := cell(x)
		if c == nil {
			if !pen.IsZero() {
				dst = append(dst, ansi.ResetStyle...)
				pen = uv.Style{}
			}
			dst = append(dst, ' ')
			continue
		}
		if c.Width == 0 && c.Content == "" && x > 0 {
			continue // the right half of a wide character
		}
		if !c.Style.Equal(&pen) {
			if c.Style.IsZero() {
				dst = append(dst, ansi.ResetStyle...)
			} else {
				dst = append(dst, uv.StyleDiff(&pen, &c.Style)...)
			}
			pen = c.Style
		}
		if c.Content == "" {
			dst = append(dst, ' ')
			continue
		}
		if !isASCII(c.Content) && !agreedWidth(c.Content, max(c.Width, 1)) {
			// The operator's terminal might lay this cluster out wider or
			// narrower than the emulator did, shifting the rest of the row
			// over the pane's border or into the events pane: the agent
			// must not be able to draw outside its pane. Show a placeholder
			// of the width the emulator used.
			dst = append(dst, "\uFFFD"...)
			for range max(c.Width, 1) - 1 {
				dst = append(dst, ' ')
			}
			continue
		}
		dst = appendSanitized(dst, c.Content)
	}
	if !pen.IsZero() {
		dst = append(dst, ansi.ResetStyle...)
	}
	return dst
}

// appendSanitized appends s with C0/C1 control characters replaced: a cell
// only ever holds printable graphemes, but the renderer is the last line of
// defence between agent bytes and the operator's terminal.
func appendSanitized(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				dst = append(dst, '?')
			} else {
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r >= 0x80 && r <= 0x9f {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// OneLine is s for a line of its own: runs of white space (new lines
// included) become one space, control characters go (SanitizeText),
// invisible characters are shown as escapes (ShowInvisible), and past max
// runes (0: no limit) it ends in "…".
func OneLine(s string, max int) string {
	s = ShowInvisible(SanitizeText(strings.Join(strings.Fields(s), " ")))
	if max > 0 && utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return string(r[:max-1]) + "…"
	}
	return s
}

// Invisible reports whether r is a character that a terminal draws as
// nothing, or that changes the direction of the text around it: the
// Unicode format characters (category Cf: the bidirectional embeddings,
// overrides, isolates and marks, the zero-width space, joiners and word
// joiner, the byte order mark, the soft hyphen, the tags…), the line and
// paragraph separators (U+2028, U+2029) and the other default-ignorable
// characters (combining grapheme joiner, Hangul fillers…). Shown raw, they
// let an agent's text read differently from what it is (a terminal that
// applies bidi reorders a command: what the operator reads is not what
// runs), and they make the width a terminal draws differ from the width
// measured. Variation selectors are not counted: emoji need them.
func Invisible(r rune) bool {
	if r < 0xad {
		return false // the common case: ASCII and Latin-1 up to the soft hyphen
	}
	return r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// EscapeRune is r written as an escape: \u202e, or \U000e0001 past the
// Basic Multilingual Plane (so that no hex digit that follows is read as
// part of it).
func EscapeRune(r rune) string {
	if r > 0xffff {
		return fmt.Sprintf(`\U%08x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// ShowInvisible returns s with each invisible character (Invisible) shown
// as its escape (EscapeRune), for text an agent wrote that is shown to the
// operator: the dialog, the events, notifications. A byte that is not
// UTF-8 becomes U+FFFD.
func ShowInvisible(s string) string {
	if !strings.ContainsFunc(s, Invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if Invisible(r) {
			b.WriteString(EscapeRune(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SanitizeText returns s without control characters, for titles and plain
// text.
func SanitizeText(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// agreedWidth reports whether both ways terminals measure text (wcwidth per
// rune, and grapheme clusters) give the cluster w cells.
func agreedWidth(cluster string, w int) bool {
	return ansi.StringWidthWc(cluster) == w && ansi.StringWidth(cluster) == w
}

// RenderEmulator draws an emulator that is not behind a Screen (the replay
// player's) into a frame of its size, with the same sanitising cell
// renderer as the live pane: a recording is agent output too. The caller
// owns e and must not write to it meanwhile.
func RenderEmulator(e *vt.Emulator) Frame {
	w, h := e.Width(), e.Height()
	f := Frame{Width: w, Lines: make([]string, 0, h)}
	var b []byte
	for y := range h {
		b = renderCells(b[:0], w, func(x int) *uv.Cell { return e.CellAt(x, y) })
		f.Lines = append(f.Lines, string(b))
	}
	cur := e.CursorPosition()
	f.CursorX, f.CursorY = cur.X, cur.Y
	f.CursorVisible = !e.CursorHidden() && cur.Y < h
	f.CursorStyle, f.CursorBlink = e.CursorStyle()
	return f
}
