/*
 * Executing a plan: transactions, tracking and audit rows, progress,
 * errors with file positions, the lock and signals.
 */
#ifndef MSR_APPLY_H
#define MSR_APPLY_H

struct config;
struct dbconn;
struct driver;
struct plan;
struct track;

struct applier {
	const struct driver	*drv;
	struct dbconn		*conn;
	struct track		*track;
	const struct config	*cfg;
	int			 applied;	/* steps done so far */
	int			 lost;		/* the connection is gone */
	const char		*batch_note;	/* message of ok audit rows */
	int			 create;	/* a batch creates the tables */
	int			 created;	/* and they are there now */
	const struct step	*wrote;		/* the step whose row was written */
	/*
	 * The duration of the step that runs: from its first statement
	 * sent to the end of its last one, without the COMMIT.
	 */
	long long		 started;	/* first statement sent, or 0 */
	long long		 ms;		/* the duration, or -1 while
						 * it runs */
	long long		 total_ms;
};

/*
 * Installs SIGINT and SIGTERM handlers that cancel the running statement,
 * and routes the database's notices to JSON events of the run run_id.
 */
void	apply_signals(const struct driver *, struct dbconn *,
	    const char *run_id);
/* The exit code for a signal received, or 0. */
int	apply_interrupted(void);
/*
 * After a failure: when a signal caused it, says that nothing was changed
 * and returns the exit code of the signal; else returns 0, and the caller
 * reports the failure.
 */
int	apply_say_interrupted(void);

/*
 * Takes the migration lock, waiting up to the configured timeout and
 * saying who holds it.  Returns an exit code: 0 when taken.
 */
int	apply_lock(struct applier *);
void	apply_unlock(struct applier *);

/*
 * Creates the tracking tables, in the open transaction when in_tx is set,
 * else in one of their own, and says so or why not; returns an exit
 * code.
 */
int	apply_create_tables(struct track *, int in_tx);

/* Runs every step of the plan; returns an exit code. */
int	apply_plan(struct applier *, struct plan *);

/*
 * Prints the plan (--dry-run) on stdout: a line per step, or with json
 * a JSON object per step, nothing for an empty plan.
 */
void	apply_print_plan(const struct plan *, int json);

#endif
