/*
 * What the commands share, beneath all of them and main.c: connecting,
 * the tracking tables and keep_tool's table made ready before the first
 * change, one transaction of tracking rows, the rows read again, the
 * version the database is at, who holds the lock, and the message of a
 * bad version argument.
 */
#include "buildconf.h"

#include <stdlib.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "sha256.h"
#include "sqlfile.h"
#include "url.h"

static int
connect_db(struct msr *m, int flags)
{
	struct dberr err;
	long long waited = 0;
	int said = 0, rc;
	char *why;

	dberr_init(&err);
	for (;;) {
		rc = m->drv->connect(&m->conn, &m->cfg, flags, &err);
		if (rc == 0 || !err.connection || waited >= m->cfg.wait ||
		    apply_interrupted())
			break;
		if (!said) {
			why = url_scrub(err.msg.s, m->cfg.url, m->cfg.password);
			log_info("waiting up to %d s for %s: %s", m->cfg.wait,
			    m->url_masked, why);
			free(why);
		}
		said = 1;
		sleep(1);
		waited++;
	}
	if (rc == -1) {
		why = url_scrub(err.msg.s, m->cfg.url, m->cfg.password);
		log_error("cannot %s %s: %s", err.connection ? "connect to" :
		    "set up the session of [postgres] on", m->url_masked,
		    why);
		free(why);
	}
	rc = rc == 0 ? MSR_OK : err.connection ? MSR_ECONNECT : MSR_EUSAGE;
	dberr_release(&err);
	return rc;
}

int
cmd_connect(struct msr *m, int flags)
{
	struct buf err = BUF_INIT;

	if (m->cfg.url == NULL || *m->cfg.url == '\0') {
		log_error("no database URL: give --url, set MSR_DATABASE_URL"
		    " or DATABASE_URL, or set url in [database] of"
		    " msr.ini");
		return MSR_EUSAGE;
	}
	m->url_masked = url_mask(m->cfg.url);
	if ((m->drv = driver_find(m->cfg.url, &err)) == NULL) {
		log_error("%s%s%s", m->cfg.url_origin != NULL ?
		    m->cfg.url_origin : "", m->cfg.url_origin != NULL ?
		    ": " : "", err.s);
		buf_release(&err);
		return MSR_EUSAGE;
	}
	if (m->drv->check_url != NULL &&
	    m->drv->check_url(m->cfg.url, &err) == -1) {
		log_error("%s%sinvalid database URL '%s': %s",
		    m->cfg.url_origin != NULL ? m->cfg.url_origin : "",
		    m->cfg.url_origin != NULL ? ": " : "", m->url_masked,
		    err.s);
		buf_release(&err);
		return MSR_EUSAGE;
	}
	buf_release(&err);
	return connect_db(m, flags);
}

/* Says why keep_tool's table cannot be used; returns an exit code. */
static int
keep_error(struct msr *m, const struct dberr *dbe)
{
	int rc;

	if ((rc = apply_say_interrupted()) != 0)
		return rc;
	log_error("keep_tool: cannot use %s.%s: %s", m->track.keep_schema,
	    m->track.keep_table, dbe->msg.s);
	return dbe->code[0] == '\0' ? MSR_EUSAGE : MSR_ECONNECT;
}

int
cmd_keep_start(struct msr *m)
{
	struct dberr dbe;
	int made, rc = MSR_OK;

	dberr_init(&dbe);
	if ((made = track_keep_start(&m->track, &dbe)) == -1)
		rc = keep_error(m, &dbe);
	else if (made)
		log_info("created %s.%s for keep_tool, as %s creates it",
		    m->track.keep_schema, m->track.keep_table,
		    m->track.keep == DBTOOL_GOLANG_MIGRATE ?
		    "golang-migrate" : "dbmate");
	dberr_release(&dbe);
	return rc;
}

int
cmd_ensure_tables(struct msr *m)
{
	struct dberr dbe;
	int rc;

	if (m->has_table)
		return MSR_OK;
	/* Nothing is written when keep_tool cannot be kept. */
	dberr_init(&dbe);
	rc = track_keep_schema(&m->track, &dbe) == -1 ? keep_error(m, &dbe) :
	    MSR_OK;
	dberr_release(&dbe);
	if (rc != MSR_OK)
		return rc;
	if ((rc = apply_create_tables(&m->track, 0)) == MSR_OK)
		m->has_table = 1;
	return rc;
}

int
cmd_reload(struct msr *m)
{
	struct dberr dbe;

	track_rows_release(&m->rows);
	if (!m->has_table)
		return 0;
	dberr_init(&dbe);
	if (track_load(&m->track, &m->rows, &dbe) == -1) {
		/* A signal ended the wait: the caller says so. */
		if (!apply_interrupted())
			log_error("cannot read the tracking table %s: %s",
			    m->track.table, dbe.msg.s);
		dberr_release(&dbe);
		return -1;
	}
	dberr_release(&dbe);
	return 0;
}

void
bad_version(const char *what, const char *arg)
{
	char *masked = url_mask_arg(arg);

	log_error("invalid %s '%s': expected a version of 1 to %d digits",
	    what, masked, MIGFILE_VERSION_MAX);
	free(masked);
}

const char *
cmd_newest(const struct msr *m)
{
	const char *max = NULL;
	size_t i;

	for (i = 0; i < m->rows.n; i++)
		if (!m->rows.v[i].partial && (max == NULL ||
		    migfile_vercmp(m->rows.v[i].version, max) > 0))
			max = m->rows.v[i].version;
	return max;
}

const char *
cmd_current_version(const struct msr *m)
{
	const struct migration *mig;
	const char *max = cmd_newest(m);

	if (max == NULL)
		return NULL;
	mig = migfile_find(&m->set, max);
	return mig != NULL ? mig->vtext : max;
}

int
cmd_begin(struct msr *m, struct dberr *err)
{
	int rc, sig;

	if ((rc = cmd_keep_start(m)) != MSR_OK)
		return rc;
	if (m->drv->begin(m->conn, err) == 0)
		return MSR_OK;
	if ((sig = apply_say_interrupted()) == 0)
		log_error("cannot begin a transaction: %s", err->msg.s);
	dberr_release(err);
	return sig != 0 ? sig : MSR_EFAILED;
}

int
cmd_finish(struct msr *m, int failed, struct dberr *err)
{
	struct dberr e2;
	int sig;

	if (!failed && !apply_interrupted() &&
	    m->drv->commit(m->conn, err) == 0)
		return MSR_OK;
	dberr_init(&e2);
	m->drv->rollback(m->conn, &e2);
	dberr_release(&e2);
	if ((sig = apply_say_interrupted()) != 0)
		return sig;
	log_error("cannot update the tracking table %s: %s; nothing was"
	    " changed", m->track.table, err->msg.s);
	return MSR_EFAILED;
}

int
cmd_record_unrun(struct msr *m, const struct migration *mig,
    const char *origin, const char *at, const char *action,
    const char *message, struct buf *out, struct dberr *err)
{
	struct buf ferr = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];
	int rc;

	if ((rc = sqlfile_checksum(mig->up, sum, &ferr)) == -1) {
		log_error("%s", ferr.s);
		buf_release(&ferr);
		return -1;
	}
	buf_release(&ferr);
	buf_addf(out, "%s\n", mig->up);
	if (m->o.dry_run)
		return 0;
	if (track_record_at(&m->track, mig->version, mig->name, sum, origin,
	    at, err) == -1 || track_audit(&m->track, action, mig->version,
	    mig->name, "ok", message, 0, err) == -1)
		return -1;
	return 0;
}

int
cmd_lock_holder(struct msr *m, struct buf *holder, struct dberr *err)
{
	if (m->cfg.lock_method == LOCKMETHOD_TABLE)
		return track_lock_holder(&m->track, holder, NULL, err);
	if (m->drv->lock_holder == NULL)
		return 0;
	return m->drv->lock_holder(m->conn, m->track.schema, m->track.name,
	    holder, err);
}
