package detect

import (
	"encoding/json"
	"net/url"
	"strings"
)

// The HTTP analyser: curl, wget, HTTPie (http, https) and xh. It works out
// the request each would send (method, URL, headers, body) and judges it:
// a GraphQL mutation that deletes something is destructive whatever the
// host (the incident was one curl to a GraphQL API); an HTTP DELETE is
// destructive unless it goes to this machine; SQL sent over HTTP is judged
// like SQL. Reading, and writing that is not a delete, stays allowed.

func init() {
	register(
		Rule{ID: "http.graphql-delete-critical", Category: "http", Severity: Critical, Verdict: Pause,
			Description: "Sends a GraphQL mutation that deletes, drops or wipes a volume, database, project, environment, backup, bucket, cluster or the like: gone at once, often with its backups. Any host, loopback included.",
			Examples: []string{
				`curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d '{"query":"mutation { volumeDelete(volumeId: \"v1\") }"}'`,
				`http POST api.example.com/graphql query='mutation { deleteProject(id: "p1") }'`,
				`gh api graphql -f query='mutation { deleteRepository(input: {repositoryId: "R_1"}) { clientMutationId } }'`,
			}},
		Rule{ID: "http.graphql-delete-local", Category: "http", Severity: Low, Verdict: Warn,
			Description: "Sends a GraphQL mutation that deletes an ordinary object (not a volume, database or the like) to a server on this machine: usually an app in development.",
			Examples:    []string{`curl -X POST http://localhost:4000/graphql -d '{"query":"mutation { deleteTodo(id: 3) { id } }"}'`}},
		Rule{ID: "http.graphql-delete", Category: "http", Severity: High, Verdict: Pause,
			Description: "Sends a GraphQL mutation whose name deletes, removes, purges, resets or revokes something: the API carries it out at once.",
			Examples:    []string{`curl https://api.example.com/graphql --json '{"query":"mutation { deleteUser(id: 7) { id } }"}'`}},
		Rule{ID: "http.graphql-unseen", Category: "http", Severity: Medium, Verdict: Warn,
			Description: "Sends a GraphQL request whose body sentinel cannot read (a file, a variable): it may hold a mutation.",
			Examples:    []string{`curl -X POST https://api.example.com/graphql -d @mutation.json`}},
		Rule{ID: "http.delete-critical", Category: "http", Severity: Critical, Verdict: Pause,
			Description: "Sends an HTTP DELETE for a volume, database, bucket, repository, backup or the like, or for every index matching a wildcard.",
			Examples:    []string{"curl -X DELETE es:9200/logs-*", "curl -X DELETE https://api.digitalocean.com/v2/volumes/7d2c -H 'Authorization: Bearer dop_v1_x'", "gh api -X DELETE repos/acme/api"}},
		Rule{ID: "http.delete", Category: "http", Severity: High, Verdict: Pause,
			Description: "Sends an HTTP DELETE (or an Elasticsearch delete-by-query) to a host that is not this machine: the server removes the resource at once.",
			Examples:    []string{"curl -X DELETE https://api.example.com/v1/items/42", "wget --method=DELETE https://api.example.com/items/1"}},
		Rule{ID: "http.sql-drop-database", Category: "http", Severity: Critical, Verdict: Pause,
			Description: "Sends SQL that drops a database or schema to a database's HTTP API.",
			Examples:    []string{`curl -X POST https://api.supabase.com/v1/projects/abc/database/query -d '{"query":"DROP SCHEMA public CASCADE"}'`}},
		Rule{ID: "http.sql-destructive", Category: "http", Severity: High, Verdict: Pause,
			Description: "Sends SQL that drops or truncates a table, or deletes or updates every row, to a database's HTTP API.",
			Examples:    []string{`curl 'http://clickhouse.internal:8123/?query=DROP+TABLE+events'`}},
		Rule{ID: "http.provider-write", Category: "http", Severity: Medium, Verdict: Warn,
			Description: "Sends PUT or PATCH to a cloud provider's API: it changes shared infrastructure (recoverable, worth noting).",
			Examples:    []string{`curl -X PATCH https://api.github.com/repos/acme/api -d '{"private":false}'`}},
	)
	handle(analyseCurl, "curl")
	handle(analyseWget, "wget", "wget2")
	handle(analyseHTTPie, "http", "https", "xh", "xhs")
	handle(analyseGhAPI, "gh")
}

// httpRequest is what an HTTP client would send.
type httpRequest struct {
	via        string // "", or "a Python one-liner (requests.delete)"
	method     string // upper case; "" when not knowable
	methodSpan []Span
	url        httpURL
	bodies     []httpBody
	auth       string // " with bearer token rw_root_…bbbb", or ""
	graphqlCT  bool   // Content-Type: application/graphql
}

// httpBody is one piece of a request body.
type httpBody struct {
	text  string // when known (unknown parts marked)
	known bool
	from  string // for unknown bodies: "file q.json", "standard input"
	field string // a form or JSON field it is the value of ("query")
	span  Span
	org   origin // maps offsets in text back to the command
}

// httpURL is a URL, parsed leniently (curl takes es:9200/logs without a
// scheme; unknown parts may be anywhere).
type httpURL struct {
	raw   string
	shown string // as written, for URLs with unknown parts
	host  string // lower case, without port or brackets
	port  string
	path  string // "/..." or ""
	query string
	span  Span
	set   bool
}

var (
	mutationWord = lazyRegexp(`\bmutation\b`)
)

func parseHTTPURL(raw string) httpURL {
	u := httpURL{raw: raw, set: true}
	s := raw
	if i := strings.Index(s, "://"); i > 0 && strings.Trim(strings.ToLower(s[:i]), "abcdefghijklmnopqrstuvwxyz0123456789+.-") == "" {
		s = s[i+3:]
	}
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	authority, rest := s[:end], s[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		authority = authority[at+1:]
	}
	host := authority
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			u.port = strings.TrimPrefix(host[i+1:], ":")
			host = host[1:i]
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
		host, u.port = host[:i], host[i+1:]
	}
	u.host = strings.ToLower(host)
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	u.path, u.query, _ = strings.Cut(rest, "?")
	return u
}

// hostPort is host[:port] for reasons.
func (u httpURL) hostPort() string {
	h := u.host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if u.port != "" {
		h += ":" + u.port
	}
	return showText(h)
}

// target is host and path, without credentials or query (which may hold
// tokens).
func (u httpURL) target() string {
	if !u.hostKnown() {
		return strings.SplitN(u.display(), "?", 2)[0]
	}
	return u.hostPort() + showText(u.path)
}

// display is the URL as written when parts are unknown ("$ES_URL/logs").
func (u httpURL) display() string {
	if u.shown != "" && strings.Contains(u.raw, unknown) {
		return strings.Trim(u.shown, `"'`)
	}
	return showText(u.raw)
}

func (u httpURL) hostKnown() bool { return u.host != "" && !strings.Contains(u.host, unknown) }

// local reports whether the URL is this machine: loopback, localhost,
// *.localhost, a unix socket.
func (u httpURL) local() bool {
	h := u.host
	switch {
	case !u.hostKnown():
		return false
	case h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "::1" || h == "0.0.0.0" || h == "host.docker.internal":
		return true
	case strings.HasPrefix(h, "127.") && strings.Trim(h, "0123456789.") == "":
		return true
	}
	return false
}

// showText replaces unknown parts with "…" for display.
func showText(s string) string { return strings.ReplaceAll(s, unknown, "…") }

// providers names the API behind well-known hosts (suffix match).
var providers = []struct{ suffix, name string }{
	{"railway.app", "Railway"}, {"railway.com", "Railway"},
	{"api.digitalocean.com", "DigitalOcean"}, {"api.cloudflare.com", "Cloudflare"},
	{"api.github.com", "GitHub"}, {"gitlab.com", "GitLab"}, {"api.bitbucket.org", "Bitbucket"},
	{"api.vercel.com", "Vercel"}, {"api.heroku.com", "Heroku"}, {"api.fly.io", "Fly.io"},
	{"api.machines.dev", "Fly.io"}, {"api.render.com", "Render"}, {"supabase.com", "Supabase"},
	{"supabase.co", "Supabase"}, {"neon.tech", "Neon"}, {"planetscale.com", "PlanetScale"},
	{"psdb.cloud", "PlanetScale"}, {"firebaseio.com", "Firebase"}, {"firebase.googleapis.com", "Firebase"},
	{"firestore.googleapis.com", "Firestore"}, {"googleapis.com", "Google Cloud"},
	{"amazonaws.com", "AWS"}, {"management.azure.com", "Azure"}, {"api.stripe.com", "Stripe"},
	{"api.netlify.com", "Netlify"}, {"api.linode.com", "Linode"}, {"api.hetzner.cloud", "Hetzner Cloud"},
	{"api.vultr.com", "Vultr"}, {"cloud.mongodb.com", "MongoDB Atlas"}, {"api.upstash.com", "Upstash"},
	{"turso.tech", "Turso"}, {"turso.io", "Turso"}, {"api.fastly.com", "Fastly"},
	{"api.scaleway.com", "Scaleway"}, {"api.linear.app", "Linear"}, {"hasura.app", "Hasura"},
}

func providerOf(host string) string {
	for _, p := range providers {
		if host == p.suffix || strings.HasSuffix(host, "."+p.suffix) {
			return p.name
		}
	}
	return ""
}

// apiName says "the Railway GraphQL API" or "the GraphQL API at host".
func (u httpURL) apiName(kind string) string {
	if kind != "" {
		kind += " "
	}
	if !u.set {
		if kind == "" {
			return "an HTTP API"
		}
		return "a " + kind + "API"
	}
	if p := providerOf(u.host); p != "" {
		return "the " + p + " " + kind + "API"
	}
	if !u.hostKnown() {
		return "the " + kind + "API at a URL only known at run time (" + abbrev(u.display(), 40) + ")"
	}
	return "the " + kind + "API at " + u.hostPort()
}

// ---- credentials ----

var (
	varRefRE     = lazyRegexp(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)
	vendorPrefix = lazyRegexp(`^[a-z]{1,10}[_-](?:[a-z0-9]{1,8}[_-]){0,2}`)
)

// maskSecret shows enough of a secret to recognise it and never all of it:
// the vendor prefix (rw_root_, sk_live_, ghp_) and the last four
// characters of a long token, the first two of a shorter one, nothing of a
// short one.
func httpMaskSecret(tok string) string {
	tok = strings.TrimSpace(tok)
	n := len(tok)
	if n < 8 {
		return "…"
	}
	prefix := vendorPrefix.FindString(tok)
	if len(prefix) > n/2 {
		prefix = ""
	}
	if n >= 20 {
		if prefix == "" {
			prefix = tok[:4]
		}
		return prefix + "…" + tok[n-4:]
	}
	if prefix == "" {
		prefix = tok[:2]
	}
	return prefix + "…"
}

// credentialPhrase describes a credential for a reason: " with bearer
// token rw_root_…bbbb", " with the bearer token in $T".
func credentialPhrase(kind, value, raw string) string {
	if strings.Contains(value, unknown) {
		if m := varRefRE.FindStringSubmatch(raw); m != nil {
			return " with the " + kind + " in $" + m[1]
		}
		return " with a " + kind + " read at run time"
	}
	if value == "" {
		return ""
	}
	return " with " + kind + " " + httpMaskSecret(value)
}

// basicAuthPhrase describes user:password credentials. Many APIs take a
// key as the user name with an empty password (Stripe's -u sk_live_…:),
// so a user name that looks like a key is masked too; a password never
// appears.
func basicAuthPhrase(v, raw string) string {
	user, pass, _ := strings.Cut(v, ":")
	switch {
	case strings.Contains(user, unknown):
		return credentialPhrase("credentials", user, raw)
	case pass == "" || len(user) >= 16 || strings.ContainsAny(user, "0123456789") && len(user) >= 10:
		return " with credentials " + httpMaskSecret(user)
	}
	return " with the password of " + user
}

// headerAuth turns a header into a credential phrase, if it is one.
func headerAuth(name, value, raw string) string {
	lname := strings.ToLower(strings.TrimSpace(name))
	value = strings.TrimSpace(value)
	switch lname {
	case "authorization", "proxy-authorization":
		scheme, tok, _ := strings.Cut(value, " ")
		switch strings.ToLower(scheme) {
		case "bearer":
			return credentialPhrase("bearer token", strings.TrimSpace(tok), raw)
		case "basic":
			return " with basic-auth credentials"
		case "token", "bot", "apikey", "api-key", "key", "sso-key":
			return credentialPhrase("API token", strings.TrimSpace(tok), raw)
		}
		return credentialPhrase("credential", value, raw)
	case "x-api-key", "api-key", "apikey", "x-auth-token", "private-token", "x-access-token", "x-token",
		"x-auth-key", "x-vault-token", "x-hasura-admin-secret", "x-shopify-access-token", "x-figma-token":
		return credentialPhrase("API key ("+strings.TrimSpace(name)+")", value, raw)
	}
	return ""
}

// ---- judging ----

// judgeHTTP flags what a request would destroy.
func judgeHTTP(inv *Invocation, r *httpRequest) {
	u := r.url
	urlSpans := []Span{}
	if u.set {
		urlSpans = append(urlSpans, u.span)
	}
	gqlFound, gqlUnseen := false, false
	isGraphQL := strings.Contains(strings.ToLower(u.path), "graphql") || r.graphqlCT
	sqlDone := false
	for _, b := range r.bodies {
		if !b.known {
			gqlUnseen = true
			continue
		}
		cands, vars := bodyCandidates(b)
		for _, c := range cands {
			if hits := gqlDestructiveHits(c.text, vars); len(hits) > 0 {
				gqlFound = true
				for _, h := range hits {
					flagGraphQL(inv, r, h, b)
				}
				continue
			}
			if c.field != "" && !sqlDone && !strings.Contains(c.text, "mutation") {
				if flagHTTPSQL(inv, r, c.text, b.span) {
					sqlDone = true
				}
			}
		}
	}
	// GraphQL or SQL in the query string (GET /graphql?query=mutation...,
	// ClickHouse's ?query=DROP TABLE).
	if u.query != "" && strings.Contains(u.query, "=") {
		if vals, err := url.ParseQuery(u.query); err == nil {
			for _, k := range []string{"query", "sql", "q"} {
				for _, v := range vals[k] {
					vars := map[string]string{}
					if vs := vals.Get("variables"); vs != "" {
						vars = jsonVars([]byte(vs))
					}
					if hits := gqlDestructiveHits(v, vars); len(hits) > 0 {
						gqlFound = true
						for _, h := range hits {
							flagGraphQL(inv, r, h, httpBody{text: v, span: u.span, org: origin{whole: u.span}})
						}
					} else if !sqlDone && flagHTTPSQL(inv, r, v, u.span) {
						sqlDone = true
					}
				}
			}
		}
	}
	// A raw SQL body to a SQL-over-HTTP endpoint (ClickHouse, CrateDB).
	if !sqlDone && !gqlFound {
		for _, b := range r.bodies {
			if b.known && b.field == "" && sqlMaybe(b.text) && sqlLeadRE.MatchString(b.text) {
				if flagHTTPSQL(inv, r, b.text, b.span) {
					sqlDone = true
					break
				}
			}
		}
	}
	if isGraphQL && gqlUnseen && !gqlFound {
		from := ""
		for _, b := range r.bodies {
			if !b.known {
				from = b.from
				break
			}
		}
		httpFlag(inv, "http.graphql-unseen", u.target(), "sends a request to "+u.apiName("GraphQL")+r.auth+" with a body sentinel cannot read ("+from+"); it may hold a mutation that deletes data", append(urlSpans, inv.NameSpan)...)
	}
	method := r.method
	if u.local() || !u.set && r.via == "" {
		return
	}
	switch {
	case method == "DELETE":
		flagHTTPDelete(inv, r, append(append([]Span{}, r.methodSpan...), urlSpans...))
	case strings.Contains(u.path, "/_delete_by_query") && (method == "POST" || method == ""):
		index := strings.Trim(strings.SplitN(u.path, "/_delete_by_query", 2)[0], "/")
		rule := "http.delete"
		if strings.Contains(index, "*") || index == "_all" || index == "" {
			rule = "http.delete-critical"
		}
		httpFlag(inv, rule, u.target(), "deletes every document matching the query in index "+showText(index)+" on "+u.hostPort()+r.via+"; Elasticsearch has no undo for a delete-by-query", urlSpans...)
	case (method == "PUT" || method == "PATCH") && providerOf(u.host) != "":
		httpFlag(inv, "http.provider-write", u.target(), "sends "+method+" to "+u.target()+" through "+u.apiName("")+r.auth+r.via+", changing shared infrastructure", append(append([]Span{}, r.methodSpan...), urlSpans...)...)
	}
}

// argOrigin is originOf, trusted only when the argument's span covers its
// raw text: a word parsed from a string that was itself decoded (bash -c
// "...\"...\"...") has a span covering the whole string, and offsets
// inside it cannot be exact.
func argOrigin(a Arg) origin {
	if a.Span.End-a.Span.Start != len(a.Raw) {
		return origin{whole: a.Span}
	}
	return originOf(a)
}

// httpFlag reports a finding with its spans deduplicated.
func httpFlag(inv *Invocation, rule, target, reason string, spans ...Span) {
	var out []Span
	for _, s := range spans {
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	inv.Flag(rule, target, reason, out...)
}

// flagHTTPDelete judges an HTTP DELETE to a host that is not this machine.
func flagHTTPDelete(inv *Invocation, r *httpRequest, spans []Span) {
	u := r.url
	segs := []string{}
	for _, s := range strings.Split(u.path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	api := u.apiName("")
	target := u.target()
	shown := showText(u.path)
	if shown == "" {
		shown = "/"
	}
	// Every index matching a wildcard (Elasticsearch, OpenSearch), _all.
	for _, s := range segs {
		if strings.Contains(s, "*") || s == "_all" {
			what := "every index matching " + showText(s)
			if s == "_all" || s == "*" {
				what = "every index"
			}
			httpFlag(inv, "http.delete-critical", target, "deletes "+what+" on "+u.hostPort()+r.auth+r.via+"; the indices and all their documents are gone at once, with no undo", spans...)
			return
		}
	}
	// One Elasticsearch or OpenSearch index.
	if len(segs) == 1 && !strings.HasPrefix(segs[0], "_") && searchHost(u) {
		httpFlag(inv, "http.delete", target, "deletes the index "+showText(segs[0])+" on "+u.hostPort()+r.auth+r.via+"; its documents are gone at once, with no undo", spans...)
		return
	}
	// GitHub: DELETE /repos/{owner}/{repo} deletes the repository.
	if providerOf(u.host) == "GitHub" && len(segs) == 3 && segs[0] == "repos" {
		httpFlag(inv, "http.delete-critical", segs[1]+"/"+segs[2], "deletes the GitHub repository "+showText(segs[1]+"/"+segs[2])+r.auth+r.via+", with its history, issues, pull requests and wiki", spans...)
		return
	}
	// REST: .../<kind>s/<id> or .../<kind>s.
	kind, id := "", ""
	if n := len(segs); n >= 2 {
		if k := singular(strings.ToLower(strings.TrimLeft(segs[n-2], "_"))); objectKinds[k] != "" {
			kind, id = k, segs[n-1]
		}
	}
	if kind == "" && len(segs) >= 1 {
		if k := singular(strings.ToLower(strings.TrimLeft(segs[len(segs)-1], "_"))); objectKinds[k] != "" && criticalKinds[k] {
			kind = k
		}
	}
	if kind != "" && criticalKinds[kind] {
		what := kind + " " + showText(id)
		if id == "" {
			what = "the " + kind + "s at " + shown
		} else {
			target = showText(id)
		}
		reason := "deletes " + what + " through " + api + " (DELETE " + shown + ")" + r.auth + r.via + "; " + strings.Replace(objectKinds[kind], "%s", "deleting", 1)
		httpFlag(inv, "http.delete-critical", target, reason, spans...)
		return
	}
	host := u.hostPort()
	if !u.hostKnown() {
		host = "a host only known at run time"
	}
	what := shown + " on " + host
	if !u.hostKnown() {
		what = abbrev(u.display(), 60)
	}
	if p := providerOf(u.host); p != "" {
		what = shown + " through the " + p + " API"
	}
	httpFlag(inv, "http.delete", target, "deletes "+what+" (HTTP DELETE)"+r.auth+r.via+"; the server removes it at once and there is no undo", spans...)
}

// searchHost reports an Elasticsearch or OpenSearch endpoint, by port or
// name.
func searchHost(u httpURL) bool {
	h := u.host
	return u.port == "9200" || u.port == "9201" || strings.Contains(h, "elastic") || strings.Contains(h, "opensearch") ||
		h == "es" || strings.HasPrefix(h, "es.") || strings.HasPrefix(h, "es-") || strings.Contains(h, ".es.")
}

// flagGraphQL reports one destructive mutation field.
func flagGraphQL(inv *Invocation, r *httpRequest, h gqlHit, b httpBody) {
	rule := "http.graphql-delete"
	switch {
	case h.critical:
		// Volumes, databases, projects, backups: on any host, loopback
		// included (the demo's fake cloud listens on 127.0.0.1).
		rule = "http.graphql-delete-critical"
	case r.url.set && r.url.local():
		// deleteTodo against the app on localhost: development work.
		rule = "http.graphql-delete-local"
	}
	reason := gqlVerbs[h.verb][0] + " " + showText(h.what()) + " through " + r.url.apiName("GraphQL") + " (mutation " + h.field.Name + ")" + r.auth + r.via + "; " + h.consequence()
	target := h.id
	if target == "" {
		target = h.field.Name
	}
	spans := []Span{fieldSpan(b, h.field.Name)}
	if r.url.set {
		spans = append(spans, r.url.span)
	}
	httpFlag(inv, rule, showText(target), reason, spans...)
}

// fieldSpan locates a mutation field's name in the body as written: it
// has no escapes, so it appears verbatim after the word mutation.
func fieldSpan(b httpBody, name string) Span {
	from := strings.Index(b.text, "mutation")
	if from < 0 {
		from = 0
	}
	if i := strings.Index(b.text[from:], name); i >= 0 {
		return b.org.span(from+i, from+i+len(name))
	}
	return b.span
}

// gqlDestructiveHits parses a GraphQL document (or a JSON-escaped one that
// could not be decoded) and judges its mutations.
func gqlDestructiveHits(doc string, vars map[string]string) []gqlHit {
	if !strings.Contains(doc, "mutation") {
		return nil
	}
	var hits []gqlHit
	for _, f := range gqlMutations(doc) {
		if h, ok := judgeMutation(f, vars); ok {
			hits = append(hits, h)
		}
	}
	return hits
}

type bodyCandidate struct {
	text  string
	field string // the JSON or form field it came from
}

// bodyCandidates finds the strings of a body that may be GraphQL or SQL:
// the "query" of a JSON body (or of each in a batch, or of a multipart
// "operations" part), a form's query=..., or the body itself. When JSON
// does not decode (a body mangled by quoting), the JSON escapes are undone
// by hand so the mutation can still be read.
func bodyCandidates(b httpBody) ([]bodyCandidate, map[string]string) {
	text := strings.TrimSpace(b.text)
	if b.field != "" {
		return []bodyCandidate{{text: b.text, field: b.field}}, nil
	}
	if strings.HasPrefix(text, "{") || strings.HasPrefix(text, "[") {
		// The first JSON value: text after it (a heredoc's terminator, a
		// second document) does not stop the body being read.
		var v any
		if err := json.NewDecoder(strings.NewReader(text)).Decode(&v); err == nil {
			var out []bodyCandidate
			vars := map[string]string{}
			collectJSONQueries(v, &out, vars, 0)
			return out, vars
		}
		if i := mutationWord.FindStringIndex(text); i != nil {
			r := strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n", `\t`, "\t", `\/`, "/")
			return []bodyCandidate{{text: r.Replace(text[i[0]:])}}, nil
		}
		return nil, nil
	}
	if vals, err := url.ParseQuery(text); err == nil && strings.Contains(text, "=") && !strings.ContainsAny(text[:strings.IndexByte(text, '=')], " {\n") {
		var out []bodyCandidate
		for _, k := range []string{"query", "sql", "q"} {
			for _, v := range vals[k] {
				out = append(out, bodyCandidate{text: v, field: k})
			}
		}
		if ops := vals.Get("operations"); ops != "" {
			return bodyCandidates(httpBody{text: ops, known: true})
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	return []bodyCandidate{{text: b.text}}, nil
}

// sqlFields are JSON fields that carry SQL or GraphQL to an API.
var sqlFields = map[string]bool{"query": true, "sql": true, "statement": true, "stmt": true, "q": true, "command": true}

func collectJSONQueries(v any, out *[]bodyCandidate, vars map[string]string, depth int) {
	if depth > 4 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			lk := strings.ToLower(k)
			switch val := val.(type) {
			case string:
				if sqlFields[lk] {
					*out = append(*out, bodyCandidate{text: val, field: lk})
				}
			case []any:
				if lk == "statements" || lk == "queries" || lk == "batch" {
					for _, s := range val {
						if str, ok := s.(string); ok {
							*out = append(*out, bodyCandidate{text: str, field: lk})
						} else {
							collectJSONQueries(s, out, vars, depth+1)
						}
					}
				} else if lk != "variables" {
					for _, s := range val {
						collectJSONQueries(s, out, vars, depth+1)
					}
				}
			case map[string]any:
				if lk == "variables" {
					flattenVars(val, vars)
				} else if lk == "operations" || lk == "body" || lk == "data" || lk == "payload" {
					collectJSONQueries(val, out, vars, depth+1)
				}
			}
		}
		if ops, ok := x["operations"].(string); ok {
			var inner any
			if json.Unmarshal([]byte(ops), &inner) == nil {
				collectJSONQueries(inner, out, vars, depth+1)
			}
		}
	case []any:
		for _, e := range x {
			collectJSONQueries(e, out, vars, depth+1)
		}
	}
}

func flattenVars(m map[string]any, vars map[string]string) {
	for k, v := range m {
		switch v := v.(type) {
		case string:
			vars[k] = v
		case float64, bool:
			b, _ := json.Marshal(v)
			vars[k] = string(b)
		}
	}
}

func jsonVars(b []byte) map[string]string {
	vars := map[string]string{}
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		flattenVars(m, vars)
	}
	return vars
}

// flagHTTPSQL judges SQL sent over HTTP.
func flagHTTPSQL(inv *Invocation, r *httpRequest, text string, span Span) bool {
	hit, ok := interpSQL(text)
	if !ok {
		return false
	}
	rule := "http.sql-destructive"
	if hit.critical {
		rule = "http.sql-drop-database"
	}
	spans := []Span{span}
	if r.url.set {
		spans = append(spans, r.url.span)
	}
	httpFlag(inv, rule, hit.target, hit.what+" through "+r.url.apiName("")+r.auth+r.via+"; "+hit.consequence, spans...)
	return true
}

// ---- curl ----

// curlValueShort are curl's short options that take a value.
const curlValueShort = "AbcCdDeEFHKmoPQrtTuUwxXyYz"

// curlValueLong are curl's long options that take a value.
var curlValueLong = httpSetOf(`--data --data-ascii --data-binary --data-raw --data-urlencode --json --form --form-string
	--header --request --url --user --user-agent --referer --cookie --cookie-jar --output --config --connect-timeout
	--max-time --retry --retry-delay --retry-max-time --cacert --capath --cert --key --cert-type --key-type --proxy
	--proxy-user --resolve --connect-to --interface --limit-rate --max-filesize --write-out --upload-file --range
	--dump-header --trace --trace-ascii --stderr --output-dir --aws-sigv4 --oauth2-bearer --unix-socket
	--abstract-unix-socket --variable --ciphers --dns-servers --doh-url --time-cond --local-port --keepalive-time
	--expect100-timeout --proto --proto-redir --proto-default --noproxy --preproxy --pinnedpubkey --hostpubmd5
	--hostpubsha256 --krb --login-options --mail-from --mail-rcpt --mail-auth --netrc-file --pass --quote
	--sasl-authzid --service-name --socks4 --socks4a --socks5 --socks5-hostname --tls-max --tlsuser --tlspassword
	--url-query --telnet-option --tftp-blksize --ftp-port --ftp-account --ftp-method --ftp-alternative-to-user
	--create-file-mode --proxy-header --request-target --delegation --engine --egd-file --random-file --crlfile
	--curves --ech --etag-compare --etag-save --ip-tos --vlan-priority --parallel-max --rate --speed-limit
	--speed-time --continue-at --max-redirs --happy-eyeballs-timeout-ms --proxy-cacert --proxy-cert --proxy-key
	--proxy-ciphers --proxy-pass --proxy-service-name --socks5-gssapi-service --sessionid --trace-config
	--retry-connrefused-max --max-filesize --netrc-file --dns-interface --dns-ipv4-addr --dns-ipv6-addr`)

func httpSetOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

// curlOpt is one parsed curl option.
type curlOpt struct {
	name  string // "-X", "--request"; "" for a positional (URL)
	value Arg    // the value (for positionals, the URL)
	flag  Arg    // the argument carrying the option name
}

// parseCurlArgs splits curl's arguments into options (long names
// normalised where short ones exist) and URLs, one group per --next.
func parseCurlArgs(args []Arg) [][]curlOpt {
	var groups [][]curlOpt
	var cur []curlOpt
	shortLong := map[byte]string{'d': "--data", 'F': "--form", 'H': "--header", 'X': "--request", 'u': "--user", 'T': "--upload-file", 'K': "--config"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		switch {
		case v == "--next" || v == "-:":
			groups = append(groups, cur)
			cur = nil
		case v == "--":
			for _, b := range args[i+1:] {
				cur = append(cur, curlOpt{value: b, flag: b})
			}
			i = len(args)
		case strings.HasPrefix(v, "--") && a.Known():
			name, val, hasEq := strings.Cut(v, "=")
			switch {
			case hasEq:
				b := a
				b.Value = val
				cur = append(cur, curlOpt{name: name, value: b, flag: a})
			case curlValueLong[name] && i+1 < len(args):
				cur = append(cur, curlOpt{name: name, value: args[i+1], flag: a})
				i++
			default:
				cur = append(cur, curlOpt{name: name, flag: a})
			}
		case strings.HasPrefix(v, "-") && len(v) > 1 && !strings.HasPrefix(v, "-"+unknown):
			for j := 1; j < len(v); j++ {
				c := v[j]
				name := "-" + string(c)
				if l, ok := shortLong[c]; ok {
					name = l
				}
				if strings.IndexByte(curlValueShort, c) >= 0 {
					if j+1 < len(v) {
						b := a
						b.Value = v[j+1:]
						cur = append(cur, curlOpt{name: name, value: b, flag: a})
					} else if i+1 < len(args) {
						cur = append(cur, curlOpt{name: name, value: args[i+1], flag: a})
						i++
					}
					break
				}
				cur = append(cur, curlOpt{name: name, flag: a})
			}
		default:
			cur = append(cur, curlOpt{value: a, flag: a})
		}
	}
	return append(groups, cur)
}

func analyseCurl(inv *Invocation) {
	for _, g := range parseCurlArgs(inv.Args) {
		for _, r := range curlRequests(inv, g) {
			judgeHTTP(inv, r)
		}
	}
}

// curlRequests builds the requests of one --next group: one per URL.
func curlRequests(inv *Invocation, opts []curlOpt) []*httpRequest {
	r := &httpRequest{}
	explicit, head, get, upload, data := "", false, false, false, false
	var urls []Arg
	for _, o := range opts {
		switch o.name {
		case "":
			urls = append(urls, o.value)
		case "--url":
			urls = append(urls, o.value)
		case "--request":
			explicit = strings.ToUpper(o.value.Value)
			r.methodSpan = []Span{o.flag.Span}
			if o.flag.Span != o.value.Span {
				r.methodSpan = append(r.methodSpan, o.value.Span)
			}
		case "-I", "--head":
			head = true
		case "-G", "--get":
			get = true
		case "--upload-file":
			upload = true
			r.bodies = append(r.bodies, httpBody{from: "file " + o.value.Value, span: o.value.Span})
		case "--data", "--data-ascii", "--data-binary", "--json":
			data = true
			r.bodies = append(r.bodies, curlBody(inv, o.value, true))
		case "--data-raw":
			data = true
			r.bodies = append(r.bodies, curlBody(inv, o.value, false))
		case "--data-urlencode":
			data = true
			r.bodies = append(r.bodies, curlURLEncodeBody(inv, o.value))
		case "--form", "--form-string":
			data = true
			r.bodies = append(r.bodies, curlFormBody(inv, o.value, o.name == "--form"))
		case "--header", "--proxy-header":
			name, val, _ := strings.Cut(o.value.Value, ":")
			if a := headerAuth(name, val, o.value.Raw); a != "" && r.auth == "" {
				r.auth = a
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "x-http-method-override", "x-http-method", "x-method-override":
				if explicit == "" || explicit == "POST" {
					explicit = strings.ToUpper(strings.TrimSpace(val))
					r.methodSpan = []Span{o.value.Span}
				}
			case "content-type":
				r.graphqlCT = strings.Contains(strings.ToLower(val), "graphql")
			}
		case "--oauth2-bearer":
			r.auth = credentialPhrase("bearer token", o.value.Value, o.value.Raw)
		case "--user":
			if r.auth == "" {
				r.auth = basicAuthPhrase(o.value.Value, o.value.Raw)
			}
		}
	}
	switch {
	case explicit != "":
		r.method = explicit
		if strings.Contains(explicit, unknown) {
			r.method = ""
		}
	case head:
		r.method = "HEAD"
	case get:
		r.method = "GET"
	case upload:
		r.method = "PUT"
	case data:
		r.method = "POST"
	default:
		r.method = "GET"
	}
	// _method=DELETE in a form (Rails, Laravel) is a DELETE.
	if r.method == "POST" {
		for _, b := range r.bodies {
			if b.known && strings.Contains(b.text, "_method") && methodFieldRE.MatchString(b.text) {
				r.method = "DELETE"
			}
		}
	}
	urls = likelyURLs(urls)
	if len(urls) == 0 {
		return []*httpRequest{r}
	}
	out := make([]*httpRequest, 0, len(urls))
	for _, a := range urls {
		c := *r
		c.url = parseHTTPURL(a.Value)
		c.url.span, c.url.shown = a.Span, a.Raw
		out = append(out, &c)
	}
	return out
}

var methodFieldRE = lazyRegexp(`(?i)(?:^|&)_method=delete(?:&|$)`)

// likelyURLs drops positionals that are not URLs when some are (a value
// of an option curl takes that this analyser does not know).
func likelyURLs(args []Arg) []Arg {
	var out []Arg
	for _, a := range args {
		v := a.Value
		if strings.Contains(v, "://") || strings.ContainsAny(v, ".:/") || v == "localhost" || !a.Known() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return args
	}
	return out
}

// curlBody reads -d/--data-binary/--json: @file and @- (stdin) when at is
// set, the text otherwise.
func curlBody(inv *Invocation, a Arg, at bool) httpBody {
	v := a.Value
	if at && strings.HasPrefix(v, "@") {
		if v == "@-" {
			return stdinBody(inv, a.Span)
		}
		return httpBody{from: "file " + showText(v[1:]), span: a.Span}
	}
	if a.MayBeEmpty() {
		return httpBody{from: showText(a.Raw), span: a.Span}
	}
	return httpBody{text: v, known: true, span: a.Span, org: argOrigin(a)}
}

func stdinBody(inv *Invocation, span Span) httpBody {
	if inv.Stdin == nil {
		return httpBody{from: "standard input", span: span}
	}
	if !inv.Stdin.Known {
		return httpBody{from: inv.Stdin.From, span: span}
	}
	return httpBody{text: inv.Stdin.Text, known: true, span: inv.Stdin.Span, org: inv.Stdin.origin}
}

// curlURLEncodeBody reads --data-urlencode: content, =content,
// name=content, @file, name@file.
func curlURLEncodeBody(inv *Invocation, a Arg) httpBody {
	v := a.Value
	eq, at := strings.IndexByte(v, '='), strings.IndexByte(v, '@')
	if at >= 0 && (eq < 0 || at < eq) {
		if v[at+1:] == "-" {
			b := stdinBody(inv, a.Span)
			b.field = strings.ToLower(v[:at])
			return b
		}
		return httpBody{from: "file " + showText(v[at+1:]), span: a.Span}
	}
	b := httpBody{known: true, span: a.Span, org: origin{whole: a.Span}}
	if eq >= 0 {
		b.field, b.text = strings.ToLower(v[:eq]), v[eq+1:]
		if o := argOrigin(a); o.exact {
			b.org = origin{base: o.base + eq + 1, exact: true}
		}
	} else {
		b.text = v
		b.org = argOrigin(a)
	}
	if b.field == "" {
		b.field = "data"
	}
	return b
}

// curlFormBody reads -F name=value, name=@file, name=<file.
func curlFormBody(inv *Invocation, a Arg, files bool) httpBody {
	name, val, _ := strings.Cut(a.Value, "=")
	if files && (strings.HasPrefix(val, "@") || strings.HasPrefix(val, "<")) {
		if val[1:] == "-" {
			return stdinBody(inv, a.Span)
		}
		return httpBody{from: "file " + showText(val[1:]), span: a.Span}
	}
	val, _, _ = strings.Cut(val, ";type=")
	b := httpBody{text: val, known: true, span: a.Span, org: origin{whole: a.Span}}
	if o := argOrigin(a); o.exact {
		b.org = origin{base: o.base + len(name) + 1, exact: true}
	}
	if n := strings.ToLower(name); sqlFields[n] {
		b.field = n
	}
	return b
}

// ---- wget ----

const wgetValueShort = "OoaPetTwUiBlARDXIQn"

var wgetValueLong = httpSetOf(`--output-document --output-file --append-output --directory-prefix --execute --tries
	--timeout --wait --waitretry --user-agent --input-file --base --level --accept --reject --domains
	--exclude-domains --header --method --body-data --body-file --post-data --post-file --user --password
	--http-user --http-password --load-cookies --save-cookies --referer --ca-certificate --ca-directory
	--certificate --private-key --bind-address --limit-rate --quota --proxy-user --proxy-password --config
	--dns-timeout --connect-timeout --read-timeout --include-directories --exclude-directories --default-page
	--restrict-file-names --local-encoding --remote-encoding --cut-dirs --secure-protocol --ciphers --compression
	--report-speed --regex-type --accept-regex --reject-regex --use-askpass --progress --max-redirect
	--retry-on-http-error --backups --certificate-type --private-key-type --crl-file --pinnedpubkey --egd-file
	--warc-file --warc-header --warc-max-size --warc-dedup --warc-tempdir --hsts-file --bearer --output`)

func analyseWget(inv *Invocation) {
	r := &httpRequest{}
	explicit, post := "", false
	var urls []Arg
	args := inv.Args
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		name, val, valArg := "", "", a
		switch {
		case v == "--":
			urls = append(urls, args[i+1:]...)
			i = len(args)
			continue
		case strings.HasPrefix(v, "--") && a.Known() || strings.HasPrefix(v, "--") && strings.Contains(v, "="):
			var hasEq bool
			name, val, hasEq = strings.Cut(v, "=")
			if hasEq {
				valArg.Value = val
			} else if wgetValueLong[name] && i+1 < len(args) {
				i++
				valArg = args[i]
				val = valArg.Value
			}
		case strings.HasPrefix(v, "-") && len(v) > 1:
			for j := 1; j < len(v); j++ {
				if strings.IndexByte(wgetValueShort, v[j]) >= 0 {
					name = "-" + string(v[j])
					if j+1 < len(v) {
						val = v[j+1:]
						valArg.Value = val
					} else if i+1 < len(args) {
						i++
						valArg = args[i]
						val = valArg.Value
					}
					break
				}
			}
		default:
			urls = append(urls, a)
			continue
		}
		switch name {
		case "--method":
			explicit = strings.ToUpper(val)
			r.methodSpan = []Span{a.Span}
			if valArg.Span != a.Span {
				r.methodSpan = append(r.methodSpan, valArg.Span)
			}
		case "--post-data", "--body-data":
			post = true
			r.bodies = append(r.bodies, curlBody(inv, valArg, false))
		case "--post-file", "--body-file":
			post = true
			if val == "-" || val == "/dev/stdin" {
				r.bodies = append(r.bodies, stdinBody(inv, valArg.Span))
			} else {
				r.bodies = append(r.bodies, httpBody{from: "file " + showText(val), span: valArg.Span})
			}
		case "--header":
			hn, hv, _ := strings.Cut(val, ":")
			if c := headerAuth(hn, hv, valArg.Raw); c != "" && r.auth == "" {
				r.auth = c
			}
			if strings.EqualFold(strings.TrimSpace(hn), "content-type") {
				r.graphqlCT = strings.Contains(strings.ToLower(hv), "graphql")
			}
		case "--bearer":
			r.auth = credentialPhrase("bearer token", val, valArg.Raw)
		case "--user", "--http-user":
			if r.auth == "" {
				r.auth = basicAuthPhrase(val+":x", valArg.Raw)
			}
		}
	}
	switch {
	case explicit != "" && !strings.Contains(explicit, unknown):
		r.method = explicit
	case explicit != "":
	case post:
		r.method = "POST"
	default:
		r.method = "GET"
	}
	for _, a := range likelyURLs(urls) {
		c := *r
		c.url = parseHTTPURL(a.Value)
		c.url.span, c.url.shown = a.Span, a.Raw
		judgeHTTP(inv, &c)
	}
	if len(urls) == 0 && len(r.bodies) > 0 {
		judgeHTTP(inv, r)
	}
}

// ---- HTTPie and xh ----

var httpieValueLong = httpSetOf(`--auth --auth-type --output --print --pretty --style --format-options --session
	--session-read-only --verify --cert --cert-key --cert-key-pass --timeout --max-redirects --proxy --ssl
	--ciphers --default-scheme --boundary --raw --response-charset --response-mime --bearer --resolve
	--interface --http-version --history-print`)

const httpieValueShort = "aAopsP"

var httpMethods = httpSetOf("GET POST PUT PATCH DELETE HEAD OPTIONS PURGE TRACE CONNECT")

func analyseHTTPie(inv *Invocation) {
	r := &httpRequest{}
	var pos []Arg
	rawBody, authType, authArg, ignoreStdin := (*Arg)(nil), "", (*Arg)(nil), false
	args := inv.Args
	dashdash := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		switch {
		case dashdash || !strings.HasPrefix(v, "-") || v == "-" || !a.Known() && !strings.HasPrefix(a.Raw, "-"):
			pos = append(pos, a)
			continue
		case v == "--":
			dashdash = true
			continue
		}
		name, val, hasEq := strings.Cut(v, "=")
		valArg := a
		if strings.HasPrefix(v, "--") {
			if hasEq {
				valArg.Value = val
			} else if httpieValueLong[name] && i+1 < len(args) {
				i++
				valArg = args[i]
				val = valArg.Value
			}
		} else {
			name, val = "", ""
			for j := 1; j < len(v); j++ {
				if strings.IndexByte(httpieValueShort, v[j]) >= 0 {
					name = "-" + string(v[j])
					if j+1 < len(v) {
						val = v[j+1:]
						valArg.Value = val
					} else if i+1 < len(args) {
						i++
						valArg = args[i]
						val = valArg.Value
					}
					break
				}
				if v[j] == 'I' {
					ignoreStdin = true
				}
			}
		}
		switch name {
		case "--offline":
			return // builds the request and prints it; nothing is sent
		case "--ignore-stdin":
			ignoreStdin = true
		case "--raw":
			b := valArg
			rawBody = &b
		case "-A", "--auth-type":
			authType = strings.ToLower(val)
		case "-a", "--auth":
			b := valArg
			authArg = &b
		case "--bearer":
			r.auth = credentialPhrase("bearer token", val, valArg.Raw)
		}
	}
	if authArg != nil && r.auth == "" {
		if authType == "bearer" {
			r.auth = credentialPhrase("bearer token", authArg.Value, authArg.Raw)
		} else {
			r.auth = basicAuthPhrase(authArg.Value, authArg.Raw)
		}
	}
	if len(pos) == 0 {
		return
	}
	// [METHOD] URL [ITEM...]
	if len(pos) >= 2 && pos[0].Known() && isMethodWord(pos[0].Value) {
		r.method = strings.ToUpper(pos[0].Value)
		r.methodSpan = []Span{pos[0].Span}
		pos = pos[1:]
	}
	urlArg := pos[0]
	raw := urlArg.Value
	if strings.HasPrefix(raw, ":") { // :3000/api is localhost:3000/api
		raw = "localhost" + raw
		if strings.HasPrefix(raw, "localhost:/") {
			raw = "localhost" + raw[len("localhost:"):]
		}
	}
	r.url = parseHTTPURL(raw)
	r.url.span, r.url.shown = urlArg.Span, urlArg.Raw
	data := map[string]any{}
	hasData := false
	for _, it := range pos[1:] {
		key, sep, val := splitHTTPieItem(it.Value)
		switch sep {
		case ":":
			if c := headerAuth(key, val, it.Raw); c != "" && r.auth == "" {
				r.auth = c
			}
			if strings.EqualFold(key, "content-type") && strings.Contains(strings.ToLower(val), "graphql") {
				r.graphqlCT = true
			}
		case "=":
			hasData = true
			data[key] = val
			if lk := strings.ToLower(key); sqlFields[lk] && strings.Contains(val, "mutation") {
				b := httpBody{text: val, known: true, field: "", span: it.Span, org: origin{whole: it.Span}}
				if o := argOrigin(it); o.exact {
					b.org = origin{base: o.base + len(key) + 1, exact: true}
				}
				r.bodies = append(r.bodies, b)
				delete(data, key)
			} else if strings.EqualFold(key, "_method") && strings.EqualFold(val, "delete") {
				r.method = "DELETE"
			}
		case ":=":
			hasData = true
			data[key] = json.RawMessage(val)
			if !json.Valid([]byte(val)) {
				data[key] = val
			}
		case "==":
			// a query parameter
			if r.url.query != "" {
				r.url.query += "&"
			}
			r.url.query += url.QueryEscape(key) + "=" + url.QueryEscape(val)
		case "@", "=@", ":=@":
			hasData = true
			r.bodies = append(r.bodies, httpBody{from: "file " + showText(val), span: it.Span})
		}
	}
	if len(data) > 0 {
		if b, err := json.Marshal(data); err == nil {
			items := Span{pos[1].Span.Start, pos[len(pos)-1].Span.End}
			r.bodies = append(r.bodies, httpBody{text: string(b), known: true, span: items, org: origin{whole: items}})
		}
	}
	if rawBody != nil {
		hasData = true
		r.bodies = append(r.bodies, curlBody(inv, *rawBody, false))
	} else if !hasData && !ignoreStdin && inv.Stdin != nil && r.method != "GET" {
		// HTTPie sends what it reads on stdin as the body.
		if b := stdinBody(inv, inv.NameSpan); b.known || r.method != "" {
			hasData = true
			r.bodies = append(r.bodies, b)
		}
	}
	if r.method == "" {
		r.method = "GET"
		if hasData {
			r.method = "POST"
		}
	}
	judgeHTTP(inv, r)
}

func isMethodWord(v string) bool {
	if httpMethods[strings.ToUpper(v)] {
		return true
	}
	return v != "" && strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// splitHTTPieItem splits a request item at its first separator:
// Header:value, field=value, field:=json, param==value, field@file,
// field=@file, field:=@file. A backslash escapes a separator.
func splitHTTPieItem(s string) (key, sep, val string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && strings.IndexByte(":=@", s[i+1]) >= 0 {
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if strings.IndexByte(":=@", c) < 0 {
			b.WriteByte(c)
			continue
		}
		for _, sp := range []string{":=@", "=@", ":=", "==", "=", ":", "@"} {
			if strings.HasPrefix(s[i:], sp) {
				return b.String(), sp, s[i+len(sp):]
			}
		}
	}
	return s, "", ""
}

// ---- gh api ----

var ghValueFlags = httpSetOf("-X --method -f --raw-field -F --field -H --header --input --hostname -q --jq -t --template -p --preview --cache")

// analyseGhAPI judges gh api, GitHub's CLI as an HTTP client: -X DELETE
// repos/{owner}/{repo}, graphql -f query='mutation { ... }'.
func analyseGhAPI(inv *Invocation) {
	if len(inv.Args) == 0 || inv.Args[0].Value != "api" {
		return
	}
	args := inv.Args[1:]
	r := &httpRequest{}
	host := "api.github.com"
	var endpoint *Arg
	fields := map[string]any{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		if !strings.HasPrefix(v, "-") || v == "-" || !a.Known() && !strings.HasPrefix(a.Raw, "-") {
			if endpoint == nil {
				e := a
				endpoint = &e
			}
			continue
		}
		name, val, hasEq := strings.Cut(v, "=")
		valArg := a
		switch {
		case strings.HasPrefix(v, "--") && hasEq:
			valArg.Value = val
		case !strings.HasPrefix(v, "--") && len(v) > 2:
			name, val = v[:2], v[2:]
			valArg.Value = val
		case ghValueFlags[name] && i+1 < len(args):
			i++
			valArg = args[i]
			val = valArg.Value
		}
		switch name {
		case "-X", "--method":
			r.method = strings.ToUpper(val)
			r.methodSpan = []Span{a.Span}
			if valArg.Span != a.Span {
				r.methodSpan = append(r.methodSpan, valArg.Span)
			}
		case "-f", "--raw-field", "-F", "--field":
			k, fv, _ := strings.Cut(val, "=")
			if (name == "-F" || name == "--field") && strings.HasPrefix(fv, "@") {
				r.bodies = append(r.bodies, httpBody{from: "file " + showText(fv[1:]), span: valArg.Span})
				continue
			}
			if k == "query" && strings.Contains(fv, "mutation") {
				b := httpBody{text: fv, known: true, span: valArg.Span, org: origin{whole: valArg.Span}}
				if o := argOrigin(valArg); o.exact && valArg.Span != a.Span {
					b.org = origin{base: o.base + len(k) + 1, exact: true}
				}
				r.bodies = append(r.bodies, b)
				continue
			}
			fields[k] = fv
		case "--input":
			if val == "-" {
				r.bodies = append(r.bodies, stdinBody(inv, valArg.Span))
			} else {
				r.bodies = append(r.bodies, httpBody{from: "file " + showText(val), span: valArg.Span})
			}
		case "--hostname":
			host = val
		case "-H", "--header":
			hn, hv, _ := strings.Cut(val, ":")
			if strings.EqualFold(strings.TrimSpace(hn), "x-http-method-override") {
				r.method = strings.ToUpper(strings.TrimSpace(hv))
			}
		}
	}
	if endpoint == nil {
		return
	}
	if len(fields) > 0 {
		if b, err := json.Marshal(fields); err == nil {
			r.bodies = append(r.bodies, httpBody{text: string(b), known: true, span: endpoint.Span, org: origin{whole: endpoint.Span}})
		}
	}
	if r.method == "" {
		r.method = "GET"
		if len(r.bodies) > 0 {
			r.method = "POST"
		}
	}
	raw := endpoint.Value
	if !strings.Contains(raw, "://") {
		raw = "https://" + host + "/" + strings.TrimPrefix(raw, "/")
	}
	r.url = parseHTTPURL(raw)
	r.url.span, r.url.shown = endpoint.Span, endpoint.Raw
	if strings.Contains(r.url.path, unknown) {
		r.url.shown = ""
	}
	judgeHTTP(inv, r)
}
