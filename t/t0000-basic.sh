#!/bin/sh
test_description='msr runs, says its version and usage'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

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

# run_lib BODY...: a script of its own over test-lib.sh with one test
# per BODY, its TAP output in "tap".
run_lib() {
	rm -rf lib && mkdir lib &&
	{
		echo ". \"\$MSRTEST_SRCDIR/t/test-lib.sh\"" &&
		for b in "$@"; do
			printf "test_expect_success t '%s'\n" "$b"
		done &&
		echo test_done
	} >lib/t9999-lib.sh &&
	(cd lib && T0000_OUT=$TRASH sh ./t9999-lib.sh >../tap 2>&1)
}

test_expect_success 'the library fails a body whose commands are not all chained with &&' '
	test_must_fail run_lib "true
	true" &&
	test_grep "^not ok 1 - t$" tap &&
	test_grep "a command of the body is not chained with &&" tap &&
	test_must_fail run_lib "false && true || true" &&
	test_grep "^not ok 1 - t$" tap &&
	test_must_fail run_lib "true; true" &&
	test_grep "^not ok 1 - t$" tap
'

test_expect_success 'the library passes a chained body, with loops, groups and functions' '
	run_lib "true &&
	for i in 1 2; do
		true || return 1
	done &&
	{ true || false; } &&
	f() { true; } &&
	f" &&
	test_grep "^ok 1 - t$" tap
'

test_expect_success 'test_when_finished runs after a body that passed, failed or returned' '
	run_lib "test_when_finished \"echo done1 >>\$T0000_OUT/cleaned\" && true" &&
	test_must_fail run_lib "test_when_finished \"echo done2 >>\$T0000_OUT/cleaned\" && false" &&
	test_must_fail run_lib "test_when_finished \"echo done3 >>\$T0000_OUT/cleaned\" &&
	for i in 1; do false || return 1; done" &&
	printf "done1\ndone2\ndone3\n" >want &&
	test_cmp want cleaned
'

# run_raw LINE...: a script over test-lib.sh made of the lines, its TAP
# output in "tap".
run_raw() {
	rm -rf lib && mkdir lib &&
	{
		echo ". \"\$MSRTEST_SRCDIR/t/test-lib.sh\"" &&
		printf "%s\n" "$@"
	} >lib/t9999-lib.sh &&
	(cd lib && sh ./t9999-lib.sh >../tap 2>&1)
}

test_expect_success 'a skip is a failure under MSRTEST_REQUIRE_ALL, and only there' '
	(
		unset MSRTEST_REQUIRE_ALL &&
		run_raw "test_skip s \"no frob here\"" test_done &&
		test_grep "^ok 1 - s # SKIP no frob here$" tap &&
		run_raw "test_skip_all \"no frob here\"" &&
		test_grep "^1..0 # SKIP no frob here$" tap &&
		run_raw "test_require frob \"apt-get install frob\"" &&
		test_grep "^1..0 # SKIP frob is required: apt-get install frob$" tap
	) &&
	(
		MSRTEST_REQUIRE_ALL=1 && export MSRTEST_REQUIRE_ALL &&
		test_must_fail run_raw "test_skip s \"no frob here\"" test_done &&
		test_grep "^not ok 1 - s$" tap &&
		test_grep "cannot run here: no frob here" tap &&
		test_must_fail run_raw "test_skip_all \"no frob here\"" &&
		test_grep "^not ok 1 - cannot run here: no frob here$" tap &&
		test_must_fail run_raw "test_require frob \"apt-get install frob\"" &&
		test_grep "^not ok 1 - cannot run here: frob is required" tap
	)
'

test_expect_success 'test_for runs a test in the script of its driver, and is absent from the other' '
	MSRTEST_DRIVER=sqlite run_raw "test_for sqlite a true" \
	    "test_for pg b false" test_done &&
	test_grep "^ok 1 - a$" tap &&
	test_grep "^1..1$" tap &&
	! grep " b" tap &&
	: the script of pg, without the server that test-lib.sh would start &&
	MSRTEST_DRIVER=sqlite run_raw MSRTEST_DRIVER=pg \
	    "test_for sqlite a false" "test_for pg b true" test_done &&
	test_grep "^ok 1 - b$" tap &&
	test_grep "^1..1$" tap
'

test_done
