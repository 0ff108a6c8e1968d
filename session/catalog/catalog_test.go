package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/cast"
)

// record writes a recording as sentinel's supervisor does: a header, a
// start marker, output, the given markers, and an exit marker unless exit
// is empty. Start is ago in the past, so every event is at least that far
// into the recording.
func record(t *testing.T, dir, id string, start time.Time, ago time.Duration, command, exit string, markers ...string) string {
	t.Helper()
	path := filepath.Join(dir, start.UTC().Format("20060102T150405Z")+"-"+id+".cast")
	w, err := cast.Create(path, cast.Header{Width: 80, Height: 24, Timestamp: start.Unix(), Command: command},
		cast.Options{Start: time.Now().Add(-ago)})
	if err != nil {
		t.Fatal(err)
	}
	w.Marker("start: " + command)
	w.Output([]byte("hello from " + id + "\r\n"))
	for _, m := range markers {
		w.Marker(m)
	}
	if exit != "" {
		w.Marker("exit: " + exit)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestListReadsHeadersAndMarkersNewestFirst(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 4, 24, 10, 0, 0, 0, time.UTC)
	old := record(t, dir, "aaaa1111", base, 90*time.Second, "claude --model x", "exit 0")
	newer := record(t, dir, "bbbb2222", base.Add(time.Hour), time.Second, "codex", "exit 1",
		"pause #1 [exec] critical cloud-volume-delete: curl …", "decision #1: deny cloud-volume-delete: curl …",
		"warn [stream] medium rm-rf: rm -rf build")
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a recording"), 0o600); err != nil {
		t.Fatal(err)
	}

	got, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d entries, want 2: %+v", len(got), got)
	}
	n, o := got[0], got[1]
	if n.Path != newer || o.Path != old {
		t.Fatalf("order: %s, %s; want newest first", n.Path, o.Path)
	}
	if n.ID != "bbbb2222" || n.Command != "codex" || n.Findings != 2 || n.Decisions != 1 || n.Exit != "exit 1" || n.Note != "" {
		t.Errorf("newer: %+v", n)
	}
	if !n.Start.Equal(base.Add(time.Hour)) {
		t.Errorf("start %v, want %v", n.Start, base.Add(time.Hour))
	}
	if o.Command != "claude --model x" || o.Findings != 0 || o.Exit != "exit 0" || o.Duration < 90 {
		t.Errorf("older: %+v (duration should be at least 90 s)", o)
	}
	fi, _ := os.Stat(old)
	if o.Size != fi.Size() || o.Size == 0 {
		t.Errorf("size %d, want %d", o.Size, fi.Size())
	}
}

func TestBrokenRecordingsStillList(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 4, 24, 10, 0, 0, 0, time.UTC)
	torn := record(t, dir, "cccc3333", base, time.Second, "aider", "", "pause #1 [exec] high x: y")
	// A crash in the middle of a line: the last line is cut.
	b, err := os.ReadFile(torn)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(torn, b[:len(b)-7], 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "20260424T090000Z-dddd4444.cast")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	running := record(t, dir, "eeee5555", base.Add(-2*time.Hour), time.Second, "gemini", "")

	got, byID := listByID(t, dir)
	if len(got) != 3 {
		t.Fatalf("got %+v, want 3 entries", got)
	}
	if e := byID["cccc3333"]; e.Path != torn || !strings.Contains(e.Note, "skipped 1 line") || e.Command != "aider" {
		t.Errorf("torn: %+v", e)
	}
	if e := byID["dddd4444"]; e.Path != empty || !strings.Contains(e.Note, "no header") || !e.Start.Equal(base.Add(-time.Hour)) {
		t.Errorf("empty: %+v (start from the file name)", e)
	}
	if e := byID["eeee5555"]; e.Path != running || !strings.Contains(e.Note, "no exit") || e.Exit != "" {
		t.Errorf("no exit: %+v", e)
	}
}

func TestMissingDirIsEmpty(t *testing.T) {
	got, err := List(filepath.Join(t.TempDir(), "nope"))
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestControlCharactersNeverReachTheTerminal(t *testing.T) {
	dir := t.TempDir()
	record(t, dir, "ffff6666", time.Now(), time.Second, "evil \x1b]52;c;aGk=\x07 agent", "exit 0")
	got, err := List(dir)
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if strings.ContainsAny(got[0].Command, "\x1b\x07") {
		t.Errorf("command %q holds control characters", got[0].Command)
	}
	if _, err := json.Marshal(got); err != nil {
		t.Fatal(err)
	}
}

// A second list takes unchanged files' summaries from the cache, and reads
// a file again once it changed; a deleted file leaves the cache; a corrupt
// cache is rebuilt; what the cache holds is sanitised again.
func TestListCachesSummariesOfUnchangedFiles(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 4, 24, 10, 0, 0, 0, time.UTC)
	a := record(t, dir, "aaaa1111", base, time.Second, "claude", "exit 0")
	b := record(t, dir, "bbbb2222", base.Add(time.Hour), time.Second, "codex", "exit 0")
	if _, err := List(dir); err != nil {
		t.Fatal(err)
	}
	cachePath := filepath.Join(dir, cacheName)
	fi, err := os.Stat(cachePath)
	if err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache mode %v, want 0600", fi.Mode().Perm())
	}
	// Mark the cached summary: a list that shows the mark used the cache.
	edit := func(f func(c *cacheFile)) {
		t.Helper()
		raw, err := os.ReadFile(cachePath)
		if err != nil {
			t.Fatal(err)
		}
		var c cacheFile
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		f(&c)
		raw, _ = json.Marshal(c)
		os.WriteFile(cachePath, raw, 0o600)
	}
	edit(func(c *cacheFile) {
		e := c.Entries[filepath.Base(a)]
		e.Entry.Command = "from the cache \x1b]52;c;ZXZpbA==\x07"
		c.Entries[filepath.Base(a)] = e
	})
	byID := func() map[string]Entry {
		_, m := listByID(t, dir)
		return m
	}
	got := byID()
	if c := got["aaaa1111"].Command; c != "from the cache ]52;c;ZXZpbA==" {
		t.Fatalf("unchanged file: command %q, want the cached one, sanitised", c)
	}
	if got["aaaa1111"].Path != a || got["bbbb2222"].Command != "codex" {
		t.Fatalf("entries: %+v", got)
	}

	// A changed file is read again.
	later := time.Now().Add(time.Minute)
	os.Chtimes(a, later, later)
	if c := byID()["aaaa1111"].Command; c != "claude" {
		t.Fatalf("changed file: command %q, want it read again", c)
	}

	// A deleted file leaves the cache.
	os.Remove(b)
	byID()
	raw, _ := os.ReadFile(cachePath)
	if strings.Contains(string(raw), "bbbb2222") {
		t.Fatal("the deleted recording is still in the cache")
	}

	// A corrupt cache is rebuilt.
	os.WriteFile(cachePath, []byte("{not json"), 0o600)
	if got := byID(); got["aaaa1111"].Command != "claude" || len(got) != 1 {
		t.Fatalf("after a corrupt cache: %+v", got)
	}
	if raw, _ := os.ReadFile(cachePath); !strings.Contains(string(raw), `"version":1`) {
		t.Fatalf("cache not rebuilt: %s", raw)
	}
}

// listByID lists dir: the entries, and the same keyed by session id.
func listByID(t *testing.T, dir string) ([]Entry, map[string]Entry) {
	t.Helper()
	got, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Entry{}
	for _, e := range got {
		m[e.ID] = e
	}
	return got, m
}
