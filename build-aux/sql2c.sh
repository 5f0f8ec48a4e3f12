#!/bin/sh
# Turns the tracking-table DDL files into C strings: ddl_sqlite, ddl_postgres.
set -e
echo '/* Generated from the sql/ files by build-aux/sql2c.sh; do not edit. */'
echo '#include "ddl.h"'
for f in "$@"; do
	name=$(basename "$f" .sql)
	printf 'const char ddl_%s[] =\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$f"
	printf '\t"";\n'
done
