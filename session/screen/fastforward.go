package screen

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
	"github.com/charmbracelet/x/vt"
)

// FastForward is replay's way through cursor-addressed output (full-screen
// programs, agents that redraw their frame): x/vt emulates such output at
// about 10 MB/s, so a 200 MB recording of it took 17 s to seek through,
// and the compactor cannot help, since nothing scrolls.
//
// It reads a stretch of output the way x/vt would, but only to learn the
// final state: for each cell, what was last printed or erased there and
// with which pen; the cursor, the pending wrap, the last character and the
// modes. It then writes that state as a short sequence (one write per
// touched cell at most, about a screenful of bytes) that leaves x/vt in the
// same state as the stretch itself would have. It understands a small,
// common part of the terminal's language (printing characters one cell
// wide, cursor moves, erases, SGR, a few DEC modes that do not affect
// cells); anything else is a barrier where it stops, and the caller feeds
// that part to the emulator itself. It also stops where what it would do
// depends on state it does not model: a row holding a wide character (for
// anything but erasing all of it), a scroll region, charset or mode it does
// not start from, a pen it cannot write back exactly. Scrolling the whole
// screen it models: rows are slots in a ring, and the synthesized state
// scrolls the emulator once (SU) before writing the touched cells.
//
// Everything here mirrors x/vt v0.1.0's handlers (see the comments naming
// them); FuzzFastForwardEqualsEmulation compares the two on random output.
type FastForward struct {
	w, h int
	emu  *vt.Emulator
	// The rows are slots in a ring, so that a scroll moves no cells: the
	// screen's row y is slot (top+y)%h. Cells are indexed by slot*w+x.
	cells   []ffCell
	top     int
	origin  []int    // per slot: the emulator's row it began as, or -1 for a row a scroll brought in
	gen     []uint32 // per slot: its cells are those with this gen; others are untouched, or erased with basePen in a row a scroll brought in
	basePen []int32  // per slot: the pen a scroll brought it in with
	epoch   uint32   // the last gen handed out: a new stretch or a scroll needs no clearing
	row     []ffCell // synth's scratch row
	rows    []int8   // per slot: rowUnknown, rowClean, rowWide
	listed  []bool   // per slot: in touched
	touched []int    // slots with a touched cell
	scrolls int      // scrolls (of the whole screen) so far

	pens     map[string]int32
	penList  []string // by id: the SGR bytes that make the pen after a reset ("" for the default)
	pen      []byte   // the current pen's SGR bytes
	penID    int32
	clusters map[string]int32
	cluster  []string

	x, y     int
	phantom  bool // x/vt's atPhantom: a print at the last column is pending its wrap
	awm      bool
	last     byte   // the last single-byte character printed (x/vt's lastChar), 0 if none
	lastAt   int    // its cell
	lastGen  uint32 // its slot's gen then
	lastPen  int32
	modes    []modeSetting
	startPen int32 // the emulator's pen when the stretch began
	penCache [penCacheSize]penCache

	minModelled int // Feed's threshold; 0 means defaultMinModelled (tests lower it)
	recovered   int // panics Run recovered from (tests require none)
}

type ffCell struct {
	what, pen int32
	gen       uint32
}

const (
	cellUntouched = 0
	cellErased    = 1
	cellASCII     = 2         // + the byte
	cellCluster   = 2 + 0x100 // + the cluster's index
)

const (
	rowUnknown int8 = iota
	rowClean
	rowWide
)

type modeSetting struct {
	mode int
	set  bool
}

// passModes are DEC private modes FastForward passes through: none of them
// changes what a write does to the cells.
var passModes = map[int]bool{12: true, 25: true, 1000: true, 1001: true, 1002: true, 1003: true,
	1004: true, 1005: true, 1006: true, 1015: true, 1016: true, 2004: true, 2026: true}

// maxPenBytes bounds the SGR bytes one pen is made of, and maxPens how
// many distinct pens one stretch may use.
const (
	maxPenBytes = 256
	maxPens     = 1 << 16
)

// Run reads b, output that follows what e has already been fed, and stops
// at its first barrier. bounds are the offsets in b where the recording's
// events end (x/vt ends a grapheme cluster at the end of each write).
//
// It returns n, the bytes read before the barrier, with synth, what to feed
// e instead of b[:n] (nil when n is 0, or when synth is longer and the
// stretch scrolled too little for it to be worth it anyway), and next:
// the caller feeds b[n:next] to e itself (the barrier) and calls Run again
// at next. e is only read.
func (f *FastForward) Run(e *vt.Emulator, b []byte, bounds []int) (synth []byte, n, next int) {
	return f.run(e, b, bounds, 0)
}

// run is Run with bounds given as offsets from base, not from b's start:
// Feed calls it at every barrier of a chunk, and must not copy the chunk's
// event ends each time.
func (f *FastForward) run(e *vt.Emulator, b []byte, bounds []int, base int) (synth []byte, n, next int) {
	// Run only reads e and its own state, which start resets: should the
	// model meet something it mishandles, that part goes to the emulator
	// as it is, as a barrier would.
	defer func() {
		if r := recover(); r != nil {
			f.recovered++
			f.cells = nil // reallocated by the next start
			synth, n, next = nil, 0, nextBound(bounds, base, len(b))
		}
	}()
	if !f.start(e) {
		return nil, 0, nextBound(bounds, base, len(b))
	}
	n, next = f.read(b, bounds, base)
	if n == 0 {
		return nil, 0, next
	}
	synth, ok := f.synth()
	if !ok || (len(synth) >= n && !f.worthIt()) {
		return nil, n, next
	}
	return synth, n, next
}

// worthIt says whether the stretch just read scrolled enough for its
// synthesized state to beat the emulator whatever the sizes: x/vt scrolls by
// copying the whole screen (~50 us a line at 200x50), the synthesized state
// scrolls once.
func (f *FastForward) worthIt() bool { return f.scrolls >= 8 }

// nextBound is the first event end after i (or end).
func nextBound(bounds []int, base, end int) int {
	for _, b := range bounds {
		if b > base {
			return min(b-base, end)
		}
	}
	return end
}

// start resets f to e's state, and reports whether e is in a state f can
// model: the active screen with a full-screen scroll region, no origin,
// insert, newline or left/right-margin mode, ASCII in G0, the default pen
// and no link.
func (f *FastForward) start(e *vt.Emulator) bool {
	w, h := e.Width(), e.Height()
	if w != f.w || h != f.h || f.cells == nil {
		f.w, f.h = w, h
		f.cells = make([]ffCell, w*h)
		f.rows = make([]int8, h)
		f.listed = make([]bool, h)
		f.origin = make([]int, h)
		f.gen = make([]uint32, h)
		f.basePen = make([]int32, h)
		f.row = make([]ffCell, w)
		f.touched = f.touched[:0]
	}
	for _, sl := range f.touched {
		f.listed[sl] = false
	}
	if f.epoch > 1<<31 {
		clear(f.cells)
		f.epoch = 0
	}
	clear(f.rows)
	f.touched = f.touched[:0]
	f.top, f.scrolls = 0, 0
	for i := range f.origin {
		f.origin[i] = i
		f.gen[i] = f.newGen()
	}
	f.emu = e
	if f.pens == nil || len(f.penList) > maxPens/2 {
		// Pens are only needed within a stretch: start afresh before
		// colourful output (truecolour gradients) grows the table.
		f.penCache = [penCacheSize]penCache{}
		f.pens = map[string]int32{"": 0}
		f.penList = []string{""}
		f.clusters = map[string]int32{}
	}
	f.pen, f.penID = f.pen[:0], 0
	f.last, f.lastAt, f.lastGen, f.lastPen = 0, 0, 0, 0
	f.modes = f.modes[:0]
	pos := e.CursorPosition()
	f.x, f.y = pos.X, pos.Y

	if !InGroundState(e) {
		return false // a barrier's sequence is not finished yet
	}
	v := reflect.ValueOf(e).Elem()
	if private(v.FieldByName("gl")).Int() != 0 || private(v.FieldByName("gsingle")).Int() != 0 ||
		!private(v.FieldByName("charsets")).Index(0).IsNil() || private(v.FieldByName("grapheme")).Len() != 0 {
		return false
	}
	f.phantom = private(v.FieldByName("atPhantom")).Bool()
	modes, ok := private(v.FieldByName("modes")).Interface().(ansi.Modes)
	if !ok {
		return false
	}
	set := func(m ansi.Mode) bool { s, ok := modes[m]; return ok && s.IsSet() }
	if set(ansi.ModeOrigin) || set(ansi.ModeInsertReplace) || set(ansi.ModeLineFeedNewLine) || set(ansi.ModeLeftRightMargin) {
		return false
	}
	f.awm = set(ansi.ModeAutoWrap)
	scr := private(v.FieldByName("scr"))
	if scr.IsNil() {
		return false
	}
	scr = scr.Elem()
	scroll, ok := private(scr.FieldByName("scroll")).Interface().(uv.Rectangle)
	if !ok || scroll != uv.Rect(0, 0, w, h) {
		return false
	}
	cur, ok := private(scr.FieldByName("cur")).Interface().(vt.Cursor)
	if !ok || cur.Link != (uv.Link{}) {
		return false
	}
	// Every pen is kept as the SGR bytes that make it after a reset, so
	// the synthesized state can switch between them in any order.
	f.pen = append(f.pen, "\x1b[0m"...)
	if !sameStyle(&cur.Pen, &uv.Style{}) {
		// A pen set before: written as SGR, if reading that back gives
		// exactly the same pen.
		sgr, ok := penSGR(cur.Pen)
		if !ok {
			return false
		}
		f.pen = append(f.pen[:0], sgr...)
	}
	if f.penID = f.internPen(); f.penID < 0 {
		return false
	}
	f.startPen = f.penID
	return f.x >= 0 && f.x < w && f.y >= 0 && f.y < h
}

// penSGR is the SGR sequence that sets p after a reset, if reading it back
// as x/vt does gives p exactly.
func penSGR(p uv.Style) (string, bool) {
	s := "\x1b[0m" + p.String()
	body, ok := strings.CutPrefix(s, "\x1b[0m\x1b[")
	body, ok2 := strings.CutSuffix(body, "m")
	if !ok || !ok2 {
		return "", false
	}
	var params ansi.Params
	cur, have := 0, false
	for i := 0; i <= len(body); i++ {
		if i == len(body) || body[i] == ';' || body[i] == ':' {
			v := parser.MissingParam
			if have {
				v = cur
			}
			if i < len(body) && body[i] == ':' {
				v |= parser.HasMoreFlag
			}
			params = append(params, ansi.Param(v))
			cur, have = 0, false
			continue
		}
		c := body[i]
		if c < '0' || c > '9' || cur > 1<<20 {
			return "", false
		}
		cur, have = cur*10+int(c-'0'), true
	}
	var q uv.Style
	uv.ReadStyle(params, &q)
	return s, sameStyle(&q, &p)
}

// defaultPen is the id of the pen an SGR reset makes.
func (f *FastForward) defaultPen() int32 {
	save := f.pen
	f.pen = append(f.pen[len(f.pen):], "\x1b[0m"...)
	id := f.internPen()
	f.pen = save
	return id
}

func (f *FastForward) internPen() int32 {
	id, ok := f.pens[string(f.pen)]
	if !ok {
		if len(f.penList) >= maxPens {
			return -1
		}
		id = int32(len(f.penList))
		f.penList = append(f.penList, string(f.pen))
		f.pens[f.penList[id]] = id
	}
	return id
}

// read models b up to its first barrier.
func (f *FastForward) read(b []byte, bounds []int, base int) (n, next int) {
	bi := 0 // bounds[bi]-base is the next event end at or after i
	boundAfter := func(i int) int {
		for bi < len(bounds) && bounds[bi]-base <= i {
			bi++
		}
		if bi < len(bounds) {
			return bounds[bi] - base
		}
		return len(b)
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			end := min(boundAfter(i), len(b))
			j := i + 1
			for j < end && b[j] >= 0x20 && b[j] < 0x7f {
				j++
			}
			// A character right before a non-ASCII one may begin its
			// cluster ("e" and a combining accent): leave it to the
			// cluster reader.
			stop := j
			if j < end && b[j] >= 0x80 {
				stop = j - 1
			}
			if k := i + f.putRun(b[i:stop]); k < stop {
				return k, f.barrierEnd(b, k, boundAfter(k))
			}
			i = stop
			if stop == j {
				continue
			}
			fallthrough
		case c >= 0x80:
			end := min(boundAfter(i), len(b))
			j := i
			if b[j] < 0x80 {
				j++
			}
			for j < end && b[j] >= 0x80 {
				j++
			}
			if !f.printClusters(b[i:j]) {
				return i, j
			}
			i = j
		case c == '\r':
			f.x, f.phantom = 0, false // carriageReturn, full-width region
			i++
		case c == '\n':
			if f.y == f.h-1 {
				f.scroll() // index at the bottom
			} else {
				f.y++
			}
			f.phantom = false
			i++
		case c == '\b':
			f.x = max(f.x-1, 0) // backspace is CUB 1
			f.phantom = false
			i++
		case c == 0x07:
			i++ // bell: nothing on the screen
		case c == 0x1b:
			end, ok := f.escape(b, i)
			if !ok {
				return i, end
			}
			i = end
		default:
			return i, i + 1
		}
	}
	return len(b), len(b)
}

// barrierEnd is where a barrier met while printing at k ends: the rest of
// the run of printable characters in this write, which goes to the
// emulator whole (split, a cluster could be cut in two).
func (f *FastForward) barrierEnd(b []byte, k, end int) int {
	j := k + 1
	for j < end && (b[j] >= 0x20 && b[j] != 0x7f) {
		j++
	}
	return j
}

// printClusters prints buf, which x/vt would segment in one piece (a printable
// character and the non-ASCII ones after it, up to the next ASCII byte or
// the end of the write), if every cluster in it is one cell wide.
func (f *FastForward) printClusters(buf []byte) bool {
	if !utf8.Valid(buf) {
		return false
	}
	type cl struct {
		what  int32
		ascii byte
	}
	var got [8]cl
	list := got[:0]
	for rest := buf; len(rest) > 0; {
		cluster, width := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		if len(cluster) == 0 || width != 1 {
			return false
		}
		if r, _ := utf8.DecodeRune(cluster); r < 0xa0 && r >= 0x80 {
			return false // C1 controls
		}
		if len(cluster) == 1 {
			list = append(list, cl{cellASCII + int32(cluster[0]), cluster[0]})
		} else {
			id, ok := f.clusters[string(cluster)]
			if !ok {
				id = int32(len(f.cluster))
				f.clusters[string(cluster)] = id
				f.cluster = append(f.cluster, string(cluster))
			}
			list = append(list, cl{cellCluster + id, 0})
		}
		rest = rest[len(cluster):]
	}
	// All or nothing: a barrier inside would split what x/vt segments as
	// one piece. So first check that every cluster can be printed.
	x, y, phantom := f.x, f.y, f.phantom
	for range list {
		var scroll, ok bool
		if _, x, y, phantom, scroll, ok = f.place(x, y, phantom); !ok || scroll {
			return false // a scroll would change the rows the rest are checked against
		}
	}
	for _, c := range list {
		f.put(c.what, c.ascii)
	}
	return true
}

// place is where a print at x, y goes (the cell's index) and where it
// leaves the cursor, as x/vt's handleGrapheme does it for a cluster one
// cell wide; ok is false where the model stops (a wrap that would scroll,
// a row with wide cells).
func (f *FastForward) place(x, y int, phantom bool) (i, nx, ny int, nphantom, scroll, ok bool) {
	if phantom && f.awm {
		if y == f.h-1 {
			// The wrap scrolls: the new bottom row is blank, so clean.
			scroll = true
		} else {
			y++
		}
		x = 0
	}
	if !scroll && !f.rowOK(y) {
		return 0, 0, 0, false, false, false
	}
	sl := f.slot(y)
	if scroll {
		sl = f.top // the slot the scroll brings in at the bottom
	}
	i = sl*f.w + x
	nphantom = f.awm && x >= f.w-1
	if !nphantom {
		x = min(x+1, f.w-1)
	}
	return i, x, y, nphantom, scroll, true
}

// slot is where the screen's row y is kept.
func (f *FastForward) slot(y int) int {
	sl := f.top + y
	if sl >= f.h {
		sl -= f.h
	}
	return sl
}

// scroll moves the screen up a row, as x/vt's index at the bottom of a
// full-screen region does: the top row goes, and a blank row (erased with
// the pen, as the emulator's blankCell) comes in at the bottom.
func (f *FastForward) scroll() {
	sl := f.top
	f.top++
	if f.top == f.h {
		f.top = 0
	}
	f.scrolls++
	f.gen[sl] = f.newGen() // forgets the row's cells without touching them
	f.origin[sl] = -1
	f.basePen[sl] = f.penID
	f.rows[sl] = rowClean
	f.touch(sl)
}

// newGen hands out a gen no cell has (start keeps the counter far from
// wrapping: a stretch hands out one per row and per scroll).
func (f *FastForward) newGen() uint32 {
	f.epoch++
	return f.epoch
}

// cell is the modelled cell i: written in this stretch, erased by the
// scroll that brought its row in, or untouched.
func (f *FastForward) cell(i int) ffCell {
	sl := i / f.w
	c := f.cells[i]
	switch {
	case c.gen == f.gen[sl]:
		return c
	case f.origin[sl] < 0:
		return ffCell{cellErased, f.basePen[sl], 0}
	}
	return ffCell{}
}

// fill sets every cell of dst to v, doubling what it has copied.
func fill(dst []ffCell, v ffCell) {
	if len(dst) == 0 {
		return
	}
	dst[0] = v
	for n := 1; n < len(dst); n *= 2 {
		copy(dst[n:], dst[:n])
	}
}

// putRun prints a run of printable ASCII and says how much of it it
// printed before a barrier. Within a row, away from its last column, a
// character goes to the next cell and nothing else changes: that is done
// in a tight loop.
func (f *FastForward) putRun(s []byte) int {
	k := 0
	for k < len(s) {
		if !f.put(cellASCII+int32(s[k]), s[k]) {
			return k
		}
		k++
		if f.phantom {
			continue
		}
		sl := f.slot(f.y)
		n := min(len(s)-k, f.w-1-f.x)
		if n <= 0 {
			continue
		}
		row, pen, g := sl*f.w+f.x, f.penID, f.gen[sl]
		dst, src := f.cells[row:row+n], s[k:k+n]
		for j, c := range src {
			dst[j] = ffCell{cellASCII + int32(c), pen, g}
		}
		k += n
		f.x += n
		f.last, f.lastAt, f.lastGen, f.lastPen = s[k-1], row+n-1, g, pen
	}
	return k
}

// put prints one cell-wide cluster, if place allows it.
func (f *FastForward) put(what int32, ascii byte) bool {
	i, x, y, phantom, scroll, ok := f.place(f.x, f.y, f.phantom)
	if !ok {
		return false
	}
	if scroll {
		f.scroll()
	}
	sl := i / f.w
	f.touch(sl)
	f.cells[i] = ffCell{what, f.penID, f.gen[sl]}
	if ascii != 0 {
		f.last, f.lastAt, f.lastGen, f.lastPen = ascii, i, f.gen[sl], f.penID
	}
	f.x, f.y, f.phantom = x, y, phantom
	return true
}

// rowOK reports whether row y can be written by the model: none of its
// cells is wide (x/vt's Line.Set changes a wide cell's neighbours when
// either half is written, which depends on the order of writes).
func (f *FastForward) rowOK(y int) bool {
	sl := f.slot(y)
	if f.rows[sl] == rowUnknown {
		f.rows[sl] = rowClean
		for x := range f.w {
			if c := f.emu.CellAt(x, f.origin[sl]); c != nil && c.Width != 1 {
				f.rows[sl] = rowWide
				break
			}
		}
	}
	return f.rows[sl] == rowClean
}

func (f *FastForward) touch(sl int) {
	if !f.listed[sl] {
		f.listed[sl] = true
		f.touched = append(f.touched, sl)
	}
}

func (f *FastForward) erase(x0, y0, x1, y1 int) bool {
	if x0 == 0 && x1 == f.w {
		f.eraseRows(y0, y1, f.penID)
		return true
	}
	for y := y0; y < y1; y++ {
		if x0 < x1 && !f.rowOK(y) {
			return false
		}
	}
	for y := y0; y < y1 && x0 < x1; y++ {
		sl := f.slot(y)
		f.touch(sl)
		fill(f.cells[sl*f.w+x0:sl*f.w+x1], ffCell{cellErased, f.penID, f.gen[sl]})
	}
	return true
}

// eraseRows erases whole rows, as a scroll brings one in: a new generation
// with the pen as its base, so no cell is written. Whole rows also need no
// check for wide cells: erasing all of a row leaves the same blank cells in
// whatever order x/vt writes them.
func (f *FastForward) eraseRows(y0, y1 int, pen int32) {
	for y := y0; y < y1; y++ {
		sl := f.slot(y)
		f.gen[sl] = f.newGen()
		f.origin[sl] = -1
		f.basePen[sl] = pen
		f.rows[sl] = rowClean
		f.touch(sl)
	}
}

// escape models the sequence at b[i] (ESC ...); ok false makes it a
// barrier, whose end is end.
func (f *FastForward) escape(b []byte, i int) (end int, ok bool) {
	if i+1 >= len(b) {
		return len(b), false
	}
	if b[i+1] != '[' {
		return sequenceEnd(b, i), false
	}
	// CSI: parameters, intermediates, final.
	j := i + 2
	priv := byte(0)
	if j < len(b) && b[j] >= '<' && b[j] <= '?' {
		priv = b[j]
		j++
	}
	pstart := j
	for j < len(b) && b[j] >= 0x30 && b[j] <= 0x3f {
		j++
	}
	params := b[pstart:j]
	inter := j
	for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f {
		j++
	}
	if j >= len(b) {
		return len(b), false
	}
	final := b[j]
	end = j + 1
	if final < 0x40 || final > 0x7e {
		return end, false
	}
	if inter != j {
		return end, false
	}
	seq := b[i:end]
	if final == 'm' && priv == 0 {
		return end, f.sgr(seq, params)
	}
	var p [2]int
	np, ok := parseParams(params, p[:])
	if !ok {
		return end, false
	}
	arg := func(k, def int) int {
		if k >= np || p[k] < 0 {
			return def
		}
		return p[k]
	}
	if priv == '?' && (final == 'h' || final == 'l') {
		return end, f.decMode(params, final == 'h')
	}
	if priv != 0 || np > 2 {
		return end, false
	}
	w, h := f.w, f.h
	switch final {
	case 'A': // CUU: moveCursor, within the (full) region
		f.y = clamp(f.y-arg(0, 1), 0, h-1)
	case 'B': // CUD
		f.y = clamp(f.y+arg(0, 1), 0, h-1)
	case 'C': // CUF
		f.x = clamp(f.x+arg(0, 1), 0, w-1)
	case 'D': // CUB
		f.x = clamp(f.x-arg(0, 1), 0, w-1)
	case 'E': // CNL: moveCursor, then carriageReturn
		f.y = clamp(f.y+arg(0, 1), 0, h-1)
		f.x = 0
	case 'F': // CPL
		f.y = clamp(f.y-arg(0, 1), 0, h-1)
		f.x = 0
	case 'G': // CHA: setCursor
		f.x = clamp(arg(0, 1)-1, 0, w-1)
	case 'd': // VPA: setCursorPosition
		f.y = clamp(min(h-1, arg(0, 1)-1), 0, h-1)
	case 'H', 'f': // CUP
		row, col := max(arg(0, 1), 1), max(arg(1, 1), 1)
		f.y, f.x = min(h-1, row-1), min(w-1, col-1)
	case 'X': // ECH: eraseCharacter
		n := arg(0, 1)
		if n <= 0 {
			n = 1
		}
		if !f.erase(f.x, f.y, min(f.x+n, w), f.y+1) {
			return end, false
		}
	case 'K': // EL
		switch arg(0, 0) {
		case 0: // eraseCharacter(w-x): resets the pending wrap
			if !f.erase(f.x, f.y, w, f.y+1) {
				return end, false
			}
		case 1:
			if !f.erase(0, f.y, f.x+1, f.y+1) {
				return end, false
			}
			return end, true // keeps the pending wrap
		case 2:
			if !f.erase(0, f.y, w, f.y+1) {
				return end, false
			}
			return end, true
		default:
			return end, false
		}
	case 'J': // ED
		switch arg(0, 0) {
		case 0:
			if !f.erase(f.x, f.y, w, f.y+1) || !f.erase(0, f.y+1, w, h) {
				return end, false
			}
		case 1:
			if !f.erase(0, 0, w, f.y+1) {
				return end, false
			}
		case 2:
			// x/vt's ClearWithScrollback: the rows go to the scrollback
			// (which replay does not show) and every cell becomes the
			// empty cell, whatever the pen: as erased with the default.
			pen := f.defaultPen()
			if pen < 0 {
				return end, false
			}
			f.eraseRows(0, h, pen)
		default:
			return end, false
		}
		return end, true // ED keeps the pending wrap
	default:
		return end, false
	}
	f.phantom = false
	return end, true
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// sequenceEnd is the end of the escape sequence (not CSI) at b[i], or
// len(b) when it does not end in b: the string sequences (OSC, DCS, SOS,
// PM, APC) at their terminator, the others after their final byte.
func sequenceEnd(b []byte, i int) int {
	j := i + 1
	switch b[j] {
	case ']', 'P', 'X', '^', '_':
		for j++; j < len(b); j++ {
			switch {
			case b[j] == 0x07 && b[i+1] == ']':
				return j + 1
			case b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\':
				return j + 2
			case b[j] == 0x18 || b[j] == 0x1a: // CAN, SUB abort it
				return j + 1
			}
		}
		return len(b)
	}
	for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f {
		j++
	}
	return min(j+1, len(b))
}

// parseParams reads up to len(p) numeric parameters separated by ';'; a
// missing one is -1. ok is false for sub-parameters, more parameters than
// p holds, or values too large to trust x/vt's arithmetic with.
func parseParams(s []byte, p []int) (n int, ok bool) {
	if len(s) == 0 {
		return 0, true
	}
	cur, have := 0, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			cur, have = cur*10+int(c-'0'), true
			if cur > 9999 {
				return 0, false
			}
		case c == ';':
			if n >= len(p) {
				return 0, false
			}
			p[n] = -1
			if have {
				p[n] = cur
			}
			n, cur, have = n+1, 0, false
		default:
			return 0, false
		}
	}
	if n >= len(p) {
		return 0, false
	}
	p[n] = -1
	if have {
		p[n] = cur
	}
	return n + 1, true
}

// penCache remembers recent pen changes: from a pen, this SGR gives that
// pen. Colourful output changes pen every few characters, and looking the
// pen up by its bytes each time cost a third of the model's time.
type penCache struct {
	from, to int32
	seq      string
}

const penCacheSize = 1024

func penCacheSlot(from int32, seq []byte) int {
	h := uint32(from) * 16777619
	for _, c := range seq {
		h = (h ^ uint32(c)) * 16777619
	}
	return int(h % penCacheSize)
}

// sgr follows the pen as the SGR bytes since the last reset.
func (f *FastForward) sgr(seq, params []byte) bool {
	slot := penCacheSlot(f.penID, seq)
	if c := &f.penCache[slot]; c.seq == string(seq) && c.from == f.penID && c.seq != "" {
		f.penID = c.to
		f.pen = append(f.pen[:0], f.penList[c.to]...)
		return true
	}
	from := f.penID
	reset := len(params) == 0 || params[0] == ';' || params[0] == ':'
	if !reset {
		k := 0
		for k < len(params) && params[k] == '0' {
			k++
		}
		reset = k > 0 && (k == len(params) || params[k] == ';' || params[k] == ':')
	}
	if reset {
		f.pen = append(f.pen[:0], seq...)
	} else {
		if len(f.pen)+len(seq) > maxPenBytes {
			return false
		}
		f.pen = append(f.pen, seq...)
	}
	if f.penID = f.internPen(); f.penID < 0 {
		return false
	}
	f.penCache[slot] = penCache{from: from, to: f.penID, seq: string(seq)}
	return true
}

func (f *FastForward) decMode(params []byte, set bool) bool {
	var p [4]int
	np, ok := parseParams(params, p[:])
	if !ok || np == 0 {
		return false
	}
	for _, m := range p[:np] {
		if !passModes[m] {
			return false
		}
	}
	for _, m := range p[:np] {
		kept := f.modes[:0]
		for _, s := range f.modes {
			if s.mode != m {
				kept = append(kept, s)
			}
		}
		f.modes = append(kept, modeSetting{m, set})
	}
	return true
}

// synth writes the modelled state: every touched cell, then the last
// character, the pending wrap, the cursor, the pen and the modes.
func (f *FastForward) synth() ([]byte, bool) {
	out := make([]byte, 0, 4096)
	w, h := f.w, f.h
	pen := f.startPen
	setPen := func(id int32) {
		if id == pen {
			return
		}
		if s := f.penList[id]; s == "" {
			out = append(out, "\x1b[0m"...)
		} else {
			out = append(out, s...)
		}
		pen = id
	}
	// cup moves to the cell i (slot*w+x) where its row is on the screen.
	cup := func(i int) {
		y := i/w - f.top
		if y < 0 {
			y += h
		}
		out = append(out, "\x1b["...)
		out = strconv.AppendInt(out, int64(y+1), 10)
		out = append(out, ';')
		out = strconv.AppendInt(out, int64(i%w+1), 10)
		out = append(out, 'H')
	}
	printCell := func(c ffCell) {
		setPen(c.pen)
		if c.what >= cellCluster {
			out = append(out, f.cluster[c.what-cellCluster]...)
		} else {
			out = append(out, byte(c.what-cellASCII))
		}
	}
	// The scrolls first, so the rows that stay move as they did; every
	// cell of a row a scroll brought in is touched, and written below.
	if n := min(f.scrolls, h); n > 0 {
		// SU n is n scrolls of the full-screen region in one (x/vt's
		// ScrollUp, which an index at the bottom also does).
		out = fmt.Appendf(out, "\x1b[%dS", n)
	}
	for _, sl := range f.touched {
		row := f.row
		for x := range row {
			row[x] = f.cell(sl*w + x)
		}
		for x := 0; x < w; {
			if row[x].what == cellUntouched {
				x++
				continue
			}
			cup(sl*w + x)
			for x < w && row[x].what != cellUntouched {
				if row[x].what == cellErased {
					k := x
					for k < w && row[k].what == cellErased && row[k].pen == row[x].pen {
						k++
					}
					setPen(row[x].pen)
					out = append(out, "\x1b["...)
					out = strconv.AppendInt(out, int64(k-x), 10)
					out = append(out, 'X')
					x = k
					if x < w && row[x].what != cellUntouched {
						cup(sl*w + x)
					}
					continue
				}
				printCell(row[x])
				x++
			}
		}
	}
	if f.last != 0 {
		// x/vt's lastChar (what REP repeats) is the last single-byte
		// character printed: print it last, where it was, then put back
		// what that cell became. If its row has scrolled away, any
		// touched cell that can be put back without printing another
		// single-byte character will do.
		at := f.lastAt
		if f.gen[at/w] != f.lastGen {
			at = -1
			for _, sl := range f.touched {
				for x := range w {
					if c := f.cell(sl*w + x); c.what == cellErased || c.what >= cellCluster || c.what == cellASCII+int32(f.last) {
						at = sl*w + x
						break
					}
				}
				if at >= 0 {
					break
				}
			}
			if at < 0 {
				return nil, false
			}
		}
		c := f.cell(at)
		cup(at)
		if c.what == cellASCII+int32(f.last) {
			printCell(c)
		} else {
			printCell(ffCell{cellASCII + int32(f.last), f.lastPen, 0})
			cup(at)
			if c.what == cellErased {
				setPen(c.pen)
				out = append(out, "\x1b[X"...)
			} else {
				if c.what < cellCluster {
					return nil, false // another character printed there later: impossible
				}
				printCell(c)
			}
		}
	}
	if f.phantom {
		// The pending wrap is left by printing at the last column.
		i := f.slot(f.y)*w + w - 1
		c := f.cell(i)
		if c.what < cellASCII || (c.what < cellCluster && f.last != byte(c.what-cellASCII)) {
			return nil, false
		}
		cup(i)
		printCell(c)
	} else {
		cup(f.slot(f.y)*w + f.x)
	}
	setPen(f.penID)
	for _, m := range f.modes {
		out = append(out, "\x1b[?"...)
		out = strconv.AppendInt(out, int64(m.mode), 10)
		if m.set {
			out = append(out, 'h')
		} else {
			out = append(out, 'l')
		}
	}
	return out, true
}

// defaultMinModelled is the shortest stretch worth replacing: below it the
// model's set-up costs more than the emulator would.
const defaultMinModelled = 2 << 10

// Feed feeds b, whose events end at bounds, to the emulator through write:
// the stretches the model can read as their (shorter) synthesized state,
// the rest as they are, split at the event ends as the recording was
// written. emu is the emulator write feeds (it may be replaced by write, as
// replay does when x/vt panics). It returns how many bytes of b were
// replaced.
func (f *FastForward) Feed(emu func() *vt.Emulator, b []byte, bounds []int, write func([]byte)) (replaced int) {
	real := func(from, to int) {
		for _, bd := range bounds[sort.SearchInts(bounds, from+1):] {
			if bd >= to {
				break
			}
			write(b[from:bd])
			from = bd
		}
		if from < to {
			write(b[from:to])
		}
	}
	least := f.minModelled
	if least <= 0 {
		least = defaultMinModelled
	}
	for pos := 0; pos < len(b); {
		synth, n, next := f.run(emu(), b[pos:], bounds[sort.SearchInts(bounds, pos+1):], pos)
		next = max(next, n, 1)
		if synth != nil && (n >= least || f.worthIt()) {
			write(synth)
			replaced += n
			real(pos+n, pos+next)
		} else {
			real(pos, pos+next)
		}
		pos += next
	}
	return replaced
}
