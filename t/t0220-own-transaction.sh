#!/bin/sh
test_description='files that manage their own transaction'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# A parent table that other tables reference, with rows in both.
test_expect_success 'setup: a referenced table with rows' '
	mig m 1_parent "PRAGMA foreign_keys = ON;
CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE child (id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE);
INSERT INTO parent (id, name) VALUES (1, '\''a'\''), (2, '\''b'\''), (3, '\''c'\'');
INSERT INTO child (parent_id) VALUES (1), (1), (2), (3);" &&
	msr -u sqlite:app.db -d m migrate &&
	test "$(sq app.db "SELECT count(*) FROM child")" = 4
'

rebuild='PRAGMA foreign_keys=OFF;
BEGIN;
CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
INSERT INTO parent_new (id, name) SELECT id, name FROM parent;
DROP TABLE parent;
ALTER TABLE parent_new RENAME TO parent;
COMMIT;
PRAGMA foreign_keys=ON;'

test_expect_success 'dry-run says the file runs around its own block' '
	mig m 2_rebuild "$rebuild" &&
	msr -u sqlite:app.db -d m migrate --dry-run >plan &&
	test_grep "2_rebuild.up.sql.*own block" plan
'

test_expect_success 'a table rebuild with foreign keys off keeps every row' '
	msr -u sqlite:app.db -d m migrate 2>err &&
	test "$(sq app.db "SELECT count(*) FROM child")" = 4 &&
	test "$(sq app.db "SELECT count(*) FROM parent")" = 3 &&
	test "$(sq app.db "SELECT group_concat(active) FROM parent")" = "1,1,1" &&
	test "$(sq app.db "SELECT state FROM msr_migrations WHERE version = '\''2'\''")" = applied
'

test_expect_success 'the rebuild did not cascade: child rows still point to parents' '
	test "$(sq app.db "PRAGMA foreign_key_check")" = "" &&
	test "$(sq app.db "SELECT count(*) FROM child JOIN parent ON parent.id = child.parent_id")" = 4
'

test_expect_success 'a failing body leaves neither changes nor a tracking row' '
	db_fingerprint app.db >before &&
	mig m 3_bad_rebuild "PRAGMA foreign_keys=OFF;
BEGIN;
CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO parent_new (id, name) SELECT id, name FROM parent;
DROP TABLE parent;
ALTER TABLE parent_new RENAME TO parent;
INSERT INTO no_such_table VALUES (1);
COMMIT;
PRAGMA foreign_keys=ON;" &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "3_bad_rebuild.up.sql:7:1: no such table: no_such_table" err &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations WHERE version = '\''3'\''")" = 0 &&
	sq app.db "SELECT sql FROM sqlite_master WHERE name = '\''parent'\''" >sql &&
	test_grep "active" sql &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''parent_new'\''")" = 0 &&
	sqlite3 app.db "DELETE FROM msr_migrations_log" &&
	db_fingerprint app.db >after &&
	grep -v msr_migrations_log before >b && grep -v msr_migrations_log after >a &&
	test_cmp b a
'

test_expect_success 'the failure is in the audit table' '
	rm -f m/3_bad_rebuild.up.sql &&
	mig m 3_bad_rebuild "BEGIN; SELECT * FROM nope; COMMIT;" &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate &&
	test "$(sq app.db "SELECT action, version, outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "up|3|failed"
'

test_expect_success 'START TRANSACTION is not SQLite: BEGIN TRANSACTION and END work' '
	rm -f m/3_bad_rebuild.up.sql &&
	mig m 3_end "BEGIN TRANSACTION; CREATE TABLE e (x); END TRANSACTION;" &&
	msr -u sqlite:app.db -d m migrate &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''e'\''")" = 1
'

test_expect_success 'two blocks in one file run statement by statement' '
	mig m 4_two_blocks "BEGIN; CREATE TABLE f (x); COMMIT;
BEGIN; CREATE TABLE g (x); COMMIT;" &&
	msr -u sqlite:app.db -d m migrate --dry-run >plan &&
	test_grep "no transaction" plan &&
	msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "runs without a transaction" err &&
	test "$(sq app.db "SELECT state FROM msr_migrations WHERE version = '\''4'\''")" = applied
'

test_expect_success 'down of a wrapped file works the same way' '
	mig m 5_wrapped "PRAGMA foreign_keys=OFF; BEGIN; CREATE TABLE h (x); COMMIT; PRAGMA foreign_keys=ON;" \
	    "PRAGMA foreign_keys=OFF; BEGIN; DROP TABLE h; COMMIT; PRAGMA foreign_keys=ON;" &&
	msr -u sqlite:app.db -d m migrate &&
	msr -u sqlite:app.db -d m down --steps 1 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''h'\''")" = 0 &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations WHERE version = '\''5'\''")" = 0
'

test_expect_success 'a statement after COMMIT that fails leaves a partial row, and resumes' '
	rm -rf p p.db &&
	mig p 1_post "BEGIN; CREATE TABLE body (x); COMMIT;
CREATE TABLE after_commit (x);
INSERT INTO later VALUES (1);" &&
	test_expect_code 1 msr -u sqlite:p.db -d p migrate 2>err &&
	test_grep "p/1_post.up.sql:3:1: no such table: later" err &&
	test_grep "1_post is partial: 4 of 5 statements done" err &&
	test "$(sq p.db "SELECT state, statements_done FROM msr_migrations")" = "partial|4" &&
	sqlite3 p.db "CREATE TABLE later (x)" &&
	msr -u sqlite:p.db -d p migrate 2>err &&
	test_grep "resuming 1_post at statement 5 of 5" err &&
	test "$(sq p.db "SELECT state FROM msr_migrations")" = applied &&
	test "$(sq p.db "SELECT count(*) FROM later")" = 1
'

test_expect_success 'a statement before BEGIN that fails after others ran leaves a partial row' '
	rm -rf q q.db &&
	mig q 1_pre "CREATE TABLE pre (x);
INSERT INTO nope VALUES (1);
BEGIN; CREATE TABLE body (x); COMMIT;" &&
	test_expect_code 1 msr -u sqlite:q.db -d q migrate 2>err &&
	test_grep "q/1_pre.up.sql:2:1: no such table: nope" err &&
	test "$(sq q.db "SELECT state, statements_done FROM msr_migrations")" = "partial|1" &&
	sqlite3 q.db "CREATE TABLE nope (x)" &&
	msr -u sqlite:q.db -d q migrate &&
	test "$(sq q.db "SELECT state FROM msr_migrations")" = applied &&
	test "$(sq q.db "SELECT count(*) FROM sqlite_master WHERE name = '\''body'\''")" = 1
'

test_expect_success 'statements before BEGIN that can run again leave no row when the body fails' '
	rm -rf k k.db &&
	mig k 1_fk "PRAGMA foreign_keys=OFF;
BEGIN; CREATE TABLE body (x); INSERT INTO nope VALUES (1); COMMIT;
PRAGMA foreign_keys=ON;" &&
	test_expect_code 1 msr -u sqlite:k.db -d k migrate 2>err &&
	test_grep "rolled back; the statements before its BEGIN ran and can run again" err &&
	test "$(sq k.db "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'a resumed migration sets up its session again' '
	rm -rf f f.db &&
	mig f 1_likes "CREATE TABLE likes (x);" &&
	msr -u sqlite:f.db -d f migrate &&
	mig f 2_session "PRAGMA case_sensitive_like = ON;
CREATE TABLE marker (x);
BEGIN;
INSERT INTO likes SELECT 1 WHERE '\''a'\'' LIKE '\''A'\'';
INSERT INTO missing VALUES (1);
COMMIT;" &&
	test_expect_code 1 msr -u sqlite:f.db -d f migrate 2>err &&
	test "$(sq f.db "SELECT state, statements_done FROM msr_migrations WHERE version = '\''2'\''")" = "partial|2" &&
	sqlite3 f.db "CREATE TABLE missing (x)" &&
	msr -u sqlite:f.db -d f -v migrate 2>err &&
	test_grep "2_session.up.sql:1:1: running again to set up the session" err &&
	test "$(sq f.db "SELECT state FROM msr_migrations WHERE version = '\''2'\''")" = applied &&
	: the LIKE ran case-sensitively, so it inserted nothing &&
	test "$(sq f.db "SELECT count(*) FROM likes")" = 0
'

test_expect_success 'a first statement before BEGIN that fails leaves nothing' '
	rm -rf r r.db &&
	mig r 1_pre "INSERT INTO nope VALUES (1);
BEGIN; CREATE TABLE body (x); COMMIT;" &&
	test_expect_code 1 msr -u sqlite:r.db -d r migrate 2>err &&
	test_grep "its first statement failed, nothing of it ran" err &&
	test "$(sq r.db "SELECT count(*) FROM msr_migrations")" = 0
'

test_done
