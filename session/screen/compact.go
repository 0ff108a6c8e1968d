package screen

import "fmt"

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

// NewCompactor starts a compactor for a fresh emulator of the given size.
func NewCompactor(w, h int) *Compactor {
	w, h = max(w, 1), max(h, 1)
	return &Compactor{sq: newSquasher(h + 2), w: w, h: h}
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
	sq := c.sq
	var drops []Drop
	out := make([]byte, 0, len(buf)/4)
	var win unfed
	for len(buf) > 0 || len(win.bytes()) > sq.scanned {
		step := min(len(buf), compactStep)
		win.b = append(win.b, buf[:step]...)
		buf = buf[step:]
		cur := win.bytes()
		sq.scan(cur)
		if a, x, ok := sq.plan(c.h); ok {
			synth := skipMarker(x.ordinal-a.ordinal, x.off-a.off, c.w, x.reset >= 0)
			synth = fmt.Appendf(synth, "\x1b[J\x1b[%d;1H", c.h)
			if last := x.lastChar(); len(last) > 0 {
				synth = append(synth, last...)
				synth = append(synth, "\r\x1b[K"...)
			}
			synth = append(synth, sq.replay(x)...)
			cur = win.splice(a.off, x.off, synth)
			sq.dropped(a, x, len(synth))
			drops = append(drops, Drop{From: len(out) + a.off, To: len(out) + x.off, Len: len(synth)})
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
