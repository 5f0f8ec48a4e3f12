#!/bin/sh
test_description='conventions of the command line and the configuration:
where a setting came from, durations with units, options written in other
tools'"'"' style, help of a command, colour and unknown MSR_* variables'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

test_expect_success 'setup' '
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	db_new app &&
	db_new other
'

#
# The password file names where it was set.
#

test_expect_success 'a missing password_file names MSR_DATABASE_PASSWORD_FILE' '
	(MSR_DATABASE_PASSWORD_FILE=no-such-pw &&
	export MSR_DATABASE_PASSWORD_FILE &&
	test_expect_code 2 msr -u "$(db_url app)" -d m status >out 2>err) &&
	test_grep "^msr: error: MSR_DATABASE_PASSWORD_FILE: cannot read password_file: .*no-such-pw" err &&
	test_must_be_empty out
'

test_expect_success 'a missing password_file names the ini file and line' '
	printf "[database]\nurl = %s\n\npassword_file = no-such-pw\n" \
	    "$(db_url app)" >pw.ini &&
	test_expect_code 2 msr -c pw.ini -d m status >out 2>err &&
	test_grep "^msr: error: pw.ini:4: cannot read password_file: .*no-such-pw" err &&
	test_must_be_empty out
'

test_done
