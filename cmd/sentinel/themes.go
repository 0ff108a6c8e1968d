package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"github.com/sentinel-console/sentinel/themes"
)

const themesUsage = `Usage: sentinel themes [--json] [--width N]

Previews each built-in theme: the status bar (and the states it shows), the
events pane, a decision dialog, the severity badges and the hint line.
--json lists the themes instead.

Choose one with --theme NAME (run) or in the configuration file:

  [console]
  theme = "light"   # auto (default), dark, light, high-contrast, colorblind, monochrome

With auto the console asks the terminal for its background colour and
picks dark or light. NO_COLOR (any non-empty value) or a terminal without
colours selects monochrome, which tells severities apart by bold, underline,
reverse video and symbols (▲ critical, ◆ high, ● medium, ○ low).

Flags:
`

func themesFlags(asJSON *bool, width *int) *flag.FlagSet {
	fs := flag.NewFlagSet("themes", flag.ContinueOnError)
	fs.BoolVar(asJSON, "json", false, "list the themes as JSON")
	fs.IntVar(width, "width", 0, "preview `N` cells wide (default: the terminal's width, at most 100)")
	return fs
}

// themeInfo is the JSON form of a theme in sentinel themes --json.
type themeInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func themesCommand(args []string, stdout *os.File) error {
	var asJSON bool
	var width int
	fs := themesFlags(&asJSON, &width)
	if err := parseFlags(fs, args, "themes"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("themes takes no arguments (got %q)", fs.Arg(0))}
	}
	if asJSON {
		list := []themeInfo{}
		for _, n := range themes.Names() {
			t, _ := themes.ByName(n)
			list = append(list, themeInfo{n, t.Description})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if width <= 0 {
		width = 100
		if w, _, err := term.GetSize(stdout.Fd()); err == nil && w > 0 {
			width = min(w, 100)
		}
	}
	out := colorprofile.NewWriter(stdout, os.Environ())
	noColour := noColourAsked()
	for _, n := range themes.Names() {
		t, _ := themes.ByName(n)
		fmt.Fprintf(out, "%s — %s\n\n", n, t.Description)
		if noColour && !t.Mono {
			fmt.Fprint(out, "  (NO_COLOR is set: shown without colour)\n\n")
			t = themes.Monochrome()
		}
		fmt.Fprintf(out, "%s\n\n", themes.Preview(t, width))
	}
	return nil
}

// noColourAsked: NO_COLOR with any non-empty value (https://no-color.org).
func noColourAsked() bool { return os.Getenv("NO_COLOR") != "" }

// cliStyles picks the styles of check, scan and rules: plain text when
// stdout is not a terminal; monochrome under NO_COLOR or on a terminal
// without colours; otherwise the configured theme in the colours the
// terminal has, where auto asks the terminal for its background when in
// is a terminal too.
func cliStyles(themeName string, in, stdout *os.File) themes.CLI {
	profile := colorprofile.Detect(stdout, os.Environ())
	switch {
	case profile == colorprofile.NoTTY || !term.IsTerminal(stdout.Fd()):
		return themes.CLI{}
	case noColourAsked() || profile <= colorprofile.ASCII:
		return themes.NewCLI(themes.Monochrome(), colorprofile.ASCII)
	}
	t, err := themes.ByName(themeName)
	if err != nil {
		t = themes.Default()
	}
	if t.Auto && in != nil && term.IsTerminal(in.Fd()) {
		// One query, answered at once by terminals that know it and
		// followed by a device-attributes query every terminal answers.
		t = themes.ForBackground(lipgloss.HasDarkBackground(in, stdout))
	}
	return themes.NewCLI(t, profile)
}
