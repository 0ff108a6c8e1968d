package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"syscall"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
)

// operatorName is the OS user whose keyboard decides: recorded with every
// decision.
func operatorName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}

// parseUnattended reads --unattended's value.
func parseUnattended(s string) (*session.DecisionKind, error) {
	var k session.DecisionKind
	switch s {
	case "":
		return nil, nil
	case "deny":
		k = session.Deny
	case "kill":
		k = session.Kill
	default:
		return nil, &usageError{fmt.Sprintf("--unattended %q: want deny or kill", s)}
	}
	return &k, nil
}

// supervisorOptions are the parts of supervision that do not depend on how
// the session is shown.
func (sp sessionSpec) supervisorOptions() session.SupervisorOptions {
	return session.SupervisorOptions{
		Detect:          detect.Context{Config: sp.detect},
		Unattended:      sp.unattended,
		DecisionTimeout: sp.decisionTimeout,
		Operator:        operatorName(),
		Audit:           sp.audit,
	}
}

// reportHeadless prints held actions and decisions on stderr, for headless
// and unattended runs, where there is no console to show them.
func reportHeadless(opts *session.SupervisorOptions, stderr io.Writer) {
	opts.OnHeld = func(a *session.Action) {
		top := a.Top()
		fmt.Fprintf(stderr, "\r\nsentinel: HELD #%d [%s] %s %s: %s\r\nsentinel:   %s\r\n", a.ID, a.Source, top.Severity, top.Rule,
			screen.OneLine(detect.MaskCredentials(a.Command), 300), screen.OneLine(top.Reason, 300))
	}
	opts.OnDecided = func(a *session.Action, d session.Decision) {
		fmt.Fprintf(stderr, "sentinel: #%d %s: %s\r\n", a.ID, d.Label(), screen.OneLine(detect.MaskCredentials(a.Command), 300))
	}
}

// notifyDesktop asks the desktop to show a notification, where
// notify-send exists. It never waits long: a stuck notification daemon must
// not hold up the console.
func notifyDesktop(summary string) {
	path, ok := systemProgram("notify-send")
	if !ok {
		return
	}
	cmd := exec.Command(path, "--app-name=sentinel", "--urgency=critical", "sentinel: approval needed", summary)
	cmd.Env = session.WithoutOuterTerminal(os.Environ())
	if cmd.Start() != nil {
		return
	}
	// sentinel's reaper collects the child (os/exec's Wait would race it);
	// Release drops os/exec's handle.
	_ = cmd.Process.Release()
}

// systemDirs are where sentinel looks for a program it runs itself while a
// session is on (notify-send).
var systemDirs = []string{"/usr/bin", "/bin", "/usr/local/bin"}

// systemProgram finds name in systemDirs, and only as a file that root owns
// and only root can change, in a directory likewise: never through $PATH.
// $PATH usually holds directories the operator's user can write to
// (~/.local/bin, ~/go/bin), so the agent can too; a notify-send planted
// there ran as sentinel's child, outside the exec gate and never frozen,
// at the moment a dialog opened, and typed the approval into the console.
func systemProgram(name string) (string, bool) {
	for _, dir := range systemDirs {
		path := filepath.Join(dir, name)
		if rootOnly(dir) && rootOnly(path) {
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return path, true
			}
		}
	}
	return "", false
}

// rootOnly reports whether path (followed through symbolic links) is owned
// by root and writable by nobody else.
func rootOnly(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0 && fi.Mode().Perm()&0o022 == 0
}
