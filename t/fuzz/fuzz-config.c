/*
 * Fuzz target for the configuration loader.  The input is written to
 * $TMPDIR/msr-fuzz-config.PID.ini (/tmp without TMPDIR), loaded with
 * config_load() and removed; then its first line is given to
 * config_set() for one key.  After a success every key must hold a
 * value its type allows; after a failure the message must be one line
 * naming the file and, when it has one, a line of the file.  The MSR_*
 * variables are unset and a few FUZZ_* variables set, for ${VAR}.
 */
#include "buildconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static char	path[4096];

static void
setup(void)
{
	struct buf	 name = BUF_INIT;
	const char	*tmp;
	unsigned	 i;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/msr-fuzz-config.%ld.ini", tmp,
	    (long)getpid());
	unsetenv("DATABASE_URL");
	unsetenv("MSR_CONFIG");
	for (i = 0; i < config_nkeys; i++) {
		buf_reset(&name);
		config_envname(&config_keys[i], &name);
		unsetenv(name.s);
	}
	buf_release(&name);
	setenv("FUZZ_URL", "postgres://app:s3cret@db/app", 1);
	setenv("FUZZ_TABLE", "schema_migrations", 1);
	setenv("FUZZ_EMPTY", "", 1);
}

static int
write_file(const uint8_t *data, size_t size)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	while (size > 0) {
		if ((n = write(fd, data, size)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		data += n;
		size -= (size_t)n;
	}
	return close(fd);
}

static int
is_ident(const char *s, size_t max)
{
	size_t	n = strlen(s);

	return n >= 1 && n <= max && strchr("0123456789", s[0]) == NULL &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_") == n;
}

/* Every key holds a value of its type. */
static void
check_config(const struct config *cfg)
{
	const struct cfgkey	*k;
	const char		*f, *s = NULL, *u;
	int			 v = 0;
	unsigned		 i;

	for (i = 0; i < config_nkeys; i++) {
		k = &config_keys[i];
		f = (const char *)cfg + k->offset;
		if (k->type == CFG_INT || k->type == CFG_BOOL ||
		    k->type == CFG_TXMODE || k->type == CFG_LOCKMETHOD ||
		    k->type == CFG_DIALECT || k->type == CFG_KEEPTOOL ||
		    k->type == CFG_SECONDS || k->type == CFG_COLOR)
			v = *(const int *)(const void *)f;
		else
			s = *(char *const *)(const void *)f;
		switch (k->type) {
		case CFG_INT:
		case CFG_SECONDS:
			CHECK(v >= k->min && v <= k->max);
			break;
		case CFG_COLOR:
			CHECK(v >= COLOR_AUTO && v <= COLOR_NEVER);
			break;
		case CFG_BOOL:
			CHECK(v == 0 || v == 1);
			break;
		case CFG_TXMODE:
			CHECK(v >= TXMODE_PER_MIGRATION && v <= TXMODE_NONE);
			break;
		case CFG_LOCKMETHOD:
			CHECK(v == LOCKMETHOD_ADVISORY ||
			    v == LOCKMETHOD_TABLE);
			break;
		case CFG_DIALECT:
			CHECK(v >= LINTDIALECT_AUTO &&
			    v <= LINTDIALECT_POSTGRES);
			break;
		case CFG_KEEPTOOL:
			CHECK(v >= KEEP_NONE && v <= KEEP_DBMATE);
			break;
		case CFG_RULES:
			/* Every name a rule, and the set what they name. */
			if (s != NULL) {
				ruleset set;
				const char *bad;
				size_t badlen;

				CHECK(rules_parse(s, &set, &bad,
				    &badlen) == 0);
				CHECK(set == cfg->lint_ignore_set);
			}
			break;
		case CFG_STRING:
			break;
		case CFG_IDENT:
			CHECK(s == NULL || is_ident(s, (size_t)k->max));
			break;
		case CFG_DURATION:
			if (s == NULL)
				break;
			u = s + strspn(s, "0123456789");
			CHECK(u > s && u - s <= 9);
			CHECK(*u == '\0' || strcmp(u, "ms") == 0 ||
			    strcmp(u, "s") == 0 || strcmp(u, "min") == 0 ||
			    strcmp(u, "h") == 0 || strcmp(u, "d") == 0);
			break;
		case CFG_IDENTLIST:
			CHECK(s == NULL || (*s != '\0' &&
			    strspn(s, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_, ") ==
			    strlen(s)));
			break;
		}
	}
}

/* "PATH:LINE: message" with LINE in the file, or "PATH: message". */
static void
check_error(const char *msg, const uint8_t *data, size_t size)
{
	const char	*p;
	char		*end;
	unsigned long	 line, lines = 1;
	size_t		 i;

	CHECK(strchr(msg, '\n') == NULL);
	if (strncmp(msg, "cannot read config file: ", 25) == 0)
		msg += 25;
	CHECK(strncmp(msg, path, strlen(path)) == 0);
	p = msg + strlen(path);
	CHECK(*p == ':');
	if (p[1] == ' ')
		return;
	line = strtoul(p + 1, &end, 10);
	CHECK(end != p + 1 && *end == ':');
	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	CHECK(line >= 1 && line <= lines);
}

/* The first line of the input as a value for one key. */
static void
set_one(struct config *cfg, const uint8_t *data, size_t size)
{
	const struct cfgkey	*k = &config_keys[size % config_nkeys];
	struct buf		 err = BUF_INIT;
	char			*v;
	size_t			 n;

	for (n = 0; n < size && data[n] != '\n' && data[n] != '\0'; n++)
		;
	if ((v = malloc(n + 1)) == NULL)
		return;
	memcpy(v, data, n);
	v[n] = '\0';
	if (config_set(cfg, k, v, "fuzz", &err) == 0) {
		CHECK(err.len == 0);
		if (k->type == CFG_STRING)
			CHECK(strcmp(*(char **)(void *)((char *)cfg +
			    k->offset), v) == 0);
	} else {
		CHECK(strncmp(err.s, "fuzz: ", 6) == 0);
		CHECK(strstr(err.s, k->name) != NULL);
	}
	check_config(cfg);
	buf_release(&err);
	free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	struct strlist	 warnings = STRLIST_INIT;
	struct buf	 err = BUF_INIT;
	int		 rc;

	if (path[0] == '\0')
		setup();
	if (write_file(data, size) == -1)
		return 0;
	config_init(&cfg);
	check_config(&cfg);
	rc = config_load(&cfg, path, &warnings, &err);
	unlink(path);
	if (rc == 0) {
		CHECK(err.len == 0 && warnings.n == 0);
		CHECK(cfg.path != NULL && strcmp(cfg.path, path) == 0);
		check_config(&cfg);
	} else {
		CHECK(err.len > 0);
		check_error(err.s, data, size);
	}
	set_one(&cfg, data, size);
	config_release(&cfg);
	strlist_release(&warnings);
	buf_release(&err);
	return 0;
}
