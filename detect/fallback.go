package detect

import (
	"strings"
)

// riskyPrograms can destroy data; a command that cannot be parsed and runs
// one of them pauses.
var riskyPrograms = map[string]bool{
	"rm": true, "rmdir": true, "unlink": true, "shred": true, "dd": true, "truncate": true, "wipefs": true,
	"fdisk": true, "parted": true, "sfdisk": true, "git": true, "psql": true, "mysql": true, "sqlite3": true,
	"redis-cli": true, "mongo": true, "mongosh": true, "aws": true, "gcloud": true, "gsutil": true, "az": true,
	"kubectl": true, "helm": true, "terraform": true, "tofu": true, "pulumi": true, "docker": true, "podman": true,
	"curl": true, "wget": true, "dropdb": true, "find": true, "chmod": true, "chown": true, "mv": true,
	"doctl": true, "fly": true, "flyctl": true, "heroku": true, "railway": true, "vercel": true, "supabase": true,
	"etcdctl": true, "consul": true, "kill": true, "pkill": true, "killall": true, "shutdown": true, "reboot": true,
	"python": true, "python3": true, "node": true, "perl": true, "ruby": true, "php": true,
}

// fallback analyses text that does not parse as shell, word by word: each
// segment between separators is treated as a command. A parse failure is
// never a free pass.
func (w *walker) fallback(text string, o origin) {
	risky, riskyNames := w.wordLevel(text, o)
	if len(risky) > 0 {
		w.flag("opaque.unparsable", "", "is not valid shell (unbalanced quotes or brackets?) and runs "+strings.Join(dedupeStrings(riskyNames), ", ")+"; sentinel cannot tell exactly what it does", risky)
	}
}

// wordLevel runs the analysers on each segment of text as if it were a
// simple command, within the work budget, and returns where risky programs
// are named.
func (w *walker) wordLevel(text string, o origin) (risky []Span, riskyNames []string) {
	for _, seg := range splitSegments(text) {
		if !w.tick(o) {
			break
		}
		toks := tokenize(seg.text)
		if len(toks) == 0 {
			continue
		}
		args := make([]Arg, len(toks))
		for i, t := range toks {
			args[i] = Arg{Value: t.value, Raw: t.raw, Span: o.span(seg.start+t.start, seg.start+t.end)}
		}
		name := programName(args[0].Value)
		if riskyPrograms[name] {
			risky = append(risky, args[0].Span)
			riskyNames = append(riskyNames, name)
		}
		inv := &Invocation{Args: args, Span: o.span(seg.start, seg.start+len(seg.text)), w: w, org: o,
			ws: &words{text: text, org: o, vars: w.varsMap()}}
		w.run(inv)
	}
	return risky, riskyNames
}

// manyCommands reports whether text holds at least n control operators
// (; & |) outside quotes: a cheap upper bound on the commands it holds.
func manyCommands(text string, n int) bool {
	count := 0
	eachSeparator(text, func(i int) bool {
		if c := text[i]; c == ';' || c == '&' || c == '|' {
			count++
		}
		return count < n
	})
	return count >= n
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

type segment struct {
	text  string
	start int
}

// splitSegments splits at ; & | and newlines outside quotes.
func splitSegments(text string) []segment {
	var out []segment
	start := 0
	eachSeparator(text, func(i int) bool {
		out = append(out, segment{text[start:i], start})
		start = i + 1
		return true
	})
	if start < len(text) {
		out = append(out, segment{text[start:], start})
	}
	return out
}

// eachSeparator calls fn with the offset of each ; & | newline ( ) or `
// outside quotes, until fn returns false.
func eachSeparator(text string, fn func(i int) bool) {
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			i++
		case c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')' || c == '`':
			if !fn(i) {
				return
			}
		}
	}
}

type token struct {
	value, raw string
	start, end int
}

// tokenize splits a segment into words, removing quotes; an unterminated
// quote runs to the end.
func tokenize(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		var b strings.Builder
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			c := s[i]
			switch c {
			case '\'', '"':
				j := strings.IndexByte(s[i+1:], c)
				if j < 0 {
					b.WriteString(s[i+1:])
					i = len(s)
					continue
				}
				b.WriteString(s[i+1 : i+1+j])
				i += j + 2
			case '\\':
				if i+1 < len(s) {
					b.WriteByte(s[i+1])
				}
				i += 2
			default:
				b.WriteByte(c)
				i++
			}
		}
		out = append(out, token{b.String(), s[start:min(i, len(s))], start, min(i, len(s))})
	}
	return out
}
