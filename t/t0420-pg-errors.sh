#!/bin/sh
test_description='PostgreSQL: a failing migration is reported as FILE:LINE:COL
with the SQLSTATE, DETAIL, HINT and an excerpt with a caret, even when the
statements are pipelined; notices are shown with their file; a failed
migration leaves nothing behind; a failed CREATE INDEX CONCURRENTLY leaves a
partial row that the next run resumes'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

# fp DB: schema and data of DB, tracking table included, without the rows
# of the audit table (a failure adds one there, and only there).
fp() {
	"$PGBIN/pg_dump" -h "$PGTMP" -p "$PGPORT" -U postgres --no-owner \
	    --no-privileges --exclude-table-data='*.msr_migrations_log' \
	    -d "$1" >"$PGTMP/fpdump" &&
	pg_normalize <"$PGTMP/fpdump"
}

# caret_under TOKEN FILE: the excerpt in msr's stderr FILE shows a source
# line holding TOKEN, and the caret line under it puts its caret in the
# display column where TOKEN starts (characters of East Asian width take
# two columns, every other character one).
caret_under() {
	python3 - "$1" "$2" <<-\PY
	import sys, unicodedata
	token, path = sys.argv[1], sys.argv[2]
	lines = open(path, encoding="utf-8").read().split("\n")
	def width(s):
	    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
	               for c in s)
	for i, l in enumerate(lines[:-1]):
	    if " | " not in l or token not in l:
	        continue
	    src = l.split(" | ", 1)[1]
	    caret = lines[i + 1]
	    if " | " not in caret and not caret.endswith(" |"):
	        continue
	    pad = caret.split(" | ", 1)[1] if " | " in caret else ""
	    want = width(src[:src.index(token)])
	    got = width(pad.rstrip("^"))
	    if not pad.endswith("^") or got != want:
	        sys.exit("caret at display column %d, %s starts at %d:\n%s\n%s"
	                 % (got + 1, token, want + 1, l, caret))
	    sys.exit(0)
	sys.exit("no excerpt with %s in %s" % (token, path))
	PY
}

# subst FILE SCRIPT: edits FILE in place with sed SCRIPT.
subst() {
	sed -e "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}

pg_newdb e
URL=$(pg_url e)

# A migration whose line 40 holds a syntax error, after 39 lines of
# statements, comments, a function body and a string over several lines.
write_syntax40() {
	mkdir -p s &&
	cat >s/1_base.up.sql <<-\EOF &&
	CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
	INSERT INTO users (email) VALUES ('a@example.com');
	EOF
	cat >s/2_audit.up.sql <<-\EOF
	-- line 1: the audit trail;
	-- line 2: with semicolons; in comments

	CREATE TABLE settings (
	    key text PRIMARY KEY,
	    value text NOT NULL
	);
	INSERT INTO settings VALUES ('motd', 'line one;
	line two;
	line three');

	/* a block comment;
	   over lines; */
	CREATE FUNCTION setting(k text) RETURNS text
	LANGUAGE plpgsql STABLE AS $fn$
	DECLARE
	    v text;
	BEGIN
	    SELECT value INTO v FROM settings WHERE key = k;
	    IF NOT FOUND THEN
	        RAISE EXCEPTION 'no setting %; sorry', k;
	    END IF;
	    RETURN v;
	END;
	$fn$;

	ALTER TABLE users ADD COLUMN created timestamptz;
	UPDATE users SET created = now();
	CREATE INDEX users_created ON users (created);

	COMMENT ON TABLE settings IS 'key; value';

	-- and now the audit table:
	-- who did what;

	CREATE TABLE audit_entries (
	    id bigserial PRIMARY KEY,
	    at timestamptz NOT NULL DEFAULT now(),
	    who text NOT NULL DEFAULT 'x;y',
	    what text NOT NULL DEFALT 'none'
	);
	CREATE INDEX audit_entries_at ON audit_entries (at);
	EOF
}

test_expect_success 'a syntax error on line 40 is reported as FILE:40:COL with SQLSTATE' '
	write_syntax40 &&
	test "$(sed -n 40p s/2_audit.up.sql)" = "    what text NOT NULL DEFALT '\''none'\''" &&
	msr -u "$URL" -d s migrate --to 1 2>err &&
	fp e >before &&
	test_expect_code 1 msr -u "$URL" -d s migrate 2>err &&
	test_grep "^msr: error: s/2_audit.up.sql:40:24: syntax error at or near \"DEFALT\" (42601)$" err &&
	test_grep "^    40 |     what text NOT NULL DEFALT '\''none'\''$" err &&
	test_grep "^       |                        ^$" err &&
	caret_under DEFALT err &&
	test_grep "2_audit: rolled back, nothing of it remains" err &&
	test_grep "applied 0 of 1 migration; the database is at version 1" err &&
	every_line_ours err
'

test_expect_success 'the migration with the syntax error left nothing behind' '
	fp e >after &&
	test_cmp before after &&
	test "$(pgq e "SELECT count(*) FROM pg_class WHERE relname IN ('\''settings'\'', '\''audit_entries'\'', '\''users_created'\'')")" = 0 &&
	test "$(pgq e "SELECT count(*) FROM pg_proc WHERE proname = '\''setting'\''")" = 0 &&
	test "$(pgq e "SELECT count(*) FROM information_schema.columns WHERE table_name = '\''users'\'' AND column_name = '\''created'\''")" = 0 &&
	test "$(pgq e "SELECT string_agg(version, '\'','\'') FROM msr_migrations")" = 1 &&
	test "$(pgq e "SELECT action, version, outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "up|2|failed" &&
	test "$(pgq e "SELECT message FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "syntax error at or near \"DEFALT\""
'

test_expect_success 'fixed, the migration applies' '
	sed "s/DEFALT/DEFAULT/" s/2_audit.up.sql >fixed &&
	mv fixed s/2_audit.up.sql &&
	msr -u "$URL" -d s migrate 2>err &&
	test "$(pgq e "SELECT setting('\''motd'\'')")" = "line one;
line two;
line three" &&
	test "$(pgq e "SELECT string_agg(version, '\'','\'' ORDER BY version) FROM msr_migrations")" = 1,2
'

# Runtime errors in the third statement: the statements are pipelined,
# and the one that failed must be named, not the first of the batch.
write_runtime() {
	rm -rf r && mkdir r &&
	cat >r/1_t.up.sql <<-\EOF &&
	CREATE TABLE t (id integer PRIMARY KEY, v text);
	EOF
	cat >r/2_div.up.sql <<-\EOF &&
	INSERT INTO t VALUES (1, 'one');
	INSERT INTO t VALUES (2, 'two');
	-- the third statement; divides by zero
	   UPDATE t SET v = (1 / (id - id))::text WHERE id = 2;
	INSERT INTO t VALUES (3, 'three');
	EOF
	cat >r/3_dup.up.sql <<-\EOF
	INSERT INTO t VALUES (10, 'ten');
	INSERT INTO t VALUES (11, 'eleven');

	INSERT INTO t VALUES (10, 'ten again'); INSERT INTO t VALUES (12, 'twelve');
	EOF
}

test_expect_success 'division by zero in statement 3 names its line (22012)' '
	pg_newdb rt &&
	write_runtime &&
	msr -u "$(pg_url rt)" -d r migrate --to 1 2>err &&
	fp rt >before &&
	test_expect_code 1 msr -u "$(pg_url rt)" -d r migrate 2>err &&
	test_grep "^msr: error: r/2_div.up.sql:4:4: division by zero (22012)$" err &&
	test_grep "^    4 |    UPDATE t SET v" err &&
	test_grep "^      |    ^$" err &&
	test_grep "2_div: rolled back, nothing of it remains" err &&
	fp rt >after &&
	test_cmp before after &&
	test "$(pgq rt "SELECT count(*) FROM t")" = 0
'

test_expect_success 'a unique violation in statement 3 names it, not its twin (23505)' '
	subst r/2_div.up.sql "s/(1 \/ (id - id))/id/" &&
	msr -u "$(pg_url rt)" -d r migrate --to 2 2>err &&
	fp rt >before &&
	test_expect_code 1 msr -u "$(pg_url rt)" -d r migrate --json >events 2>err &&
	test_grep "^msr: error: r/3_dup.up.sql:4:1: duplicate key value violates unique constraint \"t_pkey\" (23505)$" err &&
	test_grep "^    DETAIL: Key (id)=(10) already exists.$" err &&
	test_grep "^    4 | INSERT INTO t VALUES (10, '\''ten again'\''); INSERT" err &&
	fp rt >after &&
	test_cmp before after &&
	python3 - <<-\PY
	import json
	ev = [json.loads(l) for l in open("events")]
	f = [e for e in ev if e["event"] == "migration_failed"]
	assert len(f) == 1, ev
	f = f[0]
	assert f["version"] == "3" and f["name"] == "dup", f
	assert f["file"] == "r/3_dup.up.sql", f
	assert f["line"] == 4 and f["column"] == 1, f
	assert f["code"] == "23505", f
	assert "t_pkey" in f["error"], f
	assert ev[-1]["event"] == "summary" and ev[-1]["ok"] is False, ev[-1]
	PY
'

test_expect_success 'the second statement on a line is named by its column' '
	cat >r/3_dup.up.sql <<-\EOF &&
	INSERT INTO t VALUES (10, '\''ten'\''); INSERT INTO t VALUES (10, '\''again'\'');
	EOF
	test_expect_code 1 msr -u "$(pg_url rt)" -d r migrate 2>err &&
	test_grep "^msr: error: r/3_dup.up.sql:1:35: duplicate key value" err &&
	test_grep "^      | $(printf "%34s" "")^\$" err
'

test_expect_success 'an error past the first 256 pipelined statements names its line' '
	rm -rf p && mkdir p &&
	{
		echo "CREATE TABLE big (n integer PRIMARY KEY);" &&
		i=1 &&
		while [ $i -le 400 ]; do
			n=$i
			[ $i -eq 300 ] && n=7
			echo "INSERT INTO big VALUES ($n);"
			i=$((i + 1))
		done
	} >p/1_big.up.sql &&
	pg_newdb big &&
	test_expect_code 1 msr -u "$(pg_url big)" -d p migrate 2>err &&
	test_grep "^msr: error: p/1_big.up.sql:301:1: duplicate key value violates unique constraint \"big_pkey\" (23505)$" err &&
	test_grep "^    DETAIL: Key (n)=(7) already exists.$" err &&
	test "$(pgq big "SELECT count(*) FROM pg_class WHERE relname = '\''big'\''")" = 0
'

test_expect_success 'an error inside a file'\''s own BEGIN ... COMMIT names its line' '
	rm -rf o && mkdir o &&
	printf "%s\n" "CREATE TABLE IF NOT EXISTS pre (x integer);" "BEGIN;" \
	    "CREATE TABLE inside (x integer);" "INSERT INTO inside VALUES (1);" \
	    "INSERT INTO inside VALUES (1 / 0);" "COMMIT;" >o/1_own.up.sql &&
	pg_newdb own &&
	test_expect_code 1 msr -u "$(pg_url own)" -d o migrate 2>err &&
	test_grep "^msr: error: o/1_own.up.sql:5:1: division by zero (22012)$" err &&
	test "$(pgq own "SELECT count(*) FROM pg_class WHERE relname = '\''inside'\''")" = 0 &&
	test "$(pgq own "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'per-batch: the failing statement of the third migration is named, nothing remains' '
	rm -rf b && mkdir b &&
	printf "%s\n" "CREATE TABLE b1 (x integer);" >b/1_one.up.sql &&
	printf "%s\n" "CREATE TABLE b2 (x integer);" "INSERT INTO b2 VALUES (1);" >b/2_two.up.sql &&
	printf "%s\n" "CREATE TABLE b3 (x integer UNIQUE);" "INSERT INTO b3 VALUES (1);" \
	    "INSERT INTO b3 VALUES (1);" >b/3_three.up.sql &&
	pg_newdb batch &&
	pg_schema batch >before &&
	test_expect_code 1 msr -u "$(pg_url batch)" -d b --transaction per-batch migrate 2>err &&
	test_grep "^msr: error: b/3_three.up.sql:3:1: duplicate key value violates unique constraint \"b3_x_key\" (23505)$" err &&
	test_grep "batch was rolled back: nothing of its 3 migrations remains" err &&
	pg_schema batch >after &&
	test_cmp before after &&
	test "$(pgq batch "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'a failing down file is named; the migration stays applied' '
	rm -rf d && mkdir d &&
	printf "%s\n" "CREATE TABLE keep (x integer);" \
	    "CREATE FUNCTION keepf() RETURNS integer LANGUAGE sql AS \$\$ SELECT 1 \$\$;" \
	    >d/1_keep.up.sql &&
	printf "%s\n" "DROP FUNCTION keepf();" "" "DROP TABLE kept;" >d/1_keep.down.sql &&
	pg_newdb dn &&
	msr -u "$(pg_url dn)" -d d migrate 2>err &&
	fp dn >before &&
	test_expect_code 1 msr -u "$(pg_url dn)" -d d down --all 2>err &&
	test_grep "^msr: error: d/1_keep.down.sql:3:1: table \"kept\" does not exist (42P01)$" err &&
	fp dn >after &&
	test_cmp before after &&
	test "$(pgq dn "SELECT keepf()")" = 1 &&
	test "$(pgq dn "SELECT action, outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = "down|failed"
'

write_plpgsql() {
	rm -rf f && mkdir f &&
	cat >f/1_fn.up.sql <<-\EOF &&
	CREATE TABLE counters (name text PRIMARY KEY, n integer NOT NULL);
	CREATE FUNCTION bump(k text) RETURNS integer
	LANGUAGE plpgsql AS $$
	DECLARE
	    r integer;
	BEGIN
	    UPDATE counters SET n = n + 1 WHERE name = k RETURNING n INTO r;
	    RETURN r +;
	END;
	$$;
	EOF
	cat >f/2_do.up.sql <<-\EOF
	CREATE TABLE flags (name text);
	DO $$
	BEGIN
	    INSERT INTO flags VALUES ('set; by DO');
	    RAISE NOTICE 'checking flags; % of them', (SELECT count(*) FROM flags);
	    RAISE WARNING 'flags look odd';
	    RAISE EXCEPTION 'flag check failed: %', 42
	        USING DETAIL = 'flag 42 is not allowed', HINT = 'remove flag 42 first',
	              ERRCODE = 'P0001';
	END
	$$;
	EOF
}

test_expect_success 'a syntax error inside a plpgsql body at creation names its line' '
	pg_newdb fn &&
	write_plpgsql &&
	test_expect_code 1 msr -u "$(pg_url fn)" -d f migrate --to 1 2>err &&
	test_grep "^msr: error: f/1_fn.up.sql:8:15: syntax error at end of input (42601)$" err &&
	test_grep "^    8 |     RETURN r +;$" err &&
	test_grep "^      |               ^$" err &&
	every_line_ours err &&
	test "$(pgq fn "SELECT count(*) FROM pg_class WHERE relname = '\''counters'\''")" = 0 &&
	test "$(pgq fn "SELECT count(*) FROM msr_migrations")" = 0
'

test_expect_success 'RAISE EXCEPTION in a DO block: P0001 with DETAIL and HINT' '
	subst f/1_fn.up.sql "s/RETURN r +;/RETURN r;/" &&
	msr -u "$(pg_url fn)" -d f migrate --to 1 2>err &&
	fp fn >before &&
	test_expect_code 1 msr -u "$(pg_url fn)" -d f migrate 2>err &&
	test_grep "^msr: error: f/2_do.up.sql:2:1: flag check failed: 42 (P0001)$" err &&
	test_grep "^    DETAIL: flag 42 is not allowed$" err &&
	test_grep "^    HINT: remove flag 42 first$" err &&
	test_grep "^    2 | DO [\$][\$]\$" err &&
	test_grep "2_do: rolled back, nothing of it remains" err &&
	fp fn >after &&
	test_cmp before after
'

test_expect_success 'the CONTEXT of a plpgsql error is shown, indented like the rest' '
	test_grep "^    CONTEXT: PL/pgSQL function inline_code_block line 6 at RAISE$" err &&
	every_line_ours err
'

test_expect_success 'RAISE NOTICE and WARNING are shown with the file name' '
	test_grep "^msr: notice: f/2_do.up.sql: checking flags; 1 of them$" err &&
	test_grep "^msr: warning: f/2_do.up.sql: flags look odd$" err
'

test_expect_success '--json: notice events and migration_failed with the SQLSTATE' '
	test_expect_code 1 msr -u "$(pg_url fn)" -d f migrate --json >events 2>err &&
	python3 - <<-\PY
	import json
	ev = [json.loads(l) for l in open("events")]
	n = [e for e in ev if e["event"] == "notice"]
	assert len(n) == 2, n
	assert n[0]["file"] == "f/2_do.up.sql", n
	assert n[0]["severity"] == "NOTICE", n
	assert n[0]["message"] == "checking flags; 1 of them", n
	assert n[1]["severity"] == "WARNING", n
	assert n[1]["message"] == "flags look odd", n
	f = [e for e in ev if e["event"] == "migration_failed"]
	assert len(f) == 1, f
	f = f[0]
	assert f["code"] == "P0001", f
	assert f["error"] == "flag check failed: 42", f
	assert f["file"] == "f/2_do.up.sql" and f["line"] == 2, f
	names = [e["event"] for e in ev]
	assert names.index("notice") < names.index("migration_failed"), names
	PY
'

test_expect_success 'a notice of a migration that works is shown too, and none of msr'\''s own' '
	cat >f/2_do.up.sql <<-\EOF &&
	DO $$ BEGIN RAISE NOTICE '\''all good; really'\''; END $$;
	CREATE TABLE IF NOT EXISTS counters (name text PRIMARY KEY);
	EOF
	msr -u "$(pg_url fn)" -d f migrate 2>err &&
	test_grep "^msr: notice: f/2_do.up.sql: all good; really$" err &&
	test_grep "^msr: notice: f/2_do.up.sql: relation \"counters\" already exists, skipping$" err &&
	test_grep -v "msr_migrations" err &&
	test "$(grep -c "notice:" err)" = 2
'

test_expect_success 'a multibyte character before the error: the column counts bytes' '
	rm -rf u && mkdir u &&
	printf "CREATE TABLE a (x integer);\nSELECT '\''\303\251\346\227\245\346\234\254'\'' AS s, nope FROM a;\n" >u/1_mb.up.sql &&
	pg_newdb mb &&
	test_expect_code 1 msr -u "$(pg_url mb)" -d u migrate 2>err &&
	test_grep "^msr: error: u/1_mb.up.sql:2:25: column \"nope\" does not exist (42703)$" err &&
	test_expect_code 1 msr -u "$(pg_url mb)" -d u migrate --json >events 2>/dev/null &&
	python3 -c "
import json
ev = [json.loads(l) for l in open(\"events\")]
f = [e for e in ev if e[\"event\"] == \"migration_failed\"][0]
assert f[\"line\"] == 2 and f[\"column\"] == 25, f
assert f[\"code\"] == \"42703\", f
"
'

test_expect_success 'the caret is under the token after a two-byte character' '
	printf "SELECT '\''caf\303\251'\'' AS s, nope;\n" >u/1_mb.up.sql &&
	test_expect_code 1 msr -u "$(pg_url mb)" -d u migrate 2>err &&
	test_grep "^msr: error: u/1_mb.up.sql:1:22: column \"nope\" does not exist (42703)$" err &&
	caret_under nope err
'

test_expect_success 'the caret is under the token after wide characters' '
	printf "SELECT '\''\346\227\245\346\234\254'\'' AS s, nope;\n" >u/1_mb.up.sql &&
	test_expect_code 1 msr -u "$(pg_url mb)" -d u migrate 2>err &&
	test_grep "^msr: error: u/1_mb.up.sql:1:23: column \"nope\" does not exist (42703)$" err &&
	caret_under nope err
'

# CREATE UNIQUE INDEX CONCURRENTLY failing on duplicates, without the
# directive: statement by statement, a partial row, resumed after the fix.
write_cic() {
	rm -rf c && mkdir c &&
	cat >c/1_items.up.sql <<-\EOF &&
	CREATE TABLE items (id integer, sku text);
	INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'a');
	EOF
	cat >c/2_indexes.up.sql <<-\EOF
	CREATE INDEX CONCURRENTLY IF NOT EXISTS items_id ON items (id);

	CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku ON items (sku);
	CREATE INDEX CONCURRENTLY IF NOT EXISTS items_both ON items (id, sku);
	EOF
}

test_expect_success 'CREATE INDEX CONCURRENTLY failing: a partial row, statement and SQLSTATE named' '
	pg_newdb cic &&
	write_cic &&
	msr -u "$(pg_url cic)" -d c migrate --to 1 2>err &&
	test_expect_code 1 msr -u "$(pg_url cic)" -d c migrate 2>err &&
	test_grep "notice: c/2_indexes.up.sql runs without a transaction: CREATE INDEX CONCURRENTLY at line 1" err &&
	test_grep "^msr: error: c/2_indexes.up.sql:3:1: could not create unique index \"items_sku\" (23505)$" err &&
	test_grep "^    DETAIL: Key (sku)=(a) is duplicated.$" err &&
	test_grep "2_indexes is partial: 1 of 3 statements done" err &&
	test_grep "resume at statement 2" err &&
	test "$(pgq cic "SELECT state, statements_done FROM msr_migrations WHERE version = '\''2'\''")" = "partial|1" &&
	test "$(pgq cic "SELECT outcome FROM msr_migrations_log ORDER BY id DESC LIMIT 1")" = partial &&
	test "$(pgq cic "SELECT indexrelid::regclass, indisvalid FROM pg_index WHERE indrelid = '\''items'\''::regclass ORDER BY indexrelid::regclass::text")" = "items_id|t
items_sku|f"
'

test_expect_success 'status and check show the partial migration' '
	msr -u "$(pg_url cic)" -d c status >out &&
	test_grep "^2  *indexes  *partial .*1 statements\{0,1\} done" out &&
	test_expect_code 5 msr -u "$(pg_url cic)" -d c check 2>err &&
	test_grep "partial" err
'

test_expect_success 'fixed by hand, the next run resumes at statement 2' '
	pgq cic "DELETE FROM items WHERE id = 3; DROP INDEX items_sku" &&
	msr -u "$(pg_url cic)" -d c migrate 2>err &&
	test_grep "resuming 2_indexes at statement 2 of 3" err &&
	test "$(pgq cic "SELECT state, statements_done FROM msr_migrations WHERE version = '\''2'\''")" = "applied|0" &&
	test "$(pgq cic "SELECT indexrelid::regclass, indisvalid FROM pg_index WHERE indrelid = '\''items'\''::regclass ORDER BY indexrelid::regclass::text")" = "items_both|t
items_id|t
items_sku|t" &&
	msr -u "$(pg_url cic)" -d c check
'

test_expect_success 'COPY from the client is refused, alone or among pipelined statements' '
	pg_newdb copy &&
	rm -rf cp && mkdir cp &&
	printf "CREATE TABLE c (x int);\nCOPY c FROM STDIN;\nSELECT 1;\n" >cp/1_copy.up.sql &&
	test_expect_code 1 msr -u "$(pg_url copy)" -d cp migrate 2>err &&
	test_grep "cp/1_copy.up.sql:2:1: COPY to or from the client is not supported in migrations" err &&
	test "$(pgq copy "SELECT to_regclass('\''c'\'') IS NULL")" = t &&
	printf -- "-- msr:no-transaction\nCOPY (SELECT 1) TO STDOUT;\n" >cp/1_copy.up.sql &&
	test_expect_code 1 msr -u "$(pg_url copy)" -d cp migrate 2>err &&
	test_grep "cp/1_copy.up.sql:2:1: COPY to or from the client is not supported" err
'

test_expect_success 'a deferred constraint failing at COMMIT: the file, COMMIT and DETAIL, nothing remains' '
	pg_newdb dc &&
	rm -rf dc && mkdir dc &&
	cat >dc/1_links.up.sql <<-\EOF &&
	CREATE TABLE pages (id int PRIMARY KEY);
	CREATE TABLE links (page int REFERENCES pages (id)
	    DEFERRABLE INITIALLY DEFERRED);
	INSERT INTO links VALUES (42);
	EOF
	test_expect_code 1 msr -u "$(pg_url dc)" -d dc migrate --json >events 2>err &&
	test_grep "^msr: error: dc/1_links.up.sql: COMMIT failed: insert or update on table \"links\" violates foreign key constraint \"links_page_fkey\" (23503)$" err &&
	test_grep "^    DETAIL: Key (page)=(42) is not present in table \"pages\".$" err &&
	test_grep "^msr: 1_links: rolled back, nothing of it remains$" err &&
	test "$(pgq dc "SELECT to_regclass('\''pages'\'') IS NULL")" = t &&
	test "$(pgq dc "SELECT count(*) FROM msr_migrations")" = 0 &&
	test "$(pgq dc "SELECT action, version, outcome FROM msr_migrations_log")" = "up|1|failed" &&
	python3 - <<-\PY
	import json
	ev = [json.loads(l) for l in open("events")]
	f = [e for e in ev if e["event"] == "migration_failed"]
	assert len(f) == 1, f
	assert f[0]["code"] == "23503" and f[0]["file"] == "dc/1_links.up.sql", f
	assert f[0]["line"] is None and f[0]["column"] is None, f
	PY
'

test_done
