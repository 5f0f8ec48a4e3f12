/*
 * The commands that change only the tracking table: repair, which
 * accepts the current files after an operator fixed things by hand, and
 * baseline, which records migrations as applied without running them.
 * Both run in one transaction and write audit rows.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "apply.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "sqlfile.h"

/* Begins the one transaction of the command; returns an exit code. */
static int
begin(struct msr *m, struct dberr *err)
{
	int sig;

	if (m->drv->begin(m->conn, err) == 0)
		return MSR_OK;
	if ((sig = apply_say_interrupted()) == 0)
		log_error("cannot begin a transaction: %s", err->msg.s);
	dberr_release(err);
	return sig != 0 ? sig : MSR_EFAILED;
}

/* Commits, or rolls back and reports; returns an exit code. */
static int
finish(struct msr *m, int failed, struct dberr *err)
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
cmd_repair(struct msr *m)
{
	struct buf ferr = BUF_INIT, msg = BUF_INIT, out = BUF_INIT;
	char sum[SHA256_HEXLEN + 1];
	const struct migration *mig;
	const struct trackrow *r;
	struct dberr err;
	size_t i, changed = 0;
	int failed = 0, rc;

	if (m->rows.n == 0) {
		if (m->o.dry_run)
			printf("nothing to repair\n");
		else
			log_info("nothing to repair");
		return MSR_OK;
	}
	dberr_init(&err);
	if (!m->o.dry_run && (rc = begin(m, &err)) != MSR_OK)
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
		rc = finish(m, failed, &err);
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
	struct buf ferr = BUF_INIT, out = BUF_INIT;
	char to[MIGFILE_VERSION_MAX + 1], sum[SHA256_HEXLEN + 1];
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
	if (!m->o.dry_run && (rc = begin(m, &err)) != MSR_OK)
		return rc;
	for (i = 0; i < m->set.n && !failed && !apply_interrupted(); i++) {
		mig = &m->set.v[i];
		if (migfile_vercmp(mig->version, to) > 0)
			break;
		if (mig->up == NULL || track_find(&m->rows, mig->version))
			continue;
		buf_reset(&ferr);
		if (sqlfile_checksum(mig->up, sum, &ferr) == -1) {
			log_error("%s", ferr.s);
			failed = 1;
			break;
		}
		buf_addf(&out, "%s\n", mig->up);
		n++;
		if (m->o.dry_run)
			continue;
		if (track_record(&m->track, mig->version, mig->name, sum,
		    TRACK_ORIGIN_BASELINE, 0, 0, 0, 0, &err) == -1 ||
		    track_audit(&m->track, "baseline", mig->version,
		    mig->name, "ok", "recorded without running", 0,
		    &err) == -1)
			failed = 1;
	}
	if (m->o.dry_run) {
		rc = failed ? MSR_EUSAGE : MSR_OK;
		fputs(out.s, stdout);
	} else if ((rc = finish(m, failed, &err)) == MSR_OK) {
		fputs(out.s, stdout);
		log_info("recorded %zu migration%s as applied without running"
		    " them", n, n == 1 ? "" : "s");
	}
	buf_release(&ferr);
	buf_release(&out);
	dberr_release(&err);
	return rc;
}
