#!/bin/sh
test_description='down, redo, new, validate'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

test_expect_success 'setup: four applied migrations' '
	mig m 1_a "CREATE TABLE a (x);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x);" "DROP TABLE b;" &&
	mig m 3_c "CREATE TABLE c (x);" "DROP TABLE c;" &&
	mig m 4_d "CREATE TABLE d (x);" "DROP TABLE d;" &&
	msr -u sqlite:app.db -d m migrate
'

test_expect_success 'down --dry-run prints the plan and changes nothing' '
	db_fingerprint app.db >before &&
	msr -u sqlite:app.db -d m down 2 --dry-run >plan &&
	printf "down m/4_d.down.sql  [transaction]\ndown m/3_c.down.sql  [transaction]\n" >want &&
	test_cmp want plan &&
	db_fingerprint app.db >after &&
	test_cmp before after
'

test_expect_success 'down VERSION rolls back everything above it, newest first' '
	msr -u sqlite:app.db -d m down 2 2>err &&
	test_grep "rolled back 2 migrations" err &&
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2" &&
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations_log WHERE action = '\''down'\''")" = "4,3"
'

test_expect_success 'down --steps N rolls back the N latest in order of application' '
	msr -u sqlite:app.db -d m migrate &&
	msr -u sqlite:app.db -d m down --steps 1 &&
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2,3"
'

test_expect_success 'down follows the order of application, not of versions' '
	rm -rf o o.db &&
	mig o 1_a "CREATE TABLE a (x);" "DROP TABLE a;" &&
	mig o 3_c "CREATE TABLE c (x);" "DROP TABLE c;" &&
	msr -u sqlite:o.db -d o migrate &&
	mig o 2_b "CREATE TABLE b (x);" "DROP TABLE b;" &&
	msr -u sqlite:o.db -d o migrate --out-of-order &&
	msr -u sqlite:o.db -d o down --steps 1 &&
	test "$(sq o.db "SELECT group_concat(version) FROM msr_migrations")" = "1,3"
'

test_expect_success 'a missing down file stops the whole rollback before it starts' '
	mig m 5_nodown "CREATE TABLE e (x);" &&
	msr -u sqlite:app.db -d m migrate &&
	db_fingerprint app.db >before &&
	test_expect_code 2 msr -u sqlite:app.db -d m down --all 2>err &&
	test_grep "cannot roll back; nothing was changed" err &&
	test_grep "m/5_nodown.up.sql: no down file" err &&
	db_fingerprint app.db >after &&
	test_cmp before after
'

test_expect_success 'a comment-only down file is a valid no-op' '
	echo "-- nothing to undo" >m/5_nodown.down.sql &&
	msr -u sqlite:app.db -d m down --steps 1 &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations WHERE version = '\''5'\''")" = 0 &&
	echo "DROP TABLE e;" >m/5_nodown.down.sql &&
	sqlite3 app.db "DROP TABLE e"
'

test_expect_success 'a failing down keeps the row and the schema' '
	mig m 6_f "CREATE TABLE f (x);" "DROP TABLE f; DROP TABLE no_such;" &&
	msr -u sqlite:app.db -d m migrate &&
	test_expect_code 1 msr -u sqlite:app.db -d m down --steps 1 2>err &&
	test_grep "m/6_f.down.sql:1:15: no such table: no_such" err &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''f'\''")" = 1 &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations WHERE version = '\''6'\''")" = 1
'

test_expect_success 'redo rolls back the latest and applies it again' '
	mig m 6_f "CREATE TABLE f (x);" "DROP TABLE f;" &&
	sqlite3 app.db "INSERT INTO f VALUES (1)" &&
	msr -u sqlite:app.db -d m redo 2>err &&
	test_grep "rolled back 1 migration" err &&
	test_grep "applied 1 migration" err &&
	test "$(sq app.db "SELECT count(*) FROM f")" = 0
'

test_expect_success 'down to a version that does not exist is refused' '
	db_fingerprint app.db >before &&
	test_expect_code 2 msr -u sqlite:app.db -d m down 99 2>err &&
	test_grep "down 99: no migration has this version; give one that exists, or 0" err &&
	db_fingerprint app.db >after &&
	test_cmp before after
'

test_expect_success 'down 0 rolls back everything' '
	rm -rf z z.db &&
	mig z 1_a "CREATE TABLE a (x);" "DROP TABLE a;" &&
	mig z 2_b "CREATE TABLE b (x);" "DROP TABLE b;" &&
	msr -u sqlite:z.db -d z migrate &&
	msr -u sqlite:z.db -d z down 0 &&
	test "$(sq z.db "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'bare down is a usage error' '
	test_expect_code 2 msr -u sqlite:app.db -d m down 2>err &&
	test_grep "down needs a VERSION, --steps N or --all" err
'

test_expect_success 'new creates a timestamped pair in an empty directory' '
	msr -d fresh new add_users >out &&
	test "$(wc -l <out)" = 2 &&
	up=$(sed -n 1p out) && down=$(sed -n 2p out) &&
	test -f "$up" && test -f "$down" &&
	echo "$up" | grep -E "^fresh/[0-9]{14}_add_users\.up\.sql$" &&
	echo "$down" | grep -E "^fresh/[0-9]{14}_add_users\.down\.sql$"
'

test_expect_success 'new continues a sequence with the same padding' '
	mkdir seq && : >seq/0009_x.up.sql &&
	msr -d seq new next_one >out &&
	test_grep "^seq/0010_next_one.up.sql$" out &&
	test -f seq/0010_next_one.down.sql
'

test_expect_success 'new keeps a V prefix' '
	mkdir vv && : >vv/V1_init.up.sql &&
	msr -d vv new more >out &&
	test_grep "^vv/V2_more.up.sql$" out
'

test_expect_success 'validate accepts a good directory, without a database' '
	msr -d m validate 2>err &&
	test_grep "6 migrations valid" err
'

test_expect_success 'validate with a database checks checksums' '
	msr -u sqlite:app.db -d m validate 2>err &&
	test_grep "checksums match" err &&
	echo "-- changed" >>m/1_a.up.sql &&
	test_expect_code 5 msr -u sqlite:app.db -d m validate 2>err &&
	test_grep "m/1_a.up.sql: changed after it was applied" err
'

test_expect_success 'an empty or comment-only file is a valid no-op' '
	rm -rf e e.db && mkdir e &&
	: >e/1_empty.up.sql &&
	printf -- "-- nothing yet\n/* still nothing */\n" >e/2_comments.up.sql &&
	msr -u sqlite:e.db -d e migrate &&
	test "$(sq e.db "SELECT count(*) FROM msr_migrations")" = 2
'

test_expect_success 'status and version on a database that does not exist create nothing' '
	msr -u sqlite:none.db -d m status >out &&
	test_grep "^1  *a  *pending" out &&
	msr -u sqlite:none.db -d m version >v &&
	test "$(cat v)" = none &&
	msr -u sqlite:none.db -d m migrate --dry-run >plan &&
	test ! -e none.db
'

test_done
