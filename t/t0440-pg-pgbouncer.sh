#!/bin/sh
test_description='PostgreSQL through PgBouncer in transaction pooling mode, lock method table'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

PGBOUNCER=$(command -v pgbouncer || ls /usr/sbin/pgbouncer 2>/dev/null)
if [ -z "$PGBOUNCER" ]; then
	test_require pgbouncer "apt-get install pgbouncer"
fi

# PgBouncer runs as the server's user: it refuses to run as root.
BDIR=$PGTMP/bouncer
BPORT=$((PGPORT + 1))
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

test_expect_success 'PgBouncer starts in transaction pooling mode' '
	mkdir -p "$BDIR" &&
	cat >"$BDIR/pgbouncer.ini" <<-EOF &&
	[databases]
	* = host=$PGTMP port=$PGPORT
	[pgbouncer]
	listen_addr = 127.0.0.1
	listen_port = $BPORT
	unix_socket_dir =
	auth_type = trust
	auth_file = $BDIR/users.txt
	pool_mode = transaction
	default_pool_size = 4
	max_client_conn = 50
	server_reset_query =
	ignore_startup_parameters = extra_float_digits,options
	logfile = $BDIR/pgbouncer.log
	pidfile = $BDIR/pgbouncer.pid
	EOF
	echo "\"postgres\" \"\"" >"$BDIR/users.txt" &&
	if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$BDIR"; fi &&
	as_pg "$PGBOUNCER" -d -q "$BDIR/pgbouncer.ini" &&
	i=0 &&
	until "$PGBIN/psql" -X -q -h 127.0.0.1 -p $BPORT -U postgres -d postgres -c "select 1" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 50 ] || { cat "$BDIR/pgbouncer.log"; return 1; }
		sleep 0.1
	done
'

stop_bouncer() {
	[ -f "$BDIR/pgbouncer.pid" ] && kill "$(cat "$BDIR/pgbouncer.pid")" 2>/dev/null
	return 0
}
trap 'stop_bouncer; pg_atexit $?' EXIT

url() {
	echo "postgresql://postgres@127.0.0.1:$BPORT/$1"
}

# A session lock would not hold through transaction pooling.
MSR_LOCK_METHOD=table
export MSR_LOCK_METHOD

test_expect_success 'migrate, status and down work through PgBouncer' '
	pg_newdb bnc &&
	mig m 1_a "CREATE TABLE a (id serial PRIMARY KEY, v text);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x int); INSERT INTO b VALUES (1), (2);" "DROP TABLE b;" &&
	mig m 3_fn "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS \$\$ BEGIN RETURN 1; END; \$\$;" "DROP FUNCTION f();" &&
	msr -u "$(url bnc)" -d m migrate 2>err &&
	test_grep "applied 3 migrations" err &&
	msr -u "$(url bnc)" -d m status >out &&
	test "$(grep -c applied out)" = 3 &&
	msr -u "$(url bnc)" -d m down --steps 2 &&
	test "$(pgq bnc "SELECT count(*) FROM msr_migrations")" = 1 &&
	msr -u "$(url bnc)" -d m migrate &&
	msr -u "$(url bnc)" -d m check &&
	test "$(pgq bnc "SELECT count(*) FROM msr_migrations_lock")" = 0
'

test_expect_success 'a failing migration through PgBouncer rolls back and names the statement' '
	mig m 4_bad "CREATE TABLE c (x int);
INSERT INTO c VALUES (1/0);" &&
	test_expect_code 1 msr -u "$(url bnc)" -d m migrate 2>err &&
	test_grep "m/4_bad.up.sql:2:1: division by zero (22012)" err &&
	test "$(pgq bnc "SELECT count(*) FROM pg_tables WHERE tablename = '\''c'\''")" = 0 &&
	test "$(pgq bnc "SELECT count(*) FROM msr_migrations_lock")" = 0 &&
	rm m/4_bad.up.sql
'

test_expect_success 'two concurrent runs through PgBouncer serialize' '
	pg_newdb conc &&
	mkdir c &&
	mig c 1_slow "CREATE TABLE slow (x int); SELECT pg_sleep(2);" &&
	mig c 2_more "CREATE TABLE more (x int);" &&
	{ msr -u "$(url conc)" -d c migrate 2>a.err & } &&
	sleep 0.5 &&
	msr -u "$(url conc)" -d c migrate 2>b.err &&
	wait &&
	cat a.err b.err >both &&
	test_grep "waiting for the migration lock held by pid" both &&
	test_grep "nothing to do; the database is at version 2" both &&
	test "$(pgq conc "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\''")" = 2 &&
	test "$(pgq conc "SELECT count(*) FROM msr_migrations")" = 2
'

test_expect_success 'a lock row left behind: lock status shows it, lock release --force clears it' '
	pgq conc "INSERT INTO msr_migrations_lock VALUES (1, '\''pid 99 on gone since then'\'', now())" &&
	msr -u "$(url conc)" lock status >out &&
	test_grep "^held by pid 99 on gone since then$" out &&
	test_expect_code 4 msr -u "$(url conc)" -d c --lock-timeout 1 migrate 2>err &&
	test_grep "migration lock not acquired within 1 s; it is held by pid 99 on gone" err &&
	test_grep "if that msr is gone, .msr lock release. frees its row" err &&
	test_expect_code 4 msr -u "$(url conc)" lock release >out 2>err &&
	test_grep "msr cannot prove that its holder is gone" err &&
	msr -u "$(url conc)" lock release --force >out 2>err &&
	test_grep "^released the lock held by pid 99 on gone since then$" out &&
	msr -u "$(url conc)" lock status >out &&
	test_grep "^not held$" out
'

test_done
