#!/bin/sh
test_description='log: the audit table, newest first, grouped by run'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

test_expect_success 'setup: three runs' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	mig m 3_c "CREATE TABLE c (x integer);" "DROP TABLE c;" &&
	db_new d &&
	msr -u "$(db_url d)" -d m -v migrate --to 2 2>run1 &&
	msr -u "$(db_url d)" -d m -v migrate 2>run2 &&
	msr -u "$(db_url d)" -d m -v down --steps 1 2>run3 &&
	for r in run1 run2 run3; do
		sed -n "s/^msr: run id \\([0-9a-f]*\\)$/\\1/p" $r >$r.id &&
		test "$(wc -c <$r.id)" = 33 || return 1
	done
'

test_expect_success 'newest first, a line for each run, then its rows' '
	msr -u "$(db_url d)" log >out 2>err &&
	test_must_be_empty err &&
	grep "^run " out | cut -d " " -f 2 >runs &&
	cat run3.id run2.id run1.id >expect &&
	test_cmp expect runs &&
	grep "^  " out | sed "s/^  [^ ]*  //" | sed "s/  [0-9]* ms$//" >rows &&
	printf "%s\n" "down     3_c  ok" "up       3_c  ok" "up       2_b  ok" \
	    "up       1_a  ok" >expect &&
	test_cmp expect rows &&
	test_grep "^run $(cat run1.id) by [^ ]*@" out
'

test_expect_success '--limit, --version and --since choose rows' '
	msr -u "$(db_url d)" log --limit 1 >out 2>err &&
	test "$(grep -c "^  " out)" = 1 &&
	test_grep "older rows not shown: give --limit N, more than 1" err &&
	msr -u "$(db_url d)" log --version 3 >out &&
	test "$(grep -c "^  " out)" = 2 &&
	test_grep -v "1_a\\|2_b" out &&
	msr -u "$(db_url d)" log --version 0003 >out2 &&
	test_cmp out out2 &&
	msr -u "$(db_url d)" log --since 1h >out &&
	test "$(grep -c "^  " out)" = 4 &&
	msr -u "$(db_url d)" log --since 2999-01-01 >out 2>err &&
	test_must_be_empty out &&
	test_grep "no audit row matches" err &&
	msr -u "$(db_url d)" log --since "$(date -u +%Y-%m-%d)" >out &&
	test "$(grep -c "^  " out)" = 4
'

test_expect_success '--json: an object per row, newest first' '
	msr -u "$(db_url d)" --json log >out 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <out)" = 4 &&
	head -n 1 out >first &&
	test_grep "^{\"id\":[0-9]*,\"at\":\"[0-9T:.-]*Z\",\"run_id\":\"$(cat run3.id)\",\"action\":\"down\",\"version\":\"3\",\"name\":\"c\",\"outcome\":\"ok\",\"message\":null,\"execution_ms\":[0-9]*," first
'

test_expect_success 'a failure and its message are shown, and the password is not' '
	mig m 4_bad "CREATE TABLE d (x integer); SELECT * FROM no_such_table;" &&
	test_expect_code 1 msr -u "$(db_url d)" -d m migrate 2>/dev/null &&
	msr -u "$(db_url d)" log --limit 1 >out &&
	test_grep "  up       4_bad  failed  [0-9]* ms  .*no_such_table" out &&
	rm m/4_bad.up.sql &&
	dbq d "INSERT INTO msr_migrations_log (at, action, outcome, message) VALUES ('"'2999-01-01T00:00:00.000Z'"', '"'up'"', '"'failed'"', '"'postgres://u:s3cret@h/db'"')" &&
	msr -u "$(db_url d)" log --limit 1 >out &&
	test_grep "u:\\*\\*\\*@h" out &&
	! grep s3cret out &&
	msr -u "$(db_url d)" --json log --limit 1 >out &&
	! grep s3cret out
'

test_expect_success 'bad options are refused before connecting' '
	test_expect_code 2 msr -u sqlite:nodir/x.db log --limit 0 2>err &&
	test_grep "invalid --limit .0.: expected a whole number from 1 to 1000000" err &&
	test_expect_code 2 msr -u sqlite:nodir/x.db log --since 5m 2>err &&
	test_grep "invalid --since .5m.: minutes are .min., as in 30min" err &&
	test_expect_code 2 msr -u sqlite:nodir/x.db log --since yesterday 2>err &&
	test_grep "invalid --since .yesterday.: expected YYYY-MM-DD" err &&
	test_expect_code 2 msr -u sqlite:nodir/x.db log --since 2026-13-01 2>/dev/null &&
	test_expect_code 2 msr -u sqlite:nodir/x.db log --version 1x 2>err &&
	test_expect_code 2 msr -u sqlite:nodir/x.db status --since 1h 2>err &&
	test_grep "option .--since. does not apply to .status." err &&
	test ! -e nodir &&
	msr --version >out &&
	test_grep "^msr " out
'

test_expect_success 'no audit table: nothing to show, nothing made' '
	db_new empty &&
	msr -u "$(db_url empty)" log >out 2>err &&
	test_must_be_empty out &&
	test_grep "no audit table .*msr_migrations_log.*: msr has changed nothing here" err &&
	test "$(db_tables empty)" = ""
'

test_done
