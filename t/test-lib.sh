# test-lib.sh: the shell test library of msr, speaking TAP.
#
# A test script sets test_description, sources this file, runs
# test_expect_success 'description' 'commands' for each test, and ends
# with test_done.  Each script works in its own scratch directory,
# t/trash.SCRIPT, removed when every test passed.  The msr under test is
# $MSRTEST_BIN, run under $MSRTEST_VALGRIND when that is set.

: "${MSRTEST_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${MSRTEST_BIN:=$MSRTEST_SRCDIR/src/msr}"
export MSRTEST_SRCDIR MSRTEST_BIN

# A clean environment: nothing from the caller's configuration leaks in.
# The suite's own variables are MSRTEST_*, a prefix that msr does not
# read: an MSR_* variable that names no key of msr.ini gets a warning.
for v in $(env | sed -n 's/^\(MSR_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset DATABASE_URL PGPASSWORD PGHOST PGPORT PGUSER PGDATABASE

# The database driver of the driver-neutral tests: sqlite (the default)
# or pg, from MSRTEST_DRIVER.  Those tests name their databases only
# through the db_* helpers below, each done for both drivers: a database
# NAME is the file NAME.db for SQLite, the database NAME on lib-pg.sh's
# throwaway server for PostgreSQL.
: "${MSRTEST_DRIVER:=sqlite}"
case $MSRTEST_DRIVER in
sqlite|pg) ;;
*)
	printf 'Bail out! MSRTEST_DRIVER=%s: expected sqlite or pg\n' \
	    "$MSRTEST_DRIVER"
	exit 1
	;;
esac
export MSRTEST_DRIVER

NO_COLOR=1
LC_ALL=C
export NO_COLOR LC_ALL

test_name=$(basename "$0" .sh)
TRASH=$(pwd)/t/trash.$test_name
case $(pwd) in
*/t) TRASH=$(pwd)/trash.$test_name ;;
esac
rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 1
cd "$TRASH" || exit 1
HOME=$TRASH
export HOME

# python3 "$TRASH/.holdlock.py" LOCKFILE READY [SECONDS]: holds the
# migration lock of an SQLite database as another msr would, the fcntl
# lock of its lock file with a holder line in it, and writes READY once
# it does; it ends by itself after SECONDS (60).
cat >"$TRASH/.holdlock.py" <<\EOF
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.write(fd, b"pid 4242 on build1 since 2025-01-15T10:00:00Z\n")
open(sys.argv[2], "w").write("ready\n")
time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 60)
EOF

# python3 "$TRASH/.holddb.py" DBFILE READY [SECONDS]: holds an SQLite
# database locked for writing, as an application in a long write
# transaction does, and writes READY once it does; it ends by itself
# after SECONDS (60).
cat >"$TRASH/.holddb.py" <<\EOF
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").write("ready\n")
time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 60)
EOF

test_count=0
test_failed=0
test_log=$TRASH/.test-output

say() {
	printf '# %s\n' "$*"
}

# test_expect_success DESCRIPTION BODY
test_expect_success() {
	test_count=$((test_count + 1))
	if ! test_chain_ok "$2"; then
		test_failed=$((test_failed + 1))
		printf 'not ok %d - %s\n' "$test_count" "$1"
		printf '#   a command of the body is not chained with &&:\n'
		printf '%s\n' "$2" | sed -e 's/^/#   | /'
		cd "$TRASH" || exit 1
		return
	fi
	# Fd 5 reaches the log even when the body redirects stderr.
	if (test_run_ "$2") >"$test_log" 2>&1 5>&1; then
		printf 'ok %d - %s\n' "$test_count" "$1"
	else
		test_failed=$((test_failed + 1))
		printf 'not ok %d - %s\n' "$test_count" "$1"
		sed -e 's/^/#   /' "$test_log"
		printf '#   body:\n'
		printf '%s\n' "$2" | sed -e 's/^/#   | /'
	fi
	cd "$TRASH" || exit 1
}

# test_run_ BODY: runs BODY, then what it gave test_when_finished.
test_body_() {
	eval "$test_body_text"
}
test_run_() {
	test_body_text=$1
	test_cleanup=:
	test_body_
	test_rc_=$?
	eval "$test_cleanup"
	return $test_rc_
}

# test_when_finished COMMAND: runs COMMAND once the body is done, passed
# or failed (a holder to kill, a lock to free); the last given runs
# first.
test_when_finished() {
	test_cleanup="{ $1
}; $test_cleanup"
}

# test_chain_ok BODY: whether every command of BODY is chained with &&.
# BODY runs once more behind a command that fails with 117: chained
# through, it stops there; a link that is not && (a newline, a ';', a
# trailing '|| ...') runs on and ends with another status.  The commands
# after such a link run in a subshell of the scratch directory.
test_chain_ok() {
	(eval "(exit 117) && $1") >/dev/null 2>&1 5>&1 </dev/null
	test $? -eq 117
}

# test_skip_all REASON: skips the whole script, which cannot run here
# for want of REASON.  Under MSRTEST_REQUIRE_ALL (CI, where scripts/deps
# installs everything) nothing may be skipped: the script fails instead.
# A script that does not apply to a build at all (PostgreSQL tests
# without the driver, valgrind on a sanitized binary) is left out of
# TESTS by Makefile.am, and never gets here.
test_skip_all() {
	cd / && rm -rf "$TRASH"
	if [ -n "${MSRTEST_REQUIRE_ALL:-}" ]; then
		printf 'not ok 1 - cannot run here: %s\n1..1\n' "$1"
		exit 1
	fi
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

# test_require WHAT HOW: skips the script when WHAT is missing (HOW
# installs it); a failure under MSRTEST_REQUIRE_ALL, as test_skip_all.
test_require() {
	test_skip_all "$1 is required: $2"
}

# test_skip DESCRIPTION REASON: a test that cannot run here for want of
# REASON; a failure under MSRTEST_REQUIRE_ALL, as test_skip_all.
test_skip() {
	test_count=$((test_count + 1))
	if [ -n "${MSRTEST_REQUIRE_ALL:-}" ]; then
		test_failed=$((test_failed + 1))
		printf 'not ok %d - %s\n#   cannot run here: %s\n' \
		    "$test_count" "$1" "$2"
		return 0
	fi
	printf 'ok %d - %s # SKIP %s\n' "$test_count" "$1" "$2"
}

# test_for DRIVER DESCRIPTION BODY: a test of what only DRIVER (sqlite or
# pg) has, or of what does not depend on the driver, run by the script
# of that driver only; the other has no such test, and skips nothing.
test_for() {
	if [ "$MSRTEST_DRIVER" = "$1" ]; then
		test_expect_success "$2" "$3"
	fi
}

test_done() {
	printf '1..%d\n' "$test_count"
	if [ "$test_failed" -eq 0 ]; then
		cd / && rm -rf "$TRASH"
		exit 0
	fi
	say "$test_failed of $test_count failed; scratch kept in $TRASH"
	exit 1
}

# msr ARGS: the program under test.
msr() {
	$MSRTEST_VALGRIND "$MSRTEST_BIN" "$@"
}

# test_expect_code CODE COMMAND...: the command exits with CODE.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "test_expect_code: '$*' exited $got, expected $want" >&5
		return 1
	fi
	return 0
}

# test_must_fail COMMAND...: fails, but not by crashing.
test_must_fail() {
	"$@"
	got=$?
	if [ "$got" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&5
		return 1
	fi
	if [ "$got" -gt 125 ] && [ "$got" -ne 130 ] && [ "$got" -ne 143 ]; then
		echo "test_must_fail: '$*' died with $got" >&5
		return 1
	fi
	return 0
}

# wait_for FILE [PATTERN]: until FILE exists and holds PATTERN, when
# given, at most 30 s.
wait_for() {
	i=0
	while ! { test -e "$1" &&
	    { test -z "${2:-}" || grep -q -e "$2" "$1" 2>/dev/null; }; }; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "timed out waiting for '${2:-}' in $1" >&2
			return 1
		fi
		sleep 0.1
	done
}

# hold_lock NAME: a process holds the migration lock of database NAME,
# as another msr would, until free_lock NAME: .holdlock.py for SQLite,
# lib-pg.sh's pg_hold_lock for PostgreSQL.
hold_lock() {
	rm -f lock.ready
	case $MSRTEST_DRIVER in
	pg)
		pg_hold_lock "$1" public || return 1
		holder_pid=$holder
		;;
	*)
		python3 "$TRASH/.holdlock.py" "$1.db-msr.lock" lock.ready 120 &
		holder_pid=$!
		wait_for lock.ready ready
		;;
	esac
}

# free_lock NAME: ends the holder of hold_lock.
free_lock() {
	case $MSRTEST_DRIVER in
	pg) pg_free_lock "$1" ;;
	*) kill "$holder_pid" 2>/dev/null ;;
	esac
	wait "$holder_pid" 2>/dev/null
	return 0
}

# msr_bg OUT ERR ARGS...: msr in the background, stdout to OUT and stderr
# to ERR; $! is msr itself, not a shell around it, so that a signal sent
# to $! reaches msr.  OUT and ERR are removed first, so that waiting for
# what msr writes there cannot find what an earlier command wrote.
msr_bg() {
	bg_out=$1 bg_err=$2
	shift 2
	rm -f "$bg_out" "$bg_err"
	( exec $MSRTEST_VALGRIND "$MSRTEST_BIN" "$@" >"$bg_out" 2>"$bg_err" ) &
}

# every_line_ours FILE: each line of msr's stderr FILE is its own, "msr:
# ..." or indented under one, so that a log reads well.
every_line_ours() {
	if grep -v -e '^msr: ' -e '^    ' "$1" >stray; then
		echo "lines that are neither 'msr: ' nor indented:" >&2
		cat stray >&2
		return 1
	fi
}

# versions DB: the applied versions of database DB, in order of
# application, joined by commas.
versions() {
	dbq "$1" "SELECT version FROM msr_migrations ORDER BY seq" |
	paste -s -d , -
}

# test_cmp EXPECTED ACTUAL
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep [-v] PATTERN FILE: like grep, but shows the file on failure.
test_grep() {
	if [ "$1" = -v ]; then
		shift
		if grep -e "$1" "$2" >/dev/null; then
			echo "test_grep: '$1' found in $2:" >&2
			sed -e 's/^/    /' "$2" >&2
			return 1
		fi
		return 0
	fi
	if ! grep -e "$1" "$2" >/dev/null; then
		echo "test_grep: '$1' not found in $2:" >&2
		sed -e 's/^/    /' "$2" >&2
		return 1
	fi
	return 0
}

# test_must_be_empty FILE
test_must_be_empty() {
	if [ -s "$1" ]; then
		echo "test_must_be_empty: $1 is not empty:" >&2
		sed -e 's/^/    /' "$1" >&2
		return 1
	fi
}

# sq DB SQL: runs SQL with the sqlite3 client, one value per line.
sq() {
	sqlite3 -batch -noheader "$1" "$2"
}

# schema_of DB: the schema without msr's tables, sorted, for comparing.
schema_of() {
	sqlite3 -batch -noheader "$1" "SELECT type, name, tbl_name, sql
	    FROM sqlite_master WHERE name NOT LIKE 'msr_migrations%'
	    AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
}

# db_fingerprint DB: schema and every row of every table but msr's, to
# show that a failed command changed nothing.
db_fingerprint() {
	if [ ! -f "$1" ]; then
		echo "no database"
		return 0
	fi
	sqlite3 -batch "$1" .dump
}

# db_new NAME: a fresh, empty database NAME.
db_new() {
	case $MSRTEST_DRIVER in
	pg) pg_newdb "$1" ;;
	*) rm -f "$1.db" "$1.db-journal" "$1.db-wal" "$1.db-shm" ;;
	esac
}

# db_url NAME: the URL of database NAME, for msr -u.
db_url() {
	case $MSRTEST_DRIVER in
	pg) pg_url "$1" ;;
	*) printf 'sqlite:%s.db\n' "$1" ;;
	esac
}

# dbq NAME SQL: runs SQL on database NAME, each row as an a|b line.
dbq() {
	case $MSRTEST_DRIVER in
	pg) pgq "$1" "$2" ;;
	*) sq "$1.db" "$2" ;;
	esac
}

# db_tables NAME: the tables of database NAME, sorted, without msr's own
# (msr_migrations, msr_migrations_log, msr_migrations_lock).
db_tables() {
	case $MSRTEST_DRIVER in
	pg)
		pgq "$1" "SELECT tablename FROM pg_catalog.pg_tables
		    WHERE schemaname = current_schema()
		    AND tablename NOT LIKE 'msr_migrations%'"
		;;
	*)
		sq "$1.db" "SELECT name FROM sqlite_master WHERE type = 'table'
		    AND name NOT LIKE 'msr_migrations%'
		    AND name NOT LIKE 'sqlite_%'"
		;;
	esac | sort
}

# db_schema NAME: the schema of database NAME without msr's tables.
db_schema() {
	case $MSRTEST_DRIVER in
	pg) pg_schema "$1" ;;
	*) schema_of "$1.db" ;;
	esac
}

# db_fp NAME: schema and data of database NAME, msr's tables included.
db_fp() {
	case $MSRTEST_DRIVER in
	pg) pg_fingerprint "$1" ;;
	*) db_fingerprint "$1.db" ;;
	esac
}

# mig DIR VERSION_NAME UP [DOWN]: writes a migration pair.
mig() {
	mkdir -p "$1" &&
	printf '%s\n' "$3" >"$1/$2.up.sql" &&
	if [ $# -ge 4 ]; then
		printf '%s\n' "$4" >"$1/$2.down.sql"
	fi
}

# Last, as lib-pg.sh uses this library: the server of the pg driver.
if [ "$MSRTEST_DRIVER" = pg ]; then
	. "$MSRTEST_SRCDIR/t/lib-pg.sh"
fi
