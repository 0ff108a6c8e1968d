package themes

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// colourLiteral matches the ways Go source can write a colour: lipgloss
// and x/ansi constructors, image/color values, hex strings and raw SGR
// colour escapes.
var colourLiteral = regexp.MustCompile(strings.Join([]string{
	`lipgloss\.(Color|ANSIColor|RGBColor)\(`,
	`ansi\.(IndexedColor|BasicColor|TrueColor|RGBColor)\(`,
	`ansi\.(Black|Red|Green|Yellow|Blue|Magenta|Cyan|White|Bright[A-Z][a-z]+)\b`,
	`color\.(RGBA|NRGBA|RGBA64|Gray)\{`,
	`"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?"`,
	`(\\x1b|\\033|\\u001b|\\e)\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`,
}, "|"))

// notSentinels are files whose colours are not sentinel's: the demo's
// scripted agent and the benchmark's synthetic agent colour their own
// output, which sentinel shows in the agent's pane like any agent's.
var notSentinels = map[string]bool{"demo/agent.go": true, "bench/workload/main.go": true}

// TestNoColourOutsideThemes: no colour is written anywhere but here.
func TestNoColourOutsideThemes(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "themes" || rel == "testdata" || strings.HasSuffix(rel, "/testdata") || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || notSentinels[rel] {
			return nil
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := colourLiteral.FindString(line); m != "" {
				t.Errorf("%s:%d: colour %s outside themes/: take it from the theme", rel, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("only %d Go files checked: the walk missed the repository", files)
	}
}

// TestColourLiteralPattern: the pattern finds each kind of literal and
// leaves ordinary code alone.
func TestColourLiteralPattern(t *testing.T) {
	for _, s := range []string{
		`Foreground(lipgloss.Color("#F7768E"))`,
		`c := lipgloss.Color("212")`,
		`x := "#fff"`,
		`ansi.IndexedColor(208)`,
		`ansi.BasicColor(1)`,
		`ansi.BrightRed`,
		`color.RGBA{R: 255}`,
		`const red = "\x1b[31m"`,
		`orange = "\x1b[38;5;208m"`,
		`"\x1b[1;41m"`,
	} {
		if !colourLiteral.MatchString(s) {
			t.Errorf("not caught: %s", s)
		}
	}
	for _, s := range []string{
		`bold := "\x1b[1m"`,
		`reset := "\x1b[0m"`,
		`fmt.Fprintf(w, "#%d", n)`,
		`t.Palette.Alert`,
		`"\x1b[2J"`,
	} {
		if colourLiteral.MatchString(s) {
			t.Errorf("caught by mistake: %s", s)
		}
	}
}
