/*
 * Diagnostics: "msr: error: ..." lines on stderr, coloured by default
 * only on a terminal that is not TERM=dumb and never with NO_COLOR, and
 * JSON event lines on stdout.
 */
#include "buildconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

enum log_level log_level = LOG_NORMAL;
int log_json;

static int colour = -1;

/*
 * What log_end() needs: whether an event was printed or the command
 * runs, and the first error said.  Output state, as log_json is.
 */
static int events;
static int running;
static char *first_error;

void
log_colour(int on)
{
	colour = on;
}

static int
use_colour(void)
{
	const char *nc, *term;

	if (colour == -1) {
		nc = getenv("NO_COLOR");
		term = getenv("TERM");
		colour = isatty(STDERR_FILENO) &&
		    (nc == NULL || *nc == '\0') &&
		    (term == NULL || strcmp(term, "dumb") != 0);
	}
	return colour;
}

/*
 * Writes msg on stderr after prefix, with its line end, every password in
 * it masked and what a terminal would act on written as \xNN; lines
 * after the first are indented, so that every line of msr's stderr
 * either starts with "msr: " or belongs to the message above it.
 */
static void
emit(const char *prefix, struct buf *msg)
{
	struct buf out = BUF_INIT, text = BUF_INIT;
	const char *p;
	char *masked;

	while (msg->len > 0 && msg->s[msg->len - 1] == '\n')
		buf_truncate(msg, msg->len - 1);
	masked = url_mask(msg->s);
	buf_add_printable(&text, masked, BUF_KEEP_LF);
	buf_adds(&out, prefix);
	for (p = text.s; *p != '\0'; p++) {
		buf_addch(&out, *p);
		if (*p != '\n')
			continue;
		buf_adds(&out, "    ");
		while (p[1] == '\t' || p[1] == ' ')
			p++;
	}
	buf_addch(&out, '\n');
	fflush(stdout);
	fwrite(out.s, 1, out.len, stderr);
	buf_release(&out);
	buf_release(&text);
	free(masked);
}

static void
vlog(const char *label, const char *sgr, const char *fmt, va_list ap)
{
	struct buf pre = BUF_INIT, b = BUF_INIT;

	buf_adds(&pre, "msr: ");
	if (label != NULL) {
		if (use_colour())
			buf_addf(&pre, "\033[%sm%s:\033[0m ", sgr, label);
		else
			buf_addf(&pre, "%s: ", label);
	}
	buf_vaddf(&b, fmt, ap);
	if (first_error == NULL && !running && label != NULL &&
	    strcmp(label, "error") == 0)
		first_error = xstrdup(b.s);
	emit(pre.s, &b);
	buf_release(&pre);
	buf_release(&b);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error", "1;31", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog("warning", "1;33", fmt, ap);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog("notice", "1;36", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_verbose(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vlog(NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_more(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	emit("    ", &b);
	buf_release(&b);
}

void
log_json_str(struct buf *b, const char *s)
{
	const unsigned char *p;
	char *masked = url_mask(s);
	size_t n;

	buf_addch(b, '"');
	for (p = (const unsigned char *)masked; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_addf(b, "\\u%04x", *p);
			else if (*p < 0x80)
				buf_addch(b, *p);
			else if ((n = buf_utf8_len(p)) == 2 && p[0] == 0xc2 &&
			    p[1] < 0xa0) {
				buf_addf(b, "\\u%04x", p[1]);
				p++;
			} else if (n > 0) {
				buf_add(b, p, n);
				p += n - 1;
			} else
				buf_adds(b, "\\ufffd");
		}
	}
	buf_addch(b, '"');
	free(masked);
}

void
log_event(const char *run, const char *event, ...)
{
	struct buf b = BUF_INIT;
	const char *k, *v;
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (!log_json)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_adds(&b, "{\"event\":");
	log_json_str(&b, event);
	buf_addf(&b, ",\"time\":\"%s.%03ldZ\"", stamp, ts.tv_nsec / 1000000);
	if (run != NULL && *run != '\0') {
		buf_adds(&b, ",\"run_id\":");
		log_json_str(&b, run);
	}
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		buf_addch(&b, ',');
		log_json_str(&b, *k == '#' ? k + 1 : k);
		buf_addch(&b, ':');
		if (v == NULL)
			buf_adds(&b, "null");
		else if (*k == '#')
			buf_adds(&b, v);
		else
			log_json_str(&b, v);
	}
	va_end(ap);
	buf_adds(&b, "}\n");
	fwrite(b.s, 1, b.len, stdout);
	fflush(stdout);
	buf_release(&b);
	events++;
}

void
log_command_runs(void)
{
	running = 1;
}

char *
log_end(int rc)
{
	char *why = first_error;
	int ran = running;

	first_error = NULL;
	running = 1;
	if (!log_json || rc == 0 || events > 0 || ran) {
		free(why);
		return NULL;
	}
	return why != NULL ? why : xstrdup("failed");
}
