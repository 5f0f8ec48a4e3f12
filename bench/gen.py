"""Workload generators: directories of migration files.

Every file is plain SQL that SQLite and PostgreSQL both accept, so the
same directory serves both databases.  Run on its own to look at one:

    python3 bench/gen.py small 1000 /tmp/small
    python3 bench/gen.py inserts 200000 /tmp/big
    python3 bench/gen.py files 10000 /tmp/files
"""

import os
import sys


def _write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _fresh_dir(path):
    os.makedirs(path)
    return path


def small(path, n):
    """n small migrations: a table, an index and three rows each."""
    _fresh_dir(path)
    width = max(4, len(str(n)))
    for i in range(1, n + 1):
        v = "%0*d" % (width, i)
        t = "small_%s" % v
        _write(os.path.join(path, "%s_%s.up.sql" % (v, t)),
               "-- Small migration %d of %d.\n"
               "CREATE TABLE %s (\n"
               "\tid integer PRIMARY KEY,\n"
               "\tname text NOT NULL,\n"
               "\tqty integer NOT NULL DEFAULT 0\n"
               ");\n"
               "CREATE INDEX %s_name ON %s (name);\n"
               "INSERT INTO %s (id, name, qty) VALUES (1, 'one', 10);\n"
               "INSERT INTO %s (id, name, qty) VALUES (2, 'two', 20);\n"
               "INSERT INTO %s (id, name, qty) VALUES (3, 'three', 30);\n"
               % (i, n, t, t, t, t, t, t))
        _write(os.path.join(path, "%s_%s.down.sql" % (v, t)),
               "DROP TABLE %s;\n" % t)
    return path


# 110 bytes a line: 200,000 of them make the 22 MB migration.
INSERT_FMT = ("INSERT INTO big (id, name, note, qty) VALUES"
              " (%6d, 'name %06d', '%s', %3d);\n")
NOTE = "a note of thirty-one characters"


def inserts(path, n):
    """One migration: a table and n INSERT statements of 110 bytes."""
    _fresh_dir(path)
    with open(os.path.join(path, "0001_big.up.sql"), "w",
              encoding="utf-8", newline="\n") as f:
        f.write("CREATE TABLE big (id integer PRIMARY KEY, name text NOT NULL,"
                " note text, qty integer);\n")
        for i in range(1, n + 1):
            f.write(INSERT_FMT % (i, i, NOTE, i % 1000))
    return path


def files(path, n):
    """n one-statement migrations: a table, then a row each."""
    _fresh_dir(path)
    width = max(4, len(str(n)))
    for i in range(1, n + 1):
        v = "%0*d" % (width, i)
        if i == 1:
            sql = "CREATE TABLE many (id integer PRIMARY KEY, v text NOT NULL);\n"
        else:
            sql = "INSERT INTO many (id, v) VALUES (%d, 'row %d');\n" % (i, i)
        _write(os.path.join(path, "%s_many_%s.up.sql" % (v, v)), sql)
    return path


KINDS = {"small": small, "inserts": inserts, "files": files}


def dir_size(path):
    return sum(os.path.getsize(os.path.join(path, f))
               for f in os.listdir(path))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in KINDS:
        sys.exit("usage: gen.py small|inserts|files N DIR")
    KINDS[sys.argv[1]](sys.argv[3], int(sys.argv[2]))
