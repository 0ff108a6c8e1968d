package detect

import (
	"strings"
	"testing"
)

// Made-up secrets of the real shapes.
const (
	tokRailwayDemo = "rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755"
	tokStaging     = "stg_4f9a0c2e7b1d8e3f6a5c9b0d2e4f7a1c"
	tokGitHub      = "ghp_R4nd0mL00k1ngT0k3nV4lu3xYz0123456789"
	tokAWSKey      = "AKIA2E0A8F3B244C9986"
	tokAWSSecret   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY3xAmpl3K3y"
	tokJWT         = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

func TestFindCredentialsPositive(t *testing.T) {
	for _, c := range []struct {
		text, kind, secret string
	}{
		{"aws_access_key_id = " + tokAWSKey, "aws-access-key", tokAWSKey},
		{"ASIAY34FZKBOKMUTVV7A", "aws-access-key", "ASIAY34FZKBOKMUTVV7A"},
		{"[default]\naws_access_key_id = " + tokAWSKey + "\naws_secret_access_key = " + tokAWSSecret, "aws-secret-key", tokAWSSecret},
		{`{"AccessKeyId": "` + tokAWSKey + `", "SecretAccessKey": "` + tokAWSSecret + `"}`, "aws-secret-key", tokAWSSecret},
		{"GITHUB_TOKEN=" + tokGitHub, "github-token", tokGitHub},
		{"git clone https://" + tokGitHub + "@github.com/acme/app", "github-token", tokGitHub},
		{"gho_16C7e42F292c6912E7710c838347Ae178B4a", "github-token", "gho_16C7e42F292c6912E7710c838347Ae178B4a"},
		{"ghs_Xk29dLm3Qp8Zr1Tb6Vn4Hc7Jw0Ys5Fa2Ge9U", "github-token", "ghs_Xk29dLm3Qp8Zr1Tb6Vn4Hc7Jw0Ys5Fa2Ge9U"},
		{"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN", "github-token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"},
		{"CI_TOKEN: glpat-x9Zk2LmQ7pR4tV8wB1cD", "gitlab-token", "glpat-x9Zk2LmQ7pR4tV8wB1cD"},
		{"SLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack-token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"},
		{"stripe.api_key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'", "stripe-key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
		{"rk_live_51H8xYzAbCdEfGh12345678", "stripe-key", "rk_live_51H8xYzAbCdEfGh12345678"},
		{"OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk", "openai-key", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk"},
		{"key: sk-T3BlbkFJa8Zx2Qm9Lp4Rt7Vw1Yc6Nb3Hd0Gf5Sk2Je8Ui", "openai-key", "sk-T3BlbkFJa8Zx2Qm9Lp4Rt7Vw1Yc6Nb3Hd0Gf5Sk2Je8Ui"},
		{"ANTHROPIC_API_KEY=sk-ant-api03-Xq9Lm2Kp7Rt4Vw1Yc6Nb3Hd0Gf5Sk2Je8UiAa", "anthropic-key", "sk-ant-api03-Xq9Lm2Kp7Rt4Vw1Yc6Nb3Hd0Gf5Sk2Je8UiAa"},
		{`"apiKey": "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"`, "google-api-key", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"},
		{"Cookie: session=" + tokJWT, "jwt", tokJWT},
		{"Authorization: Bearer " + tokJWT, "jwt", tokJWT},
		{`curl -H "Authorization: Bearer ` + tokRailwayDemo + `" https://x`, "bearer", tokRailwayDemo},
		{"authorization: bearer 8f14e45fceea167a5a36dedd4bea2543a9c1", "bearer", "8f14e45fceea167a5a36dedd4bea2543a9c1"},
		{"Authorization: Basic dXNlcjpzM2NyZXRQYXNz", "basic-auth", "dXNlcjpzM2NyZXRQYXNz"},
		{"DATABASE_URL=postgres://app:Zx81kQ29pLm@db.internal:5432/app", "url-password", "Zx81kQ29pLm"},
		{"redis://:9vKq2Lm7Xr4T@cache:6379/0", "url-password", "9vKq2Lm7Xr4T"},
		{"CLOUD_API_TOKEN=" + tokRailwayDemo, "generic-token", tokRailwayDemo},
		{"export STAGING_DEPLOY_TOKEN=\"" + tokStaging + "\"", "generic-token", tokStaging},
		{"RAILWAY_TOKEN=8d3c7a2e-91f4-4b6a-a0d2-5e7f3c1b9a64", "generic-token", "8d3c7a2e-91f4-4b6a-a0d2-5e7f3c1b9a64"},
		{`{"client_secret": "Qm9Lp4Rt7Vw1Yc6Nb3Hd0Gf5"}`, "generic-token", "Qm9Lp4Rt7Vw1Yc6Nb3Hd0Gf5"},
		{"X-Api-Key: 3f7b9c1d5e2a8f4b6c0d9e1f2a3b4c5d", "generic-token", "3f7b9c1d5e2a8f4b6c0d9e1f2a3b4c5d"},
		{"mytool deploy --token Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6", "generic-token", "Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6"},
		{"mytool deploy --api-key=Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6", "generic-token", "Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6"},
		{`secret_key_base = "a4f9c2e7b1d8e3f6a5c9b0d2e4f7a1c3"`, "generic-token", "a4f9c2e7b1d8e3f6a5c9b0d2e4f7a1c3"},
		{`apiKey := "Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6"`, "generic-token", "Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6"},
		{"DB_PASSWORD=Xk9#mQ2vL7pW", "password", "Xk9#mQ2vL7pW"},
		{`  password: "hunter2hunter2X"`, "password", "hunter2hunter2X"},
		{"spring.datasource.password=S3cure!Pass", "password", "S3cure!Pass"},
	} {
		cs := FindCredentials(c.text)
		found := false
		for _, cr := range cs {
			if cr.Kind == c.kind && c.text[cr.Span.Start:cr.Span.End] == c.secret && cr.Fingerprint == Fingerprint(c.secret) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: want %s %q, got %+v", c.text, c.kind, c.secret, cs)
		}
		for _, cr := range cs {
			checkMasked(t, cr, c.secret)
		}
	}
}

// checkMasked: the mask shows at most the public prefix and eight more
// characters of the secret.
func checkMasked(t *testing.T, c Credential, secret string) {
	t.Helper()
	if strings.Contains(c.Masked, secret) {
		t.Errorf("%s mask %q reveals the whole secret", c.Kind, c.Masked)
	}
	if c.Kind == "private-key" {
		return
	}
	shown := 0
	for _, part := range strings.Split(c.Masked, "…") {
		// Count the characters of this part that are taken from the
		// secret, beyond a public prefix.
		for n := len(part); n > 0; n-- {
			if strings.Contains(secret, part[len(part)-n:]) || strings.Contains(secret, part[:n]) {
				shown += n
				break
			}
		}
	}
	public := max(tokenPrefixLen(secret), 11)
	if shown > public+8 {
		t.Errorf("%s mask %q shows %d characters of %q", c.Kind, c.Masked, shown, secret)
	}
}

func TestFindCredentialsNegative(t *testing.T) {
	for _, text := range []string{
		"commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
		"id: 123e4567-e89b-12d3-a456-426614174000",
		`"integrity": "sha512-Q4PTJ9nU1vOn1TkZ6bS8yq5h+0Xk0zF8iK1bCbS8d0G4uW2lQ2a6u7g5vH3f2m1N9oP0qR8sT7uV6wX5yZ4aA=="`,
		"golang.org/x/sys v0.26.0 h1:KVRy2GtZBrk1cBYA7MKu5bEZFxQk4NIDV6RLVcC8o0k=",
		`checksum = "a1d3e4f5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3"`,
		"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"token: ${{ secrets.GITHUB_TOKEN }}",
		"GITHUB_TOKEN=$GITHUB_TOKEN",
		`API_KEY="${API_KEY:-}"`,
		"password: changeme",
		"API_KEY=your-api-key-here",
		"OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"const token = req.headers.authorization",
		"password = getpass()",
		"password = self.password",
		"password: string;",
		"SECRET_KEY_FILE=/run/secrets/django_key",
		"sort_key=abc123def456ghi789jkl",
		"idempotency_key=8d3c7a2e91f44b6aa0d25e7f3c1b9a64",
		"NEXT_PUBLIC_STRIPE_KEY=pk_live_51H8xYzAbCdEfGh12345678",
		"token_type: bearer",
		"TOKEN_EXPIRY=3600",
		"Bearer token required",
		`curl -H "Authorization: Bearer $TOKEN" https://x`,
		"postgres://user:password@localhost/db",
		"postgres://postgres:postgres@localhost/db",
		"postgres://app:${DB_PASSWORD}@db/app",
		"https://user@github.com/acme/app",
		"pip install scikit-learn sk-learn",
		"eyJhbGciOiJIUzI1NiJ9 is a header",
		"-----BEGIN PUBLIC KEY-----",
		"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl dev@laptop",
		"The secret is to keep going.",
		"key: value",
		"12:30:45 INFO started on :8080",
		"AKIAIS_NOT_A_KEY_AT_ALL",
		"glpat-short",
		"ghp_tooShort123",
	} {
		if cs := FindCredentials(text); len(cs) > 0 {
			t.Errorf("%q: unexpected %+v", text, cs)
		}
	}
}

func TestPrivateKeyBlock(t *testing.T) {
	key := "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi1Q2p3mB9sX7Lk0rT5vQ8wY2nZ\nqL8mN3bV6cX9zA1sD4fG7hJ0kL3mN6pQ9rS2tU5vW8xY1zA4bC7dE0fG3hI6jK9l\n-----END RSA PRIVATE KEY-----\n"
	cs := FindCredentials("here it is:\n" + key)
	if len(cs) != 1 || cs[0].Kind != "private-key" || strings.Contains(cs[0].Masked, "MIIE") {
		t.Fatalf("%+v", cs)
	}
	// The same key shown indented (in a tool's output) has the same
	// fingerprint.
	indented := "     " + strings.ReplaceAll(strings.TrimSpace(key), "\n", "\n     ")
	if c2 := FindCredentials(indented); len(c2) != 1 || c2[0].Fingerprint != cs[0].Fingerprint {
		t.Fatalf("%+v vs %+v", c2, cs)
	}
}

func TestMaskSecret(t *testing.T) {
	for secret, want := range map[string]string{
		tokRailwayDemo: "rw_root_fcf8…c755",
		tokStaging:     "stg_4f9a…7a1c",
		tokGitHub:      "ghp_R4nd…6789",
		"Xk9#mQ2vL7pW": "X…W",
		"hunter2":      "…",
	} {
		c := FindCredentials("API_TOKEN=" + secret)
		got := ""
		if len(c) == 1 {
			got = c[0].Masked
		} else {
			got = maskSecret(secret, tokenPrefixLen(secret))
		}
		if got != want {
			t.Errorf("mask %q: %q, want %q", secret, got, want)
		}
	}
}

func TestCredentialSources(t *testing.T) {
	for text, want := range map[string]string{
		"./infra/domains.env:4:CLOUD_API_TOKEN=" + tokRailwayDemo:                  "infra/domains.env:4",
		"  ⎿  ./infra/domains.env:4:CLOUD_API_TOKEN=" + tokRailwayDemo:             "infra/domains.env:4",
		"config/prod.yaml:  api_token: " + tokStaging:                              "config/prod.yaml",
		"│ deploy/.env:12:GITHUB_TOKEN=" + tokGitHub + " │":                        "deploy/.env:12",
		"CLOUD_API_TOKEN=" + tokRailwayDemo:                                        "",
		"2025-01-01 12:00:00 token=" + tokRailwayDemo:                              "",
		"curl -H 'Authorization: Bearer " + tokRailwayDemo + "' https://x.example": "",
	} {
		cs := FindCredentials(text)
		if len(cs) != 1 || cs[0].Source != want {
			t.Errorf("%q: %+v, want source %q", text, cs, want)
		}
	}
}

// The incident: the token found by grep and the token in the curl that
// deleted the volume have the same fingerprint.
func TestFingerprintMatchesAcrossOutputAndCommand(t *testing.T) {
	out := FindCredentials("./infra/domains.env:4:CLOUD_API_TOKEN=" + tokRailwayDemo)
	cmd := `curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer ` + tokRailwayDemo + `" -d '{"query":"mutation { volumeDelete(volumeId: \"vol_9f3c\") }"}'`
	fps := FingerprintsIn(cmd)
	if len(out) != 1 || len(fps) != 1 || out[0].Fingerprint != fps[0] {
		t.Fatalf("output %+v, command %v", out, fps)
	}
	if Fingerprint(tokRailwayDemo) == Fingerprint(tokStaging) || len(fps[0]) != 16 {
		t.Fatal("fingerprints")
	}
	if FingerprintsIn("ls -la") != nil {
		t.Fatal("fingerprints of nothing")
	}
}

func TestCommandsCarryingCredentialsWarn(t *testing.T) {
	for _, cmd := range []string{
		"export GITHUB_TOKEN=" + tokGitHub,
		"GITHUB_TOKEN=" + tokGitHub + " gh pr list",
		`curl -H "Authorization: Bearer ` + tokRailwayDemo + `" https://api.example.com`,
		"psql postgres://app:Zx81kQ29pLm@db.internal/app -c 'select 1'",
		"docker login -u ci --password Zx81kQ29pLmQ",
		"aws configure set aws_secret_access_key " + tokAWSSecret + " # " + tokAWSKey,
		"sh -c 'deploy --token=Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6'",
	} {
		r := Command(cmd, Context{})
		var f *Finding
		for i := range r.Findings {
			if r.Findings[i].Rule == "credential.seen" {
				f = &r.Findings[i]
			}
		}
		if f == nil || f.Verdict != Warn || f.Severity != Medium {
			t.Errorf("%q: %+v", cmd, r)
			continue
		}
		if sp := f.Spans[0]; sp.Start < 0 || sp.End > len(cmd) || strings.ContainsAny(cmd[sp.Start:sp.End], " \"'") {
			t.Errorf("%q: span %v", cmd, sp)
		}
		for _, secret := range []string{tokGitHub, tokRailwayDemo, "Zx81kQ29pLm", tokAWSSecret, "Zk2Lm7Xr4Tq9Vp3Ws8Yb1Nc6"} {
			if strings.Contains(f.Reason, secret) {
				t.Errorf("%q: the reason reveals the secret: %q", cmd, f.Reason)
			}
		}
	}
	for _, cmd := range []string{
		`curl -H "Authorization: Bearer $TOKEN" https://api.example.com`,
		"git log --format=%H -1",
		"echo 123e4567-e89b-12d3-a456-426614174000",
		"export GITHUB_TOKEN=$(gh auth token)",
		"grep -rn CLOUD_API_TOKEN .",
	} {
		if r := Command(cmd, Context{}); r.Verdict != Allow {
			t.Errorf("%q: %+v", cmd, r)
		}
	}
}

func BenchmarkFindCredentials(b *testing.B) {
	text := strings.Repeat("\x1b[32m[INFO]\x1b[0m src/pkg/file_12.go:120:4: compiling module cache so tests pass = true; key: value\n", 1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		FindCredentials(text)
	}
}

func TestMaskCredentials(t *testing.T) {
	secret := "rw_root_43c6fb5548091a350482a01afba6ce6955be8678"
	in := `curl -H "Authorization: Bearer ` + secret + `" https://x.example`
	out := MaskCredentials(in)
	if strings.Contains(out, secret) || !strings.Contains(out, "https://x.example") || !strings.Contains(out, "curl -H") {
		t.Fatalf("%q", out)
	}
	if MaskCredentials("ls -la") != "ls -la" {
		t.Fatal("changed text without credentials")
	}
}
