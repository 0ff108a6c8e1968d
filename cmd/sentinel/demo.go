package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/sentinel-console/sentinel/demo"
)

const demoUsage = `Usage: sentinel demo [flags]

Re-enacts the incident sentinel exists for, with nothing real at stake: a
scripted coding agent works on a staging task in a throwaway sandbox, hits a
credential mismatch, finds a root token in an unrelated file and sends a real
curl to a fake cloud API on 127.0.0.1 that deletes the production volume and
its backups. No agent, account or network is needed. At the end the fake
provider's state is printed.

Flags:
`

type demoOptions struct {
	run   runOptions
	speed float64
}

func demoFlags(o *demoOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.Float64Var(&o.speed, "speed", 1, "pace `N` times faster than natural (the natural run takes about 45 s)")
	fs.BoolVar(&o.run.headless, "headless", false, "no console: print the agent's output (for tests and pipelines)")
	fs.BoolVar(&o.run.exitAtEnd, "exit", false, "leave the console as soon as the agent finishes")
	fs.BoolVar(&o.run.noRecord, "no-record", false, "do not record the session")
	fs.StringVar(&o.run.record, "record", "", "record the session to `FILE`")
	fs.StringVar(&o.run.unattended, "unattended", "", "no console: `deny` the deletion (or `kill` the agent) and exit non-zero, as a pipeline would")
	fs.BoolVar(&o.run.noExecGate, "no-exec-gate", false, "watch the agent's output only, without the exec gate")
	fs.StringVar(&o.run.theme, "theme", "", "console theme `NAME` (see sentinel themes; default: the configuration's, else by the terminal's background)")
	return fs
}

func demoCommand(args []string, stdin, stdout, stderr *os.File) error {
	var o demoOptions
	fs := demoFlags(&o)
	if err := parseFlags(fs, args, "demo"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("demo takes no arguments (got %q)", fs.Arg(0))}
	}
	if o.speed <= 0 || o.speed > 10000 {
		return &usageError{"--speed must be more than 0 and at most 10000"}
	}
	if o.run.record != "" && o.run.noRecord {
		return &usageError{"--record and --no-record contradict each other"}
	}
	if _, err := parseUnattended(o.run.unattended); err != nil {
		return err
	}
	cfg, err := loadConfig(configPath(), false)
	if err != nil {
		return fail(2, "%v", err)
	}
	o.run.prefix, o.run.scrollback = cfg.Console.Prefix, cfg.Console.Scrollback
	if o.run.theme == "" {
		o.run.theme = cfg.Console.Theme
	}

	self, err := os.Executable()
	if err != nil {
		return fail(1, "cannot find sentinel's own executable: %v", err)
	}
	cloud := demo.NewCloud()
	api, err := cloud.Start("127.0.0.1:0")
	if err != nil {
		return fail(1, "demo cloud: %v", err)
	}
	defer cloud.Close()
	dir, err := os.MkdirTemp("", "sentinel-demo-*")
	if err != nil {
		return fail(1, "demo sandbox: %v", err)
	}
	defer os.RemoveAll(dir)
	if err := demo.WriteSandbox(dir, demo.SandboxConfig{APIURL: api, RootToken: cloud.RootToken(), StagingToken: cloud.StagingToken()}); err != nil {
		return fail(1, "demo sandbox: %v", err)
	}
	env := append(os.Environ(),
		demo.EnvAPI+"="+api,
		demo.EnvSpeed+"="+strconv.FormatFloat(o.speed, 'f', -1, 64),
	)
	return launch(launchSpec{
		opts:    o.run,
		cfg:     cfg,
		argv:    []string{self, demoAgentCommand},
		env:     env,
		dir:     dir,
		title:   "sentinel demo: the volumeDelete incident",
		display: "demo agent (scripted)",
		onEnd: func() {
			fmt.Fprintf(stdout, "\n%s\n", cloud.Summary())
		},
	}, stdin, stdout, stderr)
}
