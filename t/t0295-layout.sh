#!/bin/sh
test_description='the SQLite layout of the tracking tables: new and 0.1'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# A new database gets msr_migrations WITHOUT ROWID and an audit id
# without AUTOINCREMENT; a database whose tables 0.1 made
# (t/fixtures/sqlite-0.1.sql) keeps its layout, with the columns msr
# adds, and works as before.

# msr_ddl DB: the statements of msr's tables, and sqlite_sequence.
msr_ddl() {
	sq "$1" "SELECT type, name, sql FROM sqlite_master
	    WHERE tbl_name LIKE 'msr_migrations%' OR name = 'sqlite_sequence'
	    ORDER BY type, name"
}

# old_ddl DB: msr_ddl without the columns that msr adds to 0.1's tables.
old_ddl() {
	msr_ddl "$1" >ddl-raw &&
	test_grep "^, origin TEXT)$" ddl-raw &&
	test_grep "^, run_id TEXT)$" ddl-raw &&
	sed -e "s/^, origin TEXT)$/)/" -e "s/^, run_id TEXT)$/)/" ddl-raw
}

# audit DB: the audit rows in the order of their ids.
audit() {
	sq "$1" "SELECT id, action, version, outcome FROM msr_migrations_log
	    ORDER BY id"
}

test_expect_success 'setup' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	mig m 3_c "CREATE TABLE c (x integer);" "DROP TABLE c;"
'

test_expect_success 'migrate on a new file: tracking table WITHOUT ROWID, audit id without AUTOINCREMENT' '
	msr -u sqlite:new.db -d m migrate &&
	sq new.db "SELECT sql FROM sqlite_master WHERE name = '\''msr_migrations'\''" >sql &&
	test_grep ") WITHOUT ROWID$" sql &&
	sq new.db "SELECT sql FROM sqlite_master WHERE name = '\''msr_migrations_log'\''" >sql &&
	test_grep "id[[:space:]]*INTEGER PRIMARY KEY," sql &&
	test_grep -v AUTOINCREMENT sql &&
	test "$(sq new.db "SELECT count(*) FROM sqlite_master WHERE name = '\''sqlite_sequence'\''")" = 0 &&
	test "$(sq new.db "SELECT count(*) FROM sqlite_master WHERE type = '\''index'\'' AND tbl_name LIKE '\''msr_migrations%'\''")" = 0 &&
	test "$(sq new.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2,3"
'

test_expect_success 'per-batch on a new file: the same layout' '
	msr -u sqlite:batch.db -d m --transaction per-batch migrate &&
	msr_ddl new.db >want &&
	msr_ddl batch.db >got &&
	test_cmp want got
'

test_expect_success 'a 0.1 database: migrate, down, redo, status, baseline, repair' '
	cp -R m o &&
	sqlite3 -bail old.db <"$MSRTEST_SRCDIR/t/fixtures/sqlite-0.1.sql" &&
	msr_ddl old.db >ddl-before &&
	test_grep "sqlite_autoindex_msr_migrations_1" ddl-before &&
	test_grep AUTOINCREMENT ddl-before &&
	msr -u sqlite:old.db -d o migrate &&
	msr -u sqlite:old.db -d o down --steps 1 &&
	msr -u sqlite:old.db -d o redo &&
	msr -u sqlite:old.db -d o migrate &&
	mig o 4_bad "CREATE TABLE d (x integer); INSERT INTO nope VALUES (1);" &&
	test_when_finished "rm -f o/4_bad.up.sql" &&
	test_expect_code 1 msr -u sqlite:old.db -d o migrate 2>err &&
	rm o/4_bad.up.sql &&
	mig o 4_d "CREATE TABLE d (x integer);" "DROP TABLE d;" &&
	sq old.db "CREATE TABLE d (x integer)" &&
	msr -u sqlite:old.db -d o baseline 4 &&
	echo "-- a comment added later" >>o/1_a.up.sql &&
	test_expect_code 5 msr -u sqlite:old.db -d o check &&
	msr -u sqlite:old.db -d o repair &&
	msr -u sqlite:old.db -d o check &&
	msr -u sqlite:old.db -d o status >status &&
	test "$(grep -c applied status)" = 4 &&
	test "$(sq old.db "SELECT group_concat(version) FROM (SELECT version FROM msr_migrations ORDER BY seq)")" = "1,2,3,4" &&
	printf "%s\n" "1|up|1|ok" "2|up|2|ok" "3|up|3|ok" "4|down|3|ok" \
	    "5|down|2|ok" "6|up|2|ok" "7|up|3|ok" "8|up|4|failed" \
	    "9|baseline|4|ok" "10|repair|1|ok" >want &&
	audit old.db >got &&
	test_cmp want got
'

test_expect_success 'a 0.1 database keeps its layout: msr only adds its new columns' '
	old_ddl old.db >ddl-after &&
	test_cmp ddl-before ddl-after &&
	test "$(sq old.db "SELECT seq FROM sqlite_sequence WHERE name = '\''msr_migrations_log'\''")" = 10
'

test_expect_success 'audit ids: a 0.1 database never gives an id again' '
	sq old.db "DELETE FROM msr_migrations_log WHERE id >= 9" &&
	msr -u sqlite:old.db -d o down --steps 1 &&
	test "$(sq old.db "SELECT max(id) FROM msr_migrations_log")" = 11
'

test_expect_success 'a 0.1 database: repair --forget, and its layout is still the same' '
	mig o 5_p "-- msr:no-transaction
CREATE TABLE p (x integer);
INSERT INTO later VALUES (1);" &&
	test_expect_code 1 msr -u sqlite:old.db -d o migrate 2>err &&
	test "$(sq old.db "SELECT state FROM msr_migrations WHERE version = '\''5'\''")" = partial &&
	sq old.db "DROP TABLE p" &&
	msr -u sqlite:old.db -d o repair --forget 5 &&
	test "$(sq old.db "SELECT count(*) FROM msr_migrations WHERE version = '\''5'\''")" = 0 &&
	printf "%s\n" "12|up|4|ok" "13|up|5|partial" "14|forget|5|ok" >want &&
	audit old.db | sed -n "/^12|/,\$p" >got &&
	test_cmp want got &&
	old_ddl old.db >ddl-after &&
	test_cmp ddl-before ddl-after
'

test_expect_success 'audit ids: a new database gives the highest id + 1' '
	msr -u sqlite:new.db -d m down --steps 1 &&
	msr -u sqlite:new.db -d m migrate &&
	printf "%s\n" "1|up|1|ok" "2|up|2|ok" "3|up|3|ok" "4|down|3|ok" \
	    "5|up|3|ok" >want &&
	audit new.db >got &&
	test_cmp want got &&
	sq new.db "DELETE FROM msr_migrations_log WHERE id = 1" &&
	msr -u sqlite:new.db -d m down --steps 1 &&
	test "$(sq new.db "SELECT max(id) FROM msr_migrations_log")" = 6 &&
	sq new.db "DELETE FROM msr_migrations_log WHERE id >= 5" &&
	msr -u sqlite:new.db -d m migrate &&
	test "$(sq new.db "SELECT id, action FROM msr_migrations_log WHERE id > 4")" = "5|up"
'

test_done
