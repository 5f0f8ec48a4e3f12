#!/bin/sh
test_description='tables that 0.1 made: msr adds the columns of 0.2
(origin, run_id) in the transaction of its first change, records where
rows come from and the id of the run'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# old NAME: a new database NAME whose tables were made from 0.1's DDL,
# by the user msr connects as.
old() {
	db_new "$1" &&
	case $MSRTEST_DRIVER in
	pg) pg_psql "$1" -f "$MSRTEST_SRCDIR/t/fixtures/postgres-0.1.sql" ;;
	*) sqlite3 -batch "$1.db" <"$MSRTEST_SRCDIR/t/fixtures/sqlite-0.1.sql" ;;
	esac
}

# cols NAME TABLE: the columns of TABLE, in order, on one line.
cols() {
	case $MSRTEST_DRIVER in
	pg) dbq "$1" "SELECT attname FROM pg_attribute
	    WHERE attrelid = '$2'::regclass AND attnum > 0
	    AND NOT attisdropped ORDER BY attnum" ;;
	*) dbq "$1" "SELECT name FROM pragma_table_info('$2')" ;;
	esac | tr '\n' ' '
}

# run_id FILE: the run id that msr -v printed in FILE.
run_id() {
	sed -n 's/^msr: run id //p' "$1"
}

test_expect_success 'the fixtures are the DDL of 0.1: no origin, no run_id' '
	old o &&
	cols o msr_migrations >before &&
	test_grep -v "origin" before &&
	cols o msr_migrations_log >before_log &&
	test_grep -v "run_id" before_log
'

test_expect_success 'a migration that fails adds no column and changes no row' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);
SELECT * FROM no_such_table;" "DROP TABLE b;" &&
	rm m/1_a.up.sql m/1_a.down.sql &&
	test_expect_code 1 msr -u "$(db_url o)" -d m migrate 2>err &&
	test_grep "rolled back" err &&
	test "$(cols o msr_migrations)" = "$(cat before)" &&
	test "$(cols o msr_migrations_log)" = "$(cat before_log)" &&
	test "$(dbq o "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(dbq o "SELECT action, version, outcome FROM msr_migrations_log")" = "up|2|failed" &&
	test "$(db_tables o)" = ""
'

test_expect_success 'the first run that changes something adds them, and records origin and run id' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(db_url o)" -d m -v migrate 2>err &&
	test_grep "applied 2 migrations" err &&
	test_grep -v "notice" err &&
	test "$(cols o msr_migrations)" = "$(cat before)origin " &&
	test "$(cols o msr_migrations_log)" = "$(cat before_log)run_id " &&
	test "$(dbq o "SELECT version, origin FROM msr_migrations ORDER BY seq")" = "1|msr
2|msr" &&
	id=$(run_id err) &&
	echo "$id" | grep -Eq "^[0-9a-f]{32}$" &&
	test "$(dbq o "SELECT action, version, outcome, run_id FROM msr_migrations_log ORDER BY id")" = "up|2|failed|
up|1|ok|$id
up|2|ok|$id"
'

test_expect_success 'status shows where rows come from; a row of 0.1 is msr'\''s' '
	dbq o "UPDATE msr_migrations SET origin = NULL WHERE version = '\''1'\''" &&
	msr -u "$(db_url o)" -d m status >out &&
	test_grep "^1  *a  *applied  *[0-9T:.Z-]* ([0-9]* ms)$" out &&
	msr -u "$(db_url o)" -d m status --json >out.json &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
o = [m[\"origin\"] for m in d[\"migrations\"]]
sys.exit(o != [\"msr\", \"msr\"])
"
'

test_expect_success 'baseline records origin baseline; status does not show it as run' '
	old bl &&
	mig b 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig b 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	mig b 3_c "CREATE TABLE c (x integer);" "DROP TABLE c;" &&
	msr -u "$(db_url bl)" -d b -v baseline 2 2>err &&
	id=$(run_id err) &&
	test "$(dbq bl "SELECT version, origin FROM msr_migrations ORDER BY seq")" = "1|baseline
2|baseline" &&
	test "$(dbq bl "SELECT DISTINCT action, run_id FROM msr_migrations_log")" = "baseline|$id" &&
	msr -u "$(db_url bl)" -d b migrate 2>err &&
	msr -u "$(db_url bl)" -d b status >out &&
	test_grep "^1  *a  *applied  *[0-9T:.Z-]* (baseline)$" out &&
	test_grep "^3  *c  *applied  *[0-9T:.Z-]* ([0-9]* ms)$" out &&
	test_grep -v "^1 .*ms)" out &&
	msr -u "$(db_url bl)" -d b status --json >out.json &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
o = [(m[\"version\"], m[\"origin\"]) for m in d[\"migrations\"]]
sys.exit(o != [(\"1\", \"baseline\"), (\"2\", \"baseline\"), (\"3\", \"msr\")])
"
'

test_expect_success 'repair adds the columns and keeps the origin of a row' '
	old rp &&
	msr -u "$(db_url rp)" -d b baseline 1 2>err &&
	old rp2 &&
	case $MSRTEST_DRIVER in
	pg) dbq rp2 "INSERT INTO msr_migrations (version, name, checksum,
	    applied_at, seq) VALUES ('\''1'\'', '\''a'\'', '\''0'\'', now(), 1)" ;;
	*) dbq rp2 "INSERT INTO msr_migrations (version, name, checksum,
	    applied_at, seq) VALUES ('\''1'\'', '\''a'\'', '\''0'\'', '\''2025-01-01T00:00:00.000Z'\'', 1)" ;;
	esac &&
	msr -u "$(db_url rp2)" -d b -v repair >out 2>err &&
	test_grep "checksum .* accepted" out &&
	test "$(cols rp2 msr_migrations)" = "$(cat before)origin " &&
	test "$(dbq rp2 "SELECT version, origin IS NULL FROM msr_migrations")" = "1|$(dbq rp2 "SELECT 1 = 1")" &&
	test "$(dbq rp2 "SELECT action, run_id FROM msr_migrations_log")" = "repair|$(run_id err)"
'

test_expect_success 'per batch: the columns come with the batch, and go with it' '
	old pb &&
	mig p 1_a "CREATE TABLE a (x integer);" &&
	mig p 2_b "SELECT * FROM no_such_table;" &&
	test_expect_code 1 msr -u "$(db_url pb)" -d p --transaction per-batch migrate 2>err &&
	test "$(cols pb msr_migrations)" = "$(cat before)" &&
	test "$(cols pb msr_migrations_log)" = "$(cat before_log)" &&
	test "$(dbq pb "SELECT action, outcome FROM msr_migrations_log")" = "up|failed" &&
	mig p 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(db_url pb)" -d p -v --transaction per-batch migrate 2>err &&
	test "$(dbq pb "SELECT version, origin FROM msr_migrations ORDER BY seq")" = "1|msr
2|msr" &&
	test "$(dbq pb "SELECT count(*) FROM msr_migrations_log WHERE run_id = '\''$(run_id err)'\''")" = 2
'

test_expect_success 'no transaction: the partial row comes with the columns, in one transaction' '
	old nt &&
	mig n 1_nt "-- msr:no-transaction
CREATE TABLE a (x integer);
SELECT * FROM no_such_table;" &&
	test_expect_code 1 msr -u "$(db_url nt)" -d n -v migrate 2>err &&
	test_grep "is partial" err &&
	test "$(dbq nt "SELECT version, state, statements_done, origin FROM msr_migrations")" = "1|partial|1|msr" &&
	test "$(dbq nt "SELECT action, outcome, run_id FROM msr_migrations_log")" = "up|partial|$(run_id err)"
'

test_expect_success 'every audit row of a run has its id; two runs differ' '
	db_new ids &&
	mig i 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig i 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(db_url ids)" -d i migrate 2>err &&
	msr -u "$(db_url ids)" -d i down --all 2>err &&
	test "$(dbq ids "SELECT count(DISTINCT run_id) FROM msr_migrations_log")" = 2 &&
	test "$(dbq ids "SELECT count(*) FROM msr_migrations_log WHERE run_id IS NULL")" = 0 &&
	dbq ids "SELECT DISTINCT run_id FROM msr_migrations_log" >ids &&
	test "$(grep -Ec "^[0-9a-f]{32}$" ids)" = 2 &&
	test "$(dbq ids "SELECT action, count(DISTINCT run_id) FROM msr_migrations_log GROUP BY action ORDER BY action")" = "down|1
up|1"
'

test_expect_success 'every JSON event of a run has the run id of its audit rows, after time' '
	msr -u "$(db_url ids)" -d i --json -v migrate >events 2>err &&
	id=$(run_id err) &&
	python3 -c "
import json, sys
ids = set()
for line in open(\"events\"):
    e = json.loads(line)
    if list(e)[:3] != [\"event\", \"time\", \"run_id\"]:
        sys.exit(\"not third: %s\" % line)
    ids.add(e[\"run_id\"])
sys.exit(ids != {\"$id\"})
" &&
	test "$(dbq ids "SELECT count(*) FROM msr_migrations_log WHERE run_id = '\''$id'\''")" = 2
'

test_expect_success 'commands that only read add no column and say nothing' '
	old ro &&
	mig r 1_a "CREATE TABLE a (x integer);" &&
	msr -u "$(db_url ro)" -d r status >out 2>err &&
	msr -u "$(db_url ro)" -d r status --json >out 2>>err &&
	test_expect_code 5 msr -u "$(db_url ro)" -d r check 2>>err &&
	msr -u "$(db_url ro)" -d r validate 2>>err &&
	msr -u "$(db_url ro)" -d r version >out 2>>err &&
	msr -u "$(db_url ro)" -d r migrate --dry-run >out 2>>err &&
	test_grep -v "notice" err &&
	test "$(cols ro msr_migrations)" = "$(cat before)" &&
	test "$(cols ro msr_migrations_log)" = "$(cat before_log)"
'

test_expect_success 'an origin column whose CHECK refuses msr'\''s values: the run fails and rolls back' '
	old bad &&
	dbq bad "ALTER TABLE msr_migrations ADD COLUMN origin text CHECK (origin IN ('\''flyway'\''))" &&
	mig x 1_a "CREATE TABLE a (x integer);" &&
	test_expect_code 1 msr -u "$(db_url bad)" -d x migrate 2>err &&
	test_grep "error: cannot write the tracking row of 1_a: .*" err &&
	test_grep "rolled back, nothing of it remains" err &&
	test "$(dbq bad "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(db_tables bad)" = "" &&
	test "$(cols bad msr_migrations_log)" = "$(cat before_log)"
'

test_done
