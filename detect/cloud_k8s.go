package detect

import (
	"path"
	"strings"
)

// kubectl, oc and helm. kubectl exec is followed by the walker; what
// arrives here is everything else.

func init() {
	register(
		Rule{ID: "cloud.kubectl-delete-namespace", Severity: High, Verdict: Pause,
			Description: "Deletes a Kubernetes namespace (or OpenShift project) and everything in it: workloads, secrets, and volume claims whose volumes go with them under the default reclaim policy.",
			Examples:    []string{"kubectl delete namespace payments", "kubectl delete ns/payments", "oc delete project payments"}},
		Rule{ID: "cloud.kubectl-delete-storage", Severity: High, Verdict: Pause,
			Description: "Deletes Kubernetes storage or data: persistent volume claims and volumes, volume snapshots, database custom resources, or custom resource definitions (which delete every object of their kind).",
			Examples: []string{
				"kubectl delete pvc data-postgres-0 -n db",
				"kubectl -n db delete pv,pvc --all",
				"kubectl delete crd clusters.postgresql.cnpg.io",
				"kubectl delete -f k8s/postgres-pvc.yaml",
			}},
		Rule{ID: "cloud.kubectl-delete-workload", Severity: Medium, Verdict: Pause,
			Description: "Deletes Kubernetes workloads (deployments, stateful sets, daemon sets, nodes) or every object of a kind at once (--all, --all-namespaces): an outage until they are recreated.",
			Examples:    []string{"kubectl delete deployment api -n shop", "kubectl delete pods --all -n shop", "kubectl delete all --all"}},
		Rule{ID: "cloud.kubectl-delete", Severity: Low, Verdict: Warn,
			Description: "Deletes individual Kubernetes objects (pods, services, config maps, secrets, jobs, the objects of a manifest); controllers recreate most of them.",
			Examples:    []string{"kubectl delete pod api-7d9f-abcde", "kubectl delete -f deploy.yaml"}},
		Rule{ID: "cloud.kubectl-disrupt", Severity: Medium, Verdict: Warn,
			Description: "Disrupts running workloads without deleting data: drains a node, scales to zero, prunes on apply, or replaces objects by deleting and recreating them.",
			Examples:    []string{"kubectl drain node-1 --ignore-daemonsets", "kubectl scale deployment api --replicas=0", "kubectl apply -f k8s/ --prune -l app=shop", "kubectl replace --force -f pod.yaml"}},
		Rule{ID: "cloud.helm-uninstall", Severity: Medium, Verdict: Pause,
			Description: "Uninstalls a Helm release, deleting the Kubernetes objects it created; volume claims from its templates are deleted with their data (stateful set claims usually survive).",
			Examples:    []string{"helm uninstall postgres -n db", "helm delete redis --namespace cache"}},
		Rule{ID: "cloud.helm-rollback", Severity: Low, Verdict: Warn,
			Description: "Rolls a Helm release back to an earlier revision; objects and settings added since are removed.",
			Examples:    []string{"helm rollback api 3 -n shop"}},
	)
}

var kubectlCLI = &cloudCLI{
	names: []string{"kubectl", "oc"},
	values: "--cluster --user --kubeconfig -s --server --token --as --as-group --as-uid --request-timeout -l --selector -o --output " +
		"-f --filename --field-selector --grace-period --timeout -c --container --cascade -v --v --certificate-authority " +
		"--client-certificate --client-key --tls-server-name --cache-dir --profile --profile-output -k --kustomize " +
		"--prune-allowlist --prune-whitelist --replicas --current-replicas --chunk-size --field-manager --for --template --password --username",
	bools: "--all -A --all-namespaces --force --now --wait --ignore-not-found --insecure-skip-tls-verify --delete-emptydir-data " +
		"--delete-local-data --ignore-daemonsets --disable-eviction --prune -R --recursive --overwrite --record -i --interactive -t --tty",
	scope: []scopeOpt{{"namespace", []string{"-n", "--namespace"}, ""}, {"context", []string{"--context"}, ""}},
	dry:   "--dry-run",
	help:  "-h",
	custom: func(c *cloudCall) bool {
		switch {
		case c.match(cloudPath("delete")):
			kubectlDelete(c)
		case c.match(cloudPath("drain")):
			reason := "drains %s: every pod on it is evicted and must fit elsewhere"
			if c.has("--delete-emptydir-data --delete-local-data") {
				reason += ", and their emptyDir scratch data is lost"
			}
			c.disrupt("1", reason, "node")
		case c.match(cloudPath("scale")):
			if v, _, ok := c.optValue("--replicas"); ok && v == "0" {
				c.disrupt("1/2", "scales %s to zero replicas: it stops serving until scaled back up", "")
			}
		case c.match(cloudPath("apply")):
			if c.has("--prune") {
				c.disrupt("-f --filename -k --kustomize", "applies %s with --prune: objects matching the selector that the manifests no longer contain are deleted", "manifests")
			}
		case c.match(cloudPath("replace")):
			if c.has("--force") {
				c.disrupt("-f --filename", "replaces the objects in %s by deleting and recreating them (--force); a recreated volume claim is a new, empty one", "manifest")
			}
		}
		return true
	},
}

// disrupt reports cloud.kubectl-disrupt.
func (c *cloudCall) disrupt(target, reason, noun string) {
	op := cloudOp{rule: "cloud.kubectl-disrupt", noun: noun, target: target, reason: reason}
	c.report(&op)
}

// Kinds of Kubernetes objects by what deleting them costs.
var (
	k8sNamespaceKinds = cloudSet("ns namespace namespaces project projects")
	k8sStorageKinds   = cloudSet("pvc pvcs persistentvolumeclaim persistentvolumeclaims pv pvs persistentvolume persistentvolumes " +
		"volumesnapshot volumesnapshots vs volumesnapshotcontent volumesnapshotcontents crd crds customresourcedefinition customresourcedefinitions")
	k8sWorkloadKinds = cloudSet("deployment deployments deploy statefulset statefulsets sts daemonset daemonsets ds replicaset replicasets rs " +
		"node nodes no all deploymentconfig deploymentconfigs dc")
	k8sHarmlessKinds = cloudSet("event events ev")
	// Custom resources that are databases or hold data.
	k8sDataWords = []string{"postgres", "mysql", "mariadb", "mongo", "redis", "cassandra", "database", "kafka", "elasticsearch",
		"opensearch", "etcd", "minio", "clickhouse", "cockroach", "vitess", "scylla", "rabbitmq", "backup", "snapshot", "volume"}
	k8sManifestKindRe = lazyRegexp(`(?m)^\s*kind:\s*["']?([A-Za-z]+)`)
)

type k8sClass int

const (
	k8sNone k8sClass = iota
	k8sHarmless
	k8sOther
	k8sWorkload
	k8sStorage
	k8sNamespace
)

func k8sKind(kind string) k8sClass {
	k := strings.ToLower(kind)
	base, _, _ := strings.Cut(k, ".")
	switch {
	case k8sNamespaceKinds[base]:
		return k8sNamespace
	case k8sStorageKinds[base]:
		return k8sStorage
	case k8sWorkloadKinds[base]:
		return k8sWorkload
	case k8sHarmlessKinds[base]:
		return k8sHarmless
	}
	for _, w := range k8sDataWords {
		if strings.Contains(k, w) {
			return k8sStorage
		}
	}
	return k8sOther
}

func kubectlDelete(c *cloudCall) {
	ops := c.operands()
	class := k8sNone
	var what []string
	var spans []Span
	crd := false
	seen := map[string]bool{}
	add := func(cl k8sClass, name string, sp Span) {
		crd = crd || strings.HasPrefix(name, "crd") || strings.HasPrefix(name, "customresourcedefinition")
		class = max(class, cl)
		if !seen[name] && len(what) < 16 {
			seen[name] = true
			what = append(what, name)
			spans = append(spans, sp)
		}
	}
	switch {
	case len(ops) > 0 && strings.Contains(ops[0].value, "/"):
		// kubectl delete pvc/data ns/payments
		for _, w := range ops {
			kind, name, _ := strings.Cut(w.value, "/")
			cl := k8sKind(kind)
			add(cl, k8sShownKind(kind, name, cl), c.inv.Args[w.arg].Span)
		}
	case len(ops) > 0:
		// kubectl delete pv,pvc name1 name2
		kinds := strings.Split(ops[0].value, ",")
		names := []string{}
		for _, w := range ops[1:] {
			names = append(names, shownArg(c.inv.Args[w.arg]))
		}
		if len(kinds) > 16 {
			kinds = kinds[:16] // enough to judge; a huge list is not a way around it
		}
		if len(names) > 16 {
			names = append(names[:16:16], "…")
		}
		for _, k := range kinds {
			cl := k8sKind(k)
			if len(names) == 0 {
				add(cl, k, c.inv.Args[ops[0].arg].Span)
				continue
			}
			for _, n := range names {
				add(cl, k8sShownKind(k, n, cl), c.inv.Args[ops[0].arg].Span)
			}
		}
		for _, w := range ops[1:] {
			spans = append(spans, c.inv.Args[w.arg].Span)
		}
	}
	// Manifests: judge by the kinds they contain when known (stdin), or by
	// the file's name.
	for _, opt := range []string{"-f", "--filename", "-k", "--kustomize"} {
		for _, i := range c.optValues(opt) {
			a, v := c.optArg(i)
			if v == "-" && c.inv.Stdin != nil && c.inv.Stdin.Known {
				for _, m := range k8sManifestKindRe.FindAllStringSubmatch(c.inv.Stdin.Text, -1) {
					add(k8sKind(m[1]), m[1]+" (from stdin)", a.Span)
				}
				continue
			}
			cl := k8sOther
			base := strings.ToLower(path.Base(v))
			if strings.Contains(base, "namespace") {
				cl = k8sNamespace
			} else if strings.Contains(base, "pvc") || strings.Contains(base, "statefulset") || k8sKind(base) == k8sStorage {
				cl = k8sStorage
			}
			add(cl, "the objects in "+v, a.Span)
		}
	}
	if class <= k8sHarmless {
		return
	}
	everyOne, allNs, sel := c.has("--all"), c.has("-A --all-namespaces"), c.has("-l --selector --field-selector")
	for _, f := range []string{"--all", "-A --all-namespaces", "-l --selector --field-selector"} {
		spans = append(spans, c.flagSpan(f)...)
	}
	// Every object of a kind at once stops a service; a selector picks
	// some, as a restart of matching pods does.
	if (everyOne || allNs) && !sel && class == k8sOther {
		class = k8sWorkload
	}
	desc := strings.Join(what, ", ")
	if desc == "all" {
		desc = "all workloads, services and jobs"
	}
	switch {
	case (everyOne || allNs) && !strings.HasPrefix(desc, "all "):
		desc = "all " + desc
	case sel && !strings.HasPrefix(desc, "all "):
		desc = "the " + desc
	}
	if allNs {
		desc += " in every namespace"
	}
	if sel {
		desc += " matching the selector"
	}
	_, target := c.describe("", "", what)
	if s := c.scopeText(nil); s != "" {
		desc += " in " + s
	}
	all := append(c.inv.SpanOf(c.path...), spans...)
	switch class {
	case k8sNamespace:
		c.inv.Flag("cloud.kubectl-delete-namespace", target, "deletes "+desc+" and everything in it: workloads, secrets, and volume claims whose volumes are deleted with them under the default reclaim policy", all...)
	case k8sStorage:
		reason := "deletes " + desc + "; under the default reclaim policy the volumes behind the claims are deleted with the data on them"
		if crd {
			reason = "deletes " + desc + " and with it every object of that kind in the cluster, and whatever data those objects manage"
		}
		c.inv.Flag("cloud.kubectl-delete-storage", target, reason, all...)
	case k8sWorkload:
		c.inv.Flag("cloud.kubectl-delete-workload", target, "deletes "+desc+"; the pods stop, and what they serve is down until recreated", all...)
	case k8sOther:
		c.inv.Flag("cloud.kubectl-delete", target, "deletes "+desc, all...)
	}
}

// shownKind names an object: "namespace payments", "pvc/data".
func k8sShownKind(kind, name string, cl k8sClass) string {
	if cl == k8sNamespace {
		return "namespace " + name
	}
	return kind + "/" + name
}

// optArg returns the argument an optValues index points at and its value.
func (c *cloudCall) optArg(i int) (Arg, string) {
	if i < 0 {
		a := c.inv.Args[-i-1]
		_, v, _ := strings.Cut(shownArg(a), "=")
		return a, v
	}
	return c.inv.Args[i], shownArg(c.inv.Args[i])
}

var helmCLI = &cloudCLI{
	names: []string{"helm"},
	values: "--kube-context --kubeconfig --kube-apiserver --kube-token --kube-as-user --kube-as-group --kube-ca-file " +
		"--registry-config --repository-config --repository-cache --burst-limit --qps --timeout --description --cascade",
	bools: "--keep-history --no-hooks --wait --debug --ignore-not-found --force --cleanup-on-fail --recreate-pods",
	scope: []scopeOpt{{"namespace", []string{"-n", "--namespace"}, ""}, {"context", []string{"--kube-context"}, ""}},
	dry:   "--dry-run",
	help:  "-h",
	ops: []cloudOp{
		o("uninstall|delete|del|un", "cloud.helm-uninstall", "Helm release", "1+",
			"uninstalls %s and deletes the Kubernetes objects it created; volume claims from its templates go with their data"),
		o("rollback", "cloud.helm-rollback", "Helm release", "1", "rolls %s back to an earlier revision; objects and settings added since are removed"),
	},
}
