package agentcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Agent names a supported CLI.
type Agent string

const (
	Claude Agent = "claude"
	Codex  Agent = "codex"
	Gemini Agent = "gemini"
)

// Agents lists the CLIs this package can run.
var Agents = []Agent{Claude, Codex, Gemini}

// EnvCLIDir names a directory holding the CLIs' executables (e.g. an npm
// prefix's node_modules/.bin); Locate looks there first.
const EnvCLIDir = "SENTINEL_AGENT_CLI_DIR"

// FakeAPIKey is the credential every CLI is given; the fake model ignores it.
// Claude Code remembers approved keys by their last 20 characters.
const FakeAPIKey = "sk-fake-sentinel-0123456789abcdefghij"

// codexProvider is the name of the custom model provider configured for
// Codex, and codexKeyEnv the variable it reads its key from.
const (
	codexProvider = "sentinel-fake"
	codexKeyEnv   = "SENTINEL_FAKE_OPENAI_KEY"
)

// FakeModel is the model name the CLIs are told to use (Claude and Gemini
// keep their own defaults; the fake server accepts any name).
const FakeModel = "fake-model"

// Locate returns the path of agent's executable: in $SENTINEL_AGENT_CLI_DIR
// (scripts/test installs the CLIs under .agents/ and sets it when
// SENTINEL_E2E_AGENTS=1), then on PATH. The error says where it looked and
// how to install, so a test can skip with it.
func Locate(agent Agent) (string, error) {
	if !known(agent) {
		return "", fmt.Errorf("agentcli: unknown agent %q", agent)
	}
	name := string(agent)
	var looked []string
	if dir := os.Getenv(EnvCLIDir); dir != "" {
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, nil
		}
		looked = append(looked, "$"+EnvCLIDir+"="+dir)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	looked = append(looked, "PATH")
	return "", fmt.Errorf("agentcli: %s CLI not found (looked in %s); SENTINEL_E2E_AGENTS=1 scripts/test installs it, or npm install --prefix DIR %s and set %s=DIR/node_modules/.bin",
		name, strings.Join(looked, ", "), npmPackage(agent), EnvCLIDir)
}

func npmPackage(agent Agent) string {
	switch agent {
	case Claude:
		return "@anthropic-ai/claude-code"
	case Codex:
		return "@openai/codex"
	default:
		return "@google/gemini-cli"
	}
}

func known(agent Agent) bool {
	for _, a := range Agents {
		if a == agent {
			return true
		}
	}
	return false
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Run describes one run of an agent CLI against the fake model.
type Run struct {
	Agent   Agent
	Exe     string // the CLI's executable; "" means Locate(Agent)
	BaseURL string // the fake model's base URL, e.g. http://127.0.0.1:41234
	Home    string // a fresh temporary HOME; Prepare writes the CLI's state here
	Dir     string // the working directory the agent runs in
	Prompt  string // the user's message
}

func (r Run) check() error {
	switch {
	case !known(r.Agent):
		return fmt.Errorf("agentcli: unknown agent %q", r.Agent)
	case r.BaseURL == "":
		return errors.New("agentcli: Run.BaseURL is empty")
	case r.Home == "" || !filepath.IsAbs(r.Home):
		return fmt.Errorf("agentcli: Run.Home %q must be an absolute path", r.Home)
	case r.Dir == "" || !filepath.IsAbs(r.Dir):
		return fmt.Errorf("agentcli: Run.Dir %q must be an absolute path", r.Dir)
	case r.Prompt == "":
		return errors.New("agentcli: Run.Prompt is empty")
	}
	return nil
}

func (r Run) exe() (string, error) {
	if r.Exe != "" {
		return r.Exe, nil
	}
	return Locate(r.Agent)
}

// Prepare writes into r.Home what the CLI needs to start without asking
// anything: Claude Code's onboarding, API-key approval and folder trust in
// ~/.claude.json; Gemini CLI's auth type in ~/.gemini/settings.json (with
// GOOGLE_GEMINI_BASE_URL set, Gemini 0.61 otherwise picks the "gateway"
// auth type and refuses to start); Codex's home directory.
func Prepare(r Run) error {
	if err := r.check(); err != nil {
		return err
	}
	switch r.Agent {
	case Claude:
		state := map[string]any{
			"hasCompletedOnboarding": true,
			"theme":                  "dark",
			"customApiKeyResponses": map[string]any{
				"approved": []string{FakeAPIKey[len(FakeAPIKey)-20:]}, "rejected": []string{}},
			"projects": map[string]any{r.Dir: map[string]any{"hasTrustDialogAccepted": true}},
		}
		return writeJSONFile(filepath.Join(r.Home, ".claude.json"), state)
	case Codex:
		return os.MkdirAll(filepath.Join(r.Home, ".codex"), 0o700)
	default:
		return writeJSONFile(filepath.Join(r.Home, ".gemini", "settings.json"), GeminiBaseSettings())
	}
}

// GeminiBaseSettings are the user settings a Gemini run against the fake
// model needs: API-key auth, and no usage statistics or update checks.
func GeminiBaseSettings() map[string]any {
	return map[string]any{
		"security": map[string]any{"auth": map[string]any{"selectedType": "gemini-api-key"}},
		"privacy":  map[string]any{"usageStatisticsEnabled": false},
		"general":  map[string]any{"enableAutoUpdate": false},
	}
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("agentcli: encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("agentcli: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("agentcli: %w", err)
	}
	return nil
}

// Env is the whole environment for a run: a minimal base (PATH, so that
// node is found; HOME; TERM; LANG) plus what points the CLI at the fake
// model. Nothing else is inherited, so a developer's real API keys never
// reach the CLI under test.
func Env(r Run) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + r.Home,
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	base := strings.TrimRight(r.BaseURL, "/")
	switch r.Agent {
	case Claude:
		env = append(env,
			"ANTHROPIC_BASE_URL="+base,
			"ANTHROPIC_API_KEY="+FakeAPIKey,
			// No telemetry, error reporting, auto-update or feedback calls.
			"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
			"DISABLE_AUTOUPDATER=1",
		)
	case Codex:
		env = append(env,
			"CODEX_HOME="+filepath.Join(r.Home, ".codex"),
			codexKeyEnv+"="+FakeAPIKey,
		)
	case Gemini:
		env = append(env,
			"GEMINI_API_KEY="+FakeAPIKey,
			"GOOGLE_GEMINI_BASE_URL="+base,
			// Trust the working directory for this session only, so the
			// approval mode is not downgraded and no trust dialog shows.
			"GEMINI_CLI_TRUST_WORKSPACE=true",
		)
	}
	return env
}

// codexProviderArgs configure Codex's custom provider speaking the Responses
// API at the fake model.
func codexProviderArgs(baseURL string) []string {
	provider := fmt.Sprintf(`{name=%s,base_url=%s,env_key=%s,wire_api="responses"}`,
		tomlString("sentinel fake model"), tomlString(strings.TrimRight(baseURL, "/")+"/v1"), tomlString(codexKeyEnv))
	return []string{
		"-c", "model_provider=" + tomlString(codexProvider),
		"-c", "model_providers." + codexProvider + "=" + provider,
		"-c", "model=" + tomlString(FakeModel),
		// Let the agent's curl reach the fake cloud on 127.0.0.1: the
		// default read-only sandbox has no network.
		"--sandbox", "danger-full-access",
	}
}

// Headless returns the argv (argv[0] is the executable) and environment that
// run the CLI non-interactively: it sends r.Prompt, runs the shell tool
// without asking, prints the model's final answer and exits.
func Headless(r Run) (argv, env []string, err error) {
	if err := r.check(); err != nil {
		return nil, nil, err
	}
	exe, err := r.exe()
	if err != nil {
		return nil, nil, err
	}
	switch r.Agent {
	case Claude:
		// --allowedTools takes several values: keep it after the prompt.
		argv = []string{exe, "-p", r.Prompt, "--allowedTools", "Bash"}
	case Codex:
		argv = append([]string{exe, "exec", "--skip-git-repo-check"}, codexProviderArgs(r.BaseURL)...)
		argv = append(argv, r.Prompt)
	case Gemini:
		argv = []string{exe, "-p", r.Prompt, "--approval-mode", "yolo"}
	}
	return argv, Env(r), nil
}

// tomlString quotes s as a TOML basic string. The values quoted here (a
// URL, names) are printable ASCII, where Go's quoting is TOML's.
func tomlString(s string) string { return strconv.Quote(s) }
