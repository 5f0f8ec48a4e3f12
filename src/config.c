/*
 * Configuration keys (one table), the INI file through inih, ${VAR}
 * expansion and the precedence of sources.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "config.h"
#include "migfile.h"
#include "sqlfile.h"
#include "url.h"
#include "xmalloc.h"

#define OFF(f)	offsetof(struct config, f)

const struct cfgkey config_keys[] = {
	{ "database", "url", CFG_STRING, OFF(url), NULL, 0, 0,
	    "database URL: sqlite:PATH, postgres://... or key=value" },
	{ "database", "password_file", CFG_STRING, OFF(password_file), NULL,
	    0, 0, "file holding the password (PostgreSQL)" },
	{ "database", "connect_timeout", CFG_SECONDS, OFF(connect_timeout),
	    "10",
	    0, 3600, "time to wait for one connection attempt (10s, 1min), 0:"
	    " none" },
	{ "database", "wait", CFG_SECONDS, OFF(wait), "0", 0, 86400,
	    "time to keep retrying until the database accepts connections" },
	{ "migrations", "dir", CFG_STRING, OFF(dir), "db/migrations", 0, 0,
	    "directory of the migration files" },
	{ "migrations", "table", CFG_IDENT, OFF(table), "msr_migrations",
	    0, 58, "tracking table; the audit and lock tables add _log, _lock" },
	{ "migrations", "schema", CFG_IDENT, OFF(schema), NULL, 0, 63,
	    "schema of the tracking tables; it must exist" },
	{ "migrations", "out_of_order", CFG_BOOL, OFF(out_of_order), "false",
	    0, 0, "apply pending migrations older than the newest applied" },
	{ "migrations", "strict", CFG_BOOL, OFF(strict), "false", 0, 0,
	    "treat stray or misnamed *.sql files as errors" },
	{ "migrations", "keep_tool", CFG_KEEPTOOL, OFF(keep_tool), "none", 0,
	    0, "another tool's table to keep in step: none, golang-migrate"
	    " or dbmate" },
	{ "migrations", "keep_table", CFG_IDENT, OFF(keep_table), NULL, 0, 63,
	    "that table, when not the tool's schema_migrations" },
	{ "migrations", "keep_schema", CFG_IDENT, OFF(keep_schema), NULL, 0,
	    63, "its schema, when not that of the tracking tables; it must"
	    " exist" },
	{ "transaction", "mode", CFG_TXMODE, OFF(txmode), "per-migration",
	    0, 0, "per-migration, per-batch or none" },
	{ "lock", "enabled", CFG_BOOL, OFF(lock_enabled), "true", 0, 0,
	    "let only one msr at a time change the database" },
	{ "lock", "timeout", CFG_SECONDS, OFF(lock_timeout), "600", 0, 86400,
	    "time to wait for the lock (600, 30s, 10min; a number is"
	    " seconds)" },
	{ "lock", "method", CFG_LOCKMETHOD, OFF(lock_method), "advisory", 0,
	    0, "advisory, or table for PgBouncer and like poolers" },
	{ "postgres", "lock_timeout", CFG_DURATION, OFF(pg_lock_timeout),
	    NULL, 0, 0, "lock_timeout of the session (PostgreSQL)" },
	{ "postgres", "statement_timeout", CFG_DURATION,
	    OFF(pg_statement_timeout), NULL, 0, 0,
	    "statement_timeout of the session (PostgreSQL)" },
	{ "postgres", "role", CFG_IDENT, OFF(pg_role), NULL, 0, 63,
	    "role to SET ROLE to after connecting (PostgreSQL)" },
	{ "postgres", "search_path", CFG_IDENTLIST, OFF(pg_search_path), NULL,
	    0, 0, "search_path of the session (PostgreSQL)" },
	{ "sqlite", "busy_timeout", CFG_INT, OFF(sqlite_busy_timeout), "5000",
	    0, INT_MAX, "milliseconds to wait for a locked database (SQLite)" },
	{ "lint", "ignore", CFG_RULES, OFF(lint_ignore), NULL, 0, 0,
	    "lint rules to silence for the whole project" },
	{ "lint", "dialect", CFG_DIALECT, OFF(lint_dialect), "auto", 0, 0,
	    "SQL of the files for lint: auto (from url), sqlite or postgres" },
	{ "output", "color", CFG_COLOR, OFF(color), "auto", 0, 0,
	    "colour of the labels: auto (a terminal, not TERM=dumb, no"
	    " NO_COLOR), always or never" },
};
const unsigned config_nkeys = sizeof(config_keys) / sizeof(config_keys[0]);

static const char *const txmodes[] = {
	[TXMODE_PER_MIGRATION] = "per-migration",
	[TXMODE_PER_BATCH] = "per-batch",
	[TXMODE_NONE] = "none",
	NULL
};

static const char *const lintdialects[] = {
	[LINTDIALECT_AUTO] = "auto",
	[LINTDIALECT_SQLITE] = "sqlite",
	[LINTDIALECT_POSTGRES] = "postgres",
	NULL
};

static const char *const keeptools[] = {
	[KEEP_NONE] = "none",
	[KEEP_GOLANG_MIGRATE] = "golang-migrate",
	[KEEP_DBMATE] = "dbmate",
	NULL
};

static const char *const colormodes[] = {
	[COLOR_AUTO] = "auto",
	[COLOR_ALWAYS] = "always",
	[COLOR_NEVER] = "never",
	NULL
};

static const char *const lockmethods[] = {
	[LOCKMETHOD_ADVISORY] = "advisory",
	[LOCKMETHOD_TABLE] = "table",
	NULL
};

/* Sets *out to the index of value in names; -1 when it is none. */
static int
set_enum(const char *const *names, const char *value, int *out)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(value, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

enum sqldialect
config_lint_dialect(const struct config *cfg)
{
	switch (cfg->lint_dialect) {
	case LINTDIALECT_SQLITE:
		return SQLDIALECT_SQLITE;
	case LINTDIALECT_POSTGRES:
		return SQLDIALECT_POSTGRES;
	}
	return cfg->url != NULL && url_is_postgres(cfg->url) ?
	    SQLDIALECT_POSTGRES : SQLDIALECT_SQLITE;
}

const char *
config_txmode_name(int m)
{
	return txmodes[m];
}

const struct cfgkey *
config_find(const char *section, const char *name)
{
	unsigned i;

	for (i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

void
config_envname(const struct cfgkey *k, struct buf *b)
{
	const char *p;

	buf_adds(b, "MSR_");
	for (p = k->section; *p != '\0'; p++)
		buf_addch(b, toupper((unsigned char)*p));
	buf_addch(b, '_');
	for (p = k->name; *p != '\0'; p++)
		buf_addch(b, toupper((unsigned char)*p));
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int
valid_ident(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static int
valid_identlist(const char *s)
{
	const char *p, *e;

	for (p = s;; p = e + 1) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, ",");
		while (e > p && e[-1] == ' ')
			e--;
		if (!valid_ident(p, (size_t)(e - p), 63))
			return 0;
		while (*e == ' ')
			e++;
		if (*e != ',')
			return *e == '\0';
	}
}

int
config_parse_duration(const char *s, long long bare_ms, long long *ms,
    struct buf *why)
{
	static const struct {
		const char	*name;
		long long	 ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "min", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	size_t i, n = strspn(s, "0123456789");
	long long v = 0;

	for (i = 0; i < n && i < 9; i++)
		v = v * 10 + (s[i] - '0');
	if (n > 9) {
		buf_addf(why, "expected a number of at most nine digits");
		return -1;
	}
	if (n > 0 && s[n] == '\0') {
		*ms = v * bare_ms;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (n > 0 && strcmp(s + n, units[i].name) == 0) {
			*ms = v * units[i].ms;
			return 0;
		}
	if (n > 0 && strcmp(s + n, "m") == 0)
		buf_addf(why, "unknown unit 'm'; did you mean '%.*smin'?",
		    (int)n, s);
	else
		buf_addf(why, "expected a number with an optional unit ms,"
		    " s, min, h or d");
	return -1;
}

int
config_parse_seconds(const char *s, int max, int *sec, struct buf *why)
{
	long long ms;

	if (config_parse_duration(s, 1000, &ms, why) == -1)
		return -1;
	if (ms > (long long)max * 1000) {
		buf_addf(why, "expected at most %d seconds", max);
		return -1;
	}
	*sec = (int)((ms + 999) / 1000);
	return 0;
}

/*
 * "ORIGIN: invalid value 'VALUE' for 'SECTION.KEY': WHY", the value cut
 * short: it may be megabytes.  Returns -1.
 */
static int
bad_value(struct buf *err, const char *origin, const struct cfgkey *k,
    const char *value, const char *fmt, ...)
{
	va_list ap;

	buf_addf(err, "%s: invalid value '", origin);
	buf_add_cut(err, value, BUF_ECHO_MAX);
	buf_addf(err, "' for '%s.%s': ", k->section, k->name);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

int
config_set(struct config *cfg, const struct cfgkey *k, const char *value,
    const char *origin, struct buf *err)
{
	struct buf rule = BUF_INIT;
	char *base = (char *)cfg, **sp;
	const char *bad;
	size_t badlen;
	long long n;
	char *end;
	int *ip = (int *)(void *)(base + k->offset);

	sp = (char **)(void *)(base + k->offset);
	switch (k->type) {
	case CFG_STRING:
		break;
	case CFG_INT:
		errno = 0;
		n = strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    n < k->min || n > k->max)
			return bad_value(err, origin, k, value, "expected a"
			    " whole number from %d to %d", k->min, k->max);
		*ip = (int)n;
		return 0;
	case CFG_BOOL:
		if (parse_bool(value, ip) == -1)
			return bad_value(err, origin, k, value, "expected"
			    " true or false");
		return 0;
	case CFG_TXMODE:
		if (set_enum(txmodes, value, ip) == 0)
			return 0;
		return bad_value(err, origin, k, value, "expected"
		    " per-migration, per-batch or none");
	case CFG_LOCKMETHOD:
		if (set_enum(lockmethods, value, ip) == 0)
			return 0;
		return bad_value(err, origin, k, value, "expected advisory or"
		    " table");
	case CFG_DIALECT:
		if (set_enum(lintdialects, value, ip) == 0)
			return 0;
		return bad_value(err, origin, k, value, "expected auto, sqlite"
		    " or postgres");
	case CFG_KEEPTOOL:
		if (set_enum(keeptools, value, ip) == 0)
			return 0;
		return bad_value(err, origin, k, value, "expected none,"
		    " golang-migrate or dbmate");
	case CFG_COLOR:
		if (set_enum(colormodes, value, ip) == 0)
			return 0;
		return bad_value(err, origin, k, value, "expected auto, always"
		    " or never");
	case CFG_RULES:
		if (rules_parse(value, &cfg->lint_ignore_set, &bad,
		    &badlen) == -1) {
			end = xstrndup(bad, badlen);
			buf_add_cut(&rule, end, BUF_ECHO_MAX);
			free(end);
			bad_value(err, origin, k, value, "unknown rule '%s'",
			    rule.s);
			buf_release(&rule);
			return -1;
		}
		break;
	case CFG_IDENT:
		if (!valid_ident(value, strlen(value), k->max))
			return bad_value(err, origin, k, value, "expected a"
			    " name of letters, digits and '_', at most %d"
			    " bytes, not starting with a digit", k->max);
		break;
	case CFG_IDENTLIST:
		if (!valid_identlist(value))
			return bad_value(err, origin, k, value, "expected"
			    " names separated by commas");
		break;
	case CFG_DURATION:
		if (config_parse_duration(value, 1, &n, &rule) == -1) {
			bad_value(err, origin, k, value, "%s", rule.s);
			buf_release(&rule);
			return -1;
		}
		break;
	case CFG_SECONDS:
		if (config_parse_seconds(value, k->max, ip, &rule) == -1) {
			bad_value(err, origin, k, value, "%s", rule.s);
			buf_release(&rule);
			return -1;
		}
		return 0;
	}
	free(*sp);
	*sp = xstrdup(value);
	if (k->offset == OFF(url)) {
		free(cfg->url_origin);
		cfg->url_origin = xstrdup(origin);
	} else if (k->offset == OFF(password_file)) {
		free(cfg->password_file_origin);
		cfg->password_file_origin = xstrdup(origin);
	}
	return 0;
}

void
config_init(struct config *cfg)
{
	struct buf err = BUF_INIT;
	unsigned i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < config_nkeys; i++)
		if (config_keys[i].def != NULL &&
		    config_set(cfg, &config_keys[i], config_keys[i].def,
		    "default", &err) == -1)
			abort();
	buf_release(&err);
}

void
config_release(struct config *cfg)
{
	unsigned i;
	char **sp;

	for (i = 0; i < config_nkeys; i++) {
		if (config_keys[i].type == CFG_INT ||
		    config_keys[i].type == CFG_SECONDS ||
		    config_keys[i].type == CFG_BOOL ||
		    config_keys[i].type == CFG_TXMODE ||
		    config_keys[i].type == CFG_LOCKMETHOD ||
		    config_keys[i].type == CFG_DIALECT ||
		    config_keys[i].type == CFG_KEEPTOOL ||
		    config_keys[i].type == CFG_COLOR)
			continue;
		sp = (char **)(void *)((char *)cfg + config_keys[i].offset);
		free(*sp);
	}
	free(cfg->password);
	free(cfg->path);
	free(cfg->url_origin);
	free(cfg->password_file_origin);
	free(cfg->env_url);
	memset(cfg, 0, sizeof(*cfg));
}

/* Expands ${NAME} from the environment. */
static int
expand(const char *value, struct buf *out, const char *origin,
    struct buf *err)
{
	const char *p, *close, *v;
	char *name;

	for (p = value; *p != '\0'; p++) {
		if (p[0] != '$' || p[1] != '{') {
			buf_addch(out, *p);
			continue;
		}
		close = strchr(p + 2, '}');
		if (close == NULL) {
			buf_addf(err, "%s: unterminated '${' in value", origin);
			return -1;
		}
		name = xstrndup(p + 2, (size_t)(close - p - 2));
		if (!valid_ident(name, strlen(name), 255)) {
			buf_addf(err, "%s: invalid variable name '", origin);
			buf_add_cut(err, name, BUF_ECHO_MAX);
			buf_adds(err, "' in '${...}'");
			free(name);
			return -1;
		}
		if ((v = getenv(name)) == NULL) {
			buf_addf(err, "%s: environment variable '%s' is not"
			    " set", origin, name);
			free(name);
			return -1;
		}
		free(name);
		buf_adds(out, v);
		p = close;
	}
	return 0;
}

struct iniload {
	struct config	*cfg;
	const char	*path;
	const char	*text;		/* the file */
	size_t		 pos;
	unsigned	 line;		/* of the line last read */
	int		 indented;	/* that line starts with white space */
	struct buf	 longval;	/* value of a line too long for inih */
	unsigned	 longline;	/* the line it is the value of */
	struct buf	*err;
	int		 failed;
	unsigned	 fail_line;
	int		 has_password;
	unsigned	 seen[64];	/* line where each key was set */
};

/* Stands for a value that the reader kept aside: inih sees only this. */
#define LONGVAL	"\001"

/*
 * inih reads lines of limited length.  A longer "key = value" line is
 * split here: inih gets "key = \001" and the handler takes the value
 * from ld->longval, trimmed and without an inline "; comment" as inih
 * would have done.
 */
static int
split_long(struct iniload *ld, const char *p, size_t n, char *str, int num)
{
	const char *e = p + n, *eq, *v, *c;
	size_t klen;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (p < e && (*p == ';' || *p == '#')) {
		snprintf(str, (size_t)num, ";\n");
		return 0;
	}
	for (eq = p; eq < e && *eq != '=' && *eq != ':'; eq++)
		;
	klen = (size_t)(eq - p);
	if (eq == e || *p == '[' || klen + sizeof(LONGVAL) + 3 >= (size_t)num)
		return -1;
	for (v = eq + 1; v < e && (*v == ' ' || *v == '\t'); v++)
		;
	for (c = v; c < e; c++)
		if (*c == ';' && c > v && (c[-1] == ' ' || c[-1] == '\t')) {
			e = c;
			break;
		}
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	buf_reset(&ld->longval);
	buf_add(&ld->longval, v, (size_t)(e - v));
	ld->longline = ld->line;
	snprintf(str, (size_t)num, "%.*s=%s\n", (int)klen, p, LONGVAL);
	return 0;
}

/* An ini_reader that counts lines, so errors can name them. */
static char *
reader(char *str, int num, void *stream)
{
	struct iniload *ld = stream;
	const char *p = ld->text + ld->pos, *nl;
	size_t n;

	if (*p == '\0')
		return NULL;
	nl = strchr(p, '\n');
	n = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
	ld->line++;
	ld->indented = (*p == ' ' || *p == '\t') &&
	    p[strspn(p, " \t")] != '\n' && p[strspn(p, " \t")] != '\0' &&
	    p[strspn(p, " \t")] != ';' && p[strspn(p, " \t")] != '#';
	ld->pos += n;
	if (ld->indented && !ld->failed) {
		/* inih would join it to the key above, or take it as is. */
		buf_addf(ld->err, "%s:%u: indented line; sections and keys"
		    " must start at the beginning of the line", ld->path,
		    ld->line);
		ld->failed = 1;
		ld->fail_line = ld->line;
	}
	if (n < (size_t)num) {
		memcpy(str, p, n);
		str[n] = '\0';
	} else if (split_long(ld, p, n, str, num) == -1) {
		if (!ld->failed) {
			buf_addf(ld->err, "%s:%u: line too long to be a"
			    " section or a key", ld->path, ld->line);
			ld->failed = 1;
			ld->fail_line = ld->line;
		}
		snprintf(str, (size_t)num, ";\n");
	}
	return str;
}

static int
handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct iniload *ld = user;
	struct buf origin = BUF_INIT, v = BUF_INIT;
	const struct cfgkey *k;
	char *masked;
	unsigned i;

	if (ld->failed)
		return 1;
	buf_addf(&origin, "%s:%u", ld->path, ld->line);
	if (ld->longline == ld->line && strcmp(value, LONGVAL) == 0)
		value = ld->longval.s;
	if (*section == '\0') {
		buf_addf(ld->err, "%s: key '%s' outside of a section",
		    origin.s, name);
		goto fail;
	}
	if ((k = config_find(section, name)) == NULL) {
		for (i = 0; i < config_nkeys; i++)
			if (strcmp(config_keys[i].section, section) == 0)
				break;
		if (i == config_nkeys)
			buf_addf(ld->err, "%s: unknown section '%s'",
			    origin.s, section);
		else
			buf_addf(ld->err, "%s: unknown key '%s' in section"
			    " '%s'", origin.s, name, section);
		goto fail;
	}
	i = (unsigned)(k - config_keys);
	if (ld->seen[i] != 0) {
		buf_addf(ld->err, "%s: duplicate key '%s' (first set on line"
		    " %u)", origin.s, name, ld->seen[i]);
		goto fail;
	}
	ld->seen[i] = ld->line;
	if (k->offset == OFF(url)) {
		masked = url_mask(value);
		if (strcmp(masked, value) != 0)
			ld->has_password = 1;
		free(masked);
	}
	if (expand(value, &v, origin.s, ld->err) == -1 ||
	    config_set(ld->cfg, k, v.s, origin.s, ld->err) == -1)
		goto fail;
	buf_release(&origin);
	buf_release(&v);
	return 1;
fail:
	ld->failed = 1;
	ld->fail_line = ld->line;
	buf_release(&origin);
	buf_release(&v);
	return 0;
}

static int
load_file(struct config *cfg, const char *path, const char *origin,
    int must_exist, struct strlist *warnings, struct buf *err)
{
	struct iniload ld;
	struct buf text = BUF_INIT, rerr = BUF_INIT;
	struct stat st;
	size_t errlen;
	int rc;

	if (!must_exist && access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (sqlfile_read(path, &text, NULL, &rerr) == -1) {
		buf_addf(err, "%scannot read config file: %s", origin, rerr.s);
		buf_release(&rerr);
		buf_release(&text);
		return -1;
	}
	free(cfg->path);
	cfg->path = xstrdup(path);
	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.path = path;
	ld.text = text.s;
	ld.err = err;
	buf_init(&ld.longval);
	errlen = err->len;
	rc = ini_parse_stream(reader, &ld, handler, &ld);
	if (rc > 0 && (!ld.failed || (unsigned)rc < ld.fail_line)) {
		/* inih's own complaint comes first. */
		buf_truncate(err, errlen);
		buf_addf(err, "%s:%d: syntax error, expected '[section]' or"
		    " 'key = value'", path, rc);
		ld.failed = 1;
	}
	buf_release(&ld.longval);
	if (rc == 0 && !ld.failed && ld.has_password &&
	    stat(path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		strlist_addf(warnings, "%s holds a password and can be read"
		    " by others (mode %03o); use chmod 600, password_file,"
		    " .pgpass or PGPASSWORD", path,
		    (unsigned)(st.st_mode & 0777));
	buf_release(&text);
	buf_release(&rerr);
	return rc == 0 && !ld.failed ? 0 : -1;
}

extern char **environ;

/* Each MSR_* variable that names no key is said once, by name only. */
static void
unknown_env(struct strlist *warnings)
{
	struct buf name = BUF_INIT;
	char **e;
	size_t n;
	unsigned i;

	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "MSR_", 4) != 0)
			continue;
		n = strcspn(*e, "=");
		if (n == sizeof("MSR_CONFIG") - 1 &&
		    strncmp(*e, "MSR_CONFIG", n) == 0)
			continue;
		for (i = 0; i < config_nkeys; i++) {
			buf_reset(&name);
			config_envname(&config_keys[i], &name);
			if (name.len == n && strncmp(*e, name.s, n) == 0)
				break;
		}
		if (i < config_nkeys)
			continue;
		strlist_addf(warnings, "unknown environment variable '%.*s'"
		    " ignored; msr reads MSR_CONFIG and MSR_SECTION_KEY for"
		    " a key of msr.ini", (int)(n < BUF_ECHO_MAX ? n :
		    BUF_ECHO_MAX), *e);
	}
	buf_release(&name);
}

int
config_load(struct config *cfg, const char *path, struct strlist *warnings,
    struct buf *err)
{
	struct buf name = BUF_INIT;
	const char *v;
	unsigned i;
	int rc = -1;

	if ((v = getenv("DATABASE_URL")) != NULL && *v != '\0') {
		if (config_set(cfg, config_find("database", "url"), v,
		    "DATABASE_URL", err) == -1)
			return -1;
		free(cfg->env_url);
		cfg->env_url = xstrdup(v);
	}
	if (path != NULL) {
		if (load_file(cfg, path, "", 1, warnings, err) == -1)
			return -1;
	} else if ((v = getenv("MSR_CONFIG")) != NULL && *v != '\0') {
		if (load_file(cfg, v, "MSR_CONFIG: ", 1, warnings, err) == -1)
			return -1;
	} else if (load_file(cfg, "msr.ini", "", 0, warnings, err) == -1)
		return -1;
	for (i = 0; i < config_nkeys; i++) {
		buf_reset(&name);
		config_envname(&config_keys[i], &name);
		if ((v = getenv(name.s)) != NULL &&
		    config_set(cfg, &config_keys[i], v, name.s, err) == -1)
			goto done;
	}
	unknown_env(warnings);
	rc = 0;
done:
	buf_release(&name);
	return rc;
}

int
config_finish(struct config *cfg, struct strlist *notices, struct buf *err)
{
	struct buf text = BUF_INIT, rerr = BUF_INIT;
	char *used, *lost;

	/* The precedence stays; only that DATABASE_URL lost is said. */
	if (cfg->env_url != NULL && cfg->url != NULL &&
	    strcmp(cfg->env_url, cfg->url) != 0) {
		used = url_mask(cfg->url);
		lost = url_mask(cfg->env_url);
		strlist_addf(notices, "using %s from %s, not %s from"
		    " DATABASE_URL", used, cfg->url_origin, lost);
		free(used);
		free(lost);
	}
	if (cfg->password_file == NULL)
		return 0;
	if (sqlfile_read(cfg->password_file, &text, NULL, &rerr) == -1) {
		buf_addf(err, "%s: cannot read password_file: %s",
		    cfg->password_file_origin, rerr.s);
		buf_release(&rerr);
		buf_release(&text);
		return -1;
	}
	while (text.len > 0 && (text.s[text.len - 1] == '\n' ||
	    text.s[text.len - 1] == '\r'))
		buf_truncate(&text, text.len - 1);
	free(cfg->password);
	cfg->password = buf_detach(&text);
	buf_release(&rerr);
	return 0;
}
