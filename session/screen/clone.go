package screen

import (
	"fmt"
	"reflect"
	"unsafe"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi/parser"
	"github.com/charmbracelet/x/vt"
)

// x/vt v0.1.0 has no way to copy an emulator, and replay needs one: a
// snapshot every few megabytes of a recording, so that a seek starts from the
// nearest one instead of the beginning. Rebuilding a screen from what the
// emulator exports (cells, cursor) is not exact: the scroll region, saved
// cursor, tab stops, character sets, a pending wrap and the pen are private
// and change what later output does. So CloneEmulator copies the emulator's
// private state field by field through reflection. emulatorFields names
// every field of vt.Emulator with what to do with it; a field x/vt adds in a
// later version is an error (and TestCloneKnowsEveryField fails), never a
// silently incomplete copy.

type fieldAction int

const (
	fieldCopy  fieldAction = iota // deep copy from the source
	fieldKeep                     // keep the new emulator's own (bound to it: handlers, pipes, parser, callbacks)
	fieldAlias                    // a pointer into the emulator itself, fixed up after the copy
)

var emulatorFields = map[string]fieldAction{
	"handlers": fieldKeep, "colors": fieldCopy, "scrs": fieldCopy, "scr": fieldAlias,
	"charsets": fieldCopy, "logger": fieldKeep, "defaultFg": fieldCopy, "defaultBg": fieldCopy,
	"defaultCur": fieldCopy, "fgColor": fieldCopy, "bgColor": fieldCopy, "curColor": fieldCopy,
	"modes": fieldCopy, "lastChar": fieldCopy, "grapheme": fieldCopy, "parser": fieldKeep,
	"cb": fieldKeep, "iconName": fieldCopy, "title": fieldCopy, "cwd": fieldCopy,
	"tabstops": fieldCopy, "pr": fieldKeep, "pw": fieldKeep, "gl": fieldCopy, "gr": fieldCopy,
	"gsingle": fieldCopy, "closed": fieldKeep, "atPhantom": fieldCopy,
}

// CloneEmulator returns a new emulator in the same state as e: same cells on
// both screens, cursor, saved cursor, scroll region, modes, tab stops,
// character sets, colours and title. The copy shares nothing mutable with e.
// Callbacks are not copied (set them on the copy), nor is x/vt's scrollback
// limit beyond what its buffer holds.
//
// e must be between writes with its parser in the ground state (no escape
// sequence half read): the parser is not copied. Otherwise, or if x/vt's
// layout is not the one this was written for, it returns an error.
func CloneEmulator(e *vt.Emulator) (*vt.Emulator, error) {
	return cloneEmulator(e, false)
}

// cloneEmulator is CloneEmulator; without cells, the copy's screens have no
// lines (for Freeze, which keeps them packed).
func cloneEmulator(e *vt.Emulator, withoutCells bool) (*vt.Emulator, error) {
	if err := checkEmulatorLayout(); err != nil {
		return nil, err
	}
	src := reflect.ValueOf(e).Elem()
	if st := parserState(src); st != parser.GroundState {
		return nil, fmt.Errorf("emulator is inside an escape sequence (parser state %d)", st)
	}
	dupe := vt.NewEmulator(e.Width(), e.Height())
	dst := reflect.ValueOf(dupe).Elem()
	c := copier{memo: map[uintptr]reflect.Value{}, withoutCells: withoutCells}
	t := src.Type()
	for i := range t.NumField() {
		name := t.Field(i).Name
		if emulatorFields[name] != fieldCopy {
			continue
		}
		c.deepCopy(private(dst.Field(i)), private(src.Field(i)))
	}
	// The active screen points into scrs; each screen points at the
	// emulator's callbacks.
	scrs := private(dst.FieldByName("scrs"))
	active := 0
	if e.IsAltScreen() {
		active = 1
	}
	private(dst.FieldByName("scr")).Set(scrs.Index(active).Addr())
	cb := private(dst.FieldByName("cb")).Addr()
	for i := range scrs.Len() {
		private(scrs.Index(i).FieldByName("cb")).Set(cb)
	}
	return dupe, nil
}

// DropParser frees the 4 MB parse buffer x/vt allocates for every emulator,
// for a copy that is only ever cloned again, never written to. Writing to it
// afterwards panics.
func DropParser(e *vt.Emulator) {
	private(reflect.ValueOf(e).Elem().FieldByName("parser")).SetZero()
}

func parserState(emu reflect.Value) parser.State {
	p := private(emu.FieldByName("parser"))
	if p.IsNil() {
		return parser.GroundState
	}
	return parser.State(private(p.Elem().FieldByName("state")).Uint())
}

// InGroundState reports whether e's parser is outside any escape sequence,
// that is whether CloneEmulator can copy it now.
func InGroundState(e *vt.Emulator) bool {
	return parserState(reflect.ValueOf(e).Elem()) == parser.GroundState
}

func checkEmulatorLayout() error {
	t := reflect.TypeFor[vt.Emulator]()
	if t.NumField() != len(emulatorFields) {
		return fmt.Errorf("x/vt's Emulator has %d fields, the copier knows %d", t.NumField(), len(emulatorFields))
	}
	for i := range t.NumField() {
		if _, ok := emulatorFields[t.Field(i).Name]; !ok {
			return fmt.Errorf("x/vt's Emulator has a field %q the copier does not know", t.Field(i).Name)
		}
	}
	st, ok := reflect.TypeFor[vt.Screen]().FieldByName("cb")
	if !ok || st.Type != reflect.TypeFor[*vt.Callbacks]() {
		return fmt.Errorf("x/vt's Screen has no callbacks pointer where the copier expects one")
	}
	return nil
}

// private makes an unexported field settable.
func private(v reflect.Value) reflect.Value {
	if v.CanSet() || !v.CanAddr() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// copier copies one emulator.
type copier struct {
	memo         map[uintptr]reflect.Value // copies of the pointers seen so far
	withoutCells bool                      // leave every uv.Buffer's lines out
}

var bufferType = reflect.TypeFor[uv.Buffer]()

// deepCopy copies src into dst (both settable). Strings and interfaces are
// shared: strings are immutable, and the interfaces the emulator holds are
// colours, which it replaces rather than changes. Funcs are shared too (none
// is copied from the emulator itself; see fieldKeep). Pointers are copied
// once each (memo), so two pointers to one object stay two pointers to one
// copy.
func (c *copier) deepCopy(dst, src reflect.Value) {
	memo := c.memo
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		if seen, ok := memo[src.Pointer()]; ok {
			dst.Set(seen)
			return
		}
		n := reflect.New(src.Type().Elem())
		memo[src.Pointer()] = n
		c.deepCopy(n.Elem(), src.Elem())
		dst.Set(n)
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Cap())
		if flat(src.Type().Elem()) {
			reflect.Copy(n, src)
		} else {
			for i := range src.Len() {
				c.deepCopy(n.Index(i), src.Index(i))
			}
		}
		dst.Set(n)
	case reflect.Array:
		if flat(src.Type().Elem()) {
			dst.Set(src)
			return
		}
		for i := range src.Len() {
			c.deepCopy(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(src.Type().Elem()).Elem()
			c.deepCopy(v, it.Value())
			n.SetMapIndex(it.Key(), v)
		}
		dst.Set(n)
	case reflect.Struct:
		if c.withoutCells && src.Type() == bufferType {
			dst.SetZero()
			return
		}
		if flat(src.Type()) {
			dst.Set(private(src))
			return
		}
		for i := range src.NumField() {
			c.deepCopy(private(dst.Field(i)), private(src.Field(i)))
		}
	default: // scalars, strings, interfaces, funcs, channels
		dst.Set(private(src))
	}
}

// flat reports whether a value of type t can be copied by assignment: it
// holds nothing deepCopy would duplicate.
func flat(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return false
	case reflect.Array:
		return flat(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !flat(t.Field(i).Type) {
				return false
			}
		}
	}
	return true
}
