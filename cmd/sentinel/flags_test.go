package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParseFlagsAnywhere: a subcommand's flags may follow its arguments,
// each taking its value as the flag package would; "--" ends them.
func TestParseFlagsAnywhere(t *testing.T) {
	for _, c := range []struct {
		args   []string
		speed  float64
		last   bool
		config string
		rest   []string
		err    string
	}{
		{args: []string{"9d7a10ec", "--speed", "4", "--idle-limit", "1s"}, speed: 4, rest: []string{"9d7a10ec"}},
		{args: []string{"--speed=2", "x.cast", "-last"}, speed: 2, last: true, rest: []string{"x.cast"}},
		{args: []string{"--last", "--scan"}, speed: 1, last: true},
		{args: []string{"a", "--", "--speed", "4"}, speed: 1, rest: []string{"a", "--speed", "4"}},
		{args: []string{"-", "--last"}, speed: 1, last: true, rest: []string{"-"}},
		// A flag with a value takes the next argument, whatever it is.
		{args: []string{"--config", "--", "a"}, speed: 1, config: "--", rest: []string{"a"}},
		{args: []string{"--config", "-x.toml", "a"}, speed: 1, config: "-x.toml", rest: []string{"a"}},
		{args: []string{"a", "--speed"}, err: "flag needs an argument: -speed"},
		{args: []string{"a", "--bogus", "b"}, err: "flag provided but not defined: -bogus"},
		{args: []string{"a", "---speed", "4"}, err: "bad flag syntax: ---speed"},
		{args: []string{"a", "--last=maybe"}, err: `invalid boolean value "maybe" for -last`},
	} {
		var o replayOptions
		fs := replayFlags(&o)
		err := parseFlags(fs, c.args, "replay")
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		rest := fs.Args()
		if len(rest) == 0 {
			rest = nil
		}
		if err != nil || o.speed != c.speed || o.last != c.last || o.config != c.config || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("%q: err %v speed %v last %v config %q args %q; want speed %v last %v config %q args %q",
				c.args, err, o.speed, o.last, o.config, rest, c.speed, c.last, c.config, c.rest)
		}
	}
}

// TestFlagsAfterArguments drives the commands with their flags after their
// arguments, as the README writes them, and checks that run and check still
// leave the flags of the command they are given alone.
func TestFlagsAfterArguments(t *testing.T) {
	e := newEnv(t)
	rec := filepath.Join(e.home, "s.cast")
	os.WriteFile(rec, []byte(`{"version":2,"width":80,"height":24}`+"\n"+
		`[0.5, "o", "$ ls\r\nREADME.md\r\n"]`+"\n"+
		`[60.5, "o", "$ rm -rf /var/lib/postgresql/data\r\n"]`+"\n"), 0o600)
	jsonLines := func(args []string, out string) {
		t.Helper()
		if strings.TrimSpace(out) == "" {
			t.Errorf("%q: no output", args)
		}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !json.Valid([]byte(l)) {
				t.Errorf("%q: not JSON: %s", args, l)
			}
		}
	}
	for _, args := range [][]string{
		{"replay", rec, "--scan", "--json", "--idle-limit", "1s"},
		{"scan", rec, "--json"},
	} {
		out, stderr, code := runPiped(t, e, "", args...)
		if code != 1 {
			t.Errorf("%q: exit %d, want 1: %s", args, code, stderr)
		}
		jsonLines(args, out)
	}
	// The idle limit given after the file is the one used.
	if out, _, _ := runPiped(t, e, "", "replay", rec, "--scan", "--idle-limit", "10s"); !strings.Contains(out, "0:10.5 (recorded 1:00.5") {
		t.Errorf("replay FILE --scan --idle-limit 10s:\n%s", out)
	}
	if _, stderr, code := runPiped(t, e, "", "replay", rec, "--speed", "3"); code != 2 || !strings.Contains(stderr, "--speed 3") {
		t.Errorf("replay FILE --speed 3: exit %d %q", code, stderr)
	}

	path, _ := writeAuditLog(t, e)
	if out, _, code := runPiped(t, e, "", "audit", "show", path, "--json", "--last"); code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("audit show FILE --json --last: exit %d\n%s", code, out)
	}
	if out, _, code := runPiped(t, e, "", "audit", "verify", path); code != 0 || !strings.Contains(out, "chain intact") {
		t.Errorf("audit verify FILE: exit %d %q", code, out)
	}
	if out, stderr, code := runPiped(t, e, "", "hooks", "--agent", "claude", "status"); code != 0 || !strings.HasPrefix(out, "claude ") || strings.Contains(out, "codex") {
		t.Errorf("hooks --agent claude status: exit %d %q %q", code, out, stderr)
	}
	if out, stderr, code := runPiped(t, e, "", "sessions", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("sessions --json: exit %d %q %q", code, out, stderr)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"hooks", "status", "claude"}, `unexpected argument "claude"`},
		{[]string{"hooks"}, "want install, uninstall or status"},
		{[]string{"rules", "extra"}, "rules takes no arguments"},
		{[]string{"sessions", "extra", "--json"}, `unexpected argument "extra"`},
	} {
		if _, stderr, code := runPiped(t, e, "", c.args...); code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%q: exit %d %q, want 2 and %q", c.args, code, stderr, c.msg)
		}
	}

	// check: everything from the command on is the command.
	if out, _, code := runPiped(t, e, "", "check", "echo", "--json"); code != 0 || json.Valid([]byte(out)) || !strings.Contains(out, "ALLOW") {
		t.Errorf("check echo --json took --json as its own: exit %d %q", code, out)
	}
	if out, _, code := runPiped(t, e, "", "check", "--json", "rm", "-rf", "/"); code != 1 || !strings.Contains(out, `"command":"rm -rf /"`) {
		t.Errorf("check --json rm -rf /: exit %d %q", code, out)
	}
	// run: the agent's arguments are the agent's, with or without "--".
	for _, args := range [][]string{
		{"run", "--headless", "--no-record", "--", "echo", "--no-record", "--json"},
		{"run", "--headless", "--no-record", "echo", "--no-record", "--json"},
	} {
		if out, stderr, code := runPiped(t, e, "", args...); code != 0 || !strings.Contains(out, "--no-record --json") {
			t.Errorf("%q: exit %d %q %q", args, code, out, stderr)
		}
	}
}

// TestHelpOnStdout: 'sentinel help X' and 'sentinel X --help' print the
// whole help, flags included, on stdout and exit 0; a usage error goes to
// stderr with exit 2.
func TestHelpOnStdout(t *testing.T) {
	e := newEnv(t)
	for topic, h := range helpTopics() {
		want, stderr, code := runPiped(t, e, "", "help", topic)
		if code != 0 || stderr != "" || !strings.HasPrefix(want, h.text) || !strings.HasSuffix(want, h.after) {
			t.Errorf("help %s: exit %d stderr %q\n%s", topic, code, stderr, want)
		}
		if h.flags != nil {
			h.flags().VisitAll(func(f *flag.Flag) {
				if !strings.Contains(want, "  -"+f.Name) {
					t.Errorf("help %s does not show -%s:\n%s", topic, f.Name, want)
				}
			})
		}
		args := []string{topic, "--help"}
		switch topic {
		case "audit":
			args = []string{"audit", "show", "--help"}
		case "hooks":
			args = []string{"hooks", "--help"}
		}
		got, stderr, code := runPiped(t, e, "", args...)
		if code != 0 || stderr != "" || got != want {
			t.Errorf("%q: exit %d stderr %q; stdout differs from help %s:\n%s", args, code, stderr, topic, got)
		}
	}
	if out, _, _ := runPiped(t, e, "", "help", "run"); !strings.Contains(out, "  -headless") || !strings.Contains(out, "approve once") {
		t.Errorf("help run lacks its flags or keys:\n%s", out)
	}
	if out, stderr, code := runPiped(t, e, "", "help", "frob"); code != 2 || out != "" || !strings.Contains(stderr, `no help for "frob"`) {
		t.Errorf("help frob: exit %d %q %q", code, out, stderr)
	}
}
