package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/sentinel-console/sentinel/session/cast"
)

// Options tune Open.
type Options struct {
	// IdleLimit caps every pause between events at this many seconds on
	// the timeline (asciinema's idle_time_limit). 0 means no cap.
	IdleLimit float64
	// MaxLine is the longest event line read; longer lines are skipped and
	// listed. 0 means DefaultMaxLine.
	MaxLine int
	// SnapshotBytes and SnapshotSeconds space the emulator snapshots:
	// one is taken once either much output or time has passed since the
	// last. 0 means the defaults.
	SnapshotBytes   int64
	SnapshotSeconds float64
	// MaxSnapshots bounds the snapshots kept (each is a packed copy of
	// the screen, tens of KB at 200x50); past it every other one is
	// dropped and the spacing doubles. 0 means DefaultMaxSnapshots.
	MaxSnapshots int
}

// Defaults for Options.
const (
	DefaultMaxLine         = 16 << 20
	DefaultSnapshotBytes   = 4 << 20
	DefaultSnapshotSeconds = 5
	DefaultMaxSnapshots    = 32
)

// checkpointEvery spaces the checkpoints: a seek reads at most this many
// events (or checkpointBytes) past one to find its target.
const (
	checkpointEvery = 256
	checkpointBytes = 256 << 10
)

// Recording is an indexed asciicast file. Its methods are safe for
// concurrent use; each Player reads the file on its own.
type Recording struct {
	Path     string
	Header   cast.Header // Version is the file's: 1, 2 or 3
	ID       string      // sentinel's session id, from the file name (empty if not sentinel's)
	opts     Options
	file     string // what is read: Path, or a converted copy of a v1 file
	tempDir  string // the converted copy's directory, removed by Close
	dataOff  int64  // offset of the first event line
	dataLine int    // and its number

	duration float64 // timeline time of the last event
	recorded float64 // recorded time of the last event
	events   int
	output   int64 // bytes of output event data as written in the file

	checkpoints []cursor
	end         cursor
	markers     []Marker
	resizes     []Resize
	skipped     []Skip
	skippedN    int
	onSkip      func(Skip) // a Reader's listener, told of every skip

	mu    sync.Mutex
	snaps snapshots
	extra []Skip // found while playing (bad data the index did not decode)
}

// checkpoint is where reading can start: the clock and size in force just
// before the event at off.
type checkpoint struct {
	off      int64
	line     int
	event    int
	t, raw   float64 // timeline and recorded time of the previous event
	w, h     int
	outBytes int64 // output bytes before this event
}

// Marker is a labelled point on the timeline.
type Marker struct {
	Time     float64 // timeline seconds
	Recorded float64 // seconds as recorded
	Kind     string  // one of the Kind constants
	Label    string
	Line     int          // line in the recording; 0 for merged audit records
	Audit    *AuditRecord // set for markers that came from the audit log
}

// Kinds of marker, from sentinel's labels ("start: …", "pause #3 …",
// "decision #3: …", "exit: …") and asciicast v3 exit events.
const (
	KindStart    = "start"
	KindFinding  = "finding"
	KindDecision = "decision"
	KindExit     = "exit"
	KindOther    = "marker"
	KindAudit    = "audit" // an audit record with no matching marker
)

// Resize is a change of the terminal's size.
type Resize struct {
	Time          float64
	Width, Height int
}

// Skip is something Open or the player left out.
type Skip struct {
	Line   int
	Offset int64
	Reason string
}

func (s Skip) String() string { return fmt.Sprintf("line %d: %s", s.Line, s.Reason) }

// maxSkipsListed bounds the list; SkippedCount has the total.
const maxSkipsListed = 100

var idPattern = regexp.MustCompile(`^\d{8}T\d{6}Z-([0-9A-Za-z]+)\.cast$`)

// Open indexes the recording at path. Damage in the file is not an error:
// what could not be read is listed by Skipped. Only a missing file or a
// header that cannot be read is.
func Open(path string, opts Options) (*Recording, error) {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.SnapshotBytes <= 0 {
		opts.SnapshotBytes = DefaultSnapshotBytes
	}
	if opts.SnapshotSeconds <= 0 {
		opts.SnapshotSeconds = DefaultSnapshotSeconds
	}
	if opts.MaxSnapshots <= 0 {
		opts.MaxSnapshots = DefaultMaxSnapshots
	}
	if opts.IdleLimit < 0 {
		opts.IdleLimit = 0
	}
	r := &Recording{Path: path, file: path, opts: opts}
	if m := idPattern.FindStringSubmatch(filepath.Base(path)); m != nil {
		r.ID = m[1]
	}
	r.snaps.every = opts.SnapshotBytes
	r.snaps.seconds = opts.SnapshotSeconds
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lr := newLineReader(f, opts.MaxLine)
	if err := r.readHeader(lr); err != nil {
		if !errors.Is(err, errV1) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := r.convertV1(f); err != nil {
			r.Close() // the half-written copy
			return nil, fmt.Errorf("%s: asciicast v1: %w", path, err)
		}
		cf, err := os.Open(r.file)
		if err != nil {
			r.Close()
			return nil, err
		}
		defer cf.Close()
		lr = newLineReader(cf, opts.MaxLine)
	}
	if err := r.index(lr); err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Close removes the converted copy of a v1 file, if any.
func (r *Recording) Close() error {
	if r.tempDir != "" {
		return os.RemoveAll(r.tempDir)
	}
	return nil
}

var errV1 = errors.New("asciicast v1")

func (r *Recording) readHeader(lr *lineReader) error {
	for {
		line, err := lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return errors.New("line 1: empty recording: no header")
			}
			return fmt.Errorf("line %d: %w", lr.line, err)
		}
		if lr.tooLong {
			return fmt.Errorf("line %d: header longer than %d bytes", lr.line, lr.max)
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		if !json.Valid(trimmed) && trimmed[0] == '{' {
			return errV1 // v1 is one JSON document, usually over many lines
		}
		var probe struct {
			Version int `json:"version"`
		}
		if err := json.Unmarshal(trimmed, &probe); err != nil {
			return fmt.Errorf("line %d: header: %w", lr.line, err)
		}
		if probe.Version == 1 {
			return errV1
		}
		h, err := cast.ParseHeader(trimmed)
		if err != nil {
			return fmt.Errorf("line %d: %w", lr.line, err)
		}
		if w, ht := boundedSize(h.Width, h.Height); w != h.Width || ht != h.Height {
			r.skip(lr.line, 0, fmt.Sprintf("terminal size %dx%d is larger than sentinel plays; clamped to %dx%d", h.Width, h.Height, w, ht))
			h.Width, h.Height = w, ht
		}
		r.Header = h
		r.dataOff, r.dataLine = lr.off, lr.line+1
		return nil
	}
}

// cursor is the reading state between two events.
type cursor struct {
	checkpoint
	clock float64 // v3: the running sum of relative times
}

// event is one event line, interpreted.
type event struct {
	t, raw float64 // timeline and recorded time
	code   string
	data   []byte // the undecoded JSON value
	label  string // decoded data of markers, resizes and exits
	w, h   int    // size after a resize
	line   int
	off    int64
}

// parse interprets the line lr just returned (read at off) and moves c past
// it. Blank and comment lines give ok false with no reason; damaged ones a
// reason. Open and the players share it, so they skip exactly the same lines.
func (r *Recording) parse(c *cursor, lr *lineReader, line []byte, off int64) (ev event, ok bool, reason string) {
	c.off, c.line = lr.off, lr.line+1
	if lr.tooLong {
		return ev, false, fmt.Sprintf("line of %d bytes is longer than the %d-byte limit", lr.longLen, lr.max)
	}
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 || (r.Header.Version == 3 && trimmed[0] == '#') {
		return ev, false, ""
	}
	re, err := splitEvent(trimmed)
	if err != nil {
		if !lr.terminated {
			return ev, false, "incomplete last line (the recorder stopped mid-write)"
		}
		return ev, false, err.Error()
	}
	evRaw := re.time
	if r.Header.Version == 3 {
		evRaw = c.clock + re.time
		if math.IsInf(evRaw, 0) {
			// Relative times that add up past float64: no place on a
			// timeline (and no JSON number for a report of it).
			return ev, false, fmt.Sprintf("event time %v adds up to more than %g seconds", re.time, math.MaxFloat64)
		}
	}
	ev = event{code: re.code, data: re.data, line: lr.line, off: off}
	switch re.code {
	case cast.Output, cast.Input:
	case cast.Marker, cast.Resize, cast.Exit:
		d, derr := decodeData(nil, re.data)
		if derr != nil {
			return ev, false, derr.Error()
		}
		ev.label = string(d)
		if re.code == cast.Resize {
			var ok bool
			if ev.w, ev.h, ok = parseSize(ev.label); !ok {
				if w, h, err := sizeNumbers(ev.label); err == nil && w > 0 && h > 0 {
					return ev, false, fmt.Sprintf("resize to %dx%d is larger than sentinel plays (%d cells a side, %d in all)", w, h, maxSide, maxCells)
				}
				return ev, false, fmt.Sprintf("resize to %q is not COLSxROWS", clip(d))
			}
		}
	default:
		return ev, false, fmt.Sprintf("unknown event type %q", clip([]byte(re.code)))
	}
	if r.Header.Version == 3 {
		c.clock = evRaw
	}
	c.t = AdvanceClock(c.t, c.raw, evRaw, r.opts.IdleLimit)
	c.raw = max(c.raw, evRaw)
	ev.t, ev.raw = c.t, c.raw
	c.event++
	switch re.code {
	case cast.Output:
		c.outBytes += int64(len(re.data))
	case cast.Resize:
		c.w, c.h = ev.w, ev.h
	}
	return ev, true, ""
}

// index reads every event line once.
func (r *Recording) index(lr *lineReader) error {
	c := cursor{checkpoint: checkpoint{off: r.dataOff, line: lr.line + 1, w: r.Header.Width, h: r.Header.Height}}
	sinceCP := checkpointEvery
	var cpOff int64
	for {
		off := lr.off
		line, err := lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fmt.Errorf("line %d: %w", lr.line, err)
		}
		if sinceCP >= checkpointEvery || off-cpOff >= checkpointBytes {
			cp := c
			cp.off, cp.line = off, lr.line
			r.checkpoints = append(r.checkpoints, cp)
			sinceCP, cpOff = 0, off
		}
		ev, ok, reason := r.parse(&c, lr, line, off)
		if !ok {
			if reason != "" {
				r.skip(lr.line, off, reason)
			}
			continue
		}
		sinceCP++
		switch ev.code {
		case cast.Resize:
			r.resizes = append(r.resizes, Resize{Time: ev.t, Width: ev.w, Height: ev.h})
		case cast.Marker:
			r.markers = append(r.markers, Marker{Time: ev.t, Recorded: ev.raw, Kind: kindOf(ev.label), Label: ev.label, Line: ev.line})
		case cast.Exit:
			r.markers = append(r.markers, Marker{Time: ev.t, Recorded: ev.raw, Kind: KindExit, Label: "exit: " + ev.label, Line: ev.line})
		}
	}
	r.duration, r.recorded, r.events, r.output = c.t, c.raw, c.event, c.outBytes
	r.end = c
	return nil
}

// AdvanceClock moves the timeline from t (at recorded time prev) to the
// event recorded at at: the gap, capped at limit, and never backwards (a
// recording whose clock went back plays the event at once).
func AdvanceClock(t, prev, at, limit float64) float64 {
	gap := at - prev
	if gap < 0 {
		gap = 0
	}
	if limit > 0 && gap > limit {
		gap = limit
	}
	return t + gap
}

func kindOf(label string) string {
	switch {
	case strings.HasPrefix(label, "start:"):
		return KindStart
	case strings.HasPrefix(label, "exit:"):
		return KindExit
	case strings.HasPrefix(label, "decision #"):
		return KindDecision
	case strings.HasPrefix(label, "pause #"), strings.HasPrefix(label, "pause ["), strings.HasPrefix(label, "warn ["):
		return KindFinding
	}
	return KindOther
}

func (r *Recording) skip(line int, off int64, reason string) {
	r.skippedN++
	s := Skip{Line: line, Offset: off, Reason: reason}
	if len(r.skipped) < maxSkipsListed {
		r.skipped = append(r.skipped, s)
	}
	if r.onSkip != nil {
		r.onSkip(s)
	}
}

// Duration is the timeline time of the last event (idle gaps capped).
func (r *Recording) Duration() float64 { return r.duration }

// RecordedDuration is the recorded time of the last event.
func (r *Recording) RecordedDuration() float64 { return r.recorded }

// Events is the number of events indexed.
func (r *Recording) Events() int { return r.events }

// OutputBytes is the size of the output events' data as stored (escaped).
func (r *Recording) OutputBytes() int64 { return r.output }

// Resizes lists the size changes in order.
func (r *Recording) Resizes() []Resize { return r.resizes }

// Skipped lists what was left out, first maxSkipsListed entries from the
// index and then any the player found, with SkippedCount the total.
func (r *Recording) Skipped() []Skip {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(append([]Skip(nil), r.skipped...), r.extra...)
}

// SkippedCount is how many lines were left out in all.
func (r *Recording) SkippedCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skippedN + len(r.extra)
}

// SkippedSummary is one line for the console's status: empty when nothing
// was skipped.
func (r *Recording) SkippedSummary() string {
	skips := r.Skipped()
	if len(skips) == 0 {
		return ""
	}
	lines := make([]string, 0, 5)
	for _, s := range skips[:min(len(skips), 5)] {
		lines = append(lines, s.String())
	}
	more := ""
	if n := r.SkippedCount(); n > len(lines) {
		more = fmt.Sprintf(" (and %d more)", n-len(lines))
	}
	return fmt.Sprintf("%s: skipped %d line(s): %s%s", filepath.Base(r.Path), r.SkippedCount(), strings.Join(lines, "; "), more)
}

func (r *Recording) noteBadEvent(line int, off int64, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.extra {
		if s.Offset == off {
			return
		}
	}
	if len(r.extra) < maxSkipsListed {
		r.extra = append(r.extra, Skip{Line: line, Offset: off, Reason: reason})
	}
}
