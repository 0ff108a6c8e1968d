package execgate

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cArgv lays out strings as a C argv in Go memory: NUL-terminated strings
// and a NULL-terminated pointer array. The memory stays reachable through
// the returned keep.
func cArgv(args []string) (ptr uint64, keep [][]byte) {
	ptrs := make([]uint64, 0, len(args)+1)
	for _, a := range args {
		b := append([]byte(a), 0)
		keep = append(keep, b)
		ptrs = append(ptrs, uint64(uintptr(unsafe.Pointer(&b[0]))))
	}
	ptrs = append(ptrs, 0)
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&ptrs[0])), len(ptrs)*8)
	keep = append(keep, raw)
	return uint64(uintptr(unsafe.Pointer(&ptrs[0]))), keep
}

func TestMemReader(t *testing.T) {
	pid := os.Getpid()
	long := strings.Repeat("x", 10000)
	many := make([]string, maxArgs+10)
	for i := range many {
		many[i] = "a"
	}
	huge := []string{"p", strings.Repeat("y", maxArgBytes-10), "more", "and more"}
	for _, tc := range []struct {
		name      string
		args      []string
		want      []string
		truncated bool
	}{
		{"simple", []string{"/bin/rm", "-rf", "x"}, nil, false},
		{"empty strings", []string{"", "a", ""}, nil, false},
		{"long string", []string{"a", long, "b"}, nil, false},
		{"many", many, append(slices.Clone(many[:maxArgs]), Truncated), true},
		{"huge", huge, []string{"p", huge[1], "more", "an", Truncated}, true}, // the last one cut
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == nil {
				want = tc.args
			}
			ptr, keep := cArgv(tc.args)
			m := memReader{pid: pid}
			got, truncated, err := m.argv(ptr)
			runtime.KeepAlive(keep)
			if err != nil {
				t.Fatal(err)
			}
			if truncated != tc.truncated || !slices.Equal(got, want) {
				t.Errorf("got %d args (truncated %v), want %d (%v)", len(got), truncated, len(want), tc.truncated)
			}
		})
	}

	m := memReader{pid: pid}
	if argv, _, err := m.argv(0); err != nil || argv != nil {
		t.Errorf("NULL argv: %q, %v", argv, err)
	}
	// Pointers into nothing are the caller's fault: EFAULT.
	var una errUnanswerable
	if _, _, err := m.str(8, maxPath); !errors.As(err, &una) || una.errno != unix.EFAULT {
		t.Errorf("string at 8: %v", err)
	}
	if _, _, err := m.argv(1 << 63); !errors.As(err, &una) || una.errno != unix.EFAULT {
		t.Errorf("argv at 1<<63: %v", err)
	}
	// A string running into unmapped memory without a NUL.
	page := os.Getpagesize()
	mem, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	base := uintptr(unsafe.Pointer(&mem[0]))
	if _, _, e := unix.Syscall(unix.SYS_MUNMAP, base+uintptr(page), uintptr(page), 0); e != 0 {
		t.Fatal(e)
	}
	for i := range page {
		mem[i] = 'z'
	}
	if _, _, err := m.str(uint64(base)+uint64(page)-5, 100); !errors.As(err, &una) || una.errno != unix.EFAULT {
		t.Errorf("unterminated string at the end of a mapping: %v", err)
	}
	if s, cut, err := m.str(uint64(base), page-1); err != nil || !cut || len(s) != page-1 {
		t.Errorf("a page without NUL: %d bytes, cut %v, %v", len(s), cut, err)
	}
	mem[page-1] = 0
	m = memReader{pid: pid} // forget the window read before the change
	if s, cut, err := m.str(uint64(base), page-1); err != nil || cut || len(s) != page-1 {
		t.Errorf("a string filling a page: %d bytes, cut %v, %v", len(s), cut, err)
	}
	if s, cut, err := m.str(uint64(base)+uint64(page)-5, 100); err != nil || cut || s != "zzzz" {
		t.Errorf("a string ending a mapping: %q, cut %v, %v", s, cut, err)
	}
}

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		comm string
		ppid int
		ok   bool
	}{
		{"42 (sh) S 7 42 42 0", "sh", 7, true},
		{"42 (a) b) (c) R 9 1", "a) b) (c", 9, true},
		{"42 (x", "", 0, false},
		{"42 (x) S", "", 0, false},
		{"42 (x) S y", "", 0, false},
	} {
		st, ok := parseStat([]byte(tc.in))
		if st.comm != tc.comm || st.ppid != tc.ppid || ok != tc.ok {
			t.Errorf("%q: %q %d %v", tc.in, st.comm, st.ppid, ok)
		}
	}
	dir, err := unix.Open("/proc/self", unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dir)
	im, err := readImage(dir)
	if err != nil || !im.ready() || im.gone {
		t.Errorf("own image %+v, %v", im, err)
	}
}

func TestInterpreterOf(t *testing.T) {
	dir := t.TempDir()
	here := func(name string) string {
		if strings.HasPrefix(name, "/") {
			return name
		}
		return filepath.Join(dir, name)
	}
	long := "#!/bin/rm -rf" + strings.Repeat(" ", 255-len("#!/bin/rm -rf")) + "x\n" // x is byte 255: dropped
	os.WriteFile(filepath.Join(dir, "inner.sh"), []byte("#!/bin/rm -rf\n"), 0o755)
	for i, c := range []struct {
		content string
		want    []string
	}{
		{"#!/bin/sh\necho hi\n", []string{"/bin/sh"}},
		{"#!/bin/rm -rf\n", []string{"/bin/rm", "-rf"}},
		{"#! /usr/bin/env bash -e  \n", []string{"/usr/bin/env", "bash -e"}},
		{"#!/bin/rm\t-rf", []string{"/bin/rm", "-rf"}},
		{"#!/bin/rm -rf\r\n", []string{"/bin/rm", "-rf\r"}},
		{"#!/bin/rm -rf\x00 z\n", []string{"/bin/rm", "-rf"}},
		{"#!/bin/rm\x00 -rf\n", []string{"/bin/rm"}},
		{long, []string{"/bin/rm", "-rf"}},
		{"#!" + filepath.Join(dir, "inner.sh") + "\n", []string{"/bin/rm", "-rf", filepath.Join(dir, "inner.sh")}},
		{"#!\n", nil},
		{"echo not a script\n", nil},
		{"\x7fELF", nil},
		{"", nil},
	} {
		p := filepath.Join(dir, strconv.Itoa(i))
		os.WriteFile(p, []byte(c.content), 0o755)
		if got := interpreterOf(p, here); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.content, got, c.want)
		}
	}
	if got := interpreterOf(filepath.Join(dir, "missing"), here); got != nil {
		t.Errorf("missing file: %q", got)
	}
}
