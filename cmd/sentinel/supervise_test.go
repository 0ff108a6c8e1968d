package main

import (
	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgdata makes a directory the detector knows as a database's data: the
// agents below try to delete it.
func pgdata(t *testing.T, e env) string {
	dir := filepath.Join(e.home, "var", "lib", "postgresql", "data")
	os.MkdirAll(filepath.Join(dir, "base"), 0o700)
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("16\n"), 0o600)
	return dir
}

// Fail closed: sentinel is SIGKILLed while the exec gate holds the
// deletion. The held exec must never run, and nothing the agent tries
// afterwards may run either.
func TestSIGKILLOfSentinelWhileHeldNeverRunsTheExec(t *testing.T) {
	e := newEnv(t)
	data := pgdata(t, e)
	after := filepath.Join(e.home, "after")
	script := `echo $$ > agent.pid; rm -rf /var/lib/postgresql/data "$1"; echo "rm: $?"; touch "$2"; sleep 30`
	c := startConsole(t, e, 140, 44, "run", "--", "sh", "-c", script, "agent", data, after)
	c.waitFor("k kill the agent")
	b, _ := os.ReadFile(filepath.Join(e.home, "agent.pid"))
	agent, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.exitCode()
	// Give a held exec every chance to go through if it were going to.
	time.Sleep(500 * time.Millisecond)
	if _, err := os.Stat(data); err != nil {
		t.Fatalf("the held rm ran after sentinel died: %v", err)
	}
	if _, err := os.Stat(after); err == nil {
		t.Error("the agent could still exec (touch) after sentinel died")
	}
	if agent > 0 {
		syscall.Kill(agent, syscall.SIGKILL)
	}
}

// The agent cannot approve its own action: whatever it writes goes to its
// output, never to sentinel's keyboard, and it holds no descriptor of
// sentinel's besides its terminal.
func TestTheAgentCannotApproveItself(t *testing.T) {
	e := newEnv(t)
	data := pgdata(t, e)
	script := `ls -l /proc/$$/fd > fds.txt
(sleep 0.3; for i in 1 2 3 4 5; do printf 'aA\r'; printf 'a\r' > /dev/tty; sleep 0.1; done) &
rm -rf /var/lib/postgresql/data "$1"; echo "rm: $?"; sleep 30`
	c := startConsole(t, e, 140, 44, "run", "--", "sh", "-c", script, "agent", data)
	c.waitFor("k kill the agent")
	time.Sleep(1500 * time.Millisecond) // the agent's attempts to press keys
	if _, err := os.Stat(data); err != nil {
		t.Fatal("the agent approved its own deletion")
	}
	if !strings.Contains(c.screen(), "AGENT FROZEN") {
		t.Fatalf("the dialog went away without the operator:\n%s", c.screen())
	}
	fds, _ := os.ReadFile(filepath.Join(e.home, "fds.txt"))
	for _, l := range strings.Split(string(fds), "\n") {
		if strings.Contains(l, "socket:") || strings.Contains(l, "anon_inode") || strings.Contains(l, "pipe:") {
			t.Errorf("the agent holds a descriptor of sentinel's: %s", l)
		}
	}
	c.send("d")
	c.waitFor("deny by")
	c.send("\x1d" + "q")
	c.waitFor("Quit sentinel?")
	c.send("y")
	c.exitCode()
	if _, err := os.Stat(data); err != nil {
		t.Fatal("the denied deletion ran")
	}
}

// Approve and deny through the console, on the exec gate: approve runs the
// held exec, deny makes it fail with EPERM while the agent carries on.
func TestConsoleApproveAndDenyOnTheExecGate(t *testing.T) {
	for _, key := range []string{"a", "d", "k"} {
		t.Run(key, func(t *testing.T) {
			e := newEnv(t)
			data := pgdata(t, e)
			script := `rm -rf /var/lib/postgresql/data "$1"; echo "rm status $?"; echo carried-on-$((1+1)); sleep 30`
			c := startConsole(t, e, 140, 44, "run", "--exit", "--", "sh", "-c", script, "agent", data)
			c.waitFor("k kill the agent")
			if _, err := os.Stat(data); err != nil {
				t.Fatal("the rm ran while the dialog was open")
			}
			// All at once: the console may be mid-frame at any single look.
			c.waitFor("seen by exec gate", "files.delete-database", "pid ", "← ")
			c.send(key)
			switch key {
			case "a":
				c.waitFor("carried-on-2")
				if _, err := os.Stat(data); !os.IsNotExist(err) {
					t.Fatalf("approved rm did not run: %v", err)
				}
			case "d":
				c.waitFor("carried-on-2")
				if !strings.Contains(c.screen(), "Operation not permitted") {
					t.Errorf("the agent did not see EPERM:\n%s", c.screen())
				}
				if _, err := os.Stat(data); err != nil {
					t.Fatal("denied rm ran")
				}
			case "k":
				if code := c.exitCode(); code == 0 {
					t.Fatalf("kill: exit %d", code)
				}
				if _, err := os.Stat(data); err != nil {
					t.Fatal("rm ran after kill")
				}
				return
			}
			c.cmd.Process.Signal(syscall.SIGTERM)
			c.exitCode()
		})
	}
}

// The recording has a marker for the held action and its decision, with the
// token the agent used masked.
func TestRecordingMarksHeldActionsWithTokensMasked(t *testing.T) {
	e := newEnv(t)
	rec := filepath.Join(e.home, "demo.cast")
	if _, stderr, code := runPiped(t, e, "", "demo", "--headless", "--speed", "500", "--record", rec); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var markers []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, `, "m", `) || strings.Contains(l, `,"m",`) {
			markers = append(markers, l)
		}
	}
	joined := strings.Join(markers, "\n")
	for _, want := range []string{"pause #1 [exec gate] critical http.graphql-delete-critical", "decision #1: deny by policy (unattended)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no marker %q in:\n%s", want, joined)
		}
	}
	for _, m := range markers {
		if i := strings.Index(m, "rw_root_"); i >= 0 && !strings.Contains(m[i:min(i+20, len(m))], "…") {
			t.Errorf("unmasked token in a marker: %s", m)
		}
	}
}

// headlessReports is what a headless run prints when cmd is held and then
// denied.
func headlessReports(cmd string) string {
	var opts session.SupervisorOptions
	var out strings.Builder
	reportHeadless(&opts, &out)
	a := &session.Action{ID: 1, Source: session.SourceStream, Command: cmd, Result: detect.Command(cmd, detect.Context{})}
	opts.OnHeld(a)
	opts.OnDecided(a, session.Decision{Kind: session.Deny, Operator: "policy"})
	return out.String()
}

// Headless, held actions are reported on stderr: the agent's escape
// sequences in its command must not reach the operator's terminal there.
func TestHeadlessReportsCarryNoAgentEscapes(t *testing.T) {
	out := headlessReports("rm -rf /var/lib/postgresql/data \x1b]52;c;cHduZWQ=\x07")
	if !strings.Contains(out, "HELD #1") {
		t.Fatalf("nothing reported: %q", out)
	}
	if strings.Contains(out, "\x1b]52") || strings.Contains(out, "\x07") {
		t.Errorf("the agent's escape sequence reached stderr: %q", out)
	}
}

// Headless reports show the invisible characters of an agent's command
// (bidirectional controls, zero-width characters) as escapes.
func TestHeadlessReportsShowInvisibleCharacters(t *testing.T) {
	out := headlessReports("rm -rf /var/lib/\u202e#\u200b /tmp")
	if strings.ContainsFunc(out, screen.Invisible) || strings.Count(out, `/var/lib/\u202e#\u200b /tmp`) != 2 {
		t.Errorf("the reports: %q", out)
	}
}

// The programs sentinel runs itself beside a session (notify-send) come
// from root's directories, never from $PATH, whose user-writable
// directories the agent can plant a program in.
func TestSystemProgramIgnoresPathAndWhatOthersCanChange(t *testing.T) {
	saved := systemDirs
	t.Cleanup(func() { systemDirs = saved })
	dir := t.TempDir()
	planted := filepath.Join(dir, "notify-send")
	if err := os.WriteFile(planted, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	systemDirs = []string{filepath.Join(dir, "none")}
	if p, ok := systemProgram("notify-send"); ok {
		t.Errorf("found %s through $PATH", p)
	}
	systemDirs = []string{dir}
	os.Chmod(planted, 0o757)
	if p, ok := systemProgram("notify-send"); ok {
		t.Errorf("found %s, which others can write to", p)
	}
	os.Chmod(planted, 0o755)
	if os.Getuid() == 0 {
		os.Chown(planted, 65534, 65534)
	}
	if p, ok := systemProgram("notify-send"); ok {
		t.Errorf("found %s, which is not root's", p)
	}
	systemDirs = []string{"/usr/bin", "/bin"}
	if _, ok := systemProgram("sh"); !ok {
		t.Error("/bin/sh, root's, was not found")
	}
}
