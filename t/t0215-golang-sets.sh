#!/bin/sh
test_description='sets written for golang-migrate: files pair by version, nothing golang-migrate runs is skipped'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

# A set as golang-migrate users write them: down files named otherwise
# than their up files, a name ending in a dot.
test_expect_success 'setup: a set whose down files have other names' '
	mkdir gm &&
	printf "CREATE TABLE magic (x integer);\n" >gm/30_add_magic_metadata.up.sql &&
	printf "DROP TABLE magic;\n" >gm/30_drop_magic_metadata.down.sql &&
	printf "CREATE TABLE jobs (x integer);\n" >gm/1554469235_add_new_inputs_to_jobs.up.sql &&
	printf "DROP TABLE jobs;\n" >gm/1554469235_add_new_inputs_to_job.down.sql &&
	printf "CREATE TABLE passkey (x integer);\n" >gm/20240813211251_passkey_backup_flags..up.sql &&
	printf "DROP TABLE passkey;\n" >gm/20240813211251_passkey_backup_flags.down.sql &&
	printf "CREATE TABLE padded (x integer);\n" >gm/0031_padded.up.sql &&
	printf "DROP TABLE padded;\n" >gm/31_padded.down.sql &&
	db_new app
'

test_expect_success 'it goes up, the up file naming each migration' '
	msr -u "$(db_url app)" -d gm migrate 2>err &&
	test_grep "applied 4 migrations" err &&
	dbq app "SELECT version, name FROM msr_migrations ORDER BY seq" >rows &&
	printf "%s\n" "30|add_magic_metadata" "31|padded" \
	    "1554469235|add_new_inputs_to_jobs" \
	    "20240813211251|passkey_backup_flags." >want &&
	test_cmp want rows &&
	db_schema app >schema1 &&
	msr -u "$(db_url app)" -d gm status >out &&
	test_grep "^20240813211251  *passkey_backup_flags\.  *applied" out &&
	test_grep "^30  *add_magic_metadata  *applied" out
'

test_expect_success 'validate gives a notice for each renamed pair, also with strict' '
	MSR_MIGRATIONS_STRICT=true msr -u "$(db_url app)" -d gm validate \
	    2>err &&
	test_grep "^msr: notice: gm/30_drop_magic_metadata.down.sql: its name differs from that of its up file ${SQ}gm/30_add_magic_metadata.up.sql${SQ}; the two pair by version$" err &&
	test_grep "^msr: notice: gm/31_padded.down.sql: its name differs" err &&
	test_grep "^msr: notice: gm/20240813211251_passkey_backup_flags.down.sql: its name differs" err &&
	test_grep "^msr: 4 migrations valid, checksums match$" err &&
	test_grep -v "error\\|warning" err
'

test_expect_success 'redo uses the down file of the newest version' '
	msr -u "$(db_url app)" -d gm redo 2>err &&
	test_grep "rolled back 20240813211251_passkey_backup_flags\\." err &&
	test_grep "applied 20240813211251_passkey_backup_flags\\." err &&
	db_schema app >schema2 &&
	test_cmp schema1 schema2
'

test_expect_success 'it goes down with the renamed files, and up again to the same schema' '
	msr -u "$(db_url app)" -d gm down --all 2>err &&
	test_grep "rolled back 4 migrations" err &&
	db_tables app >tables &&
	test_must_be_empty tables &&
	msr -u "$(db_url app)" -d gm migrate &&
	db_schema app >schema3 &&
	test_cmp schema1 schema3 &&
	msr -u "$(db_url app)" -d gm check
'

# A file that golang-migrate would run and msr does not read.
for f in "32_ignore_autotag.up..sql" "30_add_magic_metadata.up.sql~" \
    "30_add_magic_metadata.up.sql.bak" "33_x.down.txt"; do
	test_expect_success "'$f' stops migrate, down, redo and validate" '
		rm -rf odd && cp -R gm odd &&
		echo "CREATE TABLE odd (x integer);" >"odd/$f" &&
		db_fp app >before &&
		for c in migrate "down --all" redo validate baseline\ 30 \
		    repair lint; do
			test_expect_code 2 msr -u "$(db_url app)" -d odd $c \
			    >out 2>err &&
			test_grep "^msr: error: odd/$f: golang-migrate would run this file as version 3[0-3] (\\(up\\|down\\)), msr does not read it; " err &&
			test_must_be_empty out || return 1
		done &&
		db_fp app >after &&
		test_cmp before after
	'
	test_expect_success "'$f': status, version and check warn and go on" '
		msr -u "$(db_url app)" -d odd status >out 2>err &&
		test_grep "^msr: warning: odd/$f: golang-migrate would run this file" err &&
		test_grep "^30 " out &&
		msr -u "$(db_url app)" -d odd version >out 2>err &&
		test_grep "^msr: warning: odd/$f: golang-migrate" err &&
		msr -u "$(db_url app)" -d odd check 2>err &&
		test_grep "^msr: warning: odd/$f: golang-migrate" err
	'
done

test_expect_success 'the message gives the name to rename to, or the file beside' '
	rm -rf odd && cp -R gm odd &&
	echo "SELECT 1;" >odd/32_ignore_autotag.up..sql &&
	cp odd/30_add_magic_metadata.up.sql odd/30_add_magic_metadata.up.sql~ &&
	echo "SELECT 1;" >odd/34_.up.sql &&
	test_expect_code 2 msr -d odd validate 2>err &&
	test_grep "^msr: error: odd/32_ignore_autotag.up..sql: .*; rename it to ${SQ}32_ignore_autotag.up.sql${SQ}$" err &&
	test_grep "^msr: error: odd/30_add_magic_metadata.up.sql~: .*; ${SQ}30_add_magic_metadata.up.sql${SQ} is there already: remove this one or move it out of the directory$" err &&
	test_grep "^msr: error: odd/34_.up.sql: golang-migrate would run this file as version 34 (up), msr does not read it; give it a name: ${SQ}34_NAME.up.sql${SQ}$" err &&
	test "$(grep -c "^msr: error:" err)" = 3
'

test_expect_success 'upper-case .UP.SQL is a warning, an error with strict' '
	rm -rf up && cp -R gm up &&
	echo "SELECT 1;" >up/35_x.UP.SQL &&
	msr -u "$(db_url app)" -d up migrate 2>err &&
	test_grep "^msr: warning: up/35_x.UP.SQL: not a migration: the extension is not in lower case; expected VERSION_NAME.up.sql or VERSION_NAME.down.sql (ignored)$" err &&
	db_fp app >before &&
	test_expect_code 2 env MSR_MIGRATIONS_STRICT=true "$MSRTEST_BIN" \
	    -u "$(db_url app)" -d up migrate >out 2>err &&
	test_grep "^msr: error: up/35_x.UP.SQL: not a migration" err &&
	test_must_be_empty out &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'two files of one version and direction stay an error naming both' '
	rm -rf dup && cp -R gm dup &&
	echo "DROP TABLE magic;" >dup/0030_other.down.sql &&
	db_fp app >before &&
	for c in migrate "down --all" redo status validate; do
		test_expect_code 2 msr -u "$(db_url app)" -d dup $c \
		    >out 2>err &&
		test_grep "^msr: error: duplicate version 30: ${SQ}0030_other.down.sql${SQ} and ${SQ}30_drop_magic_metadata.down.sql${SQ}" err ||
		return 1
	done &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'a file name that is not UTF-8 is an error naming it, also for status' '
	rm -rf bad && cp -R gm bad &&
	echo "SELECT 1;" >"bad/36_caf$(printf "\351").up.sql" &&
	db_fp app >before &&
	for c in migrate status validate; do
		test_expect_code 2 msr -u "$(db_url app)" -d bad $c \
		    >out 2>err &&
		test_grep "^msr: error: ${SQ}bad${SQ}: the file name ${SQ}36_caf\\\\xe9.up.sql${SQ} is not UTF-8; rename it$" err ||
		return 1
	done &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'a UTF-8 name with dots and other bytes is a name like any' '
	rm -rf utf && mkdir utf &&
	echo "CREATE TABLE cafe (x integer);" >"utf/37_café.v2..up.sql" &&
	db_new u8 &&
	msr -u "$(db_url u8)" -d utf migrate &&
	test "$(dbq u8 "SELECT name FROM msr_migrations")" = "café.v2."
'

test_done
