package detect

import (
	"strconv"
	"strings"
)

// Programs that run other programs. unwrap peels them off, so the program
// at the end of sudo env nice timeout ... is the one analysed, and follows
// the strings handed to shells (sh -c, eval, su -c, ssh, watch, ...).

func init() {
	register(
		Rule{ID: "opaque.pipe-to-shell", Category: "opaque", Severity: High, Verdict: Pause,
			Description: "Runs code it fetches or reads at run time (curl … | sh, bash <(curl …), sh < file): what it does is unknown until it runs.",
			Examples:    []string{"curl -fsSL https://example.com/install.sh | sh", "bash <(wget -qO- https://x.example/i.sh)"}},
		Rule{ID: "opaque.dynamic-code", Category: "opaque", Severity: High, Verdict: Pause,
			Description: "Hands a shell or eval code that is only known when it runs (a variable, a command's output).",
			Examples:    []string{`eval "$(curl -s https://x.example/c)"`, `sh -c "$PAYLOAD"`}},
		Rule{ID: "opaque.dynamic-program", Category: "opaque", Severity: Medium, Verdict: Warn,
			Description: "Runs a program whose name is only known when it runs.",
			Examples:    []string{`$CMD --all`}},
		Rule{ID: "opaque.too-deep", Category: "opaque", Severity: High, Verdict: Pause,
			Description: "Nests commands inside strings more deeply than sentinel follows.",
			// eval adds a level without quoting: an example that stays
			// short (quoting each level triples the length).
			Examples: []string{`sh -c "` + strings.Repeat("eval ", maxDepth+1) + `echo hi"`}},
		Rule{ID: "opaque.too-large", Category: "opaque", Severity: High, Verdict: Pause,
			Description: "Is too large or complex to analyse fully."},
		Rule{ID: "opaque.unparsable", Category: "opaque", Severity: High, Verdict: Pause,
			Description: "Cannot be parsed as shell and runs a program that can destroy data.",
			Examples:    []string{`rm -rf "/var/lib/app`}},
	)
}

// Benign producers of shell code: eval "$(ssh-agent -s)" and the like set
// up a shell environment and are everyday work.
var shellSetup = map[string]bool{
	"ssh-agent": true, "pyenv": true, "rbenv": true, "nodenv": true, "goenv": true, "jenv": true,
	"direnv": true, "brew": true, "starship": true, "zoxide": true, "fnm": true, "mise": true,
	"rtx": true, "conda": true, "thefuck": true, "gpg-agent": true, "dircolors": true, "keychain": true,
	"opam": true, "luarocks": true, "minikube": true, "docker-machine": true, "register-python-argcomplete": true,
	"kubectl": true, "helm": true, "gh": true, "rustup": true, "atuin": true, "navi": true, "fzf": true,
}

// wrappers run another program with the rest of their arguments: a --help
// among those arguments is the other program's.
var wrappers = map[string]bool{
	"sudo": true, "doas": true, "env": true, "nohup": true, "builtin": true, "unbuffer": true, "chronic": true,
	"caffeinate": true, "catchsegv": true, "setsid": true, "exec": true, "command": true, "nice": true,
	"ionice": true, "time": true, "timeout": true, "stdbuf": true, "chroot": true, "flock": true, "xargs": true,
	"watch": true, "parallel": true, "busybox": true, "eval": true, "ssh": true, "su": true, "runuser": true,
	"find": true, "docker": true, "podman": true, "nerdctl": true, "kubectl": true, "oc": true, "docker-compose": true,
	"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true,
}

var shells = map[string]bool{
	"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "mksh": true, "ash": true,
	"fish": true, "csh": true, "tcsh": true, "yash": true, "busybox-sh": true,
}

// unwrap handles wrappers and executors. It returns the next invocation to
// dispatch, or nil when this one was fully handled; ok is false when inv is
// not a wrapper and goes to the analysers.
func (w *walker) unwrap(inv *Invocation) (next *Invocation, ok bool) {
	switch name := inv.Name; {
	case name == "sudo":
		return w.rest(inv, skipOptions(inv.Args, "-u -g -h -p -C -D -r -t -T -U --user --group --host --prompt --close-from --chdir --role --type --command-timeout --other-user", true)), true
	case name == "doas":
		return w.rest(inv, skipOptions(inv.Args, "-u -C", false)), true
	case name == "env":
		return w.env(inv), true
	case name == "nohup" || name == "builtin" || name == "unbuffer" || name == "chronic" || name == "caffeinate" || name == "catchsegv":
		return w.rest(inv, skipOptions(inv.Args, "", false)), true
	case name == "setsid":
		return w.rest(inv, skipOptions(inv.Args, "", false)), true
	case name == "exec":
		return w.rest(inv, skipOptions(inv.Args, "-a", false)), true
	case name == "command":
		if inv.HasFlag("-v", "-V") {
			return nil, true // looks the name up, runs nothing
		}
		return w.rest(inv, skipOptions(inv.Args, "", false)), true
	case name == "nice":
		return w.rest(inv, skipOptions(inv.Args, "-n --adjustment", false)), true
	case name == "ionice":
		if inv.HasFlag("-p", "-P", "-u") {
			return nil, true // changes running processes
		}
		return w.rest(inv, skipOptions(inv.Args, "-c -n --class --classdata", false)), true
	case name == "time":
		return w.rest(inv, skipOptions(inv.Args, "-o -f --output --format", false)), true
	case name == "timeout":
		i := skipOptions(inv.Args, "-s -k --signal --kill-after", false)
		return w.rest(inv, i+1), true // then the duration
	case name == "stdbuf":
		return w.rest(inv, skipOptions(inv.Args, "-i -o -e --input --output --error", false)), true
	case name == "chroot":
		i := skipOptions(inv.Args, "--userspec --groups", false)
		return w.rest(inv, i+1), true // then the new root
	case name == "flock":
		if a, ok := inv.Option("-c", "--command"); ok {
			w.shellString(inv, a)
			return nil, true
		}
		i := skipOptions(inv.Args, "-w -E --timeout --conflict-exit-code", false)
		return w.rest(inv, i+1), true // then the lock file
	case name == "xargs":
		return w.xargs(inv), true
	case name == "watch":
		return w.watch(inv), true
	case name == "parallel":
		return w.parallel(inv), true
	case name == "busybox":
		return w.rest(inv, 0), true
	case name == "eval":
		w.eval(inv)
		return nil, true
	case shells[name] || strings.HasPrefix(name, "bash") && len(name) > 4 && name[4] >= '0' && name[4] <= '9':
		w.shell(inv)
		return nil, true
	case name == "su" || name == "runuser":
		if a, ok := inv.Option("-c", "--command"); ok {
			w.shellString(inv, a)
		}
		return nil, true
	case name == "script":
		// script -qc CMD FILE runs CMD through the shell, on a new terminal.
		if a, ok := scriptCommand(inv.Args); ok {
			w.shellString(inv, a)
		}
		return nil, true
	case name == "ssh":
		w.ssh(inv)
		return nil, true
	case name == "docker" || name == "podman" || name == "nerdctl":
		return w.container(inv)
	case name == "docker-compose":
		return w.compose(inv, 0)
	case name == "kubectl" || name == "oc":
		return w.kubectlExec(inv)
	case name == "find":
		w.findExec(inv)
		return nil, false // find itself goes to the analysers too (-delete)
	case name == "alias":
		for _, a := range inv.Args {
			if k, v, ok := strings.Cut(a.Value, "="); ok && a.Known() {
				if w.aliases == nil {
					w.aliases = map[string]string{}
				}
				w.aliases[k] = v
			}
		}
		return nil, true
	case name == "unalias":
		for _, a := range inv.Args {
			delete(w.aliases, a.Value)
		}
		return nil, true
	case name == "source" || name == ".":
		if len(inv.Args) > 0 {
			w.codeFile(inv, inv.Args[0])
		}
		return nil, true
	}
	return nil, false
}

// scriptCommand finds script(1)'s -c COMMAND, also inside a cluster of
// short flags (-qc, -qec) and as --command=COMMAND.
func scriptCommand(args []Arg) (Arg, bool) {
	for i, a := range args {
		v := a.Value
		switch {
		case v == "--":
			return Arg{}, false
		case strings.HasPrefix(v, "--command="):
			b := a
			b.Value = v[len("--command="):]
			return b, true
		case v == "--command" || len(v) > 1 && v[0] == '-' && v[1] != '-' && isShortCluster(v) && strings.HasSuffix(v, "c"):
			if i+1 < len(args) {
				return args[i+1], true
			}
		}
	}
	return Arg{}, false
}

// skipOptions returns the index of the first argument that is not an
// option of the wrapper. withValue lists options taking a value as the
// next argument; assigns also skips VAR=value words (sudo, env).
func skipOptions(args []Arg, withValue string, assigns bool) int {
	vals := strings.Fields(withValue)
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "--":
			return i + 1
		case assigns && isAssignment(v):
		case strings.HasPrefix(v, "-") && len(v) > 1:
			for _, o := range vals {
				if v == o {
					i++
					break
				}
			}
		default:
			return i
		}
	}
	return len(args)
}

func isAssignment(v string) bool {
	eq := strings.IndexByte(v, '=')
	if eq <= 0 {
		return false
	}
	for i, r := range v[:eq] {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// rest continues with the program at Args[i].
func (w *walker) rest(inv *Invocation, i int) *Invocation {
	if i >= len(inv.Args) {
		return nil
	}
	next := *inv
	next.Args = inv.Args[i:]
	return &next
}

func (w *walker) env(inv *Invocation) *Invocation {
	if a, ok := inv.Option("-S", "--split-string"); ok {
		w.shellString(inv, a)
		return nil
	}
	i := skipOptions(inv.Args, "-u -C --unset --chdir", true)
	next := w.rest(inv, i)
	if next != nil {
		env := map[string]string{}
		for k, v := range inv.Env {
			env[k] = v
		}
		for _, a := range inv.Args[:i] {
			if k, v, ok := strings.Cut(a.Value, "="); ok && isAssignment(a.Value) {
				env[k] = v
			}
		}
		next.Env = env
	}
	return next
}

// shell handles sh/bash/...: -c STRING, a script file, or code on stdin.
func (w *walker) shell(inv *Invocation) {
	if readsStdin(inv.Args) {
		w.stdinCode(inv) // sh -s [args]: the code is on stdin, the args are $1...
		return
	}
	for i, a := range inv.Args {
		v := a.Value
		if v == "--" || !strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "+") {
			// The first operand is a script file.
			if v != "--" {
				w.codeFile(inv, a)
				return
			}
			if i+1 < len(inv.Args) {
				w.codeFile(inv, inv.Args[i+1])
			}
			return
		}
		if strings.HasPrefix(v, "--") {
			if v == "--rcfile" || v == "--init-file" {
				return
			}
			continue
		}
		if strings.Contains(v[1:], "c") && !strings.HasPrefix(v, "+") {
			// -c, -lc, -ec...: the next operand is the code, and the
			// operands after it are $0, $1, ...
			for j, b := range inv.Args[i+1:] {
				if !strings.HasPrefix(b.Value, "-") {
					restore := w.bindPositional(inv.Args[i+2+j:])
					w.shellString(inv, b)
					restore()
					return
				}
			}
			return
		}
		if v == "-o" || v == "+o" || v == "-O" || v == "+O" {
			// takes an option name; skip it on the next round
			continue
		}
	}
	// No -c and no script: the shell reads its commands from stdin.
	w.stdinCode(inv)
}

// codeFile handles a shell (or source) reading a script: a process
// substitution is followed like a pipe, a file is a file.
func (w *walker) codeFile(inv *Invocation, a Arg) {
	if a.proc == nil {
		if in, ok := inv.FileContent(a.Value); ok {
			w.analyzeString(in.Text, in.origin) // written earlier in this command
		}
		return // a script on disk: sentinel sees its commands when they run
	}
	if a.proc.Known {
		w.analyzeString(a.proc.Text, a.proc.origin)
		return
	}
	if shellSetup[a.proc.Producer] {
		return // source <(kubectl completion bash) and the like
	}
	w.flag("opaque.pipe-to-shell", "", "runs code from "+a.proc.From+" through "+inv.Name+"; what it does is unknown until it runs", []Span{a.Span})
}

// stdinCode handles an interpreter reading its code from stdin.
func (w *walker) stdinCode(inv *Invocation) {
	switch {
	case inv.Stdin == nil:
		// Interactive: whatever is typed later is seen later.
	case inv.Stdin.Known:
		w.analyzeString(inv.Stdin.Text, inv.Stdin.origin)
	case strings.HasPrefix(inv.Stdin.From, "file "):
		// sh < script.sh: a script on disk.
	default:
		w.flag("opaque.pipe-to-shell", "", "pipes "+inv.Stdin.From+" into "+inv.Name+": it runs code that is unknown until it runs", []Span{inv.Stdin.Span, inv.NameSpan})
	}
}

// shellString analyses a string a shell will run.
func (w *walker) shellString(inv *Invocation, a Arg) {
	if a.Known() {
		w.analyzeString(a.Value, originOf(a))
		return
	}
	if setupOnly(a) {
		return
	}
	// Analyse what is known (the literal parts) and say the rest is opaque.
	w.analyzeString(strings.ReplaceAll(a.Value, unknown, " "), origin{whole: a.Span})
	w.flag("opaque.dynamic-code", "", inv.Name+" runs code built at run time ("+abbrev(a.Raw, 60)+"); what it does is unknown until it runs", []Span{a.Span})
}

// setupOnly reports whether the unknown parts of a are only the output of
// shell-setup tools (eval "$(ssh-agent -s)").
func setupOnly(a Arg) bool {
	if len(a.substs) == 0 || strings.Count(a.Value, unknown) != len(a.substs) {
		return false
	}
	for _, s := range a.substs {
		if !shellSetup[s] {
			return false
		}
	}
	return strings.Trim(a.Value, unknown+" \t\n;") == ""
}

func (w *walker) eval(inv *Invocation) {
	if len(inv.Args) == 0 {
		return
	}
	if len(inv.Args) == 1 {
		w.shellString(inv, inv.Args[0])
		return
	}
	joined := inv.Args[0]
	for _, a := range inv.Args[1:] {
		joined.Value += " " + a.Value
		joined.Raw += " " + a.Raw
		joined.substs = append(joined.substs, a.substs...)
	}
	joined.Span = Span{inv.Args[0].Span.Start, inv.Args[len(inv.Args)-1].Span.End}
	w.shellString(inv, joined)
}

func (w *walker) ssh(inv *Invocation) {
	i := skipOptions(inv.Args, "-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B -P", false)
	if i >= len(inv.Args) {
		return
	}
	remote := inv.Args[i+1:]
	if len(remote) == 0 {
		// ssh host <<EOF ... EOF: the remote shell reads stdin.
		if inv.Stdin != nil && inv.Stdin.Known {
			w.analyzeString(inv.Stdin.Text, inv.Stdin.origin)
		}
		return
	}
	if inv.Stdin != nil && inv.Stdin.Known && shells[programName(remote[0].Value)] {
		// ssh host bash <<EOF: the remote shell reads the heredoc.
		onlyFlags := true
		for _, a := range remote[1:] {
			onlyFlags = onlyFlags && strings.HasPrefix(a.Value, "-") && !strings.Contains(a.Value, "c")
		}
		if onlyFlags {
			w.analyzeString(inv.Stdin.Text, inv.Stdin.origin)
			return
		}
	}
	if len(remote) == 1 {
		w.shellString(inv, remote[0])
		return
	}
	// ssh joins its arguments with spaces and the remote shell parses them.
	joined := remote[0]
	for _, a := range remote[1:] {
		joined.Value += " " + a.Value
		joined.Raw += " " + a.Raw
		joined.substs = append(joined.substs, a.substs...)
	}
	joined.Span = Span{remote[0].Span.Start, remote[len(remote)-1].Span.End}
	if joined.Known() {
		w.analyzeString(joined.Value, origin{whole: joined.Span})
		return
	}
	w.shellString(inv, joined)
}

// container follows docker/podman exec and run into the command they start;
// everything else goes to the cloud analysers.
func (w *walker) container(inv *Invocation) (*Invocation, bool) {
	i := skipOptions(inv.Args, "-H --host -c --context --config -l --log-level", false)
	if i >= len(inv.Args) {
		return nil, false
	}
	switch inv.Args[i].Value {
	case "exec":
		j := i + 1 + skipOptions(inv.Args[i+1:], "-e --env --env-file -u --user -w --workdir --detach-keys", false)
		return w.rest(inv, j+1), true // then the container
	case "run":
		j := i + 1 + skipOptions(inv.Args[i+1:], "-e --env --env-file -u --user -w --workdir -v --volume -p --publish --name --network --net -l --label --entrypoint --mount --platform -m --memory --cpus --hostname -h --add-host --cap-add --cap-drop --device --dns --gpus --ipc --pid --restart --runtime --security-opt --shm-size --stop-signal --tmpfs --ulimit --userns --uts --volumes-from --log-driver --log-opt --label-file --cidfile --cgroupns --pull -a --attach", false)
		if next := w.rest(inv, j+1); next != nil { // then the image
			return next, true
		}
		return nil, true
	case "compose":
		return w.compose(inv, i+1)
	}
	return nil, false
}

func (w *walker) compose(inv *Invocation, from int) (*Invocation, bool) {
	i := from + skipOptions(inv.Args[from:], "-f --file -p --project-name --profile --env-file --project-directory", false)
	if i >= len(inv.Args) {
		return nil, false
	}
	switch inv.Args[i].Value {
	case "exec", "run":
		j := i + 1 + skipOptions(inv.Args[i+1:], "-e --env -u --user -w --workdir --index --name -v --volume -p --publish --entrypoint -l --label", false)
		return w.rest(inv, j+1), true // then the service
	}
	return nil, false
}

// kubectlExec follows kubectl exec POD -- CMD into CMD.
func (w *walker) kubectlExec(inv *Invocation) (*Invocation, bool) {
	withValue := map[string]bool{"-n": true, "--namespace": true, "--context": true, "--kubeconfig": true,
		"--cluster": true, "--user": true, "-s": true, "--server": true, "--token": true, "--as": true, "-v": true}
	for i := 0; i < len(inv.Args); i++ {
		a := inv.Args[i]
		if strings.HasPrefix(a.Value, "-") {
			if withValue[a.Value] {
				i++
			}
			continue
		}
		if a.Value != "exec" {
			return nil, false // another subcommand: for the analysers
		}
		for j := i + 1; j < len(inv.Args); j++ {
			if inv.Args[j].Value == "--" {
				return w.rest(inv, j+1), true
			}
		}
		return nil, true
	}
	return nil, false
}

// findExec analyses the commands of find -exec/-execdir/-ok/-okdir, with
// {} standing for files only known when find runs.
func (w *walker) findExec(inv *Invocation) {
	for i := 0; i < len(inv.Args); i++ {
		switch inv.Args[i].Value {
		case "-exec", "-execdir", "-ok", "-okdir":
			var cmd []Arg
			j := i + 1
			for ; j < len(inv.Args); j++ {
				v := inv.Args[j].Value
				if v == ";" || v == "+" {
					break
				}
				a := inv.Args[j]
				if strings.Contains(v, "{}") {
					a.Value = strings.ReplaceAll(v, "{}", unknown)
				}
				cmd = append(cmd, a)
			}
			if len(cmd) > 0 {
				sub := *inv
				sub.Args = cmd
				sub.Stdin = nil
				w.run(&sub)
			}
			i = j
		}
	}
}

// xargs runs its command with arguments read from stdin.
func (w *walker) xargs(inv *Invocation) *Invocation {
	i := skipOptions(inv.Args, "-d -E -e -I -i -L -l -n -P -s -a --delimiter --eof --replace --max-lines --max-args --max-procs --max-chars --arg-file --process-slot-var", false)
	if i >= len(inv.Args) {
		return nil // echo
	}
	next := *inv
	next.Args = append([]Arg{}, inv.Args[i:]...)
	if inv.Stdin != nil && inv.Stdin.Known && !strings.Contains(inv.Stdin.Text, unknown) {
		// echo / | xargs rm -rf: the arguments are known.
		for _, f := range strings.Fields(inv.Stdin.Text) {
			next.Args = append(next.Args, Arg{Value: f, Raw: f, Span: inv.Stdin.Span})
		}
	} else {
		next.Args = append(next.Args, producedNames(inv))
	}
	next.Stdin = nil
	return &next
}

// producedNames stands for the file names xargs reads, described as well as
// the producer allows: "ls | xargs rm" gets every name in the directory
// (*), "find . -name '*.db' | xargs rm" gets names matching *.db.
func producedNames(inv *Invocation) Arg {
	a := Arg{Value: unknown, Raw: "(arguments from stdin)", Span: inv.Span}
	if inv.Stdin == nil {
		return a
	}
	args := inv.Stdin.ProducerArgs
	var ops []string
	for _, p := range args {
		if !strings.HasPrefix(p.Value, "-") {
			ops = append(ops, p.Value)
		}
	}
	switch inv.Stdin.Producer {
	case "ls":
		dir := "."
		if len(ops) > 0 {
			dir = strings.TrimSuffix(ops[0], "/")
		}
		a.Value, a.Raw = dir+"/*", "(every name ls lists in "+dir+")"
	case "find", "fd", "fdfind":
		for i, p := range args {
			if (p.Value == "-name" || p.Value == "-iname" || p.Value == "-path") && i+1 < len(args) && args[i+1].Known() {
				dir := "."
				if len(ops) > 0 && !strings.HasPrefix(ops[0], "-") {
					dir = strings.TrimSuffix(ops[0], "/")
				}
				a.Value, a.Raw = dir+"/"+strings.TrimPrefix(args[i+1].Value, "*/"), "(files find matches: "+args[i+1].Value+")"
			}
		}
	}
	return a
}

// watch runs its arguments as a shell command, repeatedly.
func (w *walker) watch(inv *Invocation) *Invocation {
	i := skipOptions(inv.Args, "-n --interval -q --equexit --errexit", false)
	if i >= len(inv.Args) {
		return nil
	}
	if inv.HasFlag("-x", "--exec") {
		return w.rest(inv, i)
	}
	rest := inv.Args[i:]
	if len(rest) == 1 {
		w.shellString(inv, rest[0])
		return nil
	}
	joined := rest[0]
	for _, a := range rest[1:] {
		joined.Value += " " + a.Value
	}
	joined.Span = Span{rest[0].Span.Start, rest[len(rest)-1].Span.End}
	w.shellString(inv, joined)
	return nil
}

// parallel runs its command once per argument given after :::.
func (w *walker) parallel(inv *Invocation) *Invocation {
	i := skipOptions(inv.Args, "-j --jobs -S --sshlogin -a --arg-file --delay --timeout --joblog --results -N --max-args", false)
	var cmd []Arg
	for _, a := range inv.Args[i:] {
		if a.Value == ":::" || a.Value == "::::" {
			break
		}
		cmd = append(cmd, a)
	}
	if len(cmd) == 1 && strings.ContainsAny(cmd[0].Value, " ;|&") {
		w.shellString(inv, cmd[0])
		return nil
	}
	if len(cmd) == 0 {
		return nil
	}
	next := *inv
	next.Args = append(cmd, Arg{Value: unknown, Raw: "(arguments)", Span: inv.Span})
	return &next
}

func abbrev(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// bindPositional sets $0, $1, ... to args for the code a shell runs, and
// returns a function that restores what they were.
func (w *walker) bindPositional(args []Arg) func() {
	vars := w.varsMap()
	saved := map[string]*string{}
	for i := range 10 {
		k := strconv.Itoa(i)
		if v, ok := vars[k]; ok {
			saved[k] = &v
		} else {
			saved[k] = nil
		}
		delete(vars, k)
		if i < len(args) && args[i].Known() {
			vars[k] = args[i].Value
		}
	}
	return func() {
		for k, v := range saved {
			if v == nil {
				delete(vars, k)
			} else {
				vars[k] = *v
			}
		}
	}
}

// readsStdin reports a shell's -s flag (before any -c or operand).
func readsStdin(args []Arg) bool {
	for _, a := range args {
		v := a.Value
		if v == "--" || !strings.HasPrefix(v, "-") || strings.HasPrefix(v, "--") {
			return false
		}
		if strings.Contains(v[1:], "c") {
			return false
		}
		if strings.Contains(v[1:], "s") {
			return true
		}
	}
	return false
}
