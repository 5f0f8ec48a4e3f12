#!/bin/sh
test_description='msr lint: every rule fires where it must and nowhere else'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# with_env NAME=VALUE COMMAND...: runs the command, a shell function
# too, with that variable exported, in a subshell.
with_env() {
	(export "$1" && shift && "$@")
}

# lint_rules DIALECT UP [DOWN]: lints one migration with these files
# (printf %b text; DOWN defaults to "SELECT 1;", "-" for none) and
# leaves the rule ids
# it reported, sorted, in "got", the output in "out" and the exit code
# in "rc".
lint_rules() {
	rm -rf lm && mkdir lm &&
	printf '%b\n' "$2" >lm/1_x.up.sql &&
	if [ "${3:-}" != - ]; then
		printf '%b\n' "${3:-SELECT 1;}" >lm/1_x.down.sql
	fi &&
	{ with_env MSR_LINT_DIALECT="$1" msr -d lm lint >out 2>err
	  echo $? >rc; } &&
	sed -n "s/^lm\/1_x\.[a-z]*\.sql:[0-9]*:[0-9]*: \([a-z-]*\): .*/\1/p" \
	    out | sort -u >got
}

check_fires() {
	lint_rules "$c_dia" "$c_up" "$c_down" &&
	if ! grep -qx "$c_rule" got; then
		echo "expected $c_rule, got:" && cat out err && return 1
	fi
}

check_quiet() {
	lint_rules "$c_dia" "$c_up" "$c_down" &&
	if grep -qx "$c_rule" got; then
		echo "did not expect $c_rule:" && cat out && return 1
	fi &&
	if [ "$c_rule" != any ] && grep -q . got && [ "$(cat rc)" = 2 ]; then
		cat err && return 1
	fi
}

# fires RULE DIALECT UP [DOWN] / quiet RULE DIALECT UP [DOWN]: one test.
fires() {
	c_rule=$1 c_dia=$2 c_up=$3 c_down=${4:-}
	fired="$fired $1"
	test_expect_success "$1 fires ($2): $(printf '%s' "$3" |
	    sed 's/\\n/ /g' | cut -c1-70)" 'check_fires'
}

quiet() {
	c_rule=$1 c_dia=$2 c_up=$3 c_down=${4:-}
	quieted="$quieted $1"
	test_expect_success "$1 is quiet ($2): $(printf '%s' "$3" |
	    sed 's/\\n/ /g' | cut -c1-70)" 'check_quiet'
}

fired=
quieted=
nt='-- msr:no-transaction\n'

# Both dialects.
fires no-transaction-directive sqlite 'DELETE FROM t WHERE x = 1;\nVACUUM;'
fires no-transaction-directive postgres 'ALTER TABLE t ADD COLUMN IF NOT EXISTS a integer;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);'
quiet no-transaction-directive postgres 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);'
quiet no-transaction-directive sqlite 'VACUUM;'
quiet no-transaction-directive postgres "${nt}CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);"
quiet no-transaction-directive sqlite 'PRAGMA foreign_keys = OFF;\nBEGIN;\nCREATE TABLE n (a);\nCOMMIT;\nPRAGMA foreign_keys = ON;' 'DROP TABLE IF EXISTS n;'
quiet no-transaction-directive postgres "SELECT 'VACUUM';\n-- VACUUM;\n/* VACUUM; */ SELECT 1;"
fires non-idempotent postgres "${nt}CREATE INDEX CONCURRENTLY i ON t (a);"
fires non-idempotent sqlite "${nt}INSERT INTO t VALUES (1);"
fires non-idempotent postgres 'CREATE TABLE n (a int);\nVACUUM;' 'DROP TABLE IF EXISTS n;'
quiet non-idempotent postgres "${nt}CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nDROP INDEX CONCURRENTLY IF EXISTS j;"
quiet non-idempotent sqlite "${nt}BEGIN;\nINSERT INTO t VALUES (1);\nCOMMIT;"
quiet non-idempotent sqlite 'INSERT INTO t VALUES (1);'
fires missing-down sqlite 'SELECT 1;' -
fires down-incomplete sqlite 'CREATE TABLE a (x);\nCREATE TABLE b (x);' 'DROP TABLE IF EXISTS a;'
fires down-incomplete postgres 'CREATE TABLE app.a (x int);' 'DROP TABLE IF EXISTS b;'
quiet down-incomplete sqlite 'CREATE TABLE a (x);\nCREATE TABLE "B" (x);' 'DROP TABLE IF EXISTS main.a, "B";'
quiet down-incomplete sqlite 'CREATE TABLE n (x);\nINSERT INTO n SELECT * FROM o;\nDROP TABLE o;\nALTER TABLE n RENAME TO o;' 'SELECT 1;'
quiet down-incomplete postgres "SELECT 'CREATE TABLE a (x int)';\nDO \$\$ BEGIN CREATE TABLE b (x int); END \$\$;"
fires down-drop-if-exists sqlite 'SELECT 1;' 'DROP TABLE a;'
fires down-drop-if-exists postgres 'SELECT 1;' 'DROP INDEX CONCURRENTLY i;'
quiet down-drop-if-exists sqlite 'SELECT 1;' 'DROP TABLE IF EXISTS a;\nDROP TRIGGER IF EXISTS t;'
quiet down-drop-if-exists sqlite 'DROP TABLE a;' 'SELECT 1;'

# PostgreSQL: locks and the running application.
fires add-column-not-null postgres 'ALTER TABLE t ADD COLUMN c int NOT NULL;'
fires add-column-not-null postgres 'ALTER TABLE IF EXISTS ONLY public.t ADD c int NOT NULL, ADD d int;'
quiet add-column-not-null postgres 'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;'
quiet add-column-not-null postgres 'ALTER TABLE t ADD COLUMN c int;'
quiet add-column-not-null postgres 'ALTER TABLE t ADD COLUMN id bigserial NOT NULL;'
quiet add-column-not-null postgres 'ALTER TABLE t ADD COLUMN id bigint NOT NULL GENERATED ALWAYS AS IDENTITY;'
quiet add-column-not-null postgres 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN c int NOT NULL;' 'DROP TABLE IF EXISTS t;'
quiet add-column-not-null postgres "SELECT 'ALTER TABLE t ADD COLUMN c int NOT NULL';"
quiet add-column-not-null postgres '-- ALTER TABLE t ADD COLUMN c int NOT NULL;\nSELECT 1;'
quiet add-column-not-null postgres 'DO $$ BEGIN ALTER TABLE t ADD COLUMN c int NOT NULL; END $$;'
quiet add-column-not-null sqlite 'ALTER TABLE t ADD COLUMN c int NOT NULL;'
fires create-index-concurrently postgres 'CREATE INDEX i ON t (a);'
fires create-index-concurrently postgres 'CREATE UNIQUE INDEX IF NOT EXISTS i ON ONLY s.t USING btree (a);'
quiet create-index-concurrently postgres "${nt}CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);"
quiet create-index-concurrently postgres 'CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);' 'DROP TABLE IF EXISTS t;'
quiet create-index-concurrently postgres "COMMENT ON TABLE t IS 'CREATE INDEX i ON t (a)';"
quiet create-index-concurrently sqlite 'CREATE INDEX i ON t (a);'
fires drop-index-concurrently postgres 'DROP INDEX i;'
fires drop-index-concurrently postgres 'SELECT 1;' 'DROP INDEX IF EXISTS i;'
quiet drop-index-concurrently postgres "${nt}DROP INDEX CONCURRENTLY IF EXISTS i;"
quiet drop-index-concurrently postgres 'CREATE INDEX i ON t (a);\nDROP INDEX i;'
quiet drop-index-concurrently postgres '/* DROP INDEX i; */ SELECT 1;'
quiet drop-index-concurrently postgres 'CREATE TABLE o (id int, x int);\nCREATE INDEX o_x ON o (x);' 'DROP INDEX o_x;\nDROP TABLE o;'
quiet drop-index-concurrently postgres 'CREATE TABLE s.o (x int);\nCREATE INDEX o_x ON s.o (x);' 'DROP INDEX IF EXISTS s.o_x, o_x;\nDROP TABLE IF EXISTS s.o;'
fires drop-index-concurrently postgres 'CREATE TABLE s.o (x int);\nCREATE INDEX o_x ON s.o (x);' 'DROP INDEX IF EXISTS t.o_x;\nDROP TABLE IF EXISTS s.o;'
fires drop-index-concurrently postgres 'CREATE INDEX o_x ON o (x);' 'DROP INDEX IF EXISTS o_x;'
fires drop-index-concurrently postgres 'CREATE TABLE o (x int);' 'DROP INDEX IF EXISTS o_x;\nDROP TABLE IF EXISTS o;'
fires drop-index-concurrently postgres 'CREATE TABLE o (x int);\nCREATE INDEX o_x ON o (x);' 'DROP TABLE IF EXISTS o;\nDROP INDEX IF EXISTS o_x;'
fires drop-index-concurrently postgres 'DROP INDEX a, b;\nCREATE INDEX a ON t (x);'
fires constraint-not-valid postgres 'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id);'
fires constraint-not-valid postgres 'ALTER TABLE o ADD CHECK (total > 0);'
quiet constraint-not-valid postgres 'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;'
quiet constraint-not-valid postgres 'ALTER TABLE o ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\nALTER TABLE o VALIDATE CONSTRAINT c;'
quiet constraint-not-valid postgres 'ALTER TABLE o ADD COLUMN u bigint REFERENCES u (id);'
quiet constraint-not-valid postgres 'ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id);\nDROP TABLE o;'
fires constraint-not-valid postgres 'ALTER TABLE app.o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id);\nDROP TABLE other.o;'
fires constraint-using-index postgres 'ALTER TABLE t ADD PRIMARY KEY (id);'
fires constraint-using-index postgres 'ALTER TABLE t ADD CONSTRAINT t_e UNIQUE (e);'
fires constraint-using-index postgres 'ALTER TABLE t ADD COLUMN code text UNIQUE;'
quiet constraint-using-index postgres 'ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id;\nALTER TABLE t ADD CONSTRAINT t_e UNIQUE USING INDEX t_e;'
quiet constraint-using-index postgres 'CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);' 'DROP TABLE IF EXISTS t;'
quiet constraint-using-index sqlite 'ALTER TABLE t ADD COLUMN code text UNIQUE;'
fires alter-column-type postgres 'ALTER TABLE t ALTER COLUMN c TYPE bigint;'
fires alter-column-type postgres 'ALTER TABLE t ALTER c SET DATA TYPE text;'
quiet alter-column-type postgres 'SELECT 1;' 'ALTER TABLE t ALTER COLUMN c TYPE int;\nDROP TABLE IF EXISTS t;'
quiet alter-column-type postgres 'ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;'
fires set-not-null postgres 'ALTER TABLE t ALTER COLUMN c SET NOT NULL;'
quiet set-not-null postgres 'ALTER TABLE t ALTER COLUMN c DROP NOT NULL;'
quiet set-not-null postgres 'CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;' 'DROP TABLE IF EXISTS t;'
fires set-not-null postgres 'ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT k;\nALTER TABLE t DROP CONSTRAINT k;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;'
fires set-not-null postgres 'ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT k;\nALTER TABLE other.t ALTER COLUMN c SET NOT NULL;'
fires set-not-null postgres 'ALTER TABLE app.t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE app.t VALIDATE CONSTRAINT k;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;'
fires set-not-null postgres 'ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t RENAME CONSTRAINT k TO k2;\nALTER TABLE t ADD CONSTRAINT k CHECK (d IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT k;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;'
quiet set-not-null postgres 'ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t RENAME CONSTRAINT k TO k2;\nALTER TABLE t VALIDATE CONSTRAINT k2;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;'
fires set-not-null postgres 'ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL);\nALTER TABLE t DROP COLUMN IF EXISTS c;\nALTER TABLE t ADD COLUMN c int;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;'
fires set-not-null postgres 'ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT k, ALTER COLUMN c SET NOT NULL;'
fires rename postgres 'ALTER TABLE t RENAME COLUMN a TO b;'
fires rename postgres 'ALTER TABLE t RENAME TO u;'
quiet rename postgres 'ALTER TABLE t RENAME CONSTRAINT a TO b;'
quiet rename postgres 'SELECT 1;' 'ALTER TABLE t RENAME COLUMN b TO a;'
fires drop-column postgres 'ALTER TABLE t DROP COLUMN c;'
fires drop-column postgres 'ALTER TABLE t DROP IF EXISTS c, DROP CONSTRAINT k;'
quiet drop-column postgres 'ALTER TABLE t DROP CONSTRAINT k;'
quiet drop-column postgres 'SELECT 1;' 'ALTER TABLE t DROP COLUMN IF EXISTS c;'
fires drop-table postgres 'DROP TABLE IF EXISTS a, b;'
quiet drop-table postgres 'CREATE TABLE a (x int);\nDROP TABLE a;'
quiet drop-table postgres 'SELECT 1;' 'DROP TABLE IF EXISTS a;'
fires update-without-where postgres "UPDATE t SET a = 1;"
fires update-without-where postgres "UPDATE t SET a = (SELECT b FROM u WHERE u.id = 1);"
quiet update-without-where postgres "UPDATE t SET a = 1 WHERE id < 1000;"
quiet update-without-where postgres "CREATE TABLE n (a int);\nUPDATE n SET a = 1;" 'DROP TABLE IF EXISTS n;'
quiet update-without-where postgres "CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC UPDATE t SET a = 1; END;"
quiet update-without-where postgres "CREATE FUNCTION f() RETURNS void AS \$body\$ UPDATE t SET a = 1; \$body\$ LANGUAGE sql;"
quiet update-without-where postgres "SELECT E'UPDATE t SET a = 1; \\\\'';"
fires delete-without-where postgres 'DELETE FROM t;'
quiet delete-without-where postgres 'DELETE FROM t WHERE created < now();'
quiet delete-without-where postgres 'TRUNCATE t;'
fires delete-without-where postgres 'WITH gone AS (DELETE FROM t RETURNING id) INSERT INTO log SELECT id FROM gone WHERE id > 0;'
fires update-without-where postgres 'WITH v AS (SELECT 1 AS x) UPDATE t SET a = v.x FROM v;'
quiet update-without-where postgres 'WITH v AS (SELECT id FROM t WHERE a IS NULL LIMIT 1000) UPDATE t SET a = 0 WHERE id IN (SELECT id FROM v);'
fires truncate postgres 'TRUNCATE t;'
fires truncate postgres 'CREATE TABLE n (a int);\nTRUNCATE TABLE n, ONLY t;' 'DROP TABLE IF EXISTS n;'
quiet truncate postgres 'CREATE TABLE n (a int);\nTRUNCATE n;' 'DROP TABLE IF EXISTS n;'
quiet truncate postgres 'SELECT 1;' 'TRUNCATE staging;\nDROP TABLE IF EXISTS staging;'
quiet truncate sqlite 'SELECT 1;' 'DELETE FROM t;'
fires vacuum-full postgres "${nt}VACUUM FULL t;"
fires vacuum-full postgres "${nt}VACUUM (FULL, ANALYZE) t;"
quiet vacuum-full postgres "${nt}VACUUM (ANALYZE) t;"
fires vacuum-full postgres "${nt}VACUUM FULL;"
fires cluster postgres 'CLUSTER t USING t_pkey;'
quiet cluster postgres "SELECT 'CLUSTER t';"
quiet cluster postgres 'CREATE TABLE n (a int);\nCLUSTER n USING n_a;' 'DROP TABLE IF EXISTS n;'
fires lock-table postgres 'LOCK TABLE t IN ACCESS EXCLUSIVE MODE;'
quiet lock-table postgres 'SELECT 1 FROM t FOR UPDATE;'
quiet lock-table postgres 'CREATE TABLE n (a int);\nLOCK TABLE n IN ACCESS EXCLUSIVE MODE;' 'DROP TABLE IF EXISTS n;'
fires lock-table postgres 'CREATE TABLE n (a int);\nLOCK TABLE n, t;' 'DROP TABLE IF EXISTS n;'
fires ddl-with-backfill postgres 'ALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 0 WHERE c IS NULL;'
fires ddl-with-backfill postgres 'INSERT INTO t2 SELECT * FROM t;\nCREATE INDEX i ON t2 (a);'
quiet ddl-with-backfill postgres 'ALTER TABLE t ADD COLUMN c int;'
quiet ddl-with-backfill postgres "${nt}ALTER TABLE t ADD COLUMN IF NOT EXISTS c int;\nUPDATE t SET c = 0 WHERE c IS NULL;"
quiet ddl-with-backfill postgres "ALTER TABLE t ADD COLUMN c int;\nINSERT INTO t (c) VALUES (1);"

test_expect_success 'every rule has a case that fires and one that does not' '
	sed -n "s/.*= { \"\([a-z-]*\)\", SEV_.*/\1/p" \
	    "$MSRTEST_SRCDIR/src/rules.c" | sort >rules &&
	test "$(wc -l <rules)" -ge 22 &&
	printf "%s\n" $fired | sort -u >fired &&
	printf "%s\n" $quieted | sort -u >quieted &&
	test_cmp rules fired &&
	grep -vx missing-down rules >want &&
	grep -vx missing-down quieted >got &&
	test_cmp want got
'

test_expect_success 'msr.1 documents exactly the rules, with their severity' '
	sed -n "s/.*= { \"\([a-z-]*\)\", SEV_\([A-Z]*\).*/\1 \2/p" \
	    "$MSRTEST_SRCDIR/src/rules.c" | tr A-Z a-z | sort >want &&
	sed -n "/^\.Sh LINT/,/^\.Sh /p" "$MSRTEST_SRCDIR/man/msr.1" |
	sed -n "s/^\.It Li \(.*\) Pq \([a-z]*\)\$/\1 \2/p" |
	awk "{ for (i = 1; i < NF; i++) if (\$i != \",\") print \$i, \$NF }" |
	sed "s/,\$//; s/, / /" | sort >got &&
	test_cmp want got
'

test_expect_success 'the output: FILE:LINE:COL: RULE: SEVERITY: reason; fix' '
	lint_rules postgres "SELECT 1;\n  ALTER TABLE t\n    ADD COLUMN c int NOT NULL;" &&
	test "$(cat rc)" = 5 &&
	test_grep "^lm/1_x.up.sql:3:5: add-column-not-null: error: adding a NOT NULL column without a default fails on a table that has rows, and the old application does not set it; add it with a DEFAULT, or add it nullable, backfill, then SET NOT NULL$" out &&
	test "$(wc -l <out)" = 1 &&
	test_grep "^msr: 1 migration checked for PostgreSQL: 1 error, 0 warnings$" err
'

test_expect_success 'warnings alone exit 0; -q hides the count' '
	lint_rules sqlite "SELECT 1;" "DROP TABLE a;" &&
	test "$(cat rc)" = 0 &&
	test_grep "down-drop-if-exists: warning: " out &&
	with_env MSR_LINT_DIALECT=sqlite msr -q -d lm lint >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'msr:lint-ignore silences named rules for the next statement' '
	lint_rules postgres "-- msr:lint-ignore update-without-where, delete-without-where: a small table\nUPDATE t SET a = 1;\nUPDATE t SET b = 1;\nDELETE FROM t; -- msr:lint-ignore update-without-where\nUPDATE t SET c = 1;" &&
	grep -c "update-without-where" out >n &&
	echo 1 >want && test_cmp want n &&
	test_grep "^lm/1_x.up.sql:3:1: update-without-where" out &&
	test_grep "^lm/1_x.up.sql:4:1: delete-without-where" out
'

test_expect_success 'msr:lint-ignore inside a statement, and with no rule, silences all' '
	lint_rules postgres "UPDATE t -- msr:lint-ignore update-without-where\n  SET a = 1;\n-- msr:lint-ignore\nDELETE FROM t;" &&
	test_must_be_empty out && test "$(cat rc)" = 0
'

test_expect_success 'msr:lint-ignore before the first statement silences missing-down' '
	rm -rf md && mkdir md &&
	printf "%s\n" "-- msr:lint-ignore missing-down: cannot be undone" \
	    "SELECT 1;" >md/1_a.up.sql &&
	msr -d md lint >out &&
	test_must_be_empty out
'

test_expect_success 'an unknown rule in msr:lint-ignore is an error of lint only' '
	rm -rf ur && mkdir ur &&
	printf "%s\n" "SELECT 1;" "  -- msr:lint-ignore update-without-where, no-such-rule" \
	    "SELECT 2;" >ur/1_a.up.sql &&
	echo "SELECT 1;" >ur/1_a.down.sql &&
	test_expect_code 2 msr -d ur lint >out 2>err &&
	test_grep "^msr: error: ur/1_a.up.sql:2:44: unknown rule .no-such-rule. in .msr:lint-ignore.$" err &&
	msr -u sqlite:ur.db -d ur migrate 2>err &&
	test "$(sqlite3 ur.db "SELECT count(*) FROM msr_migrations")" = 1
'

test_expect_success 'an unknown rule inside a statement of a big file keeps line numbers right' '
	rm -rf big && mkdir big &&
	awk "BEGIN { for (i = 1; i <= 5000; i++)
	    printf \"CREATE TABLE IF NOT EXISTS t%d (x);\\n\", i }" >big/1_a.up.sql &&
	printf "%s\n" "SELECT 1 -- msr:lint-ignore nonesuch" ";" \
	    "SELECT * FROM nosuch;" >>big/1_a.up.sql &&
	test "$(wc -c <big/1_a.up.sql)" -gt 150000 &&
	test_expect_code 1 msr -u sqlite:big.db -d big migrate 2>err &&
	test_grep "big/1_a.up.sql:5003:1: " err &&
	test_expect_code 2 msr -d big lint 2>err &&
	test_grep "big/1_a.up.sql:5001:29: unknown rule .nonesuch." err
'

test_expect_success '[lint] ignore silences rules for the project' '
	lint_rules postgres "DELETE FROM t;\nCLUSTER t;" &&
	test_grep delete-without-where got && test_grep cluster got &&
	printf "[lint]\nignore = delete-without-where, cluster\ndialect = postgres\n" >l.ini &&
	msr -c l.ini -d lm lint >out &&
	test_must_be_empty out &&
	test_expect_code 5 with_env MSR_LINT_IGNORE=cluster msr -c l.ini -d lm lint >out &&
	test_grep "delete-without-where" out && test_grep -v "cluster" out
'

test_expect_success '[lint] ignore with an unknown rule is a configuration error' '
	printf "[lint]\nignore = cluster, clustr\n" >bad.ini &&
	test_expect_code 2 msr -c bad.ini -d lm lint >out 2>err &&
	test_grep "bad.ini:2: invalid value .cluster, clustr. for .lint.ignore.: unknown rule .clustr." err &&
	test_must_be_empty out
'

test_expect_success 'the dialect comes from the URL, without connecting' '
	lint_rules sqlite "DELETE FROM t;" &&
	test_must_be_empty got &&
	test_expect_code 5 msr -u postgres://nobody@127.0.0.1:1/none -d lm lint >out &&
	test_grep delete-without-where out &&
	test_expect_code 5 msr -u "host=/nonexistent dbname=x" -d lm lint >out &&
	test_expect_code 0 msr -u sqlite:x.db -d lm lint >out &&
	test_must_be_empty out && test ! -e x.db
'

test_expect_success 'an invalid [lint] dialect is a configuration error' '
	test_expect_code 2 with_env MSR_LINT_DIALECT=mysql msr -d lm lint 2>err &&
	test_grep "MSR_LINT_DIALECT: invalid value .mysql. for .lint.dialect.: expected auto, sqlite or postgres" err
'

test_expect_success 'transaction = none makes every file a no-transaction file' '
	lint_rules sqlite "INSERT INTO t VALUES (1);" &&
	test_must_be_empty got &&
	test_expect_code 5 with_env MSR_TRANSACTION_MODE=none msr -d lm lint >out &&
	test_grep "1_x.up.sql:1:1: non-idempotent: error" out
'

test_expect_success '--json prints one object per finding' '
	lint_rules postgres "DELETE FROM t;" "DROP TABLE t;" &&
	test_expect_code 5 with_env MSR_LINT_DIALECT=postgres msr --json -d lm lint >out &&
	python3 - out <<-\PY
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1])]
	assert len(rows) == 2, rows
	for r in rows:
	    assert set(r) == {"file", "line", "column", "rule", "severity",
	                      "message", "fix"}, r
	    assert isinstance(r["line"], int) and isinstance(r["column"], int)
	a, b = rows
	assert a["file"] == "lm/1_x.up.sql" and a["rule"] == "delete-without-where"
	assert a["severity"] == "error" and a["line"] == 1 and a["column"] == 1
	assert b["file"] == "lm/1_x.down.sql" and b["rule"] == "down-drop-if-exists"
	assert b["severity"] == "warning"
	PY
'

test_expect_success 'a file the scanner rejects is exit 2 with its position' '
	rm -rf bad && mkdir bad &&
	printf "SELECT 1;\nSELECT '\''x;\n" >bad/1_a.up.sql &&
	test_expect_code 2 msr -d bad lint >out 2>err &&
	test_grep "^msr: error: bad/1_a.up.sql:2:8: unterminated quoted string$" err
'

test_expect_success 'a file that cannot be read as text is exit 2, naming it' '
	rm -rf nul && mkdir nul &&
	echo "SELECT 1;" >nul/1_a.up.sql &&
	printf "SELECT 1;\n\000x\n" >nul/1_a.down.sql &&
	test_expect_code 2 msr -d nul lint >out 2>err &&
	test_grep "^msr: error: nul/1_a.down.sql: file holds a NUL byte, not SQL text$" err &&
	test_must_be_empty out
'

test_expect_success 'the bundled example is clean' '
	msr -d "$MSRTEST_SRCDIR/examples/sqlite/migrations" lint >out 2>err &&
	test_must_be_empty out &&
	test_grep "5 migrations checked for SQLite: 0 errors, 0 warnings" err
'

test_expect_success 'the README shows what lint prints' '
	mkdir -p db/migrations &&
	i=1 && while [ $i -le 41 ]; do
		v=$(printf "%04d" $i) &&
		echo "SELECT $i;" >db/migrations/${v}_m.up.sql &&
		echo "SELECT $i;" >db/migrations/${v}_m.down.sql &&
		i=$((i + 1)) || return 1
	done &&
	echo "CREATE INDEX users_email ON users (email);" \
	    >db/migrations/0042_users_email.up.sql &&
	printf "%s\n" "-- msr:no-transaction" \
	    "DROP INDEX CONCURRENTLY IF EXISTS users_email;" \
	    >db/migrations/0042_users_email.down.sql &&
	test_expect_code 5 with_env MSR_LINT_DIALECT=postgres msr -d db/migrations lint >out 2>err &&
	grep -A2 "^\$ msr -d db/migrations lint\$" "$MSRTEST_SRCDIR/README.md" |
	    sed 1d >readme &&
	test "$(wc -l <readme)" = 2 &&
	cat out err >got &&
	test_cmp readme got
'

test_expect_success 'validate without a URL reads files as [lint] dialect says' '
	rm -rf eq && mkdir eq &&
	printf "%s\n" "SELECT E'\''it\\'\''s'\'';" >eq/1_a.up.sql &&
	test_expect_code 2 msr -d eq validate 2>err &&
	test_grep "eq/1_a.up.sql:1:.*: unterminated quoted string" err &&
	with_env MSR_LINT_DIALECT=postgres msr -d eq validate 2>err &&
	test_grep "1 migration valid" err
'

test_expect_success 'named files and versions limit lint to those migrations' '
	test_expect_code 5 with_env MSR_LINT_DIALECT=postgres msr -d db/migrations \
	    lint other/0042_users_email.down.sql 7 0007 >out 2>err &&
	test_grep "^db/migrations/0042_users_email.up.sql:1:1: create-index-concurrently" out &&
	test_grep "^msr: 2 migrations checked for PostgreSQL: 1 error, 0 warnings$" err &&
	with_env MSR_LINT_DIALECT=postgres msr -d db/migrations lint 1 >out 2>err &&
	test_must_be_empty out &&
	test_expect_code 2 msr -d db/migrations lint 0041 99 >out 2>err &&
	test_grep "^msr: error: .99. is not a migration file or version of .db/migrations.$" err &&
	test_must_be_empty out
'

test_expect_success 'lint needs no database and changes nothing' '
	msr -u sqlite:none.db -d lm lint >/dev/null 2>&1 &&
	test ! -e none.db
'

test_done
