package execgate

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TrampolineArg is the argument that makes sentinel run as the trampoline:
// argv is [self, TrampolineArg, RESOLVED_PATH, ARGV0, ARGS...] with the
// supervisor's socket at fd 3.
const TrampolineArg = "__exec-gate"

// trampolineFd is where the trampoline finds the supervisor's socket
// (exec.Cmd.ExtraFiles[0]).
const trampolineFd = 3

// RunTrampoline is the child side of the gate; args is everything after
// TrampolineArg. It installs the filter, hands the listener to the
// supervisor over fd 3 and execs the agent, whose exec is already gated. It
// returns only on failure, having printed one line to stderr, with 126: the
// agent is never run ungated.
func RunTrampoline(args []string) int {
	err := trampoline(args)
	fmt.Fprintf(os.Stderr, "sentinel: exec gate: %v\n", err)
	return 126
}

func trampoline(args []string) error {
	if len(args) < 2 {
		return errors.New("trampoline needs PATH ARGV0 [ARGS...]")
	}
	// The filter is installed on every thread (TSYNC) when the kernel can;
	// the exec below runs on this thread, which has it either way, and the
	// exec leaves this thread alone in the new program.
	runtime.LockOSThread()
	prog, err := filter(abi)
	if err != nil {
		return err
	}
	listener, err := install(prog)
	if err != nil {
		return err
	}
	err = unix.Sendmsg(trampolineFd, []byte{'g'}, unix.UnixRights(listener), nil, 0)
	unix.Close(listener)
	unix.Close(trampolineFd)
	if err != nil {
		return fmt.Errorf("sending the listener to the supervisor: %w", err)
	}
	err = unix.Exec(args[0], args[1:], os.Environ())
	return fmt.Errorf("%s: %w", args[0], err)
}

// install loads the filter and returns the notification listener. Flags
// the kernel does not know are dropped, most optional first:
// WAIT_KILLABLE_RECV (5.19: once the supervisor has read a notification,
// only a fatal signal interrupts the held exec, so one exec is not
// analysed twice) and TSYNC (needs TSYNC_ESRCH, 5.7, next to NEW_LISTENER).
// no_new_privs is set only when the kernel demands it (no CAP_SYS_ADMIN):
// it stops setuid programs such as sudo from gaining privileges.
func install(prog []unix.SockFilter) (int, error) {
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	flagSets := []uint{
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER | unix.SECCOMP_FILTER_FLAG_TSYNC | unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH | filterFlagWaitKillableRecv,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER | unix.SECCOMP_FILTER_FLAG_TSYNC | unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER,
	}
	nnp := false
	for i := 0; ; {
		fd, err := seccomp(unix.SECCOMP_SET_MODE_FILTER, flagSets[i], unsafe.Pointer(&fprog))
		runtime.KeepAlive(prog)
		switch {
		case err == nil:
			return int(fd), nil
		case err == unix.EACCES && !nnp:
			if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
				return -1, fmt.Errorf("no_new_privs: %w", err)
			}
			nnp = true
		case err == unix.EINVAL && i+1 < len(flagSets):
			i++
		default:
			return -1, fmt.Errorf("installing the seccomp filter: %w", err)
		}
	}
}
