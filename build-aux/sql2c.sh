#!/bin/sh
# Turns the tracking-table DDL files into C strings: sqlite.sql into
# ddl_sqlite, postgres-upgrade-0.2.sql into ddl_postgres_upgrade_0_2.
set -e
echo '/* Generated from the sql/ files by build-aux/sql2c.sh; do not edit. */'
echo '#include "ddl.h"'
for f in "$@"; do
	name=$(basename "$f" .sql | tr -c 'A-Za-z0-9\n' '_')
	printf 'const char ddl_%s[] =\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$f"
	printf '\t"";\n'
done
