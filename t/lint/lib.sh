# The migrations of t/lint with the findings they must give, for
# t/t0510-lint-corpus.sh and t/lint/regen.sh.  Each case NAME is
# NAME.up.sql, NAME.down.sql when it has one, and NAME.expect: a line
# FILE:LINE:COL: RULE: SEVERITY per finding, FILE up or down, then
# "exit CODE".  Cases whose NAME starts with "sqlite-" are SQLite, the
# others PostgreSQL.  A comment "-- not: RULE, ..." in a file names
# rules that must not fire for the case.

# lint_case DIR NAME: lints case NAME of directory DIR, in a scratch
# directory lc/ of the current one, with the command msr, and prints
# what NAME.expect holds.
lint_case() {
	rm -rf lc && mkdir lc &&
	cp "$1/$2.up.sql" lc/0001_case.up.sql &&
	if [ -e "$1/$2.down.sql" ]; then
		cp "$1/$2.down.sql" lc/0001_case.down.sql
	fi &&
	case $2 in
	sqlite-*) lc_dialect=sqlite ;;
	*) lc_dialect=postgres ;;
	esac &&
	{ MSR_LINT_DIALECT=$lc_dialect msr -d lc lint >lc.out 2>lc.err
	  lc_rc=$?; } &&
	lc_where="\([0-9]*:[0-9]*: [a-z-]*: [a-z]*\)" &&
	sed "s/^lc\/0001_case\.\([a-z]*\)\.sql:$lc_where: .*/\1:\2/" lc.out &&
	echo "exit $lc_rc"
}

# lint_cases DIR: the names of the cases of DIR.
lint_cases() {
	for f in "$1"/*.up.sql; do
		basename "$f" .up.sql || return 1
	done
}
