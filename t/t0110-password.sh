#!/bin/sh
test_description='a password in a URL or a config file never shows in any
output, and a config file holding one must not be readable by others'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# The secrets of a test: words that must never appear in stdout or stderr.
# A test that uses another password sets SECRETS in its own body.
SECRETS=s3cr3tpw

# assert_no_secret FILE...: no FILE holds any word of $SECRETS.
assert_no_secret() {
	for f in "$@"; do
		for s in $SECRETS; do
			if grep -F -e "$s" "$f" >/dev/null; then
				echo "assert_no_secret: '$s' shows in $f:" >&2
				sed -e 's/^/    /' "$f" >&2
				return 1
			fi
		done
	done
	return 0
}

# test_grep_fixed STRING FILE: FILE holds STRING, taken literally.
test_grep_fixed() {
	if ! grep -F -e "$1" "$2" >/dev/null; then
		echo "test_grep_fixed: '$1' not found in $2:" >&2
		sed -e 's/^/    /' "$2" >&2
		return 1
	fi
}

# msr_via HOW URL ARGS...: msr with the database URL given by HOW:
# --url, --url=, MSR_DATABASE_URL, DATABASE_URL, msr.ini (the default
# config file), -c (a config file named on the command line), MSR_CONFIG,
# or ${VAR} (msr.ini says url = ${APP_DB_URL}).  The config files are
# mode 0600, so no permission warning gets in the way.
msr_via() {
	via_how=$1
	via_url=$2
	shift 2
	case $via_how in
	--url)
		msr --url "$via_url" "$@" ;;
	--url=)
		msr --url="$via_url" "$@" ;;
	MSR_DATABASE_URL)
		(MSR_DATABASE_URL=$via_url && export MSR_DATABASE_URL &&
		    msr "$@") ;;
	DATABASE_URL)
		(DATABASE_URL=$via_url && export DATABASE_URL && msr "$@") ;;
	msr.ini)
		printf '[database]\nurl = %s\n' "$via_url" >msr.ini &&
		chmod 600 msr.ini &&
		msr "$@" ;;
	-c)
		mkdir -p conf &&
		printf '[database]\nurl = %s\n' "$via_url" >conf/db.ini &&
		chmod 600 conf/db.ini &&
		msr -c conf/db.ini "$@" ;;
	MSR_CONFIG)
		mkdir -p conf &&
		printf '[database]\nurl = %s\n' "$via_url" >conf/db.ini &&
		chmod 600 conf/db.ini &&
		(MSR_CONFIG=conf/db.ini && export MSR_CONFIG && msr "$@") ;;
	'${VAR}')
		printf '[database]\nurl = ${APP_DB_URL}\n' >msr.ini &&
		(APP_DB_URL=$via_url && export APP_DB_URL && msr "$@") ;;
	*)
		echo "msr_via: unknown way '$via_how'" >&2
		return 125 ;;
	esac
}

# hides HOW CODES ARGS...: msr, given $case_url by HOW, exits with one of
# CODES (a list of exit codes), shows no word of $SECRETS on stdout or
# stderr, and shows $case_masked on stderr unless it is empty.
hides() {
	hides_how=$1
	hides_codes=$2
	shift 2
	msr_via "$hides_how" "$case_url" "$@" >out 2>err
	got=$?
	case " $hides_codes " in
	*" $got "*) ;;
	*)
		echo "hides: 'msr $*' with the URL by $hides_how exited $got," \
		    "expected $hides_codes" >&2
		sed -e 's/^/    /' err >&2
		return 1 ;;
	esac
	assert_no_secret out err || return 1
	if test -n "$case_masked"; then
		test_grep_fixed "$case_masked" err || return 1
		test_grep_fixed "***" err || return 1
	fi
	return 0
}

# Every command that reads the URL, in every output mode; $cmd is split
# into words on purpose.
ALL_COMMANDS='"status" "migrate" "migrate --dry-run" "down --all" "redo"'
ALL_COMMANDS="$ALL_COMMANDS"' "version" "check" "validate" "status --json"'
ALL_COMMANDS="$ALL_COMMANDS"' "--json migrate" "-v migrate"'
ALL_COMMANDS="$ALL_COMMANDS"' "-v --json down --all"'
# A few of them, for the ways of giving a URL that differ only in where
# msr finds it: a read, a write, and the two output modes.
SOME_COMMANDS='"status --json" "-v migrate" "--json down --all"'

# every_command_hides HOW: each command of $ALL_COMMANDS (--url and
# msr.ini) or $SOME_COMMANDS (the other ways) hides the password.
every_command_hides() {
	rm -rf w && mkdir w && cd w &&
	mig m 1_one "CREATE TABLE one (id INTEGER);" "DROP TABLE one;" &&
	case $1 in
	--url|msr.ini) eval "set -- \"\$1\" $ALL_COMMANDS" ;;
	*) eval "set -- \"\$1\" $SOME_COMMANDS" ;;
	esac &&
	every_how=$1 &&
	shift &&
	for cmd in "$@"; do
		hides "$every_how" "$case_codes" -d m $cmd || return 1
	done
}

# Without PostgreSQL support a postgres URL is refused (exit 2); with it,
# connecting to port 1 of the loopback is refused (exit 3).  Both print
# the URL.  The binary is asked, since configure may find libpq before
# the driver exists.  A PostgreSQL driver adds its own error paths (a
# wrong password against t/lib-pg.sh's server, an unreachable host) as
# more url_case lines, or as tests that run msr_via and assert_no_secret.
if msr -u postgres://probe@127.0.0.1:1/x -d . status 2>&1 |
    grep "without PostgreSQL support" >/dev/null; then
	have_pg=no
else
	have_pg=yes
fi
if test "$have_pg" = yes; then
	PG_FAIL=3
else
	PG_FAIL=2
fi

WAYS='--url --url= MSR_DATABASE_URL DATABASE_URL msr.ini -c MSR_CONFIG ${VAR}'

# url_case DESCRIPTION URL MASKED SECRETS CODES: one test for each way
# of giving URL.
url_case() {
	case_url=$2
	case_masked=$3
	SECRETS=$4
	case_codes=$5
	for case_how in $WAYS; do
		test_expect_success "$1, by $case_how: no command shows it" '
			every_command_hides "$case_how"
		'
	done
	SECRETS=s3cr3tpw
}

url_case 'password in a postgres URI' \
	'postgres://msr:s3cr3tpw@127.0.0.1:1/app' \
	'postgres://msr:***@127.0.0.1:1/app' \
	's3cr3tpw' "$PG_FAIL"

url_case 'password in a postgresql URI with a query' \
	'postgresql://msr:s3cr3tpw@127.0.0.1:1/app?sslmode=disable' \
	'postgresql://msr:***@127.0.0.1:1/app?sslmode=disable' \
	's3cr3tpw' "$PG_FAIL"

url_case 'password in the query of a URI' \
	'postgres://msr@127.0.0.1:1/app?password=s3cr3tpw' \
	'postgres://msr@127.0.0.1:1/app?password=***' \
	's3cr3tpw' "$PG_FAIL"

url_case 'password between other query parameters' \
	'postgres://msr@127.0.0.1:1/app?sslmode=disable&password=s3cr3tpw&application_name=msr' \
	'postgres://msr@127.0.0.1:1/app?sslmode=disable&password=***&application_name=msr' \
	's3cr3tpw' "$PG_FAIL"

# libpq reads "w0rd_s3cr3t@127.0.0.1:1" as the port: a malformed URL.
url_case 'password holding @ and : in a URI' \
	'postgres://msr:p@ss:w0rd_s3cr3t@127.0.0.1:1/app' \
	'postgres://msr:***@127.0.0.1:1/app' \
	'p@ss w0rd_s3cr3t' 2

url_case 'percent-encoded password in a URI' \
	'postgres://msr:s3cr3t%40pw%3A@127.0.0.1:1/app' \
	'postgres://msr:***@127.0.0.1:1/app' \
	's3cr3t %40pw' "$PG_FAIL"

url_case 'password in a conninfo string' \
	'host=127.0.0.1 port=1 dbname=app user=msr password=s3cr3tpw' \
	'host=127.0.0.1 port=1 dbname=app user=msr password=***' \
	's3cr3tpw' "$PG_FAIL"

url_case 'quoted password with a space in a conninfo string' \
	"host=127.0.0.1 port=1 password='s3cr3t x9y8z7' dbname=app" \
	'host=127.0.0.1 port=1 password=*** dbname=app' \
	's3cr3t x9y8z7' "$PG_FAIL"

url_case 'password holding @ and : in a conninfo string' \
	'host=127.0.0.1 port=1 user=msr password=p@ss:w0rd_s3cr3t' \
	'host=127.0.0.1 port=1 user=msr password=***' \
	'p@ss w0rd_s3cr3t' "$PG_FAIL"

url_case 'sslpassword in a conninfo string' \
	'host=127.0.0.1 port=1 sslpassword=s3cr3tpw' \
	'host=127.0.0.1 port=1 sslpassword=***' \
	's3cr3tpw' "$PG_FAIL"

url_case 'password in a URL of an unsupported scheme' \
	'mysql://root:s3cr3tpw@127.0.0.1:1/app' \
	'mysql://root:***@127.0.0.1:1/app' \
	's3cr3tpw' 2

# A SQLite URL takes no query; refusing one must not repeat it as given.
url_case 'password in the query of a SQLite URL' \
	'sqlite:app.db?password=s3cr3tpw' \
	'sqlite:app.db?password=***' \
	's3cr3tpw' '2 3'

#
# Retrying the connection prints the URL too.
#

test_expect_success 'waiting for the database (--wait) hides the password' '
	case_url="postgres://msr:s3cr3tpw@127.0.0.1:1/app" &&
	case_masked="postgres://msr:***@127.0.0.1:1/app" &&
	mkdir wait && cd wait && mkdir m &&
	hides --url "$PG_FAIL" -v --wait 1 -d m status &&
	hides --url "$PG_FAIL" --json --wait 1 -d m migrate
'

test_expect_success 'waiting for a SQLite URL with a query hides the password' '
	case_url="sqlite:app.db?password=s3cr3tpw" &&
	case_masked="" &&
	mkdir wait-sqlite && cd wait-sqlite && mkdir m &&
	hides --url "2 3" -v --wait 1 -d m status
'

#
# Config errors on a line that holds a password.
#

# ini_fails LINE...: msr.ini (mode 0600) with these lines makes msr exit 2
# without showing the password.
ini_fails() {
	mkdir -p m &&
	printf '%s\n' "$@" >msr.ini &&
	chmod 600 msr.ini &&
	test_expect_code 2 msr -d m migrate >out 2>err &&
	assert_no_secret out err &&
	test_grep "^msr: error: msr.ini:" err
}

test_expect_success 'duplicate url key does not show either URL' '
	mkdir ini-dup && cd ini-dup &&
	ini_fails "[database]" "url = postgres://msr:s3cr3tpw@db/app" \
	    "url = postgres://msr:s3cr3tpw@db/app2"
'

test_expect_success 'unset ${VAR} in a URL with a password does not show it' '
	mkdir ini-var && cd ini-var &&
	unset NO_SUCH_HOST &&
	ini_fails "[database]" "url = postgres://msr:s3cr3tpw@\${NO_SUCH_HOST}/app"
'

test_expect_success 'unterminated ${ in a URL with a password does not show it' '
	mkdir ini-brace && cd ini-brace &&
	ini_fails "[database]" "url = postgres://msr:s3cr3tpw@\${HOST/app"
'

test_expect_success 'a long line holding a password is read whole and does not show it' '
	mkdir ini-long && cd ini-long && mkdir m &&
	printf "%s\n" "[database]" \
	    "url = postgres://msr:s3cr3tpw@127.0.0.1:1/app?application_name=$(printf "%0300d" 0)" >msr.ini &&
	chmod 600 msr.ini &&
	test_expect_code "$PG_FAIL" msr -d m status >out 2>err &&
	assert_no_secret out err &&
	test_grep_fixed "postgres://msr:***@127.0.0.1:1/app" err
'

test_expect_success 'a syntax error on a line holding a password does not show it' '
	mkdir ini-syntax && cd ini-syntax &&
	ini_fails "[database]" "url postgres://msr:s3cr3tpw@db/app"
'

test_expect_success 'an unknown password key does not show its value' '
	mkdir ini-key && cd ini-key &&
	ini_fails "[database]" "url = postgres://msr@db/app" \
	    "password = s3cr3tpw"
'

test_expect_success 'a url key outside a section does not show its value' '
	mkdir ini-nosection && cd ini-nosection &&
	ini_fails "url = postgres://msr:s3cr3tpw@db/app"
'

test_expect_success 'a url key in the wrong section does not show its value' '
	mkdir ini-section && cd ini-section &&
	ini_fails "[migrations]" "url = postgres://msr:s3cr3tpw@db/app"
'

#
# Command-line mistakes that echo an argument holding a URL.
#

# cli_fails ARGS...: msr exits 2 without showing the password.
cli_fails() {
	mkdir -p m &&
	test_expect_code 2 msr "$@" >out 2>err &&
	assert_no_secret out err &&
	test_grep "^msr: error: " err
}

test_expect_success 'a mistyped --uri=URL does not show the password' '
	mkdir cli-uri && cd cli-uri &&
	cli_fails -d m --uri=postgres://msr:s3cr3tpw@db/app status
'

test_expect_success 'a URL given as an extra argument does not show the password' '
	mkdir cli-extra && cd cli-extra &&
	cli_fails -d m migrate postgres://msr:s3cr3tpw@db/app
'

test_expect_success 'a URL given as the command does not show the password' '
	mkdir cli-cmd && cd cli-cmd &&
	cli_fails -d m postgres://msr:s3cr3tpw@db/app migrate
'

test_expect_success 'a URL given to down does not show the password' '
	mkdir cli-down && cd cli-down &&
	cli_fails -u sqlite:app.db -d m down "host=db password=s3cr3tpw"
'

test_expect_success 'a URL given to --to does not show the password' '
	mkdir cli-to && cd cli-to &&
	cli_fails -u sqlite:app.db -d m migrate \
	    --to postgres://msr:s3cr3tpw@db/app
'

#
# Passwords that msr reads but never prints.
#

test_expect_success 'the password in password_file is never shown' '
	mkdir pwfile && cd pwfile && mkdir m &&
	printf "s3cr3tpw\n" >pw && chmod 600 pw &&
	printf "[database]\nurl = postgres://msr@127.0.0.1:1/app\npassword_file = pw\n" \
	    >msr.ini &&
	for cmd in status migrate "-v --json migrate"; do
		test_expect_code "$PG_FAIL" msr -d m $cmd >out 2>err &&
		assert_no_secret out err || return 1
	done
'

test_expect_success 'a missing password_file is named, without a password' '
	mkdir pwfile-missing && cd pwfile-missing && mkdir m &&
	MSR_DATABASE_PASSWORD_FILE=nope && export MSR_DATABASE_PASSWORD_FILE &&
	test_expect_code 2 msr -u postgres://msr:s3cr3tpw@127.0.0.1:1/app \
	    -d m status >out 2>err &&
	assert_no_secret out err &&
	test_grep "^msr: error: .*password_file.*nope" err
'

test_expect_success 'PGPASSWORD is never shown' '
	mkdir pgpassword && cd pgpassword && mkdir m &&
	PGPASSWORD=s3cr3tpw && export PGPASSWORD &&
	test_expect_code "$PG_FAIL" msr -v -u postgres://msr@127.0.0.1:1/app \
	    -d m migrate >out 2>err &&
	assert_no_secret out err
'

#
# A config file holding a password must be private.
#

# perm_run DIR MODE URL: msr.ini in DIR with that url and mode; runs
# msr status, sets perm_rc, and checks that no password shows.
perm_run() {
	mkdir "$1" && cd "$1" && mkdir m &&
	printf "[database]\nurl = %s\n" "$3" >msr.ini &&
	chmod "$2" msr.ini &&
	msr -d m status >out 2>err
	perm_rc=$?
	assert_no_secret out err
}

test_expect_success 'msr.ini with a password and mode 0644 gets a warning' '
	perm_run perm-644 644 postgres://msr:s3cr3tpw@127.0.0.1:1/app &&
	test "$perm_rc" = "$PG_FAIL" &&
	test_grep "^msr: warning: msr.ini holds a password and can be read by others (mode 644)" err
'

test_expect_success 'msr.ini with a password and mode 0640 gets a warning' '
	perm_run perm-640 640 postgres://msr:s3cr3tpw@127.0.0.1:1/app &&
	test_grep "^msr: warning: msr.ini holds a password .*(mode 640)" err
'

test_expect_success 'msr.ini with a password and mode 0600 gets no warning' '
	perm_run perm-600 600 postgres://msr:s3cr3tpw@127.0.0.1:1/app &&
	test "$perm_rc" = "$PG_FAIL" &&
	test_grep -v "warning" err
'

test_expect_success 'a conninfo password in a readable msr.ini gets a warning' '
	perm_run perm-conninfo 644 "host=127.0.0.1 port=1 password=s3cr3tpw" &&
	test_grep "^msr: warning: msr.ini holds a password" err
'

test_expect_success 'a query password in a readable msr.ini gets a warning' '
	perm_run perm-query 644 "postgres://msr@127.0.0.1:1/app?password=s3cr3tpw" &&
	test_grep "^msr: warning: msr.ini holds a password" err
'

test_expect_success 'a readable msr.ini without a password gets no warning' '
	perm_run perm-nopw 644 postgres://msr@127.0.0.1:1/app &&
	test_grep -v "warning" err
'

test_expect_success 'a readable msr.ini with url = ${VAR} gets no warning' '
	APP_DB_URL=postgres://msr:s3cr3tpw@127.0.0.1:1/app &&
	export APP_DB_URL &&
	perm_run perm-var 644 "\${APP_DB_URL}" &&
	test "$perm_rc" = "$PG_FAIL" &&
	test_grep -v "warning" err &&
	test_grep_fixed "postgres://msr:***@127.0.0.1:1/app" err
'

test_expect_success 'a readable config file given with -c is named in the warning' '
	mkdir perm-c && cd perm-c && mkdir m conf &&
	printf "[database]\nurl = postgres://msr:s3cr3tpw@127.0.0.1:1/app\n" \
	    >conf/db.ini &&
	chmod 644 conf/db.ini &&
	test_expect_code "$PG_FAIL" msr -c conf/db.ini -d m status >out 2>err &&
	assert_no_secret out err &&
	test_grep "^msr: warning: conf/db.ini holds a password" err
'

#
# SQLite URLs: nothing to hide, and --json still works.
#

test_expect_success 'status --json on a SQLite URL is one JSON document' '
	mkdir json && cd json &&
	mig m 1_one "CREATE TABLE one (id INTEGER);" "DROP TABLE one;" &&
	mig m 2_two "CREATE TABLE two (id INTEGER);" &&
	msr -u sqlite:app.db -d m migrate --to 1 2>err &&
	msr -u sqlite:app.db -d m status --json >out 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <out)" -eq 1 &&
	test_grep "^{\"database\":\"sqlite:app.db\",\"version\":\"1\"," out &&
	test_grep "\"state\":\"applied\"" out &&
	test_grep "\"state\":\"pending\"" out &&
	test_grep "}$" out &&
	if command -v jq >/dev/null 2>&1; then
		jq -e ".database == \"sqlite:app.db\"" out >/dev/null
	fi
'

test_expect_success '--json before the command and -v work on a SQLite URL' '
	mkdir json2 && cd json2 &&
	mig m 1_one "CREATE TABLE one (id INTEGER);" "DROP TABLE one;" &&
	msr --json -v -u sqlite:app.db -d m migrate >out 2>err &&
	test_grep "\"event\":\"summary\"" out &&
	test_grep -v "^[^{]" out &&
	msr --json -u sqlite:app.db -d m status >out 2>err &&
	test_grep "^{\"database\":\"sqlite:app.db\"" out
'

test_done
