#!/bin/sh
test_description='every command line of README.md, msr.1 EXAMPLES and
contrib/ is run by a test or cannot run here, for a reason the table of
lib-recipes.sh gives; the lines that SQLite can run, run here as the
documents print them'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-recipes.sh"

C=$MSRTEST_SRCDIR/contrib

# msr on the PATH, for lines that make or sh -e run.
mkdir bin &&
printf '#!/bin/sh\nexec $MSRTEST_VALGRIND "$MSRTEST_BIN" "$@"\n' >bin/msr &&
chmod +x bin/msr || exit 1
PATH=$TRASH/bin:$PATH

test_expect_success 'the documents hold the command lines this test knows of' '
	recipes_list >all &&
	test "$(wc -l <all)" -ge 50 &&
	for s in "README.md (top) sh" "README.md (Using it) sh" \
	    "README.md (Reviewing migrations: msr lint) console" \
	    "README.md (Reviewing migrations: msr lint) yaml" \
	    "man/msr.1 console" "man/msr.1 lines" "man/msr.1 make" \
	    "man/msr.1 yaml" "contrib/docker-compose.yml header" \
	    "contrib/docker-compose.yml yaml" "contrib/Dockerfile header" \
	    "contrib/Dockerfile image" "contrib/k8s/migrate-job.yaml yaml" \
	    "contrib/k8s/init-container.yaml yaml" \
	    "contrib/systemd/msr-migrate.service.in unit" \
	    "contrib/msr.mk header" "contrib/msr.mk make"; do
		grep -F -e "$s	" all >/dev/null ||
		    { echo "no command line in $s" >&2; return 1; }
	done
'

test_expect_success 'every command line is run by a test, or the table says why it cannot run here' '
	recipes_classified >classified &&
	test "$(wc -l <classified)" -ge 50 &&
	if grep "^unknown	" classified >unknown; then
		echo "unknown recipe lines: add them to the table in t/lib-recipes.sh, and a test that runs them:" >&2
		cut -f 2- unknown | tr "\\036" "\\n" >&2
		return 1
	fi &&
	grep -c "^no: " classified >n-no &&
	test "$(cat n-no)" -ge 5 &&
	test "$(grep -c "^t00" classified)" -gt "$(cat n-no)"
'

test_expect_success 'each test the table names exists, in the script it names' '
	cut -f 1 classified | grep "^t[0-9]" | sort -u >whos &&
	test "$(wc -l <whos)" -ge 15 &&
	while IFS= read -r who; do
		n=${who%% *} &&
		desc=${who#* } &&
		set -- "$MSRTEST_SRCDIR"/t/$n-*.sh &&
		test $# = 1 && test -f "$1" ||
		    { echo "no script t/$n-*.sh for: $who" >&2; return 1; } &&
		grep -F -e "$desc" "$1" |
		grep -e "^test_expect_success " -e "^test_for " >/dev/null ||
		    { echo "no test \"$desc\" in $1" >&2; return 1; }
	done <whos
'

test_expect_success 'a line that the table does not know is found as unknown' '
	grep -v "	t0015 README.md, Using it: the SQLite lines\$" recipes.table >less.table &&
	! cmp -s recipes.table less.table &&
	python3 recipes.py classify less.table >c2 &&
	test "$(grep -c "^unknown	README.md (Using it) sh	msr -u sqlite:" c2)" = 7
'

# --- README.md ---------------------------------------------------------

test_expect_success 'README.md, Using it: the SQLite lines, in order, as printed' '
	recipe_lines "t0015 README.md, Using it: the SQLite lines" >lines &&
	recipe_count 7 lines &&
	mkdir using &&
	cd using &&
	mig db/migrations 0001_users "CREATE TABLE users (id integer PRIMARY KEY);" \
	    "DROP TABLE users;" &&
	mig db/migrations 0002_orders "CREATE TABLE orders (id integer);" \
	    "DROP TABLE orders;" &&
	mig db/migrations 0003_items "CREATE TABLE items (id integer);" \
	    "DROP TABLE items;" &&
	while IFS= read -r line; do
		: the first pattern that matches the command, left of its comment &&
		case ${line%%#*} in
		*" migrate --dry-run"*)
			: a migration is pending, for the plan to show &&
			mig db/migrations 0004_tags "CREATE TABLE tags (t text);" \
			    "DROP TABLE tags;" &&
			run_printed "$line" 0 out "^up   db/migrations/0004_tags.up.sql  \\[transaction\\]$" &&
			test "$(sq app.db "SELECT count(*) FROM msr_migrations")" = 3 ;;
		*" migrate"*)
			run_printed "$line" 0 err "applied 3 migrations" ;;
		*" status"*)
			run_printed "$line" 0 out "^0004  *tags  *pending" &&
			test_grep "^0003  *items  *applied" out ;;
		*" down "*)
			run_printed "$line" 0 err "rolled back 0003_items" ;;
		*" check"*)
			run_printed "$line" 5 err "2 migrations not applied" ;;
		*" version "*)
			run_printed "$line" 0 out "^0002$" ;;
		*" log "*)
			run_printed "$line" 0 out "^run [0-9a-f]\{32\} by " &&
			test_grep "^  .*  down     3_items  ok  [0-9]* ms$" out ;;
		*)
			echo "no check for the line: $line" >&2
			false ;;
		esac || return 1
	done <../lines
'

test_expect_success 'README.md, Switching to msr: adopt after dbmate, as printed' '
	recipe_lines "t0015 README.md, Switching to msr: adopt after dbmate" >lines &&
	recipe_count 2 lines &&
	mkdir switch &&
	cd switch &&
	mig db/migrations 1_users "CREATE TABLE users (id integer);" &&
	mig db/migrations 2_orders "CREATE TABLE orders (id integer);" &&
	sq app.db "CREATE TABLE schema_migrations (version varchar(128) primary key);
	    INSERT INTO schema_migrations VALUES ('"'1'"'); CREATE TABLE users (id integer)" &&
	while IFS= read -r line; do
		case ${line%%#*} in
		*" adopt --dry-run"*)
			run_printed "$line" 0 out "^db/migrations/1_users.up.sql$" &&
			test_must_fail sq app.db "SELECT 1 FROM msr_migrations" 2>/dev/null ;;
		*" adopt"*)
			run_printed "$line" 0 err "recorded 1 migration that dbmate applied" &&
			msr -u sqlite:app.db migrate 2>err &&
			test_grep "applied 2_orders" err ;;
		*)
			echo "no check for the line: $line" >&2
			false ;;
		esac || return 1
	done <../lines
'

test_expect_success 'msr.1: switching from dbmate, as printed' '
	recipe_lines "t0015 msr.1: switching from dbmate" >lines &&
	recipe_count 2 lines &&
	mkdir -p dbm/db/dbmate &&
	cd dbm &&
	printf "%s\n" "-- migrate:up" "CREATE TABLE users (id integer);" \
	    "-- migrate:down" "DROP TABLE users;" >db/dbmate/20151129054053_create_users.sql &&
	printf "[database]\nurl = sqlite:app.db\n" >msr.ini &&
	while IFS= read -r line; do
		case $line in
		*" convert "*)
			run_printed "$line" 0 out "" &&
			test -f db/migrations/20151129054053_create_users.up.sql &&
			test -f db/migrations/20151129054053_create_users.down.sql ;;
		*" migrate --dry-run")
			run_printed "$line" 0 out "20151129054053_create_users.up.sql" ;;
		*)
			echo "no check for the line: $line" >&2
			false ;;
		esac || return 1
	done <../lines
'

test_expect_success 'README.md: the lint example prints what it shows' '
	recipe_lines "t0015 README.md: the lint example prints what it shows" >lines &&
	recipe_count 1 lines &&
	line=$(cat lines) &&
	recipe_output "$line" >expect &&
	test_grep "^msr: 42 migrations checked" expect &&
	mkdir lint &&
	cd lint &&
	: 41 migrations lint has nothing to say of, and the one it shows &&
	i=1 &&
	while [ $i -le 41 ]; do
		mig db/migrations "$(printf %04d $i)_t$i" \
		    "CREATE TABLE t$i (x integer);" "DROP TABLE IF EXISTS t$i;" ||
		    return 1
		i=$((i + 1))
	done &&
	mig db/migrations 0042_users_email \
	    "CREATE INDEX users_email ON users (email);" \
	    "-- msr:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_email;" &&
	: the dialect of the CI job below it in the README &&
	MSR_LINT_DIALECT=postgres &&
	export MSR_LINT_DIALECT &&
	run_printed "$line" 5 out "create-index-concurrently: error" &&
	cat out err >actual &&
	test_cmp ../expect actual
'

# --- man/msr.1, EXAMPLES -----------------------------------------------

# example DIR: the bundled example in DIR, its migrations in
# db/migrations (where msr.1 shows them) and its ./msr.ini naming the
# database.
example() {
	mkdir -p "$1/db" &&
	cp -R "$MSRTEST_SRCDIR/examples/sqlite/migrations" "$1/db/migrations" &&
	printf '[database]\nurl = sqlite:shop.db\n' >"$1/msr.ini"
}

# top DB: the newest applied version of the SQLite database DB.
top() {
	sq "$1" "SELECT max(CAST(version AS integer)) FROM msr_migrations"
}

test_expect_success 'msr.1: migrate, dry run and down on the bundled example, as printed' '
	recipe_lines "t0015 msr.1: migrate, dry run and down on the bundled example" >lines &&
	recipe_count 4 lines &&
	example man &&
	cd man &&
	while IFS= read -r line; do
		case $line in
		"msr migrate --dry-run"*)
			: the two migrations it shows are pending &&
			msr down 3 2>/dev/null &&
			run_printed "$line" 0 out "" &&
			recipe_output "$line" >expect &&
			test "$(wc -l <expect)" = 2 &&
			test_cmp expect out &&
			test "$(top shop.db)" = 3 ;;
		"msr migrate"*)
			run_printed "$line" 0 err "applied 5 migrations" ;;
		"msr down --steps"*)
			msr migrate 2>/dev/null &&
			run_printed "$line" 0 err "rolled back 0005_order_totals_trigger" &&
			test "$(top shop.db)" = 4 ;;
		"msr down "*)
			run_printed "$line" 0 err "rolled back 0004_customers_add_status" &&
			test "$(top shop.db)" = 3 ;;
		*)
			echo "no check for the line: $line" >&2
			false ;;
		esac || return 1
	done <../lines
'

test_expect_success 'msr.1: the CI job fails while migrations are not applied, then passes' '
	recipe_lines "t0015 msr.1: the CI job" >lines &&
	recipe_count 2 lines &&
	test_grep "^msr validate$" lines &&
	example ci &&
	cd ci &&
	DB=$TRASH/ci/shop.db &&
	export DB &&
	msr migrate --to 3 2>/dev/null &&
	test_expect_code 5 sh -e ../lines >out 2>err &&
	test_grep "2 migrations not applied" err &&
	msr migrate 2>/dev/null &&
	sh -e ../lines >out 2>err &&
	: and validate fails on a broken file &&
	: >db/migrations/0006_x.up..sql &&
	test_must_fail sh -e ../lines >out 2>err &&
	test_grep "0006_x.up..sql" err
'

test_expect_success 'msr.1: the readiness probe, with the database URL and without the migrations' '
	recipe_lines "t0015 msr.1: the readiness probe" >lines &&
	recipe_count 1 lines &&
	line=$(cat lines) &&
	v=$(echo "$line" | sed -n "s/.*--expect-at-least \\([0-9]*\\).*/\\1/p") &&
	test -n "$v" &&
	mig probe-m 20250101000000_old "CREATE TABLE old (x integer);" &&
	mig probe-m ${v}_new "CREATE TABLE new (x integer);" &&
	msr -u sqlite:probe.db -d probe-m migrate --to 20250101000000 2>/dev/null &&
	mkdir probe &&
	cd probe &&
	MSR_DATABASE_URL=sqlite:$TRASH/probe.db &&
	export MSR_DATABASE_URL &&
	run_printed "$line" 5 err "expected $v or newer" &&
	test_must_be_empty out &&
	msr -d ../probe-m migrate 2>/dev/null &&
	run_printed "$line" 0 &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'msr.1: the Makefile targets, their recipe lines in order' '
	recipe_lines "t0015 msr.1: the Makefile targets" >lines &&
	recipe_count 3 lines &&
	mkdir mk1 &&
	cd mk1 &&
	printf "[database]\nurl = sqlite:app.db\n" >msr.ini &&
	mig db/migrations 0001_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig db/migrations 0002_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	while IFS= read -r line; do
		case $line in
		"msr migrate"*)
			run_printed "$line" 0 err "applied 2 migrations" ;;
		"msr down"*)
			run_printed "$line" 0 err "rolled back 0002_b" ;;
		"msr status"*)
			run_printed "$line" 0 out "^0002  *b  *pending" ;;
		*)
			echo "no check for the line: $line" >&2
			false ;;
		esac || return 1
	done <../lines
'

# --- contrib/ ------------------------------------------------------------

test_expect_success 'contrib/msr.mk: the lines of its header, a Makefile and its make lines, as printed' '
	recipe_lines "t0015 contrib/msr.mk: the lines of its header" >lines &&
	test "$(grep -c "^make " lines)" -ge 7 &&
	unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS &&
	mkdir mkp &&
	cd mkp &&
	: the Makefile lines, msr.mk where this tree has it &&
	grep -v "^make " ../lines | sed "s|^include msr\\.mk\$|include $C/msr.mk|" >Makefile &&
	test "$(wc -l <Makefile)" = 2 &&
	test_grep "^include $C/msr.mk\$" Makefile &&
	mkdir db &&
	printf "[database]\nurl = sqlite:app.db\n[migrations]\ndir = db/migrations\n" >db/msr.ini &&
	for i in 38 39 40 41 42 43 44 45; do
		mig db/migrations 00${i}_t$i "CREATE TABLE t$i (x integer);" \
		    "DROP TABLE t$i;" || return 1
	done &&
	grep "^make " ../lines >make-lines &&
	while IFS= read -r line; do
		case $line in
		"make db-migrate TO="*)
			msr -c db/msr.ini down 0040 2>/dev/null &&
			run_printed "$line" 0 err "applied 2 migrations" &&
			test "$(top app.db)" = 42 ;;
		"make db-migrate"*)
			run_printed "$line" 0 err "applied 8 migrations" &&
			test "$(top app.db)" = 45 ;;
		"make db-rollback STEPS="*)
			msr -c db/msr.ini migrate 2>/dev/null &&
			run_printed "$line" 0 err "rolled back 3 migrations" &&
			test "$(top app.db)" = 42 ;;
		"make db-rollback TO="*)
			run_printed "$line" 0 err "rolled back 2 migrations" &&
			test "$(top app.db)" = 40 ;;
		"make db-rollback"*)
			run_printed "$line" 0 err "rolled back 0042_t42" &&
			test "$(top app.db)" = 41 ;;
		"make db-status"*)
			run_printed "$line" 0 out "^0041  *t41  *pending" &&
			test_grep "^0040  *t40  *applied" out ;;
		"make db-new"*)
			run_printed "$line" 0 &&
			ls db/migrations >files &&
			test "$(grep -c "^[0-9]*_add_users\\.\\(up\\|down\\)\\.sql\$" files)" = 2 ;;
		*)
			echo "no check for the line: $line" >&2
			false ;;
		esac || return 1
	done <make-lines
'

test_done
