package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/themes"
	"github.com/sentinel-console/sentinel/ui"
)

func TestConfigTheme(t *testing.T) {
	c, err := parseConfig([]byte("[console]\ntheme = \"colorblind\"\n"), "config.toml")
	if err != nil || c.Console.Theme != "colorblind" {
		t.Fatalf("theme = colorblind: %q %v", c.Console.Theme, err)
	}
	if c := defaultConfig(); c.Console.Theme != "auto" {
		t.Errorf("default theme %q, want auto (by the terminal's background)", c.Console.Theme)
	}
	_, err = parseConfig([]byte("[console]\nprefix = \"ctrl-b\"\ntheme = \"solarized\"\n"), "config.toml")
	if err == nil || !strings.HasPrefix(err.Error(), "config.toml:3: console.theme") || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("unknown theme: %v", err)
	}
	_, err = parseConfig([]byte("[console]\n\nthemes = \"light\"\n"), "config.toml")
	if err == nil || !strings.Contains(err.Error(), `config.toml:3: unknown key "console.themes"`) {
		t.Errorf("misspelt key: %v", err)
	}
	_, err = parseConfig([]byte("[console]\ntheme = 3\n"), "config.toml")
	if err == nil || !strings.HasPrefix(err.Error(), "config.toml:2") {
		t.Errorf("wrong type: %v", err)
	}
}

func TestThemesCommand(t *testing.T) {
	e := newEnv(t)
	out, errOut, code := runPiped(t, e, "", "themes", "--json")
	var list []themeInfo
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil {
		t.Fatalf("themes --json: exit %d %q %q", code, out, errOut)
	}
	var names []string
	for _, th := range list {
		names = append(names, th.Name)
		if th.Description == "" {
			t.Errorf("%s has no description", th.Name)
		}
	}
	if got := strings.Join(names, " "); got != "dark light high-contrast colorblind monochrome" {
		t.Errorf("themes: %s", got)
	}

	out, _, code = runPiped(t, e, "", "themes", "--width", "80")
	if code != 0 {
		t.Fatalf("themes: exit %d", code)
	}
	for _, want := range append(names, "▲ CRITICAL", "◆ HIGH", "● MEDIUM", "○ LOW", "RUNNING", "volumeDelete") {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("the preview through a pipe has escapes")
	}
	e2 := e
	e2.vars = append(append([]string{}, e.vars...), "COLORTERM=truecolor")
	c := startConsole(t, e2, 100, 40, "themes")
	c.exitCode()
	if raw := c.rawOutput(); !strings.Contains(raw, "48;2;250;250;250") || !strings.Contains(raw, "48;2;0;0;0") {
		t.Error("the preview on a terminal does not show the light and high-contrast backgrounds")
	}
	e2.vars = append(e2.vars, "NO_COLOR=true please")
	c = startConsole(t, e2, 100, 40, "themes")
	c.exitCode()
	if raw := c.rawOutput(); strings.Contains(raw, "38;2;") || strings.Contains(raw, "48;2;") || !strings.Contains(raw, "NO_COLOR is set") || !strings.Contains(raw, "7m") {
		t.Error("themes ignores NO_COLOR")
	}

	out, _, code = runPiped(t, e, "", "help", "themes")
	if code != 0 || !strings.Contains(out, "sentinel themes") || !strings.Contains(out, "NO_COLOR") {
		t.Errorf("help themes: %d %q", code, out)
	}
	out, _, _ = runPiped(t, e, "", "help")
	if !strings.Contains(out, "sentinel themes") {
		t.Error("usage does not list themes")
	}
}

// TestCLIStyles: on a terminal, check and rules are styled from the
// configured theme; NO_COLOR (any value) leaves attributes and symbols
// only; through a pipe the output stays plain.
func TestCLIStyles(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.config, "sentinel", "config.toml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("[console]\ntheme = \"colorblind\"\n"), 0o600)

	run := func(vars []string, args ...string) string {
		t.Helper()
		ev := e
		ev.vars = append(append([]string{}, e.vars...), vars...)
		c := startConsole(t, ev, 120, 40, args...)
		c.exitCode()
		return c.rawOutput()
	}
	incident := `rm -rf /srv/data`
	out := run([]string{"COLORTERM=truecolor"}, "check", incident)
	if !strings.Contains(out, "▲ PAUSE") || !strings.Contains(out, "38;2;255;110;90") {
		t.Errorf("check on a terminal is not in the colorblind theme's alert colour: %q", out)
	}
	out = run([]string{"COLORTERM=truecolor", "NO_COLOR=yes"}, "check", incident)
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") || !strings.Contains(out, "▲ PAUSE") || !strings.Contains(out, "7m") {
		t.Errorf("check under NO_COLOR: %q", out)
	}
	out = run([]string{"NO_COLOR=1"}, "rules")
	if plain := ansi.Strip(out); strings.Contains(out, "38;") || !strings.Contains(plain, "▲ PAUSE") || !strings.Contains(plain, "● WARN") {
		t.Errorf("rules under NO_COLOR: %.400q", out)
	}
	piped, _, _ := runPiped(t, e, "", "check", incident)
	if strings.Contains(piped, "\x1b") || !strings.Contains(piped, "PAUSE") || strings.Contains(piped, "▲") {
		t.Errorf("piped check is not plain: %q", piped)
	}
}

// TestConsoleThemes: a chosen theme sets the terminal's background while
// the console runs; NO_COLOR keeps the console free of colour.
func TestConsoleThemes(t *testing.T) {
	e := newEnv(t)
	c := startConsole(t, e, 100, 30, "run", "--no-record", "--theme", "light", "--", "sh", "-c", "echo ready; sleep 30")
	c.waitFor("ready", "sentinel")
	if raw := c.rawOutput(); !strings.Contains(strings.ToLower(raw), "\x1b]11;#fafafa") {
		t.Errorf("--theme light did not set the background: %.300q", raw)
	}
	e2 := e
	e2.vars = append(append([]string{}, e.vars...), "NO_COLOR=yes", "COLORTERM=truecolor")
	c2 := startConsole(t, e2, 100, 30, "run", "--no-record", "--theme", "high-contrast", "--", "sh", "-c", "echo ready; sleep 30")
	c2.waitFor("ready", "NOT RECORDING")
	// Not one frame in colour: the theme is monochrome from the start.
	if raw := c2.rawOutput(); strings.Contains(raw, "38;2;") || strings.Contains(raw, "48;2;") {
		i := strings.Index(raw, "38;2;")
		t.Errorf("the console under NO_COLOR draws colour: %.600q", raw[max(0, i-300):])
	}
}

// TestThemesPreviewShowsTheProduct: the preview shows the console as it
// is: the default prefix as the hint line writes it, the dialog's keys,
// and rule ids that exist.
func TestThemesPreviewShowsTheProduct(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range detect.Rules() {
		ids[r.ID] = true
	}
	ruleLike := regexp.MustCompile(`(?:^|[\s\[(])([a-z]+\.[a-z0-9-]+)(?:$|[\s\]),:])`)
	for _, n := range themes.Names() {
		th, _ := themes.ByName(n)
		plain := ansi.Strip(themes.Preview(th, 100))
		for _, want := range []string{
			ui.DefaultPrefix + " prefix", ui.DefaultPrefix + " ? help", ui.DefaultPrefix + " q quit",
			"AGENT FROZEN", "a approve once", "A approve http.graphql-delete-critical", "e edit", "d deny", "k kill the agent", "? details",
		} {
			if !strings.Contains(plain, want) {
				t.Errorf("%s: the preview lacks %q:\n%s", n, want, plain)
			}
		}
		if strings.Contains(plain, "ctrl+") {
			t.Errorf("%s: the console writes keys as ctrl-x, the preview has ctrl+:\n%s", n, plain)
		}
		named := 0
		for _, line := range strings.Split(plain, "\n") {
			for _, m := range ruleLike.FindAllStringSubmatch(line, -1) {
				named++
				if !ids[m[1]] {
					t.Errorf("%s: the preview names rule %q, which sentinel does not have", n, m[1])
				}
			}
		}
		if named < 3 {
			t.Errorf("%s: the preview names %d rules; the check above found too little to mean anything", n, named)
		}
	}
}
