#!/bin/sh
test_description='the migration lock and signals on SQLite'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

# A migration that keeps the database busy for a few seconds.
slow() {
	echo "CREATE TABLE $1 (n INTEGER);
INSERT INTO $1 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < $2) SELECT count(*) FROM c;"
}

# wait_for FILE PATTERN: until FILE holds PATTERN, at most 20 s.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "timed out waiting for $2 in $1" >&2; return 1; }
		sleep 0.1
	done
}

test_expect_success 'a second run gives up after --lock-timeout with exit 4, naming the holder' '
	mig m 1_slow "$(slow s1 20000000)" &&
	{ msr -u sqlite:app.db -d m migrate 2>first.err & } &&
	wait_for app.db-msr.lock "pid" &&
	test_expect_code 4 msr -u sqlite:app.db -d m --lock-timeout 1 migrate 2>err &&
	test_grep "waiting for the migration lock held by pid [0-9]* on .* since" err &&
	test_grep "migration lock not acquired within 1 s; it is held by pid" err &&
	wait &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations")" = 1
'

test_expect_success 'two concurrent runs: one applies, the other waits and finds nothing to do' '
	rm -rf m app.db* &&
	mig m 1_slow "$(slow s1 10000000)" &&
	mig m 2_more "CREATE TABLE more (x);" &&
	{ msr -u sqlite:app.db -d m migrate 2>a.err & } &&
	wait_for app.db-msr.lock "pid" &&
	msr -u sqlite:app.db -d m migrate 2>b.err &&
	wait &&
	test_grep "waiting for the migration lock" b.err &&
	test_grep "nothing to do; the database is at version 2" b.err &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\''")" = 2
'

test_expect_success 'the holder killed with -9: the next run proceeds at once' '
	rm -rf m app.db* &&
	mig m 1_slow "$(slow s1 50000000)" &&
	{ "$MSR_BIN" -u sqlite:app.db -d m migrate 2>/dev/null & } &&
	pid=$! &&
	wait_for app.db-msr.lock "pid $pid" &&
	kill -9 $pid &&
	{ wait $pid || :; } &&
	rm -f m/1_slow.up.sql &&
	mig m 1_fast "CREATE TABLE fast (x);" &&
	msr -u sqlite:app.db -d m --lock-timeout 0 migrate 2>err &&
	test_grep -v "waiting" err &&
	test "$(sq app.db "SELECT name FROM msr_migrations")" = fast
'

test_expect_success 'SIGTERM cancels the running migration: rolled back, exit 143' '
	rm -rf m app.db* &&
	mig m 1_quick "CREATE TABLE quick (x);" &&
	mig m 2_slow "$(slow s2 50000000)" &&
	{ "$MSR_BIN" -u sqlite:app.db -d m migrate 2>term.err & } &&
	pid=$! &&
	wait_for term.err "applied 1_quick" &&
	sleep 0.5 &&
	kill -TERM $pid &&
	{ wait $pid; echo $? >code; } &&
	test "$(cat code)" = 143 &&
	test_grep "interrupted" term.err &&
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations")" = 1 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''s2'\''")" = 0 &&
	msr -u sqlite:app.db -d m --lock-timeout 0 status >/dev/null &&
	: the lock was released &&
	msr -u sqlite:app.db -d m --lock-timeout 0 migrate --to 1
'

test_expect_success 'SIGINT exits 130' '
	{ "$MSR_BIN" -u sqlite:app.db -d m migrate 2>int.err & } &&
	pid=$! &&
	sleep 0.5 &&
	kill -INT $pid &&
	{ wait $pid; echo $? >code; } &&
	test "$(cat code)" = 130 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''s2'\''")" = 0
'

test_expect_success '--no-lock does not take the lock' '
	rm -rf m app.db* &&
	mig m 1_a "CREATE TABLE a (x);" &&
	msr -u sqlite:app.db -d m --no-lock migrate &&
	test ! -e app.db-msr.lock
'

test_done
