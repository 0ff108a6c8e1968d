package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/charmbracelet/x/vt"
	"github.com/sentinel-console/sentinel/session/cast"
	"github.com/sentinel-console/sentinel/session/screen"
)

// chunkSize is how much output is gathered before it is compacted and
// emulated: the larger, the more of a scrolling run can be skipped.
const chunkSize = 4 << 20

// Player plays a recording into an emulator. A Player is not safe for
// concurrent use; use one per goroutine (they share the snapshots).
type Player struct {
	rec  *Recording
	f    *os.File
	lr   *lineReader // the feed's, while one runs
	feed *feed       // started by peek, stopped by every reposition
	in   *batch      // the batch being played from
	next int         // its next item
	cur  cursor      // after the last event taken from the feed
	pos  float64
	emu  *vt.Emulator
	comp *screen.Compactor
	ff   screen.FastForward

	ahead    *event // read but not yet played
	buf      []byte // output gathered for the next flush, decoded
	fed      []byte // what Compact made of buf, kept for its capacity
	bounds   []int  // event boundaries in buf
	compact  bool
	snapshot bool
	last     *snapshot // the last snapshot taken or restored by this player
	restores int       // seeks that started from a snapshot (for tests)
	modelled int       // output bytes the fast-forward model replaced (for tests)
}

// Player starts a player at time 0 (the header's size, an empty screen).
func (r *Recording) Player() (*Player, error) {
	f, err := os.Open(r.file)
	if err != nil {
		return nil, err
	}
	p := &Player{rec: r, f: f, lr: newLineReader(f, r.opts.MaxLine), compact: true, snapshot: true}
	p.rewind()
	return p, nil
}

// Close releases the player's file and emulator.
func (p *Player) Close() error {
	p.stopFeed()
	closeEmulator(p.emu)
	return p.f.Close()
}

func (p *Player) rewind() {
	h := p.rec.Header
	p.cur = cursor{checkpoint: checkpoint{off: p.rec.dataOff, line: p.rec.dataLine, w: h.Width, h: h.Height}}
	p.reposition()
	p.replace(newEmulator(h.Width, h.Height))
	p.comp = screen.NewCompactor(h.Width, h.Height)
	p.pos = 0
	p.last = nil
}

// reposition makes p.cur the place the next event is read from.
func (p *Player) reposition() {
	p.ahead = nil
	p.stopFeed()
}

func (p *Player) stopFeed() {
	if p.feed != nil {
		p.feed.close()
		p.feed, p.in = nil, nil
	}
}

func (p *Player) replace(e *vt.Emulator) {
	closeEmulator(p.emu)
	p.emu = e
	drainReplies(e)
}

// newEmulator makes the emulator replay uses. x/vt's own scrollback is kept
// to one line: replay shows the screen, and a scrollback of whole lines per
// snapshot would cost memory for nothing.
func newEmulator(w, h int) *vt.Emulator {
	e := vt.NewEmulator(max(w, 1), max(h, 1))
	e.SetScrollbackSize(1)
	return e
}

// drainReplies reads what the emulator answers to queries (cursor position,
// device attributes): it answers through an unbuffered pipe, and an unread
// answer would block its next write.
func drainReplies(e *vt.Emulator) {
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := e.Read(buf); err != nil {
				return
			}
		}
	}()
}

func closeEmulator(e *vt.Emulator) {
	if e == nil {
		return
	}
	if c, ok := e.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
}

// Screen is the emulator in its state at Pos. It stays the player's: read
// it (CellAt, CursorPosition, IsAltScreen, Render) before the next call
// that moves the player, and never write to it.
func (p *Player) Screen() *vt.Emulator { return p.emu }

// Size is the terminal size at Pos.
func (p *Player) Size() (w, h int) { return p.emu.Width(), p.emu.Height() }

// Pos is the current position on the timeline: every event at or before it
// has been played.
func (p *Player) Pos() float64 { return p.pos }

// Done reports whether every event has been played.
func (p *Player) Done() bool { return p.peek() == nil }

// Seek moves to t (clamped to [0, Duration]): the screen is then exactly
// what playing every event at or before t from the start gives.
func (p *Player) Seek(t float64) error {
	if math.IsNaN(t) {
		return errors.New("seek to NaN")
	}
	t = max(0, t)
	snap := p.rec.snapshotBefore(t)
	switch {
	case t < p.pos && snap == nil:
		p.rewind()
	case snap != nil && (t < p.pos || snap.cur.event > p.cur.event):
		p.restore(snap)
	}
	p.playTo(t)
	p.pos = min(t, max(p.rec.duration, p.pos))
	return nil
}

// Advance plays forward by dt seconds of timeline.
func (p *Player) Advance(dt float64) error { return p.Seek(p.pos + max(dt, 0)) }

// Step plays the next event, whatever it is, and reports its time and code;
// ok is false at the end.
func (p *Player) Step() (t float64, code string, ok bool) {
	ev := p.peek()
	if ev == nil {
		return p.pos, "", false
	}
	p.playTo(ev.t)
	// playTo played every event at that time; Step means just one, but
	// events at one instant are one frame to the viewer.
	p.pos = ev.t
	return ev.t, ev.code, true
}

// NextEventTime is the time of the next event to play, or -1 at the end.
func (p *Player) NextEventTime() float64 {
	if ev := p.peek(); ev != nil {
		return ev.t
	}
	return -1
}

// peek reads the next playable event without playing it.
func (p *Player) peek() *event {
	if p.ahead != nil {
		return p.ahead
	}
	if p.feed == nil {
		p.feed = startFeed(p.rec, p.f, p.lr, p.cur)
	}
	for p.in == nil || p.next >= len(p.in.items) {
		if p.in != nil {
			p.feed.recycle(p.in)
		}
		b, ok := <-p.feed.batches
		if !ok {
			p.in = nil
			return nil
		}
		p.in, p.next = b, 0
	}
	it := &p.in.items[p.next]
	p.next++
	p.cur = it.cur
	p.ahead = &it.ev
	return p.ahead
}

// playTo plays every event with time <= t, taking snapshots on the way.
func (p *Player) playTo(t float64) {
	for {
		ev := p.peek()
		if ev == nil || ev.t > t {
			break
		}
		p.ahead = nil
		switch ev.code {
		case cast.Output:
			if len(ev.data) == 0 {
				break // nothing, or data that did not decode (listed)
			}
			p.buf = append(p.buf, ev.data...)
			p.bounds = append(p.bounds, len(p.buf))
			if len(p.buf) >= chunkSize {
				p.flush()
			}
		case cast.Resize:
			p.flush()
			p.resize(ev.w, ev.h)
		}
		if p.snapshot && p.rec.snapshotDue(p.last, &p.cur) {
			p.flush()
			p.takeSnapshot()
		}
	}
	p.flush()
}

// scrolls says whether output has line feeds enough (one a kilobyte) for
// scrolling runs the compactor could drop: redraws by cursor addressing
// have few, and the fast-forward model takes them whole.
func scrolls(b []byte) bool {
	return bytes.Count(b, []byte{'\n'})*1024 >= len(b)
}

// flush feeds the gathered output: compacted where it scrolls, then through
// the fast-forward model, and what the model does not take event by event
// (x/vt ends a grapheme cluster at the end of each write, so writing events
// joined would draw a cluster split across two events differently from the
// recording played event by event).
func (p *Player) flush() {
	if len(p.buf) == 0 {
		p.bounds = p.bounds[:0]
		return
	}
	buf := p.buf
	bounds := p.bounds
	switch {
	case !p.compact:
	case !scrolls(buf):
		// Nothing to compact: the compactor would only read it. It did
		// not see this output, so it is started again from the
		// emulator's state when output scrolls again.
		p.comp = nil
	case p.comp == nil:
		p.comp, _ = screen.NewCompactorFor(p.emu) // nil inside a sequence: not this time
	}
	if p.compact && p.comp != nil {
		var drops []screen.Drop
		buf, drops = p.comp.CompactInto(p.fed[:0], buf)
		p.fed = buf
		for _, d := range drops {
			shift := d.Len - (d.To - d.From)
			kept := bounds[:0]
			for _, b := range bounds {
				switch {
				case b <= d.From:
					kept = append(kept, b)
				case b >= d.To:
					kept = append(kept, b+shift)
				}
			}
			bounds = kept
		}
	}
	// Cursor-addressed output (redraws) goes through the fast-forward
	// model, which writes the state it ends in instead of every step.
	p.modelled += p.ff.Feed(func() *vt.Emulator { return p.emu }, buf, bounds, p.write)
	if cap(p.fed) > chunkSize*2 {
		p.fed = nil
	}
	if cap(p.buf) > chunkSize*2 {
		p.buf = nil
	}
	p.buf, p.bounds = p.buf[:0], bounds[:0]
}

// write feeds the emulator and survives its bugs as the live console does
// (screen.Screen.write): x/vt panics on some sequences; the emulator is then
// replaced by a fresh one, and so is the compactor, which must describe it.
func (p *Player) write(b []byte) {
	defer func() {
		if r := recover(); r != nil {
			w, h := p.emu.Width(), p.emu.Height()
			p.replace(newEmulator(w, h))
			p.comp = screen.NewCompactor(w, h)
		}
	}()
	_, _ = p.emu.Write(b)
}

func (p *Player) resize(w, h int) {
	defer func() {
		if r := recover(); r != nil {
			p.replace(newEmulator(w, h))
			p.comp = screen.NewCompactor(w, h)
		}
	}()
	if w == p.emu.Width() && h == p.emu.Height() {
		return
	}
	p.emu.Resize(w, h)
	if p.comp != nil {
		p.comp.Resize(w, h)
	}
}

func (p *Player) restore(s *snapshot) {
	e, err := s.screen.Thaw()
	if err != nil {
		p.rewind()
		return
	}
	e.SetScrollbackSize(1)
	p.replace(e)
	p.comp = nil
	if s.comp != nil {
		p.comp = s.comp.Clone()
	}
	p.restores++
	p.cur = s.cur
	p.reposition()
	p.pos = s.cur.t
	p.last = s
	p.buf, p.bounds = p.buf[:0], p.bounds[:0]
}

func (p *Player) takeSnapshot() {
	if !screen.InGroundState(p.emu) {
		return // inside an escape sequence: try again after the next event
	}
	f, err := screen.Freeze(p.emu)
	if err != nil {
		p.snapshot = false
		return
	}
	s := &snapshot{cur: p.cur, screen: f}
	if p.comp != nil {
		s.comp = p.comp.Clone()
	}
	p.last = p.rec.addSnapshot(s)
}

// snapshot is the emulator's state before the event p.cur points at.
type snapshot struct {
	cur    cursor
	screen *screen.Frozen
	comp   *screen.Compactor
}

type snapshots struct {
	list    []*snapshot // by event
	every   int64
	seconds float64
}

// snapshotDue says whether the player, at c, is far enough from the last
// snapshot it saw to take another.
func (r *Recording) snapshotDue(last *snapshot, c *cursor) bool {
	r.mu.Lock()
	every, seconds := r.snaps.every, r.snaps.seconds
	r.mu.Unlock()
	var out int64
	var t float64
	if last != nil {
		out, t = last.cur.outBytes, last.cur.t
	}
	grown := c.outBytes - out
	return grown >= every || (grown >= 64<<10 && c.t-t >= seconds)
}

// addSnapshot keeps s unless one already stands near it; it returns the
// snapshot kept there.
func (r *Recording) addSnapshot(s *snapshot) *snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.snaps.list
	i := sort.Search(len(l), func(i int) bool { return l[i].cur.event >= s.cur.event })
	near := func(o *snapshot) bool {
		d := o.cur.outBytes - s.cur.outBytes
		return d < r.snaps.every/2 && d > -r.snaps.every/2 && math.Abs(o.cur.t-s.cur.t) < r.snaps.seconds/2
	}
	if i < len(l) && (l[i].cur.event == s.cur.event || near(l[i])) {
		return l[i]
	}
	if i > 0 && near(l[i-1]) {
		return l[i-1]
	}
	l = append(l, nil)
	copy(l[i+1:], l[i:])
	l[i] = s
	if len(l) > r.opts.MaxSnapshots {
		// Thin out: keep every other one and space them twice as far.
		kept := l[:0]
		for j, x := range l {
			if j%2 == 0 || j == len(l)-1 {
				kept = append(kept, x)
			}
		}
		clear(l[len(kept):])
		l = kept
		r.snaps.every *= 2
		r.snaps.seconds *= 2
	}
	r.snaps.list = l
	return s
}

// snapshotBefore is the latest snapshot at or before t.
func (r *Recording) snapshotBefore(t float64) *snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.snaps.list
	i := sort.Search(len(l), func(i int) bool { return l[i].cur.t > t })
	if i == 0 {
		return nil
	}
	return l[i-1]
}

// Snapshots is how many emulator snapshots are held.
func (r *Recording) Snapshots() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.snaps.list)
}

// String describes the player's position, for logs.
func (p *Player) String() string {
	return fmt.Sprintf("%.3fs/%.3fs event %d", p.pos, p.rec.duration, p.cur.event)
}
