package execgate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// and its last element is Truncated.
	Argv []string
	Cwd  string // the caller's working directory
	Time time.Time
	// Interpreter is, when Path is a script, its "#!" line as the kernel
	// will run it: the interpreter and, if there is one, its argument.
	// The kernel then runs "Interpreter... Path Argv[1:]...".
	Interpreter []string

	// What the verification after the exec compares with.
	kernelName string // the name binfmt_script puts in a script's argv
	target     fileID // the file Path named when it was analysed
	at         string // where to open that file (through /proc/PID/…)
	truncated  bool   // Argv was cut

	// Where the caller's path and argv are, and the path as read, to read
	// them again just before the exec is let through (stillAsRead).
	pathPtr, argvPtr uint64
	name             string

	held *holdState
}

// Caller is the calling process as it was before the exec. Like Parents it
// is read from /proc on first use, which must be during Decide, while the
// exec is held; once the exec has been answered the process may be running
// something else, and both return what was read before, or nothing.
func (ex *Exec) Caller() Proc {
	ex.describe()
	if ex.held == nil {
		return Proc{}
	}
	return ex.held.caller
}

// Parents is the caller's parent, grandparent, … up to but not including
// the supervisor (or init). See Caller for when to call it.
func (ex *Exec) Parents() []Proc {
	ex.describe()
	if ex.held == nil {
		return nil
	}
	return ex.held.parents
}

// Proc is a process in an exec's ancestry.
type Proc struct {
	Pid     int
	Comm    string // the kernel's short name (at most 15 bytes)
	Cmdline string // its arguments joined by spaces, cut at 256 bytes
}

// holdState lets Caller and Parents read /proc while the exec is held.
// They are not read eagerly: most execs are allowed without anyone looking
// at them, and every read of a new process's /proc files is on the exec's
// path.
type holdState struct {
	g  *Gate
	id uint64

	mu      sync.Mutex
	done    bool // answered
	read    bool
	caller  Proc
	parents []Proc
}

func (h *holdState) answered() {
	h.mu.Lock()
	h.done = true
	h.mu.Unlock()
}

func (ex *Exec) describe() {
	h := ex.held
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.read || h.done {
		return
	}
	h.read = true
	var buf [1024]byte
	b, err := readFileAt(unix.AT_FDCWD, "/proc/"+strconv.Itoa(ex.Pid)+"/stat", buf[:])
	if err != nil {
		return
	}
	st, ok := parseStat(b)
	if !ok {
		return
	}
	caller := Proc{Pid: ex.Tgid, Comm: st.comm, Cmdline: readCmdlineShort(ex.Tgid)}
	parents := h.g.parents(st.ppid)
	// The caller is still waiting, so the pid read was its own.
	if h.g.valid(h.id) {
		h.caller, h.parents = caller, parents
	}
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
// directory. An errUnanswerable error carries the errno to fail the exec
// with; any other error is the supervisor's failure. Everything here is on
// the exec's path, so it reads as few /proc files as it can (the first
// read of each file of a new process is the expensive part).
func (g *Gate) inspect(n *notif) (*Exec, error) {
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
	proc := "/proc/" + strconv.Itoa(ex.Pid)

	m := memReaders.Get().(*memReader)
	defer memReaders.Put(m)
	*m = memReader{pid: ex.Pid}
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
	if ex.Cwd, err = readlink(proc + "/cwd"); err != nil {
		return nil, fmt.Errorf("pid %d: cwd: %w", ex.Pid, err)
	}
	if ex.Tgid, err = tgidOf(proc, ex.Pid); err != nil {
		return nil, fmt.Errorf("pid %d: status: %w", ex.Pid, err)
	}

	// Where the file is, for the existence check and the verification:
	// through the caller's root, cwd or descriptor, as the kernel looks.
	var at string
	switch {
	case flags&unix.AT_EMPTY_PATH != 0 && name == "":
		fd := strconv.Itoa(int(dirfd))
		link, err := readlink(proc + "/fd/" + fd)
		if err != nil {
			return nil, errUnanswerable{unix.EBADF}
		}
		ex.Path, ex.kernelName, at = link, "/dev/fd/"+fd, proc+"/fd/"+fd
	case name == "":
		return nil, errUnanswerable{unix.ENOENT}
	case strings.HasPrefix(name, "/"):
		ex.Path, ex.kernelName, at = name, name, inProcess(proc)(name)
	case dirfd == unix.AT_FDCWD:
		ex.Path, ex.kernelName, at = name, name, inProcess(proc)(name)
	default:
		fd := strconv.Itoa(int(dirfd))
		link, err := readlink(proc + "/fd/" + fd)
		if err != nil {
			return nil, errUnanswerable{unix.EBADF}
		}
		ex.Path, ex.kernelName, at = strings.TrimSuffix(link, "/")+"/"+name, "/dev/fd/"+fd+"/"+name, proc+"/fd/"+fd+"/"+name
	}
	ex.at = at
	ex.pathPtr, ex.argvPtr, ex.name = pathPtr, argvPtr, name
	var s unix.Stat_t
	switch err := unix.Stat(at, &s); err {
	case nil:
		ex.target = fileID{dev: uint64(s.Dev), ino: s.Ino}
		if s.Mode&unix.S_IFMT == unix.S_IFREG {
			ex.Interpreter = interpreterOf(at, inProcess(proc))
		}
	case unix.ENOENT, unix.ENOTDIR, unix.ELOOP, unix.ENAMETOOLONG:
		// The kernel would fail the exec the same way; shells' and
		// execvp's PATH searches try many such names.
		return nil, errUnanswerable{err.(unix.Errno)}
	}
	ex.held = &holdState{g: g, id: n.id}
	return ex, nil
}

// interpreterOf reads a script's "#!" line as Linux's binfmt_script
// does (scriptLine), and follows an interpreter that is a script itself,
// as the kernel does within one execve (up to its depth of 4). It returns
// what the kernel puts before the script's path: the last interpreter
// with its argument, then each script between. A review's "#!/bin/rm -rf"
// script deleted what its argument named while the gate judged only
// "./x.sh ~/project". resolve maps an interpreter's name to a path that
// opens it as the caller would. Nil for anything but a script.
func interpreterOf(path string, resolve func(string) string) []string {
	var prefix []string
	for depth := 0; depth < 4; depth++ {
		interp := scriptLine(path)
		if interp == nil {
			break
		}
		prefix = append(interp, prefix...)
		path = resolve(interp[0])
	}
	return prefix
}

// inProcess maps a path as the process at proc (/proc/PID) names it to
// one that opens the same file from here: through its root or its cwd.
func inProcess(proc string) func(string) string {
	return func(name string) string {
		if strings.HasPrefix(name, "/") {
			return proc + "/root" + name
		}
		return proc + "/cwd/" + name
	}
}

// scriptLine is binfmt_script's reading of a file's first 256 bytes: the
// line ends at the first newline, or at byte 255 when there is none; blanks
// around it are trimmed; the interpreter runs to the first blank or NUL,
// and the rest, after blanks, up to a NUL, is its one argument.
func scriptLine(path string) []string {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	var buf [256]byte
	n, _ := unix.Pread(fd, buf[:], 0)
	if n < 2 || buf[0] != '#' || buf[1] != '!' {
		return nil
	}
	line := buf[2:n]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	} else if n == len(buf) {
		line = line[:len(line)-1] // the kernel drops the last byte
	}
	blank := func(c byte) bool { return c == ' ' || c == '\t' }
	for len(line) > 0 && blank(line[len(line)-1]) {
		line = line[:len(line)-1]
	}
	for len(line) > 0 && blank(line[0]) {
		line = line[1:]
	}
	end := bytes.IndexFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == 0 })
	if end == 0 || len(line) == 0 {
		return nil
	}
	if end < 0 {
		return []string{string(line)}
	}
	name, arg := string(line[:end]), line[end:]
	if arg[0] == 0 {
		return []string{name}
	}
	for len(arg) > 0 && blank(arg[0]) {
		arg = arg[1:]
	}
	if i := bytes.IndexByte(arg, 0); i >= 0 {
		arg = arg[:i]
	}
	if len(arg) == 0 {
		return []string{name}
	}
	return []string{name, string(arg)}
}

// stillAsRead reads the caller's path and argv again and reports whether
// they are what was analysed. The kernel copies them only after the exec
// is let through, from memory the caller's other threads (or a process
// sharing it) can change meanwhile: a review's program waited for
// sentinel's read (it watched the page fault in) and then swapped
// "/bin/echo hello" for "/bin/rm -rf ~/.ssh" while the decision ran. This
// read, just before the answer, catches a swap made during the decision;
// one made in the microseconds after it is left to the verification after
// the exec (verify.go).
// The working directory and the file the path names are checked again
// too: a process sharing the caller's filesystem state (CLONE_FS) moved
// its cwd while the operator decided, so that the approved "rm -rf ../w"
// in one directory deleted another; one sharing its descriptors could
// swap execveat's directory or file the same way.
// It returns what changed, "" when nothing did.
func (g *Gate) stillAsRead(ex *Exec) (changed string) {
	m := memReaders.Get().(*memReader)
	defer memReaders.Put(m)
	*m = memReader{pid: ex.Pid}
	name, _, err := m.str(ex.pathPtr, maxPath-1)
	if err != nil {
		return "its path can no longer be read"
	}
	argv, truncated, err := m.argv(ex.argvPtr)
	switch {
	case err != nil:
		return "its arguments can no longer be read"
	case name != ex.name || truncated != ex.truncated || !slices.Equal(argv, ex.Argv):
		return "it now executes " + strconv.Quote(name) + " with arguments " + strconv.Quote(strings.Join(argv, " "))
	}
	proc := "/proc/" + strconv.Itoa(ex.Pid)
	if cwd, err := readlink(proc + "/cwd"); err != nil || cwd != ex.Cwd {
		return "its working directory is now " + strconv.Quote(cwd)
	}
	if ex.target != (fileID{}) {
		var st unix.Stat_t
		if err := unix.Stat(ex.at, &st); err != nil || (fileID{dev: uint64(st.Dev), ino: st.Ino}) != ex.target {
			return "the file it names was replaced"
		}
		if !slices.Equal(interpreterOf(ex.at, inProcess(proc)), ex.Interpreter) {
			return "its #! line changed"
		}
	}
	return ""
}

// memReader reads strings and pointers from a process's memory with
// process_vm_readv (no /proc file to open: the first open of a new
// process's /proc files is costly, and this is on the exec's path). It
// keeps the last window read (argv strings are usually next to each
// other).
type memReader struct {
	pid  int
	base uint64
	n    int
	win  [pageSize]byte
}

const pageSize = 4096

// memReaders keeps readers (and their windows) off the handling
// goroutine's stack, which is new for every exec.
var memReaders = sync.Pool{New: func() any { return new(memReader) }}

// readAt reads len(buf) bytes at addr, page by page so that a read
// running into unmapped memory returns the pages before it. Nothing at all
// is the caller's bad pointer.
func (m *memReader) readAt(buf []byte, addr uint64) (int, error) {
	if addr == 0 || addr > 1<<63-1-uint64(len(buf)) {
		return 0, errUnanswerable{unix.EFAULT}
	}
	var local [4]unix.Iovec
	var remote [4]unix.RemoteIovec
	k, off := 0, 0
	for off < len(buf) && k < len(local) {
		a := addr + uint64(off)
		n := min(len(buf)-off, pageSize-int(a%pageSize))
		local[k].Base = &buf[off]
		local[k].SetLen(n)
		remote[k] = unix.RemoteIovec{Base: uintptr(a), Len: n}
		k, off = k+1, off+n
	}
	for {
		n, err := unix.ProcessVMReadv(m.pid, local[:k], remote[:k], 0)
		switch {
		case n > 0:
			return n, nil
		case err == unix.EINTR:
			continue
		case err == nil || err == unix.EFAULT || err == unix.EIO:
			return 0, errUnanswerable{unix.EFAULT}
		default:
			return 0, fmt.Errorf("read memory of %d at %#x: %w", m.pid, addr, err)
		}
	}
}

// fill reads the window at addr, to the end of its page: each page read
// costs, and most strings are short.
func (m *memReader) fill(addr uint64) error {
	m.n = 0
	n, err := m.readAt(m.win[:pageSize-addr%pageSize], addr)
	if err != nil {
		return err
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
		n, err := m.readAt(raw[:], addr)
		if err != nil {
			return nil, false, err
		}
		if n < 8 {
			return nil, false, errUnanswerable{unix.EFAULT}
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

// tgidOf finds the process of thread tid: itself when it leads its thread
// group, which is cheaper to learn than reading /proc/TID/status.
func tgidOf(proc string, tid int) (int, error) {
	// Signal 0 to thread tid of process tid: no such thread (ESRCH) unless
	// tid leads its process.
	if err := unix.Tgkill(tid, tid, 0); err == nil || err == unix.EPERM {
		return tid, nil
	}
	var buf [2048]byte
	b, err := readFileAt(unix.AT_FDCWD, proc+"/status", buf[:])
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("Tgid:")); ok {
			return strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	return 0, errors.New("no Tgid")
}

// procStat is what the gate uses of /proc/PID/stat.
type procStat struct {
	comm      string
	ppid      int
	startTime uint64
	image     image
}

// Fields of /proc/PID/stat (1-based, as in proc(5)).
const (
	statState      = 3
	statPpid       = 4
	statStartTime  = 22
	statStartCode  = 26
	statEndCode    = 27
	statStartStack = 28
	statArgStart   = 48
	statArgEnd     = 49
)

// parseStat parses /proc/PID/stat. The name is in parentheses and may
// itself hold them.
func parseStat(b []byte) (procStat, bool) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return procStat{}, false
	}
	f := bytes.Fields(b[end+1:])
	if len(f) < statPpid-statState+1 {
		return procStat{}, false
	}
	field := func(n int) uint64 {
		if i := n - statState; i < len(f) {
			v, _ := strconv.ParseUint(string(f[i]), 10, 64)
			return v
		}
		return 0
	}
	ppid, err := strconv.Atoi(string(f[statPpid-statState]))
	if err != nil {
		return procStat{}, false
	}
	return procStat{
		comm:      string(b[open+1 : end]),
		ppid:      ppid,
		startTime: field(statStartTime),
		image: image{
			startCode: field(statStartCode), endCode: field(statEndCode), startStack: field(statStartStack),
			argStart: field(statArgStart), argEnd: field(statArgEnd),
			gone: f[0][0] == 'Z' || f[0][0] == 'X',
		},
	}, true
}

// parents walks up from pid until the supervisor, init or a process that
// is gone. Command lines come from a cache: the same shell is the parent
// of many execs.
func (g *Gate) parents(pid int) []Proc {
	var out []Proc
	var buf [1024]byte
	for pid > 1 && pid != g.self && len(out) < maxParents {
		b, err := readFileAt(unix.AT_FDCWD, "/proc/"+strconv.Itoa(pid)+"/stat", buf[:])
		if err != nil {
			break
		}
		st, ok := parseStat(b)
		if !ok {
			break
		}
		out = append(out, Proc{Pid: pid, Comm: st.comm, Cmdline: g.cmdlines.get(pid, st)})
		pid = st.ppid
	}
	return out
}

// cmdlineCache holds parents' short command lines. An entry is keyed by
// what identifies one program in one process: pid, start time (pid reuse)
// and the stack address (an exec moves it; when it reads as 0, nothing is
// cached).
type cmdlineCache struct {
	mu sync.Mutex
	m  map[cmdlineKey]string
}

type cmdlineKey struct {
	pid             int
	start, stackTop uint64
}

const cmdlineCacheSize = 1024

func (c *cmdlineCache) get(pid int, st procStat) string {
	key := cmdlineKey{pid, st.startTime, st.image.startStack}
	if key.stackTop != 0 {
		c.mu.Lock()
		s, ok := c.m[key]
		c.mu.Unlock()
		if ok {
			return s
		}
	}
	s := readCmdlineShort(pid)
	if key.stackTop != 0 {
		c.mu.Lock()
		if c.m == nil || len(c.m) >= cmdlineCacheSize {
			c.m = map[cmdlineKey]string{}
		}
		c.m[key] = s
		c.mu.Unlock()
	}
	return s
}

// readCmdlineShort is a process's arguments joined by spaces, cut at
// cmdlineCut.
func readCmdlineShort(pid int) string {
	var buf [cmdlineCut + 1]byte
	b, err := readFileAt(unix.AT_FDCWD, "/proc/"+strconv.Itoa(pid)+"/cmdline", buf[:])
	if err != nil {
		return ""
	}
	return shortCmdline(b)
}

func shortCmdline(b []byte) string {
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

func readlink(path string) (string, error) { return readlinkat(unix.AT_FDCWD, path) }

func readlinkat(dir int, name string) (string, error) {
	var buf [unix.PathMax]byte
	n, err := unix.Readlinkat(dir, name, buf[:])
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}
