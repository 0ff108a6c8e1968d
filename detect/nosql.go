package detect

import (
	"strings"
)

// NoSQL and key-value stores: redis-cli (and valkey-cli, keydb-cli),
// mongo/mongosh scripts, mongorestore --drop, etcdctl, consul kv, influx
// and cypher-shell (Neo4j). cqlsh speaks SQL-like CQL and is read by the
// SQL scanner (sql.go). Elasticsearch and other HTTP APIs are the HTTP
// analyser's; DynamoDB and hosted caches are the cloud analyser's.

func init() {
	register(
		Rule{ID: "nosql.redis-flush", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "FLUSHALL or FLUSHDB deletes every key of a Redis database (FLUSHALL: of every database on the server).",
			Examples:    []string{"redis-cli FLUSHALL", "redis-cli -h cache.internal -n 2 flushdb", "echo flushall | redis-cli", `redis-cli EVAL "return redis.call('flushall')" 0`}},
		Rule{ID: "nosql.redis-bulk-delete", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "Deletes Redis keys in bulk: DEL/UNLINK of keys piped in from KEYS/--scan, or a Lua script that deletes what KEYS matches.",
			Examples:    []string{"redis-cli --scan --pattern 'session:*' | xargs redis-cli del", `redis-cli eval "for _,k in ipairs(redis.call('keys','user:*')) do redis.call('del',k) end" 0`}},
		Rule{ID: "nosql.redis-replicaof", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "REPLICAOF/SLAVEOF makes a Redis server a replica of another: it discards its own data and loads the other server's.",
			Examples:    []string{"redis-cli -h cache-1 replicaof cache-2 6379"}},
		Rule{ID: "nosql.redis-shutdown-nosave", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "Shuts Redis down with NOSAVE: every write since the last snapshot is lost.",
			Examples:    []string{"redis-cli SHUTDOWN NOSAVE"}},
		Rule{ID: "nosql.redis-shutdown", Category: "nosql", Severity: Medium, Verdict: Warn,
			Description: "SHUTDOWN stops a Redis server; with NOSAVE, writes since the last snapshot are lost.",
			Examples:    []string{"redis-cli shutdown"}},
		Rule{ID: "nosql.mongo-drop-database", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "db.dropDatabase() drops a MongoDB database with every collection in it.",
			Examples:    []string{`mongosh app --eval "db.dropDatabase()"`, "mongosh <<'EOF'\nuse shop\ndb.dropDatabase()\nEOF"}},
		Rule{ID: "nosql.mongo-drop-collection", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "db.collection.drop() drops a MongoDB collection with all its documents and indexes.",
			Examples:    []string{`mongosh --eval "db.users.drop()"`, `mongo shop --eval 'db.getCollection("orders").drop()'`}},
		Rule{ID: "nosql.mongo-delete-all", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "deleteMany({}) or remove({}) with an empty filter deletes every document of a collection.",
			Examples:    []string{`mongosh --eval "db.sessions.deleteMany({})"`, `mongo app --eval 'db.users.remove({})'`}},
		Rule{ID: "nosql.mongo-update-all", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "updateMany({}, …) with an empty filter overwrites fields in every document of a collection.",
			Examples:    []string{`mongosh --eval 'db.users.updateMany({}, {$set: {plan: "free"}})'`}},
		Rule{ID: "nosql.mongo-drop-index", Category: "nosql", Severity: Medium, Verdict: Warn,
			Description: "Drops MongoDB indexes: queries slow down until they are rebuilt, unique constraints stop holding.",
			Examples:    []string{`mongosh --eval "db.users.dropIndexes()"`}},
		Rule{ID: "nosql.mongo-drop-user", Category: "nosql", Severity: Medium, Verdict: Warn,
			Description: "Drops MongoDB users or roles: whoever logs in with them loses access.",
			Examples:    []string{`mongosh admin --eval 'db.dropUser("reporting")'`}},
		Rule{ID: "nosql.mongorestore-drop", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "mongorestore --drop drops each collection before restoring it from the dump: whatever was written since the dump is lost.",
			Examples:    []string{"mongorestore --drop --uri mongodb://db.internal/shop dump/"}},
		Rule{ID: "nosql.dynamic", Category: "nosql", Severity: Medium, Verdict: Warn,
			Description: "Runs a database script that is only known when the command runs.",
			Examples:    []string{`mongosh --eval "$SCRIPT"`}},
		Rule{ID: "nosql.kv-delete-all", Category: "nosql", Severity: Critical, Verdict: Pause,
			Description: "Deletes every key of an etcd or Consul key-value store (del --prefix \"\", kv delete -recurse /): for etcd under Kubernetes, the whole cluster's state.",
			Examples:    []string{`etcdctl del "" --prefix`, "consul kv delete -recurse /", "etcdctl del --from-key ''"}},
		Rule{ID: "nosql.kv-delete-prefix", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "Deletes every etcd or Consul key under a prefix or in a range.",
			Examples:    []string{"etcdctl del --prefix /registry/deployments/", "consul kv delete -recurse config/app"}},
		Rule{ID: "nosql.kv-delete-key", Category: "nosql", Severity: Medium, Verdict: Warn,
			Description: "Deletes one etcd or Consul key: shared configuration or coordination state.",
			Examples:    []string{"etcdctl del /config/feature-x", "consul kv delete config/app/flag"}},
		Rule{ID: "nosql.influx-delete", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "Deletes an InfluxDB bucket or organization, or every point of a bucket in a time range (influx delete without --predicate).",
			Examples:    []string{"influx bucket delete --name metrics --org acme", "influx delete --bucket metrics --start 1970-01-01T00:00:00Z --stop 2030-01-01T00:00:00Z"}},
		Rule{ID: "nosql.cypher-delete-all", Category: "nosql", Severity: High, Verdict: Pause,
			Description: "A Cypher query deletes every node (of a label) it matches without a WHERE or property filter: MATCH (n) DETACH DELETE n.",
			Examples:    []string{`cypher-shell -u neo4j "MATCH (n) DETACH DELETE n"`}},
	)
	handle(analyseRedisCLI, "redis-cli", "valkey-cli", "keydb-cli")
	handle(analyseMongoShell, "mongosh", "mongo")
	handle(analyseMongorestore, "mongorestore")
	handle(analyseEtcdctl, "etcdctl")
	handle(analyseConsul, "consul")
	handle(analyseInflux, "influx")
	handle(analyseCypherShell, "cypher-shell")
}

// ---- Redis ----

var redisValueOpts = wordSet(`-h -p -s -a -u -r -i -n -d -D --user --pass --rdb --functions-rdb --pipe-timeout --memkeys-samples
	--pattern --quoted-pattern --count --intrinsic-latency --eval --cacert --cacertdir --cert --key --tls-ciphers --tls-ciphersuites
	--sni --lru-test --latency-history --latency-dist`)

type redisConn struct {
	host, db string
}

func (c redisConn) where() string {
	h := c.host
	if h == "" {
		h = "the local Redis server"
	}
	return h
}

func (c redisConn) target() string {
	h := c.host
	if h == "" {
		h = "localhost"
	}
	if c.db != "" {
		return h + "/db " + c.db
	}
	return h
}

func analyseRedisCLI(inv *Invocation) {
	args := inv.Args
	var conn redisConn
	stdinArg := false
	i := 0
	for i < len(args) {
		v := args[i].Value
		if !strings.HasPrefix(v, "-") || v == "-" {
			break
		}
		switch {
		case v == "--cluster":
			// --cluster call HOST:PORT COMMAND ARGS runs a command on every node.
			if i+3 < len(args) && args[i+1].Value == "call" {
				conn.host = "every node of cluster " + stripPort(args[i+2].Value)
				redisCommand(inv, args[i+3:], conn)
			}
			return
		case v == "-x":
			stdinArg = true
		case redisValueOpts[v] && i+1 < len(args):
			val := args[i+1].Value
			switch v {
			case "-h":
				conn.host = val
			case "-n":
				conn.db = val
			case "-u":
				h, d := parseConn(val)
				conn.host = h
				if d != "" {
					conn.db = d
				}
			}
			i++
		}
		i++
	}
	conn.host, conn.db = disp(conn.host), disp(conn.db)
	if i < len(args) {
		redisCommand(inv, args[i:], conn)
		return
	}
	if stdinArg || inv.Stdin == nil || !inv.Stdin.Known {
		return
	}
	// Commands read from stdin, one per line (also --pipe's inline form;
	// RESP framing lines are skipped).
	in := inv.Stdin
	off := 0
	for _, line := range strings.SplitAfter(in.Text, "\n") {
		start := off
		off += len(line)
		body := strings.TrimRight(line, "\r\n")
		if t := strings.TrimSpace(body); t == "" || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "$") || strings.HasPrefix(t, "#") {
			continue
		}
		var words []Arg
		for _, t := range tokenize(body) {
			words = append(words, Arg{Value: t.value, Raw: t.raw, Span: in.origin.span(start+t.start, start+t.end)})
		}
		if len(words) > 1 && strings.EqualFold(words[0].Value, "SELECT") {
			conn.db = words[1].Value
			continue
		}
		if len(words) > 0 {
			redisCommand(inv, words, conn)
		}
	}
}

var (
	redisLuaFlushRE = lazyRegexp(`(?i)redis\s*\.\s*p?call\s*\(\s*['"](flushall|flushdb)['"]`)
	redisLuaKeysRE  = lazyRegexp(`(?i)redis\s*\.\s*p?call\s*\(\s*['"](keys|scan)['"]`)
	redisLuaDelRE   = lazyRegexp(`(?i)redis\s*\.\s*p?call\s*\(\s*['"](del|unlink)['"]`)
)

// redisCommand judges one Redis command (words[0] is its name).
func redisCommand(inv *Invocation, words []Arg, conn redisConn) {
	if len(words) == 0 {
		return
	}
	name := strings.ToUpper(words[0].Value)
	cmdSpan := []Span{words[0].Span}
	switch name {
	case "FLUSHALL":
		c := conn
		c.db = ""
		inv.Flag("nosql.redis-flush", c.target(), "deletes every key in every database on "+conn.where()+" (FLUSHALL); unless it persists snapshots elsewhere, they are gone", cmdSpan...)
	case "FLUSHDB":
		db := conn.db
		if db == "" {
			db = "0"
		}
		c := conn
		c.db = db
		inv.Flag("nosql.redis-flush", c.target(), "deletes every key in database "+db+" on "+conn.where()+" (FLUSHDB); unless it persists snapshots elsewhere, they are gone", cmdSpan...)
	case "DEL", "UNLINK":
		for _, a := range words[1:] {
			if !a.Known() {
				src := "computed when the command runs"
				if a.Raw == "(arguments from stdin)" {
					src = "piped in from another command (a KEYS or --scan pattern match)"
				}
				inv.Flag("nosql.redis-bulk-delete", conn.target(), "deletes every Redis key "+src+" on "+conn.where(), words[0].Span, a.Span)
				return
			}
		}
	case "EVAL", "EVAL_RO", "FCALL":
		if len(words) < 2 {
			return
		}
		script := words[1].Value
		if m := redisLuaFlushRE.FindStringSubmatch(script); m != nil {
			inv.Flag("nosql.redis-flush", conn.target(), "runs a Lua script that calls "+strings.ToUpper(m[1])+" on "+conn.where()+", deleting every key", words[0].Span, words[1].Span)
		} else if redisLuaKeysRE.MatchString(script) && redisLuaDelRE.MatchString(script) {
			inv.Flag("nosql.redis-bulk-delete", conn.target(), "runs a Lua script on "+conn.where()+" that deletes every key a KEYS/SCAN pattern matches", words[0].Span, words[1].Span)
		}
	case "REPLICAOF", "SLAVEOF":
		if len(words) >= 3 && strings.EqualFold(words[1].Value, "NO") && strings.EqualFold(words[2].Value, "ONE") {
			return
		}
		if len(words) >= 2 {
			inv.Flag("nosql.redis-replicaof", conn.target(), "makes "+conn.where()+" a replica of "+disp(words[1].Value)+": it discards all its own keys and loads that server's data", words[0].Span, words[len(words)-1].Span)
		}
	case "SHUTDOWN":
		for _, a := range words[1:] {
			if strings.EqualFold(a.Value, "NOSAVE") {
				inv.Flag("nosql.redis-shutdown-nosave", conn.target(), "shuts down "+conn.where()+" without saving (NOSAVE): every write since the last snapshot is lost", cmdSpan...)
				return
			}
		}
		inv.Flag("nosql.redis-shutdown", conn.target(), "shuts down "+conn.where()+"; clients lose their connection", cmdSpan...)
	}
}

// ---- MongoDB ----

var mongoValueOpts = []string{"--eval", "--host", "--port", "-u", "--username", "-p", "--password", "--authenticationDatabase",
	"--authenticationMechanism", "-f", "--file", "--tlsCertificateKeyFile", "--tlsCAFile", "--tlsCertificateKeyFilePassword",
	"--apiVersion", "--gssapiServiceName", "--awsAccessKeyId", "--awsSecretAccessKey", "--awsSessionToken", "--db", "--sslPEMKeyFile", "--sslCAFile"}

func analyseMongoShell(inv *Invocation) {
	args := resolvedArgs(inv)
	opts, pos := getopts(args, optSpec{long: mongoValueOpts})
	var conn sqlConn
	files := false
	for _, p := range pos {
		v := p.Value
		if strings.HasSuffix(v, ".js") || strings.HasSuffix(v, ".mongodb") {
			files = true
			continue
		}
		if conn.Host == "" && conn.DB == "" {
			if strings.Contains(v, "://") {
				conn.Host, conn.DB = parseConn(v)
			} else if h, d, ok := strings.Cut(v, "/"); ok {
				conn.Host, conn.DB = stripPort(h), d
			} else {
				conn.DB = v
			}
		}
	}
	if h := lastOpt(opts, "--host"); h != "" {
		if strings.Contains(h, "://") {
			conn.Host, conn.DB = parseConn(h)
		} else {
			conn.Host = stripPort(h)
		}
	}
	if d := lastOpt(opts, "--db"); d != "" {
		conn.DB = d
	}
	conn.Host, conn.DB = disp(conn.Host), disp(conn.DB)
	evals := optValues(opts, "--eval")
	for _, e := range evals {
		mongoScript(inv, e.Value, originOf(e), e.Span, conn)
	}
	if len(evals) > 0 || files || len(optValues(opts, "-f", "--file")) > 0 {
		return
	}
	if in := inv.Stdin; in != nil && in.Known {
		mongoScript(inv, in.Text, in.origin, in.Span, conn)
	}
}

var (
	mongoDropDBRE     = lazyRegexp(`\.\s*dropDatabase\s*\(|runCommand\s*\(\s*\{\s*['"]?dropDatabase['"]?\s*:`)
	mongoDropRE       = lazyRegexp(`\.\s*drop\s*\(`)
	mongoRunDropRE    = lazyRegexp(`runCommand\s*\(\s*\{\s*['"]?drop['"]?\s*:\s*['"]([^'"]+)['"]`)
	mongoDeleteAllRE  = lazyRegexp(`\.\s*(deleteMany|remove)\s*\(\s*(?:\{\s*\}\s*)?[,)]`)
	mongoUpdateAllRE  = lazyRegexp(`\.\s*(updateMany)\s*\(\s*\{\s*\}\s*,`)
	mongoDropIndexRE  = lazyRegexp(`\.\s*(dropIndex|dropIndexes)\s*\(`)
	mongoDropUserRE   = lazyRegexp(`\.\s*(dropUser|dropAllUsers|dropRole|dropAllRoles)\s*\(`)
	mongoUseRE        = lazyRegexp(`(?m)(?:^|;)\s*use\s+([\w-]+)|get(?:Sibling)?DB\s*\(\s*['"]([^'"]+)['"]\s*\)`)
	mongoCollByCallRE = lazyRegexp(`getCollection\s*\(\s*['"]([^'"]+)['"]\s*\)\s*$`)
	mongoCollByIdxRE  = lazyRegexp(`\[\s*['"]([^'"]+)['"]\s*\]\s*$`)
	mongoCollByVarRE  = lazyRegexp(`\[\s*[^\]'"]+\]\s*$`)
	mongoCollByDotRE  = lazyRegexp(`(\w+)\s*\.\s*([A-Za-z_$][\w$.-]*)\s*$`)
)

// mongoScript judges a mongo shell script (JavaScript). Calls are found in
// the code with comments and string contents blanked, so mentions in
// strings do not count; names are read from the text with strings kept.
func mongoScript(inv *Invocation, text string, o origin, whole Span, conn sqlConn) {
	if strings.Trim(text, unknown+" \t\n;") == "" && strings.Contains(text, unknown) {
		inv.Flag("nosql.dynamic", joinNonEmpty("/", conn.Host, conn.DB), "runs a mongo shell script that is only known when the command runs; sentinel cannot tell what it does", whole)
		return
	}
	code, full := jsMask(text)
	dbAt := func(p int) string {
		db := conn.DB
		for _, m := range mongoUseRE.FindAllStringSubmatchIndex(full[:p], -1) {
			if m[2] >= 0 {
				db = full[m[2]:m[3]]
			} else {
				db = full[m[4]:m[5]]
			}
		}
		return db
	}
	target := func(p int, coll string) string { return joinNonEmpty("/", conn.Host, dbAt(p), coll) }
	in := func(p int) string {
		s := ""
		if db := dbAt(p); db != "" {
			s = " in database " + disp(db)
		}
		if conn.Host != "" {
			s += " on " + disp(conn.Host)
		}
		return s
	}
	span := func(a, b int) Span { return o.span(a, b) }
	for _, m := range mongoDropDBRE.FindAllStringIndex(code, -1) {
		db := dbAt(m[0])
		what := "the current database"
		if db != "" {
			what = "database " + disp(db)
		}
		if conn.Host != "" {
			what += " on " + disp(conn.Host)
		}
		inv.Flag("nosql.mongo-drop-database", joinNonEmpty("/", conn.Host, db), "drops MongoDB "+what+" with every collection in it; only a backup brings it back", span(m[0], m[1]))
	}
	for _, m := range mongoDropRE.FindAllStringIndex(code, -1) {
		coll := mongoCollection(full[:m[0]])
		inv.Flag("nosql.mongo-drop-collection", target(m[0], coll), "drops collection "+collName(coll)+in(m[0])+" with all its documents and indexes; only a backup brings them back", span(collStart(full, m[0], coll), m[1]))
	}
	for _, m := range mongoRunDropRE.FindAllStringSubmatchIndex(full, -1) {
		if strings.TrimSpace(code[m[0]:m[1]]) == "" {
			continue
		}
		coll := full[m[2]:m[3]]
		inv.Flag("nosql.mongo-drop-collection", target(m[0], coll), "drops collection "+disp(coll)+in(m[0])+" with all its documents and indexes; only a backup brings them back", span(m[0], m[1]))
	}
	for _, m := range mongoDeleteAllRE.FindAllStringSubmatchIndex(code, -1) {
		coll := mongoCollection(full[:m[0]])
		inv.Flag("nosql.mongo-delete-all", target(m[0], coll), "deletes every document of collection "+collName(coll)+in(m[0])+" ("+code[m[2]:m[3]]+" with an empty filter); only a backup brings them back", span(collStart(full, m[0], coll), m[1]))
	}
	for _, m := range mongoUpdateAllRE.FindAllStringSubmatchIndex(code, -1) {
		coll := mongoCollection(full[:m[0]])
		inv.Flag("nosql.mongo-update-all", target(m[0], coll), "overwrites fields in every document of collection "+collName(coll)+in(m[0])+" (updateMany with an empty filter); the old values are gone", span(collStart(full, m[0], coll), m[1]))
	}
	for _, m := range mongoDropIndexRE.FindAllStringSubmatchIndex(code, -1) {
		coll := mongoCollection(full[:m[0]])
		inv.Flag("nosql.mongo-drop-index", target(m[0], coll), "drops indexes of collection "+collName(coll)+in(m[0])+"; queries that use them slow down and unique constraints stop holding until they are rebuilt", span(m[0], m[1]))
	}
	for _, m := range mongoDropUserRE.FindAllStringSubmatchIndex(code, -1) {
		inv.Flag("nosql.mongo-drop-user", target(m[0], ""), "drops MongoDB users or roles"+in(m[0])+" ("+code[m[2]:m[3]]+"); whoever logs in with them loses access", span(m[0], m[1]))
	}
}

// mongoCollection names the collection an expression ending at the end of
// prefix refers to: db.users, db.getCollection("users"), db["users"].
func mongoCollection(prefix string) string {
	prefix = strings.TrimRight(prefix, " \t\n")
	if m := mongoCollByCallRE.FindStringSubmatch(prefix); m != nil {
		return m[1]
	}
	if m := mongoCollByIdxRE.FindStringSubmatch(prefix); m != nil {
		return m[1]
	}
	if mongoCollByVarRE.MatchString(prefix) {
		return unknown
	}
	if m := mongoCollByDotRE.FindStringSubmatch(prefix); m != nil {
		if m[1] == "db" || strings.HasSuffix(m[1], "DB") {
			return m[2]
		}
		return m[1] + "." + m[2]
	}
	return ""
}

func collName(c string) string {
	if c == "" {
		return "(a collection held in a variable)"
	}
	return disp(c)
}

// collStart is where the expression naming the collection starts, for
// the span (db.users.drop()).
func collStart(full string, p int, coll string) int {
	if coll == "" || coll == unknown {
		return p
	}
	if i := strings.LastIndex(full[:p], "db"); i >= 0 && p-i <= len(coll)+40 {
		return i
	}
	return p
}

// jsMask blanks JavaScript comments (in both results) and the contents of
// string literals (in code only), keeping every offset.
func jsMask(s string) (code, full string) {
	c := []byte(s)
	f := []byte(s)
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				c[i], f[i] = ' ', ' '
				i++
			}
		case ch == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			end := len(s)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			for k := i; k < end; k++ {
				if s[k] != '\n' {
					c[k], f[k] = ' ', ' '
				}
			}
			i = end - 1
		case ch == '\'' || ch == '"' || ch == '`':
			j := i + 1
			for j < len(s) && s[j] != ch {
				if s[j] == '\\' {
					j++
				} else if s[j] == '\n' && ch != '`' {
					break
				}
				j++
			}
			for k := i + 1; k < j && k < len(s); k++ {
				if s[k] != '\n' {
					c[k] = ' '
				}
			}
			i = j
		}
	}
	return string(c), string(f)
}

func analyseMongorestore(inv *Invocation) {
	opts, _ := getopts(inv.Args, optSpec{short: "hpudcj", long: []string{"--host", "--port", "--uri", "--db", "--collection",
		"--nsInclude", "--nsExclude", "--nsFrom", "--nsTo", "--username", "--password", "--authenticationDatabase", "--archive",
		"--dir", "--numParallelCollections", "--writeConcern", "--authenticationMechanism"}})
	if !hasOpt(opts, "--drop") {
		return
	}
	var host, db string
	if u := lastOpt(opts, "--uri"); u != "" {
		host, db = parseConn(u)
	}
	if h := lastOpt(opts, "-h", "--host"); h != "" {
		host = stripPort(h)
	}
	if d := lastOpt(opts, "-d", "--db"); d != "" {
		db = d
	}
	if ns := lastOpt(opts, "--nsInclude"); ns != "" && db == "" {
		db = ns
	}
	what := "every collection in the dump"
	if db != "" {
		what = "each collection of " + disp(db) + " in the dump"
	}
	if host != "" {
		what += " on " + disp(host)
	}
	i := inv.FlagIndex("--drop")
	inv.Flag("nosql.mongorestore-drop", joinNonEmpty("/", disp(host), disp(db)), "drops "+what+" before restoring it (--drop); whatever was written since the dump was taken is lost", inv.SpanOf(i)...)
}

// ---- etcd and Consul ----

func analyseEtcdctl(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "w", long: []string{"--endpoints", "--cacert", "--cert", "--key", "--user", "--password",
		"--dial-timeout", "--command-timeout", "--keepalive-time", "--keepalive-timeout", "--write-out", "--discovery-srv",
		"--discovery-srv-name", "--peers", "--ca-file", "--cert-file", "--key-file"}})
	if len(pos) == 0 {
		return
	}
	host := ""
	if e := lastOpt(opts, "--endpoints", "--peers"); e != "" {
		host, _ = parseConn(strings.Split(e, ",")[0])
		if host == "" {
			host = stripPort(strings.Split(e, ",")[0])
		}
	}
	where := "etcd"
	if host != "" {
		where = "etcd on " + disp(host)
	}
	cmd := pos[0]
	keys := pos[1:]
	switch cmd.Value {
	case "del", "delete":
		prefix := hasOpt(opts, "--prefix")
		fromKey := hasOpt(opts, "--from-key")
		if len(keys) == 0 {
			return
		}
		key := keys[0]
		t := etcdTarget(host, key.Value)
		spans := []Span{cmd.Span, key.Span}
		switch {
		case (prefix || fromKey) && (key.Value == "" || key.Value == "/" || key.Value == "\x00" || key.MayBeEmpty()):
			inv.Flag("nosql.kv-delete-all", t, "deletes every key in "+where+"; under Kubernetes that is the whole cluster's state", spans...)
		case prefix:
			inv.Flag("nosql.kv-delete-prefix", t, "deletes every key under "+disp(key.Value)+" in "+where, spans...)
		case fromKey:
			inv.Flag("nosql.kv-delete-prefix", t, "deletes every key from "+disp(key.Value)+" to the end of the keyspace in "+where, spans...)
		case len(keys) > 1:
			inv.Flag("nosql.kv-delete-prefix", t, "deletes every key from "+disp(key.Value)+" to "+disp(keys[1].Value)+" in "+where, spans...)
		default:
			inv.Flag("nosql.kv-delete-key", t, "deletes key "+disp(key.Value)+" from "+where, spans...)
		}
	case "rm", "rmdir": // the v2 API
		if len(keys) == 0 {
			return
		}
		key := keys[0]
		t := etcdTarget(host, key.Value)
		if hasOpt(opts, "--recursive", "-r") || cmd.Value == "rmdir" {
			if key.Value == "/" || key.Value == "" || key.MayBeEmpty() {
				inv.Flag("nosql.kv-delete-all", t, "deletes every key in "+where+" (rm --recursive /)", cmd.Span, key.Span)
				return
			}
			inv.Flag("nosql.kv-delete-prefix", t, "deletes every key under "+disp(key.Value)+" in "+where, cmd.Span, key.Span)
			return
		}
		inv.Flag("nosql.kv-delete-key", t, "deletes key "+disp(key.Value)+" from "+where, cmd.Span, key.Span)
	}
}

func etcdTarget(host, key string) string {
	if key == "" || key == "\x00" {
		key = "(every key)"
	}
	return joinNonEmpty(" ", "etcd", disp(host), disp(key))
}

func analyseConsul(inv *Invocation) {
	if len(inv.Args) < 2 || inv.Args[0].Value != "kv" || inv.Args[1].Value != "delete" {
		return
	}
	opts, pos := getopts(inv.Args[2:], optSpec{words: true, long: []string{"-http-addr", "--http-addr", "-token", "-token-file", "-datacenter",
		"-ns", "-namespace", "-partition", "-ca-file", "-ca-path", "-client-cert", "-client-key", "-tls-server-name", "-modify-index"}})
	host := lastOpt(opts, "-http-addr", "--http-addr")
	if host != "" {
		if h, _ := parseConn(host); h != "" {
			host = h
		}
	}
	where := "Consul"
	if host != "" {
		where = "Consul at " + disp(host)
	}
	recurse := hasOpt(opts, "-recurse", "--recurse")
	cmdSpan := Span{inv.Args[1].Span.Start, inv.Args[1].Span.End}
	if len(pos) == 0 {
		if recurse {
			inv.Flag("nosql.kv-delete-all", joinNonEmpty(" ", "consul", disp(host), "(every key)"), "deletes every key in "+where+"'s key-value store", cmdSpan)
		}
		return
	}
	key := pos[0]
	k := key.Value
	if k == "" {
		k = "(every key)"
	}
	t := joinNonEmpty(" ", "consul", disp(host), disp(k))
	switch {
	case recurse && (key.Value == "" || key.Value == "/" || key.MayBeEmpty()):
		inv.Flag("nosql.kv-delete-all", t, "deletes every key in "+where+"'s key-value store", cmdSpan, key.Span)
	case recurse:
		inv.Flag("nosql.kv-delete-prefix", t, "deletes every key under "+disp(key.Value)+" in "+where, cmdSpan, key.Span)
	default:
		inv.Flag("nosql.kv-delete-key", t, "deletes key "+disp(key.Value)+" from "+where, cmdSpan, key.Span)
	}
}

// ---- InfluxDB ----

func analyseInflux(inv *Invocation) {
	args := inv.Args
	// influx 1.x: influx -execute 'DROP DATABASE x' (InfluxQL, read as SQL).
	if opts, _ := getopts(args, optSpec{words: true, long: []string{"-execute", "-database", "-host", "-port", "-username", "-password",
		"-format", "-precision", "-consistency", "-path"}}); hasOpt(opts, "-execute") {
		conn := sqlConn{Host: disp(lastOpt(opts, "-host")), DB: disp(lastOpt(opts, "-database"))}
		for _, a := range optValues(opts, "-execute") {
			sqlFindingsIn(inv, a.Value, originOf(a), conn)
		}
		return
	}
	if len(args) == 0 {
		return
	}
	long := []string{"--name", "--id", "--org", "--org-id", "--bucket", "--bucket-id", "--start", "--stop", "--predicate", "--host",
		"--token", "--configs-path", "--active-config"}
	switch {
	case args[0].Value == "bucket" && len(args) > 1 && args[1].Value == "delete":
		opts, _ := getopts(args[2:], optSpec{short: "niotc", long: long})
		name := lastOpt(opts, "-n", "--name")
		if name == "" {
			name = "with id " + lastOpt(opts, "-i", "--id")
		}
		inv.Flag("nosql.influx-delete", disp(name), "deletes InfluxDB bucket "+disp(name)+" and every point in it", args[0].Span, args[1].Span)
	case args[0].Value == "org" && len(args) > 1 && args[1].Value == "delete":
		opts, _ := getopts(args[2:], optSpec{short: "niotc", long: long})
		id := lastOpt(opts, "-i", "--id", "-n", "--name")
		inv.Flag("nosql.influx-delete", disp(id), "deletes InfluxDB organization "+disp(id)+" with every bucket and point in it", args[0].Span, args[1].Span)
	case args[0].Value == "delete":
		opts, _ := getopts(args[1:], optSpec{short: "bopt", long: long})
		if hasOpt(opts, "-p", "--predicate") {
			return // deletes the points the predicate selects, like DELETE … WHERE
		}
		b := lastOpt(opts, "-b", "--bucket", "--bucket-id")
		inv.Flag("nosql.influx-delete", disp(b), "deletes every point of InfluxDB bucket "+disp(b)+" between "+disp(lastOpt(opts, "--start"))+" and "+disp(lastOpt(opts, "--stop"))+" (no --predicate)", args[0].Span)
	}
}

// ---- Neo4j ----

var cypherMatchRE = lazyRegexp(`(?is)\bMATCH\s*(\(.*?)\b(?:DETACH\s+)?DELETE\b`)

func analyseCypherShell(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "aupdfP", long: []string{"--address", "--uri", "--username", "--password", "--database",
		"--file", "--param", "--format", "--encryption", "--access-mode", "--impersonate"}})
	conn := sqlConn{DB: disp(lastOpt(opts, "-d", "--database"))}
	if a := lastOpt(opts, "-a", "--address", "--uri"); a != "" {
		conn.Host, _ = parseConn(a)
		if conn.Host == "" {
			conn.Host = stripPort(a)
		}
	}
	for _, p := range pos {
		cypherQuery(inv, p.Value, originOf(p), conn)
	}
	if len(pos) == 0 && len(optValues(opts, "-f", "--file")) == 0 && inv.Stdin != nil && inv.Stdin.Known {
		cypherQuery(inv, inv.Stdin.Text, inv.Stdin.origin, conn)
	}
}

// cypherQuery flags MATCH … DELETE with no filter; DROP DATABASE and the
// like are read by the SQL scanner.
func cypherQuery(inv *Invocation, q string, o origin, conn sqlConn) {
	off := 0
	for _, st := range strings.SplitAfter(q, ";") {
		start := off
		off += len(st)
		m := cypherMatchRE.FindStringSubmatchIndex(st)
		if m == nil {
			continue
		}
		pattern := st[m[2]:m[3]]
		if strings.ContainsAny(pattern, "{") || cypherFilterRE.MatchString(pattern) {
			continue
		}
		label := ""
		if lm := cypherLabelRE.FindStringSubmatch(pattern); lm != nil {
			label = lm[1]
		}
		what := "every node"
		if label != "" {
			what = "every " + label + " node"
		}
		where := ""
		if conn.DB != "" {
			where = " in database " + conn.DB
		}
		if conn.Host != "" {
			where += " on " + conn.Host
		}
		inv.Flag("nosql.cypher-delete-all", joinNonEmpty("/", conn.Host, conn.DB, label), "deletes "+what+" it matches"+where+" with their relationships; only a backup brings them back", o.span(start+m[0], start+m[1]))
	}
	sqlFindingsIn(inv, q, o, conn)
}

var cypherFilterRE = lazyRegexp(`(?i)\b(WHERE|LIMIT)\b`)

var cypherLabelRE = lazyRegexp(`^\(\s*\w*\s*:\s*` + "`?" + `(\w+)`)
