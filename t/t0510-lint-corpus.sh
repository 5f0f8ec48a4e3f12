#!/bin/sh
test_description='msr lint on migrations written as teams write them'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# The cases, their format and how to regenerate them: t/lint/lib.sh.
corpus=$MSRTEST_SRCDIR/t/lint
. "$corpus/lib.sh"

test_expect_success 'the corpus has at least 60 cases, each with its .expect' '
	lint_cases "$corpus" >cases &&
	test "$(wc -l <cases)" -ge 60 &&
	while read -r name; do
		test -f "$corpus/$name.expect" || {
			echo "no $name.expect"; return 1; }
	done <cases
'

for name in $(lint_cases "$corpus"); do
	test_expect_success "$name" '
		lint_case "$corpus" "$name" >got &&
		test_cmp "$corpus/$name.expect" got
	'
done

test_expect_success 'the rules a file says must not fire do not' '
	for f in "$corpus"/*.sql; do
		name=$(basename "$f" .sql) && side=${name##*.} &&
		name=${name%.*} &&
		sed -n "s/^-- not: //p" "$f" | tr -s ", " "\n\n" |
		while read -r rule; do
			if grep -q "^$side:.*: $rule: " "$corpus/$name.expect"
			then
				echo "$name.$side: $rule fires"; return 1
			fi
		done || return 1
	done
'

test_expect_success 'every rule fires in a case and is named not to in one' '
	sed -n "s/.*= { \"\([a-z-]*\)\", SEV_.*/\1/p" \
	    "$MSRTEST_SRCDIR/src/rules.c" | sort >rules &&
	test "$(wc -l <rules)" -ge 22 &&
	cat "$corpus"/*.expect |
	sed -n "s/^[a-z]*:[0-9]*:[0-9]*: \([a-z-]*\): .*/\1/p" |
	sort -u >fired &&
	test_cmp rules fired &&
	sed -n "s/^-- not: //p" "$corpus"/*.sql | tr -s ", " "\n\n" |
	sort -u >quiet &&
	test_cmp rules quiet
'

test_done
