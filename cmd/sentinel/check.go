package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session/agenthook"
	"github.com/sentinel-console/sentinel/themes"
)

const checkUsage = `Usage: sentinel check [--json] [--config FILE] COMMAND
       sentinel check [--json] --stdin

Says what sentinel would do about COMMAND (one shell command, which may span
several lines): allow, warn or pause, with the rule, its severity, the
consequence in one sentence, and the command with the matching bytes marked.

Flags go before COMMAND: everything from COMMAND on is the command to
check, its own options included ('sentinel check rm -rf --json x' checks
that whole line). Quote COMMAND to check a pipeline or a list.

Exit status: 0 allow or warn, 1 pause, 2 usage or configuration error (or
input that could not be read).

Control characters in the command, and in reasons that quote it, are shown
as escapes (\x1b): a command an agent wrote never acts on the terminal.

With --stdin and --json, reads JSON Lines {"command": "..."} and writes one
JSON object per input line in the same order:
  {"command","verdict","severity","rule","category","reason","spans":[[start,end],...],"findings":[...]}
and exits 0, or 2 if a line could not be read (not JSON, no "command", a
blank line, or longer than 16 MiB): that line's object has verdict pause
and an "error" naming the line. With --stdin alone, stdin is one command
(at most 16 MiB).

Flags:
`

type checkOptions struct {
	json   bool
	stdin  bool
	config string
	cwd    string
}

func checkFlags(o *checkOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "write JSON")
	fs.BoolVar(&o.stdin, "stdin", false, "read the command (or, with --json, JSON Lines of commands) from stdin")
	fs.StringVar(&o.config, "config", "", "read configuration from `FILE` instead of the default location")
	fs.StringVar(&o.cwd, "cwd", "", "the `DIR` the command would run in, if it matters")
	return fs
}

// loadDetectConfig reads the configuration file's [detect] section.
func loadDetectConfig(path string) (*detect.Config, error) {
	cfg, err := loadCLIConfig(path)
	if err != nil {
		return nil, err
	}
	return cfg.detect, nil
}

// loadCLIConfig reads the configuration file named by --config, or the
// default one if it exists; errors exit 2.
func loadCLIConfig(path string) (Config, error) {
	p, explicit := configPath(), false
	if path != "" {
		p, explicit = path, true
	}
	cfg, err := loadConfig(p, explicit)
	if err != nil {
		return cfg, fail(2, "%v", err)
	}
	return cfg, nil
}

func checkCommand(args []string, stdin io.Reader, stdout, stderr *os.File) error {
	var o checkOptions
	fs := checkFlags(&o)
	if err := parseLeadingFlags(fs, args, "check"); err != nil {
		return err
	}
	cfg, err := loadCLIConfig(o.config)
	if err != nil {
		return err
	}
	ctx := detect.Context{Config: cfg.detect, Cwd: o.cwd}
	if o.stdin && o.json {
		return checkBatch(stdin, stdout, ctx)
	}
	var cmd string
	switch {
	case o.stdin:
		if fs.NArg() > 0 {
			return &usageError{"check: give the command as an argument or on stdin, not both"}
		}
		b, err := io.ReadAll(io.LimitReader(stdin, maxCommand+1))
		if err != nil {
			return fail(2, "reading stdin: %v", err)
		}
		if len(b) > maxCommand {
			return fail(2, "stdin:%d: the command passes the %d MiB limit on this line; not checked", bytes.Count(b[:maxCommand], []byte("\n"))+1, maxCommand>>20)
		}
		cmd = strings.TrimSuffix(string(b), "\n")
	case fs.NArg() == 0:
		return &usageError{"check: no command given (sentinel check 'COMMAND')"}
	default:
		cmd = strings.Join(fs.Args(), " ")
	}
	res := detect.Command(cmd, ctx)
	if o.json {
		enc := json.NewEncoder(jsonSafeWriter{stdout})
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report(res)); err != nil {
			return err
		}
	} else {
		in, _ := stdin.(*os.File)
		if o.stdin {
			in = nil // it held the command
		}
		printResult(stdout, res, cliStyles(cfg.Console.Theme, in, stdout))
	}
	if res.Verdict == detect.Pause {
		return &exitError{code: 1}
	}
	return nil
}

// checkReport is the JSON contract of sentinel check: keep it stable.
type checkReport struct {
	Command  string           `json:"command"`
	Verdict  detect.Verdict   `json:"verdict"`
	Severity string           `json:"severity"`
	Rule     string           `json:"rule"`
	Category string           `json:"category"`
	Reason   string           `json:"reason"`
	Spans    []detect.Span    `json:"spans"`
	Findings []detect.Finding `json:"findings"`
	Error    string           `json:"error,omitempty"`
}

func report(res detect.Result) checkReport {
	r := checkReport{Command: res.Command, Verdict: res.Verdict, Spans: []detect.Span{}, Findings: res.Findings}
	if top := res.Top(); top != nil {
		r.Severity, r.Rule, r.Category, r.Reason = top.Severity.String(), top.Rule, top.Category, top.Reason
		r.Spans = top.Spans
	}
	return r
}

// maxCommand bounds a command read from stdin, and a JSON line holding
// one: the hook's bound (agenthook.MaxRequest), so a command an agent's
// hook could have sent can be checked, and /dev/zero cannot take the
// machine's memory.
const maxCommand = agenthook.MaxRequest

// checkBatch answers JSON Lines of commands, one object per line, in order:
// every input line gets its object, a line that cannot be read (not JSON,
// no "command", blank, or longer than maxCommand) a pause with an error, so
// a caller pairing outputs with inputs by position never goes out of step.
func checkBatch(stdin io.Reader, stdout io.Writer, ctx detect.Context) error {
	in := bufio.NewReaderSize(stdin, 1<<20)
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(jsonSafeWriter{out})
	enc.SetEscapeHTML(false)
	bad := 0
	for lineNo := 1; ; lineNo++ {
		line, n, err := readLine(in, maxCommand)
		if err != nil && !errors.Is(err, io.EOF) {
			return fail(2, "reading stdin: %v", err)
		}
		if n == 0 && errors.Is(err, io.EOF) {
			break // the end, after a final newline (or of empty input)
		}
		refuse := func(why string) checkReport {
			bad++
			return checkReport{Verdict: detect.Pause, Spans: []detect.Span{}, Findings: []detect.Finding{}, Error: fmt.Sprintf("stdin:%d: %s", lineNo, why)}
		}
		var req struct {
			Command *string `json:"command"`
		}
		var rep checkReport
		if line == nil {
			rep = refuse(fmt.Sprintf("line of %d bytes is longer than the %d MiB limit; not read", n, maxCommand>>20))
		} else if len(bytes.TrimSpace(line)) == 0 {
			rep = refuse(`blank line; want {"command": "…"}`)
		} else if jerr := json.Unmarshal(line, &req); jerr != nil {
			rep = refuse(jerr.Error())
		} else if req.Command == nil {
			rep = refuse(`no "command" field`)
		} else {
			rep = report(detect.Command(*req.Command, ctx))
		}
		if err := enc.Encode(rep); err != nil {
			return err
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if bad > 0 {
		out.Flush()
		return fail(2, "%d input line(s) could not be read; their verdict is pause", bad)
	}
	return nil
}

// readLine reads one line (without its newline) holding at most max
// bytes: a longer one is read past, not kept, and returned as nil with its
// length. n is the line's length in the input; err is io.EOF when the
// input ended with this line.
func readLine(br *bufio.Reader, max int) (line []byte, n int64, err error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		n += int64(len(chunk))
		if !tooLong {
			if len(buf)+len(chunk) > max+1 { // +1: the newline is not the line's
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			n-- // the newline
			buf = bytes.TrimSuffix(buf, []byte("\n"))
		}
		if tooLong || len(buf) > max {
			return nil, n, err
		}
		if buf == nil {
			buf = []byte{}
		}
		return buf, n, err
	}
}

// printResult writes the human form of a result: verdict, each finding,
// and the command with the matched bytes marked (styled on a terminal,
// with carets otherwise). The command may come from an agent (check
// --stdin is fed what agents ran), and reasons quote it: control
// characters are shown as escapes, never sent to the terminal.
func printResult(w io.Writer, res detect.Result, st themes.CLI) {
	verdict := st.Verdict(res.Verdict.String())
	if len(res.Findings) == 0 {
		fmt.Fprintf(w, "%s  nothing destructive found\n", verdict)
		return
	}
	top := res.Top()
	fmt.Fprintf(w, "%s  %s  %s\n", verdict, top.Severity, printable(top.Rule))
	fmt.Fprintf(w, "  %s\n", printable(top.Reason))
	for _, f := range res.Findings[1:] {
		fmt.Fprintf(w, "  %s\n", st.Paint(st.Dim, printable(fmt.Sprintf("also %s (%s, %s): %s", f.Rule, f.Verdict, f.Severity, f.Reason))))
	}
	fmt.Fprintln(w)
	var spans []detect.Span
	for _, f := range res.Findings {
		if f.Verdict == top.Verdict {
			spans = append(spans, f.Spans...)
		}
	}
	for _, line := range markSpans(res.Command, spans, st) {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// markSpans renders the command line by line, marking the spans: in the
// theme's Mark style on a terminal, a caret line under each line otherwise.
// Control characters (and bytes that are not UTF-8) are shown as escapes,
// the carets as wide as the escapes they mark.
func markSpans(cmd string, spans []detect.Span, st themes.CLI) []string {
	marked := make([]bool, len(cmd))
	for _, s := range spans {
		for i := max(s.Start, 0); i < min(s.End, len(cmd)); i++ {
			marked[i] = true
		}
	}
	var out []string
	start := 0
	for _, line := range strings.SplitAfter(cmd, "\n") {
		text := strings.TrimSuffix(line, "\n")
		m := marked[start : start+len(text)]
		start += len(line)
		var b, carets strings.Builder
		var run strings.Builder // shown text of the current run of one marking
		runMarked, anyMarked := false, false
		endRun := func() {
			if run.Len() > 0 && runMarked && st.Styled {
				b.WriteString(st.Mark.Render(run.String()))
			} else {
				b.WriteString(run.String())
			}
			run.Reset()
		}
		for i := 0; i < len(text); {
			shown, size := shownRune(text[i:])
			if m[i] != runMarked {
				endRun()
				runMarked = m[i]
			}
			run.WriteString(shown)
			c := byte(' ')
			if m[i] {
				c, anyMarked = '^', true
			}
			carets.WriteString(strings.Repeat(string(c), ansi.StringWidth(shown)))
			i += size
		}
		endRun()
		out = append(out, b.String())
		if !st.Styled && anyMarked {
			out = append(out, strings.TrimRight(carets.String(), " "))
		}
	}
	return out
}

// shownRune is the first character of s as printed (an escape for a
// control character or a byte that is not UTF-8) and its size in s.
func shownRune(s string) (string, int) {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf(`\x%02x`, s[0]), 1
	}
	return printable(s[:size]), size
}

const rulesUsage = `Usage: sentinel rules [--json] [--config FILE]

Lists the detector's rules: id, category, severity, verdict, what it
catches, and example commands.

Flags:
`

func rulesFlags(asJSON *bool, config *string) *flag.FlagSet {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.BoolVar(asJSON, "json", false, "write JSON")
	fs.StringVar(config, "config", "", "read configuration from `FILE` instead of the default location (for the theme)")
	return fs
}

func rulesCommand(args []string, stdin, stdout *os.File) error {
	var asJSON bool
	var config string
	fs := rulesFlags(&asJSON, &config)
	if err := parseFlags(fs, args, "rules"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("rules takes no arguments (got %q)", fs.Arg(0))}
	}
	rules := detect.Rules()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rules)
	}
	byCat := map[string][]detect.Rule{}
	var cats []string
	for _, r := range rules {
		if _, ok := byCat[r.Category]; !ok {
			cats = append(cats, r.Category)
		}
		byCat[r.Category] = append(byCat[r.Category], r)
	}
	sort.Strings(cats)
	cfg, err := loadCLIConfig(config)
	if err != nil {
		return err
	}
	st := cliStyles(cfg.Console.Theme, stdin, stdout)
	for _, c := range cats {
		fmt.Fprintf(stdout, "%s\n", st.Paint(st.Head, strings.ToUpper(c)))
		for _, r := range byCat[c] {
			// Padded before styling: escapes would upset the columns.
			verdict := fmt.Sprintf("%-6s", r.Verdict)
			if st.Styled {
				verdict = st.Verdict(r.Verdict.String()) + strings.Repeat(" ", max(0, 5-len(r.Verdict.String()))) // "▲ PAUSE"
			}
			fmt.Fprintf(stdout, "  %-34s %s %-8s %s\n", r.ID, verdict, r.Severity, r.Description)
			for _, ex := range r.Examples {
				fmt.Fprintf(stdout, "  %-34s e.g. %s\n", "", strings.ReplaceAll(abbrev(ex, 100), "\n", "⏎"))
			}
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

func abbrev(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
