package replay

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/sentinel-console/sentinel/session/cast"
)

// lineReader reads lines with their offsets and numbers, never holding more
// than max bytes of one line: the rest of a longer line is read past and
// reported (tooLong).
type lineReader struct {
	br         *bufio.Reader
	max        int
	off        int64 // offset of the next line
	line       int   // number of the line last returned
	terminated bool  // the last line ended with a newline
	tooLong    bool
	longLen    int64
	buf        []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 1<<20), max: max}
}

// reset repositions the reader at off, line number line-1.
func (lr *lineReader) reset(f io.ReadSeeker, off int64, line int) error {
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	lr.br.Reset(f)
	lr.off, lr.line = off, line-1
	return nil
}

// next returns the next line (valid until the next call), including its
// newline when it has one.
func (lr *lineReader) next() ([]byte, error) {
	lr.tooLong, lr.terminated, lr.longLen = false, false, 0
	lr.buf = lr.buf[:0]
	var n int64
	for {
		chunk, err := lr.br.ReadSlice('\n')
		n += int64(len(chunk))
		if !lr.tooLong {
			if len(lr.buf)+len(chunk) > lr.max {
				lr.tooLong = true
				lr.buf = lr.buf[:0]
			} else if err == nil && len(lr.buf) == 0 {
				lr.buf = nil // the common case: no copy
				lr.finish(n, true)
				return chunk, nil
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case err == nil:
			lr.finish(n, true)
			return lr.buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if n == 0 {
				return nil, io.EOF
			}
			lr.finish(n, false)
			return lr.buf, nil
		default:
			return nil, err
		}
	}
}

func (lr *lineReader) finish(n int64, terminated bool) {
	lr.off += n
	lr.line++
	lr.terminated = terminated
	if lr.tooLong {
		lr.longLen = n
	}
}

// convertV1 turns an asciicast v1 file (one JSON object with a "stdout"
// array of [delay, data]) into v2 event lines in a private temporary file,
// streaming, so the rest of the package reads one format.
func (r *Recording) convertV1(f *os.File) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sentinel-replay-")
	if err != nil {
		return err
	}
	r.tempDir = dir
	out, err := os.OpenFile(filepath.Join(dir, "v1.cast"), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	w := bufio.NewWriterSize(out, 1<<20)
	v, err := newV1Reader(bufio.NewReaderSize(f, 1<<20), r.skip)
	if err != nil {
		return err
	}
	for {
		clock, data, err := v.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		line, _ := json.Marshal([]any{json.Number(strconv.FormatFloat(clock, 'f', 6, 64)), cast.Output, data})
		w.Write(line)
		w.WriteByte('\n')
	}
	h := v.header()
	if h.Width <= 0 || h.Height <= 0 {
		return fmt.Errorf("terminal size %dx%d", h.Width, h.Height)
	}
	r.Header = h
	r.file = out.Name()
	r.dataOff, r.dataLine = 0, 1
	return w.Flush()
}
