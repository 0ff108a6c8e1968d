package detect

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// SQL: the statements a command sends to a database through a client
// (psql -c, mysql -e, sqlite3 db "...", a heredoc or a pipe into the
// client, bq query, clickhouse-client, cockroach sql, sqlcmd, snowsql, ...)
// and the database tools that drop things themselves (dropdb, dropuser,
// mysqladmin drop, pg_dropcluster, pg_restore --clean).
//
// The SQL is read by a small scanner, not a parser: it tokenises the text
// the way a database would (quotes, quoted identifiers, comments, dollar
// quoting, MySQL's executable comments), splits it into statements and
// classifies each by its leading keywords. Text is read twice, once with
// PostgreSQL/standard lexical rules and once with MySQL's (backslash escapes
// in strings, "#" comments, "-- " needing a blank, "..." as a string), and
// the findings of both are kept, so a statement hidden from one dialect's
// reading by the other's quoting is still seen.
//
// sqlFindings is the entry point for other analysers that find SQL inside
// something else (a Python one-liner's cursor.execute, the "query" field of
// an HTTP API call): see its comment.

func init() {
	register(
		Rule{ID: "sql.drop-database", Category: "sql", Severity: High, Verdict: Pause,
			Description: "Drops a whole database, schema or keyspace (DROP DATABASE, DROP SCHEMA, dropdb, mysqladmin drop): every table in it and all their rows are gone.",
			Examples: []string{"psql -c 'DROP DATABASE app'", `mysql -u root -e "drop schema shop"`, "dropdb -h db.internal app",
				"mysqladmin -u root -f drop shop", `cqlsh -e "DROP KEYSPACE metrics"`, "psql -c 'DROP SCHEMA public CASCADE'"}},
		Rule{ID: "sql.drop-table", Category: "sql", Severity: High, Verdict: Pause,
			Description: "Drops a table (or another object that holds rows: a measurement, a series, a column family) with all its data.",
			Examples: []string{"psql -c 'DROP TABLE users'", "echo 'DROP TABLE orders;' | mysql shop", `sqlite3 app.db "drop table if exists users"`,
				"psql <<'EOF'\nBEGIN;\nDROP TABLE invoices CASCADE;\nCOMMIT;\nEOF"}},
		Rule{ID: "sql.drop-scratch", Category: "sql", Severity: Low, Verdict: Warn,
			Description: "Drops or empties a temporary, scratch or test table or database (DROP TEMPORARY TABLE, tmp_*, *_test databases).",
			Examples:    []string{"psql -c 'DROP TABLE IF EXISTS tmp_import'", "dropdb --if-exists app_test"}},
		Rule{ID: "sql.drop-object", Category: "sql", Severity: Medium, Verdict: Warn,
			Description: "Drops a schema object that holds no rows of its own (an index, a view, a function, a sequence, a trigger): recoverable by recreating it, but queries or applications may break meanwhile.",
			Examples:    []string{"psql -c 'DROP INDEX idx_users_email'", "psql -c 'DROP VIEW active_users'"}},
		Rule{ID: "sql.drop-cascade", Category: "sql", Severity: High, Verdict: Pause,
			Description: "Drops a type, domain or extension with CASCADE, which also drops every column and table that uses it.",
			Examples:    []string{"psql -c 'DROP EXTENSION postgis CASCADE'", "psql -c 'DROP TYPE order_status CASCADE'"}},
		Rule{ID: "sql.drop-owned", Category: "sql", Severity: High, Verdict: Pause,
			Description: "DROP OWNED BY drops every object a role owns, tables and their rows included.",
			Examples:    []string{"psql -c 'DROP OWNED BY app_user CASCADE'"}},
		Rule{ID: "sql.drop-role", Category: "sql", Severity: Medium, Verdict: Pause,
			Description: "Drops a database user or role: whoever logs in with it (an application, a job) loses access at once, and its password and grants are gone with it.",
			Examples:    []string{"psql -c 'DROP ROLE analyst'", "dropuser analyst"}},
		Rule{ID: "sql.truncate", Category: "sql", Severity: High, Verdict: Pause,
			Description: "TRUNCATE empties a table at once; outside a transaction it cannot be rolled back and skips DELETE triggers.",
			Examples:    []string{"psql -c 'TRUNCATE users CASCADE'", `mysql shop -e "truncate table orders"`}},
		Rule{ID: "sql.delete-all", Category: "sql", Severity: High, Verdict: Pause,
			Description: "DELETE without a WHERE clause, or with one that is always true (WHERE 1=1), deletes every row of the table.",
			Examples:    []string{"psql -c 'DELETE FROM users'", `mysql -e "DELETE FROM orders WHERE 1=1"`, `sqlite3 app.db "delete from sessions where true"`}},
		Rule{ID: "sql.update-all", Category: "sql", Severity: High, Verdict: Pause,
			Description: "UPDATE without a WHERE clause, or with one that is always true, overwrites the column in every row; the old values are gone.",
			Examples:    []string{`psql -c "UPDATE users SET email = 'test@example.com'"`}},
		Rule{ID: "sql.drop-column", Category: "sql", Severity: High, Verdict: Pause,
			Description: "ALTER TABLE … DROP COLUMN deletes the column and every value in it.",
			Examples:    []string{"psql -c 'ALTER TABLE users DROP COLUMN email'", `mysql -e "ALTER TABLE shop.orders DROP note"`}},
		Rule{ID: "sql.drop-partition", Category: "sql", Severity: High, Verdict: Pause,
			Description: "ALTER TABLE … DROP/TRUNCATE PARTITION deletes the rows stored in the partition.",
			Examples:    []string{`clickhouse-client -q "ALTER TABLE events DROP PARTITION 202401"`}},
		Rule{ID: "sql.drop-constraint", Category: "sql", Severity: Medium, Verdict: Warn,
			Description: "ALTER TABLE … DROP CONSTRAINT/INDEX/KEY removes a safety net or an index; the data stays.",
			Examples:    []string{"psql -c 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk'"}},
		Rule{ID: "sql.terminate-sessions", Category: "sql", Severity: Medium, Verdict: Warn,
			Description: "Terminates other database sessions (pg_terminate_backend, KILL): their open transactions roll back.",
			Examples:    []string{`psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'app'"`, "mysql -e 'KILL 42'"}},
		Rule{ID: "sql.reset-binlog", Category: "sql", Severity: High, Verdict: Pause,
			Description: "RESET MASTER deletes every binary log: point-in-time recovery and replicas depend on them.",
			Examples:    []string{"mysql -e 'RESET MASTER'"}},
		Rule{ID: "sql.dynamic", Category: "sql", Severity: Medium, Verdict: Warn,
			Description: "Sends a database SQL that is only known when the command runs (a variable, another program's output).",
			Examples:    []string{`psql -c "$QUERY"`, "curl -s https://example.com/fix.sql | psql app"}},
		Rule{ID: "sql.generated-destructive", Category: "sql", Severity: Medium, Verdict: Warn,
			Description: "A query builds destructive statements (SELECT 'DROP TABLE ' || tablename …): whatever runs its output drops or empties every table it lists.",
			Examples:    []string{`psql -Atc "SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables WHERE schemaname = 'public'"`}},
		Rule{ID: "sql.run-generated", Category: "sql", Severity: High, Verdict: Pause,
			Description: "Pipes the destructive statements a query generates (SELECT 'DROP TABLE ' || tablename …) into a SQL client, or saves them to a file to run next: every table the query lists is dropped or emptied.",
			Examples: []string{`psql -Atc "SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables WHERE schemaname = 'public'" | psql`,
				`psql -Atc "SELECT 'TRUNCATE ' || tablename || ';' FROM pg_tables" > /tmp/wipe.sql`}},
		Rule{ID: "sql.restore-clean", Category: "sql", Severity: High, Verdict: Pause,
			Description: "pg_restore --clean drops the database objects before recreating them from the dump: whatever was written since the dump is lost.",
			Examples:    []string{"pg_restore --clean -d app latest.dump"}},
		Rule{ID: "sql.drop-cluster", Category: "sql", Severity: Critical, Verdict: Pause,
			Description: "pg_dropcluster deletes a PostgreSQL cluster's data directory: every database in it.",
			Examples:    []string{"pg_dropcluster --stop 16 main"}},
	)
	for name, c := range sqlClients {
		c := c
		handle(func(inv *Invocation) { analyseSQLClient(inv, c) }, name)
	}
	handle(analyseClickhouse, "clickhouse")
	handle(analyseCockroach, "cockroach")
	handle(analyseDropdb, "dropdb")
	handle(analyseDropuser, "dropuser")
	handle(analyseMysqladmin, "mysqladmin", "mariadb-admin")
	handle(analysePgDropcluster, "pg_dropcluster")
	handle(analysePgRestore, "pg_restore")
	handle(analyseBq, "bq")
	handle(analyseWrangler, "wrangler")
	handle(analyseTurso, "turso")
}

// ---- The entry points for other analysers ----

// sqlConn says where SQL runs, for targets and reasons. Never holds
// credentials.
type sqlConn struct {
	Host string // server, when known
	DB   string // database (or SQLite file), when known
}

// sqlHit is one destructive statement found in a SQL text.
type sqlHit struct {
	Rule   string // a sql.* rule id; catalogue[Rule] has its verdict and severity
	Target string // host/database/object, as far as known
	Reason string // one sentence, lowercase start, no final period
	Spans  []Span // in the analysed command
}

// sqlFindings flags, on inv, every destructive statement in sql, a text
// that inv sends to a database to run: a client's -c/-e argument, a
// heredoc, the string a one-liner passes to cursor.execute(), the "query"
// field of an SQL-over-HTTP API. o maps byte offsets of sql back to the
// command (originOf(inv.Args[i]) for an argument whose value is the SQL,
// inv.Stdin.origin for stdin, origin{whole: span} for text that was
// decoded or assembled). It returns how many findings it reported.
//
// Only pass text that is SQL by position: prose ("drop table if you
// must") is mostly rejected by the statement grammar, but not always.
// Commands hidden in the SQL (psql's \! and COPY … PROGRAM, sqlite3's
// .shell) are analysed as shell through inv.
func sqlFindings(inv *Invocation, sql string, o origin) int {
	return sqlFindingsIn(inv, sql, o, sqlConn{})
}

// sqlFindingsIn is sqlFindings with what is known about the connection.
func sqlFindingsIn(inv *Invocation, sql string, o origin, conn sqlConn) int {
	hits := scanSQL(inv, sql, o, conn)
	for _, h := range hits {
		inv.Flag(h.Rule, h.Target, h.Reason, h.Spans...)
	}
	return len(hits)
}

// sqlHits classifies the statements of sql without reporting anything:
// for analysers that want to map SQL findings to rules of their own.
// Spans are byte ranges of sql itself.
func sqlHits(sql string) []sqlHit {
	return scanSQL(nil, sql, origin{exact: true}, sqlConn{})
}

// scanSQL reads sql with both dialects' lexical rules and merges what
// either reading finds.
func scanSQL(inv *Invocation, sql string, o origin, conn sqlConn) []sqlHit {
	hits, _ := scanSQLConn(inv, sql, o, conn)
	return hits
}

// scanSQLConn is scanSQL that also returns the connection as the text
// leaves it (USE db, \c db), for clients that run several texts in one
// session.
func scanSQLConn(inv *Invocation, sql string, o origin, conn sqlConn) ([]sqlHit, sqlConn) {
	if strings.TrimSpace(sql) == "" {
		return nil, conn
	}
	if len(sql) > maxSQLText {
		sql = sql[:maxSQLText]
	}
	a := newSQLScanner(inv, sql, o, conn, false)
	a.run()
	conn.DB = a.db
	if !dialectsDiffer(sql) {
		return a.hits, conn
	}
	b := newSQLScanner(inv, sql, o, conn, true)
	b.run()
	hits := a.hits
	for _, h := range b.hits {
		dup := false
		for _, g := range a.hits {
			if g.Rule == h.Rule && g.Target == h.Target {
				dup = true
				break
			}
		}
		if !dup {
			hits = append(hits, h)
		}
	}
	return hits, conn
}

// dialectsDiffer reports whether MySQL's lexical rules could read sql
// differently from PostgreSQL's in a way that shows more statements:
// backslash escapes, dollar signs, "--" without a blank, /*! comments,
// [brackets], the mysql client's system command.
func dialectsDiffer(sql string) bool {
	if strings.ContainsAny(sql, "\\$[") || strings.Contains(sql, "/*!") {
		return true
	}
	for i := strings.Index(sql, "--"); i >= 0; {
		if i+2 < len(sql) && !isBlankByte(sql[i+2]) {
			return true
		}
		j := strings.Index(sql[i+2:], "--")
		if j < 0 {
			break
		}
		i += 2 + j
	}
	for i := 0; i+6 <= len(sql); i++ {
		if (sql[i] == 's' || sql[i] == 'S') && strings.EqualFold(sql[i:i+6], "system") {
			return true
		}
	}
	return false
}

// maxSQLText bounds the SQL read from one text (a restored dump piped in
// as a heredoc could be large); the scanner is linear, this only bounds
// the work.
const maxSQLText = 1 << 20

// ---- Lexer ----

type sqlKind uint8

const (
	sqlWord   sqlKind = iota + 1 // keyword or bare identifier (may hold unknown)
	sqlIdent                     // "quoted", `quoted` or [quoted] identifier
	sqlString                    // '…', E'…', $tag$…$tag$ (and "…" for MySQL)
	sqlNumber
	sqlPunct
	sqlMeta // a client command: psql/mysql \x, sqlite3 .x; to the end of the line
)

type sqlTok struct {
	kind       sqlKind
	text       string // words, punctuation, meta: as written; strings, identifiers: the content
	up         string // words: upper case
	start, end int    // byte range in the scanned text
	cstart     int    // strings: where the content starts
	verbatim   bool   // strings: the content is text[cstart:cstart+len(text)]
	line       bool   // first token on its line
}

type sqlLexer struct {
	s      string
	i      int
	mysql  bool
	line   bool // only blanks since the last newline
	inExec bool // inside MySQL's /*! … */
	delim  string
}

func (lx *sqlLexer) at(k int) byte {
	if j := lx.i + k; j >= 0 && j < len(lx.s) {
		return lx.s[j]
	}
	return 0
}

func isSQLWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '@' || c >= 0x80
}

func isBlankByte(c byte) bool { return c == 0 || c <= ' ' }

func (lx *sqlLexer) skipBlank() {
	s := lx.s
	for lx.i < len(s) {
		c := s[lx.i]
		switch {
		case c == '\n':
			lx.line = true
			lx.i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.i++
		case c == '-' && lx.at(1) == '-' && (!lx.mysql || isBlankByte(lx.at(2))):
			lx.toEOL()
		case c == '#' && (lx.mysql || lx.line && !isSQLWordByte(lx.at(1)) && lx.at(1) != '#'):
			lx.toEOL()
		case c == '/' && lx.at(1) == '*':
			if lx.mysql && lx.at(2) == '!' {
				lx.i += 3
				for lx.i < len(s) && s[lx.i] >= '0' && s[lx.i] <= '9' {
					lx.i++
				}
				lx.inExec = true
				continue
			}
			if e := strings.Index(s[lx.i+2:], "*/"); e >= 0 {
				lx.i += e + 4
			} else {
				lx.i = len(s)
			}
		case c == '*' && lx.at(1) == '/' && lx.inExec:
			lx.i += 2
			lx.inExec = false
		default:
			return
		}
	}
}

func (lx *sqlLexer) toEOL() {
	if e := strings.IndexByte(lx.s[lx.i:], '\n'); e >= 0 {
		lx.i += e
	} else {
		lx.i = len(lx.s)
	}
}

func (lx *sqlLexer) restOfLine() (string, int) {
	start := lx.i
	lx.toEOL()
	return lx.s[start:lx.i], start
}

func (lx *sqlLexer) next() (sqlTok, bool) {
	lx.skipBlank()
	s := lx.s
	if lx.i >= len(s) {
		return sqlTok{}, false
	}
	t := sqlTok{start: lx.i, line: lx.line}
	lx.line = false
	c := s[lx.i]
	switch {
	case lx.delim != "" && strings.HasPrefix(s[lx.i:], lx.delim):
		lx.i += len(lx.delim)
		t.kind, t.text = sqlPunct, ";"
	case c == '\'':
		lx.quoted(&t, '\'', lx.mysql)
	case (c == 'E' || c == 'e') && lx.at(1) == '\'':
		lx.i++
		lx.quoted(&t, '\'', true)
	case (c == 'N' || c == 'n' || c == 'X' || c == 'x' || c == 'B' || c == 'b') && lx.at(1) == '\'':
		lx.i++
		lx.quoted(&t, '\'', lx.mysql)
	case c == '"':
		lx.quoted(&t, '"', lx.mysql)
		if !lx.mysql {
			t.kind = sqlIdent
		}
	case c == '`':
		lx.quoted(&t, '`', false)
		t.kind = sqlIdent
	case c == '[' && !lx.mysql && lx.at(1) != ']':
		if e := strings.IndexByte(s[lx.i+1:], ']'); e >= 0 && !strings.ContainsAny(s[lx.i+1:lx.i+1+e], "\n;") {
			t.kind, t.text = sqlIdent, s[lx.i+1:lx.i+1+e]
			lx.i += e + 2
		} else {
			lx.i++
			t.kind, t.text = sqlPunct, "["
		}
	case c == '$' && !lx.mysql && lx.dollar(&t):
	case c == '\\':
		lx.meta(&t)
	case c == '.' && t.line && (lx.at(1) >= 'a' && lx.at(1) <= 'z'):
		lx.meta(&t) // a sqlite3 dot command
	case c >= '0' && c <= '9':
		for lx.i < len(s) && (isSQLWordByte(s[lx.i]) || s[lx.i] == '.' && lx.i+1 < len(s) && s[lx.i+1] >= '0' && s[lx.i+1] <= '9') {
			lx.i++
		}
		t.kind, t.text = sqlNumber, s[t.start:lx.i]
	case isSQLWordByte(c) || c == '#' && !lx.mysql:
		for lx.i < len(s) && s[lx.i] == '#' {
			lx.i++
		}
		for lx.i < len(s) && isSQLWordByte(s[lx.i]) {
			lx.i++
		}
		t.kind, t.text = sqlWord, s[t.start:lx.i]
		t.up = strings.ToUpper(t.text)
	default:
		n := 1
		if strings.HasPrefix(s[lx.i:], "<=>") {
			n = 3
		} else if lx.i+1 < len(s) {
			switch s[lx.i : lx.i+2] {
			case "<>", "!=", "<=", ">=", "||", "::", "==":
				n = 2
			}
		}
		t.kind, t.text = sqlPunct, s[lx.i:lx.i+n]
		lx.i += n
	}
	t.end = lx.i
	return t, true
}

// quoted reads a quoted string or identifier starting at the quote.
func (lx *sqlLexer) quoted(t *sqlTok, q byte, backslash bool) {
	s := lx.s
	lx.i++
	t.kind, t.cstart, t.verbatim = sqlString, lx.i, true
	// The common case: no escapes, the content is a slice of the text.
	for j := lx.i; j < len(s); j++ {
		if s[j] == '\\' && backslash || s[j] == q && j+1 < len(s) && s[j+1] == q {
			break
		}
		if s[j] == q {
			t.text = s[lx.i:j]
			lx.i = j + 1
			return
		}
		if j == len(s)-1 {
			t.text = s[lx.i:]
			lx.i = len(s)
			return
		}
	}
	var b strings.Builder
	for lx.i < len(s) {
		c := s[lx.i]
		if c == '\\' && backslash && lx.i+1 < len(s) {
			t.verbatim = false
			switch e := s[lx.i+1]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			default:
				b.WriteByte(e)
			}
			lx.i += 2
			continue
		}
		if c == q {
			if lx.i+1 < len(s) && s[lx.i+1] == q {
				t.verbatim = false
				b.WriteByte(q)
				lx.i += 2
				continue
			}
			lx.i++
			t.text = b.String()
			return
		}
		b.WriteByte(c)
		lx.i++
	}
	t.text = b.String() // unterminated: runs to the end
}

// dollar reads a PostgreSQL dollar-quoted string ($$…$$, $tag$…$tag$).
func (lx *sqlLexer) dollar(t *sqlTok) bool {
	s := lx.s
	j := lx.i + 1
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '_' || s[j] >= 0x80 || j > lx.i+1 && s[j] >= '0' && s[j] <= '9') {
		j++
	}
	if j >= len(s) || s[j] != '$' {
		return false
	}
	tag := s[lx.i : j+1]
	body := j + 1
	t.kind, t.cstart, t.verbatim = sqlString, body, true
	if k := strings.Index(s[body:], tag); k >= 0 {
		t.text = s[body : body+k]
		lx.i = body + k + len(tag)
	} else {
		t.text = s[body:]
		lx.i = len(s)
	}
	return true
}

// meta reads a client command to the end of its line.
func (lx *sqlLexer) meta(t *sqlTok) {
	start := lx.i
	lx.toEOL()
	t.kind, t.text, t.cstart = sqlMeta, lx.s[start:lx.i], start
}

// skipCopyData skips the rows that follow COPY … FROM STDIN, up to the
// line "\.".
func (lx *sqlLexer) skipCopyData() {
	s := lx.s
	nl := strings.IndexByte(s[lx.i:], '\n')
	if nl < 0 {
		return
	}
	p := lx.i + nl + 1
	for p < len(s) {
		e := strings.IndexByte(s[p:], '\n')
		line := s[p:]
		if e >= 0 {
			line = s[p : p+e]
		}
		if strings.TrimRight(line, "\r \t") == `\.` {
			lx.i = p + len(line)
			return
		}
		if e < 0 {
			break
		}
		p += e + 1
	}
	lx.i = len(s)
}

// ---- Scanner: statements and their classification ----

type sqlScanner struct {
	inv      *Invocation // nil: no shell analysis (sqlHits, probes)
	text     string
	o        origin
	mysql    bool
	depth    int
	conn     sqlConn
	db       string          // current database (USE, \c)
	temps    map[string]bool // tables this text created as temporary
	hits     []sqlHit
	dyn      bool // sql.dynamic reported
	probe    bool
	depthBuf []int
}

func newSQLScanner(inv *Invocation, text string, o origin, conn sqlConn, mysql bool) *sqlScanner {
	return &sqlScanner{inv: inv, text: text, o: o, mysql: mysql, conn: conn, db: conn.DB}
}

// child scans text nested in the current one (a DO body, an EXECUTE
// string) with what the parent knows.
func (sc *sqlScanner) child(text string, o origin) *sqlScanner {
	c := *sc
	c.text, c.o, c.depth, c.hits, c.dyn, c.depthBuf = text, o, sc.depth+1, nil, false, nil
	if c.temps == nil {
		sc.temps = map[string]bool{}
		c.temps = sc.temps
	}
	return &c
}

func (sc *sqlScanner) nested(text string, o origin) {
	if sc.depth >= 4 || strings.TrimSpace(text) == "" {
		return
	}
	c := sc.child(text, o)
	c.run()
	sc.hits = append(sc.hits, c.hits...)
	sc.db = c.db
}

// sub is the origin of a string token's content.
func (sc *sqlScanner) sub(t sqlTok) origin {
	if t.verbatim && sc.o.exact {
		return origin{base: sc.o.base + t.cstart, exact: true}
	}
	return origin{whole: sc.o.span(t.start, t.end)}
}

func (sc *sqlScanner) run() {
	lx := &sqlLexer{s: sc.text, mysql: sc.mysql, line: true}
	st := make([]sqlTok, 0, 16)
	for {
		t, ok := lx.next()
		if !ok {
			break
		}
		switch t.kind {
		case sqlPunct:
			if t.text == ";" {
				sc.statement(st, "")
				if isCopyFromStdin(st) {
					lx.skipCopyData()
				}
				st = st[:0]
				continue
			}
		case sqlMeta:
			name := metaName(t.text)
			sc.meta(t, name)
			switch name {
			case "g", "gx", "G", "gexec", "gset", "crosstabview", "watch":
				sc.statement(st, name)
				st = st[:0]
			case "gdesc", "r", "reset":
				st = st[:0] // described or discarded, not run
			case "copy":
				if copyStdinRE.MatchString(t.text) {
					lx.skipCopyData()
				}
			}
			continue
		case sqlWord:
			if len(st) == 0 && t.line {
				switch strings.ToUpper(t.text) {
				case "DELIMITER":
					d, _ := lx.restOfLine()
					if d = strings.TrimSpace(d); d == ";" {
						d = ""
					}
					lx.delim = d
					continue
				case "SYSTEM":
					if sc.mysql { // the mysql client's shell escape
						cmd, off := lx.restOfLine()
						sc.shell(cmd, sc.subRange(off, off+len(cmd)))
						continue
					}
				}
			}
		}
		st = append(st, t)
	}
	sc.statement(st, "")
}

func (sc *sqlScanner) subRange(start, end int) origin {
	if sc.o.exact {
		return origin{base: sc.o.base + start, exact: true}
	}
	return origin{whole: sc.o.whole}
}

var copyStdinRE = lazyRegexp(`(?i)\bfrom\s+stdin\b`)

func isCopyFromStdin(st []sqlTok) bool {
	if len(st) == 0 || !strings.EqualFold(st[0].text, "COPY") || st[0].kind != sqlWord {
		return false
	}
	for i := 1; i+1 < len(st); i++ {
		if strings.EqualFold(st[i].text, "FROM") && strings.EqualFold(st[i+1].text, "STDIN") {
			return true
		}
	}
	return false
}

func metaName(text string) string {
	if len(text) < 2 {
		return ""
	}
	if text[1] == '!' {
		return "!"
	}
	j := 1
	for j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z') {
		j++
	}
	return text[1:j]
}

var (
	metaProgramRE = lazyRegexp(`(?i)\bprogram\s+(?:'([^']*)'|"([^"]*)")`)
	metaPipeRE    = lazyRegexp(`^\\[a-z]+\s+\|(.*)$`)
)

// meta handles a client command: shell escapes and connection changes.
func (sc *sqlScanner) meta(t sqlTok, name string) {
	text := t.text
	switch name {
	case "!":
		sc.shell(text[2:], sc.subRange(t.cstart+2, t.end))
	case "shell", "system":
		if text[0] == '.' {
			sc.shell(text[1+len(name):], sc.subRange(t.cstart+1+len(name), t.end))
		}
	case "c", "connect", "u":
		if f := strings.Fields(text); len(f) > 1 && !strings.Contains(f[1], "=") {
			sc.db = strings.Trim(f[1], `"'`)
		}
	case "copy":
		if m := metaProgramRE.FindStringSubmatchIndex(text); m != nil {
			s, e := m[2], m[3]
			if s < 0 {
				s, e = m[4], m[5]
			}
			sc.shell(text[s:e], sc.subRange(t.cstart+s, t.cstart+e))
		}
	case "o", "out", "g", "gx", "w", "write":
		if m := metaPipeRE.FindStringSubmatchIndex(text); m != nil {
			sc.shell(text[m[2]:m[3]], sc.subRange(t.cstart+m[2], t.cstart+m[3]))
		}
	}
}

// shell analyses a command a SQL client runs in a shell.
func (sc *sqlScanner) shell(cmd string, o origin) {
	if sc.inv == nil || sc.probe || strings.TrimSpace(cmd) == "" {
		return
	}
	sc.inv.Analyze(cmd, o)
}

// sqlStmt is one statement's tokens with their parenthesis depth.
type sqlStmt struct {
	t     []sqlTok
	depth []int // depth[k]: open parentheses before token k
	term  string
}

func (s *sqlStmt) up(k int) string {
	if k < 0 || k >= len(s.t) {
		return ""
	}
	return s.t[k].up
}

func (s *sqlStmt) kw(k int, words ...string) bool {
	u := s.up(k)
	if u == "" {
		return false
	}
	for _, w := range words {
		if u == w {
			return true
		}
	}
	return false
}

func (s *sqlStmt) punct(k int, p string) bool {
	return k >= 0 && k < len(s.t) && s.t[k].kind == sqlPunct && s.t[k].text == p
}

// end is where the statement starting at k ends: the parenthesis that
// encloses it, or the end.
func (s *sqlStmt) end(k int) int {
	d := s.depth[k]
	if d == 0 {
		return len(s.t)
	}
	for j := k + 1; j < len(s.t); j++ {
		if s.depth[j] == d && s.punct(j, ")") {
			return j
		}
	}
	return len(s.t)
}

// find returns the first token in [from,to) at depth d that is one of
// the keywords, or -1.
func (s *sqlStmt) find(from, to, d int, words ...string) int {
	for j := from; j < to && j < len(s.t); j++ {
		if s.depth[j] == d && s.kw(j, words...) {
			return j
		}
	}
	return -1
}

// matching is the index of the parenthesis closing the one at k.
func (s *sqlStmt) matching(k int) int {
	d := s.depth[k]
	for j := k + 1; j < len(s.t); j++ {
		if s.depth[j] == d+1 && s.punct(j, ")") {
			return j
		}
	}
	return len(s.t) - 1
}

var sqlReserved = wordSet(`WHERE FROM SET AND OR NOT CASCADE RESTRICT IF EXISTS ON USING RETURNING LIMIT ORDER GROUP BY END ELSE
	THEN WHEN SELECT VALUES TABLE AS JOIN INNER LEFT RIGHT OUTER CROSS FULL NATURAL WITH ONLY PURGE INTO NULL TRUE FALSE TO IN IS
	LIKE BETWEEN CASE RESTART CONTINUE IDENTITY PARTITION OUTPUT OPTION OFFSET HAVING UNION ALL DISTINCT FOR COLUMN CONSTRAINT
	DEFAULT PRIMARY FOREIGN KEY CHECK UNIQUE INDEX ADD DROP ALTER RENAME TEMPORARY TEMP DELETE UPDATE INSERT TRUNCATE CREATE
	BEGIN COMMIT ROLLBACK SYNC`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// qname reads a (qualified) name at k: the name, the index after it and
// the index of its last token.
func (s *sqlStmt) qname(k, end int) (string, int, int, bool) {
	var parts []string
	last := k
	for k < end {
		t := s.t[k]
		var part string
		switch {
		case t.kind == sqlWord && !sqlReserved[strings.ToUpper(t.text)]:
			part = t.text
		case t.kind == sqlIdent:
			part = t.text
		case t.kind == sqlPunct && t.text == ":" && k+1 < end && s.t[k+1].kind != sqlPunct:
			// a psql variable (:tbl, :"tbl")
			part = ":" + s.t[k+1].text
			k++
		default:
			return strings.Join(parts, "."), k, last, len(parts) > 0
		}
		parts = append(parts, part)
		last = k
		k++
		if k < end && s.punct(k, ".") {
			k++
			continue
		}
		break
	}
	return strings.Join(parts, "."), k, last, len(parts) > 0
}

// nameList reads name [, name]... (each optionally followed by *).
func (s *sqlStmt) nameList(k, end int) ([]string, int, int) {
	var names []string
	last := k
	for {
		if s.kw(k, "ONLY") {
			k++
		}
		n, next, l, ok := s.qname(k, end)
		if !ok {
			return names, k, last
		}
		names, k, last = append(names, n), next, l
		if s.punct(k, "*") {
			last = k
			k++
		}
		if !s.punct(k, ",") {
			return names, k, last
		}
		k++
	}
}

func (sc *sqlScanner) statement(toks []sqlTok, term string) {
	if len(toks) == 0 {
		return
	}
	if cap(sc.depthBuf) < len(toks)+1 {
		sc.depthBuf = make([]int, len(toks)+1, 2*len(toks)+2)
	}
	s := &sqlStmt{t: toks, depth: sc.depthBuf[:len(toks)+1], term: term}
	s.depth[0] = 0
	for k, t := range toks {
		d := s.depth[k]
		if t.kind == sqlPunct {
			if t.text == "(" {
				d++
			} else if t.text == ")" && d > 0 {
				d--
			}
		}
		s.depth[k+1] = d
	}
	if first := toks[0]; first.kind == sqlWord && strings.Contains(first.text, unknown) && strings.Trim(first.text, unknown) == "" {
		sc.dynamic(first.start, lastEnd(toks), "its statements are only known when it runs")
	}
	for k := range toks {
		if s.verbAt(k) {
			sc.verb(s, k)
		}
	}
	sc.wholeStatement(s)
}

func lastEnd(toks []sqlTok) int { return toks[len(toks)-1].end }

// subVerbs may start a statement inside parentheses (a CTE, a subquery).
var subVerbs = wordSet("DELETE UPDATE WITH SELECT INSERT")

// verbAt reports whether a statement may start at token k: the first
// token, inside parentheses, or after a procedural keyword (BEGIN … END
// bodies of triggers, functions and DO blocks).
func (s *sqlStmt) verbAt(k int) bool {
	if s.t[k].kind != sqlWord {
		return false
	}
	if k == 0 {
		return true
	}
	if s.punct(k-1, "(") {
		return subVerbs[s.up(k)]
	}
	switch s.up(k - 1) {
	case "BEGIN", "THEN", "ELSE", "LOOP", "ATOMIC":
		return true
	}
	return false
}

func (sc *sqlScanner) verb(s *sqlStmt, k int) {
	switch s.up(k) {
	case "DROP":
		sc.drop(s, k)
	case "TRUNCATE":
		sc.truncate(s, k)
	case "DELETE":
		sc.delete(s, k)
	case "UPDATE":
		sc.update(s, k)
	case "ALTER":
		if s.kw(k+1, "TABLE") {
			sc.alterTable(s, k)
		}
	case "EXPLAIN":
		sc.explain(s, k)
	case "WITH":
		sc.with(s, k)
	case "DO":
		for j := k + 1; j < s.end(k); j++ {
			if s.t[j].kind == sqlString {
				sc.nested(s.t[j].text, sc.sub(s.t[j]))
				break
			}
		}
	case "CREATE":
		sc.create(s, k)
	case "EXEC", "EXECUTE":
		sc.execStrings(s, k, s.end(k))
	case "PREPARE":
		// PREPARE p AS <statement> (PostgreSQL), PREPARE p FROM 'sql' (MySQL)
		if a := s.find(k+1, s.end(k), s.depth[k], "AS"); a >= 0 && a+1 < s.end(k) {
			sc.verb(s, a+1)
		} else {
			sc.execStrings(s, k, s.end(k))
		}
	case "SET":
		if t := s.t[min(k+1, len(s.t)-1)]; strings.HasPrefix(t.text, "@") {
			sc.execStrings(s, k, s.end(k))
		}
	case "SELECT":
		if s.depth[k] == 0 {
			if s.term == "gexec" {
				sc.execStrings(s, k, len(s.t))
			} else {
				sc.generated(s, k)
			}
		}
	case "KILL":
		j := k + 1
		if s.kw(j, "CONNECTION", "QUERY") {
			j++
		}
		if j < len(s.t) && (s.t[j].kind == sqlNumber || strings.Contains(s.t[j].text, unknown) || s.kw(j, "WHERE")) {
			sc.hit("sql.terminate-sessions", sc.target(""), "kills database session "+disp(s.t[j].text)+sc.where()+"; its open transaction rolls back", s.t[k], s.t[j])
		}
	case "RESET":
		if s.kw(k+1, "MASTER") || s.kw(k+1, "BINARY") && s.kw(k+2, "LOGS") {
			sc.hit("sql.reset-binlog", sc.target(""), "deletes every binary log"+sc.where()+" (RESET MASTER); point-in-time recovery and replicas that depend on them break", s.t[k], s.t[k+1])
		}
	case "USE":
		if n, _, _, ok := s.qname(k+1, len(s.t)); ok && k == 0 {
			sc.db = n
		}
	case "COPY":
		for j := k + 1; j+1 < len(s.t); j++ {
			if s.kw(j, "PROGRAM") && s.t[j+1].kind == sqlString {
				sc.shell(s.t[j+1].text, sc.sub(s.t[j+1]))
			}
		}
	}
}

// wholeStatement looks for calls anywhere in a statement.
func (sc *sqlScanner) wholeStatement(s *sqlStmt) {
	terminated := false
	for j := 0; j+1 < len(s.t); j++ {
		if s.t[j].kind != sqlWord || !s.punct(j+1, "(") {
			continue
		}
		switch strings.ToLower(s.t[j].text) {
		case "pg_terminate_backend":
			if !terminated {
				terminated = true
				what := "sessions"
				if m := s.find(0, len(s.t), s.depth[0], "DATNAME"); m >= 0 && s.punct(m+1, "=") && m+2 < len(s.t) && s.t[m+2].kind == sqlString {
					what = "every session connected to database " + disp(s.t[m+2].text)
				} else if s.find(0, len(s.t), 0, "WHERE") < 0 {
					what = "every other session"
				}
				sc.hit("sql.terminate-sessions", sc.target(""), "terminates "+what+sc.where()+" with pg_terminate_backend; their open transactions roll back", s.t[j])
			}
		case "dblink_exec", "dblink":
			sc.execStrings(s, j+1, s.matching(j+1)+1)
		}
	}
}

// ---- The statements ----

var dropKinds = []string{
	"MATERIALIZED VIEW", "FOREIGN DATA WRAPPER", "FOREIGN TABLE", "EVENT TRIGGER", "ACCESS METHOD", "OWNED BY",
	"RETENTION POLICY", "CONTINUOUS QUERY", "SNAPSHOT TABLE", "EXTERNAL TABLE", "TEXT SEARCH", "ROW ACCESS POLICY",
	"SEARCH INDEX", "VECTOR INDEX", "MASKING POLICY", "TEMPORARY TABLE",
	"DATABASE", "SCHEMA", "KEYSPACE", "TABLE", "COLUMNFAMILY", "MEASUREMENT", "SERIES", "SHARD", "VIEW", "INDEX",
	"SEQUENCE", "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE", "DOMAIN", "EXTENSION", "USER", "ROLE", "GROUP", "LOGIN",
	"TABLESPACE", "PUBLICATION", "SUBSCRIPTION", "SERVER", "EVENT", "POLICY", "RULE", "AGGREGATE", "OPERATOR", "CAST",
	"LANGUAGE", "STATISTICS", "COLLATION", "CONVERSION", "DICTIONARY", "STAGE", "STREAM", "TASK", "WAREHOUSE", "MODEL",
	"SYNONYM", "PACKAGE", "ROUTINE", "TRANSFORM", "QUOTA", "SETTINGS PROFILE", "PROFILE", "MACRO", "SECRET", "PIPE",
	"INTEGRATION", "NETWORK POLICY", "FILE FORMAT", "ALERT", "SHARE", "CONSTRAINT",
}

// dropKind reads the kind of object after DROP: canonical words, and the
// index after them. "?" is a kind only known at run time.
func (s *sqlStmt) dropKind(k, end int) (string, int) {
	if k < end && s.t[k].kind == sqlWord && strings.Contains(s.t[k].text, unknown) {
		return "?", k + 1
	}
	for _, kind := range dropKinds {
		words := strings.Fields(kind)
		ok := true
		for i, w := range words {
			if k+i >= end || s.up(k+i) != w {
				ok = false
				break
			}
		}
		if ok {
			return kind, k + len(words)
		}
	}
	return "", k
}

func (sc *sqlScanner) drop(s *sqlStmt, k int) {
	end := s.end(k)
	j := k + 1
	temp := false
	for s.kw(j, "TEMPORARY", "TEMP", "GLOBAL", "LOCAL") {
		temp = temp || s.kw(j, "TEMPORARY", "TEMP")
		j++
	}
	kind, j := s.dropKind(j, end)
	if kind == "" {
		return
	}
	if kind == "TEMPORARY TABLE" {
		kind, temp = "TABLE", true
	}
	if kind == "OWNED BY" {
		names, _, last := s.nameList(j, end)
		if len(names) == 0 {
			return
		}
		who := strings.Join(names, ", ")
		sc.hit("sql.drop-owned", sc.target(who), "drops every object owned by "+disp(who)+sc.where()+", its tables and their rows included; only a backup brings them back", s.t[k], s.t[last])
		return
	}
	if s.kw(j, "CONCURRENTLY") {
		j++
	}
	if s.kw(j, "IF") && s.kw(j+1, "EXISTS") {
		j += 2
	}
	names, after, last := s.nameList(j, end)
	if len(names) == 0 {
		if j < end && s.t[j].kind == sqlString && (kind == "DATABASE" || kind == "USER" || kind == "ROLE" || kind == "LOGIN") {
			// MySQL: DROP USER 'app'@'%'
			names, last, after = []string{s.t[j].text}, j, j+1
			for after < end && (s.t[after].text == "@" || s.t[after].kind == sqlString && s.t[after-1].text == "@") {
				last, after = after, after+1
			}
		} else {
			return
		}
	}
	// SQL goes on with an option or ends; prose ("drop table support in
	// v2") does not, and a database would reject it anyway.
	if after < end && !dropTrailer(s, after) {
		return
	}
	list := strings.Join(names, ", ")
	lower := strings.ToLower(kind)
	cascade := s.find(after, end, s.depth[k], "CASCADE") >= 0
	span := []sqlTok{s.t[k], s.t[last]}
	switch kind {
	case "DATABASE", "SCHEMA", "KEYSPACE":
		if allOf(names, scratchDatabase) {
			sc.hit("sql.drop-scratch", sc.targetDB(list), "drops "+lower+" "+disp(list)+sc.on()+", which by its name is a test or scratch database", span...)
			return
		}
		what := "every table in it and all their rows are gone"
		if kind == "SCHEMA" {
			what = "every table in it goes with it"
			if cascade {
				what = "CASCADE drops every table, view and function in it"
			}
		}
		sc.hit("sql.drop-database", sc.targetDB(list), "drops "+lower+" "+disp(list)+sc.on()+"; "+what+"; only a backup brings them back", span...)
	case "TABLE", "COLUMNFAMILY", "MEASUREMENT", "SERIES", "SHARD", "RETENTION POLICY", "?":
		if kind == "TABLE" && (temp || allOf(names, func(n string) bool { return scratchTable(n) || sc.temps[strings.ToLower(n)] })) {
			what := "scratch table"
			switch {
			case temp:
				what = "temporary table"
			case allOf(names, func(n string) bool { return sc.temps[strings.ToLower(n)] }):
				what = "temporary table (created by this command)"
			}
			sc.hit("sql.drop-scratch", sc.target(list), "drops "+what+" "+disp(list)+sc.where()+"; it holds no lasting data", span...)
			return
		}
		if kind == "?" {
			sc.hit("sql.drop-table", sc.target(list), "drops "+disp(list)+sc.where()+", an object whose kind (table, database, …) is only known when it runs", span...)
			return
		}
		plural := ""
		if len(names) > 1 {
			plural = "s"
		}
		sc.hit("sql.drop-table", sc.target(list), "drops "+lower+plural+" "+disp(list)+sc.where()+" with all "+its(len(names))+" rows; only a backup brings them back", span...)
	case "USER", "ROLE", "GROUP", "LOGIN":
		sc.hit("sql.drop-role", sc.target(list), "drops database "+lower+" "+disp(list)+sc.on()+"; whoever logs in with it loses access", span...)
	case "TYPE", "DOMAIN", "EXTENSION":
		if cascade {
			sc.hit("sql.drop-cascade", sc.target(list), "drops "+lower+" "+disp(list)+sc.where()+" with CASCADE, which also drops every column and table that uses it, with their data", span...)
			return
		}
		sc.hit("sql.drop-object", sc.target(list), "drops "+lower+" "+disp(list)+sc.where(), span...)
	case "TABLESPACE":
		if s.find(after, end, s.depth[k], "CONTENTS") >= 0 {
			sc.hit("sql.drop-database", sc.targetDB(list), "drops tablespace "+disp(list)+sc.on()+" including its contents and data files; every table stored in it is gone", span...)
			return
		}
		sc.hit("sql.drop-object", sc.target(list), "drops tablespace "+disp(list)+sc.on(), span...)
	default:
		consequence := ""
		switch kind {
		case "INDEX", "SEARCH INDEX", "VECTOR INDEX":
			consequence = "; queries that use it slow down until it is rebuilt"
		case "VIEW", "MATERIALIZED VIEW", "FUNCTION", "PROCEDURE", "ROUTINE":
			consequence = "; whatever queries it fails until it is recreated"
		case "TRIGGER", "POLICY", "RULE", "ROW ACCESS POLICY", "MASKING POLICY":
			consequence = "; whatever it enforced stops happening"
		case "SEQUENCE":
			consequence = "; recreating it restarts its numbering"
		}
		sc.hit("sql.drop-object", sc.target(list), "drops "+lower+" "+disp(list)+sc.where()+consequence, span...)
	}
}

var dropTrailers = wordSet("CASCADE RESTRICT PURGE SYNC ON NO WITH FORCE CONSTRAINTS INCLUDING AND FROM WHERE IF")

func dropTrailer(s *sqlStmt, k int) bool {
	t := s.t[k]
	switch t.kind {
	case sqlPunct:
		return t.text == "(" || t.text == "," || t.text == "@"
	case sqlWord:
		return dropTrailers[strings.ToUpper(t.text)] || strings.Contains(t.text, unknown)
	}
	return false
}

func its(n int) string {
	if n > 1 {
		return "their"
	}
	return "its"
}

func allOf(names []string, f func(string) bool) bool {
	for _, n := range names {
		if !f(n) {
			return false
		}
	}
	return len(names) > 0
}

var scratchDBRE = lazyRegexp(`(?i)(^|[_-])(test|tests|testing|tmp|temp|scratch|shadow)([_-]\d+)?$|^(test|tmp|temp|scratch)([_-]|$)|^prisma_migrate_shadow`)

// scratchTable reports whether a table's name marks it as scratch.
func scratchTable(n string) bool {
	if strings.Contains(n, unknown) {
		return false
	}
	l := strings.ToLower(n)
	if strings.HasPrefix(l, "pg_temp") {
		return true
	}
	if i := strings.LastIndexByte(l, '.'); i >= 0 {
		l = l[i+1:]
	}
	return strings.HasPrefix(l, "#") || strings.HasPrefix(l, "tmp_") || strings.HasPrefix(l, "temp_") ||
		strings.HasSuffix(l, "_tmp") || strings.HasSuffix(l, "_temp") || l == "tmp" || l == "temp" || l == "scratch"
}

// scratchDatabase reports whether a database's name marks it as a test or
// scratch database (app_test, test_app, app_test_2, tmp_x).
func scratchDatabase(n string) bool {
	if strings.Contains(n, unknown) {
		return false
	}
	if i := strings.LastIndexByte(n, '/'); i >= 0 {
		n = n[i+1:]
	}
	return scratchDBRE.MatchString(n)
}

func (sc *sqlScanner) truncate(s *sqlStmt, k int) {
	end := s.end(k)
	j := k + 1
	if s.kw(j, "TABLE") {
		j++
	}
	names, after, last := s.nameList(j, end)
	if len(names) == 0 || s.punct(k+1, "(") {
		return
	}
	if after < end && !s.kw(after, "RESTART", "CONTINUE", "CASCADE", "RESTRICT", "ON", "SYNC", "PARTITION", "IMMEDIATE", "DROP", "REUSE") && !strings.Contains(s.t[after].text, unknown) {
		return // not SQL
	}
	list := strings.Join(names, ", ")
	if allOf(names, func(n string) bool { return scratchTable(n) || sc.temps[strings.ToLower(n)] }) {
		sc.hit("sql.drop-scratch", sc.target(list), "empties scratch table "+disp(list)+sc.where(), s.t[k], s.t[last])
		return
	}
	sc.hit("sql.truncate", sc.target(list), "deletes every row of "+tables(names)+" "+disp(list)+sc.where()+" (TRUNCATE); only a backup brings them back", s.t[k], s.t[last])
}

func tables(names []string) string {
	if len(names) > 1 {
		return "tables"
	}
	return "table"
}

// rowTail are the words that may follow the table of a DELETE or UPDATE.
var deleteTail = wordSet("WHERE USING RETURNING LIMIT ORDER OUTPUT WITH OPTION PARTITION FROM JOIN INNER LEFT RIGHT CROSS AS SET")

func (sc *sqlScanner) delete(s *sqlStmt, k int) {
	end := s.end(k)
	d := s.depth[k]
	j := k + 1
	for s.kw(j, "LOW_PRIORITY", "QUICK", "IGNORE") {
		j++
	}
	if s.kw(j, "TOP") {
		j++
		if s.punct(j, "(") {
			j = s.matching(j) + 1
		} else {
			j++
		}
		if s.kw(j, "PERCENT") {
			j++
		}
	}
	if s.kw(j, "FROM") {
		j++
	} else {
		// DELETE t1 FROM t1 JOIN … (MySQL, SQL Server), or DELETE t
		// (FROM is optional in SQL Server and Oracle).
		_, next, _, ok := s.qname(j, end)
		if !ok {
			return
		}
		if s.punct(next, "*") {
			next++
		}
		if s.kw(next, "FROM") || s.punct(next, ",") {
			f := s.find(next, end, d, "FROM")
			if f < 0 {
				return
			}
			j = f + 1
		}
	}
	if s.kw(j, "ONLY") {
		j++
	}
	name, next, last, ok := s.qname(j, end)
	if !ok {
		return
	}
	if s.punct(next, "*") {
		next++
	}
	// An alias, then SQL goes on with a clause or ends: prose does not.
	if s.kw(next, "AS") {
		next += 2
	} else if next < end && s.t[next].kind == sqlWord && !deleteTail[s.up(next)] && !strings.Contains(s.t[next].text, unknown) {
		next++
	}
	if next < end && !(s.t[next].kind == sqlWord && (deleteTail[s.up(next)] || strings.Contains(s.t[next].text, unknown))) && !s.punct(next, ",") {
		return
	}
	where := s.find(next, end, d, "WHERE")
	if where < 0 && s.find(next, end, d, "JOIN") >= 0 {
		return // rows chosen by a join
	}
	sc.rowsAll(s, "sql.delete-all", "deletes every row of table "+disp(name)+sc.where(), name, s.t[k], s.t[last], where, next, end)
}

// rowsAll reports a DELETE or UPDATE that touches every row: no WHERE, or
// a WHERE that is always true.
func (sc *sqlScanner) rowsAll(s *sqlStmt, rule, what, name string, first, last sqlTok, where, from, end int) {
	if where >= 0 {
		d := s.depth[where]
		condEnd := end
		if e := s.find(where+1, end, d, "RETURNING", "ORDER", "LIMIT", "OPTION", "OUTPUT", "GROUP"); e >= 0 {
			condEnd = e
		}
		cond := s.t[where+1 : condEnd]
		if len(cond) == 0 || !trivialTrue(cond) {
			return
		}
		c := strings.Join(strings.Fields(sc.text[cond[0].start:cond[len(cond)-1].end]), " ")
		sc.hit(rule, sc.target(name), what+": its WHERE clause ("+abbrev(disp(c), 40)+") is always true; only a backup brings the old data back", first, last, s.t[where], cond[len(cond)-1])
		return
	}
	// A word only known at run time where a clause could start might be
	// a WHERE clause ("DELETE FROM t $FILTER"); a value is not.
	for j := max(from, 1); j < end; j++ {
		t := s.t[j]
		if t.kind != sqlWord || !strings.Contains(t.text, unknown) {
			continue
		}
		if p := s.t[j-1]; p.kind == sqlWord || p.kind == sqlNumber || p.kind == sqlString || p.kind == sqlIdent || p.kind == sqlPunct && p.text == ")" {
			sc.dynamic(first.start, s.t[end-1].end, "whether it has a WHERE clause is only known when it runs")
			return
		}
	}
	verb := "DELETE"
	if rule == "sql.update-all" {
		verb = "UPDATE"
	}
	sc.hit(rule, sc.target(name), what+": the "+verb+" has no WHERE clause; only a backup brings the old data back", first, last)
}

func (sc *sqlScanner) update(s *sqlStmt, k int) {
	end := s.end(k)
	d := s.depth[k]
	j := k + 1
	for s.kw(j, "LOW_PRIORITY", "IGNORE", "ONLY") {
		j++
	}
	if s.kw(j, "OR") && s.kw(j+1, "REPLACE", "ROLLBACK", "ABORT", "FAIL", "IGNORE") {
		j += 2
	}
	if s.kw(j, "TOP") {
		j++
		if s.punct(j, "(") {
			j = s.matching(j) + 1
		}
	}
	name, next, last, ok := s.qname(j, end)
	if !ok {
		return
	}
	if s.punct(next, "*") {
		next++
	}
	// The table, an optional alias, then SET: anything else is a
	// multi-table update (rows chosen by a join) or not SQL.
	var set int
	switch {
	case s.kw(next, "SET"):
		set = next
	case s.kw(next, "AS") && s.kw(next+2, "SET"):
		set = next + 2
	case next < end && s.t[next].kind == sqlWord && !sqlReserved[s.up(next)] && s.kw(next+1, "SET"):
		set = next + 1
	default:
		return
	}
	where := s.find(set, end, d, "WHERE")
	if where < 0 {
		if f := s.find(set, end, d, "FROM"); f >= 0 && s.find(f, end, d, "JOIN") >= 0 {
			return
		}
	}
	sc.rowsAll(s, "sql.update-all", "overwrites every row of table "+disp(name)+sc.where(), name, s.t[k], s.t[last], where, set+1, end)
}

func (sc *sqlScanner) alterTable(s *sqlStmt, k int) {
	end := s.end(k)
	d := s.depth[k]
	j := k + 2
	if s.kw(j, "IF") && s.kw(j+1, "EXISTS") {
		j += 2
	}
	if s.kw(j, "ONLY") {
		j++
	}
	table, next, _, ok := s.qname(j, end)
	if !ok {
		return
	}
	for m := next; m < end; m++ {
		if s.depth[m] != d || s.t[m].kind != sqlWord {
			continue
		}
		switch s.up(m) {
		case "DROP":
			n := m + 1
			switch s.up(n) {
			case "DEFAULT", "NOT", "IDENTITY", "EXPRESSION", "TTL", "PERIOD", "ROW", "SYSTEM", "COMMENT", "OWNED":
				continue
			case "CONSTRAINT", "INDEX", "KEY", "FOREIGN", "PRIMARY", "CHECK", "UNIQUE", "PROJECTION", "STATISTICS":
				c := n + 1
				for s.kw(c, "KEY", "IF", "EXISTS") {
					c++
				}
				cname, _, last, ok := s.qname(c, end)
				if !ok {
					cname, last = strings.ToLower(s.up(n)), n
				}
				sc.hit("sql.drop-constraint", sc.target(table), "drops "+strings.ToLower(s.up(n))+" "+disp(cname)+" of table "+disp(table)+sc.where()+"; the data stays, but what it guaranteed or sped up is gone", s.t[m], s.t[last])
				continue
			case "PARTITION", "DETACHED":
				p := n + 1
				if s.kw(n, "DETACHED") {
					p++
				}
				parts, _, last := s.nameOrValues(p, end)
				sc.hit("sql.drop-partition", sc.target(table), "drops partition "+disp(parts)+" of table "+disp(table)+sc.where()+" with the rows stored in it", s.t[m], s.t[last])
				continue
			case "COLUMN":
				n++
			}
			if s.kw(n, "IF") && s.kw(n+1, "EXISTS") {
				n += 2
			}
			col, _, last, ok := s.qname(n, end)
			if !ok {
				continue
			}
			sc.hit("sql.drop-column", sc.target(table), "drops column "+disp(col)+" of table "+disp(table)+sc.where()+" with every value in it; only a backup brings them back", s.t[m], s.t[last])
		case "TRUNCATE":
			if s.kw(m+1, "PARTITION") {
				parts, _, last := s.nameOrValues(m+2, end)
				sc.hit("sql.drop-partition", sc.target(table), "empties partition "+disp(parts)+" of table "+disp(table)+sc.where(), s.t[m], s.t[last])
			}
		case "DELETE": // ClickHouse: ALTER TABLE t DELETE WHERE …
			if w := s.find(m+1, end, d, "WHERE"); w >= 0 {
				sc.rowsAll(s, "sql.delete-all", "deletes every row of table "+disp(table)+sc.where(), table, s.t[k], s.t[m], w, m+1, end)
			}
		case "UPDATE":
			if w := s.find(m+1, end, d, "WHERE"); w >= 0 {
				sc.rowsAll(s, "sql.update-all", "overwrites every row of table "+disp(table)+sc.where(), table, s.t[k], s.t[m], w, m+1, end)
			}
		}
	}
}

// nameOrValues reads partition names or values (ALL, 202401, '2024-01').
func (s *sqlStmt) nameOrValues(k, end int) (string, int, int) {
	var parts []string
	last := k - 1
	for j := k; j < end && len(parts) < 8; j++ {
		t := s.t[j]
		if t.kind == sqlPunct {
			if t.text == "," || t.text == "(" || t.text == ")" {
				continue
			}
			break
		}
		if t.kind == sqlWord && sqlReserved[s.up(j)] && s.up(j) != "ALL" {
			break
		}
		parts = append(parts, t.text)
		last = j
	}
	if last < k {
		return "", k, max(k-1, 0)
	}
	return strings.Join(parts, ", "), last + 1, last
}

func (sc *sqlScanner) explain(s *sqlStmt, k int) {
	end := s.end(k)
	j := k + 1
	analyze := false
	if s.punct(j, "(") {
		m := s.matching(j)
		for x := j + 1; x < m; x++ {
			if s.kw(x, "ANALYZE", "ANALYSE") && !s.kw(x+1, "FALSE", "OFF") && !(x+1 < len(s.t) && s.t[x+1].text == "0") {
				analyze = true
			}
		}
		j = m + 1
	}
	for s.kw(j, "ANALYZE", "ANALYSE", "VERBOSE", "FORMAT", "EXTENDED", "PARTITIONS") {
		analyze = analyze || s.kw(j, "ANALYZE", "ANALYSE")
		if s.kw(j, "FORMAT") {
			j++
		}
		j++
	}
	if analyze && j < end {
		sc.verb(s, j)
	}
}

func (sc *sqlScanner) with(s *sqlStmt, k int) {
	end := s.end(k)
	d := s.depth[k]
	for j := k + 1; j < end; j++ {
		if s.depth[j] == d && s.punct(j-1, ")") && s.kw(j, "DELETE", "UPDATE", "SELECT", "INSERT", "MERGE") {
			sc.verb(s, j)
			return
		}
	}
}

func (sc *sqlScanner) create(s *sqlStmt, k int) {
	end := s.end(k)
	j := k + 1
	if s.kw(j, "OR") && s.kw(j+1, "REPLACE") {
		j += 2
	}
	temp := false
	for s.kw(j, "TEMPORARY", "TEMP", "GLOBAL", "LOCAL", "UNLOGGED") {
		temp = temp || s.kw(j, "TEMPORARY", "TEMP")
		j++
	}
	switch {
	case s.kw(j, "TABLE"):
		j++
		if s.kw(j, "IF") && s.kw(j+1, "NOT") && s.kw(j+2, "EXISTS") {
			j += 3
		}
		if n, _, _, ok := s.qname(j, end); ok && temp {
			if sc.temps == nil {
				sc.temps = map[string]bool{}
			}
			sc.temps[strings.ToLower(n)] = true
		}
	case s.kw(j, "FUNCTION", "PROCEDURE"):
		// A body is code that runs whenever it is called: scan it.
		for m := j + 1; m+1 < end; m++ {
			if s.depth[m] == s.depth[k] && s.kw(m, "AS") && s.t[m+1].kind == sqlString {
				sc.nested(s.t[m+1].text, sc.sub(s.t[m+1]))
				break
			}
		}
	}
}

// ---- Strings that are SQL (EXECUTE, \gexec, PREPARE FROM) ----

type litGroup struct {
	text       string
	start, end int
	single     *sqlTok // the one verbatim string it is, if so
}

var formatVerbRE = lazyRegexp(`%(?:\d+\$)?-?\d*[sIL]`)

// literalGroups returns the string expressions in [from,to): literals
// joined by || (non-literal operands become unknown), format() and
// concat() calls.
func (s *sqlStmt) literalGroups(from, to int) []litGroup {
	var out []litGroup
	to = min(to, len(s.t))
	for k := max(from, 0); k < to; k++ {
		t := s.t[k]
		switch {
		case t.kind == sqlString:
			g := litGroup{text: t.text, start: t.start, end: t.end, single: &s.t[k]}
			m := k + 1
			for m < to {
				if s.t[m].kind == sqlString { // 'a' 'b' (adjacent literals)
					g.text += s.t[m].text
					g.end, g.single = s.t[m].end, nil
					m++
					continue
				}
				if !s.punct(m, "||") {
					break
				}
				m++
				if m < to && s.t[m].kind == sqlString {
					g.text += s.t[m].text
					g.end, g.single = s.t[m].end, nil
					m++
					continue
				}
				m2 := s.skipOperand(m, to)
				g.text += unknown
				g.end, g.single = s.t[m2-1].end, nil
				m = m2
			}
			out = append(out, g)
			k = m - 1
		case t.kind == sqlWord && s.punct(k+1, "("):
			fn := strings.ToLower(t.text)
			if fn != "format" && fn != "concat" && fn != "concat_ws" {
				continue
			}
			closing := s.matching(k + 1)
			args := s.args(k+1, closing)
			g := litGroup{start: t.start, end: s.t[min(closing, len(s.t)-1)].end}
			switch fn {
			case "format":
				if len(args) > 0 && len(args[0]) == 1 && args[0][0].kind == sqlString {
					g.text = formatVerbRE.ReplaceAllString(args[0][0].text, unknown)
				}
			default:
				sep := ""
				if fn == "concat_ws" && len(args) > 0 {
					if len(args[0]) == 1 && args[0][0].kind == sqlString {
						sep = args[0][0].text
					}
					args = args[1:]
				}
				for i, a := range args {
					if i > 0 {
						g.text += sep
					}
					if len(a) == 1 && a[0].kind == sqlString {
						g.text += a[0].text
					} else {
						g.text += unknown
					}
				}
			}
			if g.text != "" {
				out = append(out, g)
			}
			k = closing
		}
	}
	return out
}

// args splits the tokens between the parentheses at open and close at
// their top-level commas.
func (s *sqlStmt) args(open, close int) [][]sqlTok {
	var out [][]sqlTok
	d := s.depth[open] + 1
	start := open + 1
	for j := open + 1; j <= close && j < len(s.t); j++ {
		if j == close || s.depth[j] == d && s.punct(j, ",") {
			if j > start {
				out = append(out, s.t[start:j])
			}
			start = j + 1
		}
	}
	return out
}

// skipOperand skips one operand of ||: a name, a call, a cast, a
// parenthesised expression.
func (s *sqlStmt) skipOperand(k, to int) int {
	if k >= to {
		return to
	}
	if s.punct(k, "(") {
		k = s.matching(k) + 1
	} else {
		k++
	}
	for k < to {
		switch {
		case s.punct(k, ".") && k+1 < to:
			k += 2
		case s.punct(k, "("):
			k = s.matching(k) + 1
		case s.punct(k, "::") && k+1 < to:
			k += 2
		default:
			return min(k, to)
		}
	}
	return min(k, to)
}

// execStrings scans the string expressions of [from,to) as SQL that runs.
func (sc *sqlScanner) execStrings(s *sqlStmt, from, to int) {
	foreach := false
	for j := from; j < to && j < len(s.t); j++ {
		if s.t[j].kind == sqlWord && strings.HasPrefix(strings.ToLower(s.t[j].text), "sp_msforeach") {
			foreach = true
		}
	}
	for _, g := range s.literalGroups(from, to) {
		text := g.text
		o := origin{whole: sc.o.span(g.start, g.end)}
		if g.single != nil {
			o = sc.sub(*g.single)
		}
		if foreach && strings.Contains(text, "?") {
			text = strings.ReplaceAll(text, "?", unknown)
			o = origin{whole: sc.o.span(g.start, g.end)}
		}
		sc.nested(text, o)
	}
}

// generated warns about a query whose output is destructive SQL (the
// usual way to drop every table: SELECT 'DROP TABLE ' || tablename …,
// piped into psql).
func (sc *sqlScanner) generated(s *sqlStmt, k int) {
	if sc.depth >= 4 {
		return
	}
	for _, g := range s.literalGroups(k+1, len(s.t)) {
		if !strings.Contains(g.text, unknown) {
			continue
		}
		p := sc.child(g.text, origin{whole: sc.o.span(g.start, g.end)})
		p.probe, p.inv = true, nil
		p.run()
		for _, h := range p.hits {
			if catalogue[h.Rule].Verdict != Pause {
				continue
			}
			effect, ok := generatedEffect[h.Rule]
			if !ok {
				effect = "destroys what the query lists"
			}
			sc.hit("sql.generated-destructive", sc.target(""), "builds "+leadingWords(g.text)+" statements from a query"+sc.where()+"; whatever runs its output (a pipe into a client, \\gexec) "+effect, s.t[k], s.t[len(s.t)-1])
			return
		}
	}
}

var generatedEffect = map[string]string{
	"sql.drop-table":     "drops every table the query lists",
	"sql.drop-database":  "drops every database or schema the query lists",
	"sql.truncate":       "empties every table the query lists",
	"sql.delete-all":     "deletes every row of the tables the query lists",
	"sql.update-all":     "overwrites every row of the tables the query lists",
	"sql.drop-column":    "drops the columns the query lists",
	"sql.drop-owned":     "drops everything the listed roles own",
	"sql.drop-cascade":   "drops the objects the query lists with everything that depends on them",
	"sql.drop-partition": "drops the partitions the query lists",
}

func leadingWords(s string) string {
	f := strings.Fields(strings.ReplaceAll(s, unknown, " "))
	n := 0
	for n < len(f) && n < 2 && sqlReserved[strings.ToUpper(f[n])] {
		n++
	}
	if n == 0 && len(f) > 0 {
		n = 1
	}
	return strings.ToUpper(strings.Join(f[:n], " "))
}

// ---- WHERE clauses that are always true ----

func splitTopWord(ts []sqlTok, word string) [][]sqlTok {
	var out [][]sqlTok
	d, start := 0, 0
	for j, t := range ts {
		switch {
		case t.kind == sqlPunct && t.text == "(":
			d++
		case t.kind == sqlPunct && t.text == ")":
			d--
		case d == 0 && t.kind == sqlWord && strings.EqualFold(t.text, word):
			out = append(out, ts[start:j])
			start = j + 1
		}
	}
	return append(out, ts[start:])
}

// trivialTrue reports whether a condition is true for every row: some
// top-level disjunct made only of tautologies (1=1, TRUE, 'a'='a', x=x).
func trivialTrue(ts []sqlTok) bool {
	for _, disj := range splitTopWord(ts, "OR") {
		if len(disj) == 0 {
			continue
		}
		conj := splitTopWord(disj, "AND")
		for _, t := range disj {
			if t.kind == sqlWord && strings.EqualFold(t.text, "BETWEEN") {
				conj = [][]sqlTok{disj}
			}
		}
		ok := true
		for _, c := range conj {
			if !trivialAtom(c) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func trivialAtom(c []sqlTok) bool {
	if len(c) == 0 {
		return false
	}
	for _, t := range c {
		if strings.Contains(t.text, unknown) {
			return false
		}
	}
	if len(c) >= 2 && c[0].kind == sqlPunct && c[0].text == "(" && c[len(c)-1].kind == sqlPunct && c[len(c)-1].text == ")" {
		d := 0
		closesAtEnd := true
		for j, t := range c {
			if t.kind == sqlPunct && t.text == "(" {
				d++
			} else if t.kind == sqlPunct && t.text == ")" {
				d--
				if d == 0 && j != len(c)-1 {
					closesAtEnd = false
				}
			}
		}
		if closesAtEnd {
			return trivialTrue(c[1 : len(c)-1])
		}
	}
	if c[0].kind == sqlWord && strings.EqualFold(c[0].text, "NOT") {
		return len(c) == 2 && sqlFalsy(c[1])
	}
	switch len(c) {
	case 1:
		return sqlTruthy(c[0])
	case 3:
		l, op, r := c[0], strings.ToUpper(c[1].text), c[2]
		switch op {
		case "=", "==", "<=>", ">=", "<=", "IS":
			return sqlSame(l, r)
		case "LIKE", "ILIKE":
			return r.kind == sqlString && strings.Trim(r.text, "%") == "" && r.text != "" || sqlSame(l, r)
		case "<>", "!=", "<", ">":
			if l.kind == sqlNumber && r.kind == sqlNumber {
				a, e1 := strconv.ParseFloat(l.text, 64)
				b, e2 := strconv.ParseFloat(r.text, 64)
				if e1 != nil || e2 != nil {
					return false
				}
				switch op {
				case "<":
					return a < b
				case ">":
					return a > b
				}
				return a != b
			}
			return (op == "<>" || op == "!=") && l.kind == sqlString && r.kind == sqlString && l.text != r.text
		}
	case 4:
		// 1 IS NOT NULL
		return strings.EqualFold(c[1].text, "IS") && strings.EqualFold(c[2].text, "NOT") && strings.EqualFold(c[3].text, "NULL") &&
			(c[0].kind == sqlNumber || c[0].kind == sqlString)
	}
	// 1 IN (1, 2)
	if len(c) >= 4 && strings.EqualFold(c[1].text, "IN") && c[2].text == "(" && (c[0].kind == sqlNumber || c[0].kind == sqlString) {
		for _, t := range c[3:] {
			if sqlSame(c[0], t) {
				return true
			}
		}
	}
	return false
}

func sqlTruthy(t sqlTok) bool {
	switch t.kind {
	case sqlWord:
		return strings.EqualFold(t.text, "TRUE")
	case sqlNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		return err == nil && f != 0
	case sqlString:
		switch strings.ToLower(t.text) {
		case "1", "t", "true", "y", "yes", "on":
			return true
		}
	}
	return false
}

func sqlFalsy(t sqlTok) bool {
	switch t.kind {
	case sqlWord:
		return strings.EqualFold(t.text, "FALSE")
	case sqlNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		return err == nil && f == 0
	case sqlString:
		switch strings.ToLower(t.text) {
		case "0", "f", "false", "n", "no", "off":
			return true
		}
	}
	return false
}

func sqlSame(a, b sqlTok) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case sqlNumber:
		x, e1 := strconv.ParseFloat(a.text, 64)
		y, e2 := strconv.ParseFloat(b.text, 64)
		return e1 == nil && e2 == nil && x == y
	case sqlWord:
		return strings.EqualFold(a.text, b.text) && !sqlReserved[strings.ToUpper(a.text)] || strings.EqualFold(a.text, "TRUE") && strings.EqualFold(b.text, "TRUE") || strings.EqualFold(a.text, "NULL") && strings.EqualFold(b.text, "NULL")
	case sqlString, sqlIdent:
		return a.text == b.text
	}
	return false
}

// ---- Reporting ----

func (sc *sqlScanner) hit(rule, target, reason string, toks ...sqlTok) {
	var spans []Span
	if len(toks) >= 2 {
		spans = append(spans, sc.o.span(toks[0].start, toks[1].end))
		for i := 2; i+1 < len(toks); i += 2 {
			spans = append(spans, sc.o.span(toks[i].start, toks[i+1].end))
		}
	} else if len(toks) == 1 {
		spans = append(spans, sc.o.span(toks[0].start, toks[0].end))
	}
	spans = dedupeSpans(spans)
	sc.hits = append(sc.hits, sqlHit{Rule: rule, Target: target, Reason: reason, Spans: spans})
}

func dedupeSpans(in []Span) []Span {
	out := in[:0]
	for _, s := range in {
		dup := false
		for _, t := range out {
			dup = dup || t == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

func (sc *sqlScanner) dynamic(start, end int, why string) {
	if sc.dyn || sc.probe {
		return
	}
	sc.dyn = true
	sc.hits = append(sc.hits, sqlHit{Rule: "sql.dynamic", Target: sc.target(""),
		Reason: "sends SQL" + sc.where() + " that is built when the command runs; " + why + ", so sentinel cannot tell whether it destroys data",
		Spans:  []Span{sc.o.span(start, end)}})
}

// where names the database and server, for reasons.
func (sc *sqlScanner) where() string {
	switch db, h := disp(sc.db), disp(sc.conn.Host); {
	case db != "" && h != "":
		return " in database " + db + " on " + h
	case db != "":
		return " in database " + db
	case h != "":
		return " on " + h
	}
	return ""
}

func (sc *sqlScanner) on() string {
	if sc.conn.Host != "" {
		return " on " + disp(sc.conn.Host)
	}
	return ""
}

// target is host/database/object, as far as known.
func (sc *sqlScanner) target(obj string) string {
	return joinNonEmpty("/", sc.conn.Host, sc.db, disp(obj))
}

func (sc *sqlScanner) targetDB(db string) string {
	return joinNonEmpty("/", sc.conn.Host, disp(db))
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, disp(p))
		}
	}
	return strings.Join(out, sep)
}

// disp shows a value with its unknown parts as "…"; a value that is only
// unknown is "(named at run time)".
func disp(s string) string {
	if !strings.Contains(s, unknown) {
		return s
	}
	if strings.Trim(s, unknown) == "" {
		return "(named at run time)"
	}
	var b strings.Builder
	prev := false
	for _, r := range s {
		if string(r) == unknown {
			if !prev {
				b.WriteString("…")
			}
			prev = true
			continue
		}
		prev = false
		b.WriteRune(r)
	}
	return b.String()
}

// ---- Clients ----

// optSpec says how a program's options are parsed.
type optSpec struct {
	short    string   // short options taking a value (getopt style: -c SQL, -cSQL, -Atc SQL)
	optShort string   // short options whose value is optional and only attached (mysql -pSECRET)
	long     []string // long options taking a value as the next argument (or after =)
	words    bool     // options are whole words (-cmd X, sqlite3 style): no clusters
}

type optVal struct {
	name string
	val  Arg
	has  bool
}

// getopts splits args into options and positionals.
func getopts(args []Arg, spec optSpec) (opts []optVal, pos []Arg) {
	dashdash := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		switch {
		case dashdash || !strings.HasPrefix(v, "-") || v == "-":
			pos = append(pos, a)
			continue
		case v == "--":
			dashdash = true
			continue
		}
		if strings.HasPrefix(v, "--") || spec.words {
			name, _, hasEq := strings.Cut(v, "=")
			if hasEq {
				opts = append(opts, optVal{name, subArg(a, len(name)+1), true})
				continue
			}
			if inList(spec.long, name) && i+1 < len(args) {
				opts = append(opts, optVal{name, args[i+1], true})
				i++
				continue
			}
			opts = append(opts, optVal{name: name})
			continue
		}
		for j := 1; j < len(v); j++ {
			ch := v[j]
			name := "-" + string(ch)
			if strings.IndexByte(spec.short, ch) >= 0 {
				switch {
				case j+1 < len(v):
					opts = append(opts, optVal{name, subArg(a, j+1), true})
				case i+1 < len(args):
					opts = append(opts, optVal{name, args[i+1], true})
					i++
				default:
					opts = append(opts, optVal{name: name})
				}
				break
			}
			if strings.IndexByte(spec.optShort, ch) >= 0 {
				opts = append(opts, optVal{name: name, val: subArg(a, j+1), has: j+1 < len(v)})
				break
			}
			opts = append(opts, optVal{name: name})
		}
	}
	return opts, pos
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// subArg is the part of an argument from byte k of its value on (the
// value of -cSQL or --command=SQL), with its span kept exact when the
// argument was written plainly.
func subArg(a Arg, k int) Arg {
	b := a
	b.Value = a.Value[min(k, len(a.Value)):]
	if k <= len(a.Raw) && k <= len(a.Value) && a.Raw[:k] == a.Value[:k] {
		b.Raw = a.Raw[k:]
		b.Span.Start = min(a.Span.Start+k, a.Span.End)
		if a.Span.End-a.Span.Start != len(a.Raw) {
			b.Span = a.Span // the argument's span is not its text
			b.Raw = "\x00"
		}
	} else {
		b.Raw = "\x00" // not verbatim: spans point at the whole argument
	}
	return b
}

func optValues(opts []optVal, names ...string) []Arg {
	var out []Arg
	for _, o := range opts {
		if o.has && inList(names, o.name) {
			out = append(out, o.val)
		}
	}
	return out
}

func lastOpt(opts []optVal, names ...string) string {
	v := ""
	for _, a := range optValues(opts, names...) {
		v = a.Value
	}
	return v
}

func hasOpt(opts []optVal, names ...string) bool {
	for _, o := range opts {
		if inList(names, o.name) {
			return true
		}
	}
	return false
}

// sqlClient describes a command-line SQL client.
type sqlClient struct {
	opts    optSpec
	exec    []string // options whose value is SQL to run
	files   []string // options naming a file of SQL ("-": stdin)
	host    []string // options naming the server
	db      []string // options naming the database (or a connection string)
	posDB   int      // the positional naming the database or connection string; -1: none
	posHost int      // the positional naming the server; -1: none
	posSQL  int      // the first positional that is SQL; -1: none
	stdin   bool     // reads SQL on stdin when given none otherwise
	hostEnv string
	dbEnv   string
}

var (
	psqlClient = &sqlClient{
		opts: optSpec{short: "cdfhLoPpRTUvF", long: []string{"--command", "--dbname", "--file", "--host", "--log-file", "--output",
			"--pset", "--port", "--record-separator", "--table-attr", "--username", "--set", "--variable", "--field-separator"}},
		exec: []string{"-c", "--command"}, files: []string{"-f", "--file"}, host: []string{"-h", "--host"}, db: []string{"-d", "--dbname"},
		posDB: 0, posHost: -1, posSQL: -1, stdin: true, hostEnv: "PGHOST", dbEnv: "PGDATABASE",
	}
	mysqlClient = &sqlClient{
		opts: optSpec{short: "eDhPuSOT", optShort: "p", long: []string{"--execute", "--database", "--host", "--port", "--user", "--socket",
			"--init-command", "--default-character-set", "--login-path", "--tee", "--prompt", "--delimiter", "--connect-timeout",
			"--max-allowed-packet", "--protocol", "--plugin-dir", "--default-auth", "--ssl-ca", "--ssl-cert", "--ssl-key", "--ssl-mode"}},
		exec: []string{"-e", "--execute", "--init-command"}, host: []string{"-h", "--host"}, db: []string{"-D", "--database"},
		posDB: 0, posHost: -1, posSQL: -1, stdin: true, hostEnv: "MYSQL_HOST",
	}
)

// sqlClients are the clients handled by analyseSQLClient, by program name.
var sqlClients = map[string]*sqlClient{
	"psql":    psqlClient,
	"mysql":   mysqlClient,
	"mariadb": mysqlClient,
	"pgcli": {opts: optSpec{short: "hpUudDcf", long: []string{"--host", "--port", "--username", "--user", "--dbname", "--dsn", "--command", "--file", "--pgclirc", "--prompt", "--prompt-dsn", "--row-limit", "--log-file"}},
		exec: []string{"-c", "--command"}, files: []string{"-f", "--file"}, host: []string{"-h", "--host"}, db: []string{"-d", "--dbname"},
		posDB: 0, posHost: -1, posSQL: -1, hostEnv: "PGHOST", dbEnv: "PGDATABASE"},
	"mycli": {opts: optSpec{short: "hPuSpDeRlt", long: []string{"--host", "--port", "--user", "--socket", "--password", "--database", "--execute", "--prompt", "--logfile", "--login-path", "--myclirc", "--dsn", "--init-command", "--ssl-ca", "--ssl-cert", "--ssl-key"}},
		exec: []string{"-e", "--execute", "--init-command"}, host: []string{"-h", "--host"}, db: []string{"-D", "--database"},
		posDB: 0, posHost: -1, posSQL: -1},
	"litecli": {opts: optSpec{short: "eDlR", long: []string{"--execute", "--database", "--logfile", "--prompt", "--liteclirc"}},
		exec: []string{"-e", "--execute"}, db: []string{"-D", "--database"}, posDB: 0, posHost: -1, posSQL: -1},
	"sqlite3": {opts: optSpec{words: true, long: []string{"-cmd", "--cmd", "-init", "--init", "-separator", "--separator", "-newline", "--newline",
		"-nullvalue", "--nullvalue", "-vfs", "--vfs", "-maxsize", "--maxsize", "-mmap", "--mmap", "-heap", "-escape", "--escape", "-limit"}},
		exec: []string{"-cmd", "--cmd"}, posDB: 0, posHost: -1, posSQL: 1, stdin: true},
	"duckdb": {opts: optSpec{words: true, long: []string{"-c", "-cmd", "-s", "-init", "-separator", "-newline", "-nullvalue", "-f"}},
		exec: []string{"-c", "-cmd", "-s"}, files: []string{"-f"}, posDB: 0, posHost: -1, posSQL: 1, stdin: true},
	"clickhouse-client": {opts: optSpec{short: "qhdufC", long: []string{"--query", "--host", "--port", "--user", "--password", "--database", "--format", "--queries-file", "--config-file", "--config"}},
		exec: []string{"-q", "--query"}, files: []string{"--queries-file"}, host: []string{"-h", "--host"}, db: []string{"-d", "--database"},
		posDB: -1, posHost: -1, posSQL: -1, stdin: true},
	"sqlcmd": {opts: optSpec{short: "SdUPQqiovhsltyYwaHfzZcKMm"},
		exec: []string{"-Q", "-q"}, files: []string{"-i"}, host: []string{"-S"}, db: []string{"-d"}, posDB: -1, posHost: -1, posSQL: -1, stdin: true},
	"snowsql": {opts: optSpec{short: "qfaudswrcohpD", long: []string{"--query", "--filename", "--accountname", "--username", "--dbname", "--schemaname", "--warehouse", "--rolename", "--connection", "--option", "--host", "--port", "--variable", "--authenticator", "--config"}},
		exec: []string{"-q", "--query"}, files: []string{"-f", "--filename"}, host: []string{"-a", "--accountname"}, db: []string{"-d", "--dbname"},
		posDB: -1, posHost: -1, posSQL: -1, stdin: true},
	"usql": {opts: optSpec{short: "cfoPvJ", long: []string{"--command", "--file", "--out", "--pset", "--set", "--variable", "--config"}},
		exec: []string{"-c", "--command"}, files: []string{"-f", "--file"}, posDB: 0, posHost: -1, posSQL: -1, stdin: true},
	"cqlsh": {opts: optSpec{short: "eukpf", long: []string{"--execute", "--username", "--keyspace", "--password", "--file", "--cqlshrc", "--cqlversion", "--protocol-version", "--connect-timeout", "--request-timeout", "--encoding"}},
		exec: []string{"-e", "--execute"}, files: []string{"-f", "--file"}, db: []string{"-k", "--keyspace"}, posDB: -1, posHost: 0, posSQL: -1, stdin: true},
}

// sqlDumpSources produce SQL dumps: piping them into a client restores
// data, it does not run code someone wrote for the occasion.
var sqlDumpSources = wordSet(`pg_dump pg_dumpall pg_restore mysqldump mariadb-dump mysqlpump mongodump sqlite3 gunzip gzip zcat bzcat bunzip2 bzip2
	xz xzcat unxz zstd zstdcat unzstd lz4 lz4cat cat pv tar unzip openssl gpg age ssh docker kubectl aws gsutil gcloud az`)

func analyseSQLClient(inv *Invocation, c *sqlClient) {
	args := resolvedArgs(inv)
	opts, pos := getopts(args, c.opts)
	if hasOpt(opts, "--help", "-?", "--version", "-V") && len(optValues(opts, c.exec...)) == 0 {
		return
	}
	conn := c.connect(inv, opts, pos)
	if conn.DB == ":memory:" {
		return // a database that lives and dies with this command
	}
	ran, stdinToo := false, false
	for _, a := range optValues(opts, c.exec...) {
		ran = true
		var hits []sqlHit
		hits, conn = scanSQLConn(inv, a.Value, originOf(a), conn) // psql runs each -c in one session
		for _, h := range hits {
			inv.Flag(h.Rule, h.Target, h.Reason, h.Spans...)
			if h.Rule == "sql.generated-destructive" {
				savedGenerated(inv, opts, h)
			}
		}
	}
	for _, a := range optValues(opts, c.files...) {
		ran = true
		stdinToo = stdinToo || a.Value == "-" || a.Value == "/dev/stdin"
		// A file whose content the command itself supplies: <(echo ...),
		// or one it wrote earlier (cat > q.sql <<EOF ... ; psql -f q.sql).
		in, ok := Input{}, false
		if a.proc != nil {
			in, ok = *a.proc, a.proc.Known
		} else {
			in, ok = inv.FileContent(a.Value)
		}
		if ok {
			sqlFindingsIn(inv, in.Text, in.origin, conn)
		}
	}
	if c.posSQL >= 0 {
		for i := c.posSQL; i < len(pos); i++ {
			ran = true
			sqlFindingsIn(inv, pos[i].Value, originOf(pos[i]), conn)
		}
	}
	if c.stdin && (!ran || stdinToo) {
		sqlStdin(inv, conn)
	}
}

// savedGenerated escalates generated destructive statements that are
// saved to a file (> drop.sql, -o drop.sql): the next step runs the file,
// where sentinel no longer sees them.
func savedGenerated(inv *Invocation, opts []optVal, h sqlHit) {
	file := lastOpt(opts, "-o", "--output")
	for _, r := range inv.Redirs {
		if v := r.Target.Value; v != "/dev/null" && !strings.HasPrefix(v, "/dev/std") {
			file = v
		}
	}
	if file == "" {
		return
	}
	effect := h.Reason
	if i := strings.Index(effect, "whatever runs its output"); i >= 0 {
		effect = effect[i:]
	}
	inv.Flag("sql.run-generated", h.Target, "saves the statements a query builds to "+disp(file)+", ready to run; "+effect, h.Spans...)
}

// sqlStdin scans what a client reads on stdin.
func sqlStdin(inv *Invocation, conn sqlConn) {
	in := inv.Stdin
	if in == nil {
		return
	}
	if in.Known {
		sqlFindingsIn(inv, in.Text, in.origin, conn)
		return
	}
	sc := newSQLScanner(inv, "", origin{whole: in.Span}, conn, false)
	if in.From == "here-string" || in.From == "heredoc" {
		inv.Flag("sql.dynamic", sc.target(""), "runs SQL from a "+in.From+" that is built when the command runs"+sc.where()+"; sentinel cannot tell what it does", in.Span)
		return
	}
	prog, ok := strings.CutPrefix(in.From, "output of ")
	if !ok || sqlDumpSources[prog] {
		return // a file on disk, or a dump being restored
	}
	if f := generatedUpstream(inv, prog); f != nil {
		inv.Flag("sql.run-generated", sc.target(""), "pipes the statements a query builds into "+inv.Name+sc.where()+", which runs them: "+strings.TrimPrefix(f.Reason[strings.Index(f.Reason, ";")+1:], " whatever runs its output (a pipe into a client, \\gexec) "), in.Span, inv.NameSpan)
		return
	}
	inv.Flag("sql.dynamic", sc.target(""), "pipes the "+in.From+" into "+inv.Name+sc.where()+" as SQL; sentinel cannot tell what it runs", in.Span, inv.NameSpan)
}

// generatedUpstream looks at the command whose output inv reads: when it
// is a SQL client whose query builds destructive statements, that finding.
func generatedUpstream(inv *Invocation, prog string) *Finding {
	if _, client := sqlClients[prog]; !client && prog != "clickhouse" && prog != "cockroach" && prog != "bq" {
		return nil
	}
	in := inv.Stdin
	if inv.w == nil || !inv.org.exact || in.Span.Start < 0 || in.Span.End > len(inv.w.src) || in.Span.Start >= in.Span.End || in.Span.End > inv.NameSpan.Start {
		return nil
	}
	// The upstream command is strictly before this one, so this cannot
	// recurse without end.
	w := &walker{src: inv.w.src, cfg: defaultConfig}
	w.analyzeString(inv.w.src[in.Span.Start:in.Span.End], origin{base: in.Span.Start, exact: true})
	for i := range w.findings {
		if w.findings[i].Rule == "sql.generated-destructive" {
			return &w.findings[i]
		}
	}
	return nil
}

// connect works out the server and database a client talks to.
func (c *sqlClient) connect(inv *Invocation, opts []optVal, pos []Arg) sqlConn {
	var conn sqlConn
	env := prefixEnv(inv)
	if c.hostEnv != "" {
		conn.Host = env[c.hostEnv]
	}
	if c.dbEnv != "" {
		conn.DB = env[c.dbEnv]
	}
	if c.posHost >= 0 && c.posHost < len(pos) {
		conn.Host = connValue(pos[c.posHost])
	}
	if a, ok := lastOptArg(opts, c.host...); ok {
		v := connValue(a)
		if h, d := parseConn(v); h != "" {
			conn.Host = h
			if d != "" {
				conn.DB = d
			}
		} else {
			conn.Host = stripPort(v)
		}
	}
	set := func(a Arg) {
		v := connValue(a)
		if strings.HasPrefix(v, "$") {
			conn.DB = v // a variable holding a URL or a name
			return
		}
		h, d := parseConn(v)
		if h != "" {
			conn.Host = h
		}
		if d != "" {
			conn.DB = d
		}
	}
	if c.posDB >= 0 && c.posDB < len(pos) {
		set(pos[c.posDB])
	}
	if a, ok := lastOptArg(opts, c.db...); ok {
		set(a)
	}
	return conn
}

var shellVarRE = lazyRegexp(`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$`)

// connValue is how a connection argument is shown: its value, or for one
// only known at run time the variable that holds it ($DATABASE_URL).
func connValue(a Arg) string {
	if a.Known() {
		return a.Value
	}
	if r := strings.Trim(a.Raw, `"'`); strings.Trim(a.Value, unknown) == "" && shellVarRE.MatchString(r) {
		return r
	}
	return disp(a.Value)
}

func lastOptArg(opts []optVal, names ...string) (Arg, bool) {
	vals := optValues(opts, names...)
	if len(vals) == 0 {
		return Arg{}, false
	}
	return vals[len(vals)-1], true
}

var jdbcDBRE = lazyRegexp(`(?i)databaseName=([^;]+)`)

var connKVRE = lazyRegexp(`(?i)\b(host|hostaddr|server|data source|dbname|database|initial catalog)\s*=\s*'?([^'\s;]+)`)

// parseConn reads a connection string or URI (postgres://user:pw@host/db,
// "host=x dbname=y", jdbc:…) into host and database; a plain word is a
// database. Credentials are never returned.
func parseConn(s string) (host, db string) {
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		hp := rest
		if j := strings.IndexAny(rest, "/?;"); j >= 0 {
			hp = rest[:j]
			if rest[j] == '/' {
				db = rest[j+1:]
				if k := strings.IndexAny(db, "?;#"); k >= 0 {
					db = db[:k]
				}
			}
		}
		if at := strings.LastIndexByte(hp, '@'); at >= 0 {
			hp = hp[at+1:]
		}
		host = stripPort(hp)
		if m := jdbcDBRE.FindStringSubmatch(rest); m != nil && db == "" {
			db = m[1]
		}
		return host, db
	}
	if strings.Contains(s, "=") {
		for _, m := range connKVRE.FindAllStringSubmatch(s, -1) {
			switch strings.ToLower(m[1]) {
			case "host", "hostaddr", "server", "data source":
				host = stripPort(m[2])
			default:
				db = m[2]
			}
		}
		return host, db
	}
	return "", s
}

func stripPort(h string) string {
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
	}
	if i := strings.LastIndexByte(h, ':'); i > 0 && strings.Count(h, ":") == 1 {
		return h[:i]
	}
	return h
}

// prefixEnv reads the VAR=value assignments written before the program
// (PGHOST=prod psql …, RAILS_ENV=production rails …, env X=1 …), which the
// walker does not pass on. Only when the call's text is the command's own.
func prefixEnv(inv *Invocation) map[string]string {
	var env map[string]string
	for _, t := range prefixTokens(inv) {
		if isAssignment(t.value) && !strings.ContainsAny(t.raw, "$`") {
			k, v, _ := strings.Cut(t.value, "=")
			if env == nil {
				env = map[string]string{}
			}
			env[k] = v
		}
	}
	return env
}

// prefixTokens are the words written before the program in its call:
// assignments and the wrappers that led to it (sudo -u x, env, npx …).
func prefixTokens(inv *Invocation) []token {
	if inv.w == nil || !inv.org.exact {
		return nil
	}
	src := inv.w.src
	s, e := inv.Span.Start, inv.NameSpan.Start
	if s < 0 || e > len(src) || s >= e {
		return nil
	}
	return tokenize(src[s:e])
}

// resolvedArgs returns the arguments with command substitutions whose
// output is knowable filled in: psql -c "$(cat <<'EOF' … EOF)".
func resolvedArgs(inv *Invocation) []Arg {
	var out []Arg
	for i, a := range inv.Args {
		if a.Known() || len(a.substs) == 0 || inv.w == nil {
			continue
		}
		if out == nil {
			out = append([]Arg(nil), inv.Args...)
		}
		out[i] = resolveSubst(inv.w, a)
	}
	if out == nil {
		return inv.Args
	}
	return out
}

func resolveSubst(w *walker, a Arg) Arg {
	text := ": " + a.Raw
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil || len(f.Stmts) != 1 {
		return a
	}
	call, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 2 {
		return a
	}
	ws := &words{text: text, org: origin{whole: a.Span}, vars: w.varsMap()}
	var b strings.Builder
	quoted := false
	resolveParts(w, ws, &b, call.Args[1].Parts, false, &quoted)
	out := a
	out.Value = b.String()
	return out
}

func resolveParts(w *walker, ws *words, b *strings.Builder, parts []syntax.WordPart, inDouble bool, quoted *bool) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.CmdSubst:
			if len(p.Stmts) == 1 {
				if out := w.output(p.Stmts[0], ws, nil); out.Known {
					b.WriteString(strings.TrimRight(out.Text, "\n"))
					continue
				}
			}
			b.WriteString(unknown)
		case *syntax.DblQuoted:
			*quoted = true
			resolveParts(w, ws, b, p.Parts, true, quoted)
		default:
			ws.part(b, p, inDouble, quoted)
		}
	}
}

// sub returns a copy of inv running the program at Args[i] with the
// arguments after it (clickhouse client, cockroach sql).
func subInvocation(inv *Invocation, i int) *Invocation {
	if i >= len(inv.Args) {
		return nil
	}
	sub := *inv
	sub.Name = inv.Name + " " + inv.Args[i].Value
	sub.Args = inv.Args[i+1:]
	return &sub
}

func analyseClickhouse(inv *Invocation) {
	if len(inv.Args) > 0 && (inv.Args[0].Value == "client" || inv.Args[0].Value == "local") {
		analyseSQLClient(subInvocation(inv, 0), sqlClients["clickhouse-client"])
	}
}

var cockroachSQL = &sqlClient{
	opts: optSpec{short: "edfu", long: []string{"--execute", "--database", "--file", "--user", "--url", "--host", "--port", "--certs-dir", "--format", "--set", "--cluster-name"}},
	exec: []string{"-e", "--execute"}, files: []string{"-f", "--file"}, host: []string{"--host", "--url"}, db: []string{"-d", "--database"},
	posDB: -1, posHost: -1, posSQL: -1, stdin: true,
}

func analyseCockroach(inv *Invocation) {
	if len(inv.Args) > 0 && inv.Args[0].Value == "sql" {
		analyseSQLClient(subInvocation(inv, 0), cockroachSQL)
	}
}

// ---- Database tools ----

func analyseDropdb(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "hpU", long: []string{"--host", "--port", "--username", "--maintenance-db"}})
	if len(pos) == 0 || hasOpt(opts, "--help", "-?", "--version", "-V") {
		return
	}
	host := lastOpt(opts, "-h", "--host")
	if host == "" {
		host = prefixEnv(inv)["PGHOST"]
	}
	db := pos[0]
	target := joinNonEmpty("/", disp(host), disp(db.Value))
	on := ""
	if host != "" {
		on = " on " + disp(host)
	}
	if scratchDatabase(db.Value) {
		inv.Flag("sql.drop-scratch", target, "drops database "+disp(db.Value)+on+", which by its name is a test or scratch database", inv.NameSpan, db.Span)
		return
	}
	inv.Flag("sql.drop-database", target, "drops database "+disp(db.Value)+on+" with every table in it; only a backup brings it back", inv.NameSpan, db.Span)
}

func analyseDropuser(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "hpU", long: []string{"--host", "--port", "--username"}})
	if len(pos) == 0 || hasOpt(opts, "--help", "-?", "--version", "-V") {
		return
	}
	host := lastOpt(opts, "-h", "--host")
	target := joinNonEmpty("/", disp(host), disp(pos[0].Value))
	inv.Flag("sql.drop-role", target, "drops database role "+disp(pos[0].Value)+"; whoever logs in with it loses access", inv.NameSpan, pos[0].Span)
}

func analyseMysqladmin(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "hPuSOci", optShort: "p", long: []string{"--host", "--port", "--user", "--socket", "--count", "--sleep", "--defaults-file", "--login-path"}})
	host := lastOpt(opts, "-h", "--host")
	on := ""
	if host != "" {
		on = " on " + disp(host)
	}
	for i := 0; i < len(pos); i++ {
		switch strings.ToLower(pos[i].Value) {
		case "drop":
			if i+1 >= len(pos) {
				return
			}
			db := pos[i+1]
			target := joinNonEmpty("/", disp(host), disp(db.Value))
			if scratchDatabase(db.Value) {
				inv.Flag("sql.drop-scratch", target, "drops database "+disp(db.Value)+on+", which by its name is a test or scratch database", pos[i].Span, db.Span)
			} else {
				inv.Flag("sql.drop-database", target, "drops database "+disp(db.Value)+on+" with every table in it; only a backup brings it back", pos[i].Span, db.Span)
			}
			i++
		case "kill":
			if i+1 < len(pos) {
				inv.Flag("sql.terminate-sessions", disp(host), "kills MySQL sessions "+disp(pos[i+1].Value)+on+"; their open transactions roll back", pos[i].Span, pos[i+1].Span)
				i++
			}
		}
	}
}

func analysePgDropcluster(inv *Invocation) {
	_, pos := getopts(inv.Args, optSpec{})
	if len(pos) < 2 {
		return
	}
	c := disp(pos[0].Value) + "/" + disp(pos[1].Value)
	inv.Flag("sql.drop-cluster", c, "deletes PostgreSQL cluster "+c+" and its data directory: every database in it is gone", inv.NameSpan, pos[0].Span, pos[1].Span)
}

func analysePgRestore(inv *Invocation) {
	opts, _ := getopts(inv.Args, optSpec{short: "dfFIjLnNPStTUhp", long: []string{"--dbname", "--file", "--format", "--index", "--jobs", "--use-list",
		"--schema", "--exclude-schema", "--function", "--superuser", "--table", "--trigger", "--username", "--host", "--port", "--role", "--section"}})
	if !hasOpt(opts, "-c", "--clean") {
		return
	}
	dbv := lastOpt(opts, "-d", "--dbname")
	if dbv == "" {
		return // writes a script to stdout
	}
	host, db := parseConn(dbv)
	if h := lastOpt(opts, "-h", "--host"); h != "" {
		host = h
	}
	target := joinNonEmpty("/", disp(host), disp(db))
	what := "database " + disp(db)
	if host != "" {
		what += " on " + disp(host)
	}
	i := inv.FlagIndex("-c", "--clean")
	inv.Flag("sql.restore-clean", target, "drops the objects of "+what+" before recreating them from the dump (--clean); whatever was written since the dump was taken is lost", inv.SpanOf(i)...)
}

// bq query runs SQL; bq rm is the cloud analyser's.
func analyseBq(inv *Invocation) {
	cmd := -1
	for i, a := range inv.Args {
		if !strings.HasPrefix(a.Value, "-") {
			if a.Value == "query" {
				cmd = i
			}
			break
		}
	}
	if cmd < 0 {
		return
	}
	conn := sqlConn{}
	var sqls []Arg
	for _, a := range inv.Args[cmd+1:] {
		v := a.Value
		switch {
		case v == "--dry_run" || v == "--dry_run=true" || v == "--dryrun":
			return
		case strings.HasPrefix(v, "--dataset_id="):
			conn.DB = v[len("--dataset_id="):]
		case !strings.HasPrefix(v, "-"):
			sqls = append(sqls, a)
		}
	}
	for _, a := range inv.Args[:cmd] {
		if v, ok := strings.CutPrefix(a.Value, "--project_id="); ok {
			conn.Host = v
		}
	}
	for _, a := range sqls {
		sqlFindingsIn(inv, a.Value, originOf(a), conn)
	}
	if len(sqls) == 0 {
		sqlStdin(inv, conn)
	}
}

// wrangler d1 execute DB --command SQL: Cloudflare D1.
func analyseWrangler(inv *Invocation) {
	if len(inv.Args) < 3 || inv.Args[0].Value != "d1" || inv.Args[1].Value != "execute" {
		return
	}
	opts, pos := getopts(inv.Args[2:], optSpec{long: []string{"--command", "--file", "--env", "-e", "--config", "-c", "--persist-to"}})
	conn := sqlConn{}
	if len(pos) > 0 {
		conn.DB = pos[0].Value
	}
	if hasOpt(opts, "--remote") {
		conn.Host = "Cloudflare (remote)"
	}
	for _, a := range optValues(opts, "--command") {
		sqlFindingsIn(inv, a.Value, originOf(a), conn)
	}
}

// turso db shell DB "SQL" (or SQL on stdin).
func analyseTurso(inv *Invocation) {
	if len(inv.Args) < 3 || inv.Args[0].Value != "db" || inv.Args[1].Value != "shell" {
		return
	}
	_, pos := getopts(inv.Args[2:], optSpec{long: []string{"--instance", "--location"}})
	if len(pos) == 0 {
		return
	}
	conn := sqlConn{Host: "turso", DB: pos[0].Value}
	for _, a := range pos[1:] {
		sqlFindingsIn(inv, a.Value, originOf(a), conn)
	}
	if len(pos) == 1 {
		sqlStdin(inv, conn)
	}
}
