#!/bin/sh
test_description='sets of dbmate, goose, Flyway and sql-migrate: what msr convert writes applies to the schema the tool itself makes, on SQLite and PostgreSQL'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"
. "$MSR_SRCDIR/t/lib-pg.sh"
. "$MSR_SRCDIR/t/lib-peer.sh"

test_expect_success 'the pinned dbmate is the one installed' '
	dbmate --version >out &&
	test_grep "^dbmate version $PEER_DBMATE_VERSION$" out
'

for d in sqlite pg; do
	test_expect_success "$d: dbmate and sql-migrate of lib-peer.sh apply and record their sets" '
		mkdir -p h-dbm h-sm &&
		printf "%s\n" "-- migrate:up" "CREATE TABLE t (x integer);" \
		    "-- migrate:down" "DROP TABLE t;" >h-dbm/20200101000000_t.sql &&
		printf "%s\n" "-- +migrate Up" "CREATE TABLE u (x integer);" \
		    "-- +migrate Down" "DROP TABLE u;" >h-sm/1_u.sql &&
		printf "%s\n" "-- +migrate Up" "CREATE TABLE v (x integer);" \
		    "-- +migrate Down" "DROP TABLE v;" >h-sm/2_v.sql &&
		if [ $d = pg ]; then pg_newdb h >/dev/null; else rm -f h.db; fi &&
		peer_dbmate $d h h-dbm migrate >out 2>&1 &&
		peer_sql_migrate $d h h-sm up -limit=1 >>out 2>&1 &&
		peer_schema $d h >schema &&
		test_grep "CREATE TABLE .*t (" schema &&
		test_grep "CREATE TABLE .*u (" schema &&
		test_grep -v "CREATE TABLE .*v (" schema &&
		test_grep -v "schema_migrations\\|gorp_migrations" schema &&
		peer_dbmate $d h h-dbm rollback >>out 2>&1 &&
		peer_sql_migrate $d h h-sm up >>out 2>&1 &&
		peer_schema $d h >schema &&
		test_grep -v "CREATE TABLE .*t (" schema &&
		test_grep "CREATE TABLE .*v (" schema
	'
done

test_done
