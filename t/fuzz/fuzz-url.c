/*
 * Fuzz target for password masking.  The first byte picks a form, the
 * rest are fields separated by newlines, from which a URL holding a
 * password is built: a URI with user:password@, a URI with a
 * ...password= query parameter, or a key=value conninfo string with the
 * value quoted as libpq wants it, the malformed postgres:/user:password@
 * and postgres:user:password@, or a query parameter whose key is
 * percent-encoded (pass%77ord=).  When the password has 4 bytes or more
 * and appears nowhere else in the URL, url_mask() must not show it, nor
 * in a message that quotes the URL, nor url_scrub() in a message that
 * quotes the URL and the password.  The last form passes the input as
 * it is: a URL without '@' and without a key that reads "password" once
 * percent-decoded must come back unchanged.
 */
#include "buildconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static const char *const schemes[] = { "postgres", "postgresql" };
static const char *const pwkeys[] = { "password", "sslpassword", "PassWord" };
static const char *const pctkeys[] = { "pass%77ord", "%70assword",
    "PASS%57ORD", "ssl%70assword" };
static const char *const bare[] = { "postgres:", "postgres:/", "POSTGRESQL:",
    "postgresql:/" };

/* Field i (fields end at '\n') without NULs and the bytes in drop. */
static void
field(const uint8_t *data, size_t size, int i, const char *drop,
    struct buf *out)
{
	size_t	p;

	for (p = 0; p < size && i > 0; p++)
		if (data[p] == '\n')
			i--;
	for (; p < size && data[p] != '\n'; p++)
		if (data[p] != '\0' && strchr(drop, data[p]) == NULL)
			buf_addch(out, data[p]);
}

/* A conninfo value as libpq reads it: quoted when it has to be. */
static void
add_value(struct buf *out, const char *v, int force)
{
	const char	*p;
	int		 quote = force || *v == '\0';

	for (p = v; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || *p == '\'' || *p == '\\')
			quote = 1;
	if (!quote) {
		buf_adds(out, v);
		return;
	}
	buf_addch(out, '\'');
	for (p = v; *p != '\0'; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addch(out, '\\');
		buf_addch(out, *p);
	}
	buf_addch(out, '\'');
}

/* Whether every occurrence of needle in s lies in [from, to). */
static int
only_inside(const char *s, const char *needle, size_t from, size_t to)
{
	const char	*p;
	size_t		 n = strlen(needle);

	for (p = s; (p = strstr(p, needle)) != NULL; p++)
		if ((size_t)(p - s) < from || (size_t)(p - s) + n > to)
			return 0;
	return 1;
}

/* Whether url has white space or control bytes outside [from, to). */
static int
spaced(const char *url, size_t from, size_t to)
{
	size_t	i;

	for (i = 0; url[i] != '\0'; i++)
		if ((i < from || i >= to) && (isspace((unsigned char)url[i]) ||
		    iscntrl((unsigned char)url[i])))
			return 1;
	return 0;
}

/*
 * The URL holds the password pw, written as raw, in [from, to): neither
 * may show after masking.
 */
static void
check(const char *url, const char *pw, const char *raw, size_t from,
    size_t to)
{
	struct buf	 msg = BUF_INIT;
	char		*s;

	if (strlen(pw) < 4 || !only_inside(url, pw, from, to) ||
	    !only_inside(url, raw, from, to))
		return;
	s = url_mask(url);
	CHECK(strstr(s, pw) == NULL && strstr(s, raw) == NULL);
	free(s);
	/*
	 * In a message, 24 bytes after its start, where the quotes may make
	 * a password too; white space outside the password ends a URL there.
	 */
	buf_addf(&msg, "--table: invalid value '%s' for 'x': expected", url);
	if (!spaced(url, from, to) &&
	    only_inside(msg.s, pw, from + 24, to + 24) &&
	    only_inside(msg.s, raw, from + 24, to + 24)) {
		s = url_mask(msg.s);
		CHECK(strstr(s, pw) == NULL && strstr(s, raw) == NULL);
		free(s);
	}
	buf_reset(&msg);
	buf_addf(&msg, "invalid URI \"%s\": %s, %s", url, raw, pw);
	s = url_scrub(msg.s, url, NULL);
	CHECK(strstr(s, raw) == NULL && strstr(s, pw) == NULL);
	free(s);
	buf_reset(&msg);
	buf_addf(&msg, "password \"%s\" is wrong", pw);
	s = url_scrub(msg.s, NULL, pw);
	CHECK(strstr(s, pw) == NULL);
	free(s);
	buf_release(&msg);
}

/* Whether s, percent-decoded, holds "password" in any case. */
static int
has_password(const char *s0)
{
	struct buf	 d = BUF_INIT;
	const char	*s;
	size_t		 i;
	int		 found = 0;

	for (s = s0; *s != '\0'; s++)
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			char hex[3] = { s[1], s[2], '\0' };

			/* %00 must not end the text. */
			buf_addch(&d, (char)strtol(hex, NULL, 16) == '\0' ?
			    '\001' : (char)strtol(hex, NULL, 16));
			s += 2;
		} else
			buf_addch(&d, *s);
	for (s = d.s; *s != '\0' && !found; s++) {
		for (i = 0; i < 8 && s[i] != '\0' &&
		    tolower((unsigned char)s[i]) == "password"[i]; i++)
			;
		found = i == 8;
	}
	buf_release(&d);
	return found;
}

static void
raw_url(const uint8_t *data, size_t size)
{
	char	*url, *s;

	if ((url = malloc(size + 1)) == NULL)
		return;
	if (size > 0)
		memcpy(url, data, size);
	url[size] = '\0';
	s = url_mask(url);
	if (strchr(url, '@') == NULL && !has_password(url))
		CHECK(strcmp(s, url) == 0);
	free(s);
	s = url_scrub(url, url, url);
	free(s);
	free(url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 url = BUF_INIT, user = BUF_INIT, pw = BUF_INIT;
	struct buf	 host = BUF_INIT, x1 = BUF_INIT, x2 = BUF_INIT;
	struct buf	 raw = BUF_INIT;
	const char	*sp;
	size_t		 from, to;
	unsigned	 mode;

	if (size == 0)
		return 0;
	mode = data[0];
	data++, size--;
	switch (mode % 6) {
	case 0:		/* scheme://user:pw@host/db?x1 */
		field(data, size, 0, "@/:", &user);
		field(data, size, 1, "@/*", &pw);
		field(data, size, 2, "@/", &host);
		field(data, size, 3, "", &x1);
		buf_addf(&url, "%s://%s:", schemes[(mode >> 2) % 2], user.s);
		from = url.len;
		buf_adds(&url, pw.s);
		to = url.len;
		buf_addf(&url, "@%s/db", host.s);
		if (x1.len > 0)
			buf_addf(&url, "?%s", x1.s);
		check(url.s, pw.s, pw.s, from, to);
		break;
	case 1:		/* scheme://[user@]host/db?x1&password=pw&x2 */
		field(data, size, 0, "@/:", &user);
		field(data, size, 1, "&*", &pw);
		field(data, size, 2, "@/?", &host);
		field(data, size, 3, "", &x1);
		field(data, size, 4, "", &x2);
		buf_addf(&url, "%s://%s%s%s/db?%s&%s=",
		    schemes[(mode >> 2) % 2], user.s, user.len > 0 ? "@" : "",
		    host.s, x1.s, pwkeys[(mode >> 3) % 3]);
		from = url.len;
		buf_adds(&url, pw.s);
		to = url.len;
		buf_addf(&url, "&%s", x2.s);
		check(url.s, pw.s, pw.s, from, to);
		break;
	case 2:		/* host=x1 password=pw dbname=x2 */
		field(data, size, 1, "*", &pw);
		field(data, size, 2, "", &x1);
		field(data, size, 3, "", &x2);
		sp = (mode & 0x10) ? " \t" : " ";
		buf_adds(&url, "host=");
		add_value(&url, x1.s, 0);
		buf_addf(&url, "%s%s%s=%s", sp, pwkeys[(mode >> 2) % 3],
		    (mode & 0x20) ? " " : "", (mode & 0x20) ? " " : "");
		from = url.len;
		add_value(&url, pw.s, (mode & 0x40) != 0);
		to = url.len;
		buf_addf(&url, "%sdbname=", sp);
		add_value(&url, x2.s, 0);
		if (url.s[from] == '\'')
			buf_add(&raw, url.s + from + 1, to - from - 2);
		else
			buf_add(&raw, url.s + from, to - from);
		check(url.s, pw.s, raw.s, from, to);
		break;
	case 3:		/* postgres:[/]user:pw@host/db?x1 */
		field(data, size, 0, "@/:", &user);
		field(data, size, 1, "@/*", &pw);
		field(data, size, 2, "@/", &host);
		field(data, size, 3, "", &x1);
		buf_addf(&url, "%s%s:", bare[(mode >> 3) % 4], user.s);
		from = url.len;
		buf_adds(&url, pw.s);
		to = url.len;
		buf_addf(&url, "@%s/db", host.s);
		if (x1.len > 0)
			buf_addf(&url, "?%s", x1.s);
		check(url.s, pw.s, pw.s, from, to);
		break;
	case 4:		/* scheme://host/db?x1&pass%77ord=pw&x2 */
		field(data, size, 1, "&*", &pw);
		field(data, size, 2, "@/?", &host);
		field(data, size, 3, "", &x1);
		field(data, size, 4, "", &x2);
		buf_addf(&url, "%s://%s/db?%s&%s=", schemes[(mode >> 3) % 2],
		    host.s, x1.s, pctkeys[(mode >> 4) % 4]);
		from = url.len;
		buf_adds(&url, pw.s);
		to = url.len;
		buf_addf(&url, "&%s", x2.s);
		check(url.s, pw.s, pw.s, from, to);
		break;
	default:
		raw_url(data, size);
		break;
	}
	buf_release(&url);
	buf_release(&user);
	buf_release(&pw);
	buf_release(&host);
	buf_release(&x1);
	buf_release(&x2);
	buf_release(&raw);
	return 0;
}
