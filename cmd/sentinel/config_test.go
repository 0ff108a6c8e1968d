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
