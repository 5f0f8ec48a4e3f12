#!/bin/sh
test_description='PostgreSQL: a no-transaction migration failing midway, fixed by hand, resumes where it stopped'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

five='-- msr:no-transaction
CREATE TABLE IF NOT EXISTS s1 (x int);
CREATE INDEX CONCURRENTLY IF NOT EXISTS s1_x ON s1 (x);
INSERT INTO needs_fix (x) VALUES (3);
CREATE TABLE IF NOT EXISTS s4 (x int);
CREATE TABLE IF NOT EXISTS s5 (x int);'

test_expect_success 'failing at statement 3 of 5 leaves a partial row' '
	pg_newdb app &&
	mig m 1_five "$five" &&
	test_expect_code 1 msr -u "$(pg_url app)" -d m migrate 2>err &&
	test_grep "m/1_five.up.sql:4:13: relation \"needs_fix\" does not exist (42P01)" err &&
	test_grep "1_five is partial: 2 of 5 statements done" err &&
	test_grep "resume at statement 3" err &&
	test "$(pgq app "SELECT state, statements_done FROM msr_migrations")" = "partial|2" &&
	test "$(pgq app "SELECT to_regclass('\''s1_x'\'') IS NOT NULL")" = t &&
	test "$(pgq app "SELECT count(*) FROM pg_tables WHERE tablename IN ('\''s4'\'', '\''s5'\'')")" = 0 &&
	test "$(pgq app "SELECT outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = partial
'

test_expect_success 'status and check show it partial' '
	msr -u "$(pg_url app)" -d m status >out &&
	test_grep "^1  *five  *partial .*2 statements done" out &&
	test_expect_code 5 msr -u "$(pg_url app)" -d m check 2>err &&
	test_grep "1 five: partial" err
'

test_expect_success 'fixed by hand, file unchanged: the next run resumes at statement 3 and finishes' '
	pgq app "CREATE TABLE needs_fix (x int)" &&
	msr -u "$(pg_url app)" -d m migrate 2>err &&
	test_grep "resuming 1_five at statement 3 of 5" err &&
	test_grep "applied 1_five (.* ms, no transaction)" err &&
	test "$(pgq app "SELECT state, statements_done FROM msr_migrations")" = "applied|0" &&
	test "$(pgq app "SELECT x FROM needs_fix")" = 3 &&
	test "$(pgq app "SELECT count(*) FROM pg_tables WHERE tablename IN ('\''s4'\'', '\''s5'\'')")" = 2 &&
	test "$(pgq app "SELECT string_agg(outcome, '\'','\'' ORDER BY id) FROM msr_migrations_log")" = "partial,ok" &&
	msr -u "$(pg_url app)" -d m check
'

# A SET before the failing statement is run again on resuming: the new
# session needs it, and msr's own tables must not follow it.
search='-- msr:no-transaction
SET search_path TO app, public;
CREATE TABLE IF NOT EXISTS a2 (x int);
INSERT INTO needs_fix (x) VALUES (3);
CREATE TABLE IF NOT EXISTS a4 (x int);
CREATE TABLE IF NOT EXISTS a5 (x int);'

test_expect_success 'a SET search_path before the failure: msr keeps its own tables, and sets it again on resuming' '
	pg_newdb sp &&
	pgq sp "CREATE SCHEMA app" &&
	mig s 1_search "$search" &&
	test_expect_code 1 msr -u "$(pg_url sp)" -d s migrate 2>err &&
	test_grep "1_search is partial: 2 of 5 statements done" err &&
	test "$(pgq sp "SELECT state, statements_done FROM public.msr_migrations")" = "partial|2" &&
	test "$(pgq sp "SELECT to_regclass('\''app.a2'\'') IS NOT NULL")" = t &&
	pgq sp "CREATE TABLE app.needs_fix (x int)" &&
	msr -u "$(pg_url sp)" -d s migrate 2>err &&
	test_grep "resuming 1_search at statement 3 of 5" err &&
	test "$(pgq sp "SELECT x FROM app.needs_fix")" = 3 &&
	test "$(pgq sp "SELECT to_regclass('\''app.a5'\'') IS NOT NULL")" = t &&
	test "$(pgq sp "SELECT to_regclass('\''public.a5'\'') IS NULL")" = t &&
	test "$(pgq sp "SELECT state FROM public.msr_migrations")" = applied &&
	test "$(pgq sp "SELECT to_regclass('\''app.msr_migrations'\'') IS NULL")" = t
'

# grow FILE HEAD TAIL: FILE is HEAD, 100 KiB of comment lines, then TAIL:
# more than the 64 KiB that msr reads of a file at a time.
grow() {
	{
		printf '%s\n' "$2" &&
		awk 'BEGIN { for (i = 0; i < 2000; i++) printf "-- padding line %05d of the file, to be read later\n", i }' &&
		printf '%s\n' "$3"
	} >"$1"
}

# sleeping DB: waits until a pg_sleep() runs in DB, for at most 20 s.
sleeping() {
	n=0
	until [ "$(pgq "$1" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")" = 1 ]; do
		n=$((n + 1))
		[ $n -lt 200 ] || return 1
		sleep 0.1
	done
}

test_expect_success 'a file that gains a statement while it runs fails and is rolled back' '
	pg_newdb grown &&
	mkdir -p g &&
	grow g/1_grow.up.sql "SELECT pg_sleep(2);" "CREATE TABLE grown1 (x int);" &&
	{ msr -u "$(pg_url grown)" -d g migrate >out 2>err & pid=$!; } &&
	sleeping grown &&
	grow g/1_grow.up.sql "SELECT pg_sleep(2);" "CREATE TABLE grown1 (x int);
CREATE TABLE grown2 (x int);" &&
	{ wait $pid; rc=$?; } &&
	test "$rc" = 1 &&
	test_grep "^msr: error: g/1_grow.up.sql changed while msr ran it$" err &&
	test "$(pgq grown "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(pgq grown "SELECT to_regclass('\''grown1'\'') IS NULL")" = t &&
	test "$(pgq grown "SELECT outcome FROM msr_migrations_log")" = failed
'

test_expect_success 'a no-transaction file whose checksum changes while it runs fails and stays partial' '
	pg_newdb grownnt &&
	mkdir -p h &&
	grow h/1_nt.up.sql "-- msr:no-transaction
SELECT pg_sleep(2);" "CREATE TABLE IF NOT EXISTS nt1 (x int);" &&
	{ msr -u "$(pg_url grownnt)" -d h migrate >out 2>err & pid=$!; } &&
	sleeping grownnt &&
	grow h/1_nt.up.sql "-- msr:no-transaction
SELECT pg_sleep(2);" "CREATE TABLE IF NOT EXISTS nt1 (x int); -- edited" &&
	{ wait $pid; rc=$?; } &&
	test "$rc" = 1 &&
	test_grep "^msr: error: h/1_nt.up.sql changed while msr ran it$" err &&
	test "$(pgq grownnt "SELECT state FROM msr_migrations")" = partial &&
	test_expect_code 5 msr -u "$(pg_url grownnt)" -d h migrate 2>err &&
	test_grep "msr repair" err
'

test_expect_success 'a file that loses statements while it runs fails and is rolled back' '
	pg_newdb shrunk &&
	mkdir -p k &&
	grow k/1_shrink.up.sql "SELECT pg_sleep(2);" "CREATE TABLE shrunk1 (x int);
CREATE TABLE shrunk2 (x int);" &&
	{ msr -u "$(pg_url shrunk)" -d k migrate >out 2>err & pid=$!; } &&
	sleeping shrunk &&
	grow k/1_shrink.up.sql "SELECT pg_sleep(2);" "" &&
	{ wait $pid; rc=$?; } &&
	test "$rc" = 1 &&
	test_grep "^msr: error: k/1_shrink.up.sql changed while msr ran it: it ends before statement 2$" err &&
	test "$(pgq shrunk "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(pgq shrunk "SELECT count(*) FROM pg_tables WHERE tablename LIKE '\''shrunk%'\''")" = 0
'

test_expect_success 'repair --forget: quoted and schema-qualified names, CONCURRENTLY, a SET search_path that ran' '
	pg_newdb fq &&
	pgq fq "CREATE SCHEMA app; CREATE SCHEMA \"Odd\"; CREATE TABLE app.base (x int, old int)" &&
	mig fqm 1_fq "-- msr:no-transaction
CREATE TABLE app.t1 (x int);
CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Idx\" ON app.t1 (x);
CREATE TABLE \"Odd\".\"My \"\"T\"\"\" (x int);
CREATE UNIQUE INDEX CONCURRENTLY ON app.t1 (x);
SET search_path = app;
CREATE TABLE T2 (x int);
ALTER TABLE ONLY Base ADD COLUMN IF NOT EXISTS \"Y\" int, DROP COLUMN old;
INSERT INTO needs_fix VALUES (1);" &&
	test_expect_code 1 msr -u "$(pg_url fq)" -d fqm migrate 2>err &&
	test "$(pgq fq "SELECT statements_done FROM msr_migrations")" = 7 &&
	test_expect_code 5 msr -u "$(pg_url fq)" -d fqm repair --forget 1 \
	    >out 2>err &&
	cat >want <<-\EOF &&
	fqm/1_fq.up.sql:2: CREATE TABLE "app"."t1": still there
	fqm/1_fq.up.sql:3: CREATE INDEX "app"."Idx": still there
	fqm/1_fq.up.sql:4: CREATE TABLE "Odd"."My ""T""": still there
	fqm/1_fq.up.sql:5: CREATE INDEX: not checked
	fqm/1_fq.up.sql:6: SET: not checked
	fqm/1_fq.up.sql:7: CREATE TABLE "t2": still there
	fqm/1_fq.up.sql:8: ALTER TABLE "base" ADD COLUMN "Y": still there
	fqm/1_fq.up.sql:8: ALTER TABLE "base" DROP COLUMN "old": still gone
	EOF
	test_cmp want out &&
	test_grep "^    fqm/1_fq.up.sql:7: CREATE TABLE \"t2\": still there$" err &&
	pgq fq "DROP TABLE app.t1, app.t2, \"Odd\".\"My \"\"T\"\"\"; ALTER TABLE app.base DROP COLUMN \"Y\", ADD COLUMN old int" &&
	msr -u "$(pg_url fq)" -d fqm repair --forget 1 >out 2>err &&
	test "$(grep -c ": undone$" out)" = 6 &&
	test_grep "2 statements that ran are not checked" err &&
	test "$(pgq fq "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'repair --forget: a name without schema is looked for as the session of [postgres] search_path would' '
	pg_newdb sp &&
	pgq sp "CREATE SCHEMA other; CREATE TABLE other.t (x int)" &&
	mig spm 1_sp "-- msr:no-transaction
CREATE TABLE t (x int);
INSERT INTO needs_fix VALUES (1);" &&
	test_expect_code 1 msr -u "$(pg_url sp)" -d spm migrate 2>/dev/null &&
	pgq sp "DROP TABLE public.t" &&
	printf "[postgres]\nsearch_path = public\n" >sp.ini &&
	msr -c sp.ini -u "$(pg_url sp)" -d spm repair --forget 1 --dry-run \
	    >out &&
	test_grep "^spm/1_sp.up.sql:2: CREATE TABLE \"t\": undone$" out &&
	printf "[postgres]\nsearch_path = other, public\n" >sp.ini &&
	test_expect_code 5 msr -c sp.ini -u "$(pg_url sp)" -d spm repair \
	    --forget 1 >out &&
	test_grep "^spm/1_sp.up.sql:2: CREATE TABLE \"t\": still there$" out
'

test_done
