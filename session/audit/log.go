package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Log appends records to an audit log file. It is safe for concurrent use,
// and other processes may append to the same file at the same time.
type Log struct {
	mu   sync.Mutex // serialises this process's writers: flock does not, on one descriptor
	f    *os.File
	path string
}

// Open opens the audit log at path for appending, creating it (0600, and
// its directories 0700) if needed. If the file ends in something that is
// not a record, Open notes the damage in the log at once (see the package
// comment).
func Open(path string) (*Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	_, statErr := os.Lstat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	l := &Log{f: f, path: path}
	if errors.Is(statErr, fs.ErrNotExist) {
		// The new file's name must survive a crash as well as its records.
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, l.wrap(err)
		}
	}
	if _, err := l.append(nil); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// Append writes r as the next record and returns it as written: Seq, Prev
// and Hash filled in, Time set to now if it was zero, and in UTC. The
// record is on disk (fdatasync) when Append returns without error.
//
// Kind must be one of the Kind constants; Source, Verdict and Decision
// must be empty or one of the values the Record's fields document.
func (l *Log) Append(r Record) (Record, error) {
	if err := r.check(); err != nil {
		return Record{}, l.wrap(err)
	}
	r.fixUTF8()
	return l.append(&r)
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

func (l *Log) wrap(err error) error { return fmt.Errorf("audit log %s: %w", l.path, err) }

// now is the clock; tests may replace it.
var now = time.Now

// append locks the file, reads its tail, and writes in one write(2): a
// newline if the file does not end with one, a note if it ends with
// damage, and r if it is not nil.
func (l *Log) append(r *Record) (Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fd := int(l.f.Fd())
	if err := flock(fd, unix.LOCK_EX); err != nil {
		return Record{}, l.wrap(fmt.Errorf("locking: %w", err))
	}
	defer flock(fd, unix.LOCK_UN)

	t, err := readTail(l.f)
	if err != nil {
		return Record{}, l.wrap(err)
	}
	var buf []byte
	if t.unterminated {
		buf = append(buf, '\n')
	}
	seq, prev := t.seq, t.prev
	add := func(rec *Record) error {
		seq++
		rec.Seq, rec.Prev = seq, prev
		if rec.Time.IsZero() {
			rec.Time = now()
		}
		rec.Time = rec.Time.UTC().Round(0)
		line, err := seal(rec)
		if err != nil {
			return err
		}
		if len(line) > MaxLine {
			return fmt.Errorf("record of %d bytes is longer than the limit of %d", len(line), MaxLine)
		}
		prev = hashOf(line)
		buf = append(append(buf, line...), '\n')
		return nil
	}
	if t.damage != "" {
		if err := add(&Record{Kind: KindSession, Note: t.damage}); err != nil {
			return Record{}, l.wrap(err)
		}
	}
	var out Record
	if r != nil {
		if err := add(r); err != nil {
			return Record{}, l.wrap(err)
		}
		out = *r
	}
	if len(buf) == 0 {
		return out, nil
	}
	// O_APPEND and the lock make this one write land at the end, whole,
	// after every other writer's.
	if _, err := l.f.Write(buf); err != nil {
		return Record{}, l.wrap(err)
	}
	if err := fdatasync(fd); err != nil {
		return Record{}, l.wrap(fmt.Errorf("syncing: %w", err))
	}
	return out, nil
}

// tail is what a writer needs to know about the end of the file.
type tail struct {
	seq          int64  // Seq of the last record; 0 if none
	prev         string // hash of the last record's line; ZeroHash if none
	unterminated bool   // the file does not end with a newline
	damage       string // a note on the lines after the last record, if any
}

// readTail finds the last line that is a record, walking back from the end
// one line at a time; lines after it are damage.
func readTail(f *os.File) (tail, error) {
	t := tail{prev: ZeroHash}
	fi, err := f.Stat()
	if err != nil {
		return t, err
	}
	size := fi.Size()
	if size == 0 {
		return t, nil
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return t, err
	}
	t.unterminated = last[0] != '\n'
	end := size // the end of the line being looked at
	bad := 0
	for end > 0 {
		start, err := lineStart(f, end)
		if err != nil {
			return t, err
		}
		if end-start <= MaxLine+1 {
			line := make([]byte, end-start)
			if _, err := f.ReadAt(line, start); err != nil {
				return t, err
			}
			line = bytes.TrimSuffix(line, []byte("\n"))
			if rec, problem := parseLine(line); problem == "" {
				t.seq, t.prev = rec.Seq, hashOf(line)
				break
			}
		}
		bad++
		end = start
	}
	if bad == 0 {
		return t, nil
	}
	first, err := lineNumber(f, end)
	if err != nil {
		return t, err
	}
	switch n := size - end; {
	case bad == 1 && t.unterminated:
		t.damage = fmt.Sprintf("previous line %d was torn (%d bytes)", first, n)
	case bad == 1:
		t.damage = fmt.Sprintf("previous line %d is not a record (%d bytes)", first, n)
	default:
		t.damage = fmt.Sprintf("previous lines %d to %d are not records (%d bytes)", first, first+bad-1, n)
	}
	return t, nil
}

// lineStart returns the offset at which the line that ends at end (just
// after its newline, or at the end of an unterminated last line) begins.
func lineStart(f *os.File, end int64) (int64, error) {
	pos := end - 1 // the byte at end-1 is the line's own newline or last byte
	buf := make([]byte, 4<<10)
	for pos > 0 {
		n := int64(len(buf))
		if n > pos {
			n = pos
		}
		chunk := buf[:n]
		if _, err := f.ReadAt(chunk, pos-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return pos - n + int64(i) + 1, nil
		}
		pos -= n
		if len(buf) < 1<<20 {
			buf = make([]byte, 2*len(buf))
		}
	}
	return 0, nil
}

// lineNumber returns the 1-based number of the line that starts at off.
func lineNumber(f *os.File, off int64) (int, error) {
	buf := make([]byte, 1<<20)
	n := 1
	for pos := int64(0); pos < off; {
		chunk := buf[:min(int64(len(buf)), off-pos)]
		if _, err := f.ReadAt(chunk, pos); err != nil {
			return 0, err
		}
		n += bytes.Count(chunk, []byte("\n"))
		pos += int64(len(chunk))
	}
	return n, nil
}

func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

func fdatasync(fd int) error {
	for {
		err := unix.Fdatasync(fd)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
