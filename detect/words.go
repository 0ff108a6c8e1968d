package detect

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// origin maps offsets in a piece of text being analysed back to the
// command the operator sees: exactly, when the text is a verbatim part of
// it, or else to the whole span it came from (a string built with escapes,
// a decoded payload).
type origin struct {
	base  int
	exact bool
	whole Span
}

func (o origin) span(start, end int) Span {
	if o.exact {
		return Span{o.base + start, o.base + end}
	}
	return o.whole
}

// originOf maps offsets in an argument's value back to the command.
func originOf(a Arg) origin {
	switch {
	case a.Raw == a.Value:
		return origin{base: a.Span.Start, exact: true}
	case len(a.Raw) == len(a.Value)+2 && a.Raw[1:len(a.Raw)-1] == a.Value && (a.Raw[0] == '\'' || a.Raw[0] == '"'):
		return origin{base: a.Span.Start + 1, exact: true}
	}
	return origin{whole: a.Span}
}

// words turns syntax words into arguments, expanding what the command
// itself made known (variables it assigned) and marking the rest unknown.
type words struct {
	text string // the text the words were parsed from
	org  origin
	vars map[string]string // value of variables the command set; absent: unknown
	// cmdOut is the output of a command substitution, when knowable
	// ("$(cat <<'EOF' ... EOF)", "$(echo x)").
	cmdOut func(*syntax.CmdSubst) (string, bool)
}

func (ws *words) arg(w *syntax.Word) Arg {
	start, end := int(w.Pos().Offset()), int(w.End().Offset())
	a := Arg{Span: ws.org.span(start, end)}
	if start >= 0 && end <= len(ws.text) && start <= end {
		a.Raw = ws.text[start:end]
	}
	if len(w.Parts) == 1 {
		if l, ok := w.Parts[0].(*syntax.Lit); ok && !strings.ContainsAny(l.Value, "\\") {
			a.Value = l.Value // the common case: a plain word
			return a
		}
	}
	var b strings.Builder
	for _, p := range w.Parts {
		ws.part(&b, p, false, &a.Quoted)
	}
	a.Value = b.String()
	return a
}

func (ws *words) part(b *strings.Builder, p syntax.WordPart, inDouble bool, quoted *bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		if inDouble {
			b.WriteString(unescapeDouble(p.Value))
		} else {
			v := unescapeBare(p.Value)
			if strings.ContainsAny(v, "*?[") && !*quoted {
				// A glob: what it matches is not knowable here, but its
				// shape matters (rm -rf *, rm -rf /*): keep it as written.
				b.WriteString(v)
				return
			}
			b.WriteString(v)
		}
	case *syntax.SglQuoted:
		*quoted = true
		if p.Dollar {
			b.WriteString(decodeANSIC(p.Value))
		} else {
			b.WriteString(p.Value)
		}
	case *syntax.DblQuoted:
		*quoted = true
		for _, q := range p.Parts {
			ws.part(b, q, true, quoted)
		}
	case *syntax.ParamExp:
		if v, ok := ws.param(p); ok {
			b.WriteString(v)
		} else {
			b.WriteString(unknown)
		}
	case *syntax.BraceExp:
		// {a,b} expands to several words; keep the first element's
		// shape, which is enough to judge the target's kind.
		if len(p.Elems) > 0 && !p.Sequence {
			var inner strings.Builder
			for _, q := range p.Elems[0].Parts {
				ws.part(&inner, q, inDouble, quoted)
			}
			b.WriteString(inner.String())
		} else {
			b.WriteString(unknown)
		}
	case *syntax.CmdSubst:
		if ws.cmdOut != nil {
			if out, ok := ws.cmdOut(p); ok {
				b.WriteString(out)
				return
			}
		}
		b.WriteString(unknown)
	default:
		// Process substitutions, arithmetic, extglobs.
		b.WriteString(unknown)
	}
}

// param expands a parameter the command itself set; anything fancier than
// $NAME, ${NAME} and ${NAME:-default} is unknown.
func (ws *words) param(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Width || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Names != 0 {
		return "", false
	}
	v, ok := ws.vars[p.Param.Value]
	if p.Exp != nil && (p.Exp.Op == syntax.DefaultUnset || p.Exp.Op == syntax.DefaultUnsetOrNull) {
		if (!ok || v == "" && p.Exp.Op == syntax.DefaultUnsetOrNull) && p.Exp.Word != nil {
			d := ws.arg(p.Exp.Word)
			return d.Value, true
		}
	} else if p.Exp != nil {
		return "", false
	}
	return v, ok
}

// unescapeBare removes backslash quoting from unquoted text.
func unescapeBare(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDouble removes the backslashes that double quotes honour.
func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// decodeANSIC decodes the body of $'...'.
func decodeANSIC(s string) string {
	return decodeEscapes(s, true)
}

// decodeEscapes decodes backslash escapes as echo -e, printf %b and $”
// do: \n \t \\ \xHH \0NNN (or \NNN when bare is set) \uHHHH \UHHHHHHHH.
func decodeEscapes(s string, bareOctal bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'e', 'E':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '\\', '\'', '"', '?':
			b.WriteByte(e)
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteString(`\x`)
				continue
			}
			n, _ := strconv.ParseUint(s[i+1:j], 16, 8)
			b.WriteByte(byte(n))
			i = j - 1
		case 'u', 'U':
			width := 4
			if e == 'U' {
				width = 8
			}
			j := i + 1
			for j < len(s) && j < i+1+width && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			n, _ := strconv.ParseUint(s[i+1:j], 16, 32)
			if utf8.ValidRune(rune(n)) {
				b.WriteRune(rune(n))
			}
			i = j - 1
		default:
			if e >= '0' && e <= '7' && (bareOctal || e == '0') {
				j := i
				if e == '0' && !bareOctal {
					j = i + 1
				}
				k := j
				for k < len(s) && k < j+3 && s[k] >= '0' && s[k] <= '7' {
					k++
				}
				n, _ := strconv.ParseUint(s[j:max(k, j)], 8, 16)
				if k == j {
					n = 0
				}
				b.WriteByte(byte(n))
				i = k - 1
				continue
			}
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// programName normalises a command word to the program it runs:
// /usr/bin/rm, ./node_modules/.bin/prisma and rm all name rm, prisma.
func programName(v string) string {
	if i := strings.LastIndexByte(v, '/'); i >= 0 && i < len(v)-1 {
		v = v[i+1:]
	}
	return v
}
