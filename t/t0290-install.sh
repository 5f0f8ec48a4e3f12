#!/bin/sh
test_description='make install: where the tracking-table DDL, the man
pages and the shell completions go (msr.1 FILES and TRACKING TABLES), and
make uninstall'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# The build tree: where src/msr was built.
build=$(cd "$(dirname "$MSRTEST_BIN")/.." && pwd)
test -f "$build/Makefile" ||
	test_skip_all "no Makefile in $build: not run from a build tree"
command -v make >/dev/null 2>&1 ||
	test_require make "the build tree needs make"

# mk ARGS...: make in the build tree as a make of its own, not a part of
# the make check that runs this script: without its jobserver, -j and the
# variables given on its command line.
mk() {
	(
		cd "$build" &&
		unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS &&
		make "$@"
	) >make.log 2>&1 || {
		echo "make $* failed:" >&2
		cat make.log >&2
		return 1
	}
}

# The prefix that configure was given, /usr/local unless told otherwise.
prefix=$(sed -n 's/^prefix = //p' "$build/Makefile")

# makevar NAME [MAKE-ARGS...]: the value of the build tree's make
# variable NAME, expanded as make install expands it ("" when unset).
echo 'print-%: ; @echo "$($*)"' >print.mk
makevar() {
	(
		v=$1 &&
		shift &&
		cd "$build" &&
		unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS &&
		make -s --no-print-directory -f Makefile -f "$TRASH/print.mk" \
		    "print-$v" "$@"
	)
}

# completions DESTDIR [MAKE-ARGS...]: the completion files are where the
# build tree says, as in contrib/completion/ ("--without-...-dir" in
# configure installs one of them nowhere).
completions() {
	dest=$1 &&
	shift &&
	bdir=$(makevar bashcompletiondir "$@") &&
	zdir=$(makevar zshcompdir "$@") &&
	test -n "$bdir$zdir" &&
	if [ -n "$bdir" ]; then
		test_cmp "$MSRTEST_SRCDIR/contrib/completion/msr.bash" "$dest$bdir/msr"
	fi &&
	if [ -n "$zdir" ]; then
		test_cmp "$MSRTEST_SRCDIR/contrib/completion/_msr" "$dest$zdir/_msr"
	fi
}

# columns DB: the columns of the three tracking tables of DB.
columns() {
	for t in msr_migrations msr_migrations_log msr_migrations_lock; do
		sq "$1" "SELECT '$t', * FROM pragma_table_info('$t')" ||
		    return 1
	done
}

# no_files DIR: DIR holds directories at most.
no_files() {
	find "$1" ! -type d >left &&
	test_must_be_empty left
}

test_expect_success 'configure installs under /usr/local unless told otherwise' '
	"$MSRTEST_SRCDIR/configure" --help >help &&
	grep -A 1 -e "--prefix=PREFIX" help >prefix &&
	test_grep "\[/usr/local\]" prefix &&
	test -n "$prefix"
'

test_expect_success 'make install: sqlite.sql and postgres.sql in PREFIX/share/msr, as in sql/' '
	mk install DESTDIR="$TRASH/d1" &&
	test_cmp "$MSRTEST_SRCDIR/sql/sqlite.sql" "d1$prefix/share/msr/sqlite.sql" &&
	test_cmp "$MSRTEST_SRCDIR/sql/postgres.sql" "d1$prefix/share/msr/postgres.sql" &&
	test -x "d1$prefix/bin/msr" &&
	if [ "$prefix" = /usr/local ]; then
		test -f d1/usr/local/share/msr/sqlite.sql &&
		test -f d1/usr/local/share/msr/postgres.sql
	fi
'

test_expect_success 'make install: the man pages in share/man/man1 and man5' '
	test_cmp "$MSRTEST_SRCDIR/man/msr.1" "d1$prefix/share/man/man1/msr.1" &&
	test_cmp "$MSRTEST_SRCDIR/man/msr.ini.5" "d1$prefix/share/man/man5/msr.ini.5"
'

test_expect_success 'configure has a directory option for each shell completion' '
	"$MSRTEST_SRCDIR/configure" --help >help &&
	test_grep "with-bash-completion-dir=DIR" help &&
	test_grep "with-zsh-completion-dir=DIR" help
'

test_expect_success 'make install: the bash completion as msr, the zsh one as _msr' '
	completions d1 &&
	if [ "$(makevar bashcompletiondir)" = "$prefix/share/bash-completion/completions" ]; then
		test -f "d1$prefix/share/bash-completion/completions/msr"
	fi &&
	if [ "$(makevar zshcompdir)" = "$prefix/share/zsh/site-functions" ]; then
		test -f "d1$prefix/share/zsh/site-functions/_msr"
	fi
'

test_expect_success 'the installed sqlite.sql creates the tables the installed msr migrates with' '
	sqlite3 ahead.db <"d1$prefix/share/msr/sqlite.sql" &&
	mig m 1_a "CREATE TABLE a (x integer);" &&
	$MSRTEST_VALGRIND "d1$prefix/bin/msr" -v -u sqlite:ahead.db -d m migrate 2>err &&
	test_grep "applied 1_a" err &&
	test_grep -v "created the tracking tables" err &&
	test "$(sq ahead.db "SELECT version, state FROM msr_migrations")" = "1|applied" &&
	test "$(sq ahead.db "SELECT action, outcome FROM msr_migrations_log")" = "up|ok" &&
	: the same columns as the tables msr creates itself &&
	$MSRTEST_VALGRIND "d1$prefix/bin/msr" -u sqlite:own.db -d m migrate 2>err &&
	columns ahead.db >ahead &&
	columns own.db >own &&
	test_cmp own ahead
'

test_expect_success 'make install prefix=/usr, as distribution packages: /usr/share/msr' '
	mk install prefix=/usr DESTDIR="$TRASH/d2" &&
	test_cmp "$MSRTEST_SRCDIR/sql/sqlite.sql" d2/usr/share/msr/sqlite.sql &&
	test_cmp "$MSRTEST_SRCDIR/sql/postgres.sql" d2/usr/share/msr/postgres.sql &&
	test_cmp "$MSRTEST_SRCDIR/man/msr.1" d2/usr/share/man/man1/msr.1 &&
	test_cmp "$MSRTEST_SRCDIR/man/msr.ini.5" d2/usr/share/man/man5/msr.ini.5 &&
	test -x d2/usr/bin/msr &&
	completions d2 prefix=/usr &&
	test ! -e d2/usr/local
'

test_expect_success 'make uninstall leaves no files' '
	mk uninstall DESTDIR="$TRASH/d1" &&
	no_files d1 &&
	mk uninstall prefix=/usr DESTDIR="$TRASH/d2" &&
	no_files d2
'

test_done
