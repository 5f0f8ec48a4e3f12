/*
 * The SQL scanner: one pass over the text, a byte at a time between
 * tokens and with memchr() inside strings and comments.  Every token of a
 * statement goes through stmt_token(), which follows trigger and BEGIN
 * ATOMIC bodies, keeps the first few tokens to classify the statement and
 * watches the last three for IF [NOT] EXISTS, OR REPLACE and the like.
 * Line numbers are counted lazily, up to the offsets that need one.
 */
#include "buildconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "rules.h"
#include "sqlscan.h"

#define NOPOS	SIZE_MAX
#define NTOK	16		/* leading tokens kept to classify statements */

enum {
	T_NONE, T_WORD, T_OTHER, T_LPAREN, T_RPAREN, T_EQ, T_DOT, T_SEMI,
	KW_ABORT, KW_ALTER, KW_ANALYSE, KW_ANALYZE, KW_ATOMIC, KW_ATTACH,
	KW_BEGIN, KW_CLUSTER, KW_COMMENT, KW_COMMIT, KW_CONCURRENTLY,
	KW_CONFLICT, KW_CREATE, KW_DATABASE, KW_DETACH, KW_DO, KW_DROP,
	KW_END, KW_EXISTS, KW_EXPLAIN, KW_FOREIGN_KEYS, KW_GRANT, KW_IF,
	KW_IGNORE, KW_INDEX, KW_INSERT, KW_JOURNAL_MODE, KW_MATERIALIZED,
	KW_NOT, KW_NOTHING, KW_ON, KW_OR, KW_PARTITION, KW_PRAGMA,
	KW_PREPARE, KW_PREPARED, KW_REFRESH, KW_REINDEX, KW_RELEASE,
	KW_REPLACE, KW_RESET, KW_REVOKE, KW_ROLLBACK, KW_SAVEPOINT,
	KW_SELECT, KW_SET, KW_SHOW, KW_START, KW_SUBSCRIPTION, KW_SYSTEM,
	KW_TABLE, KW_TABLESPACE, KW_TEMP, KW_TEMPORARY, KW_TO,
	KW_TRANSACTION, KW_TRIGGER, KW_UNIQUE, KW_VACUUM, KW_VALUES,
	KW_VERBOSE, KW_WORK
};

/* Sorted by name, for kw_lookup(). */
static const struct keyword {
	const char	*name;
	int		 kw;
} keywords[] = {
	{ "ABORT", KW_ABORT },
	{ "ALTER", KW_ALTER },
	{ "ANALYSE", KW_ANALYSE },
	{ "ANALYZE", KW_ANALYZE },
	{ "ATOMIC", KW_ATOMIC },
	{ "ATTACH", KW_ATTACH },
	{ "BEGIN", KW_BEGIN },
	{ "CLUSTER", KW_CLUSTER },
	{ "COMMENT", KW_COMMENT },
	{ "COMMIT", KW_COMMIT },
	{ "CONCURRENTLY", KW_CONCURRENTLY },
	{ "CONFLICT", KW_CONFLICT },
	{ "CREATE", KW_CREATE },
	{ "DATABASE", KW_DATABASE },
	{ "DETACH", KW_DETACH },
	{ "DO", KW_DO },
	{ "DROP", KW_DROP },
	{ "END", KW_END },
	{ "EXISTS", KW_EXISTS },
	{ "EXPLAIN", KW_EXPLAIN },
	{ "FOREIGN_KEYS", KW_FOREIGN_KEYS },
	{ "GRANT", KW_GRANT },
	{ "IF", KW_IF },
	{ "IGNORE", KW_IGNORE },
	{ "INDEX", KW_INDEX },
	{ "INSERT", KW_INSERT },
	{ "JOURNAL_MODE", KW_JOURNAL_MODE },
	{ "MATERIALIZED", KW_MATERIALIZED },
	{ "NOT", KW_NOT },
	{ "NOTHING", KW_NOTHING },
	{ "ON", KW_ON },
	{ "OR", KW_OR },
	{ "PARTITION", KW_PARTITION },
	{ "PRAGMA", KW_PRAGMA },
	{ "PREPARE", KW_PREPARE },
	{ "PREPARED", KW_PREPARED },
	{ "REFRESH", KW_REFRESH },
	{ "REINDEX", KW_REINDEX },
	{ "RELEASE", KW_RELEASE },
	{ "REPLACE", KW_REPLACE },
	{ "RESET", KW_RESET },
	{ "REVOKE", KW_REVOKE },
	{ "ROLLBACK", KW_ROLLBACK },
	{ "SAVEPOINT", KW_SAVEPOINT },
	{ "SELECT", KW_SELECT },
	{ "SET", KW_SET },
	{ "SHOW", KW_SHOW },
	{ "START", KW_START },
	{ "SUBSCRIPTION", KW_SUBSCRIPTION },
	{ "SYSTEM", KW_SYSTEM },
	{ "TABLE", KW_TABLE },
	{ "TABLESPACE", KW_TABLESPACE },
	{ "TEMP", KW_TEMP },
	{ "TEMPORARY", KW_TEMPORARY },
	{ "TO", KW_TO },
	{ "TRANSACTION", KW_TRANSACTION },
	{ "TRIGGER", KW_TRIGGER },
	{ "UNIQUE", KW_UNIQUE },
	{ "VACUUM", KW_VACUUM },
	{ "VALUES", KW_VALUES },
	{ "VERBOSE", KW_VERBOSE },
	{ "WORK", KW_WORK }
};
#define KW_MAXLEN	12

/* Where ';' stands in a trigger or BEGIN ATOMIC body. */
enum body {
	BODY_NONE,	/* no body (yet): ';' ends the statement */
	BODY_IN,	/* inside: ';' does not end it */
	BODY_SEMI,	/* inside, right after ';': END closes the body */
	BODY_END,	/* SQLite, right after "; END": ';' ends it */
	BODY_DONE	/* PostgreSQL, after the END of BEGIN ATOMIC */
};

/* sqlite3_complete()'s way to find CREATE [TEMP] TRIGGER. */
enum trig {
	TRIG_START, TRIG_EXPLAIN, TRIG_CREATE, TRIG_NO
};

#define SEEN_CONFLICT	0x01	/* ON CONFLICT */
#define SEEN_CONC	0x02	/* CONCURRENTLY */
#define SEEN_DETACH	0x04	/* DETACH PARTITION */
#define SEEN_DETACHCONC	0x08	/* DETACH PARTITION ... CONCURRENTLY */

/* The statement being scanned. */
struct stmt {
	size_t		 start;
	size_t		 lastend;	/* end of the last token so far */
	size_t		 ntok;
	unsigned char	 tok[NTOK];
	int		 prev;		/* the token before the current one */
	int		 prev2;		/* and the one before that */
	enum body	 body;
	enum trig	 trig;
	int		 inner;		/* past BEGIN: keywords do not count */
	unsigned	 depth;		/* PostgreSQL: parentheses */
	unsigned	 seen;		/* SEEN_* */
	unsigned	 flags;		/* SQLF_* */
	ruleset		 ignore;	/* msr:lint-ignore inside it */
};

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
isidstart(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80;
}

static int
isdec(int c)
{
	return c >= '0' && c <= '9';
}

/* A byte of a dollar-quote tag after the first one. */
static int
isdolq(int c)
{
	return isidstart(c) || isdec(c);
}

static int
isidcont(int c)
{
	return isdolq(c) || c == '$';
}

/*
 * The KW_* code of a word, or T_WORD.  The word is compared, upper-cased,
 * with the keywords of its first letter: keywords[] is sorted, and
 * first[] holds where each letter's run starts, worked out once.
 */
static int
kw_lookup(const char *w, size_t len)
{
	static unsigned char first[27];
	static int ready;
	char up[KW_MAXLEN + 1];
	size_t i, n = sizeof(keywords) / sizeof(keywords[0]);
	int c, l;

	if (!ready) {
		for (i = 0, l = 0; l <= 26; l++) {
			while (i < n && keywords[i].name[0] - 'A' < l)
				i++;
			first[l] = (unsigned char)i;
		}
		ready = 1;
	}
	if (len < 2 || len > KW_MAXLEN)
		return T_WORD;
	c = upper((unsigned char)w[0]) - 'A';
	if (c < 0 || c >= 26)
		return T_WORD;
	for (i = 0; i < len; i++)
		up[i] = (char)upper((unsigned char)w[i]);
	up[len] = '\0';
	for (i = first[c]; i < first[c + 1]; i++)
		if (strcmp(up, keywords[i].name) == 0)
			return keywords[i].kw;
	return T_WORD;
}

/*
 * Line and column of off, counting newlines from where the last call
 * stopped; offsets asked for only grow, but for a rescan after an error.
 */
static void
scan_where(struct sqlscan *s, size_t off, unsigned *line, unsigned *col)
{
	const char	*p, *e;

	if (off < s->linepos) {
		s->line = 1;
		s->linestart = 0;
		s->linepos = 0;
		s->colskip = 0;
	}
	p = s->text + s->linepos;
	e = s->text + off;
	while (p < e && (p = memchr(p, '\n', e - p)) != NULL) {
		s->line++;
		s->linestart = ++p - s->text;
		s->colskip = 0;
	}
	s->linepos = off;
	*line = s->line;
	*col = (unsigned)(off - s->linestart + 1 + s->colskip);
}

/*
 * The same for an offset that a later call may pass again with a smaller
 * one: it counts from where scan_where() stopped without moving it.
 */
static void
peek_where(const struct sqlscan *s, size_t off, unsigned *line,
    unsigned *col)
{
	const char	*p = s->text + s->linepos, *e = s->text + off;
	size_t		 start = s->linestart, skip = s->colskip;

	*line = s->line;
	while (p < e && (p = memchr(p, '\n', e - p)) != NULL) {
		(*line)++;
		start = ++p - s->text;
		skip = 0;
	}
	*col = (unsigned)(off - start + 1 + skip);
}

static int
scan_error(struct sqlscan *s, struct buf *err, size_t off, const char *msg)
{
	unsigned	line, col;

	scan_where(s, off, &line, &col);
	buf_addf(err, "%u:%u: %s", line, col, msg);
	return -1;
}

/* From just past an opening quote q to just past its closing one. */
static size_t
skip_quoted(const char *t, size_t n, size_t p, int q)
{
	const char	*e;

	while (p < n && (e = memchr(t + p, q, n - p)) != NULL) {
		p = e - t + 1;
		if (p == n || t[p] != q)
			return p;
		p++;
	}
	return NOPOS;
}

/* The same for E'...', where a backslash escapes the next byte. */
static size_t
skip_estring(const char *t, size_t n, size_t p)
{
	while (p < n) {
		if (t[p] == '\\')
			p += 2;
		else if (t[p] != '\'')
			p++;
		else if (p + 1 < n && t[p + 1] == '\'')
			p += 2;
		else
			return p + 1;
	}
	return NOPOS;
}

/* From the '$' of an opening tag of taglen bytes to past the closing one. */
static size_t
skip_dollar(const char *t, size_t n, size_t p, size_t taglen)
{
	const char	*e;
	size_t		 q = p + taglen;

	while (q < n && (e = memchr(t + q, '$', n - q)) != NULL) {
		q = e - t;
		if (n - q >= taglen && memcmp(t + q, t + p, taglen) == 0)
			return q + taglen;
		q++;
	}
	return NOPOS;
}

/* From the "/" of a block comment to just past its end. */
static size_t
skip_comment(const char *t, size_t n, size_t p, int nest)
{
	size_t	depth = 1;

	for (p += 2; p + 1 < n; p++) {
		if (t[p] == '*' && t[p + 1] == '/') {
			p++;
			if (--depth == 0)
				return p + 1;
		} else if (nest && t[p] == '/' && t[p + 1] == '*') {
			p++;
			depth++;
		}
	}
	return NOPOS;
}

/*
 * "-- msr:lint-ignore [RULE[, RULE...]] [: REASON]", its list from w to
 * e: the rules, or all of them when none is named, are silenced for
 * the statement the comment is in, or else the next one.  Names that
 * are no rule are counted for "msr lint" to report; they do not stop a
 * migration.
 */
static void
lint_ignore(struct sqlscan *s, struct stmt *m, size_t w, size_t e)
{
	const char	*t = s->text;
	ruleset		 set = 0;
	size_t		 q;
	int		 r, any = 0;

	for (;;) {
		while (w < e && (t[w] == ' ' || t[w] == '\t' || t[w] == ',' ||
		    t[w] == '\r'))
			w++;
		if (w == e || t[w] == ':')
			break;
		for (q = w; q < e && t[q] != ' ' && t[q] != '\t' &&
		    t[q] != ',' && t[q] != ':' && t[q] != '\r'; q++)
			;
		any = 1;
		if ((r = rules_find(t + w, q - w)) != -1)
			set |= RULE_BIT(r);
		else if (s->nbad++ == 0) {
			peek_where(s, w, &s->bad_line, &s->bad_col);
			snprintf(s->bad, sizeof(s->bad), "%.*s",
			    (int)(q - w), t + w);
		}
		w = q;
	}
	if (!any)
		set = RULES_ALL;
	if (m->ntok > 0)
		m->ignore |= set;
	else
		s->ignore |= set;
}

/*
 * Checks the "--" comment from p to e for a directive: "-- msr:NAME".
 */
static int
scan_directive(struct sqlscan *s, struct stmt *m, size_t p, size_t e,
    struct buf *err)
{
	const char	*t = s->text;
	size_t		 q, w;
	unsigned	 line, col;

	for (q = p + 2; q < e && (t[q] == ' ' || t[q] == '\t'); q++)
		;
	if (e - q < 4 || memcmp(t + q, "msr:", 4) != 0)
		return 0;
	q += 4;
	for (w = q; w < e && (isdolq((unsigned char)t[w]) || t[w] == '-'); w++)
		;
	if (w - q == 11 && memcmp(t + q, "lint-ignore", 11) == 0) {
		lint_ignore(s, m, w, e);
		return 0;
	}
	if (w - q == 14 && memcmp(t + q, "no-transaction", 14) == 0) {
		while (w < e && (t[w] == ' ' || t[w] == '\t' || t[w] == '\r'))
			w++;
		if (w < e) {
			scan_where(s, p, &line, &col);
			buf_addf(err, "%u:%u: unexpected text after directive "
			    "'msr:no-transaction'", line, col);
			return -1;
		}
		if (m->ntok > 0 || s->nstmts > 0) {
			scan_where(s, p, &line, &col);
			buf_addf(err, "%u:%u: directive 'msr:no-transaction' "
			    "must come before the first statement", line, col);
			return -1;
		}
		s->directives |= SQLDIR_NOTX;
		return 0;
	}
	for (w = q; w < e && w - q < 64 && t[w] != ' ' && t[w] != '\t' &&
	    t[w] != '\r'; w++)
		;
	scan_where(s, p, &line, &col);
	buf_addf(err, "%u:%u: unknown directive 'msr:%.*s'", line, col,
	    (int)(w - q), t + q);
	return -1;
}

/* A token inside a trigger or BEGIN ATOMIC body. */
static void
stmt_body(const struct sqlscan *s, struct stmt *m, int tok)
{
	if (tok == T_SEMI)
		m->body = BODY_SEMI;
	else if (m->body == BODY_SEMI && tok == KW_END)
		m->body = s->dialect == SQLDIALECT_SQLITE ? BODY_END :
		    BODY_DONE;
	else {
		m->body = BODY_IN;
		if (tok == KW_BEGIN)
			m->inner = 1;
	}
}

/* A token outside bodies: trigger start and the keyword window. */
static void
stmt_keyword(const struct sqlscan *s, struct stmt *m, int tok)
{
	if (s->dialect == SQLDIALECT_SQLITE) {
		switch (m->trig) {
		case TRIG_START:
			m->trig = tok == KW_EXPLAIN ? TRIG_EXPLAIN :
			    tok == KW_CREATE ? TRIG_CREATE : TRIG_NO;
			break;
		case TRIG_EXPLAIN:
			m->trig = tok == KW_CREATE ? TRIG_CREATE : TRIG_NO;
			break;
		case TRIG_CREATE:
			if (tok == KW_TRIGGER) {
				m->body = BODY_IN;
				m->trig = TRIG_NO;
			} else if (tok != KW_TEMP && tok != KW_TEMPORARY)
				m->trig = TRIG_NO;
			break;
		case TRIG_NO:
			break;
		}
	}

	switch (tok) {
	case KW_EXISTS:
		if (m->prev == KW_IF ||
		    (m->prev == KW_NOT && m->prev2 == KW_IF))
			m->flags |= SQLF_RETRYSAFE;
		break;
	case KW_REPLACE:
		if (m->prev == KW_OR &&
		    (m->prev2 == KW_CREATE || m->prev2 == KW_INSERT))
			m->flags |= SQLF_RETRYSAFE;
		break;
	case KW_IGNORE:
		if (m->prev == KW_OR && m->prev2 == KW_INSERT)
			m->flags |= SQLF_RETRYSAFE;
		break;
	case KW_CONFLICT:
		if (m->prev == KW_ON)
			m->seen |= SEEN_CONFLICT;
		break;
	case KW_NOTHING:
		if (m->prev == KW_DO && (m->seen & SEEN_CONFLICT))
			m->flags |= SQLF_RETRYSAFE;
		break;
	case KW_PARTITION:
		if (m->prev == KW_DETACH)
			m->seen |= SEEN_DETACH;
		break;
	case KW_CONCURRENTLY:
		m->seen |= SEEN_CONC;
		if (m->seen & SEEN_DETACH)
			m->seen |= SEEN_DETACHCONC;
		break;
	case KW_ATOMIC:
		if (s->dialect == SQLDIALECT_POSTGRES && m->prev == KW_BEGIN &&
		    m->tok[0] == KW_CREATE && m->depth == 0) {
			m->body = BODY_SEMI;
			m->inner = 1;
		}
		break;
	}
}

static void
stmt_token(const struct sqlscan *s, struct stmt *m, int tok, size_t start,
    size_t end)
{
	if (m->ntok == 0)
		m->start = start;
	if (m->ntok < NTOK)
		m->tok[m->ntok] = (unsigned char)tok;
	m->ntok++;
	m->lastend = end;
	if (s->dialect == SQLDIALECT_POSTGRES) {
		if (tok == T_LPAREN)
			m->depth++;
		else if (tok == T_RPAREN && m->depth > 0)
			m->depth--;
	}
	if (m->body != BODY_NONE && m->body != BODY_DONE)
		stmt_body(s, m, tok);
	if (!m->inner)
		stmt_keyword(s, m, tok);
	m->prev2 = m->prev;
	m->prev = tok;
}

/* Whether a ';' here ends the statement. */
static int
stmt_ends(const struct sqlscan *s, const struct stmt *m)
{
	if (m->body == BODY_IN || m->body == BODY_SEMI)
		return 0;
	return s->dialect == SQLDIALECT_SQLITE || m->depth == 0;
}

static int
at(const struct stmt *m, size_t i)
{
	return i < m->ntok && i < NTOK ? m->tok[i] : T_NONE;
}

/* The index of the token after a parenthesized group at i, if any. */
static size_t
skip_group(const struct stmt *m, size_t i)
{
	size_t	depth = 0;

	if (at(m, i) != T_LPAREN)
		return i;
	for (; i < NTOK && i < m->ntok; i++) {
		if (m->tok[i] == T_LPAREN)
			depth++;
		else if (m->tok[i] == T_RPAREN && --depth == 0)
			return i + 1;
	}
	return NOPOS;
}

static const char *
pg_notx(const struct stmt *m)
{
	size_t	i;

	switch (at(m, 0)) {
	case KW_CREATE:
		i = at(m, 1) == KW_UNIQUE ? 2 : 1;
		if (at(m, i) == KW_INDEX && at(m, i + 1) == KW_CONCURRENTLY)
			return "CREATE INDEX CONCURRENTLY";
		if (at(m, 1) == KW_DATABASE)
			return "CREATE DATABASE";
		if (at(m, 1) == KW_TABLESPACE)
			return "CREATE TABLESPACE";
		if (at(m, 1) == KW_SUBSCRIPTION)
			return "CREATE SUBSCRIPTION";
		break;
	case KW_DROP:
		if (at(m, 1) == KW_INDEX && at(m, 2) == KW_CONCURRENTLY)
			return "DROP INDEX CONCURRENTLY";
		if (at(m, 1) == KW_DATABASE)
			return "DROP DATABASE";
		if (at(m, 1) == KW_TABLESPACE)
			return "DROP TABLESPACE";
		if (at(m, 1) == KW_SUBSCRIPTION)
			return "DROP SUBSCRIPTION";
		break;
	case KW_ALTER:
		if (at(m, 1) == KW_SYSTEM)
			return "ALTER SYSTEM";
		if (at(m, 1) == KW_DATABASE && at(m, 3) == KW_SET &&
		    at(m, 4) == KW_TABLESPACE)
			return "ALTER DATABASE SET TABLESPACE";
		if (at(m, 1) == KW_TABLE && (m->seen & SEEN_DETACHCONC))
			return "ALTER TABLE DETACH PARTITION CONCURRENTLY";
		break;
	case KW_REINDEX:
		if (m->seen & SEEN_CONC)
			return "REINDEX CONCURRENTLY";
		i = skip_group(m, 1);
		if (at(m, i) == KW_DATABASE)
			return "REINDEX DATABASE";
		if (at(m, i) == KW_SYSTEM)
			return "REINDEX SYSTEM";
		break;
	case KW_CLUSTER:
		i = skip_group(m, 1);
		if (at(m, i) == KW_VERBOSE)
			i++;
		if (i != NOPOS && i >= m->ntok)
			return "CLUSTER";
		break;
	case KW_VACUUM:
		return "VACUUM";
	case KW_PREPARE:
		if (at(m, 1) == KW_TRANSACTION)
			return "PREPARE TRANSACTION";
		break;
	case KW_COMMIT:
		if (at(m, 1) == KW_PREPARED)
			return "COMMIT PREPARED";
		break;
	case KW_ROLLBACK:
		if (at(m, 1) == KW_PREPARED)
			return "ROLLBACK PREPARED";
		break;
	}
	return NULL;
}

static const char *
sqlite_notx(const struct stmt *m)
{
	size_t	i;
	int	op;

	switch (at(m, 0)) {
	case KW_VACUUM:
		return "VACUUM";
	case KW_ATTACH:
		return "ATTACH";
	case KW_DETACH:
		return "DETACH";
	case KW_PRAGMA:
		i = at(m, 2) == T_DOT ? 3 : 1;
		op = at(m, i + 1);
		if (op != T_EQ && op != T_LPAREN)
			break;
		if (at(m, i) == KW_FOREIGN_KEYS)
			return "PRAGMA foreign_keys";
		if (at(m, i) == KW_JOURNAL_MODE)
			return "PRAGMA journal_mode";
		break;
	}
	return NULL;
}

static enum sqlkind
stmt_kind(const struct sqlscan *s, const struct stmt *m)
{
	int	pg = s->dialect == SQLDIALECT_POSTGRES;
	size_t	i;

	switch (at(m, 0)) {
	case KW_BEGIN:
		if (at(m, 1) != KW_ATOMIC)
			return SQLKIND_BEGIN;
		break;
	case KW_START:
		if (pg && at(m, 1) == KW_TRANSACTION)
			return SQLKIND_BEGIN;
		break;
	case KW_COMMIT:
		if (!pg || at(m, 1) != KW_PREPARED)
			return SQLKIND_COMMIT;
		break;
	case KW_END:
		return SQLKIND_COMMIT;
	case KW_ABORT:
		if (pg)
			return SQLKIND_ROLLBACK;
		break;
	case KW_ROLLBACK:
		if (pg && at(m, 1) == KW_PREPARED)
			break;
		i = at(m, 1) == KW_TRANSACTION || at(m, 1) == KW_WORK ? 2 : 1;
		return at(m, i) == KW_TO ? SQLKIND_SAVEPOINT : SQLKIND_ROLLBACK;
	case KW_SAVEPOINT:
	case KW_RELEASE:
		return SQLKIND_SAVEPOINT;
	}
	return SQLKIND_OTHER;
}

/* Statements that change nothing or can simply be run again. */
static int
stmt_repeatable(const struct stmt *m)
{
	switch (at(m, 0)) {
	case KW_SELECT:
	case KW_VALUES:
	case KW_SET:
	case KW_RESET:
	case KW_SHOW:
	case KW_PRAGMA:
	case KW_VACUUM:
	case KW_ANALYZE:
	case KW_ANALYSE:
	case KW_REINDEX:
	case KW_EXPLAIN:
	case KW_GRANT:
	case KW_REVOKE:
	case KW_REPLACE:	/* SQLite: REPLACE INTO */
		return 1;
	case KW_COMMENT:
		return at(m, 1) == KW_ON;
	case KW_REFRESH:
		return at(m, 1) == KW_MATERIALIZED;
	}
	return 0;
}

static int
stmt_done(struct sqlscan *s, const struct stmt *m, struct sqlstmt *st,
    size_t next)
{
	st->start = m->start;
	st->end = m->lastend;
	st->next = next == NOPOS ? m->lastend : next;
	scan_where(s, m->start, &st->line, &st->col);
	st->kind = stmt_kind(s, m);
	st->flags = m->flags;
	st->ignore = m->ignore | s->ignore;
	s->ignore = 0;
	st->notx_what = s->dialect == SQLDIALECT_POSTGRES ? pg_notx(m) :
	    sqlite_notx(m);
	if (st->notx_what != NULL)
		st->flags |= SQLF_NOTX;
	if (st->kind != SQLKIND_OTHER || stmt_repeatable(m))
		st->flags |= SQLF_RETRYSAFE;
	if (s->dialect == SQLDIALECT_POSTGRES ? at(m, 0) == KW_SET ||
	    at(m, 0) == KW_RESET : at(m, 0) == KW_PRAGMA)
		st->flags |= SQLF_SESSION;
	s->pos = next == NOPOS ? s->len : next;
	s->nstmts++;
	return 1;
}

void
sqlscan_init(struct sqlscan *s, const char *text, size_t len,
    enum sqldialect dialect)
{
	memset(s, 0, sizeof(*s));
	s->text = text;
	s->len = len;
	s->line = 1;
	s->dialect = dialect;
}

/*
 * The token at p, past blanks: 1 with *tk filled, 0 at the end of the
 * text, -1 with tk->start and tk->why set when a quote or comment does
 * not end.
 */
static int
lex(const char *t, size_t n, size_t p, int pg, struct sqltoken *tk)
{
	const char	*e;
	size_t		 q;
	int		 c;

	for (;; p++) {
		if (p == n)
			return 0;
		c = (unsigned char)t[p];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\f' && c != '\v')
			break;
	}
	tk->start = p;
	tk->type = SQLTOK_PUNCT;
	q = p + 1;
	switch (c) {
	case '-':
		if (q == n || t[q] != '-')
			break;
		e = memchr(t + q, '\n', n - q);
		q = e != NULL ? (size_t)(e - t) : n;
		tk->type = SQLTOK_COMMENT;
		break;
	case '/':
		if (q == n || t[q] != '*')
			break;
		tk->type = SQLTOK_COMMENT;
		if ((q = skip_comment(t, n, p, pg)) == NOPOS) {
			tk->why = "unterminated block comment";
			return -1;
		}
		break;
	case '\'':
		tk->type = SQLTOK_STRING;
		if ((q = skip_quoted(t, n, q, c)) == NOPOS) {
			tk->why = "unterminated quoted string";
			return -1;
		}
		break;
	case '`':
	case '"':
		if (pg && c == '`')
			break;
		tk->type = SQLTOK_QIDENT;
		if ((q = skip_quoted(t, n, q, c)) == NOPOS) {
			tk->why = "unterminated quoted identifier";
			return -1;
		}
		break;
	case '[':
		if (pg)
			break;
		tk->type = SQLTOK_QIDENT;
		if ((e = memchr(t + q, ']', n - q)) == NULL) {
			tk->why = "unterminated quoted identifier";
			return -1;
		}
		q = e - t + 1;
		break;
	case '$':
		if (!pg) {
			while (q < n && isidcont((unsigned char)t[q]))
				q++;
			tk->type = SQLTOK_PARAM;
			break;
		}
		if (q < n && isdec((unsigned char)t[q])) {
			while (q < n && isdec((unsigned char)t[q]))
				q++;
			tk->type = SQLTOK_PARAM;
			break;
		}
		if (q < n && isidstart((unsigned char)t[q]))
			while (q < n && isdolq((unsigned char)t[q]))
				q++;
		if (q == n || t[q] != '$') {
			q = p + 1;
			break;
		}
		tk->type = SQLTOK_STRING;
		if ((q = skip_dollar(t, n, p, q - p + 1)) == NOPOS) {
			tk->why = "unterminated dollar-quoted string";
			return -1;
		}
		break;
	default:
		if (isdec(c)) {
			while (q < n && isidcont((unsigned char)t[q]))
				q++;
			tk->type = SQLTOK_NUMBER;
			break;
		}
		if (!isidstart(c))
			break;
		while (q < n && isidcont((unsigned char)t[q]))
			q++;
		tk->type = SQLTOK_WORD;
		if (pg && q == p + 1 && (c == 'E' || c == 'e') &&
		    q < n && t[q] == '\'') {
			tk->type = SQLTOK_STRING;
			if ((q = skip_estring(t, n, q + 1)) == NOPOS) {
				tk->why = "unterminated quoted string";
				return -1;
			}
		}
		break;
	}
	tk->end = q;
	return 1;
}

int
sqlscan_token(const char *text, size_t len, enum sqldialect dialect,
    size_t *pos, struct sqltoken *tk)
{
	int	r;

	r = lex(text, len, *pos, dialect == SQLDIALECT_POSTGRES, tk);
	if (r == 1)
		*pos = tk->end;
	return r;
}

int
sqlscan_next(struct sqlscan *s, struct sqlstmt *st, struct buf *err)
{
	const char	*t = s->text;
	size_t		 n = s->len, p;
	struct sqltoken	 tk;
	struct stmt	 m;
	int		 r, tok, pg = s->dialect == SQLDIALECT_POSTGRES;

	memset(&m, 0, sizeof(m));
	for (p = s->pos; (r = lex(t, n, p, pg, &tk)) == 1; p = tk.end) {
		switch (tk.type) {
		case SQLTOK_COMMENT:
			if (t[tk.start] == '-' && scan_directive(s, &m,
			    tk.start, tk.end, err) == -1)
				return -1;
			continue;
		case SQLTOK_WORD:
			tok = kw_lookup(t + tk.start, tk.end - tk.start);
			break;
		case SQLTOK_PARAM:
			tok = pg ? T_OTHER : T_WORD;
			break;
		case SQLTOK_PUNCT:
			switch (t[tk.start]) {
			case ';':
				if (m.ntok == 0)
					continue;
				if (stmt_ends(s, &m))
					return stmt_done(s, &m, st, tk.end);
				tok = T_SEMI;
				break;
			case '(':
				tok = T_LPAREN;
				break;
			case ')':
				tok = T_RPAREN;
				break;
			case '=':
				tok = T_EQ;
				break;
			case '.':
				tok = T_DOT;
				break;
			default:
				tok = T_OTHER;
				break;
			}
			break;
		default:
			tok = T_OTHER;
			break;
		}
		stmt_token(s, &m, tok, tk.start, tk.end);
	}
	if (r == -1)
		return scan_error(s, err, tk.start, tk.why);
	if (m.ntok > 0)
		return stmt_done(s, &m, st, NOPOS);
	s->pos = n;
	return 0;
}

/* The next token before end that is not a comment: 1, or 0 at the end. */
static int
next_token(const char *t, size_t end, size_t *pos, struct sqltoken *tk)
{
	while (lex(t, end, *pos, 1, tk) == 1) {
		*pos = tk->end;
		if (tk->type != SQLTOK_COMMENT)
			return 1;
	}
	return 0;
}

/* Whether tk is the keyword w. */
static int
is_kw(const char *t, const struct sqltoken *tk, const char *w)
{
	size_t	len = tk->end - tk->start;

	return tk->type == SQLTOK_WORD && strlen(w) == len &&
	    strncasecmp(t + tk->start, w, len) == 0;
}

/* Whether tk is the keyword w and a token follows it, now in tk. */
static int
take(const char *t, size_t end, size_t *pos, struct sqltoken *tk,
    const char *w)
{
	return is_kw(t, tk, w) && next_token(t, end, pos, tk);
}

static int
is_name(const struct sqltoken *tk)
{
	return tk->type == SQLTOK_WORD || tk->type == SQLTOK_QIDENT;
}

int
sqlscan_create_index(const char *text, const struct sqlstmt *st,
    struct sqlindex *ix)
{
	struct sqltoken	 tk;
	size_t		 p = st->start, e = st->end;

	memset(ix, 0, sizeof(*ix));
	if (!next_token(text, e, &p, &tk) || !take(text, e, &p, &tk, "CREATE"))
		return 0;
	if (is_kw(text, &tk, "UNIQUE") && !take(text, e, &p, &tk, "UNIQUE"))
		return 0;
	if (!take(text, e, &p, &tk, "INDEX") ||
	    !take(text, e, &p, &tk, "CONCURRENTLY"))
		return 0;
	if (is_kw(text, &tk, "IF")) {
		if (!take(text, e, &p, &tk, "IF") ||
		    !take(text, e, &p, &tk, "NOT") ||
		    !take(text, e, &p, &tk, "EXISTS"))
			return 0;
		ix->if_not_exists = 1;
	}
	/* ON is reserved: no index is called so unless quoted. */
	if (!is_name(&tk) || is_kw(text, &tk, "ON"))
		return 0;
	ix->name = tk;
	if (!next_token(text, e, &p, &tk) || !take(text, e, &p, &tk, "ON"))
		return 0;
	if (is_kw(text, &tk, "ONLY") && !take(text, e, &p, &tk, "ONLY"))
		return 0;
	for (;;) {
		if (!is_name(&tk) || ix->ntable == 3)
			return 0;
		ix->table[ix->ntable++] = tk;
		if (!next_token(text, e, &p, &tk) || tk.type != SQLTOK_PUNCT ||
		    text[tk.start] != '.')
			return 1;
		if (!next_token(text, e, &p, &tk))
			return 0;
	}
}

void
sqlscan_drop(struct sqlscan *s, size_t shift)
{
	unsigned	line, col;

	scan_where(s, s->pos, &line, &col);
	if (s->linestart < shift) {
		s->colskip += shift - s->linestart;
		s->linestart = 0;
	} else
		s->linestart -= shift;
	s->linepos -= shift;
	s->pos -= shift;
	s->text += shift;
	s->len -= shift;
}

void
sqlscan_more(struct sqlscan *s, const char *text, size_t len)
{
	s->text = text;
	s->len = len;
}

unsigned
sqlscan_directives(const struct sqlscan *s)
{
	return s->directives;
}

void
sqlscan_position(const char *text, size_t len, size_t off, unsigned *line,
    unsigned *col)
{
	const char	*p = text, *e, *nl;

	if (off > len)
		off = len;
	e = text + off;
	*line = 1;
	while (p < e && (nl = memchr(p, '\n', e - p)) != NULL) {
		(*line)++;
		p = nl + 1;
	}
	*col = (unsigned)(e - p + 1);
}
