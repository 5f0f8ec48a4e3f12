/*
 * What statements did that the database's catalog can show: a table or
 * an index created or dropped, a column added or dropped.  repair
 * --forget reads the statements of a partial migration that ran and
 * asks the driver, for each such effect, whether it is still there.
 * Names are read as the database reads them: on PostgreSQL an unquoted
 * name in lower case, a quoted one as it is; SQLite compares names
 * without regard to case, so they are kept as written.
 */
#ifndef MSR_EFFECT_H
#define MSR_EFFECT_H

#include <stddef.h>

#include "driver.h"
#include "sqlscan.h"

struct buf;

struct effect {
	int		 checked;	/* obj and the names below are set */
	enum dbobject	 obj;
	int		 drop;		/* it removes the object, not makes it */
	char		 what[48];	/* "CREATE TABLE", "INSERT", ... */
	char		*schema;	/* NULL when the name has none */
	char		*name;		/* of the table or index */
	char		*column;	/* for DBOBJ_COLUMN */
	/* For a created DBOBJ_INDEX: its table, when named. */
	char		*table_schema;	/* NULL when the name has none */
	char		*table;
};

struct effects {
	struct effect	*v;
	size_t		 n;
	size_t		 alloc;
};

/*
 * Appends to l the effects of statement st of text, at least one: those
 * it cannot name are one effect that is not checked.
 */
void	effect_read(struct effects *l, const char *text,
	    const struct sqlstmt *st, enum sqldialect);
void	effects_reset(struct effects *);

/*
 * The identifier of token tk of text as the database reads it, the one
 * reading of names that repair and lint share: a quoted one without its
 * quotes, inner quotes undoubled; an unquoted one folded to lower case
 * on PostgreSQL.  NULL when the token is no identifier.
 */
char	*effect_ident(const char *text, const struct sqltoken *tk,
	    enum sqldialect);
void	effects_release(struct effects *);

/*
 * Whether statement st changes how the session finds names: on
 * PostgreSQL SET or RESET of search_path, RESET ALL.  No PRAGMA of
 * SQLite does, and some write to the file.
 */
int	effect_sets_path(const char *text, const struct sqlstmt *st,
	    enum sqldialect);

/* Appends what the effect is: CREATE TABLE "s"."t", or INSERT. */
void	effect_describe(struct buf *, const struct effect *);

#endif
