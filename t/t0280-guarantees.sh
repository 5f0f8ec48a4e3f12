#!/bin/sh
test_description='promises of msr(1) and msr.ini(5) that no other script
asserts; t/GUARANTEES.md maps every promise of the man pages to its test'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

# u NAME: the URL of database NAME (short for db_url).
u() {
	db_url "$1"
}

# fp_no_log NAME: db_fp without the rows of the audit table, which a
# failure adds to.
fp_no_log() {
	case $MSRTEST_DRIVER in
	pg) db_fp "$1" | sed '/^COPY [a-z_.]*msr_migrations_log /,/^\\\.$/d' ;;
	*) db_fp "$1" | grep -v msr_migrations_log ;;
	esac
}

# slow_sql: one statement that runs for a long time, until interrupted.
slow_sql() {
	case $MSRTEST_DRIVER in
	pg) echo "SELECT pg_sleep(120);" ;;
	*) echo "INSERT INTO s WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c;" ;;
	esac
}

# wait_running NAME ERR: until msr, writing its stderr to ERR, runs its
# slow statement on database NAME.
wait_running() {
	case $MSRTEST_DRIVER in
	pg)
		wr_i=0
		until test "$(pgq "$1" "SELECT count(*) FROM pg_stat_activity
		    WHERE application_name = 'msr' AND state = 'active'
		    AND query LIKE '%pg_sleep%'")" = 1; do
			wr_i=$((wr_i + 1))
			[ $wr_i -lt 300 ] || return 1
			sleep 0.1
		done
		;;
	*)
		wait_for "$1.db-msr.lock" pid &&
		sleep 1
		;;
	esac
}

# wait_lock_row NAME: until the lock table of NAME has its row (method
# table), and msr runs its slow statement.
wait_lock_row() {
	wl_i=0
	until test "$(dbq "$1" "SELECT count(*) FROM msr_migrations_lock" 2>/dev/null)" = 1; do
		wl_i=$((wl_i + 1))
		[ $wl_i -lt 300 ] || return 1
		sleep 0.1
	done
	sleep 1
}

UTC_MS='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{3\}Z'
UTC_S='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'

#
# Migration files
#

test_expect_success 'two down files of one version are an error naming both' '
	db_new dd &&
	mig dd 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	msr -u "$(u dd)" -d dd migrate 2>err &&
	db_fp dd >before &&
	printf "DROP TABLE a;\n" >dd/1_b.down.sql &&
	test_expect_code 2 msr -u "$(u dd)" -d dd validate 2>err &&
	test_grep "^msr: error: duplicate version 1: ${SQ}1_a.down.sql${SQ} and ${SQ}1_b.down.sql${SQ}" err &&
	test_expect_code 2 msr -u "$(u dd)" -d dd down --all 2>err &&
	test_grep "duplicate version 1" err &&
	db_fp dd >after &&
	test_cmp before after
'

test_expect_success 'a down file pairs by version however it writes it' '
	db_new vw &&
	mig vw 1_a "CREATE TABLE a (x integer);" &&
	printf "DROP TABLE a;\n" >vw/01_a.down.sql &&
	msr -u "$(u vw)" -d vw migrate &&
	msr -u "$(u vw)" -d vw down --all &&
	db_tables vw >tables &&
	test_must_be_empty tables
'

test_expect_success 'a duplicate version stops every command that reads the directory' '
	db_new dup &&
	mig dup 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig dup 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(u dup)" -d dup migrate --to 1 2>err &&
	mig dup 0007_x "CREATE TABLE x (x integer);" &&
	mig dup 7_y "CREATE TABLE y (x integer);" &&
	db_fp dup >before &&
	for c in "check" "version" "down --all" "redo" "baseline 2" "repair" \
	    "migrate --dry-run" "status --json"; do
		test_expect_code 2 msr -u "$(u dup)" -d dup $c >out 2>err &&
		test_grep "^msr: error: duplicate version 7: ${SQ}0007_x.up.sql${SQ} and ${SQ}7_y.up.sql${SQ}" err &&
		case $c in
		*--json) test_grep "^{\"event\":\"error\",.*\"exit_code\":2,\"message\":\"duplicate version 7" out ;;
		*) test_must_be_empty out ;;
		esac || return 1
	done &&
	db_fp dup >after &&
	test_cmp before after
'

test_expect_success 'a version of 33 digits is a bad name: a warning, or an error with strict' '
	rm -rf long && mkdir long &&
	mig long 1_a "SELECT 1;" &&
	: >long/123456789012345678901234567890123_x.up.sql &&
	msr -d long validate 2>err &&
	test_grep "^msr: warning: long/123456789012345678901234567890123_x.up.sql: not a migration: the version has 33 digits, at most 32 are allowed; .*(ignored)$" err &&
	test_grep "1 migration valid" err &&
	test_expect_code 2 env MSR_MIGRATIONS_STRICT=true "$MSRTEST_BIN" -d long \
	    validate 2>err &&
	test_grep "^msr: error: long/1234567890123456789012345678901234*_x.up.sql: not a migration: the version has 33 digits" err
'

test_expect_success 'other files, and directories, are ignored silently' '
	rm -rf ign && mkdir ign &&
	mig ign 1_a "SELECT 1;" &&
	echo "not SQL" >ign/README.md &&
	echo "SELECT nope(;" >ign/2_b.sql.orig &&
	mkdir ign/3_dir.up.sql ign/old ign/4_x.up.sql.d &&
	MSR_MIGRATIONS_STRICT=true msr -d ign validate 2>err &&
	test_grep "^msr: 1 migration valid" err &&
	test_grep -v "README\|orig\|3_dir\|4_x\|old" err
'

test_expect_success 'a file golang-migrate would run is refused, not skipped' '
	echo "SELECT nope(;" >ign/2_b.up.sql.orig &&
	test_expect_code 2 msr -d ign validate 2>err &&
	test_grep "^msr: error: ign/2_b.up.sql.orig: golang-migrate would run this file as version 2 (up), msr does not read it; rename it to ${SQ}2_b.up.sql${SQ}$" err
'

test_expect_success 'a file holding a NUL byte is an error before anything runs' '
	db_new nul &&
	mig nul 1_a "CREATE TABLE a (x integer);" &&
	printf "SELECT 1;\000\n" >nul/2_nul.up.sql &&
	test_expect_code 2 msr -u "$(u nul)" -d nul migrate >out 2>err &&
	test_grep "^msr: error: nul/2_nul.up.sql: file holds a NUL byte" err &&
	test_must_be_empty out &&
	db_tables nul >tables &&
	test_must_be_empty tables &&
	test_expect_code 2 msr -d nul validate 2>err &&
	test_grep "nul/2_nul.up.sql: file holds a NUL byte" err
'

test_expect_success 'a migration file that cannot be read (a dangling symlink) is exit 2' '
	db_new ln &&
	mig ln 1_a "CREATE TABLE a (x integer);" &&
	ln -s no-such-file ln/2_gone.up.sql &&
	test_expect_code 2 msr -d ln validate 2>err &&
	test_grep "2_gone.up.sql" err &&
	test_expect_code 2 msr -u "$(u ln)" -d ln migrate 2>err &&
	test_grep "2_gone.up.sql" err
'

test_expect_success 'the checksum is the SHA-256 of the up file without BOM and CR, in lower case' '
	db_new sum &&
	rm -rf sum && mkdir sum &&
	printf "\357\273\277CREATE TABLE a (x integer);\r\n-- done\r\n" >sum/1_a.up.sql &&
	msr -u "$(u sum)" -d sum migrate 2>err &&
	printf "CREATE TABLE a (x integer);\n-- done\n" >plain &&
	want=$(sha256sum plain | cut -d " " -f 1) &&
	got=$(dbq sum "SELECT checksum FROM msr_migrations") &&
	test "$got" = "$want" &&
	echo "$got" | grep -q "^[0-9a-f]\{64\}$" &&
	: the same text with LF and no BOM is the same file &&
	cp plain sum/1_a.up.sql &&
	msr -u "$(u sum)" -d sum check &&
	msr -u "$(u sum)" -d sum status --json >doc &&
	test_grep "\"checksum\":\"$want\",\"checksum_ok\":true" doc
'

test_expect_success 'restoring a changed file lets migrate run again' '
	db_new rs &&
	mig rs 1_a "CREATE TABLE a (x integer);" &&
	msr -u "$(u rs)" -d rs migrate 2>err &&
	cp rs/1_a.up.sql saved &&
	echo "-- edited" >>rs/1_a.up.sql &&
	mig rs 2_b "CREATE TABLE b (x integer);" &&
	test_expect_code 5 msr -u "$(u rs)" -d rs migrate 2>err &&
	test_expect_code 5 msr -u "$(u rs)" -d rs check 2>err &&
	test_grep "^msr: error: 1 a: modified$" err &&
	cp saved rs/1_a.up.sql &&
	msr -u "$(u rs)" -d rs migrate 2>err &&
	test "$(versions rs)" = "1,2"
'

#
# Directives
#

test_expect_success 'msr:lint-ignore is accepted anywhere and changes nothing' '
	db_new li &&
	rm -rf li && mkdir li &&
	printf "%s\n" "-- msr:lint-ignore before anything" \
	    "CREATE TABLE a (x integer); -- msr:lint-ignore" \
	    "-- msr:lint-ignore between statements" \
	    "CREATE TABLE b (x integer);" "-- msr:lint-ignore" >li/1_a.up.sql &&
	msr -u "$(u li)" -d li validate 2>err &&
	msr -u "$(u li)" -d li migrate --dry-run >plan &&
	test_grep "^up   li/1_a.up.sql  \[transaction\]$" plan &&
	msr -u "$(u li)" -d li migrate 2>err &&
	printf "%s\n" a b >want &&
	db_tables li >tables &&
	test_cmp want tables
'

test_expect_success 'msr:no-transaction with text after it on its line is an error' '
	db_new dt &&
	rm -rf dt && mkdir dt &&
	printf "%s\n" "-- msr:no-transaction because of VACUUM" \
	    "CREATE TABLE a (x integer);" >dt/1_a.up.sql &&
	test_expect_code 2 msr -u "$(u dt)" -d dt migrate 2>err &&
	test_grep "^msr: error: dt/1_a.up.sql:1:1: unexpected text after directive ${SQ}msr:no-transaction${SQ}" err &&
	db_tables dt >tables &&
	test_must_be_empty tables
'

#
# Databases and URLs
#

test_for sqlite 'sqlite://PATH, sqlite3:PATH and sqlite:///ABSOLUTE name those files' '
	mig f 1_a "CREATE TABLE a (x integer);" &&
	msr -u sqlite://two.db -d f migrate 2>err &&
	msr -u sqlite3:three.db -d f migrate 2>err &&
	mkdir abs &&
	msr -u "sqlite://$TRASH/abs/four.db" -d f migrate 2>err &&
	for db in two.db three.db abs/four.db; do
		test "$(sq $db "SELECT count(*) FROM a")" = 0 || return 1
	done
'

test_for sqlite 'a SQLite URL with a query is exit 2, naming where the URL came from' '
	mkdir q && mig q 1_a "SELECT 1;" &&
	test_expect_code 2 msr -u "sqlite:app.db?mode=ro" -d q migrate >out 2>err &&
	test_grep "^msr: error: --url: invalid database URL ${SQ}sqlite:app.db?mode=ro${SQ}: query parameters are not supported" err &&
	test_expect_code 2 env MSR_DATABASE_URL="sqlite:app.db?mode=ro" \
	    "$MSRTEST_BIN" -d q migrate 2>err &&
	test_grep "^msr: error: MSR_DATABASE_URL: invalid database URL" err &&
	test_expect_code 2 env DATABASE_URL="sqlite:" "$MSRTEST_BIN" -d q migrate \
	    2>err &&
	test_grep "^msr: error: DATABASE_URL: invalid database URL ${SQ}sqlite:${SQ}: the URL names no database file" err &&
	printf "[database]\nurl = sqlite:app.db?cache=shared\n" >q.ini &&
	test_expect_code 2 msr -c q.ini -d q migrate 2>err &&
	test_grep "^msr: error: q.ini:2: invalid database URL" err &&
	test ! -e app.db
'

test_for sqlite 'a new SQLite file that msr wrote nothing to is removed; the lock file stays' '
	mkdir empty &&
	msr -u sqlite:nothing.db -d empty migrate 2>err &&
	test_grep "nothing to do" err &&
	test ! -e nothing.db &&
	test -e nothing.db-msr.lock &&
	mig down0 1_a "SELECT 1;" "SELECT 1;" &&
	msr -u sqlite:nothing2.db -d down0 down --all 2>err &&
	test ! -e nothing2.db
'

test_for sqlite 'commands that only read do not create a missing SQLite file' '
	mig ro 1_a "SELECT 1;" &&
	test_expect_code 5 msr -u sqlite:ro.db -d ro check 2>err &&
	msr -u sqlite:ro.db -d ro validate 2>err &&
	msr -u sqlite:ro.db -d ro status --json >out &&
	test_grep "\"version\":null" out &&
	msr -u sqlite:ro.db -d ro migrate --dry-run >out &&
	msr -u sqlite:ro.db -d ro baseline 1 --dry-run >out &&
	msr -u sqlite:ro.db lock status >out &&
	test_grep "^not held$" out &&
	msr -u sqlite:ro.db wait --timeout 0 2>err &&
	test ! -e ro.db
'

test_for sqlite 'an SQLite file that cannot be opened is exit 3' '
	mig op 1_a "SELECT 1;" &&
	test_expect_code 3 msr -u sqlite:no/such/dir/app.db -d op migrate 2>err &&
	test_grep "^msr: error: cannot connect to sqlite:no/such/dir/app.db: cannot open" err
'

test_for sqlite 'a lock file that cannot be opened is exit 3' '
	mig lf 1_a "CREATE TABLE a (x integer);" &&
	mkdir lf.db-msr.lock &&
	test_expect_code 3 msr -u sqlite:lf.db -d lf migrate 2>err &&
	test_grep "^msr: error: cannot take the migration lock: cannot open lock file ${SQ}/.*/lf.db-msr.lock${SQ}: Is a directory$" err &&
	test ! -e lf.db
'

test_expect_success 'a tracking table of other columns is exit 2, naming them' '
	db_new tt &&
	dbq tt "CREATE TABLE msr_migrations (x integer)" &&
	mig tt 1_a "CREATE TABLE a (x integer);" &&
	test_expect_code 2 msr -u "$(u tt)" -d tt status 2>err &&
	test_grep "^msr: error: the tracking table .*msr_migrations.* is not msr.s: it has the columns x$" err &&
	test_expect_code 2 msr -u "$(u tt)" -d tt migrate 2>err &&
	db_tables tt >tables &&
	test_must_be_empty tables
'

#
# Options and configuration
#

test_expect_success 'msr -h prints the usage on standard output and exits 0' '
	msr -h >out 2>err &&
	test_must_be_empty err &&
	test_grep "^usage: msr " out &&
	msr --help >out2 &&
	test_cmp out out2 &&
	msr status -h >out 2>err &&
	test_must_be_empty err &&
	test_grep "^usage: msr status" out &&
	msr -V >out 2>err &&
	test_must_be_empty err &&
	test_grep "^msr [0-9]" out
'

test_expect_success 'options may follow the command; -- ends the options' '
	db_new opt &&
	mig opt 1_a "CREATE TABLE a (x integer);" &&
	msr status -u "$(u opt)" --json -d opt >out &&
	test_grep "^{\"database\":" out &&
	msr -u "$(u opt)" -d opt -- status >out &&
	test_grep "^1  *a  *pending" out &&
	test_expect_code 2 msr -u "$(u opt)" -d opt status -- --json >out 2>err &&
	test_grep "^msr: error: unexpected argument ${SQ}--json${SQ}" err
'

test_expect_success 'the migrations directory is db/migrations by default' '
	rm -rf def && mkdir def && cd def &&
	mig db/migrations 1_default "SELECT 1;" &&
	msr validate 2>err &&
	test_grep "1 migration valid" err &&
	msr -u sqlite:def.db status >out &&
	test_grep "^1  *default  *pending" out
'

test_expect_success 'precedence: command line, MSR_*, the file, DATABASE_URL' '
	rm -rf pr && mkdir pr && cd pr &&
	for d in file env cli; do
		mig $d 1_$d "SELECT 1;" || return 1
	done &&
	printf "[database]\nurl = sqlite:file.db\n[migrations]\ndir = file\n" >msr.ini &&
	msr status --json >out &&
	test_grep "\"database\":\"sqlite:file.db\"" out &&
	test_grep "\"name\":\"file\"" out &&
	(export MSR_MIGRATIONS_DIR=env && msr status --json) >out &&
	test_grep "\"name\":\"env\"" out &&
	(export MSR_MIGRATIONS_DIR=env && msr -d cli status --json) >out &&
	test_grep "\"name\":\"cli\"" out &&
	(export DATABASE_URL=sqlite:du.db && msr status --json) >out &&
	test_grep "\"database\":\"sqlite:file.db\"" out &&
	(export MSR_DATABASE_URL=sqlite:env.db && msr status --json) >out &&
	test_grep "\"database\":\"sqlite:env.db\"" out &&
	(export MSR_DATABASE_URL=sqlite:env.db &&
	    msr -u sqlite:cli.db status --json) >out &&
	test_grep "\"database\":\"sqlite:cli.db\"" out &&
	rm msr.ini &&
	(export DATABASE_URL=sqlite:du.db && msr -d file status --json) >out &&
	test_grep "\"database\":\"sqlite:du.db\"" out &&
	(export MSR_DATABASE_URL=sqlite:env.db DATABASE_URL=sqlite:du.db &&
	    msr -d file status --json) >out &&
	test_grep "\"database\":\"sqlite:env.db\"" out
'

test_expect_success 'an MSR_* variable set to the empty string counts' '
	rm -rf em && mkdir em && cd em &&
	mig m 1_a "SELECT 1;" &&
	printf "[database]\nurl = sqlite:app.db\n[migrations]\ndir = m\n" >msr.ini &&
	msr status >/dev/null &&
	test_expect_code 2 env MSR_MIGRATIONS_DIR= "$MSRTEST_BIN" status 2>err &&
	test_grep "^msr: error: cannot open migrations directory ${SQ}${SQ}" err
'

test_expect_success '-c wins over MSR_CONFIG; an empty MSR_CONFIG is none' '
	rm -rf cf && mkdir cf && cd cf &&
	for d in byc byenv byini; do
		mig $d 1_$d "SELECT 1;" || return 1
	done &&
	printf "[migrations]\ndir = byc\n" >c.ini &&
	printf "[migrations]\ndir = byenv\n" >e.ini &&
	printf "[migrations]\ndir = byini\n" >msr.ini &&
	MSR_CONFIG=e.ini msr -u sqlite:x.db -c c.ini status >out &&
	test_grep "^1  *byc " out &&
	MSR_CONFIG=e.ini msr -u sqlite:x.db status >out &&
	test_grep "^1  *byenv " out &&
	MSR_CONFIG= msr -u sqlite:x.db status >out &&
	test_grep "^1  *byini " out
'

test_expect_success 'a missing MSR_CONFIG file: the message msr.ini(5) shows' '
	mkdir mc && cd mc &&
	test_expect_code 2 env MSR_CONFIG=deploy.ini "$MSRTEST_BIN" status >out 2>err &&
	test_grep "^msr: error: MSR_CONFIG: cannot read config file: deploy.ini: No such file or directory$" err &&
	test_must_be_empty out
'

test_expect_success 'relative paths in a config file are relative to the current directory' '
	rm -rf rel && mkdir -p rel/conf && cd rel &&
	mig m 1_a "CREATE TABLE a (x integer);" &&
	printf "[database]\nurl = sqlite:app.db\n[migrations]\ndir = m\n" >conf/msr.ini &&
	msr -c conf/msr.ini migrate 2>err &&
	test -f app.db &&
	test ! -e conf/app.db
'

test_expect_success 'INI syntax: key: value, comments, ; and # in values' '
	rm -rf ini && mkdir ini && cd ini &&
	mkdir "a;b" "x#y" &&
	mig m 1_m "SELECT 1;" && mig "a;b" 1_ab "SELECT 1;" &&
	mig "x#y" 1_xy "SELECT 1;" &&
	printf "; a comment\n# another\n[database]\nurl: sqlite:colon.db\n[migrations]\ndir = m ; ours\n" >msr.ini &&
	msr status --json >out &&
	test_grep "\"database\":\"sqlite:colon.db\"" out &&
	test_grep "\"name\":\"m\"" out &&
	printf "[database]\nurl = sqlite:s.db\n[migrations]\ndir = a;b\n" >msr.ini &&
	msr status >out &&
	test_grep "^1  *ab " out &&
	printf "[database]\nurl = sqlite:s.db\n[migrations]\ndir = x#y\n" >msr.ini &&
	msr status >out &&
	test_grep "^1  *xy " out
'

test_expect_success 'INI syntax: a BOM, CRLF, indented comments and blank lines are accepted' '
	rm -rf bom && mkdir bom && cd bom &&
	mig m 1_m "SELECT 1;" &&
	printf "\357\273\277[database]\r\nurl = sqlite:bom.db\r\n\r\n   ; indented\r\n\t# indented\r\n   \r\n[migrations]\r\ndir = m\r\n" >msr.ini &&
	msr status --json >out &&
	test_grep "\"database\":\"sqlite:bom.db\"" out &&
	test_grep "\"file\":\"m/1_m.up.sql\"" out
'

test_expect_success 'INI syntax: section and key names are lower case, compared exactly' '
	rm -rf case && mkdir case && cd case &&
	printf "[Database]\nurl = sqlite:s.db\n" >msr.ini &&
	test_expect_code 2 msr status 2>err &&
	test_grep "^msr: error: msr.ini:2: unknown section ${SQ}Database${SQ}" err &&
	printf "[database]\nURL = sqlite:s.db\n" >msr.ini &&
	test_expect_code 2 msr status 2>err &&
	test_grep "^msr: error: msr.ini:2: unknown key ${SQ}URL${SQ}" err
'

test_expect_success 'an unknown section with no keys is ignored; with one, its key names the line' '
	rm -rf case2 && mkdir case2 && cd case2 &&
	mkdir m &&
	printf "[database]\nurl = sqlite:s.db\n[Migrations]\n[migrations]\ndir = m\n" >msr.ini &&
	msr status >out 2>err &&
	test_must_be_empty err &&
	printf "[database]\nurl = sqlite:s.db\n[Migrations]\n\ndir = m\n" >msr.ini &&
	test_expect_code 2 msr status 2>err &&
	test_grep "^msr: error: msr.ini:5: unknown section ${SQ}Migrations${SQ}" err
'

test_expect_success 'INI syntax: quotes are not removed from values' '
	rm -rf quo && mkdir quo && cd quo &&
	mig "\"m\"" 1_quoted "CREATE TABLE a (x integer);" &&
	printf "[database]\nurl = sqlite:\"q.db\"\n[migrations]\ndir = \"m\"\n" >msr.ini &&
	msr migrate 2>err &&
	test -f "\"q.db\"" &&
	test ! -e q.db
'

test_expect_success 'msr.ini(5): url = "sqlite:app.db" is not a database URL' '
	rm -rf quo2 && mkdir quo2 && cd quo2 &&
	mig m 1_a "CREATE TABLE a (x integer);" &&
	printf "[database]\nurl = \"sqlite:app.db\"\n[migrations]\ndir = m\n" >msr.ini &&
	test_expect_code 2 msr migrate 2>err &&
	test_grep "^msr: error: msr.ini:2: unsupported database URL ${SQ}\"sqlite:app.db\"${SQ}" err &&
	ls >files &&
	! grep -v "^m$\|^msr.ini$\|^err$\|^files$" files
'

test_expect_success 'booleans: true yes on 1 false no off 0, in upper or lower case' '
	rm -rf bool && mkdir bool && cd bool &&
	mig m 1_a "SELECT 1;" &&
	for b in true yes on 1 TRUE Yes ON false no off 0 FALSE No OFF; do
		printf "[database]\nurl = sqlite:b.db\n[migrations]\ndir = m\nstrict = %s\n" $b >msr.ini &&
		msr status >/dev/null || return 1
	done &&
	printf "[database]\nurl = sqlite:b.db\n[migrations]\ndir = m\nstrict = y\n" >msr.ini &&
	test_expect_code 2 msr status 2>err
'

test_expect_success 'identifiers: table at most 58 bytes, schema 63; lists and durations' '
	mig ident 1_a "SELECT 1;" &&
	t58=$(printf "t%057d" 0) && t59=$(printf "t%058d" 0) &&
	s63=$(printf "s%062d" 0) && s64=$(printf "s%063d" 0) &&
	msr -d ident --table "$t58" validate 2>err &&
	test_expect_code 2 msr -d ident --table "$t59" validate 2>err &&
	test_grep "^msr: error: --table: invalid value .* at most 58 bytes" err &&
	(export MSR_MIGRATIONS_SCHEMA=$s63 && msr -d ident validate) 2>err &&
	test_expect_code 2 env MSR_MIGRATIONS_SCHEMA=$s64 "$MSRTEST_BIN" -d ident validate 2>err &&
	test_grep "^msr: error: MSR_MIGRATIONS_SCHEMA: invalid value .* at most 63 bytes" err &&
	(export MSR_POSTGRES_SEARCH_PATH="app , public,x_1" &&
	    msr -d ident validate) 2>err &&
	test_expect_code 2 env MSR_POSTGRES_SEARCH_PATH="app;x" "$MSRTEST_BIN" -d ident validate 2>err &&
	for d in 5 5ms 5s 5min 5h 5d 999999999; do
		(export MSR_POSTGRES_LOCK_TIMEOUT=$d && msr -d ident validate) 2>err || return 1
	done &&
	for d in 1234567890 5m 5sec 1.5s; do
		test_expect_code 2 env MSR_POSTGRES_STATEMENT_TIMEOUT=$d "$MSRTEST_BIN" -d ident validate 2>err || return 1
	done
'

test_expect_success '${VAR} set to nothing expands to nothing; the command line and MSR_* are not expanded' '
	rm -rf var && mkdir var && cd var &&
	mig m 1_a "SELECT 1;" &&
	printf "[database]\nurl = sqlite:\${EMPTY_V}e.db\n[migrations]\ndir = m\n" >msr.ini &&
	EMPTY_V= && export EMPTY_V &&
	msr status --json >out &&
	test_grep "\"database\":\"sqlite:e.db\"" out &&
	(export HOME_V=h && msr -u "sqlite:\${HOME_V}.db" status --json) >out &&
	test_grep "\"database\":\"sqlite:\${HOME_V}.db\"" out &&
	(export HOME_V=h MSR_DATABASE_URL="sqlite:\${HOME_V}x.db" &&
	    msr status --json) >out &&
	test_grep "\"database\":\"sqlite:\${HOME_V}x.db\"" out
'

test_expect_success 'password_file must be readable, also with an SQLite URL (exit 2)' '
	mig pw 1_a "CREATE TABLE a (x integer);" &&
	test_expect_code 2 env MSR_DATABASE_PASSWORD_FILE=no-such-file \
	    "$MSRTEST_BIN" -u sqlite:pw.db -d pw migrate 2>err &&
	test_grep "^msr: error: .*password_file.*no-such-file" err &&
	test ! -e pw.db
'

test_expect_success '--table NAME names the tracking, audit and lock tables' '
	db_new tb &&
	mig tb 1_a "CREATE TABLE a (x integer);" &&
	msr -u "$(u tb)" -d tb --table schema_history migrate 2>err &&
	test "$(dbq tb "SELECT version FROM schema_history")" = 1 &&
	test "$(dbq tb "SELECT action FROM schema_history_log")" = up &&
	test "$(dbq tb "SELECT count(*) FROM schema_history_lock")" = 0 &&
	test_must_fail dbq tb "SELECT count(*) FROM msr_migrations" 2>/dev/null &&
	msr -u "$(u tb)" -d tb --table schema_history check &&
	test_expect_code 5 msr -u "$(u tb)" -d tb check 2>err
'

test_expect_success '-q prints errors only: no progress, notices or warnings' '
	db_new qq &&
	mig qq 1_a "CREATE TABLE a (x integer);" &&
	mig qq 2_notx "-- msr:no-transaction
CREATE TABLE b (x integer);" &&
	printf "SELECT 1;\n" >qq/9_orphan.down.sql &&
	msr -q -u "$(u qq)" -d qq migrate >out 2>err &&
	test_must_be_empty err &&
	test_must_be_empty out &&
	test "$(versions qq)" = "1,2" &&
	mig qq 3_bad "SELECT * FROM no_such_table;" &&
	test_expect_code 1 msr -q -u "$(u qq)" -d qq migrate 2>err &&
	test_grep "^msr: error: qq/3_bad.up.sql:1:[0-9]*: " err &&
	test_grep -v "warning\|notice\|applied\|rolled back" err
'

test_expect_success '-v shows the creation of the tracking tables and each statement' '
	db_new vv &&
	mig vv 1_a "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS a (x integer);
CREATE TABLE IF NOT EXISTS b (x integer);" &&
	msr -v -u "$(u vv)" -d vv migrate 2>err &&
	test_grep "^msr: created the tracking tables" err &&
	test_grep "^msr: vv/1_a.up.sql:2:1: running statement 1 of 2$" err &&
	test_grep "^msr: vv/1_a.up.sql:3:1: running statement 2 of 2$" err &&
	db_new vv2 &&
	msr -u "$(u vv2)" -d vv migrate 2>err &&
	test_grep -v "created the tracking\|running statement" err
'

#
# Commands
#

test_expect_success 'migrate resumes a partial migration first, then the pending ones' '
	db_new rf &&
	mig rf 1_a "CREATE TABLE a (x integer);" &&
	mig rf 5_p "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS p1 (x integer);
INSERT INTO fixme VALUES (1);" &&
	test_expect_code 1 msr -u "$(u rf)" -d rf migrate 2>err &&
	dbq rf "CREATE TABLE fixme (x integer)" &&
	mig rf 3_c "CREATE TABLE c (x integer);" &&
	mig rf 6_f "CREATE TABLE f (x integer);" &&
	msr -u "$(u rf)" -d rf migrate --out-of-order --dry-run >plan &&
	sed -n 1p plan >first &&
	test_grep "rf/5_p.up.sql  \[no transaction: resuming a partial migration after statement 1\]" first &&
	msr -u "$(u rf)" -d rf migrate --out-of-order 2>err &&
	test "$(dbq rf "SELECT version FROM msr_migrations_log WHERE outcome = '\''ok'\'' ORDER BY id" | paste -s -d , -)" = "1,5,3,6"
'

test_expect_success 'migrate: an applied migration whose file is missing is only a warning' '
	db_new mf &&
	mig mf 1_a "CREATE TABLE a (x integer);" &&
	msr -u "$(u mf)" -d mf migrate 2>err &&
	rm mf/1_a.up.sql &&
	mig mf 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(u mf)" -d mf migrate 2>err &&
	test_grep "^msr: warning: version 1 (a) is applied but its file is missing" err &&
	test "$(versions mf)" = "1,2"
'

test_expect_success 'migrate --dry-run: one line per migration on stdout, nothing changed' '
	db_new dr &&
	mig dr 1_a "CREATE TABLE a (x integer);" &&
	mig dr 2_b "CREATE TABLE b (x integer);" &&
	mig dr 3_c "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS c (x integer);" &&
	msr -u "$(u dr)" -d dr migrate --to 1 2>err &&
	db_fp dr >before &&
	msr -u "$(u dr)" -d dr migrate --dry-run >plan 2>err &&
	printf "%s\n" "up   dr/2_b.up.sql  [transaction]" \
	    "up   dr/3_c.up.sql  [no transaction: -- msr:no-transaction]" >want &&
	test_cmp want plan &&
	db_fp dr >after &&
	test_cmp before after
'

test_expect_success 'redo: exit 5 when nothing is applied, exit 2 before any change without a down file' '
	db_new rd &&
	mig rd 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	test_expect_code 5 msr -u "$(u rd)" -d rd redo 2>err &&
	test_grep "^msr: error: nothing to redo: no migration is applied" err &&
	mig rd 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(u rd)" -d rd migrate 2>err &&
	db_fp rd >before &&
	test_expect_code 2 msr -u "$(u rd)" -d rd redo 2>err &&
	test_grep "rd/2_b.up.sql: no down file" err &&
	db_fp rd >after &&
	test_cmp before after
'

test_expect_success 'redo --dry-run prints both plans and changes nothing' '
	db_new rdd &&
	mig rdd 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	msr -u "$(u rdd)" -d rdd migrate 2>err &&
	db_fp rdd >before &&
	msr -u "$(u rdd)" -d rdd redo --dry-run >plan &&
	printf "%s\n" "down rdd/1_a.down.sql  [transaction]" \
	    "up   rdd/1_a.up.sql  [transaction]" >want &&
	test_cmp want plan &&
	db_fp rdd >after &&
	test_cmp before after
'

test_expect_success 'down VERSION may be a version that only a tracking row has' '
	db_new dv &&
	for v in 1 2 3; do
		mig dv ${v}_t$v "CREATE TABLE t$v (x integer);" "DROP TABLE t$v;" || return 1
	done &&
	msr -u "$(u dv)" -d dv migrate 2>err &&
	rm dv/2_t2.up.sql dv/2_t2.down.sql &&
	msr -u "$(u dv)" -d dv down 2 2>err &&
	test "$(versions dv)" = "1,2"
'

test_expect_success 'down lists every missing down file' '
	db_new dm &&
	mig dm 1_a "CREATE TABLE a (x integer);" &&
	mig dm 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	mig dm 3_c "CREATE TABLE c (x integer);" &&
	msr -u "$(u dm)" -d dm migrate 2>err &&
	test_expect_code 2 msr -u "$(u dm)" -d dm down --all 2>err &&
	test_grep "^    dm/3_c.up.sql: no down file$" err &&
	test_grep "^    dm/1_a.up.sql: no down file$" err
'

test_expect_success 'down and redo refuse a partial migration: exit 5, nothing changed' '
	db_new dp &&
	mig dp 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig dp 2_p "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS p1 (x integer);
INSERT INTO fixme VALUES (1);" "DROP TABLE p1;" &&
	test_expect_code 1 msr -u "$(u dp)" -d dp migrate 2>err &&
	fp_no_log dp >before &&
	test_expect_code 5 msr -u "$(u dp)" -d dp down --all 2>err &&
	test_grep "^msr: error: version 2 (p) is partially applied" err &&
	test_expect_code 5 msr -u "$(u dp)" -d dp down --steps 1 2>err &&
	test_expect_code 5 msr -u "$(u dp)" -d dp redo 2>err &&
	test_grep "^msr: error: version 2 (p) is partially applied" err &&
	fp_no_log dp >after &&
	test_cmp before after
'

# setup_states: database "st" with a migration in every state of status:
# 10 missing, 15 out-of-order, 20 modified, 30 applied, 50 partial with
# its file changed, 60 pending.
setup_states() {
	db_new st &&
	rm -rf st &&
	mig st 10_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig st 20_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	mig st 30_c "CREATE TABLE c (x integer);" "DROP TABLE c;" &&
	msr -u "$(u st)" -d st migrate 2>/dev/null &&
	mig st 50_p "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS p1 (x integer);
INSERT INTO fixme VALUES (1);" &&
	test_expect_code 1 msr -u "$(u st)" -d st migrate 2>/dev/null &&
	echo "-- changed" >>st/50_p.up.sql &&
	echo "-- changed" >>st/20_b.up.sql &&
	rm st/10_a.up.sql st/10_a.down.sql &&
	mig st 15_late "CREATE TABLE late (x integer);" &&
	mig st 60_new "CREATE TABLE new (x integer);"
}

test_expect_success 'status shows every state, with time and duration, and exits 0' '
	setup_states &&
	msr -u "$(u st)" -d st status >out 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <out)" = 7 &&
	test_grep "^VERSION  *NAME  *STATE  *APPLIED$" out &&
	test_grep "^10  *a  *missing  *$UTC_MS ([0-9]* ms)$" out &&
	test_grep "^15  *late  *out-of-order *$" out &&
	test_grep "^20  *b  *modified  *$UTC_MS ([0-9]* ms)$" out &&
	test_grep "^30  *c  *applied  *$UTC_MS ([0-9]* ms)$" out &&
	test_grep "^50  *p  *partial  *$UTC_MS ([0-9]* ms), 1 statement done, file changed$" out &&
	test_grep "^60  *new  *pending *$" out &&
	awk "NR > 1 { print \$1 }" out | paste -s -d , - >order &&
	test "$(cat order)" = "10,15,20,30,50,60"
'

test_expect_success 'check prints each migration not applied as recorded and exits 5' '
	test_expect_code 5 msr -u "$(u st)" -d st check >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: error: 10 a: missing$" err &&
	test_grep "^msr: error: 15 late: out-of-order$" err &&
	test_grep "^msr: error: 20 b: modified$" err &&
	test_grep "^msr: error: 50 p: partial, file changed$" err &&
	test_grep "^msr: error: 60 new: pending$" err &&
	test_grep -v " c: " err &&
	test_grep "check failed: 5 migrations" err
'

test_expect_success 'status --json: the document of msr.1, for every state' '
	msr -u "$(u st)" -d st status --json >doc 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <doc)" = 1 &&
	URL=$(u st) python3 - <<-\PY
	import json, os, re
	d = json.load(open("doc"))
	assert set(d) == {"database", "version", "migrations", "lock"}, d.keys()
	assert d["lock"] is None, d["lock"]
	assert d["database"] == os.environ["URL"], d["database"]
	assert d["version"] == "30", d["version"]
	ms = {m["version"]: m for m in d["migrations"]}
	assert [m["version"] for m in d["migrations"]] == \
	    ["10", "15", "20", "30", "50", "60"], list(ms)
	want = {"10": "missing", "15": "out-of-order", "20": "modified",
	        "30": "applied", "50": "partial", "60": "pending"}
	for v, s in want.items():
	    assert ms[v]["state"] == s, ms[v]
	utc = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
	for v, m in ms.items():
	    assert isinstance(m["name"], str) and m["name"], m
	    assert isinstance(m["down_file"], bool), m
	    tracked = v in ("10", "20", "30", "50")
	    for k in ("applied_at", "execution_ms", "checksum", "checksum_ok"):
	        assert (k in m) == tracked, (k, m)
	    if tracked:
	        assert utc.match(m["applied_at"]), m
	        assert isinstance(m["execution_ms"], int), m
	        assert re.match(r"^[0-9a-f]{64}$", m["checksum"]), m
	    assert ("statements_done" in m) == (v == "50"), m
	assert ms["10"]["file"] is None and ms["10"]["checksum_ok"] is False
	assert ms["20"]["checksum_ok"] is False and ms["30"]["checksum_ok"] is True
	assert ms["50"]["checksum_ok"] is False and ms["50"]["statements_done"] == 1
	assert ms["30"]["file"] == "st/30_c.up.sql" and ms["30"]["down_file"] is True
	assert ms["60"]["file"] == "st/60_new.up.sql" and ms["60"]["down_file"] is False
	PY
'

test_expect_success 'version: partial migrations do not count; --expect compares numbers' '
	msr -u "$(u st)" -d st version >out &&
	echo 30 >want &&
	test_cmp want out &&
	msr -u "$(u st)" -d st version --expect 0030 >out &&
	msr -u "$(u st)" -d st version --expect V30 >out &&
	test_expect_code 5 msr -u "$(u st)" -d st version --expect 50 2>err &&
	test_expect_code 5 msr -u "$(u st)" -d st version --expect none 2>err &&
	test_grep "expected none" err &&
	db_new vn &&
	msr -u "$(u vn)" -d st version --expect none >out &&
	echo none >want &&
	test_cmp want out
'

test_expect_success 'validate with a URL: a missing applied file is exit 5' '
	test_expect_code 5 msr -u "$(u st)" -d st validate 2>err &&
	test_grep "^msr: error: version 10 (a) is applied but its file is missing" err &&
	test_grep "st/20_b.up.sql: changed after it was applied" err
'

test_expect_success 'validate: problems in the files are exit 2, with a URL too' '
	mig st 70_bad "SELECT '\''oops;" &&
	test_expect_code 2 msr -d st validate 2>err &&
	test_grep "st/70_bad.up.sql:1:8: unterminated quoted string" err &&
	test_expect_code 2 msr -u "$(u st)" -d st validate 2>err &&
	test_grep "st/70_bad.up.sql:1:8: unterminated quoted string" err
'

test_expect_success 'baseline --dry-run prints the files and changes nothing' '
	db_new bl &&
	mig bl 1_a "CREATE TABLE a (x integer);" &&
	mig bl 2_b "CREATE TABLE b (x integer);" &&
	db_fp bl >before &&
	msr -u "$(u bl)" -d bl baseline 2 --dry-run >out 2>err &&
	printf "bl/1_a.up.sql\nbl/2_b.up.sql\n" >want &&
	test_cmp want out &&
	db_fp bl >after &&
	test_cmp before after
'

test_expect_success 'baseline records the checksums of the files and an audit row each' '
	msr -u "$(u bl)" -d bl baseline 2 >out 2>err &&
	for v in 1 2; do
		want=$(sha256sum bl/${v}_*.up.sql | cut -d " " -f 1) &&
		test "$(dbq bl "SELECT checksum FROM msr_migrations WHERE version = '\''$v'\''")" = "$want" || return 1
	done &&
	test "$(dbq bl "SELECT action || '\'' '\'' || version || '\'' '\'' || outcome FROM msr_migrations_log ORDER BY id" | paste -s -d , -)" = "baseline 1 ok,baseline 2 ok" &&
	msr -u "$(u bl)" -d bl check &&
	db_tables bl >tables &&
	test_must_be_empty tables
'

test_expect_success 'repair leaves a migration whose file is missing as it is, with a warning' '
	db_new rm &&
	mig rm 1_a "CREATE TABLE a (x integer);" &&
	mig rm 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(u rm)" -d rm migrate 2>err &&
	rm rm/1_a.up.sql &&
	echo "-- edited" >>rm/2_b.up.sql &&
	msr -u "$(u rm)" -d rm repair >out 2>err &&
	test_grep "^msr: warning: version 1 (a) is applied but its file is missing; left as it is" err &&
	test_grep "^rm/2_b.up.sql: checksum " out &&
	test_grep -v "1_a" out &&
	test "$(dbq rm "SELECT count(*) FROM msr_migrations")" = 2 &&
	test_expect_code 5 msr -u "$(u rm)" -d rm check 2>err &&
	test_grep "^msr: error: 1 a: missing$" err
'

test_expect_success 'new: a UTC timestamp, raised above a newer version, the directory created' '
	before=$(date -u +%Y%m%d%H%M%S) &&
	msr -d nw/sub new first >out &&
	after=$(date -u +%Y%m%d%H%M%S) &&
	v=$(sed -n "1s|^nw/sub/\([0-9]*\)_first.up.sql$|\1|p" out) &&
	test -n "$v" &&
	test "$v" -ge "$before" && test "$v" -le "$after" &&
	mkdir fut && : >fut/29990101000000_future.up.sql &&
	msr -d fut new next >out &&
	test_grep "^fut/29990101000001_next.up.sql$" out &&
	test_grep "^fut/29990101000001_next.down.sql$" out
'

test_expect_success 'new never overwrites a file, and needs no database' '
	mkdir ow && : >ow/0009_x.up.sql &&
	echo "-- keep me" >ow/0010_y.down.sql &&
	test_must_fail msr -d ow new y 2>err &&
	test_grep "ow/0010_y.down.sql" err &&
	test "$(cat ow/0010_y.down.sql)" = "-- keep me" &&
	msr -u mysql://nowhere/x -d ow2 new z >out &&
	test "$(wc -l <out)" = 2
'

#
# The migration lock
#

test_expect_success 'only the commands that change the database take the lock' '
	db_new lk &&
	mig lk 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig lk 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(u lk)" -d lk migrate --to 1 2>err &&
	db_fp lk >before &&
	hold_lock lk &&
	test_when_finished "free_lock lk" &&
	for c in status version validate "status --json" "migrate --dry-run" \
	    "down --all --dry-run" "redo --dry-run" "baseline 2 --dry-run" \
	    "repair --dry-run"; do
		msr -u "$(u lk)" -d lk --lock-timeout 0 $c >out 2>err ||
		return 1
	done &&
	test_expect_code 5 msr -u "$(u lk)" -d lk --lock-timeout 0 check 2>err &&
	for c in migrate "down --all" redo "baseline 2" repair; do
		test_expect_code 4 msr -u "$(u lk)" -d lk --lock-timeout 0 $c \
		    >out 2>err &&
		test_grep "^msr: error: migration lock not acquired within 0 s; it is held by " err ||
		return 1
	done &&
	msr -u "$(u lk)" lock status >held &&
	test_expect_code 4 msr -u "$(u lk)" -d lk --lock-timeout 1 migrate 2>wait.err &&
	free_lock lk &&
	test_grep "^held by " held &&
	test "$(grep -c "waiting for the migration lock held by" wait.err)" = 1 &&
	db_fp lk >after &&
	test_cmp before after &&
	msr -u "$(u lk)" lock status >out &&
	test_grep "^not held$" out &&
	msr -u "$(u lk)" lock release >out &&
	test_grep "^not held$" out
'

test_for sqlite 'the SQLite lock file names the holder while held and is emptied after' '
	mig lf2 1_a "CREATE TABLE a (x integer);" &&
	msr -u sqlite:lf2.db -d lf2 migrate 2>err &&
	test -e lf2.db-msr.lock &&
	test_must_be_empty lf2.db-msr.lock &&
	hold_lock lf2 &&
	test_when_finished "free_lock lf2" &&
	msr -u sqlite:lf2.db lock status >out &&
	free_lock lf2 &&
	test_grep "^held by pid 4242 on build1 since 2025-01-15T10:00:00Z$" out
'

test_expect_success 'lock status gives the time of a running msr in ISO 8601 UTC' '
	db_new lw &&
	mig lw 1_s "CREATE TABLE s (n integer);
$(slow_sql)" &&
	msr_bg out lw.err -u "$(u lw)" -d lw migrate &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	wait_running lw lw.err &&
	msr -u "$(u lw)" lock status >held &&
	kill -TERM $pid &&
	test_expect_code 143 wait $pid &&
	test_grep "^held by .* since $UTC_S$" held
'

test_expect_success 'lock release of a lock that is no lock table row: exit 4, the same words for both databases' '
	db_new lh &&
	mig lh 1_a "CREATE TABLE a (x integer);" &&
	msr -u "$(u lh)" -d lh migrate 2>err &&
	hold_lock lh &&
	test_when_finished "free_lock lh" &&
	test_expect_code 4 msr -u "$(u lh)" lock release >out 2>err &&
	free_lock lh &&
	test_must_be_empty out &&
	test_grep "^msr: error: the lock is held by .*; only its holder can free it, and it goes away when that holder ends$" err &&
	test_grep -v session err
'

test_expect_success 'status while a run holds the lock: pending, and on stderr and in the JSON who holds it' '
	db_new ls &&
	mig ls 1_s "CREATE TABLE s (n integer);
$(slow_sql)" &&
	msr_bg out ls.err -u "$(u ls)" -d ls migrate &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	wait_running ls ls.err &&
	msr -u "$(u ls)" -d ls status >out 2>err &&
	msr -u "$(u ls)" -d ls status --json >json 2>jerr &&
	kill -TERM $pid &&
	test_expect_code 143 wait $pid &&
	test_grep "^1  *s  *pending" out &&
	test_grep "^msr: notice: a run holds the migration lock, held by .* since $UTC_S; what it runs shows as pending until it commits$" err &&
	test_cmp err jerr &&
	test_grep "\"state\":\"pending\"" json &&
	test_grep "\"lock\":\"[^\"]* since $UTC_S\"}$" json &&
	msr -u "$(u ls)" -d ls status --json >json 2>err &&
	test_must_be_empty err &&
	test_grep "\"lock\":null}$" json
'

test_expect_success 'status and lock status of method table only read the lock table' '
	db_new lo &&
	mig lo 1_a "CREATE TABLE a (x integer);" &&
	MSR_LOCK_METHOD=table msr -u "$(u lo)" -d lo migrate 2>err &&
	case $MSRTEST_DRIVER in
	pg) dbq lo "CREATE TABLE seen (x int); CREATE FUNCTION seen_f() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO seen VALUES (1); RETURN NULL; END\$\$; CREATE TRIGGER seen_t AFTER INSERT OR DELETE ON msr_migrations_lock FOR EACH ROW EXECUTE FUNCTION seen_f();" ;;
	*) dbq lo "CREATE TABLE seen (x integer); CREATE TRIGGER seen_i AFTER INSERT ON msr_migrations_lock BEGIN INSERT INTO seen VALUES (1); END; CREATE TRIGGER seen_d AFTER DELETE ON msr_migrations_lock BEGIN INSERT INTO seen VALUES (1); END;" ;;
	esac &&
	MSR_LOCK_METHOD=table msr -u "$(u lo)" lock status >out &&
	test_grep "^not held$" out &&
	MSR_LOCK_METHOD=table msr -u "$(u lo)" -d lo status --json >json 2>err &&
	test_must_be_empty err &&
	test_grep "\"lock\":null}$" json &&
	test "$(dbq lo "SELECT count(*) FROM seen")" = 0
'

test_for sqlite 'status and lock status create no lock file and take no lock' '
	mig lq 1_a "CREATE TABLE a (x integer);" &&
	msr -u sqlite:lq.db -d lq migrate 2>err &&
	rm lq.db-msr.lock &&
	msr -u sqlite:lq.db lock status >out &&
	test_grep "^not held$" out &&
	msr -u sqlite:lq.db -d lq status >out 2>err &&
	test_must_be_empty err &&
	test ! -e lq.db-msr.lock
'

test_for sqlite '[lock] enabled = false takes no lock, as --no-lock' '
	mig le 1_a "CREATE TABLE a (x integer);" &&
	printf "[lock]\nenabled = false\n" >le.ini &&
	msr -c le.ini -u sqlite:le.db -d le migrate 2>err &&
	test -f le.db &&
	test ! -e le.db-msr.lock
'

test_expect_success 'method table: a row left behind blocks (exit 4), lock release --force clears it' '
	db_new lt &&
	mig lt 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	MSR_LOCK_METHOD=table msr -u "$(u lt)" -d lt migrate 2>err &&
	test "$(dbq lt "SELECT count(*) FROM msr_migrations_lock")" = 0 &&
	dbq lt "INSERT INTO msr_migrations_lock (id, holder, since) VALUES (1, '\''pid 99 on gone since then'\'', '\''2025-01-15T10:00:00Z'\'')" &&
	MSR_LOCK_METHOD=table msr -u "$(u lt)" lock status >out &&
	test_grep "^held by pid 99 on gone since then$" out &&
	test_expect_code 4 env MSR_LOCK_METHOD=table "$MSRTEST_BIN" -u "$(u lt)" -d lt --lock-timeout 0 down --all 2>err &&
	test_grep "it is held by pid 99 on gone since then" err &&
	test_expect_code 4 env MSR_LOCK_METHOD=table "$MSRTEST_BIN" -u "$(u lt)" lock release >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: error: not releasing the lock held by pid 99 on gone since then: msr cannot prove that its holder is gone" err &&
	MSR_LOCK_METHOD=table msr -u "$(u lt)" lock release --force >out 2>err &&
	test_grep "^released the lock held by pid 99 on gone since then$" out &&
	test_grep "^msr: warning: releasing the lock held by pid 99 on gone since then although" err &&
	MSR_LOCK_METHOD=table msr -u "$(u lt)" lock status >out &&
	test_grep "^not held$" out &&
	MSR_LOCK_METHOD=table msr -u "$(u lt)" lock release >out &&
	test_grep "^not held$" out &&
	MSR_LOCK_METHOD=table msr -u "$(u lt)" -d lt --lock-timeout 0 down --all 2>err &&
	test "$(dbq lt "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'method table: the row names the holder while msr runs' '
	db_new lr &&
	mig lr 1_s "CREATE TABLE s (n integer);
$(slow_sql)" &&
	MSR_LOCK_METHOD=table msr_bg out lr.err -u "$(u lr)" -d lr migrate &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	wait_lock_row lr &&
	row=$(dbq lr "SELECT id, holder FROM msr_migrations_lock") &&
	kill -TERM $pid &&
	test_expect_code 143 wait $pid &&
	echo "$row" | grep "^1|pid $pid on .* since $UTC_S$" &&
	test "$(dbq lr "SELECT count(*) FROM msr_migrations_lock")" = 0
'

# SQLite and method table: the holder commits its row, then runs its
# migrations in BEGIN IMMEDIATE transactions.  A second msr then waits in
# SQLite's busy handler instead of seeing the row, and fails with exit 3
# ("database is locked") rather than 4.  The holder is imitated here: the
# row, and a transaction held open by sqlite3.
if [ "$MSRTEST_DRIVER" = sqlite ]; then
cat >busy.py <<\EOF
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO t VALUES (1)")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("ROLLBACK")
EOF
fi

# held_by_table DB CMD...: runs msr CMD while DB has a lock row of
# method table and an open write transaction, as while an msr migrates.
held_by_table() {
	htdb=$1
	shift
	rm -f busy.ready
	python3 "$TRASH/busy.py" "$htdb.db" busy.ready 10 &
	ht_pid=$!
	wait_for busy.ready || return 1
	MSR_LOCK_METHOD=table MSR_SQLITE_BUSY_TIMEOUT=300 msr -u "sqlite:$htdb.db" \
	    -d "$htdb" --lock-timeout 0 "$@" >out 2>err
	ht_rc=$?
	kill $ht_pid 2>/dev/null
	wait $ht_pid 2>/dev/null
	return $ht_rc
}

test_for sqlite 'setup: an SQLite database locked as by an msr of method table' '
	mig tbl 1_a "CREATE TABLE a (x integer);" &&
	MSR_LOCK_METHOD=table msr -u sqlite:tbl.db -d tbl migrate 2>err &&
	sq tbl.db "CREATE TABLE t (x integer); INSERT INTO msr_migrations_lock VALUES (1, '\''pid 4242 on build1 since 2025-01-15T10:00:00.000Z'\'', '\''2025-01-15T10:00:00.000Z'\'')" &&
	mig tbl 2_b "CREATE TABLE b (x integer);"
'

if [ "$MSRTEST_DRIVER" = sqlite ]; then
test_expect_success 'SQLite, method table, during a migration: lock status reads the holder' '
	held_by_table tbl lock status &&
	test_grep "^held by pid 4242 on build1 since 2025-01-15T10:00:00.000Z$" out
'

test_expect_success 'SQLite, method table, during a migration: migrate waits busy_timeout, then exit 3' '
	{ held_by_table tbl migrate; rc=$?; } &&
	test "$rc" = 3 &&
	test_grep "database is locked" err &&
	test "$(sq tbl.db "SELECT count(*) FROM msr_migrations")" = 1
'
fi

test_expect_success 'SIGTERM in down: exit 143, rolled back, still applied, lock free' '
	db_new sd &&
	mig sd 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig sd 2_s "CREATE TABLE s (n integer);" "$(slow_sql)
DROP TABLE s;" &&
	msr -u "$(u sd)" -d sd migrate 2>err &&
	msr_bg out sd.err -u "$(u sd)" -d sd down --all &&
	pid=$! &&
	{ wait_running sd sd.err || { kill $pid; false; }; } &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc = 143 &&
	test_grep "interrupted" sd.err &&
	test "$(versions sd)" = "1,2" &&
	db_tables sd >tables &&
	printf "a\ns\n" >want &&
	test_cmp want tables &&
	msr -u "$(u sd)" lock status >out &&
	test_grep "^not held$" out
'

test_expect_success 'SIGINT in redo: exit 130, rolled back, still applied' '
	msr_bg out sr.err -u "$(u sd)" -d sd redo &&
	pid=$! &&
	{ wait_running sd sr.err || { kill $pid; false; }; } &&
	kill -INT $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc = 130 &&
	test "$(versions sd)" = "1,2" &&
	printf "DROP TABLE s;\n" >sd/2_s.down.sql &&
	msr -u "$(u sd)" -d sd --lock-timeout 0 down --steps 1 2>err &&
	test "$(versions sd)" = 1
'

test_expect_success 'wait: exit 0 and "URL accepts connections"; no migrations directory needed' '
	db_new wt &&
	msr -u "$(u wt)" -d no/such/dir wait >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: $(u wt) accepts connections$" err
'

#
# Transactions
#

test_expect_success 'per-batch takes files with only their own block; not with statements around it' '
	db_new pb &&
	mig pb 1_a "BEGIN;
CREATE TABLE a (x integer);
COMMIT;" &&
	mig pb 2_b "CREATE TABLE b (x integer);" &&
	msr -u "$(u pb)" -d pb --transaction per-batch migrate 2>err &&
	test_grep "^msr: applied 1_a (batch)$" err &&
	test "$(versions pb)" = "1,2" &&
	test "$(dbq pb "SELECT message FROM msr_migrations_log ORDER BY id" | paste -s -d , -)" = "per-batch,per-batch" &&
	mig pb 3_c "CREATE TABLE c0 (x integer);
BEGIN;
CREATE TABLE c (x integer);
COMMIT;" &&
	db_fp pb >before &&
	test_expect_code 2 msr -u "$(u pb)" -d pb --transaction per-batch migrate 2>err &&
	test_grep "pb/3_c.up.sql cannot run in a per-batch transaction (it has statements outside its own BEGIN ... COMMIT block)" err &&
	db_fp pb >after &&
	test_cmp before after
'

test_expect_success 'a SAVEPOINT in a file with its own block: statement by statement' '
	db_new svp &&
	mig svp 1_a "BEGIN;
CREATE TABLE a (x integer);
SAVEPOINT sp;
CREATE TABLE b (x integer);
RELEASE sp;
COMMIT;" &&
	msr -u "$(u svp)" -d svp migrate --dry-run >plan &&
	test_grep "^up   svp/1_a.up.sql  \[no transaction: transaction control other than one BEGIN ... COMMIT block (line 3)\]$" plan &&
	msr -u "$(u svp)" -d svp migrate 2>err &&
	test_grep "svp/1_a.up.sql runs without a transaction" err &&
	printf "a\nb\n" >want &&
	db_tables svp >tables &&
	test_cmp want tables
'

test_expect_success 'SAVEPOINT, RELEASE or ROLLBACK TO alone: the plan names its line' '
	db_new svl &&
	mig svl 1_a "CREATE TABLE a (x integer);

SAVEPOINT sp;
CREATE TABLE b (x integer);
RELEASE sp;" &&
	mig svl 2_b "CREATE TABLE c (x integer);
RELEASE sp;" &&
	mig svl 3_c "CREATE TABLE d (x integer);
CREATE TABLE e (x integer);
ROLLBACK TO SAVEPOINT sp;" &&
	msr -u "$(u svl)" -d svl migrate --dry-run >plan &&
	test_grep "^up   svl/1_a.up.sql  \[no transaction: transaction control other than one BEGIN ... COMMIT block (line 3)\]$" plan &&
	test_grep "^up   svl/2_b.up.sql  \[no transaction: transaction control other than one BEGIN ... COMMIT block (line 2)\]$" plan &&
	test_grep "^up   svl/3_c.up.sql  \[no transaction: transaction control other than one BEGIN ... COMMIT block (line 3)\]$" plan &&
	test_grep -v "line 0" plan
'

test_expect_success 'a bad --to, --expect or VERSION is exit 2 before connecting or locking' '
	rm -rf bv && mkdir bv &&
	mig bv 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	for a in "migrate --to x" "down 2x" "baseline 1y" \
	    "version --expect v3.0" "down --dry-run V"; do
		start=$(date +%s) &&
		test_expect_code 2 msr -u "$(u nosuchdb)" -d bv --wait 3 $a \
		    >out 2>err &&
		test $(( $(date +%s) - start )) -lt 2 &&
		test_grep "^msr: error: invalid \(--to\|--expect\|version\) ${SQ}" err &&
		test_grep -v "waiting" err &&
		test_must_be_empty out || return 1
	done &&
	ls >files &&
	test_grep -v "nosuchdb" files
'

test_expect_success 'control characters of a file name reach no terminal raw' '
	db_new ctl &&
	esc=$(printf "\033") &&
	mig ctl "1_a${esc}[2J" "CREATE TABLE a (x integer);" &&
	mig ctl "2_b$(printf "\177\302\233")x" "CREATE TABLE b (x integer);" &&
	msr -u "$(u ctl)" -d ctl migrate --dry-run >plan &&
	msr -u "$(u ctl)" -d ctl migrate 2>err &&
	msr -u "$(u ctl)" -d ctl status >out &&
	msr -u "$(u ctl)" -d ctl --json status >json &&
	! grep -q "$esc\|$(printf "\177")\|$(printf "\302\233")" plan err out json &&
	test_grep "^up   ctl/1_a\\\\x1b\[2J.up.sql  " plan &&
	test_grep "^msr: applied 1_a\\\\x1b\[2J " err &&
	test_grep "^msr: applied 2_b\\\\x7f\\\\xc2\\\\x9bx " err &&
	test_grep "^1  *a\\\\x1b\[2J  *applied" out &&
	test_grep "\"name\":\"a\\\\u001b\[2J\"" json &&
	test_grep "\"name\":\"b\\\\u007f\\\\u009bx\"" json
'

test_expect_success 'blocks that do not balance: exit 2 at their line, nothing runs' '
	db_new unb &&
	mig unb 1_a "CREATE TABLE a (x integer);" &&
	msr -u "$(u unb)" -d unb migrate &&
	db_fp unb >before &&
	mig unb 2_b "BEGIN;
CREATE TABLE b (x integer);" &&
	test_expect_code 2 msr -u "$(u unb)" -d unb migrate >out 2>err &&
	test_grep "^msr: error: unb/2_b.up.sql:1:1: BEGIN with no COMMIT after it; a file holds one BEGIN ... COMMIT block, or several that each end, or none$" err &&
	mig unb 2_b "CREATE TABLE b (x integer);
  COMMIT;" &&
	test_expect_code 2 msr -u "$(u unb)" -d unb migrate >out 2>err &&
	test_grep "^msr: error: unb/2_b.up.sql:2:3: COMMIT with no BEGIN before it; " err &&
	mig unb 2_b "CREATE TABLE b (x integer);
ROLLBACK;" &&
	test_expect_code 2 msr -u "$(u unb)" -d unb migrate >out 2>err &&
	test_grep "^msr: error: unb/2_b.up.sql:2:1: ROLLBACK with no BEGIN before it; " err &&
	mig unb 2_b "BEGIN;
CREATE TABLE b (x integer);
BEGIN;
COMMIT;" &&
	test_expect_code 2 msr -u "$(u unb)" -d unb migrate >out 2>err &&
	test_grep "^msr: error: unb/2_b.up.sql:3:1: BEGIN inside the transaction that the BEGIN at line 1 opened; " err &&
	test_expect_code 2 msr -u "$(u unb)" -d unb migrate --dry-run >out 2>err &&
	test_must_be_empty out &&
	db_fp unb >after &&
	test_cmp before after
'

test_expect_success 'two blocks that each end still run statement by statement' '
	mig unb 2_b "BEGIN;
CREATE TABLE b (x integer);
COMMIT;
BEGIN;
CREATE TABLE c (x integer);
COMMIT;" &&
	msr -u "$(u unb)" -d unb migrate 2>err &&
	test_grep "unb/2_b.up.sql runs without a transaction" err &&
	printf "a\nb\nc\n" >want &&
	db_tables unb >tables &&
	test_cmp want tables
'

test_expect_success 'a down file failing after its own block: no longer applied, says to finish by hand' '
	db_new db &&
	mig db 1_a "CREATE TABLE a (x integer);
CREATE TABLE b (x integer);" "BEGIN;
DROP TABLE a;
COMMIT;
DROP TABLE no_such_table;" &&
	msr -u "$(u db)" -d db migrate 2>err &&
	test_expect_code 1 msr -u "$(u db)" -d db down --all 2>err &&
	test_grep "^msr: error: db/1_a.down.sql:4:1: " err &&
	test_grep "no longer recorded as applied" err &&
	test_grep "run the rest of the down file by hand" err &&
	test "$(dbq db "SELECT count(*) FROM msr_migrations")" = 0 &&
	echo b >want &&
	db_tables db >tables &&
	test_cmp want tables
'

test_expect_success 'a down file run statement by statement that fails: not undone, still applied' '
	db_new dn &&
	mig dn 1_a "CREATE TABLE a (x integer);
CREATE TABLE b (x integer);" "-- msr:no-transaction
DROP TABLE a;
DROP TABLE no_such_table;" &&
	msr -u "$(u dn)" -d dn migrate 2>err &&
	test_expect_code 1 msr -u "$(u dn)" -d dn down --all 2>err &&
	test_grep "^msr: error: dn/1_a.down.sql:3:1: " err &&
	test_grep "still recorded as applied" err &&
	test "$(dbq dn "SELECT state, statements_done FROM msr_migrations")" = "applied|0" &&
	echo b >want &&
	db_tables dn >tables &&
	test_cmp want tables
'

test_expect_success 'at most five statements not safe to retry are listed per file' '
	db_new ns &&
	rm -rf ns && mkdir ns &&
	{
		echo "-- msr:no-transaction" &&
		for i in 1 2 3 4 5 6 7; do
			echo "CREATE TABLE u$i (x integer);"
		done &&
		echo "SELECT 1;" && echo "ANALYZE;" &&
		echo "CREATE TABLE IF NOT EXISTS v (x integer);"
	} >ns/1_many.up.sql &&
	msr -u "$(u ns)" -d ns migrate 2>err &&
	test "$(grep -c "non-idempotent: the file runs without" err)" = 5 &&
	test_grep "^msr: warning: ns/1_many.up.sql:2:1: non-idempotent: " err &&
	test_grep "^msr: warning: ns/1_many.up.sql:6:1: non-idempotent: " err &&
	test_grep "^msr: warning: ns/1_many.up.sql: non-idempotent: and 2 more statements not safe to run again$" err &&
	test_grep -v ":9:1: non\|:10:1: non\|:11:1: non" err
'

#
# Output
#

test_expect_success 'data on stdout, progress on stderr; the summary gives the version' '
	db_new so &&
	mig so 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig so 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(u so)" -d so migrate >out 2>err &&
	test_must_be_empty out &&
	every_line_ours err &&
	test_grep "^msr: applied 1_a ([0-9]* ms)$" err &&
	test_grep "^msr: applied 2_b ([0-9]* ms)$" err &&
	test_grep "^msr: applied 2 migrations in [0-9]* ms; the database is at version 2$" err &&
	msr -u "$(u so)" -d so down --steps 1 >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: rolled back 2_b ([0-9]* ms)$" err &&
	test_grep "^msr: rolled back 1 migration in [0-9]* ms; the database is at version 1$" err &&
	msr -u "$(u so)" -d so migrate >out 2>err &&
	test_expect_code 0 msr -u "$(u so)" -d so migrate >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: nothing to do; the database is at version 2$" err &&
	msr -u "$(u so)" -d so status >out 2>err &&
	test_must_be_empty err &&
	msr -u "$(u so)" -d so version >out 2>err &&
	test_must_be_empty err &&
	echo 2 >want &&
	test_cmp want out
'

test_expect_success 'every line of a failure on stderr is "msr: " or indented' '
	db_new fl &&
	mig fl 1_a "CREATE TABLE a (x integer);
SELECT nope FROM a;" &&
	printf "SELECT 1;\n" >fl/9_orphan.down.sql &&
	test_expect_code 1 msr -u "$(u fl)" -d fl migrate >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: warning: " err &&
	test_grep "^msr: error: fl/1_a.up.sql:2:8: " err &&
	test_grep "^    2 | SELECT nope FROM a;$" err &&
	test_grep "^      |        ^$" err &&
	every_line_ours err
'

if command -v script >/dev/null 2>&1 &&
    script -qec true /dev/null >/dev/null 2>&1; then
test_expect_success 'labels are coloured on a terminal, unless NO_COLOR is set and not empty' '
	db_new col &&
	mig col 1_a "SELECT nope;" &&
	esc=$(printf "\033") &&
	cmd="$MSRTEST_BIN -u '\''$(u col)'\'' -d col migrate" &&
	{ env -u NO_COLOR script -qec "$cmd" /dev/null >tty1 2>&1 || :; } &&
	grep "^msr: $esc\[[0-9;]*merror:$esc\[0m " tty1 &&
	{ env NO_COLOR= script -qec "$cmd" /dev/null >tty2 2>&1 || :; } &&
	grep "^msr: $esc\[[0-9;]*merror:" tty2 &&
	{ env NO_COLOR=1 script -qec "$cmd" /dev/null >tty3 2>&1 || :; } &&
	grep "^msr: error: " tty3 &&
	! grep "$esc" tty3 &&
	{ env -u NO_COLOR "$MSRTEST_BIN" -u "$(u col)" -d col migrate 2>err || :; } &&
	grep "^msr: error: " err &&
	! grep "$esc" err
'
else
test_skip 'labels are coloured on a terminal, unless NO_COLOR is set and not empty' \
    'script(1) of util-linux missing'
fi

test_expect_success '--json: migrate prints the events of msr.1, with their fields' '
	db_new js &&
	mig js 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig js 2_b "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS b (x integer);" "DROP TABLE b;" &&
	mig js 3_c "BEGIN;
CREATE TABLE c (x integer);
COMMIT;" "DROP TABLE c;" &&
	msr --json -u "$(u js)" -d js migrate >ev 2>err &&
	python3 - <<-\PY
	import json, re
	ev = [json.loads(l) for l in open("ev")]
	utc = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
	for e in ev:
	    assert isinstance(e["event"], str) and utc.match(e["time"]), e
	names = [e["event"] for e in ev]
	assert names == ["migration_started", "migration_applied"] * 3 + ["summary"], names
	st = [e for e in ev if e["event"] == "migration_started"]
	assert [e["version"] for e in st] == ["1", "2", "3"], st
	assert [e["name"] for e in st] == ["a", "b", "c"], st
	assert all(e["direction"] == "up" for e in st), st
	assert [e["mode"] for e in st] == ["transaction", "no transaction",
	    "transaction, own block"], st
	for e in ev:
	    if e["event"] == "migration_applied":
	        assert set(e) == {"event", "time", "run_id", "version", "name", "duration_ms"}, e
	        assert isinstance(e["duration_ms"], int), e
	s = ev[-1]
	assert s["ok"] is True and s["done"] == 3 and s["version"] == "3", s
	assert isinstance(s["duration_ms"], int), s
	PY
'

test_expect_success '--json: nothing to do, redo, down, per-batch and early errors' '
	msr --json -u "$(u js)" -d js migrate >ev1 2>err &&
	msr --json -u "$(u js)" -d js redo >ev2 2>err &&
	msr --json -u "$(u js)" -d js down --steps 1 >ev3 2>err &&
	msr --json -u "$(u js)" -d js --transaction per-batch down --all >ev4 2>err &&
	test_expect_code 2 msr --json -u "$(u js)" -d js down 99 >ev5 2>err &&
	test_must_be_empty ev5 &&
	python3 - <<-\PY
	import json
	def load(f):
	    return [json.loads(l) for l in open(f)]
	e1 = load("ev1")
	assert len(e1) == 1 and e1[0]["event"] == "summary", e1
	assert e1[0]["ok"] is True and e1[0]["done"] == 0, e1
	assert "duration_ms" not in e1[0] and e1[0]["version"] == "3", e1
	e2 = load("ev2")
	assert [e["event"] for e in e2] == ["migration_started",
	    "migration_rolled_back", "summary", "migration_started",
	    "migration_applied", "summary"], e2
	assert e2[0]["direction"] == "down" and e2[3]["direction"] == "up", e2
	assert e2[2]["version"] == "2" and e2[5]["version"] == "3", e2
	rb = e2[1]
	assert set(rb) == {"event", "time", "run_id", "version", "name", "duration_ms"}, rb
	e3 = load("ev3")
	assert e3[-1]["event"] == "summary" and e3[-1]["done"] == 1, e3
	assert e3[-1]["version"] == "2", e3
	e4 = load("ev4")
	assert [e["event"] for e in e4] == ["summary"], e4
	assert e4[0]["done"] == 2 and e4[0]["version"] is None, e4
	PY
'

test_expect_success '--json: migration_failed has every field of msr.1' '
	db_new jf &&
	mig jf 1_a "CREATE TABLE a (x integer);
INSERT INTO no_such_table VALUES (1);" &&
	test_expect_code 1 msr --json -u "$(u jf)" -d jf migrate >ev 2>err &&
	python3 - <<-\PY
	import json
	ev = [json.loads(l) for l in open("ev")]
	f = [e for e in ev if e["event"] == "migration_failed"]
	assert len(f) == 1, ev
	f = f[0]
	for k in ("version", "name", "direction", "file", "line", "column",
	          "error", "code", "detail", "hint", "context"):
	    assert k in f, (k, f)
	assert f["version"] == "1" and f["name"] == "a", f
	assert f["direction"] == "up" and f["file"] == "jf/1_a.up.sql", f
	assert f["line"] == 2 and isinstance(f["column"], int), f
	assert isinstance(f["error"], str) and f["error"], f
	assert isinstance(f["code"], str) and f["code"], f
	for k in ("detail", "hint", "context"):
	    assert f[k] is None or isinstance(f[k], str), f
	s = ev[-1]
	assert s["event"] == "summary" and s["ok"] is False and s["done"] == 0, s
	assert s["version"] is None, s
	PY
'

#
# The tracking tables
#

test_expect_success 'an OS user that is not UTF-8 is recorded with U+FFFD' '
	db_new u8 &&
	mig u8 1_a "CREATE TABLE a (x integer);" &&
	USER="b$(printf "\377")d" msr -u "$(u u8)" -d u8 migrate 2>err &&
	host=$(uname -n) &&
	test "$(dbq u8 "SELECT os_user FROM msr_migrations")" = "b$(printf "\357\277\275")d@$host" &&
	test "$(dbq u8 "SELECT DISTINCT os_user FROM msr_migrations_log")" = "b$(printf "\357\277\275")d@$host"
'

test_expect_success 'tracking and audit rows: times in UTC, the users, the order' '
	db_new tr &&
	mig tr 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig tr 2_b "CREATE TABLE b (x integer);" &&
	USER=alice msr -u "$(u tr)" -d tr migrate 2>err &&
	host=$(uname -n) &&
	test "$(dbq tr "SELECT DISTINCT os_user FROM msr_migrations")" = "alice@$host" &&
	test "$(dbq tr "SELECT DISTINCT os_user FROM msr_migrations_log")" = "alice@$host" &&
	test "$(dbq tr "SELECT version FROM msr_migrations ORDER BY seq" | paste -s -d , -)" = "1,2" &&
	test "$(dbq tr "SELECT count(*) FROM msr_migrations WHERE execution_ms >= 0 AND statements_done = 0 AND state = '\''applied'\''")" = 2 &&
	case $MSRTEST_DRIVER in
	pg)
		test "$(dbq tr "SELECT DISTINCT applied_by FROM msr_migrations")" = postgres &&
		test "$(dbq tr "SELECT DISTINCT db_user FROM msr_migrations_log")" = postgres &&
		test "$(dbq tr "SELECT DISTINCT pg_typeof(applied_at)::text || '\'','\'' || pg_typeof(at)::text FROM msr_migrations, msr_migrations_log")" = "timestamp with time zone,timestamp with time zone"
		;;
	*)
		test "$(dbq tr "SELECT count(*) FROM msr_migrations WHERE applied_by IS NULL")" = 2 &&
		dbq tr "SELECT applied_at FROM msr_migrations UNION ALL SELECT at FROM msr_migrations_log" >times &&
		test "$(wc -l <times)" = 4 &&
		! grep -v "^$UTC_MS\$" times
		;;
	esac
'

test_expect_success 'the tables can be created ahead from sql/; without the audit table migrations fail' '
	db_new ah &&
	case $MSRTEST_DRIVER in
	pg) pg_psql ah -f "$MSRTEST_SRCDIR/sql/postgres.sql" >/dev/null ;;
	*) sqlite3 ah.db <"$MSRTEST_SRCDIR/sql/sqlite.sql" ;;
	esac &&
	mig ah 1_a "CREATE TABLE a (x integer);" &&
	msr -v -u "$(u ah)" -d ah migrate 2>err &&
	test_grep -v "created the tracking tables" err &&
	test "$(versions ah)" = 1 &&
	MSR_LOCK_METHOD=table msr -u "$(u ah)" -d ah --lock-timeout 0 migrate 2>err &&
	dbq ah "DROP TABLE msr_migrations_log" &&
	mig ah 2_b "CREATE TABLE b (x integer);" &&
	test_expect_code 1 msr -u "$(u ah)" -d ah migrate 2>err &&
	test_grep "2_b: rolled back, nothing of it remains" err &&
	test "$(versions ah)" = 1 &&
	echo a >want &&
	db_tables ah >tables &&
	test_cmp want tables
'

test_for sqlite 'SQLite busy_timeout: how long a statement waits for a locked database' '
	mig bz 1_a "CREATE TABLE a (x integer);" &&
	sq bz.db "CREATE TABLE t (x integer)" &&
	rm -f busy.ready &&
	{ python3 "$TRASH/busy.py" bz.db busy.ready 3 & } &&
	bpid=$! &&
	wait_for busy.ready &&
	test_expect_code 1 env MSR_SQLITE_BUSY_TIMEOUT=100 "$MSRTEST_BIN" -u sqlite:bz.db -d bz migrate 2>err &&
	test_grep "^msr: error: cannot create the tracking tables .*: database is locked$" err &&
	MSR_SQLITE_BUSY_TIMEOUT=20000 msr -u sqlite:bz.db -d bz migrate 2>err &&
	wait $bpid &&
	test "$(versions bz)" = 1
'

test_expect_success 'a schema or keep_schema of [migrations] that does not exist: exit 2, nothing changed' '
	db_new nos &&
	mig nsq 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	msr -u "$(u nos)" -d nsq migrate 2>err &&
	mig nsq 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	fp=$(db_fp nos) &&
	for cmd in migrate status "down --all" version; do
		test_expect_code 2 env MSR_MIGRATIONS_SCHEMA=nosuch_s \
		    "$MSRTEST_BIN" -u "$(u nos)" -d nsq $cmd >out 2>err &&
		test_must_be_empty out &&
		test_grep "^msr: error: schema of \[migrations\] is '\''nosuch_s'\'': no schema of that name exists" err ||
		return 1
	done &&
	test_expect_code 2 env MSR_MIGRATIONS_KEEP_TOOL=golang-migrate \
	    MSR_MIGRATIONS_KEEP_SCHEMA=nosuch_k \
	    "$MSRTEST_BIN" -u "$(u nos)" -d nsq migrate 2>err &&
	test_grep "^msr: error: keep_tool: cannot use .*: keep_schema of \[migrations\] names no schema that exists$" err &&
	test "$(db_fp nos)" = "$fp" &&
	: the schema that exists works, and so does keep_schema &&
	case $MSRTEST_DRIVER in pg) s=public ;; *) s=main ;; esac &&
	MSR_MIGRATIONS_SCHEMA=$s MSR_MIGRATIONS_KEEP_TOOL=golang-migrate \
	    MSR_MIGRATIONS_KEEP_SCHEMA=$s msr -u "$(u nos)" -d nsq migrate 2>err &&
	test "$(dbq nos "SELECT version FROM schema_migrations")" = 2
'

test_expect_success 'baseline with a keep_schema that does not exist: exit 2, no tracking tables made' '
	db_new nok &&
	mig nk 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	dbq nok "CREATE TABLE app (x integer)" &&
	fp=$(db_fp nok) &&
	test_expect_code 2 env MSR_MIGRATIONS_KEEP_TOOL=golang-migrate \
	    MSR_MIGRATIONS_KEEP_SCHEMA=nosuch_k \
	    "$MSRTEST_BIN" -u "$(u nok)" -d nk baseline 1 2>err &&
	test_grep "keep_schema of \[migrations\] names no schema that exists" err &&
	test "$(db_fp nok)" = "$fp"
'

test_for sqlite 'SQLite: schema temp is one that exists, as msr.ini(5) says' '
	db_new tmps &&
	mig tm 1_a "CREATE TABLE a (x integer);" &&
	MSR_MIGRATIONS_SCHEMA=temp msr -u "$(u tmps)" -d tm status >out 2>err &&
	MSR_MIGRATIONS_SCHEMA=TEMP msr -u "$(u tmps)" -d tm status >out 2>err
'

test_done
