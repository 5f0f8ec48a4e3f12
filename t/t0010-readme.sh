#!/bin/sh
test_description='the README commands and the bundled example'
. "${MSR_SRCDIR:-..}/t/test-lib.sh"

readme=$MSR_SRCDIR/README.md

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
	sed -n "/^readme_cmd() {/,/^}/p" "$MSR_SRCDIR/.ci/run" >fn &&
	test "$(wc -l <fn)" -gt 2 &&
	(cd "$MSR_SRCDIR" && . "$OLDPWD/fn" && readme_cmd 1) >ci1 &&
	(cd "$MSR_SRCDIR" && . "$OLDPWD/fn" && readme_cmd 2) >ci2 &&
	test_cmp cmd1 ci1 &&
	test_cmp cmd2 ci2 &&
	grep -n "^if sh -c \"\$first\"; then\$" "$MSR_SRCDIR/.ci/run" >a &&
	grep -n "sh -c \"\$second\" 2>&1;" "$MSR_SRCDIR/.ci/run" >b &&
	test "$(cut -d: -f1 <a)" -lt "$(cut -d: -f1 <b)"
'

test_expect_success 'the example part of the first command works' '
	cp -R "$MSR_SRCDIR/examples" examples &&
	rm -f examples/sqlite/shop.db* &&
	part=$(sed "s/.*&& (\\(.*\\))\$/\\1/" cmd1) &&
	part=$(echo "$part" | sed "s|\\.\\./\\.\\./src/msr|\$MSR_VALGRIND \$MSR_BIN|g") &&
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
	    "$MSR_SRCDIR/man/msr.1" | sed -e '1d' -e '$d' -e 's/\\e/\\/g'
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

test_done
