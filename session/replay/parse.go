package replay

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sentinel-console/sentinel/session/cast"
)

// rawEvent is an event line split into its parts without decoding the data.
type rawEvent struct {
	time float64
	code string // one of the cast codes, interned
	data []byte // the JSON value of the third field, undecoded
}

var errShape = errors.New("not an event: want [time, code, data]")

// splitEvent parses the frame of an event line: [number, "code", value].
// The data is checked only for its outline (a string or, for v3 exit
// events, a number); decodeData checks the rest when it is needed.
func splitEvent(line []byte) (rawEvent, error) {
	var ev rawEvent
	line = bytes.TrimSpace(line)
	if len(line) < 2 || line[0] != '[' || line[len(line)-1] != ']' {
		return ev, errShape
	}
	body := bytes.TrimSpace(line[1 : len(line)-1])
	comma := bytes.IndexByte(body, ',')
	if comma < 0 {
		return ev, errShape
	}
	num := bytes.TrimSpace(body[:comma])
	t, err := strconv.ParseFloat(string(num), 64)
	if err != nil || len(num) == 0 || num[0] == '+' || bytes.ContainsAny(num, "xXpP_nN") {
		return ev, fmt.Errorf("event time %q is not a number", clip(num))
	}
	if t < 0 {
		return ev, fmt.Errorf("event time %v is negative", t)
	}
	ev.time = t
	rest := bytes.TrimLeft(body[comma+1:], " \t")
	if len(rest) < 2 || rest[0] != '"' {
		return ev, errShape
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return ev, errShape
	}
	code := rest[1 : 1+end]
	switch string(code) {
	case cast.Output:
		ev.code = cast.Output
	case cast.Input:
		ev.code = cast.Input
	case cast.Resize:
		ev.code = cast.Resize
	case cast.Marker:
		ev.code = cast.Marker
	case cast.Exit:
		ev.code = cast.Exit
	default:
		if bytes.IndexByte(code, '\\') >= 0 {
			return ev, errShape
		}
		ev.code = string(code)
	}
	rest = bytes.TrimLeft(rest[2+end:], " \t")
	if len(rest) == 0 || rest[0] != ',' {
		return ev, errShape
	}
	data := bytes.TrimSpace(rest[1:])
	if len(data) == 0 {
		return ev, errShape
	}
	if data[0] == '"' {
		if len(data) < 2 || data[len(data)-1] != '"' || unterminated(data) {
			return ev, errShape
		}
	} else if !json.Valid(data) {
		return ev, errShape
	}
	ev.data = data
	return ev, nil
}

// unterminated reports whether the closing quote of a JSON string is
// escaped, which is how a line cut after a backslash looks.
func unterminated(s []byte) bool {
	n := 0
	for i := len(s) - 2; i > 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// decodeData appends the decoded data of an event to dst. A number (a v3
// exit status) is kept as text. Strings are unescaped by unquote, which
// handles valid UTF-8 and well-formed escapes; anything else (invalid UTF-8,
// a lone surrogate) goes through encoding/json, whose replacements
// (U+FFFD) it then shares. encoding/json alone decoded ~100 MB/s here, 40%
// of a seek through colour-heavy output; FuzzDecodeData checks that both
// agree.
func decodeData(dst, data []byte) ([]byte, error) {
	if len(data) == 0 || data[0] != '"' {
		return append(dst, data...), nil
	}
	inner := data[1 : len(data)-1]
	if utf8.Valid(inner) {
		if out, ok := unquote(dst, inner); ok {
			return out, nil
		}
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return dst, fmt.Errorf("event data: %w", err)
	}
	return append(dst, s...), nil
}

// unquote appends the JSON string body s, unescaped, to dst; ok is false for
// anything it leaves to encoding/json.
func unquote(dst, s []byte) ([]byte, bool) {
	n := len(dst)
	// Unescaped text is never longer than its JSON: write into place by
	// index, without an append (and its copy call) per run of text, which
	// in terminal output is often a few bytes between escapes.
	dst = slices.Grow(dst, len(s))
	out := dst[n : n+len(s)]
	j, plain := 0, 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none of them needs a look, once a
		// run of text looks long enough for that to pay (between escapes
		// every few bytes the test fails every time).
		for plain >= 8 && i+8 <= len(s) {
			v := binary.LittleEndian.Uint64(s[i:])
			if special(v) {
				plain = 0
				break
			}
			binary.LittleEndian.PutUint64(out[j:], v)
			i, j = i+8, j+8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			out[j] = c
			i, j, plain = i+1, j+1, plain+1
			continue
		}
		plain = 0
		if c != '\\' || i+1 >= len(s) {
			return dst[:n], false // a raw quote or control character, or a lone backslash
		}
		var b byte
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b = e
		case 'b':
			b = '\b'
		case 'f':
			b = '\f'
		case 'n':
			b = '\n'
		case 'r':
			b = '\r'
		case 't':
			b = '\t'
		case 'u':
			if i+6 <= len(s) && string(s[i+2:i+6]) == "001b" {
				// ESC, most of what terminal output escapes.
				out[j] = 0x1b
				i, j = i+6, j+1
				continue
			}
			r, ok := hex4(s[i+2:])
			if !ok {
				return dst[:n], false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 || i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
					return dst[:n], false
				}
				lo, ok := hex4(s[i+2:])
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return dst[:n], false
				}
				r = utf16.DecodeRune(r, lo)
				i += 6
			}
			j += utf8.EncodeRune(out[j:], r)
			continue
		default:
			return dst[:n], false
		}
		out[j] = b
		i, j = i+2, j+1
	}
	return dst[:n+j], true
}

// special reports whether any of the eight bytes in v is a control
// character, a backslash or a quote (the word tricks of "Bit Twiddling
// Hacks": a byte below 0x20, or one that XORs to zero).
func special(v uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	bs, qs := v^(ones*'\\'), v^(ones*'"')
	return ((v-ones*0x20)&^v|(bs-ones)&^bs|(qs-ones)&^qs)&highs != 0
}

// unhex is each byte's value as a hex digit, or -1.
var unhex = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = int8(c - 'a' + 10)
		t[c-'a'+'A'] = int8(c - 'a' + 10)
	}
	return t
}()

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	a, b, c, d := unhex[s[0]], unhex[s[1]], unhex[s[2]], unhex[s[3]]
	if a|b|c|d < 0 {
		return 0, false
	}
	return rune(a)<<12 | rune(b)<<8 | rune(c)<<4 | rune(d), true
}

// parseSize reads a resize event's "COLSxROWS", within maxSide and
// maxCells.
func parseSize(s string) (w, h int, ok bool) {
	w, h, err := sizeNumbers(s)
	if err != nil || w <= 0 || h <= 0 || w > maxSide || h > maxSide || w*h > maxCells {
		return 0, 0, false
	}
	return w, h, true
}

// sizeNumbers splits "COLSxROWS" into its numbers, whatever they are.
func sizeNumbers(s string) (w, h int, err error) {
	a, b, found := bytesCut(s, 'x')
	if !found {
		return 0, 0, strconv.ErrSyntax
	}
	if w, err = strconv.Atoi(a); err == nil {
		h, err = strconv.Atoi(b)
	}
	return w, h, err
}

// maxSide bounds a terminal side: a corrupt resize to 1000000x1000000 must
// not allocate a trillion cells. maxCells bounds the area: a 127-byte file
// saying 2000x2000 made the player use 1.8 GB (x/vt keeps two screens of
// some hundred bytes a cell, and snapshots). 262,144 cells is more than a
// 4K monitor in a small font shows (640x200 is 128,000).
const (
	maxSide  = 2000
	maxCells = 1 << 18
)

// boundedSize clamps a header's terminal size to maxSide and maxCells,
// keeping the width (lines stay as the agent wrapped them) and cutting rows.
func boundedSize(w, h int) (int, int) {
	w, h = min(w, maxSide), min(h, maxSide)
	if w > 0 && w*h > maxCells {
		h = max(1, maxCells/w)
	}
	return w, h
}

func bytesCut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// clip shortens text quoted in an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
