package execgate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Exec is one execve or execveat, held until it is answered.
type Exec struct {
	Pid  int // thread that called exec (from the notification)
	Tgid int // its process
	// Path is the file to run as the caller named it: relative paths are
	// relative to Cwd; for execveat, a path relative to a directory
	// descriptor is joined to that directory, and AT_EMPTY_PATH names the
	// descriptor's file (/proc/PID/fd/N's link, e.g. "/memfd:x (deleted)").
	Path string
	// Argv is the argument vector. Past 4,096 arguments or 1 MiB it is cut
	// and its last element is "…".
	Argv    []string
	Cwd     string // the caller's working directory
	Proc    Proc   // the calling process, as it was before the exec
	Parents []Proc // its parent, grandparent, … up to but not including the supervisor
	Time    time.Time

	// What the verification after the exec compares with.
	kernelName string // the name binfmt_script puts in a script's argv
	target     fileID // the file Path named when it was analysed
	at         string // where to open that file (through /proc/PID/…)
	truncated  bool   // Argv was cut
}

// Proc is a process in an exec's ancestry.
type Proc struct {
	Pid     int
	Comm    string // the kernel's short name (at most 15 bytes)
	Cmdline string // its arguments joined by spaces, cut at 256 bytes
}

// fileID identifies a file independently of its name.
type fileID struct {
	dev, ino uint64
}

func (f fileID) valid() bool { return f != fileID{} }

// Limits on what is read from a caller's memory.
const (
	maxPath     = 4096 // PATH_MAX, including the NUL
	maxArgs     = 4096
	maxArgBytes = 1 << 20
	cmdlineCut  = 256
	maxParents  = 64
)

// Truncated marks an Argv that was cut.
const Truncated = "…"

// errUnanswerable is an inspection that failed for the caller's own reason
// (a bad pointer, a missing file): the kernel would fail the exec with
// errno, so the gate answers that without asking Decide.
type errUnanswerable struct{ errno unix.Errno }

func (e errUnanswerable) Error() string { return e.errno.Error() }

// inspect reads what a notification is about: path, argv, working
// directory, ancestry. An errUnanswerable error carries the errno to fail
// the exec with; any other error is the supervisor's failure.
func (g *Gate) inspect(n *notif, dir int) (*Exec, error) {
	ex := &Exec{Pid: int(n.pid), Time: time.Now()}
	var pathPtr, argvPtr uint64
	dirfd, flags := int32(unix.AT_FDCWD), uint64(0)
	switch uint32(n.data.nr) {
	case abi.execve:
		pathPtr, argvPtr = n.data.args[0], n.data.args[1]
	case abi.execveat:
		dirfd, pathPtr, argvPtr, flags = int32(n.data.args[0]), n.data.args[1], n.data.args[2], n.data.args[4]
	default:
		return nil, fmt.Errorf("notification for syscall %d (arch %#x)", n.data.nr, n.data.arch)
	}

	memfd, err := unix.Openat(dir, "mem", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("pid %d: open mem: %w", ex.Pid, err)
	}
	m := memReader{fd: memfd}
	defer unix.Close(memfd)
	name, cut, err := m.str(pathPtr, maxPath-1)
	if err != nil {
		return nil, err
	}
	if cut {
		return nil, errUnanswerable{unix.ENAMETOOLONG}
	}
	if ex.Argv, ex.truncated, err = m.argv(argvPtr); err != nil {
		return nil, err
	}

	if ex.Cwd, err = readlinkat(dir, "cwd"); err != nil {
		return nil, fmt.Errorf("pid %d: cwd: %w", ex.Pid, err)
	}
	st, err := readStatus(dir)
	if err != nil {
		return nil, fmt.Errorf("pid %d: status: %w", ex.Pid, err)
	}
	ex.Tgid = st.tgid
	ex.Proc = Proc{Pid: st.tgid, Comm: st.name, Cmdline: g.cmdline(st.tgid)}
	ex.Parents = g.parents(st.ppid)

	// Where the file is, for the existence check and the verification:
	// through the caller's root, cwd or descriptor, as the kernel looks.
	procPath := "/proc/" + strconv.Itoa(ex.Pid)
	var at string
	switch {
	case flags&unix.AT_EMPTY_PATH != 0 && name == "":
		fd := strconv.Itoa(int(dirfd))
		link, err := readlinkat(dir, "fd/"+fd)
		if err != nil {
			return nil, errUnanswerable{unix.EBADF}
		}
		ex.Path, ex.kernelName, at = link, "/dev/fd/"+fd, procPath+"/fd/"+fd
	case name == "":
		return nil, errUnanswerable{unix.ENOENT}
	case strings.HasPrefix(name, "/"):
		ex.Path, ex.kernelName, at = name, name, procPath+"/root"+name
	case dirfd == unix.AT_FDCWD:
		ex.Path, ex.kernelName, at = name, name, procPath+"/cwd/"+name
	default:
		fd := strconv.Itoa(int(dirfd))
		link, err := readlinkat(dir, "fd/"+fd)
		if err != nil {
			return nil, errUnanswerable{unix.EBADF}
		}
		ex.Path, ex.kernelName, at = strings.TrimSuffix(link, "/")+"/"+name, "/dev/fd/"+fd+"/"+name, procPath+"/fd/"+fd+"/"+name
	}
	ex.at = at
	var s unix.Stat_t
	switch err := unix.Stat(at, &s); err {
	case nil:
		ex.target = fileID{dev: uint64(s.Dev), ino: s.Ino}
	case unix.ENOENT, unix.ENOTDIR, unix.ELOOP, unix.ENAMETOOLONG:
		// The kernel would fail the exec the same way; shells' and
		// execvp's PATH searches try many such names.
		return nil, errUnanswerable{err.(unix.Errno)}
	}
	return ex, nil
}

// memReader reads strings and pointers from a process's memory through
// /proc/PID/mem, keeping the last page-sized window read (argv strings are
// usually next to each other).
type memReader struct {
	fd   int
	base uint64
	n    int
	win  [4096]byte
}

// fill reads the window at addr. A read that runs into unmapped memory
// returns what it got; nothing at all is the caller's bad pointer.
func (m *memReader) fill(addr uint64) error {
	if addr == 0 || addr > 1<<63-1 {
		return errUnanswerable{unix.EFAULT}
	}
	n, err := unix.Pread(m.fd, m.win[:], int64(addr))
	if n <= 0 {
		m.n = 0
		if err == nil || err == unix.EIO || err == unix.EFAULT {
			return errUnanswerable{unix.EFAULT}
		}
		return fmt.Errorf("read memory at %#x: %w", addr, err)
	}
	m.base, m.n = addr, n
	return nil
}

// str reads the NUL-terminated string at addr, at most max bytes before
// the NUL; cut reports that there was no NUL within max+1 bytes (the
// string returned is then the first max bytes).
func (m *memReader) str(addr uint64, max int) (s string, cut bool, err error) {
	var long []byte
	for {
		if addr < m.base || addr >= m.base+uint64(m.n) {
			if err := m.fill(addr); err != nil {
				return "", false, err
			}
		}
		chunk := m.win[addr-m.base : m.n]
		if i := bytes.IndexByte(chunk, 0); i >= 0 && len(long)+i <= max {
			if long == nil {
				return string(chunk[:i]), false, nil
			}
			return string(append(long, chunk[:i]...)), false, nil
		}
		if len(long)+len(chunk) >= max {
			return string(append(long, chunk[:max-len(long)]...)), true, nil
		}
		long = append(long, chunk...)
		addr += uint64(len(chunk))
	}
}

// argv reads a NULL-terminated array of string pointers.
func (m *memReader) argv(addr uint64) (argv []string, truncated bool, err error) {
	if addr == 0 {
		return nil, false, nil // Linux runs it with an empty argv[0]
	}
	var ptrs [64]uint64
	var raw [len(ptrs) * 8]byte
	total := 0
	for {
		if addr > 1<<63-1 {
			return nil, false, errUnanswerable{unix.EFAULT}
		}
		n, rerr := unix.Pread(m.fd, raw[:], int64(addr))
		if n < 8 {
			if rerr == nil || rerr == unix.EIO || rerr == unix.EFAULT {
				return nil, false, errUnanswerable{unix.EFAULT}
			}
			return nil, false, fmt.Errorf("read argv at %#x: %w", addr, rerr)
		}
		for i := range n / 8 {
			ptrs[i] = binary.NativeEndian.Uint64(raw[i*8:])
		}
		for _, p := range ptrs[:n/8] {
			if p == 0 {
				return argv, false, nil
			}
			if len(argv) == maxArgs || total >= maxArgBytes {
				return append(argv, Truncated), true, nil
			}
			s, cut, err := m.str(p, maxArgBytes-total)
			if err != nil {
				return nil, false, err
			}
			if cut {
				return append(argv, s, Truncated), true, nil
			}
			argv = append(argv, s)
			total += len(s) + 1
		}
		addr += uint64(n / 8 * 8)
	}
}

type status struct {
	name       string
	tgid, ppid int
}

func readStatus(dir int) (status, error) {
	var buf [2048]byte
	b, err := readFileAt(dir, "status", buf[:])
	if err != nil {
		return status{}, err
	}
	var st status
	seen := 0
	for line := range bytes.Lines(b) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		switch string(k) {
		case "Name":
			st.name = string(v)
			seen++
		case "Tgid":
			st.tgid, _ = strconv.Atoi(string(v))
			seen++
		case "PPid":
			st.ppid, _ = strconv.Atoi(string(v))
			seen++
		}
		if seen == 3 {
			return st, nil
		}
	}
	return st, errors.New("no Name, Tgid and PPid")
}

// parents walks up from pid until the supervisor, init or a process that
// is gone.
func (g *Gate) parents(pid int) []Proc {
	var out []Proc
	var buf [512]byte
	for pid > 1 && pid != g.self && len(out) < maxParents {
		b, err := readFileAt(unix.AT_FDCWD, "/proc/"+strconv.Itoa(pid)+"/stat", buf[:])
		if err != nil {
			break
		}
		comm, ppid, ok := parseStat(b)
		if !ok {
			break
		}
		out = append(out, Proc{Pid: pid, Comm: comm, Cmdline: g.cmdline(pid)})
		pid = ppid
	}
	return out
}

// parseStat takes the name and parent out of /proc/PID/stat. The name is
// in parentheses and may itself hold them.
func parseStat(b []byte) (comm string, ppid int, ok bool) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	f := bytes.Fields(b[end+1:])
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, err := strconv.Atoi(string(f[1]))
	return string(b[open+1 : end]), ppid, err == nil
}

// cmdline is a process's arguments joined by spaces, cut at cmdlineCut.
func (g *Gate) cmdline(pid int) string {
	var buf [cmdlineCut + 1]byte
	b, err := readFileAt(unix.AT_FDCWD, "/proc/"+strconv.Itoa(pid)+"/cmdline", buf[:])
	if err != nil {
		return ""
	}
	cut := len(b) > cmdlineCut
	if cut {
		b = b[:cmdlineCut]
	}
	s := strings.TrimRight(strings.ReplaceAll(string(b), "\x00", " "), " ")
	if cut {
		s += Truncated
	}
	return s
}

// readFileAt reads a small /proc file into buf (a prefix when it does not
// fit) without going through os.File and the netpoller.
func readFileAt(dir int, name string, buf []byte) ([]byte, error) {
	fd, err := unix.Openat(dir, name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for n < len(buf) {
		k, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if k == 0 {
			break
		}
		n += k
	}
	return buf[:n], nil
}

func readlinkat(dir int, name string) (string, error) {
	var buf [unix.PathMax]byte
	n, err := unix.Readlinkat(dir, name, buf[:])
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}
