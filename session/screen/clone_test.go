package screen

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/x/vt"
)

func cellDump(e *vt.Emulator) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%dx%d alt=%v cur=%v\n", e.Width(), e.Height(), e.IsAltScreen(), e.CursorPosition())
	for y := range e.Height() {
		for x := range e.Width() {
			if c := e.CellAt(x, y); c != nil {
				fmt.Fprintf(&b, "%q%v|", c.Content, c.Style)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func drained(w, h int) *vt.Emulator {
	e := vt.NewEmulator(w, h)
	go io.Copy(io.Discard, e)
	return e
}

// Each case leaves private state behind in prefix that only suffix shows:
// a copy that lost it draws suffix differently.
func TestCloneEmulatorKeepsPrivateState(t *testing.T) {
	cases := map[string][2]string{
		"pending wrap":  {"\x1b[999CZ", "after"},
		"tab stops":     {"\x1b[3g\x1b[13G\x1bH\r", "\ta"},
		"charset":       {"\x1b(0", "lqk"},
		"scroll region": {"\x1b[2;4r\x1b[4;1H", "a\nb\nc\nd\n"},
		"saved cursor":  {"\x1b[3;7H\x1b7\x1b[H", "\x1b8x"},
		"pen":           {"\x1b[1;31;44m", "red"},
		"alt screen":    {"main\x1b[?1049halt", "\x1b[?1049l!"},
		"autowrap off":  {"\x1b[?7l", strings.Repeat("w", 50)},
		"origin mode":   {"\x1b[3;5r\x1b[?6h", "\x1b[Ho"},
		"insert mode":   {"abc\x1b[4h\x1b[1G", "X"},
		"repeat":        {"q", "\x1b[5b"},
	}
	for name, c := range cases {
		for how, copyOf := range copiers {
			t.Run(how+"/"+name, func(t *testing.T) {
				orig := drained(20, 6)
				orig.Write([]byte(c[0]))
				dupe, err := copyOf(orig)
				if err != nil {
					t.Fatal(err)
				}
				go io.Copy(io.Discard, dupe)
				orig.Write([]byte(c[1]))
				dupe.Write([]byte(c[1]))
				if a, b := cellDump(dupe), cellDump(orig); a != b {
					t.Fatalf("copy:\n%s\noriginal:\n%s", a, b)
				}
				// The original must not have been changed through the copy.
				again := drained(20, 6)
				again.Write([]byte(c[0] + c[1]))
				if a, b := cellDump(orig), cellDump(again); a != b {
					t.Fatalf("original changed by its copy:\n%s\nwant:\n%s", a, b)
				}
			})
		}
	}
}

// copiers are the two ways to copy an emulator: directly, and frozen then
// thawed.
var copiers = map[string]func(*vt.Emulator) (*vt.Emulator, error){
	"clone": CloneEmulator,
	"freeze": func(e *vt.Emulator) (*vt.Emulator, error) {
		f, err := Freeze(e)
		if err != nil {
			return nil, err
		}
		return f.Thaw()
	},
}

// A frozen screen of varied cells (colours of every kind, attributes, wide
// and combining characters, links, blank runs, both screens) thaws to the
// same cells, as often as asked, each thaw independent of the others, and
// packs into a small fraction of the live cells' size.
func TestFreezeThawsTheSameCells(t *testing.T) {
	var b strings.Builder
	b.WriteString("main screen \x1b]8;;https://x.test\x07link\x1b]8;;\x07 plain\r\n\x1b[?1049h")
	for i := range 400 {
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "\x1b[38;5;%dm%d", i%256, i)
		case 1:
			fmt.Fprintf(&b, "\x1b[1;3;48;2;%d;%d;%dm世界", i%256, (i*3)%256, (i*7)%256)
		case 2:
			fmt.Fprintf(&b, "\x1b[4:3;58;5;%dme\u0301", i%256)
		case 3:
			b.WriteString("\x1b[0m        ")
		case 4:
			fmt.Fprintf(&b, "\x1b[9%dm\x1b[7m🙂", i%8)
		default:
			b.WriteString("\x1b[0m\r\n")
		}
	}
	orig := drained(80, 24)
	orig.Write([]byte(b.String()))
	f, err := Freeze(orig)
	if err != nil {
		t.Fatal(err)
	}
	want := cellDump(orig)
	one, err := f.Thaw()
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, one)
	if got := cellDump(one); got != want {
		t.Fatalf("thawed:\n%s\nfrozen:\n%s", got, want)
	}
	one.Write([]byte("\x1b[Hchanged\x1b[?1049lmain too"))
	two, err := f.Thaw()
	if err != nil {
		t.Fatal(err)
	}
	if got := cellDump(two); got != want {
		t.Fatalf("a second thaw saw the first one's writes:\n%s", got)
	}
	two.Write([]byte("\x1b[?1049l"))
	orig.Write([]byte("\x1b[?1049l"))
	if a, w := cellDump(two), cellDump(orig); a != w {
		t.Fatalf("main screen thawed:\n%s\nfrozen:\n%s", a, w)
	}
	if live := 2 * 80 * 24 * 112; f.Size() > live/8 {
		t.Fatalf("packed into %d bytes, live cells take %d", f.Size(), live)
	}
}

func TestCloneRefusesMidSequence(t *testing.T) {
	e := drained(10, 3)
	e.Write([]byte("\x1b[3"))
	if InGroundState(e) {
		t.Fatal("mid-sequence reported as ground state")
	}
	if _, err := CloneEmulator(e); err == nil {
		t.Fatal("copied an emulator inside an escape sequence")
	}
}

func TestCloneKnowsEveryField(t *testing.T) {
	if err := checkEmulatorLayout(); err != nil {
		t.Fatal(err)
	}
}

// The compactor must leave the screen as full emulation does, and drop
// something on plain scrolling output.
func TestCompactorScreenEqualsFullEmulation(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "\x1b[3%dmline %d\x1b[0m\r\n", i%8, i)
	}
	b.WriteString("\x1b[5;3Hend")
	full := drained(30, 10)
	full.Write([]byte(b.String()))
	c := NewCompactor(30, 10)
	out, d := c.Compact([]byte(b.String()))
	if len(d) == 0 || len(out) >= b.Len()/2 {
		t.Fatalf("nothing dropped (%d of %d bytes kept)", len(out), b.Len())
	}
	fast := drained(30, 10)
	fast.Write(out)
	if a, w := cellDump(fast), cellDump(full); a != w {
		t.Fatalf("compacted:\n%s\nfull:\n%s", a, w)
	}
}

// A long run is dropped step by step as it is scanned; each further drop of
// the same run replaces the stand-in before it, so the emulator gets one
// marker line for the run and still ends as full emulation does, pen
// included (the final write shows it).
func TestCompactorMergesALongRunIntoOneMarker(t *testing.T) {
	cases := map[string]func(i int) string{
		"reset every line": func(i int) string { return fmt.Sprintf("\x1b[3%dmline %d\x1b[0m\r\n", i%8, i) },
		"never reset":      func(i int) string { return fmt.Sprintf("\x1b[3%dmline %d\r\n", i%8, i) },
		"bold once, colours after": func(i int) string {
			if i == 3 {
				return "\x1b[1mbold from here\r\n"
			}
			return fmt.Sprintf("\x1b[4%dmline %d\r\n", i%8, i)
		},
		"reset now and then": func(i int) string {
			if i%700 == 0 {
				return "\x1b[0;7mreverse\r\n"
			}
			return fmt.Sprintf("\x1b[3%dm%d\r\n", i%8, i)
		},
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			for i := range 5000 {
				b.WriteString(line(i))
			}
			b.WriteString("\x1b[5;3Hend")
			full := drained(30, 10)
			full.Write([]byte(b.String()))
			c := NewCompactor(30, 10)
			out, d := c.Compact([]byte(b.String()))
			if len(d) != 1 || strings.Count(string(out), "sentinel skipped") != 1 {
				t.Fatalf("%d drops and %d marker lines for one run, want 1 and 1", len(d), strings.Count(string(out), "sentinel skipped"))
			}
			if d[0].To-d[0].From < b.Len()*9/10 {
				t.Fatalf("the drop covers %d of %d bytes", d[0].To-d[0].From, b.Len())
			}
			fast := drained(30, 10)
			fast.Write(out)
			if a, w := cellDump(fast), cellDump(full); a != w {
				t.Fatalf("compacted:\n%s\nfull:\n%s", a, w)
			}
		})
	}
}

// A compactor started from an emulator's state, after output it did not
// see, leaves the screen as full emulation does: it must not believe in a
// full scroll region, the main screen or no margins when the emulator has
// other ones.
func TestCompactorForAnEmulatorMidStream(t *testing.T) {
	var run strings.Builder
	for i := range 400 {
		fmt.Fprintf(&run, "\x1b[3%dmline %d\x1b[0m\r\n", i%8, i)
	}
	run.WriteString("\x1b[5;3Hend")
	prefixes := map[string]string{
		"plain":              "hello\r\n",
		"scroll region":      "\x1b[2;6r\x1b[6;1H",
		"alternate screen":   "\x1b[?1049h\x1b[3;1H",
		"region on alt only": "\x1b[?1049h\x1b[3;7r\x1b[7;1H",
		"region, then alt":   "\x1b[2;6r\x1b[?1049h\x1b[10;1H",
		"left/right margins": "\x1b[?69h\x1b[3;20s\x1b[10;3H",
		"reset region":       "\x1b[2;6r\x1b[r\x1b[10;1H",
	}
	for name, prefix := range prefixes {
		t.Run(name, func(t *testing.T) {
			full := drained(30, 10)
			full.Write([]byte(prefix + run.String()))
			fast := drained(30, 10)
			fast.Write([]byte(prefix))
			c, ok := NewCompactorFor(fast)
			if !ok {
				t.Fatal("no compactor for an emulator between sequences")
			}
			out, drops := c.Compact([]byte(run.String()))
			fast.Write(out)
			if a, w := cellDump(fast), cellDump(full); a != w {
				t.Fatalf("compacted:\n%s\nfull:\n%s", a, w)
			}
			if (name == "plain" || name == "reset region" || name == "alternate screen") && len(drops) == 0 {
				t.Fatal("nothing dropped from a plain scrolling run")
			}
		})
	}
	mid := drained(30, 10)
	mid.Write([]byte("\x1b[3"))
	if _, ok := NewCompactorFor(mid); ok {
		t.Fatal("a compactor for an emulator inside a sequence")
	}
}
