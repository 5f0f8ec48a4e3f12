#!/bin/sh
test_description='msr runs, says its version and usage'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

test_expect_success 'msr --version prints the version' '
	msr --version >out &&
	test_grep "^msr [0-9][0-9.]*" out
'

test_expect_success 'msr help lists every command' '
	msr help >out &&
	for c in migrate down redo status version check validate new; do
		test_grep "^  $c " out || return 1
	done
'

test_expect_success 'msr help COMMAND and msr COMMAND -h print its usage' '
	msr help down >out1 &&
	msr down -h >out2 &&
	test_grep "usage: msr down VERSION | --steps N | --all" out1 &&
	test_cmp out1 out2
'

test_expect_success 'aliases reach the same command' '
	msr help up >up &&
	msr help migrate >migrate &&
	test_cmp up migrate
'

test_expect_success 'migrate then status on a fresh SQLite database' '
	mig m 1_one "CREATE TABLE one (id INTEGER);" "DROP TABLE one;" &&
	msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "applied 1_one" err &&
	msr -u sqlite:app.db -d m status >out &&
	test_grep "^1  *one  *applied" out &&
	test "$(sq app.db "SELECT count(*) FROM one")" = 0
'

test_done
