package replay

import (
	"os"

	"github.com/sentinel-console/sentinel/session/cast"
)

// A feed reads, parses and decodes a player's events ahead of it on its own
// goroutine. Unescaping the JSON strings is about a third of a cold seek's
// work; on its own core it overlaps compaction and emulation on the
// player's. The player takes the events in batches, in file order, and
// stops the feed (and starts another) whenever it repositions.
type feed struct {
	batches chan *batch // filled, in order; closed at the end of the file
	free    chan *batch // drained batches, for reuse
	stop    chan struct{}
	done    chan struct{}
}

// batch is a run of events with their decoded output back to back.
type batch struct {
	items []fed
	data  []byte
}

// fed is one event and the player's cursor just after it. An output event's
// data is its decoded bytes, in the batch's data; data that did not decode
// was listed (Recording.noteBadEvent) and is empty.
type fed struct {
	ev       event
	cur      cursor
	from, to int // the event's decoded output in the batch's data
}

// Batches are handed over at this much output or this many events, and at
// most feedDepth of them wait: the feed reads at most a few megabytes ahead.
const (
	batchBytes = 256 << 10
	batchItems = 256
	feedDepth  = 24
)

func startFeed(r *Recording, f *os.File, lr *lineReader, from cursor) *feed {
	fd := &feed{
		batches: make(chan *batch, feedDepth),
		free:    make(chan *batch, feedDepth+2),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go fd.run(r, f, lr, from)
	return fd
}

func (fd *feed) run(r *Recording, f *os.File, lr *lineReader, c cursor) {
	defer close(fd.done)
	defer close(fd.batches)
	if err := lr.reset(f, c.off, c.line); err != nil {
		return
	}
	b := fd.batch()
	send := func() bool {
		select {
		case fd.batches <- b:
		case <-fd.stop:
			return false
		}
		b = fd.batch()
		return true
	}
	for {
		off := lr.off
		line, err := lr.next()
		if err != nil {
			break
		}
		ev, ok, _ := r.parse(&c, lr, line, off)
		if !ok {
			continue
		}
		switch ev.code {
		case cast.Output:
			n := len(b.data)
			var derr error
			b.data, derr = decodeData(b.data, ev.data)
			if derr != nil {
				b.data = b.data[:n]
				r.noteBadEvent(ev.line, ev.off, derr.Error())
			}
			// Sliced out of data once the batch is complete: data may
			// still move as it grows.
			ev.data = nil
			b.items = append(b.items, fed{ev: ev, cur: c, from: n, to: len(b.data)})
		default:
			ev.data = nil // the line buffer is reused; only labels are kept
			b.items = append(b.items, fed{ev: ev, cur: c})
		}
		if len(b.data) >= batchBytes || len(b.items) >= batchItems {
			b.seal()
			if !send() {
				return
			}
		}
	}
	if len(b.items) > 0 {
		b.seal()
		send()
	}
}

// seal points each output event's data into the batch's data.
func (b *batch) seal() {
	for i := range b.items {
		if it := &b.items[i]; it.ev.code == cast.Output {
			it.ev.data = b.data[it.from:it.to:it.to]
		}
	}
}

// batch is a drained batch to fill again, or a new one.
func (fd *feed) batch() *batch {
	select {
	case b := <-fd.free:
		b.items, b.data = b.items[:0], b.data[:0]
		return b
	default:
		return &batch{items: make([]fed, 0, batchItems), data: make([]byte, 0, batchBytes+64<<10)}
	}
}

// recycle gives a drained batch back.
func (fd *feed) recycle(b *batch) {
	select {
	case fd.free <- b:
	default:
	}
}

// close stops the feed and waits for its goroutine, which then no longer
// touches the file or the line reader.
func (fd *feed) close() {
	close(fd.stop)
	<-fd.done
}
