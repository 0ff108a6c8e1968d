package session

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session/agenthook"
)

// DecideHook answers an agent hook's request: the agent is about to run a
// shell command and asks first. Commands the detector lets through get
// Pass (the agent's own permission flow goes on as without sentinel); a
// command it would pause is held like any other action, and the reply
// carries the operator's decision. It blocks while the operator decides.
//
// Nothing in a request can decide anything: the request only describes.
func (v *Supervisor) DecideHook(req agenthook.Request, peer agenthook.Peer, held func()) agenthook.Reply {
	seen := time.Now()
	if strings.TrimSpace(req.Command) == "" {
		return agenthook.Reply{Verdict: agenthook.Pass}
	}
	if req.Cwd != "" {
		// Spelled as the exec gate reads it (/proc/PID/cwd), so that the
		// same command is the same action on both paths.
		if real, err := filepath.EvalSymlinks(req.Cwd); err == nil {
			req.Cwd = real
		}
	}
	ctx := v.opts.Detect
	ctx.Cwd = req.Cwd
	res := detect.Command(req.Command, ctx)
	uses := v.usesOf(req.Command)
	raise(&res, uses)
	if res.Verdict < detect.Pause {
		if res.Verdict == detect.Warn {
			go v.finding(SourceHook, req.Command, res, uses)
		}
		return agenthook.Reply{Verdict: agenthook.Pass}
	}
	a := &Action{Source: SourceHook, Command: req.Command, Result: res, Uses: uses, Pid: peer.Pid, Cwd: req.Cwd,
		Seen: seen, CanRewrite: req.CanRewrite, Agent: req.Agent, AgentSession: req.AgentSession, Description: req.Description}
	if v.s != nil && peer.Pid > 0 {
		a.Parents = v.s.parentsOf(peer.Pid)
		// What waits for the answer: the agent that ran the hook, not the
		// hook itself. A process that asks and does not wait would run
		// on; the hook, stopped, reads the answer once it is continued.
		a.waiting = v.s.chainOf(peer.Pid)
		delete(a.waiting, peer.Pid)
	}
	// The hook waits without a deadline from here: the operator may take
	// a while, and the hook must not decide alone meanwhile.
	held()
	return hookReply(v.hold(a, true), a.Top())
}

// hookReply puts a decision in words for the agent's model.
func hookReply(d Decision, top detect.Finding) agenthook.Reply {
	var who string
	switch {
	case d.By == "unattended":
		who = "sentinel's unattended policy"
	case d.By == "timeout":
		who = "sentinel (nobody decided in time)"
	case d.Operator == "" || d.Operator == "policy":
		who = "sentinel"
	default:
		who = "the operator (" + d.Operator + ")"
	}
	if d.By != "" && d.By != "unattended" && d.By != "timeout" {
		who += " (" + d.By + ")"
	}
	switch d.Kind {
	case Approve, ApproveSession:
		return agenthook.Reply{Verdict: agenthook.Allow, Reason: "approved in sentinel by " + who}
	case Edit:
		return agenthook.Reply{Verdict: agenthook.Rewrite, Command: d.Edit, Operator: d.Edit,
			Reason: "sentinel held this command (" + top.Rule + ") and " + who + " replaced it"}
	case Kill:
		return agenthook.Reply{Verdict: agenthook.Deny, Reason: "sentinel held this command (" + top.Rule + ") and " + who + " ended the session."}
	}
	return agenthook.Reply{Verdict: agenthook.Deny, Reason: fmt.Sprintf(
		"sentinel held this command (%s, %s: %s) and %s denied it. Do not retry it or look for another way to do the same thing; "+
			"tell the user what you wanted to do and why, and wait for their instructions.",
		top.Rule, top.Severity, strings.TrimRight(strings.TrimSpace(top.Reason), "."), who)}
}
