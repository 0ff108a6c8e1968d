package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/catalog"
	"github.com/sentinel-console/sentinel/themes"
	"github.com/sentinel-console/sentinel/ui"
)

const sessionsUsage = `Usage: sentinel sessions [--json] [--theme NAME] [--config FILE]

Lists the recorded sessions in the configuration's [record] dir, by default
$XDG_STATE_HOME/sentinel/sessions (~/.local/state/sentinel/sessions), newest
first: start time, id, agent
command, duration, findings, decisions, exit status and file size. Each
recording is read in one streaming pass, and its summary kept in
.catalog.json beside the recordings, reused while the file keeps its size and
modification time. A recording that is torn or damaged is listed with a note
saying what could not be read.

On a terminal the list is full screen:
  ↑/↓ (k/j), pgup/pgdn, home/end   move
  /                                filter (fuzzy, over id, command and date);
                                   enter keeps the filter, esc clears it
  enter                            replay the selected session (sentinel replay FILE)
  d                                delete the selected recording (asks y/n)
  q                                quit

Without a terminal it prints a plain table; --json prints one JSON array.

Flags:
`

type sessionsOptions struct {
	json   bool
	theme  string
	config string
}

func sessionsFlags(o *sessionsOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("sessions", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "print the list as one JSON array")
	fs.StringVar(&o.theme, "theme", "", "colour theme: auto, "+strings.Join(themes.Names(), ", ")+" (default: the config file's, else auto)")
	fs.StringVar(&o.config, "config", "", "read configuration from `FILE` instead of the default location (for [record] dir and the theme)")
	return fs
}

// sessionsDir is where run records (the configuration's [record] dir, else
// the default), and so where sessions and replay ID|--last look.
func sessionsDir(cfg Config) string {
	if cfg.Record.Dir != "" {
		return cfg.Record.Dir
	}
	return session.SessionsDir()
}

func sessionsCommand(args []string, stdin, stdout *os.File) error {
	var o sessionsOptions
	fs := sessionsFlags(&o)
	if err := parseFlags(fs, args, "sessions"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("sessions: unexpected argument %q", fs.Arg(0))}
	}
	cfg, err := loadCLIConfig(o.config)
	if err != nil {
		return err
	}
	dir := sessionsDir(cfg)
	list := func() ([]catalog.Entry, error) { return catalog.List(dir) }

	if o.json || !term.IsTerminal(stdout.Fd()) || !term.IsTerminal(stdin.Fd()) {
		entries, err := list()
		if err != nil {
			return fail(1, "%s", printable(err.Error()))
		}
		w := bufio.NewWriter(stdout)
		if o.json {
			if entries == nil {
				entries = []catalog.Entry{}
			}
			enc := json.NewEncoder(jsonSafeWriter{w})
			enc.SetIndent("", "  ")
			if err := enc.Encode(entries); err != nil {
				return err
			}
		} else {
			printSessionsTable(w, entries)
		}
		return w.Flush()
	}

	name := o.theme
	if name == "" {
		name = cfg.Console.Theme
	}
	theme, err := themes.ByName(name)
	if err != nil {
		return &usageError{"sessions: " + err.Error()}
	}
	w, h := termSize(stdout)
	model := ui.NewSessions(ui.SessionsConfig{Theme: theme, Dir: dir, List: list}, w, h)
	p := tea.NewProgram(model, tea.WithInput(stdin), tea.WithOutput(stdout))
	if _, err := p.Run(); err != nil {
		return fail(1, "sessions: %v", err)
	}
	return nil
}

// printSessionsTable writes aligned columns, the command last (it is the
// longest), and a broken recording's note on the line under it.
func printSessionsTable(w io.Writer, entries []catalog.Entry) {
	rows := [][]string{{"STARTED", "ID", "DURATION", "FINDINGS", "DECISIONS", "EXIT", "SIZE", "COMMAND"}}
	for _, e := range entries {
		exit := e.Exit
		if exit == "" {
			exit = "-"
		}
		// The id, exit status and command come from the recording (its
		// name and its markers), which an agent can write: shown with
		// control characters escaped, like every text field here.
		rows = append(rows, []string{e.Start.Local().Format("2006-01-02 15:04:05"), printable(e.ID), ui.FormatDuration(e.Duration),
			fmt.Sprint(e.Findings), fmt.Sprint(e.Decisions), printable(exit), ui.FormatSize(e.Size), printable(e.Command)})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	for n, row := range rows {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if n > 0 && entries[n-1].Note != "" {
			fmt.Fprintln(w, "    note: "+printable(entries[n-1].Note)+" ("+printable(entries[n-1].Path)+")")
		}
	}
}
