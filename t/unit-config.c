/*
 * Unit tests of the configuration key table and value checking.
 */
#include "buildconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "tap.h"

static void
bad(struct config *cfg, const char *section, const char *name,
    const char *value, const char *expect)
{
	struct buf err = BUF_INIT;
	char desc[256];

	snprintf(desc, sizeof(desc), "%s.%s = '%s' is refused", section, name,
	    value);
	ok(config_set(cfg, config_find(section, name), value, "test:1",
	    &err) == -1, desc);
	snprintf(desc, sizeof(desc), "%s.%s = '%s': message", section, name,
	    value);
	if (!ok(strncmp(err.s, "test:1: ", 8) == 0 &&
	    strstr(err.s, expect) != NULL, desc))
		printf("#   got: %s\n", err.s);
	buf_release(&err);
}

static void
good(struct config *cfg, const char *section, const char *name,
    const char *value)
{
	struct buf err = BUF_INIT;
	char desc[256];

	snprintf(desc, sizeof(desc), "%s.%s = '%s' is accepted", section,
	    name, value);
	if (!ok(config_set(cfg, config_find(section, name), value, "test:1",
	    &err) == 0, desc))
		printf("#   got: %s\n", err.s);
	buf_release(&err);
}

int
main(void)
{
	struct config cfg;
	struct buf b = BUF_INIT;
	unsigned i, j;
	int dup = 0;

	config_init(&cfg);
	is_str(cfg.dir, "db/migrations", "default dir");
	is_str(cfg.table, "msr_migrations", "default table");
	is_int(cfg.lock_enabled, 1, "lock enabled by default");
	is_int(cfg.lock_timeout, 600, "lock timeout 600 s by default");
	is_int(cfg.txmode, TXMODE_PER_MIGRATION, "per-migration by default");
	is_int(cfg.sqlite_busy_timeout, 5000, "busy_timeout 5000 ms");
	ok(cfg.url == NULL, "no URL by default");

	for (i = 0; i < config_nkeys; i++)
		for (j = i + 1; j < config_nkeys; j++)
			if (strcmp(config_keys[i].section,
			    config_keys[j].section) == 0 &&
			    strcmp(config_keys[i].name,
			    config_keys[j].name) == 0)
				dup = 1;
	ok(!dup, "no key appears twice in the table");
	for (i = 0; i < config_nkeys; i++)
		if (config_keys[i].help == NULL || *config_keys[i].help == '\0')
			break;
	ok(i == config_nkeys, "every key has a help line");

	config_envname(config_find("lock", "timeout"), &b);
	is_str(b.s, "MSR_LOCK_TIMEOUT", "environment name of lock.timeout");
	buf_reset(&b);
	config_envname(config_find("database", "url"), &b);
	is_str(b.s, "MSR_DATABASE_URL", "environment name of database.url");
	ok(config_find("database", "nope") == NULL, "unknown key not found");

	good(&cfg, "lock", "timeout", "0");
	good(&cfg, "lock", "timeout", "86400");
	bad(&cfg, "lock", "timeout", "86401", "at most 86400 seconds");
	bad(&cfg, "lock", "timeout", "2d", "at most 86400 seconds");
	bad(&cfg, "lock", "timeout", "-1", "optional unit");
	bad(&cfg, "lock", "timeout", "", "optional unit");
	bad(&cfg, "lock", "timeout", "99999999999999999999", "nine digits");
	bad(&cfg, "lock", "timeout", "m", "optional unit");
	bad(&cfg, "lock", "timeout", "5m", "did you mean '5min'?");
	bad(&cfg, "lock", "timeout", "5 s", "optional unit");
	good(&cfg, "lock", "timeout", "10s");
	is_int(cfg.lock_timeout, 10, "timeout = 10s is 10 s");
	good(&cfg, "lock", "timeout", "2min");
	is_int(cfg.lock_timeout, 120, "timeout = 2min is 120 s");
	good(&cfg, "lock", "timeout", "1d");
	is_int(cfg.lock_timeout, 86400, "timeout = 1d is 86400 s");
	good(&cfg, "lock", "timeout", "1500ms");
	is_int(cfg.lock_timeout, 2, "timeout = 1500ms is rounded up to 2 s");
	good(&cfg, "lock", "timeout", "0ms");
	is_int(cfg.lock_timeout, 0, "timeout = 0ms is 0");
	good(&cfg, "lock", "timeout", "30");
	is_int(cfg.lock_timeout, 30, "a bare number is seconds");
	good(&cfg, "database", "wait", "1h");
	is_int(cfg.wait, 3600, "wait = 1h is 3600 s");
	bad(&cfg, "database", "connect_timeout", "2h", "at most 3600 seconds");
	bad(&cfg, "postgres", "lock_timeout", "5m", "did you mean '5min'?");
	good(&cfg, "lock", "enabled", "no");
	is_int(cfg.lock_enabled, 0, "enabled = no");
	good(&cfg, "lock", "enabled", "ON");
	is_int(cfg.lock_enabled, 1, "enabled = ON");
	bad(&cfg, "lock", "enabled", "maybe", "true or false");
	good(&cfg, "transaction", "mode", "per-batch");
	is_int(cfg.txmode, TXMODE_PER_BATCH, "mode = per-batch");
	bad(&cfg, "transaction", "mode", "batch", "per-migration, per-batch");
	good(&cfg, "migrations", "table", "schema_versions");
	bad(&cfg, "migrations", "table", "bad-name", "letters, digits");
	bad(&cfg, "migrations", "table", "x\"; DROP TABLE t; --",
	    "letters, digits");
	bad(&cfg, "migrations", "table", "1abc", "not starting with a digit");
	bad(&cfg, "migrations", "table",
	    "a234567890123456789012345678901234567890123456789012345678901234",
	    "at most");
	good(&cfg, "postgres", "lock_timeout", "5s");
	good(&cfg, "postgres", "lock_timeout", "0");
	good(&cfg, "postgres", "statement_timeout", "2min");
	bad(&cfg, "postgres", "lock_timeout", "5 s", "unit");
	bad(&cfg, "postgres", "lock_timeout", "s", "unit");
	good(&cfg, "postgres", "search_path", "app, public");
	bad(&cfg, "postgres", "search_path", "app,,public", "names");
	bad(&cfg, "postgres", "search_path", "app; drop", "names");
	good(&cfg, "database", "url", "sqlite:app.db");
	is_str(cfg.url_origin, "test:1", "origin of url is kept");

	config_release(&cfg);
	buf_release(&b);
	return done_testing();
}
