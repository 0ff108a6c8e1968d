package session

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// freeze stops every process of the agent's tree with SIGSTOP and returns
// them. The terminal's foreground group and the agent's own group are
// stopped first with one kill(2) each (the cheapest way to stop what is most
// likely acting); then the /proc walk finds the rest, including descendants
// that called setsid (sentinel is their subreaper). A process that forked
// while the walk ran is caught by a second walk: its parent was stopped
// after the fork, so the child already shows in /proc.
func (s *Session) freeze() []int {
	pg := 0
	_ = s.withPTY(func(f *os.File) (err error) {
		pg, err = unix.IoctlGetInt(int(f.Fd()), unix.TIOCGPGRP)
		return err
	})
	if pg > 0 && s.inTree(pg) {
		_ = syscall.Kill(-pg, syscall.SIGSTOP)
	}
	if !s.agentGone() {
		_ = syscall.Kill(-s.pid, syscall.SIGSTOP) // the agent leads its session and group
	}
	stopped := map[int]bool{}
	// Top down, each process is stopped before its children are listed, so
	// the list cannot grow behind the walk; the second pass catches a fork
	// that was under way while the stop was delivered.
	for range 2 {
		s.walkTree(func(pid int) {
			if !stopped[pid] {
				stopped[pid] = true
				_ = syscall.Kill(pid, syscall.SIGSTOP)
			}
		})
	}
	out := make([]int, 0, len(stopped))
	for pid := range stopped {
		out = append(out, pid)
	}
	s.dog.frozen(out)
	return out
}

// freezeExcept stops the agent's tree but the processes in keep, one by
// one (no group signal: keep's processes share the groups), walking it
// twice as freeze does.
func (s *Session) freezeExcept(keep map[int]bool) []int {
	stopped := map[int]bool{}
	out := s.freezeNew(keep, stopped)
	return append(out, s.freezeNew(keep, stopped)...)
}

// freezeNew stops the processes of the tree that are neither in keep nor
// in stopped, and returns them.
func (s *Session) freezeNew(keep, stopped map[int]bool) []int {
	var out []int
	s.walkTree(func(pid int) {
		if !keep[pid] && !stopped[pid] {
			stopped[pid] = true
			_ = syscall.Kill(pid, syscall.SIGSTOP)
			out = append(out, pid)
		}
	})
	if len(out) > 0 {
		s.dog.frozen(out)
	}
	return out
}

// chainOf is pid and its ancestors up to, not including, sentinel.
func (s *Session) chainOf(pid int) map[int]bool {
	out := map[int]bool{}
	self := os.Getpid()
	for range 64 {
		if pid <= 1 || pid == self {
			break
		}
		out[pid] = true
		p, ok := readStat(pid)
		if !ok {
			break
		}
		pid = p.ppid
	}
	return out
}

// thaw continues the agent's whole tree (not only what freeze saw: a process
// stopped by a job-control signal of its own is continued too, as it would
// be after the operator's fg).
func (s *Session) thaw() {
	if !s.agentGone() {
		_ = syscall.Kill(-s.pid, syscall.SIGCONT)
	}
	signalAll(s.tree(), syscall.SIGCONT)
}

// inTree reports whether pid belongs to the agent's session (the agent is
// its leader), so a foreground group read from the terminal is never some
// other process's.
func (s *Session) inTree(pid int) bool {
	p, ok := readStat(pid)
	return ok && p.sid == s.pid && !s.agentGone()
}

// killProcs ends pids and their descendants (SIGKILL: they are stopped, and
// a stopped process cannot run a SIGTERM handler until continued).
func (s *Session) killProcs(pids []int) {
	tree := map[int]bool{}
	for _, pid := range s.tree() {
		tree[pid] = true
	}
	seen := map[int]bool{}
	var walk func(int)
	walk = func(pid int) {
		if seen[pid] || pid == s.pid || !tree[pid] {
			return
		}
		seen[pid] = true
		_ = syscall.Kill(pid, syscall.SIGKILL)
		for _, c := range childrenOf(pid) {
			walk(c)
		}
	}
	for _, pid := range pids {
		walk(pid)
	}
}

// killAll ends the agent's whole tree at once with SIGKILL, without the
// SIGTERM grace Terminate gives: for a frozen agent that would act the moment
// it ran again.
func (s *Session) killAll() {
	if !s.agentGone() {
		_ = syscall.Kill(-s.pid, syscall.SIGKILL)
	}
	for range 3 {
		pids := s.tree()
		if len(pids) == 0 {
			return
		}
		signalAll(pids, syscall.SIGKILL)
	}
}

// processesRunning returns the agent's descendants (not the agent itself)
// whose command line is, or carries, cmd: the processes acting out a
// command the agent printed (`rm -rf x` itself, or the `bash -c "rm -rf x"`
// running it). Quoting is ignored on both sides: the printed command has
// its shell quotes, the process its separated arguments.
func (s *Session) processesRunning(cmd string) []int {
	cmd = unquoted(cmd)
	if cmd == "" {
		return nil
	}
	var out []int
	agent := unquoted(cmdline(s.pid))
	for _, pid := range s.tree() {
		if pid == s.pid {
			continue
		}
		// A child the agent forked and that has not exec'd yet still shows
		// the agent's own command line: it is not the actor.
		line := unquoted(cmdline(pid))
		if line != "" && line != agent && strings.Contains(line, cmd) {
			out = append(out, pid)
		}
	}
	return out
}

var quoteChars = strings.NewReplacer(`'`, "", `"`, "", `\`, "")

func unquoted(s string) string {
	return strings.Join(strings.Fields(quoteChars.Replace(s)), " ")
}

// cmdline is /proc/PID/cmdline with its arguments joined by single spaces.
func cmdline(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(b), "\x00", " ")), " ")
}
