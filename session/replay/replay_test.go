package replay

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/sentinel-console/sentinel/session/cast"
)

// writeCast writes a v2 recording from events.
func writeCast(t testing.TB, dir, name string, h cast.Header, events []cast.Event) string {
	t.Helper()
	var b strings.Builder
	if h.Version == 0 {
		h.Version = 2
	}
	hl, _ := json.Marshal(h)
	b.Write(hl)
	b.WriteByte('\n')
	for _, e := range events {
		l, _ := json.Marshal([]any{json.Number(fmt.Sprintf("%.6f", e.Time)), e.Code, e.Data})
		b.Write(l)
		b.WriteByte('\n')
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// randomSession makes output that exercises what an agent's terminal does:
// scrolling runs long enough to be compacted, colours, cursor moves,
// erasing, scroll regions, the alternate screen, wide characters, escape
// sequences and UTF-8 split across events, and resizes.
func randomSession(rng *rand.Rand, n int) []cast.Event {
	var evs []cast.Event
	at := 0.0
	pieces := []func() string{
		func() string { // a scrolling run
			var b strings.Builder
			for i := range 20 + rng.IntN(150) {
				fmt.Fprintf(&b, "line %d %s\r\n", i, strings.Repeat("x", rng.IntN(90)))
			}
			return b.String()
		},
		func() string {
			return fmt.Sprintf("\x1b[3%dmred\x1b[1;4%dm bold \x1b[38;2;%d;2;3mtrue\x1b[0m plain\r\n", rng.IntN(8), rng.IntN(8), rng.IntN(256))
		},
		func() string { return fmt.Sprintf("\x1b[%d;%dH*here*", 1+rng.IntN(40), 1+rng.IntN(100)) },
		func() string { return "\x1b[2J\x1b[H" },
		func() string { return "\x1b[K\x1b[1J" },
		func() string { return fmt.Sprintf("\x1b[%d;%dr", 1+rng.IntN(5), 6+rng.IntN(20)) },
		func() string { return "\x1b[r" },
		func() string { return "\x1b[?1049h\x1b[H alt screen \x1b[7m reversed \x1b[0m" },
		func() string { return "\x1b[?1049l" },
		func() string { return "wide: 日本語 e\u0301 🙂 \r\n" },
		func() string { return "\x1b7saved\x1b8\x1b[5Ctab\there\r\n" },
		func() string { return strings.Repeat("wrap", 40) },
		func() string { return "\x1b[3" }, // the rest of the sequence comes in the next event
		func() string { return "1mgreen?\x1b[0m\r\n" },
		func() string { return "\xe6\x97" }, // half a character (becomes U+FFFD in JSON)
		func() string { return "\x1b]0;title\x07\x1b]8;;http://x\x07link\x1b]8;;\x07\r\n" },
		func() string { return "\x1b[999CZ" }, // the cursor waits past the margin (pending wrap)
		func() string { return "\x1b[?7l" + strings.Repeat("nowrap", 30) + "\r\n" },
		func() string { return "\x1b[?7h\x1b[?25l" },
		func() string { return "\x1b[?25h\x1b[?6h\x1b[Horigin" },
		func() string { return "\x1b[?6l\x1b(0lqk\x1b(B\r\n" },
		func() string { return "\x1b[4h insert \x1b[4l" },
		func() string { return "\x1b[2L\x1b[3M\x1b[4P\x1b[2@\x1b[S\x1b[T" },
		func() string { // a frame redrawn by cursor addressing
			var b strings.Builder
			for row := range 10 + rng.IntN(30) {
				fmt.Fprintf(&b, "\x1b[%d;1H\x1b[2K\x1b[7m %4d \x1b[0m %s\x1b[3%dm●\x1b[m", 1+row, rng.IntN(9999), strings.Repeat("frame ", rng.IntN(15)), rng.IntN(8))
			}
			return b.String()
		},
	}
	for range n {
		at += rng.Float64() * 0.3
		switch rng.IntN(20) {
		case 0:
			evs = append(evs, cast.Event{Time: at, Code: cast.Resize, Data: fmt.Sprintf("%dx%d", 20+rng.IntN(120), 5+rng.IntN(40))})
		case 1:
			evs = append(evs, cast.Event{Time: at, Code: cast.Marker, Data: fmt.Sprintf("pause #%d [exec] high files.rm: rm -rf /", len(evs))})
		default:
			evs = append(evs, cast.Event{Time: at, Code: cast.Output, Data: pieces[rng.IntN(len(pieces))]()})
		}
	}
	return evs
}

// dump renders every cell of the screen with its attributes, the cursor and
// which screen is active: two dumps are equal only if the screens are.
func dump(e *vt.Emulator) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%dx%d alt=%v cursor=%v hidden=%v\n", e.Width(), e.Height(), e.IsAltScreen(), e.CursorPosition(), e.CursorHidden())
	for y := range e.Height() {
		for x := range e.Width() {
			c := e.CellAt(x, y)
			if c == nil {
				b.WriteString("∅")
				continue
			}
			fmt.Fprintf(&b, "%q/%d", c.Content, c.Width)
			if !c.Style.IsZero() {
				fmt.Fprintf(&b, "%v", c.Style)
			}
			if c.Link.URL != "" {
				b.WriteString("@" + c.Link.URL)
			}
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// reference plays a recording event by event into a plain emulator, with
// the package's reader (cast.ReadFile), not the indexer, and returns the
// screen dumped at each of the times ts (sorted).
func reference(t *testing.T, path string, ts []float64) []string {
	t.Helper()
	rec, err := cast.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e := newEmulator(rec.Header.Width, rec.Header.Height)
	drainReplies(e)
	defer func() { closeEmulator(e) }()
	out := make([]string, len(ts))
	i := 0
	for k, target := range ts {
		for ; i < len(rec.Events) && rec.Events[i].Time <= target; i++ {
			ev := rec.Events[i]
			func() {
				// x/vt panics on some sequences; the player then starts
				// over with a fresh emulator, and so does the reference.
				w, h := e.Width(), e.Height()
				if ev.Code == cast.Resize {
					w, h, _ = parseSize(ev.Data)
				}
				defer func() {
					if recover() != nil {
						closeEmulator(e)
						e = newEmulator(w, h)
						drainReplies(e)
					}
				}()
				switch ev.Code {
				case cast.Output:
					e.Write([]byte(ev.Data))
				case cast.Resize:
					if w != e.Width() || h != e.Height() {
						e.Resize(w, h)
					}
				}
			}()
		}
		out[k] = dump(e)
	}
	return out
}

func TestSeekEqualsPlayingEventByEvent(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			evs := randomSession(rng, 700)
			path := writeCast(t, t.TempDir(), "s.cast", cast.Header{Width: 100, Height: 30}, evs)
			rec, err := Open(path, Options{SnapshotBytes: 16 << 10, SnapshotSeconds: 3, MaxSnapshots: 6})
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Skipped()) != 0 {
				t.Fatalf("skipped: %v", rec.Skipped())
			}
			end := rec.Duration()
			ts := []float64{0, end, end + 5}
			for range 40 {
				ts = append(ts, rng.Float64()*end)
			}
			// Also exactly at event times, where ties matter.
			for range 10 {
				ts = append(ts, evs[rng.IntN(len(evs))].Time)
			}
			sorted := append([]float64(nil), ts...)
			sort.Float64s(sorted)
			want := reference(t, path, sorted)
			wantAt := map[float64]string{}
			for i, x := range sorted {
				wantAt[x] = want[i]
			}
			// One player seeks in random order (back and forth across
			// snapshots); a second one starts after the first has filled
			// in the snapshots.
			restores, modelled := 0, 0
			for round := range 2 {
				p, err := rec.Player()
				if err != nil {
					t.Fatal(err)
				}
				rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
				for _, x := range ts {
					if err := p.Seek(x); err != nil {
						t.Fatal(err)
					}
					if got := dump(p.Screen()); got != wantAt[x] {
						t.Fatalf("round %d: screen after Seek(%.6f) differs from playing to it:\n%s", round, x, firstDiff(got, wantAt[x]))
					}
				}
				restores += p.restores
				modelled += p.modelled
				p.Close()
			}
			if restores == 0 {
				t.Fatal("no seek started from a snapshot: the test did not test them")
			}
			if modelled == 0 {
				t.Fatal("the fast-forward model replaced nothing: the test did not test it")
			}
			if rec.Snapshots() == 0 {
				t.Fatal("no snapshots were taken: the test did not test them")
			}
			if rec.Snapshots() > 6 {
				t.Fatalf("%d snapshots kept, limit 6", rec.Snapshots())
			}
		})
	}
}

// TestPlaybackEqualsSeek plays with Advance in small steps and compares
// with seeking, so playback and seeking agree too.
func TestAdvanceEqualsPlayingEventByEvent(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	evs := randomSession(rng, 300)
	path := writeCast(t, t.TempDir(), "s.cast", cast.Header{Width: 80, Height: 24}, evs)
	rec, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ts []float64
	for x := 0.0; x < rec.Duration()+1; x += 0.37 {
		ts = append(ts, x)
	}
	want := reference(t, path, ts)
	p, _ := rec.Player()
	defer p.Close()
	for i, x := range ts {
		p.Advance(x - p.Pos())
		if got := dump(p.Screen()); got != want[i] {
			t.Fatalf("after advancing to %.2f:\n%s", x, firstDiff(got, want[i]))
		}
	}
	if !p.Done() {
		t.Fatal("not done at the end")
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("row %d\n got: %.300s\nwant: %.300s", i-1, a, b)
		}
	}
	return "(same)"
}

// A player reads ahead on its own goroutine; every reposition replaces that
// reader, and Close stops the last one, which would otherwise wait forever
// to hand over what it read.
func TestPlayerLeavesNoReaderBehind(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	path := writeCast(t, t.TempDir(), "s.cast", cast.Header{Width: 80, Height: 24}, randomSession(rng, 8000))
	rec, err := Open(path, Options{SnapshotBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	before := runtime.NumGoroutine()
	p, err := rec.Player()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{rec.Duration() / 10, 0, rec.Duration() / 20} {
		if err := p.Seek(x); err != nil {
			t.Fatal(err)
		}
	}
	p.Seek(0.001) // a reader is now well ahead of the player
	p.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after Close, %d before the player", n, before)
	}
}
