package detect

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"sort"
	"strings"
)

func init() {
	register(Rule{ID: "credential.seen", Category: "credential", Severity: Medium, Verdict: Warn,
		Description: "The agent has seen a credential: its output showed one (a grep or cat of a secrets file), or a command carries one literally.",
		Examples: []string{
			"export GITHUB_TOKEN=ghp_R4nd0mL00k1ngT0k3nV4lu3xYz0123456789",
			`curl -H "Authorization: Bearer rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755" https://api.example.com/graphql`,
		}})
}

// Credential is a secret-shaped string found in text. It never holds the
// secret itself: Masked shows a few characters, Fingerprint identifies it.
type Credential struct {
	// Kind is what it is: aws-access-key, aws-secret-key, github-token,
	// gitlab-token, slack-token, stripe-key, openai-key, anthropic-key,
	// google-api-key, jwt, private-key, bearer, basic-auth, url-password,
	// password, generic-token.
	Kind string `json:"kind"`
	// Masked shows the public prefix and at most four characters of each
	// end of the secret ("rw_root_fcf8…c755"); short secrets show less.
	Masked string `json:"masked"`
	// Fingerprint is the first 16 hex digits of the secret's SHA-256: the
	// same secret seen in output and later used in a command has the same
	// fingerprint, without the secret being kept anywhere.
	Fingerprint string `json:"fingerprint"`
	// Span is where the secret is in the text.
	Span Span `json:"span"`
	// Source is the file the text shows it came from, when it does
	// ("infra/domains.env:4" from grep -n output "path:line:content").
	Source string `json:"source,omitempty"`
}

// Label is the kind in words, for explanations ("GitHub token").
func (c Credential) Label() string {
	if l, ok := credentialLabels[c.Kind]; ok {
		return l
	}
	return "credential"
}

var credentialLabels = map[string]string{
	"aws-access-key": "AWS access key", "aws-secret-key": "AWS secret key", "github-token": "GitHub token",
	"gitlab-token": "GitLab token", "slack-token": "Slack token", "stripe-key": "Stripe secret key",
	"openai-key": "OpenAI API key", "anthropic-key": "Anthropic API key", "google-api-key": "Google API key",
	"jwt": "JSON web token", "private-key": "private key", "bearer": "bearer token", "basic-auth": "basic-auth password",
	"url-password": "password in a URL", "password": "password", "generic-token": "secret token",
}

// Fingerprint is how a secret is identified without being kept: the first
// 16 hex digits of its SHA-256.
func Fingerprint(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:8])
}

// FingerprintsIn returns the fingerprints of the credentials a command
// carries literally, so a supervisor can tell that a command uses a token
// the agent found earlier in its output.
func FingerprintsIn(cmd string) []string {
	var out []string
	for _, c := range FindCredentials(cmd) {
		out = append(out, c.Fingerprint)
	}
	return out
}

// checkCommandCredentials flags credentials written literally in a command:
// the agent has them, and they land in shell history and process listings.
func checkCommandCredentials(w *walker, cmd string) {
	for _, c := range FindCredentials(cmd) {
		w.flag("credential.seen", "", "carries a literal "+c.Label()+" ("+c.Masked+"): the agent has it, and it lands in shell history, logs and process listings", []Span{c.Span})
	}
}

// FindCredentials returns the secret-shaped strings in text, in order. It
// looks for known token formats (prefixes such as ghp_, AKIA, sk-ant-, xoxb-,
// eyJ…), for secrets in context (Authorization headers, passwords in URLs,
// private key blocks) and for high-entropy values assigned to names that say
// they are secret (CLOUD_API_TOKEN=…, "password": "…"). Hashes, UUIDs and
// commit ids without such a name are not credentials.
func FindCredentials(text string) []Credential {
	var cs credScanner
	cs.scan(text)
	if len(cs.cands) == 0 {
		return nil
	}
	return cs.finish(text)
}

type credCandidate struct {
	kind       string
	start, end int // the secret's bytes in the text
	secret     string
	public     int // length of the secret's public prefix (ghp_, AKIA), shown in full
	prio       int // higher wins when candidates overlap
	masked     string
}

type credScanner struct {
	cands []credCandidate
}

func (cs *credScanner) add(c credCandidate) { cs.cands = append(cs.cands, c) }

// finish resolves overlaps (the most specific kind wins), masks,
// fingerprints and finds sources.
func (cs *credScanner) finish(text string) []Credential {
	c := cs.cands
	sort.SliceStable(c, func(i, j int) bool {
		if c[i].prio != c[j].prio {
			return c[i].prio > c[j].prio
		}
		return c[i].start < c[j].start
	})
	var kept []credCandidate
	for _, x := range c {
		overlap := false
		for _, k := range kept {
			if x.start < k.end && k.start < x.end {
				overlap = true
				break
			}
		}
		if !overlap {
			kept = append(kept, x)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	out := make([]Credential, 0, len(kept))
	for _, k := range kept {
		m := k.masked
		if m == "" {
			m = maskSecret(k.secret, k.public)
		}
		out = append(out, Credential{Kind: k.kind, Masked: m, Fingerprint: Fingerprint(k.secret),
			Span: Span{k.start, k.end}, Source: sourceOf(text, k.start)})
	}
	return out
}

// maskSecret shows the public prefix and at most four characters of each
// end of the rest: an eighth of it at most, so short secrets show less.
func maskSecret(secret string, public int) string {
	if public > len(secret) {
		public = len(secret)
	}
	body := secret[public:]
	k := min(4, len(body)/8)
	if k == 0 {
		return secret[:public] + "…"
	}
	return secret[:public] + body[:k] + "…" + body[len(body)-k:]
}

func isTokByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// runEnd returns the end of the run starting at i of bytes accepted by ok.
func runEnd(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

func isB64URL(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }
func isB64(c byte) bool    { return isAlnum(c) || c == '+' || c == '/' || c == '=' }
func isBearerByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// credClass sorts bytes for scan: most bytes of output are letters inside
// words, which the scan skips a word at a time.
const (
	credOther = iota // punctuation, spaces: skipped
	credWord         // a token byte: letters, digits, _ and -
	credSep          // = and : (name=value, key: value, scheme://)
)

var credClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if isTokByte(byte(c)) {
			t[c] = credWord
		}
	}
	t['='], t[':'] = credSep, credSep
	return t
}()

// credStarts marks the bytes a word can start with to be looked at: the
// dashes of --flag and -----BEGIN, and the first letters of known token
// prefixes.
var credStarts = func() (t [256]bool) {
	for _, c := range []byte("-AgxsreBb") {
		t[c] = true
	}
	return t
}()

// scan makes one pass over text, dispatching on separators and on the
// first byte of each word; the rest of a word is skipped.
func (cs *credScanner) scan(s string) {
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		switch credClass[c] {
		case credOther:
			i++
		case credSep:
			if c == ':' && i+2 < n && s[i+1] == '/' && s[i+2] == '/' {
				cs.url(s, i)
				i += 3
				continue
			}
			cs.assignment(s, i)
			i++
		default: // the start of a word, or its rest after a jump
			if credStarts[c] && (i == 0 || !isTokByte(s[i-1]) && (c == '-' || s[i-1] != '.')) {
				if e := cs.wordStart(s, i); e > i {
					i = e
					continue
				}
			}
			for i++; i < n && credClass[s[i]] == credWord; i++ {
			}
		}
	}
	cs.awsSecrets(s)
}

// wordStart looks at the word starting at i; it returns where scanning
// goes on when something matched, or i.
func (cs *credScanner) wordStart(s string, i int) int {
	if s[i] != '-' {
		if i+1 < len(s) && tokenSecond(s[i], s[i+1]) {
			return cs.token(s, i)
		}
		return i
	}
	if i+2 < len(s) && s[i+1] == '-' {
		if s[i+2] == '-' && strings.HasPrefix(s[i:], "-----BEGIN ") {
			return cs.privateKey(s, i)
		}
		cs.flagValue(s, i)
	}
	return i
}

// tokenSecond says whether a word starting with c1 c2 may be one of the
// formats token knows: "s" starts many words, "sk" few.
func tokenSecond(c1, c2 byte) bool {
	switch c1 {
	case 'A':
		return c2 == 'K' || c2 == 'S' || c2 == 'I'
	case 'g':
		return c2 == 'h' || c2 == 'i' || c2 == 'l'
	case 'x':
		return c2 == 'o' || c2 == 'a'
	case 's', 'r':
		return c2 == 'k'
	case 'e':
		return c2 == 'y'
	case 'B', 'b':
		return c2|0x20 == 'e' || c2|0x20 == 'a'
	}
	return false
}

// token checks a token starting at i for the known formats; it returns
// where the token ends when one matched.
func (cs *credScanner) token(s string, i int) int {
	rest := s[i:]
	switch s[i] {
	case 'A':
		if strings.HasPrefix(rest, "AKIA") || strings.HasPrefix(rest, "ASIA") {
			e := runEnd(s, i, func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' })
			if e-i == 20 && (e == len(s) || !isAlnum(s[e])) {
				cs.add(credCandidate{kind: "aws-access-key", start: i, end: e, secret: s[i:e], public: 4, prio: 9})
				return e
			}
		}
		if strings.HasPrefix(rest, "AIza") {
			e := runEnd(s, i, isB64URL)
			if e-i == 39 {
				cs.add(credCandidate{kind: "google-api-key", start: i, end: e, secret: s[i:e], public: 4, prio: 9})
				return e
			}
		}
	case 'g':
		if len(rest) > 4 && rest[0] == 'g' && rest[1] == 'h' && strings.IndexByte("pousr", rest[2]) >= 0 && rest[3] == '_' {
			e := runEnd(s, i+4, isAlnum)
			if e-i-4 >= 30 {
				cs.add(credCandidate{kind: "github-token", start: i, end: e, secret: s[i:e], public: 4, prio: 9})
				return e
			}
		}
		if strings.HasPrefix(rest, "github_pat_") {
			e := runEnd(s, i+11, func(c byte) bool { return isAlnum(c) || c == '_' })
			if e-i-11 >= 22 {
				cs.add(credCandidate{kind: "github-token", start: i, end: e, secret: s[i:e], public: 11, prio: 9})
				return e
			}
		}
		if strings.HasPrefix(rest, "glpat-") {
			e := runEnd(s, i+6, isB64URL)
			if e-i-6 >= 20 {
				cs.add(credCandidate{kind: "gitlab-token", start: i, end: e, secret: s[i:e], public: 6, prio: 9})
				return e
			}
		}
	case 'x':
		if len(rest) > 5 && strings.HasPrefix(rest, "xox") && strings.IndexByte("abprse", rest[3]) >= 0 && rest[4] == '-' ||
			strings.HasPrefix(rest, "xapp-") {
			e := runEnd(s, i, isB64URL)
			if e-i >= 20 && hasDigit(s[i:e]) {
				cs.add(credCandidate{kind: "slack-token", start: i, end: e, secret: s[i:e], public: 5, prio: 9})
				return e
			}
		}
	case 's', 'r':
		if strings.HasPrefix(rest, "sk_live_") || strings.HasPrefix(rest, "rk_live_") {
			e := runEnd(s, i+8, isAlnum)
			if e-i-8 >= 16 {
				cs.add(credCandidate{kind: "stripe-key", start: i, end: e, secret: s[i:e], public: 8, prio: 9})
				return e
			}
		}
		if strings.HasPrefix(rest, "sk-ant-") {
			e := runEnd(s, i, isB64URL)
			if e-i >= 40 {
				cs.add(credCandidate{kind: "anthropic-key", start: i, end: e, secret: s[i:e], public: 7, prio: 9})
				return e
			}
		}
		if strings.HasPrefix(rest, "sk-") {
			e := runEnd(s, i, isB64URL)
			public := 3
			for _, p := range []string{"sk-proj-", "sk-svcacct-", "sk-admin-"} {
				if strings.HasPrefix(rest, p) {
					public = len(p)
				}
			}
			body := s[i+public : e]
			if len(body) >= 32 && hasDigit(body) && hasUpper(body) && hasLower(body) {
				cs.add(credCandidate{kind: "openai-key", start: i, end: e, secret: s[i:e], public: public, prio: 8})
				return e
			}
		}
	case 'e':
		if strings.HasPrefix(rest, "eyJ") {
			return cs.jwt(s, i)
		}
	case 'B', 'b':
		if len(rest) > 7 && strings.EqualFold(rest[:7], "bearer ") {
			return cs.bearer(s, i+7, "bearer")
		}
		if len(rest) > 6 && strings.EqualFold(rest[:6], "basic ") {
			return cs.bearer(s, i+6, "basic-auth")
		}
	}
	return i
}

// jwt matches header.payload.signature, each base64url, the first two
// starting with eyJ ({").
func (cs *credScanner) jwt(s string, i int) int {
	a := runEnd(s, i, isB64URL)
	if a-i < 10 || a >= len(s) || s[a] != '.' || !strings.HasPrefix(s[a+1:], "eyJ") {
		return i
	}
	b := runEnd(s, a+1, isB64URL)
	if b-a-1 < 10 || b >= len(s) || s[b] != '.' {
		return i
	}
	c := runEnd(s, b+1, isB64URL)
	if c-b-1 < 16 {
		return i
	}
	cs.add(credCandidate{kind: "jwt", start: i, end: c, secret: s[i:c], public: 3, prio: 8,
		masked: "eyJ…" + s[c-min(4, (c-b-1)/8):c]})
	return c
}

// bearer checks the value of an Authorization scheme starting at j.
func (cs *credScanner) bearer(s string, j int, kind string) int {
	for j < len(s) && s[j] == ' ' {
		j++
	}
	e := runEnd(s, j, isBearerByte)
	v := s[j:e]
	if len(v) < 16 || placeholder(v) {
		return j
	}
	if kind == "basic-auth" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil || !strings.Contains(string(b), ":") {
			return j
		}
	} else if !randomLooking(v) {
		return j
	}
	cs.add(credCandidate{kind: kind, start: j, end: e, secret: v, public: tokenPrefixLen(v), prio: 5})
	return j // the value may also be a known format (a JWT, ghp_…), which wins
}

// url finds user:password@ in the authority of a URL whose "://" is at k.
func (cs *credScanner) url(s string, k int) {
	st := k
	for st > 0 && (isAlnum(s[st-1]) || s[st-1] == '+' || s[st-1] == '.' || s[st-1] == '-') {
		st--
	}
	if st == k {
		return
	}
	a := k + 3
	e := a
	for e < len(s) && e-a < 512 {
		c := s[e]
		if c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == '`' || c == '>' || c == '<' {
			break
		}
		e++
	}
	auth := s[a:e]
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return
	}
	colon := strings.IndexByte(auth[:at], ':')
	if colon < 0 {
		return
	}
	user, pw := auth[:colon], auth[colon+1:at]
	if len(pw) < 3 || placeholder(pw) || pw == user || devDefault(pw) {
		return
	}
	ps := a + colon + 1
	cs.add(credCandidate{kind: "url-password", start: ps, end: ps + len(pw), secret: pw, prio: 6,
		masked: s[st:a] + user + ":" + maskSecret(pw, 0) + "@" + auth[at+1:]})
}

// privateKey matches a PEM private key block; the fingerprint is of its
// base64 body, so the same key printed with other indentation matches.
func (cs *credScanner) privateKey(s string, i int) int {
	hdrEnd := strings.Index(s[i+11:min(len(s), i+80)], "-----")
	if hdrEnd < 0 {
		return i
	}
	label := s[i+11 : i+11+hdrEnd]
	if !strings.HasSuffix(label, "PRIVATE KEY") {
		return i
	}
	bodyStart := i + 11 + hdrEnd + 5
	end := bodyStart
	limit := min(len(s), bodyStart+16384)
	if j := strings.Index(s[bodyStart:limit], "-----END "); j >= 0 {
		end = bodyStart + j
		if k := strings.Index(s[end+9:min(len(s), end+80)], "-----"); k >= 0 {
			end = end + 9 + k + 5
		}
	} else {
		end = limit
	}
	var body strings.Builder
	for _, b := range []byte(s[bodyStart:end]) {
		if isB64(b) {
			body.WriteByte(b)
		}
	}
	secret := body.String()
	if strings.HasPrefix(s[bodyStart:end], "-----END") || len(secret) < 32 {
		// A header alone (a grep match, a template): still a sign a key is
		// there, fingerprinted by its label.
		secret = label
	}
	cs.add(credCandidate{kind: "private-key", start: i, end: end, secret: secret, prio: 10,
		masked: "-----BEGIN " + label + "-----…"})
	return end
}

// assignment looks at NAME=value or "name": "value" around the separator at
// k and reports the value when the name says it is secret and the value
// looks like one.
func (cs *credScanner) assignment(s string, k int) {
	if k+1 < len(s) && s[k+1] == '=' || s[k] == '=' && k > 0 && strings.IndexByte("!<>=+-*/%&|^~", s[k-1]) >= 0 {
		return
	}
	ne := k
	if s[k] == '=' && k > 0 && s[k-1] == ':' {
		ne-- // name := value
	}
	for ne > 0 && (s[ne-1] == ' ' || s[ne-1] == '\t') && k-ne < 4 {
		ne--
	}
	quoted := byte(0)
	if ne > 0 && (s[ne-1] == '"' || s[ne-1] == '\'') {
		quoted = s[ne-1]
		ne--
	}
	ns := ne
	for ns > 0 && ne-ns < 64 && (isTokByte(s[ns-1]) || s[ns-1] == '.') {
		ns--
	}
	if ns == ne {
		return
	}
	if quoted != 0 && (ns == 0 || s[ns-1] != quoted) {
		return
	}
	kind := secretName(s[ns:ne])
	if kind == "" {
		return
	}
	cs.value(s, k+1, kind, s[k] == ':' || ne < k)
}

// flagValue handles --token VALUE and --password=VALUE.
func (cs *credScanner) flagValue(s string, i int) {
	ne := runEnd(s, i+2, isTokByte)
	if ne == i+2 || ne >= len(s) || s[ne] != ' ' {
		return // --name=value is seen by assignment
	}
	kind := secretName(s[i+2 : ne])
	if kind == "" {
		return
	}
	cs.value(s, ne+1, kind, true)
}

// value reads the value starting at j (after spaces and an opening quote)
// and adds it when it looks like a secret.
func (cs *credScanner) value(s string, j int, kind string, spaces bool) {
	if spaces {
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
	}
	if j >= len(s) {
		return
	}
	var e int
	if q := s[j]; q == '"' || q == '\'' {
		j++
		e = j
		for e < len(s) && s[e] != q && s[e] != '\n' && e-j < 512 {
			e++
		}
	} else {
		e = j
		for e < len(s) && e-j < 512 && strings.IndexByte(" \t\r\n\"'`,;()[]{}<>|&", s[e]) < 0 {
			e++
		}
		if e < len(s) && (s[e] == '(' || s[e] == '[') {
			return // code: password=getpass(), token=env["X"]
		}
	}
	v := s[j:e]
	if !secretValue(v, kind) {
		return
	}
	cs.add(credCandidate{kind: kind, start: j, end: e, secret: v, public: tokenPrefixLen(v), prio: 4})
}

// awsSecrets finds AWS secret access keys: 40 base64 characters near an
// access key id (the pair printed by aws configure or a credentials file).
func (cs *credScanner) awsSecrets(s string) {
	for _, c := range cs.cands {
		if c.kind != "aws-access-key" {
			continue
		}
		lo, hi := max(0, c.start-400), min(len(s), c.end+400)
		for i := lo; i < hi; i++ {
			if !isB64(s[i]) || i > 0 && isB64(s[i-1]) {
				continue
			}
			e := runEnd(s, i, func(b byte) bool { return isAlnum(b) || b == '+' || b == '/' })
			if e-i == 40 && (e == len(s) || !isB64(s[e])) && randomLooking(s[i:e]) && hasUpper(s[i:e]) && hasLower(s[i:e]) {
				cs.add(credCandidate{kind: "aws-secret-key", start: i, end: e, secret: s[i:e], prio: 7})
			}
			i = e
		}
	}
}

// secretName says whether a variable, key or header name names a secret:
// "password" for passwords, "generic-token" for tokens, secrets and keys,
// "" otherwise.
func secretName(name string) string {
	if !mayNameSecret(name) {
		return ""
	}
	segs := nameSegments(name)
	if len(segs) == 0 {
		return ""
	}
	last := segs[len(segs)-1]
	switch last {
	case "FILE", "PATH", "DIR", "NAME", "ID", "IDS", "TYPE", "URL", "URI", "LENGTH", "LEN", "TTL", "EXPIRY", "EXPIRES",
		"EXPIRATION", "HEADER", "ENV", "VAR", "MODE", "COUNT", "ENABLED", "REQUIRED", "PROMPT", "HINT", "ROTATION",
		"VERSION", "ALGORITHM", "ALG", "FORMAT", "FIELD", "PARAM", "SIZE", "REF", "ARN", "KIND", "LABEL", "HASH",
		"POLICY", "MIN", "MAX", "ENDPOINT", "HOST", "PORT", "USER", "USERNAME", "EMAIL", "REGION", "PREFIX", "SUFFIX",
		"STORE", "MANAGER", "PROVIDER", "SOURCE", "LOCATION", "COMMAND", "CMD", "KEYS", "TOKENS", "SECRETS":
		return ""
	}
	for _, s := range segs {
		if s == "PUBLIC" || s == "PUBLISHABLE" {
			return ""
		}
	}
	for i, s := range segs {
		switch s {
		case "PASSWORD", "PASSWD", "PWD", "PASSPHRASE":
			return "password"
		case "PASS":
			if i == len(segs)-1 && len(segs) > 1 {
				return "password"
			}
		case "TOKEN", "SECRET", "APIKEY", "CREDENTIAL", "CREDENTIALS", "AUTHTOKEN":
			return "generic-token"
		}
	}
	if last == "KEY" && len(segs) > 1 {
		switch segs[len(segs)-2] {
		case "SORT", "PRIMARY", "FOREIGN", "PARTITION", "CACHE", "IDEMPOTENCY", "ROUTING", "LOOKUP", "MAP", "OBJECT",
			"BUCKET", "REDIS", "DEDUP", "DEDUPE", "UNIQUE", "SSH", "GPG", "PGP", "KMS", "LOCK", "SHARD", "HOTKEY", "ROW",
			"INDEX", "GROUP", "MESSAGE", "I18N", "TRANSLATION", "LOCALE", "STORAGE", "STATE", "QUERY", "REGISTRY", "SITE":
			return ""
		}
		return "generic-token"
	}
	return ""
}

// mayNameSecret is a cheap test, without allocation, that a name holds one
// of the words secretName looks for.
func mayNameSecret(name string) bool {
	for i := 0; i+3 <= len(name); i++ {
		switch name[i] | 0x20 {
		case 'k':
			if name[i+1]|0x20 == 'e' && name[i+2]|0x20 == 'y' {
				return true
			}
		case 't':
			if hasFoldPrefix(name[i:], "token") {
				return true
			}
		case 's':
			if hasFoldPrefix(name[i:], "secret") {
				return true
			}
		case 'p':
			if hasFoldPrefix(name[i:], "pass") || hasFoldPrefix(name[i:], "pwd") {
				return true
			}
		case 'c':
			if hasFoldPrefix(name[i:], "credential") {
				return true
			}
		}
	}
	return false
}

func hasFoldPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

// nameSegments splits a name at _ - . and camelCase boundaries, in upper
// case: "secretAccessKey" → SECRET ACCESS KEY, "X-Api-Key" → X API KEY.
func nameSegments(name string) []string {
	var segs []string
	start := 0
	flush := func(end int) {
		if end > start {
			segs = append(segs, strings.ToUpper(name[start:end]))
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '_' || c == '-' || c == '.' {
			flush(i)
			start = i + 1
			continue
		}
		if c >= 'A' && c <= 'Z' && i > start && name[i-1] >= 'a' && name[i-1] <= 'z' {
			flush(i)
			start = i
		}
	}
	flush(len(name))
	return segs
}

// secretValue says whether an assigned value looks like a real secret,
// not a placeholder, a reference, a path or prose.
func secretValue(v, kind string) bool {
	if placeholder(v) {
		return false
	}
	if kind == "password" {
		if len(v) < 6 || devDefault(v) || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") {
			return false
		}
		if attributeAccess(v) {
			return false
		}
		classes := 0
		for _, f := range []func(string) bool{hasLower, hasUpper, hasDigit, hasSymbol} {
			if f(v) {
				classes++
			}
		}
		return classes >= 2 && entropy(v) >= 2.0
	}
	if len(v) < 16 || len(v) > 512 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isBearerByte(v[i]) {
			return false
		}
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "http") || attributeAccess(v) {
		return false
	}
	if isUUID(v) {
		return true // under a secret name, a UUID is a token (Heroku, Railway)
	}
	return hasDigit(v) && (hasLower(v) || hasUpper(v)) && entropy(v) >= 3.0
}

// randomLooking is the test for values with no name to vouch for them.
func randomLooking(v string) bool {
	if isUUID(v) {
		return true
	}
	return len(v) >= 16 && hasDigit(v) && (hasLower(v) || hasUpper(v)) && entropy(v) >= 3.2
}

// placeholder reports values that stand for a secret instead of being
// one: $VAR, ${VAR}, <token>, {{ .Token }}, xxxx, ****, your-token-here.
func placeholder(v string) bool {
	if v == "" {
		return true
	}
	switch v[0] {
	case '$', '<', '{', '%', '*', '[', '(', '@', '#':
		return true
	}
	l := strings.ToLower(v)
	for _, p := range []string{"${", "{{", "xxxx", "****", "...", "…", "your", "changeme", "change_me", "change-me", "example",
		"placeholder", "dummy", "redacted", "replace", "insert", "fixme", "todo", "secret_here", "token_here", "<", ">", "process.env",
		"os.environ", "getenv", "env.", "secrets.", "vault:", "op://", "000000", "123456", "abcdef12", "abcdefgh", "aaaaaa"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// devDefault reports passwords that are well-known defaults, not secrets.
func devDefault(v string) bool {
	switch strings.ToLower(v) {
	case "password", "passwd", "pass", "secret", "postgres", "root", "admin", "guest", "user", "test", "testing",
		"mysql", "redis", "default", "letmein", "qwerty", "none", "null", "true", "false", "string", "required", "optional":
		return true
	}
	return false
}

// attributeAccess reports code such as self.password or args.token.
func attributeAccess(v string) bool {
	dot := strings.IndexByte(v, '.')
	if dot <= 0 || hasDigit(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := v[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// tokenPrefixLen is the length of a lower-case prefix such as rw_root_ or
// stg_ before a long random body: shown in full by the mask.
func tokenPrefixLen(v string) int {
	p := 0
	for i := 0; i < len(v) && i < 16; i++ {
		c := v[i]
		if c == '_' || c == '-' {
			if len(v)-i-1 < 16 {
				break
			}
			p = i + 1
			continue
		}
		if !(c >= 'a' && c <= 'z') {
			break
		}
	}
	return p
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

func hasSymbol(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c > ' ' && c < 0x7f && !isAlnum(c) {
			return true
		}
	}
	return false
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// sourceOf finds the file the line holding offset i says it comes from:
// grep output "path:line:content" or "path:content", after any gutter a
// terminal UI draws (⎿, │, └).
func sourceOf(text string, i int) string {
	ls := strings.LastIndexByte(text[:i], '\n') + 1
	line := text[ls:i]
	line = strings.TrimLeft(line, " \t")
	for _, g := range []string{"⎿", "│", "└", "┃", "|"} {
		if strings.HasPrefix(line, g) {
			line = strings.TrimLeft(line[len(g):], " \t")
			break
		}
	}
	c := strings.IndexByte(line, ':')
	if c <= 0 {
		return ""
	}
	path := line[:c]
	if strings.ContainsAny(path, " \t\"'=") || !strings.ContainsAny(path, "/.") {
		return ""
	}
	rest := line[c+1:]
	if n := runEnd(rest, 0, func(b byte) bool { return b >= '0' && b <= '9' }); n > 0 && n < len(rest) && rest[n] == ':' {
		return strings.TrimPrefix(path, "./") + ":" + rest[:n]
	}
	return strings.TrimPrefix(path, "./")
}

// MaskCredentials returns text with every credential in it replaced by its
// masked form, for showing commands and output in reports and logs.
func MaskCredentials(text string) string {
	creds := FindCredentials(text)
	if len(creds) == 0 {
		return text
	}
	var b strings.Builder
	at := 0
	for _, c := range creds {
		if c.Span.Start < at || c.Span.End > len(text) {
			continue
		}
		b.WriteString(text[at:c.Span.Start])
		b.WriteString(c.Masked)
		at = c.Span.End
	}
	b.WriteString(text[at:])
	return b.String()
}
