/*
 * The commands that change only the tracking table: repair, which
 * accepts the current files after an operator fixed things by hand, or
 * with --forget deletes a partial row whose changes were undone, and
 * baseline, which records migrations as applied without running them.
 * Each runs in one transaction and writes audit rows.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "apply.h"
#include "cmd.h"
#include "effect.h"
#include "log.h"
#include "msr.h"
#include "sqlfile.h"
#include "xmalloc.h"

/* Statements read at a time by repair --forget. */
#define FORGET_BATCH	256

/* What repair --forget learns of the statements of a partial migration. */
struct forget {
	struct msr	*m;
	const char	*path;		/* printable */
	struct effects	 seen;		/* the first effect on each object */
	struct buf	 remain;	/* a line for each that remains */
	size_t		 nremain;
	size_t		 nunchecked;
};

/* Whether two effects are on the same object, as the database names it. */
static int
same_object(const struct forget *fg, const struct effect *a,
    const struct effect *b)
{
	int (*cmp)(const char *, const char *);

	cmp = fg->m->drv->dialect == SQLDIALECT_SQLITE ? strcasecmp : strcmp;
	if (a->obj != b->obj || cmp(a->name, b->name) != 0)
		return 0;
	if ((a->schema == NULL) != (b->schema == NULL) ||
	    (a->schema != NULL && cmp(a->schema, b->schema) != 0))
		return 0;
	return a->obj != DBOBJ_COLUMN || cmp(a->column, b->column) == 0;
}

/*
 * The first statement of the migration that touched an object says how
 * it was before: there when that statement dropped it.  Takes e's names
 * when it is the first.
 */
static const struct effect *
first_effect(struct forget *fg, struct effect *e)
{
	struct effects *l = &fg->seen;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (same_object(fg, &l->v[i], e))
			return &l->v[i];
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n] = *e;
	e->schema = e->name = e->column = NULL;
	e->table_schema = e->table = NULL;
	return &l->v[l->n++];
}

/*
 * Prints "FILE:LINE: WHAT: STATE" for an effect of the statement at line:
 * undone when the object is as it was before the migration, still there
 * or still gone when it is not, not checked.  Returns -1 with err set
 * when the catalog cannot be read.
 */
static int
check_effect(struct forget *fg, unsigned line, struct effect *e,
    struct dberr *err)
{
	const struct driver *drv = fg->m->drv;
	struct buf b = BUF_INIT;
	const char *state = "not checked";
	int there, before;

	buf_addf(&b, "%s:%u: ", fg->path, line);
	effect_describe(&b, e);
	if (!e->checked || drv->object_exists == NULL)
		fg->nunchecked++;
	else {
		there = drv->object_exists(fg->m->conn, e->obj, e->schema,
		    e->name, e->column, err);
		if (there == -1) {
			buf_release(&b);
			return -1;
		}
		before = first_effect(fg, e)->drop;
		state = there == before ? "undone" : there ? "still there" :
		    "still gone";
		if (there != before) {
			buf_addf(&fg->remain, "%s%s: %s", fg->nremain > 0 ?
			    "\n" : "", b.s, state);
			fg->nremain++;
		}
	}
	printf("%s: %s\n", b.s, state);
	buf_release(&b);
	return 0;
}

/*
 * Lists the first done statements of the up file, whose checksum must
 * be sum, with what the catalog says of each; the statements among them
 * that set search_path run again first, so that names are found as the
 * migration's session found them (nothing else of theirs runs again: a
 * PRAGMA may write the file).  Returns an exit code.
 */
static int
list_ran(struct forget *fg, const char *up, long done, const char *sum)
{
	struct msr *m = fg->m;
	struct effects l = { NULL, 0, 0 };
	struct buf ferr = BUF_INIT;
	char got[SHA256_HEXLEN + 1];
	const struct sqlstmt *st;
	struct sqlfile f;
	struct dberr err;
	size_t i, k, max;
	int n, rc = MSR_OK;

	dberr_init(&err);
	if (sqlfile_open(&f, up, m->drv->dialect, 0, &ferr) == -1)
		goto file_error;
	while (f.count < (size_t)done) {
		max = (size_t)done - f.count;
		n = sqlfile_next(&f, max < FORGET_BATCH ? max : FORGET_BATCH,
		    &ferr);
		if (n <= 0)
			goto file_error;
		for (i = 0; i < (size_t)n; i++) {
			st = &f.v[i];
			if (effect_sets_path(f.text.s, st, m->drv->dialect) &&
			    m->drv->exec(m->conn, f.text.s, st, 1,
			    &err) == -1) {
				log_error("%s:%u:%u: cannot set up the session"
				    " again: %s", fg->path, st->line, st->col,
				    err.msg.s);
				rc = MSR_EFAILED;
				goto done;
			}
			effects_reset(&l);
			effect_read(&l, f.text.s, st, m->drv->dialect);
			for (k = 0; k < l.n; k++)
				if (check_effect(fg, st->line, &l.v[k],
				    &err) == -1) {
					log_error("cannot read the catalog: %s",
					    err.msg.s);
					rc = MSR_ECONNECT;
					goto done;
				}
		}
	}
	if (sqlfile_finish(&f, got, &ferr) == -1)
		goto file_error;
	if (strcmp(got, sum) != 0) {
		log_error("%s changed while msr read it", fg->path);
		rc = MSR_EUSAGE;
	}
	goto done;
file_error:
	if (ferr.len == 0)
		buf_addf(&ferr, "%s changed while msr read it", fg->path);
	log_error("%s", ferr.s);
	rc = MSR_EUSAGE;
done:
	if (m->drv->reset_session != NULL &&
	    m->drv->reset_session(m->conn, &err) == -1 && rc == MSR_OK) {
		log_error("cannot restore the session's settings: %s",
		    err.msg.s);
		rc = MSR_EFAILED;
	}
	sqlfile_close(&f);
	effects_release(&l);
	buf_release(&ferr);
	dberr_release(&err);
	return rc;
}

/* The refusal for a version that has no partial row; an exit code. */
static int
not_partial(struct msr *m, const char *arg, const struct trackrow *r,
    const struct migration *mig)
{
	size_t i, after = 0;

	if (r == NULL && mig == NULL) {
		log_error("repair --forget %s: no migration has this version",
		    arg);
		return MSR_EUSAGE;
	}
	if (r == NULL) {
		log_error("repair --forget %s: version %s (%s) has no row in"
		    " %s; nothing to forget", arg, mig->vtext, mig->name,
		    m->track.table);
		return MSR_ESTATE;
	}
	for (i = m->rows.n; i-- > 0 && &m->rows.v[i] != r;)
		after++;
	log_error("repair --forget %s: version %s (%s) is applied, not"
	    " partial; to undo it, roll it back with 'msr down --steps %zu'%s",
	    arg, r->version, r->name, after + 1, after == 0 ? "" : after == 1 ?
	    ", which rolls back the migration applied after it too" :
	    ", which rolls back the migrations applied after it too");
	return MSR_ESTATE;
}

/* repair --forget VERSION: deletes a partial row. */
static int
forget(struct msr *m)
{
	struct forget fg;
	struct buf ferr = BUF_INIT, path = BUF_INIT, msg = BUF_INIT;
	char v[MIGFILE_VERSION_MAX + 1], sum[SHA256_HEXLEN + 1];
	const struct migration *mig;
	const struct trackrow *r;
	const char *arg = m->o.forget;
	const char *why = NULL;
	struct dberr err;
	int rc;

	if (migfile_parse_version(arg, v) == -1) {
		bad_version("--forget", arg);
		return MSR_EUSAGE;
	}
	r = track_find(&m->rows, v);
	mig = migfile_find(&m->set, v);
	if (r == NULL || !r->partial)
		return not_partial(m, arg, r, mig);
	memset(&fg, 0, sizeof(fg));
	fg.m = m;
	buf_init(&fg.remain);
	dberr_init(&err);
	if (mig == NULL || mig->up == NULL)
		why = "its up file is missing";
	else {
		buf_add_printable(&path, mig->up, 0);
		if (sqlfile_checksum(mig->up, sum, &ferr) == -1) {
			log_error("%s", ferr.s);
			rc = MSR_EUSAGE;
			goto done;
		}
		if (strcmp(sum, r->checksum) != 0)
			why = "its up file changed since it partly ran";
	}
	if (why != NULL && !m->o.force) {
		log_error("version %s (%s): %s, so the %ld statement%s that ran"
		    " cannot be listed; undo by hand what ran, then forget it"
		    " with 'msr repair --forget %s --force'", r->version,
		    r->name, why, r->done, r->done == 1 ? "" : "s", arg);
		rc = MSR_ESTATE;
		goto done;
	}
	if (why != NULL)
		log_warn("version %s (%s): %s, so the %ld statement%s that ran"
		    " cannot be listed; forgetting it all the same (--force)",
		    r->version, r->name, why, r->done, r->done == 1 ? "" : "s");
	else {
		fg.path = path.s;
		if ((rc = list_ran(&fg, mig->up, r->done, sum)) != MSR_OK)
			goto done;
	}
	if (fg.nunchecked > 0)
		log_warn("%zu statement%s that ran %s not checked: verify by"
		    " hand that %s changes are undone", fg.nunchecked,
		    fg.nunchecked == 1 ? "" : "s", fg.nunchecked == 1 ? "is" :
		    "are", fg.nunchecked == 1 ? "its" : "their");
	if (fg.nremain > 0 && !m->o.force) {
		log_error("version %s (%s): what ran of it is still in the"
		    " database; nothing was changed:", r->version, r->name);
		log_more("%s", fg.remain.s);
		log_more("undo it by hand and run 'msr repair --forget %s'"
		    " again, or forget the row all the same with 'msr repair"
		    " --forget %s --force'", arg, arg);
		rc = MSR_ESTATE;
		goto done;
	}
	if (fg.nremain > 0)
		log_warn("forgetting version %s (%s) all the same (--force):"
		    " %zu of its changes remain", r->version, r->name,
		    fg.nremain);
	buf_addf(&msg, "partial after %ld statements, forgotten", r->done);
	if (m->o.force && (why != NULL || fg.nremain > 0))
		buf_adds(&msg, " with --force");
	if (m->o.dry_run) {
		printf("would forget version %s (%s), partial after %ld"
		    " statements\n", r->version, r->name, r->done);
		rc = MSR_OK;
		goto done;
	}
	if ((rc = cmd_begin(m, &err)) != MSR_OK)
		goto done;
	rc = track_delete(&m->track, r->version, &err) == -1 ||
	    track_audit(&m->track, "forget", r->version, r->name, "ok", msg.s,
	    0, &err) == -1;
	if ((rc = cmd_finish(m, rc, &err)) == MSR_OK)
		log_info("forgot version %s (%s); 'msr migrate' runs it from"
		    " its first statement", r->version, r->name);
done:
	effects_release(&fg.seen);
	buf_release(&fg.remain);
	buf_release(&ferr);
	buf_release(&path);
	buf_release(&msg);
	dberr_release(&err);
	return rc;
}

int
cmd_repair(struct msr *m)
{
	struct buf ferr = BUF_INIT, msg = BUF_INIT, out = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];
	const struct migration *mig;
	const struct trackrow *r;
	struct dberr err;
	size_t i, changed = 0;
	int failed = 0, rc;

	if (m->o.forget != NULL)
		return forget(m);
	if (m->rows.n == 0) {
		if (m->o.dry_run)
			printf("nothing to repair\n");
		else
			log_info("nothing to repair");
		return MSR_OK;
	}
	dberr_init(&err);
	if (!m->o.dry_run && (rc = cmd_begin(m, &err)) != MSR_OK)
		return rc;
	for (i = 0; i < m->rows.n && !failed && !apply_interrupted(); i++) {
		r = &m->rows.v[i];
		mig = migfile_find(&m->set, r->version);
		if (mig == NULL || mig->up == NULL) {
			log_warn("version %s (%s) is applied but its file is"
			    " missing; left as it is", r->version, r->name);
			continue;
		}
		buf_reset(&ferr);
		if (sqlfile_checksum(mig->up, sum, &ferr) == -1) {
			log_error("%s", ferr.s);
			failed = 1;
			break;
		}
		if (!r->partial && strcmp(sum, r->checksum) == 0)
			continue;
		buf_reset(&msg);
		if (r->partial)
			buf_addf(&msg, "partial after %ld statements, now"
			    " applied", r->done);
		if (strcmp(sum, r->checksum) != 0)
			buf_addf(&msg, "%schecksum %.12s... accepted in place"
			    " of %.12s...", msg.len > 0 ? "; " : "", sum,
			    r->checksum);
		buf_addf(&out, "%s: %s\n", mig->up, msg.s);
		changed++;
		if (m->o.dry_run)
			continue;
		if (track_accept(&m->track, r->version, sum, &err) == -1 ||
		    track_audit(&m->track, "repair", r->version, r->name,
		    "ok", msg.s, 0, &err) == -1)
			failed = 1;
	}
	/* The list says what changed: nothing when the write failed. */
	if (m->o.dry_run) {
		rc = failed ? MSR_EUSAGE : MSR_OK;
		fputs(changed == 0 ? "nothing to repair\n" : out.s, stdout);
	} else {
		rc = cmd_finish(m, failed, &err);
		if (rc == MSR_OK) {
			fputs(out.s, stdout);
			log_info("repaired %zu migration%s", changed,
			    changed == 1 ? "" : "s");
		}
	}
	buf_release(&ferr);
	buf_release(&msg);
	buf_release(&out);
	dberr_release(&err);
	return rc;
}

int
cmd_baseline(struct msr *m)
{
	struct buf out = BUF_INIT;
	char to[MIGFILE_VERSION_MAX + 1];
	const struct migration *mig;
	struct dberr err;
	size_t i, n = 0;
	int failed = 0, rc;

	if (m->argc != 1 || migfile_parse_version(m->argv[0], to) == -1) {
		log_error("%s", m->argc != 1 ? "baseline needs a VERSION" :
		    "invalid version: expected 1 to 32 digits");
		fprintf(stderr, "usage: msr baseline VERSION [--dry-run]\n");
		return MSR_EUSAGE;
	}
	if (migfile_find(&m->set, to) == NULL) {
		log_error("baseline %s: no migration has this version",
		    m->argv[0]);
		return MSR_EUSAGE;
	}
	if (!m->o.dry_run && (rc = cmd_ensure_tables(m)) != MSR_OK)
		return rc;
	dberr_init(&err);
	if (!m->o.dry_run && (rc = cmd_begin(m, &err)) != MSR_OK)
		return rc;
	for (i = 0; i < m->set.n && !failed && !apply_interrupted(); i++) {
		mig = &m->set.v[i];
		if (migfile_vercmp(mig->version, to) > 0)
			break;
		if (mig->up == NULL || track_find(&m->rows, mig->version))
			continue;
		if (cmd_record_unrun(m, mig, TRACK_ORIGIN_BASELINE, NULL,
		    "baseline", "recorded without running", &out, &err) == -1)
			failed = 1;
		n++;
	}
	if (m->o.dry_run) {
		rc = failed ? MSR_EUSAGE : MSR_OK;
		fputs(out.s, stdout);
	} else if ((rc = cmd_finish(m, failed, &err)) == MSR_OK) {
		fputs(out.s, stdout);
		log_info("recorded %zu migration%s as applied without running"
		    " them", n, n == 1 ? "" : "s");
	}
	buf_release(&out);
	dberr_release(&err);
	return rc;
}
