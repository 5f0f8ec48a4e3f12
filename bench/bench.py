"""msr's benchmarks: msr against the floor, pair by pair.

The floor is the sqlite3 or psql client running the same files, with the
same transactions and tracking rows, in one process (see floor.py).  Each
pair runs msr and the floor once each, in alternating order, each from
an empty database; the report gives the median and min-max of each side
and the ratio of the medians, next to its target.  runone.c runs each
child and reports, from wait4(), its wall time, user+sys CPU and peak RSS.

Run it through bench/run; bench/README.md describes the workloads.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

import floor  # noqa: E402
import gen  # noqa: E402
import pgtmp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

WORKLOADS = ["small", "status", "big", "scale", "files", "batch"]
SMALL_N = 1000          # 1, 2 and 6: migrations per run
BIG_N = 200000          # 3: INSERTs in the one 22 MB migration
SCALE_STMTS = 20000     # 4: statements per file, N and 2N
SCALE_MIGS = 500        # 4: migrations per run, N and 2N
FILES_N = 10000         # 5: migration files in the directory
MiB = 1024 * 1024


class BenchError(Exception):
    """The bench itself broke: a floor client, the server, the set-up."""


class MsrError(Exception):
    """msr failed or did not do what the floor did: reported, not fatal."""


class Run:
    """One measured child process."""

    def __init__(self, wall, cpu, rss, status, timed_out, err):
        self.wall = wall        # seconds
        self.cpu = cpu          # user + sys seconds
        self.rss = rss          # peak resident set size, bytes
        self.status = status    # exit status, or -signal
        self.timed_out = timed_out
        self.err = err          # the end of its standard error


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# Formatting.

def fmt_s(v, unit=None):
    """Seconds as "12.3 ms" or "1.23 s"; unit forces one of the two."""
    if v is None:
        return "-"
    if (unit or ("ms" if v < 1 else "s")) == "ms":
        return "%.1f ms" % (v * 1000)
    return "%.2f s" % v


def fmt_mib(v):
    return "%.1f MiB" % (v / MiB)


def spread(values):
    """Times as "median (min-max)", in the unit of the median."""
    if not values:
        return "-"
    med = statistics.median(values)
    unit = "ms" if med < 1 else "s"
    if len(values) == 1:
        return fmt_s(med, unit)
    return "%s (%s-%s)" % (fmt_s(med, unit),
                           fmt_s(min(values), unit).split()[0],
                           fmt_s(max(values), unit))


def median(values):
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


class Row:
    """A line of the report."""

    def __init__(self, workload, db, n, msr, floor_, ratio_=None,
                 target="", ok=None):
        self.workload = workload
        self.db = db
        self.n = n
        self.msr = msr
        self.floor = floor_
        self.ratio = "-" if ratio_ is None else \
            "%.3f" % ratio_ if ratio_ < 10 else "%.1f" % ratio_
        self.target = target
        self.result = {True: "PASS", False: "FAIL", None: "info"}[ok] \
            if ok != "error" else "ERROR"

    def cells(self):
        return [self.workload, self.db, str(self.n), self.msr, self.floor,
                self.ratio, self.target, self.result]


HEADER = ["workload", "db", "n", "msr", "floor", "ratio", "target", "result"]


def table(rows, markdown=False):
    cells = [HEADER] + [r.cells() for r in rows]
    if markdown:
        out = ["| " + " | ".join(cells[0]) + " |",
               "|" + "|".join("---" for _ in HEADER) + "|"]
        out += ["| " + " | ".join(c) + " |" for c in cells[1:]]
        return "\n".join(out)
    w = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    line = lambda c: "  ".join(c[i].ljust(w[i]) for i in range(len(c)))
    return "\n".join([line(cells[0]), line(["-" * x for x in w])] +
                     [line(c) for c in cells[1:]]).rstrip()


# The databases.  A handle names one database: a file or a PostgreSQL
# database created for one run.

class Sqlite:
    name = "sqlite"
    dialect = "sqlite"
    db_user = None

    def __init__(self, bench):
        self.b = bench
        self.sqlite3 = shutil.which("sqlite3")
        if self.sqlite3 is None:
            raise BenchError("no sqlite3 client: apt-get install sqlite3")

    def fresh(self, tag):
        path = os.path.join(self.b.work, "db", tag + ".db")
        self.drop(path)
        return path

    def drop(self, h):
        for suffix in ("", "-journal", "-wal", "-shm", "-msr.lock"):
            try:
                os.unlink(h + suffix)
            except FileNotFoundError:
                pass

    def url(self, h):
        return "sqlite:" + h

    def floor(self, h, script):
        """argv and standard input of the floor client."""
        return [self.sqlite3, "-bail", "-init", "/dev/null", h], script

    def query_argv(self, h, sql):
        return [self.sqlite3, "-init", "/dev/null", h, sql]

    def rows(self, h, sql):
        r = subprocess.run(self.query_argv(h, sql), capture_output=True,
                           text=True, env=self.b.env)
        if r.returncode != 0:
            raise BenchError("sqlite3 %s %r: %s" % (h, sql, r.stderr))
        return [line.split("|") for line in r.stdout.splitlines()]

    OBJECTS = "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'index')"

    def commits(self, argv, stdin, h):
        """How many write transactions a run commits: in the rollback
        journal mode of SQLite each one ends by deleting the journal, so
        strace counts the unlinks of DB-journal.  None without strace."""
        strace = shutil.which("strace")
        if strace is None:
            return None, None
        out = os.path.join(self.b.work, "strace.out")
        r = self.b.spawn([strace, "-f", "-qq", "-e", "trace=unlink,unlinkat",
                          "-o", out] + argv, stdin=stdin)
        if r.status != 0:
            return r, None
        with open(out) as f:
            n = sum(1 for line in f
                    if '-journal"' in line and line.rstrip().endswith("= 0"))
        return r, n


class Postgres:
    name = "pg"
    dialect = "postgres"
    db_user = "postgres"

    def __init__(self, bench, server):
        self.b = bench
        self.srv = server

    def fresh(self, tag):
        self.srv.create_db(tag)
        return tag

    def drop(self, h):
        self.srv.drop_db(h)

    def url(self, h):
        return self.srv.url(h)

    def floor(self, h, script):
        return self.srv.psql_argv(h) + ["-f", script], None

    def query_argv(self, h, sql):
        return self.srv.psql_argv(h) + ["-A", "-t", "-c", sql]

    def rows(self, h, sql):
        return self.srv.query(sql, h)

    OBJECTS = ("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON"
               " n.oid = c.relnamespace WHERE n.nspname = 'public' AND"
               " c.relkind IN ('r', 'i')")

    # The transactions that left something: the row versions of the
    # tracking and audit rows and of the tables, indexes and sequences of
    # the schema carry the id of the transaction that wrote them.
    WRITERS = ("SELECT count(DISTINCT x) FROM ("
               " SELECT xmin::text AS x FROM msr_migrations"
               " UNION ALL SELECT xmin::text FROM msr_migrations_log"
               " UNION ALL SELECT c.xmin::text FROM pg_class c JOIN"
               " pg_namespace n ON n.oid = c.relnamespace"
               " WHERE n.nspname = 'public') AS t")

    def commits(self, argv, stdin, h):
        """How many transactions the changes of a run took: the distinct
        transaction ids of what it wrote (autovacuum, which also takes
        transaction ids, does not count).  pg_stat_database.xact_commit,
        which counts read-only transactions too, goes on r.xact_commit."""
        c0 = self.srv.xact_commit(h)
        r = self.b.spawn(argv, stdin=stdin)
        if r.status != 0:
            return r, None
        # A backend reports its statistics as it exits, after its client.
        self.srv.wait_idle(h)
        r.xact_commit = self.srv.xact_commit(h) - c0
        return r, int(self.srv.query(self.WRITERS, h)[0][0])


class Bench:
    def __init__(self, args):
        self.args = args
        self.env = pgtmp.clean_env()
        self.msr = find_msr(args.msr)
        self.sql_dir = find_sql_dir(self.msr)
        self.work = os.path.abspath(tempfile.mkdtemp(prefix="msrbench.",
                                                     dir=args.tmpdir))
        os.makedirs(os.path.join(self.work, "db"))
        self.errfile = os.path.join(self.work, "stderr")
        try:
            self.runone = compile_runone(self.work)
        except BenchError:
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        self.rows = []
        self.notes = []
        self.errors = []
        self.server = None
        self.cache = {}

    # Running things.

    def spawn(self, argv, stdin=None):
        """Runs argv with stdin from a file (or /dev/null), stdout to
        /dev/null and stderr to self.errfile, through runone (see
        runone.c), and returns its Run."""
        acts = [(os.POSIX_SPAWN_OPEN, 0, stdin or os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, self.errfile,
                 os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
        res = os.path.join(self.work, "result")
        if os.path.exists(res):
            os.unlink(res)
        pid = os.posix_spawn(self.runone,
                             [self.runone, res, str(self.args.timeout)] +
                             argv, self.env, file_actions=acts)
        try:
            _, st = os.waitpid(pid, 0)
        except BaseException:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            raise
        try:
            with open(res) as f:
                fields = f.read().split()
            status, wall, user, sys_, rss, killed = fields
        except (OSError, ValueError):
            raise BenchError("runone %s: no result (exit status %d)\n%s" % (
                " ".join(argv), os.waitstatus_to_exitcode(st),
                tail(self.errfile)))
        return Run(float(wall), float(user) + float(sys_), int(rss) * 1024,
                   int(status), killed == "1", tail(self.errfile))

    def check(self, r, who, argv):
        if r.status == 0:
            return r
        what = "timed out after %d s" % self.args.timeout if r.timed_out \
            else "exit status %d" % r.status
        msg = "%s: %s\n  %s\n%s" % (who, what, " ".join(argv), r.err)
        if who == "msr":
            raise MsrError(msg)
        raise BenchError(msg)

    def run_msr(self, db, h, data, *args):
        argv = [self.msr, "-q", "-u", db.url(h), "-d", data] + list(args)
        return self.check(self.spawn(argv), "msr", argv)

    def run_floor(self, db, h, script):
        argv, stdin = db.floor(h, script)
        return self.check(self.spawn(argv, stdin=stdin), "floor", argv)

    def run_query(self, db, h, sql):
        argv = db.query_argv(h, sql)
        return self.check(self.spawn(argv), "floor", argv)

    def say(self, fmt, *a):
        print(fmt % a, file=sys.stderr, flush=True)

    def pairs(self, label, a, b, n=None):
        """Runs the pairs of (name, fn(i) -> Run) a and b, alternating
        which goes first, until n pairs or the time budget is used (one
        pair at least).  Returns the Runs of each."""
        n = n or self.args.runs
        out = {a[0]: [], b[0]: []}
        start = time.monotonic()
        for i in range(n):
            for name, fn in (a, b) if i % 2 == 0 else (b, a):
                out[name].append(fn(i))
            self.say("  %s pair %d/%d: %s %s, %s %s", label, i + 1, n,
                     a[0], fmt_s(out[a[0]][-1].wall),
                     b[0], fmt_s(out[b[0]][-1].wall))
            used = time.monotonic() - start
            if used > self.args.budget and i + 1 < n:
                self.say("  %s: %.0f s used, over the budget of %d s:"
                         " stopping after %d pairs", label, used,
                         self.args.budget, i + 1)
                break
        return out[a[0]], out[b[0]]

    # Workload files, generated once per bench run.

    def data(self, kind, n):
        key = (kind, n)
        if key not in self.cache:
            path = os.path.join(self.work, "data", "%s-%d" % key)
            self.say("generating %s", path)
            self.cache[key] = gen.KINDS[kind](path, n)
        return self.cache[key]

    def script(self, db, data, mode="per-migration"):
        key = (data, db.dialect, mode)
        if key not in self.cache:
            path = "%s.%s.%s.sql" % (data, db.dialect, mode)
            self.cache[key] = floor.write_script(
                path, data, self.sql_dir, db.dialect, mode, db.db_user)
        return self.cache[key]

    # What a run left in the database.

    def state(self, db, h):
        """The tracking rows, the number of audit rows and of tables and
        indexes: msr's database must end like the floor's."""
        return (db.rows(h, "SELECT version, name, checksum, state FROM"
                        " msr_migrations ORDER BY seq"),
                db.rows(h, "SELECT count(*) FROM msr_migrations_log"),
                db.rows(h, db.OBJECTS))

    def migrate_sides(self, db, tag, data, expect, mode="per-migration"):
        """The msr and floor sides of a migrate pair: each run on a new
        database, checked to end the same way, then dropped."""
        script = self.script(db, data, mode)
        states = {}

        def side(who):
            def run(i):
                h = db.fresh("%s_%s_%d" % (tag, who, i))
                try:
                    if who == "msr":
                        r = self.run_msr(db, h, data, "--transaction", mode,
                                         "migrate")
                    else:
                        r = self.run_floor(db, h, script)
                    st = self.state(db, h)
                finally:
                    db.drop(h)
                if len(st[0]) != expect:
                    raise (MsrError if who == "msr" else BenchError)(
                        "%s recorded %d of %d migrations" %
                        (who, len(st[0]), expect))
                # Each run ends as the first run of the other side did.
                states.setdefault(who, st)
                other = states.get("floor" if who == "msr" else "msr")
                if other is not None and other != st:
                    diff = [k for k in range(3) if other[k] != st[k]]
                    raise MsrError("msr's database differs from the floor's"
                                   " in its %s" % ", ".join(
                                       ("tracking rows", "audit rows",
                                        "tables and indexes")[k]
                                       for k in diff))
                return r
            return (who, run)
        return side("msr"), side("floor")

    def applied_db(self, db, tag, data, mode="per-migration"):
        """A database where msr applied the migrations of data."""
        h = db.fresh(tag)
        self.say("  %s: msr applies %s (set-up, not timed)", tag, data)
        self.run_msr(db, h, data, "--transaction", mode, "migrate")
        return h

    # The workloads.  Each adds its rows to self.rows.

    def w_small(self, db):
        data = self.data("small", SMALL_N)
        m, f = self.pairs("small/%s" % db.name,
                          *self.migrate_sides(db, "small", data, SMALL_N))
        mw, fw = [r.wall for r in m], [r.wall for r in f]
        mc, fc = [r.cpu for r in m], [r.cpu for r in f]
        rw, rc = ratio(median(mw), median(fw)), ratio(median(mc), median(fc))
        self.rows.append(Row("1 %d migrations: wall" % SMALL_N, db.name,
                             len(m), spread(mw), spread(fw),
                             rw, "<= 1.05", rw <= 1.05))
        self.rows.append(Row("1 %d migrations: CPU user+sys" % SMALL_N,
                             db.name, len(m), spread(mc),
                             spread(fc), rc, "<= 1.00", rc <= 1.0))

    def w_status(self, db):
        data = self.data("small", SMALL_N)
        h = self.applied_db(db, "status", data)
        queries = {
            "status": "SELECT version, name, checksum, state,"
                      " statements_done, applied_at, execution_ms,"
                      " applied_by, os_user, seq FROM msr_migrations"
                      " ORDER BY seq",
            "version": "SELECT version FROM msr_migrations WHERE state ="
                       " 'applied' ORDER BY length(version) DESC,"
                       " version DESC LIMIT 1",
        }
        try:
            for cmd in ("status", "version"):
                m, f = self.pairs(
                    "%s/%s" % (cmd, db.name),
                    ("msr", lambda i: self.run_msr(db, h, data, cmd)),
                    ("floor", lambda i: self.run_query(db, h, queries[cmd])))
                mw, fw = [r.wall for r in m], [r.wall for r in f]
                rw = ratio(median(mw), median(fw))
                self.rows.append(Row("2 %s, %d applied" % (cmd, SMALL_N),
                                     db.name, len(m), spread(mw),
                                     spread(fw), rw, "<= 1.00",
                                     rw <= 1.0))
        finally:
            db.drop(h)

    def w_big(self, db):
        data = self.data("inserts", BIG_N)
        size = gen.dir_size(data)
        m, f = self.pairs("big/%s" % db.name,
                          *self.migrate_sides(db, "big", data, 1))
        mw, fw = [r.wall for r in m], [r.wall for r in f]
        rw = ratio(median(mw), median(fw))
        limit, mem = (1.1, 12) if db.name == "sqlite" else (0.5, 16)
        label = "3 one %.0f MB file, %d INSERTs" % (size / 1e6, BIG_N)
        self.rows.append(Row(label + ": wall", db.name, len(m),
                             spread(mw), spread(fw), rw,
                             "<= %.2f" % limit, rw <= limit))
        mr, fr = max(r.rss for r in m), max(r.rss for r in f)
        self.rows.append(Row(label + ": peak RSS", db.name, len(m),
                             fmt_mib(mr), fmt_mib(fr), None,
                             "<= %d MiB" % mem, mr <= mem * MiB))

    def w_scale(self, db):
        cpu = []
        for what, kind, n in (("statements per file", "inserts",
                               SCALE_STMTS),
                              ("migrations per run", "small", SCALE_MIGS)):
            sides = []
            for k in (n, 2 * n):
                data = self.data(kind, k)
                expect = 1 if kind == "inserts" else k

                def run(i, data=data, k=k, expect=expect):
                    h = db.fresh("scale_%d_%d" % (k, i))
                    try:
                        r = self.run_msr(db, h, data, "migrate")
                        done = len(db.rows(h, "SELECT version FROM"
                                           " msr_migrations"))
                    finally:
                        db.drop(h)
                    if done != expect:
                        raise MsrError("msr recorded %d of %d migrations"
                                       % (done, expect))
                    return r
                sides.append(("N=%d" % k, run))
            one, two = self.pairs("scale %s/%s" % (kind, db.name), *sides)
            t1, t2 = median([r.wall for r in one]), median([r.wall
                                                            for r in two])
            rt = ratio(t2, t1)
            cpu.append("%s %.2f" % (what, ratio(
                median([r.cpu for r in two]), median([r.cpu for r in one]))))
            self.rows.append(Row("4 %s: t(2N)/t(N), N=%d" % (what, n),
                                 db.name, len(one),
                                 spread([r.wall for r in two]),
                                 spread([r.wall for r in one]),
                                 rt, "<= 2.20", rt <= 2.2))
        self.notes.append("4: the msr column is t(2N), the floor column "
                          "t(N), both msr.")
        self.notes.append("4 %s: the same ratio of msr's user+sys CPU, less "
                          "noisy than wall time: %s" % (db.name,
                                                        ", ".join(cpu)))

    def w_files(self, db):
        data = self.data("files", FILES_N)
        h = self.applied_db(db, "files", data, "per-batch")
        sql = ("SELECT version, name, checksum, state, statements_done,"
               " applied_at, execution_ms, applied_by, os_user, seq FROM"
               " msr_migrations ORDER BY seq")
        try:
            m, f = self.pairs(
                "files/%s" % db.name,
                ("msr", lambda i: self.run_msr(db, h, data, "status")),
                ("floor", lambda i: self.run_query(db, h, sql)))
        finally:
            db.drop(h)
        mw, fw = [r.wall for r in m], [r.wall for r in f]
        self.rows.append(Row("5 status, %d files applied" % FILES_N,
                             db.name, len(m), spread(mw),
                             spread(fw),
                             ratio(median(mw), median(fw)), "< 50 ms",
                             median(mw) < 0.050))

    def w_batch(self, db):
        data = self.data("small", SMALL_N)
        counts = {}
        xacts = []
        for mode in ("per-batch", "per-migration"):
            script = self.script(db, data, mode)
            for who in ("msr", "floor"):
                h = db.fresh("batch_count_%s" % who)
                try:
                    if who == "msr":
                        argv = [self.msr, "-q", "-u", db.url(h), "-d", data,
                                "--transaction", mode, "migrate"]
                        stdin = None
                    else:
                        argv, stdin = db.floor(h, script)
                    r, n = db.commits(argv, stdin, h)
                finally:
                    db.drop(h)
                if isinstance(r, Run):
                    self.check(r, who, argv)
                counts[mode, who] = n
                if hasattr(r, "xact_commit"):
                    xacts.append("%s %s %d" % (who, mode, r.xact_commit))
        if xacts:
            self.notes.append("6 pg: pg_stat_database.xact_commit rose by: "
                              "%s (read-only transactions included; the "
                              "table counts the transaction ids of the rows "
                              "and tables written)" % ", ".join(xacts))
        how = "writing transactions" if db.name == "pg" else \
            "journal deletions"
        for mode in ("per-batch", "per-migration"):
            mc, fc = counts[mode, "msr"], counts[mode, "floor"]
            if mc is None:
                self.rows.append(Row("6 %s: commits" % mode, db.name, 1,
                                     "n/a", "n/a", None, "no strace", None))
                continue
            target, ok = ("1", mc == 1) if mode == "per-batch" else \
                ("info", None)
            self.rows.append(Row("6 %s: commits, %s" % (mode, how), db.name,
                                 1, str(mc), str(fc), None, target, ok))
        m, f = self.pairs("per-batch/%s" % db.name,
                          *self.migrate_sides(db, "batch", data, SMALL_N,
                                              "per-batch"))
        mw, fw = [r.wall for r in m], [r.wall for r in f]
        self.rows.append(Row("6 per-batch %d migrations: wall" % SMALL_N,
                             db.name, len(m), spread(mw),
                             spread(fw),
                             ratio(median(mw), median(fw)), "info", None))


def compile_runone(work):
    """bench/runone.c, compiled into the work directory."""
    cc = os.environ.get("CC") or "cc"
    out = os.path.join(work, "runone")
    try:
        r = subprocess.run([cc, "-O2", "-o", out,
                            os.path.join(HERE, "runone.c")],
                           capture_output=True, text=True)
    except OSError as e:
        raise BenchError("cannot run the C compiler %s: %s" % (cc, e))
    if r.returncode != 0:
        raise BenchError("cannot compile runone.c:\n" + r.stderr)
    return out


def find_msr(given):
    """--msr, else src/msr of the build in the current directory, else
    the one of this source tree."""
    for p in ([given] if given else
              [os.path.join(os.getcwd(), "src", "msr"),
               os.path.join(REPO, "src", "msr")]):
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return os.path.abspath(p)
    if given:
        raise BenchError("--msr %s: no such executable" % given)
    raise BenchError("no src/msr in the current directory or in %s: build "
                     "msr first, or give --msr PATH" % REPO)


def find_sql_dir(msr):
    """The tracking-table DDL of that build's source tree when it is next
    to it (SRCDIR/src/msr), else this tree's."""
    d = os.path.join(os.path.dirname(os.path.dirname(msr)), "sql")
    if os.path.isfile(os.path.join(d, "sqlite.sql")):
        return d
    return os.path.join(REPO, "sql")


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%d CPUs, %s, load average %s" % (
        os.cpu_count() or 0, model,
        " ".join("%.2f" % x for x in os.getloadavg()))


def version_of(argv, env):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, env=env)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/run", description="Benchmarks msr against the sqlite3 "
        "and psql clients running the same files (see bench/README.md).")
    p.add_argument("--quick", action="store_true",
                   help="2 pairs per measurement and a 30 s budget")
    p.add_argument("--msr", metavar="PATH",
                   help="the msr to measure (default: ./src/msr, else "
                   "src/msr of this tree)")
    p.add_argument("--runs", type=int, metavar="N",
                   help="pairs per measurement (default 5, 2 with --quick)")
    p.add_argument("--only", metavar="NAMES",
                   help="comma-separated workloads: " + ",".join(WORKLOADS))
    p.add_argument("--db", metavar="NAMES", default="sqlite,pg",
                   help="comma-separated databases: sqlite,pg (default both;"
                   " pg is skipped with a note when PostgreSQL is missing)")
    p.add_argument("--budget", type=int, metavar="SECONDS",
                   help="stop adding pairs to a measurement after this long "
                   "(default 120, 30 with --quick)")
    p.add_argument("--timeout", type=int, default=900, metavar="SECONDS",
                   help="kill a run after this long (default 900)")
    p.add_argument("--pg-bindir", metavar="DIR",
                   help="PostgreSQL's bin directory (default: the newest "
                   "/usr/lib/postgresql/*/bin)")
    p.add_argument("--tmpdir", metavar="DIR",
                   help="where the work directory goes (default $TMPDIR or "
                   "/tmp)")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory")
    p.add_argument("--markdown", action="store_true",
                   help="print the results table in Markdown")
    a = p.parse_args(argv)
    a.runs = a.runs or (2 if a.quick else 5)
    a.budget = a.budget or (30 if a.quick else 120)
    a.only = a.only.split(",") if a.only else WORKLOADS
    a.db = a.db.split(",")
    for w in a.only:
        if w not in WORKLOADS:
            p.error("unknown workload %r: choose from %s" %
                    (w, ",".join(WORKLOADS)))
    for d in a.db:
        if d not in ("sqlite", "pg"):
            p.error("unknown database %r: sqlite or pg" % d)
    if a.runs < 1:
        p.error("--runs must be 1 or more")
    return a


def on_signal(sig, frame):
    raise SystemExit(128 + sig)


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        b = Bench(args)
    except BenchError as e:
        print("bench: %s" % e, file=sys.stderr)
        return 2
    os.chdir(b.work)     # no msr.ini of the caller's directory applies
    started = time.time()
    print("msr:     %s (%s)" % (b.msr, version_of([b.msr, "-V"], b.env)))
    print("machine: %s" % machine())
    print("sqlite3: %s" % version_of(["sqlite3", "--version"], b.env)[:40])
    print("runs:    %d pairs per measurement, budget %d s, work dir %s"
          % (args.runs, args.budget, b.work), flush=True)
    dbs = []
    try:
        if "sqlite" in args.db:
            dbs.append(Sqlite(b))
        if "pg" in args.db:
            bindir = pgtmp.find_bindir(args.pg_bindir)
            if bindir is None:
                msg = "no PostgreSQL found (apt-get install postgresql)"
                if args.db == ["pg"] or args.pg_bindir:
                    raise BenchError(msg)
                b.notes.append("pg skipped: " + msg)
            else:
                b.server = pgtmp.PgServer(bindir)
                b.say("starting PostgreSQL from %s", bindir)
                b.server.start()
                dbs.append(Postgres(b, b.server))
                print("pg:      %s, server %s" % (
                    version_of([b.server.prog("psql"), "--version"], b.env),
                    b.server.query("SHOW server_version")[0][0]), flush=True)
        for w in WORKLOADS:
            if w not in args.only:
                continue
            for db in dbs:
                b.say("== %s on %s", w, db.name)
                try:
                    getattr(b, "w_" + w)(db)
                except MsrError as e:
                    b.rows.append(Row(w, db.name, 0, "error", "-", None, "",
                                      "error"))
                    b.errors.append("%s/%s: %s" % (w, db.name, e))
                    b.say("msr failed: %s", e)
    except (BenchError, pgtmp.PgError) as e:
        b.errors.append("the bench broke: %s" % e)
        broken = True
    else:
        broken = False
    finally:
        if b.server is not None:
            b.server.stop()
        if args.keep:
            b.say("work directory kept: %s", b.work)
        else:
            os.chdir("/")
            shutil.rmtree(b.work, ignore_errors=True)
    print()
    print(table(b.rows, args.markdown))
    for n in dict.fromkeys(b.notes):
        print("note: " + n)
    for e in b.errors:
        print("error: " + e)
    print("%d PASS, %d FAIL, %d ERROR; %.0f s, load average now %s" % (
        sum(r.result == "PASS" for r in b.rows),
        sum(r.result == "FAIL" for r in b.rows),
        sum(r.result == "ERROR" for r in b.rows), time.time() - started,
        " ".join("%.2f" % x for x in os.getloadavg())))
    return 2 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
