/*
 * Password masking for database URLs.  Masking errs on the side of
 * hiding too much: a password is never shown, even in a URL that libpq
 * would reject.
 */
#include "buildconf.h"

#include <string.h>
#include <strings.h>

#include "buf.h"
#include "url.h"
#include "xmalloc.h"

#define MASK	"***"

static int
is_password_key(const char *k, size_t n)
{
	return n >= 8 && strncasecmp(k + n - 8, "password", 8) == 0;
}

/* Masks the values of "...password=" parameters in a URI query. */
static void
mask_query(struct buf *out, const char *q)
{
	const char *amp, *eq;
	size_t n;

	while (*q != '\0') {
		amp = strchr(q, '&');
		n = amp != NULL ? (size_t)(amp - q) : strlen(q);
		eq = memchr(q, '=', n);
		if (eq != NULL && is_password_key(q, (size_t)(eq - q))) {
			buf_add(out, q, (size_t)(eq - q) + 1);
			buf_adds(out, MASK);
		} else
			buf_add(out, q, n);
		q += n;
		if (*q == '&')
			buf_addch(out, *q++);
	}
}

static char *
mask_uri(const char *url, const char *auth)
{
	struct buf out = BUF_INIT;
	const char *at, *colon, *rest, *q;

	/* The last '@' ends the userinfo even if the password holds one. */
	at = strrchr(auth, '@');
	if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon != NULL) {
			buf_add(&out, url, (size_t)(colon - url) + 1);
			buf_adds(&out, MASK);
			rest = at;
		} else
			rest = auth;
	} else
		rest = auth;
	if (out.len == 0)
		buf_add(&out, url, (size_t)(rest - url));
	q = strchr(rest, '?');
	if (q == NULL) {
		buf_adds(&out, rest);
		return buf_detach(&out);
	}
	buf_add(&out, rest, (size_t)(q - rest) + 1);
	mask_query(&out, q + 1);
	return buf_detach(&out);
}

/* key = value pairs; values may be single-quoted with backslash escapes. */
static char *
mask_conninfo(const char *s)
{
	struct buf out = BUF_INIT;
	const char *k, *p = s;
	size_t klen;
	int hide;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			buf_addch(&out, *p++);
		k = p;
		while (*p != '\0' && *p != '=' && *p != ' ' && *p != '\t')
			p++;
		klen = (size_t)(p - k);
		buf_add(&out, k, klen);
		while (*p == ' ' || *p == '\t')
			buf_addch(&out, *p++);
		if (*p != '=')
			continue;
		buf_addch(&out, *p++);
		while (*p == ' ' || *p == '\t')
			buf_addch(&out, *p++);
		hide = is_password_key(k, klen);
		if (hide)
			buf_adds(&out, MASK);
		if (*p == '\'') {
			k = p++;
			while (*p != '\0' && *p != '\'') {
				if (*p == '\\' && p[1] != '\0')
					p++;
				p++;
			}
			if (*p == '\'')
				p++;
		} else {
			k = p;
			while (*p != '\0' && *p != ' ' && *p != '\t' &&
			    *p != '\n' && *p != '\r')
				p++;
		}
		if (!hide)
			buf_add(&out, k, (size_t)(p - k));
	}
	return buf_detach(&out);
}

char *
url_mask(const char *url)
{
	const char *sep;

	sep = strstr(url, "://");
	if (sep != NULL && strcspn(url, "=") > (size_t)(sep - url))
		return mask_uri(url, sep + 3);
	if (strchr(url, '=') != NULL)
		return mask_conninfo(url);
	return xstrdup(url);
}
