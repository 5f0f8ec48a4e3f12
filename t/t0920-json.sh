#!/bin/sh
test_description='--json: every event line and the status document, field by
field, against the lists of msr.1 (sections "JSON events" and "Status
document")'
. "${MSRTEST_SRCDIR:-..}/t/test-lib.sh"

command -v python3 >/dev/null 2>&1 ||
    test_require python3 "sh scripts/deps installs it"

u() {
	db_url "$1"
}

# jl.py: what the tests below share.  doc() reads the member lists of
# msr.1, each ".It Li NAME Pq TYPE" (TYPE: string, number, boolean,
# array, or two of them joined by " or "), below ".It Li EVENT" items
# (", " between names) in "JSON events", and at the two levels of
# "Status document".  events(FILE) reads msr's standard output and checks
# every line against them.
cat >jl.py <<\EOF
import datetime, json, os, re

MAN = os.path.join(os.environ["MSRTEST_SRCDIR"], "man", "msr.1")
UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DRIVER = os.environ["MSRTEST_DRIVER"]

def section(name):
    out, on = [], False
    for line in open(MAN):
        line = line.rstrip("\n")
        if line.startswith((".Ss ", ".Sh ")):
            on = line == ".Ss " + name
            continue
        if on:
            out.append(line)
    assert out, "no section " + name
    return out

def members(lines):
    """[(depth, name, types or None, body lines)] of the .It items; a
    list deeper than the members (the values of one) is in its body."""
    items, depth = [], 0
    for line in lines:
        inner = depth > 2 or depth == 2 and line.startswith(".Bl ")
        if line.startswith(".Bl "):
            depth += 1
        elif line == ".El":
            depth -= 1
        if inner:
            items[-1][3].append(line)
        elif line.startswith((".Bl ", ".El")):
            pass
        elif line.startswith(".It "):
            m = re.match(r"^\.It Li (\S+) Pq (.+)$", line)
            if m:
                items.append((depth, m.group(1),
                              set(m.group(2).split(" or ")), []))
            else:
                m = re.match(r"^\.It Li (.+)$", line)
                assert m, "unexpected item: " + line
                names = [n.strip() for n in m.group(1).split(",")]
                items.append((depth, names, None, []))
        elif items:
            items[-1][3].append(line)
    assert depth == 0, "unbalanced lists"
    return items

def doc():
    """({event: {member: types}}, top members, migration members,
    states) as msr.1 documents them."""
    common, ev, cur = {}, {}, []
    for depth, name, types, _ in members(section("JSON events")):
        if types is None:
            assert depth == 1, name
            cur = name
            for n in cur:
                ev[n] = dict(common)
        elif depth == 1:
            assert not ev, "common members after the events: " + name
            common[name] = types
        else:
            assert depth == 2 and cur, name
            for n in cur:
                ev[n][name] = types
    top, mig, states = {}, {}, []
    for depth, name, types, body in members(section("Status document")):
        assert types is not None, name
        (top if depth == 1 else mig)[name] = types
        if depth == 2 and name == "state":
            states = [re.match(r"^\.Ql (\S+)", l).group(1)
                      for l in body if l.startswith(".Ql ")]
    return ev, top, mig, states

def optional():
    """{event: members msr.1 says may be absent ("absent when")}."""
    out, cur = {}, []
    for depth, name, types, body in members(section("JSON events")):
        if types is None:
            cur = name
        elif depth == 2 and any("absent" in l for l in body):
            for n in cur:
                out.setdefault(n, set()).add(name)
    return out

OPTIONAL = optional()

def outcomes():
    """The values of migration_failed's outcome, as msr.1 lists them."""
    for depth, name, types, body in members(section("JSON events")):
        if name == "outcome":
            return [l.split()[2] for l in body if l.startswith(".It Li ")]
    assert False, "no outcome"

def typeok(v, types):
    for t in types:
        if t == "string" and isinstance(v, str):
            return True
        if t == "number" and isinstance(v, int) and \
           not isinstance(v, bool):
            return True
        if t == "boolean" and isinstance(v, bool):
            return True
        if t == "null" and v is None:
            return True
        if t == "array" and isinstance(v, list):
            return True
    return False

def lines(path):
    """The JSON objects of path, one per line and nothing else."""
    text = open(path, encoding="utf-8").read()
    assert text == "" or text.endswith("\n"), "no newline at the end"
    out = []
    for line in text.split("\n")[:-1]:
        pairs = json.loads(line, object_pairs_hook=lambda p: p)
        assert isinstance(pairs, list), line
        keys = [k for k, _ in pairs]
        assert len(set(keys)) == len(keys), "a member twice: " + line
        out.append((keys, json.loads(line)))
    return out

def when(t):
    assert UTC.match(t), t
    return datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")

def events(path, absent=()):
    """The events of path, each checked against msr.1: the member
    set, the types, the time.  absent: members that may be missing."""
    ev = doc()[0]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    out, last, runs = [], None, set()
    for keys, e in lines(path):
        if e["event"] == "error":
            assert keys[:2] == ["event", "time"] and "run_id" not in e, keys
        else:
            assert keys[:3] == ["event", "time", "run_id"], keys
            assert re.match(r"^[0-9a-f]{32}$", e["run_id"]), e
            runs.add(e["run_id"])
        assert len(runs) <= 1, "two runs in one: %r" % e
        assert e["event"] in ev, "undocumented event: %r" % e
        want = dict(ev[e["event"]])
        if e["event"] == "error":
            del want["run_id"]
        # A member whose description says when it is absent may be.
        missing = set(want) - set(e) - set(absent) - OPTIONAL.get(e["event"], set())
        assert not missing and set(e) <= set(want), \
            "members %s, documented %s" % (sorted(e), sorted(want))
        for k, v in e.items():
            assert typeok(v, want[k]), "%s: %r is not %s" % (k, v, want[k])
        t = when(e["time"])
        assert abs((t - now).total_seconds()) < 600, "not UTC: %r" % e
        assert last is None or t >= last, "time goes back: %r" % e
        last = t
        for k in ("duration_ms", "done", "line", "column"):
            assert e.get(k) is None or e[k] >= 0, e
        for k in ("version", "name", "file", "error", "message"):
            assert e.get(k) is None or e[k] != "", e
        out.append(e)
    return out

def names(evs):
    return [e["event"] for e in evs]
EOF

export MSRTEST_DRIVER
# msr runs in a time zone far from UTC: times must not follow it.
TZ=XST-5:45
export TZ

test_expect_success 'msr.1 lists the members of every event msr prints' '
	python3 - <<-\PY
	import os, re
	from jl import doc, outcomes
	ev, top, mig, states = doc()
	src = os.path.join(os.environ["MSRTEST_SRCDIR"], "src")
	seen = set()
	for f in os.listdir(src):
	    if not f.endswith(".c") or f == "log.c":
	        continue
	    text = open(os.path.join(src, f)).read()
	    for m in re.finditer(r"\blog_event\(", text):
	        head = text[m.end():text.index("\", \"", m.end()) + 1]
	        seen |= set(re.findall(r"\"([a-z_]+)\"", head))
	assert seen == set(ev), (sorted(seen), sorted(ev))
	for n, m in ev.items():
	    assert list(m)[:2] == ["event", "time"], (n, m)
	    assert len(m) > 2, n
	assert set(top) == {"database", "version", "migrations", "lock"}, top
	text = open(os.path.join(src, "cmd_status.c")).read()
	body = re.search(r"state_names\[\] = \{([^}]*)\}", text).group(1)
	assert re.findall(r"\"([a-z-]+)\"", body) == states, states
	text = open(os.path.join(src, "apply.c")).read()
	assert re.findall(r"#define FAILED_[A-Z_]+\s+\"([a-z_]+)\"", text) == \
	    outcomes(), outcomes()
	PY
'

# The migrations of the runs below: one of each mode, all with a down
# file.
test_expect_success 'migrate: started and applied for each, then summary' '
	db_new app &&
	mig m 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig m 2_b "-- msr:no-transaction
CREATE TABLE IF NOT EXISTS b (x integer);" "DROP TABLE b;" &&
	mig m 3_c "BEGIN;
CREATE TABLE c (x integer);
COMMIT;" "DROP TABLE c;" &&
	msr --json -u "$(u app)" -d m migrate >out 2>err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_applied"] * 3 + \
	    ["summary"], names(ev)
	st, ap = ev[0:6:2], ev[1:6:2]
	assert [e["version"] for e in st] == ["1", "2", "3"], st
	assert [e["name"] for e in st] == ["a", "b", "c"], st
	assert [e["direction"] for e in st] == ["up"] * 3, st
	assert [e["mode"] for e in st] == ["transaction", "no transaction",
	    "transaction, own block"], st
	assert [(e["version"], e["name"]) for e in ap] == \
	    [("1", "a"), ("2", "b"), ("3", "c")], ap
	s = ev[-1]
	assert s["ok"] is True and s["done"] == 3 and s["version"] == "3", s
	assert "duration_ms" in s, s
	PY
'

test_expect_success 'nothing to do: one summary, without duration_ms' '
	msr --json -u "$(u app)" -d m migrate >out 2>err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out", absent=["duration_ms"])
	assert names(ev) == ["summary"], ev
	s = ev[0]
	assert "duration_ms" not in s, s
	assert s["ok"] is True and s["done"] == 0 and s["version"] == "3", s
	PY
'

test_expect_success 'a failed statement: its line, column and code; ok false, exit 1' '
	mig m 4_bad "CREATE TABLE d (x integer);
  INSERT INTO no_such VALUES (1);" &&
	test_expect_code 1 msr --json -u "$(u app)" -d m migrate >out 2>err &&
	python3 - <<-\PY
	from jl import events, names, DRIVER
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_failed",
	    "summary"], names(ev)
	f = ev[1]
	assert (f["version"], f["name"], f["direction"]) == \
	    ("4", "bad", "up"), f
	assert f["file"] == "m/4_bad.up.sql", f
	# SQLite names the statement, PostgreSQL the table in it.
	assert (f["line"], f["column"]) == (2, {"sqlite": 3, "pg": 15}[DRIVER]), f
	assert "no_such" in f["error"], f
	assert f["code"] == {"sqlite": "SQLITE_ERROR",
	    "pg": "42P01"}[DRIVER], f
	assert (f["detail"], f["hint"]) == (None, None), f
	assert (f["outcome"], f["statements_done"], f["statements"]) == \
	    ("rolled_back", 0, 2), f
	s = ev[-1]
	assert s["ok"] is False and s["done"] == 0 and s["version"] == "3", s
	PY
'

test_expect_success 'down: rolled_back; a failed down file, direction down' '
	rm m/4_bad.up.sql &&
	msr --json -u "$(u app)" -d m down --steps 1 >out 2>err &&
	echo "DROP TABLE no_such;" >m/1_a.down.sql &&
	test_expect_code 1 msr --json -u "$(u app)" -d m down --all >out2 2>err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_rolled_back",
	    "summary"], names(ev)
	assert ev[0]["direction"] == "down" and ev[0]["version"] == "3", ev
	assert ev[0]["mode"] == "transaction", ev
	assert (ev[1]["version"], ev[1]["name"]) == ("3", "c"), ev
	assert ev[2]["ok"] is True and ev[2]["done"] == 1, ev
	assert ev[2]["version"] == "2", ev
	ev = events("out2")
	assert names(ev) == ["migration_started", "migration_rolled_back",
	    "migration_started", "migration_failed", "summary"], names(ev)
	f = ev[3]
	assert f["direction"] == "down" and f["file"] == "m/1_a.down.sql", f
	assert (f["line"], f["column"]) == (1, 1), f
	assert (f["outcome"], f["statements_done"], f["statements"]) == \
	    ("rolled_back", 0, 1), f
	assert ev[4]["ok"] is False and ev[4]["done"] == 1, ev
	assert ev[4]["version"] == "1", ev
	PY
'

test_expect_success 'redo: a summary for the down step and one for the up step' '
	echo "DROP TABLE a;" >m/1_a.down.sql &&
	msr --json -u "$(u app)" -d m redo >out 2>err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_rolled_back",
	    "summary", "migration_started", "migration_applied",
	    "summary"], names(ev)
	assert [e["direction"] for e in ev if "direction" in e] == \
	    ["down", "up"], ev
	assert (ev[2]["done"], ev[2]["version"]) == (1, None), ev
	assert (ev[5]["done"], ev[5]["version"]) == (1, "1"), ev
	assert ev[2]["ok"] is True and ev[5]["ok"] is True, ev
	assert (ev[2]["step"], ev[5]["step"]) == ("down", "up"), ev
	PY
'

test_expect_success 'per-batch: only the summary, or migration_failed and summary' '
	db_new batch &&
	mig b 1_x "CREATE TABLE x (i integer);" &&
	mig b 2_y "CREATE TABLE y (i integer);" &&
	msr --json -u "$(u batch)" -d b --transaction per-batch migrate \
	    >out 2>err &&
	mig b 3_z "CREATE TABLE z (i integer);" &&
	mig b 4_bad "SELECT * FROM no_such;" &&
	test_expect_code 1 msr --json -u "$(u batch)" -d b \
	    --transaction per-batch migrate >out2 2>err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["summary"], ev
	assert (ev[0]["ok"], ev[0]["done"], ev[0]["version"]) == \
	    (True, 2, "2"), ev
	ev = events("out2")
	assert names(ev) == ["migration_failed", "summary"], names(ev)
	assert ev[0]["version"] == "4" and ev[0]["line"] == 1, ev
	assert (ev[0]["outcome"], ev[0]["statements_done"]) == \
	    ("rolled_back", 0), ev
	assert (ev[1]["ok"], ev[1]["done"], ev[1]["version"]) == \
	    (False, 0, "2"), ev
	PY
'

test_expect_success 'an error before the command runs is one error event on stdout' '
	test_expect_code 2 msr --json -u "$(u batch)" -d b down 99 >out0 2>err &&
	test_must_be_empty out0 &&
	test_expect_code 2 msr --json -u "$(u batch)" -d b down --steps 0 >out 2>err &&
	echo "SELECT '\''unterminated;" >b/4_bad.up.sql &&
	test_expect_code 2 msr --json -u "$(u batch)" -d b migrate >out1 2>err2 &&
	test_must_be_empty out1 &&
	rm b/4_bad.up.sql &&
	test_expect_code 2 msr --json -u "$(u batch)" -d b --transaction sometimes migrate >out2 2>err2 &&
	test_expect_code 2 msr --json bogus >out3 2>/dev/null &&
	test_expect_code 2 msr --json -u "postgres://u:s3cret@h/db" -d nodir status >out4 2>/dev/null &&
	! grep s3cret out4 &&
	python3 - <<-\PY
	from jl import events, names
	for path, code, text in (("out", 2, "--steps"), ("out2", 2, "sometimes"),
	                         ("out3", 2, "unknown command"), ("out4", 2, "nodir")):
	    ev = events(path)
	    assert names(ev) == ["error"], (path, ev)
	    assert ev[0]["exit_code"] == code, (path, ev)
	    assert text in ev[0]["message"], (path, ev)
	    assert not ev[0]["message"].startswith("msr"), ev
	PY
'

test_expect_success 'check and validate print the same text with --json' '
	mig b 4_bad "SELECT 1;" &&
	for c in check validate; do
		{ msr -u "$(u batch)" -d b $c >plain 2>&1; a=$?; } &&
		{ msr --json -u "$(u batch)" -d b $c >json 2>&1; b=$?; } &&
		test "$a" = "$b" &&
		test_cmp plain json || return 1
	done
'

test_expect_success 'plans, version and lock status: JSON with the members of msr.1' '
	rm b/4_bad.up.sql &&
	db_new pl &&
	mig pm 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig pm 2_b "CREATE TABLE b (x integer);" "DROP TABLE b;" &&
	msr -u "$(u pl)" -d pm migrate --to 1 2>/dev/null &&
	msr --json -u "$(u pl)" -d pm migrate --dry-run >plan &&
	msr --json -u "$(u pl)" -d pm down --all --dry-run >down &&
	msr --json -u "$(u pl)" -d pm redo --dry-run >redo &&
	msr --json -u "$(u pl)" -d pm version >version &&
	msr --json -u "$(u pl)" lock status >lock &&
	python3 - <<-\PY
	from jl import lines, members, section, typeok

	def doc(name, which=None):
	    out, part = {}, -1
	    for depth, n, types, _ in members(section(name)):
	        if n == "database":
	            part += 1
	        if which is None or part == which:
	            out[n] = types
	    return out

	def check(path, want, n):
	    rows = lines(path)
	    assert len(rows) == n, (path, rows)
	    for keys, r in rows:
	        assert keys == list(want), (path, keys, list(want))
	        for k, v in r.items():
	            assert typeok(v, want[k]), (path, k, v, want[k])
	    return [r for _, r in rows]

	plan = doc("Plan lines")
	p = check("plan", plan, 1)
	assert p[0]["direction"] == "up" and p[0]["version"] == "2", p
	assert p[0]["file"] == "pm/2_b.up.sql" and p[0]["why"] is None, p
	d = check("down", plan, 1)
	assert d[0]["direction"] == "down" and d[0]["version"] == "1", d
	r = check("redo", plan, 2)
	assert [x["direction"] for x in r] == ["down", "up"], r
	v = check("version", doc("Version and lock documents", 0), 1)
	assert v[0]["version"] == "1", v
	l = check("lock", doc("Version and lock documents", 1), 1)
	assert l[0]["held"] is False and l[0]["holder"] is None, l
	PY
'

# A deferred foreign key fails at COMMIT.  SQLite checks foreign keys
# only once a no-transaction migration has switched them on.
test_expect_success 'a failed COMMIT: line and column null' '
	db_new fk &&
	: SQLite checks foreign keys when they are on before the BEGIN &&
	case $MSRTEST_DRIVER in
	sqlite) on="PRAGMA foreign_keys = ON;
BEGIN;" end="COMMIT;" ;;
	pg) on= end= ;;
	esac &&
	mig k 1_fk "SELECT 1;" &&
	mig k 2_links "$on
CREATE TABLE pages (id integer PRIMARY KEY);
CREATE TABLE links (page integer REFERENCES pages (id)
    DEFERRABLE INITIALLY DEFERRED);
INSERT INTO links VALUES (42);
$end" &&
	test_expect_code 1 msr --json -u "$(u fk)" -d k migrate >out 2>err &&
	test_grep "k/2_links.up.sql: COMMIT failed" err &&
	python3 - <<-\PY
	from jl import events, names, DRIVER
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_applied",
	    "migration_started", "migration_failed", "summary"], names(ev)
	f = ev[3]
	assert f["file"] == "k/2_links.up.sql", f
	assert f["line"] is None and f["column"] is None, f
	assert f["code"] == {"sqlite": "SQLITE_CONSTRAINT",
	    "pg": "23503"}[DRIVER], f
	if DRIVER == "pg":
	    assert "(page)=(42)" in f["detail"], f
	s = ev[-1]
	assert (s["ok"], s["done"], s["version"]) == (False, 1, "1"), s
	PY
'

test_expect_success 'migration_failed: partial, restart and rolled_back, as msr.1 says' '
	db_new oc &&
	mig o 1_nt "-- msr:no-transaction
CREATE TABLE t1 (i integer);
INSERT INTO no_such VALUES (1);
CREATE TABLE t2 (i integer);" &&
	test_expect_code 1 msr --json -u "$(u oc)" -d o migrate >out1 2>err1 &&
	test_grep "1_nt is partial: 1 of 3 statements done" err1 &&
	dbq oc "DROP TABLE t1" &&
	msr -u "$(u oc)" -d o repair --forget 1 2>err &&
	mig o 1_nt "CREATE TABLE IF NOT EXISTS t1 (i integer);
BEGIN;
INSERT INTO no_such VALUES (1);
COMMIT;" "-- msr:no-transaction
DROP TABLE no_such;
DROP TABLE t1;" &&
	test_expect_code 1 msr --json -u "$(u oc)" -d o migrate >out2 2>err2 &&
	test_grep "failed before its BEGIN\|the statements before its BEGIN ran" err2 &&
	mig o 1_nt "CREATE TABLE IF NOT EXISTS t1 (i integer);" &&
	msr -u "$(u oc)" -d o migrate 2>err &&
	test_expect_code 1 msr --json -u "$(u oc)" -d o down --all >out3 2>err3 &&
	test_grep "0 of 2 statements of the down file ran" err3 &&
	printf "%s\n" "-- msr:no-transaction" "DROP TABLE t1;" \
	    "DROP TABLE no_such;" >o/1_nt.down.sql &&
	test_expect_code 1 msr --json -u "$(u oc)" -d o down --all >out4 2>err4 &&
	test_grep "1 of 2 statements of the down file ran" err4 &&
	python3 - <<-\PY
	from jl import events, names
	def failed(path):
	    ev = events(path)
	    assert names(ev)[-2:] == ["migration_failed", "summary"], names(ev)
	    f = ev[-2]
	    return f["direction"], f["outcome"], f["statements_done"], \
	        f["statements"]
	assert failed("out1") == ("up", "partial", 1, 3), failed("out1")
	assert failed("out2") == ("up", "restart", 1, 4), failed("out2")
	assert failed("out3") == ("down", "rolled_back", 0, 2), failed("out3")
	assert failed("out4") == ("down", "partial", 1, 2), failed("out4")
	PY
'

test_expect_success 'migration_failed: a down file whose statements before its BEGIN cannot run again is partial' '
	db_new dpre &&
	mig dp 1_two "CREATE TABLE t1 (i integer);
CREATE TABLE t2 (i integer);" "DROP TABLE t2;
BEGIN;
DROP TABLE t1;
DROP TABLE no_such;
COMMIT;" &&
	msr -u "$(u dpre)" -d dp migrate 2>err &&
	test_expect_code 1 msr --json -u "$(u dpre)" -d dp down --all >out 2>err &&
	test_grep "1 of 5 statements of the down file ran and were not undone" err &&
	test_grep -v "can run again" err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev)[-2:] == ["migration_failed", "summary"], names(ev)
	f = ev[-2]
	assert (f["direction"], f["outcome"], f["statements_done"],
	    f["statements"]) == ("down", "partial", 1, 5), f
	PY
'

# A closed standard output or error must not become the database
# connection: PostgreSQL's socket would get msr's lines.
test_expect_success 'a closed stdout or stderr: nothing of msr reaches the database' '
	db_new cfd &&
	mig cf 1_a "CREATE TABLE a (i integer);" &&
	mig cf 2_b "CREATE TABLE b (i integer);" &&
	test_expect_code 1 msr --json -u "$(u cfd)" -d cf migrate --to 1 \
	    >&- 2>err &&
	test_grep "cannot write the output" err &&
	test_grep -v "invalid frontend message\|connection" err &&
	msr -u "$(u cfd)" -d cf migrate 2>&- &&
	msr -u "$(u cfd)" -d cf version >out 2>err &&
	test_grep "^2$" out
'

# A reader of the events that goes away must not end msr in the middle
# of its migrations, as SIGPIPE would: it goes on, as with a full disk,
# and says it could not write its output.
test_expect_success 'the reader of --json goes away: msr still applies every migration' '
	db_new gone &&
	mig gn 1_a "CREATE TABLE a (i integer);" &&
	case $MSRTEST_DRIVER in
	pg) mig gn 2_b "SELECT pg_sleep(2);" ;;
	*) mig gn 2_b "CREATE TABLE b AS WITH RECURSIVE c(i) AS (SELECT 1
    UNION ALL SELECT i + 1 FROM c WHERE i < 3000000) SELECT count(*) FROM c;" ;;
	esac &&
	mig gn 3_c "CREATE TABLE c (i integer);" &&
	{ msr --json -u "$(u gone)" -d gn migrate 2>err; echo $? >code; } |
	    head -c 1 >/dev/null &&
	test "$(cat code)" = 1 &&
	test_grep "cannot write the output" err &&
	msr -u "$(u gone)" -d gn version >out 2>err &&
	test_grep "^3$" out
'

test_for pg 'migration_failed: the connection lost during COMMIT is "unknown"' '
	db_new lostc &&
	mig lc 1_kill "CREATE TABLE t (i integer);
CREATE FUNCTION kill() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END
\$\$;
CREATE CONSTRAINT TRIGGER k AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION kill();
INSERT INTO t VALUES (1);" &&
	test_expect_code 1 msr --json -u "$(u lostc)" -d lc migrate >out 2>err &&
	test_grep "1_kill: the connection was lost during its COMMIT: whether it committed is not known" err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out", absent=("duration_ms",))
	f = [e for e in ev if e["event"] == "migration_failed"]
	assert len(f) == 1, names(ev)
	assert (f[0]["line"], f[0]["outcome"], f[0]["statements_done"]) == \
	    (None, "unknown", 0), f
	PY
'

# slow NAME: a migration 2_slow of m-NAME that runs for 6 s or more, so
# that msr says it is still running: PostgreSQL sleeps; on SQLite, a
# process holds the database for 6 s and msr waits for it.
slow() {
	db_new "$1" &&
	case $MSRTEST_DRIVER in
	pg) mig "m-$1" 1_a "SELECT 1;" &&
	    mig "m-$1" 2_slow "SELECT pg_sleep(6);" ;;
	*) mig "m-$1" 1_a "SELECT 1;" &&
	    mig "m-$1" 2_slow "CREATE TABLE slow (i integer);" ;;
	esac &&
	msr -u "$(u "$1")" -d "m-$1" migrate --to 1 2>err &&
	case $MSRTEST_DRIVER in
	pg) : ;;
	*) rm -f held &&
	    { python3 "$TRASH/.holddb.py" "$1.db" held 6 & } &&
	    wait_for held ready ;;
	esac
}

test_expect_success 'still_running: 5 s into a migration, between its events; -q keeps it' '
	slow run &&
	MSR_SQLITE_BUSY_TIMEOUT=30000 msr -q --json -u "$(u run)" -d m-run \
	    migrate >out 2>err &&
	wait &&
	! grep "still running" err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "still_running",
	    "migration_applied", "summary"], names(ev)
	r = ev[1]
	assert (r["version"], r["name"]) == ("2", "slow"), r
	assert 5000 <= r["elapsed_ms"] < 6000, r
	PY
'

test_expect_success 'still_running with per-batch: the batch, version and name null' '
	slow batch2 &&
	MSR_SQLITE_BUSY_TIMEOUT=30000 msr --json -u "$(u batch2)" -d m-batch2 \
	    --transaction per-batch migrate >out 2>err &&
	wait &&
	test_grep "^msr: still running the batch after 5 s$" err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["still_running", "summary"], names(ev)
	r = ev[0]
	assert (r["version"], r["name"]) == (None, None), r
	assert 5000 <= r["elapsed_ms"] < 6000, r
	PY
'

# setup_states: database "st" with a migration in every state: 01
# missing, 02 out-of-order, 03 modified, 04 applied, 05 partial, 06
# pending; versions written with a leading zero.
test_expect_success 'status --json: every state in one document, as msr.1 lists it' '
	db_new st &&
	mig s 01_gone "CREATE TABLE gone (x integer);" "DROP TABLE gone;" &&
	mig s 03_mod "CREATE TABLE mod (x integer);" &&
	mig s 04_ok "CREATE TABLE ok (x integer);" "DROP TABLE ok;" &&
	msr -u "$(u st)" -d s migrate 2>err &&
	mig s 05_part "-- msr:no-transaction
CREATE TABLE part (x integer);
INSERT INTO no_such VALUES (1);" &&
	test_expect_code 1 msr --json -u "$(u st)" -d s migrate >out 2>err &&
	rm s/01_gone.up.sql s/01_gone.down.sql &&
	echo "-- changed" >>s/03_mod.up.sql &&
	mig s 02_late "CREATE TABLE late (x integer);" &&
	mig s 06_new "CREATE TABLE new (x integer);" &&
	msr --json -u "$(u st)" -d s status >doc 2>err &&
	test_must_be_empty err &&
	URL=$(u st) python3 - <<-\PY
	import os, re
	from jl import doc, lines, typeok, when, events, names
	_, top, mig, states = doc()
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_failed",
	    "summary"], names(ev)
	assert ev[0]["mode"] == "no transaction", ev
	(keys, d), = lines("doc")
	assert keys == list(top), (keys, list(top))
	for k, v in d.items():
	    assert typeok(v, top[k]), (k, v)
	assert d["database"] == os.environ["URL"], d
	assert d["version"] == "04", d
	tracked = ["applied_at", "execution_ms", "checksum", "checksum_ok",
	    "origin"]
	for k in tracked + ["statements_done"]:
	    assert k in mig, k
	base = [k for k in mig if k not in tracked + ["statements_done"]]
	ms = d["migrations"]
	assert sorted(m["state"] for m in ms) == sorted(states), ms
	by = {m["state"]: m for m in ms}
	want = {"missing": ("1", "gone"), "out-of-order": ("02", "late"),
	    "modified": ("03", "mod"), "applied": ("04", "ok"),
	    "partial": ("05", "part"), "pending": ("06", "new")}
	assert [(m["version"], m["name"]) for m in ms] == \
	    sorted(want.values(), key=lambda v: int(v[0])), ms
	for s, m in by.items():
	    assert (m["version"], m["name"]) == want[s], m
	    k = list(base)
	    if s not in ("pending", "out-of-order"):
	        k += tracked
	    if s == "partial":
	        k += ["statements_done"]
	    assert list(m) == k, (s, list(m), k)
	    for n, v in m.items():
	        assert typeok(v, mig[n]), (s, n, v)
	    if "applied_at" in m:
	        when(m["applied_at"])
	        assert m["execution_ms"] >= 0, m
	        assert re.match(r"^[0-9a-f]{64}$", m["checksum"]), m
	assert by["missing"]["file"] is None, by
	assert by["missing"]["down_file"] is False, by
	assert by["applied"]["file"] == "s/04_ok.up.sql", by
	assert by["applied"]["down_file"] is True, by
	assert by["pending"]["down_file"] is False, by
	assert [by[s]["checksum_ok"] for s in ("missing", "modified",
	    "applied", "partial")] == [False, False, True, True], by
	assert by["partial"]["statements_done"] == 1, by
	PY
'

test_for pg 'a notice event for each notice, with its severity; -q keeps them' '
	db_new note &&
	mig n 1_note "DO \$\$ BEGIN
  RAISE NOTICE '\''checking %'\'', 42;
  RAISE WARNING '\''looks odd'\'';
  RAISE INFO '\''for your information'\'';
END \$\$;
DROP TABLE IF EXISTS nothing_here;" &&
	msr --json -q -u "$(u note)" -d n migrate >out 2>err &&
	test_must_be_empty err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "notice", "notice",
	    "notice", "notice", "migration_applied", "summary"], names(ev)
	got = [(e["file"], e["severity"], e["message"]) for e in ev[1:5]]
	f = "n/1_note.up.sql"
	assert got[:3] == [(f, "NOTICE", "checking 42"),
	    (f, "WARNING", "looks odd"), (f, "INFO", "for your information")], got
	assert got[3][:2] == (f, "NOTICE") and "nothing_here" in got[3][2], got
	PY
'

test_for pg 'migration_failed with the SQLSTATE, DETAIL, HINT and CONTEXT' '
	mig n 2_raise "SELECT 1;
DO \$\$ BEGIN
  RAISE EXCEPTION '\''flag check failed: %'\'', 42
    USING DETAIL = '\''flag 42 is not allowed'\'',
          HINT = '\''remove flag 42 first'\'', ERRCODE = '\''P0001'\'';
END \$\$;" &&
	test_expect_code 1 msr --json -u "$(u note)" -d n migrate >out 2>err &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_failed",
	    "summary"], names(ev)
	f = ev[1]
	assert (f["line"], f["column"], f["code"]) == (2, 1, "P0001"), f
	assert f["error"] == "flag check failed: 42", f
	assert f["detail"] == "flag 42 is not allowed", f
	assert f["hint"] == "remove flag 42 first", f
	assert f["context"].startswith("PL/pgSQL function inline_code_block"), f
	PY
'

# Last: the server restarts all its sessions after the kill.
test_for pg 'a lost connection: migration_failed with code null, no summary' '
	db_new lost &&
	mig l 1_sleep "SELECT pg_sleep(60);" &&
	{ $MSRTEST_VALGRIND "$MSRTEST_BIN" --json -u "$(u lost)" -d l migrate >out 2>err & } &&
	pid=$! &&
	b=$(pg_sleeping_backend lost) &&
	kill -KILL "$b" &&
	{ wait "$pid"; rc=$?; } &&
	cat err &&
	test "$rc" = 1 &&
	python3 - <<-\PY
	from jl import events, names
	ev = events("out")
	assert names(ev) == ["migration_started", "migration_failed"], names(ev)
	f = ev[1]
	assert f["code"] is None and (f["line"], f["column"]) == (1, 1), f
	PY
'

test_expect_success 'log --json: every line has the members of msr.1, typed' '
	db_new lg &&
	mig lgm 1_a "CREATE TABLE a (x integer);" "DROP TABLE a;" &&
	mig lgm 2_b "SELECT * FROM no_such_table;" &&
	test_expect_code 1 msr -u "$(u lg)" -d lgm migrate 2>/dev/null &&
	msr --json -u "$(u lg)" log >out 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <out)" = 2 &&
	python3 - <<-\PY
	import re
	from jl import lines, members, section, typeok, when
	doc = {}
	for depth, name, types, _ in members(section("Log lines")):
	    assert depth == 1 and types is not None, name
	    doc[name] = types
	rows = lines("out")
	ids = []
	for keys, r in rows:
	    assert keys == list(doc), (keys, list(doc))
	    for k, v in r.items():
	        assert typeok(v, doc[k]), "%s: %r is not %s" % (k, v, doc[k])
	    when(r["at"])
	    assert re.match(r"^[0-9a-f]{32}$", r["run_id"]), r
	    ids.append(r["id"])
	assert ids == sorted(ids, reverse=True), ids
	assert [r["outcome"] for _, r in rows] == ["failed", "ok"], rows
	PY
'

test_expect_success 'bytes that are not UTF-8 become U+FFFD; UTF-8 stays as it is' '
	rm -rf u8 && mkdir u8 &&
	printf "SELECT * FROM \"caf\303\251_\351\";\n" >u8/1_bad.up.sql &&
	test_expect_code 1 msr --json -u sqlite:u8.db -d u8 migrate >out 2>err &&
	python3 - out <<-\PY
	import json, sys
	data = open(sys.argv[1], "rb").read()
	events = [json.loads(l.decode("utf-8")) for l in data.splitlines()]
	failed = [e for e in events if e["event"] == "migration_failed"]
	assert len(failed) == 1, events
	assert "caf\u00e9_\ufffd" in failed[0]["error"], failed[0]["error"]
	PY
'

test_done
