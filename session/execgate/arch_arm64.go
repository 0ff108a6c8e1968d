//go:build linux && arm64

package execgate

import "golang.org/x/sys/unix"

// The native ABI and the 32-bit ARM compat ABI.
var abi = archABI{
	supported:      true,
	native:         unix.AUDIT_ARCH_AARCH64,
	execve:         unix.SYS_EXECVE,
	execveat:       unix.SYS_EXECVEAT,
	compat:         unix.AUDIT_ARCH_ARM,
	compatExecve:   11,
	compatExecveat: 387,
	ioctl:          unix.SYS_IOCTL,
	compatIoctl:    54,
}
