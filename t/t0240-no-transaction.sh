#!/bin/sh
test_description='no-transaction migrations: detection, progress, resume'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

test_expect_success 'VACUUM is detected and runs outside a transaction' '
	mig m 1_t "CREATE TABLE t (x);" &&
	mig m 2_vacuum "DELETE FROM t;
VACUUM;" &&
	msr -u sqlite:app.db -d m migrate --dry-run >plan 2>err &&
	test_grep "2_vacuum.up.sql  \[no transaction: VACUUM at line 2 cannot run in a transaction\]" plan &&
	msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "notice: m/2_vacuum.up.sql runs without a transaction: VACUUM at line 2" err &&
	test_grep "applied 2_vacuum (.* ms, no transaction)" err
'

test_expect_success 'statements not safe to retry get a warning' '
	test_grep "warning: m/2_vacuum.up.sql:1:1: non-idempotent: the file runs without a transaction, and this statement is not safe to run again" err
'

test_expect_success 'a no-transaction statement without the directive gets a warning' '
	test_grep "warning: m/2_vacuum.up.sql:2:1: no-transaction-directive: this statement cannot run in a transaction" err
'

test_expect_success 'msr:lint-ignore and [lint] ignore silence those warnings' '
	mig w 1_vacuum "DELETE FROM t;
-- msr:lint-ignore no-transaction-directive
VACUUM;" &&
	msr -u sqlite:w.db -d w migrate --dry-run 2>err &&
	test_grep "1_vacuum.up.sql:1:1: non-idempotent" err &&
	test_grep -v "no-transaction-directive" err &&
	printf "[lint]\nignore = non-idempotent\n" >w.ini &&
	msr -c w.ini -u sqlite:w.db -d w migrate --dry-run 2>err &&
	test_grep -v "non-idempotent" err &&
	test_grep -v "no-transaction-directive" err &&
	mig w 1_vacuum "-- msr:lint-ignore non-idempotent: emptied again on rerun
DELETE FROM t;
VACUUM;" &&
	msr -u sqlite:w.db -d w migrate --dry-run 2>err &&
	test_grep -v "non-idempotent" err &&
	test_grep "1_vacuum.up.sql:3:1: no-transaction-directive" err
'

test_expect_success 'the directive forces statement-by-statement' '
	mig m 3_directive "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS d (x);" &&
	msr -u sqlite:app.db -d m migrate --dry-run >plan &&
	test_grep "3_directive.up.sql  \[no transaction: -- msr:no-transaction\]" plan &&
	msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep -v "not safe to retry" err
'

test_expect_success 'a directive after the first statement is an error' '
	mig m 4_late "CREATE TABLE late (x);
-- msr:no-transaction" &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "m/4_late.up.sql:2:1: directive .msr:no-transaction. must come before the first statement" err &&
	rm m/4_late.up.sql
'

five='-- msr:no-transaction
CREATE TABLE IF NOT EXISTS s1 (x);
CREATE TABLE IF NOT EXISTS s2 (x);
INSERT INTO needs_fix (x) VALUES (3);
CREATE TABLE IF NOT EXISTS s4 (x);
CREATE TABLE IF NOT EXISTS s5 (x);'

test_expect_success 'failing at statement 3 of 5 leaves a partial row' '
	mig m 5_five "$five" &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "m/5_five.up.sql:4:1: no such table: needs_fix" err &&
	test_grep "5_five is partial: 2 of 5 statements done" err &&
	test_grep "resume at statement 3" err &&
	test "$(sq app.db "SELECT state, statements_done FROM msr_migrations WHERE version = '\''5'\''")" = "partial|2" &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name IN ('\''s1'\'', '\''s2'\'')")" = 2 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name IN ('\''s4'\'', '\''s5'\'')")" = 0 &&
	test "$(sq app.db "SELECT outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = partial
'

test_expect_success 'status and check show the partial migration' '
	msr -u sqlite:app.db -d m status >out &&
	test_grep "^5  *five  *partial .*2 statements done" out &&
	test_expect_code 5 msr -u sqlite:app.db -d m check 2>err &&
	test_grep "5 five: partial" err
'

test_expect_success 'fixed by hand, the next run resumes at statement 3' '
	sqlite3 app.db "CREATE TABLE needs_fix (x)" &&
	msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "resuming 5_five at statement 3 of 5" err &&
	test "$(sq app.db "SELECT state FROM msr_migrations WHERE version = '\''5'\''")" = applied &&
	test "$(sq app.db "SELECT count(*) FROM needs_fix")" = 1 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name IN ('\''s4'\'', '\''s5'\'')")" = 2
'

test_expect_success 'a partial migration whose file changed is refused' '
	mig m 6_six "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS x1 (x);
INSERT INTO nope VALUES (1);" &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate &&
	mig m 6_six "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS x1 (x);
CREATE TABLE IF NOT EXISTS nope (x);
INSERT INTO nope VALUES (1);" &&
	db_fingerprint app.db >before &&
	test_expect_code 5 msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "m/6_six.up.sql (1 statement ran at " err &&
	test_grep "'\''msr repair --forget 6 --force'\''" err &&
	db_fingerprint app.db >after &&
	test_cmp before after
'

test_expect_success 'an own transaction block inside a no-transaction file rolls back as a unit' '
	rm -rf n n.db &&
	mig n 1_blocks "BEGIN; CREATE TABLE b1 (x); COMMIT;
BEGIN; CREATE TABLE b2 (x); INSERT INTO missing VALUES (1); COMMIT;" &&
	test_expect_code 1 msr -u sqlite:n.db -d n migrate 2>err &&
	test "$(sq n.db "SELECT state, statements_done FROM msr_migrations")" = "partial|3" &&
	test "$(sq n.db "SELECT count(*) FROM sqlite_master WHERE name = '\''b2'\''")" = 0 &&
	sqlite3 n.db "CREATE TABLE missing (x)" &&
	msr -u sqlite:n.db -d n migrate 2>err &&
	test "$(sq n.db "SELECT count(*) FROM sqlite_master WHERE name = '\''b2'\''")" = 1 &&
	test "$(sq n.db "SELECT state FROM msr_migrations")" = applied
'

test_expect_success 'transaction = none runs every migration statement by statement' '
	rm -rf o o.db &&
	mig o 1_a "CREATE TABLE a (x); CREATE TABLE b (x);" &&
	msr -u sqlite:o.db -d o --transaction none migrate --dry-run >plan &&
	test_grep "no transaction: transaction = none" plan &&
	msr -u sqlite:o.db -d o --transaction none migrate &&
	test "$(sq o.db "SELECT state, statements_done FROM msr_migrations")" = "applied|0"
'

test_expect_success 'PRAGMA foreign_keys is detected as a no-transaction statement' '
	rm -rf p p.db &&
	mig p 1_fk "PRAGMA foreign_keys = OFF;
CREATE TABLE a (x);" &&
	msr -u sqlite:p.db -d p migrate --dry-run >plan &&
	test_grep "PRAGMA foreign_keys at line 1" plan
'

test_done
