package detect

import (
	"strings"
	"testing"
)

func TestKilling(t *testing.T) {
	checkCases(t, []verdictCase{
		{"kill -9 -1", "system.kill-all", Pause},
		{"kill -KILL -1", "system.kill-all", Pause},
		{"kill -s KILL -1", "system.kill-all", Pause},
		{"kill -SIGKILL -1", "system.kill-all", Pause},
		{"sudo kill -- -1", "system.kill-all", Pause},
		{"kill -9 1", "system.kill-all", Pause},
		{"docker exec web kill 1", "system.kill-all", Pause},
		{"killall5 -9", "system.kill-all", Pause},
		{"pkill -u deploy", "system.kill-all", Pause},
		{"pkill -9 -u deploy", "system.kill-all", Pause},
		{"killall -u www-data", "system.kill-all", Pause},
		{"pkill -f .", "system.kill-all", Pause},
		{"pkill postgres", "system.stop-database", Pause},
		{"pkill -f postgres", "system.stop-database", Pause},
		{"sudo pkill -9 mysqld", "system.stop-database", Pause},
		{"pkill mongo", "system.stop-database", Pause},
		{"pkill -x redis-server", "system.stop-database", Pause},
		{"killall mysqld", "system.stop-database", Pause},
		{"killall -9 postgres", "system.stop-database", Pause},
		{"kill -9 $(pgrep postgres)", "system.stop-database", Pause},
		{"kill $(pidof mongod)", "system.stop-database", Pause},
		{"kill $(cat /var/run/postgresql/14-main.pid)", "system.stop-database", Pause},
		{"kill -9 $(lsof -t -i:5432)", "system.stop-database", Pause},
		{"lsof -ti:5432 | xargs kill -9", "system.stop-database", Pause},
		{"lsof -ti tcp:3306 | xargs kill", "system.stop-database", Pause},
		{"pgrep mongod | xargs kill -9", "system.stop-database", Pause},
		{"fuser -k 5432/tcp", "system.stop-database", Pause},
		{"ssh db1 'sudo pkill -9 postgres'", "system.stop-database", Pause},
		{"pkill sshd", "system.stop-access", Pause},
		{"killall -9 sshd", "system.stop-access", Pause},
		// Everyday.
		{"kill 1234", "", Allow},
		{"kill -9 1234", "", Allow},
		{"kill -TERM 4242 4243", "", Allow},
		{"kill %1", "", Allow},
		{"kill -1", "", Allow}, // a signal with no PID: an error, nothing dies
		{"kill -1 1234", "", Allow},
		{"kill -HUP 1", "", Allow},
		{"kill -0 1", "", Allow},
		{"kill -l", "", Allow},
		{"kill $!", "", Allow},
		{`kill "$(cat server.pid)"`, "", Allow},
		{"kill -9 $(lsof -t -i:3000)", "", Allow},
		{"lsof -ti:3000 | xargs kill -9", "", Allow},
		{"lsof -ti :8080 | xargs -r kill", "", Allow},
		{`pgrep -f "next dev" | xargs kill`, "", Allow},
		{"pkill -f my-dev-server", "", Allow},
		{`pkill -f "python manage.py runserver"`, "", Allow},
		{"pkill -f 'ssh -L 5432:localhost:5432'", "", Allow},
		{"pkill node", "", Allow},
		{"pkill -f vite", "", Allow},
		{"pkill -HUP nginx", "", Allow},
		{"pkill -HUP postgres", "", Allow},
		{"pkill -USR1 -f gunicorn", "", Allow},
		{"killall -9 node", "", Allow},
		{"killall Simulator", "", Allow},
		{"pkill memcached", "", Allow},
		{"fuser -k 3000/tcp", "", Allow},
		{"pgrep -fl postgres", "", Allow},
		{"ps aux | grep postgres", "", Allow},
	})
}

func TestServices(t *testing.T) {
	checkCases(t, []verdictCase{
		{"systemctl stop postgresql", "system.stop-database", Pause},
		{"sudo systemctl stop postgresql@14-main", "system.stop-database", Pause},
		{"sudo systemctl stop mysql.service", "system.stop-database", Pause},
		{"systemctl stop mongod redis-server", "system.stop-database", Pause},
		{"systemctl stop docker", "system.stop-database", Pause},
		{"systemctl kill -s KILL postgresql", "system.stop-database", Pause},
		{"systemctl disable --now redis-server", "system.stop-database", Pause},
		{"systemctl mask --now mariadb", "system.stop-database", Pause},
		{"service postgresql stop", "system.stop-database", Pause},
		{"sudo service mysql stop", "system.stop-database", Pause},
		{"/etc/init.d/postgresql stop", "system.stop-database", Pause},
		{"sudo /etc/init.d/redis-server stop", "system.stop-database", Pause},
		{"rc-service postgresql stop", "system.stop-database", Pause},
		{"pg_ctl stop -m immediate", "system.stop-database", Pause},
		{"pg_ctl -D /usr/local/var/postgres stop", "system.stop-database", Pause},
		{"pg_ctlcluster 14 main stop", "system.stop-database", Pause},
		{"mysqladmin -u root -p shutdown", "system.stop-database", Pause},
		{"mongod --shutdown --dbpath /data/db", "system.stop-database", Pause},
		{"ssh prod-db 'sudo systemctl stop postgresql'", "system.stop-database", Pause},
		{"systemctl stop sshd", "system.stop-access", Pause},
		{"sudo systemctl stop ssh", "system.stop-access", Pause},
		{"service networking stop", "system.stop-access", Pause},
		{"systemctl stop NetworkManager", "system.stop-access", Pause},
		{"sudo systemctl stop nginx", "system.stop-service", Warn},
		{"systemctl restart postgresql", "system.stop-service", Warn},
		{"service mysql restart", "system.stop-service", Warn},
		{"systemctl disable docker", "system.stop-service", Warn},
		{"systemctl stop myapp.service", "system.stop-service", Warn},
		{"brew services stop postgresql@16", "system.stop-service", Warn},
		{"pg_ctl restart", "system.stop-service", Warn},
		// Everyday.
		{"systemctl status postgresql", "", Allow},
		{"systemctl start postgresql", "", Allow},
		{"sudo systemctl restart nginx", "", Allow},
		{"sudo systemctl reload nginx", "", Allow},
		{"systemctl enable --now docker", "", Allow},
		{"systemctl daemon-reload", "", Allow},
		{"systemctl list-units --type=service --state=running", "", Allow},
		{"systemctl is-active postgresql", "", Allow},
		{"systemctl --user stop my-dev-server", "", Allow},
		{"systemctl --user restart pipewire", "", Allow},
		{"systemctl kill -s HUP nginx", "", Allow},
		{"journalctl -u postgresql -n 50", "", Allow},
		{"service nginx reload", "", Allow},
		{"service --status-all", "", Allow},
		{"service postgresql status", "", Allow},
		{"brew services list", "", Allow},
		{"brew services start postgresql@16", "", Allow},
		{"pg_ctl status", "", Allow},
		{"mysqladmin status", "", Allow},
	})
}

func TestShutdownAndMachineState(t *testing.T) {
	checkCases(t, []verdictCase{
		{"sudo shutdown -h now", "system.shutdown", Pause},
		{"shutdown -r +5", "system.shutdown", Pause},
		{"shutdown now", "system.shutdown", Pause},
		{"reboot", "system.shutdown", Pause},
		{"sudo reboot now", "system.shutdown", Pause},
		{"/sbin/reboot", "system.shutdown", Pause},
		{"halt", "system.shutdown", Pause},
		{"poweroff", "system.shutdown", Pause},
		{"init 0", "system.shutdown", Pause},
		{"init 6", "system.shutdown", Pause},
		{"telinit 1", "system.shutdown", Pause},
		{"systemctl reboot", "system.shutdown", Pause},
		{"systemctl poweroff -i", "system.shutdown", Pause},
		{"systemctl isolate rescue.target", "system.shutdown", Pause},
		{"systemctl start reboot.target", "system.shutdown", Pause},
		{"kexec -e", "system.shutdown", Pause},
		{"ssh web1 sudo reboot", "system.shutdown", Pause},
		{"echo b > /proc/sysrq-trigger", "system.sysrq", Pause},
		{"echo c | sudo tee /proc/sysrq-trigger", "system.sysrq", Pause},
		{"shutdown -c", "", Allow},
		{"reboot --help", "", Allow},
		{"init q", "", Allow},
		{"uptime", "", Allow},
		{"last reboot", "", Allow},
		{"echo 1 > /proc/sys/vm/drop_caches", "", Allow},

		{"crontab -r", "system.crontab-remove", Pause},
		{"crontab -ir", "system.crontab-remove", Pause},
		{"sudo crontab -u www-data -r", "system.crontab-remove", Pause},
		{"crontab /dev/null", "system.crontab-remove", Pause},
		// Installing jobs is also handing them to cron (system.run-outside,
		// outside_test.go): a pause.
		{"crontab jobs.txt", "system.crontab-replace", Pause},
		{`echo "0 3 * * * /opt/backup.sh" | crontab -`, "system.crontab-replace", Pause},
		{"crontab -l", "", Allow},
		{"crontab -e", "", Allow},
		{"crontab -u deploy -l", "", Allow},
		{`(crontab -l 2>/dev/null; echo "0 3 * * * /opt/backup.sh") | crontab -`, "system.run-outside", Pause},
		{"crontab -l | grep -v old-job | crontab -", "", Allow},

		{"iptables -F", "system.firewall-flush", Pause},
		{"sudo iptables --flush", "system.firewall-flush", Pause},
		{"iptables -t nat -F", "system.firewall-flush", Pause},
		{"iptables -X", "system.firewall-flush", Pause},
		{"ip6tables -F INPUT", "system.firewall-flush", Pause},
		{"iptables -P INPUT DROP", "system.firewall-flush", Pause},
		{"nft flush ruleset", "system.firewall-flush", Pause},
		{"nft 'flush ruleset'", "system.firewall-flush", Pause},
		{"nft delete table inet filter", "system.firewall-flush", Pause},
		{"ufw disable", "system.firewall-flush", Pause},
		{"sudo ufw --force reset", "system.firewall-flush", Pause},
		{"firewall-cmd --panic-on", "system.firewall-flush", Pause},
		{"iptables -D INPUT 3", "system.firewall-change", Warn},
		{"iptables-restore < rules.v4", "system.firewall-change", Warn},
		{"nft -f /etc/nftables.conf", "system.firewall-change", Warn},
		{"ufw delete allow 8080", "system.firewall-change", Warn},
		{"iptables -L", "", Allow},
		{"sudo iptables -nvL --line-numbers", "", Allow},
		{"iptables -S", "", Allow},
		{"iptables -A INPUT -p tcp --dport 22 -j ACCEPT", "", Allow},
		{"iptables -P FORWARD DROP", "", Allow},
		{"iptables-save > rules.v4", "", Allow},
		{"nft list ruleset", "", Allow},
		{"ufw status verbose", "", Allow},
		{"ufw allow 22/tcp", "", Allow},

		{"userdel -r deploy", "system.user-delete", Pause},
		{"sudo deluser --remove-home alice", "system.user-delete", Pause},
		{"deluser --remove-all-files bob", "system.user-delete", Pause},
		{"sudo userdel deploy", "system.user-delete-account", Warn},
		{"deluser alice sudo", "", Allow},
		{"useradd -m deploy", "", Allow},
		{"id deploy", "", Allow},

		{"sudo swapoff -a", "system.swapoff", Warn},
		{"swapon --show", "", Allow},
		{"sysctl -w net.ipv4.ip_forward=1", "system.sysctl", Warn},
		{"sudo sysctl vm.overcommit_memory=1", "system.sysctl", Warn},
		{"sysctl vm.swappiness", "", Allow},
		{"sysctl -a", "", Allow},
		{"sudo sysctl -p", "", Allow},
		{"sysctl -n kernel.hostname", "", Allow},

		{"umount /var/lib/postgresql", "system.unmount", Warn},
		{"sudo umount -l /data", "system.unmount", Warn},
		{"umount /dev/sdb1", "system.unmount", Warn},
		{"umount -a", "system.unmount-all", Pause},
		{"mount /dev/sdb1 /var/lib/mysql", "system.mount-over", Warn},
		{"mount --bind /srv/a /var/lib/mysql", "system.mount-over", Warn},
		{"mount -o remount,ro /", "system.mount-over", Warn},
		{"umount /mnt/usb", "", Allow},
		{"umount /tmp/x", "", Allow},
		{"mount", "", Allow},
		{"mount | grep sdb", "", Allow},
		{"mount /dev/sdb1 /mnt/usb", "", Allow},
		{"mount -o remount,rw /", "", Allow},
		{"mount -t tmpfs tmpfs /tmp/ram", "", Allow},
		{"df -h", "", Allow},
	})
}

func TestSystemSpans(t *testing.T) {
	for _, c := range []struct {
		cmd, rule string
		want      []string
	}{
		{"kill -9 -1", "system.kill-all", []string{"-1"}},
		{"sudo systemctl stop postgresql", "system.stop-database", []string{"stop", "postgresql"}},
		{"crontab -u www-data -r", "system.crontab-remove", []string{"-r"}},
		{"bash -c 'iptables -F'", "system.firewall-flush", []string{"-F"}},
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

func TestSystemReasons(t *testing.T) {
	for cmd, want := range map[string]string{
		"kill -9 -1":                    "every process",
		"pkill -9 mysqld":               "SIGKILL",
		"lsof -ti:5432 | xargs kill -9": "5432",
		"systemctl stop postgresql":     "postgresql",
		"crontab -r":                    "crontab",
		"iptables -t nat -F":            "nat",
		"userdel -r deploy":             "deploy",
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
