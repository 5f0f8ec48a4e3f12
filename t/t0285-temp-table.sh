#!/bin/sh
test_description='a TEMP table named like msr'\''s tables gets none of their rows'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# A migration's TEMP tables come first when names are looked up
# unqualified (SQLite's temp database, PostgreSQL's pg_temp): msr names
# its own tables with their schema, so its rows still reach them.
shadow='CREATE TEMP TABLE msr_migrations AS
    SELECT * FROM msr_migrations WHERE 1 = 0;
CREATE TEMP TABLE msr_migrations_log AS
    SELECT * FROM msr_migrations_log WHERE 1 = 0;'

test_expect_success 'per migration: the rows after the TEMP tables reach the tracking tables' '
	db_new tmp &&
	mig m 1_shadow "$shadow" &&
	mig m 2_a "CREATE TABLE a (x integer);" &&
	mig m 3_b "CREATE TABLE b (x integer);" &&
	msr -u "$(db_url tmp)" -d m migrate 2>err &&
	test_grep "applied 3 migrations" err &&
	test "$(dbq tmp "SELECT count(*) FROM msr_migrations")" = 3 &&
	test "$(dbq tmp "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\'' AND outcome = '\''ok'\''")" = 3 &&
	msr -u "$(db_url tmp)" -d m check &&
	msr -u "$(db_url tmp)" -d m migrate 2>err &&
	test_grep "nothing to do; the database is at version 3" err
'

test_expect_success 'per batch: the rows of the whole batch reach the tracking tables' '
	db_new bat &&
	msr -u "$(db_url bat)" -d m --transaction per-batch migrate 2>err &&
	test "$(dbq bat "SELECT count(*) FROM msr_migrations")" = 3 &&
	msr -u "$(db_url bat)" -d m check
'

test_expect_success 'no transaction: the progress of a partial file reaches the tracking table' '
	db_new nt &&
	mig n 1_shadow "-- msr:no-transaction
$shadow
CREATE TABLE c (x integer);
INSERT INTO missing (x) VALUES (1);
CREATE TABLE d (x integer);" &&
	test_expect_code 1 msr -u "$(db_url nt)" -d n migrate 2>err &&
	test_grep "resume at statement 4" err &&
	test "$(dbq nt "SELECT state, statements_done FROM msr_migrations")" = "partial|3" &&
	dbq nt "CREATE TABLE missing (x integer)" &&
	msr -u "$(db_url nt)" -d n migrate 2>err &&
	test_grep "resuming 1_shadow at statement 4 of 5" err &&
	test "$(dbq nt "SELECT state, statements_done FROM msr_migrations")" = "applied|0"
'

test_expect_success '[lock] method = table: the lock row is released, not a TEMP one' '
	db_new lk &&
	mig l 1_shadow "CREATE TEMP TABLE msr_migrations_lock AS
    SELECT * FROM msr_migrations_lock;" &&
	MSR_LOCK_METHOD=table msr -u "$(db_url lk)" -d l migrate 2>err &&
	test "$(dbq lk "SELECT count(*) FROM msr_migrations_lock")" = 0 &&
	test "$(dbq lk "SELECT count(*) FROM msr_migrations")" = 1
'

test_done
