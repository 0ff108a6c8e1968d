package detect

import (
	"strings"
	"testing"
)

// gitCase is a command that must produce rule with verdict (after
// protected names), and make it the command's verdict.
type gitCase struct {
	cmd     string
	rule    string
	verdict Verdict
}

func checkGitCase(t *testing.T, c gitCase, ctx Context) {
	t.Helper()
	r := Command(c.cmd, ctx)
	for _, f := range r.Findings {
		if f.Rule == c.rule {
			if f.Verdict != c.verdict || r.Verdict != c.verdict {
				t.Errorf("%q: %s is %v (command %v), want %v: %s", c.cmd, c.rule, f.Verdict, r.Verdict, c.verdict, f.Reason)
			}
			if f.Reason == "" || strings.HasSuffix(f.Reason, ".") || f.Reason[0] < 'a' || f.Reason[0] > 'z' {
				t.Errorf("%q: reason %q should start lowercase and not end with a period", c.cmd, f.Reason)
			}
			return
		}
	}
	t.Errorf("%q: want %s (%v), got %v %+v", c.cmd, c.rule, c.verdict, r.Verdict, r.Findings)
}

func TestGitForcePush(t *testing.T) {
	for _, c := range []gitCase{
		{"git push --force origin main", "git.force-push", Pause},
		{"git push -f origin main", "git.force-push", Pause},
		{"git push origin main --force", "git.force-push", Pause},
		{"git push origin main -f", "git.force-push", Pause},
		{"git push origin -f main", "git.force-push", Pause},
		{"git push --force -- origin main", "git.force-push", Pause},
		{"git push --force=true origin main", "git.force-push", Pause},
		{"git push -f origin feature", "git.force-push", Pause},
		{"git push -uf origin HEAD", "git.force-push", Pause},
		{"git push -fu origin feature/x", "git.force-push", Pause},
		{"git push -f", "git.force-push", Pause},
		{"git push --force", "git.force-push", Pause},
		{"git push --all -f origin", "git.force-push", Pause},
		{"git push origin --tags --force", "git.force-push", Pause},
		{"git push origin +main", "git.force-push", Pause},
		{"git push origin +HEAD:main", "git.force-push", Pause},
		{"git push origin '+refs/heads/*:refs/heads/*'", "git.force-push", Pause},
		{"git push origin main:main --force", "git.force-push", Pause},
		{"git push origin feature:production -f", "git.force-push", Pause},
		{"git push --force --force-with-lease origin feature", "git.force-push", Pause},
		{"git push --force-with-lease origin +main", "git.force-push", Pause},
		{"git push --force --no-force --force origin main", "git.force-push", Pause},
		{"git push origin \"$BRANCH\" --force", "git.force-push", Pause},
		{"git -C repo push -f origin main", "git.force-push", Pause},
		{"git --no-pager -c core.quotepath=off push --force origin main", "git.force-push", Pause},
		{"git --git-dir=/srv/app/.git --work-tree /srv/app push -f origin main", "git.force-push", Pause},
		{"sudo git push --force origin main", "git.force-push", Pause},
		{"command git push --force origin main", "git.force-push", Pause},
		{"env GIT_TRACE=1 git push -f origin main", "git.force-push", Pause},
		{"sh -c 'git push -f origin main'", "git.force-push", Pause},
		{"bash -c \"cd repo && git push --force origin main\"", "git.force-push", Pause},
		{"/usr/bin/git push --force origin main", "git.force-push", Pause},
		{"/usr/lib/git-core/git-push --force origin main", "git.force-push", Pause},
		{"B=main; git push -f origin $B", "git.force-push", Pause},
		{"git commit --amend --no-edit && git push -f", "git.force-push", Pause},
	} {
		checkGitCase(t, c, Context{})
	}
	// Unambiguous abbreviations, which git accepts. (--forc is ambiguous
	// between --force and --force-with-lease: git refuses it.)
	for _, c := range []gitCase{
		{"git push --mirr backup", "git.push-mirror", Pause},
		{"git push --del origin feature", "git.push-delete", Pause},
		{"git push --force-w origin feature", "git.force-with-lease", Warn},
		{"git reset --har", "git.reset-hard", Pause},
	} {
		checkGitCase(t, c, Context{})
	}
}

func TestGitForceWithLease(t *testing.T) {
	for _, c := range []gitCase{
		{"git push --force-with-lease origin feature", "git.force-with-lease", Warn},
		{"git push --force-with-lease --force-if-includes origin feature", "git.force-with-lease", Warn},
		{"git push origin feature --force-with-lease", "git.force-with-lease", Warn},
		{"git push --force-with-lease", "git.force-with-lease", Warn},
		{"git push --force-with-lease=feature:abc123 origin feature", "git.force-with-lease", Warn},
		// Protected branches pause even with a lease.
		{"git push --force-with-lease origin main", "git.force-with-lease", Pause},
		{"git push --force-with-lease origin HEAD:production", "git.force-with-lease", Pause},
		{"git push origin --force-with-lease=main:abc123 main", "git.force-with-lease", Pause},
	} {
		checkGitCase(t, c, Context{})
	}
}

func TestGitPushDeletes(t *testing.T) {
	for _, c := range []gitCase{
		{"git push origin --delete feature", "git.push-delete", Pause},
		{"git push --delete origin feature old-feature", "git.push-delete", Pause},
		{"git push -d origin v1.0", "git.push-delete", Pause},
		{"git push origin -d feature", "git.push-delete", Pause},
		{"git push origin :feature", "git.push-delete", Pause},
		{"git push origin :refs/tags/v1.0", "git.push-delete", Pause},
		{"git push origin --delete main", "git.push-delete", Pause},
		{"git tag -d v1.0 && git push origin :refs/tags/v1.0", "git.push-delete", Pause},
		{"git push --prune origin 'refs/heads/*:refs/heads/*'", "git.push-prune", Pause},
		{"git push --mirror backup", "git.push-mirror", Pause},
		{"git push --mirror", "git.push-mirror", Pause},
	} {
		checkGitCase(t, c, Context{})
	}
	r := Command("git push origin --delete main", Context{})
	if f := r.Top(); f == nil || f.Severity != Critical || f.Target != "origin/main" {
		t.Errorf("deleting main on origin: %+v", r.Top())
	}
}

func TestGitWorkingTreeLoss(t *testing.T) {
	for _, c := range []gitCase{
		{"git reset --hard", "git.reset-hard", Pause},
		{"git reset --hard HEAD~3", "git.reset-hard", Pause},
		{"git reset --hard origin/main", "git.reset-hard", Pause},
		{"git reset -q --hard", "git.reset-hard", Pause},
		{"git reset --soft --hard", "git.reset-hard", Pause},
		{"git   reset   --hard", "git.reset-hard", Pause},
		{"\"git\" reset --hard", "git.reset-hard", Pause},
		{"\\git reset --hard", "git.reset-hard", Pause},
		{"git status && git reset --hard", "git.reset-hard", Pause},
		{"echo $(git reset --hard)", "git.reset-hard", Pause},
		{"bash <<EOF\ngit reset --hard\nEOF", "git.reset-hard", Pause},
		{"ssh prod 'cd /srv/app && git reset --hard'", "git.reset-hard", Pause},
		{"kubectl exec app -- git reset --hard", "git.reset-hard", Pause},
		{"git -C /srv/prod/app reset --hard", "git.reset-hard", Pause},

		{"git clean -fd", "git.clean", Pause},
		{"git clean -fdx", "git.clean", Pause},
		{"git clean -ffdx", "git.clean", Pause},
		{"git clean -fdX", "git.clean", Pause},
		{"git clean -f -d -x", "git.clean", Pause},
		{"git clean -xdf", "git.clean", Pause},
		{"git clean --force", "git.clean", Pause},
		{"git clean -f src/", "git.clean", Pause},
		{"git clean -fd -e .env", "git.clean", Pause},
		{"git -c clean.requireForce=false clean -d", "git.clean", Pause},
		{"zsh -c 'git clean -fd'", "git.clean", Pause},
		{"docker exec web git clean -fdx", "git.clean", Pause},
		{"find . -name .git -execdir git clean -fdx \\;", "git.clean", Pause},

		{"git checkout -- .", "git.discard-changes", Pause},
		{"git checkout .", "git.discard-changes", Pause},
		{"git checkout -f", "git.discard-changes", Pause},
		{"git checkout -f main", "git.discard-changes", Pause},
		{"git checkout --force feature", "git.discard-changes", Pause},
		{"git checkout HEAD -- .", "git.discard-changes", Pause},
		{"git checkout main -- .", "git.discard-changes", Pause},
		{"git checkout :/", "git.discard-changes", Pause},
		{"git checkout -- ./", "git.discard-changes", Pause},
		{"git restore .", "git.discard-changes", Pause},
		{"git restore -W .", "git.discard-changes", Pause},
		{"git restore --staged --worktree .", "git.discard-changes", Pause},
		{"git restore -SW -- .", "git.discard-changes", Pause},
		{"git restore --source=main --staged --worktree .", "git.discard-changes", Pause},
		{"git restore -s HEAD~1 .", "git.discard-changes", Pause},
		{"git switch -f main", "git.discard-changes", Pause},
		{"git switch --discard-changes main", "git.discard-changes", Pause},
		{"git checkout-index -a -f", "git.discard-changes", Pause},

		{"git checkout -- src/app.go", "git.discard-file-changes", Warn},
		{"git checkout HEAD~1 -- src/app.go", "git.discard-file-changes", Warn},
		{"git checkout main file.txt", "git.discard-file-changes", Warn},
		{"git checkout -f -- src/a.go", "git.discard-file-changes", Warn},
		{"git restore src/app.go", "git.discard-file-changes", Warn},
		{"git restore -s HEAD~2 config.yml", "git.discard-file-changes", Warn},
		{"git restore --worktree -- \"$F\"", "git.discard-file-changes", Warn},
		{"git checkout --theirs .", "git.discard-file-changes", Warn},

		{"git rm -rf build/", "git.rm-force", Warn},
		{"git rm -f notes.txt", "git.rm-force", Warn},
		{"git rm -r --force .", "git.rm-tree", Pause},
		{"git worktree remove --force ../wt-feature", "git.worktree-remove-force", Pause},
		{"git worktree remove -f ../wt", "git.worktree-remove-force", Pause},
		{"git submodule deinit -f --all", "git.submodule-deinit-force", Warn},
		{"git submodule deinit --force vendor/lib", "git.submodule-deinit-force", Warn},
	} {
		checkGitCase(t, c, Context{})
	}
}

func TestGitLostHistory(t *testing.T) {
	for _, c := range []gitCase{
		{"git branch -D feature-branch", "git.branch-force-delete", Pause},
		{"git branch -D main", "git.branch-force-delete", Pause},
		{"git branch --delete --force wip", "git.branch-force-delete", Pause},
		{"git branch -d -f wip", "git.branch-force-delete", Pause},
		{"git branch -df wip", "git.branch-force-delete", Pause},
		{"git branch -D \"$B\"", "git.branch-force-delete", Pause},
		{"git for-each-ref --format='%(refname:short)' refs/heads | xargs git branch -D", "git.branch-force-delete", Pause},

		{"git stash drop", "git.stash-drop", Pause},
		{"git stash drop stash@{2}", "git.stash-drop", Pause},
		{"git stash drop -q", "git.stash-drop", Pause},
		{"git stash clear", "git.stash-clear", Pause},
		{"git stash pop || git stash drop", "git.stash-drop", Pause},

		{"git filter-branch --index-filter 'git rm --cached --ignore-unmatch secrets.env' -- --all", "git.rewrite-history", Pause},
		{"git filter-branch -f --tree-filter 'rm -f secrets.env' HEAD", "git.rewrite-history", Pause},
		{"git filter-repo --path secrets/ --invert-paths", "git.rewrite-history", Pause},
		{"git filter-repo --force --replace-text expr.txt", "git.rewrite-history", Pause},
		{"git-filter-repo --strip-blobs-bigger-than 10M", "git.rewrite-history", Pause},

		{"git reflog expire --expire=now --all", "git.expire-reflog", Pause},
		{"git reflog expire --expire-unreachable=now --all", "git.expire-reflog", Pause},
		{"git reflog delete HEAD@{1}", "git.expire-reflog", Pause},
		{"git -c gc.reflogExpire=now gc", "git.expire-reflog", Pause},
		{"git gc --prune=now", "git.prune-now", Pause},
		{"git gc --aggressive --prune=all", "git.prune-now", Pause},
		{"git -c gc.pruneExpire=now gc", "git.prune-now", Pause},
		{"git prune", "git.prune-now", Pause},
		{"git prune --expire=now", "git.prune-now", Pause},
		// Expiring the reflog first makes the prune final.
		{"git reflog expire --expire=now --all && git gc --prune=now --aggressive", "git.destroy-recovery", Pause},
		{"git reflog expire --expire=now --all; git prune", "git.destroy-recovery", Pause},
		{"git -c gc.reflogExpire=now -c gc.reflogExpireUnreachable=now gc --prune=now", "git.destroy-recovery", Pause},

		{"git update-ref -d refs/heads/feature", "git.delete-ref", Pause},
		{"git update-ref -d refs/heads/feature abc123", "git.delete-ref", Pause},
		{"git update-ref --stdin <<EOF\ndelete refs/heads/feature\nEOF", "git.delete-ref", Pause},

		{"git lfs prune", "git.lfs-prune", Warn},
		{"git-lfs prune", "git.lfs-prune", Warn},
	} {
		checkGitCase(t, c, Context{})
	}
}

// Code that git itself runs: aliases and command settings given with -c,
// settings written with git config, submodule foreach, rebase --exec and
// bisect run.
func TestGitRunsCode(t *testing.T) {
	for _, c := range []gitCase{
		{"git -c alias.nuke='reset --hard' nuke", "git.reset-hard", Pause},
		{"git -c alias.up='push --force' up origin main", "git.force-push", Pause},
		{"git -c alias.nuke='!git clean -fdx' nuke", "git.clean", Pause},
		{"git -c alias.a=b -c alias.b='reset --hard' a", "git.reset-hard", Pause},
		{"git -c alias.x='!f() { git reset --hard; }; f' x", "git.reset-hard", Pause},
		{"git -c core.pager='git reset --hard' log", "git.reset-hard", Pause},
		{"git -c core.sshCommand='sh -c \"git clean -fdx\"' fetch", "git.clean", Pause},
		{"git config alias.undo '!git reset --hard'", "git.reset-hard", Pause},
		{"git config --global set alias.wipe '!git clean -ffdx'", "git.clean", Pause},
		{"git submodule foreach --recursive 'git reset --hard'", "git.reset-hard", Pause},
		{"git submodule foreach git clean -fdx", "git.clean", Pause},
		{"git rebase -x 'git reset --hard' main", "git.reset-hard", Pause},
		{"git rebase --exec='git push -f origin feature' main", "git.force-push", Pause},
		{"git bisect run git clean -fdx", "git.clean", Pause},
		{"git submodule foreach \"$CMD\"", "opaque.dynamic-code", Pause},
	} {
		checkGitCase(t, c, Context{})
	}
}

func TestGitEverydayWorkIsAllowed(t *testing.T) {
	for _, cmd := range []string{
		"git", "git --version", "git -v", "git version", "git --help", "git help reset", "git reset --help", "git push -h",
		"git status", "git status --short --branch", "git log --oneline -20", "git log -p --follow main.go",
		"git diff", "git diff --stat HEAD~1", "git diff main...feature", "git show HEAD:main.go", "git show --stat",
		"git add .", "git add -A", "git add -p", "git commit -m 'Add feature'", "git commit -am wip",
		"git commit --amend --no-edit", "git commit -m \"remove rm -rf\"", "git commit -m 'git reset --hard docs'",
		"git commit -m \"fix: git push --force was wrong\"",
		"git push", "git push origin main", "git push -u origin feature/login", "git push origin HEAD",
		"git push --tags", "git push --follow-tags origin main", "git push origin v1.2.0", "git push -n -f origin main",
		"git push --dry-run --force origin main", "git push --no-force origin main", "git push --force --no-force origin main",
		"git push --force-if-includes origin main", "git push --forc origin main",
		"git pull", "git pull --rebase origin main", "git fetch --all", "git fetch --prune", "git fetch origin +main:main",
		"git merge feature-branch", "git merge --no-ff feature", "git merge --abort",
		"git rebase main", "git rebase -i HEAD~3", "git rebase --onto main old feature", "git rebase --continue",
		"git checkout main", "git checkout -", "git checkout v1.2", "git checkout -b feature/one",
		"git checkout -b new-feature origin/main", "git checkout --track origin/feature", "git checkout -B main origin/main",
		"git checkout -p", "git checkout --theirs -- file.txt", "git checkout --ours src/a.go",
		"git switch main", "git switch -", "git switch -c new", "git switch -C topic origin/topic",
		"git restore --staged file.txt", "git restore --staged .", "git restore -p .", "git restore -S src/",
		"git reset", "git reset HEAD file.txt", "git reset HEAD~1", "git reset --soft HEAD~1", "git reset --mixed HEAD~1",
		"git reset --keep HEAD~1", "git reset --merge", "git reset --hard --soft",
		"git stash", "git stash push -m 'wip' -- src/", "git stash -u", "git stash list", "git stash show -p stash@{1}",
		"git stash pop", "git stash apply stash@{0}", "git stash branch new-branch",
		"git branch", "git branch -a", "git branch -vv", "git branch feature-new", "git branch -d merged-branch",
		"git branch --delete merged", "git branch -m old new", "git branch -M main", "git branch --merged main",
		"git branch -u origin/main", "git branch -rd origin/old", "git branch -r -D origin/gone",
		"git tag v1.0.0", "git tag -a v1.0 -m 'release'", "git tag -d v0.9",
		"git remote -v", "git remote add upstream https://github.com/x/y.git", "git remote remove upstream",
		"git remote prune origin", "git clone https://github.com/x/y.git", "git clone --depth 1 git@github.com:x/y.git",
		"git blame -L 10,20 main.go", "git bisect start", "git bisect good v1.0", "git bisect run make test",
		"git cherry-pick abc123", "git revert HEAD", "git grep -n 'push --force'", "git grep \"reset --hard\"",
		"git log --grep='reset --hard'", "git reflog", "git reflog show main", "git reflog expire --expire=90.days.ago",
		"git gc", "git gc --aggressive", "git gc --prune=2.weeks.ago", "git prune -n", "git prune --expire=2.weeks.ago",
		"git -c gc.pruneExpire=now gc --no-prune",
		"git worktree add ../wt feature", "git worktree remove ../wt", "git worktree prune", "git worktree list",
		"git submodule update --init --recursive", "git submodule deinit sub", "git submodule foreach git pull",
		"git lfs pull", "git lfs prune --dry-run", "git lfs prune --verify-remote", "git-lfs pull",
		"git rm file.txt", "git rm -r --cached node_modules", "git rm --cached -r .", "git rm -rf --cached build", "git rm -n -rf .",
		"git mv a b", "git clean", "git clean -n", "git clean -d", "git clean --dry-run -fdx", "git clean -i", "git clean -fdn",
		"git config --global user.name 'x'", "git config --global core.editor vim", "git config --get alias.undo",
		"git config alias.st status", "git config --global alias.co checkout",
		"git -c user.name=x commit -m y", "git -c alias.st=status st", "git -c alias.nuke='!git reset --hard' status",
		"git -c alias.push='push --force' push origin main", "git -c core.sshCommand=\"ssh -i $KEY\" fetch",
		"git config core.sshCommand \"ssh -i $HOME/.ssh/deploy\"",
		"git --no-pager log", "git -P diff", "git -C ../other status", "git --git-dir=.git --work-tree=. status",
		"git update-ref refs/heads/feature HEAD", "git filter-repo --analyze", "git filter-repo --dry-run --path x",
		"git checkout-index -a", "git checkout-index --prefix=/tmp/export/ -a -f", "git apply patch.diff", "git am < mbox",
		"git archive HEAD -o out.tar", "git describe --tags", "git ls-files", "git rev-parse --abbrev-ref HEAD",
		"git shortlog -sn", "git notes add -m x", "git sparse-checkout set src", "git init", "git fsck --lost-found",
		"sudo git status", "env FOO=1 git status", "command git status", "\\git status", "command -v git",
		"echo \"git push --force origin main\"", "echo 'git clean -fdx' > notes.txt", "grep 'git reset --hard' file.txt",
		"cat <<EOF\ngit reset --hard\nEOF", "# git reset --hard", "man git-reset", "which git",
		"git -c alias.x=x x", "git -c alias.a=b -c alias.b=a a",
	} {
		r := Command(cmd, Context{})
		if r.Verdict != Allow {
			t.Errorf("%q: %v %+v, want allow", cmd, r.Verdict, r.Findings)
		}
	}
}

func TestGitSpans(t *testing.T) {
	for cmd, want := range map[string][]string{
		"git push origin main --force":            {"--force", "main"},
		"git push origin +main":                   {"+main"},
		"sudo git -C repo push -f origin feature": {"-f", "feature"},
		"git reset --hard HEAD~3":                 {"--hard", "HEAD~3"},
		"sh -c 'git clean -fdx'":                  {"-fdx"},
		"git branch -D wip":                       {"-D", "wip"},
		"git push origin :feature":                {":feature"},
		"git checkout -- .":                       {"."},
	} {
		r := Command(cmd, Context{})
		f := r.Top()
		if f == nil {
			t.Errorf("%q: no finding", cmd)
			continue
		}
		var got []string
		for _, s := range f.Spans {
			got = append(got, cmd[s.Start:s.End])
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: spans %q, want %q", cmd, got, want)
		}
	}
}

func TestGitTargets(t *testing.T) {
	for cmd, want := range map[string]string{
		"git push --force origin main":                                    "origin/main",
		"git push origin +HEAD:refs/heads/release":                        "origin/release",
		"git push --force-with-lease upstream feature":                    "upstream/feature",
		"git push -d origin v1.0":                                         "origin/v1.0",
		"git -C /srv/app reset --hard":                                    "/srv/app",
		"git -C /srv -C app clean -fdx":                                   "/srv/app",
		"git --git-dir=/srv/site/.git --work-tree=/srv/site reset --hard": "/srv/site",
		"git --git-dir=/srv/site/.git reset --hard":                       "/srv/site",
		"git branch -D old-ui":                                            "old-ui",
		"git clean -fd build/":                                            "build/",
	} {
		f := Command(cmd, Context{}).Top()
		if f == nil || f.Target != want {
			t.Errorf("%q: target %+v, want %q", cmd, f, want)
		}
	}
	// The working directory names the working tree.
	r := Command("git reset --hard", Context{Cwd: "/srv/production/app"})
	if f := r.Top(); f == nil || f.Target != "/srv/production/app" || f.Severity != Critical {
		t.Errorf("reset --hard in a production checkout: %+v", r.Top())
	}
	r = Command("git -C ../site clean -fdx", Context{Cwd: "/home/dev/app"})
	if f := r.Top(); f == nil || f.Target != "/home/dev/site" {
		t.Errorf("-C relative to the working directory: %+v", r.Top())
	}
	// A file named main.go is not the main branch.
	if r := Command("git checkout -- main.go", Context{}); r.Verdict != Warn {
		t.Errorf("discarding main.go: %v %+v", r.Verdict, r.Findings)
	}
}

func TestGitOddInputsDoNotPanic(t *testing.T) {
	for _, cmd := range []string{
		"git -c", "git -C", "git --git-dir", "git --work-tree=", "git -c alias.", "git -c =x", "git push -o",
		"git push --repo", "git push -f ''", "git push origin ''", "git push origin : ", "git push origin +", "git branch -D",
		"git stash drop --", "git reflog expire --expire", "git rebase -x", "git rebase --exec", "git config alias.x",
		"git config set", "git update-ref -d", "git update-ref --stdin", "git submodule foreach", "git submodule",
		"git worktree remove --force", "git filter-branch --", "git filter-branch --tree-filter", "git bisect run",
		"git clean -e", "git checkout -b", "git restore -s", "git -c alias.x='!' x", "git -c alias.x= x",
		"git $SUB --hard", "git \"$@\"", "git -C \"$(pwd)\" push -f", "git -c 'alias.x=!$CMD' x y",
	} {
		Command(cmd, Context{})
	}
}

// Random git command lines never panic and their spans stay inside the
// command.
func TestGitRandomCommandLines(t *testing.T) {
	words := []string{"git", "-C", "repo", "-c", "alias.x='push -f'", "alias.y='!git clean -fdx'", "core.pager=less", "x", "y",
		"push", "reset", "clean", "checkout", "restore", "switch", "branch", "stash", "drop", "clear", "filter-branch",
		"reflog", "expire", "gc", "prune", "update-ref", "rm", "worktree", "remove", "lfs", "submodule", "foreach",
		"deinit", "rebase", "bisect", "run", "config", "-f", "--force", "-d", "-D", "--hard", "-fdx", "--", ".", ":/",
		"origin", "main", "+main", ":main", "HEAD:main", "--force-with-lease", "--mirror", "--prune=now", "--expire=now",
		"--all", "-x", "--exec", "'git reset --hard'", "\"$V\"", "-s", "--staged", "-W", "file.go", "-", "--no-force", "=", "-o"}
	seed := uint32(1)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	for range 3000 {
		n := 1 + next(8)
		parts := []string{"git"}
		for range n {
			parts = append(parts, words[next(len(words))])
		}
		cmd := strings.Join(parts, " ")
		r := Command(cmd, Context{})
		for _, f := range r.Findings {
			for _, sp := range f.Spans {
				if sp.Start < 0 || sp.End > len(cmd) || sp.Start > sp.End {
					t.Fatalf("%q: span %v out of range", cmd, sp)
				}
			}
		}
	}
}

func BenchmarkGitCommands(b *testing.B) {
	cmds := []string{"git status", "git push --force-with-lease origin feature", "git -C repo reset --hard HEAD~1",
		"git checkout -b feature/x origin/main", "git commit -m 'update docs'"}
	for b.Loop() {
		for _, c := range cmds {
			Command(c, Context{})
		}
	}
}
