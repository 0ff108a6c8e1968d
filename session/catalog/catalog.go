package catalog

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sentinel-console/sentinel/session/replay"
	"github.com/sentinel-console/sentinel/session/screen"
)

// Entry is one recorded session.
type Entry struct {
	Path      string    `json:"path"`
	ID        string    `json:"id"`               // sentinel's session id, from the file name
	Start     time.Time `json:"start"`            // from the header, else the file name, else the file's mtime
	Command   string    `json:"command"`          // the agent's command line
	Duration  float64   `json:"duration_seconds"` // recorded time of the last event
	Findings  int       `json:"findings"`         // pause and warn markers
	Decisions int       `json:"decisions"`        // the operator's decisions
	Exit      string    `json:"exit"`             // from the exit marker ("exit 0", "signal killed"); empty if none
	Size      int64     `json:"size_bytes"`
	Note      string    `json:"note,omitempty"` // what could not be read, empty for a sound file
}

// Filter is the text the fuzzy filter matches: id, command and start date.
func (e Entry) Filter() string {
	return e.ID + " " + e.Command + " " + e.Start.Local().Format("2006-01-02 15:04")
}

// nameTime is the start time in sentinel's file names (session.RecordingPath).
func nameTime(name string) (time.Time, bool) {
	if len(name) < 16 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", name[:16])
	return t, err == nil
}

// List reads every *.cast file in dir, newest first. A missing dir is an
// empty list. Errors reading one file become that entry's Note; only a dir
// that exists but cannot be read is an error. Summaries of files unchanged
// since the last list come from the cache (cache.go).
func List(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cache := loadCache(dir)
	var entries []Entry
	var paths []string
	var infos []os.FileInfo
	fresh := map[string]cacheEntry{}
	for _, de := range des {
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".cast") {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if e, ok := cached(cache, dir, de.Name(), fi); ok {
			entries = append(entries, e)
			fresh[de.Name()] = cache[de.Name()]
			continue
		}
		paths = append(paths, filepath.Join(dir, de.Name()))
		infos = append(infos, fi)
	}
	read := make([]Entry, len(paths))
	// Reading a recording is a streaming pass over it: a few at once keeps
	// a long list of big files quick without many open files.
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(len(paths), runtime.GOMAXPROCS(0), 8) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				read[i] = summarise(paths[i], infos[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, e := range read {
		entries = append(entries, e)
		fresh[filepath.Base(paths[i])] = cacheEntry{Size: infos[i].Size(), ModTime: infos[i].ModTime().UnixNano(), Entry: e}
	}
	if len(paths) > 0 || len(fresh) != len(cache) {
		saveCache(dir, fresh)
	}
	slices.SortStableFunc(entries, func(a, b Entry) int {
		if c := b.Start.Compare(a.Start); c != 0 {
			return c
		}
		return cmp.Compare(b.Path, a.Path)
	})
	return entries, nil
}

// summarise reads one recording for the list. It never fails: what went
// wrong is in the Note. fi is the file as List found it (nil when
// unknown): the size it reports is the one the cache keys on.
func summarise(path string, fi os.FileInfo) Entry {
	name := filepath.Base(path)
	e := Entry{Path: path, ID: strings.TrimSuffix(name, ".cast")}
	if len(e.ID) > 17 && e.ID[16] == '-' {
		e.ID = e.ID[17:]
	}
	if fi != nil {
		e.Size = fi.Size()
		e.Start = fi.ModTime()
	}
	if t, ok := nameTime(name); ok {
		e.Start = t
	}
	rec, err := replay.Open(path, replay.Options{})
	if err != nil {
		e.Note = screen.OneLine(strings.TrimPrefix(err.Error(), path+": "), 0)
		return e
	}
	defer rec.Close()
	if rec.ID != "" {
		e.ID = rec.ID
	}
	if rec.Header.Timestamp > 0 {
		e.Start = time.Unix(rec.Header.Timestamp, 0)
	}
	e.Command = rec.Header.Command
	e.Duration = rec.RecordedDuration()
	for _, m := range rec.Markers() {
		switch m.Kind {
		case replay.KindStart:
			if e.Command == "" {
				e.Command = strings.TrimSpace(strings.TrimPrefix(m.Label, "start:"))
			}
		case replay.KindFinding:
			e.Findings++
		case replay.KindDecision:
			e.Decisions++
		case replay.KindExit:
			e.Exit = strings.TrimSpace(strings.TrimPrefix(m.Label, "exit:"))
		}
	}
	e.Command = screen.OneLine(e.Command, 0)
	if n := rec.SkippedCount(); n > 0 {
		first := rec.Skipped()[0]
		e.Note = fmt.Sprintf("skipped %d line(s), first %s", n, first)
	}
	if e.Exit == "" && e.Note == "" {
		e.Note = "no exit recorded (still running, or sentinel stopped)"
	}
	return e
}
