#!/bin/sh
test_description='convert: msr pairs from the migrations of dbmate, goose, Flyway and sql-migrate, statements unchanged; bad input writes nothing'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

SQ="'"

# lines FILE FROM [TO]: lines FROM to TO (or the end) of FILE, as bytes.
lines() {
	if [ $# -ge 3 ]; then
		sed -n "$2,$3p" "$1"
	else
		sed -n "$2,\$p" "$1"
	fi
}

# missing PATH: nothing is at PATH.
missing() {
	if test -e "$1" || test -L "$1"; then
		echo "$1 exists" >&2
		return 1
	fi
}

# snap DIR: every file under DIR with its checksum, or "none".
snap() {
	if [ -d "$1" ]; then
		find "$1" -type f | sort | xargs -r sha256sum
		ls -A "$1"
	else
		echo none
	fi
}

# refused TOOL DIR PATTERN...: convert exits 2, names each PATTERN on
# stderr, prints nothing and writes nothing.
refused() {
	r_tool=$1 r_dir=$2
	shift 2
	snap mig >r.before &&
	test_expect_code 2 msr -d mig convert "$r_tool" "$r_dir" >r.out 2>r.err &&
	test_must_be_empty r.out &&
	for r_p; do
		test_grep "^msr: error: $r_p" r.err || return 1
	done &&
	test_grep "^msr: error: nothing written$" r.err &&
	snap mig >r.after &&
	test_cmp r.before r.after
}

# --- dbmate ------------------------------------------------------------

test_expect_success 'dbmate: setup' '
	mkdir dbm &&
	printf "%s\n" "-- users and their names" "-- migrate:up" \
	    "CREATE TABLE users (id integer PRIMARY KEY, name text);" \
	    "INSERT INTO users VALUES (1, ${SQ}a;b${SQ});" "" \
	    "-- migrate:down" "DROP TABLE users;" \
	    >dbm/20151129054053_create_users.sql &&
	printf "%s\n" "-- migrate:up transaction:false" \
	    "CREATE INDEX users_name ON users (name);" \
	    "-- migrate:down transaction:true" "DROP INDEX users_name;" \
	    >dbm/20151129054100_index_users.sql &&
	printf "%s\r\n" "-- migrate:up" "CREATE TABLE crlf (x integer);" \
	    "-- migrate:down" "DROP TABLE crlf;" >dbm/20151129054200_crlf.sql &&
	echo "not a migration" >dbm/README.md
'

test_expect_success 'dbmate: --dry-run lists the files and writes nothing' '
	msr -d mig convert dbmate dbm --dry-run >out 2>err &&
	printf "mig/%s\n" 20151129054053_create_users.up.sql \
	    20151129054053_create_users.down.sql \
	    20151129054100_index_users.up.sql \
	    20151129054100_index_users.down.sql \
	    20151129054200_crlf.up.sql 20151129054200_crlf.down.sql >expect &&
	test_cmp expect out &&
	test_grep "^msr: dry run: would convert 3 dbmate migrations: 3 up and 3 down files; nothing written$" err &&
	missing mig
'

test_expect_success 'dbmate: pairs, a comment naming the source, the sections byte for byte' '
	msr -d mig convert dbmate dbm >out 2>err &&
	test_cmp expect out &&
	test_grep "^msr: converted 3 dbmate migrations: 3 up and 3 down files$" err &&
	u=mig/20151129054053_create_users.up.sql &&
	echo "-- converted by msr convert from the dbmate file dbm/20151129054053_create_users.sql (up section, line 3)" >want &&
	lines $u 1 1 >got &&
	test_cmp want got &&
	lines dbm/20151129054053_create_users.sql 3 5 >want &&
	lines $u 2 >got &&
	test_cmp want got &&
	lines dbm/20151129054053_create_users.sql 7 >want &&
	lines mig/20151129054053_create_users.down.sql 2 >got &&
	test_cmp want got &&
	: transaction:false becomes the msr directive, for its section only &&
	lines mig/20151129054100_index_users.up.sql 2 2 >got &&
	echo "-- msr:no-transaction" >want &&
	test_cmp want got &&
	lines dbm/20151129054100_index_users.sql 2 2 >want &&
	lines mig/20151129054100_index_users.up.sql 3 >got &&
	test_cmp want got &&
	test_grep -v "msr:" mig/20151129054100_index_users.down.sql &&
	: CRLF lines stay as they are &&
	lines dbm/20151129054200_crlf.sql 2 2 >want &&
	lines mig/20151129054200_crlf.up.sql 2 >got &&
	test_cmp want got &&
	lines dbm/20151129054200_crlf.sql 4 >want &&
	lines mig/20151129054200_crlf.down.sql 2 >got &&
	test_cmp want got &&
	test_grep "$(printf "\r")" got
'

test_expect_success 'dbmate: the pairs apply, roll back and apply again' '
	msr -u sqlite:d.db -d mig migrate 2>err &&
	test_grep "applied 3 migrations" err &&
	sq d.db "SELECT name FROM users" >got &&
	echo "a;b" >want &&
	test_cmp want got &&
	schema_of d.db >schema1 &&
	test_grep "users_name" schema1 &&
	msr -u sqlite:d.db -d mig down --all 2>err &&
	test_grep "rolled back 3 migrations" err &&
	msr -u sqlite:d.db -d mig migrate &&
	schema_of d.db >schema2 &&
	test_cmp schema1 schema2
'

test_expect_success 'dbmate: nothing is overwritten: existing files are listed, none is written' '
	mkdir dbm2 &&
	cp dbm/20151129054053_create_users.sql dbm2/ &&
	printf "%s\n" "-- migrate:up" "SELECT 1;" "-- migrate:down" \
	    >dbm2/20200101000000_new.sql &&
	refused dbmate dbm2 \
	    "mig/20151129054053_create_users.up.sql: exists already$" \
	    "mig/20151129054053_create_users.down.sql: exists already$" &&
	missing mig/20200101000000_new.up.sql
'

test_expect_success 'dbmate: a version the directory has under another name is refused' '
	mkdir dbm3 &&
	printf "%s\n" "-- migrate:up" "SELECT 1;" \
	    >dbm3/20151129054100_other_name.sql &&
	refused dbmate dbm3 "dbm3/20151129054100_other_name.sql: version 20151129054100 is in the migrations directory already: ${SQ}mig/20151129054100_index_users.up.sql${SQ}$"
'

# bad_dbmate NAME TEXT...: a dbmate directory bad/ with one file NAME.
bad_file() {
	rm -rf bad && mkdir bad &&
	b_name=$1 &&
	shift &&
	printf "%s\n" "$@" >"bad/$b_name"
}

test_expect_success 'dbmate: every bad file is an error with its line, nothing written' '
	bad_file 1_x.sql "-- just a comment" "SELECT 1;" &&
	refused dbmate bad "bad/1_x.sql:2: SQL before the up section, which dbmate does not run as part of it$" \
	    "bad/1_x.sql:1: no up section: no ${SQ}-- migrate:up${SQ} line$" &&
	bad_file 1_x.sql "-- migrate:up" "SELECT 1;" "-- migrate:upgrade" &&
	refused dbmate bad "bad/1_x.sql:3: unknown dbmate directive ${SQ}migrate:upgrade${SQ}$" &&
	bad_file 1_x.sql "-- migrate:up transaction:maybe" "SELECT 1;" &&
	refused dbmate bad "bad/1_x.sql:1: unknown dbmate option ${SQ}transaction:maybe${SQ}" &&
	bad_file 1_x.sql "-- migrate:down" "SELECT 1;" "-- migrate:up" "SELECT 2;" &&
	refused dbmate bad "bad/1_x.sql:1: ${SQ}-- migrate:down${SQ} before ${SQ}-- migrate:up${SQ}" &&
	bad_file 1_x.sql "-- migrate:up" "SELECT 1;" "-- migrate:down" "SELECT 2;" "-- migrate:up" &&
	refused dbmate bad "bad/1_x.sql:5: a second ${SQ}-- migrate:up${SQ}" &&
	bad_file 1_x.sql "-- migrate:up" "SELECT ${SQ}unterminated;" &&
	refused dbmate bad "bad/1_x.sql:2:8: unterminated quoted string" &&
	bad_file 1_x.sql "-- migrate:up" "SELECT 1;" &&
	printf "%s\n" "-- migrate:up" "SELECT 2;" >bad/01_y.sql &&
	refused dbmate bad "bad/1_x.sql: version 1 is also that of ${SQ}bad/01_y.sql${SQ}$" &&
	: dbmate runs 10 before 9, by name &&
	bad_file 9_x.sql "-- migrate:up" "SELECT 1;" &&
	printf "%s\n" "-- migrate:up" "SELECT 2;" >bad/10_y.sql &&
	refused dbmate bad "bad/10_y.sql: dbmate runs it before ${SQ}bad/9_x.sql${SQ}, in the order of the file names, and msr after it"
'

test_expect_success 'every tool: a file that is not UTF-8 text, or a symbolic link, is refused' '
	rm -rf bad && mkdir bad &&
	printf "%s\n" "-- migrate:up" "SELECT 1;" >bad/1_x.sql &&
	printf "SELECT ${SQ}\377${SQ};\n" >>bad/1_x.sql &&
	refused dbmate bad "bad/1_x.sql:3: byte 0xff is not UTF-8" &&
	printf "%s\n" "-- +goose Up" "SELECT 1;" >bad/2_z.sql &&
	rm bad/1_x.sql &&
	printf "%s\n" "-- +goose Up" "SELECT 1;" >bad/1_x.sql &&
	printf "\000\n" >>bad/1_x.sql &&
	refused goose bad "bad/1_x.sql:3: a NUL byte: not a text file$" &&
	rm bad/1_x.sql &&
	printf "%s\n" "-- +goose Up" "SELECT 3;" >outside.sql &&
	ln -s ../outside.sql bad/3_link.sql &&
	refused goose bad "bad/3_link.sql: a symbolic link: convert reads regular files only"
'

test_expect_success 'a new line in a file name does not end the comment naming it' '
	nl="$(printf "\nx")" && nl=${nl%x} &&
	mkdir "odd${nl}DROP TABLE users;" &&
	printf "%s\n" "-- migrate:up" "SELECT 1;" >"odd${nl}DROP TABLE users;/1_x.sql" &&
	msr -d omig convert dbmate "odd${nl}DROP TABLE users;" >out &&
	test $(wc -l <omig/1_x.up.sql) = 2 &&
	test_grep "^-- converted by msr convert from the dbmate file odd.x0aDROP TABLE users;/1_x.sql (up section, line 2)$" omig/1_x.up.sql
'

# --- goose -------------------------------------------------------------

test_expect_success 'goose: annotations, blocks and NO TRANSACTION map to msr' '
	mkdir goo &&
	printf "%s\n" "-- +goose Up" "CREATE TABLE post (id integer, body text);" \
	    "CREATE TABLE audit (n integer);" \
	    "-- +goose StatementBegin" \
	    "CREATE TRIGGER post_ins AFTER INSERT ON post BEGIN" \
	    "    INSERT INTO audit VALUES (1);" "END;" \
	    "-- +goose StatementEnd" "" "-- +goose Down" \
	    "DROP TRIGGER post_ins;" "DROP TABLE audit;" "DROP TABLE post;" \
	    >goo/00001_create_post.sql &&
	printf "%s\n" "-- +goose NO TRANSACTION" "-- +goose Up" \
	    "CREATE INDEX post_body ON post (body);" \
	    >goo/00002_index.sql &&
	printf "%s\n" "package migrations" >goo/00003_helper_test.go &&
	msr -d gmig convert goose goo >out 2>err &&
	printf "gmig/%s\n" 00001_create_post.up.sql \
	    00001_create_post.down.sql 00002_index.up.sql >expect &&
	test_cmp expect out &&
	lines goo/00001_create_post.sql 2 9 >want &&
	lines gmig/00001_create_post.up.sql 2 >got &&
	test_cmp want got &&
	lines goo/00001_create_post.sql 11 >want &&
	lines gmig/00001_create_post.down.sql 2 >got &&
	test_cmp want got &&
	lines gmig/00002_index.up.sql 2 2 >got &&
	echo "-- msr:no-transaction" >want &&
	test_cmp want got &&
	msr -u sqlite:g.db -d gmig migrate &&
	sq g.db "INSERT INTO post VALUES (1, ${SQ}x${SQ}); SELECT n FROM audit" >got &&
	echo 1 >want &&
	test_cmp want got &&
	test_expect_code 2 msr -u sqlite:g.db -d gmig down --all 2>err &&
	test_grep "00002_index" err &&
	msr -u sqlite:g2.db -d gmig migrate --to 1 &&
	msr -u sqlite:g2.db -d gmig down --all &&
	sq g2.db "SELECT count(*) FROM sqlite_master WHERE name = ${SQ}post${SQ}" >got &&
	echo 0 >want &&
	test_cmp want got
'

test_expect_success 'goose: Go migrations, version 0, unknown annotations and ENVSUB are refused' '
	rm -rf bad && mkdir bad &&
	printf "%s\n" "package migrations" >bad/00004_backfill.go &&
	printf "%s\n" "-- +goose Up" "SELECT 1;" >bad/0_zero.sql &&
	printf "%s\n" "-- +goose Up" "-- +goose Foo" "SELECT 1;" >bad/5_foo.sql &&
	printf "%s\n" "-- +goose Up" "-- +goose ENVSUB ON" "SELECT ${SQ}\${X}${SQ};" >bad/6_env.sql &&
	printf "%s\n" "SELECT 1;" >bad/x7.sql &&
	refused goose bad "bad/00004_backfill.go: a Go migration: msr runs SQL files only" \
	    "bad/0_zero.sql: the version is 0" \
	    "bad/5_foo.sql:2: unknown goose annotation ${SQ}-- +goose Foo${SQ}$" \
	    "bad/6_env.sql:2: ${SQ}-- +goose ENVSUB ON${SQ} replaces" \
	    "bad/x7.sql: no ${SQ}_${SQ} after the version"
'

test_expect_success 'goose and sql-migrate: a block that msr would split or join is refused' '
	rm -rf bad && mkdir bad &&
	printf "%s\n" "-- +goose Up" "-- +goose StatementBegin" \
	    "CREATE TABLE a (x integer);" "CREATE TABLE b (x integer);" \
	    "-- +goose StatementEnd" >bad/1_two.sql &&
	printf "%s\n" "-- +goose Up" "-- +goose StatementBegin" \
	    "CREATE TABLE c (x integer)" "-- +goose StatementEnd" \
	    "CREATE TABLE d (x integer);" >bad/2_nosemi.sql &&
	printf "%s\n" "-- +goose Up" "CREATE TABLE e (x integer)" \
	    "-- +goose StatementBegin" "CREATE TABLE f (x integer);" \
	    "-- +goose StatementEnd" >bad/3_before.sql &&
	printf "%s\n" "-- +goose Up" "-- +goose StatementBegin" \
	    "SELECT 1;" >bad/4_open.sql &&
	printf "%s\n" "-- +goose Up" "-- +goose StatementEnd" >bad/5_end.sql &&
	refused goose bad "bad/1_two.sql:2: msr would split this StatementBegin block into several statements, the second at line 4, where goose runs one$" \
	    "bad/2_nosemi.sql:2: the statement of this StatementBegin block does not end with ${SQ};${SQ} before its StatementEnd at line 4" \
	    "bad/3_before.sql:3: the statement at line 2 does not end with ${SQ};${SQ} before this StatementBegin" \
	    "bad/4_open.sql:2: StatementBegin without a StatementEnd$" \
	    "bad/5_end.sql:2: StatementEnd without a StatementBegin$" &&
	rm -rf bad && mkdir bad &&
	printf "%s\n" "-- +migrate Up" "-- +migrate StatementBegin" \
	    "CREATE TABLE a (x integer);" "CREATE TABLE b (x integer);" \
	    "-- +migrate StatementEnd" >bad/1_two.sql &&
	refused sql-migrate bad "bad/1_two.sql:2: msr would split this StatementBegin block into several statements, the second at line 4, where sql-migrate runs one$"
'

test_expect_success 'a PL/pgSQL block with dollar quotes is one statement for the postgres dialect' '
	mkdir plpg &&
	printf "%s\n" "-- +goose Up" "-- +goose StatementBegin" \
	    "CREATE FUNCTION f() RETURNS trigger AS \$\$" "BEGIN" \
	    "    NEW.x := 1;" "    RETURN NEW;" "END;" \
	    "\$\$ LANGUAGE plpgsql;" "-- +goose StatementEnd" \
	    >plpg/1_fn.sql &&
	MSR_LINT_DIALECT=postgres msr -d pmig convert goose plpg >out &&
	lines plpg/1_fn.sql 2 >want &&
	lines pmig/1_fn.up.sql 2 >got &&
	test_cmp want got &&
	: as SQLite reads it, the block is several statements &&
	test_expect_code 2 msr -d pmig2 convert goose plpg 2>err &&
	test_grep "^msr: error: plpg/1_fn.sql:2: msr would split this StatementBegin block" err &&
	missing pmig2
'

# --- sql-migrate -------------------------------------------------------

test_expect_success 'sql-migrate: ids with numbers, notransaction and blocks' '
	mkdir sm &&
	printf "%s\n" "-- +migrate Up" "CREATE TABLE item (id integer);" \
	    "-- +migrate Down" "DROP TABLE item;" >sm/1_init.sql &&
	printf "%s\n" "-- +migrate Down" "DROP INDEX item_id;" \
	    "-- +migrate Up notransaction" \
	    "CREATE INDEX item_id ON item (id);" >sm/2-index.sql &&
	printf "%s\n" "-- +migrate Up" "-- +migrate StatementBegin" \
	    "CREATE TRIGGER item_ins AFTER INSERT ON item BEGIN" \
	    "    SELECT 1;" "END;" "-- +migrate StatementEnd" \
	    "-- +migrate Down" "DROP TRIGGER item_ins;" >sm/10_trigger.sql &&
	msr -d smig convert sql-migrate sm >out &&
	printf "smig/%s\n" 1_init.up.sql 1_init.down.sql 2_index.up.sql \
	    2_index.down.sql 10_trigger.up.sql 10_trigger.down.sql >expect &&
	test_cmp expect out &&
	lines sm/2-index.sql 4 >want &&
	lines smig/2_index.up.sql 3 >got &&
	test_cmp want got &&
	lines smig/2_index.up.sql 2 2 >got &&
	echo "-- msr:no-transaction" >want &&
	test_cmp want got &&
	lines sm/2-index.sql 2 2 >want &&
	lines smig/2_index.down.sql 2 >got &&
	test_cmp want got &&
	msr -u sqlite:s.db -d smig migrate 2>err &&
	test_grep "applied 3 migrations" err &&
	msr -u sqlite:s.db -d smig down 2 2>err &&
	test_grep "rolled back 10_trigger" err
'

test_expect_success 'sql-migrate: ids without a number, unknown commands and no Up are refused' '
	rm -rf bad && mkdir bad &&
	printf "%s\n" "-- +migrate Up" "SELECT 1;" >bad/init.sql &&
	printf "%s\n" "-- +migrate Up" "-- +migrate Sideways" >bad/1_a.sql &&
	printf "%s\n" "-- +migrate Up transactional" "SELECT 1;" >bad/2_b.sql &&
	printf "%s\n" "-- +migrate Down" "SELECT 1;" >bad/3_c.sql &&
	refused sql-migrate bad "bad/init.sql: the id does not start with a number" \
	    "bad/1_a.sql:2: unknown sql-migrate command" \
	    "bad/2_b.sql:1: unknown sql-migrate option ${SQ}transactional${SQ}" \
	    "bad/3_c.sql:1: no up section"
'

# --- Flyway ------------------------------------------------------------

test_expect_success 'Flyway: V files are up files, U files their down files' '
	mkdir fw &&
	printf "%s\n" "CREATE TABLE acct (id integer);" >fw/V1__create_acct.sql &&
	printf "%s\n" "ALTER TABLE acct ADD COLUMN name text;" >fw/V002__add_name.sql &&
	printf "%s\n" "ALTER TABLE acct DROP COLUMN name;" >fw/U002__add_name.sql &&
	printf "%s\n" "CREATE INDEX acct_id ON acct (id);" >fw/V3__index.sql &&
	printf "%s\n" "# no transaction" "executeInTransaction=false" >fw/V3__index.sql.conf &&
	printf "%s\n" "DROP INDEX acct_id;" >fw/U3__index.sql &&
	msr -d fmig convert flyway fw >out &&
	printf "fmig/%s\n" 1_create_acct.up.sql 002_add_name.up.sql \
	    002_add_name.down.sql 3_index.up.sql 3_index.down.sql >expect &&
	test_cmp expect out &&
	cat fw/U002__add_name.sql >want &&
	lines fmig/002_add_name.down.sql 2 >got &&
	test_cmp want got &&
	test_grep "^-- converted by msr convert from the flyway file fw/U002__add_name.sql (undo migration, line 1)$" fmig/002_add_name.down.sql &&
	test_grep "^-- converted by msr convert from the flyway file fw/V002__add_name.sql (versioned migration, line 1)$" fmig/002_add_name.up.sql &&
	lines fmig/3_index.up.sql 2 2 >got &&
	echo "-- msr:no-transaction" >want &&
	test_cmp want got &&
	msr -u sqlite:f.db -d fmig migrate &&
	msr -u sqlite:f.db -d fmig down 1 &&
	sq f.db "SELECT sql FROM sqlite_master WHERE name = ${SQ}acct${SQ}" >got &&
	echo "CREATE TABLE acct (id integer)" >want &&
	test_cmp want got
'

test_expect_success 'Flyway: dotted versions, repeatable files, lone undo files and other settings are refused' '
	rm -rf bad && mkdir bad &&
	echo "SELECT 1;" >bad/V1.1__dotted.sql &&
	echo "SELECT 1;" >bad/V1_2__underscored.sql &&
	echo "SELECT 1;" >bad/R__views.sql &&
	echo "SELECT 1;" >bad/U7__lone.sql &&
	echo "SELECT 1;" >bad/V8nodesc.sql &&
	echo "SELECT 1;" >bad/V9__x.sql &&
	printf "%s\n" "encoding=UTF-8" >bad/V9__x.sql.conf &&
	printf "%s\n" "SELECT 1;" "GRANT SELECT ON t TO \${reader};" >bad/V10__grant.sql &&
	mkdir bad/more &&
	refused flyway bad "bad/V10__grant.sql:2: a Flyway placeholder ${SQ}\\\${${SQ}" \
	    "bad/more: a directory: Flyway reads the migrations in it too" \
	    "bad/V1.1__dotted.sql: a version of several parts" \
	    "bad/V1_2__underscored.sql: a version of several parts" \
	    "bad/R__views.sql: a repeatable migration" \
	    "bad/U7__lone.sql: an undo file without a versioned migration 7$" \
	    "bad/V8nodesc.sql: no ${SQ}__${SQ} between the version and the description$" \
	    "bad/V9__x.sql.conf:1: msr follows only"
'

# --- the command line --------------------------------------------------

test_expect_success 'golang-migrate, unknown tools, missing operands and empty directories are usage errors' '
	test_expect_code 2 msr -d mig convert golang-migrate dbm 2>err &&
	test_grep "^msr: error: golang-migrate sets are pairs already: msr reads them as they are" err &&
	test_expect_code 2 msr -d mig convert liquibase dbm 2>err &&
	test_grep "^msr: error: unknown tool ${SQ}liquibase${SQ}: expected dbmate, goose, flyway or sql-migrate$" err &&
	test_expect_code 2 msr -d mig convert dbmate 2>err &&
	test_grep "convert needs a TOOL and its DIR" err &&
	test_expect_code 2 msr -d mig convert dbmate dbm extra 2>err &&
	test_grep "unexpected argument" err &&
	mkdir empty &&
	test_expect_code 2 msr -d mig convert dbmate empty 2>err &&
	test_grep "^msr: error: no dbmate migrations in ${SQ}empty${SQ}$" err &&
	test_expect_code 2 msr -d mig convert dbmate nowhere 2>err &&
	test_grep "^msr: error: cannot open the dbmate directory ${SQ}nowhere${SQ}" err &&
	test_expect_code 2 msr -d dbm/ convert dbmate dbm 2>err &&
	test_grep "^msr: error: ${SQ}dbm${SQ} is the migrations directory: write the pairs into another one" err &&
	test_expect_code 2 msr -d mig convert dbmate dbm --to 3 2>err &&
	test_grep "does not apply to ${SQ}convert${SQ}" err
'

# writing DIR: until convert has a temporary file in DIR.
writing() {
	wr_i=0
	until ls "$1"/.msr-convert-* >/dev/null 2>&1; do
		wr_i=$((wr_i + 1))
		[ $wr_i -lt 300 ] || return 1
		sleep 0.1
	done
}

test_expect_success 'SIGINT and SIGTERM while convert writes: nothing written, 130 and 143' '
	mkdir huge &&
	for i in 1 2 3 4; do
		{
			printf -- "-- migrate:up\n" &&
			head -c 30000000 /dev/zero | tr "\000" a | fold -w 100 | sed "s/^/-- /" &&
			printf "SELECT $i;\n"
		} >huge/${i}_h.sql || return 1
	done &&
	for s in INT:130 TERM:143; do
		msr_bg out err -d hout convert dbmate huge &&
		pid=$! &&
		{ writing hout || { kill $pid; false; }; } &&
		kill -${s%:*} $pid &&
		{ wait $pid; rc=$?; } &&
		test $rc = ${s#*:} &&
		test_must_be_empty out &&
		test_grep "^msr: error: interrupted by a signal; nothing written$" err &&
		missing hout || return 1
	done &&
	rm -r huge
'

test_done
