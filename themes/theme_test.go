package themes

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// colourThemes are every theme that has colours: the named ones and the
// automatic choices.
func colourThemes(t *testing.T) []Theme {
	var out []Theme
	for _, n := range Names() {
		th, err := ByName(n)
		if err != nil {
			t.Fatal(err)
		}
		if !th.Mono {
			out = append(out, th)
		}
	}
	return append(out, Default(), ForBackground(false))
}

func isSet(c color.Color) bool {
	_, none := c.(lipgloss.NoColor)
	return c != nil && !none
}

// pair is one foreground/background combination a style draws text in.
type pair struct {
	what   string
	fg, bg color.Color
}

// boxes are styles that draw only borders (their text is styled by others).
var boxes = map[string]bool{"Border": true, "BorderFocused": true, "Dialog": true, "Alert": true}

// textPairs walks every style of the theme (so a style added later is
// checked too) and resolves the colours its text is drawn in: unset
// colours are the theme's default foreground and background (which the
// console paints), reverse video swaps them.
func textPairs(th Theme) (text, borders []pair) {
	p := th.Palette
	resolve := func(name string, s lipgloss.Style) pair {
		fg, bg := s.GetForeground(), s.GetBackground()
		if !isSet(fg) {
			fg = p.Fg
		}
		if !isSet(bg) {
			bg = p.Bg
		}
		if s.GetReverse() {
			fg, bg = bg, fg
		}
		return pair{name, fg, bg}
	}
	text = append(text, pair{"plain text", p.Fg, p.Bg})
	v := reflect.ValueOf(th)
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch s := f.Interface().(type) {
		case lipgloss.Style:
			if boxes[name] {
				c := s.GetForeground()
				if !isSet(c) {
					c = s.GetBorderTopForeground()
				}
				borders = append(borders, pair{name, c, p.Bg})
				continue
			}
			text = append(text, resolve(name, s))
		case map[string]lipgloss.Style:
			keys := make([]string, 0, len(s))
			for k := range s {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				text = append(text, resolve(name+"["+k+"]", s[k]))
			}
		}
	}
	cli := NewCLI(th, colorprofile.TrueColor)
	for _, c := range []struct {
		name string
		s    lipgloss.Style
	}{{"cli.Pause", cli.Pause}, {"cli.Warn", cli.Warn}, {"cli.Allow", cli.Allow}, {"cli.Dim", cli.Dim}, {"cli.Mark", cli.Mark}, {"cli.Head", cli.Head}} {
		text = append(text, resolve(c.name, c.s))
	}
	return text, borders
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}

// TestTextContrast: every foreground/background pair a theme draws text
// in reaches WCAG AA (4.5:1; high-contrast AAA, 7:1), borders 3:1.
func TestTextContrast(t *testing.T) {
	for _, th := range colourThemes(t) {
		minText, minBorder := 4.5, 3.0
		if th.Name == "high-contrast" {
			minText, minBorder = 7, 4.5
		}
		text, borders := textPairs(th)
		if len(text) < 30 {
			t.Fatalf("%s: only %d text styles found; the walk over Theme is broken", th.Name, len(text))
		}
		lowest := pair{}
		lowestRatio := math.Inf(1)
		for _, p := range text {
			r := Contrast(p.fg, p.bg)
			if r < lowestRatio {
				lowest, lowestRatio = p, r
			}
			if r < minText {
				t.Errorf("%s (auto %v): %s: %s on %s is %.2f:1, want ≥ %.1f:1", th.Name, th.Auto, p.what, hex(p.fg), hex(p.bg), r, minText)
			}
		}
		for _, p := range borders {
			if !isSet(p.fg) {
				t.Errorf("%s: %s has no colour", th.Name, p.what)
				continue
			}
			if r := Contrast(p.fg, p.bg); r < minBorder {
				t.Errorf("%s: border %s: %s on %s is %.2f:1, want ≥ %.1f:1", th.Name, p.what, hex(p.fg), hex(p.bg), r, minBorder)
			}
		}
		t.Logf("%-13s auto=%-5v lowest text pair: %s %s on %s = %.2f:1", th.Name, th.Auto, lowest.what, hex(lowest.fg), hex(lowest.bg), lowestRatio)
	}
}

func TestContrastFormula(t *testing.T) {
	black, white := lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF")
	if r := Contrast(black, white); math.Abs(r-21) > 0.01 {
		t.Errorf("black on white = %.3f, want 21", r)
	}
	if r := Contrast(white, white); r != 1 {
		t.Errorf("white on white = %.3f, want 1", r)
	}
	// #767676 on white is the classic 4.54:1 grey.
	if r := Contrast(lipgloss.Color("#767676"), white); math.Abs(r-4.54) > 0.01 {
		t.Errorf("#767676 on white = %.3f, want 4.54", r)
	}
}

// attrs is the set of attributes that tell styles apart without colour.
func attrs(s lipgloss.Style) string {
	var a []string
	for _, x := range []struct {
		on   bool
		name string
	}{{s.GetBold(), "bold"}, {s.GetReverse(), "reverse"}, {s.GetUnderline(), "underline"}, {s.GetItalic(), "italic"}, {s.GetBlink(), "blink"}, {s.GetFaint(), "faint"}} {
		if x.on {
			a = append(a, x.name)
		}
	}
	return strings.Join(a, "+")
}

// TestMonochrome: no colour anywhere, and severities, states and verdicts
// still differ by attributes and symbols.
func TestMonochrome(t *testing.T) {
	th, err := ByName("monochrome")
	if err != nil {
		t.Fatal(err)
	}
	if !th.Mono {
		t.Fatal("monochrome is not Mono")
	}
	if fg, bg := th.Paint(); fg != nil || bg != nil {
		t.Error("monochrome paints the terminal")
	}
	v := reflect.ValueOf(th)
	check := func(name string, s lipgloss.Style) {
		for _, c := range []color.Color{s.GetForeground(), s.GetBackground(), s.GetBorderTopForeground(), s.GetBorderLeftForeground()} {
			if isSet(c) {
				t.Errorf("monochrome %s has colour %s", name, hex(c))
			}
		}
		if out := s.Render("x"); strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("monochrome %s renders colour: %q", name, out)
		}
	}
	for i := range v.NumField() {
		switch s := v.Field(i).Interface().(type) {
		case lipgloss.Style:
			check(v.Type().Field(i).Name, s)
		case map[string]lipgloss.Style:
			for k, st := range s {
				check(v.Type().Field(i).Name+"["+k+"]", st)
			}
		}
	}
	distinct := func(what string, names []string, get func(string) lipgloss.Style) {
		seen := map[string]string{}
		for _, n := range names {
			a := attrs(get(n))
			if prev, dup := seen[a]; dup {
				t.Errorf("monochrome %s %s and %s look the same (%q)", what, prev, n, a)
			}
			seen[a] = n
		}
	}
	distinct("severity", Severities, func(n string) lipgloss.Style { return th.Severity[n] })
	if a := attrs(th.Severity["critical"]); !strings.Contains(a, "reverse") || !strings.Contains(a, "bold") {
		t.Errorf("critical is %q, want bold and reverse", a)
	}
	if a := attrs(th.Severity["high"]); !strings.Contains(a, "bold") {
		t.Errorf("high is %q, want bold", a)
	}
	states := map[string]lipgloss.Style{"running": th.StateRunning, "exited": th.StateExited, "failed": th.StateFailed, "frozen": th.StateFrozen}
	distinct("state", []string{"running", "exited", "failed", "frozen"}, func(n string) lipgloss.Style { return states[n] })
	if attrs(th.Match) == attrs(th.Command) {
		t.Error("monochrome: matched bytes look like the rest of the command")
	}
	marks := map[string]bool{}
	for _, s := range Severities {
		m := SeverityMark(s)
		if marks[m] {
			t.Errorf("severity mark %q is used twice", m)
		}
		marks[m] = true
		if b := ansi.Strip(th.Badge(s)); !strings.Contains(b, m) || !strings.Contains(b, strings.ToUpper(s)) {
			t.Errorf("badge %q lacks its mark or name", b)
		}
	}
	cli := NewCLI(th, colorprofile.TrueColor)
	cliV := map[string]lipgloss.Style{"pause": cli.Pause, "warn": cli.Warn, "allow": cli.Allow}
	if c := NewCLI(mustTheme(t, "dark"), colorprofile.ASCII); isSet(c.Pause.GetForeground()) || !c.Pause.GetReverse() {
		t.Error("the CLI styles of a terminal without colour have colour")
	}
	if c := NewCLI(mustTheme(t, "dark"), colorprofile.ANSI256); strings.Contains(c.Pause.Render("x"), "38;2;") {
		t.Errorf("the CLI styles of a 256-colour terminal use true colour: %q", c.Pause.Render("x"))
	}
	distinct("verdict", []string{"pause", "warn", "allow"}, func(n string) lipgloss.Style { return cliV[n] })
	for _, v := range []string{"pause", "warn", "allow"} {
		check("cli "+v, cliV[v])
		if !strings.Contains(ansi.Strip(cli.Verdict(v)), verdictMark[v]) {
			t.Errorf("CLI verdict %s has no symbol", v)
		}
	}
}

// Machado, Oliveira and Fernandes (2009) simulation matrices for complete
// protanopia and deuteranopia, applied to linear RGB.
var cvd = map[string][3][3]float64{
	"protanopia":   {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
	"deuteranopia": {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
}

func linear(c color.Color) [3]float64 {
	r, g, b, _ := c.RGBA()
	f := func(v uint32) float64 {
		x := float64(v) / 0xFFFF
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return [3]float64{f(r), f(g), f(b)}
}

// lab converts linear sRGB (D65) to CIELAB.
func lab(rgb [3]float64) [3]float64 {
	x := 0.4124*rgb[0] + 0.3576*rgb[1] + 0.1805*rgb[2]
	y := 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	z := 0.0193*rgb[0] + 0.1192*rgb[1] + 0.9505*rgb[2]
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x/0.95047), f(y), f(z/1.08883)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// seenApart is the CIE76 distance between two colours as someone with the
// given colour vision deficiency sees them.
func seenApart(kind string, a, b color.Color) float64 {
	m := cvd[kind]
	sim := func(c color.Color) [3]float64 {
		l := linear(c)
		var o [3]float64
		for i := range 3 {
			o[i] = math.Max(0, math.Min(1, m[i][0]*l[0]+m[i][1]*l[1]+m[i][2]*l[2]))
		}
		return lab(o)
	}
	p, q := sim(a), sim(b)
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}

// minApart is the smallest simulated distance that counts as clearly
// different (a CIE76 ΔE of ~2 is just noticeable side by side).
const minApart = 30

// TestColorblindSafe: in the colour-blind theme, the colours that carry
// state (running, warning, alarm) stay far apart for protanopes and
// deuteranopes; and the check itself does catch a red/green pair.
func TestColorblindSafe(t *testing.T) {
	th, err := ByName("colorblind")
	if err != nil {
		t.Fatal(err)
	}
	p := th.Palette
	states := map[string]color.Color{"ok": p.OK, "warn": p.Warn, "alert": p.Alert}
	for _, kind := range []string{"protanopia", "deuteranopia"} {
		for _, ab := range [][2]string{{"ok", "alert"}, {"ok", "warn"}, {"warn", "alert"}} {
			d := seenApart(kind, states[ab[0]], states[ab[1]])
			if d < minApart {
				t.Errorf("%s: %s and %s are ΔE %.1f apart, want ≥ %d", kind, ab[0], ab[1], d, minApart)
			}
			t.Logf("%s: %s vs %s ΔE %.1f", kind, ab[0], ab[1], d)
		}
	}
	// Equal-lightness red and green: exactly what the theme must avoid.
	red, green := lipgloss.Color("#E06C75"), lipgloss.Color("#8FA14A")
	if d := seenApart("deuteranopia", red, green); d >= minApart {
		t.Errorf("the simulation does not catch red vs green (ΔE %.1f)", d)
	}
}

func TestByName(t *testing.T) {
	for _, n := range Names() {
		th, err := ByName(n)
		if err != nil || th.Name != n || th.Auto || th.Description == "" {
			t.Errorf("ByName(%q) = %q auto=%v desc=%q, %v", n, th.Name, th.Auto, th.Description, err)
		}
	}
	if len(Names()) < 5 {
		t.Errorf("Names() = %v: want dark, light, high-contrast, colorblind, monochrome", Names())
	}
	for _, n := range []string{"", AutoName} {
		if th, err := ByName(n); err != nil || !th.Auto {
			t.Errorf("ByName(%q) is not automatic: %v", n, err)
		}
	}
	if _, err := ByName("solarized"); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("unknown theme error %v does not list the themes", err)
	}
	if ForBackground(true).Name != "dark" || ForBackground(false).Name != "light" || !ForBackground(false).Auto {
		t.Error("ForBackground does not pick dark/light automatically")
	}
	if fg, bg := ForBackground(false).Paint(); fg != nil || bg != nil {
		t.Error("an automatic theme paints over the terminal's own background")
	}
	if fg, bg := mustTheme(t, "light").Paint(); fg == nil || bg == nil {
		t.Error("a chosen theme does not paint its background")
	}
}

func mustTheme(t *testing.T, name string) Theme {
	th, err := ByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// TestPreview: every theme's preview shows the status bar, a pane, a
// decision dialog and a badge per severity, within the width; colour only
// where the theme has colour.
func TestPreview(t *testing.T) {
	for _, n := range Names() {
		th := mustTheme(t, n)
		out := Preview(th, 90)
		plain := ansi.Strip(out)
		for _, want := range []string{"sentinel", "RUNNING", "FROZEN", "NOT RECORDING", "events", "╭", "╰", "┏", "volumeDelete", "a approve", "d deny"} {
			if !strings.Contains(plain, want) {
				t.Errorf("%s: preview lacks %q", n, want)
			}
		}
		for _, sev := range Severities {
			if !strings.Contains(plain, SeverityMark(sev)+" "+strings.ToUpper(sev)) {
				t.Errorf("%s: preview lacks the %s badge", n, sev)
			}
		}
		lines := strings.Split(plain, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "╭") || strings.HasPrefix(l, "│") || strings.HasPrefix(l, "╰") {
				if w := ansi.StringWidth(strings.TrimRight(l, " ")); w != 90 {
					t.Errorf("%s: pane line %d is %d cells, not 90: %q", n, i, w, l)
				}
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(l); w > 90 {
				t.Errorf("%s: line %d is %d cells wide: %q", n, i, w, ansi.Strip(l))
			}
		}
		hasColour := strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;")
		if th.Mono == hasColour {
			t.Errorf("%s: mono=%v but colour in output=%v", n, th.Mono, hasColour)
		}
		if _, bg := th.Paint(); bg != nil {
			r, g, b, _ := bg.RGBA()
			seq := fmt.Sprintf("48;2;%d;%d;%d", r>>8, g>>8, b>>8)
			if first, _, _ := strings.Cut(out, "m"); !strings.Contains(first, seq) {
				t.Errorf("%s: the preview is not drawn on the theme's background", n)
			}
		}
	}
}

// TestPalettesSurvive256Colours: many terminals (tmux by default) have 256
// colours, and the renderer lowers each colour to the nearest of them.
// Every palette colour must stay close to itself there (CIE76 ΔE ≤ 15: no
// dark red turning grey, no grey bar turning navy) and every text pair
// must keep its contrast.
func TestPalettesSurvive256Colours(t *testing.T) {
	for _, th := range colourThemes(t) {
		v := reflect.ValueOf(th.Palette)
		for i := range v.NumField() {
			c := v.Field(i).Interface().(color.Color)
			low := colorprofile.ANSI256.Convert(c)
			p, q := lab(linear(c)), lab(linear(low))
			if d := math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2])); d > 15 {
				t.Errorf("%s: %s %s becomes %s in 256 colours (ΔE %.0f)", th.Name, v.Type().Field(i).Name, hex(c), hex(low), d)
			}
		}
		minText := 4.5
		if th.Name == "high-contrast" {
			minText = 7
		}
		text, _ := textPairs(th)
		for _, p := range text {
			fg, bg := colorprofile.ANSI256.Convert(p.fg), colorprofile.ANSI256.Convert(p.bg)
			if r := Contrast(fg, bg); r < minText {
				t.Errorf("%s in 256 colours: %s: %s on %s is %.2f:1", th.Name, p.what, hex(fg), hex(bg), r)
			}
		}
	}
}
