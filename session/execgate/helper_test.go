package execgate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// helperMain runs the test binary as something other than a test.
func helperMain(mode string, args []string) int {
	switch mode {
	case "supervise":
		return supervise(args[0])
	case "execveat-dir", "execveat-fd", "rewrite":
		return execHelper(mode)
	case "bad-pointers":
		return badPointers()
	case "tiocsti":
		return typeIntoATerminal()
	default:
		fmt.Println("unknown helper mode", mode)
		return 2
	}
}

// supervise runs an agent in dir behind a gate that holds /bin/rm forever,
// and says "held" on stdout when it does. The agent writes to dir/out.
func supervise(dir string) int {
	self, _ := os.Executable()
	p, err := Prepare(self, "/bin/sh", []string{"sh", "-c", "/bin/rm victim; echo rm:$?; /bin/true; echo true:$?; echo done"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cmd := exec.Command(p.Command[0], p.Command[1:]...)
	cmd.ExtraFiles = p.ExtraFiles
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, helperEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_, err = p.Start(Options{Decide: func(ex *Exec) bool {
		if ex.Path == "/bin/rm" {
			fmt.Println("held")
			select {}
		}
		return true
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cmd.Wait()
	return 0
}

// execHelper execs /bin/sleep 30 in the ways the shell does not:
// execveat with a directory descriptor, fexecve, or execve with argv that
// another thread rewrites to "31" when told to (fd 4) and reports having
// done so (fd 5).
func execHelper(mode string) int {
	runtime.LockOSThread()
	env := []string{"PATH=/usr/bin:/bin"}
	var err error
	switch mode {
	case "execveat-dir":
		dir, _ := unix.Open("/bin", unix.O_RDONLY|unix.O_DIRECTORY, 0)
		err = execveat(dir, "sleep", []string{"sleep", "30"}, env, 0)
	case "execveat-fd":
		fd, _ := unix.Open("/bin/sleep", unix.O_RDONLY, 0)
		err = execveat(fd, "", []string{"sleep", "30"}, env, unix.AT_EMPTY_PATH)
	case "rewrite":
		buf := []byte("/bin/sleep\x0030\x00")
		argv := []uintptr{uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&buf[11])), 0}
		envp := []uintptr{0}
		go func() {
			var b [1]byte
			unix.Read(4, b[:])
			buf[12] = '1'
			unix.Write(5, b[:])
		}()
		_, _, e := unix.Syscall(unix.SYS_EXECVE, uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&argv[0])), uintptr(unsafe.Pointer(&envp[0])))
		runtime.KeepAlive(buf)
		err = e
	}
	fmt.Fprintln(os.Stderr, mode, err)
	return 1
}

func execveat(dirfd int, path string, argv, env []string, flags int) error {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return err
	}
	a, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return err
	}
	e, err := syscall.SlicePtrFromStrings(env)
	if err != nil {
		return err
	}
	_, _, errno := unix.Syscall6(unix.SYS_EXECVEAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&e[0])), uintptr(flags), 0)
	return errno
}

// badPointers calls execve with a path and an argv the kernel cannot read,
// and prints the errors it gets.
func badPointers() int {
	path, _ := unix.BytePtrFromString("/bin/true")
	argv, _ := syscall.SlicePtrFromStrings([]string{"true"})
	env := []*byte{nil}
	for _, c := range []struct {
		name       string
		path, argv uintptr
	}{
		{"path", 8, uintptr(unsafe.Pointer(&argv[0]))},
		{"argv", uintptr(unsafe.Pointer(path)), 8},
	} {
		_, _, e := unix.Syscall(unix.SYS_EXECVE, c.path, c.argv, uintptr(unsafe.Pointer(&env[0])))
		fmt.Printf("%s: %v\n", c.name, e)
	}
	runtime.KeepAlive(path)
	runtime.KeepAlive(argv)
	return 0
}

// typeIntoATerminal opens a new terminal and pushes a byte into its input
// with TIOCSTI, as a program that wants to answer another program's
// prompt would; it prints "typed" or the error.
func typeIntoATerminal() int {
	master, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		fmt.Println("ptmx:", err)
		return 1
	}
	defer unix.Close(master)
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		fmt.Println("unlock:", err)
		return 1
	}
	n, err := unix.IoctlGetInt(master, unix.TIOCGPTN)
	if err != nil {
		fmt.Println("ptn:", err)
		return 1
	}
	slave, err := unix.Open(fmt.Sprintf("/dev/pts/%d", n), unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		fmt.Println("slave:", err)
		return 1
	}
	defer unix.Close(slave)
	c := byte('a')
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(slave), unix.TIOCSTI, uintptr(unsafe.Pointer(&c))); errno != 0 {
		fmt.Println(errno)
		return 0
	}
	fmt.Println("typed")
	return 0
}
