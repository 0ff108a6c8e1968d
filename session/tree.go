package session

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// procInfo is what /proc/PID/stat says about a process.
type procInfo struct {
	pid, ppid, pgrp, sid int
	state                byte
	start                uint64 // clock ticks after boot: with pid, names one process for good
}

func readStat(pid int) (procInfo, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procInfo{}, false
	}
	// The command name is in parentheses and may itself contain spaces or
	// parentheses: fields resume after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return procInfo{}, false
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 20 {
		return procInfo{}, false
	}
	p := procInfo{pid: pid, state: f[0][0]}
	p.start, _ = strconv.ParseUint(f[19], 10, 64)
	p.ppid, _ = strconv.Atoi(f[1])
	p.pgrp, _ = strconv.Atoi(f[2])
	p.sid, _ = strconv.Atoi(f[3])
	return p, true
}

// tree returns the agent's process tree. Because sentinel is a child
// subreaper, whatever the agent started, even after double forks and
// setsid, is reparented to sentinel rather than init, so the tree is: the
// agent and its descendants, plus every orphan under sentinel that came
// from the agent, with their descendants. sentinel's own helpers
// (notify-send, the watchdog, a library's `tmux info`) stay in sentinel's
// session, which nothing of the agent's can join (the agent starts in a
// session of its own, and setsid only makes new ones): they are never
// frozen or signalled. Every other orphan is the agent's (see claims),
// and nothing that is not a descendant of sentinel is ever signalled, even
// if it reuses the pid of an agent already reaped. Zombies are left out:
// they cannot be signalled and the reaper collects them.
func (s *Session) tree() []int {
	var out []int
	s.walkTree(func(pid int) {
		if p, ok := readStat(pid); ok && p.state != 'Z' {
			out = append(out, pid)
		}
	})
	return out
}

// walkTree visits the agent's tree top down, calling visit on each process
// before listing its children. It reads only the tree's own /proc entries
// (the kernel's per-task children lists), not every process on the
// machine: a freeze must take hold within milliseconds.
func (s *Session) walkTree(visit func(pid int)) {
	seen := map[int]bool{}
	var walk func(pid int)
	walk = func(pid int) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		visit(pid)
		for _, c := range childrenOf(pid) {
			walk(c)
		}
	}
	own := ownSession()
	for _, c := range childrenOf(os.Getpid()) {
		p, ok := readStat(c)
		if !ok || p.state == 'Z' {
			continue
		}
		if s.isAgent(p) || p.sid == s.pid && !s.agentGone() || p.sid != own && s.claims(c) {
			walk(c)
		}
	}
}

// claims reports whether an orphan outside sentinel's session is this
// session's. One whose environment names this session is; so is one whose
// environment names no live session of this process: a process can drop
// SENTINEL_SESSION (env -u) or rewrite it, and left out of the tree it
// ran on through every hold, and after the session, free to type into the
// operator's terminal. Only an orphan naming another session that this
// process runs (tests run several) is that one's.
func (s *Session) claims(pid int) bool {
	id, ok := envValue(pid, "SENTINEL_SESSION")
	if !ok || id == s.ID {
		return true
	}
	return !liveSession(id)
}

// ownSession is sentinel's own session id.
var ownSession = sync.OnceValue(func() int {
	sid, err := unix.Getsid(0)
	if err != nil {
		return -1
	}
	return sid
})

// The sessions this process runs, by id.
var live = struct {
	sync.Mutex
	ids map[string]int
}{ids: map[string]int{}}

func addLiveSession(id string) {
	live.Lock()
	live.ids[id]++
	live.Unlock()
}

func removeLiveSession(id string) {
	live.Lock()
	if live.ids[id]--; live.ids[id] <= 0 {
		delete(live.ids, id)
	}
	live.Unlock()
}

func liveSession(id string) bool {
	live.Lock()
	defer live.Unlock()
	return live.ids[id] > 0
}

// childrenOf lists pid's children from /proc/PID/task/*/children (each
// thread's own children; a multi-threaded parent spreads them out).
func childrenOf(pid int) []int {
	base := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(base)
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(base + "/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// isAgent reports whether p is this session's agent, not a process that
// reused its pid after it was reaped (tests run many sessions in one
// process, and agents are session leaders).
func (s *Session) isAgent(p procInfo) bool {
	return p.pid == s.pid && p.start == s.pidStart && p.state != 'Z'
}

// agentGone reports whether the agent has been reaped, after which its pid
// and its session id may name someone else's.
func (s *Session) agentGone() bool {
	select {
	case <-s.gone:
		return true
	default:
		return false
	}
}

// envValue returns the value of name in the environment the process was
// started with, and whether it has one.
func envValue(pid int, name string) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return "", false
	}
	for _, e := range strings.Split(string(b), "\x00") {
		if v, ok := strings.CutPrefix(e, name+"="); ok {
			return v, true
		}
	}
	return "", false
}

func signalAll(pids []int, sig syscall.Signal) {
	for _, pid := range pids {
		_ = syscall.Kill(pid, sig)
	}
}

// parentsOf is pid's parent, grandparent, … up to but not including
// sentinel, as "PID NAME", nearest first: where a hook's request came from.
func (s *Session) parentsOf(pid int) []string {
	var out []string
	self := os.Getpid()
	for range 64 {
		p, ok := readStat(pid)
		if !ok || p.ppid <= 1 || p.ppid == self {
			break
		}
		pid = p.ppid
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
		out = append(out, strconv.Itoa(pid)+" "+strings.TrimSpace(string(comm)))
	}
	return out
}
