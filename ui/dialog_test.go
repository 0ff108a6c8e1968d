package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
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
	cmd := hold(m, a)
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
	hold(m, heldAction(1, session.SourceExec))
	hold(m, heldAction(2, session.SourceStream))
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
	hold(m2, heldAction(1, session.SourceExec))
	hold(m2, heldAction(2, session.SourceStream))
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
	hold(m, heldAction(7, session.SourceExec))
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
	hold(m, heldAction(3, session.SourceExec))
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
	hold(m, a)
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
	hold(m, a)
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
	hold(m, a)
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
	hold(m, first)
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
		hold(m, a)
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
	hold(m, a)
	if n := strings.Count(plain(m), "the agent found in infra/domains.env"); n != 1 {
		t.Errorf("the token's source is said %d times:\n%s", n, plain(m))
	}
	// Where the reason does not say it, the dialog does.
	m2, _, _ := newTestModel(140, 44)
	hold(m2, heldAction(1, session.SourceExec))
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
		hold(m, a)
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
		hold(m, a)
		m.Update(ActionDecided{Action: a, Decision: d})
	}
	bar := strings.SplitN(plain(m), "\n", 2)[0]
	if !strings.Contains(bar, "decisions 3 (2 automatic)") {
		t.Errorf("status bar %q lacks %q", bar, "decisions 3 (2 automatic)")
	}
}

// trojan is a command as an agent can write it to read differently from
// what runs (Trojan Source): a right-to-left override, which a terminal
// that applies bidi would act on, and a zero-width space, which shifts the
// dialog's border.
const trojan = "rm -rf /srv/data/\u202e#\u200b  /tmp/cache"

// reversed is \u202e right after a style sequence that sets reverse video.
var reversed = regexp.MustCompile(`\x1b\[(?:[0-9;:]*;)?7m\\u202e`)

// noInvisible reports any invisible character (bidirectional control,
// zero-width or format character, line separator) in out.
func noInvisible(t *testing.T, what, out string) {
	t.Helper()
	for _, r := range out {
		if screen.Invisible(r) {
			t.Errorf("%s: %U reached the terminal: %q", what, r, out)
			return
		}
	}
}

// Every text of the agent's in the dialog (its command, its description,
// its name and session, the working directory and process chain, the
// reasons quoting them) is shown with its invisible characters as escapes,
// in every view of the dialog.
func TestDialogShowsInvisibleCharactersAsEscapes(t *testing.T) {
	held := func() *session.Action {
		res := detect.Command(trojan, detect.Context{})
		for i := range res.Findings {
			res.Findings[i].Reason += " (quoting \u2067it\u2069)"
		}
		return &session.Action{ID: 1, Source: session.SourceHook, Command: trojan, Result: res, CanRewrite: true,
			Description: "Clear the cache\u2028\u202d only\ufeff", Agent: "claude\u200d", AgentSession: "5e55\u2066ion\u00ad",
			Cwd: "/work/\u202eppa", Pid: 4242, Parents: []string{"4240 ba\u200bsh"},
			Uses: []string{"uses the token\u2060 the agent found in .env\u061c"}}
	}
	for _, tc := range []struct {
		name string
		w, h int
		keys []tea.KeyPressMsg
		want []string
	}{
		{"main", 140, 44, nil, []string{`/srv/data/\u202e#\u200b  /tmp/cache`, `Clear the cache\u2028\u202d only\ufeff`,
			`claude\u200d · session 5e55\u2066ion\u00ad`, `/work/\u202eppa`, `ba\u200bsh`, `token\u2060`, `.env\u061c`, `quoting \u2067it\u2069`}},
		{"details", 140, 44, []tea.KeyPressMsg{k('?')}, []string{`/srv/data/\u202e#\u200b  /tmp/cache`, `quoting \u2067it\u2069`}},
		{"compact", 60, 6, nil, []string{`\u202e#\u200b`}},
		{"edit", 140, 44, []tea.KeyPressMsg{k('e')}, []string{`/srv/data/\u202e#\u200b  /tmp/cache`}},
		{"compact edit", 60, 6, []tea.KeyPressMsg{k('e')}, []string{`\u202e#\u200b`}},
	} {
		m, _, _ := newTestModel(tc.w, tc.h)
		hold(m, held())
		press(m, tc.keys...)
		v := m.View()
		noInvisible(t, tc.name, v.Content)
		noInvisible(t, tc.name+" (window title)", v.WindowTitle)
		fitsTerminal(t, tc.name, tc.w, tc.h, func() string { return v.Content })
		out := plain(m)
		// The dialog's text is wrapped: compare it with its lines joined.
		joined := strings.Join(strings.Fields(strings.NewReplacer("┃", " ", "│", " ").Replace(out)), " ")
		for _, want := range tc.want {
			if !strings.Contains(out, want) && !strings.Contains(joined, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("%s: the dialog lacks %q:\n%s", tc.name, want, out)
			}
		}
		// The escapes of the command are styled (reverse video), which
		// the agent cannot write: the text \u202e it can.
		if !reversed.MatchString(v.Content) {
			t.Errorf("%s: the command's escapes are not in reverse video: %q", tc.name, v.Content)
		}
	}
}

// An escape is several cells wide where its character was one or none: a
// command full of them still shows whole in the edit box, wrapped inside
// the dialog rather than cut at its border, also after a resize.
func TestEditBoxWrapsEscapesInsideTheDialog(t *testing.T) {
	const n = 40
	cmd := "rm -rf /srv/data/" + strings.Repeat("\u202e", n) + " end"
	for _, size := range [][2]int{{100, 40}, {60, 30}} {
		m, _, _ := newTestModel(140, 44)
		res := detect.Command(cmd, detect.Context{})
		hold(m, &session.Action{ID: 1, Source: session.SourceHook, Command: cmd, Result: res, CanRewrite: true})
		press(m, k('e'))
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		out := plain(m)
		// The dialog's rows inside its border, joined: wrapping may split
		// an escape.
		var joined strings.Builder
		inBox := false
		for _, l := range strings.Split(out, "\n") {
			i, j := strings.Index(l, "┃"), strings.LastIndex(l, "┃")
			if i < 0 || j <= i {
				continue
			}
			row := strings.TrimSpace(l[i+len("┃") : j])
			switch {
			case strings.HasPrefix(row, "Your command runs instead"):
				inBox = true
			case strings.HasPrefix(row, "enter send"):
				inBox = false
			case inBox:
				joined.WriteString(row)
			}
		}
		if got := strings.Count(joined.String(), `\u202e`); got != n {
			t.Errorf("%dx%d: the edit box shows %d of the command's %d escapes:\n%s", size[0], size[1], got, n, out)
		}
		if !strings.Contains(strings.ReplaceAll(joined.String(), " ", ""), `\u202eend`) {
			t.Errorf("%dx%d: the end of the command is cut off:\n%s", size[0], size[1], out)
		}
		fitsTerminal(t, "edit", size[0], size[1], func() string { return m.View().Content })
	}
}

// The operator may be typing to the agent when the dialog opens, and an
// agent that reads keys one by one can open it between two of them: keys
// that arrive before the dialog has been up a moment do nothing, and the
// dialog says its keys come in a moment. The same holds for the next
// action in the queue once the first is decided.
func TestDialogIgnoresKeysTypedAsItOpens(t *testing.T) {
	m, _, fa := newTestModel(140, 44)
	_, cmd := m.Update(ActionHeld{Action: heldAction(1, session.SourceExec)})
	m.Update(ActionHeld{Action: heldAction(2, session.SourceExec)})
	if cmd == nil {
		t.Fatal("no timer for the dialog's delay")
	}
	shown := func() []int {
		var ids []int
		for _, a := range m.dialog.queue {
			ids = append(ids, a.ID)
		}
		return ids
	}
	for _, key := range []rune{'a', 'A', 'e', 'd', 'k'} {
		m.Update(k(key)) // not press: no time to read
	}
	if !slices.Equal(shown(), []int{1, 2}) || m.dialog.mode != dialogMain {
		t.Fatalf("keys typed as the dialog opened acted: queue %v, mode %v", shown(), m.dialog.mode)
	}
	if out := plain(m); !strings.Contains(out, "the keys work in a moment") || strings.Contains(out, "a approve once") {
		t.Fatalf("the dialog does not say its keys are not working yet:\n%s", out)
	}
	// The delay passes: the keys show and count.
	m.Update(dialogArmed{1})
	if out := plain(m); !strings.Contains(out, "a approve once") {
		t.Fatalf("the keys do not show once the delay passed:\n%s", out)
	}
	_, next := m.Update(k('d'))
	if !slices.Equal(shown(), []int{2}) {
		t.Fatalf("d after the delay: queue %v", shown())
	}
	// Action 2 is shown now, with a delay of its own: neither the key
	// typed with the last, nor action 1's late timer, arms it.
	if next == nil {
		t.Fatal("no timer for the next action's delay")
	}
	m.Update(k('a'))
	m.Update(dialogArmed{1})
	m.Update(k('a'))
	if !slices.Equal(shown(), []int{2}) {
		t.Fatalf("action 2 was decided before its delay passed: queue %v", shown())
	}
	m.Update(dialogArmed{2})
	m.Update(k('a'))
	m.Close()
	if got := decisions(fa); len(got) != 2 || !strings.HasPrefix(got[0], "decide 1 deny ") || !strings.HasPrefix(got[1], "decide 2 approve ") {
		t.Fatalf("decisions %q, want #1 denied and #2 approved, each after its delay", got)
	}
}

// Help (or the palette, or the quit question) over an armed dialog: once
// it closes, the dialog's delay starts again before its keys count.
func TestDialogDelayRestartsAfterAnOverlay(t *testing.T) {
	m, _, _ := newTestModel(140, 44)
	hold(m, heldAction(1, session.SourceExec))
	m.Update(prefixKey)
	m.Update(k('?'))
	if m.overlay != overlayHelp {
		t.Fatalf("help did not open over the dialog (overlay %v)", m.overlay)
	}
	m.Update(dialogArmed{1})   // a timer that fires under the help
	_, cmd := m.Update(k('x')) // any key closes help
	if m.overlay != overlayNone || cmd == nil {
		t.Fatalf("help did not close, or no new delay started (overlay %v)", m.overlay)
	}
	m.Update(k('a'))
	if !m.dialog.open() {
		t.Fatal("a key right after help closed decided the action")
	}
	m.Update(dialogArmed{1})
	m.Update(k('d'))
	if m.dialog.open() {
		t.Fatal("the dialog's keys do not work after its delay")
	}
}

// The desktop notification (OSC 9, OSC 777, and the agent's Attention,
// which notify-send shows) quotes the command with its invisible
// characters as escapes.
func TestNotificationShowsInvisibleCharactersAsEscapes(t *testing.T) {
	defer func(d time.Duration) { dialogArmDelay = d }(dialogArmDelay)
	dialogArmDelay = time.Millisecond
	m, _, fa := newTestModel(140, 44)
	m.cfg.Notify = true
	a := &session.Action{ID: 1, Source: session.SourceExec, Command: trojan, Result: detect.Command(trojan, detect.Context{})}
	if a.Result.Verdict != detect.Pause {
		t.Fatalf("the command does not pause: %+v", a.Result)
	}
	cmd := hold(m, a)
	m.Close()
	if cmd == nil {
		t.Fatal("no notification")
	}
	var raw tea.RawMsg
	found := false
	msgs := []tea.Msg{cmd()}
	if batch, ok := msgs[0].(tea.BatchMsg); ok {
		msgs = msgs[:0]
		for _, c := range batch {
			if c != nil {
				msgs = append(msgs, c()) // the dialog's delay too: it is short here
			}
		}
	}
	for _, msg := range msgs {
		if r, ok := msg.(tea.RawMsg); ok {
			raw, found = r, true
		}
	}
	if !found {
		t.Fatalf("no notification among %#v", msgs)
	}
	seq, _ := raw.Msg.(string)
	var summary string
	for _, c := range fa.got() {
		if s, ok := strings.CutPrefix(c, "attention "); ok {
			summary = s
		}
	}
	for what, text := range map[string]string{"OSC 9 and 777": seq, "notify-send": summary} {
		noInvisible(t, what, text)
		if !strings.Contains(text, `/srv/data/\u202e#\u200b /tmp/cache`) {
			t.Errorf("%s: the command is not shown with escapes: %q", what, text)
		}
	}
	if !strings.Contains(seq, "\x1b]9;") || !strings.Contains(seq, "\x1b]777;notify;") {
		t.Errorf("not an OSC 9 and 777 notification: %q", seq)
	}
}

// The events pane, the status bar, the agent pane's title and the window
// title show the agent's invisible characters as escapes too.
func TestEventsAndStatusBarShowInvisibleCharactersAsEscapes(t *testing.T) {
	ft := &fakeTerm{}
	in := ComputeLayout(160, 44, false).AgentInner
	for i := range in.H {
		ft.lines = append(ft.lines, fmt.Sprintf("agent line %d", i))
	}
	m := New(Config{SessionID: "0badcafe", Command: "claude\u202e --model x\u200b", Started: time.Date(2026, 4, 24, 9, 0, 0, 0, time.UTC)}, ft, &fakeAgent{}, 160, 44)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 44})
	res := detect.Command(trojan, detect.Context{})
	m.Update(FindingSeen{Source: session.SourceExec, Command: trojan, Result: res})
	m.Update(SessionEvent{Event: session.Event{Time: m.cfg.Started, Kind: session.EventStart, Text: "agent said \u2067hi\u2069\u2028there"}})
	a := &session.Action{ID: 1, Source: session.SourceExec, Command: trojan, Result: res}
	hold(m, a)
	m.Update(ActionDecided{Action: a, Decision: session.Decision{Kind: session.Edit, Edit: "echo \u202eok"}})
	m.Close()
	v := m.View()
	noInvisible(t, "console", v.Content)
	noInvisible(t, "window title", v.WindowTitle)
	fitsTerminal(t, "console", 160, 44, func() string { return v.Content })
	out := plain(m)
	bar := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(bar, `claude\u202e --model x\u200b`) {
		t.Errorf("status bar %q", bar)
	}
	// The events pane is the right one; its text is wrapped.
	var events []string
	for _, l := range strings.Split(out, "\n") {
		if _, right, ok := strings.Cut(l, "││"); ok {
			events = append(events, strings.ReplaceAll(right, "│", " "))
		}
	}
	joined := strings.Join(strings.Fields(strings.Join(events, " ")), " ")
	for _, want := range []string{`\u202e#\u200b`, `agent said \u2067hi\u2069\u2028there`, `echo \u202eok`} {
		if !strings.Contains(joined, want) {
			t.Errorf("the events pane lacks %q:\n%s", want, out)
		}
	}
}

// sanitize shows invisible characters as escapes, controls as spaces and
// a byte that is not UTF-8 as U+FFFD.
func TestSanitizeShowsInvisibleCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"plain é ✓ 日本 ❤️":          "plain é ✓ 日本 ❤️",
		"a\u202eb\u200bc":          `a\u202eb\u200bc`,
		"x\u2028y\u2029z\u00ad":    `x\u2028y\u2029z\u00ad`,
		"tag\U000E0041":            `tag\U000e0041`,
		"rm\x1b[2J\u0085 \xff!":    "rm [2J   \uFFFD!",
		"\u200e\u200f\u061c\u2066": `\u200e\u200f\u061c\u2066`,
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
