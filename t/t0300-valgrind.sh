#!/bin/sh
test_description='migrate, down and status under valgrind: no errors, no leaks'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

if [ -n "${MSRTEST_SANITIZED:-}" ]; then
	test_skip_all "the binary is built with sanitizers"
fi
command -v valgrind >/dev/null 2>&1 ||
	test_require valgrind "apt-get install valgrind"

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=all --errors-for-leak-kinds=all \
	    --track-fds=no "$MSRTEST_BIN" "$@"
}

test_expect_success 'setup' '
	mig m 1_a "CREATE TABLE a (x);" "DROP TABLE a;" &&
	mig m 2_wrapped "PRAGMA foreign_keys=OFF; BEGIN; CREATE TABLE b (x); COMMIT; PRAGMA foreign_keys=ON;" "DROP TABLE b;" &&
	mig m 3_notx "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS c (x); CREATE TABLE IF NOT EXISTS d (x);" "DROP TABLE c; DROP TABLE d;"
'

test_expect_success 'migrate' '
	vg -u sqlite:app.db -d m migrate 2>err &&
	test_grep -v "==[0-9]*==" err
'

test_expect_success 'status, status --json, version, check, validate' '
	vg -u sqlite:app.db -d m status >/dev/null &&
	vg -u sqlite:app.db -d m status --json >/dev/null &&
	vg -u sqlite:app.db -d m version >/dev/null &&
	vg -u sqlite:app.db -d m check 2>/dev/null &&
	vg -u sqlite:app.db -d m validate 2>/dev/null
'

test_expect_success 'lint, with findings, as text and JSON, and a bad file' '
	mig l 1_a "CREATE TABLE a (x); -- msr:lint-ignore missing-down
ALTER TABLE a ADD COLUMN b int NOT NULL;
UPDATE t SET x = 1;" "DROP TABLE a;" &&
	test_expect_code 5 vg -u postgres://h/db -d l lint >out 2>err &&
	test_grep "update-without-where" out &&
	test_expect_code 5 vg -u postgres://h/db -d l --json lint >out 2>err &&
	vg -d m lint >/dev/null 2>&1 &&
	mig l 2_b "-- msr:lint-ignore nonesuch
SELECT 1;" &&
	test_expect_code 2 vg -d l lint >/dev/null 2>err &&
	test_grep "unknown rule" err &&
	test_grep -v "==[0-9]*==" err
'

test_expect_success 'down --all and redo' '
	vg -u sqlite:app.db -d m down --steps 1 2>err &&
	vg -u sqlite:app.db -d m migrate 2>err &&
	vg -u sqlite:app.db -d m redo 2>err &&
	vg -u sqlite:app.db -d m down --all 2>err
'

test_expect_success 'convert, and a convert that refuses' '
	mkdir dbm &&
	printf "%s\n" "-- migrate:up transaction:false" "CREATE TABLE f (x);" \
	    "-- migrate:down" "DROP TABLE f;" >dbm/5_f.sql &&
	vg -d conv convert dbmate dbm >out 2>err &&
	test_grep "conv/5_f.down.sql" out &&
	printf "%s\n" "-- +goose Up" "-- +goose StatementBegin" "SELECT 1;" \
	    "SELECT 2;" "-- +goose StatementEnd" >dbm/6_g.sql &&
	echo "package x" >dbm/7_h.go &&
	test_expect_code 2 vg -d conv2 convert goose dbm >out 2>err &&
	test_grep "would split" err &&
	test_grep -v "==[0-9]*==" err
'

test_expect_success 'failure paths' '
	mig m 4_bad "CREATE TABLE e (x); SELECT nope FROM e;" &&
	test_expect_code 1 vg -u sqlite:app.db -d m migrate 2>err &&
	test_expect_code 2 vg -u sqlite:app.db -d m down 2>err &&
	test_expect_code 2 vg -u sqlite:app.db -d m -c missing.ini status 2>err &&
	{ vg -u postgres://u:p@127.0.0.1:1/d -d m status 2>err; code=$?; } &&
	: without PostgreSQL support 2, with it 3 &&
	{ test $code = 2 || test $code = 3; } &&
	test_expect_code 2 vg nosuch 2>err
'

test_done
