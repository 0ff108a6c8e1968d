package cast

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// FlushInterval bounds how long an event may sit in memory before it is
// written. The contract is "at least every 100 ms"; half of that
// leaves room for a slow disk.
const FlushInterval = 50 * time.Millisecond

// flushSize makes a busy recording write in large, whole-line batches
// instead of waiting for the timer.
const flushSize = 64 << 10

// Writer appends asciicast v2 events to a file. It is safe for concurrent
// use. Write errors are sticky: the first one is kept (see Err) and reported
// once through OnError, and later events are dropped rather than written
// out of order.
type Writer struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	start   time.Time
	buf     []byte // whole encoded lines, not yet handed to the kernel
	carry   [2][]byte
	timer   *time.Timer
	armed   bool
	err     error
	closed  bool
	onError func(error)
	now     func() time.Time
}

// Options tune a Writer.
type Options struct {
	// OnError is called once, from whichever goroutine hit it, with the
	// first write error. The session uses it to say loudly that recording
	// stopped.
	OnError func(error)
	// Start is the moment time 0 refers to; zero means now.
	Start time.Time
}

// Create makes (or truncates) path with mode 0600, creating missing parent
// directories with mode 0700, and writes the header.
func Create(path string, h Header, opts Options) (*Writer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("recording directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	// An existing file keeps its old mode through O_TRUNC; recordings may
	// hold secrets, so force it.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("recording: %w", err)
	}
	w := &Writer{f: f, path: path, start: opts.Start, onError: opts.OnError, now: time.Now}
	if w.start.IsZero() {
		w.start = w.now()
	}
	if h.Version == 0 {
		h.Version = 2
	}
	if h.Timestamp == 0 {
		h.Timestamp = w.start.Unix()
	}
	line, err := json.Marshal(h)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("recording header: %w", err)
	}
	line = append(line, '\n')
	if _, err := f.Write(line); err != nil {
		f.Close()
		return nil, fmt.Errorf("recording: %w", err)
	}
	w.timer = time.AfterFunc(time.Hour, w.timerFlush)
	w.timer.Stop()
	return w, nil
}

// Path is the file being written.
func (w *Writer) Path() string { return w.path }

// Err is the first write error, if any.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Output records bytes the program wrote. Bytes of a UTF-8 sequence split
// across calls are held back and joined with the next call.
func (w *Writer) Output(p []byte) { w.stream(0, Output, p) }

// Input records bytes typed into the program.
func (w *Writer) Input(p []byte) { w.stream(1, Input, p) }

// Resize records a terminal size change.
func (w *Writer) Resize(cols, rows int) {
	w.event(Resize, []byte(strconv.Itoa(cols)+"x"+strconv.Itoa(rows)), false)
}

// Marker records a labelled moment and writes it out at once: markers carry
// session events and, later, detections and decisions, which must survive a
// crash that follows them.
func (w *Writer) Marker(label string) {
	w.event(Marker, []byte(label), true)
}

func (w *Writer) stream(i int, code string, p []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.err != nil || len(p) == 0 {
		return
	}
	data := p
	if len(w.carry[i]) > 0 {
		data = append(w.carry[i], p...)
		w.carry[i] = w.carry[i][:0]
	}
	cut := completeUTF8(data)
	if cut < len(data) {
		w.carry[i] = append(w.carry[i][:0], data[cut:]...)
		data = data[:cut]
	}
	if len(data) == 0 {
		return
	}
	w.appendEvent(code, data)
	w.afterAppend(false)
}

func (w *Writer) event(code string, data []byte, urgent bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.err != nil {
		return
	}
	w.appendEvent(code, data)
	w.afterAppend(urgent)
}

func (w *Writer) appendEvent(code string, data []byte) {
	t := w.now().Sub(w.start).Seconds()
	if t < 0 {
		t = 0
	}
	b := append(w.buf, '[')
	b = strconv.AppendFloat(b, t, 'f', 6, 64)
	b = append(b, ", \""...)
	b = append(b, code...)
	b = append(b, "\", "...)
	b = AppendJSONString(b, data)
	w.buf = append(b, "]\n"...)
}

func (w *Writer) afterAppend(urgent bool) {
	if urgent || len(w.buf) >= flushSize {
		w.flushLocked(urgent)
		return
	}
	if !w.armed {
		w.armed = true
		w.timer.Reset(FlushInterval)
	}
}

func (w *Writer) timerFlush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = false
	if !w.closed {
		w.flushLocked(false)
	}
}

// flushLocked hands whole lines to the kernel. sync also asks the disk to
// keep them, for the rare events that matter after a power loss.
func (w *Writer) flushLocked(sync bool) {
	if w.err != nil || len(w.buf) == 0 {
		return
	}
	_, err := w.f.Write(w.buf)
	w.buf = w.buf[:0]
	if err == nil && sync {
		err = w.f.Sync()
	}
	if err != nil {
		w.fail(err)
	}
}

func (w *Writer) fail(err error) {
	w.err = fmt.Errorf("recording %s: %w", w.path, err)
	if w.onError != nil {
		go w.onError(w.err)
	}
}

// Flush writes everything recorded so far.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked(false)
	return w.err
}

// Close writes what is left (including a dangling partial UTF-8 sequence,
// as replacement characters), syncs and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	for i, code := range []string{Output, Input} {
		if len(w.carry[i]) > 0 && w.err == nil {
			w.appendEvent(code, w.carry[i])
			w.carry[i] = nil
		}
	}
	w.flushLocked(true)
	w.closed = true
	w.timer.Stop()
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("recording %s: %w", w.path, err)
	}
	return w.err
}

// completeUTF8 returns the length of the longest prefix of p that does not
// end inside a UTF-8 sequence that more bytes could still complete.
func completeUTF8(p []byte) int {
	n := len(p)
	// A sequence is at most 4 bytes, so only the last 3 can be an unfinished
	// start.
	for i := n - 1; i >= 0 && i >= n-3; i-- {
		c := p[i]
		if c < utf8.RuneSelf {
			return n
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(p[i:]) {
				return i
			}
			return n
		}
	}
	return n
}

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD, as asciinema's own recorder does: a JSON string cannot hold it.
// Hand-written because encoding/json allocates per call and escapes HTML,
// and this runs on the PTY read path for every chunk of agent output.
func AppendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
