package detect

import (
	"strings"
)

// docker, podman, nerdctl and compose. exec and run are followed into their
// command by the walker; what arrives here is everything else. Deleting
// volumes pauses (that is where a database container keeps its data);
// removing containers and pruning images is everyday local work and at
// most a warning.

func init() {
	register(
		Rule{ID: "cloud.docker-volume-delete", Severity: High, Verdict: Pause,
			Description: "Deletes container volumes, where databases and other stateful containers keep their data (volume rm/prune, system prune --volumes, compose down -v, rm -v, podman system reset).",
			Examples: []string{
				"docker volume rm pgdata",
				"docker volume prune -f",
				"docker system prune -a --volumes",
				"docker compose down -v",
				"docker-compose down --volumes",
				"podman system reset --force",
			}},
		Rule{ID: "cloud.docker-container-delete", Severity: Low, Verdict: Warn,
			Description: "Removes containers (force-removes running ones, or prunes every stopped one); what was written inside a container outside its volumes is lost.",
			Examples:    []string{"docker rm -f web", "docker container prune -f", "docker system prune -af"}},
	)
}

const (
	whyRmVolumes = "deletes %s and its anonymous volumes, with their data (-v)"
	whyRmForce   = "force-removes %s even if running; what was written inside it outside volumes is lost"
)

var dockerCLI = &cloudCLI{
	names: []string{"docker", "podman", "nerdctl", "finch"},
	values: "-l --log-level --tlscacert --tlscert --tlskey --connection --url --identity --root --runroot --storage-driver " +
		"--storage-opt --cgroup-manager --namespace --address --filter --format --config",
	bools: "-f --force -v --volumes -a --all -q --quiet -D --debug --tls --tlsverify --remote --time",
	scope: []scopeOpt{{"context", []string{"-c", "--context"}, "DOCKER_CONTEXT"}, {"host", []string{"-H", "--host"}, "DOCKER_HOST"}},
	help:  "--help",
	custom: func(c *cloudCall) bool {
		if c.match(cloudPath("compose")) {
			composeAnalyse(c, c.path[0]+1)
			return true
		}
		return false
	},
	ops: []cloudOp{
		o("volume|volumes rm|remove", "cloud.docker-volume-delete", "volume", "1+", "deletes %s and the data in it"),
		o("volume|volumes prune", "cloud.docker-volume-delete", "", "",
			"deletes every volume no container uses, named ones included (--all): the data of stopped or removed containers, databases among them, goes with them").ifFlag("-a --all").anonAs("every unused volume"),
		o("volume|volumes prune", "cloud.docker-volume-delete", "", "",
			"deletes every anonymous volume no container uses: the data of containers removed earlier (a database run without -v) goes with them").anonAs("every unused anonymous volume"),
		o("system prune", "cloud.docker-volume-delete", "", "",
			"deletes every stopped container, unused network and image, and every volume no container uses, with its data (--volumes)").ifFlag("--volumes").anonAs("every unused volume"),
		o("system prune", "cloud.docker-container-delete", "", "",
			"deletes every stopped container and what was written inside it, every unused network, and unused images and build cache").anonAs("every stopped container"),
		o("system reset", "cloud.docker-volume-delete", "", "",
			"deletes every container, image, volume and network: all local container data is gone").anonAs("all local container data"),
		o("machine rm|remove", "cloud.docker-volume-delete", "machine", "1", "deletes %s with every container, image and volume inside it").anonAs("the default machine"),
		o("container|containers prune", "cloud.docker-container-delete", "", "", "deletes every stopped container and what was written inside it").anonAs("every stopped container"),
		o("rm", "cloud.docker-volume-delete", "container", "1+", whyRmVolumes).ifFlag("-v --volumes"),
		o("container rm|remove", "cloud.docker-volume-delete", "container", "1+", whyRmVolumes).ifFlag("-v --volumes"),
		o("rm", "cloud.docker-container-delete", "container", "1+", whyRmForce).ifFlag("-f --force"),
		o("container rm|remove", "cloud.docker-container-delete", "container", "1+", whyRmForce).ifFlag("-f --force"),
		o("pod rm|remove", "cloud.docker-container-delete", "pod", "1+", "force-removes %s and its containers; what was written inside them outside volumes is lost").ifFlag("-f --force"),
	},
}

var composeCLI = &cloudCLI{
	names:  []string{"docker-compose", "podman-compose"},
	help:   "--help",
	custom: func(c *cloudCall) bool { composeAnalyse(c, 0); return true },
}

// composeAnalyse handles compose's arguments from Args[from]: down -v and
// rm -v delete volumes.
func composeAnalyse(c *cloudCall, from int) {
	args := c.inv.Args
	sub := -1
	var project, files []string
	var spans []Span
	for i := from; i < len(args); i++ {
		v := args[i].Value
		name, val, eq := strings.Cut(v, "=")
		switch {
		case cloudOneOf(name, []string{"-f", "--file", "-p", "--project-name"}):
			if !eq && i+1 < len(args) {
				i++
				val = shownArg(args[i])
			}
			if name == "-p" || name == "--project-name" {
				project = append(project, val)
			} else {
				files = append(files, val)
			}
			spans = append(spans, args[i].Span)
			continue
		case cloudOneOf(name, []string{"--profile", "--env-file", "--project-directory", "--ansi", "--parallel", "--progress"}):
			if !eq {
				i++
			}
			continue
		case strings.HasPrefix(v, "-"):
			continue
		}
		sub = i
		break
	}
	if sub < 0 {
		return
	}
	rest := *c.inv
	rest.Args = args[sub+1:]
	vol := rest.FlagIndex("-v", "--volumes")
	if vol < 0 || !cloudOneOf(args[sub].Value, []string{"down", "rm"}) {
		return
	}
	names := project
	if len(names) == 0 {
		if v := c.envVar("COMPOSE_PROJECT_NAME"); v != "" {
			names = []string{v}
		}
	}
	if len(names) == 0 {
		names = files
	}
	desc := "compose project " + strings.Join(names, ", ")
	if len(names) == 0 {
		desc = "the compose project of " + orHere(c.inv.w.cwd)
	}
	_, target := c.describe("", "", names)
	all := append([]Span{args[sub].Span, rest.Args[vol].Span}, spans...)
	reason := "stops " + desc + " and deletes its named and anonymous volumes, with the data in them (" + rest.Args[vol].Value + ")"
	if args[sub].Value == "rm" {
		reason = "removes the stopped containers of " + desc + " and their anonymous volumes, with the data in them (" + rest.Args[vol].Value + ")"
	}
	c.inv.Flag("cloud.docker-volume-delete", target, reason, all...)
}
