#!/bin/sh
test_description='the lock row of [lock] method = table and lock release'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

# The driver-neutral tests of the lock row of method table, for SQLite
# here and for PostgreSQL in t0452-pg-lock-release.sh.

printf "[lock]\nmethod = table\n" >table.ini
SQ="'"

# lk ARGS: msr with method table.
lk() {
	msr -c table.ini "$@"
}

# slow_mig DIR: a migration that runs until it is ended.
slow_mig() {
	case $MSR_TEST_DRIVER in
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

test_done
