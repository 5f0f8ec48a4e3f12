/*
 * The list of drivers, and what they share: errors, identifier quoting,
 * the clock and the time format of lock holders.
 */
#include "buildconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "driver.h"
#include "url.h"
#include "xmalloc.h"

extern const struct driver driver_sqlite;
#ifdef HAVE_LIBPQ
extern const struct driver driver_pg;
#endif

static const struct driver *const drivers[] = {
	&driver_sqlite,
#ifdef HAVE_LIBPQ
	&driver_pg,
#endif
};

const struct driver *
driver_find(const char *url, struct buf *err)
{
	size_t i;
	char *masked;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (drivers[i]->accepts(url))
			return drivers[i];
	masked = url_mask(url);
	if (url_is_postgres(url))
		buf_addf(err, "cannot use '%s': msr was built without"
		    " PostgreSQL support", masked);
	else
		buf_addf(err, "unsupported database URL '%s': expected"
		    " sqlite:PATH, postgres://... or key=value", masked);
	free(masked);
	return NULL;
}

void
driver_quote_ident(struct buf *b, const char *schema, const char *name)
{
	const char *p;

	if (schema != NULL) {
		driver_quote_ident(b, NULL, schema);
		buf_addch(b, '.');
	}
	buf_addch(b, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			buf_addch(b, '"');
		buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

void
dberr_init(struct dberr *e)
{
	memset(e, 0, sizeof(*e));
	buf_init(&e->msg);
	buf_init(&e->detail);
	buf_init(&e->hint);
	buf_init(&e->context);
	e->offset = -1;
}

void
dberr_reset(struct dberr *e)
{
	buf_reset(&e->msg);
	buf_reset(&e->detail);
	buf_reset(&e->hint);
	buf_reset(&e->context);
	e->code[0] = '\0';
	e->offset = -1;
	e->connection = 0;
}

void
dberr_release(struct dberr *e)
{
	buf_release(&e->msg);
	buf_release(&e->detail);
	buf_release(&e->hint);
	buf_release(&e->context);
	dberr_init(e);
}

void
driver_utc(char out[32], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

long long
driver_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
driver_subst(struct buf *b, const char *text, const char *name)
{
	const char *p = strstr(text, "%s");

	if (p == NULL) {
		buf_adds(b, text);
		return;
	}
	buf_add(b, text, (size_t)(p - text));
	buf_adds(b, name);
	buf_adds(b, p + 2);
}
