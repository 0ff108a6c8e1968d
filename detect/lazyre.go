package detect

import (
	"regexp"
	"sync"
)

// lazyRE is a regular expression compiled on first use. The detector has
// over a hundred; compiling them all when the program starts cost every
// sentinel process about 3 ms, and `sentinel hook`, started by the agent
// for every shell command, mostly needs none of them (it asks the console).
// TestEveryPatternCompiles keeps the guarantee regexp.MustCompile gave at
// start-up: a bad pattern fails the tests, not a user's command.
type lazyRE struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp
}

// allPatterns lists every lazyRE, for the test that compiles them all.
var allPatterns []*lazyRE

func lazyRegexp(pattern string) *lazyRE {
	l := &lazyRE{pattern: pattern}
	allPatterns = append(allPatterns, l)
	return l
}

func (l *lazyRE) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.pattern) })
	return l.re
}

func (l *lazyRE) MatchString(s string) bool              { return l.get().MatchString(s) }
func (l *lazyRE) FindString(s string) string             { return l.get().FindString(s) }
func (l *lazyRE) FindStringIndex(s string) []int         { return l.get().FindStringIndex(s) }
func (l *lazyRE) FindStringSubmatch(s string) []string   { return l.get().FindStringSubmatch(s) }
func (l *lazyRE) FindStringSubmatchIndex(s string) []int { return l.get().FindStringSubmatchIndex(s) }
func (l *lazyRE) FindAllStringIndex(s string, n int) [][]int {
	return l.get().FindAllStringIndex(s, n)
}
func (l *lazyRE) FindAllStringSubmatch(s string, n int) [][]string {
	return l.get().FindAllStringSubmatch(s, n)
}
func (l *lazyRE) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return l.get().FindAllStringSubmatchIndex(s, n)
}
func (l *lazyRE) ReplaceAllString(s, repl string) string { return l.get().ReplaceAllString(s, repl) }
func (l *lazyRE) ReplaceAllStringFunc(s string, f func(string) string) string {
	return l.get().ReplaceAllStringFunc(s, f)
}

// Warm compiles every pattern and table the detector builds on first use,
// so that the first command or output a long-running process analyses
// does not pay for it: the console warms up in the background while the
// agent starts, and a paused command is never the one that waited for
// the compiler.
func Warm() {
	for _, l := range allPatterns {
		l.get()
	}
	for _, c := range cloudCLIs {
		c.compiled.Do(c.compile)
	}
}
