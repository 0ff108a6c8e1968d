package detect

// The GitHub CLI's own destructive subcommands; gh api requests are the
// HTTP analyser's.

func init() {
	register(
		Rule{ID: "cloud.github-repo-delete", Category: "cloud", Severity: Critical, Verdict: Pause,
			Description: "Deletes a GitHub repository with its issues, pull requests, wiki, releases and settings; forks do not bring them back.",
			Examples:    []string{"gh repo delete acme/api --yes", "gh repo delete"}},
		Rule{ID: "cloud.github-release-delete", Category: "cloud", Severity: Medium, Verdict: Warn,
			Description: "Deletes a GitHub release and its uploaded assets.",
			Examples:    []string{"gh release delete v1.2.0 --yes"}},
	)
	handle(analyseGH, "gh")
}

func analyseGH(inv *Invocation) {
	pos := inv.Positional("-R", "--repo", "--hostname")
	if len(pos) < 2 {
		return
	}
	group, verb := pos[0].Value, pos[1].Value
	switch {
	case group == "repo" && verb == "delete":
		repo := "the current repository"
		if len(pos) > 2 {
			repo = pos[2].Value
		} else if r, ok := inv.Option("-R", "--repo"); ok {
			repo = r.Value
		}
		how := ""
		if inv.HasFlag("--yes", "--confirm") {
			how = " without asking (--yes)"
		}
		inv.Flag("cloud.github-repo-delete", repo, "deletes the GitHub repository "+repo+how+", with its issues, pull requests, wiki and releases; GitHub keeps no copy you can restore yourself", pos[0].Span, pos[1].Span)
	case group == "release" && (verb == "delete" || verb == "delete-asset"):
		tag := "a release"
		if len(pos) > 2 {
			tag = pos[2].Value
		}
		inv.Flag("cloud.github-release-delete", tag, "deletes the GitHub release "+tag+" and its uploaded assets", pos[0].Span, pos[1].Span)
	}
}
