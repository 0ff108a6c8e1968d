package cast

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// FlushInterval bounds how long output may sit in memory before it is
// written, given that the caller calls Idle after that long without output.
// The contract is "at least every 100 ms"; half of that leaves room for a
// slow disk.
const FlushInterval = 50 * time.Millisecond

// maxBacklog bounds the encoded bytes waiting to be written.
const maxBacklog = 64 << 20

// flushSize makes a busy recording write in large batches instead of
// waiting for the timer.
const flushSize = 256 << 10

// Writer appends asciicast v2 events to a file. It is safe for concurrent
// use.
//
// Recording sits on the PTY read path. Output encodes the bytes as a JSON
// line into memory on the caller's goroutine (a few microseconds per 4 KB),
// and a goroutine of the writer's own writes the lines in batches, so a slow
// disk does not stall the caller until maxBacklog bytes have queued. Why
// the encoding happens on the caller is measured: see docs/ARCHITECTURE.md,
// "Measured choices". Output is written within FlushInterval while more
// keeps coming and at once on Idle, which the caller must call when the
// program goes quiet. Input, resizes and markers are written at once;
// markers are on disk, synced, before Marker returns, so a crash right
// after one keeps it; Flush returns once everything is written (not
// synced: a crash of sentinel keeps what the kernel has).
//
// Write errors are sticky: the first one is kept (see Err) and reported once
// through OnError, and later events are dropped rather than written out of
// order.
type Writer struct {
	path    string
	start   time.Time
	onError func(error)
	now     func() time.Time
	f       *os.File

	mu      sync.Mutex
	written *sync.Cond    // broadcast when a batch is on disk
	pending []byte        // encoded lines not yet written
	oldest  time.Duration // time of the oldest pending event
	syncDue bool          // pending holds a marker: sync after writing
	carry   [2][]byte     // unfinished UTF-8 sequences of output and input
	queued  uint64        // events queued so far
	done    uint64        // events written so far (or dropped after an error)
	err     error
	closed  bool

	kick    chan struct{} // wakes the writing goroutine
	stop    chan struct{}
	stopped chan struct{}

	// Owned by the writing goroutine.
	spare    []byte
	hadError bool
}

// Options tune a Writer.
type Options struct {
	// OnError is called once, from the writer's goroutine, with the first
	// write error. The session uses it to say loudly that recording stopped.
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
	// Only ever a regular file, and never through a symlink: as root,
	// "--record /dev/null" must not chmod a device.
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("recording: %s is a symbolic link; give the file it points to", path)
	} else if err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("recording: %s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	// An existing file keeps its old mode through O_TRUNC; recordings may
	// hold secrets, so force it.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("recording: %w", err)
	}
	w := &Writer{
		f: f, path: path, start: opts.Start, onError: opts.OnError, now: time.Now,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	w.written = sync.NewCond(&w.mu)
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
	go w.run()
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
// across calls are joined with the next call.
func (w *Writer) Output(p []byte) { w.queue(Output[0], p, false) }

// Input records bytes typed into the program.
// It is written at once: typing happens while the program may be quiet.
func (w *Writer) Input(p []byte) { w.queue(Input[0], p, true) }

// Resize records a terminal size change.
func (w *Writer) Resize(cols, rows int) {
	w.queue(Resize[0], []byte(strconv.Itoa(cols)+"x"+strconv.Itoa(rows)), true)
}

// Marker records a labelled moment and returns once it is written and
// synced: markers carry session events and, later, detections and
// decisions, which must survive a crash that follows them.
func (w *Writer) Marker(label string) {
	if seq, ok := w.queue(Marker[0], []byte(label), true); ok {
		w.waitWritten(seq)
	}
}

// Flush returns once everything recorded so far is written.
func (w *Writer) Flush() error {
	w.mu.Lock()
	seq := w.queued
	w.mu.Unlock()
	w.wake()
	w.waitWritten(seq)
	return w.Err()
}

func (w *Writer) queue(code byte, p []byte, urgent bool) (uint64, bool) {
	if len(p) == 0 && code != Marker[0] {
		return 0, false
	}
	w.mu.Lock()
	// A recording that cannot keep up with the agent (a stalled disk) holds
	// the agent back rather than growing without bound or losing events.
	for len(w.pending) > maxBacklog && !w.closed && w.err == nil {
		w.wake()
		w.written.Wait()
	}
	if w.closed || w.err != nil {
		w.mu.Unlock()
		return 0, false
	}
	// Under the lock: events stay in time order, and so do the UTF-8
	// carries.
	at := w.now().Sub(w.start)
	if len(w.pending) == 0 {
		w.oldest = at
	}
	switch code {
	case Output[0], Input[0]:
		w.pending = w.appendStream(w.pending, at, code, p)
	default:
		w.pending = appendEvent(w.pending, at, code, p)
		w.syncDue = w.syncDue || code == Marker[0]
	}
	w.queued++
	seq := w.queued
	due := urgent || len(w.pending) >= flushSize || at-w.oldest >= FlushInterval
	w.mu.Unlock()
	if due {
		w.wake()
	}
	return seq, true
}

// Idle says the program has gone quiet: what it wrote is written now
// rather than when more comes. The session's reader calls it when the PTY
// has had nothing for FlushInterval.
func (w *Writer) Idle() { w.wake() }

func (w *Writer) wake() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// waitWritten blocks until event seq is on disk (or the writer failed or
// closed).
func (w *Writer) waitWritten(seq uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.done < seq && w.err == nil && !w.closed {
		w.written.Wait()
	}
}

// run is the writing goroutine. It writes whenever it is woken: by a
// marker, by 256 KB of queued output, by output that has waited
// FlushInterval when more arrives, or by Idle once the program goes quiet.
// It keeps no timer of its own: a pending runtime timer made Go's scheduler
// poll its netpoller on every PTY read, which cost the agent throughput.
func (w *Writer) run() {
	defer close(w.stopped)
	for {
		select {
		case <-w.kick:
			w.flush()
		case <-w.stop:
			w.flush()
			return
		}
	}
}

// flush writes every queued event.
func (w *Writer) flush() {
	w.mu.Lock()
	out, sync := w.pending, w.syncDue
	w.pending, w.syncDue = w.spare[:0], false
	seq := w.queued
	w.mu.Unlock()

	var err error
	if len(out) > 0 && !w.hadError {
		if _, err = w.f.Write(out); err == nil && sync {
			err = w.f.Sync()
		}
	}
	w.spare = out[:0]
	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("recording %s: %w", w.path, err)
		w.hadError = true
		if w.onError != nil {
			defer w.onError(w.err)
		}
	}
	w.done = seq
	w.written.Broadcast()
	w.mu.Unlock()
}

// appendStream encodes output or input, holding back the bytes of a UTF-8
// sequence that the next event may complete.
func (w *Writer) appendStream(out []byte, at time.Duration, code byte, p []byte) []byte {
	i := 0
	if code == Input[0] {
		i = 1
	}
	data := p
	if len(w.carry[i]) > 0 {
		data = append(w.carry[i], p...)
		w.carry[i] = nil
	}
	cut := completeUTF8(data)
	if cut < len(data) {
		w.carry[i] = append([]byte(nil), data[cut:]...)
		data = data[:cut]
	}
	if len(data) == 0 {
		return out
	}
	return appendEvent(out, at, code, data)
}

func appendEvent(b []byte, at time.Duration, code byte, data []byte) []byte {
	t := max(at.Seconds(), 0)
	b = append(b, '[')
	b = strconv.AppendFloat(b, t, 'f', 6, 64)
	b = append(b, ", \""...)
	b = append(b, code)
	b = append(b, "\", "...)
	b = AppendJSONString(b, data)
	return append(b, "]\n"...)
}

// Close writes what is left (including a dangling partial UTF-8 sequence,
// as replacement characters), syncs and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return w.err
	}
	w.closed = true // later events are dropped; queued ones are written below
	w.mu.Unlock()
	close(w.stop)
	<-w.stopped
	w.mu.Lock()
	defer w.mu.Unlock()
	w.written.Broadcast()
	var tail []byte
	at := w.now().Sub(w.start)
	for i, code := range []byte{Output[0], Input[0]} {
		if len(w.carry[i]) > 0 {
			tail = appendEvent(tail, at, code, w.carry[i])
		}
	}
	if len(tail) > 0 && w.err == nil {
		if _, err := w.f.Write(tail); err != nil {
			w.err = fmt.Errorf("recording %s: %w", w.path, err)
		}
	}
	if err := w.f.Sync(); err != nil && w.err == nil {
		w.err = fmt.Errorf("recording %s: %w", w.path, err)
	}
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

// jsonEscapes holds, for each byte that JSON requires escaping, its escape;
// other bytes are copied as they are.
var jsonEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for c := range 0x20 {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&0xF])
	}
	t['\n'], t['\r'], t['\t'] = `\n`, `\r`, `\t`
	t['"'], t['\\'] = `\"`, `\\`
	return t
}()

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD, as asciinema's own recorder does: a JSON string cannot hold it.
// Hand-written because encoding/json allocates per call and escapes HTML,
// and this runs for every chunk of agent output: the common case (valid
// UTF-8, checked by the stdlib's word-at-a-time utf8.Valid) copies eight
// bytes at a time while none of them needs an escape, and otherwise a
// byte at a time with a table lookup.
func AppendJSONString(dst, s []byte) []byte {
	if !utf8.Valid(s) {
		return appendJSONInvalid(dst, s)
	}
	// Room for the worst case (every byte a \u00XX escape), so the loop
	// stores bytes instead of appending them: callers reuse dst.
	// Eight spare bytes more let every store be a whole word.
	dst = slices.Grow(dst, 6*len(s)+2+8)
	j := len(dst)
	d := dst[:cap(dst)]
	d[j] = '"'
	j++
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			w := binary.LittleEndian.Uint64(s[i:])
			// Store all eight and keep those before the first that
			// needs an escape.
			binary.LittleEndian.PutUint64(d[j:], w)
			if m := escapeMask(w); m != 0 {
				k := bits.TrailingZeros64(m) / 8
				i += k
				j += k
			} else {
				i += 8
				j += 8
				continue
			}
		}
		c := s[i]
		i++
		e := packedEscapes[c]
		if e.n == 0 {
			d[j] = c
			j++
			continue
		}
		if c == '\r' && i < len(s) && s[i] == '\n' {
			// A PTY ends every line so: one store for both.
			binary.LittleEndian.PutUint64(d[j:], crlfEscaped)
			i++
			j += 4
			continue
		}
		binary.LittleEndian.PutUint64(d[j:], e.w)
		j += int(e.n)
	}
	d[j] = '"'
	return d[:j+1]
}

// crlfEscaped is `\r\n` as a little-endian word.
const crlfEscaped = '\\' | 'r'<<8 | '\\'<<16 | 'n'<<24

// packedEscapes is jsonEscapes as words to store whole: the escape's bytes
// (little-endian) and how many there are, 0 for bytes copied as they are.
var packedEscapes = func() (t [256]struct {
	w uint64
	n uint8
}) {
	for c, e := range jsonEscapes {
		var b [8]byte
		copy(b[:], e)
		t[c].w, t[c].n = binary.LittleEndian.Uint64(b[:]), uint8(len(e))
	}
	return t
}()

// escapeMask returns a mask with high bits set in the bytes of w (read
// little-endian) that JSON needs escaped: control characters (< 0x20), '"'
// and '\\'; zero when there are none. Bytes of UTF-8 sequences (>= 0x80)
// never count. A byte b below n sets its high bit in w - n and not in w;
// the borrow it takes may flag bytes after it too, but never one before,
// so the lowest flagged byte is the first that needs an escape.
func escapeMask(w uint64) uint64 {
	const ones = 0x0101010101010101
	const highs = 0x80 * ones
	quote, backslash := w^('"'*ones), w^('\\'*ones)
	return ((w-0x20*ones)&^w | (quote-ones)&^quote | (backslash-ones)&^backslash) & highs
}

// appendJSONInvalid is AppendJSONString for input that is not valid UTF-8.
func appendJSONInvalid(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if e := jsonEscapes[c]; e != "" {
				dst = append(dst, s[start:i]...)
				dst = append(dst, e...)
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + 1
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
