/*
 * lint: reviews every migration file, or those named, against the rules
 * of rules.c, without a database.  Findings go to standard output, one per line or
 * one JSON object per line; the count goes to standard error.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "driver.h"
#include "lint.h"
#include "log.h"
#include "msr.h"
#include "url.h"
#include "xmalloc.h"

struct tally {
	int	 json;
	size_t	 errors;
	size_t	 warnings;
};

static void
print_finding(void *arg, const struct finding *fd)
{
	struct tally *t = arg;
	const struct ruledef *r = &rules[fd->rule];
	const char *sev = r->severity == SEV_ERROR ? "error" : "warning";
	struct buf b = BUF_INIT;
	char *path;

	if (r->severity == SEV_ERROR)
		t->errors++;
	else
		t->warnings++;
	if (!t->json) {
		path = url_mask(fd->path);
		printf("%s:%u:%u: %s: %s: %s; %s\n", path, fd->line,
		    fd->col, r->id, sev, r->reason, r->fix);
		free(path);
		return;
	}
	buf_adds(&b, "{\"file\":");
	log_json_str(&b, fd->path);
	buf_addf(&b, ",\"line\":%u,\"column\":%u,\"rule\":", fd->line,
	    fd->col);
	log_json_str(&b, r->id);
	buf_addf(&b, ",\"severity\":\"%s\",\"message\":", sev);
	log_json_str(&b, r->reason);
	buf_adds(&b, ",\"fix\":");
	log_json_str(&b, r->fix);
	buf_adds(&b, "}\n");
	fputs(b.s, stdout);
	buf_release(&b);
}

/*
 * Marks the migrations named on the command line, by a file name (the
 * directory part does not matter) or a version.  Returns 0, or -1 when
 * one names no migration of the directory.
 */
static int
select_named(struct msr *m, char *want)
{
	char version[MIGFILE_VERSION_MAX + 1];
	struct buf err = BUF_INIT;
	struct migname mn;
	struct migration *mig;
	const char *arg, *base;
	int i;

	for (i = 0; i < m->argc; i++) {
		arg = m->argv[i];
		base = strrchr(arg, '/') != NULL ? strrchr(arg, '/') + 1 : arg;
		mig = NULL;
		buf_reset(&err);
		if (migfile_parse_name(base, &mn, &err) == 0)
			mig = migfile_find(&m->set, mn.version);
		else if (migfile_parse_version(arg, version) == 0)
			mig = migfile_find(&m->set, version);
		if (mig == NULL) {
			log_error("'%s' is not a migration file or version of"
			    " '%s'", arg, m->set.dir);
			buf_release(&err);
			return -1;
		}
		want[mig - m->set.v] = 1;
	}
	buf_release(&err);
	return 0;
}

int
cmd_lint(struct msr *m)
{
	struct tally t = { m->o.json, 0, 0 };
	struct lintopts o;
	struct buf err = BUF_INIT;
	size_t i, n = 0, bad = 0;
	char *want = NULL;

	o.dialect = config_lint_dialect(&m->cfg);
	o.txmode = m->cfg.txmode;
	o.ignore = m->cfg.lint_ignore_set;
	if (m->argc > 0) {
		want = xcalloc(m->set.n + 1, 1);
		if (select_named(m, want) == -1) {
			free(want);
			return MSR_EUSAGE;
		}
	}
	for (i = 0; i < m->set.n; i++) {
		if (want != NULL && !want[i])
			continue;
		n++;
		buf_reset(&err);
		if (lint_migration(&m->set.v[i], &o, print_finding, &t,
		    &err) == -1) {
			log_error("%s", err.s);
			bad++;
		}
	}
	buf_release(&err);
	free(want);
	if (bad > 0)
		return MSR_EUSAGE;
	log_info("%zu migration%s checked for %s: %zu error%s, %zu"
	    " warning%s", n, n == 1 ? "" : "s",
	    o.dialect == SQLDIALECT_POSTGRES ? "PostgreSQL" : "SQLite",
	    t.errors, t.errors == 1 ? "" : "s", t.warnings,
	    t.warnings == 1 ? "" : "s");
	return t.errors > 0 ? MSR_ESTATE : MSR_OK;
}
