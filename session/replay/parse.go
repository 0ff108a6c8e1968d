package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// decodeData appends the decoded data of an event to dst. Strings without
// escapes (most of any recording's text) are copied as they are; the rest
// goes through encoding/json. A number (a v3 exit status) is kept as text.
func decodeData(dst, data []byte) ([]byte, error) {
	if len(data) == 0 || data[0] != '"' {
		return append(dst, data...), nil
	}
	inner := data[1 : len(data)-1]
	if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && !hasControl(inner) {
		if utf8.Valid(inner) {
			return append(dst, inner...), nil
		}
		// encoding/json turns invalid UTF-8 into U+FFFD; do the same.
		return append(dst, bytes.ToValidUTF8(inner, []byte("\uFFFD"))...), nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return dst, fmt.Errorf("event data: %w", err)
	}
	return append(dst, s...), nil
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// parseSize reads a resize event's "COLSxROWS".
func parseSize(s string) (w, h int, ok bool) {
	a, b, found := bytesCut(s, 'x')
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 || w > maxSide || h > maxSide {
		return 0, 0, false
	}
	return w, h, true
}

// maxSide bounds a terminal side: a corrupt resize to 1000000x1000000 must
// not allocate a trillion cells.
const maxSide = 2000

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
