/*
 * Commands: one table in main.c of {name, alias, function, usage, flags}.
 * The flags say what a command needs, and main.c sets that up once
 * before calling it: the migration files, a connection, the lock, the
 * tracking rows.
 */
#ifndef MSR_CMD_H
#define MSR_CMD_H

#include "config.h"
#include "driver.h"
#include "migfile.h"
#include "track.h"

#define CMD_FILES	0x01	/* reads the migrations directory */
#define CMD_DB		0x02	/* connects and reads the tracking rows */
#define CMD_WRITE	0x04	/* changes the database: lock, create tables */
#define CMD_DBOPT	0x08	/* uses the database when one is configured */
#define CMD_RW		0x10	/* connects for writing, without the lock */
#define CMD_NOCONN	0x20	/* needs a URL, connects by itself */
#define CMD_VERSIONS	0x80	/* its arguments are versions */
#define CMD_FILESOPT	0x100	/* reads the migrations directory when
				 * there is one */
#define CMD_TOOL	0x200	/* its operand is another tool's name */
#define CMD_EXACT	0x40	/* refuses files golang-migrate would run
				 * and msr does not read */
#define CMD_SAYDB	0x400	/* names its database, masked, first */

/* Command-line options besides the configuration keys. */
struct opts {
	const char	*to;		/* --to */
	int		 dry_run;	/* --dry-run */
	long		 steps;		/* --steps */
	int		 all;		/* --all */
	const char	*expect;	/* --expect */
	const char	*at_least;	/* --expect-at-least */
	int		 timeout;	/* --timeout, -1: unset */
	int		 json;		/* --json */
	const char	*forget;	/* --forget */
	int		 force;		/* --force */
	const char	*from_table;	/* --from-table */
	const char	*from_schema;	/* --from-schema */
	long		 limit;		/* --limit, 0: unset */
	const char	*since;		/* --since */
	const char	*log_version;	/* log --version */
	int		 yes;		/* --yes */
};

struct msr {
	struct config		 cfg;
	struct opts		 o;
	int			 argc;	/* operands after the command */
	char			**argv;
	struct migset		 set;
	struct strlist		 warnings;
	const struct driver	*drv;
	struct dbconn		*conn;
	struct track		 track;
	int			 has_table;
	struct trackrows	 rows;
	char			*url_masked;
};

/* Options a command accepts, besides the global ones. */
#define OPT_TO		0x01
#define OPT_DRYRUN	0x02
#define OPT_OOO		0x04
#define OPT_STEPS	0x08
#define OPT_ALL		0x10
#define OPT_EXPECT	0x20
#define OPT_TIMEOUT	0x40
#define OPT_FORGET	0x80
#define OPT_FORCE	0x100
#define OPT_ATLEAST	0x200
#define OPT_FROMTABLE	0x400
#define OPT_FROMSCHEMA	0x800
#define OPT_LIMIT	0x1000
#define OPT_SINCE	0x2000
#define OPT_LOGVERSION	0x4000
#define OPT_YES		0x8000

struct cmd {
	const char	*name;
	const char	*alias;
	int		(*fn)(struct msr *);
	const char	*usage;		/* operands and options */
	int		 flags;		/* CMD_* */
	int		 opts;		/* OPT_* */
	int		 nargs;		/* most operands */
	const char	*summary;
};

int	cmd_migrate(struct msr *);
int	cmd_down(struct msr *);
int	cmd_redo(struct msr *);
int	cmd_status(struct msr *);
int	cmd_version(struct msr *);
int	cmd_check(struct msr *);
int	cmd_validate(struct msr *);
int	cmd_lint(struct msr *);
int	cmd_new(struct msr *);
int	cmd_repair(struct msr *);
int	cmd_lock(struct msr *);
int	cmd_wait(struct msr *);
int	cmd_baseline(struct msr *);
int	cmd_convert(struct msr *);
int	cmd_adopt(struct msr *);
int	cmd_log(struct msr *);
/*
 * The time of log --since, ISO 8601 UTC to the millisecond in out: 0, or
 * -1 when s is none of the forms msr.1 gives.
 */
int	cmd_log_since(const char *s, char out[32]);
/* Whether name is a tool that adopt knows, saying so when not. */
int	cmd_adopt_tool(const char *name);

/* What the commands share (cmd.c). */

/*
 * Finds the driver of the configured URL and connects (DBCONN_* flags),
 * retrying for [database] wait seconds; returns an exit code.
 */
int	cmd_connect(struct msr *, int flags);
/*
 * Creates the tracking tables when they do not exist yet, right before
 * the first change; returns an exit code.
 */
int	cmd_ensure_tables(struct msr *);
/*
 * The table of keep_tool checked, and created when missing, in a
 * transaction of its own: by the commands that write, once they are
 * about to.  Returns an exit code.
 */
int	cmd_keep_start(struct msr *);
/* Reports an invalid version given as what ("--to"), masked. */
void	bad_version(const char *what, const char *arg);
/*
 * The one transaction of a command that writes only tracking rows:
 * cmd_begin() begins it, cmd_finish() commits it, or when failed is set
 * or committing fails rolls it back and reports; both return an exit
 * code.
 */
int	cmd_begin(struct msr *, struct dberr *err);
int	cmd_finish(struct msr *, int failed, struct dberr *err);
/*
 * Records mig as applied without running it (baseline, adopt): the
 * checksum of its up file now, origin, applied at at (NULL: now), and an
 * audit row of action with message, in the open transaction; its up file
 * is added to out as a line.  With --dry-run, only that.  0, or -1 with
 * err set, or after saying why the file cannot be read.
 */
int	cmd_record_unrun(struct msr *, const struct migration *mig,
	    const char *origin, const char *at, const char *action,
	    const char *message, struct buf *out, struct dberr *err);
/* Reads the tracking rows again, after a change. */
int	cmd_reload(struct msr *);
/* The highest fully applied version, canonical, or NULL. */
const char *cmd_newest(const struct msr *);
/* The same as written in its file name. */
const char *cmd_current_version(const struct msr *);

/*
 * Who holds the migration lock, found without taking it or writing:
 * 1 with holder described, 0 when it is free, -1 with err set.
 */
int	cmd_lock_holder(struct msr *, struct buf *holder, struct dberr *err);

#endif
