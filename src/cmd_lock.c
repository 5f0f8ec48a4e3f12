/*
 * lock status and lock release: who holds the migration lock, and
 * clearing a lock table row left by an msr that died.  wait: until the
 * database accepts connections.
 */
#include "buildconf.h"

#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"

int
cmd_lock_holder(struct msr *m, struct buf *holder, struct dberr *err)
{
	if (m->cfg.lock_method == LOCKMETHOD_TABLE)
		return track_lock_holder(&m->track, holder, err);
	if (m->drv->lock_holder == NULL)
		return 0;
	return m->drv->lock_holder(m->conn, m->track.schema, m->track.name,
	    holder, err);
}

int
cmd_lock(struct msr *m)
{
	struct buf holder = BUF_INIT;
	struct dberr err;
	int got, release, rc = MSR_OK;

	if (m->argc != 1 || (strcmp(m->argv[0], "status") != 0 &&
	    strcmp(m->argv[0], "release") != 0)) {
		log_error("%s", m->argc != 1 ? "lock needs status or release" :
		    "lock: expected status or release");
		fprintf(stderr, "usage: msr lock status | release\n");
		return MSR_EUSAGE;
	}
	release = strcmp(m->argv[0], "release") == 0;
	dberr_init(&err);
	got = cmd_lock_holder(m, &holder, &err);
	if (got == -1) {
		log_error("cannot read the migration lock: %s", err.msg.s);
		rc = MSR_ECONNECT;
	} else if (got == 0)
		printf("not held\n");
	else if (!release)
		printf("held by %s\n", holder.s);
	else if (m->cfg.lock_method == LOCKMETHOD_TABLE) {
		if (track_lock_release(&m->track, 1, &err) == -1) {
			log_error("cannot release the lock: %s", err.msg.s);
			rc = MSR_EFAILED;
		} else
			printf("released the lock held by %s\n", holder.s);
	} else {
		log_error("the lock is held by %s; only its holder can free"
		    " it, and it goes away when that holder ends", holder.s);
		rc = MSR_ELOCK;
	}
	buf_release(&holder);
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
