#!/bin/sh
test_description='adopt: the history of golang-migrate, dbmate, goose, Flyway and sql-migrate'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# Each tool's table, made with the DDL the tool itself runs, and the
# values its Go or Java driver writes for true and false.
if [ "$MSRTEST_DRIVER" = pg ]; then
	T=true F=false
	golang_ddl='CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)'
	dbmate_ddl='create table if not exists schema_migrations (version varchar(128) primary key)'
	goose_ddl='CREATE TABLE goose_db_version (
		id serial NOT NULL,
		version_id bigint NOT NULL,
		is_applied boolean NOT NULL,
		tstamp timestamp NULL default now(),
		PRIMARY KEY(id)
	)'
	flyway_ddl='CREATE TABLE "flyway_schema_history" (
	    "installed_rank" INT NOT NULL,
	    "version" VARCHAR(50),
	    "description" VARCHAR(200) NOT NULL,
	    "type" VARCHAR(20) NOT NULL,
	    "script" VARCHAR(1000) NOT NULL,
	    "checksum" INTEGER,
	    "installed_by" VARCHAR(100) NOT NULL,
	    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
	    "execution_time" INTEGER NOT NULL,
	    "success" BOOLEAN NOT NULL
	);
	ALTER TABLE "flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
	CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")'
	gorp_ddl='create table if not exists "gorp_migrations" ("id" text not null primary key, "applied_at" timestamp with time zone)'
else
	T=1 F=0
	golang_ddl='CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);
	CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)'
	dbmate_ddl='create table if not exists "schema_migrations" (version varchar(128) primary key)'
	goose_ddl='CREATE TABLE goose_db_version (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		version_id INTEGER NOT NULL,
		is_applied INTEGER NOT NULL,
		tstamp TIMESTAMP DEFAULT (datetime('"'now'"'))
	)'
	flyway_ddl='CREATE TABLE "flyway_schema_history" (
	    "installed_rank" INT NOT NULL PRIMARY KEY,
	    "version" VARCHAR(50),
	    "description" VARCHAR(200) NOT NULL,
	    "type" VARCHAR(20) NOT NULL,
	    "script" VARCHAR(1000) NOT NULL,
	    "checksum" INT,
	    "installed_by" VARCHAR(100) NOT NULL,
	    "installed_on" TEXT NOT NULL DEFAULT (strftime('"'%Y-%m-%d %H:%M:%f','now'"')),
	    "execution_time" INT NOT NULL,
	    "success" BOOLEAN NOT NULL
	);
	CREATE INDEX "main"."flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")'
	gorp_ddl='create table if not exists "gorp_migrations" ("id" varchar(255) not null primary key, "applied_at" datetime)'
fi

# flyway_row RANK VERSION TYPE SCRIPT SUCCESS: a row as Flyway writes it.
flyway_row() {
	printf "INSERT INTO flyway_schema_history VALUES (%s, %s, 'd', '%s', '%s', 1, 'ops', '2024-01-03 12:00:00', 5, %s)" \
	    "$1" "$2" "$3" "$4" "$5"
}

# origins DB: version|origin of msr's rows.
origins() {
	dbq "$1" "SELECT version, origin FROM msr_migrations ORDER BY seq"
}

# other DB: the other tools' tables, whole, to show adopt leaves them.
other() {
	for t in schema_migrations goose_db_version flyway_schema_history gorp_migrations; do
		dbq "$1" "SELECT * FROM $t" 2>/dev/null || :
	done
}

test_expect_success 'setup' '
	for i in 1 2 3 4; do
		mig m ${i}_t$i "CREATE TABLE t$i (x integer);" "DROP TABLE t$i;" || return 1
	done &&
	db_new fresh &&
	msr -u "$(db_url fresh)" -d m migrate 2>/dev/null &&
	db_schema fresh >fresh.schema
'

test_expect_success 'golang-migrate: every file up to its version, then migrate the rest' '
	db_new gm &&
	dbq gm "$golang_ddl" &&
	dbq gm "INSERT INTO schema_migrations VALUES (2, $F); CREATE TABLE t1 (x integer); CREATE TABLE t2 (x integer)" &&
	other gm >before &&
	msr -u "$(db_url gm)" -d m adopt --dry-run >out 2>err &&
	printf "m/1_t1.up.sql\nm/2_t2.up.sql\n" >expect &&
	test_cmp expect out &&
	test_grep "would record 2 migrations that golang-migrate applied" err &&
	test "$(db_tables gm)" = "$(printf "schema_migrations\nt1\nt2")" &&
	msr -u "$(db_url gm)" -d m adopt >out 2>err &&
	test_cmp expect out &&
	test_grep "recorded 2 migrations that golang-migrate applied" err &&
	printf "1|adopted:golang-migrate\n2|adopted:golang-migrate\n" >expect &&
	origins gm >actual &&
	test_cmp expect actual &&
	test "$(dbq gm "SELECT count(*) FROM msr_migrations_log WHERE action = '"'adopt'"' AND outcome = '"'ok'"'")" = 2 &&
	other gm >after &&
	test_cmp before after &&
	msr -u "$(db_url gm)" -d m migrate 2>err &&
	test_grep "applied 2 migrations" err &&
	dbq gm "DROP TABLE schema_migrations" &&
	db_schema gm >gm.schema &&
	test_cmp fresh.schema gm.schema &&
	msr -u "$(db_url gm)" -d m status >out &&
	test_grep "^1 .*adopted from golang-migrate" out &&
	test_grep "^3 .*applied" out
'

test_expect_success 'golang-migrate dirty: refused, with what to do, nothing written' '
	db_new dirty &&
	dbq dirty "$golang_ddl" &&
	dbq dirty "INSERT INTO schema_migrations VALUES (3, $T)" &&
	db_fp dirty >before &&
	test_expect_code 5 msr -u "$(db_url dirty)" -d m adopt 2>err &&
	test_grep "golang-migrate records version 3 as failed half way (dirty)" err &&
	test_grep "force VERSION" err &&
	test_grep "nothing was recorded" err &&
	db_fp dirty >after &&
	test_cmp before after
'

test_expect_success 'golang-migrate with a column the set added, and under another name' '
	db_new om &&
	dbq om "CREATE TABLE schema_om (version bigint not null primary key, dirty boolean not null)" &&
	dbq om "ALTER TABLE schema_om ADD COLUMN data_version int" &&
	dbq om "INSERT INTO schema_om VALUES (1, $F, 7)" &&
	test_expect_code 5 msr -u "$(db_url om)" -d m adopt 2>err &&
	test_grep "no history of golang-migrate, dbmate, goose, flyway or sql-migrate" err &&
	msr -u "$(db_url om)" -d m adopt --from-table schema_om >out 2>err &&
	test_grep "golang-migrate applied" err &&
	test "$(origins om)" = "1|adopted:golang-migrate" &&
	test "$(dbq om "SELECT data_version FROM schema_om")" = 7
'

test_expect_success 'golang-migrate: a version without its file is refused' '
	db_new gone &&
	dbq gone "$golang_ddl" &&
	dbq gone "INSERT INTO schema_migrations VALUES (9, $F)" &&
	db_fp gone >before &&
	test_expect_code 5 msr -u "$(db_url gone)" -d m adopt golang-migrate 2>err &&
	test_grep "golang-migrate applied version 9, which has no up file in m" err &&
	db_fp gone >after &&
	test_cmp before after
'

test_expect_success 'dbmate: each version it recorded, gaps kept' '
	db_new dm &&
	dbq dm "$dbmate_ddl" &&
	dbq dm "INSERT INTO schema_migrations VALUES ('"'1'"'), ('"'3'"')" &&
	msr -u "$(db_url dm)" -d m adopt >out 2>err &&
	printf "m/1_t1.up.sql\nm/3_t3.up.sql\n" >expect &&
	test_cmp expect out &&
	printf "1|adopted:dbmate\n3|adopted:dbmate\n" >expect &&
	origins dm >actual &&
	test_cmp expect actual &&
	msr -u "$(db_url dm)" -d m status >out &&
	test_grep "^2 .*out-of-order" out
'

test_expect_success 'a second adopt records nothing and says so' '
	db_fp dm >before &&
	msr -u "$(db_url dm)" -d m adopt >out 2>err &&
	test_must_be_empty out &&
	test_grep "nothing to adopt: msr records every migration" err &&
	db_fp dm >after &&
	test_cmp before after
'

test_expect_success 'dbmate: versions without files, nothing written' '
	db_new dm2 &&
	dbq dm2 "$dbmate_ddl" &&
	dbq dm2 "INSERT INTO schema_migrations VALUES ('"'1'"'), ('"'20240101000000'"'), ('"'8'"')" &&
	db_fp dm2 >before &&
	test_expect_code 5 msr -u "$(db_url dm2)" -d m adopt dbmate 2>err &&
	test_grep "dbmate applied version 20240101000000, which has no up file" err &&
	test_grep "dbmate applied version 8, which has no up file" err &&
	db_fp dm2 >after &&
	test_cmp before after
'

test_expect_success 'dbmate: a version that is not one of msr' '
	db_new dm3 &&
	dbq dm3 "$dbmate_ddl" &&
	dbq dm3 "INSERT INTO schema_migrations VALUES ('"'1'"'), ('"'2a'"')" &&
	db_fp dm3 >before &&
	test_expect_code 5 msr -u "$(db_url dm3)" -d m adopt 2>err &&
	test_grep "dbmate records version 2a, which is not an msr version" err &&
	db_fp dm3 >after &&
	test_cmp before after
'

test_expect_success 'golang-migrate: a NULL version is refused' '
	db_new gmnull &&
	dbq gmnull "CREATE TABLE schema_migrations (version bigint, dirty boolean)" &&
	dbq gmnull "INSERT INTO schema_migrations VALUES (NULL, $F)" &&
	db_fp gmnull >before &&
	test_expect_code 5 msr -u "$(db_url gmnull)" -d m adopt 2>err &&
	test_grep "golang-migrate records a NULL version, which is not an msr version" err &&
	db_fp gmnull >after &&
	test_cmp before after
'

test_expect_success 'two histories, or Rails: refused until the tool is named' '
	db_new two &&
	dbq two "$dbmate_ddl" &&
	dbq two "$goose_ddl" &&
	dbq two "INSERT INTO schema_migrations VALUES ('"'1'"')" &&
	dbq two "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, $T), (2, $T)" &&
	db_fp two >before &&
	test_expect_code 5 msr -u "$(db_url two)" -d m adopt 2>err &&
	test_grep "more than one tool.s history is in .*: dbmate (schema_migrations), goose (goose_db_version)" err &&
	test_grep "msr adopt TOOL" err &&
	db_fp two >after &&
	test_cmp before after &&
	msr -u "$(db_url two)" -d m adopt goose 2>err &&
	test "$(origins two)" = "2|adopted:goose" &&
	db_new rails &&
	dbq rails "$dbmate_ddl" &&
	dbq rails "CREATE TABLE ar_internal_metadata (key varchar primary key, value varchar)" &&
	dbq rails "INSERT INTO schema_migrations VALUES ('"'1'"')" &&
	test_expect_code 5 msr -u "$(db_url rails)" -d m adopt 2>err &&
	test_grep "Rails (schema_migrations and ar_internal_metadata)" err &&
	msr -u "$(db_url rails)" -d m adopt dbmate 2>err &&
	test "$(origins rails)" = "1|adopted:dbmate"
'

test_expect_success 'goose: the newest row of each version decides; its time is kept' '
	db_new gs &&
	dbq gs "$goose_ddl" &&
	dbq gs "INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES
	    (0, $T, '"'2024-01-02 12:00:00'"'), (1, $T, '"'2024-01-02 12:00:00'"'),
	    (2, $T, '"'2024-01-02 12:00:01'"'), (2, $F, '"'2024-01-02 12:00:02'"'),
	    (3, $T, '"'2024-01-02 12:00:03'"')" &&
	msr -u "$(db_url gs)" -d m adopt >out 2>err &&
	printf "1|adopted:goose\n3|adopted:goose\n" >expect &&
	origins gs >actual &&
	test_cmp expect actual &&
	dbq gs "SELECT applied_at FROM msr_migrations WHERE version = '"'1'"'" >at &&
	test_grep "^2024-01-02" at
'

test_expect_success 'Flyway: a baseline, versioned rows, repeatables left out' '
	db_new fw &&
	dbq fw "$flyway_ddl" &&
	dbq fw "$(flyway_row 1 "'"'1'"'" BASELINE "<< Flyway Baseline >>" $T)" &&
	dbq fw "$(flyway_row 2 "'"'3'"'" SQL V3__t3.sql $T)" &&
	dbq fw "$(flyway_row 3 NULL SQL R__views.sql $T)" &&
	msr -u "$(db_url fw)" -d m adopt >out 2>err &&
	printf "m/1_t1.up.sql\nm/3_t3.up.sql\n" >expect &&
	test_cmp expect out &&
	test_grep "flyway records SQL R__views.sql, which is not a versioned SQL migration: left out" err &&
	printf "1|adopted:flyway\n3|adopted:flyway\n" >expect &&
	origins fw >actual &&
	test_cmp expect actual
'

test_expect_success 'Flyway: a failed row and a dotted version are refused' '
	db_new fw2 &&
	dbq fw2 "$flyway_ddl" &&
	dbq fw2 "$(flyway_row 1 "'"'1'"'" SQL V1__t1.sql $T)" &&
	dbq fw2 "$(flyway_row 2 "'"'2'"'" SQL V2__t2.sql $F)" &&
	db_fp fw2 >before &&
	test_expect_code 5 msr -u "$(db_url fw2)" -d m adopt flyway 2>err &&
	test_grep "flyway records version 2 (SQL V2__t2.sql) as failed half way (success = false)" err &&
	test_grep "Flyway.s repair" err &&
	db_fp fw2 >after &&
	test_cmp before after &&
	db_new fw3 &&
	dbq fw3 "$flyway_ddl" &&
	dbq fw3 "$(flyway_row 1 "'"'1.1'"'" SQL V1_1__t1.sql $T)" &&
	db_fp fw3 >before &&
	test_expect_code 5 msr -u "$(db_url fw3)" -d m adopt 2>err &&
	test_grep "flyway records version 1.1 (SQL V1_1__t1.sql), which is not an msr version" err &&
	db_fp fw3 >after &&
	test_cmp before after
'

test_expect_success 'sql-migrate: ids are file names; their times are kept' '
	db_new sm &&
	dbq sm "$gorp_ddl" &&
	dbq sm "INSERT INTO gorp_migrations VALUES ('"'1_t1.sql'"', '"'2024-01-04 12:00:00'"'), ('"'2_t2.sql'"', '"'2024-01-04 12:00:01'"')" &&
	msr -u "$(db_url sm)" -d m adopt sql-migrate >out 2>err &&
	printf "1|adopted:sql-migrate\n2|adopted:sql-migrate\n" >expect &&
	origins sm >actual &&
	test_cmp expect actual &&
	dbq sm "SELECT applied_at FROM msr_migrations WHERE version = '"'2'"'" >at &&
	test_grep "^2024-01-04" at &&
	db_new sm2 &&
	dbq sm2 "$gorp_ddl" &&
	dbq sm2 "INSERT INTO gorp_migrations VALUES ('"'init.sql'"', NULL)" &&
	db_fp sm2 >before &&
	test_expect_code 5 msr -u "$(db_url sm2)" -d m adopt 2>err &&
	test_grep "sql-migrate records version init.sql, which is not an msr version" err &&
	db_fp sm2 >after &&
	test_cmp before after
'

test_expect_success 'a partial row of msr conflicts; applied rows are kept' '
	db_new mix &&
	dbq mix "$dbmate_ddl" &&
	dbq mix "INSERT INTO schema_migrations VALUES ('"'1'"'), ('"'2'"'), ('"'3'"')" &&
	msr -u "$(db_url mix)" -d m migrate --to 1 2>/dev/null &&
	msr -u "$(db_url mix)" -d m adopt >out 2>err &&
	printf "m/2_t2.up.sql\nm/3_t3.up.sql\n" >expect &&
	test_cmp expect out &&
	printf "1|msr\n2|adopted:dbmate\n3|adopted:dbmate\n" >expect &&
	origins mix >actual &&
	test_cmp expect actual &&
	db_new part &&
	dbq part "$dbmate_ddl" &&
	dbq part "INSERT INTO schema_migrations VALUES ('"'1'"')" &&
	mig p 1_p "-- msr:no-transaction
CREATE TABLE p1 (x integer);
CREATE TABLE p1 (x integer);" &&
	test_expect_code 1 msr -u "$(db_url part)" -d p migrate 2>/dev/null &&
	db_fp part >before &&
	test_expect_code 5 msr -u "$(db_url part)" -d p adopt 2>err &&
	test_grep "p/1_p.up.sql: msr records this migration as partial" err &&
	db_fp part >after &&
	test_cmp before after
'

test_expect_success 'wrong columns, no history, a bad tool, msr.s own table' '
	db_new bad &&
	dbq bad "CREATE TABLE schema_migrations (id integer, name text)" &&
	test_expect_code 5 msr -u "$(db_url bad)" -d m adopt golang-migrate 2>err &&
	test_grep "schema_migrations is not a table of golang-migrate: it has the columns id, name" err &&
	test_grep "golang-migrate.s table has the columns version, dirty" err &&
	test_expect_code 5 msr -u "$(db_url bad)" -d m adopt 2>err &&
	test_grep "no history of golang-migrate" err &&
	test_expect_code 5 msr -u "$(db_url bad)" -d m adopt goose 2>err &&
	test_grep "no table .*goose_db_version, where goose records its history" err &&
	test_expect_code 5 msr -u "$(db_url bad)" -d m adopt --from-table nope 2>err &&
	test_grep "adopt: no table .*\.nope$" err &&
	! grep "columns" err &&
	dbq bad "CREATE TABLE other (id integer)" &&
	test_expect_code 5 msr -u "$(db_url bad)" -d m adopt --from-table other 2>err &&
	test_grep "other is not the history table of" err &&
	dbq bad "DROP TABLE other" &&
	test_expect_code 5 msr -u "$(db_url bad)" -d m adopt --from-schema nope 2>err &&
	test_grep "no history of golang-migrate.* in nope" err &&
	test_expect_code 2 msr -u "$(db_url bad)" -d m adopt --from-table msr_migrations 2>err &&
	test_grep "msr_migrations is msr.s own tracking table" err &&
	test "$(db_tables bad)" = schema_migrations
'

test_expect_success '--table naming another tool.s table says so and points to adopt' '
	db_new tbl &&
	dbq tbl "$golang_ddl" &&
	dbq tbl "INSERT INTO schema_migrations VALUES (2, $F)" &&
	db_fp tbl >before &&
	for c in migrate status check "version" "down --all" "baseline 1"; do
		test_expect_code 2 msr -u "$(db_url tbl)" -d m --table schema_migrations $c 2>err &&
		test_grep "the tracking table .*schema_migrations.* is not msr.s: it has the columns version, dirty" err &&
		test_grep "msr adopt takes that over" err || return 1
	done &&
	db_fp tbl >after &&
	test_cmp before after
'

# adopting DB: until msr reads the history through the slow view of DB.
adopting() {
	case $MSRTEST_DRIVER in
	pg)
		ad_i=0
		until test "$(dbq "$1" "SELECT count(*) FROM pg_stat_activity
		    WHERE application_name = '"'msr'"' AND state = '"'active'"'
		    AND query LIKE '"'%slow%'"'")" = 1; do
			ad_i=$((ad_i + 1))
			[ $ad_i -lt 300 ] || return 1
			sleep 0.1
		done
		;;
	*)
		wait_for "$1.db-msr.lock" pid &&
		sleep 1
		;;
	esac
}

test_expect_success 'SIGINT and SIGTERM while adopt reads the history: 130 and 143, nothing written' '
	db_new sig &&
	if [ "$MSRTEST_DRIVER" = pg ]; then
		dbq sig "CREATE VIEW slow AS SELECT CAST(1 AS text) AS version FROM pg_sleep(60)"
	else
		dbq sig "CREATE VIEW slow AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000000000) SELECT CAST(i AS text) AS version FROM c WHERE i = 2000000000"
	fi &&
	db_fp sig >before &&
	for s in INT:130 TERM:143; do
		msr_bg out err -u "$(db_url sig)" -d m adopt --from-table slow &&
		pid=$! &&
		{ adopting sig || { kill $pid; false; }; } &&
		kill -${s%:*} $pid &&
		{ wait $pid; rc=$?; } &&
		test $rc = ${s#*:} &&
		test_must_be_empty out &&
		test_grep "interrupted by a signal; nothing was changed" err &&
		db_fp sig >after &&
		test_cmp before after || return 1
	done
'

test_expect_success 'bad operands are refused before connecting, masked' '
	test_expect_code 2 msr -u "sqlite:nodir/x.db" -d m adopt liquibase 2>err &&
	test_grep "unknown tool .liquibase.: expected one of golang-migrate, dbmate, goose, flyway, sql-migrate" err &&
	test_expect_code 2 msr -u "sqlite:nodir/x.db" -d m adopt "postgres://u:s3cret@h/db" 2>err &&
	! grep s3cret err &&
	test_expect_code 2 msr -u "sqlite:nodir/x.db" -d m adopt --from-table "" 2>err &&
	test_grep "invalid --from-table" err &&
	long=$(printf "%0200d" 0) &&
	test_expect_code 2 msr -u "sqlite:nodir/x.db" -d m adopt --from-schema "$long" 2>err &&
	test_grep "invalid --from-schema .0*[.][.][.].: expected a name of 1 to 128 bytes" err &&
	test "$(wc -c <err)" -lt 300 &&
	test_expect_code 2 msr -u "sqlite:nodir/x.db" -d m adopt dbmate goose 2>err &&
	test_grep "unexpected argument .goose." err &&
	test_expect_code 2 msr -u "sqlite:nodir/x.db" -d m migrate --from-table x 2>err &&
	test_grep "option .--from-table. does not apply to .migrate." err &&
	test ! -e nodir
'

test_for pg 'a history msr may not read is exit 3, as its own table, nothing written' '
	db_new noread &&
	dbq noread "$golang_ddl" &&
	dbq noread "INSERT INTO schema_migrations VALUES (2, $F);
	    DROP ROLE IF EXISTS adopt_r; CREATE ROLE adopt_r NOLOGIN;
	    GRANT adopt_r TO CURRENT_USER" &&
	fp=$(db_fp noread) &&
	test_expect_code 3 env MSR_POSTGRES_ROLE=adopt_r \
	    "$MSRTEST_BIN" -u "$(db_url noread)" -d m adopt golang-migrate >out 2>err &&
	test_grep "^msr: error: adopt: cannot read golang-migrate.s history in public.schema_migrations: permission denied" err &&
	test_must_be_empty out &&
	test "$(db_fp noread)" = "$fp"
'

test_done
