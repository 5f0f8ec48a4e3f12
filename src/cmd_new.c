/*
 * new NAME: creates VERSION_NAME.up.sql and .down.sql.  VERSION is the
 * UTC time as YYYYMMDDHHMMSS, or the next number with the same zero
 * padding when the directory already numbers its migrations in sequence.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "url.h"
#include "xmalloc.h"

#define TIMESTAMP_DIGITS	14

static int
valid_name(const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) > 200)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* Adds one to a string of decimal digits, in place; 0 on overflow. */
static int
increment(char *d)
{
	size_t i = strlen(d);

	while (i-- > 0) {
		if (d[i] != '9') {
			d[i]++;
			return 1;
		}
		d[i] = '0';
	}
	return 0;
}


static int
create(const char *path, const char *text, struct buf *err)
{
	int fd;
	ssize_t n, len = (ssize_t)strlen(text);

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd == -1) {
		buf_addf(err, "cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, text, (size_t)len);
	if (close(fd) == -1 || n != len) {
		buf_addf(err, "cannot write '%s'", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int
cmd_new(struct msr *m)
{
	struct buf err = BUF_INIT;
	struct strlist warn = STRLIST_INIT;
	struct migset set;
	const struct migration *last = NULL;
	char version[MIGFILE_VERSION_MAX + 2], *up = NULL, *down = NULL;
	char *masked;
	const char *prefix = "", *base;
	struct tm tm;
	time_t now;
	int rc = MSR_EUSAGE;

	memset(&set, 0, sizeof(set));
	if (m->argc != 1) {
		log_error("new needs a NAME");
		fprintf(stderr, "usage: msr new NAME\n");
		return MSR_EUSAGE;
	}
	if (!valid_name(m->argv[0])) {
		up = url_mask_arg(m->argv[0]);
		log_error("invalid name '%s': use letters, digits, '_' and"
		    " '-'", up);
		free(up);
		return MSR_EUSAGE;
	}
	if (access(m->cfg.dir, F_OK) == 0) {
		if (migfile_scan(&set, m->cfg.dir, 0, &warn, &err) == -1) {
			log_error("%s", err.s);
			goto done;
		}
		if (set.n > 0)
			last = &set.v[set.n - 1];
	} else if (migfile_mkdirs(m->cfg.dir, &err) == -1) {
		log_error("%s", err.s);
		goto done;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(version, sizeof(version), "%Y%m%d%H%M%S", &tm);
	if (last != NULL && strlen(last->vtext) < TIMESTAMP_DIGITS - 2) {
		/* Sequential numbers: the next one, same width. */
		snprintf(version, sizeof(version), "%s", last->vtext);
		if (!increment(version)) {
			memmove(version + 1, version, strlen(version) + 1);
			version[0] = '1';
		}
	} else if (last != NULL && migfile_vercmp(version,
	    last->version) <= 0) {
		snprintf(version, sizeof(version), "%s", last->version);
		if (!increment(version)) {
			memmove(version + 1, version, strlen(version) + 1);
			version[0] = '1';
		}
	}
	if (strlen(version) > MIGFILE_VERSION_MAX) {
		log_error("the version after %s would have %zu digits, more"
		    " than the %d allowed; name the file by hand",
		    last->vtext, strlen(version), MIGFILE_VERSION_MAX);
		goto done;
	}
	if (last != NULL && (base = strrchr(last->up, '/')) != NULL &&
	    base[1] == 'V')
		prefix = "V";
	up = xasprintf("%s/%s%s_%s.up.sql", m->cfg.dir, prefix, version,
	    m->argv[0]);
	down = xasprintf("%s/%s%s_%s.down.sql", m->cfg.dir, prefix, version,
	    m->argv[0]);
	if (create(up, "-- Write the change here.\n", &err) == -1)
		goto failed;
	if (create(down, "-- Write here what undoes the up file.\n",
	    &err) == -1) {
		/* Both files or neither. */
		unlink(up);
		goto failed;
	}
	/* The directory may be anything, even a URL with a password. */
	masked = url_mask(up);
	printf("%s\n", masked);
	free(masked);
	masked = url_mask(down);
	printf("%s\n", masked);
	free(masked);
	rc = MSR_OK;
	goto done;
failed:
	log_error("%s", err.s);
done:
	free(up);
	free(down);
	migfile_set_release(&set);
	strlist_release(&warn);
	buf_release(&err);
	return rc;
}
