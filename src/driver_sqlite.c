/*
 * The SQLite driver: sqlite:PATH URLs, BEGIN IMMEDIATE transactions with
 * a busy timeout that a signal cuts short, error offsets from
 * sqlite3_error_offset(), and a lock held with fcntl() on PATH-msr.lock,
 * which the operating system releases when the holder dies.  PATH is the
 * database file's with symbolic links resolved, so that every path that
 * reaches one file finds one lock.  After a migration that ran a PRAGMA,
 * the connection's pragmas are put back as they were before the first
 * one.
 */
#include "buildconf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "ddl.h"
#include "driver.h"
#include "xmalloc.h"

/*
 * The pragmas of a connection that change what statements do, put back
 * after a migration.  busy_timeout is msr's busy handler, installed
 * again; case_sensitive_like cannot be read: it is set to what a new
 * connection has.  journal_mode and user_version are in the file.
 */
static const char *const pragmas[] = {
	"foreign_keys", "defer_foreign_keys", "recursive_triggers",
	"legacy_alter_table", "trusted_schema", "ignore_check_constraints",
	"query_only", "reverse_unordered_selects", "writable_schema",
	"synchronous",
};
#define NPRAGMAS	(sizeof(pragmas) / sizeof(pragmas[0]))

struct dbconn {
	sqlite3	*db;
	char	*path;
	char	*schema;	/* of the tracking tables: main, or schema */
	int	 lockfd;
	char	*created;	/* the file msr created, links resolved */
	int	 busy_ms;	/* busy_timeout of [sqlite] */
	long long busy_since;	/* when the current wait began, in ms */
	volatile sig_atomic_t cancelled;	/* sq_cancel() was called */
	int	 saved;		/* the pragmas were read */
	int	 dirty;		/* a PRAGMA ran since */
	long	 pragma[NPRAGMAS];	/* their values, or -1 */
	dbtick_fn tick;		/* of set_tick, or NULL */
	void	*tick_arg;
	long long tick_due;	/* when tick is called next, in ms */
};

static const char *
code_name(int rc)
{
	static const char *const names[] = {
		"SQLITE_OK", "SQLITE_ERROR", "SQLITE_INTERNAL", "SQLITE_PERM",
		"SQLITE_ABORT", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_NOMEM",
		"SQLITE_READONLY", "SQLITE_INTERRUPT", "SQLITE_IOERR",
		"SQLITE_CORRUPT", "SQLITE_NOTFOUND", "SQLITE_FULL",
		"SQLITE_CANTOPEN", "SQLITE_PROTOCOL", "SQLITE_EMPTY",
		"SQLITE_SCHEMA", "SQLITE_TOOBIG", "SQLITE_CONSTRAINT",
		"SQLITE_MISMATCH", "SQLITE_MISUSE", "SQLITE_NOLFS",
		"SQLITE_AUTH", "SQLITE_FORMAT", "SQLITE_RANGE", "SQLITE_NOTADB",
	};

	rc &= 0xff;
	if (rc >= 0 && (size_t)rc < sizeof(names) / sizeof(names[0]))
		return names[rc];
	return "SQLITE_ERROR";
}

static void
set_error(struct dbconn *c, int rc, struct dberr *err)
{
	dberr_reset(err);
	/* A wait for a locked database that a signal ended. */
	if (c->cancelled && (rc & 0xff) == SQLITE_BUSY)
		rc = SQLITE_INTERRUPT;
	buf_adds(&err->msg, c->db != NULL && rc != SQLITE_INTERRUPT ?
	    sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
	snprintf(err->code, sizeof(err->code), "%s", code_name(rc));
}

/* Calls the function of set_tick when its time has come. */
static int
on_progress(void *arg)
{
	struct dbconn *c = arg;
	long long now;

	if (c->tick != NULL && (now = driver_clock_ms()) >= c->tick_due)
		c->tick_due = now + c->tick(c->tick_arg);
	return 0;
}

/*
 * The busy handler: waits for a locked database in short sleeps, as
 * sqlite3_busy_timeout() does, up to busy_ms in all, but gives up at once
 * when sq_cancel() was called.  sqlite3_interrupt() alone does not end
 * such a wait.  A signal also cuts the sleep short.  The function of
 * set_tick is called between the sleeps.
 */
static int
on_busy(void *arg, int count)
{
	static const int steps[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
	    50, 100 };
	struct dbconn *c = arg;
	struct timespec ts;
	long long left;
	int ms;

	if (c->cancelled)
		return 0;
	if (count == 0)
		c->busy_since = driver_clock_ms();
	left = c->busy_since + c->busy_ms - driver_clock_ms();
	if (left <= 0)
		return 0;
	ms = steps[count < 12 ? count : 11];
	if (ms > left)
		ms = (int)left;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000;
	nanosleep(&ts, NULL);
	on_progress(c);
	return !c->cancelled;
}

static const char *
url_path(const char *url)
{
	if (strncmp(url, "sqlite3:", 8) == 0)
		url += 8;
	else if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	else
		return NULL;
	/* sqlite:///abs/path and sqlite://rel/path */
	if (strncmp(url, "//", 2) == 0)
		url += 2;
	return url;
}

static int
sq_accepts(const char *url)
{
	return url_path(url) != NULL;
}

static int
sq_check_url(const char *url, struct buf *err)
{
	const char *path = url_path(url);

	if (path == NULL || *path == '\0') {
		buf_adds(err, "the URL names no database file: expected"
		    " sqlite:PATH or sqlite:///ABSOLUTE/PATH");
		return -1;
	}
	if (strchr(path, '?') != NULL) {
		buf_adds(err, "query parameters are not supported in SQLite"
		    " URLs; use the [sqlite] section of msr.ini");
		return -1;
	}
	return 0;
}

static int
sq_connect(struct dbconn **out, const struct config *cfg, int flags,
    struct dberr *err)
{
	struct dbconn *c;
	const char *path = url_path(cfg->url);
	int rc, oflags, made = 0;

	dberr_reset(err);
	err->connection = 1;
	if (sq_check_url(cfg->url, &err->msg) == -1)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	c->lockfd = -1;
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (!(flags & DBCONN_READONLY)) {
		oflags |= SQLITE_OPEN_CREATE;
		made = strcmp(path, ":memory:") != 0 &&
		    access(path, F_OK) == -1 && errno == ENOENT;
	} else if (access(path, F_OK) == -1 && errno == ENOENT) {
		/* A file that does not exist is an empty database; reading
		 * it must not create it. */
		path = ":memory:";
	}
	rc = sqlite3_open_v2(path, &c->db, oflags, NULL);
	c->busy_ms = cfg->sqlite_busy_timeout;
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_handler(c->db, on_busy, c);
	if (rc == SQLITE_OK)
		sqlite3_extended_result_codes(c->db, 1);
	if (rc != SQLITE_OK) {
		set_error(c, rc, err);
		buf_reset(&err->msg);
		buf_addf(&err->msg, "cannot open '%s': %s", path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		err->connection = 1;
		sqlite3_close(c->db);
		free(c->path);
		free(c);
		return -1;
	}
	err->connection = 0;
	/* Through a dangling link, SQLite made the file the link names. */
	if (made && (c->created = realpath(path, NULL)) == NULL)
		c->created = xstrdup(path);
	/* Qualified, msr's tables are never a migration's TEMP tables. */
	c->schema = xstrdup(cfg->schema != NULL ? cfg->schema : "main");
	*out = c;
	return 0;
}

static int sq_object_exists(struct dbconn *, enum dbobject, const char *,
    const char *, const char *, struct dberr *);
static int sq_query(struct dbconn *, const char *, int, const char *const *,
    dbrow_fn, void *, struct dberr *);

static int
count_cb(void *arg, int ncols, const char *const *vals)
{
	if (ncols > 0 && vals[0] != NULL)
		*(long *)arg = strtol(vals[0], NULL, 10);
	return 0;
}

static void
sq_disconnect(struct dbconn *c)
{
	struct dberr err;
	long pages = -1;

	if (c == NULL)
		return;
	/* A database file that msr created and never wrote goes away. */
	if (c->created) {
		dberr_init(&err);
		if (sq_query(c, "PRAGMA page_count", 0, NULL, count_cb, &pages,
		    &err) == -1)
			pages = -1;
		dberr_release(&err);
	}
	sqlite3_close(c->db);
	if (pages == 0)
		unlink(c->created);
	if (c->lockfd != -1)
		close(c->lockfd);
	free(c->path);
	free(c->created);
	free(c->schema);
	free(c);
}

static int
table_cb(void *arg, int ncols, const char *const *vals)
{
	(void)ncols;
	(void)vals;
	*(int *)arg = 1;
	return 0;
}

static const char *
sq_schema(struct dbconn *c, struct dberr *err)
{
	int found;

	/* Another schema is an attached database, which must exist. */
	if (strcmp(c->schema, "main") == 0)
		return c->schema;
	if ((found = sq_object_exists(c, DBOBJ_SCHEMA, NULL, c->schema, NULL,
	    err)) == -1)
		return NULL;
	if (!found) {
		dberr_reset(err);
		buf_adds(&err->msg, "no schema of that name exists: SQLite"
		    " has main, temp and the databases attached");
		return NULL;
	}
	return c->schema;
}

static int
sq_table_exists(struct dbconn *c, const char *schema, const char *name,
    struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[1] = { name };
	int found = 0, rc;

	buf_adds(&sql, "SELECT 1 FROM ");
	driver_quote_ident(&sql, NULL, schema);
	buf_adds(&sql, ".sqlite_master WHERE type = 'table' AND name = $1");
	rc = sq_query(c, sql.s, 1, params, table_cb, &found, err);
	buf_release(&sql);
	return rc == -1 ? -1 : found;
}

static int
schema_cb(void *arg, int ncols, const char *const *vals)
{
	if (ncols > 0 && vals[0] != NULL)
		strlist_add(arg, vals[0]);
	return 0;
}

/*
 * SQLite looks for a name without a schema in temp, then main, then the
 * attached databases in the order they were attached; it compares names
 * without regard to case.
 */
static int
sq_object_exists(struct dbconn *c, enum dbobject obj, const char *schema,
    const char *name, const char *column, struct dberr *err)
{
	struct strlist dbs = STRLIST_INIT;
	struct buf sql = BUF_INIT;
	const char *params[3];
	size_t i;
	int found = 0, rc;

	params[0] = obj == DBOBJ_SCHEMA ? name : schema;
	rc = sq_query(c, "SELECT name FROM pragma_database_list WHERE $1 IS"
	    " NULL OR name = $1 COLLATE NOCASE ORDER BY name <> 'temp', seq",
	    1, params, schema_cb, &dbs, err);
	/* temp always exists, though the list names it only once used. */
	if (obj == DBOBJ_SCHEMA)
		found = dbs.n > 0 || (name != NULL &&
		    strcasecmp(name, "temp") == 0);
	for (i = 0; rc == 0 && !found && i < dbs.n; i++) {
		buf_reset(&sql);
		buf_adds(&sql, "SELECT 1 FROM ");
		driver_quote_ident(&sql, dbs.v[i], "sqlite_master");
		buf_adds(&sql, " WHERE type = $1 AND name = $2 COLLATE NOCASE");
		params[0] = obj == DBOBJ_INDEX ? "index" : "table";
		params[1] = name;
		rc = sq_query(c, sql.s, 2, params, table_cb, &found, err);
	}
	if (rc == 0 && found && obj == DBOBJ_COLUMN) {
		found = 0;
		params[0] = name;
		params[1] = dbs.v[i - 1];
		params[2] = column;
		rc = sq_query(c, "SELECT 1 FROM pragma_table_xinfo($1, $2)"
		    " WHERE name = $3 COLLATE NOCASE", 3, params, table_cb,
		    &found, err);
	}
	strlist_release(&dbs);
	buf_release(&sql);
	return rc == -1 ? -1 : found;
}

static int
column_cb(void *arg, int ncols, const char *const *vals)
{
	struct strlist *cols = arg;
	const char *p;

	if (ncols < 1 || vals[0] == NULL || *vals[0] == '\0')
		return 0;
	for (p = vals[0]; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_' ||
		    (p > vals[0] && *p >= '0' && *p <= '9')))
			return 0;
	strlist_add(cols, vals[0]);
	return 0;
}

/* A local read: no need to have read it at connect. */
static int
sq_columns(struct dbconn *c, const char *schema, const char *name,
    struct strlist *cols, int *may_add, struct dberr *err)
{
	const char *params[2] = { name, schema };

	int found = 0;

	*may_add = 1;
	if (sq_query(c, "SELECT name FROM pragma_table_info($1, $2)", 2,
	    params, column_cb, cols, err) == 0)
		return 0;
	/* A database that is not attached has no tables. */
	if (sq_query(c, "SELECT 1 FROM pragma_database_list WHERE name = $1",
	    1, params + 1, table_cb, &found, err) == -1 || found)
		return -1;
	dberr_reset(err);
	return 0;
}

/*
 * The histories of other tools, as they write them through Go's SQLite
 * drivers: booleans as 0 and 1, times as text that strftime() reads.
 * Anything but a plain false counts as true where true is the state
 * to be wary of.
 */
#define SQ_FALSE(col)	col " IN (0, '0', 'f', 'false', 'FALSE')"
#define SQ_UTC(col)	"strftime('%Y-%m-%dT%H:%M:%fZ', " col ")"

static const char *const sq_history[] = {
	[DBTOOL_GOLANG_MIGRATE] = "SELECT CAST(version AS TEXT), CASE WHEN "
	    SQ_FALSE("dirty") " THEN 'applied' ELSE 'failed' END, NULL, NULL"
	    " FROM %s",
	[DBTOOL_DBMATE] = "SELECT CAST(version AS TEXT), 'applied', NULL,"
	    " NULL FROM %s ORDER BY version",
	[DBTOOL_GOOSE] = "SELECT CAST(version_id AS TEXT), CASE WHEN "
	    SQ_FALSE("is_applied") " THEN 'undone' ELSE 'applied' END, "
	    SQ_UTC("tstamp") ", NULL FROM %s ORDER BY id",
	[DBTOOL_FLYWAY] = "SELECT version, CASE WHEN " SQ_FALSE("success")
	    " THEN 'failed' WHEN type = 'BASELINE' THEN 'baseline'"
	    " WHEN type = 'UNDO_SQL' THEN 'undone'"
	    " WHEN type = 'SQL' AND version IS NOT NULL THEN 'applied'"
	    " ELSE 'skipped' END, " SQ_UTC("installed_on") ","
	    " type || ' ' || script FROM %s ORDER BY installed_rank",
	[DBTOOL_SQL_MIGRATE] = "SELECT id, 'applied', " SQ_UTC("applied_at")
	    ", NULL FROM %s ORDER BY id",
};

static int
sq_tool_history(struct dbconn *c, enum dbtool tool, const char *schema,
    const char *table, dbrow_fn fn, void *arg, struct dberr *err)
{
	struct buf name = BUF_INIT, sql = BUF_INIT;
	int rc;

	driver_quote_ident(&name, schema, table);
	driver_subst(&sql, sq_history[tool], name.s);
	rc = sq_query(c, sql.s, 0, NULL, fn, arg, err);
	buf_release(&sql);
	buf_release(&name);
	return rc;
}

static const char *
sq_user(struct dbconn *c)
{
	(void)c;
	return NULL;
}

/* Skips white space and comments, as SQLite does before a statement. */
static const char *
skip_space(const char *p, const char *end)
{
	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f')
			p++;
		else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			for (p += 2; p + 1 < end && !(p[0] == '*' && p[1] == '/');
			    p++)
				;
			p = p + 2 <= end ? p + 2 : end;
		} else
			break;
	}
	return p;
}

/*
 * Before a PRAGMA, the first time: the values of the pragmas, to put
 * back after the migration.
 */
static int
save_pragmas(struct dbconn *c, const char *p, const char *end,
    struct dberr *err)
{
	char sql[64];
	size_t i;

	if (end - p < 7 || sqlite3_strnicmp(p, "pragma", 6) != 0 ||
	    !strchr(" \t\n\r\f/-", p[6]))
		return 0;
	c->dirty = 1;
	if (c->saved)
		return 0;
	for (i = 0; i < NPRAGMAS; i++) {
		c->pragma[i] = -1;
		snprintf(sql, sizeof(sql), "PRAGMA %s", pragmas[i]);
		if (sq_query(c, sql, 0, NULL, count_cb, &c->pragma[i],
		    err) == -1)
			return -1;
	}
	c->saved = 1;
	return 0;
}

/*
 * Runs one statement as the scanner found it, from its first token
 * through its ';'.  SQLite's own parser may still find more than one in
 * it.  Given a length, SQLite copies the text it prepares, so each
 * statement is prepared alone: preparing the rest of the file at every
 * step copies it again and again.
 */
static int
sq_exec_one(struct dbconn *c, const char *text, const struct sqlstmt *st,
    struct dberr *err)
{
	const char *p, *end, *tail;
	sqlite3_stmt *stmt;
	int rc, eoff;

	p = text + st->start;
	end = text + st->next;
	if (end - p > INT_MAX) {
		dberr_reset(err);
		buf_adds(&err->msg, "statement too long");
		err->offset = p - text;
		return -1;
	}
	while ((p = skip_space(p, end)) < end) {
		/* After a cancel, no statement starts. */
		if (c->cancelled) {
			set_error(c, SQLITE_INTERRUPT, err);
			err->offset = p - text;
			return -1;
		}
		if (save_pragmas(c, p, end, err) == -1) {
			err->offset = p - text;
			return -1;
		}
		rc = sqlite3_prepare_v2(c->db, p, (int)(end - p), &stmt,
		    &tail);
		if (rc != SQLITE_OK) {
			eoff = sqlite3_error_offset(c->db);
			set_error(c, rc, err);
			err->offset = (p - text) + (eoff >= 0 ? eoff : 0);
			return -1;
		}
		if (stmt != NULL) {
			while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				set_error(c, rc, err);
				err->offset = p - text;
				sqlite3_finalize(stmt);
				return -1;
			}
			sqlite3_finalize(stmt);
		}
		if (tail == p)
			break;
		p = tail;
	}
	return 0;
}

static int
sq_exec(struct dbconn *c, const char *text, const struct sqlstmt *st,
    size_t n, struct dberr *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sq_exec_one(c, text, &st[i], err) == -1)
			return -1;
	return 0;
}

static int
sq_query(struct dbconn *c, const char *sql, int nparams,
    const char *const *params, dbrow_fn fn, void *arg, struct dberr *err)
{
	const char *vals[32];
	char name[16];
	sqlite3_stmt *st;
	int i, idx, n, rc, stop = 0;

	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		set_error(c, rc, err);
		err->offset = sqlite3_error_offset(c->db);
		return -1;
	}
	for (i = 0; i < nparams; i++) {
		snprintf(name, sizeof(name), "$%d", i + 1);
		if ((idx = sqlite3_bind_parameter_index(st, name)) == 0)
			continue;
		rc = params[i] == NULL ? sqlite3_bind_null(st, idx) :
		    sqlite3_bind_text(st, idx, params[i], -1, SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			set_error(c, rc, err);
			sqlite3_finalize(st);
			return -1;
		}
	}
	n = sqlite3_column_count(st);
	if (n > 32)
		n = 32;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn == NULL)
			continue;
		for (i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if ((stop = fn(arg, n, vals)) != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		set_error(c, rc, err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return stop;
}

static int
simple(struct dbconn *c, const char *sql, struct dberr *err)
{
	int rc;

	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_error(c, rc, err);
		return -1;
	}
	return 0;
}

static int
sq_begin(struct dbconn *c, struct dberr *err)
{
	return simple(c, "BEGIN IMMEDIATE", err);
}

static int
sq_commit(struct dbconn *c, struct dberr *err)
{
	return simple(c, "COMMIT", err);
}

static int
sq_write(struct dbconn *c, const struct dbwrite *w, size_t n, int commit,
    size_t *failed, struct dberr *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sq_query(c, w[i].sql, w[i].nparams, w[i].params, NULL,
		    NULL, err) == -1) {
			*failed = i;
			return -1;
		}
	*failed = n;
	return commit ? sq_commit(c, err) : 0;
}

static int
sq_rollback(struct dbconn *c, struct dberr *err)
{
	if (sqlite3_get_autocommit(c->db))
		return 0;
	return simple(c, "ROLLBACK", err);
}

static int
sq_in_transaction(struct dbconn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

/*
 * The lock file of the database at path: the real path of the file, or of
 * its directory when the file does not exist yet, with "-msr.lock" added.
 */
static int
lock_name(const char *path, struct buf *out, struct buf *err)
{
	const char *base, *slash;
	char *dir, *real;

	if ((real = realpath(path, NULL)) != NULL) {
		buf_addf(out, "%s-msr.lock", real);
		free(real);
		return 0;
	}
	if (errno != ENOENT) {
		buf_addf(err, "cannot resolve '%s': %s", path, strerror(errno));
		return -1;
	}
	if ((slash = strrchr(path, '/')) == NULL) {
		dir = xstrdup(".");
		base = path;
	} else {
		dir = xstrndup(path, slash == path ? 1 :
		    (size_t)(slash - path));
		base = slash + 1;
	}
	if ((real = realpath(dir, NULL)) == NULL) {
		buf_addf(err, "cannot resolve the directory of '%s': %s", path,
		    strerror(errno));
		free(dir);
		return -1;
	}
	buf_addf(out, "%s%s%s-msr.lock", real, strcmp(real, "/") == 0 ? "" :
	    "/", base);
	free(real);
	free(dir);
	return 0;
}

static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "not a regular file";
}

/*
 * Opens the lock file name, never through a symbolic link, and accepts
 * only a regular file with one link that belongs to msr's user, root or
 * the owner of the database file path: anything else is refused before
 * it is locked, written or read.  O_NONBLOCK: opening a FIFO must not
 * wait.  With probe, it is opened to be read and not created: -2 when
 * it does not exist.
 */
static int
lock_open(const char *name, const char *path, int probe, struct buf *err)
{
	struct stat st, dbst;
	int fd;

	fd = open(name, (probe ? O_RDONLY : O_RDWR | O_CREAT) | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd == -1) {
		if (probe && errno == ENOENT)
			return -2;
		if ((errno == ELOOP || errno == EMLINK) &&
		    lstat(name, &st) == 0 && S_ISLNK(st.st_mode))
			buf_addf(err, "refusing lock file '%s': it is a"
			    " symbolic link", name);
		else
			buf_addf(err, "cannot open lock file '%s': %s", name,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		buf_addf(err, "cannot open lock file '%s': %s", name,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_addf(err, "refusing lock file '%s': it is %s", name,
		    file_kind(st.st_mode));
		goto fail;
	}
	if (st.st_nlink != 1) {
		buf_addf(err, "refusing lock file '%s': it has %ju links, not"
		    " one", name, (uintmax_t)st.st_nlink);
		goto fail;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0 &&
	    (stat(path, &dbst) == -1 || dbst.st_uid != st.st_uid)) {
		buf_addf(err, "refusing lock file '%s': it belongs to uid %ju,"
		    " not to msr's user, root or the owner of the database",
		    name, (uintmax_t)st.st_uid);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static enum dblock
sq_trylock(struct dbconn *c, const char *schema, const char *table,
    struct buf *holder, struct dberr *err)
{
	struct buf path = BUF_INIT, info = BUF_INIT;
	struct flock fl;
	char host[256], stamp[32];
	ssize_t n;
	char rbuf[512];

	(void)schema;
	(void)table;
	if (strcmp(c->path, ":memory:") == 0 || c->lockfd != -1)
		return DBLOCK_TAKEN;
	dberr_reset(err);
	if (lock_name(c->path, &path, &err->msg) == -1 ||
	    (c->lockfd = lock_open(path.s, c->path, 0, &err->msg)) == -1) {
		buf_release(&path);
		return DBLOCK_ERROR;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(c->lockfd, F_SETLK, &fl) == -1) {
		if (errno != EACCES && errno != EAGAIN) {
			dberr_reset(err);
			buf_addf(&err->msg, "cannot lock '%s': %s", path.s,
			    strerror(errno));
			goto fail;
		}
		n = pread(c->lockfd, rbuf, sizeof(rbuf) - 1, 0);
		rbuf[n > 0 ? n : 0] = '\0';
		rbuf[strcspn(rbuf, "\n")] = '\0';
		buf_reset(holder);
		buf_adds(holder, rbuf[0] != '\0' ? rbuf : "another process");
		close(c->lockfd);
		c->lockfd = -1;
		buf_release(&path);
		return DBLOCK_BUSY;
	}
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	driver_utc(stamp, time(NULL));
	buf_addf(&info, "pid %ld on %s since %s\n", (long)getpid(), host,
	    stamp);
	if (ftruncate(c->lockfd, 0) == 0 &&
	    pwrite(c->lockfd, info.s, info.len, 0) == (ssize_t)info.len) {
		/* The holder's description is a courtesy: no error. */
	}
	buf_release(&info);
	buf_release(&path);
	return DBLOCK_TAKEN;
fail:
	close(c->lockfd);
	c->lockfd = -1;
	buf_release(&path);
	return DBLOCK_ERROR;
}

/* F_GETLK on the lock file, opened read-only: a probe takes nothing. */
static int
sq_lock_holder(struct dbconn *c, const char *schema, const char *table,
    struct buf *holder, struct dberr *err)
{
	struct buf path = BUF_INIT;
	struct flock fl;
	char rbuf[512];
	ssize_t n;
	int fd, rc = -1;

	(void)schema;
	(void)table;
	if (strcmp(c->path, ":memory:") == 0)
		return 0;
	dberr_reset(err);
	if (lock_name(c->path, &path, &err->msg) == -1)
		goto done;
	if ((fd = lock_open(path.s, c->path, 1, &err->msg)) < 0) {
		rc = fd == -2 ? 0 : -1;
		goto done;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == -1)
		buf_addf(&err->msg, "cannot read the lock of '%s': %s",
		    path.s, strerror(errno));
	else if (fl.l_type == F_UNLCK)
		rc = 0;
	else {
		n = pread(fd, rbuf, sizeof(rbuf) - 1, 0);
		rbuf[n > 0 ? n : 0] = '\0';
		rbuf[strcspn(rbuf, "\n")] = '\0';
		buf_reset(holder);
		buf_adds(holder, rbuf[0] != '\0' ? rbuf : "another process");
		rc = 1;
	}
	close(fd);
done:
	buf_release(&path);
	return rc;
}

static int
sq_unlock(struct dbconn *c, struct dberr *err)
{
	(void)err;
	if (c->lockfd != -1) {
		if (ftruncate(c->lockfd, 0) == 0) {
			/* Leave no stale description behind. */
		}
		close(c->lockfd);
		c->lockfd = -1;
	}
	return 0;
}

/*
 * After a migration that ran a PRAGMA: the pragmas as they were, and
 * msr's busy handler, which PRAGMA busy_timeout replaces.  Outside a
 * transaction, where PRAGMA foreign_keys takes effect.
 */
static int
sq_reset_session(struct dbconn *c, struct dberr *err)
{
	char sql[80];
	size_t i;
	int rc;

	if (!c->dirty)
		return 0;
	for (i = 0; c->saved && i < NPRAGMAS; i++) {
		if (c->pragma[i] == -1)
			continue;
		snprintf(sql, sizeof(sql), "PRAGMA %s = %ld", pragmas[i],
		    c->pragma[i]);
		if (simple(c, sql, err) == -1)
			return -1;
	}
	if (simple(c, sqlite3_compileoption_used("CASE_SENSITIVE_LIKE") ?
	    "PRAGMA case_sensitive_like = 1" :
	    "PRAGMA case_sensitive_like = 0", err) == -1)
		return -1;
	if ((rc = sqlite3_busy_handler(c->db, on_busy, c)) != SQLITE_OK) {
		set_error(c, rc, err);
		return -1;
	}
	c->dirty = 0;
	return 0;
}

static void
sq_cancel(struct dbconn *c)
{
	c->cancelled = 1;
	sqlite3_interrupt(c->db);
}

/* The tables of golang-migrate and dbmate, as they create them. */
static int
sq_tool_keep(struct dbconn *c, enum dbtool tool, const char *schema,
    const char *table, enum dbkeep op, const char *version, int dirty,
    struct dberr *err)
{
	struct buf name = BUF_INIT, sql = BUF_INIT, second = BUF_INIT;
	struct dbwrite w[2];
	const char *params[2] = { version, dirty ? "1" : "0" };
	size_t n = 1, failed;
	int rc;

	driver_quote_ident(&name, schema, table);
	memset(w, 0, sizeof(w));
	if (op == DBKEEP_CREATE && tool == DBTOOL_GOLANG_MIGRATE) {
		buf_addf(&sql, "CREATE TABLE IF NOT EXISTS %s (version uint64,"
		    "dirty bool)", name.s);
		buf_adds(&second, "CREATE UNIQUE INDEX IF NOT EXISTS ");
		driver_quote_ident(&second, schema, "version_unique");
		buf_adds(&second, " ON ");
		driver_quote_ident(&second, NULL, table);
		buf_adds(&second, " (version)");
		n = 2;
	} else if (op == DBKEEP_CREATE)
		buf_addf(&sql, "CREATE TABLE IF NOT EXISTS %s (version"
		    " varchar(128) primary key)", name.s);
	else if (tool == DBTOOL_GOLANG_MIGRATE) {
		buf_addf(&sql, "DELETE FROM %s", name.s);
		if (version != NULL) {
			buf_addf(&second, "INSERT INTO %s (version, dirty)"
			    " VALUES (CAST($1 AS INTEGER), CAST($2 AS"
			    " INTEGER))", name.s);
			w[1].nparams = 2;
			w[1].params = params;
			n = 2;
		}
	} else {
		buf_addf(&sql, op == DBKEEP_SET ? "INSERT INTO %s (version)"
		    " VALUES ($1) ON CONFLICT DO NOTHING" : "DELETE FROM %s"
		    " WHERE version = $1", name.s);
		w[0].nparams = 1;
		w[0].params = params;
	}
	w[0].sql = sql.s;
	w[1].sql = second.s;
	rc = sq_write(c, w, n, 0, &failed, err);
	buf_release(&second);
	buf_release(&sql);
	buf_release(&name);
	return rc;
}

/*
 * The progress handler runs every PROGRESS_OPS steps of SQLite's virtual
 * machine while a tick is set: a clock read at most.
 */
#define PROGRESS_OPS	4096

static void
sq_set_tick(struct dbconn *c, dbtick_fn fn, void *arg, long ms)
{
	c->tick = fn;
	c->tick_arg = arg;
	c->tick_due = driver_clock_ms() + ms;
	sqlite3_progress_handler(c->db, fn != NULL ? PROGRESS_OPS : 0,
	    fn != NULL ? on_progress : NULL, c);
}

const struct driver driver_sqlite = {
	.name = "sqlite",
	.dialect = SQLDIALECT_SQLITE,
	.ddl = ddl_sqlite,
	.upgrade = ddl_sqlite_upgrade_0_2,
	.upgrade_file = "sqlite-upgrade-0.2.sql",
	.utc_text = "%s",
	.accepts = sq_accepts,
	.check_url = sq_check_url,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.schema = sq_schema,
	.table_exists = sq_table_exists,
	.object_exists = sq_object_exists,
	.columns = sq_columns,
	.tool_history = sq_tool_history,
	.tool_keep = sq_tool_keep,
	.user = sq_user,
	.exec = sq_exec,
	.query = sq_query,
	.write = sq_write,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_transaction = sq_in_transaction,
	.reset_session = sq_reset_session,
	.trylock = sq_trylock,
	.unlock = sq_unlock,
	.lock_holder = sq_lock_holder,
	.cancel = sq_cancel,
	.set_notice = NULL,
	.set_tick = sq_set_tick,
	/* No CONCURRENTLY, no invalid indexes. */
	.index_invalid = NULL,
};
