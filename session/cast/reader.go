package cast

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Recording is a parsed asciicast file.
type Recording struct {
	Header Header
	Events []Event
	// Torn reports that the last line was incomplete (the recorder was
	// killed mid-write) and was left out.
	Torn bool
}

// v3Header is the header layout of asciicast v3.
type v3Header struct {
	Version int `json:"version"`
	Term    struct {
		Cols int `json:"cols"`
		Rows int `json:"rows"`
	} `json:"term"`
	Timestamp int64             `json:"timestamp"`
	Command   string            `json:"command"`
	Title     string            `json:"title"`
	Env       map[string]string `json:"env"`
}

// ReadFile parses the recording at path.
func ReadFile(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := Read(f)
	if err != nil {
		return rec, fmt.Errorf("%s:%w", path, err)
	}
	return rec, nil
}

// LineError locates a malformed line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Read parses an asciicast v2 or v3 stream. Blank lines and, in v3, comment
// lines are skipped. An unparsable last line without a newline is treated as
// torn by a crash and dropped; any other bad line is an error naming its
// line number. What was parsed before an error is returned with it.
func Read(r io.Reader) (*Recording, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	rec := &Recording{}
	lineNo := 0
	version := 0
	var clock float64
	for {
		line, err := br.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return rec, &LineError{lineNo + 1, err}
		}
		lineNo++
		complete := len(line) > 0 && line[len(line)-1] == '\n'
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || (version == 3 && trimmed[0] == '#') {
			if err != nil {
				break
			}
			continue
		}
		if version == 0 {
			v, perr := parseHeader(trimmed, &rec.Header)
			if perr != nil {
				return rec, &LineError{lineNo, perr}
			}
			version = v
		} else {
			ev, perr := parseEvent(trimmed)
			if perr != nil {
				if !complete {
					rec.Torn = true
					break
				}
				return rec, &LineError{lineNo, perr}
			}
			if version == 3 {
				clock += ev.Time
				ev.Time = clock
			}
			rec.Events = append(rec.Events, ev)
		}
		if err != nil {
			break
		}
	}
	if version == 0 {
		return rec, &LineError{1, errors.New("empty recording: no header")}
	}
	return rec, nil
}

func parseHeader(line []byte, h *Header) (int, error) {
	var probe struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return 0, fmt.Errorf("header: %w", err)
	}
	switch probe.Version {
	case 2:
		if err := json.Unmarshal(line, h); err != nil {
			return 0, fmt.Errorf("header: %w", err)
		}
	case 3:
		var v3 v3Header
		if err := json.Unmarshal(line, &v3); err != nil {
			return 0, fmt.Errorf("header: %w", err)
		}
		*h = Header{Version: 3, Width: v3.Term.Cols, Height: v3.Term.Rows,
			Timestamp: v3.Timestamp, Command: v3.Command, Title: v3.Title, Env: v3.Env}
	default:
		return 0, fmt.Errorf("header: unsupported asciicast version %d", probe.Version)
	}
	if h.Width <= 0 || h.Height <= 0 {
		return 0, fmt.Errorf("header: terminal size %dx%d", h.Width, h.Height)
	}
	return probe.Version, nil
}

func parseEvent(line []byte) (Event, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return Event{}, fmt.Errorf("event: %w", err)
	}
	if len(raw) != 3 {
		return Event{}, fmt.Errorf("event: want [time, code, data], got %d fields", len(raw))
	}
	var ev Event
	if err := json.Unmarshal(raw[0], &ev.Time); err != nil {
		return Event{}, fmt.Errorf("event time: %w", err)
	}
	if err := json.Unmarshal(raw[1], &ev.Code); err != nil {
		return Event{}, fmt.Errorf("event code: %w", err)
	}
	// v3 exit events carry a number; keep its text.
	if err := json.Unmarshal(raw[2], &ev.Data); err != nil {
		ev.Data = string(raw[2])
	}
	if ev.Time < 0 {
		return Event{}, fmt.Errorf("event time %v is negative", ev.Time)
	}
	return ev, nil
}

// ParseHeader parses a v2 or v3 header line into a Header (Version set),
// for readers that index a recording themselves (session/replay).
func ParseHeader(line []byte) (Header, error) {
	var h Header
	v, err := parseHeader(line, &h)
	h.Version = v
	return h, err
}
