#!/bin/sh
test_description='repair --forget VERSION, and the advice after a partial
failure names commands that work'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

# row NAME VERSION: state and statements done of the row, or nothing.
row() {
	dbq "$1" "SELECT state, statements_done FROM msr_migrations
	    WHERE version = '$2'"
}

# last_audit NAME: action, version, outcome and message of the newest
# audit row.
last_audit() {
	dbq "$1" "SELECT action, version, outcome, message
	    FROM msr_migrations_log ORDER BY id DESC LIMIT 1"
}

# partial DIR NAME VERSION_NAME BODY: a no-transaction migration whose
# last statement fails (table "later" does not exist), run until it is
# partial.
partial() {
	mig "$1" "$3" "-- msr:no-transaction
$4
INSERT INTO later VALUES (1);" &&
	test_expect_code 1 msr -u "$(db_url "$2")" -d "$1" migrate \
	    2>"$1.err" &&
	test "$(row "$2" "${3%%_*}" | cut -d "|" -f 1)" = partial
}

# advice FILE PATTERN: the first command quoted in msr's messages in
# FILE ('msr ...') that matches PATTERN.
advice() {
	grep -o "'msr [^']*'" "$1" | tr -d "$SQ" | grep -e "$2" | sed 1q
}

test_expect_success 'setup' '
	db_new app &&
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	msr -u "$(db_url app)" -d m migrate 2>err
'

test_expect_success 'forget a partial row whose table was dropped by hand; migrate then runs the file from the top' '
	partial m app 2_p "CREATE TABLE p1 (x integer);
INSERT INTO p1 VALUES (1);" &&
	test "$(row app 2)" = "partial|2" &&
	dbq app "DROP TABLE p1" &&
	msr -u "$(db_url app)" -d m repair --forget 2 >out 2>err &&
	cat >want <<-\EOF &&
	m/2_p.up.sql:2: CREATE TABLE "p1": undone
	m/2_p.up.sql:3: INSERT: not checked
	EOF
	test_cmp want out &&
	test_grep "^msr: warning: 1 statement that ran is not checked: verify by hand that its changes are undone$" err &&
	test_grep "^msr: forgot version 2 (p)" err &&
	test -z "$(row app 2)" &&
	test "$(last_audit app)" = "forget|2|ok|partial after 2 statements, forgotten" &&
	dbq app "CREATE TABLE later (x integer)" &&
	msr -u "$(db_url app)" -d m migrate 2>err &&
	test "$(row app 2)" = "applied|0" &&
	test "$(dbq app "SELECT count(*) FROM p1")" = 1
'

test_for sqlite 'a PRAGMA that ran and writes the file is not run again, in a dry run or not' '
	db_new prag &&
	partial mp prag 1_p "PRAGMA user_version = 7;
CREATE TABLE u1 (x integer);" &&
	test "$(dbq prag "PRAGMA user_version")" = 7 &&
	dbq prag "DROP TABLE u1" &&
	dbq prag "PRAGMA user_version = 0" &&
	msr -u "$(db_url prag)" -d mp repair --forget 1 --dry-run >out 2>err &&
	test "$(dbq prag "PRAGMA user_version")" = 0 &&
	msr -u "$(db_url prag)" -d mp repair --forget 1 >out 2>err &&
	test "$(dbq prag "PRAGMA user_version")" = 0 &&
	test -z "$(row prag 1)"
'

test_expect_success 'refused while a created table, index or column is still there; the row is unchanged' '
	db_new r &&
	dbq r "CREATE TABLE keep (x integer)" &&
	partial rm r 1_r "CREATE TABLE r1 (x integer);
CREATE INDEX r1_x ON r1 (x);
ALTER TABLE keep ADD COLUMN y integer;" &&
	db_fp r >before &&
	test_expect_code 5 msr -u "$(db_url r)" -d rm repair --forget 1 \
	    >out 2>err &&
	cat >want <<-\EOF &&
	rm/1_r.up.sql:2: CREATE TABLE "r1": still there
	rm/1_r.up.sql:3: CREATE INDEX "r1_x": still there
	rm/1_r.up.sql:4: ALTER TABLE "keep" ADD COLUMN "y": still there
	EOF
	test_cmp want out &&
	test_grep "^msr: error: version 1 (r): what ran of it is still in the database; nothing was changed:$" err &&
	test_grep "^    rm/1_r.up.sql:2: CREATE TABLE \"r1\": still there$" err &&
	test_grep "^    rm/1_r.up.sql:3: CREATE INDEX \"r1_x\": still there$" err &&
	test_grep "^    rm/1_r.up.sql:4: ALTER TABLE \"keep\" ADD COLUMN \"y\": still there$" err &&
	test_grep -v "not checked" err &&
	db_fp r >after &&
	test_cmp before after &&
	dbq r "DROP INDEX r1_x" &&
	test_expect_code 5 msr -u "$(db_url r)" -d rm repair --forget 1 \
	    >out 2>err &&
	test_grep "CREATE INDEX \"r1_x\": undone" out &&
	test_grep -v "r1_x" err &&
	test_grep "CREATE TABLE \"r1\": still there" err &&
	test "$(row r 1)" = "partial|3"
'

test_expect_success '--dry-run lists and says what it would do, and changes nothing' '
	db_fp r >before &&
	test_expect_code 5 msr -u "$(db_url r)" -d rm repair --forget 1 \
	    --dry-run >out 2>err &&
	test_grep "still there" err &&
	msr -u "$(db_url r)" -d rm repair --forget 1 --force --dry-run \
	    >out 2>err &&
	test_grep "^rm/1_r.up.sql:2: CREATE TABLE \"r1\": still there$" out &&
	test_grep "^would forget version 1 (r), partial after 3 statements$" out &&
	test_grep "forgetting version 1 (r) all the same (--force): 2 of its changes remain" err &&
	db_fp r >after &&
	test_cmp before after
'

test_expect_success '--force forgets the row while a change remains' '
	msr -u "$(db_url r)" -d rm repair --forget 1 --force >out 2>err &&
	test_grep "CREATE TABLE \"r1\": still there" out &&
	test -z "$(row r 1)" &&
	test "$(last_audit r)" = "forget|1|ok|partial after 3 statements, forgotten with --force" &&
	db_tables r >tables &&
	printf "keep\nr1\n" >want &&
	test_cmp want tables
'

test_expect_success 'a DROP TABLE that ran remains until the table is back' '
	db_new d &&
	dbq d "CREATE TABLE gone1 (x integer)" &&
	partial dm d 1_d "DROP TABLE gone1;" &&
	test_expect_code 5 msr -u "$(db_url d)" -d dm repair --forget 1 \
	    >out 2>err &&
	test_grep "^dm/1_d.up.sql:2: DROP TABLE \"gone1\": still gone$" out &&
	test_grep "^    dm/1_d.up.sql:2: DROP TABLE \"gone1\": still gone$" err &&
	test "$(row d 1)" = "partial|1" &&
	dbq d "CREATE TABLE gone1 (x integer)" &&
	msr -u "$(db_url d)" -d dm repair --forget 1 >out 2>err &&
	test_grep "^dm/1_d.up.sql:2: DROP TABLE \"gone1\": undone$" out &&
	test -z "$(row d 1)"
'

test_expect_success 'a table created and dropped by the statements that ran is undone' '
	db_new cd &&
	partial cdm cd 1_cd "CREATE TABLE tmp1 (x integer);
DROP TABLE tmp1;" &&
	msr -u "$(db_url cd)" -d cdm repair --forget 1 >out 2>err &&
	cat >want <<-\EOF &&
	cdm/1_cd.up.sql:2: CREATE TABLE "tmp1": undone
	cdm/1_cd.up.sql:3: DROP TABLE "tmp1": undone
	EOF
	test_cmp want out
'

test_expect_success 'statements it cannot check are listed as not checked' '
	db_new nc &&
	dbq nc "CREATE TABLE t (x integer)" &&
	partial ncm nc 1_nc "INSERT INTO t VALUES (1);
UPDATE t SET x = 2;
CREATE VIEW v AS SELECT x FROM t;
ALTER TABLE t RENAME TO t2;" &&
	msr -u "$(db_url nc)" -d ncm repair --forget 1 --dry-run >out 2>err &&
	cat >want <<-\EOF &&
	ncm/1_nc.up.sql:2: INSERT: not checked
	ncm/1_nc.up.sql:3: UPDATE: not checked
	ncm/1_nc.up.sql:4: CREATE VIEW: not checked
	ncm/1_nc.up.sql:5: ALTER TABLE RENAME: not checked
	would forget version 1 (nc), partial after 4 statements
	EOF
	test_cmp want out &&
	test_grep "^msr: warning: 4 statements that ran are not checked: verify by hand that their changes are undone$" err
'

test_expect_success 'an applied version is refused, naming the down command that rolls it back' '
	db_fp app >before &&
	test_expect_code 5 msr -u "$(db_url app)" -d m repair --forget 1 \
	    >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: error: repair --forget 1: version 1 (a) is applied, not partial; to undo it, roll it back with ${SQ}msr down --steps 2${SQ}, which rolls back the migration applied after it too$" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'a version with no row, and one of no migration, are refused' '
	mig m 3_pending "CREATE TABLE pending (x integer);" &&
	db_fp app >before &&
	test_expect_code 5 msr -u "$(db_url app)" -d m repair --forget 3 \
	    2>err &&
	test_grep "^msr: error: repair --forget 3: version 3 (pending) has no row in .*msr_migrations\"; nothing to forget$" err &&
	test_expect_code 2 msr -u "$(db_url app)" -d m repair --forget 0099 \
	    2>err &&
	test_grep "^msr: error: repair --forget 0099: no migration has this version$" err &&
	db_fp app >after &&
	test_cmp before after &&
	rm m/3_pending.up.sql
'

test_expect_success 'a bad version, or --force alone, fails before connecting' '
	test_expect_code 2 msr -u sqlite:nosuch/dir/x.db -d m repair \
	    --forget 1x 2>err &&
	test_grep "^msr: error: invalid --forget ${SQ}1x${SQ}: expected a version of 1 to 32 digits$" err &&
	test_expect_code 2 msr -u sqlite:nosuch/dir/x.db -d m repair \
	    --forget "" 2>err &&
	test_expect_code 2 msr -u sqlite:nosuch/dir/x.db -d m repair \
	    --force 2>err &&
	test_grep "^msr: error: option ${SQ}--force${SQ} goes with ${SQ}--forget VERSION${SQ}$" err &&
	test_expect_code 2 msr -u sqlite:nosuch/dir/x.db -d m migrate \
	    --forget 1 2>err &&
	test_grep "does not apply to ${SQ}migrate${SQ}" err &&
	test ! -e nosuch
'

test_expect_success 'a missing or changed up file: the statements cannot be listed, --force is needed' '
	db_new mf &&
	partial mfm mf 1_mf "CREATE TABLE mf1 (x integer);" &&
	dbq mf "DROP TABLE mf1" &&
	mv mfm/1_mf.up.sql saved.sql &&
	db_fp mf >before &&
	test_expect_code 5 msr -u "$(db_url mf)" -d mfm repair --forget 1 \
	    >out 2>err &&
	test_must_be_empty out &&
	test_grep "^msr: error: version 1 (mf): its up file is missing, so the 1 statement that ran cannot be listed; undo by hand what ran, then forget it with ${SQ}msr repair --forget 1 --force${SQ}$" err &&
	cp saved.sql mfm/1_mf.up.sql &&
	echo "-- changed" >>mfm/1_mf.up.sql &&
	test_expect_code 5 msr -u "$(db_url mf)" -d mfm repair --forget 1 \
	    >out 2>err &&
	test_grep "its up file changed since it partly ran" err &&
	db_fp mf >after &&
	test_cmp before after &&
	msr -u "$(db_url mf)" -d mfm repair --forget 1 --force >out 2>err &&
	test_must_be_empty out &&
	test -z "$(row mf 1)" &&
	test "$(last_audit mf)" = "forget|1|ok|partial after 1 statements, forgotten with --force"
'

test_expect_success 'another msr holding the lock: exit 4, nothing changed; --dry-run takes no lock' '
	db_new lk &&
	partial lkm lk 1_lk "CREATE TABLE lk1 (x integer);" &&
	dbq lk "DROP TABLE lk1" &&
	hold_lock lk &&
	test_when_finished "free_lock lk" &&
	db_fp lk >before &&
	test_expect_code 4 msr -u "$(db_url lk)" -d lkm --lock-timeout 0 \
	    repair --forget 1 >out 2>err &&
	test_grep "migration lock not acquired within 0 s" err &&
	msr -u "$(db_url lk)" -d lkm --lock-timeout 0 repair --forget 1 \
	    --dry-run >out 2>err &&
	test_grep "^would forget version 1 (lk)" out &&
	db_fp lk >after &&
	test_cmp before after &&
	free_lock lk &&
	msr -u "$(db_url lk)" -d lkm repair --forget 1 &&
	test -z "$(row lk 1)"
'

# The advice is run as printed, from a directory whose msr.ini names the
# database and the migrations.
test_expect_success 'advice after a partial failure: both commands it names work' '
	db_new adv &&
	mkdir adv1 adv2 &&
	printf "[database]\nurl = %s\n[migrations]\ndir = m\n" \
	    "$(db_url adv)" >adv1/msr.ini &&
	cp adv1/msr.ini adv2/msr.ini &&
	(
		cd adv1 &&
		mig m 1_x "-- msr:no-transaction
CREATE TABLE x1 (x integer);
INSERT INTO later VALUES (1);" &&
		test_expect_code 1 msr migrate 2>err &&
		test_grep "is partial: 1 of 2 statements done" err &&
		cmd=$(advice err "msr migrate") &&
		test "$cmd" = "msr migrate" &&
		cmd2=$(advice err "forget") &&
		test "$cmd2" = "msr repair --forget 1" &&
		test_expect_code 5 $cmd2 2>err2 &&
		dbq adv "DROP TABLE x1" &&
		$cmd2 &&
		test -z "$(row adv 1)" &&
		test_expect_code 1 msr migrate 2>err &&
		dbq adv "CREATE TABLE later (x integer)" &&
		$cmd &&
		test "$(row adv 1)" = "applied|0"
	)
'

test_expect_success 'advice of down and redo for a partial migration: both commands work' '
	db_new dn &&
	mkdir dn1 &&
	printf "[database]\nurl = %s\n[migrations]\ndir = m\n" \
	    "$(db_url dn)" >dn1/msr.ini &&
	(
		cd dn1 &&
		mig m 1_base "CREATE TABLE base (x integer);" \
		    "DROP TABLE base;" &&
		mig m 2_y "-- msr:no-transaction
CREATE TABLE y1 (x integer);
INSERT INTO later VALUES (1);" "DROP TABLE y1;" &&
		test_expect_code 1 msr migrate 2>err &&
		test_expect_code 5 msr down --all 2>err &&
		test_grep "version 2 (y) is partially applied and cannot be rolled back" err &&
		cmd=$(advice err "migrate") &&
		test "$cmd" = "msr migrate --to 2" &&
		test_expect_code 5 msr redo 2>err &&
		test "$(advice err forget)" = "msr repair --forget 2" &&
		dbq dn "CREATE TABLE later (x integer)" &&
		$cmd &&
		msr down --all &&
		dbq dn "DROP TABLE later" &&
		test_expect_code 1 msr migrate 2>/dev/null &&
		test "$(row dn 2)" = "partial|1" &&
		test_expect_code 5 msr down 1 2>err &&
		cmd=$(advice err forget) &&
		dbq dn "DROP TABLE y1" &&
		$cmd &&
		msr down 1 &&
		msr down --all
	)
'

test_expect_success 'advice when the file of a partial migration changed: the command works' '
	db_new ch &&
	mkdir ch1 &&
	printf "[database]\nurl = %s\n[migrations]\ndir = m\n" \
	    "$(db_url ch)" >ch1/msr.ini &&
	(
		cd ch1 &&
		mig m 1_z "-- msr:no-transaction
CREATE TABLE z1 (x integer);
INSERT INTO later VALUES (1);" &&
		test_expect_code 1 msr migrate 2>/dev/null &&
		echo "-- edited" >>m/1_z.up.sql &&
		test_expect_code 5 msr migrate 2>err &&
		test_grep "changed after they partly ran" err &&
		test_grep -v "to accept the changes" err &&
		cmd=$(advice err forget) &&
		test "$cmd" = "msr repair --forget 1 --force" &&
		test_expect_code 5 msr validate 2>err &&
		test "$(advice err forget)" = "$cmd" &&
		test_expect_code 5 msr down --all 2>err &&
		test "$(advice err forget)" = "$cmd" &&
		dbq ch "DROP TABLE z1" &&
		$cmd &&
		dbq ch "CREATE TABLE later (x integer)" &&
		msr migrate &&
		test "$(row ch 1)" = "applied|0"
	)
'

test_expect_success 'advice when an applied file changed and a migration is partial: repair would record it as applied' '
	db_new ap &&
	mkdir ap1 &&
	printf "[database]\nurl = %s\n[migrations]\ndir = m\n" \
	    "$(db_url ap)" >ap1/msr.ini &&
	(
		cd ap1 &&
		mig m 1_a "CREATE TABLE a (x integer);" &&
		msr migrate &&
		mig m 2_w "-- msr:no-transaction
CREATE TABLE w1 (x integer);
INSERT INTO later VALUES (1);" &&
		test_expect_code 1 msr migrate 2>/dev/null &&
		echo "-- edited" >>m/1_a.up.sql &&
		test_expect_code 5 msr migrate 2>err &&
		test_grep "which also records the migration that is partial as applied" err
	)
'

test_done
