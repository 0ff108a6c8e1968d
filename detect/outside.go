package detect

import (
	"path"
	"strings"
)

// Commands handed to a service that runs them: systemd (systemd-run, run0),
// atd (at, batch), cron (crontab) and systemd-machined (machinectl shell).
// What the service runs is its child, not the agent's: it runs outside the
// agent's process tree, where sentinel's exec gate never sees its execs and
// freezing the agent's tree does not stop it. The command is analysed as
// usual, and handing it over is itself a pause. (systemd-run --scope runs
// the command as its own child, in the tree: it is only unwrapped.)

func init() {
	register(
		Rule{ID: "system.run-outside", Category: "system", Severity: High, Verdict: Pause,
			Description: "Hands a command to a system service that runs it outside the agent's process tree (systemd-run, run0, at, batch, crontab, machinectl shell, or a file written where cron, systemd, init, udev or the desktop's autostart look for what to run): sentinel's exec gate never sees what it runs and freezing the agent does not stop it. The command is analysed too; a job sentinel cannot read (at -f FILE, crontab FILE) pauses just the same.",
			Examples: []string{"systemd-run --user make deploy", "systemd-run --on-active=30 /opt/cleanup.sh", "run0 systemctl daemon-reload",
				"echo 'make deploy' | at now + 1 minute", "echo '* * * * * root /opt/sync.sh' > /etc/cron.d/sync",
				"cp deploy.service ~/.config/systemd/user/", "at -f job.sh now", "batch <<< 'make reindex'",
				`echo "*/5 * * * * /opt/sync.sh" | crontab -`, "crontab jobs.txt", "machinectl shell .host /bin/sh -c id"}},
	)
	handle(analyseScheduleWriter, "tee", "dd", "cp", "mv", "install", "ln", "sed", "curl", "wget", "rsync", "sponge", "tar", "unzip", "systemctl")
}

// runsOutside is the end of every system.run-outside reason.
const runsOutside = "outside the agent's process tree: sentinel's exec gate does not see what it runs, and freezing the agent does not stop it"

// commandText is a command's arguments as written, shortened for a reason.
func commandText(args []Arg) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a.Raw != "" {
			parts = append(parts, a.Raw)
		} else {
			parts = append(parts, shellQuote(a.Value))
		}
	}
	return abbrev(strings.Join(parts, " "), 60)
}

// systemdRunValues are systemd-run's options taking a value (systemd 255,
// getopt "+hrH:M:E:p:tPqGdSu:", and those later releases added).
const systemdRunValues = "-u --unit -p --property -E --setenv -H --host -M --machine -C --capsule --description --slice " +
	"--uid --gid --nice --working-directory --service-type --expand-environment --on-active --on-boot --on-startup " +
	"--on-unit-active --on-unit-inactive --on-calendar --timer-property --path-property --socket-property " +
	"--background --json --job-mode --output --root-directory"

// systemdRun analyses the command systemd-run starts; without --scope the
// command is systemd's child, not the agent's.
func (w *walker) systemdRun(inv *Invocation) {
	i := skipOptions(inv.Args, systemdRunValues, false)
	own, _, _ := getopt(inv.Args[:i], systemdRunValues, false)
	if hasOption(own, "-h", "--help", "--version") {
		return
	}
	scope := hasOption(own, "--scope")
	if i >= len(inv.Args) {
		if !scope && hasOption(own, "-S", "--shell") {
			w.stdinCode(inv)
			w.flag("system.run-outside", "systemd", "systemd-run --shell has "+systemdName(own)+" start a shell as a transient service, "+runsOutside, []Span{inv.NameSpan})
		}
		return // no command: a timer for an existing unit, or a usage error
	}
	next := w.rest(inv, i)
	w.run(next)
	if scope {
		return // the scope's command is systemd-run's own child
	}
	how := "as a transient service"
	for _, o := range own {
		if strings.HasPrefix(o.Name, "--on-") || o.Name == "--timer-property" {
			how = "when a transient timer fires"
		}
		if o.Name == "--path-property" || o.Name == "--socket-property" {
			how = "when a transient path or socket unit triggers"
		}
	}
	w.flag("system.run-outside", "systemd", "systemd-run hands "+commandText(inv.Args[i:])+" to "+systemdName(own)+", which runs it "+how+", "+runsOutside, []Span{inv.NameSpan})
}

// systemdName names the service manager systemd-run talks to.
func systemdName(own []option) string {
	if m, ok := optionValue(own, "-M", "--machine"); ok {
		return "systemd in the container " + m.Value
	}
	if h, ok := optionValue(own, "-H", "--host"); ok {
		return "systemd on " + h.Value
	}
	if hasOption(own, "--user") {
		return "the user's systemd manager"
	}
	return "systemd"
}

// run0 (systemd 256) is sudo done by systemd: the command runs as a
// transient service, or the user's shell when none is given.
func (w *walker) run0(inv *Invocation) {
	const withValue = "-u --user -g --group -D --chdir --machine --unit --property --description --slice --nice --setenv " +
		"--background --shell-prompt-prefix --area"
	i := skipOptions(inv.Args, withValue, false)
	own, _, _ := getopt(inv.Args[:i], withValue, false)
	if hasOption(own, "-h", "--help", "-V", "--version") {
		return
	}
	if i >= len(inv.Args) {
		w.stdinCode(inv)
		w.flag("system.run-outside", "systemd", "run0 has systemd start a shell as a transient service, "+runsOutside, []Span{inv.NameSpan})
		return
	}
	w.run(w.rest(inv, i))
	w.flag("system.run-outside", "systemd", "run0 hands "+commandText(inv.Args[i:])+" to systemd, which runs it as a transient service, "+runsOutside, []Span{inv.NameSpan})
}

// machinectl shell [[USER@]MACHINE [PATH [ARGS...]]] has
// systemd-machined run PATH (or a login shell) in the machine (.host is
// this one). machinectl's options may come before and after the verb,
// and for shell they end at the machine name. Other verbs go to the
// analysers.
func (w *walker) machinectl(inv *Invocation) bool {
	const withValue = "-p --property -P -s --signal -H --host -M --machine -n --lines -o --output -E --setenv " +
		"--kill-whom --verify --runner --format --uid --max-addresses"
	args := inv.Args
	i := skipOptions(args, withValue, false)
	if i >= len(args) || args[i].Value != "shell" {
		return false
	}
	j := i + 1 + skipOptions(args[i+1:], withValue, false)
	own, _, _ := getopt(append(append([]Arg{}, args[:i]...), args[i+1:j]...), withValue, false)
	if hasOption(own, "-h", "--help", "--version") {
		return true
	}
	machine := "this machine"
	if j < len(args) {
		if m := args[j].Value; m != "" && !strings.HasSuffix(m, "@") && !strings.HasSuffix(m, "@.host") && m != ".host" {
			_, name, _ := strings.Cut(m, "@")
			if name == "" {
				name = m
			}
			machine = "the machine " + name
		}
		j++
	}
	if j >= len(args) {
		w.stdinCode(inv)
		w.flag("system.run-outside", "systemd-machined", "machinectl shell has systemd-machined start a login shell in "+machine+", "+runsOutside, []Span{inv.NameSpan})
		return true
	}
	w.run(w.rest(inv, j))
	w.flag("system.run-outside", "systemd-machined", "machinectl shell hands "+commandText(args[j:])+" to systemd-machined, which runs it in "+machine+", "+runsOutside, []Span{inv.NameSpan})
	return true
}

// analyseAt follows the job at or batch queue for atd: from -f FILE or
// stdin (a heredoc, a here-string, a pipe), read as a shell script.
// Listing (-l), showing (-c) and removing (-r, -d) jobs queue nothing.
// (Called from unwrap, not registered as an analyser: the stream scanner
// takes a line starting with an analyser's name for a command, and "at"
// starts much prose.)
func analyseAt(inv *Invocation) {
	opts, operands, _ := getopt(inv.Args, "-q -f -t -u -o", true)
	if hasOption(opts, "-l", "-c", "-r", "-d") {
		return
	}
	if inv.Name == "at" && len(operands) == 0 && !hasOption(opts, "-t", "-b") {
		return // no time: at -V, or a usage error
	}
	if len(operands) > 0 && !atTime(operands[0].Value) {
		return // not a time at accepts ("at least", "batch size"): prose, or an error
	}
	f, file := optionValue(opts, "-f")
	visible := false
	if file {
		inv.w.codeFile(inv, f)
		_, written := inv.FileContent(f.Value)
		visible = f.proc != nil && f.proc.Known || f.proc == nil && written
	} else {
		inv.w.stdinCode(inv)
		visible = inv.Stdin != nil && inv.Stdin.Known
	}
	job := "a job"
	if visible && !file {
		job = "the job " + abbrev(strings.Join(strings.Fields(strings.ReplaceAll(inv.Stdin.Text, unknown, "…")), " "), 60)
	}
	reason := inv.Name + " hands " + job + " to atd, which runs it later, " + runsOutside
	if !visible {
		reason += "; sentinel cannot read the job's commands, " + unseen(inv, f)
	}
	inv.Flag("system.run-outside", "atd", reason, inv.NameSpan)
}

// atTimeWords are the words a time for at(1) may start with, besides a
// digit (10:30, 0930, 2026-01-31, 31.01.26).
var atTimeWords = setOf("now", "noon", "midnight", "teatime", "today", "tomorrow",
	"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
	"aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
	"mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday",
	"fri", "friday", "sat", "saturday", "sun", "sunday")

// atTime reports whether v can start the time of an at or batch job.
func atTime(v string) bool {
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return true
	}
	w, _, _ := strings.Cut(strings.ToLower(v), "+") // now+1hour
	return atTimeWords[w] || strings.Contains(v, unknown)
}

// cronJobs analyses the jobs crontab installs from f ("-": stdin) and
// flags handing them to cron.
func cronJobs(inv *Invocation, f Arg, who string) {
	var in *Input
	switch {
	case f.Value == "-":
		if inv.Stdin != nil && inv.Stdin.Known {
			in = inv.Stdin
		}
	case f.proc != nil:
		if f.proc.Known {
			in = f.proc
		}
	default:
		if c, ok := inv.FileContent(f.Value); ok {
			in = &c
		}
	}
	if in != nil {
		analyseCronTable(inv.w, *in)
	} else if f.Value == "-" && filtersOldJobs(inv) {
		return // crontab -l | grep -v old-job | crontab -: no new job
	}
	reason := "crontab installs jobs in " + who + " crontab; cron runs them on schedule, " + runsOutside
	if in == nil {
		reason += "; sentinel cannot read the jobs, " + unseen(inv, f)
	}
	inv.Flag("system.run-outside", "cron", reason, inv.NameSpan)
}

// unseen says where a job sentinel cannot read comes from: the file f,
// or stdin when f is "-" or absent.
func unseen(inv *Invocation, f Arg) string {
	switch {
	case f.Value != "" && f.Value != "-":
		return "which are in " + f.Raw
	case inv.Stdin == nil:
		return "which come from its standard input"
	}
	return "which come from the " + inv.Stdin.From
}

// filtersOldJobs reports whether crontab's stdin is its old crontab with
// lines only selected (crontab -l | grep -v old-job | crontab -).
func filtersOldJobs(inv *Invocation) bool {
	if inv.ws == nil || !inv.org.exact {
		return false
	}
	start := inv.Span.Start - inv.org.base
	if start <= 0 || start > len(inv.ws.text) {
		return false
	}
	pieces := splitOps(inv.ws.text[:start])
	for i := len(pieces) - 2; i >= 0 && pieces[i].op == "|"; i-- {
		f := strings.Fields(pieces[i].text)
		if len(f) == 0 {
			return false
		}
		switch programName(f[0]) {
		case "grep", "egrep", "fgrep", "sort", "uniq", "head", "tail":
		case "crontab", "sudo":
			return hasAny(f, "crontab") && hasAny(f, "-l")
		default:
			return false
		}
	}
	return false
}

// analyseCronTable analyses the command of each job in a crontab.
func analyseCronTable(w *walker, in Input) {
	off := 0
	for _, line := range strings.SplitAfter(in.Text, "\n") {
		start := off
		off += len(line)
		cmd, at, exact := cronCommand(strings.TrimRight(line, "\r\n"))
		if at < 0 {
			continue
		}
		o := origin{whole: in.Span}
		if exact && in.origin.exact {
			o = origin{base: in.origin.base + start + at, exact: true}
		}
		w.analyzeString(cmd, o)
	}
}

// cronCommand is the command of a crontab line and its offset in the
// line (-1 for comments, blank lines and variable settings): what follows
// the five time fields or an @nickname, up to the first unescaped %
// (the rest is the command's stdin). exact is false when unescaping \%
// moved offsets.
func cronCommand(line string) (cmd string, at int, exact bool) {
	i := 0
	skipBlank := func() {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
	}
	skipBlank()
	if i == len(line) || line[i] == '#' {
		return "", -1, false
	}
	if eq := strings.IndexByte(line[i:], '='); eq > 0 && isAssignment(strings.TrimRight(line[i:i+eq], " \t")+"=") {
		return "", -1, false // NAME=value
	}
	fields := 5
	if line[i] == '@' {
		fields = 1 // @reboot, @daily, ...
	}
	for range fields {
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		skipBlank()
	}
	if i == len(line) {
		return "", -1, false
	}
	cmd, exact = line[i:], true
	for k := 0; k < len(cmd); k++ {
		if cmd[k] == '\\' && k+1 < len(cmd) && cmd[k+1] == '%' {
			cmd, exact = cmd[:k]+cmd[k+1:], false
			continue
		}
		if cmd[k] == '%' {
			cmd = cmd[:k]
			break
		}
	}
	return cmd, i, exact
}

// Files that make a service run programs: writing one is handing the
// service a command, as crontab or systemd-run do, only later (at the next
// minute, at boot, when the unit starts, when a device appears).

// scheduledFile says which service runs what a file at p names, and how
// (a clause for a reason); ok is false for any other path. p is absolute
// or starts with ~, as pathOf gives it.
func scheduledFile(p string) (service, how string, ok bool) {
	if !strings.Contains(p, unknown) {
		p = path.Clean(p)
	}
	p = homeRelative(p)
	switch {
	case p == "/etc/crontab" || p == "/etc/anacrontab":
		return "cron", "the system's cron table: cron runs its jobs later", true
	case under(p, "/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly", "/etc/cron.yearly"):
		return "cron", "where cron finds jobs: it runs them later", true
	case under(p, "/var/spool/cron/atjobs", "/var/spool/at"):
		return "atd", "where atd keeps its jobs: it runs them later", true
	case under(p, "/var/spool/cron"):
		return "cron", "where cron keeps users' tables: it runs their jobs later", true
	case under(p, systemdUnitDirs...):
		return "systemd", "where systemd finds units: it runs them when they start (at boot, on a timer, when asked)", true
	case under(p, "/etc/init.d", "/etc/rc.d", "/etc/rcS.d", "/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d", "/etc/rc6.d") || p == "/etc/rc.local":
		return "init", "where init finds boot scripts: it runs them at boot", true
	case under(p, "/etc/xdg/autostart", "~/.config/autostart"):
		return "the desktop session", "where the desktop session finds programs to start: it runs them at login", true
	case under(p, "/etc/udev/rules.d", "/run/udev/rules.d", "/lib/udev/rules.d", "/usr/lib/udev/rules.d"):
		return "udev", "where udev finds rules: a RUN+= rule runs its program when a device appears", true
	}
	return "", "", false
}

// systemdUnitDirs are where systemd looks for units and generators, for
// the system and for users.
var systemdUnitDirs = func() []string {
	var dirs []string
	for _, root := range []string{"/etc/systemd", "/run/systemd", "/lib/systemd", "/usr/lib/systemd", "/usr/local/lib/systemd", "~/.config/systemd", "~/.local/share/systemd"} {
		for _, sub := range []string{"system", "user", "system-generators", "user-generators", "transient"} {
			dirs = append(dirs, root+"/"+sub)
		}
	}
	return dirs
}()

// under reports whether p is one of dirs or inside one.
func under(p string, dirs ...string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// homeRelative writes /root/... and /home/USER/... as ~/...: the agent's
// user is not known, and a user's cron or systemd files are the same
// whoever they belong to.
func homeRelative(p string) string {
	if rest, ok := strings.CutPrefix(p, "~"); ok && !strings.HasPrefix(rest, "/") {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			return "~/" + after // ~bob/...
		}
	}
	if rest, ok := strings.CutPrefix(p, "/root/"); ok {
		return "~/" + rest
	}
	if rest, ok := strings.CutPrefix(p, "/home/"); ok {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			return "~/" + after
		}
	}
	return p
}

// checkScheduledWrite flags a write (a redirection, tee, cp, …) to a file
// a service runs programs from.
func checkScheduledWrite(w *walker, a Arg, p string) {
	service, how, ok := scheduledFile(p)
	if !ok {
		return
	}
	shown := strings.ReplaceAll(p, unknown, "…")
	w.flag("system.run-outside", service, "writes "+shown+", "+how+", "+runsOutside, []Span{a.Span})
}

// pathOf is the path an argument names, as far as the command tells:
// variables expanded ($HOME is ~) and a relative path joined to the
// working directory when that is known.
func pathOf(inv *Invocation, a Arg, ex *expander, cwd *cwdInfo) string {
	p := viewOf(inv, a, ex).full
	if p != "" && !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "~") && cwd != nil && cwd.known {
		p = cwd.dir + "/" + p
	}
	return p
}

// checkScheduledWriteOf is checkScheduledWrite for a target of inv's.
func checkScheduledWriteOf(inv *Invocation, a Arg) {
	ex := newExpander(inv)
	checkScheduledWrite(inv.w, a, pathOf(inv, a, ex, cwdOf(inv, ex)))
}

// valueArg is an option's value as its own argument: getopt gives the
// value of "--opt=VALUE" or "-oVALUE" with the whole word as written, and
// the expander reads the word as written.
func valueArg(inv *Invocation, v Arg) Arg {
	for _, a := range inv.Args {
		if a.Span == v.Span && a.Value != v.Value && strings.HasSuffix(a.Value, v.Value) {
			prefix := a.Value[:len(a.Value)-len(v.Value)]
			switch {
			case strings.HasPrefix(v.Raw, prefix):
				v.Raw = v.Raw[len(prefix):]
			case len(v.Raw) > 0 && (v.Raw[0] == '"' || v.Raw[0] == '\'') && strings.HasPrefix(v.Raw[1:], prefix):
				v.Raw = v.Raw[:1] + v.Raw[1+len(prefix):]
			}
			return v
		}
	}
	return v
}

// writerOptions are the options taking a value of the programs
// analyseScheduleWriter reads (GNU coreutils, curl, wget, rsync, tar,
// unzip, sponge, systemctl): enough to tell their operands apart.
var writerOptions = map[string]string{
	"cp":      "-t --target-directory -S --suffix",
	"mv":      "-t --target-directory -S --suffix",
	"ln":      "-t --target-directory -S --suffix",
	"install": "-t --target-directory -S --suffix -m --mode -o --owner -g --group --strip-program -Z --context",
	"curl":    "-o --output -d --data --data-raw --data-binary -H --header -X --request -u --user -A --user-agent -e --referer -T --upload-file -F --form -b --cookie -c --cookie-jar -K --config -x --proxy --output-dir -m --max-time -w --write-out -E --cert --key --cacert --retry --connect-timeout -r --range -Y -y -z",
	"wget":    "-O --output-document -o --output-file -a --append-output -P --directory-prefix -U --user-agent --header -t --tries -T --timeout -e --execute -i --input-file --user --password -l --level",
	"tar":     "-C --directory -f --file -T --files-from -X --exclude-from --exclude -b --blocking-factor -H --format --owner --group --mode --transform --xform -I --use-compress-program",
	"unzip":   "-d -x",
	"sed":     "-e --expression -f --file -l --line-length",
	"rsync":   "-e --rsh --exclude --include --exclude-from --include-from --files-from --filter -f --rsync-path --log-file --partial-dir --temp-dir -T --backup-dir --suffix --chmod --chown -B --block-size --max-size --min-size --timeout --contimeout --port --password-file --bwlimit --compare-dest --copy-dest --link-dest",
}

// analyseScheduleWriter handles the programs that write to a file named
// in their arguments: tee FILE..., dd of=FILE, cp/mv/install SRC... DEST
// (or -t DIR), ln TARGET [LINK], sed -i FILE, curl -o, wget -O, rsync,
// sponge, tar -x -C DIR, unzip -d DIR, and systemctl link/enable of a unit
// file by path.
func analyseScheduleWriter(inv *Invocation) {
	if inv.HasFlag("--help", "--version") {
		return
	}
	ex := newExpander(inv)
	cwd := cwdOf(inv, ex)
	check := func(a Arg) { checkScheduledWrite(inv.w, a, pathOf(inv, a, ex, cwd)) }
	opts, operands, _ := getopt(inv.Args, writerOptions[inv.Name], true)
	value := func(names ...string) (Arg, bool) {
		v, ok := optionValue(opts, names...)
		return valueArg(inv, v), ok
	}
	switch inv.Name {
	case "tee", "sponge":
		for _, a := range operands {
			check(a)
		}
	case "dd":
		for _, a := range inv.Args {
			if v, ok := strings.CutPrefix(a.Value, "of="); ok {
				b := a
				b.Value = v
				check(valueArg(inv, b))
			}
		}
	case "cp", "mv", "install", "ln":
		if inv.Name == "install" && hasOption(opts, "-d", "--directory") {
			return
		}
		if dir, ok := value("-t", "--target-directory"); ok {
			check(dir)
			return
		}
		switch {
		case len(operands) > 1:
			check(operands[len(operands)-1])
		case inv.Name == "ln" && len(operands) == 1:
			// ln TARGET makes ./basename(TARGET).
			link := operands[0]
			if base := path.Base(link.Value); base != "" && !strings.Contains(base, unknown) {
				link.Value, link.Raw = base, base
				check(link)
			}
		}
	case "sed":
		inPlace := false
		for _, o := range opts {
			inPlace = inPlace || o.Name == "-i" || strings.HasPrefix(o.Name, "--in-place")
		}
		if !inPlace {
			return
		}
		files := operands
		if !hasOption(opts, "-e", "--expression", "-f", "--file") && len(files) > 0 {
			files = files[1:] // the first operand is the script
		}
		for _, a := range files {
			check(a)
		}
	case "curl":
		if out, ok := value("-o", "--output"); ok {
			check(out)
		}
	case "wget":
		if out, ok := value("-O", "--output-document"); ok {
			check(out)
		}
		if dir, ok := value("-P", "--directory-prefix"); ok {
			check(dir)
		}
	case "rsync":
		if len(operands) > 1 {
			if dest := operands[len(operands)-1]; !strings.Contains(dest.Value, ":") {
				check(dest)
			}
		}
	case "tar":
		extract := len(inv.Args) > 0 && !strings.HasPrefix(inv.Args[0].Value, "-") && strings.Contains(inv.Args[0].Value, "x")
		extract = extract || hasOption(opts, "-x", "--extract", "--get")
		if dir, ok := value("-C", "--directory"); ok && extract {
			check(dir)
		}
	case "unzip":
		if dir, ok := value("-d"); ok {
			check(dir)
		}
	case "systemctl":
		// systemctl link|enable /path/unit: the unit file is linked into
		// systemd's directories.
		dir := "/etc/systemd/system/"
		if hasOption(opts, "--user") {
			dir = "~/.config/systemd/user/"
		}
		for i, a := range operands {
			if i > 0 && (operands[0].Value == "link" || operands[0].Value == "enable") && strings.Contains(a.Value, "/") {
				checkScheduledWrite(inv.w, a, dir+path.Base(a.Value))
			}
		}
	}
}
