// Command workload writes a benchmark workload to stdout as fast as it can
// and reports how long that took, as seen by the writer (the "agent").
//
//	workload -kind plain|colour -mb 50 -times FILE [-nonce X] [-notify FIFO] [-hold 30s]
//
// It records the time just before its first write and just after its last
// write returns, then prints a final marker line "BENCH-END-<nonce>",
// writes "start_ns end_ns user_us sys_us bytes tenth_us..." to FILE
// (atomically, via a rename; tenth_us are the microseconds each tenth of
// the output took, for comparisons finer than whole runs), writes a line to FIFO (so a harness can wait for the end without
// polling), and finally sleeps for -hold so a console showing it stays up.
//
// Flags fall back to the environment: BENCH_KIND, BENCH_MB, BENCH_TIMES,
// BENCH_NONCE, BENCH_NOTIFY, BENCH_HOLD. Only the standard library is used.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func main() {
	kind := flag.String("kind", env("BENCH_KIND", "plain"), "workload: plain (seq-like numbered lines) or colour (SGR-heavy lines)")
	mb := flag.Float64("mb", mustFloat(env("BENCH_MB", "50")), "MiB of output to write (before the PTY's \\n to \\r\\n)")
	times := flag.String("times", env("BENCH_TIMES", ""), "write \"start_ns end_ns user_us sys_us bytes\" to `FILE`")
	nonce := flag.String("nonce", env("BENCH_NONCE", ""), "marker suffix: the last line printed is BENCH-END-<nonce>")
	notify := flag.String("notify", env("BENCH_NOTIFY", ""), "write a line to `FIFO` once FILE is written")
	hold := flag.Duration("hold", mustDur(env("BENCH_HOLD", "0s")), "sleep this long after finishing")
	flag.Parse()

	var gen func(buf []byte, n int) []byte
	switch *kind {
	case "plain":
		gen = plainLine
	case "colour", "color":
		gen = colourLine
	default:
		fmt.Fprintf(os.Stderr, "workload: unknown -kind %q (want plain or colour)\n", *kind)
		os.Exit(2)
	}
	if *nonce == "" {
		*nonce = strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	limit := int64(*mb * (1 << 20))

	const chunk = 64 << 10
	buf := make([]byte, 0, chunk+1024)
	out := os.Stdout
	var written int64
	line := 1

	// The time at which each tenth of the output had been written.
	var tenths []time.Time
	nextTenth := limit / 10

	start := time.Now()
	for written < limit {
		buf = buf[:0]
		for len(buf) < chunk && written+int64(len(buf)) < limit {
			buf = gen(buf, line)
			line++
		}
		if err := writeAll(out, buf); err != nil {
			fmt.Fprintf(os.Stderr, "workload: write: %v\n", err)
			os.Exit(1)
		}
		written += int64(len(buf))
		for written >= nextTenth && len(tenths) < 10 {
			tenths = append(tenths, time.Now())
			nextTenth += limit / 10
		}
	}
	end := time.Now()

	if err := writeAll(out, []byte("BENCH-END-"+*nonce+"\n")); err != nil {
		fmt.Fprintf(os.Stderr, "workload: write marker: %v\n", err)
		os.Exit(1)
	}

	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	if *times != "" {
		s := fmt.Sprintf("%d %d %d %d %d", start.UnixNano(), end.UnixNano(),
			ru.Utime.Nano()/1000, ru.Stime.Nano()/1000, written)
		prev := start
		for _, t := range tenths {
			s += fmt.Sprintf(" %d", t.Sub(prev).Microseconds())
			prev = t
		}
		s += "\n"
		if err := writeTimes(*times, s); err != nil {
			fmt.Fprintf(os.Stderr, "workload: %v\n", err)
			os.Exit(1)
		}
	}
	if *notify != "" {
		f, err := os.OpenFile(*notify, os.O_WRONLY, 0)
		if err == nil {
			_, err = f.WriteString("done\n")
			f.Close()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "workload: %v\n", err)
			os.Exit(1)
		}
	}
	if *hold > 0 {
		time.Sleep(*hold)
	}
}

func writeAll(f *os.File, b []byte) error {
	for len(b) > 0 {
		n, err := f.Write(b)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// plainLine is what seq(1) prints: the line number and a newline.
func plainLine(buf []byte, n int) []byte {
	buf = strconv.AppendInt(buf, int64(n), 10)
	return append(buf, '\n')
}

var words = []string{
	"INFO", "compiling", "package", "github.com/example/service", "ok",
	"tests", "passed", "in", "0.42s", "WARN", "retrying", "request", "to",
	"api.internal", "ERROR", "timeout", "after", "30s", "done", "cache",
}

// colourLine is a numbered log-like line of eight words, each in its own
// colour (alternating 256-colour and truecolour foregrounds, some bold or
// with a background), each followed by a reset.
func colourLine(buf []byte, n int) []byte {
	buf = append(buf, "\x1b[2m"...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, "\x1b[0m "...)
	for i := 0; i < 8; i++ {
		k := n*7 + i*13
		switch i % 4 {
		case 0: // 256-colour foreground
			buf = append(buf, "\x1b[38;5;"...)
			buf = strconv.AppendInt(buf, int64(16+k%216), 10)
			buf = append(buf, 'm')
		case 1: // truecolour foreground, bold
			buf = append(buf, "\x1b[1;38;2;"...)
			buf = rgb(buf, k)
			buf = append(buf, 'm')
		case 2: // 256-colour foreground on a 256-colour background
			buf = append(buf, "\x1b[38;5;"...)
			buf = strconv.AppendInt(buf, int64(232+k%24), 10)
			buf = append(buf, ";48;5;"...)
			buf = strconv.AppendInt(buf, int64(16+(k*5)%216), 10)
			buf = append(buf, 'm')
		case 3: // truecolour foreground and background, underline
			buf = append(buf, "\x1b[4;38;2;"...)
			buf = rgb(buf, k)
			buf = append(buf, ";48;2;"...)
			buf = rgb(buf, k*3+1)
			buf = append(buf, 'm')
		}
		buf = append(buf, words[k%len(words)]...)
		buf = append(buf, "\x1b[0m "...)
	}
	return append(buf, '\n')
}

func rgb(buf []byte, k int) []byte {
	buf = strconv.AppendInt(buf, int64((k*37)%256), 10)
	buf = append(buf, ';')
	buf = strconv.AppendInt(buf, int64((k*91)%256), 10)
	buf = append(buf, ';')
	return strconv.AppendInt(buf, int64((k*53)%256), 10)
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		fmt.Fprintf(os.Stderr, "workload: bad size %q\n", s)
		os.Exit(2)
	}
	return f
}

func mustDur(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		fmt.Fprintf(os.Stderr, "workload: bad duration %q\n", s)
		os.Exit(2)
	}
	return d
}

// writeTimes writes s to path atomically (a reader polling for the file
// never sees half a line) when path is a regular file or absent. Anything
// else (/dev/null, a FIFO) is written in place: renaming over /dev/null
// would replace the machine's null device with a regular file.
func writeTimes(path, s string) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return os.WriteFile(path, []byte(s), 0)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
