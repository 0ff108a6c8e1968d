package detect

import (
	"regexp"
	"testing"
)

// Patterns compile on first use (lazyRE); this compiles every one, so a bad
// pattern fails here rather than on a user's command.
func TestEveryPatternCompiles(t *testing.T) {
	if len(allPatterns) < 100 {
		t.Fatalf("only %d patterns registered; the detector has over a hundred", len(allPatterns))
	}
	for _, l := range allPatterns {
		if _, err := regexp.Compile(l.pattern); err != nil {
			t.Errorf("%q: %v", l.pattern, err)
		}
	}
}
