package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/audit"
	"github.com/sentinel-console/sentinel/session/replay"
	"github.com/sentinel-console/sentinel/themes"
	"github.com/sentinel-console/sentinel/ui"
)

const replayUsage = `Usage: sentinel replay [flags] FILE | SESSION-ID | --last

Plays a recorded session back in the console's layout: the agent's screen,
the events (findings, decisions, start and exit, with the audit log's
records for the session merged in) in step with the position, and a
timeline with a mark at every finding and decision.

A SESSION-ID (or the start of one) names a recording in the sessions
directory (the configuration's [record] dir, by default
$XDG_STATE_HOME/sentinel/sessions); --last is the newest there.

Keys: space play/pause · < > speed (¼× to 16×) · ← → 5 s · shift-← → 30 s ·
home end · n p next/previous finding or decision · / fuzzy search of the
events and the recorded output (enter jumps) · ? help · q quit.

--scan runs today's detectors over the recording instead (as 'sentinel
scan' does) and lists what they would flag at their place on the timeline
(pauses capped by --idle-limit, as played) and as recorded; damaged lines
are skipped and named on stderr. Exit status 1 if anything would pause,
else 2 if lines were skipped, else 0.

Flags:
`

type replayOptions struct {
	last      bool
	idleLimit time.Duration
	speed     float64
	scan      bool
	json      bool
	theme     string
	config    string
}

func replayFlags(o *replayOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.BoolVar(&o.last, "last", false, "replay the newest recorded session")
	fs.DurationVar(&o.idleLimit, "idle-limit", 2*time.Second, "cap every pause in the recording at `D` (0: play pauses as recorded)")
	fs.Float64Var(&o.speed, "speed", 1, "initial speed: 0.25, 0.5, 1, 2, 4, 8 or 16")
	fs.BoolVar(&o.scan, "scan", false, "list what today's detectors flag in the recording, instead of playing it")
	fs.BoolVar(&o.json, "json", false, "with --scan: JSON Lines, one object per finding")
	fs.StringVar(&o.theme, "theme", "", "console theme: auto, "+strings.Join(themes.Names(), ", ")+" (default: the config file's)")
	fs.StringVar(&o.config, "config", "", "read configuration from `FILE` instead of the default location")
	return fs
}

func replayCommand(args []string, stdin, stdout, stderr *os.File) error {
	var o replayOptions
	fs := replayFlags(&o)
	if err := parseFlags(fs, args, "replay"); err != nil {
		return err
	}
	if err := validSpeed(o.speed); err != nil {
		return &usageError{err.Error()}
	}
	if o.idleLimit < 0 {
		return &usageError{"replay: --idle-limit must not be negative"}
	}
	if o.json && !o.scan {
		return &usageError{"replay: --json goes with --scan"}
	}
	// The configuration first: its [record] dir is where run records, so
	// where a session id or --last is looked up.
	conf, err := loadCLIConfig(o.config)
	if err != nil {
		return err
	}
	path, err := resolveRecording(fs.Args(), o.last, sessionsDir(conf))
	if err != nil {
		return err
	}
	if o.scan {
		// Offsets on the timeline the console would show.
		scanArgs := []string{"--idle-limit", o.idleLimit.String()}
		if o.json {
			scanArgs = append(scanArgs, "--json")
		}
		if o.config != "" {
			scanArgs = append(scanArgs, "--config", o.config)
		}
		// The same engine as `sentinel scan`, which reads recordings.
		return scanCommand(append(scanArgs, path), stdin, stdout, stderr)
	}

	if o.theme == "" {
		o.theme = conf.Console.Theme
	}
	theme, err := themes.ByName(o.theme)
	if err != nil {
		return &usageError{err.Error()}
	}
	if !term.IsTerminal(stdin.Fd()) || !term.IsTerminal(stdout.Fd()) {
		return fail(1, "replay needs a terminal (use --scan to list what the recording shows)")
	}

	rec, err := replay.Open(path, replay.Options{IdleLimit: o.idleLimit.Seconds()})
	if err != nil {
		return fail(1, "%s", printable(err.Error()))
	}
	defer rec.Close()
	mergeAuditLog(rec, session.AuditPath(), stderr)
	player, err := rec.Player()
	if err != nil {
		return fail(1, "%v", err)
	}
	defer player.Close()

	// The file's name and what it holds may be an agent's: escaped.
	notice := printable(rec.SkippedSummary())
	if notice != "" {
		fmt.Fprintf(stderr, "sentinel: %s\n", notice)
	}
	w, h := termSize(stdout)
	model := ui.NewReplay(ui.ReplayConfig{Theme: theme, Speed: o.speed, Notice: notice}, rec, player, w, h)
	p := tea.NewProgram(model, tea.WithInput(stdin), tea.WithOutput(stdout))
	done := make(chan struct{})
	stopSignals := quitOnHangup(p, done)
	_, runErr := p.Run()
	stopSignals()
	close(done)
	model.Close() // before the player is closed: the worker may be using it
	if runErr != nil {
		return fail(1, "console: %v", runErr)
	}
	return nil
}

// validSpeed accepts the powers of two the console's < and > step through.
func validSpeed(s float64) error {
	l := math.Log2(s)
	if s < ui.MinSpeed || s > ui.MaxSpeed || l != math.Trunc(l) {
		return fmt.Errorf("replay: --speed %g: use 0.25, 0.5, 1, 2, 4, 8 or 16", s)
	}
	return nil
}

// resolveRecording turns the argument into a recording's path: an existing
// file, else a session id (or a unique start of one) in dir; --last is the
// newest recording in dir.
func resolveRecording(args []string, last bool, dir string) (string, error) {
	switch {
	case last && len(args) > 0:
		return "", &usageError{"replay: give FILE, SESSION-ID or --last, not both"}
	case !last && len(args) != 1:
		return "", &usageError{"replay: give one FILE, SESSION-ID, or --last"}
	case !last && strings.TrimSpace(args[0]) == "":
		// Every id starts with "": it would pick any recording.
		return "", &usageError{"replay: the FILE or SESSION-ID is empty"}
	}
	names, err := recordings(dir)
	if err != nil {
		return "", fail(1, "%v", err)
	}
	if last {
		if len(names) == 0 {
			return "", fail(1, "no recorded sessions in %s", dir)
		}
		return filepath.Join(dir, names[len(names)-1]), nil
	}
	arg := args[0]
	if st, err := os.Stat(arg); err == nil {
		if st.IsDir() {
			return "", fail(1, "%s is a directory, not a recording", arg)
		}
		return arg, nil
	}
	if strings.ContainsAny(arg, "/.") {
		return "", fail(1, "%s: no such file", arg)
	}
	var found []string
	for _, n := range names {
		_, id, ok := strings.Cut(strings.TrimSuffix(n, ".cast"), "-")
		if ok && strings.HasPrefix(id, arg) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return "", fail(1, "%s: no such file, and no recorded session with that id in %s", arg, dir)
	case 1:
		return filepath.Join(dir, found[0]), nil
	}
	return "", fail(1, "session id %q is ambiguous: %d recordings match (%s, …)", arg, len(found), printable(strings.Join(found[:2], ", ")))
}

// recordings lists dir's .cast files, oldest first (their names start with
// the UTC start time). A missing directory is an empty list.
func recordings(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".cast") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// mergeAuditLog adds the audit log's records of this session to the
// timeline. The log is optional: a missing one says nothing, a damaged one
// says so and gives what it could read.
func mergeAuditLog(rec *replay.Recording, path string, stderr *os.File) {
	f, err := os.Open(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "sentinel: audit log: %v (replaying without it)\n", err)
		}
		return
	}
	defer f.Close()
	records, problems := audit.ReadAll(f)
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "sentinel: %s: %v (and %d more problems; its other records are used)\n", path, problems[0], len(problems)-1)
	}
	rec.MergeAudit(records)
}
