package detect

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// ConfigFile is the [detect] section of config.toml.
type ConfigFile struct {
	// Protected names raise the severity of findings whose target contains
	// them (as a word: "prod" matches "prod-db", not "produce").
	Protected []string `toml:"protected"`
	// Rules overrides the verdict of built-in rules by id.
	Rules map[string]RuleOverride `toml:"rules"`
	// Extra rules: a regular expression matched against the command.
	Extra []ExtraRule `toml:"extra"`
}

// RuleOverride changes a built-in rule.
type RuleOverride struct {
	Verdict string `toml:"verdict"`
}

// ExtraRule is a user rule.
type ExtraRule struct {
	ID       string   `toml:"id"`
	Pattern  string   `toml:"pattern"`
	Verdict  string   `toml:"verdict"`
	Severity string   `toml:"severity"`
	Reason   string   `toml:"reason"`
	Examples []string `toml:"examples"`
}

// DefaultProtected are the names protected without any configuration.
var DefaultProtected = []string{"prod", "production", "main", "master"}

// Config is compiled detection configuration.
type Config struct {
	protected []string
	overrides map[string]Verdict
	extra     []compiledRule
}

type compiledRule struct {
	ExtraRule
	re       *regexp.Regexp
	verdict  Verdict
	severity Severity
}

var defaultConfig = &Config{protected: DefaultProtected}

// ConfigError names the field of a bad configuration.
type ConfigError struct {
	Field string // e.g. detect.extra[1].examples[0]
	Msg   string
}

func (e *ConfigError) Error() string { return e.Field + ": " + e.Msg }

// Compile checks a configuration and prepares it. Every extra rule's
// examples must match it, or the rule is an error: a rule nobody has seen
// fire is a rule that does not work.
func Compile(f ConfigFile) (*Config, error) {
	c := &Config{overrides: map[string]Verdict{}}
	c.protected = append(c.protected, DefaultProtected...)
	for i, p := range f.Protected {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			return nil, &ConfigError{fmt.Sprintf("detect.protected[%d]", i), "empty name"}
		}
		c.protected = append(c.protected, p)
	}
	for id, o := range f.Rules {
		if _, ok := catalogue[id]; !ok {
			return nil, &ConfigError{"detect.rules." + id, "no such rule (sentinel rules lists them)"}
		}
		v, err := ParseVerdict(o.Verdict)
		if err != nil {
			return nil, &ConfigError{"detect.rules." + id + ".verdict", err.Error()}
		}
		c.overrides[id] = v
	}
	ids := map[string]int{}
	for i, x := range f.Extra {
		field := fmt.Sprintf("detect.extra[%d]", i)
		if x.ID == "" {
			return nil, &ConfigError{field + ".id", "missing"}
		}
		if j, dup := ids[x.ID]; dup {
			// Both would report as user.<id>: an audit record could not
			// say which rule paused a command.
			return nil, &ConfigError{field + ".id", fmt.Sprintf("%q is already the id of detect.extra[%d]", x.ID, j)}
		}
		ids[x.ID] = i
		re, err := regexp.Compile(x.Pattern)
		if err != nil || x.Pattern == "" {
			return nil, &ConfigError{field + ".pattern", fmt.Sprintf("%q is not a valid regular expression", x.Pattern)}
		}
		cr := compiledRule{ExtraRule: x, re: re, verdict: Pause, severity: High}
		if x.Verdict != "" {
			if cr.verdict, err = ParseVerdict(x.Verdict); err != nil {
				return nil, &ConfigError{field + ".verdict", err.Error()}
			}
		}
		if x.Severity != "" {
			if cr.severity, err = ParseSeverity(x.Severity); err != nil {
				return nil, &ConfigError{field + ".severity", err.Error()}
			}
		}
		if x.Reason == "" {
			return nil, &ConfigError{field + ".reason", "missing: say what the command would do"}
		}
		if len(x.Examples) == 0 {
			return nil, &ConfigError{field + ".examples", "missing: give at least one command the rule must match"}
		}
		for j, ex := range x.Examples {
			if !re.MatchString(ex) {
				return nil, &ConfigError{fmt.Sprintf("%s.examples[%d]", field, j), fmt.Sprintf("%q does not match the pattern", ex)}
			}
		}
		c.extra = append(c.extra, cr)
	}
	return c, nil
}

// apply adds extra-rule findings and applies overrides and protected names.
func (c *Config) apply(src string, fs []Finding) []Finding {
	for _, x := range c.extra {
		if loc := x.re.FindStringIndex(src); loc != nil {
			fs = append(fs, Finding{Rule: "user." + x.ID, Category: "user", Severity: x.severity, Verdict: x.verdict,
				Reason: x.Reason, Spans: []Span{{loc[0], loc[1]}}})
		}
	}
	for i := range fs {
		f := &fs[i]
		if v, ok := c.overrides[f.Rule]; ok {
			f.Verdict = v
		}
		if f.Verdict == Allow || f.Target == "" {
			continue
		}
		if name := c.protectedIn(f.Target); name != "" {
			f.Severity = min(f.Severity+1, Critical)
			f.Verdict = Pause
			f.Reason += fmt.Sprintf(" (%q is a protected name)", name)
		}
	}
	return fs
}

// protectedIn returns the protected name that target contains as a word.
func (c *Config) protectedIn(target string) string {
	words := strings.FieldsFunc(strings.ToLower(target), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
	for _, p := range c.protected {
		for _, w := range words {
			if w == p {
				return p
			}
		}
		// Names with separators (vol_9f3c, db.example.com) match as a whole.
		if strings.ContainsAny(p, "-_./:") && strings.Contains(strings.ToLower(target), p) {
			return p
		}
	}
	return ""
}
