package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// DefaultPrefix is the key that, pressed first, makes the next key a
// console command instead of input for the agent. Ctrl-] is what telnet
// uses: no shell, editor or agent CLI binds it.
const DefaultPrefix = "ctrl-]"

// Prefix is a parsed prefix key.
type Prefix struct {
	name string // as the operator wrote it, for hints
	key  string // bubbletea's spelling, for matching ("ctrl+]")
}

// ParsePrefix reads a key such as "ctrl-]", "ctrl+a" or "ctrl-b".
// Only control chords and function keys are accepted: a printable key would
// make that character impossible to type to the agent.
func ParsePrefix(s string) (Prefix, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.ReplaceAll(k, "-", "+")
	if strings.HasSuffix(k, "+") && strings.Count(k, "+") > 1 {
		// "ctrl-+" would have become "ctrl++"
		k = strings.TrimSuffix(k, "+") + "+"
	}
	ok := strings.HasPrefix(k, "ctrl+") && len(k) > len("ctrl+") ||
		strings.HasPrefix(k, "alt+") && len(k) > len("alt+") ||
		len(k) >= 2 && k[0] == 'f' && k[1] >= '1' && k[1] <= '9'
	if !ok {
		return Prefix{}, fmt.Errorf("prefix key %q: use a control chord such as ctrl-] or ctrl-b, or a function key", s)
	}
	return Prefix{name: strings.ReplaceAll(k, "+", "-"), key: k}, nil
}

// MustPrefix is ParsePrefix for known-good constants.
func MustPrefix(s string) Prefix {
	p, err := ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

func (p Prefix) String() string { return p.name }

func (p Prefix) matches(k tea.KeyPressMsg) bool { return k.String() == p.key || k.Keystroke() == p.key }

// KeyMap is every console key. Routing matches against these bindings and
// the help screen is generated from them, so the two cannot drift.
type KeyMap struct {
	// After the prefix.
	Events, Scroll, Zoom, Help, Palette, Quit, Cancel key.Binding
	// In scrollback.
	LineUp, LineDown, PageUp, PageDown, Top, Bottom key.Binding
	// In the events pane.
	Back key.Binding
	// In the quit dialog.
	Yes, No key.Binding
}

// DefaultKeys is the console's key map.
func DefaultKeys() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Events:  b([]string{"e", "tab"}, "e  tab", "switch focus between agent and events"),
		Scroll:  b([]string{"[", "pgup"}, "[  pgup", "scroll the agent's scrollback"),
		Zoom:    b([]string{"z"}, "z", "zoom the agent pane to full screen and back"),
		Help:    b([]string{"?"}, "?", "this help"),
		Palette: b([]string{"p"}, "p", "palette: find an action, rule or event"),
		Quit:    b([]string{"q"}, "q", "quit (asks first while the agent runs; ends it)"),
		Cancel:  b([]string{"esc"}, "esc", "cancel"),

		LineUp:   b([]string{"up", "k"}, "↑ ↓  k j", "one line"),
		LineDown: b([]string{"down", "j"}, "", ""),
		PageUp:   b([]string{"pgup", "b", "ctrl+b"}, "pgup pgdn  b space", "one page"),
		PageDown: b([]string{"pgdown", "space", "ctrl+f"}, "", ""),
		Top:      b([]string{"home", "g"}, "g G  home end", "top, bottom"),
		Bottom:   b([]string{"end", "G"}, "", ""),

		Back: b([]string{"esc", "tab", "enter", "q"}, "esc  tab", "back to the agent"),
		Yes:  b([]string{"y", "Y", "enter"}, "y", "end the agent and quit"),
		No:   b([]string{"n", "N", "esc", "q"}, "n", "keep going"),
	}
}

// helpSection is one block of the help screen.
type helpSection struct {
	title string
	rows  []key.Help
}

func (m *Model) helpSections() []helpSection {
	p := m.cfg.Prefix.String()
	k := m.keys
	return []helpSection{
		{"Agent pane (focused)", []key.Help{
			{Key: "any key", Desc: "goes to the agent, except the prefix"},
			{Key: p, Desc: "prefix: the next key is a console command"},
			{Key: p + " " + p, Desc: "send " + p + " itself to the agent"},
			{Key: "mouse wheel", Desc: "scroll the pane under the pointer"},
		}},
		{"After the prefix", []key.Help{k.Events.Help(), k.Scroll.Help(), k.Zoom.Help(), k.Palette.Help(), k.Help.Help(), k.Quit.Help(), k.Cancel.Help()}},
		{"Scrollback", []key.Help{k.LineUp.Help(), k.PageUp.Help(), k.Top.Help(),
			{Key: "q  esc", Desc: "back to live; until then no key reaches the agent"}}},
		{"Events pane", []key.Help{{Key: "↑ ↓  pgup pgdn  g G", Desc: "scroll"}, k.Back.Help()}},
		{"When an action is held", []key.Help{
			{Key: "a A e d k ?", Desc: "approve · for the session · edit · deny · kill · details"},
		}},
	}
}

// toUV converts a bubbletea key press into the event x/vt encodes.
func toUV(k tea.KeyPressMsg) uv.KeyPressEvent {
	return uv.KeyPressEvent{Text: k.Text, Mod: uv.KeyMod(k.Mod), Code: k.Code, ShiftedCode: k.ShiftedCode, BaseCode: k.BaseCode, IsRepeat: k.IsRepeat}
}
