#!/bin/sh
test_description='down, redo, new, validate'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

test_expect_success 'setup: four applied migrations' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	mig m 3_c "CREATE TABLE c (x integer);" "DROP TABLE c;" &&
	mig m 4_d "CREATE TABLE d (x integer);" "DROP TABLE d;" &&
	db_new app &&
	msr -u "$(db_url app)" -d m migrate
'

test_expect_success 'down --dry-run prints the plan and changes nothing' '
	db_fp app >before &&
	msr -u "$(db_url app)" -d m down 2 --dry-run >plan &&
	printf "down m/4_d.down.sql  [transaction]\ndown m/3_c.down.sql  [transaction]\n" >want &&
	test_cmp want plan &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'down VERSION rolls back everything above it, newest first' '
	msr -u "$(db_url app)" -d m down 2 2>err &&
	test_grep "rolled back 2 migrations" err &&
	test "$(versions app)" = "1,2" &&
	test "$(dbq app "SELECT version FROM msr_migrations_log WHERE action = '\''down'\'' ORDER BY id" | paste -s -d , -)" = "4,3" &&
	db_tables app >tables &&
	printf "%s\n" a b >want &&
	test_cmp want tables
'

test_expect_success 'down --steps N rolls back the N latest in order of application' '
	msr -u "$(db_url app)" -d m migrate &&
	msr -u "$(db_url app)" -d m down --steps 1 &&
	test "$(versions app)" = "1,2,3"
'

test_expect_success 'down follows the order of application, not of versions' '
	rm -rf o &&
	db_new o &&
	mig o 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig o 3_c "CREATE TABLE c (x integer);" "DROP TABLE c;" &&
	msr -u "$(db_url o)" -d o migrate &&
	mig o 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(db_url o)" -d o migrate --out-of-order &&
	msr -u "$(db_url o)" -d o down --steps 1 &&
	test "$(versions o)" = "1,3"
'

test_expect_success 'a missing down file stops the whole rollback before it starts' '
	mig m 5_nodown "CREATE TABLE e (x integer);" &&
	msr -u "$(db_url app)" -d m migrate &&
	db_fp app >before &&
	test_expect_code 2 msr -u "$(db_url app)" -d m down --all 2>err &&
	test_grep "cannot roll back; nothing was changed" err &&
	test_grep "m/5_nodown.up.sql: no down file" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'a comment-only down file is a valid no-op' '
	echo "-- nothing to undo" >m/5_nodown.down.sql &&
	msr -u "$(db_url app)" -d m down --steps 1 &&
	test "$(dbq app "SELECT count(*) FROM msr_migrations WHERE version = '\''5'\''")" = 0 &&
	db_tables app >tables &&
	test_grep "^e$" tables &&
	echo "DROP TABLE e;" >m/5_nodown.down.sql &&
	dbq app "DROP TABLE e"
'

test_expect_success 'a failing down keeps the row and the schema' '
	mig m 6_f "CREATE TABLE f (x integer);" "DROP TABLE f; DROP TABLE no_such;" &&
	msr -u "$(db_url app)" -d m migrate &&
	test_expect_code 1 msr -u "$(db_url app)" -d m down --steps 1 2>err &&
	case $MSRTEST_DRIVER in
	pg) test_grep "m/6_f.down.sql:1:15: table \"no_such\" does not exist (42P01)" err ;;
	*) test_grep "m/6_f.down.sql:1:15: no such table: no_such" err ;;
	esac &&
	db_tables app >tables &&
	test_grep "^f$" tables &&
	test "$(dbq app "SELECT count(*) FROM msr_migrations WHERE version = '\''6'\''")" = 1
'

test_expect_success 'redo rolls back the latest and applies it again' '
	mig m 6_f "CREATE TABLE f (x integer);" "DROP TABLE f;" &&
	dbq app "INSERT INTO f VALUES (1)" &&
	msr -u "$(db_url app)" -d m redo 2>err &&
	test_grep "rolled back 1 migration" err &&
	test_grep "applied 1 migration" err &&
	test "$(dbq app "SELECT count(*) FROM f")" = 0
'

test_expect_success 'down to a version that does not exist is refused' '
	db_fp app >before &&
	test_expect_code 2 msr -u "$(db_url app)" -d m down 99 2>err &&
	test_grep "down 99: no migration has this version; give one that exists, or 0" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'down 0 rolls back everything' '
	rm -rf z &&
	db_new z &&
	mig z 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig z 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(db_url z)" -d z migrate &&
	msr -u "$(db_url z)" -d z down 0 &&
	test "$(dbq z "SELECT count(*) FROM msr_migrations")" = 0 &&
	db_tables z >tables &&
	test_must_be_empty tables
'

test_expect_success 'down 0 keeps version 0, with a warning; down --all rolls it back' '
	rm -rf z0 &&
	db_new z0 &&
	mig z0 0_zero "CREATE TABLE zero (x integer);" "DROP TABLE zero;" &&
	mig z0 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	msr -u "$(db_url z0)" -d z0 migrate &&
	msr -u "$(db_url z0)" -d z0 down 0 2>err &&
	test_grep "^msr: warning: ${SQ}down 0${SQ} rolls back what is above version 0 and keeps version 0 itself; ${SQ}down --all${SQ} rolls back version 0 too$" err &&
	test "$(dbq z0 "SELECT version FROM msr_migrations")" = 0 &&
	db_tables z0 >tables &&
	test "$(cat tables)" = zero &&
	msr -u "$(db_url z0)" -d z0 down --all 2>err &&
	test_grep "rolled back 0_zero" err &&
	test "$(dbq z0 "SELECT count(*) FROM msr_migrations")" = 0 &&
	db_tables z0 >tables &&
	test_must_be_empty tables
'

test_expect_success 'down 0 says nothing of version 0 when there is none' '
	rm -rf z1 &&
	db_new z1 &&
	mig z1 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	msr -u "$(db_url z1)" -d z1 migrate &&
	msr -u "$(db_url z1)" -d z1 down 0 2>err &&
	test_grep -v "warning" err
'

test_expect_success 'new after a 32-digit version refuses to write a 33-digit name' '
	rm -rf n32 && mkdir n32 &&
	mig n32 99999999999999999999999999999999_last "SELECT 1;" &&
	ls n32 >before &&
	test_expect_code 2 msr -d n32 new next >out 2>err &&
	test_grep "^msr: error: the version after 99999999999999999999999999999999 would have 33 digits, more than the 32 allowed; name the file by hand$" err &&
	test_must_be_empty out &&
	ls n32 >after &&
	test_cmp before after
'

test_expect_success 'bare down is a usage error' '
	test_expect_code 2 msr -u "$(db_url app)" -d m down 2>err &&
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

test_expect_success 'new writes both files or neither' '
	mkdir half && : >half/0001_a.up.sql &&
	echo "-- left over" >half/0002_b.down.sql &&
	test_expect_code 2 msr -d half new b 2>err &&
	test_grep "cannot create '\''half/0002_b.down.sql'\'': File exists" err &&
	ls half >files &&
	printf "0001_a.up.sql\n0002_b.down.sql\n" >expect &&
	test_cmp expect files &&
	test "$(cat half/0002_b.down.sql)" = "-- left over"
'

test_expect_success 'validate accepts a good directory, without a database' '
	msr -d m validate 2>err &&
	test_grep "6 migrations valid" err
'

test_expect_success 'validate with a database checks checksums' '
	msr -u "$(db_url app)" -d m validate 2>err &&
	test_grep "checksums match" err &&
	echo "-- changed" >>m/1_a.up.sql &&
	test_expect_code 5 msr -u "$(db_url app)" -d m validate 2>err &&
	test_grep "m/1_a.up.sql: changed after it was applied" err
'

test_expect_success 'an empty or comment-only file is a valid no-op' '
	rm -rf e && mkdir e &&
	db_new e &&
	: >e/1_empty.up.sql &&
	printf -- "-- nothing yet\n/* still nothing */\n" >e/2_comments.up.sql &&
	msr -u "$(db_url e)" -d e migrate &&
	test "$(dbq e "SELECT count(*) FROM msr_migrations")" = 2
'

test_expect_success 'status, version and migrate --dry-run on an empty database create nothing' '
	db_new none &&
	msr -u "$(db_url none)" -d m status >out &&
	test_grep "^1  *a  *pending" out &&
	msr -u "$(db_url none)" -d m version >v &&
	test "$(cat v)" = none &&
	msr -u "$(db_url none)" -d m migrate --dry-run >plan &&
	case $MSRTEST_DRIVER in
	pg) test "$(dbq none "SELECT count(*) FROM pg_catalog.pg_class
		WHERE relnamespace = current_schema()::regnamespace")" = 0 ;;
	*) test ! -e none.db ;;
	esac
'

test_expect_success 'a down file failing after its own block counts the migration as rolled back' '
	mig ob 1_a "CREATE TABLE a (x integer);" "BEGIN;
DROP TABLE a;
COMMIT;
SELECT * FROM nosuch;" &&
	db_new ob &&
	msr -u "$(db_url ob)" -d ob migrate &&
	test_expect_code 1 msr -u "$(db_url ob)" -d ob down --all 2>err &&
	test_grep "1_a: its transaction block was rolled back and it is no longer recorded as applied, but statement 4 of 4, after the block, failed" err &&
	test_grep "rolled back 1 of 1 migration; the database is at version none" err &&
	test "$(dbq ob "SELECT count(*) FROM msr_migrations")" = 0 &&
	db_tables ob >tables &&
	test_must_be_empty tables
'

test_done
