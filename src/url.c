/*
 * Password masking for database URLs.  Masking errs on the side of
 * hiding too much: a password is never shown, even in a URL that libpq
 * would reject, nor in libpq's messages about such a URL.
 */
#include "buildconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "url.h"
#include "xmalloc.h"

#define MASK	"***"

/* What was hidden, when the caller wants to know. */
static void
hidden(struct strlist *l, const char *s, size_t n)
{
	if (l != NULL && n > 0)
		strlist_addf(l, "%.*s", (int)n, s);
}

static int
is_password_key(const char *k, size_t n)
{
	return n >= 8 && strncasecmp(k + n - 8, "password", 8) == 0;
}

/* Masks the values of "...password=" parameters in a URI query. */
static void
mask_query(struct buf *out, const char *q, struct strlist *l)
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
			hidden(l, eq + 1, n - (size_t)(eq - q) - 1);
		} else
			buf_add(out, q, n);
		q += n;
		if (*q == '&')
			buf_addch(out, *q++);
	}
}

/*
 * The '@' that ends the userinfo.  libpq takes the first '@' before the
 * first '/'; the last one there hides more when the password holds an
 * '@'.  Without one, a password may hold a '/' that libpq then reads as
 * the end of the host: the last '@' before the query is taken.  An '@'
 * in the query never ends the userinfo.
 */
static const char *
userinfo_end(const char *auth)
{
	const char *at = NULL, *p;
	size_t n;

	n = strcspn(auth, "/");
	for (p = auth; p < auth + n; p++)
		if (*p == '@')
			at = p;
	if (at != NULL)
		return at;
	n = strcspn(auth, "?");
	for (p = auth; p < auth + n; p++)
		if (*p == '@')
			at = p;
	return at;
}

static char *
mask_uri(const char *url, const char *auth, struct strlist *l)
{
	struct buf out = BUF_INIT;
	const char *at, *colon, *rest, *q;

	rest = auth;
	at = userinfo_end(auth);
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon != NULL) {
		buf_add(&out, url, (size_t)(colon - url) + 1);
		buf_adds(&out, MASK);
		hidden(l, colon + 1, (size_t)(at - colon - 1));
		rest = at;
	} else
		buf_add(&out, url, (size_t)(rest - url));
	q = strchr(rest, '?');
	if (q == NULL && rest != auth && memchr(auth, '?', (size_t)(rest -
	    auth)) != NULL) {
		/* The '@' was in the query: what follows is query too. */
		mask_query(&out, rest, l);
		return buf_detach(&out);
	}
	if (q == NULL) {
		buf_adds(&out, rest);
		return buf_detach(&out);
	}
	buf_add(&out, rest, (size_t)(q - rest) + 1);
	mask_query(&out, q + 1, l);
	return buf_detach(&out);
}

/* The value of a quoted conninfo password as libpq reads it. */
static void
unescaped(struct strlist *l, const char *p, const char *end)
{
	struct buf b = BUF_INIT;

	if (l == NULL)
		return;
	if (end > p && end[-1] == '\'')
		end--;
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		buf_addch(&b, *p);
	}
	if (b.len > 0)
		strlist_add(l, b.s);
	buf_release(&b);
}

/* key = value pairs; values may be single-quoted with backslash escapes. */
static char *
mask_conninfo(const char *s, struct strlist *l)
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
		else if (*k == '\'') {
			hidden(l, k + 1, (size_t)(p - k) > 2 ?
			    (size_t)(p - k) - 2 : 0);
			unescaped(l, k + 1, p);
		} else
			hidden(l, k, (size_t)(p - k));
	}
	return buf_detach(&out);
}

static char *
mask(const char *url, struct strlist *l)
{
	const char *sep;

	sep = strstr(url, "://");
	if (sep != NULL && strcspn(url, "=") > (size_t)(sep - url))
		return mask_uri(url, sep + 3, l);
	if (strchr(url, '=') != NULL)
		return mask_conninfo(url, l);
	return xstrdup(url);
}

char *
url_mask(const char *url)
{
	return mask(url, NULL);
}

/*
 * Adds a secret and its pieces of three bytes or more, split where a
 * parser may split it: libpq may quote only a piece of a bad URL.
 */
static void
split(struct strlist *l, const char *secret, const char *seps)
{
	const char *p = secret, *q;
	size_t n = strlen(secret);

	while (*p != '\0') {
		q = p + strcspn(p, seps);
		if (q - p >= 3 && (size_t)(q - p) < n)
			strlist_addf(l, "%.*s", (int)(q - p), p);
		p = *q != '\0' ? q + 1 : q;
	}
}

static void
add_pieces(struct strlist *l, const char *secret)
{
	const char *sep;

	if (*secret == '\0')
		return;
	strlist_add(l, secret);
	split(l, secret, "@:/?&=#% \t'\\");
	/* A parser that stops at one of them keeps the others. */
	for (sep = "@:/?&"; *sep != '\0'; sep++) {
		char one[2] = { *sep, '\0' };

		split(l, secret, one);
	}
}

char *
url_scrub(const char *msg, const char *url, const char *password)
{
	struct strlist found = STRLIST_INIT, l = STRLIST_INIT;
	struct buf out = BUF_INIT;
	const char *p;
	size_t i, n, best;
	char *masked;

	if (url != NULL) {
		masked = mask(url, &found);
		free(masked);
	}
	if (password != NULL)
		strlist_add(&found, password);
	for (i = 0; i < found.n; i++)
		add_pieces(&l, found.v[i]);
	for (p = msg; *p != '\0';) {
		best = 0;
		for (i = 0; i < l.n; i++) {
			n = strlen(l.v[i]);
			if (n > best && strncmp(p, l.v[i], n) == 0)
				best = n;
		}
		if (best > 0) {
			buf_adds(&out, MASK);
			p += best;
		} else
			buf_addch(&out, *p++);
	}
	strlist_release(&found);
	strlist_release(&l);
	return buf_detach(&out);
}

int
url_is_postgres(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 ||
	    strncmp(url, "postgresql://", 13) == 0 ||
	    (strstr(url, "://") == NULL && strchr(url, '=') != NULL);
}
