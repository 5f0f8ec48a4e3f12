#!/bin/sh
test_description='the SQLite lock file: one per database file, never followed'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

# wait_table DB TABLE: until TABLE is in DB, at most 20 s.
wait_table() {
	i=0
	while [ "$(sq "$1" "SELECT count(*) FROM sqlite_master
	    WHERE name = '$2'" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "timed out waiting for $2 in $1" >&2; return 1; }
		sleep 0.1
	done
}

# hold LOCKFILE: holds LOCKFILE in the background; $holder is its pid.
hold() {
	rm -f held
	python3 "$TRASH/.holdlock.py" "$1" held &
	holder=$!
	wait_for held ready
}

# release: ends the holder of hold, if any.  Each test that holds a lock
# sets it as its EXIT trap.
release() {
	if [ -n "${holder:-}" ]; then
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
	fi
	holder=
	return 0
}

# refused DB LOCKFILE WHY ARGS...: msr ARGS on sqlite:DB exits 3, saying
# that it refuses LOCKFILE (a path ending in it) because WHY: it cannot
# take the lock, or for lock status, read it.
refused() {
	rf_db=$1 rf_lock=$2 rf_why=$3
	shift 3
	test_expect_code 3 msr -u sqlite:$rf_db "$@" 2>err &&
	test_grep "^msr: error: cannot [a-z]* the migration lock: refusing lock file ${SQ}/[^${SQ}]*/$rf_lock${SQ}: $rf_why$" err
}

mig m 1_a "CREATE TABLE a (x integer);"
mig m 2_b "CREATE TABLE b (x integer);"
echo "root:x:0:0:root:/root:/bin/sh" >victim
cp victim victim.orig

# fresh DB: DB at version 1, made with the lock, its lock file removed.
fresh() {
	rm -f "$1" "$1-msr.lock" &&
	msr -u sqlite:$1 -d m migrate --to 1 2>/dev/null &&
	rm "$1-msr.lock" &&
	db_fingerprint "$1" >before
}

# unchanged DB: DB and victim as they were before the refusal.
unchanged() {
	db_fingerprint "$1" >after &&
	test_cmp before after &&
	test_cmp victim.orig victim
}

test_expect_success 'a symbolic link as the lock file is refused: exit 3, its target untouched' '
	fresh sl.db &&
	ln -s victim sl.db-msr.lock &&
	refused sl.db sl.db-msr.lock "it is a symbolic link" -d m migrate &&
	unchanged sl.db &&
	refused sl.db sl.db-msr.lock "it is a symbolic link" lock status &&
	unchanged sl.db &&
	: a new database is not created either &&
	ln -s victim new.db-msr.lock &&
	refused new.db new.db-msr.lock "it is a symbolic link" -d m migrate &&
	test ! -e new.db &&
	test_cmp victim.orig victim
'

test_expect_success 'a dangling symbolic link as the lock file: exit 3, its target not created' '
	fresh dl.db &&
	ln -s target dl.db-msr.lock &&
	refused dl.db dl.db-msr.lock "it is a symbolic link" -d m migrate &&
	test ! -e target &&
	unchanged dl.db &&
	refused dl.db dl.db-msr.lock "it is a symbolic link" lock status &&
	test ! -e target
'

test_expect_success 'a FIFO as the lock file is refused with exit 3' '
	fresh ff.db &&
	mkfifo ff.db-msr.lock &&
	refused ff.db ff.db-msr.lock "it is a FIFO" -d m migrate &&
	unchanged ff.db &&
	test -p ff.db-msr.lock
'

test_expect_success 'a directory as the lock file is exit 3' '
	fresh dd.db &&
	mkdir dd.db-msr.lock &&
	test_expect_code 3 msr -u sqlite:dd.db -d m migrate 2>err &&
	test_grep "^msr: error: cannot take the migration lock: cannot open lock file ${SQ}/[^${SQ}]*/dd.db-msr.lock${SQ}: Is a directory$" err &&
	unchanged dd.db
'

test_expect_success 'a hard link as the lock file is refused: exit 3, the other name untouched' '
	fresh hl.db &&
	ln victim hl.db-msr.lock &&
	refused hl.db hl.db-msr.lock "it has 2 links, not one" -d m migrate &&
	unchanged hl.db &&
	refused hl.db hl.db-msr.lock "it has 2 links, not one" lock status &&
	unchanged hl.db
'

# A second user for the tests of ownership: created here when it does
# not exist, and then removed at the end.
other=msrt0265
made_user=
remove_user() {
	if [ -n "$made_user" ]; then
		userdel "$other" >/dev/null 2>&1
	fi
}
trap remove_user EXIT
have_other=
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null &&
    command -v setpriv >/dev/null; then
	if ! id -u "$other" >/dev/null 2>&1; then
		useradd -M -N -d /nonexistent -s /bin/false "$other" &&
		made_user=1
	fi
	if id -u "$other" >/dev/null 2>&1; then
		have_other=1
		other_uid=$(id -u "$other")
		other_gid=$(id -g "$other")
	fi
fi

# as_other ARGS...: msr ARGS as the second user.
as_other() {
	setpriv --reuid="$other_uid" --regid="$other_gid" --clear-groups \
	    $MSRTEST_VALGRIND "$MSRTEST_BIN" "$@"
}

# owned NAME BODY: a test that needs root and the second user.
owned() {
	if [ -n "$have_other" ]; then
		test_expect_success "$@"
	elif [ "$(id -u)" = 0 ]; then
		test_expect_success "$1" 'echo "cannot create user $other" >&2; false'
	else
		test_skip "$1" "needs root to create a second user"
	fi
}

owned 'a lock file of another user is refused, readable or not' '
	fresh ou.db &&
	cp victim ou.db-msr.lock &&
	chown "$other" ou.db-msr.lock &&
	refused ou.db ou.db-msr.lock "it belongs to uid $other_uid, not to msr${SQ}s user, root or the owner of the database" -d m migrate &&
	unchanged ou.db &&
	test_cmp victim.orig ou.db-msr.lock &&
	chmod 000 ou.db-msr.lock &&
	refused ou.db ou.db-msr.lock "it belongs to uid $other_uid, not to msr${SQ}s user, root or the owner of the database" -d m migrate &&
	unchanged ou.db &&
	test_cmp victim.orig ou.db-msr.lock
'

owned 'a lock file of the database owner or of root is taken' '
	mkdir -p od &&
	chown "$other" od &&
	as_other -u sqlite:od/app.db -d m migrate --to 1 2>err &&
	test "$(stat -c %u od/app.db-msr.lock)" = "$other_uid" &&
	: root takes the lock file of the database owner &&
	msr -u sqlite:od/app.db -d m migrate 2>err &&
	test_grep "applied 2_b" err &&
	test "$(sq od/app.db "SELECT group_concat(version) FROM msr_migrations")" = 1,2 &&
	: the owner takes a lock file of root that it may write &&
	rm od/app.db-msr.lock &&
	: >od/app.db-msr.lock &&
	chmod 666 od/app.db-msr.lock &&
	mig m 3_c "CREATE TABLE c (x integer);" &&
	as_other -u sqlite:od/app.db -d m migrate 2>err &&
	test_grep "applied 3_c" err &&
	rm m/3_c.up.sql
'

owned 'a lock file its user cannot open is exit 3' '
	mkdir -p ur &&
	chown "$other" ur &&
	as_other -u sqlite:ur/app.db -d m migrate --to 1 2>err &&
	db_fingerprint ur/app.db >before &&
	echo "pid 1 on x since y" >ur/app.db-msr.lock &&
	chown "$other" ur/app.db-msr.lock &&
	chmod 000 ur/app.db-msr.lock &&
	test_expect_code 3 as_other -u sqlite:ur/app.db -d m migrate 2>err &&
	test_grep "^msr: error: cannot take the migration lock: cannot open lock file ${SQ}/[^${SQ}]*/ur/app.db-msr.lock${SQ}: Permission denied$" err &&
	db_fingerprint ur/app.db >after &&
	test_cmp before after &&
	test "$(cat ur/app.db-msr.lock)" = "pid 1 on x since y"
'

test_expect_success 'a symbolic link to the database shares its lock file' '
	trap release EXIT &&
	fresh app.db &&
	ln -s app.db alias.db &&
	mkdir -p elsewhere &&
	ln -s ../app.db elsewhere/alias.db &&
	hold app.db-msr.lock &&
	test_expect_code 4 msr -u sqlite:alias.db -d m --lock-timeout 0 migrate 2>err &&
	test_grep "it is held by pid 4242 on build1 since" err &&
	test_expect_code 4 msr -u sqlite:elsewhere/alias.db -d m --lock-timeout 0 migrate 2>err &&
	test_grep "it is held by pid 4242 on build1 since" err &&
	msr -u sqlite:elsewhere/alias.db lock status >out &&
	test_grep "^held by pid 4242 on build1" out &&
	test ! -e alias.db-msr.lock &&
	test ! -e elsewhere/alias.db-msr.lock &&
	db_fingerprint app.db >after &&
	test_cmp before after &&
	release &&
	msr -u sqlite:elsewhere/alias.db -d m --lock-timeout 0 migrate 2>err &&
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations")" = 1,2 &&
	test ! -e elsewhere/alias.db-msr.lock
'

# A deploy layout: current links to the release, whose app.db links to
# the database in shared/.
test_expect_success 'a current/ link to a release whose app.db links to shared/ shares the lock' '
	trap release EXIT &&
	mkdir -p releases/1 shared &&
	ln -s releases/1 current &&
	ln -s ../../shared/app.db releases/1/app.db &&
	msr -u sqlite:shared/app.db -d m migrate --to 1 2>err &&
	db_fingerprint shared/app.db >before &&
	hold shared/app.db-msr.lock &&
	test_expect_code 4 msr -u sqlite:current/app.db -d m --lock-timeout 0 migrate 2>err &&
	test_grep "it is held by pid 4242 on build1 since" err &&
	msr -u sqlite:releases/1/app.db lock status >out &&
	test_grep "^held by pid 4242 on build1" out &&
	db_fingerprint shared/app.db >after &&
	test_cmp before after &&
	release &&
	test ! -e releases/1/app.db-msr.lock
'

test_expect_success 'a current/ link to a directory: a database new to the command has one lock too' '
	trap release EXIT &&
	mkdir -p releases/2 &&
	ln -s releases/2 cur2 &&
	hold releases/2/new.db-msr.lock &&
	msr -u sqlite:cur2/new.db lock status >out &&
	test_grep "^held by pid 4242 on build1" out &&
	msr -u sqlite:./cur2//new.db lock status >out &&
	test_grep "^held by pid 4242 on build1" out &&
	test_expect_code 4 msr -u sqlite:cur2/new.db -d m --lock-timeout 0 migrate 2>err &&
	release &&
	test ! -s releases/2/new.db &&
	msr -u sqlite:cur2/new.db -d m migrate 2>err &&
	test "$(sq releases/2/new.db "SELECT group_concat(version) FROM msr_migrations")" = 1,2
'

test_expect_success 'two runners through app.db and alias.db: a no-transaction file runs once' '
	rm -rf nt two.db* twin.db &&
	mig nt 1_slow "-- msr:no-transaction
CREATE TABLE started (x integer);
CREATE TABLE n (c integer);
INSERT INTO n WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < 20000000) SELECT count(*) FROM c;
INSERT INTO started VALUES (1);" &&
	ln -s two.db twin.db &&
	{ msr -u sqlite:twin.db -d nt migrate 2>a.err & } &&
	wait_table two.db started &&
	msr -u sqlite:two.db -d nt migrate 2>b.err &&
	wait &&
	test_grep "waiting for the migration lock held by pid" b.err &&
	test_grep "nothing to do; the database is at version 1" b.err &&
	test "$(sq two.db "SELECT count(*) FROM started")" = 1 &&
	test "$(sq two.db "SELECT outcome FROM msr_migrations_log")" = ok
'

test_expect_success ':memory: takes no lock file' '
	msr -u sqlite::memory: -d m migrate 2>err &&
	test_grep "applied 2 migrations" err &&
	test ! -e ":memory:-msr.lock"
'

test_expect_success 'a database in a directory that does not exist is exit 3' '
	test_expect_code 3 msr -u sqlite:no/such/app.db -d m migrate 2>err &&
	test_grep "^msr: error: cannot connect to sqlite:no/such/app.db: cannot open" err &&
	test_expect_code 3 msr -u sqlite:no/such/app.db lock status 2>err &&
	test_grep "^msr: error: cannot connect to sqlite:no/such/app.db: cannot open" err &&
	test ! -e no
'

test_expect_success 'a database reached through a dangling link: nothing to do keeps the link' '
	rm -rf dang && mkdir dang dang/m &&
	ln -s missing.db dang/alias.db &&
	msr -u sqlite:dang/alias.db -d dang/m migrate 2>err &&
	test_grep "nothing to do" err &&
	test -h dang/alias.db &&
	test ! -e dang/missing.db
'

test_done
