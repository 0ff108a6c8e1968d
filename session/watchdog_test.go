package session

import "testing"

// The watchdog removes what it is told with RemoveAll; a wrong path must
// never reach it.
func TestWatchdogRemovesOnlyDeepCleanPaths(t *testing.T) {
	for p, want := range map[string]bool{
		"/tmp/sentinel-0/20261126-abc":          true,
		"/root/.local/state/sentinel/run/x":     true,
		"/":                                     false,
		"/tmp":                                  false,
		"/tmp/":                                 false,
		"tmp/sentinel-0/x":                      false,
		"/tmp/sentinel-0/../../etc":             false,
		"/tmp/sentinel-0/x\nR /":                false,
		"":                                      false,
		"/tmp//sentinel-0":                      false,
		"/run/user/0/sentinel/20261126-abc-def": true,
	} {
		if got := removable(p); got != want {
			t.Errorf("removable(%q) = %v, want %v", p, got, want)
		}
	}
}
