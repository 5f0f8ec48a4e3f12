#!/bin/sh
test_description='the README commands and the bundled example'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

readme=$MSRTEST_SRCDIR/README.md

# The first two fenced blocks of the README, one command each.
test_expect_success 'the README opens with two commands' '
	awk "/^\`\`\`sh\$/ { inb = 1; n++; next } /^\`\`\`/ { inb = 0; next }
	    inb && n <= 2 { print > (\"cmd\" n) }" "$readme" &&
	test "$(wc -l <cmd1)" = 1 &&
	test "$(wc -l <cmd2)" = 1 &&
	test_grep "^sh scripts/deps && autoreconf -fi && ./configure && make && " cmd1 &&
	test_grep "examples/sqlite" cmd1 &&
	test_grep "msr migrate" cmd1 &&
	test_grep "msr status" cmd1
'

test_expect_success '.ci/run runs the first command, then the second' '
	sed -n "/^readme_cmd() {/,/^}/p" "$MSRTEST_SRCDIR/.ci/run" >fn &&
	test "$(wc -l <fn)" -gt 2 &&
	(cd "$MSRTEST_SRCDIR" && . "$OLDPWD/fn" && readme_cmd 1) >ci1 &&
	(cd "$MSRTEST_SRCDIR" && . "$OLDPWD/fn" && readme_cmd 2) >ci2 &&
	test_cmp cmd1 ci1 &&
	test_cmp cmd2 ci2 &&
	grep -n "^if sh -c \"\$first\"; then\$" "$MSRTEST_SRCDIR/.ci/run" >a &&
	grep -n "sh -c \"\$second\" 2>&1;" "$MSRTEST_SRCDIR/.ci/run" >b &&
	test "$(cut -d: -f1 <a)" -lt "$(cut -d: -f1 <b)"
'

test_expect_success 'the example part of the first command works' '
	cp -R "$MSRTEST_SRCDIR/examples" examples &&
	rm -f examples/sqlite/shop.db* &&
	part=$(sed "s/.*&& (\\(.*\\))\$/\\1/" cmd1) &&
	part=$(echo "$part" | sed "s|\\.\\./\\.\\./src/msr|\$MSRTEST_VALGRIND \$MSRTEST_BIN|g") &&
	(eval "$part") >out 2>err &&
	test_grep "applied 5 migrations" err &&
	test_grep "^0005  *order_totals_trigger  *applied" out
'

test_expect_success 'the example schema holds what the migrations promise' '
	db=examples/sqlite/shop.db &&
	test "$(sq $db "SELECT count(*) FROM customers")" = 2 &&
	test "$(sq $db "SELECT count(*) FROM orders")" = 2 &&
	sq $db "SELECT sql FROM sqlite_master WHERE name = '\''customers'\''" >sql &&
	test_grep "status" sql &&
	sqlite3 $db "PRAGMA foreign_keys=ON; INSERT INTO orders (customer_id, total_cents) VALUES (1, 100)" &&
	test "$(sq $db "SELECT orders, total_cents FROM customer_totals WHERE customer_id = 1")" = "1|100"
'

test_expect_success 'the example rolls back and applies again' '
	(cd examples/sqlite && msr down --all && msr migrate && msr check) &&
	test "$(sq examples/sqlite/shop.db "SELECT count(*) FROM msr_migrations")" = 5
'

# readme_sql: the README's least-privilege SQL block.  man_sql: the SQL
# of msr.1's psql example, as mdoc prints it ("\e" is a backslash).
readme_sql() {
	awk '/^```sql$/ { inb = 1; next } /^```/ { inb = 0 } inb' "$readme"
}
man_sql() {
	sed -n '/^\$ psql -v ON_ERROR_STOP=1 -U postgres -d app <<.EOF.$/,/^EOF$/p' \
	    "$MSRTEST_SRCDIR/man/msr.1" | sed -e '1d' -e '$d' -e 's/\\e/\\/g'
}

test_expect_success 'msr.1 and the README give the same least-privilege SQL, with psql'"'"'s \i' '
	readme_sql >readme.sql &&
	man_sql >man.sql &&
	test "$(wc -l <readme.sql)" -gt 10 &&
	test_cmp readme.sql man.sql &&
	grep "^\\\\" man.sql >meta &&
	echo "\\i /usr/share/msr/postgres.sql" >expect &&
	test_cmp expect meta
'

# --- the CI lint job, in scratch git repositories -------------------

# lint_job: the script lines of the README's lint-migrations job, as a
# shell script that stops at the first line that fails, as CI does.
lint_job() {
	awk '/^```yaml$/ { inb = 1; next } /^```/ { inb = 0 } inb' "$readme" |
	python3 -c '
import sys, yaml
doc = yaml.safe_load(sys.stdin)
for line in doc["lint-migrations"]["script"]:
    print(line)
'
}

GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com
GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

# mr NAME: a clone of origin.git on a new branch NAME from main.
mr() {
	git clone -q "file://$TRASH/origin.git" "$1" &&
	git -C "$1" checkout -q -b "$1"
}
# commit DIR: commits everything in DIR.
commit() {
	git -C "$1" add -A &&
	git -C "$1" commit -q -m "$1"
}
# job DIR: runs the lint job in DIR, msr on its PATH.
job() {
	(cd "$1" && PATH=$TRASH/bin:$PATH sh -e "$TRASH/job.sh")
}

test_expect_success 'lint job: a main with a migration lint rejects, and msr on the PATH' '
	lint_job >job.sh &&
	test "$(wc -l <job.sh)" -ge 2 &&
	mkdir bin &&
	printf "#!/bin/sh\nexec \$MSRTEST_VALGRIND \"\$MSRTEST_BIN\" \"\$@\"\n" >bin/msr &&
	chmod +x bin/msr &&
	git init -q --bare -b main origin.git &&
	git clone -q "file://$TRASH/origin.git" seed 2>/dev/null &&
	git -C seed checkout -q -b main &&
	mkdir -p seed/db/migrations &&
	echo "CREATE TABLE t (x int);" >seed/db/migrations/0001_t.up.sql &&
	echo "CREATE INDEX t_x ON t (x);" >seed/db/migrations/0002_legacy.up.sql &&
	echo app >seed/app.txt &&
	commit seed &&
	git -C seed push -q origin main &&
	test_expect_code 5 env MSR_LINT_DIALECT=postgres \
	    $MSRTEST_VALGRIND "$MSRTEST_BIN" -d seed/db/migrations lint >out &&
	test_grep "0002_legacy.up.sql:1:1: create-index" out
'

test_expect_success 'lint job: a merge request without migrations is a success, nothing reviewed' '
	mr nomig &&
	echo more >>nomig/app.txt &&
	commit nomig &&
	job nomig >out 2>err &&
	test_grep "no migrations to review" out &&
	! grep "checked" err
'

test_expect_success 'lint job: a README.md beside the migrations is not given to lint' '
	mr readme &&
	echo "# notes" >readme/db/migrations/README.md &&
	echo "CREATE TABLE u (y int);" >readme/db/migrations/0003_u.up.sql &&
	echo "DROP TABLE u;" >readme/db/migrations/0003_u.down.sql &&
	commit readme &&
	job readme >out 2>err &&
	test_grep "1 migration checked" err &&
	! grep "legacy" out
'

test_expect_success 'lint job: a merge request adding a migration lint rejects fails with exit 5' '
	mr bad &&
	echo "CREATE INDEX t_x2 ON t (x);" >bad/db/migrations/0004_idx.up.sql &&
	commit bad &&
	test_expect_code 5 job bad >out 2>err &&
	test_grep "0004_idx.up.sql:1:1: create-index" out &&
	test_grep "1 migration checked" err &&
	! grep "legacy" out
'

test_expect_success 'lint job: a new table with an index and its down file passes' '
	mr orders &&
	printf "%s\n" "CREATE TABLE orders (id int, x int);" \
	    "CREATE INDEX orders_x ON orders (x);" \
	    >orders/db/migrations/0042_orders.up.sql &&
	printf "%s\n" "DROP INDEX orders_x;" "DROP TABLE orders;" \
	    >orders/db/migrations/0042_orders.down.sql &&
	commit orders &&
	job orders >out 2>err &&
	test_grep "0042_orders.down.sql:1:1: down-drop-if-exists: warning" out &&
	! grep ": error: " out &&
	test_grep "1 migration checked for PostgreSQL: 0 errors, 2 warnings" err
'

test_expect_success 'lint job: a shallow clone does not review the whole history' '
	git -C readme push -q origin readme &&
	git clone -q --depth 1 --branch readme "file://$TRASH/origin.git" shallow &&
	test_must_fail job shallow >out 2>err &&
	! grep "legacy" out &&
	! grep "checked" err &&
	test_grep "no merge base with main" err
'

test_done
