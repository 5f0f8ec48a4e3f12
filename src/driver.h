/*
 * The driver interface.  Each database has one module that exports one
 * const struct driver; everything else in it is static.  The core knows
 * databases only through these hooks.
 *
 * Hooks never print and never exit.  They return 0 on success and -1 on
 * failure with struct dberr filled.  Optional hooks may be NULL; callers
 * test for that.
 */
#ifndef MSR_DRIVER_H
#define MSR_DRIVER_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "sqlscan.h"

struct config;
struct dbconn;
struct strlist;

/* An error from the database, or from the driver about the database. */
struct dberr {
	struct buf	 msg;		/* the database's message */
	char		 code[32];	/* SQLSTATE, or SQLite's code name */
	struct buf	 detail;	/* DETAIL, when the database gives one */
	struct buf	 hint;		/* HINT, likewise */
	struct buf	 context;	/* CONTEXT: where in a function */
	/* Byte offset of the error in the SQL text given to the hook, or
	 * -1 when the database did not say. */
	long		 offset;
	int		 connection;	/* the connection itself is lost */
};

void	dberr_init(struct dberr *);
void	dberr_reset(struct dberr *);
void	dberr_release(struct dberr *);

/* A statement with text parameters that returns no rows. */
struct dbwrite {
	const char		*sql;
	int			 nparams;
	const char *const	*params;
};

/* Called for each row of a query; vals[i] is NULL for SQL NULL. */
typedef int (*dbrow_fn)(void *arg, int ncols, const char *const *vals);

/* Called for each notice (RAISE NOTICE, warnings) of the database. */
typedef void (*dbnotice_fn)(void *arg, const char *severity,
    const char *message);

/*
 * Called while a statement runs, when the delay it asked for has passed;
 * returns the next delay in milliseconds, more than 0.
 */
typedef long (*dbtick_fn)(void *arg);

/* Flags of connect. */
#define DBCONN_READONLY	0x01	/* the command changes nothing: do not
				 * create a database that does not exist */

/* Results of a lock attempt. */
enum dblock {
	DBLOCK_TAKEN,		/* the lock is ours */
	DBLOCK_BUSY,		/* somebody else holds it */
	DBLOCK_ERROR
};

/* What object_exists() looks for. */
enum dbobject {
	DBOBJ_TABLE,
	DBOBJ_INDEX,
	DBOBJ_COLUMN,		/* a column of a table */
	DBOBJ_SCHEMA		/* name is the schema; schema is NULL */
};

/* The other migration tools whose history msr adopt reads. */
enum dbtool {
	DBTOOL_GOLANG_MIGRATE,
	DBTOOL_DBMATE,
	DBTOOL_GOOSE,
	DBTOOL_FLYWAY,
	DBTOOL_SQL_MIGRATE
};

/* What tool_keep() does. */
enum dbkeep {
	DBKEEP_CREATE,		/* create the table as the tool does */
	DBKEEP_SET,		/* golang-migrate: its one row becomes
				 * version and dirty, or none when version
				 * is NULL; dbmate: adds version's row */
	DBKEEP_REMOVE		/* dbmate: deletes version's row */
};

/* What tool_history() says of an entry of another tool's history. */
#define DBTOOL_APPLIED	"applied"	/* it ran */
#define DBTOOL_FAILED	"failed"	/* golang-migrate's dirty, Flyway's
					 * success = false */
#define DBTOOL_UNDONE	"undone"	/* goose is_applied = false, Flyway
					 * UNDO_SQL: undoes an earlier entry */
#define DBTOOL_BASELINE	"baseline"	/* Flyway BASELINE */
#define DBTOOL_SKIPPED	"skipped"	/* any other Flyway row */

struct driver {
	const char	*name;		/* "sqlite", "postgres" */
	enum sqldialect	 dialect;	/* for the scanner */

	/* The DDL of the tracking tables (sql/NAME.sql). */
	const char	*ddl;
	/*
	 * The statements that add the columns of 0.2 to tables made by 0.1
	 * (sql/NAME-upgrade-0.2.sql), one ALTER TABLE ... ADD COLUMN each.
	 */
	const char	*upgrade;
	/* The name of that file, for messages. */
	const char	*upgrade_file;

	/*
	 * A printf format that turns a timestamp column (%s) into text in
	 * UTC, ISO 8601, whatever the session's settings.
	 */
	const char	*utc_text;

	/* Whether this driver handles url. */
	int	(*accepts)(const char *url);

	/*
	 * Checks the form of url before connecting: 0, or -1 with a reason in
	 * err that does not repeat the URL.  May be NULL.
	 */
	int	(*check_url)(const char *url, struct buf *err);

	/*
	 * Connects with the settings of cfg.  On failure *err says why, and
	 * err->connection is set when no connection could be made; it is 0
	 * when the database refused the session's settings (a role that
	 * does not exist), which retrying would not change.
	 */
	int	(*connect)(struct dbconn **out, const struct config *cfg,
		    int flags, struct dberr *err);
	void	(*disconnect)(struct dbconn *);

	/*
	 * The schema of the tracking tables, chosen once at connect: schema
	 * of [migrations] when set, else what the database looks in first.
	 * Every statement msr sends names its tables with it, so what a
	 * migration does to the session (a search_path, a TEMP table of
	 * the same name) does not move them.  NULL, with err saying why,
	 * when the session has no schema to use.
	 */
	const char *(*schema)(struct dbconn *, struct dberr *err);

	/* Whether the table exists: 1 or 0, or -1 with err set. */
	int	(*table_exists)(struct dbconn *, const char *schema,
		    const char *name, struct dberr *err);

	/*
	 * Whether a table, an index, a column of a table or a schema (on
	 * SQLite: main, temp or an attached database) exists: 1 or 0, or
	 * -1 with err set.  The table or index is looked for in schema,
	 * or, when schema is NULL, as the session looks for a name that has
	 * none.  Names are as the database reads them from a statement, for
	 * example unquoted ones folded by the caller (see effect.h).
	 */
	int	(*object_exists)(struct dbconn *, enum dbobject,
		    const char *schema, const char *name, const char *column,
		    struct dberr *err);

	/*
	 * The columns of the table schema.name whose names are plain lower
	 * case, the only ones msr names, added to cols; *may_add says
	 * whether this session may add columns to it.  A table that does not
	 * exist has none.  A driver may have read this when it connected,
	 * for msr's tables: then it costs no round trip, once.
	 */
	int	(*columns)(struct dbconn *, const char *schema,
		    const char *name, struct strlist *cols, int *may_add,
		    struct dberr *err);

	/*
	 * Reads the history that tool recorded in its table schema.table,
	 * calling fn for each entry in the order the tool wrote them, with
	 * four values: the version as the tool recorded it (sql-migrate:
	 * the file name; NULL for a Flyway repeatable migration), one of
	 * DBTOOL_APPLIED..DBTOOL_SKIPPED, when the tool applied it in ISO
	 * 8601 UTC or NULL when it did not record that, and for messages
	 * what the entry is (Flyway: its type and script) or NULL.  The
	 * table is read as it is: nothing is locked or written.
	 */
	int	(*tool_history)(struct dbconn *, enum dbtool, const char *schema,
		    const char *table, dbrow_fn fn, void *arg,
		    struct dberr *err);

	/*
	 * Keeps the table of another tool, schema.table, in step with
	 * msr's ([migrations] keep_tool), in the open transaction if any:
	 * see enum dbkeep.  Only golang-migrate and dbmate.
	 */
	int	(*tool_keep)(struct dbconn *, enum dbtool, const char *schema,
		    const char *table, enum dbkeep op, const char *version,
		    int dirty, struct dberr *err);

	/* The database user, for the tracking rows; may return NULL. */
	const char *(*user)(struct dbconn *);

	/*
	 * Runs the n statements st[0..n-1], found by the scanner in text, in
	 * order, returning no rows; a driver may send them together.  On
	 * failure err->offset is the byte offset in text where the error
	 * is, or at least where its statement starts.
	 */
	int	(*exec)(struct dbconn *, const char *text,
		    const struct sqlstmt *st, size_t n, struct dberr *err);

	/*
	 * Runs one statement with text parameters $1..$n (NULL for SQL NULL),
	 * calling fn for each row when fn is not NULL.  A non-zero return of
	 * fn stops the query and is returned.
	 */
	int	(*query)(struct dbconn *, const char *sql, int nparams,
		    const char *const *params, dbrow_fn fn, void *arg,
		    struct dberr *err);

	/*
	 * Runs w[0..n-1] in order, then commits the open transaction when
	 * commit is set; a driver may send them together.  On failure
	 * *failed is the index of the statement that failed, n for the
	 * commit, and the transaction, if still open, is to be rolled back.
	 */
	int	(*write)(struct dbconn *, const struct dbwrite *w, size_t n,
		    int commit, size_t *failed, struct dberr *err);

	/* A transaction for writes: SQLite BEGIN IMMEDIATE, PostgreSQL BEGIN. */
	int	(*begin)(struct dbconn *, struct dberr *err);
	int	(*commit)(struct dbconn *, struct dberr *err);
	int	(*rollback)(struct dbconn *, struct dberr *err);
	/* Whether a transaction is open on the connection now. */
	int	(*in_transaction)(struct dbconn *);

	/*
	 * A migration ended: undoes what it did to the session's settings
	 * (SET, SET ROLE, PRAGMA), so that the next one starts with the
	 * settings the first one had.  Called outside a transaction.  A
	 * driver may put the work off and send it with what comes next.
	 * May be NULL.
	 */
	int	(*reset_session)(struct dbconn *, struct dberr *err);

	/*
	 * Tries once, without blocking, to take the lock that keeps other
	 * msr processes off this database's migrations: one lock for each
	 * tracking table, schema.table.  On DBLOCK_BUSY, holder describes
	 * the holder ("pid 1234 on host web1 since ...") when known.
	 */
	enum dblock (*trylock)(struct dbconn *, const char *schema,
		    const char *table, struct buf *holder, struct dberr *err);
	int	(*unlock)(struct dbconn *, struct dberr *err);
	/*
	 * Whether another process holds the lock of trylock, found without
	 * taking it or writing anything: 1 with holder described as for
	 * trylock, 0 when it is free, -1 with err set.
	 */
	int	(*lock_holder)(struct dbconn *, const char *schema,
		    const char *table, struct buf *holder, struct dberr *err);

	/*
	 * Asks the database to stop the running statement.  Must be safe to
	 * call from a signal handler.  May be NULL.
	 */
	void	(*cancel)(struct dbconn *);

	/* Routes notices to fn.  May be NULL. */
	void	(*set_notice)(struct dbconn *, dbnotice_fn fn, void *arg);

	/*
	 * Calls fn ms milliseconds from now, then after each delay that fn
	 * returns, until set_tick is called again; fn NULL stops the calls.
	 * A call that falls due while the database works comes as soon as
	 * the driver's wait for it allows, from that wait, never from a
	 * signal handler.  May be NULL.
	 */
	void	(*set_tick)(struct dbconn *, dbtick_fn fn, void *arg,
		    long ms);

	/*
	 * Whether an index is invalid, as a CREATE INDEX CONCURRENTLY that
	 * failed, or is still running, leaves it.  index and table are
	 * names as a statement of a migration writes them, quoted or not,
	 * table with its schema or not, looked up as that statement would
	 * look them up now in this session: the table through the
	 * search_path, the index in the schema of the table.  Returns 1
	 * with the index's schema-qualified, quoted name in name; 0 when
	 * the index is valid, or there is none; -1 with err.  May be NULL.
	 */
	int	(*index_invalid)(struct dbconn *, const char *table,
		    const char *index, struct buf *name, struct dberr *err);
};

/* The driver for url, or NULL with err set. */
const struct driver *driver_find(const char *url, struct buf *err);

/*
 * A quoted identifier, "name" with inner quotes doubled, appended to b;
 * with schema, "schema"."name".
 */
void	driver_quote_ident(struct buf *b, const char *schema,
	    const char *name);

/* A monotonic clock, in milliseconds. */
long long driver_clock_ms(void);

/* Appends text to b with its first "%s" replaced by name. */
void	driver_subst(struct buf *b, const char *text, const char *name);

/*
 * The time t as lock holders are described, ISO 8601 in UTC to the
 * second: 2026-11-23T10:00:00Z.
 */
void	driver_utc(char out[32], time_t t);

#endif
