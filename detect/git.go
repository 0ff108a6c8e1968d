package detect

import (
	"path"
	"slices"
	"strings"
)

// The git analyser. git itself keeps almost everything recoverable for a
// while (the reflog, refs/original, unreachable objects until gc), so what
// it flags is what escapes that net: work that was never committed (reset
// --hard, clean, discarding checkouts), shared state on a remote (force
// pushes, remote deletes), and the net itself (stashes, reflog expiry,
// pruning, history rewrites). Everyday work, including plain pushes to
// main, stays allowed.

func init() {
	register(
		Rule{ID: "git.force-push", Category: "git", Severity: High, Verdict: Pause,
			Description: "Force-pushes (--force, -f, +refspec), replacing a remote branch's history: commits others pushed are lost unless someone still has them locally.",
			Examples:    []string{"git push --force origin main", "git push origin +feature", "git -C repo push -f origin HEAD:release", "git push origin main --force"}},
		Rule{ID: "git.force-with-lease", Category: "git", Severity: Medium, Verdict: Warn,
			Description: "Force-pushes with --force-with-lease: refused if the remote moved since the last fetch, but the commits it replaces still leave the branch. Pauses on protected branches.",
			Examples:    []string{"git push --force-with-lease origin feature", "git push --force-with-lease --force-if-includes"}},
		Rule{ID: "git.push-delete", Category: "git", Severity: High, Verdict: Pause,
			Description: "Deletes branches or tags on a remote (--delete, -d, :branch).",
			Examples:    []string{"git push origin --delete feature", "git push origin :feature", "git push -d origin v1.0"}},
		Rule{ID: "git.push-prune", Category: "git", Severity: High, Verdict: Pause,
			Description: "Pushes with --prune, deleting every remote branch that has no local counterpart.",
			Examples:    []string{"git push --prune origin 'refs/heads/*:refs/heads/*'"}},
		Rule{ID: "git.push-mirror", Category: "git", Severity: High, Verdict: Pause,
			Description: "Pushes with --mirror: remote branches and tags missing locally are deleted and diverged ones overwritten.",
			Examples:    []string{"git push --mirror backup"}},
		Rule{ID: "git.reset-hard", Category: "git", Severity: High, Verdict: Pause,
			Description: "git reset --hard discards every uncommitted change to tracked files; it was never committed, so git cannot bring it back.",
			Examples:    []string{"git reset --hard", "git reset --hard HEAD~3", "sh -c 'git reset --hard origin/main'"}},
		Rule{ID: "git.clean", Category: "git", Severity: High, Verdict: Pause,
			Description: "git clean -f deletes untracked (and with -x ignored) files; they were never committed, so nothing can restore them.",
			Examples:    []string{"git clean -fd", "git clean -ffdx", "git clean --force -x build/"}},
		Rule{ID: "git.discard-changes", Category: "git", Severity: High, Verdict: Pause,
			Description: "Throws away uncommitted changes across the working tree (checkout -f, checkout -- ., restore ., switch --discard-changes).",
			Examples:    []string{"git checkout -- .", "git checkout -f main", "git restore .", "git restore --staged --worktree .", "git switch --discard-changes main"}},
		Rule{ID: "git.discard-file-changes", Category: "git", Severity: Medium, Verdict: Warn,
			Description: "Throws away uncommitted changes to specific files (checkout -- file, restore file, restore -s rev file).",
			Examples:    []string{"git checkout -- src/app.go", "git restore src/app.go", "git restore -s HEAD~2 config.yml"}},
		Rule{ID: "git.branch-force-delete", Category: "git", Severity: Medium, Verdict: Pause,
			Description: "Force-deletes a local branch (-D) even if it is not merged, together with its reflog: commits only it held become unreachable.",
			Examples:    []string{"git branch -D feature-branch", "git branch --delete --force wip"}},
		Rule{ID: "git.stash-drop", Category: "git", Severity: Medium, Verdict: Pause,
			Description: "Drops a stash: its saved changes are no longer listed anywhere and can only be dug out with git fsck until gc prunes them.",
			Examples:    []string{"git stash drop", "git stash drop stash@{2}"}},
		Rule{ID: "git.stash-clear", Category: "git", Severity: High, Verdict: Pause,
			Description: "Deletes every stash at once; the saved changes can only be dug out with git fsck until gc prunes them.",
			Examples:    []string{"git stash clear"}},
		Rule{ID: "git.rewrite-history", Category: "git", Severity: High, Verdict: Pause,
			Description: "Rewrites the history of whole branches (filter-branch, filter-repo); filter-repo also expires the reflog and prunes the old objects.",
			Examples:    []string{"git filter-branch --index-filter 'git rm --cached --ignore-unmatch secrets.env' -- --all", "git filter-repo --path secrets/ --invert-paths"}},
		Rule{ID: "git.expire-reflog", Category: "git", Severity: Medium, Verdict: Pause,
			Description: "Expires or deletes reflog entries now: the record that lets reset, rebase and branch deletions be undone.",
			Examples:    []string{"git reflog expire --expire=now --all", "git reflog delete HEAD@{1}"}},
		Rule{ID: "git.prune-now", Category: "git", Severity: Medium, Verdict: Pause,
			Description: "Prunes unreachable objects immediately (gc --prune=now, prune), so dropped stashes and deleted branches can no longer be recovered with fsck.",
			Examples:    []string{"git gc --prune=now", "git prune"}},
		Rule{ID: "git.destroy-recovery", Category: "git", Severity: High, Verdict: Pause,
			Description: "Expires the reflog and then prunes unreachable objects in the same command: everything not on a branch or tag is gone for good.",
			Examples:    []string{"git reflog expire --expire=now --all && git gc --prune=now --aggressive"}},
		Rule{ID: "git.delete-ref", Category: "git", Severity: Medium, Verdict: Pause,
			Description: "Deletes a ref directly with update-ref -d, without the checks git branch -d makes, together with its reflog.",
			Examples:    []string{"git update-ref -d refs/heads/feature"}},
		Rule{ID: "git.rm-tree", Category: "git", Severity: High, Verdict: Pause,
			Description: "git rm -rf of the whole tree (., *, :/): deletes every file, uncommitted changes included.",
			Examples:    []string{"git rm -rf ."}},
		Rule{ID: "git.rm-force", Category: "git", Severity: Medium, Verdict: Warn,
			Description: "git rm -f deletes files from the working tree even when they have uncommitted changes; the committed version stays in git.",
			Examples:    []string{"git rm -rf build/", "git rm -f notes.txt"}},
		Rule{ID: "git.worktree-remove-force", Category: "git", Severity: Medium, Verdict: Pause,
			Description: "Removes a linked worktree even though it has uncommitted or untracked changes.",
			Examples:    []string{"git worktree remove --force ../wt-feature"}},
		Rule{ID: "git.lfs-prune", Category: "git", Severity: Low, Verdict: Warn,
			Description: "Deletes local copies of old Git LFS objects; they must be fetched again from the LFS server.",
			Examples:    []string{"git lfs prune"}},
		Rule{ID: "git.submodule-deinit-force", Category: "git", Severity: Medium, Verdict: Warn,
			Description: "Deinitialises submodules with --force, removing their working trees even with local changes.",
			Examples:    []string{"git submodule deinit -f --all"}},
	)
	handle(analyseGit, "git")
	for _, sub := range []string{"push", "reset", "clean", "checkout", "restore", "switch", "checkout-index", "branch", "stash",
		"filter-branch", "filter-repo", "reflog", "gc", "prune", "update-ref", "rm", "worktree", "lfs", "submodule", "rebase",
		"bisect", "config"} {
		// The dashed programs in git's exec path (/usr/lib/git-core/git-reset)
		// and git-lfs, git-filter-repo installed on their own.
		handle(analyseGitDashed, "git-"+sub)
	}
}

// gitMaxAliasDepth bounds the expansion of aliases defined with -c.
const gitMaxAliasDepth = 4

// gitRun is one git invocation after its global options.
type gitRun struct {
	inv  *Invocation
	repo string // the working tree, as a target ("" when not known)
	cfg  []gitSetting
}

// gitSetting is a -c name=value given on the command line.
type gitSetting struct {
	key string // lower-cased
	val Arg    // the value, mapped into the command
	arg Arg    // the whole -c argument
}

func (g *gitRun) setting(key string) (gitSetting, bool) {
	for i := len(g.cfg) - 1; i >= 0; i-- {
		if g.cfg[i].key == key {
			return g.cfg[i], true
		}
	}
	return gitSetting{}, false
}

// where names the repository for reasons: " in /srv/app" or "".
func (g *gitRun) where() string {
	if g.repo == "" {
		return ""
	}
	return " in " + g.repo
}

func analyseGit(inv *Invocation) { gitMain(inv, inv.Args, 0, nil) }

func analyseGitDashed(inv *Invocation) {
	sub := strings.TrimPrefix(inv.Name, "git-")
	g := &gitRun{inv: inv, repo: inv.w.cwd}
	s := *inv
	s.Name = sub
	gitDispatch(g, &s)
}

// gitMain parses git's global options (git [-C dir] [-c k=v] [--git-dir
// d] ... <command> [args]) and analyses the command. parent is the git
// run whose alias args come from, if any.
func gitMain(inv *Invocation, args []Arg, depth int, parent *gitRun) {
	g := &gitRun{inv: inv}
	cwd := inv.w.cwd
	if parent != nil {
		g.cfg = append(g.cfg, parent.cfg...)
		cwd = parent.repo
	}
	settings := len(g.cfg)
	var dir, workTree, gitDir string
	i := 0
	for ; i < len(args); i++ {
		v := args[i].Value
		if len(v) < 2 || v[0] != '-' || !args[i].Known() {
			break
		}
		name, val, hasVal := strings.Cut(v, "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(args) {
				i++
				return gitShown(args[i])
			}
			return ""
		}
		switch name {
		case "-C":
			if d := next(); d != "" {
				dir = gitJoinPath(dir, d)
			}
		case "-c":
			if i+1 < len(args) {
				i++
				g.addSetting(args[i])
			}
		case "--git-dir":
			gitDir = next()
		case "--work-tree":
			workTree = next()
		case "--namespace", "--super-prefix", "--attr-source", "--list-cmds":
			next()
			if name == "--list-cmds" {
				return
			}
		case "-v", "--version", "-h", "--help", "--html-path", "--man-path", "--info-path":
			return // prints something and exits (git --help x shows help)
		case "--exec-path":
			if !hasVal {
				return // prints the path
			}
		}
	}
	g.repo = gitWorkTree(cwd, dir, workTree, gitDir)
	for _, c := range g.cfg[settings:] {
		if !strings.HasPrefix(c.key, "alias.") { // aliases are analysed when used
			g.commandSetting(c.key, c.val)
		}
	}
	if i >= len(args) || !args[i].Known() {
		return
	}
	sub := args[i]
	rest := args[i+1:]
	if !gitBuiltins[sub.Value] && depth < gitMaxAliasDepth {
		if a, ok := g.setting("alias." + strings.ToLower(sub.Value)); ok {
			g.expandAlias(a, rest, depth)
			return
		}
	}
	s := *inv
	s.Name, s.NameSpan, s.Args = sub.Value, sub.Span, rest
	gitDispatch(g, &s)
}

// gitWorkTree works out the working tree the command acts on, for targets.
func gitWorkTree(cwd, dir, workTree, gitDir string) string {
	base := cwd
	if dir != "" {
		base = gitJoinPath(cwd, dir)
	}
	switch {
	case workTree != "":
		return gitJoinPath(base, workTree)
	case gitDir != "":
		d := gitJoinPath(base, gitDir)
		if p := strings.TrimSuffix(d, "/.git"); p != d {
			return p
		}
		if d == ".git" {
			return base
		}
		return d
	}
	return base
}

func gitJoinPath(base, p string) string {
	if base == "" || path.IsAbs(p) || strings.HasPrefix(p, "~") {
		return p
	}
	return path.Join(base, p)
}

func (g *gitRun) addSetting(a Arg) {
	k, _, hasVal := strings.Cut(a.Value, "=")
	s := gitSetting{key: strings.ToLower(k), arg: a}
	if hasVal {
		s.val = gitTailArg(a, len(k)+1)
	} else {
		s.val = Arg{Value: "true", Raw: "true", Span: a.Span}
	}
	g.cfg = append(g.cfg, s)
}

// tailArg is the part of a's value from byte off, mapped into the command
// as well as can be.
func gitTailArg(a Arg, off int) Arg {
	b := a
	b.Value = a.Value[off:]
	if o := originOf(a); o.exact {
		b.Raw = b.Value
		b.Span = Span{o.base + off, o.base + len(a.Value)}
	}
	return b
}

// gitCommandKeys are configuration keys whose value git runs as a shell
// command (or, for aliases and credential helpers, when it starts with !).
var gitCommandKeys = map[string]bool{
	"core.pager": true, "core.editor": true, "core.sshcommand": true, "core.askpass": true, "core.fsmonitor": true,
	"sequence.editor": true, "diff.external": true, "gpg.program": true, "interactive.difffilter": true,
	"uploadpack.packobjectshook": true,
}

// commandSetting analyses the value of a setting git would run as shell
// code: git -c core.pager='rm -rf ~' log.
func (g *gitRun) commandSetting(key string, val Arg) {
	if !gitIsCommandKey(key, val.Value) {
		return
	}
	if strings.HasPrefix(val.Value, "!") {
		val = gitTailArg(val, 1)
	}
	if val.Known() {
		g.inv.w.analyzeString(val.Value, originOf(val))
		return
	}
	// core.sshCommand="ssh -i $KEY" is everyday work: look at what is
	// known without calling the rest opaque.
	g.inv.w.analyzeString(strings.ReplaceAll(val.Value, unknown, " "), origin{whole: val.Span})
}

func gitIsCommandKey(key, val string) bool {
	if gitCommandKeys[key] {
		return true
	}
	section, rest, _ := strings.Cut(key, ".")
	dot := strings.LastIndexByte(rest, '.')
	leaf := rest[dot+1:]
	switch section {
	case "alias":
		return strings.HasPrefix(val, "!")
	case "credential":
		return leaf == "helper" && strings.HasPrefix(val, "!")
	case "pager":
		return true
	case "gpg":
		return leaf == "program"
	case "diff":
		return dot >= 0 && (leaf == "textconv" || leaf == "command")
	case "filter":
		return dot >= 0 && (leaf == "clean" || leaf == "smudge" || leaf == "process")
	case "merge":
		return dot >= 0 && leaf == "driver"
	case "difftool", "mergetool":
		return dot >= 0 && leaf == "cmd"
	}
	return false
}

// expandAlias follows git -c alias.x='reset --hard' x: the alias's words
// replace its name (a ! alias is shell code, already analysed as a
// setting, with the arguments appended).
func (g *gitRun) expandAlias(a gitSetting, rest []Arg, depth int) {
	if strings.HasPrefix(a.val.Value, "!") {
		if len(rest) == 0 {
			g.inv.w.shellString(g.inv, gitTailArg(a.val, 1))
			return
		}
		code := a.val.Value[1:]
		for _, r := range rest {
			code += " " + shellQuote(r.Value)
		}
		g.inv.w.shellString(g.inv, Arg{Value: code, Span: Span{a.arg.Span.Start, rest[len(rest)-1].Span.End}})
		return
	}
	var args []Arg
	for _, t := range tokenize(a.val.Value) {
		args = append(args, Arg{Value: t.value, Raw: t.raw, Span: a.arg.Span})
	}
	gitMain(g.inv, append(args, rest...), depth+1, g)
}

// gitBuiltins are commands an alias cannot override.
var gitBuiltins = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`add am annotate apply archive bisect blame branch bundle cat-file check-ignore
		checkout checkout-index cherry cherry-pick clean clone commit config count-objects describe diff difftool
		fetch filter-branch format-patch fsck gc grep help init log ls-files ls-remote ls-tree merge mergetool mv
		notes prune pull push range-diff rebase reflog remote repack replace reset restore revert rev-list
		rev-parse rm shortlog show show-ref sparse-checkout stash status submodule switch tag update-index
		update-ref version worktree`) {
		gitBuiltins[c] = true
	}
}

// gitDispatch analyses one git command; s.Name is the command, s.Args
// its arguments.
func gitDispatch(g *gitRun, s *Invocation) {
	for _, a := range s.Args {
		if a.Value == "--" {
			break
		}
		if a.Value == "--help" || a.Value == "-h" && len(s.Args) == 1 {
			return // shows the manual or the usage
		}
	}
	switch s.Name {
	case "push":
		gitPush(g, s)
	case "reset":
		gitReset(g, s)
	case "clean":
		gitClean(g, s)
	case "checkout":
		gitCheckout(g, s)
	case "restore":
		gitRestore(g, s)
	case "switch":
		p := gitSwitchSpec.parse(s.Args)
		if o, ok := p.last("discard-changes", "force"); ok {
			g.discardAll(s, "switches branch with "+s.Args[o.idx].Value, s.Args[o.idx].Span)
		}
	case "checkout-index":
		gitCheckoutIndex(g, s)
	case "branch":
		gitBranch(g, s)
	case "stash":
		gitStash(g, s)
	case "filter-branch":
		gitFilterBranch(g, s)
	case "filter-repo":
		gitFilterRepo(g, s)
	case "reflog":
		gitReflog(g, s)
	case "gc":
		gitGC(g, s)
	case "prune":
		p := gitPruneSpec.parse(s.Args)
		o, ok := p.last("expire")
		if !p.has("dry-run") && (!ok || gitImmediate(o.val)) {
			g.pruneNow(s, "deletes every unreachable loose object"+g.where()+" immediately", s.NameSpan)
		}
	case "update-ref":
		gitUpdateRef(g, s)
	case "rm":
		p := gitRmSpec.parse(s.Args)
		if o, ok := p.last("force"); ok && !p.has("cached") && !p.has("dry-run") {
			paths := gitShownList(s, p.pos)
			broad := false
			for _, i := range p.pos {
				broad = broad || gitBroadPath(s.Args[i])
			}
			if broad {
				s.Flag("git.rm-tree", g.repo, "deletes every file"+g.where()+" from the working tree, uncommitted changes included (-f); edits that were never committed are lost",
					append([]Span{s.Args[o.idx].Span}, s.SpanOf(p.pos...)...)...)
				break
			}
			s.Flag("git.rm-force", g.repo, "deletes "+gitOrDefault(paths, "the given files")+g.where()+" from the working tree even with uncommitted changes (-f); those changes are lost, only the committed version stays in git",
				append([]Span{s.Args[o.idx].Span}, s.SpanOf(p.pos...)...)...)
		}
	case "worktree":
		if len(s.Args) > 0 && s.Args[0].Value == "remove" {
			sub := *s
			sub.Args = s.Args[1:]
			p := gitWorktreeSpec.parse(sub.Args)
			if o, ok := p.last("force"); ok && len(p.pos) > 0 {
				wt := gitShown(sub.Args[p.pos[0]])
				s.Flag("git.worktree-remove-force", gitJoinPath(g.repo, wt), "deletes the worktree "+wt+" even though it has uncommitted or untracked changes (--force); they are lost",
					sub.Args[o.idx].Span, sub.Args[p.pos[0]].Span)
			}
		}
	case "lfs":
		if len(s.Args) > 0 && s.Args[0].Value == "prune" && !s.HasFlag("-d", "--dry-run", "-c", "--verify-remote") {
			s.Flag("git.lfs-prune", g.repo, "deletes the local copies of old Git LFS files"+g.where()+"; checking out old commits then needs the LFS server", s.Args[0].Span)
		}
	case "submodule":
		gitSubmodule(g, s)
	case "rebase":
		gitRebase(g, s)
	case "bisect":
		if len(s.Args) > 1 && s.Args[0].Value == "run" {
			next := *s
			next.Args = s.Args[1:]
			next.Stdin = nil
			s.w.run(&next)
		}
	case "config":
		gitConfigSet(g, s)
	}
}

// Option parsing, as git's parse-options does it: combined short flags
// (-fdx), values attached or separate (-o x, -ox, --opt=x, --opt x),
// unambiguous abbreviations of long options (--forc), --no-opt negation,
// options after operands, and -- ending options.

type gitSpec struct {
	short map[byte]string
	long  []string
	value map[string]bool
}

// newGitSpec builds a spec from "f:force o:push-option=" (short letter to
// name; = marks a value) and "force all repo=" (long names).
func newGitSpec(short, long string) *gitSpec {
	s := &gitSpec{short: map[byte]string{}, value: map[string]bool{}}
	for _, f := range strings.Fields(long) {
		if strings.HasSuffix(f, "=") {
			f = f[:len(f)-1]
			s.value[f] = true
		}
		s.long = append(s.long, f)
	}
	for _, f := range strings.Fields(short) {
		name := f[2:]
		if strings.HasSuffix(name, "=") {
			name = name[:len(name)-1]
			s.value[name] = true
		}
		s.short[f[0]] = name
	}
	return s
}

// resolve finds the long option name abbreviates, or "".
func (s *gitSpec) resolve(name string) string {
	found := ""
	for _, l := range s.long {
		if l == name {
			return l
		}
		if strings.HasPrefix(l, name) {
			if found != "" {
				return "" // ambiguous: git refuses
			}
			found = l
		}
	}
	return found
}

type gitOpt struct {
	name   string
	idx    int // the argument carrying the option
	val    string
	hasVal bool
}

type gitParsed struct {
	opts []gitOpt
	pos  []int    // indexes of operands
	dd   int      // operands before "--", or -1 when there is none
	neg  []string // options negated with --no-
}

func (s *gitSpec) parse(args []Arg) gitParsed {
	p := gitParsed{dd: -1}
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case p.dd >= 0:
			p.pos = append(p.pos, i)
		case v == "--" || v == "--end-of-options":
			p.dd = len(p.pos)
		case strings.HasPrefix(v, "--"):
			name, val, hasVal := strings.Cut(v[2:], "=")
			full := s.resolve(name)
			if full == "" && strings.HasPrefix(name, "no-") {
				if f := s.resolve(name[3:]); f != "" {
					p.drop(f)
					p.neg = append(p.neg, f)
					continue
				}
			}
			if full == "" {
				full = name
			}
			o := gitOpt{name: full, idx: i, val: val, hasVal: hasVal}
			if !hasVal && s.value[full] && i+1 < len(args) {
				i++
				o.val, o.hasVal = args[i].Value, true
			}
			p.opts = append(p.opts, o)
		case len(v) > 1 && v[0] == '-':
			for j := 1; j < len(v); j++ {
				name, ok := s.short[v[j]]
				if !ok {
					continue
				}
				o := gitOpt{name: name, idx: i}
				if s.value[name] {
					if j+1 < len(v) {
						o.val, o.hasVal = v[j+1:], true
					} else if i+1 < len(args) {
						i++
						o.val, o.hasVal = args[i].Value, true
					}
					p.opts = append(p.opts, o)
					break
				}
				p.opts = append(p.opts, o)
			}
		default:
			p.pos = append(p.pos, i)
		}
	}
	return p
}

func (p *gitParsed) drop(name string) {
	out := p.opts[:0]
	for _, o := range p.opts {
		if o.name != name {
			out = append(out, o)
		}
	}
	p.opts = out
}

// last is the last of the named options given.
func (p *gitParsed) last(names ...string) (gitOpt, bool) {
	for i := len(p.opts) - 1; i >= 0; i-- {
		for _, n := range names {
			if p.opts[i].name == n {
				return p.opts[i], true
			}
		}
	}
	return gitOpt{}, false
}

func (p *gitParsed) has(names ...string) bool {
	_, ok := p.last(names...)
	return ok
}

func (p *gitParsed) count(name string) int {
	n := 0
	for _, o := range p.opts {
		if o.name == name {
			n++
		}
	}
	return n
}

var (
	gitPushSpec = newGitSpec("f:force d:delete n:dry-run u:set-upstream o:push-option= q:quiet v:verbose 4:ipv4 6:ipv6",
		"all branches mirror delete tags follow-tags dry-run porcelain force force-with-lease force-if-includes prune set-upstream thin verify atomic progress quiet verbose repo= receive-pack= exec= push-option= signed recurse-submodules ipv4 ipv6")
	gitResetSpec = newGitSpec("q:quiet p:patch N:intent-to-add",
		"hard soft mixed keep merge quiet patch intent-to-add recurse-submodules pathspec-from-file= pathspec-file-nul refresh")
	gitCleanSpec = newGitSpec("f:force d:dirs x:ignored X:only-ignored n:dry-run q:quiet i:interactive e:exclude=",
		"force dry-run quiet interactive exclude=")
	gitCheckoutSpec = newGitSpec("b:b= B:B= f:force q:quiet m:merge p:patch t:track l:l",
		"force quiet merge patch track detach orphan= ours theirs conflict overlay ignore-skip-worktree-bits ignore-other-worktrees recurse-submodules progress guess pathspec-from-file= pathspec-file-nul")
	gitRestoreSpec = newGitSpec("s:source= p:patch W:worktree S:staged q:quiet m:merge",
		"source= patch worktree staged quiet progress merge conflict ours theirs ignore-unmerged ignore-skip-worktree-bits recurse-submodules overlay pathspec-from-file= pathspec-file-nul")
	gitSwitchSpec = newGitSpec("c:create= C:force-create= d:detach f:force q:quiet m:merge t:track",
		"create= force-create= detach discard-changes force guess quiet merge conflict orphan= track progress recurse-submodules ignore-other-worktrees")
	gitCheckoutIndexSpec = newGitSpec("a:all f:force u:index q:quiet n:no-create z:z",
		"all force index quiet no-create prefix= stage temp stdin ignore-skip-worktree-bits")
	gitBranchSpec = newGitSpec("d:delete D:D f:force r:remotes a:all m:move M:M c:copy C:C l:list u:set-upstream-to= t:track v:verbose q:quiet i:ignore-case",
		"delete force remotes all move copy list set-upstream-to= unset-upstream track verbose quiet contains= no-contains= merged= no-merged= points-at= sort= format= color column ignore-case create-reflog show-current edit-description abbrev omit-empty recurse-submodules")
	gitGcSpec       = newGitSpec("q:quiet", "prune aggressive auto quiet force keep-largest-pack cruft max-cruft-size= detach")
	gitPruneSpec    = newGitSpec("n:dry-run v:verbose", "dry-run verbose progress expire=")
	gitRmSpec       = newGitSpec("f:force r:r n:dry-run q:quiet", "force cached dry-run quiet ignore-unmatch sparse pathspec-from-file= pathspec-file-nul")
	gitWorktreeSpec = newGitSpec("f:force", "force")
)

func gitPush(g *gitRun, s *Invocation) {
	p := gitPushSpec.parse(s.Args)
	if p.has("dry-run") {
		return
	}
	remote := ""
	var refs []int
	if len(p.pos) > 0 {
		remote, refs = gitShown(s.Args[p.pos[0]]), p.pos[1:]
	} else if o, ok := p.last("repo"); ok {
		remote = o.val
	}
	onRemote := " to " + remote
	if remote == "" {
		onRemote = " to its upstream remote"
	}
	tgt := func(ref string) string {
		if remote == "" {
			return ref
		}
		return remote + "/" + ref
	}
	if o, ok := p.last("mirror"); ok {
		s.Flag("git.push-mirror", remote, "mirrors the local repository onto "+gitOrDefault(remote, "its remote")+": every remote branch and tag missing locally is deleted and every diverged one overwritten",
			s.Args[o.idx].Span)
		return
	}
	if o, ok := p.last("prune"); ok {
		s.Flag("git.push-prune", remote, "deletes from "+gitOrDefault(remote, "the remote")+" every branch that has no local counterpart (--prune), including branches others pushed that were never fetched here",
			s.Args[o.idx].Span)
	}
	force, forced := p.last("force")
	// --force-if-includes only refines --force-with-lease; alone it is a
	// plain push.
	lease, leased := p.last("force-with-lease")
	if o, ok := p.last("delete"); ok {
		for _, i := range refs {
			ref, kind := gitRefName(gitShown(s.Args[i]))
			s.Flag("git.push-delete", tgt(ref), "deletes "+strings.TrimSpace(kind+" "+ref)+" on "+gitOrDefault(remote, "the remote")+" for everyone; commits only it held survive only in clones that fetched them",
				s.Args[o.idx].Span, s.Args[i].Span)
		}
		return
	}
	for _, i := range refs {
		v := gitShown(s.Args[i])
		plus := strings.HasPrefix(v, "+")
		src, dst, colon := strings.Cut(strings.TrimPrefix(v, "+"), ":")
		if !colon {
			dst = src
		}
		ref, kind := gitRefName(dst)
		switch {
		case colon && src == "":
			s.Flag("git.push-delete", tgt(ref), "deletes "+strings.TrimSpace(kind+" "+ref)+" on "+gitOrDefault(remote, "the remote")+" for everyone (the empty source in "+v+"); commits only it held survive only in clones that fetched them",
				s.Args[i].Span)
		case plus || forced:
			spans := []Span{s.Args[i].Span}
			if !plus {
				spans = append([]Span{s.Args[force.idx].Span}, spans...)
			}
			s.Flag("git.force-push", tgt(ref), "force-pushes "+gitPushWhat(src, ref)+onRemote+", replacing the remote "+gitKindOr(kind, "branch")+"'s history; commits others pushed there are lost unless someone still has them locally", spans...)
		case leased:
			s.Flag("git.force-with-lease", tgt(ref), "force-pushes "+gitPushWhat(src, ref)+onRemote+" with a lease: refused if the remote moved since the last fetch, but the commits it replaces leave the "+gitKindOr(kind, "branch"),
				s.Args[lease.idx].Span, s.Args[i].Span)
		}
	}
	if len(refs) > 0 && !(forced && p.has("tags")) {
		return
	}
	what := "the current branch"
	switch {
	case p.has("all", "branches"):
		what = "every local branch"
	case p.has("tags"):
		what = "every tag"
	}
	switch {
	case forced:
		s.Flag("git.force-push", remote, "force-pushes "+what+onRemote+", replacing the remote history; commits others pushed there are lost unless someone still has them locally",
			s.Args[force.idx].Span)
	case leased:
		s.Flag("git.force-with-lease", remote, "force-pushes "+what+onRemote+" with a lease: refused if the remote moved since the last fetch, but the commits it replaces leave the branch",
			s.Args[lease.idx].Span)
	}
}

// refName shortens refs/heads/x and refs/tags/x and says which it is
// ("" when the name alone does not tell).
func gitRefName(ref string) (name, kind string) {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		return ref[len("refs/heads/"):], "branch"
	case strings.HasPrefix(ref, "refs/tags/"):
		return ref[len("refs/tags/"):], "tag"
	}
	return ref, ""
}

func gitKindOr(kind, d string) string {
	if kind == "" {
		return d
	}
	return kind
}

func gitPushWhat(src, dst string) string {
	switch {
	case src == "HEAD" || src == "@":
		if dst == src {
			return "the current branch"
		}
		return "the current branch onto " + dst
	case src != dst && src != "":
		return src + " onto " + dst
	}
	return dst
}

func gitReset(g *gitRun, s *Invocation) {
	p := gitResetSpec.parse(s.Args)
	mode, ok := p.last("hard", "soft", "mixed", "keep", "merge")
	if !ok || mode.name != "hard" {
		return
	}
	spans := []Span{s.Args[mode.idx].Span}
	moves := ""
	if len(p.pos) > 0 {
		c := s.Args[p.pos[0]]
		spans = append(spans, c.Span)
		if v := gitShown(c); v != "HEAD" && v != "@" {
			moves = " and moves the current branch to " + v
		}
	}
	s.Flag("git.reset-hard", g.repo, "discards every uncommitted change to tracked files"+g.where()+moves+"; uncommitted work was never in git and cannot be recovered", spans...)
}

func gitClean(g *gitRun, s *Invocation) {
	p := gitCleanSpec.parse(s.Args)
	if p.has("dry-run", "interactive") {
		return
	}
	f, forced := p.last("force")
	if !forced {
		// Without -f git refuses, unless clean.requireForce is off.
		c, ok := g.setting("clean.requireforce")
		if !ok || !gitIsFalse(c.val.Value) {
			return
		}
		f.idx = -1
	}
	what := "every untracked file"
	if p.has("dirs") {
		what = "every untracked file and directory"
	}
	switch {
	case p.has("only-ignored"):
		what = "every ignored file (.env files, build output, dependencies)"
	case p.has("ignored"):
		what += " including ignored ones (.env files, build output, dependencies)"
	}
	if p.count("force") > 1 {
		what += " and nested git repositories"
	}
	under := g.where()
	if len(p.pos) > 0 {
		under = " under " + gitShownList(s, p.pos) + g.where()
	}
	spans := s.SpanOf(p.pos...)
	if f.idx >= 0 {
		spans = append([]Span{s.Args[f.idx].Span}, spans...)
	} else {
		spans = append(spans, s.NameSpan)
	}
	tgt := g.repo
	if len(p.pos) == 1 {
		tgt = gitJoinPath(g.repo, gitShown(s.Args[p.pos[0]]))
	}
	s.Flag("git.clean", tgt, "deletes "+what+under+"; they were never committed, so git cannot bring them back", spans...)
}

// broadPath reports whether a pathspec covers the whole tree (., :/, *).
func gitBroadPath(a Arg) bool {
	v := a.Value
	switch {
	case strings.HasPrefix(v, ":/"):
		v = v[2:]
	case strings.HasPrefix(v, ":("):
		if i := strings.IndexByte(v, ')'); i > 0 {
			v = v[i+1:]
		}
	}
	return strings.Trim(v, "./*") == ""
}

// discardPaths reports overwriting paths in the working tree: the whole
// tree pauses, named files warn. lenient is for conflict resolution
// (--ours, --theirs, --merge), where named files are everyday work.
func (g *gitRun) discardPaths(s *Invocation, idx []int, from string, lenient bool, extra ...Span) {
	broad := false
	for _, i := range idx {
		// A whole directory (src/) is a broad discard too: everything
		// uncommitted under it goes.
		broad = broad || gitBroadPath(s.Args[i]) || strings.HasSuffix(s.Args[i].Value, "/")
	}
	spans := append(extra, s.SpanOf(idx...)...)
	paths := gitShownList(s, idx)
	switch {
	case broad && !lenient:
		s.Flag("git.discard-changes", g.repo, "overwrites every file under "+paths+g.where()+" from "+from+", discarding every uncommitted change there; edits that were never committed cannot be recovered", spans...)
	case broad || !lenient:
		s.Flag("git.discard-file-changes", g.repo, "overwrites "+paths+g.where()+" from "+from+", discarding uncommitted edits to it; they cannot be recovered", spans...)
	}
}

func (g *gitRun) discardAll(s *Invocation, how string, spans ...Span) {
	s.Flag("git.discard-changes", g.repo, how+", discarding every uncommitted change"+g.where()+"; edits that were never committed cannot be recovered", spans...)
}

func gitCheckout(g *gitRun, s *Invocation) {
	p := gitCheckoutSpec.parse(s.Args)
	if p.has("patch") {
		return
	}
	lenient := p.has("ours", "theirs", "merge")
	newBranch := p.has("b", "B", "orphan")
	var paths []int
	from := "the index"
	switch {
	case p.dd >= 0:
		paths = p.pos[p.dd:]
		if p.dd > 0 {
			from = gitShown(s.Args[p.pos[0]])
		}
	case newBranch || len(p.pos) == 0:
	case gitBroadPath(s.Args[p.pos[0]]):
		paths = p.pos
	case len(p.pos) > 1:
		// git checkout <tree-ish> <paths>
		paths = p.pos[1:]
		from = gitShown(s.Args[p.pos[0]])
	}
	if o, ok := p.last("pathspec-from-file"); ok && len(paths) == 0 {
		s.Flag("git.discard-file-changes", g.repo, "overwrites the files listed in "+o.val+g.where()+" from "+from+", discarding uncommitted edits to them", s.Args[o.idx].Span)
		return
	}
	if len(paths) > 0 {
		g.discardPaths(s, paths, from, lenient)
		return
	}
	if o, ok := p.last("force"); ok {
		g.discardAll(s, "checks out with "+s.Args[o.idx].Value, s.Args[o.idx].Span)
	}
}

func gitRestore(g *gitRun, s *Invocation) {
	p := gitRestoreSpec.parse(s.Args)
	if p.has("patch") || p.has("staged") && !p.has("worktree") {
		return // interactive, or only unstages
	}
	from := "the index"
	var extra []Span
	if o, ok := p.last("source"); ok {
		from = o.val
		extra = append(extra, s.Args[o.idx].Span)
	} else if p.has("staged") {
		from = "HEAD"
	}
	if o, ok := p.last("pathspec-from-file"); ok && len(p.pos) == 0 {
		s.Flag("git.discard-file-changes", g.repo, "overwrites the files listed in "+o.val+g.where()+" from "+from+", discarding uncommitted edits to them", s.Args[o.idx].Span)
		return
	}
	if len(p.pos) > 0 {
		g.discardPaths(s, p.pos, from, p.has("ours", "theirs", "merge"), extra...)
	}
}

func gitCheckoutIndex(g *gitRun, s *Invocation) {
	p := gitCheckoutIndexSpec.parse(s.Args)
	f, ok := p.last("force")
	if !ok || p.has("temp", "prefix") {
		return
	}
	if p.has("all") {
		g.discardAll(s, "overwrites every file from the index (checkout-index -a -f)", s.Args[f.idx].Span)
		return
	}
	if len(p.pos) > 0 {
		g.discardPaths(s, p.pos, "the index", false, s.Args[f.idx].Span)
	}
}

func gitBranch(g *gitRun, s *Invocation) {
	p := gitBranchSpec.parse(s.Args)
	if p.has("remotes") {
		return // deletes remote-tracking refs only; a fetch brings them back
	}
	o, ok := p.last("D")
	if !ok {
		d, del := p.last("delete")
		_, force := p.last("force")
		if !del || !force {
			return
		}
		o = d
	}
	for _, i := range p.pos {
		b := gitShown(s.Args[i])
		s.Flag("git.branch-force-delete", b, "force-deletes the local branch "+b+g.where()+" even if it is not merged, with its reflog; commits only it held are lost unless they were pushed",
			s.Args[o.idx].Span, s.Args[i].Span)
	}
}

func gitStash(g *gitRun, s *Invocation) {
	if len(s.Args) == 0 {
		return
	}
	switch s.Args[0].Value {
	case "drop":
		which := "the latest stash"
		var spans = []Span{s.Args[0].Span}
		for _, a := range s.Args[1:] {
			if !strings.HasPrefix(a.Value, "-") {
				which = "stash " + gitShown(a)
				spans = append(spans, a.Span)
				break
			}
		}
		s.Flag("git.stash-drop", g.repo, "drops "+which+g.where()+"; its saved changes can then only be dug out with git fsck until gc prunes them", spans...)
	case "clear":
		s.Flag("git.stash-clear", g.repo, "deletes every stash"+g.where()+"; the saved changes can then only be dug out with git fsck until gc prunes them", s.Args[0].Span)
	}
}

// gitFilterOptions are filter-branch options whose value is shell code.
var gitFilterOptions = map[string]bool{
	"--env-filter": true, "--tree-filter": true, "--index-filter": true, "--parent-filter": true,
	"--msg-filter": true, "--commit-filter": true, "--tag-name-filter": true,
}

func gitFilterBranch(g *gitRun, s *Invocation) {
	refs := "the current branch"
	var spans = []Span{s.NameSpan}
	for i := 0; i < len(s.Args); i++ {
		v := s.Args[i].Value
		switch {
		case gitFilterOptions[v] && i+1 < len(s.Args):
			i++
			s.w.shellString(s, s.Args[i])
		case v == "-d" || v == "--subdirectory-filter" || v == "--original" || v == "--state-branch" || v == "--setup":
			i++
		case v == "--":
			if i+1 < len(s.Args) {
				refs = gitShownList(s, gitSeq(i+1, len(s.Args)))
				if refs == "--all" {
					refs = "every branch and tag"
				}
				spans = append(spans, s.SpanOf(gitSeq(i+1, len(s.Args))...)...)
			}
			i = len(s.Args)
		case !strings.HasPrefix(v, "-"):
			refs = gitShownList(s, gitSeq(i, len(s.Args)))
			spans = append(spans, s.SpanOf(gitSeq(i, len(s.Args))...)...)
			i = len(s.Args)
		}
	}
	s.Flag("git.rewrite-history", g.repo, "rewrites every commit of "+refs+g.where()+"; the old history survives only in refs/original until it is cleaned up, and publishing the rewrite needs a force push that breaks every other clone", spans...)
}

func gitFilterRepo(g *gitRun, s *Invocation) {
	if s.HasFlag("--analyze", "--dry-run", "-h") {
		return
	}
	s.Flag("git.rewrite-history", g.repo, "rewrites the whole history"+g.where()+", then expires the reflog and prunes the old objects, so the original commits are gone from this clone for good", s.NameSpan)
}

// immediate reports whether an expiry date means "now" (or close to it).
func gitImmediate(v string) bool {
	v = strings.ToLower(v)
	return v == "now" || v == "all" || v == "0" || strings.Contains(v, "sec") || strings.Contains(v, "min") || strings.Contains(v, "hour")
}

func gitIsFalse(v string) bool {
	switch strings.ToLower(v) {
	case "false", "no", "off", "0", "":
		return true
	}
	return false
}

func gitReflog(g *gitRun, s *Invocation) {
	if len(s.Args) == 0 {
		return
	}
	switch s.Args[0].Value {
	case "expire":
		for i, a := range s.Args[1:] {
			name, val, hasVal := strings.Cut(a.Value, "=")
			if name != "--expire" && name != "--expire-unreachable" {
				continue
			}
			if !hasVal && i+2 < len(s.Args) {
				val = s.Args[i+2].Value
			}
			if gitImmediate(val) {
				what := "every reflog entry"
				if !s.HasFlag("--all") {
					what = "the reflog entries"
				}
				s.Flag("git.expire-reflog", g.repo, "expires "+what+g.where()+" now ("+a.Value+"): the record that lets a reset, rebase or branch deletion be undone", a.Span)
				return
			}
		}
	case "delete":
		s.Flag("git.expire-reflog", g.repo, "deletes reflog entries"+g.where()+": the record that lets a reset, rebase or branch deletion be undone", s.Args[0].Span)
	}
}

// gitGC flags gc pruning now (--prune=now, or gc.pruneExpire=now set with
// -c), and expiring the reflog with it (-c gc.reflogExpire=now).
func gitGC(g *gitRun, s *Invocation) {
	p := gitGcSpec.parse(s.Args)
	how, span := "", s.NameSpan
	if o, ok := p.last("prune"); ok && o.hasVal {
		if gitImmediate(o.val) {
			how, span = "--prune="+o.val, s.Args[o.idx].Span
		}
	} else if c, ok := g.setting("gc.pruneexpire"); ok && gitImmediate(c.val.Value) && !slices.Contains(p.neg, "prune") {
		how, span = "gc.pruneExpire="+c.val.Value, c.arg.Span
	}
	var reflog gitSetting
	for _, k := range []string{"gc.reflogexpire", "gc.reflogexpireunreachable"} {
		if c, ok := g.setting(k); ok && gitImmediate(c.val.Value) {
			reflog = c
		}
	}
	switch {
	case how != "" && reflog.key != "":
		s.Flag("git.destroy-recovery", g.repo, "expires the reflog ("+reflog.arg.Value+") and prunes every unreachable object"+g.where()+" immediately ("+how+"): dropped stashes, deleted branches and commits lost to reset or rebase become unrecoverable", reflog.arg.Span, span)
	case how != "":
		g.pruneNow(s, "prunes every unreachable object"+g.where()+" immediately ("+how+") rather than after two weeks", span)
	case reflog.key != "":
		s.Flag("git.expire-reflog", g.repo, "expires the reflog"+g.where()+" now ("+reflog.arg.Value+"): the record that lets a reset, rebase or branch deletion be undone", reflog.arg.Span)
	}
}

// pruneNow reports pruning unreachable objects; after the reflog was
// expired earlier in the same command, nothing off a branch survives.
func (g *gitRun) pruneNow(s *Invocation, what string, span Span) {
	for _, f := range s.w.findings {
		if f.Rule == "git.expire-reflog" {
			s.Flag("git.destroy-recovery", g.repo, what+", after the reflog was expired earlier in this command: dropped stashes, deleted branches and commits lost to reset or rebase become unrecoverable", span)
			return
		}
	}
	s.Flag("git.prune-now", g.repo, what+": dropped stashes and deleted branches can no longer be recovered with git fsck", span)
}

func gitUpdateRef(g *gitRun, s *Invocation) {
	for i, a := range s.Args {
		switch a.Value {
		case "-d":
			for _, b := range s.Args[i+1:] {
				if !strings.HasPrefix(b.Value, "-") {
					ref := gitShown(b)
					s.Flag("git.delete-ref", ref, "deletes the ref "+ref+g.where()+" and its reflog without the checks git branch -d makes; commits only it held are pruned by the next gc", a.Span, b.Span)
					break
				}
			}
			return
		case "--stdin":
			if s.Stdin == nil || !s.Stdin.Known {
				return
			}
			for _, line := range strings.Split(s.Stdin.Text, "\n") {
				if f := strings.Fields(line); len(f) > 1 && f[0] == "delete" {
					s.Flag("git.delete-ref", f[1], "deletes the ref "+f[1]+g.where()+" (update-ref --stdin) and its reflog; commits only it held are pruned by the next gc", a.Span, s.Stdin.Span)
				}
			}
			return
		}
	}
}

func gitSubmodule(g *gitRun, s *Invocation) {
	i := 0
	for i < len(s.Args) && strings.HasPrefix(s.Args[i].Value, "-") {
		i++
	}
	if i >= len(s.Args) {
		return
	}
	rest := s.Args[i+1:]
	switch s.Args[i].Value {
	case "deinit":
		sub := *s
		sub.Args = rest
		if fi := sub.FlagIndex("-f", "--force"); fi >= 0 {
			what := "every submodule"
			if p := sub.Positional(); len(p) > 0 {
				what = gitShown(p[0])
			}
			s.Flag("git.submodule-deinit-force", g.repo, "removes the working tree of "+what+g.where()+" even if it has local changes (--force); uncommitted work in it is lost", rest[fi].Span)
		}
	case "foreach":
		j := 0
		for j < len(rest) && (rest[j].Value == "--recursive" || rest[j].Value == "-q" || rest[j].Value == "--quiet") {
			j++
		}
		if j < len(rest) {
			g.shellWords(s, rest[j:])
		}
	}
}

func gitRebase(g *gitRun, s *Invocation) {
	for i, a := range s.Args {
		v := a.Value
		switch {
		case v == "--":
			return
		case (v == "-x" || v == "--exec") && i+1 < len(s.Args):
			s.w.shellString(s, s.Args[i+1])
		case strings.HasPrefix(v, "--exec="):
			s.w.shellString(s, gitTailArg(a, len("--exec=")))
		case strings.HasPrefix(v, "-x") && len(v) > 2:
			s.w.shellString(s, gitTailArg(a, 2))
		}
	}
}

// gitConfigSet analyses a command-valued setting being written:
// git config alias.x '!rm -rf ~'.
func gitConfigSet(g *gitRun, s *Invocation) {
	var pos []Arg
	for i := 0; i < len(s.Args); i++ {
		v := s.Args[i].Value
		switch {
		case v == "-f" || v == "--file" || v == "--blob" || v == "--type" || v == "--default" || v == "--comment" || v == "--value":
			i++
		case strings.HasPrefix(v, "--get") || strings.HasPrefix(v, "--unset") || v == "-l" || v == "--list" || v == "-e" || v == "--edit" || strings.HasSuffix(v, "-section"):
			return
		case strings.HasPrefix(v, "-"):
		default:
			pos = append(pos, s.Args[i])
		}
	}
	if len(pos) > 0 && pos[0].Value == "set" {
		pos = pos[1:]
	}
	if len(pos) >= 2 {
		g.commandSetting(strings.ToLower(pos[0].Value), pos[1])
	}
}

// shellWords analyses words that git joins and hands to a shell.
func (g *gitRun) shellWords(s *Invocation, words []Arg) {
	if len(words) == 1 {
		s.w.shellString(s, words[0])
		return
	}
	joined := words[0]
	for _, a := range words[1:] {
		joined.Value += " " + a.Value
		joined.Raw += " " + a.Raw
		joined.substs = append(joined.substs, a.substs...)
	}
	joined.Span = Span{words[0].Span.Start, words[len(words)-1].Span.End}
	s.w.shellString(s, joined)
}

// shown is an argument as an operator should read it: its value, or as
// written when part of it is only known at run time.
func gitShown(a Arg) string {
	if a.Known() {
		return a.Value
	}
	r := a.Raw
	if len(r) >= 2 && (r[0] == '"' || r[0] == '\'') && r[len(r)-1] == r[0] {
		r = r[1 : len(r)-1]
	}
	return r
}

func gitShownList(s *Invocation, idx []int) string {
	var out []string
	for _, i := range idx {
		if i < len(s.Args) {
			out = append(out, gitShown(s.Args[i]))
		}
	}
	return strings.Join(out, " ")
}

func gitOrDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func gitSeq(from, to int) []int {
	out := make([]int, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}
