package session

import "testing"

// The watchdog removes what it is told with RemoveAll; a wrong path must
// never reach it.
func TestWatchdogRemovesOnlyTheSessionsPaths(t *testing.T) {
	const id = "6885bbef"
	for p, want := range map[string]bool{
		"/tmp/sentinel-0/" + id:                  true,
		"/root/.local/state/sentinel/run/" + id:  true,
		"/run/user/1000/sentinel/" + id:          true,
		"/":                                      false,
		"/" + id:                                 false,
		"/tmp/sentinel-0/" + id + "/":            false,
		"tmp/sentinel-0/" + id:                   false,
		"/tmp/sentinel-0/../../" + id:            false,
		"/tmp/sentinel-0/" + id + "\nR / /":      false,
		"":                                       false,
		"/tmp//sentinel-0/" + id:                 false,
		"/home/alice":                            false,
		"/root/.ssh":                             false,
		"/tmp/sentinel-0/" + id + "-other":       false,
		"/tmp/sentinel-0/x/" + id + "/../../etc": false,
	} {
		if got := removable(p, id); got != want {
			t.Errorf("removable(%q, %q) = %v, want %v", p, id, got, want)
		}
	}
	for _, bad := range []string{"", "..", "a/b", "ABC", "6885bbef x"} {
		if removable("/tmp/sentinel-0/"+bad, bad) {
			t.Errorf("id %q accepted", bad)
		}
	}
}
