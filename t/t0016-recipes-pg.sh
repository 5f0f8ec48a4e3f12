#!/bin/sh
test_description='PostgreSQL: the command lines of README.md, msr.1 EXAMPLES
and contrib/ that need a server, taken from the documents (see
lib-recipes.sh) and run against a throwaway one, with the least-privilege
setup that msr.1 prints'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"
. "$MSRTEST_SRCDIR/t/lib-recipes.sh"

# How a printed line is changed to run here, and nothing more:
#   - the database host (db, pgbouncer:6432) becomes this server,
#     127.0.0.1:$PGPORT, over TCP, where migrator needs its password
#     (lib-pg.sh); PgBouncer itself is t0440's;
#   - psql's \i /usr/share/msr/postgres.sql reads sql/postgres.sql of
#     this tree;
#   - psql and pg_isready find this server through PGHOST and PGPORT;
#   - a docker run line runs msr itself, with the variables it gives
#     (-e) and the image's, its volume's host directory for /migrations;
#   - msr is the msr under test.
# The settings of the README's least-privilege section (schema = msr,
# search_path = app) are in ./msr.ini where a line runs.

HOSTURL=postgres://migrator@127.0.0.1:$PGPORT/app
PGPASSWORD=mig_s3cret
export PGPASSWORD

# lp_ini: the README's settings for migrator, but url and password_file.
lp_ini() {
	awk '
	/^## / { on = ($0 == "## Least privilege"); next }
	on && !done && $0 == "```ini" { inb = 1; next }
	inb && /^```/ { inb = 0; done = 1; next }
	inb' "$MSRTEST_SRCDIR/README.md" | sed -e '/^url = /d' -e '/^password_file = /d'
}

# owner TABLE: the owner of TABLE in the schema app.
owner() {
	pgq app "SELECT tableowner FROM pg_tables
	    WHERE schemaname = 'app' AND tablename = '$1'"
}

test_expect_success 'msr.1: the least-privilege psql command, as printed, as the superuser' '
	recipe_lines "t0016 msr.1: the least-privilege psql command" >lines &&
	recipe_count 1 lines &&
	recipe_script "$(cat lines)" >printed.sh &&
	sed "s|^\\\\i /usr/share/msr/postgres.sql\$|\\\\i $MSRTEST_SRCDIR/sql/postgres.sql|" \
	    printed.sh >lp.sh &&
	! cmp -s printed.sh lp.sh &&
	test "$(wc -l <lp.sh)" -ge 10 &&
	pg_newdb app &&
	PATH=$PGBIN:$PATH PGHOST=$PGTMP PGPORT=$PGPORT sh -e lp.sh >out 2>err &&
	test "$(pgq app "SELECT string_agg(rolname, '\'' '\'' ORDER BY rolname)
	    FROM pg_roles WHERE rolname IN ('\''migrator'\'', '\''app_user'\'')")" = "app_user migrator" &&
	test "$(pgq app "SELECT string_agg(tablename || '\'' '\'' || tableowner, '\'', '\''
	    ORDER BY tablename) FROM pg_tables WHERE schemaname = '\''msr'\''")" = \
	    "msr_migrations postgres, msr_migrations_lock postgres, msr_migrations_log postgres" &&
	: then, as the README says, a password for migrator &&
	pgq app "ALTER ROLE migrator PASSWORD '\''$PGPASSWORD'\''"
'

test_expect_success 'README.md, Using it: the PostgreSQL line, as migrator' '
	recipe_lines "t0016 README.md, Using it: the PostgreSQL line" >lines &&
	recipe_count 1 lines &&
	line=$(sed "s|postgres://migrator@db/app |$HOSTURL |" lines) &&
	test "$line" != "$(cat lines)" &&
	mkdir using &&
	cd using &&
	lp_ini >msr.ini &&
	test_grep "^search_path = app$" msr.ini &&
	mig db/migrations 0001_items "CREATE TABLE items (id serial PRIMARY KEY);" \
	    "DROP TABLE items;" &&
	mig db/migrations 0002_tags "CREATE TABLE tags (t text);" \
	    "DROP TABLE tags;" &&
	: the password is needed &&
	(PGPASSWORD=wrong && test_expect_code 3 msr -u "$HOSTURL" status 2>err) &&
	test_grep "password authentication failed" err &&
	run_printed "$line" 0 err "applied 2 migrations" &&
	test "$(owner items)" = migrator &&
	test "$(owner tags)" = migrator &&
	test "$(pgq app "SELECT DISTINCT applied_by FROM msr.msr_migrations")" = migrator
'

# docker_run.py LINE: the msr command line of the docker run LINE, as a
# shell script for this test (see above).
cat >docker_run.py <<'EOF'
import os, shlex, sys
text = sys.argv[1].replace("\036", "\n").replace("\\\n", " ")
words = shlex.split(text)
assert words[:2] == ["docker", "run"], words
env, volumes, i = [], {}, 2
while words[i].startswith("-"):
    if words[i] == "-e":
        env.append(words[i + 1])
        i += 2
    elif words[i] == "-v":
        src, dst = words[i + 1].split(":")[:2]
        volumes[dst] = src
        i += 2
    else:
        i += 1
image, args = words[i], words[i + 1:]
assert image == "msr:local", image
# The image's own: ENV MSR_MIGRATIONS_DIR=/migrations, WORKDIR /migrations.
dir = volumes["/migrations"]
# The host directory as docker reads it, in the shell that runs it.
out = ["dir=" + dir, "&&", 'cd "$dir"', "&&", "env"]
for e in env:
    if "=" not in e:
        # docker passes the variable on from its environment
        out.append('%s="$%s"' % (e, e))
        continue
    k, v = e.split("=", 1)
    if v.startswith("postgres://migrator@db/app"):
        v = os.environ["HOSTURL"] + v[len("postgres://migrator@db/app"):]
    out.append(k + "=" + shlex.quote(v))
out.append('MSR_MIGRATIONS_DIR="$dir"')
out += ['$MSRTEST_VALGRIND "$MSRTEST_BIN"'] + [shlex.quote(a) for a in args]
print(" ".join(out))
EOF

test_expect_success 'contrib/Dockerfile: the msr line of its docker run, as migrator' '
	recipe_lines "t0016 contrib/Dockerfile: the msr line of its docker run" >lines &&
	recipe_count 1 lines &&
	HOSTURL=$HOSTURL python3 docker_run.py "$(cat lines)" >run.sh &&
	cat run.sh &&
	test_grep "^dir=\$PWD/db/migrations && cd \"\$dir\" && env MSR_DATABASE_URL=$HOSTURL PGPASSWORD=\"\$PGPASSWORD\" MSR_MIGRATIONS_DIR=\"\$dir\" .* migrate --wait 60\$" run.sh &&
	mkdir drun &&
	cd drun &&
	cp -R ../using/db . &&
	mig db/migrations 0003_notes "CREATE TABLE notes (n text);" \
	    "DROP TABLE notes;" &&
	: the settings beside the migrations, which the image reads &&
	lp_ini >db/migrations/msr.ini &&
	run_printed "$(cat ../run.sh)" 0 err "applied 1 migration" &&
	test "$(owner notes)" = migrator
'

test_expect_success 'msr.1: the PgBouncer line, on the server itself, as migrator' '
	recipe_lines "t0016 msr.1: the PgBouncer line" >lines &&
	recipe_count 1 lines &&
	line=$(sed "s|postgres://migrator@pgbouncer:6432/app |$HOSTURL |" lines) &&
	test "$line" != "$(cat lines)" &&
	cd using &&
	cp ../drun/db/migrations/0003_notes.* db/migrations/ &&
	mig db/migrations 0004_more "CREATE TABLE more (m text);" \
	    "DROP TABLE more;" &&
	run_printed "$line" 0 err "applied 1 migration in" &&
	test_grep "applied 0004_more" err &&
	test "$(owner more)" = migrator &&
	: the lock of the table method, a row, is released &&
	MSR_LOCK_METHOD=table msr -u "$HOSTURL" lock status >out &&
	test_grep "^not held$" out &&
	test "$(pgq app "SELECT count(*) FROM msr.msr_migrations")" = 4
'

test_expect_success 'docker-compose.yml: the healthcheck of db, on this server' '
	recipe_lines "t0016 docker-compose.yml: the healthcheck of db" >lines &&
	recipe_count 2 lines &&
	while IFS= read -r line; do
		(PATH=$PGBIN:$PATH && PGPORT=$PGPORT && export PATH PGPORT &&
		    run_printed "$line" 0 out "accepting connections") || return 1
	done <lines &&
	test_when_finished pg_start &&
	pg_stop &&
	(PATH=$PGBIN:$PATH && PGPORT=$PGPORT && export PATH PGPORT &&
	    run_printed "$(sed -n 1p lines)" 2 out "no response")
'

test_done
