package detect

import (
	"strings"
	"testing"
)

func TestRedis(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{"redis-cli FLUSHALL", "nosql.redis-flush", Pause},
		{"redis-cli flushall", "nosql.redis-flush", Pause},
		{"redis-cli -n 0 flushall async", "nosql.redis-flush", Pause},
		{"redis-cli -h cache.internal -p 6380 -a secret --no-auth-warning FLUSHDB", "nosql.redis-flush", Pause},
		{"redis-cli -u redis://:secret@cache.internal:6379/1 flushdb", "nosql.redis-flush", Pause},
		{"valkey-cli flushall", "nosql.redis-flush", Pause},
		{"keydb-cli -c flushall", "nosql.redis-flush", Pause},
		{"/usr/local/bin/redis-cli FlushAll", "nosql.redis-flush", Pause},
		{"sudo redis-cli flushall", "nosql.redis-flush", Pause},
		{"docker exec -it redis redis-cli FLUSHALL", "nosql.redis-flush", Pause},
		{"kubectl exec redis-0 -- redis-cli flushdb", "nosql.redis-flush", Pause},
		{`sh -c "redis-cli flushall"`, "nosql.redis-flush", Pause},
		{"echo flushall | redis-cli", "nosql.redis-flush", Pause},
		{"printf 'SELECT 2\\nFLUSHDB\\n' | redis-cli", "nosql.redis-flush", Pause},
		{"redis-cli <<'EOF'\nSELECT 3\nFLUSHDB\nEOF", "nosql.redis-flush", Pause},
		{"redis-cli <<< 'flushall'", "nosql.redis-flush", Pause},
		{"redis-cli --cluster call 10.0.0.1:6379 FLUSHALL", "nosql.redis-flush", Pause},
		{`redis-cli EVAL "return redis.call('flushall')" 0`, "nosql.redis-flush", Pause},
		{"redis-cli --scan --pattern 'session:*' | xargs redis-cli del", "nosql.redis-bulk-delete", Pause},
		{"redis-cli keys 'user:*' | xargs -n 100 redis-cli -h cache unlink", "nosql.redis-bulk-delete", Pause},
		{`redis-cli del $(redis-cli keys 'cache:*')`, "nosql.redis-bulk-delete", Pause},
		{`redis-cli eval "for _,k in ipairs(redis.call('keys','user:*')) do redis.call('del',k) end" 0`, "nosql.redis-bulk-delete", Pause},
		{"redis-cli -h cache-1 replicaof cache-2 6379", "nosql.redis-replicaof", Pause},
		{"redis-cli slaveof 10.0.0.9 6379", "nosql.redis-replicaof", Pause},
		{"redis-cli shutdown nosave", "nosql.redis-shutdown-nosave", Pause},
		{"redis-cli shutdown", "nosql.redis-shutdown", Warn},
	})
	checkRuleCases(t, []ruleCase{
		{"redis-cli ping", "", Allow},
		{"redis-cli get foo", "", Allow},
		{"redis-cli del session:123", "", Allow},
		{"redis-cli del 'user:*'", "", Allow},
		{"redis-cli --scan --pattern 'session:*'", "", Allow},
		{"redis-cli keys '*'", "", Allow},
		{"redis-cli info keyspace", "", Allow},
		{"redis-cli dbsize", "", Allow},
		{"redis-cli monitor", "", Allow},
		{"redis-cli replicaof no one", "", Allow},
		{`redis-cli set note "flushall later"`, "", Allow},
		{"redis-cli -x set payload < data.bin", "", Allow},
		{"echo 'payload' | redis-cli -x set key", "", Allow},
		{"redis-cli --bigkeys", "", Allow},
		{`redis-cli EVAL "return redis.call('get', KEYS[1])" 1 foo`, "", Allow},
		{"redis-cli", "", Allow},
		{"echo flushall", "", Allow},
		{"grep -i flushall redis.conf", "", Allow},
	})
}

func TestMongo(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{`mongosh app --eval "db.dropDatabase()"`, "nosql.mongo-drop-database", Pause},
		{`mongo shop --eval 'db.dropDatabase()'`, "nosql.mongo-drop-database", Pause},
		{"mongosh <<'EOF'\nuse shop\ndb.dropDatabase()\nEOF", "nosql.mongo-drop-database", Pause},
		{`mongosh --eval 'db.getSiblingDB("analytics").dropDatabase()'`, "nosql.mongo-drop-database", Pause},
		{`mongosh --eval 'db.runCommand({dropDatabase: 1})'`, "nosql.mongo-drop-database", Pause},
		{`echo 'db.dropDatabase()' | mongosh mongodb://db.internal/app`, "nosql.mongo-drop-database", Pause},
		{`mongosh --eval "db.users.drop()"`, "nosql.mongo-drop-collection", Pause},
		{`mongo shop --eval 'db.getCollection("orders").drop()'`, "nosql.mongo-drop-collection", Pause},
		{`mongosh --eval 'db["orders"].drop()'`, "nosql.mongo-drop-collection", Pause},
		{`mongosh --eval 'db.getCollectionNames().forEach(c => db[c].drop())'`, "nosql.mongo-drop-collection", Pause},
		{`mongosh --eval 'db.runCommand({drop: "users"})'`, "nosql.mongo-drop-collection", Pause},
		{`mongosh --quiet --eval 'const c = "x"; db.users . drop ( )'`, "nosql.mongo-drop-collection", Pause},
		{`mongosh --eval "db.sessions.deleteMany({})"`, "nosql.mongo-delete-all", Pause},
		{`mongosh --eval "db.sessions.deleteMany({ })"`, "nosql.mongo-delete-all", Pause},
		{`mongo app --eval 'db.users.remove({})'`, "nosql.mongo-delete-all", Pause},
		{`mongosh --eval 'db.users.updateMany({}, {$set: {plan: "free"}})'`, "nosql.mongo-update-all", Pause},
		{`docker exec mongo mongosh --eval "db.users.drop()"`, "nosql.mongo-drop-collection", Pause},
		{`mongosh --eval "db.users.dropIndexes()"`, "nosql.mongo-drop-index", Warn},
		{`mongosh admin --eval 'db.dropUser("reporting")'`, "nosql.mongo-drop-user", Warn},
		{`mongosh --eval "$SCRIPT"`, "nosql.dynamic", Warn},
		{"mongorestore --drop --uri mongodb://db.internal/shop dump/", "nosql.mongorestore-drop", Pause},
		{"mongorestore --host db.internal --db shop --drop dump/shop", "nosql.mongorestore-drop", Pause},
	})
	checkRuleCases(t, []ruleCase{
		{`mongosh --eval 'db.users.find({}).limit(5)'`, "", Allow},
		{`mongosh --eval 'db.users.deleteMany({status: "inactive"})'`, "", Allow},
		{`mongosh --eval 'db.users.deleteOne({})'`, "", Allow},
		{`mongosh --eval 'db.users.updateMany({plan: null}, {$set: {plan: "free"}})'`, "", Allow},
		{`mongosh --eval 'print("db.users.drop()")'`, "", Allow},
		{"mongosh --eval '// db.users.drop()\ndb.users.countDocuments()'", "", Allow},
		{`mongosh --eval 'db.users.createIndex({email: 1})'`, "", Allow},
		{`mongosh --eval 'show dbs'`, "", Allow},
		{"mongosh script.js", "", Allow},
		{"mongosh mongodb://db.internal/app", "", Allow},
		{"mongorestore --uri mongodb://db.internal/shop dump/", "", Allow},
		{"mongodump --uri mongodb://db.internal/shop", "", Allow},
	})
}

func TestKeyValueStores(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{`etcdctl del "" --prefix`, "nosql.kv-delete-all", Pause},
		{"etcdctl del --prefix /", "nosql.kv-delete-all", Pause},
		{"ETCDCTL_API=3 etcdctl --endpoints=https://etcd-0:2379 del --from-key ''", "nosql.kv-delete-all", Pause},
		{`etcdctl del --prefix "$PREFIX"`, "nosql.kv-delete-all", Pause},
		{"ETCDCTL_API=2 etcdctl rm --recursive /", "nosql.kv-delete-all", Pause},
		{"etcdctl del --prefix /registry/deployments/", "nosql.kv-delete-prefix", Pause},
		{"etcdctl del /a /z", "nosql.kv-delete-prefix", Pause},
		{"kubectl exec -n kube-system etcd-0 -- etcdctl del --prefix /registry/secrets", "nosql.kv-delete-prefix", Pause},
		{"etcdctl del /config/feature-x", "nosql.kv-delete-key", Warn},
		{"consul kv delete -recurse /", "nosql.kv-delete-all", Pause},
		{"consul kv delete -recurse", "nosql.kv-delete-all", Pause},
		{"consul kv delete -http-addr=consul.internal:8500 -recurse config/app", "nosql.kv-delete-prefix", Pause},
		{"consul kv delete config/app/flag", "nosql.kv-delete-key", Warn},
		{"influx bucket delete --name metrics --org acme", "nosql.influx-delete", Pause},
		{"influx bucket delete -i 0a1b2c3d", "nosql.influx-delete", Pause},
		{"influx org delete -i 0a1b2c3d", "nosql.influx-delete", Pause},
		{"influx delete --bucket metrics --start 1970-01-01T00:00:00Z --stop 2030-01-01T00:00:00Z", "nosql.influx-delete", Pause},
		{`cypher-shell -u neo4j "MATCH (n) DETACH DELETE n"`, "nosql.cypher-delete-all", Pause},
		{`cypher-shell "MATCH (n:Session) DELETE n"`, "nosql.cypher-delete-all", Pause},
		{"cypher-shell <<'EOF'\nMATCH (n) DETACH DELETE n;\nEOF", "nosql.cypher-delete-all", Pause},
		{`cypher-shell "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {batchSize: 1000})"`, "nosql.cypher-delete-all", Pause},
		{`cypher-shell -d system "DROP DATABASE shop"`, "sql.drop-database", Pause},
	})
	checkRuleCases(t, []ruleCase{
		{"etcdctl get --prefix /registry", "", Allow},
		{"etcdctl put /config/x 1", "", Allow},
		{"etcdctl member list", "", Allow},
		{"etcdctl snapshot save backup.db", "", Allow},
		{"consul kv get -recurse config", "", Allow},
		{"consul kv put config/app/flag true", "", Allow},
		{"consul members", "", Allow},
		{"influx bucket list", "", Allow},
		{"influx query 'from(bucket:\"m\") |> range(start: -1h)'", "", Allow},
		{`influx delete --bucket metrics --start 2024-01-01T00:00:00Z --stop 2024-02-01T00:00:00Z --predicate '_measurement="cpu"'`, "", Allow},
		{`influx -execute 'SHOW DATABASES'`, "", Allow},
		{`cypher-shell "MATCH (n:User {id: 5}) DETACH DELETE n"`, "", Allow},
		{`cypher-shell "MATCH (n:Temp) WHERE n.created < 5 DELETE n"`, "", Allow},
		{`cypher-shell "MATCH (n) RETURN count(n)"`, "", Allow},
	})
}

func TestNoSQLTargets(t *testing.T) {
	for _, c := range []struct {
		cmd, rule, target string
		sev               Severity
	}{
		{"redis-cli -h cache.prod.internal -n 2 flushdb", "nosql.redis-flush", "cache.prod.internal/db 2", Critical},
		{"redis-cli -n 4 flushall", "nosql.redis-flush", "localhost", High},
		{"redis-cli <<'EOF'\nSELECT 3\nFLUSHDB\nEOF", "nosql.redis-flush", "localhost/db 3", High},
		{`mongosh "mongodb+srv://admin:secret@prod.cluster.mongodb.net/shop" --eval 'db.orders.deleteMany({})'`, "nosql.mongo-delete-all", "prod.cluster.mongodb.net/shop/orders", Critical},
		{"mongosh <<'EOF'\nuse shop\ndb.orders.drop()\nEOF", "nosql.mongo-drop-collection", "shop/orders", High},
		{"etcdctl --endpoints=https://etcd-0:2379 del --prefix /registry", "nosql.kv-delete-prefix", "etcd etcd-0 /registry", High},
	} {
		r := Command(c.cmd, Context{})
		var f *Finding
		for i := range r.Findings {
			if r.Findings[i].Rule == c.rule {
				f = &r.Findings[i]
			}
		}
		if f == nil || f.Target != c.target || f.Severity != c.sev {
			t.Errorf("%q: %+v, want %s target %q severity %v", c.cmd, f, c.rule, c.target, c.sev)
			continue
		}
		if strings.Contains(f.Reason, "secret") || strings.Contains(f.Target, "secret") {
			t.Errorf("%q: credentials leak into %+v", c.cmd, f)
		}
	}
}

func TestNoSQLSpans(t *testing.T) {
	for _, c := range []struct{ cmd, rule, want string }{
		{"redis-cli -h cache flushall", "nosql.redis-flush", "flushall"},
		{`mongosh --eval "db.users.drop()"`, "nosql.mongo-drop-collection", "db.users.drop("},
		{`mongosh --eval "db.sessions.deleteMany({})"`, "nosql.mongo-delete-all", "db.sessions.deleteMany({})"},
		{"etcdctl del --prefix /registry", "nosql.kv-delete-prefix", "del"},
	} {
		r := Command(c.cmd, Context{})
		ok := false
		for _, f := range r.Findings {
			if f.Rule == c.rule && c.cmd[f.Spans[0].Start:f.Spans[0].End] == c.want {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%q: want a %s span on %q: %+v", c.cmd, c.rule, c.want, r.Findings)
		}
	}
}
