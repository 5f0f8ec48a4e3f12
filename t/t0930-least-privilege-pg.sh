#!/bin/sh
test_description='PostgreSQL: the least-privilege setup of README.md
("Least privilege") and msr.1 (EXAMPLES), run as they show it: msr as a
role that owns the application schema and may only use the tracking
tables a superuser made, the application as a role with DML only'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

readme=$MSRTEST_SRCDIR/README.md
man=$MSRTEST_SRCDIR/man/msr.1

# readme_block LANG: the first fenced LANG block of the README section
# "Least privilege".
readme_block() {
	awk -v lang="$1" '
	/^## / { on = ($0 == "## Least privilege"); next }
	on && !done && $0 == "```" lang { inb = 1; next }
	inb && /^```/ { inb = 0; done = 1; next }
	inb { print }' "$readme"
}

# man_block N: the Nth literal block after "A least-privilege setup" in
# msr.1, without the lines of the psql command around the SQL, and
# with \e read as a backslash.
man_block() {
	awk -v want="$1" '
	/^A least-privilege setup/ { on = 1 }
	on && /^\.Bd -literal/ { n++; inb = (n == want); next }
	inb && /^\.Ed$/ { inb = 0; next }
	inb && (/^\$ psql / || /^EOF$/) { next }
	inb { gsub(/\\e/, "\\"); print }' "$man"
}

# as_role ROLE SQL: runs SQL with psql as ROLE in the database app.
as_role() {
	printf '%s\n' "$2" |
	"$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGTMP" \
	    -p "$PGPORT" -U "$1" -d app -f -
}

URL="postgresql://migrator@/app?host=$PGTMP&port=$PGPORT"

test_expect_success 'README.md and msr.1 show the same SQL and settings' '
	readme_block sql >readme.sql &&
	man_block 1 >man.sql &&
	test_cmp readme.sql man.sql &&
	test_grep "^CREATE SCHEMA msr;$" readme.sql &&
	test_grep "^\\\\i /usr/share/msr/postgres.sql$" readme.sql &&
	readme_block ini >readme.ini &&
	man_block 2 >man.ini &&
	test_cmp readme.ini man.ini &&
	test_grep "^url = postgres://migrator@" readme.ini
'

test_expect_success 'a superuser runs the SQL of the README' '
	pg_newdb app &&
	sed "s|^\\\\i /usr/share/msr/postgres.sql$|\\\\i $MSRTEST_SRCDIR/sql/postgres.sql|" \
	    readme.sql >setup.sql &&
	! cmp -s readme.sql setup.sql &&
	pg_psql app -f setup.sql &&
	test "$(pgq app "SELECT tablename, tableowner FROM pg_tables
	    WHERE schemaname = '\''msr'\'' ORDER BY 1")" = "msr_migrations|postgres
msr_migrations_lock|postgres
msr_migrations_log|postgres" &&
	pgq app "ALTER ROLE migrator SET log_statement = '\''all'\''"
'

test_expect_success 'msr migrate as migrator, with the settings of the README' '
	sed -e "/^url = /d" -e "/^password_file = /d" readme.ini >msr.ini &&
	mig m 1_items "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);" \
	    "DROP TABLE items;" &&
	mig m 2_price "ALTER TABLE items ADD COLUMN price integer;" \
	    "ALTER TABLE items DROP COLUMN price;" &&
	msr -u "$URL" -d m migrate 2>err &&
	test_grep -v "permission denied" err &&
	test_grep "database is at version 2" err &&
	test "$(pgq app "SELECT version, applied_by FROM msr.msr_migrations
	    ORDER BY seq")" = "1|migrator
2|migrator" &&
	test "$(pgq app "SELECT DISTINCT db_user FROM msr.msr_migrations_log")" = migrator
'

test_expect_success 'msr did not try to create the tracking tables' '
	pg_log >log &&
	test_grep "migrator@app LOG: .*CREATE TABLE items" log &&
	test_grep -v "migrator@app LOG: .*CREATE TABLE.*msr_migrations" log &&
	test_grep -v "migrator@app ERROR" log &&
	test "$(pgq app "SELECT count(*) FROM pg_tables
	    WHERE tablename LIKE '\''msr%'\''")" = 3
'

test_expect_success 'the tables of the migrations belong to migrator' '
	test "$(pgq app "SELECT tableowner FROM pg_tables
	    WHERE schemaname = '\''app'\'' AND tablename = '\''items'\''")" = migrator &&
	test "$(pgq app "SELECT sequenceowner FROM pg_sequences
	    WHERE schemaname = '\''app'\''")" = migrator
'

test_expect_success 'app_user reads and writes rows, its sequence too' '
	as_role app_user "INSERT INTO app.items (name, price) VALUES ('\''a'\'', 1);
	    INSERT INTO app.items (name) VALUES ('\''b'\'');
	    UPDATE app.items SET price = 2 WHERE name = '\''b'\'';
	    DELETE FROM app.items WHERE name = '\''a'\''" &&
	test "$(as_role app_user "SELECT id, name, price FROM app.items")" = "2|b|2"
'

test_expect_success 'app_user cannot create, alter or drop tables' '
	test_must_fail as_role app_user "CREATE TABLE app.other (x integer)" 2>err &&
	test_grep "permission denied for schema app" err &&
	test_must_fail as_role app_user "ALTER TABLE app.items ADD COLUMN y integer" 2>err &&
	test_grep "must be owner of table items" err &&
	test_must_fail as_role app_user "DROP TABLE app.items" 2>err &&
	test_grep "must be owner of table items" err &&
	test_must_fail as_role app_user "TRUNCATE app.items" 2>err &&
	test_grep "permission denied for table items" err &&
	test_must_fail as_role app_user "SELECT * FROM msr.msr_migrations" 2>err &&
	test_grep "permission denied for schema msr" err
'

test_expect_success 'migrator cannot alter, drop or add to the tracking tables' '
	test_must_fail as_role migrator "ALTER TABLE msr.msr_migrations ADD COLUMN x integer" 2>err &&
	test_grep "must be owner of table msr_migrations" err &&
	test_must_fail as_role migrator "DROP TABLE msr.msr_migrations_log" 2>err &&
	test_grep "must be owner of table msr_migrations_log" err &&
	test_must_fail as_role migrator "TRUNCATE msr.msr_migrations_log" 2>err &&
	test_grep "permission denied for table msr_migrations_log" err &&
	test_must_fail as_role migrator "CREATE TABLE msr.other (x integer)" 2>err &&
	test_grep "permission denied for schema msr" err
'

test_expect_success 'status, down, redo and lock work as migrator' '
	n=$(pg_log | wc -l) &&
	msr -u "$URL" -d m status >out 2>err &&
	test_grep "^2  *price  *applied" out &&
	msr -u "$URL" -d m down --steps 1 2>err &&
	test "$(pgq app "SELECT count(*) FROM information_schema.columns
	    WHERE table_schema = '\''app'\'' AND column_name = '\''price'\''")" = 0 &&
	msr -u "$URL" -d m migrate 2>err &&
	msr -u "$URL" -d m redo 2>err &&
	msr -u "$URL" -d m check &&
	msr -u "$URL" lock status >out &&
	test_grep "^not held$" out &&
	MSR_LOCK_METHOD=table msr -u "$URL" -d m migrate 2>err &&
	MSR_LOCK_METHOD=table msr -u "$URL" lock status >out &&
	test_grep "^not held$" out &&
	test "$(pgq app "SELECT action || '\'' '\'' || version FROM msr.msr_migrations_log
	    WHERE outcome = '\''ok'\'' ORDER BY id")" = "up 1
up 2
down 2
up 2
down 2
up 2" &&
	pg_log | tail -n +$((n + 1)) >log &&
	test_grep "migrator@app LOG: .*DROP COLUMN price" log &&
	test_grep -v "migrator@app ERROR" log
'

# readme_upgrade: the psql command of the README that runs the upgrade
# file, with the file of this tree.
readme_upgrade() {
	sed -n 's|^psql -d app \(.*\) -f /usr/share/msr/postgres-upgrade-0.2.sql$|\1|p' "$readme"
}

URL01="postgresql://migrator@/app01?host=$PGTMP&port=$PGPORT"

test_expect_success 'tables of 0.1, made by a superuser as the README says' '
	pg_newdb app01 &&
	sed -e "/^CREATE ROLE /d" \
	    -e "s|^\\\\i /usr/share/msr/postgres.sql$|\\\\i $MSRTEST_SRCDIR/t/fixtures/postgres-0.1.sql|" \
	    readme.sql >setup01.sql &&
	test_grep "^GRANT SELECT, INSERT, UPDATE, DELETE$" setup01.sql &&
	pg_psql app01 -f setup01.sql &&
	test "$(pgq app01 "SELECT count(*) FROM pg_attribute
	    WHERE attname IN ('\''origin'\'', '\''run_id'\'')")" = 0
'

# once_notice FILE: FILE has exactly one notice, which names the ALTER
# of each column.
once_notice() {
	test "$(grep -c "^msr: notice:" "$1")" = 1 &&
	test_grep "^msr: notice: the tracking table \"msr\".\"msr_migrations\" has no column origin" "$1" &&
	test_grep "postgres-upgrade-0.2.sql" "$1" &&
	test_grep "^    ALTER TABLE \"msr\".\"msr_migrations\" ADD COLUMN IF NOT EXISTS origin text;$" "$1" &&
	test_grep "^    ALTER TABLE \"msr\".\"msr_migrations_log\" ADD COLUMN IF NOT EXISTS run_id text;$" "$1"
}

test_expect_success 'every command works as migrator on them; those that write say once what they cannot record' '
	msr -u "$URL01" -d m migrate 2>err &&
	once_notice err &&
	test_grep "database is at version 2" err &&
	msr -u "$URL01" -d m down --steps 1 2>err &&
	once_notice err &&
	msr -u "$URL01" -d m redo 2>err &&
	once_notice err &&
	msr -u "$URL01" -d m migrate 2>err &&
	once_notice err &&
	pgq app01 "UPDATE msr.msr_migrations SET checksum = '\''x'\'' WHERE version = '\''2'\''" &&
	msr -u "$URL01" -d m repair >out 2>err &&
	once_notice err &&
	mig m 3_more "CREATE TABLE more (x integer);" "DROP TABLE IF EXISTS more;" &&
	msr -u "$URL01" -d m baseline 3 >out 2>err &&
	once_notice err &&
	msr -u "$URL01" -d m status >out 2>err &&
	test_grep "^3  *more  *applied" out &&
	msr -u "$URL01" -d m check 2>>err &&
	msr -u "$URL01" -d m validate 2>>err &&
	msr -u "$URL01" lock status >out 2>>err &&
	msr -u "$URL01" -d m migrate --dry-run >out 2>>err &&
	test_grep -v "notice" err &&
	test "$(pgq app01 "SELECT count(*) FROM pg_attribute
	    WHERE attname IN ('\''origin'\'', '\''run_id'\'')")" = 0 &&
	test "$(pgq app01 "SELECT action || '\'' '\'' || version FROM msr.msr_migrations_log
	    WHERE outcome = '\''ok'\'' ORDER BY id")" = "up 1
up 2
down 2
down 1
up 1
up 2
repair 2
baseline 3" &&
	pg_log >log &&
	test_grep -v "migrator@app01 ERROR" log
'

test_expect_success 'after the superuser runs the upgrade file as the README says, msr records everything and says nothing' '
	opts=$(readme_upgrade) &&
	test -n "$opts" &&
	eval "pg_psql app01 $opts -f \"\$MSRTEST_SRCDIR/sql/postgres-upgrade-0.2.sql\"" &&
	msr -u "$URL01" -d m -v down --steps 1 2>err &&
	test_grep -v "has no column" err &&
	id=$(sed -n "s/^msr: run id //p" err) &&
	msr -u "$URL01" -d m migrate 2>err &&
	test_grep -v "has no column" err &&
	test "$(pgq app01 "SELECT version, origin FROM msr.msr_migrations ORDER BY seq")" = "1|
2|
3|msr" &&
	test "$(pgq app01 "SELECT count(*) FROM msr.msr_migrations_log WHERE run_id = '\''$id'\''")" = 1 &&
	test "$(pgq app01 "SELECT count(*) FROM msr.msr_migrations_log WHERE run_id IS NOT NULL")" = 2 &&
	msr -u "$URL01" -d m status >out &&
	test_grep "^1  *items  *applied  *[0-9T:.Z-]* ([0-9]* ms)$" out
'

test_done
