package detect

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Verdict is what sentinel should do about an action.
type Verdict int

// Verdicts, in increasing order of concern.
const (
	Allow Verdict = iota // go ahead
	Warn                 // go ahead, but note it
	Pause                // stop until a human decides
)

func (v Verdict) String() string {
	switch v {
	case Warn:
		return "warn"
	case Pause:
		return "pause"
	}
	return "allow"
}

// ParseVerdict reads "allow", "warn" or "pause".
func ParseVerdict(s string) (Verdict, error) {
	switch strings.ToLower(s) {
	case "allow":
		return Allow, nil
	case "warn":
		return Warn, nil
	case "pause":
		return Pause, nil
	}
	return Allow, fmt.Errorf("verdict %q: want allow, warn or pause", s)
}

// MarshalText implements encoding.TextMarshaler.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (v *Verdict) UnmarshalText(b []byte) error {
	x, err := ParseVerdict(string(b))
	*v = x
	return err
}

// Severity is how bad the consequence would be.
type Severity int

// Severities, in increasing order.
const (
	Low Severity = iota
	Medium
	High
	Critical
)

func (s Severity) String() string {
	return [...]string{"low", "medium", "high", "critical"}[s]
}

// ParseSeverity reads "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range []string{"low", "medium", "high", "critical"} {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return Low, fmt.Errorf("severity %q: want low, medium, high or critical", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	x, err := ParseSeverity(string(b))
	*s = x
	return err
}

// Span is a half-open byte range [Start, End) of the analysed command.
type Span struct{ Start, End int }

// MarshalJSON writes a span as [start, end].
func (s Span) MarshalJSON() ([]byte, error) { return json.Marshal([2]int{s.Start, s.End}) }

// UnmarshalJSON reads [start, end].
func (s *Span) UnmarshalJSON(b []byte) error {
	var a [2]int
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	s.Start, s.End = a[0], a[1]
	return nil
}

// Finding is one thing the detector found.
type Finding struct {
	Rule     string   `json:"rule"`
	Category string   `json:"category"`
	Severity Severity `json:"severity"`
	Verdict  Verdict  `json:"verdict"`
	// Reason names the consequence in one sentence, for a tired operator.
	Reason string `json:"reason"`
	// Target is what the action acts on (a path, branch, table, volume,
	// host), when there is one: protected names are matched against it and
	// "approve for this target" will remember it.
	Target string `json:"target,omitempty"`
	// Spans are the bytes of the command that matched.
	Spans []Span `json:"spans"`
}

// Result is the analysis of one command.
type Result struct {
	Command  string    `json:"command"`
	Verdict  Verdict   `json:"verdict"`
	Findings []Finding `json:"findings"`
}

// Top is the finding that decided the verdict (the most severe of the
// most concerning verdict), or nil.
func (r Result) Top() *Finding {
	var top *Finding
	for i := range r.Findings {
		f := &r.Findings[i]
		if top == nil || f.Verdict > top.Verdict || f.Verdict == top.Verdict && f.Severity > top.Severity {
			top = f
		}
	}
	return top
}
