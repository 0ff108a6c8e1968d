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
