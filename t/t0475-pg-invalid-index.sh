#!/bin/sh
test_description='PostgreSQL: a CREATE INDEX CONCURRENTLY that failed leaves an
invalid index; running the statement again refuses, naming the DROP INDEX
CONCURRENTLY to run, instead of skipping it (IF NOT EXISTS) and recording
the migration as applied'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

SQ="'"

# items DB [SCHEMA.]TABLE: the table with two rows of the same sku.
items() {
	pgq "$1" "CREATE TABLE $2 (id int, sku text);
	    INSERT INTO $2 VALUES (1, ${SQ}a${SQ}), (2, ${SQ}a${SQ})"
}

# valid DB INDEX: pg_index.indisvalid of INDEX (a regclass text), or
# nothing when there is no such index.
valid() {
	pgq "$1" "SELECT indisvalid FROM pg_index
	    WHERE indexrelid = to_regclass($SQ$2$SQ)"
}

# row DB VERSION: state and statements done of VERSION, or nothing.
row() {
	pgq "$1" "SELECT state, statements_done FROM msr_migrations
	    WHERE version = $SQ$2$SQ"
}

# drop_of ERR: the statement that the HINT of msr's stderr ERR says to
# run, as it prints it.
drop_of() {
	sed -n "s/^    HINT: run this, then 'msr migrate': //p" "$1"
}

test_expect_success 'a failed CREATE UNIQUE INDEX CONCURRENTLY leaves the row partial and the index invalid' '
	pg_newdb a &&
	items a items &&
	mig m 1_idx "-- msr:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_id ON items (id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);
CREATE TABLE IF NOT EXISTS after_idx (x int);" &&
	test_expect_code 1 msr -u "$(pg_url a)" -d m migrate 2>err &&
	test_grep "m/1_idx.up.sql:3:1: could not create unique index \"items_sku\" (23505)" err &&
	test "$(row a 1)" = "partial|1" &&
	test "$(valid a items_id)" = t &&
	test "$(valid a items_sku)" = f
'

test_expect_success 'resumed with the data fixed: refused, naming the DROP INDEX CONCURRENTLY; nothing recorded' '
	pgq a "DELETE FROM items WHERE id = 2" &&
	test_expect_code 1 msr -u "$(pg_url a)" -d m migrate >out 2>err &&
	test_grep "resuming 1_idx at statement 2 of 3" err &&
	test_grep "^msr: error: m/1_idx.up.sql:3:1: index \"public\".\"items_sku\" exists but is invalid: a CREATE INDEX CONCURRENTLY failed, or is still running$" err &&
	test_grep "^    DETAIL: the statement would skip it (IF NOT EXISTS) and leave the index unusable$" err &&
	test "$(drop_of err)" = "DROP INDEX CONCURRENTLY \"public\".\"items_sku\";" &&
	test_grep "1_idx is partial: 1 of 3 statements done" err &&
	test_grep "resume at statement 2" err &&
	test_grep -v "applied 1_idx" err &&
	test_must_be_empty out &&
	test "$(row a 1)" = "partial|1" &&
	test "$(valid a items_sku)" = f &&
	test "$(pgq a "SELECT to_regclass(${SQ}after_idx$SQ) IS NULL")" = t &&
	test "$(pgq a "SELECT outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = partial &&
	test_expect_code 5 msr -u "$(pg_url a)" -d m check
'

test_expect_success 'after the DROP as printed, migrate builds the index and records it' '
	pgq a "$(drop_of err)" &&
	test -z "$(valid a items_sku)" &&
	msr -u "$(pg_url a)" -d m migrate 2>err &&
	test_grep "applied 1_idx" err &&
	test "$(row a 1)" = "applied|0" &&
	test "$(valid a items_sku)" = t &&
	test "$(valid a items_id)" = t &&
	test "$(pgq a "SELECT to_regclass(${SQ}after_idx$SQ) IS NOT NULL")" = t &&
	msr -u "$(pg_url a)" -d m check
'

test_expect_success 'CREATE INDEX CONCURRENTLY as the first statement: the same' '
	pg_newdb b &&
	items b items &&
	mig f 1_first "-- msr:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);
CREATE TABLE IF NOT EXISTS after_idx (x int);" &&
	test_expect_code 1 msr -u "$(pg_url b)" -d f migrate 2>err &&
	test "$(row b 1)" = "partial|0" &&
	test "$(valid b items_sku)" = f &&
	pgq b "DELETE FROM items WHERE id = 2" &&
	test_expect_code 1 msr -u "$(pg_url b)" -d f migrate 2>err &&
	test_grep "^msr: error: f/1_first.up.sql:2:1: index \"public\".\"items_sku\" exists but is invalid" err &&
	test "$(drop_of err)" = "DROP INDEX CONCURRENTLY \"public\".\"items_sku\";" &&
	test "$(row b 1)" = "partial|0" &&
	test "$(valid b items_sku)" = f &&
	pgq b "$(drop_of err)" &&
	msr -u "$(pg_url b)" -d f migrate 2>err &&
	test "$(row b 1)" = "applied|0" &&
	test "$(valid b items_sku)" = t
'

test_expect_success 'before a file'\''s own block, where a failure leaves no row: checked on a plain run' '
	pg_newdb w &&
	items w items &&
	mig w 1_pre "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);
BEGIN;
CREATE TABLE in_block (x int);
COMMIT;" &&
	test_expect_code 1 msr -u "$(pg_url w)" -d w migrate 2>err &&
	test_grep "w/1_pre.up.sql:1:1: could not create unique index" err &&
	test "$(pgq w "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(valid w items_sku)" = f &&
	pgq w "DELETE FROM items WHERE id = 2" &&
	test_expect_code 1 msr -u "$(pg_url w)" -d w migrate 2>err &&
	test_grep "^msr: error: w/1_pre.up.sql:1:1: index \"public\".\"items_sku\" exists but is invalid" err &&
	test "$(drop_of err)" = "DROP INDEX CONCURRENTLY \"public\".\"items_sku\";" &&
	test "$(pgq w "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(pgq w "SELECT to_regclass(${SQ}in_block$SQ) IS NULL")" = t &&
	test "$(valid w items_sku)" = f &&
	pgq w "$(drop_of err)" &&
	msr -u "$(pg_url w)" -d w migrate 2>err &&
	test "$(row w 1)" = "applied|0" &&
	test "$(valid w items_sku)" = t
'

test_expect_success 'a table found through the SET search_path of the file, a quoted mixed-case name' '
	pg_newdb c &&
	pgq c "CREATE SCHEMA shop" &&
	items c "shop.\"Items\"" &&
	pgq c "CREATE TABLE public.\"Items\" (id int, sku text);
	    CREATE UNIQUE INDEX \"Items_SKU\" ON public.\"Items\" (sku)" &&
	mig s 1_shop "-- msr:no-transaction
SET search_path TO shop, public; CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Items_SKU\" ON \"Items\" (sku);
CREATE TABLE IF NOT EXISTS after_idx (x int);" &&
	test_expect_code 1 msr -u "$(pg_url c)" -d s migrate 2>err &&
	test_grep "s/1_shop.up.sql:2:34: could not create unique index \"Items_SKU\"" err &&
	test "$(valid c "shop.\"Items_SKU\"")" = f &&
	pgq c "DELETE FROM shop.\"Items\" WHERE id = 2" &&
	test_expect_code 1 msr -u "$(pg_url c)" -d s migrate >out 2>err &&
	test_grep "^msr: error: s/1_shop.up.sql:2:34: index \"shop\".\"Items_SKU\" exists but is invalid" err &&
	test_must_be_empty out &&
	test "$(drop_of err)" = "DROP INDEX CONCURRENTLY \"shop\".\"Items_SKU\";" &&
	test "$(row c 1)" = "partial|1" &&
	test "$(valid c "shop.\"Items_SKU\"")" = f &&
	test "$(valid c "public.\"Items_SKU\"")" = t &&
	pgq c "$(drop_of err)" &&
	msr -u "$(pg_url c)" -d s migrate 2>err &&
	test "$(row c 1)" = "applied|0" &&
	test "$(valid c "shop.\"Items_SKU\"")" = t &&
	test "$(pgq c "SELECT to_regclass(${SQ}shop.after_idx$SQ) IS NOT NULL")" = t
'

test_expect_success 'ON ONLY a schema-qualified table, a name in upper case, comments between the words' '
	pg_newdb q &&
	pgq q "CREATE SCHEMA \"Sales\"" &&
	items q "\"Sales\".orders" &&
	mig q 1_only "-- msr:no-transaction
CREATE /* one */ UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ORDERS_SKU
    ON ONLY \"Sales\" . -- the schema
    ORDERS USING btree (sku);" &&
	test_expect_code 1 msr -u "$(pg_url q)" -d q migrate 2>err &&
	test "$(valid q "\"Sales\".orders_sku")" = f &&
	pgq q "DELETE FROM \"Sales\".orders WHERE id = 2" &&
	test_expect_code 1 msr -u "$(pg_url q)" -d q migrate 2>err &&
	test "$(drop_of err)" = "DROP INDEX CONCURRENTLY \"Sales\".\"orders_sku\";" &&
	pgq q "$(drop_of err)" &&
	msr -u "$(pg_url q)" -d q migrate 2>err &&
	test "$(valid q "\"Sales\".orders_sku")" = t
'

test_expect_success 'without IF NOT EXISTS: refused with the DROP rather than failing on "already exists"' '
	pg_newdb n &&
	items n items &&
	mig n 1_plain "-- msr:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY items_sku ON items (sku);" &&
	test_expect_code 1 msr -u "$(pg_url n)" -d n migrate 2>err &&
	test "$(valid n items_sku)" = f &&
	pgq n "DELETE FROM items WHERE id = 2" &&
	test_expect_code 1 msr -u "$(pg_url n)" -d n migrate 2>err &&
	test_grep "^msr: error: n/1_plain.up.sql:2:1: index \"public\".\"items_sku\" exists but is invalid" err &&
	test_grep "^    DETAIL: the statement would fail on it$" err &&
	test_grep -v "already exists" err &&
	test "$(drop_of err)" = "DROP INDEX CONCURRENTLY \"public\".\"items_sku\";" &&
	test "$(row n 1)" = "partial|0" &&
	pgq n "$(drop_of err)" &&
	msr -u "$(pg_url n)" -d n migrate 2>err &&
	test "$(valid n items_sku)" = t
'

# The SET of the first migration does not reach the lookup of the second:
# the session is reset before it, in the same round trip.
test_expect_success 'a valid index of that name is skipped as before; an invalid one in another schema does not count' '
	pg_newdb d &&
	pgq d "CREATE SCHEMA other; CREATE TABLE items (id int, sku text);
	    CREATE UNIQUE INDEX items_sku ON items (sku)" &&
	items d other.items &&
	test_must_fail pgq d "CREATE UNIQUE INDEX CONCURRENTLY items_sku ON other.items (sku)" 2>/dev/null &&
	test "$(valid d other.items_sku)" = f &&
	mig v 1_set "SET search_path TO other, public;
CREATE TABLE IF NOT EXISTS t1 (x int);" &&
	mig v 2_valid "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);
BEGIN;
CREATE TABLE after_idx (x int);
COMMIT;" &&
	msr -u "$(pg_url d)" -d v migrate 2>err &&
	test_grep "v/2_valid.up.sql: relation \"items_sku\" already exists, skipping" err &&
	test "$(row d 2)" = "applied|0" &&
	test "$(valid d public.items_sku)" = t &&
	test "$(valid d other.items_sku)" = f &&
	test "$(pgq d "SELECT to_regclass(${SQ}public.after_idx$SQ) IS NOT NULL")" = t
'

test_expect_success 'an index without a name is not looked up: PostgreSQL names a new one' '
	pg_newdb u &&
	pgq u "CREATE TABLE items (id int, sku text)" &&
	mig u 1_unnamed "-- msr:no-transaction
CREATE INDEX CONCURRENTLY ON items (sku);" &&
	msr -u "$(pg_url u)" -d u migrate 2>err &&
	test "$(valid u items_sku_idx)" = t
'

test_done
