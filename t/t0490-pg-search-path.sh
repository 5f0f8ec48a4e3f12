#!/bin/sh
test_description='PostgreSQL: the schema of the tracking tables is fixed for the run, whatever search_path says'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

test_expect_success 'a migration that sets search_path: its rows and the next ones are written' '
	pg_newdb sp &&
	mig a 1_app "CREATE SCHEMA app; SET search_path = app; CREATE TABLE t(x int);" &&
	mig a 2_more "CREATE TABLE u (x int);" &&
	mig a 3_empty "SET search_path = '\'''\''; CREATE TABLE public.w (x int);" &&
	msr -u "$(pg_url sp)" -d a migrate 2>err &&
	test_grep "applied 3 migrations" err &&
	test "$(pgq sp "SELECT string_agg(version, '\'','\'' ORDER BY seq) FROM public.msr_migrations")" = 1,2,3 &&
	test "$(pgq sp "SELECT count(*) FROM public.msr_migrations_log WHERE outcome = '\''ok'\''")" = 3 &&
	test "$(pgq sp "SELECT to_regclass('\''app.t'\'') IS NOT NULL")" = t &&
	msr -u "$(pg_url sp)" -d a check
'

test_expect_success 'the same per batch' '
	pg_newdb spb &&
	msr -u "$(pg_url spb)" -d a --transaction per-batch migrate 2>err &&
	test "$(pgq spb "SELECT count(*) FROM public.msr_migrations")" = 3 &&
	msr -u "$(pg_url spb)" -d a check
'

test_expect_success 'msr:no-transaction: the file is applied, not partial forever' '
	pg_newdb nt &&
	mig n 1_app "-- msr:no-transaction
CREATE SCHEMA app; SET search_path = app; CREATE TABLE t(x int);" &&
	msr -u "$(pg_url nt)" -d n migrate 2>err &&
	test_grep "applied 1_app" err &&
	test "$(pgq nt "SELECT state, statements_done FROM public.msr_migrations")" = "applied|0" &&
	msr -u "$(pg_url nt)" -d n check
'

test_expect_success 'msr:no-transaction failing after the SET: the row and the message agree, and it resumes' '
	pg_newdb ntf &&
	mig f 1_app "-- msr:no-transaction
CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE t (x int);
INSERT INTO needs_fix (x) VALUES (1);
CREATE TABLE v (x int);" &&
	test_expect_code 1 msr -u "$(pg_url ntf)" -d f migrate 2>err &&
	test_grep "resume at statement 4" err &&
	test "$(pgq ntf "SELECT state, statements_done FROM public.msr_migrations")" = "partial|3" &&
	pgq ntf "CREATE TABLE app.needs_fix (x int)" &&
	msr -u "$(pg_url ntf)" -d f migrate 2>err &&
	test_grep "resuming 1_app at statement 4 of 5" err &&
	test "$(pgq ntf "SELECT state, statements_done FROM public.msr_migrations")" = "applied|0" &&
	test "$(pgq ntf "SELECT x FROM app.needs_fix")" = 1 &&
	test "$(pgq ntf "SELECT to_regclass('\''app.v'\'') IS NOT NULL")" = t
'

test_expect_success '[lock] method = table: the lock row goes away after a SET search_path' '
	pg_newdb lt &&
	MSR_LOCK_METHOD=table msr -u "$(pg_url lt)" -d n migrate 2>err &&
	test "$(pgq lt "SELECT count(*) FROM public.msr_migrations_lock")" = 0 &&
	MSR_LOCK_METHOD=table msr -u "$(pg_url lt)" -d n lock status >out &&
	test_grep "^not held$" out
'

test_expect_success 'first run: the tables go to public, as app does not exist yet; same lock key' '
	pg_newdb two &&
	printf "[postgres]\nsearch_path = app, public\n" >two.ini &&
	mig b 1_app "CREATE SCHEMA app; CREATE TABLE app.t (x int);" &&
	pg_hold_lock two public &&
	test_when_finished "pg_free_lock two" &&
	test_expect_code 4 msr -c two.ini -u "$(pg_url two)" -d b \
	    --lock-timeout 0 migrate 2>err &&
	pg_free_lock two &&
	msr -c two.ini -u "$(pg_url two)" -d b migrate 2>err &&
	test "$(pgq two "SELECT version FROM public.msr_migrations")" = 1
'

test_expect_success 'second run, app exists now: the tracking tables are still found in public' '
	mig b 2_more "CREATE TABLE u (x int);" &&
	msr -c two.ini -u "$(pg_url two)" -d b status >out &&
	test_grep "^1  *app  *applied" out &&
	test_grep "^2  *more  *pending" out &&
	msr -c two.ini -u "$(pg_url two)" -d b migrate 2>err &&
	test_grep "applied 2_more" err &&
	test "$(pgq two "SELECT string_agg(version, '\'','\'' ORDER BY seq) FROM public.msr_migrations")" = 1,2 &&
	test "$(pgq two "SELECT to_regclass('\''app.msr_migrations'\'') IS NULL")" = t &&
	test "$(pgq two "SELECT to_regclass('\''app.u'\'') IS NOT NULL")" = t
'

test_expect_success 'second run: the advisory lock key is the one of the first run' '
	mig b 3_again "CREATE TABLE v (x int);" &&
	pg_hold_lock two public &&
	test_when_finished "pg_free_lock two" &&
	test_expect_code 4 msr -c two.ini -u "$(pg_url two)" -d b \
	    --lock-timeout 0 migrate 2>err &&
	msr -c two.ini -u "$(pg_url two)" -d b lock status >out &&
	pg_free_lock two &&
	test_grep "^held by backend pid [0-9]* (psql)" out &&
	test "$(pgq two "SELECT count(*) FROM public.msr_migrations")" = 2
'

test_expect_success 'a table of the application named msr_migrations in a later schema is left alone' '
	pg_newdb own &&
	printf "[postgres]\nsearch_path = public, app\n" >own.ini &&
	mig o 1_own "CREATE SCHEMA app; CREATE TABLE app.msr_migrations (id int);
SET search_path = app, public;" &&
	mig o 2_more "CREATE TABLE u (x int);" &&
	msr -c own.ini -u "$(pg_url own)" -d o migrate 2>err &&
	test "$(pgq own "SELECT count(*) FROM public.msr_migrations")" = 2 &&
	test "$(pgq own "SELECT count(*) FROM app.msr_migrations")" = 0 &&
	msr -c own.ini -u "$(pg_url own)" -d o check
'

cat >odd.sql <<'EOF_SQL'
CREATE SCHEMA "Odd ""S"" e";
ALTER DATABASE odd SET search_path = "$user", "Odd ""S"" e", public;
EOF_SQL

test_expect_success 'a schema with quotes, a space and capitals, after "$user"' '
	pg_newdb odd &&
	pg_psql odd -f odd.sql &&
	mig q 1_user "CREATE SCHEMA postgres; SET search_path = public;" &&
	msr -u "$(pg_url odd)" -d q migrate 2>err &&
	test "$(pgq odd "SELECT count(*) FROM \"Odd \"\"S\"\" e\".msr_migrations")" = 1 &&
	mig q 2_more "CREATE TABLE u (x int);" &&
	pg_hold_lock odd "Odd \"S\" e" &&
	test_when_finished "pg_free_lock odd" &&
	test_expect_code 4 msr -u "$(pg_url odd)" -d q --lock-timeout 0 \
	    migrate 2>err &&
	pg_free_lock odd &&
	msr -u "$(pg_url odd)" -d q migrate 2>err &&
	test "$(pgq odd "SELECT count(*) FROM \"Odd \"\"S\"\" e\".msr_migrations")" = 2 &&
	test "$(pgq odd "SELECT to_regclass('\''postgres.msr_migrations'\'') IS NULL")" = t &&
	test "$(pgq odd "SELECT to_regclass('\''postgres.u'\'') IS NOT NULL")" = t
'

cat >shadow.sql <<'EOF_SQL'
CREATE SCHEMA app;
CREATE FUNCTION app.current_schema() RETURNS name LANGUAGE sql
    AS $$ SELECT 'nope'::name $$;
CREATE FUNCTION app.to_char(timestamp, text) RETURNS text LANGUAGE sql
    AS $$ SELECT 'shadowed' $$;
CREATE FUNCTION app.host(inet) RETURNS text LANGUAGE sql
    AS $$ SELECT 'shadowed' $$;
EOF_SQL

test_expect_success 'functions of a schema before pg_catalog do not stand in for msr'\''s' '
	pg_newdb fn &&
	mig s 1_a "CREATE TABLE a (x int);" &&
	msr -u "$(pg_url fn)" -d s migrate 2>err &&
	pg_psql fn -f shadow.sql &&
	pgq fn "ALTER DATABASE fn SET search_path = app, pg_catalog, public" &&
	MSR_MIGRATIONS_SCHEMA=public msr -u "$(pg_url fn)" -d s status --json >out &&
	test_grep "\"applied_at\":\"[0-9-]*T[0-9:.]*Z\"" out &&
	test_grep -v shadowed out &&
	mig s 2_b "CREATE TABLE b (x int);" &&
	pg_hold_lock fn public &&
	test_when_finished "pg_free_lock fn" &&
	test_expect_code 4 env MSR_MIGRATIONS_SCHEMA=public "$MSRTEST_BIN" \
	    -u "$(pg_url fn)" -d s --lock-timeout 0 migrate 2>err &&
	pg_free_lock fn &&
	test_grep "held by backend pid [0-9]* (psql) from a local socket, connected since [0-9-]*T[0-9:]*Z" err &&
	test_grep -v shadowed err &&
	rm s/2_b.up.sql &&
	msr -u "$(pg_url fn)" -d s check
'

test_expect_success 'a search_path of no schema that exists: exit 2 naming [migrations] schema' '
	pg_newdb none &&
	pgq none "ALTER DATABASE none SET search_path = nosuch" &&
	mig z 1_a "CREATE TABLE public.a (x int);" &&
	test_expect_code 2 msr -u "$(pg_url none)" -d z status 2>err &&
	test_grep "^msr: error: cannot choose the schema of the tracking tables: search_path '\''nosuch'\'' names no schema that exists; set schema in \[migrations\]$" err &&
	test_expect_code 2 msr -u "$(pg_url none)" -d z migrate 2>err &&
	test "$(pgq none "SELECT count(*) FROM pg_tables WHERE tablename = '\''a'\''")" = 0 &&
	msr -u "$(pg_url none)" wait 2>err &&
	MSR_MIGRATIONS_SCHEMA=public msr -u "$(pg_url none)" -d z migrate 2>err &&
	test "$(pgq none "SELECT count(*) FROM public.msr_migrations")" = 1
'

test_done
