#!/bin/sh
test_description='sets of dbmate, goose, Flyway and sql-migrate: what msr convert writes applies to the schema the tool itself makes, on SQLite and PostgreSQL'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"
. "$MSRTEST_SRCDIR/t/lib-pg.sh"
. "$MSRTEST_SRCDIR/t/lib-peer.sh"

test_expect_success 'the pinned dbmate is the one installed' '
	dbmate --version >out &&
	test_grep "^dbmate version $PEER_DBMATE_VERSION$" out
'

for d in sqlite pg; do
	test_expect_success "$d: dbmate and sql-migrate of lib-peer.sh apply and record their sets" '
		mkdir -p h-dbm h-sm &&
		printf "%s\n" "-- migrate:up" "CREATE TABLE t (x integer);" \
		    "-- migrate:down" "DROP TABLE t;" >h-dbm/20200101000000_t.sql &&
		printf "%s\n" "-- +migrate Up" "CREATE TABLE u (x integer);" \
		    "-- +migrate Down" "DROP TABLE u;" >h-sm/1_u.sql &&
		printf "%s\n" "-- +migrate Up" "CREATE TABLE v (x integer);" \
		    "-- +migrate Down" "DROP TABLE v;" >h-sm/2_v.sql &&
		if [ $d = pg ]; then pg_newdb h >/dev/null; else rm -f h.db; fi &&
		peer_dbmate $d h h-dbm migrate >out 2>&1 &&
		peer_sql_migrate $d h h-sm up -limit=1 >>out 2>&1 &&
		peer_schema $d h >schema &&
		test_grep "CREATE TABLE .*t (" schema &&
		test_grep "CREATE TABLE .*u (" schema &&
		test_grep -v "CREATE TABLE .*v (" schema &&
		test_grep -v "schema_migrations\\|gorp_migrations" schema &&
		peer_dbmate $d h h-dbm rollback >>out 2>&1 &&
		peer_sql_migrate $d h h-sm up >>out 2>&1 &&
		peer_schema $d h >schema &&
		test_grep -v "CREATE TABLE .*t (" schema &&
		test_grep "CREATE TABLE .*v (" schema
	'
done

# up_of TOOL FILE: the up section of a goose file without the
# annotation lines, as goose sends it; a Flyway file as it is.
up_of() {
	case $1 in
	goose)
		sed -n '/^-- +goose Up/,/^-- +goose Down/p' "$2" |
		grep -v '^-- +goose'
		;;
	*) cat "$2" ;;
	esac
}

# setup_sets DRIVER: a set of each tool, in the SQL of DRIVER, in
# dbm-D, sm-D, goo-D and fw-D.
setup_sets() {
	d=$1
	mkdir -p dbm-$d sm-$d goo-$d fw-$d &&
	if [ $d = pg ]; then
		idx="CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (name);"
		fn="CREATE FUNCTION touch() RETURNS trigger AS \$\$
BEGIN
    NEW.changed := now();
    RETURN NEW;
END;
\$\$ LANGUAGE plpgsql;"
		trg="CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch();"
		undo="DROP TRIGGER users_touch ON users;
DROP FUNCTION touch();"
		ts=timestamptz
	else
		idx="CREATE INDEX IF NOT EXISTS users_name ON users (name);"
		fn="CREATE TABLE touches (id integer, at text);"
		trg="CREATE TRIGGER users_touch AFTER UPDATE ON users
BEGIN
    INSERT INTO touches VALUES (NEW.id, datetime('now'));
    UPDATE users SET changed = datetime('now') WHERE id = NEW.id;
END;"
		undo="DROP TRIGGER users_touch;
DROP TABLE touches;"
		ts=text
	fi &&
	: dbmate: a table with data, an index outside a transaction, a function and trigger, a column &&
	cat >dbm-$d/20200101000001_create_users.sql <<-EOF &&
	-- migrate:up
	CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, changed $ts);
	INSERT INTO users (id, name) VALUES (1, 'ann;'), (2, 'bob');

	-- migrate:down
	DROP TABLE users;
	EOF
	cat >dbm-$d/20200101000002_index_users.sql <<-EOF &&
	-- migrate:up transaction:false
	$idx

	-- migrate:down
	DROP INDEX users_name;
	EOF
	cat >dbm-$d/20200101000003_touch.sql <<-EOF &&
	-- migrate:up
	$fn
	$trg

	-- migrate:down
	$undo
	EOF
	cat >dbm-$d/20200101000004_users_email.sql <<-EOF &&
	-- migrate:up
	ALTER TABLE users ADD COLUMN email text;
	-- migrate:down
	ALTER TABLE users DROP COLUMN email;
	EOF
	: sql-migrate: the same, ordered 1, 2, 10 as numbers &&
	cat >sm-$d/1_create_users.sql <<-EOF &&
	-- +migrate Up
	CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, changed $ts);
	INSERT INTO users (id, name) VALUES (1, 'ann;'), (2, 'bob');
	-- +migrate Down
	DROP TABLE users;
	EOF
	cat >sm-$d/2-index_users.sql <<-EOF &&
	-- +migrate Up notransaction
	$idx
	-- +migrate Down
	DROP INDEX users_name;
	EOF
	{
		echo "-- +migrate Up" &&
		echo "-- +migrate StatementBegin" &&
		echo "$fn" &&
		echo "-- +migrate StatementEnd" &&
		echo "-- +migrate StatementBegin" &&
		echo "$trg" &&
		echo "-- +migrate StatementEnd" &&
		echo "-- +migrate Down" &&
		echo "$undo"
	} >sm-$d/10_touch.sql &&
	: goose &&
	cat >goo-$d/00001_create_users.sql <<-EOF &&
	-- +goose Up
	CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, changed $ts);
	INSERT INTO users (id, name) VALUES (1, 'ann;'), (2, 'bob');
	-- +goose Down
	DROP TABLE users;
	EOF
	cat >goo-$d/00002_index_users.sql <<-EOF &&
	-- +goose NO TRANSACTION
	-- +goose Up
	$idx
	-- +goose Down
	DROP INDEX users_name;
	EOF
	{
		echo "-- +goose Up" &&
		echo "-- +goose StatementBegin" &&
		echo "$fn" &&
		echo "-- +goose StatementEnd" &&
		echo "-- +goose StatementBegin" &&
		echo "$trg" &&
		echo "-- +goose StatementEnd" &&
		echo "-- +goose Down" &&
		echo "$undo"
	} >goo-$d/00003_touch.sql &&
	: Flyway &&
	cat >fw-$d/V1__create_users.sql <<-EOF &&
	CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, changed $ts);
	INSERT INTO users (id, name) VALUES (1, 'ann;'), (2, 'bob');
	EOF
	echo "DROP TABLE users;" >fw-$d/U1__create_users.sql &&
	echo "$idx" >fw-$d/V2__index_users.sql &&
	echo "executeInTransaction=false" >fw-$d/V2__index_users.sql.conf &&
	echo "DROP INDEX users_name;" >fw-$d/U2__index_users.sql &&
	printf "%s\n%s\n" "$fn" "$trg" >fw-$d/V3__touch.sql &&
	echo "$undo" >fw-$d/U3__touch.sql
}

# new_db DRIVER NAME: an empty database NAME.
new_db() {
	if [ $1 = pg ]; then
		pg_newdb "$2" >/dev/null
	else
		rm -f "$2.db"
	fi
}

# msr_url DRIVER NAME: the URL of database NAME for msr.
msr_url() {
	if [ $1 = pg ]; then
		pg_url "$2"
	else
		echo "sqlite:$2.db"
	fi
}

# converted DRIVER TOOL SRC NAME: msr convert of SRC into conv-NAME, and
# msr migrate of it to the new database NAME.
converted() {
	rm -rf "conv-$4" &&
	new_db $1 "$4" &&
	msr -u "$(msr_url $1 "$4")" -d "conv-$4" convert "$2" "$3" >/dev/null &&
	msr -u "$(msr_url $1 "$4")" -d "conv-$4" migrate 2>migrate.err
}

# rows DRIVER NAME: the rows of users.
rows() {
	if [ $1 = pg ]; then
		pgq "$2" "SELECT id, name FROM users ORDER BY id"
	else
		sq "$2.db" "SELECT id, name FROM users ORDER BY id"
	fi
}

for d in sqlite pg; do
	test_expect_success "$d: the sets of the four tools" '
		setup_sets '$d'
	'

	test_expect_success "$d: dbmate: what convert writes migrates to the schema of dbmate itself" '
		new_db '$d' dbm_tool &&
		peer_dbmate '$d' dbm_tool dbm-'$d' migrate >out 2>&1 &&
		peer_schema '$d' dbm_tool >tool.schema &&
		test_grep "users_touch" tool.schema &&
		test_grep "users_name" tool.schema &&
		converted '$d' dbmate dbm-'$d' dbm_msr &&
		test_grep "applied 4 migrations" migrate.err &&
		peer_schema '$d' dbm_msr >msr.schema &&
		test_cmp tool.schema msr.schema &&
		rows '$d' dbm_tool >tool.rows &&
		rows '$d' dbm_msr >msr.rows &&
		test_cmp tool.rows msr.rows
	'

	test_expect_success "$d: dbmate: down --all of the converted set undoes it, as dbmate rollback does" '
		msr -u "$(msr_url '$d' dbm_msr)" -d conv-dbm_msr down --all 2>err &&
		test_grep "rolled back 4 migrations" err &&
		peer_schema '$d' dbm_msr >msr.schema &&
		for i in 1 2 3 4; do
			peer_dbmate '$d' dbm_tool dbm-'$d' rollback >out 2>&1 ||
			return 1
		done &&
		peer_schema '$d' dbm_tool >tool.schema &&
		test_cmp tool.schema msr.schema &&
		test_grep -v "users" msr.schema
	'

	test_expect_success "$d: sql-migrate: what convert writes migrates to the schema of sql-migrate itself" '
		new_db '$d' sm_tool &&
		peer_sql_migrate '$d' sm_tool sm-'$d' up >out 2>&1 &&
		peer_schema '$d' sm_tool >tool.schema &&
		test_grep "users_touch" tool.schema &&
		converted '$d' sql-migrate sm-'$d' sm_msr &&
		test_grep "applied 3 migrations" migrate.err &&
		peer_schema '$d' sm_msr >msr.schema &&
		test_cmp tool.schema msr.schema &&
		rows '$d' sm_tool >tool.rows &&
		rows '$d' sm_msr >msr.rows &&
		test_cmp tool.rows msr.rows &&
		msr -u "$(msr_url '$d' sm_msr)" -d conv-sm_msr down --all &&
		peer_sql_migrate '$d' sm_tool sm-'$d' down -limit=0 >out 2>&1 &&
		peer_schema '$d' sm_tool >tool.schema &&
		peer_schema '$d' sm_msr >msr.schema &&
		test_cmp tool.schema msr.schema &&
		test_grep -v "users" msr.schema
	'

	for tool in goose flyway; do
		test_expect_success "$d: $tool: what convert writes migrates to the schema of its statements run in order by the client" '
			if [ '$tool' = goose ]; then src=goo-'$d'; else src=fw-'$d'; fi &&
			new_db '$d' '$tool'_client &&
			for f in $(ls $src | grep "^\\(V\\|0\\)[0-9]*_.*sql\$" | sort); do
				up_of '$tool' $src/$f >stmts.sql &&
				peer_sql '$d' '$tool'_client stmts.sql || return 1
			done &&
			peer_schema '$d' '$tool'_client >tool.schema &&
			test_grep "users_touch" tool.schema &&
			converted '$d' '$tool' $src '$tool'_msr &&
			test_grep "applied 3 migrations" migrate.err &&
			peer_schema '$d' '$tool'_msr >msr.schema &&
			test_cmp tool.schema msr.schema &&
			msr -u "$(msr_url '$d' '$tool'_msr)" -d conv-'$tool'_msr down --all &&
			peer_schema '$d' '$tool'_msr >msr.schema &&
			test_grep -v "users" msr.schema
		'
	done
done

test_done
