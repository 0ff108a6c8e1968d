package main

import (
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonSafe rewrites what encoding/json leaves raw in its strings but a
// terminal may act on or be fooled by: DEL, the C1 controls (U+009B is
// CSI to a terminal that takes 8-bit controls) and the invisible
// characters (screen.Invisible: the bidirectional controls, zero-width
// characters, the byte order mark…), as \u escapes (a surrogate pair past
// U+FFFF, as JSON has it). encoding/json escapes the C0 controls itself;
// these characters can only be inside strings, so the output stays the
// same JSON. check, scan and sessions print text an agent wrote.
func jsonSafe(b []byte) []byte {
	clean := true
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && unprintable(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && unprintable(r) {
			if hi, lo := utf16.EncodeRune(r); hi != utf8.RuneError {
				out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// jsonSafeWriter passes whole JSON values through jsonSafe: a json.Encoder
// writes each value with one Write.
type jsonSafeWriter struct{ w io.Writer }

func (j jsonSafeWriter) Write(p []byte) (int, error) {
	if _, err := j.w.Write(jsonSafe(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
