/*
 * msr log: what happened, from the audit table, newest first and
 * grouped by the run that wrote it.  It only reads.
 */
#include "buildconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "msr.h"
#include "url.h"
#include "xmalloc.h"

/* Rows shown when --limit is not given. */
#define LOG_LIMIT	100

struct logview {
	struct msr	*m;
	struct buf	 out;
	char		*run;		/* the run of the group shown, or NULL */
	int		 started;	/* a group was shown */
	long		 rows;
	long		 limit;
};

enum {
	COL_ID, COL_AT, COL_ACTION, COL_VERSION, COL_NAME, COL_OUTCOME,
	COL_MESSAGE, COL_MS, COL_DBUSER, COL_OSUSER, COL_RUN, NCOLS
};

static void
json_member(struct buf *b, const char *key, const char *v, int number)
{
	buf_addf(b, ",\"%s\":", key);
	if (v == NULL)
		buf_adds(b, "null");
	else if (number)
		buf_adds(b, v);
	else
		log_json_str(b, v);
}

static int
row_json(struct logview *w, const char *const *v)
{
	struct buf *b = &w->out;

	buf_addf(b, "{\"id\":%s", v[COL_ID]);
	json_member(b, "at", v[COL_AT], 0);
	json_member(b, "run_id", v[COL_RUN], 0);
	json_member(b, "action", v[COL_ACTION], 0);
	json_member(b, "version", v[COL_VERSION], 0);
	json_member(b, "name", v[COL_NAME], 0);
	json_member(b, "outcome", v[COL_OUTCOME], 0);
	json_member(b, "message", v[COL_MESSAGE], 0);
	json_member(b, "execution_ms", v[COL_MS], 1);
	json_member(b, "db_user", v[COL_DBUSER], 0);
	json_member(b, "os_user", v[COL_OSUSER], 0);
	buf_adds(b, "}\n");
	return 0;
}

/* A header for each run, then a line for each of its rows. */
static int
row_text(struct logview *w, const char *const *v)
{
	struct buf *b = &w->out, line = BUF_INIT;
	const char *run = v[COL_RUN];
	char *masked;

	if (!w->started || (run == NULL) != (w->run == NULL) ||
	    (run != NULL && strcmp(run, w->run) != 0)) {
		if (w->started)
			buf_addch(b, '\n');
		if (run != NULL)
			buf_addf(b, "run %s", run);
		else
			buf_adds(b, "rows without a run id");
		if (v[COL_OSUSER] != NULL)
			buf_addf(b, " by %s", v[COL_OSUSER]);
		if (v[COL_DBUSER] != NULL)
			buf_addf(b, " as %s", v[COL_DBUSER]);
		buf_addch(b, '\n');
		free(w->run);
		w->run = run != NULL ? xstrdup(run) : NULL;
		w->started = 1;
	}
	buf_addf(&line, "  %s  %-8s %s%s%s  %s", v[COL_AT], v[COL_ACTION],
	    v[COL_VERSION] != NULL ? v[COL_VERSION] : "-",
	    v[COL_NAME] != NULL ? "_" : "",
	    v[COL_NAME] != NULL ? v[COL_NAME] : "", v[COL_OUTCOME]);
	if (v[COL_MS] != NULL)
		buf_addf(&line, "  %s ms", v[COL_MS]);
	if (v[COL_MESSAGE] != NULL && *v[COL_MESSAGE] != '\0')
		buf_addf(&line, "  %s", v[COL_MESSAGE]);
	masked = url_mask(line.s);
	buf_add_printable(b, masked, 0);
	buf_addch(b, '\n');
	free(masked);
	buf_release(&line);
	return 0;
}

static int
row_cb(void *arg, int ncols, const char *const *v)
{
	struct logview *w = arg;

	if (ncols < NCOLS || v[COL_ID] == NULL || v[COL_AT] == NULL ||
	    v[COL_ACTION] == NULL || v[COL_OUTCOME] == NULL)
		return -1;
	/* One row more than shown says that there are more. */
	if (++w->rows > w->limit)
		return 0;
	return w->m->o.json ? row_json(w, v) : row_text(w, v);
}

/*
 * --since: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "...:SS", in UTC, with
 * "T" or a space, a "Z" allowed; or a time ago: N followed by s, min, h
 * or d.  0 with out as ISO 8601 UTC to the millisecond, or -1.
 */
int
cmd_log_since(const char *s, char out[32])
{
	static const struct { const char *unit; long secs; } units[] = {
		{ "s", 1 }, { "min", 60 }, { "h", 3600 }, { "d", 86400 }
	};
	struct tm tm;
	char *end;
	long n;
	size_t i;
	time_t t;
	int y, mo, d, h = 0, mi = 0, sec = 0, len = 0;

	if (*s >= '0' && *s <= '9' && strchr(s, '-') == NULL) {
		n = strtol(s, &end, 10);
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(end, units[i].unit) == 0 && n >= 0 &&
			    n <= 36500L * 86400 / units[i].secs)
				break;
		if (end == s || i == sizeof(units) / sizeof(units[0]))
			return -1;
		t = time(NULL) - (time_t)(n * units[i].secs);
		if (gmtime_r(&t, &tm) == NULL)
			return -1;
		strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &len) != 3 || len != 10)
		return -1;
	s += len;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &len) != 2 || len != 5)
			return -1;
		s += 1 + len;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &len) != 1 || len != 2)
				return -1;
			s += 1 + len;
		}
		if (*s == 'Z')
			s++;
	}
	if (*s != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return -1;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y % 10000,
	    mo % 100, d % 100, h % 100, mi % 100, sec % 100);
	return 0;
}

int
cmd_log(struct msr *m)
{
	struct logview w;
	struct dberr err;
	char version[MIGFILE_VERSION_MAX + 1], since[32];
	int rc = MSR_OK;

	memset(&w, 0, sizeof(w));
	w.m = m;
	w.limit = m->o.limit > 0 ? m->o.limit : LOG_LIMIT;
	if (m->o.log_version != NULL &&
	    migfile_parse_version(m->o.log_version, version) == -1) {
		bad_version("--version", m->o.log_version);
		return MSR_EUSAGE;
	}
	if (m->o.since != NULL && cmd_log_since(m->o.since, since) == -1) {
		/* Checked before connecting; here for a caller that did not. */
		return MSR_EUSAGE;
	}
	if (!m->has_table) {
		if (!m->o.json)
			log_info("no audit table %s: msr has changed nothing"
			    " here", m->track.log);
		return MSR_OK;
	}
	dberr_init(&err);
	if (track_log_read(&m->track, m->o.log_version != NULL ? version :
	    NULL, m->o.since != NULL ? since : NULL, w.limit + 1, row_cb, &w,
	    &err) == -1) {
		log_error("cannot read the audit table %s: %s", m->track.log,
		    err.msg.s);
		rc = MSR_ECONNECT;
	} else {
		if (w.out.len > 0)
			fputs(w.out.s, stdout);
		if (w.rows > w.limit && !m->o.json)
			log_info("older rows not shown: give --limit N, more"
			    " than %ld", w.limit);
		else if (w.rows == 0 && !m->o.json)
			log_info("no audit row%s", m->o.log_version != NULL ||
			    m->o.since != NULL ? " matches" : "");
	}
	dberr_release(&err);
	free(w.run);
	buf_release(&w.out);
	return rc;
}
