package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/sentinel-console/sentinel/session/screen"
)

// The summaries are cached beside the recordings, in cacheName: listing
// reads every recording in full (its markers make the counts, its last
// event the duration), and a library of long sessions is gigabytes, read
// from disk on every `sentinel sessions` (90 recordings, 5.7 GB: 8.4 s
// with a cold page cache). A summary is reused while its file keeps the
// size and modification time it was read at; a recording still being
// written changes both and is read again. The cache is only ever a
// shortcut: unreadable, corrupt or unwritable, it is rebuilt or skipped,
// and what it holds is sanitised again when loaded, since anything that
// can write the directory can write it.
const cacheName = ".catalog.json"

const cacheVersion = 1

type cacheFile struct {
	Version int                   `json:"version"`
	Entries map[string]cacheEntry `json:"entries"` // by file name
}

type cacheEntry struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime_ns"`
	Entry   Entry `json:"entry"`
}

func loadCache(dir string) map[string]cacheEntry {
	b, err := os.ReadFile(filepath.Join(dir, cacheName))
	if err != nil {
		return nil
	}
	var c cacheFile
	if json.Unmarshal(b, &c) != nil || c.Version != cacheVersion {
		return nil
	}
	return c.Entries
}

// cached is the summary of the file name in dir, if the cache has one for
// the file as it is now (fi).
func cached(c map[string]cacheEntry, dir, name string, fi os.FileInfo) (Entry, bool) {
	ce, ok := c[name]
	if !ok || ce.Size != fi.Size() || ce.ModTime != fi.ModTime().UnixNano() {
		return Entry{}, false
	}
	e := ce.Entry
	e.Path = filepath.Join(dir, name)
	e.ID = screen.OneLine(e.ID, 0)
	e.Command = screen.OneLine(e.Command, 0)
	e.Exit = screen.OneLine(e.Exit, 0)
	e.Note = screen.OneLine(e.Note, 0)
	return e, true
}

// saveCache writes the summaries atomically (a reader never sees half a
// file), 0600 like the recordings. Failing is harmless: the next list
// reads the recordings again.
func saveCache(dir string, entries map[string]cacheEntry) {
	b, err := json.Marshal(cacheFile{Version: cacheVersion, Entries: entries})
	if err != nil {
		return
	}
	f, err := os.CreateTemp(dir, cacheName+".*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), filepath.Join(dir, cacheName)) != nil {
		os.Remove(f.Name())
	}
}
