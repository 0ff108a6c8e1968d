package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/sentinel-console/sentinel/session/cast"
)

// These tests drive the real sentinel binary, built once, through real PTYs
// and pipes, each with its own HOME and XDG directories.

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sentinel-e2e-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "sentinel")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building sentinel: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// patience bounds how long a test waits for something that should happen;
// it only catches hangs and never decides a pass.
const patience = 20 * time.Second

type env struct {
	home, state, config string
	vars                []string
}

func newEnv(t *testing.T) env {
	t.Helper()
	root := t.TempDir()
	e := env{home: filepath.Join(root, "home"), state: filepath.Join(root, "state"), config: filepath.Join(root, "config")}
	for _, d := range []string{e.home, e.config} {
		os.MkdirAll(d, 0o700)
	}
	e.vars = []string{
		"HOME=" + e.home, "XDG_STATE_HOME=" + e.state, "XDG_CONFIG_HOME=" + e.config,
		"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "SHELL=/bin/sh", "LANG=C.UTF-8",
	}
	return e
}

func (e env) recordings(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.state, "sentinel", "sessions", "*.cast"))
	return files
}

// runPiped runs sentinel with stdin from a string: no terminal, so headless.
func runPiped(t *testing.T, e env, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runPipedWithin(t, e, patience, stdin, args...)
}

// runPipedWithin is runPiped waiting up to d (real agent CLIs get longer).
func runPipedWithin(t *testing.T, e env, d time.Duration, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = e.vars
	cmd.Dir = e.home
	cmd.Stdin = strings.NewReader(stdin)
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(d):
		cmd.Process.Kill()
		t.Fatalf("sentinel %q hung; stdout %q stderr %q", args, o.String(), er.String())
	}
	return o.String(), er.String(), cmd.ProcessState.ExitCode()
}

func TestHeadlessExitStatus(t *testing.T) {
	e := newEnv(t)
	for script, want := range map[string]int{"exit 0": 0, "exit 7": 7, "kill -TERM $$": 143, "kill -KILL $$": 137} {
		_, stderr, code := runPiped(t, e, "", "run", "--headless", "--", "sh", "-c", script)
		if code != want {
			t.Errorf("%q: exit %d, want %d (stderr %q)", script, code, want, stderr)
		}
	}
}

func TestNoTerminalMeansHeadless(t *testing.T) {
	e := newEnv(t)
	stdout, stderr, code := runPiped(t, e, "hello there\n", "run", "--", "sh", "-c", `read line; echo "got:$line"`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "stdin is not a terminal; running headless") {
		t.Errorf("stderr does not say it went headless: %q", stderr)
	}
	if !strings.Contains(stdout, "got:hello there") {
		t.Errorf("input or output did not pass through: %q", stdout)
	}
}

func TestEndOfInputReachesTheAgent(t *testing.T) {
	e := newEnv(t)
	stdout, _, code := runPiped(t, e, "one\ntwo\n", "run", "--", "cat")
	if code != 0 || strings.Count(stdout, "one") < 1 || !strings.Contains(stdout, "two") {
		t.Fatalf("cat did not see its input end: exit %d, %q", code, stdout)
	}
}

func TestBadInvocations(t *testing.T) {
	e := newEnv(t)
	noexec := filepath.Join(e.home, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	// Executable, but the exec fails: as a shell, 126 (with the exec gate,
	// whose trampoline execs the agent, and without).
	badInterp := filepath.Join(e.home, "bad-interpreter")
	os.WriteFile(badInterp, []byte("#!/nonexistent/interpreter\n"), 0o755)
	badFormat := filepath.Join(e.home, "bad-format")
	os.WriteFile(badFormat, []byte("\x7fELF not really"), 0o755)
	marker := filepath.Join(e.home, "agent-ran")
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"run"}, 2, "no command given"},
		{[]string{"run", "--"}, 2, "no command given"},
		{[]string{"run", "--bogus", "--", "true"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"run", "--", "no-such-command-xyz"}, 127, "no-such-command-xyz: command not found"},
		{[]string{"run", "--", noexec}, 126, "permission denied"},
		{[]string{"run", "--headless", "--", e.home}, 126, "is a directory"},
		{[]string{"run", "--headless", "--", badInterp}, 126, ""}, // the trampoline says why, in the agent's terminal
		{[]string{"run", "--headless", "--no-exec-gate", "--", badInterp}, 126, "no such file or directory"},
		{[]string{"run", "--headless", "--", badFormat}, 126, ""},
		{[]string{"run", "--headless", "--no-exec-gate", "--", badFormat}, 126, "exec format error"},
		{[]string{"run", "--size", "wide", "--headless", "--", "true"}, 2, "want COLSxROWS"},
		{[]string{"run", "--size", "10x1", "--headless", "--", "true"}, 2, "each side must be 2 to 1000"},
		{[]string{"run", "--scrollback", "99999999", "--headless", "--", "touch", marker}, 2, "--scrollback must be between 0 and 1000000"},
		{[]string{"scan", "--idle-limit", "-5s", "/dev/null"}, 2, "--idle-limit must not be negative"},
		{[]string{"demo", "--speed", "0"}, 2, "--speed must be more than 0"},
		{[]string{"version", "extra"}, 2, `version takes no arguments (got "extra")`},
		{[]string{"run", "--record", "/x.cast", "--no-record", "--", "true"}, 2, "contradict"},
		// /dev/null is not a directory, even for root: refused before the agent runs.
		{[]string{"run", "--headless", "--record", "/dev/null/s.cast", "--", "touch", marker}, 1, "cannot record to /dev/null"},
	}
	for _, c := range cases {
		_, stderr, code := runPiped(t, e, "", c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%q: exit %d stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.msg)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
			t.Errorf("%q: error is not one line (plus usage hint): %q", c.args, stderr)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the agent ran although its session could not be recorded")
	}
}

// A headless run piped into something that leaves early (| head): the
// broken pipe does not kill sentinel. It stops copying to stdout, the agent
// runs on to its end, and the recording and audit log are complete.
func TestHeadlessOutlivesAClosedStdout(t *testing.T) {
	for name, script := range map[string]string{
		"slow": "for i in 1 2 3 4 5 6; do echo slow$i; sleep 0.2; done",
		"fast": "seq 1 100000; echo the-end",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t) // its own recordings: names order by second, then at random
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			var errOut bytes.Buffer
			cmd := exec.Command(bin, "run", "--headless", "--", "sh", "-c", script)
			cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = e.vars, e.home, w, &errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			// Read the first line, then go away, as head -1 does.
			buf := make([]byte, 1)
			for buf[0] != '\n' {
				if _, err := r.Read(buf); err != nil {
					t.Fatalf("no first line: %v", err)
				}
			}
			r.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(patience):
				cmd.Process.Kill()
				t.Fatal("sentinel hung")
			}
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit %d (%v), want the agent's 0; stderr %q", code, cmd.ProcessState, errOut.String())
			}
			if !strings.Contains(errOut.String(), "no longer copying") {
				t.Errorf("stderr does not say the copy stopped: %q", errOut.String())
			}
			recs := e.recordings(t)
			rec, err := cast.ReadFile(recs[len(recs)-1])
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			exit := false
			for _, ev := range rec.Events {
				out.WriteString(ev.Data)
				exit = exit || ev.Code == cast.Marker && ev.Data == "exit: exit 0"
			}
			if !exit || !strings.Contains(out.String(), map[string]string{"slow": "slow6", "fast": "the-end"}[name]) {
				t.Errorf("recording incomplete (exit marker %v): ...%q", exit, out.String()[max(0, out.Len()-80):])
			}
			log, _ := os.ReadFile(filepath.Join(e.state, "sentinel", "audit.jsonl"))
			lines := strings.Split(strings.TrimSpace(string(log)), "\n")
			if !strings.Contains(lines[len(lines)-1], `"note":"end: agent exit 0`) {
				t.Errorf("no end record in the audit log: %s", lines[len(lines)-1])
			}
		})
	}
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.config, "sentinel", "config.toml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("[console]\nprefix = \"ctrl-]\"\nsevrity = 3\n"), 0o600)
	_, stderr, code := runPiped(t, e, "", "run", "--headless", "--", "true")
	if code != 2 || !strings.Contains(stderr, path+`:3: unknown key "console.sevrity"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	os.WriteFile(path, []byte("[console]\nprefix = \"x\"\n"), 0o600)
	_, stderr, code = runPiped(t, e, "", "run", "--headless", "--", "true")
	if code != 2 || !strings.Contains(stderr, path+":2: console.prefix") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	os.WriteFile(path, []byte("[record]\nenabled = false\n"), 0o600)
	_, stderr, code = runPiped(t, e, "", "run", "--headless", "--", "true")
	if code != 0 || len(e.recordings(t)) != 0 {
		t.Fatalf("record.enabled = false: exit %d, %d recordings, %q", code, len(e.recordings(t)), stderr)
	}
}

func TestRecording(t *testing.T) {
	e := newEnv(t)
	stdout, _, code := runPiped(t, e, "", "run", "--headless", "--size", "100x30", "--", "sh", "-c", `printf 'hello \033[32mgreen\033[0m\n'`)
	if code != 0 || !strings.Contains(stdout, "green") {
		t.Fatalf("exit %d, %q", code, stdout)
	}
	files := e.recordings(t)
	if len(files) != 1 {
		t.Fatalf("recordings: %v", files)
	}
	fi, _ := os.Stat(files[0])
	di, _ := os.Stat(filepath.Dir(files[0]))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %v dir %v", fi.Mode().Perm(), di.Mode().Perm())
	}
	if !strings.HasSuffix(files[0], ".cast") || !strings.Contains(filepath.Base(files[0]), "Z-") {
		t.Errorf("name %s is not <UTC time>-<id>.cast", files[0])
	}
	rec, err := cast.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	h := rec.Header
	if h.Version != 2 || h.Width != 100 || h.Height != 30 || h.Timestamp == 0 || !strings.Contains(h.Command, "printf") ||
		h.Title == "" || h.Env["TERM"] != "xterm-256color" || h.Env["SHELL"] != "/bin/sh" {
		t.Errorf("header %+v", h)
	}
	var out strings.Builder
	var markers []string
	for _, ev := range rec.Events {
		if ev.Code == "o" {
			out.WriteString(ev.Data)
		}
		if ev.Code == "m" {
			markers = append(markers, ev.Data)
		}
	}
	if out.String() != stdout {
		t.Errorf("recorded %q, printed %q", out.String(), stdout)
	}
	if len(markers) != 2 || !strings.HasPrefix(markers[0], "start:") || markers[1] != "exit: exit 0" {
		t.Errorf("markers %q", markers)
	}

	// --no-record leaves nothing behind; --record chooses the file.
	e2 := newEnv(t)
	runPiped(t, e2, "", "run", "--headless", "--no-record", "--", "true")
	if n := len(e2.recordings(t)); n != 0 {
		t.Errorf("--no-record wrote %d recordings", n)
	}
	chosen := filepath.Join(e2.home, "mine", "x.cast")
	runPiped(t, e2, "", "run", "--headless", "--record", chosen, "--", "true")
	if _, err := cast.ReadFile(chosen); err != nil {
		t.Errorf("--record: %v", err)
	}
}

func TestRecordingSurvivesSIGKILL(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.home, "crash.cast")
	cmd := exec.Command(bin, "run", "--headless", "--record", path, "--", "sh", "-c", `i=0; while :; do echo "line $i"; i=$((i+1)); done`)
	cmd.Env = e.vars
	cmd.Stdout = io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	for deadline := time.Now().Add(patience); ; time.Sleep(20 * time.Millisecond) {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 256<<10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("recording never grew")
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	rec, err := cast.ReadFile(path)
	if err != nil {
		t.Fatalf("recording unreadable after SIGKILL: %v", err)
	}
	var out strings.Builder
	for _, ev := range rec.Events {
		if ev.Code == "o" {
			out.WriteString(ev.Data)
		}
	}
	lines := strings.Split(out.String(), "\r\n")
	if len(lines) < 1000 {
		t.Fatalf("only %d lines survived", len(lines))
	}
	// Every complete line is intact and in order.
	for i, l := range lines[:len(lines)-1] {
		if l != fmt.Sprintf("line %d", i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
}

func TestAsciinemaPlaysTheRecording(t *testing.T) {
	if _, err := exec.LookPath("asciinema"); err != nil {
		if os.Getenv("SENTINEL_REQUIRE_TOOLS") != "" {
			t.Fatal("asciinema is required (SENTINEL_REQUIRE_TOOLS is set) but not installed")
		}
		t.Skip("asciinema not installed (CI installs it and sets SENTINEL_REQUIRE_TOOLS)")
	}
	e := newEnv(t)
	path := filepath.Join(e.home, "play.cast")
	runPiped(t, e, "", "run", "--headless", "--record", path, "--", "sh", "-c", `echo "played back: ok"; printf '\033[1mbold\033[0m\n'`)
	// asciinema opens /dev/tty, so it gets a terminal of its own.
	for _, args := range [][]string{{"cat", path}, {"play", "-s", "10", path}} {
		cmd := exec.Command("asciinema", args...)
		cmd.Env = e.vars
		ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(ptmx)
		cmd.Wait()
		if cmd.ProcessState.ExitCode() != 0 || !strings.Contains(string(got), "played back: ok") {
			t.Fatalf("asciinema %s: exit %d:\n%s", args[0], cmd.ProcessState.ExitCode(), got)
		}
	}
}

func TestDemoHeadless(t *testing.T) {
	e := newEnv(t)
	stdout, stderr, code := runPiped(t, e, "", "demo", "--headless", "--speed", "500")
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	// Headless there is nobody to ask: the exec gate holds the deletion
	// and it is denied; the agent sees EPERM and stops.
	for _, want := range []string{
		"Not Authorized", "infra/domains.env", "● Bash(curl", "volumeDelete", "operation not permitted", "Task stopped",
		"production volume pg-data", "3 of 3 backups intact",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	for _, bad := range []string{"DELETED", "Task finished"} {
		if strings.Contains(stdout, bad) {
			t.Errorf("the deletion happened headless: %q in the output", bad)
		}
	}
	for _, want := range []string{"HELD #1 [exec gate] critical http.graphql-delete", "the agent found in infra/domains.env", "deny by policy"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if len(e.recordings(t)) != 1 {
		t.Errorf("demo not recorded")
	}
}

func TestDemoUnattendedDenyFailsThePipeline(t *testing.T) {
	e := newEnv(t)
	stdout, stderr, code := runPiped(t, e, "", "demo", "--unattended", "deny", "--speed", "500")
	if code != 3 || !strings.Contains(stderr, "1 action(s) blocked (unattended deny)") {
		t.Fatalf("exit %d, want 3 with the blocked count; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "3 of 3 backups intact") {
		t.Errorf("volume not intact:\n%s", stdout)
	}
	// The audit log has the finding and the decision, and its chain holds.
	out, _, code := runPiped(t, e, "", "audit", "show", "--json", "--last")
	if code != 0 || !strings.Contains(out, `"decision":"unattended-deny"`) || !strings.Contains(out, `"rule":"http.graphql-delete-critical"`) {
		t.Fatalf("audit show exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "rw_root_") && !strings.Contains(out, "rw_root_…") && strings.Count(out, "rw_root_") > 0 {
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "rw_root_") && !strings.Contains(l, "…") {
				t.Errorf("unmasked token in the audit log: %s", l)
			}
		}
	}
	if _, _, code := runPiped(t, e, "", "audit", "verify"); code != 0 {
		t.Errorf("audit verify exit %d", code)
	}
}

func TestDemoUnattendedKill(t *testing.T) {
	e := newEnv(t)
	stdout, stderr, code := runPiped(t, e, "", "demo", "--unattended", "kill", "--speed", "500")
	// The scripted agent says it was interrupted and dies of the signal
	// sentinel ended it with, as a real agent does: no error of its own.
	if code <= 128 || !strings.Contains(stderr, "1 action(s) blocked (unattended kill)") {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "Interrupted") || strings.Contains(stdout, "context canceled") {
		t.Errorf("the agent's last words:\n%s", stdout)
	}
	if !strings.Contains(stdout, "3 of 3 backups intact") {
		t.Errorf("volume not intact:\n%s", stdout)
	}
}

// console drives sentinel's console through a real PTY and reads its screen
// with a terminal emulator, as an operator's terminal would show it.
type console struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	emu  *vt.Emulator
	raw  bytes.Buffer
	done chan struct{} // the process exited and its output was all read
}

func startConsole(t *testing.T, e env, cols, rows int, args ...string) *console {
	t.Helper()
	c := &console{t: t, emu: vt.NewEmulator(cols, rows), done: make(chan struct{})}
	c.cmd = exec.Command(bin, args...)
	c.cmd.Env = e.vars
	c.cmd.Dir = e.home
	var err error
	c.ptmx, err = pty.StartWithSize(c.cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(c.ptmx, c.emu) }() // answer the console's terminal queries
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		buf := make([]byte, 32<<10)
		for {
			n, err := c.ptmx.Read(buf)
			c.mu.Lock()
			c.raw.Write(buf[:n])
			c.emu.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		c.cmd.Wait()
		// The output is read to its end (EIO once sentinel and everything
		// it started have closed the terminal), or given a moment.
		select {
		case <-drained:
		case <-time.After(2 * time.Second):
		}
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
		c.ptmx.Close()
		if cl, ok := c.emu.InputPipe().(io.Closer); ok {
			cl.Close()
		}
	})
	return c
}

func (c *console) screen() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.emu.String()
}

func (c *console) rawOutput() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw.String()
}

func (c *console) waitFor(what ...string) {
	c.t.Helper()
	c.waitForLong(patience, what...)
}

// waitForLong waits up to d until one look at the screen shows every one
// of what.
func (c *console) waitForLong(d time.Duration, what ...string) {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := c.screen()
		ok := true
		for _, w := range what {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("screen never showed %q:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *console) send(s string) {
	c.t.Helper()
	if _, err := c.ptmx.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *console) exitCode() int {
	c.t.Helper()
	select {
	case <-c.done:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(patience):
		c.t.Fatalf("console did not exit; screen:\n%s", c.screen())
		return -1
	}
}

const prefix = "\x1d" // ctrl-]

func TestConsoleRunsAShell(t *testing.T) {
	e := newEnv(t)
	c := startConsole(t, e, 120, 40, "run", "--", "sh", "-c", `echo ready; while read line; do echo "got:$line"; stty size; done`)
	c.waitFor("sentinel", "RUNNING", "ready", "● REC")
	c.send("abc\r")
	// The pane is 82x36 at 120x40 (see ui.ComputeLayout): the agent sees it.
	c.waitFor("got:abc", "36 82")

	c.send(prefix + "?")
	c.waitFor("sentinel · keys", "After the prefix")
	c.send("x") // any key closes help and is not sent to the agent
	c.send("def\r")
	c.waitFor("got:def")
	if strings.Contains(c.screen(), "got:xdef") {
		t.Fatal("the key that closed help reached the agent")
	}

	// Resize the operator's terminal: the agent gets the new pane size.
	pty.Setsize(c.ptmx, &pty.Winsize{Cols: 140, Rows: 50})
	c.mu.Lock()
	c.emu.Resize(140, 50)
	c.mu.Unlock()
	c.waitFor("resized to 96x46")
	c.send("\r")
	c.waitFor("46 96")

	c.send(prefix + "q")
	c.waitFor("Quit sentinel?")
	c.send("y")
	if code := c.exitCode(); code != 128+int(syscall.SIGHUP) {
		t.Fatalf("exit %d, want the agent's %d (ended by SIGHUP)", code, 128+int(syscall.SIGHUP))
	}
	if len(e.recordings(t)) != 1 {
		t.Fatal("session not recorded")
	}
}

func TestConsoleShowsExitUntilQ(t *testing.T) {
	e := newEnv(t)
	c := startConsole(t, e, 100, 30, "run", "--", "sh", "-c", "echo last words; exit 5")
	c.waitFor("EXITED(5)", "last words", "exit 5")
	select {
	case <-c.done:
		t.Fatal("console left before q")
	case <-time.After(200 * time.Millisecond):
	}
	c.send("q")
	if code := c.exitCode(); code != 5 {
		t.Fatalf("exit %d, want 5", code)
	}
}

func TestConsoleExitFlagLeavesAtOnce(t *testing.T) {
	e := newEnv(t)
	c := startConsole(t, e, 100, 30, "run", "--exit", "--no-record", "--", "sh", "-c", "sleep 0.3; exit 4")
	c.waitFor("NOT RECORDING")
	if code := c.exitCode(); code != 4 {
		t.Fatalf("exit %d, want 4", code)
	}
}

func TestAgentEscapesNeverReachTheOperator(t *testing.T) {
	e := newEnv(t)
	// The payload comes from a file so that none of it is on the command
	// line, which the console shows.
	payload := "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned-title\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\" +
		"\x1bP+q544e\x1b\\\x1b]777;notify;x;y\x07\x1b]9;nine\x07\x9b31mdone\n"
	os.WriteFile(filepath.Join(e.home, "payload"), []byte(payload), 0o600)
	c := startConsole(t, e, 120, 40, "run", "--", "sh", "-c", "cat payload; sleep 30")
	c.waitFor("linkdone")
	raw := c.rawOutput()
	for _, bad := range []string{"\x1b]52", "cHduZWQ=", "pwned-title", "evil.example", "\x1bP", "544e", "\x1b]777", "notify", "\x1b]9;", "nine", "\x9b", "\x1b]8;;http"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the agent's %q reached the operator's terminal", bad)
		}
	}
	c.send(prefix + "q")
	c.waitFor("Quit sentinel?")
	c.send("y")
	c.exitCode()
}

// The demo in the console, decided with the operator's keys: the dialog
// explains the held volumeDelete, and the fake provider's final state shows
// what the decision did.
func TestDemoConsole(t *testing.T) {
	for _, tc := range []struct {
		key, outcome string
		code         int
	}{
		{"a", "3 of 3 backups lost", 0},
		{"d", "3 of 3 backups intact", 0},
		{"k", "3 of 3 backups intact", -1}, // any failure: the agent may handle SIGTERM
	} {
		t.Run(tc.key, func(t *testing.T) {
			e := newEnv(t)
			c := startConsole(t, e, 160, 48, "demo", "--speed", "200", "--exit")
			c.waitFor("AGENT FROZEN")
			c.waitFor("k kill the agent") // the dialog's last line: it is all drawn
			// All at once: the console may be mid-frame at any single look.
			c.waitFor("http.graphql-delete-critical", "seen by exec gate", "volumeDelete", "infra/domains.env", "FROZEN")
			if !strings.Contains(c.rawOutput(), "\a") {
				t.Error("no bell for a held action")
			}
			c.send(tc.key)
			code := c.exitCode()
			if tc.code >= 0 && code != tc.code || tc.code < 0 && code == 0 {
				t.Fatalf("demo exit %d:\n%s", code, c.screen())
			}
			if out := c.rawOutput(); !strings.Contains(out, tc.outcome) {
				t.Fatalf("after %q the provider should say %q:\n%s", tc.key, tc.outcome, out[max(len(out)-2000, 0):])
			}
		})
	}
}

func TestSignalsToSentinelEndTheAgent(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		e := newEnv(t)
		pidFile := filepath.Join(e.home, "agent.pid")
		c := startConsole(t, e, 100, 30, "run", "--", "sh", "-c", "echo $$ > agent.pid; echo started; sleep 1000")
		c.waitFor("started")
		b, _ := os.ReadFile(pidFile)
		var pid int
		fmt.Sscan(string(b), &pid)
		if pid == 0 {
			t.Fatalf("no agent pid in %q", b)
		}
		c.cmd.Process.Signal(sig)
		c.exitCode()
		if err := syscall.Kill(pid, 0); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("%v to sentinel left the agent running", sig)
		}
	}
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("SENTINEL_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is required (SENTINEL_REQUIRE_TOOLS is set) but not installed", name)
		}
		t.Skipf("%s not installed (CI installs it and sets SENTINEL_REQUIRE_TOOLS)", name)
	}
	return path
}

func numberedFile(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "line %03d\n", i)
	}
	path := filepath.Join(dir, "numbers.txt")
	os.WriteFile(path, []byte(b.String()), 0o600)
	return path
}

// Full-screen programs work in the pane: the alternate screen, application
// cursor keys, escape and control keys all make the round trip.
func TestLessInTheConsole(t *testing.T) {
	less := requireTool(t, "less")
	e := newEnv(t)
	file := numberedFile(t, e.home, 200)
	c := startConsole(t, e, 120, 40, "run", "--", less, file)
	c.waitFor("line 001", "line 035")
	c.send("G")
	c.waitFor("line 200", "(END)")
	c.send("g")
	c.waitFor("line 001")
	c.send("\x1b[B\x1b[B") // two arrow-downs
	c.waitFor("line 003")
	c.send("q")
	c.waitFor("EXITED(0)")
	c.send("q")
	if code := c.exitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestVimInTheConsole(t *testing.T) {
	vi := requireTool(t, "vi")
	e := newEnv(t)
	file := numberedFile(t, e.home, 200)
	c := startConsole(t, e, 120, 40, "run", "--exit", "--", vi, "-u", "NONE", "-N", file)
	c.waitFor("line 001")
	c.send("G")
	c.waitFor("line 200")
	c.send("\x1b[A\x1b[A") // up twice, in application cursor mode
	c.send("oinserted by the operator\x1b")
	c.waitFor("inserted by the operator")
	c.send(":wq\r")
	if code := c.exitCode(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, c.screen())
	}
	got, _ := os.ReadFile(file)
	if !strings.Contains(string(got), "line 198\ninserted by the operator\nline 199\n") {
		t.Fatalf("file after editing:\n%s", got[len(got)-60:])
	}
}

func TestQueryFloodDoesNotFreezeTheConsole(t *testing.T) {
	// The agent floods cursor-position queries and never reads the
	// answers: the console must stay responsive and able to end it.
	e := newEnv(t)
	c := startConsole(t, e, 100, 30, "run", "--", "sh", "-c", `yes "$(printf '\033[6n')" | head -n 300000; echo flooded; sleep 1000`)
	c.waitFor("flooded")
	c.send(prefix + "q")
	c.waitFor("Quit sentinel?")
	c.send("y")
	if code := c.exitCode(); code != 128+int(syscall.SIGHUP) {
		t.Fatalf("exit %d", code)
	}
}

func TestHeadlessStreamPauseEndsTheAgentBeforeItActs(t *testing.T) {
	// Headless, the stream scanner runs on the read loop. With no exec
	// gate to stop the command itself and nobody to ask, the printed
	// command freezes the agent and the policy's denial ends it: what it
	// meant to do a second later never happens.
	e := newEnv(t)
	victim := filepath.Join(e.home, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `printf '%s\n' '$ rm -rf /var/lib/postgresql/data'; sleep 1; echo gone > "$1"`
	_, stderr, code := runPiped(t, e, "", "run", "--no-exec-gate", "--", "sh", "-c", script, "agent", victim)
	if !strings.Contains(stderr, "HELD #1 [stream] critical files.delete-database") || !strings.Contains(stderr, "deny by policy") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if code != 128+9 {
		t.Errorf("exit %d, want 137: the agent ends frozen, by SIGKILL; stderr:\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("the agent acted: victim now %q", b)
	}
}

func TestSignalsToHeadlessSentinelAreRecorded(t *testing.T) {
	// Ending sentinel ends the agent, and the recording says who did:
	// otherwise it shows the agent dying of a signal nobody sent. SIGQUIT
	// too, whose Go default (a goroutine dump) left no exit marker.
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGQUIT} {
		e := newEnv(t)
		cmd := exec.Command(bin, "run", "--headless", "--", "sh", "-c", "echo started; sleep 1000")
		cmd.Env, cmd.Dir = e.vars, e.home
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "started") {
			t.Fatalf("first line %q, %v", line, err)
		}
		cmd.Process.Signal(sig)
		go io.Copy(io.Discard, out)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() <= 128 {
			t.Errorf("%v: sentinel ended with %v, want the agent's death by a signal", sig, err)
		}
		files := e.recordings(t)
		if len(files) != 1 {
			t.Fatalf("recordings %v", files)
		}
		b, _ := os.ReadFile(files[0])
		want := fmt.Sprintf(`"sentinel received %s: ending the agent"`, unix.SignalName(sig))
		if !strings.Contains(string(b), want) || !strings.Contains(string(b), `"exit: killed by`) {
			t.Errorf("%v: the recording lacks %s or its exit marker:\n%s", sig, want, b)
		}
	}
}

func TestARecordingThatStoppedIsSaidInTheAuditLog(t *testing.T) {
	// A full disk (here: a file size limit) stops the recording part way;
	// the audit log's end record, where a team looks, must say so.
	e := newEnv(t)
	cmd := exec.Command("sh", "-c", `ulimit -f 100; exec "$0" run --headless -- sh -c 'head -c 2000000 /dev/zero | tr "\0" x; echo done'`, bin)
	cmd.Env, cmd.Dir = e.vars, e.home
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "RECORDING INCOMPLETE") {
		t.Fatalf("no word of the failed recording:\n%.2000s", out)
	}
	b, _ := os.ReadFile(filepath.Join(e.state, "sentinel", "audit.jsonl"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, `"note":"end: agent exit 0; 0 action(s) blocked; RECORDING INCOMPLETE`) {
		t.Fatalf("the audit log's end record does not say the recording stopped: %s", last)
	}
}

func TestSIGKILLOfSentinelLeavesNothingFrozen(t *testing.T) {
	// sentinel killed while it holds the tree stopped: nothing held runs,
	// and nothing stays stopped for ever either. The kernel continues and
	// ends the agent's own session on hangup; a descendant that called
	// setsid is the watchdog's to end. The watchdog also removes the
	// session's hook socket directory, which sentinel would have.
	e := newEnv(t)
	pids := filepath.Join(e.home, "pids")
	c := startConsole(t, e, 120, 40, "run", "--no-exec-gate", "--", "sh", "-c",
		`echo "$SENTINEL_HOOK_SOCKET" > sock; sleep 1000 & echo $! > pids; setsid sleep 1000 & echo $! >> pids; sleep 0.3; printf '$ rm -rf /var/lib/postgresql/data\n'; sleep 1000`)
	c.waitFor("AGENT FROZEN")
	sock, _ := os.ReadFile(filepath.Join(e.home, "sock"))
	sockDir := filepath.Dir(strings.TrimSpace(string(sock)))
	if _, err := os.Stat(sockDir); err != nil || !filepath.IsAbs(sockDir) {
		t.Fatalf("hook socket directory %q: %v", sockDir, err)
	}
	b, _ := os.ReadFile(pids)
	var list []int
	for _, f := range strings.Fields(string(b)) {
		var pid int
		fmt.Sscan(f, &pid)
		list = append(list, pid)
	}
	if len(list) != 2 {
		t.Fatalf("pids %q", b)
	}
	t.Cleanup(func() {
		for _, pid := range list {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	c.cmd.Process.Kill()
	for deadline := time.Now().Add(patience); ; time.Sleep(20 * time.Millisecond) {
		left := 0
		for _, pid := range list {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && !strings.Contains(string(b), ") Z ") {
				left++
			}
		}
		_, err := os.Stat(sockDir)
		if left == 0 && os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the frozen processes %v outlived sentinel; hook socket directory: %v", left, list, err)
		}
	}
}

// A signal that ends the console (the agent can send sentinel one) still
// leaves the session's end in the audit log, after the agent is ended;
// also when the agent, being ended, signals sentinel again.
func TestInterruptedConsoleRecordsTheEnd(t *testing.T) {
	e := newEnv(t)
	c := startConsole(t, e, 100, 30, "run", "--", "sh", "-c", `S=$PPID; trap "kill -TERM $S; exit 1" HUP TERM; echo agent-up; while :; do sleep .05; done`)
	c.waitFor("agent-up")
	c.cmd.Process.Signal(syscall.SIGINT)
	c.exitCode()
	b, err := os.ReadFile(filepath.Join(e.state, "sentinel", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, `"note":"end: agent `) || !strings.Contains(last, "console: ") {
		t.Fatalf("the audit log does not end with the session's end: %s", last)
	}
}
