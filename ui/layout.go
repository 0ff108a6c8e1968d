package ui

// Rect is a rectangle of cells.
type Rect struct{ X, Y, W, H int }

// Contains reports whether the cell x, y is inside r.
func (r Rect) Contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Layout places the console's parts in a terminal of Width x Height.
type Layout struct {
	Width, Height int
	Status        Rect // one line at the top
	Agent         Rect // the agent pane with its border (equal to AgentInner when zoomed)
	AgentInner    Rect // what the agent's PTY is sized to
	Events        Rect // the events pane with its border; zero when hidden
	EventsInner   Rect
	Hint          Rect // one line at the bottom; zero when zoomed
	Zoomed        bool
	SideBySide    bool
}

// ComputeLayout is a pure function of the terminal size and zoom, so the
// initial PTY size can be known before the console starts.
func ComputeLayout(w, h int, zoom bool) Layout {
	w, h = max(w, 1), max(h, 1)
	l := Layout{Width: w, Height: h, Zoomed: zoom}
	l.Status = Rect{0, 0, w, 1}
	if zoom || h < 6 || w < 20 {
		l.Zoomed = zoom
		l.Agent = Rect{0, 1, w, max(h-1, 1)}
		l.AgentInner = l.Agent
		return l
	}
	l.Hint = Rect{0, h - 1, w, 1}
	bodyY, bodyH := 1, h-2
	switch {
	case w >= 100:
		ew := min(max(w*3/10, 32), 56)
		l.SideBySide = true
		l.Agent = Rect{0, bodyY, w - ew, bodyH}
		l.Events = Rect{w - ew, bodyY, ew, bodyH}
	case bodyH >= 18:
		eh := min(max(bodyH/4, 5), 10)
		l.Agent = Rect{0, bodyY, w, bodyH - eh}
		l.Events = Rect{0, bodyY + bodyH - eh, w, eh}
	default:
		l.Agent = Rect{0, bodyY, w, bodyH}
	}
	l.AgentInner = inset(l.Agent)
	if l.Events.W > 0 {
		l.EventsInner = inset(l.Events)
	}
	return l
}

func inset(r Rect) Rect {
	return Rect{r.X + 1, r.Y + 1, max(r.W-2, 1), max(r.H-2, 1)}
}
