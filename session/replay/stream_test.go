package replay

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sentinel-console/sentinel/session/cast"
)

// readAll reads src with a Reader, as sentinel scan does.
func readAll(t *testing.T, src io.Reader, opts Options) (h cast.Header, evs []Event, skips []Skip, err error) {
	t.Helper()
	r, err := NewReader(src, opts, func(s Skip) { skips = append(skips, s) })
	if err != nil {
		return h, nil, nil, err
	}
	for {
		ev, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return r.Header, evs, skips, err
		}
		ev.Data = slices.Clone(ev.Data)
		evs = append(evs, ev)
	}
}

// A Reader, reading once from a pipe, sees what Open and a player see:
// the same header, events, markers and times, and the same damaged lines
// skipped, whatever the version.
func TestReaderAgreesWithOpen(t *testing.T) {
	dir := t.TempDir()
	// Damage the player only finds when it decodes the output: a raw NUL
	// (invalid in a JSON string), a bad escape; and times past float64.
	damaged := filepath.Join(dir, "damaged.cast")
	os.WriteFile(damaged, []byte(`{"version":2,"width":80,"height":24}`+"\n"+
		`[0.1,"o","hello\r\n"]`+"\n"+
		`[0.2,"o","oops`+"\n"+
		"[0.25,\"o\",\"nul\x00byte\"]\n"+
		`[0.26,"o","bad \x escape"]`+"\n"+
		`[1e400,"o","far"]`+"\n"+
		`[0.3,"o","$ rm -rf /\r\n"]`+"\n"+
		`[0.4,"m","exit: 0"]`+"\n"), 0o600)
	pretty := filepath.Join(dir, "pretty-v1.json")
	os.WriteFile(pretty, []byte("{\n  \"version\": 1,\n  \"width\": 10,\n  \"height\": 3,\n  \"stdout\": [\n    [0.5, \"a\\r\\n\"],\n    [\"x\", 1],\n    [1.0, \"b\"]\n  ]\n}\n"), 0o600)
	v3 := filepath.Join(dir, "overflow-v3.cast")
	os.WriteFile(v3, []byte(`{"version": 3, "term": {"cols": 4, "rows": 2}}`+"\n"+
		`[1e308, "o", "a"]`+"\n"+`[1e308, "o", "b"]`+"\n"+`[1, "o", "c"]`+"\n"), 0o600)

	files := []string{damaged, pretty, v3, "testdata/corrupt.cast", "testdata/v1.json", "testdata/v3.cast", "testdata/asciinema.cast", "testdata/20260424T090000Z-ab12cd34.cast"}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rec := open(t, path, Options{IdleLimit: 2})
			p, err := rec.Player()
			if err != nil {
				t.Fatal(err)
			}
			p.Seek(rec.Duration()) // decodes every output event: bad data is listed
			p.Close()

			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// One byte at a time, and no Seek: a pipe.
			h, evs, skips, err := readAll(t, iotest.OneByteReader(f), Options{IdleLimit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if h.Version != rec.Header.Version || h.Width != rec.Header.Width || h.Height != rec.Header.Height {
				t.Errorf("header %+v, Open's %+v", h, rec.Header)
			}
			var want []string
			for _, s := range rec.Skipped() {
				want = append(want, s.String())
			}
			var got []string
			for _, s := range skips {
				got = append(got, s.String())
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("skipped\n%q\nOpen and the player skipped\n%q", got, want)
			}
			var markers []string
			for _, ev := range evs {
				// Times that add up past float64 (v3) are skipped: a
				// finding at +Inf has no place and no JSON number.
				if math.IsInf(ev.Time, 0) || math.IsNaN(ev.Time) || math.IsInf(ev.Recorded, 0) || math.IsNaN(ev.Recorded) {
					t.Errorf("line %d: time %v recorded %v", ev.Line, ev.Time, ev.Recorded)
				}
				switch ev.Code {
				case cast.Marker:
					markers = append(markers, fmt.Sprintf("%g %s", ev.Time, ev.Data))
				case cast.Exit:
					markers = append(markers, fmt.Sprintf("%g exit: %s", ev.Time, ev.Data))
				}
			}
			var wantMarkers []string
			for _, m := range rec.Markers() {
				wantMarkers = append(wantMarkers, fmt.Sprintf("%g %s", m.Time, m.Label))
			}
			if !slices.Equal(markers, wantMarkers) {
				t.Errorf("markers %q, Open's %q", markers, wantMarkers)
			}
			// Open indexes an event whose data does not decode; the
			// player then lists it (extra) and the Reader skips it.
			if n := len(evs) + len(rec.extra); n != rec.Events() {
				t.Errorf("%d events (and %d skipped), Open indexed %d", len(evs), len(skips), rec.Events())
			}
			if len(evs) > 0 && evs[len(evs)-1].Time != rec.Duration() {
				t.Errorf("last event at %v, Open's duration %v", evs[len(evs)-1].Time, rec.Duration())
			}
		})
	}

	_, evs, skips, err := readAll(t, strings.NewReader(mustRead(t, damaged)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range skips {
		lines = append(lines, fmt.Sprint(s.Line))
	}
	if strings.Join(lines, ",") != "3,4,5,6" {
		t.Errorf("damaged lines %v, want 3 to 6: %v", lines, skips)
	}
	if len(evs) != 3 || string(evs[1].Data) != "$ rm -rf /\r\n" || evs[1].Line != 7 {
		t.Errorf("the events after the damage: %+v", evs)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A v1 document that breaks off ends the reading with an error, after
// every frame before the break was returned; a bad header is an error.
func TestReaderErrors(t *testing.T) {
	_, evs, _, err := readAll(t, strings.NewReader(`{"version": 1, "width": 5, "height": 2, "stdout": [[0.5, "a"], [1.0, "b"], [2`), Options{})
	if err == nil || !strings.Contains(err.Error(), "asciicast v1") || len(evs) != 2 {
		t.Fatalf("torn v1: %d events, error %v", len(evs), err)
	}
	for _, body := range []string{"", "hello\n", `{"version": 9}` + "\n"} {
		if _, err := NewReader(strings.NewReader(body), Options{}, nil); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
}
