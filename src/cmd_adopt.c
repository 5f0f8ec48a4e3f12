/*
 * msr adopt: takes over the history that another migration tool
 * recorded.  It finds the tool's table by its columns, reads what the
 * tool applied through the driver, and records those migrations as
 * applied in msr's tracking table, without running them, in one
 * transaction.  The other tool's table is only read.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "apply.h"
#include "cmd.h"
#include "convert.h"
#include "log.h"
#include "msr.h"
#include "sqlfile.h"
#include "url.h"
#include "xmalloc.h"

struct tool {
	const char	*name;		/* as the command line names it */
	enum dbtool	 id;
	const char	*table;		/* the table it makes */
	/* The columns of that table, as the tool creates it. */
	const char *const *cols;
};

static const char *const cols_golang[] = { "version", "dirty", NULL };
static const char *const cols_dbmate[] = { "version", NULL };
static const char *const cols_goose[] = {
	"id", "version_id", "is_applied", "tstamp", NULL
};
static const char *const cols_flyway[] = {
	"installed_rank", "version", "description", "type", "script",
	"installed_on", "success", NULL
};
static const char *const cols_sqlmigrate[] = { "id", "applied_at", NULL };

static const struct tool tools[] = {
	{ "golang-migrate", DBTOOL_GOLANG_MIGRATE, "schema_migrations",
	    cols_golang },
	{ "dbmate", DBTOOL_DBMATE, "schema_migrations", cols_dbmate },
	{ "goose", DBTOOL_GOOSE, "goose_db_version", cols_goose },
	{ "flyway", DBTOOL_FLYWAY, "flyway_schema_history", cols_flyway },
	{ "sql-migrate", DBTOOL_SQL_MIGRATE, "gorp_migrations",
	    cols_sqlmigrate },
};
#define NTOOLS	(sizeof(tools) / sizeof(tools[0]))

/* What the other tool says was applied, with when. */
struct taken {
	char	*version;		/* canonical */
	char	*at;			/* ISO 8601 UTC, or NULL */
};

struct adopt {
	struct msr		*m;
	const struct tool	*tool;
	const char		*schema;
	const char		*table;
	struct taken		*v;	/* applied, in the tool's order */
	size_t			 n, alloc;
	/* golang-migrate's version, Flyway's baseline: every file up to
	 * it is applied; "" when there is none. */
	char			 upto[MIGFILE_VERSION_MAX + 1];
	char			*upto_at;
	int			 upto_file;	/* its file must be here */
	size_t			 rows;		/* entries read */
	struct strlist		 failed;	/* entries that stop adopt */
	struct strlist		 bad;		/* versions msr cannot read */
	struct strlist		 skipped;	/* entries adopt leaves */
};

static const struct tool *
find_tool(const char *name)
{
	size_t i;

	for (i = 0; i < NTOOLS; i++)
		if (strcmp(tools[i].name, name) == 0)
			return &tools[i];
	return NULL;
}

int
cmd_adopt_tool(const char *name)
{
	struct buf names = BUF_INIT;
	char *shown;
	size_t i;

	if (find_tool(name) != NULL)
		return 1;
	for (i = 0; i < NTOOLS; i++)
		buf_addf(&names, "%s%s", i > 0 ? ", " : "", tools[i].name);
	shown = url_mask_arg(name);
	log_error("adopt: unknown tool '%s': expected one of %s", shown,
	    names.s);
	fprintf(stderr, "usage: msr adopt [TOOL] [--from-table NAME]"
	    " [--from-schema NAME] [--dry-run]\n");
	free(shown);
	buf_release(&names);
	return 0;
}

/*
 * Whether a table with these columns is tool's: it has all of them, and
 * dbmate's, which golang-migrate's resembles, has no "dirty".
 */
static int
fits(const struct tool *tool, const struct strlist *cols)
{
	size_t i;

	for (i = 0; tool->cols[i] != NULL; i++)
		if (!strlist_has(cols, tool->cols[i]))
			return 0;
	return tool->id != DBTOOL_DBMATE || !strlist_has(cols, "dirty");
}

static void
add_list(struct buf *b, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i > 0 ? ", " : "", v[i]);
}

/* The columns of table, or an exit code after saying why not. */
static int
read_cols(struct adopt *a, const char *table, struct strlist *cols)
{
	struct msr *m = a->m;
	struct dberr err;
	int may_add, rc = MSR_OK;

	dberr_init(&err);
	if (m->drv->columns(m->conn, a->schema, table, cols, &may_add,
	    &err) == -1 && (rc = apply_say_interrupted()) == 0) {
		log_error("adopt: cannot read the columns of %s.%s: %s",
		    a->schema, table, err.msg.s);
		rc = MSR_ECONNECT;
	}
	dberr_release(&err);
	return rc;
}

/*
 * Finds the tool and its table: the one named, checked by its columns,
 * or the one whose table is there.  Returns an exit code.
 */
static int
find_history(struct adopt *a)
{
	struct msr *m = a->m;
	const struct tool *named = m->argc > 0 ? find_tool(m->argv[0]) : NULL;
	const struct tool *found[NTOOLS];
	struct strlist cols = STRLIST_INIT;
	struct buf list = BUF_INIT;
	struct dberr err;
	const char *table;
	size_t i, k, n = 0;
	int rails = 0, seen = 0, rc = MSR_OK;

	for (i = 0; i < NTOOLS && rc == MSR_OK; i++) {
		if (named != NULL && &tools[i] != named)
			continue;
		table = m->o.from_table != NULL ? m->o.from_table :
		    tools[i].table;
		strlist_release(&cols);
		if ((rc = read_cols(a, table, &cols)) != MSR_OK)
			break;
		seen |= cols.n > 0;
		if (named != NULL && cols.n == 0) {
			log_error("adopt: no table %s.%s, where %s records"
			    " its history%s", a->schema, table, named->name,
			    m->o.from_table == NULL ? "; give --from-table"
			    " and --from-schema when it uses another" : "");
			rc = MSR_ESTATE;
		} else if (named != NULL && !fits(named, &cols)) {
			buf_reset(&list);
			add_list(&list, (const char *const *)cols.v, cols.n);
			log_error("adopt: %s.%s is not a table of %s: it has"
			    " the columns %s", a->schema, table, named->name,
			    list.s);
			buf_reset(&list);
			for (k = 0; named->cols[k] != NULL; k++)
				;
			add_list(&list, named->cols, k);
			log_more("%s's table has the columns %s%s", named->name,
			    list.s, named->id == DBTOOL_DBMATE ?
			    ", and no dirty" : "");
			rc = MSR_ESTATE;
		} else if (fits(&tools[i], &cols)) {
			found[n++] = &tools[i];
			a->table = table;
		}
	}
	strlist_release(&cols);
	buf_release(&list);
	if (rc != MSR_OK)
		return rc;
	if (n == 1 && named == NULL && found[0]->id == DBTOOL_DBMATE) {
		/* Rails keeps a table of the same name and columns. */
		dberr_init(&err);
		rails = m->drv->table_exists(m->conn, a->schema,
		    "ar_internal_metadata", &err);
		if (rails == -1 && (rc = apply_say_interrupted()) == 0) {
			log_error("adopt: cannot read the tables of %s: %s",
			    a->schema, err.msg.s);
			rc = MSR_ECONNECT;
		}
		dberr_release(&err);
		if (rails == -1)
			return rc;
	}
	if (n == 1 && !rails) {
		a->tool = found[0];
		return MSR_OK;
	}
	if (n == 0) {
		if (m->o.from_table != NULL && !seen)
			log_error("adopt: no table %s.%s", a->schema,
			    m->o.from_table);
		else if (m->o.from_table != NULL)
			log_error("adopt: %s.%s is not the history table of"
			    " golang-migrate, dbmate, goose, flyway or"
			    " sql-migrate: its columns fit none of theirs",
			    a->schema, m->o.from_table);
		else
			log_error("adopt: no history of golang-migrate,"
			    " dbmate, goose, flyway or sql-migrate in %s",
			    a->schema);
		log_more("name the tool, and the table with --from-table"
		    " and --from-schema when it has another name");
		return MSR_ESTATE;
	}
	for (i = 0; i < n; i++)
		buf_addf(&list, "%s%s (%s)", i > 0 ? ", " : "",
		    found[i]->name, m->o.from_table != NULL ?
		    m->o.from_table : found[i]->table);
	if (rails)
		buf_adds(&list, ", Rails (schema_migrations and"
		    " ar_internal_metadata)");
	log_error("adopt: more than one tool's history is in %s: %s", a->schema,
	    list.s);
	log_more("name the tool that migrated this database: msr adopt TOOL");
	buf_release(&list);
	return MSR_ESTATE;
}

/* The version of sql-migrate's id, a file name, as convert gives it. */
static int
file_version(const char *id, char out[MIGFILE_VERSION_MAX + 1])
{
	struct convname cn;
	struct buf why = BUF_INIT;

	convert_name(CONVERT_SQLMIGRATE, id, &cn, &why);
	buf_release(&why);
	if (cn.kind != CONVKIND_UP)
		return -1;
	memcpy(out, cn.version, sizeof(cn.version));
	return 0;
}

static void
take(struct adopt *a, const char *version, const char *at)
{
	struct taken *t;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].version, version) == 0)
			break;
	if (i == a->n) {
		if (a->n == a->alloc) {
			a->alloc = a->alloc ? a->alloc * 2 : 16;
			a->v = xreallocarray(a->v, a->alloc, sizeof(*a->v));
		}
		a->v[a->n].version = xstrdup(version);
		a->v[a->n].at = NULL;
		a->n++;
	}
	t = &a->v[i];
	free(t->at);
	t->at = at != NULL ? xstrdup(at) : NULL;
}

static void
untake(struct adopt *a, const char *version)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].version, version) == 0) {
			free(a->v[i].version);
			free(a->v[i].at);
			memmove(&a->v[i], &a->v[i + 1],
			    (a->n - i - 1) * sizeof(*a->v));
			a->n--;
			return;
		}
}

/* How messages name an entry: its version, and what it is. */
static void
label(struct buf *b, const char *raw, const char *what)
{
	if (raw != NULL)
		buf_addf(b, "version %s", raw);
	if (what != NULL)
		buf_addf(b, raw != NULL ? " (%s)" : "%s", what);
}

/* One entry of the tool's history: version, state, applied at, what. */
static int
entry_cb(void *arg, int ncols, const char *const *vals)
{
	struct adopt *a = arg;
	const char *raw = vals[0], *state = vals[1], *at = vals[2];
	const char *what = ncols > 3 ? vals[3] : NULL;
	char v[MIGFILE_VERSION_MAX + 1];
	struct buf b = BUF_INIT;
	int ok;

	a->rows++;
	if (state == NULL)
		state = DBTOOL_SKIPPED;
	label(&b, raw, what);
	if (strcmp(state, DBTOOL_FAILED) == 0) {
		strlist_add(&a->failed, b.s);
		buf_release(&b);
		return 0;
	}
	if (raw == NULL && a->tool->id != DBTOOL_FLYWAY) {
		strlist_add(&a->bad, "a NULL version");
		buf_release(&b);
		return 0;
	}
	if (strcmp(state, DBTOOL_SKIPPED) == 0 || raw == NULL) {
		strlist_add(&a->skipped, b.s);
		buf_release(&b);
		return 0;
	}
	if (a->tool->id == DBTOOL_SQL_MIGRATE)
		ok = file_version(raw, v) == 0;
	else
		ok = migfile_parse_version(raw, v) == 0;
	if (!ok)
		strlist_add(&a->bad, b.s);
	buf_release(&b);
	if (!ok)
		return 0;
	/* goose's row of version 0 only says that its table exists. */
	if (a->tool->id == DBTOOL_GOOSE && strcmp(v, "0") == 0)
		return 0;
	if (strcmp(state, DBTOOL_UNDONE) == 0)
		untake(a, v);
	else if (strcmp(state, DBTOOL_BASELINE) == 0 ||
	    a->tool->id == DBTOOL_GOLANG_MIGRATE) {
		memcpy(a->upto, v, sizeof(v));
		free(a->upto_at);
		a->upto_at = at != NULL ? xstrdup(at) : NULL;
		a->upto_file = a->tool->id == DBTOOL_GOLANG_MIGRATE;
	} else
		take(a, v, at);
	return 0;
}

static void
adopt_release(struct adopt *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].version);
		free(a->v[i].at);
	}
	free(a->v);
	free(a->upto_at);
	strlist_release(&a->failed);
	strlist_release(&a->bad);
	strlist_release(&a->skipped);
}

/* Says what stops adopt in the history itself; returns an exit code. */
static int
refuse(struct adopt *a)
{
	size_t i;

	if (a->tool->id == DBTOOL_GOLANG_MIGRATE && a->rows > 1) {
		log_error("adopt: %s.%s has %zu rows; golang-migrate keeps"
		    " one, its current version", a->schema, a->table,
		    a->rows);
		return MSR_ESTATE;
	}
	if (a->failed.n > 0) {
		for (i = 0; i < a->failed.n; i++)
			log_error("adopt: %s records %s as failed half way%s",
			    a->tool->name, a->failed.v[i],
			    a->tool->id == DBTOOL_GOLANG_MIGRATE ?
			    " (dirty)" : " (success = false)");
		log_more("nothing was recorded: check which statements of"
		    " that migration ran, then finish or undo them by hand");
		if (a->tool->id == DBTOOL_GOLANG_MIGRATE)
			log_more("then run golang-migrate's 'force VERSION'"
			    " with the last version that is whole, and msr"
			    " adopt again");
		else
			log_more("then run Flyway's repair, which deletes"
			    " the failed rows, and msr adopt again");
		return MSR_ESTATE;
	}
	if (a->bad.n > 0) {
		for (i = 0; i < a->bad.n; i++)
			log_error("adopt: %s records %s, which is not an msr"
			    " version", a->tool->name, a->bad.v[i]);
		log_more("nothing was recorded: msr versions are 1 to %d"
		    " digits, without dots; rename the files and record"
		    " what is applied with msr baseline", MIGFILE_VERSION_MAX);
		return MSR_ESTATE;
	}
	return MSR_OK;
}

/* Whether the tool applied mig, and when: 1, or 0. */
static int
applied(const struct adopt *a, const struct migration *mig, const char **at)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].version, mig->version) == 0) {
			*at = a->v[i].at;
			return 1;
		}
	if (a->upto[0] != '\0' && migfile_vercmp(mig->version, a->upto) <= 0) {
		*at = strcmp(mig->version, a->upto) == 0 ? a->upto_at : NULL;
		return 1;
	}
	return 0;
}

/*
 * Every version the tool applied has its up file here, and none has a
 * partial row of msr's.  Returns an exit code.
 */
static int
check_files(struct adopt *a)
{
	struct msr *m = a->m;
	const struct migration *mig;
	const struct trackrow *r;
	struct strlist missing = STRLIST_INIT, partial = STRLIST_INIT;
	size_t i;
	const char *at;
	int rc = MSR_OK;

	for (i = 0; i < a->n; i++) {
		mig = migfile_find(&m->set, a->v[i].version);
		if (mig == NULL || mig->up == NULL)
			strlist_add(&missing, a->v[i].version);
	}
	if (a->upto_file && ((mig = migfile_find(&m->set, a->upto)) == NULL ||
	    mig->up == NULL))
		strlist_add(&missing, a->upto);
	for (i = 0; i < m->set.n; i++) {
		mig = &m->set.v[i];
		if (mig->up != NULL && applied(a, mig, &at) &&
		    (r = track_find(&m->rows, mig->version)) != NULL &&
		    r->partial)
			strlist_add(&partial, mig->up);
	}
	if (missing.n > 0) {
		for (i = 0; i < missing.n; i++)
			log_error("adopt: %s applied version %s, which has no"
			    " up file in %s", a->tool->name, missing.v[i],
			    m->set.dir);
		log_more("nothing was recorded: every migration that %s"
		    " applied needs its up file here", a->tool->name);
		rc = MSR_ESTATE;
	} else if (partial.n > 0) {
		for (i = 0; i < partial.n; i++)
			log_error("adopt: %s: msr records this migration as"
			    " partial", partial.v[i]);
		log_more("nothing was recorded: finish or forget it first"
		    " (msr repair)");
		rc = MSR_ESTATE;
	}
	strlist_release(&missing);
	strlist_release(&partial);
	return rc;
}

int
cmd_adopt(struct msr *m)
{
	struct adopt a;
	struct buf out = BUF_INIT, origin = BUF_INIT, msg = BUF_INIT;
	const struct migration *mig;
	struct dberr err;
	const char *at;
	size_t i, n = 0, known = 0;
	int failed = 0, rc;

	memset(&a, 0, sizeof(a));
	dberr_init(&err);
	a.m = m;
	a.schema = m->o.from_schema != NULL ? m->o.from_schema :
	    m->track.schema;
	if (m->o.from_table != NULL && strcmp(a.schema, m->track.schema) == 0 &&
	    strcmp(m->o.from_table, m->track.name) == 0) {
		log_error("adopt: %s.%s is msr's own tracking table", a.schema,
		    m->o.from_table);
		rc = MSR_EUSAGE;
		goto done;
	}
	if ((rc = find_history(&a)) != MSR_OK)
		goto done;
	if (m->drv->tool_history(m->conn, a.tool->id, a.schema, a.table,
	    entry_cb, &a, &err) == -1) {
		if ((rc = apply_say_interrupted()) == 0) {
			log_error("adopt: cannot read %s's history in %s.%s:"
			    " %s", a.tool->name, a.schema, a.table, err.msg.s);
			rc = MSR_ECONNECT;
		}
		goto done;
	}
	for (i = 0; i < a.skipped.n; i++)
		log_notice("adopt: %s records %s, which is not a versioned"
		    " SQL migration: left out", a.tool->name, a.skipped.v[i]);
	if ((rc = refuse(&a)) != MSR_OK || (rc = check_files(&a)) != MSR_OK)
		goto done;

	buf_addf(&origin, "%s%s", TRACK_ORIGIN_ADOPTED, a.tool->name);
	buf_addf(&msg, "recorded from %s's %s without running", a.tool->name,
	    a.table);
	if (!m->o.dry_run && (rc = cmd_ensure_tables(m)) != MSR_OK)
		goto done;
	if (!m->o.dry_run && (rc = cmd_begin(m, &err)) != MSR_OK)
		goto done;
	for (i = 0; i < m->set.n && !failed && !apply_interrupted(); i++) {
		mig = &m->set.v[i];
		if (mig->up == NULL || !applied(&a, mig, &at))
			continue;
		if (track_find(&m->rows, mig->version) != NULL) {
			known++;
			continue;
		}
		if (cmd_record_unrun(m, mig, origin.s, at, "adopt", msg.s,
		    &out, &err) == -1)
			failed = 1;
		n++;
	}
	if (!m->o.dry_run)
		rc = cmd_finish(m, failed, &err);
	else if ((rc = apply_say_interrupted()) == 0)
		rc = failed ? MSR_EUSAGE : MSR_OK;
	if (rc != MSR_OK)
		goto done;
	fputs(out.s, stdout);
	if (n == 0)
		log_info("nothing to adopt: %s",
		    known > 0 ? "msr records every migration that the other"
		    " tool applied already" : "the other tool applied no"
		    " migration");
	else
		log_info("%s %zu migration%s that %s applied (%s.%s), as"
		    " applied without running them", m->o.dry_run ?
		    "would record" : "recorded", n, n == 1 ? "" : "s",
		    a.tool->name, a.schema, a.table);
done:
	dberr_release(&err);
	adopt_release(&a);
	buf_release(&out);
	buf_release(&origin);
	buf_release(&msg);
	return rc;
}
