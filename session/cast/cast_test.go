package cast

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func newWriter(t *testing.T) (*Writer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "dir", "s.cast")
	w, err := Create(path, Header{Width: 80, Height: 24, Command: "bash", Env: map[string]string{"TERM": "xterm-256color"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w, path
}

func TestRoundTrip(t *testing.T) {
	w, path := newWriter(t)
	w.Output([]byte("hello \x1b[31mred\x1b[0m\r\n"))
	w.Resize(100, 30)
	w.Marker("start: bash")
	w.Input([]byte("ls\r"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Header.Version != 2 || rec.Header.Width != 80 || rec.Header.Height != 24 || rec.Header.Command != "bash" || rec.Header.Timestamp == 0 {
		t.Fatalf("header = %+v", rec.Header)
	}
	want := []Event{{0, "o", "hello \x1b[31mred\x1b[0m\r\n"}, {0, "r", "100x30"}, {0, "m", "start: bash"}, {0, "i", "ls\r"}}
	if len(rec.Events) != len(want) {
		t.Fatalf("events = %+v", rec.Events)
	}
	for i, ev := range rec.Events {
		if ev.Code != want[i].Code || ev.Data != want[i].Data {
			t.Errorf("event %d = %+v, want %+v", i, ev, want[i])
		}
		if i > 0 && ev.Time < rec.Events[i-1].Time {
			t.Errorf("event %d goes back in time", i)
		}
	}
}

func TestFileModes(t *testing.T) {
	w, path := newWriter(t)
	w.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", di.Mode().Perm())
	}
}

func TestSplitUTF8IsJoined(t *testing.T) {
	w, path := newWriter(t)
	s := []byte("→ wide 漢字 done")
	// Feed one byte at a time: every multi-byte character is split.
	for i := range s {
		w.Output(s[i : i+1])
	}
	w.Close()
	rec, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, ev := range rec.Events {
		got.WriteString(ev.Data)
	}
	if got.String() != string(s) {
		t.Fatalf("joined output = %q, want %q", got.String(), s)
	}
}

func TestInvalidUTF8BecomesReplacement(t *testing.T) {
	w, path := newWriter(t)
	w.Output([]byte("a\xffb\xc3"))
	w.Close() // the dangling \xc3 is flushed as a replacement character
	rec, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, ev := range rec.Events {
		got.WriteString(ev.Data)
	}
	if got.String() != "a\ufffdb\ufffd" {
		t.Fatalf("got %q", got.String())
	}
}

func TestMarkerIsWrittenAtOnce(t *testing.T) {
	w, path := newWriter(t)
	defer w.Close()
	w.Output([]byte("before"))
	w.Marker("exit 0")
	// No Close, no Flush: the marker (and everything before it) must
	// already be in the file, as after a crash.
	rec, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Events) != 2 || rec.Events[1].Data != "exit 0" {
		t.Fatalf("events on disk = %+v", rec.Events)
	}
}

func TestTornLastLineIsDropped(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "torn.cast")
	body := `{"version": 2, "width": 80, "height": 24}
[0.1, "o", "one"]
[0.2, "o", "tw`
	os.WriteFile(path, []byte(body), 0o600)
	rec, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Torn || len(rec.Events) != 1 {
		t.Fatalf("rec = %+v", rec)
	}
}

func TestBadMiddleLineNamesLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.cast")
	os.WriteFile(path, []byte("{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"one\"]\nnot json\n[0.3, \"o\", \"x\"]\n"), 0o600)
	rec, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "bad.cast:3:") {
		t.Fatalf("err = %v", err)
	}
	if len(rec.Events) != 1 {
		t.Fatalf("kept %d events before the bad line, want 1", len(rec.Events))
	}
}

func TestReadV3(t *testing.T) {
	body := `{"version": 3, "term": {"cols": 100, "rows": 30}, "timestamp": 1700000000}
# a comment
[0.5, "o", "a"]
[1.0, "o", "b"]
[0.25, "x", "0"]
`
	rec, err := Read(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Header.Width != 100 || rec.Header.Height != 30 {
		t.Fatalf("header %+v", rec.Header)
	}
	times := []float64{0.5, 1.5, 1.75}
	for i, ev := range rec.Events {
		if ev.Time != times[i] {
			t.Errorf("event %d at %v, want %v", i, ev.Time, times[i])
		}
	}
	if rec.Events[2].Code != "x" || rec.Events[2].Data != "0" {
		t.Errorf("exit event %+v", rec.Events[2])
	}
}

func TestRejectsBadHeader(t *testing.T) {
	for _, body := range []string{"", "{}", `{"version": 9, "width": 1, "height": 1}`, `{"version": 2, "width": 0, "height": 5}`, "garbage"} {
		if _, err := Read(strings.NewReader(body)); err == nil {
			t.Errorf("Read(%q) accepted a bad header", body)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31m\"q\"\\\n\r\t\x00\x7f", "\xff\xfe", "漢字→", "\xe2\x82",
		workloadLine, "12345678\r\n12345678\r", "abcdefg\"abcdefgh\\\x1fxyz\u00e9\u00e9\u00e9\u00e9\r\n\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		enc := AppendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", enc, s, err)
		}
		if want := string([]rune(string(s))); got != want {
			t.Fatalf("decoded %q, want %q", got, want)
		}
		// Byte for byte what the plain byte-at-a-time encoder writes,
		// after whatever dst already holds.
		prefix := []byte("[0.5, \"o\", ")
		if enc, want := AppendJSONString(prefix, s), referenceJSONString(prefix, s); !bytes.Equal(enc, want) {
			t.Fatalf("encoded %q, want %q", enc, want)
		}
	})
}

// referenceJSONString is AppendJSONString as simply as it can be written,
// for the fuzzer to hold the fast version to.
func referenceJSONString(dst, s []byte) []byte {
	dst = append(dst[:len(dst):len(dst)], '"')
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case n == 1:
			dst = append(dst, jsonEscapes[s[0]]...)
			if jsonEscapes[s[0]] == "" {
				dst = append(dst, s[0])
			}
		default:
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return append(dst, '"')
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"x\"]\n"))
	f.Add([]byte("{\"version\": 3, \"term\": {\"cols\": 1, \"rows\": 1}}\n[0.1, \"x\", 0]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Read(strings.NewReader(string(b))) // must not panic
	})
}

func BenchmarkOutput(b *testing.B) {
	path := filepath.Join(b.TempDir(), "b.cast")
	w, err := Create(path, Header{Width: 80, Height: 24}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	chunk := []byte(strings.Repeat("12345 the quick brown fox \x1b[32mjumps\x1b[0m\r\n", 100))
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		w.Output(chunk)
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	inputs := map[string]string{
		"plain":  strings.Repeat("12345\r\n", 600),
		"colour": strings.Repeat("\x1b[38;5;208mword\x1b[0m \x1b[1;38;2;10;200;30mmore\x1b[0m ", 100) + "\r\n",
		"utf8":   strings.Repeat("● Bash(ls) ⎿ ✻ 漢字 ", 200),
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			src := []byte(in)
			var dst []byte
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				dst = AppendJSONString(dst[:0], src)
			}
		})
	}
}

func TestIdleWritesPendingOutput(t *testing.T) {
	w, path := newWriter(t)
	defer w.Close()
	w.Output([]byte("quiet now"))
	w.Idle()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		rec, err := ReadFile(path)
		if err == nil && len(rec.Events) == 1 && rec.Events[0].Data == "quiet now" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("output not written after Idle: %+v %v", rec, err)
		}
	}
}

func TestOldOutputIsWrittenWhenMoreArrives(t *testing.T) {
	w, path := newWriter(t)
	defer w.Close()
	clock := time.Now()
	w.now = func() time.Time { return clock }
	w.Output([]byte("first"))
	clock = clock.Add(FlushInterval) // the first chunk is now due
	w.Output([]byte("second"))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if rec, err := ReadFile(path); err == nil && len(rec.Events) == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("due output was not written")
		}
	}
}

func TestRecordsOnlyToRegularFiles(t *testing.T) {
	if _, err := Create("/dev/null", Header{Width: 80, Height: 24}, Options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a device was accepted: %v", err)
	}
	fi, _ := os.Stat("/dev/null")
	if fi.Mode().Perm() != 0o666 {
		t.Fatalf("/dev/null mode changed to %v", fi.Mode().Perm())
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link.cast")
	os.Symlink(target, link)
	if _, err := Create(link, Header{Width: 80, Height: 24}, Options{}); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Fatalf("recording through a symlink: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Fatalf("symlink target was written: %q", b)
	}
}

func TestWriteErrorsAreReportedOnce(t *testing.T) {
	errs := make(chan error, 4)
	path := filepath.Join(t.TempDir(), "e.cast")
	w, err := Create(path, Header{Width: 80, Height: 24}, Options{OnError: func(err error) { errs <- err }})
	if err != nil {
		t.Fatal(err)
	}
	w.f.Close() // every later write fails, as on a full or vanished disk
	w.Output([]byte("lost"))
	w.Marker("also lost")
	if err := w.Flush(); err == nil {
		t.Fatal("Flush reported no error")
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), path) {
			t.Fatalf("error does not name the file: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OnError was not called")
	}
	w.Output([]byte("more"))
	w.Flush()
	select {
	case err := <-errs:
		t.Fatalf("OnError called twice: %v", err)
	default:
	}
	w.Close()
}

// workloadLine is one line of bench/workload's colour output as read from
// the PTY: eight words in 256-colour and truecolour SGR, each reset.
const workloadLine = "\x1b[2m4711\x1b[0m \x1b[38;5;93mINFO\x1b[0m \x1b[1;38;2;37;91;53mcompiling\x1b[0m " +
	"\x1b[38;5;245;48;5;101mpackage\x1b[0m \x1b[4;38;2;111;17;159;48;2;78;246;64mgithub.com/example/service\x1b[0m " +
	"\x1b[38;5;161mok\x1b[0m \x1b[1;38;2;218;3;97mtests\x1b[0m \x1b[38;5;239;48;5;36mpassed\x1b[0m " +
	"\x1b[4;38;2;30;127;215;48;2;93;122;130min\x1b[0m \r\n"

// BenchmarkEncode is the recorder's encoding of bench/run's workloads, as
// the read loop hands them over: one output event per 4 KB chunk.
func BenchmarkEncode(b *testing.B) {
	var plain strings.Builder
	for i := 1; plain.Len() < 1<<20; i++ {
		plain.WriteString(strconv.Itoa(i) + "\r\n")
	}
	for name, in := range map[string]string{"plain": plain.String(), "colour": strings.Repeat(workloadLine, (1<<20)/len(workloadLine))} {
		b.Run(name, func(b *testing.B) {
			src := []byte(in)
			var out []byte
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				for i := 0; i < len(src); i += 4096 {
					out = appendEvent(out[:0], time.Duration(i), Output[0], src[i:min(i+4096, len(src))])
				}
			}
		})
	}
}

func TestEscapeMask(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			for _, fill := range []byte{'a', 0x00, '"', '\\', 0x80, 0xff, 0x1f, 0x20} {
				b := []byte("abcdefgh")
				for k := pos + 1; k < 8; k++ {
					b[k] = fill // whatever follows must not matter
				}
				b[pos] = byte(c)
				m := escapeMask(binary.LittleEndian.Uint64(b))
				needs := jsonEscapes[c] != ""
				if needs && (m == 0 || bits.TrailingZeros64(m)/8 != pos) {
					t.Fatalf("byte %#x at %d then %#x: mask %#x", c, pos, fill, m)
				}
				if !needs && jsonEscapes[fill] == "" && m != 0 {
					t.Fatalf("byte %#x at %d then %#x: mask %#x", c, pos, fill, m)
				}
			}
		}
	}
}
