// Command hookcall times agent hook calls the way an agent makes them: a
// new `sentinel hook claude` process per shell command, its JSON on stdin,
// its answer read to the end. Run inside `sentinel run` it measures the
// round trip through the console; outside, the hook judging alone. It
// also times two floors in the same run: starting /bin/true, and starting
// sentinel itself (`sentinel version`). Standard library only.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

func main() {
	sentinel := flag.String("sentinel", "sentinel", "the sentinel executable")
	n := flag.Int("n", 300, "calls per measurement")
	label := flag.String("label", "", "what this run measures, for the report")
	flag.Parse()

	payload := []byte(`{"session_id":"bench","cwd":"/srv/app","hook_event_name":"PreToolUse","tool_name":"Bash",` +
		`"tool_input":{"command":"git status --short && go test ./... 2>&1 | tail -20","description":"run the tests"}}`)
	run := func(name string, args []string, stdin []byte, check func(out []byte) error) {
		times := make([]time.Duration, 0, *n)
		for i := 0; i < *n; i++ {
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Stdin = bytes.NewReader(stdin)
			var out bytes.Buffer
			cmd.Stdout = &out
			t0 := time.Now()
			err := cmd.Run()
			times = append(times, time.Since(t0))
			if err == nil && check != nil {
				err = check(out.Bytes())
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "hookcall: %s: %v (output %q)\n", name, err, out.String())
				os.Exit(1)
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		q := func(p float64) float64 {
			return float64(times[min(int(p*float64(len(times))), len(times)-1)].Microseconds()) / 1000
		}
		fmt.Printf("%-34s median %6.2f ms  p90 %6.2f ms  p99 %6.2f ms\n", name, q(0.5), q(0.9), q(0.99))
	}
	where := "alone (no console)"
	if os.Getenv("SENTINEL_HOOK_SOCKET") != "" {
		where = "through the console"
	}
	if *label != "" {
		where = *label
	}
	fmt.Printf("-- %d calls each; hook %s\n", *n, where)
	run("floor: /bin/true", []string{"/bin/true"}, nil, nil)
	run("floor: sentinel version", []string{*sentinel, "version"}, nil, nil)
	run("sentinel hook claude (allowed)", []string{*sentinel, "hook", "claude"}, payload, func(out []byte) error {
		// Allowed means no objection: Claude's own flow goes on.
		if len(strings.TrimSpace(string(out))) != 0 {
			return fmt.Errorf("expected no answer for an everyday command")
		}
		return nil
	})
}
