# lib-peer.sh: the migration tools that msr takes over from, run for
# real, so that a test can compare msr with them or give msr the history
# they wrote.
#
# Sourced after test-lib.sh, and after lib-pg.sh for the helpers' pg
# databases.  Needs dbmate and sql-migrate (scripts/deps installs both):
# a missing one skips the script, and fails it under MSRTEST_REQUIRE_ALL.
# The scripts that source it are the peer_tests of Makefile.am, run by
# builds configured with --enable-peer-tests.
#
# A database is given as DRIVER NAME, as the db_* helpers of test-lib.sh
# name them: sqlite NAME is the file NAME.db in the scratch directory,
# pg NAME the database NAME on lib-pg.sh's server (pg_newdb NAME makes
# it).  DRIVER may be "$MSRTEST_DRIVER".
#
#   peer_dbmate DRIVER NAME DIR COMMAND [ARGS...]
#	runs dbmate COMMAND (up, migrate, rollback, status, ...) with the
#	migrations of DIR on database NAME, recording in dbmate's table
#	schema_migrations; no schema file is written.  "peer_dbmate sqlite
#	app dbm migrate" applies dbm/*.sql to app.db.
#   peer_dbmate_url DRIVER NAME
#	the URL that peer_dbmate gives dbmate: sqlite:NAME.db, or
#	postgres://postgres@:PORT/NAME?socket=DIR&sslmode=disable (dbmate
#	reaches a server's Unix socket with ?socket=DIR, the port in the
#	URL naming the socket file).
#   peer_sql_migrate DRIVER NAME DIR COMMAND [ARGS...]
#	runs "sql-migrate COMMAND -config=... -env=peer ARGS" (up, down,
#	status, redo, skip; ARGS such as -limit=N) with the migrations of
#	DIR on database NAME, recording in sql-migrate's table
#	gorp_migrations.  The configuration is written to
#	.peer-dbconfig.yml in the scratch directory, dialect sqlite3 or
#	postgres.  "peer_sql_migrate pg app sm up -limit=2" applies the
#	first two migrations of sm/ to the database app.
#   peer_schema DRIVER NAME
#	the schema of database NAME without the tables of msr and of the
#	tools (schema_migrations, gorp_migrations, goose_db_version,
#	flyway_schema_history), for test_cmp.
#   peer_sql DRIVER NAME FILE
#	runs FILE with the database's own client (sqlite3, or psql with
#	ON_ERROR_STOP), as a tool that sends statements in order would.
#
# Versions: $PEER_DBMATE_VERSION is the dbmate that scripts/deps pins.

PEER_DBMATE_VERSION=2.36.0

if ! command -v dbmate >/dev/null 2>&1; then
	test_require dbmate "sh scripts/deps, or npm install -g dbmate@$PEER_DBMATE_VERSION"
fi
if ! command -v sql-migrate >/dev/null 2>&1; then
	test_require sql-migrate "sh scripts/deps, or apt-get install sql-migrate"
fi

# peer_check_driver DRIVER: sqlite, or pg with lib-pg.sh loaded.
peer_check_driver() {
	case $1 in
	sqlite) return 0 ;;
	pg)
		if [ -z "${lib_pg_loaded:-}" ]; then
			echo "lib-peer.sh: pg needs lib-pg.sh sourced" >&2
			return 1
		fi
		return 0
		;;
	esac
	echo "lib-peer.sh: driver '$1': expected sqlite or pg" >&2
	return 1
}

peer_dbmate_url() {
	peer_check_driver "$1" || return 1
	case $1 in
	pg)
		printf 'postgres://postgres@:%s/%s?socket=%s&sslmode=disable\n' \
		    "$PGPORT" "$2" "$PGTMP"
		;;
	*) printf 'sqlite:%s.db\n' "$2" ;;
	esac
}

peer_dbmate() {
	pd_url=$(peer_dbmate_url "$1" "$2") || return 1
	pd_dir=$3
	shift 3
	env -u DATABASE_URL dbmate --no-dump-schema --env-file /dev/null \
	    -d "$pd_dir" -u "$pd_url" "$@"
}

peer_sql_migrate() {
	peer_check_driver "$1" || return 1
	case $1 in
	pg)
		ps_dialect=postgres
		ps_source="host=$PGTMP port=$PGPORT user=postgres dbname=$2 sslmode=disable"
		;;
	*)
		ps_dialect=sqlite3
		ps_source=$2.db
		;;
	esac
	cat >"$TRASH/.peer-dbconfig.yml" <<EOF || return 1
peer:
  dialect: $ps_dialect
  datasource: "$ps_source"
  dir: "$3"
  table: gorp_migrations
EOF
	ps_cmd=$4
	shift 4
	sql-migrate "$ps_cmd" -config="$TRASH/.peer-dbconfig.yml" -env=peer "$@"
}

peer_schema() {
	peer_check_driver "$1" || return 1
	case $1 in
	pg)
		"$PGBIN/pg_dump" -h "$PGTMP" -p "$PGPORT" -U postgres \
		    --schema-only --no-owner --no-privileges \
		    -T '*.msr_migrations*' -T '*.schema_migrations' \
		    -T '*.gorp_migrations' -T '*.goose_db_version*' \
		    -T '*.flyway_schema_history' -d "$2" >"$PGTMP/dump" &&
		pg_normalize <"$PGTMP/dump"
		;;
	*)
		sqlite3 -batch -noheader "$2.db" "SELECT type, name, tbl_name,
		    sql FROM sqlite_master
		    WHERE name NOT LIKE 'msr_migrations%'
		    AND name NOT LIKE 'sqlite_%'
		    AND tbl_name NOT IN ('schema_migrations',
			'gorp_migrations', 'goose_db_version',
			'flyway_schema_history')
		    ORDER BY type, name"
		;;
	esac
}

peer_sql() {
	peer_check_driver "$1" || return 1
	case $1 in
	pg) pg_psql "$2" -f "$3" >/dev/null ;;
	*) sqlite3 -batch -bail "$2.db" <"$3" >/dev/null ;;
	esac
}
