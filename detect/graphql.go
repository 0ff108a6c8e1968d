package detect

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small, tolerant reader of GraphQL documents: enough to find the
// top-level fields of mutation operations and their arguments, which is
// where a destructive call (volumeDelete, deleteProject) lives. It skips
// strings, block strings and comments, follows fragment spreads, and never
// fails: a document cut short or holding unknown parts (a shell variable)
// yields what could be read. The parser of graph-gophers/graphql-go (a
// dependency) is internal to that module and rejects such documents, so
// this one is written by hand.

// gqlField is a top-level field of a mutation.
type gqlField struct {
	Name string
	Args []gqlArg // object arguments flattened: "input.id"
	// Offset is where the field name starts in the document.
	Offset int
}

// gqlArg is one argument; Var marks a $variable reference (Value is its
// name without the $).
type gqlArg struct {
	Name, Value string
	Var         bool
}

type gqlTok struct {
	kind byte // 'n' name, 's' string, 'v' number, 'p' punctuator, 0 end
	val  string
	pos  int
}

type gqlLexer struct {
	s    string
	i    int
	work int
}

// gqlMaxTokens bounds the work spent on one document.
const gqlMaxTokens = 20_000

func (l *gqlLexer) next() gqlTok {
	l.work++
	if l.work > gqlMaxTokens {
		l.i = len(l.s)
		return gqlTok{pos: len(l.s)}
	}
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			l.i++
		case c == '#':
			for l.i < len(l.s) && l.s[l.i] != '\n' && l.s[l.i] != '\r' {
				l.i++
			}
		case strings.HasPrefix(l.s[l.i:], "\uFEFF"):
			l.i += len("\uFEFF")
		default:
			return l.token()
		}
	}
	return gqlTok{pos: len(l.s)}
}

func (l *gqlLexer) token() gqlTok {
	start := l.i
	c := l.s[l.i]
	switch {
	case c == '"':
		if strings.HasPrefix(l.s[l.i:], `"""`) {
			l.i += 3
			end := strings.Index(l.s[l.i:], `"""`)
			for end > 0 && l.s[l.i+end-1] == '\\' { // \""" is an escaped quote
				more := strings.Index(l.s[l.i+end+1:], `"""`)
				if more < 0 {
					end = -1
					break
				}
				end += 1 + more
			}
			if end < 0 {
				v := l.s[l.i:]
				l.i = len(l.s)
				return gqlTok{'s', v, start}
			}
			v := strings.ReplaceAll(l.s[l.i:l.i+end], `\"""`, `"""`)
			l.i += end + 3
			return gqlTok{'s', v, start}
		}
		l.i++
		var b strings.Builder
		for l.i < len(l.s) {
			d := l.s[l.i]
			if d == '"' {
				l.i++
				break
			}
			if d == '\n' {
				break
			}
			if d == '\\' && l.i+1 < len(l.s) {
				l.i++
				switch e := l.s[l.i]; e {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case 'b':
					b.WriteByte('\b')
				case 'f':
					b.WriteByte('\f')
				case 'u':
					if l.i+4 < len(l.s) {
						if n, err := strconv.ParseUint(l.s[l.i+1:l.i+5], 16, 32); err == nil {
							b.WriteRune(rune(n))
							l.i += 5
							continue
						}
					}
					b.WriteByte(e)
				default:
					b.WriteByte(e)
				}
				l.i++
				continue
			}
			b.WriteByte(d)
			l.i++
		}
		return gqlTok{'s', b.String(), start}
	case c == '.' && strings.HasPrefix(l.s[l.i:], "..."):
		l.i += 3
		return gqlTok{'p', "...", start}
	case strings.IndexByte("!$&()/:=@[]{}|", c) >= 0:
		l.i++
		return gqlTok{'p', string(c), start}
	case c == '-' || c >= '0' && c <= '9':
		l.i++
		for l.i < len(l.s) && strings.IndexByte("0123456789.eE+-", l.s[l.i]) >= 0 {
			l.i++
		}
		return gqlTok{'v', l.s[start:l.i], start}
	case gqlNameByte(c) || strings.HasPrefix(l.s[l.i:], unknown):
		for l.i < len(l.s) {
			if gqlNameByte(l.s[l.i]) || l.s[l.i] >= '0' && l.s[l.i] <= '9' {
				l.i++
			} else if strings.HasPrefix(l.s[l.i:], unknown) {
				l.i += len(unknown)
			} else {
				break
			}
		}
		return gqlTok{'n', l.s[start:l.i], start}
	}
	// Anything else (stray bytes, other runes) is one punctuator.
	_, size := utf8.DecodeRuneInString(l.s[l.i:])
	l.i += max(size, 1)
	return gqlTok{'p', l.s[start:l.i], start}
}

func gqlNameByte(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// gqlParser reads a document one token ahead.
type gqlParser struct {
	lx  gqlLexer
	tok gqlTok
}

func (p *gqlParser) advance() gqlTok {
	t := p.tok
	p.tok = p.lx.next()
	return t
}

func (p *gqlParser) is(kind byte, val string) bool { return p.tok.kind == kind && p.tok.val == val }

// skipBalanced skips a bracketed group starting at the current token.
func (p *gqlParser) skipBalanced(open, close string) {
	if !p.is('p', open) {
		return
	}
	depth := 0
	for p.tok.kind != 0 {
		t := p.advance()
		if t.kind == 'p' && t.val == open {
			depth++
		} else if t.kind == 'p' && t.val == close {
			depth--
			if depth == 0 {
				return
			}
		}
	}
}

func (p *gqlParser) skipDirectives() {
	for p.is('p', "@") {
		p.advance()
		if p.tok.kind == 'n' {
			p.advance()
		}
		p.skipBalanced("(", ")")
	}
}

// gqlMutations returns the top-level fields of every mutation operation in
// a GraphQL document, fragment spreads expanded.
func gqlMutations(doc string) []gqlField {
	if !strings.Contains(doc, "mutation") {
		return nil
	}
	p := &gqlParser{lx: gqlLexer{s: doc}}
	p.advance()
	var fields []gqlField
	var spreads []string
	frags := map[string]gqlSelection{}
	for p.tok.kind != 0 {
		t := p.tok
		switch {
		case t.kind == 'n' && (t.val == "mutation" || t.val == "query" || t.val == "subscription"):
			p.advance()
			if p.tok.kind == 'n' {
				p.advance() // operation name
			}
			p.skipBalanced("(", ")") // variable definitions
			p.skipDirectives()
			if !p.is('p', "{") {
				continue
			}
			if t.val == "mutation" {
				sel := p.selectionSet()
				fields = append(fields, sel.fields...)
				spreads = append(spreads, sel.spreads...)
			} else {
				p.skipBalanced("{", "}")
			}
		case t.kind == 'n' && t.val == "fragment":
			p.advance()
			name := ""
			if p.tok.kind == 'n' {
				name = p.advance().val
			}
			if p.is('n', "on") {
				p.advance()
				if p.tok.kind == 'n' {
					p.advance()
				}
			}
			p.skipDirectives()
			if p.is('p', "{") {
				frags[name] = p.selectionSet()
			}
		case t.kind == 'p' && t.val == "{":
			p.skipBalanced("{", "}") // an anonymous query
		default:
			p.advance()
		}
	}
	// Spreads in a mutation run the fragment's fields as top-level fields.
	seen := map[string]bool{}
	for len(spreads) > 0 && len(seen) < 64 {
		name := spreads[0]
		spreads = spreads[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		if f, ok := frags[name]; ok {
			fields = append(fields, f.fields...)
			spreads = append(spreads, f.spreads...)
		}
	}
	return fields
}

type gqlSelection struct {
	fields  []gqlField
	spreads []string
}

// selectionSet reads { ... } at the current token, keeping its top-level
// fields (inline fragments included) and skipping what they select.
func (p *gqlParser) selectionSet() gqlSelection {
	var sel gqlSelection
	p.advance() // {
	for p.tok.kind != 0 && !p.is('p', "}") {
		switch {
		case p.is('p', "..."):
			p.advance()
			if p.is('n', "on") {
				p.advance()
				if p.tok.kind == 'n' {
					p.advance()
				}
			}
			if p.tok.kind == 'n' {
				sel.spreads = append(sel.spreads, p.advance().val)
			}
			p.skipDirectives()
			if p.is('p', "{") {
				inner := p.selectionSet()
				sel.fields = append(sel.fields, inner.fields...)
				sel.spreads = append(sel.spreads, inner.spreads...)
			}
		case p.tok.kind == 'n':
			f := gqlField{Name: p.tok.val, Offset: p.tok.pos}
			p.advance()
			if p.is('p', ":") { // alias: name
				p.advance()
				if p.tok.kind == 'n' {
					f.Name, f.Offset = p.tok.val, p.tok.pos
					p.advance()
				}
			}
			if p.is('p', "(") {
				p.advance()
				f.Args = p.arguments("", ")")
			}
			p.skipDirectives()
			p.skipBalanced("{", "}")
			sel.fields = append(sel.fields, f)
		default:
			p.advance()
		}
	}
	p.advance() // }
	return sel
}

// arguments reads name: value pairs up to close, flattening objects.
func (p *gqlParser) arguments(prefix, close string) []gqlArg {
	var args []gqlArg
	for p.tok.kind != 0 && !p.is('p', close) {
		if p.tok.kind != 'n' {
			p.advance()
			continue
		}
		name := prefix + p.advance().val
		if !p.is('p', ":") {
			continue
		}
		p.advance()
		args = append(args, p.value(name)...)
	}
	p.advance() // close
	return args
}

// value reads one value; objects become dotted arguments, lists their
// first element.
func (p *gqlParser) value(name string) []gqlArg {
	switch t := p.tok; {
	case t.kind == 'p' && t.val == "$":
		p.advance()
		if p.tok.kind == 'n' {
			return []gqlArg{{Name: name, Value: p.advance().val, Var: true}}
		}
		return nil
	case t.kind == 'p' && t.val == "{":
		p.advance()
		if p.is('p', "}") {
			p.advance()
			return []gqlArg{{Name: name, Value: "{}"}} // where: {} matches everything
		}
		return p.arguments(name+".", "}")
	case t.kind == 'p' && t.val == "[":
		p.advance()
		var out []gqlArg
		for p.tok.kind != 0 && !p.is('p', "]") {
			v := p.value(name)
			if len(out) == 0 {
				out = v
			}
			if len(v) == 0 && !p.is('p', "]") {
				p.advance()
			}
		}
		p.advance()
		return out
	case t.kind == 's' || t.kind == 'v' || t.kind == 'n':
		p.advance()
		return []gqlArg{{Name: name, Value: t.val}}
	}
	p.advance()
	return nil
}

// ---- judging a mutation field ----

// gqlVerbs are the words of a field name that destroy what it names, with
// their third person and gerund for the reason.
var gqlVerbs = map[string][2]string{
	"delete": {"deletes", "deleting"}, "destroy": {"destroys", "destroying"}, "remove": {"removes", "removing"},
	"drop": {"drops", "dropping"}, "purge": {"purges", "purging"}, "wipe": {"wipes", "wiping"},
	"reset": {"resets", "resetting"}, "terminate": {"terminates", "terminating"}, "erase": {"erases", "erasing"},
	"truncate": {"truncates", "truncating"}, "revoke": {"revokes", "revoking"}, "nuke": {"nukes", "nuking"},
}

// gqlVerbOrder is gqlVerbs' keys in a fixed order.
var gqlVerbOrder = []string{"delete", "destroy", "remove", "drop", "purge", "wipe", "reset", "terminate", "erase", "truncate", "revoke", "nuke"}

// gqlUndoing words make a field harmless or reversible: undoDelete,
// cancelDeletion, softDelete, deleteDryRun.
var gqlUndoing = map[string]bool{
	"undo": true, "cancel": true, "restore": true, "undelete": true, "recover": true, "soft": true,
	"preview": true, "dry": true, "dryrun": true, "validate": true, "can": true, "estimate": true,
}

// gqlFiller words are not the object: deleteManyUsers, delete_users_by_pk.
var gqlFiller = map[string]bool{
	"all": true, "many": true, "one": true, "by": true, "pk": true, "bulk": true, "batch": true, "hard": true,
	"force": true, "permanently": true, "permanent": true, "the": true, "my": true, "with": true, "and": true,
	"multiple": true, "id": true, "ids": true,
}

// gqlHarmlessObjects are things whose deletion loses nothing that matters.
var gqlHarmlessObjects = map[string]bool{
	"cache": true, "draft": true, "notification": true, "reaction": true, "star": true, "bookmark": true,
	"favorite": true, "favourite": true, "filter": true, "tag": true, "label": true, "like": true,
	"subscription": true, "watch": true, "emoji": true, "view": true, "preference": true,
}

// objectKinds are the things whose loss is critical (their data and, often,
// their backups), with the consequence a reason names. %s is the gerund
// (deleting, dropping).
var objectKinds = map[string]string{
	"volume":       "%s a volume is irreversible and can take its backups with it",
	"database":     "%s a database destroys its data and, on most providers, its backups",
	"db":           "%s a database destroys its data and, on most providers, its backups",
	"project":      "%s a project destroys every service, database and volume in it",
	"environment":  "%s an environment destroys its services, databases and volumes",
	"backup":       "backups are the way back from data loss, and %s one cannot be undone",
	"snapshot":     "snapshots are the way back from data loss, and %s one cannot be undone",
	"bucket":       "%s a bucket destroys every object stored in it",
	"cluster":      "%s a cluster destroys its nodes and the data on them",
	"repository":   "%s a repository destroys its history, issues and pull requests",
	"repo":         "%s a repository destroys its history, issues and pull requests",
	"organization": "%s an organization destroys everything it owns",
	"org":          "%s an organization destroys everything it owns",
	"account":      "%s an account destroys everything it owns",
	"workspace":    "%s a workspace destroys everything in it",
	"team":         "%s a team destroys what it owns and everyone's access",
	"disk":         "%s a disk destroys the data on it",
	"storage":      "%s storage destroys the data in it",
	"namespace":    "%s a namespace destroys everything in it",
	"schema":       "%s a schema destroys every table in it",
	"keyspace":     "%s a keyspace destroys every table in it",
	"branch":       "%s a database branch destroys its data",
	"table":        "%s a table destroys its rows",
	"collection":   "%s a collection destroys its documents",
	"index":        "%s an index destroys its documents",
	"zone":         "%s a zone destroys its DNS records and takes its domain offline",
}

// criticalKinds lose data and its backups, or everything under them.
var criticalKinds = map[string]bool{
	"volume": true, "database": true, "db": true, "project": true, "environment": true, "backup": true,
	"snapshot": true, "bucket": true, "cluster": true, "repository": true, "repo": true, "organization": true,
	"org": true, "account": true, "workspace": true, "disk": true, "storage": true, "namespace": true,
	"schema": true, "keyspace": true,
}

// identWords splits an identifier into lower-case words: volumeDelete,
// delete_project, DBDrop, environment-delete.
func identWords(s string) []string {
	var words []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		upper := r >= 'A' && r <= 'Z'
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
			continue
		case upper && i > 0:
			prevLower := rs[i-1] >= 'a' && rs[i-1] <= 'z' || rs[i-1] >= '0' && rs[i-1] <= '9'
			nextLower := i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z'
			prevUpper := rs[i-1] >= 'A' && rs[i-1] <= 'Z'
			if prevLower || prevUpper && nextLower {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// singular turns a plural noun into its singular, roughly.
func singular(w string) string {
	switch {
	case w == "indices" || w == "indexes":
		return "index"
	case w == "repositories":
		return "repository"
	case w == "dbs":
		return "db"
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// destructiveName reports whether an identifier names a destructive
// action, returning the verb and the object's words (volumeDelete: delete,
// [volume]).
func destructiveName(name string) (verb string, object []string, ok bool) {
	words := identWords(name)
	for _, w := range words {
		if gqlUndoing[w] {
			return "", nil, false
		}
	}
	for _, w := range words {
		if _, isVerb := gqlVerbs[w]; isVerb && verb == "" {
			verb = w
			continue
		}
		if !gqlFiller[w] && !versionWord(w) {
			object = append(object, w)
		}
	}
	if verb == "" && len(words) == 1 {
		// All lower case run together: volumedelete, deleteproject.
		low := strings.ToLower(name)
		for _, v := range gqlVerbOrder {
			if strings.HasPrefix(low, v) && len(low) > len(v) {
				verb, object = v, []string{low[len(v):]}
				break
			}
			if strings.HasSuffix(low, v) && len(low) > len(v) {
				verb, object = v, []string{low[:len(low)-len(v)]}
				break
			}
		}
	}
	if verb == "" {
		return "", nil, false
	}
	if len(object) > 0 && gqlHarmlessObjects[singular(object[len(object)-1])] {
		return "", nil, false
	}
	return verb, object, true
}

// versionWord reports a version or number in a name: deleteProjectV2.
func versionWord(w string) bool {
	return strings.Trim(strings.TrimPrefix(w, "v"), "0123456789") == "" && w != "v"
}

// gqlHit is a destructive mutation field, judged.
type gqlHit struct {
	field    gqlField
	verb     string // delete
	object   string // "volume", "volume instance backup"
	kind     string // head noun, singular: volume, backup
	id       string // the argument naming what it acts on, if any
	critical bool
	all      bool   // where: {} — every row
	words    string // the object as named, before singular: "users"
}

// judgeMutation decides whether a mutation field destroys something.
// vars are the request's variables, for $id arguments.
func judgeMutation(f gqlField, vars map[string]string) (gqlHit, bool) {
	verb, object, ok := destructiveName(f.Name)
	if !ok {
		return gqlHit{}, false
	}
	for _, a := range f.Args {
		last := a.Name[strings.LastIndexByte(a.Name, '.')+1:]
		if (strings.EqualFold(last, "dryRun") || strings.EqualFold(last, "dry_run")) && a.Value == "true" && !a.Var {
			return gqlHit{}, false
		}
	}
	h := gqlHit{field: f, verb: verb, words: strings.Join(object, " ")}
	for i := range object {
		object[i] = singular(object[i])
	}
	if len(object) > 0 {
		h.kind = object[len(object)-1]
		h.object = strings.Join(object, " ")
	}
	h.critical = criticalKinds[h.kind]
	h.id = gqlTargetArg(f.Args, h.kind, vars)
	for _, a := range f.Args {
		if last := strings.ToLower(a.Name[strings.LastIndexByte(a.Name, '.')+1:]); (last == "where" || last == "filter") && a.Value == "{}" && !a.Var {
			h.all, h.id = true, ""
		}
	}
	return h, true
}

// gqlTargetArg picks the argument that names what a field acts on: volumeId
// for a volume, then id, any *Id, name or slug, then the first argument.
func gqlTargetArg(args []gqlArg, kind string, vars map[string]string) string {
	val := func(a gqlArg) string {
		if a.Var {
			if v, ok := vars[a.Value]; ok {
				return v
			}
			return "$" + a.Value
		}
		return a.Value
	}
	rank := func(a gqlArg) int {
		last := strings.ToLower(a.Name[strings.LastIndexByte(a.Name, '.')+1:])
		switch {
		case kind != "" && (last == kind+"id" || last == kind+"_id"):
			return 5
		case last == "id":
			return 4
		case strings.HasSuffix(last, "id") && len(last) > 2:
			return 3
		case last == "name" || last == "slug" || strings.HasSuffix(last, "name"):
			return 2
		}
		return 1
	}
	best, bestRank := "", 0
	for _, a := range args {
		if r := rank(a); r > bestRank {
			best, bestRank = val(a), r
		}
	}
	return best
}

// reason phrases for a hit.
func (h gqlHit) consequence() string {
	gerund := gqlVerbs[h.verb][1]
	if c, ok := objectKinds[h.kind]; ok {
		return strings.Replace(c, "%s", gerund, 1)
	}
	return "the API carries it out at once and there is no undo"
}

// what says "volume v1", "project p-1", "the users".
func (h gqlHit) what() string {
	switch {
	case h.all && h.words != "":
		return "every one of the " + h.words + " (where: {} matches all)"
	case h.object != "" && h.id != "":
		return h.object + " " + h.id
	case h.object != "":
		return "the " + h.object
	case h.id != "":
		return h.id
	}
	return "data"
}
