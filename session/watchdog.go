package session

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// WatchdogArg is the hidden first argument that makes sentinel's binary
// run as a session's watchdog (RunWatchdog); main dispatches it before
// anything else.
const WatchdogArg = "__sentinel-watchdog"

// The watchdog covers the one case the kernel does not: sentinel killed
// (SIGKILL, OOM) while it holds part of the agent's tree stopped. Nothing
// held runs then (the exec gate's listener closes, fail closed), and the
// kernel's hangup and orphaned-group rules continue and end the agent's
// own session; but a descendant that called setsid is in a session of its
// own, and would stay stopped for ever. The watchdog is a small process
// of sentinel's binary that reads, on a pipe only sentinel can write,
// which processes are frozen; when the pipe ends without "end" (sentinel
// is gone) it kills those still frozen, as 'k' would. It is not in the
// agent's tree: it stays in sentinel's own session (a process group of
// its own, no setsid), which the tree leaves out, so a freeze never stops
// it.
type watchdog struct {
	mu sync.Mutex
	w  *os.File
}

// startWatchdog starts the watchdog process, or returns nil when it
// cannot: the watchdog is a safety net, and a session runs without it.
func startWatchdog() *watchdog {
	self, err := os.Executable()
	if err != nil {
		return nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil
	}
	defer r.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		w.Close()
		return nil
	}
	defer null.Close()
	// Its own process group, so a signal to sentinel's group (the
	// operator's ctrl-c in a shell) does not end it with sentinel.
	p, err := os.StartProcess(self, []string{self, WatchdogArg}, &os.ProcAttr{
		Files: []*os.File{r, null, null},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		w.Close()
		return nil
	}
	// The reaper waits for every child; it reaps this one when it ends.
	_ = p.Release()
	return &watchdog{w: w}
}

// frozen tells the watchdog that pids were stopped.
func (d *watchdog) frozen(pids []int) {
	if d == nil || len(pids) == 0 {
		return
	}
	var b strings.Builder
	for _, pid := range pids {
		if p, ok := readStat(pid); ok {
			fmt.Fprintf(&b, "F %d %d\n", pid, p.start)
		}
	}
	d.send(b.String())
}

// leftovers tells the watchdog what to remove if sentinel dies: paths
// named after the session (see removable).
func (d *watchdog) leftovers(id string, paths []string) {
	var b strings.Builder
	for _, p := range paths {
		if removable(p, id) {
			b.WriteString("R " + id + " " + p + "\n")
		}
	}
	d.send(b.String())
}

// removable reports whether the watchdog may remove p: an absolute, clean
// path, no longer than a path can be, at least two levels deep, whose last
// element is the session's id (a random hex string). It is only ever told
// paths sentinel made for the session, on a pipe only sentinel writes;
// this keeps a mistake from becoming "rm -rf" of anything else.
func removable(p, id string) bool {
	return id != "" && strings.Trim(id, "0123456789abcdef") == "" && len(p) <= 4096 &&
		filepath.IsAbs(p) && filepath.Clean(p) == p && strings.Count(p, "/") >= 2 && filepath.Base(p) == id
}

// thawed tells the watchdog that nothing is frozen any more.
func (d *watchdog) thawed() { d.send("T\n") }

// end tells the watchdog the session ended in order, and lets it go.
func (d *watchdog) end() {
	if d == nil {
		return
	}
	d.send("E\n")
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w != nil {
		d.w.Close()
		d.w = nil
	}
}

func (d *watchdog) send(s string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w != nil {
		_, _ = io.WriteString(d.w, s)
	}
}

// RunWatchdog is the watchdog process: it reads what sentinel tells it on
// stdin and, if stdin ends before "E", kills every process still listed
// as frozen whose start time still matches (a pid reused since is left
// alone) and removes the session's leftovers. It returns the exit status.
func RunWatchdog() int {
	frozen := map[int]uint64{}
	var leftovers []string
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for in.Scan() {
		line := in.Text()
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "R "):
			if id, p, ok := strings.Cut(line[2:], " "); ok && removable(p, id) {
				leftovers = append(leftovers, p)
			}
		case len(f) == 1 && f[0] == "E":
			return 0
		case len(f) == 1 && f[0] == "T":
			clear(frozen)
		case len(f) == 3 && f[0] == "F":
			pid, err1 := strconv.Atoi(f[1])
			start, err2 := strconv.ParseUint(f[2], 10, 64)
			if err1 == nil && err2 == nil && pid > 1 {
				frozen[pid] = start
			}
		}
	}
	if in.Err() != nil {
		// Not the end of the pipe: sentinel may well be alive. Act on
		// nothing rather than on a guess.
		return 1
	}
	for pid, start := range frozen {
		if p, ok := readStat(pid); ok && p.start == start {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	for _, p := range leftovers {
		_ = os.RemoveAll(p)
	}
	return 0
}
