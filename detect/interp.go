package detect

import (
	"path"
	"strings"
)

// The interpreter analyser: one-liners and heredocs run by python, node,
// ruby, perl, php, deno and bun. It does not parse six languages; it finds
// string literals and comments (so mentions inside strings and comments do
// not count), then looks for the calls that destroy data: file deletion
// (judged by the path, like the files analyser judges rm), commands handed
// to a shell (analysed as shell by the normal analysers), destructive SQL
// and datastore wipes, and HTTP requests (judged by the HTTP analyser).

func init() {
	register(
		Rule{ID: "interpreter.delete-critical", Category: "interpreter", Severity: Critical, Verdict: Pause,
			Description: "An interpreter one-liner deletes /, a home directory, a system directory or a database's data directory.",
			Examples: []string{
				`python -c "import shutil; shutil.rmtree('/home/user')"`,
				`ruby -e "require 'fileutils'; FileUtils.rm_rf('/home/user')"`,
				`node -e "require('fs').rmSync(require('os').homedir(), {recursive: true, force: true})"`,
			}},
		Rule{ID: "interpreter.delete", Category: "interpreter", Severity: High, Verdict: Pause,
			Description: "An interpreter one-liner deletes a directory tree outside the working directory, the working directory itself, a repository's .git, a system file, a key or a file that holds data.",
			Examples: []string{
				`python3 -c "import os; os.remove('/etc/passwd')"`,
				`python -c "import shutil; shutil.rmtree('/tmp/demo')"`,
				`perl -e 'use File::Path; rmtree("/srv/app/uploads")'`,
			}},
		Rule{ID: "interpreter.delete-unknown", Category: "interpreter", Severity: Medium, Verdict: Warn,
			Description: "An interpreter one-liner deletes a directory tree whose path is only known when it runs.",
			Examples:    []string{`python -c "import shutil, sys; shutil.rmtree(sys.argv[1])" "$DIR"`}},
		Rule{ID: "interpreter.database-drop", Category: "interpreter", Severity: Critical, Verdict: Pause,
			Description: "An interpreter one-liner drops a database or schema, or flushes every Redis database.",
			Examples:    []string{`python -c "import psycopg2; c=psycopg2.connect('dbname=app').cursor(); c.execute('DROP DATABASE app')"`, `python3 -c "import redis; redis.Redis().flushall()"`}},
		Rule{ID: "interpreter.database-wipe", Category: "interpreter", Severity: High, Verdict: Pause,
			Description: "An interpreter one-liner drops or truncates a table, deletes or updates every row, or wipes a collection or Redis database.",
			Examples:    []string{`python -c "import sqlite3; sqlite3.connect('app.db').execute('DROP TABLE users')"`, `node -e "db.collection('users').deleteMany({})"`}},
	)
	handle(analyseInterpreter,
		"python", "python2", "python3", "pypy", "pypy3", "python3.8", "python3.9", "python3.10", "python3.11",
		"python3.12", "python3.13", "python3.14", "node", "nodejs", "ruby", "perl", "php", "deno", "bun")
}

type lang int

const (
	langPython lang = iota
	langJS
	langRuby
	langPerl
	langPHP
)

var langNames = [...]string{"Python", "JavaScript", "Ruby", "Perl", "PHP"}

func interpLang(name string) lang {
	switch {
	case strings.HasPrefix(name, "python") || strings.HasPrefix(name, "pypy"):
		return langPython
	case name == "ruby":
		return langRuby
	case name == "perl":
		return langPerl
	case name == "php":
		return langPHP
	}
	return langJS
}

// interpSource is the code an interpreter runs, or why it cannot be known.
type interpSource struct {
	text  string
	org   origin
	span  Span
	known bool // false: code only known at run time
	raw   string
	stdin bool // read from standard input
	none  bool // a script file, a module, an interactive session
}

func analyseInterpreter(inv *Invocation) {
	src := interpreterSource(inv)
	if src.none {
		return
	}
	l := interpLang(inv.Name)
	if src.stdin {
		switch {
		case inv.Stdin == nil, strings.HasPrefix(inv.Stdin.From, "file "):
			return // interactive, or a script on disk
		case !inv.Stdin.Known:
			inv.Flag("opaque.pipe-to-shell", "", "pipes "+inv.Stdin.From+" into "+inv.Name+": it runs code that is unknown until it runs", inv.Stdin.Span, inv.NameSpan)
			return
		}
		src = interpSource{text: inv.Stdin.Text, org: inv.Stdin.origin, span: inv.Stdin.Span, known: true}
	}
	if !src.known {
		inv.Flag("opaque.dynamic-code", "", inv.Name+" runs code built at run time ("+abbrev(src.raw, 60)+"); what it does is unknown until it runs", src.span)
		return
	}
	checkCode(inv, l, src.text, src.org, 0)
}

// interpreterSource finds the code an interpreter invocation runs.
func interpreterSource(inv *Invocation) interpSource {
	args := inv.Args
	fromArg := func(i, off int) interpSource {
		if i >= len(args) {
			return interpSource{none: true}
		}
		a := args[i]
		text := a.Value[min(off, len(a.Value)):]
		o := argOrigin(a)
		if off > 0 {
			if o.exact {
				o.base += off
			} else {
				o = origin{whole: a.Span}
			}
		}
		return interpSource{text: text, org: o, span: a.Span, known: !(Arg{Value: text}).MayBeEmpty(), raw: a.Raw}
	}
	switch inv.Name {
	case "deno":
		if len(args) == 0 {
			return interpSource{none: true}
		}
		switch args[0].Value {
		case "eval":
			for i := 1; i < len(args); i++ {
				v := args[i].Value
				if !strings.HasPrefix(v, "-") || !args[i].Known() {
					return fromArg(i, 0)
				}
			}
		case "run":
			for _, a := range args[1:] {
				if a.Value == "-" {
					return interpSource{stdin: true}
				}
			}
		}
		return interpSource{none: true}
	case "php":
		var codes []interpSource
		for i := 0; i < len(args); i++ {
			v := args[i].Value
			switch {
			case v == "-r" || v == "--run":
				codes = append(codes, fromArg(i+1, 0))
				i++
			case strings.HasPrefix(v, "-r") && len(v) > 2:
				codes = append(codes, fromArg(i, 2))
			case v == "-d" || v == "-c" || v == "-z" || v == "-t" || v == "-S" || v == "-f":
				if v == "-f" {
					return interpSource{none: true}
				}
				i++
			case v == "--":
				return interpSource{none: true}
			case !strings.HasPrefix(v, "-"):
				if len(codes) > 0 {
					return codes[0]
				}
				return interpSource{none: true} // a script
			}
		}
		if len(codes) > 0 {
			return codes[0]
		}
		return interpSource{stdin: true}
	}
	// python, node, bun, ruby, perl: short options clustered.
	l := interpLang(inv.Name)
	codeLetters, attached, valued := "c", "WX", "WX"
	switch {
	case l == langJS:
		codeLetters, attached, valued = "ep", "", "rC"
	case l == langRuby:
		codeLetters, attached, valued = "e", "rICEFx0iWTKl", "rICE"
	case l == langPerl:
		codeLetters, attached, valued = "eE", "MmIil0xCFdDV", "I"
	}
	var codes []interpSource
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		switch {
		case v == "-":
			if len(codes) == 0 {
				return interpSource{stdin: true}
			}
		case v == "--" || !strings.HasPrefix(v, "-") || !a.Known() && !strings.HasPrefix(a.Raw, "-"):
			if len(codes) == 0 {
				return interpSource{none: true} // a script
			}
			return joinCodes(codes)
		case strings.HasPrefix(v, "--"):
			name, _, hasEq := strings.Cut(v, "=")
			switch name {
			case "--eval", "--print":
				if l == langJS {
					if hasEq {
						codes = append(codes, fromArg(i, len(name)+1))
					} else {
						codes = append(codes, fromArg(i+1, 0))
						i++
					}
				}
			case "--require", "--import", "--loader", "--experimental-loader", "--conditions", "--check-hash-based-pycs", "--env-file", "--input-type", "--title":
				if !hasEq {
					i++
				}
			}
		default:
			for j := 1; j < len(v); j++ {
				c := v[j]
				if l == langPython && c == 'm' {
					return interpSource{none: true}
				}
				if strings.IndexByte(codeLetters, c) >= 0 {
					if l == langJS && c == 'p' && j+1 < len(v) && v[j+1] == 'e' {
						continue // -pe: print and eval
					}
					if j+1 < len(v) && l != langJS {
						codes = append(codes, fromArg(i, j+1))
					} else {
						codes = append(codes, fromArg(i+1, 0))
						i++
					}
					if l == langPython {
						return codes[0] // the rest are arguments to the code
					}
					break
				}
				if strings.IndexByte(attached, c) >= 0 || strings.IndexByte(valued, c) >= 0 {
					if j+1 == len(v) && strings.IndexByte(valued, c) >= 0 {
						i++ // value in the next argument
					}
					break
				}
			}
		}
	}
	if len(codes) > 0 {
		return joinCodes(codes)
	}
	return interpSource{stdin: true}
}

// joinCodes joins several -e programs (ruby, perl run them as lines).
func joinCodes(codes []interpSource) interpSource {
	if len(codes) == 1 {
		return codes[0]
	}
	out := interpSource{known: true}
	var texts []string
	for _, c := range codes {
		if c.none {
			continue
		}
		if !c.known {
			return c
		}
		texts = append(texts, c.text)
	}
	out.text = strings.Join(texts, "\n")
	out.span = Span{codes[0].span.Start, codes[len(codes)-1].span.End}
	out.org = origin{whole: out.span}
	return out
}

// ---- scanning code ----

// codeLit is a string literal in code.
type codeLit struct {
	start, end int    // the literal with its quotes
	val        string // its value, unknown where interpolated
	vstart     int    // where the value starts in the code
	exact      bool   // val is code[vstart:vstart+len(val)]
	shell      bool   // a backtick or %x{} / qx{} command
	tmpl       string // the value before interpolation, when interpolated
}

// codeScan is code with its literals found and comments and literal
// contents blanked out, so patterns match only real code.
type codeScan struct {
	lang   lang
	code   string
	masked string
	lits   []codeLit
	litAt  map[int]int // literal start -> index
	vars   map[string]string
	org    origin
	cwd    string
	lower  string // the code in lower case, for cheap keyword gates
	// tooLarge is set when a bound on the work was reached.
	tooLarge bool
}

// has reports whether the code mentions any of the words (lower case): a
// cheap gate before the regular expressions.
func (s *codeScan) has(words ...string) bool {
	for _, w := range words {
		if strings.Contains(s.lower, w) {
			return true
		}
	}
	return false
}

func scanCode(l lang, code string) *codeScan {
	s := &codeScan{lang: l, code: code, litAt: map[int]int{}, lower: strings.ToLower(code)}
	m := []byte(code)
	blank := func(a, b int) {
		for k := a; k < b && k < len(m); k++ {
			if m[k] != '\n' {
				m[k] = ' '
			}
		}
	}
	fill := func(a, b int) {
		for k := a + 1; k < b-1 && k < len(m); k++ {
			if m[k] != '\n' {
				m[k] = 'S'
			}
		}
	}
	i := 0
	n := len(code)
	for i < n {
		c := code[i]
		switch {
		case c == '#' && l != langJS && (l == langPython || l == langRuby || i == 0 || strings.IndexByte(" \t\n;{(", code[i-1]) >= 0) && !(l == langPHP && i+1 < n && code[i+1] == '['):
			j := strings.IndexByte(code[i:], '\n')
			if j < 0 {
				j = n - i
			}
			blank(i, i+j)
			i += j
		case c == '/' && i+1 < n && code[i+1] == '/' && (l == langJS || l == langPHP) && (i == 0 || code[i-1] != ':'):
			j := strings.IndexByte(code[i:], '\n')
			if j < 0 {
				j = n - i
			}
			blank(i, i+j)
			i += j
		case c == '/' && i+1 < n && code[i+1] == '*' && (l == langJS || l == langPHP):
			j := strings.Index(code[i+2:], "*/")
			end := n
			if j >= 0 {
				end = i + 2 + j + 2
			}
			blank(i, end)
			i = end
		case c == '\'' || c == '"' || c == '`':
			lit := s.readLit(i, "")
			if c == '`' && l == langJS && i > 0 && code[i-1] == '$' {
				lit.shell = true // Bun's $`...` shell
			}
			fill(lit.start, lit.end)
			s.add(lit)
			i = max(lit.end, i+1)
		case l == langPython && isPyPrefix(code, i):
			j := i
			for j < n && code[j] != '\'' && code[j] != '"' {
				j++
			}
			lit := s.readLit(j, strings.ToLower(code[i:j]))
			lit.start = i
			fill(j, lit.end)
			s.add(lit)
			i = max(lit.end, i+1)
		case (l == langRuby || l == langPerl) && isPercentLit(l, code, i):
			lit := s.readPercentLit(i)
			fill(lit.start, lit.end)
			s.add(lit)
			i = max(lit.end, i+1)
		default:
			i++
		}
	}
	s.masked = string(m)
	return s
}

// ensureVars works out, once and only when a check needs it, the values
// of the variables the code assigns, then interpolates strings with them
// (and the variables once more, for values built from those strings).
func (s *codeScan) ensureVars() {
	if s.vars != nil {
		return
	}
	s.vars = s.assignments()
	again := false
	for i := range s.lits {
		if l := &s.lits[i]; l.tmpl != "" {
			if v := s.interpolate(l.tmpl, s.vars); v != l.val {
				l.val, again = v, true
			}
		}
	}
	if again {
		s.vars = s.assignments()
	}
}

func (s *codeScan) add(l codeLit) {
	s.litAt[l.start] = len(s.lits)
	s.lits = append(s.lits, l)
}

// isPyPrefix reports a Python string prefix (r, b, f, rb, fr, u) at i.
func isPyPrefix(code string, i int) bool {
	if i > 0 && (isIdentByte(code[i-1])) {
		return false
	}
	j := i
	for j < len(code) && j-i < 2 && strings.IndexByte("rRbBfFuU", code[j]) >= 0 {
		j++
	}
	return j > i && j < len(code) && (code[j] == '\'' || code[j] == '"')
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isPercentLit reports Ruby %x{..} %q(..) %Q[..] and Perl qx{..} q(..)
// qq{..} at i.
func isPercentLit(l lang, code string, i int) bool {
	if i > 0 && isIdentByte(code[i-1]) {
		return false
	}
	rest := code[i:]
	if l == langRuby {
		return len(rest) >= 3 && rest[0] == '%' && strings.IndexByte("xqQw", rest[1]) >= 0 && strings.IndexByte("{([<|!/", rest[2]) >= 0
	}
	for _, p := range []string{"qx", "qq", "q"} {
		if strings.HasPrefix(rest, p) && len(rest) > len(p) && strings.IndexByte("{([<|!/#", rest[len(p)]) >= 0 {
			return true
		}
	}
	return false
}

func closer(open byte) byte {
	switch open {
	case '{':
		return '}'
	case '(':
		return ')'
	case '[':
		return ']'
	case '<':
		return '>'
	}
	return open
}

func (s *codeScan) readPercentLit(i int) codeLit {
	code := s.code
	j := i
	for j < len(code) && isIdentByte(code[j]) || j < len(code) && code[j] == '%' {
		j++
	}
	kind := strings.TrimPrefix(code[i:j], "%")
	if j >= len(code) {
		return codeLit{start: i, end: len(code)}
	}
	open := code[j]
	cl := closer(open)
	depth := 1
	k := j + 1
	var b strings.Builder
	for k < len(code) {
		c := code[k]
		if c == '\\' && k+1 < len(code) {
			b.WriteByte(code[k+1])
			k += 2
			continue
		}
		if c == open && cl != open {
			depth++
		} else if c == cl {
			depth--
			if depth == 0 {
				break
			}
		}
		b.WriteByte(c)
		k++
	}
	val := b.String()
	interp := kind == "x" || kind == "Q" || kind == "qq" || kind == "qx"
	tmpl := ""
	if interp {
		tmpl = val
		val = s.interpolate(val, nil)
	}
	return codeLit{start: i, end: min(k+1, len(code)), val: val, vstart: j + 1, exact: val == code[j+1:min(k, len(code))], shell: kind == "x" || kind == "qx", tmpl: tmpl}
}

// readLit reads the string literal whose opening quote is at i.
func (s *codeScan) readLit(i int, prefix string) codeLit {
	code := s.code
	q := code[i]
	triple := s.lang == langPython && strings.HasPrefix(code[i:], strings.Repeat(string(q), 3))
	open := 1
	if triple {
		open = 3
	}
	raw := strings.Contains(prefix, "r")
	j := i + open
	var b strings.Builder
	for j < len(code) {
		c := code[j]
		if triple && strings.HasPrefix(code[j:], strings.Repeat(string(q), 3)) || !triple && c == q {
			break
		}
		if c == '\\' && j+1 < len(code) {
			e := code[j+1]
			switch {
			case raw:
				b.WriteByte(c)
				b.WriteByte(e)
			case q == '\'' && (s.lang == langRuby || s.lang == langPerl || s.lang == langPHP):
				if e == '\'' || e == '\\' {
					b.WriteByte(e)
				} else {
					b.WriteByte(c)
					b.WriteByte(e)
				}
			default:
				switch e {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case '0':
					b.WriteByte(0)
				case '\n':
				default:
					b.WriteByte(e)
				}
			}
			j += 2
			continue
		}
		b.WriteByte(c)
		j++
	}
	end := min(j+open, len(code))
	val := b.String()
	body := code[i+open : min(j, len(code))]
	interp := false
	switch {
	case s.lang == langPython:
		interp = strings.Contains(prefix, "f")
	case s.lang == langJS:
		interp = q == '`'
	case s.lang == langRuby, s.lang == langPerl, s.lang == langPHP:
		interp = q != '\''
	}
	tmpl := ""
	if interp {
		tmpl = val
		val = s.interpolate(val, nil)
	}
	return codeLit{start: i, end: end, val: val, vstart: i + open, exact: val == body,
		shell: q == '`' && s.lang != langJS && s.lang != langPython, tmpl: tmpl}
}

var (
	pyInterpRE   = lazyRegexp(`\{([^{}]*)\}`)
	jsInterpRE   = lazyRegexp(`\$\{([^{}]*)\}`)
	rbInterpRE   = lazyRegexp(`#\{([^{}]*)\}`)
	plphpInterRE = lazyRegexp(`\{?([$@][A-Za-z_][\w]*)((?:->\w+|\[[^\]]*\]|\{[^}]*\})*)\}?|\$\{([A-Za-z_]\w*)\}`)
)

// interpolate resolves the interpolated parts of a string: variables the
// code assigned, the home directory; anything else is unknown.
func (s *codeScan) interpolate(v string, vars map[string]string) string {
	resolve := func(expr string) string {
		expr = strings.TrimSpace(expr)
		if i := strings.IndexAny(expr, "!:"); s.lang == langPython && i > 0 {
			expr = expr[:i] // {x!r}, {x:>10}
		}
		switch {
		case homeExprRE.MatchString(expr):
			return "~"
		case cwdExprRE.MatchString(expr):
			return "."
		}
		if val, ok := vars[expr]; ok {
			return val
		}
		return unknown
	}
	sub := func(re *lazyRE, v string) string {
		return re.ReplaceAllStringFunc(v, func(m string) string {
			g := re.FindStringSubmatch(m)
			return resolve(g[1])
		})
	}
	switch s.lang {
	case langPython:
		v = strings.NewReplacer("{{", "\x00", "}}", "\x01").Replace(v)
		v = sub(pyInterpRE, v)
		return strings.NewReplacer("\x00", "{", "\x01", "}").Replace(v)
	case langJS:
		return sub(jsInterpRE, v)
	case langRuby:
		return sub(rbInterpRE, v)
	}
	return plphpInterRE.ReplaceAllStringFunc(v, func(m string) string {
		g := plphpInterRE.FindStringSubmatch(m)
		if g[3] != "" {
			return resolve("$" + g[3])
		}
		if g[2] != "" {
			return unknown // $a[1], $o->x
		}
		return resolve(g[1])
	})
}

// litIn returns the literal occupying exactly [a, b) of the code.
func (s *codeScan) litIn(a, b int) (codeLit, bool) {
	a, b = trimRange(s.masked, a, b)
	if k, ok := s.litAt[a]; ok && s.lits[k].end == b {
		return s.lits[k], true
	}
	return codeLit{}, false
}

func trimRange(t string, a, b int) (int, int) {
	for a < b && strings.IndexByte(" \t\n\r", t[a]) >= 0 {
		a++
	}
	for b > a && strings.IndexByte(" \t\n\r", t[b-1]) >= 0 {
		b--
	}
	return a, b
}

var assignRE = lazyRegexp(`(?m)(?:^|[;{(\s])(?:(?:const|let|var|my|our|local)\s+)?([$]?[A-Za-z_]\w*)\s*=[^=~>]`)

// assignments records name = <value> where the value can be evaluated. A
// name assigned twice with different values is unknown.
func (s *codeScan) assignments() map[string]string {
	vars := map[string]string{}
	seen := map[string]bool{}
	// Past a few thousand assignments the rest stay unknown: values are
	// then unknown, which is judged, not passed.
	for _, m := range assignRE.FindAllStringSubmatchIndex(s.masked, 4*maxSites) {
		name := s.masked[m[2]:m[3]]
		start := m[1] - 1
		end := statementEnd(s.masked, start)
		v := s.evalWith(start, end, vars, 0)
		if seen[name] && vars[name] != v {
			v = unknown
		}
		seen[name] = true
		vars[name] = v
	}
	if s.has("for") {
		s.loopVars(vars)
	}
	return vars
}

var (
	loopRE     = lazyRegexp(`\bfor\s*\(?\s*(?:(?:const|let|var|my)\s+)?([$]?[A-Za-z_]\w*)\s+(?:in|of)\s+`)
	listFuncRE = lazyRegexp(`^(?:os\s*\.\s*(?:listdir|scandir)|fs\s*\.\s*readdirSync|Dir\s*\.\s*(?:children|entries)|os\s*\.\s*walk)\s*\(`)
	globFuncRE = lazyRegexp(`^(?:glob\s*\.\s*i?glob|glob|iglob|Dir\s*\.\s*glob|glob\s*\.\s*sync|globSync)\s*\(`)
	pathGlobRE = lazyRegexp(`\.\s*r?glob\s*\(`)
	loopEndRE  = lazyRegexp(`:|\bif\b|\bdo\b|\)\s*\{|$`)
)

// loopVars binds loop variables (for p in glob.glob("x"), for p in
// ["a", "b"]) to the worst path they can take.
func (s *codeScan) loopVars(vars map[string]string) {
	for _, m := range s.sites(loopRE, s.masked) {
		name := s.masked[m[2]:m[3]]
		end := statementEnd(s.masked, m[1])
		if e := loopEndRE.FindStringIndex(s.masked[m[1]:end]); e != nil && e[0] > 0 {
			end = m[1] + e[0]
		}
		a, b := trimRange(s.masked, m[1], end)
		if a >= b {
			continue
		}
		expr := s.masked[a:b]
		v := unknown
		switch {
		case expr[0] == '[' || expr[0] == '(':
			elems, close := s.callArgs(a)
			if close != b-1 {
				break
			}
			worst := -1
			for _, e := range elems {
				ev := s.evalWith(e[0], e[1], vars, 1)
				if r, _ := judgeDeletePath(ev, true, s.cwd); r > worst {
					v, worst = ev, r
				}
			}
		case globFuncRE.MatchString(expr):
			if args, _ := s.callArgs(a + strings.IndexByte(expr, '(')); len(args) > 0 {
				v = s.evalWith(args[0][0], args[0][1], vars, 1)
			}
		case listFuncRE.MatchString(expr):
			dir := "."
			if args, _ := s.callArgs(a + strings.IndexByte(expr, '(')); len(args) > 0 {
				dir = s.evalWith(args[0][0], args[0][1], vars, 1)
			}
			v = joinPath(dir, unknown)
		case pathGlobRE.MatchString(expr):
			loc := pathGlobRE.FindStringIndex(expr)
			base := s.evalWith(a, a+loc[0], vars, 1)
			pat := unknown
			if args, _ := s.callArgs(a + loc[1] - 1); len(args) > 0 {
				pat = s.evalWith(args[0][0], args[0][1], vars, 1)
			}
			v = joinPath(base, pat)
		}
		vars[name] = v
	}
}

// statementEnd finds the end of the expression starting at i: a ; or
// newline or , at bracket depth zero, or a closing bracket.
func statementEnd(t string, i int) int {
	depth := 0
	for k := i; k < len(t); k++ {
		if k-i > scanLimit {
			return k
		}
		switch t[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return k
			}
			depth--
		case ';', '\n':
			if depth == 0 {
				return k
			}
		case ',':
			if depth == 0 {
				return k
			}
		}
	}
	return len(t)
}

// callArgs splits the arguments of the call whose ( is at open into
// ranges; close is the index of the matching ).
func (s *codeScan) callArgs(open int) (args [][2]int, close int) {
	t := s.masked
	depth := 0
	start := open + 1
	limit := min(len(t), open+scanLimit)
	for k := open; k < limit; k++ {
		switch t[k] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				if a, b := trimRange(t, start, k); a < b {
					args = append(args, [2]int{a, b})
				}
				return args, k
			}
		case ',':
			if depth == 1 {
				if a, b := trimRange(t, start, k); a < b {
					args = append(args, [2]int{a, b})
				}
				start = k + 1
			}
		}
	}
	if a, b := trimRange(t, start, limit); a < b {
		args = append(args, [2]int{a, b})
	}
	return args, limit
}

// bareArgs reads the arguments of a call written without parentheses
// (perl's unlink '/x', ruby's FileUtils.rm_rf '/x'), or with them.
func (s *codeScan) argsAt(i int) [][2]int {
	t := s.masked
	if i > 0 && i <= len(t) && t[i-1] == '(' {
		args, _ := s.callArgs(i - 1)
		return args
	}
	k := i
	for k < len(t) && (t[k] == ' ' || t[k] == '\t') {
		k++
	}
	if k < len(t) && t[k] == '(' {
		args, _ := s.callArgs(k)
		return args
	}
	end := k
	depth := 0
	for end < len(t) && end-k < scanLimit {
		c := t[end]
		if depth == 0 && (c == ';' || c == '\n' || c == '}' || strings.HasPrefix(t[end:], " or ") || strings.HasPrefix(t[end:], " if ") || strings.HasPrefix(t[end:], " unless ") || strings.HasPrefix(t[end:], "||") || strings.HasPrefix(t[end:], "&&")) {
			break
		}
		if c == '(' || c == '[' || c == '{' {
			depth++
		} else if c == ')' || c == ']' {
			if depth == 0 {
				break
			}
			depth--
		}
		end++
	}
	var args [][2]int
	start := k
	depth = 0
	for p := k; p <= end; p++ {
		if p == end || t[p] == ',' && depth == 0 {
			if a, b := trimRange(t, start, p); a < b {
				args = append(args, [2]int{a, b})
			}
			start = p + 1
			continue
		}
		switch t[p] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
	}
	return args
}

var (
	homeExprRE = lazyRegexp(`^(?:pathlib\.)?Path\.home\(\)$|^os\.(?:path\.)?expanduser\(\s*['"]~['"]\s*\)$|^os\.environ\[\s*['"]HOME['"]\s*\]$|^os\.(?:environ\.get|getenv)\(\s*['"]HOME['"]\s*\)$|^(?:require\(\s*['"](?:node:)?os['"]\s*\)|os)\.homedir\(\)$|^process\.env(?:\.HOME|\[\s*['"]HOME['"]\s*\])$|^Dir\.home$|^ENV\[\s*['"]HOME['"]\s*\]$|^\$ENV\{\s*['"]?HOME['"]?\s*\}$|^getenv\(\s*['"]HOME['"]\s*\)$|^\$_SERVER\[\s*['"]HOME['"]\s*\]$|^Deno\.env\.get\(\s*['"]HOME['"]\s*\)$|^File\.expand_path\(\s*['"]~['"]\s*\)$`)
	cwdExprRE  = lazyRegexp(`^os\.getcwd\(\)$|^process\.cwd\(\)$|^Dir\.pwd$|^getcwd\(\)$|^Deno\.cwd\(\)$|^__dirname$|^(?:pathlib\.)?Path\.cwd\(\)$|^(?:pathlib\.)?Path\(\)$`)
	identRE    = lazyRegexp(`^[$@]?[A-Za-z_]\w*$`)
	funcCallRE = lazyRegexp(`^([A-Za-z_][\w.:]*(?:->\w+)?)\s*\(`)
	pathSuffRE = lazyRegexp(`\.(?:resolve|absolute|expanduser|to_s|toString|to_path|normalize)\(\)$|\.(?:to_s|to_path)$`)
)

// joinFuncs join their arguments as path elements.
var joinFuncs = map[string]bool{
	"os.path.join": true, "path.join": true, "path.resolve": true, "File.join": true, "Path": true, "pathlib.Path": true,
	"PurePath": true, "PosixPath": true, "Pathname.new": true, "Pathname": true, "str": true, "os.path.abspath": true,
	"os.path.realpath": true, "os.path.expanduser": true, "os.path.normpath": true, "path.normalize": true,
	"File.expand_path": true, "os.fspath": true, "String": true, "realpath": true, "catfile": true,
	"File::Spec->catfile": true, "File::Spec->catdir": true, "path.posix.join": true, "URL": true,
}

func (s *codeScan) eval(a, b int) string {
	s.ensureVars()
	return s.evalWith(a, b, s.vars, 0)
}

// evalWith evaluates a string or path expression: literals, variables,
// home and working directory expressions, joins and concatenation.
// Anything else is unknown.
func (s *codeScan) evalWith(a, b int, vars map[string]string, depth int) string {
	a, b = trimRange(s.masked, a, b)
	if a >= b || depth > 8 {
		return unknown
	}
	if lit, ok := s.litIn(a, b); ok {
		return lit.val
	}
	m := s.masked[a:b]
	c := s.code[a:b]
	if loc := pathSuffRE.FindStringIndex(m); loc != nil && loc[0] > 0 {
		return s.evalWith(a, a+loc[0], vars, depth+1)
	}
	switch {
	case (strings.Contains(c, "home") || strings.Contains(c, "HOME") || strings.Contains(c, "~")) && homeExprRE.MatchString(c):
		return "~"
	case (strings.Contains(c, "cwd") || strings.Contains(c, "dirname") || strings.Contains(c, "pwd") || strings.Contains(c, "Path()")) && cwdExprRE.MatchString(c):
		return "."
	case identRE.MatchString(m):
		if v, ok := vars[m]; ok {
			return v
		}
		return unknown
	case m[0] == '(' && m[len(m)-1] == ')':
		if _, close := s.callArgs(a); close == b-1 {
			return s.evalWith(a+1, b-1, vars, depth+1)
		}
	}
	// Concatenation at depth zero: + everywhere, / for pathlib, . in Perl
	// and PHP.
	ops := "+"
	switch s.lang {
	case langPython:
		ops = "+/"
	case langPerl, langPHP:
		ops = "+."
	}
	var parts [][2]int
	var seps []byte
	depthN := 0
	start := a
	for k := a; k < b; k++ {
		ch := s.masked[k]
		switch {
		case ch == '(' || ch == '[' || ch == '{':
			depthN++
		case ch == ')' || ch == ']' || ch == '}':
			depthN--
		case depthN == 0 && strings.IndexByte(ops, ch) >= 0 && k > a:
			if ch == '.' && (k+1 < b && isIdentByte(s.masked[k+1]) && isIdentByte(s.masked[k-1])) {
				continue // a method call, not concatenation
			}
			parts = append(parts, [2]int{start, k})
			seps = append(seps, ch)
			start = k + 1
		}
	}
	if len(parts) > 0 {
		parts = append(parts, [2]int{start, b})
		out := s.evalWith(parts[0][0], parts[0][1], vars, depth+1)
		for i, p := range parts[1:] {
			v := s.evalWith(p[0], p[1], vars, depth+1)
			if seps[i] == '/' {
				out = joinPath(out, v)
			} else {
				out += v
			}
		}
		return out
	}
	if fm := funcCallRE.FindStringSubmatch(m); fm != nil {
		name := fm[1]
		open := a + len(fm[0]) - 1
		args, close := s.callArgs(open)
		if close == b-1 && joinFuncs[name] {
			if len(args) == 0 {
				return "."
			}
			out := ""
			for i, r := range args {
				v := s.evalWith(r[0], r[1], vars, depth+1)
				if i == 0 {
					out = v
				} else {
					out = joinPath(out, v)
				}
			}
			return out
		}
	}
	return unknown
}

func joinPath(a, b string) string {
	if strings.HasPrefix(b, "/") || a == "" {
		return b
	}
	if strings.HasSuffix(a, "/") {
		return a + b
	}
	return a + "/" + b
}

// span maps a range of the code to the command.
func (s *codeScan) span(a, b int) Span { return s.org.span(a, b) }

// litOrigin maps offsets in a literal's value to the command.
func (s *codeScan) litOrigin(l codeLit) origin {
	if l.exact && s.org.exact {
		return origin{base: s.org.base + l.vstart, exact: true}
	}
	return origin{whole: s.span(l.start, l.end)}
}

// ---- checks ----

// maxCodeDepth bounds exec("...") inside code.
const maxCodeDepth = 3

// Bounds on the work spent on one program, so a huge or hostile one-liner
// is analysed in bounded time: arguments are read up to scanLimit bytes
// from their call, receivers up to receiverLimit bytes back, and at most
// maxSites call sites per check; a program with more is paused as too
// large rather than passed after a partial look.
const (
	scanLimit     = 4096
	receiverLimit = 256
	maxSites      = 256
)

// sites returns the matches of re, at most maxSites; more mark the scan
// as too large.
func (s *codeScan) sites(re *lazyRE, text string) [][]int {
	m := re.FindAllStringSubmatchIndex(text, maxSites+1)
	if len(m) > maxSites {
		s.tooLarge = true
		m = m[:maxSites]
	}
	return m
}

type delCall struct {
	re        *lazyRE
	recursive bool   // deletes trees
	recvPath  bool   // the path is the receiver: Path('/x').unlink()
	optRec    bool   // recursive when the options say recursive: true
	name      string // for reasons; "" takes the match
	onCode    bool   // match the code itself: the pattern names a module in a string
}

// delGates are the words without which no delete call of a language can
// be present.
var delGates = map[lang][]string{
	langPython: {"rmtree", "remove", "unlink", "rmdir"},
	langJS:     {"rm", "unlink", "remove", "rimraf", "emptydir", "del", "trash"},
	langRuby:   {"rm", "remove", "delete", "unlink", "rmtree"},
	langPerl:   {"rmtree", "remove_tree", "unlink", "rmdir"},
	langPHP:    {"unlink", "rmdir", "deletedirectory"},
}

var shellGates = map[lang][]string{
	langPython: {"system", "popen", "subprocess", "check_", "getoutput", "spawn", "run("},
	langJS:     {"exec", "spawn", "deno", "bun"},
	langRuby:   {"system", "exec", "spawn", "popen", "open3"},
	langPerl:   {"system", "exec"},
	langPHP:    {"exec", "system", "passthru", "popen", "proc_open"},
}

var delCalls = map[lang][]delCall{
	langPython: {
		{re: lazyRegexp(`(?:\bshutil\s*\.\s*|\.|\b)rmtree\s*\(`), recursive: true, name: "shutil.rmtree"},
		{re: lazyRegexp(`\bos\s*\.\s*(?:remove|unlink|rmdir|removedirs)\s*\(`)},
		{re: lazyRegexp(`__import__\(\s*['"]S+['"]\s*\)\s*\.\s*(?:remove|unlink|rmdir|removedirs)\s*\(`), name: "os.remove"},
		{re: lazyRegexp(`\.\s*(?:unlink|rmdir)\s*\(`), recvPath: true},
	},
	langJS: {
		{re: lazyRegexp(`(?:\b(?:fs|fsp|fse|fsExtra|promises)|\))\s*\.\s*(?:rmSync|rm|rmdirSync|rmdir)\s*\(`), optRec: true},
		{re: lazyRegexp(`(?:\b(?:fs|fsp|fse|fsExtra|promises)|\))\s*\.\s*(?:unlinkSync|unlink)\s*\(`)},
		{re: lazyRegexp(`(?:\b(?:fs|fsp|fse|fsExtra)|\))\s*\.\s*(?:removeSync|remove|emptyDirSync|emptyDir)\s*\(`), recursive: true},
		{re: lazyRegexp(`(?:^|[^.\w$])(?:rmSync|rmdirSync)\s*\(`), optRec: true},
		{re: lazyRegexp(`(?:^|[^.\w$])unlinkSync\s*\(`)},
		{re: lazyRegexp(`\brimraf(?:\s*\.\s*(?:sync|rimrafSync)|Sync)?\s*\(`), recursive: true, name: "rimraf"},
		{re: lazyRegexp(`\brequire\(\s*['"](?:rimraf|del|trash)['"]\s*\)(?:\s*\.\s*(?:sync|rimrafSync|deleteSync))?\s*\(`), recursive: true, name: "rimraf", onCode: true},
		{re: lazyRegexp(`\bDeno\s*\.\s*remove(?:Sync)?\s*\(`), optRec: true},
	},
	langRuby: {
		{re: lazyRegexp(`\bFileUtils\s*\.\s*(?:rm_rf|rm_r|remove_dir|remove_entry_secure|remove_entry|rmtree)\b`), recursive: true},
		{re: lazyRegexp(`\bFileUtils\s*\.\s*(?:rm_f|rm|remove|remove_file|rmdir)\b`)},
		{re: lazyRegexp(`\b(?:File|Dir)\s*\.\s*(?:delete|unlink|rmdir)\b`)},
		{re: lazyRegexp(`\.\s*rmtree\b`), recursive: true, recvPath: true, name: "Pathname#rmtree"},
	},
	langPerl: {
		{re: lazyRegexp(`(?:^|[^\w$@%>:])(?:File::Path::)?(?:rmtree|remove_tree)\b`), recursive: true},
		{re: lazyRegexp(`(?:^|[^\w$@%>:])(?:unlink|rmdir)\b`)},
	},
	langPHP: {
		{re: lazyRegexp(`(?:^|[^\w$>:])(?:unlink|rmdir)\s*\(`)},
		{re: lazyRegexp(`\bFile::deleteDirectory\s*\(|->\s*deleteDirectory\s*\(`), recursive: true},
	},
}

// shellCalls hand a string (or an argument list) to a shell or exec.
var shellCalls = map[lang]*lazyRE{
	langPython: lazyRegexp(`\b(?:os\s*\.\s*(?:system|popen)|subprocess\s*\.\s*(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\s*\.\s*getoutput|pty\s*\.\s*spawn)\s*\(|\)\s*\.\s*(?:system|popen)\s*\(|(?:^|[^.\w])(?:check_output|check_call|getoutput)\s*\(`),
	langJS:     lazyRegexp(`(?:\b(?:child_process|cp|childProcess|proc)\s*\.\s*|\)\s*\.\s*|(?:^|[^.\w$]))(?:execSync|exec|execFileSync|execFile|spawnSync|spawn)\s*\(|\bBun\s*\.\s*spawn(?:Sync)?\s*\(|\bnew\s+Deno\s*\.\s*Command\s*\(|\bDeno\s*\.\s*run\s*\(`),
	langRuby:   lazyRegexp(`(?:^|[^.\w])(?:system|exec|spawn)\b|\bKernel\s*\.\s*(?:system|exec|spawn)\b|\bIO\s*\.\s*popen\b|\bOpen3\s*\.\s*(?:capture2e|capture2|capture3|popen3|popen2e|popen2|pipeline)\b`),
	langPerl:   lazyRegexp(`(?:^|[^\w$@%>:])(?:system|exec)\b`),
	langPHP:    lazyRegexp(`(?:^|[^\w$>:])(?:exec|shell_exec|system|passthru|popen|proc_open)\s*\(`),
}

// pySubprocessAny matches subprocess functions through an alias (import
// subprocess as sp), used when the code imports subprocess.
var pySubprocessAny = lazyRegexp(`\b\w+\s*\.\s*(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(`)

// evalCalls run a string as code in the same language.
var evalCalls = map[lang]*lazyRE{
	langPython: lazyRegexp(`(?:^|[^.\w])(?:exec|eval)\s*\(`),
	langJS:     lazyRegexp(`(?:^|[^.\w$])(?:eval|Function)\s*\(`),
	langRuby:   lazyRegexp(`(?:^|[^.\w])(?:eval|instance_eval)\b`),
	langPerl:   lazyRegexp(`(?:^|[^\w$@%>:])eval\b`),
	langPHP:    lazyRegexp(`(?:^|[^\w$>:])eval\s*\(`),
}

// checkCode analyses one program.
func checkCode(inv *Invocation, l lang, code string, org origin, depth int) {
	if depth > maxCodeDepth || code == "" {
		return
	}
	s := scanCode(l, code)
	s.org = org
	s.cwd = inv.w.cwd
	for _, lit := range s.lits {
		if lit.tmpl != "" && (lit.shell || strings.Contains(lit.tmpl, "mutation")) {
			s.ensureVars() // interpolated commands and queries
			break
		}
	}
	via := " in a " + langNames[l] + " one-liner"
	s.checkDeletes(inv, via)
	s.checkShell(inv)
	s.checkDatabases(inv, via)
	s.checkHTTP(inv, via)
	defer func() {
		if s.tooLarge {
			inv.Flag("opaque.too-large", "", "is a "+langNames[l]+" program too large or complex for sentinel to analyse fully; what it does is unknown", s.span(0, len(code)))
		}
	}()
	if re := evalCalls[l]; re != nil && s.has("exec", "eval", "function") {
		for _, m := range s.sites(re, s.masked) {
			args := s.argsAt(m[1])
			if len(args) == 0 {
				continue
			}
			if lit, ok := s.litIn(args[0][0], args[0][1]); ok && !lit.shell {
				checkCode(inv, l, lit.val, s.litOrigin(lit), depth+1)
			}
		}
	}
}

func (s *codeScan) checkDeletes(inv *Invocation, via string) {
	if !s.has(delGates[s.lang]...) {
		return
	}
	for _, dc := range delCalls[s.lang] {
		text := s.masked
		if dc.onCode {
			text = s.code
		}
		for _, m := range s.sites(dc.re, text) {
			name := callName(s.code[m[0]:m[1]])
			if dc.name != "" {
				name = dc.name
			}
			var p string
			args := s.argsAt(m[1])
			from := m[0]
			for from < m[1] && !isIdentByte(s.masked[from]) && s.masked[from] != '$' {
				from++ // the character before the call, a ) or a .
			}
			if dc.recvPath {
				// Path('/x').unlink(): the receiver is the path.
				dot := strings.LastIndexByte(s.masked[m[0]:m[1]], '.') + m[0]
				recvStart := receiverStart(s.masked, dot)
				if recvStart >= dot {
					continue
				}
				recv := strings.TrimSpace(s.masked[recvStart:dot])
				if recv == "os" || recv == "shutil" || recv == "FileUtils" || strings.HasSuffix(recv, "fs") || strings.HasPrefix(recv, "__import__") {
					continue
				}
				p = s.eval(recvStart, dot)
				from, _ = trimRange(s.masked, recvStart, dot)
				if !strings.Contains(name, "rmtree") {
					name = "Path." + strings.TrimSpace(strings.Trim(s.masked[dot+1:m[1]], "( "))
				}
			} else {
				if len(args) == 0 {
					continue
				}
				p = s.eval(args[0][0], args[0][1])
			}
			recursive := dc.recursive
			if dc.optRec && len(args) > 1 {
				opts := s.code[args[1][0]:args[len(args)-1][1]]
				recursive = strings.Contains(opts, "recursive") && strings.Contains(opts, "true")
			}
			end := m[1]
			if len(args) > 0 && !dc.recvPath {
				end = args[0][1]
			}
			at := s.span(from, end)
			flagDeletePath(inv, p, recursive, name, via, s.cwd, at)
		}
	}
}

// callName cleans a matched call for reasons: " fs.rmSync(" is fs.rmSync.
func callName(t string) string {
	t = strings.Join(strings.Fields(t), "")
	t = strings.TrimRight(t, "(")
	for len(t) > 0 && !isIdentByte(t[0]) && t[0] != '$' {
		t = t[1:]
	}
	return t
}

// receiverStart walks back from a '.' over the receiver expression:
// identifiers, dots, and bracketed groups.
func receiverStart(t string, dot int) int {
	k := dot
	for k > 0 && dot-k < receiverLimit {
		c := t[k-1]
		switch {
		case isIdentByte(c) || c == '.' || c == '$':
			k--
		case c == ')' || c == ']':
			depth := 0
			for k > 0 && dot-k < receiverLimit {
				k--
				if t[k] == ')' || t[k] == ']' {
					depth++
				} else if t[k] == '(' || t[k] == '[' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
		default:
			return k
		}
	}
	return k
}

// flagDeletePath judges a delete by its path.
func flagDeletePath(inv *Invocation, p string, recursive bool, call, via, cwd string, at Span) {
	level, why := judgeDeletePath(p, recursive, cwd)
	shown := showText(p)
	what := shown
	if strings.TrimSuffix(p, "/") == "~" {
		what = "the home directory (~)"
	}
	if recursive {
		what += " and everything under it"
	}
	switch level {
	case riskCritical:
		inv.Flag("interpreter.delete-critical", shown, "deletes "+what+" ("+call+via+"); "+why, at)
	case riskHigh:
		inv.Flag("interpreter.delete", shown, "deletes "+what+" ("+call+via+"); "+why, at)
	case riskUnknown:
		inv.Flag("interpreter.delete-unknown", "", "deletes a directory only known at run time ("+shown+") and everything under it ("+call+via+"); sentinel cannot tell what it removes", at)
	}
}

const (
	riskNone = iota
	riskUnknown
	riskHigh
	riskCritical
)

var systemDirs = httpSetOf("/etc /usr /bin /sbin /lib /lib32 /lib64 /libx32 /boot /opt /srv /var /System /Library /Applications /private /dev /proc /sys /snap /mnt /media /nix /root /home /Users /Volumes")

var secretDirs = []string{"/.ssh", "/.aws", "/.gnupg", "/.kube", "/.config", "/.docker", "/.azure", "/.gcloud", "/.password-store", "/.netrc", "/.git-credentials", "/.pgpass"}

var dataDirs = []string{"/var/lib/postgresql", "/var/lib/pgsql", "/var/lib/mysql", "/var/lib/mariadb", "/var/lib/mongodb", "/var/lib/redis", "/var/lib/docker", "/var/lib/etcd", "/var/lib/elasticsearch", "/var/lib/clickhouse", "/var/lib/cassandra", "/usr/local/var/postgres", "/opt/homebrew/var/postgresql"}

// judgeDeletePath rates deleting p (a tree when recursive).
func judgeDeletePath(p string, recursive bool, cwd string) (int, string) {
	p = strings.TrimSpace(p)
	if p == "" {
		return riskNone, ""
	}
	if (Arg{Value: p}).MayBeEmpty() {
		if recursive {
			return riskUnknown, ""
		}
		return riskNone, ""
	}
	for _, pre := range []string{"$HOME", "${HOME}"} {
		if p == pre || strings.HasPrefix(p, pre+"/") {
			p = "~" + p[len(pre):]
		}
	}
	if cwd != "" && cwd != "/" && strings.HasPrefix(p, strings.TrimSuffix(cwd, "/")+"/") {
		p = p[len(strings.TrimSuffix(cwd, "/"))+1:]
	}
	known := p
	partial := false
	if i := strings.Index(p, unknown); i >= 0 {
		known, partial = p[:i], true
	}
	clean := known
	if clean != "" && !partial {
		clean = path.Clean(known)
	} else if i := strings.LastIndexByte(known, '/'); i >= 0 {
		clean = path.Clean(known[:i+1])
		if known[:i+1] == "/" {
			clean = "/"
		}
	}
	if partial && (clean == "/home" || clean == "/Users") && !strings.Contains(p[len(known):], "/") && recursive {
		return riskCritical, "that is a home directory (whose is only known at run time): code, keys and settings, with no trash to restore them from"
	}
	homeRel := ""
	switch {
	case clean == "~" || strings.HasPrefix(clean, "~/"):
		homeRel = strings.TrimPrefix(clean, "~")
	case strings.HasPrefix(clean, "/home/") || strings.HasPrefix(clean, "/Users/"):
		rest := clean[strings.IndexByte(clean[1:], '/')+2:]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			homeRel = rest[i:]
		} else {
			homeRel = ""
		}
		if rest == "Shared" {
			homeRel = "/x"
		}
	case clean == "/root" || strings.HasPrefix(clean, "/root/"):
		homeRel = strings.TrimPrefix(clean, "/root")
	default:
		homeRel = "-"
	}
	for _, c := range []string{"/.cache", "/Library/Caches", "/.npm/_cacache", "/.yarn/cache", "/.gradle/caches", "/.m2/repository", "/.cargo/registry", "/.pnpm-store", "/.bun/install/cache"} {
		if homeRel != "-" && (homeRel == c || strings.HasPrefix(homeRel, c+"/")) {
			return riskNone, "" // a cache: it fills up again
		}
	}
	base := strings.ToLower(path.Base(clean))
	for _, s := range dataFileSuffixes {
		if strings.HasSuffix(base, s) && !partial {
			return riskHigh, "it is a file that holds data (" + s + "), and there is no trash to restore it from"
		}
	}
	for _, d := range dataDirs {
		if clean == d || strings.HasPrefix(clean, d+"/") {
			if recursive {
				return riskCritical, "it holds a database's files"
			}
			return riskHigh, "it is part of a database's files"
		}
	}
	for _, d := range secretDirs {
		if homeRel != "-" && (homeRel == d || strings.HasPrefix(homeRel, d+"/")) {
			return riskHigh, "it holds keys or credentials that cannot be recovered"
		}
	}
	switch {
	case clean == "/" || clean == "/*":
		if partial && !recursive {
			return riskNone, ""
		}
		if partial {
			return riskHigh, "it is a directory under / only known at run time"
		}
		return riskCritical, "that is the whole file system"
	case homeRel == "" && !partial:
		if recursive {
			return riskCritical, "that is a home directory: code, keys and settings, with no trash to restore them from"
		}
		return riskHigh, "that is a home directory"
	case homeRel != "-" && strings.Count(homeRel, "/") == 1 && strings.HasPrefix(homeRel, "/.") && !partial:
		return riskHigh, "it is configuration in a home directory"
	case systemDirs[clean] && !partial:
		if recursive {
			return riskCritical, "the system cannot run without it"
		}
		return riskHigh, "it is a system directory"
	}
	top := clean
	if strings.HasPrefix(top, "/") {
		if i := strings.IndexByte(top[1:], '/'); i >= 0 {
			top = top[:i+1]
		}
	}
	temp := strings.HasPrefix(clean, "/tmp") || strings.HasPrefix(clean, "/var/tmp") || strings.HasPrefix(clean, "/private/tmp") || strings.HasPrefix(clean, "/var/folders") || strings.HasPrefix(clean, "/dev/shm")
	switch {
	case strings.HasPrefix(clean, "/") && !temp && top == "/etc":
		return riskHigh, "it is system configuration under /etc"
	case strings.HasPrefix(clean, "/") && !temp && (top == "/usr" || top == "/bin" || top == "/sbin" || top == "/lib" || top == "/lib64" || top == "/boot" || top == "/System" || top == "/Library"):
		return riskHigh, "the system needs it to run (under " + top + ")"
	case strings.HasPrefix(clean, "/") && !temp && (top == "/var" || top == "/opt" || top == "/srv"):
		return riskHigh, "it is a service's software or data under " + top
	case base == ".git" || strings.HasSuffix(clean, "/.git") || clean == ".git":
		if recursive || strings.Contains(clean, ".git") {
			return riskHigh, "that is the repository's history: commits not pushed anywhere are gone"
		}
	}
	if !recursive {
		return riskNone, ""
	}
	outside := ""
	if cwd != "" {
		outside = " outside the working directory"
	}
	switch {
	case clean == "." || clean == "*" || clean == "./*" || known == "":
		if partial {
			return riskUnknown, ""
		}
		return riskHigh, "that is the whole working directory"
	case clean == ".." || strings.HasPrefix(clean, "../"):
		return riskHigh, "it is outside the working directory"
	case temp:
		return riskHigh, "agents reach for an interpreter when a plain rm would be stopped, and there is no trash to restore from"
	case strings.HasPrefix(clean, "~") || homeRel != "-":
		return riskHigh, "it is in a home directory" + outside + ", with no trash to restore it from"
	case strings.HasPrefix(clean, "/"):
		return riskHigh, "it is an absolute path" + outside + ", with no trash to restore it from"
	}
	return riskNone, ""
}

// checkShell hands strings given to a shell or exec to the shell
// analysers.
func (s *codeScan) checkShell(inv *Invocation) {
	for _, l := range s.lits {
		if l.shell && strings.TrimSpace(l.val) != "" {
			inv.Analyze(l.val, s.litOrigin(l))
		}
	}
	re := shellCalls[s.lang]
	if re == nil || !s.has(shellGates[s.lang]...) {
		return
	}
	matches := s.sites(re, s.masked)
	if s.lang == langPython && strings.Contains(s.masked, "subprocess") {
		matches = append(matches, s.sites(pySubprocessAny, s.masked)...)
	}
	for _, m := range matches {
		args := s.argsAt(m[1])
		if len(args) == 0 {
			continue
		}
		// One string: a command line. A list, or several strings: a
		// program and its arguments.
		if !s.isList(args[0]) && (len(args) == 1 || !s.isStringArg(args[1]) && !s.isList(args[1])) {
			if lit, ok := s.litIn(args[0][0], args[0][1]); ok {
				inv.Analyze(lit.val, s.litOrigin(lit))
			} else if v := s.eval(args[0][0], args[0][1]); !(Arg{Value: v}).MayBeEmpty() {
				inv.Analyze(v, origin{whole: s.span(args[0][0], args[0][1])})
			}
			continue
		}
		var words []string
		for _, a := range args {
			if s.isList(a) {
				inner, _ := s.callArgs(a[0])
				for _, e := range inner {
					words = append(words, s.eval(e[0], e[1]))
				}
				continue
			}
			if !s.isStringArg(a) {
				if len(words) > 0 {
					break
				}
				continue
			}
			words = append(words, s.eval(a[0], a[1]))
		}
		if len(words) == 0 {
			continue
		}
		for i, w := range words {
			words[i] = shellQuote(w)
			if strings.Contains(w, unknown) {
				words[i] = w
			}
		}
		inv.Analyze(strings.Join(words, " "), origin{whole: s.span(m[0], args[len(args)-1][1])})
	}
}

// isList reports an array literal argument: ["rm", "-rf", p].
func (s *codeScan) isList(a [2]int) bool {
	t := s.masked[a[0]:a[1]]
	if t == "" || t[0] != '[' && !(t[0] == '(' && s.lang == langPerl) && !strings.HasPrefix(t, "%w") {
		return false
	}
	_, close := s.callArgs(a[0])
	return close == a[1]-1
}

// isStringArg reports whether an argument is a string-ish expression (not
// an options object, a keyword argument or a callback).
func (s *codeScan) isStringArg(a [2]int) bool {
	t := strings.TrimSpace(s.masked[a[0]:a[1]])
	if t == "" || t[0] == '{' || strings.HasPrefix(t, "function") || strings.Contains(t, "=>") && !strings.HasPrefix(t, "[") {
		return false
	}
	if i := strings.IndexByte(t, '='); i > 0 && identRE.MatchString(strings.TrimSpace(t[:i])) && (i+1 >= len(t) || t[i+1] != '=') {
		return false // keyword argument: shell=True
	}
	if _, ok := s.litIn(a[0], a[1]); ok {
		return true
	}
	return !(Arg{Value: s.eval(a[0], a[1])}).MayBeEmpty()
}

// ---- databases ----

var (
	// dbMarkerRE (on lower-cased code) says the code talks to a database.
	dbMarkerRE = lazyRegexp(`execute|\.query\s*\(|\.exec\s*\(|\.run\s*\(|\.do\s*\(|\.raw\s*\(|\.sql\s*\(|sqlite|psycopg|pymysql|mysql|mariadb|sqlalchemy|\bdbi\b|\bpdo\b|\bpg\b|postgres|knex|prisma|sequelize|activerecord|sequel|duckdb|snowflake|bigquery|clickhouse|\bconnect\s*\(`)
	dbWipeRE   = lazyRegexp(`\.\s*(flushall|flushAll|flushdb|flushDb|flush_all|drop_database|dropDatabase|drop_collection|dropCollection|delete_many|deleteMany|remove|drop)\s*\(`)
)

func (s *codeScan) checkDatabases(inv *Invocation, via string) {
	var sqlLits []codeLit
	for _, l := range s.lits {
		if l.shell {
			continue
		}
		if sqlMaybe(l.val) {
			sqlLits = append(sqlLits, l)
		}
	}
	if len(sqlLits) > 0 && dbMarkerRE.MatchString(s.lower) {
		memory := false
		for _, l := range s.lits {
			memory = memory || l.val == ":memory:"
		}
		if !memory {
			for i, l := range sqlLits {
				if i == maxSites {
					s.tooLarge = true
					break
				}
				if !sqlAnyRE.MatchString(l.val) {
					continue
				}
				hit, ok := interpSQL(l.val)
				if !ok {
					continue
				}
				rule := "interpreter.database-wipe"
				if hit.critical {
					rule = "interpreter.database-drop"
				}
				inv.Flag(rule, hit.target, hit.what+via+"; "+hit.consequence, s.span(l.start, l.end))
			}
		}
	}
	if !s.has("flush", "drop", "delete_many", "deletemany", "remove") {
		return
	}
	mongo := s.has("mongo")
	for _, m := range s.sites(dbWipeRE, s.masked) {
		call := s.masked[m[2]:m[3]]
		args, close := s.callArgs(m[1] - 1)
		at := s.span(m[0]+1, min(close+1, len(s.code)))
		arg := ""
		if len(args) > 0 {
			arg = showText(s.eval(args[0][0], args[0][1]))
		}
		switch strings.ToLower(call) {
		case "flushall", "flush_all":
			inv.Flag("interpreter.database-drop", "redis", "flushes every Redis database on the server ("+call+via+"); every key is gone and Redis has no undo", at)
		case "flushdb":
			inv.Flag("interpreter.database-wipe", "redis", "flushes the Redis database ("+call+via+"); every key in it is gone and Redis has no undo", at)
		case "drop_database", "dropdatabase":
			what := "the database " + arg
			if arg == "" || arg == "…" {
				what = "the current database"
			}
			inv.Flag("interpreter.database-drop", arg, "drops "+what+" ("+call+via+"); every collection and document in it is gone", at)
		case "drop_collection", "dropcollection":
			inv.Flag("interpreter.database-wipe", arg, "drops the collection "+arg+" ("+call+via+"); its documents are gone", at)
		case "delete_many", "deletemany", "remove":
			if len(args) == 1 && strings.Trim(s.masked[args[0][0]:args[0][1]], "{} \t") == "" && (call != "remove" || mongo) {
				inv.Flag("interpreter.database-wipe", "", "deletes every document of a collection ("+call+"({})"+via+"); they are gone and there is no undo", at)
			}
		case "drop":
			if len(args) == 0 && mongo {
				inv.Flag("interpreter.database-wipe", "", "drops a MongoDB collection ("+call+"()"+via+"); its documents are gone", at)
			}
		}
	}
}

// ---- SQL (a local fallback) ----

// interpSQLHit is a destructive SQL statement.
type interpSQLHit struct {
	what        string // "drops table users"
	target      string
	consequence string
	critical    bool
}

var (
	sqlAnyRE      = lazyRegexp(`(?i)\b(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER)\s`)
	sqlLeadRE     = lazyRegexp(`(?i)^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER)\s`)
	sqlDropRE     = lazyRegexp(`(?is)^DROP\s+(?:TEMPORARY\s+|TEMP\s+)?(TABLE|DATABASE|SCHEMA|KEYSPACE|COLLECTION)\s+(?:IF\s+EXISTS\s+)?([^\s;(,]+)`)
	sqlTruncateRE = lazyRegexp(`(?is)^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?([^\s;(,]+)`)
	sqlDeleteRE   = lazyRegexp(`(?is)^DELETE\s+FROM\s+(?:ONLY\s+)?([^\s;(]+)`)
	sqlUpdateRE   = lazyRegexp(`(?is)^UPDATE\s+(?:ONLY\s+)?([^\s;(]+)\s+SET\b`)
	sqlAlterRE    = lazyRegexp(`(?is)^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?([^\s;(]+)\s+DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?([^\s;,]+)`)
	sqlWhereRE    = lazyRegexp(`(?is)\bWHERE\b\s*(.*)$`)
	sqlTautoRE    = lazyRegexp(`(?is)^(?:1\s*=\s*1|true|'1'\s*=\s*'1'|1)\s*$`)
	sqlCommentRE  = lazyRegexp(`(?s)--[^\n]*|/\*.*?\*/`)
)

// interpSQL classifies the statements of a SQL text, returning the most
// severe destructive one. It is a small local stand-in for the SQL
// analyser's classifier: DROP DATABASE/SCHEMA (critical), DROP/TRUNCATE
// TABLE, DELETE or UPDATE without WHERE (or WHERE 1=1), ALTER TABLE ... DROP.
func interpSQL(text string) (interpSQLHit, bool) {
	if !sqlMaybe(text) {
		return interpSQLHit{}, false
	}
	var best interpSQLHit
	found := false
	for _, st := range splitSQL(sqlCommentRE.ReplaceAllString(text, " ")) {
		st = strings.TrimSpace(st)
		h, ok := sqlStatement(st)
		if ok && (!found || h.critical && !best.critical) {
			best, found = h, true
		}
	}
	return best, found
}

// sqlMaybe is a cheap gate: text that names none of the destructive verbs
// holds no destructive SQL.
func sqlMaybe(text string) bool {
	for i := 0; i+5 <= len(text); i++ {
		switch text[i] | 0x20 {
		case 'd', 't', 'u', 'a':
			w := strings.ToLower(text[i:min(i+8, len(text))])
			if strings.HasPrefix(w, "drop") || strings.HasPrefix(w, "truncate") || strings.HasPrefix(w, "delete") || strings.HasPrefix(w, "update") || strings.HasPrefix(w, "alter") {
				return true
			}
		}
	}
	return false
}

const sqlGone = "only a backup brings them back"

func sqlStatement(st string) (interpSQLHit, bool) {
	name := func(s string) string { return showText(strings.Trim(s, "`\"'[]")) }
	if m := sqlDropRE.FindStringSubmatch(st); m != nil {
		kind := strings.ToLower(m[1])
		n := name(m[2])
		switch kind {
		case "database", "schema", "keyspace":
			return interpSQLHit{what: "drops " + kind + " " + n, target: n, consequence: "every table in it and all their rows are gone; " + sqlGone, critical: true}, true
		}
		return interpSQLHit{what: "drops " + kind + " " + n, target: n, consequence: "its rows are gone; " + sqlGone}, true
	}
	if m := sqlTruncateRE.FindStringSubmatch(st); m != nil {
		n := name(m[1])
		return interpSQLHit{what: "empties table " + n + " (TRUNCATE)", target: n, consequence: "its rows are gone; " + sqlGone}, true
	}
	if m := sqlDeleteRE.FindStringSubmatch(st); m != nil {
		n := name(m[1])
		if w := sqlWhereRE.FindStringSubmatch(st); w == nil || sqlTautoRE.MatchString(strings.TrimSpace(w[1])) {
			return interpSQLHit{what: "deletes every row of table " + n + " (DELETE without a real WHERE)", target: n, consequence: "the rows are gone; " + sqlGone}, true
		}
	}
	if m := sqlUpdateRE.FindStringSubmatch(st); m != nil {
		n := name(m[1])
		if w := sqlWhereRE.FindStringSubmatch(st); w == nil || sqlTautoRE.MatchString(strings.TrimSpace(w[1])) {
			return interpSQLHit{what: "overwrites every row of table " + n + " (UPDATE without a real WHERE)", target: n, consequence: "the old values are gone; " + sqlGone}, true
		}
	}
	if m := sqlAlterRE.FindStringSubmatch(st); m != nil {
		n := name(m[1])
		if strings.EqualFold(m[2], "CONSTRAINT") || strings.EqualFold(m[2], "INDEX") || strings.EqualFold(m[2], "DEFAULT") {
			return interpSQLHit{}, false
		}
		return interpSQLHit{what: "drops column " + name(m[2]) + " of table " + n, target: n, consequence: "the column's values are gone; " + sqlGone}, true
	}
	return interpSQLHit{}, false
}

// splitSQL splits at semicolons outside quotes.
func splitSQL(s string) []string {
	var out []string
	var q byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"' || c == '`':
			q = c
		case c == ';':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// ---- HTTP from code ----

var (
	httpDeleteCallRE = lazyRegexp(`\b(?:requests|httpx|session|client|axios|HTTParty|RestClient|Faraday|HTTP|http|ky|got|superagent|request|\$http|Http)\s*\.\s*(?:delete|del)\s*\(|->\s*delete\s*\(|\bNet::HTTP::Delete\b|\bHTTP::Request\s*->\s*new\s*\(\s*['"]?DELETE\b`)
	httpDeleteCodeRE = lazyRegexp(`\brequire\(\s*['"](?:axios|got|ky|superagent|node-fetch|request)['"]\s*\)\s*\.\s*(?:delete|del)\s*\(`)
	urlLitRE         = lazyRegexp(`^(?i:https?)://`)
	// httpMarkerRE (on lower-cased code) says the code makes HTTP requests.
	httpMarkerRE = lazyRegexp(`\b(?:fetch|requests|httpx|urllib|urllib3|aiohttp|http\.client|httpconnection|httpsconnection|axios|got|ky|superagent|undici|xmlhttprequest|net::http|httparty|restclient|faraday|excon|typhoeus|lwp|http::request|http::tiny|mojo::useragent|curl_init|curl_setopt|file_get_contents|stream_context_create|guzzle|http|gql|graphql|apollo|apolloclient|request)\b`)
	bearerLitRE  = lazyRegexp(`(?i)^\s*bearer\s+(.*)$`)
)

// checkHTTP judges HTTP requests made by the code: DELETEs (a client's
// .delete(url), method "DELETE") and GraphQL mutations in its strings.
func (s *codeScan) checkHTTP(inv *Invocation, via string) {
	if !s.has("delete", "mutation") {
		return
	}
	var urlLit *codeLit
	isDelete := false
	var methodSpan []Span
	var deleteURL string
	haveDeleteURL := false
	r := &httpRequest{via: via}
	for i := range s.lits {
		l := &s.lits[i]
		switch {
		case urlLitRE.MatchString(l.val) && urlLit == nil:
			urlLit = l
		case strings.EqualFold(strings.TrimSpace(l.val), "DELETE"):
			isDelete = true
			methodSpan = append(methodSpan, s.span(l.start, l.end))
		}
		if m := bearerLitRE.FindStringSubmatch(l.val); m != nil && r.auth == "" {
			if strings.Contains(m[1], unknown) || strings.TrimSpace(m[1]) == "" {
				r.auth = " with a bearer token"
			} else {
				r.auth = " with bearer token " + httpMaskSecret(m[1])
			}
		}
		if strings.Contains(l.val, "mutation") {
			r.bodies = append(r.bodies, httpBody{text: l.val, known: true, span: s.span(l.start, l.end), org: s.litOrigin(*l)})
		}
	}
	if !httpMarkerRE.MatchString(strings.ToLower(s.masked)) {
		isDelete, r.bodies = false, nil
	}
	for _, m := range append(s.sites(httpDeleteCallRE, s.masked), s.sites(httpDeleteCodeRE, s.code)...) {
		isDelete = true
		methodSpan = append(methodSpan, s.span(m[0], m[1]))
		if args := s.argsAt(m[1]); len(args) > 0 && !haveDeleteURL {
			deleteURL, haveDeleteURL = s.eval(args[0][0], args[0][1]), true
		}
	}
	if !isDelete && len(r.bodies) == 0 {
		return
	}
	switch {
	case haveDeleteURL && !(Arg{Value: deleteURL}).MayBeEmpty():
		r.url = parseHTTPURL(deleteURL)
		r.url.span = methodSpan[len(methodSpan)-1]
	case urlLit != nil:
		r.url = parseHTTPURL(urlLit.val)
		r.url.span = s.span(urlLit.start, urlLit.end)
	case haveDeleteURL:
		r.url = parseHTTPURL(deleteURL)
		r.url.span = methodSpan[len(methodSpan)-1]
	}
	if isDelete {
		r.method = "DELETE"
		r.methodSpan = methodSpan
		if !r.url.set {
			// Where it goes is only known at run time.
			r.url = httpURL{raw: unknown, host: unknown, set: true, span: methodSpan[0]}
		}
	}
	judgeHTTP(inv, r)
}
