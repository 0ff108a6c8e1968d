package detect

import (
	"path"
	"strings"
)

// Migration tools and framework database tasks that drop, reset or wipe
// the application's database: prisma, rails/rake, Django's manage.py,
// alembic, knex, sequelize, typeorm, flyway, liquibase, drizzle-kit,
// supabase (local), mix ecto, Laravel's artisan, golang-migrate, goose,
// dbmate, atlas, sqlx, diesel and dotnet ef. Package runners (npx, pnpm,
// yarn, bunx, npm exec, bundle exec, dotenv, cross-env) are looked
// through, so ./node_modules/.bin/prisma, npx prisma and pnpm prisma are
// all prisma. prisma db execute, manage.py dbshell and friends hand their
// SQL to the SQL scanner.
//
// The environment decides how bad a reset is: RAILS_ENV=production,
// --env production, a DATABASE_URL naming a production host all land in
// the target, where protected names raise the severity; an explicit test
// environment or a test database's name turns a pause into a warning.

func init() {
	register(
		Rule{ID: "migrate.drop-database", Category: "migrate", Severity: High, Verdict: Pause,
			Description: "A migration tool drops (and usually recreates) the application's database: prisma migrate reset, rails db:drop/db:reset, sequelize db:drop, mix ecto.reset, supabase db reset, dotnet ef database drop. Every row is gone.",
			Examples: []string{"npx prisma migrate reset --force", "rails db:drop", "RAILS_ENV=production bundle exec rake db:reset",
				"supabase db reset", "mix ecto.reset", "npx sequelize-cli db:drop"}},
		Rule{ID: "migrate.wipe-data", Category: "migrate", Severity: High, Verdict: Pause,
			Description: "A migration tool empties or recreates every table while keeping the database: manage.py flush, rails db:schema:load, flyway clean, liquibase dropAll, typeorm schema:drop, artisan migrate:fresh, prisma db push --force-reset.",
			Examples: []string{"python manage.py flush --no-input", "bin/rails db:schema:load", "flyway -url=jdbc:postgresql://db/app clean",
				"php artisan migrate:fresh --seed", "npx typeorm schema:drop -d src/data-source.ts", "pnpm prisma db push --force-reset", "liquibase dropAll"}},
		Rule{ID: "migrate.rollback-all", Category: "migrate", Severity: High, Verdict: Pause,
			Description: "Reverts every migration (alembic downgrade base, manage.py migrate app zero, knex migrate:rollback --all, sequelize db:migrate:undo:all, artisan migrate:reset): the tables they created are dropped with their data.",
			Examples: []string{"alembic downgrade base", "python manage.py migrate billing zero", "npx knex migrate:rollback --all",
				"npx sequelize-cli db:migrate:undo:all", "php artisan migrate:reset"}},
		Rule{ID: "migrate.accept-data-loss", Category: "migrate", Severity: High, Verdict: Pause,
			Description: "Pushes a schema while explicitly accepting data loss (prisma db push --accept-data-loss, drizzle-kit push --force): columns and tables that no longer fit are dropped without asking.",
			Examples:    []string{"npx prisma db push --accept-data-loss", "npx drizzle-kit push --force"}},
		Rule{ID: "migrate.rollback", Category: "migrate", Severity: Medium, Verdict: Warn,
			Description: "Reverts the latest migration(s): the columns or tables they added may be dropped with their data.",
			Examples:    []string{"alembic downgrade -1", "rails db:rollback STEP=2", "npx knex migrate:rollback"}},
		Rule{ID: "migrate.test-database", Category: "migrate", Severity: Low, Verdict: Warn,
			Description: "Drops, resets or wipes a database that is explicitly the test environment's (RAILS_ENV=test, a *_test database).",
			Examples:    []string{"RAILS_ENV=test rails db:reset", "MIX_ENV=test mix ecto.reset"}},
	)
	handle(analysePrisma, "prisma")
	handle(analyseRails, "rails", "rake")
	handle(analysePythonManage, pythonNames...)
	handle(analyseDjangoAdmin, "manage.py", "django-admin", "django-admin.py")
	handle(analyseAlembic, "alembic")
	handle(analyseKnex, "knex")
	handle(analyseSequelize, "sequelize", "sequelize-cli")
	handle(analyseTypeorm, "typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm")
	handle(analyseFlyway, "flyway")
	handle(analyseLiquibase, "liquibase")
	handle(analyseDrizzle, "drizzle-kit")
	handle(analyseSupabase, "supabase")
	handle(analyseMix, "mix")
	handle(analyseArtisan, "php", "artisan")
	handle(analyseGolangMigrate, "migrate")
	handle(analyseGoose, "goose")
	handle(analyseDbmate, "dbmate")
	handle(analyseAtlas, "atlas")
	handle(analyseSqlx, "sqlx")
	handle(analyseDiesel, "diesel")
	handle(analyseDotnetEF, "dotnet", "dotnet-ef")
}

var envFileRE = lazyRegexp(`(?:^|[/=])\.env\.([A-Za-z][\w-]*)$`)

var pythonNames = []string{"python", "python2", "python3", "pypy", "pypy3", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14"}

// migration is what is known about where a migration tool acts.
type migration struct {
	inv  *Invocation
	tool string
	env  string // the environment (production, test, …) when known
	host string // from a database URL
	db   string
	def  string // what the target is when nothing else is known
}

func newMigration(inv *Invocation, tool, def string, envVars ...string) *migration {
	m := &migration{inv: inv, tool: tool, def: def}
	env := prefixEnv(inv)
	// dotenv -e .env.production -- prisma …: the env file names the
	// environment.
	for _, t := range prefixTokens(inv) {
		if mm := envFileRE.FindStringSubmatch(t.value); mm != nil && m.env == "" {
			m.env = mm[1]
		}
	}
	for _, v := range envVars {
		if e := env[v]; e != "" && m.env == "" {
			m.env = e
		}
	}
	for _, v := range []string{"DATABASE_URL", "DB_URL"} {
		if u := env[v]; u != "" {
			m.url(u)
		}
	}
	return m
}

func (m *migration) url(u string) {
	if u == "" {
		return
	}
	h, d := parseConn(u)
	if h != "" || strings.Contains(u, "://") {
		m.host, m.db = disp(h), disp(d)
	}
}

func (m *migration) target() string {
	if t := joinNonEmpty("/", m.env, m.host, m.db); t != "" {
		return t
	}
	return m.def
}

func (m *migration) where() string {
	var parts []string
	if m.env != "" {
		parts = append(parts, "environment "+disp(m.env))
	}
	if db := joinNonEmpty("/", m.host, m.db); db != "" {
		parts = append(parts, "database "+db)
	}
	if len(parts) == 0 {
		return " (" + m.def + ")"
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// test reports whether the target is explicitly a test database.
func (m *migration) test() bool {
	e := strings.ToLower(m.env)
	return e == "test" || e == "testing" || m.db != "" && scratchDatabase(m.db)
}

// flag reports rule (downgraded to a warning for a test database) with
// the reason "<what><where>; <consequence>".
func (m *migration) flag(rule, what, consequence string, spans ...Span) {
	if m.test() && rule != "migrate.rollback" {
		m.inv.Flag("migrate.test-database", m.target(), what+m.where()+", which is the test environment's database", spans...)
		return
	}
	m.inv.Flag(rule, m.target(), what+m.where()+"; "+consequence, spans...)
}

const (
	goneDB       = "every table and row in it is gone unless a backup exists"
	goneTables   = "every table is emptied or recreated empty; only a backup brings the rows back"
	goneRollback = "the tables and columns they created are dropped with their data"
	goneOne      = "columns or tables it added may be dropped with their data"
)

// ---- Node tools ----

func analysePrisma(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{long: []string{"--schema", "--url", "--file", "--from-url", "--to-url", "--shadow-database-url"}})
	if len(pos) < 2 {
		return
	}
	m := newMigration(inv, "prisma", "the database in DATABASE_URL")
	m.url(lastOpt(opts, "--url"))
	sub := pos[0].Value + " " + pos[1].Value
	spans := []Span{pos[0].Span, pos[1].Span}
	switch sub {
	case "migrate reset":
		m.flag("migrate.drop-database", "drops and recreates the database with prisma migrate reset", goneDB, spans...)
	case "db push":
		if i := inv.FlagIndex("--force-reset"); i >= 0 {
			m.flag("migrate.wipe-data", "resets the database before pushing the schema with prisma db push --force-reset", goneTables, append(spans, inv.Args[i].Span)...)
		} else if i := inv.FlagIndex("--accept-data-loss"); i >= 0 {
			m.flag("migrate.accept-data-loss", "pushes the schema with prisma db push --accept-data-loss", "columns and tables that no longer fit are dropped with their data", append(spans, inv.Args[i].Span)...)
		}
	case "db execute":
		conn := sqlConn{Host: m.host, DB: m.db}
		if hasOpt(opts, "--stdin") {
			sqlStdin(inv, conn)
		}
	}
}

func analyseKnex(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{long: []string{"--knexfile", "--env", "--cwd", "--knexpath", "--migrations-directory", "--client", "--connection"}})
	if len(pos) == 0 {
		return
	}
	m := newMigration(inv, "knex", "the database in knexfile", "NODE_ENV")
	if e := lastOpt(opts, "--env"); e != "" {
		m.env = e
	}
	m.url(lastOpt(opts, "--connection"))
	switch pos[0].Value {
	case "migrate:rollback":
		if hasOpt(opts, "--all") {
			m.flag("migrate.rollback-all", "reverts every knex migration with migrate:rollback --all", goneRollback, pos[0].Span)
			return
		}
		m.flag("migrate.rollback", "reverts the last batch of knex migrations", goneOne, pos[0].Span)
	case "migrate:down":
		m.flag("migrate.rollback", "reverts a knex migration with migrate:down", goneOne, pos[0].Span)
	}
}

func analyseSequelize(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{long: []string{"--env", "--config", "--url", "--options-path", "--migrations-path", "--seeders-path", "--models-path", "--to", "--from", "--name", "--seed"}})
	if len(pos) == 0 {
		return
	}
	m := newMigration(inv, "sequelize", "the database in config/config.json", "NODE_ENV")
	if e := lastOpt(opts, "--env"); e != "" {
		m.env = e
	}
	m.url(lastOpt(opts, "--url"))
	switch pos[0].Value {
	case "db:drop":
		m.flag("migrate.drop-database", "drops the database with sequelize db:drop", goneDB, pos[0].Span)
	case "db:migrate:undo:all":
		if hasOpt(opts, "--to") {
			m.flag("migrate.rollback", "reverts sequelize migrations back to "+disp(lastOpt(opts, "--to")), goneOne, pos[0].Span)
			return
		}
		m.flag("migrate.rollback-all", "reverts every sequelize migration with db:migrate:undo:all", goneRollback, pos[0].Span)
	case "db:migrate:undo", "db:seed:undo", "db:seed:undo:all":
		m.flag("migrate.rollback", "reverts sequelize "+strings.TrimPrefix(pos[0].Value, "db:"), "rows or columns it added may be deleted", pos[0].Span)
	}
}

func analyseTypeorm(inv *Invocation) {
	_, pos := getopts(inv.Args, optSpec{short: "dcf", long: []string{"--dataSource", "--connection", "--config"}})
	if len(pos) == 0 {
		return
	}
	m := newMigration(inv, "typeorm", "the TypeORM data source", "NODE_ENV")
	switch pos[0].Value {
	case "schema:drop":
		m.flag("migrate.wipe-data", "drops every table of the database with typeorm schema:drop", goneTables, pos[0].Span)
	case "migration:revert":
		m.flag("migrate.rollback", "reverts the last TypeORM migration", goneOne, pos[0].Span)
	}
}

func analyseDrizzle(inv *Invocation) {
	_, pos := getopts(inv.Args, optSpec{long: []string{"--config", "--dialect", "--schema", "--url", "--out"}})
	if len(pos) == 0 || pos[0].Value != "push" {
		return
	}
	if i := inv.FlagIndex("--force"); i >= 0 {
		m := newMigration(inv, "drizzle-kit", "the database in drizzle.config", "NODE_ENV")
		m.flag("migrate.accept-data-loss", "pushes the schema with drizzle-kit push --force, which approves every data-loss statement", "columns and tables that no longer fit are dropped with their data", pos[0].Span, inv.Args[i].Span)
	}
}

// supabase db reset (local). --linked and --db-url resets are remote and
// the cloud analyser's.
func analyseSupabase(inv *Invocation) {
	_, pos := getopts(inv.Args, optSpec{long: []string{"--workdir", "--profile", "-o", "--output", "--version", "--db-url", "--project-ref"}})
	if len(pos) < 2 || pos[0].Value != "db" || pos[1].Value != "reset" || inv.HasFlag("--linked", "--db-url") {
		return
	}
	m := newMigration(inv, "supabase", "the local Supabase database")
	m.flag("migrate.drop-database", "drops and recreates the database with supabase db reset, reapplying migrations and seed data", "whatever it held besides the seed is gone", pos[0].Span, pos[1].Span)
}

// ---- Ruby ----

func analyseRails(inv *Invocation) {
	m := newMigration(inv, inv.Name, "the development database", "RAILS_ENV", "RACK_ENV")
	var tasks []Arg
	for i := 0; i < len(inv.Args); i++ {
		a := inv.Args[i]
		v := a.Value
		switch {
		case strings.HasPrefix(v, "RAILS_ENV=") || strings.HasPrefix(v, "RACK_ENV="):
			m.env = v[strings.IndexByte(v, '=')+1:]
		case (v == "-e" || v == "--environment") && i+1 < len(inv.Args):
			m.env = inv.Args[i+1].Value
			i++
		case strings.HasPrefix(v, "--environment="):
			m.env = v[len("--environment="):]
		case strings.HasPrefix(v, "DATABASE_URL="):
			m.url(v[len("DATABASE_URL="):])
		case strings.HasPrefix(v, "db:"):
			tasks = append(tasks, a)
		}
	}
	if len(inv.Args) >= 2 && (inv.Args[0].Value == "runner" || inv.Args[0].Value == "r") && !strings.HasSuffix(inv.Args[1].Value, ".rb") {
		code := inv.Args[len(inv.Args)-1]
		for _, a := range inv.Args[1:] {
			if !strings.HasPrefix(a.Value, "-") {
				code = a
				break
			}
		}
		ormCode(inv, code.Value, originOf(code))
		return
	}
	versionZero := false
	for _, a := range inv.Args {
		if a.Value == "VERSION=0" {
			versionZero = true
		}
	}
	m.env = disp(m.env)
	for _, t := range tasks {
		task := t.Value
		base := task
		// db:drop:primary, db:schema:load:animals: per-database variants.
		for _, p := range []string{"db:drop", "db:reset", "db:purge", "db:schema:load", "db:structure:load", "db:setup", "db:truncate_all", "db:seed:replant", "db:migrate:reset"} {
			if strings.HasPrefix(task, p+":") && !strings.HasPrefix(task, "db:drop:all") && !strings.HasPrefix(task, "db:purge:all") {
				base = p
			}
		}
		switch base {
		case "db:drop", "db:drop:all", "db:drop:_unsafe", "db:reset", "db:migrate:reset", "db:purge", "db:purge:all":
			what := "drops the database with " + inv.Name + " " + task
			if base == "db:reset" || base == "db:migrate:reset" {
				what = "drops and recreates the database with " + inv.Name + " " + task
			}
			if strings.HasSuffix(task, ":all") {
				what = "drops every configured database (development and test locally) with " + inv.Name + " " + task
			}
			m.flag("migrate.drop-database", what, goneDB, t.Span)
		case "db:schema:load", "db:structure:load", "db:setup", "db:truncate_all", "db:seed:replant":
			what := "recreates every table from the schema file with " + inv.Name + " " + task
			if base == "db:truncate_all" || base == "db:seed:replant" {
				what = "empties every table with " + inv.Name + " " + task
			}
			m.flag("migrate.wipe-data", what, goneTables, t.Span)
		case "db:migrate":
			if versionZero {
				m.flag("migrate.rollback-all", "reverts every migration with "+inv.Name+" db:migrate VERSION=0", goneRollback, t.Span)
			}
		case "db:rollback", "db:migrate:down", "db:migrate:redo":
			m.flag("migrate.rollback", "reverts migrations with "+inv.Name+" "+task, goneOne, t.Span)
		}
	}
}

// ---- Python ----

// analysePythonManage looks at python manage.py … and python -m django …
// (python -c is the interpreter analyser's).
func analysePythonManage(inv *Invocation) {
	args := inv.Args
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "-c":
			return
		case v == "-m":
			if i+1 < len(args) && args[i+1].Value == "django" {
				django(inv, args[i+2:], args[i+1].Span)
			}
			return
		case v == "-W" || v == "-X":
			i++
		case strings.HasPrefix(v, "-") && v != "-":
		default:
			if path.Base(v) == "manage.py" {
				django(inv, args[i+1:], args[i].Span)
			}
			return
		}
	}
}

func analyseDjangoAdmin(inv *Invocation) {
	django(inv, inv.Args, inv.NameSpan)
}

func django(inv *Invocation, args []Arg, nameSpan Span) {
	opts, pos := getopts(args, optSpec{short: "ci", long: []string{"--settings", "--database", "--pythonpath", "-v", "--verbosity", "--traceback", "--command", "--interface"}})
	if len(pos) == 0 {
		return
	}
	m := newMigration(inv, "django", "the default database", "DJANGO_ENV", "ENVIRONMENT")
	if s := lastOpt(opts, "--settings"); s != "" {
		m.env = disp(s)
	} else if s := prefixEnv(inv)["DJANGO_SETTINGS_MODULE"]; s != "" {
		m.env = s
	}
	if d := lastOpt(opts, "--database"); d != "" {
		m.def = "the " + disp(d) + " database"
	}
	cmd := pos[0]
	switch cmd.Value {
	case "flush":
		m.flag("migrate.wipe-data", "deletes every row of every table with manage.py flush", goneTables, cmd.Span)
	case "reset_db":
		m.flag("migrate.drop-database", "drops and recreates the database with manage.py reset_db", goneDB, cmd.Span)
	case "migrate":
		if len(pos) >= 3 && pos[2].Value == "zero" {
			m.flag("migrate.rollback-all", "reverts every migration of app "+disp(pos[1].Value)+" with manage.py migrate "+disp(pos[1].Value)+" zero", "the app's tables are dropped with their data", cmd.Span, pos[1].Span, pos[2].Span)
		}
	case "shell", "shell_plus":
		if c := lastOpt(opts, "-c", "--command"); c != "" {
			a := optValues(opts, "-c", "--command")
			ormCode(inv, c, originOf(a[len(a)-1]))
		} else if in := inv.Stdin; in != nil && in.Known {
			ormCode(inv, in.Text, in.origin)
		}
	case "dbshell":
		// dbshell -- -c "SQL" passes the rest to the database client.
		conn := sqlConn{DB: m.db, Host: m.host}
		for i, a := range args {
			if a.Value == "--" {
				for j := i + 1; j+1 < len(args); j++ {
					if v := args[j].Value; v == "-c" || v == "-e" || v == "--command" || v == "--execute" {
						sqlFindingsIn(inv, args[j+1].Value, originOf(args[j+1]), conn)
					}
				}
				return
			}
		}
		sqlStdin(inv, conn)
	}
}

func analyseAlembic(inv *Invocation) {
	args := inv.Args
	m := newMigration(inv, "alembic", "the database in alembic.ini")
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "-c" || v == "--config" || v == "-n" || v == "--name" || v == "-x":
			if v == "-n" || v == "--name" {
				if i+1 < len(args) {
					m.env = disp(args[i+1].Value)
				}
			}
			i++
		case v == "downgrade":
			if i+1 >= len(args) || inv.HasFlag("--sql") {
				return // --sql prints the SQL instead of running it
			}
			rev := args[i+1]
			if rev.Value == "base" {
				m.flag("migrate.rollback-all", "reverts every alembic migration with alembic downgrade base", goneRollback, args[i].Span, rev.Span)
				return
			}
			what := "reverts alembic migrations down to revision " + disp(rev.Value)
			if strings.HasPrefix(rev.Value, "-") {
				what = "reverts the last " + disp(rev.Value[1:]) + " alembic migration(s)"
			}
			m.flag("migrate.rollback", what, goneOne, args[i].Span, rev.Span)
			return
		case !strings.HasPrefix(v, "-"):
			return
		}
	}
}

// ---- JVM, PHP, Elixir, Go, Rust, .NET ----

func analyseFlyway(inv *Invocation) {
	m := newMigration(inv, "flyway", "the database in flyway.conf")
	var clean *Arg
	cleanOnError := false
	for i, a := range inv.Args {
		v := a.Value
		switch {
		case strings.HasPrefix(v, "-url="):
			m.url(v[len("-url="):])
		case strings.HasPrefix(v, "-environment=") || strings.HasPrefix(v, "-env="):
			m.env = disp(v[strings.IndexByte(v, '=')+1:])
		case strings.HasPrefix(v, "-cleanOnValidationError=true"):
			cleanOnError = true
		case v == "clean":
			clean = &inv.Args[i]
		}
	}
	if clean != nil {
		m.flag("migrate.wipe-data", "drops every object in the configured schemas with flyway clean", goneTables, clean.Span)
	} else if cleanOnError {
		m.flag("migrate.wipe-data", "lets flyway clean every schema when validation fails, with -cleanOnValidationError=true", goneTables)
	}
}

func analyseLiquibase(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{long: []string{"--url", "--username", "--password", "--changelog-file", "--changeLogFile", "--defaults-file", "--defaultsFile", "--contexts", "--labels", "--tag", "--count", "--date"}})
	m := newMigration(inv, "liquibase", "the database in liquibase.properties")
	m.url(lastOpt(opts, "--url"))
	for _, p := range pos {
		switch strings.ToLower(p.Value) {
		case "dropall", "drop-all":
			m.flag("migrate.wipe-data", "drops every object in the database's schema with liquibase "+p.Value, goneTables, p.Span)
			return
		case "rollback", "rollback-count", "rollbackcount", "rollback-to-date", "rollbacktodate":
			m.flag("migrate.rollback", "reverts liquibase changesets with "+p.Value, goneOne, p.Span)
			return
		}
	}
}

func analyseArtisan(inv *Invocation) {
	args := inv.Args
	if inv.Name == "php" {
		if len(args) == 0 || path.Base(args[0].Value) != "artisan" {
			return
		}
		args = args[1:]
	}
	opts, pos := getopts(args, optSpec{long: []string{"--env", "--database", "--path", "--step"}})
	if len(pos) == 0 {
		return
	}
	m := newMigration(inv, "artisan", "the database in .env", "APP_ENV")
	if e := lastOpt(opts, "--env"); e != "" {
		m.env = disp(e)
	}
	cmd := pos[0]
	switch cmd.Value {
	case "migrate:fresh":
		m.flag("migrate.wipe-data", "drops every table and re-runs the migrations with artisan migrate:fresh", goneTables, cmd.Span)
	case "db:wipe":
		m.flag("migrate.wipe-data", "drops every table, view and type with artisan db:wipe", goneTables, cmd.Span)
	case "migrate:reset", "migrate:refresh":
		if hasOpt(opts, "--step") {
			m.flag("migrate.rollback", "reverts migrations with artisan "+cmd.Value+" --step", goneOne, cmd.Span)
			return
		}
		m.flag("migrate.rollback-all", "reverts every migration with artisan "+cmd.Value, goneRollback, cmd.Span)
	case "migrate:rollback":
		m.flag("migrate.rollback", "reverts the last batch of migrations with artisan migrate:rollback", goneOne, cmd.Span)
	}
}

func analyseMix(inv *Invocation) {
	if len(inv.Args) == 0 {
		return
	}
	m := newMigration(inv, "mix", "the development database", "MIX_ENV")
	cmd := inv.Args[0]
	switch cmd.Value {
	case "ecto.drop":
		m.flag("migrate.drop-database", "drops the database with mix ecto.drop", goneDB, cmd.Span)
	case "ecto.reset":
		m.flag("migrate.drop-database", "drops and recreates the database with mix ecto.reset", goneDB, cmd.Span)
	case "ecto.rollback":
		if inv.HasFlag("--all") {
			m.flag("migrate.rollback-all", "reverts every migration with mix ecto.rollback --all", goneRollback, cmd.Span)
			return
		}
		m.flag("migrate.rollback", "reverts the last migration with mix ecto.rollback", goneOne, cmd.Span)
	}
}

// golang-migrate: migrate -path … -database URL down|drop.
func analyseGolangMigrate(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{words: true, long: []string{"-path", "-source", "-database", "-lock-timeout", "-prefetch", "-ext", "-dir", "-seq-digits", "-format", "-tz"}})
	if !hasOpt(opts, "-path", "-source", "-database") || len(pos) == 0 {
		return
	}
	m := newMigration(inv, "migrate", "the database in -database")
	m.url(lastOpt(opts, "-database"))
	cmd := pos[0]
	switch cmd.Value {
	case "drop":
		m.flag("migrate.wipe-data", "drops everything in the database with migrate drop", goneTables, cmd.Span)
	case "down":
		if len(pos) == 1 || hasOpt(opts, "-all") {
			m.flag("migrate.rollback-all", "reverts every migration with migrate down", goneRollback, cmd.Span)
			return
		}
		m.flag("migrate.rollback", "reverts the last "+disp(pos[1].Value)+" migration(s) with migrate down", goneOne, cmd.Span, pos[1].Span)
	}
}

func analyseGoose(inv *Invocation) {
	_, pos := getopts(inv.Args, optSpec{words: true, long: []string{"-dir", "-table", "-certfile", "-ssl-cert", "-ssl-key", "-env"}})
	m := newMigration(inv, "goose", "the database in GOOSE_DBSTRING")
	for i, p := range pos {
		if strings.Contains(p.Value, "://") || strings.Contains(p.Value, "dbname=") {
			m.url(p.Value)
		}
		switch p.Value {
		case "reset":
			m.flag("migrate.rollback-all", "reverts every migration with goose reset", goneRollback, p.Span)
			return
		case "down-to":
			if i+1 < len(pos) && pos[i+1].Value == "0" {
				m.flag("migrate.rollback-all", "reverts every migration with goose down-to 0", goneRollback, p.Span, pos[i+1].Span)
			} else {
				m.flag("migrate.rollback", "reverts goose migrations", goneOne, p.Span)
			}
			return
		case "down", "redo":
			m.flag("migrate.rollback", "reverts the last migration with goose "+p.Value, goneOne, p.Span)
			return
		}
	}
}

func analyseDbmate(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "ued", long: []string{"--url", "--env", "--migrations-dir", "--schema-file", "--migrations-table", "--wait-timeout"}})
	if len(pos) == 0 {
		return
	}
	m := newMigration(inv, "dbmate", "the database in DATABASE_URL")
	m.url(lastOpt(opts, "-u", "--url"))
	switch pos[0].Value {
	case "drop":
		m.flag("migrate.drop-database", "drops the database with dbmate drop", goneDB, pos[0].Span)
	case "rollback", "down":
		m.flag("migrate.rollback", "reverts the last migration with dbmate "+pos[0].Value, goneOne, pos[0].Span)
	}
}

func analyseAtlas(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "uc", long: []string{"--url", "--env", "--config", "--dev-url", "--to", "--schema"}})
	if len(pos) < 2 || pos[0].Value != "schema" || pos[1].Value != "clean" {
		return
	}
	m := newMigration(inv, "atlas", "the database in atlas.hcl")
	m.url(lastOpt(opts, "-u", "--url"))
	if e := lastOpt(opts, "--env"); e != "" {
		m.env = disp(e)
	}
	m.flag("migrate.wipe-data", "drops every object in the database with atlas schema clean", goneTables, pos[0].Span, pos[1].Span)
}

func analyseSqlx(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{short: "D", long: []string{"--database-url", "--source", "--target-version", "--connect-timeout"}})
	if len(pos) < 2 {
		return
	}
	m := newMigration(inv, "sqlx", "the database in DATABASE_URL")
	m.url(lastOpt(opts, "-D", "--database-url"))
	sub := pos[0].Value + " " + pos[1].Value
	switch sub {
	case "database drop", "db drop":
		m.flag("migrate.drop-database", "drops the database with sqlx "+sub, goneDB, pos[0].Span, pos[1].Span)
	case "database reset", "db reset":
		m.flag("migrate.drop-database", "drops and recreates the database with sqlx "+sub, goneDB, pos[0].Span, pos[1].Span)
	case "migrate revert":
		m.flag("migrate.rollback", "reverts the last migration with sqlx migrate revert", goneOne, pos[0].Span, pos[1].Span)
	}
}

func analyseDiesel(inv *Invocation) {
	opts, pos := getopts(inv.Args, optSpec{long: []string{"--database-url", "--migration-dir", "--config-file", "-n", "--number"}})
	if len(pos) < 2 {
		return
	}
	m := newMigration(inv, "diesel", "the database in DATABASE_URL")
	m.url(lastOpt(opts, "--database-url"))
	sub := pos[0].Value + " " + pos[1].Value
	switch sub {
	case "database reset":
		m.flag("migrate.drop-database", "drops and recreates the database with diesel database reset", goneDB, pos[0].Span, pos[1].Span)
	case "migration revert":
		if hasOpt(opts, "--all") {
			m.flag("migrate.rollback-all", "reverts every migration with diesel migration revert --all", goneRollback, pos[0].Span, pos[1].Span)
			return
		}
		m.flag("migrate.rollback", "reverts the last migration with diesel migration revert", goneOne, pos[0].Span, pos[1].Span)
	case "migration redo":
		m.flag("migrate.rollback", "reverts and re-runs the last migration with diesel migration redo", goneOne, pos[0].Span, pos[1].Span)
	}
}

func analyseDotnetEF(inv *Invocation) {
	args := inv.Args
	if inv.Name == "dotnet" {
		if len(args) == 0 || args[0].Value != "ef" {
			return
		}
		args = args[1:]
	}
	opts, pos := getopts(args, optSpec{short: "pc", long: []string{"--project", "--startup-project", "--context", "--configuration",
		"--framework", "--runtime", "--connection", "--msbuildprojectextensionspath", "--environment"}})
	if len(pos) < 2 || pos[0].Value != "database" {
		return
	}
	m := newMigration(inv, "dotnet ef", "the database in the DbContext's connection string", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT")
	m.url(lastOpt(opts, "--connection"))
	if e := lastOpt(opts, "--environment"); e != "" {
		m.env = disp(e)
	}
	switch pos[1].Value {
	case "drop":
		m.flag("migrate.drop-database", "drops the database with dotnet ef database drop", goneDB, pos[0].Span, pos[1].Span)
	case "update":
		if len(pos) >= 3 && pos[2].Value == "0" {
			m.flag("migrate.rollback-all", "reverts every migration with dotnet ef database update 0", goneRollback, pos[1].Span, pos[2].Span)
		}
	}
}

// ---- ORM one-liners run by the framework (rails runner, manage.py shell) ----

var (
	ormDeleteAllRE = lazyRegexp(`\b([A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*)\s*\.\s*(delete_all|destroy_all|objects\s*\.\s*(?:all\s*\(\s*\)\s*\.\s*)?delete\s*\(\s*\))`)
	ormUpdateAllRE = lazyRegexp(`\b([A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*)\s*\.\s*(update_all|objects\s*\.\s*(?:all\s*\(\s*\)\s*\.\s*)?update\s*\()`)
	ormSQLRE       = lazyRegexp(`\b(?:execute|exec_query|exec_update|exec_delete|raw|executescript)\s*\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`)
)

// ormCode judges Ruby or Python code a framework runs against the
// application's database: Model.delete_all, Model.objects.all().delete(),
// and SQL handed to connection.execute().
func ormCode(inv *Invocation, code string, o origin) {
	for _, m := range ormDeleteAllRE.FindAllStringSubmatchIndex(code, -1) {
		model := code[m[2]:m[3]]
		call := strings.Join(strings.Fields(code[m[4]:m[5]]), "")
		inv.Flag("sql.delete-all", model, "deletes every "+model+" record ("+model+"."+call+" with no filter); only a backup brings them back", o.span(m[0], m[1]))
	}
	for _, m := range ormUpdateAllRE.FindAllStringSubmatchIndex(code, -1) {
		model := code[m[2]:m[3]]
		inv.Flag("sql.update-all", model, "overwrites every "+model+" record ("+model+"."+strings.TrimSuffix(strings.Join(strings.Fields(code[m[4]:m[5]]), ""), "(")+" with no filter); the old values are gone", o.span(m[0], m[1]))
	}
	for _, m := range ormSQLRE.FindAllStringSubmatchIndex(code, -1) {
		s, e := m[2], m[3]
		if s < 0 {
			s, e = m[4], m[5]
		}
		sub := origin{whole: o.span(m[0], m[1])}
		if o.exact && !strings.Contains(code[s:e], "\\") {
			sub = origin{base: o.base + s, exact: true}
		}
		sqlFindings(inv, code[s:e], sub)
	}
}
