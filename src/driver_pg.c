/*
 * The PostgreSQL driver, over libpq.  URLs and conninfo strings go to
 * libpq unchanged, so every libpq parameter, PG* variable and .pgpass
 * work.  Statements of a transaction are pipelined: one round trip for
 * many statements, and the result of each tells exactly which one failed.
 * The migration lock is a session-level advisory lock, taken by polling
 * pg_try_advisory_lock() and released by the server if msr dies.
 */
#include "buildconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "buf.h"
#include "config.h"
#include "ddl.h"
#include "driver.h"
#include "url.h"
#include "xmalloc.h"

/* Statements sent before reading their results, at most. */
#define PIPELINE_MAX	256

/* msr's SETs, at most: role, search_path and three more. */
#define SETS_MAX	5
/* What goes before the queries of a pipeline, at most: the reset and
 * BEGIN. */
#define PRE_MAX		(SETS_MAX + 3)

struct dbconn {
	PGconn		*pg;
	PGcancel	*cancel;
	char		*user;		/* current_user, after SET ROLE */
	char		*schema;	/* of the tracking tables, or NULL */
	int		 schema_set;	/* by [migrations] schema */
	char		*search_path;	/* at connect, for the message */
	char		*lockkey;	/* advisory lock key, as text */
	dbnotice_fn	 notice;
	void		*notice_arg;
	int		 tls;		/* SSL or GSS encryption in use */
	dbtick_fn	 tick;		/* of set_tick, or NULL */
	void		*tick_arg;
	long long	 tick_due;	/* when tick is called next, in ms */
	int		 utf8;		/* client_encoding is UTF8 */
	int		 begin_pending;	/* BEGIN goes with what comes next */
	char		**sets;		/* msr's SETs, the role first */
	int		 nsets;
	char		*auth;		/* session_authorization at connect */
	int		 reset_pending;	/* the reset goes with what comes next */
	int		 reset_tx;	/* it went in the open transaction */
	/* What session_facts() found of msr's tables, until asked once. */
	struct pgtable {
		char	*name;		/* NULL: not known */
		char	*cols;		/* plain names, separated by ',' */
		int	 owner;		/* the session may alter it */
	}		 tables[2];
};

static int
pg_accepts(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 ||
	    strncmp(url, "postgresql://", 13) == 0 ||
	    (strstr(url, "://") == NULL && strchr(url, '=') != NULL);
}

/*
 * The libpq keywords whose values have a documented type that
 * PQconninfoParse() does not check: libpq finds a bad one only when
 * connecting, which looks like a database that is down.  Enumerations
 * are compared as libpq does, with case unless icase.
 */
enum pgparam_type { PGP_PORTS, PGP_INT, PGP_ENUM };

static const struct pgparam {
	const char		*key;
	enum pgparam_type	 type;
	const char		*values;	/* PGP_ENUM, separated by ' ' */
	int			 icase;
	int			 empty;		/* "" is allowed */
} pgparams[] = {
	{ "port", PGP_PORTS, NULL, 0, 1 },
	{ "connect_timeout", PGP_INT, NULL, 0, 1 },
	{ "keepalives", PGP_INT, NULL, 0, 1 },
	{ "keepalives_idle", PGP_INT, NULL, 0, 1 },
	{ "keepalives_interval", PGP_INT, NULL, 0, 1 },
	{ "keepalives_count", PGP_INT, NULL, 0, 1 },
	{ "tcp_user_timeout", PGP_INT, NULL, 0, 1 },
	{ "sslmode", PGP_ENUM,
	    "disable allow prefer require verify-ca verify-full", 0, 0 },
	{ "gssencmode", PGP_ENUM, "disable prefer require", 0, 0 },
	{ "channel_binding", PGP_ENUM, "disable prefer require", 0, 0 },
	{ "target_session_attrs", PGP_ENUM,
	    "any read-write read-only primary standby prefer-standby", 0, 0 },
	{ "load_balance_hosts", PGP_ENUM, "disable random", 0, 0 },
	{ "sslnegotiation", PGP_ENUM, "postgres direct", 0, 0 },
	{ "ssl_min_protocol_version", PGP_ENUM,
	    "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", 1, 1 },
	{ "ssl_max_protocol_version", PGP_ENUM,
	    "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", 1, 1 },
};

/* An integer as libpq reads it: white space around, a sign, digits. */
static int
pg_int(const char *s, size_t n, long *out)
{
	const char *e = s + n;
	long v = 0;
	int neg = 0, digits = 0;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	for (; s < e && isdigit((unsigned char)*s); s++, digits++)
		if (digits < 10)
			v = v * 10 + (*s - '0');
	if (s != e || digits == 0 || digits > 9)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

static int
pg_enum(const struct pgparam *p, const char *v)
{
	const char *w = p->values;
	size_t n, vn = strlen(v);

	while (*w != '\0') {
		n = strcspn(w, " ");
		if (n == vn && (p->icase ? strncasecmp(w, v, n) :
		    strncmp(w, v, n)) == 0)
			return 0;
		w += n + (w[n] == ' ');
	}
	return -1;
}

static size_t
pg_count(const char *s)
{
	size_t n = 1;

	for (; *s != '\0'; s++)
		n += *s == ',';
	return n;
}

/* Checks a value whose type libpq documents; hosts for a port list. */
static int
pg_check_value(const struct pgparam *p, const char *v, size_t hosts,
    struct buf *err)
{
	const char *e, *s = v;
	long n;

	if (*v == '\0' && p->empty)
		return 0;
	switch (p->type) {
	case PGP_PORTS:
		for (;; v = e + 1) {
			e = v + strcspn(v, ",");
			if (e > v && (pg_int(v, (size_t)(e - v), &n) == -1 ||
			    n < 1 || n > 65535)) {
				buf_addf(err, "invalid port '%.*s': expected"
				    " a number from 1 to 65535, or a list of"
				    " them separated by commas", (int)(e - v),
				    v);
				return -1;
			}
			if (*e == '\0')
				break;
		}
		if (pg_count(s) > 1 && pg_count(s) != hosts) {
			buf_addf(err, "%zu ports given for %zu hosts: expected"
			    " one port, or one for each host", pg_count(s),
			    hosts);
			return -1;
		}
		return 0;
	case PGP_INT:
		if (pg_int(v, strlen(v), &n) == 0)
			return 0;
		buf_addf(err, "invalid value '%s' for '%s': expected a whole"
		    " number", v, p->key);
		return -1;
	case PGP_ENUM:
		if (pg_enum(p, v) == 0)
			return 0;
		buf_addf(err, "invalid value '%s' for '%s': expected one of"
		    " %s", v, p->key, p->values);
		return -1;
	}
	return 0;
}

/*
 * libpq's complaint about a URL it cannot parse, without the URL that
 * it may quote whole, and without what it quotes of a password.
 */
static void
pg_parse_error(const char *url, const char *msg, struct buf *err)
{
	struct buf b = BUF_INIT;
	const char *q;
	char *scrubbed;

	if (msg == NULL) {
		buf_adds(err, "out of memory");
		return;
	}
	buf_adds(&b, msg);
	while (b.len > 0 && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
		buf_truncate(&b, b.len - 1);
	if ((q = strstr(b.s, url)) != NULL && q > b.s + 2 &&
	    strncmp(q - 3, ": \"", 3) == 0)
		buf_truncate(&b, (size_t)(q - 3 - b.s));
	/* A word without '=' may be the rest of an unquoted password. */
	if (strncmp(b.s, "missing \"=\" after \"", 19) == 0 &&
	    (q = strstr(b.s + 19, "\" in connection info string")) != NULL) {
		buf_reset(&b);
		buf_adds(&b, "missing \"=\" after a word in the connection"
		    " info string (a value with spaces must be quoted)");
	}
	scrubbed = url_scrub(b.s, url, NULL);
	buf_adds(err, scrubbed);
	free(scrubbed);
	buf_release(&b);
}

/*
 * Parses url as libpq will, and checks the values that libpq checks
 * only when connecting; the hosts of a URI are not looked up.
 */
static int
pg_check_url(const char *url, struct buf *err)
{
	PQconninfoOption *opts, *o;
	struct buf why = BUF_INIT;
	const char *hosts = NULL, *addrs = NULL;
	char *msg = NULL;
	size_t i, nhosts;
	int rc = 0;

	if ((opts = PQconninfoParse(url, &msg)) == NULL) {
		pg_parse_error(url, msg, err);
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val != NULL && strcmp(o->keyword, "host") == 0)
			hosts = o->val;
		if (o->val != NULL && strcmp(o->keyword, "hostaddr") == 0)
			addrs = o->val;
	}
	nhosts = addrs != NULL && *addrs != '\0' ? pg_count(addrs) :
	    hosts != NULL ? pg_count(hosts) : 1;
	for (o = opts; o->keyword != NULL && rc == 0; o++)
		for (i = 0; o->val != NULL &&
		    i < sizeof(pgparams) / sizeof(pgparams[0]); i++)
			if (strcmp(o->keyword, pgparams[i].key) == 0 &&
			    pg_check_value(&pgparams[i], o->val, nhosts,
			    &why) == -1) {
				rc = -1;
				break;
			}
	PQconninfoFree(opts);
	if (rc == -1) {
		/* A value libpq took from a password holding '@' or ':'. */
		msg = url_scrub(why.s, url, NULL);
		buf_adds(err, msg);
		free(msg);
	}
	buf_release(&why);
	return rc;
}

static void
connection_error(struct dbconn *c, struct dberr *err)
{
	const char *m = PQerrorMessage(c->pg);
	size_t n = strlen(m);

	dberr_reset(err);
	/* libpq's text of a server error starts with its severity. */
	if (strncmp(m, "FATAL:  ", 8) == 0 || strncmp(m, "ERROR:  ", 8) == 0) {
		m += 8;
		n -= 8;
	}
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	buf_add(&err->msg, m, n);
	err->connection = PQstatus(c->pg) == CONNECTION_BAD;
}

/* PostgreSQL positions count characters; offsets count bytes. */
static long
char_to_byte(const struct dbconn *c, const char *s, size_t len, long pos)
{
	size_t i = 0;

	if (pos <= 1)
		return 0;
	if (!c->utf8)
		return (size_t)(pos - 1) < len ? pos - 1 : (long)len;
	while (i < len && pos > 1) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		pos--;
	}
	return (long)i;
}

/*
 * Fills err from a failed result; sql (len bytes) is the text of the
 * statement, at offset base of the caller's text.
 */
static void
result_error(struct dbconn *c, const PGresult *r, const char *sql,
    size_t len, long base, struct dberr *err)
{
	const char *f;

	dberr_reset(err);
	if ((f = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) != NULL)
		buf_adds(&err->msg, f);
	else
		connection_error(c, err);
	if ((f = PQresultErrorField(r, PG_DIAG_SQLSTATE)) != NULL)
		snprintf(err->code, sizeof(err->code), "%s", f);
	if ((f = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) != NULL)
		buf_adds(&err->detail, f);
	if ((f = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT)) != NULL)
		buf_adds(&err->hint, f);
	if ((f = PQresultErrorField(r, PG_DIAG_CONTEXT)) != NULL)
		buf_adds(&err->context, f);
	err->offset = base;
	if (sql != NULL &&
	    (f = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION)) != NULL)
		err->offset = base + char_to_byte(c, sql, len,
		    strtol(f, NULL, 10));
	err->connection = PQstatus(c->pg) == CONNECTION_BAD;
}

static void
on_notice(void *arg, const PGresult *r)
{
	struct dbconn *c = arg;
	const char *sev, *msg;

	if (c->notice == NULL)
		return;
	sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev == NULL)
		sev = PQresultErrorField(r, PG_DIAG_SEVERITY);
	msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	c->notice(c->notice_arg, sev != NULL ? sev : "NOTICE",
	    msg != NULL ? msg : "");
}

static void
pg_set_notice(struct dbconn *c, dbnotice_fn fn, void *arg)
{
	c->notice = fn;
	c->notice_arg = arg;
}

static void
pg_set_tick(struct dbconn *c, dbtick_fn fn, void *arg, long ms)
{
	c->tick = fn;
	c->tick_arg = arg;
	c->tick_due = driver_clock_ms() + ms;
}

/*
 * Waits until PQgetResult() would not block, calling the function of
 * set_tick when its time comes.  Without one, PQgetResult() waits.  A
 * signal ends poll() early; the wait goes on until the server answers
 * (a cancel makes it answer).  What goes wrong with the connection is
 * left for PQgetResult() to say.  Under encryption, bytes that the TLS
 * or GSS layer decrypted but libpq had no room for leave the socket
 * quiet, as libpq's own waits know and msr cannot ask: they are read
 * before each poll(), and poll() waits TLS_POLL_MS at most, so that a
 * record read whole by that read does not hold up the rest either.
 */
#define TLS_POLL_MS	100

static void
await(struct dbconn *c)
{
	struct pollfd pfd;
	long long left;

	if (c->tick == NULL)
		return;
	pfd.fd = PQsocket(c->pg);
	pfd.events = POLLIN;
	while (pfd.fd >= 0 && PQisBusy(c->pg)) {
		left = c->tick_due - driver_clock_ms();
		if (left <= 0) {
			c->tick_due = driver_clock_ms() +
			    c->tick(c->tick_arg);
			continue;
		}
		if (c->tls && (PQconsumeInput(c->pg) != 1 ||
		    !PQisBusy(c->pg)))
			return;
		if (c->tls && left > TLS_POLL_MS)
			left = TLS_POLL_MS;
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) == -1 &&
		    errno != EINTR)
			return;
		if (PQconsumeInput(c->pg) != 1)
			return;
	}
}

/* PQgetResult(), waiting as await() does. */
static PGresult *
get_result(struct dbconn *c)
{
	await(c);
	return PQgetResult(c->pg);
}

static int
simple(struct dbconn *c, const char *sql, struct dberr *err)
{
	PGresult *r;
	int rc = 0;

	r = PQexec(c->pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		result_error(c, r, NULL, 0, -1, err);
		rc = -1;
	}
	PQclear(r);
	return rc;
}

static int pg_query(struct dbconn *, const char *, int, const char *const *,
    dbrow_fn, void *, struct dberr *);
static int pg_in_transaction(struct dbconn *);
static int flush(struct dbconn *, struct dberr *);

static int
first_cb(void *arg, int ncols, const char *const *vals)
{
	char **out = arg;

	free(*out);
	*out = ncols > 0 && vals[0] != NULL ? xstrdup(vals[0]) : NULL;
	return 0;
}

/* Appends v to b as a string literal, E'...', whatever the settings. */
static void
add_literal(struct buf *b, const char *v)
{
	buf_adds(b, "E'");
	for (; *v != '\0'; v++) {
		if (*v == '\'' || *v == '\\')
			buf_addch(b, *v);
		buf_addch(b, *v);
	}
	buf_addch(b, '\'');
}

/* Keeps sql, a SET of msr's, to send again after a migration. */
static void
remember(struct dbconn *c, char *sql)
{
	c->sets = xreallocarray(c->sets, (size_t)c->nsets + 1,
	    sizeof(*c->sets));
	c->sets[c->nsets++] = sql;
}

/*
 * Sets a session parameter to the n values v, quoted, and remembers the
 * statement.  SET rather than set_config(): a SELECT takes a snapshot,
 * and no SET TRANSACTION could follow it in the transaction that it
 * goes with after a migration.
 */
static int
set_param(struct dbconn *c, const char *name, const char *const *v,
    int n, struct dberr *err)
{
	struct buf b = BUF_INIT;
	int i;

	buf_addf(&b, "SET %s TO ", name);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		add_literal(&b, v[i]);
	}
	if (pg_query(c, b.s, 0, NULL, NULL, NULL, err) == -1) {
		buf_release(&b);
		return -1;
	}
	remember(c, buf_detach(&b));
	return 0;
}

static int
set_one(struct dbconn *c, const char *name, const char *value,
    struct dberr *err)
{
	return set_param(c, name, &value, 1, err);
}

static int
whoami_cb(void *arg, int ncols, const char *const *vals)
{
	struct dbconn *c = arg;
	struct buf b = BUF_INIT;

	if (ncols < 2 || vals[0] == NULL || vals[1] == NULL)
		return 0;
	free(c->user);
	c->user = xstrdup(vals[0]);
	/* The role the session has now, "none" without one, goes first. */
	buf_adds(&b, "SET ROLE ");
	add_literal(&b, vals[1]);
	remember(c, NULL);
	memmove(c->sets + 1, c->sets, ((size_t)c->nsets - 1) *
	    sizeof(*c->sets));
	c->sets[0] = buf_detach(&b);
	return 0;
}

/* The row of session_facts(). */
static int
facts_cb(void *arg, int ncols, const char *const *vals)
{
	struct dbconn *c = arg;
	int i;

	if (ncols < 8)
		return 0;
	whoami_cb(arg, 2, vals);
	free(c->schema);
	free(c->search_path);
	c->schema = vals[2] != NULL ? xstrdup(vals[2]) : NULL;
	c->search_path = xstrdup(vals[3] != NULL ? vals[3] : "");
	/* Known only for a table that exists: its owner is not NULL. */
	for (i = 0; i < 2; i++)
		if (vals[5 + 2 * i] != NULL) {
			c->tables[i].cols = xstrdup(vals[4 + 2 * i] != NULL ?
			    vals[4 + 2 * i] : "");
			c->tables[i].owner = strcmp(vals[5 + 2 * i], "t") == 0;
		}
	return 0;
}

/*
 * The columns of a table, named by the schema (an expression) and the
 * table (likewise), and whether the session may alter it, for
 * session_facts() and pg_columns(); NULL for a table that does not
 * exist, or a schema that is NULL.
 */
#define COLUMNS_OF(schema, table)					\
	" (SELECT pg_catalog.string_agg(a.attname::pg_catalog.text, ','"	\
	" ORDER BY a.attnum) FROM pg_catalog.pg_attribute a"		\
	" WHERE a.attrelid = pg_catalog.to_regclass(pg_catalog.quote_ident("	\
	schema ") || '.' || pg_catalog.quote_ident(" table "))"		\
	" AND a.attnum > 0"						\
	" AND NOT a.attisdropped AND a.attname OPERATOR(pg_catalog.~)"	\
	" '^[a-z_][a-z0-9_]*$'),"						\
	" (SELECT pg_catalog.pg_has_role(current_user, t.relowner,"	\
	" 'USAGE') FROM pg_catalog.pg_class t WHERE t.oid ="		\
	" pg_catalog.to_regclass(pg_catalog.quote_ident(" schema	\
	") || '.' || pg_catalog.quote_ident(" table ")))"

/*
 * In one round trip: the user and the role of the session; the schema
 * of the tracking tables, fixed for the run whatever a migration does
 * to search_path: schema of [migrations], else the first schema of
 * search_path that holds the tracking table, else the current schema;
 * and the columns of the tracking and audit tables there, with whether
 * the session owns them.  Functions are named with pg_catalog, here
 * and in every statement msr sends, so that a function of a migration's
 * schema cannot stand in for one.
 */
static int
session_facts(struct dbconn *c, const struct config *cfg, struct dberr *err)
{
	const char *params[3];
	int i, rc;

	params[0] = cfg->schema;
	c->schema_set = cfg->schema != NULL;
	params[1] = cfg->table;
	params[2] = c->tables[1].name = xasprintf("%s_log", cfg->table);
	c->tables[0].name = xstrdup(cfg->table);
	rc = pg_query(c, "SELECT f.u, f.r, f.s, f.p,"
	    COLUMNS_OF("f.s", "$2::pg_catalog.text") ","
	    COLUMNS_OF("f.s", "$3::pg_catalog.text")
	    " FROM (SELECT current_user AS u,"
	    " pg_catalog.current_setting('role') AS r,"
	    " CASE WHEN $1::pg_catalog.text IS NULL THEN COALESCE("
	    " (SELECT s.n FROM"
	    " pg_catalog.unnest(pg_catalog.current_schemas(false))"
	    " WITH ORDINALITY AS s(n, i) JOIN pg_catalog.pg_tables t"
	    " ON t.schemaname = s.n AND t.tablename = $2 ORDER BY s.i"
	    " LIMIT 1), pg_catalog.current_schema())"
	    " ELSE (SELECT n.nspname::pg_catalog.text FROM"
	    " pg_catalog.pg_namespace n WHERE n.nspname = $1) END AS s,"
	    " pg_catalog.current_setting('search_path') AS p) f", 3, params,
	    facts_cb, c, err);
	/* Known only when found. */
	for (i = 0; i < 2; i++)
		if (c->tables[i].cols == NULL) {
			free(c->tables[i].name);
			c->tables[i].name = NULL;
		}
	return rc == -1 ? -1 : 0;
}

/* The [postgres] settings of the session. */
static int
setup_session(struct dbconn *c, const struct config *cfg, struct dberr *err)
{
	struct buf b = BUF_INIT;
	char **path = NULL;
	const char *p, *e;
	int n = 0, i, rc = -1;

	if (cfg->pg_role != NULL) {
		buf_adds(&b, "SET ROLE ");
		driver_quote_ident(&b, NULL, cfg->pg_role);
		if (pg_query(c, b.s, 0, NULL, NULL, NULL, err) == -1)
			goto done;
	}
	if (cfg->pg_search_path != NULL) {
		for (p = cfg->pg_search_path; *p != '\0'; p = e) {
			while (*p == ' ' || *p == ',')
				p++;
			if (*p == '\0')
				break;
			e = p + strcspn(p, ", ");
			path = xreallocarray(path, (size_t)n + 1,
			    sizeof(*path));
			path[n++] = xstrndup(p, (size_t)(e - p));
		}
		/* Each value a schema name, as if in double quotes. */
		if ((n == 0 ? set_one(c, "search_path", "", err) :
		    set_param(c, "search_path", (const char *const *)path, n,
		    err)) == -1)
			goto done;
	}
	/*
	 * A backend notices a client that died only when it writes to it;
	 * with this it checks every second even while a statement runs, so
	 * that a killed msr's transaction and lock go away at once.
	 */
	if (PQserverVersion(c->pg) >= 140000 &&
	    set_one(c, "client_connection_check_interval", "1s", err) == -1)
		goto done;
	if (cfg->pg_lock_timeout != NULL &&
	    set_one(c, "lock_timeout", cfg->pg_lock_timeout, err) == -1)
		goto done;
	if (cfg->pg_statement_timeout != NULL &&
	    set_one(c, "statement_timeout", cfg->pg_statement_timeout,
	    err) == -1)
		goto done;
	i = c->nsets;
	if (session_facts(c, cfg, err) == -1)
		goto done;
	if (c->nsets == i) {
		dberr_reset(err);
		buf_adds(&err->msg, "cannot read the role of the session");
		goto done;
	}
	if ((p = PQparameterStatus(c->pg, "session_authorization")) != NULL)
		c->auth = xstrdup(p);
	rc = 0;
done:
	for (i = 0; i < n; i++)
		free(path[i]);
	free(path);
	buf_release(&b);
	return rc;
}

static void pg_disconnect(struct dbconn *);

static int
pg_connect(struct dbconn **out, const struct config *cfg, int flags,
    struct dberr *err)
{
	const char *keys[8], *vals[8];
	char timeout[16];
	struct dbconn *c;
	int n = 0;

	(void)flags;
	dberr_reset(err);
	/* Before dbname: the URL may override these; after it: not. */
	keys[n] = "fallback_application_name";
	vals[n++] = "msr";
	keys[n] = "client_encoding";
	vals[n++] = "UTF8";
	if (cfg->connect_timeout > 0) {
		snprintf(timeout, sizeof(timeout), "%d", cfg->connect_timeout);
		keys[n] = "connect_timeout";
		vals[n++] = timeout;
	}
	keys[n] = "dbname";
	vals[n++] = cfg->url;
	if (cfg->password != NULL) {
		keys[n] = "password";
		vals[n++] = cfg->password;
	}
	keys[n] = NULL;
	vals[n] = NULL;

	c = xcalloc(1, sizeof(*c));
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		if (c->pg == NULL)
			buf_adds(&err->msg, "out of memory");
		else
			connection_error(c, err);
		err->connection = 1;
		PQfinish(c->pg);
		free(c);
		return -1;
	}
	c->utf8 = strcmp(pg_encoding_to_char(PQclientEncoding(c->pg)),
	    "UTF8") == 0;
	c->cancel = PQgetCancel(c->pg);
	c->tls = PQsslInUse(c->pg) || PQgssEncInUse(c->pg);
	PQsetNoticeReceiver(c->pg, on_notice, c);
	if (setup_session(c, cfg, err) == -1) {
		/* Connected: the settings are wrong, not the server. */
		err->connection = 0;
		pg_disconnect(c);
		return -1;
	}
	*out = c;
	return 0;
}

static void
pg_disconnect(struct dbconn *c)
{
	int i;

	if (c == NULL)
		return;
	PQfreeCancel(c->cancel);
	PQfinish(c->pg);
	free(c->user);
	free(c->schema);
	free(c->search_path);
	free(c->lockkey);
	for (i = 0; i < 2; i++) {
		free(c->tables[i].name);
		free(c->tables[i].cols);
	}
	for (i = 0; i < c->nsets; i++)
		free(c->sets[i]);
	free(c->sets);
	free(c->auth);
	free(c);
}

static int
exists_cb(void *arg, int ncols, const char *const *vals)
{
	(void)ncols;
	(void)vals;
	*(int *)arg = 1;
	return 0;
}

static const char *
pg_schema(struct dbconn *c, struct dberr *err)
{
	if (c->schema == NULL) {
		dberr_reset(err);
		if (c->schema_set)
			buf_adds(&err->msg, "no schema of that name exists"
			    " (msr quotes the name: case counts)");
		else
			buf_addf(&err->msg, "search_path '%s' names no schema"
			    " that exists", c->search_path != NULL ?
			    c->search_path : "");
	}
	return c->schema;
}

static int
pg_table_exists(struct dbconn *c, const char *schema, const char *name,
    struct dberr *err)
{
	const char *params[2] = { schema, name };
	int found = 0;

	if (pg_query(c, "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname"
	    " = $1 AND tablename = $2", 2, params, exists_cb, &found,
	    err) == -1)
		return -1;
	return found;
}

/*
 * to_regclass() finds a name as a statement of the session would: with
 * no schema, in pg_temp and then the search_path.
 */
static int
pg_object_exists(struct dbconn *c, enum dbobject obj, const char *schema,
    const char *name, const char *column, struct dberr *err)
{
	struct buf rel = BUF_INIT;
	const char *params[2];
	const char *sql;
	int found = 0, rc;

	driver_quote_ident(&rel, schema, name);
	params[0] = rel.s;
	params[1] = column;
	switch (obj) {
	case DBOBJ_TABLE:
		sql = "SELECT 1 FROM pg_catalog.pg_class WHERE oid ="
		    " pg_catalog.to_regclass($1::pg_catalog.text)"
		    " AND relkind IN ('r', 'p')";
		break;
	case DBOBJ_INDEX:
		sql = "SELECT 1 FROM pg_catalog.pg_class WHERE oid ="
		    " pg_catalog.to_regclass($1::pg_catalog.text)"
		    " AND relkind IN ('i', 'I')";
		break;
	case DBOBJ_SCHEMA:
		params[0] = name;
		sql = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname ="
		    " $1::pg_catalog.text";
		break;
	default:
		sql = "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid ="
		    " pg_catalog.to_regclass($1::pg_catalog.text)"
		    " AND attname = $2::pg_catalog.text AND attnum > 0"
		    " AND NOT attisdropped";
		break;
	}
	rc = pg_query(c, sql, obj == DBOBJ_COLUMN ? 2 : 1, params, exists_cb,
	    &found, err);
	buf_release(&rel);
	return rc == -1 ? -1 : found;
}

/* Adds the names of list, separated by ',', to cols. */
static void
add_names(struct strlist *cols, const char *list)
{
	const char *e;

	for (; *list != '\0'; list = *e != '\0' ? e + 1 : e) {
		e = list + strcspn(list, ",");
		if (e > list)
			strlist_addf(cols, "%.*s", (int)(e - list), list);
	}
}

static int
columns_cb(void *arg, int ncols, const char *const *vals)
{
	struct pgtable *t = arg;

	if (ncols < 2 || vals[1] == NULL)
		return 0;
	t->cols = xstrdup(vals[0] != NULL ? vals[0] : "");
	t->owner = strcmp(vals[1], "t") == 0;
	return 0;
}

/* From what session_facts() found, once; else asked now. */
static int
pg_columns(struct dbconn *c, const char *schema, const char *name,
    struct strlist *cols, int *may_add, struct dberr *err)
{
	const char *params[2] = { schema, name };
	struct pgtable t = { NULL, NULL, 0 }, *k = &t;
	int i;

	for (i = 0; i < 2; i++)
		if (c->tables[i].name != NULL && c->schema != NULL &&
		    strcmp(c->schema, schema) == 0 &&
		    strcmp(c->tables[i].name, name) == 0)
			k = &c->tables[i];
	if (k == &t && pg_query(c, "SELECT" COLUMNS_OF("$1::pg_catalog.text",
	    "$2::pg_catalog.text"), 2, params, columns_cb, &t, err) == -1)
		return -1;
	*may_add = k->owner;
	if (k->cols != NULL)
		add_names(cols, k->cols);
	free(k->name);
	free(k->cols);
	memset(k, 0, sizeof(*k));
	return 0;
}

/*
 * The histories of other tools.  Their times are timestamps without a
 * time zone, of the server's now(): read in the session's zone.
 */
#define PG_UTC(col)	"pg_catalog.to_char(CAST(" col " AS" \
	" pg_catalog.timestamptz) AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static const char *const pg_history[] = {
	[DBTOOL_GOLANG_MIGRATE] = "SELECT CAST(version AS pg_catalog.text),"
	    " CASE WHEN dirty IS FALSE THEN 'applied' ELSE 'failed' END,"
	    " NULL, NULL FROM %s",
	[DBTOOL_DBMATE] = "SELECT CAST(version AS pg_catalog.text),"
	    " 'applied', NULL, NULL FROM %s ORDER BY version",
	[DBTOOL_GOOSE] = "SELECT CAST(version_id AS pg_catalog.text), CASE"
	    " WHEN is_applied IS FALSE THEN 'undone' ELSE 'applied' END, "
	    PG_UTC("tstamp") ", NULL FROM %s ORDER BY id",
	[DBTOOL_FLYWAY] = "SELECT version, CASE WHEN success IS NOT TRUE"
	    " THEN 'failed' WHEN type = 'BASELINE' THEN 'baseline'"
	    " WHEN type = 'UNDO_SQL' THEN 'undone'"
	    " WHEN type = 'SQL' AND version IS NOT NULL THEN 'applied'"
	    " ELSE 'skipped' END, " PG_UTC("installed_on") ","
	    " type || ' ' || script FROM %s ORDER BY installed_rank",
	[DBTOOL_SQL_MIGRATE] = "SELECT id, 'applied', " PG_UTC("applied_at")
	    ", NULL FROM %s ORDER BY id",
};

static int
pg_tool_history(struct dbconn *c, enum dbtool tool, const char *schema,
    const char *table, dbrow_fn fn, void *arg, struct dberr *err)
{
	struct buf name = BUF_INIT, sql = BUF_INIT;
	int rc;

	driver_quote_ident(&name, schema, table);
	driver_subst(&sql, pg_history[tool], name.s);
	rc = pg_query(c, sql.s, 0, NULL, fn, arg, err);
	buf_release(&sql);
	buf_release(&name);
	return rc;
}

static const char *
pg_user(struct dbconn *c)
{
	return c->user;
}

/* Calls fn for each row of r until it returns non-zero, which it returns. */
static int
each_row(const PGresult *r, dbrow_fn fn, void *arg)
{
	const char *vals[32];
	int i, j, n, rows, stop = 0;

	n = PQnfields(r);
	if (n > 32)
		n = 32;
	rows = PQntuples(r);
	for (i = 0; fn != NULL && i < rows && stop == 0; i++) {
		for (j = 0; j < n; j++)
			vals[j] = PQgetisnull(r, i, j) ? NULL :
			    PQgetvalue(r, i, j);
		stop = fn(arg, n, vals);
	}
	return stop;
}

static int pipeline_query(struct dbconn *, const char *, int,
    const char *const *, dbrow_fn, void *, struct dberr *);

static int
pg_query(struct dbconn *c, const char *sql, int nparams,
    const char *const *params, dbrow_fn fn, void *arg, struct dberr *err)
{
	PGresult *r;
	int stop;

	/* A BEGIN or a reset put off goes in the same round trip. */
	if (c->begin_pending || c->reset_pending)
		return pipeline_query(c, sql, nparams, params, fn, arg, err);
	r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK) {
		result_error(c, r, NULL, 0, -1, err);
		PQclear(r);
		return -1;
	}
	stop = each_row(r, fn, arg);
	PQclear(r);
	return stop;
}

/* Ends a COPY that a migration started: msr has no data for it. */
static void
end_copy(struct dbconn *c)
{
	PGresult *r;
	char *data;

	PQputCopyEnd(c->pg, "msr does not send or receive COPY data");
	while (PQgetCopyData(c->pg, &data, 0) > 0)
		PQfreemem(data);
	while ((r = PQgetResult(c->pg)) != NULL)
		PQclear(r);
}

/*
 * One statement, by itself: the simple protocol, as psql sends it.  The
 * first error counts: when the server ends the session, the error it
 * sent comes before libpq's own about the closed connection.
 */
static int
exec_one(struct dbconn *c, const char *text, const struct sqlstmt *st,
    struct dberr *err)
{
	char *sql;
	PGresult *r;
	int failed = 0;

	if (flush(c, err) == -1) {
		err->offset = (long)st->start;
		return -1;
	}
	sql = xstrndup(text + st->start, st->end - st->start);
	if (PQsendQuery(c->pg, sql) != 1) {
		connection_error(c, err);
		err->offset = (long)st->start;
		free(sql);
		return -1;
	}
	while ((r = get_result(c)) != NULL) {
		switch (PQresultStatus(r)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			break;
		case PGRES_COPY_IN:
		case PGRES_COPY_OUT:
		case PGRES_COPY_BOTH:
			end_copy(c);
			if (!failed) {
				dberr_reset(err);
				buf_adds(&err->msg, "COPY to or from the client"
				    " is not supported in migrations");
				err->offset = (long)st->start;
			}
			failed = 1;
			break;
		default:
			if (!failed)
				result_error(c, r, sql, strlen(sql),
				    (long)st->start, err);
			failed = 1;
		}
		PQclear(r);
		if (PQstatus(c->pg) == CONNECTION_BAD)
			break;
	}
	if (failed)
		err->connection = PQstatus(c->pg) == CONNECTION_BAD;
	else if (PQstatus(c->pg) == CONNECTION_BAD) {
		connection_error(c, err);
		err->offset = (long)st->start;
		failed = 1;
	}
	free(sql);
	return failed ? -1 : 0;
}

/* One query of a pipeline. */
struct pq {
	const char		*sql;		/* NUL-terminated */
	size_t			 len;
	int			 nparams;
	const char *const	*params;
	long			 offset;	/* of sql in the caller's text */
	int			 commit;	/* the COMMIT: check its tag */
	dbrow_fn		 fn;		/* called for its rows, or NULL */
	void			*arg;
	int			 stop;		/* what fn returned last */
};

static void
pq_set(struct pq *q, const char *sql, int nparams, const char *const *params)
{
	memset(q, 0, sizeof(*q));
	q->sql = sql;
	q->len = strlen(sql);
	q->nparams = nparams;
	q->params = params;
	q->offset = -1;
}

/*
 * The statements that undo what a migration did to the session: RESET
 * ALL, which leaves the role and the session authorization alone, then
 * msr's role and settings again.  The session authorization, which
 * only a superuser can change, is reported by the server: put back only
 * when it changed.  Returns how many of q it filled.
 */
static size_t
reset_queries(struct dbconn *c, struct pq *q)
{
	const char *auth;
	size_t n = 0;
	int i;

	auth = PQparameterStatus(c->pg, "session_authorization");
	if (auth != NULL && c->auth != NULL && strcmp(auth, c->auth) != 0)
		pq_set(&q[n++], "SET SESSION AUTHORIZATION DEFAULT", 0, NULL);
	pq_set(&q[n++], "RESET ALL", 0, NULL);
	for (i = 0; i < c->nsets; i++)
		pq_set(&q[n++], c->sets[i], 0, NULL);
	return n;
}

/*
 * Sends q[0..n-1] in one pipeline, then reads their results: one round
 * trip.  Before them go the reset that pg_reset_session() put off and
 * the BEGIN that pg_begin() put off: in one implicit transaction with
 * what follows, so that nothing runs when the reset fails, and a reset
 * before a BEGIN lasts only if that transaction commits.  Returns 0, or
 * -1 with err set and *failed the index of the first query that failed
 * (those after it are skipped by the server; n when it was none of
 * them).
 */
static int
pipeline(struct dbconn *c, struct pq *q, size_t n, size_t *failed,
    struct dberr *err)
{
	struct pq pre[PRE_MAX], *p;
	struct buf msg = BUF_INIT;
	PGresult *r;
	size_t i, k, npre = 0, nreset = 0, sent = 0;
	int reset = c->reset_pending, bad = 0, bad_reset = 0;

	*failed = n;
	if (reset)
		npre = nreset = reset_queries(c, pre);
	if (c->begin_pending)
		pq_set(&pre[npre++], "BEGIN", 0, NULL);
	c->begin_pending = 0;
	c->reset_pending = 0;
	if (PQenterPipelineMode(c->pg) != 1) {
		connection_error(c, err);
		return -1;
	}
	for (i = 0; i < npre + n; i++) {
		p = i < npre ? &pre[i] : &q[i - npre];
		if (PQsendQueryParams(c->pg, p->sql, p->nparams, NULL,
		    p->params, NULL, NULL, 0) != 1)
			break;
		sent++;
	}
	if (PQpipelineSync(c->pg) != 1 || sent < npre + n) {
		connection_error(c, err);
		k = sent > npre ? sent - npre : 0;
		err->offset = k < n ? q[k].offset : -1;
		*failed = k;
		bad = 1;
	}
	/* Each query's results end with NULL; then comes the sync. */
	for (i = 0; i < sent; i++) {
		p = i < npre ? &pre[i] : &q[i - npre];
		while ((r = get_result(c)) != NULL) {
			switch (PQresultStatus(r)) {
			case PGRES_COMMAND_OK:
				/* An aborted transaction "commits" as a
				 * rollback. */
				if (p->commit && !bad &&
				    strcmp(PQcmdStatus(r), "COMMIT") != 0) {
					dberr_reset(err);
					buf_adds(&err->msg, "the transaction"
					    " was rolled back");
					*failed = i - npre;
					bad = 1;
				}
				break;
			case PGRES_TUPLES_OK:
				if (p->fn != NULL && !bad && p->stop == 0)
					p->stop = each_row(r, p->fn, p->arg);
				break;
			case PGRES_EMPTY_QUERY:
			case PGRES_PIPELINE_ABORTED:
				break;
			default:
				if (!bad && i < npre) {
					result_error(c, r, NULL, 0, -1, err);
					*failed = 0;
					bad_reset = i < nreset;
				} else if (!bad) {
					result_error(c, r, p->offset >= 0 ?
					    p->sql : NULL, p->len, p->offset,
					    err);
					*failed = i - npre;
				}
				bad = 1;
			}
			PQclear(r);
		}
		if (PQstatus(c->pg) == CONNECTION_BAD)
			break;
	}
	if (PQstatus(c->pg) != CONNECTION_BAD) {
		r = get_result(c);
		if (PQresultStatus(r) != PGRES_PIPELINE_SYNC && !bad) {
			connection_error(c, err);
			bad = 1;
		}
		PQclear(r);
	}
	if (PQexitPipelineMode(c->pg) != 1 && !bad) {
		connection_error(c, err);
		bad = 1;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD && !bad) {
		connection_error(c, err);
		err->offset = n > 0 ? q[0].offset : -1;
		*failed = 0;
		bad = 1;
	}
	if (bad_reset) {
		buf_addf(&msg, "cannot restore the session's settings after"
		    " a migration: %s", err->msg.s);
		buf_reset(&err->msg);
		buf_adds(&err->msg, msg.s);
		buf_release(&msg);
		/* It would fail again: not retried. */
		c->reset_tx = 0;
	} else if (bad) {
		/* What failed rolls back with the reset in it. */
		c->reset_pending = reset || c->reset_tx;
		c->reset_tx = 0;
	} else if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		c->reset_tx = 0;
	else if (reset)
		c->reset_tx = 1;
	if (bad)
		err->connection = PQstatus(c->pg) == CONNECTION_BAD;
	return bad ? -1 : 0;
}

/* Sends what pg_begin() and pg_reset_session() put off, if anything. */
static int
flush(struct dbconn *c, struct dberr *err)
{
	size_t failed;

	if (!c->begin_pending && !c->reset_pending)
		return 0;
	return pipeline(c, NULL, 0, &failed, err);
}

/* pg_query() in a pipeline, after what was put off. */
static int
pipeline_query(struct dbconn *c, const char *sql, int nparams,
    const char *const *params, dbrow_fn fn, void *arg, struct dberr *err)
{
	struct pq q;
	size_t failed;

	pq_set(&q, sql, nparams, params);
	q.fn = fn;
	q.arg = arg;
	if (pipeline(c, &q, 1, &failed, err) == -1)
		return -1;
	return q.stop;
}

/* The n statements st[..] of text in one pipeline. */
static int
exec_pipeline(struct dbconn *c, const char *text, const struct sqlstmt *st,
    size_t n, struct dberr *err)
{
	struct buf all = BUF_INIT;
	struct pq q[PIPELINE_MAX];
	size_t i, at[PIPELINE_MAX], failed;
	int rc;

	/* Each statement NUL-terminated, in one buffer. */
	for (i = 0; i < n; i++) {
		at[i] = all.len;
		buf_add(&all, text + st[i].start, st[i].end - st[i].start);
		buf_addch(&all, '\0');
	}
	for (i = 0; i < n; i++) {
		q[i].sql = all.s + at[i];
		q[i].len = st[i].end - st[i].start;
		q[i].nparams = 0;
		q[i].params = NULL;
		q[i].offset = (long)st[i].start;
		q[i].commit = 0;
		q[i].fn = NULL;
	}
	rc = pipeline(c, q, n, &failed, err);
	buf_release(&all);
	return rc;
}

static int
is_copy(const char *text, const struct sqlstmt *st)
{
	const char *p = text + st->start;

	return st->end - st->start > 4 && strncasecmp(p, "copy", 4) == 0 &&
	    strchr(" \t\n\r(", p[4]) != NULL;
}

static int
pg_exec(struct dbconn *c, const char *text, const struct sqlstmt *st,
    size_t n, struct dberr *err)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		/* A COPY cannot be pipelined: it goes alone, refused. */
		for (k = 0; i + k < n && k < PIPELINE_MAX &&
		    !is_copy(text, &st[i + k]); k++)
			;
		if (k > 0 && pg_in_transaction(c)) {
			if (exec_pipeline(c, text, st + i, k, err) == -1)
				return -1;
			continue;
		}
		/* Outside a transaction, each statement on its own. */
		k = 1;
		if (exec_one(c, text, &st[i], err) == -1)
			return -1;
	}
	return 0;
}

static int
pg_write(struct dbconn *c, const struct dbwrite *w, size_t n, int commit,
    size_t *failed, struct dberr *err)
{
	struct pq *q;
	size_t i, nq = n + (commit != 0);
	int rc;

	q = xreallocarray(NULL, nq, sizeof(*q));
	for (i = 0; i < nq; i++) {
		q[i].sql = i < n ? w[i].sql : "COMMIT";
		q[i].len = strlen(q[i].sql);
		q[i].nparams = i < n ? w[i].nparams : 0;
		q[i].params = i < n ? w[i].params : NULL;
		q[i].offset = -1;
		q[i].commit = i == n;
		q[i].fn = NULL;
	}
	rc = pipeline(c, q, nq, failed, err);
	free(q);
	return rc;
}

/*
 * BEGIN waits for what the transaction sends first, to go in its round
 * trip: the pipeline of a file, or a query.
 */
static int
pg_begin(struct dbconn *c, struct dberr *err)
{
	(void)err;
	c->begin_pending = 1;
	return 0;
}

static int
pg_commit(struct dbconn *c, struct dberr *err)
{
	size_t failed;

	if (c->begin_pending) {
		/* Nothing was sent: nothing to commit. */
		c->begin_pending = 0;
		return 0;
	}
	return pg_write(c, NULL, 0, 1, &failed, err);
}

static int
pg_rollback(struct dbconn *c, struct dberr *err)
{
	c->begin_pending = 0;
	/* A reset sent in the transaction goes with it. */
	if (c->reset_tx)
		c->reset_pending = 1;
	c->reset_tx = 0;
	if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return 0;
	return simple(c, "ROLLBACK", err);
}

static int
pg_in_transaction(struct dbconn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->pg);

	return c->begin_pending || t == PQTRANS_INTRANS ||
	    t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/*
 * RESET ALL and msr's settings again, sent with the next BEGIN or
 * statement: no round trip of its own.
 */
static int
pg_reset_session(struct dbconn *c, struct dberr *err)
{
	(void)err;
	c->reset_pending = 1;
	return 0;
}

static int
lock_cb(void *arg, int ncols, const char *const *vals)
{
	int *taken = arg;

	*taken = ncols > 0 && vals[0] != NULL && strcmp(vals[0], "t") == 0;
	return 0;
}

static int
holder_cb(void *arg, int ncols, const char *const *vals)
{
	struct buf *holder = arg;

	if (ncols < 4)
		return 0;
	buf_reset(holder);
	buf_addf(holder, "backend pid %s (%s) from %s, connected since %s",
	    vals[0] != NULL ? vals[0] : "?",
	    vals[1] != NULL && *vals[1] != '\0' ? vals[1] : "no name",
	    vals[2] != NULL ? vals[2] : "a local socket",
	    vals[3] != NULL ? vals[3] : "?");
	return 1;
}

/*
 * The advisory lock's key: the same in every session that means the same
 * table; when schema is the current schema, the key that msr always used.
 */
static int
lock_key(struct dbconn *c, const char *schema, const char *table,
    struct dberr *err)
{
	const char *params[2] = { schema, table };

	if (c->lockkey != NULL)
		return 0;
	return pg_query(c, "SELECT"
	    " pg_catalog.hashtextextended(pg_catalog.format('msr %I.%I',"
	    " $1::pg_catalog.text, $2::pg_catalog.text), 0)", 2, params,
	    first_cb, &c->lockkey, err) == -1 ? -1 : 0;
}

/* Who holds the advisory lock, from pg_locks: 1, 0 when nobody, -1. */
static int
lock_who(struct dbconn *c, struct buf *holder, struct dberr *err)
{
	const char *params[1] = { c->lockkey };
	struct buf got = BUF_INIT;
	int rc;

	rc = pg_query(c, "SELECT a.pid, a.application_name,"
	    " pg_catalog.host(a.client_addr), pg_catalog.to_char("
	    "a.backend_start AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pg_catalog.pg_locks l"
	    " JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid WHERE"
	    " l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND"
	    " ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint",
	    1, params, holder_cb, &got, err);
	if (rc != -1 && got.len > 0) {
		buf_reset(holder);
		buf_adds(holder, got.s);
	}
	rc = rc == -1 ? -1 : got.len > 0;
	buf_release(&got);
	return rc;
}

static enum dblock
pg_trylock(struct dbconn *c, const char *schema, const char *table,
    struct buf *holder, struct dberr *err)
{
	const char *params[1];
	int taken = 0;

	if (lock_key(c, schema, table, err) == -1)
		return DBLOCK_ERROR;
	params[0] = c->lockkey;
	if (pg_query(c, "SELECT pg_catalog.pg_try_advisory_lock($1::bigint)",
	    1, params, lock_cb, &taken, err) == -1)
		return DBLOCK_ERROR;
	if (taken)
		return DBLOCK_TAKEN;
	buf_reset(holder);
	buf_adds(holder, "another session");
	if (lock_who(c, holder, err) == -1)
		return DBLOCK_ERROR;
	return DBLOCK_BUSY;
}

static int
pg_lock_holder(struct dbconn *c, const char *schema, const char *table,
    struct buf *holder, struct dberr *err)
{
	if (lock_key(c, schema, table, err) == -1)
		return -1;
	return lock_who(c, holder, err);
}

static int
pg_unlock(struct dbconn *c, struct dberr *err)
{
	const char *params[1] = { c->lockkey };

	if (c->lockkey == NULL || PQstatus(c->pg) != CONNECTION_OK)
		return 0;
	return pg_query(c, "SELECT pg_catalog.pg_advisory_unlock($1::bigint)",
	    1, params, NULL, NULL, err) == -1 ? -1 : 0;
}

static int
invalid_cb(void *arg, int ncols, const char *const *vals)
{
	struct buf *name = arg;

	if (ncols < 2 || vals[0] == NULL || vals[1] == NULL)
		return 0;
	buf_reset(name);
	driver_quote_ident(name, vals[0], vals[1]);
	return 1;
}

/*
 * to_regclass() finds the table as CREATE INDEX does; parse_ident()
 * folds the index's name as the parser does, and the cast to name cuts
 * it to the length that the parser keeps.
 */
static int
pg_index_invalid(struct dbconn *c, const char *table, const char *index,
    struct buf *name, struct dberr *err)
{
	const char *params[2] = { table, index };

	return pg_query(c, "SELECT n.nspname, i.relname"
	    " FROM pg_catalog.pg_class t"
	    " JOIN pg_catalog.pg_class i ON i.relnamespace = t.relnamespace"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace"
	    " JOIN pg_catalog.pg_index x ON x.indexrelid = i.oid"
	    " WHERE t.oid = pg_catalog.to_regclass($1::pg_catalog.text)"
	    " AND i.relname = (pg_catalog.parse_ident($2::pg_catalog.text))[1]"
	    "::pg_catalog.name AND NOT x.indisvalid", 2, params, invalid_cb,
	    name, err);
}

/* Called from a signal handler: PQcancel() is safe there. */
static void
pg_cancel(struct dbconn *c)
{
	char errbuf[256];

	if (c->cancel != NULL)
		PQcancel(c->cancel, errbuf, sizeof(errbuf));
}

/* The tables of golang-migrate and dbmate, as they create them. */
static int
pg_tool_keep(struct dbconn *c, enum dbtool tool, const char *schema,
    const char *table, enum dbkeep op, const char *version, int dirty,
    struct dberr *err)
{
	struct buf name = BUF_INIT, sql = BUF_INIT, ins = BUF_INIT;
	struct dbwrite w[2];
	const char *params[2] = { version, dirty ? "true" : "false" };
	size_t n = 0, failed;
	int rc;

	driver_quote_ident(&name, schema, table);
	memset(w, 0, sizeof(w));
	if (op == DBKEEP_CREATE && tool == DBTOOL_GOLANG_MIGRATE)
		buf_addf(&sql, "CREATE TABLE IF NOT EXISTS %s (version bigint"
		    " not null primary key, dirty boolean not null)", name.s);
	else if (op == DBKEEP_CREATE)
		buf_addf(&sql, "CREATE TABLE IF NOT EXISTS %s (version"
		    " varchar(128) primary key)", name.s);
	else if (tool == DBTOOL_GOLANG_MIGRATE) {
		buf_addf(&sql, "DELETE FROM %s", name.s);
		if (version != NULL) {
			buf_addf(&ins, "INSERT INTO %s (version, dirty) VALUES"
			    " (CAST($1 AS pg_catalog.int8), CAST($2 AS"
			    " pg_catalog.bool))", name.s);
			w[1].sql = ins.s;
			w[1].nparams = 2;
			w[1].params = params;
			n = 1;
		}
	} else {
		buf_addf(&sql, op == DBKEEP_SET ? "INSERT INTO %s (version)"
		    " VALUES ($1) ON CONFLICT DO NOTHING" : "DELETE FROM %s"
		    " WHERE version = $1", name.s);
		w[0].nparams = 1;
		w[0].params = params;
	}
	w[0].sql = sql.s;
	rc = pg_write(c, w, n + 1, 0, &failed, err);
	buf_release(&ins);
	buf_release(&sql);
	buf_release(&name);
	return rc;
}

const struct driver driver_pg = {
	.name = "postgres",
	.dialect = SQLDIALECT_POSTGRES,
	.ddl = ddl_postgres,
	.upgrade = ddl_postgres_upgrade_0_2,
	.upgrade_file = "postgres-upgrade-0.2.sql",
	.utc_text = "pg_catalog.to_char(%s AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
	.accepts = pg_accepts,
	.check_url = pg_check_url,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.schema = pg_schema,
	.table_exists = pg_table_exists,
	.object_exists = pg_object_exists,
	.columns = pg_columns,
	.tool_history = pg_tool_history,
	.tool_keep = pg_tool_keep,
	.user = pg_user,
	.exec = pg_exec,
	.query = pg_query,
	.write = pg_write,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.reset_session = pg_reset_session,
	.trylock = pg_trylock,
	.unlock = pg_unlock,
	.lock_holder = pg_lock_holder,
	.cancel = pg_cancel,
	.set_notice = pg_set_notice,
	.set_tick = pg_set_tick,
	.index_invalid = pg_index_invalid,
};
