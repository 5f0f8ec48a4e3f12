#!/bin/sh
# stress.sh: fault injection, slow, run by 'make stress' (not by 'make
# check').  For each driver (SQLite, then PostgreSQL on a throwaway
# server of lib-pg.sh):
#
#   1. kill -9 at random moments while 300 migrations run: the status
#      matches the real schema, and the next run completes it to the
#      schema and data of a clean run;
#   2. 8 concurrent 'msr migrate' on one database: all exit 0, each
#      migration applied once;
#   3. the lock holder killed with -9: the next run proceeds at once.
#
# Each trial is a TAP test; the figures are printed as '# ' lines.
# Environment (MSRTEST_* names, as test-lib.sh clears every MSR_*):
#   MSRTEST_DRIVER         only this driver (sqlite or pg); default both
#   MSRTEST_STRESS_SEED    seed of the random kill moments; default random
#   MSRTEST_STRESS_N       migrations (300)
#   MSRTEST_STRESS_KILLS   kill -9 trials per driver (30)
#   MSRTEST_STRESS_CONC    concurrent trials per driver (10)
#   MSRTEST_STRESS_PROCS   processes per concurrent trial (8)
#   MSRTEST_STRESS_HOLDER  killed lock holder trials per driver (5)
#   MSRTEST_STRESS_BACKFILL  rows each migration adds to its first five (1000)
#   MSRTEST_STRESS_BIGFILL   the same for every tenth migration (SQLite
#                           50000, PostgreSQL as BACKFILL)
#   MSRTEST_STRESS_SQLITE_DIR  where the SQLite databases go (a new
#                           directory in /dev/shm, removed after)
test_description='stress: kill -9 at random moments, concurrent runs, killed lock holders'

stress_drivers=${MSRTEST_DRIVER:-sqlite pg}
: "${MSRTEST_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
export MSRTEST_SRCDIR
# PostgreSQL's server is started below, when its turn comes.
MSRTEST_DRIVER=sqlite
export MSRTEST_DRIVER
. "$MSRTEST_SRCDIR/t/test-lib.sh"

N=${MSRTEST_STRESS_N:-300}
KILLS=${MSRTEST_STRESS_KILLS:-30}
CONC=${MSRTEST_STRESS_CONC:-10}
PROCS=${MSRTEST_STRESS_PROCS:-8}
HOLDER=${MSRTEST_STRESS_HOLDER:-5}
# Rows each migration adds besides its first five, in a second INSERT;
# on SQLite every tenth adds BIGFILL rows, a long statement for kills to
# land in (on PostgreSQL, pg_sleep does that; see gen).
BACKFILL=${MSRTEST_STRESS_BACKFILL:-1000}

# bigfill: the rows of every tenth migration's second INSERT.
bigfill() {
	if [ "$MSRTEST_DRIVER" = pg ]; then
		echo "${MSRTEST_STRESS_BIGFILL:-$BACKFILL}"
	else
		echo "${MSRTEST_STRESS_BIGFILL:-50000}"
	fi
}

# backfill_rows I: the rows migration I adds in its second INSERT.
backfill_rows() {
	if [ $(($1 % 10)) -eq 0 ]; then
		bigfill
	else
		echo "$BACKFILL"
	fi
}

# rows_upto K: the rows of t1 .. tK.
rows_upto() {
	echo $(( 5 * $1 + ($1 - $1 / 10) * BACKFILL + ($1 / 10) * $(bigfill) ))
}

# Below 2^31: mawk's srand() takes larger seeds all as the same one.
SEED=${MSRTEST_STRESS_SEED:-$(( $(od -An -N4 -tu4 /dev/urandom |
    tr -d ' \n') % 2147483647 ))}
FIGURES=$TRASH/figures

# The SQLite databases: on tmpfs when there is one, as only the order of
# writes matters to a killed process, not their reaching the disk, and a
# run there takes the same time each time, not what fsync takes today.
# MSRTEST_STRESS_SQLITE_DIR puts them elsewhere (on a disk).
if [ -n "${MSRTEST_STRESS_SQLITE_DIR:-}" ]; then
	SQDIR=$MSRTEST_STRESS_SQLITE_DIR
	mkdir -p "$SQDIR" || exit 1
	SQDIR_OWN=
elif [ -d /dev/shm ] && [ -w /dev/shm ] &&
    SQDIR=$(mktemp -d /dev/shm/msr-stress.XXXXXX); then
	SQDIR_OWN=1
else
	SQDIR=$TRASH/sqlite-db
	mkdir -p "$SQDIR" || exit 1
	SQDIR_OWN=
fi
SQDIR=$(cd "$SQDIR" && pwd)

# stress_atexit: removes SQDIR when it is ours, unless a test failed
# (then its databases are evidence).
stress_atexit() {
	[ -n "$SQDIR_OWN" ] && [ -d "$SQDIR" ] || return 0
	if [ "${test_failed:-0}" -gt 0 ]; then
		say "the SQLite databases are kept in $SQDIR"
	else
		rm -rf "$SQDIR"
	fi
}
trap 'stress_atexit' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

for d in $stress_drivers; do
	case $d in
	sqlite|pg) ;;
	*) printf 'Bail out! unknown driver %s\n' "$d"; exit 1 ;;
	esac
done
[ -x "$MSRTEST_BIN" ] || { printf 'Bail out! no msr at %s\n' "$MSRTEST_BIN"; exit 1; }

# now_ms: milliseconds since the epoch.
now_ms() {
	t=$(date +%s%N)
	case $t in
	*N) echo "$(date +%s)000" ;;
	*) echo $((t / 1000000)) ;;
	esac
}

# figure TEXT: a figure line, printed and kept.
figure() {
	say "$*"
	printf '%s\n' "$*" >>"$FIGURES"
}

# secs MS: MS milliseconds as seconds with one decimal.
secs() {
	awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'
}

# randoms SEED COUNT: COUNT numbers uniform in [0, 1), one a line.
randoms() {
	awk -v s="$1" -v n="$2" \
	    'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.6f\n", rand() }'
}

# gen DIR: the N migrations of the current driver.  Each creates a table
# t$i with five rows, adds BACKFILL more (every tenth, i % 10 = 0, adds
# $(bigfill): on SQLite a long statement), and creates an index.  Those with
# i % 10 = 5 are wrapped in the file's own BEGIN ... COMMIT, which msr
# runs in its own transaction.  On PostgreSQL every third sleeps 10 ms
# between its statements, so that kills land inside a migration's
# transaction, and inside statements.
gen() {
	mkdir -p "$1" || return 1
	i=1
	while [ $i -le "$N" ]; do
		v=$(printf '%03d' $i)
		if [ "$MSRTEST_DRIVER" = pg ]; then
			cols='id serial PRIMARY KEY, name text NOT NULL, qty integer NOT NULL DEFAULT 0, note text'
		else
			cols='id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL DEFAULT 0, note TEXT'
		fi
		sleep_stmt=
		if [ "$MSRTEST_DRIVER" = pg ] && [ $((i % 3)) -eq 0 ]; then
			sleep_stmt='SELECT pg_sleep(0.01);'
		fi
		b=$(backfill_rows $i)
		if [ "$MSRTEST_DRIVER" = pg ]; then
			backfill="INSERT INTO t$i (name, qty, note) SELECT 'g' || x, x % 7, 'row ' || x FROM generate_series(1, $b) AS x;"
		else
			backfill="INSERT INTO t$i (name, qty, note) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $b) SELECT 'g' || x, x % 7, 'row ' || x FROM c;"
		fi
		begin= commit=
		if [ $((i % 10)) -eq 5 ]; then
			begin='BEGIN;' commit='COMMIT;'
		fi
		cat >"$1/${v}_t$i.up.sql" <<-EOF || return 1
		-- migration $i: a table, a few rows, an index
		$begin
		CREATE TABLE t$i ($cols);
		INSERT INTO t$i (name, qty, note) VALUES ('a$i', 1, 'x;y'),
		    ('b$i', 2, NULL), ('c$i', 3, 'it''s'), ('d$i', 4, NULL),
		    ('e$i', 5, '');
		$backfill
		$sleep_stmt
		CREATE INDEX t${i}_name ON t$i (name, qty);
		$commit
		EOF
		echo "DROP TABLE t$i;" >"$1/${v}_t$i.down.sql" || return 1
		i=$((i + 1))
	done
}

# dbn NAME: the database name of the current driver for NAME, which is
# also the prefix of the trial's files: a SQLite database lives in SQDIR.
dbn() {
	case $MSRTEST_DRIVER in
	pg) echo "$1" ;;
	*) echo "$SQDIR/$1" ;;
	esac
}

# db_drop NAME: removes database NAME (after a trial that passed).
db_drop() {
	case $MSRTEST_DRIVER in
	pg) pg_psql postgres -c "DROP DATABASE IF EXISTS $(pg_ident "$1")" ;;
	*) rm -f "$1.db" "$1.db-journal" "$1.db-wal" "$1.db-shm" \
	    "$1.db-msr.lock" ;;
	esac
}

# db_dump NAME: schema and data of database NAME without msr's tables,
# for comparing with the reference.
db_dump() {
	case $MSRTEST_DRIVER in
	pg)
		"$PGBIN/pg_dump" -h "$PGTMP" -p "$PGPORT" -U postgres \
		    --no-owner --no-privileges -T '*.msr_migrations*' \
		    -d "$1" >"$PGTMP/dump" &&
		pg_normalize <"$PGTMP/dump"
		;;
	*)
		schema_of "$1.db" &&
		sqlite3 -batch "$1.db" ".dump 't%'"
		;;
	esac
}

# db_indexes NAME: the indexes t*_name of database NAME, sorted.
db_indexes() {
	case $MSRTEST_DRIVER in
	pg) dbq "$1" "SELECT indexname FROM pg_catalog.pg_indexes
	    WHERE schemaname = current_schema() AND indexname LIKE 't%\\_name'" ;;
	*) dbq "$1" "SELECT name FROM sqlite_master WHERE type = 'index'
	    AND name LIKE 't%\\_name' ESCAPE '\\'" ;;
	esac | sort
}

# db_rows NAME K: the number of rows in t1 .. tK.
db_rows() {
	[ "$2" -eq 0 ] && { echo 0; return 0; }
	q=$(awk -v k="$2" 'BEGIN {
		printf "SELECT 0"
		for (i = 1; i <= k; i++) printf " + (SELECT count(*) FROM t%d)", i
	}')
	dbq "$1" "$q"
}

# expect_list PREFIX SUFFIX K: PREFIX1SUFFIX .. PREFIXKSUFFIX, sorted.
expect_list() {
	awk -v p="$1" -v s="$2" -v k="$3" \
	    'BEGIN { for (i = 1; i <= k; i++) print p i s }' | sort
}

# applied_prefix JSON: K when 'msr status --json' shows migrations 1..K
# applied and the others pending, all N of them; else a reason, and fails.
applied_prefix() {
	tr '{' '\n' <"$1" |
	sed -n 's/^"version":"\([0-9]*\)","name":"[^"]*","state":"\([a-z_-]*\)".*/\1 \2/p' |
	awk -v n="$N" '
		{ seen++ }
		$2 != "applied" && $2 != "pending" {
			print "version " $1 " is " $2; bad = 1; exit
		}
		$2 == "applied" && pend {
			print "version " $1 " applied after a pending one"
			bad = 1; exit
		}
		$2 == "applied" { k++ }
		$2 == "pending" { pend = 1 }
		$1 + 0 != seen { print "version " $1 " at place " seen; bad = 1; exit }
		END {
			if (bad) exit 1
			if (seen != n) { print seen " migrations, expected " n; exit 1 }
			print k + 0
		}'
}

# fail MESSAGE: the reason a trial failed, in the TAP log, and false.
fail() {
	echo "$*" >&2
	return 1
}

# kill_trial J U: trial J of the kill -9 test, killing after U times the
# expected time of a run, in the file t_est.  Appends "J delay_ms exit k
# waited recover_ms recovered exact audit expected_ms" to kills.res of
# the driver's directory.
#
# The expected time starts as the clean run's, and follows what the runs
# take as the trials go on (on PostgreSQL they slow down as the server's
# files grow): the killed run and the one that completes it make up about
# one whole run.
kill_trial() {
	j=$1
	cd "$TRASH/$MSRTEST_DRIVER" || return 1
	f=kill$j
	db=$(dbn $f)
	expect=$(cat t_est)
	delay=$(awk -v u="$2" -v t="$expect" 'BEGIN { printf "%d", u * t }')
	echo "trial $j: kill -9 after $delay ms of about $expect ms" >&2
	db_new $db || return 1
	url=$(db_url $db)
	( exec "$MSRTEST_BIN" -u "$url" -d m migrate 2>$f.run.err ) &
	pid=$!
	sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -9 $pid 2>/dev/null
	wait $pid
	code=$?
	recovered=0 exact=0 waited=0 recover_ms=-1 k=-
	# (a) status: k applied, N - k pending, nothing partial.
	msr -u "$url" -d m status --json >$f.status.json 2>$f.status.err ||
	    fail "status failed: $(cat $f.status.err)" || return 1
	k=$(applied_prefix $f.status.json) ||
	    fail "status after the kill (exit $code): $k" || return 1
	echo "killed with exit $code; status: $k applied" >&2
	# (b) exactly the tables of the applied migrations, with their
	# indexes and rows; the tracking table agrees.
	db_tables $db >$f.tables && expect_list t '' "$k" >$f.want &&
	    test_cmp $f.want $f.tables ||
	    fail "after $k applied migrations, the tables differ" || return 1
	db_indexes $db >$f.indexes && expect_list t _name "$k" >$f.want &&
	    test_cmp $f.want $f.indexes ||
	    fail "after $k applied migrations, the indexes differ" || return 1
	rows=$(db_rows $db "$k") && [ "$rows" = "$(rows_upto "$k")" ] ||
	    fail "t1..t$k hold $rows rows, expected $(rows_upto "$k")" ||
	    return 1
	if [ "$k" -gt 0 ]; then
		t=$(dbq $db "SELECT count(*) FROM msr_migrations
		    WHERE state = 'applied'") && [ "$t" = "$k" ] ||
		    fail "msr_migrations: $t applied rows, expected $k" ||
		    return 1
		audit=$(dbq $db "SELECT count(*) FROM msr_migrations_log
		    WHERE action = 'up' AND outcome = 'ok'")
	else
		audit=0
	fi
	# (c) the next run: the lock is free (PostgreSQL: the server ends
	# the killed session within a second or two), it completes.
	if [ "$MSRTEST_DRIVER" = pg ]; then
		lt=3
	else
		lt=0
	fi
	t0=$(now_ms)
	msr -u "$url" -d m --lock-timeout $lt migrate 2>$f.recover.err
	rc=$?
	recover_ms=$(( $(now_ms) - t0 ))
	grep -q 'waiting for the migration lock' $f.recover.err && waited=1
	if [ $rc -eq 0 ] && msr -u "$url" -d m check 2>$f.check.err; then
		recovered=1
	fi
	# (d) the schema and data of a clean run.
	if [ $recovered = 1 ] && db_dump $db >$f.dump &&
	    test_cmp ref.dump $f.dump >$f.diff; then
		exact=1
	fi
	echo "$j $delay $code $k $waited $recover_ms $recovered $exact $audit" \
	    "$expect" >>kills.res
	if [ $code = 137 ] && [ $recovered = 1 ]; then
		echo $(( (expect + delay + recover_ms) / 2 )) >t_est
	elif [ $code = 0 ]; then
		echo $(( expect * 9 / 10 )) >t_est
	fi
	[ $recovered = 1 ] || fail "the next migrate exited $rc:" \
	    "$(cat $f.recover.err $f.check.err 2>/dev/null)" || return 1
	[ $exact = 1 ] || fail "the schema differs from a clean run:" \
	    "$(head -50 $f.diff)" || return 1
	db_drop $db
	rm -f $f.*
}

# conc_trial J: PROCS concurrent runs on a new database.
conc_trial() {
	j=$1
	cd "$TRASH/$MSRTEST_DRIVER" || return 1
	f=conc$j
	db=$(dbn $f)
	db_new $db || return 1
	url=$(db_url $db)
	pids=
	n=1
	while [ $n -le "$PROCS" ]; do
		( exec "$MSRTEST_BIN" -u "$url" -d m migrate 2>$f.$n.err ) &
		pids="$pids $!"
		n=$((n + 1))
	done
	bad=0
	n=1
	for p in $pids; do
		wait $p || { echo "run $n exited $?:" >&2; cat $f.$n.err >&2; bad=1; }
		n=$((n + 1))
	done
	[ $bad = 0 ] || return 1
	t=$(dbq $db "SELECT count(*) FROM msr_migrations_log WHERE action = 'up'") &&
	    [ "$t" = "$N" ] || fail "$t 'up' audit rows, expected $N" || return 1
	t=$(dbq $db "SELECT count(DISTINCT version) FROM msr_migrations_log
	    WHERE action = 'up' AND outcome = 'ok'") && [ "$t" = "$N" ] ||
	    fail "$t versions applied with outcome ok, expected $N" || return 1
	t=$(dbq $db "SELECT count(*) FROM msr_migrations WHERE state = 'applied'") &&
	    [ "$t" = "$N" ] || fail "$t rows in msr_migrations, expected $N" ||
	    return 1
	t=$(dbq $db "SELECT count(*) FROM msr_migrations") && [ "$t" = "$N" ] ||
	    fail "$t rows in msr_migrations, expected $N" || return 1
	db_dump $db >$f.dump && test_cmp ref.dump $f.dump >$f.diff ||
	    fail "the schema differs from a clean run: $(head -50 $f.diff)" ||
	    return 1
	# Exactly one run applied; the others waited and found nothing.
	applied=$(cat $f.*.err | grep -c '^msr: applied [0-9]* migrations')
	echo "$j $applied" >>conc.res
	db_drop $db
	rm -f $f.*
}

# holder_trial J U: a run holding the lock in a long migration, killed
# with -9 after U seconds more; the next run proceeds within 2 s.
holder_trial() {
	j=$1
	cd "$TRASH/$MSRTEST_DRIVER" || return 1
	f=holder$j
	db=$(dbn $f)
	db_new $db || return 1
	url=$(db_url $db)
	rm -rf $f.slow $f.fast && mkdir $f.slow $f.fast || return 1
	if [ "$MSRTEST_DRIVER" = pg ]; then
		mig $f.slow 1_slow "CREATE TABLE slow (x int); SELECT pg_sleep(30);"
	else
		mig $f.slow 1_slow "CREATE TABLE slow (n INTEGER);
INSERT INTO slow WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < 100000000) SELECT x FROM c;"
	fi
	mig $f.fast 1_fast "CREATE TABLE fast (x int);" || return 1
	( exec "$MSRTEST_BIN" -u "$url" -d $f.slow migrate 2>$f.slow.err ) &
	pid=$!
	i=0
	while :; do
		if [ "$MSRTEST_DRIVER" = pg ]; then
			t=$(pgq $db "SELECT count(*) FROM pg_stat_activity
			    WHERE query LIKE '%pg_sleep(30)%'
			    AND application_name = 'msr'")
			[ "$t" = 1 ] && break
		else
			grep -q "pid $pid" $db.db-msr.lock 2>/dev/null && break
		fi
		i=$((i + 1))
		[ $i -lt 200 ] || fail "the slow run did not start" || return 1
		sleep 0.1
	done
	sleep "$2"
	kill -9 $pid && { wait $pid 2>/dev/null || :; }
	t0=$(now_ms)
	msr -u "$url" -d $f.fast --lock-timeout 10 migrate 2>$f.fast.err
	rc=$?
	ms=$(( $(now_ms) - t0 ))
	echo "next run: exit $rc after $ms ms" >&2
	echo "$j $rc $ms" >>holder.res
	[ $rc = 0 ] || fail "$(cat $f.fast.err)" || return 1
	[ $ms -le 2000 ] || fail "took $ms ms: $(cat $f.fast.err)" || return 1
	t=$(dbq $db "SELECT name FROM msr_migrations") && [ "$t" = fast ] ||
	    fail "msr_migrations holds '$t'" || return 1
	[ "$(db_tables $db)" = fast ] || fail "tables: $(db_tables $db)" ||
	    return 1
	db_drop $db
	rm -rf $f.*
}

# stress_driver: every test of the current driver.
stress_driver() {
	drv=$MSRTEST_DRIVER
	dir=$TRASH/$drv
	mkdir -p "$dir" && cd "$dir" || exit 1
	: >"$dir/kills.res" && : >"$dir/conc.res" && : >"$dir/holder.res" || exit 1
	started=$(now_ms)
	gen m || { printf 'Bail out! cannot write the migrations\n'; exit 1; }

	# The reference: one clean run, timed.
	test_expect_success "$drv: a clean run of $N migrations (the reference)" '
		cd "$TRASH/$MSRTEST_DRIVER" &&
		db=$(dbn ref) &&
		db_new $db &&
		t0=$(now_ms) &&
		msr -q -u "$(db_url $db)" -d m migrate &&
		echo $(( $(now_ms) - t0 )) >"$dir/ref.ms" &&
		test "$(dbq $db "SELECT count(*) FROM msr_migrations")" = "$N" &&
		db_dump $db >ref.dump &&
		test "$(db_tables $db | wc -l)" -eq "$N" &&
		test "$(db_rows $db "$N")" = "$(rows_upto "$N")" &&
		db_drop $db
	'
	REF_MS=$(cat "$dir/ref.ms" 2>/dev/null)
	if [ -z "$REF_MS" ]; then
		say "$drv: no reference run, skipping the rest of this driver"
		return 0
	fi
	figure "$drv: a clean run of $N migrations ($(rows_upto "$N") rows)" \
	    "takes $(secs "$REF_MS") s"
	echo "$REF_MS" >"$dir/t_est"

	# 1. kill -9 at random moments.
	t_start=$(now_ms)
	j=1
	for u in $(randoms "$SEED" "$KILLS"); do
		test_expect_success "$drv: kill -9 trial $j of $KILLS" \
		    "kill_trial $j $u"
		j=$((j + 1))
	done
	figure "$drv kill -9: $KILLS trials, $(awk '$7 == 1' "$dir/kills.res" |
	    wc -l | tr -d ' ') recovered, $(awk '$8 == 1' "$dir/kills.res" |
	    wc -l | tr -d ' ') exact (seed $SEED)"
	figure "$drv kill -9: $(awk '$3 == 137' "$dir/kills.res" | wc -l | tr -d ' ')" \
	    "kills landed mid-run, $(awk '$3 != 137' "$dir/kills.res" |
	    wc -l | tr -d ' ') after the run had ended;" \
	    "applied at the kill: $(awk '{ print $4 }' "$dir/kills.res" | sort -n |
	    awk '{ v[NR] = $1 } END { if (NR) printf "min %d, median %d, max %d",
	    v[1], v[int((NR + 1) / 2)], v[NR] }');" \
	    "expected run time from $(secs "$REF_MS") s to $(secs "$(cat "$dir/t_est")") s"
	figure "$drv kill -9: the next run waited for the lock in" \
	    "$(awk '$5 == 1' "$dir/kills.res" | wc -l | tr -d ' ') trials;" \
	    "audit rows of applied migrations missing in" \
	    "$(awk '$9 != $4' "$dir/kills.res" | wc -l | tr -d ' ') trials;" \
	    "section took $(secs $(( $(now_ms) - t_start ))) s"

	# The ok audit row commits with its migration.
	missing=$(awk '$9 != $4' "$dir/kills.res" 2>/dev/null | wc -l | tr -d ' ')
	test_expect_success "$drv: after kill -9, every applied migration has its audit row" \
	    "[ $missing -eq 0 ]"

	# 2. Concurrent runs.
	t_start=$(now_ms)
	j=1
	while [ $j -le "$CONC" ]; do
		test_expect_success "$drv: $PROCS concurrent runs, trial $j of $CONC" \
		    "conc_trial $j"
		j=$((j + 1))
	done
	ok=$(wc -l <"$dir/conc.res" 2>/dev/null | tr -d ' ')
	if [ "${ok:-0}" -eq "$CONC" ]; then
		figure "$drv concurrent: $CONC trials x $PROCS processes, all exited 0," \
		    "each version applied once"
		figure "$drv concurrent: in $(awk '$2 == 1' "$dir/conc.res" |
		    wc -l | tr -d ' ') trials one process applied all $N and" \
		    "the others found nothing to do"
	else
		figure "$drv concurrent: $CONC trials x $PROCS processes, only" \
		    "${ok:-0} trials passed"
	fi
	figure "$drv concurrent: section took $(secs $(( $(now_ms) - t_start ))) s"

	# 3. The lock holder killed with -9.
	t_start=$(now_ms)
	j=1
	for u in $(randoms "$((SEED + 1))" "$HOLDER"); do
		u=$(awk -v u="$u" 'BEGIN { printf "%.3f", u }')
		test_expect_success "$drv: lock holder killed with -9 ${u} s into its migration, trial $j of $HOLDER: the next run proceeds within 2 s" \
		    "holder_trial $j $u"
		j=$((j + 1))
	done
	figure "$drv lock holder killed: $HOLDER trials, $(awk '$2 == 0 &&
	    $3 <= 2000' "$dir/holder.res" 2>/dev/null | wc -l | tr -d ' ') proceeded" \
	    "within 2 s (slowest $(awk '$3 > m { m = $3 } END { print m + 0 }' \
	    "$dir/holder.res" 2>/dev/null) ms)"
	figure "$drv: all tests took $(secs $(( $(now_ms) - started ))) s"
	cd "$TRASH" || exit 1
}

: >"$FIGURES"
say "$("$MSRTEST_BIN" --version 2>&1 | head -n 1); seed $SEED; $N migrations;" \
    "$KILLS kills, $CONC x $PROCS concurrent, $HOLDER holders;" \
    "SQLite databases in $SQDIR"
for d in $stress_drivers; do
	MSRTEST_DRIVER=$d
	export MSRTEST_DRIVER
	if [ $d = pg ] && [ -z "${lib_pg_loaded:-}" ]; then
		# lib-pg.sh skips (or, under MSRTEST_REQUIRE_ALL, fails)
		# when there is no PostgreSQL: only this driver's part.
		test_skip_all() {
			test_skip "pg: the PostgreSQL part" "$1"
			test_done
		}
		test_require() {
			if [ -n "${MSRTEST_REQUIRE_ALL:-}" ]; then
				test_count=$((test_count + 1))
				test_failed=$((test_failed + 1))
				printf 'not ok %d - %s is required: %s\n' \
				    "$test_count" "$1" "$2"
				test_done
			fi
			test_skip_all "$1 missing: $2"
		}
		. "$MSRTEST_SRCDIR/t/lib-pg.sh"
		trap 'stress_rc=$?; stress_atexit; pg_atexit $stress_rc' EXIT
	fi
	stress_driver
done
say "figures:"
sed -e 's/^/#   /' "$FIGURES"
test_done
