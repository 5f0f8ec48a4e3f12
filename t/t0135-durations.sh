#!/bin/sh
test_description='one duration per migration, printed, in JSON and recorded; what a partial migration says works'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# A statement that takes a while: 300 ms on PostgreSQL, some tens of ms
# of work on SQLite.
if [ "$MSRTEST_DRIVER" = pg ]; then
	slow="SELECT pg_catalog.pg_sleep(0.3);"
	least=300
else
	slow="WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000) SELECT count(*) FROM c;"
	least=1
fi

test_expect_success 'a migration in a transaction: one figure everywhere' '
	mig m 1_slow "CREATE TABLE a (x integer); $slow" "DROP TABLE a;" &&
	db_new d &&
	msr -u "$(db_url d)" -d m migrate 2>err &&
	sed -n "s/^msr: applied 1_slow (\([0-9]*\) ms)$/\1/p" err >printed &&
	test "$(wc -l <printed)" = 1 &&
	test "$(dbq d "SELECT execution_ms FROM msr_migrations")" = "$(cat printed)" &&
	test "$(dbq d "SELECT execution_ms FROM msr_migrations_log WHERE action = '"'up'"'")" = "$(cat printed)" &&
	test "$(cat printed)" -ge $least &&
	msr -u "$(db_url d)" -d m down --all 2>/dev/null &&
	msr -u "$(db_url d)" -d m --json migrate >json 2>/dev/null &&
	sed -n "s/.*\"event\":\"migration_applied\".*\"duration_ms\":\([0-9]*\).*/\1/p" json >event &&
	test "$(wc -l <event)" = 1 &&
	test "$(dbq d "SELECT execution_ms FROM msr_migrations")" = "$(cat event)" &&
	test "$(dbq d "SELECT execution_ms FROM msr_migrations_log WHERE action = '"'up'"' ORDER BY id DESC LIMIT 1")" = "$(cat event)" &&
	sed -n "s/.*\"event\":\"summary\".*\"duration_ms\":\([0-9]*\).*/\1/p" json >total &&
	test "$(cat total)" -ge "$(cat event)"
'

test_expect_success 'a migration without a transaction: one figure, recorded' '
	mig n 1_notx "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS b (x integer);
$slow" &&
	db_new e &&
	msr -u "$(db_url e)" -d n migrate 2>err &&
	sed -n "s/^msr: applied 1_notx (\\([0-9]*\\) ms, no transaction)$/\\1/p" err >printed &&
	test "$(wc -l <printed)" = 1 &&
	test "$(dbq e "SELECT execution_ms FROM msr_migrations")" = "$(cat printed)" &&
	test "$(dbq e "SELECT execution_ms FROM msr_migrations_log WHERE action = '"'up'"'")" = "$(cat printed)" &&
	test "$(cat printed)" -ge $least
'

test_expect_success 'per-batch: each migration its own figure' '
	mig b 1_one "CREATE TABLE c1 (x integer); $slow" &&
	mig b 2_two "CREATE TABLE c2 (x integer);" &&
	db_new f &&
	msr -u "$(db_url f)" -d b --transaction per-batch migrate 2>/dev/null &&
	test "$(dbq f "SELECT execution_ms FROM msr_migrations WHERE version = '"'1'"'")" -ge $least &&
	test "$(dbq f "SELECT count(DISTINCT execution_ms) FROM msr_migrations_log")" -ge 1
'

# partial NAME: a no-transaction migration stopped at its third
# statement on database NAME.
partial() {
	mig p 1_p "-- msr:no-transaction
CREATE TABLE pa (x integer);
INSERT INTO pa VALUES (1);
INSERT INTO nope VALUES (1);
CREATE TABLE pb (x integer);" &&
	db_new "$1" &&
	test_expect_code 1 msr -u "$(db_url "$1")" -d p migrate 2>err
}

test_expect_success 'a partial migration names three ways, each works: fix the database' '
	partial p1 &&
	test_grep "1_p is partial: 2 of 4 statements done" err &&
	test_grep "to resume at statement 3, fix what made it fail in the database and run .msr migrate., with the file unchanged" err &&
	test_grep "to change the file, undo by hand what ran, run .msr repair --forget 1., then edit it and migrate" err &&
	test_grep "or run statements 3 to 4 by hand and run .msr repair. to record it as applied" err &&
	test_grep -v "fix the cause" err &&
	dbq p1 "CREATE TABLE nope (x integer)" &&
	msr -u "$(db_url p1)" -d p migrate 2>err &&
	test_grep "resuming 1_p at statement 3" err &&
	test "$(dbq p1 "SELECT count(*) FROM pa")" = 1 &&
	msr -u "$(db_url p1)" -d p check
'

test_expect_success '... forget, then change the file' '
	partial p2 &&
	dbq p2 "DROP TABLE pa" &&
	msr -u "$(db_url p2)" -d p repair --forget 1 2>/dev/null &&
	sed -i "s/INTO nope/INTO pa/" p/1_p.up.sql &&
	msr -u "$(db_url p2)" -d p migrate 2>/dev/null &&
	test "$(dbq p2 "SELECT count(*) FROM pa")" = 2 &&
	msr -u "$(db_url p2)" -d p check
'

test_expect_success '... or run the rest by hand, then repair' '
	partial p3 &&
	dbq p3 "CREATE TABLE pb (x integer)" &&
	msr -u "$(db_url p3)" -d p repair 2>/dev/null &&
	msr -u "$(db_url p3)" -d p check &&
	test "$(dbq p3 "SELECT state FROM msr_migrations")" = applied
'

test_done
