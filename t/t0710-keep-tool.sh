#!/bin/sh
test_description='keep_tool: golang-migrate and dbmate tables kept in step'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

if [ "$MSRTEST_DRIVER" = pg ]; then
	T=t F=f
else
	T=1 F=0
fi

# gm NAME: golang-migrate's row, version|dirty as 1 and 0, or nothing.
gm() {
	dbq "$1" "SELECT version, CASE WHEN dirty THEN 1 ELSE 0 END FROM schema_migrations"
}

# ini NAME TOOL [MORE]: msr.ini of database NAME keeping TOOL's table.
ini() {
	printf '[database]\nurl = %s\n[migrations]\ndir = m\nkeep_tool = %s\n%s\n' \
	    "$(db_url "$1")" "$2" "${3:-}" >"$1.ini"
}

test_expect_success 'setup' '
	for i in 1 2 3; do
		mig m ${i}_t$i "CREATE TABLE t$i (x integer);" "DROP TABLE t$i;" || return 1
	done
'

test_expect_success 'golang-migrate: created as it creates it, then the newest version' '
	db_new g &&
	ini g golang-migrate &&
	msr -c g.ini migrate --to 2 2>err &&
	test_grep "created .*schema_migrations for keep_tool, as golang-migrate creates it" err &&
	test "$(gm g)" = "2|0" &&
	if [ "$MSRTEST_DRIVER" = pg ]; then
		pgq g "SELECT column_name, data_type, is_nullable FROM information_schema.columns
		    WHERE table_name = '"'schema_migrations'"' ORDER BY ordinal_position" >cols &&
		printf "version|bigint|NO\ndirty|boolean|NO\n" >expect
	else
		sq g.db "SELECT sql FROM sqlite_master WHERE tbl_name = '"'schema_migrations'"' ORDER BY type DESC" >cols &&
		printf "%s\n" "CREATE TABLE \"schema_migrations\" (version uint64,dirty bool)" \
		    "CREATE UNIQUE INDEX \"version_unique\" ON \"schema_migrations\" (version)" >expect
	fi &&
	test_cmp expect cols &&
	msr -c g.ini migrate 2>/dev/null &&
	test "$(gm g)" = "3|0" &&
	msr -c g.ini down --steps 1 2>/dev/null &&
	test "$(gm g)" = "2|0" &&
	msr -c g.ini redo 2>/dev/null &&
	test "$(gm g)" = "2|0" &&
	msr -c g.ini down --all 2>/dev/null &&
	test "$(dbq g "SELECT count(*) FROM schema_migrations")" = 0 &&
	msr -c g.ini migrate --transaction per-batch 2>/dev/null &&
	test "$(gm g)" = "3|0"
'

test_expect_success 'golang-migrate: dirty while a no-transaction migration is partial' '
	db_new d &&
	ini d golang-migrate &&
	mig m 4_nt "-- msr:no-transaction
CREATE TABLE t4a (x integer);
INSERT INTO t4a VALUES (1);
CREATE TABLE t4b (x integer);
SELECT * FROM no_such_table;" "DROP TABLE t4b; DROP TABLE t4a;" &&
	test_expect_code 1 msr -c d.ini migrate 2>err &&
	test_grep "partial" err &&
	test "$(gm d)" = "4|1" &&
	test "$(dbq d "SELECT state FROM msr_migrations WHERE version = '"'4'"'")" = partial &&
	mig m 4_nt "-- msr:no-transaction
CREATE TABLE t4a (x integer);
INSERT INTO t4a VALUES (1);
CREATE TABLE t4b (x integer);
SELECT 1;" "DROP TABLE t4b; DROP TABLE t4a;" &&
	msr -c d.ini repair 2>/dev/null &&
	test "$(gm d)" = "4|0" &&
	msr -c d.ini down --steps 1 2>/dev/null &&
	test "$(gm d)" = "3|0" &&
	rm m/4_nt.*
'

test_expect_success 'golang-migrate: a migration that alters its table runs' '
	db_new a &&
	ini a golang-migrate &&
	mig m 4_gm_column "ALTER TABLE schema_migrations ADD COLUMN data_version integer;" \
	    "ALTER TABLE schema_migrations DROP COLUMN data_version;" &&
	msr -c a.ini migrate 2>/dev/null &&
	test "$(gm a)" = "4|0" &&
	dbq a "SELECT data_version FROM schema_migrations" >dv &&
	test "$(cat dv)" = "" &&
	msr -c a.ini down --steps 1 2>/dev/null &&
	test "$(gm a)" = "3|0" &&
	rm m/4_gm_column.*
'

test_expect_success 'a migration that drops the table fails, and the error says it is keep_tool.s' '
	cp -R m dr &&
	mig dr 4_drop "DROP TABLE schema_migrations;" &&
	for tool in golang-migrate dbmate; do
		db_new drop &&
		ini drop $tool &&
		sed "s/^dir = m$/dir = dr/" drop.ini >drop2.ini &&
		msr -c drop.ini migrate 2>/dev/null &&
		dbq drop "SELECT * FROM schema_migrations" >before &&
		test_expect_code 1 msr -c drop2.ini migrate 2>err &&
		test_grep "cannot write the tracking row of 4_drop: keep_tool.s table .*schema_migrations: " err &&
		test_grep "4_drop: rolled back, nothing of it remains" err &&
		dbq drop "SELECT * FROM schema_migrations" >after &&
		test_cmp before after &&
		test "$(dbq drop "SELECT max(version) FROM msr_migrations")" = 3 || return 1
	done
'

test_expect_success 'golang-migrate: a version above bigint is refused at planning' '
	db_new big &&
	ini big golang-migrate &&
	mkdir big_m &&
	mig big_m 1_a "CREATE TABLE a (x integer);" &&
	mig big_m 9223372036854775808_b "CREATE TABLE b (x integer);" &&
	sed -i "s/^dir = m$/dir = big_m/" big.ini &&
	test_expect_code 2 msr -c big.ini migrate 2>err &&
	test_grep "big_m/9223372036854775808_b.up.sql: version 9223372036854775808 is above 9223372036854775807" err &&
	test "$(db_tables big)" = "" &&
	rm big_m/9223372036854775808_b.up.sql &&
	mig big_m 9223372036854775807_b "CREATE TABLE b (x integer);" &&
	msr -c big.ini migrate 2>/dev/null &&
	test "$(gm big)" = "9223372036854775807|0"
'

test_expect_success 'golang-migrate: another name and schema' '
	db_new o &&
	if [ "$MSRTEST_DRIVER" = pg ]; then
		dbq o "CREATE SCHEMA other" &&
		ini o golang-migrate "keep_table = schema_om
keep_schema = other" &&
		tbl=other.schema_om
	else
		ini o golang-migrate "keep_table = schema_om" &&
		tbl=schema_om
	fi &&
	msr -c o.ini migrate 2>/dev/null &&
	test "$(dbq o "SELECT version FROM $tbl")" = 3 &&
	test_must_fail dbq o "SELECT 1 FROM schema_migrations" 2>/dev/null
'

test_expect_success 'golang-migrate itself would read the state: adopt agrees' '
	db_new back &&
	ini back golang-migrate &&
	msr -c back.ini migrate --to 2 2>/dev/null &&
	dbq back "DROP TABLE msr_migrations; DROP TABLE msr_migrations_log" &&
	msr -u "$(db_url back)" -d m adopt golang-migrate >out 2>/dev/null &&
	printf "m/1_t1.up.sql\nm/2_t2.up.sql\n" >expect &&
	test_cmp expect out
'

test_expect_success 'dbmate: a row per applied version' '
	db_new dm &&
	ini dm dbmate &&
	msr -c dm.ini migrate 2>err &&
	test_grep "as dbmate creates it" err &&
	test "$(dbq dm "SELECT version FROM schema_migrations ORDER BY version")" = "$(printf "1\n2\n3")" &&
	msr -c dm.ini down --steps 2 2>/dev/null &&
	test "$(dbq dm "SELECT version FROM schema_migrations")" = 1 &&
	msr -c dm.ini migrate 2>/dev/null &&
	test "$(dbq dm "SELECT count(*) FROM schema_migrations")" = 3
'

test_expect_success 'the table is made with what msr records when it is missing' '
	db_new late &&
	msr -u "$(db_url late)" -d m migrate 2>/dev/null &&
	ini late golang-migrate &&
	msr -c late.ini migrate 2>err &&
	test_grep "created .*schema_migrations for keep_tool" err &&
	test "$(gm late)" = "3|0" &&
	db_new late2 &&
	msr -u "$(db_url late2)" -d m migrate 2>/dev/null &&
	ini late2 dbmate &&
	msr -c late2.ini status >/dev/null 2>err &&
	test_must_be_empty err &&
	test_must_fail dbq late2 "SELECT 1 FROM schema_migrations" 2>/dev/null &&
	msr -c late2.ini migrate --dry-run >/dev/null 2>&1 &&
	test_must_fail dbq late2 "SELECT 1 FROM schema_migrations" 2>/dev/null &&
	msr -c late2.ini migrate 2>/dev/null &&
	test "$(dbq late2 "SELECT count(*) FROM schema_migrations")" = 3
'

test_expect_success 'a table of that name with other columns is refused' '
	db_new wrong &&
	dbq wrong "CREATE TABLE schema_migrations (version varchar(128) primary key)" &&
	ini wrong golang-migrate &&
	db_fp wrong >before &&
	test_expect_code 2 msr -c wrong.ini migrate 2>err &&
	test_grep "keep_tool: cannot use .*schema_migrations: it is not golang-migrate.s: it has the columns version" err &&
	db_fp wrong >after &&
	test_cmp before after &&
	ini wrong dbmate &&
	msr -c wrong.ini migrate 2>/dev/null &&
	test "$(dbq wrong "SELECT count(*) FROM schema_migrations")" = 3
'

test_expect_success 'a bad keep_tool, keep_table or keep_schema names the key' '
	db_new bad &&
	ini bad flyway &&
	test_expect_code 2 msr -c bad.ini migrate 2>err &&
	test_grep "invalid value .flyway. for .migrations.keep_tool.: expected none, golang-migrate or dbmate" err &&
	ini bad golang-migrate "keep_table = a-b" &&
	test_expect_code 2 msr -c bad.ini migrate 2>err &&
	test_grep "migrations.keep_table" err &&
	test "$(db_tables bad)" = ""
'

test_expect_success 'keep_table naming a table of msr itself is refused, nothing written' '
	for t in msr_migrations msr_migrations_log msr_migrations_lock; do
		for tool in golang-migrate dbmate; do
			db_new own &&
			ini own $tool "keep_table = $t" &&
			test_expect_code 2 msr -c own.ini migrate 2>err &&
			test_grep "keep_tool: cannot use .*$t: it is a table of msr itself" err &&
			test "$(db_tables own)" = "" &&
			test_must_fail dbq own "SELECT 1 FROM $t" 2>/dev/null || return 1
		done || return 1
	done &&
	db_new own &&
	msr -u "$(db_url own)" -d m migrate --to 1 2>/dev/null &&
	ini own dbmate "keep_table = msr_migrations" &&
	db_fp own >before &&
	test_expect_code 2 msr -c own.ini migrate 2>err &&
	test_grep "it is a table of msr itself" err &&
	db_fp own >after &&
	test_cmp before after
'

test_expect_success 'keep_schema that does not exist: exit 2, named, nothing written' '
	db_new nos &&
	msr -u "$(db_url nos)" -d m migrate --to 1 2>/dev/null &&
	ini nos golang-migrate "keep_schema = nope" &&
	db_fp nos >before &&
	test_expect_code 2 msr -c nos.ini migrate 2>err &&
	test_grep "keep_tool: cannot use nope.schema_migrations: keep_schema of \[migrations\] names no schema that exists$" err &&
	db_fp nos >after &&
	test_cmp before after
'

test_expect_success 'a command refused before it writes does not create the table' '
	db_new early &&
	msr -u "$(db_url early)" -d m migrate --to 1 2>/dev/null &&
	ini early golang-migrate &&
	for c in "down 99" "baseline 99" "repair --forget 99" "migrate --to 99"; do
		test_expect_code 2 msr -c early.ini $c 2>err &&
		! grep "for keep_tool" err || return 1
	done &&
	dbq early "CREATE TABLE goose_db_version (id integer, version_id bigint, is_applied boolean, tstamp timestamp)" &&
	dbq early "INSERT INTO goose_db_version VALUES (1, 9, 1 = 1, NULL)" &&
	test_expect_code 5 msr -c early.ini adopt goose 2>err &&
	! grep "for keep_tool" err &&
	test_must_fail dbq early "SELECT 1 FROM schema_migrations" 2>/dev/null &&
	msr -c early.ini migrate 2>err &&
	test_grep "created .*schema_migrations for keep_tool" err &&
	test "$(gm early)" = "3|0"
'

test_done
