#!/bin/sh
test_description='the migration lock and signals on SQLite'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# A migration that keeps the database busy for a few seconds.
slow() {
	echo "CREATE TABLE $1 (n INTEGER);
INSERT INTO $1 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < $2) SELECT count(*) FROM c;"
}

# Holders of test-lib.sh, each ending by itself after 60 s should a test
# not end it: .holdlock.py holds the migration lock of an SQLite database
# as another msr would; .holddb.py holds the database itself locked for
# writing, as an application in a long write transaction does.

# hold SCRIPT FILE: runs SCRIPT on FILE in the background until it holds
# its lock; $holder is its pid.
hold() {
	rm -f held
	python3 "$TRASH/$1" "$2" held &
	holder=$!
	wait_for held ready
}

# release: ends the holder of hold.
release() {
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=
	return 0
}

# msr_bg_status OUT ERR ARGS...: msr in the background; $msr_pid is msr
# itself, and the file "code" gets its exit status when it ends.
msr_bg_status() {
	bg_out=$1 bg_err=$2
	shift 2
	rm -f pid code
	( $MSRTEST_VALGRIND "$MSRTEST_BIN" "$@" >"$bg_out" 2>"$bg_err" &
	echo $! >pid
	wait $!
	echo $? >code ) &
	bg_shell=$!
	wait_for pid "[0-9]" &&
	msr_pid=$(cat pid)
}

# wait_exit SECONDS: until the msr of msr_bg_status ends, at most SECONDS
# (then it fails, and stop_bg kills msr); $code is its exit status.
wait_exit() {
	we_i=0
	while [ ! -s code ]; do
		we_i=$((we_i + 1))
		if [ $we_i -gt $(($1 * 10)) ]; then
			echo "msr still runs after $1 s" >&2
			return 1
		fi
		sleep 0.1
	done
	wait "$bg_shell"
	code=$(cat code)
	msr_pid=
}

# stop_bg: ends what hold and msr_bg_status started, if still running.  Each
# test that starts them sets it as its EXIT trap, so that nothing is
# left behind when the test fails.
stop_bg() {
	if [ -n "${msr_pid:-}" ] && [ ! -s code ]; then
		kill -9 "$msr_pid" 2>/dev/null
		wait "$bg_shell" 2>/dev/null
	fi
	msr_pid=
	if [ -n "${holder:-}" ]; then
		release
	fi
}

# A large busy_timeout: waiting it out would take ten minutes.
printf "[sqlite]\nbusy_timeout = 600000\n" >busy.ini

# interrupt_locked DB SIGNAL CODE ARGS...: msr ARGS on DB while another
# process holds DB locked; once msr waits, SIGNAL must end it with CODE
# within 15 s, DB as it was.  Its standard error is in busy.err.
interrupt_locked() {
	il_db=$1 il_sig=$2 il_code=$3
	shift 3
	db_fingerprint $il_db >before &&
	hold ${il_hold:-.holddb.py} $il_db &&
	msr_bg_status out busy.err -c busy.ini -u sqlite:$il_db "$@" &&
	wait_for $il_db-msr.lock "pid $msr_pid" &&
	sleep 1 &&
	: still waiting for the database &&
	test ! -s code &&
	kill -$il_sig $msr_pid &&
	wait_exit 15 &&
	test "$code" = $il_code &&
	release &&
	db_fingerprint $il_db >after &&
	test_cmp before after
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

test_expect_success 'without --lock-timeout or [lock] timeout a second run waits 600 s' '
	trap stop_bg EXIT &&
	rm -rf m app.db* &&
	mig m 1_a "CREATE TABLE a (x);" &&
	test ! -e msr.ini &&
	hold .holdlock.py app.db-msr.lock &&
	msr_bg_status out wait.err -u sqlite:app.db -d m migrate &&
	wait_for wait.err "waiting" &&
	test_grep "^msr: waiting for the migration lock held by pid 4242 on build1 since 2025-01-15T10:00:00Z (timeout 600 s)$" wait.err &&
	sleep 1 &&
	test ! -s code &&
	kill -TERM $msr_pid &&
	wait_exit 20 &&
	test "$code" = 143 &&
	: the lock of the holder stays as it was &&
	test_grep "^pid 4242 on build1" app.db-msr.lock
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
	{ "$MSRTEST_BIN" -u sqlite:app.db -d m migrate 2>/dev/null & } &&
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
	{ "$MSRTEST_BIN" -u sqlite:app.db -d m migrate 2>term.err & } &&
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
	{ "$MSRTEST_BIN" -u sqlite:app.db -d m migrate 2>int.err & } &&
	pid=$! &&
	sleep 0.5 &&
	kill -INT $pid &&
	{ wait $pid; echo $? >code; } &&
	test "$(cat code)" = 130 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''s2'\''")" = 0
'

# A SIGINT or SIGTERM ends the wait for a database that another
# connection holds locked at once, not after busy_timeout.
test_expect_success 'SIGINT while migrate waits for a locked database: exit 130 at once, nothing changed' '
	trap stop_bg EXIT &&
	rm -rf bm bz.db* &&
	mig bm 1_a "CREATE TABLE a (x);" &&
	mig bm 2_b "CREATE TABLE b (x);" &&
	msr -u sqlite:bz.db -d bm migrate --to 1 2>err &&
	interrupt_locked bz.db INT 130 -d bm migrate &&
	test_grep "^msr: error: interrupted by a signal$" busy.err &&
	test_must_be_empty bz.db-msr.lock &&
	: the lock was released &&
	msr -u sqlite:bz.db -d bm --lock-timeout 0 migrate 2>err &&
	test "$(sq bz.db "SELECT group_concat(version) FROM msr_migrations")" = 1,2
'

test_expect_success 'SIGINT while creating the tracking tables of a locked database: exit 130' '
	trap stop_bg EXIT &&
	rm -f nt.db* &&
	sq nt.db "CREATE TABLE app (x)" &&
	interrupt_locked nt.db INT 130 -d bm migrate &&
	test_grep "^msr: error: interrupted by a signal; nothing was changed$" busy.err &&
	test_grep -v "cannot create" busy.err
'

test_expect_success 'SIGTERM while migrate waits for a locked database: exit 143 at once' '
	trap stop_bg EXIT &&
	mig bm 3_c "CREATE TABLE c (x);" &&
	interrupt_locked bz.db TERM 143 -d bm migrate &&
	test_grep "^msr: error: interrupted by a signal$" busy.err
'

# An application whose write transaction holds the database EXCLUSIVE
# (a commit under way, or a cache that spilled) blocks reading too: msr
# waits at reading the tracking table, and a signal ends that wait with
# its own exit code, not as a database error.
sed -e "s/BEGIN IMMEDIATE/BEGIN EXCLUSIVE/" "$TRASH/.holddb.py" \
    >"$TRASH/.holdexcl.py"

test_expect_success 'SIGTERM or SIGINT while reading a database held EXCLUSIVE: exit 143 or 130' '
	trap stop_bg EXIT &&
	rm -rf bx bx.db* &&
	mig bx 1_a "CREATE TABLE a (x);" &&
	mig bx 2_b "CREATE TABLE b (x);" &&
	msr -u sqlite:bx.db -d bx migrate --to 1 2>err &&
	il_hold=.holdexcl.py &&
	interrupt_locked bx.db TERM 143 -d bx migrate &&
	test_grep "^msr: error: interrupted by a signal" busy.err &&
	test_grep -v "cannot read" busy.err &&
	interrupt_locked bx.db INT 130 -d bx migrate &&
	test_grep "^msr: error: interrupted by a signal" busy.err &&
	il_hold=
'

# PRAGMA busy_timeout replaces msr's busy handler, which a signal ends:
# only for the rest of its migration.
test_expect_success 'a PRAGMA busy_timeout of a migration: SIGINT still ends the wait of the next one at once' '
	trap stop_bg EXIT &&
	rm -rf pb pb.db* side.db* &&
	sq side.db "CREATE TABLE t (x)" &&
	mig pb 1_long_wait "PRAGMA busy_timeout = 600000;" &&
	mig pb 2_side "ATTACH '\''side.db'\'' AS side;
INSERT INTO side.t VALUES (1);" &&
	hold .holddb.py side.db &&
	msr_bg_status out pb.err -c busy.ini -u sqlite:pb.db -d pb migrate &&
	wait_for pb.err "applied 1_long_wait" &&
	sleep 1 &&
	: still waiting for side.db &&
	test ! -s code &&
	kill -INT $msr_pid &&
	wait_exit 15 &&
	test "$code" = 130 &&
	release &&
	test "$(sq side.db "SELECT count(*) FROM t")" = 0 &&
	test "$(sq pb.db "SELECT version FROM msr_migrations
	    WHERE state = '\''applied'\''")" = 1
'

test_expect_success 'SIGINT while baseline waits for a locked database: exit 130 at once, nothing changed' '
	trap stop_bg EXIT &&
	rm -rf bb bb.db* &&
	mig bb 1_a "CREATE TABLE a (x);" &&
	mig bb 2_b "CREATE TABLE b (x);" &&
	mig bb 3_c "CREATE TABLE c (x);" &&
	msr -u sqlite:bb.db -d bb migrate --to 1 2>err &&
	interrupt_locked bb.db INT 130 -d bb baseline 2 &&
	test_grep "^msr: error: interrupted by a signal; nothing was changed$" busy.err &&
	: the list says what was recorded: nothing &&
	test_must_be_empty out &&
	msr -u sqlite:bb.db -d bb --lock-timeout 0 baseline 2 >out 2>err &&
	echo bb/2_b.up.sql >expect &&
	test_cmp expect out &&
	test "$(sq bb.db "SELECT group_concat(version) FROM msr_migrations")" = 1,2
'

test_expect_success 'SIGINT while repair waits for a locked database: exit 130 at once, nothing changed' '
	trap stop_bg EXIT &&
	echo "-- a comment added later" >>bb/1_a.up.sql &&
	interrupt_locked bb.db INT 130 -d bb repair &&
	test_grep "^msr: error: interrupted by a signal; nothing was changed$" busy.err &&
	test_must_be_empty out &&
	msr -u sqlite:bb.db -d bb --lock-timeout 0 repair >out 2>err &&
	test_grep "^bb/1_a.up.sql: checksum" out &&
	msr -u sqlite:bb.db -d bb migrate 2>err &&
	test "$(sq bb.db "SELECT group_concat(version) FROM msr_migrations")" = 1,2,3
'

test_expect_success '--no-lock does not take the lock' '
	rm -rf m app.db* &&
	mig m 1_a "CREATE TABLE a (x);" &&
	msr -u sqlite:app.db -d m --no-lock migrate &&
	test ! -e app.db-msr.lock
'

test_done
