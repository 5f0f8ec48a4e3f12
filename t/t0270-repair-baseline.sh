#!/bin/sh
test_description='repair, baseline, still-running lines, output errors'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

test_expect_success 'setup' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	db_new app &&
	msr -u "$(db_url app)" -d m migrate
'

test_expect_success 'a changed file blocks migrate until repair accepts it' '
	echo "-- a comment added later" >>m/1_a.up.sql &&
	mig m 3_c "CREATE TABLE c (x integer);" &&
	test_expect_code 5 msr -u "$(db_url app)" -d m migrate 2>err &&
	test_grep "m/1_a.up.sql (applied at" err &&
	msr -u "$(db_url app)" -d m repair --dry-run >plan &&
	test_grep "^m/1_a.up.sql: checksum .* accepted" plan &&
	test_expect_code 5 msr -u "$(db_url app)" -d m migrate 2>/dev/null &&
	msr -u "$(db_url app)" -d m repair >out 2>err &&
	test_grep "^m/1_a.up.sql: checksum" out &&
	test_grep "repaired 1 migration" err &&
	test "$(dbq app "SELECT action, version FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "repair|1" &&
	msr -u "$(db_url app)" -d m migrate &&
	msr -u "$(db_url app)" -d m check
'

test_expect_success 'repair marks a partial migration as applied' '
	mig m 4_p "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS p1 (x integer);
INSERT INTO later VALUES (1);" &&
	test_expect_code 1 msr -u "$(db_url app)" -d m migrate 2>/dev/null &&
	test "$(dbq app "SELECT state, statements_done FROM msr_migrations WHERE version = '\''4'\''")" = "partial|1" &&
	dbq app "CREATE TABLE later (x integer); INSERT INTO later VALUES (1)" &&
	msr -u "$(db_url app)" -d m repair >out &&
	test_grep "4_p.up.sql: partial after 1 statements, now applied" out &&
	test "$(dbq app "SELECT state FROM msr_migrations WHERE version = '\''4'\''")" = applied &&
	msr -u "$(db_url app)" -d m check
'

test_expect_success 'repair with nothing to do' '
	msr -u "$(db_url app)" -d m repair --dry-run >out &&
	test_grep "nothing to repair" out
'

test_expect_success 'baseline records migrations without running them' '
	rm -rf b && mkdir b &&
	db_new b &&
	dbq b "CREATE TABLE existing (x integer)" &&
	mig b 1_existing "CREATE TABLE existing (x integer);" &&
	mig b 2_more "CREATE TABLE more (x integer);" &&
	mig b 3_new "CREATE TABLE new (x integer);" &&
	msr -u "$(db_url b)" -d b baseline 2 >out 2>err &&
	printf "b/1_existing.up.sql\nb/2_more.up.sql\n" >want &&
	test_cmp want out &&
	test_grep "recorded 2 migrations as applied without running them" err &&
	db_tables b >tables &&
	echo existing >want &&
	test_cmp want tables &&
	msr -u "$(db_url b)" -d b migrate &&
	test "$(dbq b "SELECT version FROM msr_migrations ORDER BY seq" | paste -s -d , -)" = "1,2,3" &&
	test "$(dbq b "SELECT count(*) FROM msr_migrations_log WHERE action = '\''baseline'\''")" = 2
'

test_expect_success 'baseline of an unknown version is an error' '
	test_expect_code 2 msr -u "$(db_url b)" -d b baseline 9 2>err &&
	test_grep "baseline 9: no migration has this version" err
'

test_expect_success 'a long migration prints still-running lines' '
	rm -rf s && mkdir s &&
	db_new s &&
	case $MSRTEST_DRIVER in
	pg)
		echo "CREATE TABLE s (n integer); SELECT pg_sleep(6);" \
		    >s/1_slow.up.sql
		;;
	*)
		echo "CREATE TABLE s (n); INSERT INTO s WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT count(*) FROM c;" \
		    >s/1_slow.up.sql
		;;
	esac &&
	msr -u "$(db_url s)" -d s migrate 2>err &&
	test_grep "^msr: still running 1_slow after 5 s$" err
'

test_expect_success 'a write error on stdout fails the command' '
	test -w /dev/full &&
	test_expect_code 1 msr -u "$(db_url app)" -d m status >/dev/full 2>err &&
	test_grep "cannot write the output" err
'

test_done
