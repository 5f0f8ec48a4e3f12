#!/bin/sh
test_description='version --expect-at-least VERSION: ready when the newest
applied version is VERSION or newer and nothing is partial, with or
without the migrations directory'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

test_expect_success 'setup: 0001 and 0002 applied, 0003 not yet' '
	mig m 0001_a "CREATE TABLE a (x integer);" &&
	mig m 0002_b "CREATE TABLE b (x integer);" &&
	db_new app &&
	msr -u "$(db_url app)" -d m migrate 2>err &&
	mig m 0003_c "CREATE TABLE c (x integer);"
'

test_expect_success 'met when the newest is the version, or newer' '
	msr -u "$(db_url app)" -d m version --expect-at-least 2 >out &&
	echo 0002 >want &&
	test_cmp want out &&
	msr -u "$(db_url app)" -d m version --expect-at-least V0001 >out &&
	test_cmp want out &&
	msr -u "$(db_url app)" -d m version --expect-at-least=00002 >out &&
	test_cmp want out
'

test_expect_success 'not met: exit 5, saying the version and what was expected' '
	test_expect_code 5 msr -u "$(db_url app)" -d m version \
	    --expect-at-least 3 >out 2>err &&
	test_cmp want out &&
	test_grep "at version 0002, expected 3 or newer" err
'

test_expect_success 'an empty database is not ready, with no tracking table or no rows' '
	db_new empty &&
	test_expect_code 5 msr -u "$(db_url empty)" -d m version \
	    --expect-at-least 1 >out 2>err &&
	echo none >want &&
	test_cmp want out &&
	test_grep "at version none, expected 1 or newer" err &&
	mig e 1_x "CREATE TABLE x (x integer);" "DROP TABLE x;" &&
	msr -u "$(db_url empty)" -d e migrate 2>err &&
	msr -u "$(db_url empty)" -d e down --all 2>err &&
	test_expect_code 5 msr -u "$(db_url empty)" -d e version \
	    --expect-at-least 0 >out 2>err &&
	test_cmp want out
'

test_expect_success 'a partial migration is not ready, and named' '
	db_new part &&
	mig p 1_a "CREATE TABLE a (x integer);" &&
	mig p 2_p "-- msr:no-transaction
CREATE TABLE p1 (x integer);
INSERT INTO later VALUES (1);" &&
	test_expect_code 1 msr -u "$(db_url part)" -d p migrate 2>err &&
	test "$(dbq part "SELECT state FROM msr_migrations
	    WHERE version = ${SQ}2$SQ")" = partial &&
	test_expect_code 5 msr -u "$(db_url part)" -d p version \
	    --expect-at-least 1 >out 2>err &&
	echo 1 >want &&
	test_cmp want out &&
	test_grep "migration 2 p is partial after 1 statement" err &&
	test_grep "expected 1 or newer" err &&
	: without the directory too &&
	test_expect_code 5 msr -u "$(db_url part)" -d gone version \
	    --expect-at-least 1 2>err &&
	test_grep "migration 2 p is partial" err
'

test_expect_success 'a bad version, or none, is exit 2 before connecting, nothing touched' '
	db_fp app >before &&
	for v in "" x 1.5 -3 123456789012345678901234567890123 none; do
		test_expect_code 2 msr -u "$(db_url app)" -d m version \
		    --expect-at-least "$v" >out 2>err &&
		test_must_be_empty out &&
		test_grep "invalid --expect-at-least" err || return 1
	done &&
	test_grep "expect none" err &&
	: not even a connection is tried &&
	test_expect_code 2 msr -u "postgres://app:s3cret@127.0.0.1:1/app" \
	    version --expect-at-least x 2>err &&
	test_grep "invalid --expect-at-least" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'with --expect, or on another command, it is a usage error' '
	test_expect_code 2 msr -u "$(db_url app)" -d m version --expect 2 \
	    --expect-at-least 2 2>err &&
	test_grep "do not go together" err &&
	test_expect_code 2 msr -u "$(db_url app)" -d m status \
	    --expect-at-least 2 2>err &&
	test_grep "does not apply to ${SQ}status$SQ" err
'

test_expect_success 'no migrations directory: the version without leading zeros' '
	mkdir -p nodir &&
	url=$(db_url app) &&
	case $url in sqlite:/*) ;; sqlite:*) url=sqlite:$TRASH/${url#sqlite:} ;; esac &&
	(cd nodir && msr -u "$url" version >../out 2>../err) &&
	echo 2 >want &&
	test_cmp want out &&
	test_must_be_empty err &&
	(cd nodir && msr -u "$url" version --expect-at-least 0002 >../out) &&
	test_cmp want out &&
	(cd nodir && msr -u "$url" version --expect 2 >../out) &&
	test_cmp want out &&
	msr -u "$url" -d gone/away version --expect-at-least 1 >out &&
	test_cmp want out &&
	test_expect_code 5 msr -u "$url" -d gone version \
	    --expect-at-least 3 >out 2>err &&
	test_grep "at version 2, expected 3 or newer" err &&
	: other commands still need it &&
	test_expect_code 2 msr -u "$url" -d gone status 2>err &&
	test_grep "cannot open migrations directory" err
'

test_expect_success 'a password in the URL is not printed' '
	test_expect_code 2 msr version \
	    --expect-at-least "postgres://app:s3cret@db/app" >out 2>err &&
	! grep s3cret out err &&
	url=$(db_url app) &&
	if [ "$MSRTEST_DRIVER" = pg ]; then
		pgq app "GRANT SELECT ON ALL TABLES IN SCHEMA public
		    TO msr_pw" &&
		url=$(pg_tcp_url app msr_pw pw_s3cret)
	fi &&
	test_expect_code 5 msr -u "$url" -d m version --expect-at-least 3 \
	    >out 2>err &&
	test_grep "at version 0002, expected 3 or newer" err &&
	! grep s3cret out err &&
	test_expect_code 5 msr -u "$url" -d gone version \
	    --expect-at-least 3 >out 2>err &&
	! grep s3cret out err
'

test_done
