package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/agenthook"
)

const hookUsage = `Usage: sentinel hook claude|codex|gemini|cursor

The agent runs this before each shell command (sentinel run adds it for the
session; 'sentinel hooks install' adds it for good). It reads the agent's
hook JSON on stdin, asks the console of this session (through the socket
named by $SENTINEL_HOOK_SOCKET) and answers in the agent's protocol.

Without a console it judges the command itself: a command sentinel would
pause is denied, with a reason the model reads; anything else is left to
the agent's own permission flow. A tool whose name is not the agent's shell
tool but whose input carries a command is judged the same way. Any failure
of the hook denies the command (exit status 2, the reason on stderr),
malformed input included: not JSON, or no tool name.
`

// consoleAnswersWithin is how long the hook waits for a console to take
// its request before deciding alone. A console that took it waits for the
// operator without limit.
const consoleAnswersWithin = 3 * time.Second

func hookCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, hookUsage)
		return nil
	}
	agent := ""
	if len(args) == 1 {
		agent = args[0]
	}
	if !agenthook.KnownAgent(agent) {
		// Whatever called us expects a verdict: this one blocks.
		fmt.Fprint(stderr, hookUsage)
		return fail(2, "hook: want one agent (%s), got %q; the command is blocked", strings.Join(agenthook.Agents, ", "), strings.Join(args, " "))
	}
	ans := hookAnswer(agent, stdin, os.Getenv(agenthook.SocketEnv))
	if len(ans.Stdout) > 0 {
		if _, err := stdout.Write(ans.Stdout); err != nil {
			return fail(2, "hook %s: writing the answer: %v; the command is blocked", agent, err)
		}
	}
	if ans.Stderr != "" {
		fmt.Fprint(stderr, ans.Stderr)
	}
	if ans.Exit != 0 {
		return &exitError{code: ans.Exit}
	}
	return nil
}

// hookAnswer decides one hook call. Every failure on the way is a denial.
func hookAnswer(agent string, stdin io.Reader, socket string) (ans agenthook.Answer) {
	var p *agenthook.Payload
	defer func() {
		// A bug here must not let a command through: a panic denies.
		if r := recover(); r != nil {
			ans = agenthook.Refuse(p, agent, fmt.Sprintf("internal error: %v", r))
		}
	}()
	data, err := io.ReadAll(io.LimitReader(stdin, agenthook.MaxRequest+1))
	if err != nil {
		return agenthook.Refuse(nil, agent, "reading stdin: "+err.Error())
	}
	if len(data) > agenthook.MaxRequest {
		return agenthook.Refuse(nil, agent, fmt.Sprintf("stdin: the hook input is over %d MiB, too large to judge", agenthook.MaxRequest>>20))
	}
	p, err = agenthook.Parse(agent, data)
	if err != nil {
		return agenthook.Refuse(nil, agent, err.Error())
	}
	if !p.Shell || strings.TrimSpace(p.Command) == "" {
		return p.Answer(agenthook.Reply{Verdict: agenthook.Pass})
	}
	if socket != "" {
		rep, err := agenthook.Ask(socket, p.Request, consoleAnswersWithin)
		if err == nil {
			return p.Answer(rep)
		}
		if !errors.Is(err, agenthook.ErrNoConsole) {
			return agenthook.Refuse(p, agent, err.Error())
		}
	}
	rep, err := judgeAlone(p.Request)
	if err != nil {
		return agenthook.Refuse(p, agent, err.Error())
	}
	return p.Answer(rep)
}

// judgeAlone decides without a console: nobody can approve, so a command
// sentinel would pause is denied, and anything else is the agent's to
// decide as usual.
func judgeAlone(req agenthook.Request) (agenthook.Reply, error) {
	cfg, err := loadDetectConfig("")
	if err != nil {
		return agenthook.Reply{}, err
	}
	res := detect.Command(req.Command, detect.Context{Config: cfg, Cwd: req.Cwd})
	if res.Verdict < detect.Pause {
		return agenthook.Reply{Verdict: agenthook.Pass}, nil
	}
	top := res.Top()
	return agenthook.Reply{Verdict: agenthook.Deny, Reason: fmt.Sprintf(
		"sentinel blocked this command (%s, %s): %s. No sentinel console is watching this session, so nobody can approve it here; "+
			"do not try another way to do the same thing. Tell the user what you wanted to run and why.",
		top.Rule, top.Severity, strings.TrimRight(strings.TrimSpace(top.Reason), "."))}, nil
}

// hookSetup is a session's end of the agent hooks: the socket its hooks
// ask on, and how the agent's command line and environment were changed
// to call them.
type hookSetup struct {
	srv *agenthook.Server
	inj agenthook.Injection
	dir string // per-session files (Gemini's settings), removed at the end
}

// startHooks opens the session's hook socket and injects the hook into the
// agent's command for this run. The socket is announced in the
// environment of every agent, known or not: an agent started inside (say,
// claude from a shell) with the hook installed finds the console too.
func startHooks(id string, argv, env []string) (*hookSetup, error) {
	if env == nil {
		env = os.Environ()
	}
	rt, err := agenthook.RuntimeDir(id)
	if err != nil {
		return nil, err
	}
	srv, err := agenthook.Listen(rt)
	if err != nil {
		os.Remove(rt)
		return nil, err
	}
	h := &hookSetup{srv: srv, dir: filepath.Join(session.StateDir(), "run", id)}
	self, err := os.Executable()
	if err != nil {
		h.inj = agenthook.Injection{Agent: agenthook.AgentOf(argv), Argv: argv, Env: env,
			Warning: "cannot find sentinel's own executable for the agent hook: " + err.Error()}
	} else if h.inj, err = agenthook.Inject(argv, env, self, h.dir); err != nil {
		h.close()
		return nil, err
	}
	h.inj.Env = append(withoutEnv(h.inj.Env, agenthook.SocketEnv), agenthook.SocketEnv+"="+srv.Path)
	return h, nil
}

// serve answers the hooks through sup until close.
func (h *hookSetup) serve(sup *session.Supervisor) {
	if h != nil {
		go h.srv.Serve(sup.DecideHook)
	}
}

// leftovers are what close removes, for the watchdog to remove if
// sentinel dies before it can.
func (h *hookSetup) leftovers() []string {
	if h == nil {
		return nil
	}
	return []string{filepath.Dir(h.srv.Path), h.dir}
}

func (h *hookSetup) close() {
	if h == nil {
		return
	}
	h.srv.Close()
	os.RemoveAll(h.dir)
}

func withoutEnv(env []string, key string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
