#!/bin/sh
test_description='versions are numbers: order, padding, V prefix, duplicates'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# order DB: the applied versions, in order of application, on one line.
order() {
	dbq "$1" "SELECT version FROM msr_migrations ORDER BY seq" |
	tr '\n' ' '
}

test_expect_success 'versions run in numeric order' '
	mig m 2_two "CREATE TABLE two (x integer);" &&
	mig m 10_ten "CREATE TABLE ten (x integer);" &&
	mig m 1_one "CREATE TABLE one (x integer);" &&
	mig m 0011_eleven "CREATE TABLE eleven (x integer);" &&
	mig m V12_twelve "CREATE TABLE twelve (x integer);" &&
	mig m 20250115010000000001_ts1 "CREATE TABLE ts1 (x integer);" &&
	mig m 20250115010000000002_ts2 "CREATE TABLE ts2 (x integer);" &&
	mig m 9_nine "CREATE TABLE nine (x integer);" &&
	db_new app &&
	msr -u "$(db_url app)" -d m migrate &&
	test "$(order app)" = "1 2 9 10 11 12 20250115010000000001 20250115010000000002 "
'

test_expect_success 'status shows the digits of versions as written, in order' '
	msr -u "$(db_url app)" -d m status >out &&
	awk "NR > 1 { print \$1 }" out >got &&
	printf "%s\n" 1 2 9 10 0011 12 20250115010000000001 \
	    20250115010000000002 >want &&
	test_cmp want got
'

test_expect_success 'version prints the newest as written' '
	msr -u "$(db_url app)" -d m version >v &&
	echo 20250115010000000002 >want &&
	test_cmp want v
'

test_expect_success '--to takes padded and V versions' '
	mig n 1_a "CREATE TABLE a (x integer);" &&
	mig n 0002_b "CREATE TABLE b (x integer);" &&
	mig n 3_c "CREATE TABLE c (x integer);" &&
	db_new to &&
	msr -u "$(db_url to)" -d n migrate --to 02 &&
	test "$(order to)" = "1 2 " &&
	msr -u "$(db_url to)" -d n migrate --to V3 &&
	test "$(dbq to "SELECT count(*) FROM msr_migrations")" = 3
'

test_expect_success '0007_a beside 7_b is an error naming both, nothing changed' '
	mig d 1_base "CREATE TABLE base (x integer);" &&
	db_new dup &&
	msr -u "$(db_url dup)" -d d migrate &&
	db_fp dup >before &&
	mig d 0007_a "CREATE TABLE a (x integer);" &&
	mig d 7_b "CREATE TABLE b (x integer);" &&
	test_expect_code 2 msr -u "$(db_url dup)" -d d migrate 2>err &&
	test_grep "duplicate version" err &&
	test_grep "0007_a.up.sql" err &&
	test_grep "7_b.up.sql" err &&
	db_fp dup >after &&
	test_cmp before after
'

test_expect_success 'the same duplicate is reported by validate and status' '
	test_expect_code 2 msr -u "$(db_url dup)" -d d validate 2>err &&
	test_grep "0007_a.up.sql" err &&
	test_expect_code 2 msr -u "$(db_url dup)" -d d status 2>err &&
	test_grep "7_b.up.sql" err
'

test_done
