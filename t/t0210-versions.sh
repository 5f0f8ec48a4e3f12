#!/bin/sh
test_description='versions are numbers: order, padding, V prefix, duplicates'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

order() {
	sq app.db "SELECT version FROM msr_migrations ORDER BY seq" | tr '\n' ' '
}

test_expect_success 'versions run in numeric order' '
	mig m 2_two "CREATE TABLE two (x);" &&
	mig m 10_ten "CREATE TABLE ten (x);" &&
	mig m 1_one "CREATE TABLE one (x);" &&
	mig m 0011_eleven "CREATE TABLE eleven (x);" &&
	mig m V12_twelve "CREATE TABLE twelve (x);" &&
	mig m 20250115010000000001_ts1 "CREATE TABLE ts1 (x);" &&
	mig m 20250115010000000002_ts2 "CREATE TABLE ts2 (x);" &&
	mig m 9_nine "CREATE TABLE nine (x);" &&
	msr -u sqlite:app.db -d m migrate &&
	test "$(order)" = "1 2 9 10 11 12 20250115010000000001 20250115010000000002 "
'

test_expect_success 'status shows the digits of versions as written, in order' '
	msr -u sqlite:app.db -d m status >out &&
	awk "NR > 1 { print \$1 }" out >got &&
	printf "%s\n" 1 2 9 10 0011 12 20250115010000000001 \
	    20250115010000000002 >want &&
	test_cmp want got
'

test_expect_success 'version prints the newest as written' '
	msr -u sqlite:app.db -d m version >v &&
	echo 20250115010000000002 >want &&
	test_cmp want v
'

test_expect_success '--to takes padded and V versions' '
	mig n 1_a "CREATE TABLE a (x);" &&
	mig n 0002_b "CREATE TABLE b (x);" &&
	mig n 3_c "CREATE TABLE c (x);" &&
	msr -u sqlite:to.db -d n migrate --to 02 &&
	test "$(sq to.db "SELECT group_concat(version) FROM msr_migrations")" = "1,2" &&
	msr -u sqlite:to.db -d n migrate --to V3 &&
	test "$(sq to.db "SELECT count(*) FROM msr_migrations")" = 3
'

test_expect_success '0007_a beside 7_b is an error naming both, nothing changed' '
	mig d 1_base "CREATE TABLE base (x);" &&
	msr -u sqlite:dup.db -d d migrate &&
	db_fingerprint dup.db >before &&
	mig d 0007_a "CREATE TABLE a (x);" &&
	mig d 7_b "CREATE TABLE b (x);" &&
	test_expect_code 2 msr -u sqlite:dup.db -d d migrate 2>err &&
	test_grep "duplicate version" err &&
	test_grep "0007_a.up.sql" err &&
	test_grep "7_b.up.sql" err &&
	db_fingerprint dup.db >after &&
	test_cmp before after
'

test_expect_success 'the same duplicate is reported by validate and status' '
	test_expect_code 2 msr -u sqlite:dup.db -d d validate 2>err &&
	test_grep "0007_a.up.sql" err &&
	test_expect_code 2 msr -u sqlite:dup.db -d d status 2>err &&
	test_grep "7_b.up.sql" err
'

test_done
