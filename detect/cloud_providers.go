package detect

import (
	"strings"
)

// The provider CLIs' tables. Reasons start lowercase and name the
// consequence; %s is the noun and the name ("RDS instance orders").

// cloudCLIs lists every CLI the cloud analysers handle.
var cloudCLIs = []*cloudCLI{
	awsCLI, gcloudCLI, gsutilCLI, bqCLI, azCLI, doctlCLI, flyCLI, herokuCLI, railwayCLI, vercelCLI,
	netlifyCLI, supabaseCLI, neonCLI, pscaleCLI, firebaseCLI, renderCLI,
	kubectlCLI, helmCLI, terraformCLI, terragruntCLI, pulumiCLI, cdkCLI, samCLI, serverlessCLI,
	dockerCLI, composeCLI,
	s3cmdCLI, s5cmdCLI, mcCLI, rcloneCLI, azcopyCLI, wranglerCLI, eksctlCLI, hcloudCLI, otherCloudCLI,
}

const (
	whyBucketEmpty = "deletes %s (it must be empty); its name, policy and settings go with it and anyone can claim the name"
	whyPrefix      = "deletes every object under %s; object deletes cannot be undone unless the bucket keeps versions"
	whyObject      = "deletes the object %s; it cannot be undone unless the bucket keeps versions"
	whySync        = "deletes whatever in %s is not in the source: a wrong or empty source empties it"
	whySnapshot    = "deletes %s, one of the copies that make other mistakes recoverable"
	whyDBServer    = "deletes %s and every database on it"
	whyService     = "deletes %s; whatever depends on it fails until it is rebuilt"
)

// rdsNoFinalSnapshot: RDS, DocumentDB and Neptune delete automated backups
// with the instance unless told to keep them.
func rdsNoFinalSnapshot(c *cloudCall) bool {
	return c.has("--skip-final-snapshot") && !c.has("--no-delete-automated-backups")
}

func optIs(name string, values ...string) func(c *cloudCall) bool {
	return func(c *cloudCall) bool {
		v, _, ok := c.optValue(name)
		return ok && cloudOneOf(strings.ToLower(v), values)
	}
}

// anyOperand reports whether an operand after the command path satisfies f.
func anyOperand(f func(string) bool) func(c *cloudCall) bool {
	return func(c *cloudCall) bool {
		for _, w := range c.operands() {
			if f(w.value) {
				return true
			}
		}
		return false
	}
}

// wildcardEverything: gs://bucket/** or gs://bucket/* deletes everything.
var wildcardEverything = anyOperand(func(v string) bool {
	return strings.Contains(v, "**") || strings.HasSuffix(v, "/*") || strings.HasSuffix(v, "/"+unknown)
})

var awsCLI = &cloudCLI{
	names: []string{"aws"},
	values: "--profile --region --output --endpoint-url --query --cli-read-timeout --cli-connect-timeout --ca-bundle --color " +
		"--cli-binary-format --cli-input-json --cli-input-yaml --max-items --page-size --starting-token --exclude --include " +
		"--acl --storage-class --sse --sse-kms-key-id --content-type --cache-control --expires --metadata-directive " +
		"--final-db-snapshot-identifier --recovery-window-in-days --pending-window-in-days --backup-retention-period",
	bools: "--debug --no-verify-ssl --no-paginate --no-sign-request --no-cli-pager --cli-auto-prompt --no-cli-auto-prompt " +
		"--force --recursive --quiet --only-show-errors --delete --exact-timestamps --size-only --follow-symlinks " +
		"--skip-final-snapshot --no-skip-final-snapshot --delete-automated-backups --no-delete-automated-backups " +
		"--force-delete-without-recovery --force-delete --skip-final-cluster-snapshot --apply-immediately",
	scope:   []scopeOpt{{"profile", []string{"--profile"}, "AWS_PROFILE"}},
	dry:     "--dryrun --dry-run",
	lists:   true,
	generic: true,
	custom: func(c *cloudCall) bool {
		// LocalStack and other emulators on this machine hold test data.
		v, _, ok := c.optValue("--endpoint-url")
		return ok && isLocalEndpoint(v)
	},
	ops: []cloudOp{
		// S3
		o("s3 rb", "cloud.bucket-delete", "S3 bucket", "1", "deletes %s and every object in it; S3 deletes cannot be undone unless the bucket keeps versions").ifFlag("--force"),
		o("s3 rb", "cloud.bucket-delete", "S3 bucket", "1", whyBucketEmpty),
		o("s3 rm", "cloud.bucket-delete", "", "1", whyPrefix).ifFlag("--recursive"),
		o("s3 rm", "cloud.object-delete", "", "1", whyObject),
		o("s3 sync", "cloud.sync-delete", "", "2", whySync).ifFlag("--delete"),
		o("s3api delete-bucket", "cloud.bucket-delete", "S3 bucket", "--bucket", whyBucketEmpty),
		o("s3api delete-objects", "cloud.bucket-delete", "S3 bucket", "--bucket", "deletes every object listed in its --delete batch from %s; object deletes cannot be undone unless the bucket keeps versions"),
		o("s3api delete-object", "cloud.object-delete", "", "--key", whyObject),
		// Relational databases and their backups
		o("rds|docdb|neptune delete-db-instance", "cloud.delete-with-backups", "database instance", "--db-instance-identifier",
			"deletes %s without a final snapshot, and its automated backups go with it: nothing is left to restore from").when(rdsNoFinalSnapshot),
		o("rds|docdb|neptune delete-db-cluster", "cloud.delete-with-backups", "database cluster", "--db-cluster-identifier",
			"deletes %s without a final snapshot, and its automated backups go with it: nothing is left to restore from").when(rdsNoFinalSnapshot),
		o("rds|docdb|neptune delete-db-instance", "cloud.database-delete", "database instance", "--db-instance-identifier",
			"deletes %s; only a final snapshot or retained backups are left to restore from"),
		o("rds|docdb|neptune delete-db-cluster", "cloud.database-delete", "database cluster", "--db-cluster-identifier",
			"deletes %s; only a final snapshot or retained backups are left to restore from"),
		o("rds delete-global-cluster", "cloud.database-delete", "global database cluster", "--global-cluster-identifier", "deletes %s"),
		o("rds|docdb|neptune delete-db-snapshot|delete-db-cluster-snapshot", "cloud.backup-delete", "database snapshot",
			"--db-snapshot-identifier --db-cluster-snapshot-identifier", whySnapshot),
		o("rds delete-db-instance-automated-backup|delete-db-cluster-automated-backup", "cloud.backup-delete", "automated backups",
			"--dbi-resource-id --db-cluster-resource-id --db-instance-automated-backups-arn --db-cluster-automated-backups-arn", whySnapshot),
		o("rds modify-db-instance|modify-db-cluster", "cloud.backup-delete", "database", "--db-instance-identifier --db-cluster-identifier",
			"turns off automated backups of %s (retention 0), which deletes the existing ones").when(optIs("--backup-retention-period", "0")),
		o("redshift delete-cluster", "cloud.delete-with-backups", "Redshift cluster", "--cluster-identifier",
			"deletes %s without a final snapshot; its automated snapshots go with it").ifFlag("--skip-final-cluster-snapshot"),
		o("redshift delete-cluster", "cloud.database-delete", "Redshift cluster", "--cluster-identifier", "deletes %s; only its final snapshot is left"),
		o("redshift delete-cluster-snapshot", "cloud.backup-delete", "Redshift snapshot", "--snapshot-identifier", whySnapshot),
		o("lightsail delete-relational-database", "cloud.database-delete", "Lightsail database", "--relational-database-name",
			"deletes %s; only its final snapshot is left").ifFlag("--no-skip-final-snapshot"),
		o("lightsail delete-relational-database", "cloud.delete-with-backups", "Lightsail database", "--relational-database-name",
			"deletes %s without a final snapshot (the default), and its automatic snapshots go with it"),
		// Other data stores
		o("dynamodb delete-table", "cloud.database-delete", "DynamoDB table", "--table-name", "deletes %s and every item in it; its point-in-time recovery backups go with it"),
		o("dynamodb delete-backup", "cloud.backup-delete", "DynamoDB backup", "--backup-arn", whySnapshot),
		o("dynamodb delete-item", "cloud.object-delete", "DynamoDB table", "--table-name", "deletes an item from %s"),
		o("elasticache delete-cache-cluster|delete-replication-group|delete-serverless-cache", "cloud.database-delete", "ElastiCache cluster",
			"--cache-cluster-id --replication-group-id --serverless-cache-name", "deletes %s and the data cached in it"),
		o("elasticache delete-snapshot|delete-serverless-cache-snapshot", "cloud.backup-delete", "ElastiCache snapshot", "--snapshot-name --serverless-cache-snapshot-name", whySnapshot),
		o("memorydb delete-cluster", "cloud.database-delete", "MemoryDB cluster", "--cluster-name", "deletes %s and its data"),
		o("opensearch delete-domain", "cloud.database-delete", "OpenSearch domain", "--domain-name", "deletes %s and every index in it"),
		o("es delete-elasticsearch-domain", "cloud.database-delete", "Elasticsearch domain", "--domain-name", "deletes %s and every index in it"),
		o("keyspaces delete-keyspace|delete-table", "cloud.database-delete", "", "--table-name --keyspace-name", "%c deletes %s and its data"),
		o("timestream-write delete-database|delete-table", "cloud.database-delete", "", "--table-name --database-name", "%c deletes %s and its data"),
		o("qldb delete-ledger", "cloud.database-delete", "QLDB ledger", "--name", "deletes %s and its journal"),
		o("cognito-idp delete-user-pool", "cloud.database-delete", "Cognito user pool", "--user-pool-id", "deletes %s and every user account in it; the users cannot be restored"),
		// Compute, volumes, file systems, backups
		o("ec2 terminate-instances", "cloud.compute-delete", "EC2 instances", "--instance-ids",
			"terminates %s; their instance-store data and every EBS volume set to delete on termination are destroyed"),
		o("ec2 delete-volume", "cloud.volume-delete", "EBS volume", "--volume-id", "deletes %s and the data on it"),
		o("ec2 delete-snapshot", "cloud.backup-delete", "EBS snapshot", "--snapshot-id", whySnapshot),
		o("efs delete-file-system", "cloud.volume-delete", "EFS file system", "--file-system-id", "deletes %s and every file on it"),
		o("fsx delete-file-system", "cloud.volume-delete", "FSx file system", "--file-system-id", "deletes %s and every file on it"),
		o("fsx delete-volume", "cloud.volume-delete", "FSx volume", "--volume-id", "deletes %s and every file on it"),
		o("fsx delete-backup", "cloud.backup-delete", "FSx backup", "--backup-id", whySnapshot),
		o("lightsail delete-disk", "cloud.volume-delete", "Lightsail disk", "--disk-name", "deletes %s and the data on it"),
		o("lightsail delete-bucket", "cloud.bucket-delete", "Lightsail bucket", "--bucket-name", "deletes %s and (with --force-delete) every object in it"),
		o("lightsail delete-instance", "cloud.compute-delete", "Lightsail instance", "--instance-name", "deletes %s and its disk"),
		o("backup delete-recovery-point", "cloud.backup-delete", "recovery point", "--recovery-point-arn", whySnapshot),
		o("backup delete-backup-vault", "cloud.backup-delete", "backup vault", "--backup-vault-name", "deletes %s, where backups are kept"),
		o("backup delete-backup-plan|delete-backup-selection", "cloud.backup-delete", "backup plan", "--backup-plan-id",
			"deletes %s, so the resources it covered are no longer backed up"),
		o("glacier delete-vault|delete-archive", "cloud.backup-delete", "", "--archive-id --vault-name", "%c deletes %s, archived data kept for recovery"),
		o("eks delete-cluster", "cloud.compute-delete", "EKS cluster", "--name", "deletes %s and every workload running in it"),
		o("emr terminate-clusters", "cloud.compute-delete", "EMR clusters", "--cluster-ids", "terminates %s and the data on their local disks and HDFS"),
		o("elasticbeanstalk terminate-environment", "cloud.compute-delete", "Elastic Beanstalk environment", "--environment-name --environment-id",
			"terminates %s with its instances, and the database it created if any"),
		o("autoscaling delete-auto-scaling-group", "cloud.compute-delete", "Auto Scaling group", "--auto-scaling-group-name",
			"deletes %s and terminates every instance in it").ifFlag("--force-delete"),
		// Stacks, accounts
		o("cloudformation delete-stack", "cloud.stack-delete", "CloudFormation stack", "--stack-name",
			"deletes %s and every resource it created (except those with a Retain policy)"),
		o("organizations close-account", "cloud.project-delete", "AWS account", "--account-id", "closes %s; everything in it is deleted for good after the post-closure period"),
		o("organizations delete-organization", "cloud.project-delete", "", "", "deletes the AWS organization, with its policies and account structure").anonAs("the organization"),
		o("organizations remove-account-from-organization", "cloud.iam-delete", "AWS account", "--account-id", "removes %s from the organization and its policies and billing"),
		// Services
		o("lambda delete-function", "cloud.service-delete", "Lambda function", "--function-name", whyService),
		o("ecs delete-service", "cloud.service-delete", "ECS service", "--service", whyService),
		o("ecs delete-cluster", "cloud.service-delete", "ECS cluster", "--cluster", whyService),
		o("eks delete-nodegroup", "cloud.service-delete", "EKS node group", "--nodegroup-name", "deletes %s; its workloads are evicted and must fit elsewhere"),
		o("autoscaling delete-auto-scaling-group", "cloud.service-delete", "Auto Scaling group", "--auto-scaling-group-name", whyService),
		o("apprunner delete-service", "cloud.service-delete", "App Runner service", "--service-arn", whyService),
		o("sqs delete-queue", "cloud.service-delete", "SQS queue", "--queue-url", "deletes %s and every message waiting in it"),
		o("sqs purge-queue", "cloud.service-delete", "SQS queue", "--queue-url", "deletes every message waiting in %s"),
		o("sns delete-topic", "cloud.service-delete", "SNS topic", "--topic-arn", "deletes %s and its subscriptions"),
		o("kinesis delete-stream", "cloud.service-delete", "Kinesis stream", "--stream-name --stream-arn", "deletes %s and every record it holds"),
		o("route53 delete-hosted-zone", "cloud.service-delete", "Route 53 hosted zone", "--id", "deletes %s; names in it stop resolving"),
		o("cloudfront delete-distribution", "cloud.service-delete", "CloudFront distribution", "--id", whyService),
		o("elbv2|elb delete-load-balancer", "cloud.service-delete", "load balancer", "--load-balancer-arn --load-balancer-name", whyService),
		o("apigateway delete-rest-api", "cloud.service-delete", "API Gateway API", "--rest-api-id", whyService),
		o("apigatewayv2 delete-api", "cloud.service-delete", "API Gateway API", "--api-id", whyService),
		o("ecr delete-repository", "cloud.service-delete", "ECR repository", "--repository-name", "deletes %s and (with --force) every image in it"),
		// Identities, logs, secrets, keys
		o("iam delete-user", "cloud.iam-delete", "IAM user", "--user-name", "deletes %s; whoever and whatever signs in as it loses access"),
		o("iam delete-role", "cloud.iam-delete", "IAM role", "--role-name", "deletes %s; every service assuming it loses access, and a new role of the same name is not trusted in its place"),
		o("iam delete-group|delete-policy|delete-instance-profile|delete-saml-provider|delete-open-id-connect-provider", "cloud.iam-delete", "",
			"--group-name --policy-arn --instance-profile-name --saml-provider-arn --open-id-connect-provider-arn", "%c removes %s; whatever relies on it loses access"),
		o("iam delete-*", "cloud.credential-delete", "", "--access-key-id --user-name --role-name --policy-name --policy-arn",
			"%c removes %s; whatever uses it stops working"),
		o("logs delete-log-group", "cloud.logs-delete", "log group", "--log-group-name", "deletes %s and every log event in it"),
		o("logs delete-log-stream", "cloud.logs-delete", "log stream", "--log-stream-name", "deletes %s and every log event in it"),
		o("cloudtrail delete-trail|stop-logging", "cloud.logs-delete", "CloudTrail trail", "--name", "stops %s, so account activity is no longer recorded for audit"),
		o("secretsmanager delete-secret", "cloud.secret-delete", "secret", "--secret-id",
			"deletes %s immediately with no recovery window; its value is gone").ifFlag("--force-delete-without-recovery"),
		o("secretsmanager delete-secret", "cloud.secret-delete-recoverable", "secret", "--secret-id",
			"schedules %s for deletion; restore-secret can bring it back until the recovery window ends"),
		o("ssm delete-parameter|delete-parameters", "cloud.secret-delete", "SSM parameter", "--name --names", "deletes %s; Parameter Store keeps no copy"),
		o("kms schedule-key-deletion", "cloud.key-delete", "KMS key", "--key-id",
			"schedules %s for deletion; when the waiting period ends, everything encrypted under it is unreadable for good"),
		o("kms delete-imported-key-material", "cloud.key-delete", "KMS key", "--key-id", "deletes the key material of %s; data encrypted under it is unreadable until the same material is imported again"),
	},
}

var gcloudCLI = &cloudCLI{
	names: []string{"gcloud"},
	values: "--account --configuration --format --verbosity --impersonate-service-account --billing-project --flags-file --flatten " +
		"--trace-token --access-token-file --zone --region --instance --location --filter --sort-by --limit --page-size --cluster " +
		"--keyring --key --dataset --keep-disks --delete-disks --service --ssh-key-file",
	bools:    "--async --log-http --user-output-enabled --no-user-output-enabled --recursive -r -R --all-versions -a --continue-on-error --delete-unmatched-destination-objects --force",
	scope:    []scopeOpt{{"project", []string{"--project"}, "CLOUDSDK_CORE_PROJECT"}},
	noPrompt: "-q --quiet",
	help:     "-h",
	prefixes: "alpha beta preview",
	generic:  true,
	custom: func(c *cloudCall) bool {
		if c.match(cloudPath("compute ssh|scp")) {
			c.followString("--command")
			return true
		}
		return false
	},
	ops: []cloudOp{
		o("sql instances delete", "cloud.delete-with-backups", "Cloud SQL instance", "1+",
			"deletes %s together with all its automated and on-demand backups: nothing is left to restore from"),
		o("sql instances restore-backup", "cloud.database-reset", "Cloud SQL instance", "1",
			"overwrites every database on %s with the backup; everything written since it is lost"),
		o("sql databases delete", "cloud.database-delete", "Cloud SQL database", "1", "deletes %s and every table in it"),
		o("sql backups delete", "cloud.backup-delete", "Cloud SQL backup", "1", whySnapshot),
		o("spanner instances delete", "cloud.database-delete", "Spanner instance", "1", whyDBServer),
		o("spanner databases delete", "cloud.database-delete", "Spanner database", "1", "deletes %s and its data"),
		o("spanner backups delete", "cloud.backup-delete", "Spanner backup", "1", whySnapshot),
		o("bigtable instances delete", "cloud.database-delete", "Bigtable instance", "1+", "deletes %s and every table in it"),
		o("bigtable instances tables delete", "cloud.database-delete", "Bigtable table", "1", "deletes %s and its data"),
		o("firestore databases delete", "cloud.database-delete", "Firestore database", "--database 1", "deletes %s and every document in it"),
		o("alloydb clusters delete", "cloud.database-delete", "AlloyDB cluster", "1", "deletes %s and its data"),
		o("alloydb backups delete", "cloud.backup-delete", "AlloyDB backup", "1", whySnapshot),
		o("redis|memcache instances delete", "cloud.database-delete", "Memorystore instance", "1", "deletes %s and the data in it"),
		o("compute instances delete", "cloud.compute-delete", "VM", "1+", "deletes %s along with boot disks and every disk set to auto-delete"),
		o("compute instances reset|stop|start|suspend|resume", "", "", "", ""),
		o("compute instance-groups managed delete", "cloud.compute-delete", "managed instance group", "1", "deletes %s and every VM in it"),
		o("compute disks delete", "cloud.volume-delete", "persistent disk", "1+", "deletes %s and the data on it"),
		o("compute snapshots|machine-images delete", "cloud.backup-delete", "snapshot", "1+", whySnapshot),
		o("projects delete", "cloud.project-delete", "project", "1",
			"shuts down %s: every resource in it stops at once and is deleted for good after 30 days"),
		o("storage rm", "cloud.bucket-delete", "", "1+", whyPrefix).ifFlag("-r -R --recursive"),
		o("storage rm", "cloud.bucket-delete", "", "1+", "deletes every object matching %s; object deletes cannot be undone unless the bucket keeps versions").when(wildcardEverything),
		o("storage rm", "cloud.object-delete", "", "1+", whyObject),
		o("storage buckets delete", "cloud.bucket-delete", "Cloud Storage bucket", "1+", whyBucketEmpty),
		o("storage rsync", "cloud.sync-delete", "", "2", whySync).ifFlag("--delete-unmatched-destination-objects"),
		o("container clusters delete", "cloud.compute-delete", "GKE cluster", "1", "deletes %s and every workload running in it"),
		o("container node-pools delete", "cloud.service-delete", "GKE node pool", "1", "deletes %s; its workloads are evicted and must fit elsewhere"),
		o("filestore instances delete", "cloud.volume-delete", "Filestore instance", "1", "deletes %s and every file on it"),
		o("filestore backups delete", "cloud.backup-delete", "Filestore backup", "1", whySnapshot),
		o("functions delete", "cloud.service-delete", "Cloud Function", "1", whyService),
		o("run services delete", "cloud.service-delete", "Cloud Run service", "1", whyService),
		o("run jobs delete", "cloud.service-delete", "Cloud Run job", "1", whyService),
		o("app services delete", "cloud.service-delete", "App Engine service", "1+", whyService),
		o("pubsub topics delete", "cloud.service-delete", "Pub/Sub topic", "1+", whyService),
		o("pubsub subscriptions delete", "cloud.service-delete", "Pub/Sub subscription", "1+", "deletes %s and the messages waiting in it"),
		o("dns managed-zones delete", "cloud.service-delete", "DNS zone", "1", "deletes %s; names in it stop resolving"),
		o("artifacts repositories delete", "cloud.service-delete", "Artifact Registry repository", "1", "deletes %s and every image or package in it"),
		o("kms keys versions destroy", "cloud.key-delete", "KMS key version", "1",
			"schedules %s for destruction; data encrypted under it becomes unreadable for good"),
		o("secrets delete", "cloud.secret-delete", "secret", "1", "deletes %s and every version of it; Secret Manager keeps no copy"),
		o("secrets versions destroy", "cloud.secret-delete", "secret version", "1", "destroys %s; its value is gone"),
		o("iam service-accounts keys delete", "cloud.credential-delete", "service account key", "1", "deletes %s; whatever uses it stops working"),
		o("iam service-accounts delete", "cloud.iam-delete", "service account", "1", "deletes %s; every workload running as it loses access"),
		o("iam roles delete", "cloud.iam-delete", "custom role", "1", "deletes %s; its grants stop working"),
		o("logging buckets delete", "cloud.logs-delete", "log bucket", "1", "deletes %s and the logs in it"),
		o("logging logs delete", "cloud.logs-delete", "log", "1", "deletes every entry of %s"),
		o("deployment-manager deployments delete", "cloud.stack-delete", "deployment", "1+", "deletes %s and every resource it created"),
	},
}

var gsutilCLI = &cloudCLI{
	names:   []string{"gsutil"},
	values:  "-h -o -u -i -p",
	bools:   "-m -q -D -d -r -R -a -f -I -e -n -c -C -U",
	dry:     "-n",
	generic: true,
	ops: []cloudOp{
		o("rm", "cloud.bucket-delete", "", "1+", whyPrefix).ifFlag("-r -R"),
		o("rm", "cloud.bucket-delete", "", "1+", "deletes every object matching %s; object deletes cannot be undone unless the bucket keeps versions").when(wildcardEverything),
		o("rm", "cloud.object-delete", "", "1+", whyObject),
		o("rb", "cloud.bucket-delete", "Cloud Storage bucket", "1+", whyBucketEmpty),
		o("rsync", "cloud.sync-delete", "", "2", whySync).ifFlag("-d"),
	},
}

var bqCLI = &cloudCLI{
	names:   []string{"bq"},
	values:  "--location --dataset_id --format --api --apilog --bigqueryrc --credential_file --service_account --job_id",
	bools:   "-r -f -d -t -m --recursive --force --dataset --table --model -q --quiet --headless",
	scope:   []scopeOpt{{"project", []string{"--project_id"}, ""}},
	generic: true,
	ops: []cloudOp{
		o("rm", "cloud.database-delete", "BigQuery dataset", "1", "deletes %s and every table in it").ifFlag("-r --recursive -d --dataset"),
		o("rm", "cloud.database-delete", "BigQuery table", "1", "deletes %s and its data (time travel can bring it back for a few days at most)"),
	},
}

var azCLI = &cloudCLI{
	names: []string{"az"},
	values: "--output -o --query --resource-group -g --server -s --account-name --vault-name --ids --location -l --workspace-name " +
		"--cluster-name --database-name --container-name --share-name --account-key --connection-string --sas-token --auth-mode " +
		"--source -d --destination --pattern --delete-backup-data --backup-management-type --item-name --policy-name --delete-snapshots " +
		"--id --scripts --command-id --resource-type --namespace --parent --plan --vnet-name",
	bools:    "--no-wait --only-show-errors --debug --verbose --force --force-deletion",
	scope:    []scopeOpt{{"subscription", []string{"--subscription"}, "AZURE_SUBSCRIPTION_ID"}},
	noPrompt: "-y --yes",
	dry:      "--dryrun --dry-run",
	help:     "-h",
	generic:  true,
	custom: func(c *cloudCall) bool {
		if c.match(cloudPath("vm run-command invoke|create")) {
			c.followString("--scripts")
			return true
		}
		return false
	},
	ops: []cloudOp{
		o("group delete", "cloud.project-delete", "resource group", "--name -n -g --resource-group",
			"deletes %s and every resource in it: databases, disks, storage accounts, key vaults"),
		o("sql db delete", "cloud.database-delete", "Azure SQL database", "--name -n", "deletes %s and its data"),
		o("sql server delete", "cloud.database-delete", "Azure SQL server", "--name -n", whyDBServer),
		o("sql mi delete", "cloud.database-delete", "SQL managed instance", "--name -n", whyDBServer),
		o("postgres|mysql|mariadb flexible-server|server delete", "cloud.database-delete", "database server", "--name -n", whyDBServer),
		o("postgres|mysql flexible-server db delete", "cloud.database-delete", "database", "--database-name -d --name -n", "deletes %s and its data"),
		o("cosmosdb delete", "cloud.database-delete", "Cosmos DB account", "--name -n", "deletes %s and every database and container in it"),
		o("cosmosdb sql|mongodb|cassandra|gremlin database|container|collection|keyspace|table|graph delete", "cloud.database-delete", "Cosmos DB resource", "--name -n", "deletes %s and its data"),
		o("cosmosdb table delete", "cloud.database-delete", "Cosmos DB table", "--name -n", "deletes %s and its data"),
		o("redis delete", "cloud.database-delete", "Azure Cache for Redis", "--name -n", "deletes %s and the data in it"),
		o("storage account delete", "cloud.bucket-delete", "storage account", "--name -n",
			"deletes %s and every blob container, file share, queue and table in it"),
		o("storage container delete", "cloud.bucket-delete", "blob container", "--name -n", "deletes %s and every blob in it"),
		o("storage share|share-rm delete", "cloud.volume-delete", "file share", "--name -n", "deletes %s and every file in it"),
		o("storage fs delete", "cloud.bucket-delete", "Data Lake file system", "--name -n", "deletes %s and every file in it"),
		o("storage fs directory delete", "cloud.bucket-delete", "directory", "--name -n", "deletes %s and everything under it"),
		o("storage blob delete-batch", "cloud.bucket-delete", "blob container", "--source -s", "deletes every blob in %s that matches --pattern (all of them without one)"),
		o("storage blob delete", "cloud.object-delete", "", "--name -n", whyObject),
		o("storage table delete", "cloud.database-delete", "storage table", "--name -n", "deletes %s and every entity in it"),
		o("storage queue delete", "cloud.service-delete", "storage queue", "--name -n", "deletes %s and every message in it"),
		o("vm delete", "cloud.compute-delete", "VM", "--name -n --ids", "deletes %s and every disk set to delete with it"),
		o("vmss delete", "cloud.compute-delete", "VM scale set", "--name -n", "deletes %s and every VM in it"),
		o("aks delete", "cloud.compute-delete", "AKS cluster", "--name -n", "deletes %s, every workload in it and the managed disks of its volumes"),
		o("disk delete", "cloud.volume-delete", "managed disk", "--name -n --ids", "deletes %s and the data on it"),
		o("netappfiles volume delete", "cloud.volume-delete", "NetApp volume", "--name -n --volume-name", "deletes %s and every file on it"),
		o("snapshot delete", "cloud.backup-delete", "snapshot", "--name -n --ids", whySnapshot),
		o("backup vault delete", "cloud.backup-delete", "Recovery Services vault", "--name -n", "deletes %s, where backups are kept"),
		o("backup protection disable", "cloud.backup-delete", "backup item", "--item-name --name -n",
			"stops protecting %s and deletes its existing backups").when(optIs("--delete-backup-data", "true", "yes")),
		o("dataprotection backup-vault delete", "cloud.backup-delete", "backup vault", "--vault-name --name -n", "deletes %s, where backups are kept"),
		o("webapp|functionapp|containerapp|staticwebapp delete", "cloud.service-delete", "app", "--name -n", whyService),
		o("appservice plan delete", "cloud.service-delete", "App Service plan", "--name -n", "deletes %s and stops every app on it"),
		o("servicebus|eventhubs namespace delete", "cloud.service-delete", "messaging namespace", "--name -n", "deletes %s and every queue, topic and message in it"),
		o("network dns zone delete", "cloud.service-delete", "DNS zone", "--name -n", "deletes %s; names in it stop resolving"),
		o("acr delete", "cloud.service-delete", "container registry", "--name -n", "deletes %s and every image in it"),
		o("resource delete", "cloud.service-delete", "Azure resource", "--ids --name -n", "deletes %s; what it held is lost"),
		o("keyvault delete", "cloud.secret-delete-recoverable", "key vault", "--name -n", "deletes %s; it stays recoverable while soft delete lasts, unless purged"),
		o("keyvault purge", "cloud.secret-delete", "deleted key vault", "--name -n", "purges %s for good: its keys, secrets and certificates cannot be recovered"),
		o("keyvault secret|certificate purge", "cloud.secret-delete", "key vault secret", "--name -n --id", "purges %s for good; its value cannot be recovered"),
		o("keyvault key purge", "cloud.key-delete", "key vault key", "--name -n --id", "purges %s for good; data encrypted under it is unreadable"),
		o("keyvault secret|key|certificate delete", "cloud.secret-delete-recoverable", "key vault item", "--name -n --id", "deletes %s; it can be recovered until it is purged"),
		o("ad app|sp|user|group delete", "cloud.iam-delete", "Entra ID object", "--id", "deletes %s; whatever signs in as it or relies on it loses access"),
		o("identity delete", "cloud.iam-delete", "managed identity", "--name -n", "deletes %s; workloads using it lose access"),
		o("role assignment delete", "cloud.credential-delete", "role assignment", "--assignee --role --ids", "removes the role assignment of %s; whoever relied on it loses access"),
		o("monitor log-analytics workspace delete", "cloud.logs-delete", "Log Analytics workspace", "--workspace-name -n --name",
			"deletes %s and the logs in it (recoverable for 14 days unless --force)"),
		o("deployment group|sub|mg|tenant delete", "", "", "", ""), // deletes the record of a deployment, not its resources
	},
}

var doctlCLI = &cloudCLI{
	names:    []string{"doctl"},
	values:   "-t --access-token -o --output -u --api-url -c --config --format --region --size --tag-name --tag --ssh-command",
	bools:    "--trace -v --verbose --no-header --wait --dangerous",
	scope:    []scopeOpt{{"context", []string{"--context"}, "DIGITALOCEAN_CONTEXT"}},
	noPrompt: "-f --force",
	help:     "-h",
	generic:  true,
	custom: func(c *cloudCall) bool {
		if c.match(cloudPath("compute ssh")) {
			c.followString("--ssh-command")
			return true
		}
		return false
	},
	ops: []cloudOp{
		o("databases|database|db|dbs|d delete|rm|del|d", "cloud.delete-with-backups", "managed database cluster", "1+",
			"deletes %s with every database in it, and its backups go with it"),
		o("databases|database|db|dbs|d db delete|rm|del|d", "cloud.database-delete", "database", "1/2", "deletes %s and every table in it"),
		o("databases|database|db|dbs|d pool|user|firewalls delete|rm|del|d|remove", "", "", "", ""),
		o("compute volume|volumes|v delete|rm|del|d", "cloud.volume-delete", "volume", "1+", "deletes %s and the data on it"),
		o("compute droplet|droplets|d delete|rm|del|d", "cloud.compute-delete", "Droplet", "1+",
			"deletes %s and everything on its disk; its automatic backups go with it (snapshots stay)"),
		o("compute snapshot|snapshots|s delete|rm|del|d", "cloud.backup-delete", "snapshot", "1+", whySnapshot),
		o("compute image|images|i delete|rm|del|d", "cloud.backup-delete", "image", "1+", whySnapshot),
		o("kubernetes|k8s|k cluster|clusters|c delete|rm|del|d", "cloud.volume-delete", "Kubernetes cluster", "1",
			"deletes %s together with its volumes and load balancers (--dangerous): the data on those volumes is gone").ifFlag("--dangerous"),
		o("kubernetes|k8s|k cluster|clusters|c delete|rm|del|d", "cloud.compute-delete", "Kubernetes cluster", "1", "deletes %s and every workload running in it"),
		o("kubernetes|k8s|k cluster|clusters|c node-pool|pool|np delete|rm|del|d", "cloud.service-delete", "node pool", "2", "deletes %s; its workloads are evicted and must fit elsewhere"),
		o("apps|app delete|rm|del|d", "cloud.service-delete", "App Platform app", "1", whyService),
		o("registry delete|rm|del|d", "cloud.service-delete", "container registry", "1", "deletes %s and every image in it"),
	},
}

var flyCLI = &cloudCLI{
	names:    []string{"fly", "flyctl"},
	values:   "-c --config -t --access-token -r --region --image -s --size --vm-size",
	bools:    "--verbose --debug --json -j --force",
	scope:    []scopeOpt{{"app", []string{"-a", "--app"}, "FLY_APP"}, {"org", []string{"-o", "--org"}, ""}},
	noPrompt: "-y --yes",
	help:     "-h",
	generic:  true,
	custom: func(c *cloudCall) bool {
		if c.match(cloudPath("ssh console")) {
			c.followString("-C", "--command")
			return true
		}
		return false
	},
	ops: []cloudOp{
		o("apps|app destroy|delete|remove|rm", "cloud.app-delete", "Fly app", "1 -a --app", "destroys %s with its machines and volumes; the data on its volumes is gone"),
		o("destroy", "cloud.app-delete", "Fly app", "1 -a --app", "destroys %s with its machines and volumes; the data on its volumes is gone"),
		o("volumes|volume|vol|v destroy|delete|remove|rm", "cloud.volume-delete", "Fly volume", "1+", "destroys %s and the data on it"),
		o("postgres|pg destroy|delete|remove|rm", "cloud.database-delete", "Fly Postgres cluster", "1 -a --app", "destroys %s with its volumes and the databases on them"),
		o("mpg destroy|delete|remove|rm", "cloud.database-delete", "Managed Postgres cluster", "1", "destroys %s and its databases"),
		o("redis destroy|delete|remove|rm", "cloud.database-delete", "Upstash Redis database", "1", "destroys %s and its data"),
		o("storage destroy|delete|remove|rm", "cloud.bucket-delete", "Tigris bucket", "1", "destroys %s and every object in it"),
	},
}

var herokuCLI = &cloudCLI{
	names:    []string{"heroku"},
	values:   "-r --remote -s --size -e --env --type -c --command --confirm",
	bools:    "--json -x --exit-code --no-tty --verbose",
	scope:    []scopeOpt{{"app", []string{"-a", "--app"}, "HEROKU_APP"}},
	noPrompt: "--confirm",
	help:     "-h",
	colon:    true,
	generic:  true,
	custom:   herokuCustom,
	ops: []cloudOp{
		o("apps destroy", "cloud.app-delete", "Heroku app", "1 -a --app", "destroys %s with its add-ons, including any Heroku Postgres database and its backups"),
		o("destroy", "cloud.app-delete", "Heroku app", "1 -a --app", "destroys %s with its add-ons, including any Heroku Postgres database and its backups"),
		o("addons destroy|remove|rm", "cloud.database-delete", "add-on", "1+", "destroys %s; if it is a database (Heroku Postgres, Redis, search) its data and backups go with it"),
		o("pg reset", "cloud.database-reset", "database", "1", "drops every table and all data in %s").anonAs("the app's DATABASE_URL database"),
		o("pg backups restore", "cloud.database-reset", "database", "2", "overwrites %s with a backup; everything written since that backup is lost").anonAs("the app's DATABASE_URL database"),
		o("pg copy", "cloud.database-reset", "database", "2", "overwrites %s with a copy of another database; what it held is lost"),
		o("pg backups delete", "cloud.backup-delete", "backup", "1", whySnapshot),
	},
}

// herokuCustom follows heroku run into the command it runs, and hands
// heroku pg:psql -c/stdin to the SQL analysers as psql.
func herokuCustom(c *cloudCall) bool {
	if c.match(cloudPath("run")) {
		c.follow(c.firstOperandArg("-a --app -r --remote -s --size -e --env --type"), true)
		return true
	}
	if c.match(cloudPath("pg psql")) {
		c.asProgram("psql", c.path[len(c.path)-1])
		return true
	}
	return false
}

var railwayCLI = &cloudCLI{
	names:    []string{"railway"},
	values:   "-s --service -p --project -v --volume",
	bools:    "--json -d --detach",
	scope:    []scopeOpt{{"environment", []string{"-e", "--environment"}, "RAILWAY_ENVIRONMENT"}},
	noPrompt: "-y --yes",
	help:     "-h",
	generic:  true,
	custom: func(c *cloudCall) bool {
		if c.match(cloudPath("run")) {
			c.follow(c.firstOperandArg("-s --service -e --environment"), false)
			return true
		}
		return false
	},
	ops: []cloudOp{
		o("volume|volumes delete|remove|rm", "cloud.delete-with-backups", "Railway volume", "--volume -v 1",
			"deletes %s; volume deletion is irreversible and takes its backups with it"),
		o("environment|env delete|remove|rm", "cloud.project-delete", "Railway environment", "1 -e --environment",
			"deletes %s with every service and volume in it, and their backups"),
		o("project delete|remove|rm", "cloud.project-delete", "Railway project", "-p --project 1",
			"deletes %s with every environment, service and volume in it, and their backups").anonAs("the linked Railway project"),
		o("delete", "cloud.project-delete", "Railway project", "-p --project 1",
			"deletes %s with every environment, service and volume in it, and their backups").anonAs("the linked Railway project"),
		o("service delete|remove|rm", "cloud.app-delete", "Railway service", "1 -s --service", "deletes %s and its deployments").anonAs("the linked Railway service"),
		o("down", "cloud.deployment-remove", "service", "-s --service",
			"removes the latest deployment of %s; it stays down until deployed again").anonAs("the linked service"),
	},
}

// isVercelDeploymentURL: vercel rm takes deployment URLs or project names.
func isVercelDeploymentURL(v string) bool {
	return strings.Contains(v, ".") || strings.Contains(v, "://")
}

var vercelCLI = &cloudCLI{
	names:    []string{"vercel", "vc"},
	values:   "-t --token -T --team --cwd -A --local-config -Q --global-config -e --env -m --meta -b --build-env",
	bools:    "--prod -d --debug --safe --force --no-color",
	scope:    []scopeOpt{{"scope", []string{"-S", "--scope"}, ""}},
	noPrompt: "-y --yes",
	help:     "-h",
	generic:  true,
	ops: []cloudOp{
		o("projects|project rm|remove", "cloud.app-delete", "Vercel project", "1", "deletes %s with all its deployments, environment variables and domains"),
		o("remove|rm", "cloud.deployment-remove", "deployment", "1+", "removes %s; it can only be redeployed, not restored").when(anyOperand(isVercelDeploymentURL)),
		o("remove|rm", "cloud.deployment-remove", "", "1+", "removes the deployments of %s that no domain points to (--safe)").ifFlag("--safe"),
		o("remove|rm", "cloud.service-delete", "Vercel project", "1+", "removes every deployment of %s, taking its sites down"),
		o("domains|domain rm|remove", "cloud.service-delete", "domain", "1", "removes %s from the account; sites using it stop resolving"),
	},
}

var netlifyCLI = &cloudCLI{
	names:    []string{"netlify", "ntl"},
	values:   "--auth --filter -s --site",
	bools:    "--debug --json",
	noPrompt: "-f --force",
	help:     "-h",
	colon:    true,
	generic:  true,
	ops: []cloudOp{
		o("sites delete", "cloud.app-delete", "Netlify site", "1", "deletes %s with all its deploys, forms and settings"),
	},
}

var supabaseCLI = &cloudCLI{
	names:    []string{"supabase"},
	values:   "--workdir --profile -o --output --project-ref --db-url --password -p --schema -s --network-id",
	bools:    "--linked --local --debug --experimental -r --recursive --no-backup",
	noPrompt: "--yes",
	help:     "-h",
	generic:  true,
	ops: []cloudOp{
		o("projects delete", "cloud.delete-with-backups", "Supabase project", "1 --project-ref", "deletes %s with its database, storage and backups"),
		// A local reset (the default) is the migrations analysers' business.
		o("db reset", "cloud.database-reset", "", "--db-url --project-ref",
			"resets the remote database %s: drops everything in it and reapplies migrations and seed data").ifFlag("--linked --db-url").anonAs("of the linked project"),
		safeOp("db reset"),
		o("branches delete", "cloud.database-delete", "Supabase preview branch", "1", "deletes %s and its database"),
		o("storage rm", "cloud.bucket-delete", "", "1+", whyPrefix).ifFlag("-r --recursive"),
		o("storage rm", "cloud.object-delete", "", "1+", whyObject),
	},
}

var neonCLI = &cloudCLI{
	names:   []string{"neonctl", "neon"},
	values:  "--api-key --org-id -o --output --config-dir --context-file --branch --database-name --role-name --name --preserve-under-name --source-timestamp",
	bools:   "--parent --analytics --no-analytics",
	scope:   []scopeOpt{{"project", []string{"--project-id"}, ""}},
	help:    "-h",
	generic: true,
	ops: []cloudOp{
		o("projects|project delete", "cloud.delete-with-backups", "Neon project", "1", "deletes %s with every branch and its whole history: nothing is left to restore from"),
		o("branches|branch delete", "cloud.database-delete", "Neon branch", "1", "deletes %s and its data"),
		o("branches|branch reset", "cloud.database-reset", "Neon branch", "1", "resets %s to its parent's latest state; whatever was written to it is lost").unless("--preserve-under-name"),
		o("branches|branch restore", "cloud.database-reset", "Neon branch", "1", "restores %s to another point in time, replacing its current data").unless("--preserve-under-name"),
		o("databases|database|db delete", "cloud.database-delete", "Neon database", "1", "deletes %s and its data"),
	},
}

var pscaleCLI = &cloudCLI{
	names:    []string{"pscale"},
	values:   "--service-token --service-token-id -f --format --api-url --config",
	bools:    "--debug",
	scope:    []scopeOpt{{"org", []string{"--org"}, ""}},
	noPrompt: "--force",
	help:     "-h",
	generic:  true,
	ops: []cloudOp{
		o("database|db delete", "cloud.delete-with-backups", "PlanetScale database", "1", "deletes %s with every branch and every backup"),
		o("branch delete", "cloud.database-delete", "PlanetScale branch", "1/2", "deletes %s and its data"),
		o("backup delete", "cloud.backup-delete", "PlanetScale backup", "1/2/3", whySnapshot),
		o("password delete", "cloud.credential-delete", "password", "1/2/3", "deletes %s; connections using it fail"),
	},
}

var firebaseCLI = &cloudCLI{
	names:    []string{"firebase"},
	values:   "--token --account -c --config --only --except --database --instance",
	bools:    "-r --recursive --all-collections --shallow -y --yes --debug --json -j --non-interactive",
	scope:    []scopeOpt{{"project", []string{"-P", "--project"}, ""}},
	noPrompt: "-f --force",
	help:     "-h",
	colon:    true,
	generic:  true,
	ops: []cloudOp{
		o("firestore delete", "cloud.database-reset", "Firestore database", "--database", "deletes every document in every collection of %s").ifFlag("--all-collections").anonAs("the Firestore database"),
		o("firestore delete", "cloud.database-reset", "", "1", "deletes %s and every document and subcollection under it").ifFlag("-r --recursive"),
		o("firestore delete", "cloud.object-delete", "Firestore document", "1", "deletes %s"),
		o("firestore databases delete", "cloud.database-delete", "Firestore database", "1", "deletes %s and every document in it"),
		o("database remove", "cloud.database-reset", "Realtime Database path", "1", "deletes all data at %s"),
		o("database set", "cloud.database-reset", "Realtime Database", "1", "replaces all data in %s with the given file").when(anyOperand(func(v string) bool { return v == "/" })),
		o("functions delete", "cloud.service-delete", "Cloud Function", "1+", whyService),
		o("hosting sites delete", "cloud.service-delete", "Hosting site", "1", "deletes %s and its releases"),
	},
}

var renderCLI = &cloudCLI{
	names:   []string{"render"},
	values:  "-o --output",
	bools:   "--confirm",
	help:    "-h",
	generic: true,
	ops: []cloudOp{
		o("services|service delete|rm", "cloud.service-delete", "Render service", "--id 1", whyService),
	},
}

// cloudPath compiles a path for cloudCall.match outside a table.
func cloudPath(path string) [][]string {
	var out [][]string
	for _, p := range strings.Fields(path) {
		out = append(out, strings.Split(p, "|"))
	}
	return out
}

// firstOperandArg is the index of the first argument after the matched
// path that is not an option (skipping the values of the given options).
func (c *cloudCall) firstOperandArg(withValue string) int {
	vals := cloudSet(withValue)
	args := c.inv.Args
	for i := c.path[len(c.path)-1] + 1; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "--":
			return i + 1
		case strings.HasPrefix(v, "-") && len(v) > 1:
			if vals[v] {
				i++
			}
		default:
			return i
		}
	}
	return -1
}

// asProgram hands the arguments after Args[at] to the analysers of another
// program, as if it had been run directly (heroku pg:psql → psql).
func (c *cloudCall) asProgram(name string, at int) {
	next := *c.inv
	next.Name = name
	next.NameSpan = c.inv.Args[at].Span
	next.Args = c.inv.Args[at+1:]
	for _, a := range analysers[name] {
		a(&next)
	}
}

func isLocalEndpoint(v string) bool {
	v = strings.ToLower(v)
	for _, p := range []string{"http://", "https://"} {
		v = strings.TrimPrefix(v, p)
	}
	host := v
	if i := strings.IndexAny(host, ":/"); i >= 0 && !strings.HasPrefix(host, "[") {
		host = host[:i]
	}
	return host == "localhost" || host == "127.0.0.1" || strings.HasPrefix(host, "[::1]") || host == "localstack" || host == "0.0.0.0"
}

// Object-storage tools.

var s3cmdCLI = &cloudCLI{
	names:   []string{"s3cmd"},
	values:  "-c --config --access_key --secret_key --host --host-bucket --region --exclude --include",
	bools:   "-r --recursive -f --force --delete-removed -v --verbose -q --quiet",
	dry:     "-n --dry-run",
	generic: true,
	ops: []cloudOp{
		o("rb", "cloud.bucket-delete", "S3 bucket", "1", "deletes %s and every object in it").ifFlag("-r --recursive -f --force"),
		o("rb", "cloud.bucket-delete", "S3 bucket", "1", whyBucketEmpty),
		o("del|rm", "cloud.bucket-delete", "", "1+", whyPrefix).ifFlag("-r --recursive"),
		o("del|rm", "cloud.bucket-delete", "", "1+", "deletes every object matching %s; object deletes cannot be undone unless the bucket keeps versions").when(wildcardEverything),
		o("del|rm", "cloud.object-delete", "", "1+", whyObject),
		o("sync", "cloud.sync-delete", "", "2", whySync).ifFlag("--delete-removed"),
	},
}

var s5cmdCLI = &cloudCLI{
	names:   []string{"s5cmd"},
	values:  "--endpoint-url --profile --credentials-file --numworkers --log",
	bools:   "--dry-run --stat --json --no-verify-ssl --delete",
	dry:     "--dry-run",
	generic: true,
	ops: []cloudOp{
		o("rb", "cloud.bucket-delete", "S3 bucket", "1", whyBucketEmpty),
		o("rm", "cloud.bucket-delete", "", "1+", "deletes every object matching %s; object deletes cannot be undone unless the bucket keeps versions").when(wildcardEverything),
		o("rm", "cloud.object-delete", "", "1+", whyObject),
		o("sync", "cloud.sync-delete", "", "2", whySync).ifFlag("--delete"),
	},
}

// mc is the MinIO client (Midnight Commander takes directories, not
// subcommands, so it never matches).
var mcCLI = &cloudCLI{
	names:   []string{"mc"},
	values:  "-C --config-dir --older-than --newer-than",
	bools:   "-r --recursive --force --versions --incomplete --bypass --remove --overwrite --json -q --quiet",
	dry:     "--dry-run --fake",
	generic: true,
	ops: []cloudOp{
		o("rb", "cloud.bucket-delete", "bucket", "1+", "deletes %s and (with --force) every object in it"),
		o("rm", "cloud.bucket-delete", "", "1+", whyPrefix).ifFlag("-r --recursive"),
		o("rm", "cloud.object-delete", "", "1+", whyObject),
		o("mirror", "cloud.sync-delete", "", "2", whySync).ifFlag("--remove"),
	},
}

var rcloneCLI = &cloudCLI{
	names:   []string{"rclone"},
	values:  "--config --include --exclude --filter --min-age --max-age --transfers --checkers --log-file --backup-dir",
	bools:   "-v -vv --verbose -P --progress -q --quiet --rmdirs",
	dry:     "-n --dry-run",
	generic: true,
	ops: []cloudOp{
		o("purge", "cloud.bucket-delete", "", "1", "deletes %s and everything under it; remote deletes cannot be undone unless the storage keeps versions"),
		o("delete", "cloud.bucket-delete", "", "1", "deletes every file under %s that its filters match (all of them without filters)"),
		o("deletefile", "cloud.object-delete", "", "1", whyObject),
		o("sync", "cloud.sync-delete", "", "2", whySync).unless("--backup-dir"),
	},
}

var azcopyCLI = &cloudCLI{
	names:   []string{"azcopy"},
	values:  "--include-pattern --exclude-pattern --list-of-files --log-level",
	bools:   "--recursive",
	dry:     "--dry-run",
	generic: true,
	ops: []cloudOp{
		o("remove|rm", "cloud.bucket-delete", "", "1", whyPrefix).when(func(c *cloudCall) bool {
			return c.has("--recursive") && !optIs("--recursive", "false")(c)
		}),
		o("remove|rm", "cloud.object-delete", "", "1", whyObject),
		o("sync", "cloud.sync-delete", "", "2", whySync).when(optIs("--delete-destination", "true", "prompt")),
	},
}

// Cloudflare.
var wranglerCLI = &cloudCLI{
	names:   []string{"wrangler"},
	values:  "-c --config -e --env --binding --namespace-id",
	bools:   "-y --yes --force --remote --local",
	help:    "-h",
	generic: true,
	ops: []cloudOp{
		o("d1 delete", "cloud.database-delete", "D1 database", "1", "deletes %s and its data"),
		o("r2 bucket delete", "cloud.bucket-delete", "R2 bucket", "1", whyBucketEmpty),
		o("r2 object delete", "cloud.object-delete", "", "1", whyObject),
		o("kv namespace delete", "cloud.database-delete", "KV namespace", "--namespace-id --binding 1", "deletes %s and every key in it"),
		o("kv:namespace delete", "cloud.database-delete", "KV namespace", "--namespace-id --binding 1", "deletes %s and every key in it"),
		o("delete", "cloud.service-delete", "Worker", "1 --name", whyService).anonAs("the Worker of this project"),
	},
}

var eksctlCLI = &cloudCLI{
	names:  []string{"eksctl"},
	values: "-r --region -p --profile -f --config-file --cluster --timeout",
	bools:  "-w --wait --force --disable-nodegroup-eviction",
	help:   "-h",
	ops: []cloudOp{
		o("delete cluster", "cloud.compute-delete", "EKS cluster", "--name -n 1", "deletes %s, every workload in it and the volumes of its claims").anonAs("the EKS cluster of the config file"),
		o("delete nodegroup|ng", "cloud.service-delete", "node group", "--name -n 1", "deletes %s; its workloads are evicted and must fit elsewhere"),
	},
}

var hcloudCLI = &cloudCLI{
	names:   []string{"hcloud"},
	values:  "--context --config -o --output",
	help:    "-h",
	generic: true,
	ops: []cloudOp{
		o("server delete", "cloud.compute-delete", "Hetzner server", "1+", "deletes %s and everything on its disk; its backups go with it"),
		o("volume delete", "cloud.volume-delete", "Hetzner volume", "1+", "deletes %s and the data on it"),
		o("image delete", "cloud.backup-delete", "snapshot or backup image", "1+", whySnapshot),
	},
}

// Other provider CLIs get the generic check only: a delete verb on a
// data-bearing noun (oci db autonomous-database delete, yc
// managed-postgresql cluster delete, linode-cli volumes delete).
var otherCloudCLI = &cloudCLI{
	names:   []string{"oci", "yc", "linode-cli", "vultr-cli", "scw", "exo", "ibmcloud", "aliyun", "upctl", "civo", "koyeb", "northflank", "zeabur", "turso", "atlas", "mongocli", "upstash", "convex", "xata"},
	help:    "-h",
	generic: true,
}
