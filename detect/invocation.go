package detect

import (
	"strings"
)

// unknown stands in, inside an argument's value, for text the detector
// cannot know: an unset variable, a command substitution, a glob. Analysers
// test for it with Arg.Known or strings.Contains(v, unknown).
const unknown = "\uFFFF"

// Arg is one argument of an invocation, after quote removal and expansion
// of the variables the command itself set.
type Arg struct {
	Value string // with unknown where content is not knowable
	Raw   string // as written
	Span  Span   // in the analysed command
	// Quoted reports that the word was (at least partly) quoted, so globs
	// in it are literal.
	Quoted bool
	// proc is, for a word that is a process substitution <(...), what
	// reading it yields.
	proc *Input
	// substs names the programs whose output the word contains ($(cmd)).
	substs []string
}

// Known reports whether the value is fully known.
func (a Arg) Known() bool { return !strings.Contains(a.Value, unknown) }

// MayBeEmpty reports whether the value could expand to nothing (it is only
// unknown parts, such as "$DIR").
func (a Arg) MayBeEmpty() bool {
	return strings.Trim(a.Value, unknown) == "" && a.Value != ""
}

// Input is what a program reads on its standard input.
type Input struct {
	Text  string // the content, when Known
	Known bool
	// From says where it comes from, for explanations: "heredoc",
	// "here-string", "output of curl", "file dump.sql".
	From string
	// Producer is the program whose output this is, and ProducerArgs its
	// arguments, when the input comes from a pipe.
	Producer     string
	ProducerArgs []Arg
	Span         Span
	// origin maps offsets in Text back to the analysed command.
	origin origin
}

// Redir is an output redirection of an invocation.
type Redir struct {
	Op     string // ">", ">>", ">|", "&>", ...
	Target Arg
}

// Invocation is one program about to run, as the analysers see it.
type Invocation struct {
	Name     string // program name, normalised (no path, no quoting)
	NameSpan Span
	Args     []Arg // arguments after the name
	// Env holds assignments made for this command only (AWS_PROFILE=prod
	// aws ...; env X=1 cmd), with unknown parts marked.
	Env    map[string]string
	Stdin  *Input
	Redirs []Redir
	Span   Span // the whole call
	w      *walker
	org    origin
	ws     *words
}

// Flag reports a finding of a built-in rule. target is what the action
// acts on, if anything; reason names the consequence; spans default to the
// whole invocation.
func (inv *Invocation) Flag(ruleID, target, reason string, spans ...Span) {
	if len(spans) == 0 {
		spans = []Span{inv.Span}
	}
	inv.w.flag(ruleID, target, reason, spans)
}

// Analyze analyses text as shell code run by this invocation (a string
// handed to a shell, for example), mapping its spans through o.
func (inv *Invocation) Analyze(text string, o origin) { inv.w.analyzeString(text, o) }

// HasFlag reports whether any of the given flags is present: "-f" also
// matches inside combined short flags ("-rf"), "--force" matches itself and
// "--force=...". Arguments after "--" are not flags.
func (inv *Invocation) HasFlag(flags ...string) bool { return inv.FlagIndex(flags...) >= 0 }

// FlagIndex is the index of the first argument carrying one of the flags,
// or -1.
func (inv *Invocation) FlagIndex(flags ...string) int {
	for i, a := range inv.Args {
		v := a.Value
		if v == "--" {
			return -1
		}
		for _, f := range flags {
			switch {
			case strings.HasPrefix(f, "--"):
				if v == f || strings.HasPrefix(v, f+"=") {
					return i
				}
			case len(f) == 2 && f[0] == '-':
				if v == f || len(v) > 2 && v[0] == '-' && v[1] != '-' && strings.ContainsRune(v[1:], rune(f[1])) && isShortCluster(v) {
					return i
				}
			default:
				if v == f {
					return i
				}
			}
		}
	}
	return -1
}

// isShortCluster reports whether v looks like combined short flags (-rf),
// not a negative number or a flag with an attached value like -n5.
func isShortCluster(v string) bool {
	for _, r := range v[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Option returns the value of an option given as "-o VALUE", "-oVALUE",
// "--opt VALUE" or "--opt=VALUE", and whether it was present.
func (inv *Invocation) Option(names ...string) (Arg, bool) {
	for i, a := range inv.Args {
		v := a.Value
		if v == "--" {
			break
		}
		for _, n := range names {
			switch {
			case v == n && i+1 < len(inv.Args):
				return inv.Args[i+1], true
			case strings.HasPrefix(n, "--") && strings.HasPrefix(v, n+"="):
				b := a
				b.Value = v[len(n)+1:]
				return b, true
			case len(n) == 2 && n[0] == '-' && len(v) > 2 && strings.HasPrefix(v, n) && !strings.HasPrefix(v, "--"):
				b := a
				b.Value = v[2:]
				return b, true
			}
		}
	}
	return Arg{}, false
}

// Positional returns the arguments that are not flags. Options listed in
// withValue take the next argument as their value (so it is not
// positional).
func (inv *Invocation) Positional(withValue ...string) []Arg {
	var out []Arg
	skip := false
	dashdash := false
	for _, a := range inv.Args {
		switch {
		case skip:
			skip = false
		case dashdash:
			out = append(out, a)
		case a.Value == "--":
			dashdash = true
		case strings.HasPrefix(a.Value, "-") && a.Value != "-" && a.Known():
			for _, n := range withValue {
				if a.Value == n {
					skip = true
				}
			}
		default:
			out = append(out, a)
		}
	}
	return out
}

// SpanOf returns the spans of the arguments at the given indexes.
func (inv *Invocation) SpanOf(idx ...int) []Span {
	var out []Span
	for _, i := range idx {
		if i >= 0 && i < len(inv.Args) {
			out = append(out, inv.Args[i].Span)
		}
	}
	return out
}
