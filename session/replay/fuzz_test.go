package replay

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func FuzzDecodeData(f *testing.F) {
	for _, s := range []string{`"plain"`, `"\u001b[31mred\r\n"`, `"\ud83d\ude42"`, `"\ud83d"`, `"a\"b\\c\/d\b\f\t"`, "\"\xff\"", `"\u00e9"`, `"\x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
			return
		}
		var want string
		werr := json.Unmarshal(data, &want)
		got, err := decodeData(nil, data)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: error %v, encoding/json %v", data, err, werr)
		}
		if err == nil && string(got) != want {
			t.Fatalf("%q: got %q, encoding/json %q", data, got, want)
		}
	})
}

// FuzzOpen opens arbitrary bytes as a recording and plays all of it: no
// panic, and everything skipped is listed with a line number.
func FuzzOpen(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.cast")
	for _, s := range seeds {
		b, _ := os.ReadFile(s)
		f.Add(b)
	}
	f.Add([]byte("{\"version\": 2, \"width\": 10, \"height\": 3}\n[0.1, \"o\", \"\\u001b[3\"]\n[0.2, \"o\", \"1mx\"]\n[0.3, \"r\", \"5x2\"]\n[0.4, \"m\", \"pause #1 x\"]\n[0.5, \"o\", \"\\u001b[2;9r\\u001b[M\"]\n[0.6"))
	f.Add([]byte("{\"version\": 3, \"term\": {\"cols\": 4, \"rows\": 2}}\n# c\n[0.5, \"o\", \"ab\\r\\ncd\"]\n[1, \"x\", 0]\n"))
	f.Add([]byte("{\"version\": 1, \"width\": 5, \"height\": 2, \"stdout\": [[0.1, \"hi\"], [1, \"x\"]]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.cast")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// The streaming Reader (sentinel scan's) on the same bytes: no
		// panic, and it ends.
		if r, err := NewReader(bytes.NewReader(data), Options{MaxLine: 1 << 10}, nil); err == nil {
			for range len(data) + 1 {
				if _, err := r.Next(); err != nil {
					break
				}
			}
		}
		rec, err := Open(path, Options{MaxLine: 1 << 10, SnapshotBytes: 64, SnapshotSeconds: 0.1, MaxSnapshots: 3})
		if err != nil {
			return
		}
		defer rec.Close()
		for _, s := range rec.Skipped() {
			if s.Line <= 0 && rec.Header.Version != 1 {
				t.Fatalf("skip without a line number: %+v", s)
			}
		}
		p, err := rec.Player()
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		p.Seek(rec.Duration())
		p.Seek(rec.Duration() / 2)
		p.Seek(0)
		for range 50 {
			if _, _, ok := p.Step(); !ok {
				break
			}
		}
		_ = rec.Text(0, rec.Duration(), func(TextLine) bool { return true })
		rec.NextMarker(0)
	})
}

// special must see a control character, backslash or quote at any of the
// eight places, next to anything else; unquote skips words it calls plain.
func TestSpecialSeesEveryByteThatNeedsALook(t *testing.T) {
	for _, fill := range []byte{'a', 0x7f, 0x80, 0xff, ' '} {
		for pos := range 8 {
			for b := range 256 {
				w := []byte{fill, fill, fill, fill, fill, fill, fill, fill}
				w[pos] = byte(b)
				want := b < 0x20 || b == '\\' || b == '"'
				if got := special(binary.LittleEndian.Uint64(w)); got != want {
					t.Fatalf("special(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}
