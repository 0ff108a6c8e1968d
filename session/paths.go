package session

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/user"
	"path/filepath"
	"time"
)

// StateDir is $XDG_STATE_HOME/sentinel (default ~/.local/state/sentinel).
func StateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "sentinel")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		// HOME unset or empty (a bare cron or systemd environment): the
		// account's own home, not /.local/state at the root.
		if u, uerr := user.Current(); uerr == nil && u.HomeDir != "" {
			home = u.HomeDir
		} else {
			home = "/"
		}
	}
	return filepath.Join(home, ".local", "state", "sentinel")
}

// SessionsDir holds the recordings.
func SessionsDir() string { return filepath.Join(StateDir(), "sessions") }

// AuditPath is the default audit log, $XDG_STATE_HOME/sentinel/audit.jsonl
// (see package session/audit). It lives here, not in session/audit, so that
// audit never imports session: the supervisor in this package appends to it.
func AuditPath() string { return filepath.Join(StateDir(), "audit.jsonl") }

// NewID returns a short random session id.
func NewID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RecordingPath is where a session started at t with id is recorded by
// default: sessions/<UTC time>-<id>.cast, so names sort by time.
func RecordingPath(t time.Time, id string) string {
	return filepath.Join(SessionsDir(), t.UTC().Format("20060102T150405Z")+"-"+id+".cast")
}

// CheckWritableDir creates dir (0700) if needed and proves a file can be
// created in it, so a session never starts unrecorded by surprise.
func CheckWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
