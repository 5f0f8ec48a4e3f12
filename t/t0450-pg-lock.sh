#!/bin/sh
test_description='PostgreSQL advisory lock: concurrent runs, timeout, a killed holder'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

test_expect_success 'two concurrent runs: one applies, the other waits, names the holder, finds nothing to do' '
	pg_newdb two &&
	mig m 1_slow "CREATE TABLE slow (x int); SELECT pg_sleep(2);" &&
	mig m 2_more "CREATE TABLE more (x int);" &&
	{ msr -u "$(pg_url two)" -d m migrate 2>a.err & } &&
	i=0 && until test "$(pgq two "SELECT count(*) FROM pg_locks WHERE locktype = '\''advisory'\'' AND granted")" = 1; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done &&
	msr -u "$(pg_url two)" -d m migrate 2>b.err &&
	wait &&
	cat a.err b.err >both &&
	test_grep "waiting for the migration lock held by backend pid [0-9]* (msr)" both &&
	test_grep "nothing to do; the database is at version 2" both &&
	test "$(pgq two "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\''")" = 2 &&
	test "$(pgq two "SELECT string_agg(version, '\'','\'' ORDER BY seq) FROM msr_migrations")" = "1,2"
'

test_expect_success 'eight concurrent runs: every one exits 0, each migration applied once' '
	pg_newdb eight &&
	rm -rf e && mkdir e &&
	i=1 && while [ $i -le 20 ]; do
		mig e ${i}_t$i "CREATE TABLE t$i (x int); SELECT pg_sleep(0.05);" || return 1
		i=$((i + 1))
	done &&
	pids= &&
	for n in 1 2 3 4 5 6 7 8; do
		( exec "$MSRTEST_BIN" -u "$(pg_url eight)" -d e migrate 2>run$n.err; ) &
		pids="$pids $!"
	done &&
	for p in $pids; do wait $p || { echo "a run failed" >&2; cat run*.err >&2; return 1; }; done &&
	test "$(pgq eight "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\'' AND outcome = '\''ok'\''")" = 20 &&
	test "$(pgq eight "SELECT count(*) FROM msr_migrations")" = 20
'

test_expect_success 'a held lock and --lock-timeout 1: exit 4' '
	pg_newdb held &&
	rm -rf h && mkdir h &&
	mig h 1_a "CREATE TABLE a (x int);" &&
	{ ( exec "$PGBIN/psql" -X -q -h "$PGTMP" -p "$PGPORT" -U postgres held -c "SELECT pg_advisory_lock(pg_catalog.hashtextextended(pg_catalog.format('\''msr %I.%I'\'', '\''public'\'', '\''msr_migrations'\''), 0)); SELECT pg_sleep(30);" ) >/dev/null 2>&1 & } &&
	holder=$! &&
	test_when_finished "kill $holder 2>/dev/null" &&
	i=0 && until test "$(pgq held "SELECT count(*) FROM pg_locks WHERE locktype = '\''advisory'\'' AND granted")" = 1; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done &&
	test_expect_code 4 msr -u "$(pg_url held)" -d h --lock-timeout 1 migrate 2>err &&
	test_grep "migration lock not acquired within 1 s; it is held by backend pid" err &&
	msr -u "$(pg_url held)" lock status >out &&
	test_grep "^held by backend pid [0-9]* (psql)" out &&
	test_expect_code 4 msr -u "$(pg_url held)" lock release 2>err &&
	test_grep "^msr: error: .*held by backend pid [0-9]* (psql)" err &&
	kill $holder && { wait $holder || :; } &&
	test "$(pgq held "SELECT to_regclass('\''msr_migrations'\'') IS NULL")" = t
'

test_expect_success 'the holder killed with -9: the next run proceeds at once' '
	pg_newdb killed &&
	rm -rf k && mkdir k &&
	mig k 1_slow "CREATE TABLE slow (x int); SELECT pg_sleep(30);" &&
	{ ( exec "$MSRTEST_BIN" -u "$(pg_url killed)" -d k migrate ) 2>/dev/null & } &&
	pid=$! &&
	i=0 && until test "$(pgq killed "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '\''%pg_sleep(30)%'\'' AND application_name = '\''msr'\''")" = 1; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done &&
	kill -9 $pid && { wait $pid 2>/dev/null || :; } &&
	rm k/1_slow.up.sql &&
	mig k 1_fast "CREATE TABLE fast (x int);" &&
	start=$(date +%s) &&
	msr -u "$(pg_url killed)" -d k --lock-timeout 10 migrate 2>err &&
	test $(( $(date +%s) - start )) -le 3 &&
	test "$(pgq killed "SELECT name FROM msr_migrations")" = fast &&
	test "$(pgq killed "SELECT to_regclass('\''slow'\'') IS NULL")" = t
'

test_done
