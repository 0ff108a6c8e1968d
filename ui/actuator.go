package ui

import "sync"

// actuator runs the console's side effects (keys to the agent, resizes,
// ending the agent) in order on one goroutine, so Update only enqueues.
type actuator struct {
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []func()
	closed bool
	done   chan struct{}
}

func newActuator() *actuator {
	a := &actuator{done: make(chan struct{})}
	a.cond = sync.NewCond(&a.mu)
	go a.run()
	return a
}

func (a *actuator) do(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.closed {
		a.queue = append(a.queue, f)
		a.cond.Signal()
	}
}

func (a *actuator) run() {
	defer close(a.done)
	for {
		a.mu.Lock()
		for len(a.queue) == 0 && !a.closed {
			a.cond.Wait()
		}
		if len(a.queue) == 0 {
			a.mu.Unlock()
			return
		}
		f := a.queue[0]
		a.queue = a.queue[1:]
		a.mu.Unlock()
		runSafely(f)
	}
}

// close lets queued work finish and stops the goroutine.
func (a *actuator) close() {
	a.mu.Lock()
	a.closed = true
	a.cond.Signal()
	a.mu.Unlock()
	<-a.done
}

// runSafely runs one action; a panic (an emulator bug on some key) loses
// that action, not the console.
func runSafely(f func()) {
	defer func() { _ = recover() }()
	f()
}
