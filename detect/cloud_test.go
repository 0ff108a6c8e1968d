package detect

import (
	"strings"
	"testing"
)

// cloudCase is a command and the rule it must produce; its verdict is the
// rule's unless verdict says otherwise (a protected name raises it).
type cloudCase struct {
	cmd, rule string
	sev       string // when set, the finding's severity
}

var cloudFlagged = []cloudCase{
	// aws s3
	{"aws s3 rb s3://assets-bucket --force", "cloud.bucket-delete", ""},
	{"aws s3 rb --force s3://assets-bucket", "cloud.bucket-delete", ""},
	{"aws s3 rb s3://empty-bucket", "cloud.bucket-delete", ""},
	{"aws --profile prod s3 rb s3://assets --force", "cloud.bucket-delete", "critical"},
	{"aws s3 rm s3://assets/uploads/ --recursive", "cloud.bucket-delete", ""},
	{"aws s3 rm --recursive s3://assets", "cloud.bucket-delete", ""},
	{"aws --region us-east-1 --output json s3 rm s3://assets --recursive --exclude '*.keep'", "cloud.bucket-delete", ""},
	{"/usr/local/bin/aws s3 rm s3://assets --recursive", "cloud.bucket-delete", ""},
	{"sudo -E aws s3 rm s3://assets --recursive", "cloud.bucket-delete", ""},
	{"sh -c 'aws s3 rb s3://assets --force'", "cloud.bucket-delete", ""},
	{"B=prod-data; aws s3 rb \"s3://$B\" --force", "cloud.bucket-delete", "critical"},
	{"aws s3 rb s3://$BUCKET --force", "cloud.bucket-delete", ""},
	{"export AWS_PROFILE=production; aws s3 rb s3://assets --force", "cloud.bucket-delete", "critical"},
	{"export COMPOSE_PROJECT_NAME=prod && docker compose down -v", "cloud.docker-volume-delete", "critical"},
	{"export TF_WORKSPACE=prod; terraform destroy", "cloud.iac-destroy", "critical"},
	{"env AWS_PAGER= timeout 60 aws s3 rb s3://x --force", "cloud.bucket-delete", ""},
	{"aws s3api delete-bucket --bucket assets", "cloud.bucket-delete", ""},
	{"aws s3 rm s3://assets --recursive --exclude help", "cloud.bucket-delete", ""},
	{"aws s3api delete-objects --bucket assets --delete file://keys.json", "cloud.bucket-delete", ""},
	{"aws s3 rm s3://assets/logo.png", "cloud.object-delete", ""},
	{"aws s3api delete-object --bucket assets --key logo.png", "cloud.object-delete", ""},
	{"aws s3 sync ./dist s3://www-bucket --delete", "cloud.sync-delete", ""},
	{"aws s3 sync s3://www-bucket ./backup --delete", "cloud.sync-delete", ""},
	// aws databases
	{"aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot", "cloud.delete-with-backups", "critical"},
	{"aws rds delete-db-instance --skip-final-snapshot --delete-automated-backups --db-instance-identifier orders", "cloud.delete-with-backups", ""},
	{"aws rds delete-db-instance --db-instance-identifier=orders --skip-final-snapshot", "cloud.delete-with-backups", ""},
	{"aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot --no-delete-automated-backups", "cloud.database-delete", ""},
	{"aws rds delete-db-instance --db-instance-identifier orders --final-db-snapshot-identifier orders-final", "cloud.database-delete", ""},
	{"aws rds delete-db-cluster --db-cluster-identifier aurora-main --skip-final-snapshot", "cloud.delete-with-backups", ""},
	{"aws rds delete-db-cluster --db-cluster-identifier aurora-main --final-db-snapshot-identifier final", "cloud.database-delete", ""},
	{"aws docdb delete-db-cluster --db-cluster-identifier docs --skip-final-snapshot", "cloud.delete-with-backups", ""},
	{"aws rds delete-db-snapshot --db-snapshot-identifier nightly", "cloud.backup-delete", ""},
	{"aws rds modify-db-instance --db-instance-identifier orders --backup-retention-period 0 --apply-immediately", "cloud.backup-delete", ""},
	{"aws dynamodb delete-table --table-name Orders", "cloud.database-delete", ""},
	{"aws dynamodb delete-item --table-name Orders --key file://k.json", "cloud.object-delete", ""},
	{"aws redshift delete-cluster --cluster-identifier dw --skip-final-cluster-snapshot", "cloud.delete-with-backups", ""},
	{"aws elasticache delete-replication-group --replication-group-id sessions", "cloud.database-delete", ""},
	{"aws lightsail delete-relational-database --relational-database-name blog-db", "cloud.delete-with-backups", ""},
	{"aws cognito-idp delete-user-pool --user-pool-id us-east-1_abc", "cloud.database-delete", ""},
	// aws compute, storage, backups, stacks, accounts
	{"aws ec2 terminate-instances --instance-ids i-0abc i-0def", "cloud.compute-delete", ""},
	{"aws --debug ec2 terminate-instances --instance-ids i-0abc", "cloud.compute-delete", ""},
	{"aws ec2 delete-volume --volume-id vol-0abc", "cloud.volume-delete", ""},
	{"aws ec2 delete-snapshot --snapshot-id snap-0abc", "cloud.backup-delete", ""},
	{"aws efs delete-file-system --file-system-id fs-0abc", "cloud.volume-delete", ""},
	{"aws backup delete-recovery-point --backup-vault-name main --recovery-point-arn arn:aws:backup:x", "cloud.backup-delete", ""},
	{"aws backup delete-backup-vault --backup-vault-name main", "cloud.backup-delete", ""},
	{"aws cloudformation delete-stack --stack-name shop-infra", "cloud.stack-delete", ""},
	{"aws eks delete-cluster --name main", "cloud.compute-delete", ""},
	{"aws organizations close-account --account-id 123456789012", "cloud.project-delete", ""},
	{"aws lambda delete-function --function-name resize", "cloud.service-delete", ""},
	{"aws sqs purge-queue --queue-url https://sqs.us-east-1.amazonaws.com/1/jobs", "cloud.service-delete", ""},
	{"aws route53 delete-hosted-zone --id Z123", "cloud.service-delete", ""},
	{"aws iam delete-role --role-name deploy-bot", "cloud.iam-delete", ""},
	{"aws iam delete-user --user-name alice", "cloud.iam-delete", ""},
	{"aws iam delete-access-key --access-key-id AKIAX --user-name ci", "cloud.credential-delete", ""},
	{"aws logs delete-log-group --log-group-name /aws/lambda/api", "cloud.logs-delete", ""},
	{"aws secretsmanager delete-secret --secret-id shop/db --force-delete-without-recovery", "cloud.secret-delete", ""},
	{"aws secretsmanager delete-secret --secret-id shop/db", "cloud.secret-delete-recoverable", ""},
	{"aws ssm delete-parameter --name /shop/db-password", "cloud.secret-delete", ""},
	{"aws kms schedule-key-deletion --key-id 1234abcd --pending-window-in-days 7", "cloud.key-delete", ""},
	// aws subcommands without an entry
	{"aws lightsail delete-relational-database-snapshot --relational-database-snapshot-name s1", "cloud.delete-unlisted", ""},
	{"aws codecommit delete-repository --repository-name shop", "cloud.delete-unlisted", ""},
	{"aws memorydb delete-snapshot --snapshot-name s1", "cloud.delete-unlisted", ""},
	{"aws s3control delete-bucket --account-id 1 --bucket b", "cloud.delete-unlisted", ""},
	// gcloud, gsutil, bq
	{"gcloud sql instances delete orders-db", "cloud.delete-with-backups", ""},
	{"gcloud sql instances delete orders-db --quiet", "cloud.delete-with-backups", ""},
	{"gcloud beta sql instances delete orders-db -q", "cloud.delete-with-backups", ""},
	{"gcloud --project acme-prod sql instances delete db1", "cloud.delete-with-backups", ""},
	{"gcloud sql databases delete orders --instance main-pg", "cloud.database-delete", ""},
	{"gcloud sql instances restore-backup main-pg --backup-id 123", "cloud.database-reset", ""},
	{"gcloud compute instances delete vm1 --zone us-central1-a", "cloud.compute-delete", ""},
	{"gcloud compute instances delete --zone us-central1-a vm1 vm2", "cloud.compute-delete", ""},
	{"gcloud compute disks delete data-1 --zone=us-central1-a -q", "cloud.volume-delete", ""},
	{"gcloud compute snapshots delete snap1", "cloud.backup-delete", ""},
	{"gcloud projects delete acme-staging", "cloud.project-delete", ""},
	{"gcloud storage rm -r gs://assets", "cloud.bucket-delete", ""},
	{"gcloud storage rm --recursive gs://assets/uploads", "cloud.bucket-delete", ""},
	{"gcloud storage rm 'gs://assets/**'", "cloud.bucket-delete", ""},
	{"gcloud storage rm gs://assets/logo.png", "cloud.object-delete", ""},
	{"gcloud storage buckets delete gs://assets", "cloud.bucket-delete", ""},
	{"gcloud container clusters delete main --region us-central1 --quiet", "cloud.compute-delete", ""},
	{"gcloud secrets delete db-password", "cloud.secret-delete", ""},
	{"gcloud kms keys versions destroy 1 --key k --keyring r --location global", "cloud.key-delete", ""},
	{"gcloud iam service-accounts delete ci@acme.iam.gserviceaccount.com", "cloud.iam-delete", ""},
	{"gcloud functions delete resize --region europe-west1", "cloud.service-delete", ""},
	{"gcloud bigtable backups delete b1 --instance i --cluster c", "cloud.delete-unlisted", ""},
	{"gcloud alloydb instances delete i1 --cluster c --region r", "cloud.delete-unlisted", ""},
	{"gcloud compute ssh vm1 --zone z --command 'aws s3 rb s3://assets --force'", "cloud.bucket-delete", ""},
	{"gcloud compute ssh vm1 --command='zap x'", "test.zap", ""},
	{"gsutil -m rm -r gs://assets", "cloud.bucket-delete", ""},
	{"gsutil rm -r gs://assets/path", "cloud.bucket-delete", ""},
	{"gsutil rm 'gs://assets/**'", "cloud.bucket-delete", ""},
	{"gsutil rb gs://assets", "cloud.bucket-delete", ""},
	{"gsutil rm gs://assets/logo.png", "cloud.object-delete", ""},
	{"gsutil -m rsync -r -d ./dist gs://www", "cloud.sync-delete", ""},
	{"bq rm -r -f -d analytics", "cloud.database-delete", ""},
	{"bq rm -f -t analytics.events", "cloud.database-delete", ""},
	// az
	{"az group delete --name rg-shop --yes", "cloud.project-delete", ""},
	{"az group delete -n rg-shop -y --no-wait", "cloud.project-delete", ""},
	{"az sql db delete -g rg -s sqlsrv -n orders --yes", "cloud.database-delete", ""},
	{"az postgres flexible-server delete -g rg -n pg1 --yes", "cloud.database-delete", ""},
	{"az cosmosdb delete -n cosmo -g rg", "cloud.database-delete", ""},
	{"az cosmosdb sql container delete -a cosmo -d db -n items -g rg", "cloud.database-delete", ""},
	{"az storage account delete -n assetsacct -g rg --yes", "cloud.bucket-delete", ""},
	{"az storage container delete --name uploads --account-name assetsacct", "cloud.bucket-delete", ""},
	{"az storage blob delete-batch -s uploads --account-name assetsacct", "cloud.bucket-delete", ""},
	{"az storage blob delete -c uploads -n logo.png --account-name assetsacct", "cloud.object-delete", ""},
	{"az vm delete -g rg -n vm1 --yes", "cloud.compute-delete", ""},
	{"az aks delete -g rg -n aks1 --yes", "cloud.compute-delete", ""},
	{"az disk delete -g rg -n d1 --yes", "cloud.volume-delete", ""},
	{"az keyvault purge --name kv-shop", "cloud.secret-delete", ""},
	{"az keyvault delete --name kv-shop", "cloud.secret-delete-recoverable", ""},
	{"az backup protection disable -c c --item-name i -g rg --vault-name v --delete-backup-data true --yes", "cloud.backup-delete", ""},
	{"az ad sp delete --id 0000-1111", "cloud.iam-delete", ""},
	{"az vm run-command invoke -g rg -n vm1 --command-id RunShellScript --scripts 'gsutil rm -r gs://assets'", "cloud.bucket-delete", ""},
	{"az --subscription prod-sub group delete -n rg-shop --yes", "cloud.project-delete", ""},
	// doctl
	{"doctl databases delete 9cc10173 --force", "cloud.delete-with-backups", ""},
	{"doctl db delete 9cc10173", "cloud.delete-with-backups", ""},
	{"doctl databases db delete 9cc10173 orders", "cloud.database-delete", ""},
	{"doctl compute volume delete 506f78a4", "cloud.volume-delete", ""},
	{"doctl compute droplet delete web-1 -f", "cloud.compute-delete", ""},
	{"doctl compute snapshot delete 123", "cloud.backup-delete", ""},
	{"doctl kubernetes cluster delete k1 --dangerous -f", "cloud.volume-delete", ""},
	{"doctl kubernetes cluster delete k1", "cloud.compute-delete", ""},
	{"doctl apps delete 4f6c --force", "cloud.service-delete", ""},
	// fly
	{"fly apps destroy shop-api --yes", "cloud.app-delete", ""},
	{"flyctl destroy shop-api -y", "cloud.app-delete", ""},
	{"fly volumes destroy vol_1234567890 -y", "cloud.volume-delete", ""},
	{"fly vol delete vol_1234567890", "cloud.volume-delete", ""},
	{"fly postgres destroy shop-db", "cloud.database-delete", ""},
	{"fly pg destroy shop-db --yes", "cloud.database-delete", ""},
	{"fly ssh console -a shop -C 'zap x'", "test.zap", ""},
	// heroku
	{"heroku apps:destroy --app shop --confirm shop", "cloud.app-delete", ""},
	{"heroku apps:destroy shop", "cloud.app-delete", ""},
	{"heroku destroy -a shop", "cloud.app-delete", ""},
	{"heroku addons:destroy heroku-postgresql -a shop --confirm shop", "cloud.database-delete", ""},
	{"heroku pg:reset DATABASE_URL -a shop --confirm shop", "cloud.database-reset", ""},
	{"heroku pg:reset -a shop", "cloud.database-reset", ""},
	{"heroku pg:backups:restore b101 DATABASE_URL -a shop", "cloud.database-reset", ""},
	{"heroku pg:copy shop::DATABASE_URL HEROKU_POSTGRESQL_PINK_URL -a shop-staging", "cloud.database-reset", ""},
	{"heroku pg:backups:delete b101 -a shop", "cloud.backup-delete", ""},
	{"heroku run zap x -a shop", "test.zap", ""},
	{"heroku run -a shop 'zap x && echo done'", "test.zap", ""},
	// railway
	{"railway volume delete --volume vol_9f3c2a7e", "cloud.delete-with-backups", ""},
	{"railway volume delete -v vol_9f3c2a7e -y", "cloud.delete-with-backups", ""},
	{"railway environment delete staging", "cloud.project-delete", ""},
	{"railway delete -y", "cloud.project-delete", ""},
	{"railway down -y", "cloud.deployment-remove", ""},
	{"railway run zap x", "test.zap", ""},
	// vercel, netlify
	{"vercel projects rm shop-web", "cloud.app-delete", ""},
	{"vercel project rm shop-web --yes", "cloud.app-delete", ""},
	{"vercel rm shop-web --yes", "cloud.service-delete", ""},
	{"vercel remove shop-web-abc123.vercel.app", "cloud.deployment-remove", ""},
	{"vercel domains rm shop.example", "cloud.service-delete", ""},
	{"npx vercel rm shop-web --yes", "cloud.service-delete", ""},
	{"netlify sites:delete 1234-5678 --force", "cloud.app-delete", ""},
	// supabase, neon, planetscale, firebase, render
	{"supabase projects delete abcdefghijklmnop", "cloud.delete-with-backups", ""},
	{"supabase db reset --linked", "cloud.database-reset", ""},
	{"supabase db reset --db-url postgres://u:p@db.example.com:5432/postgres", "cloud.database-reset", ""},
	{"npx -y supabase db reset --linked", "cloud.database-reset", ""},
	{"supabase branches delete feature-x", "cloud.database-delete", ""},
	{"supabase storage rm -r ss:///avatars/2024", "cloud.bucket-delete", ""},
	{"neonctl projects delete still-cloud-123", "cloud.delete-with-backups", ""},
	{"neonctl branches delete br-dev --project-id p1", "cloud.database-delete", ""},
	{"neon branches reset dev --parent", "cloud.database-reset", ""},
	{"neonctl databases delete orders --branch dev", "cloud.database-delete", ""},
	{"pscale database delete orders --force", "cloud.delete-with-backups", ""},
	{"pscale db delete orders", "cloud.delete-with-backups", ""},
	{"pscale branch delete orders dev-branch --force", "cloud.database-delete", ""},
	{"pscale branch delete orders main", "cloud.database-delete", "critical"},
	{"pscale backup delete orders main b1", "cloud.backup-delete", ""},
	{"firebase firestore:delete --all-collections -P shop", "cloud.database-reset", ""},
	{"firebase firestore:delete users -r --force", "cloud.database-reset", ""},
	{"npx firebase-tools firestore:delete --all-collections", "cloud.database-reset", ""},
	{"firebase firestore:delete users/abc", "cloud.object-delete", ""},
	{"firebase database:remove /users -P shop", "cloud.database-reset", ""},
	{"firebase database:set / seed.json", "cloud.database-reset", ""},
	{"firebase functions:delete resize", "cloud.service-delete", ""},
	{"render services delete --id srv-123", "cloud.service-delete", ""},
	{"render postgres delete dpg-123", "cloud.delete-unlisted", ""},
	// kubectl, oc
	{"kubectl delete namespace payments", "cloud.kubectl-delete-namespace", ""},
	{"kubectl delete ns payments staging", "cloud.kubectl-delete-namespace", ""},
	{"kubectl delete ns/payments", "cloud.kubectl-delete-namespace", ""},
	{"kubectl delete namespace prod", "cloud.kubectl-delete-namespace", "critical"},
	{"kubectl --context prod-eu delete ns payments", "cloud.kubectl-delete-namespace", "critical"},
	{"oc delete project payments", "cloud.kubectl-delete-namespace", ""},
	{"sudo kubectl delete ns payments", "cloud.kubectl-delete-namespace", ""},
	{"bash -c 'kubectl delete ns payments'", "cloud.kubectl-delete-namespace", ""},
	{"ssh bastion kubectl delete ns payments", "cloud.kubectl-delete-namespace", ""},
	{"/usr/local/bin/kubectl --kubeconfig ~/.kube/config delete namespace payments --wait=false", "cloud.kubectl-delete-namespace", ""},
	{"kubectl -n db delete pvc data-postgres-0", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete persistentvolumeclaim data-postgres-0", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete pv pv-0001", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete pv,pvc --all -n db", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete crd clusters.postgresql.cnpg.io", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete cluster.postgresql.cnpg.io/main -n db", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete -f k8s/namespace.yaml", "cloud.kubectl-delete-namespace", ""},
	{"kubectl delete -f k8s/postgres-pvc.yaml", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete -f - <<'EOF'\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nEOF", "cloud.kubectl-delete-storage", ""},
	{"kubectl delete statefulset postgres -n db", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete sts postgres", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete deployment api", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete deploy/api", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete pods --all", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete pods -l app=api", "cloud.kubectl-delete", ""},
	{"kubectl delete deployments -l app=api", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete pods --all-namespaces --field-selector status.phase=Failed", "cloud.kubectl-delete", ""},
	{"kubectl delete pods -A --all", "cloud.kubectl-delete-workload", ""},
	{"terraform destroy -var-file=prod.tfvars", "cloud.iac-destroy", "critical"},
	{"az sql db ltr-backup delete -l westus -s srv -d db -n b1", "cloud.delete-unlisted", ""},
	{"kubectl delete all --all -n shop", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete node worker-3", "cloud.kubectl-delete-workload", ""},
	{"kubectl delete pod api-7d9f-abcde", "cloud.kubectl-delete", ""},
	{"kubectl delete pod api-7d9f-abcde --grace-period=0 --force", "cloud.kubectl-delete", ""},
	{"kubectl delete secret regcred --ignore-not-found", "cloud.kubectl-delete", ""},
	{"kubectl delete -f deploy.yaml", "cloud.kubectl-delete", ""},
	{"kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data", "cloud.kubectl-disrupt", ""},
	{"kubectl scale deploy api --replicas=0", "cloud.kubectl-disrupt", ""},
	{"kubectl scale --replicas 0 sts/pg", "cloud.kubectl-disrupt", ""},
	{"kubectl apply --prune -l app=shop -f k8s/", "cloud.kubectl-disrupt", ""},
	{"kubectl replace --force -f pod.yaml", "cloud.kubectl-disrupt", ""},
	// helm
	{"helm uninstall postgres -n db", "cloud.helm-uninstall", ""},
	{"helm delete redis", "cloud.helm-uninstall", ""},
	{"helm --kube-context prod uninstall api", "cloud.helm-uninstall", "high"},
	{"helm rollback api 3", "cloud.helm-rollback", ""},
	// terraform and friends
	{"terraform destroy", "cloud.iac-destroy", ""},
	{"terraform destroy -auto-approve", "cloud.iac-destroy-unattended", "critical"},
	{"terraform -chdir=infra/staging destroy -auto-approve", "cloud.iac-destroy-unattended", ""},
	{"terraform destroy -target=aws_db_instance.main", "cloud.iac-destroy", ""},
	{"terraform destroy -target aws_db_instance.main -auto-approve", "cloud.iac-destroy-unattended", ""},
	{"tofu destroy --auto-approve", "cloud.iac-destroy-unattended", ""},
	{"terraform apply -destroy -auto-approve", "cloud.iac-destroy-unattended", ""},
	{"terraform apply -destroy", "cloud.iac-destroy", ""},
	{"cd infra && terraform destroy -auto-approve -var-file=staging.tfvars", "cloud.iac-destroy-unattended", ""},
	{"terraform apply -auto-approve", "cloud.iac-apply-unattended", ""},
	{"terraform apply -replace=aws_db_instance.main", "cloud.iac-replace-data", ""},
	{"terraform taint aws_db_instance.main", "cloud.iac-replace-data", ""},
	{"terraform taint aws_instance.web", "cloud.iac-state-edit", ""},
	{"terraform state rm aws_s3_bucket.logs", "cloud.iac-state-edit", ""},
	{"terraform state push -force terraform.tfstate", "cloud.iac-state-force", ""},
	{"terraform workspace delete -force staging", "cloud.iac-state-force", ""},
	{"terraform workspace delete feature-x", "cloud.iac-state-edit", ""},
	{"terraform force-unlock 1234", "cloud.iac-state-edit", ""},
	{"terragrunt run-all destroy --terragrunt-non-interactive", "cloud.iac-destroy-unattended", ""},
	{"terragrunt run-all destroy", "cloud.iac-destroy", ""},
	{"terragrunt destroy -auto-approve", "cloud.iac-destroy-unattended", ""},
	{"pulumi destroy", "cloud.iac-destroy", ""},
	{"pulumi destroy --yes", "cloud.iac-destroy-unattended", ""},
	{"pulumi down -y -s prod", "cloud.iac-destroy-unattended", ""},
	{"pulumi up --yes", "cloud.iac-apply-unattended", ""},
	{"pulumi up --replace urn:pulumi:prod::shop::aws:rds/instance:Instance::db", "cloud.iac-replace-data", ""},
	{"pulumi stack rm dev --force", "cloud.iac-state-force", ""},
	{"pulumi stack rm dev", "cloud.iac-state-edit", ""},
	{"pulumi state delete urn:pulumi:dev::shop::aws:s3/bucket:Bucket::logs", "cloud.iac-state-edit", ""},
	{"cdk destroy --all --force", "cloud.iac-destroy-unattended", ""},
	{"cdk destroy ApiStack", "cloud.iac-destroy", ""},
	{"npx cdk destroy --force", "cloud.iac-destroy-unattended", ""},
	{"npx -p aws-cdk cdk destroy ApiStack", "cloud.iac-destroy", ""},
	// Through every package runner, by the general one that follows them.
	{"pnpm dlx supabase db reset --linked", "cloud.database-reset", ""},
	{"bunx vercel rm shop-web --yes", "cloud.service-delete", ""},
	{"npm exec -- vercel rm shop-web --yes", "cloud.service-delete", ""},
	{"pnpm vercel rm shop-web --yes", "cloud.service-delete", ""},
	{"yarn dlx netlify-cli sites:delete abc --force", "cloud.app-delete", ""},
	{"bun x firebase-tools firestore:delete --all-collections", "cloud.database-reset", ""},
	{"npx sls remove --stage prod", "cloud.iac-destroy", ""},
	{"sam delete --stack-name api --no-prompts", "cloud.iac-destroy-unattended", ""},
	{"sam delete", "cloud.iac-destroy", ""},
	{"serverless remove --stage prod", "cloud.iac-destroy", "critical"},
	{"sls remove", "cloud.iac-destroy", ""},
	// docker, podman, compose
	{"docker volume rm pgdata", "cloud.docker-volume-delete", ""},
	{"docker volume rm $(docker volume ls -q)", "cloud.docker-volume-delete", ""},
	{"docker volume prune -f", "cloud.docker-volume-delete", ""},
	{"docker volume prune --all --force", "cloud.docker-volume-delete", ""},
	{"docker system prune -a --volumes -f", "cloud.docker-volume-delete", ""},
	{"docker system prune --volumes", "cloud.docker-volume-delete", ""},
	{"docker compose down -v", "cloud.docker-volume-delete", ""},
	{"docker compose down --volumes --remove-orphans", "cloud.docker-volume-delete", ""},
	{"docker compose -f docker-compose.prod.yml down -v", "cloud.docker-volume-delete", "critical"},
	{"docker compose -p shop down -v", "cloud.docker-volume-delete", ""},
	{"docker compose rm -f -v", "cloud.docker-volume-delete", ""},
	{"docker-compose down -v", "cloud.docker-volume-delete", ""},
	{"docker-compose -f a.yml down --volumes", "cloud.docker-volume-delete", ""},
	{"podman volume rm data", "cloud.docker-volume-delete", ""},
	{"nerdctl volume rm data", "cloud.docker-volume-delete", ""},
	{"podman system reset -f", "cloud.docker-volume-delete", ""},
	{"podman machine rm -f", "cloud.docker-volume-delete", ""},
	{"docker rm -fv db", "cloud.docker-volume-delete", ""},
	{"docker container rm --volumes db", "cloud.docker-volume-delete", ""},
	{"docker -H ssh://prod-host volume rm data", "cloud.docker-volume-delete", "critical"},
	{"sudo docker volume rm pgdata", "cloud.docker-volume-delete", ""},
	{"terraform plan -destroy -out destroy.tfplan && terraform apply destroy.tfplan", "cloud.iac-destroy-unattended", ""},
	// other storage tools and providers
	{"s3cmd rb s3://assets --recursive --force", "cloud.bucket-delete", ""},
	{"s3cmd del -r s3://assets/uploads", "cloud.bucket-delete", ""},
	{"s5cmd rm 's3://assets/*'", "cloud.bucket-delete", ""},
	{"mc rb --force local/assets", "cloud.bucket-delete", ""},
	{"mc rm -r --force local/assets", "cloud.bucket-delete", ""},
	{"rclone purge remote:backups", "cloud.bucket-delete", ""},
	{"rclone sync ./src remote:dst", "cloud.sync-delete", ""},
	{"azcopy rm 'https://a.blob.core.windows.net/c' --recursive", "cloud.bucket-delete", ""},
	{"wrangler d1 delete shop-db", "cloud.database-delete", ""},
	{"npx wrangler r2 bucket delete assets", "cloud.bucket-delete", ""},
	{"eksctl delete cluster --name shop-eks", "cloud.compute-delete", ""},
	{"hcloud volume delete data-1", "cloud.volume-delete", ""},
	{"oci db autonomous-database delete --autonomous-database-id ocid1.x --force", "cloud.delete-unlisted", ""},
	{"yc managed-postgresql cluster delete pg1", "cloud.delete-unlisted", ""},
	{"linode-cli volumes delete 123", "cloud.delete-unlisted", ""},
	{"docker rm -f web", "cloud.docker-container-delete", ""},
	{"docker container prune -f", "cloud.docker-container-delete", ""},
	{"docker system prune -af", "cloud.docker-container-delete", ""},
}

var cloudAllowed = []string{
	// package runners: adding or listing is not deleting
	"pnpm add vercel", "npx vercel ls", "yarn build", "pnpm dlx supabase status",
	// aws
	"aws s3 ls",
	"aws s3 ls s3://assets --recursive",
	"aws s3 cp build.zip s3://assets/releases/",
	"aws s3 cp s3://assets/data . --recursive",
	"aws s3 sync ./dist s3://www-bucket",
	"aws s3 mv s3://assets/a.txt s3://assets/b.txt",
	"aws s3 mb s3://new-bucket",
	"aws s3 rm s3://assets --recursive --dryrun",
	"aws s3 rb help",
	"aws ec2 describe-instances --filters Name=tag:env,Values=staging",
	"aws ec2 terminate-instances --instance-ids i-0abc --dry-run",
	"aws rds describe-db-instances",
	"aws rds create-db-snapshot --db-instance-identifier orders --db-snapshot-identifier pre-migration",
	"aws rds modify-db-instance --db-instance-identifier orders --backup-retention-period 7",
	"aws rds stop-db-instance --db-instance-identifier orders",
	"aws dynamodb scan --table-name Orders",
	"aws sts get-caller-identity",
	"aws s3api get-bucket-policy --bucket assets",
	"aws s3api delete-bucket-policy --bucket assets",
	"aws ec2 delete-security-group --group-id sg-123",
	"aws logs tail /aws/lambda/api --follow",
	"aws cloudformation describe-stacks --stack-name shop",
	"aws cloudformation deploy --template-file t.yml --stack-name shop",
	"aws --endpoint-url http://localhost:4566 s3 rb s3://test --force",
	"aws ecr get-login-password --region us-east-1",
	"aws iam list-roles",
	"aws ssm get-parameter --name /shop/db",
	"aws secretsmanager get-secret-value --secret-id shop/db",
	"aws lambda invoke --function-name resize out.json",
	// gcloud, gsutil, bq
	"gcloud config set project acme-prod",
	"gcloud sql instances list",
	"gcloud sql instances describe orders-db",
	"gcloud compute instances list",
	"gcloud compute ssh vm1",
	"gcloud compute ssh vm1 --command 'ls -la'",
	"gcloud auth login",
	"gcloud container clusters get-credentials main --region us-central1",
	"gcloud storage ls gs://assets",
	"gcloud storage cp x.txt gs://assets/",
	"gcloud run deploy api --source .",
	"gcloud compute instances reset vm1",
	"gcloud compute instances stop vm1",
	"gcloud projects list",
	"gcloud sql instances delete --help",
	"gcloud app deploy",
	"gcloud logging read 'severity>=ERROR' --limit 10",
	"gcloud sql backups list --instance orders-db",
	"gcloud compute firewall-rules delete allow-ssh",
	"gsutil ls gs://assets",
	"gsutil cp -r dir gs://assets",
	"gsutil -m rsync -r ./dist gs://www",
	"gsutil -m rsync -r -d -n ./dist gs://www",
	"bq query 'SELECT 1'",
	"bq ls",
	"bq show analytics.events",
	// az
	"az login",
	"az group list",
	"az vm list -g rg",
	"az storage blob list -c uploads --account-name assetsacct",
	"az account set --subscription prod-sub",
	"az aks get-credentials -g rg -n aks1",
	"az group create -n rg-shop -l eastus",
	"az deployment group delete -g rg -n dep1",
	"az storage blob delete-batch -s uploads --account-name assetsacct --dryrun",
	"az backup protection disable -c c --item-name i -g rg --vault-name v --yes",
	"az vm run-command invoke -g rg -n vm1 --command-id RunShellScript --scripts 'uptime'",
	// doctl
	"doctl compute droplet list",
	"doctl databases list",
	"doctl auth init",
	"doctl kubernetes cluster kubeconfig save k1",
	"doctl apps create --spec app.yaml",
	"doctl databases pool delete 9cc1 pool1",
	// fly
	"fly deploy",
	"fly deploy --app shop-api",
	"fly status",
	"fly logs -a shop-api",
	"fly volumes list",
	"fly secrets set KEY=v",
	"fly ssh console",
	"fly postgres connect -a shop-db",
	"fly machine destroy 148ed --force",
	"flyctl scale count 2",
	// heroku
	"heroku logs --tail -a shop",
	"heroku ps -a shop",
	"heroku config:set X=1 -a shop",
	"heroku pg:info -a shop",
	"heroku pg:backups:capture -a shop",
	"heroku apps",
	"heroku run rails console -a shop",
	// railway, vercel, netlify
	"railway up",
	"railway logs",
	"railway status",
	"railway link",
	"railway variables",
	"railway run npm start",
	"railway volume list",
	"vercel",
	"vercel deploy --prod",
	"vercel --prod",
	"vercel env pull",
	"vercel ls",
	"npx vercel deploy --prod",
	"netlify deploy --prod",
	"netlify status",
	"netlify sites:list",
	// supabase, neon, planetscale, firebase
	"supabase start",
	"supabase db push",
	"supabase migration new add_users",
	"supabase status",
	"neonctl branches list",
	"neonctl branches create --name dev",
	"neonctl connection-string",
	"pscale branch list orders",
	"pscale connect orders main",
	"pscale deploy-request create orders dev",
	"firebase deploy",
	"firebase deploy --only hosting",
	"firebase emulators:start",
	"firebase firestore:indexes",
	"npx firebase-tools deploy",
	// kubectl
	"kubectl get pods",
	"kubectl get pods -A",
	"kubectl describe pod api-7d9f",
	"kubectl logs -f deploy/api",
	"kubectl apply -f x.yaml",
	"kubectl apply -k overlays/prod",
	"kubectl port-forward svc/api 8080:80",
	"kubectl top pods",
	"kubectl rollout restart deploy/api",
	"kubectl rollout status deploy/api",
	"kubectl scale deploy api --replicas=3",
	"kubectl delete pod api-7d9f --dry-run=client",
	"kubectl delete ns payments --dry-run=server",
	"kubectl config use-context prod",
	"kubectl cordon node-1",
	"kubectl get pvc -n db",
	"kubectl delete events --all -n shop",
	"kubectl delete --help",
	"kubectl explain pvc",
	"kubectl create namespace payments",
	"kubectl label ns payments team=checkout",
	"oc get projects",
	// helm
	"helm install pg bitnami/postgresql",
	"helm upgrade --install api ./chart -n shop",
	"helm list -A",
	"helm repo add bitnami https://charts.bitnami.com/bitnami",
	"helm repo remove bitnami",
	"helm plugin uninstall diff",
	"helm uninstall api --dry-run",
	"helm template ./chart",
	"helm status api",
	// terraform and friends
	"terraform init",
	"terraform plan",
	"terraform plan -destroy",
	"terraform plan -destroy -out destroy.tfplan",
	"terraform apply",
	"terraform apply tfplan",
	"terraform apply -auto-approve tfplan",
	"terraform fmt -recursive",
	"terraform validate",
	"terraform output",
	"terraform state list",
	"terraform state show aws_db_instance.main",
	"terraform workspace select staging",
	"terraform import aws_s3_bucket.b assets",
	"terraform destroy -help",
	"terraform state mv aws_instance.a aws_instance.b",
	"terraform apply -replace=aws_instance.web",
	"tofu plan",
	"terragrunt plan",
	"terragrunt run-all plan",
	"pulumi up",
	"pulumi preview",
	"pulumi stack ls",
	"pulumi config set region eu-west-1",
	"pulumi refresh --yes",
	"pulumi destroy --preview-only",
	"cdk deploy",
	"cdk synth",
	"cdk diff",
	"cdk deploy --require-approval never",
	"sam build",
	"sam deploy --guided",
	"sam local invoke",
	"serverless deploy --stage prod",
	"sls invoke -f hello",
	// docker
	"docker ps",
	"docker ps -a",
	"docker build -t shop .",
	"docker run --rm -it alpine sh",
	"docker compose up -d",
	"docker compose down",
	"docker compose down --rmi all",
	"docker-compose down",
	"docker compose logs -f",
	"docker images",
	"docker image prune -a -f",
	"docker network prune -f",
	"docker builder prune -af",
	"docker rmi shop:old",
	"docker rm web",
	"docker stop web",
	"docker volume ls",
	"docker volume create data",
	"docker volume inspect data",
	"docker system df",
	"docker compose ps",
	"docker pull postgres:16",
	"podman ps",
	"docker compose -f docker-compose.prod.yml up -d",
	"docker login ghcr.io",
	"gcloud compute target-pools remove-instances pool-1 --instances vm1",
	"gcloud compute instance-groups unmanaged remove-instances ig-1 --instances vm1",
	"rclone sync -n ./src remote:dst",
	"rclone copy ./src remote:dst",
	"s3cmd ls s3://assets",
	"mc ls local/assets",
	"mc /tmp /var",
	"wrangler deploy",
	"wrangler d1 list",
	"eksctl get cluster",
	"hcloud server list",
	"oci os object list --bucket-name b",
	// mentions are not runs
	"echo 'aws s3 rb s3://assets --force'",
	"grep -r 'terraform destroy' docs/",
	"git commit -m 'kubectl delete ns cleanup'",
	"cat <<'EOF'\ndocker compose down -v\nEOF",
	"# kubectl delete namespace prod",
	"command -v kubectl",
	"which terraform",
	"man aws",
}

// cloudLeftToOthers are commands no cloud rule judges: another analyser's
// domain (a local supabase db reset is a migration; what docker exec runs
// is followed by the walker).
var cloudLeftToOthers = []string{
	"supabase db reset",
	"supabase db reset --local",
	"docker exec db psql -U postgres -c 'DROP DATABASE app'",
	"kubectl exec -it postgres-0 -- psql -c 'DROP DATABASE app'",
	"docker compose exec db dropdb app",
	"heroku run rails db:schema:load -a shop",
}

func TestCloudLeavesOthersAlone(t *testing.T) {
	for _, cmd := range cloudLeftToOthers {
		for _, f := range Command(cmd, Context{}).Findings {
			if f.Category == "cloud" {
				t.Errorf("%q: cloud finding %s (%s)", cmd, f.Rule, f.Reason)
			}
		}
	}
}

func TestCloudFlagged(t *testing.T) {
	for _, tc := range cloudFlagged {
		r := Command(tc.cmd, Context{})
		var f *Finding
		for i := range r.Findings {
			if r.Findings[i].Rule == tc.rule {
				f = &r.Findings[i]
				break
			}
		}
		if f == nil {
			t.Errorf("%q: want %s, got %v %+v", tc.cmd, tc.rule, r.Verdict, r.Findings)
			continue
		}
		want := catalogue[tc.rule].Verdict
		if tc.sev != "" {
			want = Pause // raised by a protected name
		}
		if r.Verdict != want {
			t.Errorf("%q: verdict %v, want %v (%+v)", tc.cmd, r.Verdict, want, r.Findings)
		}
		if tc.sev != "" && f.Severity.String() != tc.sev {
			t.Errorf("%q: severity %v, want %s (%s)", tc.cmd, f.Severity, tc.sev, f.Reason)
		}
		checkReason(t, tc.cmd, f)
	}
}

func checkReason(t *testing.T, cmd string, f *Finding) {
	t.Helper()
	if f.Category != "cloud" && f.Category != "test" {
		return
	}
	r := f.Reason
	if r == "" || strings.Contains(r, "%s") || strings.HasSuffix(r, ".") || r[0] >= 'A' && r[0] <= 'Z' {
		t.Errorf("%q: badly formed reason %q", cmd, r)
	}
	for _, s := range f.Spans {
		if s.Start < 0 || s.End > len(cmd) || s.Start > s.End {
			t.Errorf("%q: span %v out of range", cmd, s)
		}
	}
}

func TestCloudAllowed(t *testing.T) {
	for _, cmd := range cloudAllowed {
		if r := Command(cmd, Context{}); r.Verdict != Allow {
			t.Errorf("%q: %v %+v, want allow", cmd, r.Verdict, r.Findings)
		}
	}
}

// spanTexts returns the command text of each span of the top finding.
func spanTexts(cmd string) []string {
	r := Command(cmd, Context{})
	f := r.Top()
	if f == nil {
		return nil
	}
	var out []string
	for _, s := range f.Spans {
		out = append(out, cmd[s.Start:s.End])
	}
	return out
}

func TestCloudSpans(t *testing.T) {
	for cmd, want := range map[string][]string{
		"aws s3 rb s3://assets --force":                                                    {"rb", "s3://assets", "--force"},
		"sudo kubectl delete ns payments":                                                  {"delete", "ns", "payments"},
		"terraform destroy -auto-approve":                                                  {"destroy", "-auto-approve"},
		"gcloud sql instances delete orders-db -q":                                         {"delete", "orders-db", "-q"},
		"sh -c 'railway volume delete --volume vol_9f3c2a7e'":                              {"delete", "vol_9f3c2a7e"},
		"docker compose -p shop down -v":                                                   {"down", "-v", "shop"},
		"aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot": {"delete-db-instance", "orders"},
	} {
		got := spanTexts(cmd)
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("%q: spans %q, want one to be %q", cmd, got, w)
			}
		}
	}
}

func TestCloudTargetsAndReasons(t *testing.T) {
	for cmd, want := range map[string]struct{ target, reason string }{
		"aws --profile staging s3 rb s3://assets --force":     {"s3://assets (profile staging)", "deletes S3 bucket s3://assets in profile staging and every object in it"},
		"railway volume delete --volume vol_9f3c2a7e":         {"vol_9f3c2a7e", "takes its backups with it"},
		"kubectl -n db delete pvc data-0":                     {"pvc/data-0 (namespace db)", "deletes pvc/data-0 in namespace db"},
		"terraform -chdir=infra/staging destroy":              {"infra/staging", "every resource managed by the configuration in infra/staging"},
		"heroku apps:destroy --app shop --confirm shop":       {"shop", "--confirm skips the confirmation prompt"},
		"gcloud --project acme-prod sql instances delete db1": {"db1 (project acme-prod)", "with all its automated and on-demand backups"},
		"aws s3 rb s3://$BUCKET --force":                      {"s3://$BUCKET", "S3 bucket s3://$BUCKET"},
	} {
		f := Command(cmd, Context{}).Top()
		if f == nil {
			t.Errorf("%q: no finding", cmd)
			continue
		}
		if f.Target != want.target || !strings.Contains(f.Reason, want.reason) {
			t.Errorf("%q: target %q reason %q, want %q and %q", cmd, f.Target, f.Reason, want.target, want.reason)
		}
	}
	// The working directory names what terraform destroys.
	r := Command("terraform destroy", Context{Cwd: "/src/infra/prod"})
	if f := r.Top(); f == nil || f.Severity != Critical || f.Target != "/src/infra/prod" {
		t.Errorf("terraform destroy in a prod directory: %+v", r.Findings)
	}
}

// Every table entry names a registered rule, and no CLI is described
// twice.
func TestCloudTablesAreConsistent(t *testing.T) {
	for _, c := range cloudCLIs {
		for _, op := range c.ops {
			if op.rule == "" {
				continue
			}
			r, ok := catalogue[op.rule]
			if !ok || r.Category != "cloud" {
				t.Errorf("%s %s: rule %q is not a cloud rule", c.names[0], op.path, op.rule)
			}
			if !strings.Contains(op.reason, "%s") && op.anon == "" && op.target != "" {
				t.Errorf("%s %s: the reason does not name the target", c.names[0], op.path)
			}
		}
	}
}

func TestCloudOddInputs(t *testing.T) {
	// Nothing here may panic; none of it is a destructive call.
	for _, cmd := range []string{
		"aws", "aws s3", "aws s3 rb", "gcloud", "kubectl delete", "kubectl delete -f", "terraform", "terraform state",
		"docker compose", "docker compose -f", "docker-compose -p", "helm uninstall", "pulumi stack", "heroku run",
		"railway run", "fly ssh console -C", "npx", "npx -p", "aws --profile", "kubectl -n", "gcloud compute ssh --command",
		"az vm run-command invoke --scripts", "heroku pg:psql", "cdk", "sam", "sls", "npm exec", "pnpm dlx",
	} {
		Command(cmd, Context{})
	}
}

func BenchmarkCloudCommand(b *testing.B) {
	cmds := []string{
		"aws s3 rm s3://assets/uploads --recursive",
		"kubectl -n db delete pvc data-postgres-0",
		"terraform destroy -auto-approve",
		"gcloud compute instances list --format json",
		"docker compose up -d",
	}
	for b.Loop() {
		for _, c := range cmds {
			Command(c, Context{})
		}
	}
}

func FuzzCloud(f *testing.F) {
	for _, tc := range cloudFlagged {
		f.Add(tc.cmd)
	}
	for _, c := range cloudAllowed[:40] {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Command(s, Context{})
		for _, f := range r.Findings {
			for _, sp := range f.Spans {
				if sp.Start < 0 || sp.End > len(s) || sp.Start > sp.End {
					t.Fatalf("span %v out of range for %q", sp, s)
				}
			}
		}
	})
}
