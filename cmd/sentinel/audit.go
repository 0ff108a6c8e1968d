package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/audit"
	"github.com/sentinel-console/sentinel/session/screen"
)

const auditUsage = `Usage: sentinel audit verify [FILE]
       sentinel audit show [--json] [--session ID | --last] [FILE]

The audit log holds one JSON record per finding, decision and session event,
each carrying the SHA-256 of the record before it, so an edited, removed,
inserted or reordered record is detectable. FILE defaults to
$XDG_STATE_HOME/sentinel/audit.jsonl (~/.local/state/sentinel/audit.jsonl).

verify checks every record and the chain: it prints "FILE: N records, chain
intact" and exits 0, or prints each bad line as FILE:LINE: problem and exits
1. A line torn by a crash is reported as an incomplete record.

show lists the records (time, session, source, verdict or decision, rule,
operator, command); --json writes them as JSON Lines exactly as stored. show
does not check the chain. Lines that are not records are reported on stderr
and make the exit status 1.

Exit status 2: usage error, or the file cannot be read.

Flags (show):
`

type auditShowOptions struct {
	json    bool
	session string
	last    bool
}

func auditShowFlags(o *auditShowOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("audit show", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "write the records as JSON Lines, as stored")
	fs.StringVar(&o.session, "session", "", "only the records of session `ID` (or of the one session whose id starts with ID)")
	fs.BoolVar(&o.last, "last", false, "only the records of the most recent session in the log")
	return fs
}

func auditCommand(args []string, stdout, stderr *os.File) error {
	if len(args) == 0 {
		return &usageError{"audit: say verify or show (sentinel help audit)"}
	}
	switch args[0] {
	case "verify":
		return auditVerify(args[1:], stdout)
	case "show":
		return auditShow(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		return help([]string{"audit"}, stdout)
	}
	return &usageError{fmt.Sprintf("audit: unknown subcommand %q (verify or show)", args[0])}
}

// openAuditLog opens FILE, or the default log when no FILE is given.
func openAuditLog(flags *flag.FlagSet) (*os.File, string, error) {
	if flags.NArg() > 1 {
		return nil, "", &usageError{fmt.Sprintf("%s: give at most one FILE", flags.Name())}
	}
	path := session.AuditPath()
	if flags.NArg() == 1 {
		path = flags.Arg(0)
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", fail(2, "%s: no such file (no audit log there yet?)", path)
	case err != nil:
		return nil, "", fail(2, "%v", err)
	}
	return f, path, nil
}

func auditVerify(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	if err := parseFlags(fs, args, "audit"); err != nil {
		return err
	}
	f, path, err := openAuditLog(fs)
	if err != nil {
		return err
	}
	defer f.Close()
	sum, err := audit.Verify(f)
	var ce *audit.ChainError
	switch {
	case errors.As(err, &ce):
		w := bufio.NewWriter(stdout)
		for _, p := range ce.Problems {
			fmt.Fprintf(w, "%s:%d: %s\n", path, p.Line, printable(p.Msg))
		}
		fmt.Fprintf(w, "%s: %d records, %d bad %s: the chain is broken\n", path, sum.Records, len(ce.Problems), plural(len(ce.Problems), "line", "lines"))
		w.Flush()
		return &exitError{code: 1}
	case err != nil:
		return fail(2, "%s: %v", path, err)
	}
	fmt.Fprintf(stdout, "%s: %d records, chain intact\n", path, sum.Records)
	return nil
}

func auditShow(args []string, stdout, stderr *os.File) error {
	var o auditShowOptions
	fs := auditShowFlags(&o)
	if err := parseFlags(fs, args, "audit"); err != nil {
		return err
	}
	if o.last && o.session != "" {
		return &usageError{"audit show: --session and --last contradict each other"}
	}
	f, path, err := openAuditLog(fs)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, errs := audit.ReadAll(f)
	for _, err := range errs {
		var p audit.Problem
		if errors.As(err, &p) {
			fmt.Fprintf(stderr, "sentinel: %s:%d: %s\n", path, p.Line, p.Msg)
		} else {
			fmt.Fprintf(stderr, "sentinel: %s: %v\n", path, err)
		}
	}
	switch {
	case o.last:
		id := ""
		for i := len(recs) - 1; i >= 0 && id == ""; i-- {
			id = recs[i].Session
		}
		if id == "" {
			return fail(1, "%s: no session in the log", path)
		}
		recs = ofSession(recs, id)
	case o.session != "":
		id, err := matchSession(recs, o.session)
		if err != nil {
			return fail(1, "%s: %v", path, err)
		}
		recs = ofSession(recs, id)
	}

	w := bufio.NewWriterSize(stdout, 64<<10)
	if o.json {
		for _, r := range recs {
			line, err := audit.Marshal(r)
			if err != nil {
				return fail(1, "%s: record %d: %v", path, r.Seq, err)
			}
			w.Write(line)
			w.WriteByte('\n')
		}
	} else {
		width := 80
		if term.IsTerminal(stdout.Fd()) {
			if cols, _, err := term.GetSize(stdout.Fd()); err == nil && cols > 0 {
				width = cols
			}
		}
		printAuditTable(w, recs, width)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(errs) > 0 {
		return &exitError{code: 1}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func ofSession(recs []audit.Record, id string) []audit.Record {
	var out []audit.Record
	for _, r := range recs {
		if r.Session == id {
			out = append(out, r)
		}
	}
	return out
}

// matchSession finds the session named by id: exactly, or as the only
// session whose id starts with it.
func matchSession(recs []audit.Record, id string) (string, error) {
	var found []string
	for _, r := range recs {
		if r.Session == id {
			return id, nil
		}
		if strings.HasPrefix(r.Session, id) && !slices.Contains(found, r.Session) {
			found = append(found, r.Session)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no records of session %q", id)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%d sessions start with %q (%s)", len(found), id, strings.Join(found, ", "))
}

// printAuditTable writes a table of the records: a line of aligned
// columns for each (BY is the operator who decided), and under it the
// command (or note), cut to fit width.
func printAuditTable(w io.Writer, recs []audit.Record, width int) {
	// The rule comes last: it is the longest, and cut if the line must be.
	header := []string{"TIME", "SESSION", "SOURCE", "WHAT", "BY", "RULE"}
	limits := []int{19, 8, 6, 15, 16, 60} // each column's widest
	rows := [][]string{header}
	var details []string
	for _, r := range recs {
		what := r.Kind
		switch r.Kind {
		case audit.KindFinding:
			if r.Verdict != "" {
				what = strings.ToUpper(r.Verdict)
			}
		case audit.KindDecision:
			if r.Decision != "" {
				what = r.Decision
			}
		}
		var detail []string
		if r.Note != "" {
			detail = append(detail, printable(r.Note))
		}
		if r.Command != "" {
			cmd := "$ " + printable(r.Command)
			if r.Edit != "" {
				cmd += "  →  " + printable(r.Edit)
			}
			detail = append(detail, cmd)
		}
		details = append(details, strings.Join(detail, "  "))
		row := []string{r.Time.Local().Format("2006-01-02 15:04:05"), r.Session, r.Source, what, r.Operator, r.Rule}
		for i := range row {
			row[i] = ansi.Truncate(printable(row[i]), limits[i], "…")
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(header))
	for _, row := range rows {
		for i := range widths {
			widths[i] = max(widths[i], ansi.StringWidth(row[i]))
		}
	}
	var b strings.Builder
	for n, row := range rows {
		b.Reset()
		for i, cw := range widths {
			b.WriteString(row[i])
			b.WriteString(strings.Repeat(" ", cw-ansi.StringWidth(row[i])+2))
		}
		fmt.Fprintln(w, ansi.Truncate(strings.TrimRight(b.String(), " "), width, "…"))
		if n > 0 && details[n-1] != "" {
			fmt.Fprintln(w, "    "+ansi.Truncate(details[n-1], max(width-4, 10), "…"))
		}
	}
}

// printable shows control characters (C0, DEL, C1) and invisible ones
// (screen.Invisible: the bidirectional controls, zero-width characters,
// line separators…) as escapes: a record's text must not act on the
// terminal or disguise what a command does.
func printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0xa0 && unprintable(c):
			fmt.Fprintf(&b, `\x%02x`, c)
		case unprintable(c):
			b.WriteString(screen.EscapeRune(c))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func unprintable(c rune) bool {
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || screen.Invisible(c)
}
