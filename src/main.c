/*
 * msr: options, configuration and the command table.  A command's flags
 * say what it needs; this file sets that up once, calls the command and
 * turns the outcome into an exit status.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "url.h"
#include "xmalloc.h"

static const struct cmd commands[] = {
	{ "migrate", "up", cmd_migrate,
	    "[--to VERSION] [--dry-run] [--out-of-order]",
	    CMD_FILES | CMD_DB | CMD_WRITE | CMD_EXACT | CMD_SAYDB,
	    OPT_TO | OPT_DRYRUN | OPT_OOO, 0,
	    "apply pending migrations in version order" },
	{ "down", "rollback", cmd_down,
	    "VERSION | --steps N | --all [--dry-run] [--yes]",
	    CMD_FILES | CMD_DB | CMD_WRITE | CMD_EXACT | CMD_VERSIONS |
	    CMD_SAYDB, OPT_STEPS | OPT_ALL | OPT_DRYRUN | OPT_YES, 1,
	    "roll back applied migrations, newest first" },
	{ "redo", NULL, cmd_redo, "[--dry-run]",
	    CMD_FILES | CMD_DB | CMD_WRITE | CMD_EXACT | CMD_SAYDB,
	    OPT_DRYRUN, 0,
	    "roll back the latest migration and apply it again" },
	{ "status", "list", cmd_status, "[--json]",
	    CMD_FILES | CMD_DB, 0, 0,
	    "show every migration and its state" },
	{ "version", NULL, cmd_version,
	    "[--expect VERSION | --expect-at-least VERSION]",
	    CMD_FILESOPT | CMD_DB, OPT_EXPECT | OPT_ATLEAST, 0,
	    "print the database's current version" },
	{ "check", NULL, cmd_check, "",
	    CMD_FILES | CMD_DB, 0, 0,
	    "exit 0 only when nothing is pending, partial, modified or"
	    " missing" },
	{ "validate", NULL, cmd_validate, "",
	    CMD_FILES | CMD_DBOPT | CMD_EXACT, 0, 0,
	    "check the migration files, and checksums when a database is"
	    " given" },
	{ "lint", NULL, cmd_lint, "[FILE | VERSION ...]",
	    CMD_FILES | CMD_EXACT, 0, INT_MAX,
	    "review the migration files for changes that are unsafe to run"
	    " against a live database" },
	{ "baseline", NULL, cmd_baseline, "VERSION [--dry-run]",
	    CMD_FILES | CMD_DB | CMD_WRITE | CMD_EXACT | CMD_VERSIONS,
	    OPT_DRYRUN, 1,
	    "record migrations up to VERSION as applied without running"
	    " them" },
	{ "adopt", NULL, cmd_adopt,
	    "[TOOL] [--from-table NAME] [--from-schema NAME] [--dry-run]",
	    CMD_FILES | CMD_DB | CMD_WRITE | CMD_EXACT | CMD_TOOL,
	    OPT_DRYRUN | OPT_FROMTABLE | OPT_FROMSCHEMA, 1,
	    "record what golang-migrate, dbmate, goose, flyway or"
	    " sql-migrate applied, as applied without running it" },
	{ "repair", NULL, cmd_repair,
	    "[--forget VERSION [--force]] [--dry-run]",
	    CMD_FILES | CMD_DB | CMD_WRITE | CMD_EXACT,
	    OPT_DRYRUN | OPT_FORGET | OPT_FORCE, 0,
	    "accept changed checksums and finish partial rows after a fix"
	    " by hand, or forget a partial row whose changes were undone" },
	{ "log", NULL, cmd_log,
	    "[--limit N] [--version VERSION] [--since TIME] [--json]",
	    CMD_DB, OPT_LIMIT | OPT_SINCE | OPT_LOGVERSION, 0,
	    "show what msr did, newest first, grouped by run" },
	{ "lock", NULL, cmd_lock, "status | release [--force]",
	    CMD_DB | CMD_RW, OPT_FORCE, 1,
	    "show who holds the migration lock, or clear a lock table row"
	    " left by a dead msr" },
	{ "wait", NULL, cmd_wait, "[--timeout DURATION]",
	    CMD_NOCONN, OPT_TIMEOUT, 0,
	    "wait until the database accepts connections" },
	{ "new", NULL, cmd_new, "NAME", 0, 0, 1,
	    "create VERSION_NAME.up.sql and .down.sql" },
	{ "convert", NULL, cmd_convert, "TOOL DIR [--dry-run]", 0,
	    OPT_DRYRUN, 2,
	    "write msr's pairs from the migrations of dbmate, goose, Flyway"
	    " or sql-migrate" },
	{ "help", NULL, NULL, "[COMMAND]", 0, 0, 1,
	    "show the usage of msr or of a command" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

enum {
	O_TABLE = 256, O_JSON, O_NOLOCK, O_LOCKTIMEOUT, O_TRANSACTION,
	O_WAIT, O_TO, O_DRYRUN, O_OOO, O_STEPS, O_ALL, O_EXPECT, O_TIMEOUT,
	O_FORGET, O_FORCE, O_ATLEAST, O_FROMTABLE, O_FROMSCHEMA, O_LIMIT,
	O_SINCE, O_YES, O_COLOR
};

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "config-file", required_argument, NULL, 'c' },
	{ "url", required_argument, NULL, 'u' },
	{ "dir", required_argument, NULL, 'd' },
	{ "table", required_argument, NULL, O_TABLE },
	{ "json", no_argument, NULL, O_JSON },
	{ "color", required_argument, NULL, O_COLOR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "no-lock", no_argument, NULL, O_NOLOCK },
	{ "lock-timeout", required_argument, NULL, O_LOCKTIMEOUT },
	{ "transaction", required_argument, NULL, O_TRANSACTION },
	{ "wait", required_argument, NULL, O_WAIT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "to", required_argument, NULL, O_TO },
	{ "dry-run", no_argument, NULL, O_DRYRUN },
	{ "out-of-order", no_argument, NULL, O_OOO },
	{ "steps", required_argument, NULL, O_STEPS },
	{ "all", no_argument, NULL, O_ALL },
	{ "expect", required_argument, NULL, O_EXPECT },
	{ "expect-at-least", required_argument, NULL, O_ATLEAST },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "forget", required_argument, NULL, O_FORGET },
	{ "force", no_argument, NULL, O_FORCE },
	{ "from-table", required_argument, NULL, O_FROMTABLE },
	{ "from-schema", required_argument, NULL, O_FROMSCHEMA },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "since", required_argument, NULL, O_SINCE },
	{ "yes", no_argument, NULL, O_YES },
	{ NULL, 0, NULL, 0 }
};

/* The longest name of --from-table and --from-schema. */
#define NAME_MAX_LEN	128

/* A configuration key set on the command line. */
struct cliset {
	const char	*section;
	const char	*name;
	const char	*value;
	const char	*origin;
};

#define NCLI	16

/* Later options replace earlier ones for the same key. */
static void
cli_add(struct cliset *cli, size_t *n, const char *section, const char *name,
    const char *value, const char *origin)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(cli[i].section, section) == 0 &&
		    strcmp(cli[i].name, name) == 0)
			break;
	if (i == *n && *n < NCLI)
		(*n)++;
	cli[i] = (struct cliset){ section, name, value, origin };
}

static const char *const optnames[] = {
	"--to", "--dry-run", "--out-of-order", "--steps", "--all", "--expect",
	"--timeout", "--forget", "--force", "--expect-at-least",
	"--from-table", "--from-schema", "--limit", "--since", "--version",
	"--yes"
};
#define NOPTNAMES (sizeof(optnames) / sizeof(optnames[0]))

/* The argument and the line of help of each, in the order of optnames. */
static const struct {
	const char	*arg;
	const char	*help;
} opthelp[] = {
	{ "VERSION", "apply up to VERSION and no further" },
	{ "", "print the plan and change nothing" },
	{ "", "also apply pending migrations older than the newest"
	    " applied" },
	{ "N", "roll back the N newest applied migrations" },
	{ "", "roll back every applied migration" },
	{ "VERSION", "exit 5 unless the database is at VERSION (none: at"
	    " none)" },
	{ "DURATION", "how long to wait (30, 2min); default [database]"
	    " wait, or 60 s" },
	{ "VERSION", "forget the partial row of VERSION whose changes are"
	    " undone" },
	{ "", "repair --forget: forget it also when its changes seem to"
	    " remain; lock release: also a lock whose holder is not proven"
	    " gone" },
	{ "VERSION", "exit 5 unless the database is at VERSION or newer" },
	{ "NAME", "the other tool's history table" },
	{ "NAME", "the schema of that table" },
	{ "N", "show at most N rows (default 100)" },
	{ "TIME", "rows at or after TIME: 2026-01-31, 2026-01-31T10:00,"
	    " 30min, 7d" },
	{ "VERSION", "only the rows of VERSION" },
	{ "", "do not ask before rolling back more than one migration" },
};
/* An option without its help would print a null pointer. */
_Static_assert(sizeof(opthelp) / sizeof(opthelp[0]) == NOPTNAMES,
    "opthelp[] and optnames[] differ in length");

static const struct cmd *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0 ||
		    (commands[i].alias != NULL &&
		    strcmp(commands[i].alias, name) == 0))
			return &commands[i];
	return NULL;
}

static void
usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: msr [options] COMMAND [arguments]\n\n"
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(f, "\noptions:\n"
	    "  -c, --config FILE      configuration file (default ./msr.ini)\n"
	    "  -u, --url URL          database URL\n"
	    "  -d, --dir DIR          migrations directory\n"
	    "      --table NAME       tracking table\n"
	    "      --transaction MODE per-migration, per-batch or none\n"
	    "      --no-lock          do not take the migration lock\n"
	    "      --lock-timeout DUR time to wait for the lock (600, 10min)\n"
	    "      --wait DUR         retry connecting for DUR (30, 2min)\n"
	    "      --json             JSON output\n"
	    "      --color WHEN       auto, always or never\n"
	    "  -q, --quiet            errors only\n"
	    "  -v, --verbose          more detail\n"
	    "  -h, --help             this help, or a command's\n"
	    "  -V, --version          print msr's version\n\n"
	    "See msr(1) and msr.ini(5).\n");
}

/*
 * The help of an option for the command name: of a help made of parts
 * "COMMAND ...: text" joined by "; ", the text of name's part; any other
 * help, whole.
 */
static const char *
opt_help(const char *help, const char *name, char *buf, size_t size)
{
	const char *p = help, *colon, *end;
	size_t n = strlen(name);

	for (;;) {
		colon = strstr(p, ": ");
		end = strstr(p, "; ");
		if (colon == NULL || (end != NULL && end < colon))
			return help;
		if (strncmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == ':'))
			break;
		if (end == NULL)
			return help;
		p = end + 2;
	}
	colon += 2;
	end = strstr(colon, "; ");
	snprintf(buf, size, "%.*s", (int)(end != NULL ? (size_t)(end - colon) :
	    strlen(colon)), colon);
	return buf;
}

/* The usage of c, and a line for each option of its in the table. */
static void
usage_cmd(FILE *f, const struct cmd *c)
{
	char opt[32], help[128];
	size_t i;

	fprintf(f, "usage: msr %s %s\n", c->name, c->usage);
	if (c->alias != NULL)
		fprintf(f, "alias: %s\n", c->alias);
	fprintf(f, "%s\n", c->summary);
	if (c->opts != 0)
		fprintf(f, "\noptions:\n");
	for (i = 0; i < NOPTNAMES; i++) {
		if (!(c->opts & (1 << i)))
			continue;
		snprintf(opt, sizeof(opt), "%s%s%s", optnames[i],
		    *opthelp[i].arg != '\0' ? " " : "", opthelp[i].arg);
		fprintf(f, "  %-26s %s\n", opt, opt_help(opthelp[i].help,
		    c->name, help, sizeof(help)));
	}
	fprintf(f, "\nOptions of every command: see 'msr help'.\n");
}

static int usage_error(const struct cmd *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(const struct cmd *c, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	log_error("%s", b.s);
	buf_release(&b);
	if (c != NULL)
		fprintf(stderr, "usage: msr %s %s\n", c->name, c->usage);
	else
		fprintf(stderr, "usage: msr [options] COMMAND [arguments];"
		    " see 'msr help'\n");
	return MSR_EUSAGE;
}

/*
 * A usage error that repeats what the user typed, which might be a URL
 * with a password in it: masked.
 */
static int
usage_arg(const struct cmd *c, const char *what, const char *arg,
    const char *why)
{
	char *masked = url_mask_arg(arg);
	int rc;

	rc = usage_error(c, "%s '%s'%s", what, masked, why);
	free(masked);
	return rc;
}

/* "--name=value" is shown without its value. */
static int
bad_option(const char *arg)
{
	char *name = xstrdup(arg);
	int rc;

	if (strncmp(name, "--", 2) == 0)
		name[strcspn(name, "=")] = '\0';
	rc = usage_arg(NULL, "unknown option", name, "");
	free(name);
	return rc;
}

#define SHORTOPTS	":c:u:d:qvhV"

/* Options of other tools, written with one dash, and msr's own. */
static const struct {
	const char	*theirs;
	const char	*ours;
} foreign_opts[] = {
	{ "path", "--dir" },
	{ "source", "--dir" },
	{ "database", "--url" },
};

/* The long option that name abbreviates, or NULL. */
static const struct option *
find_longopt(const char *name, size_t n)
{
	const struct option *o, *found = NULL;

	for (o = longopts; o->name != NULL; o++) {
		if (strncmp(o->name, name, n) != 0)
			continue;
		if (o->name[n] == '\0')
			return o;
		if (found == NULL)
			found = o;
	}
	return found;
}

/*
 * Finds a word that getopt would misread or name wrongly before it
 * reads any: "-path" (golang-migrate's style, which getopt takes for
 * "-p -a -t -h"), "-database" (which it takes for "-d atabase") and an
 * unknown letter in a cluster, which it reports without its word.
 * Returns an exit code.
 */
static int
check_words(int argc, char *argv[])
{
	const struct option *o;
	const char *w, *p, *opt;
	struct buf b = BUF_INIT;
	char *word;
	size_t i, n;
	int k, rc;

	for (k = 1; k < argc; k++) {
		w = argv[k];
		if (strcmp(w, "--") == 0)
			break;
		if (strncmp(w, "--", 2) == 0) {
			n = strcspn(w + 2, "=");
			if (w[2 + n] == '\0' &&
			    (o = find_longopt(w + 2, n)) != NULL &&
			    o->has_arg == required_argument)
				k++;
			continue;
		}
		if (w[0] != '-' || w[1] == '\0')
			continue;
		n = strcspn(w + 1, "=");
		for (i = 0; i < sizeof(foreign_opts) / sizeof(foreign_opts[0]);
		    i++)
			if (strlen(foreign_opts[i].theirs) == n &&
			    strncmp(w + 1, foreign_opts[i].theirs, n) == 0)
				break;
		o = NULL;
		if (i < sizeof(foreign_opts) / sizeof(foreign_opts[0]) ||
		    (n > 1 && (o = find_longopt(w + 1, n)) != NULL &&
		    strlen(o->name) == n)) {
			word = xstrndup(w, n + 1);
			buf_addf(&b, "; did you mean '%s%s'?", o != NULL ?
			    "--" : "", o != NULL ? o->name :
			    foreign_opts[i].ours);
			rc = usage_arg(NULL, "unknown option", word, b.s);
			goto out;
		}
		for (p = w + 1; *p != '\0'; p++) {
			if (*p == ':' || (opt = strchr(SHORTOPTS, *p)) == NULL) {
				if (w[2] == '\0') {
					rc = usage_arg(NULL, "unknown option",
					    w, "");
					return rc;
				}
				word = url_mask_arg(w);
				buf_addf(&b, " in '%s'", word);
				free(word);
				word = xstrndup(p - 1, 2);
				word[0] = '-';
				rc = usage_error(NULL, "unknown option '%s'%s",
				    word, b.s);
				goto out;
			}
			if (opt[1] == ':') {
				if (p[1] == '\0')
					k++;
				break;
			}
		}
	}
	return MSR_OK;
out:
	free(word);
	buf_release(&b);
	return rc;
}

static int
open_db(struct msr *m, const struct cmd *c)
{
	struct buf msg = BUF_INIT;
	struct dberr dbe;
	int write = (c->flags & CMD_WRITE) && !m->o.dry_run, rc;

	rc = cmd_connect(m, write || (c->flags & CMD_RW) ? 0 :
	    DBCONN_READONLY);
	if (rc != MSR_OK)
		return rc;
	if (c->flags & CMD_SAYDB)
		log_info("database %s", m->url_masked);
	dberr_init(&dbe);
	rc = MSR_OK;
	if (track_init(&m->track, m->drv, m->conn, &m->cfg, &dbe) == -1) {
		if (m->cfg.schema != NULL)
			log_error("schema of [migrations] is '%s': %s",
			    m->cfg.schema, dbe.msg.s);
		else
			log_error("cannot choose the schema of the tracking"
			    " tables: %s; set schema in [migrations]",
			    dbe.msg.s);
		rc = MSR_EUSAGE;
		goto done;
	}
	if (write) {
		struct applier a = { .drv = m->drv, .conn = m->conn,
		    .track = &m->track, .cfg = &m->cfg };

		if (track_new_run(&m->track, &msg) == -1) {
			log_error("%s", msg.s);
			rc = MSR_EFAILED;
			goto done;
		}
		log_verbose("run id %s", m->track.run_id);
		apply_signals(m->drv, m->conn, m->track.run_id);
		if ((rc = apply_lock(&a)) != MSR_OK)
			goto done;
	}
	if ((m->has_table = track_exists(&m->track, &dbe)) == -1 ||
	    (m->has_table && track_columns(&m->track, &dbe) == -1)) {
		/* A signal ended the wait for a locked database. */
		if ((rc = apply_say_interrupted()) != 0)
			goto done;
		log_error("cannot read the tracking table %s: %s",
		    m->track.table, dbe.msg.s);
		rc = MSR_ECONNECT;
		goto done;
	}
	if (m->has_table && m->track.foreign != NULL) {
		log_error("the tracking table %s is not msr's: it has the"
		    " columns %s", m->track.table, m->track.foreign);
		log_more("it may be another tool's history: msr adopt"
		    " takes that over into msr's own table; give --table"
		    " or [migrations] table another name, or leave it"
		    " unset");
		rc = MSR_EUSAGE;
		goto done;
	}
	/* Said once, by the commands that write. */
	if (write && m->has_table && track_missing(&m->track, &msg) != 0)
		log_notice("%s", msg.s);
	if (cmd_reload(m) == -1) {
		if ((rc = apply_say_interrupted()) == 0)
			rc = MSR_ECONNECT;
		goto done;
	}
done:
	buf_release(&msg);
	dberr_release(&dbe);
	return rc;
}

static void
print_warnings(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		log_warn("%s", l->v[i]);
	strlist_release(l);
}

static void
close_db(struct msr *m, const struct cmd *c)
{
	struct applier a = { .drv = m->drv, .conn = m->conn,
	    .track = &m->track, .cfg = &m->cfg };

	if (m->conn == NULL)
		return;
	if ((c->flags & CMD_WRITE) && !m->o.dry_run)
		apply_unlock(&a);
	m->drv->disconnect(m->conn);
	m->conn = NULL;
}

/*
 * golang-migrate's table holds a version in a bigint: with keep_tool =
 * golang-migrate, a version above its range is refused before anything
 * runs.  Returns an exit code.
 */
static int
keep_fits(const struct msr *m)
{
	static const char max[] = "9223372036854775807";
	const struct migration *mig;
	size_t i, len;
	int rc = MSR_OK;

	if (m->cfg.keep_tool != KEEP_GOLANG_MIGRATE)
		return MSR_OK;
	for (i = 0; i < m->set.n; i++) {
		mig = &m->set.v[i];
		len = strlen(mig->version);
		if (len < sizeof(max) - 1 || (len == sizeof(max) - 1 &&
		    strcmp(mig->version, max) <= 0))
			continue;
		log_error("%s: version %s is above %s, the highest that"
		    " golang-migrate's table holds (keep_tool ="
		    " golang-migrate)", mig->up != NULL ? mig->up : mig->down,
		    mig->vtext, max);
		rc = MSR_EUSAGE;
	}
	return rc;
}

/* Whether DIR is there; anything but "no such directory" counts as yes. */
static int
dir_exists(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return 1;
	return errno != ENOENT && errno != ENOTDIR;
}

static int
run(int argc, char *argv[])
{
	struct cliset cli[NCLI];
	size_t ncli = 0, i;
	struct msr m;
	struct buf err = BUF_INIT;
	struct strlist notices = STRLIST_INIT;
	const struct cmd *c = NULL;
	const char *config_path = NULL, *p, *e;
	char version[MIGFILE_VERSION_MAX + 1], since[32];
	int ch, rc = MSR_OK, help = 0, given = 0;
	char *end, *masked;

	memset(&m, 0, sizeof(m));
	m.o.timeout = -1;
	if ((rc = check_words(argc, argv)) != MSR_OK)
		return rc;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'u':
			cli_add(cli, &ncli, "database", "url",
			    optarg, "--url");
			break;
		case 'd':
			cli_add(cli, &ncli, "migrations", "dir",
			    optarg, "--dir");
			break;
		case O_TABLE:
			cli_add(cli, &ncli, "migrations", "table",
			    optarg, "--table");
			break;
		case O_JSON:
			/* An error from here on is a JSON event too. */
			m.o.json = 1;
			log_json = 1;
			break;
		case O_COLOR:
			cli_add(cli, &ncli, "output", "color", optarg,
			    "--color");
			break;
		case 'q':
			log_level = LOG_QUIET;
			break;
		case 'v':
			log_level = LOG_VERBOSE;
			break;
		case O_NOLOCK:
			cli_add(cli, &ncli, "lock", "enabled",
			    "false", "--no-lock");
			break;
		case O_LOCKTIMEOUT:
			cli_add(cli, &ncli, "lock", "timeout",
			    optarg, "--lock-timeout");
			break;
		case O_TRANSACTION:
			cli_add(cli, &ncli, "transaction", "mode",
			    optarg, "--transaction");
			break;
		case O_WAIT:
			cli_add(cli, &ncli, "database", "wait",
			    optarg, "--wait");
			break;
		case O_OOO:
			cli_add(cli, &ncli, "migrations",
			    "out_of_order", "true", "--out-of-order");
			given |= OPT_OOO;
			break;
		case 'h':
			help = 1;
			break;
		case 'V':
			/* log --version VERSION: a version follows. */
			if (strcmp(argv[optind - 1], "--version") == 0 &&
			    optind < argc && argv[optind][0] >= '0' &&
			    argv[optind][0] <= '9') {
				m.o.log_version = argv[optind++];
				given |= OPT_LOGVERSION;
				break;
			}
			printf("msr %s\n", PACKAGE_VERSION);
			return fflush(stdout) == 0 ? MSR_OK : MSR_EFAILED;
		case O_YES:
			m.o.yes = 1;
			given |= OPT_YES;
			break;
		case O_LIMIT:
			errno = 0;
			m.o.limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || m.o.limit < 1 ||
			    m.o.limit > 1000000 || errno == ERANGE)
				return usage_arg(NULL, "invalid --limit",
				    optarg, ": expected a whole number from 1"
				    " to 1000000");
			given |= OPT_LIMIT;
			break;
		case O_SINCE:
			if (cmd_log_since(optarg, since) == -1)
				return usage_arg(NULL, "invalid --since",
				    optarg, optarg[0] != '\0' &&
				    optarg[strlen(optarg) - 1] == 'm' ?
				    ": minutes are 'min', as in 30min" :
				    ": expected YYYY-MM-DD, or"
				    " YYYY-MM-DDTHH:MM[:SS] in UTC, or a time"
				    " ago such as 30min, 2h or 7d");
			m.o.since = optarg;
			given |= OPT_SINCE;
			break;
		case O_TO:
			if (migfile_parse_version(optarg, version) == -1) {
				bad_version("--to", optarg);
				return MSR_EUSAGE;
			}
			m.o.to = optarg;
			given |= OPT_TO;
			break;
		case O_DRYRUN:
			m.o.dry_run = 1;
			given |= OPT_DRYRUN;
			break;
		case O_STEPS:
			errno = 0;
			m.o.steps = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || m.o.steps < 1 ||
			    errno == ERANGE)
				return usage_arg(NULL, "invalid --steps",
				    optarg, ": expected a whole number of 1"
				    " or more");
			given |= OPT_STEPS;
			break;
		case O_ALL:
			m.o.all = 1;
			given |= OPT_ALL;
			break;
		case O_EXPECT:
			if (strcmp(optarg, "none") != 0 &&
			    migfile_parse_version(optarg, version) == -1) {
				bad_version("--expect", optarg);
				return MSR_EUSAGE;
			}
			m.o.expect = optarg;
			given |= OPT_EXPECT;
			break;
		case O_ATLEAST:
			if (strcmp(optarg, "none") == 0)
				return usage_arg(NULL, "invalid"
				    " --expect-at-least", optarg, ": every"
				    " database is at least at none; give a"
				    " version, or use '--expect none'");
			if (migfile_parse_version(optarg, version) == -1) {
				bad_version("--expect-at-least", optarg);
				return MSR_EUSAGE;
			}
			m.o.at_least = optarg;
			given |= OPT_ATLEAST;
			break;
		case O_TIMEOUT:
			if (config_parse_seconds(optarg, 86400, &m.o.timeout,
			    &err) == -1) {
				struct buf why = BUF_INIT;

				buf_addf(&why, ": %s", err.s);
				rc = usage_arg(NULL, "invalid --timeout",
				    optarg, why.s);
				buf_release(&why);
				buf_release(&err);
				return rc;
			}
			given |= OPT_TIMEOUT;
			break;
		case O_FORGET:
			if (migfile_parse_version(optarg, version) == -1) {
				bad_version("--forget", optarg);
				return MSR_EUSAGE;
			}
			m.o.forget = optarg;
			given |= OPT_FORGET;
			break;
		case O_FORCE:
			m.o.force = 1;
			given |= OPT_FORCE;
			break;
		case O_FROMTABLE:
		case O_FROMSCHEMA:
			if (*optarg == '\0' || strlen(optarg) > NAME_MAX_LEN)
				return usage_arg(NULL, ch == O_FROMTABLE ?
				    "invalid --from-table" :
				    "invalid --from-schema", optarg,
				    ": expected a name of 1 to 128 bytes");
			if (ch == O_FROMTABLE)
				m.o.from_table = optarg;
			else
				m.o.from_schema = optarg;
			given |= ch == O_FROMTABLE ? OPT_FROMTABLE :
			    OPT_FROMSCHEMA;
			break;
		case ':':
			/* In a cluster (-qu), the option that needs it. */
			p = argv[optind - 1];
			if (strncmp(p, "--", 2) != 0 && strlen(p) > 2 &&
			    optopt > 0 && optopt < 128) {
				masked = url_mask_arg(p);
				rc = usage_error(NULL, "option '-%c' in '%s'"
				    " needs a value", optopt, masked);
				free(masked);
				return rc;
			}
			return usage_arg(NULL, "option", p, " needs a value");
		default:
			return bad_option(argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		if (help) {
			usage_all(stdout);
			return MSR_OK;
		}
		return usage_error(NULL, "%s", "no command given");
	}
	if ((c = find_command(argv[0])) == NULL)
		return usage_arg(NULL, "unknown command", argv[0], "");
	if (c->fn == NULL) {
		/* help [COMMAND] */
		if (argc > 1 && find_command(argv[1]) == NULL)
			return usage_arg(NULL, "unknown command", argv[1],
			    "");
		if (argc > 1)
			usage_cmd(stdout, find_command(argv[1]));
		else
			usage_all(stdout);
		return MSR_OK;
	}
	if (help) {
		usage_cmd(stdout, c);
		return MSR_OK;
	}
	for (i = 0; i < NOPTNAMES; i++) {
		int bit = 1 << i;

		if ((given & bit) && !(c->opts & bit))
			return usage_error(c, "option '%s' does not apply to"
			    " '%s'", optnames[i], c->name);
	}
	if ((given & OPT_FORCE) && (c->opts & OPT_FORGET) &&
	    !(given & OPT_FORGET))
		return usage_error(c, "%s", "option '--force' goes with"
		    " '--forget VERSION'");
	if ((given & OPT_EXPECT) && (given & OPT_ATLEAST))
		return usage_error(c, "%s", "options '--expect' and"
		    " '--expect-at-least' do not go together");
	if (argc - 1 > c->nargs)
		return usage_arg(c, "unexpected argument",
		    argv[c->nargs + 1], "");
	m.argc = argc - 1;
	m.argv = argv + 1;
	/* Arguments are checked before anything is touched. */
	for (i = 0; (c->flags & CMD_VERSIONS) && i < (size_t)m.argc; i++)
		if (migfile_parse_version(m.argv[i], version) == -1) {
			bad_version("version", m.argv[i]);
			return MSR_EUSAGE;
		}
	if ((c->flags & CMD_TOOL) && m.argc > 0 && !cmd_adopt_tool(m.argv[0]))
		return MSR_EUSAGE;
	log_json = m.o.json;

	config_init(&m.cfg);
	if (config_load(&m.cfg, config_path, &m.warnings, &err) == -1)
		goto config_fail;
	for (i = 0; i < ncli; i++)
		if (config_set(&m.cfg, config_find(cli[i].section,
		    cli[i].name), cli[i].value, cli[i].origin, &err) == -1)
			goto config_fail;
	if (config_finish(&m.cfg, &notices, &err) == -1)
		goto config_fail;
	log_colour(m.cfg.color == COLOR_ALWAYS ? 1 :
	    m.cfg.color == COLOR_NEVER ? 0 : -1);
	print_warnings(&m.warnings);
	for (i = 0; (c->flags & (CMD_DB | CMD_DBOPT | CMD_NOCONN)) &&
	    i < notices.n; i++)
		log_notice("%s", notices.v[i]);

	if ((c->flags & CMD_FILES) && !dir_exists(m.cfg.dir)) {
		log_error("cannot open migrations directory '%s': it does not"
		    " exist", m.cfg.dir);
		log_more("'msr new NAME' creates it with a first migration;"
		    " --dir or dir in [migrations] names another");
		rc = MSR_EUSAGE;
		goto done;
	}
	if ((c->flags & CMD_FILESOPT) && !dir_exists(m.cfg.dir)) {
		/* Versions as the tracking rows have them. */
		log_verbose("no migrations directory '%s': reading only the"
		    " database", m.cfg.dir);
	} else if (c->flags & (CMD_FILES | CMD_FILESOPT)) {
		if (migfile_scan(&m.set, m.cfg.dir,
		    (m.cfg.strict ? MIGSCAN_STRICT : 0) |
		    ((c->flags & CMD_EXACT) ? MIGSCAN_EXACT : 0), &m.warnings,
		    &err) == -1) {
			print_warnings(&m.warnings);
			for (p = err.s; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
				e = p + strcspn(p, "\n");
				log_error("%.*s", (int)(e - p), p);
			}
			rc = MSR_EUSAGE;
			goto done;
		}
		print_warnings(&m.warnings);
	}
	if ((c->flags & CMD_WRITE) && (rc = keep_fits(&m)) != MSR_OK)
		goto done;
	if ((c->flags & CMD_DB) ||
	    ((c->flags & CMD_DBOPT) && m.cfg.url != NULL)) {
		if ((rc = open_db(&m, c)) != MSR_OK)
			goto done;
	}
	log_command_runs();
	rc = c->fn(&m);
	goto done;

config_fail:
	log_error("%s", err.s);
	rc = MSR_EUSAGE;
done:
	close_db(&m, c);
	track_rows_release(&m.rows);
	track_release(&m.track);
	migfile_set_release(&m.set);
	strlist_release(&m.warnings);
	strlist_release(&notices);
	config_release(&m.cfg);
	free(m.url_masked);
	buf_release(&err);
	return rc;
}

/*
 * A standard descriptor that is closed is opened on /dev/null, read
 * only: else the next file or socket opened, such as PostgreSQL's
 * connection, would get it, and msr's output would go there.  Writes to
 * it fail, as they would have.
 */
static void
std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) != fd)
			_exit(MSR_EUSAGE);
}

/* Every way out checks that standard output was written. */
int
main(int argc, char *argv[])
{
	int rc;
	char code[16], *why;

	std_fds();
	rc = run(argc, argv);

	/* With --json, an error before the command ran is an event. */
	if ((why = log_end(rc)) != NULL) {
		snprintf(code, sizeof(code), "%d", rc);
		log_event(NULL, "error", "#exit_code", code, "message", why,
		    NULL);
		free(why);
	}
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write the output: %s", errno != 0 ?
		    strerror(errno) : "write error");
		if (rc == MSR_OK)
			rc = MSR_EFAILED;
	}
	return rc;
}
