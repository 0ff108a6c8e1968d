package session

import (
	"fmt"
	"golang.org/x/sys/unix"
	"sort"
	"testing"
	"time"
)

// BenchmarkFreezeLatency measures the stream path end to end: from the
// moment the output chunk that shows a destructive command reaches
// sentinel's read loop to the moment every process of the agent's tree
// (the agent, four background children and a setsid daemon) is stopped, as
// /proc reports it. Target: p99 <= 2 ms. bench/freeze prints it, with the
// scanner on its own goroutine (the console's way) and on the read loop
// (headless).
func BenchmarkFreezeLatency(b *testing.B) {
	b.Setenv("HOME", b.TempDir())
	b.Run("queued", func(b *testing.B) { benchmarkFreezeLatency(b, false) })
	b.Run("on-reader", func(b *testing.B) { benchmarkFreezeLatency(b, true) })
}

func benchmarkFreezeLatency(b *testing.B, onReader bool) {
	script := `for i in 1 2 3 4; do sleep 60 & done
setsid sleep 60 &
read go
printf '%s\n' '$ rm -rf /var/lib/postgresql/data'
sleep 60`
	// lat is the whole latency; toHold the part until the action was
	// held (read loop, scanner, analysis), the rest the freeze itself
	// until /proc shows every process stopped.
	var lat, toHold, toStop []time.Duration
	for b.Loop() {
		held := make(chan *Action, 1)
		sup := NewSupervisor(SupervisorOptions{OnHeld: func(a *Action) { held <- a }, ScanOnReader: onReader})
		s, err := Begin(Options{Command: []string{"sh", "-c", script}, Cols: 80, Rows: 24, Supervisor: sup})
		if err != nil {
			b.Fatal(err)
		}
		// The agent waits in read(2) with its children started; then it is
		// told to go, and only its processes are polled (a whole-/proc poll
		// is too coarse to time a millisecond).
		var pids []int
		for start := time.Now(); len(pids) < 6; pids = s.tree() {
			if time.Since(start) > 10*time.Second {
				b.Fatalf("the agent's children did not start: %v", pids)
			}
		}
		allFrozen := make(chan time.Time, 1)
		go func() {
			for start := time.Now(); time.Since(start) < 10*time.Second; {
				all := true
				for _, pid := range pids {
					if !frozen(pid) {
						all = false
						break
					}
				}
				if all {
					allFrozen <- time.Now()
					return
				}
				// Leave the CPU to the processes being stopped (2-core
				// machines); 20 µs is the timing's resolution.
				_ = unix.Nanosleep(&unix.Timespec{Nsec: 20_000}, nil)
			}
			close(allFrozen)
		}()
		s.Write([]byte("go\r"))
		var a *Action
		select {
		case a = <-held:
		case <-time.After(10 * time.Second):
			b.Fatal("nothing held")
		}
		at, ok := <-allFrozen
		if !ok {
			var states []string
			for _, pid := range s.tree() {
				p, _ := readStat(pid)
				states = append(states, fmt.Sprintf("%d:%c:%s", pid, p.state, cmdline(pid)))
			}
			b.Fatalf("not every process stopped: %v", states)
		}
		lat = append(lat, at.Sub(a.Seen))
		toHold = append(toHold, a.Held.Sub(a.Seen))
		toStop = append(toStop, at.Sub(a.Held))
		s.Terminate(time.Second)
	}
	pct := func(d []time.Duration, p float64) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[min(int(float64(len(d))*p), len(d)-1)]
	}
	b.ReportMetric(float64(pct(lat, 0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(pct(lat, 0.99).Microseconds()), "p99-µs")
	b.Logf("freeze latency over %d sessions: p50 %v, p99 %v, max %v (target p99 <= 2ms)", len(lat), pct(lat, 0.5), pct(lat, 0.99), lat[len(lat)-1])
	b.Logf("  until held (read loop, scanner, analysis): p50 %v, p99 %v", pct(toHold, 0.5), pct(toHold, 0.99))
	b.Logf("  held until every process shows stopped: p50 %v, p99 %v", pct(toStop, 0.5), pct(toStop, 0.99))
}

// frozen: stopped, or waiting in vfork for a child that is stopped (the
// shell's parent half of a vfork cannot run until the child execs).
func frozen(pid int) bool {
	p, ok := readStat(pid)
	if !ok || p.state == 'T' {
		return true
	}
	if p.state != 'D' {
		return false
	}
	for _, c := range childrenOf(pid) {
		if cp, ok := readStat(c); ok && cp.state == 'T' {
			return true
		}
	}
	return false
}
