package detect

import (
	"fmt"
	"strings"
)

// Infrastructure as code: terraform, tofu, terragrunt, pulumi, cdk, sam,
// serverless. A destroy pauses; one that skips its confirmation prompt is
// critical. Applying without review pauses too, at medium severity: the plan
// decides what happens, sentinel cannot see it, and a forced replacement of
// a database is a destroy. A saved plan was reviewed when it was made.

func init() {
	register(
		Rule{ID: "cloud.iac-destroy", Severity: High, Verdict: Pause,
			Description: "Destroys infrastructure managed by Terraform, OpenTofu, Terragrunt, Pulumi, CDK, SAM or Serverless: every resource of the configuration or stack, or the ones targeted.",
			Examples:    []string{"terraform destroy", "tofu destroy -target=aws_db_instance.main", "pulumi destroy -s acme/api/staging", "cdk destroy ApiStack", "serverless remove --stage staging"}},
		Rule{ID: "cloud.iac-destroy-unattended", Severity: Critical, Verdict: Pause,
			Description: "Destroys infrastructure without the confirmation prompt that shows what will go (-auto-approve, --yes, --force, --no-prompts).",
			Examples:    []string{"terraform destroy -auto-approve", "terraform apply -destroy -auto-approve", "pulumi destroy --yes", "terragrunt run-all destroy --terragrunt-non-interactive", "cdk destroy --all --force", "sam delete --stack-name api --no-prompts"}},
		Rule{ID: "cloud.iac-apply-unattended", Severity: Medium, Verdict: Pause,
			Description: "Applies infrastructure changes without showing the plan for approval (-auto-approve, --yes): a change that forces a database or volume to be replaced destroys it, and nobody reviews that before it happens.",
			Examples:    []string{"terraform apply -auto-approve", "pulumi up --yes"}},
		Rule{ID: "cloud.iac-replace-data", Severity: High, Verdict: Pause,
			Description: "Forces the replacement of a data-bearing resource (database, volume, bucket): the old one is destroyed with its data and an empty one created.",
			Examples:    []string{"terraform apply -replace=aws_db_instance.main", "terraform taint google_sql_database_instance.main", "pulumi up --replace urn:pulumi:prod::shop::aws:rds/instance:Instance::db"}},
		Rule{ID: "cloud.iac-state-edit", Severity: Medium, Verdict: Warn,
			Description: "Edits infrastructure state by hand (state rm, state push, workspace or stack removal, force-unlock, taint): resources can become orphaned or be recreated.",
			Examples:    []string{"terraform state rm aws_instance.web", "terraform workspace delete feature-x", "terraform force-unlock 1234-abcd", "pulumi state delete urn:pulumi:dev::shop::aws:s3/bucket:Bucket::logs"}},
		Rule{ID: "cloud.iac-state-force", Severity: Medium, Verdict: Pause,
			Description: "Overwrites or deletes infrastructure state by force: the resources it tracked keep running but nothing manages or destroys them any more, or a stale state overwrites the real one.",
			Examples:    []string{"terraform state push -force terraform.tfstate", "terraform workspace delete -force staging", "pulumi stack rm acme/api/staging --force"}},
	)
}

var terraformCLI = &cloudCLI{
	names: []string{"terraform", "tofu"},
	values: "-var -var-file -target -replace -state -state-out -backup -out -lock-timeout -parallelism -backend-config -plugin-dir " +
		"--var --var-file --target --replace",
	bools: "-auto-approve --auto-approve -destroy --destroy -input -lock -refresh -no-color -compact-warnings -json -force " +
		"-upgrade -reconfigure -migrate-state -force-copy -refresh-only -recursive",
	help:   "-help -h",
	custom: terraformCustom,
}

var terragruntCLI = &cloudCLI{
	names:  []string{"terragrunt"},
	values: terraformCLI.values + " --terragrunt-working-dir --working-dir --terragrunt-config --config --terragrunt-source --source",
	bools: terraformCLI.bools + " --terragrunt-non-interactive --non-interactive --all --terragrunt-include-external-dependencies " +
		"--terragrunt-ignore-dependency-errors",
	help:   "-help -h",
	custom: terraformCustom,
}

// dataMarkers mark resource types and addresses that hold data.
var iacDataMarkers = []string{"db_instance", "rds", "database", "_db", "db.", "sql", "dynamodb", "volume", "disk", "bucket", "s3", "efs",
	"file_system", "filestore", "elasticache", "redis", "redshift", "bigtable", "spanner", "storage_account", "cosmosdb", "postgres",
	"mysql", "mongo", "kinesis", "docdb", "documentdb", "neptune", "opensearch", "elasticsearch", "firestore", "backup", "snapshot",
	"persistent_volume", "pvc", "kms", "secret"}

func iacDataAddress(addr string) bool {
	a := strings.ToLower(addr)
	for _, m := range iacDataMarkers {
		if strings.Contains(a, m) {
			return true
		}
	}
	return false
}

// iacSub finds the subcommand word, skipping terragrunt's run-all / run
// --all, and returns its index in c.words, or -1.
func (c *cloudCall) iacSub(skip ...string) int {
	for k, w := range c.words {
		if w.maybe || cloudOneOf(w.value, skip) {
			continue
		}
		return k
	}
	return -1
}

// iacPlace is where a configuration lives: -chdir, --cwd, or the agent's
// working directory when known.
func (c *cloudCall) iacPlace(opts ...string) string {
	if v, _, ok := c.optValue(opts...); ok {
		return v
	}
	return c.inv.w.cwd
}

// iacFlag reports a finding with the word's span and the given ones.
func (c *cloudCall) iacFlag(rule, target, reason string, k int, spans ...Span) {
	all := c.inv.SpanOf(c.words[k].arg)
	c.inv.Flag(rule, target, reason, append(all, spans...)...)
}

// values returns the values of options (all occurrences) and their spans.
func (c *cloudCall) values(names ...string) (vals []string, spans []Span) {
	for i, a := range c.inv.Args {
		v := a.Value
		if v == "--" {
			break
		}
		for _, n := range names {
			switch {
			case v == n && i+1 < len(c.inv.Args):
				vals, spans = append(vals, shownArg(c.inv.Args[i+1])), append(spans, c.inv.Args[i+1].Span)
			case strings.HasPrefix(v, n+"="):
				vals, spans = append(vals, shownArg(a)[len(n)+1:]), append(spans, a.Span)
			}
		}
	}
	return vals, spans
}

func (c *cloudCall) flagSpan(flags string) []Span {
	return c.inv.SpanOf(c.flagIndex(flags))
}

func terraformCustom(c *cloudCall) bool {
	tool := c.inv.Name
	k := c.iacSub("run-all", "run", "--")
	if k < 0 {
		return true
	}
	sub := c.words[k].value
	next := ""
	if k+1 < len(c.words) {
		next = c.words[k+1].value
	}
	noPrompt := "-auto-approve --auto-approve"
	if tool == "terragrunt" {
		noPrompt += " --terragrunt-non-interactive --non-interactive"
	}
	unattended := c.has(noPrompt)
	place := c.iacPlace("-chdir", "--terragrunt-working-dir", "--working-dir")
	targets, tspans := c.values("-target", "--target")
	targets = capCloudNames(targets)
	where := "the configuration"
	if place != "" {
		where += " in " + place
	}
	if tool == "terragrunt" && (c.words[0].value == "run-all" || c.has("--all")) {
		where = "every module under " + orHere(place)
	}
	target := place
	// Variable files and the workspace often name the environment
	// (prod.tfvars, TF_WORKSPACE=prod).
	extra, _ := c.values("-var-file", "--var-file")
	if ws := c.envVar("TF_WORKSPACE"); ws != "" {
		extra = append(extra, "workspace "+ws)
	}
	if len(extra) > 0 {
		target = strings.TrimSpace(target + " (" + strings.Join(extra, ", ") + ")")
	}
	what := "every resource managed by " + where
	if len(targets) > 0 {
		what = strings.Join(targets, ", ") + " and whatever depends on " + itThem(len(targets)) + " in " + where
		target = strings.Join(targets, " ")
		if place != "" {
			target += " (" + place + ")"
		}
	}
	switch {
	case sub == "destroy" || sub == "destroy-all" || (sub == "apply" || sub == "apply-all") && c.has("-destroy --destroy"):
		if unattended {
			c.iacFlag("cloud.iac-destroy-unattended", target, tool+" destroys "+what+" without asking for confirmation", k,
				append(c.flagSpan(noPrompt), tspans...)...)
		} else {
			c.iacFlag("cloud.iac-destroy", target, tool+" destroys "+what+" once the prompt is answered yes", k, tspans...)
		}
	case sub == "apply" || sub == "apply-all":
		replaced, rspans := c.values("-replace", "--replace")
		for i, r := range replaced {
			if iacDataAddress(r) {
				c.iacFlag("cloud.iac-replace-data", r, "replaces "+r+": the old resource is destroyed with its data and an empty one created", k, rspans[i])
				return true
			}
		}
		// A saved plan was reviewed when it was made, and applies without
		// a prompt; one named for destroying is most likely a destroy plan
		// (terraform plan -destroy -out destroy.tfplan && terraform apply
		// destroy.tfplan).
		if plan, sp := c.wordAfter(k); plan != "" && strings.Contains(strings.ToLower(plan), "destroy") {
			c.iacFlag("cloud.iac-destroy-unattended", plan, tool+" applies the saved plan "+plan+", by its name a destroy plan, without asking for confirmation", k, sp...)
			return true
		}
		if unattended && !c.hasPlanFile(k) {
			c.iacFlag("cloud.iac-apply-unattended", target, tool+" applies changes to "+where+" without showing the plan for approval; whatever it replaces or destroys goes without review", k, c.flagSpan(noPrompt)...)
		}
	case sub == "taint":
		addr, sp := c.wordAfter(k)
		if iacDataAddress(addr) {
			c.iacFlag("cloud.iac-replace-data", addr, "marks "+addr+" for replacement: the next apply destroys it with its data and creates an empty one", k, sp...)
		} else {
			c.iacFlag("cloud.iac-state-edit", addr, "marks "+addr+" for replacement: the next apply destroys and recreates it", k, sp...)
		}
	case sub == "state" && next == "rm":
		addr, sp := c.wordAfter(k + 1)
		c.iacFlag("cloud.iac-state-edit", addr, "stops managing "+addr+": "+tool+" forgets it, the resource keeps running, and a later apply may create a duplicate", k+1, sp...)
	case sub == "state" && next == "push":
		if c.has("-force --force") {
			c.iacFlag("cloud.iac-state-force", place, "overwrites the remote state with a local file by force (-force), skipping the checks that stop a stale state replacing a newer one", k+1, c.flagSpan("-force --force")...)
		} else {
			c.iacFlag("cloud.iac-state-edit", place, "overwrites the remote state with a local file", k+1)
		}
	case sub == "workspace" && next == "delete":
		name, sp := c.wordAfter(k + 1)
		if c.has("-force --force") {
			c.iacFlag("cloud.iac-state-force", name, "deletes workspace "+name+" and its state by force though it may still track resources; they are orphaned: nothing manages or destroys them any more", k+1, append(sp, c.flagSpan("-force --force")...)...)
		} else {
			c.iacFlag("cloud.iac-state-edit", name, "deletes workspace "+name+" and its state (refused while it still tracks resources)", k+1, sp...)
		}
	case sub == "force-unlock":
		c.iacFlag("cloud.iac-state-edit", place, "removes the state lock; if another run is still going, both may write the state and corrupt it", k)
	}
	return true
}

// capCloudNames keeps a long list of names readable.
func capCloudNames(names []string) []string {
	if len(names) > 8 {
		return append(names[:8:8], fmt.Sprintf("and %d more", len(names)-8))
	}
	return names
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func orHere(p string) string {
	if p == "" {
		return "the current directory"
	}
	return p
}

// wordAfter is the first positional word after c.words[k], as shown, and
// its span.
func (c *cloudCall) wordAfter(k int) (string, []Span) {
	for _, w := range c.words[k+1:] {
		if !w.maybe {
			return shownArg(c.inv.Args[w.arg]), []Span{c.inv.Args[w.arg].Span}
		}
	}
	if k+1 < len(c.words) {
		w := c.words[k+1]
		return shownArg(c.inv.Args[w.arg]), []Span{c.inv.Args[w.arg].Span}
	}
	return "", nil
}

// hasPlanFile reports terraform apply PLANFILE.
func (c *cloudCall) hasPlanFile(k int) bool {
	for _, w := range c.words[k+1:] {
		if !w.maybe {
			return true
		}
	}
	return false
}

var pulumiCLI = &cloudCLI{
	names:  []string{"pulumi"},
	values: "-C --cwd -s --stack --color --config-file --exclude -t --target --replace --target-replace -m --message -p --parallel --secrets-provider -v --verbose",
	bools:  "-y --yes --skip-preview -f --refresh -r --remove --diff --json -j --exclude-protected --target-dependents --non-interactive --force --show-secrets",
	dry:    "--preview-only",
	help:   "-h",
	custom: func(c *cloudCall) bool {
		k := c.iacSub()
		if k < 0 {
			return true
		}
		sub := c.words[k].value
		next := ""
		if k+1 < len(c.words) {
			next = c.words[k+1].value
		}
		stack, _, _ := c.optValue("-s", "--stack")
		place := c.iacPlace("-C", "--cwd")
		where := "the current Pulumi stack"
		if stack != "" {
			where = "Pulumi stack " + stack
		}
		if place != "" {
			where += " of " + place
		}
		target := strings.TrimSpace(stack + " " + place)
		targets, tspans := c.values("-t", "--target")
		targets = capCloudNames(targets)
		what := "every resource in " + where
		if len(targets) > 0 {
			what = strings.Join(targets, ", ") + " in " + where
			target = strings.Join(targets, " ")
		}
		unattended := c.has("-y --yes")
		switch {
		case sub == "destroy" || sub == "down" || sub == "dn":
			if unattended {
				c.iacFlag("cloud.iac-destroy-unattended", target, "pulumi destroys "+what+" without asking for confirmation", k, append(c.flagSpan("-y --yes"), tspans...)...)
			} else {
				c.iacFlag("cloud.iac-destroy", target, "pulumi destroys "+what+" once the prompt is answered yes", k, tspans...)
			}
		case sub == "up" || sub == "update":
			replaced, rspans := c.values("--replace", "--target-replace")
			for i, r := range replaced {
				if iacDataAddress(r) {
					c.iacFlag("cloud.iac-replace-data", r, "replaces "+r+": the old resource is destroyed with its data and an empty one created", k, rspans[i])
					return true
				}
			}
			if unattended {
				c.iacFlag("cloud.iac-apply-unattended", target, "pulumi applies changes to "+where+" without showing the preview for approval; whatever it replaces or deletes goes without review", k, c.flagSpan("-y --yes")...)
			}
		case sub == "stack" && next == "rm":
			name, sp := c.wordAfter(k + 1)
			if name == "" {
				name = stack
			}
			if c.has("-f --force") {
				c.iacFlag("cloud.iac-state-force", name, "removes Pulumi stack "+orCurrent(name)+" and its state by force though it still tracks resources; they are orphaned: nothing manages or destroys them any more", k+1, append(sp, c.flagSpan("-f --force")...)...)
			} else {
				c.iacFlag("cloud.iac-state-edit", name, "removes Pulumi stack "+orCurrent(name)+" and its configuration and history (refused while it still has resources)", k+1, sp...)
			}
		case sub == "state" && next == "delete":
			urn, sp := c.wordAfter(k + 1)
			c.iacFlag("cloud.iac-state-edit", urn, "removes "+urn+" from the stack's state: the resource keeps running and nothing manages it any more", k+1, sp...)
		}
		return true
	},
}

func orCurrent(name string) string {
	if name == "" {
		return "(the current stack)"
	}
	return name
}

var cdkCLI = &cloudCLI{
	names:  []string{"cdk"},
	values: "-a --app -c --context --profile -o --output --role-arn --toolkit-stack-name",
	bools:  "--all --exclusively -e -f --force --verbose --debug",
	help:   "-h",
	custom: func(c *cloudCall) bool {
		k := c.iacSub()
		if k < 0 || c.words[k].value != "destroy" {
			return true
		}
		var names []string
		var spans []Span
		for _, w := range c.words[k+1:] {
			names, spans = append(names, shownArg(c.inv.Args[w.arg])), append(spans, c.inv.Args[w.arg].Span)
		}
		what := "CDK stacks " + strings.Join(names, ", ")
		if len(names) == 0 || c.has("--all") {
			what = "every stack of the CDK app"
		}
		what += " and every resource in them (except those it retains)"
		target := strings.Join(names, " ")
		if c.has("-f --force") {
			c.iacFlag("cloud.iac-destroy-unattended", target, "cdk destroys "+what+" without asking for confirmation", k, append(spans, c.flagSpan("-f --force")...)...)
		} else {
			c.iacFlag("cloud.iac-destroy", target, "cdk destroys "+what+" once the prompt is answered yes", k, spans...)
		}
		return true
	},
}

var samCLI = &cloudCLI{
	names:  []string{"sam"},
	values: "--stack-name --region --profile --config-file --config-env --s3-bucket --s3-prefix",
	bools:  "--no-prompts --debug",
	help:   "-h",
	custom: func(c *cloudCall) bool {
		k := c.iacSub()
		if k < 0 || c.words[k].value != "delete" {
			return true
		}
		name, sp, _ := c.optValue("--stack-name")
		what := "the SAM application's CloudFormation stack"
		if name != "" {
			what = "CloudFormation stack " + name
		}
		what += " and every resource in it, and its deployment artifacts"
		if c.has("--no-prompts") {
			c.iacFlag("cloud.iac-destroy-unattended", name, "sam deletes "+what+" without asking for confirmation", k, append([]Span{sp}, c.flagSpan("--no-prompts")...)...)
		} else {
			c.iacFlag("cloud.iac-destroy", name, "sam deletes "+what+" once the prompt is answered yes", k, sp)
		}
		return true
	},
}

var serverlessCLI = &cloudCLI{
	names:  []string{"serverless", "sls"},
	values: "-s --stage -r --region --aws-profile -c --config --app --org",
	bools:  "--verbose --debug",
	help:   "-h",
	custom: func(c *cloudCall) bool {
		k := c.iacSub()
		if k < 0 || c.words[k].value != "remove" {
			return true
		}
		stage, sp, ok := c.optValue("-s", "--stage")
		what := "the default stage of the Serverless service"
		if ok {
			what = "stage " + stage + " of the Serverless service"
		}
		spans := []Span{}
		if ok {
			spans = append(spans, sp)
		}
		c.iacFlag("cloud.iac-destroy", stage, c.inv.Name+" removes "+what+": its CloudFormation stack and every function, table and bucket it created", k, spans...)
		return true
	},
}
