#!/bin/sh
test_description='PostgreSQL: promises of msr(1) and msr.ini(5) that no other
script asserts (connection parameters, service files, TLS, session, names,
times, protocols, notices, privileges, the lock key, signals, wait); see
t/GUARANTEES.md'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

SQ="'"

# elapsed START: whole seconds since START ($(date +%s)).
elapsed() {
	echo $(( $(date +%s) - $1 ))
}

# A TCP port that accepts connections and never answers, as a server
# behind a black-holing firewall looks to libpq: only connect_timeout
# ends the wait.
cat >hole.py <<\EOF
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
s.settimeout(0.2)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
conns = []
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        conns.append(s.accept()[0])
    except socket.timeout:
        pass
EOF

pg_newdb base

test_expect_success 'the session: application_name msr, UTF8, a client check every second' '
	pg_newdb sess &&
	mig s 1_seen "CREATE TABLE seen AS SELECT
    current_setting('\''application_name'\'') AS app,
    current_setting('\''client_encoding'\'') AS enc,
    current_setting('\''client_connection_check_interval'\'') AS ccci;" &&
	PGCLIENTENCODING=LATIN1 msr -u "$(pg_url sess)" -d s migrate 2>err &&
	test "$(pgq sess "SELECT app, enc FROM seen")" = "msr|UTF8" &&
	if [ "$PG_VERSION_NUM" -ge 140000 ]; then
		test "$(pgq sess "SELECT ccci FROM seen")" = 1s
	fi
'

test_expect_success 'PGAPPNAME replaces the name msr; application_name in the URL wins' '
	pg_newdb app1 && pg_newdb app2 &&
	PGAPPNAME=from_env msr -u "$(pg_url app1)" -d s migrate 2>err &&
	test "$(pgq app1 "SELECT app FROM seen")" = from_env &&
	PGAPPNAME=from_env msr -u "$(pg_url app2)&application_name=from_url" \
	    -d s migrate 2>err &&
	test "$(pgq app2 "SELECT app FROM seen")" = from_url
'

test_expect_success 'postgres:// alone connects as libpq does without a URL, from PG*' '
	pg_newdb env &&
	PGHOST=$PGTMP PGPORT=$PGPORT PGUSER=postgres PGDATABASE=env \
	    msr -u postgres:// -d s migrate 2>err &&
	test "$(pgq env "SELECT version FROM msr_migrations")" = 1
'

test_expect_success 'a connection service file: service=NAME and postgres:///?service=NAME' '
	pg_newdb svc_a && pg_newdb svc_b &&
	cat >services <<-EOF &&
	[msr_a]
	host=$PGTMP
	port=$PGPORT
	user=postgres
	dbname=svc_a

	[msr_b]
	host=$PGTMP
	port=$PGPORT
	user=postgres
	dbname=svc_b
	EOF
	test_expect_code 3 msr -u service=msr_a -d s migrate 2>err &&
	test_grep "definition of service \"msr_a\" not found" err &&
	PGSERVICEFILE=$TRASH/services msr -u service=msr_a -d s migrate 2>err &&
	PGSERVICEFILE=$TRASH/services msr -u "postgres:///?service=msr_b" \
	    -d s migrate 2>err &&
	test "$(pgq svc_a "SELECT app FROM seen")" = msr &&
	test "$(pgq svc_b "SELECT app FROM seen")" = msr &&
	test "$(pgq svc_a "SELECT version FROM msr_migrations")" = 1 &&
	test "$(pgq svc_b "SELECT version FROM msr_migrations")" = 1
'

# TLS needs a certificate, made with openssl; CI installs it (scripts/deps).
if command -v openssl >/dev/null 2>&1; then
	have_openssl=yes
else
	have_openssl=
fi

# tls_test DESCRIPTION BODY: a test that needs openssl; without it, it
# is skipped, or fails under MSRTEST_REQUIRE_ALL, as test_require does.
tls_test() {
	if [ -n "$have_openssl" ]; then
		test_expect_success "$1" "$2"
	elif [ -n "${MSRTEST_REQUIRE_ALL:-}" ]; then
		test_expect_success "$1" '
			echo "openssl is required: apt-get install openssl"
			false
		'
	else
		test_skip "$1" "openssl missing: apt-get install openssl"
	fi
}

# self_signed NAME: NAME.crt and NAME.key, for localhost and 127.0.0.1.
self_signed() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 2 -subj /CN=localhost \
	    -addext "subjectAltName = DNS:localhost, IP:127.0.0.1" \
	    -keyout "$1.key" -out "$1.crt" 2>"$1.log"
}

# ssl_is ON_OFF: waits up to 30 s for the server to have ssl ON_OFF, after
# pg_reload_conf(); on means that a TLS connection works.
ssl_is() {
	i=0
	while :; do
		if [ "$1" = on ]; then
			"$PGBIN/psql" -X -q -A -t -c "SELECT 1" \
			    "postgresql://postgres@127.0.0.1:$PGPORT/postgres?sslmode=require" \
			    >/dev/null 2>&1 && return 0
		else
			test "$(pgq postgres "SHOW ssl")" = off && return 0
		fi
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

tls_test 'TLS: sslmode=verify-full with sslrootcert connects over TLS' '
	self_signed server && self_signed other &&
	pg_as_owner sh -c "cat >server.crt" <server.crt &&
	pg_as_owner sh -c "umask 077 && cat >server.key" <server.key &&
	pgq postgres "ALTER SYSTEM SET ssl_cert_file = '\''$PGTMP/server.crt'\'';
	    ALTER SYSTEM SET ssl_key_file = '\''$PGTMP/server.key'\'';
	    ALTER SYSTEM SET ssl = on; SELECT pg_reload_conf()" >/dev/null &&
	ssl_is on &&
	pg_newdb tls &&
	mig tl 1_tls "CREATE TABLE seen AS
    SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();" &&
	msr -u "$(pg_tcp_url tls)?sslmode=verify-full&sslrootcert=$TRASH/server.crt" \
	    -d tl migrate 2>err &&
	test "$(pgq tls "SELECT ssl FROM seen")" = t
'

tls_test 'TLS: a wrong host name or root certificate is exit 3 with libpq'\''s message; nothing changes' '
	pg_newdb notls &&
	test_when_finished "pgq postgres \"ALTER SYSTEM RESET ssl;
	    ALTER SYSTEM RESET ssl_cert_file; ALTER SYSTEM RESET ssl_key_file;
	    SELECT pg_reload_conf()\" >/dev/null" &&
	pg_fingerprint notls >before &&
	test_expect_code 3 msr -u "$(pg_tcp_url notls)?sslmode=verify-full&sslrootcert=$TRASH/server.crt&host=wrong.example&hostaddr=127.0.0.1" \
	    -d tl migrate 2>err1 &&
	test_grep "^msr: error: cannot connect to .*server certificate for \"localhost\" .*does not match host name \"wrong.example\"" err1 &&
	test_expect_code 3 msr -u "$(pg_tcp_url notls)?sslmode=verify-full&sslrootcert=$TRASH/other.crt" \
	    -d tl migrate 2>err2 &&
	test_grep "^msr: error: cannot connect to .*certificate verify failed" err2 &&
	pg_fingerprint notls >after &&
	test_cmp before after
'

test_expect_success 'a database that does not exist is exit 3; msr creates none' '
	test_expect_code 3 msr -u "$(pg_url no_such_db)" -d s migrate 2>err &&
	test_grep "^msr: error: cannot connect to .*database \"no_such_db\" does not exist" err &&
	test "$(pgq postgres "SELECT count(*) FROM pg_database WHERE datname = '\''no_such_db'\''")" = 0
'

test_expect_success 'password_file wins over the password of the URL' '
	pg_newdb pwf &&
	pgq pwf "GRANT CREATE ON SCHEMA public TO msr_pw" &&
	printf "pw_s3cret\n" >pw.right && chmod 600 pw.right &&
	MSR_DATABASE_PASSWORD_FILE=pw.right msr \
	    -u "$(pg_tcp_url pwf msr_pw wrong_pw)" -d s migrate 2>err &&
	test "$(pgq pwf "SELECT applied_by FROM msr_migrations")" = msr_pw
'

test_expect_success 'with password_file, libpq reads neither PGPASSWORD nor ~/.pgpass' '
	printf "not_it\n" >pw.wrong && chmod 600 pw.wrong &&
	PGPASSWORD=pw_s3cret msr -u "$(pg_tcp_url pwf msr_pw)" -d s status >out &&
	test_expect_code 3 env PGPASSWORD=pw_s3cret \
	    MSR_DATABASE_PASSWORD_FILE=pw.wrong "$MSRTEST_BIN" \
	    -u "$(pg_tcp_url pwf msr_pw)" -d s status 2>err &&
	test_grep "password authentication failed" err &&
	printf "127.0.0.1:%s:pwf:msr_pw:pw_s3cret\n" "$PGPORT" >"$HOME/.pgpass" &&
	chmod 600 "$HOME/.pgpass" &&
	msr -u "$(pg_tcp_url pwf msr_pw)" -d s status >out &&
	test_expect_code 3 env MSR_DATABASE_PASSWORD_FILE=pw.wrong "$MSRTEST_BIN" \
	    -u "$(pg_tcp_url pwf msr_pw)" -d s status 2>err &&
	test_grep "password authentication failed" err &&
	rm "$HOME/.pgpass"
'

# start_hole: a black hole on $HOLE_PORT for 60 s, its PID in $hole_pid.
start_hole() {
	rm -f hole.port
	python3 "$TRASH/hole.py" hole.port 60 &
	hole_pid=$!
	i=0
	while [ ! -s hole.port ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
	HOLE_PORT=$(cat hole.port)
}

test_expect_success 'connect_timeout: the key, the URL wins, 0 leaves it to PGCONNECT_TIMEOUT' '
	start_hole &&
	test_when_finished "kill $hole_pid; wait $hole_pid" &&
	hole=postgresql://postgres@127.0.0.1:$HOLE_PORT/x &&
	printf "[database]\nconnect_timeout = 2\n" >ct2.ini &&
	printf "[database]\nconnect_timeout = 30\n" >ct30.ini &&
	printf "[database]\nconnect_timeout = 0\n" >ct0.ini &&
	start=$(date +%s) &&
	test_expect_code 3 msr -c ct2.ini -u "$hole" -d s status 2>err1 &&
	t1=$(elapsed $start) &&
	start=$(date +%s) &&
	test_expect_code 3 msr -c ct30.ini -u "$hole?connect_timeout=2" -d s status 2>err2 &&
	t2=$(elapsed $start) &&
	start=$(date +%s) &&
	test_expect_code 3 env PGCONNECT_TIMEOUT=2 "$MSRTEST_BIN" -c ct0.ini -u "$hole" -d s status 2>err3 &&
	t3=$(elapsed $start) &&
	msr_bg out err4 -c ct30.ini -u "$hole" -d s status &&
	pid=$! &&
	sleep 5 &&
	kill $pid &&
	{ wait $pid || :; } &&
	echo "took $t1 $t2 $t3 s" &&
	test $t1 -ge 1 && test $t1 -le 4 &&
	test $t2 -ge 1 && test $t2 -le 4 &&
	test $t3 -ge 1 && test $t3 -le 4 &&
	test_grep "timeout expired" err1 &&
	test_grep "timeout expired" err3
'

test_expect_success 'connect_timeout is 10 seconds by default' '
	start_hole &&
	test_when_finished "kill $hole_pid; wait $hole_pid" &&
	start=$(date +%s) &&
	test_expect_code 3 msr -u "postgresql://postgres@127.0.0.1:$HOLE_PORT/x" \
	    -d s status 2>err &&
	took=$(elapsed $start) &&
	echo "exit 3 after $took s" &&
	test $took -ge 9 && test $took -le 13
'

test_expect_success '--wait tries again after a wrong password too' '
	start=$(date +%s) &&
	test_expect_code 3 msr -u "$(pg_tcp_url base msr_pw wrong_pw)" --wait 2 \
	    -d s status 2>err &&
	test "$(elapsed $start)" -ge 1 &&
	test "$(grep -c "^msr: waiting up to 2 s for postgresql://msr_pw:\*\*\*@127.0.0.1:$PGPORT/base: .*password authentication failed" err)" = 1 &&
	test_grep "^msr: error: cannot connect to postgresql://msr_pw:\*\*\*@" err
'

test_expect_success 'the schema of [migrations] must exist: msr does not create it' '
	pg_newdb nosch &&
	test_expect_code 2 env MSR_MIGRATIONS_SCHEMA=nope "$MSRTEST_BIN" \
	    -u "$(pg_url nosch)" -d s migrate 2>err &&
	test_grep "schema of \[migrations\] is ${SQ}nope${SQ}: no schema of that name exists" err &&
	test "$(pgq nosch "SELECT count(*) FROM pg_namespace WHERE nspname = '\''nope'\''")" = 0 &&
	test "$(pgq nosch "SELECT to_regclass('\''seen'\'') IS NULL")" = t
'

test_expect_success 'msr.ini(5): a role that cannot be set is exit 2 at once, not retried' '
	start=$(date +%s) &&
	{ env MSR_POSTGRES_ROLE=no_such_role "$MSRTEST_BIN" -u "$(pg_url base)" \
	    -d s --wait 5 status 2>err; rc=$?; } &&
	test $rc = 2 &&
	test "$(elapsed $start)" -lt 4 &&
	test_grep "cannot set up the session" err &&
	! grep "waiting up to" err
'

test_expect_success 'names are quoted: schema App is not app, table Migrations is not migrations' '
	pg_newdb names &&
	pgq names "CREATE SCHEMA \"App\"; CREATE SCHEMA app" &&
	mig n 1_t "CREATE TABLE t (x integer);" &&
	printf "[migrations]\nschema = App\ntable = Migrations\n[postgres]\nsearch_path = App\n" >names.ini &&
	msr -c names.ini -u "$(pg_url names)" -d n migrate 2>err &&
	pgq names "SELECT schemaname || '\''.'\'' || tablename FROM pg_tables
	    WHERE schemaname IN ('\''App'\'', '\''app'\'') ORDER BY 1" >tables &&
	printf "%s\n" App.Migrations App.Migrations_lock App.Migrations_log App.t >want &&
	test_cmp want tables &&
	msr -c names.ini -u "$(pg_url names)" -d n check
'

test_expect_success 'status shows applied_at in UTC whatever TimeZone, DateStyle or PGTZ' '
	pg_newdb tz &&
	msr -u "$(pg_url tz)" -d n migrate 2>err &&
	want=$(pgq tz "SELECT to_char(applied_at AT TIME ZONE '\''UTC'\'', '\''YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'\'') FROM msr_migrations") &&
	echo "$want" | grep "^[0-9-]*T[0-9:.]*Z$" &&
	pgq postgres "ALTER DATABASE tz SET TimeZone = '\''Asia/Tokyo'\''; ALTER DATABASE tz SET DateStyle = '\''German, DMY'\''" &&
	msr -u "$(pg_url tz)" -d n status >out &&
	test_grep "^1  *t  *applied  *$want (" out &&
	PGTZ=America/New_York PGDATESTYLE=SQL msr -u "$(pg_url tz)" -d n status >out &&
	test_grep "^1  *t  *applied  *$want (" out &&
	PGTZ=America/New_York msr -u "$(pg_url tz)" -d n status --json >doc &&
	test_grep "\"applied_at\":\"$want\"" doc
'

test_expect_success 'msr.1 ENVIRONMENT: PGTZ changes nothing that status shows' '
	msr -u "$(pg_url tz)" -d n status >utc &&
	PGTZ=Asia/Tokyo msr -u "$(pg_url tz)" -d n status >tokyo &&
	test_cmp utc tokyo
'

test_expect_success 'a statement PostgreSQL refuses in a transaction fails with 25001; the directive runs it' '
	pg_newdb tx &&
	mig x 1_discard "CREATE TABLE a (x integer);
DISCARD ALL;" &&
	test_expect_code 1 msr -u "$(pg_url tx)" -d x migrate 2>err &&
	test_grep "^msr: error: x/1_discard.up.sql:2:1: DISCARD ALL cannot run inside a transaction block (25001)$" err &&
	test "$(pgq tx "SELECT to_regclass('\''a'\'') IS NULL")" = t &&
	mig x 1_discard "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS a (x integer);
DISCARD ALL;" &&
	msr -u "$(pg_url tx)" -d x migrate 2>err &&
	test "$(pgq tx "SELECT state FROM msr_migrations")" = applied
'

test_expect_success 'the simple query protocol outside a transaction, the extended one in a pipeline, BEGIN and COMMIT too' '
	pg_newdb proto &&
	pgq postgres "ALTER DATABASE proto SET log_statement = '\''all'\''" &&
	mig p 1_notx "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS nt_a (x integer);
CREATE TABLE IF NOT EXISTS nt_b (x integer);" &&
	mig p 2_tx "CREATE TABLE tx_a (x integer);
CREATE TABLE tx_b (x integer);" &&
	mig p 3_alone "CREATE TABLE alone (x integer);" &&
	msr -u "$(pg_url proto)" -d p migrate 2>err &&
	pg_log | grep "@proto LOG:  " >log &&
	test_grep "@proto LOG:  statement: CREATE TABLE IF NOT EXISTS nt_a (x integer)$" log &&
	test_grep "@proto LOG:  statement: CREATE TABLE IF NOT EXISTS nt_b (x integer)$" log &&
	test_grep -v "execute <unnamed>: CREATE TABLE IF NOT EXISTS nt_" log &&
	test_grep "@proto LOG:  execute <unnamed>: CREATE TABLE tx_a (x integer)$" log &&
	test_grep "@proto LOG:  execute <unnamed>: CREATE TABLE tx_b (x integer)$" log &&
	test_grep -v "statement: CREATE TABLE tx_" log &&
	test_grep "@proto LOG:  execute <unnamed>: CREATE TABLE alone (x integer)$" log &&
	# BEGIN goes in the pipeline, COMMIT with the tracking rows.
	test_grep "@proto LOG:  execute <unnamed>: BEGIN$" log &&
	test_grep "@proto LOG:  execute <unnamed>: COMMIT$" log &&
	test_grep -v "statement: BEGIN$" log
'

test_expect_success 'validate reads files as PostgreSQL does only when given its URL' '
	mkdir v1 v2 &&
	printf "SELECT E'\''it\\\\'\''s; fine'\'';\n" >v1/1_e.up.sql &&
	printf "SELECT \$\$it'\''s\$\$;\n" >v2/1_dollar.up.sql &&
	cat v1/1_e.up.sql v2/1_dollar.up.sql &&
	for d in v1 v2; do
		test_expect_code 2 msr -d $d validate 2>err &&
		test_grep "^msr: error: $d/1_.*.up.sql:1:[0-9]*: unterminated quoted string" err &&
		msr -u "$(pg_url base)" -d $d validate 2>err &&
		test_grep "1 migration valid" err || return 1
	done
'

test_expect_success 'a lost connection: the summary says so, no audit row for that migration' '
	pg_newdb lost &&
	mig l 1_a "CREATE TABLE a (x integer);" &&
	mig l 2_slow "CREATE TABLE slow (x integer);
SELECT pg_sleep(60);" &&
	mig l 3_c "CREATE TABLE c (x integer);" &&
	msr_bg out err -u "$(pg_url lost)" -d l migrate &&
	pid=$! &&
	i=0 &&
	until test "$(pgq lost "SELECT count(*) FROM pg_stat_activity
	    WHERE application_name = '\''msr'\'' AND query LIKE '\''%pg_sleep%'\''")" = 1; do
		i=$((i + 1)); [ $i -lt 300 ] || { kill $pid; return 1; }; sleep 0.1
	done &&
	pgq lost "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	    WHERE application_name = '\''msr'\''" >/dev/null &&
	{ wait $pid; rc=$?; } &&
	test $rc = 1 &&
	test_grep "^msr: error: the connection to the database was lost; what was not committed is rolled back by the database$" err &&
	test_grep "^msr: applied 1 of 3 migrations before the connection was lost$" err &&
	test "$(pgq lost "SELECT string_agg(action || '\'' '\'' || version || '\'' '\'' || outcome, '\'','\'' ORDER BY id) FROM msr_migrations_log")" = "up 1 ok" &&
	test "$(pgq lost "SELECT to_regclass('\''c'\'') IS NULL")" = t
'

test_expect_success 'the holder of the advisory lock: a local socket; release exits 4 naming it' '
	pg_newdb adv &&
	mig a 1_a "CREATE TABLE a (x integer);" &&
	pg_hold_lock adv public &&
	test_when_finished "pg_free_lock adv" &&
	test_expect_code 4 msr -u "$(pg_url adv)" -d a --lock-timeout 1 \
	    migrate 2>err &&
	test_expect_code 4 msr -u "$(pg_url adv)" lock release >rel.out \
	    2>rel.err &&
	pg_free_lock adv &&
	test_grep "^msr: waiting for the migration lock held by backend pid [0-9]* (psql) from a local socket, connected since [0-9-]*T[0-9:]*Z (timeout 1 s)$" err &&
	test_must_be_empty rel.out &&
	test_grep "backend pid [0-9]* (psql) from a local socket" rel.err
'

test_expect_success 'the advisory lock key is the schema-qualified tracking table' '
	pg_newdb key &&
	pgq key "CREATE SCHEMA track" &&
	pg_hold_lock key track &&
	test_when_finished "pg_free_lock key" &&
	test_expect_code 4 env MSR_MIGRATIONS_SCHEMA=track "$MSRTEST_BIN" \
	    -u "$(pg_url key)" -d a --lock-timeout 0 migrate 2>err1 &&
	msr -u "$(pg_url key)" -d a --lock-timeout 0 migrate 2>err2 &&
	pg_free_lock key &&
	test "$(pgq key "SELECT count(*) FROM public.msr_migrations")" = 1
'

test_expect_success '-q hides the notices of the server' '
	pg_newdb qn &&
	mig q 1_n "DO \$\$ BEGIN RAISE NOTICE '\''hello'\''; RAISE WARNING '\''careful'\''; END \$\$;" &&
	msr -q -u "$(pg_url qn)" -d q migrate >out 2>err &&
	test_must_be_empty err &&
	test_must_be_empty out &&
	pg_newdb qn &&
	msr -u "$(pg_url qn)" -d q migrate 2>err &&
	test_grep "^msr: notice: q/1_n.up.sql: hello$" err &&
	test_grep "^msr: warning: q/1_n.up.sql: careful$" err
'

test_expect_success 'control characters of a notice reach no terminal raw' '
	pg_newdb ctlnote &&
	mig cn 1_n "DO \$\$ BEGIN RAISE NOTICE E'\''a\\x1b]0;owned\\x07b\\x1b[2Jc'\''; END \$\$;" &&
	msr -u "$(pg_url ctlnote)" -d cn migrate 2>err &&
	! grep -q "$(printf "\033")\|$(printf "\007")" err &&
	test_grep "^msr: notice: cn/1_n.up.sql: a\\\\x1b]0;owned\\\\x07b\\\\x1b\[2Jc$" err
'

test_expect_success 'a notice outside a migration is not shown; one during a migration names its file' '
	pg_newdb evt &&
	pgq evt "CREATE FUNCTION say_ddl() RETURNS event_trigger
	    LANGUAGE plpgsql AS \$\$ BEGIN RAISE NOTICE '\''ddl %'\'', tg_tag; END \$\$;
	    CREATE EVENT TRIGGER say_ddl ON ddl_command_end
	    EXECUTE PROCEDURE say_ddl()" &&
	pgq postgres "ALTER DATABASE evt SET log_min_messages = notice" &&
	mig e 1_t "CREATE TABLE t (x integer);" &&
	msr --json -u "$(pg_url evt)" -d e migrate >events 2>err &&
	test "$(pg_log | grep -c "@evt NOTICE:  ddl CREATE TABLE$")" = 4 &&
	grep "notice" err >notices &&
	echo "msr: notice: e/1_t.up.sql: ddl CREATE TABLE" >want &&
	test_cmp want notices &&
	grep "\"event\":\"notice\"" events >notice_events &&
	test "$(wc -l <notice_events)" = 1 &&
	test_grep "\"file\":\"e/1_t.up.sql\",\"severity\":\"NOTICE\",\"message\":\"ddl CREATE TABLE\"" notice_events
'

# A row security policy whose function raises a notice makes the server
# send one to every SELECT of the tracking table by the reader role.
test_expect_success 'commands that only read show no notices of the server' '
	pg_newdb rls &&
	mig rl 1_t "CREATE TABLE t (x integer);" &&
	msr -u "$(pg_url rls)" -d rl migrate &&
	pgq rls "CREATE ROLE msr_reader;
	    GRANT SELECT ON msr_migrations, msr_migrations_log TO msr_reader;
	    CREATE FUNCTION noisy() RETURNS boolean LANGUAGE plpgsql AS
	    \$\$ BEGIN RAISE NOTICE '\''policy checked'\''; RETURN true; END \$\$;
	    ALTER TABLE msr_migrations ENABLE ROW LEVEL SECURITY;
	    CREATE POLICY loud ON msr_migrations USING (noisy())" &&
	pgq postgres "ALTER DATABASE rls SET log_min_messages = notice" &&
	printf "[postgres]\nrole = msr_reader\n" >reader.ini &&
	for cmd in status version check validate
	do
		msr -c reader.ini --json -u "$(pg_url rls)" -d rl $cmd >out 2>err &&
		test_grep -v "notice\|policy" err &&
		test_grep -v "notice\|policy" out || return 1
	done &&
	test "$(pg_log | grep -c "@rls NOTICE:  policy checked$")" -ge 4
'

test_expect_success 'a batch still running after 5 s: "still running the batch"' '
	pg_newdb sb &&
	mig b 1_a "CREATE TABLE a (x integer);" &&
	mig b 2_s "SELECT pg_sleep(5.5);" &&
	msr -u "$(pg_url sb)" -d b --transaction per-batch migrate 2>err &&
	test_grep "^msr: still running the batch after [56] s$" err
'

# The line counts the whole seconds at the time its handler runs, which
# may be late on a loaded machine.
test_expect_success 'still running after 5 s, then every 10 s' '
	pg_newdb long &&
	mig g 1_long "SELECT pg_sleep(16);" &&
	msr -u "$(pg_url long)" -d g migrate 2>err &&
	grep "still running" err >lines &&
	cat lines &&
	test "$(wc -l <lines)" = 2 &&
	sed -n 1p lines | grep "^msr: still running 1_long after [56] s$" &&
	sed -n 2p lines | grep "^msr: still running 1_long after 1[56] s$"
'

test_expect_success 'exit 1 when the tracking tables cannot be created' '
	pg_newdb priv &&
	test_expect_code 1 msr -u "$(pg_tcp_url priv msr_pw pw_s3cret)" -d a migrate 2>err &&
	test_grep "^msr: error: cannot create the tracking tables .*: permission denied for schema public" err
'

# The least-privilege setup of README.md and msr.1 is
# t0930-least-privilege-pg.sh; this one only prepares the next tests.
test_expect_success 'a role with a password uses tracking tables made ahead' '
	pg_psql priv -c "CREATE SCHEMA msr" -c "SET search_path = msr" \
	    -f "$MSRTEST_SRCDIR/sql/postgres.sql" \
	    -c "GRANT USAGE ON SCHEMA msr TO msr_pw" \
	    -c "GRANT SELECT, INSERT, UPDATE, DELETE ON msr_migrations, msr_migrations_log, msr_migrations_lock TO msr_pw" \
	    -c "CREATE SCHEMA app AUTHORIZATION msr_pw" >/dev/null &&
	printf "[migrations]\nschema = msr\n[postgres]\nsearch_path = app\n" >priv.ini &&
	msr -c priv.ini -u "$(pg_tcp_url priv msr_pw pw_s3cret)" -d a migrate 2>err &&
	test "$(pgq priv "SELECT version, applied_by FROM msr.msr_migrations")" = "1|msr_pw"
'

test_expect_success 'exit 3 when the tracking table cannot be read' '
	pgq priv "REVOKE SELECT ON msr.msr_migrations FROM msr_pw" &&
	test_expect_code 3 msr -c priv.ini -u "$(pg_tcp_url priv msr_pw pw_s3cret)" -d a status 2>err &&
	test_grep "^msr: error: cannot read the tracking table \"msr\".\"msr_migrations\": permission denied" err &&
	pgq priv "GRANT SELECT ON msr.msr_migrations TO msr_pw"
'

test_expect_success 'exit 1 when baseline or repair cannot write the tracking table' '
	pgq priv "REVOKE INSERT, UPDATE ON msr.msr_migrations FROM msr_pw" &&
	mig a 2_b "CREATE TABLE b (x integer);" &&
	pg_fingerprint priv >before &&
	test_expect_code 1 msr -c priv.ini -u "$(pg_tcp_url priv msr_pw pw_s3cret)" -d a baseline 2 >out 2>err &&
	test_grep "^msr: error: cannot update the tracking table .*; nothing was changed$" err &&
	echo "-- edited" >>a/1_a.up.sql &&
	test_expect_code 1 msr -c priv.ini -u "$(pg_tcp_url priv msr_pw pw_s3cret)" -d a repair >out 2>err &&
	test_grep "nothing was changed" err &&
	pg_fingerprint priv >after &&
	test_cmp before after &&
	pgq priv "GRANT INSERT, UPDATE ON msr.msr_migrations TO msr_pw"
'

test_expect_success 'exit 1 when lock release cannot delete the row of the lock table' '
	pgq priv "REVOKE DELETE ON msr.msr_migrations_lock FROM msr_pw;
	    INSERT INTO msr.msr_migrations_lock VALUES (1, '\''pid 99 on gone since then'\'', now())" &&
	test_expect_code 1 env MSR_LOCK_METHOD=table "$MSRTEST_BIN" -c priv.ini \
	    -u "$(pg_tcp_url priv msr_pw pw_s3cret)" lock release --force 2>err &&
	test_grep "^msr: error: cannot release the lock: permission denied" err &&
	test "$(pgq priv "SELECT count(*) FROM msr.msr_migrations_lock")" = 1
'

# proc_running PID: PID has not ended (a zombie has).
proc_running() {
	case $(sed -e 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	''|Z*|X*) return 1 ;;
	esac
	return 0
}

# ends_within TENTHS PID: PID ends within TENTHS tenths of a second.
ends_within() {
	i=0
	while proc_running "$2"; do
		i=$((i + 1))
		[ $i -le "$1" ] || return 1
		sleep 0.1
	done
}

# msr_backend DB: the PID of msr's backend running pg_sleep in DB,
# waiting up to 30 s for it.
msr_backend() {
	i=0
	while :; do
		mb_pid=$(pgq "$1" "SELECT pid FROM pg_stat_activity
		    WHERE application_name = 'msr' AND state = 'active'
		    AND query LIKE '%pg_sleep%'") || return 1
		if [ -n "$mb_pid" ]; then
			echo "$mb_pid"
			return 0
		fi
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

# msr_gone DB: waits up to 30 s for msr's sessions on DB to end.
msr_gone() {
	i=0
	until test "$(pgq "$1" "SELECT count(*) FROM pg_stat_activity
	    WHERE application_name = 'msr'")" = 0; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

# second_signal SIG CODE DB: a second SIG ends msr at once with CODE.
# msr's backend is stopped, so that the cancel request of the first SIG
# cannot end the statement and msr waits; the backend goes on before
# the function returns, whatever happened.
second_signal() {
	pg_newdb "$3" &&
	mig "$3" 1_slow "CREATE TABLE slow (x integer);
SELECT pg_sleep(60);" &&
	msr_bg out err -u "$(pg_url "$3")" -d "$3" migrate &&
	pid=$! || return 1
	if ! backend=$(msr_backend "$3"); then
		kill $pid
		wait $pid
		return 1
	fi
	kill -STOP $backend
	kill -$1 $pid
	sleep 1
	alive=no ended=no
	proc_running $pid && alive=yes
	kill -$1 $pid
	ends_within 30 $pid && ended=yes
	kill -CONT $backend
	wait $pid
	rc=$?
	echo "after one SIG$1 msr runs: $alive; a second ends it: $ended; exit $rc"
	test $alive = yes && test $ended = yes && test $rc = $2 &&
	msr_gone "$3" &&
	test "$(pgq "$3" "SELECT to_regclass('slow') IS NULL")" = t &&
	test "$(pgq "$3" "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(pgq "$3" "SELECT count(*) FROM msr_migrations_log")" = 0 &&
	test "$(pgq "$3" "SELECT count(*) FROM pg_locks
	    WHERE locktype = 'advisory'")" = 0 &&
	mig "$3" 1_slow "CREATE TABLE slow (x integer);
SELECT pg_sleep(0);" &&
	msr -u "$(pg_url "$3")" -d "$3" --lock-timeout 0 migrate 2>err &&
	test "$(pgq "$3" "SELECT version FROM msr_migrations")" = 1 &&
	test "$(pgq "$3" "SELECT to_regclass('slow') IS NOT NULL")" = t
}

test_expect_success 'a second SIGINT exits at once with 130; the migration rolls back' '
	second_signal INT 130 sig2int
'

test_expect_success 'a second SIGTERM exits at once with 143; the migration rolls back' '
	second_signal TERM 143 sig2term
'

# hold_share DB: a psql session holds msr_migrations of DB in SHARE mode,
# which lets msr read it but not write it; its PID in $holder.
hold_share() {
	( exec "$PGBIN/psql" -X -q -h "$PGTMP" -p "$PGPORT" -U postgres -d "$1" \
	    -c "BEGIN" -c "LOCK TABLE msr_migrations IN SHARE MODE" \
	    -c "SELECT pg_sleep(120)" ) >/dev/null 2>&1 &
	holder=$!
	i=0
	until test "$(pgq "$1" "SELECT count(*) FROM pg_locks
	    WHERE relation = 'msr_migrations'::regclass
	    AND mode = 'ShareLock' AND granted")" = 1; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

free_share() {
	pgq "$1" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	    WHERE application_name = 'psql' AND query LIKE '%pg_sleep%'
	    AND pid <> pg_backend_pid()" >/dev/null
	wait $holder
	return 0
}

# msr_waits DB: waits up to 30 s for msr to wait for a lock on DB.
msr_waits() {
	i=0
	until test "$(pgq "$1" "SELECT count(*) FROM pg_stat_activity
	    WHERE application_name = 'msr' AND wait_event_type = 'Lock'")" = 1; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

# interrupt_write SIG CODE DB ARGS...: msr -u DB ARGS waits for the lock
# of hold_share, with the lock_timeout of its session left as it is, and
# SIG interrupts it: exit CODE, the message, and nothing changed.
interrupt_write() {
	iw_sig=$1 iw_code=$2 iw_db=$3
	shift 3
	pg_fingerprint $iw_db >before || return 1
	hold_share $iw_db || { free_share $iw_db; return 1; }
	msr_bg out err -u "$(pg_url $iw_db)" "$@"
	pid=$!
	waits=no still=no ended=no
	if msr_waits $iw_db; then
		waits=yes
		sleep 1
		msr_waits $iw_db && proc_running $pid && still=yes
	fi
	kill -$iw_sig $pid
	ends_within 100 $pid && ended=yes
	free_share $iw_db
	wait $pid
	rc=$?
	echo "waits: $waits; still after 1 s: $still; ends on SIG$iw_sig: $ended; exit $rc"
	test $waits = yes && test $still = yes && test $ended = yes &&
	test $rc = $iw_code &&
	test_grep "^msr: error: interrupted by a signal; nothing was changed$" err &&
	: the list of what changed is empty &&
	test_must_be_empty out &&
	pg_fingerprint $iw_db >after &&
	test_cmp before after
}

test_expect_success 'baseline interrupted in its statement: rolled back, exit 130' '
	pg_newdb brb &&
	mig br 1_a "CREATE TABLE a (x integer);" &&
	mig br 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(pg_url brb)" -d br migrate --to 1 2>err &&
	interrupt_write INT 130 brb -d br baseline 2 &&
	test "$(pgq brb "SELECT string_agg(version, '\'','\'') FROM msr_migrations")" = 1
'

test_expect_success 'repair interrupted in its statement: rolled back, exit 143' '
	pg_newdb brr &&
	msr -u "$(pg_url brr)" -d br migrate --to 1 2>err &&
	echo "-- edited" >>br/1_a.up.sql &&
	interrupt_write TERM 143 brr -d br repair &&
	test_expect_code 5 msr -u "$(pg_url brr)" -d br validate 2>err &&
	test_grep "^msr: error: br/1_a.up.sql: changed after it was applied" err
'

test_expect_success 'wait: --timeout 0 tries once; it says once that it waits' '
	start=$(date +%s) &&
	test_expect_code 3 msr -u postgresql://postgres@127.0.0.1:1/x wait --timeout 0 2>err &&
	test "$(elapsed $start)" -le 1 &&
	test_grep -v "waiting" err &&
	test_grep "^msr: error: cannot connect to postgresql://postgres@127.0.0.1:1/x" err &&
	test_expect_code 3 msr -u postgresql://postgres@127.0.0.1:1/x wait --timeout 2 2>err &&
	test "$(grep -c "^msr: waiting up to 2 s for postgresql://postgres@127.0.0.1:1/x: " err)" = 1 &&
	msr -u "$(pg_url base)" wait --timeout 0 2>err &&
	test_grep "^msr: $(pg_url base) accepts connections$" err
'

test_expect_success 'wait: the wait key is the default, and 60 s when it is 0' '
	start=$(date +%s) &&
	test_expect_code 3 env MSR_DATABASE_WAIT=1 "$MSRTEST_BIN" \
	    -u postgresql://postgres@127.0.0.1:1/x wait 2>err &&
	test_grep "^msr: waiting up to 1 s for " err &&
	msr_bg out err60 -u postgresql://postgres@127.0.0.1:1/x wait &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	i=0 &&
	until grep "waiting up to" err60 >/dev/null; do
		i=$((i + 1)) &&
		test $i -lt 100 &&
		sleep 0.1 || return 1
	done &&
	kill $pid &&
	{ wait $pid || :; } &&
	test_grep "^msr: waiting up to 60 s for postgresql://postgres@127.0.0.1:1/x: " err60
'

test_expect_success 'the options of a file'"'"'s own BEGIN apply to its transaction' '
	pg_newdb iso &&
	mkdir -p iso &&
	printf "%s\n" "SET lock_timeout = 5000;" \
	    "BEGIN ISOLATION LEVEL SERIALIZABLE, READ WRITE;" \
	    "CREATE TABLE seen AS SELECT current_setting(${SQ}transaction_isolation${SQ}) AS iso;" \
	    "COMMIT;" >iso/1_a.up.sql &&
	printf "%s\n" "START TRANSACTION -- the level:" \
	    "  ISOLATION LEVEL REPEATABLE READ;" \
	    "INSERT INTO seen SELECT current_setting(${SQ}transaction_isolation${SQ});" \
	    "COMMIT;" >iso/2_b.up.sql &&
	printf "%s\n" "BEGIN WORK;" \
	    "INSERT INTO seen SELECT current_setting(${SQ}transaction_isolation${SQ});" \
	    "COMMIT;" >iso/3_c.up.sql &&
	msr -v -u "$(pg_url iso)" -d iso migrate 2>err &&
	test_grep "iso/1_a.up.sql:2:1: SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE" err &&
	printf "%s\n" serializable "repeatable read" "read committed" >want &&
	pgq iso "SELECT iso FROM seen" >got &&
	test_cmp want got
'

test_expect_success 'options a BEGIN cannot have fail at its line; per-batch refuses them' '
	pg_newdb isobad &&
	mkdir -p isobad &&
	printf "%s\n" "CREATE TABLE x (a int);" \
	    "BEGIN ISOLATION LEVEL SOMETIMES;" "CREATE TABLE y (a int);" \
	    "COMMIT;" >isobad/1_a.up.sql &&
	test_expect_code 1 msr -u "$(pg_url isobad)" -d isobad migrate 2>err &&
	test_grep "^msr: error: isobad/1_a.up.sql:2:1: the options of its BEGIN: syntax error" err &&
	test "$(pgq isobad "SELECT count(*) FROM pg_tables WHERE tablename = ${SQ}y${SQ}")" = 0 &&
	pg_newdb isobatch &&
	test_expect_code 2 msr -u "$(pg_url isobatch)" -d iso --transaction per-batch migrate 2>err &&
	test_grep "iso/1_a.up.sql:2:1: the options of its BEGIN (.ISOLATION LEVEL SERIALIZABLE, READ WRITE.) cannot apply to a per-batch transaction" err &&
	test "$(pgq isobatch "SELECT count(*) FROM pg_tables WHERE tablename LIKE ${SQ}msr%${SQ}")" = 0
'

test_done
