/*
 * The rules of "msr lint": one table of id, severity, dialect, reason and
 * safe alternative.  A rule is also a bit, so that a statement or the
 * configuration can silence a set of them.  The scanner reads rule names
 * in "-- msr:lint-ignore" comments through rules_find().
 */
#ifndef MSR_RULES_H
#define MSR_RULES_H

#include <stddef.h>

enum rule {
	R_NOTX_DIRECTIVE,	/* no-transaction statement, no directive */
	R_NOTX_RETRY,		/* not safe to retry in a no-transaction file */
	R_MISSING_DOWN,
	R_DOWN_INCOMPLETE,	/* a table of up that down does not drop */
	R_DOWN_IF_EXISTS,	/* DROP without IF EXISTS in a down file */
	R_ADD_COLUMN_NOT_NULL,
	R_CREATE_INDEX,		/* without CONCURRENTLY */
	R_DROP_INDEX,		/* without CONCURRENTLY */
	R_NOT_VALID,		/* foreign key or check without NOT VALID */
	R_USING_INDEX,		/* primary key or unique without an index */
	R_COLUMN_TYPE,
	R_SET_NOT_NULL,
	R_RENAME,
	R_DROP_COLUMN,
	R_DROP_TABLE,
	R_UPDATE_ALL,		/* UPDATE without WHERE */
	R_DELETE_ALL,		/* DELETE without WHERE */
	R_TRUNCATE,
	R_VACUUM_FULL,
	R_CLUSTER,
	R_LOCK_TABLE,
	R_DDL_BACKFILL,		/* heavy DDL and data changes in one file */
	R_NRULES
};

/* A set of rules: bit (1 << rule). */
typedef unsigned long ruleset;

#define RULE_BIT(r)	((ruleset)1 << (r))
#define RULES_ALL	(RULE_BIT(R_NRULES) - 1)

enum severity {
	SEV_WARNING,
	SEV_ERROR
};

struct ruledef {
	const char	*id;
	enum severity	 severity;
	int		 pg_only;	/* PostgreSQL only */
	const char	*reason;	/* why it is a hazard, one line */
	const char	*fix;		/* the safe way, one line */
};

extern const struct ruledef rules[R_NRULES];

/* The rule named name[0..len), or -1. */
int	rules_find(const char *name, size_t len);

/*
 * Parses a list of rule names separated by commas or blanks into *set.
 * Returns 0, or -1 with *bad and *badlen naming the first unknown one.
 */
int	rules_parse(const char *list, ruleset *set, const char **bad,
	    size_t *badlen);

#endif
