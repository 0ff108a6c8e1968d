package detect

import (
	"strings"
	"testing"
)

// ruleCase is a command and what it must produce: a rule with its verdict,
// or (rule "") nothing at all.
type ruleCase struct {
	cmd  string
	rule string
	v    Verdict
}

func checkRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		r := Command(c.cmd, Context{})
		if c.rule == "" {
			if r.Verdict != Allow {
				t.Errorf("%q: want allow, got %v %+v", c.cmd, r.Verdict, r.Findings)
			}
			continue
		}
		found := false
		for _, f := range r.Findings {
			found = found || f.Rule == c.rule
		}
		if !found || r.Verdict != c.v {
			t.Errorf("%q: want %s (%v), got %v %+v", c.cmd, c.rule, c.v, r.Verdict, r.Findings)
		}
	}
}

func TestSQLDestructiveStatements(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		// DROP DATABASE / SCHEMA / KEYSPACE
		{"psql -c 'DROP DATABASE app'", "sql.drop-database", Pause},
		{"psql -h db.internal -d postgres -c 'drop database if exists app'", "sql.drop-database", Pause},
		{`mysql -u root -p -e "DROP SCHEMA shop"`, "sql.drop-database", Pause},
		{"psql -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'", "sql.drop-database", Pause},
		{`cqlsh cassandra.internal -e "DROP KEYSPACE metrics"`, "sql.drop-database", Pause},
		{`cockroach sql --url postgres://root@crdb:26257/bank -e "DROP DATABASE bank CASCADE"`, "sql.drop-database", Pause},
		{`influx -execute 'DROP DATABASE telegraf'`, "sql.drop-database", Pause},
		// DROP TABLE, in every dialect's quoting
		{"psql -c 'DROP TABLE users'", "sql.drop-table", Pause},
		{`psql -c 'DROP TABLE "Users"'`, "sql.drop-table", Pause},
		{"mysql -e 'DROP TABLE `shop`.`orders`'", "sql.drop-table", Pause},
		{`sqlcmd -S sql1 -Q "DROP TABLE [dbo].[Orders]"`, "sql.drop-table", Pause},
		{`psql -c "dRoP tAbLe users"`, "sql.drop-table", Pause},
		{`psql -c "DROP TABLE IF EXISTS users, orders CASCADE"`, "sql.drop-table", Pause},
		{`sqlite3 app.db "drop table if exists users"`, "sql.drop-table", Pause},
		{`duckdb local.duckdb -c "DROP TABLE t"`, "sql.drop-table", Pause},
		{`clickhouse-client --query "DROP TABLE events ON CLUSTER main SYNC"`, "sql.drop-table", Pause},
		{`clickhouse client -q "DROP TABLE events"`, "sql.drop-table", Pause},
		{`snowsql -q "DROP TABLE raw.events"`, "sql.drop-table", Pause},
		{`influx -database telegraf -execute 'DROP MEASUREMENT cpu'`, "sql.drop-table", Pause},
		{`psql -c "DROP TABLE $T"`, "sql.drop-table", Pause},
		{`T=users; psql -c "DROP TABLE $T"`, "sql.drop-table", Pause},
		// TRUNCATE
		{"psql -c 'TRUNCATE users CASCADE'", "sql.truncate", Pause},
		{"psql -c 'TRUNCATE TABLE a, b RESTART IDENTITY'", "sql.truncate", Pause},
		{`mysql shop -e "truncate table orders"`, "sql.truncate", Pause},
		{`sqlcmd -S prod-sql -d Sales -Q "TRUNCATE TABLE dbo.Orders"`, "sql.truncate", Pause},
		{`cqlsh -e "TRUNCATE ks.events"`, "sql.truncate", Pause},
		// DELETE without a real WHERE
		{"psql -c 'DELETE FROM users'", "sql.delete-all", Pause},
		{`psql -c "DELETE FROM users RETURNING *"`, "sql.delete-all", Pause},
		{`mysql -e "DELETE FROM orders WHERE 1=1"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE true"`, "sql.delete-all", Pause},
		{`mysql -e "DELETE FROM sessions WHERE 1"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE 'a' = 'a'"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE (1 = 1)"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE id = 4 OR 1=1"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE 2 > 1 AND NOT false"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE name LIKE '%'"`, "sql.delete-all", Pause},
		{`psql -c "DELETE FROM sessions WHERE 1=1 -- AND id = 5"`, "sql.delete-all", Pause},
		{`mysql -e "DELETE FROM logs LIMIT 10000"`, "sql.delete-all", Pause},
		{`sqlcmd -Q "DELETE dbo.Orders"`, "sql.delete-all", Pause},
		{`bq query --use_legacy_sql=false 'DELETE FROM ds.events WHERE true'`, "sql.delete-all", Pause},
		{`clickhouse client -q "ALTER TABLE events DELETE WHERE 1"`, "sql.delete-all", Pause},
		// UPDATE without a real WHERE
		{`psql -c "UPDATE users SET email = 'test@example.com'"`, "sql.update-all", Pause},
		{`psql -c "UPDATE users SET admin = true WHERE 1 = 1"`, "sql.update-all", Pause},
		{`psql -c "UPDATE users u SET plan = (SELECT p.id FROM plans p WHERE p.name = 'free')"`, "sql.update-all", Pause},
		{`psql -c "UPDATE users SET name = $NAME"`, "sql.update-all", Pause},
		// ALTER TABLE
		{"psql -c 'ALTER TABLE users DROP COLUMN email'", "sql.drop-column", Pause},
		{`mysql -e "ALTER TABLE shop.orders DROP note"`, "sql.drop-column", Pause},
		{`psql -c "ALTER TABLE users ADD COLUMN x int, DROP COLUMN IF EXISTS y CASCADE"`, "sql.drop-column", Pause},
		{`clickhouse-client -q "ALTER TABLE events DROP PARTITION 202401"`, "sql.drop-partition", Pause},
		{`mysql -e "ALTER TABLE events TRUNCATE PARTITION p2023"`, "sql.drop-partition", Pause},
		{"psql -c 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk'", "sql.drop-constraint", Warn},
		{"mysql -e 'ALTER TABLE orders DROP FOREIGN KEY fk_user'", "sql.drop-constraint", Warn},
		// the rest of the catalogue
		{"psql -c 'DROP OWNED BY app_user CASCADE'", "sql.drop-owned", Pause},
		{"psql -c 'DROP EXTENSION postgis CASCADE'", "sql.drop-cascade", Pause},
		{"psql -c 'DROP TYPE order_status CASCADE'", "sql.drop-cascade", Pause},
		{"psql -c 'DROP TYPE order_status'", "sql.drop-object", Warn},
		{"psql -c 'DROP INDEX CONCURRENTLY idx_users_email'", "sql.drop-object", Warn},
		{"psql -c 'DROP MATERIALIZED VIEW daily_totals'", "sql.drop-object", Warn},
		{"psql -c 'DROP FUNCTION refresh_totals()'", "sql.drop-object", Warn},
		{"psql -c 'DROP ROLE analyst'", "sql.drop-role", Pause},
		{`mysql -e "DROP USER 'app'@'%'"`, "sql.drop-role", Pause},
		{`psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'app'"`, "sql.terminate-sessions", Warn},
		{"mysql -e 'KILL 42'", "sql.terminate-sessions", Warn},
		{"mysql -e 'RESET MASTER'", "sql.reset-binlog", Pause},
		// scratch objects only warn
		{"psql -c 'DROP TABLE IF EXISTS tmp_import'", "sql.drop-scratch", Warn},
		{"psql -c 'DROP TABLE staging.import_temp'", "sql.drop-scratch", Warn},
		{`mysql -e "DROP TEMPORARY TABLE IF EXISTS x"`, "sql.drop-scratch", Warn},
		{`sqlcmd -Q "DROP TABLE #work"`, "sql.drop-scratch", Warn},
		{`psql -c "CREATE TEMP TABLE stage AS SELECT 1; DROP TABLE stage"`, "sql.drop-scratch", Warn},
		{`psql -c "DROP DATABASE app_test"`, "sql.drop-scratch", Warn},
		{`psql -c "TRUNCATE tmp_rows"`, "sql.drop-scratch", Warn},
	})
}

func TestSQLBypassShapes(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		// option forms
		{`psql -qAtc "DELETE FROM sessions"`, "sql.delete-all", Pause},
		{`psql -c"DROP TABLE x"`, "sql.drop-table", Pause},
		{`psql --command="DROP TABLE x"`, "sql.drop-table", Pause},
		{`psql --command "DROP TABLE x" app`, "sql.drop-table", Pause},
		{`psql app -U admin -c "DROP TABLE x"`, "sql.drop-table", Pause},
		{`mysql -uroot -psecret -e "DROP DATABASE shop"`, "sql.drop-database", Pause},
		{`mysql -Ne "DROP DATABASE shop"`, "sql.drop-database", Pause},
		{`mysql --execute="DROP DATABASE shop"`, "sql.drop-database", Pause},
		{`mysql --init-command="DROP TABLE x" shop`, "sql.drop-table", Pause},
		{`psql -c 'SELECT 1' -c 'DROP TABLE x'`, "sql.drop-table", Pause},
		{"/usr/lib/postgresql/16/bin/psql -c 'DROP TABLE x'", "sql.drop-table", Pause},
		// wrappers and remote shells
		{"sudo -u postgres psql -c 'DROP DATABASE app'", "sql.drop-database", Pause},
		{"docker exec db psql -U app -c 'DROP DATABASE app'", "sql.drop-database", Pause},
		{"docker compose exec db psql -U app -c 'TRUNCATE orders'", "sql.truncate", Pause},
		{"kubectl exec -it pg-0 -- psql -c 'DROP TABLE x'", "sql.drop-table", Pause},
		{`ssh db1 "psql -c 'DROP TABLE x'"`, "sql.drop-table", Pause},
		{`sh -c "psql -c 'DROP TABLE x'"`, "sql.drop-table", Pause},
		{`bash -c "echo 'DROP TABLE x' | psql"`, "sql.drop-table", Pause},
		{"PGPASSWORD=secret psql postgres://admin:pw@db.internal:5432/shop -c 'TRUNCATE orders'", "sql.truncate", Pause},
		// stdin: heredoc, here-string, pipes
		{"psql <<'EOF'\nBEGIN;\nDROP TABLE invoices CASCADE;\nCOMMIT;\nEOF", "sql.drop-table", Pause},
		{"psql app <<EOF\nDELETE FROM users;\nEOF", "sql.delete-all", Pause},
		{"psql <<< 'DROP TABLE x'", "sql.drop-table", Pause},
		{"echo 'DROP TABLE x' | psql", "sql.drop-table", Pause},
		{"echo 'DROP TABLE orders;' | mysql shop", "sql.drop-table", Pause},
		{"printf 'DROP TABLE x;\\n' | psql", "sql.drop-table", Pause},
		{"cat <<'EOF' | psql\nDROP TABLE x;\nEOF", "sql.drop-table", Pause},
		{"echo 'DROP TABLE x' | docker exec -i db psql -U app", "sql.drop-table", Pause},
		{"psql -f - <<'EOF'\nDROP TABLE x;\nEOF", "sql.drop-table", Pause},
		{"sqlite3 app.db <<'EOF'\n.headers on\nDELETE FROM users;\nEOF", "sql.delete-all", Pause},
		{"redis-cli ping; psql <<'EOF'\nSELECT 1;\nTRUNCATE orders;\nEOF", "sql.truncate", Pause},
		// command substitutions whose output is known
		{"psql -c \"$(cat <<'EOF'\nTRUNCATE orders;\nEOF\n)\"", "sql.truncate", Pause},
		{`psql -c "$(echo 'DROP TABLE x')"`, "sql.drop-table", Pause},
		{`Q='DROP TABLE x'; psql -c "$Q"`, "sql.drop-table", Pause},
		// quoting and comments do not hide statements
		{`psql -c "SELECT '--'; DROP TABLE x"`, "sql.drop-table", Pause},
		{`psql -c "SELECT 1; /* */ DROP TABLE x"`, "sql.drop-table", Pause},
		{`psql -c "SELECT 1 /* ; */; DROP TABLE x"`, "sql.drop-table", Pause},
		{`psql -c "SELECT \$\$;\$\$; DROP TABLE x"`, "sql.drop-table", Pause},
		{`mysql -e "SELECT 'a\\'; DROP TABLE t; -- '"`, "sql.drop-table", Pause},
		{`mysql -e "SELECT 1 #; DROP TABLE t"`, "sql.drop-table", Pause},
		{`mysql -e "/*!50000 DROP TABLE t */"`, "sql.drop-table", Pause},
		{`psql -c "SELECT 1; DROP TABLE x; SELECT 2"`, "sql.drop-table", Pause},
		{"psql <<'EOF'\nCOPY t FROM stdin;\n1\t'x\n\\.\nDROP TABLE y;\nEOF", "sql.drop-table", Pause},
		// statements inside statements
		{`psql -c "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d"`, "sql.delete-all", Pause},
		{`psql -c "EXPLAIN ANALYZE DELETE FROM t"`, "sql.delete-all", Pause},
		{`psql -c "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1"`, "sql.update-all", Pause},
		{"psql <<'EOF'\nDO $$ BEGIN EXECUTE 'TRUNCATE ' || quote_ident('orders'); END $$;\nEOF", "sql.truncate", Pause},
		{"psql <<'EOF'\nDO $$ DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname='public' LOOP EXECUTE 'DROP TABLE ' || quote_ident(r.tablename) || ' CASCADE'; END LOOP; END $$;\nEOF", "sql.drop-table", Pause},
		{`psql -c "SELECT format('DROP TABLE %I', tablename) FROM pg_tables \gexec"`, "sql.drop-table", Pause},
		{"mysql <<'EOF'\nDELIMITER //\nCREATE PROCEDURE wipe() BEGIN DELETE FROM t; END //\nDELIMITER ;\nEOF", "sql.delete-all", Pause},
		{`mysql -e "SET @s = CONCAT('DROP TABLE ', 'users'); PREPARE st FROM @s; EXECUTE st"`, "sql.drop-table", Pause},
		{`mysql -e "PREPARE st FROM 'TRUNCATE orders'"`, "sql.truncate", Pause},
		{`psql -c "PREPARE wipe AS DELETE FROM orders"`, "sql.delete-all", Pause},
		{`sqlcmd -Q "EXEC sp_MSforeachtable 'DELETE FROM ?'"`, "sql.delete-all", Pause},
		{`sqlcmd -Q "EXEC('DROP TABLE dbo.Orders')"`, "sql.drop-table", Pause},
		{`psql -c "SELECT dblink_exec('dbname=other', 'DROP TABLE users')"`, "sql.drop-table", Pause},
		{`psql -c "CREATE FUNCTION wipe() RETURNS void AS \$\$ TRUNCATE orders \$\$ LANGUAGE sql"`, "sql.truncate", Pause},
		// queries that build destructive statements
		{`psql -Atc "SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables WHERE schemaname = 'public'"`, "sql.generated-destructive", Warn},
		{`psql -Atc "SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables WHERE schemaname = 'public'" | psql`, "sql.run-generated", Pause},
		{`mysql -N -e "SELECT CONCAT('TRUNCATE TABLE ', table_name, ';') FROM information_schema.tables WHERE table_schema = 'shop'" | mysql shop`, "sql.run-generated", Pause},
		{`psql -Atc "SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables" > /tmp/drop.sql`, "sql.run-generated", Pause},
		{`psql -Atc "SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables" -o drop.sql`, "sql.run-generated", Pause},
		// commands the client runs in a shell
		{`psql -c '\! zap x'`, "test.zap", Pause},
		{`sqlite3 app.db ".shell zap x"`, "test.zap", Pause},
		{`psql -c "COPY t TO PROGRAM 'zap x'"`, "test.zap", Pause},
		{"mysql <<'EOF'\nsystem zap x\nEOF", "test.zap", Pause},
		// SQL only known when it runs
		{`psql -c "$QUERY"`, "sql.dynamic", Warn},
		{`psql -c "DELETE FROM t $FILTER"`, "sql.dynamic", Warn},
		{"curl -s https://example.com/fix.sql | psql app", "sql.dynamic", Warn},
		{`echo "$SQL" | mysql shop`, "sql.dynamic", Warn},
		{`psql app <<< "$SQL"`, "sql.dynamic", Warn},
		{"psql app <<EOF\nDROP TABLE $T;\nEOF", "sql.drop-table", Pause},
	})
}

func TestSQLToolsAndClients(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{"dropdb app", "sql.drop-database", Pause},
		{"dropdb -h db.internal -U postgres --if-exists app", "sql.drop-database", Pause},
		{"sudo -u postgres dropdb shop", "sql.drop-database", Pause},
		{"dropdb --if-exists app_test", "sql.drop-scratch", Warn},
		{"dropdb test_app", "sql.drop-scratch", Warn},
		{"dropuser analyst", "sql.drop-role", Pause},
		{"mysqladmin -uroot -f drop shop", "sql.drop-database", Pause},
		{"mysqladmin -h db.internal -u root -p drop shop", "sql.drop-database", Pause},
		{"pg_dropcluster --stop 16 main", "sql.drop-cluster", Pause},
		{"pg_restore --clean -d app latest.dump", "sql.restore-clean", Pause},
		{"pg_restore -c --if-exists -d postgres://db.internal/app latest.dump", "sql.restore-clean", Pause},
		{`wrangler d1 execute prod-db --remote --command "DELETE FROM users"`, "sql.delete-all", Pause},
		{`turso db shell mydb "DROP TABLE t"`, "sql.drop-table", Pause},
		{`usql pg://localhost/app -c "DROP TABLE t"`, "sql.drop-table", Pause},
		{`mycli -e "DROP DATABASE shop"`, "sql.drop-database", Pause},
		{`pgcli -c "TRUNCATE orders"`, "sql.truncate", Pause},
		{`litecli app.db -e "DELETE FROM t"`, "sql.delete-all", Pause},
		{`echo "DROP TABLE t" | bq query --use_legacy_sql=false`, "sql.drop-table", Pause},
	})
}

func TestSQLStaysAllowed(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		// everyday statements
		{`psql -c "SELECT * FROM users LIMIT 10"`, "", Allow},
		{`psql -c "DELETE FROM sessions WHERE id = 5"`, "", Allow},
		{`psql -c "DELETE FROM sessions WHERE expires_at < now() - interval '30 days'"`, "", Allow},
		{`psql -c "DELETE FROM t USING u WHERE t.id = u.id"`, "", Allow},
		{`psql -c "DELETE FROM t WHERE id IN (SELECT id FROM u)"`, "", Allow},
		{`psql -c "DELETE FROM t WHERE id = $ID"`, "", Allow},
		{`psql -c "UPDATE users SET admin = true WHERE id = 3"`, "", Allow},
		{`psql -c "update t set x = 'a' where x is null"`, "", Allow},
		{`mysql -e "UPDATE a JOIN b ON a.id = b.a_id SET a.x = b.x"`, "", Allow},
		{`psql -c "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET x = 1"`, "", Allow},
		{`psql -c "CREATE TABLE t (id int REFERENCES u ON DELETE CASCADE)"`, "", Allow},
		{`psql -c "GRANT DELETE, UPDATE ON t TO app"`, "", Allow},
		{`psql -c "CREATE INDEX CONCURRENTLY idx ON t (x)"`, "", Allow},
		{`psql -c "ALTER TABLE users ADD COLUMN plan text"`, "", Allow},
		{`psql -c "ALTER TABLE users ALTER COLUMN email DROP NOT NULL"`, "", Allow},
		{`psql -c "ALTER TABLE users ALTER COLUMN plan DROP DEFAULT"`, "", Allow},
		{`psql -c "ALTER TABLE users RENAME COLUMN a TO b"`, "", Allow},
		{`psql -c "VACUUM FULL"`, "", Allow},
		{`psql -c "VACUUM ANALYZE users"`, "", Allow},
		{`psql -c "EXPLAIN DELETE FROM t"`, "", Allow},
		{`psql -c "BEGIN; UPDATE t SET x = 1 WHERE id = 2; COMMIT;"`, "", Allow},
		{`psql -c "\dt"`, "", Allow},
		{`psql -c "\d+ users"`, "", Allow},
		{"psql app", "", Allow},
		{"psql -l", "", Allow},
		{"psql --version", "", Allow},
		{`mysql -e "SHOW TABLES"`, "", Allow},
		{`sqlite3 app.db ".tables"`, "", Allow},
		{`sqlite3 app.db ".schema users"`, "", Allow},
		{`sqlite3 app.db "SELECT count(*) FROM users"`, "", Allow},
		{`duckdb local.duckdb "SELECT 1"`, "", Allow},
		{`sqlite3 :memory: "CREATE TABLE t (x); DROP TABLE t"`, "", Allow},
		{`bq query 'SELECT * FROM ds.events LIMIT 5'`, "", Allow},
		{`bq query --dry_run 'DELETE FROM ds.events WHERE true'`, "", Allow},
		{`clickhouse-client --query "SELECT count() FROM events"`, "", Allow},
		{`cqlsh -e "SELECT * FROM ks.events LIMIT 10"`, "", Allow},
		{`psql -c "SELECT 'DROP TABLE users'"`, "", Allow},
		// comments, strings and mentions
		{`psql -c "/* drop */ SELECT 1"`, "", Allow},
		{`psql -c "-- DROP TABLE x"`, "", Allow},
		{`psql -c "SELECT 1; -- DROP TABLE x"`, "", Allow},
		{`psql -c "SELECT 1 /* DROP TABLE x */"`, "", Allow},
		{`psql -c "DR/**/OP TABLE x"`, "", Allow},
		{`psql -c "INSERT INTO audit (note) VALUES ('DROP TABLE users; DELETE FROM x')"`, "", Allow},
		{`psql -c "SELECT * FROM users WHERE name = 'truncate table'"`, "", Allow},
		{`psql -c "SELECT \$\$ DROP TABLE x \$\$"`, "", Allow},
		{"psql <<'EOF'\nCOPY t FROM stdin;\n1\tDROP TABLE data;\n\\.\nSELECT 1;\nEOF", "", Allow},
		{`echo "DROP TABLE users"`, "", Allow},
		{`git commit -m "drop table users, truncate logs"`, "", Allow},
		{`grep -rn "DROP TABLE" migrations/`, "", Allow},
		{"cat <<'EOF' > migrations/002_drop.sql\nDROP TABLE old_users;\nEOF", "", Allow},
		// files and dumps are not read here
		{"psql -f migrations/001.sql", "", Allow},
		{"psql app < dump.sql", "", Allow},
		{"mysql shop < dump.sql", "", Allow},
		{"gunzip -c dump.sql.gz | psql app", "", Allow},
		{"pg_dump app | psql app_copy", "", Allow},
		{"pg_dump -Fc app -f app.pgdump", "", Allow},
		{"pg_restore -d app latest.dump", "", Allow},
		{"pg_restore -c latest.dump", "", Allow},
		{"createdb app_test", "", Allow},
		{"mysqladmin -u root status", "", Allow},
	})
}

func TestSQLSpans(t *testing.T) {
	for _, c := range []struct{ cmd, rule, want string }{
		{"psql -c 'DROP TABLE users'", "sql.drop-table", "DROP TABLE users"},
		{`psql -c "DELETE FROM sessions WHERE 1=1"`, "sql.delete-all", "DELETE FROM sessions"},
		{"psql -qAtc 'TRUNCATE orders'", "sql.truncate", "TRUNCATE orders"},
		{"psql <<'EOF'\nSELECT 1;\nDROP TABLE invoices;\nEOF", "sql.drop-table", "DROP TABLE invoices"},
		{`psql -c"DROP TABLE x"`, "sql.drop-table", "DROP TABLE x"},
		{`psql --command='ALTER TABLE t DROP COLUMN c'`, "sql.drop-column", "DROP COLUMN c"},
		{"dropdb -h db.internal app", "sql.drop-database", "dropdb"},
	} {
		r := Command(c.cmd, Context{})
		ok := false
		for _, f := range r.Findings {
			if f.Rule != c.rule {
				continue
			}
			s := f.Spans[0]
			if got := c.cmd[s.Start:s.End]; got == c.want {
				ok = true
			} else {
				t.Errorf("%q: span %v is %q, want %q", c.cmd, s, got, c.want)
			}
		}
		if !ok {
			t.Errorf("%q: no %s finding with the expected span: %+v", c.cmd, c.rule, r.Findings)
		}
	}
}

func TestSQLTargetsAndProtectedNames(t *testing.T) {
	for _, c := range []struct {
		cmd, rule, target string
		sev               Severity
	}{
		{"psql -h db.prod.internal -d app -c 'DROP TABLE users'", "sql.drop-table", "db.prod.internal/app/users", Critical},
		{"PGPASSWORD=x psql postgres://admin:secret@prod-db:5432/shop -c 'TRUNCATE orders'", "sql.truncate", "prod-db/shop/orders", Critical},
		{"PGHOST=db.internal PGDATABASE=shop psql -c 'DELETE FROM orders'", "sql.delete-all", "db.internal/shop/orders", High},
		{`psql "host=db.internal dbname=shop user=x password=y" -c 'DROP TABLE t'`, "sql.drop-table", "db.internal/shop/t", High},
		{"mysql -h mysql.internal shop -e 'DROP TABLE orders'", "sql.drop-table", "mysql.internal/shop/orders", High},
		{"psql -c 'DROP DATABASE production'", "sql.drop-database", "production", Critical},
		{"psql -d app -c '\\c billing' -c 'DROP TABLE invoices'", "sql.drop-table", "billing/invoices", High},
		{"mysql -e 'USE shop; DROP TABLE orders'", "sql.drop-table", "shop/orders", High},
		{`psql "$DATABASE_URL" -c "DROP TABLE users"`, "sql.drop-table", "$DATABASE_URL/users", High},
		{`mysql -h "$DB_HOST" -e "TRUNCATE t"`, "sql.truncate", "$DB_HOST/t", High},
	} {
		r := Command(c.cmd, Context{})
		var f *Finding
		for i := range r.Findings {
			if r.Findings[i].Rule == c.rule {
				f = &r.Findings[i]
			}
		}
		if f == nil {
			t.Errorf("%q: no %s: %+v", c.cmd, c.rule, r.Findings)
			continue
		}
		if f.Target != c.target || f.Severity != c.sev {
			t.Errorf("%q: target %q severity %v, want %q %v", c.cmd, f.Target, f.Severity, c.target, c.sev)
		}
		if strings.Contains(f.Reason, "secret") || strings.Contains(f.Target, "secret") {
			t.Errorf("%q: credentials leak into %+v", c.cmd, f)
		}
	}
}

func TestSQLReasonsNameTheConsequence(t *testing.T) {
	r := Command("psql -h db.internal -d shop -c 'DROP TABLE orders'", Context{})
	f := r.Top()
	if f == nil || !strings.Contains(f.Reason, "orders") || !strings.Contains(f.Reason, "db.internal") || strings.HasSuffix(f.Reason, ".") || f.Reason[0] < 'a' || f.Reason[0] > 'z' {
		t.Fatalf("%+v", f)
	}
	r = Command(`psql -c "DELETE FROM users WHERE 1=1"`, Context{})
	if f := r.Top(); f == nil || !strings.Contains(f.Reason, "always true") {
		t.Fatalf("%+v", r.Top())
	}
}

// sqlHits is what other analysers call for SQL they find in code.
func TestSQLHitsHelper(t *testing.T) {
	for sql, rule := range map[string]string{
		"DROP TABLE users":                      "sql.drop-table",
		"delete from sessions":                  "sql.delete-all",
		"  TRUNCATE TABLE orders; ":             "sql.truncate",
		"UPDATE accounts SET balance = 0":       "sql.update-all",
		"DROP DATABASE IF EXISTS app":           "sql.drop-database",
		"ALTER TABLE t DROP COLUMN secret_data": "sql.drop-column",
	} {
		hits := sqlHits(sql)
		if len(hits) == 0 || hits[0].Rule != rule {
			t.Errorf("%q: %+v, want %s", sql, hits, rule)
			continue
		}
		if s := hits[0].Spans[0]; s.Start < 0 || s.End > len(sql) {
			t.Errorf("%q: span %v outside the text", sql, s)
		}
	}
	// Prose and harmless SQL in strings stay quiet.
	for _, s := range []string{
		"SELECT * FROM users", "Delete from the cache when it expires", "update the docs, then set the flag",
		"Drop table support in v2", "DELETE FROM t WHERE id = %s", "UPDATE t SET a = ? WHERE id = ?", "",
	} {
		if hits := sqlHits(s); len(hits) != 0 {
			t.Errorf("%q: %+v", s, hits)
		}
	}
}

func TestSQLTrivialWhere(t *testing.T) {
	for cond, want := range map[string]bool{
		"1=1": true, "true": true, "1": true, "'a'='a'": true, "1 = 1 AND true": true, "id = id": true,
		"(1=1)": true, "id = 5 OR 1=1": true, "1 <> 2": true, "NOT false": true, "'1'": true, "1 IN (1, 2)": true,
		"name LIKE '%'": true, "NULL IS NULL": true,
		"id = 5": false, "1 = 2": false, "false": false, "0": false, "id = 5 AND 1=1": false, "x > 0": false,
		"deleted_at IS NOT NULL": false, "1 = 1 AND id = 2": false, "a BETWEEN 1 AND 2": false, "'a' = 'b'": false,
	} {
		lx := &sqlLexer{s: cond}
		var toks []sqlTok
		for {
			tk, ok := lx.next()
			if !ok {
				break
			}
			toks = append(toks, tk)
		}
		if got := trivialTrue(toks); got != want {
			t.Errorf("trivialTrue(%q) = %v, want %v", cond, got, want)
		}
	}
}

func TestParseConn(t *testing.T) {
	for in, want := range map[string][2]string{
		"postgres://user:secret@db.internal:5432/app?sslmode=require": {"db.internal", "app"},
		"postgresql://db.internal/app":                                {"db.internal", "app"},
		"mysql://root@[::1]:3306/shop":                                {"::1", "shop"},
		"host=db.internal port=5432 dbname=shop user=x":               {"db.internal", "shop"},
		"jdbc:sqlserver://sql1:1433;databaseName=Sales":               {"sql1", "Sales"},
		"jdbc:postgresql://prod-db/app":                               {"prod-db", "app"},
		"shop":                                                        {"", "shop"},
	} {
		h, d := parseConn(in)
		if h != want[0] || d != want[1] {
			t.Errorf("parseConn(%q) = %q, %q; want %q, %q", in, h, d, want[0], want[1])
		}
	}
}

func TestMigrations(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		// prisma, through every runner
		{"npx prisma migrate reset --force", "migrate.drop-database", Pause},
		{"./node_modules/.bin/prisma migrate reset", "migrate.drop-database", Pause},
		{"pnpm prisma migrate reset", "migrate.drop-database", Pause},
		{"pnpm exec prisma migrate reset --force", "migrate.drop-database", Pause},
		{"yarn prisma migrate reset --force", "migrate.drop-database", Pause},
		{"bunx prisma migrate reset --force", "migrate.drop-database", Pause},
		{"npm exec -- prisma migrate reset", "migrate.drop-database", Pause},
		{"npx -y prisma@5.22.0 migrate reset --force", "migrate.drop-database", Pause},
		{"dotenv -e .env.production -- npx prisma migrate reset --force", "migrate.drop-database", Pause},
		{"yarn prisma db push --force-reset", "migrate.wipe-data", Pause},
		{"bunx prisma db push --accept-data-loss", "migrate.accept-data-loss", Pause},
		{"npx prisma db execute --stdin <<'EOF'\nDROP TABLE users;\nEOF", "sql.drop-table", Pause},
		{"sh -c 'cd app && npx prisma migrate reset --force'", "migrate.drop-database", Pause},
		// rails and rake
		{"rails db:drop", "migrate.drop-database", Pause},
		{"bin/rails db:reset", "migrate.drop-database", Pause},
		{"bundle exec rake db:drop RAILS_ENV=production", "migrate.drop-database", Pause},
		{"RAILS_ENV=production bundle exec rails db:schema:load", "migrate.wipe-data", Pause},
		{"rails db:migrate:reset", "migrate.drop-database", Pause},
		{"bin/rails db:seed:replant", "migrate.wipe-data", Pause},
		{"rails db:drop:primary", "migrate.drop-database", Pause},
		{"rails db:migrate VERSION=0", "migrate.rollback-all", Pause},
		{"rails db:rollback STEP=2", "migrate.rollback", Warn},
		{"RAILS_ENV=test rails db:reset", "migrate.test-database", Warn},
		// django
		{"python manage.py flush --no-input", "migrate.wipe-data", Pause},
		{"python3 manage.py migrate billing zero", "migrate.rollback-all", Pause},
		{"./manage.py flush", "migrate.wipe-data", Pause},
		{"python -m django flush --settings=app.settings.production", "migrate.wipe-data", Pause},
		{"python manage.py reset_db --noinput", "migrate.drop-database", Pause},
		{"python manage.py dbshell <<'EOF'\nTRUNCATE auth_user CASCADE;\nEOF", "sql.truncate", Pause},
		{`python manage.py dbshell -- -c "DROP TABLE x"`, "sql.drop-table", Pause},
		// everything else
		{"alembic downgrade base", "migrate.rollback-all", Pause},
		{"alembic -c alembic.ini downgrade base", "migrate.rollback-all", Pause},
		{"alembic downgrade -1", "migrate.rollback", Warn},
		{"npx knex migrate:rollback --all", "migrate.rollback-all", Pause},
		{"npx knex migrate:rollback", "migrate.rollback", Warn},
		{"npx sequelize-cli db:drop", "migrate.drop-database", Pause},
		{"npx sequelize-cli db:migrate:undo:all", "migrate.rollback-all", Pause},
		{"npx typeorm schema:drop -d src/data-source.ts", "migrate.wipe-data", Pause},
		{"flyway -url=jdbc:postgresql://db/app clean", "migrate.wipe-data", Pause},
		{"liquibase dropAll", "migrate.wipe-data", Pause},
		{"npx drizzle-kit push --force", "migrate.accept-data-loss", Pause},
		{"supabase db reset", "migrate.drop-database", Pause},
		{"mix ecto.reset", "migrate.drop-database", Pause},
		{"mix ecto.rollback --all", "migrate.rollback-all", Pause},
		{"MIX_ENV=test mix ecto.reset", "migrate.test-database", Warn},
		{"php artisan migrate:fresh --seed", "migrate.wipe-data", Pause},
		{"php artisan db:wipe --force", "migrate.wipe-data", Pause},
		{"php artisan migrate:refresh", "migrate.rollback-all", Pause},
		{"php artisan migrate:rollback", "migrate.rollback", Warn},
		{"migrate -path db/migrations -database postgres://localhost/app down", "migrate.rollback-all", Pause},
		{"migrate -path db/migrations -database postgres://localhost/app down 1", "migrate.rollback", Warn},
		{"migrate -path db/migrations -database postgres://localhost/app drop -f", "migrate.wipe-data", Pause},
		{`goose postgres "dbname=app" reset`, "migrate.rollback-all", Pause},
		{"dbmate drop", "migrate.drop-database", Pause},
		{"atlas schema clean -u postgres://localhost/app", "migrate.wipe-data", Pause},
		{"sqlx database reset -y", "migrate.drop-database", Pause},
		{"diesel database reset", "migrate.drop-database", Pause},
		{"dotnet ef database drop -f", "migrate.drop-database", Pause},
		{"dotnet ef database update 0", "migrate.rollback-all", Pause},
		// ORM one-liners the framework runs
		{"rails runner 'User.delete_all'", "sql.delete-all", Pause},
		{`bin/rails r "Order.destroy_all"`, "sql.delete-all", Pause},
		{`rails runner 'ActiveRecord::Base.connection.execute("TRUNCATE users")'`, "sql.truncate", Pause},
		{`python manage.py shell -c "from app.models import Order; Order.objects.all().delete()"`, "sql.delete-all", Pause},
		{`python manage.py shell -c "User.objects.update(is_active=False)"`, "sql.update-all", Pause},
		{"python manage.py shell <<'EOF'\nfrom django.db import connection\nconnection.cursor().execute(\"DROP TABLE app_order\")\nEOF", "sql.drop-table", Pause},
	})
	checkRuleCases(t, []ruleCase{
		{"npx prisma migrate dev", "", Allow},
		{"npx prisma migrate deploy", "", Allow},
		{"npx prisma generate", "", Allow},
		{"npx prisma db push", "", Allow},
		{"npx prisma studio", "", Allow},
		{"rails db:migrate", "", Allow},
		{"rails db:create", "", Allow},
		{"bin/rails db:seed", "", Allow},
		{"rails db:test:prepare", "", Allow},
		{"bundle exec rspec", "", Allow},
		{"python manage.py migrate", "", Allow},
		{"python manage.py migrate billing 0003", "", Allow},
		{"python manage.py makemigrations", "", Allow},
		{"python manage.py sqlflush", "", Allow},
		{"python manage.py runserver", "", Allow},
		{"alembic upgrade head", "", Allow},
		{"alembic -c alembic.ini downgrade base --sql", "", Allow},
		{"npx knex migrate:latest", "", Allow},
		{"npx sequelize-cli db:migrate", "", Allow},
		{"npx typeorm migration:run -d src/data-source.ts", "", Allow},
		{"flyway migrate", "", Allow},
		{"liquibase update", "", Allow},
		{"npx drizzle-kit push", "", Allow},
		{"npx drizzle-kit generate", "", Allow},
		{"supabase db push", "", Allow},
		{"supabase start", "", Allow},
		{"mix ecto.migrate", "", Allow},
		{"php artisan migrate", "", Allow},
		{"migrate -path db/migrations -database postgres://localhost/app up", "", Allow},
		{"goose up", "", Allow},
		{"dbmate up", "", Allow},
		{"dotnet ef database update", "", Allow},
		{"pnpm rm lodash", "", Allow},
		{"pnpm install", "", Allow},
		{"yarn test", "", Allow},
		{"npm run migrate", "", Allow},
		{"echo 'run prisma migrate reset later'", "", Allow},
		{"rails runner 'User.where(active: false).delete_all'", "", Allow},
		{"rails runner 'puts User.count'", "", Allow},
		{"rails runner script/cleanup.rb", "", Allow},
		{`python manage.py shell -c "Order.objects.filter(paid=False).delete()"`, "", Allow},
		{`python manage.py shell -c "print(User.objects.count())"`, "", Allow},
		{"python script.py", "", Allow},
		{"python -m pytest -x", "", Allow},
		{"npx tsc --noEmit", "", Allow},
		{"bun run dev", "", Allow},
		{"bundle exec rails server", "", Allow},
	})
}

func TestMigrationTargets(t *testing.T) {
	for _, c := range []struct {
		cmd, target string
		sev         Severity
	}{
		{"npx prisma migrate reset --force", "the database in DATABASE_URL", High},
		{"DATABASE_URL=postgres://u:secret@prod-db/app npx prisma migrate reset --force", "prod-db/app", Critical},
		{"RAILS_ENV=production rails db:drop", "production", Critical},
		{"rails db:drop DISABLE_DATABASE_ENVIRONMENT_CHECK=1 RAILS_ENV=production", "production", Critical},
		{"dotenv -e .env.production -- npx prisma migrate reset --force", "production", Critical},
		{"php artisan migrate:fresh --env=staging", "staging", High},
	} {
		f := Command(c.cmd, Context{}).Top()
		if f == nil || f.Target != c.target || f.Severity != c.sev {
			t.Errorf("%q: %+v, want target %q severity %v", c.cmd, f, c.target, c.sev)
		}
	}
}

func FuzzSQLScan(f *testing.F) {
	for _, s := range []string{"DROP TABLE x", "DELETE FROM t WHERE 1=1", "SELECT '", "$$", "$a$ x", "/*", "--", "\\gexec", "(((", ")))", "DELETE", "ALTER TABLE t DROP", "WITH a AS (", "EXECUTE 'DROP TABLE ' ||", "COPY t FROM stdin;\n", "DELIMITER //\nx//", "format(", "DROP TABLE \uFFFF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range sqlHits(s) {
			for _, sp := range h.Spans {
				if sp.Start < 0 || sp.End > len(s) || sp.Start > sp.End {
					t.Fatalf("span %v out of range for %q", sp, s)
				}
			}
		}
		Command("psql -c "+shellQuote(s), Context{})
	})
}

func BenchmarkSQLCommand(b *testing.B) {
	cmd := "psql -h db.internal -d app -qAtc \"BEGIN; UPDATE users SET plan = 'free' WHERE id = 42; DELETE FROM sessions WHERE expires_at < now(); COMMIT;\""
	for b.Loop() {
		Command(cmd, Context{})
	}
}
