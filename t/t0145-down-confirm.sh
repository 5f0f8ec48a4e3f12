#!/bin/sh
test_description='down asks at a terminal before rolling back more than one migration'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# term.py ANSWER ARGS...: runs msr ARGS with standard input and standard
# error on a terminal, writes ANSWER and a new line once it asks (or
# nothing when ANSWER is "-"), and prints what it wrote to the terminal
# and, last, "exit N".
cat >term.py <<\PY
import os, pty, subprocess, sys, time
answer, args = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
cmd = os.environ.get("MSRTEST_VALGRIND", "").split() + [os.environ["MSRTEST_BIN"]]
p = subprocess.Popen(cmd + args, stdin=slave, stderr=slave,
                     stdout=subprocess.DEVNULL)
os.close(slave)
seen, sent = b"", False
deadline = time.time() + 60
while time.time() < deadline:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not sent and answer != "-" and b"[y/N] " in seen:
        os.write(master, answer.encode() + b"\n")
        sent = True
rc = p.wait()
sys.stdout.write(seen.decode("utf-8", "replace").replace("\r", ""))
print("exit %d" % rc)
PY

test_expect_success 'setup' '
	for i in 1 2 3; do
		mig m ${i}_t$i "CREATE TABLE t$i (x integer);" "DROP TABLE t$i;" || return 1
	done &&
	db_new d &&
	msr -u "$(db_url d)" -d m migrate 2>/dev/null
'

test_expect_success 'at a terminal: the list, the question; no cancels, nothing changed' '
	db_fp d >before &&
	python3 term.py n -u "$(db_url d)" -d m down 1 >out &&
	test_grep "down would roll back 2 migrations, newest first:" out &&
	test_grep "^    3_t3$" out &&
	test_grep "^    2_t2$" out &&
	test_grep "roll them back? \\[y/N\\]" out &&
	test_grep "cancelled: nothing was rolled back" out &&
	test_grep "^exit 2$" out &&
	db_fp d >after &&
	test_cmp before after &&
	python3 term.py yes -u "$(db_url d)" -d m down --all >out &&
	test_grep "^exit 2$" out &&
	db_fp d >after &&
	test_cmp before after
'

test_expect_success 'y rolls them back' '
	python3 term.py y -u "$(db_url d)" -d m down 1 >out &&
	test_grep "^exit 0$" out &&
	test_grep "rolled back 2 migrations" out &&
	test "$(dbq d "SELECT count(*) FROM msr_migrations")" = 1
'

test_expect_success 'one migration, --yes, --dry-run, --json or no terminal: no question' '
	msr -u "$(db_url d)" -d m migrate 2>/dev/null &&
	python3 term.py - -u "$(db_url d)" -d m down --steps 1 >out &&
	test_grep "^exit 0$" out &&
	test_grep -v "y/N" out &&
	python3 term.py - -u "$(db_url d)" -d m down --all --dry-run >out &&
	test_grep "^exit 0$" out &&
	test_grep -v "y/N" out &&
	python3 term.py - -u "$(db_url d)" -d m --json down --all >out &&
	test_grep "^exit 0$" out &&
	test_grep -v "y/N" out &&
	msr -u "$(db_url d)" -d m migrate 2>/dev/null &&
	python3 term.py - -u "$(db_url d)" -d m down --all --yes >out &&
	test_grep "^exit 0$" out &&
	test_grep -v "y/N" out &&
	msr -u "$(db_url d)" -d m migrate 2>/dev/null &&
	msr -u "$(db_url d)" -d m down --all </dev/null 2>err &&
	test_grep "rolled back 3 migrations" err &&
	test "$(db_tables d)" = ""
'

test_done
