/*
 * Configuration: one table of keys (section, name, type, default), filled
 * from, in rising precedence, the defaults, DATABASE_URL, the INI file,
 * MSR_SECTION_NAME environment variables and the command line.
 */
#ifndef MSR_CONFIG_H
#define MSR_CONFIG_H

#include "rules.h"
#include "sqlscan.h"

struct buf;
struct strlist;

enum txmode {
	TXMODE_PER_MIGRATION,
	TXMODE_PER_BATCH,
	TXMODE_NONE
};

enum lintdialect {
	LINTDIALECT_AUTO,	/* from the URL; SQLite when there is none */
	LINTDIALECT_SQLITE,
	LINTDIALECT_POSTGRES
};

enum lockmethod {
	LOCKMETHOD_ADVISORY,	/* the database's own: released when msr dies */
	LOCKMETHOD_TABLE	/* a row in the lock table */
};

/* [output] color. */
enum colormode {
	COLOR_AUTO,	/* on a terminal whose TERM is not dumb, without NO_COLOR */
	COLOR_ALWAYS,
	COLOR_NEVER
};

/* [migrations] keep_tool: another tool's table that msr keeps in step. */
enum keeptool {
	KEEP_NONE,
	KEEP_GOLANG_MIGRATE,	/* one row: the version, and dirty */
	KEEP_DBMATE		/* a row per applied version */
};

struct config {
	/* [database] */
	char		*url;
	char		*password_file;
	int		 connect_timeout;	/* seconds, 0: none */
	int		 wait;			/* seconds */
	/* [migrations] */
	char		*dir;
	char		*table;
	char		*schema;
	int		 out_of_order;
	int		 strict;
	int		 keep_tool;		/* enum keeptool */
	char		*keep_table;
	char		*keep_schema;
	/* [transaction] */
	int		 txmode;		/* enum txmode */
	/* [lock] */
	int		 lock_enabled;
	int		 lock_timeout;		/* seconds */
	int		 lock_method;		/* enum lockmethod */
	/* [postgres] */
	char		*pg_lock_timeout;
	char		*pg_statement_timeout;
	char		*pg_role;
	char		*pg_search_path;
	/* [sqlite] */
	int		 sqlite_busy_timeout;	/* milliseconds */
	/* [lint] */
	char		*lint_ignore;
	int		 lint_dialect;		/* enum lintdialect */
	/* [output] */
	int		 color;			/* enum colormode */

	/* Derived, not keys. */
	char		*password;	/* read from password_file */
	char		*path;		/* the config file read, or NULL */
	char		*url_origin;	/* where url was set, for messages */
	char		*password_file_origin;	/* and password_file */
	char		*env_url;	/* DATABASE_URL, whether it won or not */
	ruleset		 lint_ignore_set;	/* lint_ignore as rules */
};

/* What a key holds. */
enum cfgtype {
	CFG_STRING,
	CFG_INT,
	CFG_BOOL,
	CFG_TXMODE,
	CFG_LOCKMETHOD,
	CFG_IDENT,	/* an SQL identifier: [A-Za-z_][A-Za-z0-9_]*, <= 63 */
	CFG_DURATION,	/* PostgreSQL duration: 0, 500ms, 5s, 2min, 1h, 1d */
	CFG_SECONDS,	/* a duration as an int of seconds, rounded up; a
			 * bare number is seconds */
	CFG_IDENTLIST,	/* identifiers separated by commas */
	CFG_RULES,	/* lint rule names separated by commas */
	CFG_DIALECT,	/* enum lintdialect */
	CFG_KEEPTOOL,	/* enum keeptool */
	CFG_COLOR	/* enum colormode */
};

struct cfgkey {
	const char	*section;
	const char	*name;
	enum cfgtype	 type;
	size_t		 offset;	/* into struct config */
	const char	*def;		/* default, as text; NULL: unset */
	int		 min, max;	/* CFG_INT: range; CFG_IDENT: max length */
	const char	*help;		/* one line, for contrib/msr.ini */
};

extern const struct cfgkey config_keys[];
extern const unsigned config_nkeys;

/* Sets the defaults. */
void	config_init(struct config *);
void	config_release(struct config *);

/* The key "section.name", or NULL. */
const struct cfgkey *config_find(const char *section, const char *name);

/*
 * Sets key k from text value, which came from origin ("msr.ini:12",
 * "MSR_LOCK_TIMEOUT", "--lock-timeout").  Returns 0, or -1 with err set
 * to "ORIGIN: message".
 */
int	config_set(struct config *, const struct cfgkey *k, const char *value,
	    const char *origin, struct buf *err);

/*
 * Loads everything but the command line: defaults, DATABASE_URL, the
 * file (path, or $MSR_CONFIG, or ./msr.ini when present), MSR_*
 * variables.  Returns 0, or -1 with err set.  Warnings (a readable file
 * holding a password, an MSR_* variable that is no key) are added to
 * warnings.
 */
int	config_load(struct config *, const char *path, struct strlist *warnings,
	    struct buf *err);

/*
 * Final checks once the command line is applied: reads password_file.
 * Returns 0, or -1 with err set.  Notices (DATABASE_URL set, and another
 * url used) are added to notices.
 */
int	config_finish(struct config *, struct strlist *notices,
	    struct buf *err);

/*
 * The one parser of durations: a number of at most nine digits with an
 * optional unit ms, s, min, h or d, the number alone counting bare_ms
 * milliseconds.  Sets *ms; returns 0, or -1 with why set to what is
 * wrong ("did you mean '5min'?" for "5m").
 */
int	config_parse_duration(const char *s, long long bare_ms, long long *ms,
	    struct buf *why);

/*
 * A duration of whole seconds from 0 to max, a bare number being
 * seconds and a part of a second counting as one; 0, or -1 with why
 * set.
 */
int	config_parse_seconds(const char *s, int max, int *sec,
	    struct buf *why);

/* The environment variable of a key: "MSR_LOCK_TIMEOUT". */
void	config_envname(const struct cfgkey *, struct buf *);

/* The SQL dialect of lint: [lint] dialect, or what the URL says. */
enum sqldialect config_lint_dialect(const struct config *);

/* "per-migration" for TXMODE_PER_MIGRATION, ... */
const char *config_txmode_name(int);

#endif
