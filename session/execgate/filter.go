package execgate

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// archABI is what the filter needs to know about the machine: the audit
// architecture the kernel reports for native syscalls and the numbers of
// execve and execveat, for the native ABI and for the compat ABIs a process
// on this machine can also call the kernel through.
type archABI struct {
	supported bool
	native    uint32 // AUDIT_ARCH_* of native syscalls
	execve    uint32
	execveat  uint32
	// x32 (amd64 only): syscalls with this bit set use the x32 ABI, which
	// reports the native audit arch; x32Exec lists the numbers (without the
	// bit) that reach execve or execveat through it.
	x32Bit  uint32
	x32Exec []uint32
	// The compat ABI (i386 on amd64, arm on arm64), 0 when there is none.
	compat         uint32
	compatExecve   uint32
	compatExecveat uint32
	// ioctl's number in each ABI (x32Ioctl without x32Bit; on amd64 the
	// x32 ABI reaches ioctl at its own slot and, through the bit, at the
	// native one).
	ioctl       uint32
	x32Ioctl    []uint32
	compatIoctl uint32
}

// Offsets into struct seccomp_data.
const (
	offNr   = 0
	offArch = 4
	// The low 32 bits of args[1] (little-endian): ioctl's request, which
	// the kernel takes as an unsigned int, so the high bits do not count.
	offArg1Lo = 24
)

// typingIoctls are the ioctl requests that put bytes into a terminal's
// input as if typed: TIOCSTI on any terminal the caller may open (root,
// or CAP_SYS_ADMIN, may use it on a terminal that is not its own, such as
// the operator's, where sentinel's dialog takes a as approve), and
// TIOCLINUX, whose selection paste does the same on a virtual console.
// Nothing an agent needs does either.
var typingIoctls = []uint32{unix.TIOCSTI, unix.TIOCLINUX}

// filter is the BPF program the trampoline installs:
//
//   - native arch: execve and execveat notify the supervisor; an ioctl that
//     types into a terminal (typingIoctls) fails with EPERM; everything
//     else is allowed;
//   - x32 (amd64): execve and execveat fail with EPERM (the supervisor reads
//     argv as 64-bit pointers, so it could not analyse them);
//   - the compat arch: execve, execveat and the typing ioctls fail with
//     EPERM, everything else is allowed;
//   - any other arch kills the process (no such syscall can happen on a
//     kernel for this machine).
func filter(a archABI) ([]unix.SockFilter, error) {
	if !a.supported {
		return nil, errUnsupportedArch
	}
	var p asm
	p.ld(offArch)
	p.jeq(a.native, "", "foreign")
	p.ld(offNr)
	if a.x32Bit != 0 {
		p.jset(a.x32Bit, "x32", "")
	}
	p.jeq(a.execve, "notify", "")
	p.jeq(a.execveat, "notify", "")
	p.jeq(a.ioctl, "ioctl", "allow")
	if a.x32Bit != 0 {
		p.label("x32")
		for _, nr := range a.x32Exec {
			p.jeq(nr|a.x32Bit, "eperm", "")
		}
		for _, nr := range a.x32Ioctl {
			p.jeq(nr|a.x32Bit, "ioctl", "")
		}
		p.ret(unix.SECCOMP_RET_ALLOW)
	}
	p.label("foreign")
	if a.compat != 0 {
		p.jeq(a.compat, "", "kill")
		p.ld(offNr)
		p.jeq(a.compatExecve, "eperm", "")
		p.jeq(a.compatExecveat, "eperm", "")
		p.jeq(a.compatIoctl, "ioctl", "allow")
	}
	p.label("kill")
	p.ret(unix.SECCOMP_RET_KILL_PROCESS)
	p.label("notify")
	p.ret(unix.SECCOMP_RET_USER_NOTIF)
	p.label("ioctl")
	p.ld(offArg1Lo)
	for _, req := range typingIoctls {
		p.jeq(req, "eperm", "")
	}
	p.ret(unix.SECCOMP_RET_ALLOW)
	p.label("eperm")
	p.ret(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	p.label("allow")
	p.ret(unix.SECCOMP_RET_ALLOW)
	return p.assemble()
}

// asm assembles classic BPF with named forward jump targets ("" is the
// next instruction).
type asm struct {
	prog   []unix.SockFilter
	labels map[string]int
	fixups []fixup
}

type fixup struct {
	at   int
	t, f string
}

func (p *asm) ld(off uint32) {
	p.prog = append(p.prog, unix.SockFilter{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: off})
}

func (p *asm) jeq(k uint32, t, f string) { p.jump(unix.BPF_JEQ, k, t, f) }

func (p *asm) jset(k uint32, t, f string) { p.jump(unix.BPF_JSET, k, t, f) }

func (p *asm) jump(op uint16, k uint32, t, f string) {
	p.fixups = append(p.fixups, fixup{at: len(p.prog), t: t, f: f})
	p.prog = append(p.prog, unix.SockFilter{Code: unix.BPF_JMP | op | unix.BPF_K, K: k})
}

func (p *asm) ret(k uint32) {
	p.prog = append(p.prog, unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: k})
}

func (p *asm) label(name string) {
	if p.labels == nil {
		p.labels = map[string]int{}
	}
	p.labels[name] = len(p.prog)
}

func (p *asm) assemble() ([]unix.SockFilter, error) {
	off := func(from int, name string) (uint8, error) {
		if name == "" {
			return 0, nil
		}
		to, ok := p.labels[name]
		if !ok {
			return 0, fmt.Errorf("bpf: no label %q", name)
		}
		d := to - from - 1
		if d < 0 || d > 255 {
			return 0, fmt.Errorf("bpf: jump to %q out of range (%d)", name, d)
		}
		return uint8(d), nil
	}
	for _, fx := range p.fixups {
		var err error
		if p.prog[fx.at].Jt, err = off(fx.at, fx.t); err != nil {
			return nil, err
		}
		if p.prog[fx.at].Jf, err = off(fx.at, fx.f); err != nil {
			return nil, err
		}
	}
	return p.prog, nil
}
