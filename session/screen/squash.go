package screen

import (
	"bytes"
	"strconv"

	"github.com/charmbracelet/x/ansi/parser"
)

// The squasher is the emulator's fast path for scrolling bursts.
//
// x/vt scrolls by copying every cell of the screen for each new line
// (0.6-1.5 MB/s measured here at 200x50 and 80x24), while an agent can print
// 14 MB/s through a PTY. Emulating every line of a burst would leave the pane
// minutes behind. But for plain scrolling output the final screen is fully
// determined by the last lines of the burst: once a run of plain text, SGR and
// CR/LF has pushed more than two screens of lines through a full-screen
// scroll region, nothing written before those lines can still be visible. So
// lines in the middle of such a run that the emulator has not reached yet can
// be dropped, provided the pen state (SGR) they would have left behind is
// replayed. The recording still gets every byte; only the pane's scrollback
// loses the dropped lines, and a marker line says so.
//
// The squasher only classifies bytes; it never interprets them. It follows
// the emulator's own parser state machine (x/ansi's transition table, the one
// x/vt uses), so it always agrees with the emulator on where sequences begin
// and end. It does not run x/ansi's Parser itself because that dispatches a
// callback per byte and collects parameters: 113 MB/s measured here against
// several hundred for a table walk, and on a 2-core machine the difference is
// CPU taken from the agent. Anything it does not understand is a "barrier":
// it ends the run, and bytes before a barrier are always fed in full.

// maxOSC is the longest OSC payload kept for replay; longer ones (clipboard
// payloads, images) are barriers.
const maxOSC = 4096

// cut is a point just after a line feed at which the cursor is known to be
// at column 0 of a full-screen scroll region: a place where the byte stream
// can be cut without changing what the emulator does next.
type cut struct {
	off      int // offset in the unfed buffer
	ordinal  int // running count of cut points, for counting lines
	modalEnd int // len(modal) at this point
	reset    int // offset in modal of the last SGR reset before this point, or -1
	// The last character printed before this point, which REP repeats.
	last  [4]byte
	lastN uint8
}

// oscMark is an OSC sequence (title, palette, default colours, ...) seen
// after cut number ordinal. Only the last one per key (command number and
// first parameter) can matter, so earlier ones with the same key are
// forgotten. OSCs are kept apart from the SGR bytes because an SGR reset
// does not undo them, and apart from cuts so that a cut holds no pointers:
// cuts are made for every line of a burst, and pointers cost GC barriers.
type oscMark struct {
	ordinal int
	key     string
	seq     string
}

type squasher struct {
	keep int // cut points kept after the drop: lines that are emulated in full
	// every makes only every so many cut points enter the ring (the ring
	// then reaches at least keep lines back, a few more lines are kept):
	// replay's compactor reads millions of short lines, and a ring entry
	// per line was a fifth of its time. The live feeder keeps every one.
	every int

	pstate   parser.State
	utf8Need int // bytes still to come in the current UTF-8 character
	utf8At   int // offset where the current UTF-8 character began
	last     [4]byte
	lastN    uint8
	seqStart int  // offset of the ESC (or C1 byte) that began the current sequence
	csiPriv  bool // CSI has a private marker (< = > ?)
	csiInter bool // CSI has intermediate bytes
	csiFirst int  // value of the first CSI parameter, -1 when empty
	csiSep   bool // a parameter separator has been seen
	oscNum   int  // OSC command number, -1 until known
	oscDone  bool // the command number's digits have ended
	oscLen   int  // bytes of OSC payload so far

	col0       bool    // cursor known to be at column 0
	fullRegion [2]bool // per screen (main, alternate): scroll region known to be the whole screen
	alt        int     // 1 while the alternate screen is active
	margins    bool    // left/right margins may be in force (DECLRMM)

	haveA   bool
	a       cut     // first cut of the current run in the unfed buffer
	ring    cutRing // the last keep cut points
	ordinal int
	modal   []byte // SGR and OSC sequences since a, in order
	reset   int    // offset in modal of the last SGR reset, or -1
	oscs    []oscMark

	scanned int // bytes of the unfed buffer already classified
}

func newSquasher(keep int) *squasher {
	return &squasher{keep: keep, every: 1, fullRegion: [2]bool{true, true}, reset: -1, csiFirst: -1, oscNum: -1}
}

// barrier ends the current run: nothing before it may be dropped.
func (s *squasher) barrier() {
	s.haveA = false
	s.ring.clear(s.ringSize())
	s.modal = s.modal[:0]
	s.reset = -1
	s.oscs = s.oscs[:0]
	s.col0 = false
}

// scan classifies buf[s.scanned:]. buf is the whole unfed buffer.
func (s *squasher) scan(buf []byte) {
	for i := s.scanned; i < len(buf); i++ {
		b := buf[i]
		if s.pstate == parser.GroundState {
			// Fast paths for what most of any burst is made of; each does
			// what the table walk below would.
			switch {
			case b >= 0x20 && b < 0x7f: // printable ASCII: skip the run
				for i+1 < len(buf) && buf[i+1] >= 0x20 && buf[i+1] < 0x7f {
					i++
				}
				s.col0 = false
				s.last[0], s.lastN = buf[i], 1
				continue
			case b == '\r' || b == '\n':
				s.control(b, i)
				continue
			case b == 0x1b:
				if end, ok := s.fastCSI(buf, i); ok {
					i = end
					continue
				}
			}
		}
		if s.pstate == parser.Utf8State {
			// Like x/ansi, take the rest of the character whatever it is.
			if s.utf8Need--; s.utf8Need <= 0 {
				s.pstate = parser.GroundState
				if s.utf8At >= 0 {
					s.lastN = uint8(copy(s.last[:], buf[s.utf8At:i+1]))
				} else {
					s.lastN = 0 // began in bytes already fed: unknown
				}
			}
			continue
		}
		prev := s.pstate
		next, action := parser.Table.Transition(prev, b)
		if prev == parser.EscapeState && b == 0x1b {
			next, action = parser.EscapeState, parser.ExecuteAction // ESC ESC restarts
		}
		switch action {
		case parser.PrintAction:
			s.col0 = false
			s.last[0], s.lastN = b, 1
		case parser.ExecuteAction:
			if prev == parser.GroundState && next == parser.GroundState {
				s.control(b, i)
			} else if b != 0x1b {
				s.barrier() // a control inside a sequence, or a C1 control
			}
		case parser.CollectAction:
			if next == parser.Utf8State {
				s.col0 = false
				s.utf8At = i
				s.utf8Need = 1
				if b >= 0xE0 {
					s.utf8Need = 2
				}
				if b >= 0xF0 {
					s.utf8Need = 3
				}
				if prev != parser.GroundState {
					s.barrier() // a character that aborted a sequence
				}
			} else {
				s.csiInter = true
			}
		case parser.ClearAction:
			s.csiPriv, s.csiInter, s.csiFirst, s.csiSep = false, false, -1, false
		case parser.PrefixAction:
			s.csiPriv = true
		case parser.ParamAction:
			switch {
			case b == ';' || b == ':':
				s.csiSep = true
			case !s.csiSep && b >= '0' && b <= '9' && s.csiFirst < 1<<20:
				s.csiFirst = max(s.csiFirst, 0)*10 + int(b-'0')
			}
		case parser.StartAction:
			if next == parser.OscStringState {
				s.oscNum, s.oscDone, s.oscLen = -1, false, 0
			} else {
				s.barrier() // DCS, SOS, PM, APC: opaque strings
			}
		case parser.PutAction:
			if prev == parser.OscStringState {
				s.oscPut(b)
			}
		case parser.DispatchAction:
			s.dispatch(buf, prev, b, i)
		default:
			if prev != parser.GroundState && next == parser.GroundState {
				s.barrier() // a sequence abandoned on an unexpected byte
			}
		}
		// A sequence starts at ESC, or at a C1 byte that opens one directly.
		if b == 0x1b || (prev == parser.GroundState && next != parser.GroundState && next != parser.Utf8State) {
			s.seqStart = i
		}
		s.pstate = next
	}
	s.scanned = len(buf)
}

// fastCSI classifies a complete, well-formed control sequence starting at
// buf[i] (ESC [) without the table walk: colour-heavy output is mostly SGR,
// and this is the bulk of the scanning cost there. Anything unusual (a
// control inside, a sequence cut off by the end of buf) returns false and
// goes through the table.
func (s *squasher) fastCSI(buf []byte, i int) (end int, ok bool) {
	j := i + 1
	if j >= len(buf) || buf[j] != '[' {
		return 0, false
	}
	j++
	s.csiPriv, s.csiInter, s.csiFirst, s.csiSep = false, false, -1, false
	if j < len(buf) && buf[j] >= '<' && buf[j] <= '?' {
		s.csiPriv = true
		j++
	}
	for ; j < len(buf); j++ {
		c := buf[j]
		switch {
		case c >= '0' && c <= '9':
			if !s.csiSep && s.csiFirst < 1<<20 {
				s.csiFirst = max(s.csiFirst, 0)*10 + int(c-'0')
			}
			continue
		case c == ';' || c == ':':
			s.csiSep = true
			continue
		}
		break
	}
	for ; j < len(buf) && buf[j] >= 0x20 && buf[j] <= 0x2f; j++ {
		s.csiInter = true
	}
	if j >= len(buf) || buf[j] < 0x40 || buf[j] > 0x7e {
		return 0, false
	}
	s.seqStart = i
	s.csi(buf[i:j+1], buf[j])
	return j, true
}

// control handles a C0 control executed in ground state.
func (s *squasher) control(b byte, i int) {
	switch b {
	case '\r':
		s.col0 = true
	case '\n':
		if s.col0 && s.fullRegion[s.alt] && !s.margins {
			s.addCut(i + 1)
		}
	case '\t', '\b':
		s.col0 = false
	case 0x07, 0x00, 0x7f:
		// bell, padding, delete: no effect on the screen
	default:
		s.barrier() // VT, FF, SO, SI, ...: moves or modes this does not track
	}
}

func (s *squasher) oscPut(b byte) {
	s.oscLen++
	if !s.oscDone {
		if b >= '0' && b <= '9' && s.oscNum < 1<<20 {
			s.oscNum = max(s.oscNum, 0)*10 + int(b-'0')
		} else {
			s.oscDone = true
		}
	}
}

// dispatch classifies a complete sequence ending at buf[i].
func (s *squasher) dispatch(buf []byte, prev parser.State, b byte, i int) {
	if s.seqStart < 0 {
		// The sequence began in bytes already fed to the emulator, so it
		// cannot be replayed; it is in the emulator's state, but treat it
		// as a barrier rather than reason about it.
		s.barrier()
		return
	}
	switch prev {
	case parser.CsiEntryState, parser.CsiParamState, parser.CsiIntermediateState:
		s.csi(buf[s.seqStart:i+1], b)
	case parser.EscapeState, parser.EscapeIntermediateState:
		switch {
		case prev == parser.EscapeState && b == '\\':
			// ST closing a string: the string was handled at its end.
		case prev == parser.EscapeState && b == 'c': // RIS: full reset
			s.fullRegion = [2]bool{true, true}
			s.alt = 0
			s.margins = false
			s.barrier()
		default:
			s.barrier()
		}
	case parser.OscStringState:
		if s.oscLen > maxOSC {
			s.barrier() // too big to replay (clipboard payloads, images)
			return
		}
		// A query ("?" as a parameter) waits for the terminal's answer:
		// it must reach the emulator, never be dropped.
		if bytes.Contains(buf[s.seqStart:i], []byte(";?")) {
			s.barrier()
			return
		}
		// Re-terminated with BEL whatever ended it, so the replay is
		// self-contained.
		seq := append(buf[s.seqStart:i:i], 0x07)
		s.endOSC(seq)
	default:
		s.barrier()
	}
}

func (s *squasher) csi(seq []byte, final byte) {
	plain := !s.csiPriv && !s.csiInter
	switch {
	case plain && final == 'm':
		s.addModal(seq, s.csiFirst <= 0)
	case plain && final == 'K':
		// Erase in line touches only the cursor's line.
	case final == 'r' && !s.csiInter:
		// DECSTBM: only a reset to the full screen keeps the scroll-region
		// assumption.
		s.fullRegion[s.alt] = s.csiFirst <= 1 && !s.csiSep && !s.csiPriv
		s.barrier()
	case (final == 'h' || final == 'l') && s.csiPriv:
		// DEC private modes, any number of them in one sequence. The
		// scroll region belongs to each screen; left/right margins confine
		// scrolling to a rectangle this does not model.
		for _, mode := range params(seq) {
			switch mode {
			case 47, 1047, 1049:
				s.alt = 0
				if final == 'h' {
					s.alt = 1
				}
			case 69:
				s.margins = final == 'h'
			}
		}
		s.barrier()
	default:
		s.barrier()
	}
}

func (s *squasher) endOSC(seq []byte) {
	if s.oscNum == 8 {
		return // hyperlinks: the pane never shows them
	}
	if !s.haveA {
		return // before the run's first cut: fed to the emulator as is
	}
	if len(s.oscs) >= 64 {
		s.barrier() // an unusual amount of distinct state: stop reasoning
		return
	}
	key := oscKey(seq)
	kept := s.oscs[:0]
	for _, o := range s.oscs {
		if o.key != key {
			kept = append(kept, o)
		}
	}
	s.oscs = append(kept, oscMark{s.ordinal, key, string(seq)})
}

func (s *squasher) addModal(seq []byte, isReset bool) {
	if !s.haveA {
		return // before the run's first cut: fed to the emulator as is
	}
	if isReset {
		s.reset = len(s.modal)
	}
	s.modal = append(s.modal, seq...)
	if len(s.modal) > 1<<20 {
		// A run with a megabyte of colour changes and no reset: stop
		// collecting rather than grow without bound.
		s.barrier()
	}
}

func (s *squasher) addCut(off int) {
	s.ordinal++
	if !s.haveA {
		s.haveA = true
		s.modal = s.modal[:0]
		s.reset = -1
		s.oscs = s.oscs[:0]
		s.a = cut{off: off, ordinal: s.ordinal, reset: -1}
		s.ring.clear(s.ringSize())
		s.ring.push(s.a)
		return
	}
	if s.every > 1 && s.ordinal%s.every != 0 {
		return
	}
	c := cut{off: off, ordinal: s.ordinal, modalEnd: len(s.modal), reset: s.reset, last: s.last, lastN: s.lastN}
	s.ring.push(c)
	s.compact()
}

// ringSize is how many cut points the ring holds: keep, or with every,
// enough that its oldest is at least keep lines back once it is full.
func (s *squasher) ringSize() int {
	if s.every <= 1 {
		return s.keep
	}
	return (s.keep+s.every-1)/s.every + 1
}

// compact forgets modal bytes no future drop can need: everything before the
// last reset that precedes the oldest cut point still in the ring.
func (s *squasher) compact() {
	low := s.ring.at(0).reset
	if low < 64<<10 {
		return
	}
	s.modal = append(s.modal[:0], s.modal[low:]...)
	for i := range s.ring.n {
		c := s.ring.at(i)
		c.modalEnd -= low
		c.reset -= low // >= 0: resets only move forward
	}
	s.reset -= low
}

// plan reports the range [a.off, x.off) that may be dropped, if the run has
// at least minDrop lines before its last keep lines.
func (s *squasher) plan(minDrop int) (a, x cut, ok bool) {
	if !s.haveA || s.ring.n < s.ringSize() {
		return cut{}, cut{}, false
	}
	x = *s.ring.at(0)
	if x.ordinal-s.a.ordinal < minDrop || x.off <= s.a.off {
		return cut{}, cut{}, false
	}
	return s.a, x, true
}

// lastChar is the character REP would repeat at x, if known.
func (x cut) lastChar() []byte { return x.last[:x.lastN] }

// replay is what must stand in for the dropped range so the emulator ends up
// in the same state at x: the title and the SGR/OSC sequences since the last
// reset before x (or all of them when there was none).
func (s *squasher) replay(x cut) []byte {
	osc, sgr := s.replayParts(x)
	return append(osc, sgr...)
}

// replayParts is replay in two parts, the OSC sequences and the SGR ones
// (an SGR reset does not undo an OSC).
func (s *squasher) replayParts(x cut) (osc, sgr []byte) {
	from := 0
	if x.reset >= 0 {
		from = x.reset
	}
	for _, o := range s.oscs {
		if o.ordinal < x.ordinal {
			osc = append(osc, o.seq...)
		}
	}
	return osc, append([]byte(nil), s.modal[from:x.modalEnd]...)
}

// dropped tells the squasher that buf[a.off:x.off] was replaced by n bytes.
func (s *squasher) dropped(a, x cut, n int) {
	delta := a.off + n - x.off
	for i := range s.ring.n {
		s.ring.at(i).off += delta
	}
	s.scanned += delta
	s.seqStart += delta
	s.utf8At += delta
	s.rebase(0)
}

// consumed tells the squasher that the first n bytes of the unfed buffer
// went to the emulator.
func (s *squasher) consumed(n int) {
	s.scanned -= n
	s.seqStart -= n
	s.utf8At -= n
	for i := range s.ring.n {
		s.ring.at(i).off -= n
	}
	drop := 0
	for drop < s.ring.n && s.ring.at(drop).off < 0 {
		drop++
	}
	if drop == s.ring.n {
		// Everything up to the last cut was fed: the next cut starts a
		// new drop range (the run itself goes on).
		s.haveA = false
		s.ring.clear(s.ringSize())
		s.modal = s.modal[:0]
		s.reset = -1
		s.oscs = s.oscs[:0]
		return
	}
	if s.a.off-n < 0 || drop > 0 {
		s.rebase(drop)
		return
	}
	s.a.off -= n
}

// rebase makes ring[i] the start of the drop range: modal bytes before it
// are already reflected in the emulator (fed or replayed).
func (s *squasher) rebase(i int) {
	s.ring.dropFront(i)
	base := *s.ring.at(0)
	s.modal = append(s.modal[:0], s.modal[base.modalEnd:]...)
	for j := range s.ring.n {
		c := s.ring.at(j)
		c.modalEnd -= base.modalEnd
		if c.reset >= base.modalEnd {
			c.reset -= base.modalEnd
		} else {
			c.reset = -1
		}
	}
	if s.reset >= base.modalEnd {
		s.reset -= base.modalEnd
	} else {
		s.reset = -1
	}
	kept := s.oscs[:0]
	for _, o := range s.oscs {
		if o.ordinal >= base.ordinal {
			kept = append(kept, o)
		}
	}
	s.oscs = kept
	first := s.ring.at(0)
	first.modalEnd, first.reset = 0, -1
	s.a = *first
}

// cutRing holds the last few cut points in a fixed array: a cut is made for
// every line of a burst, so pushing must not allocate or copy.
type cutRing struct {
	buf     []cut
	head, n int
}

func (r *cutRing) clear(size int) {
	if len(r.buf) != size {
		r.buf = make([]cut, size)
	}
	r.head, r.n = 0, 0
}

// push appends c, dropping the oldest entry when full.
func (r *cutRing) push(c cut) {
	if len(r.buf) == 0 {
		return
	}
	if r.n < len(r.buf) {
		r.buf[r.index(r.n)] = c
		r.n++
		return
	}
	r.buf[r.head] = c
	r.head = r.index(1)
}

func (r *cutRing) at(i int) *cut { return &r.buf[r.index(i)] }

func (r *cutRing) dropFront(k int) {
	r.head = r.index(k)
	r.n -= k
}

func (r *cutRing) index(i int) int {
	i += r.head
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	return i
}

// params returns the numeric parameters of a control sequence (ESC [ ...).
func params(seq []byte) []int {
	body := seq[1 : len(seq)-1] // C1 CSI
	if seq[0] == 0x1b {
		body = seq[2 : len(seq)-1] // ESC [
	}
	body = bytes.TrimLeft(body, "<=>?")
	var out []int
	for _, f := range bytes.FieldsFunc(body, func(r rune) bool { return r == ';' || r == ':' }) {
		if n, err := strconv.Atoi(string(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// oscKey identifies what an OSC sets: its command number and, for palette
// entries and the like, its first parameter.
func oscKey(seq []byte) string {
	body := seq[1 : len(seq)-1] // C1 OSC ... BEL
	if seq[0] == 0x1b {
		body = seq[2 : len(seq)-1] // ESC ] ... BEL
	}
	num, rest, _ := bytes.Cut(body, []byte(";"))
	switch string(num) {
	case "4", "5", "104", "105":
		first, _, _ := bytes.Cut(rest, []byte(";"))
		return string(num) + ";" + string(first)
	}
	return string(num)
}
