package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

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
}

func defaultConfig() Config {
	var c Config
	c.Console.Prefix = ui.DefaultPrefix
	c.Console.Scrollback = screen.DefaultScrollback
	c.Console.Theme = themes.Default().Name
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
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, configError(path, err)
	}
	if _, err := ui.ParsePrefix(c.Console.Prefix); err != nil {
		return c, fmt.Errorf("%s:%d: console.prefix: %v", path, lineOf(data, "prefix"), err)
	}
	if c.Console.Scrollback < 0 || c.Console.Scrollback > 1_000_000 {
		return c, fmt.Errorf("%s:%d: console.scrollback: %d is out of range 0..1000000", path, lineOf(data, "scrollback"), c.Console.Scrollback)
	}
	if _, err := themes.ByName(c.Console.Theme); err != nil {
		return c, fmt.Errorf("%s:%d: console.theme: %v", path, lineOf(data, "theme"), err)
	}
	if c.Record.Dir != "" && !filepath.IsAbs(c.Record.Dir) {
		return c, fmt.Errorf("%s:%d: record.dir: %q must be an absolute path", path, lineOf(data, "dir"), c.Record.Dir)
	}
	return c, nil
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
		return fmt.Errorf("%s:%d: %v", path, row, de.Error())
	}
	return fmt.Errorf("%s: %w", path, err)
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
