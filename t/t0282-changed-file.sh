#!/bin/sh
test_description='a file that changes between planning and running: what
runs in a transaction is rolled back, and no statement outside one runs
from bytes other than those planned'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# Each test changes a file while msr waits at a gate, after it planned
# every file and before it reads the changed one: a migration whose
# transaction waits for a lock that the test holds.  On SQLite the gate
# is a write transaction of another connection, which the BEGIN of every
# migration waits for; on PostgreSQL, advisory lock 4282, which gate_sql
# waits for.

# A busy_timeout that the gate never outlasts.
printf '[sqlite]\nbusy_timeout = 600000\n' >busy.ini

# gate_sql: a statement that waits while the gate is closed.
gate_sql() {
	case $MSRTEST_DRIVER in
	pg) echo "SELECT pg_advisory_xact_lock(4282);" ;;
	*) echo "SELECT 1;" ;;
	esac
}

# gate_insert: an INSERT INTO needs_fix that waits while the gate is
# closed.
gate_insert() {
	case $MSRTEST_DRIVER in
	pg) echo "INSERT INTO needs_fix SELECT 1 FROM pg_advisory_xact_lock(4282);" ;;
	*) echo "INSERT INTO needs_fix VALUES (1);" ;;
	esac
}

# close_gate NAME: another session closes the gate of database NAME
# until open_gate NAME.
close_gate() {
	case $MSRTEST_DRIVER in
	pg)
		printf 'SELECT pg_advisory_lock(4282);\nSELECT pg_sleep(120);\n' >gate.sql
		( exec "$PGBIN/psql" -X -q -h "$PGTMP" -p "$PGPORT" \
		    -U postgres -d "$1" -f gate.sql ) >/dev/null 2>&1 &
		gate_pid=$!
		wait_sql "$1" "SELECT count(*) FROM pg_locks
		    WHERE locktype = 'advisory' AND objid = 4282 AND granted"
		;;
	*)
		rm -f gate.ready
		python3 "$TRASH/.holddb.py" "$1.db" gate.ready 120 &
		gate_pid=$!
		wait_for gate.ready ready
		;;
	esac
}

open_gate() {
	case $MSRTEST_DRIVER in
	pg)
		pgq "$1" "SELECT pg_terminate_backend(pid) FROM pg_locks
		    WHERE locktype = 'advisory' AND objid = 4282 AND granted" \
		    >/dev/null
		;;
	*)
		kill "$gate_pid" 2>/dev/null
		;;
	esac
	wait "$gate_pid" 2>/dev/null
	return 0
}

# wait_sql NAME SQL: until SQL gives 1 on database NAME, at most 30 s.
wait_sql() {
	ws_i=0
	until test "$(dbq "$1" "$2")" = 1; do
		ws_i=$((ws_i + 1))
		[ $ws_i -lt 300 ] || return 1
		sleep 0.1
	done
}

# msr_bg ARGS...: msr in the background, stdout to out, stderr to err;
# msr_wait then sets $code to its exit status.  The out of the test
# before is gone first: waiting for an event of this run must not find
# one of that.
msr_bg() {
	rm -f code out err
	( $MSRTEST_VALGRIND "$MSRTEST_BIN" "$@" >out 2>err; echo $? >code ) &
	msr_pid=$!
}

msr_wait() {
	wait "$msr_pid"
	code=$(cat code)
}

# big FILE HEAD TAIL: HEAD, 100 KiB of comment lines, then TAIL: HEAD
# is in the first piece of 64 KiB that msr reads, TAIL in a later one.
big() {
	{
		printf '%s\n' "$2" &&
		awk 'BEGIN { for (i = 0; i < 2000; i++) printf "-- line %05d of the padding, read in a later piece of the file\n", i }' &&
		printf '%s\n' "$3"
	} >"$1"
}

# rows NAME: version|state|statements_done of each row, in order.
rows() {
	dbq "$1" "SELECT version, state, statements_done FROM msr_migrations
	    ORDER BY seq"
}

test_expect_success 'a file that changes its text, not its shape, is rolled back' '
	db_new tx &&
	mig tx 1_first "CREATE TABLE first (x int);" &&
	msr -u "$(db_url tx)" -d tx migrate 2>err &&
	mig tx 2_gate "$(gate_sql)" &&
	mig tx 3_a "CREATE TABLE a (x int);" &&
	close_gate tx &&
	test_when_finished "open_gate tx" &&
	msr_bg -c busy.ini -u "$(db_url tx)" -d tx --json migrate &&
	wait_for out "\"migration_started\".*\"version\":\"2\"" &&
	mig tx 3_a "CREATE TABLE evil (x int);" &&
	open_gate tx &&
	msr_wait &&
	test "$code" = 1 &&
	test_grep "^msr: error: tx/3_a.up.sql changed while msr ran it$" err &&
	test_grep "3_a: rolled back, nothing of it remains" err &&
	test "$(db_tables tx)" = first &&
	test "$(rows tx)" = "1|applied|0
2|applied|0"
'

test_expect_success 'a no-transaction file changed in a later piece: the statements before it ran, none after' '
	db_new nt &&
	mig nt 1_first "CREATE TABLE first (x int);" &&
	msr -u "$(db_url nt)" -d nt migrate 2>err &&
	mig nt 2_gate "$(gate_sql)" &&
	big nt/3_big.up.sql "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS n1 (x int);
CREATE TABLE IF NOT EXISTS n2 (x int);" "CREATE TABLE IF NOT EXISTS n3 (x int);
CREATE TABLE IF NOT EXISTS n4 (x int);" &&
	cp nt/3_big.up.sql planned.sql &&
	close_gate nt &&
	test_when_finished "open_gate nt" &&
	msr_bg -c busy.ini -u "$(db_url nt)" -d nt --json migrate &&
	wait_for out "\"migration_started\".*\"version\":\"2\"" &&
	big nt/3_big.up.sql "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS n1 (x int);
CREATE TABLE IF NOT EXISTS n2 (x int);" "CREATE TABLE IF NOT EXISTS evil (x int);
CREATE TABLE IF NOT EXISTS n4 (x int);" &&
	open_gate nt &&
	msr_wait &&
	test "$code" = 1 &&
	test_grep "^msr: error: nt/3_big.up.sql changed while msr ran it$" err &&
	test_grep "3_big is partial: 2 of 4 statements done" err &&
	test "$(db_tables nt)" = "first
n1
n2" &&
	test "$(rows nt)" = "1|applied|0
2|applied|0
3|partial|2" &&
	: restored, it resumes &&
	cp planned.sql nt/3_big.up.sql &&
	msr -u "$(db_url nt)" -d nt migrate 2>err &&
	test_grep "resuming 3_big at statement 3 of 4" err &&
	test "$(db_tables nt)" = "first
n1
n2
n3
n4" &&
	test "$(dbq nt "SELECT state, checksum FROM msr_migrations
	    WHERE version = '\''3'\''")" = "applied|$(sha256sum <planned.sql | cut -d" " -f1)"
'

test_expect_success 'per-batch: a file changed after planning rolls the batch back' '
	db_new pb &&
	mig pb 1_first "CREATE TABLE first (x int);" &&
	msr -u "$(db_url pb)" -d pb migrate 2>err &&
	: a warning about it says that planning is done &&
	rm pb/1_first.up.sql &&
	mig pb 2_gate "$(gate_sql)" &&
	mig pb 3_a "CREATE TABLE a (x int);" &&
	close_gate pb &&
	test_when_finished "open_gate pb" &&
	msr_bg -c busy.ini -u "$(db_url pb)" -d pb --transaction per-batch migrate &&
	wait_for err "version 1 (first) is applied but its file is missing" &&
	mig pb 3_a "CREATE TABLE evil (x int);" &&
	open_gate pb &&
	msr_wait &&
	test "$code" = 1 &&
	test_grep "^msr: error: pb/3_a.up.sql changed while msr ran it$" err &&
	test_grep "the batch was rolled back" err &&
	test "$(db_tables pb)" = first &&
	test "$(rows pb)" = "1|applied|0"
'

test_expect_success 'a down file changed after planning is rolled back' '
	db_new dn &&
	mig dn 1_first "CREATE TABLE first (x int);" "DROP TABLE first;" &&
	mig dn 2_a "CREATE TABLE a (x int);" "DROP TABLE a;" &&
	mig dn 3_gate "$(gate_sql)" "$(gate_sql)" &&
	msr -u "$(db_url dn)" -d dn migrate 2>err &&
	close_gate dn &&
	test_when_finished "open_gate dn" &&
	msr_bg -c busy.ini -u "$(db_url dn)" -d dn --json down 1 &&
	wait_for out "\"migration_started\".*\"version\":\"3\"" &&
	mig dn 2_a "CREATE TABLE a (x int);" "DROP TABLE first;" &&
	open_gate dn &&
	msr_wait &&
	test "$code" = 1 &&
	test_grep "^msr: error: dn/2_a.down.sql changed while msr ran it$" err &&
	test "$(db_tables dn)" = "a
first" &&
	test "$(rows dn)" = "1|applied|0
2|applied|0"
'

test_expect_success 'resuming a partial file checks the pieces it reads' '
	db_new rs &&
	mkdir -p rs &&
	big rs/1_resume.up.sql "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS r1 (x int);
$(gate_insert)" "CREATE TABLE IF NOT EXISTS r2 (x int);" &&
	cp rs/1_resume.up.sql planned.sql &&
	test_expect_code 1 msr -u "$(db_url rs)" -d rs migrate 2>err &&
	test "$(rows rs)" = "1|partial|1" &&
	dbq rs "CREATE TABLE needs_fix (x int)" &&
	close_gate rs &&
	test_when_finished "open_gate rs" &&
	msr_bg -c busy.ini -u "$(db_url rs)" -d rs migrate &&
	: msr read the first piece, and waits in the second statement &&
	wait_for err "resuming 1_resume at statement 2 of 3" &&
	big rs/1_resume.up.sql "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS r1 (x int);
$(gate_insert)" "CREATE TABLE IF NOT EXISTS evil (x int);" &&
	open_gate rs &&
	msr_wait &&
	test "$code" = 1 &&
	test_grep "^msr: error: rs/1_resume.up.sql changed while msr ran it$" err &&
	test "$(rows rs)" = "1|partial|2" &&
	test "$(db_tables rs)" = "needs_fix
r1" &&
	cp planned.sql rs/1_resume.up.sql &&
	msr -u "$(db_url rs)" -d rs migrate 2>err &&
	test_grep "resuming 1_resume at statement 3 of 3" err &&
	test "$(db_tables rs)" = "needs_fix
r1
r2" &&
	test "$(dbq rs "SELECT count(*) FROM needs_fix")" = 1
'

test_expect_success 'a large no-transaction file, a statement longer than a piece: it runs and resumes' '
	db_new lg &&
	long=$(awk "BEGIN { while (i++ < 70000) printf \"x\" }") &&
	mkdir -p lg &&
	big lg/1_large.up.sql "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS large (x text);
INSERT INTO large VALUES ('\''$long'\'');" "INSERT INTO large VALUES ('\''y$long'\'');
INSERT INTO needs_fix VALUES (1);
CREATE TABLE IF NOT EXISTS done (x int);" &&
	test $(wc -c <lg/1_large.up.sql) -gt 200000 &&
	test_expect_code 1 msr -u "$(db_url lg)" -d lg migrate 2>err &&
	test_grep "1_large is partial: 3 of 5 statements done" err &&
	dbq lg "CREATE TABLE needs_fix (x int)" &&
	msr -u "$(db_url lg)" -d lg migrate 2>err &&
	test_grep "resuming 1_large at statement 4 of 5" err &&
	test "$(dbq lg "SELECT count(*), sum(length(x)) FROM large")" = "2|140001" &&
	test "$(dbq lg "SELECT count(*) FROM needs_fix")" = 1 &&
	test "$(dbq lg "SELECT state, checksum FROM msr_migrations")" = "applied|$(sha256sum <lg/1_large.up.sql | cut -d" " -f1)"
'

test_done
