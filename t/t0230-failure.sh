#!/bin/sh
test_description='a failing migration: position, message, what remains'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

setup_set() {
	rm -rf m app.db* &&
	mig m 1_users "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" &&
	mig m 2_orders "CREATE TABLE orders (id INTEGER PRIMARY KEY);
INSERT INTO orders (id) VALUES (1);" &&
	mig m 3_broken "-- adds a column and an index

ALTER TABLE users ADD COLUMN name TEXT;
CREATE INDEX users_name ON users (name);
UPDATE users
   SET email = lower(emial)
 WHERE id > 0;" &&
	mig m 4_after "CREATE TABLE after_broken (x);"
}

test_expect_success 'per-migration: exit 1, FILE:LINE:COL and SQLite message' '
	setup_set &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "^msr: error: m/3_broken.up.sql:6:22: no such column: emial (SQLITE_ERROR)" err &&
	test_grep "^    6 |    SET email = lower(emial)" err &&
	test_grep "^      |                      ^" err
'

test_expect_success 'per-migration: the error says what state the database is in' '
	test_grep "3_broken: rolled back, nothing of it remains" err &&
	test_grep "applied 2 of 4 migrations; the database is at version 2" err
'

test_expect_success 'per-migration: earlier migrations of the run remain' '
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2" &&
	test "$(sq app.db "SELECT count(*) FROM orders")" = 1
'

test_expect_success 'per-migration: nothing of the failed migration remains' '
	sq app.db "SELECT sql FROM sqlite_master WHERE name = '\''users'\''" >sql &&
	test_grep -v "name TEXT" sql &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''users_name'\''")" = 0 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name = '\''after_broken'\''")" = 0
'

test_expect_success 'per-migration: the audit table records the failure' '
	test "$(sq app.db "SELECT action, version, outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "up|3|failed" &&
	sq app.db "SELECT message FROM msr_migrations_log ORDER BY id DESC LIMIT 1" >msg &&
	test_grep "no such column: emial" msg
'

test_expect_success 'a runtime error names the statement that failed' '
	rm -rf r rt.db* &&
	mig r 1_t "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);" &&
	mig r 2_fill "INSERT INTO t (v) VALUES ('\''a'\'');

INSERT INTO t (v) VALUES (NULL);" &&
	test_expect_code 1 msr -u sqlite:rt.db -d r migrate 2>err &&
	test_grep "r/2_fill.up.sql:3:1: NOT NULL constraint failed: t.v (SQLITE_CONSTRAINT)" err &&
	test "$(sq rt.db "SELECT count(*) FROM t")" = 0
'

test_expect_success 'a syntax error points at the token' '
	rm -rf s st.db* &&
	mig s 1_bad "CREATE TABLE ok (x);
CREATE TABEL bad (x);" &&
	test_expect_code 1 msr -u sqlite:st.db -d s migrate 2>err &&
	test_grep "s/1_bad.up.sql:2:8: near \"TABEL\": syntax error" err &&
	test "$(sq st.db "SELECT count(*) FROM sqlite_master WHERE name = '\''ok'\''")" = 0
'

test_expect_success 'a file with CRLF line ends and a BOM reports the same position' '
	rm -rf c ct.db* && mkdir c &&
	printf "\357\273\277CREATE TABLE a (x);\r\nSELECT nope FROM a;\r\n" >c/1_crlf.up.sql &&
	test_expect_code 1 msr -u sqlite:ct.db -d c migrate 2>err &&
	test_grep "c/1_crlf.up.sql:2:8: no such column: nope" err
'

test_expect_success 'per-batch: a failure leaves nothing of the batch' '
	setup_set &&
	msr -u sqlite:app.db -d m migrate --to 1 &&
	db_fingerprint app.db | grep -v msr_migrations_log >before &&
	test_expect_code 1 msr -u sqlite:app.db -d m --transaction per-batch migrate 2>err &&
	test_grep "m/3_broken.up.sql:6:22: no such column: emial" err &&
	test_grep "batch was rolled back: nothing of its 3 migrations remains" err &&
	db_fingerprint app.db | grep -v msr_migrations_log >after &&
	test_cmp before after
'

test_expect_success 'per-batch: applies everything in one transaction when it works' '
	rm -f m/3_broken.up.sql &&
	mig m 3_fixed "ALTER TABLE users ADD COLUMN name TEXT;" &&
	msr -u sqlite:app.db -d m migrate --transaction per-batch 2>err &&
	test_grep "applied 3 migrations" err &&
	test "$(sq app.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2,3,4"
'

test_expect_success 'per-batch refuses a file that cannot run in a transaction' '
	mig m 5_vacuum "VACUUM;" &&
	db_fingerprint app.db >before &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --transaction per-batch 2>err &&
	test_grep "5_vacuum.up.sql cannot run in a per-batch transaction" err &&
	db_fingerprint app.db >after &&
	test_cmp before after
'

test_expect_success '--json reports the failure as an event' '
	setup_set &&
	test_expect_code 1 msr -u sqlite:app.db -d m migrate --json >events 2>err &&
	python3 - <<-\PY
	import json
	ev = [json.loads(l) for l in open("events")]
	names = [e["event"] for e in ev]
	assert names.count("migration_applied") == 2, names
	f = [e for e in ev if e["event"] == "migration_failed"][0]
	assert f["version"] == "3" and f["line"] == 6 and f["column"] == 22, f
	assert f["code"] == "SQLITE_ERROR", f
	s = ev[-1]
	assert s["event"] == "summary" and s["ok"] is False, s
	PY
'

test_done
