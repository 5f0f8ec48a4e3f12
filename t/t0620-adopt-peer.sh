#!/bin/sh
test_description='adopt the history that the real dbmate and sql-migrate wrote, and keep dbmate'"'"'s table for dbmate, on SQLite and PostgreSQL'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"
. "$MSRTEST_SRCDIR/t/lib-peer.sh"

# newdb DRIVER NAME: a fresh database.
newdb() {
	if [ "$1" = pg ]; then
		pg_newdb "$2" >/dev/null
	else
		rm -f "$2.db"
	fi
}

# url DRIVER NAME: msr's URL of it.
url() {
	if [ "$1" = pg ]; then
		pg_url "$2"
	else
		printf 'sqlite:%s.db\n' "$2"
	fi
}

# q DRIVER NAME SQL
q() {
	if [ "$1" = pg ]; then
		pgq "$2" "$3"
	else
		sq "$2.db" "$3"
	fi
}

test_expect_success 'setup: a dbmate set of four, and the same as sql-migrate files' '
	mkdir -p dbm sm &&
	n=0 &&
	for t in users orders items tags; do
		n=$((n + 1)) &&
		printf "%s\n" "-- migrate:up" "CREATE TABLE $t (id integer PRIMARY KEY, note text);" \
		    "INSERT INTO $t (id) VALUES ($n);" \
		    "-- migrate:down" "DROP TABLE $t;" >dbm/2024010100000${n}_$t.sql &&
		printf "%s\n" "-- +migrate Up" "CREATE TABLE $t (id integer PRIMARY KEY, note text);" \
		    "INSERT INTO $t (id) VALUES ($n);" \
		    "-- +migrate Down" "DROP TABLE $t;" >sm/${n}_$t.sql || return 1
	done &&
	printf "[migrations]\ndir = m-dbm\n" >dbm.ini &&
	msr -c dbm.ini convert dbmate dbm >/dev/null &&
	printf "[migrations]\ndir = m-sm\n" >sm.ini &&
	msr -c sm.ini convert sql-migrate sm >/dev/null &&
	test "$(ls m-dbm | wc -l)" = 8 &&
	test "$(ls m-sm | wc -l)" = 8
'

for d in sqlite pg; do
	test_expect_success "$d: half migrated by dbmate, adopted and finished by msr: the schema of msr alone" '
		newdb $d fresh-$d &&
		msr -u "$(url $d fresh-$d)" -c dbm.ini migrate 2>/dev/null &&
		peer_schema $d fresh-$d >fresh.schema &&
		newdb $d half-$d &&
		peer_dbmate $d half-$d dbm up >out 2>&1 &&
		peer_dbmate $d half-$d dbm rollback >>out 2>&1 &&
		peer_dbmate $d half-$d dbm rollback >>out 2>&1 &&
		test "$(q $d half-$d "SELECT count(*) FROM schema_migrations")" = 2 &&
		q $d half-$d "SELECT * FROM schema_migrations ORDER BY 1" >before &&
		msr -u "$(url $d half-$d)" -c dbm.ini adopt >out 2>err &&
		test_grep "recorded 2 migrations that dbmate applied" err &&
		test "$(cat out)" = "$(printf "m-dbm/20240101000001_users.up.sql\nm-dbm/20240101000002_orders.up.sql")" &&
		q $d half-$d "SELECT * FROM schema_migrations ORDER BY 1" >after &&
		test_cmp before after &&
		msr -u "$(url $d half-$d)" -c dbm.ini migrate 2>err &&
		test_grep "applied 2 migrations" err &&
		peer_schema $d half-$d >half.schema &&
		test_cmp fresh.schema half.schema &&
		test "$(q $d half-$d "SELECT count(*) FROM orders")" = 1
	'

	test_expect_success "$d: adopt what the real sql-migrate applied, with its times" '
		newdb $d sm-$d &&
		peer_sql_migrate $d sm-$d sm up -limit=3 >out 2>&1 &&
		msr -u "$(url $d sm-$d)" -c sm.ini adopt --dry-run >out 2>err &&
		test "$(wc -l <out)" = 3 &&
		msr -u "$(url $d sm-$d)" -c sm.ini adopt sql-migrate >out 2>err &&
		q $d sm-$d "SELECT version, origin FROM msr_migrations ORDER BY seq" >rows &&
		printf "1|adopted:sql-migrate\n2|adopted:sql-migrate\n3|adopted:sql-migrate\n" >expect &&
		test_cmp expect rows &&
		q $d sm-$d "SELECT applied_at FROM msr_migrations WHERE version = '"'1'"'" >at &&
		test_grep "^$(date -u +%Y-%m-%d)" at &&
		msr -u "$(url $d sm-$d)" -c sm.ini migrate 2>err &&
		test_grep "applied 4_tags" err &&
		peer_schema $d sm-$d >sm.schema &&
		newdb $d smf-$d &&
		msr -u "$(url $d smf-$d)" -c sm.ini migrate 2>/dev/null &&
		peer_schema $d smf-$d >smf.schema &&
		test_cmp smf.schema sm.schema
	'

	test_expect_success "$d: a second adopt after more dbmate runs records only what is new" '
		newdb $d two-$d &&
		peer_dbmate $d two-$d dbm up >out 2>&1 &&
		peer_dbmate $d two-$d dbm rollback >>out 2>&1 &&
		msr -u "$(url $d two-$d)" -c dbm.ini adopt >out 2>/dev/null &&
		test "$(wc -l <out)" = 3 &&
		peer_dbmate $d two-$d dbm up >out 2>&1 &&
		msr -u "$(url $d two-$d)" -c dbm.ini adopt >out 2>err &&
		test "$(cat out)" = m-dbm/20240101000004_tags.up.sql &&
		msr -u "$(url $d two-$d)" -c dbm.ini check
	'

	test_expect_success "$d: keep_tool = dbmate: dbmate itself finds nothing to do, and rolls back" '
		newdb $d keep-$d &&
		printf "[migrations]\ndir = m-dbm\nkeep_tool = dbmate\n" >keep.ini &&
		msr -u "$(url $d keep-$d)" -c keep.ini migrate 2>/dev/null &&
		peer_dbmate $d keep-$d dbm status >status 2>&1 &&
		test_grep "Applied: 4" status &&
		test_grep "Pending: 0" status &&
		peer_dbmate $d keep-$d dbm up >out 2>&1 &&
		peer_schema $d keep-$d >keep.schema &&
		test_cmp fresh.schema keep.schema &&
		peer_dbmate $d keep-$d dbm rollback >out 2>&1 &&
		test_must_fail q $d keep-$d "SELECT 1 FROM tags" 2>/dev/null &&
		test "$(q $d keep-$d "SELECT count(*) FROM schema_migrations")" = 3
	'
done

test_done
