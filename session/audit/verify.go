package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Problem is one bad line of an audit log.
type Problem struct {
	Line int // 1-based
	Msg  string
}

func (p Problem) Error() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// ChainError is Verify's error for a log with bad lines.
type ChainError struct {
	Problems []Problem // in line order, at most one per line
}

func (e *ChainError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	return fmt.Sprintf("%v (and %d more problems)", e.Problems[0], len(e.Problems)-1)
}

// Summary describes a log Verify read.
type Summary struct {
	Lines    int
	Records  int       // lines that parsed as records, good or bad
	Problems []Problem // the same as the ChainError's
	// Head is the hash of the last record's line: the Prev the next record
	// will carry. Kept elsewhere, it shows whether records were later cut
	// off the end of the file, which the chain alone cannot.
	Head string
}

// recentLines is how many line hashes Verify keeps to say where a Prev that
// does not match the record before it points to instead.
const recentLines = 1024

// Verify reads a whole audit log and checks every line (see the package
// comment). The error is a *ChainError listing every bad line, or the read
// error that stopped it.
func Verify(r io.Reader) (Summary, error) {
	s := Summary{Head: ZeroHash}
	lr := newLineReader(r)
	type seen struct {
		hash string
		line int
	}
	var (
		recent   [recentLines]seen
		nRecent  int
		lastSeq  int64
		lastLine int // line number of the last record; 0 if none yet
	)
	for {
		line, terminated, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, fmt.Errorf("line %d: %w", lr.n+1, err)
		}
		n := lr.n
		s.Lines = n
		if tooLong {
			s.Problems = append(s.Problems, Problem{n, fmt.Sprintf("longer than %d MiB, not a record", MaxLine>>20)})
			continue
		}
		rec, problem := parseLine(line)
		if problem != "" {
			if !terminated {
				problem = "incomplete record (crash?)"
			}
			s.Problems = append(s.Problems, Problem{n, problem})
			continue
		}
		s.Records++
		var msgs []string
		sealed := rec
		canonical, err := seal(&sealed)
		switch {
		case err != nil:
			msgs = append(msgs, fmt.Sprintf("cannot be encoded: %v", err))
		case sealed.Hash != rec.Hash:
			msgs = append(msgs, "hash does not match the record (edited?)")
		case !bytes.Equal(canonical, line):
			msgs = append(msgs, "not in canonical form (edited?)")
		}
		if want := lastSeq + 1; rec.Seq != want {
			switch {
			case lastLine == 0:
				msgs = append(msgs, fmt.Sprintf("seq %d, want 1 for the first record (records removed from the start?)", rec.Seq))
			case rec.Seq > want:
				msgs = append(msgs, fmt.Sprintf("seq %d, want %d (records removed?)", rec.Seq, want))
			default:
				msgs = append(msgs, fmt.Sprintf("seq %d, want %d (records inserted or reordered?)", rec.Seq, want))
			}
		}
		wantPrev := ZeroHash
		if lastLine > 0 {
			wantPrev = recent[(nRecent-1)%recentLines].hash
		}
		if rec.Prev != wantPrev {
			at := 0
			for i := nRecent - 1; i >= max(0, nRecent-recentLines); i-- {
				if recent[i%recentLines].hash == rec.Prev {
					at = recent[i%recentLines].line
					break
				}
			}
			switch {
			case lastLine == 0:
				msgs = append(msgs, "prev is not zeros for the first record (records removed from the start?)")
			case at > 0:
				msgs = append(msgs, fmt.Sprintf("prev is the hash of line %d, not of line %d (records removed, inserted or reordered)", at, lastLine))
			default:
				msgs = append(msgs, fmt.Sprintf("prev does not match line %d (that line edited, or records removed or inserted?)", lastLine))
			}
		}
		if len(msgs) > 0 {
			s.Problems = append(s.Problems, Problem{n, strings.Join(msgs, "; ")})
		}
		h := hashOf(line)
		recent[nRecent%recentLines] = seen{h, n}
		nRecent++
		lastSeq, lastLine, s.Head = rec.Seq, n, h
	}
	if len(s.Problems) > 0 {
		return s, &ChainError{Problems: s.Problems}
	}
	return s, nil
}

// ReadAll returns the records of an audit log without checking the chain,
// and a Problem for each line that is not a record (or the read error that
// stopped it, last).
func ReadAll(r io.Reader) ([]Record, []error) {
	var recs []Record
	var errs []error
	lr := newLineReader(r)
	for {
		line, terminated, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return recs, errs
		}
		if err != nil {
			return recs, append(errs, fmt.Errorf("line %d: %w", lr.n+1, err))
		}
		if tooLong {
			errs = append(errs, Problem{lr.n, fmt.Sprintf("longer than %d MiB, not a record", MaxLine>>20)})
			continue
		}
		rec, problem := parseLine(line)
		if problem != "" {
			if !terminated {
				problem = "incomplete record (crash?)"
			}
			errs = append(errs, Problem{lr.n, problem})
			continue
		}
		recs = append(recs, rec)
	}
}

// parseLine decodes a line (without its newline) and says why it is not a
// record if it is not one.
func parseLine(line []byte) (Record, string) {
	var rec Record
	if len(bytes.TrimSpace(line)) == 0 {
		return rec, "empty line, not a record"
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&rec); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return rec, "incomplete record (crash?)"
		}
		return rec, fmt.Sprintf("not a record: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rec, "not a record: more after the JSON object"
	}
	if rec.Seq < 1 || rec.Hash == "" {
		return rec, "not a record: no seq or hash"
	}
	return rec, ""
}

// lineReader reads lines of any length up to MaxLine.
type lineReader struct {
	br  *bufio.Reader
	buf []byte
	n   int // lines read
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line without its newline, valid until the next
// call; terminated says whether it had one. A line longer than MaxLine is
// skipped and reported as tooLong. At the end it returns io.EOF.
func (lr *lineReader) next() (line []byte, terminated, tooLong bool, err error) {
	line = lr.buf[:0]
	got := false
	for {
		chunk, rerr := lr.br.ReadSlice('\n')
		got = got || len(chunk) > 0
		if !tooLong {
			if len(line)+len(chunk) > MaxLine+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case errors.Is(rerr, bufio.ErrBufferFull):
			continue
		case rerr == nil:
			terminated = true
		case errors.Is(rerr, io.EOF):
			if !got {
				return nil, false, false, io.EOF
			}
		default:
			return nil, false, false, rerr
		}
		lr.n++
		if !tooLong {
			lr.buf = line
			line = bytes.TrimSuffix(line, []byte("\n"))
		}
		return line, terminated, tooLong, nil
	}
}
