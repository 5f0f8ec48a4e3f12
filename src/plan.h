/*
 * Planning: what to run, in which order and how, computed from the
 * migration files and the tracking rows before anything runs.  A plan
 * can be printed (--dry-run) or executed (apply.c).
 */
#ifndef MSR_PLAN_H
#define MSR_PLAN_H

#include <stddef.h>

#include "buf.h"
#include "migfile.h"
#include "sqlfile.h"
#include "sqlscan.h"

struct trackrows;

/* How a step runs. */
enum stepmode {
	STEP_TX,	/* the file and its row in one transaction */
	STEP_WRAPPED,	/* the file's own BEGIN ... COMMIT body in msr's
			 * transaction; statements around it outside */
	STEP_NOTX	/* statement by statement, progress recorded */
};

struct step {
	struct migration	*m;
	enum migdir		 dir;
	const char		*path;
	enum stepmode		 mode;
	char			*why;		/* why not STEP_TX, or NULL */
	char			 checksum[SHA256_HEXLEN + 1]; /* of the file
						 * as planning read it */
	struct sqlmarks		 marks;		/* the marks of its pieces, to
						 * check as it runs, when some
						 * statement runs outside a
						 * transaction; else empty */
	size_t			 nstmts;
	size_t			 tx_begin;	/* WRAPPED: index of BEGIN */
	size_t			 tx_commit;	/* WRAPPED: index of COMMIT */
	char			*tx_opts;	/* WRAPPED, PostgreSQL: the
						 * options of the file's BEGIN,
						 * "ISOLATION LEVEL ...", or NULL */
	unsigned		 tx_begin_line, tx_begin_col;
	size_t			 first_risky;	/* index of the first statement
						 * not safe to retry, or nstmts */
	long			 resume;	/* statements already done; for a
						 * partial row, set before loading */
	int			 partial;	/* resuming a partial row */
};

struct plan {
	struct step	*v;
	size_t		 n;
	int		 batch;		/* all steps in one transaction */
	/* Notices and warnings to show before running. */
	struct strlist	 notices;
	struct strlist	 warnings;
};

struct planopts {
	enum sqldialect	 dialect;
	int		 txmode;	/* enum txmode */
	const char	*to;		/* canonical version, or NULL */
	int		 out_of_order;
	ruleset		 lint_ignore;	/* warnings not to give */
	/* down: */
	const char	*down_to;	/* roll back above this version */
	long		 steps;		/* or the N latest; 0: unset */
	int		 all;		/* or all */
};

/* Where a planning failure belongs, for the exit code. */
enum planerr {
	PLANERR_FILE,	/* a file or usage problem: exit 2 */
	PLANERR_STATE	/* the database is not as expected: exit 5 */
};

void	plan_init(struct plan *);
void	plan_release(struct plan *);

/*
 * Plans "migrate": partial migrations to resume, then pending ones in
 * version order.  Returns 0, or -1 with err (one or more lines) and
 * *kind set.
 */
int	plan_up(struct plan *, struct migset *, const struct trackrows *,
	    const struct planopts *, struct buf *err, enum planerr *kind);

/* Plans "down": applied migrations in reverse order of application. */
int	plan_down(struct plan *, struct migset *, const struct trackrows *,
	    const struct planopts *, struct buf *err, enum planerr *kind);

/*
 * Loads and classifies one step's file: reads it through, checksums it,
 * scans it and decides its mode.  The text is not kept: apply.c reads
 * the file again as it runs, and checks that it reads what planning
 * read: the marks of its pieces as they come, and the checksum at the
 * end.  Returns 0, or -1 with err set.
 */
int	plan_load_step(struct plan *, struct step *, const struct planopts *,
	    struct buf *err);

/*
 * How a file of the statements v[0..n) with directives dirs runs under
 * transaction mode txmode, as plan_load_step() decides it: for lint.
 */
enum stepmode plan_mode_of(const struct sqlstmt *v, size_t n, unsigned dirs,
	    int txmode);

/* Adds a step that runs m in direction dir; load it before running. */
struct step *plan_add(struct plan *, struct migration *m, enum migdir dir);

/* "per-migration transaction", "no transaction", ... */
const char *plan_mode_name(const struct step *, int batch);

#endif
