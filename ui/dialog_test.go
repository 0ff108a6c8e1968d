package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
)

const incident = `curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`

func heldAction(id int, src session.Source) *session.Action {
	res := detect.Command(incident, detect.Context{})
	return &session.Action{ID: id, Source: src, Command: incident, Result: res, Cwd: "/work/app", Pid: 4242,
		Parents: []string{"4240 bash", "4200 claude"},
		Uses:    []string{"uses the Railway token (rw_r…c755) the agent found in infra/domains.env"}}
}

func decisions(fa *fakeAgent) []string {
	var out []string
	for _, c := range fa.got() {
		if strings.HasPrefix(c, "decide") {
			out = append(out, c)
		}
	}
	return out
}

func TestDialogShowsWhatWhereAndWhy(t *testing.T) {
	m, _, _ := newTestModel(140, 44)
	m.cfg.Notify = true
	a := heldAction(1, session.SourceExec)
	if a.Result.Verdict != detect.Pause {
		t.Fatalf("the incident's command does not pause: %+v", a.Result)
	}
	_, cmd := m.Update(ActionHeld{Action: a})
	if cmd == nil {
		t.Error("no bell or notification for a held action")
	}
	out := plain(m)
	for _, want := range []string{"AGENT FROZEN", a.Top().Rule, "seen by exec gate", "volumeDelete", "infra/domains.env",
		"/work/app · pid 4242 ← 4240 bash ← 4200 claude", "a approve once", "d deny", "k kill the agent", "FROZEN"} {
		if !strings.Contains(out, want) {
			t.Errorf("dialog lacks %q:\n%s", want, out)
		}
	}
	if m.View().WindowTitle != "sentinel: approval needed" {
		t.Errorf("title %q", m.View().WindowTitle)
	}
	// The matched span is styled differently from the rest of the command.
	styled := m.View().Content
	if !strings.Contains(styled, m.cfg.Theme.Match.Render("volumeDelete")) && !strings.Contains(styled, "volumeDelete") {
		t.Error("command not shown")
	}
}

func TestKeysGoToTheDialogNotTheAgentWhileFrozen(t *testing.T) {
	m, _, fa := newTestModel(120, 40)
	m.cfg.Operator = "alice"
	m.Update(ActionHeld{Action: heldAction(1, session.SourceExec)})
	m.Update(ActionHeld{Action: heldAction(2, session.SourceStream)})
	if out := plain(m); !strings.Contains(out, "1 of 2 waiting") {
		t.Errorf("queue count not shown:\n%s", out)
	}
	press(m, k('x'), k('y'), k('\r'))
	m.Close()
	for _, c := range fa.got() {
		if strings.HasPrefix(c, "key") {
			t.Fatalf("a key reached the frozen agent: %v", fa.got())
		}
	}
	m2, _, fa2 := newTestModel(120, 40)
	m2.cfg.Operator = "alice"
	m2.Update(ActionHeld{Action: heldAction(1, session.SourceExec)})
	m2.Update(ActionHeld{Action: heldAction(2, session.SourceStream)})
	press(m2, k('d'))
	if out := plain(m2); !strings.Contains(out, "seen by stream") {
		t.Errorf("the second action is not shown after the first was decided:\n%s", out)
	}
	press(m2, k('A'))
	if m2.dialog.open() {
		t.Error("dialog still open with nothing pending")
	}
	press(m2, k('z')) // back to the agent
	m2.Close()
	got := decisions(fa2)
	want := []string{"decide 1 deny  by alice", "decide 2 approve-session  by alice"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("decisions %q, want %q", got, want)
	}
	if calls := fa2.got(); calls[len(calls)-1] != "key z" {
		t.Errorf("after the dialog closed keys should reach the agent again: %v", calls)
	}
}

func TestEditHandsTheOperatorsCommand(t *testing.T) {
	m, _, fa := newTestModel(120, 40)
	m.Update(ActionHeld{Action: heldAction(7, session.SourceExec)})
	press(m, k('e'))
	if out := plain(m); !strings.Contains(out, "your text goes to the agent") {
		t.Errorf("edit view does not say what an edit does on the exec path:\n%s", out)
	}
	// Replace the command: select all is not a textarea key; clear by
	// deleting to the start, then type.
	press(m, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	for _, r := range "echo dry-run" {
		press(m, k(r))
	}
	press(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	m.Close()
	got := decisions(fa)
	if len(got) != 1 || !strings.HasPrefix(got[0], "decide 7 edit ") || !strings.Contains(got[0], "echo dry-run") {
		t.Fatalf("decisions %q", got)
	}
}

func TestEscLeavesEditWithoutDeciding(t *testing.T) {
	m, _, fa := newTestModel(120, 40)
	m.Update(ActionHeld{Action: heldAction(3, session.SourceExec)})
	press(m, k('e'), k('d'), tea.KeyPressMsg{Code: tea.KeyEscape})
	if !m.dialog.open() || m.dialog.mode != dialogMain {
		t.Fatal("esc should go back to the dialog")
	}
	press(m, k('?'))
	if out := plain(m); !strings.Contains(out, "all findings") || !strings.Contains(out, "EPERM") {
		t.Errorf("details view:\n%s", out)
	}
	m.Close()
	if d := decisions(fa); len(d) != 0 {
		t.Fatalf("typing in the edit box decided something: %q", d)
	}
}

func TestPolicyDecisionClosesTheDialog(t *testing.T) {
	m, _, _ := newTestModel(120, 40)
	a := heldAction(1, session.SourceExec)
	m.Update(ActionHeld{Action: a})
	m.Update(ActionDecided{Action: a, Decision: session.Decision{Kind: session.Deny, Operator: "policy", By: "timeout"}})
	if m.dialog.open() {
		t.Fatal("dialog open after a timeout denial")
	}
	last := m.events.items[len(m.events.items)-1]
	if last.Kind != session.EventDecision || !strings.Contains(last.Text, "deny by policy (timeout)") {
		t.Errorf("events lack the decision: %+v", last)
	}
}

func TestSanitizeKeepsByteOffsets(t *testing.T) {
	in := "rm\x1b[2J -rf \u0085/data"
	out := sanitize(in)
	if len(out) != len(in) || strings.ContainsAny(out, "\x1b\u0085") || !strings.HasSuffix(out, "/data") {
		t.Fatalf("sanitize(%q) = %q", in, out)
	}
}

func TestAgentBytesInEventsNeverReachTheTerminal(t *testing.T) {
	m, _, _ := newTestModel(120, 40)
	cmd := "printf '\x1b]52;c;cHduZWQ=\x07' && rm -rf /var/lib/postgresql/data"
	res := detect.Command(cmd, detect.Context{})
	m.Update(FindingSeen{Source: session.SourceExec, Command: cmd, Result: res})
	a := &session.Action{ID: 1, Source: session.SourceExec, Command: cmd, Result: res}
	m.Update(ActionHeld{Action: a})
	m.Update(ActionDecided{Action: a, Decision: session.Decision{Kind: session.Edit, Edit: "echo \x1b]0;title\x07"}})
	out := m.View().Content
	for _, bad := range []string{"\x1b]52", "\x1b]0;", "\x07"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q reached the console's output", bad)
		}
	}
}

// The view's clock ticks once a second, so an action is often held after
// the last tick: its time frozen must read 00:00, never a negative time.
func TestAnActionHeldSinceTheLastTickIsFrozenForNoTime(t *testing.T) {
	m, _, _ := newTestModel(140, 44)
	a := heldAction(1, session.SourceExec)
	a.Held = m.now.Add(600 * time.Millisecond)
	m.Update(ActionHeld{Action: a})
	out := plain(m)
	if !strings.Contains(out, "frozen 00:00") || strings.Contains(out, "frozen 00:-") {
		t.Errorf("a just-held action's frozen time:\n%s", out)
	}
	m.now = a.Held.Add(61 * time.Second)
	if out := plain(m); !strings.Contains(out, "frozen 01:01") {
		t.Errorf("after 61 s:\n%s", out)
	}
}

// An action answered by an earlier decision (the agent printed a command
// that was then denied on the exec gate) is never shown in a dialog, but
// it was held and is in the recording as a finding with its decision: the
// console counts and lists it too, and counts a shown action only once.
func TestAnActionDecidedWithoutADialogIsStillAFinding(t *testing.T) {
	m, _, _ := newTestModel(140, 44)
	first := heldAction(1, session.SourceExec)
	m.Update(ActionHeld{Action: first})
	m.Update(ActionDecided{Action: first, Decision: session.Decision{Kind: session.Deny, Operator: "root"}})
	same := heldAction(2, session.SourceStream)
	m.Update(ActionDecided{Action: same, Decision: session.Decision{Kind: session.Deny, By: "same action, denied"}})
	if m.findings != 2 || m.decisions != 2 {
		t.Errorf("findings %d, decisions %d; want 2 and 2", m.findings, m.decisions)
	}
	out := plain(m)
	if !strings.Contains(out, "#2 critical") || !strings.Contains(out, "[stream]") {
		t.Errorf("the second action is not listed as found:\n%s", out)
	}
	if strings.Contains(out, "AGENT FROZEN") {
		t.Errorf("a decided action opened the dialog:\n%s", out)
	}
}

// On an 80x24 terminal the dialog drops what is least needed (the agent's
// screen before the action, then its own words, then where and since
// when) so that the rule, the command, why and the keys always show.
func TestDialogFitsA24RowTerminal(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {80, 16}, {80, 12}, {50, 12}} {
		h := size[1]
		m, _, _ := newTestModel(size[0], h)
		a := heldAction(1, session.SourceExec)
		a.Command = incident + " && " + incident // several rows when wrapped
		a.Description = "Delete the stale staging volume so the next deploy recreates it; staging will be fine."
		m.Update(ActionHeld{Action: a})
		box := m.decisionBox()
		if got := lipgloss.Height(box); got > h-1 {
			t.Errorf("%d rows: the dialog is %d rows tall", h, got)
		}
		out := ansi.Strip(box)
		for _, want := range []string{a.Top().Rule, "$ curl", "a approve once", "d deny", "k kill the agent", "? details"} {
			if !strings.Contains(out, want) {
				t.Errorf("%d rows: the dialog lacks %q:\n%s", h, want, out)
			}
		}
		if h == 24 && !strings.Contains(out, "deletes") {
			t.Errorf("%d rows: the dialog lacks why it was held:\n%s", h, out)
		}
		// Details: what deny and kill do, wrapped, not cut at the edge.
		press(m, k('?'))
		details := strings.Join(strings.Fields(strings.ReplaceAll(ansi.Strip(m.decisionBox()), "┃", " ")), " ")
		if got := lipgloss.Height(m.decisionBox()); got > h-1 {
			t.Errorf("%d rows: the details are %d rows tall", h, got)
		}
		if !strings.Contains(details, "whole tree ends.") || !strings.Contains(details, "esc back") {
			t.Errorf("%d rows: the details lack what kill does or the way back:\n%s", h, ansi.Strip(m.decisionBox()))
		}
	}
}

func TestDialogSaysWhereTheTokenCameFromOnce(t *testing.T) {
	// The supervisor adds "it uses the … token the agent found in …" to
	// the reason; the dialog's own line for it would say it twice.
	m, _, _ := newTestModel(140, 44)
	a := heldAction(1, session.SourceExec)
	for i := range a.Result.Findings {
		a.Result.Findings[i].Reason += "; it " + a.Uses[0]
	}
	m.Update(ActionHeld{Action: a})
	if n := strings.Count(plain(m), "the agent found in infra/domains.env"); n != 1 {
		t.Errorf("the token's source is said %d times:\n%s", n, plain(m))
	}
	// Where the reason does not say it, the dialog does.
	m2, _, _ := newTestModel(140, 44)
	m2.Update(ActionHeld{Action: heldAction(1, session.SourceExec)})
	if n := strings.Count(plain(m2), "the agent found in infra/domains.env"); n != 1 {
		t.Errorf("the token's source is said %d times:\n%s", n, plain(m2))
	}
}

func TestDialogDetailsSayWhatEveryKeyDoes(t *testing.T) {
	// The details view is where an operator checks before deciding: it
	// said what deny and kill do, nothing of approve or edit.
	for _, tc := range []struct {
		src     session.Source
		rewrite bool
		want    []string
	}{
		{session.SourceExec, false, []string{"a the exec runs", "A the exec runs, and so does this rule on this target", "e the exec is denied; your text goes to the agent", "deny: the exec fails with EPERM"}},
		{session.SourceStream, false, []string{"a the agent thaws and goes on", "e denied; your text goes to the agent"}},
		{session.SourceHook, true, []string{"a the agent runs its command", "e the agent runs your command instead"}},
		{session.SourceHook, false, []string{"e denied, and your command goes to the agent as the reason"}},
	} {
		m, _, _ := newTestModel(140, 44)
		a := heldAction(1, tc.src)
		a.CanRewrite = tc.rewrite
		m.Update(ActionHeld{Action: a})
		press(m, k('?'))
		details := strings.Join(strings.Fields(strings.ReplaceAll(ansi.Strip(m.decisionBox()), "┃", " ")), " ")
		for _, want := range tc.want {
			if !strings.Contains(details, want) {
				t.Errorf("%s (rewrite %v): the details lack %q:\n%s", tc.src, tc.rewrite, want, ansi.Strip(m.decisionBox()))
			}
		}
	}
}

func TestAutomaticDecisionsAreCountedApart(t *testing.T) {
	// One key press answered the bash -c and the curl it ran: the status
	// bar said "decisions 3" after it, which read as three key presses.
	m, _, _ := newTestModel(160, 44)
	for id := 1; id <= 3; id++ {
		a := heldAction(id, session.SourceExec)
		d := session.Decision{Kind: session.Approve, Operator: "alice"}
		if id > 1 {
			d.By = "same action"
		}
		m.Update(ActionHeld{Action: a})
		m.Update(ActionDecided{Action: a, Decision: d})
	}
	bar := strings.SplitN(plain(m), "\n", 2)[0]
	if !strings.Contains(bar, "decisions 3 (2 automatic)") {
		t.Errorf("status bar %q lacks %q", bar, "decisions 3 (2 automatic)")
	}
}
