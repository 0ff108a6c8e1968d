package execgate

import (
	"testing"

	"golang.org/x/sys/unix"
)

// runBPF interprets the subset of classic BPF the filter uses.
func runBPF(t *testing.T, prog []unix.SockFilter, nr int32, arch uint32, arg1 uint64) uint32 {
	t.Helper()
	var a uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			switch in.K {
			case offNr:
				a = uint32(nr)
			case offArch:
				a = arch
			case offArg1Lo:
				a = uint32(arg1)
			default:
				t.Fatalf("pc %d: load of offset %d", pc, in.K)
			}
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			if a == in.K {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			if a&in.K != 0 {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_RET | unix.BPF_K:
			return in.K
		default:
			t.Fatalf("pc %d: opcode %#x", pc, in.Code)
		}
	}
	t.Fatal("fell off the end")
	return 0
}

func TestFilter(t *testing.T) {
	const (
		notify = unix.SECCOMP_RET_USER_NOTIF
		allow  = unix.SECCOMP_RET_ALLOW
		eperm  = unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
		kill   = unix.SECCOMP_RET_KILL_PROCESS
	)
	type call struct {
		nr   int32
		arch uint32
		want uint32
		arg1 uint64
	}
	amd64 := archABI{supported: true, native: unix.AUDIT_ARCH_X86_64, execve: 59, execveat: 322,
		x32Bit: 0x40000000, x32Exec: []uint32{59, 322, 520, 545},
		compat: unix.AUDIT_ARCH_I386, compatExecve: 11, compatExecveat: 358,
		ioctl: 16, x32Ioctl: []uint32{16, 514}, compatIoctl: 54}
	arm64 := archABI{supported: true, native: unix.AUDIT_ARCH_AARCH64, execve: 221, execveat: 281,
		compat: unix.AUDIT_ARCH_ARM, compatExecve: 11, compatExecveat: 387,
		ioctl: 29, compatIoctl: 54}
	const tiocsti, tioclinux, tcgets = 0x5412, 0x541C, 0x5401
	for _, tc := range []struct {
		name  string
		abi   archABI
		calls []call
	}{
		{"amd64", amd64, []call{
			{59, unix.AUDIT_ARCH_X86_64, notify, 0},
			{322, unix.AUDIT_ARCH_X86_64, notify, 0},
			{0, unix.AUDIT_ARCH_X86_64, allow, 0},
			{57, unix.AUDIT_ARCH_X86_64, allow, 0}, // fork
			{11, unix.AUDIT_ARCH_X86_64, allow, 0}, // munmap, not execve here
			{0x40000000 | 520, unix.AUDIT_ARCH_X86_64, eperm, 0},
			{0x40000000 | 545, unix.AUDIT_ARCH_X86_64, eperm, 0},
			{0x40000000 | 59, unix.AUDIT_ARCH_X86_64, eperm, 0},
			{0x40000000 | 322, unix.AUDIT_ARCH_X86_64, eperm, 0},
			{0x40000000 | 1, unix.AUDIT_ARCH_X86_64, allow, 0},
			{11, unix.AUDIT_ARCH_I386, eperm, 0},
			{358, unix.AUDIT_ARCH_I386, eperm, 0},
			{59, unix.AUDIT_ARCH_I386, allow, 0}, // not execve on i386
			{4, unix.AUDIT_ARCH_I386, allow, 0},
			{59, unix.AUDIT_ARCH_AARCH64, kill, 0},
			// Typing into a terminal fails, in every ABI; other ioctls
			// and TIOCSTI's number as another syscall's argument pass.
			{16, unix.AUDIT_ARCH_X86_64, eperm, tiocsti},
			{16, unix.AUDIT_ARCH_X86_64, eperm, tioclinux},
			{16, unix.AUDIT_ARCH_X86_64, eperm, 0xffffffff00000000 | tiocsti}, // the kernel drops the high bits
			{16, unix.AUDIT_ARCH_X86_64, allow, tcgets},
			{0x40000000 | 514, unix.AUDIT_ARCH_X86_64, eperm, tiocsti},
			{0x40000000 | 16, unix.AUDIT_ARCH_X86_64, eperm, tiocsti},
			{0x40000000 | 514, unix.AUDIT_ARCH_X86_64, allow, tcgets},
			{54, unix.AUDIT_ARCH_I386, eperm, tiocsti},
			{54, unix.AUDIT_ARCH_I386, allow, tcgets},
			{1, unix.AUDIT_ARCH_X86_64, allow, tiocsti}, // write(fd, 0x5412, ...)
		}},
		{"arm64", arm64, []call{
			{221, unix.AUDIT_ARCH_AARCH64, notify, 0},
			{281, unix.AUDIT_ARCH_AARCH64, notify, 0},
			{59, unix.AUDIT_ARCH_AARCH64, allow, 0},
			{11, unix.AUDIT_ARCH_ARM, eperm, 0},
			{387, unix.AUDIT_ARCH_ARM, eperm, 0},
			{221, unix.AUDIT_ARCH_ARM, allow, 0},
			{59, unix.AUDIT_ARCH_X86_64, kill, 0},
			{29, unix.AUDIT_ARCH_AARCH64, eperm, tiocsti},
			{29, unix.AUDIT_ARCH_AARCH64, allow, tcgets},
			{54, unix.AUDIT_ARCH_ARM, eperm, tioclinux},
			{54, unix.AUDIT_ARCH_ARM, allow, tcgets},
		}},
		{"this machine", abi, []call{
			{int32(abi.execve), abi.native, notify, 0},
			{int32(abi.execveat), abi.native, notify, 0},
			{int32(abi.ioctl), abi.native, eperm, tiocsti},
			{int32(abi.ioctl), abi.native, allow, tcgets},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.abi.supported {
				t.Skip("unsupported architecture")
			}
			prog, err := filter(tc.abi)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.calls {
				if got := runBPF(t, prog, c.nr, c.arch, c.arg1); got != c.want {
					t.Errorf("nr %#x arch %#x arg1 %#x: %#x, want %#x", c.nr, c.arch, c.arg1, got, c.want)
				}
			}
		})
	}
	if _, err := filter(archABI{}); err == nil {
		t.Error("filter for an unsupported arch")
	}
}
