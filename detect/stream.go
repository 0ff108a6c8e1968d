package detect

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// Stream scans an agent's terminal output, fed chunk by chunk as it is read
// from the PTY, for the commands the agent prints (Claude Code, Codex and
// Gemini CLI tool lines, shell prompts, bash xtrace) and for credentials the
// output reveals. Each command is analysed with Command as soon as it is
// complete.
//
// It understands the terminal only as far as extraction needs: escape
// sequences (CSI, OSC, DCS, SOS, PM, APC) are dropped, carriage returns and
// cursor movement within a line overwrite it, and a line is taken when the
// cursor leaves it (a newline or a vertical move). A command is reported
// once however often the agent's UI redraws it: the same command (after
// whitespace normalisation) seen again within the last recentLines lines,
// after the cursor went back up over its earlier print, or in a reprint
// after the screen was cleared, is a redraw, not a new command. TUIs print a
// tool line again below its first print (the permission dialog, the history
// line after the live one), and a second event would freeze the agent twice
// for one action. A command is taken as early as the output shows it:
// Codex's approval overlay ("$ cmd" under "Would you like to run the
// following command?") before the command runs, and codex exec's command
// line while it runs, before the line ends with its exit status. Memory is
// bounded whatever the input: lines are cut at 64 KB, multi-line commands
// at 40 rows, and the memories behind dedupe and credential tracking are
// bounded rings.
//
// A Stream is not safe for concurrent use; Write's cost is proportional to
// the chunk plus the analysis of the commands it completes.
type Stream struct {
	ctx Context

	// Escape sequence parser.
	state  uint8
	params [16]int
	nparam int
	priv   byte // CSI private marker (? > < =)
	pend   [utf8.UTFMax]byte
	npend  int // bytes of a UTF-8 sequence cut by the chunk boundary

	// The line being assembled.
	buf       []byte
	col       int  // cursor column, in cells
	width     int  // cells in buf
	ascii     bool // buf is all ASCII: columns are byte offsets
	truncated bool // bytes past maxLine were dropped

	cols int    // terminal width, when the caller says (SetWidth)
	cur  string // the line being extracted, for its display width

	lf      int // newlines seen: line numbers
	row     int // cursor row, moved by newlines and relative cursor motion
	commits int // lines taken, the clock for dedupe

	// Redraw tracking: lows[i] says the cursor went up to row lows[i].row
	// at commit lows[i].seq; rows increase along the slice, so the first
	// mark after a given commit is the lowest row reached since.
	lows      []lowMark
	clearGen  int // full-screen clears seen
	clearSeq  int // commit count at the last clear
	seen      map[uint64]seenEntry
	seenOrder []uint64
	cache     map[string]Result
	recent    [16]string // last commands emitted, for truncated redraws
	nrecent   int

	// Extraction state.
	pending    *pending
	fence      bool // inside a ``` block of markdown prose
	fenceLines int
	block      uint8 // what the last Claude bullet was: blockNone, blockProse, blockTool
	keyRows    []string
	keyLine    int
	hintFile   string // the file the last command printed (cat x, Read(x))
	hintSeq    int
	askSeq     int  // commit count at Codex's "Would you like to run" title (0: none)
	diffMinus  bool // the last line was a diff's "--- a/file" header
	hunkOld    int  // lines of the current diff hunk still to come
	hunkNew    int

	creds     map[string]seenCredential
	credOrder []string

	events []StreamEvent

	// slow turns off the fast paths (tests compare the two).
	slow bool
}

// StreamEvent is something the agent's output showed: a command it runs
// (Kind "command") or a credential it has now seen (Kind "credential").
type StreamEvent struct {
	Kind string `json:"kind"`
	// Command is the command as extracted, for command events.
	Command string `json:"command,omitempty"`
	// Line is the 1-based output line (newlines seen + 1) where it started.
	Line int `json:"line"`
	// Format is how the agent printed it: "claude" (● Bash(…), ● desc /
	// ⎿ $ cmd), "claude-legacy" (⏺ Bash(…)), "codex" (• Ran …, exec …,
	// the approval overlay's $ cmd),
	// "gemini" (Shell tool boxes), "shell" ($ cmd, # cmd) or "xtrace" (+ cmd).
	Format string `json:"format,omitempty"`
	// Truncated says the agent's display cut the command short (…): what
	// was analysed is the part shown.
	Truncated bool `json:"truncated,omitempty"`
	// Result is Command(Command, ctx) for command events; for credential
	// events it holds the credential.seen finding.
	Result Result `json:"result"`
	// Credential is the credential seen, masked, for credential events.
	Credential *Credential `json:"credential,omitempty"`
	// Uses lists, for command events, credentials that earlier output
	// revealed and this command carries: "uses the token the agent found
	// in infra/domains.env".
	Uses []Credential `json:"uses,omitempty"`
}

// Event kinds.
const (
	EventCommand    = "command"
	EventCredential = "credential"
)

const (
	maxLine         = 64 << 10 // bytes kept of one line
	maxPendingRows  = 40       // rows of one multi-line command
	recentLines     = 500      // lines within which the same command again is a redraw, wherever it is printed
	dedupeWindow    = 4096     // lines within which a command printed over its earlier print is the same command
	replayWindow    = 20000    // lines after a clear within which a reprinted command is a replay
	maxSeen         = 4096     // commands remembered for dedupe
	maxCreds        = 1024     // credentials remembered
	maxCache        = 512      // analysed commands cached
	maxLows         = 4096     // redraw marks kept
	maxKeyRows      = 200      // rows of a private key block
	hintLines       = 400      // lines a "cat FILE" names the source of what follows
	askLines        = 12       // lines from Codex's approval title to its "$ command"
	fenceResetLines = 500      // a ``` block left open this long is closed
)

const (
	sGround = iota
	sEsc
	sEscInter
	sCSI
	sOSC
	sStr    // DCS, SOS, PM, APC: skipped until ST
	sStrEsc // ESC inside a string: ST if '\' follows
)

const (
	blockNone = iota
	blockProse
	blockTool
)

type lowMark struct{ seq, row int }

type seenEntry struct{ seq, row, clear int }

// seenCredential is a credential the output showed, and the output line.
type seenCredential struct {
	Credential
	line int
}

// NewStream returns a scanner whose commands are analysed with ctx.
func NewStream(ctx Context) *Stream {
	return &Stream{ctx: ctx, ascii: true, seen: map[uint64]seenEntry{}, creds: map[string]seenCredential{}, cache: map[string]Result{}}
}

// SetWidth tells the scanner the terminal's width in columns (0: unknown).
// With it, a command the agent's display wrapped over several rows is
// rejoined exactly: a row that fills the width was broken inside a word,
// a shorter one at a space. Without it every reading is analysed and the
// most concerning one reported.
func (s *Stream) SetWidth(cols int) { s.cols = max(cols, 0) }

// Write scans a chunk of output and returns the events it completed.
func (s *Stream) Write(p []byte) []StreamEvent {
	s.events = nil
	i := 0
	if s.npend > 0 {
		i = s.completeRune(p)
	}
	for i < len(p) {
		switch s.state {
		case sGround:
			if s.col == s.width && s.ascii && !s.slow {
				// The common case: text appended at the end of the line.
				if i = s.appendASCII(p, i); i == len(p) {
					continue
				}
			}
			j, acc := i, byte(0)
			for j < len(p) {
				c := p[j]
				if c < 0x20 || c == 0x7f {
					break
				}
				acc |= c
				j++
			}
			if j > i {
				run := p[i:j]
				if acc >= 0x80 && j == len(p) {
					if k := partialRune(run); k > 0 {
						s.npend = copy(s.pend[:], run[len(run)-k:])
						run = run[:len(run)-k]
					}
				}
				s.text(run, acc < 0x80)
				i = j
				continue
			}
			if p[i] == 0x1b && !s.slow {
				if n := sgrLen(p[i:]); n > 0 {
					// A whole SGR (colours, bold…), the commonest
					// sequence agents send, changes no text: skip it
					// without going through the escape states.
					i += n
					continue
				}
			}
			s.control(p[i])
		case sEsc:
			s.escape(p[i])
		case sEscInter:
			c := p[i]
			switch {
			case c >= 0x30 && c <= 0x7e:
				s.state = sGround
			case c == 0x1b:
				s.state = sEsc
			case c == 0x18 || c == 0x1a:
				s.state = sGround
			case c < 0x20:
				s.control(c)
			}
		case sCSI:
			if s.nparam == 0 && s.priv == 0 {
				// SGR (colours, bold…) is most of what agents send and
				// changes no text: skip a whole one in one scan.
				j := i
				for j < len(p) && sgrParam[p[j]] {
					j++
				}
				if j < len(p) && p[j] == 'm' {
					s.state = sGround
					i = j + 1
					continue
				}
			}
			s.csiByte(p[i])
		case sOSC, sStr:
			// Skip to the terminator in one scan.
			j := i
			for j < len(p) && p[j] != 0x1b && p[j] != 0x07 && p[j] != 0x18 && p[j] != 0x1a {
				j++
			}
			if j == len(p) {
				i = j
				continue
			}
			switch p[j] {
			case 0x1b:
				s.state = sStrEsc
			case 0x07:
				if s.state == sOSC {
					s.state = sGround
				}
			default:
				s.state = sGround
			}
			i = j
		case sStrEsc:
			if p[i] == '\\' {
				s.state = sGround
			} else {
				s.state = sEsc
				continue // the ESC started a new sequence
			}
		}
		i++
	}
	s.execEarly()
	return s.events
}

// appendASCII is the fast path of ground state for the cursor at the end
// of an all-ASCII line, which is where bulk output keeps it: it appends
// printable ASCII to the line, skips whole SGR sequences, and ends lines at
// "\n" and "\r\n", all in one loop without a call per run (log lines
// colour every word, so runs are a few bytes long; seq's lines are a few
// bytes long). It stops at anything else (other controls and sequences,
// UTF-8, a sequence cut by the chunk's end, the line's size limit) and
// returns where it stopped, for the general path. What it does is what
// text and control would: "\r\n" is the same as "\n" here, since commit
// puts the cursor at column 0 and reads no column. The line buffer grows
// to the chunk's size at most (bounded by maxLine) and is reused.
func (s *Stream) appendASCII(p []byte, i int) int {
	// Room for the rest of the chunk up front, so the loop stores bytes
	// and calls nothing (a call in it cost a spill per byte).
	buf := slices.Grow(s.buf, min(len(p)-i, maxLine-len(s.buf)))
	n, b := len(buf), buf[:min(cap(buf), maxLine)]
	for i < len(p) {
		if i+8 <= len(p) && n+8 <= len(b) {
			// Eight bytes at a time: store them all, keep those before
			// the first that is not printable ASCII.
			w := binary.LittleEndian.Uint64(p[i:])
			binary.LittleEndian.PutUint64(b[n:], w)
			m := notPrintableASCII(w)
			if m == 0 {
				i += 8
				n += 8
				continue
			}
			k := bits.TrailingZeros64(m) / 8
			i += k
			n += k
		}
		c := p[i]
		if printableASCII[c] {
			if n == len(b) {
				break // the line is full: text marks it truncated
			}
			b[n] = c
			n++
			i++
			continue
		}
		k := 0
		switch c {
		case 0x1b:
			if i+4 <= len(p) && binary.LittleEndian.Uint32(p[i:]) == sgrReset {
				k = 4 // ends every coloured span
			} else {
				k = sgrLen(p[i:])
			}
		case '\n':
			k = 1
		case '\r':
			if i+1 < len(p) && p[i+1] == '\n' {
				k = 2
			}
		}
		if k == 0 {
			break
		}
		i += k
		if c != 0x1b {
			s.buf, s.width, s.col = b[:n], n, n
			s.commit(true)
			s.lf++
			s.row++
			n, b = len(s.buf), s.buf[:min(cap(s.buf), maxLine)]
		}
	}
	s.buf, s.width, s.col = b[:n], n, n
	return i
}

// sgrReset is ESC [ 0 m as a little-endian word.
const sgrReset = 0x1b | '['<<8 | '0'<<16 | 'm'<<24

// notPrintableASCII returns a mask with high bits set in the bytes of w
// (little-endian) that are not printable ASCII (0x20-0x7e); zero when all
// are. A byte below 0x20, or equal to 0x7f, sets its high bit in the
// subtraction; the borrow it takes may flag bytes after it, never one
// before, so the lowest flagged byte is the first one that is not.
func notPrintableASCII(w uint64) uint64 {
	const ones = 0x0101010101010101
	const highs = 0x80 * ones
	del := w ^ (0x7f * ones)
	return ((w-0x20*ones)&^w | (del-ones)&^del | w) & highs
}

// printableASCII marks the bytes appendASCII appends.
var printableASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	return t
}()

// sgrParam marks the bytes of an SGR's parameters: digits, ';' and ':'.
var sgrParam = func() (t [256]bool) {
	for c := '0'; c <= ';'; c++ {
		t[c] = true
	}
	return t
}()

// sgrLen returns the length of the SGR sequence (ESC [ params m, params
// only digits, ';' and ':') that p starts with, or 0 when p does not start
// with a complete one. Skipping it leaves the scanner exactly as running
// it through the escape states would: they end in ground state, and the
// parameters they would have collected are reset before any later use.
func sgrLen(p []byte) int {
	if len(p) < 3 || p[1] != '[' {
		return 0
	}
	j := 2
	// Truecolour SGRs are 15-30 bytes of parameters: test eight at a time.
	for j+8 <= len(p) {
		if bad := notSGRParams(binary.LittleEndian.Uint64(p[j:])); bad != 0 {
			j += bits.TrailingZeros64(bad) / 8
			if p[j] == 'm' {
				return j + 1
			}
			return 0
		}
		j += 8
	}
	for ; j < len(p); j++ {
		if !sgrParam[p[j]] {
			if p[j] == 'm' {
				return j + 1
			}
			return 0
		}
	}
	return 0
}

// notSGRParams returns, for the eight bytes of x (little-endian), a mask
// with bits set in each byte that is not '0'-'9', ':' or ';' (0x30-0x3b)
// and none in the others. Each byte is tested on its own (no carry crosses
// a byte), so the lowest set bit is in the first such byte.
func notSGRParams(x uint64) uint64 {
	const (
		ones = 0x0101010101010101
		high = 0xf0 * ones
		low  = 0x0f * ones
	)
	outside := (x & high) ^ (0x30 * ones)            // high nibble not 3
	above := ((x & low) + 0x04*ones) & (0x10 * ones) // low nibble 0xc-0xf
	return outside | above
}

// Flush ends the input: the last line and any command still being
// assembled are analysed.
func (s *Stream) Flush() []StreamEvent {
	s.events = nil
	if s.npend > 0 {
		s.text(s.pend[:s.npend], false)
		s.npend = 0
	}
	s.commit(true)
	s.finishPending()
	s.finishKey()
	s.state = sGround
	return s.events
}

// partialRune returns how many bytes at the end of b start a UTF-8
// sequence that b does not complete.
func partialRune(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 {
			need := 2
			if c >= 0xf0 {
				need = 4
			} else if c >= 0xe0 {
				need = 3
			}
			if need > k {
				return k
			}
			return 0
		}
	}
	return 0
}

// completeRune finishes a UTF-8 sequence cut by the previous chunk with the
// continuation bytes at the start of p, and returns how many it used.
func (s *Stream) completeRune(p []byte) int {
	i := 0
	for i < len(p) && s.npend < len(s.pend) && p[i]&0xc0 == 0x80 {
		s.pend[s.npend] = p[i]
		s.npend++
		i++
		if utf8.FullRune(s.pend[:s.npend]) {
			break
		}
	}
	if !utf8.FullRune(s.pend[:s.npend]) && i == len(p) {
		return i // still incomplete: wait for more
	}
	s.text(s.pend[:s.npend], false)
	s.npend = 0
	return i
}

// control handles a C0 control byte.
func (s *Stream) control(c byte) {
	switch c {
	case '\n', 0x0b, 0x0c:
		s.commit(true)
		s.lf++
		s.row++
	case '\r':
		s.col = 0
	case '\b':
		if s.col > 0 {
			s.col--
		}
	case '\t':
		s.col = min((s.col/8+1)*8, maxLine)
	case 0x1b:
		s.state = sEsc
	}
}

// escape handles the byte after ESC.
func (s *Stream) escape(c byte) {
	s.state = sGround
	switch c {
	case '[':
		s.state, s.nparam, s.priv = sCSI, 0, 0
		s.params[0] = 0
	case ']':
		s.state = sOSC
	case 'P', 'X', '^', '_':
		s.state = sStr
	case 'M': // reverse index
		s.vmove(-1)
	case 'D': // index
		s.vmove(1)
	case 'E': // next line
		s.vmove(1)
		s.col = 0
	case 'c': // full reset
		s.clearScreen()
	case '8': // restore cursor: anywhere
		s.jump()
	case 0x1b:
		s.state = sEsc
	default:
		if c >= 0x20 && c <= 0x2f {
			s.state = sEscInter
		} else if c < 0x20 {
			s.control(c)
			if c != 0x1b && c != 0x18 && c != 0x1a {
				s.state = sEsc
			}
		}
	}
}

// csiByte accumulates a control sequence and runs it at its final byte.
func (s *Stream) csiByte(c byte) {
	switch {
	case c >= '0' && c <= '9':
		if s.nparam == 0 {
			s.nparam = 1
		}
		if v := &s.params[s.nparam-1]; *v < 65535 {
			*v = *v*10 + int(c-'0')
		}
	case c == ';' || c == ':':
		if s.nparam == 0 {
			s.nparam = 1
		}
		if s.nparam < len(s.params) {
			s.params[s.nparam] = 0
			s.nparam++
		}
	case c >= '<' && c <= '?':
		s.priv = c
	case c >= 0x20 && c <= 0x2f:
		// intermediates: ignored
	case c >= 0x40 && c <= 0x7e:
		s.state = sGround
		s.csi(c)
	case c == 0x1b:
		s.state = sEsc
	case c == 0x18 || c == 0x1a:
		s.state = sGround
	case c < 0x20:
		s.control(c)
	default:
		s.state = sGround
	}
}

// param returns parameter i, or def when absent or zero.
func (s *Stream) param(i, def int) int {
	if i < s.nparam && s.params[i] != 0 {
		return s.params[i]
	}
	return def
}

func (s *Stream) csi(f byte) {
	if s.priv != 0 {
		if s.priv == '?' && (f == 'h' || f == 'l') {
			for i := 0; i < s.nparam; i++ {
				if p := s.params[i]; p == 1049 || p == 1047 || p == 47 {
					s.clearScreen() // alternate screen in or out
				}
			}
		}
		return
	}
	n := s.param(0, 1)
	switch f {
	case 'A': // up
		s.vmove(-n)
	case 'B', 'e': // down
		s.vmove(n)
	case 'E':
		s.vmove(n)
		s.col = 0
	case 'F':
		s.vmove(-n)
		s.col = 0
	case 'H', 'f':
		s.jump()
		s.col = min(s.param(1, 1)-1, maxLine)
	case 'd':
		s.jump()
	case 'G', '`':
		s.col = min(n-1, maxLine)
	case 'C', 'a':
		s.col = min(s.col+n, maxLine)
	case 'D':
		s.col = max(s.col-n, 0)
	case 'K':
		switch s.param(0, 0) {
		case 0:
			s.eraseFrom(s.col)
		case 1:
			s.blank(0, s.col+1)
		case 2:
			s.resetLine()
		}
	case 'J':
		switch s.param(0, 0) {
		case 0:
			s.eraseFrom(s.col)
		case 1:
			s.blank(0, s.col+1)
		default:
			s.clearScreen()
		}
	case 'X':
		s.blank(s.col, s.col+n)
	case 'P':
		s.deleteCells(n)
	case '@':
		s.insertCells(n)
	case 'L', 'M':
		// Lines inserted or deleted here: what is below is redrawn.
		s.commit(false)
		s.markLow(s.row)
	case 'S', 'T', 'r':
		s.jump()
	case 'u':
		s.jump()
	}
}

// vmove moves the cursor n rows down (up when negative): the line being
// assembled is taken; going up means what follows redraws earlier rows.
func (s *Stream) vmove(n int) {
	s.commit(false)
	s.row += n
	if n < 0 {
		s.markLow(s.row)
	}
}

// jump is absolute cursor positioning: any row may be redrawn next.
func (s *Stream) jump() {
	s.commit(false)
	s.markLow(math.MinInt)
}

func (s *Stream) clearScreen() {
	s.commit(false)
	s.resetLine()
	s.markLow(math.MinInt)
	s.clearGen++
	s.clearSeq = s.commits
}

func (s *Stream) markLow(row int) {
	for len(s.lows) > 0 && s.lows[len(s.lows)-1].row >= row {
		s.lows = s.lows[:len(s.lows)-1]
	}
	if len(s.lows) >= maxLows {
		// Forget the oldest marks: at worst a redraw of a command last
		// seen long ago is reported again.
		s.lows = append(s.lows[:0], s.lows[maxLows/4:]...)
	}
	s.lows = append(s.lows, lowMark{s.commits, row})
}

// lowSince is the lowest row the cursor went up to since commit seq.
func (s *Stream) lowSince(seq int) (int, bool) {
	i := sort.Search(len(s.lows), func(i int) bool { return s.lows[i].seq >= seq })
	if i == len(s.lows) {
		return 0, false
	}
	return s.lows[i].row, true
}

// ---- the line buffer ----

func (s *Stream) resetLine() {
	s.buf = s.buf[:0]
	s.width, s.ascii, s.truncated = 0, true, false
}

// text writes printable bytes at the cursor.
func (s *Stream) text(run []byte, ascii bool) {
	if s.col > s.width {
		s.pad(s.col - s.width)
	}
	if s.col == s.width {
		room := maxLine - len(s.buf)
		if room <= 0 {
			s.truncated = true
			return
		}
		if len(run) > room {
			run = run[:room]
			for len(run) > 0 && !utf8.FullRune(run[lastRuneStart(run):]) {
				run = run[:lastRuneStart(run)]
			}
			s.truncated = true
		}
		s.buf = append(s.buf, run...)
		w := len(run)
		if !ascii {
			w = cellWidth(run)
			s.ascii = false
		}
		s.width += w
		s.col = s.width
		return
	}
	s.overwrite(run, ascii)
}

func lastRuneStart(b []byte) int {
	i := len(b) - 1
	for i > 0 && b[i]&0xc0 == 0x80 && len(b)-i < utf8.UTFMax {
		i--
	}
	return i
}

// pad appends n spaces (the cursor moved past the end of the line).
func (s *Stream) pad(n int) {
	n = min(n, maxLine-len(s.buf))
	for ; n > 0; n-- {
		s.buf = append(s.buf, ' ')
		s.width++
	}
	s.col = min(s.col, s.width)
}

// overwrite replaces the cells under the cursor with run.
func (s *Stream) overwrite(run []byte, ascii bool) {
	if s.ascii && ascii {
		end := s.col + len(run)
		if end > maxLine {
			run = run[:maxLine-s.col]
			end = maxLine
			s.truncated = true
		}
		if end <= len(s.buf) {
			copy(s.buf[s.col:], run)
		} else {
			s.buf = append(s.buf[:s.col], run...)
		}
		s.width = len(s.buf)
		s.col = end
		return
	}
	w := cellWidth(run)
	b := s.byteAt(s.col)
	e := s.byteAt(s.col + w)
	removed := cellWidth(s.buf[b:e])
	tail := len(s.buf) - e
	if b+len(run)+tail > maxLine {
		s.truncated = true
		return
	}
	s.buf = append(s.buf[:b], append(run[:len(run):len(run)], s.buf[e:]...)...)
	s.width += w - removed
	s.col += w
	s.ascii = s.ascii && ascii
}

// byteAt returns the offset in buf of cell col, splitting a wide character
// that straddles it into spaces.
func (s *Stream) byteAt(col int) int {
	if col >= s.width {
		return len(s.buf)
	}
	if s.ascii {
		return col
	}
	c := 0
	for i := 0; i < len(s.buf); {
		if c == col {
			return i
		}
		r, n := utf8.DecodeRune(s.buf[i:])
		w := runeWidth(r)
		if c+w > col {
			// A wide character straddles col: make it two spaces.
			s.buf = append(s.buf[:i], append([]byte("  "), s.buf[i+n:]...)...)
			return i + (col - c)
		}
		c += w
		i += n
	}
	return len(s.buf)
}

func (s *Stream) eraseFrom(col int) {
	if col >= s.width {
		return
	}
	s.buf = s.buf[:s.byteAt(col)]
	s.width = cellWidth(s.buf)
}

// blank replaces cells [from, to) with spaces.
func (s *Stream) blank(from, to int) {
	to = min(to, s.width)
	if from >= to {
		return
	}
	b, e := s.byteAt(from), s.byteAt(to)
	sp := make([]byte, to-from)
	for i := range sp {
		sp[i] = ' '
	}
	s.buf = append(s.buf[:b], append(sp, s.buf[e:]...)...)
	s.width = cellWidth(s.buf)
}

func (s *Stream) deleteCells(n int) {
	if s.col >= s.width {
		return
	}
	b, e := s.byteAt(s.col), s.byteAt(min(s.col+n, s.width))
	s.buf = append(s.buf[:b], s.buf[e:]...)
	s.width = cellWidth(s.buf)
}

func (s *Stream) insertCells(n int) {
	if s.col >= s.width {
		return
	}
	n = min(n, maxLine-len(s.buf))
	b := s.byteAt(s.col)
	sp := make([]byte, n)
	for i := range sp {
		sp[i] = ' '
	}
	s.buf = append(s.buf[:b], append(sp, s.buf[b:]...)...)
	s.width += n
}

// stringWidth is cellWidth of a string.
func stringWidth(t string) int {
	w := 0
	for _, r := range t {
		w += runeWidth(r)
	}
	return w
}

// cellWidth is the number of terminal cells b takes.
func cellWidth(b []byte) int {
	w := 0
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			w++
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		w += runeWidth(r)
		i += n
	}
	return w
}

// runeWidth approximates wcwidth: combining marks and zero-width
// characters take no cell, East Asian wide characters and emoji two.
func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case r <= 0x36f, r >= 0x200b && r <= 0x200f, r >= 0x20d0 && r <= 0x20ff, r >= 0xfe00 && r <= 0xfe0f:
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf && r != 0x303f, r >= 0xac00 && r <= 0xd7a3,
		r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f, r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6,
		r >= 0x1f300 && r <= 0x1f64f, r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}

// commit takes the line being assembled. Blank lines count only when a
// newline ends them (they end multi-line constructs); a cursor move away
// from an empty line is nothing.
func (s *Stream) commit(newline bool) {
	line := trimRight(s.buf)
	if len(line) == 0 && !newline {
		s.resetLine()
		return
	}
	s.commits++
	if !s.slow && s.quietLine(line) {
		s.resetLine()
		if newline {
			s.col = 0
		}
		return
	}
	text := string(line)
	if bytes.IndexByte(line, 0xc2) >= 0 && strings.Contains(text, "\u00a0") {
		// Claude Code pads its ⎿ gutter with a no-break space.
		text = strings.ReplaceAll(text, "\u00a0", " ")
	}
	s.cur = text
	s.line(text, s.lf+1, s.row)
	s.resetLine()
	if newline {
		s.col = 0
	}
}

// quietLine takes a line of numbers (seq, counters, tables of figures:
// digits first, then only digits, spaces, '.' and ','), when no multi-line
// construct is open, without making a string of it or analysing it: such
// a line cannot hold a command or a credential, and this does to the
// scanner's state exactly what line would. Bulk numeric output is millions
// of short lines, and line's fixed cost per line was most of the scanner's
// time on it. It reports whether it took the line.
func (s *Stream) quietLine(line []byte) bool {
	if s.pending != nil || s.keyRows != nil || s.hunkOld > 0 || s.hunkNew > 0 || len(line) == 0 || line[0] < '0' || line[0] > '9' {
		return false
	}
	for _, c := range line {
		if !numericByte[c] {
			return false
		}
	}
	// What line does with it: it ends a diff's "--- " header and a Claude
	// bullet's block, and counts towards closing a forgotten ``` fence. It
	// matches no command format (none starts with a digit or has a first
	// word ending in '$' or '#'), and the credential scan finds nothing in
	// it: no word starts with a letter or dash and there is no '=' or ':'.
	// (s.cur, the line as a string, is only read while line runs.)
	s.diffMinus = false
	if s.fence {
		if s.fenceLines++; s.fenceLines > fenceResetLines {
			s.fence = false
		}
	}
	s.block = blockNone
	return true
}

// numericByte marks the bytes quietLine accepts.
var numericByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t[' '], t['.'], t[','] = true, true, true
	return t
}()

func trimRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// ---- extraction ----

// Multi-line constructs being assembled.
const (
	pClaude   = iota + 1 // ● Bash( … ) over several rows
	pDollar              // $ cmd or ⎿  $ cmd continued (\, open quote, PS2 "> ")
	pCodex               // • Ran cmd with "│" continuation rows
	pExec                // codex "exec" alone on a row: the command follows
	pGemini              // Gemini confirmation: the full command under a "?" title
	pCodexAsk            // Codex approval overlay: "$ cmd" and its further lines
)

type pending struct {
	kind           int
	format         string
	rows           []string
	size           int
	line, row, seq int
	truncated      bool
	widths         []int // display width of each row, for rejoining wraps
	paren          parenScan
	title          string // pGemini: the title's command, used when no body is found
	titleTrunc     bool
	boxed          bool
	indent         int // pCodexAsk: the overlay's indentation
}

// line handles one line of output: row is the cursor row it was on.
func (s *Stream) line(t string, lineNo, row int) {
	if s.keyRows != nil && s.keyRow(t) {
		return
	}
	if s.pending != nil {
		if s.continuePending(t) {
			return
		}
		s.finishPending()
	}
	if s.diffLine(t) {
		s.scanCredentials(t, lineNo)
		return
	}
	ind := 0
	for ind < len(t) && t[ind] == ' ' {
		ind++
	}
	body := t[ind:]
	if body == "" {
		s.block = blockNone
		return
	}
	if s.fence {
		if s.fenceLines++; s.fenceLines > fenceResetLines {
			s.fence = false
		}
	}
	if ind <= 3 && (strings.HasPrefix(body, "```") || strings.HasPrefix(body, "~~~")) {
		s.fence = !s.fence
		s.fenceLines = 0
		return
	}
	if !s.extract(body, ind, lineNo, row) {
		if ind == 0 {
			if r, _ := utf8.DecodeRuneInString(body); r != '●' && r != '⏺' {
				s.block = blockNone
			}
		}
		s.scanCredentials(t, lineNo)
	}
}

// diffLine reports a line of a unified diff (git diff, diff -u): its
// "+++ b/file" header and the "+"/"-"/" " lines of a hunk, which a "+ "
// would make look like xtrace. A hunk's header says how many lines it
// has, so what follows it is read as output again.
func (s *Stream) diffLine(t string) bool {
	minus := s.diffMinus
	s.diffMinus = strings.HasPrefix(t, "--- ")
	if s.hunkOld > 0 || s.hunkNew > 0 {
		// Each line must fit the counts left: a diff cut short (git
		// diff | head) ends at the first line that does not.
		switch {
		case (t == "" || t[0] == ' ') && s.hunkOld > 0 && s.hunkNew > 0:
			s.hunkOld--
			s.hunkNew--
			return true
		case t != "" && t[0] == '-' && s.hunkOld > 0:
			s.hunkOld--
			return true
		case t != "" && t[0] == '+' && s.hunkNew > 0:
			s.hunkNew--
			return true
		case t != "" && t[0] == '\\': // \ No newline at end of file
			return true
		}
		s.hunkOld, s.hunkNew = 0, 0
	}
	if t == "" {
		return false
	}
	switch t[0] {
	case '+':
		return minus && strings.HasPrefix(t, "+++ ")
	case '@':
		// @@ -12,4 +12,5 @@ context
		o, n, ok := hunkHeader(t)
		if ok {
			s.hunkOld, s.hunkNew = o, n
		}
		return ok
	}
	return false
}

// hunkHeader reads the line counts of "@@ -a[,b] +c[,d] @@".
func hunkHeader(t string) (o, n int, ok bool) {
	rest, found := strings.CutPrefix(t, "@@ -")
	if !found {
		return 0, 0, false
	}
	rng := func(r string) (int, string, bool) {
		i := 0
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, r, false
		}
		n := 1
		if i < len(r) && r[i] == ',' {
			j := i + 1
			n = 0
			for j < len(r) && r[j] >= '0' && r[j] <= '9' && n < 1<<20 {
				n = n*10 + int(r[j]-'0')
				j++
			}
			if j == i+1 {
				return 0, r, false
			}
			i = j
		}
		return n, r[i:], true
	}
	o, rest, ok = rng(rest)
	if !ok || !strings.HasPrefix(rest, " +") {
		return 0, 0, false
	}
	n, rest, ok = rng(rest[2:])
	if !ok || !strings.HasPrefix(rest, " @@") {
		return 0, 0, false
	}
	return o, n, true
}

// extract recognises the formats agents print commands in; it reports
// whether the line was (the start of) a command.
func (s *Stream) extract(body string, ind, lineNo, row int) bool {
	r, size := utf8.DecodeRuneInString(body)
	rest := body[size:]
	switch r {
	case '●', '⏺':
		if ind > 4 || s.fence {
			return false
		}
		rest = strings.TrimLeft(rest, " ")
		name, args, ok := toolCall(rest)
		if !ok {
			s.block = blockProse
			return false
		}
		s.block = blockTool
		switch name {
		case "Bash", "SandboxedBash":
			format := "claude"
			if r == '⏺' {
				format = "claude-legacy"
			}
			s.startClaude(args, format, lineNo, row)
			return true
		case "Read", "View", "Cat":
			s.setHint(strings.Trim(strings.TrimPrefix(strings.TrimSuffix(args, ")"), "file_path: "), `"' `))
		}
		return false
	case '⎿':
		if ind > 6 || s.fence {
			return false
		}
		rest = strings.TrimLeft(rest, " ")
		if strings.HasPrefix(rest, "$ ") && s.block == blockProse {
			s.block = blockTool
			s.startDollar(rest[2:], "claude", lineNo, row)
			return true
		}
		for _, tool := range []string{"Bash(", "SandboxedBash("} {
			if strings.HasPrefix(rest, tool) { // a subagent's tool call
				s.startClaude(rest[len(tool):], "claude", lineNo, row)
				return true
			}
		}
		return false
	case '•', '◦':
		if ind > 2 || s.fence {
			return false
		}
		rest = strings.TrimPrefix(rest, " ")
		for _, kw := range []string{"Ran ", "Running ", "You ran "} {
			if strings.HasPrefix(rest, kw) {
				cmd := cutAt(rest[len(kw):], "  └ ", "  │ ")
				s.pending = &pending{kind: pCodex, format: "codex", rows: []string{cmd}, widths: []int{stringWidth(s.cur)}, size: len(cmd), line: lineNo, row: row, seq: s.commits}
				return true
			}
		}
		return false
	case '│', '┃':
		if s.fence {
			return false
		}
		return s.gemini(strings.TrimLeft(rest, " "), true, lineNo, row)
	}
	if ind <= 4 && !s.fence && r >= 0x80 && s.gemini(body, false, lineNo, row) {
		return true
	}
	if ind <= 4 && !s.fence && (r == '$' || r == 'W') && s.codexAsk(body, ind, lineNo, row) {
		return true
	}
	if ind != 0 {
		return false
	}
	if cmd, alone, ok := codexExec(body); ok && !s.fence {
		if alone {
			s.pending = &pending{kind: pExec, format: "codex", line: lineNo, row: row, seq: s.commits}
		} else {
			s.emitCommand("codex", []string{cmd}, lineNo, row, s.commits, false)
		}
		return true
	}
	cmd, format, anchored, ok := promptCommand(body)
	if !ok || s.fence && !anchored {
		return false
	}
	s.startDollar(cmd, format, lineNo, row)
	return true
}

// codexAsk recognises Codex's approval overlay: "Would you like to run the
// following command?", maybe an "Environment:" and a "Reason:" line, then
// the command after "$ " (its further lines below it, at the overlay's
// indentation), then the options. The command is caught while Codex asks,
// before it runs.
func (s *Stream) codexAsk(body string, ind, lineNo, row int) bool {
	if body == "Would you like to run the following command?" {
		s.askSeq = s.commits
		return false
	}
	if s.askSeq == 0 || s.commits-s.askSeq > askLines || !strings.HasPrefix(body, "$ ") {
		return false
	}
	s.askSeq = 0
	cmd := strings.TrimLeft(body[2:], " ")
	s.pending = &pending{kind: pCodexAsk, format: "codex", rows: []string{cmd}, size: len(cmd), line: lineNo, row: row, seq: s.commits, indent: ind}
	return true
}

// askRow takes a further row of the command in Codex's approval overlay;
// false at the options or anything less indented.
func (s *Stream) askRow(p *pending, t string) bool {
	ind := 0
	for ind < len(t) && t[ind] == ' ' {
		ind++
	}
	body := t[ind:]
	if body == "" || ind < p.indent || strings.HasPrefix(body, "›") || strings.HasPrefix(body, "Press enter") || optionRow(body) {
		return false
	}
	if !s.addRow(p, t[p.indent:]) {
		s.finishPending()
		return false
	}
	return true
}

// optionRow is a numbered choice: "1. Yes, proceed (y)".
func optionRow(b string) bool {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i > 0 && i <= 2 && strings.HasPrefix(b[i:], ". ")
}

// toolCall parses "Name(" at the start of a Claude bullet line.
func toolCall(s string) (name, args string, ok bool) {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return "", "", false
	}
	i := 1
	for i < len(s) && (isAlnum(s[i]) || s[i] == '_') {
		i++
	}
	if i >= len(s) || s[i] != '(' {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// cutAt cuts s at the first of the markers (a following row joined to
// this one by the terminal's autowrap).
func cutAt(s string, markers ...string) string {
	for _, m := range markers {
		if i := strings.Index(s, m); i >= 0 {
			s = s[:i]
		}
	}
	return strings.TrimRight(s, " ")
}

// startClaude begins "Bash(" … ")": the command ends at the matching
// parenthesis, which may be rows later.
func (s *Stream) startClaude(args, format string, lineNo, row int) {
	p := &pending{kind: pClaude, format: format, line: lineNo, row: row, seq: s.commits}
	if strings.HasPrefix(args, `command: "`) {
		// Older displays: Bash(command: "…", timeout: …).
		if cmd, ok := unquoteJSONish(args[9:]); ok {
			s.emitCommand(format, []string{cmd}, lineNo, row, s.commits, false)
			return
		}
	}
	if end := p.paren.scan(args); end >= 0 {
		s.emitCommand(format, []string{args[:end]}, lineNo, row, s.commits, false)
		return
	}
	p.rows, p.size, p.widths = []string{args}, len(args), []int{stringWidth(s.cur)}
	s.pending = p
}

// unquoteJSONish reads a double-quoted string with backslash escapes.
func unquoteJSONish(s string) (string, bool) {
	if s == "" || s[0] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), true
		case '\\':
			if i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(s[i])
				}
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// parenScan finds the parenthesis that closes "Bash(", outside quotes.
type parenScan struct {
	depth  int
	quote  byte
	esc    bool
	closed bool
}

func (p *parenScan) scan(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if p.esc {
			p.esc = false
			continue
		}
		switch p.quote {
		case '\'':
			if c == '\'' {
				p.quote = 0
			}
			continue
		case '"':
			if c == '\\' {
				p.esc = true
			} else if c == '"' {
				p.quote = 0
			}
			continue
		}
		switch c {
		case '\\':
			p.esc = true
		case '\'', '"':
			p.quote = c
		case '(':
			p.depth++
		case ')':
			if p.depth == 0 {
				p.closed = true
				return i
			}
			p.depth--
		}
	}
	return -1
}

// startDollar begins a prompt-style command; shell continuation (a
// trailing backslash or operator, an open quote, and at a shell prompt an
// open loop, if or here-document continued after PS2 "> ") takes more
// rows, joined with newlines.
func (s *Stream) startDollar(cmd, format string, lineNo, row int) {
	if !moreLines(cmd, format) {
		s.emitCommand(format, []string{cmd}, lineNo, row, s.commits, false)
		return
	}
	s.pending = &pending{kind: pDollar, format: format, rows: []string{cmd}, size: len(cmd), line: lineNo, row: row, seq: s.commits}
}

// moreLines reports a command that continues on the next rows: needsMore,
// and at a shell prompt also an open loop, if, function, $( or
// here-document (bash then prompts for the rest with PS2 "> ").
func moreLines(cmd, format string) bool {
	if needsMore(cmd) {
		return true
	}
	return format == "shell" && mayOpen(cmd) && incomplete(cmd)
}

// mayOpen is a cheap test for text that may open a compound command.
func mayOpen(cmd string) bool {
	if strings.ContainsAny(cmd, "({`") || strings.Contains(cmd, "<<") {
		return true
	}
	for _, kw := range []string{"do", "then", "else", "case", "select"} {
		if strings.Contains(cmd, kw) {
			return true
		}
	}
	return false
}

// needsMore reports shell text that is not complete: a trailing backslash
// or operator, or an unclosed quote.
func needsMore(cmd string) bool {
	t := strings.TrimRight(cmd, " ")
	if strings.HasSuffix(t, `\`) || strings.HasSuffix(t, "&&") || strings.HasSuffix(t, "||") || strings.HasSuffix(t, "|") {
		return true
	}
	var q byte
	esc := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case esc:
			esc = false
		case q == '\'':
			if c == '\'' {
				q = 0
			}
		case c == '\\':
			esc = true
		case q == '"':
			if c == '"' {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '#' && (i == 0 || t[i-1] == ' '):
			return false // a comment: quotes in it do not count
		}
	}
	return q != 0
}

// continuePending offers a line to the command being assembled; false
// means the line is not part of it.
func (s *Stream) continuePending(t string) bool {
	p := s.pending
	ind := 0
	for ind < len(t) && t[ind] == ' ' {
		ind++
	}
	body := t[ind:]
	switch p.kind {
	case pClaude:
		if ind == 0 || body == "" || strings.HasPrefix(body, "⎿") || strings.HasPrefix(body, "●") || strings.HasPrefix(body, "⏺") {
			return false
		}
		if strings.HasPrefix(body, "… +") {
			p.truncated = true
			return true
		}
		if !s.addRow(p, body) {
			return true
		}
		if end := p.paren.scan(body); end >= 0 {
			p.rows[len(p.rows)-1] = body[:end]
			s.finishPending()
		}
		return true
	case pDollar:
		if strings.HasPrefix(body, "> ") {
			body = body[2:]
		} else if body == ">" {
			body = ""
		} else if p.format == "shell" {
			// At a shell prompt the rest comes after PS2; anything
			// else (^C, a new prompt, output) ends the command.
			return false
		} else {
			body = t
		}
		if !s.addRow(p, body) || !moreLines(strings.Join(p.rows, "\n"), p.format) {
			// Complete, or too long to take more: analysed as it is.
			s.finishPending()
		}
		return true
	case pCodex:
		if ind > 6 || !strings.HasPrefix(body, "│") {
			return false
		}
		row := strings.TrimPrefix(body[len("│"):], " ")
		if strings.HasPrefix(row, "… +") {
			p.truncated = true
			return true
		}
		s.addRow(p, cutAt(row, "  └ ", "  │ "))
		return true
	case pCodexAsk:
		return s.askRow(p, t)
	case pExec:
		if body == "" {
			return true
		}
		cmd, _ := cutInDir(cutExecStatus(t))
		p.rows = []string{cmd}
		s.finishPending()
		return true
	case pGemini:
		inner := body
		if p.boxed {
			if !strings.HasPrefix(body, "│") {
				return false
			}
			inner = strings.TrimPrefix(body[len("│"):], " ")
			if i := strings.Index(inner, "│"); i >= 0 {
				inner = inner[:i]
			}
			inner = strings.TrimRight(inner, " ")
		}
		if strings.Contains(inner, "Allow execution") {
			if len(p.rows) > 0 {
				p.title = ""
			}
			s.finishPending()
			return true
		}
		if strings.HasPrefix(inner, "Do you want to proceed") || strings.HasPrefix(inner, "╰") {
			p.rows = nil
			s.finishPending()
			return false
		}
		if len(p.rows) == 0 && inner == "" {
			return true
		}
		if len(p.rows) >= maxPendingRows {
			p.rows = nil
			s.finishPending()
			return false
		}
		s.addRow(p, inner)
		return true
	}
	return false
}

// addRow appends a row within the bounds; false when the construct is full
// (the rest is dropped and the command marked truncated).
func (s *Stream) addRow(p *pending, row string) bool {
	if len(p.rows) >= maxPendingRows || p.size+len(row) > maxLine {
		p.truncated = true
		return false
	}
	p.rows = append(p.rows, row)
	p.size += len(row)
	if p.widths != nil {
		p.widths = append(p.widths, stringWidth(s.cur))
	}
	return true
}

// finishPending analyses the command being assembled with what it has.
func (s *Stream) finishPending() {
	p := s.pending
	if p == nil {
		return
	}
	s.pending = nil
	rows := p.rows
	switch p.kind {
	case pClaude:
		if !p.paren.closed && len(rows) > 0 {
			// No closing parenthesis found (a quote the display cut
			// short): the last row ends at what follows the command.
			last := cutAt(rows[len(rows)-1], "⎿")
			last = strings.TrimSuffix(last, ")")
			rows[len(rows)-1] = last
		}
	case pGemini:
		if len(rows) == 0 || p.title != "" {
			rows = []string{p.title}
			p.truncated = p.titleTrunc
		}
	}
	if len(rows) == 0 {
		return
	}
	join := joinWrap
	switch p.kind {
	case pDollar:
		// A shell echoes the newlines that were typed: no wrapping to guess.
		rows = []string{strings.Join(rows, "\n")}
	case pCodex, pCodexAsk:
		join = joinLines
	}
	s.emitCommandRows(p.format, rows, p.widths, join, p.line, p.row, p.seq, p.truncated)
}

// gemini recognises a Gemini CLI tool line: "│ ✓  Shell cmd [in dir]
// (description) │" in a tool box, or "✓  Shell  cmd → result" in the
// dense layout.
func (s *Stream) gemini(t string, boxed bool, lineNo, row int) bool {
	status, cmd, truncated, ok := geminiTitle(t, boxed)
	if !ok {
		return false
	}
	if status == '?' {
		// Awaiting confirmation: the full command is shown below the
		// title, before "Allow execution of …?".
		s.pending = &pending{kind: pGemini, format: "gemini", line: lineNo, row: row, seq: s.commits,
			title: cmd, titleTrunc: truncated, boxed: boxed}
		return true
	}
	s.emitCommand("gemini", []string{cmd}, lineNo, row, s.commits, truncated)
	return true
}

var geminiShellNames = []string{"Shell Command", "run_shell_command", "Shell"}

func geminiTitle(t string, boxed bool) (status rune, cmd string, truncated, ok bool) {
	g, n := utf8.DecodeRuneInString(t)
	if g == utf8.RuneError || g == ' ' || g < 0x80 && isAlnum(byte(g)) && g != 'o' && g != 'x' {
		return 0, "", false, false
	}
	rest := t[n:]
	if !strings.HasPrefix(rest, "  ") {
		return 0, "", false, false
	}
	rest = strings.TrimLeft(rest, " ")
	found := false
	for _, name := range geminiShellNames {
		if strings.HasPrefix(rest, name+" ") {
			rest, found = rest[len(name):], true
			break
		}
	}
	if !found {
		return 0, "", false, false
	}
	cmd = strings.TrimLeft(rest, " ")
	if boxed {
		if i := strings.Index(cmd, "│"); i >= 0 {
			cmd = cmd[:i]
		}
	} else if i := strings.Index(cmd, " → "); i >= 0 {
		cmd = cmd[:i]
	}
	cmd = strings.TrimRight(cmd, " ")
	if strings.HasSuffix(cmd, "…") {
		truncated = true
		cmd = strings.TrimSuffix(cmd, "…")
	}
	cmd = stripGeminiSuffixes(cmd, truncated)
	if strings.TrimSpace(cmd) == "" {
		return 0, "", false, false
	}
	return g, cmd, truncated, true
}

// stripGeminiSuffixes removes what Gemini appends to the command in the
// title: " [in dir]" or " [current working directory dir]", " (description)",
// " [background]"; truncated titles may end inside any of them.
func stripGeminiSuffixes(cmd string, truncated bool) string {
	cmd = strings.TrimSuffix(cmd, " [background]")
	if j := descriptionStart(cmd); j >= 0 {
		cmd = cmd[:j]
	}
	for _, m := range []string{" [current working directory", " [in "} {
		if j := strings.LastIndex(cmd, m); j > 0 && (truncated || strings.HasSuffix(cmd, "]")) {
			cmd = cmd[:j]
		}
	}
	return strings.TrimRight(cmd, " ")
}

// descriptionStart finds " (" that starts Gemini's description: outside
// quotes and after a word, where shell syntax cannot open a parenthesis (a
// subshell follows an operator, $( and <( have no space).
func descriptionStart(cmd string) int {
	var q byte
	for i := 0; i+1 < len(cmd); i++ {
		c := cmd[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == ' ' && cmd[i+1] == '(':
			before := strings.TrimRight(cmd[:i], " ")
			if before == "" {
				continue
			}
			if strings.IndexByte(";&|(<>=$`!{", before[len(before)-1]) >= 0 {
				continue
			}
			if strings.HasSuffix(before, " then") || strings.HasSuffix(before, " do") || strings.HasSuffix(before, " else") {
				continue
			}
			return i
		}
	}
	return -1
}

// codexExec recognises Codex's older lines "exec <cmd> in <dir>",
// "[timestamp] exec <cmd>" and "exec" alone before the command. A bare
// "exec cmd" (a script's last line) is not enough.
func codexExec(t string) (cmd string, alone, ok bool) {
	if t[0] != 'e' && t[0] != '[' {
		return "", false, false
	}
	body := t
	stamped := false
	if body[0] == '[' {
		if j := strings.IndexByte(body, ']'); j > 10 && j < 48 && body[1] >= '0' && body[1] <= '9' && strings.Contains(body[1:j], "-") {
			body, stamped = strings.TrimLeft(body[j+1:], " "), true
		}
	}
	if body == "exec" {
		return "", true, true
	}
	if !strings.HasPrefix(body, "exec ") {
		return "", false, false
	}
	cmd, dir := cutInDir(strings.TrimSpace(body[5:]))
	if !stamped && !dir && !shellC(cmd) {
		return "", false, false
	}
	return cmd, false, true
}

// cutInDir removes a trailing " in /dir" (the directory may have spaces;
// the command before it must be complete).
func cutInDir(cmd string) (string, bool) {
	cmd = strings.TrimSpace(cmd)
	if j := strings.LastIndex(cmd, " in "); j > 0 {
		d := cmd[j+4:]
		if d != "" && !strings.ContainsAny(d, "'\"") && (d[0] == '/' || d[0] == '~' || d[0] == '.') && !needsMore(cmd[:j]) {
			return cmd[:j], true
		}
	}
	return cmd, false
}

// cutExecStatus removes what codex exec appends to the command's line when
// it ends: " succeeded in 212ms:", " exited 1 in 41.2s:", " exited -1:".
func cutExecStatus(t string) string {
	t = strings.TrimRight(t, " ")
	if !strings.HasSuffix(t, ":") {
		return t
	}
	body := t[:len(t)-1]
	cut := func(j int, rest string) (string, bool) {
		// rest follows the status word: optional " in <duration>".
		if rest == "" {
			return body[:j], true
		}
		if d, ok := strings.CutPrefix(rest, " in "); ok && d != "" && strings.Trim(d, "0123456789.hmsµ ") == "" {
			return body[:j], true
		}
		return "", false
	}
	if j := strings.LastIndex(body, " succeeded"); j > 0 {
		if c, ok := cut(j, body[j+len(" succeeded"):]); ok {
			return c
		}
	}
	if j := strings.LastIndex(body, " exited "); j > 0 {
		rest := body[j+len(" exited "):]
		k := 0
		if k < len(rest) && rest[k] == '-' {
			k++
		}
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		if k > 0 && rest[k-1] != '-' {
			if c, ok := cut(j, rest[k:]); ok {
				return c
			}
		}
	}
	return t
}

// execEarly takes the command of codex exec's line while the command runs:
// the line ends only when the command does (" succeeded in 41.2s:"), and a
// command found then is found too late. Only a shell -c script whose
// closing quote is followed by " in /dir" is taken early: the command's end
// is certain, whatever part of the directory the chunk holds.
func (s *Stream) execEarly() {
	p := s.pending
	if p == nil || p.kind != pExec || len(s.buf) == 0 || len(s.buf) > 8<<10 {
		return
	}
	if j := bytes.LastIndex(s.buf, []byte(" in ")); j < 1 || s.buf[j-1] != '\'' && s.buf[j-1] != '"' {
		return
	}
	t := strings.TrimSpace(string(s.buf))
	cmd, dir := cutInDir(t)
	if !dir || cmd == "" || !shellC(cmd) || (cmd[len(cmd)-1] != '\'' && cmd[len(cmd)-1] != '"') {
		return
	}
	p.rows = []string{cmd}
	s.finishPending()
}

func shellC(cmd string) bool {
	f := strings.Fields(cmd)
	return len(f) >= 3 && shells[programName(f[0])] && (f[1] == "-c" || f[1] == "-lc")
}

// promptCommand recognises shell prompts at the start of a line: "$ cmd",
// "# cmd" (root; only when cmd starts with a known program, since # is
// also a heading and a comment), "user@host:dir$ cmd", "[user@host dir]$
// cmd", "/dir # cmd", and bash xtrace "+ cmd". anchored is true for
// prompts that cannot be markdown.
func promptCommand(t string) (cmd, format string, anchored, ok bool) {
	switch {
	case strings.HasPrefix(t, "$ "):
		cmd = strings.TrimLeft(t[2:], " ")
		if cmd == "" || cmd[0] >= '0' && cmd[0] <= '9' {
			return "", "", false, false
		}
		return cmd, "shell", false, true
	case strings.HasPrefix(t, "# "):
		cmd = strings.TrimLeft(t[2:], " ")
		return cmd, "shell", false, knownFirst(cmd) && !prose(cmd)
	case t[0] == '+':
		i := 0
		for i < len(t) && t[i] == '+' {
			i++
		}
		if i >= len(t) || t[i] != ' ' || i+1 >= len(t) || t[i+1] == ' ' {
			return "", "", false, false
		}
		cmd = t[i+1:]
		return cmd, "xtrace", false, commandish(cmd)
	case t[0] == '[':
		head := t[:min(len(t), 100)]
		if j := strings.Index(head, "]$ "); j > 0 && strings.Contains(t[:j], "@") {
			return strings.TrimLeft(t[j+3:], " "), "shell", true, true
		}
		if j := strings.Index(head, "]# "); j > 0 && strings.Contains(t[:j], "@") {
			return strings.TrimLeft(t[j+3:], " "), "shell", true, true
		}
		return "", "", false, false
	}
	sp := strings.IndexByte(t[:min(len(t), 101)], ' ')
	if sp <= 1 {
		return "", "", false, false
	}
	field := t[:sp]
	last := field[len(field)-1]
	if (last == '$' || last == '#') && strings.Contains(field, "@") {
		return strings.TrimLeft(t[sp+1:], " "), "shell", true, true
	}
	if (field[0] == '/' || field[0] == '~') && (strings.HasPrefix(t[sp:], " # ") || strings.HasPrefix(t[sp:], " $ ")) {
		cmd = strings.TrimLeft(t[sp+3:], " ")
		return cmd, "shell", true, knownFirst(cmd) && !prose(cmd)
	}
	return "", "", false, false
}

// knownFirst reports whether a command starts with a program the detector
// knows (after sudo and VAR=value).
func knownFirst(cmd string) bool {
	for _, f := range strings.Fields(cmd) {
		if strings.Contains(f, "=") && !strings.HasPrefix(f, "=") {
			continue
		}
		name := programName(f)
		return len(analysers[name]) > 0 || riskyPrograms[name] || shells[name] || commonPrograms[name]
	}
	return false
}

var commonPrograms = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`sudo env cd ls cat echo printf mkdir cp ln touch tar make go npm npx yarn pnpm pip pip3
		apt apt-get yum dnf apk systemctl service journalctl mount umount useradd userdel usermod passwd crontab iptables ufw
		nft mkfs mkfs.ext4 mkfs.xfs mkswap swapoff export source unset xargs find grep sed awk ssh scp rsync tail head ps df du
		lsblk zfs zpool lvremove vgremove pvremove cryptsetup mdadm btrfs fsck e2fsck tune2fs resize2fs sgdisk gdisk cfdisk
		chattr setenforce modprobe rmmod sysctl kubeadm etcdctl mongo mongosh redis-cli dropdb createdb pg_dump pg_restore
		mysqladmin sqlite3 gsutil gcloud aws az terraform tofu pulumi helm kubectl docker podman git gh svn hg rclone s3cmd`) {
		commonPrograms[p] = true
	}
}

// stopwords start prose that an xtrace-looking "+ " line may be.
var stopwords = map[string]bool{"the": true, "a": true, "an": true, "and": true, "or": true, "to": true, "of": true,
	"in": true, "on": true, "is": true, "it": true, "this": true, "that": true, "we": true, "you": true, "i": true,
	"with": true, "from": true, "add": true, "added": true, "adds": true, "fix": true, "fixed": true, "fixes": true,
	"update": true, "updated": true, "remove": true, "removed": true, "new": true, "use": true, "uses": true,
	"support": true, "improve": true, "improved": true, "more": true, "less": true, "better": true, "all": true}

// proseWords hardly ever appear as words of a command, and often in a
// heading or comment that starts with a program's name.
var proseWords = map[string]bool{"is": true, "are": true, "was": true, "were": true, "the": true, "how": true,
	"why": true, "what": true, "when": true, "should": true, "will": true, "can": true, "don't": true, "never": true,
	"always": true, "this": true, "that": true, "before": true, "after": true, "first": true, "then": true, "we": true}

// prose says whether text after "# " reads as a sentence: it has words
// such as "the" or "is", or ends like one.
func prose(t string) bool {
	if strings.HasSuffix(t, ".") || strings.HasSuffix(t, ":") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!") {
		return true
	}
	for _, w := range strings.Fields(strings.ToLower(t)) {
		if proseWords[w] {
			return true
		}
	}
	return false
}

// commandish says whether an xtrace-looking line reads like a command
// rather than a markdown list item.
func commandish(cmd string) bool {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return false
	}
	w := f[0]
	c := w[0]
	if assignment(w) {
		return true // + TODAY=2025-06-11
	}
	if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '/' || c == '~' || c == '\'' || c == '"' || c == '[' || c == '_') {
		return false
	}
	if stopwords[w] {
		return false
	}
	return !strings.HasSuffix(cmd, ".") || knownFirst(cmd)
}

// assignment reports a shell variable assignment word: NAME=value.
func assignment(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := w[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ---- events ----

// emitCommand analyses a command and reports it unless it is a redraw of
// one already reported. A command that spans display rows is analysed
// joined three ways (a soft wrap at a space, a hard wrap inside a word, a
// real newline), since the display does not say which; the most
// concerning reading is the one reported.
func (s *Stream) emitCommand(format string, rows []string, lineNo, row, seq int, truncated bool) {
	s.emitCommandRows(format, rows, nil, joinWrap, lineNo, row, seq, truncated)
}

// How the rows of a command shown over several display rows most likely
// join: Claude Code wraps one long line (at spaces), Codex prints each line
// of the command on its own │ row.
const (
	joinWrap = iota
	joinLines
)

func (s *Stream) emitCommandRows(format string, rows []string, widths []int, join int, lineNo, row, seq int, truncated bool) {
	if n := len(rows); n > 0 && strings.HasSuffix(strings.TrimRight(rows[n-1], " "), "…") {
		rows[n-1] = strings.TrimSuffix(strings.TrimRight(rows[n-1], " "), "…")
		truncated = true
	}
	if strings.TrimSpace(strings.Join(rows, "")) == "" || s.duplicate(strings.Join(rows, " "), row, seq, truncated) {
		return
	}
	readings := s.joinings(rows, widths, join)
	if len(readings) > 1 && !truncated {
		// A reading that is not valid shell is an artefact of joining
		// the rows wrong (a loop's lines joined into one), not what the
		// agent ran, when another reading is valid.
		valid := readings[:0:0]
		for _, c := range readings {
			if parses(c) {
				valid = append(valid, c)
			}
		}
		if len(valid) > 0 {
			readings = valid
		}
	}
	var best string
	var res Result
	have := false
	for _, c := range readings {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		r := s.analyse(c)
		if truncated {
			r = cutShort(c, r)
		}
		if !have || moreConcerning(r, res) {
			best, res, have = c, r, true
		}
	}
	if !have {
		return
	}
	ev := StreamEvent{Kind: EventCommand, Command: best, Line: lineNo, Format: format, Truncated: truncated, Result: res}
	s.annotateUses(&ev)
	s.events = append(s.events, ev)
	s.noteHint(best)
}

// analyse is Command with a small cache: agents run the same commands
// (tests, builds, listings) again and again.
func (s *Stream) analyse(cmd string) Result {
	if r, ok := s.cache[cmd]; ok {
		return copyResult(r)
	}
	r := Command(cmd, s.ctx)
	if len(s.cache) >= maxCache {
		clear(s.cache)
	}
	s.cache[cmd] = r
	return copyResult(r)
}

// copyResult gives each event its own findings, which the stream may
// annotate.
func copyResult(r Result) Result {
	r.Findings = append([]Finding(nil), r.Findings...)
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r
}

// parses reports whether text is valid shell.
func parses(text string) bool {
	_, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	return err == nil
}

// incomplete reports whether text is the beginning of valid shell that more
// input would complete: an open quote, loop, $( or here-document.
func incomplete(text string) bool {
	_, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err == nil {
		return false
	}
	return syntax.IsIncomplete(err) || strings.Contains(err.Error(), "unclosed here-document")
}

// cutShort adjusts the analysis of a command the display cut short: when
// what is shown is the valid beginning of a command, its not parsing is the
// display's doing, not a sign of obfuscation (Claude Code shows only the
// first line of `git commit -m "$(cat <<'EOF'`). What the visible part
// does is still judged.
func cutShort(cmd string, r Result) Result {
	has := false
	for _, f := range r.Findings {
		if f.Rule == "opaque.unparsable" {
			has = true
		}
	}
	if !has || !incomplete(cmd) {
		return r
	}
	kept := r.Findings[:0]
	r.Verdict = Allow
	for _, f := range r.Findings {
		if f.Rule != "opaque.unparsable" {
			kept = append(kept, f)
			r.Verdict = max(r.Verdict, f.Verdict)
		}
	}
	r.Findings = kept
	return r
}

// joinings are the ways the rows may join into the command, the likeliest
// first (the one reported unless another is more concerning).
func (s *Stream) joinings(rows []string, widths []int, join int) []string {
	if len(rows) == 1 {
		return rows
	}
	lines := strings.Join(rows, "\n")
	// A wrapped row carries no indentation of its own.
	flat := make([]string, len(rows))
	for i, r := range rows {
		if i > 0 {
			r = strings.TrimLeft(r, " ")
		}
		flat[i] = r
	}
	var out []string
	if s.cols > 0 && len(widths) == len(rows) {
		// The width says where the display broke rows: inside a word
		// when the row is full, at a space otherwise. A real newline in
		// the command is the other reading.
		var b strings.Builder
		for i, r := range flat {
			if i > 0 && widths[i-1] < s.cols {
				b.WriteByte(' ')
			}
			b.WriteString(r)
		}
		out = []string{b.String()}
	} else {
		out = []string{strings.Join(flat, " ")}
		if j := strings.Join(flat, ""); j != out[0] {
			out = append(out, j)
		}
	}
	if join == joinLines {
		return append([]string{lines}, out...)
	}
	return append(out, lines)
}

func moreConcerning(a, b Result) bool {
	if a.Verdict != b.Verdict {
		return a.Verdict > b.Verdict
	}
	sa, sb := Severity(-1), Severity(-1)
	if t := a.Top(); t != nil {
		sa = t.Severity
	}
	if t := b.Top(); t != nil {
		sb = t.Severity
	}
	return sa > sb
}

// duplicate reports a command already reported that is shown again: seen
// within the last recentLines lines (each sighting renews it, so a command
// a spinner redraws for an hour stays one command), printed where the
// cursor went back up over its earlier print (a TUI repainting its live
// region), or reprinted after the screen was cleared. A truncated command
// that begins a command reported recently is a shortened redraw of it.
//
// The price: an agent that really runs the same command twice within
// recentLines lines is reported once. The operator has already judged
// that exact command; a second freeze for it would teach them to approve
// blindly.
func (s *Stream) duplicate(cmd string, row, seq int, truncated bool) bool {
	norm := strings.Join(strings.Fields(cmd), " ")
	if truncated {
		for i := 0; i < s.nrecent && i < len(s.recent); i++ {
			if strings.HasPrefix(s.recent[i], norm) {
				return true
			}
		}
	}
	key := fnv64(norm)
	e, ok := s.seen[key]
	s.remember(key, seenEntry{seq: seq, row: row, clear: s.clearGen})
	s.recent[s.nrecent%len(s.recent)] = norm
	s.nrecent++
	if !ok {
		return false
	}
	if seq-e.seq <= recentLines {
		return true
	}
	if e.clear != s.clearGen && seq-s.clearSeq <= replayWindow {
		return true
	}
	if seq-e.seq <= dedupeWindow {
		if low, ok := s.lowSince(e.seq); ok && low <= e.row {
			return true
		}
	}
	return false
}

func (s *Stream) remember(key uint64, e seenEntry) {
	if _, ok := s.seen[key]; !ok {
		if len(s.seenOrder) >= maxSeen {
			delete(s.seen, s.seenOrder[0])
			s.seenOrder = append(s.seenOrder[:0], s.seenOrder[1:]...)
		}
		s.seenOrder = append(s.seenOrder, key)
	}
	s.seen[key] = e
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// annotateUses links a command to credentials the output revealed earlier.
func (s *Stream) annotateUses(ev *StreamEvent) {
	if len(s.creds) == 0 {
		return
	}
	for _, c := range FindCredentials(ev.Command) {
		seen, ok := s.creds[c.Fingerprint]
		if !ok {
			continue
		}
		ev.Uses = append(ev.Uses, seen.Credential)
		where := "line " + itoa(seen.line)
		if seen.Source != "" {
			where = seen.Source + " (output " + where + ")"
		}
		for i := range ev.Result.Findings {
			f := &ev.Result.Findings[i]
			if f.Rule == "credential.seen" && len(f.Spans) > 0 && f.Spans[0] == c.Span {
				f.Reason = "uses the " + seen.Label() + " (" + c.Masked + ") the agent found in " + where + "; a credential found by searching may reach far beyond this task"
			}
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// noteHint remembers the file a command prints (cat FILE): credentials in
// the lines that follow come from it.
func (s *Stream) noteHint(cmd string) {
	if strings.ContainsAny(cmd, "|;&><`$") {
		return
	}
	f := strings.Fields(cmd)
	if len(f) < 2 {
		return
	}
	switch programName(f[0]) {
	case "cat", "head", "tail", "less", "more", "bat", "batcat", "nl", "strings", "xxd", "od", "hexdump", "tac":
		if last := f[len(f)-1]; last[0] != '-' {
			s.setHint(strings.Trim(last, `"'`))
		}
	}
}

func (s *Stream) setHint(file string) {
	if file != "" && len(file) < 512 {
		s.hintFile, s.hintSeq = strings.TrimPrefix(file, "./"), s.commits
	}
}

// ---- credentials in output ----

// scanCredentials reports credentials a line of output reveals. A private
// key's header starts collecting its block, so the key is fingerprinted by
// its body.
func (s *Stream) scanCredentials(t string, lineNo int) {
	if strings.IndexByte(t, '-') < 0 {
		// no key block can start here
	} else if i := strings.Index(t, "-----BEGIN "); i >= 0 && strings.Contains(t[i:], "PRIVATE KEY-----") && !strings.Contains(t[i:], "-----END ") {
		s.keyRows, s.keyLine = []string{t[i:]}, lineNo
		return
	}
	for _, c := range FindCredentials(t) {
		s.noteCredential(c, lineNo)
	}
}

// keyRow takes a row of a private key block being collected; false when
// the row is not part of it.
func (s *Stream) keyRow(t string) bool {
	body := strings.TrimLeft(t, " ")
	for _, g := range []string{"⎿", "│", "└", "┃"} {
		if strings.HasPrefix(body, g) {
			body = strings.TrimLeft(body[len(g):], " ")
		}
	}
	body = strings.TrimRight(cutAt(body, "│"), " ")
	switch {
	case strings.Contains(body, "-----END "):
		s.keyRows = append(s.keyRows, body)
		s.finishKey()
		return true
	case body == "" || strings.HasPrefix(body, "Proc-Type:") || strings.HasPrefix(body, "DEK-Info:") || allBase64(body):
		s.keyRows = append(s.keyRows, body)
		if len(s.keyRows) >= maxKeyRows {
			s.finishKey()
		}
		return true
	}
	s.finishKey()
	return false
}

func allBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isB64(s[i]) {
			return false
		}
	}
	return true
}

func (s *Stream) finishKey() {
	if s.keyRows == nil {
		return
	}
	text := strings.Join(s.keyRows, "\n")
	s.keyRows = nil
	for _, c := range FindCredentials(text) {
		s.noteCredential(c, s.keyLine)
	}
}

// noteCredential reports a credential the first time the output shows it.
func (s *Stream) noteCredential(c Credential, lineNo int) {
	if _, ok := s.creds[c.Fingerprint]; ok {
		return
	}
	if c.Source == "" && s.hintFile != "" && s.commits-s.hintSeq <= hintLines {
		c.Source = s.hintFile
	}
	if len(s.credOrder) >= maxCreds {
		delete(s.creds, s.credOrder[0])
		s.credOrder = append(s.credOrder[:0], s.credOrder[1:]...)
	}
	s.creds[c.Fingerprint] = seenCredential{c, lineNo}
	s.credOrder = append(s.credOrder, c.Fingerprint)

	cfg := s.ctx.Config
	if cfg == nil {
		cfg = defaultConfig
	}
	rule := catalogue["credential.seen"]
	f := Finding{Rule: rule.ID, Category: rule.Category, Severity: rule.Severity, Verdict: rule.Verdict,
		Reason: "shows the agent a " + c.Label() + " (" + c.Masked + ")", Spans: []Span{}}
	if c.Source != "" {
		f.Reason += " from " + c.Source
	}
	f.Reason += "; the agent can now use it, though it may not be meant to"
	if v, ok := cfg.overrides[rule.ID]; ok {
		f.Verdict = v
	}
	if f.Verdict == Allow {
		return
	}
	cc := c
	s.events = append(s.events, StreamEvent{Kind: EventCredential, Line: lineNo,
		Result: Result{Verdict: f.Verdict, Findings: []Finding{f}}, Credential: &cc})
}
