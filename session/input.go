package session

import (
	"errors"
	"io"
	"sync"
)

// maxQueuedInput bounds input waiting for an agent that does not read it.
const maxQueuedInput = 4 << 20

// ErrInputFull means the agent has not read its input for a while and the
// queue is full; the bytes were dropped.
var ErrInputFull = errors.New("agent input queue full")

// inputQueue writes to the PTY from its own goroutine, so neither the UI nor
// the emulator's reply pipe ever blocks on an agent that stopped reading.
type inputQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool
	held   bool // the agent is frozen: keep input until it thaws
	w      io.Writer
	record func([]byte)
}

func newInputQueue(w io.Writer, record func([]byte)) *inputQueue {
	q := &inputQueue{w: w, record: record}
	q.cond = sync.NewCond(&q.mu)
	go q.run()
	return q
}

func (q *inputQueue) write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, io.ErrClosedPipe
	}
	if len(q.buf)+len(p) > maxQueuedInput {
		return 0, ErrInputFull
	}
	q.buf = append(q.buf, p...)
	q.cond.Signal()
	return len(p), nil
}

func (q *inputQueue) run() {
	var chunk []byte
	for {
		q.mu.Lock()
		for (len(q.buf) == 0 || q.held) && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		chunk, q.buf = q.buf, chunk[:0]
		q.mu.Unlock()
		q.record(chunk)
		if _, err := q.w.Write(chunk); err != nil {
			q.close()
			return
		}
	}
}

// hold stops (true) or resumes (false) writing to the agent. Keys typed
// while the agent is frozen wait; they are never sent into a frozen tree
// where they could answer a prompt nobody has seen.
func (q *inputQueue) hold(on bool) {
	q.mu.Lock()
	q.held = on
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *inputQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.buf = nil
	q.cond.Broadcast()
	q.mu.Unlock()
}
