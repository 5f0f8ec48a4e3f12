#!/bin/sh
test_description='700 migrations: up, down --all, up again'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

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
			echo "INSERT INTO t$i (v) VALUES ('\''a'\''), ('\''b;c'\'');"
		} >m/${v}_table_$i.up.sql &&
		echo "DROP TABLE t$i;" >m/${v}_table_$i.down.sql &&
		i=$((i + 1)) || return 1
	done &&
	ls m | wc -l >count &&
	test "$(cat count)" -eq $((2 * N))
'

test_expect_success 'all apply' '
	msr -u sqlite:app.db -d m migrate 2>err &&
	test_grep "applied $N migrations" err &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations WHERE state = '\''applied'\''")" -eq $N &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE type = '\''table'\'' AND name LIKE '\''t%'\''")" -eq $N &&
	schema_of app.db >schema1
'

test_expect_success 'status --json and check agree with the database' '
	msr -u sqlite:app.db -d m status --json >status.json &&
	python3 -c "
import json, sys
d = json.load(open(\"status.json\"))
ms = d[\"migrations\"]
assert len(ms) == $N, len(ms)
assert all(m[\"state\"] == \"applied\" for m in ms)
assert all(m[\"checksum_ok\"] for m in ms)
assert d[\"version\"] == \"%04d\" % $N, d[\"version\"]
" &&
	msr -u sqlite:app.db -d m check &&
	msr -u sqlite:app.db -d m version >v &&
	test "$(cat v)" = 0700
'

test_expect_success 'down --all rolls every one back' '
	msr -u sqlite:app.db -d m down --all 2>err &&
	test_grep "rolled back $N migrations" err &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations")" -eq 0 &&
	test "$(sq app.db "SELECT count(*) FROM sqlite_master WHERE name LIKE '\''t%'\''")" -eq 0 &&
	msr -u sqlite:app.db -d m version >v &&
	test "$(cat v)" = none
'

test_expect_success 'check fails while migrations are pending' '
	test_expect_code 5 msr -u sqlite:app.db -d m check 2>err &&
	test_grep "pending" err
'

test_expect_success 'apply again: the same schema' '
	msr -u sqlite:app.db -d m migrate 2>err &&
	schema_of app.db >schema2 &&
	test_cmp schema1 schema2 &&
	msr -u sqlite:app.db -d m check
'

test_expect_success 'the audit table holds every action' '
	test "$(sq app.db "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\'' AND outcome = '\''ok'\''")" -eq $((2 * N)) &&
	test "$(sq app.db "SELECT count(*) FROM msr_migrations_log WHERE action = '\''down'\'' AND outcome = '\''ok'\''")" -eq $N
'

test_done
