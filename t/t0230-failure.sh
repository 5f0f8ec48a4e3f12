#!/bin/sh
test_description='a failing migration: position, message, what remains'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

setup_set() {
	rm -rf m &&
	db_new app &&
	mig m 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" &&
	mig m 2_orders "CREATE TABLE orders (id INTEGER PRIMARY KEY);
INSERT INTO orders (id) VALUES (1);" &&
	mig m 3_broken "-- adds a column and an index

ALTER TABLE users ADD COLUMN name TEXT;
CREATE INDEX users_name ON users (name);
UPDATE users
   SET email = lower(emial)
 WHERE id > 0;" &&
	mig m 4_after "CREATE TABLE after_broken (x integer);"
}

# fp_without_log DB: db_fp without the audit table's rows, which a
# failure adds to.
fp_without_log() {
	case $MSRTEST_DRIVER in
	pg) db_fp "$1" | sed '/^COPY [a-z_.]*msr_migrations_log /,/^\\\.$/d' ;;
	*) db_fp "$1" | grep -v msr_migrations_log ;;
	esac
}

test_expect_success 'per-migration: exit 1, FILE:LINE:COL and the message' '
	setup_set &&
	test_expect_code 1 msr -u "$(db_url app)" -d m migrate 2>err &&
	case $MSRTEST_DRIVER in
	pg)
		test_grep "^msr: error: m/3_broken.up.sql:6:22: column \"emial\" does not exist (42703)$" err &&
		test_grep "^    HINT: Perhaps you meant to reference the column \"users.email\".$" err
		;;
	*)
		test_grep "^msr: error: m/3_broken.up.sql:6:22: no such column: emial (SQLITE_ERROR)" err
		;;
	esac &&
	test_grep "^    6 |    SET email = lower(emial)" err &&
	test_grep "^      |                      ^" err
'

test_expect_success 'per-migration: the error says what state the database is in' '
	test_grep "3_broken: rolled back, nothing of it remains" err &&
	test_grep "applied 2 of 4 migrations; the database is at version 2" err
'

test_expect_success 'per-migration: earlier migrations of the run remain' '
	test "$(versions app)" = "1,2" &&
	test "$(dbq app "SELECT count(*) FROM orders")" = 1
'

test_expect_success 'per-migration: nothing of the failed migration remains' '
	test_must_fail dbq app "SELECT name FROM users" 2>qerr &&
	case $MSRTEST_DRIVER in
	pg) test_grep "column \"name\" does not exist" qerr ;;
	*) test_grep "no such column: name" qerr ;;
	esac &&
	db_schema app >schema &&
	test_grep -v "users_name" schema &&
	db_tables app >tables &&
	printf "%s\n" orders users >want &&
	test_cmp want tables
'

test_expect_success 'per-migration: the audit table records the failure' '
	test "$(dbq app "SELECT action, version, outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "up|3|failed" &&
	dbq app "SELECT message FROM msr_migrations_log ORDER BY id DESC LIMIT 1" >msg &&
	case $MSRTEST_DRIVER in
	pg) test_grep "column \"emial\" does not exist" msg ;;
	*) test_grep "no such column: emial" msg ;;
	esac
'

test_expect_success 'a runtime error names the statement that failed' '
	rm -rf r &&
	db_new rt &&
	mig r 1_t "CREATE TABLE t (id INTEGER, v TEXT NOT NULL);" &&
	mig r 2_fill "INSERT INTO t (v) VALUES ('\''a'\'');

INSERT INTO t (v) VALUES (NULL);" &&
	test_expect_code 1 msr -u "$(db_url rt)" -d r migrate 2>err &&
	case $MSRTEST_DRIVER in
	pg) test_grep "r/2_fill.up.sql:3:1: null value in column \"v\" of relation \"t\" violates not-null constraint (23502)" err ;;
	*) test_grep "r/2_fill.up.sql:3:1: NOT NULL constraint failed: t.v (SQLITE_CONSTRAINT)" err ;;
	esac &&
	test "$(dbq rt "SELECT count(*) FROM t")" = 0
'

test_expect_success 'a syntax error points at the token' '
	rm -rf s &&
	db_new st &&
	mig s 1_bad "CREATE TABLE ok (x integer);
CREATE TABEL bad (x integer);" &&
	test_expect_code 1 msr -u "$(db_url st)" -d s migrate 2>err &&
	case $MSRTEST_DRIVER in
	pg) test_grep "s/1_bad.up.sql:2:8: syntax error at or near \"TABEL\" (42601)" err ;;
	*) test_grep "s/1_bad.up.sql:2:8: near \"TABEL\": syntax error" err ;;
	esac &&
	db_tables st >tables &&
	test_must_be_empty tables
'

test_expect_success 'a file with CRLF line ends and a BOM reports the same position' '
	rm -rf c && mkdir c &&
	db_new ct &&
	printf "\357\273\277CREATE TABLE a (x integer);\r\nSELECT nope FROM a;\r\n" >c/1_crlf.up.sql &&
	test_expect_code 1 msr -u "$(db_url ct)" -d c migrate 2>err &&
	case $MSRTEST_DRIVER in
	pg) test_grep "c/1_crlf.up.sql:2:8: column \"nope\" does not exist" err ;;
	*) test_grep "c/1_crlf.up.sql:2:8: no such column: nope" err ;;
	esac
'

test_expect_success 'per-batch: a failure leaves nothing of the batch' '
	setup_set &&
	msr -u "$(db_url app)" -d m migrate --to 1 &&
	fp_without_log app >before &&
	test_expect_code 1 msr -u "$(db_url app)" -d m --transaction per-batch migrate 2>err &&
	case $MSRTEST_DRIVER in
	pg) test_grep "m/3_broken.up.sql:6:22: column \"emial\" does not exist" err ;;
	*) test_grep "m/3_broken.up.sql:6:22: no such column: emial" err ;;
	esac &&
	test_grep "batch was rolled back: nothing of its 3 migrations remains" err &&
	fp_without_log app >after &&
	test_cmp before after
'

test_expect_success 'per-batch: applies everything in one transaction when it works' '
	rm -f m/3_broken.up.sql &&
	mig m 3_fixed "ALTER TABLE users ADD COLUMN name TEXT;" &&
	msr -u "$(db_url app)" -d m migrate --transaction per-batch 2>err &&
	test_grep "applied 3 migrations" err &&
	test "$(versions app)" = "1,2,3,4"
'

test_expect_success 'per-batch on a new database: one transaction, the tables too' '
	db_new fresh &&
	msr -u "$(db_url fresh)" -d m migrate --transaction per-batch 2>err &&
	test_grep "applied 4 migrations" err &&
	test "$(versions fresh)" = "1,2,3,4" &&
	test "$(dbq fresh "SELECT count(*) FROM msr_migrations_log
	    WHERE outcome = '\''ok'\''")" = 4 &&
	if test "$MSRTEST_DRIVER" = pg
	then
		# Every row and table written has the xmin of one transaction.
		dbq fresh "SELECT xmin FROM msr_migrations
		    UNION SELECT xmin FROM msr_migrations_log
		    UNION SELECT xmin FROM pg_catalog.pg_class
		    WHERE relnamespace = current_schema()::regnamespace" >xids &&
		test "$(wc -l <xids)" -eq 1
	fi
'

test_expect_success 'per-batch failing on a new database: the tables and the audit row remain' '
	db_new fresh &&
	mig m 5_broken "INSERT INTO no_such_table VALUES (1);" &&
	test_expect_code 1 msr -u "$(db_url fresh)" -d m migrate --transaction per-batch 2>err &&
	test_grep "nothing of its 5 migrations remains" err &&
	test "$(db_tables fresh)" = "" &&
	test "$(dbq fresh "SELECT count(*) FROM msr_migrations")" = 0 &&
	dbq fresh "SELECT action, version, outcome FROM msr_migrations_log" >log &&
	echo "up|5|failed" >expect &&
	test_cmp expect log &&
	rm -f m/5_broken.up.sql
'

# refuse DB TABLE COLUMN VALUE: makes inserts into msr's TABLE whose
# COLUMN is VALUE fail, as a broken or over-strict tracking table would.
refuse() {
	case $MSRTEST_DRIVER in
	pg) dbq "$1" "ALTER TABLE $2 ADD CONSTRAINT refused
	    CHECK ($3 <> '$4') NOT VALID" ;;
	*) dbq "$1" "CREATE TRIGGER refused BEFORE INSERT ON $2
	    WHEN NEW.$3 = '$4' BEGIN SELECT RAISE(ABORT, 'refused'); END" ;;
	esac
}

test_expect_success 'a tracking row that cannot be written: named, exit 1, the migration rolled back' '
	db_new tr &&
	rm -rf trm &&
	mig trm 1_a "CREATE TABLE a (x integer);" &&
	mig trm 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(db_url tr)" -d trm migrate --to 1 &&
	refuse tr msr_migrations version 2 &&
	test_expect_code 1 msr -u "$(db_url tr)" -d trm migrate 2>err &&
	test_grep "^msr: error: cannot write the tracking row of 2_b: .*refused" err &&
	test_grep "^msr: 2_b: rolled back, nothing of it remains$" err &&
	test "$(db_tables tr)" = a &&
	test "$(versions tr)" = 1
'

test_expect_success 'an audit row that cannot be written: named, exit 1, the migration rolled back' '
	db_new au &&
	msr -u "$(db_url au)" -d trm migrate --to 1 &&
	refuse au msr_migrations_log outcome ok &&
	test_expect_code 1 msr -u "$(db_url au)" -d trm migrate 2>err &&
	test_grep "^msr: error: cannot write the audit row of 2_b: .*refused" err &&
	test_grep "^msr: 2_b: rolled back, nothing of it remains$" err &&
	test "$(db_tables au)" = a &&
	test "$(versions au)" = 1
'

test_expect_success 'per-batch refuses a file that cannot run in a transaction' '
	mig m 5_vacuum "VACUUM;" &&
	db_fp app >before &&
	test_expect_code 2 msr -u "$(db_url app)" -d m migrate --transaction per-batch 2>err &&
	test_grep "5_vacuum.up.sql cannot run in a per-batch transaction" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success '--json reports the failure as an event' '
	setup_set &&
	test_expect_code 1 msr -u "$(db_url app)" -d m migrate --json >events 2>err &&
	case $MSRTEST_DRIVER in
	pg) code=42703 ;;
	*) code=SQLITE_ERROR ;;
	esac &&
	CODE=$code python3 - <<-\PY
	import json, os
	ev = [json.loads(l) for l in open("events")]
	names = [e["event"] for e in ev]
	assert names.count("migration_applied") == 2, names
	f = [e for e in ev if e["event"] == "migration_failed"][0]
	assert f["version"] == "3" and f["line"] == 6 and f["column"] == 22, f
	assert f["code"] == os.environ["CODE"], f
	s = ev[-1]
	assert s["event"] == "summary" and s["ok"] is False, s
	PY
'

test_expect_success 'an error in a long line: an excerpt of 120 columns, the caret under it' '
	db_new long &&
	mkdir -p lg &&
	awk "BEGIN { printf \"CREATE TABLE t (x integer);\\nINSERT INTO t VALUES \";
	    for (i = 0; i < 20000; i++) printf \"(%d), \", i;
	    printf \"(nosuchcol)\";
	    for (i = 0; i < 2000; i++) printf \", (%d)\", i;
	    printf \";\\n\" }" >lg/1_long.up.sql &&
	test_expect_code 1 msr -u "$(db_url long)" -d lg migrate 2>err &&
	test $(wc -c <err) -lt 2000 &&
	grep "^    2 | \\.\\.\\..*\\.\\.\\.$" err >excerpt &&
	test "$(wc -L <excerpt)" -le 128 &&
	grep -A1 "^    2 | " err | tail -n 1 >caret &&
	test "$(awk "{ print index(\$0, \"nosuchcol\") }" excerpt)" = \
	    "$(awk "{ print index(\$0, \"^\") }" caret)"
'

test_expect_success 'a short line is shown whole, without dots' '
	mkdir -p sl &&
	printf "CREATE TABLE s (x integer);\nSELECT nosuchcol FROM s;\n" >sl/1_s.up.sql &&
	db_new short &&
	test_expect_code 1 msr -u "$(db_url short)" -d sl migrate 2>err &&
	test_grep "^    2 | SELECT nosuchcol FROM s;$" err
'

test_done
