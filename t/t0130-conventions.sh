#!/bin/sh
test_description='conventions of the command line and the configuration:
where a setting came from, durations with units, options written in other
tools'"'"' style, help of a command, colour and unknown MSR_* variables'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

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

#
# Options in golang-migrate's style are named as written.
#

test_expect_success 'one-dash options name the word and suggest msr'"'"'s' '
	db_fp app >before &&
	test_expect_code 2 msr -u "$(db_url app)" -path m status >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-path${SQ}; did you mean ${SQ}--dir${SQ}?$" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u "$(db_url app)" -source=m status \
	    >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-source${SQ}; did you mean ${SQ}--dir${SQ}?$" err &&
	test_expect_code 2 msr -database "$(db_url app)" -d m migrate \
	    >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-database${SQ}; did you mean ${SQ}--url${SQ}?$" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u "$(db_url app)" -d m down -all >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-all${SQ}; did you mean ${SQ}--all${SQ}?$" err &&
	test_must_be_empty out &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'an unknown letter in a cluster names its word' '
	test_expect_code 2 msr -u "$(db_url app)" -qx -d m migrate >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-x${SQ} in ${SQ}-qx${SQ}$" err &&
	test_grep -v "${SQ}msr${SQ}" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u "$(db_url app)" -d m migrate -vz \
	    >out 2>err &&
	test_grep "^msr: error: unknown option ${SQ}-z${SQ} in ${SQ}-vz${SQ}$" err &&
	test_must_be_empty out &&
	test -z "$(db_tables app)"
'

test_expect_success 'an option without its value in a cluster is named with its word' '
	test_expect_code 2 msr -d m migrate -qu >out 2>err &&
	test_grep "^msr: error: option ${SQ}-u${SQ} in ${SQ}-qu${SQ} needs a value$" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr status -vd >out 2>err &&
	test_grep "^msr: error: option ${SQ}-d${SQ} in ${SQ}-vd${SQ} needs a value$" err &&
	test_expect_code 2 msr status -d >out 2>err &&
	test_grep "^msr: error: option ${SQ}-d${SQ} needs a value$" err &&
	test_expect_code 2 msr status --url >out 2>err &&
	test_grep "^msr: error: option ${SQ}--url${SQ} needs a value$" err
'

#
# DATABASE_URL that loses to another url is said, and migrate and down
# name their database first.
#

test_expect_success 'DATABASE_URL losing to msr.ini is said, both masked' '
	printf "[database]\nurl = %s\n[migrations]\ndir = m\n" \
	    "$(db_url app)" >both.ini &&
	chmod 600 both.ini &&
	(DATABASE_URL=postgres://someone:s3cr3tpw@elsewhere/prod &&
	export DATABASE_URL &&
	msr -c both.ini status >out 2>err) &&
	test_grep "^msr: notice: using .* from both.ini:2, not postgres://someone:\*\*\*@elsewhere/prod from DATABASE_URL$" err &&
	test_grep -v s3cr3tpw err &&
	test_grep -v s3cr3tpw out &&
	(DATABASE_URL=postgres://someone:s3cr3tpw@elsewhere/prod &&
	export DATABASE_URL &&
	msr -q -c both.ini status >out 2>err) &&
	test_must_be_empty err
'

test_expect_success 'DATABASE_URL equal to the url used, or alone, is not said' '
	(DATABASE_URL=$(db_url app) && export DATABASE_URL &&
	msr -c both.ini status >out 2>err &&
	msr -d m status >out2 2>err2) &&
	test_must_be_empty err &&
	test_must_be_empty err2
'

test_expect_success 'DATABASE_URL losing to --url is said too' '
	(DATABASE_URL=$(db_url other) && export DATABASE_URL &&
	msr -u "$(db_url app)" -d m status >out 2>err) &&
	test_grep "^msr: notice: using .* from --url, not .* from DATABASE_URL$" err
'

test_expect_success 'migrate and down name their database on the first line' '
	db_new named &&
	msr -u "$(db_url named)" -d m migrate >out 2>err &&
	masked=$(db_url named) &&
	test "$(sed -n 1p err)" = "msr: database $masked" &&
	msr -u "$(db_url named)" -d m down --all >out 2>err &&
	test "$(sed -n 1p err)" = "msr: database $masked" &&
	msr -u "$(db_url named)" -d m migrate --dry-run >out 2>err &&
	test "$(sed -n 1p err)" = "msr: database $masked" &&
	msr -q -u "$(db_url named)" -d m migrate >out 2>err &&
	test_must_be_empty err &&
	msr -u "$(db_url named)" -d m status >out 2>err &&
	test_grep -v "^msr: database" err
'

test_expect_success '--json: the summary names the database' '
	msr --json -u "$(db_url named)" -d m down --all >out 2>err &&
	test_grep "^{\"event\":\"summary\",.*,\"database\":\"[^\"]*\"}$" out &&
	test_grep -v "s3cr3tpw" out
'

#
# Durations: seconds settings take the units of [postgres].
#

test_expect_success '--lock-timeout takes a unit; a part of a second is one' '
	db_new lk &&
	msr -u "$(db_url lk)" -d m migrate --to 1 2>/dev/null &&
	hold_lock lk &&
	test_when_finished "free_lock lk" &&
	db_fp lk >before &&
	test_expect_code 4 msr -u "$(db_url lk)" -d m --lock-timeout 1500ms \
	    migrate >out 2>err &&
	test_grep "migration lock not acquired within 2 s" err &&
	(MSR_LOCK_TIMEOUT=0s && export MSR_LOCK_TIMEOUT &&
	test_expect_code 4 msr -u "$(db_url lk)" -d m migrate >out 2>err) &&
	test_grep "migration lock not acquired within 0 s" err &&
	printf "[lock]\ntimeout = 1s\n" >lk.ini &&
	test_expect_code 4 msr -c lk.ini -u "$(db_url lk)" -d m migrate \
	    >out 2>err &&
	test_grep "migration lock not acquired within 1 s" err &&
	db_fp lk >after &&
	test_cmp before after
'

test_expect_success '5m is refused with 5min suggested, nothing changed' '
	db_fp app >before &&
	test_expect_code 2 msr -u "$(db_url app)" -d m --lock-timeout 5m \
	    migrate >out 2>err &&
	test_grep "^msr: error: --lock-timeout: invalid value ${SQ}5m${SQ} for ${SQ}lock.timeout${SQ}: unknown unit ${SQ}m${SQ}; did you mean ${SQ}5min${SQ}?$" err &&
	test_must_be_empty out &&
	printf "[database]\nwait = 2m\n" >w.ini &&
	test_expect_code 2 msr -c w.ini -u "$(db_url app)" -d m migrate \
	    >out 2>err &&
	test_grep "^msr: error: w.ini:2: invalid value ${SQ}2m${SQ} for ${SQ}database.wait${SQ}: unknown unit ${SQ}m${SQ}; did you mean ${SQ}2min${SQ}?$" err &&
	test_expect_code 2 msr -u "$(db_url app)" -d m --wait 2d migrate \
	    >out 2>err &&
	test_grep "^msr: error: --wait: invalid value ${SQ}2d${SQ} for ${SQ}database.wait${SQ}: expected at most 86400 seconds$" err &&
	test_expect_code 2 msr -u "$(db_url app)" wait --timeout 1m \
	    >out 2>err &&
	test_grep "^msr: error: invalid --timeout ${SQ}1m${SQ}: unknown unit ${SQ}m${SQ}; did you mean ${SQ}1min${SQ}?$" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success '--wait, [database] wait and wait --timeout take units' '
	msr -u "$(db_url app)" --wait 1min -d m status >out 2>err &&
	printf "[database]\nwait = 90s\nconnect_timeout = 1min\n" >w.ini &&
	msr -c w.ini -u "$(db_url app)" -d m status >out 2>err &&
	msr -u "$(db_url app)" wait --timeout 2s >out 2>err &&
	test_grep "accepts connections" err
'

#
# Help of a command, and status before there is a migrations directory.
#

test_expect_success 'COMMAND -h lists each option of the command on a line' '
	msr migrate -h >out 2>err &&
	test_must_be_empty err &&
	test_grep "^usage: msr migrate " out &&
	test_grep "^  --to VERSION  *apply up to VERSION" out &&
	test_grep "^  --dry-run  *print the plan" out &&
	test_grep "^  --out-of-order  *also apply" out &&
	test_grep -v "^  --steps" out &&
	msr help migrate >out2 &&
	test_cmp out out2 &&
	msr down -h >out &&
	test_grep "^  --steps N  *roll back the N newest" out &&
	test_grep "^  --all  *roll back every" out &&
	msr version -h >out &&
	test_grep "^  --expect VERSION  *exit 5 unless" out &&
	test_grep "^  --expect-at-least VERSION  *exit 5 unless" out &&
	msr wait -h >out &&
	test_grep "^  --timeout DURATION  *how long to wait" out
'

test_expect_success 'an option of two commands is told for each its own way' '
	msr lock -h >out &&
	test_grep "^  --force  *also a lock whose holder is not proven gone$" out &&
	msr repair -h >out &&
	test_grep "^  --force  *forget it also when its changes seem to remain$" out
'

test_expect_success 'status without a migrations directory says what to run' '
	db_fp app >before &&
	test_expect_code 2 msr -u "$(db_url app)" -d no-such-dir status \
	    >out 2>err &&
	test_grep "^msr: error: cannot open migrations directory ${SQ}no-such-dir${SQ}: it does not exist$" err &&
	test_grep "^    ${SQ}msr new NAME${SQ} creates it" err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -u "$(db_url app)" -d no-such-dir migrate \
	    >out 2>err &&
	test_grep "it does not exist$" err &&
	db_fp app >after &&
	test_cmp before after &&
	msr -u "$(db_url app)" -d no-such-dir version >out &&
	echo none >expect &&
	test_cmp expect out
'

#
# Colour, and MSR_* variables that name no key.
#

# on_tty ARGS...: msr with its stderr on a terminal, copied to stdout.
cat >onpty.py <<\EOF
import os, pty, subprocess, sys
m, s = pty.openpty()
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
out = b""
while True:
    try:
        d = os.read(m, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)
EOF
on_tty() {
	python3 "$TRASH/onpty.py" "$MSRTEST_BIN" "$@"
}
ESC=$(printf "\033")

test_expect_success 'colour: auto on a terminal, not with TERM=dumb or NO_COLOR' '
	(unset NO_COLOR && TERM=xterm && export TERM &&
	on_tty -u "$(db_url app)" -d no-such-dir status >tty-xterm &&
	on_tty --color=never -u "$(db_url app)" -d none status >tty-never &&
	TERM=dumb &&
	on_tty -u "$(db_url app)" -d no-such-dir status >tty-dumb &&
	on_tty --color always -u "$(db_url app)" -d none status \
	    >tty-always &&
	MSR_OUTPUT_COLOR=always && export MSR_OUTPUT_COLOR &&
	on_tty -u "$(db_url app)" -d none status >tty-key) &&
	(TERM=xterm && export TERM &&
	on_tty -u "$(db_url app)" -d no-such-dir status >tty-nocolor) &&
	test_grep "msr: ${ESC}\[1;31merror:${ESC}\[0m cannot open" tty-xterm &&
	test_grep "^msr: error: cannot open" tty-dumb &&
	test_grep -v "$ESC" tty-dumb &&
	test_grep "^msr: error: cannot open" tty-never &&
	test_grep -v "$ESC" tty-never &&
	test_grep -v "$ESC" tty-nocolor &&
	test_grep "${ESC}\[1;31merror:" tty-always &&
	test_grep "${ESC}\[1;31merror:" tty-key &&
	test_expect_code 2 msr --color=always -d none status 2>err &&
	test_grep "${ESC}\[1;31merror:" err
'

test_expect_success 'a bad --color or [output] color is exit 2, nothing changed' '
	db_fp app >before &&
	test_expect_code 2 msr --color=sometimes -u "$(db_url app)" -d m \
	    migrate >out 2>err &&
	test_grep "^msr: error: --color: invalid value ${SQ}sometimes${SQ} for ${SQ}output.color${SQ}: expected auto, always or never$" err &&
	test_must_be_empty out &&
	printf "[output]\ncolor = yes\n" >c.ini &&
	test_expect_code 2 msr -c c.ini -u "$(db_url app)" -d m migrate \
	    >out 2>err &&
	test_grep "^msr: error: c.ini:2: invalid value ${SQ}yes${SQ} for ${SQ}output.color${SQ}" err &&
	db_fp app >after &&
	test_cmp before after
'

test_expect_success 'an MSR_* variable that is no key is warned of, by name only' '
	(MSR_LOCK_TIMOUT=s3cr3tpw && MSR_DATABSE_URL=postgres://u:s3cr3tpw@h/d &&
	export MSR_LOCK_TIMOUT MSR_DATABSE_URL &&
	msr -u "$(db_url app)" -d m status >out 2>err) &&
	test_grep "^msr: warning: unknown environment variable ${SQ}MSR_LOCK_TIMOUT${SQ} ignored" err &&
	test_grep "^msr: warning: unknown environment variable ${SQ}MSR_DATABSE_URL${SQ} ignored" err &&
	test "$(grep -c MSR_LOCK_TIMOUT err)" = 1 &&
	test_grep -v s3cr3tpw err &&
	(MSR_LOCK_TIMEOUT=5s && MSR_CONFIG= && MSR_OUTPUT_COLOR=never &&
	export MSR_LOCK_TIMEOUT MSR_CONFIG MSR_OUTPUT_COLOR &&
	msr -u "$(db_url app)" -d m status >out 2>err) &&
	test_must_be_empty err
'

test_expect_success 'the environment of the test suite brings msr no warning' '
	env | grep "^MSRTEST_SRCDIR=" >/dev/null &&
	env | grep "^MSRTEST_DRIVER=" >/dev/null &&
	! env | grep "^MSR_" &&
	msr -u "$(db_url app)" -d m status >out 2>err &&
	test_must_be_empty err &&
	msr -q -u "$(db_url app)" -d m migrate >out 2>err &&
	test_must_be_empty err
'

test_done
