package screen

import (
	"fmt"
	"reflect"
	"slices"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// Compactor is the squasher (squash.go) for a caller that feeds an emulator
// itself, synchronously: replay. Given the output that follows what the
// emulator has already seen, Compact drops the middle of plain scrolling
// runs that cannot be visible once all of it is emulated, and returns what
// to feed instead. The emulator's screen afterwards is the same as if every
// byte had been fed (the dropped lines are missing from its scrollback,
// where a marker line stands for them).
//
// A Compactor follows the byte stream across calls, so it must see every
// byte the emulator sees, in order, and be told of resizes.
type Compactor struct {
	sq   *squasher
	w, h int
}

// compactorCutEvery: the compactor's ring takes every eighth cut point
// (squasher.every).
const compactorCutEvery = 8

// NewCompactor starts a compactor for a fresh emulator of the given size.
func NewCompactor(w, h int) *Compactor {
	w, h = max(w, 1), max(h, 1)
	sq := newSquasher(h + 2)
	sq.every = compactorCutEvery
	return &Compactor{sq: sq, w: w, h: h}
}

// Resize tells the compactor the emulator was resized after the bytes
// compacted so far.
func (c *Compactor) Resize(w, h int) {
	w, h = max(w, 1), max(h, 1)
	if h+2 != c.sq.keep {
		c.sq.keep = h + 2
		c.sq.barrier()
	}
	c.w, c.h = w, h
}

// Drop says what Compact replaced: buf[From:To] became Len bytes, in the
// buffer as it was after the drops before it. A caller that feeds the
// result in pieces (at the boundaries of the events it came from) moves
// boundaries at or after To by Len-(To-From) and forgets those in between.
type Drop struct {
	From, To, Len int
}

// compactStep is how much is classified before looking for a drop: a run
// ended by a barrier (a cursor move, say) can still be dropped up to where
// it ended, as it would be by the live feeder, which sees bytes as they come.
const compactStep = 4 << 10

// Compact returns buf, which the caller then feeds to the emulator in full,
// with what cannot be visible afterwards dropped, and the drops made. The
// result is a new slice; buf is not kept.
//
// Only the current run is held in a window (bytes before it can no longer
// be dropped and go straight to the result), so a drop moves a few screens
// of bytes, not the rest of a large buffer.
func (c *Compactor) Compact(buf []byte) ([]byte, []Drop) {
	return c.CompactInto(make([]byte, 0, len(buf)/4), buf)
}

// CompactInto is Compact writing its result over dst[:0], for a caller that
// reuses one buffer; dst must not overlap buf.
func (c *Compactor) CompactInto(dst, buf []byte) ([]byte, []Drop) {
	sq := c.sq
	var drops []Drop
	out := dst[:0]
	var win unfed
	var last *standIn
	for len(buf) > 0 || len(win.bytes()) > sq.scanned {
		step := min(len(buf), compactStep)
		win.b = append(win.b, buf[:step]...)
		buf = buf[step:]
		cur := win.bytes()
		sq.scan(cur)
		if a, x, ok := sq.plan(c.h); ok {
			osc, sgr := sq.replayParts(x)
			s := standIn{lines: x.ordinal - a.ordinal, n: x.off - a.off, styled: x.reset >= 0, osc: osc, sgr: sgr}
			d := Drop{From: len(out) + a.off, To: len(out) + x.off}
			// The run goes on right after the last stand-in: replace that
			// one too, so a long run costs the emulator one marker line and
			// not one per screen of it.
			if last != nil && a.off == 0 && len(out) == last.at+last.len && last.penLen()+s.penLen() <= maxPen {
				s.lines += last.lines
				s.n += last.n
				s.osc = append(slices.Clip(last.osc), s.osc...)
				if x.reset < 0 {
					// No SGR reset since the last stand-in: its pen holds.
					s.sgr = append(slices.Clip(last.sgr), s.sgr...)
					s.styled = last.styled
				}
				prev := drops[len(drops)-1]
				out = out[:last.at]
				d = Drop{From: prev.From, To: prev.To + (x.off - a.off)}
				drops = drops[:len(drops)-1]
			}
			synth := s.bytes(c.w, c.h, x.lastChar())
			s.at, s.len = d.From, len(synth)
			d.Len = len(synth)
			last = &s
			cur = win.splice(a.off, x.off, synth)
			sq.dropped(a, x, len(synth))
			drops = append(drops, d)
		}
		// What precedes the current run can no longer be dropped.
		safe := sq.scanned
		if sq.haveA {
			safe = min(safe, sq.a.off)
		}
		if safe > 0 {
			out = append(out, cur[:safe]...)
			sq.consumed(safe)
			win.consume(safe)
		}
		if len(buf) == 0 && sq.scanned >= len(win.bytes()) {
			break
		}
	}
	rest := win.bytes()
	out = append(out, rest...)
	sq.consumed(len(rest))
	return out, drops
}

// Clone returns an independent compactor in the same state, for a snapshot
// taken together with a copy of the emulator.
func (c *Compactor) Clone() *Compactor {
	sq := *c.sq
	sq.ring.buf = append([]cut(nil), c.sq.ring.buf...)
	sq.modal = append([]byte(nil), c.sq.modal...)
	sq.oscs = append([]oscMark(nil), c.sq.oscs...)
	return &Compactor{sq: &sq, w: c.w, h: c.h}
}

// maxPen bounds the pen state a merged stand-in replays: a run with no SGR
// reset in it gathers every colour change, and past this it is cheaper to
// leave one more marker line.
const maxPen = 64 << 10

// standIn is what replaces a dropped range: a marker line, the rest of the
// screen cleared with the cursor on the bottom row (where the dropped lines
// would have left it), the last dropped character printed and erased (so a
// REP after it repeats the same one), then the pen state they left.
type standIn struct {
	lines, n int  // lines and bytes it stands for
	styled   bool // sgr starts from a reset, so the marker may style itself
	osc      []byte
	sgr      []byte
	at, len  int // where it sits in Compact's result
}

func (s *standIn) penLen() int { return len(s.osc) + len(s.sgr) }

func (s *standIn) bytes(w, h int, lastChar []byte) []byte {
	b := skipMarker(s.lines, s.n, w, s.styled)
	b = fmt.Appendf(b, "\x1b[J\x1b[%d;1H", h)
	if len(lastChar) > 0 {
		b = append(b, lastChar...)
		b = append(b, "\r\x1b[K"...)
	}
	b = append(b, s.osc...)
	return append(b, s.sgr...)
}

// NewCompactorFor starts a compactor for output that follows what e has
// been fed, from e's own state (its screens' scroll regions, the active
// screen, left/right margins), for a caller that fed e without a compactor
// for a while. It needs e between sequences (ok is false otherwise).
func NewCompactorFor(e *vt.Emulator) (c *Compactor, ok bool) {
	if !InGroundState(e) {
		return nil, false
	}
	w, h := e.Width(), e.Height()
	c = NewCompactor(w, h)
	sq := c.sq
	v := reflect.ValueOf(e).Elem()
	for i := range 2 {
		scroll, ok := scrollRegion(e, i)
		if !ok {
			return nil, false
		}
		sq.fullRegion[i] = scroll.Min.Y == 0 && scroll.Max.Y == h
		if scroll.Min.X != 0 || scroll.Max.X != w {
			sq.margins = true
		}
	}
	if e.IsAltScreen() {
		sq.alt = 1
	}
	modes, ok := private(v.FieldByName("modes")).Interface().(ansi.Modes)
	if !ok {
		return nil, false
	}
	if m, ok := modes[ansi.ModeLeftRightMargin]; ok && m.IsSet() {
		sq.margins = true
	}
	return c, true
}

// scrollRegion reads the scroll region (and left/right margins) of the
// emulator's screen i (0 main, 1 alternate), which x/vt keeps private.
func scrollRegion(e *vt.Emulator, i int) (uv.Rectangle, bool) {
	scrs := private(reflect.ValueOf(e).Elem().FieldByName("scrs"))
	r, ok := private(scrs.Index(i).FieldByName("scroll")).Interface().(uv.Rectangle)
	return r, ok
}
