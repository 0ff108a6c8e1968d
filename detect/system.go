package detect

import (
	"regexp"
	"strings"
)

// The system analyser: killing processes, stopping services, shutting the
// machine down, and changing the shared state of the machine (cron,
// firewall, users, mounts, kernel settings). Killing a dev server or
// checking a service's status is everyday work; killing every process,
// stopping the database, taking the machine down or opening the firewall
// is not.

func init() {
	register(
		Rule{ID: "system.kill-all", Category: "system", Severity: Critical, Verdict: Pause,
			Description: "Signals every process (kill -9 -1, killall5), PID 1, or every process of a user.",
			Examples:    []string{"kill -9 -1", "kill -KILL -1", "sudo kill -- -1", "pkill -9 -u deploy", "killall5 -9", "kill -9 1"}},
		Rule{ID: "system.stop-database", Category: "system", Severity: High, Verdict: Pause,
			Description: "Stops or kills a database server, container runtime or other stateful service (PostgreSQL, MySQL, MongoDB, Redis, Docker, etcd, ...).",
			Examples: []string{"pkill postgres", "killall -9 mysqld", "systemctl stop postgresql", "sudo service mysql stop",
				"kill -9 $(pgrep mongod)", "pg_ctl stop -m immediate", "lsof -ti:5432 | xargs kill -9", "/etc/init.d/redis-server stop"}},
		Rule{ID: "system.stop-access", Category: "system", Severity: High, Verdict: Pause,
			Description: "Stops or kills what lets anyone reach the machine (sshd, networking).",
			Examples:    []string{"systemctl stop sshd", "pkill sshd", "service networking stop"}},
		Rule{ID: "system.stop-service", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Stops, restarts, disables or masks a system service.",
			Examples:    []string{"sudo systemctl stop nginx", "systemctl restart postgresql", "systemctl disable docker", "brew services stop postgresql@16"}},
		Rule{ID: "system.shutdown", Category: "system", Severity: High, Verdict: Pause,
			Description: "Shuts down, reboots or halts the machine (or switches it to rescue mode).",
			Examples:    []string{"sudo shutdown -h now", "reboot", "systemctl poweroff", "init 0", "sudo halt -p", "systemctl isolate rescue.target"}},
		Rule{ID: "system.crontab-remove", Category: "system", Severity: High, Verdict: Pause,
			Description: "Removes a user's whole crontab (crontab -r); there is no copy to restore it from.",
			Examples:    []string{"crontab -r", "sudo crontab -u www-data -r", "crontab /dev/null"}},
		Rule{ID: "system.crontab-replace", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Replaces a user's whole crontab with a file or stdin, dropping the jobs that were there.",
			Examples:    []string{"crontab jobs.txt", `echo "0 3 * * * /opt/backup.sh" | crontab -`}},
		Rule{ID: "system.firewall-flush", Category: "system", Severity: High, Verdict: Pause,
			Description: "Flushes or disables the firewall, or sets a DROP policy: either every port is open, or nobody gets in (SSH included).",
			Examples:    []string{"iptables -F", "sudo iptables -t nat -F", "iptables -X", "iptables -P INPUT DROP", "nft flush ruleset", "ufw disable", "ufw --force reset"}},
		Rule{ID: "system.firewall-change", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Deletes firewall rules or replaces the rule set.",
			Examples:    []string{"iptables -D INPUT 3", "iptables-restore < rules.v4", "nft delete rule inet filter input handle 5", "ufw delete allow 22"}},
		Rule{ID: "system.user-delete", Category: "system", Severity: High, Verdict: Pause,
			Description: "Deletes a user together with their home directory and mail (userdel -r, deluser --remove-home).",
			Examples:    []string{"userdel -r deploy", "sudo deluser --remove-home alice"}},
		Rule{ID: "system.user-delete-account", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Deletes a user account (its files stay).",
			Examples:    []string{"sudo userdel deploy"}},
		Rule{ID: "system.swapoff", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Turns off all swap; a machine short of memory starts killing processes.",
			Examples:    []string{"sudo swapoff -a"}},
		Rule{ID: "system.sysctl", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Changes a kernel parameter of the running machine.",
			Examples:    []string{"sysctl -w net.ipv4.ip_forward=1", "sudo sysctl vm.overcommit_memory=1"}},
		Rule{ID: "system.unmount", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Unmounts a volume that is not scratch space; whatever uses it fails or writes beneath it.",
			Examples:    []string{"umount /var/lib/postgresql", "sudo umount -l /data"}},
		Rule{ID: "system.unmount-all", Category: "system", Severity: High, Verdict: Pause,
			Description: "Unmounts every file system (umount -a).",
			Examples:    []string{"umount -a"}},
		Rule{ID: "system.mount-over", Category: "system", Severity: Medium, Verdict: Warn,
			Description: "Mounts over a system or data directory (hiding what is in it) or remounts / read-only.",
			Examples:    []string{"mount /dev/sdb1 /var/lib/mysql", "mount -o remount,ro /"}},
	)
	handle(analyseKill, "kill")
	handle(analysePkill, "pkill", "killall")
	handle(analyseKillall5, "killall5")
	handle(analyseFuser, "fuser")
	handle(analyseSystemctl, "systemctl")
	handle(analyseService, "service", "rc-service", "invoke-rc.d")
	handle(analyseInitScript, initScriptNames...)
	handle(analyseBrew, "brew")
	handle(analysePgCtl, "pg_ctl", "pg_ctlcluster", "mysqladmin", "mongod", "rabbitmqctl")
	handle(analyseShutdown, "shutdown", "reboot", "halt", "poweroff", "init", "telinit", "kexec")
	handle(analyseCrontab, "crontab")
	handle(analyseIptables, "iptables", "ip6tables", "iptables-legacy", "ip6tables-legacy", "iptables-nft", "ip6tables-nft", "ebtables", "arptables")
	handle(analyseIptablesRestore, "iptables-restore", "ip6tables-restore")
	handle(analyseNft, "nft")
	handle(analyseUfw, "ufw")
	handle(analyseFirewallCmd, "firewall-cmd")
	handle(analyseUserdel, "userdel", "deluser")
	handle(analyseSwapoff, "swapoff")
	handle(analyseSysctl, "sysctl")
	handle(analyseUmount, "umount")
	handle(analyseMount, "mount")
	handle(analyseTrap, "trap")
}

// analyseTrap follows the code a trap runs later (on EXIT, on a signal):
// it runs as surely as the command itself.
func analyseTrap(inv *Invocation) {
	if len(inv.Args) < 2 {
		return
	}
	a := inv.Args[0]
	switch v := a.Value; {
	case v == "--" && len(inv.Args) > 2:
		a = inv.Args[1]
	case strings.HasPrefix(v, "-"):
		return // -l, -p, or "-" resetting a signal
	}
	if a.Value == "" {
		return
	}
	if !a.Known() && len(a.Raw) > 2 && a.Raw[0] == '"' && a.Raw[len(a.Raw)-1] == '"' {
		// trap "rm -rf $d" EXIT: $d expands when the trap is set, to the
		// same value the variable has then; read it as written.
		inv.Analyze(a.Raw[1:len(a.Raw)-1], origin{base: a.Span.Start + 1, exact: inv.org.exact, whole: a.Span})
		return
	}
	inv.Analyze(a.Value, originOf(a))
}

// dbProcesses are stateful servers: stopping one takes its data offline
// (and a SIGKILL can lose what was not yet on disk).
var dbProcesses = []string{"postgres", "postmaster", "mysqld", "mysqld_safe", "mariadbd", "mongod", "mongos",
	"redis-server", "redis-sentinel", "valkey-server", "keydb-server", "elasticsearch", "opensearch", "cassandra",
	"scylla", "clickhouse-server", "clickhouse", "etcd", "influxd", "cockroach", "dockerd", "containerd", "kubelet",
	"minio", "rabbitmq-server", "beam.smp", "kafka", "zookeeper", "neo4j", "couchdb", "sqlservr", "ora_pmon",
	"tidb-server", "tikv-server", "qdrant", "meilisearch", "ceph-osd", "ceph-mon", "nats-server",
	"vault", "consul", "nomad", "mysql", "mariadb", "postgresql", "mongodb", "redis", "docker", "podman"}

// dbUnits are service names of stateful servers.
var dbUnits = setOf("postgresql", "postgres", "postgresql-server", "mysql", "mysqld", "mariadb", "mongod", "mongodb",
	"redis", "redis-server", "redis-sentinel", "valkey", "valkey-server", "keydb", "docker", "docker.socket", "containerd",
	"podman", "elasticsearch", "opensearch", "cassandra", "scylla-server", "clickhouse-server", "etcd", "influxdb",
	"cockroach", "cockroachdb", "kubelet", "k3s", "rke2-server", "minio", "rabbitmq-server", "kafka", "zookeeper",
	"neo4j", "couchdb", "mssql-server", "tidb", "qdrant", "meilisearch", "ceph", "ceph-osd", "ceph-mon", "ceph.target",
	"glusterd", "nfs-server", "nfs-kernel-server", "nats-server", "vault", "consul", "nomad", "pgbouncer",
	"patroni", "mongos", "postgresql.service", "libvirtd", "lxd", "snap.lxd.daemon")

// accessUnits keep the machine reachable.
var accessUnits = setOf("ssh", "sshd", "openssh-server", "networking", "network", "NetworkManager", "systemd-networkd",
	"systemd-resolved", "wpa_supplicant", "tailscaled", "wg-quick", "openvpn", "dhcpcd", "systemd-logind", "dbus")

var initScriptNames = []string{"postgresql", "mysql", "mysqld", "mariadb", "mongod", "mongodb", "redis-server", "redis",
	"docker", "elasticsearch", "ssh", "sshd", "networking", "nginx", "apache2", "httpd", "cassandra", "rabbitmq-server",
	"etcd", "containerd", "kubelet"}

// unitName strips a unit's suffixes: postgresql@14-main.service is postgresql.
func unitName(u string) string {
	u = strings.TrimSuffix(u, ".service")
	if i := strings.IndexByte(u, '@'); i > 0 {
		u = u[:i]
	}
	return u
}

// dbProcessIn returns the stateful server a process name or pattern
// names, if any.
func dbProcessIn(pattern string, regex bool) string {
	p := strings.ToLower(pattern)
	if p == "" {
		return ""
	}
	var re *regexp.Regexp
	if regex && strings.ContainsAny(p, `.*+?[](){}|^$\`) {
		re, _ = regexp.Compile(p)
	}
	for _, d := range dbProcesses {
		switch {
		case re != nil && re.MatchString(d):
			return d
		case regex && re == nil && strings.Contains(d, p) && len(p) >= 4:
			return d // pkill matches a substring of the name: pkill mongo kills mongod
		case p == d || strings.Contains(p, "/"+d) || strings.HasPrefix(p, d+" ") || strings.Contains(p, " "+d+" ") || strings.HasSuffix(p, " "+d):
			return d
		}
	}
	return ""
}

// matchesEverything reports whether a pkill pattern matches any process.
func matchesEverything(p string) bool {
	if p == "" || p == "." || p == ".*" || p == "^" || p == "$" || p == ".+" || p == "^.*$" {
		return true
	}
	if re, err := regexp.Compile(p); err == nil {
		return re.MatchString("sshd") && re.MatchString("bash") && re.MatchString("systemd") && re.MatchString("init")
	}
	return false
}

var accessProcs = setOf("sshd", "ssh", "systemd", "init", "dbus-daemon", "NetworkManager", "systemd-networkd", "tailscaled", "systemd-logind")

// dbPortRe matches the ports and pid files of stateful servers in a
// command that produces PIDs (pgrep, pidof, lsof, fuser, cat x.pid).
var (
	dbPortRe  = lazyRegexp(`(?::|\bport\s*=?\s*|\s)(5432|3306|27017|27018|6379|9200|9300|9042|2379|2380|8086|5672|9092|2181|1433|1521|26257|7687|5984|8529|6333|7700|4222)\b(?:/tcp)?`)
	pidSrcRe  = lazyRegexp(`\b(?:pgrep|pidof|lsof|fuser|ps|cat|ss|netstat|pgrep\.sh|docker|systemctl)\b`)
	dbNameRe  *lazyRE
	nonTermRe = lazyRegexp(`^(?:SIG)?(?:HUP|USR1|USR2|CONT|WINCH|ALRM|CHLD|URG|PROF|0|1|10|12|14|17|18|28|30|31)$`)
)

func init() {
	var names []string
	for _, d := range dbProcesses {
		names = append(names, regexp.QuoteMeta(d))
	}
	dbNameRe = lazyRegexp(`(?i)(?:^|[\s/'"(=:;|&])(` + strings.Join(names, "|") + `)(?:[\s/'"()=:;|&.@]|$)`)
}

// dbInPidSource returns the stateful server that text producing PIDs
// refers to: kill $(pgrep postgres), lsof -ti:5432 | xargs kill.
func dbInPidSource(s string) string {
	if !pidSrcRe.MatchString(s) {
		return ""
	}
	if m := dbNameRe.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1])
	}
	if m := dbPortRe.FindStringSubmatch(s); m != nil {
		return "whatever listens on port " + m[1] + " (a database's port)"
	}
	return ""
}

// pipelineBefore returns the text of the statement that ends where the
// invocation begins (the producer of "... | xargs kill").
func pipelineBefore(inv *Invocation) string {
	if inv.ws == nil || !inv.org.exact {
		return ""
	}
	start := inv.Span.Start - inv.org.base
	if start <= 0 || start > len(inv.ws.text) {
		return ""
	}
	pieces := splitOps(inv.ws.text[:start])
	var b strings.Builder
	for i := len(pieces) - 2; i >= 0; i-- {
		if pieces[i].op != "|" {
			break
		}
		b.WriteString(pieces[i].text)
		b.WriteByte(' ')
	}
	return b.String()
}

// terminating reports whether a signal ends (or freezes) a process.
func terminating(sig string) bool {
	return sig == "" || !nonTermRe.MatchString(strings.ToUpper(sig))
}

func analyseKill(inv *Invocation) {
	args := inv.Args
	sig := ""
	i := 0
	if len(args) > 0 {
		v := args[0].Value
		switch {
		case v == "-l" || v == "-L" || v == "--list" || v == "--table" || v == "--help" || v == "--version":
			return
		case v == "-s" || v == "-n" || v == "--signal":
			if len(args) > 1 {
				sig = args[1].Value
			}
			i = 2
		case strings.HasPrefix(v, "--signal="):
			sig, i = v[len("--signal="):], 1
		case strings.HasPrefix(v, "-") && len(v) > 1 && v != "--" && args[0].Known():
			sig, i = v[1:], 1
		}
	}
	if i < len(args) && args[i].Value == "--" {
		i++
	}
	if !terminating(sig) {
		return
	}
	signame := "SIGTERM"
	if sig != "" {
		signame = "SIG" + strings.TrimPrefix(strings.ToUpper(sig), "SIG")
		if sig == "9" {
			signame = "SIGKILL"
		}
	}
	for _, a := range args[min(i, len(args)):] {
		v := a.Value
		switch {
		case v == "-1":
			inv.Flag("system.kill-all", "all processes", "sends "+signame+" to every process it may signal (PID -1): as root that is the whole machine, otherwise every program of the user, this session and the agent included", a.Span)
			return
		case v == "1":
			inv.Flag("system.kill-all", "PID 1", "sends "+signame+" to PID 1, init on a machine or the main process of a container: the machine or the container goes down", a.Span)
			return
		case !a.Known():
			src := a.Raw
			if strings.HasPrefix(a.Raw, "(") {
				src = pipelineBefore(inv)
			}
			if db := dbInPidSource(src); db != "" {
				inv.Flag("system.stop-database", db, "sends "+signame+" to "+db+" (PIDs from "+abbrev(strings.TrimSpace(src), 50)+"); the database goes offline for everything that uses it"+killNote(signame), a.Span)
				return
			}
		}
	}
}

func killNote(signame string) string {
	if signame == "SIGKILL" {
		return ", and SIGKILL gives it no chance to flush what it has not yet written"
	}
	return ""
}

func analysePkill(inv *Invocation) {
	withValue := []string{"-u", "--euid", "-U", "--uid", "-g", "--pgroup", "-G", "--group", "-P", "--parent", "-s",
		"--session", "-t", "--terminal", "--signal", "--ns", "--nslist", "-F", "--pidfile", "-o", "--older-than", "-y", "--younger-than", "-n", "-c", "--context"}
	if inv.Name == "killall" {
		withValue = []string{"-u", "--user", "-s", "--signal", "-o", "--older-than", "-y", "--younger-than", "-n", "--ns", "-Z", "--context"}
	}
	if inv.HasFlag("-l", "--list", "-V", "--version", "--help") && inv.Name == "killall" {
		return
	}
	sig := ""
	if s, ok := inv.Option("--signal"); ok {
		sig = s.Value
	} else if inv.Name == "killall" {
		if s, ok := inv.Option("-s"); ok {
			sig = s.Value
		}
	}
	for _, a := range inv.Args {
		v := a.Value
		if len(v) > 1 && v[0] == '-' && (v[1] >= '0' && v[1] <= '9' || v[1] >= 'A' && v[1] <= 'Z' && v != "-U" && v != "-G" && v != "-P" && v != "-F" && v != "-Z" && v != "-I" && v != "-V") {
			sig = v[1:]
		}
	}
	if !terminating(sig) {
		return
	}
	signame := "SIGTERM"
	if sig == "9" || strings.EqualFold(strings.TrimPrefix(strings.ToUpper(sig), "SIG"), "KILL") {
		signame = "SIGKILL"
	} else if sig != "" {
		signame = "SIG" + strings.TrimPrefix(strings.ToUpper(sig), "SIG")
	}
	var pats []Arg
	for _, a := range inv.Positional(withValue...) {
		if len(a.Value) > 1 && a.Value[0] == '-' {
			continue
		}
		pats = append(pats, a)
	}
	user, hasUser := inv.Option("-u", "--euid", "--user", "-U", "--uid")
	if pf, ok := inv.Option("-F", "--pidfile"); ok && inv.Name == "pkill" {
		if db := dbProcessIn(pf.Value, false); db != "" || dbNameRe.MatchString(pf.Value) {
			inv.Flag("system.stop-database", pf.Value, inv.Name+" sends "+signame+" to the process in "+pf.Value+"; the database goes offline for everything that uses it"+killNote(signame), pf.Span)
		}
		return
	}
	if len(pats) == 0 {
		if hasUser {
			inv.Flag("system.kill-all", user.Value, inv.Name+" sends "+signame+" to every process of user "+user.Value+": their services, shells and sessions all stop", user.Span)
		}
		return
	}
	regex := inv.Name == "pkill" || inv.HasFlag("-r", "--regexp")
	exact := inv.HasFlag("-x", "--exact") || inv.Name == "killall" && !regex
	for _, p := range pats {
		pv := p.Value
		if !p.Known() {
			continue
		}
		if regex && !exact && matchesEverything(pv) {
			inv.Flag("system.kill-all", pv, inv.Name+" "+pv+" matches every process name, so it sends "+signame+" to every process it may signal, this session and the agent included", p.Span)
			return
		}
		name := pv
		if i := strings.LastIndexByte(name, '/'); i >= 0 && !regex {
			name = name[i+1:]
		}
		if accessProcs[name] || regex && !exact && (name == "ssh" || strings.HasPrefix(name, "sshd") || name == "systemd") {
			inv.Flag("system.stop-access", name, inv.Name+" "+pv+" kills "+name+", which keeps the machine reachable; remote sessions drop and nobody may be able to get back in", p.Span)
			return
		}
		var db string
		switch {
		case exact:
			db = dbProcessIn(name, false)
			if db != "" && db != strings.ToLower(name) {
				db = ""
			}
		case inv.HasFlag("-f", "--full"):
			db = dbProcessIn(pv, true)
			if db == "" {
				if m := dbNameRe.FindStringSubmatch(pv); m != nil {
					db = strings.ToLower(m[1])
				}
			}
		default:
			db = dbProcessIn(pv, regex)
		}
		if db != "" {
			inv.Flag("system.stop-database", db, inv.Name+" "+pv+" sends "+signame+" to "+db+"; the database goes offline for everything that uses it"+killNote(signame), p.Span)
			return
		}
	}
}

func analyseKillall5(inv *Invocation) {
	sig := ""
	for _, a := range inv.Args {
		if strings.HasPrefix(a.Value, "-") && a.Value != "-o" {
			sig = a.Value[1:]
		}
	}
	if !terminating(sig) {
		return
	}
	inv.Flag("system.kill-all", "all processes", "killall5 signals every process on the machine except the kernel's and its own session: every service stops", inv.NameSpan)
}

func analyseFuser(inv *Invocation) {
	if !inv.HasFlag("-k", "--kill") {
		return
	}
	for _, a := range inv.Positional("-s", "--signal", "-n", "--namespace") {
		s := " " + a.Value
		if db := dbInPidSource("fuser" + s); db != "" {
			inv.Flag("system.stop-database", a.Value, "fuser -k kills "+db+" (every process using "+a.Value+"); the database goes offline for everything that uses it", a.Span)
			return
		}
		t := classify(a.Value)
		if t.cls == clDatabase || t.cls == clRoot {
			inv.Flag("system.stop-database", a.Value, "fuser -k kills every process using "+a.Value+" ("+shortWhat(t)+")", a.Span)
			return
		}
	}
}

// ---------------------------------------------------------------------
// Services.

var systemctlValueOpts = []string{"-H", "--host", "-M", "--machine", "-t", "--type", "-s", "--signal", "-p", "--property",
	"--state", "-n", "--lines", "-o", "--output", "--kill-whom", "--kill-who", "--root", "--job-mode", "--what",
	"--timestamp", "--boot-loader-entry", "--reboot-argument", "--message", "--when", "--image", "--preset-mode", "--drop-in"}

var shutdownTargets = setOf("poweroff.target", "reboot.target", "halt.target", "rescue.target", "emergency.target",
	"kexec.target", "poweroff", "reboot", "halt", "rescue", "emergency", "kexec", "shutdown.target", "soft-reboot.target")

func analyseSystemctl(inv *Invocation) {
	pos := inv.Positional(systemctlValueOpts...)
	if len(pos) == 0 {
		return
	}
	verb := pos[0].Value
	units := pos[1:]
	user := inv.HasFlag("--user")
	switch verb {
	case "poweroff", "reboot", "halt", "kexec", "soft-reboot", "rescue", "emergency", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "exit", "switch-root":
		if user && verb == "exit" {
			return
		}
		inv.Flag("system.shutdown", "this machine", "systemctl "+verb+" "+shutdownWhat(verb)+"; every service on it stops, the agent included", pos[0].Span)
		return
	case "isolate", "start":
		for _, u := range units {
			if shutdownTargets[u.Value] {
				inv.Flag("system.shutdown", "this machine", "systemctl "+verb+" "+u.Value+" "+shutdownWhat(strings.TrimSuffix(u.Value, ".target"))+"; every service on it stops", pos[0].Span, u.Span)
				return
			}
		}
		return
	case "default":
		return
	case "stop", "kill", "disable", "mask", "restart", "try-restart", "reload-or-restart", "force-reload", "condrestart", "freeze", "clean":
	default:
		return
	}
	if s, ok := inv.Option("-s", "--signal"); ok && verb == "kill" && !terminating(s.Value) {
		return
	}
	now := inv.HasFlag("--now")
	stops := verb == "stop" || verb == "kill" || verb == "freeze" || (verb == "disable" || verb == "mask") && now
	for _, u := range units {
		judgeService(inv, unitName(u.Value), verb, stops, user, "systemctl "+verb+" "+u.Value, pos[0].Span, u.Span)
	}
}

func shutdownWhat(verb string) string {
	switch verb {
	case "reboot", "kexec", "soft-reboot":
		return "reboots this machine"
	case "rescue", "emergency":
		return "switches this machine to " + verb + " mode, stopping everything but a root shell on the console"
	case "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate":
		return "suspends this machine"
	}
	return "powers this machine off"
}

// judgeService decides about one service verb; cmd is the command as
// the operator would say it (systemctl stop postgresql@14-main).
func judgeService(inv *Invocation, unit, verb string, stops, user bool, cmd string, spans ...Span) {
	clean := verb == "clean"
	switch {
	case dbUnits[unit] && (stops || clean):
		what := "the database goes offline for everything that uses it"
		switch {
		case clean:
			what = "systemctl clean also removes its state directories"
		case containerUnits[unit]:
			what = "every container on this machine stops, databases running in them included"
		}
		inv.Flag("system.stop-database", unit, cmd+" stops a stateful server; "+what, spans...)
	case accessUnits[unit] && stops && !user:
		inv.Flag("system.stop-access", unit, cmd+" stops what keeps the machine reachable; remote sessions drop and nobody may be able to get back in", spans...)
	case user:
		// The user's own services: everyday work.
	case dbUnits[unit] || accessUnits[unit]:
		inv.Flag("system.stop-service", unit, cmd+": "+serviceVerbWhat(verb), spans...)
	case stops:
		inv.Flag("system.stop-service", unit, cmd+": the service stays down until someone starts it again", spans...)
	}
}

var containerUnits = setOf("docker", "docker.socket", "containerd", "podman", "kubelet", "k3s", "rke2-server", "lxd", "snap.lxd.daemon", "libvirtd")

func serviceVerbWhat(verb string) string {
	switch verb {
	case "disable":
		return "it no longer starts when the machine boots"
	case "mask":
		return "it can no longer be started at all"
	}
	return "its connections drop while it restarts"
}

var serviceVerbs = setOf("stop", "restart", "force-stop", "force-reload", "try-restart", "condrestart", "kill", "zap", "disable", "pause")

func analyseService(inv *Invocation) {
	pos := inv.Positional("-s", "--skip")
	if len(pos) < 2 {
		return
	}
	unit, verb := pos[0], pos[1]
	if !serviceVerbs[verb.Value] {
		return
	}
	stops := verb.Value == "stop" || verb.Value == "force-stop" || verb.Value == "kill" || verb.Value == "zap" || verb.Value == "pause"
	judgeService(inv, unitName(unit.Value), verb.Value, stops, false, inv.Name+" "+unit.Value+" "+verb.Value, verb.Span, unit.Span)
}

// analyseInitScript handles /etc/init.d/postgresql stop.
func analyseInitScript(inv *Invocation) {
	if inv.w == nil || inv.NameSpan.End > len(inv.w.src) || inv.NameSpan.Start < 0 || inv.NameSpan.Start > inv.NameSpan.End {
		return
	}
	raw := inv.w.src[inv.NameSpan.Start:inv.NameSpan.End]
	if !strings.Contains(raw, "init.d/") && !strings.Contains(raw, "rc.d/") {
		return
	}
	pos := inv.Positional()
	if len(pos) == 0 || !serviceVerbs[pos[0].Value] {
		return
	}
	stops := pos[0].Value == "stop" || pos[0].Value == "force-stop" || pos[0].Value == "kill"
	judgeService(inv, inv.Name, pos[0].Value, stops, false, raw+" "+pos[0].Value, inv.NameSpan, pos[0].Span)
}

// analyseBrew handles brew services stop: a local database on a laptop.
func analyseBrew(inv *Invocation) {
	pos := inv.Positional()
	if len(pos) < 3 || pos[0].Value != "services" || pos[1].Value != "stop" && pos[1].Value != "kill" {
		return
	}
	unit := pos[2].Value
	name := unit
	if i := strings.IndexByte(name, '@'); i > 0 {
		name = name[:i]
	}
	if dbUnits[name] || dbProcessIn(name, false) != "" {
		inv.Flag("system.stop-service", unit, "brew services "+pos[1].Value+" "+unit+" stops the local "+name+" server; anything using it on this machine loses its connection", pos[1].Span, pos[2].Span)
	}
}

func analysePgCtl(inv *Invocation) {
	pos := inv.Positional("-D", "--pgdata", "-m", "--mode", "-t", "--timeout", "-o", "-l", "--log", "-s", "-h", "--host", "-P",
		"-u", "--user", "--port", "-S", "--socket", "-c", "-e", "--eval", "--config", "-f", "--dbpath")
	var verb Arg
	switch inv.Name {
	case "pg_ctl", "mysqladmin", "rabbitmqctl":
		if len(pos) == 0 {
			return
		}
		verb = pos[0]
		if inv.Name == "mysqladmin" {
			for _, p := range inv.Args {
				if p.Value == "shutdown" {
					verb = p
				}
			}
		}
	case "pg_ctlcluster":
		if len(pos) < 3 {
			return
		}
		verb = pos[2]
	case "mongod":
		if i := inv.FlagIndex("--shutdown"); i >= 0 {
			verb = Arg{Value: "shutdown", Span: inv.Args[i].Span}
		} else {
			return
		}
	}
	switch verb.Value {
	case "stop", "shutdown", "kill", "stop_app":
		mode := ""
		if m, ok := inv.Option("-m", "--mode"); ok && strings.HasPrefix(m.Value, "i") {
			mode = " in immediate mode, without a checkpoint"
		}
		inv.Flag("system.stop-database", inv.Name, inv.Name+" "+verb.Value+" shuts the database server down"+mode+"; it is offline for everything that uses it", verb.Span)
	case "restart":
		if inv.Name != "mysqladmin" {
			inv.Flag("system.stop-service", inv.Name, inv.Name+" restart restarts the database server; its connections drop", verb.Span)
		}
	}
}

// ---------------------------------------------------------------------
// Shutdown.

func analyseShutdown(inv *Invocation) {
	if inv.HasFlag("--help", "--version") {
		return
	}
	switch inv.Name {
	case "shutdown":
		if inv.HasFlag("-c", "-k", "--show") {
			return
		}
		what := "powers this machine off"
		if inv.HasFlag("-r", "--reboot") {
			what = "reboots this machine"
		} else if inv.HasFlag("-H", "--halt") {
			what = "halts this machine"
		}
		inv.Flag("system.shutdown", "this machine", "shutdown "+what+"; every service on it stops, the agent included", inv.NameSpan)
	case "reboot", "halt", "poweroff":
		if inv.HasFlag("-w", "--wtmp-only") {
			return
		}
		what := map[string]string{"reboot": "reboots", "halt": "halts", "poweroff": "powers off"}[inv.Name]
		inv.Flag("system.shutdown", "this machine", inv.Name+" "+what+" this machine; every service on it stops, the agent included", inv.NameSpan)
	case "init", "telinit":
		pos := inv.Positional()
		if len(pos) == 0 {
			return
		}
		switch pos[0].Value {
		case "0", "6", "1", "s", "S", "single":
			what := map[string]string{"0": "powers this machine off", "6": "reboots this machine"}[pos[0].Value]
			if what == "" {
				what = "switches this machine to single-user mode, stopping every service"
			}
			inv.Flag("system.shutdown", "this machine", inv.Name+" "+pos[0].Value+" "+what+"; every service on it stops", pos[0].Span)
		}
	case "kexec":
		if inv.HasFlag("-e", "--exec") || inv.HasFlag("-f", "--force") {
			inv.Flag("system.shutdown", "this machine", "kexec boots another kernel at once; everything running stops without a clean shutdown", inv.NameSpan)
		}
	}
}

// ---------------------------------------------------------------------
// cron, firewall, users, swap, kernel, mounts.

func analyseCrontab(inv *Invocation) {
	u, hasU := inv.Option("-u")
	who := "the current user's"
	if hasU {
		who = u.Value + "'s"
	}
	if i := inv.FlagIndex("-r", "--remove"); i >= 0 {
		inv.Flag("system.crontab-remove", who+" crontab", "crontab -r deletes "+who+" whole crontab (scheduled backups and cleanups included); there is no copy to restore it from", inv.Args[i].Span)
		return
	}
	if inv.HasFlag("-l", "--list", "-e", "--edit", "-T", "--test", "-V", "--version", "-h", "--help", "-n") {
		return
	}
	pos := inv.Positional("-u", "-s")
	if len(pos) != 1 {
		return // crontab takes one file: more is a usage error ("# crontab entries below" in output)
	}
	f := pos[0]
	if f.Value == "/dev/null" {
		inv.Flag("system.crontab-remove", who+" crontab", "crontab /dev/null replaces "+who+" crontab with nothing: every scheduled job (backups included) is gone", f.Span)
		return
	}
	if f.Value == "-" {
		if inv.Stdin != nil && inv.Stdin.Known && strings.TrimSpace(strings.ReplaceAll(inv.Stdin.Text, unknown, "")) == "" {
			inv.Flag("system.crontab-remove", who+" crontab", "crontab - replaces "+who+" crontab with empty input: every scheduled job is gone", f.Span)
			return
		}
	}
	cronJobs(inv, f, who) // outside.go: cron runs them outside the agent's tree
	if f.Value == "-" {
		if src := pipelineBefore(inv); strings.Contains(src, "crontab -l") || inv.ws != nil && strings.Contains(inv.ws.text, "crontab -l") {
			return // (crontab -l; echo ...) | crontab -: keeps the old jobs
		}
	}
	inv.Flag("system.crontab-replace", who+" crontab", "crontab "+f.Value+" replaces "+who+" whole crontab; jobs that were there and are not in the new one are dropped", f.Span)
}

func analyseIptables(inv *Invocation) {
	table := "filter"
	if t, ok := inv.Option("-t", "--table"); ok {
		table = t.Value
	}
	if i := inv.FlagIndex("-F", "--flush"); i >= 0 {
		inv.Flag("system.firewall-flush", inv.Name+" "+table, inv.Name+" -F flushes every rule of the "+table+" table: with an ACCEPT policy every port is open to the world, with DROP nobody (SSH included) gets in", inv.Args[i].Span)
		return
	}
	if i := inv.FlagIndex("-X", "--delete-chain"); i >= 0 {
		inv.Flag("system.firewall-flush", inv.Name+" "+table, inv.Name+" -X deletes the "+table+" table's chains and the rules that jump to them", inv.Args[i].Span)
		return
	}
	if i := inv.FlagIndex("-P", "--policy"); i >= 0 && i+2 < len(inv.Args) {
		chain, pol := inv.Args[i+1].Value, strings.ToUpper(inv.Args[i+2].Value)
		if (pol == "DROP" || pol == "REJECT") && (chain == "INPUT" || chain == "OUTPUT") {
			inv.Flag("system.firewall-flush", inv.Name+" "+chain, inv.Name+" -P "+chain+" "+pol+" drops all "+strings.ToLower(chain)+" traffic that no rule accepts: unless SSH is explicitly allowed, this session and every other is cut off", inv.Args[i].Span, inv.Args[i+2].Span)
		}
		return
	}
	if i := inv.FlagIndex("-D", "--delete"); i >= 0 {
		inv.Flag("system.firewall-change", inv.Name+" "+table, inv.Name+" -D deletes a firewall rule from the "+table+" table", inv.Args[i].Span)
	}
}

func analyseIptablesRestore(inv *Invocation) {
	if inv.HasFlag("-t", "--test", "-n", "--noflush", "-h", "--help") {
		return
	}
	inv.Flag("system.firewall-change", inv.Name, inv.Name+" replaces the whole firewall rule set with what it reads", inv.NameSpan)
}

func analyseNft(inv *Invocation) {
	pos := inv.Positional("-f", "--file", "-I", "--includepath")
	if f, ok := inv.Option("-f", "--file"); ok {
		inv.Flag("system.firewall-change", f.Value, "nft -f loads "+f.Value+", which usually starts by flushing the whole rule set", f.Span)
		return
	}
	if len(pos) == 0 {
		return
	}
	words := make([]string, len(pos))
	for i, p := range pos {
		words[i] = strings.ToLower(p.Value)
	}
	line := strings.Join(words, " ")
	// nft also takes its command as one quoted string.
	if len(pos) == 1 {
		words = strings.Fields(line)
	}
	if len(words) == 0 {
		return
	}
	switch words[0] {
	case "flush":
		what := "the whole rule set"
		if len(words) > 1 && words[1] != "ruleset" {
			what = "every rule of " + strings.Join(words[1:], " ")
		}
		inv.Flag("system.firewall-flush", "nft "+line, "nft flush removes "+what+": with nothing left to filter, every port is open (or, with a drop policy, nobody gets in)", pos[0].Span)
	case "delete", "destroy":
		if len(words) > 1 && (words[1] == "table" || words[1] == "chain") {
			inv.Flag("system.firewall-flush", "nft "+line, "nft "+line+" deletes a firewall "+words[1]+" with every rule in it", pos[0].Span)
			return
		}
		inv.Flag("system.firewall-change", "nft "+line, "nft "+line+" deletes a firewall rule", pos[0].Span)
	}
}

func analyseUfw(inv *Invocation) {
	pos := inv.Positional()
	if len(pos) == 0 {
		return
	}
	switch pos[0].Value {
	case "disable":
		inv.Flag("system.firewall-flush", "ufw", "ufw disable turns the firewall off: every listening service (databases included) is reachable from the network", pos[0].Span)
	case "reset":
		inv.Flag("system.firewall-flush", "ufw", "ufw reset deletes every firewall rule and disables the firewall", pos[0].Span)
	case "delete":
		inv.Flag("system.firewall-change", "ufw", "ufw delete removes a firewall rule", pos[0].Span)
	}
}

func analyseFirewallCmd(inv *Invocation) {
	if i := inv.FlagIndex("--panic-on"); i >= 0 {
		inv.Flag("system.firewall-flush", "firewalld", "firewall-cmd --panic-on drops all network traffic: every session to this machine, this one included, is cut off", inv.Args[i].Span)
	}
}

func analyseUserdel(inv *Invocation) {
	pos := inv.Positional("-R", "--root", "-P", "--prefix", "--conf")
	if len(pos) == 0 || inv.Name == "deluser" && len(pos) > 1 {
		return // deluser USER GROUP removes a user from a group
	}
	user := pos[0]
	if i := inv.FlagIndex("-r", "--remove", "--remove-home", "--remove-all-files"); i >= 0 {
		what := "their home directory and mail"
		if inv.Args[i].Value == "--remove-all-files" {
			what = "every file they own on the machine"
		}
		inv.Flag("system.user-delete", user.Value, inv.Name+" deletes the user "+user.Value+" together with "+what+"; their keys, data and crontab are gone", inv.Args[i].Span, user.Span)
		return
	}
	inv.Flag("system.user-delete-account", user.Value, inv.Name+" deletes the account "+user.Value+"; services running as it stop working", user.Span)
}

func analyseSwapoff(inv *Invocation) {
	if i := inv.FlagIndex("-a", "--all"); i >= 0 {
		inv.Flag("system.swapoff", "swap", "swapoff -a turns off all swap; if memory is short, the kernel starts killing processes", inv.Args[i].Span)
	}
}

func analyseSysctl(inv *Invocation) {
	if i := inv.FlagIndex("-w", "--write"); i >= 0 {
		for _, p := range inv.Positional() {
			inv.Flag("system.sysctl", p.Value, "sysctl -w changes the running kernel's "+p.Value, p.Span)
			return
		}
		return
	}
	if inv.HasFlag("-p", "--load", "--system", "-a", "--all", "-A", "-X", "-N", "-n") {
		return
	}
	for _, p := range inv.Positional() {
		if strings.Contains(p.Value, "=") {
			inv.Flag("system.sysctl", p.Value, "sysctl changes the running kernel's "+p.Value, p.Span)
			return
		}
	}
}

// mountTarget judges a mount point: scratch and removable media are fine.
func mountMatters(p string) (target, bool) {
	t := classify(p)
	switch t.cls {
	case clScratch, clTempRoot:
		return t, false
	}
	if strings.HasPrefix(p, "/mnt/") || strings.HasPrefix(p, "/media/") || strings.HasPrefix(p, "/run/media/") || strings.HasPrefix(p, "/Volumes/") {
		if t.cls != clData && t.cls != clDatabase && t.cls != clBackups {
			return t, false
		}
	}
	return t, t.cls != clPlain && t.cls != clUnknown
}

func analyseUmount(inv *Invocation) {
	if i := inv.FlagIndex("-a", "--all"); i >= 0 {
		inv.Flag("system.unmount-all", "all file systems", "umount -a unmounts every file system it can; services lose the volumes their data is on", inv.Args[i].Span)
		return
	}
	for _, p := range inv.Positional("-t", "--types", "-O", "--test-opts", "-N", "--namespace") {
		if isDevice(p.Value) {
			inv.Flag("system.unmount", p.Value, "umount "+p.Value+" takes a disk's file system away from everything using it", p.Span)
			return
		}
		if t, ok := mountMatters(p.Value); ok {
			inv.Flag("system.unmount", p.Value, "umount "+p.Value+" takes "+strings.SplitN(shortWhat(t), ";", 2)[0]+" away from everything using it; what writes there afterwards lands on the disk beneath", p.Span)
			return
		}
	}
}

func analyseMount(inv *Invocation) {
	if o, ok := inv.Option("-o", "--options"); ok && strings.Contains(o.Value, "remount") && strings.Contains(","+o.Value+",", ",ro,") {
		pos := inv.Positional("-o", "--options", "-t", "--types")
		where := "a file system"
		if len(pos) > 0 {
			where = pos[len(pos)-1].Value
		}
		inv.Flag("system.mount-over", where, "mount -o "+o.Value+" makes "+where+" read-only while everything on it keeps running; writes start failing", o.Span)
		return
	}
	pos := inv.Positional("-o", "--options", "-t", "--types", "-L", "--label", "-U", "--uuid", "-O", "--test-opts", "-N", "--namespace")
	if len(pos) < 2 {
		return
	}
	dir := pos[len(pos)-1]
	if t, ok := mountMatters(dir.Value); ok {
		inv.Flag("system.mount-over", dir.Value, "mount over "+dir.Value+" hides what is in it ("+strings.SplitN(shortWhat(t), ";", 2)[0]+"); programs using it start reading and writing the new file system instead", dir.Span)
	}
}
