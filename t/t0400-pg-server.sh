#!/bin/sh
test_description='lib-pg.sh starts a throwaway PostgreSQL server, gives each
test its own database, and stops and removes everything at exit'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

# psql_on CONNSTR SQL: this server's psql on a URL or conninfo, never
# asking for a password.
psql_on() {
	"$PGBIN/psql" -X -w -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2" \
	    </dev/null
}

# gone PID: the process is gone (or a zombie), waiting up to 5 s.
gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		case $(ps -o stat= -p "$1" 2>/dev/null) in
		Z*) return 0 ;;
		esac
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "process $1 still runs" >&2; return 1; }
		sleep 0.1
	done
}

# inner BODY: writes a test script that starts a server of its own,
# records its directory and postmaster PID, then runs BODY.
inner() {
	cat >inner.sh <<EOF
#!/bin/sh
test_description='an inner script'
. "\$MSRTEST_SRCDIR/t/test-lib.sh"
. "\$MSRTEST_SRCDIR/t/lib-pg.sh"
echo "\$PGTMP" >"$TRASH/inner.tmp"
head -n 1 "\$PGTMP/data/postmaster.pid" >"$TRASH/inner.pid"
$1
EOF
}

test_expect_success 'the server answers on its socket' '
	test "$(pgq postgres "SELECT 40 + 2")" = 42 &&
	test -S "$PGTMP/.s.PGSQL.$PGPORT" &&
	test "$(pgq postgres "SHOW fsync")" = off &&
	pg_log >log &&
	test_grep "database system is ready" log
'

test_expect_success 'lib-pg.sh exports nothing' '
	env >env &&
	for v in PGHOST PGPORT PGUSER PGDATABASE PGTMP PGBIN PG_VERSION_NUM; do
		test_grep -v "^$v=" env || return 1
	done
'

test_expect_success 'pg_newdb gives each test its own database' '
	pg_newdb one &&
	pg_newdb two &&
	pgq one "CREATE TABLE t (n int); INSERT INTO t VALUES (1)" &&
	test "$(pgq one "SELECT count(*) FROM t")" = 1 &&
	test_must_fail pgq two "SELECT count(*) FROM t" 2>err &&
	test_grep "relation \"t\" does not exist" err
'

test_expect_success 'pg_newdb drops an existing database first' '
	pg_newdb one &&
	test_must_fail pgq one "SELECT count(*) FROM t" 2>err &&
	test_grep "relation \"t\" does not exist" err &&
	test "$(pgq one "SELECT pg_get_userbyid(datdba) FROM pg_database
	    WHERE datname = current_database()")" = postgres
'

if [ "$PG_VERSION_NUM" -ge 130000 ]; then
test_expect_success 'pg_newdb takes any name and ends its sessions' '
	pg_newdb "my db" &&
	{ pgq "my db" "SELECT pg_sleep(60)" >/dev/null 2>&1 & } &&
	i=0 &&
	until test "$(pgq postgres "SELECT count(*) FROM pg_stat_activity
	    WHERE datname = '\''my db'\''")" = 1; do
		i=$((i + 1)) && test $i -lt 50 && sleep 0.1 || return 1
	done &&
	pg_newdb "my db" &&
	test "$(pgq "my db" "SELECT current_database()")" = "my db" &&
	wait
'
else
test_skip 'pg_newdb takes any name and ends its sessions' \
    'DROP DATABASE WITH (FORCE) needs PostgreSQL 13'
fi

test_expect_success 'pgq prints rows as a|b lines, of every statement' '
	pg_newdb q &&
	pgq q "CREATE TABLE t (a int, b text);
		INSERT INTO t VALUES (1, '\''x'\''), (2, NULL);
		SELECT a, b FROM t ORDER BY a;
		SELECT '\''last'\''" >out &&
	printf "1|x\n2|\nlast\n" >expect &&
	test_cmp expect out
'

test_expect_success 'pgq stops at the first error and fails' '
	pg_newdb q &&
	test_must_fail pgq q "CREATE TABLE a (n int); SELECT nope;
		CREATE TABLE b (n int)" 2>err &&
	test_grep "nope" err &&
	test "$(pgq q "SELECT string_agg(relname, '\'','\'' ORDER BY relname)
	    FROM pg_class WHERE relname IN ('\''a'\'', '\''b'\'')")" = a
'

test_expect_success 'pg_url, pg_conninfo and pg_tcp_url reach the database' '
	pg_newdb u &&
	test "$(pg_url u)" = "postgresql://postgres@/u?host=$PGTMP&port=$PGPORT" &&
	test "$(pg_conninfo u)" = "host=$PGTMP port=$PGPORT user=postgres dbname=u" &&
	test "$(pg_tcp_url u)" = "postgresql://postgres@127.0.0.1:$PGPORT/u" &&
	for c in "$(pg_url u)" "$(pg_conninfo u)" "$(pg_tcp_url u)"; do
		test "$(psql_on "$c" "SELECT current_database(), current_user")" = \
		    "u|postgres" || return 1
	done &&
	test "$(psql_on "$(pg_tcp_url u)" "SELECT inet_server_addr()")" = \
	    127.0.0.1 &&
	test "$(psql_on "$(pg_url u)" "SELECT inet_server_addr()")" = ""
'

test_expect_success 'msr_pw logs in over TCP with its password only' '
	pg_newdb pw &&
	test "$(pg_tcp_url pw msr_pw pw_s3cret)" = \
	    "postgresql://msr_pw:pw_s3cret@127.0.0.1:$PGPORT/pw" &&
	test "$(psql_on "$(pg_tcp_url pw msr_pw pw_s3cret)" \
	    "SELECT current_user")" = msr_pw &&
	test_must_fail psql_on "$(pg_tcp_url pw msr_pw wrong)" "SELECT 1" 2>err &&
	test_grep "password authentication failed for user \"msr_pw\"" err &&
	test_must_fail psql_on "$(pg_tcp_url pw msr_pw)" "SELECT 1" 2>err &&
	test_grep "no password supplied" err &&
	pg_log >log &&
	test_grep "password authentication failed for user \"msr_pw\"" log
'

test_expect_success 'pg_schema leaves out msr_migrations and its log' '
	pg_newdb s &&
	pgq s "CREATE TABLE msr_migrations (version bigint PRIMARY KEY);
		CREATE TABLE msr_migrations_log (id serial PRIMARY KEY);
		CREATE SCHEMA other;
		CREATE TABLE other.msr_migrations (version bigint);
		CREATE TABLE other.kept (n int);
		CREATE TABLE customers (id serial PRIMARY KEY, name text);
		CREATE INDEX customers_name ON customers (name);
		INSERT INTO customers (name) VALUES ('\''ann'\'')" &&
	pg_schema s >out &&
	test_grep "CREATE TABLE public.customers" out &&
	test_grep "CREATE INDEX customers_name" out &&
	test_grep "CREATE TABLE other.kept" out &&
	test_grep -v "msr_migrations" out &&
	test_grep -v "ann" out &&
	test_grep -v "^--" out &&
	test_grep -v "^SET " out &&
	test_grep -v "^\\\\" out &&
	test_grep -v "^\$" out
'

test_expect_success 'pg_schema of the same DDL compares equal' '
	pg_newdb s1 &&
	pg_newdb s2 &&
	pgq s1 "CREATE TABLE a (n int); CREATE TABLE msr_migrations (v int)" &&
	pgq s2 "CREATE TABLE a (n int)" &&
	pg_schema s1 >one &&
	pg_schema s2 >two &&
	test_cmp one two &&
	pgq s2 "ALTER TABLE a ADD COLUMN m int" &&
	pg_schema s2 >two &&
	test_must_fail test_cmp one two
'

test_expect_success 'pg_fingerprint sees data, msr tables included' '
	pg_newdb f &&
	pgq f "CREATE TABLE t (id serial, n int);
		CREATE TABLE msr_migrations (version bigint)" &&
	pg_fingerprint f >before &&
	test_grep "msr_migrations" before &&
	pgq f "BEGIN; INSERT INTO t (n) VALUES (1); ROLLBACK" &&
	pg_fingerprint f >after &&
	test_cmp before after &&
	pgq f "INSERT INTO msr_migrations VALUES (7)" &&
	pg_fingerprint f >after &&
	test_must_fail test_cmp before after &&
	test_grep "^7\$" after
'

test_expect_success 'pg_stop stops the server, pg_start starts it again' '
	pg_newdb st &&
	pgq st "CREATE TABLE kept (n int); INSERT INTO kept VALUES (5)" &&
	pg_stop &&
	test_expect_code 2 pgq st "SELECT 1" 2>err &&
	test_grep "$PGTMP/.s.PGSQL.$PGPORT" err &&
	test_expect_code 2 psql_on "$(pg_tcp_url st)" "SELECT 1" 2>err &&
	pg_start &&
	test "$(pgq st "SELECT n FROM kept")" = 5 &&
	test "$(psql_on "$(pg_tcp_url st)" "SELECT n FROM kept")" = 5
'

test_expect_success 'a passing script leaves no server and no directory' '
	inner "test_expect_success ok \"pgq postgres \\\"SELECT 1\\\"\"
test_done" &&
	sh inner.sh >out 2>&1 &&
	test_grep "^ok 1 - ok" out &&
	test_grep -v "PostgreSQL log" out &&
	tmp=$(cat inner.tmp) && pid=$(cat inner.pid) &&
	case $tmp in /tmp/msrpg.*) ;; *) false ;; esac &&
	test ! -e "$tmp" &&
	gone "$pid"
'

test_expect_success 'a failing script shows the server log, then cleans up' '
	inner "test_expect_success fails \"pgq postgres \\\"SELECT nope\\\"\"
test_done" &&
	test_expect_code 1 sh inner.sh >out 2>&1 &&
	test_grep "^not ok 1 - fails" out &&
	test_grep "^# PostgreSQL log" out &&
	test_grep "^#   .*ERROR:  column \"nope\" does not exist" out &&
	test_grep "database system is ready" t/trash.inner/postgresql-log &&
	test ! -e "$(cat inner.tmp)" &&
	gone "$(cat inner.pid)"
'

test_expect_success 'a script killed by a signal cleans up too' '
	inner "kill -TERM \$\$
sleep 10
test_done" &&
	test_expect_code 143 sh inner.sh >out 2>&1 &&
	test_grep "^# PostgreSQL log" out &&
	test ! -e "$(cat inner.tmp)" &&
	gone "$(cat inner.pid)"
'

test_expect_success 'missing server programs are a failure, never a skip' '
	cat >inner.sh <<-\EOF &&
	#!/bin/sh
	. "$MSRTEST_SRCDIR/t/test-lib.sh"
	. "$MSRTEST_SRCDIR/t/lib-pg.sh"
	test_done
	EOF
	test_expect_code 1 env MSRTEST_PG_BINDIR=/nonexistent sh inner.sh \
	    >out 2>&1 &&
	test_grep "^not ok 1 - PostgreSQL server starts" out &&
	test_grep "^# no initdb in /nonexistent" out &&
	test_grep "^1\.\.1" out
'

test_done
