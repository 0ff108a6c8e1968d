package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/sentinel-console/sentinel/detect"

	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
	"github.com/sentinel-console/sentinel/ui"
)

// Config is $XDG_CONFIG_HOME/sentinel/config.toml. Every field has a
// default, and flags override the file.
type Config struct {
	Console struct {
		Prefix     string `toml:"prefix"`
		Scrollback int    `toml:"scrollback"`
		Theme      string `toml:"theme"`
	} `toml:"console"`
	Record struct {
		Enabled *bool  `toml:"enabled"`
		Dir     string `toml:"dir"`
		Input   bool   `toml:"input"`
	} `toml:"record"`
	Supervise struct {
		Notify          *bool  `toml:"notify"`           // bell, title and desktop notification on a held action
		ExecGate        *bool  `toml:"exec_gate"`        // gate the agent's execs (Linux)
		DecisionTimeout string `toml:"decision_timeout"` // deny a held action after this long ("" never)
	} `toml:"supervise"`
	Detect detect.ConfigFile `toml:"detect"`

	// detect is Detect, compiled.
	detect *detect.Config
}

func defaultConfig() Config {
	var c Config
	c.detect, _ = detect.Compile(detect.ConfigFile{})
	c.Console.Prefix = ui.DefaultPrefix
	c.Console.Scrollback = screen.DefaultScrollback
	c.Console.Theme = themes.AutoName // by the terminal's background
	return c
}

// configPath is where the config file is looked for.
func configPath() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "sentinel", "config.toml")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".config", "sentinel", "config.toml")
}

// loadConfig reads path; a missing file at the default location is fine,
// a missing file named explicitly is not. Errors name the file and line.
func loadConfig(path string, explicit bool) (Config, error) {
	c := defaultConfig()
	if path == "" {
		return c, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	defer f.Close()
	// Bounded: --config /dev/zero (or a log file named by mistake) must
	// not take the machine's memory.
	data, err := io.ReadAll(io.LimitReader(f, maxConfig+1))
	if err != nil {
		return c, err
	}
	if len(data) > maxConfig {
		return c, fmt.Errorf("%s:%d: the file passes the %d MiB limit on this line; a configuration is a few KB", path, bytes.Count(data[:maxConfig], []byte("\n"))+1, maxConfig>>20)
	}
	return parseConfig(data, path)
}

// maxConfig bounds the configuration file: the longest real one, with
// many extra rules and their examples, is tens of KB.
const maxConfig = 1 << 20

// maxScrollback bounds the console's scrollback, from the flag or the file.
const maxScrollback = 1_000_000

// parseConfig reads a configuration file's content; errors name path and
// line.
func parseConfig(data []byte, path string) (Config, error) {
	c := defaultConfig()
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, configError(path, err)
	}
	if _, err := ui.ParsePrefix(c.Console.Prefix); err != nil {
		return c, fmt.Errorf("%s:%d: console.prefix: %v", path, lineOf(data, "prefix"), err)
	}
	if c.Console.Scrollback < 0 || c.Console.Scrollback > maxScrollback {
		return c, fmt.Errorf("%s:%d: console.scrollback: %d is out of range 0..%d", path, lineOf(data, "scrollback"), c.Console.Scrollback, maxScrollback)
	}
	if _, err := themes.ByName(c.Console.Theme); err != nil {
		return c, fmt.Errorf("%s:%d: console.theme: %v", path, lineOf(data, "theme"), err)
	}
	if c.Record.Dir != "" && !filepath.IsAbs(c.Record.Dir) {
		return c, fmt.Errorf("%s:%d: record.dir: %q must be an absolute path", path, lineOf(data, "dir"), c.Record.Dir)
	}
	if d := c.Supervise.DecisionTimeout; d != "" {
		if v, err := time.ParseDuration(d); err != nil || v <= 0 {
			return c, fmt.Errorf("%s:%d: supervise.decision_timeout: %q is not a positive duration such as 10m", path, lineOf(data, "decision_timeout"), d)
		}
	}
	dc, err := detect.Compile(c.Detect)
	if err != nil {
		var ce *detect.ConfigError
		if errors.As(err, &ce) {
			return c, fmt.Errorf("%s:%d: %v", path, fieldLine(data, ce.Field), err)
		}
		return c, fmt.Errorf("%s: %v", path, err)
	}
	c.detect = dc
	return c, nil
}

// fieldLine finds the line of a detect configuration field such as
// detect.extra[1].examples[0] or detect.rules.git.force-push.verdict.
func fieldLine(data []byte, field string) int {
	lines := strings.Split(string(data), "\n")
	find := func(from int, pred func(string) bool) int {
		for i := from; i < len(lines); i++ {
			if pred(strings.TrimSpace(lines[i])) {
				return i
			}
		}
		return -1
	}
	key := func(k string) func(string) bool {
		return func(l string) bool {
			return strings.HasPrefix(l, k) && strings.HasPrefix(strings.TrimSpace(l[len(k):]), "=")
		}
	}
	rest := strings.TrimPrefix(field, "detect.")
	switch {
	case strings.HasPrefix(rest, "extra["):
		var n int
		fmt.Sscanf(rest, "extra[%d]", &n)
		at := -1
		for i := 0; i <= n; i++ {
			if at = find(at+1, func(l string) bool { return strings.HasPrefix(l, "[[detect.extra]]") }); at < 0 {
				return 0
			}
		}
		if _, sub, ok := strings.Cut(rest, "]."); ok {
			name, _, _ := strings.Cut(sub, "[")
			if l := find(at+1, key(name)); l >= 0 {
				return l + 1
			}
		}
		return at + 1
	case strings.HasPrefix(rest, "rules."):
		id := strings.TrimSuffix(strings.TrimPrefix(rest, "rules."), ".verdict")
		if l := find(0, func(l string) bool { return strings.Contains(l, `"`+id+`"`) || strings.Contains(l, "rules."+id) }); l >= 0 {
			return l + 1
		}
	case strings.HasPrefix(rest, "protected"):
		return lineOf(data, "protected")
	}
	return 0
}

func configError(path string, err error) error {
	var missing *toml.StrictMissingError
	if errors.As(err, &missing) && len(missing.Errors) > 0 {
		e := missing.Errors[0]
		row, _ := e.Position()
		return fmt.Errorf("%s:%d: unknown key %q", path, row, strings.Join(e.Key(), "."))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		msg := de.Error()
		if m := wrongType.FindStringSubmatch(msg); m != nil && len(de.Key()) > 0 {
			// The decoder names Go's types ("struct field struct {
			// Prefix string …}.Scrollback of type int"); say it in the
			// file's terms.
			article := "a "
			if strings.ContainsAny(m[1][:1], "aeiou") {
				article = "an "
			}
			return fmt.Errorf("%s:%d: %s: want %s, not %s%s", path, row, strings.Join(de.Key(), "."), tomlKind(m[2]), article, m[1])
		}
		return fmt.Errorf("%s:%d: %s", path, row, strings.TrimPrefix(msg, "toml: "))
	}
	return fmt.Errorf("%s: %w", path, err)
}

// wrongType matches the decoder's message for a value of the wrong type:
// the TOML kind it found and the Go type it wanted.
var wrongType = regexp.MustCompile(`cannot decode TOML (\w+(?: \w+)?) into .* of type (\S+)$`)

// tomlKind names a Go type as the value a config file needs.
func tomlKind(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "a list such as [\"a\", \"b\"]"
	case strings.HasPrefix(goType, "map["):
		return "a table"
	}
	return "a " + goType
}

// lineOf finds the line that sets key, for errors about valid TOML with a
// bad value.
func lineOf(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		f := strings.TrimSpace(line)
		if strings.HasPrefix(f, key) && strings.HasPrefix(strings.TrimSpace(f[len(key):]), "=") {
			return i + 1
		}
	}
	return 0
}
