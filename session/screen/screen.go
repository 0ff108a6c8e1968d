package screen

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
	"github.com/charmbracelet/x/vt"
)

// DefaultScrollback is the number of lines of history kept per pane.
const DefaultScrollback = 10000

// pieceSize bounds one emulator write, which is also how long the renderer
// may wait for the lock: a piece of scrolling output costs at most a few
// milliseconds at 200x50.
const pieceSize = 4 << 10

// burstPace is how long the feeder lets a burst accumulate between drops at
// first; a burst that goes on is paced up to maxBurstPace.
const (
	burstPace    = 15 * time.Millisecond
	maxBurstPace = 60 * time.Millisecond
)

// The squasher drops lines only when the emulator has fallen behind: output
// that reaches the pane in time is emulated in full, so the scrollback holds
// everything an ordinary command prints (seq 1 300, cat of a small file).
// Behind means at least squashMin bytes wait, and the oldest of them has
// waited squashLag or they are squashBig or more. squashLag is what bounds
// the final screen's latency after a burst; squashMin makes a short burst
// kept whatever the timing (emulating that much takes a few ms).
const (
	squashMin = 16 << 10
	squashLag = 20 * time.Millisecond
	squashBig = 128 << 10
)

// maxUnfed bounds the queue when output cannot be squashed (for example a
// flood of bare line feeds, where the column is unknown). Beyond it the
// oldest bytes are skipped outright; the recording keeps them.
const maxUnfed = 16 << 20

// Options configure a Screen.
type Options struct {
	Width, Height int
	// Scrollback is the number of history lines kept; 0 means
	// DefaultScrollback.
	Scrollback int
	// Replies receives what the terminal sends back to the program: answers
	// to queries (cursor position, device attributes), encoded keys, mouse
	// reports and pastes. It is the PTY's input. It must not block for long.
	Replies io.Writer
	// OnChange is called (from the feeding goroutine) when the screen
	// changed and the previous change has been acknowledged with Ack.
	OnChange func()
}

// Screen is the agent's terminal. All methods are safe for concurrent use.
type Screen struct {
	mu       sync.Mutex // guards emu, hist, modes, title, stats
	emu      *vt.Emulator
	hist     *history
	modes    map[ansi.DECMode]bool
	title    string
	bells    int
	skipped  Skipped
	width    int
	height   int
	version  atomic.Uint64
	notified atomic.Bool
	onChange func()
	replies  io.Writer
	faults   int
	maxUnfed int // maxUnfed, smaller in tests
	// squashMin, squashLag and squashBig; tests that exercise the squasher
	// on small streams set them to zero.
	squashMin, squashBig int
	squashLag            time.Duration
	pipe                 atomic.Pointer[io.Closer] // the current emulator's reply pipe

	inMu    sync.Mutex // guards pending, resizes, busy
	pending []byte
	since   time.Time // when the oldest byte in pending arrived
	resizes []resizeOp
	busy    bool // the feeder holds bytes not yet in the emulator
	idle    *sync.Cond
	wake    chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
	closed  atomic.Bool
}

// Skipped counts output the fast path did not emulate.
type Skipped struct {
	Bytes int64
	Lines int64
	Runs  int64
}

// New starts a screen of the given size.
func New(opts Options) *Screen {
	w, h := max(opts.Width, 1), max(opts.Height, 1)
	n := opts.Scrollback
	if n <= 0 {
		n = DefaultScrollback
	}
	s := &Screen{
		maxUnfed:  maxUnfed,
		squashMin: squashMin,
		squashLag: squashLag,
		squashBig: squashBig,
		hist:      newHistory(n),
		modes:     map[ansi.DECMode]bool{},
		width:     w,
		height:    h,
		onChange:  opts.OnChange,
		wake:      make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	s.idle = sync.NewCond(&s.inMu)
	s.replies = opts.Replies
	if s.replies == nil {
		s.replies = io.Discard
	}
	s.emu = s.newEmulator(w, h)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.feed()
	}()
	return s
}

// newEmulator makes an emulator wired to this screen, with a goroutine that
// copies its replies out. The emulator answers queries through an unbuffered
// pipe; if nobody read it, its next Write would block holding our lock.
func (s *Screen) newEmulator(w, h int) *vt.Emulator {
	e := vt.NewEmulator(w, h)
	e.SetCallbacks(vt.Callbacks{
		Title:       func(t string) { s.title = SanitizeText(t) },
		Bell:        func() { s.bells++ },
		EnableMode:  func(m ansi.Mode) { s.setMode(m, true) },
		DisableMode: func(m ansi.Mode) { s.setMode(m, false) },
	})
	pipe, _ := e.InputPipe().(io.Closer)
	s.pipe.Store(&pipe)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// Keep reading whatever happens to the replies: an emulator whose
		// pipe nobody reads blocks its next reply, or the next key, while
		// holding the screen's lock, and with it the console. Replies the
		// PTY does not take are dropped.
		buf := make([]byte, 4096)
		for {
			n, err := e.Read(buf)
			if n > 0 {
				_, _ = s.replies.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	return e
}

// write feeds the emulator and survives its bugs: x/vt v0.1.0 panics on some
// sequences (a scroll region taller than the screen followed by a line
// deletion, for one), and agent output must never crash the console. On a
// panic the emulator is replaced by a fresh one, the history says so, and the
// agent's next redraw repaints the pane. Called with s.mu held.
func (s *Screen) write(p []byte) {
	defer func() {
		if r := recover(); r != nil {
			s.faults++
			closeEmulator(s.emu)
			s.modes = map[ansi.DECMode]bool{}
			s.emu = s.newEmulator(s.width, s.height)
			s.hist.push(fmt.Sprintf("\x1b[0;2m··· sentinel: the terminal emulator failed on the agent's output (%v); the pane was reset ···\x1b[0m", r))
		}
	}()
	_, _ = s.emu.Write(p)
}

// closeEmulator ends the emulator's reply pipe so its copier goroutine
// returns. x/vt's own Close sets a flag that Read checks without a lock, a
// data race with the copier; closing the pipe's write end gives the copier
// io.EOF without touching that flag.
func closeEmulator(e *vt.Emulator) {
	if c, ok := e.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
}

// closePipe ends the current emulator's reply pipe without the screen's
// lock, so Close works even if something holds the lock on the pipe.
func (s *Screen) closePipe() {
	if c := s.pipe.Load(); c != nil && *c != nil {
		_ = (*c).Close()
	}
}

// Faults is how many times the emulator failed and was reset.
func (s *Screen) Faults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

func (s *Screen) setMode(m ansi.Mode, on bool) {
	if d, ok := m.(ansi.DECMode); ok {
		s.modes[d] = on
	}
}

// Write queues agent output for the emulator. It never blocks on the
// emulator and never fails.
func (s *Screen) Write(p []byte) (int, error) {
	if len(p) == 0 || s.closed.Load() {
		return len(p), nil
	}
	s.inMu.Lock()
	if len(s.pending) == 0 {
		s.since = time.Now()
	}
	s.pending = appendDoubling(s.pending, p)
	s.busy = true
	s.inMu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

// appendDoubling is append for the output queues, which grow by a 4 KB
// read at a time to megabytes during a burst: append grows large slices by
// a quarter, copying the whole queue each time (about five copies of every
// byte, on the PTY read loop), doubling copies each byte about once.
func appendDoubling(dst, p []byte) []byte {
	if n := len(dst) + len(p); n > cap(dst) {
		grown := make([]byte, len(dst), max(2*cap(dst), n, 64<<10))
		copy(grown, dst)
		dst = grown
	}
	return append(dst, p...)
}

// feed runs the feeder until the screen closes, restarting it after a
// panic: agent output must never crash the console, whatever bug it finds.
func (s *Screen) feed() {
	for !s.feedSafely() {
	}
}

func (s *Screen) feedSafely() (done bool) {
	defer func() {
		if r := recover(); r != nil {
			s.mu.Lock()
			s.faults++
			closeEmulator(s.emu)
			s.modes = map[ansi.DECMode]bool{}
			s.emu = s.newEmulator(s.width, s.height)
			s.hist.push(fmt.Sprintf("\x1b[0;2m··· sentinel: the pane's feeder failed (%v); output was lost and the pane reset ···\x1b[0m", r))
			s.mu.Unlock()
			done = false
		}
	}()
	s.feedLoop()
	return true
}

// feedLoop moves queued bytes into the emulator, squashing scrolling bursts.
func (s *Screen) feedLoop() {
	var q unfed
	var sq *squasher
	var resize *resizeOp // to apply once buf is fed
	// The tail kept after a drop starts on the bottom row (the replay moves
	// the cursor there), so h+1 line feeds push out every row that existed
	// before it; one more for good measure.
	keepFor := func(h int) int { return h + 2 }
	var nextIntake time.Time
	pace := burstPace
	for {
		buf := q.bytes()
		if len(buf) == 0 && resize != nil {
			s.mu.Lock()
			if resize.w != s.width || resize.h != s.height {
				s.width, s.height = resize.w, resize.h
				s.resize(resize.w, resize.h)
			}
			s.mu.Unlock()
			resize = nil
			s.changed()
		}
		// During a burst, let output pile up until nextIntake before taking
		// more: one drop then covers all of it, and the emulator scrolls h+2
		// lines per intake instead of per read. Meanwhile buf is fed.
		if resize == nil && (len(buf) == 0 || !time.Now().Before(nextIntake)) {
			if wait := time.Until(nextIntake); wait > 0 {
				select {
				case <-time.After(wait):
				case <-s.done:
					return
				}
			}
			resize = s.take(&q)
			buf = q.bytes()
		}
		if len(buf) == 0 {
			if resize != nil {
				continue
			}
			pace = burstPace // the burst is over
			if !s.sleep() {
				return
			}
			continue
		}
		select {
		case <-s.done:
			return
		default:
		}

		s.mu.Lock()
		w, h := s.width, s.height
		s.mu.Unlock()
		switch {
		case sq == nil:
			sq = newSquasher(keepFor(h))
		case sq.keep != keepFor(h):
			// Resized: a run begun at the old height proves nothing about
			// the new one. The parse state carries on.
			sq.keep = keepFor(h)
			sq.barrier()
		}
		sq.scan(buf)
		if a, x, ok := sq.plan(h); ok && s.behind(len(buf), q.since) {
			// The marker line, then the rest of the screen cleared and the
			// cursor on the bottom row, where the dropped lines would have
			// left it, then the pen state they would have left.
			synth := skipMarker(x.ordinal-a.ordinal, x.off-a.off, w, x.reset >= 0)
			synth = fmt.Appendf(synth, "\x1b[J\x1b[%d;1H", h)
			if last := x.lastChar(); len(last) > 0 {
				// Print and erase the last dropped character, so a REP
				// in what follows repeats the same one.
				synth = append(synth, last...)
				synth = append(synth, "\r\x1b[K"...)
			}
			synth = append(synth, sq.replay(x)...)
			// A burst that goes on is paced ever slower, up to
			// maxBurstPace: nobody reads a screen that scrolls faster than
			// that, and each drop costs the emulator h+2 scrolled lines.
			nextIntake = time.Now().Add(pace)
			pace = min(pace+burstPace, maxBurstPace)
			s.mu.Lock()
			s.skipped.Bytes += int64(x.off - a.off)
			s.skipped.Lines += int64(x.ordinal - a.ordinal)
			s.skipped.Runs++
			s.mu.Unlock()
			buf = q.splice(a.off, x.off, synth)
			sq.dropped(a, x, len(synth))
		} else if len(buf) > s.maxUnfed {
			q.replace(s.hardSkip(buf, w))
			// What the skipped bytes did to scroll regions, screens and
			// margins never reached the emulator: trust none of it until
			// the agent resets it.
			sq = newSquasher(keepFor(h))
			sq.fullRegion, sq.margins = [2]bool{}, true
			continue
		}

		n := min(len(buf), pieceSize)
		if n < len(buf) {
			// End pieces after a line feed when one is near, so grapheme
			// clusters and sequences are rarely split.
			if i := bytes.LastIndexByte(buf[:n], '\n'); i > n/2 {
				n = i + 1
			}
		}
		s.emulate(buf[:n])
		sq.consumed(n)
		q.consume(n)
		s.changed()
	}
}

// behind reports whether n unfed bytes, the oldest of which arrived at
// since, are more than the emulator keeps up with (see squashMin).
func (s *Screen) behind(n int, since time.Time) bool {
	return n >= s.squashMin && (n >= s.squashBig || time.Since(since) >= s.squashLag)
}

// emulate feeds one piece to the emulator and collects the lines it
// scrolled off. The lock is released by defer so that a panic here reaches
// feedSafely's recovery with the lock free.
func (s *Screen) emulate(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.write(p)
	s.drainScrollback()
}

// resizeOp is a resize queued in order with the output: bytes the agent
// wrote before the PTY was resized are emulated at the old size.
type resizeOp struct{ at, w, h int }

// unfed holds bytes taken from the queue that the emulator has not seen.
// Consuming moves an offset instead of reslicing, so the backing array
// keeps its capacity from burst to burst (regrowing it copied every byte of
// a burst again).
type unfed struct {
	b     []byte
	off   int
	since time.Time // when the oldest of these bytes reached the screen
}

func (u *unfed) bytes() []byte { return u.b[u.off:] }

func (u *unfed) consume(n int) {
	u.off += n
	if u.off >= len(u.b) {
		u.b, u.off = u.b[:0], 0
	}
}

func (u *unfed) replace(b []byte) { u.b, u.off = b, 0 }

// splice replaces bytes()[from:to] with with, in place when it fits.
func (u *unfed) splice(from, to int, with []byte) []byte {
	cur := u.bytes()
	if to-from >= len(with) {
		copy(cur[from:], with)
		n := copy(cur[from+len(with):], cur[to:])
		u.b = u.b[:u.off+from+len(with)+n]
		return u.bytes()
	}
	nb := make([]byte, 0, len(cur)-(to-from)+len(with))
	nb = append(nb, cur[:from]...)
	nb = append(nb, with...)
	nb = append(nb, cur[to:]...)
	u.replace(nb)
	return nb
}

// take moves queued bytes up to the next queued resize into u and returns
// that resize when it is reached.
func (s *Screen) take(u *unfed) *resizeOp {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	n := len(s.pending)
	if len(s.resizes) > 0 {
		n = s.resizes[0].at
	}
	if n > 0 {
		if len(u.bytes()) == 0 {
			u.since = s.since
		}
		if len(u.bytes()) == 0 && n == len(s.pending) {
			// Swap whole buffers: no copy, and both keep their capacity.
			u.b, u.off, s.pending = s.pending, 0, u.b[:0]
		} else {
			if u.off > 0 {
				u.b = u.b[:copy(u.b, u.bytes())]
				u.off = 0
			}
			u.b = appendDoubling(u.b, s.pending[:n])
			s.pending = append(s.pending[:0], s.pending[n:]...)
		}
		for i := range s.resizes {
			s.resizes[i].at -= n
		}
	}
	if len(s.resizes) > 0 && s.resizes[0].at == 0 {
		r := s.resizes[0]
		s.resizes = s.resizes[1:]
		return &r
	}
	return nil
}

// sleep waits for more work; it reports false when the screen is closed.
func (s *Screen) sleep() bool {
	s.inMu.Lock()
	for len(s.pending) == 0 && len(s.resizes) == 0 {
		s.busy = false
		s.idle.Broadcast()
		s.inMu.Unlock()
		select {
		case <-s.wake:
		case <-s.done:
			return false
		}
		s.inMu.Lock()
	}
	s.inMu.Unlock()
	return true
}

// hardSkip bounds a backlog that could not be squashed: of its older part
// only the control sequences are kept (modes, scroll regions, colours,
// queries the agent waits for an answer to, cursor moves), and its text and
// line feeds are dropped. The pane is approximate until the agent redraws;
// the recording keeps every byte.
func (s *Screen) hardSkip(buf []byte, width int) []byte {
	from := len(buf) - s.maxUnfed/16
	if i := bytes.IndexByte(buf[from:], '\n'); i >= 0 {
		from += i + 1
	}
	lines := bytes.Count(buf[:from], []byte{'\n'})
	s.mu.Lock()
	s.skipped.Bytes += int64(from)
	s.skipped.Lines += int64(lines)
	s.skipped.Runs++
	s.mu.Unlock()
	out := controlsOnly(buf[:from])
	out = append(out, "\r\n"...)
	out = append(out, skipMarker(lines, from, width, true)...)
	return append(out, buf[from:]...)
}

// controlsOnly returns p without its printable text, line feeds, carriage
// returns, tabs and backspaces, keeping every escape sequence and string
// whole (including one still open at the end).
func controlsOnly(p []byte) []byte {
	out := make([]byte, 0, len(p)/8)
	state := parser.GroundState
	need := 0
	for _, b := range p {
		if state == parser.Utf8State {
			if need--; need <= 0 {
				state = parser.GroundState
			}
			continue
		}
		next, action := parser.Table.Transition(state, b)
		if state == parser.EscapeState && b == 0x1b {
			next = parser.EscapeState
		}
		switch {
		case next == parser.Utf8State:
			need = 1
			if b >= 0xE0 {
				need = 2
			}
			if b >= 0xF0 {
				need = 3
			}
		case state == parser.GroundState && next == parser.GroundState:
			if action == parser.ExecuteAction && b != '\n' && b != '\r' && b != '\t' && b != '\b' {
				out = append(out, b) // other controls: bells, charset shifts
			}
		default:
			out = append(out, b) // part of a sequence
		}
		state = next
	}
	return out
}

// skipMarker is the line left in the pane's history where output was skipped.
func skipMarker(lines, bytes, width int, styled bool) []byte {
	text := fmt.Sprintf("··· sentinel skipped %d lines (%s) of fast output here; the recording has every byte ···", lines, humanBytes(bytes))
	// Every character of it is one cell wide: count before asking for
	// the (grapheme-by-grapheme) truncation, which replay would otherwise
	// pay for at every drop.
	if utf8.RuneCountInString(text) > max(width-1, 1) {
		text = ansi.Truncate(text, max(width-1, 1), "")
	}
	if styled {
		return []byte("\x1b[0;2m" + text + "\x1b[0m\r\n")
	}
	return []byte(text + "\r\n")
}

func humanBytes(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func (s *Screen) changed() {
	s.version.Add(1)
	if s.onChange != nil && !s.notified.Swap(true) {
		s.onChange()
	}
}

// Ack re-arms OnChange: the next change after Ack calls it again.
func (s *Screen) Ack() { s.notified.Store(false) }

// Version increases with every change to what the screen shows.
func (s *Screen) Version() uint64 { return s.version.Load() }

// drainScrollback moves lines the emulator scrolled off into the history,
// rendered once. x/vt's own scrollback removes its oldest line by copying
// the whole slice, so it is kept empty.
func (s *Screen) drainScrollback() {
	sb := s.emu.Scrollback()
	if sb == nil || sb.Len() == 0 {
		return
	}
	var b []byte
	for i := 0; i < sb.Len(); i++ {
		line := sb.Line(i)
		b = renderCells(b[:0], len(line), func(x int) *uv.Cell { return &line[x] })
		s.hist.push(strings.TrimRight(string(b), " "))
	}
	s.emu.ClearScrollback()
}

// WaitIdle blocks until every byte written so far has reached the emulator
// or the screen is closed.
func (s *Screen) WaitIdle() {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	for s.busy && !s.closed.Load() {
		s.idle.Wait()
	}
}

// Resize changes the emulator's size after the output queued so far, which
// the agent wrote for the old size. The caller resizes the PTY first.
func (s *Screen) Resize(w, h int) {
	w, h = max(w, 1), max(h, 1)
	if s.closed.Load() {
		return
	}
	s.inMu.Lock()
	s.resizes = append(s.resizes, resizeOp{at: len(s.pending), w: w, h: h})
	s.busy = true
	s.inMu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Screen) resize(w, h int) {
	defer func() {
		if r := recover(); r != nil {
			s.faults++
			closeEmulator(s.emu)
			s.emu = s.newEmulator(w, h)
		}
	}()
	s.keepCursorRow(h)
	s.emu.Resize(w, h)
}

// keepCursorRow prepares the main screen for losing rows at the bottom
// (x/vt keeps the top ones): when the cursor would fall off, the rows above
// it scroll into the history first, as in tmux and xterm, so the lines the
// agent printed last stay in view and the ones above stay in the
// scrollback. It scrolls by line feeds on the bottom row, and puts the
// cursor back on the same line of text; a screen in the alternate buffer,
// in origin mode or with a scroll region or margins is left to the agent's
// redraw.
func (s *Screen) keepCursorRow(h int) {
	oldH := s.emu.Height()
	pos := s.emu.CursorPosition()
	n := pos.Y + 1 - h
	if h >= oldH || n <= 0 || s.emu.IsAltScreen() || s.modes[ansi.ModeOrigin] {
		return
	}
	if r, ok := scrollRegion(s.emu, 0); !ok || r != image.Rect(0, 0, s.emu.Width(), oldH) {
		return
	}
	s.drainScrollback()
	s.write(fmt.Appendf(nil, "\x1b[%d;1H%s", oldH, strings.Repeat("\n", n)))
	s.write(fmt.Appendf(nil, "\x1b[%d;%dH", pos.Y-n+1, pos.X+1))
	s.drainScrollback()
}

// Size is the emulator's size.
func (s *Screen) Size() (w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.width, s.height
}

// Close stops the feeder and the reply copier.
func (s *Screen) Close() {
	if s.closed.Swap(true) {
		return
	}
	close(s.done)
	s.closePipe()
	s.inMu.Lock()
	s.idle.Broadcast()
	s.inMu.Unlock()
	s.wg.Wait()
}

// Title is the agent's window title, stripped of control characters.
func (s *Screen) Title() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.title
}

// Bells is the number of BEL characters the agent has rung.
func (s *Screen) Bells() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bells
}

// SkippedOutput reports what the fast path skipped so far.
func (s *Screen) SkippedOutput() Skipped {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skipped
}

// AltScreen reports whether the agent is on its alternate screen.
func (s *Screen) AltScreen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.IsAltScreen()
}

// MouseTracking reports whether the agent asked for mouse reports.
func (s *Screen) MouseTracking() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modes[ansi.ModeMouseX10] || s.modes[ansi.ModeMouseNormal] ||
		s.modes[ansi.ModeMouseButtonEvent] || s.modes[ansi.ModeMouseAnyEvent]
}

// SendKey encodes a key press the way the agent's terminal modes ask for
// (application cursor keys and so on) and sends it to the agent.
func (s *Screen) SendKey(k uv.KeyPressEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.SendKey(k)
}

// SendMouse reports a mouse event at pane coordinates, if the agent asked
// for mouse reports.
func (s *Screen) SendMouse(m vt.Mouse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.SendMouse(m)
}

// Paste sends text as a paste: bracketed when the agent enabled bracketed
// paste. An end-of-paste sequence inside the text is removed so pasted text
// cannot end the bracket early and be taken for typed keys.
func (s *Screen) Paste(text string) {
	text = strings.ReplaceAll(text, ansi.BracketedPasteEnd, "")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.Paste(text)
}

// Frame is a rendered view of the pane.
type Frame struct {
	Width int      // cells per line
	Lines []string // one styled line per row, each exactly Width cells wide
	// Cursor position within the frame; Visible is false when the agent hid
	// it or the view is scrolled back.
	CursorX, CursorY int
	CursorVisible    bool
	CursorStyle      vt.CursorStyle // block, underline or bar, as the agent asked (DECSCUSR)
	CursorBlink      bool
	Scrolled         int // lines of history above the live screen shown
	History          int // lines of history available
}

// Render draws the screen, scrolled back by offset lines of history
// (clamped), into a frame of the emulator's size.
func (s *Screen) Render(offset int) Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, h := s.width, s.height
	histLen := s.hist.len()
	if s.emu.IsAltScreen() {
		offset = 0 // full-screen programs own their screen; history is the main screen's
	}
	offset = max(0, min(offset, histLen))
	f := Frame{Width: w, Lines: make([]string, 0, h), Scrolled: offset, History: histLen}
	var b []byte
	for row := range h {
		src := row - offset
		if src < 0 {
			line := s.hist.at(histLen + src)
			f.Lines = append(f.Lines, Fit(line, w))
			continue
		}
		y := src
		b = renderCells(b[:0], w, func(x int) *uv.Cell { return s.emu.CellAt(x, y) })
		f.Lines = append(f.Lines, string(b))
	}
	cur := s.emu.CursorPosition()
	f.CursorX, f.CursorY = cur.X, cur.Y+offset
	f.CursorVisible = !s.emu.CursorHidden() && f.CursorY < h
	f.CursorStyle, f.CursorBlink = s.emu.CursorStyle()
	return f
}

// Text is the screen's plain text (no styles), rows joined by newlines with
// trailing spaces trimmed. For tests and for scanning what the agent shows.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sb strings.Builder
	for y := range s.height {
		var line strings.Builder
		for x := 0; x < s.width; x++ {
			c := s.emu.CellAt(x, y)
			if c == nil || c.Width == 0 {
				continue
			}
			if c.Content == "" {
				line.WriteByte(' ')
				continue
			}
			line.WriteString(SanitizeText(c.Content))
		}
		sb.WriteString(strings.TrimRight(line.String(), " "))
		if y < s.height-1 {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// HistoryText is the plain text of the history lines, oldest first.
func (s *Screen) HistoryText() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, s.hist.len())
	for i := range out {
		out[i] = ansi.Strip(s.hist.at(i))
	}
	return out
}

// Fit pads or truncates a styled line to exactly w cells.
func Fit(line string, w int) string {
	lw := ansi.StringWidth(line)
	switch {
	case lw > w:
		return ansi.Truncate(line, w, "") + ansi.ResetStyle
	case lw < w:
		return line + strings.Repeat(" ", w-lw)
	}
	return line
}
