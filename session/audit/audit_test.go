package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// helperEnv makes the test binary a helper process that appends to a log
// (see TestTwoProcessesKeepOneChain).
const helperEnv = "SENTINEL_AUDIT_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		// spec is PATH,NAME,COUNT
		parts := strings.SplitN(spec, ",", 3)
		n, _ := strconv.Atoi(parts[2])
		if err := appendMany(parts[0], parts[1], n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func appendMany(path, session string, n int) error {
	l, err := Open(path)
	if err != nil {
		return err
	}
	defer l.Close()
	for i := range n {
		if _, err := l.Append(finding(session, i)); err != nil {
			return err
		}
	}
	return nil
}

func finding(session string, i int) Record {
	return Record{
		Session: session, Kind: KindFinding, Source: "exec", Pid: 1000 + i,
		Command: fmt.Sprintf("rm -rf /srv/data/%d && echo '<done>'", i), Cwd: "/home/me/app",
		Rule: "files.rm-recursive", Severity: "high", Verdict: "pause", Reason: "deletes a data directory",
	}
}

// writeChain appends n varied records to a new log and returns its path.
func writeChain(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "sentinel", "audit.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range n {
		r := finding("3f9a1c2e", i)
		if i%3 == 1 {
			r = Record{Session: "3f9a1c2e", Kind: KindDecision, Source: "exec", Decision: "edit", Operator: "alice",
				Command: r.Command, Edit: "rm -rf /srv/data/tmp", Rule: r.Rule}
		}
		if _, err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(string(b), "\n")
}

func verifyString(s string) (Summary, error) { return Verify(strings.NewReader(s)) }

func problems(t *testing.T, s string) []Problem {
	t.Helper()
	_, err := verifyString(s)
	var ce *ChainError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ce) {
		t.Fatalf("Verify: %v, want a *ChainError", err)
	}
	return ce.Problems
}

func TestAChainVerifies(t *testing.T) {
	path := writeChain(t, 40)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Verify(f)
	if err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	last := strings.TrimSuffix(lines[len(lines)-2], "\n")
	if s.Records != 40 || s.Lines != 40 || s.Head != hashOf([]byte(last)) {
		t.Errorf("summary %+v", s)
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, _ := os.Stat(p)
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700 | os.ModeDir
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
}

// The package comment promises a check anyone can do without this package.
func TestHashCanBeCheckedWithoutThePackage(t *testing.T) {
	lines := readLines(t, writeChain(t, 5))
	prev := ZeroHash
	for i, l := range lines[:5] {
		l = strings.TrimSuffix(l, "\n")
		if !strings.HasSuffix(l, `"}`) || l[len(l)-76:len(l)-66] != `","hash":"` {
			t.Fatalf("line %d does not end with the hash: %s", i+1, l)
		}
		digits := l[len(l)-66 : len(l)-2]
		sum := sha256.Sum256([]byte(l[:len(l)-66] + `"}`))
		if hex.EncodeToString(sum[:]) != digits {
			t.Errorf("line %d: hash of the line without its digits is not its hash", i+1)
		}
		if !strings.Contains(l, `"prev":"`+prev+`"`) {
			t.Errorf("line %d: prev is not the hash of the line before", i+1)
		}
		sum = sha256.Sum256([]byte(l))
		prev = hex.EncodeToString(sum[:])
	}
}

func TestAppendFillsAndReturnsTheRecordAsWritten(t *testing.T) {
	l, err := Open(filepath.Join(t.TempDir(), "a.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	at := time.Date(2026, 4, 24, 9, 12, 3, 456789000, time.FixedZone("CEST", 2*3600))
	r1, err := l.Append(Record{Session: "s1", Kind: KindSession, Note: "start", Time: at})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Seq != 1 || r1.Prev != ZeroHash || len(r1.Hash) != 64 || !r1.Time.Equal(at) || r1.Time.Location() != time.UTC {
		t.Errorf("first record %+v", r1)
	}
	before := time.Now()
	r2, err := l.Append(Record{Session: "s1", Kind: KindDecision, Decision: "deny", Operator: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	line1, _ := Marshal(r1)
	if r2.Seq != 2 || r2.Prev != hashOf(line1) || r2.Time.Before(before.Add(-time.Second)) || r2.Time.Location() != time.UTC {
		t.Errorf("second record %+v", r2)
	}
	recs, errs := ReadAll(bytes.NewReader(mustRead(t, l.path)))
	if len(errs) > 0 || len(recs) != 2 || !reflect.DeepEqual(recs[0], r1) || !reflect.DeepEqual(recs[1], r2) {
		t.Errorf("ReadAll = %+v, %v; want what Append returned", recs, errs)
	}
	for _, bad := range []Record{
		{Session: "s1"},
		{Session: "s1", Kind: "note"},
		{Session: "s1", Kind: KindFinding, Verdict: "block"},
		{Session: "s1", Kind: KindDecision, Decision: "maybe"},
		{Session: "s1", Kind: KindFinding, Source: "psychic"},
	} {
		if _, err := l.Append(bad); err == nil {
			t.Errorf("Append(%+v) accepted", bad)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Terminal controls from an agent's command never reach the file raw, so
// `cat` or `tail -f` of the log cannot be driven by the agent.
func TestNoRawControlBytesInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	cmd := "printf '\x1b]52;c;ZXZpbA==\x07' \x7f \u009b31m \u0085 \xff\xfe && x > y"
	if _, err := l.Append(Record{Session: "s", Kind: KindFinding, Command: cmd}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b := mustRead(t, path)
	for i, c := range b[:len(b)-1] {
		if c < 0x20 || c == 0x7f || (c == 0xc2 && b[i+1] >= 0x80 && b[i+1] <= 0x9f) {
			t.Fatalf("raw control byte %#x at %d in %q", c, i, b)
		}
	}
	if !bytes.Contains(b, []byte(`&& x > y`)) {
		t.Errorf("shell operators were escaped: %s", b)
	}
	recs, errs := ReadAll(bytes.NewReader(b))
	want := strings.Replace(cmd, "\xff\xfe", "\ufffd\ufffd", 1)
	if len(errs) > 0 || recs[0].Command != want {
		t.Errorf("read back %q, %v; want %q", recs[0].Command, errs, want)
	}
	if _, err := Verify(bytes.NewReader(b)); err != nil {
		t.Error(err)
	}
}

func TestTamperingIsFoundAtItsLine(t *testing.T) {
	const n = 10
	lines := readLines(t, writeChain(t, n))[:n]
	join := func(ls ...string) string { return strings.Join(ls, "") }
	cut := func(i int) []string { return append(append([]string{}, lines[:i]...), lines[i+1:]...) }

	edited := strings.Replace(lines[4], `"rule":"files.rm-recursive"`, `"rule":"files.harmless"`, 1)
	if edited == lines[4] {
		t.Fatal("nothing to edit")
	}
	// A forger who recomputes the edited record's own hash still breaks
	// the link to the next record.
	var rec Record
	recs, _ := ReadAll(strings.NewReader(lines[4]))
	rec = recs[0]
	rec.Rule = "files.harmless"
	forged, _ := seal(&rec)
	// An inserted record with a correct own hash but a made-up prev.
	ins := finding("3f9a1c2e", 99)
	ins.Seq, ins.Prev, ins.Time = 5, hashOf([]byte("made up")), time.Now().UTC()
	inserted, _ := seal(&ins)

	cases := []struct {
		name  string
		log   string
		line  int
		want  string
		lines []int // every line with a problem
	}{
		{"edited field", join(append(append(append([]string{}, lines[:4]...), edited), lines[5:]...)...), 5, "hash does not match", []int{5, 6}},
		{"edited and re-hashed", join(append(append(append([]string{}, lines[:4]...), string(forged)+"\n"), lines[5:]...)...), 6, "prev does not match line 5", []int{6}},
		{"record deleted", join(cut(4)...), 5, "seq 6, want 5", []int{5}},
		{"first record deleted", join(cut(0)...), 1, "seq 2, want 1", []int{1}},
		{"records swapped", join(append(append(append([]string{}, lines[:4]...), lines[5], lines[4]), lines[6:]...)...), 5, "seq 6, want 5", []int{5, 6, 7}},
		{"record inserted", join(append(append(append([]string{}, lines[:4]...), string(inserted)+"\n"), lines[4:]...)...), 5, "prev does not match line 4", []int{5, 6}},
		{"last line torn", join(lines[:n-1]...) + lines[n-1][:len(lines[n-1])/2], n, "incomplete record (crash?)", []int{n}},
		{"field added", join(append(append(append([]string{}, lines[:2]...), strings.Replace(lines[2], `{"seq"`, `{"approved":true,"seq"`, 1)), lines[3:]...)...), 3, "not in canonical form", []int{3, 4}},
		{"garbage line", join(append(append(append([]string{}, lines[:2]...), "hello\n"), lines[2:]...)...), 3, "not a record", []int{3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps := problems(t, c.log)
			if len(ps) == 0 {
				t.Fatal("not detected")
			}
			if ps[0].Line != c.line || !strings.Contains(ps[0].Msg, c.want) {
				t.Errorf("first problem %v, want line %d: …%s…", ps[0], c.line, c.want)
			}
			var got []int
			for _, p := range ps {
				got = append(got, p.Line)
			}
			if !reflect.DeepEqual(got, c.lines) {
				t.Errorf("problems at lines %v, want %v: %v", got, c.lines, ps)
			}
		})
	}
	// Swapped records: the diagnosis names where the misplaced prev points.
	ps := problems(t, join(append(append(append([]string{}, lines[:4]...), lines[5], lines[4]), lines[6:]...)...))
	if !strings.Contains(ps[1].Msg, "prev is the hash of line 4, not of line 5") {
		t.Errorf("swap: %v", ps)
	}
}

func TestOpenContinuesTheChain(t *testing.T) {
	path := writeChain(t, 3)
	for round := range 2 {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := l.Append(finding("second", round))
		if err != nil {
			t.Fatal(err)
		}
		if r.Seq != int64(4+round) {
			t.Errorf("seq %d, want %d", r.Seq, 4+round)
		}
		l.Close()
	}
	if s, err := Verify(bytes.NewReader(mustRead(t, path))); err != nil || s.Records != 5 {
		t.Fatalf("%+v %v", s, err)
	}
}

// A crash mid-write leaves a torn line: the next writer keeps it, ends it,
// notes it, and chains on from the last record; Verify reports the torn
// line and nothing else.
func TestTornLineIsKeptAndNoted(t *testing.T) {
	path := writeChain(t, 3)
	whole := mustRead(t, path)
	torn := `{"seq":4,"time":"2026-04-24T09:12:03Z","session":"3f9a1c2e","kind":"fin`
	os.WriteFile(path, append(whole, torn...), 0o600)

	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Append(finding("3f9a1c2e", 7))
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	after := mustRead(t, path)
	if !bytes.HasPrefix(after, append(whole, torn+"\n"...)) {
		t.Fatalf("the torn bytes were not kept:\n%s", after)
	}
	recs, errs := ReadAll(bytes.NewReader(after))
	if len(recs) != 5 || len(errs) != 1 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	note := recs[3]
	if note.Kind != KindSession || note.Seq != 4 || note.Note != fmt.Sprintf("previous line 4 was torn (%d bytes)", len(torn)) {
		t.Errorf("note %+v", note)
	}
	if r.Seq != 5 {
		t.Errorf("record after the note has seq %d", r.Seq)
	}
	ps := problems(t, string(after))
	if len(ps) != 1 || ps[0].Line != 4 || ps[0].Msg != "incomplete record (crash?)" {
		t.Errorf("problems %v", ps)
	}
}

func TestDamageAtTheEnd(t *testing.T) {
	t.Run("last record without its newline", func(t *testing.T) {
		path := writeChain(t, 3)
		whole := mustRead(t, path)
		os.WriteFile(path, whole[:len(whole)-1], 0o600)
		if _, err := Verify(bytes.NewReader(whole[:len(whole)-1])); err != nil {
			t.Errorf("a complete record without a newline: %v", err)
		}
		if err := appendMany(path, "x", 1); err != nil {
			t.Fatal(err)
		}
		if s, err := Verify(bytes.NewReader(mustRead(t, path))); err != nil || s.Records != 4 {
			t.Errorf("%+v %v", s, err)
		}
	})
	t.Run("several bad lines", func(t *testing.T) {
		path := writeChain(t, 3)
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		junk := "junk\n\n{\"seq\":1}\n"
		f.WriteString(junk)
		f.Close()
		if err := appendMany(path, "x", 1); err != nil {
			t.Fatal(err)
		}
		recs, _ := ReadAll(bytes.NewReader(mustRead(t, path)))
		if note := recs[3].Note; note != fmt.Sprintf("previous lines 4 to 6 are not records (%d bytes)", len(junk)) {
			t.Errorf("note %q", note)
		}
		ps := problems(t, string(mustRead(t, path)))
		if len(ps) != 3 || ps[0].Line != 4 || ps[2].Line != 6 {
			t.Errorf("problems %v", ps)
		}
	})
	t.Run("nothing but damage", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a.jsonl")
		os.WriteFile(path, []byte("not json"), 0o600)
		if err := appendMany(path, "x", 1); err != nil {
			t.Fatal(err)
		}
		recs, _ := ReadAll(bytes.NewReader(mustRead(t, path)))
		if len(recs) != 2 || recs[0].Seq != 1 || recs[0].Note != "previous line 1 was torn (8 bytes)" {
			t.Errorf("%+v", recs)
		}
	})
}

func TestConcurrentAppendersInOneProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	// Two Logs on one file (two descriptors, so flock matters) and several
	// goroutines on each (one descriptor, so the mutex matters).
	var logs []*Log
	for range 2 {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		logs = append(logs, l)
	}
	const goroutines, each = 6, 30
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				if _, err := logs[g%2].Append(finding(fmt.Sprint("g", g), i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if s, err := Verify(bytes.NewReader(mustRead(t, path))); err != nil || s.Records != goroutines*each {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestTwoProcessesKeepOneChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	const each = 150
	var cmds []*exec.Cmd
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,proc%d,%d", helperEnv, path, i, each))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if stderr.Len() > 0 {
				t.Logf("helper %d: %s", i, stderr.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	// And this process too, at the same time: once a helper has begun.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			break
		}
	}
	if err := appendMany(path, "parent", each); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	b := mustRead(t, path)
	s, err := Verify(bytes.NewReader(b))
	if err != nil || s.Records != 3*each {
		t.Fatalf("%d records, %v", s.Records, err)
	}
	// The writers did interleave, or this test proved nothing.
	recs, _ := ReadAll(bytes.NewReader(b))
	switches := 0
	for i := 1; i < len(recs); i++ {
		if recs[i].Session != recs[i-1].Session {
			switches++
		}
	}
	t.Logf("%d switches between writers", switches)
	if switches < 2 {
		t.Errorf("writers never interleaved")
	}
}

func TestLongRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	big := strings.Repeat("echo 0123456789abcdef; ", 1<<20/23+1)
	var want []string
	for i := range 4 {
		l, err := Open(path) // reopening walks back over the long last line
		if err != nil {
			t.Fatal(err)
		}
		cmd := fmt.Sprintf("%d %s", i, big)
		if i == 2 {
			cmd = "short"
		}
		if _, err := l.Append(Record{Session: "s", Kind: KindFinding, Command: cmd}); err != nil {
			t.Fatal(err)
		}
		want = append(want, cmd)
		l.Close()
	}
	b := mustRead(t, path)
	if s, err := Verify(bytes.NewReader(b)); err != nil || s.Records != 4 {
		t.Fatalf("%+v %v", s, err)
	}
	recs, errs := ReadAll(bytes.NewReader(b))
	if len(errs) > 0 || len(recs) != 4 {
		t.Fatalf("%d records, %v", len(recs), errs)
	}
	for i, r := range recs {
		if r.Command != want[i] {
			t.Errorf("record %d: command of %d bytes, want %d", i+1, len(r.Command), len(want[i]))
		}
	}
	// A torn megabyte line is noted with its size.
	last := b[bytes.LastIndexByte(b[:len(b)-1], '\n')+1:]
	os.WriteFile(path, append(b, last[:len(last)/2]...), 0o600)
	if err := appendMany(path, "x", 1); err != nil {
		t.Fatal(err)
	}
	recs, _ = ReadAll(bytes.NewReader(mustRead(t, path)))
	if got := recs[len(recs)-2].Note; got != fmt.Sprintf("previous line 5 was torn (%d bytes)", len(last)/2) {
		t.Errorf("note %q", got)
	}
}

func FuzzVerify(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "a.jsonl")
	if err := appendMany(path, "s", 4); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	f.Add(b)
	f.Add(b[:len(b)-20])
	f.Add([]byte("{}\nnull\n[]\n\n{\"seq\":1,\"hash\":\"x\"}\n"))
	f.Add([]byte(`{"seq":9223372036854775807,"time":"2026-01-01T00:00:00Z","session":"","kind":"x","prev":"","hash":"a"}` + "\n" + `{"seq":-9223372036854775808,"hash":"a"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Verify(bytes.NewReader(data))
		recs, errs := ReadAll(bytes.NewReader(data))
		if len(recs) != s.Records {
			t.Fatalf("ReadAll found %d records, Verify %d", len(recs), s.Records)
		}
		if err == nil {
			if len(errs) > 0 {
				t.Fatalf("Verify passed what ReadAll could not read: %v", errs)
			}
			// An intact chain re-encodes to exactly the bytes it was read from.
			var out []byte
			for _, r := range recs {
				line, err := Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				out = append(append(out, line...), '\n')
			}
			if !bytes.Equal(bytes.TrimSuffix(out, []byte("\n")), bytes.TrimSuffix(data, []byte("\n"))) {
				t.Fatalf("intact chain does not re-encode to its input")
			}
		}
	})
}

// A line longer than MaxLine is reported, not read into memory, and the
// lines after it are still checked.
func TestOverlongLine(t *testing.T) {
	lines := readLines(t, writeChain(t, 3))
	huge := io.MultiReader(strings.NewReader(lines[0]), &repeatReader{b: 'a', n: MaxLine + 10}, strings.NewReader("\n"+lines[1]+lines[2]))
	ps := func() []Problem {
		_, err := Verify(huge)
		var ce *ChainError
		if !errors.As(err, &ce) {
			t.Fatalf("Verify: %v", err)
		}
		return ce.Problems
	}()
	if len(ps) != 1 || ps[0].Line != 2 || !strings.Contains(ps[0].Msg, "longer than 64 MiB") {
		t.Errorf("problems %v", ps)
	}
}

type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n)
	for i := range n {
		p[i] = r.b
	}
	r.n -= n
	return n, nil
}
