package detect

import "testing"

func TestGitHubCLI(t *testing.T) {
	for cmd, want := range map[string]string{
		"gh repo delete acme/api --yes":       "cloud.github-repo-delete",
		"gh repo delete --yes":                "cloud.github-repo-delete",
		"sudo gh repo delete acme/old-site":   "cloud.github-repo-delete",
		"gh release delete v1.2.0 --yes":      "cloud.github-release-delete",
		"gh -R acme/api release delete v2 -y": "cloud.github-release-delete",
	} {
		r := Command(cmd, Context{})
		if f := r.Top(); f == nil || f.Rule != want {
			t.Errorf("%q: %+v, want %s", cmd, r.Findings, want)
		}
	}
	for _, cmd := range []string{"gh repo view acme/api", "gh pr list", "gh repo clone acme/api", "gh release list", "gh repo create acme/new --private"} {
		if r := Command(cmd, Context{}); r.Verdict != Allow {
			t.Errorf("%q: %+v", cmd, r.Findings)
		}
	}
}
