package execgate

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// After an allowed exec, the gate checks that the program that runs is the
// one analysed: another thread of the caller could have rewritten argv (or
// the file could have been replaced) between the read and the exec. This
// is a check against accidents and confusion, not a sandbox.
//
// The exec has finished once the process's memory map is a new one with
// its code and arguments in place: /proc/PID/stat's start_code, end_code,
// start_stack, arg_start and arg_end all move on exec (the stack always,
// with address-space randomisation), and start_code is set last. Until then
// the old program's values, or zeros, are there.

// verification waits for one allowed exec to finish and compares.
type verification struct {
	g      *Gate
	ex     *Exec
	dir    int // /proc/TGID, opened before the exec: never another process
	before image

	mu   sync.Mutex
	done bool
}

// image is what identifies the program a process runs.
type image struct {
	startCode, endCode, startStack, argStart, argEnd uint64
	gone                                             bool // zombie or dead
}

func (i image) ready() bool { return i.startCode != 0 && i.argEnd != 0 }

func readImage(dir int) (image, error) {
	var buf [1024]byte
	b, err := readFileAt(dir, "stat", buf[:])
	if err != nil {
		return image{}, err
	}
	st, ok := parseStat(b)
	if !ok {
		return image{gone: true}, nil
	}
	return st.image, nil
}

// prepareVerify records the caller's program before its exec is let go;
// nil when nothing will be verified.
func (g *Gate) prepareVerify(ex *Exec) *verification {
	if g.opts.OnMismatch == nil {
		return nil
	}
	dir, err := unix.Open("/proc/"+strconv.Itoa(ex.Tgid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	im, err := readImage(dir)
	if err != nil || im.gone {
		unix.Close(dir)
		return nil
	}
	v := &verification{g: g, ex: ex, dir: dir, before: im}
	g.mu.Lock()
	g.pending[ex.Tgid] = v
	g.mu.Unlock()
	return v
}

// settle verifies the previous allowed exec of a process that is now held
// in another exec: whatever it runs is what that exec produced, and it
// cannot change until the new exec is answered. No change means that exec
// failed.
func (g *Gate) settle(tgid int) {
	g.mu.Lock()
	v := g.pending[tgid]
	g.mu.Unlock()
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.done {
		v.check()
		v.finish()
	}
}

// Polling: the first look is after verifyFirst (an exec normally takes
// a fraction of that, and looking while it runs only competes with it for
// the CPU); the interval then doubles, up to verifyWindow in all, because a
// loaded machine can take much longer (an exec first ends the caller's
// other threads and frees its old memory map). An exec that failed changes
// nothing and is given up on at the end of the window, or as soon as the
// process execs again (settle). A program that has already exited by the
// first look is not verified.
const (
	verifyFirst  = time.Millisecond
	verifyMax    = 250 * time.Millisecond
	verifyWindow = 3 * time.Second
)

// run polls until the exec has visibly finished, the process is gone or
// the window has passed.
func (v *verification) run() {
	defer v.close()
	t := time.NewTimer(verifyFirst)
	defer t.Stop()
	for d, waited := verifyFirst, time.Duration(0); ; {
		select {
		case <-t.C:
		case <-v.g.closed:
			return
		}
		waited += d
		v.mu.Lock()
		if v.done || v.check() {
			v.finish()
			v.mu.Unlock()
			return
		}
		v.mu.Unlock()
		if waited >= verifyWindow {
			return
		}
		d = min(d*2, verifyMax)
		t.Reset(d)
	}
}

// check reports whether it could conclude: the exec finished (and any
// mismatch was reported) or the process is gone. Called with v.mu held.
func (v *verification) check() bool {
	im, err := readImage(v.dir)
	if err != nil || im.gone {
		return true
	}
	if im == v.before || !im.ready() {
		return false
	}
	var st unix.Stat_t
	if err := unix.Fstatat(v.dir, "exe", &st, 0); err != nil {
		return true
	}
	argv, err := readCmdline(v.dir)
	if err != nil || len(argv) == 0 {
		return true // exiting: its memory is gone
	}
	exe, err := readlinkat(v.dir, "exe")
	if err != nil {
		return true
	}
	// Still the same program, so all of the above describes it: the
	// process did not exit meanwhile (that zeroes these fields), and it
	// cannot exec again before settle has taken v.mu.
	if again, err := readImage(v.dir); err != nil || again != im {
		return true
	}
	ok := matches(v.ex, fileID{dev: uint64(st.Dev), ino: st.Ino}, argv, isScript)
	if !ok {
		v.g.opts.OnMismatch(v.ex, exe, argv)
	}
	if v.g.opts.verified != nil {
		v.g.opts.verified(v.ex, ok)
	}
	return true
}

// finish marks the verification done and drops it. Called with v.mu held.
func (v *verification) finish() {
	if v.done {
		return
	}
	v.done = true
	v.g.mu.Lock()
	if v.g.pending[v.ex.Tgid] == v {
		delete(v.g.pending, v.ex.Tgid)
	}
	v.g.mu.Unlock()
	unix.Close(v.dir)
}

// close abandons the verification.
func (v *verification) close() {
	v.mu.Lock()
	v.finish()
	v.mu.Unlock()
}

// matches reports whether a program with file exe and arguments argv is
// what ex analysed: the same file and arguments, or a script started by its
// interpreter: [interpreter, optional argument…, script name, argv[1:]…].
func matches(ex *Exec, exe fileID, argv []string, script func(*Exec) bool) bool {
	want, prefix := ex.Argv, ex.truncated
	if prefix {
		want = want[:len(want)-1] // the "…"
	}
	if len(want) == 0 && !prefix {
		want = []string{""} // Linux runs an empty argv as [""]
	}
	if (!ex.target.valid() || exe == ex.target) && argvMatch(argv, want, prefix) {
		return true
	}
	if !script(ex) {
		return false
	}
	rest := want
	if len(rest) > 0 {
		rest = rest[1:]
	}
	for i := 1; i < len(argv) && i <= 8; i++ {
		if argv[i] == ex.kernelName && argvMatch(argv[i+1:], rest, prefix) {
			return true
		}
	}
	return false
}

func argvMatch(got, want []string, prefix bool) bool {
	if len(got) < len(want) || (!prefix && len(got) != len(want)) {
		return false
	}
	for i := range want {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// isScript reports whether the analysed file starts with "#!", or cannot
// be looked at any more (then the script form is given the benefit of the
// doubt).
func isScript(ex *Exec) bool {
	fd, err := unix.Open(ex.at, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return true
	}
	defer unix.Close(fd)
	var b [2]byte
	n, _ := unix.Pread(fd, b[:], 0)
	return n == 2 && b == [2]byte{'#', '!'}
}

// readCmdline reads /proc/PID/cmdline as an argument vector.
func readCmdline(dir int) ([]string, error) {
	fd, err := unix.Openat(dir, "cmdline", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, 4096)
	for len(buf) <= maxArgBytes+maxArgs {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	if len(buf) == 0 {
		return nil, nil
	}
	return strings.Split(string(bytes.TrimSuffix(buf, []byte{0})), "\x00"), nil
}
