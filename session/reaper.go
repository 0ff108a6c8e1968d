package session

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// The reaper collects the exit status of every child of this process: the
// agents it started and, because the process is a child subreaper, any
// orphaned descendant reparented to it. os/exec's Wait would race with it,
// so agents are waited for here instead.
var reaper struct {
	once    sync.Once
	mu      sync.Mutex
	waiters map[int]chan unix.WaitStatus
	early   map[int]unix.WaitStatus // exited before anyone asked
	err     error
}

func startReaper() error {
	reaper.once.Do(func() {
		reaper.waiters = map[int]chan unix.WaitStatus{}
		reaper.early = map[int]unix.WaitStatus{}
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			reaper.err = os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
			return
		}
		sig := make(chan os.Signal, 8)
		signal.Notify(sig, syscall.SIGCHLD)
		go func() {
			// Signals of children that die together coalesce into one, but
			// reapAll collects every waitable child, and a child that dies
			// after it looked raises a new SIGCHLD. (A ticker here, as a
			// safety net, kept the runtime's netpoller polling on every PTY
			// read and cost measurable throughput.)
			for range sig {
				reapAll()
			}
		}()
	})
	return reaper.err
}

func reapAll() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
		if !ws.Exited() && !ws.Signaled() {
			continue
		}
		reaper.mu.Lock()
		if ch, ok := reaper.waiters[pid]; ok {
			delete(reaper.waiters, pid)
			ch <- ws
		} else {
			reaper.early[pid] = ws
			// Orphans nobody waits for: forget them after a while.
			if len(reaper.early) > 4096 {
				clear(reaper.early)
			}
		}
		reaper.mu.Unlock()
	}
}

// waitFor returns a channel that receives pid's exit status once.
func waitFor(pid int) <-chan unix.WaitStatus {
	ch := make(chan unix.WaitStatus, 1)
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	if ws, ok := reaper.early[pid]; ok {
		delete(reaper.early, pid)
		ch <- ws
		return ch
	}
	reaper.waiters[pid] = ch
	return ch
}
