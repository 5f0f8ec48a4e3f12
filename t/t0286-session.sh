#!/bin/sh
test_description='a migration'\''s session settings do not reach the next
one: one run gives what separate runs give'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# Per driver: BASE makes what the others use; LEAK changes the session
# (SQLite: foreign keys on; PostgreSQL: the schema that tables go to);
# USE succeeds and fills public.t3 / main.t3 only in a fresh session.
if [ "$MSRTEST_DRIVER" = pg ]; then
	BASE='CREATE SCHEMA other;
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (p int);'
	LEAK='SET search_path = other, public;'
else
	BASE='CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (p INTEGER REFERENCES p (id));'
	LEAK='PRAGMA foreign_keys = ON;'
fi
USE='CREATE TABLE t3 (x int);
INSERT INTO c VALUES (42);
INSERT INTO t3 VALUES (1);'

# same DIR: DIR applied in one run and one migration a run give the same
# database, with t3 where a fresh session puts it.
same() {
	db_new one && db_new split &&
	msr -u "$(db_url one)" -d "$1" migrate 2>one.err &&
	msr -u "$(db_url split)" -d "$1" migrate --to 1 2>split.err &&
	msr -u "$(db_url split)" -d "$1" migrate --to 2 2>>split.err &&
	msr -u "$(db_url split)" -d "$1" migrate 2>>split.err &&
	db_schema one >one.schema &&
	db_schema split >split.schema &&
	test_cmp split.schema one.schema &&
	test "$(dbq one "SELECT count(*) FROM t3")" = 1 &&
	test "$(dbq one "SELECT count(*) FROM msr_migrations")" = 3
}

test_expect_success 'a setting of 0002 does not reach 0003 in the same run' '
	mig tx 0001_base "$BASE" &&
	mig tx 0002_leak "$LEAK" &&
	mig tx 0003_use "$USE" &&
	same tx
'

test_expect_success 'the same when 0002 runs without a transaction' '
	mig notx 0001_base "$BASE" &&
	mig notx 0002_leak "-- msr:no-transaction
$LEAK
CREATE TABLE t2 (x int);" &&
	mig notx 0003_use "$USE" &&
	db_new dry &&
	msr -u "$(db_url dry)" -d notx migrate --dry-run >plan &&
	test_grep "0002_leak.up.sql  \[no transaction" plan &&
	same notx
'

test_expect_success 'the same when 0002 has its own BEGIN and COMMIT' '
	mig own 0001_base "$BASE" &&
	mig own 0002_leak "$LEAK
BEGIN;
CREATE TABLE t2 (x int);
COMMIT;" &&
	mig own 0003_use "$USE" &&
	db_new dry &&
	msr -u "$(db_url dry)" -d own migrate --dry-run >plan &&
	test_grep "0002_leak.up.sql  \[transaction, own block" plan &&
	same own
'

test_expect_success 'redo: what the down file set does not reach the up file' '
	mig rd 0001_base "$BASE" &&
	mig rd 0002_use "$USE" "$LEAK
DROP TABLE t3;
DELETE FROM c;" &&
	db_new redo &&
	msr -u "$(db_url redo)" -d rd migrate 2>err &&
	msr -u "$(db_url redo)" -d rd redo 2>err &&
	test "$(dbq redo "SELECT count(*) FROM t3")" = 1 &&
	test "$(dbq redo "SELECT count(*) FROM msr_migrations")" = 2
'

test_expect_success 'down two: what the first down file set does not reach the second' '
	mig dn 0001_base "$BASE" &&
	mig dn 0002_t2 "CREATE TABLE t2 (x int);
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1);" "DROP TABLE t2;
DELETE FROM p;
CREATE TABLE gone (x int);" &&
	mig dn 0003_leak "SELECT 1;" "$LEAK" &&
	db_new down &&
	msr -u "$(db_url down)" -d dn migrate 2>err &&
	msr -u "$(db_url down)" -d dn down 1 2>err &&
	test "$(dbq down "SELECT count(*) FROM msr_migrations")" = 1 &&
	test "$(db_tables down | tr "\n" " ")" = "c gone p "
'

if [ "$MSRTEST_DRIVER" = sqlite ]; then
test_expect_success 'SQLite: PRAGMA case_sensitive_like and recursive_triggers do not reach the next migration' '
	mig pr 0001_set "PRAGMA case_sensitive_like = ON;
PRAGMA recursive_triggers = ON;" &&
	mig pr 0002_use "CREATE TABLE n (x INTEGER);
CREATE TRIGGER more AFTER INSERT ON n WHEN new.x < 5
BEGIN INSERT INTO n VALUES (new.x + 1); END;
INSERT INTO n VALUES (1);
CREATE TABLE seen AS SELECT (SELECT count(*) FROM n) AS rows,
    '\''A'\'' LIKE '\''a'\'' AS ci;" &&
	db_new prag &&
	msr -u "$(db_url prag)" -d pr migrate 2>err &&
	test "$(dbq prag "SELECT rows, ci FROM seen")" = "2|1"
'
fi

test_done
