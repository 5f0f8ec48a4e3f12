/*
 * lock status and lock release: who holds the migration lock, and
 * clearing a lock table row left by an msr that died, only when its
 * holder is provably gone (holder.h) unless --force.  wait: until the
 * database accepts connections.
 */
#include "buildconf.h"

#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "buf.h"
#include "cmd.h"
#include "holder.h"
#include "log.h"
#include "msr.h"

/*
 * Deletes the lock table row whose holder text is row, described by
 * holder, when its holder is provably gone, or with --force; returns an
 * exit code.
 */
static int
release_row(struct msr *m, const char *holder, const char *row)
{
	struct buf why = BUF_INIT, now = BUF_INIT;
	enum holder_verdict v;
	struct dberr err;
	int rc = MSR_OK, got;

	dberr_init(&err);
	v = holder_judge(row, track_host(&m->track), &why);
	if (v == HOLDER_RUNS && !m->o.force) {
		log_error("not releasing the lock held by %s: %s; 'msr lock"
		    " release --force' frees it anyway, and then a second msr"
		    " can apply the same migrations while it runs", holder,
		    why.s);
		rc = MSR_ELOCK;
		goto done;
	}
	if (v == HOLDER_UNKNOWN && !m->o.force) {
		log_error("not releasing the lock held by %s: msr cannot prove"
		    " that its holder is gone: %s; when you know it is, run"
		    " 'msr lock release --force'", holder, why.s);
		rc = MSR_ELOCK;
		goto done;
	}
	if (v != HOLDER_GONE)
		log_warn("releasing the lock held by %s although %s: should"
		    " that msr still run, a second msr can take the lock and"
		    " apply the same migrations at the same time", holder,
		    v == HOLDER_RUNS ? why.s : "msr cannot prove that its"
		    " holder is gone");
	if ((got = track_lock_release(&m->track, row, &err)) == -1) {
		log_error("cannot release the lock: %s", err.msg.s);
		rc = MSR_EFAILED;
	} else if (got == 1) {
		if (v == HOLDER_GONE)
			log_info("its holder is gone: %s", why.s);
		printf("released the lock held by %s\n", holder);
	} else if ((got = track_lock_holder(&m->track, &now, NULL,
	    &err)) == -1) {
		log_error("cannot read the migration lock: %s", err.msg.s);
		rc = MSR_ECONNECT;
	} else if (got == 1) {
		/* Another msr took the lock after it was read. */
		log_error("not releasing the lock: it changed hands while msr"
		    " looked at it, and is held by %s now", now.s);
		rc = MSR_ELOCK;
	} else
		printf("not held\n");
done:
	buf_release(&why);
	buf_release(&now);
	dberr_release(&err);
	return rc;
}

int
cmd_lock(struct msr *m)
{
	struct buf holder = BUF_INIT, row = BUF_INIT;
	struct dberr err;
	int got, release, table, rc = MSR_OK;

	if (m->argc != 1 || (strcmp(m->argv[0], "status") != 0 &&
	    strcmp(m->argv[0], "release") != 0)) {
		log_error("%s", m->argc != 1 ? "lock needs status or release" :
		    "lock: expected status or release");
		fprintf(stderr, "usage: msr lock status | release [--force]\n");
		return MSR_EUSAGE;
	}
	release = strcmp(m->argv[0], "release") == 0;
	if (!release && m->o.force) {
		log_error("option '--force' goes with 'lock release'");
		fprintf(stderr, "usage: msr lock status | release [--force]\n");
		return MSR_EUSAGE;
	}
	table = m->cfg.lock_method == LOCKMETHOD_TABLE;
	dberr_init(&err);
	if (release && table)
		got = track_lock_holder(&m->track, &holder, &row, &err);
	else
		got = cmd_lock_holder(m, &holder, &err);
	if (got == -1) {
		log_error("cannot read the migration lock: %s", err.msg.s);
		rc = MSR_ECONNECT;
	} else if (!release && m->o.json) {
		buf_reset(&row);
		buf_adds(&row, "{\"database\":");
		log_json_str(&row, m->url_masked);
		buf_adds(&row, ",\"held\":");
		buf_adds(&row, got ? "true,\"holder\":" : "false,\"holder\":");
		if (got)
			log_json_str(&row, holder.s);
		else
			buf_adds(&row, "null");
		buf_adds(&row, "}\n");
		fputs(row.s, stdout);
	} else if (got == 0)
		printf("not held\n");
	else if (!release)
		printf("held by %s\n", holder.s);
	else if (table)
		rc = release_row(m, holder.s, row.s);
	else {
		log_error("the lock is held by %s; only its holder can free"
		    " it, and it goes away when that holder ends", holder.s);
		rc = MSR_ELOCK;
	}
	buf_release(&holder);
	buf_release(&row);
	dberr_release(&err);
	return rc;
}

int
cmd_wait(struct msr *m)
{
	int rc;

	if (m->o.timeout >= 0)
		m->cfg.wait = m->o.timeout;
	else if (m->cfg.wait == 0)
		m->cfg.wait = 60;
	if ((rc = cmd_connect(m, DBCONN_READONLY)) != MSR_OK)
		return rc;
	log_info("%s accepts connections", m->url_masked);
	return MSR_OK;
}
