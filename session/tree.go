package session

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// procInfo is what /proc/PID/stat says about a process.
type procInfo struct {
	pid, ppid, pgrp, sid int
	state                byte
}

// readProcs lists every process visible in /proc.
func readProcs() map[int]procInfo {
	out := map[int]procInfo{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := readStat(pid); ok {
			out[pid] = p
		}
	}
	return out
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
	if len(f) < 4 {
		return procInfo{}, false
	}
	p := procInfo{pid: pid, state: f[0][0]}
	p.ppid, _ = strconv.Atoi(f[1])
	p.pgrp, _ = strconv.Atoi(f[2])
	p.sid, _ = strconv.Atoi(f[3])
	return p, true
}

// treeOf returns the agent's process tree: its descendants, everything in
// its session, and orphans reparented to this (subreaper) process that are
// not another session's agent. Zombies are left out: they cannot be
// signalled and the reaper collects them.
func treeOf(agent int, otherAgents map[int]bool) []int {
	procs := readProcs()
	children := map[int][]int{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	self := os.Getpid()
	in := map[int]bool{}
	var walk func(int)
	walk = func(pid int) {
		if in[pid] || pid == self {
			return
		}
		in[pid] = true
		for _, c := range children[pid] {
			walk(c)
		}
	}
	if _, ok := procs[agent]; ok {
		walk(agent)
	}
	for _, p := range procs {
		if p.sid == agent {
			walk(p.pid)
		}
	}
	for _, c := range children[self] {
		if c != agent && !otherAgents[c] {
			walk(c)
		}
	}
	var out []int
	for pid := range in {
		if p, ok := procs[pid]; ok && p.state != 'Z' {
			out = append(out, pid)
		}
	}
	return out
}

func signalAll(pids []int, sig syscall.Signal) {
	for _, pid := range pids {
		_ = syscall.Kill(pid, sig)
	}
}
