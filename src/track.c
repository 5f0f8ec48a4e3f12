/*
 * The tracking and audit tables.  Their names come from the config,
 * validated there and always quoted and qualified with the driver's
 * schema here; values are always parameters.
 */
#include "buildconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "driver.h"
#include "holder.h"
#include "migfile.h"
#include "sqlscan.h"
#include "track.h"
#include "xmalloc.h"

/* The columns of TRACKCOL_*, and what msr does not record without them. */
static const struct newcol {
	unsigned	 bit;
	int		 audit;		/* of the audit table, else tracking */
	const char	*name;
	const char	*what;
} newcols[] = {
	{ TRACKCOL_ORIGIN, 0, "origin", "where its rows come from" },
	{ TRACKCOL_RUN_ID, 1, "run_id", "the run that wrote each audit row" },
};
#define NNEWCOLS	(sizeof(newcols) / sizeof(newcols[0]))

static char *
qualified(const char *schema, const char *name, const char *suffix)
{
	struct buf b = BUF_INIT;
	char *full;

	full = xasprintf("%s%s", name, suffix);
	driver_quote_ident(&b, schema, full);
	free(full);
	return buf_detach(&b);
}

int
track_init(struct track *t, const struct driver *drv, struct dbconn *conn,
    const struct config *cfg, struct dberr *err)
{
	const char *schema;

	memset(t, 0, sizeof(*t));
	if ((schema = drv->schema(conn, err)) == NULL)
		return -1;
	t->drv = drv;
	t->conn = conn;
	t->schema = schema;
	t->name = cfg->table;
	t->table = qualified(schema, cfg->table, "");
	t->log = qualified(schema, cfg->table, "_log");
	t->lock = qualified(schema, cfg->table, "_lock");
	t->lockname = xasprintf("%s_lock", cfg->table);
	t->keep = cfg->keep_tool == KEEP_GOLANG_MIGRATE ?
	    DBTOOL_GOLANG_MIGRATE : cfg->keep_tool == KEEP_DBMATE ?
	    DBTOOL_DBMATE : -1;
	t->keep_schema = cfg->keep_schema != NULL ? cfg->keep_schema : schema;
	t->keep_table = cfg->keep_table != NULL ? cfg->keep_table :
	    "schema_migrations";
	return 0;
}

/*
 * s as UTF-8, which the database takes: a byte that is not becomes
 * U+FFFD, as in the JSON output.
 */
static char *
utf8_copy(const char *s)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;
	size_t n;

	for (p = (const unsigned char *)s; *p != '\0';) {
		n = *p < 0x80 ? 1 : buf_utf8_len(p);
		if (n == 0) {
			buf_adds(&b, "\xef\xbf\xbd");
			p++;
		} else {
			buf_add(&b, p, n);
			p += n;
		}
	}
	return buf_detach(&b);
}

/* The host name of the rows msr writes, as UTF-8. */
const char *
track_host(struct track *t)
{
	char host[256];

	if (t->os_host != NULL)
		return t->os_host;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	t->os_host = utf8_copy(host);
	return t->os_host;
}

/* user@host of the rows msr writes; commands that only read never ask. */
static const char *
os_user(struct track *t)
{
	struct passwd *pw;
	const char *user;
	char *raw;

	if (t->os_user != NULL)
		return t->os_user;
	if ((user = getenv("USER")) == NULL || *user == '\0')
		user = (pw = getpwuid(getuid())) != NULL ? pw->pw_name : "?";
	raw = utf8_copy(user);
	t->os_user = xasprintf("%s@%s", raw, track_host(t));
	free(raw);
	return t->os_user;
}

void
track_release(struct track *t)
{
	track_discard(t);
	free(t->q);
	free(t->table);
	free(t->log);
	free(t->lock);
	free(t->lockname);
	free(t->holder);
	free(t->os_user);
	free(t->partial);
	free(t->foreign);
	strlist_release(&t->applied);
	free(t->os_host);
	memset(t, 0, sizeof(*t));
}

void
track_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
}

int
track_exists(struct track *t, struct dberr *err)
{
	return t->drv->table_exists(t->conn, t->schema, t->name, err);
}

/* Queues a statement for track_commit(); takes sql, which buf_detach() made. */
static void
queue(struct track *t, char *sql, int nparams, const char *const *params,
    const char *what)
{
	struct trackq *q;
	int i;

	if (t->nq == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 4;
		t->q = xreallocarray(t->q, t->alloc, sizeof(*t->q));
	}
	q = &t->q[t->nq++];
	q->sql = sql;
	q->nparams = nparams;
	q->params = xreallocarray(NULL, (size_t)nparams + 1, sizeof(char *));
	for (i = 0; i < nparams; i++)
		q->params[i] = params[i] != NULL ? xstrdup(params[i]) : NULL;
	q->what = what;
}

/* The columns added in a transaction that did not commit are not there. */
static void
not_added(struct track *t)
{
	t->cols &= ~t->adding;
	t->add |= t->adding;
	t->adding = 0;
}

/* Rolls back the transaction of upgrade() that put() was to commit. */
static void
abandon(struct track *t)
{
	struct dberr e2;

	dberr_init(&e2);
	t->drv->rollback(t->conn, &e2);
	dberr_release(&e2);
	not_added(t);
}

/*
 * Writes a row now, or queues it while deferring; takes sql, which
 * buf_detach() made.  With own, commits the transaction of upgrade().
 */
static int
put(struct track *t, char *sql, int nparams, const char *const *params,
    const char *what, int own, struct dberr *err)
{
	int rc;

	if (t->defer) {
		queue(t, sql, nparams, params, what);
		return 0;
	}
	rc = t->drv->query(t->conn, sql, nparams, params, NULL, NULL, err);
	free(sql);
	if (!own)
		return rc;
	if (rc == 0 && t->drv->commit(t->conn, err) == 0) {
		t->adding = 0;
		return 0;
	}
	abandon(t);
	return -1;
}

static int upgrade(struct track *, int, int *, struct dberr *);

/* A write failed before its row: what put() would do after it. */
static int
keep_failed(struct track *t, int own)
{
	if (own)
		abandon(t);
	return -1;
}

void
track_defer(struct track *t)
{
	t->defer = 1;
}

void
track_discard(struct track *t)
{
	size_t i;
	int j;

	for (i = 0; i < t->nq; i++) {
		free(t->q[i].sql);
		for (j = 0; j < t->q[i].nparams; j++)
			free(t->q[i].params[j]);
		free(t->q[i].params);
	}
	t->nq = 0;
	t->defer = 0;
	not_added(t);
}

int
track_commit(struct track *t, const char **what, struct dberr *err)
{
	struct dbwrite *w;
	size_t i, failed;
	int rc;

	w = xreallocarray(NULL, t->nq + 1, sizeof(*w));
	for (i = 0; i < t->nq; i++) {
		w[i].sql = t->q[i].sql;
		w[i].nparams = t->q[i].nparams;
		w[i].params = (const char *const *)t->q[i].params;
	}
	rc = t->drv->write(t->conn, w, t->nq, 1, &failed, err);
	*what = rc == -1 && failed < t->nq ? t->q[failed].what : NULL;
	if (rc == 0)
		t->adding = 0;
	free(w);
	track_discard(t);
	return rc;
}

/* SQL of sql/ with the configured names in place of the default ones. */
static void
ddl_text(const struct track *t, const char *p, struct buf *out)
{
	static const char base[] = "msr_migrations";
	const char *hit;

	while ((hit = strstr(p, base)) != NULL) {
		buf_add(out, p, (size_t)(hit - p));
		p = hit + strlen(base);
		if (strncmp(p, "_log", 4) == 0 && p[4] != 'k') {
			buf_adds(out, t->log);
			p += 4;
		} else if (strncmp(p, "_lock", 5) == 0) {
			buf_adds(out, t->lock);
			p += 5;
		} else
			buf_adds(out, t->table);
	}
	buf_adds(out, p);
}

int
track_create_in(struct track *t, struct dberr *err)
{
	struct buf sql = BUF_INIT, why = BUF_INIT;
	struct sqlstmt st[16];
	struct sqlscan sc;
	size_t n = 0;
	int rc;

	ddl_text(t, t->drv->ddl, &sql);
	sqlscan_init(&sc, sql.s, sql.len, t->drv->dialect);
	while (n < sizeof(st) / sizeof(st[0]) &&
	    sqlscan_next(&sc, &st[n], &why) == 1)
		n++;
	rc = t->drv->exec(t->conn, sql.s, st, n, err);
	buf_release(&sql);
	buf_release(&why);
	/* Made from the DDL of now: every column is there. */
	if (rc == 0) {
		t->cols = TRACKCOL_ALL;
		t->add = 0;
	}
	return rc;
}

/*
 * The statement of the driver's upgrade file that adds the column name,
 * "ALTER TABLE ... ADD COLUMN [IF NOT EXISTS] name ...", with the
 * configured names, in out; -1 when the file has none.
 */
static int
upgrade_stmt(const struct track *t, const char *name, struct buf *out)
{
	struct buf why = BUF_INIT;
	struct sqlstmt st;
	struct sqlscan sc;
	const char *text = t->drv->upgrade, *p;
	char *one;
	size_t n = strlen(name);
	int rc = -1;

	sqlscan_init(&sc, text, strlen(text), t->drv->dialect);
	while (rc == -1 && sqlscan_next(&sc, &st, &why) == 1) {
		one = xstrndup(text + st.start, st.end - st.start);
		if ((p = strstr(one, " ADD COLUMN ")) != NULL) {
			p += 12;
			if (strncmp(p, "IF NOT EXISTS ", 14) == 0)
				p += 14;
			if (strncmp(p, name, n) == 0 && p[n] == ' ') {
				ddl_text(t, one, out);
				rc = 0;
			}
		}
		free(one);
	}
	buf_release(&why);
	return rc;
}

int
track_columns(struct track *t, struct dberr *err)
{
	struct strlist cols[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	char *log = xasprintf("%s_log", t->name);
	const struct newcol *c;
	size_t i, j;
	int may[2] = { 0, 0 }, rc = -1;

	if (t->drv->columns(t->conn, t->schema, t->name, &cols[0], &may[0],
	    err) == -1 || t->drv->columns(t->conn, t->schema, log, &cols[1],
	    &may[1], err) == -1)
		goto done;
	t->cols = t->add = 0;
	free(t->foreign);
	t->foreign = NULL;
	if (!strlist_has(&cols[0], "version") ||
	    !strlist_has(&cols[0], "checksum") ||
	    !strlist_has(&cols[0], "state")) {
		struct buf b = BUF_INIT;

		for (j = 0; j < cols[0].n; j++)
			buf_addf(&b, "%s%s", j > 0 ? ", " : "", cols[0].v[j]);
		t->foreign = buf_detach(&b);
	}
	for (i = 0; i < NNEWCOLS; i++) {
		c = &newcols[i];
		for (j = 0; j < cols[c->audit].n; j++)
			if (strcmp(cols[c->audit].v[j], c->name) == 0)
				break;
		if (j < cols[c->audit].n)
			t->cols |= c->bit;
		else if (may[c->audit])
			t->add |= c->bit;
	}
	rc = 0;
done:
	strlist_release(&cols[0]);
	strlist_release(&cols[1]);
	free(log);
	return rc;
}

unsigned
track_missing(const struct track *t, struct buf *msg)
{
	struct buf sql = BUF_INIT;
	const struct newcol *c;
	unsigned missing = TRACKCOL_ALL & ~t->cols & ~t->add;
	size_t i;
	int n = 0;

	if (missing == 0)
		return 0;
	for (i = 0; i < NNEWCOLS; i++) {
		c = &newcols[i];
		if (!(missing & c->bit))
			continue;
		buf_addf(msg, "%sthe %s table %s has no column %s: msr does"
		    " not record %s", n++ > 0 ? "; " : "", c->audit ?
		    "audit" : "tracking", c->audit ? t->log : t->table,
		    c->name, c->what);
	}
	buf_addf(msg, "; msr may not add %s; a DBA can run %s, or:",
	    n > 1 ? "them" : "it", t->drv->upgrade_file);
	for (i = 0; i < NNEWCOLS; i++) {
		c = &newcols[i];
		buf_reset(&sql);
		if ((missing & c->bit) && upgrade_stmt(t, c->name, &sql) == 0)
			buf_addf(msg, "\n%s;", sql.s);
	}
	buf_release(&sql);
	return missing;
}

int
track_new_run(struct track *t, struct buf *err)
{
	unsigned char r[16];
	size_t i;
	ssize_t n;
	int fd, ok;

	ok = getentropy(r, sizeof(r)) == 0;
	if (!ok && (fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, r, sizeof(r));
		ok = n == (ssize_t)sizeof(r);
		close(fd);
	}
	if (!ok) {
		buf_addf(err, "cannot make the run id: no random bytes from"
		    " getentropy() or /dev/urandom: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(t->run_id + 2 * i, 3, "%02x", r[i]);
	return 0;
}

/*
 * The columns msr adds, before the first row it writes for a change: in
 * the queue of track_defer() or in the transaction that is open, or for
 * a tracking row outside one, in a transaction that *own says put()'s
 * caller is to commit with the row.  The column bits are set now;
 * track_discard() and again_after() put them back when that transaction
 * did not commit.
 */
static int
upgrade(struct track *t, int row, int *own, struct dberr *err)
{
	struct dbwrite w[NNEWCOLS];
	struct buf sql[NNEWCOLS];
	size_t i, n = 0, failed;
	int rc = 0;

	*own = 0;
	/* Added in a transaction that has ended since: ask again. */
	if (t->adding != 0 && !t->defer && !t->drv->in_transaction(t->conn)) {
		t->adding = 0;
		if (track_columns(t, err) == -1)
			return -1;
	}
	if (t->add == 0 || (!row && !t->defer &&
	    !t->drv->in_transaction(t->conn)))
		return 0;
	for (i = 0; i < NNEWCOLS; i++) {
		buf_init(&sql[n]);
		if (!(t->add & newcols[i].bit))
			continue;
		if (upgrade_stmt(t, newcols[i].name, &sql[n]) == -1) {
			buf_release(&sql[n]);
			continue;
		}
		w[n].sql = sql[n].s;
		w[n].nparams = 0;
		w[n].params = NULL;
		n++;
	}
	if (!t->drv->in_transaction(t->conn)) {
		if (t->drv->begin(t->conn, err) == -1)
			goto done;
		*own = 1;
	}
	if (t->defer) {
		for (i = 0; i < n; i++)
			queue(t, buf_detach(&sql[i]), 0, NULL,
			    "new column of the tracking tables");
	} else if ((rc = t->drv->write(t->conn, w, n, 0, &failed,
	    err)) == -1) {
		if (*own)
			abandon(t);
		*own = 0;
		goto done;
	}
	t->cols |= t->add;
	t->adding |= t->add;
	t->add = 0;
done:
	for (i = 0; i < n; i++)
		buf_release(&sql[i]);
	return rc;
}


int
track_create(struct track *t, struct dberr *err)
{
	struct dberr e2;

	if (t->drv->begin(t->conn, err) == -1)
		return -1;
	if (track_create_in(t, err) == -1 ||
	    t->drv->commit(t->conn, err) == -1) {
		dberr_init(&e2);
		t->drv->rollback(t->conn, &e2);
		dberr_release(&e2);
		return -1;
	}
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int
row_cb(void *arg, int ncols, const char *const *v)
{
	struct trackrows *rows = arg;
	struct trackrow *r;

	if (ncols < 11)
		return -1;
	if (rows->n == rows->alloc) {
		rows->alloc = rows->alloc ? rows->alloc * 2 : 64;
		rows->v = xreallocarray(rows->v, rows->alloc, sizeof(*rows->v));
	}
	r = &rows->v[rows->n++];
	r->version = xstrdup(v[0] ? v[0] : "");
	r->name = xstrdup(v[1] ? v[1] : "");
	r->checksum = xstrdup(v[2] ? v[2] : "");
	r->partial = v[3] != NULL && strcmp(v[3], "partial") == 0;
	r->done = v[4] ? strtol(v[4], NULL, 10) : 0;
	r->applied_at = xstrdup(v[5] ? v[5] : "");
	r->execution_ms = v[6] ? strtoll(v[6], NULL, 10) : 0;
	r->applied_by = dup_or_null(v[7]);
	r->os_user = dup_or_null(v[8]);
	r->seq = v[9] ? strtoll(v[9], NULL, 10) : 0;
	r->origin = dup_or_null(v[10]);
	return 0;
}

/* Orders versions as migfile_vercmp() does, for qsort(). */
static int
vercmp_p(const void *a, const void *b)
{
	return migfile_vercmp(*(char *const *)a, *(char *const *)b);
}

/* What keep_tool needs of the rows: which are applied, which partial. */
static void
keep_load(struct track *t, const struct trackrows *rows)
{
	size_t i;

	strlist_release(&t->applied);
	free(t->partial);
	t->partial = NULL;
	for (i = 0; i < rows->n; i++) {
		if (!rows->v[i].partial)
			strlist_add(&t->applied, rows->v[i].version);
		else if (t->partial == NULL)
			t->partial = xstrdup(rows->v[i].version);
	}
	if (t->applied.n > 1)
		qsort(t->applied.v, t->applied.n, sizeof(*t->applied.v),
		    vercmp_p);
}

/* What happened to the row of a version, for keep(). */
enum keepwhat {
	KEPT_APPLIED,
	KEPT_PARTIAL,
	KEPT_DELETED
};

/* Writes the tool's table of keep_tool as msr's rows now say. */
static int
keep_write(struct track *t, struct dberr *err)
{
	const char *newest;
	size_t i;

	if (t->keep == DBTOOL_GOLANG_MIGRATE) {
		newest = t->applied.n > 0 ? t->applied.v[t->applied.n - 1] :
		    NULL;
		return t->drv->tool_keep(t->conn, DBTOOL_GOLANG_MIGRATE,
		    t->keep_schema, t->keep_table, DBKEEP_SET, t->partial ?
		    t->partial : newest, t->partial != NULL, err);
	}
	for (i = 0; i < t->applied.n; i++)
		if (t->drv->tool_keep(t->conn, DBTOOL_DBMATE, t->keep_schema,
		    t->keep_table, DBKEEP_SET, t->applied.v[i], 0, err) == -1)
			return -1;
	return 0;
}

/*
 * The row of version changed: the tool's table follows, in the
 * transaction of the change, which *own says the caller is to commit
 * when it began one.
 */
static int
keep(struct track *t, const char *version, enum keepwhat what, int *own,
    struct dberr *err)
{
	char *msg;
	size_t i;
	int rc;

	if (t->keep == -1)
		return 0;
	for (i = 0; i < t->applied.n; i++)
		if (strcmp(t->applied.v[i], version) == 0)
			break;
	if (what == KEPT_APPLIED && i == t->applied.n) {
		strlist_add(&t->applied, version);
		qsort(t->applied.v, t->applied.n, sizeof(*t->applied.v),
		    vercmp_p);
	} else if (what != KEPT_APPLIED && i < t->applied.n) {
		free(t->applied.v[i]);
		memmove(&t->applied.v[i], &t->applied.v[i + 1],
		    (t->applied.n - i - 1) * sizeof(*t->applied.v));
		t->applied.n--;
	}
	if (what == KEPT_PARTIAL) {
		free(t->partial);
		t->partial = xstrdup(version);
	} else if (t->partial != NULL && strcmp(t->partial, version) == 0) {
		free(t->partial);
		t->partial = NULL;
	}
	if (t->keep == DBTOOL_DBMATE && what == KEPT_PARTIAL)
		return 0;
	if (!*own && !t->defer && !t->drv->in_transaction(t->conn)) {
		if (t->drv->begin(t->conn, err) == -1)
			return -1;
		*own = 1;
	}
	if (t->keep == DBTOOL_GOLANG_MIGRATE)
		rc = keep_write(t, err);
	else
		rc = t->drv->tool_keep(t->conn, DBTOOL_DBMATE, t->keep_schema,
		    t->keep_table, what == KEPT_APPLIED ? DBKEEP_SET :
		    DBKEEP_REMOVE, version, 0, err);
	/* A migration may have dropped or renamed it: say which table. */
	if (rc == -1) {
		msg = buf_detach(&err->msg);
		buf_addf(&err->msg, "keep_tool's table %s.%s: %s",
		    t->keep_schema, t->keep_table, msg);
		free(msg);
	}
	return rc;
}

/*
 * Whether a table of these columns can be the tool's of keep_tool:
 * dbmate's has no "dirty", golang-migrate's has one.
 */
static int
keep_fits(const struct track *t, const struct strlist *cols)
{
	return strlist_has(cols, "version") && strlist_has(cols, "dirty") ==
	    (t->keep == DBTOOL_GOLANG_MIGRATE);
}

/* Whether the table of keep_tool is one of msr's own three. */
static int
keep_is_ours(const struct track *t)
{
	static const char *const suffix[] = { "", "_log", "_lock" };
	int (*cmp)(const char *, const char *);
	char *name;
	size_t i;
	int ours = 0;

	/* SQLite compares names without regard to case. */
	cmp = t->drv->dialect == SQLDIALECT_SQLITE ? strcasecmp : strcmp;
	if (cmp(t->keep_schema, t->schema) != 0)
		return 0;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]) && !ours; i++) {
		name = xasprintf("%s%s", t->name, suffix[i]);
		ours = cmp(t->keep_table, name) == 0;
		free(name);
	}
	return ours;
}

int
track_keep_start(struct track *t, struct dberr *err)
{
	struct strlist cols = STRLIST_INIT;
	size_t i;
	int rc, may_add;

	if (t->keep == -1)
		return 0;
	if (keep_is_ours(t)) {
		buf_adds(&err->msg, "it is a table of msr itself; give"
		    " keep_table the name of the tool's table");
		return -1;
	}
	if (t->drv->columns(t->conn, t->keep_schema, t->keep_table, &cols,
	    &may_add, err) == -1)
		return -1;
	if (cols.n > 0) {
		rc = keep_fits(t, &cols) ? 0 : -1;
		if (rc == -1) {
			buf_addf(&err->msg, "it is not %s's: it has the"
			    " columns ", t->keep == DBTOOL_GOLANG_MIGRATE ?
			    "golang-migrate" : "dbmate");
			for (i = 0; i < cols.n; i++)
				buf_addf(&err->msg, "%s%s", i > 0 ? ", " : "",
				    cols.v[i]);
		}
		strlist_release(&cols);
		return rc;
	}
	if (track_keep_schema(t, err) == -1)
		return -1;
	if (t->drv->begin(t->conn, err) == -1)
		return -1;
	if (t->drv->tool_keep(t->conn, t->keep, t->keep_schema, t->keep_table,
	    DBKEEP_CREATE, NULL, 0, err) == -1 || keep_write(t, err) == -1 ||
	    t->drv->commit(t->conn, err) == -1) {
		abandon(t);
		return -1;
	}
	return 1;
}

int
track_keep_schema(struct track *t, struct dberr *err)
{
	int rc;

	if (t->keep == -1)
		return 0;
	rc = t->drv->object_exists(t->conn, DBOBJ_SCHEMA, NULL,
	    t->keep_schema, NULL, err);
	if (rc == 0) {
		dberr_reset(err);
		buf_adds(&err->msg, "keep_schema of [migrations] names no"
		    " schema that exists");
	}
	return rc == 1 ? 0 : -1;
}

int
track_load(struct track *t, struct trackrows *rows, struct dberr *err)
{
	struct buf sql = BUF_INIT;
	int rc;

	memset(rows, 0, sizeof(*rows));
	buf_adds(&sql, "SELECT version, name, checksum, state,"
	    " statements_done, ");
	driver_subst(&sql, t->drv->utc_text, "applied_at");
	buf_addf(&sql, ", execution_ms, applied_by, os_user, seq, %s FROM %s"
	    " ORDER BY seq", t->cols & TRACKCOL_ORIGIN ? "origin" : "NULL",
	    t->table);
	rc = t->drv->query(t->conn, sql.s, 0, NULL, row_cb, rows, err);
	buf_release(&sql);
	if (rc != 0 && err->msg.len == 0)
		buf_adds(&err->msg, "unexpected columns in the tracking table");
	/* Rows are in seq order; msr holds the lock from here on. */
	t->seq = rows->n > 0 ? rows->v[rows->n - 1].seq : 0;
	if (rc == 0 && t->keep != -1)
		keep_load(t, rows);
	return rc == 0 ? 0 : -1;
}

void
track_rows_release(struct trackrows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		free(rows->v[i].version);
		free(rows->v[i].name);
		free(rows->v[i].checksum);
		free(rows->v[i].applied_at);
		free(rows->v[i].applied_by);
		free(rows->v[i].os_user);
		free(rows->v[i].origin);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

struct trackrow *
track_find(const struct trackrows *rows, const char *version)
{
	size_t i;

	for (i = rows->n; i-- > 0;)
		if (strcmp(rows->v[i].version, version) == 0)
			return &rows->v[i];
	return NULL;
}

/* track_record(), applied at the time at, or now when at is NULL. */
static int
record(struct track *t, const char *version, const char *name,
    const char *checksum, const char *origin, const char *at, int partial,
    long done, long long ms, int replace, struct dberr *err)
{
	struct buf sql = BUF_INIT;
	char now[32], sdone[24], sms[24], sseq[24];
	const char *params[11];
	int own, n = 10;

	if (upgrade(t, 1, &own, err) == -1 || keep(t, version, partial ?
	    KEPT_PARTIAL : KEPT_APPLIED, &own, err) == -1)
		return keep_failed(t, own);
	track_now(now);
	snprintf(sdone, sizeof(sdone), "%ld", done);
	snprintf(sms, sizeof(sms), "%lld", ms);
	snprintf(sseq, sizeof(sseq), "%lld", ++t->seq);
	params[0] = version;
	params[1] = name;
	params[2] = checksum;
	params[3] = partial ? "partial" : "applied";
	params[4] = sdone;
	params[5] = at != NULL ? at : now;
	params[6] = sms;
	params[7] = t->drv->user(t->conn);
	params[8] = os_user(t);
	params[9] = sseq;
	params[10] = origin;
	if (t->cols & TRACKCOL_ORIGIN)
		n = 11;
	buf_addf(&sql, "INSERT INTO %s (version, name, checksum, state,"
	    " statements_done, applied_at, execution_ms, applied_by,"
	    " os_user, seq%s) VALUES ($1, $2, $3, $4, CAST($5 AS INTEGER),"
	    " $6, CAST($7 AS INTEGER), $8, $9, CAST($10 AS INTEGER)%s)",
	    t->table, n == 11 ? ", origin" : "", n == 11 ? ", $11" : "");
	/* A row that is there (partial) is replaced, as new. */
	if (replace)
		buf_addf(&sql, " ON CONFLICT (version) DO UPDATE SET"
		    " name = excluded.name, checksum = excluded.checksum,"
		    " state = excluded.state,"
		    " statements_done = excluded.statements_done,"
		    " applied_at = excluded.applied_at,"
		    " execution_ms = excluded.execution_ms,"
		    " applied_by = excluded.applied_by,"
		    " os_user = excluded.os_user, seq = excluded.seq%s",
		    n == 11 ? ", origin = excluded.origin" : "");
	return put(t, buf_detach(&sql), n, params, "tracking row", own, err);
}

int
track_record(struct track *t, const char *version, const char *name,
    const char *checksum, const char *origin, int partial, long done,
    long long ms, int replace, struct dberr *err)
{
	return record(t, version, name, checksum, origin, NULL, partial,
	    done, ms, replace, err);
}

int
track_record_at(struct track *t, const char *version, const char *name,
    const char *checksum, const char *origin, const char *at,
    struct dberr *err)
{
	return record(t, version, name, checksum, origin, at, 0, 0, 0, 0,
	    err);
}

int
track_progress(struct track *t, const char *version, long done,
    struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[2];
	char sdone[24];
	int rc;

	snprintf(sdone, sizeof(sdone), "%ld", done);
	params[0] = version;
	params[1] = sdone;
	buf_addf(&sql, "UPDATE %s SET statements_done = CAST($2 AS INTEGER)"
	    " WHERE version = $1", t->table);
	rc = t->drv->query(t->conn, sql.s, 2, params, NULL, NULL, err);
	buf_release(&sql);
	return rc;
}

int
track_accept(struct track *t, const char *version, const char *checksum,
    struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[2] = { version, checksum };
	int own;

	if (upgrade(t, 1, &own, err) == -1 ||
	    keep(t, version, KEPT_APPLIED, &own, err) == -1)
		return keep_failed(t, own);
	/* The row keeps its origin. */
	buf_addf(&sql, "UPDATE %s SET checksum = $2, state = 'applied',"
	    " statements_done = 0 WHERE version = $1", t->table);
	return put(t, buf_detach(&sql), 2, params, "tracking row", own, err);
}

int
track_delete(struct track *t, const char *version, struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[1] = { version };
	int own;

	if (upgrade(t, 1, &own, err) == -1 ||
	    keep(t, version, KEPT_DELETED, &own, err) == -1)
		return keep_failed(t, own);
	buf_addf(&sql, "DELETE FROM %s WHERE version = $1", t->table);
	return put(t, buf_detach(&sql), 1, params, "tracking row", own, err);
}

int
track_lock_exists(struct track *t, struct dberr *err)
{
	return t->drv->table_exists(t->conn, t->schema, t->lockname, err);
}

static int
holder_cb(void *arg, int ncols, const char *const *vals)
{
	struct buf *b = arg;

	buf_reset(b);
	if (ncols > 0 && vals[0] != NULL)
		buf_adds(b, vals[0]);
	return 0;
}

enum dblock
track_lock_try(struct track *t, struct buf *holder, struct dberr *err)
{
	struct buf sql = BUF_INIT, got = BUF_INIT, row = BUF_INIT;
	const char *params[2];
	char now[32];
	enum dblock rc = DBLOCK_ERROR;

	if (t->holder == NULL) {
		driver_utc(now, time(NULL));
		buf_addf(&row, "pid %ld on %s since %s", (long)getpid(),
		    track_host(t), now);
		holder_proof(&row, track_host(t));
		t->holder = buf_detach(&row);
	}
	track_now(now);
	params[0] = t->holder;
	params[1] = now;
	buf_addf(&sql, "INSERT INTO %s (id, holder, since) VALUES (1, $1, $2)"
	    " ON CONFLICT DO NOTHING", t->lock);
	if (t->drv->query(t->conn, sql.s, 2, params, NULL, NULL, err) == -1)
		goto done;
	buf_reset(&sql);
	buf_addf(&sql, "SELECT holder FROM %s WHERE id = 1", t->lock);
	if (t->drv->query(t->conn, sql.s, 0, NULL, holder_cb, &got,
	    err) == -1)
		goto done;
	if (strcmp(got.s, t->holder) == 0)
		rc = DBLOCK_TAKEN;
	else {
		buf_reset(holder);
		holder_text(holder, got.s);
		if (holder->len == 0)
			buf_adds(holder, "another process");
		rc = DBLOCK_BUSY;
	}
done:
	buf_release(&sql);
	buf_release(&got);
	return rc;
}

int
track_lock_holder(struct track *t, struct buf *holder, struct buf *row,
    struct dberr *err)
{
	struct buf sql = BUF_INIT, got = BUF_INIT;
	int rc;

	if ((rc = track_lock_exists(t, err)) != 1)
		return rc;
	buf_addf(&sql, "SELECT coalesce(holder, '') || '.' FROM %s"
	    " WHERE id = 1", t->lock);
	rc = t->drv->query(t->conn, sql.s, 0, NULL, holder_cb, &got, err);
	if (rc != -1 && (rc = got.len > 0)) {
		buf_truncate(&got, got.len - 1);
		buf_reset(holder);
		holder_text(holder, got.s);
		if (holder->len == 0)
			buf_adds(holder, "another process");
		if (row != NULL) {
			buf_reset(row);
			buf_add(row, got.s, got.len);
		}
	}
	buf_release(&sql);
	buf_release(&got);
	return rc;
}

static int
count_cb(void *arg, int ncols, const char *const *vals)
{
	(void)ncols;
	(void)vals;
	(*(int *)arg)++;
	return 0;
}

int
track_lock_release(struct track *t, const char *row, struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[1];
	int n = 0, rc;

	if (row == NULL && (row = t->holder) == NULL)
		return 0;
	params[0] = row;
	/* Only the row judged: one that another msr took since stays. */
	buf_addf(&sql, "DELETE FROM %s WHERE id = 1 AND holder = $1"
	    " RETURNING id", t->lock);
	rc = t->drv->query(t->conn, sql.s, 1, params, count_cb, &n, err);
	buf_release(&sql);
	return rc == -1 ? -1 : n > 0;
}

int
track_log_read(struct track *t, const char *version, const char *since,
    long limit, dbrow_fn fn, void *arg, struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[2];
	int n = 0, rc;

	buf_adds(&sql, "SELECT id, ");
	driver_subst(&sql, t->drv->utc_text, "at");
	buf_addf(&sql, ", action, version, name, outcome, message,"
	    " execution_ms, db_user, os_user, %s FROM %s",
	    t->cols & TRACKCOL_RUN_ID ? "run_id" : "NULL", t->log);
	/* Only the conditions given, each parameter typed by its column. */
	if (version != NULL) {
		params[n++] = version;
		buf_adds(&sql, " WHERE version = $1");
	}
	if (since != NULL) {
		params[n++] = since;
		buf_addf(&sql, " %s at >= $%d", n == 1 ? "WHERE" : "AND", n);
	}
	buf_addf(&sql, " ORDER BY id DESC LIMIT %ld", limit);
	rc = t->drv->query(t->conn, sql.s, n, params, fn, arg, err);
	buf_release(&sql);
	return rc;
}

int
track_audit(struct track *t, const char *action, const char *version,
    const char *name, const char *outcome, const char *message,
    long long ms, struct dberr *err)
{
	struct buf sql = BUF_INIT;
	const char *params[10];
	char now[32], sms[24];
	int own, n = 9;

	if (upgrade(t, 0, &own, err) == -1)
		return -1;
	track_now(now);
	snprintf(sms, sizeof(sms), "%lld", ms);
	params[0] = now;
	params[1] = action;
	params[2] = version;
	params[3] = name;
	params[4] = outcome;
	params[5] = message;
	params[6] = sms;
	params[7] = t->drv->user(t->conn);
	params[8] = os_user(t);
	params[9] = t->run_id[0] != '\0' ? t->run_id : NULL;
	if (t->cols & TRACKCOL_RUN_ID)
		n = 10;
	buf_addf(&sql, "INSERT INTO %s (at, action, version, name, outcome,"
	    " message, execution_ms, db_user, os_user%s) VALUES ($1, $2, $3,"
	    " $4, $5, $6, CAST($7 AS INTEGER), $8, $9%s)", t->log,
	    n == 10 ? ", run_id" : "", n == 10 ? ", $10" : "");
	return put(t, buf_detach(&sql), n, params, "audit row", own, err);
}
