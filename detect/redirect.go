package detect

import (
	"path"
	"strings"
)

func init() {
	register(Rule{ID: "files.truncate-redirect", Category: "files", Severity: High, Verdict: Pause,
		Description: "Redirects output over a file that holds data (a database, a disk device, a key), destroying what was in it.",
		Examples:    []string{"echo > /var/lib/postgresql/data/PG_VERSION", ": > app.db", "cat /dev/null > ~/.ssh/id_ed25519", "echo '' | sudo tee /etc/passwd"}},
		Rule{ID: "system.sysrq", Category: "system", Severity: High, Verdict: Pause,
			Description: "Writes to /proc/sysrq-trigger: the kernel reboots, powers off or crashes the machine at once, without syncing disks.",
			Examples:    []string{"echo b > /proc/sysrq-trigger", "echo c | sudo tee /proc/sysrq-trigger"}})
}

// dataFileSuffixes mark files whose loss is a loss of data.
var dataFileSuffixes = []string{".db", ".sqlite", ".sqlite3", ".mdb", ".accdb", ".frm", ".ibd", ".myd", ".wal", ".pem", ".key", ".kdbx", ".tfstate"}

// checkTruncatingRedirect flags "> file" (or tee file) over data.
// Redirecting over build output, logs and scratch files is everyday work.
func checkTruncatingRedirect(w *walker, r Redir) {
	t := r.Target.Value
	if !r.Target.Known() || t == "" || t == "/dev/null" || strings.HasPrefix(t, "/dev/std") || strings.HasPrefix(t, "/dev/fd/") || strings.HasPrefix(t, "/dev/tty") || strings.HasPrefix(t, "/dev/pts") {
		return
	}
	if t == "/proc/sysrq-trigger" {
		w.flag("system.sysrq", "", "writes to /proc/sysrq-trigger: the kernel acts at once (\"b\" reboots without syncing disks, \"o\" powers off, \"c\" crashes)", []Span{r.Target.Span})
		return
	}
	for _, root := range tempRoots {
		if strings.HasPrefix(t, root+"/") {
			return
		}
	}
	reason := ""
	switch {
	case isDevice(t):
		reason = "writes over the disk device " + t + ", destroying its file systems and data"
	case strings.Contains(t, "/.ssh/") && !strings.HasSuffix(t, ".pub") && !strings.Contains(path.Base(t), "known_hosts") && !strings.HasSuffix(t, "config"):
		reason = "empties " + t + ", an SSH key or authorization file"
	case strings.HasPrefix(t, "/var/lib/postgresql") || strings.HasPrefix(t, "/var/lib/mysql") || strings.HasPrefix(t, "/var/lib/mongodb") || strings.HasPrefix(t, "/var/lib/redis") || strings.Contains(t, "/pgdata/"):
		reason = "overwrites " + t + " inside a database's data directory, corrupting the database"
	case t == "/etc/passwd" || t == "/etc/shadow" || t == "/etc/sudoers" || t == "/etc/fstab" || t == "/etc/hosts" || t == "/etc/group" || t == "/etc/gshadow" || t == "/etc/crypttab":
		reason = "empties the system file " + t
	default:
		base := strings.ToLower(path.Base(t))
		for _, s := range dataFileSuffixes {
			if strings.HasSuffix(base, s) {
				reason = "empties " + t + ", a file that holds data (" + s + "), before anything is written to it"
			}
		}
	}
	if reason != "" {
		w.flag("files.truncate-redirect", t, reason, []Span{r.Target.Span})
	}
}
