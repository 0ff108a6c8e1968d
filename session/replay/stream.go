package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/sentinel-console/sentinel/session/cast"
)

// Event is one event of a recording as a Reader hands it over.
type Event struct {
	Time     float64 // on the timeline: pauses capped at Options.IdleLimit
	Recorded float64 // as recorded
	Code     string  // cast.Output, cast.Input, cast.Resize, cast.Marker or cast.Exit
	// Data is decoded: the output or input bytes, a marker's label, a
	// resize's "COLSxROWS", a v3 exit status. Valid until the next call.
	Data []byte
	Line int // the event's line in the file; 0 for a v1 frame
}

// Reader reads a recording's events in one pass from any reader, a pipe
// included, for tools that need every event once (sentinel scan) rather
// than a player's seeks. It accepts what Open accepts (asciicast v1, one
// line or pretty-printed, v2 and v3) and skips exactly the lines Open
// skips, so a scan and a replay of one file never disagree about which
// events it holds.
type Reader struct {
	Header cast.Header // for v1, what the file gives before its frames

	rec *Recording // the header, options and skip list that parse uses
	lr  *lineReader
	c   cursor
	buf []byte
	v1  *v1Reader
}

// NewReader reads the header from src. skipped, when not nil, is told
// about each damaged line as the reader passes it (Open's Skipped lists at
// most a hundred; a stream has no second pass to count them again).
// Only a header that cannot be read is an error.
func NewReader(src io.Reader, opts Options, skipped func(Skip)) (*Reader, error) {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.IdleLimit < 0 {
		opts.IdleLimit = 0
	}
	r := &Reader{rec: &Recording{opts: opts, onSkip: skipped}}
	// A v1 file is known only once its first lines are read, and a pipe
	// cannot be rewound: keep what the header reading consumed (the header
	// line and at most one buffer beyond it) to read it again as v1.
	tape := &tape{r: src, keep: true}
	r.lr = newLineReader(tape, opts.MaxLine)
	err := r.rec.readHeader(r.lr)
	switch {
	case errors.Is(err, errV1):
		saved := tape.stop()
		if r.v1, err = newV1Reader(io.MultiReader(bytes.NewReader(saved), src), r.rec.skip); err != nil {
			return nil, fmt.Errorf("asciicast v1: %w", err)
		}
		r.Header = r.v1.header()
		r.rec.Header = r.Header
		return r, nil
	case err != nil:
		return nil, err
	}
	tape.stop()
	r.Header = r.rec.Header
	r.c = cursor{checkpoint: checkpoint{off: r.rec.dataOff, line: r.lr.line + 1, w: r.Header.Width, h: r.Header.Height}}
	return r, nil
}

// Next returns the next event, or io.EOF after the last. Damaged lines are
// skipped (and told to NewReader's skipped); any other error (the source
// failed, or a v1 document broke off) ends the reading, with every event
// before it already returned.
func (r *Reader) Next() (Event, error) {
	if r.v1 != nil {
		return r.nextV1()
	}
	for {
		off := r.lr.off
		line, err := r.lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Event{}, io.EOF
			}
			return Event{}, fmt.Errorf("line %d: %w", r.lr.line+1, err)
		}
		ev, ok, reason := r.rec.parse(&r.c, r.lr, line, off)
		if !ok {
			if reason != "" {
				r.rec.skip(r.lr.line, off, reason)
			}
			continue
		}
		out := Event{Time: ev.t, Recorded: ev.raw, Code: ev.code, Line: ev.line}
		switch ev.code {
		case cast.Output, cast.Input:
			var derr error
			if r.buf, derr = decodeData(r.buf[:0], ev.data); derr != nil {
				r.rec.skip(ev.line, off, derr.Error())
				continue
			}
			out.Data = r.buf
		default:
			out.Data = append(r.buf[:0], ev.label...)
		}
		return out, nil
	}
}

func (r *Reader) nextV1() (Event, error) {
	clock, data, err := r.v1.next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			// Keys after the frames (a size written last) count too.
			r.Header = r.v1.header()
			r.rec.Header = r.Header
			if h := r.Header; h.Width <= 0 || h.Height <= 0 {
				return Event{}, fmt.Errorf("asciicast v1: terminal size %dx%d", h.Width, h.Height)
			}
			return Event{}, io.EOF
		}
		return Event{}, fmt.Errorf("asciicast v1: %w", err)
	}
	r.c.t = AdvanceClock(r.c.t, r.c.raw, clock, r.rec.opts.IdleLimit)
	r.c.raw = max(r.c.raw, clock)
	r.buf = append(r.buf[:0], data...)
	return Event{Time: r.c.t, Recorded: r.c.raw, Code: cast.Output, Data: r.buf}, nil
}

// tape passes reads through, keeping a copy of what passed until stop.
type tape struct {
	r     io.Reader
	keep  bool
	saved []byte
}

func (t *tape) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.keep {
		t.saved = append(t.saved, p[:n]...)
	}
	return n, err
}

// stop ends the copying and returns what was kept.
func (t *tape) stop() []byte {
	saved := t.saved
	t.keep, t.saved = false, nil
	return saved
}

// v1Reader reads an asciicast v1 document (one JSON object whose "stdout"
// is an array of [delay, text] frames) a frame at a time: the document may
// be larger than memory should hold.
type v1Reader struct {
	dec   *json.Decoder
	h     cast.Header
	clock float64
	n     int  // frames read
	in    bool // inside the stdout array
	done  bool // past the end of the object
	skip  func(line int, off int64, reason string)
}

// newV1Reader reads the document's keys up to its frames.
func newV1Reader(src io.Reader, skip func(int, int64, string)) (*v1Reader, error) {
	v := &v1Reader{dec: json.NewDecoder(src), h: cast.Header{Version: 1}, skip: skip}
	if tok, err := v.dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	if err := v.keys(); err != nil {
		return nil, err
	}
	return v, nil
}

// keys reads the object's keys until the stdout array opens or the object
// ends.
func (v *v1Reader) keys() error {
	for v.dec.More() {
		tok, err := v.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch key {
		case "width":
			err = v.dec.Decode(&v.h.Width)
		case "height":
			err = v.dec.Decode(&v.h.Height)
		case "command":
			err = v.dec.Decode(&v.h.Command)
		case "title":
			err = v.dec.Decode(&v.h.Title)
		case "env":
			err = v.dec.Decode(&v.h.Env)
		case "stdout":
			if tok, err := v.dec.Token(); err != nil || tok != json.Delim('[') {
				return errors.New("stdout is not an array")
			}
			v.in = true
			return nil
		default:
			var skip json.RawMessage
			err = v.dec.Decode(&skip)
		}
		if err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
	}
	if _, err := v.dec.Token(); err != nil { // the closing brace
		return err
	}
	v.done = true
	return nil
}

// header is the header as read so far, its size bounded as Open bounds a
// v2 header's.
func (v *v1Reader) header() cast.Header {
	h := v.h
	h.Width, h.Height = boundedSize(h.Width, h.Height)
	return h
}

// next returns the next frame's time (the running sum of the delays) and
// text, or io.EOF once the whole document has been read.
func (v *v1Reader) next() (float64, string, error) {
	for {
		if v.done {
			return 0, "", io.EOF
		}
		if !v.in {
			if err := v.keys(); err != nil {
				return 0, "", err
			}
			continue
		}
		if !v.dec.More() {
			if _, err := v.dec.Token(); err != nil { // the closing bracket
				return 0, "", err
			}
			v.in = false
			continue
		}
		v.n++
		var frame []json.RawMessage
		if err := v.dec.Decode(&frame); err != nil {
			return 0, "", fmt.Errorf("stdout frame %d: %w", v.n, err)
		}
		var delay float64
		var data string
		if len(frame) != 2 || json.Unmarshal(frame[0], &delay) != nil || json.Unmarshal(frame[1], &data) != nil || delay < 0 || math.IsInf(v.clock+delay, 0) {
			v.skip(0, 0, fmt.Sprintf("v1 stdout frame %d is not [delay, text]", v.n))
			continue
		}
		v.clock += delay
		return v.clock, data, nil
	}
}
