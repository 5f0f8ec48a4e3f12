"""msr against dbmate on SQLite: 1000 small migrations, pair by pair.

Each round runs every side once, each from a new database file, in an
order that turns by one place every round, so that drift in the
machine's load falls on all sides alike.  The report gives each side's
median and min-max, and for each msr the ratio of the medians and the
median of the ratios of the rounds, msr / dbmate.

Run it through bench/peer-sqlite; bench/README.md describes it.
"""

import argparse
import os
import shutil
import signal
import sqlite3
import sys
import time

sys.dont_write_bytecode = True

import bench  # noqa: E402
import gen  # noqa: E402


def find_dbmate(given):
    """The dbmate binary.  npm's dbmate command is a Node.js script that
    starts the binary of @dbmate/<platform>; that binary is taken
    instead, so that Node.js's start-up is not counted."""
    path = given or shutil.which("dbmate")
    if path is None:
        raise bench.BenchError("no dbmate: npm install -g dbmate, or give"
                               " --dbmate PATH")
    real = os.path.realpath(path)
    with open(real, "rb") as f:
        if f.read(4) == b"\x7fELF":
            return real
    # .../node_modules/dbmate/dist/cli.js: the platform package is beside
    # the dbmate package, or inside it.
    pkg = os.path.dirname(os.path.dirname(real))
    for nm in (os.path.dirname(pkg), os.path.join(pkg, "node_modules")):
        d = os.path.join(nm, "@dbmate")
        if os.path.isdir(d):
            for plat in sorted(os.listdir(d)):
                exe = os.path.join(d, plat, "bin", "dbmate")
                if os.access(exe, os.X_OK):
                    return exe
    raise bench.BenchError("%s is not a binary, and no @dbmate/<platform>"
                           " package was found next to it" % path)


def dbmate_files(src, dst):
    """gen.small's pairs as dbmate's files: one VERSION_NAME.sql with
    '-- migrate:up' and '-- migrate:down' sections, the same SQL."""
    os.makedirs(dst)
    for f in sorted(os.listdir(src)):
        if not f.endswith(".up.sql"):
            continue
        stem = f[:-len(".up.sql")]
        with open(os.path.join(src, f)) as up, \
                open(os.path.join(src, stem + ".down.sql")) as down, \
                open(os.path.join(dst, stem + ".sql"), "w") as out:
            out.write("-- migrate:up\n" + up.read() +
                      "\n-- migrate:down\n" + down.read())
    return dst


def filesystem(path):
    """The type of the file system that holds path, from mountinfo."""
    best, kind = "", "?"
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                left, right = line.split(" - ", 1)
                mnt = left.split()[4]
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) \
                        and len(mnt) >= len(best):
                    best, kind = mnt, right.split()[0]
    except (OSError, ValueError, IndexError):
        pass
    return kind


def count(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


TABLES = ("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
          " AND name LIKE 'small%'")


class Side:
    def __init__(self, label, argv, table):
        self.label = label
        self.argv = argv        # fn(db path) -> argv
        self.table = table      # its tracking table, checked after a run
        self.runs = []


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/peer-sqlite", description="msr against dbmate on "
        "SQLite: N small migrations, paired runs (see bench/README.md).")
    p.add_argument("--msr", action="append", metavar="[LABEL=]PATH",
                   help="an msr to measure; give it more than once to "
                   "compare builds in the same rounds (default: ./src/msr,"
                   " else src/msr of this tree)")
    p.add_argument("--dbmate", metavar="PATH",
                   help="dbmate (default: dbmate in PATH)")
    p.add_argument("--runs", type=int, default=9, metavar="N",
                   help="rounds (default 9)")
    p.add_argument("--n", type=int, default=bench.SMALL_N, metavar="N",
                   help="migrations per run (default %d)" % bench.SMALL_N)
    p.add_argument("--tmpdir", metavar="DIR", default="/var/tmp",
                   help="where the work directory and the databases go "
                   "(default /var/tmp, on disk where /tmp is tmpfs)")
    p.add_argument("--timeout", type=int, default=900, metavar="SECONDS",
                   help="kill a run after this long (default 900)")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory")
    a = p.parse_args(argv)
    if a.runs < 1 or a.n < 1:
        p.error("--runs and --n must be 1 or more")
    return a


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, bench.on_signal)
    signal.signal(signal.SIGHUP, bench.on_signal)
    msrs = []
    for m in args.msr or [None]:
        msrs.append(tuple(m.split("=", 1)) if m and "=" in m else ("", m))
    try:
        dbmate = find_dbmate(args.dbmate)
        msrs = [(label, bench.find_msr(path)) for label, path in msrs]
        b = bench.Bench(argparse.Namespace(msr=msrs[0][1], tmpdir=args.tmpdir,
                                           timeout=args.timeout))
    except (bench.BenchError, OSError) as e:
        print("peer-sqlite: %s" % e, file=sys.stderr)
        return 2
    os.chdir(b.work)     # no msr.ini or .env of the caller's directory
    sides = []
    try:
        data = gen.small(os.path.join(b.work, "msr"), args.n)
        ddata = dbmate_files(data, os.path.join(b.work, "dbmate"))
        for i, (label, exe) in enumerate(msrs):
            sides.append(Side(
                label or ("msr" if len(msrs) == 1 else "msr%d" % (i + 1)),
                lambda h, exe=exe: [exe, "-q", "-u", "sqlite:" + h, "-d",
                                    data, "migrate"], "msr_migrations"))
            print("%-8s %s (%s)" % (sides[-1].label + ":", exe,
                                    bench.version_of([exe, "-V"], b.env)))
        sides.append(Side("dbmate", lambda h: [
            dbmate, "--no-dump-schema", "-u", "sqlite:" + h, "-d", ddata,
            "migrate"], "schema_migrations"))
        print("dbmate:  %s (%s)" % (dbmate, bench.version_of(
            [dbmate, "--version"], b.env)))
        print("machine: %s" % bench.machine())
        print("sqlite3: %s" % bench.version_of(["sqlite3", "--version"],
                                               b.env)[:40])
        print("work:    %s (%s), %d migrations, %d rounds" % (
            b.work, filesystem(b.work), args.n, args.runs), flush=True)
        dbdir = os.path.join(b.work, "db")
        for i in range(args.runs):
            k = i % len(sides)
            for s in sides[k:] + sides[:k]:
                h = os.path.join(dbdir, "%s-%d.db" % (s.label, i))
                argv = s.argv(h)
                r = b.check(b.spawn(argv), "msr" if s.table ==
                            "msr_migrations" else "dbmate", argv)
                got = (count(h, "SELECT count(*) FROM " + s.table),
                       count(h, TABLES))
                if got != (args.n, args.n):
                    raise bench.BenchError(
                        "%s: %d tracking rows and %d tables, not %d" % (
                            s.label, got[0], got[1], args.n))
                s.runs.append(r)
                for suffix in ("", "-journal", "-msr.lock"):
                    if os.path.exists(h + suffix):
                        os.unlink(h + suffix)
            b.say("  round %d/%d: %s", i + 1, args.runs, ", ".join(
                "%s %s" % (s.label, bench.fmt_s(s.runs[-1].wall))
                for s in sides))
    except (bench.BenchError, bench.MsrError) as e:
        print("peer-sqlite: %s" % e, file=sys.stderr)
        return 2
    finally:
        if args.keep:
            b.say("work directory kept: %s", b.work)
        else:
            os.chdir("/")
            shutil.rmtree(b.work, ignore_errors=True)
    peer = sides[-1]
    pw = [r.wall for r in peer.runs]
    print()
    print("| side | wall, median (min-max) | CPU user+sys | wall / dbmate:"
          " ratio of medians | median of the rounds' ratios |")
    print("|---|---|---|---|---|")
    for s in sides:
        w = [r.wall for r in s.runs]
        c = [r.cpu for r in s.runs]
        rm = bench.ratio(bench.median(w), bench.median(pw))
        rr = bench.median([x / y for x, y in zip(w, pw)])
        print("| %s | %s | %s | %.3f | %.3f |" % (
            s.label, bench.spread(w), bench.spread(c), rm, rr))
    print()
    print("%d rounds, %s; load average now %s" % (
        args.runs, time.strftime("%Y-%m-%d"),
        " ".join("%.2f" % x for x in os.getloadavg())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
