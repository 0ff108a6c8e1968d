package detect

import (
	"strings"
	"testing"
)

// hxCase is a command that must produce a rule with a verdict.
type hxCase struct {
	cmd     string
	rule    string
	verdict Verdict
}

// hxFinding returns the finding of rule in cmd's analysis, failing the
// test when the rule is missing or the overall verdict is not want.
func hxFinding(t *testing.T, cmd, rule string, want Verdict) *Finding {
	t.Helper()
	r := Command(cmd, Context{})
	var got *Finding
	for i := range r.Findings {
		if r.Findings[i].Rule == rule {
			got = &r.Findings[i]
			break
		}
	}
	if got == nil || r.Verdict != want {
		var rules []string
		for _, f := range r.Findings {
			rules = append(rules, f.Rule+"/"+f.Verdict.String()+": "+f.Reason)
		}
		t.Errorf("%q: verdict %v, findings %q; want %s (%v)", cmd, r.Verdict, rules, rule, want)
		return nil
	}
	for _, s := range got.Spans {
		if s.Start < 0 || s.End > len(cmd) || s.Start > s.End {
			t.Errorf("%q: span %v out of range", cmd, s)
		}
	}
	return got
}

func hxRun(t *testing.T, cases []hxCase) {
	t.Helper()
	for _, c := range cases {
		hxFinding(t, c.cmd, c.rule, c.verdict)
	}
}

func hxAllowed(t *testing.T, cmds []string) {
	t.Helper()
	for _, cmd := range cmds {
		if r := Command(cmd, Context{}); r.Verdict != Allow {
			var rules []string
			for _, f := range r.Findings {
				rules = append(rules, f.Rule+": "+f.Reason)
			}
			t.Errorf("%q: verdict %v %q, want allow", cmd, r.Verdict, rules)
		}
	}
}

// spanText is what a finding's spans highlight.
func spanText(cmd string, f *Finding) []string {
	var out []string
	for _, s := range f.Spans {
		out = append(out, cmd[s.Start:s.End])
	}
	return out
}

// The incident, exactly.
const incident = `curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`

// The demo agent's command: the fake cloud listens on 127.0.0.1.
const demoCmd = `curl -sS -X POST http://127.0.0.1:41873/graphql/v2 -H "Authorization: Bearer rw_root_bbbbbbbbbbbbbbbbbbbb" -H "Content-Type: application/json" -d '{"query":"mutation { volumeDelete(volumeId: \"vol_9f3c2a7e\") }"}'`

func TestIncidentPauses(t *testing.T) {
	f := hxFinding(t, incident, "http.graphql-delete-critical", Pause)
	if f == nil {
		return
	}
	if f.Severity != Critical || f.Target != "v1" {
		t.Errorf("severity %v target %q", f.Severity, f.Target)
	}
	for _, want := range []string{"deletes volume v1", "Railway GraphQL API", "mutation volumeDelete", "bearer token in $T", "irreversible", "backups"} {
		if !strings.Contains(f.Reason, want) {
			t.Errorf("reason %q lacks %q", f.Reason, want)
		}
	}
	if strings.HasSuffix(f.Reason, ".") || f.Reason[0] < 'a' || f.Reason[0] > 'z' {
		t.Errorf("reason %q: want lower-case start, no trailing period", f.Reason)
	}
	got := spanText(incident, f)
	if len(got) != 2 || got[0] != "volumeDelete" || got[1] != "https://backboard.railway.app/graphql/v2" {
		t.Errorf("spans highlight %q", got)
	}
}

func TestDemoAgentPausesOnLoopback(t *testing.T) {
	f := hxFinding(t, demoCmd, "http.graphql-delete-critical", Pause)
	if f == nil {
		return
	}
	if f.Target != "vol_9f3c2a7e" || !strings.Contains(f.Reason, "127.0.0.1:41873") {
		t.Errorf("target %q reason %q", f.Target, f.Reason)
	}
	// The token is masked: its prefix and last four characters only.
	if strings.Contains(f.Reason, "bbbbbbbbbbbbbbbbbbbb") || !strings.Contains(f.Reason, "bearer token rw_root_…bbbb") {
		t.Errorf("token not masked as expected: %q", f.Reason)
	}
	// The demo's read-only queries, same host, same token, stay allowed.
	hxAllowed(t, []string{
		strings.Replace(demoCmd, `mutation { volumeDelete(volumeId: \"vol_9f3c2a7e\") }`, `{ volume(id: \"vol_9f3c2a7e\") { id name environments { name } } }`, 1),
		strings.Replace(demoCmd, `mutation { volumeDelete(volumeId: \"vol_9f3c2a7e\") }`, `{ volume(id: \"vol_9f3c2a7e\") { id name sizeMB environments { name } mountedBy { name } } }`, 1),
	})
}

func TestGraphQLMutationsPause(t *testing.T) {
	crit, high := "http.graphql-delete-critical", "http.graphql-delete"
	hxRun(t, []hxCase{
		{incident, crit, Pause},
		{demoCmd, crit, Pause},
		// The token in a variable set earlier, the body as --data-raw, --json.
		{`T=rw_root_abcdefabcdefabcdef; ` + incident, crit, Pause},
		{`curl https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" --data-raw '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`curl https://backboard.railway.app/graphql/v2 --data-binary '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`curl https://backboard.railway.app/graphql/v2 --json '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`curl https://backboard.railway.app/graphql/v2 --data='{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		// Variables, names, aliases, several fields, fragments, comments.
		{`curl https://backboard.railway.app/graphql/v2 --json '{"query":"mutation Del($id: String!) { volumeDelete(volumeId: $id) }","variables":{"id":"vol_42"}}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '{"query":"mutation { gone: projectDelete(id: \"p1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '{"query":"mutation { a: serviceCreate(name: \"x\") { id } b: environmentDelete(id: \"e1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '{"query":"mutation { ...F } fragment F on Mutation { backupDelete(id: \"b1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '{"query":"mutation { ... on Mutation { volumeDelete(volumeId: \"v1\") } }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '{"query":"# delete it\nmutation {\n  volumeDelete(volumeId: \"v1\") # gone\n}"}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '{"query":"mutation { volumeDelete(volumeId: \"\"\"v1\"\"\") }"}'`, crit, Pause},
		// Naming styles: camelCase either way, snake_case, all lower case.
		{`curl https://api.example.com/graphql -d '{"query":"mutation { deleteProject(id: \"p1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { projectDestroy(id: \"p1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { environment_delete(id: \"e1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { dropDatabase(name: \"orders\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { databasePurge(id: 3) }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { volumedelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { wipeCluster(id: \"c\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { deleteBucket(name: \"assets\") }"}'`, crit, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { snapshotsDelete(ids: [\"s1\", \"s2\"]) }"}'`, crit, Pause},
		{`curl -X POST https://api.github.com/graphql -H "Authorization: bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789" -d '{"query":"mutation { deleteRepository(input: {repositoryId: \"R_kgDOabc\"}) { clientMutationId } }"}'`, crit, Pause},
		// Other objects: high.
		{`curl https://api.example.com/graphql --json '{"query":"mutation { deleteUser(id: 7) { id } }"}'`, high, Pause},
		{`curl https://api.example.com/v1/graphql -H 'x-hasura-admin-secret: s3cr3t-value-123456' -d '{"query":"mutation { delete_users(where: {}) { affected_rows } }"}'`, high, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { deploymentRemove(id: \"d1\") }"}'`, high, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { apiTokenRevoke(id: \"t1\") }"}'`, high, Pause},
		{`curl https://api.example.com/graphql -d '{"query":"mutation { serviceTerminate(id: \"s1\") }"}'`, high, Pause},
		// The body on stdin: heredocs, here-strings, pipes.
		{"curl -X POST https://backboard.railway.app/graphql/v2 -H \"Authorization: Bearer $T\" -d @- <<'EOF'\n{\"query\":\"mutation { volumeDelete(volumeId: \\\"v1\\\") }\"}\nEOF", crit, Pause},
		{"curl -X POST https://backboard.railway.app/graphql/v2 -d @- <<EOF\n{\"query\":\"mutation { projectDelete(id: \\\"$P\\\") }\"}\nEOF", crit, Pause},
		{`curl https://api.example.com/graphql -d @- <<< '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`echo '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' | curl https://api.example.com/graphql -d @-`, crit, Pause},
		{`printf '%s' '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' | curl https://api.example.com/graphql --json @-`, crit, Pause},
		// Form, query string, raw GraphQL, multipart, GET.
		{`curl -G https://api.example.com/graphql --data-urlencode 'query=mutation { volumeDelete(volumeId: "v9") }'`, crit, Pause},
		{`curl https://api.example.com/graphql --data-urlencode 'query=mutation { volumeDelete(volumeId: "v9") }'`, crit, Pause},
		{`curl 'https://api.example.com/graphql?query=mutation%7BvolumeDelete(volumeId:%22v3%22)%7D'`, crit, Pause},
		{`curl https://api.example.com/graphql -H 'Content-Type: application/graphql' -d 'mutation { clusterDestroy(id: "c1") }'`, crit, Pause},
		{`curl https://api.example.com/graphql -F operations='{"query":"mutation { bucketDelete(name: \"assets\") }"}' -F map='{}'`, crit, Pause},
		{`curl https://api.example.com/graphql --json '[{"query":"{ me { id } }"},{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}]'`, crit, Pause},
		// Option shapes: clustered, reordered, long, = forms.
		{`curl -sSXPOST https://backboard.railway.app/graphql/v2 -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`curl -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' -H 'Content-Type: application/json' https://backboard.railway.app/graphql/v2 -X POST`, crit, Pause},
		{`curl --url https://backboard.railway.app/graphql/v2 --request POST --header "Authorization: Bearer $T" --data '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		{`/usr/bin/curl -fsS --retry 3 --max-time 10 https://backboard.railway.app/graphql/v2 -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`, crit, Pause},
		// Wrappers and shells.
		{`sudo -E ` + incident, crit, Pause},
		{`env RAILWAY_TOKEN=x timeout 30 ` + incident, crit, Pause},
		{`sh -c 'curl -X POST https://backboard.railway.app/graphql/v2 -d "{\"query\":\"mutation { volumeDelete(volumeId: \\\"v1\\\") }\"}"'`, crit, Pause},
		{`bash -lc "` + strings.ReplaceAll(strings.ReplaceAll(incident, `\`, `\\`), `"`, `\"`) + `"`, crit, Pause},
		{`ssh deploy@bastion '` + strings.ReplaceAll(incident, `'`, `'\''`) + `'`, crit, Pause},
		{`docker exec -it tools ` + incident, crit, Pause},
		{`cd infra && ` + incident + ` | jq .`, crit, Pause},
		// wget, HTTPie, xh.
		{`wget --post-data='{"query":"mutation { deleteDatabase(name: \"orders\") }"}' --header='Content-Type: application/json' https://api.example.com/graphql -O-`, crit, Pause},
		{`wget -qO- --header "Authorization: Bearer $T" --post-data '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' https://backboard.railway.app/graphql/v2`, crit, Pause},
		{`http POST api.example.com/graphql query='mutation { deleteProject(id: "p1") }'`, crit, Pause},
		{`http POST https://backboard.railway.app/graphql/v2 "Authorization:Bearer $T" query='mutation { volumeDelete(volumeId: "v1") }'`, crit, Pause},
		{`https backboard.railway.app/graphql/v2 query='mutation { volumeDelete(volumeId: "v1") }'`, crit, Pause},
		{`http -A bearer -a "$T" POST backboard.railway.app/graphql/v2 query='mutation { volumeDelete(volumeId: "v1") }'`, crit, Pause},
		{`xh POST https://api.example.com/graphql query='mutation { dropDatabase(name: "orders") }'`, crit, Pause},
		{`xh --bearer "$T" backboard.railway.app/graphql/v2 query='mutation { volumeDelete(volumeId: "v1") }'`, crit, Pause},
		{`echo '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' | http POST backboard.railway.app/graphql/v2`, crit, Pause},
		{`http --raw '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' POST backboard.railway.app/graphql/v2`, crit, Pause},
		// gh api, GitHub's CLI as an HTTP client.
		{`gh api graphql -f query='mutation { deleteRepository(input: {repositoryId: "R_1"}) { clientMutationId } }'`, crit, Pause},
		{`gh api graphql --raw-field 'query=mutation { deleteProjectV2(input: {projectId: "P_1"}) { clientMutationId } }'`, crit, Pause},
		// A body sentinel cannot read, to a GraphQL endpoint: warn.
		{`gh api graphql -F query=@mutation.graphql`, "http.graphql-unseen", Warn},
		{`curl -X POST https://api.example.com/graphql -d @mutation.json`, "http.graphql-unseen", Warn},
		{`curl -X POST https://backboard.railway.app/graphql/v2 -d "$BODY"`, "http.graphql-unseen", Warn},
		{`curl https://api.example.com/graphql --data-binary @- < q.json`, "http.graphql-unseen", Warn},
	})
}

func TestHTTPDeletesPause(t *testing.T) {
	crit, high := "http.delete-critical", "http.delete"
	hxRun(t, []hxCase{
		// Elasticsearch and OpenSearch indices.
		{"curl -X DELETE es:9200/logs-*", crit, Pause},
		{"curl -XDELETE 'http://es.internal:9200/_all'", crit, Pause},
		{"curl -X DELETE 'https://search.example.com/*'", crit, Pause},
		{"curl -X DELETE https://es.example.com:9200/logs-2024.01", high, Pause},
		{"curl -X POST https://es.internal:9200/logs-*/_delete_by_query -d '{\"query\":{\"match_all\":{}}}'", crit, Pause},
		{"curl -X POST https://es.internal:9200/orders/_delete_by_query -d '{\"query\":{\"term\":{\"a\":1}}}'", high, Pause},
		{"curl -X DELETE https://es.internal:9200/_snapshot/backups/nightly-1", crit, Pause},
		// REST, with the kind of object in the path.
		{"curl -X DELETE https://api.example.com/api/v1/databases/prod", crit, Pause},
		{"curl -X DELETE https://api.digitalocean.com/v2/volumes/7d2c -H 'Authorization: Bearer dop_v1_0123456789abcdef0123456789abcdef'", crit, Pause},
		{"curl -X DELETE https://api.github.com/repos/acme/api -H \"Authorization: token $GH\"", crit, Pause},
		{"curl -X DELETE https://api.vercel.com/v9/projects/web", crit, Pause},
		{"curl -X DELETE https://api.render.com/v1/services/srv-1/disks/dsk-9", crit, Pause},
		{"curl -X DELETE https://console.neon.tech/api/v2/projects/p1/branches/br-1", high, Pause},
		{"curl -X DELETE https://storage.googleapis.com/storage/v1/b/my-bucket", high, Pause},
		{"curl -X DELETE https://api.example.com/v1/items/42", high, Pause},
		{"curl --request DELETE https://api.example.com/items/3", high, Pause},
		{"curl --request=DELETE https://api.example.com/items/3", high, Pause},
		{"curl -X delete https://api.example.com/items/3", high, Pause},
		{"curl https://api.example.com/items -u admin:hunter2 -X DELETE", high, Pause},
		{"curl -X DELETE https://api.stripe.com/v1/customers/cus_123 -u sk_live_abcdefghijklmnopqrstuvwx:", high, Pause},
		{"curl -X DELETE https://api.github.com/repos/acme/api/git/refs/heads/main", high + "", Pause},
		{"curl -X DELETE \"$ES_URL/logs-2024.01\"", high, Pause},
		{"curl -X DELETE \"http://$HOST:8080/items/1\"", high, Pause},
		{"curl -X POST https://api.example.com/items/1 -H 'X-HTTP-Method-Override: DELETE'", high, Pause},
		{"curl -X POST https://app.example.com/items/1 -d '_method=delete'", high, Pause},
		{"curl https://a.example.com/ok --next -X DELETE https://api.example.com/x", high, Pause},
		{"URL=https://api.example.com/v1/items/9; curl -X DELETE \"$URL\"", high, Pause},
		// wget, HTTPie, xh.
		{"wget --method=DELETE https://api.example.com/items/1", high, Pause},
		{"wget --method DELETE -q -O - https://api.example.com/items/1", high, Pause},
		{"http DELETE https://api.example.com/items/1 Authorization:'Bearer abcdefghijklmnopqrstuvwxyz'", high, Pause},
		{"http delete api.example.com/items/1", high, Pause},
		{"xh DELETE https://api.cloudflare.com/client/v4/zones/abc/dns_records/def", high, Pause},
		// Wrappers.
		{"sudo curl -X DELETE https://api.example.com/items/1", high, Pause},
		{"sh -c 'curl -X DELETE https://api.example.com/items/1'", high, Pause},
		{"for id in 1 2 3; do curl -X DELETE https://api.example.com/items/$id; done", high, Pause},
		{"cat ids.txt | xargs -I{} curl -X DELETE https://api.example.com/items/{}", high, Pause},
		// gh api.
		{"gh api -X DELETE repos/acme/api", crit, Pause},
		{"gh api -X DELETE 'repos/{owner}/{repo}'", crit, Pause},
		{"gh api --method=DELETE repos/acme/api/git/refs/heads/feature-x", high, Pause},
		{"gh api -XDELETE /orgs/acme/hooks/12", high, Pause},
		{"gh api -X PATCH repos/acme/api -f private=false", "http.provider-write", Warn},
		// PUT and PATCH to a provider: warn.
		{"curl -X PATCH https://api.github.com/repos/acme/api -d '{\"private\":false}'", "http.provider-write", Warn},
		{"curl -X PUT https://api.cloudflare.com/client/v4/zones/z/dns_records/r --json '{\"content\":\"1.2.3.4\"}'", "http.provider-write", Warn},
	})
}

func TestHTTPSQLPauses(t *testing.T) {
	hxRun(t, []hxCase{
		{"curl 'http://clickhouse.internal:8123/?query=DROP+TABLE+events'", "http.sql-destructive", Pause},
		{"curl http://localhost:8123/ -d 'TRUNCATE TABLE events'", "http.sql-destructive", Pause},
		{"echo 'DELETE FROM events' | curl 'http://ch:8123/' --data-binary @-", "http.sql-destructive", Pause},
		{`curl -X POST https://api.supabase.com/v1/projects/abc/database/query -H "Authorization: Bearer $SB" -d '{"query":"DROP SCHEMA public CASCADE"}'`, "http.sql-drop-database", Pause},
		{`curl https://db.example.com/v1/sql --json '{"statements":["SELECT 1","DROP TABLE users"]}'`, "http.sql-destructive", Pause},
		{`curl https://db.example.com/_sql --json '{"sql":"UPDATE users SET admin = true"}'`, "http.sql-destructive", Pause},
	})
}

func TestHTTPAllowed(t *testing.T) {
	hxAllowed(t, []string{
		// Reading.
		"curl https://example.com",
		"curl -s https://api.github.com/repos/acme/api",
		"curl -fsSL https://example.com/install.sh -o install.sh",
		"curl -I https://example.com",
		"curl -sSL https://raw.githubusercontent.com/acme/x/main/README.md",
		"curl https://github.com/user/repo",
		"curl https://gitlab.com/user/repo",
		"curl https://example.com/delete-account",
		"curl -X GET https://api.example.com/items/1 -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz'",
		"curl -X HEAD https://api.example.com/items/1",
		"curl -X OPTIONS https://api.example.com/items -i",
		"wget https://example.com/file.tar.gz",
		"wget -qO- https://example.com/data.json | jq .",
		"wget -nv -c https://example.com/big.iso",
		"http https://api.example.com/items",
		"http GET api.example.com/items page==2",
		"xh https://api.example.com/items",
		"curl -s https://api.example.com/x | python3 -c \"import json,sys; print(json.load(sys.stdin)['a'])\"",
		"gh api repos/acme/api/pulls --jq '.[].title'",
		"gh api graphql -f query='{ viewer { login } }'",
		"gh api repos/acme/api/issues -f title=bug -f body='delete me'",
		"gh pr list",
		"gh repo view acme/api",
		// GraphQL that reads or creates.
		`curl -X POST https://backboard.railway.app/graphql/v2 -d '{"query":"{ projects { id name } }"}'`,
		`curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d '{"query":"query { me { email } }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { createProject(name: \"x\") { id } }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { serviceInstanceRedeploy(serviceId: \"s\") }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { undoDelete(id: 1) }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { cancelDeletion(id: 1) }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { deleteVolume(id: \"v\", dryRun: true) }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { removeLabel(id: 5) }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { deleteDraft(id: 1) }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"mutation { purgeCache(zone: \"z\") }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"query { deletedItems { id } }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"# mutation { volumeDelete(volumeId: \"x\") }\n{ me { id } }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"{ search(text: \"mutation { volumeDelete }\") { id } }"}'`,
		`curl https://api.example.com/graphql -d '{"query":"subscription { volumeDeleted { id } }"}'`,
		`http POST api.example.com/graphql query='{ projects { id } }'`,
		`http --offline POST backboard.railway.app/graphql/v2 query='mutation { volumeDelete(volumeId: "v1") }'`,
		// Writes that are not deletes; DELETE on this machine.
		`curl -X POST https://api.example.com/items -d '{"name":"x"}'`,
		`curl -X PUT https://api.example.com/items/1 -d '{"a":1}'`,
		`curl -X POST https://hooks.slack.com/services/T/B/X -d '{"text":"DROP TABLE users happened"}'`,
		`curl -X POST https://api.openai.com/v1/chat/completions -d '{"messages":[{"role":"user","content":"mutation { volumeDelete(volumeId: \"x\") }"}]}'`,
		`curl -X POST https://search.example.com/api -d '{"query":"how do I drop table safely"}'`,
		`curl -X POST https://api.supabase.com/v1/projects/abc/database/query -d '{"query":"SELECT * FROM users"}'`,
		`curl -X POST https://db.example.com/_sql --json '{"sql":"DELETE FROM sessions WHERE expires < now()"}'`,
		"curl -X DELETE http://localhost:9200/logs",
		"curl -X DELETE http://127.0.0.1:5000/api/todos/1",
		"curl -X DELETE http://[::1]:8080/x",
		"curl -X DELETE http://app.localhost/x",
		"curl --retry 3 -X DELETE http://localhost:8080/x",
		"http DELETE :3000/items/1",
		"xh delete localhost:8080/items/1",
		"wget --method=DELETE http://127.0.0.1:8000/items/1",
		// Data that merely looks like commands.
		"curl -d @- https://example.com <<EOF\nrm -rf /\nEOF",
		"echo 'curl -X DELETE https://api.example.com/x'",
		`git commit -m "curl -X DELETE https://api.example.com/x"`,
		`grep -rn "volumeDelete" src/`,
		`echo '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}' > mutation.json`,
		"# curl -X DELETE https://api.example.com/items/1",
	})
}

func TestHTTPMaskSecret(t *testing.T) {
	for tok, want := range map[string]string{
		"rw_root_bbbbbbbbbbbbbbbbbbbb":             "rw_root_…bbbb",
		"sk_live_abcdefghijklmnopqrstuvwx":         "sk_live_…uvwx",
		"ghp_abcdefghijklmnopqrstuvwxyz0123456789": "ghp_…6789",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc": "eyJh….abc",
		"abcdefghijkl": "ab…",
		"short":        "…",
	} {
		got := httpMaskSecret(tok)
		if got != want {
			t.Errorf("httpMaskSecret(%q) = %q, want %q", tok, got, want)
		}
		if len(tok) >= 8 && strings.Contains(got, tok) {
			t.Errorf("httpMaskSecret(%q) shows it whole", tok)
		}
	}
}

// No secret from a command reaches a reason or a target whole.
func TestSecretsNeverShown(t *testing.T) {
	secrets := []string{"rw_root_bbbbbbbbbbbbbbbbbbbb", "sk_live_abcdefghijklmnopqrstuvwx", "hunter2", "s3cr3t-value-123456", "dop_v1_0123456789abcdef0123456789abcdef"}
	for _, cmd := range []string{
		demoCmd,
		"curl -X DELETE https://api.stripe.com/v1/customers/cus_123 -u sk_live_abcdefghijklmnopqrstuvwx:",
		"curl https://api.example.com/items -u admin:hunter2 -X DELETE",
		"curl -X DELETE 'https://api.example.com/items/1?api_key=rw_root_bbbbbbbbbbbbbbbbbbbb'",
		"curl -X DELETE https://admin:hunter2@api.example.com/items/1",
		`curl https://api.example.com/v1/graphql -H 'x-hasura-admin-secret: s3cr3t-value-123456' -d '{"query":"mutation { delete_users(where: {}) { affected_rows } }"}'`,
		"curl -X DELETE https://api.digitalocean.com/v2/volumes/7d2c -H 'Authorization: Bearer dop_v1_0123456789abcdef0123456789abcdef'",
		"wget --method=DELETE --http-user=rw_root_bbbbbbbbbbbbbbbbbbbb https://api.example.com/x",
		`http DELETE api.example.com/x -a admin:hunter2`,
	} {
		r := Command(cmd, Context{})
		if r.Verdict != Pause {
			t.Errorf("%q: %v", cmd, r.Verdict)
		}
		for _, f := range r.Findings {
			for _, s := range secrets {
				if strings.Contains(f.Reason, s) || strings.Contains(f.Target, s) {
					t.Errorf("%q: finding shows secret %q: %q / %q", cmd, s, f.Reason, f.Target)
				}
			}
		}
	}
}

func TestHTTPReasons(t *testing.T) {
	for cmd, wants := range map[string][]string{
		"curl -X DELETE es:9200/logs-*":                           {"every index matching logs-*", "es:9200"},
		"curl -X DELETE https://es.example.com:9200/logs-2024.01": {"deletes the index logs-2024.01 on es.example.com:9200"},
		"curl -X DELETE https://api.digitalocean.com/v2/volumes/7d2c -H 'Authorization: Bearer dop_v1_0123456789abcdef0123456789abcdef'": {"deletes volume 7d2c", "DigitalOcean API", "bearer token dop_v1_…cdef"},
		"curl -X DELETE https://api.github.com/repos/acme/api":                                                                           {"GitHub repository acme/api"},
		`curl -X DELETE "$ES_URL/logs-2024.01"`:                                                                                          {"$ES_URL/logs-2024.01"},
		`curl https://api.example.com/graphql -d '{"query":"mutation { delete_users(where: {}) { id } }"}'`:                              {"every one of the users"},
		`curl https://api.example.com/graphql --json '{"query":"mutation($v: ID!) { volumeDelete(volumeId: $v) }"}'`:                     {"volume $v"},
	} {
		r := Command(cmd, Context{})
		f := r.Top()
		if f == nil {
			t.Errorf("%q: no finding", cmd)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(f.Reason, w) {
				t.Errorf("%q: reason %q lacks %q", cmd, f.Reason, w)
			}
		}
	}
}

func TestHTTPSpans(t *testing.T) {
	cmd := "curl -X DELETE https://api.example.com/v1/items/42"
	if f := hxFinding(t, cmd, "http.delete", Pause); f != nil {
		got := spanText(cmd, f)
		if strings.Join(got, "|") != "-X|DELETE|https://api.example.com/v1/items/42" {
			t.Errorf("spans %q", got)
		}
	}
	cmd = "sh -c 'curl -X DELETE https://api.example.com/v1/items/42'"
	if f := hxFinding(t, cmd, "http.delete", Pause); f != nil {
		if got := spanText(cmd, f); got[len(got)-1] != "https://api.example.com/v1/items/42" {
			t.Errorf("spans through sh -c %q", got)
		}
	}
	cmd = "curl https://backboard.railway.app/graphql/v2 -d @- <<'EOF'\n{\"query\":\"mutation { volumeDelete(volumeId: \\\"v1\\\") }\"}\nEOF"
	if f := hxFinding(t, cmd, "http.graphql-delete-critical", Pause); f != nil {
		if got := spanText(cmd, f); got[0] != "volumeDelete" {
			t.Errorf("heredoc span %q", got)
		}
	}
}

func TestProtectedTargetsRaise(t *testing.T) {
	cmd := `curl https://api.example.com/graphql -d '{"query":"mutation { deleteComment(id: \"production-notes\") }"}'`
	f := hxFinding(t, cmd, "http.graphql-delete", Pause)
	if f != nil && f.Severity != Critical {
		t.Errorf("protected id: severity %v", f.Severity)
	}
}

func TestGraphQLReader(t *testing.T) {
	doc := `
	# a comment with mutation { fake }
	query Q { a(s: "mutation { x }") { b } }
	mutation M($id: ID!, $n: Int = 3) @auth(role: "x") {
		first: volumeDelete(volumeId: $id) @skip(if: false)
		serviceCreate(input: {name: "n", env: {id: "e1"}}) { id ...Frag }
		... on Mutation { projectDelete(id: """p"1""") }
		...Top
	}
	fragment Top on Mutation { backupDelete(id: "b1") }
	fragment Frag on Service { name }`
	var names []string
	var args []string
	for _, f := range gqlMutations(doc) {
		names = append(names, f.Name)
		for _, a := range f.Args {
			args = append(args, a.Name+"="+a.Value)
		}
	}
	if got := strings.Join(names, ","); got != "volumeDelete,serviceCreate,projectDelete,backupDelete" {
		t.Errorf("fields %s", got)
	}
	if got := strings.Join(args, ","); got != `volumeId=id,input.name=n,input.env.id=e1,id=p"1,id=b1` {
		t.Errorf("args %s", got)
	}
	// Malformed and hostile documents never panic and end.
	for _, d := range []string{"mutation", "mutation {", "mutation { a(", "mutation { a(b: [", `mutation { a(b: "`, "mutation { ...", "mutation { a { b { c", strings.Repeat("mutation { a(b: {", 5000), strings.Repeat("{", 10000) + "mutation", "\xff\xfe mutation { \x00 }", "mutation " + unknown + " { x" + unknown + "Delete(id: " + unknown + ") }"} {
		gqlMutations(d)
	}
}

func TestIdentWords(t *testing.T) {
	for in, want := range map[string]string{
		"volumeDelete":               "volume delete",
		"deleteProject":              "delete project",
		"environment_delete":         "environment delete",
		"DBDrop":                     "db drop",
		"volumeInstanceBackupDelete": "volume instance backup delete",
		"delete-all-users":           "delete all users",
		"purgeCDNCache":              "purge cdn cache",
	} {
		if got := strings.Join(identWords(in), " "); got != want {
			t.Errorf("identWords(%q) = %q, want %q", in, got, want)
		}
	}
	for name, want := range map[string]bool{
		"volumeDelete": true, "deleteProject": true, "dropDatabase": true, "projectdestroy": true,
		"createVolume": false, "dropdownUpdate": false, "undoDelete": false, "softDeletePost": false,
		"purgeCache": false, "deletedAt": false, "resetPassword": true,
	} {
		if _, _, got := destructiveName(name); got != want {
			t.Errorf("destructiveName(%q) = %v", name, got)
		}
	}
}

func TestParseHTTPURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.example.com/v1/x?y=1":  "api.example.com||/v1/x|y=1",
		"es:9200/logs-*":                    "es|9200|/logs-*|",
		"http://[::1]:8080/x":               "::1|8080|/x|",
		"https://user:pw@Host.Example.com":  "host.example.com|||",
		"localhost":                         "localhost|||",
		"http://127.0.0.1:41873/graphql/v2": "127.0.0.1|41873|/graphql/v2|",
	} {
		u := parseHTTPURL(raw)
		if got := u.host + "|" + u.port + "|" + u.path + "|" + u.query; got != want {
			t.Errorf("parseHTTPURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func BenchmarkIncident(b *testing.B) {
	for b.Loop() {
		Command(incident, Context{})
	}
}

func BenchmarkEverydayCurl(b *testing.B) {
	for b.Loop() {
		Command("curl -fsSL https://api.github.com/repos/acme/api/releases/latest -H 'Accept: application/json' | jq -r .tag_name", Context{})
	}
}

// FuzzHTTPAndInterpreters starts from this domain's shapes: requests with
// bodies on every channel, and one-liners in every language.
func FuzzHTTPAndInterpreters(f *testing.F) {
	for _, s := range []string{
		incident, demoCmd,
		"curl -X DELETE es:9200/logs-*",
		"curl https://x/graphql -d @- <<'EOF'\n{\"query\":\"mutation { a: volumeDelete(volumeId: $v) ...F } fragment F on M { b(c: [{d: \\\"e\\\"}]) }\"}\nEOF",
		`http POST :3000/graphql query='mutation { x }' a:=1 b==2 c@f Authorization:'Bearer x'`,
		`wget -qO- --method=DELETE --header='X: y' http://h/p`,
		`python3 -c "import shutil, os; [shutil.rmtree(p) for p in glob.glob(f'{os.environ[\"HOME\"]}/*')]"`,
		`node -e "require('fs').rmSync(` + "`${x}/y`" + `, {recursive: true}); fetch(u, {method: 'DELETE'})"`,
		`ruby -e 'system("a", *%w[b c]); puts %x{d}; FileUtils.rm_rf "/x"'`,
		`perl -e 'my $d = qq{/h}; rmtree $d; print qx(ls); system "x", @a'`,
		`php -r '$f = "/e" . $x; unlink($f); echo ` + "`y`" + `;'`,
		`python3 -c "import sqlite3; sqlite3.connect('a').execute('DROP TABLE x; DELETE FROM y')"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Command(s, Context{})
		for _, f := range r.Findings {
			for _, sp := range f.Spans {
				if sp.Start < 0 || sp.End > len(s) || sp.Start > sp.End {
					t.Fatalf("span %v out of range for %q (%s)", sp, s, f.Rule)
				}
			}
		}
	})
}
