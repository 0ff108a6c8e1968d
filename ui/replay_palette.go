package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sentinel-console/sentinel/detect"
)

// paletteItems lists the replay's actions, the rules named by the
// recording's markers, and the markers themselves in time order.
func (m *Replay) paletteItems() []paletteItem {
	km := m.keys
	action := func(title string, b key.Binding, k tea.KeyPressMsg) paletteItem {
		return paletteItem{kind: "action", title: title, detail: b.Help().Desc, key: k}
	}
	items := []paletteItem{
		action("play/pause", km.Play, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}),
		action("slower", km.Slower, k1('<')),
		action("faster", km.Faster, k1('>')),
		action("start", km.Start, tea.KeyPressMsg{Code: tea.KeyHome}),
		action("end", km.End, tea.KeyPressMsg{Code: tea.KeyEnd}),
		action("next finding", km.Next, k1('n')),
		action("previous finding", km.Prev, k1('p')),
		action("search", km.Search, k1('/')),
		action("help", km.Help, k1('?')),
		action("quit", km.Quit, k1('q')),
	}
	for _, r := range detect.Rules() {
		for _, mk := range m.markers {
			if mentionsRule(mk.Label, r.ID) {
				items = append(items, ruleItem(r))
				break
			}
		}
	}
	for _, mk := range m.markers {
		items = append(items, paletteItem{kind: "marker", title: clockAt(mk.Time) + " " + markerKind(mk.Kind), detail: mk.Label, at: mk.Time})
	}
	return items
}

// mentionsRule reports whether label names the rule id as a whole word
// (so files.delete is not found in files.delete-root).
func mentionsRule(label, id string) bool {
	for i := 0; ; {
		j := indexFrom(label, id, i)
		if j < 0 {
			return false
		}
		end := j + len(id)
		if (j == 0 || !ruleIDByte(label[j-1])) && (end == len(label) || !ruleIDByte(label[end])) {
			return true
		}
		i = j + 1
	}
}

func indexFrom(s, sub string, i int) int {
	if i > len(s) {
		return -1
	}
	if j := strings.Index(s[i:], sub); j >= 0 {
		return i + j
	}
	return -1
}

func ruleIDByte(c byte) bool {
	return c == '.' || c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// paletteKey handles a key while the palette is open: actions run as if
// their key was pressed, a rule shows its description, a marker is sought.
func (m *Replay) paletteKey(k tea.KeyPressMsg) tea.Cmd {
	it, res := m.palette.key(k)
	if res == paletteStays {
		return nil
	}
	m.paletteOpen = false
	if res == paletteClosed {
		return nil
	}
	switch it.kind {
	case "action":
		return m.key(it.key)
	case "rule":
		m.notice = it.title + ": " + it.detail
	case "marker":
		m.playing = false
		return m.seek(it.at)
	}
	return nil
}
