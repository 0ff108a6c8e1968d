package screen

// history is a ring of rendered lines that scrolled off the main screen.
type history struct {
	lines []string
	start int // index of the oldest line when full
	max   int
}

func newHistory(max int) *history { return &history{max: max} }

func (h *history) push(line string) {
	if len(h.lines) < h.max {
		h.lines = append(h.lines, line)
		return
	}
	h.lines[h.start] = line
	h.start = (h.start + 1) % h.max
}

func (h *history) len() int { return len(h.lines) }

// at returns line i, 0 being the oldest.
func (h *history) at(i int) string {
	if i < 0 || i >= len(h.lines) {
		return ""
	}
	return h.lines[(h.start+i)%len(h.lines)]
}
