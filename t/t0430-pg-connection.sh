#!/bin/sh
test_description='PostgreSQL: a connection lost mid-migration, wrong
passwords, waiting for a server that starts late, SIGTERM during a long
statement, and the session settings of [postgres]'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

# msr_sessions DB: how many sessions of msr are connected to DB, after
# waiting up to 5 s for them to go.
msr_sessions() {
	ms_i=0
	while :; do
		ms_n=$(pgq "$1" "SELECT count(*) FROM pg_stat_activity
		    WHERE application_name = 'msr'") || return 1
		if [ "$ms_n" = 0 ] || [ $ms_i -ge 50 ]; then
			echo "$ms_n"
			return 0
		fi
		sleep 0.1
		ms_i=$((ms_i + 1))
	done
}

# no_secret WORD FILE...: WORD shows in none of the FILEs.
no_secret() {
	ns_word=$1
	shift
	for ns_f; do
		if grep -F -e "$ns_word" "$ns_f" >/dev/null; then
			echo "'$ns_word' shows in $ns_f:" >&2
			sed -e 's/^/    /' "$ns_f" >&2
			return 1
		fi
	done
}

write_slow() {
	rm -rf m && mkdir m &&
	printf '%s\n' "CREATE TABLE first (x integer);" \
	    >m/1_first.up.sql &&
	printf '%s\n' "CREATE TABLE slow (x integer);" \
	    "INSERT INTO slow VALUES (1);" \
	    "SELECT pg_sleep($1);" \
	    "CREATE INDEX slow_x ON slow (x);" >m/2_slow.up.sql
}

# (a) The connection killed by the server in the middle of a migration.

test_expect_success 'pg_terminate_backend during a migration: exit 1, a clear message' '
	pg_newdb term &&
	write_slow 30 &&
	msr -u "$(pg_url term)" -d m migrate --to 1 2>err &&
	start=$(date +%s) &&
	msr_bg out err -u "$(pg_url term)" -d m migrate &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	backend=$(pg_sleeping_backend term) &&
	test "$(pgq term "SELECT pg_terminate_backend($backend)")" = t &&
	{ wait $pid; rc=$?; } &&
	test $rc -eq 1 &&
	test $(( $(date +%s) - start )) -lt 15 &&
	test_grep "^msr: error: m/2_slow.up.sql:3:1: terminating connection due to administrator command (57P01)$" err &&
	test_grep "2_slow: rolled back, nothing of it remains" err &&
	every_line_ours err
'

test_expect_success 'pg_terminate_backend: no misleading error after the connection is gone' '
	test_grep -v "cannot read the tracking table" err
'

test_expect_success 'pg_terminate_backend: nothing is half-applied' '
	test "$(pgq term "SELECT to_regclass('\''slow'\'') IS NULL")" = t &&
	test "$(pgq term "SELECT string_agg(version, '\'','\'') FROM msr_migrations")" = 1 &&
	test "$(pgq term "SELECT count(*) FROM pg_locks WHERE locktype = '\''advisory'\''")" = 0 &&
	test "$(msr_sessions term)" = 0
'

test_expect_success 'pg_terminate_backend: the next run succeeds' '
	write_slow 0.1 &&
	msr -u "$(pg_url term)" -d m migrate 2>err &&
	test_grep "applied 2_slow" err &&
	test "$(pgq term "SELECT count(*) FROM slow")" = 1 &&
	test "$(pgq term "SELECT string_agg(version, '\'','\'' ORDER BY version) FROM msr_migrations")" = 1,2 &&
	msr -u "$(pg_url term)" -d m check
'

write_notx() {
	rm -rf x && mkdir x &&
	cat >x/1_notx.up.sql <<-\EOF
	-- msr:no-transaction
	CREATE TABLE IF NOT EXISTS nt_a (x integer);
	SELECT pg_sleep(CASE WHEN to_regclass('go_fast') IS NULL THEN 30 ELSE 0 END);
	CREATE TABLE IF NOT EXISTS nt_b (x integer);
	EOF
}

test_expect_success 'pg_terminate_backend in a no-transaction migration: SQLSTATE, a partial row' '
	pg_newdb termnt &&
	write_notx &&
	msr_bg out err -u "$(pg_url termnt)" -d x migrate &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	backend=$(pg_sleeping_backend termnt) &&
	test "$(pgq termnt "SELECT pg_terminate_backend($backend)")" = t &&
	{ wait $pid; rc=$?; } &&
	test $rc -eq 1 &&
	test "$(pgq termnt "SELECT state, statements_done FROM msr_migrations")" = "partial|1" &&
	test_grep "1_notx is partial: 1 of 3 statements done" err &&
	test_grep "^msr: error: x/1_notx.up.sql:3:1: terminating connection due to administrator command (57P01)$" err &&
	every_line_ours err
'

test_expect_success 'pg_terminate_backend in a no-transaction migration: the next run resumes' '
	pgq termnt "CREATE TABLE go_fast ()" &&
	msr -u "$(pg_url termnt)" -d x migrate 2>err &&
	test_grep "resuming 1_notx at statement 2 of 3" err &&
	test "$(pgq termnt "SELECT state FROM msr_migrations")" = applied &&
	test "$(pgq termnt "SELECT to_regclass('\''nt_b'\'') IS NOT NULL")" = t
'

# (b) Wrong passwords.

test_expect_success 'a wrong password in the URL: exit 3, the server'\''s message, no password' '
	pg_newdb pw &&
	write_slow 0 &&
	test_expect_code 3 msr -u "$(pg_tcp_url pw msr_pw wrongpassword_x)" -d m status >out 2>err &&
	test_grep "password authentication failed for user \"msr_pw\"" err &&
	test_grep "postgresql://msr_pw:\*\*\*@127.0.0.1:$PGPORT/pw" err &&
	no_secret wrongpassword_x out err
'

test_expect_success 'a wrong password: migrate exits 3 and changes nothing' '
	test_expect_code 3 msr -u "$(pg_tcp_url pw msr_pw wrongpassword_x)" -d m migrate >out 2>err &&
	test_grep "password authentication failed" err &&
	no_secret wrongpassword_x out err &&
	test "$(pgq pw "SELECT count(*) FROM pg_tables WHERE schemaname = '\''public'\''")" = 0
'

test_expect_success 'a wrong password in a conninfo string is masked too' '
	test_expect_code 3 msr -u "host=127.0.0.1 port=$PGPORT user=msr_pw password=wrongpassword_x dbname=pw" -d m status >out 2>err &&
	test_grep "password authentication failed" err &&
	no_secret wrongpassword_x out err
'

test_expect_success 'a wrong password with --wait and --json: still never printed' '
	test_expect_code 3 msr --wait 1 --json -u "$(pg_tcp_url pw msr_pw wrongpassword_x)" -d m migrate >out 2>err &&
	test_grep "password authentication failed" err &&
	no_secret wrongpassword_x out err
'

test_expect_success 'a wrong password in password_file: exit 3, not printed' '
	printf "wrongpassword_x\n" >pwfile &&
	chmod 600 pwfile &&
	printf "[database]\npassword_file = %s\n" "$TRASH/pwfile" >pw.ini &&
	chmod 600 pw.ini &&
	test_expect_code 3 msr -c pw.ini -u "$(pg_tcp_url pw msr_pw)" -d m status >out 2>err &&
	test_grep "password authentication failed for user \"msr_pw\"" err &&
	test_grep "postgresql://msr_pw@127.0.0.1:$PGPORT/pw" err &&
	no_secret wrongpassword_x out err
'

test_expect_success 'the right password in password_file works' '
	pgq pw "GRANT CREATE ON SCHEMA public TO msr_pw" &&
	printf "pw_s3cret\n" >pwfile &&
	msr -c pw.ini -u "$(pg_tcp_url pw msr_pw)" -d m status >out 2>err &&
	test_grep "^1  *first  *pending" out &&
	msr -c pw.ini -u "$(pg_tcp_url pw msr_pw)" -d m migrate >out 2>err &&
	no_secret pw_s3cret out err &&
	test "$(pgq pw "SELECT DISTINCT applied_by FROM msr_migrations")" = msr_pw &&
	test "$(pgq pw "SELECT tableowner FROM pg_tables WHERE tablename = '\''slow'\''")" = msr_pw
'

# (c) Waiting for the server.

test_expect_success '--wait 5 against a server that starts 2 s later succeeds' '
	pg_newdb late &&
	pg_stop &&
	{ (sleep 2; pg_start) >start.out 2>&1 & } &&
	starter=$! &&
	start=$(date +%s) &&
	{ msr --wait 5 -u "$(pg_url late)" -d m status >out 2>err; rc=$?; } &&
	took=$(( $(date +%s) - start )) &&
	wait $starter &&
	pgq postgres "SELECT 1" >/dev/null &&
	test $rc -eq 0 &&
	test $took -ge 1 && test $took -le 6 &&
	test_grep "^msr: waiting up to 5 s for postgresql://postgres@/late" err &&
	test_grep "^1  *first  *pending" out
'

test_expect_success '--wait 1 against a stopped server: exit 3 after about 1 s' '
	pg_stop &&
	start=$(date +%s) &&
	{ msr --wait 1 -u "$(pg_url late)" -d m status >out 2>err; rc=$?; } &&
	took=$(( $(date +%s) - start )) &&
	pg_start &&
	test $rc -eq 3 &&
	test $took -ge 1 && test $took -le 4 &&
	test_grep "^msr: waiting up to 1 s for " err &&
	test_grep "^msr: error: cannot connect to postgresql://postgres@/late" err
'

test_expect_success 'without --wait a stopped server is exit 3 at once' '
	pg_stop &&
	start=$(date +%s) &&
	{ msr -u "$(pg_url late)" -d m status >out 2>err; rc=$?; } &&
	took=$(( $(date +%s) - start )) &&
	pg_start &&
	test $rc -eq 3 &&
	test $took -le 1 &&
	test_grep -v "waiting" err
'

# (d) SIGTERM during a long statement.

test_expect_success 'SIGTERM during pg_sleep(30): exit 143 within seconds' '
	pg_newdb sig &&
	write_slow 30 &&
	msr -u "$(pg_url sig)" -d m migrate --to 1 2>err &&
	msr_bg out err -u "$(pg_url sig)" -d m migrate &&
	pid=$! &&
	{ pg_sleeping_backend sig >/dev/null || { kill $pid; false; }; } &&
	start=$(date +%s) &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc -eq 143 &&
	test $(( $(date +%s) - start )) -le 5 &&
	test_grep "canceling statement due to user request (57014)" err &&
	test_grep "2_slow: rolled back, nothing of it remains" err &&
	test_grep "interrupted by a signal" err
'

test_expect_success 'SIGTERM: rolled back, no session left, the lock is free' '
	test "$(pgq sig "SELECT to_regclass('\''slow'\'') IS NULL")" = t &&
	test "$(pgq sig "SELECT string_agg(version, '\'','\'') FROM msr_migrations")" = 1 &&
	test "$(msr_sessions sig)" = 0 &&
	test "$(pgq sig "SELECT count(*) FROM pg_locks WHERE locktype = '\''advisory'\''")" = 0 &&
	write_slow 0 &&
	msr --lock-timeout 0 -u "$(pg_url sig)" -d m migrate 2>err &&
	test "$(pgq sig "SELECT string_agg(version, '\'','\'' ORDER BY version) FROM msr_migrations")" = 1,2
'

test_expect_success 'SIGINT during pg_sleep(30): exit 130, rolled back' '
	pg_newdb sigint &&
	write_slow 30 &&
	msr_bg out err -u "$(pg_url sigint)" -d m migrate &&
	pid=$! &&
	{ pg_sleeping_backend sigint >/dev/null || { kill $pid; false; }; } &&
	kill -INT $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc -eq 130 &&
	test "$(pgq sigint "SELECT to_regclass('\''slow'\'') IS NULL")" = t &&
	test "$(pgq sigint "SELECT string_agg(version, '\'','\'') FROM msr_migrations")" = 1 &&
	test "$(msr_sessions sigint)" = 0
'

test_expect_success 'the lock held by another msr: exit 4, the holder named, no stray warning' '
	pg_newdb lk &&
	write_slow 30 &&
	msr_bg out err1 -u "$(pg_url lk)" -d m migrate &&
	holder=$! &&
	test_when_finished "kill $holder 2>/dev/null" &&
	pg_sleeping_backend lk >/dev/null &&
	start=$(date +%s) &&
	test_expect_code 4 msr --lock-timeout 1 -u "$(pg_url lk)" -d m \
	    migrate 2>err &&
	took=$(( $(date +%s) - start )) &&
	kill -TERM $holder &&
	test_expect_code 143 wait $holder &&
	test $took -ge 1 && test $took -le 3 &&
	test_grep "migration lock not acquired within 1 s; it is held by backend pid [0-9]* (msr)" err &&
	test_grep -v "lock of type" err &&
	test_grep -v "warning" err
'

test_expect_success 'SIGTERM while waiting for the lock: exit 143 at once, no stray warning' '
	: >err &&
	msr_bg out err1 -u "$(pg_url lk)" -d m migrate &&
	holder=$! &&
	test_when_finished "kill $holder 2>/dev/null" &&
	pg_sleeping_backend lk >/dev/null &&
	msr_bg out err -u "$(pg_url lk)" -d m migrate &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	i=0 &&
	until grep "waiting for the migration lock" err >/dev/null; do
		i=$((i + 1)) &&
		test $i -lt 50 &&
		sleep 0.1 || return 1
	done &&
	start=$(date +%s) &&
	kill -TERM $pid &&
	test_expect_code 143 wait $pid &&
	took=$(( $(date +%s) - start )) &&
	kill -TERM $holder &&
	test_expect_code 143 wait $holder &&
	test_grep "waiting for the migration lock held by backend pid" err &&
	test $took -le 2 &&
	test_grep -v "lock of type" err &&
	test_grep -v "warning" err
'

# (e) The session settings of [postgres] and [migrations] schema.

write_session() {
	rm -rf n && mkdir n &&
	cat >n/1_things.up.sql <<-\EOF &&
	CREATE TABLE things (id integer PRIMARY KEY);
	CREATE TABLE seen AS SELECT current_user::text AS who,
	    current_schema()::text AS schema,
	    current_setting('lock_timeout') AS lock_timeout,
	    current_setting('statement_timeout') AS statement_timeout;
	EOF
	cat >n/1_things.down.sql <<-\EOF
	DROP TABLE seen;
	DROP TABLE things;
	EOF
}

test_expect_success 'role, search_path, timeouts and schema apply to the session' '
	pg_newdb sess &&
	pgq sess "CREATE ROLE app_owner NOLOGIN;
		GRANT app_owner TO postgres;
		CREATE SCHEMA app AUTHORIZATION app_owner;
		CREATE SCHEMA track AUTHORIZATION app_owner" &&
	write_session &&
	cat >sess.ini <<-\EOF &&
	[migrations]
	schema = track
	[postgres]
	role = app_owner
	search_path = app, public
	lock_timeout = 3s
	statement_timeout = 1min
	EOF
	msr -c sess.ini -u "$(pg_conninfo sess)" -d n migrate 2>err &&
	test "$(pgq sess "SELECT * FROM app.seen")" = "app_owner|app|3s|1min"
'

test_expect_success 'a role that does not exist: exit 2 at once, named, even with --wait' '
	start=$(date +%s) &&
	test_expect_code 2 env MSR_POSTGRES_ROLE=no_such_role "$MSRTEST_BIN" \
	    -u "$(pg_conninfo sess)" -d n --wait 5 status 2>err &&
	test $(( $(date +%s) - start )) -le 2 &&
	test_grep "cannot set up the session of \[postgres\] on .*: role \"no_such_role\" does not exist" err &&
	test_grep -v "waiting" err
'

test_expect_success 'role: the tables of a migration belong to that role' '
	test "$(pgq sess "SELECT tableowner FROM pg_tables WHERE tablename = '\''things'\''")" = app_owner &&
	test "$(pgq sess "SELECT applied_by FROM track.msr_migrations")" = app_owner
'

test_expect_success 'search_path: unqualified tables land in its first schema' '
	test "$(pgq sess "SELECT schemaname FROM pg_tables WHERE tablename = '\''things'\''")" = app &&
	test "$(pgq sess "SELECT to_regclass('\''public.things'\'') IS NULL")" = t
'

test_expect_success 'schema: the tracking tables are in that schema' '
	pgq sess "SELECT schemaname || '\''.'\'' || tablename FROM pg_tables WHERE tablename LIKE '\''msr\\_%'\'' ORDER BY 1" >tables &&
	printf "track.msr_migrations\ntrack.msr_migrations_lock\ntrack.msr_migrations_log\n" >expect &&
	test_cmp expect tables &&
	msr -c sess.ini -u "$(pg_conninfo sess)" -d n check &&
	msr -c sess.ini -u "$(pg_conninfo sess)" -d n down --all 2>err &&
	test "$(pgq sess "SELECT count(*) FROM track.msr_migrations")" = 0 &&
	test "$(pgq sess "SELECT to_regclass('\''app.things'\'') IS NULL")" = t
'

test_expect_success 'without schema, the tracking tables follow search_path' '
	pg_newdb sp &&
	pgq sp "CREATE SCHEMA app" &&
	printf "[postgres]\nsearch_path = app, public\n" >sp.ini &&
	msr -c sp.ini -u "$(pg_url sp)" -d n migrate 2>err &&
	test "$(pgq sp "SELECT string_agg(schemaname, '\'','\'' ORDER BY tablename) FROM pg_tables WHERE tablename IN ('\''things'\'', '\''msr_migrations'\'')")" = app,app
'

test_expect_success 'statement_timeout: a migration running past it fails with 57014' '
	mig n 2_sleep "CREATE TABLE napped (x integer);
SELECT pg_sleep(2);" &&
	printf "[postgres]\nsearch_path = app, public\nstatement_timeout = 500ms\n" >st.ini &&
	start=$(date +%s) &&
	test_expect_code 1 msr -c st.ini -u "$(pg_url sp)" -d n migrate 2>err &&
	test $(( $(date +%s) - start )) -le 2 &&
	test_grep "^msr: error: n/2_sleep.up.sql:2:1: canceling statement due to statement timeout (57014)$" err &&
	test "$(pgq sp "SELECT to_regclass('\''app.napped'\'') IS NULL")" = t &&
	test "$(pgq sp "SELECT count(*) FROM app.msr_migrations")" = 1
'

test_expect_success 'lock_timeout: a migration waiting for a lock fails with 55P03' '
	rm -f n/2_sleep.up.sql &&
	mig n 2_alter "ALTER TABLE things ADD COLUMN note text;" &&
	{ pgq sp "BEGIN; LOCK TABLE app.things; SELECT pg_sleep(4); COMMIT" >/dev/null 2>&1 & } &&
	holder=$! &&
	i=0 &&
	until test "$(pgq sp "SELECT count(*) FROM pg_locks WHERE relation = '\''app.things'\''::regclass AND mode = '\''AccessExclusiveLock'\'' AND granted")" = 1; do
		i=$((i + 1)) && test $i -lt 50 && sleep 0.1 || return 1
	done &&
	printf "[postgres]\nsearch_path = app, public\nlock_timeout = 500ms\n" >lt.ini &&
	start=$(date +%s) &&
	{ msr -c lt.ini -u "$(pg_url sp)" -d n migrate 2>err; rc=$?; } &&
	took=$(( $(date +%s) - start )) &&
	wait $holder &&
	test $rc -eq 1 &&
	test $took -le 2 &&
	test_grep "^msr: error: n/2_alter.up.sql:1:1: canceling statement due to lock timeout (55P03)$" err &&
	msr -c lt.ini -u "$(pg_url sp)" -d n migrate 2>err &&
	test "$(pgq sp "SELECT count(*) FROM app.msr_migrations")" = 2
'

test_done
