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
	"regexp"
	"strings"
	"time"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session/cast"
	"github.com/sentinel-console/sentinel/session/replay"
	"github.com/sentinel-console/sentinel/themes"
)

const scanUsage = `Usage: sentinel scan [--json] [--idle-limit D] [--config FILE] FILE|-

Runs sentinel's stream scanner over an agent's terminal output: raw output
(for example captured with script(1)) or an asciicast recording, v1 to v3
as replay plays them (detected by the content). It finds the commands the
agent printed (Claude Code, Codex, Gemini CLI, shell prompts, bash -x
traces) and the credentials its output revealed, and prints each finding
with its line (or time offset; with --idle-limit, on the timeline replay
shows, where every pause is capped at D, and the recorded offset beside it).

A damaged line of a recording (torn, not an event, bad data) is skipped and
named on stderr as FILE:LINE: what; everything else is scanned.

Exit status: 1 if anything would pause (damaged lines or not), else 2 on a
usage or read error or when damaged lines were skipped, else 0.

Flags:
`

type scanOptions struct {
	json      bool
	config    string
	all       bool
	idleLimit time.Duration
}

func scanFlags(o *scanOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "write JSON Lines, one object per finding")
	fs.StringVar(&o.config, "config", "", "read configuration from `FILE` instead of the default location")
	fs.BoolVar(&o.all, "all", false, "also list commands that are allowed")
	fs.DurationVar(&o.idleLimit, "idle-limit", 0, "for a recording, give times on a timeline with every pause capped at `D`, as replay plays it (0: as recorded)")
	return fs
}

// scanEvent is the JSON form of a scan finding: keep it stable.
type scanEvent struct {
	Kind     string         `json:"kind"`
	Line     int            `json:"line"`
	Time     *float64       `json:"time,omitempty"`     // seconds into a recording, on the (idle-capped) timeline
	Recorded *float64       `json:"recorded,omitempty"` // seconds into it as recorded, when that differs
	Format   string         `json:"format,omitempty"`
	Command  string         `json:"command,omitempty"`
	Verdict  detect.Verdict `json:"verdict"`
	Severity string         `json:"severity,omitempty"`
	Rule     string         `json:"rule,omitempty"`
	Reason   string         `json:"reason,omitempty"`
	Masked   string         `json:"credential,omitempty"`
	Uses     []string       `json:"uses,omitempty"`
	Result   *detect.Result `json:"result,omitempty"`
}

func scanCommand(args []string, stdin io.Reader, stdout, stderr *os.File) error {
	var o scanOptions
	fs := scanFlags(&o)
	if err := parseFlags(fs, args, "scan"); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"scan: give one FILE, or - for stdin"}
	}
	if o.idleLimit < 0 {
		return &usageError{"--idle-limit must not be negative"} // as replay says
	}
	conf, err := loadCLIConfig(o.config)
	if err != nil {
		return err
	}
	cfg := conf.detect
	var in io.Reader = stdin
	name := "stdin"
	if p := fs.Arg(0); p != "-" {
		f, err := os.Open(p)
		if err != nil {
			return fail(2, "%v", err)
		}
		defer f.Close()
		in, name = f, p
	}
	br := bufio.NewReaderSize(in, 1<<20)
	s := detect.NewStream(detect.Context{Config: cfg})
	paused := false
	var st themes.CLI
	if !o.json {
		in, _ := stdin.(*os.File)
		if fs.Arg(0) == "-" {
			in = nil // it holds the output to scan
		}
		st = cliStyles(conf.Console.Theme, in, stdout)
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	emit := func(evs []detect.StreamEvent, at *offset) error {
		for _, e := range evs {
			ev := toScanEvent(e, at)
			if ev.Verdict == detect.Pause {
				paused = true
			}
			if ev.Verdict == detect.Allow && !o.all {
				continue
			}
			if o.json {
				b, err := json.Marshal(ev)
				if err != nil {
					return err
				}
				w.Write(append(jsonSafe(b), '\n'))
				continue
			}
			printScanEvent(w, ev, st)
		}
		return nil
	}

	// Damaged input is skipped and named, one line each on stderr, and the
	// rest is scanned: a torn or corrupt line must not hide the commands
	// after it. The exit status then says the report is incomplete.
	damaged := 0
	var readErr error
	head, _ := br.Peek(castPeek)
	if isCast(head) {
		skipped := func(sk replay.Skip) {
			damaged++
			if damaged > maxSkipsNamed {
				return
			}
			w.Flush() // the findings before it first, for a reader of both streams
			fmt.Fprintf(stderr, "sentinel: %s\n", printable(fileLine(name, sk.Line)+sk.Reason))
		}
		rd, err := replay.NewReader(br, replay.Options{IdleLimit: o.idleLimit.Seconds()}, skipped)
		if err != nil {
			return fail(2, "%s", printable(fmt.Sprintf("%s: %v", name, err)))
		}
		s.SetWidth(rd.Header.Width)
		for {
			ev, err := rd.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
			if ev.Code != cast.Output {
				continue
			}
			if err := emit(s.Write(ev.Data), &offset{timeline: ev.Time, recorded: ev.Recorded}); err != nil {
				return err
			}
		}
		if err := emit(s.Flush(), nil); err != nil {
			return err
		}
	} else {
		buf := make([]byte, 64<<10)
		for {
			n, rerr := br.Read(buf)
			if n > 0 {
				if err := emit(s.Write(buf[:n]), nil); err != nil {
					return err
				}
			}
			if rerr != nil {
				if !errors.Is(rerr, io.EOF) {
					readErr = rerr
				}
				break
			}
		}
		if err := emit(s.Flush(), nil); err != nil {
			return err
		}
	}
	w.Flush()
	if damaged > maxSkipsNamed {
		fmt.Fprintf(stderr, "sentinel: %s\n", printable(fmt.Sprintf("%s: and %d more damaged lines skipped", name, damaged-maxSkipsNamed)))
	}
	if readErr != nil {
		fmt.Fprintf(stderr, "sentinel: %s\n", printable(fmt.Sprintf("%s: %v (scanned what could be read)", name, readErr)))
	}
	if damaged > 0 {
		fmt.Fprintf(stderr, "sentinel: %s\n", printable(fmt.Sprintf("%s: %d damaged line(s) skipped; the rest was scanned", name, damaged)))
	}
	// A pause is never masked by an error status: 1 says something would
	// pause even in a damaged file (stderr says what was skipped).
	switch {
	case paused:
		return &exitError{code: 1}
	case readErr != nil || damaged > 0:
		return &exitError{code: 2}
	}
	return nil
}

// castPeek is how much of the input is looked at to tell a recording from
// raw output.
const castPeek = 4 << 10

// maxSkipsNamed bounds the damaged lines named one by one on stderr; the
// rest are counted.
const maxSkipsNamed = 100

// fileLine is "FILE:LINE: ", or "FILE: " for damage without a line (a v1
// frame).
func fileLine(name string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d: ", name, line)
	}
	return name + ": "
}

// isCast reports whether the input starts like an asciicast file: a JSON
// object with a numeric "version", on its first line (v2, v3, one-line v1)
// or a few lines into it (pretty-printed v1). Raw output that merely
// starts with JSON (a package.json's "version": "1.0.0") is not one.
func isCast(head []byte) bool {
	head = bytes.TrimLeft(head, " \t\r\n")
	if !bytes.HasPrefix(head, []byte("{")) {
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	return bytes.Contains(line, []byte(`"version"`)) || castVersion.Match(head)
}

var castVersion = regexp.MustCompile(`^\{\s*(?:"[a-z_]+"\s*:\s*(?:\d+|"[^"\\]*")\s*,\s*)*"version"\s*:\s*[123]\b`)

// offset is where in a recording a finding was made.
type offset struct{ timeline, recorded float64 }

func toScanEvent(e detect.StreamEvent, at *offset) scanEvent {
	// Commands are shown with credentials masked: a report must not become
	// the place a secret leaks from.
	ev := scanEvent{Kind: e.Kind, Line: e.Line, Format: e.Format, Command: detect.MaskCredentials(e.Command), Verdict: e.Result.Verdict}
	if at != nil {
		t, r := at.timeline, at.recorded
		ev.Time = &t
		if r != t {
			ev.Recorded = &r
		}
	}
	if top := e.Result.Top(); top != nil {
		ev.Severity, ev.Rule, ev.Reason = top.Severity.String(), top.Rule, top.Reason
	}
	if e.Credential != nil {
		ev.Masked = e.Credential.Masked
		if ev.Verdict == detect.Allow {
			ev.Verdict = detect.Warn
		}
	}
	for _, u := range e.Uses {
		ev.Uses = append(ev.Uses, u.Masked)
	}
	if e.Kind == detect.EventCommand {
		r := e.Result
		r.Command = ev.Command
		ev.Result = &r
	}
	return ev
}

// printScanEvent writes one finding. Everything in it but the numbers came
// from the agent's output (the command, the credential, the reason that
// quotes them): control characters are shown as escapes.
func printScanEvent(w io.Writer, ev scanEvent, st themes.CLI) {
	where := fmt.Sprintf("line %d", ev.Line)
	switch {
	case ev.Recorded != nil:
		where = fmt.Sprintf("%s (recorded %s, line %d)", clock(*ev.Time), clock(*ev.Recorded), ev.Line)
	case ev.Time != nil:
		where = fmt.Sprintf("%s (line %d)", clock(*ev.Time), ev.Line)
	}
	verdict := st.Verdict(ev.Verdict.String())
	switch ev.Kind {
	case detect.EventCredential:
		fmt.Fprintf(w, "%s  %s  credential  the agent has seen %s\n", where, verdict, printable(ev.Masked))
		if ev.Reason != "" {
			fmt.Fprintf(w, "  %s\n", printable(ev.Reason))
		}
	default:
		rule := ev.Rule
		if rule == "" {
			rule = "allowed"
		}
		fmt.Fprintf(w, "%s  %s  %s  %s  [%s]\n", where, verdict, ev.Severity, printable(rule), printable(ev.Format))
		lines := strings.Split(ev.Command, "\n")
		for i := range lines {
			lines[i] = printable(lines[i])
		}
		fmt.Fprintf(w, "  $ %s\n", strings.Join(lines, "\n    "))
		if ev.Reason != "" {
			fmt.Fprintf(w, "  %s\n", printable(ev.Reason))
		}
	}
	fmt.Fprintln(w)
}

// clock formats seconds as m:ss.s or h:mm:ss.
func clock(sec float64) string {
	s := int(sec)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%04.1f", s/60, sec-float64(s/60*60))
}
