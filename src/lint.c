/*
 * msr lint: each file is read whole and split by the scanner; each
 * statement is then read again as tokens, comments left out, with the
 * depth of parentheses of each token, so that rules match keywords at
 * the top level of a statement and never inside strings, quoted names,
 * comments or dollar-quoted bodies.
 *
 * A table that the file creates before a statement, or drops after it,
 * is the file's own: nothing of the running application can wait on it
 * in a way that matters, and the rules about locks and the running
 * application leave it alone.  An index is the file's own when the file
 * created it before, or when its table is: the index's table is known
 * from a CREATE INDEX of the file or, for a down file, of its up file.
 * What a statement creates and drops is read with effect_read(), names
 * with effect_ident(), as repair reads them; they are compared with
 * their schema when both name one, and a name without a schema matches
 * the name in any schema.
 */
#include "buildconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "effect.h"
#include "lint.h"
#include "plan.h"
#include "sqlfile.h"
#include "xmalloc.h"

#define NOPOS	SIZE_MAX

struct tok {
	size_t		 start;
	size_t		 end;
	enum sqltoktype	 type;
	unsigned	 depth;		/* of parentheses around it */
};

/* A [schema.]name, each part owned; schema NULL when not given. */
struct qn {
	char	*schema;
	char	*name;
};

/* A table or an index that a file creates or drops, and where. */
struct name {
	struct qn	 q;
	struct qn	 table;		/* of an index, when named */
	size_t		 at;		/* its statement */
	unsigned	 line, col;
	ruleset		 ignore;	/* of its statement */
	int		 gone;		/* a created table the file dropped,
					 * or renamed to replace an old one */
};

struct names {
	struct name	*v;
	size_t		 n, alloc;
};

/* A CHECK (column IS NOT NULL) that a file adds to a table. */
struct nncheck {
	struct qn	 table;
	char		*name;		/* of the constraint, or NULL */
	char		*column;
	int		 valid;		/* validated: SET NOT NULL of the
					 * column reads no rows */
};

/* One file as it is reviewed. */
struct lfile {
	const char		*path;
	int			 down;		/* a down file */
	int			 notx;		/* runs without a transaction */
	const struct lfile	*pair;		/* a down file's up file */
	struct buf		 text;
	struct sqlstmt		*st;		/* its statements */
	size_t			 nst, ast;
	const struct sqlstmt	*cur;		/* the one being read */
	struct tok		*t;		/* and its tokens */
	size_t			 n, alloc;
	struct names		 tables;	/* created in it so far */
	struct names		 indexes;	/* created in it, all */
	struct names		 dropped;	/* tables dropped in it, all */
	struct nncheck		*checks;	/* added in it so far */
	size_t			 nchecks, achecks;
	int			 heavy;		/* ALTER TABLE or CREATE INDEX
						 * on a table not its own */
	size_t			 backfill;	/* first data change on such a
						 * table, or NOPOS */
	const struct lintopts	*o;
	lint_report_fn		 fn;
	void			*arg;
};

static void
qn_release(struct qn *q)
{
	free(q->schema);
	free(q->name);
	memset(q, 0, sizeof(*q));
}

static struct name *
names_add(struct names *l, struct qn *q, size_t at)
{
	struct name *n;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	n = &l->v[l->n++];
	memset(n, 0, sizeof(*n));
	n->q = *q;
	n->at = at;
	memset(q, 0, sizeof(*q));
	return n;
}

/* Whether two names are one: SQLite compares without regard to case. */
static int
same(const struct lfile *f, const struct qn *a, const struct qn *b)
{
	int (*cmp)(const char *, const char *) =
	    f->o->dialect == SQLDIALECT_POSTGRES ? strcmp : strcasecmp;

	if (a->name == NULL || b->name == NULL || cmp(a->name, b->name) != 0)
		return 0;
	return a->schema == NULL || b->schema == NULL ||
	    cmp(a->schema, b->schema) == 0;
}

/* The first of l named q whose statement is in [from, to). */
static struct name *
names_find(const struct lfile *f, const struct names *l, const struct qn *q,
    size_t from, size_t to)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].at >= from && l->v[i].at < to &&
		    same(f, &l->v[i].q, q))
			return &l->v[i];
	return NULL;
}

static void
names_release(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		qn_release(&l->v[i].q);
		qn_release(&l->v[i].table);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
report_at(struct lfile *f, enum rule r, unsigned line, unsigned col,
    ruleset ignore)
{
	struct finding fd = { f->path, line, col, r };

	if (rules[r].pg_only && f->o->dialect != SQLDIALECT_POSTGRES)
		return;
	if ((f->o->ignore | ignore) & RULE_BIT(r))
		return;
	f->fn(f->arg, &fd);
}

/*
 * A rule fired at token i of the current statement; its line and column
 * are counted from the statement's, not from the top of the file.
 */
static void
report(struct lfile *f, enum rule r, size_t i)
{
	unsigned line = f->cur->line, col = f->cur->col;
	const char *p, *e;

	if (i > 0 && i < f->n)
		for (p = f->text.s + f->cur->start,
		    e = f->text.s + f->t[i].start; p < e; p++) {
			if (*p == '\n') {
				line++;
				col = 1;
			} else
				col++;
		}
	report_at(f, r, line, col, f->cur->ignore);
}

/* Whether token i is the keyword w. */
static int
word(const struct lfile *f, size_t i, const char *w)
{
	size_t len;

	if (i >= f->n || f->t[i].type != SQLTOK_WORD)
		return 0;
	len = f->t[i].end - f->t[i].start;
	return strlen(w) == len &&
	    strncasecmp(f->text.s + f->t[i].start, w, len) == 0;
}

static int
punct(const struct lfile *f, size_t i, int c)
{
	return i < f->n && f->t[i].type == SQLTOK_PUNCT &&
	    f->text.s[f->t[i].start] == c;
}

/*
 * The first of w, or of w followed by w2, at depth d of parentheses in
 * [i, e).
 */
static size_t
find_at(const struct lfile *f, size_t i, size_t e, unsigned d, const char *w,
    const char *w2)
{
	for (; i < e && i < f->n; i++)
		if (f->t[i].depth == d && word(f, i, w) &&
		    (w2 == NULL || word(f, i + 1, w2)))
			return i;
	return NOPOS;
}

/* The same at the top level. */
static size_t
find0(const struct lfile *f, size_t i, size_t e, const char *w,
    const char *w2)
{
	return find_at(f, i, e, 0, w, w2);
}

/* Skips IF EXISTS or IF NOT EXISTS at i. */
static size_t
skip_if(const struct lfile *f, size_t i)
{
	if (word(f, i, "IF") && word(f, i + 1, "EXISTS"))
		return i + 2;
	if (word(f, i, "IF") && word(f, i + 1, "NOT") &&
	    word(f, i + 2, "EXISTS"))
		return i + 3;
	return i;
}

static int
is_ident(const struct lfile *f, size_t i)
{
	return i < f->n && (f->t[i].type == SQLTOK_WORD ||
	    f->t[i].type == SQLTOK_QIDENT);
}

static char *
ident(const struct lfile *f, size_t i)
{
	struct sqltoken tk;

	tk.start = f->t[i].start;
	tk.end = f->t[i].end;
	tk.type = f->t[i].type;
	tk.why = NULL;
	return effect_ident(f->text.s, &tk, f->o->dialect);
}

/*
 * The name at i, [[database.]schema.]name, into *q with its last two
 * parts.  Returns -1 when there is none; *next is set past it.
 */
static int
name_at(const struct lfile *f, size_t i, struct qn *q, size_t *next)
{
	size_t parts[3], n = 0;

	memset(q, 0, sizeof(*q));
	if (!is_ident(f, i))
		return -1;
	parts[n++] = i;
	while (n < 3 && punct(f, i + 1, '.') && is_ident(f, i + 2)) {
		i += 2;
		parts[n++] = i;
	}
	*next = i + 1;
	q->name = ident(f, parts[n - 1]);
	q->schema = n > 1 ? ident(f, parts[n - 2]) : NULL;
	return q->name != NULL ? 0 : -1;
}

/* The index of the current statement. */
static size_t
here(const struct lfile *f)
{
	return (size_t)(f->cur - f->st);
}

/*
 * Whether table q is the file's own at the current statement: created
 * before it, or dropped after it.
 */
static int
own_table(const struct lfile *f, const struct qn *q)
{
	return names_find(f, &f->tables, q, 0, NOPOS) != NULL ||
	    names_find(f, &f->dropped, q, here(f) + 1, NOPOS) != NULL;
}

/*
 * Whether the table named at i is not the file's own; *next past it.
 * No name is no table.
 */
static int
live_table(const struct lfile *f, size_t i, size_t *next)
{
	struct qn q;
	int live;

	if (name_at(f, i, &q, next) == -1) {
		qn_release(&q);
		return 0;
	}
	live = !own_table(f, &q);
	qn_release(&q);
	return live;
}

/*
 * Whether index q is the file's own: created before the current
 * statement, or on a table that is, as a CREATE INDEX of the file or of
 * its up file says.
 */
static int
own_index(const struct lfile *f, const struct qn *q)
{
	const struct name *ix;

	if (names_find(f, &f->indexes, q, 0, here(f)) != NULL)
		return 1;
	if (f->pair == NULL)
		return 0;
	ix = names_find(f, &f->pair->indexes, q, 0, NOPOS);
	return ix != NULL && ix->table.name != NULL &&
	    own_table(f, &ix->table);
}

/* A copy of a name that effect_read() found. */
static struct qn
qn_dup(const char *schema, const char *name)
{
	struct qn q;

	q.schema = schema != NULL ? xstrdup(schema) : NULL;
	q.name = xstrdup(name);
	return q;
}

/*
 * Reads the current statement, before the review, for the indexes it
 * creates, with their tables, and the tables it drops, as effect_read()
 * finds them.  A materialized view that it drops counts as a table, as
 * effect.c does not check views.
 */
static void
catalog(struct lfile *f)
{
	struct effects l;
	const struct effect *e;
	struct name *ix;
	struct qn q;
	size_t i;

	if (word(f, 0, "DROP") && word(f, 1, "MATERIALIZED") &&
	    word(f, 2, "VIEW")) {
		i = skip_if(f, 3);
		while (name_at(f, i, &q, &i) == 0) {
			names_add(&f->dropped, &q, here(f));
			if (!punct(f, i, ','))
				break;
			i++;
		}
		qn_release(&q);
		return;
	}
	memset(&l, 0, sizeof(l));
	effect_read(&l, f->text.s, f->cur, f->o->dialect);
	for (i = 0; i < l.n; i++) {
		e = &l.v[i];
		if (!e->checked)
			continue;
		if (e->obj == DBOBJ_TABLE && e->drop) {
			q = qn_dup(e->schema, e->name);
			names_add(&f->dropped, &q, here(f));
		} else if (e->obj == DBOBJ_INDEX && !e->drop) {
			q = qn_dup(e->schema, e->name);
			ix = names_add(&f->indexes, &q, here(f));
			if (e->table != NULL)
				ix->table = qn_dup(e->table_schema, e->table);
		}
	}
	effects_release(&l);
}

static void
create(struct lfile *f)
{
	struct name *t;
	struct qn q;
	size_t i = 1, on;
	int conc;

	if (word(f, i, "OR") && word(f, i + 1, "REPLACE"))
		i += 2;
	if (word(f, i, "UNIQUE"))
		i++;
	if (word(f, i, "INDEX")) {
		conc = word(f, ++i, "CONCURRENTLY");
		i = skip_if(f, i + conc);
		if ((on = find0(f, i, f->n, "ON", NULL)) == NOPOS)
			return;
		i = on + 1 + word(f, on + 1, "ONLY");
		if (!live_table(f, i, &i) || conc)
			return;
		report(f, R_CREATE_INDEX, 0);
		f->heavy = 1;
		return;
	}
	while (word(f, i, "GLOBAL") || word(f, i, "LOCAL") ||
	    word(f, i, "TEMP") || word(f, i, "TEMPORARY") ||
	    word(f, i, "UNLOGGED"))
		i++;
	/* A materialized view counts as a table. */
	if (word(f, i, "MATERIALIZED") && word(f, i + 1, "VIEW"))
		i++;
	else if (!word(f, i, "TABLE"))
		return;
	i = skip_if(f, i + 1);
	if (name_at(f, i, &q, &i) == -1) {
		qn_release(&q);
		return;
	}
	t = names_add(&f->tables, &q, here(f));
	t->line = f->cur->line;
	t->col = f->cur->col;
	t->ignore = f->cur->ignore;
}

static void
drop(struct lfile *f)
{
	struct name *t;
	struct qn q;
	size_t i = 2, j;
	int ifexists, old = 0, live = 0;

	if (word(f, 1, "MATERIALIZED") || word(f, 1, "FOREIGN"))
		i++;
	if (word(f, i, "CONCURRENTLY"))
		i++;
	j = skip_if(f, i);
	ifexists = j != i;
	if (f->down && !ifexists)
		report(f, R_DOWN_IF_EXISTS, 0);
	if (word(f, 1, "INDEX")) {
		if (word(f, 2, "CONCURRENTLY"))
			return;
		while (name_at(f, j, &q, &j) == 0) {
			live |= !own_index(f, &q);
			qn_release(&q);
			if (!punct(f, j, ','))
				break;
			j++;
		}
		qn_release(&q);
		if (live)
			report(f, R_DROP_INDEX, 0);
		return;
	}
	if (!word(f, 1, "TABLE") && !(word(f, 1, "MATERIALIZED") &&
	    word(f, 2, "VIEW")))
		return;
	while (name_at(f, j, &q, &j) == 0) {
		if ((t = names_find(f, &f->tables, &q, 0, NOPOS)) != NULL)
			t->gone = 1;
		else
			old = 1;
		qn_release(&q);
		if (!punct(f, j, ','))
			break;
		j++;
	}
	qn_release(&q);
	if (old && !f->down && word(f, 1, "TABLE"))
		report(f, R_DROP_TABLE, 0);
}

/* A column type that fills itself: serial and its kind. */
static int
self_filling(const struct lfile *f, size_t i)
{
	static const char *const types[] = { "serial", "bigserial",
	    "smallserial", "serial2", "serial4", "serial8" };
	size_t k;

	for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (word(f, i, types[k]))
			return 1;
	return 0;
}

/* Whether two identifiers, as ident() gives them, are one. */
static int
same_ident(const struct lfile *f, const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return 0;
	return f->o->dialect == SQLDIALECT_POSTGRES ? strcmp(a, b) == 0 :
	    strcasecmp(a, b) == 0;
}

/*
 * Whether two tables are one for a CHECK that spares SET NOT NULL its
 * scan: t and s.t may be two tables, so a schema must be on both or on
 * neither.
 */
static int
same_table(const struct lfile *f, const struct qn *a, const struct qn *b)
{
	if ((a->schema == NULL) != (b->schema == NULL))
		return 0;
	return same(f, a, b);
}

/*
 * DROP CONSTRAINT [IF EXISTS] with its name at i, on table: a check of
 * that name, or one without a name (its name is the database's), no
 * longer spares anything.  Here any table that may be the same counts.
 */
static void
check_drop(struct lfile *f, const struct qn *table, size_t i)
{
	char *name;
	size_t k;

	i = skip_if(f, i);
	name = is_ident(f, i) ? ident(f, i) : NULL;
	for (k = 0; k < f->nchecks; k++)
		if (same(f, &f->checks[k].table, table) &&
		    (name == NULL || f->checks[k].name == NULL ||
		    same_ident(f, f->checks[k].name, name)))
			f->checks[k].valid = 0;
	free(name);
}

/*
 * DROP [COLUMN] [IF EXISTS] with the column's name at i, on table: its
 * checks go with it.
 */
static void
check_drop_column(struct lfile *f, const struct qn *table, size_t i)
{
	char *column;
	size_t k;

	i = skip_if(f, i);
	column = is_ident(f, i) ? ident(f, i) : NULL;
	for (k = 0; k < f->nchecks; k++)
		if (same(f, &f->checks[k].table, table) &&
		    (column == NULL ||
		    same_ident(f, f->checks[k].column, column)))
			f->checks[k].valid = 0;
	free(column);
}

/*
 * RENAME CONSTRAINT with the old name at i, on table: a check of that
 * name takes the new one, at i + 2.
 */
static void
check_rename(struct lfile *f, const struct qn *table, size_t i)
{
	char *from, *to;
	size_t k;

	if (!is_ident(f, i) || !word(f, i + 1, "TO") || !is_ident(f, i + 2))
		return;
	from = ident(f, i);
	to = ident(f, i + 2);
	for (k = 0; k < f->nchecks; k++)
		if (same(f, &f->checks[k].table, table) &&
		    same_ident(f, f->checks[k].name, from)) {
			free(f->checks[k].name);
			f->checks[k].name = xstrdup(to);
		}
	free(from);
	free(to);
}

/*
 * ADD [CONSTRAINT name] CHECK at j on table: kept when it is CHECK
 * (column IS NOT NULL); name is the token of its name or NOPOS.
 */
static void
check_add(struct lfile *f, const struct qn *table, size_t name, size_t j,
    int valid)
{
	struct nncheck *c;

	if (!punct(f, j + 1, '(') || !is_ident(f, j + 2) ||
	    !word(f, j + 3, "IS") || !word(f, j + 4, "NOT") ||
	    !word(f, j + 5, "NULL") || !punct(f, j + 6, ')'))
		return;
	if (f->nchecks == f->achecks) {
		f->achecks = f->achecks ? f->achecks * 2 : 4;
		f->checks = xreallocarray(f->checks, f->achecks,
		    sizeof(*f->checks));
	}
	c = &f->checks[f->nchecks++];
	c->table.schema = table->schema != NULL ? xstrdup(table->schema) :
	    NULL;
	c->table.name = xstrdup(table->name);
	c->name = name != NOPOS && is_ident(f, name) ? ident(f, name) : NULL;
	c->column = ident(f, j + 2);
	c->valid = valid;
}

/* VALIDATE CONSTRAINT with its name at i, on table. */
static void
check_validate(struct lfile *f, const struct qn *table, size_t i)
{
	char *name;
	size_t k;

	/*
	 * With other actions in the statement, its lock is theirs, and
	 * the scan of the VALIDATE runs under it: nothing is spared.
	 */
	for (k = 0; k < f->n; k++)
		if (f->t[k].depth == 0 && punct(f, k, ','))
			return;
	if (!is_ident(f, i) || (name = ident(f, i)) == NULL)
		return;
	for (k = 0; k < f->nchecks; k++)
		if (same_table(f, &f->checks[k].table, table) &&
		    same_ident(f, f->checks[k].name, name))
			f->checks[k].valid = 1;
	free(name);
}

/*
 * Whether the column at i of table has a validated CHECK (column IS NOT
 * NULL) of the file: then SET NOT NULL reads no rows.
 */
static int
check_valid(const struct lfile *f, const struct qn *table, size_t i)
{
	char *column;
	size_t k;
	int valid = 0;

	if (!is_ident(f, i) || (column = ident(f, i)) == NULL)
		return 0;
	for (k = 0; k < f->nchecks && !valid; k++)
		valid = f->checks[k].valid &&
		    same_table(f, &f->checks[k].table, table) &&
		    same_ident(f, f->checks[k].column, column);
	free(column);
	return valid;
}

/*
 * One action of ALTER TABLE, tokens [i, e), on table, which is not the
 * file's.
 */
static void
alter_action(struct lfile *f, const struct qn *table, size_t i, size_t e)
{
	size_t j = i + 1, name = NOPOS;
	int col, valid;

	if (word(f, i, "VALIDATE")) {
		if (word(f, j, "CONSTRAINT"))
			check_validate(f, table, j + 1);
		return;
	}
	f->heavy = 1;
	if (word(f, i, "ADD")) {
		col = word(f, j, "COLUMN");
		j += col;
		if (!col && word(f, j, "CONSTRAINT")) {
			name = j + 1;
			j += 2;
		}
		if (!col && (word(f, j, "CHECK") || word(f, j, "FOREIGN"))) {
			valid = find0(f, j, e, "NOT", "VALID") == NOPOS;
			if (valid)
				report(f, R_NOT_VALID, i);
			if (word(f, j, "CHECK"))
				check_add(f, table, name, j, valid);
			return;
		}
		if (!col && (word(f, j, "PRIMARY") || word(f, j, "UNIQUE"))) {
			if (find0(f, j, e, "USING", "INDEX") == NOPOS)
				report(f, R_USING_INDEX, i);
			return;
		}
		if (!col && word(f, j, "EXCLUDE"))
			return;
		j = skip_if(f, j) + 1;
		if (find0(f, j, e, "PRIMARY", "KEY") != NOPOS ||
		    find0(f, j, e, "UNIQUE", NULL) != NOPOS)
			report(f, R_USING_INDEX, i);
		if (find0(f, j, e, "NOT", "NULL") != NOPOS &&
		    find0(f, j, e, "DEFAULT", NULL) == NOPOS &&
		    find0(f, j, e, "GENERATED", NULL) == NOPOS &&
		    !self_filling(f, j))
			report(f, R_ADD_COLUMN_NOT_NULL, i);
	} else if (word(f, i, "ALTER")) {
		j += word(f, j, "COLUMN") + 1;
		if (word(f, j, "TYPE") || (word(f, j, "SET") &&
		    word(f, j + 1, "DATA") && word(f, j + 2, "TYPE")))
			report(f, R_COLUMN_TYPE, i);
		else if (word(f, j, "SET") && word(f, j + 1, "NOT") &&
		    word(f, j + 2, "NULL") && !check_valid(f, table, j - 1))
			report(f, R_SET_NOT_NULL, i);
	} else if (word(f, i, "DROP")) {
		if (word(f, j, "CONSTRAINT"))
			check_drop(f, table, j + 1);
		else {
			check_drop_column(f, table, j + word(f, j, "COLUMN"));
			if (!f->down)
				report(f, R_DROP_COLUMN, i);
		}
	} else if (word(f, i, "RENAME")) {
		if (word(f, j, "CONSTRAINT"))
			check_rename(f, table, j + 1);
		if (!f->down && !word(f, j, "CONSTRAINT"))
			report(f, R_RENAME, i);
	}
}

static void
alter_table(struct lfile *f)
{
	struct name *t;
	struct qn q;
	size_t i = skip_if(f, 2), e;
	int own;

	i += word(f, i, "ONLY");
	if (name_at(f, i, &q, &i) == -1) {
		qn_release(&q);
		return;
	}
	t = names_find(f, &f->tables, &q, 0, NOPOS);
	/*
	 * A new table stays new under its new name; renamed to the name of
	 * a table the file dropped, it takes that one's place.
	 */
	if (t != NULL) {
		qn_release(&q);
		if (word(f, i, "RENAME") && word(f, i + 1, "TO") &&
		    name_at(f, i + 2, &q, &e) == 0) {
			if (names_find(f, &f->dropped, &q, 0, here(f)) != NULL)
				t->gone = 1;
			qn_release(&t->q);
			t->q = q;
		} else
			qn_release(&q);
		return;
	}
	own = own_table(f, &q);
	i += punct(f, i, '*');
	while (!own && i < f->n) {
		for (e = i; e < f->n; e++)
			if (f->t[e].depth == 0 && punct(f, e, ','))
				break;
		alter_action(f, &q, i, e);
		i = e + 1;
	}
	qn_release(&q);
}

/*
 * UPDATE, DELETE and INSERT ... SELECT, tokens [v, e) at depth d; the
 * verb is at v, the table's name at i.
 */
static void
change(struct lfile *f, size_t v, size_t i, size_t e, unsigned d,
    enum rule r)
{
	size_t j;

	i += word(f, i, "ONLY");
	if (!live_table(f, i, &j))
		return;
	if (r == R_NRULES) {
		if (find_at(f, j, e, d, "SELECT", NULL) == NOPOS)
			return;
	} else if (find_at(f, j, e, d, "WHERE", NULL) == NOPOS)
		report(f, r, v);
	if (f->backfill == NOPOS)
		f->backfill = here(f);
}

/* A data change that starts at token i, [i, e) at depth d. */
static void
data_change(struct lfile *f, size_t i, size_t e, unsigned d)
{
	if (word(f, i, "UPDATE"))
		change(f, i, i + 1, e, d, R_UPDATE_ALL);
	else if (word(f, i, "DELETE") && word(f, i + 1, "FROM"))
		change(f, i, i + 2, e, d, R_DELETE_ALL);
	else if (word(f, i, "INSERT") && word(f, i + 1, "INTO"))
		change(f, i, i + 2, e, d, R_NRULES);
}

/*
 * WITH name AS (query), ... statement: the data changes of its queries
 * and of the statement.
 */
static void
with(struct lfile *f)
{
	size_t i, e;

	for (i = 1; i < f->n; i++) {
		if (f->t[i].depth == 0 && punct(f, i, '(') && (word(f,
		    i - 1, "AS") || word(f, i - 1, "MATERIALIZED"))) {
			for (e = i + 1; e < f->n && f->t[e].depth > 0; e++)
				;
			data_change(f, i + 1, e, 1);
			i = e;
		} else if (f->t[i].depth == 0 && (word(f, i, "UPDATE") ||
		    word(f, i, "DELETE") || word(f, i, "INSERT"))) {
			data_change(f, i, f->n, 0);
			return;
		}
	}
}

/*
 * LOCK, TRUNCATE, CLUSTER, VACUUM: rule r unless every table named from
 * token i on is the file's own; none named is every table.
 */
static void
tables_rule(struct lfile *f, size_t i, enum rule r)
{
	struct qn q;
	int live = 0, any = 0;

	while (name_at(f, i, &q, &i) == 0) {
		any = 1;
		live |= !own_table(f, &q);
		qn_release(&q);
		i += punct(f, i, '*');
		if (!punct(f, i, ','))
			break;
		i++;
		i += word(f, i, "ONLY");
	}
	qn_release(&q);
	if (live || !any)
		report(f, r, 0);
}

static void
review(struct lfile *f)
{
	size_t i;

	if (word(f, 0, "CREATE"))
		create(f);
	else if (word(f, 0, "DROP"))
		drop(f);
	else if (word(f, 0, "ALTER") && word(f, 1, "TABLE"))
		alter_table(f);
	else if (word(f, 0, "WITH"))
		with(f);
	else if (word(f, 0, "TRUNCATE")) {
		i = 1 + word(f, 1, "TABLE");
		tables_rule(f, i + word(f, i, "ONLY"), R_TRUNCATE);
	} else if (word(f, 0, "VACUUM")) {
		for (i = 1; i < f->n && !word(f, i, "FULL"); i++)
			;
		if (i == f->n)
			return;
		for (i = 1; i < f->n && (f->t[i].depth > 0 ||
		    punct(f, i, '(') || punct(f, i, ')') ||
		    word(f, i, "FULL") || word(f, i, "FREEZE") ||
		    word(f, i, "VERBOSE") || word(f, i, "ANALYZE")); i++)
			;
		tables_rule(f, i, R_VACUUM_FULL);
	} else if (word(f, 0, "CLUSTER"))
		tables_rule(f, 1 + word(f, 1, "VERBOSE"), R_CLUSTER);
	else if (word(f, 0, "LOCK")) {
		i = 1 + word(f, 1, "TABLE");
		tables_rule(f, i + word(f, i, "ONLY"), R_LOCK_TABLE);
	} else
		data_change(f, 0, f->n, 0);
}

/* The tokens of the current statement, comments left out. */
static void
tokenize(struct lfile *f, enum sqldialect dialect)
{
	struct sqltoken tk;
	size_t pos = f->cur->start;
	unsigned depth = 0;

	f->n = 0;
	while (sqlscan_token(f->text.s, f->cur->end, dialect, &pos,
	    &tk) == 1) {
		if (tk.type == SQLTOK_COMMENT)
			continue;
		if (f->n == f->alloc) {
			f->alloc = f->alloc ? f->alloc * 2 : 64;
			f->t = xreallocarray(f->t, f->alloc, sizeof(*f->t));
		}
		if (tk.type == SQLTOK_PUNCT && f->text.s[tk.start] == ')' &&
		    depth > 0)
			depth--;
		f->t[f->n++] = (struct tok){ tk.start, tk.end, tk.type,
		    depth };
		if (tk.type == SQLTOK_PUNCT && f->text.s[tk.start] == '(')
			depth++;
	}
}

/*
 * Marks the statements inside a BEGIN ... COMMIT block of the file's own:
 * they roll back as one.  Returns how many BEGINs there are.
 */
static size_t
mark_blocks(const struct lfile *f, char *inblock)
{
	size_t i, nbegin = 0;
	int in = 0;

	for (i = 0; i < f->nst; i++) {
		switch (f->st[i].kind) {
		case SQLKIND_BEGIN:
			nbegin++;
			in = 1;
			break;
		case SQLKIND_COMMIT:
		case SQLKIND_ROLLBACK:
			in = 0;
			break;
		case SQLKIND_SAVEPOINT:
		case SQLKIND_OTHER:
			break;
		}
		inblock[i] = (char)(in && f->st[i].kind == SQLKIND_OTHER);
	}
	return nbegin;
}

/* Reads and splits the file; 0 or -1 with err. */
static int
load(struct lfile *f, const struct lintopts *o, struct buf *err)
{
	struct buf why = BUF_INIT;
	struct sqlscan sc;
	struct sqlstmt st;
	unsigned dirs;
	char *inblock;
	size_t i;
	int r, onlyin, allnotx;

	if (sqlfile_read(f->path, &f->text, NULL, err) == -1)
		return -1;
	sqlscan_init(&sc, f->text.s, f->text.len, o->dialect);
	while ((r = sqlscan_next(&sc, &st, &why)) == 1) {
		if (f->nst == f->ast) {
			f->ast = f->ast ? f->ast * 2 : 32;
			f->st = xreallocarray(f->st, f->ast, sizeof(*f->st));
		}
		f->st[f->nst++] = st;
	}
	if (r == -1) {
		buf_addf(err, "%s:%s", f->path, why.s);
		buf_release(&why);
		return -1;
	}
	buf_release(&why);
	if (sc.nbad > 0) {
		buf_addf(err, "%s:%u:%u: unknown rule '%s' in"
		    " 'msr:lint-ignore'", f->path, sc.bad_line, sc.bad_col,
		    sc.bad);
		if (sc.nbad > 1)
			buf_addf(err, ", and %u more", sc.nbad - 1);
		return -1;
	}
	dirs = sqlscan_directives(&sc);
	f->notx = plan_mode_of(f->st, f->nst, dirs, o->txmode) == STEP_NOTX;
	inblock = xcalloc(f->nst + 1, 1);
	/* With one block, only what is inside it decides, as in plan.c. */
	onlyin = mark_blocks(f, inblock) == 1;
	for (i = 0; i < f->nst; i++) {
		f->cur = &f->st[i];
		tokenize(f, o->dialect);
		catalog(f);
	}
	/* A file of such statements alone runs as it reads: no directive. */
	for (i = 0; i < f->nst && (f->st[i].flags & SQLF_NOTX); i++)
		;
	allnotx = i == f->nst;
	for (i = 0; i < f->nst; i++) {
		f->cur = &f->st[i];
		if (f->notx && (f->cur->flags & SQLF_NOTX) && !allnotx &&
		    !(dirs & SQLDIR_NOTX) && (!onlyin || inblock[i]))
			report(f, R_NOTX_DIRECTIVE, 0);
		if (f->notx && !inblock[i] &&
		    !(f->cur->flags & SQLF_RETRYSAFE))
			report(f, R_NOTX_RETRY, 0);
		tokenize(f, o->dialect);
		review(f);
	}
	free(inblock);
	if (f->heavy && f->backfill != NOPOS && !f->notx) {
		f->cur = &f->st[f->backfill];
		f->n = 0;
		report(f, R_DDL_BACKFILL, 0);
	}
	return 0;
}

static void
lfile_init(struct lfile *f, const char *path, int down,
    const struct lintopts *o, lint_report_fn fn, void *arg)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->down = down;
	buf_init(&f->text);
	f->backfill = NOPOS;
	f->o = o;
	f->fn = fn;
	f->arg = arg;
}

static void
lfile_release(struct lfile *f)
{
	size_t i;

	buf_release(&f->text);
	free(f->st);
	free(f->t);
	names_release(&f->tables);
	names_release(&f->indexes);
	names_release(&f->dropped);
	for (i = 0; i < f->nchecks; i++) {
		qn_release(&f->checks[i].table);
		free(f->checks[i].name);
		free(f->checks[i].column);
	}
	free(f->checks);
}

int
lint_migration(const struct migration *m, const struct lintopts *o,
    lint_report_fn fn, void *arg, struct buf *err)
{
	struct lfile up, down;
	const struct name *t;
	size_t i;
	int rc = -1;

	lfile_init(&up, m->up, 0, o, fn, arg);
	lfile_init(&down, m->down, 1, o, fn, arg);
	if (m->up != NULL && load(&up, o, err) == -1)
		goto done;
	down.pair = &up;
	if (m->down != NULL && load(&down, o, err) == -1)
		goto done;
	if (m->up != NULL && m->down == NULL)
		report_at(&up, R_MISSING_DOWN, 1, 1,
		    up.nst > 0 ? up.st[0].ignore : 0);
	for (i = 0; m->down != NULL && i < up.tables.n; i++) {
		t = &up.tables.v[i];
		if (!t->gone &&
		    names_find(&down, &down.dropped, &t->q, 0, NOPOS) == NULL)
			report_at(&up, R_DOWN_INCOMPLETE, t->line, t->col,
			    t->ignore);
	}
	rc = 0;
done:
	lfile_release(&up);
	lfile_release(&down);
	return rc;
}
