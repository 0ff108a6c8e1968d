package main

import (
	"strings"
	"testing"
)

func FuzzConfig(f *testing.F) {
	for _, s := range []string{
		"[console]\nprefix = \"ctrl-b\"\n",
		"[detect]\nprotected = [\"db1\"]\n[[detect.extra]]\nid = \"x\"\npattern = \"a+\"\nreason = \"r\"\nexamples = [\"aa\"]\n",
		"[detect.rules.\"git.force-push\"]\nverdict = \"warn\"\n",
		"[record]\nenabled = false\ndir = \"/x\"\n",
		"sevrity = 3",
		"[[detect.extra]]\npattern = \"(\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseConfig(data, "config.toml")
		if err != nil && !strings.HasPrefix(err.Error(), "config.toml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func TestSuperviseConfig(t *testing.T) {
	c, err := parseConfig([]byte("[supervise]\nnotify = false\ndecision_timeout = \"2m\"\n"), "config.toml")
	if err != nil || c.Supervise.Notify == nil || *c.Supervise.Notify || c.Supervise.DecisionTimeout != "2m" {
		t.Fatalf("%+v %v", c.Supervise, err)
	}
	_, err = parseConfig([]byte("[supervise]\n\ndecision_timeout = \"soon\"\n"), "config.toml")
	if err == nil || !strings.Contains(err.Error(), "config.toml:3: supervise.decision_timeout") {
		t.Fatalf("bad timeout: %v", err)
	}
}

func TestConfigTypeErrorsSpeakTOML(t *testing.T) {
	// The decoder's own message names Go types ("struct field struct {
	// Prefix string …}.Scrollback of type int"); the operator wrote TOML.
	for text, want := range map[string]string{
		"[console]\nscrollback = \"many\"\n":   `config.toml:2: console.scrollback: want a whole number, not a string`,
		"[console]\n\nprefix = 5\n":            `config.toml:3: console.prefix: want a string, not an integer`,
		"[detect]\nprotected = \"prod\"\n":     `config.toml:2: detect.protected: want a list such as ["a", "b"], not a string`,
		"[supervise]\nnotify = \"yes\"\n":      `config.toml:2: supervise.notify: want true or false, not a string`,
		"[supervise]\ndecision_timeout = 10\n": `config.toml:2: supervise.decision_timeout: want a string, not an integer`,
	} {
		_, err := parseConfig([]byte(text), "config.toml")
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v\nwant %s", text, err, want)
		}
	}
}
