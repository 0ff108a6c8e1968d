package detect

import (
	"encoding/binary"
	"math/bits"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The scanner's fast paths (SGR skipped in ground state, text appended in
// one loop, lines that cannot matter taken without analysis) must leave it
// exactly where the general path would. These tests run both over the same
// input and chunking and compare every event and the line state.

func scanBoth(t *testing.T, data []byte, step int) {
	t.Helper()
	fast, slow := NewStream(Context{}), NewStream(Context{})
	slow.slow = true
	for i := 0; i < len(data); i += step {
		chunk := data[i:min(i+step, len(data))]
		a, b := fast.Write(chunk), slow.Write(chunk)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("chunk at %d: fast path events\n%+v\ngeneral path\n%+v", i, a, b)
		}
		sameState(t, fast, slow, i)
	}
	a, b := fast.Flush(), slow.Flush()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("flush: fast path events\n%+v\ngeneral path\n%+v", a, b)
	}
	sameState(t, fast, slow, len(data))
}

func sameState(t *testing.T, a, b *Stream, at int) {
	t.Helper()
	type lineState struct {
		State                                 uint8
		Buf                                   string
		Col, Width, Lf, Row, Commits          int
		ASCII, Truncated, Fence, DiffMinus    bool
		Block                                 uint8
		FenceLines, HunkOld, HunkNew, AskSeq  int
		Pending, Keys, Npend                  int
		Seen, Creds, Lows, ClearGen, ClearSeq int
	}
	state := func(s *Stream) lineState {
		p := 0
		if s.pending != nil {
			p = s.pending.kind
		}
		return lineState{s.state, string(s.buf), s.col, s.width, s.lf, s.row, s.commits,
			s.ascii, s.truncated, s.fence, s.diffMinus, s.block,
			s.fenceLines, s.hunkOld, s.hunkNew, s.askSeq, p, len(s.keyRows), s.npend,
			len(s.seen), len(s.creds), len(s.lows), s.clearGen, s.clearSeq}
	}
	if sa, sb := state(a), state(b); sa != sb {
		t.Fatalf("after byte %d: fast path state\n%+v\ngeneral path\n%+v", at, sa, sb)
	}
}

func fastPathSeeds() [][]byte {
	seeds := [][]byte{
		benchWorkload("plain", 2000),
		benchWorkload("colour", 4000),
		[]byte(inkSession()),
		[]byte("12\r\n34 56\r\n-----BEGIN RSA PRIVATE KEY-----\r\nMIIB\r\n1234\r\n-----END RSA PRIVATE KEY-----\r\n7 8\r\n"),
		[]byte("@@ -1,2 +1,3 @@\n 1\n-2\n+3\n+4\n5\n\x1b[32m$ zap \\\x1b[0m\n1\n> 2\n"),
		[]byte("```\n1\n2\n```\n\x1b[1m●\x1b[0m Bash(zap \x1b[38;5;1m--force\x1b[0m\n  1 2)\n"),
		[]byte("abc\x1b[38;5;1mdef\x1b[0\x1b[3;4Hxyz\r\x1b[Kq\x1b[1;2;3\x1b[m\x1b[?25lé\x1b[mx\x1b]0;t\x07y"),
		[]byte("\x1b[2m42\x1b[0m \x1b[1;38;2;1;2;3mAKIAIOSFODNN7EXAMPLE\x1b[0m\r\n123\t456\r\n  789\r\n"),
	}
	for _, c := range streamCases {
		seeds = append(seeds, []byte(c.in))
	}
	return seeds
}

func TestFastPathsMatchGeneralPath(t *testing.T) {
	seeds := fastPathSeeds()
	files, _ := filepath.Glob("testdata/transcripts/*.txt")
	more, _ := filepath.Glob("testdata/stream/*.out")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	seeds = append(seeds, mixedOutput(1<<20))
	for i, data := range seeds {
		for _, step := range []int{1, 2, 3, 7, 64, 4096, len(data) + 1} {
			if step < 1 {
				continue
			}
			t.Run("", func(t *testing.T) {
				defer func() {
					if t.Failed() {
						t.Logf("seed %d, step %d", i, step)
					}
				}()
				scanBoth(t, data, step)
			})
		}
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fastPathSeeds() {
		f.Add(s, uint8(7))
		f.Add(s, uint8(200))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		scanBoth(t, data, int(step)+1)
	})
}

func TestNotSGRParams(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			b := []byte("01234567")
			b[pos] = byte(c)
			got := notSGRParams(binary.LittleEndian.Uint64(b))
			if sgrParam[c] != (got == 0) {
				t.Fatalf("byte %#x at %d: mask %#x", c, pos, got)
			}
			if got != 0 && bits.TrailingZeros64(got)/8 != pos {
				t.Fatalf("byte %#x at %d: first flagged byte %d", c, pos, bits.TrailingZeros64(got)/8)
			}
		}
	}
}

func TestNotPrintableASCII(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			for _, fill := range []byte{'a', 0x20, 0x7e, 0x1f, 0x80, 0x7f} {
				b := []byte("abcdefgh")
				for k := pos + 1; k < 8; k++ {
					b[k] = fill // whatever follows must not matter
				}
				b[pos] = byte(c)
				m := notPrintableASCII(binary.LittleEndian.Uint64(b))
				if want := pos; !printableASCII[c] {
					if m == 0 || bits.TrailingZeros64(m)/8 != want {
						t.Fatalf("byte %#x at %d then %#x: mask %#x", c, pos, fill, m)
					}
				} else if printableASCII[fill] && m != 0 {
					t.Fatalf("byte %#x at %d then %#x: mask %#x", c, pos, fill, m)
				}
			}
		}
	}
}
