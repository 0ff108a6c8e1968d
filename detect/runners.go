package detect

import "strings"

// Runners: programs whose job is to start another one, a package's or an
// environment's (npx prisma, pnpm dlx supabase, bundle exec rake, uv run
// alembic). They are followed into that program, so every analyser of it
// applies, as wrappers.go does for sudo, env and the shells.

func init() {
	handle(analysePackageRunner, "npx", "pnpx", "bunx", "pnpm", "yarn", "npm", "bun", "bundle", "dotenv", "dotenvx", "cross-env")
	handle(analyseRunner, "uv", "poetry", "pipenv", "pdm", "rye", "hatch", "conda", "mamba", "micromamba", "pixi")
}

// analysePackageRunner follows npx, pnpm, yarn, bunx, npm exec, bun x,
// bundle exec, dotenv and cross-env into the program they start, so every
// analyser of that program sees it: the migration tools' and the cloud
// CLIs' alike (npx vercel rm, pnpm dlx supabase db reset, npx -p aws-cdk
// cdk destroy).
func analysePackageRunner(inv *Invocation) {
	args := inv.Args
	i := 0
	switch inv.Name {
	case "npx", "pnpx", "bunx":
		for ; i < len(args); i++ {
			v := args[i].Value
			switch {
			case v == "-p" || v == "--package":
				i++
			case v == "-c" || v == "--call":
				if i+1 < len(args) {
					inv.Analyze(args[i+1].Value, originOf(args[i+1]))
				}
				return
			case v == "--":
				i++
				runProgram(inv, args[i:], true)
				return
			case strings.HasPrefix(v, "-"):
			default:
				runProgram(inv, args[i:], true)
				return
			}
		}
	case "pnpm", "yarn", "npm", "bun":
		i = skipOptions(args, "-C --dir -F --filter --cwd --prefix -w --workspace", true)
		if i >= len(args) {
			return
		}
		switch sub := args[i].Value; {
		case sub == "exec" || sub == "dlx" || sub == "x" || inv.Name != "npm" && sub == "run":
			j := i + 1 + skipOptions(args[i+1:], "-p --package -c --call", true)
			runProgram(inv, args[j:], true)
		case sub == "workspace" && inv.Name == "yarn" && i+2 < len(args):
			runProgram(inv, args[i+2:], true)
		case inv.Name == "pnpm" || inv.Name == "yarn":
			runProgram(inv, args[i:], true) // pnpm prisma …, yarn prisma …
		}
	case "bundle":
		i = skipOptions(args, "--gemfile", true)
		if i < len(args) && args[i].Value == "exec" {
			runProgram(inv, args[i+1+skipOptions(args[i+1:], "", false):], true)
		}
	case "dotenv", "dotenvx", "cross-env":
		if inv.Name == "dotenvx" {
			if len(args) == 0 || args[0].Value != "run" {
				return
			}
			args = args[1:]
		}
		for j, a := range args {
			if a.Value == "--" {
				runProgram(inv, args[j+1:], true)
				return
			}
		}
		runProgram(inv, args[skipOptions(args, "-e -v -c -p -f --env-file --convention", true):], true)
	}
}

// knownRunnerTargets are the programs followed through package runners:
// where a package manager may mean one of its own subcommands or a
// package.json script (pnpm rm, yarn test), only these names are programs.
var knownRunnerTargets = wordSet(`prisma rails rake knex sequelize sequelize-cli typeorm typeorm-ts-node-commonjs typeorm-ts-node-esm
	drizzle-kit supabase flyway liquibase dbmate atlas sqlx diesel goose migrate mix alembic python python3 psql mysql mariadb
	sqlite3 redis-cli mongosh mongo wrangler turso php artisan manage.py django-admin node dotenv cross-env npx pnpm yarn bunx
	vercel vc netlify ntl firebase neonctl neon cdk serverless sls railway pulumi`)

// runnerPackages names the program a package runs where the two differ
// (npx netlify-cli sites:delete runs netlify).
var runnerPackages = map[string]string{
	"netlify-cli": "netlify", "firebase-tools": "firebase", "aws-cdk": "cdk",
	"@railway/cli": "railway", "@pulumi/cli": "pulumi",
}

// runProgram dispatches args (a program and its arguments) through the
// walker, so wrappers and every analyser of the program apply. known
// limits it to knownRunnerTargets (the other analysers' runners follow
// their own programs; the core should grow one general runner unwrap).
func runProgram(inv *Invocation, args []Arg, known bool) {
	if len(args) == 0 || inv.w == nil {
		return
	}
	sub := *inv
	sub.Args = append([]Arg(nil), args...)
	// npx prisma@5.2.0 → prisma; npx firebase-tools → firebase
	v := sub.Args[0].Value
	if at := strings.LastIndexByte(v, '@'); at > 0 {
		sub.Args[0].Value = v[:at]
	}
	if prog, ok := runnerPackages[sub.Args[0].Value]; ok {
		sub.Args[0].Value = prog
	}
	if known && !knownRunnerTargets[programName(sub.Args[0].Value)] && !strings.Contains(sub.Args[0].Value, "/") {
		return
	}
	inv.w.run(&sub)
}

// analyseRunner follows uv run, poetry run, pipenv run, conda run and the
// like into the program they start.
func analyseRunner(inv *Invocation) {
	args := inv.Args
	i := 0
	switch inv.Name {
	case "uv":
		i = skipOptions(args, "--directory --project --config-file --cache-dir --python -p --color --index-url --extra-index-url", false)
		if i < len(args) && args[i].Value == "tool" {
			i++
		}
		if i >= len(args) || args[i].Value != "run" {
			return
		}
		i++
		i += skipOptions(args[i:], "--with --with-requirements --with-editable --python -p --project --directory --package --extra --group --only-group --no-group --env-file --index --index-url --extra-index-url --from --script -m --module", false)
	case "conda", "mamba", "micromamba":
		i = skipOptions(args, "", false)
		if i >= len(args) || args[i].Value != "run" {
			return
		}
		i++
		i += skipOptions(args[i:], "-n --name -p --prefix --cwd", false)
	default:
		i = skipOptions(args, "", false)
		if i >= len(args) || args[i].Value != "run" {
			return
		}
		i++
		i += skipOptions(args[i:], "-e --environment", false)
	}
	if i >= len(args) {
		return
	}
	next := *inv
	next.Args = args[i:]
	inv.w.run(&next)
}
