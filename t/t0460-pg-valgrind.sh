#!/bin/sh
test_description='PostgreSQL: migrate, status, down and failures under valgrind'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

if [ -n "${MSRTEST_SANITIZED:-}" ]; then
	test_skip_all "the binary is built with sanitizers"
fi
command -v valgrind >/dev/null 2>&1 ||
	test_require valgrind "apt-get install valgrind"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    "$MSRTEST_BIN" "$@"
}

test_expect_success 'setup' '
	pg_newdb vg &&
	mig m 1_a "CREATE TABLE a (x int); CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS \$\$ BEGIN RAISE NOTICE '\''hi'\''; RETURN 1; END \$\$; SELECT f();" "DROP FUNCTION f(); DROP TABLE a;" &&
	mig m 2_cic "CREATE INDEX CONCURRENTLY a_x ON a (x);" "DROP INDEX a_x;" &&
	mig m 3_wrapped "BEGIN; CREATE TABLE b (x int); COMMIT;" "DROP TABLE b;"
'

test_expect_success 'migrate, status, version, check' '
	vg -u "$(pg_url vg)" -d m migrate 2>err &&
	vg -u "$(pg_url vg)" -d m status --json >/dev/null &&
	vg -u "$(pg_url vg)" -d m version >/dev/null &&
	vg -u "$(pg_url vg)" -d m check 2>/dev/null
'

test_expect_success 'down --all, redo, lock status, wait' '
	vg -u "$(pg_url vg)" -d m redo 2>/dev/null &&
	vg -u "$(pg_url vg)" -d m down --all 2>/dev/null &&
	vg -u "$(pg_url vg)" lock status >/dev/null &&
	vg -u "$(pg_url vg)" wait --timeout 1 2>/dev/null &&
	MSR_LOCK_METHOD=table vg -u "$(pg_url vg)" -d m migrate 2>/dev/null
'

test_expect_success 'failure paths' '
	mig m 4_bad "CREATE TABLE c (x int); SELECT 1/0;" &&
	test_expect_code 1 vg -u "$(pg_url vg)" -d m migrate 2>err &&
	test_expect_code 3 vg -u "$(pg_tcp_url vg msr_pw wrong_pw)" -d m status 2>err &&
	test_expect_code 3 vg -u postgresql://postgres@127.0.0.1:1/x -d m --wait 1 status 2>err
'

test_done
