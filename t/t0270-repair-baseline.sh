#!/bin/sh
test_description='repair, baseline, still-running lines, output errors'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

test_expect_success 'setup' '
	mig m 1_a "CREATE TABLE a (x);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x);" "DROP TABLE b;" &&
	msr -u sqlite:app.db -d m migrate
'

test_expect_success 'a changed file blocks migrate until repair accepts it' '
	echo "-- a comment added later" >>m/1_a.up.sql &&
	mig m 3_c "CREATE TABLE c (x);" &&
	test_expect_code 5 msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "m/1_a.up.sql (applied at" err &&
	msr -u sqlite:app.db -d m repair --dry-run >plan &&
	test_grep "^m/1_a.up.sql: checksum .* accepted" plan &&
	test_expect_code 5 msr -u sqlite:app.db -d m migrate 2>/dev/null &&
	msr -u sqlite:app.db -d m repair >out 2>err &&
	test_grep "^m/1_a.up.sql: checksum" out &&
	test_grep "repaired 1 migration" err &&
	test "$(sq app.db "SELECT action, version FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "repair|1" &&
	msr -u sqlite:app.db -d m migrate &&
	msr -u sqlite:app.db -d m check
'

test_expect_success 'repair marks a partial migration as applied' '
	mig m 4_p "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS p1 (x);
INSERT INTO later VALUES (1);" &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate 2>/dev/null &&
	sqlite3 app.db "CREATE TABLE later (x); INSERT INTO later VALUES (1)" &&
	msr -u sqlite:app.db -d m repair >out &&
	test_grep "4_p.up.sql: partial after 1 statements, now applied" out &&
	test "$(sq app.db "SELECT state FROM msr_migrations WHERE version = '\''4'\''")" = applied &&
	msr -u sqlite:app.db -d m check
'

test_expect_success 'repair with nothing to do' '
	msr -u sqlite:app.db -d m repair --dry-run >out &&
	test_grep "nothing to repair" out
'

test_expect_success 'baseline records migrations without running them' '
	rm -rf b b.db && mkdir b &&
	sqlite3 b.db "CREATE TABLE existing (x)" &&
	mig b 1_existing "CREATE TABLE existing (x);" &&
	mig b 2_more "CREATE TABLE more (x);" &&
	mig b 3_new "CREATE TABLE new (x);" &&
	msr -u sqlite:b.db -d b baseline 2 >out 2>err &&
	printf "b/1_existing.up.sql\nb/2_more.up.sql\n" >want &&
	test_cmp want out &&
	test_grep "recorded 2 migrations as applied without running them" err &&
	test "$(sq b.db "SELECT count(*) FROM sqlite_master WHERE name = '\''more'\''")" = 0 &&
	msr -u sqlite:b.db -d b migrate &&
	test "$(sq b.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2,3" &&
	test "$(sq b.db "SELECT count(*) FROM msr_migrations_log WHERE action = '\''baseline'\''")" = 2
'

test_expect_success 'baseline of an unknown version is an error' '
	test_expect_code 2 msr -u sqlite:b.db -d b baseline 9 2>err &&
	test_grep "baseline 9: no migration has this version" err
'

test_expect_success 'a long migration prints still-running lines' '
	rm -rf s s.db && mkdir s &&
	echo "CREATE TABLE s (n); INSERT INTO s WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT count(*) FROM c;" >s/1_slow.up.sql &&
	msr -u sqlite:s.db -d s migrate 2>err &&
	test_grep "^msr: still running 1_slow after 5 s$" err
'

test_expect_success 'a write error on stdout fails the command' '
	test -w /dev/full || { echo "no /dev/full"; return 0; }
	test_expect_code 1 msr -u sqlite:app.db -d m status >/dev/full 2>err &&
	test_grep "cannot write the output" err
'

test_done
