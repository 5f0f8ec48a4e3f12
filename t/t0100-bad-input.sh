#!/bin/sh
test_description='bad input: a clear message, the documented exit code, and
the database left as it was'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# Every test starts from a copy of one database that has versions 10, 20
# and 30 applied and version 40 pending, so that a command that went on
# despite bad input would change it.  "before" is its fingerprint.

SQ="'"

# work DIR: a copy of the base database and migrations in DIR, entered.
work() {
	rm -rf "$1" &&
	mkdir "$1" &&
	cp base/app.db "$1/app.db" &&
	cp -R base/m "$1/m" &&
	cd "$1" &&
	db_fingerprint app.db >before
}

# unchanged: the database is exactly as work() left it.
unchanged() {
	db_fingerprint app.db >after &&
	test_cmp before after
}

# write_ini LINE...: msr.ini with one line per argument.
write_ini() {
	printf '%s\n' "$@" >msr.ini
}

# applied DB: the applied versions, in order, on one line.
applied() {
	sq "$1" "SELECT version FROM msr_migrations ORDER BY 0 + version" |
	tr '\n' ' '
}

test_expect_success 'setup: a database with three migrations applied' '
	mig base/m 10_users "CREATE TABLE users (id INTEGER PRIMARY KEY);" \
	    "DROP TABLE users;" &&
	mig base/m 20_posts "CREATE TABLE posts (id INTEGER PRIMARY KEY);" \
	    "DROP TABLE posts;" &&
	mig base/m 30_tags "CREATE TABLE tags (id INTEGER PRIMARY KEY);" \
	    "DROP TABLE tags;" &&
	mig base/m 40_comments "CREATE TABLE comments (id INTEGER);" \
	    "DROP TABLE comments;" &&
	(cd base && msr -u sqlite:app.db -d m migrate --to 30) &&
	sq base/app.db "INSERT INTO users (id) VALUES (42)" &&
	test "$(applied base/app.db)" = "10 20 30 "
'

#
# Configuration
#

test_expect_success 'unknown key in msr.ini names the file and line' '
	work cfg-key &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "direcory = db" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:5: unknown key ${SQ}direcory${SQ} in section ${SQ}migrations${SQ}$" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'unknown section in msr.ini names the file and line' '
	work cfg-section &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "[locking]" "enabled = false" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:6: unknown section ${SQ}locking${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'key outside a section names the file, line and key' '
	work cfg-nosection &&
	write_ini "url = sqlite:app.db" "[migrations]" "dir = m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:1: key ${SQ}url${SQ} outside of a section" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'duplicate key names both lines' '
	work cfg-dup &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "dir = other" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:5: duplicate key ${SQ}dir${SQ} (first set on line 4)" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a number that is not a number names the line, key and value' '
	work cfg-int &&
	write_ini "[database]" "url = sqlite:app.db" "wait = soon" \
	    "[migrations]" "dir = m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:3: invalid value ${SQ}soon${SQ} for ${SQ}database.wait${SQ}: expected a number with an optional unit ms, s, min, h or d$" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a number out of range gives the range' '
	work cfg-range &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "[lock]" "timeout = 86401" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:6: invalid value ${SQ}86401${SQ} for ${SQ}lock.timeout${SQ}: expected at most 86400 seconds" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad boolean names the line, key and value' '
	work cfg-bool &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "strict = maybe" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:5: invalid value ${SQ}maybe${SQ} for ${SQ}migrations.strict${SQ}: expected true or false" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad transaction mode lists the valid ones' '
	work cfg-txmode &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "[transaction]" "mode = per-statement" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:6: invalid value ${SQ}per-statement${SQ} for ${SQ}transaction.mode${SQ}: expected per-migration, per-batch or none" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a table name that is not an identifier is refused' '
	work cfg-table &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "table = x; DROP TABLE users" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:5: invalid value ${SQ}x; DROP TABLE users${SQ} for ${SQ}migrations.table${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a long line is read whole: its value is checked' '
	work cfg-long &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" &&
	printf "schema = %0300d\n" 0 >>msr.ini &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:5: invalid value .0\{77\}\.\.\.. for .migrations.schema.: expected a name" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a long line that is not a key names the line' '
	work cfg-long2 &&
	write_ini "[database]" "url = sqlite:app.db" &&
	printf "[%0300d]\n" 0 >>msr.ini &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:3: line too long to be a section or a key" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'an indented line is not silently joined to the key above' '
	work cfg-indent &&
	write_ini "[database]" "url = sqlite:app.db" "  [migrations]" \
	    "  dir = m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:3: indented line; sections and keys must start at the beginning of the line" err &&
	unchanged
'

test_expect_success 'an indented first section header is not taken silently' '
	work cfg-indent2 &&
	write_ini "  [database]" "url = sqlite:app.db" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:1: indented line" err &&
	unchanged
'

test_expect_success 'an INI syntax error names the line' '
	work cfg-syntax &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:4: syntax error" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'an unterminated section header is reported on its own line' '
	work cfg-header &&
	write_ini "[database" "url = sqlite:app.db" "[migrations]" "dir = m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:1: " err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success '-c with a missing file names the file' '
	work cfg-c-missing &&
	test_expect_code 2 msr -c nosuch.ini -u sqlite:app.db -d m migrate \
	    >out 2>err &&
	test_grep "^msr: error: .*nosuch.ini: No such file or directory" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'MSR_CONFIG naming a missing file names the file' '
	work cfg-env-missing &&
	MSR_CONFIG=gone.ini &&
	export MSR_CONFIG &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: .*gone.ini: No such file or directory" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'an unset ${VAR} names the variable and the line' '
	work cfg-var &&
	unset MIGRATION_DATABASE_URL &&
	write_ini "[database]" "url = \${MIGRATION_DATABASE_URL}" \
	    "[migrations]" "dir = m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:2: environment variable ${SQ}MIGRATION_DATABASE_URL${SQ} is not set" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad MSR_* value names the environment variable' '
	work cfg-env &&
	MSR_LOCK_ENABLED=sometimes &&
	export MSR_LOCK_ENABLED &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: MSR_LOCK_ENABLED: invalid value ${SQ}sometimes${SQ} for ${SQ}lock.enabled${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad option value names the option' '
	work cfg-cli &&
	test_expect_code 2 msr -u sqlite:app.db -d m --transaction bogus \
	    migrate >out 2>err &&
	test_grep "^msr: error: --transaction: invalid value ${SQ}bogus${SQ} for ${SQ}transaction.mode${SQ}" err &&
	test_expect_code 2 msr -u sqlite:app.db -d m --lock-timeout 1m \
	    migrate >out 2>err &&
	test_grep "^msr: error: --lock-timeout: invalid value ${SQ}1m${SQ}" err &&
	test_expect_code 2 msr -u sqlite:app.db -d m --table 1bad migrate \
	    >out 2>err &&
	test_grep "^msr: error: --table: invalid value ${SQ}1bad${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'an unknown URL scheme names where the URL came from' '
	work url-scheme &&
	write_ini "[database]" "url = mysql://localhost/app" "[migrations]" \
	    "dir = m" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:2: unsupported database URL ${SQ}mysql://localhost/app${SQ}" err &&
	test_must_be_empty out &&
	rm msr.ini &&
	test_expect_code 2 msr -u mysql://localhost/app -d m migrate \
	    >out 2>err &&
	test_grep "^msr: error: --url: unsupported database URL" err &&
	unchanged
'

# Ask the binary: configure may have found libpq before the driver exists.
if msr -u postgres://probe@127.0.0.1:1/x -d . status 2>&1 |
    grep "without PostgreSQL support" >/dev/null; then
	have_pg=no
else
	have_pg=yes
fi

# Only a build without the driver has this test.
if test "$have_pg" = no; then
	test_expect_success 'a postgres URL says msr was built without PostgreSQL' '
		work url-pg &&
		test_expect_code 2 msr -u postgres://msr@127.0.0.1:1/app -d m \
		    migrate >out 2>err &&
		test_grep "^msr: error: --url: cannot use ${SQ}postgres://msr@127.0.0.1:1/app${SQ}: msr was built without PostgreSQL support" err &&
		test_must_be_empty out &&
		unchanged
	'
fi

test_expect_success 'no URL at all says how to give one' '
	work url-none &&
	test_expect_code 2 msr -d m migrate >out 2>err &&
	test_grep "^msr: error: no database URL: give --url" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a SQLite URL without a path is a configuration error' '
	work url-nopath &&
	test_expect_code 2 msr -u sqlite: -d m migrate >out 2>err &&
	test_grep "^msr: error: --url: invalid database URL ${SQ}sqlite:${SQ}: the URL names no database file" err &&
	test_must_be_empty out &&
	unchanged
'

#
# Migration files
#

test_expect_success 'duplicate versions 0007_a and 7_b name both files' '
	work dup-version &&
	mig m 0007_a "SELECT 1;" &&
	mig m 7_b "SELECT 2;" &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --out-of-order \
	    >out 2>err &&
	test_grep "^msr: error: duplicate version 7: ${SQ}0007_a.up.sql${SQ} and ${SQ}7_b.up.sql${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a down file whose name differs from its up file pairs with it' '
	work mismatch &&
	mv m/40_comments.down.sql m/40_comment.down.sql &&
	MSR_MIGRATIONS_STRICT=true msr -u sqlite:app.db -d m validate \
	    >out 2>err &&
	test_grep "^msr: notice: m/40_comment.down.sql: its name differs from that of its up file ${SQ}m/40_comments.up.sql${SQ}; the two pair by version$" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a down file without an up file is an error with strict = true' '
	work orphan-strict &&
	mig m 50_x "SELECT 1;" "SELECT 2;" &&
	rm m/50_x.up.sql &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "strict = true" &&
	test_expect_code 2 msr migrate >out 2>err &&
	test_grep "^msr: error: m/50_x.down.sql: down file without an up file" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a down file without an up file is only a warning without strict' '
	work orphan-warn &&
	mig m 50_x "SELECT 1;" "SELECT 2;" &&
	rm m/50_x.up.sql &&
	msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: warning: m/50_x.down.sql: down file without an up file" err &&
	test_grep "applied 40_comments" err &&
	test "$(applied app.db)" = "10 20 30 40 "
'

test_expect_success 'a bad file name is an error under strict' '
	work badname-strict &&
	printf "SELECT 1;\n" >m/_up.sql &&
	MSR_MIGRATIONS_STRICT=true &&
	export MSR_MIGRATIONS_STRICT &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: m/_up.sql: not a migration: no version number at the start; expected VERSION_NAME.up.sql" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad file name is only a warning without strict' '
	work badname-warn &&
	printf "SELECT 1;\n" >m/..up.sql &&
	msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: warning: m/\.\.up\.sql: not a migration: no version number at the start; .*(ignored)" err &&
	test "$(applied app.db)" = "10 20 30 40 "
'

test_expect_success 'an unterminated quote names the file, line and column' '
	work quote &&
	mig m 35_ok "CREATE TABLE ok (id INTEGER);" &&
	printf "CREATE TABLE comments (id INTEGER);\nINSERT INTO comments VALUES (1);\nSELECT \047oops;\n" \
	    >m/40_comments.up.sql &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate \
	    --out-of-order >out 2>err &&
	test_grep "^msr: error: m/40_comments.up.sql:3:8: unterminated quoted string" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'an unterminated block comment names the file, line and column' '
	work comment &&
	printf "CREATE TABLE comments (id INTEGER);\n/* never closed\nDROP TABLE users;\n" \
	    >m/40_comments.up.sql &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: m/40_comments.up.sql:2:1: unterminated block comment" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'an unknown directive names the file, line and directive' '
	work directive &&
	printf "%s\n" "-- msr:no-transacton" \
	    "CREATE TABLE comments (id INTEGER);" >m/40_comments.up.sql &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: m/40_comments.up.sql:1:1: unknown directive ${SQ}msr:no-transacton${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a missing down file rolls back nothing, not even the others' '
	work nodown &&
	rm m/20_posts.down.sql &&
	test_expect_code 2 msr -u sqlite:app.db -d m down --all >out 2>err &&
	test_grep "^msr: error: cannot roll back; nothing was changed" err &&
	test_grep "m/20_posts.up.sql: no down file" err &&
	test_grep -v "30_tags" err &&
	test_must_be_empty out &&
	unchanged &&
	test_expect_code 2 msr -u sqlite:app.db -d m down --steps 2 \
	    >out 2>err &&
	test_grep "m/20_posts.up.sql: no down file" err &&
	unchanged
'

test_expect_success 'rolling back a version whose files are gone names it' '
	work nofiles &&
	rm m/20_posts.up.sql m/20_posts.down.sql &&
	test_expect_code 2 msr -u sqlite:app.db -d m down 10 >out 2>err &&
	test_grep "version 20 (posts): no files in ${SQ}m${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a missing migrations directory is named' '
	work nodir &&
	test_expect_code 2 msr -u sqlite:app.db -d no/such/dir migrate \
	    >out 2>err &&
	test_grep "^msr: error: cannot open migrations directory ${SQ}no/such/dir${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a file error on a new database creates nothing' '
	mkdir fresh &&
	cd fresh &&
	mig m 1_one "CREATE TABLE one (id INTEGER);" &&
	printf "SELECT \047oops;\n" >m/2_two.up.sql &&
	test_expect_code 2 msr -u sqlite:new.db -d m migrate >out 2>err &&
	test_grep "m/2_two.up.sql:1:8: unterminated quoted string" err &&
	test "$(db_fingerprint new.db)" = "no database"
'

#
# Command line
#

test_expect_success 'an unknown command is named' '
	work cli-cmd &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrat >out 2>err &&
	test_grep "^msr: error: unknown command ${SQ}migrat${SQ}" err &&
	test_grep "^usage: msr" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'no command at all is a usage error' '
	work cli-nocmd &&
	test_expect_code 2 msr -u sqlite:app.db -d m >out 2>err &&
	test_grep "^msr: error: no command given" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'help for an unknown command is an error' '
	work cli-help &&
	test_expect_code 2 msr help frobnicate >out 2>err &&
	test_grep "^msr: error: unknown command ${SQ}frobnicate${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bare down is a usage error' '
	work cli-down &&
	test_expect_code 2 msr -u sqlite:app.db -d m down >out 2>err &&
	test_grep "^msr: error: down needs a VERSION, --steps N or --all" err &&
	test_grep "^usage: msr down VERSION | --steps N | --all" err &&
	test_must_be_empty out &&
	unchanged &&
	test_expect_code 2 msr -u sqlite:app.db -d m rollback >out 2>err &&
	test_grep "^msr: error: down needs a VERSION" err &&
	unchanged
'

test_expect_success 'down with both VERSION and --all is a usage error' '
	work cli-down-both &&
	test_expect_code 2 msr -u sqlite:app.db -d m down 10 --all \
	    >out 2>err &&
	test_grep "^msr: error: give only one of VERSION, --steps N and --all" err &&
	test_must_be_empty out &&
	unchanged &&
	test_expect_code 2 msr -u sqlite:app.db -d m down --steps 1 --all \
	    >out 2>err &&
	test_grep "^msr: error: give only one of" err &&
	unchanged
'

test_expect_success 'down with a bad VERSION names it' '
	work cli-down-bad &&
	test_expect_code 2 msr -u sqlite:app.db -d m down 2x >out 2>err &&
	test_grep "^msr: error: invalid version ${SQ}2x${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad --to names it' '
	work cli-to &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --to latest \
	    >out 2>err &&
	test_grep "^msr: error: invalid --to ${SQ}latest${SQ}: expected a version" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success '--to a version that does not exist names it' '
	work cli-to-missing &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --to 45 \
	    >out 2>err &&
	test_grep "^msr: error: --to 45: no migration has this version" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a bad --steps names it' '
	work cli-steps &&
	test_expect_code 2 msr -u sqlite:app.db -d m down --steps 0 \
	    >out 2>err &&
	test_grep "^msr: error: invalid --steps ${SQ}0${SQ}: expected a whole number of 1 or more" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u sqlite:app.db -d m down --steps two \
	    >out 2>err &&
	test_grep "^msr: error: invalid --steps ${SQ}two${SQ}" err &&
	unchanged
'

test_expect_success 'an unknown option is named' '
	work cli-opt &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --dryrun \
	    >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}--dryrun${SQ}" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u sqlite:app.db -d m -x migrate >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-x${SQ}" err &&
	unchanged
'

test_expect_success 'an option missing its value is named' '
	work cli-noval &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --to \
	    >out 2>err &&
	test_grep "^msr: error: option ${SQ}--to${SQ} needs a value" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -d m migrate -u >out 2>err &&
	test_grep "^msr: error: option ${SQ}-u${SQ} needs a value" err &&
	unchanged
'

test_expect_success 'an option that does not apply to the command is named' '
	work cli-notapply &&
	test_expect_code 2 msr -u sqlite:app.db -d m status --steps 1 \
	    >out 2>err &&
	test_grep "^msr: error: option ${SQ}--steps${SQ} does not apply to" err &&
	test_grep "^usage: msr status" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u sqlite:app.db -d m down 10 --to 20 \
	    >out 2>err &&
	test_grep "^msr: error: option ${SQ}--to${SQ} does not apply to" err &&
	unchanged
'

test_expect_success 'too many arguments names the first extra one' '
	work cli-extra &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate 40 >out 2>err &&
	test_grep "^msr: error: unexpected argument ${SQ}40${SQ}" err &&
	test_grep "^usage: msr migrate" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u sqlite:app.db -d m down 10 20 >out 2>err &&
	test_grep "^msr: error: unexpected argument ${SQ}20${SQ}" err &&
	unchanged
'

test_expect_success 'new with an invalid name creates no file' '
	work cli-new &&
	ls m >files.before &&
	test_expect_code 2 msr -d m new "add users" >out 2>err &&
	test_grep "^msr: error: invalid name ${SQ}add users${SQ}" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -d m new ../escape >out 2>err &&
	test_grep "^msr: error: invalid name ${SQ}../escape${SQ}" err &&
	test_expect_code 2 msr -d m new >out 2>err &&
	test_grep "^msr: error: new needs a NAME" err &&
	ls m >files.after &&
	test_cmp files.before files.after &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'errors still show with -q' '
	work cli-quiet &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "strict = maybe" &&
	test_expect_code 2 msr -q migrate >out 2>err &&
	test_grep "^msr: error: msr.ini:5: invalid value ${SQ}maybe${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

#
# The database is not in the expected state
#

test_expect_success 'version --expect a different version exits 5' '
	work state-expect &&
	test_expect_code 5 msr -u sqlite:app.db -d m version --expect 40 \
	    >out 2>err &&
	echo 30 >expect &&
	test_cmp expect out &&
	test_grep "^msr: error: the database is at version 30, expected 40" err &&
	unchanged
'

test_expect_success 'version --expect something that is not a version exits 2' '
	work state-expect-bad &&
	test_expect_code 2 msr -u sqlite:app.db -d m version --expect v3.0 \
	    >out 2>err &&
	test_grep "^msr: error: invalid --expect ${SQ}v3.0${SQ}" err &&
	unchanged
'

test_expect_success 'an applied file that changed stops migrate and names repair' '
	work state-drift &&
	printf "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);\n" \
	    >m/20_posts.up.sql &&
	test_expect_code 5 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: checksum mismatch" err &&
	test_grep "m/20_posts.up.sql" err &&
	test_grep "msr repair" err &&
	test_grep -v "30_tags" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'a pending migration older than the newest applied exits 5' '
	work state-ooo &&
	mig m 15_late "CREATE TABLE late (id INTEGER);" &&
	test_expect_code 5 msr -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "^msr: error: 1 pending migration is older than the newest applied version 30" err &&
	test_grep "m/15_late.up.sql" err &&
	test_grep "out-of-order" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success '--out-of-order applies the late migration' '
	work state-ooo-ok &&
	mig m 15_late "CREATE TABLE late (id INTEGER);" &&
	msr -u sqlite:app.db -d m migrate --out-of-order >out 2>err &&
	test "$(applied app.db)" = "10 15 20 30 40 " &&
	test "$(sq app.db "SELECT count(*) FROM late")" = 0
'

test_expect_success 'out_of_order = true in msr.ini does the same' '
	work state-ooo-ini &&
	mig m 15_late "CREATE TABLE late (id INTEGER);" &&
	write_ini "[database]" "url = sqlite:app.db" "[migrations]" \
	    "dir = m" "out_of_order = true" &&
	msr migrate >out 2>err &&
	test "$(applied app.db)" = "10 15 20 30 40 "
'

test_expect_success 'lock without status or release is a usage error' '
	work cli-lock &&
	test_expect_code 2 msr -u sqlite:app.db lock >out 2>err &&
	test_grep "^msr: error: lock needs status or release" err &&
	test_expect_code 2 msr -u sqlite:app.db lock free >out 2>err &&
	test_grep "^msr: error: lock: expected status or release" err &&
	test_grep "^usage: msr lock status | release" err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'wait with a bad --timeout names it' '
	work cli-timeout &&
	test_expect_code 2 msr -u sqlite:app.db wait --timeout 5m >out 2>err &&
	test_grep "^msr: error: invalid --timeout .5m.: unknown unit .m.; did you mean .5min.?" err &&
	test_expect_code 2 msr -u sqlite:app.db wait --timeout 90000 2>err &&
	test_grep "invalid --timeout .90000." err &&
	test_expect_code 2 msr -u sqlite:app.db status --timeout 1 2>err &&
	test_grep "option .--timeout. does not apply to .status." err &&
	test_must_be_empty out &&
	unchanged
'

test_expect_success 'help and --version on a full disk exit 1, saying so' '
	test -w /dev/full &&
	for a in -h --help -V --version help "help migrate" "migrate -h" \
	    "status --help"; do
		test_expect_code 1 msr $a >/dev/full 2>err &&
		test_grep "^msr: error: cannot write the output: " err ||
		return 1
	done
'

test_expect_success '--steps beyond the range of a number is a usage error' '
	work steps-range &&
	for n in 9223372036854775808 99999999999999999999999; do
		test_expect_code 2 msr -u sqlite:app.db -d m down --steps $n \
		    >out 2>err &&
		test_grep "^msr: error: invalid --steps ${SQ}$n${SQ}: expected a whole number of 1 or more$" err &&
		test_must_be_empty out || return 1
	done &&
	unchanged
'

test_expect_success 'a huge bad value is repeated cut to 80 characters' '
	work huge-value &&
	long=$(awk "BEGIN { while (i++ < 1048576) printf \"x\" }") &&
	cut=$(printf "%.77s..." "$long") &&
	write_ini "[migrations]" "dir = m" "[lint]" "ignore = $long" &&
	test_expect_code 2 msr -u sqlite:app.db lint >out 2>err &&
	test_grep "^msr: error: msr.ini:4: invalid value ${SQ}$cut${SQ} for ${SQ}lint.ignore${SQ}: unknown rule ${SQ}$cut${SQ}$" err &&
	test $(wc -c <err) -lt 300 &&
	write_ini "[migrations]" "dir = m" "[lock]" "timeout = é$long" &&
	test_expect_code 2 msr -u sqlite:app.db status >out 2>err &&
	test_grep "invalid value ${SQ}é$(printf "%.76s..." "$long")${SQ} for ${SQ}lock.timeout${SQ}" err &&
	test $(wc -c <err) -lt 300 &&
	write_ini "[database]" "url = \${$long-}" &&
	test_expect_code 2 msr status >out 2>err &&
	test_grep "invalid variable name ${SQ}$(printf "%.77s..." "$long-")${SQ}" err &&
	test $(wc -c <err) -lt 300 &&
	rm msr.ini &&
	long=$(printf "%.100000s" "$long") &&
	test_expect_code 2 msr -u sqlite:app.db -d m migrate --to "1$long" \
	    >out 2>err &&
	test_grep "invalid --to ${SQ}1$(printf "%.76s..." "$long")${SQ}" err &&
	test_expect_code 2 msr -u sqlite:app.db -d m new "n$long" >out 2>err &&
	test_grep "invalid name ${SQ}n$(printf "%.76s..." "$long")${SQ}" err &&
	test_expect_code 2 msr -u sqlite:app.db "--$long" >out 2>err &&
	test_grep "unknown option ${SQ}--$(printf "%.75s..." "$long")${SQ}" err &&
	test_must_be_empty out &&
	unchanged
'

test_done
