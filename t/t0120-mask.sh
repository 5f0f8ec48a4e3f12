#!/bin/sh
test_description='a password in any argument, config key or environment
variable that msr echoes is masked, in every form of URL and conninfo,
while the message still names the option or key'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# no_secret FILE...: none of the files holds SECRET.
no_secret() {
	for f in "$@"; do
		if grep -F SECRET "$f" >/dev/null; then
			echo "no_secret: SECRET shows in $f:" >&2
			sed -e 's/^/    /' "$f" >&2
			return 1
		fi
	done
}

# The forms of a password, one a line in "forms": every one holds SECRET
# and must be masked.
cat >forms <<'END'
postgres://u:SECRET@h/db
postgresql://u:SECRET@h:5432/db?sslmode=disable
postgres://h/db?pass%77ord=SECRET
postgres://h/db?user=u&%70assword=SECRET&sslmode=disable
postgres://h/db?PassWord=SECRET
postgres://h/db?sslpassword=SECRET
postgres:/u:SECRET@h/db
postgres:u:SECRET@h/db
POSTGRES://u:SECRET@h/db
mysql://root:SECRET@h/db
postgres://u:SECRET@x@h/db
postgres://u:a/SECRET@h/db
postgres://u:SECRET?x#y%20z@h/db
host=h password=SECRET dbname=db
host=h PassWord = SECRET
host=h sslpassword=SECRET
host=h password='a SECRET b'
host=h password='x\'SECRET @/?#%' dbname=db
END

# each_form FUNCTION: calls FUNCTION URL for every form; stops at the
# first that fails.
each_form() {
	while IFS= read -r form; do
		"$1" "$form" || return 1
	done <"$TRASH/forms"
}

# fails_named CODE WORD ARGS...: msr ARGS exits CODE, shows no SECRET,
# and its error names WORD (an option or a key).
fails_named() {
	fn_code=$1 fn_word=$2
	shift 2
	test_expect_code "$fn_code" msr "$@" >out 2>err &&
	no_secret out err &&
	test_grep "^msr: error: " err &&
	if ! grep -F -e "$fn_word" err >/dev/null; then
		echo "fails_named: '$fn_word' not in the error:" >&2
		sed -e 's/^/    /' err >&2
		return 1
	fi
}

test_expect_success 'setup' '
	mkdir m
'

try_dir() { fails_named 2 "migrations directory" -u sqlite:a.db -d "$1" status; }
test_expect_success '-d URL: the directory error hides the password' '
	each_form try_dir &&
	test_expect_code 2 msr -u sqlite:a.db -d "no/such:dir@x" status \
	    2>err &&
	test_grep "no/such:dir@x" err
'

try_config() { fails_named 2 "config file" -c "$1" -d m status; }
test_expect_success '-c URL: the config file error hides the password' '
	each_form try_config
'

try_table() { fails_named 2 "--table" -u sqlite:a.db -d m --table "$1" status; }
test_expect_success '--table URL hides the password and names --table' '
	each_form try_table
'

try_lockt() { fails_named 2 "--lock-timeout" -u sqlite:a.db -d m --lock-timeout "$1" status; }
test_expect_success '--lock-timeout URL hides the password' '
	each_form try_lockt &&
	test_expect_code 2 msr -u sqlite:a.db -d m --lock-timeout 12x status \
	    2>err &&
	test_grep "invalid value .12x. for .lock.timeout." err
'

try_wait() { fails_named 2 "--wait" -u sqlite:a.db -d m --wait "$1" status; }
test_expect_success '--wait URL hides the password' '
	each_form try_wait
'

try_tx() { fails_named 2 "--transaction" -u sqlite:a.db -d m --transaction "$1" status; }
test_expect_success '--transaction URL hides the password' '
	each_form try_tx
'

try_steps() { fails_named 2 "--steps" -u sqlite:a.db -d m down --steps "$1"; }
test_expect_success '--steps URL hides the password' '
	each_form try_steps
'

try_timeout() { fails_named 2 "--timeout" -u sqlite:a.db wait --timeout "$1"; }
test_expect_success '--timeout URL hides the password' '
	each_form try_timeout
'

try_to() { fails_named 2 "--to" -u sqlite:a.db -d m migrate --to "$1"; }
test_expect_success '--to URL hides the password' '
	each_form try_to
'

try_expect() { fails_named 2 "--expect" -u sqlite:a.db -d m version --expect "$1"; }
test_expect_success '--expect URL hides the password' '
	each_form try_expect
'

try_env() {
	(MSR_LOCK_TIMEOUT=$1 && export MSR_LOCK_TIMEOUT &&
	    fails_named 2 MSR_LOCK_TIMEOUT -u sqlite:a.db -d m status)
}
test_expect_success 'MSR_LOCK_TIMEOUT=URL hides the password' '
	each_form try_env
'

try_env_table() {
	(MSR_MIGRATIONS_TABLE=$1 && export MSR_MIGRATIONS_TABLE &&
	    fails_named 2 MSR_MIGRATIONS_TABLE -u sqlite:a.db -d m status)
}
test_expect_success 'MSR_MIGRATIONS_TABLE=URL hides the password' '
	each_form try_env_table
'

try_lint() { fails_named 2 "not a migration file" -d m lint "$1"; }
test_expect_success 'lint URL hides the password' '
	each_form try_lint
'

try_url_json() {
	msr -u "$1" -d m --json status >out 2>err
	no_secret out err &&
	msr -u "$1" -d m lint >out 2>err
	no_secret out err
}
test_expect_success 'status --json and lint with any URL hide the password' '
	each_form try_url_json
'

try_ini_dir() {
	printf "[migrations]\ndir = \${DATABASE_URL}\n" >d.ini &&
	(DATABASE_URL=$1 && export DATABASE_URL &&
	    fails_named 2 "migrations directory" -c d.ini -u sqlite:a.db status)
}
test_expect_success 'dir = ${DATABASE_URL} hides the password' '
	each_form try_ini_dir
'

try_ini_key() {
	printf "[lock]\ntimeout = %s\n" "$1" >k.ini &&
	fails_named 2 "lock.timeout" -c k.ini -u sqlite:a.db -d m status &&
	printf "[database]\nurl %s\n" "$1" >s.ini &&
	fails_named 2 "s.ini:2" -c s.ini -d m status
}
test_expect_success 'a config key or a bad line holding a URL hides the password' '
	each_form try_ini_key
'

try_pwfile() {
	(MSR_DATABASE_PASSWORD_FILE=$1 && export MSR_DATABASE_PASSWORD_FILE &&
	    fails_named 2 password_file -u sqlite:a.db -d m status)
}
test_expect_success 'a password_file path holding a URL hides the password' '
	each_form try_pwfile
'

try_unsupported() { fails_named 2 "database URL" -d m -u "$1" status; }
test_expect_success 'postgres:/u:SECRET@h/db and postgres:u:SECRET@h/db are masked' '
	try_unsupported "postgres:/u:SECRET@h/db" &&
	grep -F "postgres:/u:***@h/db" err &&
	try_unsupported "postgres:u:SECRET@h/db" &&
	grep -F "postgres:u:***@h/db" err
'

try_new() {
	rm -rf n && mkdir n && cd n &&
	msr -d "$1" new x >out 2>err
	rc=$?
	no_secret out err && cd ..
}
test_expect_success 'new with -d URL prints the files without the password' '
	each_form try_new
'

test_done
