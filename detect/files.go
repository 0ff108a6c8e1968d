package detect

import (
	"path"
	"strconv"
	"strings"
)

// The files analyser: deleting, emptying, overwriting and re-permissioning
// files, and wiping disks. Most of the judgement is about the target: the
// same rm -rf is everyday work on node_modules and the end of the company on
// /var/lib/postgresql. Targets are classified by what they are (the root, a
// home directory, a system directory, a database's data directory, backups,
// a database file, key material, a repository's .git, build output and
// scratch space) after expanding what the command itself set, and with an
// eye on variables that may be empty at run time ("$DIR/"* is /* when DIR is
// unset).

func init() {
	register(
		Rule{ID: "files.delete-root", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Deletes / or everything under it: the operating system and every volume mounted on the machine.",
			Examples:    []string{"rm -rf /", "sudo rm -rf /*", "rm -f -r /", "find / -delete"}},
		Rule{ID: "files.no-preserve-root", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Switches off rm's (or chmod's, chown's) refusal to work on / with --no-preserve-root.",
			Examples:    []string{"rm -rf --no-preserve-root /", "chown -R --no-preserve-root nobody /"}},
		Rule{ID: "files.delete-home", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Deletes a home directory (~, $HOME, /home/x, /root) or everything in it.",
			Examples:    []string{"rm -rf ~", "rm -rf $HOME", "rm -rf ~/*", "rm -rf /home/deploy"}},
		Rule{ID: "files.delete-system", Category: "files", Severity: High, Verdict: Pause,
			Description: "Deletes a directory the operating system needs (/etc, /usr, /var, /boot, /bin, /lib, /opt, /srv), or a file without which nobody can log in.",
			Examples:    []string{"rm -rf /etc", "rm --recursive --force /usr/lib", "rm -rf /var/log", "sudo rm /etc/passwd"}},
		Rule{ID: "files.system-file", Category: "files", Severity: Medium, Verdict: Warn,
			Description: "Deletes a single file the operating system or a package owns.",
			Examples:    []string{"sudo rm /usr/bin/python3", "rm /etc/nginx/sites-enabled/default"}},
		Rule{ID: "files.delete-database", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Deletes the data directory of a database server or container runtime (/var/lib/postgresql, /var/lib/mysql, /var/lib/docker/volumes, pgdata).",
			Examples:    []string{"sudo rm -rf /var/lib/postgresql/14/main", "rm -rf /var/lib/docker/volumes/app_db", "rm -rf ./pgdata"}},
		Rule{ID: "files.delete-backups", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Deletes backups: a backups directory or a database dump.",
			Examples:    []string{"rm -rf backups/", "rm -rf /var/backups", "rm db_backup_2024.sql.gz"}},
		Rule{ID: "files.delete-data", Category: "files", Severity: High, Verdict: Pause,
			Description: "Deletes a database file (*.db, *.sqlite, Terraform state, a dump) or a data directory of the project (data/, db/), which git does not hold.",
			Examples:    []string{"rm -f app.db", "rm db.sqlite3", "rm -rf data/", "rm terraform.tfstate"}},
		Rule{ID: "files.delete-git", Category: "files", Severity: High, Verdict: Pause,
			Description: "Deletes a repository's .git directory (or its objects and refs): its whole history, including what was never pushed.",
			Examples:    []string{"rm -rf .git", "rm -rf ../app/.git", "rm -rf .git/refs"}},
		Rule{ID: "files.delete-keys", Category: "files", Severity: High, Verdict: Pause,
			Description: "Deletes key material: ~/.ssh, ~/.gnupg, cloud credentials, private keys and certificates.",
			Examples:    []string{"rm -rf ~/.ssh", "rm ~/.ssh/id_ed25519", "rm -f server.key", "rm -rf ~/.aws"}},
		Rule{ID: "files.delete-cwd", Category: "files", Severity: High, Verdict: Pause,
			Description: "Recursively deletes everything in the current or parent directory (rm -rf *, rm -rf ., rm -rf ..) without saying which directory that is.",
			Examples:    []string{"rm -rf *", "rm -rf .", "rm -rf ./*", "rm -rf .*", "rm -rf ../"}},
		Rule{ID: "files.delete-unset-var", Category: "files", Severity: High, Verdict: Pause,
			Description: "Recursively deletes a path built from a variable the command did not set, which becomes / (or a system or home directory) if the variable is empty.",
			Examples:    []string{`rm -rf "$DIR/"*`, "rm -rf $BUILD_DIR/", `rm -rf "$PREFIX/lib"`}},
		Rule{ID: "files.delete-user-data", Category: "files", Severity: High, Verdict: Pause,
			Description: "Recursively deletes a directory outside the working directory that is not scratch space: a top-level directory in the home directory, a mounted volume, a sibling of the working directory.",
			Examples:    []string{"rm -rf ~/projects", "rm -rf /mnt/storage", "rm -rf ../other-service", "rm -rf ~/Downloads/*"}},
		Rule{ID: "files.delete-recursive", Category: "files", Severity: Medium, Verdict: Warn,
			Description: "Recursively deletes a directory in the working tree or elsewhere that is not known build output or scratch space; only what git holds can be restored.",
			Examples:    []string{"rm -r src/", "rm -rf legacy", `rm -rf "$TARGET"`, "git ls-files -o | xargs rm -rf"}},
		Rule{ID: "files.shred", Category: "files", Severity: Medium, Verdict: Warn,
			Description: "Overwrites a file's contents so that they cannot be recovered.",
			Examples:    []string{"shred -u notes.txt"}},
		Rule{ID: "files.truncate", Category: "files", Severity: High, Verdict: Pause,
			Description: "Truncates a file that holds data (a database, key material, a system file).",
			Examples:    []string{"truncate -s 0 app.db", "truncate --size=0 /etc/shadow"}},
		Rule{ID: "files.rsync-delete", Category: "files", Severity: High, Verdict: Pause,
			Description: "rsync with --delete (or --remove-source-files) to a destination that matters: a remote host, a system, home or data directory, the current directory.",
			Examples:    []string{"rsync -a --delete ./dist/ deploy@web1:/var/www/html/", "rsync -av --delete empty/ /srv/data/"}},
		Rule{ID: "files.rsync-delete-local", Category: "files", Severity: Medium, Verdict: Warn,
			Description: "rsync with --delete into a directory of the working tree: files there that the source lacks are deleted.",
			Examples:    []string{"rsync -a --delete src/ mirror/"}},
		Rule{ID: "files.mv-dev-null", Category: "files", Severity: High, Verdict: Pause,
			Description: "Moves files onto /dev/null: they are gone, and as root /dev/null itself is replaced by a regular file.",
			Examples:    []string{"mv backups /dev/null", "sudo mv app.db /dev/null"}},
		Rule{ID: "files.move-system", Category: "files", Severity: High, Verdict: Pause,
			Description: "Moves away /, a home directory, a top-level system directory or a database's data directory.",
			Examples:    []string{"sudo mv /etc /tmp/etc.old", "mv /var/lib/postgresql /tmp/"}},
		Rule{ID: "files.overwrite-data", Category: "files", Severity: High, Verdict: Pause,
			Description: "Replaces a database file, key or system file with another file (mv, cp, dd of=): its current contents are lost.",
			Examples:    []string{"mv app.db.new app.db", "cp /dev/null prod.sqlite3", "dd if=/dev/zero of=app.db bs=1M count=1"}},
		Rule{ID: "files.disk-overwrite", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Writes directly onto a disk or partition device (dd of=/dev/sdX, cp to a device, shred of a device), destroying its file systems.",
			Examples:    []string{"dd if=/dev/zero of=/dev/sda bs=1M", "sudo dd if=ubuntu.iso of=/dev/disk2", "shred -n 1 /dev/nvme0n1"}},
		Rule{ID: "files.disk-wipe", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Erases a device's signatures or discards all its blocks (wipefs -a, blkdiscard, sgdisk --zap-all).",
			Examples:    []string{"wipefs -a /dev/sdb", "blkdiscard /dev/nvme1n1", "sgdisk --zap-all /dev/sdc"}},
		Rule{ID: "files.format", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Creates a new file system (or swap) on a device, destroying what was on it.",
			Examples:    []string{"mkfs.ext4 /dev/sdb1", "sudo mkfs -t xfs /dev/nvme1n1", "mkswap /dev/sda2"}},
		Rule{ID: "files.partition", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Changes a disk's partition table (fdisk, sfdisk, parted, gdisk writes).",
			Examples:    []string{"parted -s /dev/sdb mklabel gpt", "sfdisk /dev/sdb < layout.sfdisk", "sfdisk --delete /dev/sda 2", "fdisk /dev/sdb"}},
		Rule{ID: "files.volume-destroy", Category: "files", Severity: Critical, Verdict: Pause,
			Description: "Destroys a ZFS pool, dataset or snapshot, an LVM volume or group, or a LUKS header.",
			Examples:    []string{"zfs destroy -r tank/data", "zpool destroy tank", "lvremove -f /dev/vg0/data", "cryptsetup erase /dev/sdb"}},
		Rule{ID: "files.permissions-broad", Category: "files", Severity: High, Verdict: Pause,
			Description: "Changes permissions or ownership recursively on /, a system directory or a home directory, or opens up files the system's security depends on.",
			Examples:    []string{"chmod -R 777 /", "sudo chown -R nobody:nogroup /etc", "chmod 777 -R ~", "chmod 666 /etc/shadow"}},
		Rule{ID: "files.permissions-open", Category: "files", Severity: Low, Verdict: Warn,
			Description: "Makes a whole tree world-writable (or unreadable) with chmod -R 777 / 000.",
			Examples:    []string{"chmod -R 777 ."}},
	)
	handle(analyseRm, "rm", "srm")
	handle(analyseUnlink, "unlink")
	handle(analyseShred, "shred")
	handle(analyseTruncate, "truncate")
	handle(analyseFind, "find")
	handle(analyseRsync, "rsync")
	handle(analyseMv, "mv")
	handle(analyseCp, "cp")
	handle(analyseDd, "dd")
	handle(analyseTee, "tee")
	handle(analyseMkfs, "mkfs", "mkfs.ext2", "mkfs.ext3", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "mkfs.vfat", "mkfs.fat",
		"mkfs.msdos", "mkfs.ntfs", "mkfs.exfat", "mkfs.f2fs", "mkfs.jfs", "mkfs.reiserfs", "mkfs.minix", "mkfs.bfs",
		"mke2fs", "mkntfs", "mkdosfs", "mkexfatfs", "mkswap", "newfs", "newfs_apfs", "newfs_hfs")
	handle(analyseWipefs, "wipefs")
	handle(analyseBlkdiscard, "blkdiscard")
	handle(analysePartition, "fdisk", "sfdisk", "parted", "gdisk", "sgdisk", "cfdisk", "cgdisk")
	handle(analyseVolume, "zfs", "zpool", "lvremove", "vgremove", "pvremove", "cryptsetup")
	handle(analyseChmod, "chmod", "chown", "chgrp")
}

// ---------------------------------------------------------------------
// What a path argument may be at run time.

// pathView is a path argument as it may be at run time. full has unknown
// where a part is not knowable; empty is the same with every part that may
// expand to nothing removed (equal to full when there is none).
type pathView struct {
	full, empty string
	mayEmpty    bool
	names       []string // how the unknown parts are written: $DIR, $(cmd)
	stdin       bool     // xargs: the paths come from stdin
}

// tempEnv are variables naming scratch space, which may still be unset.
var tempEnv = map[string]bool{"TMPDIR": true, "TMP": true, "TEMP": true, "TEMPDIR": true, "RUNNER_TEMP": true}

// viewOf expands a path argument: known values as they are, unknown ones
// by reading how they were written.
func viewOf(inv *Invocation, a Arg, ex *expander) pathView {
	if a.Known() {
		return pathView{full: a.Value, empty: a.Value}
	}
	if a.Value == unknown && strings.HasPrefix(a.Raw, "(") {
		return pathView{full: unknown, empty: unknown, stdin: true, names: []string{"the paths it reads from stdin"}}
	}
	if a.Raw == "" || strings.Count(a.Raw, unknown) > 0 && a.Raw == a.Value {
		// A value built at an outer level: only its shape is known.
		v := pathView{full: a.Value, empty: strings.ReplaceAll(a.Value, unknown, ""), mayEmpty: true}
		v.names = []string{"a value only known at run time"}
		return v
	}
	return ex.expand(a.Raw)
}

// expander expands the variables of words the way the shell would, as far
// as the command itself tells: $HOME is ~, $TMPDIR is /tmp (or empty), a
// variable assigned from mktemp is a fresh temporary path, and any other
// unset variable is unknown and may be empty.
type expander struct {
	ws     *words
	src    string // the whole command
	mk     map[string]bool
	mkDone bool
}

var (
	mktempAssignRe = lazyRegexp(`(?:^|[\s;&|({])(?:(?:local|export|readonly|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)=["']?(?:\$\(|` + "`" + `)\s*(?:command\s+)?mktemp\b`)
	assignRe       = lazyRegexp(`(?:^|[\s;&|({])(?:(?:local|export|readonly|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)=`)
	readForRe      = lazyRegexp(`\b(?:for|read(?:\s+-\w+)*)\s+([A-Za-z_][A-Za-z0-9_]*)`)
)

func newExpander(inv *Invocation) *expander {
	ex := &expander{ws: inv.ws}
	if inv.w != nil {
		ex.src = inv.w.src
	}
	return ex
}

// mktempVar reports whether every assignment the command makes to name is
// from mktemp (f=$(mktemp); ...; rm -f "$f").
func (ex *expander) mktempVar(name string) bool {
	if !ex.mkDone {
		ex.mkDone = true
		text := ""
		if ex.ws != nil {
			text = ex.ws.text
		}
		if ex.src != "" && ex.src != text {
			// A string handed to sh -c or trap sees the variables of the
			// command around it.
			text = ex.src + "\n" + text
		}
		if strings.Contains(text, "mktemp") {
			mk := map[string]int{}
			for _, m := range mktempAssignRe.FindAllStringSubmatch(text, -1) {
				mk[m[1]]++
			}
			all := map[string]int{}
			for _, m := range assignRe.FindAllStringSubmatch(text, -1) {
				all[m[1]]++
			}
			for _, m := range readForRe.FindAllStringSubmatch(text, -1) {
				all[m[1]]++
			}
			ex.mk = map[string]bool{}
			for n, c := range mk {
				if all[n] == c {
					ex.mk[n] = true
				}
			}
		}
	}
	return ex.mk[name]
}

func (ex *expander) vars() map[string]string {
	if ex.ws == nil {
		return nil
	}
	return ex.ws.vars
}

// expand reads a word as written and builds its two views.
func (ex *expander) expand(raw string) pathView {
	var full, empty strings.Builder
	v := pathView{}
	add := func(f, e string) { full.WriteString(f); empty.WriteString(e) }
	unk := func(name string, mayEmpty bool) {
		full.WriteString(unknown)
		if mayEmpty {
			v.mayEmpty = true
		} else {
			empty.WriteString(unknown)
		}
		if name != "" {
			v.names = append(v.names, name)
		}
	}
	inDouble := false
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case strings.HasPrefix(raw[i:], unknown):
			unk("a value only known at run time", true)
			i += len(unknown)
		case c == '\\':
			if i+1 < len(raw) && (!inDouble || strings.IndexByte("$`\"\\\n", raw[i+1]) >= 0) {
				if raw[i+1] != '\n' {
					add(raw[i+1:i+2], raw[i+1:i+2])
				}
				i += 2
				continue
			}
			add(`\`, `\`)
			i++
		case c == '\'' && !inDouble:
			j := strings.IndexByte(raw[i+1:], '\'')
			if j < 0 {
				add(raw[i+1:], raw[i+1:])
				i = len(raw)
				continue
			}
			add(raw[i+1:i+1+j], raw[i+1:i+1+j])
			i += j + 2
		case c == '"':
			inDouble = !inDouble
			i++
		case c == '`':
			j := i + 1
			for j < len(raw) && raw[j] != '`' {
				if raw[j] == '\\' {
					j++
				}
				j++
			}
			ex.subst(raw[i+1:min(j, len(raw))], add, unk)
			i = j + 1
		case c == '$' && i+1 < len(raw):
			i = ex.dollar(raw, i, inDouble, add, unk, &v)
		default:
			add(raw[i:i+1], raw[i:i+1])
			i++
		}
	}
	v.full, v.empty = full.String(), empty.String()
	return v
}

// closing finds the index of the bracket closing the one at raw[i].
func closing(raw string, i int, open, close byte) int {
	depth := 0
	var quote byte
	for j := i; j < len(raw); j++ {
		c := raw[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				j++
			}
		case c == '\\':
			j++
		case c == '\'' || c == '"':
			quote = c
		case c == open:
			depth++
		case c == close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(raw)
}

func (ex *expander) dollar(raw string, i int, inDouble bool, add func(f, e string), unk func(string, bool), v *pathView) int {
	n := raw[i+1]
	switch {
	case n == '\'' && !inDouble:
		j := i + 2
		for j < len(raw) && raw[j] != '\'' {
			if raw[j] == '\\' {
				j++
			}
			j++
		}
		s := decodeANSIC(raw[i+2 : min(j, len(raw))])
		add(s, s)
		return j + 1
	case n == '(' && i+2 < len(raw) && raw[i+2] == '(':
		j := closing(raw, i+1, '(', ')')
		unk("", false) // arithmetic: a number
		return j + 1
	case n == '(':
		j := closing(raw, i+1, '(', ')')
		ex.subst(raw[i+2:min(j, len(raw))], add, unk)
		return j + 1
	case n == '{':
		j := closing(raw, i+1, '{', '}')
		ex.param(raw[i+2:min(j, len(raw))], add, unk, v)
		return j + 1
	case n == '_' || n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z':
		j := i + 1
		for j < len(raw) && (raw[j] == '_' || raw[j] >= 'a' && raw[j] <= 'z' || raw[j] >= 'A' && raw[j] <= 'Z' || raw[j] >= '0' && raw[j] <= '9') {
			j++
		}
		ex.param(raw[i+1:j], add, unk, v)
		return j
	case n >= '0' && n <= '9' || n == '@' || n == '*':
		unk("$"+string(n), true)
		return i + 2
	case n == '$' || n == '!' || n == '?' || n == '#' || n == '-':
		unk("", false)
		return i + 2
	}
	add("$", "$")
	return i + 1
}

// param expands the inside of ${...} (or a bare $NAME).
func (ex *expander) param(inner string, add func(f, e string), unk func(string, bool), v *pathView) {
	display := "${" + inner + "}"
	if strings.HasPrefix(inner, "#") && len(inner) > 1 {
		unk("", false) // a length
		return
	}
	if strings.HasPrefix(inner, "!") {
		unk(display, true)
		return
	}
	j := 0
	for j < len(inner) && (inner[j] == '_' || inner[j] >= 'a' && inner[j] <= 'z' || inner[j] >= 'A' && inner[j] <= 'Z' || j > 0 && inner[j] >= '0' && inner[j] <= '9') {
		j++
	}
	if j == 0 {
		unk(display, true)
		return
	}
	name, op := inner[:j], inner[j:]
	if op == "" {
		display = "$" + name
	}
	val, known := ex.vars()[name]
	switch {
	case op == "":
		if known {
			add(val, val)
			return
		}
		ex.base(name, display, add, unk, v)
	case strings.HasPrefix(op, ":-") || strings.HasPrefix(op, "-") || strings.HasPrefix(op, ":=") || strings.HasPrefix(op, "="):
		word := strings.TrimPrefix(op[1:], "-")
		word = strings.TrimPrefix(word, "=")
		if op[0] == ':' {
			word = op[2:]
		}
		if known && (val != "" || op[0] != ':') {
			add(val, val)
			return
		}
		if name == "HOME" {
			add("~", "~")
			return
		}
		d := ex.expand(word)
		if d.mayEmpty {
			v.mayEmpty = true
		}
		v.names = append(v.names, d.names...)
		add(d.full, d.empty)
	case strings.HasPrefix(op, ":?") || strings.HasPrefix(op, "?"):
		// ${DIR:?}: the shell stops if it is unset or empty.
		if known {
			add(val, val)
			return
		}
		if name == "HOME" {
			add("~", "~")
			return
		}
		unk(display, false)
	case strings.HasPrefix(op, ":+") || strings.HasPrefix(op, "+"):
		unk(display, true)
	default:
		// ${X%/}, ${X#...}, ${X/a/b}, ${X:0:3}, ${X^^}: derived from X.
		if name == "HOME" {
			add("~", "~")
			return
		}
		unk(display, true)
	}
}

func (ex *expander) base(name, display string, add func(f, e string), unk func(string, bool), v *pathView) {
	switch {
	case name == "HOME":
		add("~", "~")
	case name == "PWD":
		add(".", ".")
	case name == "XDG_CACHE_HOME":
		add("~/.cache", "~/.cache")
	case ex.mktempVar(name):
		add("/tmp/tmp.mktemp", "/tmp/tmp.mktemp")
	case tempEnv[name]:
		add("/tmp", "")
		v.mayEmpty = true
		v.names = append(v.names, display)
	default:
		unk(display, true)
	}
}

// subst is a command substitution $(...): mktemp makes a fresh temporary
// path, pwd and git rev-parse --show-toplevel name the working directory.
func (ex *expander) subst(inner string, add func(f, e string), unk func(string, bool)) {
	t := strings.TrimSpace(inner)
	f := strings.Fields(t)
	switch {
	case len(f) > 0 && programName(f[0]) == "mktemp":
		add("/tmp/tmp.mktemp", "/tmp/tmp.mktemp")
	case t == "pwd" || t == "pwd -P" || t == "pwd -L" || strings.HasPrefix(t, "git rev-parse --show-toplevel"):
		add(".", ".")
	default:
		unk("$("+abbrev(t, 40)+")", true)
	}
}

// ---------------------------------------------------------------------
// What a path is.

type class int

const (
	clScratch     class = iota // build output, caches, temporary files: fine to delete
	clPlain                    // a path in the working tree
	clUnknown                  // only known at run time
	clOutside                  // deeper somewhere else on the machine
	clTempRoot                 // /tmp itself
	clGitInternal              // inside .git, not its history
	clUserData                 // a home-level directory, a mounted volume, a sibling of the working directory
	clCwd                      // the current or parent directory
	clGit
	clKeys
	clData
	clSystem
	clDatabase
	clBackups
	clHome
	clRoot
)

// target is a classified path.
type target struct {
	cls       class
	what      string // what it is, for the reason
	fileMatch bool   // decided by the file's own name (app.db), not by a directory
	contents  bool   // "everything in" the path (dir/*)
	glob      bool   // the last component is a glob
	path      string // cleaned, ~ as /home/~
	depth     int    // components of an absolute path
}

var (
	scratchDirs = setOf("node_modules", "dist", "build", "target", "out", ".cache", "cache", "__pycache__", "coverage",
		".next", ".nuxt", ".turbo", ".parcel-cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox",
		".venv", "venv", ".gradle", ".svelte-kit", ".angular", ".expo", ".output", ".eggs", "htmlcov", ".nyc_output",
		"tmp", "temp", ".tmp", ".temp", ".sass-cache", ".vite", ".webpack", ".docusaurus", "storybook-static",
		"bower_components", "_build", ".dart_tool", ".stack-work", "dist-newstyle", ".terraform", "cdk.out",
		".aws-sam", ".serverless", "_site", ".pnpm-store", "DerivedData", ".build", "zig-cache", "zig-out",
		".zig-cache", "elm-stuff", "test-results", "playwright-report", "blob-report", "logs", "log", ".hypothesis",
		"CMakeFiles", "Pods", ".vercel", "__snapshots__.orig", "lib-cov", ".eslintcache", ".jest-cache", ".bundle",
		".ipynb_checkpoints", ".pyre", ".pytype", "pip-wheel-metadata", "bazel-out", "bazel-bin", "bazel-testlogs")
	scratchFileSuffixes = []string{".log", ".pyc", ".pyo", ".o", ".obj", ".class", ".tmp", ".temp", ".swp", ".swo",
		".orig", ".rej", ".tsbuildinfo", ".pid", ".gcda", ".gcno", ".lock", "~", ".log.gz", ".out", ".cache",
		".egg-info", ".d.ts.map", ".js.map", ".css.map", ".profraw", ".prof", ".trace"}
	scratchFiles = setOf(".DS_Store", "Thumbs.db", "desktop.ini", ".coverage", ".eslintcache", "nohup.out",
		".stylelintcache", "npm-debug.log", "yarn-error.log", "core", "package-lock.json", "pnpm-lock.yaml",
		"yarn.lock", "Gemfile.lock", "poetry.lock", "composer.lock", "Cargo.lock", "go.sum", "bun.lockb", "uv.lock")
	// Data directories at the top of a project (data/, db/) or anywhere in an
	// absolute path.
	dataDirNames = setOf("data", "db", "database", "databases", "datastore", "uploads", "volumes", ".data", "docker-data", "db-volumes")
	dbEngines    = setOf("postgres", "postgresql", "pg", "mysql", "mariadb", "mongo", "mongodb", "redis", "elasticsearch",
		"opensearch", "clickhouse", "minio", "cassandra", "neo4j", "influxdb", "etcd", "couchdb", "rabbitmq", "kafka", "sqlserver", "mssql")
	// Directories that are a database's own files wherever they are.
	dbDirNames = setOf("pgdata", "pg_data", "postgres-data", "postgres_data", "postgresql-data", "mysql-data",
		"mysql_data", "mariadb-data", "mongo-data", "mongo_data", "mongodb-data", "mongodb_data", "redis-data",
		"redis_data", "db-data", "db_data", "dbdata", "es-data", "elasticsearch-data", "minio-data", "etcd-data",
		"clickhouse-data", "neo4j-data", "influxdb-data")
	backupNames  = setOf("backup", "backups", ".backup", ".backups", "bak", "snapshots", "dumps", "db-backups", "db_backups", "pg_backups", "mysql-backups")
	keyDirs      = setOf(".ssh", ".gnupg", ".password-store", ".aws", ".azure", ".kube", ".docker", ".gcloud", ".terraform.d", ".vault-token", ".netrc", ".pgpass", ".git-credentials", ".my.cnf")
	keyFiles     = setOf("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", ".netrc", ".pgpass", ".git-credentials", "credentials", ".vault-token", "authorized_keys", "master.key")
	keySuffixes  = []string{".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".kdbx", ".ppk", ".p8"}
	dataSuffixes = []string{".db", ".sqlite", ".sqlite3", ".db3", ".s3db", ".sl3", ".mdb", ".accdb", ".frm", ".ibd", ".myd",
		".myi", ".rdb", ".aof", ".dump", ".pgdump", ".tfstate", ".tfstate.backup", ".mv.db", ".realm", ".fdb", "-wal", ".kdb", ".ldb"}
	homeCaches = []string{".cache", ".npm", ".pnpm-store", ".yarn/cache", ".yarn/berry/cache", ".cargo/registry", ".cargo/git",
		"go/pkg/mod", ".m2/repository", ".gradle/caches", ".gradle/wrapper/dists", "Library/Caches", "Library/Developer/Xcode/DerivedData",
		".local/share/Trash", ".Trash", ".bun/install/cache", ".nuget/packages", ".ivy2/cache", ".sbt/boot", ".composer/cache",
		".rustup/tmp", ".rustup/downloads", ".node-gyp", ".electron", ".pyenv/cache", ".conda/pkgs", ".tox", ".terraform.d/plugin-cache"}
	tempRoots = []string{"/tmp", "/var/tmp", "/private/tmp", "/private/var/tmp", "/dev/shm", "/var/folders", "/private/var/folders"}
	sysTop    = setOf("etc", "usr", "var", "boot", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt", "srv", "proc",
		"sys", "dev", "snap", "System", "Library", "Applications", "private", "nix", "run", "efi")
	mountTop       = setOf("mnt", "media", "Volumes")
	usrLocalSystem = setOf("bin", "sbin", "lib", "lib64", "etc", "var", "share", "include", "libexec")
)

// dbServerDirs are the data directories of database servers and container
// runtimes, with what they hold.
var dbServerDirs = []struct{ dir, what string }{
	{"/var/lib/postgresql", "the data directory of a PostgreSQL server"},
	{"/var/lib/pgsql", "the data directory of a PostgreSQL server"},
	{"/var/lib/postgres", "the data directory of a PostgreSQL server"},
	{"/var/lib/mysql", "the data directory of a MySQL server"},
	{"/var/lib/mariadb", "the data directory of a MariaDB server"},
	{"/var/lib/mongodb", "the data directory of a MongoDB server"},
	{"/var/lib/mongo", "the data directory of a MongoDB server"},
	{"/var/lib/redis", "the data directory of a Redis server"},
	{"/var/lib/valkey", "the data directory of a Valkey server"},
	{"/var/lib/docker/volumes", "Docker's named volumes, where containerised databases keep their data"},
	{"/var/lib/docker", "Docker's images, containers and volumes"},
	{"/var/lib/containerd", "containerd's images and container state"},
	{"/var/lib/containers", "Podman's images, containers and volumes"},
	{"/var/lib/elasticsearch", "the data directory of an Elasticsearch node"},
	{"/var/lib/opensearch", "the data directory of an OpenSearch node"},
	{"/var/lib/cassandra", "the data directory of a Cassandra node"},
	{"/var/lib/scylla", "the data directory of a ScyllaDB node"},
	{"/var/lib/clickhouse", "the data directory of a ClickHouse server"},
	{"/var/lib/etcd", "the data directory of etcd (a Kubernetes cluster's whole state)"},
	{"/var/lib/influxdb", "the data directory of InfluxDB"},
	{"/var/lib/rabbitmq", "RabbitMQ's queues and messages"},
	{"/var/lib/kafka", "Kafka's logs (its messages)"},
	{"/var/lib/zookeeper", "ZooKeeper's data"},
	{"/var/lib/minio", "the objects stored in MinIO"},
	{"/var/lib/neo4j", "the data directory of Neo4j"},
	{"/var/lib/couchdb", "the data directory of CouchDB"},
	{"/var/lib/cockroach", "the data directory of CockroachDB"},
	{"/var/lib/qdrant", "Qdrant's collections"},
	{"/var/lib/meilisearch", "Meilisearch's indexes"},
	{"/var/lib/ceph", "a Ceph node's data"},
	{"/var/lib/longhorn", "Longhorn's volume replicas"},
	{"/var/lib/kubelet", "the kubelet's pod volumes"},
	{"/var/lib/rancher", "Rancher/k3s state and volumes"},
	{"/var/lib/libvirt", "libvirt's virtual machine disks"},
	{"/var/lib/lxd", "LXD's containers and volumes"},
	{"/var/lib/prometheus", "Prometheus's metrics"},
	{"/var/lib/grafana", "Grafana's dashboards and database"},
	{"/var/opt/mssql", "the data directory of SQL Server"},
	{"/usr/local/var/postgres", "the data directory of a Homebrew PostgreSQL"},
	{"/usr/local/var/postgresql", "the data directory of a Homebrew PostgreSQL"},
	{"/usr/local/var/mysql", "the data directory of a Homebrew MySQL"},
	{"/usr/local/var/mongodb", "the data directory of a Homebrew MongoDB"},
	{"/opt/homebrew/var/postgres", "the data directory of a Homebrew PostgreSQL"},
	{"/opt/homebrew/var/postgresql", "the data directory of a Homebrew PostgreSQL"},
	{"/opt/homebrew/var/mysql", "the data directory of a Homebrew MySQL"},
	{"/opt/homebrew/var/mongodb", "the data directory of a Homebrew MongoDB"},
}

var keyPrefixes = []string{"/etc/ssh", "/etc/ssl/private", "/etc/letsencrypt", "/etc/pki", "/etc/kubernetes/pki", "/etc/wireguard", "/etc/ipsec.d"}

// criticalFiles are single files without which the system breaks or
// nobody can log in.
var criticalFiles = setOf("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers", "/etc/fstab",
	"/etc/hosts", "/etc/resolv.conf", "/etc/crypttab", "/etc/pam.d", "/etc/nsswitch.conf", "/etc/ld.so.cache",
	"/etc/ld.so.conf", "/etc/os-release", "/etc/inittab", "/etc/login.defs", "/etc/machine-id", "/etc/hostname")

var systemWhat = map[string]string{
	"etc":  "the system's configuration; the machine may not boot or let anyone log in afterwards",
	"usr":  "the system's programs and libraries; nothing will run afterwards",
	"bin":  "the system's programs; nothing will run afterwards",
	"sbin": "the system's programs; nothing will run afterwards",
	"lib":  "the system's libraries; nothing will run afterwards",
	"boot": "the kernel and boot loader; the machine will not boot again",
	"var":  "the system's state: logs, package databases, mail, service data",
	"opt":  "installed software and often its data",
	"srv":  "data the machine serves",
	"home": "every user's home directory",
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func hasSuffixAny(s string, suffixes []string) string {
	ls := strings.ToLower(s)
	for _, x := range suffixes {
		if strings.HasSuffix(ls, x) && len(ls) > len(x) {
			return x
		}
	}
	return ""
}

// isGlobAll reports whether a path component matches everything in its
// directory (*, .*, *.*, **, .[!.]*).
func isGlobAll(seg string) bool {
	if !strings.ContainsAny(seg, "*?") {
		return false
	}
	var b strings.Builder
	for i := 0; i < len(seg); i++ {
		if seg[i] == '[' {
			if j := strings.IndexByte(seg[i:], ']'); j > 0 {
				i += j
				continue
			}
		}
		b.WriteByte(seg[i])
	}
	return strings.Trim(b.String(), "*?.") == ""
}

// classify says what a path (a view of an argument) is.
func classify(p string) target {
	var t target
	if p == "" {
		return target{cls: clScratch}
	}
	for len(p) > 1 && strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	dir, last := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, last = p[:i], p[i+1:]
		if i == 0 {
			dir = "/"
		}
	}
	if isGlobAll(last) {
		t.contents = true
		p = dir
		if p == "" {
			p = "."
		}
	} else {
		t.glob = strings.ContainsAny(last, "*?[")
	}
	switch {
	case p == "~" || strings.HasPrefix(p, "~/"):
		p = "/home/~" + p[1:]
	case strings.HasPrefix(p, "~"):
		p = "/home/" + p[1:]
	}
	p = path.Clean(p)
	t.path = p
	if strings.HasPrefix(p, "/") {
		return classifyAbs(t, p)
	}
	return classifyRel(t, p)
}

func classifyAbs(t target, p string) target {
	if p == "/" {
		t.cls = clRoot
		return t
	}
	// The host's root mounted into a container (docker run -v /:/host):
	// /host/var/lib/postgresql is /var/lib/postgresql.
	for _, m := range []string{"/host", "/rootfs", "/mnt/host", "/hostroot"} {
		if strings.HasPrefix(p, m+"/") && len(p) > len(m)+1 {
			return classifyAbs(t, p[len(m):])
		}
	}
	segs := strings.Split(p[1:], "/")
	t.depth = len(segs)
	for _, r := range tempRoots {
		if p == r {
			t.cls = clTempRoot
			if t.contents {
				t.cls = clScratch
			}
			return t
		}
		if strings.HasPrefix(p, r+"/") {
			t.cls = clScratch
			return t
		}
	}
	switch {
	case segs[0] == "home" || segs[0] == "Users":
		if len(segs) == 1 {
			t.cls, t.what = clHome, "every user's home directory"
			return t
		}
		return classifyHome(t, segs[2:])
	case segs[0] == "root":
		return classifyHome(t, segs[1:])
	}
	for _, d := range dbServerDirs {
		if p == d.dir || strings.HasPrefix(p, d.dir+"/") || strings.HasSuffix(d.dir, "postgresql") && strings.HasPrefix(p, d.dir+"@") {
			t.cls, t.what = clDatabase, d.what
			return t
		}
	}
	for _, k := range keyPrefixes {
		if p == k || strings.HasPrefix(p, k+"/") {
			t.cls, t.what = clKeys, "key material (host keys, TLS private keys)"
			return t
		}
	}
	if p == "/var/backups" || strings.HasPrefix(p, "/var/backups/") {
		t.cls, t.what = clBackups, "the system's backups"
		return t
	}
	if sysTop[segs[0]] {
		switch {
		case strings.HasPrefix(p, "/var/cache/") || p == "/var/cache" && t.contents,
			p == "/var/lib/apt/lists" || strings.HasPrefix(p, "/var/lib/apt/lists/"),
			strings.HasPrefix(p, "/var/log/") && len(segs) > 2 && (t.glob || hasSuffixAny(segs[len(segs)-1], []string{".log", ".gz", ".old", ".1", ".2", ".journal", ".xz"}) != ""):
			t.cls = clScratch
			return t
		case p == "/var/log":
			t.cls, t.what = clSystem, "the system's logs, its audit trail included"
			return t
		case strings.HasPrefix(p, "/var/log/"):
			t.cls, t.what = clOutside, "logs"
			return t
		case len(segs) >= 3 && segs[0] == "usr" && segs[1] == "local" && !usrLocalSystem[segs[2]],
			len(segs) >= 4 && segs[0] == "usr" && segs[1] == "local" && segs[2] != "var" && segs[2] != "etc":
			// /usr/local/go, /usr/local/bin/node: software installed by
			// hand, reinstallable.
			if g, ok := generic(t, segs, true); ok && g.cls == clScratch {
				return g
			}
			t.cls, t.what = clOutside, "software installed by hand under /usr/local"
			return t
		}
		if g, ok := generic(t, segs, true); ok && (g.cls != clData || g.fileMatch) {
			return g
		}
		t.cls = clSystem
		t.what = systemWhat[segs[0]]
		if t.what == "" || len(segs) > 1 {
			t.what = "a directory the operating system or its services need"
			if segs[0] == "etc" {
				t.what = "system configuration"
			}
		}
		return t
	}
	if g, ok := generic(t, segs, true); ok {
		return g
	}
	if mountTop[segs[0]] && len(segs) <= 2 {
		t.cls, t.what = clUserData, "a mounted volume, outside the working directory"
		return t
	}
	if len(segs) == 1 {
		if t.glob {
			t.cls, t.what = clSystem, "every top-level directory matching "+segs[0]+", system directories included"
			return t
		}
		t.cls, t.what = clUserData, "a top-level directory of the machine, outside the working directory"
		return t
	}
	t.cls, t.what = clOutside, "outside the working directory"
	return t
}

// classifyHome classifies a path inside a home directory (rest is what
// follows /home/x).
func classifyHome(t target, rest []string) target {
	if len(rest) == 0 {
		t.cls, t.what = clHome, "a home directory: the user's projects, keys and configuration, most of which no git remote holds"
		return t
	}
	sub := strings.Join(rest, "/")
	if rest[0] == ".ssh" && len(rest) > 1 {
		if l := rest[len(rest)-1]; strings.HasPrefix(l, "known_hosts") || l == "config" || strings.HasSuffix(l, ".pub") {
			t.cls = clScratch
			return t
		}
	}
	if keyDirs[rest[0]] || rest[0] == ".config" && len(rest) > 1 && (rest[1] == "gcloud" || rest[1] == "gh" || rest[1] == "op") {
		t.cls, t.what = clKeys, "key material and credentials"
		t.fileMatch = len(rest) > 1 && !t.contents && !t.glob
		return t
	}
	for _, c := range homeCaches {
		if sub == c || strings.HasPrefix(sub, c+"/") {
			t.cls = clScratch
			return t
		}
	}
	if g, ok := generic(t, rest, true); ok {
		return g
	}
	// ~/code/api, ~/Documents: the user's own files, outside the working
	// directory and usually in no git remote.
	t.cls, t.what = clUserData, "a directory in the home directory, outside the working directory"
	return t
}

func classifyRel(t target, p string) target {
	if p == "." {
		t.cls, t.what = clCwd, "the current directory"
		return t
	}
	segs := strings.Split(p, "/")
	up := 0
	for up < len(segs) && segs[up] == ".." {
		up++
	}
	if up == len(segs) {
		t.cls, t.what = clCwd, "the parent directory"
		return t
	}
	if up > 0 {
		if g, ok := generic(t, segs[up:], true); ok {
			return g
		}
		t.cls, t.what = clUserData, "outside the working directory"
		return t
	}
	first := segs[0]
	if backupNames[first] {
		t.cls, t.what = clBackups, "backups"
		t.fileMatch = len(segs) > 1 && strings.Contains(segs[len(segs)-1], ".")
		return t
	}
	if dataDirNames[first] {
		if len(segs) == 1 {
			t.cls, t.what = clData, "a data directory git does not hold"
			return t
		}
		// Inside data/ or db/: a database engine's directory (a compose
		// volume: data/postgres) is its data; db/migrate is source code.
		if dbEngines[strings.ToLower(segs[1])] {
			t.cls, t.what = clDatabase, "a "+segs[1]+" database's files (a container volume)"
			return t
		}
		if g, ok := generic(t, segs[1:], false); ok {
			return g
		}
		t.cls = clPlain
		return t
	}
	if g, ok := generic(t, segs, false); ok {
		return g
	}
	if strings.Contains(first, unknown) {
		t.cls = clUnknown
		return t
	}
	t.cls = clPlain
	return t
}

// generic looks for components that decide what a path is wherever they
// appear: build output, .git, key material, database files, backups.
func generic(t target, segs []string, abs bool) (target, bool) {
	if len(segs) == 0 {
		return t, false
	}
	for i, s := range segs {
		last := i == len(segs)-1
		switch {
		case s == ".git":
			if last {
				t.cls, t.what = clGit, "the repository's whole history; commits, branches and stashes never pushed are gone"
				return t, true
			}
			next := segs[i+1]
			switch {
			case next == "objects" || next == "refs" || next == "logs" || next == "packed-refs" || next == "HEAD":
				t.cls, t.what = clGit, "the repository's objects and refs, its history"
			case strings.HasSuffix(next, ".lock") || strings.HasPrefix(next, "rebase-") || strings.HasSuffix(next, "_HEAD") ||
				next == "sequencer" || next == "gc.log" || next == "index" || next == "hooks" || next == "lfs" && i+2 < len(segs) && segs[i+2] == "tmp":
				t.cls = clScratch
			default:
				t.cls, t.what = clGitInternal, "part of the repository's internal state"
			}
			return t, true
		case scratchDirs[s] || strings.HasSuffix(s, ".egg-info") || strings.HasPrefix(s, "cmake-build-"):
			t.cls = clScratch
			return t, true
		case keyDirs[s] && (s == ".ssh" || s == ".gnupg" || s == ".password-store"):
			if l := segs[len(segs)-1]; !last && (strings.HasPrefix(l, "known_hosts") || l == "config" || strings.HasSuffix(l, ".pub")) {
				t.cls = clScratch
				return t, true
			}
			t.cls, t.what = clKeys, "key material"
			return t, true
		case dbDirNames[strings.ToLower(s)]:
			t.cls, t.what = clDatabase, "a database's data directory"
			return t, true
		case backupNames[strings.ToLower(s)] && (abs || i == 0):
			t.cls, t.what = clBackups, "backups"
			// A file in backups/ is a backup, deleted or truncated alone.
			t.fileMatch = t.fileMatch || !last && strings.Contains(segs[len(segs)-1], ".")
			return t, true
		case strings.HasSuffix(strings.ToLower(s), ".tfstate.d"):
			t.cls, t.what = clData, "Terraform state of every workspace; without it Terraform no longer knows which real infrastructure it manages"
			return t, true
		case abs && dataDirNames[s]:
			t.cls, t.what = clData, "a data directory"
			return t, true
		}
	}
	l := segs[len(segs)-1]
	ll := strings.ToLower(l)
	switch {
	case scratchFiles[l] || hasSuffixAny(l, scratchFileSuffixes) != "":
		t.cls = clScratch
		return t, true
	case keyFiles[l] || hasSuffixAny(l, keySuffixes) != "":
		t.cls, t.fileMatch = clKeys, true
		t.what = "key material"
		if keyFiles[l] || strings.HasPrefix(l, "id_") {
			t.what = "a private key or credentials file"
		} else {
			t.what = "a private key or certificate (" + hasSuffixAny(l, keySuffixes) + ")"
		}
		return t, true
	case (strings.Contains(ll, "backup") || strings.Contains(ll, "dump")) && (hasSuffixAny(ll, []string{".sql", ".sql.gz", ".sql.bz2", ".sql.xz", ".sql.zst", ".dump", ".bak", ".tar", ".tar.gz", ".tgz", ".zip", ".gz", ".archive", ".bson", ".rdb"}) != ""):
		t.cls, t.fileMatch, t.what = clBackups, true, "a backup"
		return t, true
	case hasSuffixAny(l, dataSuffixes) != "":
		t.cls, t.fileMatch = clData, true
		t.what = "a database file (" + hasSuffixAny(l, dataSuffixes) + "); it is not in git and cannot be restored"
		if strings.HasSuffix(ll, ".tfstate") || strings.HasSuffix(ll, ".tfstate.backup") {
			t.what = "Terraform state; without it Terraform no longer knows which real infrastructure it manages"
		}
		return t, true
	case strings.HasSuffix(ll, ".bak") && hasSuffixAny(strings.TrimSuffix(ll, ".bak"), append([]string{".sql"}, dataSuffixes...)) != "":
		t.cls, t.fileMatch, t.what = clBackups, true, "a backup of a database"
		return t, true
	}
	return t, false
}

// ---------------------------------------------------------------------
// Judging a delete.

// verdictFor maps a classified target to the rule it triggers, if any.
// recursive: the tool deletes directory trees.
func verdictFor(t target, recursive bool) string {
	tree := recursive || t.contents
	switch t.cls {
	case clRoot:
		if tree {
			return "files.delete-root"
		}
	case clHome:
		if tree {
			return "files.delete-home"
		}
	case clSystem:
		if tree || t.glob || criticalFiles[t.path] || strings.HasPrefix(t.path, "/etc/sudoers") || strings.HasPrefix(t.path, "/etc/pam.d") || strings.HasPrefix(t.path, "/boot/") {
			return "files.delete-system"
		}
		return "files.system-file"
	case clDatabase:
		return "files.delete-database"
	case clBackups:
		if tree || t.fileMatch || t.glob {
			return "files.delete-backups"
		}
	case clData:
		if tree || t.fileMatch {
			return "files.delete-data"
		}
	case clGit:
		if tree {
			return "files.delete-git"
		}
	case clKeys:
		if tree || t.fileMatch || t.glob || !recursive && t.path != "" && !isDirLike(t.path) {
			return "files.delete-keys"
		}
	case clCwd:
		if recursive {
			return "files.delete-cwd"
		}
		if t.contents {
			return "files.delete-recursive"
		}
	case clUserData:
		if tree {
			return "files.delete-user-data"
		}
	case clPlain:
		if recursive && !looksLikeFile(t.path) {
			return "files.delete-recursive"
		}
	case clUnknown, clOutside, clGitInternal:
		if recursive {
			return "files.delete-recursive"
		}
	case clTempRoot:
		if recursive {
			return "files.delete-recursive"
		}
	}
	return ""
}

// looksLikeFile reports whether a working-tree path names files (it has an
// extension: notes.txt, *.js), which rm -r deletes no differently from rm.
func looksLikeFile(p string) bool {
	b := path.Base(p)
	i := strings.LastIndexByte(b, '.')
	return i > 0 && i < len(b)-1 && !strings.Contains(b, unknown) && len(b)-i <= 6
}

// isDirLike reports whether a key path names one of the key directories
// themselves (~/.ssh), which a non-recursive rm cannot delete.
func isDirLike(p string) bool {
	return keyDirs[path.Base(p)] && path.Base(p) != ".netrc" && path.Base(p) != ".pgpass" && path.Base(p) != ".git-credentials" && path.Base(p) != ".my.cnf" && path.Base(p) != ".vault-token"
}

// rank orders rules so the worst view of a target wins.
var rank = map[string]int{
	"": 0, "files.delete-recursive": 1, "files.system-file": 2, "files.delete-user-data": 5, "files.delete-cwd": 5,
	"files.delete-git": 6, "files.delete-keys": 6, "files.delete-data": 6, "files.delete-system": 7,
	"files.delete-unset-var": 7, "files.delete-database": 8, "files.delete-backups": 8, "files.delete-home": 9,
	"files.delete-root": 10,
}

// strongUnset are the rules that an empty variable turning a path into
// something else justifies pausing for.
var strongUnset = setOf("files.delete-root", "files.delete-home", "files.delete-system", "files.delete-database",
	"files.delete-cwd", "files.delete-backups", "files.delete-keys")

// deletion is what a destructive tool does to one target.
type deletion struct {
	rule, reason, target string
	arg                  Arg
}

// judgeDelete decides about one path a tool deletes (verb: "deletes",
// "shreds", "empties"). recursive: whole trees go.
// contents: the tool deletes what is in the path, not the path itself
// (find's starting points).
func judgeDelete(inv *Invocation, a Arg, recursive, contents bool, verb string, ex *expander, cwd *cwdInfo) (deletion, bool) {
	v := viewOf(inv, a, ex)
	disp := displayOf(a)
	if v.stdin {
		disp = "the paths it reads from stdin"
	}
	if a.Known() && strings.Contains(disp, "..") && strings.HasPrefix(disp, "/") {
		disp += " (that is, " + path.Clean(disp) + ")"
	}
	if cwd != nil && cwd.fromCd && !strings.HasPrefix(v.full, "/") && !strings.HasPrefix(v.full, "~") && !v.stdin {
		disp = strings.TrimSuffix(cwd.dir, "/") + "/" + strings.TrimPrefix(disp, "./")
	}
	full, empty := cwd.resolve(v.full), cwd.resolve(v.empty)
	if contents {
		full, empty = full+"/*", empty+"/*"
		if v.empty == "" {
			// find "" searches nothing, but an unquoted empty $DIR leaves
			// find its default: the current directory.
			empty = full
			if !strings.ContainsAny(a.Raw, `"'`) {
				empty = "*"
			}
		}
		v.full = full
	}
	t := classify(full)
	if cwd.fromContext && !cwd.fromCd && t.cls == clCwd {
		// The agent's working directory is known: judge it by what it is.
		if wt := classify(path.Join(cwd.dir, strings.TrimPrefix(v.full, "./"))); wt.cls == clScratch {
			return deletion{}, false
		}
		t.what = "the working directory " + cwd.dir
	}
	rule := verdictFor(t, recursive)
	reason := deleteReason(t, rule, verb, disp, recursive, v)
	if v.mayEmpty && empty != full {
		et := classify(empty)
		if er := verdictFor(et, recursive); strongUnset[er] && rank[er] > rank[rule] {
			names := strings.Join(v.names, " or ")
			if names == "" {
				names = "a variable"
			}
			shown := empty
			if shown == "" {
				shown = "the current directory"
			}
			rule = "files.delete-unset-var"
			reason = verb + " " + disp + ", which is " + shown + " if " + names + " is empty or unset: " + shortWhat(et)
		}
	}
	if rule == "" {
		return deletion{}, false
	}
	tgt := disp
	if rule == "files.delete-recursive" && (t.cls == clPlain || t.cls == clUnknown || t.cls == clGitInternal) {
		// A path in the working tree: protected words in it (src/main)
		// name code, not production.
		tgt = ""
	}
	return deletion{rule: rule, reason: reason, target: tgt, arg: a}, true
}

// displayOf is an argument as the operator should read it: its value when
// known, else as written.
func displayOf(a Arg) string {
	if a.Known() {
		return a.Value
	}
	return a.Raw
}

// shortWhat is the consequence of deleting a target, for unset variables.
func shortWhat(t target) string {
	switch t.cls {
	case clRoot:
		return "every file on the machine"
	case clHome:
		if t.what == "every user's home directory" {
			return t.what
		}
		return "the whole home directory"
	case clCwd:
		return "everything in the current directory"
	}
	if t.what != "" {
		return t.what
	}
	return "a directory that matters"
}

func deleteReason(t target, rule, verb, disp string, recursive bool, v pathView) string {
	obj := disp
	switch {
	case t.contents && !strings.HasPrefix(disp, "the paths"):
		obj = "everything in " + disp
		if i := strings.LastIndexByte(disp, '/'); i > 0 && isGlobAll(disp[i+1:]) && !strings.ContainsAny(disp[:i], `"'$`+"`") {
			obj = "everything in " + disp[:i] + " (" + disp + ")"
		}
	case recursive && t.cls != clRoot:
		obj += " recursively"
	}
	switch rule {
	case "":
		return ""
	case "files.delete-root":
		return verb + " everything under / (" + disp + "): the operating system and every volume mounted on this machine, backups kept there included"
	case "files.delete-home":
		if t.what == "every user's home directory" {
			return verb + " " + obj + ", every user's home directory on this machine"
		}
		return verb + " " + obj + ", the home directory: the user's projects, keys and configuration, most of which no git remote holds"
	case "files.delete-cwd":
		if strings.HasPrefix(t.what, "the working directory") {
			return verb + " " + obj + ", everything in " + t.what + "; work not committed and pushed is lost"
		}
		if t.what == "the parent directory" {
			return verb + " " + obj + ", the parent directory and everything in it, outside the working directory"
		}
		return verb + " everything in the current directory (" + disp + "), and sentinel cannot tell which directory that is; work not committed and pushed is lost"
	case "files.delete-recursive":
		switch {
		case v.stdin:
			return verb + " " + disp + ", recursively; sentinel cannot see which paths those are"
		case t.cls == clUnknown || len(v.names) > 0 && strings.HasPrefix(t.path, unknown):
			if t.contents {
				return verb + " everything in whatever " + strings.Join(v.names, " and ") + " names (" + disp + "); sentinel cannot see its value"
			}
			return verb + " whatever " + strings.Join(v.names, " and ") + " names, recursively (" + disp + "); sentinel cannot see its value"
		case t.cls == clCwd:
			return verb + " every file in the current directory (" + disp + "); sentinel cannot tell which directory that is"
		case t.cls == clTempRoot:
			return verb + " " + disp + " itself, not just its contents; programs that keep sockets and locks there break until it is recreated"
		case t.cls == clOutside:
			return verb + " " + obj + ", " + t.what + "; it is in no git history sentinel knows of"
		case t.cls == clGitInternal:
			return verb + " " + obj + ", " + t.what
		}
		return verb + " " + obj + "; only what is committed to git can be restored"
	case "files.system-file":
		return verb + " " + disp + ", a file the operating system or a package owns"
	case "files.delete-system":
		if !recursive && !t.contents && !t.glob {
			return verb + " " + disp + ", a file the system needs to boot or to let anyone log in"
		}
		return verb + " " + obj + ", " + t.what
	case "files.delete-database":
		return verb + " " + obj + ", " + t.what + "; what it holds is gone unless a backup exists somewhere else"
	case "files.delete-backups":
		return verb + " " + obj + ", " + t.what + ": the copy you restore from when everything else is lost"
	case "files.delete-data":
		return verb + " " + obj + ", " + t.what
	case "files.delete-git":
		return verb + " " + obj + ", " + t.what
	case "files.delete-keys":
		return verb + " " + obj + ", " + t.what + "; whatever only these keys could open becomes unreachable"
	case "files.delete-user-data":
		return verb + " " + obj + ", " + t.what + "; nothing there is in this project's git history"
	}
	return verb + " " + obj
}

// ---------------------------------------------------------------------
// The working directory.

// cwdInfo is what is known of the directory a command runs in: from the
// context, and from a "cd DIR &&" just before it.
type cwdInfo struct {
	dir                 string
	fromContext, fromCd bool
	known               bool
}

// resolve makes a relative path absolute (or relative to a cd) when the
// directory is known.
func (c *cwdInfo) resolve(p string) string {
	if c == nil || !c.known || p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") {
		return p
	}
	if c.fromContext && !c.fromCd {
		// Kept relative: "." is judged as the working directory.
		return p
	}
	return c.dir + "/" + p
}

var cdRe = lazyRegexp(`^\s*(?:builtin\s+)?(?:cd|pushd)(?:\s+(?:-[PLe@]+\s+)*(.*?))?\s*$`)

// cwdOf works out the working directory of an invocation.
func cwdOf(inv *Invocation, ex *expander) *cwdInfo {
	c := &cwdInfo{}
	if inv.w != nil && inv.w.cwd != "" {
		c.dir, c.known, c.fromContext = path.Clean(inv.w.cwd), true, true
	}
	if d, ok := cdBefore(inv, ex); ok {
		switch {
		case strings.HasPrefix(d, "/") || strings.HasPrefix(d, "~"):
			c.dir = d
		case c.fromContext:
			c.dir = c.dir + "/" + d
		default:
			c.dir = d
		}
		c.known, c.fromCd = true, true
	}
	return c
}

// cdBefore finds "cd DIR &&" (possibly followed by more "... &&") right
// before the invocation, or "cd DIR || exit;": then the invocation only
// runs in DIR.
func cdBefore(inv *Invocation, ex *expander) (string, bool) {
	if inv.ws == nil || !inv.org.exact {
		return "", false
	}
	start := inv.Span.Start - inv.org.base
	if start <= 0 || start > len(inv.ws.text) {
		return "", false
	}
	pieces := splitOps(inv.ws.text[:start])
	if len(pieces) < 2 || strings.TrimSpace(pieces[len(pieces)-1].text) != "" {
		return "", false
	}
	for i := len(pieces) - 2; i >= 0; i-- {
		p := pieces[i]
		guarded := p.op == "&&"
		if !guarded && (p.op == ";" || p.op == "\n") && i > 0 && pieces[i-1].op == "||" {
			// cd DIR || exit 1; rm ...
			if f := strings.Fields(p.text); len(f) > 0 && (f[0] == "exit" || f[0] == "return") {
				i--
				p = pieces[i]
				guarded = true
			}
		}
		if !guarded {
			return "", false
		}
		m := cdRe.FindStringSubmatch(p.text)
		if m == nil {
			if f := strings.Fields(p.text); len(f) > 0 && (f[0] == "cd" || f[0] == "pushd") {
				return "", false
			}
			continue
		}
		arg := strings.TrimSpace(m[1])
		if arg == "" || arg == "~" {
			return "~", true
		}
		if arg == "-" || strings.ContainsAny(arg, " \t") && !strings.ContainsAny(arg, `"'\`) {
			return "", false
		}
		v := ex.expand(arg)
		if v.full == "" || strings.Contains(v.full, unknown) {
			return "", false
		}
		return path.Clean(v.full), true
	}
	return "", false
}

type opPiece struct{ text, op string }

// splitOps splits shell text at its operators, outside quotes.
func splitOps(text string) []opPiece {
	var out []opPiece
	start := 0
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			i++
		case c == '&' || c == '|':
			op := string(c)
			if i+1 < len(text) && text[i+1] == c {
				op += string(c)
			}
			out = append(out, opPiece{text[start:i], op})
			i += len(op) - 1
			start = i + 1
		case c == ';' || c == '\n' || c == '(' || c == ')' || c == '{' && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n'):
			out = append(out, opPiece{text[start:i], string(c)})
			start = i + 1
		}
	}
	return append(out, opPiece{text[start:], ""})
}

// ---------------------------------------------------------------------
// rm, unlink, shred, truncate.

// report flags each rule's deletions once, with the targets' spans.
func report(inv *Invocation, dels []deletion, extra ...Span) {
	var order []string
	groups := map[string][]deletion{}
	for _, d := range dels {
		if _, ok := groups[d.rule]; !ok {
			order = append(order, d.rule)
		}
		groups[d.rule] = append(groups[d.rule], d)
	}
	for _, r := range order {
		g := groups[r]
		spans := append([]Span{}, extra...)
		for _, d := range g {
			spans = append(spans, d.arg.Span)
		}
		reason := g[0].reason
		if len(g) == 2 {
			reason += " (and " + abbrev(displayOf(g[1].arg), 40) + ")"
		} else if len(g) > 2 {
			reason += " (and " + strconv.Itoa(len(g)-1) + " more like it)"
		}
		inv.Flag(r, g[0].target, reason, spans...)
	}
}

// findArg reports whether an argument is find's {} (the walker's -exec
// handling): the find analyser judges those.
func findArg(a Arg) bool {
	return strings.Contains(a.Raw, "{}") && strings.Contains(a.Value, unknown)
}

func analyseRm(inv *Invocation) {
	if inv.HasFlag("--help", "--version") {
		return
	}
	ri := inv.FlagIndex("-r", "-R", "--recursive")
	recursive := ri >= 0
	var extra []Span
	if ri >= 0 {
		extra = append(extra, inv.Args[ri].Span)
	}
	if i := inv.FlagIndex("--no-preserve-root"); i >= 0 {
		inv.Flag("files.no-preserve-root", "/", "passes --no-preserve-root, switching off rm's refusal to delete /; nothing but deleting / needs it", inv.Args[i].Span)
	}
	deleteTargets(inv, inv.Positional(), recursive, "deletes", extra)
}

func deleteTargets(inv *Invocation, args []Arg, recursive bool, verb string, extra []Span) {
	ex := newExpander(inv)
	var cwd *cwdInfo
	var dels []deletion
	for _, a := range args {
		if findArg(a) || a.Value == "" {
			continue
		}
		if cwd == nil {
			cwd = cwdOf(inv, ex)
		}
		if d, ok := judgeDelete(inv, a, recursive, false, verb, ex, cwd); ok {
			dels = append(dels, d)
		}
	}
	report(inv, dels, extra...)
}

func analyseUnlink(inv *Invocation) {
	deleteTargets(inv, inv.Positional(), false, "deletes", nil)
}

func analyseShred(inv *Invocation) {
	args := inv.Positional("-n", "--iterations", "-s", "--size", "--random-source")
	ex := newExpander(inv)
	var rest []Arg
	for _, a := range args {
		if findArg(a) {
			continue
		}
		if v := viewOf(inv, a, ex); isDevice(v.full) {
			inv.Flag("files.disk-overwrite", v.full, "shreds the device "+v.full+", overwriting every block: its partitions, file systems and data are gone", a.Span)
			continue
		}
		rest = append(rest, a)
	}
	before := len(inv.w.findings)
	deleteTargets(inv, rest, false, "shreds", nil)
	if len(inv.w.findings) == before {
		for _, a := range rest {
			if findArg(a) {
				continue
			}
			if t := classify(viewOf(inv, a, ex).full); t.cls != clScratch {
				inv.Flag("files.shred", a.Value, "shreds "+strings.Trim(a.Raw, `"'`)+", overwriting its contents so they cannot be recovered by any means", a.Span)
				return
			}
		}
	}
}

func analyseTruncate(inv *Invocation) {
	size, ok := inv.Option("-s", "--size")
	if !ok {
		if _, ref := inv.Option("-r", "--reference"); !ref {
			return
		}
		size.Value = "that of the reference file"
	}
	if ok && (strings.HasPrefix(size.Value, "+") || strings.HasPrefix(size.Value, "%") || strings.HasPrefix(size.Value, ">")) {
		return // only grows
	}
	ex := newExpander(inv)
	for _, a := range inv.Positional("-s", "--size", "-r", "--reference") {
		t := classify(viewOf(inv, a, ex).full)
		what := t.what
		switch t.cls {
		case clData, clBackups, clKeys:
			if !t.fileMatch {
				continue
			}
		case clDatabase:
		case clSystem:
			what = "a file the system needs"
		default:
			continue
		}
		inv.Flag("files.truncate", a.Value, "truncates "+a.Value+" to "+size.Value+", "+strings.SplitN(what, ";", 2)[0]+"; what was cut off is gone", size.Span, a.Span)
	}
}

// ---------------------------------------------------------------------
// find -delete and find -exec rm.

var (
	findValueTests = setOf("-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-lname", "-ilname")
	findOtherTests = setOf("-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-newer", "-newermt", "-newerct", "-anewer",
		"-cnewer", "-size", "-user", "-group", "-uid", "-gid", "-perm", "-links", "-inum", "-samefile", "-used", "-fstype", "-context")
	findValueOpts = setOf("-type", "-xtype", "-maxdepth", "-mindepth", "-regextype", "-printf", "-fprint", "-fprint0", "-fprintf", "-fls")
	findNoArg     = setOf("-nouser", "-nogroup", "-readable", "-writable", "-executable", "-xdev", "-mount", "-depth",
		"-follow", "-noleaf", "-daystart", "-ignore_readdir_race", "-print", "-print0", "-ls", "-quit", "-prune", "-true", "-false")
)

type findGroup struct {
	names    []Arg // positive name tests
	other    bool  // other narrowing tests
	empty    bool  // -empty
	delete   bool  // -delete or -exec rm
	rec      bool  // -exec rm -r
	span     Span  // the action
	verb     string
	negNames bool
}

func analyseFind(inv *Invocation) {
	args := inv.Args
	i := 0
	for i < len(args) && (args[i].Value == "-H" || args[i].Value == "-L" || args[i].Value == "-P" || strings.HasPrefix(args[i].Value, "-O") || args[i].Value == "-D") {
		if args[i].Value == "-D" {
			i++
		}
		i++
	}
	var starts []Arg
	for i < len(args) {
		v := args[i].Value
		if strings.HasPrefix(v, "-") && args[i].Known() || v == "(" || v == "!" || v == ")" || v == "," {
			break
		}
		starts = append(starts, args[i])
		i++
	}
	groups := []findGroup{{}}
	neg := false
	for ; i < len(args); i++ {
		v := args[i].Value
		g := &groups[len(groups)-1]
		switch {
		case v == "-o" || v == "-or":
			groups = append(groups, findGroup{})
		case v == "!" || v == "-not":
			neg = true
			continue
		case findValueTests[v] && i+1 < len(args):
			if neg {
				g.negNames = true
			} else {
				g.names = append(g.names, args[i+1])
			}
			i++
		case findOtherTests[v]:
			g.other = true
			if i+1 < len(args) {
				i++
			}
		case v == "-empty":
			if !neg {
				g.empty = true
			}
		case findValueOpts[v]:
			i++
		case v == "-delete":
			g.delete, g.span, g.verb = true, args[i].Span, "-delete"
		case v == "-exec" || v == "-execdir" || v == "-ok" || v == "-okdir":
			j := i + 1
			for j < len(args) && args[j].Value != ";" && args[j].Value != "+" {
				j++
			}
			if i+1 < len(args) {
				name := programName(args[i+1].Value)
				if name == "rm" || name == "unlink" || name == "shred" || name == "srm" {
					g.delete, g.span, g.verb = true, args[i+1].Span, name
					sub := &Invocation{Args: args[i+2 : j]}
					g.rec = name == "rm" && sub.HasFlag("-r", "-R", "--recursive")
				}
			}
			i = j
		}
		neg = false
	}
	if len(starts) == 0 {
		starts = []Arg{{Value: ".", Raw: ".", Span: inv.NameSpan}}
	}
	ex := newExpander(inv)
	var cwd *cwdInfo
	for _, g := range groups {
		if !g.delete || g.empty {
			continue
		}
		for _, s := range starts {
			if cwd == nil {
				cwd = cwdOf(inv, ex)
			}
			judgeFind(inv, s, g, ex, cwd)
		}
	}
}

func judgeFind(inv *Invocation, s Arg, g findGroup, ex *expander, cwd *cwdInfo) {
	var names []Arg
	for _, n := range g.names {
		if !isGlobAll(n.Value) {
			names = append(names, n)
		}
	}
	verb := "deletes"
	if g.verb == "shred" {
		verb = "shreds"
	}
	sv := viewOf(inv, s, ex)
	disp := displayOf(s)
	if (len(names) > 0 || g.other) && (sv.full == "/var/log" || strings.HasPrefix(sv.full, "/var/log/")) {
		return // rotating old logs away is housekeeping
	}
	if len(names) > 0 {
		// Only files with these names go: judge the names first.
		allScratch := true
		for _, n := range names {
			lt := classify(n.Value)
			switch lt.cls {
			case clScratch:
				continue
			case clData, clKeys, clBackups, clGit, clDatabase:
				rule := verdictFor(lt, true)
				if rule != "" {
					inv.Flag(rule, disp+"/**/"+n.Value, "find "+g.verb+" "+verb+" everything named "+n.Value+" under "+disp+", "+strings.SplitN(lt.what, ";", 2)[0], g.span, n.Span)
					return
				}
			}
			allScratch = false
		}
		if allScratch {
			return
		}
		st := classify(cwd.resolve(sv.full))
		switch st.cls {
		case clRoot, clHome, clSystem, clDatabase, clBackups, clKeys, clGit:
			rule := verdictFor(st, true)
			inv.Flag(rule, disp, "find "+g.verb+" "+verb+" everything named "+names[0].Value+" anywhere under "+disp+", "+strings.SplitN(shortWhat(st), ";", 2)[0], g.span, s.Span)
		case clUserData, clOutside, clUnknown:
			if g.rec {
				inv.Flag("files.delete-recursive", disp, "find "+g.verb+" "+verb+" every directory named "+names[0].Value+" under "+disp+" with everything in it", g.span, s.Span)
			}
		}
		return
	}
	// No name filter: everything under the start path (that passes any
	// time or size test) goes.
	d, ok := judgeDelete(inv, s, true, true, verb, ex, cwd)
	if !ok {
		return
	}
	if g.other && (d.rule == "files.delete-cwd" || d.rule == "files.delete-recursive" || d.rule == "files.delete-user-data") && !strings.Contains(d.reason, "whatever") {
		inv.Flag("files.delete-recursive", "", "find "+g.verb+" "+verb+" files under "+disp+" that pass its tests (age, size, owner); only what git holds can be restored", g.span, s.Span)
		return
	}
	reason := "find " + g.verb + " " + d.reason
	if g.other {
		reason += " (the files that pass its age or size tests)"
	}
	inv.Flag(d.rule, d.target, reason, g.span, s.Span)
}

// ---------------------------------------------------------------------
// rsync --delete.

var rsyncValueOpts = []string{"-e", "--rsh", "-f", "--filter", "--exclude", "--include", "--exclude-from", "--include-from",
	"--files-from", "--password-file", "--log-file", "--partial-dir", "-T", "--temp-dir", "--backup-dir", "--compare-dest",
	"--copy-dest", "--link-dest", "--chmod", "--chown", "--timeout", "--bwlimit", "--max-size", "--min-size", "-M",
	"--remote-option", "--port", "--out-format", "--suffix", "--info", "--debug", "--usermap", "--groupmap", "-B",
	"--block-size", "--max-delete", "--iconv", "--rsync-path", "--contimeout", "--sockopts", "--outbuf", "--stop-after",
	"--stop-at", "--write-batch", "--read-batch", "--only-write-batch", "--checksum-choice", "--compress-choice", "--zc",
	"--compress-level", "--zl", "--skip-compress", "--log-file-format", "--address", "-@", "--modify-window"}

var remoteRe = lazyRegexp(`^(?:rsync://[^/]+|(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9._\[\]:-]+?::?)(.*)$`)

// remotePath splits host:path, or reports a local path.
func remotePath(v string) (host, p string, remote bool) {
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, ".") || strings.HasPrefix(v, "~") || !strings.Contains(v, ":") {
		return "", v, false
	}
	if i := strings.IndexByte(v, '/'); i >= 0 && i < strings.IndexByte(v, ':') && !strings.HasPrefix(v, "rsync://") {
		return "", v, false
	}
	m := remoteRe.FindStringSubmatch(v)
	if m == nil {
		return "", v, false
	}
	return strings.TrimSuffix(v[:len(v)-len(m[1])], ":"), m[1], true
}

func analyseRsync(inv *Invocation) {
	di := inv.FlagIndex("--delete", "--del", "--delete-before", "--delete-during", "--delete-delay", "--delete-after", "--delete-excluded", "--delete-missing-args")
	ri := inv.FlagIndex("--remove-source-files")
	if di < 0 && ri < 0 || inv.HasFlag("-n", "--dry-run", "--list-only") {
		return
	}
	pos := inv.Positional(rsyncValueOpts...)
	if len(pos) < 2 {
		return
	}
	dest := pos[len(pos)-1]
	ex := newExpander(inv)
	cwd := cwdOf(inv, ex)
	if di >= 0 {
		flag := inv.Args[di]
		host, p, remote := remotePath(dest.Value)
		v := viewOf(inv, Arg{Value: p, Raw: p}, ex)
		if dest.Known() {
			v = pathView{full: p, empty: p}
		} else if !remote {
			v = viewOf(inv, dest, ex)
		}
		t := classify(cwd.resolve(v.full))
		if remote && p == "" {
			t = target{cls: clHome, what: "the remote user's home directory"}
		}
		src := pos[0].Value
		srcT := classify(cwd.resolve(viewOf(inv, pos[0], ex).full))
		switch {
		case t.cls == clScratch:
		case srcT.cls == clScratch && t.cls != clRoot && t.cls != clHome && t.cls != clSystem && t.cls != clDatabase && t.cls != clBackups && t.cls != clKeys:
			// Publishing build output (dist/, build/) with --delete is a
			// deploy: the destination is meant to mirror it.
			inv.Flag("files.rsync-delete-local", "", "rsync "+flag.Value+" makes "+dest.Value+" mirror the build output "+src+", deleting whatever else is there", flag.Span, dest.Span)
		case remote:
			inv.Flag("files.rsync-delete", dest.Value, "rsync "+flag.Value+" deletes every file in "+p+" on "+host+" that "+src+" does not have; a wrong or empty source wipes the remote copy", flag.Span, dest.Span)
		case t.cls == clPlain:
			inv.Flag("files.rsync-delete-local", "", "rsync "+flag.Value+" deletes every file in "+dest.Value+" that "+src+" does not have", flag.Span, dest.Span)
		default:
			what := t.what
			if what == "" || t.cls == clUnknown {
				what = "a directory sentinel cannot see into"
			}
			if t.cls == clCwd {
				what = "the current directory"
			}
			inv.Flag("files.rsync-delete", dest.Value, "rsync "+flag.Value+" deletes every file in "+dest.Value+" ("+strings.SplitN(what, ";", 2)[0]+") that "+src+" does not have", flag.Span, dest.Span)
		}
	}
	if ri >= 0 {
		for _, s := range pos[:len(pos)-1] {
			t := classify(cwd.resolve(viewOf(inv, s, ex).full))
			switch t.cls {
			case clRoot, clHome, clSystem, clDatabase, clBackups, clKeys, clGit:
				inv.Flag("files.rsync-delete", s.Value, "rsync --remove-source-files removes the files of "+s.Value+" ("+shortWhat(t)+") once copied; if the copy is incomplete or wrong, they are gone", inv.Args[ri].Span, s.Span)
			}
		}
	}
}

// ---------------------------------------------------------------------
// mv, cp, dd, tee: moving away and overwriting.

func analyseMv(inv *Invocation) {
	if inv.HasFlag("--help", "--version") {
		return
	}
	pos := inv.Positional("-t", "--target-directory", "-S", "--suffix")
	dest, hasT := inv.Option("-t", "--target-directory")
	if !hasT {
		if len(pos) < 2 {
			return
		}
		dest, pos = pos[len(pos)-1], pos[:len(pos)-1]
	}
	ex := newExpander(inv)
	cwd := cwdOf(inv, ex)
	dv := viewOf(inv, dest, ex)
	if dv.full == "/dev/null" {
		names := make([]string, 0, len(pos))
		for _, s := range pos {
			names = append(names, s.Value)
		}
		inv.Flag("files.mv-dev-null", strings.Join(names, " "), "moves "+strings.Join(names, ", ")+" onto /dev/null: "+plural(len(names), "it is", "they are")+" gone, and run as root it replaces the /dev/null device with an ordinary file", dest.Span)
		return
	}
	for _, s := range pos {
		t := classify(cwd.resolve(viewOf(inv, s, ex).full))
		switch {
		case t.cls == clRoot || t.cls == clHome || t.cls == clDatabase && !t.fileMatch || t.cls == clSystem && t.depth <= 2 && !t.glob:
			inv.Flag("files.move-system", s.Value, "moves "+s.Value+" ("+shortWhat(t)+") to "+dest.Value+"; everything that expects it where it was breaks", s.Span)
			return
		}
	}
	if !hasT && len(pos) == 1 {
		checkOverwrite(inv, "mv", pos[0], dest, dv, cwd)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// checkOverwrite flags replacing a data file with another.
func checkOverwrite(inv *Invocation, tool string, src, dest Arg, dv pathView, cwd *cwdInfo) {
	if inv.HasFlag("-n", "--no-clobber", "-b", "--backup", "-i", "--interactive", "--update=none") {
		return
	}
	if strings.HasSuffix(dv.full, "/") {
		return
	}
	if isBackupCopy(src.Value, dv.full) {
		return // cp prod.db prod.db.bak: making a backup, not destroying one
	}
	if isDevice(dv.full) {
		inv.Flag("files.disk-overwrite", dv.full, tool+" writes "+src.Value+" over the device "+dv.full+", destroying its partitions and file systems", dest.Span)
		return
	}
	t := classify(cwd.resolve(dv.full))
	if (t.cls == clData || t.cls == clKeys || t.cls == clBackups) && t.fileMatch || t.cls == clDatabase || t.cls == clSystem && criticalFiles[t.path] {
		what := t.what
		if t.cls == clSystem {
			what = "a file the system needs to boot or to let anyone log in"
		}
		inv.Flag("files.overwrite-data", dest.Value, tool+" replaces "+dest.Value+" ("+strings.SplitN(what, ";", 2)[0]+") with "+src.Value+"; its current contents are lost", src.Span, dest.Span)
	}
}

func analyseCp(inv *Invocation) {
	if inv.HasFlag("-t", "--target-directory") {
		return
	}
	pos := inv.Positional("-S", "--suffix")
	if len(pos) != 2 {
		return
	}
	ex := newExpander(inv)
	checkOverwrite(inv, "cp", pos[0], pos[1], viewOf(inv, pos[1], ex), cwdOf(inv, ex))
}

// safeDev are device files that are not disks.
var safeDev = setOf("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/full", "/dev/stdin", "/dev/stdout",
	"/dev/stderr", "/dev/tty", "/dev/console", "/dev/ptmx", "/dev/kmsg")

// isDevice reports whether p is a block device (or memory) that holds data.
func isDevice(p string) bool {
	if !strings.HasPrefix(p, "/dev/") || safeDev[p] {
		return false
	}
	for _, pre := range []string{"/dev/tty", "/dev/pts/", "/dev/fd/", "/dev/shm/", "/dev/std", "/dev/null", "/dev/mqueue", "/dev/hugepages", "/dev/log", "/dev/input/", "/dev/snd/", "/dev/dri/", "/dev/net/", "/dev/cu.", "/dev/usb"} {
		if strings.HasPrefix(p, pre) {
			return false
		}
	}
	return true
}

var (
	ddWiper    = setOf("/dev/zero", "/dev/urandom", "/dev/random")
	ddDevVarRe = lazyRegexp(`(?i)of=["']?\$\{?\w*(dev|disk|drive|usb|sd[a-z]|nvme|target|block)`)
)

func analyseDd(inv *Invocation) {
	var of, inf Arg
	hasOf := false
	for _, a := range inv.Args {
		switch {
		case strings.HasPrefix(a.Value, "of="):
			of, hasOf = a, true
			of.Value = a.Value[3:]
		case strings.HasPrefix(a.Value, "if="):
			inf = a
			inf.Value = a.Value[3:]
		}
	}
	if !hasOf {
		return
	}
	ex := newExpander(inv)
	v := viewOf(inv, of, ex)
	target := strings.TrimPrefix(v.full, "of=")
	src := inf.Value
	if src == "" {
		src = "its input"
	}
	if isDevice(target) {
		inv.Flag("files.disk-overwrite", target, "dd writes "+src+" directly onto the device "+target+", destroying its partition table, file systems and data", of.Span)
		return
	}
	if strings.Contains(target, unknown) && (strings.HasPrefix(of.Raw, "of=/dev/") || ddWiper[inf.Value] || ddDevVarRe.MatchString(of.Raw)) {
		inv.Flag("files.disk-overwrite", of.Raw[3:], "dd writes "+src+" directly onto a device only known at run time ("+of.Raw[3:]+"), destroying what it holds", of.Span)
		return
	}
	checkOverwrite(inv, "dd", inf, Arg{Value: target, Raw: of.Raw, Span: of.Span}, pathView{full: target}, cwdOf(inv, ex))
}

func analyseTee(inv *Invocation) {
	if inv.HasFlag("-a", "--append") {
		return
	}
	for _, a := range inv.Positional() {
		checkTruncatingRedirect(inv.w, Redir{Op: ">", Target: a})
	}
}

// ---------------------------------------------------------------------
// Disks: mkfs, wipefs, blkdiscard, partitioning, volumes.

// deviceArgs returns the positional arguments that are devices or
// unknown (a device chosen at run time).
func deviceArgs(inv *Invocation, withValue ...string) (devs []Arg, unknownDev bool) {
	for _, a := range inv.Positional(withValue...) {
		switch {
		case isDevice(a.Value):
			devs = append(devs, a)
		case !a.Known() && (strings.Contains(a.Raw, "/dev/") || a.MayBeEmpty()):
			devs = append(devs, a)
			unknownDev = true
		}
	}
	return devs, unknownDev
}

func analyseMkfs(inv *Invocation) {
	if inv.HasFlag("-V", "--version", "--help", "-n") && !strings.HasPrefix(inv.Name, "mkfs.vfat") && inv.Name != "mkfs.fat" {
		return
	}
	devs, _ := deviceArgs(inv, "-t", "--type", "-L", "--label", "-b", "-N", "-m", "-O", "-E", "-T", "-U", "--uuid", "-I", "-i",
		"-J", "-G", "-g", "-C", "-d", "-l", "-r", "-s", "-c", "-F", "-n", "-S", "-p", "-R", "-M", "-e", "-o")
	for _, d := range devs {
		what := "a new file system"
		if inv.Name == "mkswap" {
			what = "swap space"
		}
		inv.Flag("files.format", d.Value, inv.Name+" writes "+what+" over "+strings.Trim(d.Raw, `"'`)+"; every file on it is gone", d.Span)
		return
	}
}

func analyseWipefs(inv *Invocation) {
	if !inv.HasFlag("-a", "--all", "-o", "--offset", "-t", "--types") || inv.HasFlag("-n", "--no-act") {
		return
	}
	devs, _ := deviceArgs(inv, "-o", "--offset", "-t", "--types", "-b", "--backup")
	for _, d := range devs {
		inv.Flag("files.disk-wipe", d.Value, "wipefs erases the partition-table and file-system signatures of "+strings.Trim(d.Raw, `"'`)+"; its data is no longer reachable", d.Span)
		return
	}
}

func analyseBlkdiscard(inv *Invocation) {
	if inv.HasFlag("--help", "-V", "--version") {
		return
	}
	devs, _ := deviceArgs(inv, "-o", "--offset", "-l", "--length", "-p", "--step")
	for _, d := range devs {
		inv.Flag("files.disk-wipe", d.Value, "blkdiscard discards every block of "+strings.Trim(d.Raw, `"'`)+"; on an SSD the data is gone at once", d.Span)
		return
	}
}

var partedWrites = setOf("mklabel", "mktable", "mkpart", "mkpartfs", "rm", "resizepart", "resize", "rescue", "name",
	"set", "toggle", "disk_set", "disk_toggle", "move", "cp", "mkfs", "type")

func analysePartition(inv *Invocation) {
	switch inv.Name {
	case "fdisk", "gdisk", "cfdisk", "cgdisk":
		if inv.HasFlag("-l", "--list", "-x", "--list-details", "-s", "--getsz", "-v", "-V", "--version", "-h", "--help") {
			return
		}
	case "sfdisk":
		if inv.HasFlag("-n", "--no-act", "-l", "--list", "-d", "--dump", "-J", "--json", "-s", "--show-size", "-g",
			"--show-geometry", "-V", "--verify", "-F", "--list-free", "-v", "--version", "-h", "--help", "--backup-pt-sectors") {
			return
		}
		if (inv.HasFlag("--part-type", "--part-label", "--part-uuid", "--part-attrs") || inv.HasFlag("-c", "--id")) && len(inv.Positional()) <= 2 {
			return // reading a partition's attribute
		}
	case "sgdisk":
		if !inv.HasFlag("-Z", "--zap-all", "-z", "--zap", "-o", "--clear", "-d", "--delete", "-n", "--new", "-g",
			"--mbrtogpt", "-m", "--gpttombr", "-t", "--typecode", "-c", "--change-name", "-x", "--change-name",
			"-e", "--move-second-header", "-G", "--randomize-guids", "-l", "--load-backup", "-R", "--replicate",
			"-U", "--disk-guid", "-u", "--partition-guid", "-s", "--sort", "-r", "--transpose", "-N", "--largest-new") {
			return
		}
	case "parted":
		if inv.HasFlag("-l", "--list", "-v", "--version", "-h", "--help") {
			return
		}
		pos := inv.Positional("-a", "--align")
		if len(pos) > 1 {
			write := false
			for _, p := range pos[1:] {
				if partedWrites[strings.ToLower(p.Value)] {
					write = true
				}
			}
			if !write {
				return
			}
		}
	}
	devs, _ := deviceArgs(inv)
	for _, d := range devs {
		what := "rewrites the partition table of " + strings.Trim(d.Raw, `"'`)
		if (inv.Name == "sgdisk") && inv.HasFlag("-Z", "--zap-all", "-z", "--zap") {
			inv.Flag("files.disk-wipe", d.Value, "sgdisk --zap-all destroys the partition tables of "+strings.Trim(d.Raw, `"'`)+"; every partition on it becomes unreachable", d.Span)
			return
		}
		if len(inv.Positional()) == 1 && (inv.Name == "fdisk" || inv.Name == "gdisk" || inv.Name == "parted" || inv.Name == "cfdisk" || inv.Name == "cgdisk") && inv.Stdin == nil {
			what = "opens the partition table of " + strings.Trim(d.Raw, `"'`) + " for editing"
		}
		inv.Flag("files.partition", d.Value, inv.Name+" "+what+"; a wrong change makes every partition on it unreachable", d.Span)
		return
	}
}

func analyseVolume(inv *Invocation) {
	pos := inv.Positional()
	switch inv.Name {
	case "zfs", "zpool":
		if len(pos) < 2 || inv.HasFlag("-n") {
			return
		}
		verb := pos[0].Value
		if verb != "destroy" && !(inv.Name == "zpool" && verb == "labelclear") {
			return
		}
		what := "the dataset " + pos[len(pos)-1].Value
		switch {
		case inv.Name == "zpool":
			what = "the pool " + pos[len(pos)-1].Value + " with every dataset and snapshot in it"
		case strings.Contains(pos[len(pos)-1].Value, "@"):
			what = "the snapshot " + pos[len(pos)-1].Value + ", a point you could have rolled back to"
		case inv.HasFlag("-r", "-R"):
			what = "the dataset " + pos[len(pos)-1].Value + " with its children and snapshots"
		}
		inv.Flag("files.volume-destroy", pos[len(pos)-1].Value, inv.Name+" "+verb+" destroys "+what+"; there is no undo", pos[0].Span, pos[len(pos)-1].Span)
	case "lvremove", "vgremove", "pvremove":
		if len(pos) == 0 || inv.HasFlag("-t", "--test") {
			return
		}
		inv.Flag("files.volume-destroy", pos[0].Value, inv.Name+" removes the LVM volume "+pos[0].Value+" and the data on it", pos[0].Span)
	case "cryptsetup":
		if len(pos) < 2 {
			return
		}
		switch pos[0].Value {
		case "erase", "luksErase", "luksKillSlot", "luksRemoveKey":
			inv.Flag("files.volume-destroy", pos[1].Value, "cryptsetup "+pos[0].Value+" removes keys of the encrypted volume "+pos[1].Value+"; without a key slot its data can never be decrypted again", pos[0].Span, pos[1].Span)
		}
	}
}

// ---------------------------------------------------------------------
// chmod, chown, chgrp.

var openModeRe = lazyRegexp(`^(?:0?[0-7]?[0-7][0-7][67]|0*0{3}|[ugoa]*[+=][rwxXst]*w[rwxXst]*|o[+=].*|a[+=].*|\+w|=)$`)

// broadPath reports whether a path is /, a top-level system directory or a
// home directory.
func broadPath(t target) bool {
	switch t.cls {
	case clRoot, clHome:
		return true
	case clSystem, clDatabase:
		return t.depth <= 1 || t.contents && t.depth <= 2
	}
	return false
}

func analyseChmod(inv *Invocation) {
	if inv.HasFlag("--help", "--version") {
		return
	}
	ri := inv.FlagIndex("-R", "--recursive")
	recursive := ri >= 0
	if i := inv.FlagIndex("--no-preserve-root"); i >= 0 && recursive {
		inv.Flag("files.no-preserve-root", "/", "passes --no-preserve-root, switching off "+inv.Name+"'s refusal to change all of /", inv.Args[i].Span)
	}
	pos := inv.Positional("--reference", "--from")
	mode := ""
	if _, ok := inv.Option("--reference"); !ok {
		if len(pos) == 0 {
			return
		}
		mode, pos = pos[0].Value, pos[1:]
		if inv.Name == "chmod" && strings.HasPrefix(mode, "-") {
			mode = ""
		}
	}
	// chmod 777 -R / puts the mode before the flag: Positional already
	// skipped it; a mode like -w is taken as a flag by Positional.
	if inv.Name == "chmod" {
		for _, a := range inv.Args {
			if len(a.Value) > 1 && a.Value[0] == '-' && strings.Trim(a.Value[1:], "rwxXst") == "" && a.Value != "-R" && !strings.ContainsAny(a.Value, "R") {
				mode = a.Value
			}
		}
	}
	ex := newExpander(inv)
	cwd := cwdOf(inv, ex)
	open := openModeRe.MatchString(mode)
	for _, a := range pos {
		v := viewOf(inv, a, ex)
		t := classify(cwd.resolve(v.full))
		op := map[string]string{"chmod": "changes the permissions of", "chown": "changes the owner of", "chgrp": "changes the group of"}[inv.Name]
		switch {
		case recursive && broadPath(t):
			inv.Flag("files.permissions-broad", a.Value, inv.Name+" -R "+op+" everything under "+a.Value+" ("+shortWhat(t)+"); services, sudo and ssh refuse files with the wrong owner or mode, and there is no record of what they were", inv.Args[ri].Span, a.Span)
			return
		case !recursive && inv.Name == "chmod" && open && (broadPath(t) || criticalFiles[t.path] || strings.HasPrefix(t.path, "/etc/sudoers") || strings.HasPrefix(t.path, "/etc/ssh/") || t.cls == clKeys && t.fileMatch):
			inv.Flag("files.permissions-broad", a.Value, "chmod "+mode+" "+op+" "+a.Value+"; the system's security depends on it, and sudo or ssh refuse to work with it this way", a.Span)
			return
		case inv.Name == "chmod" && open && t.cls == clKeys:
			inv.Flag("files.permissions-broad", a.Value, "chmod "+mode+" makes "+a.Value+" ("+strings.SplitN(t.what, ";", 2)[0]+") readable or writable by other users; anyone on the machine can take the keys, and ssh refuses to use them", a.Span)
			return
		case recursive && inv.Name == "chmod" && open && t.cls != clScratch:
			if v := strings.TrimLeft(mode, "0"); v == "777" || v == "666" || v == "" || strings.HasSuffix(mode, "77") || strings.Contains(mode, "o+w") || strings.Contains(mode, "a+w") {
				what := "writable by every user on the machine"
				if v == "" {
					what = "unreadable by anyone but root"
				}
				inv.Flag("files.permissions-open", "", "chmod -R "+mode+" makes everything under "+a.Value+" "+what, inv.Args[ri].Span, a.Span)
				return
			}
		}
	}
}

// isBackupCopy reports whether dest names a backup copy of src:
// src.bak, src.backup, src.orig, src.old, src~, src.2024-06-01.
func isBackupCopy(src, dest string) bool {
	if !strings.HasPrefix(dest, src) || len(dest) == len(src) {
		return false
	}
	rest := strings.ToLower(dest[len(src):])
	if rest == "~" {
		return true
	}
	for _, s := range []string{".bak", ".backup", ".orig", ".old", ".save", ".copy", "-backup", "_backup"} {
		if strings.HasPrefix(rest, s) {
			return true
		}
	}
	return len(rest) > 4 && (rest[0] == '.' || rest[0] == '-' || rest[0] == '_') && rest[1] >= '0' && rest[1] <= '9'
}
