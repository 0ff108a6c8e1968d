package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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
