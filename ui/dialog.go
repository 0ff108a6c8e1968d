package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
)

// Messages about supervision.
type (
	// ActionHeld says the agent is frozen on an action that needs a
	// decision.
	ActionHeld struct{ Action *session.Action }
	// ActionDecided says an action was decided (by the operator here, or by
	// a policy: timeout, an earlier approve-for-session).
	ActionDecided struct {
		Action   *session.Action
		Decision session.Decision
	}
	// FindingSeen is a concerning analysis that did not hold the agent
	// (warn verdicts, credentials in the output).
	FindingSeen struct {
		Source  session.Source
		Command string
		Result  detect.Result
	}
)

type dialogMode int

const (
	dialogMain dialogMode = iota
	dialogEdit
	dialogDetails
)

// decisionDialog is the queue of held actions and the state of the dialog
// that shows the oldest.
type decisionDialog struct {
	queue []*session.Action
	mode  dialogMode
	edit  textarea.Model
	// armed is the action whose keys count: the one shown, once it has
	// been up for dialogArmDelay. arming is the one a timer runs for.
	armed, arming int
}

// dialogArmDelay is how long the dialog shows an action before its keys
// count. The operator may be typing to the agent when the dialog opens,
// and an agent that reads keys as they come can open it between two of
// them: the second key, meant for the agent, answered the dialog 143 ms
// after it opened in a review, and approved a force-push. Browsers give
// their security prompts a delay of this order for the same reason.
var dialogArmDelay = 750 * time.Millisecond

// dialogArmed says the dialog has shown action id for dialogArmDelay.
type dialogArmed struct{ id int }

// armDialog starts the delay for the action the dialog now shows, if it
// has not started yet.
func (m *Model) armDialog() tea.Cmd {
	d := &m.dialog
	if !d.open() {
		return nil
	}
	id := d.queue[0].ID
	if d.armed == id || d.arming == id {
		return nil
	}
	d.arming = id
	return tea.Tick(dialogArmDelay, func(time.Time) tea.Msg { return dialogArmed{id} })
}

// keysArmed reports whether the shown action's keys count.
func (d *decisionDialog) keysArmed() bool { return d.open() && d.armed == d.queue[0].ID }

func (d *decisionDialog) open() bool { return len(d.queue) > 0 }

func (d *decisionDialog) add(a *session.Action) {
	for _, q := range d.queue {
		if q.ID == a.ID {
			return
		}
	}
	d.queue = append(d.queue, a)
}

// remove drops a decided action; the dialog goes back to its main view
// when the action it showed is gone.
func (d *decisionDialog) remove(id int) {
	for i, q := range d.queue {
		if q.ID == id {
			d.queue = append(d.queue[:i], d.queue[i+1:]...)
			if i == 0 {
				d.mode = dialogMain
			}
			return
		}
	}
}

// dialogKey handles a key while an action waits. Only these keys, pressed
// on the operator's keyboard, decide anything.
func (m *Model) dialogKey(k tea.KeyPressMsg) tea.Cmd {
	d := &m.dialog
	a := d.queue[0]
	if !d.keysArmed() {
		// Typed before the dialog could be read: meant for the agent.
		m.notice = "the dialog takes keys once it has been up a moment"
		return nil
	}
	switch d.mode {
	case dialogEdit:
		switch k.String() {
		case "esc":
			d.mode = dialogMain
			return nil
		case "enter":
			text := strings.TrimSpace(d.edit.Value())
			if text == "" {
				m.notice = "the edit is empty: esc to go back, or type a command"
				return nil
			}
			m.decide(a, session.Decision{Kind: session.Edit, Edit: text})
			return m.armDialog()
		}
		var cmd tea.Cmd
		d.edit, cmd = d.edit.Update(k)
		return cmd
	case dialogDetails:
		if k.String() == "esc" || k.String() == "?" || k.String() == "q" {
			d.mode = dialogMain
			return nil
		}
	}
	switch k.String() {
	case "a":
		m.decide(a, session.Decision{Kind: session.Approve})
	case "A":
		m.decide(a, session.Decision{Kind: session.ApproveSession})
	case "e":
		d.mode = dialogEdit
		d.edit = textarea.New()
		d.edit.ShowLineNumbers = false
		d.edit.Prompt = "› "
		d.edit.CharLimit = 0
		d.edit.SetWidth(m.editWidth())
		d.edit.SetHeight(4)
		d.edit.SetValue(a.Command)
		return d.edit.Focus()
	case "d":
		m.decide(a, session.Decision{Kind: session.Deny})
	case "k":
		m.decide(a, session.Decision{Kind: session.Kill})
	case "?":
		if d.mode == dialogDetails {
			d.mode = dialogMain
		} else {
			d.mode = dialogDetails
		}
	default:
		m.notice = "the agent is frozen: a approve · A approve for session · e edit · d deny · k kill · ? details"
	}
	return m.armDialog() // the next held action, if one waits
}

// decide hands the operator's decision to the supervisor (through the
// actuator: Update does no I/O) and drops the action from the queue.
func (m *Model) decide(a *session.Action, d session.Decision) {
	d.Operator = m.cfg.Operator
	m.dialog.remove(a.ID)
	m.act.do(func() { m.agent.Decide(a.ID, d) })
}

// attention is what the operator's terminal does when an action is held:
// the bell, and a desktop notification where the terminal supports one
// (OSC 9: iTerm2, WezTerm, kitty, foot…; OSC 777: VTE, urxvt). The text is
// sentinel's own, never the agent's bytes.
func attention(a *session.Action) tea.Cmd {
	top := a.Top()
	body := sanitize(fmt.Sprintf("%s %s: %s", top.Severity, top.Rule, screen.OneLine(a.Command, 0)))
	body = ansi.Truncate(body, 120, "…")
	seq := "\a" + ansi.Notify("sentinel: approval needed — "+body) +
		"\x1b]777;notify;sentinel: approval needed;" + body + "\a"
	return tea.Raw(seq)
}

// sanitize keeps text an agent wrote safe to put inside an escape
// sequence or the console, and shows it as it is: each control character
// (C0, DEL, C1) becomes as many spaces as it had bytes, a byte that is not
// UTF-8 becomes U+FFFD, and each invisible character (screen.Invisible:
// the bidirectional controls, zero-width characters, line separators…) is
// shown as its escape, \u202e. A terminal that applies bidi would
// otherwise reorder the text, and the operator read a command other than
// the one that runs.
func sanitize(s string) string {
	if !needsSanitizing(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isControl(r):
			b.WriteString(strings.Repeat(" ", n))
		case r == utf8.RuneError && n == 1:
			b.WriteString("\uFFFD")
		case screen.Invisible(r):
			b.WriteString(screen.EscapeRune(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// needsSanitizing reports whether sanitize would change s.
func needsSanitizing(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isControl(r) || r == utf8.RuneError && n == 1 || screen.Invisible(r) {
			return true
		}
		i += n
	}
	return false
}

// showAgentText renders s in style, sanitized, with each invisible
// character's escape in reverse video (or not, where style already is):
// the agent can write the text \u202e into its command, not the style, so
// the operator can tell an invisible character from those six characters.
func showAgentText(style lipgloss.Style, s string) string {
	var b strings.Builder
	for s != "" {
		i := strings.IndexFunc(s, screen.Invisible)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			b.WriteString(style.Render(sanitize(s[:i])))
		}
		if i == len(s) {
			break
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteString(style.Reverse(!style.GetReverse()).Render(screen.EscapeRune(r)))
		s = s[i+n:]
	}
	return b.String()
}

// showInvisibleIn shows the invisible characters of an already rendered
// view (the edit box's, which holds the agent's command as it is, to be
// edited) as their escapes, in reverse video. Escape sequences are ASCII:
// only the text's characters can be invisible ones.
func showInvisibleIn(view string) string {
	if !strings.ContainsFunc(view, screen.Invisible) {
		return view
	}
	var b strings.Builder
	for _, r := range view {
		if screen.Invisible(r) {
			b.WriteString("\x1b[7m" + screen.EscapeRune(r) + "\x1b[27m")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// editLines is the edit box as lines of at most width cells. The text
// area wraps the command as it is, but each invisible character it holds
// is shown as an escape several cells wide: those lines are wrapped again.
func editLines(d *decisionDialog, width int) []string {
	return strings.Split(ansi.Hardwrap(showInvisibleIn(d.edit.View()), max(width, 1), true), "\n")
}

// editWidth is the edit box's width: the dialog's, inside its border.
func (m *Model) editWidth() int { return max(m.dialogWidth()-4, 1) }

// dialogWidth is at least 30 cells, so that the keys read, but never wider
// than the terminal.
func (m *Model) dialogWidth() int {
	return min(max(min(m.layout.Width-4, 100), 30), m.layout.Width)
}

// minDialogInner is the narrowest the whole dialog is laid out; a
// narrower terminal gets the compact one (compactDecisionBox).
const minDialogInner = 20

// decisionBox draws the dialog for the oldest held action.
func (m *Model) decisionBox() string {
	t := m.cfg.Theme
	d := &m.dialog
	a := d.queue[0]
	w := m.dialogWidth()
	inner := w - 4
	if inner < minDialogInner {
		return m.compactDecisionBox()
	}
	top := a.Top()
	wrap := func(s string, indent int) []string {
		return wrapText(s, inner-indent, " ")
	}

	title := "AGENT FROZEN · approval needed"
	if n := len(d.queue); n > 1 {
		title += fmt.Sprintf(" · 1 of %d waiting", n)
	}
	seen := string(a.Source)
	if a.Agent != "" {
		seen += " (" + sanitize(a.Agent) + ")"
	}
	for _, s := range a.Also {
		seen += " + " + string(s)
	}
	head := []string{t.AlertTitle.Render(title),
		t.Badge(top.Severity.String()) + " " + t.PaneTitle.Render(top.Rule) + t.Hint.Render("  seen by "+seen)}

	cmdLines := wrap(highlight(t, a.Command, a.Result), 2)
	if len(cmdLines) > 8 && d.mode != dialogDetails {
		cmdLines = append(cmdLines[:7], t.Hint.Render(fmt.Sprintf("… %d more lines (? shows all)", len(cmdLines)-7)))
	}
	command := hang(cmdLines, t.DialogKey.Render("$ "), "  ")
	var says []string
	if a.Description != "" {
		// The agent's own words: shown as such, never as sentinel's.
		says = hang(styled(t.EventText, wrap(sanitize(a.Description), 13)), t.Hint.Render("agent says:  "), strings.Repeat(" ", 13))
	}
	why := styled(t.EventText, wrap(sanitize(top.Reason), 0))
	for _, u := range a.Uses {
		if strings.Contains(top.Reason, u) {
			continue // the supervisor already said it in the reason
		}
		why = append(why, hang(styled(t.EventText, wrap(sanitize(u), 2)), t.AlertTitle.Render("! "), "  ")...)
	}
	var details []string
	if d.mode == dialogDetails {
		// What deny and kill do stays beside the keys below; approving
		// and editing are said here, where there is room for them.
		details = append(details, "", t.PaneTitle.Render("approve and edit"))
		for _, l := range approveAndEdit(a) {
			details = append(details, hang(styled(t.Hint, wrap(l, 4)), "  ", "    ")...)
		}
		details = append(details, "", t.PaneTitle.Render("all findings"))
		for _, f := range sortedFindings(a.Result) {
			details = append(details, fmt.Sprintf("  %-6s %-8s %s", f.Verdict, f.Severity, f.Rule))
			for _, l := range wrap(sanitize(f.Reason), 4) {
				details = append(details, "    "+t.Hint.Render(l))
			}
		}
	}
	where := shortPath(a.Cwd, inner/2)
	if a.Pid > 0 {
		where += " · pid " + strconv.Itoa(a.Pid)
	}
	chain := a.Parents
	if len(chain) > 3 && d.mode != dialogDetails {
		chain = append(chain[:3:3], "…")
	}
	if len(chain) > 0 {
		where += " ← " + strings.Join(chain, " ← ")
	}
	whereLine := []string{t.Hint.Render("where  ") + ansi.Truncate(sanitize(where), inner-7, "…")}
	var state []string
	if a.Agent != "" {
		who := a.Agent
		if a.AgentSession != "" {
			who += " · session " + a.AgentSession
		}
		state = append(state, t.Hint.Render("agent  ")+ansi.Truncate(sanitize(who), inner-7, "…"))
	}
	if a.Source == session.SourceHook {
		// The agent waits on its hook; the rest of its tree is stopped.
		state = append(state, t.Hint.Render("held   ")+t.EventText.Render(elapsed(m.now.Sub(a.Held)))+t.Hint.Render(" (the agent waits for its hook; the rest of its tree is stopped)"))
	} else {
		state = append(state, t.Hint.Render("frozen ")+t.EventText.Render(elapsed(m.now.Sub(a.Held)))+t.Hint.Render(" (a frozen agent's model request may time out)"))
	}
	var context []string
	if ctx := m.contextLines(3 + 5*boolInt(d.mode == dialogDetails)); len(ctx) > 0 {
		context = append(context, t.Hint.Render("before it, the agent's screen showed:"))
		for _, l := range ctx {
			context = append(context, t.Frozen.Render("  │ "+ansi.Truncate(l, inner-4, "…")))
		}
	}
	var keys []string
	switch d.mode {
	case dialogEdit:
		if a.CanRewrite {
			keys = append(keys, t.EventText.Render("Your command runs instead of the agent's:"))
		} else {
			keys = append(keys, t.EventText.Render("The agent's command is denied; your text goes to the agent"),
				t.EventText.Render("as your message once it is back at its prompt:"))
		}
		keys = append(keys, editLines(d, inner)...)
		keys = append(keys, t.DialogKey.Render("enter")+t.Hint.Render(" send · ")+t.DialogKey.Render("esc")+t.Hint.Render(" back"))
	case dialogDetails:
		for _, l := range wrap(m.consequences(a), 0) {
			keys = append(keys, t.Hint.Render(l))
		}
		keys = append(keys, t.DialogKey.Render("?")+t.Hint.Render(" or ")+t.DialogKey.Render("esc")+t.Hint.Render(" back"))
	default:
		// A no-break space keeps each key with the first word of what it does.
		k := func(key, what string) string { return t.DialogKey.Render(key) + "\u00a0" + what }
		deny := "deny"
		if a.DenyEnds {
			deny = "deny (ends the agent: it would act itself)"
		}
		// Wrapped, not cut: on a narrow terminal every key must still show.
		if !d.keysArmed() {
			// As many rows as the keys take, so nothing moves when they
			// appear.
			keys = append(keys, wrap(t.Hint.Render("read it first: the keys work in a moment"), 0)...)
			keys = append(keys, "")
			break
		}
		keys = append(keys, wrap(k("a", "approve once")+"  "+k("A", "approve "+top.Rule+forTarget(top)+" for this session"), 0)...)
		keys = append(keys, wrap(k("e", "edit")+"  "+k("d", deny)+"  "+k("k", "kill the agent")+"  "+k("?", "details"), 0)...)
	}

	// On a short terminal the least needed parts go first, so that the
	// rule, the command, why it was held and the keys always show. The
	// box's border takes two rows, and the status bar stays in view.
	gap := []string{""}
	rows := max(m.layout.Height-3, 1)
	b := fitBlocks(rows, t.Hint.Render("…"), []dialogBlock{
		{lines: head},
		{lines: gap, drop: 4},
		{lines: command, cut: 2},
		{lines: says, drop: 2},
		{lines: gap, drop: 5},
		{lines: why, cut: 1},
		{lines: details, cut: 3}, // asked for with ?: the last to be cut
		{lines: gap, drop: 6},
		{lines: whereLine, drop: 7},
		{lines: state, drop: 3},
		{lines: context, drop: 1},
		{lines: gap, drop: 8},
		{lines: keys},
	})
	if len(b) > rows {
		// Even cut short it does not fit (the README promises it down to
		// 12 rows): a decision must still be possible on a terminal of
		// any size, so show the compact dialog rather than none.
		return m.compactDecisionBox()
	}
	for i, l := range b {
		b[i] = fit(l, inner)
	}
	return t.Alert.Width(w).Render(strings.Join(b, "\n"))
}

// compactDecisionBox is the dialog on a terminal too small for the whole
// of it: one line saying the agent is frozen and which keys decide, then as
// much of the rule, the command and why (or the edit) as fits. It is boxed
// when there is room for a border, bare otherwise (a terminal a few rows
// high or a few columns wide).
func (m *Model) compactDecisionBox() string {
	t := m.cfg.Theme
	d := &m.dialog
	a := d.queue[0]
	top := a.Top()
	w, h := m.layout.Width, m.layout.Height
	boxed := h >= 4 && w >= 10
	inner, rows := w, max(h-1, 1) // bare: below the status bar, or over it on one row
	if boxed {
		w = m.dialogWidth()
		inner, rows = w-4, h-3
	}
	lines := []string{m.frozenLine(inner)}
	if d.mode == dialogEdit {
		lines = append(lines, editLines(d, inner)...)
	} else {
		lines = append(lines,
			t.Badge(top.Severity.String())+" "+t.PaneTitle.Render(top.Rule),
			t.DialogKey.Render("$ ")+highlight(t, strings.Join(strings.Fields(a.Command), " "), detect.Result{}),
			t.EventText.Render(screen.OneLine(sanitize(top.Reason), 0)))
	}
	lines = lines[:min(len(lines), rows)]
	for i, l := range lines {
		lines[i] = fit(ansi.Truncate(l, inner, "…"), inner)
	}
	if !boxed {
		return strings.Join(lines, "\n")
	}
	return t.Alert.Width(w).Render(strings.Join(lines, "\n"))
}

// frozenLine is the compact dialog's first line, at most w cells wide:
// that the agent is frozen and the keys of the dialog's view, said as fully
// as the width allows. The keys are shortened last: they decide.
func (m *Model) frozenLine(w int) string {
	t := m.cfg.Theme
	d := &m.dialog
	k := func(key, what string) string {
		if what == "" {
			return t.DialogKey.Render(key)
		}
		return t.DialogKey.Render(key) + t.Hint.Render(" "+what)
	}
	sep := t.Hint.Render(" · ")
	titles := []string{"AGENT FROZEN · approval needed", "AGENT FROZEN", "FROZEN"}
	if n := len(d.queue); n > 1 {
		titles = append([]string{fmt.Sprintf("AGENT FROZEN · approval needed · 1 of %d waiting", n)}, titles...)
	}
	var keys []string
	switch d.mode {
	case dialogEdit:
		keys = []string{k("enter", "send") + sep + k("esc", "back"), k("enter", "") + " " + k("esc", "")}
	case dialogDetails:
		keys = []string{k("?", "or ") + k("esc", "back"), k("?", "") + " " + k("esc", "")}
	default:
		if !d.keysArmed() {
			keys = []string{t.Hint.Render("keys in a moment"), t.Hint.Render("…")}
			break
		}
		deny := "deny"
		if d.queue[0].DenyEnds {
			deny = "deny (ends the agent)"
		}
		keys = []string{
			strings.Join([]string{k("a", "approve"), k("A", "for session"), k("e", "edit"), k("d", deny), k("k", "kill"), k("?", "details")}, sep),
			strings.Join([]string{k("a", "approve"), k("e", "edit"), k("d", "deny"), k("k", "kill")}, sep) + " " + k("A ?", ""),
			k("a A e d k ?", ""),
			k("a d k ?", ""), // approve, deny, kill: the other keys still work
		}
	}
	for _, ks := range keys {
		for _, title := range titles {
			if l := t.AlertTitle.Render(title) + sep + ks; ansi.StringWidth(l) <= w {
				return l
			}
		}
	}
	last := keys[len(keys)-1]
	if l := t.AlertTitle.Render("FROZEN") + " " + last; ansi.StringWidth(l) <= w {
		return l
	}
	return ansi.Truncate(last, max(w, 0), "…")
}

// hang puts first before the first line and rest before the others.
func hang(lines []string, first, rest string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if i == 0 {
			out[i] = first + l
		} else {
			out[i] = rest + l
		}
	}
	return out
}

// styled renders every line in style.
func styled(style lipgloss.Style, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = style.Render(l)
	}
	return out
}

// dialogBlock is a part of the decision dialog. When the dialog is taller
// than the terminal, blocks go in the order of drop (1 first; 0 never),
// and then those with cut are cut short, cut 1 first, down to one line
// (the last line kept says there is more).
type dialogBlock struct {
	lines []string
	drop  int
	cut   int
}

// fitBlocks joins the blocks' lines into at most rows lines (when the
// blocks that never go allow it), marking a cut block with more.
func fitBlocks(rows int, more string, blocks []dialogBlock) []string {
	total := func() int {
		n := 0
		for _, b := range blocks {
			n += len(b.lines)
		}
		return n
	}
	for order := 1; total() > rows && order <= 8; order++ {
		for i := range blocks {
			if blocks[i].drop == order {
				blocks[i].lines = nil
			}
		}
	}
	for order := 1; total() > rows && order <= 3; order++ {
		for i := range blocks {
			b := &blocks[i]
			if b.cut != order || total() <= rows {
				continue
			}
			if len(b.lines) <= 1 {
				continue // nothing to cut (an empty block has no line to keep)
			}
			switch n := max(len(b.lines)-(total()-rows), 1); {
			case n == 1:
				b.lines = b.lines[:1]
			case n < len(b.lines):
				b.lines = append(b.lines[:n-1:n-1], more)
			}
		}
	}
	var out []string
	for _, b := range blocks {
		out = append(out, b.lines...)
	}
	return out
}

func forTarget(f detect.Finding) string {
	here := ""
	if !session.TargetIsAnywhere(f.Target) {
		here = " here" // the grant is this directory's (session.SessionRuleKey)
	}
	if f.Target == "" {
		return here
	}
	return " on " + ansi.Truncate(sanitize(f.Target), 30, "…") + here
}

// consequences says what each key does on the path that saw the action.
func (m *Model) consequences(a *session.Action) string {
	switch a.Source {
	case session.SourceExec:
		return "deny: the exec fails with EPERM and the agent carries on. kill: the agent's whole tree ends."
	case session.SourceStream:
		if a.DenyEnds {
			return "The agent announced this and no separate process runs it: denying ends the agent."
		}
		return "deny: the process running it (and its children) is killed, the rest thaws. kill: the whole tree ends."
	}
	if !a.CanRewrite {
		return "deny: the agent is told sentinel blocked it. edit: denied, and your command goes to the agent as the reason. kill: the agent's whole tree ends."
	}
	return "deny: the agent is told sentinel blocked it and carries on. edit: the agent runs your command instead. kill: the agent's whole tree ends."
}

// approveAndEdit says what a, A and e do on the path that saw the action.
func approveAndEdit(a *session.Action) []string {
	run, edit := "the agent runs its command", "the agent runs your command instead"
	switch {
	case a.Source == session.SourceExec:
		run = "the exec runs"
		edit = "the exec is denied; your text goes to the agent as your message once it is quiet"
	case a.Source == session.SourceStream:
		run = "the agent thaws and goes on"
		edit = "denied; your text goes to the agent as your message once it is quiet"
	case !a.CanRewrite:
		edit = "denied, and your command goes to the agent as the reason"
	}
	return []string{
		"a  " + run + "; the same rule and target within 30 s, on any path, goes through too",
		"A  " + run + ", and so does this rule on this target for the rest of the session",
		"e  " + edit,
	}
}

func sortedFindings(r detect.Result) []detect.Finding {
	fs := append([]detect.Finding(nil), r.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Verdict != fs[j].Verdict {
			return fs[i].Verdict > fs[j].Verdict
		}
		return fs[i].Severity > fs[j].Severity
	})
	return fs
}

// highlight styles the command as the agent wrote it (the findings' spans
// are byte offsets in it), with the bytes the findings matched marked, its
// control characters as spaces and its invisible characters as escapes
// (showAgentText).
func highlight(t themes.Theme, cmd string, r detect.Result) string {
	marked := make([]bool, len(cmd)+1)
	for _, f := range r.Findings {
		if f.Verdict != r.Verdict {
			continue
		}
		for _, s := range f.Spans {
			for i := max(s.Start, 0); i < min(s.End, len(cmd)); i++ {
				marked[i] = true
			}
		}
	}
	var b strings.Builder
	start := 0
	for i := 1; i <= len(cmd); i++ {
		if i == len(cmd) || marked[i] != marked[start] {
			part := cmd[start:i]
			if marked[start] {
				b.WriteString(showAgentText(t.Match, part))
			} else {
				b.WriteString(showAgentText(t.Command, part))
			}
			start = i
		}
	}
	return b.String()
}

// contextLines are the last non-blank lines of the agent's (frozen)
// screen, as plain text.
func (m *Model) contextLines(n int) []string {
	f := m.paneFrame()
	if f.Scrolled > 0 {
		// The operator was reading scrollback when the action was held:
		// the dialog still shows what the agent last wrote.
		f = m.term.Render(0)
	}
	var out []string
	for i := len(f.Lines) - 1; i >= 0 && len(out) < n; i-- {
		if l := strings.TrimRight(ansi.Strip(f.Lines[i]), " "); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
