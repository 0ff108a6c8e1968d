package detect

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// parsers are reused: a new parser allocates kilobytes of buffers, which
// was a third of all allocation (and most GC pauses) over the corpus.
var parsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// maxDepth bounds how deeply strings handed to shells (sh -c, eval, ssh,
// ...) are followed.
const maxDepth = 8

// maxWork bounds the syntax nodes visited for one command, so a huge or
// adversarial command is analysed in bounded time; running out is a pause.
const maxWork = 20_000

// hugeCommand is the size above which a command is first checked for
// holding more commands than maxWork (see analyzeString).
const hugeCommand = 256 << 10

// Context is what the analysis may know besides the command.
type Context struct {
	Cwd    string  // the agent's working directory, if known
	Config *Config // nil: defaults
}

// Command analyses one shell command (which may span several lines).
func Command(cmd string, ctx Context) Result {
	w := &walker{src: cmd, cfg: ctx.Config, cwd: ctx.Cwd}
	if w.cfg == nil {
		w.cfg = defaultConfig
	}
	w.analyzeString(cmd, origin{exact: true})
	checkCommandCredentials(w, cmd) // credentials.go: literal secrets anywhere in the text
	return w.result()
}

// walker follows everything a command would execute.
type walker struct {
	src      string
	cfg      *Config
	cwd      string
	depth    int
	work     int
	findings []Finding
	// What the command itself defined, in order: variables, aliases,
	// functions. Shared across nesting, as a shell would (approximately).
	vars    map[string]string
	aliases map[string]string
	funcs   map[string]*syntax.Stmt
	calling map[string]bool // functions being expanded, against recursion
	outputs map[*syntax.Stmt]Input
	files   map[string]Input // files written earlier in the command, by path
	// outputDepth bounds the recursion of output through pipelines.
	outputDepth int
}

func (w *walker) flag(ruleID, target, reason string, spans []Span) {
	r, ok := catalogue[ruleID]
	if !ok {
		panic("detect: unknown rule " + ruleID)
	}
	f := Finding{Rule: r.ID, Category: r.Category, Severity: r.Severity, Verdict: r.Verdict,
		Reason: reason, Target: target, Spans: spans}
	w.findings = append(w.findings, f)
}

// result applies configuration and orders the findings.
func (w *walker) result() Result {
	res := Result{Command: w.src, Findings: w.cfg.apply(w.src, w.findings)}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Verdict != b.Verdict {
			return a.Verdict > b.Verdict
		}
		return a.Severity > b.Severity
	})
	res.Findings = dedupe(res.Findings)
	for _, f := range res.Findings {
		res.Verdict = max(res.Verdict, f.Verdict)
	}
	if res.Findings == nil {
		res.Findings = []Finding{}
	}
	return res
}

// dedupe drops repeated findings of the same rule on the same spans (a
// function called twice, a string analysed on two paths).
func dedupe(fs []Finding) []Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := fmt.Sprint(f.Rule, f.Spans, f.Target)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// analyzeString parses text as shell code and walks it. A parse failure is
// never a free pass: the text is then analysed word by word.
func (w *walker) analyzeString(text string, o origin) {
	if w.depth >= maxDepth {
		w.flag("opaque.too-deep", "", "nests commands inside strings more deeply than sentinel follows; what runs at the bottom is unknown", []Span{o.span(0, len(text))})
		return
	}
	w.depth++
	defer func() { w.depth-- }()
	if len(text) > hugeCommand && manyCommands(text, maxWork) {
		// More commands than the work budget allows: the verdict is "too
		// large" whatever they are. Measured: the parser alone needs about
		// 50 ms for a megabyte-long pipeline (one statement, so streaming
		// does not help), so such text is judged word by word instead.
		w.wordLevel(text, o)
		if w.work < maxWork {
			w.work = maxWork - 1
			w.tick(o)
		}
		return
	}
	ws := &words{text: text, org: o, vars: w.varsMap()}
	ws.cmdOut = func(cs *syntax.CmdSubst) (string, bool) {
		if len(cs.Stmts) != 1 {
			return "", false
		}
		out := w.output(cs.Stmts[0], ws, nil)
		if !out.Known || strings.Contains(out.Text, unknown) {
			return "", false
		}
		return strings.TrimRight(out.Text, "\n"), true // as the shell does
	}
	// Statements are walked as the parser produces them, so a huge command
	// stops costing parse time once the work budget is spent (parsing all of
	// a megabyte of statements alone takes longer than the 50 ms target).
	// A syntax error anywhere still means the text is judged word by word:
	// what was walked before the error is discarded.
	//
	// The loop never breaks: mvdan.cc/sh v3.14.1 yields again after the loop
	// body has stopped it (a runtime panic). To stop early, the reader
	// reports the end of the text instead.
	before := len(w.findings)
	src := &stoppableReader{r: strings.NewReader(text)}
	var parseErr error
	p := parsers.Get().(*syntax.Parser)
	for st, err := range p.StmtsSeq(src) {
		switch {
		case src.stopped:
		case err != nil:
			parseErr, src.stopped = err, true
		case st != nil && tooNested(st):
			w.flag("opaque.too-deep", "", "nests command substitutions more deeply than sentinel follows; what runs at the bottom is unknown", []Span{o.span(0, len(text))})
		case st != nil:
			w.stmt(st, ws, nil)
			src.stopped = w.work >= maxWork
		}
	}
	parsers.Put(p) // the trees do not refer back to the parser
	if parseErr != nil {
		w.findings = w.findings[:before]
		w.fallback(text, o)
	}
}

// maxNesting bounds command and process substitutions nested in one
// another. Each level's arguments are worked out from the levels inside it,
// so the work grows with the square of the depth: 4,000 nested $( took the
// detector seconds. Real commands nest a few deep.
const maxNesting = 32

// tooNested reports whether st nests substitutions deeper than maxNesting,
// in one walk that goes no deeper than that.
func tooNested(st *syntax.Stmt) bool {
	depth, too := 0, false
	var subst []bool // per node being walked: is it a substitution
	syntax.Walk(st, func(n syntax.Node) bool {
		if n == nil { // the end of the last node entered
			if subst[len(subst)-1] {
				depth--
			}
			subst = subst[:len(subst)-1]
			return true
		}
		_, cs := n.(*syntax.CmdSubst)
		_, ps := n.(*syntax.ProcSubst)
		if cs || ps {
			if depth == maxNesting {
				too = true
				return false
			}
			depth++
		}
		subst = append(subst, cs || ps)
		return !too
	})
	return too
}

// stoppableReader ends early once stopped is set.
type stoppableReader struct {
	r       *strings.Reader
	stopped bool
}

func (s *stoppableReader) Read(b []byte) (int, error) {
	if s.stopped {
		return 0, io.EOF
	}
	return s.r.Read(b)
}

func (w *walker) varsMap() map[string]string {
	if w.vars == nil {
		w.vars = map[string]string{}
	}
	return w.vars
}

// tick counts work; false means the budget is spent.
func (w *walker) tick(o origin) bool {
	w.work++
	if w.work == maxWork {
		w.flag("opaque.too-large", "", "is too large or complex to analyse fully; what it runs is unknown", []Span{o.span(0, 0)})
	}
	return w.work < maxWork
}

// stmt walks one statement. stdin is what a pipeline feeds it, if anything.
func (w *walker) stmt(st *syntax.Stmt, ws *words, stdin *Input) {
	if st == nil || !w.tick(ws.org) {
		return
	}
	var redirs []Redir
	var stInv *Invocation // for expanding redirection targets, made on first use
	scheduled := func(t Arg) {
		if stInv == nil {
			start, end := int(st.Pos().Offset()), int(st.End().Offset())
			stInv = &Invocation{Span: ws.org.span(start, end), w: w, org: ws.org, ws: ws}
		}
		checkScheduledWriteOf(stInv, t)
	}
	for _, r := range st.Redirs {
		w.substs(r.Word, ws)
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			if r.Hdoc != nil {
				in := w.heredoc(r, ws)
				stdin = &in
			}
		case syntax.WordHdoc:
			a := ws.arg(r.Word)
			stdin = &Input{Text: a.Value + "\n", Known: a.Known(), From: "here-string", Span: a.Span, origin: originOf(a)}
		case syntax.RdrIn:
			a := ws.arg(r.Word)
			stdin = &Input{From: "file " + a.Value, Span: a.Span}
		case syntax.RdrOut, syntax.ClbOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.RdrInOut:
			t := ws.arg(r.Word)
			checkTTYWrite(w, t) // on any descriptor: exec 3>/dev/pts/1
			scheduled(t)        // also on any statement: { ...; } > /etc/cron.d/x
			if r.N == nil || r.N.Value == "1" || r.N.Value == "2" {
				redirs = append(redirs, Redir{Op: r.Op.String(), Target: t})
			}
		case syntax.DplOut:
			if t := ws.arg(r.Word); strings.Trim(t.Value, "0123456789-") != "" {
				checkTTYWrite(w, t) // >& /dev/pts/1, bash's &> spelled the old way
				scheduled(t)
			}
		}
	}
	switch c := st.Cmd.(type) {
	case nil:
		// A bare "> file" truncates it as ": > file" does.
		start, end := int(st.Pos().Offset()), int(st.End().Offset())
		w.redirects(redirs, &Invocation{Span: ws.org.span(start, end), w: w, org: ws.org, ws: ws})
	case *syntax.CallExpr:
		w.call(c, ws, stdin, redirs, st)
	case *syntax.BinaryCmd:
		switch c.Op {
		case syntax.Pipe, syntax.PipeAll:
			w.stmt(c.X, ws, stdin)
			out := w.output(c.X, ws, stdin)
			w.stmt(c.Y, ws, &out)
		default:
			w.stmt(c.X, ws, stdin)
			w.stmt(c.Y, ws, nil)
		}
	case *syntax.Subshell:
		w.stmts(c.Stmts, ws, stdin)
	case *syntax.Block:
		w.stmts(c.Stmts, ws, stdin)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			w.stmts(ic.Cond, ws, nil)
			w.stmts(ic.Then, ws, stdin)
		}
	case *syntax.WhileClause:
		w.stmts(c.Cond, ws, nil)
		w.stmts(c.Do, ws, stdin)
	case *syntax.ForClause:
		if wi, ok := c.Loop.(*syntax.WordIter); ok {
			var items []Arg
			for _, item := range wi.Items {
				w.substs(item, ws)
				a := ws.arg(item)
				items = appendFields(items, a, item)
			}
			vars := w.varsMap()
			// The body runs with each item in turn: follow it for each
			// known item (a few), then with the variable unknown.
			for i, it := range items {
				if i == 4 || !it.Known() {
					break
				}
				vars[wi.Name.Value] = it.Value
				w.stmts(c.Do, ws, stdin)
			}
			delete(vars, wi.Name.Value)
		}
		w.stmts(c.Do, ws, stdin)
	case *syntax.CaseClause:
		w.substs(c.Word, ws)
		for _, item := range c.Items {
			w.stmts(item.Stmts, ws, stdin)
		}
	case *syntax.FuncDecl:
		if c.Name != nil {
			if w.funcs == nil {
				w.funcs = map[string]*syntax.Stmt{}
			}
			w.funcs[c.Name.Value] = c.Body
		}
	case *syntax.DeclClause:
		for _, a := range c.Args {
			w.assign(a, ws)
		}
	case *syntax.TimeClause:
		w.stmt(c.Stmt, ws, stdin)
	case *syntax.CoprocClause:
		w.stmt(c.Stmt, ws, stdin)
	case *syntax.TestClause:
		syntax.Walk(c.X, func(n syntax.Node) bool { return !w.substNode(n, ws) })
	case *syntax.ArithmCmd:
		syntax.Walk(c.X, func(n syntax.Node) bool { return !w.substNode(n, ws) })
	case *syntax.LetClause:
		for _, x := range c.Exprs {
			syntax.Walk(x, func(n syntax.Node) bool { return !w.substNode(n, ws) })
		}
	}
}

func (w *walker) stmts(sts []*syntax.Stmt, ws *words, stdin *Input) {
	for _, st := range sts {
		w.stmt(st, ws, stdin)
	}
}

// heredoc is the body of a here-document as the program reads it.
func (w *walker) heredoc(r *syntax.Redirect, ws *words) Input {
	start, end := int(r.Hdoc.Pos().Offset()), int(r.Hdoc.End().Offset())
	in := Input{From: "heredoc", Span: ws.org.span(start, end)}
	quoted := false
	if r.Word != nil {
		for _, p := range r.Word.Parts {
			if _, ok := p.(*syntax.Lit); !ok {
				quoted = true
			}
		}
	}
	if quoted {
		// <<'EOF': the body is taken literally.
		if start >= 0 && end <= len(ws.text) && start <= end {
			in.Text, in.Known = ws.text[start:end], true
			in.origin = origin{base: ws.org.base + start, exact: ws.org.exact, whole: in.Span}
		}
		return in
	}
	w.substs(r.Hdoc, ws)
	a := ws.arg(r.Hdoc)
	in.Text, in.Known = a.Value, true // unknown parts stay marked in the text
	in.origin = originOf(a)
	if a.Raw != a.Value {
		in.origin = origin{whole: in.Span}
	}
	return in
}

// plainWord reports whether a word has only literal parts: nothing in it
// runs, and walking it can be skipped.
func plainWord(word *syntax.Word) bool {
	for _, p := range word.Parts {
		switch p.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
		default:
			return false
		}
	}
	return true
}

// substs walks the command and process substitutions inside a word.
func (w *walker) substs(word *syntax.Word, ws *words) {
	if word == nil || plainWord(word) {
		return
	}
	syntax.Walk(word, func(n syntax.Node) bool {
		return !w.substNode(n, ws)
	})
}

// substNode walks the statements of a command or process substitution and
// reports whether n was one. Its inside is then walked by stmts, which
// finds the substitutions nested in it: a walk that went on into it too
// analysed a substitution nested k deep k times, quadratic work that a
// 12 KB command of nested $( kept the detector busy for seconds with.
func (w *walker) substNode(n syntax.Node, ws *words) bool {
	switch s := n.(type) {
	case *syntax.CmdSubst:
		w.stmts(s.Stmts, ws, nil)
	case *syntax.ProcSubst:
		w.stmts(s.Stmts, ws, nil)
	default:
		return false
	}
	return true
}

// assign records a variable the command sets.
func (w *walker) assign(a *syntax.Assign, ws *words) {
	if a == nil || a.Name == nil {
		return
	}
	vars := w.varsMap()
	if a.Value == nil || a.Index != nil || a.Array != nil || a.Append {
		delete(vars, a.Name.Value)
		if a.Value == nil && a.Naked {
			return
		}
	}
	if a.Value == nil {
		vars[a.Name.Value] = ""
		return
	}
	w.substs(a.Value, ws)
	v := ws.arg(a.Value)
	if v.Known() && !a.Append && a.Index == nil {
		vars[a.Name.Value] = v.Value
	} else {
		delete(vars, a.Name.Value)
	}
}

// call handles one simple command.
func (w *walker) call(c *syntax.CallExpr, ws *words, stdin *Input, redirs []Redir, st *syntax.Stmt) {
	for _, word := range c.Args {
		w.substs(word, ws)
	}
	if len(c.Args) == 0 {
		for _, a := range c.Assigns {
			w.assign(a, ws)
		}
		start, end := int(st.Pos().Offset()), int(st.End().Offset())
		w.redirects(redirs, &Invocation{Span: ws.org.span(start, end), w: w, org: ws.org, ws: ws})
		return
	}
	var env map[string]string
	for _, a := range c.Assigns {
		w.substs(a.Value, ws)
		if a.Name != nil && a.Value != nil {
			if env == nil {
				env = map[string]string{}
			}
			env[a.Name.Value] = ws.arg(a.Value).Value
		}
	}
	args := make([]Arg, 0, len(c.Args))
	for _, word := range c.Args {
		a := ws.arg(word)
		w.annotate(&a, word, ws)
		args = appendFields(args, a, word)
	}
	start, end := int(st.Pos().Offset()), int(st.End().Offset())
	inv := &Invocation{Args: args, Env: env, Stdin: stdin, Redirs: redirs, Span: ws.org.span(start, end), w: w, org: ws.org, ws: ws}
	w.redirects(redirs, inv)
	w.remember(inv)
	w.run(inv)
}

// appendFields appends a with the shell's field splitting: an unquoted expansion whose
// value is known and has spaces (CMD="rm -rf"; $CMD ~) becomes several
// words.
func appendFields(dst []Arg, a Arg, word *syntax.Word) []Arg {
	if a.Quoted || plainWord(word) || !a.Known() || !strings.ContainsAny(a.Value, " \t\n") {
		return append(dst, a)
	}
	for f := range strings.FieldsSeq(a.Value) { // none at all: expands to nothing
		dst = append(dst, Arg{Value: f, Raw: a.Raw, Span: a.Span, substs: a.substs})
	}
	return dst
}

// remember notes files the command writes with known content (cat > f
// <<EOF, tee f <<EOF, echo ... > f), so running or reading them later in
// the same command is seen through.
func (w *walker) remember(inv *Invocation) {
	if len(inv.Args) == 0 || !inv.Args[0].Known() {
		return
	}
	name := programName(inv.Args[0].Value)
	var content *Input
	var targets []Arg
	switch name {
	case "cat":
		if len(inv.Args) == 1 && inv.Stdin != nil && inv.Stdin.Known {
			content = inv.Stdin
		}
	case "tee":
		if inv.Stdin != nil && inv.Stdin.Known {
			content = inv.Stdin
			for _, a := range inv.Args[1:] {
				if !strings.HasPrefix(a.Value, "-") {
					targets = append(targets, a)
				}
			}
		}
	case "echo", "printf":
		if out, ok := literalOutput(name, inv.Args[1:], nil); ok {
			content = &Input{Text: out, Known: true, From: name, Span: inv.Span, origin: origin{whole: inv.Span}}
		}
	}
	if content == nil {
		return
	}
	for _, r := range inv.Redirs {
		if r.Op == ">" || r.Op == ">|" || r.Op == ">>" {
			targets = append(targets, r.Target)
		}
	}
	for _, t := range targets {
		if t.Known() {
			if w.files == nil {
				w.files = map[string]Input{}
			}
			c := *content
			c.From = "file " + t.Value + " written earlier in the command"
			w.files[t.Value] = c
		}
	}
}

// FileContent is the content of a file the command wrote earlier (cat >
// x.sql <<EOF ...), if known.
func (inv *Invocation) FileContent(path string) (Input, bool) {
	in, ok := inv.w.files[path]
	if !ok && strings.HasPrefix(path, "./") {
		in, ok = inv.w.files[path[2:]]
	}
	return in, ok
}

// annotate records what a word's substitutions are: the programs whose
// output it contains, and for a process substitution what reading it
// yields.
func (w *walker) annotate(a *Arg, word *syntax.Word, ws *words) {
	if plainWord(word) {
		return
	}
	syntax.Walk(word, func(n syntax.Node) bool {
		if cs, ok := n.(*syntax.CmdSubst); ok && len(cs.Stmts) > 0 {
			if call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr); ok && len(call.Args) > 0 {
				a.substs = append(a.substs, programName(ws.arg(call.Args[0]).Value))
			} else {
				a.substs = append(a.substs, "")
			}
		}
		return true
	})
	if len(word.Parts) == 1 {
		if ps, ok := word.Parts[0].(*syntax.ProcSubst); ok && ps.Op == syntax.CmdIn && len(ps.Stmts) > 0 {
			out := w.output(ps.Stmts[len(ps.Stmts)-1], ws, nil)
			a.proc = &out
		}
	}
}

// run dispatches an invocation whose Args[0] is the program.
func (w *walker) run(inv *Invocation) {
	ws := inv.ws
	for len(inv.Args) > 0 && w.tick(inv.org) {
		prog := inv.Args[0]
		if !prog.Known() {
			w.dynamicProgram(inv)
			return
		}
		name := programName(prog.Value)
		if in, ok := w.files[prog.Value]; ok && strings.Contains(prog.Value, "/") && !w.calling["file "+prog.Value] {
			// ./script.sh written earlier in this command.
			if w.calling == nil {
				w.calling = map[string]bool{}
			}
			w.calling["file "+prog.Value] = true
			w.analyzeString(in.Text, in.origin)
			delete(w.calling, "file "+prog.Value)
			return
		}
		if body, ok := w.aliases[name]; ok && !w.calling["alias "+name] {
			w.expandAlias(inv, name, body)
			return
		}
		if body, ok := w.funcs[name]; ok && !w.calling[name] {
			if w.calling == nil {
				w.calling = map[string]bool{}
			}
			w.calling[name] = true
			restore := w.bindPositional(append([]Arg{prog}, inv.Args[1:]...))
			w.stmt(body, ws, inv.Stdin)
			restore()
			delete(w.calling, name)
			return
		}
		inv.Name, inv.NameSpan, inv.Args = name, prog.Span, inv.Args[1:]
		if asksForHelp(inv.Args) && !wrappers[name] {
			return // prints help and exits
		}
		if next, ok := w.unwrap(inv); ok {
			if next == nil {
				return
			}
			inv = next
			continue
		}
		for _, a := range analysers[inv.Name] {
			a(inv)
		}
		return
	}
}

// dynamicProgram handles a command whose name is not knowable ($CMD ...).
func (w *walker) dynamicProgram(inv *Invocation) {
	w.flag("opaque.dynamic-program", "", "runs a program whose name is only known when it runs ("+inv.Args[0].Raw+"); sentinel cannot tell what it does", []Span{inv.Args[0].Span})
}

// expandAlias replaces the alias name by its definition.
func (w *walker) expandAlias(inv *Invocation, name, body string) {
	if w.calling == nil {
		w.calling = map[string]bool{}
	}
	w.calling["alias "+name] = true
	defer delete(w.calling, "alias "+name)
	rest := make([]string, 0, len(inv.Args))
	for _, a := range inv.Args[1:] {
		// As written, so a glob stays a glob and quotes stay quotes.
		if a.Raw != "" {
			rest = append(rest, a.Raw)
		} else {
			rest = append(rest, shellQuote(a.Value))
		}
	}
	w.analyzeString(strings.TrimSpace(body+" "+strings.Join(rest, " ")), origin{whole: inv.Span})
}

// redirects flags output redirections that destroy data. inv is the
// command they belong to, for expanding their targets.
func (w *walker) redirects(redirs []Redir, inv *Invocation) {
	if len(redirs) == 0 {
		return
	}
	ex := newExpander(inv)
	cwd := cwdOf(inv, ex)
	for _, r := range redirs {
		if r.Op == ">>" || r.Op == "&>>" {
			continue
		}
		p := pathOf(inv, r.Target, ex, cwd)
		if !r.Target.Known() && !strings.Contains(p, unknown) {
			// > $HOME/.ssh/id_ed25519: judged by where it points.
			r.Target.Value = p
		}
		checkTruncatingRedirect(w, r)
	}
}

// output is what a statement writes to its standard output, when the
// detector can know it (echo, printf, cat of a heredoc, base64 -d of a
// literal): this is how "echo ... | base64 -d | sh" is seen through.
func (w *walker) output(st *syntax.Stmt, ws *words, stdin *Input) Input {
	if st == nil || stdin != nil {
		return w.computeOutput(st, ws, stdin)
	}
	// A long pipeline asks for the output of each prefix in turn; remember
	// them, or a|b|c|... costs quadratic time.
	if o, ok := w.outputs[st]; ok {
		return o
	}
	o := w.computeOutput(st, ws, nil)
	if w.outputs == nil {
		w.outputs = map[*syntax.Stmt]Input{}
	}
	w.outputs[st] = o
	return o
}

func (w *walker) computeOutput(st *syntax.Stmt, ws *words, stdin *Input) Input {
	out := Input{From: "output of a command"}
	if st == nil {
		return out
	}
	start, end := int(st.Pos().Offset()), int(st.End().Offset())
	out.Span = ws.org.span(start, end)
	out.origin = origin{whole: out.Span}
	// The statement's own heredoc or here-string is its stdin.
	for _, r := range st.Redirs {
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			if r.Hdoc != nil {
				in := w.heredoc(r, ws)
				stdin = &in
			}
		case syntax.WordHdoc:
			a := ws.arg(r.Word)
			stdin = &Input{Text: a.Value + "\n", Known: a.Known(), From: "here-string", Span: a.Span, origin: originOf(a)}
		}
	}
	switch c := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		if (c.Op == syntax.Pipe || c.Op == syntax.PipeAll) && w.outputDepth < 64 {
			// Outputs are followed through a few dozen stages; beyond
			// that (only ever seen in adversarial input) they are unknown.
			w.outputDepth++
			mid := w.output(c.X, ws, stdin)
			w.outputDepth--
			return w.computeOutput(c.Y, ws, &mid)
		}
		return out
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			return out
		}
		args := make([]Arg, len(c.Args))
		for i, word := range c.Args {
			args[i] = ws.arg(word)
		}
		name := programName(args[0].Value)
		out.From = "output of " + name
		out.Producer, out.ProducerArgs = name, args[1:]
		text, ok := literalOutput(name, args[1:], stdin)
		if ok {
			out.Text, out.Known = text, true
			if name == "echo" || name == "printf" || name == "cat" {
				// Spans inside echoed text still point into the command
				// when the argument was a verbatim literal.
				if len(args) == 2 && text == args[1].Value+"\n" || len(args) == 2 && text == args[1].Value {
					out.origin = originOf(args[1])
				} else if stdin != nil && stdin.Known && text == stdin.Text {
					out.origin = stdin.origin
				}
			}
		}
		return out
	}
	return out
}

// literalOutput computes the output of programs whose output follows from
// their arguments and input alone.
func literalOutput(name string, args []Arg, stdin *Input) (string, bool) {
	for _, a := range args {
		if !a.Known() {
			return "", false
		}
	}
	vals := make([]string, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	switch name {
	case "echo":
		newline, escapes := true, false
		for len(vals) > 0 && len(vals[0]) > 1 && vals[0][0] == '-' && strings.Trim(vals[0][1:], "neE") == "" {
			newline = newline && !strings.Contains(vals[0], "n")
			escapes = escapes || strings.Contains(vals[0], "e")
			vals = vals[1:]
		}
		s := strings.Join(vals, " ")
		if escapes {
			s = decodeEscapes(s, false)
		}
		if newline {
			s += "\n"
		}
		return s, true
	case "printf":
		if len(vals) == 0 {
			return "", false
		}
		return printf(vals[0], vals[1:]), true
	case "cat":
		if len(vals) == 0 && stdin != nil && stdin.Known {
			return stdin.Text, true
		}
	case "base64":
		if stdin != nil && stdin.Known && hasAny(vals, "-d", "--decode", "-D") {
			s := strings.Join(strings.Fields(stdin.Text), "")
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(s); err == nil {
					return string(b), true
				}
			}
		}
	case "xxd":
		if stdin != nil && stdin.Known && hasAny(vals, "-r") && hasAny(vals, "-p", "-ps", "-plain") {
			if b, err := hex.DecodeString(strings.Join(strings.Fields(stdin.Text), "")); err == nil {
				return string(b), true
			}
		}
	case "rev":
		if stdin != nil && stdin.Known {
			var lines []string
			for _, l := range strings.Split(stdin.Text, "\n") {
				r := []rune(l)
				for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
					r[i], r[j] = r[j], r[i]
				}
				lines = append(lines, string(r))
			}
			return strings.Join(lines, "\n"), true
		}
	}
	return "", false
}

func hasAny(vals []string, want ...string) bool {
	for _, v := range vals {
		for _, w := range want {
			if v == w {
				return true
			}
		}
	}
	return false
}

// printf applies a printf format well enough to see through obfuscation:
// %s, %b, %c, %d and escapes, with the format reused for extra arguments.
func printf(format string, args []string) string {
	var b strings.Builder
	for first := true; first || len(args) > 0; first = false {
		used := false
		f := format
		for i := 0; i < len(f); i++ {
			c := f[i]
			if c == '\\' {
				j := i + 1
				for j < len(f) && j < i+5 && f[j] != '\\' && f[j] != '%' {
					j++
				}
				b.WriteString(decodeEscapes(f[i:j], false))
				i = j - 1
				continue
			}
			if c != '%' || i+1 >= len(f) {
				b.WriteByte(c)
				continue
			}
			i++
			for i < len(f) && strings.IndexByte("-+ #0123456789.", f[i]) >= 0 {
				i++
			}
			if i >= len(f) {
				break
			}
			verb := f[i]
			if verb == '%' {
				b.WriteByte('%')
				continue
			}
			var arg string
			if len(args) > 0 {
				arg, args, used = args[0], args[1:], true
			}
			switch verb {
			case 'b':
				b.WriteString(decodeEscapes(arg, false))
			case 'c':
				if arg != "" {
					b.WriteByte(arg[0])
				}
			default:
				b.WriteString(arg)
			}
		}
		if !used {
			break
		}
	}
	return b.String()
}

// shellQuote quotes s for re-parsing.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// asksForHelp reports whether the arguments ask a program for its help,
// which makes it print and exit without doing anything.
func asksForHelp(args []Arg) bool {
	for _, a := range args {
		if a.Value == "--" {
			return false
		}
		if a.Value == "--help" {
			return true
		}
	}
	return false
}
