/*
 * The effects of a statement on the catalog.  The statement is read
 * again as tokens, comments left out, with the depth of parentheses of
 * each, and its leading keywords say what it does:
 *
 *	CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table
 *	CREATE [TEMP | UNLOGGED ...] TABLE [IF NOT EXISTS] name
 *	DROP TABLE | INDEX [CONCURRENTLY] [IF EXISTS] name [, ...]
 *	ALTER TABLE [IF EXISTS] [ONLY] name action [, ...]
 *
 * where an action ADD [COLUMN] [IF NOT EXISTS] column or DROP [COLUMN]
 * [IF EXISTS] column is checked, and any other action is not.  An index
 * whose name has no schema is in the schema of its table, when that one
 * is named; a created index keeps the name of its table for lint.
 */
#include "buildconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "effect.h"
#include "xmalloc.h"

/* Tokens read of a statement that is not checked: enough for its kind. */
#define HEAD_TOKENS	8

struct tok {
	size_t		 start;
	size_t		 end;
	enum sqltoktype	 type;
	unsigned	 depth;
};

struct stmt {
	const char	*text;
	enum sqldialect	 dialect;
	struct tok	*t;
	size_t		 n;
	size_t		 alloc;
};

/* A [catalog.][schema.]name as its parts, each owned. */
struct qname {
	char	*schema;
	char	*name;
};

/* Reads the first max tokens of the statement, again when called again. */
static void
tokens(struct stmt *s, const struct sqlstmt *st, size_t max)
{
	struct sqltoken tk;
	size_t pos = st->start;
	unsigned depth = 0;

	s->n = 0;
	while (s->n < max && sqlscan_token(s->text, st->end, s->dialect,
	    &pos, &tk) == 1) {
		if (tk.type == SQLTOK_COMMENT)
			continue;
		if (tk.type == SQLTOK_PUNCT && s->text[tk.start] == ')' &&
		    depth > 0)
			depth--;
		if (s->n == s->alloc) {
			s->alloc = s->alloc ? s->alloc * 2 : 32;
			s->t = xreallocarray(s->t, s->alloc, sizeof(*s->t));
		}
		s->t[s->n++] = (struct tok){ tk.start, tk.end, tk.type,
		    depth };
		if (tk.type == SQLTOK_PUNCT && s->text[tk.start] == '(')
			depth++;
	}
}

static int
word(const struct stmt *s, size_t i, const char *w)
{
	size_t len;

	if (i >= s->n || s->t[i].type != SQLTOK_WORD)
		return 0;
	len = s->t[i].end - s->t[i].start;
	return strlen(w) == len &&
	    strncasecmp(s->text + s->t[i].start, w, len) == 0;
}

static int
punct(const struct stmt *s, size_t i, int c)
{
	return i < s->n && s->t[i].type == SQLTOK_PUNCT &&
	    s->text[s->t[i].start] == c;
}

/* Skips IF EXISTS, or IF NOT EXISTS, at i. */
static size_t
skip_if(const struct stmt *s, size_t i)
{
	if (word(s, i, "IF") && word(s, i + 1, "EXISTS"))
		return i + 2;
	if (word(s, i, "IF") && word(s, i + 1, "NOT") &&
	    word(s, i + 2, "EXISTS"))
		return i + 3;
	return i;
}

char *
effect_ident(const char *text, const struct sqltoken *tk,
    enum sqldialect dialect)
{
	const char *p = text + tk->start, *e = text + tk->end;
	struct buf b = BUF_INIT;
	char q;

	if (tk->type == SQLTOK_WORD) {
		for (; p < e; p++)
			buf_addch(&b, dialect == SQLDIALECT_POSTGRES &&
			    *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		return buf_detach(&b);
	}
	if (tk->type != SQLTOK_QIDENT || e - p < 2)
		return NULL;
	q = *p == '[' ? ']' : *p;
	for (p++, e--; p < e; p++) {
		buf_addch(&b, *p);
		if (*p == q && q != ']' && p + 1 < e && p[1] == q)
			p++;
	}
	return buf_detach(&b);
}

/* The identifier at i, as effect_ident() reads it. */
static char *
ident(const struct stmt *s, size_t i)
{
	struct sqltoken tk;

	if (i >= s->n)
		return NULL;
	tk.start = s->t[i].start;
	tk.end = s->t[i].end;
	tk.type = s->t[i].type;
	tk.why = NULL;
	return effect_ident(s->text, &tk, s->dialect);
}

static int
is_ident(const struct stmt *s, size_t i)
{
	return i < s->n && (s->t[i].type == SQLTOK_WORD ||
	    s->t[i].type == SQLTOK_QIDENT);
}

/*
 * The name at i, of one to three parts, the last two kept; *next is set
 * past it.  Returns -1 when there is none.
 */
static int
qname_at(const struct stmt *s, size_t i, struct qname *q, size_t *next)
{
	size_t parts[3], n = 0;

	memset(q, 0, sizeof(*q));
	if (!is_ident(s, i))
		return -1;
	parts[n++] = i;
	while (n < 3 && punct(s, i + 1, '.') && is_ident(s, i + 2)) {
		i += 2;
		parts[n++] = i;
	}
	if (punct(s, i + 1, '.'))
		return -1;
	*next = i + 1;
	q->name = ident(s, parts[n - 1]);
	q->schema = n > 1 ? ident(s, parts[n - 2]) : NULL;
	return 0;
}

static struct effect *
add(struct effects *l, const char *what)
{
	struct effect *e;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->what, sizeof(e->what), "%s", what);
	return e;
}

/* An effect on the object q, whose names it takes. */
static void
add_named(struct effects *l, const char *what, enum dbobject obj, int drop,
    struct qname *q, char *column)
{
	struct effect *e = add(l, what);

	e->checked = 1;
	e->obj = obj;
	e->drop = drop;
	e->schema = q->schema;
	e->name = q->name;
	e->column = column;
	memset(q, 0, sizeof(*q));
}

static void
qname_release(struct qname *q)
{
	free(q->schema);
	free(q->name);
	memset(q, 0, sizeof(*q));
}

/* Appends word i in upper case, after a blank when b is not empty. */
static void
upper(struct buf *b, const struct stmt *s, size_t i)
{
	const char *p;

	if (b->len > 0)
		buf_addch(b, ' ');
	for (p = s->text + s->t[i].start; p < s->text + s->t[i].end; p++)
		buf_addch(b, *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
}

/* Whether word i only qualifies the kind of object that follows. */
static int
modifier(const struct stmt *s, size_t i)
{
	static const char *const w[] = { "OR", "REPLACE", "UNIQUE",
	    "GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED", "IF", "NOT",
	    "EXISTS", "CONCURRENTLY" };
	size_t k;

	for (k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		if (word(s, i, w[k]))
			return 1;
	return 0;
}

/*
 * An effect that is not checked, named after pre and the words at i:
 * INSERT, CREATE FUNCTION, ALTER TABLE RENAME.
 */
static void
unchecked(struct effects *l, const struct stmt *s, size_t i, const char *pre)
{
	struct buf b = BUF_INIT;
	int more;

	buf_adds(&b, pre);
	if (i < s->n && s->t[i].type == SQLTOK_WORD) {
		more = word(s, i, "CREATE") || word(s, i, "DROP") ||
		    word(s, i, "ALTER") || word(s, i, "ADD");
		upper(&b, s, i);
		for (i++; more && i < s->n && modifier(s, i); i++)
			;
		if (more && i < s->n && s->t[i].type == SQLTOK_WORD)
			upper(&b, s, i);
	}
	add(l, b.len > 0 ? b.s : "statement");
	buf_release(&b);
}

static void
create(struct effects *l, struct stmt *s)
{
	struct qname idx, tbl;
	size_t i = 1, on;

	if (word(s, i, "OR") && word(s, i + 1, "REPLACE"))
		i += 2;
	if (word(s, i, "UNIQUE") && word(s, i + 1, "INDEX"))
		i++;
	if (word(s, i, "INDEX")) {
		i += 1 + word(s, i + 1, "CONCURRENTLY");
		i = skip_if(s, i);
		memset(&idx, 0, sizeof(idx));
		if (word(s, i, "ON") || qname_at(s, i, &idx, &i) == -1) {
			/* PostgreSQL makes up the name. */
			qname_release(&idx);
			add(l, "CREATE INDEX");
			return;
		}
		for (on = i; on < s->n && !(s->t[on].depth == 0 &&
		    word(s, on, "ON")); on++)
			;
		on += 1 + word(s, on + 1, "ONLY");
		if (qname_at(s, on, &tbl, &on) == -1)
			memset(&tbl, 0, sizeof(tbl));
		if (idx.schema == NULL && tbl.schema != NULL)
			idx.schema = xstrdup(tbl.schema);
		add_named(l, "CREATE INDEX", DBOBJ_INDEX, 0, &idx, NULL);
		l->v[l->n - 1].table_schema = tbl.schema;
		l->v[l->n - 1].table = tbl.name;
		return;
	}
	while (word(s, i, "GLOBAL") || word(s, i, "LOCAL") ||
	    word(s, i, "TEMP") || word(s, i, "TEMPORARY") ||
	    word(s, i, "UNLOGGED"))
		i++;
	if (word(s, i, "TABLE") &&
	    qname_at(s, skip_if(s, i + 1), &tbl, &i) == 0) {
		add_named(l, "CREATE TABLE", DBOBJ_TABLE, 0, &tbl, NULL);
		return;
	}
	unchecked(l, s, 0, "");
}

static void
drop(struct effects *l, struct stmt *s)
{
	struct qname q;
	enum dbobject obj;
	size_t i = 2, first = l->n;
	const char *what;

	if (word(s, 1, "TABLE")) {
		obj = DBOBJ_TABLE;
		what = "DROP TABLE";
	} else if (word(s, 1, "INDEX")) {
		obj = DBOBJ_INDEX;
		what = "DROP INDEX";
		i += word(s, i, "CONCURRENTLY");
	} else {
		unchecked(l, s, 0, "");
		return;
	}
	i = skip_if(s, i);
	while (qname_at(s, i, &q, &i) == 0) {
		add_named(l, what, obj, 1, &q, NULL);
		if (!punct(s, i, ','))
			break;
		i++;
	}
	if (l->n == first)
		add(l, what);
}

/* The end of the action that starts at i: a ',' at the top, or the end. */
static size_t
action_end(const struct stmt *s, size_t i)
{
	for (; i < s->n; i++)
		if (s->t[i].depth == 0 && punct(s, i, ','))
			break;
	return i;
}

static void
alter(struct effects *l, struct stmt *s)
{
	static const char *const notcol[] = { "CONSTRAINT", "PRIMARY",
	    "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE", NULL };
	struct qname tbl, q;
	size_t i, e, j, k;
	int add_, col;
	char *c;

	if (!word(s, 1, "TABLE") || word(s, 2, "ALL")) {
		unchecked(l, s, 0, "");
		return;
	}
	i = skip_if(s, 2);
	i += word(s, i, "ONLY");
	if (qname_at(s, i, &tbl, &i) == -1) {
		add(l, "ALTER TABLE");
		return;
	}
	i += punct(s, i, '*');
	for (; i < s->n; i = e + 1) {
		e = action_end(s, i);
		add_ = word(s, i, "ADD");
		col = word(s, i + 1, "COLUMN");
		j = skip_if(s, i + 1 + col);
		for (k = 0; notcol[k] != NULL && !word(s, j, notcol[k]); k++)
			;
		if ((!add_ && !word(s, i, "DROP")) || (!col &&
		    notcol[k] != NULL) || j >= e ||
		    (c = ident(s, j)) == NULL) {
			unchecked(l, s, i, "ALTER TABLE");
			continue;
		}
		q.schema = tbl.schema != NULL ? xstrdup(tbl.schema) : NULL;
		q.name = xstrdup(tbl.name);
		add_named(l, add_ ? "ALTER TABLE ADD COLUMN" :
		    "ALTER TABLE DROP COLUMN", DBOBJ_COLUMN, !add_, &q, c);
	}
	qname_release(&tbl);
}

void
effect_read(struct effects *l, const char *text, const struct sqlstmt *st,
    enum sqldialect dialect)
{
	struct stmt s;
	size_t first = l->n;

	memset(&s, 0, sizeof(s));
	s.text = text;
	s.dialect = dialect;
	tokens(&s, st, HEAD_TOKENS);
	if (word(&s, 0, "CREATE") || word(&s, 0, "DROP") ||
	    word(&s, 0, "ALTER"))
		tokens(&s, st, SIZE_MAX);
	if (word(&s, 0, "CREATE"))
		create(l, &s);
	else if (word(&s, 0, "DROP"))
		drop(l, &s);
	else if (word(&s, 0, "ALTER"))
		alter(l, &s);
	if (l->n == first)
		unchecked(l, &s, 0, "");
	free(s.t);
}

int
effect_sets_path(const char *text, const struct sqlstmt *st,
    enum sqldialect dialect)
{
	struct stmt s;
	size_t i = 1;
	int yes;

	if (dialect != SQLDIALECT_POSTGRES)
		return 0;
	memset(&s, 0, sizeof(s));
	s.text = text;
	s.dialect = dialect;
	tokens(&s, st, 3);
	if (word(&s, 0, "SET") && (word(&s, 1, "SESSION") ||
	    word(&s, 1, "LOCAL")))
		i = 2;
	yes = ((word(&s, 0, "SET") || word(&s, 0, "RESET")) &&
	    word(&s, i, "search_path")) ||
	    (word(&s, 0, "RESET") && word(&s, 1, "ALL"));
	free(s.t);
	return yes;
}

void
effects_reset(struct effects *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].schema);
		free(l->v[i].name);
		free(l->v[i].column);
		free(l->v[i].table_schema);
		free(l->v[i].table);
	}
	l->n = 0;
}

void
effects_release(struct effects *l)
{
	effects_reset(l);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
effect_describe(struct buf *b, const struct effect *e)
{
	const char *sp;

	if (!e->checked) {
		buf_adds(b, e->what);
		return;
	}
	if (e->obj != DBOBJ_COLUMN) {
		buf_addf(b, "%s ", e->what);
		driver_quote_ident(b, e->schema, e->name);
		return;
	}
	/* "ALTER TABLE t ADD COLUMN c" */
	sp = strchr(e->what + sizeof("ALTER TABLE") - 1, ' ');
	buf_add(b, e->what, sizeof("ALTER TABLE") - 1);
	buf_addch(b, ' ');
	driver_quote_ident(b, e->schema, e->name);
	buf_adds(b, sp != NULL ? sp : "");
	buf_addch(b, ' ');
	driver_quote_ident(b, NULL, e->column);
}
