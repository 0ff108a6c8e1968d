package replay

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-console/sentinel/session/cast"
)

// The replay target: open a 200 MB recording and seek to its end in under
// 1 s with a peak RSS under 100 MB.
//
//	go test -run '^$' -bench OpenSeekEnd -benchtime 1x ./session/replay
//
// Each is run SENTINEL_REPLAY_BENCH_RUNS times (default 3), interleaved
// with the baseline; the median is reported, with the highest peak RSS.
//
// It measures three kinds of output, each a sub-benchmark: colour
// (bench/workload's SGR-heavy log lines: scrolling runs the compactor
// drops), plain (short numbered lines: the most line feeds per byte) and
// tui (a full-screen redraw by cursor addressing: nothing scrolls, the
// fast-forward model takes it). SENTINEL_REPLAY_BENCH_MB sets the size
// (default 200) and SENTINEL_REPLAY_BENCH_KIND picks one kind.
//
// Open + Seek(end) runs in a child process (this test binary again), so its
// peak RSS (VmHWM) is its own, not the generator's. The baseline, measured in
// the same run, is the child reading the same file line by line and doing
// nothing else: the ratio says what indexing and emulation add to reading.
func BenchmarkOpenSeekEnd(b *testing.B) {
	mb := 200
	if v, err := strconv.Atoi(os.Getenv("SENTINEL_REPLAY_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	kinds := []string{"colour", "plain", "tui"}
	if k := os.Getenv("SENTINEL_REPLAY_BENCH_KIND"); k != "" {
		kinds = []string{k}
	}
	for _, kind := range kinds {
		b.Run(kind, func(b *testing.B) { benchOpenSeekEnd(b, kind, mb) })
	}
}

func benchOpenSeekEnd(b *testing.B, kind string, mb int) {
	path := filepath.Join(b.TempDir(), "20260424T090000Z-bench.cast")
	genStart := time.Now()
	if err := generate(path, int64(mb)<<20, kind); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.Logf("generated %s recording of %.1f MB in %v", kind, float64(fi.Size())/(1<<20), time.Since(genStart).Round(time.Millisecond))
	runs := 3
	if v, err := strconv.Atoi(os.Getenv("SENTINEL_REPLAY_BENCH_RUNS")); err == nil && v > 0 {
		runs = v
	}
	b.ResetTimer()
	for range b.N {
		// Interleaved runs, the median reported: on a shared machine one
		// run can be slowed by others' work, and the baseline with it.
		var got, base []childResult
		for range runs {
			base = append(base, child(b, path, "read"))
			got = append(got, child(b, path, "seek"))
		}
		g, r := medianRun(got), medianRun(base)
		b.ReportMetric(g.seconds, "open+seek-s")
		b.ReportMetric(g.hwmMB, "peak-RSS-MB")
		b.ReportMetric(r.seconds, "read-only-s")
		b.ReportMetric(r.hwmMB, "read-only-RSS-MB")
		b.ReportMetric(g.seconds/r.seconds, "x-read")
		var all []string
		for _, x := range got {
			all = append(all, fmt.Sprintf("%.3f", x.seconds))
		}
		b.Logf("%s: open %.3fs + seek(end) %.3fs = %.3fs (median of %d runs: %s), peak RSS %.1f MB (reading the file alone: %.3fs, %.1f MB); %s",
			kind, g.open, g.seconds-g.open, g.seconds, runs, strings.Join(all, " "), g.hwmMB, r.seconds, r.hwmMB, g.note)
	}
}

// medianRun is the run with the median time; its RSS is the highest of all.
func medianRun(rs []childResult) childResult {
	s := append([]childResult(nil), rs...)
	sort.Slice(s, func(i, j int) bool { return s[i].seconds < s[j].seconds })
	m := s[len(s)/2]
	for _, r := range rs {
		m.hwmMB = max(m.hwmMB, r.hwmMB)
	}
	return m
}

type childResult struct {
	seconds, open, hwmMB float64
	note                 string
}

func child(b *testing.B, path, mode string) childResult {
	cmd := exec.Command(os.Args[0], "-test.run=^TestReplayBenchChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SENTINEL_REPLAY_CHILD="+mode, "SENTINEL_REPLAY_FILE="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child: %v\n%s", err, out)
	}
	var r childResult
	for _, l := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "RESULT "); ok {
			fmt.Sscanf(rest, "%f %f %f", &r.seconds, &r.open, &r.hwmMB)
			if i := strings.Index(rest, "|"); i >= 0 {
				r.note = rest[i+1:]
			}
			return r
		}
	}
	b.Fatalf("child printed no result:\n%s", out)
	return r
}

// TestReplayBenchChild is the child half of BenchmarkOpenSeekEnd.
func TestReplayBenchChild(t *testing.T) {
	mode, path := os.Getenv("SENTINEL_REPLAY_CHILD"), os.Getenv("SENTINEL_REPLAY_FILE")
	if mode == "" {
		t.Skip("run by BenchmarkOpenSeekEnd")
	}
	start := time.Now()
	var open float64
	note := ""
	switch mode {
	case "read":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		lr := newLineReader(f, DefaultMaxLine)
		n := 0
		for {
			if _, err := lr.next(); err != nil {
				break
			}
			n++
		}
		f.Close()
		note = fmt.Sprintf("%d lines", n)
	case "seek":
		rec, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		open = time.Since(start).Seconds()
		p, err := rec.Player()
		if err != nil {
			t.Fatal(err)
		}
		p.Seek(rec.Duration())
		row := 0
		for y := range p.Screen().Height() {
			if c := p.Screen().CellAt(0, y); c != nil && c.Content != "" && c.Content != " " {
				row = y
			}
		}
		note = fmt.Sprintf("%d events, %d snapshots, %d markers; last non-empty row %d", rec.Events(), rec.Snapshots(), len(rec.Markers()), row)
	}
	secs := time.Since(start).Seconds()
	fmt.Printf("RESULT %.4f %.4f %.1f |%s\n", secs, open, vmHWM(), note)
}

// vmHWM is this process's peak resident set in MB, from /proc.
func vmHWM() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return -1
}

// generate writes a sentinel-like recording of about size bytes: a start
// marker, output events of ~4 KB (PTY reads) 2 ms apart, a finding and a
// decision marker every 20 MB, and an exit marker.
func generate(path string, size int64, kind string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	h, _ := json.Marshal(cast.Header{Version: 2, Width: 200, Height: 50, Timestamp: 1777000000, Command: "bench"})
	w.Write(h)
	w.WriteByte('\n')
	var written int64
	at := 0.0
	event := func(code, data string) {
		l, _ := json.Marshal([]any{json.Number(strconv.FormatFloat(at, 'f', 6, 64)), code, data})
		w.Write(l)
		w.WriteByte('\n')
		written += int64(len(l) + 1)
	}
	event(cast.Marker, "start: bench")
	var chunk []byte
	line, findings := 0, 0
	for written < size {
		at += 0.002
		chunk = chunk[:0]
		for len(chunk) < 4000 {
			line++
			switch kind {
			case "plain":
				chunk = strconv.AppendInt(chunk, int64(line), 10)
				chunk = append(chunk, '\r', '\n')
			case "tui":
				chunk = fmt.Appendf(chunk, "\x1b[%d;1H\x1b[2K\x1b[7m %6d \x1b[0m %s", line%50+1, line, strings.Repeat("tui ", 20))
			default:
				chunk = colourLine(chunk, line)
			}
		}
		event(cast.Output, string(chunk))
		if written/(20<<20) > int64(findings) {
			findings++
			event(cast.Marker, fmt.Sprintf("pause #%d [exec] critical cloud.volume-delete: curl -X POST https://api/graphql", findings))
			at += 3
			event(cast.Marker, fmt.Sprintf("decision #%d: deny cloud.volume-delete: curl -X POST https://api/graphql", findings))
		}
	}
	event(cast.Marker, "exit: exit 0")
	return w.Flush()
}

// colourLine is bench/workload's colour line: eight words in 256-colour and
// truecolour SGR, some bold, underlined or on a background, each reset.
func colourLine(buf []byte, n int) []byte {
	buf = fmt.Appendf(buf, "%08d ", n)
	for i := range 8 {
		c := (n*7 + i*31) % 256
		switch i % 4 {
		case 0:
			buf = fmt.Appendf(buf, "\x1b[38;5;%dm", c)
		case 1:
			buf = fmt.Appendf(buf, "\x1b[1;38;2;%d;%d;%dm", c, 255-c, (c*3)%256)
		case 2:
			buf = fmt.Appendf(buf, "\x1b[38;5;%d;48;5;%dm", c, 255-c)
		case 3:
			buf = fmt.Appendf(buf, "\x1b[4;38;2;%d;%d;%d;48;2;%d;%d;%dm", c, c, 255-c, 10, 20, 30)
		}
		buf = append(buf, "word"...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, "\x1b[0m "...)
	}
	return append(buf, '\r', '\n')
}

// BenchmarkDecodeData unescapes a recorded colour output event, with
// encoding/json on the same event as the baseline:
//
//	go test -run '^$' -bench DecodeData ./session/replay
func BenchmarkDecodeData(b *testing.B) {
	var chunk []byte
	for n := 0; len(chunk) < 4000; n++ {
		chunk = colourLine(chunk, n)
	}
	data, _ := json.Marshal(string(chunk))
	b.SetBytes(int64(len(data)))
	b.Run("sentinel", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var out []byte
		for range b.N {
			out, _ = decodeData(out[:0], data)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var s string
		for range b.N {
			_ = json.Unmarshal(data, &s)
		}
	})
}
