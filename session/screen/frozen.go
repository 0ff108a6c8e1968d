package screen

import (
	"encoding/binary"
	"errors"
	"image/color"
	"reflect"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
)

// Frozen is an emulator put away for later, as replay keeps one every few
// megabytes of a recording. Its private state is copied as CloneEmulator
// copies it, but the cells of both screens are packed into bytes: a live
// cell is 112 bytes full of pointers (content, colours, link), and 25 live
// copies of a 200x50 screen were 60 MB of heap that every garbage
// collection had to scan. Packed, a cell is about five bytes with no
// pointers, and each distinct content, style and link is stored once.
type Frozen struct {
	shell   *vt.Emulator // the emulator without its cells (and no parser)
	screens [2]packedScreen
}

type packedScreen struct {
	data     []byte // per line: its length, then runs of equal cells
	contents []string
	styles   []uv.Style
	links    []uv.Link
}

// Freeze packs e, which must be in the ground state (see CloneEmulator).
// e is only read.
func Freeze(e *vt.Emulator) (*Frozen, error) {
	shell, err := cloneEmulator(e, true)
	if err != nil {
		return nil, err
	}
	DropParser(shell)
	closeInput(shell)
	f := &Frozen{shell: shell}
	for i, b := range screenBuffers(e) {
		if b == nil || b.Buffer == nil {
			return nil, errors.New("emulator screen has no buffer")
		}
		f.screens[i] = pack(b.Lines)
	}
	return f, nil
}

// Thaw returns a new emulator in the state e was in when frozen. Each call
// returns an independent one.
func (f *Frozen) Thaw() (*vt.Emulator, error) {
	e, err := cloneEmulator(f.shell, false)
	if err != nil {
		return nil, err
	}
	for i, b := range screenBuffers(e) {
		if b == nil || b.Buffer == nil {
			return nil, errors.New("emulator screen has no buffer")
		}
		lines, err := f.screens[i].unpack()
		if err != nil {
			return nil, err
		}
		b.Lines = lines
	}
	return e, nil
}

// Size is the packed cells' size in bytes, for tests and accounting.
func (f *Frozen) Size() int {
	n := 0
	for _, s := range f.screens {
		n += len(s.data) + 16*len(s.contents) + 56*len(s.styles) + 32*len(s.links)
	}
	return n
}

// screenBuffers are the cell buffers of e's main and alternate screens.
func screenBuffers(e *vt.Emulator) [2]*uv.RenderBuffer {
	scrs := private(reflect.ValueOf(e).Elem().FieldByName("scrs"))
	var out [2]*uv.RenderBuffer
	for i := range out {
		out[i], _ = private(scrs.Index(i).FieldByName("buf")).Interface().(*uv.RenderBuffer)
	}
	return out
}

func closeInput(e *vt.Emulator) {
	if c, ok := e.InputPipe().(interface{ Close() error }); ok {
		_ = c.Close()
	}
}

func pack(lines []uv.Line) packedScreen {
	var p packedScreen
	contents := map[string]int{}
	links := map[uv.Link]int{}
	p.data = binary.AppendUvarint(p.data, uint64(len(lines)))
	for _, l := range lines {
		p.data = binary.AppendUvarint(p.data, uint64(len(l)))
		for x := 0; x < len(l); {
			c := &l[x]
			run := 1
			for x+run < len(l) && sameCell(c, &l[x+run]) {
				run++
			}
			ci, ok := contents[c.Content]
			if !ok {
				ci = len(p.contents)
				contents[c.Content] = ci
				p.contents = append(p.contents, c.Content)
			}
			li, ok := links[c.Link]
			if !ok {
				li = len(p.links)
				links[c.Link] = li
				p.links = append(p.links, c.Link)
			}
			p.data = binary.AppendUvarint(p.data, uint64(run))
			p.data = binary.AppendUvarint(p.data, uint64(ci))
			p.data = binary.AppendVarint(p.data, int64(c.Width))
			p.data = binary.AppendUvarint(p.data, uint64(p.style(&c.Style)))
			p.data = binary.AppendUvarint(p.data, uint64(li))
			x += run
		}
	}
	return p
}

// style is the index of s in the style table, added if new. Styles cannot
// be map keys (colours are interfaces and need not be comparable), so the
// latest entries are searched: a screen is drawn in a few styles at a time.
func (p *packedScreen) style(s *uv.Style) int {
	for i := len(p.styles) - 1; i >= max(0, len(p.styles)-32); i-- {
		if sameStyle(&p.styles[i], s) {
			return i
		}
	}
	p.styles = append(p.styles, *s)
	return len(p.styles) - 1
}

var errPacked = errors.New("packed screen is corrupt")

func (p *packedScreen) unpack() ([]uv.Line, error) {
	d := p.data
	next := func() int {
		v, n := binary.Uvarint(d)
		if n <= 0 || v > 1<<31 {
			d = nil
			return -1
		}
		d = d[n:]
		return int(v)
	}
	h := next()
	if h < 0 {
		return nil, errPacked
	}
	lines := make([]uv.Line, h)
	for y := range lines {
		w := next()
		if w < 0 {
			return nil, errPacked
		}
		l := make(uv.Line, w)
		for x := 0; x < w; {
			run, ci := next(), next()
			width, n := binary.Varint(d)
			if n <= 0 {
				return nil, errPacked
			}
			d = d[n:]
			si, li := next(), next()
			if run <= 0 || x+run > w || ci < 0 || ci >= len(p.contents) || si < 0 || si >= len(p.styles) || li < 0 || li >= len(p.links) {
				return nil, errPacked
			}
			c := uv.Cell{Content: p.contents[ci], Style: p.styles[si], Link: p.links[li], Width: int(width)}
			for range run {
				l[x] = c
				x++
			}
		}
		lines[y] = l
	}
	return lines, nil
}

func sameCell(a, b *uv.Cell) bool {
	return a.Content == b.Content && a.Width == b.Width && a.Link == b.Link && sameStyle(&a.Style, &b.Style)
}

func sameStyle(a, b *uv.Style) bool {
	return a.Attrs == b.Attrs && a.Underline == b.Underline &&
		sameColor(a.Fg, b.Fg) && sameColor(a.Bg, b.Bg) && sameColor(a.UnderlineColor, b.UnderlineColor)
}

// sameColor is a == b without the panic for a colour type that is not
// comparable, and without equating a palette colour with the RGB value it
// happens to have (they draw differently under a theme).
func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	t := reflect.TypeOf(a)
	return t == reflect.TypeOf(b) && t.Comparable() && a == b
}
