package session

import (
	"os/user"
	"path/filepath"
	"testing"
)

func TestStateDirWithoutHOMEIsTheAccountsHome(t *testing.T) {
	u, err := user.Current()
	if err != nil || u.HomeDir == "" {
		t.Fatalf("no account home to compare with: %v", err)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "")
	if got, want := StateDir(), filepath.Join(u.HomeDir, ".local", "state", "sentinel"); got != want {
		t.Fatalf("StateDir() = %q with HOME empty, want %q", got, want)
	}
	t.Setenv("XDG_STATE_HOME", "relative/path") // not absolute: ignored, as the spec says
	t.Setenv("HOME", "/home/someone")
	if got := StateDir(); got != "/home/someone/.local/state/sentinel" {
		t.Fatalf("StateDir() = %q", got)
	}
}
