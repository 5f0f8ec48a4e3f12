#!/bin/sh
test_description='PostgreSQL: what a migration does to its session is
undone before the next one (RESET ALL, the role and [postgres] again)'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

NOTX='-- msr:no-transaction'

# In a file that runs without a transaction, msr records its progress
# after each statement but the last, with the file's settings: the
# settings that would stop msr from writing come last here.

# owner DB TABLE: the owner of public.TABLE.
owner() {
	pgq "$1" "SELECT tableowner FROM pg_catalog.pg_tables
	    WHERE schemaname = 'public' AND tablename = '$2'"
}

test_expect_success 'SET ROLE in a migration: the next one runs as msr connected' '
	pgq postgres "CREATE ROLE sess_r NOLOGIN" &&
	pg_newdb role &&
	pgq role "GRANT CREATE, USAGE ON SCHEMA public TO sess_r" &&
	mig r 0001_become "$NOTX
CREATE TABLE before_r (x int);
SET ROLE sess_r;" &&
	mig r 0002_after "CREATE TABLE by_msr (x int);" &&
	msr -u "$(pg_url role)" -d r migrate 2>err &&
	test "$(owner role by_msr)" = postgres &&
	test "$(pgq role "SELECT applied_by FROM msr_migrations ORDER BY version")" = "postgres
postgres"
'

test_expect_success 'SET ROLE to a role that the next migration drops' '
	pg_newdb gone &&
	mig g 0001_make "CREATE ROLE sess_gone NOLOGIN;" "DROP ROLE sess_gone;" &&
	mig g 0002_become "$NOTX
SET ROLE sess_gone;" &&
	mig g 0003_drop "DROP ROLE sess_gone;" &&
	msr -u "$(pg_url gone)" -d g migrate 2>err &&
	test "$(pgq gone "SELECT count(*) FROM pg_roles WHERE rolname = '\''sess_gone'\''")" = 0
'

test_expect_success '[postgres] role is set again after a migration that left it' '
	pgq postgres "CREATE ROLE sess_app NOLOGIN; CREATE ROLE sess_other NOLOGIN" &&
	pg_newdb app &&
	pgq app "GRANT CREATE, USAGE ON SCHEMA public TO sess_app, sess_other" &&
	printf "[postgres]\nrole = sess_app\n" >app.ini &&
	mig a 0001_leave "$NOTX
CREATE TABLE by_app1 (x int);
SET ROLE sess_other;" &&
	mig a 0002_after "CREATE TABLE by_app2 (x int);" &&
	msr -c app.ini -u "$(pg_url app)" -d a migrate 2>err &&
	test "$(owner app by_app1)" = sess_app &&
	test "$(owner app by_app2)" = sess_app
'

test_expect_success 'SET SESSION AUTHORIZATION: undone before msr writes its rows' '
	pgq postgres "CREATE ROLE sess_auth NOLOGIN" &&
	pg_newdb auth &&
	mig sa 0001_auth "$NOTX
SELECT 1;
SET SESSION AUTHORIZATION sess_auth;" &&
	mig sa 0002_after "CREATE TABLE by_msr (x int);" &&
	msr -u "$(pg_url auth)" -d sa migrate 2>err &&
	test "$(owner auth by_msr)" = postgres &&
	test "$(pgq auth "SELECT count(*) FROM msr_migrations")" = 2
'

test_expect_success 'statement_timeout = 1 in a migration does not cut the next one short' '
	pg_newdb st &&
	mig st 0001_short "$NOTX
SET statement_timeout = 1;" &&
	mig st 0002_slow "SELECT pg_sleep(0.2);
CREATE TABLE slow AS SELECT current_setting('\''statement_timeout'\'') AS st;" &&
	msr -u "$(pg_url st)" -d st migrate 2>err &&
	test "$(pgq st "SELECT st FROM slow")" = 0
'

test_expect_success 'set_config() and a DO block: undone as SET is' '
	pg_newdb sc &&
	pgq sc "CREATE SCHEMA x; CREATE SCHEMA y" &&
	mig sc 0001_func "SELECT set_config('\''search_path'\'', '\''x, public'\'', false);" &&
	mig sc 0002_in_public "CREATE TABLE t1 (a int);" &&
	mig sc 0003_do "DO \$\$BEGIN
    PERFORM set_config('\''search_path'\'', '\''y, public'\'', false);
    EXECUTE '\''SET work_mem = 77777'\'';
END\$\$;" &&
	mig sc 0004_in_public "CREATE TABLE t2 AS
    SELECT current_setting('\''work_mem'\'') AS wm;" &&
	msr -u "$(pg_url sc)" -d sc migrate 2>err &&
	test "$(pgq sc "SELECT count(*) FROM public.t1")" = 0 &&
	test "$(pgq sc "SELECT wm FROM public.t2")" = 4MB
'

test_expect_success 'RESET ALL in a migration: the next one has the settings of [postgres]' '
	pg_newdb ra &&
	pgq ra "CREATE SCHEMA \"App\"" &&
	printf "[postgres]\nsearch_path = App\nlock_timeout = 7s\nstatement_timeout = 1min\n" >ra.ini &&
	mig ra 0001_reset "$NOTX
RESET ALL;" &&
	mig ra 0002_seen "CREATE TABLE seen AS SELECT
    current_setting('\''search_path'\'') AS sp,
    current_setting('\''lock_timeout'\'') AS lt,
    current_setting('\''statement_timeout'\'') AS st;" &&
	msr -c ra.ini -u "$(pg_url ra)" -d ra migrate 2>err &&
	test "$(pgq ra "SELECT sp, lt, st FROM \"App\".seen")" = "\"App\"|7s|1min"
'

# A decoy: a table of the name of msr's audit table, found first with
# the migration's search_path.
test_expect_success 'a failing migration after a SET: its audit row is written where msr writes' '
	pg_newdb fl &&
	pgq fl "CREATE SCHEMA other;
	    CREATE TABLE other.msr_migrations_log (decoy int)" &&
	mig fl 0001_fails "$NOTX
SET search_path = other, public;
SELECT 1 / 0;" &&
	test_must_fail msr -u "$(pg_url fl)" -d fl migrate 2>err &&
	test_grep "division by zero" err &&
	test_grep -v "cannot write" err &&
	test "$(pgq fl "SELECT outcome FROM public.msr_migrations_log")" = partial
'

test_expect_success 'a reset rolled back with a failed migration is sent again' '
	pg_newdb rb &&
	pgq rb "CREATE SCHEMA other" &&
	pgq rb "CREATE TABLE other.msr_migrations_log (decoy int)" &&
	mig rb 0001_leak "$NOTX
SELECT 1;
SET search_path = other, public;" &&
	mig rb 0002_fails "CREATE TABLE t (x int);
SELECT 1 / 0;" &&
	test_must_fail msr -u "$(pg_url rb)" -d rb migrate 2>err &&
	test_grep "division by zero" err &&
	test_grep -v "cannot write" err &&
	test "$(pgq rb "SELECT version, outcome FROM public.msr_migrations_log ORDER BY id")" = "1|ok
2|failed"
'

test_expect_success 'a resumed migration keeps its own SET; the next one does not get it' '
	pg_newdb rs &&
	pgq rs "CREATE SCHEMA other" &&
	mig rs 0001_partial "$NOTX
SET search_path = other, public;
CREATE TABLE a1 (x int);
INSERT INTO public.gate VALUES (1);
CREATE TABLE a2 (x int);" &&
	mig rs 0002_after "CREATE TABLE t3 (x int);" &&
	test_must_fail msr -u "$(pg_url rs)" -d rs migrate 2>err &&
	test_grep "is partial" err &&
	pgq rs "CREATE TABLE public.gate (x int)" &&
	msr -u "$(pg_url rs)" -d rs migrate 2>err &&
	test_grep "resuming 0001_partial at statement 3" err &&
	test "$(pgq rs "SELECT count(*) FROM other.a1, other.a2")" = 0 &&
	test "$(pgq rs "SELECT count(*) FROM public.t3")" = 0
'

test_expect_success 'a migration that drops the role of [postgres]: the next one does not run' '
	pgq postgres "CREATE ROLE sess_doomed NOLOGIN" &&
	pg_newdb dr &&
	pgq dr "GRANT CREATE, USAGE ON SCHEMA public TO sess_doomed" &&
	printf "[postgres]\nrole = sess_doomed\n" >dr.ini &&
	pgq dr "CREATE TABLE public.pre (x int)" &&
	mig dr 0001_drop "$NOTX
RESET ROLE;
REASSIGN OWNED BY sess_doomed TO postgres;
DROP OWNED BY sess_doomed;
DROP ROLE sess_doomed;" &&
	mig dr 0002_next "CREATE TABLE next (x int);" &&
	test_must_fail msr -c dr.ini -u "$(pg_url dr)" -d dr migrate 2>err &&
	test_grep "cannot restore the session.s settings after a migration: role \"sess_doomed\" does not exist" err &&
	test "$(pgq dr "SELECT count(*) FROM pg_tables WHERE tablename = '\''next'\''")" = 0
'

test_done
