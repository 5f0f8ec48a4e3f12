/*
 * The tracking table (one row per applied or partial migration) and the
 * audit table (one row per action), read and written through a driver.
 */
#ifndef MSR_TRACK_H
#define MSR_TRACK_H

#include <stddef.h>

#include "buf.h"
#include "driver.h"

struct buf;
struct config;
struct dberr;
struct dbconn;
struct driver;

struct trackrow {
	char		*version;	/* canonical */
	char		*name;
	char		*checksum;
	int		 partial;	/* state 'partial' */
	long		 done;		/* statements done, for partial */
	char		*applied_at;
	long long	 execution_ms;
	char		*applied_by;
	char		*os_user;
	long long	 seq;
	char		*origin;	/* msr, baseline, adopted:TOOL; NULL:
					 * a row of 0.1, msr's */
};

struct trackrows {
	struct trackrow	*v;		/* in order of application */
	size_t		 n;
	size_t		 alloc;
};

/*
 * The columns that came after 0.1, one bit each: tables that 0.1 made
 * lack them.
 */
#define TRACKCOL_ORIGIN	0x01	/* tracking table: where a row came from */
#define TRACKCOL_RUN_ID	0x02	/* audit table: the run that wrote it */
#define TRACKCOL_ALL	0x03

/* The origins of rows that msr writes. */
#define TRACK_ORIGIN_MSR	"msr"
#define TRACK_ORIGIN_BASELINE	"baseline"
#define TRACK_ORIGIN_ADOPTED	"adopted:"	/* and the tool's name */

struct track {
	const struct driver	*drv;
	struct dbconn		*conn;
	const char		*schema;	/* the driver's, unquoted */
	const char		*name;		/* unquoted */
	char			*table;		/* quoted, qualified */
	char			*log;		/* quoted, qualified */
	char			*lock;		/* quoted, qualified */
	char			*lockname;	/* unquoted */
	char			*holder;	/* our row in the lock table */
	char			*os_user;	/* user@host */
	char			*os_host;	/* host, as in os_user */
	long long		 seq;		/* highest seq loaded or given */
	char			 run_id[33];	/* of this run, or "" */
	unsigned		 cols;		/* TRACKCOL_* the tables have */
	char			*foreign;	/* the columns of a tracking
						 * table that is not msr's, or
						 * NULL */
	unsigned		 add;		/* those msr lacks and may add */
	unsigned		 adding;	/* those added in the open
						 * transaction */
	/* [migrations] keep_tool: another tool's table kept in step */
	int			 keep;		/* enum dbtool, or -1: none */
	const char		*keep_schema;	/* unquoted */
	const char		*keep_table;	/* unquoted */
	struct strlist		 applied;	/* versions applied, in order */
	char			*partial;	/* the version of a partial
						 * row, or NULL */
	int			 defer;		/* rows wait for track_commit() */
	struct trackq {
		char		*sql;
		int		 nparams;
		char		**params;
		const char	*what;		/* "tracking row", "audit row" */
	}			*q;
	size_t			 nq, alloc;
};

/*
 * The names of the tables, in the schema that the driver chose; -1 with
 * err set when it has none.
 */
int	track_init(struct track *, const struct driver *, struct dbconn *,
	    const struct config *, struct dberr *err);
void	track_release(struct track *);

/* Whether the tracking table exists: 1, 0, or -1 with err set. */
int	track_exists(struct track *, struct dberr *err);

/*
 * Which columns of TRACKCOL_* the existing tables have, and which msr
 * may add: it adds them, with the statements of the driver's upgrade
 * file, in the transaction of its first change: before the first row
 * that it writes in a transaction, or with a tracking row that it
 * writes outside one, in a transaction of their own.  An audit row
 * written outside a transaction, after a failure, adds none.  Until
 * then, and for good when msr may not add them, the rows that msr
 * writes name only the columns that are there.
 */
int	track_columns(struct track *, struct dberr *err);
/* After it, foreign lists the columns of a table that is not msr's. */
/*
 * The columns that the tables lack and msr may not add: 0, or their
 * bits, and in msg what msr does not record and the statements that add
 * them.
 */
unsigned track_missing(const struct track *, struct buf *msg);

/*
 * Makes the id of this run: 16 random bytes as 32 lower-case hex digits,
 * written in every audit row where the column exists.  -1 with err set
 * when the system has no randomness to give.
 */
int	track_new_run(struct track *, struct buf *err);
/*
 * From track_defer() on, the rows that track_record(), track_delete() and
 * track_audit() write wait, to be sent with the COMMIT by track_commit():
 * on PostgreSQL in one round trip.  On failure *what is the row that
 * failed ("tracking row", "audit row"), or NULL for the COMMIT.
 * track_discard() drops them.  Both end the deferring.
 */
void	track_defer(struct track *);
int	track_commit(struct track *, const char **what, struct dberr *err);
void	track_discard(struct track *);

/*
 * With [migrations] keep_tool, creates that tool's table as the tool
 * does when it is not there, saying what msr's rows say, in a
 * transaction of its own; then each change of a tracking row writes it
 * too, in the same transaction: for golang-migrate, the newest applied
 * version with dirty false, or the version of a partial row with dirty
 * true; for dbmate, a row per applied version.  1 when it created the
 * table, 0, or -1 with err set, also when the table is there and its
 * columns are not the tool's.
 */
int	track_keep_start(struct track *, struct dberr *err);
/*
 * With keep_tool, whether keep_schema exists: 0, or -1 with err set, its
 * code empty when the schema does not exist.
 */
int	track_keep_schema(struct track *, struct dberr *err);

/* Creates the tables from the driver's DDL, in a transaction. */
int	track_create(struct track *, struct dberr *err);
/* The same in the transaction that is open. */
int	track_create_in(struct track *, struct dberr *err);

/* Reads all rows, in order of application. */
int	track_load(struct track *, struct trackrows *, struct dberr *err);
void	track_rows_release(struct trackrows *);
/* The row of a canonical version, or NULL. */
struct trackrow *track_find(const struct trackrows *, const char *version);

/*
 * Writes the row of a migration: state 'applied' when partial is 0,
 * otherwise 'partial' with done statements; origin is TRACK_ORIGIN_*.
 * With replace, the row may be there already and is replaced; without,
 * it must not be.
 */
int	track_record(struct track *, const char *version, const char *name,
	    const char *checksum, const char *origin, int partial, long done,
	    long long ms, int replace, struct dberr *err);
/*
 * Writes the row of a migration that another tool applied at the time
 * at (ISO 8601 UTC), or now when at is NULL: state 'applied'.
 */
int	track_record_at(struct track *, const char *version, const char *name,
	    const char *checksum, const char *origin, const char *at,
	    struct dberr *err);
/* Marks a row applied with this checksum (repair). */
int	track_accept(struct track *, const char *version, const char *checksum,
	    struct dberr *err);
int	track_progress(struct track *, const char *version, long done,
	    struct dberr *err);
int	track_delete(struct track *, const char *version, struct dberr *err);

/*
 * The lock of [lock] method = table: a row in the lock table, which
 * track_lock_try() inserts unless another msr's row is there; then holder
 * describes that one.  Our row's holder text says who we are for people
 * and, on a second line, for holder_judge() (see holder.h).
 */
enum dblock track_lock_try(struct track *, struct buf *holder,
	    struct dberr *err);
/*
 * Deletes the lock row whose holder text is row, and no other: 1 when it
 * did, 0 when the row is not there (any more), -1.  NULL: our own row,
 * when we took one.
 */
int	track_lock_release(struct track *, const char *row, struct dberr *err);
/*
 * Who holds the lock of method table, read without writing: 1 with
 * holder, the line for people, 0 when the row or the lock table is not
 * there, -1.  With row not NULL, the whole holder text of the row too.
 */
int	track_lock_holder(struct track *, struct buf *holder, struct buf *row,
	    struct dberr *err);
/* The host name in the holder texts that this process writes. */
const char *track_host(struct track *);
/* Whether the lock table exists: 1, 0, or -1 with err set. */
int	track_lock_exists(struct track *, struct dberr *err);

/* An audit row: action up/down/..., outcome ok/failed/partial. */
int	track_audit(struct track *, const char *action, const char *version,
	    const char *name, const char *outcome, const char *message,
	    long long ms, struct dberr *err);

/*
 * The audit rows, newest first, at most limit, of one canonical version
 * or all (NULL), at or after since (ISO 8601 UTC) or all (NULL): fn gets
 * id, at (ISO 8601 UTC), action, version, name, outcome, message,
 * execution_ms, db_user, os_user and run_id (NULL in a table without
 * the column).
 */
int	track_log_read(struct track *, const char *version, const char *since,
	    long limit, dbrow_fn fn, void *arg, struct dberr *err);


/* The current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void	track_now(char out[32]);

#endif
