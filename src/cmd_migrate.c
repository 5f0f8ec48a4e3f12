/*
 * The commands that change the schema: migrate (up), down (rollback) and
 * redo.  Each plans first, prints the plan with --dry-run, and otherwise
 * hands it to apply.c.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "plan.h"
#include "xmalloc.h"

static void
planopts_init(struct msr *m, struct planopts *o)
{
	memset(o, 0, sizeof(*o));
	o->dialect = m->drv->dialect;
	o->txmode = m->cfg.txmode;
	o->out_of_order = m->cfg.out_of_order;
	o->lint_ignore = m->cfg.lint_ignore_set;
}

static void
show_notes(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->notices.n; i++)
		log_notice("%s", p->notices.v[i]);
	for (i = 0; i < p->warnings.n; i++)
		log_warn("%s", p->warnings.v[i]);
}

static int
plan_failed(const struct buf *err, enum planerr kind)
{
	log_error("%s", err->s);
	return kind == PLANERR_STATE ? MSR_ESTATE : MSR_EUSAGE;
}

/* The summary of a run; step is redo's "down" or "up", else NULL. */
static void
summary(struct msr *m, const struct applier *a, size_t planned,
    const char *verb, const char *step, int rc)
{
	const char *v;
	char n[24], ms[24];

	if (a->lost) {
		log_info("%s %d of %zu migration%s before the connection was"
		    " lost", verb, a->applied, planned, planned == 1 ? "" :
		    "s");
		return;
	}
	if (cmd_reload(m) == -1)
		return;
	v = cmd_current_version(m);
	if (rc == MSR_OK)
		log_info("%s %d migration%s in %lld ms; the database is at"
		    " version %s", verb, a->applied, a->applied == 1 ? "" :
		    "s", a->total_ms, v != NULL ? v : "none");
	else
		log_info("%s %d of %zu migration%s; the database is at"
		    " version %s", verb, a->applied, planned, planned == 1 ?
		    "" : "s", v != NULL ? v : "none");
	snprintf(n, sizeof(n), "%d", a->applied);
	snprintf(ms, sizeof(ms), "%lld", a->total_ms);
	if (step != NULL)
		log_event(m->track.run_id, "summary", "step", step, "#ok",
		    rc == MSR_OK ? "true" : "false", "#done", n,
		    "#duration_ms", ms, "version", v, "database",
		    m->url_masked, NULL);
	else
		log_event(m->track.run_id, "summary", "#ok", rc == MSR_OK ?
		    "true" : "false", "#done", n, "#duration_ms", ms,
		    "version", v, "database", m->url_masked, NULL);
}

static int
execute(struct msr *m, struct plan *p, const char *verb, const char *step)
{
	struct applier a;
	long long t0;
	int rc;

	if ((rc = cmd_keep_start(m)) != MSR_OK)
		return rc;
	/* A batch creates the tables in its own transaction. */
	if (!p->batch && (rc = cmd_ensure_tables(m)) != MSR_OK)
		return rc;
	memset(&a, 0, sizeof(a));
	a.drv = m->drv;
	a.conn = m->conn;
	a.track = &m->track;
	a.cfg = &m->cfg;
	a.create = !m->has_table;
	t0 = driver_clock_ms();
	rc = apply_plan(&a, p);
	a.total_ms = driver_clock_ms() - t0;
	if (a.created)
		m->has_table = 1;
	summary(m, &a, p->n, verb, step, rc);
	return rc;
}

/*
 * What follows planning, for migrate and down: the notes, then the plan
 * printed (--dry-run), or nothing to do, or the plan executed.  planned
 * is what plan_up() or plan_down() returned.
 */
static int
run_plan(struct msr *m, struct plan *p, int planned, const struct buf *err,
    enum planerr kind, const char *verb)
{
	const char *v;
	int rc;

	show_notes(p);
	if (planned == -1)
		return plan_failed(err, kind);
	if (m->o.dry_run) {
		apply_print_plan(p, m->o.json);
		return MSR_OK;
	}
	if (p->n > 0)
		return execute(m, p, verb, NULL);
	if ((rc = cmd_keep_start(m)) != MSR_OK)
		return rc;
	v = cmd_current_version(m);
	log_info("nothing to do; the database is at version %s",
	    v != NULL ? v : "none");
	log_event(m->track.run_id, "summary", "#ok", "true", "#done", "0", "version", v,
	    "database", m->url_masked, NULL);
	return MSR_OK;
}

int
cmd_migrate(struct msr *m)
{
	struct planopts o;
	struct plan p;
	struct buf err = BUF_INIT;
	char to[MIGFILE_VERSION_MAX + 1];
	enum planerr kind;
	int rc;

	planopts_init(m, &o);
	if (m->o.to != NULL) {
		if (migfile_parse_version(m->o.to, to) == -1) {
			bad_version("--to", m->o.to);
			return MSR_EUSAGE;
		}
		o.to = to;
	}
	plan_init(&p);
	rc = plan_up(&p, &m->set, &m->rows, &o, &err, &kind);
	rc = run_plan(m, &p, rc, &err, kind, "applied");
	plan_release(&p);
	buf_release(&err);
	return rc;
}

/*
 * The one rule for confirmations: at a terminal (standard input and
 * standard error), without --json, --dry-run or --yes, a down of more
 * than one migration shows the list and asks; anything but "y" cancels.
 * Elsewhere, scripts and deploy hooks, it goes on.  Whether to go on.
 */
static int
confirmed(const struct msr *m, const struct plan *p)
{
	char answer[16];
	size_t i;

	if (p->n < 2 || m->o.yes || m->o.json || m->o.dry_run ||
	    !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 1;
	fprintf(stderr, "msr: down would roll back %zu migrations, newest"
	    " first:\n", p->n);
	for (i = 0; i < p->n; i++)
		fprintf(stderr, "    %s_%s\n", p->v[i].m->vtext,
		    p->v[i].m->name);
	fprintf(stderr, "roll them back? [y/N] ");
	fflush(stderr);
	if (fgets(answer, sizeof(answer), stdin) != NULL &&
	    strcmp(answer, "y\n") == 0)
		return 1;
	log_info("cancelled: nothing was rolled back");
	return 0;
}

int
cmd_down(struct msr *m)
{
	struct planopts o;
	struct plan p;
	struct buf err = BUF_INIT;
	char to[MIGFILE_VERSION_MAX + 1];
	enum planerr kind;
	int rc, given;

	planopts_init(m, &o);
	given = (m->argc > 0) + (m->o.steps > 0) + m->o.all;
	if (given != 1) {
		log_error("%s", given == 0 ? "down needs a VERSION, --steps N"
		    " or --all" : "give only one of VERSION, --steps N and"
		    " --all");
		fprintf(stderr, "usage: msr down VERSION | --steps N | --all"
		    " [--dry-run] [--yes]\n");
		return MSR_EUSAGE;
	}
	if (m->argc > 0) {
		if (migfile_parse_version(m->argv[0], to) == -1) {
			bad_version("version", m->argv[0]);
			return MSR_EUSAGE;
		}
		if (strcmp(to, "0") != 0 && migfile_find(&m->set, to) ==
		    NULL && track_find(&m->rows, to) == NULL) {
			log_error("down %s: no migration has this version; give"
			    " one that exists, or 0 to roll back all",
			    m->argv[0]);
			return MSR_EUSAGE;
		}
		o.down_to = to;
		if (strcmp(to, "0") == 0 && migfile_find(&m->set, "0") != NULL)
			log_warn("'down %s' rolls back what is above version 0"
			    " and keeps version 0 itself; 'down --all' rolls"
			    " back version 0 too", m->argv[0]);
	}
	o.steps = m->o.steps;
	o.all = m->o.all;
	plan_init(&p);
	rc = plan_down(&p, &m->set, &m->rows, &o, &err, &kind);
	if (rc == 0 && !confirmed(m, &p)) {
		plan_release(&p);
		buf_release(&err);
		return MSR_EUSAGE;
	}
	rc = run_plan(m, &p, rc, &err, kind, "rolled back");
	plan_release(&p);
	buf_release(&err);
	return rc;
}

int
cmd_redo(struct msr *m)
{
	struct planopts o;
	struct plan down, up;
	struct buf err = BUF_INIT;
	struct migration *mig;
	enum planerr kind;
	int rc;

	planopts_init(m, &o);
	o.steps = 1;
	plan_init(&down);
	plan_init(&up);
	if (plan_down(&down, &m->set, &m->rows, &o, &err, &kind) == -1) {
		rc = plan_failed(&err, kind);
		goto done;
	}
	if (down.n == 0) {
		log_error("nothing to redo: no migration is applied");
		rc = MSR_ESTATE;
		goto done;
	}
	mig = down.v[0].m;
	if (mig->up == NULL) {
		log_error("cannot redo version %s: its up file is missing",
		    mig->vtext);
		rc = MSR_EUSAGE;
		goto done;
	}
	o.steps = 0;
	plan_add(&up, mig, MIGDIR_UP);
	if (plan_load_step(&up, &up.v[0], &o, &err) == -1) {
		rc = plan_failed(&err, PLANERR_FILE);
		goto done;
	}
	show_notes(&down);
	show_notes(&up);
	if (m->o.dry_run) {
		apply_print_plan(&down, m->o.json);
		apply_print_plan(&up, m->o.json);
		rc = MSR_OK;
		goto done;
	}
	if ((rc = execute(m, &down, "rolled back", "down")) == MSR_OK)
		rc = execute(m, &up, "applied", "up");
done:
	plan_release(&down);
	plan_release(&up);
	buf_release(&err);
	return rc;
}
