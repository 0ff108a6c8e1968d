package execgate

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/syntax"

	"github.com/sentinel-console/sentinel/detect"
)

// BenchmarkExecGate measures what the gate adds to each exec: a shell loop
// runs /bin/true 1,000 times, plain and behind two gates: "full", whose
// Decide runs the real detector (allowing unless it pauses) with the
// post-exec verification on, and "bare", which allows everything without
// a Decide or a verification (the mechanism alone: notification, reading
// path and argv, answer). The shell times each exec itself (bash's
// $EPOCHREALTIME around it), so neither the trampoline's start-up nor the
// benchmark's own waiting counts, and a burst of noise from elsewhere on
// the machine moves a few samples, not a run's median exec. Runs rotate
// plain, bare, full, EXECGATE_BENCH_RUNS times (default 9), of
// EXECGATE_BENCH_EXECS execs each (default 1,000). Metrics, medians over
// the runs:
//
//	plain-µs/exec              one exec (fork, exec, exit, wait) without a gate
//	full-µs/exec, bare-µs/exec the same behind each gate
//	added-µs/exec              full - plain, run by run (target <= 100)
//	bare-added-µs/exec         bare - plain, run by run
//	ratio                      full / plain
//	bare-cpu-µs/exec, full-cpu-µs/exec
//	                           CPU time of this process (the supervisor, and
//	                           the benchmark's own waiting) per exec
func BenchmarkExecGate(b *testing.B) {
	if err := Supported(); err != nil {
		b.Skip(err)
	}
	runs, n := envInt("EXECGATE_BENCH_RUNS", 9), envInt("EXECGATE_BENCH_EXECS", 1000)
	script := `i=0; out=; while [ $i -lt ` + strconv.Itoa(n) + ` ]; do t=$EPOCHREALTIME; /bin/true; out+="$t $EPOCHREALTIME "; i=$((i+1)); done; echo $out`
	var decided, mismatched atomic.Int64
	full := Options{
		Decide: func(ex *Exec) bool {
			decided.Add(1)
			return detect.Command(shellJoin(ex.Argv), detect.Context{Cwd: ex.Cwd}).Verdict != detect.Pause
		},
		OnMismatch: func(*Exec, string, []string) { mismatched.Add(1) },
		OnError:    func(err error) { b.Error(err) },
	}
	bare := Options{OnError: func(err error) { b.Error(err) }}
	var plain, gated, stripped, added, bareAdded, bareCPU, fullCPU []float64
	cpu := func() float64 {
		var ru unix.Rusage
		unix.Getrusage(unix.RUSAGE_SELF, &ru)
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e3
	}
	for b.Loop() {
		for range runs {
			p := timeLoop(b, nil, script)
			c0 := cpu()
			s := timeLoop(b, &bare, script)
			c1 := cpu()
			g := timeLoop(b, &full, script)
			c2 := cpu()
			bareCPU, fullCPU = append(bareCPU, (c1-c0)/float64(n)), append(fullCPU, (c2-c1)/float64(n))
			plain, stripped, gated = append(plain, p), append(stripped, s), append(gated, g)
			added, bareAdded = append(added, g-p), append(bareAdded, s-p)
		}
	}
	if got := decided.Load(); got < int64(n*runs) {
		b.Fatalf("Decide ran %d times, want at least %d", got, n*runs)
	}
	if m := mismatched.Load(); m != 0 {
		b.Errorf("%d mismatches reported", m)
	}
	mp, mg := median(plain), median(gated)
	b.ReportMetric(mp, "plain-µs/exec")
	b.ReportMetric(median(stripped), "bare-µs/exec")
	b.ReportMetric(mg, "full-µs/exec")
	b.ReportMetric(median(bareAdded), "bare-added-µs/exec")
	b.ReportMetric(median(added), "added-µs/exec")
	b.ReportMetric(mg/mp, "ratio")
	b.ReportMetric(median(bareCPU), "bare-cpu-µs/exec")
	b.ReportMetric(median(fullCPU), "full-cpu-µs/exec")
	b.ReportMetric(0, "ns/op")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// timeLoop runs the script with bash, behind a gate when opts is set, and
// returns the median time of one exec, in µs.
func timeLoop(b *testing.B, opts *Options, script string) float64 {
	b.Helper()
	argv := []string{"/bin/bash", "-c", script}
	var p *Pending
	if opts != nil {
		self, err := os.Executable()
		if err != nil {
			b.Fatal(err)
		}
		if p, err = Prepare(self, argv[0], argv); err != nil {
			b.Fatal(err)
		}
		argv = p.Command
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if p != nil {
		cmd.ExtraFiles = p.ExtraFiles
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	if p != nil {
		g, err := p.Start(*opts)
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close()
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("%v: %s", err, out.String())
	}
	f := strings.Fields(out.String())
	if len(f) == 0 || len(f)%2 != 0 {
		b.Fatalf("bash said %q", out.String())
	}
	var d []float64
	for i := 0; i < len(f); i += 2 {
		t0, err0 := strconv.ParseFloat(f[i], 64)
		t1, err1 := strconv.ParseFloat(f[i+1], 64)
		if err0 != nil || err1 != nil {
			b.Fatalf("bash said %q", out.String())
		}
		d = append(d, (t1-t0)*1e6)
	}
	return median(d)
}

// shellJoin quotes argv back into one command for the detector.
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		s, err := syntax.Quote(a, syntax.LangBash)
		if err != nil { // a NUL or invalid UTF-8: close enough for a benchmark
			s = strings.ToValidUTF8(strings.ReplaceAll(a, "\x00", ""), "?")
		}
		q[i] = s
	}
	return strings.Join(q, " ")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
