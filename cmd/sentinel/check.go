package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/sentinel-console/sentinel/detect"
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

Exit status: 0 allow or warn, 1 pause, 2 usage or configuration error.

With --stdin and --json, reads JSON Lines {"command": "..."} and writes one
JSON object per line in the same order:
  {"command","verdict","severity","rule","category","reason","spans":[[start,end],...],"findings":[...]}
and exits 0 (2 if a line could not be read; that line's verdict is pause).
With --stdin alone, stdin is one command.

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
		b, err := io.ReadAll(stdin)
		if err != nil {
			return fail(2, "reading stdin: %v", err)
		}
		cmd = strings.TrimSuffix(string(b), "\n")
	case fs.NArg() == 0:
		return &usageError{"check: no command given (sentinel check 'COMMAND')"}
	default:
		cmd = strings.Join(fs.Args(), " ")
	}
	res := detect.Command(cmd, ctx)
	if o.json {
		enc := json.NewEncoder(stdout)
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

// checkBatch answers JSON Lines of commands, one object per line, in order.
func checkBatch(stdin io.Reader, stdout io.Writer, ctx detect.Context) error {
	in := bufio.NewReaderSize(stdin, 1<<20)
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	bad := 0
	for lineNo := 1; ; lineNo++ {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			var req struct {
				Command *string `json:"command"`
			}
			var rep checkReport
			switch jerr := json.Unmarshal(line, &req); {
			case jerr != nil:
				rep = checkReport{Verdict: detect.Pause, Spans: []detect.Span{}, Findings: []detect.Finding{}, Error: fmt.Sprintf("stdin:%d: %v", lineNo, jerr)}
				bad++
			case req.Command == nil:
				rep = checkReport{Verdict: detect.Pause, Spans: []detect.Span{}, Findings: []detect.Finding{}, Error: fmt.Sprintf("stdin:%d: no \"command\" field", lineNo)}
				bad++
			default:
				rep = report(detect.Command(*req.Command, ctx))
			}
			if err := enc.Encode(rep); err != nil {
				return err
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fail(2, "reading stdin: %v", err)
		}
	}
	if bad > 0 {
		out.Flush()
		return fail(2, "%d input line(s) could not be read; their verdict is pause", bad)
	}
	return nil
}

// printResult writes the human form of a result: verdict, each finding,
// and the command with the matched bytes marked (styled on a terminal,
// with carets otherwise).
func printResult(w io.Writer, res detect.Result, st themes.CLI) {
	verdict := st.Verdict(res.Verdict.String())
	if len(res.Findings) == 0 {
		fmt.Fprintf(w, "%s  nothing destructive found\n", verdict)
		return
	}
	top := res.Top()
	fmt.Fprintf(w, "%s  %s  %s\n", verdict, top.Severity, top.Rule)
	fmt.Fprintf(w, "  %s\n", top.Reason)
	for _, f := range res.Findings[1:] {
		fmt.Fprintf(w, "  %s\n", st.Paint(st.Dim, fmt.Sprintf("also %s (%s, %s): %s", f.Rule, f.Verdict, f.Severity, f.Reason)))
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
		if st.Styled {
			var b strings.Builder
			for i := 0; i < len(text); {
				j := i
				for j < len(text) && m[j] == m[i] {
					j++
				}
				if m[i] {
					b.WriteString(st.Mark.Render(text[i:j]))
				} else {
					b.WriteString(text[i:j])
				}
				i = j
			}
			out = append(out, b.String())
			continue
		}
		out = append(out, text)
		var carets strings.Builder
		any := false
		for i, r := range text {
			_ = r
			if m[i] {
				carets.WriteByte('^')
				any = true
			} else if i < len(text) && (text[i]&0xC0) != 0x80 {
				carets.WriteByte(' ')
			}
		}
		if any {
			out = append(out, strings.TrimRight(carets.String(), " "))
		}
	}
	return out
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
