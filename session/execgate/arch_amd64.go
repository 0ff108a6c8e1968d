//go:build linux && amd64

package execgate

import "golang.org/x/sys/unix"

// The native ABI, the x32 ABI (same audit arch, syscall numbers with
// x32Bit set) and the i386 compat ABI reachable through int 0x80.
var abi = archABI{
	supported:      true,
	native:         unix.AUDIT_ARCH_X86_64,
	execve:         unix.SYS_EXECVE,
	execveat:       unix.SYS_EXECVEAT,
	x32Bit:         0x40000000,
	x32Exec:        []uint32{59, 322, 520, 545}, // execve and execveat, 64-bit and x32 slots
	compat:         unix.AUDIT_ARCH_I386,
	compatExecve:   11,
	compatExecveat: 358,
	ioctl:          unix.SYS_IOCTL,
	x32Ioctl:       []uint32{16, 514}, // the 64-bit slot and x32's own
	compatIoctl:    54,
}
