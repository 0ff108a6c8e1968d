package replay

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/sentinel-console/sentinel/session/audit"
	"github.com/sentinel-console/sentinel/session/cast"
)

// AuditRecord is a record of sentinel's audit log.
type AuditRecord = audit.Record

// Markers lists the markers (and merged audit records) in time order.
func (r *Recording) Markers() []Marker {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Marker(nil), r.markers...)
}

// markerEpsilon keeps NextMarker from returning the marker the player is
// standing on.
const markerEpsilon = 1e-6

// NextMarker is the first marker after t of one of kinds (any kind when
// none are given).
func (r *Recording) NextMarker(t float64, kinds ...string) (Marker, bool) {
	for _, m := range r.Markers() {
		if m.Time > t+markerEpsilon && kindIn(m.Kind, kinds) {
			return m, true
		}
	}
	return Marker{}, false
}

// PrevMarker is the last marker before t of one of kinds.
func (r *Recording) PrevMarker(t float64, kinds ...string) (Marker, bool) {
	ms := r.Markers()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Time < t-markerEpsilon && kindIn(ms[i].Kind, kinds) {
			return ms[i], true
		}
	}
	return Marker{}, false
}

func kindIn(k string, kinds []string) bool {
	if len(kinds) == 0 {
		return true
	}
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// auditWindow is how far (recorded seconds) an audit record may be from
// the marker it describes: the marker and the record are written one after
// the other, and the header's timestamp has whole seconds only.
const auditWindow = 2.0

// MergeAudit attaches the audit records of this session to the markers they
// describe (same kind and rule, nearest in time), and adds the rest as
// markers of kind KindAudit. Records of other sessions are ignored; so is
// everything when the recording's session id is unknown.
func (r *Recording) MergeAudit(records []AuditRecord) int {
	if r.ID == "" || r.Header.Timestamp == 0 {
		return 0
	}
	start := time.Unix(r.Header.Timestamp, 0)
	r.mu.Lock()
	defer r.mu.Unlock()
	merged := 0
	for i := range records {
		rec := records[i]
		if rec.Session != r.ID || rec.Kind == audit.KindSession {
			continue
		}
		at := rec.Time.Sub(start).Seconds()
		kind := KindFinding
		if rec.Kind == audit.KindDecision {
			kind = KindDecision
		}
		best, bestD := -1, math.Inf(1)
		for j, m := range r.markers {
			if m.Kind != kind || m.Audit != nil || (rec.Rule != "" && !strings.Contains(m.Label, rec.Rule)) {
				continue
			}
			if d := math.Abs(m.Recorded - at); d <= auditWindow && d < bestD {
				best, bestD = j, d
			}
		}
		merged++
		if best >= 0 {
			r.markers[best].Audit = &rec
			continue
		}
		label := rec.Kind + " " + rec.Rule + ": " + rec.Command
		if rec.Decision != "" {
			label = "audit: " + rec.Decision + " " + rec.Rule + ": " + rec.Command
		}
		r.markers = append(r.markers, Marker{Time: r.timelineAt(at), Recorded: at, Kind: KindAudit, Label: label, Audit: &rec})
	}
	sort.SliceStable(r.markers, func(i, j int) bool { return r.markers[i].Time < r.markers[j].Time })
	return merged
}

// timelineAt maps a recorded time to the timeline, from the checkpoint
// before it (idle gaps after it are capped as a whole).
func (r *Recording) timelineAt(raw float64) float64 {
	i := sort.Search(len(r.checkpoints), func(i int) bool { return r.checkpoints[i].raw > raw })
	if i == 0 {
		return max(0, min(raw, r.duration))
	}
	cp := r.checkpoints[i-1]
	return min(AdvanceClock(cp.t, cp.raw, raw, r.opts.IdleLimit), r.duration)
}

// TextLine is a line of output as text (escape sequences removed), with
// the time its first byte was written.
type TextLine struct {
	Time float64
	Text string
}

// maxTextLine bounds one line of text: search needs a line's beginning, not
// a megabyte of base64.
const maxTextLine = 1024

// Text calls fn for each line of output whose first byte was written in
// [from, to], in order, until fn returns false. It reads the file; nothing is
// kept. For the console's search: gather the lines (or those of a window)
// and hand their texts to sahilm/fuzzy; a match's Time is where to seek.
func (r *Recording) Text(from, to float64, fn func(TextLine) bool) error {
	f, err := os.Open(r.file)
	if err != nil {
		return err
	}
	defer f.Close()
	c := cursor{checkpoint: checkpoint{off: r.dataOff, w: r.Header.Width, h: r.Header.Height}}
	if i := sort.Search(len(r.checkpoints), func(i int) bool { return r.checkpoints[i].t > from }); i > 0 {
		c = r.checkpoints[i-1]
	}
	lr := newLineReader(f, r.opts.MaxLine)
	if err := lr.reset(f, c.off, c.line); err != nil {
		return err
	}
	var line []byte
	var lineAt float64
	var data []byte
	emit := func() bool {
		text := ansi.Strip(string(line))
		if i := strings.LastIndexByte(strings.TrimRight(text, "\r"), '\r'); i >= 0 {
			text = text[i+1:] // a carriage return overwrote what came before
		}
		text = strings.TrimRight(text, "\r \t")
		line = line[:0]
		if text == "" {
			return true
		}
		return fn(TextLine{Time: lineAt, Text: text})
	}
	for {
		off := lr.off
		raw, err := lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		ev, ok, _ := r.parse(&c, lr, raw, off)
		if !ok || ev.code != cast.Output {
			continue
		}
		if ev.t > to {
			break
		}
		data, err = decodeData(data[:0], ev.data)
		if err != nil {
			continue
		}
		for len(data) > 0 {
			if len(line) == 0 {
				lineAt = ev.t
			}
			nl := bytes.IndexByte(data, '\n')
			part := data
			if nl >= 0 {
				part = data[:nl]
			}
			if room := maxTextLine*4 - len(line); room > 0 {
				line = append(line, part[:min(len(part), room)]...)
			}
			if nl < 0 {
				break
			}
			data = data[nl+1:]
			if lineAt >= from && !emit() {
				return nil
			}
			line = line[:0]
		}
	}
	if len(line) > 0 && lineAt >= from {
		emit()
	}
	return nil
}
