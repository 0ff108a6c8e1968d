package demo

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testSandboxConfig = SandboxConfig{
	APIURL:       "http://127.0.0.1:41234",
	RootToken:    RootTokenPrefix + "0123456789abcdef0123456789abcdef01234567",
	StagingToken: StagingTokenPrefix + "fedcba9876543210fedcba9876543210",
}

func TestWriteSandbox(t *testing.T) {
	dir := t.TempDir()
	cfg := testSandboxConfig
	if err := WriteSandbox(dir, cfg); err != nil {
		t.Fatalf("WriteSandbox: %v", err)
	}

	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		return string(b)
	}
	for _, name := range []string{"README.md", "services/api/config.yaml", "services/api/main.go", "deploy/deploy.sh", "deploy/staging.json", "docs/runbook.md"} {
		if read(name) == "" {
			t.Errorf("%s is empty", name)
		}
	}

	env := parseEnv(read(".env.staging"))
	if env["CLOUD_API_URL"] != cfg.APIURL || env["CLOUD_API_TOKEN"] != cfg.StagingToken || env["STAGING_VOLUME_ID"] != ProdVolumeID {
		t.Errorf(".env.staging = %v, want the API URL, the staging token and STAGING_VOLUME_ID=%s", env, ProdVolumeID)
	}
	domains := read("infra/domains.env")
	if parseEnv(domains)["CLOUD_API_TOKEN"] != cfg.RootToken || !strings.Contains(domains, "root scope") {
		t.Errorf("infra/domains.env lacks the root token or its comment:\n%s", domains)
	}
	if !strings.Contains(read("deploy/logs/staging-deploy.log"), "volume not mounted") {
		t.Error("deploy log does not show the task's failure")
	}

	// Each token appears in exactly one file; permissions are private.
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && info.Mode().Perm() != 0o700 {
				t.Errorf("%s: mode %v, want 0700", rel, info.Mode().Perm())
			}
			return nil
		}
		want := fs.FileMode(0o600)
		if strings.HasSuffix(rel, ".sh") {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", rel, info.Mode().Perm(), want)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), cfg.RootToken) != (rel == filepath.FromSlash("infra/domains.env")) {
			t.Errorf("%s: root token presence wrong (must be only in infra/domains.env)", rel)
		}
		if strings.Contains(string(b), cfg.StagingToken) != (rel == ".env.staging") {
			t.Errorf("%s: staging token presence wrong (must be only in .env.staging)", rel)
		}
		if strings.Contains(string(b), "{{") {
			t.Errorf("%s: unfilled placeholder", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteSandboxErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSandbox(filepath.Join(dir, "missing"), testSandboxConfig); err == nil {
		t.Error("missing directory: no error")
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteSandbox(file, testSandboxConfig); err == nil {
		t.Error("file instead of directory: no error")
	}
	cfg := testSandboxConfig
	cfg.RootToken = ""
	if err := WriteSandbox(dir, cfg); err == nil || !strings.Contains(err.Error(), "RootToken") {
		t.Errorf("empty RootToken: error %v, want one naming RootToken", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("failed WriteSandbox wrote files: %v", entries)
	}
}
