#!/bin/sh
# regen.sh MSR: writes NAME.expect of every case of t/lint from what the
# msr binary MSR finds now, for a change of lint that is meant to change
# findings.  Read the diff before committing it: t/t0510-lint-corpus.sh
# compares, it never writes.
set -e
dir=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
msr() {
	"$bin" "$@"
}
. "$dir/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for name in $(lint_cases "$dir"); do
	lint_case "$dir" "$name" >"$dir/$name.expect"
done
