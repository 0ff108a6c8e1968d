package ui

import (
	"github.com/sentinel-console/sentinel/session"
)

// maxEvents bounds the timeline kept in memory; the recording has them all.
const maxEvents = 5000

// eventList is the events pane's content and scroll position.
type eventList struct {
	items []session.Event
	// back is how many events the view is scrolled up from the newest; 0
	// follows new events as they come.
	back int
}

func (l *eventList) add(e session.Event) {
	// Event texts can carry the agent's bytes (a command it ran): no
	// control character of theirs may reach the operator's terminal.
	e.Text = sanitize(e.Text)
	l.items = append(l.items, e)
	if len(l.items) > maxEvents {
		l.items = append(l.items[:0], l.items[len(l.items)-maxEvents:]...)
	}
	if l.back > 0 {
		l.back = min(l.back+1, len(l.items)-1) // keep the same events in view
	}
}

// scrollBy moves the view n events back in time (negative: forward), no
// further back than maxBack (see Model.eventsMaxBack).
func (l *eventList) scrollBy(n, maxBack int) {
	l.back = max(0, min(l.back, maxBack)+n)
	l.back = min(l.back, maxBack)
}
