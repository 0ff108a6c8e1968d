package screen

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/vt"
)

// randomTUI is output from a random full-screen program: mostly what the
// model reads (printing, cursor moves, erases, SGR, pass-through modes),
// with what it does not (wide and combining characters, tabs, scrolling,
// scroll regions, REP, titles, the alternate screen, autowrap off) mixed
// in. Small screens make wraps, the pending wrap and the bottom row common.
// It returns the bytes and the event ends.
func randomTUI(rng *rand.Rand, events int) ([]byte, []int) {
	var b []byte
	var bounds []int
	n := func(max int) int { return rng.IntN(max) }
	param := func() string {
		switch n(4) {
		case 0:
			return ""
		case 1:
			return "0"
		default:
			return fmt.Sprint(n(14))
		}
	}
	texts := []string{"a", "hello", "x", "0123456789abcdef", " ", "é", "e\u0301", "世", "●", "⎿ ", "─", "🙂", "a\u0301b"}
	sgrs := []string{"\x1b[m", "\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[44m", "\x1b[38;5;200m", "\x1b[0;7m", "\x1b[;4m", "\x1b[48:2::1:2:3m", "\x1b[1;0;42m", "\x1b[22m"}
	for range events {
		for range 1 + n(12) {
			switch k := n(100); {
			case k < 30:
				if n(4) == 0 {
					b = append(b, texts[n(len(texts))]...)
				} else {
					b = append(b, texts[n(5)]...) // ASCII
				}
				if n(3) == 0 {
					b = append(b, strings.Repeat("z", n(25))...)
				}
			case k < 40:
				b = append(b, sgrs[n(len(sgrs))]...)
			case k < 50:
				b = fmt.Appendf(b, "\x1b[%s;%sH", param(), param())
			case k < 60:
				b = fmt.Appendf(b, "\x1b[%s%c", param(), "ABCDEFGdHf"[n(10)])
			case k < 68:
				b = fmt.Appendf(b, "\x1b[%s%c", []string{"", "0", "1", "2", "3"}[n(5)], "KJ"[n(2)])
			case k < 72:
				b = fmt.Appendf(b, "\x1b[%sX", param())
			case k < 80:
				b = append(b, []string{"\r", "\n", "\r\n", "\b", "\a"}[n(5)]...)
			case k < 87:
				b = append(b, []string{"\x1b[?25l", "\x1b[?25h", "\x1b[?2026h", "\x1b[?2026l", "\x1b[?1000;1006h", "\x1b[?1000l", "\x1b[?2004h"}[n(7)]...)
			case k < 88:
				b = append(b, []string{"\t", "\x1b[3b", "\x1b]0;title\a", "\x1b[2;4r", "\x1b[r", "\x1b7", "\x1b8", "\x1bM"}[n(8)]...)
			case k < 90:
				b = append(b, []string{"\x1b[?1049h", "\x1b[?1049l", "\x1b[?7l", "\x1b[?7h", "\x1b(0", "\x1b(B", "\x1b[4h", "\x1b[4l"}[n(8)]...)
			default:
				// A full-width row at a random place: pending wraps.
				b = fmt.Appendf(b, "\x1b[%d;1H%s", 1+n(6), strings.Repeat(string(rune('A'+n(26))), 10+n(3)))
			}
		}
		bounds = append(bounds, len(b))
	}
	return b, bounds
}

// emulatorState is what a seek must reproduce: the cells and the cursor,
// and the private state later output depends on.
func emulatorState(e *vt.Emulator) string {
	v := reflect.ValueOf(e).Elem()
	scr := private(v.FieldByName("scr")).Elem()
	cur := private(scr.FieldByName("cur")).Interface().(vt.Cursor)
	modes := fmt.Sprint(private(v.FieldByName("modes")).Interface())
	return fmt.Sprintf("%s phantom=%v last=%q pen=%v link=%v hidden=%v modes=%s",
		cellDump(e), private(v.FieldByName("atPhantom")).Bool(), rune(private(v.FieldByName("lastChar")).Int()),
		cur.Pen, cur.Link, cur.Hidden, modes)
}

// write feeds e, reporting false if x/vt panicked.
func write(e *vt.Emulator, b []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	e.Write(b)
	return true
}

// probe is output whose effect shows the state the dump cannot: a pending
// wrap, the last character (REP), the pen.
const probe = "P\x1b[2bq"

func checkFastForward(t *testing.T, seed uint64, w, h int) (replaced, total int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	prefix, _ := randomTUI(rng, 3)
	body, bounds := randomTUI(rng, 40)

	// Closed at the end: a drained emulator's reader goroutine holds it
	// (and its 4 MB parse buffer) until then, and the fuzzer runs this
	// millions of times in one process.
	want := drained(w, h)
	defer closeInput(want) // not Close: x/vt's Close races with its Read
	ok := write(want, prefix)
	from := 0
	for _, b := range bounds {
		ok = ok && write(want, body[from:b])
		from = b
	}
	if !ok {
		// x/vt panics on some output (replay then starts a new emulator);
		// there is no state to compare.
		return 0, 0
	}

	got := drained(w, h)
	defer closeInput(got)
	got.Write(prefix)
	var ff FastForward
	ff.minModelled = 1
	replaced = ff.Feed(func() *vt.Emulator { return got }, body, bounds, func(b []byte) { got.Write(b) })
	if ff.recovered != 0 {
		t.Fatalf("seed %d %dx%d: the model panicked %d times", seed, w, h, ff.recovered)
	}

	if a, b := emulatorState(got), emulatorState(want); a != b {
		t.Fatalf("seed %d %dx%d: fast-forwarded state differs from emulation\n%s", seed, w, h, firstLineDiff(a, b))
	}
	got.Write([]byte(probe))
	want.Write([]byte(probe))
	if a, b := cellDump(got), cellDump(want); a != b {
		t.Fatalf("seed %d %dx%d: after the probe the states differ\n%s", seed, w, h, firstLineDiff(a, b))
	}
	return replaced, len(body)
}

func firstLineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n fast: %s\n emul: %s", i, x, y)
		}
	}
	return "(same)"
}

// The model and the emulator agree on random output, and the model does
// replace a good part of it (a test that replaced nothing would prove
// nothing).
func TestFastForwardEqualsEmulation(t *testing.T) {
	replaced, total := 0, 0
	seeds := uint64(800)
	if raceEnabled {
		seeds = 100 // the race detector slows it tenfold; the fuzzer goes further
	}
	for seed := range seeds {
		w, h := 8+int(seed%5)*3, 4+int(seed%3)
		r, n := checkFastForward(t, seed, w, h)
		replaced += r
		total += n
	}
	if replaced < total/8 {
		t.Fatalf("the model replaced %d of %d bytes", replaced, total)
	}
	t.Logf("replaced %d of %d bytes", replaced, total)
}

func FuzzFastForwardEqualsEmulation(f *testing.F) {
	f.Add(uint64(1), uint8(10), uint8(5))
	f.Fuzz(func(t *testing.T, seed uint64, w, h uint8) {
		checkFastForward(t, seed, 2+int(w%40), 2+int(h%12))
	})
}

// On a full-screen redraw the model replaces nearly everything.
func TestFastForwardReplacesARedraw(t *testing.T) {
	var b []byte
	var bounds []int
	for frame := range 200 {
		for row := range 24 {
			b = fmt.Appendf(b, "\x1b[%d;1H\x1b[2K\x1b[7m %6d \x1b[0m %s", row+1, frame*24+row, strings.Repeat("tui ", 15))
		}
		bounds = append(bounds, len(b))
	}
	want := drained(80, 24)
	want.Write(b)
	got := drained(80, 24)
	var ff FastForward
	replaced := ff.Feed(func() *vt.Emulator { return got }, b, bounds, func(p []byte) { got.Write(p) })
	if replaced < len(b)*9/10 {
		t.Fatalf("replaced %d of %d bytes", replaced, len(b))
	}
	if a, w := emulatorState(got), emulatorState(want); a != w {
		t.Fatal(firstLineDiff(a, w))
	}
}
