/*
 * validate: checks every migration file without running anything (names,
 * pairs, duplicates, unterminated quotes and comments, directives) and,
 * when a database is configured, the checksums of applied files.
 */
#include "buildconf.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "sqlfile.h"

/* Scans a file through; sum gets its checksum. */
static int
check_file(const char *path, enum sqldialect dialect,
    char sum[SHA256_HEXLEN + 1])
{
	struct buf err = BUF_INIT;
	struct sqlfile f;
	int rc;

	rc = sqlfile_open(&f, path, dialect, 0, &err);
	while (rc == 0 && (rc = sqlfile_next(&f, 1024, &err)) > 0)
		rc = 0;
	if (rc == 0)
		rc = sqlfile_finish(&f, sum, &err);
	if (rc == -1)
		log_error("%s", err.s);
	sqlfile_close(&f);
	buf_release(&err);
	return rc;
}

int
cmd_validate(struct msr *m)
{
	char sum[SHA256_HEXLEN + 1];
	enum sqldialect dialect;
	const struct migration *mig;
	const struct trackrow *r;
	size_t i, bad = 0, drift = 0;

	dialect = m->drv != NULL ? m->drv->dialect :
	    config_lint_dialect(&m->cfg);
	for (i = 0; i < m->set.n; i++) {
		mig = &m->set.v[i];
		if (mig->up != NULL &&
		    check_file(mig->up, dialect, sum) == -1)
			bad++;
		else if (mig->up != NULL && m->conn != NULL &&
		    (r = track_find(&m->rows, mig->version)) != NULL &&
		    strcmp(r->checksum, sum) != 0) {
			if (r->partial)
				log_error("%s: changed after %ld of its"
				    " statements ran (at %s); restore it to"
				    " resume it with 'msr migrate', or undo by"
				    " hand what ran and run 'msr repair --forget"
				    " %s --force'", mig->up, r->done,
				    r->applied_at, r->version);
			else
				log_error("%s: changed after it was applied"
				    " (at %s); restore it, or run 'msr repair'"
				    " to accept it", mig->up, r->applied_at);
			drift++;
		}
		if (mig->down != NULL &&
		    check_file(mig->down, dialect, sum) == -1)
			bad++;
		if (mig->renamed)
			log_notice("%s: its name differs from that of its up"
			    " file '%s'; the two pair by version", mig->down,
			    mig->up);
	}
	for (i = 0; m->conn != NULL && i < m->rows.n; i++) {
		r = &m->rows.v[i];
		if (migfile_find(&m->set, r->version) == NULL) {
			log_error("version %s (%s) is applied but its file is"
			    " missing from '%s'", r->version, r->name,
			    m->set.dir);
			drift++;
		}
	}
	if (bad > 0)
		return MSR_EUSAGE;
	if (drift > 0)
		return MSR_ESTATE;
	log_info("%zu migration%s valid%s", m->set.n, m->set.n == 1 ? "" :
	    "s", m->conn != NULL ? ", checksums match" : "");
	return MSR_OK;
}
