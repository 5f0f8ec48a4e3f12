/*
 * The review of migration files for "msr lint": rules.c names the rules,
 * this module finds where they fire.  It reads files and reports through
 * a callback; it never prints.
 */
#ifndef MSR_LINT_H
#define MSR_LINT_H

#include "buf.h"
#include "migfile.h"
#include "rules.h"
#include "sqlscan.h"

struct lintopts {
	enum sqldialect	 dialect;
	int		 txmode;	/* enum txmode of the configuration */
	ruleset		 ignore;	/* [lint] ignore */
};

struct finding {
	const char	*path;
	unsigned	 line;
	unsigned	 col;
	enum rule	 rule;
};

typedef void (*lint_report_fn)(void *arg, const struct finding *);

/*
 * Reviews one migration, its up file and its down file.  Returns 0, or
 * -1 with err set, one or more lines, when a file cannot be read or
 * scanned, or names a rule that does not exist in "msr:lint-ignore".
 */
int	lint_migration(const struct migration *, const struct lintopts *,
	    lint_report_fn, void *arg, struct buf *err);

#endif
