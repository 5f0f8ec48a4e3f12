/*
 * Planning: compares the migration files with the tracking rows, checks
 * what must hold before anything runs (checksums, order, down files),
 * and decides how each file runs: in a transaction, around its own
 * BEGIN ... COMMIT block, or statement by statement.
 */
#include "buildconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "plan.h"
#include "rules.h"
#include "sqlfile.h"
#include "track.h"
#include "xmalloc.h"

#define RISKY_SHOWN	5	/* non-retry-safe statements listed per file */

void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

void
plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].why);
		free(p->v[i].tx_opts);
		sqlfile_marks_release(&p->v[i].marks);
	}
	free(p->v);
	strlist_release(&p->notices);
	strlist_release(&p->warnings);
	memset(p, 0, sizeof(*p));
}

struct step *
plan_add(struct plan *p, struct migration *m, enum migdir dir)
{
	struct step *s;

	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	s = &p->v[p->n++];
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->dir = dir;
	s->path = dir == MIGDIR_UP ? m->up : m->down;
	return s;
}

const char *
plan_mode_name(const struct step *s, int batch)
{
	switch (s->mode) {
	case STEP_TX:
		return batch ? "batch transaction" : "transaction";
	case STEP_WRAPPED:
		return batch ? "batch transaction, own block" :
		    "transaction, own block";
	case STEP_NOTX:
		break;
	}
	return "no transaction";
}

/* What planning learns of a file in one pass over its statements. */
struct shape {
	size_t		 nbegin, ncommit, nother;
	size_t		 begin, commit;		/* the last of each */
	unsigned	 begin_line, commit_line;
	unsigned	 begin_col;
	unsigned	 other_line;		/* the first ROLLBACK, SAVEPOINT */
	char		 bad[96];		/* why the blocks do not balance */
	unsigned	 bad_line, bad_col;
	char		*begin_opts;		/* options of the last BEGIN */
	int		 inblock;		/* after a BEGIN, before COMMIT */
	const char	*notx;			/* the first NOTX statement */
	unsigned	 notx_line, notx_col;
	ruleset		 notx_ignore;		/* its msr:lint-ignore */
	const char	*notx_inblock;		/* the first in a block */
	unsigned	 notx_inblock_line, notx_inblock_col;
	ruleset		 notx_inblock_ignore;
	size_t		 nrisky;		/* from resume on */
	unsigned	 risky_line[RISKY_SHOWN], risky_col[RISKY_SHOWN];
};

static void
shape_add(struct shape *sh, struct step *s, const struct sqlstmt *st,
    size_t i)
{
	if (sh->bad[0] == '\0') {
		if (st->kind == SQLKIND_BEGIN && sh->inblock)
			snprintf(sh->bad, sizeof(sh->bad), "BEGIN inside the"
			    " transaction that the BEGIN at line %u opened",
			    sh->begin_line);
		else if ((st->kind == SQLKIND_COMMIT ||
		    st->kind == SQLKIND_ROLLBACK) && !sh->inblock)
			snprintf(sh->bad, sizeof(sh->bad), "%s with no BEGIN"
			    " before it", st->kind == SQLKIND_COMMIT ?
			    "COMMIT" : "ROLLBACK");
		sh->bad_line = st->line;
		sh->bad_col = st->col;
	}
	switch (st->kind) {
	case SQLKIND_BEGIN:
		sh->begin = i;
		sh->begin_line = st->line;
		sh->begin_col = st->col;
		sh->nbegin++;
		sh->inblock = 1;
		break;
	case SQLKIND_COMMIT:
		sh->commit = i;
		sh->commit_line = st->line;
		sh->ncommit++;
		sh->inblock = 0;
		break;
	case SQLKIND_ROLLBACK:
		sh->inblock = 0;
		/* FALLTHROUGH */
	case SQLKIND_SAVEPOINT:
		if (sh->nother++ == 0)
			sh->other_line = st->line;
		break;
	case SQLKIND_OTHER:
		break;
	}
	if ((st->flags & SQLF_NOTX) && sh->notx == NULL) {
		sh->notx = st->notx_what;
		sh->notx_line = st->line;
		sh->notx_col = st->col;
		sh->notx_ignore = st->ignore;
	}
	if ((st->flags & SQLF_NOTX) && sh->inblock &&
	    sh->notx_inblock == NULL) {
		sh->notx_inblock = st->notx_what;
		sh->notx_inblock_line = st->line;
		sh->notx_inblock_col = st->col;
		sh->notx_inblock_ignore = st->ignore;
	}
	if (!(st->flags & SQLF_RETRYSAFE)) {
		if (s->first_risky == SIZE_MAX)
			s->first_risky = i;
		if (i >= (size_t)s->resume && !sh->inblock &&
		    !(st->ignore & RULE_BIT(R_NOTX_RETRY))) {
			if (sh->nrisky < RISKY_SHOWN) {
				sh->risky_line[sh->nrisky] = st->line;
				sh->risky_col[sh->nrisky] = st->col;
			}
			sh->nrisky++;
		}
	}
}

/*
 * The options of a BEGIN or START TRANSACTION statement, what follows
 * BEGIN [WORK | TRANSACTION], as a copy, or NULL when there are none.
 * PostgreSQL's SET TRANSACTION takes the same list.
 */
static char *
begin_options(const char *text, const struct sqlstmt *st)
{
	struct sqltoken tk;
	size_t pos = st->start, i = 0, len;
	const char *w;

	while (sqlscan_token(text, st->end, SQLDIALECT_POSTGRES, &pos,
	    &tk) == 1) {
		if (tk.type == SQLTOK_COMMENT)
			continue;
		w = text + tk.start;
		len = tk.end - tk.start;
		if (i == 0 || (i == 1 && tk.type == SQLTOK_WORD &&
		    ((len == 4 && strncasecmp(w, "WORK", 4) == 0) ||
		    (len == 11 && strncasecmp(w, "TRANSACTION", 11) == 0)))) {
			i++;
			continue;
		}
		return xstrndup(w, st->end - tk.start);
	}
	return NULL;
}

/* Reads the file through: its statements and their shape. */
static int
scan_file(struct step *s, enum sqldialect dialect, struct shape *sh,
    unsigned *dirs, struct buf *err)
{
	struct sqlfile f;
	size_t i;
	int n, rc = -1;

	if (sqlfile_open_marked(&f, s->path, dialect, SQLFILE_MARK, &s->marks,
	    err) == -1)
		goto done;
	while ((n = sqlfile_next(&f, 1024, err)) > 0)
		for (i = 0; i < (size_t)n; i++) {
			s->nstmts++;
			shape_add(sh, s, &f.v[i], f.index + i);
			if (f.v[i].kind == SQLKIND_BEGIN &&
			    dialect == SQLDIALECT_POSTGRES) {
				free(sh->begin_opts);
				sh->begin_opts = begin_options(f.text.s,
				    &f.v[i]);
			}
		}
	if (n == -1)
		goto done;
	if (s->first_risky == SIZE_MAX)
		s->first_risky = s->nstmts;
	*dirs = sqlscan_directives(&f.sc);
	rc = sqlfile_finish(&f, s->checksum, err);
done:
	sqlfile_close(&f);
	return rc;
}

/* Decides how a step runs; sets mode and why. */
static void
classify(struct step *s, const struct planopts *o, const struct shape *sh,
    unsigned dirs)
{
	const char *what;

	if (s->partial) {
		s->mode = STEP_NOTX;
		s->why = xasprintf("resuming a partial migration after"
		    " statement %ld", s->resume);
		return;
	}
	if (dirs & SQLDIR_NOTX) {
		s->mode = STEP_NOTX;
		s->why = xstrdup("-- msr:no-transaction");
		return;
	}
	if (o->txmode == TXMODE_NONE) {
		s->mode = STEP_NOTX;
		s->why = xstrdup("transaction = none");
		return;
	}
	if (sh->nbegin + sh->ncommit + sh->nother > 0 && (sh->nbegin != 1 ||
	    sh->ncommit != 1 || sh->nother != 0 || sh->commit < sh->begin)) {
		s->mode = STEP_NOTX;
		s->why = xasprintf("transaction control other than one"
		    " BEGIN ... COMMIT block (line %u)", sh->nother > 0 ?
		    sh->other_line : sh->nbegin > 0 ? sh->begin_line :
		    sh->commit_line);
		return;
	}
	/* In a file's own block only the statements inside it count. */
	what = sh->nbegin == 1 ? sh->notx_inblock : sh->notx;
	if (what != NULL) {
		s->mode = STEP_NOTX;
		s->why = xasprintf("%s at line %u cannot run in a transaction",
		    what, sh->nbegin == 1 ? sh->notx_inblock_line :
		    sh->notx_line);
		return;
	}
	if (sh->nbegin == 1) {
		s->mode = STEP_WRAPPED;
		s->tx_begin = sh->begin;
		s->tx_commit = sh->commit;
		s->tx_begin_line = sh->begin_line;
		s->tx_begin_col = sh->begin_col;
		s->why = xasprintf("own BEGIN at line %u, COMMIT at line %u",
		    sh->begin_line, sh->commit_line);
		return;
	}
	s->mode = STEP_TX;
}

enum stepmode
plan_mode_of(const struct sqlstmt *v, size_t n, unsigned dirs, int txmode)
{
	struct planopts o;
	struct shape sh;
	struct step s;
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&sh, 0, sizeof(sh));
	memset(&s, 0, sizeof(s));
	o.txmode = txmode;
	s.first_risky = SIZE_MAX;
	for (i = 0; i < n; i++)
		shape_add(&sh, &s, &v[i], i);
	classify(&s, &o, &sh, dirs);
	free(s.why);
	return s.mode;
}

int
plan_load_step(struct plan *p, struct step *s, const struct planopts *o,
    struct buf *err)
{
	const struct ruledef *r;
	struct shape sh;
	unsigned dirs = 0;
	size_t i;

	memset(&sh, 0, sizeof(sh));
	s->nstmts = 0;
	s->first_risky = SIZE_MAX;
	if (scan_file(s, o->dialect, &sh, &dirs, err) == -1) {
		free(sh.begin_opts);
		return -1;
	}
	if (sh.bad[0] == '\0' && sh.inblock) {
		snprintf(sh.bad, sizeof(sh.bad), "BEGIN with no COMMIT after"
		    " it");
		sh.bad_line = sh.begin_line;
		sh.bad_col = sh.begin_col;
	}
	if (sh.bad[0] != '\0') {
		buf_addf(err, "%s:%u:%u: %s; a file holds one BEGIN ... COMMIT"
		    " block, or several that each end, or none", s->path,
		    sh.bad_line, sh.bad_col, sh.bad);
		free(sh.begin_opts);
		return -1;
	}
	classify(s, o, &sh, dirs);
	free(s->tx_opts);
	s->tx_opts = NULL;
	if (s->mode == STEP_WRAPPED)
		s->tx_opts = sh.begin_opts;
	else
		free(sh.begin_opts);
	/*
	 * What runs in a transaction is checked whole before it commits,
	 * against the checksum; the marks are for statements that run
	 * outside one.
	 */
	if (s->mode == STEP_TX || (s->mode == STEP_WRAPPED &&
	    s->tx_begin == 0 && s->tx_commit + 1 == s->nstmts))
		sqlfile_marks_release(&s->marks);
	if (s->mode == STEP_TX)
		return 0;
	if (s->mode == STEP_NOTX && !s->partial)
		strlist_addf(&p->notices, "%s runs without a transaction: %s",
		    s->path, s->why);
	if (s->mode != STEP_NOTX)
		return 0;
	/* The statement that classify() names, if one does. */
	r = &rules[R_NOTX_DIRECTIVE];
	if (sh.nbegin == 1) {
		sh.notx = sh.notx_inblock;
		sh.notx_line = sh.notx_inblock_line;
		sh.notx_col = sh.notx_inblock_col;
		sh.notx_ignore = sh.notx_inblock_ignore;
	}
	if (!s->partial && !(dirs & SQLDIR_NOTX) && sh.notx != NULL &&
	    !((o->lint_ignore | sh.notx_ignore) & RULE_BIT(R_NOTX_DIRECTIVE)))
		strlist_addf(&p->warnings, "%s:%u:%u: %s: %s; %s", s->path,
		    sh.notx_line, sh.notx_col, r->id, r->reason, r->fix);
	if (o->lint_ignore & RULE_BIT(R_NOTX_RETRY))
		return 0;
	r = &rules[R_NOTX_RETRY];
	for (i = 0; i < sh.nrisky && i < RISKY_SHOWN; i++)
		strlist_addf(&p->warnings, "%s:%u:%u: %s: %s; %s", s->path,
		    sh.risky_line[i], sh.risky_col[i], r->id, r->reason,
		    r->fix);
	if (sh.nrisky > RISKY_SHOWN)
		strlist_addf(&p->warnings, "%s: %s: and %zu more statements"
		    " not safe to run again", s->path, r->id,
		    sh.nrisky - RISKY_SHOWN);
	return 0;
}

static int
batch_check(const struct step *s, struct buf *err)
{
	if (s->mode == STEP_TX)
		return 0;
	if (s->mode == STEP_WRAPPED && s->tx_opts != NULL) {
		buf_addf(err, "%s:%u:%u: the options of its BEGIN ('%s') cannot"
		    " apply to a per-batch transaction; use --transaction"
		    " per-migration", s->path, s->tx_begin_line,
		    s->tx_begin_col, s->tx_opts);
		return -1;
	}
	if (s->mode == STEP_WRAPPED && s->tx_begin == 0 &&
	    s->tx_commit + 1 == s->nstmts)
		return 0;
	buf_addf(err, "%s cannot run in a per-batch transaction (%s);"
	    " use --transaction per-migration", s->path,
	    s->mode == STEP_WRAPPED ? "it has statements outside its own"
	    " BEGIN ... COMMIT block" : s->why);
	return -1;
}

/* Loads every step; in a batch, each must fit in one transaction. */
static int
load_all(struct plan *p, const struct planopts *o, struct buf *err)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (plan_load_step(p, &p->v[i], o, err) == -1)
			return -1;
		if (p->batch && batch_check(&p->v[i], err) == -1)
			return -1;
	}
	return 0;
}

int
plan_up(struct plan *p, struct migset *set, const struct trackrows *rows,
    const struct planopts *o, struct buf *err, enum planerr *kind)
{
	struct buf late = BUF_INIT, changed = BUF_INIT, part = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];
	const char *max = NULL;
	struct migration *m;
	struct trackrow *r;
	struct step *s;
	size_t i, nlate = 0, npartial = 0;
	int rc = -1;

	p->batch = o->txmode == TXMODE_PER_BATCH;
	*kind = PLANERR_FILE;
	if (o->to != NULL && migfile_find(set, o->to) == NULL &&
	    track_find(rows, o->to) == NULL) {
		buf_addf(err, "--to %s: no migration has this version", o->to);
		goto done;
	}
	/* Applied files must be unchanged; partial ones resume. */
	for (i = 0; i < rows->n; i++) {
		r = &rows->v[i];
		if (max == NULL || migfile_vercmp(r->version, max) > 0)
			max = r->version;
		npartial += r->partial;
		m = migfile_find(set, r->version);
		if (m == NULL || m->up == NULL) {
			strlist_addf(&p->warnings, "version %s (%s) is applied"
			    " but its file is missing from '%s'", r->version,
			    r->name, set->dir);
			continue;
		}
		if (sqlfile_checksum(m->up, sum, err) == -1)
			goto done;
		if (strcmp(sum, r->checksum) != 0 && r->partial) {
			buf_addf(&part, "\n    %s (%ld statement%s ran at %s):"
			    " restore it to resume it, or undo by hand what"
			    " ran and run 'msr repair --forget %s --force'",
			    m->up, r->done, r->done == 1 ? "" : "s",
			    r->applied_at, r->version);
			continue;
		}
		if (strcmp(sum, r->checksum) != 0) {
			buf_addf(&changed, "\n    %s (applied at %s)", m->up,
			    r->applied_at);
			continue;
		}
		if (r->partial) {
			s = plan_add(p, m, MIGDIR_UP);
			s->partial = 1;
			s->resume = r->done;
		}
	}
	if (changed.len > 0) {
		*kind = PLANERR_STATE;
		buf_addf(err, "checksum mismatch: these files changed after"
		    " they were applied:%s\n"
		    "restore them, or run 'msr repair' to accept the"
		    " changes", changed.s);
		if (npartial > 0)
			buf_addf(err, ", which also records %s partial"
			    " as applied", npartial == 1 ? "the migration that"
			    " is" : "the migrations that are");
	}
	if (part.len > 0) {
		*kind = PLANERR_STATE;
		buf_addf(err, "%schecksum mismatch: these files changed after"
		    " they partly ran:%s", err->len > 0 ? "\n" : "", part.s);
	}
	if (err->len > 0)
		goto done;
	for (i = 0; i < set->n; i++) {
		m = &set->v[i];
		if (track_find(rows, m->version) != NULL)
			continue;
		if (o->to != NULL && migfile_vercmp(m->version, o->to) > 0)
			break;
		if (max != NULL && migfile_vercmp(m->version, max) < 0) {
			nlate++;
			buf_addf(&late, "\n    %s", m->up);
		}
		plan_add(p, m, MIGDIR_UP);
	}
	if (nlate > 0 && !o->out_of_order) {
		*kind = PLANERR_STATE;
		buf_addf(err, "%zu pending %s older than the newest applied"
		    " version %s:%s\n"
		    "apply them with --out-of-order (or out_of_order = true),"
		    " or give them newer versions", nlate,
		    nlate == 1 ? "migration is" : "migrations are", max,
		    late.s);
		goto done;
	}
	rc = load_all(p, o, err);
done:
	buf_release(&late);
	buf_release(&changed);
	buf_release(&part);
	return rc;
}

int
plan_down(struct plan *p, struct migset *set, const struct trackrows *rows,
    const struct planopts *o, struct buf *err, enum planerr *kind)
{
	struct buf nodown = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];
	struct migration *m;
	struct trackrow *r;
	size_t i, taken = 0;
	int rc = -1;

	p->batch = o->txmode == TXMODE_PER_BATCH;
	*kind = PLANERR_FILE;
	for (i = rows->n; i-- > 0;) {
		r = &rows->v[i];
		if (o->steps > 0 && taken == (size_t)o->steps)
			break;
		if (o->down_to != NULL &&
		    migfile_vercmp(r->version, o->down_to) <= 0)
			continue;
		taken++;
		m = migfile_find(set, r->version);
		if (r->partial) {
			*kind = PLANERR_STATE;
			buf_addf(err, "version %s (%s) is partially applied"
			    " and cannot be rolled back: ", r->version,
			    r->name);
			if (m == NULL || m->up == NULL ||
			    sqlfile_checksum(m->up, sum, &nodown) == -1 ||
			    strcmp(sum, r->checksum) != 0)
				buf_addf(err, "its up file is %s; undo by hand"
				    " what ran and run 'msr repair --forget %s"
				    " --force'", m == NULL || m->up == NULL ?
				    "missing" : "not the one that ran",
				    r->version);
			else
				buf_addf(err, "finish it with 'msr migrate"
				    " --to %s' first, or undo by hand what ran"
				    " and run 'msr repair --forget %s'",
				    r->version, r->version);
			goto done;
		}
		if (m == NULL || m->down == NULL) {
			if (m == NULL)
				buf_addf(&nodown, "\n    version %s (%s): no"
				    " files in '%s'", r->version, r->name,
				    set->dir);
			else
				buf_addf(&nodown, "\n    %s: no down file",
				    m->up);
			continue;
		}
		plan_add(p, m, MIGDIR_DOWN);
	}
	if (nodown.len > 0) {
		buf_addf(err, "cannot roll back; nothing was changed:%s",
		    nodown.s);
		goto done;
	}
	rc = load_all(p, o, err);
done:
	buf_release(&nodown);
	return rc;
}
