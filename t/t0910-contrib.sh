#!/bin/sh
test_description='contrib/: msr.mk, the shell completions and the systemd
unit work with this msr, and the msr command lines and environment of the
Dockerfile, docker-compose.yml and the Kubernetes files run for real
against a throwaway PostgreSQL'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

# The PostgreSQL server of the last tests; a build without the driver
# still runs the others.
if [ "${MSRTEST_HAVE_LIBPQ:-}" != no ]; then
	. "$MSRTEST_SRCDIR/t/lib-pg.sh"
fi

C=$MSRTEST_SRCDIR/contrib


have_yaml=
python3 -c 'import yaml' 2>/dev/null && have_yaml=1

# --- msr.mk -----------------------------------------------------------

# applied DB: the applied versions of the SQLite database DB, on a line.
applied() {
	sq "$1" "SELECT version FROM msr_migrations WHERE state = 'applied'
	    ORDER BY version" | tr '\n' ' '
}

# tables DB: the tables of DB but msr's, on a line.
tables() {
	sq "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
	    AND name NOT LIKE 'msr_%' AND name NOT LIKE 'sqlite_%'
	    ORDER BY name" | tr '\n' ' '
}

# The version that "make db-new NAME=add_users" gave.
users_version() {
	sed -n 's/_add_users\.up\.sql$//p' "$TRASH/files"
}

# mk ARGS...: make in ./proj, on its own and not as a part of the make
# check running this script (no jobserver, no variables given to that).
mk() {
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS &&
		make -C proj --no-print-directory "$@"
	)
}

test_expect_success 'msr.mk: db-new NAME=add_users creates the pair' '
	mkdir proj &&
	cat >proj/Makefile <<-EOF &&
	MSR = $MSRTEST_VALGRIND $MSRTEST_BIN
	MSR_FLAGS = -u sqlite:app.db -d migrations
	include $C/msr.mk
	EOF
	mk db-new NAME=add_users >out 2>&1 &&
	ls proj/migrations >files &&
	test "$(wc -l <files)" -eq 2 &&
	test_grep "^[0-9]\{14\}_add_users\.up\.sql$" files &&
	test_grep "^[0-9]\{14\}_add_users\.down\.sql$" files
'

test_expect_success 'msr.mk: db-migrate and db-status' '
	v=$(users_version) &&
	test -n "$v" &&
	echo "CREATE TABLE users (id integer PRIMARY KEY);" \
	    >proj/migrations/${v}_add_users.up.sql &&
	echo "DROP TABLE users;" >proj/migrations/${v}_add_users.down.sql &&
	mig proj/migrations 99990101000000_add_orders \
	    "CREATE TABLE orders (id integer);" "DROP TABLE orders;" &&
	mk db-migrate >out 2>&1 &&
	test "$(applied proj/app.db)" = "$v 99990101000000 " &&
	test "$(tables proj/app.db)" = "orders users " &&
	mk db-status >status 2>&1 &&
	test_grep "^$v  *add_users  *applied" status &&
	test_grep "^99990101000000  *add_orders  *applied" status
'

test_expect_success 'msr.mk: db-rollback rolls back one step by default' '
	v=$(users_version) &&
	mk db-rollback >out 2>&1 &&
	test_grep "down --steps .1." out &&
	test "$(applied proj/app.db)" = "$v " &&
	test "$(tables proj/app.db)" = "users " &&
	mk db-status >status 2>&1 &&
	test_grep "^99990101000000  *add_orders  *pending" status
'

test_expect_success 'msr.mk: TO= for db-migrate and db-rollback, STEPS= for db-rollback' '
	v=$(users_version) &&
	mk db-migrate >out 2>&1 &&
	test "$(applied proj/app.db)" = "$v 99990101000000 " &&
	mk db-rollback TO=$v >out 2>&1 &&
	test "$(applied proj/app.db)" = "$v " &&
	mk db-rollback STEPS=1 >out 2>&1 &&
	test -z "$(applied proj/app.db)" &&
	mk db-migrate TO=$v >out 2>&1 &&
	test "$(applied proj/app.db)" = "$v " &&
	mk db-migrate >out 2>&1 &&
	mk db-rollback STEPS=2 >out 2>&1 &&
	test -z "$(applied proj/app.db)" &&
	test -z "$(tables proj/app.db)"
'

test_expect_success 'msr.mk: db-new without NAME fails and says how, creating nothing' '
	ls proj/migrations >before &&
	test_must_fail mk db-new >out 2>&1 &&
	test_grep "db-new needs a name: make db-new NAME=add_users" out &&
	ls proj/migrations >after &&
	test_cmp before after
'

test_expect_success 'msr.mk: its targets are .PHONY' '
	for t in db-migrate db-rollback db-status db-new; do
		touch proj/$t || return 1
	done &&
	mk db-status >out 2>&1 &&
	test_grep "add_users" out
'

# --- bash completion --------------------------------------------------

# comp WORD...: what the bash completion offers for the command line
# WORD..., the cursor at the end of the last word; sorted, one a line.
cat >comp.bash <<'EOF'
. "$MSRTEST_SRCDIR/contrib/completion/msr.bash" || exit 1
[ "$(complete -p msr)" = "complete -F _msr msr" ] || exit 1
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMPREPLY=()
_msr
printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort
EOF
comp() {
	bash "$TRASH/comp.bash" "$@"
}

# The commands[] table of src/main.c: name|alias|OPT_* names (alias
# empty when there is none, "0" for no options), one command a line.
commands_table() {
	sed -n '/^static const struct cmd commands\[\] = {/,/^};/p' \
	    "$MSRTEST_SRCDIR/src/main.c" |
	awk '
	/^[ \t]*\{ "/ { e = ""; on = 1 }
	on { e = e " " $0 }
	on && /\},?[ \t]*$/ {
		on = 0
		split(e, q, "\"")
		s = e
		gsub(/"[^"]*"/, "S", s)
		split(s, f, ",")
		gsub(/[ |]+/, " ", f[6])
		printf "%s|%s|%s\n", q[2], q[3] == ", " ? q[4] : "", f[6]
	}'
}

# The long options of longopts[], and the command options of optnames[]
# by OPT_* name (bit i of OPT_* is optnames[i], as main.c checks them).
longopts_table() {
	sed -n '/^static const struct option longopts\[\] = {/,/^};/{
		s/^[[:space:]]*{ "\([a-z-]*\)",.*/--\1/p
	}' "$MSRTEST_SRCDIR/src/main.c" | LC_ALL=C sort
}
optnames_by_bit() {
	sed -n '/^static const char \*const optnames\[\] = {/,/^};/p' \
	    "$MSRTEST_SRCDIR/src/main.c" | grep -o '"--[a-z-]*"' | tr -d '"' >on &&
	sed -n 's/^#define \(OPT_[A-Z]*\)[[:space:]]*0x\([0-9a-fA-F]*\).*/\1 \2/p' \
	    "$MSRTEST_SRCDIR/src/cmd.h" |
	while read -r name hex; do
		v=$(printf '%d' "0x$hex") &&
		i=1 &&
		while [ "$v" -gt 1 ]; do v=$((v / 2)); i=$((i + 1)); done &&
		printf '%s %s\n' "$name" "$(sed -n "${i}p" on)"
	done
}
# The short options of the getopt_long string, SHORTOPTS.
shortopts_table() {
	sed -n 's/^#define SHORTOPTS[	 ]*"\([^"]*\)".*/\1/p' \
	    "$MSRTEST_SRCDIR/src/main.c" | tr -d ':' | fold -w 1 | sed 's/^/-/' |
	LC_ALL=C sort
}

test_expect_success 'bash: "msr mi<TAB>" completes migrate, "msr re<TAB>" redo and repair' '
	comp msr mi >out &&
	echo migrate >expect &&
	test_cmp expect out &&
	comp msr re >out &&
	printf "%s\n" redo repair >expect &&
	test_cmp expect out
'

test_expect_success 'bash: --transaction offers its three modes, also after "="' '
	comp msr --transaction "" >out &&
	printf "%s\n" none per-batch per-migration >expect &&
	test_cmp expect out &&
	comp msr migrate --transaction per- >out &&
	printf "%s\n" per-batch per-migration >expect &&
	test_cmp expect out &&
	comp msr --transaction = "" >out &&
	printf "%s\n" none per-batch per-migration >expect &&
	test_cmp expect out
'

test_expect_success 'bash: "msr migrate --<TAB>" offers its own options and the global ones, not the others' '
	comp msr migrate -- >out &&
	for o in --dry-run --to --out-of-order --config --url --wait; do
		grep -x -e "$o" out || return 1
	done &&
	for o in --steps --all --expect --timeout; do
		! grep -x -e "$o" out || return 1
	done &&
	comp msr -u sqlite:x.db down --s >out &&
	echo --steps >expect &&
	test_cmp expect out
'

test_expect_success 'bash: files after -c and --config, directories after -d and --dir' '
	mkdir -p cdir/sub &&
	: >cdir/app.ini &&
	: >cdir/other.ini &&
	comp msr -c cdir/a >out &&
	echo cdir/app.ini >expect &&
	test_cmp expect out &&
	comp msr status --config = cdir/o >out &&
	echo cdir/other.ini >expect &&
	test_cmp expect out &&
	comp msr -d cdir/ >out &&
	echo cdir/sub >expect &&
	test_cmp expect out &&
	comp msr --dir cdir/s >out &&
	test_cmp expect out
'

test_expect_success 'bash: the command word is found past options and their values' '
	comp msr -c cdir/app.ini --wait 5 lock "" >out &&
	printf "%s\n" release status >expect &&
	test_cmp expect out &&
	comp msr --url=sqlite:x.db help mig >out &&
	echo migrate >expect &&
	test_cmp expect out &&
	: a value is not completed as a command &&
	comp msr -u "" >out &&
	test_must_be_empty out &&
	comp msr down 3 "" >out &&
	test_must_be_empty out
'

test_expect_success 'bash: the commands and aliases are those of commands[] in src/main.c' '
	commands_table >table &&
	test "$(wc -l <table)" -ge 10 &&
	cut -d "|" -f 1,2 table | tr "|" "\n" | sed "/^$/d" | LC_ALL=C sort >expect &&
	comp msr "" >out &&
	test_cmp expect out
'

test_expect_success 'bash: the options are those of longopts[] and getopt_long, each command'"'"'s those of commands[]' '
	optnames_by_bit >bits &&
	test "$(wc -l <bits)" -ge 7 &&
	! grep " $" bits &&
	comp msr - >global &&
	longopts_table >expect &&
	{ grep -e "^--" global && cut -d " " -f 2 bits; } | LC_ALL=C sort -u >out &&
	test_cmp expect out &&
	shortopts_table >expect &&
	grep -v -e "^--" global >out &&
	test_cmp expect out &&
	while IFS="|" read -r name alias opts; do
		for o in $opts; do
			case $o in OPT_*) ;; *) continue ;; esac
			grep "^$o " bits | cut -d " " -f 2 || return 1
		done | LC_ALL=C sort >expect &&
		for w in $name $alias; do
			comp msr "$w" - >all &&
			LC_ALL=C comm -13 global all >out &&
			{ test_cmp expect out || { echo "for $w" >&2; return 1; }; }
		done || return 1
	done <table
'

# --- zsh completion ---------------------------------------------------

if command -v zsh >/dev/null 2>&1; then
test_expect_success 'zsh: _msr is a #compdef msr file that zsh -n accepts' '
	test "$(sed -n 1p "$C/completion/_msr")" = "#compdef msr" &&
	zsh -n "$C/completion/_msr"
'

test_expect_success 'zsh: _msr names every command, alias and long option of src/main.c' '
	commands_table >table &&
	for w in $(cut -d "|" -f 1,2 table | tr "|" " "); do
		grep -e "^	'"'"'$w:" "$C/completion/_msr" >/dev/null || {
			echo "command $w missing" >&2; return 1; }
	done &&
	for o in $(longopts_table); do
		grep -e "[{'"'"'(,)]$o[]=[,}]" "$C/completion/_msr" >/dev/null || {
			echo "option $o missing" >&2; return 1; }
	done
'

# zcomp LINE...: types each LINE (ending in a TAB or ^D) into an
# interactive zsh with _msr in $fpath, on a pseudo-terminal, and prints
# what zsh shows after "== LINE".
cat >zcomp.zsh <<'EOF'
zmodload zsh/zpty || exit 1
zpty z 'TERM=dumb PS1="> " zsh -f -i'
# drain: what the shell printed once it started to answer (up to ten
# seconds) and then was quiet for one and a half.
drain() {
	local chunk all= quiet=0 waited=0
	while (( quiet < 15 && waited < 100 )); do
		if zpty -r -t z chunk; then
			all+=$chunk
			quiet=0
		else
			sleep 0.1
			(( waited++ ))
			[[ -n $all ]] && (( quiet++ ))
		fi
	done
	print -r -- "${all//$'\r'/}"
}
zpty -w z "fpath=(${(q)MSRTEST_SRCDIR}/contrib/completion \$fpath)"
zpty -w z 'autoload -Uz compinit && compinit -u -D'
drain >/dev/null
for line; do
	print -r -- "== $line"
	zpty -w -n z "$line"
	drain
	zpty -w -n z $'\C-e\C-u'
	drain >/dev/null
done
zpty -d z
EOF

test_expect_success 'zsh: _msr completes commands, options, modes and files in a real zsh' '
	mkdir -p zdir &&
	: >zdir/app.ini &&
	tab=$(printf "\t") &&
	eot=$(printf "\004") &&
	zsh -f zcomp.zsh "msr mi$tab" "msr --transaction $eot" \
	    "msr migrate --$eot" "msr -c zdir/a$tab" "msr lock $eot" \
	    "msr -u x ver$tab" >out 2>&1 &&
	sed -n "/^== msr mi/,/^==/p" out >o1 &&
	test_grep "msr migrate $" o1 &&
	sed -n "/^== msr --transaction/,/^==/p" out >o2 &&
	test_grep "^none  *per-batch  *per-migration" o2 &&
	sed -n "/^== msr migrate --/,/^==/p" out >o3 &&
	test_grep "^--dry-run  *-- " o3 &&
	test_grep "^--to  *-- " o3 &&
	test_grep "^--wait  *-- " o3 &&
	test_grep -v "^--steps" o3 &&
	sed -n "/^== msr -c/,/^==/p" out >o4 &&
	test_grep "msr -c zdir/app.ini $" o4 &&
	sed -n "/^== msr lock/,/^==/p" out >o5 &&
	test_grep "^release  *status" o5 &&
	sed -n "/^== msr -u x ver/,\$p" out >o6 &&
	test_grep "msr -u x version $" o6
'
else
	test_skip 'zsh: _msr' 'zsh is not installed'
fi

# --- systemd ----------------------------------------------------------

# The unit, with this build's bindir in ExecStart=, as make install
# installs it.
unit=$(cd "$(dirname "$MSRTEST_BIN")/.." && pwd)/contrib/systemd/msr-migrate.service

# The msr arguments of ExecStart=.
execstart_args() {
	sed -n 's|^ExecStart=/[^ ]*/msr ||p' "$unit"
}

test_expect_success 'systemd: a oneshot unit that stays active, ordered before the application' '
	bindir=$(sed -n "s|^ExecStart=\\(/[^ @]*\\)/msr .*|\\1|p" "$unit") &&
	test -n "$bindir" &&
	for l in Type=oneshot RemainAfterExit=yes "Before=app.service" \
	    "ExecStart=$bindir/msr -c /etc/msr/msr.ini migrate --wait 60" \
	    StateDirectory=msr ProtectSystem=strict; do
		grep -x -e "$l" "$unit" || { echo "no $l" >&2; return 1; }
	done &&
	test_grep "^After=.*network-online.target" "$unit" &&
	test_grep "^After=.*postgresql.service" "$unit" &&
	test_grep "^Wants=network-online.target" "$unit"
'

if command -v systemd-analyze >/dev/null 2>&1 &&
    systemd-analyze verify --help >/dev/null 2>&1; then
test_expect_success 'systemd: systemd-analyze verify finds nothing to say of the unit' '
	mkdir sd &&
	: the unit that make install installs, and the msr it installs &&
	(
		cd "$(dirname "$MSRTEST_BIN")/.." &&
		unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS &&
		make install DESTDIR="$TRASH/sdinst"
	) >make.log 2>&1 &&
	find sdinst -name msr-migrate.service >found &&
	test "$(wc -l <found)" = 1 &&
	exe=$(sed -n "s|^ExecStart=\\([^ ]*\\) .*|\\1|p" "$(cat found)") &&
	test -x "sdinst$exe" &&
	: verify checks that ExecStart exists: where DESTDIR put it &&
	sed "s|^ExecStart=$exe |ExecStart=$TRASH/sdinst$exe |" "$(cat found)" \
	    >sd/msr-migrate.service &&
	test_grep "^ExecStart=$TRASH/sdinst$exe " sd/msr-migrate.service &&
	systemd-analyze verify --man=no sd/msr-migrate.service >out 2>&1 &&
	test_grep -v msr-migrate out &&
	: and it would, of a wrong key &&
	sed "s/^ProtectHome=/ProtectHom=/" sd/msr-migrate.service \
	    >sd/bad.service &&
	{ systemd-analyze verify --man=no sd/bad.service >out 2>&1 || :; } &&
	test_grep "bad.service:.*ProtectHom" out
'
else
	test_skip 'systemd: systemd-analyze verify' \
	    'systemd-analyze is not installed or has no verify'
fi

test_expect_success 'systemd: the arguments of ExecStart migrate an SQLite database in the state directory' '
	args=$(execstart_args) &&
	test -n "$args" &&
	mkdir -p state etc/msr &&
	mig m 1_a "CREATE TABLE a (x integer);" &&
	cat >etc/msr/msr.ini <<-EOF &&
	[database]
	url = sqlite:$TRASH/state/app.db
	[migrations]
	dir = $TRASH/m
	EOF
	(cd state && eval "msr $(echo "$args" |
	    sed "s|/etc/msr/msr.ini|$TRASH/etc/msr/msr.ini|")") 2>err &&
	test "$(sq state/app.db "SELECT version || state FROM msr_migrations")" = 1applied
'

# sysfilter.py UNIT TRACE...: every system call in the strace -f logs
# TRACE passes the SystemCallFilter= lines of UNIT, and every socket
# family RestrictAddressFamilies=; groups are expanded by systemd-analyze.
cat >sysfilter.py <<'EOF'
import re, subprocess, sys

groups = {}

def expand(name):
    if not name.startswith("@"):
        return {name}
    if name not in groups:
        groups[name] = set()
        out = subprocess.run(["systemd-analyze", "syscall-filter", name],
                             capture_output=True, text=True, check=True)
        for line in out.stdout.splitlines()[1:]:
            line = line.strip()
            if line and not line.startswith("#"):
                groups[name] |= expand(line)
    return groups[name]

allow, deny, families = set(), set(), None
for line in open(sys.argv[1]):
    key, _, value = line.strip().partition("=")
    if key == "SystemCallFilter":
        target = deny if value.startswith("~") else allow
        for name in value.lstrip("~").split():
            target |= expand(name)
    elif key == "RestrictAddressFamilies":
        families = set(value.split())
if not allow or families is None:
    sys.exit("sysfilter.py: the unit has no filters")
bad = []
for trace in sys.argv[2:]:
    calls, used = set(), set()
    for line in open(trace):
        m = re.match(r"\d+ +([a-z0-9_]+)\(", line)
        if m:
            calls.add(m.group(1))
        used |= set(re.findall(r"\bsocket\((AF_[A-Z0-9]+)", line))
    if len(calls) < 10:
        sys.exit("sysfilter.py: %s holds no system calls" % trace)
    bad += ["%s: system call %s" % (trace, c)
            for c in sorted(calls - (allow - deny))]
    bad += ["%s: socket family %s" % (trace, f)
            for f in sorted(used - families)]
sys.exit("\n".join(bad) if bad else 0)
EOF

# Under valgrind or sanitizers msr asks the kernel for more than it
# does: only a plain build has this test.
if [ -n "${MSRTEST_VALGRIND:-}${MSRTEST_SANITIZED:-}" ]; then
	:
elif command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null &&
    systemd-analyze syscall-filter @system-service >/dev/null 2>&1; then
test_expect_success 'systemd: what msr asks of the kernel passes the unit'"'"'s SystemCallFilter= and RestrictAddressFamilies=' '
	mkdir -p sc &&
	mig sc/m 1_a "CREATE TABLE a (x integer);" &&
	strace -f -qq -o sc/sqlite.trace "$MSRTEST_BIN" -u sqlite:sc/app.db \
	    -d sc/m migrate --wait 60 2>err &&
	if [ "${MSRTEST_HAVE_LIBPQ:-}" != no ]; then
		pg_newdb sc &&
		pgq sc "ALTER DATABASE sc OWNER TO msr_pw;
		    ALTER SCHEMA public OWNER TO msr_pw" &&
		printf %s pw_s3cret >sc/pw &&
		: a host name, so that the resolver runs too &&
		MSR_DATABASE_PASSWORD_FILE=sc/pw strace -f -qq -o sc/pg.trace \
		    "$MSRTEST_BIN" -d sc/m \
		    -u "postgresql://msr_pw@localhost:$PGPORT/sc?connect_timeout=5" \
		    migrate --wait 60 2>err &&
		test "$(pgq sc "SELECT count(*) FROM msr_migrations")" = 1
	fi &&
	python3 sysfilter.py "$unit" sc/*.trace
'
else
	test_skip 'systemd: SystemCallFilter= and RestrictAddressFamilies=' \
	    'no strace that works here, or no systemd-analyze'
fi

# --- Dockerfile -------------------------------------------------------

df=$C/Dockerfile

# stage N: the Nth stage of the Dockerfile, from its FROM line on.
stage() {
	awk -v n="$1" '/^FROM / { i++ } i == n' "$df"
}

# packages N: what stage N installs: the words after "apt-get install"
# up to the next "&&", continuation lines joined, options left out.
packages() {
	stage "$1" |
	awk '{ if (sub(/\\$/, "")) { buf = buf $0; next } print buf $0; buf = "" }' |
	sed -n 's/.*apt-get install \([^&]*\)&&.*/\1/p' | tr ' ' '\n' |
	grep -v -e '^-' -e '^$' | LC_ALL=C sort
}

test_expect_success 'Dockerfile: two stages on Debian, msr the entry point, a numeric user' '
	test "$(grep -c "^FROM " "$df")" = 2 &&
	test_grep "^ARG DEBIAN=debian:bookworm-slim$" "$df" &&
	stage 2 >final &&
	test_grep "^ENTRYPOINT \[\"msr\"\]$" final &&
	test_grep "^CMD \[\"--help\"\]$" final &&
	test_grep "^USER 10001:10001$" final &&
	test_grep "^ENV MSR_MIGRATIONS_DIR=/migrations$" final &&
	test_grep "^WORKDIR /migrations$" final &&
	! grep -e "-dev" final &&
	: the default command works &&
	msr --help >out &&
	test_grep "^usage: msr" out
'

if [ "$(id -u)" = 0 ] && useradd --help 2>&1 | grep -e "--prefix" >/dev/null; then
test_expect_success 'Dockerfile: its groupadd and useradd make the user of its USER line' '
	mkdir -p root/etc &&
	for f in passwd group shadow gshadow login.defs; do
		if [ -f /etc/$f ]; then cp /etc/$f root/etc/ || return 1; fi
	done &&
	: the same commands, on the copies in root/etc &&
	stage 2 | sed -n "/^RUN groupadd/,/[^\\]$/p" | sed -e "s/^RUN //" \
	    -e "s#groupadd #groupadd --prefix $TRASH/root #" \
	    -e "s#useradd #useradd --prefix $TRASH/root #" >user.sh &&
	: never the real /etc &&
	test "$(grep -c "add --prefix $TRASH/root " user.sh)" = 2 &&
	test "$(grep -o "add " user.sh | wc -l)" = 2 &&
	sh -e user.sh 2>err &&
	user=$(sed -n "s/^USER //p" "$df") &&
	test "$(grep "^msr:" root/etc/passwd | cut -d: -f 3,4)" = "$user" &&
	test "$(grep "^msr:" root/etc/group | cut -d: -f 3)" = "${user#*:}" &&
	test "$user" != 0:0
'
else
	test_skip 'Dockerfile: groupadd and useradd' 'not root, or a useradd without --prefix'
fi

test_expect_success 'Dockerfile: the runtime packages are sqlite3, libpq, inih and CA certificates' '
	packages 2 >pkgs &&
	printf "%s\n" ca-certificates libinih1 libpq5 libsqlite3-0 >expect &&
	test_cmp expect pkgs
'

if command -v apt-cache >/dev/null 2>&1 &&
    apt-cache show libc6 >/dev/null 2>&1; then
test_expect_success 'Dockerfile: apt knows every package it installs' '
	packages 1 >build-pkgs &&
	test_grep "^libinih-dev$" build-pkgs &&
	cat build-pkgs pkgs >all &&
	while read -r p; do
		apt-cache show "$p" >/dev/null 2>&1 ||
		    { echo "apt-cache knows no $p" >&2; return 1; }
	done <all
'
else
	test_skip 'Dockerfile: apt knows every package' 'no apt lists here'
fi

if command -v readelf >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
test_expect_success 'Dockerfile: the runtime packages hold every library msr is linked with' '
	readelf -d "$MSRTEST_BIN" | sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p" >needed &&
	test_grep libsqlite3 needed &&
	while read -r so; do
		case $so in
		libc.so.*|libm.so.*|libasan.so.*|libubsan.so.*) continue ;;
		esac
		p=$(dpkg -S "/$so" 2>/dev/null | sed -n "1s/:.*//p")
		[ -n "$p" ] || p=$(dpkg -S "$so" | sed -n "1s/:.*//p")
		grep -x -e "$p" pkgs ||
		    { echo "$so comes from $p, not installed by the Dockerfile" >&2
		    return 1; }
	done <needed
'
else
	test_skip 'Dockerfile: runtime libraries' 'no readelf or dpkg here'
fi

# The build tree, for the Dockerfile's make install-strip.
build=$(cd "$(dirname "$MSRTEST_BIN")/.." && pwd)
if [ -f "$build/Makefile" ]; then
test_expect_success 'Dockerfile: what it copies from the build stage is what make install-strip installs' '
	grep "^COPY --from=build " "$df" >copies &&
	test "$(wc -l <copies)" = 2 &&
	(
		cd "$build" &&
		unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS &&
		make install-strip prefix=/usr DESTDIR="$TRASH/dest"
	) >make.log 2>&1 &&
	: the build stage installs in /out, which is dest here &&
	while read -r copy from src dst; do
		test -e "$TRASH/dest${src#/out}" || { echo "no $src" >&2; return 1; }
		test "$dst" = "${src#/out}" || return 1
	done <copies &&
	test_grep "DESTDIR=/out$" "$df" &&
	"$TRASH/dest/usr/bin/msr" --version >out &&
	test_grep "^msr " out
'
else
	test_skip 'Dockerfile: make install-strip' "no Makefile in $build"
fi

# Building the image needs a docker daemon, which CI has not: the stages
# are checked piece by piece above, and the build itself only when
# MSRTEST_DOCKER is set.
if [ -z "${MSRTEST_DOCKER:-}" ]; then
	:
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
test_expect_success 'Dockerfile: docker builds the image, which runs msr' '
	tag=msr-t0910:$$ &&
	docker build -q -f "$df" -t "$tag" "$MSRTEST_SRCDIR" >out 2>&1 &&
	docker run --rm "$tag" --version >out &&
	docker image rm "$tag" >/dev/null &&
	test_grep "^msr " out
'
else
	test_skip 'Dockerfile: docker build' 'MSRTEST_DOCKER is set, but no docker daemon answers'
fi

# --- docker-compose.yml and Kubernetes: structure ---------------------

# contrib.py: reads the YAML files and the Dockerfile; "check" asserts
# their structure, "run" prints a shell script that runs the msr command
# lines of a service or pod with the environment they give msr, its
# values adapted to this test: a postgres:// URL becomes $URL, a file in
# /run/secrets/ $PWFILE, /migrations $MIGDIR, and PGPASSWORD $PASSWORD.
cat >contrib.py <<'EOF'
import json, os, shlex, sys
import yaml

C = os.path.join(os.environ["MSRTEST_SRCDIR"], "contrib")

def load(name):
    with open(os.path.join(C, name)) as f:
        return list(yaml.safe_load_all(f))

def fail(msg):
    sys.exit("contrib.py: " + msg)

def expect(cond, msg):
    if not cond:
        fail(msg)

def image_env_and_entrypoint():
    env, entry = {}, None
    with open(os.path.join(C, "Dockerfile")) as f:
        for line in f:
            if line.startswith("FROM "):
                env, entry = {}, None
            elif line.startswith("ENV "):
                k, v = line[4:].strip().split("=", 1)
                env[k] = v
            elif line.startswith("ENTRYPOINT "):
                entry = json.loads(line[11:])
    return env, entry

def adapt(name, value):
    if name == "PGPASSWORD":
        return os.environ["PASSWORD"]
    if value.startswith(("postgres://", "postgresql://")):
        return os.environ["URL"]
    if value.startswith("/run/secrets/"):
        return os.environ["PWFILE"]
    if value == "/migrations":
        return os.environ["MIGDIR"]
    return value

def script(env, argv, image=True):
    # image: msr's image, with its environment; else the application's.
    image_env, entry = image_env_and_entrypoint()
    expect(entry == ["msr"], "the entry point is not msr")
    full = dict(image_env) if image else {}
    full.update(env)
    words = ["env", "-i", "PATH=" + os.environ["PATH"],
             "HOME=" + os.environ["HOME"]]
    words += ["%s=%s" % (k, adapt(k, v)) for k, v in sorted(full.items())]
    words += ['$MSRTEST_VALGRIND "$MSRTEST_BIN"'] + list(argv)
    print(" ".join(w if "$MSRTEST_BIN" in w else shlex.quote(w)
                   for w in words) + " || exit $?")

def compose():
    (doc,) = load("docker-compose.yml")
    return doc["services"]

def k8s_secret():
    (s,) = load("k8s/secret.yaml")
    expect(s["kind"] == "Secret", "secret.yaml holds no Secret")
    return s["metadata"]["name"], s["stringData"]

def container_env(c):
    name, data = k8s_secret()
    env = {}
    for ref in c.get("envFrom", []):
        expect(ref["secretRef"]["name"] == name,
               "envFrom names a Secret other than " + name)
        env.update(data)
    for e in c.get("env", []):
        env[e["name"]] = e["value"]
    return env

def check_compose():
    (doc,) = load("docker-compose.yml")
    db, mig, app = (doc["services"][n] for n in ("db", "migrate", "app"))
    expect(db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"],
           "db has no pg_isready healthcheck")
    expect(mig["command"] == ["migrate", "--wait", "60"],
           "migrate does not run migrate --wait 60")
    expect(mig["build"]["dockerfile"] == "contrib/Dockerfile",
           "migrate is not built from contrib/Dockerfile")
    expect(os.path.isfile(os.path.join(C, mig["build"]["context"],
                                       "contrib/Dockerfile")),
           "the build context is not msr's source tree")
    expect(mig["depends_on"]["db"]["condition"] == "service_healthy",
           "migrate does not wait for a healthy db")
    expect(app["depends_on"]["migrate"]["condition"]
           == "service_completed_successfully",
           "app does not wait for migrate to succeed")
    env = mig["environment"]
    secret = env["MSR_DATABASE_PASSWORD_FILE"]
    expect(secret.startswith("/run/secrets/") and
           secret[len("/run/secrets/"):] in mig["secrets"],
           "the password file is not a secret of the service")
    # migrate is the migration role of the README's "Least privilege":
    # the superuser's password stays with db, which gives migrator its
    # own when its init SQL makes the role.
    expect(env["MSR_DATABASE_URL"].startswith("postgres://migrator@db/"),
           "migrate does not connect as migrator")
    su = db["environment"]["POSTGRES_PASSWORD_FILE"]
    expect(su != secret and su[len("/run/secrets/"):] not in mig["secrets"],
           "migrate has the superuser's password")
    expect(secret[len("/run/secrets/"):] in db["secrets"],
           "db cannot give migrator the password of migrate")
    expect(env.get("MSR_MIGRATIONS_SCHEMA") == "msr" and
           env.get("MSR_POSTGRES_SEARCH_PATH") == "app",
           "migrate has not the settings of the README for migrator")
    inits = [v.split(":") for v in db["volumes"]
             if ":/docker-entrypoint-initdb.d/" in v]
    expect(len(inits) == 1 and
           os.path.isfile(os.path.join(C, inits[0][0])),
           "db mounts no init SQL of contrib/ in /docker-entrypoint-initdb.d")
    expect(any(v.split(":")[1] == "/usr/share/msr/postgres.sql" and
               os.path.isfile(os.path.join(C, v.split(":")[0]))
               for v in db["volumes"]),
           "db has not msr's postgres.sql where the init SQL reads it")
    expect(any(v.split(":")[1] == env["MSR_MIGRATIONS_DIR"]
               for v in mig["volumes"]),
           "nothing is mounted on MSR_MIGRATIONS_DIR")
    expect(set(db["secrets"]) | set(mig["secrets"]) <= set(doc["secrets"]),
           "a secret is not defined")

def pod(kind):
    if kind == "job":
        (job,) = load("k8s/migrate-job.yaml")
        return job["spec"]["template"]["spec"]
    (dep,) = load("k8s/init-container.yaml")
    return dep["spec"]["template"]["spec"]

def app_container():
    (dep,) = load("k8s/init-container.yaml")
    apps = [c for c in dep["spec"]["template"]["spec"]["containers"]
            if c["name"] == "app"]
    expect(len(apps) == 1, "init-container.yaml has no container app")
    return apps[0]

def check_k8s():
    (job,) = load("k8s/migrate-job.yaml")
    expect(job["apiVersion"] == "batch/v1" and job["kind"] == "Job",
           "migrate-job.yaml is not a batch/v1 Job")
    spec = job["spec"]
    expect(isinstance(spec.get("backoffLimit"), int), "no backoffLimit")
    expect(isinstance(spec.get("activeDeadlineSeconds"), int),
           "no activeDeadlineSeconds")
    expect(spec["template"]["spec"]["restartPolicy"] == "Never",
           "restartPolicy is not Never")
    (dep,) = load("k8s/init-container.yaml")
    expect(dep["apiVersion"] == "apps/v1" and dep["kind"] == "Deployment",
           "init-container.yaml is not an apps/v1 Deployment")
    tmpl = dep["spec"]["template"]
    expect(dep["spec"]["selector"]["matchLabels"].items()
           <= tmpl["metadata"]["labels"].items(),
           "the selector does not match the pod's labels")
    inits = tmpl["spec"]["initContainers"]
    expect([c["args"][0] for c in inits] == ["wait", "migrate"],
           "the init containers do not wait, then migrate")
    for c in inits + job["spec"]["template"]["spec"]["containers"]:
        expect(c["securityContext"]["allowPrivilegeEscalation"] is False,
               c["name"] + " may escalate")
        expect("envFrom" in c, c["name"] + " takes nothing from the Secret")
    app = app_container()
    cmd = app["readinessProbe"]["exec"]["command"]
    expect(cmd[:-1] == ["msr", "-q", "version", "--expect-at-least"] and
           cmd[-1].isdigit(), "the readiness probe of app is not"
           " msr -q version --expect-at-least VERSION")
    expect("MSR_MIGRATIONS_DIR" not in container_env(app),
           "the readiness probe of app has a migrations directory")

def subset(small, big, path):
    if isinstance(small, dict):
        expect(isinstance(big, dict), path + " is not a mapping")
        for k, v in small.items():
            expect(k in big, path + "." + str(k) + " is missing")
            subset(v, big[k], path + "." + str(k))
    elif isinstance(small, list) and small and isinstance(small[0], dict):
        expect(isinstance(big, list) and len(big) == len(small),
               path + " differs in length")
        for i, (a, b) in enumerate(zip(small, big)):
            subset(a, b, "%s[%d]" % (path, i))
    else:
        expect(small == big, "%s: %r in msr.1, %r in contrib" %
               (path, small, big))

def man_example(start):
    # The first literal display of msr.1 EXAMPLES that starts with START.
    lines, out, on = open(os.path.join(C, "..", "man", "msr.1")).read() \
        .split("\n"), [], False
    for l in lines:
        if not on and l == start:
            on = True
        if on and l == ".Ed":
            break
        if on:
            out.append(l.replace("\\e", "\\"))
    expect(out, "msr.1 has no example starting with " + start)
    return yaml.safe_load("\n".join(out))

def check_man():
    subset(man_example("services:"), load("docker-compose.yml")[0],
           "compose")
    subset(man_example("initContainers:"), pod("init"), "initContainers")

def init_sql():
    # The init SQL of db, as a path in contrib/.
    (doc,) = load("docker-compose.yml")
    for v in doc["services"]["db"]["volumes"]:
        if ":/docker-entrypoint-initdb.d/" in v:
            print(v.split(":")[0])

def host_paths():
    # The files and directories of the host that docker-compose.yml
    # names by a relative path, which Compose resolves against its
    # directory.
    (doc,) = load("docker-compose.yml")
    for s in doc["secrets"].values():
        print(s["file"])
    for svc in doc["services"].values():
        for v in svc.get("volumes", []):
            src = v.split(":")[0]
            if src.startswith("."):
                print(src)

what = sys.argv[1]
if what == "paths":
    host_paths()
elif what == "init":
    init_sql()
elif what == "check":
    {"compose": check_compose, "k8s": check_k8s, "man": check_man}[
        sys.argv[2]]()
elif what == "run" and sys.argv[2] == "compose":
    svc = compose()[sys.argv[3]]
    script(svc["environment"], svc["command"])
elif what == "run" and sys.argv[2] == "probe":
    # The application's readiness probe, with the version of argv[3].
    app = app_container()
    cmd = list(app["readinessProbe"]["exec"]["command"])
    expect(cmd[0] == "msr", "the readiness probe does not run msr")
    if len(sys.argv) > 3:
        cmd[-1] = sys.argv[3]
    script(container_env(app), cmd[1:], image=False)
elif what == "run":
    p = pod(sys.argv[2])
    for c in p.get("initContainers", []) + (
            p["containers"] if sys.argv[2] == "job" else []):
        script(container_env(c), c["args"])
EOF

if [ -n "$have_yaml" ]; then
test_expect_success 'docker-compose.yml: db with a healthcheck, migrate running migrate --wait 60 as migrator with its own secret, app after migrate succeeded' '
	python3 contrib.py check compose
'

test_expect_success 'docker-compose.yml: its init SQL is the README'"'"'s least-privilege SQL, and a password from a secret' '
	python3 contrib.py init >init &&
	test "$(cat init)" = ./least-privilege.sql &&
	awk "/^\`\`\`sql\$/ { inb = 1; next } /^\`\`\`/ { inb = 0 } inb" \
	    "$MSRTEST_SRCDIR/README.md" >readme.sql &&
	test "$(wc -l <readme.sql)" -gt 10 &&
	grep -v -e "^--" -e "^\$" -e "^\\\\set migrator_password " \
	    -e "^ALTER ROLE migrator PASSWORD " -e "^\\\\unset " \
	    "$C/least-privilege.sql" >init-core &&
	test_cmp readme.sql init-core &&
	test_grep "^\\\\set migrator_password \`cat /run/secrets/migrator_password\`\$" \
	    "$C/least-privilege.sql"
'

# The command lines of docker-compose.yml's header ("#   " and a
# command), and those of them that need a docker daemon, which CI has
# not: the others run.
compose_header() {
	sed -n '/^services:/q; s/^#   \([^ ].*\)$/\1/p' "$C/docker-compose.yml"
}
compose_cannot_run='^docker '

test_expect_success 'docker-compose.yml: its header, run from the top of the tree, makes the files it names' '
	compose_header >header &&
	test "$(wc -l <header)" -ge 3 &&
	grep -e "$compose_cannot_run" header >docker-lines &&
	test "$(wc -l <docker-lines)" = 1 &&
	grep -v -e "$compose_cannot_run" header >header.sh &&
	mkdir -p top/contrib top/sql &&
	: and the files of the tree that it names &&
	cp "$C/docker-compose.yml" "$C/least-privilege.sql" top/contrib/ &&
	cp "$MSRTEST_SRCDIR/sql/postgres.sql" top/sql/ &&
	(cd top && sh -e "$TRASH/header.sh") &&
	python3 contrib.py paths >paths &&
	test "$(wc -l <paths)" -ge 5 &&
	while read -r p; do
		test -e "top/contrib/$p" ||
		    { echo "no $p beside docker-compose.yml" >&2; return 1; }
	done <paths &&
	test -s top/contrib/postgres_password.txt &&
	test -s top/contrib/migrator_password.txt &&
	! cmp -s top/contrib/postgres_password.txt top/contrib/migrator_password.txt
'

test_expect_success 'k8s: a Job that is not restarted in place, a Deployment with init containers that wait, then migrate, and a readiness probe of version --expect-at-least' '
	python3 contrib.py check k8s
'

test_expect_success 'msr.1: the inline Compose and init container examples say what the contrib files say' '
	python3 contrib.py check man
'
else
	test_skip 'docker-compose.yml and k8s: structure' 'no python3 yaml module'
fi

# --- the command lines, for real --------------------------------------

# run_example DB KIND [SERVICE]: runs the msr command lines of the
# example on database DB over TCP as the role msr_pw, whose password
# only the example's password setting gives.
run_example() {
	pg_newdb "$1" &&
	pgq "$1" "ALTER DATABASE $1 OWNER TO msr_pw;
	    ALTER SCHEMA public OWNER TO msr_pw" &&
	rm -rf mig && mkdir mig &&
	mig mig 0001_users "CREATE TABLE users (id bigint PRIMARY KEY);" \
	    "DROP TABLE users;" &&
	mig mig 0002_orders "CREATE TABLE orders (id bigint PRIMARY KEY,
	    user_id bigint REFERENCES users);" "DROP TABLE orders;" &&
	printf %s pw_s3cret >db_password &&
	URL=$(pg_tcp_url "$1" msr_pw) PWFILE=$TRASH/db_password \
	    MIGDIR=$TRASH/mig PASSWORD=pw_s3cret \
	    python3 contrib.py run "$2" ${3:+"$3"} >"run-$2.sh" &&
	cat "run-$2.sh" &&
	test -s "run-$2.sh" &&
	mkdir -p cwd && (cd cwd && . "$TRASH/run-$2.sh") &&
	test "$(pgq "$1" "SELECT string_agg(version || state, ' '
	    ORDER BY version) FROM msr_migrations")" = "1applied 2applied" &&
	test "$(pgq "$1" "SELECT count(*) FROM orders")" = 0
}

if [ "${MSRTEST_HAVE_LIBPQ:-}" = no ]; then
	: only a build with the driver has this test
elif [ -z "$have_yaml" ]; then
	test_skip 'examples run against PostgreSQL' 'no python3 yaml module'
else
test_expect_success 'the role of these tests needs its password' '
	pg_newdb pw &&
	test_expect_code 3 msr -u "$(pg_tcp_url pw msr_pw)" -d . status \
	    </dev/null 2>err &&
	test_grep "password" err
'

test_expect_success 'docker-compose.yml: the init SQL of db, then the migrate service as migrator' '
	pg_newdb app &&
	: as the postgres image runs it: psql, as the superuser, in POSTGRES_DB &&
	sed -e "s|/run/secrets/migrator_password|$TRASH/migrator_password|" \
	    -e "s|^\\\\i /usr/share/msr/postgres.sql\$|\\\\i $MSRTEST_SRCDIR/sql/postgres.sql|" \
	    "$C/least-privilege.sql" >init.sql &&
	test "$(diff "$C/least-privilege.sql" init.sql | grep -c "^>")" = 2 &&
	printf %s mig_s3cret >migrator_password &&
	pg_psql app -f init.sql >out 2>err &&
	test_must_be_empty err &&
	rm -rf mig && mkdir mig &&
	mig mig 0001_users "CREATE TABLE users (id serial PRIMARY KEY);" \
	    "DROP TABLE users;" &&
	mig mig 0002_orders "CREATE TABLE orders (id bigint PRIMARY KEY,
	    user_id bigint REFERENCES users);" "DROP TABLE orders;" &&
	: migrator needs the password of its secret &&
	printf %s wrong >wrong_password &&
	(MSR_DATABASE_PASSWORD_FILE=$TRASH/wrong_password &&
	    export MSR_DATABASE_PASSWORD_FILE &&
	    test_expect_code 3 msr -u "$(pg_tcp_url app migrator)" -d mig status) 2>err &&
	test_grep "password authentication failed" err &&
	URL=$(pg_tcp_url app migrator) PWFILE=$TRASH/migrator_password \
	    MIGDIR=$TRASH/mig python3 contrib.py run compose migrate >run-compose.sh &&
	test_grep " migrate --wait 60 " run-compose.sh &&
	test_grep "MSR_POSTGRES_SEARCH_PATH=app" run-compose.sh &&
	mkdir -p cwd && (cd cwd && . "$TRASH/run-compose.sh") 2>err &&
	test_grep "applied 2 migrations" err &&
	test "$(pgq app "SELECT string_agg(version || state || applied_by, '"'"' '"'"'
	    ORDER BY version) FROM msr.msr_migrations")" = "1appliedmigrator 2appliedmigrator" &&
	test "$(pgq app "SELECT string_agg(schemaname || '"'"'.'"'"' || tablename || '"'"' '"'"' || tableowner,
	    '"'"', '"'"' ORDER BY schemaname, tablename) FROM pg_tables
	    WHERE schemaname IN ('"'"'app'"'"', '"'"'msr'"'"', '"'"'public'"'"')")" = \
	    "app.orders migrator, app.users migrator, msr.msr_migrations postgres, msr.msr_migrations_lock postgres, msr.msr_migrations_log postgres" &&
	: and app_user may use the rows only &&
	test "$(pgq app "SELECT has_table_privilege('"'"'app_user'"'"', '"'"'app.users'"'"', '"'"'INSERT'"'"'),
	    has_table_privilege('"'"'app_user'"'"', '"'"'app.users'"'"', '"'"'TRUNCATE'"'"')")" = "t|f"
'

test_expect_success 'k8s: the Job'"'"'s msr command line and environment migrate' '
	run_example d_job job >out 2>&1 &&
	test_grep " migrate --wait 60 " out
'

test_expect_success 'k8s: the init containers wait for the database, then migrate it' '
	run_example d_init init >out 2>&1 &&
	test_grep " wait --timeout 120 " out &&
	test "$(grep -c "MSRTEST_BIN" "run-init.sh")" = 2
'

# probe [VERSION]: runs the readiness probe of the application's
# container, with VERSION if given, where there are no migrations.
probe() {
	URL=$(pg_tcp_url d_init msr_pw) PASSWORD=pw_s3cret \
	    python3 contrib.py run probe ${1:+"$1"} >run-probe.sh &&
	cat run-probe.sh >&2 &&
	mkdir -p app &&
	(cd app && . "$TRASH/run-probe.sh")
}

test_expect_success 'k8s: the readiness probe reads the version without the migrations, and an older one is ready' '
	test_expect_code 5 probe 2>err &&
	test_grep " version --expect-at-least 20250115010000" err &&
	test_grep "at version 2, expected 20250115010000 or newer" err &&
	probe 2 >out 2>err &&
	echo 2 >want &&
	test_cmp want out &&
	probe 0001 >out 2>err &&
	test_cmp want out &&
	test_expect_code 5 probe 3 2>err &&
	test_grep "at version 2, expected 3 or newer" err
'

test_expect_success 'systemd: the shell line of the unit'"'"'s header reads the credential of its config' '
	sed -n "s/^#   \(sudo .*\)$/\1/p" "$unit" >sd-shell &&
	test "$(wc -l <sd-shell)" = 1 &&
	: not as root, and the files of /etc/msr in etc-msr &&
	sed -e "s/^sudo //" -e "s|/etc/msr|$TRASH/etc-msr|g" \
	    -e "s| msr | \$MSRTEST_VALGRIND \"\$MSRTEST_BIN\" |" sd-shell >sd-shell.sh &&
	test_grep "CREDENTIALS_DIRECTORY=$TRASH/etc-msr " sd-shell.sh &&
	pg_newdb d_unit &&
	mkdir -p etc-msr &&
	mig etc-msr/mig 0001_users "CREATE TABLE users (id bigint);" &&
	printf %s pw_s3cret >etc-msr/db_password &&
	cat >etc-msr/msr.ini <<-EOF &&
	[database]
	url = $(pg_tcp_url d_unit msr_pw)
	password_file = \${CREDENTIALS_DIRECTORY}/db_password

	[migrations]
	dir = $TRASH/etc-msr/mig
	EOF
	chmod 600 etc-msr/msr.ini &&
	mkdir -p cwd && (cd cwd && . "$TRASH/sd-shell.sh") >out 2>err &&
	test_grep "^0001  *users  *pending" out
'
fi

test_done
