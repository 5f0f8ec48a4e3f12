#!/bin/sh
test_description='700 migrations: up, down --all, up again'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

N=700

test_expect_success 'generate migrations' '
	mkdir m &&
	i=1 &&
	while [ $i -le $N ]; do
		v=$(printf "%04d" $i)
		{
			echo "-- migration $i"
			echo "CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT NOT NULL DEFAULT '\''x;y'\'');"
			echo "CREATE INDEX t${i}_v ON t$i (v);"
			echo "INSERT INTO t$i (id, v) VALUES (1, '\''a'\''), (2, '\''b;c'\'');"
		} >m/${v}_table_$i.up.sql &&
		echo "DROP TABLE t$i;" >m/${v}_table_$i.down.sql &&
		i=$((i + 1)) || return 1
	done &&
	ls m | wc -l >count &&
	test "$(cat count)" -eq $((2 * N)) &&
	db_new app
'

test_expect_success 'all apply' '
	msr -u "$(db_url app)" -d m migrate 2>err &&
	test_grep "applied $N migrations" err &&
	test "$(dbq app "SELECT count(*) FROM msr_migrations WHERE state = '\''applied'\''")" -eq $N &&
	db_tables app >tables &&
	test "$(grep -c "^t[0-9]*$" tables)" -eq $N &&
	test "$(wc -l <tables)" -eq $N &&
	test "$(dbq app "SELECT v FROM t$N ORDER BY id" | tr "\n" " ")" = "a b;c " &&
	db_schema app >schema1
'

test_expect_success 'status --json and check agree with the database' '
	msr -u "$(db_url app)" -d m status --json >status.json &&
	python3 -c "
import json, sys
d = json.load(open(\"status.json\"))
ms = d[\"migrations\"]
assert len(ms) == $N, len(ms)
assert all(m[\"state\"] == \"applied\" for m in ms)
assert all(m[\"checksum_ok\"] for m in ms)
assert d[\"version\"] == \"%04d\" % $N, d[\"version\"]
" &&
	msr -u "$(db_url app)" -d m check &&
	msr -u "$(db_url app)" -d m version >v &&
	test "$(cat v)" = 0700
'

test_expect_success 'down --all rolls every one back' '
	msr -u "$(db_url app)" -d m down --all 2>err &&
	test_grep "rolled back $N migrations" err &&
	test "$(dbq app "SELECT count(*) FROM msr_migrations")" -eq 0 &&
	db_tables app >tables &&
	test_must_be_empty tables &&
	db_schema app >schema &&
	test_must_be_empty schema &&
	msr -u "$(db_url app)" -d m version >v &&
	test "$(cat v)" = none
'

test_expect_success 'check fails while migrations are pending' '
	test_expect_code 5 msr -u "$(db_url app)" -d m check 2>err &&
	test_grep "pending" err
'

test_expect_success 'apply again: the same schema' '
	msr -u "$(db_url app)" -d m migrate 2>err &&
	db_schema app >schema2 &&
	test_cmp schema1 schema2 &&
	msr -u "$(db_url app)" -d m check
'

test_expect_success 'the audit table holds every action' '
	test "$(dbq app "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\'' AND outcome = '\''ok'\''")" -eq $((2 * N)) &&
	test "$(dbq app "SELECT count(*) FROM msr_migrations_log WHERE action = '\''down'\'' AND outcome = '\''ok'\''")" -eq $N
'

test_done
