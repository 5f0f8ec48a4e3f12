"""The floor: what the plain clients do to get the same result.

One script for one sqlite3 or psql process: the tracking tables from
msr's own DDL (sql/sqlite.sql, sql/postgres.sql, with the table names put
in as src/track.c does), then for each migration its file text and the
tracking rows msr writes, in the same transactions:

    per-migration:  BEGIN; <file>; INSERT tracking row; INSERT audit row;
                    COMMIT;     (one per migration)
    per-batch:      BEGIN; <tables>; <every file and its rows>; COMMIT;

The rows have the columns and values msr writes, computed beforehand
(checksum, seq, time), so the floor does no work msr does not need to.
msr also deletes a row of the version before it inserts one; the floor
does not, as the table holds no such row.
"""

import datetime
import hashlib
import os
import pwd
import re
import socket

UP_RE = re.compile(r"^(V?)([0-9]{1,32})_(.+)\.up\.sql$")


def migrations(path):
    """The up files of a directory in version order, as
    (version, name, file path)."""
    found = []
    for f in os.listdir(path):
        m = UP_RE.match(f)
        if m:
            found.append((int(m.group(2)), m.group(3), os.path.join(path, f)))
    found.sort()
    return [(str(v), name, p) for v, name, p in found]


def read_text(path):
    """The file as msr runs it: no byte order mark, LF line ends."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.replace(b"\r\n", b"\n")


def ddl(sql_dir, dialect, table="msr_migrations"):
    """msr's DDL with the quoted table names, as ddl_text() of track.c
    puts them in."""
    with open(os.path.join(sql_dir, dialect + ".sql")) as f:
        text = f.read()

    def name(m):
        suffix = m.group(1) or ""
        return '"%s%s"' % (table, suffix)
    return re.sub(r"msr_migrations(_lock|_log(?!k))?", name, text)


def os_user():
    """user@host, as track_init() of msr makes it."""
    user = os.environ.get("USER") or pwd.getpwuid(os.getuid()).pw_name
    return "%s@%s" % (user, socket.gethostname())


def lit(s):
    return "NULL" if s is None else "'%s'" % s.replace("'", "''")


def script(mig_dir, sql_dir, dialect, mode="per-migration", db_user=None):
    """The floor's script for a migrations directory, as bytes.

    dialect is "sqlite" or "postgres"; db_user is the user msr records
    (None on SQLite, current_user on PostgreSQL).
    """
    begin = "BEGIN IMMEDIATE;\n" if dialect == "sqlite" else "BEGIN;\n"
    now = datetime.datetime.now(datetime.timezone.utc)
    at = now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (
        now.microsecond // 1000)
    who = os_user()
    note = "per-batch" if mode == "per-batch" else None
    out = [(begin + ddl(sql_dir, dialect)).encode()]
    if mode == "per-migration":
        out.append(b"COMMIT;\n")
    for seq, (version, name, path) in enumerate(migrations(mig_dir), 1):
        text = read_text(path)
        checksum = hashlib.sha256(text).hexdigest()
        if mode == "per-migration":
            out.append(begin.encode())
        out.append(text)
        out.append((
            "\nINSERT INTO \"msr_migrations\" (version, name, checksum,"
            " state, statements_done, applied_at, execution_ms, applied_by,"
            " os_user, seq) VALUES (%s, %s, '%s', 'applied', 0, '%s', 0, %s,"
            " %s, %d);\n"
            "INSERT INTO \"msr_migrations_log\" (at, action, version, name,"
            " outcome, message, execution_ms, db_user, os_user) VALUES"
            " ('%s', 'up', %s, %s, 'ok', %s, 0, %s, %s);\n"
            % (lit(version), lit(name), checksum, at, lit(db_user), lit(who),
               seq, at, lit(version), lit(name), lit(note), lit(db_user),
               lit(who))).encode())
        if mode == "per-migration":
            out.append(b"COMMIT;\n")
    if mode == "per-batch":
        out.append(b"COMMIT;\n")
    return b"".join(out)


def write_script(dest, *args, **kw):
    with open(dest, "wb") as f:
        f.write(script(*args, **kw))
    return dest
