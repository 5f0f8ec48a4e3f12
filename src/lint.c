/*
 * msr lint: each file is read whole and split by the scanner; each
 * statement is then read again as tokens, comments left out, with the
 * depth of parentheses of each token, so that rules match keywords at
 * the top level of a statement and never inside strings, quoted names,
 * comments or dollar-quoted bodies.
 *
 * A table created earlier in the same file is new: nothing uses it yet,
 * and the rules about locks and the running application leave it alone.
 * Names are compared without their schema, unquoted ones in lower case.
 */
#include "buildconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* A name created or dropped by a file, and where. */
struct name {
	char		*s;
	unsigned	 line, col;
	ruleset		 ignore;	/* of its statement */
	int		 gone;		/* a created table the file dropped,
					 * or renamed to replace an old one */
};

struct names {
	struct name	*v;
	size_t		 n, alloc;
};

/* One file as it is reviewed. */
struct lfile {
	const char		*path;
	int			 down;		/* a down file */
	int			 notx;		/* runs without a transaction */
	struct buf		 text;
	struct sqlstmt		*st;		/* its statements */
	size_t			 nst, ast;
	const struct sqlstmt	*cur;		/* the one being read */
	struct tok		*t;		/* and its tokens */
	size_t			 n, alloc;
	struct names		 tables;	/* created in it */
	struct names		 indexes;	/* created in it */
	struct names		 dropped;	/* tables dropped in it */
	int			 heavy;		/* ALTER TABLE or CREATE INDEX
						 * on a table not new */
	size_t			 backfill;	/* first data change on such a
						 * table, or NOPOS */
	const struct lintopts	*o;
	lint_report_fn		 fn;
	void			*arg;
};

static void
names_add(struct names *l, char *s, unsigned line, unsigned col,
    ruleset ignore)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = (struct name){ s, line, col, ignore, 0 };
}

static struct name *
names_find(const struct names *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].s, s) == 0)
			return &l->v[i];
	return NULL;
}

static int
names_has(const struct names *l, const char *s)
{
	return names_find(l, s) != NULL;
}

static void
names_release(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].s);
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

/* The first of w, or of w followed by w2, at the top level in [i, e). */
static size_t
find0(const struct lfile *f, size_t i, size_t e, const char *w,
    const char *w2)
{
	for (; i < e && i < f->n; i++)
		if (f->t[i].depth == 0 && word(f, i, w) &&
		    (w2 == NULL || word(f, i + 1, w2)))
			return i;
	return NOPOS;
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

/*
 * The name at i, [schema.]name, as its last part: unquoted in lower case,
 * quoted without its quotes.  NULL when there is none; *next is set past
 * it.
 */
static char *
name_at(const struct lfile *f, size_t i, size_t *next)
{
	const struct tok *t;
	char *s, *p;

	if (i >= f->n || (f->t[i].type != SQLTOK_WORD &&
	    f->t[i].type != SQLTOK_QIDENT))
		return NULL;
	while (punct(f, i + 1, '.') && i + 2 < f->n &&
	    (f->t[i + 2].type == SQLTOK_WORD ||
	    f->t[i + 2].type == SQLTOK_QIDENT))
		i += 2;
	*next = i + 1;
	t = &f->t[i];
	if (t->type == SQLTOK_QIDENT)
		return xstrndup(f->text.s + t->start + 1,
		    t->end - t->start - 2);
	s = xstrndup(f->text.s + t->start, t->end - t->start);
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* Whether the table named at i exists before this file; *next past it. */
static int
old_table(const struct lfile *f, size_t i, size_t *next)
{
	char *s;
	int old;

	if ((s = name_at(f, i, next)) == NULL)
		return 0;
	old = !names_has(&f->tables, s);
	free(s);
	return old;
}

static void
create(struct lfile *f)
{
	size_t i = 1, on;
	int conc;
	char *s;

	if (word(f, i, "OR") && word(f, i + 1, "REPLACE"))
		i += 2;
	if (word(f, i, "UNIQUE"))
		i++;
	if (word(f, i, "INDEX")) {
		conc = word(f, ++i, "CONCURRENTLY");
		i = skip_if(f, i + conc);
		if (!word(f, i, "ON") && (s = name_at(f, i, &i)) != NULL)
			names_add(&f->indexes, s, 0, 0, 0);
		if ((on = find0(f, i, f->n, "ON", NULL)) == NOPOS)
			return;
		i = on + 1 + word(f, on + 1, "ONLY");
		if (!old_table(f, i, &i) || conc)
			return;
		report(f, R_CREATE_INDEX, 0);
		f->heavy = 1;
		return;
	}
	while (word(f, i, "GLOBAL") || word(f, i, "LOCAL") ||
	    word(f, i, "TEMP") || word(f, i, "TEMPORARY") ||
	    word(f, i, "UNLOGGED"))
		i++;
	if (!word(f, i, "TABLE"))
		return;
	i = skip_if(f, i + 1);
	if ((s = name_at(f, i, &i)) != NULL)
		names_add(&f->tables, s, f->cur->line, f->cur->col,
		    f->cur->ignore);
}

static void
drop(struct lfile *f)
{
	struct name *t;
	size_t i = 2, j;
	int ifexists, old = 0;
	char *s;

	if (word(f, 1, "MATERIALIZED") || word(f, 1, "FOREIGN"))
		i++;
	if (word(f, i, "CONCURRENTLY"))
		i++;
	j = skip_if(f, i);
	ifexists = j != i;
	if (f->down && !ifexists)
		report(f, R_DOWN_IF_EXISTS, 0);
	if (word(f, 1, "INDEX")) {
		if (word(f, 2, "CONCURRENTLY") ||
		    (s = name_at(f, j, &j)) == NULL)
			return;
		if (!names_has(&f->indexes, s))
			report(f, R_DROP_INDEX, 0);
		free(s);
		return;
	}
	if (!word(f, 1, "TABLE"))
		return;
	while ((s = name_at(f, j, &j)) != NULL) {
		if ((t = names_find(&f->tables, s)) != NULL)
			t->gone = 1;
		else
			old = 1;
		names_add(&f->dropped, s, 0, 0, 0);
		if (!punct(f, j, ','))
			break;
		j++;
	}
	if (old && !f->down)
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

/* One action of ALTER TABLE, tokens [i, e), on a table not new. */
static void
alter_action(struct lfile *f, size_t i, size_t e)
{
	size_t j = i + 1;
	int col;

	if (word(f, i, "VALIDATE"))
		return;
	f->heavy = 1;
	if (word(f, i, "ADD")) {
		col = word(f, j, "COLUMN");
		j += col;
		if (!col && word(f, j, "CONSTRAINT"))
			j += 2;
		if (!col && (word(f, j, "CHECK") || word(f, j, "FOREIGN"))) {
			if (find0(f, j, e, "NOT", "VALID") == NOPOS)
				report(f, R_NOT_VALID, i);
			return;
		}
		if (!col && (word(f, j, "PRIMARY") || word(f, j, "UNIQUE") ||
		    word(f, j, "EXCLUDE")))
			return;
		j = skip_if(f, j) + 1;
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
		    word(f, j + 2, "NULL"))
			report(f, R_SET_NOT_NULL, i);
	} else if (word(f, i, "DROP")) {
		if (!f->down && !word(f, j, "CONSTRAINT"))
			report(f, R_DROP_COLUMN, i);
	} else if (word(f, i, "RENAME")) {
		if (!f->down && !word(f, j, "CONSTRAINT"))
			report(f, R_RENAME, i);
	}
}

static void
alter_table(struct lfile *f)
{
	struct name *t;
	size_t i = skip_if(f, 2), e;
	char *s;

	i += word(f, i, "ONLY");
	if ((s = name_at(f, i, &i)) == NULL)
		return;
	t = names_find(&f->tables, s);
	free(s);
	/*
	 * A new table stays new under its new name; renamed to the name of
	 * a table the file dropped, it takes that one's place.
	 */
	if (t != NULL) {
		if (word(f, i, "RENAME") && word(f, i + 1, "TO") &&
		    (s = name_at(f, i + 2, &e)) != NULL) {
			if (names_has(&f->dropped, s))
				t->gone = 1;
			free(t->s);
			t->s = s;
		}
		return;
	}
	i += punct(f, i, '*');
	while (i < f->n) {
		for (e = i; e < f->n; e++)
			if (f->t[e].depth == 0 && punct(f, e, ','))
				break;
		alter_action(f, i, e);
		i = e + 1;
	}
}

/* UPDATE, DELETE and INSERT ... SELECT; the table's name is at i. */
static void
change(struct lfile *f, size_t i, enum rule r)
{
	size_t j;

	i += word(f, i, "ONLY");
	if (!old_table(f, i, &j))
		return;
	if (r == R_NRULES) {
		if (find0(f, j, f->n, "SELECT", NULL) == NOPOS)
			return;
	} else if (find0(f, j, f->n, "WHERE", NULL) == NOPOS)
		report(f, r, 0);
	if (f->backfill == NOPOS)
		f->backfill = (size_t)(f->cur - f->st);
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
	else if (word(f, 0, "UPDATE"))
		change(f, 1, R_UPDATE_ALL);
	else if (word(f, 0, "DELETE") && word(f, 1, "FROM"))
		change(f, 2, R_DELETE_ALL);
	else if (word(f, 0, "INSERT") && word(f, 1, "INTO"))
		change(f, 2, R_NRULES);
	else if (word(f, 0, "VACUUM")) {
		for (i = 1; i < f->n; i++)
			if (word(f, i, "FULL")) {
				report(f, R_VACUUM_FULL, 0);
				break;
			}
	} else if (word(f, 0, "CLUSTER"))
		report(f, R_CLUSTER, 0);
	else if (word(f, 0, "LOCK"))
		report(f, R_LOCK_TABLE, 0);
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
	int r, onlyin;

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
		if (f->notx && (f->cur->flags & SQLF_NOTX) &&
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
	buf_release(&f->text);
	free(f->st);
	free(f->t);
	names_release(&f->tables);
	names_release(&f->indexes);
	names_release(&f->dropped);
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
	if (m->down != NULL && load(&down, o, err) == -1)
		goto done;
	if (m->up != NULL && m->down == NULL)
		report_at(&up, R_MISSING_DOWN, 1, 1,
		    up.nst > 0 ? up.st[0].ignore : 0);
	for (i = 0; m->down != NULL && i < up.tables.n; i++) {
		t = &up.tables.v[i];
		if (!t->gone && !names_has(&down.dropped, t->s))
			report_at(&up, R_DOWN_INCOMPLETE, t->line, t->col,
			    t->ignore);
	}
	rc = 0;
done:
	lfile_release(&up);
	lfile_release(&down);
	return rc;
}
