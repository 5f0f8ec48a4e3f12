# lib-pg.sh: a throwaway PostgreSQL server for one test script.
#
# Sourced after test-lib.sh.  Starts a server of its own in a short
# temporary directory $PGTMP (data dir, Unix socket, log), listening on
# the socket and on 127.0.0.1:$PGPORT, and stops it and removes $PGTMP at
# exit.  When the tests run as root, the server runs as the postgres
# system user.  Nothing is exported: msr gets its database only from the
# URLs the tests pass.  Missing PostgreSQL skips the script (fails it
# under MSRTEST_REQUIRE_ALL); a server that does not start fails it.
#
# Helpers: pg_newdb, pg_url, pg_conninfo, pg_tcp_url, pgq, pg_schema,
# pg_fingerprint, pg_stop, pg_start, pg_log, pg_hold_lock, pg_free_lock.  $PGBIN holds the server's
# programs, $PG_VERSION_NUM its version (150004 for 15.4).

# Sourced once: test-lib.sh sources it itself under MSRTEST_DRIVER=pg.
[ -n "${lib_pg_loaded:-}" ] && return 0
lib_pg_loaded=1

# Whatever libpq would read from the environment is not ours.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGSYSCONFDIR PGOPTIONS PGAPPNAME \
	PGSSLMODE PGREQUIRESSL PGSSLCERT PGSSLKEY PGSSLROOTCERT PGSSLCRL \
	PGSSLCRLDIR PGSSLSNI PGSSLCOMPRESSION PGSSLMINPROTOCOLVERSION \
	PGSSLMAXPROTOCOLVERSION PGGSSENCMODE PGKRBSRVNAME PGGSSLIB \
	PGCHANNELBINDING PGREQUIREAUTH PGREQUIREPEER PGCONNECT_TIMEOUT \
	PGCLIENTENCODING PGTARGETSESSIONATTRS PGLOADBALANCEHOSTS \
	PGDATESTYLE PGTZ PGGEQO PGDATA PGLOCALEDIR

PGTMP=
PGPORT=

# pg_bindir: the directory of initdb, pg_ctl and psql, or nothing.
# MSRTEST_PG_BINDIR names it; test-lib.sh clears every MSR_* variable.
pg_bindir() {
	d=${MSRTEST_PG_BINDIR:-}
	if [ -n "$d" ]; then
		echo "$d"
		return
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null |
	    sort -t/ -k5,5n -r); do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	done
	d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ] && echo "$d"
}

# A build without the driver has nothing to test here, in CI too.
if [ "${MSRTEST_HAVE_LIBPQ:-}" = no ]; then
	test_skip_all "msr is built without PostgreSQL support"
fi

PGBIN=$(pg_bindir)
if [ -z "$PGBIN" ]; then
	test_require postgresql "apt-get install postgresql"
fi

# pg_fail REASON...: the server could not be set up; always a failure.
pg_fail() {
	printf 'not ok 1 - PostgreSQL server starts\n'
	printf '%s\n' "$@" | sed -e 's/^/# /'
	printf '1..1\n'
	exit 1
}

for p in initdb pg_ctl psql pg_dump; do
	[ -x "$PGBIN/$p" ] || pg_fail "no $p in $PGBIN"
done

pg_root=
if [ "$(id -u)" = 0 ]; then
	pg_root=1
	id postgres >/dev/null 2>&1 ||
	    pg_fail "running as root, but there is no postgres system user to" \
		"run the server (install the postgresql package, or run the" \
		"tests as another user)"
fi

# pg_quote ARG...: the arguments quoted for sh -c.
pg_quote() {
	for a; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
}

# pg_as_owner COMMAND...: runs COMMAND as the owner of the server, in
# $PGTMP, with no file descriptors but 0, 1 and 2 (a server inheriting
# a pipe of the test harness would keep it open).
pg_as_owner() {
	(
		cd "$PGTMP" || exit 1
		exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		if [ -z "$pg_root" ]; then
			exec "$@"
		elif command -v runuser >/dev/null 2>&1; then
			exec runuser -u postgres -- "$@"
		else
			exec su postgres -s /bin/sh -c "$(pg_quote "$@")"
		fi
	)
}

# pg_stop: stops the server (a quick, clean shutdown).
pg_stop() {
	pg_as_owner "$PGBIN/pg_ctl" -D "$PGTMP/data" -s -w -t 60 -m fast stop
}

# pg_start: starts the server again, on the same port and data.
pg_start() {
	pg_as_owner "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" \
	    -s -w -t 60 start
}

# pg_log: the server log so far.
pg_log() {
	cat "$PGTMP/log"
}

# pg_atexit STATUS: stops the server and removes $PGTMP; shows the
# server log (and keeps a copy in the scratch directory) on failure.
pg_atexit() {
	[ -n "$PGTMP" ] && [ -d "$PGTMP" ] || return 0
	if [ -f "$PGTMP/data/postmaster.pid" ]; then
		pg_as_owner "$PGBIN/pg_ctl" -D "$PGTMP/data" -s -w -t 60 \
		    -m immediate stop >/dev/null 2>&1
	fi
	if [ "$1" -ne 0 ] || [ "${test_failed:-0}" -gt 0 ]; then
		for f in initdb.log log; do
			[ -s "$PGTMP/$f" ] || continue
			say "PostgreSQL $f ($PGTMP/$f):"
			sed -e 's/^/#   /' "$PGTMP/$f"
			if [ -d "$TRASH" ]; then
				cp "$PGTMP/$f" "$TRASH/postgresql-$f"
			fi
		done
	fi
	rm -rf "$PGTMP"
	PGTMP=
}

trap 'pg_atexit $?' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Short, so that the socket path stays under its limit of 107 bytes.
PGTMP=$(mktemp -d /tmp/msrpg.XXXXXX) || pg_fail "mktemp -d failed"
if [ -n "$pg_root" ]; then
	chown postgres "$PGTMP" || pg_fail "cannot chown $PGTMP to postgres"
fi

pg_as_owner "$PGBIN/initdb" --nosync -A trust -U postgres -E UTF8 \
    --locale=C -D "$PGTMP/data" >"$PGTMP/initdb.log" 2>&1 ||
    pg_fail "initdb failed"
rm -f "$PGTMP/initdb.log"

cat >>"$PGTMP/data/postgresql.conf" <<EOF || pg_fail "cannot configure"

# lib-pg.sh: fast and throwaway
fsync = off
full_page_writes = off
synchronous_commit = off
unix_socket_directories = '$PGTMP'
listen_addresses = '127.0.0.1'
max_connections = 50
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_checkpoints = off
EOF
# Over TCP, msr_pw (below) and migrator (the least-privilege role of
# the README, which tests create) need their passwords; the others not.
cat >"$PGTMP/data/pg_hba.conf" <<EOF || pg_fail "cannot configure"
local	all	all			trust
host	all	msr_pw,migrator	127.0.0.1/32	scram-sha-256
host	all	all	127.0.0.1/32	trust
EOF

# pg_port_busy PORT: something listens on the TCP port (as far as Linux
# tells; elsewhere the server's failure to bind tells).
pg_port_busy() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	awk -v p=":$(printf '%04X' "$1")" '
	    $4 == "0A" && substr($2, length($2) - 4) == p { busy = 1 }
	    END { exit !busy }'
}

# A free port in 20000-30000: another server may take it between the
# check and the start, so a failure to bind tries another one.
pg_tries=0
while :; do
	pg_tries=$((pg_tries + 1))
	PGPORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' \n') % 10001))
	if pg_port_busy "$PGPORT" && [ $pg_tries -lt 50 ]; then
		continue
	fi
	echo "port = $PGPORT" >>"$PGTMP/data/postgresql.conf"
	pg_loglines=$(cat "$PGTMP/log" 2>/dev/null | wc -l)
	pg_start >"$PGTMP/pg_ctl.out" 2>&1 && break
	if [ $pg_tries -lt 10 ] &&
	    tail -n +$((pg_loglines + 1)) "$PGTMP/log" 2>/dev/null |
	    grep -q -e 'could not bind' -e 'could not create any TCP/IP'; then
		continue
	fi
	pg_fail "pg_ctl start failed:" "$(cat "$PGTMP/pg_ctl.out")"
done
rm -f "$PGTMP/pg_ctl.out"

# pg_psql DB ARGS...: this server's psql, on the socket, as postgres.
pg_psql() {
	pg_db=$1
	shift
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGTMP" -p "$PGPORT" \
	    -U postgres -d "$pg_db" "$@"
}

# pgq DB SQL: runs SQL (one or more statements), printing each row of
# each result as a|b lines.
pgq() {
	printf '%s\n' "$2" | pg_psql "$1" -A -t -f -
}

# pg_ident NAME: NAME as a quoted SQL identifier.
pg_ident() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"
}

PG_VERSION_NUM=$(pgq postgres 'SHOW server_version_num') ||
    pg_fail "the server does not answer"
pgq postgres "CREATE ROLE msr_pw LOGIN PASSWORD 'pw_s3cret'" ||
    pg_fail "cannot create the role msr_pw"

# pg_newdb NAME: a new, empty database NAME owned by postgres (an old
# one is dropped first, even with sessions still connected to it).
pg_newdb() {
	pg_force= pg_copy=
	[ "$PG_VERSION_NUM" -ge 130000 ] && pg_force=' WITH (FORCE)'
	[ "$PG_VERSION_NUM" -ge 150000 ] && pg_copy=' STRATEGY file_copy'
	pg_psql postgres -c 'SET client_min_messages = warning' \
	    -c "DROP DATABASE IF EXISTS $(pg_ident "$1")$pg_force" \
	    -c "CREATE DATABASE $(pg_ident "$1") OWNER postgres$pg_copy"
}

# pg_url NAME: a URL of database NAME on the socket, for msr.
pg_url() {
	printf 'postgresql://postgres@/%s?host=%s&port=%s\n' \
	    "$1" "$PGTMP" "$PGPORT"
}

# pg_conninfo NAME: the same as a key=value connection string.
pg_conninfo() {
	printf 'host=%s port=%s user=postgres dbname=%s\n' \
	    "$PGTMP" "$PGPORT" "$1"
}

# pg_tcp_url NAME [USER [PASSWORD]]: a URL of database NAME over TCP;
# USER and PASSWORD are taken as they are, not percent-encoded.
pg_tcp_url() {
	if [ $# -ge 3 ]; then
		printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' \
		    "$2" "$3" "$PGPORT" "$1"
	else
		printf 'postgresql://%s@127.0.0.1:%s/%s\n' \
		    "${2:-postgres}" "$PGPORT" "$1"
	fi
}

# pg_normalize: a dump without comments, blank lines and settings, and
# without sequence positions, which a rolled back transaction advances.
pg_normalize() {
	sed -e '/^--/d' -e '/^$/d' -e '/^SET /d' \
	    -e '/^SELECT pg_catalog\.set_config(/d' \
	    -e '/^SELECT pg_catalog\.setval(/d' \
	    -e '/^\\restrict /d' -e '/^\\unrestrict /d'
}

# pg_schema NAME: the schema of database NAME without msr's tables, for
# comparing with test_cmp.
pg_schema() {
	"$PGBIN/pg_dump" -h "$PGTMP" -p "$PGPORT" -U postgres --schema-only \
	    --no-owner --no-privileges -T '*.msr_migrations*' -d "$1" \
	    >"$PGTMP/dump" &&
	pg_normalize <"$PGTMP/dump"
}

# pg_fingerprint NAME: schema and data of database NAME, msr's tables
# included, to show that a failed command changed nothing.
pg_fingerprint() {
	"$PGBIN/pg_dump" -h "$PGTMP" -p "$PGPORT" -U postgres \
	    --no-owner --no-privileges -d "$1" >"$PGTMP/dump" &&
	pg_normalize <"$PGTMP/dump"
}

# pg_hold_lock DB SCHEMA: a psql session on the Unix socket holds the
# advisory lock of SCHEMA.msr_migrations, as msr computes its key, until
# pg_free_lock DB; its PID in $holder.
pg_hold_lock() {
	printf "SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtextextended(pg_catalog.format('msr %%I.%%I', %s, 'msr_migrations'), 0));\nSELECT pg_catalog.pg_sleep(120);\n" \
	    "$(printf "'%s'" "$(printf '%s' "$2" | sed "s/'/''/g")")" >hold.sql
	( exec "$PGBIN/psql" -X -q -h "$PGTMP" -p "$PGPORT" -U postgres \
	    -d "$1" -f hold.sql ) >/dev/null 2>&1 &
	holder=$!
	i=0
	until test "$(pgq "$1" "SELECT count(*) FROM pg_locks
	    WHERE locktype = 'advisory' AND granted")" = 1; do
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
		sleep 0.1
	done
}

# pg_free_lock DB: ends the holder of pg_hold_lock.
pg_free_lock() {
	pgq "$1" "SELECT pg_terminate_backend(pid) FROM pg_locks
	    WHERE locktype = 'advisory' AND granted" >/dev/null
	wait $holder
	return 0
}

# pg_sleeping_backend DB: the PID of msr's backend running pg_sleep in
# DB, waiting up to 30 s for it to appear.
pg_sleeping_backend() {
	sb_i=0
	while [ $sb_i -lt 300 ]; do
		sb_pid=$(pgq "$1" "SELECT pid FROM pg_stat_activity
		    WHERE application_name = 'msr' AND state = 'active'
		    AND query LIKE '%pg_sleep%'
		    AND pid <> pg_backend_pid()") || return 1
		if [ -n "$sb_pid" ]; then
			echo "$sb_pid"
			return 0
		fi
		sleep 0.1
		sb_i=$((sb_i + 1))
	done
	echo "no backend of msr runs pg_sleep in $1" >&2
	return 1
}
