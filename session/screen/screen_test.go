package screen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// reference emulates p in full with a plain emulator and renders its rows
// the way Screen does.
func reference(t *testing.T, w, h int, p []byte) (rows []string, title string, cx, cy int) {
	t.Helper()
	e := vt.NewEmulator(w, h)
	e.SetCallbacks(vt.Callbacks{Title: func(s string) { title = s }})
	go io.Copy(io.Discard, e)
	defer closeEmulator(e)
	e.Write(p)
	for y := range h {
		rows = append(rows, string(renderCells(nil, w, func(x int) *uv.Cell { return e.CellAt(x, y) })))
	}
	pos := e.CursorPosition()
	return rows, SanitizeText(title), pos.X, pos.Y
}

var (
	plainTokens = []string{
		"hello", "world", "the quick brown fox", "12345", "é", "漢字", "→", " ", "  ",
		"a-very-long-word-that-goes-on-and-on-past-the-edge-of-a-narrow-screen-0123456789",
		"\x1b[31m", "\x1b[0m", "\x1b[m", "\x1b[1;4;38;5;200m", "\x1b[48;2;10;20;30m", "\x1b[;32m", "\x1b[7m",
		"\x1b[K", "\x1b[2K", "\t", "\b", "\a",
		"\x1b]0;title one\x07", "\x1b]2;title two\x1b\\", "\x1b]8;;http://x.example\x1b\\", "\x1b]8;;\x1b\\",
	}
	barrierTokens = []string{
		"\x1b[H", "\x1b[2J", "\x1b[5;10H", "\x1b[3A", "\x1b7", "\x1b8", "\x1b[?1049h", "\x1b[?1049l",
		"\x1b[2;4r", "\x1b[r", "\x1bM", "\x1b(0", "\x1b(B", "\x1b[?25l", "\x1b[?25h", "\x1b[3L", "\x1b[2M",
		"\x1b[4h", "\x1b[4l", "\x1b[?7l", "\x1b[?7h", "\x0b", "\x0c",
	}
)

// genStream builds a stream of mostly plain scrolling output with the odd
// barrier, long enough to squash several times over.
func genStream(r *rand.Rand, lines int, barrierEvery int) []byte {
	var b bytes.Buffer
	for range lines {
		for n := r.IntN(6); n > 0; n-- {
			b.WriteString(plainTokens[r.IntN(len(plainTokens))])
		}
		if barrierEvery > 0 && r.IntN(barrierEvery) == 0 {
			b.WriteString(barrierTokens[r.IntN(len(barrierTokens))])
		}
		switch r.IntN(20) {
		case 0:
			b.WriteString("\n")
		case 1:
			b.WriteString("\r")
		default:
			b.WriteString("\r\n")
		}
	}
	return b.Bytes()
}

func compare(t *testing.T, w, h int, stream []byte, chunks func([]byte) [][]byte) Skipped {
	t.Helper()
	want, wantTitle, wx, wy := reference(t, w, h, stream)
	s := eager(New(Options{Width: w, Height: h}))
	defer s.Close()
	for _, c := range chunks(stream) {
		s.Write(c)
	}
	s.WaitIdle()
	f := s.Render(0)
	for y := range h {
		if f.Lines[y] != want[y] {
			t.Fatalf("row %d differs after %d bytes\n got: %q\nwant: %q\nskipped: %+v", y, len(stream), f.Lines[y], want[y], s.SkippedOutput())
		}
	}
	if f.CursorX != wx || f.CursorY != wy {
		t.Fatalf("cursor at %d,%d, want %d,%d", f.CursorX, f.CursorY, wx, wy)
	}
	if got := s.Title(); got != wantTitle {
		t.Fatalf("title %q, want %q", got, wantTitle)
	}
	return s.SkippedOutput()
}

func whole(p []byte) [][]byte { return [][]byte{p} }

// eager makes s squash whatever waits, as if the emulator were always
// behind, so that short test streams exercise the fast path. Call it before
// the first Write.
func eager(s *Screen) *Screen {
	s.squashMin, s.squashBig, s.squashLag = 0, 0, 0
	return s
}

func TestAShortBurstKeepsEveryLine(t *testing.T) {
	// seq 1 300 through a 10-row pane: the emulator keeps up with that
	// much, so the scrollback must hold every line, with no skip marker.
	var b bytes.Buffer
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&b, "%d\r\n", i)
	}
	s := New(Options{Width: 60, Height: 10})
	defer s.Close()
	s.Write(b.Bytes())
	s.WaitIdle()
	if sk := s.SkippedOutput(); sk.Runs != 0 {
		t.Fatalf("skipped %+v of a 300-line burst", sk)
	}
	hist := s.HistoryText()
	if len(hist) < 291 || hist[0] != "1" || hist[len(hist)-1] != "291" {
		t.Fatalf("history has %d lines, from %q to %q; want 1 to 291", len(hist), hist[0], hist[len(hist)-1])
	}
}

func TestABacklogTheEmulatorCannotKeepUpWithIsSquashed(t *testing.T) {
	// More than squashBig waiting at once is behind whatever the clock
	// says: the default thresholds squash it.
	var b bytes.Buffer
	for i := 0; b.Len() < 2*squashBig; i++ {
		fmt.Fprintf(&b, "\x1b[3%dmline %d\x1b[0m\r\n", i%8, i)
	}
	s := New(Options{Width: 60, Height: 10})
	defer s.Close()
	s.Write(b.Bytes())
	s.WaitIdle()
	if sk := s.SkippedOutput(); sk.Runs == 0 {
		t.Fatalf("nothing skipped from %d KB waiting at once", b.Len()>>10)
	}
}

func TestSquashedBurstShowsTheTrueFinalScreen(t *testing.T) {
	squashed := 0
	for seed := range 40 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		w, h := 20+r.IntN(60), 5+r.IntN(20)
		stream := genStream(r, 300+r.IntN(3000), []int{0, 40, 300, 1000}[seed%4])
		t.Run(fmt.Sprintf("seed%d_%dx%d", seed, w, h), func(t *testing.T) {
			sk := compare(t, w, h, stream, whole)
			if sk.Runs > 0 {
				squashed++
			}
		})
	}
	// The comparison only means something if the fast path ran.
	if squashed < 25 {
		t.Fatalf("only %d of 40 streams were squashed", squashed)
	}
}

func TestSquashUnderRandomChunking(t *testing.T) {
	for seed := range 20 {
		r := rand.New(rand.NewPCG(uint64(seed), 99))
		stream := genStream(r, 2000, 200)
		compare(t, 40, 12, stream, func(p []byte) [][]byte {
			var out [][]byte
			for len(p) > 0 {
				n := min(len(p), 1+r.IntN(3000))
				out = append(out, p[:n])
				p = p[n:]
			}
			return out
		})
	}
}

func TestSquashLeavesAMarkerInHistory(t *testing.T) {
	var b bytes.Buffer
	for i := range 5000 {
		fmt.Fprintf(&b, "\x1b[3%dmline %d\x1b[0m\r\n", i%8, i)
	}
	s := eager(New(Options{Width: 60, Height: 10}))
	defer s.Close()
	s.Write(b.Bytes())
	s.WaitIdle()
	sk := s.SkippedOutput()
	if sk.Lines < 4000 {
		t.Fatalf("skipped %+v, want most of 5000 lines", sk)
	}
	hist := strings.Join(s.HistoryText(), "\n")
	if !strings.Contains(hist, "sentinel skipped") {
		t.Fatalf("no skip marker in history:\n%s", hist)
	}
	if !strings.Contains(s.Text(), "line 4999") {
		t.Fatalf("final screen lacks the last line:\n%s", s.Text())
	}
}

func TestBareLineFeedFloodStaysBounded(t *testing.T) {
	// Bare LFs leave the column unknown, so nothing can be squashed; the
	// backlog guard must still keep memory bounded and show the end.
	line := bytes.Repeat([]byte("x"), 50)
	var b bytes.Buffer
	for b.Len() < maxUnfed+(2<<20) {
		b.Write(line)
		b.WriteString("\x1b[1G\n") // CHA to column 1 is a barrier, LF is bare
	}
	b.WriteString("THE END")
	s := New(Options{Width: 80, Height: 10})
	defer s.Close()
	s.Write(b.Bytes())
	s.WaitIdle()
	if !strings.Contains(s.Text(), "THE END") {
		t.Fatalf("screen lacks the end:\n%s", s.Text())
	}
	if s.SkippedOutput().Bytes == 0 {
		t.Fatal("nothing skipped from an over-long backlog")
	}
}

func TestRendererDropsAgentEscapes(t *testing.T) {
	s := New(Options{Width: 40, Height: 5})
	defer s.Close()
	evil := "\x1b]52;c;aGVsbG8=\x07\x1b]0;pwned\x07\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\" +
		"\x1bP+q544e\x1b\\\x1b[31mred\x1b[0m \u009b31m"
	s.Write([]byte(evil))
	s.WaitIdle()
	for _, line := range s.Render(0).Lines {
		for _, bad := range []string{"\x1b]", "\x1bP", "\x07", "\u009b", "evil.example", "\x1b\\"} {
			if strings.Contains(line, bad) {
				t.Fatalf("rendered line carries %q: %q", bad, line)
			}
		}
	}
	if got := s.Text(); !strings.Contains(got, "link") || !strings.Contains(got, "red") {
		t.Fatalf("text lost content: %q", got)
	}
}

func TestRepliesReachThePTY(t *testing.T) {
	var mu bytes.Buffer
	pr, pw := io.Pipe()
	s := New(Options{Width: 80, Height: 24, Replies: pw})
	defer s.Close()
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 64)
		n, _ := pr.Read(b)
		got <- string(b[:n])
	}()
	s.Write([]byte("ab\x1b[6n")) // cursor position report request
	if r := <-got; r != "\x1b[1;3R" {
		t.Fatalf("reply %q", r)
	}
	_ = mu
}

func TestKeysFollowCursorKeyMode(t *testing.T) {
	pr, pw := io.Pipe()
	s := New(Options{Width: 80, Height: 24, Replies: pw})
	defer s.Close()
	read := func() string {
		b := make([]byte, 64)
		n, _ := pr.Read(b)
		return string(b[:n])
	}
	go s.SendKey(uv.KeyPressEvent{Code: uv.KeyUp})
	if got := read(); got != "\x1b[A" {
		t.Fatalf("up in normal mode = %q", got)
	}
	s.Write([]byte("\x1b[?1h")) // application cursor keys, as vim and less set
	s.WaitIdle()
	go s.SendKey(uv.KeyPressEvent{Code: uv.KeyUp})
	if got := read(); got != "\x1bOA" {
		t.Fatalf("up in application mode = %q", got)
	}
	s.Write([]byte("\x1b[?2004h"))
	s.WaitIdle()
	go s.Paste("x\x1b[201~y")
	var all string
	for !strings.HasSuffix(all, "\x1b[201~") {
		all += read()
	}
	if all != "\x1b[200~xy\x1b[201~" {
		t.Fatalf("paste = %q", all)
	}
}

func TestEmulatorPanicResetsThePane(t *testing.T) {
	s := New(Options{Width: 40, Height: 8})
	defer s.Close()
	// x/vt v0.1.0 indexes past its buffer for this sequence.
	s.Write([]byte("before\r\n\x1b[2;10r\x1b[5;1H\x1b[2M"))
	s.WaitIdle()
	// What came in the same piece as the failure is lost to the pane (the
	// recording keeps it); what follows is shown.
	s.Write([]byte("after"))
	s.WaitIdle()
	if s.Faults() != 1 {
		t.Fatalf("faults = %d, want 1", s.Faults())
	}
	if !strings.Contains(s.Text(), "after") {
		t.Fatalf("pane did not recover: %q", s.Text())
	}
	if !strings.Contains(strings.Join(s.HistoryText(), "\n"), "emulator failed") {
		t.Fatal("no note of the reset in history")
	}
}

func TestResizeAppliesAfterEarlierOutput(t *testing.T) {
	s := New(Options{Width: 10, Height: 3})
	defer s.Close()
	// Written for a 10-column terminal, so it wraps there, even though the
	// resize is requested before the feeder has necessarily seen it.
	s.Write([]byte("0123456789abcde"))
	s.Resize(20, 5)
	s.Write([]byte("\r\nnext"))
	s.WaitIdle()
	if w, h := s.Size(); w != 20 || h != 5 {
		t.Fatalf("size %dx%d", w, h)
	}
	lines := strings.Split(s.Text(), "\n")
	if lines[0] != "0123456789" || lines[1] != "abcde" || lines[2] != "next" {
		t.Fatalf("screen after resize:\n%s", s.Text())
	}
}

func TestHistoryRing(t *testing.T) {
	h := newHistory(3)
	for i := range 5 {
		h.push(fmt.Sprint(i))
	}
	if h.len() != 3 || h.at(0) != "2" || h.at(2) != "4" || h.at(3) != "" {
		t.Fatalf("ring = %v start %d", h.lines, h.start)
	}
}

func TestScrollbackAndRenderOffset(t *testing.T) {
	s := New(Options{Width: 20, Height: 3, Scrollback: 100})
	defer s.Close()
	for i := range 10 {
		fmt.Fprintf(s, "row %d\r\n", i)
	}
	s.WaitIdle()
	f := s.Render(2)
	if f.Scrolled != 2 || !strings.HasPrefix(f.Lines[0], "row 6") || !strings.HasPrefix(f.Lines[2], "row 8") {
		t.Fatalf("scrolled frame = %q (%+v)", f.Lines, f)
	}
	if f.CursorVisible {
		t.Fatal("cursor shown while scrolled back off screen")
	}
	for _, l := range f.Lines {
		if n := len([]rune(l)); n != 20 {
			t.Fatalf("line %q has width %d", l, n)
		}
	}
}

func FuzzSquashEquivalence(f *testing.F) {
	f.Add([]byte("a\r\nb\r\n\x1b[31mc\r\n"), uint8(10))
	f.Fuzz(func(t *testing.T, tail []byte, h uint8) {
		hh := 3 + int(h%10)
		var b bytes.Buffer
		for i := range 40 * hh {
			fmt.Fprintf(&b, "\x1b[3%dmline %d\r\n", i%8, i)
		}
		b.Write(tail)
		for i := range 3 * hh {
			fmt.Fprintf(&b, "more %d\r\n", i)
		}
		compare(t, 30, hh, b.Bytes(), whole)
	})
}

func BenchmarkScrollBurst(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; buf.Len() < 8<<20; i++ {
		fmt.Fprintf(&buf, "%d\r\n", i)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		s := New(Options{Width: 200, Height: 50})
		data := buf.Bytes()
		for len(data) > 0 {
			n := min(len(data), 4096)
			s.Write(data[:n])
			data = data[n:]
		}
		s.WaitIdle()
		s.Close()
	}
}

func BenchmarkSquasherScan(b *testing.B) {
	var plain, colour bytes.Buffer
	for i := 0; plain.Len() < 4<<20; i++ {
		fmt.Fprintf(&plain, "%d\r\n", i)
	}
	for i := 0; colour.Len() < 4<<20; i++ {
		fmt.Fprintf(&colour, "\x1b[38;5;%dm%06d\x1b[0m \x1b[1;38;2;10;%d;30mword\x1b[0m \x1b[4mmore text here\x1b[0m\r\n", i%256, i, i%256)
	}
	for name, data := range map[string][]byte{"plain": plain.Bytes(), "colour": colour.Bytes()} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				sq := newSquasher(52)
				sq.scan(data)
			}
		})
	}
}

func TestRenderedRowsKeepTheirWidthWhateverTheTerminalMeasures(t *testing.T) {
	// A ZWJ family emoji is 2 cells as a grapheme cluster but 6+ by
	// wcwidth; with mode 2027 the emulator uses cluster widths. A row that
	// another terminal measures wider would push text out of the pane.
	s := New(Options{Width: 30, Height: 3})
	defer s.Close()
	family := "\U0001F468\u200D\U0001F469\u200D\U0001F467"
	s.Write([]byte("\x1b[?2027h" + strings.Repeat(family, 6) + "FAKE-EVENT\r\n漢字 é ok"))
	s.WaitIdle()
	for i, line := range s.Render(0).Lines {
		if wc, gr := ansi.StringWidthWc(line), ansi.StringWidth(line); wc != 30 || gr != 30 {
			t.Fatalf("row %d is %d cells by wcwidth and %d by graphemes, want 30: %q", i, wc, gr, line)
		}
	}
	if !strings.Contains(s.Text(), "漢字 é ok") {
		t.Fatalf("ordinary wide and accented text was replaced: %q", s.Text())
	}
}

// Regressions found in review: each stream once made the squashed screen
// differ from full emulation.
func TestSquashRespectsModesItCannotModel(t *testing.T) {
	cases := map[string]func(b *bytes.Buffer){
		"left-right margins": func(b *bytes.Buffer) {
			for y := 1; y <= 6; y++ {
				fmt.Fprintf(b, "\x1b[%d;1HL%d", y, y)
			}
			b.WriteString("\x1b[?69h\x1b[5;30s\x1b[6;5H")
			for i := range 200 {
				fmt.Fprintf(b, "line %d\r\n", i)
			}
		},
		"alt screen switched with two params": func(b *bytes.Buffer) {
			b.WriteString("\x1b[?1049h\x1b[2;5r\x1b[?1049l\x1b[?2004;1049h\x1b[6;1HSTATUS\x1b[5;1H")
			for i := range 200 {
				fmt.Fprintf(b, "line %d\r\n", i)
			}
		},
		"title then icon name": func(b *bytes.Buffer) {
			for i := range 60 {
				if i == 10 {
					b.WriteString("\x1b]2;real title\x07")
				}
				if i == 12 {
					b.WriteString("\x1b]1;icon\x07")
				}
				fmt.Fprintf(b, "line %d\r\n", i)
			}
		},
		"palette change before a reset": func(b *bytes.Buffer) {
			for i := range 60 {
				if i == 10 {
					b.WriteString("\x1b]4;1;rgb:12/34/56\x07")
				}
				fmt.Fprintf(b, "\x1b[31mline %d\x1b[0m\r\n", i)
			}
		},
	}
	for name, gen := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			gen(&b)
			compare(t, 30, 6, b.Bytes(), whole)
		})
	}
}

func TestHardSkipKeepsModesAndScrollRegion(t *testing.T) {
	// A backlog that cannot be squashed (a restricted scroll region) grows
	// past the bound: its text is dropped but its control sequences are
	// not, so the region still holds and the agent's query is answered.
	var replies bytes.Buffer
	var mu sync.Mutex
	s := New(Options{Width: 10, Height: 6, Replies: writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return replies.Write(p)
	})})
	s.maxUnfed = 256 << 10 // so the backlog is over the bound at once
	defer s.Close()
	var b bytes.Buffer
	b.WriteString("\x1b[1;4r\x1b[4;1H\x1b[6n") // region rows 1-4, a cursor query
	for b.Len() < 300<<10 {
		b.WriteString("l\r\n")
	}
	b.WriteString("\x1b[6;1HSTATUS\x1b[4;1H") // below the region, then back into it
	for i := range 50 {
		fmt.Fprintf(&b, "t%d\r\n", i)
	}
	s.Write(b.Bytes())
	s.WaitIdle()
	if s.SkippedOutput().Runs == 0 {
		t.Fatal("the backlog was not skipped; the test needs a hard skip")
	}
	want, _, _, _ := reference(t, 10, 6, b.Bytes())
	for y, line := range s.Render(0).Lines {
		if line != want[y] {
			t.Fatalf("row %d: got %q want %q (scroll region lost?)\n%s", y, line, want[y], s.Text())
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		got := replies.String()
		mu.Unlock()
		if strings.HasSuffix(got, "R") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cursor query was dropped: replies %q", got)
		}
	}
}

func TestREPAfterADropRepeatsTheRightCharacter(t *testing.T) {
	var b bytes.Buffer
	for i := range 100 {
		fmt.Fprintf(&b, "line %dZ\r\n", i)
	}
	b.WriteString(strings.Repeat("\r\n", 8))
	stream := b.Bytes()
	rep := []byte("\x1b[3b")
	want, _, _, _ := reference(t, 20, 5, append(append([]byte{}, stream...), rep...))
	s := eager(New(Options{Width: 20, Height: 5}))
	defer s.Close()
	s.Write(stream)
	s.WaitIdle()
	if s.SkippedOutput().Runs == 0 {
		t.Fatal("nothing was squashed; the test needs a drop")
	}
	s.Write(rep)
	s.WaitIdle()
	for y, line := range s.Render(0).Lines {
		if line != want[y] {
			t.Fatalf("row %d: got %q want %q", y, line, want[y])
		}
	}
}

func TestQueriesInABurstAreAnswered(t *testing.T) {
	// A query in the middle of a burst is waited for by the agent: it must
	// reach the emulator (and its answer the PTY), never be dropped.
	var replies bytes.Buffer
	var mu sync.Mutex
	s := eager(New(Options{Width: 40, Height: 5, Replies: writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return replies.Write(p)
	})}))
	defer s.Close()
	var b bytes.Buffer
	for i := range 500 {
		if i == 100 {
			b.WriteString("\x1b]11;?\x07\x1b[6n")
		}
		fmt.Fprintf(&b, "line %d\r\n", i)
	}
	s.Write(b.Bytes())
	s.WaitIdle()
	if s.SkippedOutput().Runs == 0 {
		t.Fatal("nothing was squashed; the test needs a drop")
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		got := replies.String()
		mu.Unlock()
		if strings.Contains(got, "\x1b]11;") && strings.Contains(got, "R") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replies %q lack the answers", got)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestRenderEmulatorMatchesScreen(t *testing.T) {
	s := New(Options{Width: 20, Height: 4})
	defer s.Close()
	e := vt.NewEmulator(20, 4)
	defer e.Close()
	out := "plain \x1b[1;31mred\x1b[0m\r\n\x1b]52;c;aGk=\x07second\x1b[3;5Hthird"
	s.Write([]byte(out))
	s.WaitIdle()
	e.Write([]byte(out))
	got, want := RenderEmulator(e), s.Render(0)
	if strings.Join(got.Lines, "\n") != strings.Join(want.Lines, "\n") || got.CursorX != want.CursorX || got.CursorY != want.CursorY {
		t.Fatalf("emulator frame differs from the screen's:\n%q\n%q", got.Lines, want.Lines)
	}
	if !strings.Contains(got.Lines[0], "red") || strings.Contains(strings.Join(got.Lines, ""), "\x1b]") {
		t.Fatalf("frame %q", got.Lines)
	}
}

func TestOneLine(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"  rm\t-rf \n /  ", 0, "rm -rf /"},
		{"title\x1b]0;evil\x07 \x9bC", 0, "title]0;evil C"},
		{"héllo wörld", 8, "héllo w…"},
		{"héllo wörld", 11, "héllo wörld"},
		{strings.Repeat("x", 500), 0, strings.Repeat("x", 500)},
		// Invisible characters are shown as escapes; a line separator is
		// white space, and goes like a new line.
		{"rm -rf /srv/\u202e#\u200b /tmp", 0, `rm -rf /srv/\u202e#\u200b /tmp`},
		{"a\u2028b\u2029c\ufeff\u00ad", 0, `a b c\ufeff\u00ad`},
	}
	for _, c := range cases {
		if got := OneLine(c.in, c.max); got != c.want {
			t.Errorf("OneLine(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// Invisible is every character that changes the direction of text or is
// drawn as nothing: never one that is seen (letters, marks, emoji and
// their variation selectors, spaces).
func TestInvisible(t *testing.T) {
	invisible := []rune{
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, // embeddings and overrides
		0x2066, 0x2067, 0x2068, 0x2069, // isolates
		0x200e, 0x200f, 0x061c, // marks
		0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, // zero-width space, joiners, word joiner, BOM
		0x2028, 0x2029, 0x00ad, // line and paragraph separators, soft hyphen
		0x034f, 0x115f, 0x1160, 0x3164, 0xffa0, 0x180e, 0x2061, 0x2064, 0xfff9, // CGJ, fillers, other format characters
		0xe0001, 0xe0041, 0xe007f, // tags
	}
	for _, r := range invisible {
		if !Invisible(r) {
			t.Errorf("%U is not invisible", r)
		}
	}
	for _, r := range "az AZ09~ \t\u00a0\u00e9\u0301\u05d0\u0627\u2011\u2013\u2192\u2713\u65e5\ufe0f\U0001f600\ufffd" {
		if Invisible(r) {
			t.Errorf("%U is invisible", r)
		}
	}
	for r, want := range map[rune]string{0x202e: `\u202e`, 0xad: `\u00ad`, 0xe0041: `\U000e0041`} {
		if got := EscapeRune(r); got != want {
			t.Errorf("EscapeRune(%U) = %q, want %q", r, got, want)
		}
	}
	if got := ShowInvisible("é ✓ \u202eabc\u200b ❤\ufe0f"); got != `é ✓ \u202eabc\u200b ❤`+"\ufe0f" {
		t.Errorf("ShowInvisible: %q", got)
	}
}

func TestShrinkingKeepsTheCursorsRows(t *testing.T) {
	// 30 rows printed in a 48-row pane, then the pane loses 24 rows: the
	// last rows printed and the prompt stay in view, and the rows above
	// move into the scrollback, as tmux does; nothing is lost.
	s := New(Options{Width: 40, Height: 48})
	defer s.Close()
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(s, "row %d\r\n", i)
	}
	s.Write([]byte("$ \x1b[1mbold"))
	s.WaitIdle()
	s.Resize(40, 24)
	s.WaitIdle()
	f := s.Render(0)
	lines := strings.Split(s.Text(), "\n")
	if len(lines) < 24 || lines[23] != "$ bold" || f.CursorY != 23 || f.CursorX != 6 {
		t.Fatalf("cursor %d,%d; want the prompt on row 23, cursor after it\n%s", f.CursorX, f.CursorY, s.Text())
	}
	if lines[0] != "row 8" || lines[22] != "row 30" {
		t.Fatalf("rows 0 and 22 are %q and %q, want row 8 and row 30\n%s", lines[0], lines[22], s.Text())
	}
	hist := s.HistoryText()
	if len(hist) != 7 || hist[0] != "row 1" || hist[6] != "row 7" {
		t.Fatalf("history %q, want row 1 to row 7", hist)
	}
	// The pen is the agent's still: what it prints next is bold.
	s.Write([]byte("er"))
	s.WaitIdle()
	if !strings.Contains(s.Render(0).Lines[23], "\x1b[1mbolder") {
		t.Fatalf("row 23 after more output: %q", s.Render(0).Lines[23])
	}
	// A shrink the cursor survives scrolls nothing.
	s.Resize(40, 30)
	s.WaitIdle()
	s.Resize(40, 24)
	s.WaitIdle()
	if got := s.HistoryText(); len(got) != 7 {
		t.Fatalf("history grew to %d lines on a shrink that kept the cursor", len(got))
	}
}

func TestShrinkingLeavesAScrollRegionAlone(t *testing.T) {
	// With a scroll region the line feeds would scroll only the region:
	// the screen is left as x/vt crops it, for the agent to redraw.
	stream := []byte("\x1b[2;10r\x1b[1;1Htop\x1b[2;1Hin 2\x1b[9;1Hin 9\x1b[10;1Hin 10\x1b[9;5H")
	e := vt.NewEmulator(20, 10)
	go io.Copy(io.Discard, e)
	defer closeEmulator(e)
	e.Write(stream)
	e.Resize(20, 5)
	var want []string
	for y := range 5 {
		want = append(want, string(renderCells(nil, 20, func(x int) *uv.Cell { return e.CellAt(x, y) })))
	}

	s := New(Options{Width: 20, Height: 10})
	defer s.Close()
	s.Write(stream)
	s.WaitIdle()
	s.Resize(20, 5)
	s.WaitIdle()
	if got := s.Render(0).Lines; !slices.Equal(got, want) || len(s.HistoryText()) != 0 {
		t.Fatalf("got %q, history %q; want x/vt's own crop %q", got, s.HistoryText(), want)
	}
}
