package detect

import (
	"sort"
	"strings"
)

// Rule is one kind of finding in the catalogue.
type Rule struct {
	ID          string   `json:"id"`
	Category    string   `json:"category"`
	Severity    Severity `json:"severity"`
	Verdict     Verdict  `json:"verdict"`
	Description string   `json:"description"`
	// Examples are commands that must produce this rule (a test checks
	// every one), so the catalogue documents itself truthfully.
	Examples []string `json:"examples"`
}

// catalogue holds every built-in rule by id. It is filled by the analysers'
// init functions and never changes afterwards.
var catalogue = map[string]Rule{}

func register(rules ...Rule) {
	for _, r := range rules {
		if _, dup := catalogue[r.ID]; dup {
			panic("detect: rule " + r.ID + " registered twice")
		}
		if r.Category == "" {
			r.Category, _, _ = strings.Cut(r.ID, ".")
		}
		catalogue[r.ID] = r
	}
}

// Rules returns the built-in rule catalogue, sorted by id.
func Rules() []Rule {
	out := make([]Rule, 0, len(catalogue))
	for _, r := range catalogue {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// analyser inspects one invocation of a program it is registered for.
type analyser func(inv *Invocation)

// analysers maps a program name to the analysers that handle it.
var analysers = map[string][]analyser{}

// handle registers a for each of the program names.
func handle(a analyser, names ...string) {
	for _, n := range names {
		analysers[n] = append(analysers[n], a)
	}
}
