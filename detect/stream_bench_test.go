package detect

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// mixedOutput makes n bytes of what agents print: Ink frames redrawn with
// cursor-up and erase-line, coloured tool lines and results, Codex history
// inserts with scroll regions and absolute positioning, Gemini boxes,
// build logs, JSON, base64, CJK prose.
func mixedOutput(n int) []byte {
	r := rand.New(rand.NewSource(1))
	var b bytes.Buffer
	words := []string{"the", "build", "failed", "because", "module", "cache", "was", "stale", "so", "I", "will", "clean", "it", "and", "retry", "tests", "pass", "now"}
	prose := func(k int) string {
		var p bytes.Buffer
		for i := 0; i < k; i++ {
			if i > 0 {
				p.WriteByte(' ')
			}
			p.WriteString(words[r.Intn(len(words))])
		}
		return p.String()
	}
	for b.Len() < n {
		switch k := r.Intn(30); min(k, 10+k%5) {
		case 0: // Claude tool call with a spinner frame redrawn a few times
			cmd := fmt.Sprintf("npm test -- --grep %s", words[r.Intn(len(words))])
			for f := 0; f < 4; f++ {
				if f > 0 {
					b.WriteString("\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G")
				}
				fmt.Fprintf(&b, "\x1b[38;2;255;255;255m●\x1b[39m \x1b[1mBash\x1b[22m(%s)\n", cmd)
				fmt.Fprintf(&b, "  \x1b[2m⎿  Running… (%ds)\x1b[22m\n", f)
			}
		case 1, 14: // Claude prose
			fmt.Fprintf(&b, "● %s\n  %s\n\n", prose(12), prose(14))
		case 2, 10: // build log with colours
			for i := 0; i < 8; i++ {
				fmt.Fprintf(&b, "\x1b[32m[INFO]\x1b[0m src/pkg/file_%d.go:%d:%d: %s\r\n", r.Intn(100), r.Intn(500), r.Intn(80), prose(8))
			}
		case 3: // spinner with \r overwrites
			for i := 0; i < 10; i++ {
				fmt.Fprintf(&b, "\r%c Installing dependencies %d%%", "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"[0], i*10)
			}
			b.WriteString("\r\x1b[K✓ Installed\n")
		case 4: // Codex history insert
			fmt.Fprintf(&b, "\x1b[1;20r\x1b[20;1H\r\n\x1b[K\x1b[1m•\x1b[0m Ran \x1b[36mcargo\x1b[0m test -p core\r\n\x1b[K  └ test result: ok. %d passed\x1b[r\x1b[24;1H", r.Intn(90))
		case 5: // Gemini box
			fmt.Fprintf(&b, "╭──────────────────────────────────────────────╮\n│ ✓  Shell ls -la src [in .] (List the sources) │\n│                                              │\n│ total %d                                      │\n╰──────────────────────────────────────────────╯\n", r.Intn(100))
		case 6, 11: // JSON
			b.WriteString(`{"name":"pkg","version":"1.2.3","integrity":"sha512-`)
			for i := 0; i < 86; i++ {
				b.WriteByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[r.Intn(64)])
			}
			b.WriteString(`","resolved":"https://registry.npmjs.org/pkg/-/pkg-1.2.3.tgz","dependencies":{"a":"^1.0.0","b":"~2.3.4"}}` + "\n")
		case 7, 12: // CJK and emoji prose
			fmt.Fprintf(&b, "  构建失败了，我会清理缓存然后重试 🚀 %s\n", prose(6))
		case 8, 13: // git log
			for i := 0; i < 5; i++ {
				fmt.Fprintf(&b, "\x1b[33mcommit %040x\x1b[m\nAuthor: Dev <dev@example.com>\n\n    %s\n\n", r.Int63(), prose(7))
			}
		case 9: // shell transcript
			fmt.Fprintf(&b, "$ go build ./...\n$ ls -la\ndrwxr-xr-x  5 dev dev 4096 Jan  1 00:00 %s\n", words[r.Intn(len(words))])
		}
	}
	return b.Bytes()
}

func BenchmarkStream(b *testing.B) {
	data := mixedOutput(8 << 20)
	const chunk = 4096
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := NewStream(Context{})
		for i := 0; i < len(data); i += chunk {
			s.Write(data[i:min(i+chunk, len(data))])
		}
		s.Flush()
	}
}

// BenchmarkStreamTerminal measures the escape-sequence and line layer
// alone, on output with no command or credential in it.
func BenchmarkStreamTerminal(b *testing.B) {
	var buf bytes.Buffer
	for buf.Len() < 8<<20 {
		buf.WriteString("\x1b[32m[INFO]\x1b[0m compiling src/pkg/file.go: 120 lines, 0 warnings \x1b[2m(0.4s)\x1b[22m\r\n")
		buf.WriteString("\r⠋ Installing dependencies 42%\r⠙ Installing dependencies 43%\r\x1b[K✓ done\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := NewStream(Context{})
		for i := 0; i < len(data); i += 4096 {
			s.Write(data[i:min(i+4096, len(data))])
		}
		s.Flush()
	}
}

// BenchmarkAnsiParser is the alternative the terminal layer was measured
// against: charmbracelet/x/ansi's Parser, fed the same output, doing no
// line assembly or extraction at all.
func BenchmarkAnsiParser(b *testing.B) {
	data := mixedOutput(8 << 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		p := ansi.NewParser()
		p.Parse(data)
	}
}

// benchWorkload is bench/workload's output as the scanner sees it through
// a PTY (onlcr turns \n into \r\n): "plain" is seq(1)'s numbered lines,
// "colour" numbered log lines of eight words, each in a 256-colour or
// truecolour SGR and reset. The shapes follow bench/workload/main.go.
func benchWorkload(kind string, n int) []byte {
	words := []string{"INFO", "compiling", "package", "github.com/example/service", "ok",
		"tests", "passed", "in", "0.42s", "WARN", "retrying", "request", "to",
		"api.internal", "ERROR", "timeout", "after", "30s", "done", "cache"}
	rgb := func(b []byte, k int) []byte {
		b = strconv.AppendInt(b, int64((k*37)%256), 10)
		b = append(b, ';')
		b = strconv.AppendInt(b, int64((k*91)%256), 10)
		b = append(b, ';')
		return strconv.AppendInt(b, int64((k*53)%256), 10)
	}
	b := make([]byte, 0, n+256)
	for line := 1; len(b) < n; line++ {
		if kind == "plain" {
			b = strconv.AppendInt(b, int64(line), 10)
			b = append(b, "\r\n"...)
			continue
		}
		b = append(b, "\x1b[2m"...)
		b = strconv.AppendInt(b, int64(line), 10)
		b = append(b, "\x1b[0m "...)
		for i := 0; i < 8; i++ {
			k := line*7 + i*13
			switch i % 4 {
			case 0:
				b = append(b, "\x1b[38;5;"...)
				b = strconv.AppendInt(b, int64(16+k%216), 10)
			case 1:
				b = append(b, "\x1b[1;38;2;"...)
				b = rgb(b, k)
			case 2:
				b = append(b, "\x1b[38;5;"...)
				b = strconv.AppendInt(b, int64(232+k%24), 10)
				b = append(b, ";48;5;"...)
				b = strconv.AppendInt(b, int64(16+(k*5)%216), 10)
			case 3:
				b = append(b, "\x1b[4;38;2;"...)
				b = rgb(b, k)
				b = append(b, ";48;2;"...)
				b = rgb(b, k*3+1)
			}
			b = append(b, 'm')
			b = append(b, words[k%len(words)]...)
			b = append(b, "\x1b[0m "...)
		}
		b = append(b, "\r\n"...)
	}
	return b
}

// BenchmarkStreamWorkload runs bench/run's two workloads through the
// scanner in the read loop's 4 KB chunks.
func BenchmarkStreamWorkload(b *testing.B) {
	for _, kind := range []string{"plain", "colour"} {
		b.Run(kind, func(b *testing.B) {
			data := benchWorkload(kind, 8<<20)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				s := NewStream(Context{})
				for i := 0; i < len(data); i += 4096 {
					s.Write(data[i:min(i+4096, len(data))])
				}
				s.Flush()
			}
		})
	}
}
