"""A throwaway PostgreSQL server for the benchmarks.

The approach of t/lib-pg.sh: initdb into a short temporary directory,
pg_ctl start on a Unix socket in that directory, stop and remove it at
the end.  As root the server runs as the postgres system user.  Unlike
the tests, the server keeps PostgreSQL's default settings (fsync and
synchronous_commit on) apart from listening on the socket only: commits
cost what they cost on a real server.
"""

import glob
import os
import random
import shutil
import subprocess
import tempfile
import time


class PgError(Exception):
    pass


def clean_env():
    """The environment without the variables libpq or msr would read."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PG") and not k.startswith("MSR_")
           and k != "DATABASE_URL"}
    env["LC_ALL"] = "C"
    return env


def find_bindir(wanted=None):
    """The directory of initdb, pg_ctl and psql, or None.

    Debian's /usr/bin/psql is a Perl wrapper that adds start-up time,
    so the server's own bin directory is preferred.
    """
    if wanted:
        return wanted if os.path.isfile(os.path.join(wanted, "initdb")) \
            else None
    dirs = glob.glob("/usr/lib/postgresql/*/bin")
    dirs.sort(key=lambda d: int(d.split("/")[4]) if
              d.split("/")[4].isdigit() else 0, reverse=True)
    for d in dirs:
        if os.access(os.path.join(d, "initdb"), os.X_OK):
            return d
    try:
        d = subprocess.run(["pg_config", "--bindir"], capture_output=True,
                           text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return d if os.access(os.path.join(d, "initdb"), os.X_OK) else None


def port_busy(port):
    """Whether something listens on the TCP port, as far as Linux tells."""
    want = ":%04X" % port
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[1].endswith(want) and fields[3] == "0A":
                        return True
        except OSError:
            pass
    return False


class PgServer:
    def __init__(self, bindir):
        self.bindir = bindir
        self.tmp = None
        self.port = None
        self.as_root = os.getuid() == 0
        self.env = clean_env()
        self._version = None

    def prog(self, name):
        return os.path.join(self.bindir, name)

    def _as_owner(self, argv, **kw):
        """Runs a server program as the owner of the server, in self.tmp."""
        if self.as_root:
            if shutil.which("runuser"):
                argv = ["runuser", "-u", "postgres", "--"] + argv
            else:
                argv = ["su", "postgres", "-s", "/bin/sh", "-c",
                        " ".join("'%s'" % a.replace("'", "'\\''")
                                 for a in argv)]
        return subprocess.run(argv, cwd=self.tmp, env=self.env,
                              stdin=subprocess.DEVNULL, close_fds=True, **kw)

    def start(self):
        if self.as_root:
            try:
                import pwd
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PgError("running as root, but there is no postgres"
                              " system user to run the server")
        # Short, so that the socket path stays under its limit.
        self.tmp = tempfile.mkdtemp(prefix="msrbench-pg.", dir="/tmp")
        if self.as_root:
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.tmp, "data")
        r = self._as_owner([self.prog("initdb"), "--nosync", "-A", "trust",
                            "-U", "postgres", "-E", "UTF8", "--locale=C",
                            "-D", data], capture_output=True, text=True)
        if r.returncode != 0:
            raise PgError("initdb failed:\n" + r.stdout + r.stderr)
        for attempt in range(20):
            port = random.randint(20000, 30000)
            if port_busy(port):
                continue
            with open(os.path.join(data, "postgresql.conf"), "a") as f:
                f.write("\n# msr bench: the defaults, on a socket only\n"
                        "listen_addresses = ''\n"
                        "unix_socket_directories = '%s'\n"
                        "port = %d\n" % (self.tmp, port))
            r = self._as_owner([self.prog("pg_ctl"), "-D", data, "-l",
                                os.path.join(self.tmp, "log"), "-s", "-w",
                                "-t", "60", "start"],
                               capture_output=True, text=True)
            if r.returncode == 0:
                self.port = port
                return
            if "could not" not in self.log():
                break
        raise PgError("pg_ctl start failed:\n" + r.stdout + r.stderr +
                      self.log())

    def log(self):
        try:
            with open(os.path.join(self.tmp, "log")) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """Stops the server and removes its directory; safe to call twice."""
        if self.tmp is None:
            return
        data = os.path.join(self.tmp, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            r = self._as_owner([self.prog("pg_ctl"), "-D", data, "-s", "-w",
                                "-t", "60", "-m", "fast", "stop"],
                               capture_output=True)
            if r.returncode != 0:
                self._as_owner([self.prog("pg_ctl"), "-D", data, "-s", "-w",
                                "-m", "immediate", "stop"],
                               capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None

    # Clients.

    def url(self, db):
        """msr's URL of database db, on the socket."""
        return "postgresql://postgres@/%s?host=%s&port=%d" % (
            db, self.tmp, self.port)

    def psql_argv(self, db):
        """psql on the socket, as postgres, without psqlrc, stopping at
        the first error."""
        return [self.prog("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", self.tmp, "-p", str(self.port), "-U", "postgres",
                "-d", db]

    def query(self, sql, db="postgres"):
        """Runs sql and returns its rows as lists of text fields."""
        r = subprocess.run(self.psql_argv(db) + ["-A", "-t", "-F", "\t",
                                                 "-c", sql],
                           capture_output=True, text=True, env=self.env,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise PgError("psql -c %r failed: %s" % (sql, r.stderr.strip()))
        return [line.split("\t") for line in r.stdout.splitlines()]

    def version_num(self):
        if self._version is None:
            self._version = int(self.query("SHOW server_version_num")[0][0])
        return self._version

    def create_db(self, name):
        """A new, empty database (an old one of that name is dropped).

        On PostgreSQL 15 and later STRATEGY file_copy makes the creation
        end with a checkpoint, so that each timed run starts with no
        dirty buffers of earlier runs for the checkpointer to write.
        """
        self.drop_db(name)
        strategy = " STRATEGY file_copy" if self.version_num() >= 150000 \
            else ""
        self.query('CREATE DATABASE "%s"%s' % (name, strategy))

    def drop_db(self, name):
        force = " WITH (FORCE)" if self.version_num() >= 130000 else ""
        self.query('DROP DATABASE IF EXISTS "%s"%s' % (name, force))

    def backends(self, db):
        """How many sessions are connected to db."""
        return int(self.query("SELECT count(*) FROM pg_stat_activity"
                              " WHERE datname = '%s'" % db)[0][0])

    def wait_idle(self, db, timeout=10.0):
        """Waits until no session is connected to db: a backend reports
        its statistics when it exits, after its client is gone."""
        deadline = time.monotonic() + timeout
        while self.backends(db) > 0:
            if time.monotonic() > deadline:
                raise PgError("sessions still connected to %s" % db)
            time.sleep(0.05)

    def xact_commit(self, db):
        """pg_stat_database.xact_commit of db, read from another database
        so that the reading session's own transactions do not count."""
        rows = self.query("SELECT COALESCE(xact_commit, 0) FROM"
                          " pg_stat_database WHERE datname = '%s'" % db)
        return int(rows[0][0]) if rows else 0
