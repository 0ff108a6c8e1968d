package execgate

import (
	"testing"

	"golang.org/x/sys/unix"
)

// runBPF interprets the subset of classic BPF the filter uses.
func runBPF(t *testing.T, prog []unix.SockFilter, nr int32, arch uint32) uint32 {
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
	}
	amd64 := archABI{supported: true, native: unix.AUDIT_ARCH_X86_64, execve: 59, execveat: 322,
		x32Bit: 0x40000000, x32Exec: []uint32{59, 322, 520, 545},
		compat: unix.AUDIT_ARCH_I386, compatExecve: 11, compatExecveat: 358}
	arm64 := archABI{supported: true, native: unix.AUDIT_ARCH_AARCH64, execve: 221, execveat: 281,
		compat: unix.AUDIT_ARCH_ARM, compatExecve: 11, compatExecveat: 387}
	for _, tc := range []struct {
		name  string
		abi   archABI
		calls []call
	}{
		{"amd64", amd64, []call{
			{59, unix.AUDIT_ARCH_X86_64, notify},
			{322, unix.AUDIT_ARCH_X86_64, notify},
			{0, unix.AUDIT_ARCH_X86_64, allow},
			{57, unix.AUDIT_ARCH_X86_64, allow}, // fork
			{11, unix.AUDIT_ARCH_X86_64, allow}, // munmap, not execve here
			{0x40000000 | 520, unix.AUDIT_ARCH_X86_64, eperm},
			{0x40000000 | 545, unix.AUDIT_ARCH_X86_64, eperm},
			{0x40000000 | 59, unix.AUDIT_ARCH_X86_64, eperm},
			{0x40000000 | 322, unix.AUDIT_ARCH_X86_64, eperm},
			{0x40000000 | 1, unix.AUDIT_ARCH_X86_64, allow},
			{11, unix.AUDIT_ARCH_I386, eperm},
			{358, unix.AUDIT_ARCH_I386, eperm},
			{59, unix.AUDIT_ARCH_I386, allow}, // not execve on i386
			{4, unix.AUDIT_ARCH_I386, allow},
			{59, unix.AUDIT_ARCH_AARCH64, kill},
		}},
		{"arm64", arm64, []call{
			{221, unix.AUDIT_ARCH_AARCH64, notify},
			{281, unix.AUDIT_ARCH_AARCH64, notify},
			{59, unix.AUDIT_ARCH_AARCH64, allow},
			{11, unix.AUDIT_ARCH_ARM, eperm},
			{387, unix.AUDIT_ARCH_ARM, eperm},
			{221, unix.AUDIT_ARCH_ARM, allow},
			{59, unix.AUDIT_ARCH_X86_64, kill},
		}},
		{"this machine", abi, []call{
			{int32(abi.execve), abi.native, notify},
			{int32(abi.execveat), abi.native, notify},
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
				if got := runBPF(t, prog, c.nr, c.arch); got != c.want {
					t.Errorf("nr %#x arch %#x: %#x, want %#x", c.nr, c.arch, got, c.want)
				}
			}
		})
	}
	if _, err := filter(archABI{}); err == nil {
		t.Error("filter for an unsupported arch")
	}
}
