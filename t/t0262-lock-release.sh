#!/bin/sh
test_description='lock release of [lock] method = table frees only a holder that is provably gone'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# The driver-neutral tests of lock release with method table, for
# SQLite here and for PostgreSQL in t0452-pg-lock-release.sh.

printf "[lock]\nmethod = table\n" >table.ini
SQ="'"

# lk ARGS: msr with method table.
lk() {
	msr -c table.ini "$@"
}

# slow_mig DIR: a migration that runs until it is ended.
slow_mig() {
	case $MSRTEST_DRIVER in
	pg) mig "$1" 1_slow "CREATE TABLE s (n int); SELECT pg_sleep(120);" ;;
	*) mig "$1" 1_slow "CREATE TABLE s (n INTEGER);
INSERT INTO s WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c;" ;;
	esac
}

# wait_row NAME: until the lock table of database NAME has its row.
wait_row() {
	wr_i=0
	until test "$(dbq "$1" "SELECT count(*) FROM msr_migrations_lock" 2>/dev/null)" = 1; do
		wr_i=$((wr_i + 1))
		[ $wr_i -lt 300 ] || return 1
		sleep 0.1
	done
}

# holder_of NAME: the holder text of the lock row of database NAME.
holder_of() {
	dbq "$1" "SELECT holder FROM msr_migrations_lock"
}

# running NAME: starts msr migrate of a slow migration on database NAME
# in the background, with method table, and waits until it holds the
# lock; $run is its pid.
running() {
	db_new "$1" &&
	slow_mig "$1" &&
	msr_bg "$1.out" "$1.err" -c table.ini -u "$(db_url "$1")" -d "$1" migrate &&
	run=$! &&
	wait_row "$1"
}

# dead_row NAME: the lock row of an msr on database NAME that was
# killed with -9 while it held the lock.
dead_row() {
	running "$1" &&
	kill -9 $run &&
	{ wait $run 2>/dev/null || :; } &&
	test "$(dbq "$1" "SELECT count(*) FROM msr_migrations_lock")" = 1
}

# set_field NAME FROM TO: replaces the text FROM of the lock row of
# database NAME with TO, as a row taken elsewhere would have it.
set_field() {
	dbq "$1" "UPDATE msr_migrations_lock SET holder = replace(holder, '$2', '$3')" &&
	holder_of "$1" >changed &&
	test_grep "$3" changed
}

test_expect_success 'the row of a running msr names its host, boot, pid namespace, pid and start time' '
	running live &&
	test_when_finished "kill -9 $run 2>/dev/null" &&
	holder_of live >row &&
	lk -u "$(db_url live)" lock status >out &&
	kill -TERM $run &&
	test_expect_code 143 wait $run &&
	test "$(dbq live "SELECT count(*) FROM msr_migrations_lock")" = 0 &&
	test_grep "^held by pid $run on $(uname -n) since [0-9T:-]*Z$" out &&
	test_grep "^pid $run on $(uname -n) since [0-9T:-]*Z$" row &&
	boot=$(cat /proc/sys/kernel/random/boot_id) &&
	ns=$(stat -L -c %i /proc/self/ns/pid) &&
	test_grep "^msr-holder boot=$boot pidns=$ns pid=$run start=[0-9][0-9]* host=$(uname -n)$" row
'

test_expect_success 'a holder that still runs: release refuses with exit 4 and names --force; the row stays' '
	running live &&
	test_when_finished "kill -9 $run 2>/dev/null" &&
	holder_of live >before &&
	test_expect_code 4 lk -u "$(db_url live)" lock release >out 2>err &&
	holder_of live >after &&
	lk -u "$(db_url live)" lock status >status &&
	kill -TERM $run &&
	test_expect_code 143 wait $run &&
	test_must_be_empty out &&
	test_cmp before after &&
	test_grep "^held by pid $run " status &&
	test_grep "^msr: error: not releasing the lock held by pid $run on $(uname -n) since [0-9T:-]*Z: pid $run still runs on $(uname -n): it is the process that took the lock; ${SQ}msr lock release --force$SQ frees it anyway" err
'

test_expect_success 'a holder killed with -9: release frees its row, and says why' '
	dead_row dead &&
	lk -u "$(db_url dead)" lock release >out 2>err &&
	test_grep "^released the lock held by pid $run on $(uname -n) since [0-9T:-]*Z$" out &&
	test_grep "^msr: its holder is gone: pid $run no longer runs on $(uname -n)$" err &&
	test "$(dbq dead "SELECT count(*) FROM msr_migrations_lock")" = 0 &&
	rm dead/1_slow.up.sql &&
	mig dead 1_fast "CREATE TABLE fast (x integer);" &&
	lk -u "$(db_url dead)" -d dead --lock-timeout 0 migrate 2>err &&
	test "$(versions dead)" = 1
'

test_expect_success 'its pid now another process, started at another time: the holder is gone' '
	dead_row reused &&
	{ sleep 30 & } &&
	other=$! &&
	test_when_finished "kill $other 2>/dev/null" &&
	set_field reused " pid=$run " " pid=$other " &&
	lk -u "$(db_url reused)" lock release >out 2>err &&
	test_grep "^released the lock held by pid $run " out &&
	test_grep "^msr: its holder is gone: pid $other on $(uname -n) is another process now, which started at another time$" err &&
	test "$(dbq reused "SELECT count(*) FROM msr_migrations_lock")" = 0
'

test_expect_success 'a row of another host: refused without --force; --force frees it with a warning' '
	dead_row far &&
	set_field far " host=$(uname -n)" " host=elsewhere" &&
	holder_of far >before &&
	test_expect_code 4 lk -u "$(db_url far)" lock release >out 2>err &&
	holder_of far >after &&
	test_cmp before after &&
	test_must_be_empty out &&
	test_grep "^msr: error: not releasing the lock held by pid $run on .*: msr cannot prove that its holder is gone: it was taken on host elsewhere, and msr on $(uname -n) cannot see the processes of another host; when you know it is, run ${SQ}msr lock release --force$SQ$" err &&
	lk -u "$(db_url far)" lock release --force >out 2>err &&
	test_grep "^released the lock held by pid $run " out &&
	test_grep "^msr: warning: releasing the lock held by pid $run .* although msr cannot prove that its holder is gone: should that msr still run, a second msr can take the lock and apply the same migrations at the same time$" err &&
	test "$(dbq far "SELECT count(*) FROM msr_migrations_lock")" = 0
'

test_expect_success 'a row of another boot of this host: refused without --force' '
	dead_row boot &&
	set_field boot "boot=$(cat /proc/sys/kernel/random/boot_id)" "boot=00000000-0000-0000-0000-000000000000" &&
	test_expect_code 4 lk -u "$(db_url boot)" lock release >out 2>err &&
	test "$(dbq boot "SELECT count(*) FROM msr_migrations_lock")" = 1 &&
	test_grep "it was taken during another boot (boot id 00000000-0000-0000-0000-000000000000, now .*): $(uname -n) restarted since, or another machine has the same host name" err
'

test_expect_success 'a row written by msr 0.1 or by hand, with no proof: refused without --force, freed with it' '
	db_new old &&
	mig old 1_a "CREATE TABLE a (x integer);" &&
	lk -u "$(db_url old)" -d old migrate 2>err &&
	dbq old "INSERT INTO msr_migrations_lock (id, holder, since) VALUES (1, '\''pid 1 on $(uname -n) since 2025-01-15T10:00:00Z'\'', '\''2025-01-15T10:00:00Z'\'')" &&
	test_expect_code 4 lk -u "$(db_url old)" lock release >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: error: not releasing the lock held by pid 1 on $(uname -n) since 2025-01-15T10:00:00Z: msr cannot prove that its holder is gone: the row does not say on which boot and in which pid namespace its holder ran" err &&
	test "$(dbq old "SELECT count(*) FROM msr_migrations_lock")" = 1 &&
	lk -u "$(db_url old)" lock release --force >out 2>err &&
	test_grep "^released the lock held by pid 1 on $(uname -n) since 2025-01-15T10:00:00Z$" out &&
	test_grep "^msr: warning: releasing the lock held by pid 1 " err &&
	test "$(dbq old "SELECT count(*) FROM msr_migrations_lock")" = 0
'

test_expect_success 'a malformed proof line counts as none' '
	db_new bad &&
	mig bad 1_a "CREATE TABLE a (x integer);" &&
	lk -u "$(db_url bad)" -d bad migrate 2>err &&
	dbq bad "INSERT INTO msr_migrations_lock (id, holder, since) VALUES (1, '\''pid 99 on $(uname -n) since then
msr-holder boot=$(cat /proc/sys/kernel/random/boot_id) pidns=x pid=99 start=1 host=$(uname -n)'\'', '\''2025-01-15T10:00:00Z'\'')" &&
	test_expect_code 4 lk -u "$(db_url bad)" lock release 2>err &&
	test_grep "the row does not say" err &&
	test "$(dbq bad "SELECT count(*) FROM msr_migrations_lock")" = 1
'

test_expect_success '--force goes with lock release only; lock release --force of a free lock' '
	db_new free &&
	mig free 1_a "CREATE TABLE a (x integer);" &&
	lk -u "$(db_url free)" -d free migrate 2>err &&
	test_expect_code 2 lk -u "$(db_url free)" lock status --force 2>err &&
	test_grep "^msr: error: option ${SQ}--force$SQ goes with ${SQ}lock release$SQ$" err &&
	test_expect_code 2 lk -u "$(db_url free)" -d free migrate --force 2>err &&
	test_grep "does not apply to" err &&
	lk -u "$(db_url free)" lock release --force >out &&
	test_grep "^not held$" out
'

# The race of lock release: another process changes the row after msr
# read and judged it, before its DELETE.  That DELETE waits for the
# other process's write transaction, and must then leave the row that it
# did not judge.  The new holder comes as an UPDATE, whose new row the
# DELETE sees once it no longer waits.
NEW="pid 4242 on build1 since 2025-01-15T10:00:00Z"

cat >race.py <<EOF
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE msr_migrations_lock SET holder = '$NEW'")
open(sys.argv[2], "w").write("ready\n")
time.sleep(3)
c.execute("COMMIT")
EOF

test_for sqlite 'the row changes hands between the read and the DELETE of release: the new row stays' '
	dead_row race &&
	rm -f race.ready &&
	{ python3 race.py race.db race.ready & } &&
	rp=$! &&
	test_when_finished "kill $rp 2>/dev/null" &&
	wait_for race.ready ready &&
	test_expect_code 4 lk -u "$(db_url race)" lock release >out 2>err &&
	wait $rp &&
	test "$(holder_of race)" = "$NEW" &&
	test_must_be_empty out &&
	test_grep "^msr: error: not releasing the lock: it changed hands while msr looked at it, and is held by $NEW now$" err
'

test_for pg 'the row changes hands between the read and the DELETE of release: the new row stays' '
	dead_row race &&
	printf "BEGIN;\nUPDATE msr_migrations_lock SET holder = %s;\nSELECT pg_sleep(3);\nCOMMIT;\n" "$SQ$NEW$SQ" >race.sql &&
	{ pg_psql race -f race.sql >/dev/null & } &&
	rp=$! &&
	test_when_finished "kill $rp 2>/dev/null" &&
	i=0 &&
	until test "$(pgq race "SELECT count(*) FROM pg_stat_activity WHERE state = ${SQ}active$SQ AND query LIKE $SQ%pg_sleep(3)%$SQ AND pid <> pg_backend_pid()")" = 1; do
		i=$((i + 1)) && [ $i -lt 300 ] && sleep 0.1 || return 1
	done &&
	test_expect_code 4 lk -u "$(db_url race)" lock release >out 2>err &&
	wait $rp &&
	test "$(holder_of race)" = "$NEW" &&
	test_must_be_empty out &&
	test_grep "^msr: error: not releasing the lock: it changed hands while msr looked at it, and is held by $NEW now$" err
'

if unshare -pf --kill-child --mount-proc true 2>/dev/null; then
test_expect_success 'a holder in another pid namespace cannot be proven gone: refused without --force' '
	db_new ns &&
	slow_mig ns &&
	{ ( exec unshare -pf --kill-child --mount-proc "$MSRTEST_BIN" -c table.ini -u "$(db_url ns)" -d ns migrate >ns.out 2>ns.err ) & } &&
	upid=$! &&
	test_when_finished "kill $upid 2>/dev/null" &&
	wait_row ns &&
	holder_of ns >row &&
	test_expect_code 4 lk -u "$(db_url ns)" lock release >out 2>err &&
	test "$(dbq ns "SELECT count(*) FROM msr_migrations_lock")" = 1 &&
	kill -9 $upid &&
	{ wait $upid || :; } &&
	: in its namespace msr is pid 1 &&
	test_grep "^pid 1 on $(uname -n) since" row &&
	test_grep -v "pidns=$(stat -L -c %i /proc/self/ns/pid) " row &&
	test_must_be_empty out &&
	test_grep "^msr: error: not releasing the lock held by pid 1 on .*: msr cannot prove that its holder is gone: it was taken in another pid namespace (pid:\[[0-9]*\], this msr runs in pid:\[[0-9]*\]), a container or unshare, whose pid 1 is not pid 1 here; when you know it is, run" err &&
	: still refused once it ended &&
	test_expect_code 4 lk -u "$(db_url ns)" lock release 2>err &&
	lk -u "$(db_url ns)" lock release --force >out 2>err &&
	test_grep "^released the lock held by pid 1 " out &&
	test "$(dbq ns "SELECT count(*) FROM msr_migrations_lock")" = 0
'
else
	test_skip 'a holder in another pid namespace cannot be proven gone' \
	    'unshare -pf --kill-child --mount-proc (util-linux 2.32 or later, as root)'
fi

test_done
