#!/bin/sh
test_description='PostgreSQL: 300 migrations of every shape real sets have
(plpgsql bodies, DO blocks, triggers, enums, comments with semicolons,
CREATE INDEX CONCURRENTLY, own BEGIN ... COMMIT blocks, empty down files):
up, down --all, up again gives the same schema'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"

N=300

# gen_one I: writes migration I (shape (I - 1) % 8) into m/.
gen_one() {
	i=$1
	v=$(printf '%03d' "$i")
	shape=$(( (i - 1) % 8 ))
	case $shape in
	0)	# A plpgsql function: semicolons in its $$ body.
		cat >"m/${v}_func_$i.up.sql" <<-EOF
		-- migration $i: a table and a plpgsql function; this line; has semicolons
		CREATE TABLE t$i (id serial PRIMARY KEY, v text NOT NULL DEFAULT 'a;b');
		CREATE FUNCTION f$i(x integer) RETURNS integer
		LANGUAGE plpgsql AS \$\$
		DECLARE
		    y integer;
		BEGIN
		    y := x + $i;
		    IF y > 10 THEN
		        RETURN y; -- a comment; inside the body
		    END IF;
		    RAISE DEBUG 'small; %', y;
		    RETURN x;
		END;
		\$\$;
		EOF
		printf 'DROP FUNCTION f%s(integer);\nDROP TABLE t%s;\n' "$i" "$i" \
		    >"m/${v}_func_$i.down.sql"
		;;
	1)	# A DO block that inserts and creates an index dynamically.
		cat >"m/${v}_do_$i.up.sql" <<-EOF
		CREATE TABLE t$i (id integer, label text);
		DO \$do\$
		DECLARE
		    k integer;
		BEGIN
		    FOR k IN 1..3 LOOP
		        INSERT INTO t$i VALUES (k, 'row; ' || k);
		    END LOOP;
		    EXECUTE 'CREATE INDEX t${i}_id ON t$i (id)';
		END
		\$do\$;
		EOF
		echo "DROP TABLE t$i;" >"m/${v}_do_$i.down.sql"
		;;
	2)	# A trigger and its function.
		cat >"m/${v}_trigger_$i.up.sql" <<-EOF
		CREATE TABLE t$i (id integer PRIMARY KEY, updated timestamptz);
		CREATE FUNCTION t${i}_touch() RETURNS trigger
		LANGUAGE plpgsql AS \$body\$
		BEGIN
		    NEW.updated := now();
		    RETURN NEW;
		END;
		\$body\$;
		CREATE TRIGGER t${i}_touch BEFORE INSERT OR UPDATE ON t$i
		    FOR EACH ROW EXECUTE FUNCTION t${i}_touch();
		INSERT INTO t$i (id) VALUES (1);
		EOF
		cat >"m/${v}_trigger_$i.down.sql" <<-EOF
		DROP TRIGGER t${i}_touch ON t$i;
		DROP FUNCTION t${i}_touch();
		DROP TABLE t$i;
		EOF
		;;
	3)	# An enum, with a semicolon in a label.
		cat >"m/${v}_enum_$i.up.sql" <<-EOF
		CREATE TYPE mood$i AS ENUM ('sad', 'ok;fine', 'happy');
		CREATE TABLE t$i (id integer, m mood$i NOT NULL DEFAULT 'ok;fine');
		EOF
		printf 'DROP TABLE t%s;\nDROP TYPE mood%s;\n' "$i" "$i" \
		    >"m/${v}_enum_$i.down.sql"
		;;
	4)	# Comments and strings that hold semicolons.
		cat >"m/${v}_comments_$i.up.sql" <<-EOF
		/* migration $i; a header;
		   /* a nested comment; still inside; */ and still a comment; */
		CREATE TABLE t$i ( -- the columns; follow
		    id integer,
		    note text DEFAULT E'it\\'s; fine', -- E'' string; with a quote
		    other text DEFAULT 'x'';y'
		);
		COMMENT ON TABLE t$i IS 'a comment; with a semicolon';
		-- the end; of the file;
		EOF
		printf '/* drop; it */ DROP TABLE t%s; -- done;\n' "$i" \
		    >"m/${v}_comments_$i.down.sql"
		;;
	5)	# CREATE INDEX CONCURRENTLY, without the directive.
		cat >"m/${v}_concurrently_$i.up.sql" <<-EOF
		CREATE TABLE IF NOT EXISTS t$i (id integer, v text);
		CREATE INDEX CONCURRENTLY IF NOT EXISTS t${i}_v ON t$i (v);
		EOF
		cat >"m/${v}_concurrently_$i.down.sql" <<-EOF
		DROP INDEX CONCURRENTLY IF EXISTS t${i}_v;
		DROP TABLE IF EXISTS t$i;
		EOF
		;;
	6)	# A file wrapped in its own transaction block.
		cat >"m/${v}_own_tx_$i.up.sql" <<-EOF
		BEGIN;
		CREATE TABLE t$i (id integer PRIMARY KEY);
		INSERT INTO t$i VALUES (1), (2);
		ALTER TABLE t$i ADD COLUMN c text DEFAULT ';';
		COMMIT;
		EOF
		printf 'BEGIN;\nDROP TABLE t%s;\nCOMMIT;\n' "$i" \
		    >"m/${v}_own_tx_$i.down.sql"
		;;
	7)	# An empty down file: an up whose effect needs no undoing.
		# Either a comment on the table of the migration before
		# (whose own down drops it, comment and all), or a function
		# created with OR REPLACE (that stays, and is replaced
		# identically by the next up).
		if [ $(( (i / 8) % 2 )) -eq 0 ]; then
			j=$((i - 1))
			printf "COMMENT ON TABLE t%s IS 'described by %s; twice';\n" \
			    "$j" "$i" >"m/${v}_describe_$i.up.sql"
			: >"m/${v}_describe_$i.down.sql"
		else
			cat >"m/${v}_helper_$i.up.sql" <<-EOF
			CREATE OR REPLACE FUNCTION helper$i() RETURNS text
			LANGUAGE sql IMMUTABLE AS \$\$ SELECT 'helper; $i' \$\$;
			EOF
			echo "-- nothing to undo; helper$i stays" \
			    >"m/${v}_helper_$i.down.sql"
		fi
		;;
	esac
}

gen_all() {
	mkdir m || return 1
	i=1
	while [ "$i" -le "$N" ]; do
		gen_one "$i" || return 1
		i=$((i + 1))
	done
}

pg_newdb many
URL=$(pg_url many)

# n_helpers: how many migrations are helper functions with empty downs.
n_helpers=0
k=1
while [ $k -le $N ]; do
	if [ $(( (k - 1) % 8 )) -eq 7 ] && [ $(( (k / 8) % 2 )) -ne 0 ]; then
		n_helpers=$((n_helpers + 1))
	fi
	k=$((k + 1))
done

test_expect_success 'generate 300 migrations of 8 shapes' '
	gen_all &&
	test "$(ls m | wc -l)" -eq $((2 * N)) &&
	test "$(ls m/*.up.sql | wc -l)" -eq $N &&
	test -s m/001_func_1.up.sql &&
	test_must_be_empty m/016_describe_16.down.sql &&
	test -s m/008_helper_8.down.sql &&
	msr -u "$URL" -d m validate
'

test_expect_success 'the plan runs CREATE INDEX CONCURRENTLY without a transaction' '
	msr -u "$URL" -d m migrate --dry-run >plan 2>err &&
	test "$(wc -l <plan)" -eq $N &&
	grep "_concurrently_" plan >cic &&
	test "$(wc -l <cic)" -eq $((N / 8)) &&
	test "$(grep -c "no transaction" cic)" -eq "$(wc -l <cic)" &&
	test "$(grep -c "no transaction" plan)" -eq "$(wc -l <cic)" &&
	test_grep "006_concurrently_6.up.sql  \[no transaction: CREATE INDEX CONCURRENTLY at line 2" plan &&
	test_grep "007_own_tx_7.up.sql  \[transaction, own block: own BEGIN at line 1, COMMIT at line 5\]" plan &&
	test "$(grep -c "own block" plan)" -eq $((N / 8)) &&
	test "$(pgq many "SELECT count(*) FROM pg_class WHERE relname ~ '\''^t[0-9]'\''")" = 0
'

test_expect_success 'all apply' '
	msr -u "$URL" -d m migrate 2>err &&
	test_grep "applied $N migrations" err &&
	test_grep "notice: m/006_concurrently_6.up.sql runs without a transaction" err &&
	test_grep -v "error" err &&
	test_grep -v "not safe to retry" err &&
	test "$(pgq many "SELECT count(*) FROM msr_migrations WHERE state = '\''applied'\''")" -eq $N &&
	pg_schema many >schema1
'

test_expect_success 'every shape left what it should' '
	test "$(pgq many "SELECT count(*) FROM pg_tables WHERE schemaname = '\''public'\'' AND tablename ~ '\''^t[0-9]+$'\''")" -eq $((N - N / 8)) &&
	test "$(pgq many "SELECT f1(20), f1(1)")" = "21|1" &&
	test "$(pgq many "SELECT count(*), string_agg(label, '\'','\'' ORDER BY id) FROM t2")" = "3|row; 1,row; 2,row; 3" &&
	test "$(pgq many "SELECT count(*) FROM pg_indexes WHERE indexname = '\''t2_id'\''")" = 1 &&
	test "$(pgq many "SELECT updated IS NOT NULL FROM t3")" = t &&
	test "$(pgq many "SELECT enum_range(NULL::mood4)")" = "{sad,ok;fine,happy}" &&
	test "$(pgq many "INSERT INTO t5 (id) VALUES (1) RETURNING note, other")" = "it'\''s; fine|x'\'';y" &&
	test "$(pgq many "SELECT obj_description('\''t5'\''::regclass)")" = "a comment; with a semicolon" &&
	test "$(pgq many "SELECT indisvalid FROM pg_index WHERE indexrelid = '\''t6_v'\''::regclass")" = t &&
	test "$(pgq many "SELECT string_agg(id || c, '\'','\'' ORDER BY id) FROM t7")" = "1;,2;" &&
	test "$(pgq many "SELECT obj_description('\''t15'\''::regclass)")" = "described by 16; twice" &&
	test "$(pgq many "SELECT helper8()")" = "helper; 8" &&
	test "$(pgq many "SELECT count(*) FROM pg_proc WHERE proname ~ '\''^helper[0-9]+$'\''")" -eq $n_helpers
'

test_expect_success 'status --json and check agree with the database' '
	msr -u "$URL" -d m status --json >status.json &&
	python3 -c "
import json
d = json.load(open(\"status.json\"))
ms = d[\"migrations\"]
assert len(ms) == $N, len(ms)
assert all(m[\"state\"] == \"applied\" for m in ms), [m for m in ms if m[\"state\"] != \"applied\"][:3]
assert all(m[\"checksum_ok\"] for m in ms)
assert d[\"version\"] == \"%03d\" % $N, d[\"version\"]
" &&
	msr -u "$URL" -d m check &&
	msr -u "$URL" -d m version >v &&
	test "$(cat v)" = $N &&
	test "$(pgq many "SELECT count(*), max(version::integer) FROM msr_migrations")" = "$N|$N"
'

test_expect_success 'down --all rolls every one back' '
	msr -u "$URL" -d m down --all 2>err &&
	test_grep "rolled back $N migrations" err &&
	test_grep -v "error" err &&
	test "$(pgq many "SELECT count(*) FROM msr_migrations")" = 0 &&
	msr -u "$URL" -d m version >v &&
	test "$(cat v)" = none
'

test_expect_success 'after down --all only the helpers with empty downs remain' '
	test "$(pgq many "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '\''public'\'' AND c.relname NOT LIKE '\''msr\_migrations%'\''")" = 0 &&
	test "$(pgq many "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = '\''public'\'' AND t.typname LIKE '\''mood%'\''")" = 0 &&
	pgq many "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '\''public'\'' ORDER BY 1" >procs &&
	test "$(wc -l <procs)" -eq $n_helpers &&
	test_grep -v -e "^f[0-9]" procs &&
	test_grep -v -e "_touch" procs
'

test_expect_success 'check fails while migrations are pending' '
	test_expect_code 5 msr -u "$URL" -d m check 2>err &&
	test_grep "pending" err
'

test_expect_success 'apply again: the same schema' '
	msr -u "$URL" -d m migrate 2>err &&
	test_grep "applied $N migrations" err &&
	pg_schema many >schema2 &&
	test_cmp schema1 schema2 &&
	test_grep "CREATE FUNCTION public.f1(x integer)" schema2 &&
	test_grep "CREATE TRIGGER t3_touch" schema2 &&
	test_grep "CREATE TYPE public.mood4 AS ENUM" schema2 &&
	test_grep "CREATE INDEX t6_v ON public.t6" schema2 &&
	test_grep -v "msr_migrations" schema2 &&
	msr -u "$URL" -d m check
'

test_expect_success 'the audit table holds every action' '
	test "$(pgq many "SELECT count(*) FROM msr_migrations_log WHERE action = '\''up'\'' AND outcome = '\''ok'\''")" -eq $((2 * N)) &&
	test "$(pgq many "SELECT count(*) FROM msr_migrations_log WHERE action = '\''down'\'' AND outcome = '\''ok'\''")" -eq $N &&
	test "$(pgq many "SELECT count(*) FROM msr_migrations_log")" -eq $((3 * N)) &&
	test "$(pgq many "SELECT count(DISTINCT version) FROM msr_migrations_log")" -eq $N
'

test_expect_success 'the conninfo form reaches the same database' '
	msr -u "$(pg_conninfo many)" -d m status --json >status2.json &&
	msr -u "$(pg_conninfo many)" -d m check &&
	test "$(msr -u "$(pg_conninfo many)" -d m version)" = $N
'

test_done
