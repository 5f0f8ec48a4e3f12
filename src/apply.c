/*
 * Executing a plan.  Each step runs the way the plan decided: in one
 * transaction with its tracking row, around the file's own BEGIN ...
 * COMMIT block, or statement by statement with progress recorded after
 * each statement, so that a failure leaves a 'partial' row that the next
 * run resumes.  A failure is reported with the file, line and column of
 * the statement, the database's message and an excerpt.
 */
#include "buildconf.h"

#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "config.h"
#include "driver.h"
#include "log.h"
#include "msr.h"
#include "plan.h"
#include "sqlfile.h"
#include "track.h"
#include "xmalloc.h"

/* Statements given to the database at a time, at most. */
#define EXEC_MAX	4096

/* The file running now, for the database's notices. */
static const char *notice_file;

/* arg is the run id. */
static void
on_notice(void *arg, const char *severity, const char *message)
{
	/* Notices about msr's own statements ("already exists, skipping")
	 * are not the user's business. */
	if (notice_file == NULL)
		return;
	if (strcmp(severity, "WARNING") == 0)
		log_warn("%s: %s", notice_file, message);
	else
		log_notice("%s: %s", notice_file, message);
	log_event(arg, "notice", "file", notice_file, "severity", severity,
	    "message", message, NULL);
}

static int lock_held;		/* apply_lock() took the lock */
static const struct driver *sig_drv;
static struct dbconn *sig_conn;
static volatile sig_atomic_t sig_got;

static void
on_signal(int sig)
{
	if (sig_got != 0)
		_exit(sig == SIGINT ? MSR_EINTR : MSR_ETERM);
	sig_got = sig;
	if (sig_drv != NULL && sig_drv->cancel != NULL && sig_conn != NULL)
		sig_drv->cancel(sig_conn);
}

void
apply_signals(const struct driver *drv, struct dbconn *conn,
    const char *run_id)
{
	struct sigaction sa;

	sig_drv = drv;
	sig_conn = conn;
	if (drv->set_notice != NULL)
		drv->set_notice(conn, on_notice, (void *)(uintptr_t)run_id);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * A reader of the output that goes away must not end a run in the
	 * middle of its migrations: the write fails, as on a full disk, and
	 * main() says so at the end.
	 */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * "Still running" lines and still_running events, 5 s into a step and
 * every 10 s after.  The driver calls running_tick() while it waits for
 * the database, never from a signal handler: the line and the event go
 * out with the rest of the output, in order.
 */
#define RUNNING_FIRST	5000
#define RUNNING_EVERY	10000

struct running {
	const char		*run_id;
	const struct step	*step;		/* NULL for a batch */
	long long		 since;		/* when the step started */
	long long		 due;		/* when the next line is due */
};

static struct running running;

static const char *stem(const struct step *);

static long
running_tick(void *arg)
{
	struct running *r = arg;
	const struct step *s = r->step;
	long long now = driver_clock_ms(), ms = now - r->since;
	char num[24];

	log_info("still running %s after %lld s", s != NULL ? stem(s) :
	    "the batch", ms / 1000);
	snprintf(num, sizeof(num), "%lld", ms);
	log_event(r->run_id, "still_running", "version", s != NULL ?
	    s->m->vtext : NULL, "name", s != NULL ? s->m->name : NULL,
	    "#elapsed_ms", num, NULL);
	/* A late call does not move the ones after it. */
	do
		r->due += RUNNING_EVERY;
	while (r->due <= now);
	return (long)(r->due - now);
}

/* s is NULL for a batch. */
static void
running_start(const struct applier *a, const struct step *s)
{
	if (a->drv->set_tick == NULL)
		return;
	running.run_id = a->track->run_id;
	running.step = s;
	running.since = driver_clock_ms();
	running.due = running.since + RUNNING_FIRST;
	a->drv->set_tick(a->conn, running_tick, &running, RUNNING_FIRST);
}

static void
running_stop(const struct applier *a)
{
	if (a->drv->set_tick != NULL)
		a->drv->set_tick(a->conn, NULL, NULL, 0);
}

int
apply_interrupted(void)
{
	if (sig_got == 0)
		return 0;
	return sig_got == SIGINT ? MSR_EINTR : MSR_ETERM;
}

int
apply_say_interrupted(void)
{
	int rc;

	if ((rc = apply_interrupted()) != 0)
		log_error("interrupted by a signal; nothing was changed");
	return rc;
}

#define now_ms	driver_clock_ms

/* A step's statement is about to be sent: its duration starts. */
static void
step_sent(struct applier *a)
{
	if (a->started == 0)
		a->started = now_ms();
}

/*
 * The step's duration: fixed when its last statement ended (step_end),
 * else what it has taken so far; 0 before anything was sent.
 */
static long long
step_ms(const struct applier *a)
{
	if (a->ms >= 0)
		return a->ms;
	return a->started != 0 ? now_ms() - a->started : 0;
}

/* The step's last statement ended. */
static void
step_end(struct applier *a)
{
	if (a->ms < 0)
		a->ms = step_ms(a);
}

/* A new step: nothing sent yet. */
static void
step_start(struct applier *a)
{
	a->started = 0;
	a->ms = -1;
}

/*
 * The lock table must exist before the lock: the tables are created
 * here, and a concurrent msr creating them too is no error.
 */
static int
lock_table(struct applier *a, struct dberr *err)
{
	int rc;

	if ((rc = track_lock_exists(a->track, err)) != 0)
		return rc == 1 ? 0 : -1;
	if (track_create(a->track, err) == 0)
		return 0;
	return track_lock_exists(a->track, err) == 1 ? 0 : -1;
}

int
apply_lock(struct applier *a)
{
	struct buf holder = BUF_INIT;
	struct dberr err;
	long long deadline;
	enum dblock got;
	int said = 0, rc = MSR_OK;
	unsigned pause = 50;

	if (!a->cfg->lock_enabled)
		return MSR_OK;
	dberr_init(&err);
	if (a->cfg->lock_method == LOCKMETHOD_TABLE &&
	    lock_table(a, &err) == -1) {
		if ((rc = apply_say_interrupted()) == 0)
			log_error("cannot create the lock table %s: %s",
			    a->track->lock, err.msg.s);
		dberr_release(&err);
		return rc != 0 ? rc : MSR_EFAILED;
	}
	deadline = now_ms() + (long long)a->cfg->lock_timeout * 1000;
	for (;;) {
		if (a->cfg->lock_method == LOCKMETHOD_TABLE)
			got = track_lock_try(a->track, &holder, &err);
		else
			got = a->drv->trylock(a->conn, a->track->schema,
			    a->track->name, &holder, &err);
		if (got == DBLOCK_TAKEN) {
			lock_held = 1;
			break;
		}
		if (got == DBLOCK_ERROR) {
			log_error("cannot take the migration lock: %s",
			    err.msg.s);
			rc = MSR_ECONNECT;
			break;
		}
		if (apply_interrupted()) {
			rc = apply_interrupted();
			break;
		}
		if (now_ms() >= deadline) {
			log_error("migration lock not acquired within %d s;"
			    " it is held by %s", a->cfg->lock_timeout,
			    holder.s);
			if (a->cfg->lock_method == LOCKMETHOD_TABLE)
				log_more("a lock table row outlives an msr"
				    " that was killed: if that msr is gone,"
				    " 'msr lock release' frees its row");
			rc = MSR_ELOCK;
			break;
		}
		if (!said) {
			log_info("waiting for the migration lock held by %s"
			    " (timeout %d s)", holder.s, a->cfg->lock_timeout);
			said = 1;
		}
		usleep(pause * 1000);
		if (pause < 500)
			pause *= 2;
	}
	buf_release(&holder);
	dberr_release(&err);
	return rc;
}

void
apply_unlock(struct applier *a)
{
	struct dberr err;
	int rc;

	if (!a->cfg->lock_enabled || !lock_held)
		return;
	lock_held = 0;
	dberr_init(&err);
	if (a->cfg->lock_method == LOCKMETHOD_TABLE)
		rc = track_lock_release(a->track, NULL, &err);
	else
		rc = a->drv->unlock(a->conn, &err);
	if (rc == -1)
		log_warn("cannot release the migration lock: %s", err.msg.s);
	dberr_release(&err);
}

/* "0001_init" for display: the file name without directory and suffix. */
static const char *
stem(const struct step *s)
{
	static char name[512];
	const char *p = strrchr(s->path, '/');

	snprintf(name, sizeof(name), "%s%s_%s", *(p != NULL ? p + 1 :
	    s->path) == 'V' ? "V" : "", s->m->vtext, s->m->name);
	return name;
}

/* Whether the code point takes two columns (East Asian wide). */
static int
wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	    (c >= 0x20000 && c <= 0x3FFFD);
}

/*
 * The columns on a terminal of the UTF-8 character at *pp, which moves
 * past it: one, two for a wide one.
 */
static int
char_cols(const unsigned char **pp, const unsigned char *e)
{
	const unsigned char *p = *pp;
	unsigned long c = *p;
	int more;

	more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
	c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
	for (p++; more > 0 && p < e && (*p & 0xC0) == 0x80; more--)
		c = (c << 6) | (*p++ & 0x3F);
	*pp = p;
	return wide(c) ? 2 : 1;
}

/*
 * White space as wide on a terminal as the n bytes of UTF-8 text: tabs
 * stay tabs, a character takes one column, a wide one two.
 */
static void
caret_pad(struct buf *b, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *e = p + n;

	while (p < e) {
		if (*p == '\t') {
			buf_addch(b, '\t');
			p++;
			continue;
		}
		buf_adds(b, char_cols(&p, e) == 2 ? "  " : " ");
	}
}

/* Columns of an excerpt, and of it before the error at most. */
#define EXCERPT_COLS	120
#define EXCERPT_BEFORE	40

/*
 * Cuts the line [*ls, *le) around off to EXCERPT_COLS columns, on
 * character boundaries; *cut_start and *cut_end say where "..." goes.
 */
static void
excerpt(const char *t, size_t *ls, size_t *le, size_t off, int *cut_start,
    int *cut_end)
{
	const unsigned char *b = (const unsigned char *)t + *ls;
	const unsigned char *e = (const unsigned char *)t + *le;
	const unsigned char *o = (const unsigned char *)t + off, *p, *q;
	int cols = 0;

	*cut_start = *cut_end = 0;
	for (p = b; p < e && cols <= EXCERPT_COLS;)
		cols += char_cols(&p, e);
	if (cols <= EXCERPT_COLS)
		return;
	/* Back from the error, EXCERPT_BEFORE columns at most. */
	for (p = o, cols = 0; p > b && cols < EXCERPT_BEFORE; cols++)
		while (--p > b && (*p & 0xC0) == 0x80)
			;
	*cut_start = p > b;
	*ls = (size_t)(p - (const unsigned char *)t);
	cols = *cut_start ? 3 : 0;
	for (q = p; q < e; ) {
		p = q;
		cols += char_cols(&q, e);
		if (cols > EXCERPT_COLS - 3) {
			q = p;
			break;
		}
	}
	*cut_end = q < e;
	*le = (size_t)(q - (const unsigned char *)t);
}

/* "WHERE: message (code)", then the DETAIL, HINT and CONTEXT lines. */
static void
log_dberr(const char *where, const struct dberr *err)
{
	if (err->code[0] != '\0')
		log_error("%s: %s (%s)", where, err->msg.s, err->code);
	else
		log_error("%s: %s", where, err->msg.s);
	if (err->detail.len > 0)
		log_more("DETAIL: %s", err->detail.s);
	if (err->hint.len > 0)
		log_more("HINT: %s", err->hint.s);
	if (err->context.len > 0)
		log_more("CONTEXT: %s", err->context.s);
}

/*
 * The migration_failed event of the step that runs, kept from the error
 * until what became of the migration is known: failed_keep(), then
 * failed_say() once the step is over.
 */
static struct {
	const struct step	*step;		/* NULL: no event to say */
	struct dberr		 err;
	char			 line[16];	/* "" for a COMMIT */
	char			 column[16];
	int			 ready;		/* err is initialized */
} failure;

/*
 * Keeps the event of a failed statement; line and column are NULL for a
 * COMMIT.  The first failure of a step counts.
 */
static void
failed_keep(const struct step *s, const struct dberr *err,
    const char *line, const char *column)
{
	struct dberr *e = &failure.err;

	if (failure.step != NULL)
		return;
	if (!failure.ready)
		dberr_init(e);
	failure.ready = 1;
	dberr_reset(e);
	buf_adds(&e->msg, err->msg.s);
	buf_adds(&e->detail, err->detail.s);
	buf_adds(&e->hint, err->hint.s);
	buf_adds(&e->context, err->context.s);
	memcpy(e->code, err->code, sizeof(e->code));
	snprintf(failure.line, sizeof(failure.line), "%s",
	    line != NULL ? line : "");
	snprintf(failure.column, sizeof(failure.column), "%s",
	    column != NULL ? column : "");
	failure.step = s;
}

/* Whether the failure kept is the COMMIT's. */
static int
failed_commit(void)
{
	return failure.step != NULL && failure.line[0] == '\0';
}

/*
 * Says the event kept, if any, with what became of the migration: one of
 * FAILED_ROLLED_BACK..FAILED_UNKNOWN (msr.1 says what each means), and
 * how many of its statements ran and remain.
 */
#define FAILED_ROLLED_BACK	"rolled_back"
#define FAILED_PARTIAL		"partial"
#define FAILED_RESTART		"restart"
#define FAILED_UNKNOWN		"unknown"

static void
failed_say(const char *run, const char *outcome, long done)
{
	const struct step *s = failure.step;
	const struct dberr *e = &failure.err;
	char ndone[24], nstmts[24];

	if (s == NULL)
		return;
	snprintf(ndone, sizeof(ndone), "%ld", done);
	snprintf(nstmts, sizeof(nstmts), "%zu", s->nstmts);
	log_event(run, "migration_failed", "version", s->m->vtext, "name",
	    s->m->name, "direction", s->dir == MIGDIR_UP ? "up" : "down",
	    "file", s->path, "#line", failure.line[0] != '\0' ?
	    failure.line : NULL, "#column", failure.column[0] != '\0' ?
	    failure.column : NULL, "error", e->msg.s, "code",
	    e->code[0] != '\0' ? e->code : NULL, "detail", e->detail.len > 0 ?
	    e->detail.s : NULL, "hint", e->hint.len > 0 ? e->hint.s : NULL,
	    "context", e->context.len > 0 ? e->context.s : NULL, "outcome",
	    outcome, "#statements_done", ndone, "#statements", nstmts, NULL);
	failure.step = NULL;
	dberr_release(&failure.err);
}

/*
 * The file, line and column, the message, and an excerpt with a caret.
 * The statement that failed is among v[first .. first + n) of the file's
 * current batch; when the database named no position, the first of them
 * is blamed.
 */
static void
report_sql(const struct step *s, const struct sqlfile *f,
    size_t first, size_t n, const struct dberr *err)
{
	const struct sqlstmt *st = &f->v[first];
	const char *t = f->text.s;
	size_t len = f->text.len, off, ls, le, i;
	unsigned line, col;
	struct buf caret = BUF_INIT;
	char lineno[16];
	char *loc;
	int cut_start, cut_end;

	off = err->offset >= 0 ? (size_t)err->offset : st->start;
	if (off > len)
		off = len;
	for (i = first + 1; i < first + n && f->v[i].start <= off; i++)
		st = &f->v[i];
	sqlfile_position(f, st, off, &line, &col);
	loc = xasprintf("%s:%u:%u", s->path, line, col);
	log_dberr(loc, err);
	/* The line as far as the window of the file holds it. */
	for (ls = off; ls > 0 && t[ls - 1] != '\n'; ls--)
		;
	for (le = off; le < len && t[le] != '\n'; le++)
		;
	if (le > ls) {
		excerpt(t, &ls, &le, off, &cut_start, &cut_end);
		snprintf(lineno, sizeof(lineno), "%u", line);
		if (cut_start)
			buf_adds(&caret, "   ");
		caret_pad(&caret, t + ls, off - ls);
		log_more("%s | %s%.*s%s", lineno, cut_start ? "..." : "",
		    (int)(le - ls), t + ls, cut_end ? "..." : "");
		log_more("%*s | %s^", (int)strlen(lineno), "", caret.s);
	}
	free(loc);
	loc = xasprintf("%u", line);
	snprintf(lineno, sizeof(lineno), "%u", col);
	failed_keep(s, err, loc, lineno);
	free(loc);
	buf_release(&caret);
}

static void
rollback_quietly(struct applier *a)
{
	struct dberr e;

	dberr_init(&e);
	if (a->drv->in_transaction(a->conn))
		a->drv->rollback(a->conn, &e);
	dberr_release(&e);
}

static void
audit(struct applier *a, const struct step *s, const char *outcome,
    const char *msg, long long ms)
{
	struct dberr e;

	if (a->lost)
		return;
	dberr_init(&e);
	if (track_audit(a->track, s->dir == MIGDIR_UP ? "up" : "down",
	    s->m->version, s->m->name, outcome, msg, ms, &e) == -1)
		log_warn("cannot write the audit row of %s: %s", stem(s),
		    e.msg.s);
	dberr_release(&e);
}

/* A failure that is not the database's: reading the file on. */
static int
file_error(struct buf *msg, struct dberr *err)
{
	dberr_reset(err);
	buf_adds(&err->msg, msg->s);
	log_error("%s", msg->s);
	buf_release(msg);
	return -1;
}

/*
 * The next batch of at most max statements of the step's file, all of
 * them before the end that planning saw.  Returns its size or -1.
 */
static int
next_batch(const struct step *s, struct sqlfile *f, size_t max,
    struct dberr *err)
{
	struct buf msg = BUF_INIT;
	int n;

	n = sqlfile_next(f, max < EXEC_MAX ? max : EXEC_MAX, &msg);
	if (n == 0)
		buf_addf(&msg, "%s changed while msr ran it: it ends before"
		    " statement %zu", s->path, f->count + 1);
	if (n <= 0)
		return file_error(&msg, err);
	return n;
}

/* Runs the statements of the file from where it is up to index to. */
static int
run_range(struct applier *a, const struct step *s, struct sqlfile *f,
    size_t to, struct dberr *err)
{
	int n;

	while (f->count < to) {
		if ((n = next_batch(s, f, to - f->count, err)) == -1)
			return -1;
		step_sent(a);
		if (a->drv->exec(a->conn, f->text.s, f->v, (size_t)n,
		    err) == -1) {
			report_sql(s, f, 0, (size_t)n, err);
			return -1;
		}
	}
	return 0;
}

/*
 * Before a CREATE INDEX CONCURRENTLY that names its index: an index of
 * that name that a failed build left invalid would be skipped (IF NOT
 * EXISTS) or make the statement fail, so the statement is refused,
 * naming the statement that drops it.  A first run is checked too: a
 * failed first statement that can run again leaves no row to say that
 * this is a second one.  Only statements that cannot run in a
 * transaction are read again.
 */
static int
check_index(struct applier *a, const struct sqlfile *f, struct dberr *err)
{
	const struct sqlstmt *st = &f->v[0];
	const struct sqltoken *tk;
	struct sqlindex ix;
	struct buf table = BUF_INIT, index = BUF_INIT, name = BUF_INIT;
	char *msg;
	int i, rc;

	if (!(st->flags & SQLF_NOTX) || a->drv->index_invalid == NULL ||
	    !sqlscan_create_index(f->text.s, st, &ix))
		return 0;
	for (i = 0; i < ix.ntable; i++) {
		tk = &ix.table[i];
		if (i > 0)
			buf_addch(&table, '.');
		buf_add(&table, f->text.s + tk->start, tk->end - tk->start);
	}
	buf_add(&index, f->text.s + ix.name.start,
	    ix.name.end - ix.name.start);
	rc = a->drv->index_invalid(a->conn, table.s, index.s, &name, err);
	if (rc == -1) {
		msg = xasprintf("cannot look up index %s: %s", index.s,
		    err->msg.s);
		buf_reset(&err->msg);
		buf_adds(&err->msg, msg);
		free(msg);
	} else if (rc == 1) {
		dberr_reset(err);
		buf_addf(&err->msg, "index %s exists but is invalid: a CREATE"
		    " INDEX CONCURRENTLY failed, or is still running", name.s);
		buf_adds(&err->detail, ix.if_not_exists ? "the statement"
		    " would skip it (IF NOT EXISTS) and leave the index"
		    " unusable" : "the statement would fail on it");
		buf_addf(&err->hint, "run this, then 'msr migrate': DROP INDEX"
		    " CONCURRENTLY %s;", name.s);
		rc = -1;
	}
	buf_release(&table);
	buf_release(&index);
	buf_release(&name);
	return rc;
}

/* The statement of a batch of one, by itself. */
static int
run_one(struct applier *a, const struct step *s, struct sqlfile *f,
    struct dberr *err)
{
	step_sent(a);
	if (check_index(a, f, err) == -1 ||
	    a->drv->exec(a->conn, f->text.s, f->v, 1, err) == -1) {
		report_sql(s, f, 0, 1, err);
		return -1;
	}
	return 0;
}

/* Passes over the statements up to index to: a BEGIN, a COMMIT. */
static int
skip_range(const struct step *s, struct sqlfile *f, size_t to,
    struct dberr *err)
{
	while (f->count < to)
		if (next_batch(s, f, to - f->count, err) == -1)
			return -1;
	return 0;
}

/*
 * After the last statement: the checksum of what ran must be the one
 * planned, or the tracking row would not say what ran.  In a
 * transaction, this is before COMMIT.
 */
static int
end_of_file(const struct step *s, struct sqlfile *f, struct dberr *err)
{
	struct buf msg = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];

	if (sqlfile_finish(f, sum, &msg) == 0 && f->count == s->nstmts &&
	    strcmp(sum, s->checksum) == 0)
		return 0;
	if (msg.len == 0)
		buf_addf(&msg, "%s changed while msr ran it", s->path);
	return file_error(&msg, err);
}

/*
 * The row of a step.  Its version has a row when the step resumes a
 * partial one, or when this run wrote one for it (a step outside a
 * transaction, a file's own block): that row is replaced.
 */
static int
record_done(struct applier *a, const struct step *s, int partial,
    long done, long long ms, struct dberr *err)
{
	if (s->dir == MIGDIR_DOWN)
		return track_delete(a->track, s->m->version, err);
	if (track_record(a->track, s->m->version, s->m->name, s->checksum,
	    TRACK_ORIGIN_MSR, partial, done, ms, s->partial || a->wrote == s,
	    err) == -1)
		return -1;
	a->wrote = s;
	return 0;
}

/* what: "tracking row", "audit row". */
static void
tracking_error(const struct step *s, const char *what,
    const struct dberr *err)
{
	log_error("cannot write the %s of %s: %s", what, stem(s),
	    err->msg.s);
}

/*
 * Commits the step's transaction with the rows it deferred; says what
 * failed.  A COMMIT can fail for the step's own statements, such as a
 * deferred constraint.
 */
static int
commit_step(struct applier *a, const struct step *s, struct dberr *err)
{
	const char *what;
	char *where;

	if (track_commit(a->track, &what, err) == 0)
		return 0;
	if (what != NULL) {
		tracking_error(s, what, err);
		return -1;
	}
	where = xasprintf("%s: COMMIT failed", s->path);
	log_dberr(where, err);
	free(where);
	failed_keep(s, err, NULL, NULL);
	return -1;
}

/*
 * The options of a file's own BEGIN, such as ISOLATION LEVEL SERIALIZABLE,
 * given to msr's transaction before the body runs: PostgreSQL's SET
 * TRANSACTION takes the same list.
 */
static int
set_tx_options(struct applier *a, const struct step *s, struct dberr *err)
{
	char *sql, *where, line[16], col[16];
	int rc;

	if (s->tx_opts == NULL)
		return 0;
	sql = xasprintf("SET TRANSACTION %s", s->tx_opts);
	log_verbose("%s:%u:%u: %s", s->path, s->tx_begin_line,
	    s->tx_begin_col, sql);
	step_sent(a);
	rc = a->drv->query(a->conn, sql, 0, NULL, NULL, NULL, err);
	if (rc == -1) {
		where = xasprintf("%s:%u:%u: the options of its BEGIN",
		    s->path, s->tx_begin_line, s->tx_begin_col);
		log_dberr(where, err);
		free(where);
		snprintf(line, sizeof(line), "%u", s->tx_begin_line);
		snprintf(col, sizeof(col), "%u", s->tx_begin_col);
		failed_keep(s, err, line, col);
	}
	free(sql);
	return rc;
}

/*
 * The body of a step inside an open transaction, and its row; the file
 * is at the start of the body.
 */
static int
run_in_tx(struct applier *a, struct step *s, struct sqlfile *f,
    struct dberr *err)
{
	int post;

	if (s->mode == STEP_WRAPPED) {
		if (skip_range(s, f, s->tx_begin + 1, err) == -1 ||
		    set_tx_options(a, s, err) == -1 ||
		    run_range(a, s, f, s->tx_commit, err) == -1 ||
		    skip_range(s, f, s->tx_commit + 1, err) == -1)
			return -1;
		post = s->tx_commit + 1 < s->nstmts;
	} else {
		if (run_range(a, s, f, s->nstmts, err) == -1)
			return -1;
		post = 0;
	}
	if (!post)
		step_end(a);
	if (!post && end_of_file(s, f, err) == -1)
		return -1;
	if (record_done(a, s, post, post ? (long)s->tx_commit + 1 : 0,
	    step_ms(a), err) == -1) {
		tracking_error(s, "tracking row", err);
		return -1;
	}
	/* The audit row commits with the change, or neither does. */
	if (!post && track_audit(a->track, s->dir == MIGDIR_UP ? "up" :
	    "down", s->m->version, s->m->name, "ok", a->batch_note,
	    step_ms(a), err) == -1) {
		tracking_error(s, "audit row", err);
		return -1;
	}
	return 0;
}

/*
 * The last tracking row of a step that ran outside a transaction, and its
 * audit row, in one transaction.
 */
static int
finish_step(struct applier *a, const struct step *s, struct dberr *err)
{
	if (a->drv->begin(a->conn, err) == -1) {
		tracking_error(s, "tracking row", err);
		return -1;
	}
	track_defer(a->track);
	if (record_done(a, s, 0, 0, step_ms(a), err) == -1 ||
	    track_audit(a->track, s->dir == MIGDIR_UP ? "up" : "down",
	    s->m->version, s->m->name, "ok", NULL, step_ms(a),
	    err) == -1) {
		track_discard(a->track);
		rollback_quietly(a);
		tracking_error(s, "tracking row", err);
		return -1;
	}
	if (commit_step(a, s, err) == -1) {
		rollback_quietly(a);
		return -1;
	}
	return 0;
}

/*
 * Statement by statement from where the file is to its end, recording
 * progress after each statement that ends outside a transaction block
 * of the file's own.
 */
static int
run_stmts(struct applier *a, const struct step *s, struct sqlfile *f,
    struct dberr *err, long *done)
{
	const struct sqlstmt *st;
	size_t i;
	int inblock = 0;

	*done = (long)f->count;
	while (f->count < s->nstmts) {
		if (apply_interrupted())
			return -1;
		if (next_batch(s, f, 1, err) == -1)
			return -1;
		st = &f->v[0];
		i = f->index;
		log_verbose("%s:%u:%u: running statement %zu of %zu", s->path,
		    st->line, st->col, i + 1, s->nstmts);
		if (run_one(a, s, f, err) == -1)
			return -1;
		if (st->kind == SQLKIND_BEGIN)
			inblock = 1;
		else if (st->kind == SQLKIND_COMMIT ||
		    st->kind == SQLKIND_ROLLBACK)
			inblock = 0;
		if (inblock)
			continue;
		*done = (long)i + 1;
		if (s->dir == MIGDIR_UP && i + 1 < s->nstmts &&
		    track_progress(a->track, s->m->version, *done, err) == -1) {
			tracking_error(s, "tracking row", err);
			return -1;
		}
	}
	return 0;
}

static void
say_failed(const struct step *s, const char *state)
{
	log_info("%s: %s", stem(s), state);
}

/* Whether the first n statements can all simply run again. */
static int
rerunnable(const struct step *s, size_t n)
{
	return n <= s->first_risky;
}

/*
 * Whether the first done statements of a down file, before its BEGIN,
 * ran and cannot simply run again: they remain, as in a file without a
 * transaction, and nothing records them.
 */
static int
down_kept(const struct step *s, long done)
{
	return s->dir == MIGDIR_DOWN && done > 0 &&
	    !rerunnable(s, (size_t)done);
}

/*
 * Records that the first done statements of an up migration ran outside
 * a transaction, unless they can all simply run again: then the next run
 * starts the file from the top and no row is needed.  Returns whether a
 * partial row was written.
 */
static int
keep_progress(struct applier *a, const struct step *s, long done)
{
	struct dberr e2;
	int rc;

	if (done == 0 || s->dir != MIGDIR_UP ||
	    rerunnable(s, (size_t)done))
		return 0;
	dberr_init(&e2);
	rc = record_done(a, s, 1, done, 0, &e2);
	if (rc == -1)
		tracking_error(s, "tracking row", &e2);
	dberr_release(&e2);
	return rc == 0;
}

/* The statements before a file's own BEGIN, one at a time. */
static int
run_pre(struct applier *a, const struct step *s, struct sqlfile *f,
    struct dberr *err, long *done)
{
	while (f->count < s->tx_begin) {
		*done = (long)f->count;
		if (next_batch(s, f, 1, err) == -1 ||
		    run_one(a, s, f, err) == -1)
			return -1;
	}
	*done = (long)s->tx_begin;
	return 0;
}

/*
 * Before resuming at statement k, the statements before it that set up
 * the session (PRAGMA foreign_keys=OFF, SET search_path) run again: a new
 * connection does not have their effect.
 */
static int
restore_session(struct applier *a, const struct step *s, struct sqlfile *f,
    size_t k, struct dberr *err)
{
	const struct sqlstmt *st;
	size_t i;
	int n;

	while (f->count < k) {
		if ((n = next_batch(s, f, k - f->count, err)) == -1)
			return -1;
		for (i = 0; i < (size_t)n; i++) {
			st = &f->v[i];
			if (!(st->flags & SQLF_SESSION))
				continue;
			log_verbose("%s:%u:%u: running again to set up the"
			    " session", s->path, st->line, st->col);
			step_sent(a);
			if (a->drv->exec(a->conn, f->text.s, st, 1,
			    err) == -1) {
				report_sql(s, f, i, 1, err);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The step's statements are done, or it failed and what it left open is
 * rolled back: what it did to the session's settings is undone, so that
 * the next step runs as it would in a run of its own.  Once per step.
 */
static int
end_session(struct applier *a, const struct step *s, int *done)
{
	struct dberr err;
	int rc = 0;

	if (*done || a->drv->reset_session == NULL)
		return 0;
	*done = 1;
	dberr_init(&err);
	if (a->drv->reset_session(a->conn, &err) == -1) {
		log_error("cannot restore the session's settings after %s: %s",
		    stem(s), err.msg.s);
		rc = -1;
	}
	dberr_release(&err);
	return rc;
}

/* One step of a per-migration run. */
static int
run_step(struct applier *a, struct step *s)
{
	struct sqlfile f;
	struct buf msg0 = BUF_INIT;
	struct dberr err;
	long done = s->resume;
	int committed = 0, lost_now = 0, reset = 0, reset_rc = 0;
	const char *outcome = NULL;
	char *msg;
	int rc = -1;

	dberr_init(&err);
	sqlfile_init(&f);
	step_start(a);
	log_event(a->track->run_id, "migration_started", "version", s->m->vtext, "name",
	    s->m->name, "direction", s->dir == MIGDIR_UP ? "up" : "down",
	    "mode", plan_mode_name(s, 0), NULL);
	running_start(a, s);
	notice_file = s->path;
	if (sqlfile_open_marked(&f, s->path, a->drv->dialect, s->marks.n > 0 ?
	    SQLFILE_CHECK : 0, &s->marks, &msg0) == -1) {
		file_error(&msg0, &err);
		goto fail;
	}
	switch (s->mode) {
	case STEP_TX:
	case STEP_WRAPPED:
		if (s->mode == STEP_WRAPPED && run_pre(a, s, &f, &err,
		    &done) == -1) {
			if (keep_progress(a, s, done) || down_kept(s, done))
				goto partial;
			outcome = done == 0 ? FAILED_ROLLED_BACK :
			    FAILED_RESTART;
			say_failed(s, done == 0 ? "its first statement failed,"
			    " nothing of it ran" : "failed before its BEGIN;"
			    " the statements that ran can run again");
			goto fail;
		}
		if (a->drv->begin(a->conn, &err) == -1) {
			log_error("cannot begin a transaction: %s",
			    err.msg.s);
			goto fail;
		}
		track_defer(a->track);
		if (run_in_tx(a, s, &f, &err) == -1 ||
		    commit_step(a, s, &err) == -1) {
			track_discard(a->track);
			rollback_quietly(a);
			if (keep_progress(a, s, done) || down_kept(s, done))
				goto partial;
			if (failed_commit() && err.connection) {
				outcome = FAILED_UNKNOWN;
				say_failed(s, "the connection was lost during"
				    " its COMMIT: whether it committed is not"
				    " known; see 'msr status'");
				goto fail;
			}
			outcome = done == 0 ? FAILED_ROLLED_BACK :
			    FAILED_RESTART;
			say_failed(s, done == 0 ? "rolled back, nothing of it"
			    " remains" : "rolled back; the statements before"
			    " its BEGIN ran and can run again");
			goto fail;
		}
		committed = 1;
		if (s->mode == STEP_WRAPPED &&
		    s->tx_commit + 1 < s->nstmts) {
			if (run_stmts(a, s, &f, &err, &done) == -1)
				goto partial;
			step_end(a);
			if (end_of_file(s, &f, &err) == -1)
				goto fail;
			/* msr's rows are written with msr's settings. */
			reset_rc = end_session(a, s, &reset);
			if (finish_step(a, s, &err) == -1)
				goto fail;
		}
		break;
	case STEP_NOTX:
		if (s->dir == MIGDIR_UP && !s->partial &&
		    record_done(a, s, 1, 0, 0, &err) == -1) {
			tracking_error(s, "tracking row", &err);
			goto fail;
		}
		if (s->partial) {
			log_info("resuming %s at statement %ld of %zu",
			    stem(s), s->resume + 1, s->nstmts);
			if (restore_session(a, s, &f, (size_t)s->resume,
			    &err) == -1)
				goto fail;
		}
		if (run_stmts(a, s, &f, &err, &done) == -1) {
			rollback_quietly(a);
			goto partial;
		}
		step_end(a);
		if (end_of_file(s, &f, &err) == -1)
			goto fail;
		reset_rc = end_session(a, s, &reset);
		if (finish_step(a, s, &err) == -1)
			goto fail;
		break;
	}
	if (end_session(a, s, &reset) == -1)
		reset_rc = -1;
	log_info("%s %s (%lld ms%s)", s->dir == MIGDIR_UP ? "applied" :
	    "rolled back", stem(s), step_ms(a),
	    s->mode == STEP_NOTX ? ", no transaction" : "");
	msg = xasprintf("%lld", step_ms(a));
	log_event(a->track->run_id, s->dir == MIGDIR_UP ?
	    "migration_applied" :
	    "migration_rolled_back", "version", s->m->vtext, "name",
	    s->m->name, "#duration_ms", msg, NULL);
	free(msg);
	a->applied++;
	/* The next step would run with this one's settings. */
	rc = reset_rc;
	goto done;
partial:
	lost_now = !a->lost && err.connection;
	a->lost = a->lost || err.connection;
	end_session(a, s, &reset);
	/* A down file whose first statement failed left nothing. */
	outcome = s->dir == MIGDIR_DOWN && done == 0 && !committed ?
	    FAILED_ROLLED_BACK : FAILED_PARTIAL;
	if (s->dir == MIGDIR_UP) {
		log_info("%s is partial: %ld of %zu statements done", stem(s),
		    done, s->nstmts);
		log_more("to resume at statement %ld, fix what made it fail"
		    " in the database and run 'msr migrate', with the file"
		    " unchanged (a changed file is refused)", done + 1);
		log_more("to change the file, undo by hand what ran, run"
		    " 'msr repair --forget %s', then edit it and migrate",
		    s->m->version);
		log_more("or run statements %ld to %zu by hand and run 'msr"
		    " repair' to record it as applied", done + 1, s->nstmts);
		msg = xasprintf("stopped after %ld of %zu statements: %s",
		    done, s->nstmts, err.msg.s);
		audit(a, s, "partial", msg, step_ms(a));
	} else {
		if (committed) {
			log_info("%s: its transaction block was rolled back"
			    " and it is no longer recorded as applied, but"
			    " statement %ld of %zu, after the block, failed;"
			    " run the rest of the down file by hand",
			    stem(s), done + 1, s->nstmts);
			/* Rolled back as far as the tracking rows go. */
			a->applied++;
		} else
			log_info("%s: %ld of %zu statements of the down file"
			    " ran and were not undone; the migration is still"
			    " recorded as applied", stem(s), done, s->nstmts);
		msg = xasprintf("down stopped after %ld of %zu statements: %s",
		    done, s->nstmts, err.msg.s);
		audit(a, s, "failed", msg, step_ms(a));
	}
	free(msg);
	goto done;
fail:
	lost_now = !a->lost && err.connection;
	a->lost = a->lost || err.connection;
	end_session(a, s, &reset);
	audit(a, s, "failed", err.msg.s, step_ms(a));
	/* After statements that ran outside a transaction, or after its
	 * transaction committed. */
	if (outcome == NULL)
		outcome = committed || s->mode == STEP_NOTX ? FAILED_PARTIAL :
		    FAILED_ROLLED_BACK;
done:
	if (outcome != NULL)
		failed_say(a->track->run_id, outcome,
		    strcmp(outcome, FAILED_ROLLED_BACK) == 0 ? 0 : done);
	if (lost_now) {
		log_error("the connection to the database was lost; what was"
		    " not committed is rolled back by the database");
	}
	running_stop(a);
	notice_file = NULL;
	sqlfile_close(&f);
	dberr_release(&err);
	return rc;
}

int
apply_create_tables(struct track *t, int in_tx)
{
	struct dberr err;
	int rc = MSR_OK;

	dberr_init(&err);
	if ((in_tx ? track_create_in(t, &err) : track_create(t, &err)) == 0)
		log_verbose("created the tracking tables %s, %s and %s",
		    t->table, t->log, t->lock);
	else if ((rc = apply_say_interrupted()) == 0) {
		log_error("cannot create the tracking tables %s, %s and %s:"
		    " %s", t->table, t->log, t->lock, err.msg.s);
		rc = MSR_EFAILED;
	}
	dberr_release(&err);
	return rc;
}

/* All steps in one transaction. */
static int
run_batch(struct applier *a, struct plan *p)
{
	struct sqlfile f;
	struct buf msg0 = BUF_INIT;
	struct dberr err;
	size_t i = 0;
	char *msg;
	int rc, made = 0;

	dberr_init(&err);
	a->batch_note = "per-batch";
	running_start(a, NULL);
	if (a->drv->begin(a->conn, &err) == -1) {
		log_error("cannot begin a transaction: %s", err.msg.s);
		goto fail;
	}
	if (a->create) {
		if (apply_create_tables(a->track, 1) != MSR_OK)
			goto fail;
		made = 1;
	}
	for (i = 0; i < p->n; i++) {
		notice_file = p->v[i].path;
		if (apply_interrupted())
			goto fail;
		if (sqlfile_open_marked(&f, p->v[i].path, a->drv->dialect,
		    p->v[i].marks.n > 0 ? SQLFILE_CHECK : 0, &p->v[i].marks,
		    &msg0) == -1) {
			sqlfile_close(&f);
			file_error(&msg0, &err);
			goto fail;
		}
		step_start(a);
		rc = run_in_tx(a, &p->v[i], &f, &err);
		sqlfile_close(&f);
		if (rc == -1)
			goto fail;
	}
	if (a->drv->commit(a->conn, &err) == -1) {
		log_error("cannot commit the batch: %s", err.msg.s);
		goto fail;
	}
	for (i = 0; i < p->n; i++)
		log_info("%s %s (batch)", p->v[i].dir == MIGDIR_UP ?
		    "applied" : "rolled back", stem(&p->v[i]));
	a->applied = (int)p->n;
	a->created = a->create;
	dberr_release(&err);
	return 0;
fail:
	/* The statements of a batch are in its one transaction. */
	failed_say(a->track->run_id, FAILED_ROLLED_BACK, 0);
	if (err.connection) {
		a->lost = 1;
		log_error("the connection to the database was lost; the batch"
		    " is rolled back by the database unless its commit was"
		    " under way: see 'msr status'");
		dberr_release(&err);
		return -1;
	}
	rollback_quietly(a);
	log_info("the batch was rolled back: nothing of its %zu migrations"
	    " remains", p->n);
	if (i < p->n) {
		msg = xasprintf("batch rolled back: %s", err.msg.s);
		/* The audit row needs the tables that the batch made. */
		if (made) {
			dberr_reset(&err);
			if (track_create(a->track, &err) == 0)
				a->created = 1;
			else
				log_warn("cannot create the tracking tables"
				    " for the audit row: %s", err.msg.s);
		}
		if (!a->create || a->created)
			audit(a, &p->v[i], "failed", msg, step_ms(a));
		free(msg);
	}
	dberr_release(&err);
	return -1;
}

int
apply_plan(struct applier *a, struct plan *p)
{
	size_t i;
	int rc;

	if (p->batch) {
		rc = run_batch(a, p);
		running_stop(a);
		notice_file = NULL;
	} else {
		rc = 0;
		for (i = 0; i < p->n && rc == 0; i++) {
			if (apply_interrupted())
				break;
			rc = run_step(a, &p->v[i]);
		}
	}
	if (apply_interrupted()) {
		log_error("interrupted by a signal");
		return apply_interrupted();
	}
	return rc == 0 ? MSR_OK : MSR_EFAILED;
}

void
apply_print_plan(const struct plan *p, int json)
{
	struct buf path = BUF_INIT;
	size_t i;
	const struct step *s;

	if (json) {
		for (i = 0; i < p->n; i++) {
			s = &p->v[i];
			buf_reset(&path);
			buf_adds(&path, "{\"direction\":");
			buf_adds(&path, s->dir == MIGDIR_UP ? "\"up\"" :
			    "\"down\"");
			buf_adds(&path, ",\"version\":");
			log_json_str(&path, s->m->vtext);
			buf_adds(&path, ",\"name\":");
			log_json_str(&path, s->m->name);
			buf_adds(&path, ",\"file\":");
			log_json_str(&path, s->path);
			buf_adds(&path, ",\"mode\":");
			log_json_str(&path, plan_mode_name(s, p->batch));
			buf_adds(&path, ",\"why\":");
			if (s->why != NULL)
				log_json_str(&path, s->why);
			else
				buf_adds(&path, "null");
			buf_adds(&path, "}\n");
			fputs(path.s, stdout);
		}
		buf_release(&path);
		return;
	}
	if (p->n == 0) {
		printf("nothing to do\n");
		return;
	}
	for (i = 0; i < p->n; i++) {
		s = &p->v[i];
		buf_reset(&path);
		buf_add_printable(&path, s->path, 0);
		printf("%-4s %s  [%s%s%s]\n", s->dir == MIGDIR_UP ? "up" :
		    "down", path.s, plan_mode_name(s, p->batch),
		    s->why != NULL ? ": " : "", s->why != NULL ? s->why : "");
	}
	buf_release(&path);
}
