package detect

import (
	"strings"
	"sync"
)

// Cloud and platform CLIs: aws, gcloud, az, doctl, fly, heroku, railway,
// vercel, netlify, supabase, neonctl, pscale, firebase, render (the
// provider tables in cloud_providers.go), kubectl and helm
// (cloud_k8s.go), terraform, pulumi and friends (cloud_iac.go), docker and
// compose (cloud_docker.go).
//
// Each CLI is described by a compact table: how its global options are
// parsed, which options name the account or project it acts in, and an
// ordered list of destructive subcommand paths with the rule, the reason
// and where the resource's name is. The first entry whose path and
// conditions match decides; an entry without a rule marks a subcommand as
// known and harmless. A subcommand no entry knows is still checked for a
// delete verb acting on a data-bearing noun (cloud.delete-unlisted), so a
// CLI's less common commands are not a free pass.
//
// Rules are by kind of resource, not by provider, so an operator can say
// "service deletes only warn" once for every cloud.
//
// Verdicts: deleting what holds data or is shared (databases, buckets,
// volumes, backups, clusters, projects, stacks, identities, keys) pauses,
// critical when the backups go too; single objects, deployments and other
// recoverable or local actions warn; reading, listing, deploying and
// applying with review are allowed. A flag that skips the CLI's prompt is
// named in the reason (and for infrastructure destroys raises the rule to
// critical): an agent's shell often answers prompts by default, so a
// prompt is not counted as a safety net. The account, project, context or
// namespace a call acts in is part of the target, so a protected name
// there counts.

func init() {
	register(
		Rule{ID: "cloud.delete-with-backups", Severity: Critical, Verdict: Pause,
			Description: "Deletes a database or volume together with its backups (no final snapshot, or a service that deletes backups with the instance): nothing is left to restore from.",
			Examples: []string{
				"aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot",
				"gcloud sql instances delete orders-db",
				"doctl databases delete 9cc10173-e9ea-4176-9dbc-a4cee4c4ff30 --force",
				"railway volume delete --volume vol_9f3c2a7e",
				"neonctl projects delete still-cloud-123",
				"pscale database delete orders --force",
				"supabase projects delete abcdefghijklmnop",
			}},
		Rule{ID: "cloud.database-delete", Severity: High, Verdict: Pause,
			Description: "Deletes a managed database, cluster, table or database branch; its data is gone unless a snapshot or backup exists elsewhere.",
			Examples: []string{
				"aws rds delete-db-instance --db-instance-identifier orders --final-db-snapshot-identifier orders-final",
				"aws dynamodb delete-table --table-name Orders",
				"az sql db delete -g rg -s sqlsrv -n orders --yes",
				"fly postgres destroy orders-db --yes",
				"heroku addons:destroy heroku-postgresql --app shop --confirm shop",
				"pscale branch delete orders dev-branch",
				"bq rm -r -f -d analytics",
			}},
		Rule{ID: "cloud.database-reset", Severity: High, Verdict: Pause,
			Description: "Wipes or overwrites the data of a remote database while keeping the database itself (reset, restore over it, recursive delete of a collection tree).",
			Examples: []string{
				"heroku pg:reset DATABASE_URL --app shop --confirm shop",
				"supabase db reset --linked",
				"firebase firestore:delete --all-collections --project shop-prod",
				"neonctl branches reset dev --parent",
			}},
		Rule{ID: "cloud.bucket-delete", Severity: High, Verdict: Pause,
			Description: "Deletes an object-storage bucket, container or storage account, or every object under a prefix.",
			Examples: []string{
				"aws s3 rb s3://assets-bucket --force",
				"aws s3 rm s3://assets-bucket/uploads --recursive",
				"gsutil -m rm -r gs://assets-bucket",
				"gcloud storage rm --recursive gs://assets-bucket/",
				"az storage account delete -n assetsacct -g rg --yes",
			}},
		Rule{ID: "cloud.object-delete", Severity: Medium, Verdict: Warn,
			Description: "Deletes a single object from object storage (irreversible unless the bucket keeps versions).",
			Examples:    []string{"aws s3 rm s3://assets-bucket/logo.png", "gsutil rm gs://assets-bucket/logo.png"}},
		Rule{ID: "cloud.sync-delete", Severity: Medium, Verdict: Warn,
			Description: "Mirrors a directory with deletion: whatever the source lacks is deleted at the destination (a wrong or empty source empties it).",
			Examples:    []string{"aws s3 sync ./dist s3://www-bucket --delete", "gsutil -m rsync -r -d ./dist gs://www-bucket"}},
		Rule{ID: "cloud.volume-delete", Severity: High, Verdict: Pause,
			Description: "Deletes a block volume, disk or file system and the data on it.",
			Examples: []string{
				"aws ec2 delete-volume --volume-id vol-0abc1234",
				"gcloud compute disks delete data-disk --zone us-central1-a",
				"doctl compute volume delete 506f78a4-e098-11e5-ad9f-000f53306ae1",
				"fly volumes destroy vol_1234567890 --yes",
			}},
		Rule{ID: "cloud.backup-delete", Severity: High, Verdict: Pause,
			Description: "Deletes snapshots, backups, recovery points or backup vaults: the copies that make other mistakes recoverable.",
			Examples: []string{
				"aws ec2 delete-snapshot --snapshot-id snap-0abc1234",
				"aws backup delete-recovery-point --backup-vault-name main --recovery-point-arn arn:aws:backup:x",
				"gcloud compute snapshots delete nightly-1",
				"heroku pg:backups:delete b101 --app shop --confirm shop",
			}},
		Rule{ID: "cloud.compute-delete", Severity: High, Verdict: Pause,
			Description: "Terminates virtual machines or deletes Kubernetes clusters, with their local disks and the workloads on them.",
			Examples: []string{
				"aws ec2 terminate-instances --instance-ids i-0abc1234 i-0def5678",
				"gcloud compute instances delete web-1 --zone us-central1-a --quiet",
				"gcloud container clusters delete main-gke --region us-central1",
				"az vm delete -g rg -n web-1 --yes",
				"doctl compute droplet delete web-1 --force",
			}},
		Rule{ID: "cloud.stack-delete", Severity: High, Verdict: Pause,
			Description: "Deletes a provider-side infrastructure stack and every resource it created.",
			Examples:    []string{"aws cloudformation delete-stack --stack-name app-prod", "gcloud deployment-manager deployments delete app-infra"}},
		Rule{ID: "cloud.project-delete", Severity: Critical, Verdict: Pause,
			Description: "Deletes a whole project, resource group, environment or account, and with it every database, volume and bucket in it.",
			Examples: []string{
				"gcloud projects delete acme-staging",
				"az group delete --name rg-shop --yes --no-wait",
				"railway environment delete staging",
				"aws organizations close-account --account-id 123456789012",
			}},
		Rule{ID: "cloud.app-delete", Severity: High, Verdict: Pause,
			Description: "Deletes a platform app or project together with what is attached to it (volumes, add-on databases, environment variables, domains).",
			Examples: []string{
				"fly apps destroy shop-api --yes",
				"heroku apps:destroy --app shop --confirm shop",
				"vercel projects rm shop-web",
				"netlify sites:delete 1234-5678 --force",
			}},
		Rule{ID: "cloud.service-delete", Severity: Medium, Verdict: Pause,
			Description: "Deletes a shared service (function, container service, queue, topic, DNS zone, load balancer, registry): an outage until it is rebuilt, and what it held is lost.",
			Examples: []string{
				"aws lambda delete-function --function-name resize-images",
				"gcloud run services delete api --region europe-west1",
				"aws route53 delete-hosted-zone --id Z123456",
				"vercel rm shop-web --yes",
			}},
		Rule{ID: "cloud.deployment-remove", Severity: Medium, Verdict: Warn,
			Description: "Takes down a deployment; it can be deployed again.",
			Examples:    []string{"railway down -y", "vercel rm shop-web-abc123.vercel.app"}},
		Rule{ID: "cloud.iam-delete", Severity: Medium, Verdict: Pause,
			Description: "Deletes an identity (user, role, group, service account, app registration) that services and people may depend on; recreating it does not restore its id or the grants that referenced it.",
			Examples:    []string{"aws iam delete-role --role-name deploy-bot", "gcloud iam service-accounts delete ci@acme.iam.gserviceaccount.com"}},
		Rule{ID: "cloud.credential-delete", Severity: Low, Verdict: Warn,
			Description: "Deletes a credential or policy attachment (an access key, a login profile); whatever used it stops working.",
			Examples:    []string{"aws iam delete-access-key --access-key-id AKIAEXAMPLE --user-name ci"}},
		Rule{ID: "cloud.logs-delete", Severity: High, Verdict: Pause,
			Description: "Deletes stored logs or an audit trail.",
			Examples:    []string{"aws logs delete-log-group --log-group-name /aws/lambda/api", "aws cloudtrail delete-trail --name org-trail"}},
		Rule{ID: "cloud.secret-delete", Severity: High, Verdict: Pause,
			Description: "Deletes a secret or parameter with no recovery window: the value is gone.",
			Examples: []string{
				"aws secretsmanager delete-secret --secret-id prod/db --force-delete-without-recovery",
				"gcloud secrets delete db-password",
				"az keyvault secret purge --vault-name kv --name db-password",
			}},
		Rule{ID: "cloud.secret-delete-recoverable", Severity: Medium, Verdict: Warn,
			Description: "Deletes a secret or key vault that stays recoverable for a while (a recovery window or soft delete).",
			Examples:    []string{"aws secretsmanager delete-secret --secret-id staging/db", "az keyvault delete --name kv-shop"}},
		Rule{ID: "cloud.key-delete", Severity: High, Verdict: Pause,
			Description: "Schedules or performs the destruction of an encryption key: everything encrypted under it becomes unreadable for good.",
			Examples:    []string{"aws kms schedule-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --pending-window-in-days 7", "gcloud kms keys versions destroy 1 --key k --keyring r --location global"}},
		Rule{ID: "cloud.delete-unlisted", Severity: Medium, Verdict: Pause,
			Description: "Runs a delete-like subcommand of a cloud CLI on a data-bearing resource (database, volume, bucket, backup, cluster) that sentinel has no specific rule for.",
			Examples:    []string{"aws lightsail delete-relational-database-snapshot --relational-database-snapshot-name s1", "gcloud bigtable backups delete b1 --instance i --cluster c"}},
	)
	for _, c := range cloudCLIs {
		for _, n := range c.names {
			if cloudByName[n] != nil {
				panic("detect: cloud CLI " + n + " described twice")
			}
			cloudByName[n] = c
			handle(analyseCloud, n)
		}
	}
}

// cloudCLI describes one command-line tool: how its options are parsed and
// which of its subcommands destroy what.
type cloudCLI struct {
	names []string
	// values lists options taking the next argument as their value; bools
	// lists options known to take none. An option in neither might take
	// one: the word after it is then only a command word if it must be.
	values, bools string
	scope         []scopeOpt // options naming the account, project or context
	noPrompt      string     // flags that skip the CLI's confirmation prompt
	dry           string     // flags that make a command a dry run
	help          string     // flags that only print help
	prefixes      string     // words skipped before the command path (gcloud beta)
	colon         bool       // topic:command words (heroku apps:destroy)
	lists         bool       // an option takes every following word (aws --instance-ids a b)
	generic       bool       // check unlisted subcommands for deletes of data
	ops           []cloudOp
	// custom handles the call itself, before the table; true when done.
	custom func(c *cloudCall) bool

	// The sets are built on first use (compiled): building all of them
	// cost every sentinel process, the agent hooks among them, a
	// millisecond at start-up.
	compiled                                          sync.Once
	valueSet, boolSet, noPromptSet, drySet, prefixSet map[string]bool
}

// scopeOpt is an option naming where a command acts (a profile, project,
// namespace): it is shown with the target, so a protected name in it
// counts.
type scopeOpt struct {
	label string
	names []string
	env   string // the environment variable that sets it, if the command set it earlier
}

// cloudOp is one subcommand in a CLI's table.
type cloudOp struct {
	path   string // command words; alternatives separated by |: "volumes|volume destroy|rm"
	rule   string // "" marks a known harmless subcommand
	noun   string // what the target is, for the reason: "RDS instance"
	anon   string // the target when no name is given ("the linked service")
	reason string // %s is replaced by the noun and the target's name
	// target says where the name is: options ("--bucket -b") and operand
	// positions after the path ("1", or "1+" for every operand), first
	// found wins.
	target string
	need   string // the entry applies only if one of these flags is given
	not    string // the entry does not apply if one of these flags is given
	test   func(c *cloudCall) bool

	parts [][]string
}

// cloudByName finds a CLI's description by program name; the list of
// CLIs, cloudCLIs, is in cloud_providers.go.
var cloudByName = map[string]*cloudCLI{}

func cloudSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

func (c *cloudCLI) compile() {
	c.valueSet, c.boolSet = cloudSet(c.values), cloudSet(c.bools)
	c.noPromptSet, c.drySet, c.prefixSet = cloudSet(c.noPrompt), cloudSet(c.dry), cloudSet(c.prefixes)
	for _, s := range c.scope {
		for _, n := range s.names {
			c.valueSet[n] = true
		}
	}
	for f := range c.noPromptSet {
		if !c.valueSet[f] {
			c.boolSet[f] = true
		}
	}
	for f := range c.drySet {
		c.boolSet[f] = true
	}
	for i := range c.ops {
		op := &c.ops[i]
		for _, p := range strings.Fields(op.path) {
			op.parts = append(op.parts, strings.Split(p, "|"))
		}
		for _, t := range strings.Fields(op.target) {
			if strings.HasPrefix(t, "-") {
				c.valueSet[t] = true
			}
		}
		for _, f := range strings.Fields(op.need + " " + op.not) {
			if !c.valueSet[f] {
				c.boolSet[f] = true
			}
		}
	}
}

// cloudWord is a positional word of a call: a command word or an operand.
type cloudWord struct {
	value string
	arg   int // index in inv.Args
	// maybe: the word follows an option sentinel does not know, so it
	// might be that option's value rather than a word of its own.
	maybe bool
}

// cloudCall is one invocation of a CLI, parsed.
type cloudCall struct {
	inv   *Invocation
	cli   *cloudCLI
	words []cloudWord
	// Set by match: where the command path ended, and its words.
	end  int
	path []int
}

func analyseCloud(inv *Invocation) {
	cli := cloudByName[inv.Name]
	if cli == nil {
		return
	}
	cli.compiled.Do(cli.compile)
	c := parseCloud(inv, cli)
	if c.helpOnly() || c.dryRun() {
		return
	}
	if cli.custom != nil && cli.custom(c) {
		return
	}
	c.runTable()
}

// runTable applies the CLI's table: the first entry whose path and
// conditions match reports; a subcommand no entry knows gets the generic
// check.
func (c *cloudCall) runTable() {
	cli := c.cli
	known := false
	for i := range cli.ops {
		op := &cli.ops[i]
		if !c.match(op.parts) {
			continue
		}
		known = true
		if op.need != "" && c.flagIndex(op.need) < 0 || op.not != "" && c.flagIndex(op.not) >= 0 || op.test != nil && !op.test(c) {
			continue
		}
		if op.rule != "" {
			c.report(op)
		}
		return
	}
	if !known && cli.generic {
		c.unlisted()
	}
}

func parseCloud(inv *Invocation, cli *cloudCLI) *cloudCall {
	c := &cloudCall{inv: inv, cli: cli}
	maybe := false
	for i := 0; i < len(inv.Args); i++ {
		a := inv.Args[i]
		v := a.Value
		if v == "--" {
			for j := i + 1; j < len(inv.Args); j++ {
				c.words = append(c.words, cloudWord{value: inv.Args[j].Value, arg: j})
			}
			break
		}
		if len(v) > 1 && v[0] == '-' && a.Known() {
			name, _, hasValue := strings.Cut(v, "=")
			maybe = false
			switch {
			case hasValue:
			case cli.valueSet[name]:
				i++
			case cli.boolSet[name]:
			case len(v) > 2 && v[1] != '-' && isShortCluster(v):
				// -rf: flags; a cluster ending in a value option takes one.
				maybe = cli.valueSet["-"+v[len(v)-1:]]
			default:
				maybe = true
			}
			continue
		}
		if cli.colon && strings.Contains(v, ":") && isCloudTopicWord(v) {
			for _, p := range strings.Split(v, ":") {
				c.words = append(c.words, cloudWord{value: p, arg: i, maybe: maybe})
			}
		} else {
			c.words = append(c.words, cloudWord{value: v, arg: i, maybe: maybe})
		}
		maybe = false
	}
	return c
}

// isCloudTopicWord reports whether v looks like topic:command (apps:destroy).
func isCloudTopicWord(v string) bool {
	for _, p := range strings.Split(v, ":") {
		if p == "" || !isCloudCommandWord(p) {
			return false
		}
	}
	return true
}

// isCloudCommandWord reports whether v could be a subcommand name.
func isCloudCommandWord(v string) bool {
	if v == "" || !(v[0] >= 'a' && v[0] <= 'z') {
		return false
	}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}

// match checks the command path against the call's leading words.
func (c *cloudCall) match(parts [][]string) bool {
	j := 0
	c.path = c.path[:0]
	for k, w := range c.words {
		if j < len(parts) && cloudOneOf(w.value, parts[j]) {
			c.path = append(c.path, w.arg)
			j++
			if j == len(parts) {
				c.end = k + 1
				return true
			}
			continue
		}
		if w.maybe || j == 0 && c.cli.prefixSet[w.value] {
			continue
		}
		return false
	}
	return false
}

// cloudOneOf matches a word against alternatives; "delete-*" matches by
// prefix.
func cloudOneOf(v string, alts []string) bool {
	for _, a := range alts {
		if v == a || strings.HasSuffix(a, "*") && strings.HasPrefix(v, a[:len(a)-1]) {
			return true
		}
	}
	return false
}

// flagIndex is the index of the first argument that is one of the flags
// (space-separated), or -1. Long flags match --flag and --flag=VALUE
// unless the value is false; short flags also match inside -abc.
func (c *cloudCall) flagIndex(flags string) int {
	for _, f := range strings.Fields(flags) {
		for i, a := range c.inv.Args {
			v := a.Value
			if v == "--" {
				break
			}
			if v == f {
				return i
			}
			if name, val, ok := strings.Cut(v, "="); ok && name == f {
				if strings.EqualFold(val, "false") || val == "0" || val == "none" {
					continue
				}
				return i
			}
			if len(f) == 2 && f[0] == '-' && f[1] != '-' && len(v) > 2 && v[0] == '-' && v[1] != '-' && isShortCluster(v) &&
				!c.cli.valueSet[v[:2]] && strings.IndexByte(v[1:], f[1]) >= 0 {
				return i
			}
		}
	}
	return -1
}

func (c *cloudCall) has(flags string) bool { return c.flagIndex(flags) >= 0 }

// helpOnly reports a call that only prints help.
func (c *cloudCall) helpOnly() bool {
	if c.flagIndex("--help "+c.cli.help) >= 0 {
		return true
	}
	if len(c.words) > 0 && c.words[0].value == "help" {
		return true
	}
	// aws s3 rb help: the last word, not an option's value.
	if c.inv.Name == "aws" && len(c.words) > 0 {
		w := c.words[len(c.words)-1]
		return w.value == "help" && !w.maybe && w.arg == len(c.inv.Args)-1
	}
	return false
}

func (c *cloudCall) dryRun() bool {
	return c.cli.dry != "" && c.flagIndex(c.cli.dry) >= 0
}

// operands are the words after the matched command path, those that are
// surely not an option's value first.
func (c *cloudCall) operands() []cloudWord {
	var sure, unsure []cloudWord
	for _, w := range c.words[c.end:] {
		if w.maybe {
			unsure = append(unsure, w)
		} else {
			sure = append(sure, w)
		}
	}
	return append(sure, unsure...)
}

// optValues returns the argument indexes of the values of an option.
func (c *cloudCall) optValues(name string) []int {
	args := c.inv.Args
	for i, a := range args {
		v := a.Value
		if v == "--" {
			break
		}
		if v == name && i+1 < len(args) {
			out := []int{i + 1}
			if c.cli.lists {
				for j := i + 2; j < len(args) && !strings.HasPrefix(args[j].Value, "-"); j++ {
					out = append(out, j)
				}
			}
			return out
		}
		if strings.HasPrefix(v, name+"=") {
			return []int{-i - 1} // the value is inside the argument
		}
	}
	return nil
}

// optValue returns an option's value and span.
func (c *cloudCall) optValue(names ...string) (string, Span, bool) {
	for _, n := range names {
		for _, i := range c.optValues(n) {
			if i < 0 {
				a := c.inv.Args[-i-1]
				_, v, _ := strings.Cut(shownArg(a), "=")
				return v, a.Span, true
			}
			return shownArg(c.inv.Args[i]), c.inv.Args[i].Span, true
		}
	}
	return "", Span{}, false
}

// shownArg is an argument as the operator should read it: its value, or as
// written when part of it is only known at run time.
func shownArg(a Arg) string {
	if a.Known() {
		return a.Value
	}
	return a.Raw
}

// target finds the names the spec points at.
func (c *cloudCall) target(spec string) (names []string, spans []Span) {
	for _, t := range strings.Fields(spec) {
		if strings.HasPrefix(t, "-") {
			for _, i := range c.optValues(t) {
				if i < 0 {
					a := c.inv.Args[-i-1]
					_, v, _ := strings.Cut(shownArg(a), "=")
					names, spans = append(names, v), append(spans, a.Span)
					continue
				}
				names, spans = append(names, shownArg(c.inv.Args[i])), append(spans, c.inv.Args[i].Span)
			}
		} else if strings.Contains(t, "/") {
			// "1/2": operands joined, as in database/branch.
			ops := c.operands()
			var joined []string
			for _, n := range strings.Split(t, "/") {
				k := int(n[0] - '1')
				if k >= 0 && k < len(ops) {
					a := c.inv.Args[ops[k].arg]
					joined, spans = append(joined, shownArg(a)), append(spans, a.Span)
				}
			}
			if len(joined) > 0 {
				names = append(names, strings.Join(joined, "/"))
			}
		} else {
			ops := c.operands()
			all := strings.HasSuffix(t, "+")
			n := 0
			for _, ch := range strings.TrimSuffix(t, "+") {
				n = n*10 + int(ch-'0')
			}
			for k := n - 1; k >= 0 && k < len(ops); k++ {
				a := c.inv.Args[ops[k].arg]
				names, spans = append(names, shownArg(a)), append(spans, a.Span)
				if !all {
					break
				}
			}
		}
		if len(names) > 0 {
			return names, spans
		}
	}
	return nil, nil
}

// scopeText names the account, project or context the call acts in.
func (c *cloudCall) scopeText(names []string) string {
	var parts []string
	for _, s := range c.cli.scope {
		v, _, ok := c.optValue(s.names...)
		if !ok {
			v = c.envVar(s.env)
		}
		if v != "" && !cloudOneOf(v, names) {
			parts = append(parts, s.label+" "+v)
		}
	}
	return strings.Join(parts, ", ")
}

// envVar is a variable the command itself set earlier (export
// AWS_PROFILE=prod; aws ...), or "".
func (c *cloudCall) envVar(name string) string {
	if name == "" || c.inv.w == nil {
		return ""
	}
	v := c.inv.w.vars[name]
	if strings.Contains(v, unknown) {
		return ""
	}
	return v
}

// describe builds "RDS instance orders" and the finding's target.
func (c *cloudCall) describe(noun, anon string, names []string) (desc, target string) {
	names = capCloudNames(names)
	name := strings.Join(names, ", ")
	switch {
	case name == "" && anon != "":
		desc = anon
	case name == "" && noun == "":
		desc = "what it selects (not named on the command line)"
	case name == "":
		desc = "the " + noun + " it selects (not named on the command line)"
	case noun == "":
		desc = name
	default:
		desc = noun + " " + name
	}
	target = strings.Join(names, " ")
	if s := c.scopeText(names); s != "" {
		desc += " in " + s
		if target == "" {
			target = s
		} else {
			target += " (" + s + ")"
		}
	}
	return desc, target
}

// report flags the op's rule.
func (c *cloudCall) report(op *cloudOp) {
	names, spans := c.target(op.target)
	desc, target := c.describe(op.noun, op.anon, names)
	reason := strings.ReplaceAll(op.reason, "%s", desc)
	if strings.Contains(reason, "%c") {
		words := make([]string, 0, len(c.path))
		for _, i := range c.path {
			words = append(words, c.inv.Args[i].Value)
		}
		reason = strings.ReplaceAll(reason, "%c", strings.Join(words, " "))
	}
	all := c.inv.SpanOf(c.path...)
	all = append(all, spans...)
	if op.need != "" {
		all = append(all, c.inv.SpanOf(c.flagIndex(op.need))...)
	}
	reason += c.promptNote(&all)
	c.inv.Flag(op.rule, target, reason, all...)
}

// promptNote says when a flag skips the CLI's confirmation prompt, and
// adds the flag to the spans.
func (c *cloudCall) promptNote(spans *[]Span) string {
	if c.cli.noPrompt == "" {
		return ""
	}
	i := c.flagIndex(c.cli.noPrompt)
	if i < 0 {
		return ""
	}
	*spans = append(*spans, c.inv.Args[i].Span)
	return ", and " + c.inv.Args[i].Value + " skips the confirmation prompt"
}

// Words for cloud.delete-unlisted.
var (
	cloudDeleteVerbs = cloudSet("delete destroy remove rm purge terminate drop wipe erase nuke truncate")
	cloudDataNouns   = cloudSet("database db table bucket volume vol disk backup snapshot cluster instance " +
		"filesystem file-system fs share vault keyspace dataset ledger stream repository repo " +
		"environment project account postgres pg mysql redis mongo mongodb collection branch " +
		"storage datastore warehouse lake recovery-point")
)

// singularNoun turns "databases" into "database", "repositories" into
// "repository".
func singularNoun(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 2:
		return w[:len(w)-1]
	}
	return w
}

// cloudDataNoun reports whether a command word names a data-bearing resource:
// its last part ("flexible-server-backups" → backup), or its last two
// ("file-systems").
func cloudDataNoun(w string) bool {
	parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 {
		return false
	}
	last := parts[len(parts)-1]
	if cloudDataNouns[last] || cloudDataNouns[singularNoun(last)] {
		return true
	}
	return len(parts) >= 2 && cloudDataNouns[parts[len(parts)-2]+"-"+singularNoun(last)]
}

// unlisted checks a subcommand no table entry knows: a delete verb acting
// on a data-bearing noun ("bigtable backups delete", "delete-db-proxy" is
// not one, "delete-relational-database" is).
func (c *cloudCall) unlisted() {
	var cmd []cloudWord
	for _, w := range c.words {
		if len(cmd) == 0 && c.cli.prefixSet[w.value] || w.maybe && len(cmd) > 0 {
			continue
		}
		if !isCloudCommandWord(w.value) || len(cmd) == 5 {
			break
		}
		cmd = append(cmd, w)
	}
	for k := 1; k < len(cmd); k++ {
		v := cmd[k].value
		noun := ""
		if cloudDeleteVerbs[v] && cloudDataNoun(cmd[k-1].value) {
			noun = cmd[k-1].value
		} else if verb, rest, ok := strings.Cut(v, "-"); ok && cloudDeleteVerbs[verb] && verb != "remove" && verb != "rm" && cloudDataNoun(rest) {
			// delete-db-snapshot; not remove-instances, which takes
			// instances out of a group.
			noun = rest
		}
		if noun == "" {
			continue
		}
		c.end = k + 1
		c.path = c.path[:0]
		for _, w := range cmd[:k+1] {
			c.path = append(c.path, w.arg)
		}
		words := make([]string, 0, k+1)
		for _, w := range cmd[:k+1] {
			words = append(words, w.value)
		}
		// The name is an operand, or often an option named after the noun.
		names, spans := c.sureOperand()
		if len(names) == 0 {
			names, spans = c.nameOption(noun)
		}
		if len(names) == 0 {
			names, spans = c.target("1")
		}
		if !cloudDataNouns[noun] {
			noun = singularNoun(noun)
		}
		desc, target := c.describe(strings.ReplaceAll(noun, "-", " "), "", names)
		all := append(c.inv.SpanOf(c.path...), spans...)
		reason := "runs " + c.inv.Name + " " + strings.Join(words, " ") + " on " + desc +
			", a delete of data-bearing resources that sentinel has no specific rule for" + c.promptNote(&all)
		c.inv.Flag("cloud.delete-unlisted", target, reason, all...)
		return
	}
}

// sureOperand is the first operand after the path that is surely not an
// option's value.
func (c *cloudCall) sureOperand() ([]string, []Span) {
	for _, w := range c.words[c.end:] {
		if !w.maybe {
			a := c.inv.Args[w.arg]
			return []string{shownArg(a)}, []Span{a.Span}
		}
	}
	return nil, nil
}

// nameOption finds a name in an option: one named after the noun
// (--bucket, --snapshot-name) first, else --name, --*-name, --*-id,
// --*-identifier, --*-arn.
func (c *cloudCall) nameOption(noun string) ([]string, []Span) {
	parts := strings.Split(noun, "-")
	last := singularNoun(parts[len(parts)-1])
	var fallback []string
	var fallbackSpan []Span
	for i, a := range c.inv.Args {
		v := a.Value
		if !strings.HasPrefix(v, "--") {
			continue
		}
		name, val, eq := strings.Cut(v, "=")
		if !eq {
			if i+1 >= len(c.inv.Args) {
				continue
			}
			val = shownArg(c.inv.Args[i+1])
			a = c.inv.Args[i+1]
		}
		switch {
		case strings.Contains(name, last):
			return []string{val}, []Span{a.Span}
		case fallback == nil && (name == "--name" || strings.HasSuffix(name, "-name") || strings.HasSuffix(name, "-id") ||
			strings.HasSuffix(name, "-identifier") || strings.HasSuffix(name, "-arn")):
			fallback, fallbackSpan = []string{val}, []Span{a.Span}
		}
	}
	return fallback, fallbackSpan
}

// follow analyses the words from Args[i] as the command they run: as
// given (railway run execs them), or, for shell, joined with spaces and
// parsed as the remote shell of heroku run would.
func (c *cloudCall) follow(i int, shell bool) {
	if i < 0 || i >= len(c.inv.Args) {
		return
	}
	rest := c.inv.Args[i:]
	if !shell {
		next := *c.inv
		next.Args = rest
		next.Stdin = nil
		c.inv.w.run(&next)
		return
	}
	if len(rest) == 1 {
		c.inv.w.shellString(c.inv, rest[0])
		return
	}
	joined := rest[0]
	for _, a := range rest[1:] {
		joined.Value += " " + a.Value
		joined.Raw += " " + a.Raw
		joined.substs = append(joined.substs, a.substs...)
	}
	joined.Span = Span{rest[0].Span.Start, rest[len(rest)-1].Span.End}
	if joined.Known() {
		c.inv.w.analyzeString(joined.Value, origin{whole: joined.Span})
		return
	}
	c.inv.w.shellString(c.inv, joined)
}

// followString analyses a string a remote shell will run (fly ssh console
// -C, gcloud compute ssh --command).
func (c *cloudCall) followString(names ...string) bool {
	for _, n := range names {
		for _, i := range c.optValues(n) {
			if i < 0 {
				// --command='...': the code is inside the argument.
				a := c.inv.Args[-i-1]
				_, v, _ := strings.Cut(a.Value, "=")
				if !strings.Contains(v, unknown) {
					c.inv.w.analyzeString(v, origin{whole: a.Span})
				} else {
					b := a
					b.Value = v
					c.inv.w.shellString(c.inv, b)
				}
				return true
			}
			c.inv.w.shellString(c.inv, c.inv.Args[i])
			return true
		}
	}
	return false
}

// o builds a table entry: the command path, the rule ("" for a known
// harmless subcommand), the noun naming the target, where the target's
// name is, and the reason (%s stands for the noun and the name).
func o(path, rule, noun, target, reason string) cloudOp {
	return cloudOp{path: path, rule: rule, noun: noun, target: target, reason: reason}
}

// ifFlag makes the entry apply only when one of the flags is given.
func (op cloudOp) ifFlag(flags string) cloudOp { op.need = flags; return op }

// unless makes the entry not apply when one of the flags is given.
func (op cloudOp) unless(flags string) cloudOp { op.not = flags; return op }

// when adds a condition.
func (op cloudOp) when(f func(c *cloudCall) bool) cloudOp { op.test = f; return op }

// anonAs names the target when the command does not.
func (op cloudOp) anonAs(s string) cloudOp { op.anon = s; return op }

// safeOp marks a subcommand as known and harmless.
func safeOp(path string) cloudOp { return cloudOp{path: path} }
