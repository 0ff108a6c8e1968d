package detect

import (
	"strings"
	"testing"
)

// verdictCase is a command, the rule it must produce ("" for none of
// this package's concern) and the verdict of the whole command.
type verdictCase struct {
	cmd     string
	rule    string
	verdict Verdict
}

func checkCases(t *testing.T, cases []verdictCase) {
	t.Helper()
	for _, c := range cases {
		r := Command(c.cmd, Context{})
		found := c.rule == ""
		for _, f := range r.Findings {
			found = found || f.Rule == c.rule
		}
		if !found || r.Verdict != c.verdict {
			t.Errorf("%q: verdict %v, findings %s; want %v %s", c.cmd, r.Verdict, summary(r), c.verdict, c.rule)
		}
	}
}

// ruleSpanTexts finds the first finding of rule in cmd's analysis and returns
// it with the text each of its spans covers; f is nil when there is none.
func ruleSpanTexts(cmd, rule string) (f *Finding, texts []string, r Result) {
	r = Command(cmd, Context{})
	for i := range r.Findings {
		if r.Findings[i].Rule == rule {
			f = &r.Findings[i]
			break
		}
	}
	if f == nil {
		return nil, nil, r
	}
	for _, s := range f.Spans {
		texts = append(texts, cmd[s.Start:s.End])
	}
	return f, texts, r
}

func summary(r Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("[" + f.Rule + " " + f.Verdict.String() + ": " + f.Reason + "]")
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

func TestRmTargets(t *testing.T) {
	checkCases(t, []verdictCase{
		// The root, however it is spelled.
		{"rm -rf /", "files.delete-root", Pause},
		{"rm -fr /", "files.delete-root", Pause},
		{"rm -f -r /", "files.delete-root", Pause},
		{"rm   -rf   /", "files.delete-root", Pause},
		{"rm -r -f -v /*", "files.delete-root", Pause},
		{"rm --recursive --force /", "files.delete-root", Pause},
		{"rm -rf //", "files.delete-root", Pause},
		{"rm -rf /tmp/../../", "files.delete-root", Pause},
		{`rm -rf "/"`, "files.delete-root", Pause},
		{"rm -rf / tmp", "files.delete-root", Pause},
		{"rm -rf --no-preserve-root /", "files.no-preserve-root", Pause},
		{"/bin/rm -rf /", "files.delete-root", Pause},
		{`r\m -rf /`, "files.delete-root", Pause},
		{"busybox rm -rf /", "files.delete-root", Pause},
		{"x=/; rm -rf $x", "files.delete-root", Pause},
		{"alias nuke='rm -rf'; nuke /", "files.delete-root", Pause},
		{"echo 'rm -rf /' | sh", "files.delete-root", Pause},
		{"trap 'rm -rf /' EXIT", "files.delete-root", Pause},
		{"rm -rf / || echo failed", "files.delete-root", Pause},
		// Home directories.
		{"rm -rf ~", "files.delete-home", Pause},
		{"rm -rf ~/", "files.delete-home", Pause},
		{"rm -rf ~/*", "files.delete-home", Pause},
		{"rm -rf $HOME", "files.delete-home", Pause},
		{`rm -rf "$HOME/"`, "files.delete-home", Pause},
		{"rm -rf ${HOME}", "files.delete-home", Pause},
		{"sudo rm -rf /home/user", "files.delete-home", Pause},
		{"rm -rf '/home/user'", "files.delete-home", Pause},
		{"rm -rf /home", "files.delete-home", Pause},
		{"sudo rm -rf ~root", "files.delete-home", Pause},
		{"rm -rf ~/..", "files.delete-home", Pause},
		{"cd && rm -rf *", "files.delete-home", Pause},
		{"nice -n 19 rm -rf /home/user", "files.delete-home", Pause},
		// System directories and files.
		{"rm -rf /etc", "files.delete-system", Pause},
		{"rm --recursive --force /etc", "files.delete-system", Pause},
		{"rm -Rf /usr", "files.delete-system", Pause},
		{"rm -rf /var/log", "files.delete-system", Pause},
		{"rm -rf /boot/grub", "files.delete-system", Pause},
		{`bash -c "rm -rf /etc/demo"`, "files.delete-system", Pause},
		{"rm -rf /tmp/../etc", "files.delete-system", Pause},
		{"rm -rf /e*", "files.delete-system", Pause},
		{"sudo rm /etc/passwd", "files.delete-system", Pause},
		{"sudo rm -f /etc/sudoers", "files.delete-system", Pause},
		{"ssh web1 'rm -rf /var/www/html/*'", "files.delete-system", Pause},
		{"rm -rf /opt/myapp", "files.delete-system", Pause},
		{"rm /etc/nginx/sites-enabled/default", "files.system-file", Warn},
		{"sudo rm /usr/bin/python3", "files.system-file", Warn},
		// Database servers' data and backups.
		{"rm -rf /var/lib/postgresql/14/main", "files.delete-database", Pause},
		{"sudo -u postgres rm -rf /var/lib/postgresql/16/main", "files.delete-database", Pause},
		{"rm -rf /var/lib/mysql/", "files.delete-database", Pause},
		{"docker exec db rm -rf /var/lib/postgresql/data", "files.delete-database", Pause},
		{"kubectl exec pg-0 -- rm -rf /var/lib/postgresql/data/pgdata", "files.delete-database", Pause},
		{"sudo rm -rf /var/lib/docker/volumes/app_db", "files.delete-database", Pause},
		{"rm -rf ./pgdata", "files.delete-database", Pause},
		{"rm -rf docker/volumes/postgres-data", "files.delete-database", Pause},
		{"rm -rf ./data/postgres", "files.delete-database", Pause},
		{"sudo rm -rf volumes/mysql/*", "files.delete-database", Pause},
		{"D=/var/lib/postgresql; rm -rf \"$D\"", "files.delete-database", Pause},
		{"timeout 5 rm -rf /var/lib/mysql", "files.delete-database", Pause},
		{"bash -c 'cd /var/lib/mysql && rm -rf *'", "files.delete-database", Pause},
		{"rm -rf /usr/local/var/postgres", "files.delete-database", Pause},
		{"rm -rf backups/", "files.delete-backups", Pause},
		{"rm -rf /var/backups", "files.delete-backups", Pause},
		{"rm -rf /mnt/nas/backups/2024", "files.delete-backups", Pause},
		{"rm db_backup_2024.sql.gz", "files.delete-backups", Pause},
		// Project data, keys, history.
		{"rm -f app.db", "files.delete-data", Pause},
		{"rm db.sqlite3", "files.delete-data", Pause},
		{"rm -f storage/app.sqlite-wal", "files.delete-data", Pause},
		{"rm terraform.tfstate", "files.delete-data", Pause},
		{"rm -rf data/", "files.delete-data", Pause},
		{"rm -rf db", "files.delete-data", Pause},
		{"unlink app.db", "files.delete-data", Pause},
		{"sudo rm /var/lib/grafana-lite/app.db", "files.delete-data", Pause},
		{"rm -rf /data", "files.delete-data", Pause},
		{"rm -rf ~/.ssh", "files.delete-keys", Pause},
		{"rm ~/.ssh/id_ed25519", "files.delete-keys", Pause},
		{"rm -rf ~/.aws", "files.delete-keys", Pause},
		{"rm -f server.key", "files.delete-keys", Pause},
		{"rm -rf /etc/letsencrypt/live", "files.delete-keys", Pause},
		{"rm -rf .git", "files.delete-git", Pause},
		{"rm -rf ./.git/", "files.delete-git", Pause},
		{"rm -rf .git/objects", "files.delete-git", Pause},
		{"rm -rf ../app/.git", "files.delete-git", Pause},
		// The current directory, unknown.
		{"rm -rf *", "files.delete-cwd", Pause},
		{"rm -rf .", "files.delete-cwd", Pause},
		{"rm -rf ./", "files.delete-cwd", Pause},
		{"rm -rf ./*", "files.delete-cwd", Pause},
		{"rm -rf .*", "files.delete-cwd", Pause},
		{"rm -rf ..", "files.delete-cwd", Pause},
		{"rm -rf ../*", "files.delete-cwd", Pause},
		{"rm -rf $(pwd)", "files.delete-cwd", Pause},
		{`rm -rf "$(git rev-parse --show-toplevel)"`, "files.delete-cwd", Pause},
		{"cd build; rm -rf *", "files.delete-cwd", Pause},
		{"cd /srv/app || true; rm -rf *", "files.delete-cwd", Pause},
		// Variables that may be empty.
		{`rm -rf "$DIR/"*`, "files.delete-unset-var", Pause},
		{"rm -rf $DIR/", "files.delete-unset-var", Pause},
		{`rm -rf "$WORKDIR"/*`, "files.delete-unset-var", Pause},
		{`rm -rf "$PREFIX/lib"`, "files.delete-unset-var", Pause},
		{"rm -rf ~/$DIR", "files.delete-unset-var", Pause},
		{"rm -rf $A/$B", "files.delete-unset-var", Pause},
		{`trap "rm -rf $DIR/" EXIT`, "files.delete-unset-var", Pause},
		{`rm -rf "$TMPDIR/"*`, "files.delete-unset-var", Pause},
		// Elsewhere on the machine.
		{"rm -rf ~/projects", "files.delete-user-data", Pause},
		{"rm -rf $HOME/Documents", "files.delete-user-data", Pause},
		{"rm -rf ~/Downloads/*", "files.delete-user-data", Pause},
		{"rm -rf ../other-service", "files.delete-user-data", Pause},
		{"rm -rf /mnt/storage", "files.delete-user-data", Pause},
		{"rm -rf /workspace", "files.delete-user-data", Pause},
		// Warnings: recoverable from git, or not knowable.
		{"rm -r src/", "files.delete-recursive", Warn},
		{"rm -rf lib/legacy", "files.delete-recursive", Warn},
		{"rm -rf db/migrate", "files.delete-recursive", Warn},
		{"rm -rf vendor", "files.delete-recursive", Warn},
		{`rm -rf "$TARGET"`, "files.delete-recursive", Warn},
		{"rm -rf ${BUILD_DIR}", "files.delete-recursive", Warn},
		{`rm -rf "${DIR:?}/"*`, "files.delete-recursive", Warn},
		{"rm -rf $(ls | grep old)", "files.delete-recursive", Warn},
		{"ls | xargs rm -rf", "files.delete-cwd", Pause},
		{"git ls-files -o | xargs rm -rf", "files.delete-recursive", Warn},
		{`for d in */; do rm -rf "$d"; done`, "files.delete-cwd", Pause},
		{"rm *", "files.delete-recursive", Warn},
		{"sudo rm -rf /usr/local/go", "files.delete-recursive", Warn},
		{"rm -rf /workspace/repo/src", "files.delete-recursive", Warn},
		{"rm -rf /tmp", "files.delete-recursive", Warn},
		{"rm -rf .git/modules", "files.delete-recursive", Warn},
		{"rm -rf .git/hooks", "", Allow},
	})
}

func TestRmEverydayIsAllowed(t *testing.T) {
	checkCases(t, []verdictCase{
		{"rm file.txt", "", Allow},
		{"rm -f build.log", "", Allow},
		{"rm file1.txt file2.txt", "", Allow},
		{"rm -i notes.md", "", Allow},
		{"rm -v old.patch", "", Allow},
		{"rm -rf node_modules", "", Allow},
		{"rm -rf node_modules package-lock.json && npm install", "", Allow},
		{"rm -rf ./dist", "", Allow},
		{"rm -rf ./build", "", Allow},
		{"rm -rf dist build .next node_modules/.cache", "", Allow},
		{"rm -rf target/", "", Allow},
		{"rm -rf __pycache__ .pytest_cache .mypy_cache", "", Allow},
		{"rm -rf venv .venv", "", Allow},
		{"rm -rf coverage .nyc_output htmlcov", "", Allow},
		{"rm -rf *.egg-info", "", Allow},
		{"rm -f *.pyc", "", Allow},
		{"rm *.o", "", Allow},
		{"rm -rf tmp/", "", Allow},
		{"rm -rf packages/web/.turbo", "", Allow},
		{"rm -rf /tmp/build", "", Allow},
		{"rm -rf /tmp/*", "", Allow},
		{"rm -rf /tmp/foo/", "", Allow},
		{"rm -rf /var/tmp/*", "", Allow},
		{"rm -rf $TMPDIR/build", "", Allow},
		{`rm -rf "$TMPDIR/build"`, "", Allow},
		{"rm -rf ${TMPDIR:-/tmp}/build", "", Allow},
		{"rm -rf /tmp/$RANDOM", "", Allow},
		{"rm --recursive --force /tmp/build", "", Allow},
		{`rm -rf "$OUT_DIR/build"`, "", Allow},
		{`rm -rf "$(pwd)/build"`, "", Allow},
		{"rm -rf ~/.cache/pip", "", Allow},
		{`rm -rf "${HOME}/.cache"`, "", Allow},
		{"rm -rf ~/Library/Caches/*", "", Allow},
		{"rm -rf ~/Library/Developer/Xcode/DerivedData", "", Allow},
		{"rm -rf ~/go/pkg/mod", "", Allow},
		{"rm -rf ~/code/myapp/node_modules", "", Allow},
		{"rm ~/.ssh/known_hosts", "", Allow},
		{"sudo rm -rf /var/lib/apt/lists/*", "", Allow},
		{"rm -rf /var/cache/apt/archives/*", "", Allow},
		{"rm -f .git/index.lock", "", Allow},
		{"rm -rf .git/rebase-merge", "", Allow},
		{"rm -rf ../build", "", Allow},
		{"rm -f db/migrate/20240101000000_add_users.rb", "", Allow},
		{"rm -rf db/seeds/fixtures.json", "", Allow},
		{"rm -rf data/tmp", "", Allow},
		{"rm -rf src/*.js", "", Allow},
		{"rm -- -rf", "", Allow},
		{"rm --help", "", Allow},
		{"rm", "", Allow},
		{"rmdir empty_folder", "", Allow},
		{"srm -z file.txt", "", Allow},
		{"unlink notes.txt", "", Allow},
		{"echo yes | rm -rf && echo done", "", Allow}, // no operand: deletes nothing
		// Temporary files the command itself made.
		{`f=$(mktemp); echo hi > "$f"; rm -f "$f"`, "", Allow},
		{`d=$(mktemp -d); cd "$d" && git clone https://x.example/r . && rm -rf "$d"`, "", Allow},
		{`d=$(mktemp -d); rm -rf "$d"/*`, "", Allow},
		{`TMP=$(mktemp -d) && trap 'rm -rf "$TMP"' EXIT`, "", Allow},
		{`d=$(mktemp -d); trap "rm -rf $d" EXIT`, "", Allow},
		{"D=build; rm -rf \"$D\"", "", Allow},
		// cd ... && rm: the rm only runs where cd went.
		{"cd /tmp/x && rm -rf *", "", Allow},
		{"cd build && rm -rf *", "", Allow},
		{"cd /tmp || exit 1; rm -rf ./*", "", Allow},
		{"cd dist && make clean && rm -rf *", "", Allow},
		// Mentions are not runs.
		{`echo "rm -rf /"`, "", Allow},
		{`git commit -m "fix: do not rm -rf /"`, "", Allow},
		{`grep -rn "rm -rf" .`, "", Allow},
		{"cat <<'EOF'\nrm -rf /\nEOF", "", Allow},
		{"man rm", "", Allow},
		{"which rm", "", Allow},
		{"# rm -rf /", "", Allow},
	})
}

func TestFindDelete(t *testing.T) {
	checkCases(t, []verdictCase{
		{"find / -delete", "files.delete-root", Pause},
		{"find / -exec rm -rf {} \\;", "files.delete-root", Pause},
		{"find . -delete", "files.delete-cwd", Pause},
		{"find -delete", "files.delete-cwd", Pause},
		{"find . -type f -delete", "files.delete-cwd", Pause},
		{"find . -type f -exec rm {} +", "files.delete-cwd", Pause},
		{"find ~ -delete", "files.delete-home", Pause},
		{"find / -name '*.db' -delete", "files.delete-data", Pause},
		{"find . -type f -name '*.sqlite' -delete", "files.delete-data", Pause},
		{"find . -name .git -type d -exec rm -rf {} +", "files.delete-git", Pause},
		{"find /var/lib/mysql -type f -delete", "files.delete-database", Pause},
		{"find /backups -mtime +7 -delete", "files.delete-backups", Pause},
		{"find /etc -name '*.conf' -delete", "files.delete-system", Pause},
		{"find $DIR/ -delete", "files.delete-unset-var", Pause},
		{"find . -mtime +7 -delete", "files.delete-recursive", Warn},
		{`find "$DIR" -delete`, "files.delete-recursive", Warn},
		{"find . -name '*.pyc' -delete", "", Allow},
		{"find . -type d -name __pycache__ -exec rm -rf {} +", "", Allow},
		{"find . -name node_modules -type d -prune -exec rm -rf '{}' +", "", Allow},
		{"find . \\( -name '*.pyc' -o -name '*.pyo' \\) -delete", "", Allow},
		{`find . -name "*.orig" -o -name "*.rej" -delete`, "", Allow},
		{"find . -name '*.txt' -exec rm {} \\;", "", Allow},
		{"find . -empty -delete", "", Allow},
		{"find /tmp -mtime +1 -delete", "", Allow},
		{"find ~ -name '*.tmp' -delete", "", Allow},
		{"find /var/log -name '*.gz' -delete", "", Allow},
		{"find /var/log -type f -mtime +30 -delete", "", Allow},
		{"find src -name '*.js' -exec rm -f {} +", "", Allow},
		{"find . -name '*.rs'", "", Allow},
		{"find . -path ./node_modules -prune -o -name '*.js' -print", "", Allow},
	})
}

func TestMovingCopyingTruncating(t *testing.T) {
	checkCases(t, []verdictCase{
		{"rsync -a --delete ./dist/ deploy@web1:/var/www/html/", "files.rsync-delete", Pause},
		{"rsync -av --delete empty/ /srv/data/", "files.rsync-delete", Pause},
		{"rsync -a --delete empty/ ~/", "files.rsync-delete", Pause},
		{"rsync -a --delete --exclude=.git src/ .", "files.rsync-delete", Pause},
		{"rsync -a --delete-after -e ssh ./site/ web:/srv/www/", "files.rsync-delete", Pause},
		{"rsync -a --remove-source-files /var/lib/postgresql/ backup:/pg/", "files.rsync-delete", Pause},
		{"rsync -av --delete src/ mirror/", "files.rsync-delete-local", Warn},
		{"rsync -av --delete build/ /tmp/out/", "", Allow},
		{"rsync -avn --delete src/ /srv/data/", "", Allow},
		{"rsync --dry-run --delete -a src/ host:/srv/", "", Allow},
		{"rsync -a src/ dest/", "", Allow},
		{"rsync -avz ./ user@host:/var/www/", "", Allow},
		{"mv backups /dev/null", "files.mv-dev-null", Pause},
		{"sudo mv app.db /dev/null", "files.mv-dev-null", Pause},
		{"sudo mv /etc /tmp/etc.old", "files.move-system", Pause},
		{"mv /var/lib/postgresql /tmp/", "files.move-system", Pause},
		{"mv ~ /tmp/home", "files.move-system", Pause},
		{"mv app.db.new app.db", "files.overwrite-data", Pause},
		{"cp /dev/null prod.sqlite3", "files.overwrite-data", Pause},
		{"cp empty.json ~/.ssh/id_rsa", "files.overwrite-data", Pause},
		{"mv old.txt new.txt", "", Allow},
		{"mv -n new.db app.db", "", Allow},
		{"mv data.db /tmp/", "", Allow},
		{"mv dist/ build/", "", Allow},
		{"cp file.txt backup.txt", "", Allow},
		{"cp -r src/ dst/", "", Allow},
		{"cp .env.example .env", "", Allow},
		{"truncate -s 0 app.db", "files.truncate", Pause},
		{"truncate -s0 /var/lib/redis/dump.rdb", "files.truncate", Pause},
		{"truncate --size=0 /etc/shadow", "files.truncate", Pause},
		{"truncate -s 0 app.log", "", Allow},
		{"truncate -s 0 /var/log/syslog", "", Allow},
		{"truncate -s 10G disk.img", "", Allow},
		{"truncate -s +1M app.db", "", Allow},
		{"shred -u notes.txt", "files.shred", Warn},
		{"shred -u ~/.ssh/id_rsa", "files.delete-keys", Pause},
		{"shred -u /tmp/secret.txt", "", Allow},
		{"echo '' | sudo tee /etc/passwd", "files.truncate-redirect", Pause},
		{"echo hi | sudo tee /dev/sda", "files.truncate-redirect", Pause},
		{"echo hi | tee out.txt", "", Allow},
		{"tee -a app.db < x", "", Allow},
		{": > app.db", "files.truncate-redirect", Pause},
		{": > /var/lib/mysql/ibdata1", "files.truncate-redirect", Pause},
		{": > /tmp/app.db", "", Allow},
		{"echo x > ~/.ssh/known_hosts", "", Allow},
		{"echo hello > file.txt", "", Allow},
	})
}

func TestDisksAndPermissions(t *testing.T) {
	checkCases(t, []verdictCase{
		{"dd if=/dev/zero of=/dev/sda bs=1M", "files.disk-overwrite", Pause},
		{"sudo dd if=ubuntu.iso of=/dev/disk2 bs=4m", "files.disk-overwrite", Pause},
		{"dd of=/dev/sdb if=image.img status=progress", "files.disk-overwrite", Pause},
		{"dd if=/dev/urandom of=/dev/nvme0n1", "files.disk-overwrite", Pause},
		{"sudo dd if=/dev/zero of=$DISK bs=1M", "files.disk-overwrite", Pause},
		{"dd if=/dev/zero of=app.db bs=1M count=1", "files.overwrite-data", Pause},
		{"shred -n 1 /dev/nvme0n1", "files.disk-overwrite", Pause},
		{"cp disk.img /dev/sdb", "files.disk-overwrite", Pause},
		{"dd if=/dev/zero of=test.img bs=1M count=100", "", Allow},
		{"dd if=/dev/sda of=backup.img", "", Allow},
		{"dd if=/dev/urandom bs=32 count=1 | base64", "", Allow},
		{"mkfs.ext4 /dev/sdb1", "files.format", Pause},
		{"sudo mkfs -t xfs /dev/nvme1n1", "files.format", Pause},
		{"mkfs.vfat -F 32 /dev/sdc1", "files.format", Pause},
		{"mkswap /dev/sda2", "files.format", Pause},
		{"mkfs -t ext4 $DEV", "files.format", Pause},
		{"mkfs.ext4 disk.img", "", Allow},
		{"mkswap /swapfile", "", Allow},
		{"wipefs -a /dev/sdb", "files.disk-wipe", Pause},
		{"wipefs --all --force /dev/sdb1", "files.disk-wipe", Pause},
		{"blkdiscard /dev/nvme1n1", "files.disk-wipe", Pause},
		{"sgdisk --zap-all /dev/sdc", "files.disk-wipe", Pause},
		{"wipefs /dev/sdb", "", Allow},
		{"wipefs -n -a /dev/sdb", "", Allow},
		{"fdisk /dev/sdb", "files.partition", Pause},
		{"parted -s /dev/sdb mklabel gpt", "files.partition", Pause},
		{"parted /dev/sdb rm 1", "files.partition", Pause},
		{"sfdisk /dev/sdb < layout.sfdisk", "files.partition", Pause},
		{"sfdisk --delete /dev/sda 2", "files.partition", Pause},
		{"fdisk -l", "", Allow},
		{"sudo fdisk -l /dev/sda", "", Allow},
		{"parted /dev/sda print", "", Allow},
		{"parted -l", "", Allow},
		{"sfdisk -d /dev/sda", "", Allow},
		{"sgdisk -p /dev/sda", "", Allow},
		{"lsblk", "", Allow},
		{"zfs destroy -r tank/data", "files.volume-destroy", Pause},
		{"zfs destroy tank/data@snap1", "files.volume-destroy", Pause},
		{"zpool destroy tank", "files.volume-destroy", Pause},
		{"lvremove -f /dev/vg0/data", "files.volume-destroy", Pause},
		{"cryptsetup erase /dev/sdb", "files.volume-destroy", Pause},
		{"zfs list", "", Allow},
		{"zfs destroy -n tank/data", "", Allow},
		{"zpool status", "", Allow},
		{"chmod -R 777 /", "files.permissions-broad", Pause},
		{"chmod 777 -R /", "files.permissions-broad", Pause},
		{"chown -R user:user /", "files.permissions-broad", Pause},
		{"sudo chown -R nobody:nogroup /etc", "files.permissions-broad", Pause},
		{"chmod -R 000 ~", "files.permissions-broad", Pause},
		{"chmod 777 -R ~", "files.permissions-broad", Pause},
		{"chgrp -R staff /usr", "files.permissions-broad", Pause},
		{"chmod 666 /etc/shadow", "files.permissions-broad", Pause},
		{"chmod 777 /etc/sudoers", "files.permissions-broad", Pause},
		{"chmod o+w /etc/passwd", "files.permissions-broad", Pause},
		{"chmod -R 777 ~/.ssh", "files.permissions-broad", Pause},
		{"chown -R --no-preserve-root nobody /", "files.no-preserve-root", Pause},
		{"chmod -R 777 .", "files.permissions-open", Warn},
		{"chmod -R 777 storage", "files.permissions-open", Warn},
		{"chmod -R 755 dist", "", Allow},
		{"chmod -R u+rwX .", "", Allow},
		{"chmod +x script.sh", "", Allow},
		{"chmod 600 ~/.ssh/id_rsa", "", Allow},
		{"chmod 700 ~/.ssh", "", Allow},
		{"chmod -R go-w ~/.ssh", "", Allow},
		{"chmod 644 /etc/hosts", "", Allow},
		{"chmod 1777 /tmp", "", Allow},
		{"chown -R www-data:www-data /var/www/html", "", Allow},
		{"sudo chown -R $(whoami) /usr/local", "", Allow},
		{"sudo chown -R $USER ~/.npm", "", Allow},
		{"chown root:root /etc/shadow", "", Allow},
	})
}

func TestFilesSpans(t *testing.T) {
	for _, c := range []struct {
		cmd, rule string
		want      []string
	}{
		{"rm -rf /etc", "files.delete-system", []string{"-rf", "/etc"}},
		{"sudo rm -fr ~/.ssh", "files.delete-keys", []string{"-fr", "~/.ssh"}},
		{`rm -rf "$DIR/"*`, "files.delete-unset-var", []string{"-rf", `"$DIR/"*`}},
		{"sh -c 'rm -rf /var/lib/mysql'", "files.delete-database", []string{"-rf", "/var/lib/mysql"}},
		{"dd if=/dev/zero of=/dev/sda", "files.disk-overwrite", []string{"of=/dev/sda"}},
		{"find / -name '*.db' -delete", "files.delete-data", []string{"-delete", "'*.db'"}},
		{"echo b > /proc/sysrq-trigger", "system.sysrq", []string{"/proc/sysrq-trigger"}},
	} {
		f, got, r := ruleSpanTexts(c.cmd, c.rule)
		if f == nil {
			t.Errorf("%q: no %s in %s", c.cmd, c.rule, summary(r))
			continue
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: spans %q, want %q", c.cmd, got, c.want)
		}
	}
}

func TestFilesReasonsNameTheTarget(t *testing.T) {
	for cmd, want := range map[string]string{
		"rm -rf /var/lib/postgresql/14/main": "PostgreSQL",
		`rm -rf "$DIR/"*`:                    "if $DIR is empty or unset",
		"rm -rf *":                           "cannot tell which directory",
		"rm -rf ~/projects":                  "~/projects",
		"rm app.db":                          "app.db",
		"find /backups -mtime +7 -delete":    "/backups",
		"rsync -a --delete ./dist/ deploy@web1:/var/www/html/": "deploy@web1",
	} {
		f := Command(cmd, Context{}).Top()
		if f == nil || !strings.Contains(f.Reason, want) {
			t.Errorf("%q: reason %+v does not mention %q", cmd, f, want)
			continue
		}
		if strings.HasSuffix(f.Reason, ".") || f.Reason[0] < 'a' || f.Reason[0] > 'z' {
			t.Errorf("%q: reason %q should start lowercase and not end with a period", cmd, f.Reason)
		}
	}
}

func TestWorkingDirectoryFromContext(t *testing.T) {
	for _, c := range []struct {
		cwd, cmd string
		verdict  Verdict
		inReason string
	}{
		{"/tmp/build-123", "rm -rf *", Allow, ""},
		{"/home/dev/app/dist", "rm -rf ./*", Allow, ""},
		{"/home/dev/app", "rm -rf *", Pause, "/home/dev/app"},
		{"/home/dev/app", "rm -rf .", Pause, "/home/dev/app"},
		{"/home/dev/app", "rm -rf node_modules", Allow, ""},
		{"/home/dev/app", "cd /tmp/x && rm -rf *", Allow, ""},
	} {
		r := Command(c.cmd, Context{Cwd: c.cwd})
		if r.Verdict != c.verdict {
			t.Errorf("cwd %s, %q: %v %s; want %v", c.cwd, c.cmd, r.Verdict, summary(r), c.verdict)
		}
		if c.inReason != "" && (r.Top() == nil || !strings.Contains(r.Top().Reason, c.inReason)) {
			t.Errorf("cwd %s, %q: reason should name %s: %s", c.cwd, c.cmd, c.inReason, summary(r))
		}
	}
}

func TestProtectedWordsInWorkingTreePaths(t *testing.T) {
	// src/main is code, not production: a warning stays a warning.
	if r := Command("rm -rf src/main/java/com/acme/legacy", Context{}); r.Verdict != Warn {
		t.Errorf("%v %s", r.Verdict, summary(r))
	}
	// A production path elsewhere is raised.
	if f := Command("rm -rf /srv/prod/releases/1", Context{}).Top(); f == nil || f.Severity != Critical {
		t.Errorf("%+v", f)
	}
}

func TestExpanderNeverPanics(t *testing.T) {
	for _, cmd := range []string{
		"rm -rf ${", "rm -rf $'", `rm -rf "$(`, "rm -rf `", "rm -rf ${#}", "rm -rf ${!x}", "rm -rf ${x:-${y:-/}}",
		"rm -rf $((1+2))/x", "rm -rf $'\\x2f'", "rm -rf ${X%/}/*", "rm -rf ${X:+/}", "rm -rf \"${X:?need}\"/..",
		"find", "find -exec", "find . -exec rm", "rsync --delete", "mv", "mv -t", "dd of=", "chmod", "chmod -R",
		"kill", "kill -s", "pkill", "systemctl", "crontab -", "iptables -P", "nft", "trap", "trap --", "cd ${x} && rm -rf *",
		"rm -rf ~user", "rm -rf ~/../../..", "rm -rf /./././", "rm -rf \uFFFF", "truncate -s", "mount -o remount,ro",
	} {
		Command(cmd, Context{})
		Command(cmd, Context{Cwd: "/home/u/p"})
	}
}

func BenchmarkFilesCommands(b *testing.B) {
	cmds := []string{"rm -rf node_modules", `rm -rf "$DIR/"*`, "find . -name '*.pyc' -delete", "rm -rf /var/lib/postgresql/14/main",
		"cd build && rm -rf *", "chmod -R 755 dist", "ls -la", "git status", "kill -9 $(pgrep postgres)", "systemctl status nginx"}
	for b.Loop() {
		for _, c := range cmds {
			Command(c, Context{})
		}
	}
}
