package execgate

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel's seccomp user-notification structures (linux/seccomp.h),
// which x/sys/unix does not define.

// seccompData is struct seccomp_data.
type seccompData struct {
	nr   int32
	arch uint32
	ip   uint64
	args [6]uint64
}

// notif is struct seccomp_notif, filled by SECCOMP_IOCTL_NOTIF_RECV.
type notif struct {
	id    uint64
	pid   uint32 // thread id of the caller, in the supervisor's pid namespace
	flags uint32
	data  seccompData
}

// notifResp is struct seccomp_notif_resp, sent with SECCOMP_IOCTL_NOTIF_SEND.
type notifResp struct {
	id    uint64
	val   int64
	error int32 // a negated errno, or 0
	flags uint32
}

// notifSizes is struct seccomp_notif_sizes (SECCOMP_GET_NOTIF_SIZES).
type notifSizes struct {
	notif     uint16
	notifResp uint16
	data      uint16
}

// The ioctl numbers encode the sizes; these fail to compile if a struct
// above is laid out differently from the kernel's.
var (
	_ [80]byte = [unsafe.Sizeof(notif{})]byte{}
	_ [24]byte = [unsafe.Sizeof(notifResp{})]byte{}
	_ [64]byte = [unsafe.Sizeof(seccompData{})]byte{}
)

// Not in x/sys v0.50.0.
const filterFlagWaitKillableRecv = 1 << 5 // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19)

var errUnsupportedArch = errors.New("exec gate: no syscall table for this architecture (amd64 and arm64 only)")

func seccomp(op, flags uint, arg unsafe.Pointer) (uintptr, error) {
	r, _, e := unix.Syscall(unix.SYS_SECCOMP, uintptr(op), uintptr(flags), uintptr(arg))
	if e != 0 {
		return 0, e
	}
	return r, nil
}

// Supported reports whether this kernel and architecture can run the gate:
// nil when they can.
func Supported() error {
	if !abi.supported {
		return errUnsupportedArch
	}
	action := uint32(unix.SECCOMP_RET_USER_NOTIF)
	if _, err := seccomp(unix.SECCOMP_GET_ACTION_AVAIL, 0, unsafe.Pointer(&action)); err != nil {
		return fmt.Errorf("exec gate: seccomp user notification unavailable: %w", err)
	}
	var sz notifSizes
	if _, err := seccomp(unix.SECCOMP_GET_NOTIF_SIZES, 0, unsafe.Pointer(&sz)); err != nil {
		return fmt.Errorf("exec gate: seccomp notification sizes: %w", err)
	}
	if int(sz.notif) != int(unsafe.Sizeof(notif{})) || int(sz.notifResp) != int(unsafe.Sizeof(notifResp{})) {
		return fmt.Errorf("exec gate: kernel notification sizes %d/%d, expected %d/%d",
			sz.notif, sz.notifResp, unsafe.Sizeof(notif{}), unsafe.Sizeof(notifResp{}))
	}
	return nil
}

func ioctlPtr(fd int, req uint, p unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(p))
	if e != 0 {
		return e
	}
	return nil
}

// recvNotif receives one notification. It blocks while none is pending;
// the caller polls first.
func recvNotif(fd int, n *notif) error {
	*n = notif{} // the kernel rejects a non-zeroed buffer
	return ioctlPtr(fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(n))
}

// idValid reports whether notification id is still pending (its caller
// has not died or been interrupted): ENOENT when it is not.
func idValid(fd int, id uint64) error {
	return ioctlPtr(fd, unix.SECCOMP_IOCTL_NOTIF_ID_VALID, unsafe.Pointer(&id))
}

// sendResp answers a notification: continue the syscall, or fail it with
// errno.
func sendResp(fd int, id uint64, errno unix.Errno) error {
	r := notifResp{id: id}
	if errno == 0 {
		r.flags = unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE
	} else {
		r.error = -int32(errno)
	}
	return ioctlPtr(fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&r))
}
