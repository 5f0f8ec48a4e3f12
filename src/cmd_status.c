/*
 * The commands that read: status (list), version and check.  They share
 * one view of every migration: its file, its tracking row and its state.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "sqlfile.h"
#include "xmalloc.h"

enum mstate {
	ST_APPLIED,
	ST_PENDING,
	ST_OUTOFORDER,	/* pending, older than the newest applied */
	ST_PARTIAL,
	ST_MODIFIED,	/* applied, file changed since */
	ST_MISSING	/* applied, file gone */
};

static const char *const state_names[] = {
	"applied", "pending", "out-of-order", "partial", "modified", "missing"
};

struct entry {
	const char		*version;	/* canonical */
	const char		*vtext;
	const char		*name;
	enum mstate		 state;
	int			 changed;	/* checksum differs */
	const struct migration	*m;
	const struct trackrow	*r;
};

struct view {
	struct entry	*v;
	size_t		 n;
	const char	*max;		/* newest applied version */
};

static int
row_cmp(const void *a, const void *b)
{
	const struct trackrow *const *ra = a, *const *rb = b;

	return migfile_vercmp((*ra)->version, (*rb)->version);
}

/* Merges files and rows, both in version order, into entries. */
static int
view_build(struct msr *m, struct view *w)
{
	const struct trackrow **rows;
	struct buf err = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];
	size_t i = 0, j = 0, k;
	struct entry *e;
	int c, rc = 0;

	memset(w, 0, sizeof(*w));
	rows = xcalloc(m->rows.n + 1, sizeof(*rows));
	for (k = 0; k < m->rows.n; k++) {
		rows[k] = &m->rows.v[k];
		if (w->max == NULL ||
		    migfile_vercmp(rows[k]->version, w->max) > 0)
			w->max = rows[k]->version;
	}
	if (m->rows.n > 1)
		qsort(rows, m->rows.n, sizeof(*rows), row_cmp);
	w->v = xcalloc(m->set.n + m->rows.n + 1, sizeof(*w->v));
	while (i < m->set.n || j < m->rows.n) {
		e = &w->v[w->n++];
		if (i == m->set.n)
			c = 1;
		else if (j == m->rows.n)
			c = -1;
		else
			c = migfile_vercmp(m->set.v[i].version,
			    rows[j]->version);
		if (c <= 0) {
			e->m = &m->set.v[i++];
			e->version = e->m->version;
			e->vtext = e->m->vtext;
			e->name = e->m->name;
		}
		if (c >= 0) {
			e->r = rows[j++];
			if (e->m == NULL) {
				e->version = e->r->version;
				e->vtext = e->r->version;
				e->name = e->r->name;
			}
		}
		if (e->r == NULL) {
			e->state = w->max != NULL &&
			    migfile_vercmp(e->version, w->max) < 0 ?
			    ST_OUTOFORDER : ST_PENDING;
			continue;
		}
		if (e->m == NULL || e->m->up == NULL) {
			e->state = ST_MISSING;
			continue;
		}
		buf_reset(&err);
		if (sqlfile_checksum(e->m->up, sum, &err) == -1) {
			log_error("%s", err.s);
			rc = -1;
			break;
		}
		e->changed = strcmp(sum, e->r->checksum) != 0;
		if (e->r->partial)
			e->state = ST_PARTIAL;
		else
			e->state = e->changed ? ST_MODIFIED : ST_APPLIED;
	}
	free(rows);
	buf_release(&err);
	return rc;
}

/* The origin of a row; NULL, in rows of 0.1, means msr. */
static const char *
origin(const struct trackrow *r)
{
	return r->origin != NULL ? r->origin : TRACK_ORIGIN_MSR;
}

/* The first members of the status and version documents. */
static void
json_head(struct buf *b, const struct msr *m, const char *v)
{
	buf_adds(b, "{\"database\":");
	log_json_str(b, m->url_masked);
	buf_adds(b, ",\"version\":");
	if (v != NULL)
		log_json_str(b, v);
	else
		buf_adds(b, "null");
}

static void
print_json(struct msr *m, const struct view *w, const char *holder)
{
	struct buf b = BUF_INIT;
	const struct entry *e;
	const char *v = cmd_current_version(m);
	size_t i;

	json_head(&b, m, v);
	buf_adds(&b, ",\"migrations\":[");
	for (i = 0; i < w->n; i++) {
		e = &w->v[i];
		buf_adds(&b, i > 0 ? ",{" : "{");
		buf_adds(&b, "\"version\":");
		log_json_str(&b, e->vtext);
		buf_adds(&b, ",\"name\":");
		log_json_str(&b, e->name);
		buf_adds(&b, ",\"state\":");
		log_json_str(&b, state_names[e->state]);
		buf_adds(&b, ",\"file\":");
		if (e->m != NULL && e->m->up != NULL)
			log_json_str(&b, e->m->up);
		else
			buf_adds(&b, "null");
		buf_addf(&b, ",\"down_file\":%s", e->m != NULL &&
		    e->m->down != NULL ? "true" : "false");
		if (e->r != NULL) {
			buf_adds(&b, ",\"applied_at\":");
			log_json_str(&b, e->r->applied_at);
			buf_addf(&b, ",\"execution_ms\":%lld",
			    e->r->execution_ms);
			buf_adds(&b, ",\"checksum\":");
			log_json_str(&b, e->r->checksum);
			buf_addf(&b, ",\"checksum_ok\":%s", e->changed ||
			    e->state == ST_MISSING ? "false" : "true");
			buf_adds(&b, ",\"origin\":");
			log_json_str(&b, origin(e->r));
			if (e->r->partial)
				buf_addf(&b, ",\"statements_done\":%ld",
				    e->r->done);
		}
		buf_addch(&b, '}');
	}
	buf_adds(&b, "],\"lock\":");
	if (holder != NULL)
		log_json_str(&b, holder);
	else
		buf_adds(&b, "null");
	buf_adds(&b, "}\n");
	fwrite(b.s, 1, b.len, stdout);
	buf_release(&b);
}

static void
print_table(const struct view *w)
{
	const struct entry *e;
	struct buf *names, o = BUF_INIT;
	size_t i, vw = 7, nw = 4, n;

	/* Names as a terminal shows them, control characters as \xNN. */
	names = xcalloc(w->n + 1, sizeof(*names));
	for (i = 0; i < w->n; i++) {
		buf_add_printable(&names[i], w->v[i].name, 0);
		if ((n = strlen(w->v[i].vtext)) > vw)
			vw = n;
		if (names[i].len > nw)
			nw = names[i].len;
	}
	printf("%-*s  %-*s  %-12s  %s\n", (int)vw, "VERSION", (int)nw,
	    "NAME", "STATE", "APPLIED");
	for (i = 0; i < w->n; i++) {
		e = &w->v[i];
		printf("%-*s  %-*s  %-12s", (int)vw, e->vtext, (int)nw,
		    names[i].s, state_names[e->state]);
		if (e->r != NULL && strcmp(origin(e->r),
		    TRACK_ORIGIN_MSR) != 0) {
			buf_reset(&o);
			buf_add_printable(&o, origin(e->r), 0);
			printf("  %s (%s%s)", e->r->applied_at,
			    strncmp(o.s, "adopted:", 8) == 0 ?
			    "adopted from " : "", strncmp(o.s, "adopted:",
			    8) == 0 ? o.s + 8 : o.s);
		} else if (e->r != NULL) {
			printf("  %s (%lld ms)", e->r->applied_at,
			    e->r->execution_ms);
			if (e->r->partial)
				printf(", %ld statement%s done%s", e->r->done,
				    e->r->done == 1 ? "" : "s",
				    e->changed ? ", file changed" : "");
		}
		putchar('\n');
	}
	for (i = 0; i < w->n; i++)
		buf_release(&names[i]);
	free(names);
	buf_release(&o);
}

/*
 * Whether a run holds the migration lock, said on standard error: what
 * it runs shows as pending until it commits.  The holder, or NULL.
 */
static int
lock_note(struct msr *m, struct buf *holder)
{
	struct dberr err;
	int got;

	dberr_init(&err);
	if ((got = cmd_lock_holder(m, holder, &err)) == -1)
		log_warn("cannot read the migration lock: %s", err.msg.s);
	else if (got == 1)
		log_notice("a run holds the migration lock, held by %s;"
		    " what it runs shows as pending until it commits",
		    holder->s);
	dberr_release(&err);
	return got == 1;
}

int
cmd_status(struct msr *m)
{
	struct buf holder = BUF_INIT;
	struct view w;
	int held, rc = MSR_OK;

	if (view_build(m, &w) == -1)
		rc = MSR_EUSAGE;
	else {
		held = lock_note(m, &holder);
		if (m->o.json)
			print_json(m, &w, held ? holder.s : NULL);
		else
			print_table(&w);
	}
	free(w.v);
	buf_release(&holder);
	return rc;
}

/* --expect-at-least: the newest is WANT or newer, and nothing is partial. */
static int
at_least(struct msr *m, const char *want)
{
	const struct migration *mig;
	const char *canon = cmd_newest(m), *v = cmd_current_version(m);
	size_t i, partial = 0;

	for (i = 0; i < m->rows.n; i++) {
		if (!m->rows.v[i].partial)
			continue;
		mig = migfile_find(&m->set, m->rows.v[i].version);
		log_error("migration %s %s is partial after %ld statement%s;"
		    " see 'msr status'", mig != NULL ? mig->vtext :
		    m->rows.v[i].version, m->rows.v[i].name,
		    m->rows.v[i].done, m->rows.v[i].done == 1 ? "" : "s");
		partial++;
	}
	if (canon != NULL && migfile_vercmp(canon, want) >= 0 &&
	    partial == 0)
		return MSR_OK;
	log_error("the database is at version %s%s, expected %s or newer",
	    v != NULL ? v : "none", partial > 0 ? " with a partial"
	    " migration" : "", m->o.at_least);
	return MSR_ESTATE;
}

int
cmd_version(struct msr *m)
{
	char want[MIGFILE_VERSION_MAX + 1];
	const char *v = cmd_current_version(m);
	const char *canon = cmd_newest(m);

	if (m->o.expect != NULL && strcmp(m->o.expect, "none") != 0 &&
	    migfile_parse_version(m->o.expect, want) == -1) {
		bad_version("--expect", m->o.expect);
		return MSR_EUSAGE;
	}
	if (m->o.at_least != NULL &&
	    migfile_parse_version(m->o.at_least, want) == -1) {
		bad_version("--expect-at-least", m->o.at_least);
		return MSR_EUSAGE;
	}
	if (m->o.json) {
		struct buf b = BUF_INIT;

		json_head(&b, m, v);
		buf_adds(&b, "}\n");
		fputs(b.s, stdout);
		buf_release(&b);
	} else
		printf("%s\n", v != NULL ? v : "none");
	if (m->o.at_least != NULL)
		return at_least(m, want);
	if (m->o.expect == NULL)
		return MSR_OK;
	if (strcmp(m->o.expect, "none") == 0) {
		if (canon == NULL)
			return MSR_OK;
	} else if (canon != NULL && strcmp(canon, want) == 0)
		return MSR_OK;
	log_error("the database is at version %s, expected %s",
	    v != NULL ? v : "none", m->o.expect);
	return MSR_ESTATE;
}

int
cmd_check(struct msr *m)
{
	struct view w;
	const struct entry *e;
	const char *v;
	size_t i, bad = 0;

	if (view_build(m, &w) == -1) {
		free(w.v);
		return MSR_EUSAGE;
	}
	for (i = 0; i < w.n; i++) {
		e = &w.v[i];
		if (e->state == ST_APPLIED)
			continue;
		bad++;
		log_error("%s %s: %s%s", e->vtext, e->name,
		    state_names[e->state], e->state == ST_PARTIAL &&
		    e->changed ? ", file changed" : "");
	}
	free(w.v);
	v = cmd_current_version(m);
	if (bad > 0) {
		log_error("check failed: %zu migration%s not applied as"
		    " recorded; see 'msr status'", bad, bad == 1 ? "" : "s");
		return MSR_ESTATE;
	}
	log_info("ok: the database is at version %s, nothing pending",
	    v != NULL ? v : "none");
	return MSR_OK;
}
