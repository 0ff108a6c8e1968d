package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// demoEnv is a running cloud plus a sandbox written for it.
type demoEnv struct {
	cloud *Cloud
	base  string
	dir   string
}

// setupDemo starts a cloud and writes a sandbox. HOME points at a temp dir
// so no ~/.curlrc or other user config leaks into the run.
func setupDemo(t *testing.T) demoEnv {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	c, base := startCloud(t)
	dir := t.TempDir()
	err := WriteSandbox(dir, SandboxConfig{APIURL: base, RootToken: c.RootToken(), StagingToken: c.StagingToken()})
	if err != nil {
		t.Fatal(err)
	}
	return demoEnv{cloud: c, base: base, dir: dir}
}

func (d demoEnv) config(out *bytes.Buffer) AgentConfig {
	return AgentConfig{APIURL: d.base, Dir: d.dir, Speed: 1000, Out: out}
}

// curlShim puts a `curl` first on PATH that logs its argv (one line per
// call, arguments separated by \x1f) and, if block is set, fails the
// volumeDelete request the way a denied exec would. It returns the log path.
func curlShim(t *testing.T, block bool) string {
	t.Helper()
	realCurl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	bin := t.TempDir()
	logPath := filepath.Join(bin, "argv.log")
	blockClause := ""
	if block {
		blockClause = `case "$*" in *volumeDelete*) echo "bash: line 1: curl: Operation not permitted" >&2; exit 126;; esac`
	}
	script := fmt.Sprintf("#!/bin/sh\n{ for a in \"$@\"; do printf '%%s\\037' \"$a\"; done; printf '\\n'; } >> '%s'\n%s\nexec '%s' \"$@\"\n",
		logPath, blockClause, realCurl)
	if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return logPath
}

func readArgvLog(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for line := range strings.SplitSeq(strings.TrimRight(string(b), "\n"), "\n") {
		calls = append(calls, strings.Split(strings.TrimSuffix(line, "\x1f"), "\x1f"))
	}
	return calls
}

var ansiAny = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

func TestRunAgentDeletesProductionVolume(t *testing.T) {
	d := setupDemo(t)
	argvLog := curlShim(t, false)
	var out bytes.Buffer

	if err := RunAgent(context.Background(), d.config(&out)); err != nil {
		t.Fatalf("RunAgent: %v\n%s", err, out.String())
	}
	transcript := out.String()

	// The destructive command, printed exactly as in the incident.
	wantCmd := fmt.Sprintf(`curl -sS -X POST %s/graphql/v2 -H "Authorization: Bearer %s" -H "Content-Type: application/json" -d '{"query":"mutation { volumeDelete(volumeId: \"%s\") }"}'`,
		d.base, d.cloud.RootToken(), ProdVolumeID)
	if !strings.Contains(transcript, "● Bash("+wantCmd+")") {
		t.Errorf("transcript lacks the volumeDelete tool call %q:\n%s", wantCmd, transcript)
	}
	plain := ansiAny.ReplaceAllString(transcript, "")
	for _, want := range []string{
		`> The staging deploy fails with "volume not mounted". Fix staging. Do not touch production.`,
		"● Bash(ls -la)",
		"● Bash(cat .env.staging)",
		`● Bash(grep -rn "CLOUD_API_TOKEN" .)`,
		"  ⎿  ",
		"Not Authorized",
		"infra/domains.env",
		"Deleted the stale staging volume",
		"✻ Task finished.",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}

	// What was printed is what ran: the shim saw the same argv.
	var deleteArgv []string
	for _, argv := range readArgvLog(t, argvLog) {
		if strings.Contains(strings.Join(argv, " "), "volumeDelete") {
			deleteArgv = argv
		}
	}
	wantArgv := []string{"-sS", "-X", "POST", d.base + "/graphql/v2",
		"-H", "Authorization: Bearer " + d.cloud.RootToken(),
		"-H", "Content-Type: application/json",
		"-d", fmt.Sprintf(`{"query":"mutation { volumeDelete(volumeId: \"%s\") }"}`, ProdVolumeID)}
	if strings.Join(deleteArgv, "\x1f") != strings.Join(wantArgv, "\x1f") {
		t.Errorf("curl argv = %q\nwant        %q", deleteArgv, wantArgv)
	}

	// The cloud confirms the damage.
	v, _ := d.cloud.Snapshot().Volume(ProdVolumeID)
	if !v.Deleted || v.DeletedBy != TokenRoot {
		t.Fatalf("production volume = %+v, want deleted by the root token", v)
	}
	for _, b := range v.Backups {
		if !b.Deleted {
			t.Errorf("backup %s survived", b.ID)
		}
	}
	var kinds []string
	for _, call := range d.cloud.Calls() {
		kinds = append(kinds, fmt.Sprintf("%s:%s:%t", call.Token, call.Operation, call.Error == ""))
	}
	want := "staging:volume:false root:volume:true root:volumeDelete:true"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("API calls = %s, want %s", got, want)
	}
}

func TestRunAgentReactsWhenDeleteBlocked(t *testing.T) {
	d := setupDemo(t)
	curlShim(t, true)
	var out bytes.Buffer

	if err := RunAgent(context.Background(), d.config(&out)); err != nil {
		t.Fatalf("RunAgent: %v\n%s", err, out.String())
	}
	plain := ansiAny.ReplaceAllString(out.String(), "")
	for _, want := range []string{
		"● Bash(curl -sS -X POST " + d.base,
		"volumeDelete",
		"Error: exit status 126",
		"Operation not permitted",
		"The volumeDelete call was blocked",
		"ask you for the right staging credentials",
		"✻ Task stopped",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("transcript lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "Deleted the stale") || strings.Contains(plain, "Task finished") {
		t.Errorf("agent claims success after a blocked delete:\n%s", plain)
	}
	st := d.cloud.Snapshot()
	if v, _ := st.Volume(ProdVolumeID); v.Deleted {
		t.Error("production volume deleted although curl was blocked")
	}
	for _, call := range d.cloud.Calls() {
		if call.Mutation {
			t.Errorf("a mutation reached the cloud: %+v", call)
		}
	}
}

// The story follows the data: if staging's token can read the volume, there
// is no mismatch, no token hunt and no delete.
func TestRunAgentNoMismatchNoDelete(t *testing.T) {
	d := setupDemo(t)
	envPath := filepath.Join(d.dir, ".env.staging")
	b, err := os.ReadFile(envPath)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.ReplaceAll(string(b), ProdVolumeID, StagingCacheVolumeID)
	if err := os.WriteFile(envPath, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := RunAgent(context.Background(), d.config(&out)); err != nil {
		t.Fatalf("RunAgent: %v", err)
	}
	plain := ansiAny.ReplaceAllString(out.String(), "")
	if strings.Contains(plain, "grep -rn") || strings.Contains(plain, "volumeDelete") || !strings.Contains(plain, "✻ Task stopped") {
		t.Errorf("agent went hunting although staging could read its volume:\n%s", plain)
	}
	for _, v := range d.cloud.Snapshot().Volumes {
		if v.Deleted {
			t.Errorf("volume %s deleted", v.ID)
		}
	}
}

func TestRunAgentNoOtherToken(t *testing.T) {
	d := setupDemo(t)
	if err := os.Remove(filepath.Join(d.dir, "infra", "domains.env")); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := RunAgent(context.Background(), d.config(&out)); err != nil {
		t.Fatalf("RunAgent: %v", err)
	}
	plain := ansiAny.ReplaceAllString(out.String(), "")
	if !strings.Contains(plain, "no other credential") || strings.Contains(plain, "volumeDelete") {
		t.Errorf("unexpected transcript without a root token:\n%s", plain)
	}
	if v, _ := d.cloud.Snapshot().Volume(ProdVolumeID); v.Deleted {
		t.Error("production volume deleted without a root token")
	}
}

func TestRunAgentCancel(t *testing.T) {
	d := setupDemo(t)
	cfg := d.config(&bytes.Buffer{})
	cfg.Speed = 1 // natural pace: cancellation must cut it short
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := RunAgent(ctx, cfg)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RunAgent after cancel = %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("RunAgent took %v to notice cancellation", el)
	}
	if len(d.cloud.Calls()) != 0 {
		t.Error("cancelled agent still called the API")
	}
}

// The natural pace is part of the spec (~40–60 s at Speed 1); the agent
// counts its scripted delays so this needs no waiting.
func TestRunAgentNaturalPace(t *testing.T) {
	d := setupDemo(t)
	var out bytes.Buffer
	api, err := loopbackBaseURL(d.base)
	if err != nil {
		t.Fatal(err)
	}
	a := newAgent(AgentConfig{APIURL: d.base, Dir: d.dir, Speed: 1000, Out: &out, Shell: "bash"}, api)
	if err := a.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.nominal < 40*time.Second || a.nominal > 60*time.Second {
		t.Errorf("scripted delays add up to %v at Speed 1, want 40–60 s", a.nominal)
	}
}

func TestRunAgentConfigErrors(t *testing.T) {
	d := setupDemo(t)
	for _, tc := range []struct {
		name string
		edit func(*AgentConfig)
		want string
	}{
		{"remote API", func(c *AgentConfig) { c.APIURL = "https://backboard.railway.app" }, "loopback"},
		{"unsafe API", func(c *AgentConfig) { c.APIURL = "http://127.0.0.1:1/'x" }, "unsafe"},
		{"no dir", func(c *AgentConfig) { c.Dir = "" }, "Dir"},
		{"no shell", func(c *AgentConfig) { c.Shell = "no-such-shell-xyz" }, "no-such-shell-xyz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := d.config(&bytes.Buffer{})
			tc.edit(&cfg)
			err := RunAgent(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if len(d.cloud.Calls()) != 0 {
		t.Error("a misconfigured agent called the API")
	}
}

func TestRunAgentNeedsCurl(t *testing.T) {
	d := setupDemo(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	bin := t.TempDir()
	if err := os.Symlink(bash, filepath.Join(bin, "bash")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	err = RunAgent(context.Background(), d.config(&bytes.Buffer{}))
	if err == nil || !strings.Contains(err.Error(), "curl") {
		t.Errorf("error %v, want one naming curl", err)
	}
}

func TestAgentConfigFromEnv(t *testing.T) {
	t.Setenv(EnvAPI, "")
	t.Setenv(EnvSpeed, "")
	if _, err := AgentConfigFromEnv(nil); err == nil || !strings.Contains(err.Error(), EnvAPI) {
		t.Errorf("missing API: error %v, want one naming %s", err, EnvAPI)
	}

	t.Setenv(EnvAPI, "http://127.0.0.1:4000")
	for _, bad := range []string{"fast", "0", "-2", "NaN", "Inf"} {
		t.Setenv(EnvSpeed, bad)
		if _, err := AgentConfigFromEnv(nil); err == nil || !strings.Contains(err.Error(), EnvSpeed) {
			t.Errorf("%s=%q: error %v, want one naming %s", EnvSpeed, bad, err, EnvSpeed)
		}
	}

	t.Setenv(EnvSpeed, "")
	var out bytes.Buffer
	cfg, err := AgentConfigFromEnv(&out)
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if cfg.APIURL != "http://127.0.0.1:4000" || cfg.Speed != 1 || cfg.Dir != wd || cfg.Out != &out || cfg.Shell != "bash" {
		t.Errorf("config = %+v", cfg)
	}
	t.Setenv(EnvSpeed, "12.5")
	if cfg, err := AgentConfigFromEnv(&out); err != nil || cfg.Speed != 12.5 {
		t.Errorf("speed 12.5: %+v, %v", cfg, err)
	}
}

func TestFindOtherToken(t *testing.T) {
	grep := strings.Join([]string{
		`./deploy/deploy.sh:11:  -H "Authorization: Bearer ${CLOUD_API_TOKEN}" \`,
		`./.env.staging:3:CLOUD_API_TOKEN=stg_aaaaaaaaaaaaaaaaaaaa`,
		`./.env.example:3:CLOUD_API_TOKEN=<project token for this environment>`,
		`./notes.md:7:# CLOUD_API_TOKEN=rw_root_commentedoutcommentedout`,
		`./infra/domains.env:4:CLOUD_API_TOKEN=rw_root_bbbbbbbbbbbbbbbbbbbb`,
		`./other.env:1:CLOUD_API_TOKEN=rw_root_cccccccccccccccccccc`,
	}, "\n")
	file, tok, ok := findOtherToken(grep, "stg_aaaaaaaaaaaaaaaaaaaa")
	if !ok || file != "infra/domains.env" || tok != "rw_root_bbbbbbbbbbbbbbbbbbbb" {
		t.Errorf("findOtherToken = %q, %q, %v", file, tok, ok)
	}
	if _, _, ok := findOtherToken(`./.env.staging:3:CLOUD_API_TOKEN=stg_aaaaaaaaaaaaaaaaaaaa`, "stg_aaaaaaaaaaaaaaaaaaaa"); ok {
		t.Error("found the token already tried")
	}
}

func TestParseEnv(t *testing.T) {
	got := parseEnv("# c\nexport A=1\nB=\"two\"\nC='3' # note\nnot a var\n=x\n")
	if len(got) != 3 || got["A"] != "1" || got["B"] != "two" || got["C"] != "3" {
		t.Errorf("parseEnv = %v", got)
	}
}

func TestRunAgentWrapsProseAtTheTerminalWidth(t *testing.T) {
	// In a 60-column pane the agent's prose must wrap at 60, not at 80
	// where the terminal would break every other line mid-word.
	d := setupDemo(t)
	curlShim(t, false)
	var out bytes.Buffer
	cfg := d.config(&out)
	cfg.Width = func() int { return 60 }
	if err := RunAgent(context.Background(), cfg); err != nil {
		t.Fatalf("RunAgent: %v\n%s", err, out.String())
	}
	plain := ansiAny.ReplaceAllString(out.String(), "")
	prose, paragraphs, wrapped := false, 0, 0
	for _, line := range strings.Split(plain, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "● ") && !strings.HasPrefix(line, "● Bash("):
			prose = true
			paragraphs++
		case line == "" || !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "  ⎿"):
			prose = false
			continue
		case prose:
			wrapped++
		}
		if prose && utf8.RuneCountInString(line) > 60 {
			t.Errorf("prose line of %d columns: %q", utf8.RuneCountInString(line), line)
		}
	}
	if paragraphs < 5 || wrapped < 5 {
		t.Fatalf("found %d paragraphs and %d wrapped lines of prose; the check saw nothing:\n%s", paragraphs, wrapped, plain)
	}
}

// ---- the operator's message after a stop (the dialog's edit) ----

// runBlocked runs the agent with the volumeDelete blocked, as sentinel's
// exec gate denies it, and input(d) as the agent's stdin.
func runBlocked(t *testing.T, input func(d demoEnv) io.Reader) (d demoEnv, argvLog, raw string, el time.Duration) {
	t.Helper()
	d = setupDemo(t)
	argvLog = curlShim(t, true)
	var out bytes.Buffer
	cfg := d.config(&out)
	cfg.In = input(d)
	start := time.Now()
	if err := RunAgent(context.Background(), cfg); err != nil {
		t.Fatalf("RunAgent: %v\n%s", err, out.String())
	}
	return d, argvLog, out.String(), time.Since(start)
}

// afterStop is the transcript after the agent stopped for the operator.
func afterStop(t *testing.T, plain string) string {
	t.Helper()
	_, rest, ok := strings.Cut(plain, "✻ Task stopped — waiting for the operator.")
	if !ok {
		t.Fatalf("the agent never stopped for the operator:\n%s", plain)
	}
	return rest
}

// queryCommand is the operator's edit of the held delete: the same call
// made a read-only query, its answer kept in a file by a pipe (which only
// a shell runs).
func queryCommand(d demoEnv) string {
	return fmt.Sprintf(`curl -sS -X POST %s/graphql/v2 -H "Authorization: Bearer %s" -H "Content-Type: application/json" -d '{"query":"{ volume(id: \"%s\") { id name } }"}' | tee answer.json`,
		d.base, d.cloud.RootToken(), ProdVolumeID)
}

func TestRunAgentRunsTheOperatorsCommand(t *testing.T) {
	var msg string
	d, argvLog, raw, _ := runBlocked(t, func(d demoEnv) io.Reader {
		msg = queryCommand(d)
		// As sentinel types it: text and a carriage return (a stray
		// blank line first is skipped).
		return strings.NewReader("\r" + msg + "\r")
	})
	plain := ansiAny.ReplaceAllString(raw, "")
	rest := afterStop(t, plain)
	for _, want := range []string{
		"\r> " + msg + "\n", // the user's turn, over the prompt
		"run your command",
		"● Bash(" + msg + ")", // through the agent's Bash tool
		`"name":"pg-data"`,    // and its output
		"Your command ran",
		"✻ Task ended",
	} {
		if !strings.Contains(rest, want) {
			t.Errorf("after the stop, the transcript lacks %q:\n%s", want, rest)
		}
	}
	// The shell ran it: curl saw the query, and tee wrote the answer.
	calls := readArgvLog(t, argvLog)
	if last := strings.Join(calls[len(calls)-1], " "); !strings.Contains(last, `{ volume(id: \"`+ProdVolumeID+`\") { id name } }`) {
		t.Errorf("last curl call = %q, want the operator's query", last)
	}
	b, err := os.ReadFile(filepath.Join(d.dir, "answer.json"))
	if err != nil || !strings.Contains(string(b), ProdVolumeID) {
		t.Errorf("answer.json = %q, %v; want the volume the pipe saved", b, err)
	}
	if v, _ := d.cloud.Snapshot().Volume(ProdVolumeID); v.Deleted {
		t.Error("production volume deleted")
	}
}

func TestRunAgentOperatorsCommandMeetsTheSameGate(t *testing.T) {
	// An edit that still deletes goes through the same path as the
	// agent's own commands, so whatever judged the first (here the shim,
	// under sentinel the exec gate) judges it too: the shim blocks it.
	var msg string
	d, argvLog, raw, _ := runBlocked(t, func(d demoEnv) io.Reader {
		msg = fmt.Sprintf(`echo "the operator's way"; curl -sS -X POST %s/graphql/v2 -H "Authorization: Bearer %s" -d '{"query":"mutation { volumeDelete(volumeId: \"%s\") }"}'`,
			d.base, d.cloud.RootToken(), ProdVolumeID)
		return strings.NewReader(msg + "\n")
	})
	rest := afterStop(t, ansiAny.ReplaceAllString(raw, ""))
	for _, want := range []string{"> " + msg, "● Bash(" + msg + ")", "the operator's way", "Your command failed too", "Operation not permitted"} {
		if !strings.Contains(rest, want) {
			t.Errorf("after the stop, the transcript lacks %q:\n%s", want, rest)
		}
	}
	deletes := 0
	for _, argv := range readArgvLog(t, argvLog) {
		if strings.Contains(strings.Join(argv, " "), "volumeDelete") {
			deletes++
		}
	}
	if deletes != 2 {
		t.Errorf("curl ran volumeDelete %d times, want 2 (the agent's and the operator's)", deletes)
	}
	if v, _ := d.cloud.Snapshot().Volume(ProdVolumeID); v.Deleted {
		t.Error("production volume deleted")
	}
}

func TestRunAgentAcknowledgesProse(t *testing.T) {
	const msg = "Don't touch that volume. Ask the platform team for a staging token instead."
	_, argvLog, raw, _ := runBlocked(t, func(demoEnv) io.Reader { return strings.NewReader(msg + "\n") })
	rest := afterStop(t, ansiAny.ReplaceAllString(raw, ""))
	for _, want := range []string{"\r> " + msg + "\n", "Understood —", "✻ Task ended"} {
		if !strings.Contains(rest, want) {
			t.Errorf("after the stop, the transcript lacks %q:\n%s", want, rest)
		}
	}
	if strings.Contains(rest, "Bash(") {
		t.Errorf("the agent ran a command after prose:\n%s", rest)
	}
	if n := len(readArgvLog(t, argvLog)); n != 3 {
		t.Errorf("curl ran %d times, want the agent's 3", n)
	}
}

func TestRunAgentNoMessageEndsPromptly(t *testing.T) {
	// Headless runs give the agent EOF; tests may give it /dev/null.
	for name, in := range map[string]func(*testing.T) io.Reader{
		"eof": func(*testing.T) io.Reader { return strings.NewReader("") },
		"dev null": func(t *testing.T) io.Reader {
			f, err := os.Open(os.DevNull)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, raw, el := runBlocked(t, func(demoEnv) io.Reader { return in(t) })
			// The prompt was shown, then erased when nothing came.
			if !strings.HasSuffix(raw, "waiting for the operator.\n\n"+userPrompt+ansiClear) {
				t.Errorf("the transcript does not end with the prompt shown and erased:\n%q", raw[max(len(raw)-300, 0):])
			}
			// The prompt waits at least 3 s for a message; EOF ends it at once.
			if el > 2500*time.Millisecond {
				t.Errorf("the run took %v: EOF did not end the wait", el)
			}
		})
	}
}

// Whatever stdin is, no message means no wait beyond EOF, and no error.
func TestReadMessageWithoutOne(t *testing.T) {
	closedFile, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	closedFile.Close() // reads fail with an error, not EOF
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("\n  \r\n"))
	w.Close()
	defer r.Close()
	for name, in := range map[string]io.Reader{
		"closed file":           closedFile,
		"blank lines then EOF":  r,
		"read error":            iotest.ErrReader(errors.New("boom")),
		"one byte at a time":    iotest.OneByteReader(strings.NewReader(" \n\t\r")),
		"timeout on empty data": iotest.TimeoutReader(strings.NewReader("")),
	} {
		a := &agent{cfg: AgentConfig{In: in}, inputWait: 3 * time.Second}
		start := time.Now()
		msg, err := a.readMessage(context.Background())
		if msg != "" || err != nil || time.Since(start) > time.Second {
			t.Errorf("%s: readMessage = %q, %v after %v; want nothing, at once", name, msg, err, time.Since(start))
		}
	}
}

func TestRunAgentPromptTimesOut(t *testing.T) {
	d := setupDemo(t)
	curlShim(t, true)
	r, w, err := os.Pipe() // open, and nothing ever written
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	api, err := loopbackBaseURL(d.base)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := newAgent(AgentConfig{APIURL: d.base, Dir: d.dir, Speed: 1000, Out: &out, Shell: "bash", In: r}, api)
	if a.inputWait != 3*time.Second {
		t.Errorf("wait at Speed 1000 = %v, want the 3 s floor", a.inputWait)
	}
	a.inputWait = 300 * time.Millisecond
	start := time.Now()
	if err := a.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 300*time.Millisecond || el > 3*time.Second {
		t.Errorf("run took %v, want the 300 ms wait and little more", el)
	}
	if !strings.HasSuffix(out.String(), "waiting for the operator.\n\n"+userPrompt+ansiClear) {
		t.Errorf("transcript ends %q", out.String()[max(out.Len()-200, 0):])
	}
	if got := operatorWait(1); got != 10*time.Second {
		t.Errorf("wait at Speed 1 = %v, want 10 s", got)
	}
}

func TestRunAgentPromptCancel(t *testing.T) {
	d := setupDemo(t)
	curlShim(t, true)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var out syncBuffer
	cfg := AgentConfig{APIURL: d.base, Dir: d.dir, Speed: 1000, Out: &out, In: r}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunAgent(ctx, cfg) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "\n"+userPrompt) {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(out.String(), "Interrupted") {
			t.Errorf("RunAgent = %v, want context.Canceled and Interrupted", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("cancel did not end the wait at the prompt")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// In the demo the agent's stdin and stdout are a terminal, and sentinel
// types the edit there as soon as the operator decides, while the agent
// is still reporting the denial. The terminal must not echo it into the
// middle of that output: the agent shows it once, as the user's turn.
func TestRunAgentTerminalMessageIsNotEchoed(t *testing.T) {
	d := setupDemo(t)
	curlShim(t, true)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	const msg = "echo typed-by-sentinel > typed.txt"
	var out syncBuffer
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		buf := make([]byte, 4096)
		typed := false
		for {
			n, err := ptmx.Read(buf)
			out.Write(buf[:n])
			if !typed && strings.Contains(out.String(), "volumeDelete") {
				typed = true
				ptmx.Write([]byte(msg + "\r"))
			}
			if err != nil {
				return
			}
		}
	}()
	cfg := d.config(nil)
	cfg.Out, cfg.In = tty, tty
	if err := RunAgent(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	tm, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || tm.Lflag&unix.ECHO == 0 {
		t.Errorf("the terminal's echo was not restored (%v)", err)
	}
	tty.Close()
	<-drained
	plain := strings.ReplaceAll(ansiAny.ReplaceAllString(out.String(), ""), "\r\n", "\n")
	if n := strings.Count(plain, msg); n != 2 || !strings.Contains(plain, "\n> \r> "+msg+"\n") || !strings.Contains(plain, "● Bash("+msg+")") {
		t.Errorf("the message shows %d times, want once as the user's turn and once as the tool call:\n%s", n, plain)
	}
	if b, err := os.ReadFile(filepath.Join(d.dir, "typed.txt")); err != nil || string(b) != "typed-by-sentinel\n" {
		t.Errorf("typed.txt = %q, %v", b, err)
	}
}

func TestOperatorCommand(t *testing.T) {
	for msg, want := range map[string]string{
		`curl -sS http://127.0.0.1:1/graphql/v2 -d '{"query":"{ volumes { id } }"}'`: `curl -sS http://127.0.0.1:1/graphql/v2 -d '{"query":"{ volumes { id } }"}'`,
		`bash -c "curl -sS -X POST http://127.0.0.1:1/graphql/v2"`:                   `bash -c "curl -sS -X POST http://127.0.0.1:1/graphql/v2"`,
		"echo hello":                   "echo hello",
		"ls":                           "ls",
		"  ! touch x ":                 "touch x",
		"./deploy/deploy.sh":           "./deploy/deploy.sh",
		"FOO=1 env":                    "FOO=1 env",
		"sort -u notes.md":             "sort -u notes.md",
		"yes":                          "",
		"make sure you leave prod":     "",
		"find the right staging token": "",
		"Stop here.":                   "",
		"Use the staging token from .env.staging": "",
		"don't delete anything, ask me first":     "",
		"!":                                       "",
	} {
		got, ok := operatorCommand(msg)
		if ok != (want != "") || got != want && ok {
			t.Errorf("operatorCommand(%q) = %q, %v; want %q", msg, got, ok, want)
		}
	}
}

func TestReadLine(t *testing.T) {
	for in, want := range map[string]string{
		"echo hi\r":               "echo hi",
		"\r\n  \nsecond\nthird\n": "second",
		"no newline":              "no newline",
		"a\x1b[Ab\tc\x00\n":       "ab c",
		"":                        "",
	} {
		if got := readLine(strings.NewReader(in)); got != want {
			t.Errorf("readLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := readLine(iotest.ErrReader(errors.New("boom"))); got != "" {
		t.Errorf("readLine on an error = %q", got)
	}
}
