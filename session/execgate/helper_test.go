package execgate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// helperMain runs the test binary as something other than a test.
func helperMain(mode string, args []string) int {
	switch mode {
	case "supervise":
		return supervise(args[0])
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
