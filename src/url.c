/*
 * Password masking for database URLs.  Masking errs on the side of
 * hiding too much: a password is never shown, even in a URL that libpq
 * would reject, nor in libpq's messages about such a URL.
 */
#include "buildconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "url.h"
#include "xmalloc.h"

#define MASK	"***"

static char	*scan(const char *, struct strlist *);

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) with %XX decoded, as libpq reads a URI.  The caller frees it. */
static char *
decoded(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			buf_addch(&b, (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2])));
			i += 2;
		} else
			buf_addch(&b, s[i]);
	return buf_detach(&b);
}

/* s[0..n) without the backslashes of escapes, as libpq reads conninfo. */
static char *
unescaped(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		buf_addch(&b, s[i]);
	}
	return buf_detach(&b);
}

/*
 * What was hidden, when the caller wants to know: as written, and as a
 * URI or conninfo parser reads it.
 */
static void
hidden(struct strlist *l, const char *s, size_t n)
{
	char *d;

	if (l == NULL || n == 0)
		return;
	strlist_addf(l, "%.*s", (int)n, s);
	d = decoded(s, n);
	if (*d != '\0' && strlen(d) != n)
		strlist_add(l, d);
	free(d);
	d = unescaped(s, n);
	if (*d != '\0' && strlen(d) != n)
		strlist_add(l, d);
	free(d);
}

/* Whether a key, %XX decoded, ends in "password" in any case. */
static int
is_password_key(const char *k, size_t n)
{
	char *d = decoded(k, n);
	size_t dn = strlen(d);
	int yes;

	yes = dn >= 8 && strcasecmp(d + dn - 8, "password") == 0;
	free(d);
	return yes;
}

static int
is_scheme_char(int c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '-' || c == '.';
}

static int
is_key_char(int c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '%';
}

/*
 * The '@' that ends the user info.  libpq takes the first '@' before the
 * first '/'; the last one there hides more when the password holds an
 * '@'.  Without one, a password may hold a '/' that libpq then reads as
 * the end of the host: the last '@' before the query, or before white
 * space in a message, is taken.  A URI in a message ends at its line.
 */
static const char *
userinfo_end(const char *auth)
{
	const char *at = NULL, *p;
	size_t n;

	n = strcspn(auth, "/\n");
	for (p = auth; p < auth + n; p++)
		if (*p == '@')
			at = p;
	if (at != NULL)
		return at;
	n = strcspn(auth, "?\n\r \t");
	for (p = auth; p < auth + n; p++)
		if (*p == '@')
			at = p;
	return at;
}

/*
 * At p, the start of a word: a URI whose user info holds a password.
 * Any scheme followed by "//" counts, and postgres: or postgresql:
 * followed by the user info at once or after a '/', which libpq does
 * not take for a URI but may quote.  Writes the URI up to the password
 * and MASK, and returns the end of the password; NULL when there is no
 * password.
 */
static const char *
mask_userinfo(struct buf *out, const char *s, const char *p,
    struct strlist *l)
{
	const char *q, *auth, *at, *colon;
	char *user, *masked;
	size_t n;

	if (!isalpha((unsigned char)*p) || (p > s && is_scheme_char(p[-1])))
		return NULL;
	for (q = p; is_scheme_char(*q); q++)
		;
	if (*q != ':')
		return NULL;
	n = (size_t)(q - p);
	if (q[1] == '/' && q[2] == '/')
		auth = q + 3;
	else if ((n == 8 && strncasecmp(p, "postgres", 8) == 0) ||
	    (n == 10 && strncasecmp(p, "postgresql", 10) == 0))
		auth = q + 1 + (q[1] == '/');
	else
		return NULL;
	if ((at = userinfo_end(auth)) == NULL ||
	    (colon = memchr(auth, ':', (size_t)(at - auth))) == NULL)
		return NULL;
	/* What looks like a user name may be words holding a password. */
	buf_add(out, p, (size_t)(auth - p));
	user = xstrndup(auth, (size_t)(colon - auth));
	masked = scan(user, l);
	buf_adds(out, masked);
	buf_addch(out, ':');
	free(masked);
	free(user);
	buf_adds(out, MASK);
	hidden(l, colon + 1, (size_t)(at - colon - 1));
	return at;
}

/*
 * The end of an unquoted value at p.  In a URI query it ends at an '&'
 * or the end of the line, in conninfo at white space; backslashes
 * escape in conninfo.  In a message that quoted the URL with opener, the
 * same quote ending the text or a word, maybe with a ':', ',', ';', '.'
 * or ')' after it, closes the quote and is not part of the value.
 */
static const char *
value_end(const char *p, int query, int opener)
{
	const char *e;

	for (e = p; *e != '\0' && *e != '\n'; e++) {
		if (query ? *e == '&' : isspace((unsigned char)*e))
			break;
		if (!query && *e == '\\' && e[1] != '\0') {
			e++;
			continue;
		}
		if (opener != 0 && *e == opener && e > p) {
			const char *a = e + 1;

			if (*a != '\0' && strchr(":,;.)", *a) != NULL)
				a++;
			if (*a == '\0' || *a == ' ' || *a == '\t' ||
			    *a == '\n' || *a == '\r')
				break;
		}
	}
	return e;
}

/*
 * At p, the start of a word: "KEY=VALUE", spaces allowed around '=',
 * where KEY, %XX decoded, ends in "password" in any case: a conninfo
 * parameter or a URI query's.  Writes it with MASK for the value and
 * returns the end of the value; NULL when it is something else.  A
 * value that is MASK already stays as it is.
 */
static const char *
mask_param(struct buf *out, const char *s, const char *p, int opener,
    int in_uri, struct strlist *l)
{
	const char *k = p, *e, *v;
	char *d, *masked;
	int query;

	if (!is_key_char(*p) || (p > s && is_key_char(p[-1])))
		return NULL;
	while (is_key_char(*p))
		p++;
	e = p;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return NULL;
	p++;
	/* In a URI query, white space after '=' is the value's. */
	query = k > s && (k[-1] == '?' || k[-1] == '&');
	if (in_uri && !query)
		return NULL;
	while (!query && (*p == ' ' || *p == '\t'))
		p++;
	if (!is_password_key(k, (size_t)(e - k))) {
		if (!query && k > s && !isspace((unsigned char)k[-1]) &&
		    k[-1] != '\'' && k[-1] != '"')
			return NULL;
		/* A quoted value is one, whatever it holds: masked alone. */
		if (*p != '\'' || query)
			return NULL;
		buf_add(out, k, (size_t)(p - k) + 1);
		for (v = ++p; *p != '\0' && *p != '\''; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		d = xstrndup(v, (size_t)(p - v));
		masked = scan(d, l);
		buf_adds(out, masked);
		free(masked);
		free(d);
		if (*p == '\'')
			buf_addch(out, *p++);
		return p;
	}
	buf_add(out, k, (size_t)(p - k));
	buf_adds(out, MASK);
	if (strncmp(p, MASK, strlen(MASK)) == 0)
		return p + strlen(MASK);
	if (*p == '\'' && !query) {
		for (v = ++p; *p != '\0' && *p != '\''; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		if (l != NULL && p > v) {
			strlist_addf(l, "%.*s", (int)(p - v), v);
			d = unescaped(v, (size_t)(p - v));
			strlist_add(l, d);
			free(d);
		}
		return *p == '\'' ? p + 1 : p;
	}
	v = p;
	p = value_end(v, query, opener);
	hidden(l, v, (size_t)(p - v));
	return p;
}

/*
 * A string that is a URL or a conninfo string as a whole is first
 * masked as libpq parses it; the scan of mask() comes after.
 */
/* Masks the values of "...password=" parameters in a URI query. */
static void
whole_query(struct buf *out, const char *q, struct strlist *l)
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

static char *
whole_uri(const char *url, const char *auth, struct strlist *l)
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
		whole_query(&out, rest, l);
		return buf_detach(&out);
	}
	if (q == NULL) {
		buf_adds(&out, rest);
		return buf_detach(&out);
	}
	buf_add(&out, rest, (size_t)(q - rest) + 1);
	whole_query(&out, q + 1, l);
	return buf_detach(&out);
}

/* The value of a quoted conninfo password as libpq reads it. */
static void
whole_unescaped(struct strlist *l, const char *p, const char *end)
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
whole_conninfo(const char *s, struct strlist *l)
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
			whole_unescaped(l, k + 1, p);
		} else
			hidden(l, k, (size_t)(p - k));
	}
	return buf_detach(&out);
}

static char *
mask_whole(const char *url, struct strlist *l)
{
	const char *sep, *p;

	/* A message starts with neither "scheme://" nor "key=". */
	for (p = url; is_scheme_char(*p) || *p == '_' || *p == '%'; p++)
		;
	if (strncmp(p, "://", 3) != 0) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (p == url || *p != '=')
			return xstrdup(url);
	}
	sep = strstr(url, "://");
	if (sep != NULL && strcspn(url, "=") > (size_t)(sep - url))
		return whole_uri(url, sep + 3, l);
	if (strchr(url, '=') != NULL)
		return whole_conninfo(url, l);
	return xstrdup(url);
}

/*
 * Copies s with every password in it masked; hidden ones go to l.  A
 * quote that starts a word is taken for the start of a quoted URL; in a
 * word that holds a URI, other keys' values are not taken as units.
 */
static char *
scan(const char *s, struct strlist *l)
{
	struct buf out = BUF_INIT;
	const char *p = s, *e, *q;
	int opener = 0, in_uri = 0;

	while (*p != '\0') {
		if (p == s || isspace((unsigned char)p[-1])) {
			in_uri = 0;
			if (*p == '\'' || *p == '"')
				opener = *p;
		}
		if (isalpha((unsigned char)*p) && (p == s ||
		    !is_scheme_char(p[-1]))) {
			for (q = p; is_scheme_char(*q); q++)
				;
			if (strncmp(q, "://", 3) == 0)
				in_uri = 1;
		}
		if ((e = mask_userinfo(&out, s, p, l)) != NULL ||
		    (e = mask_param(&out, s, p, opener, in_uri, l)) != NULL)
			p = e;
		else
			buf_addch(&out, *p++);
	}
	return buf_detach(&out);
}

/* A whole URL or conninfo as libpq reads it, then anything in a text. */
static char *
mask(const char *s, struct strlist *l)
{
	char *whole, *out;

	whole = mask_whole(s, l);
	out = scan(whole, l);
	free(whole);
	return out;
}

char *
url_mask(const char *url)
{
	/* A URL has a ':', a conninfo a '=': most messages have neither. */
	if (strpbrk(url, ":=") == NULL)
		return xstrdup(url);
	return mask(url, NULL);
}

char *
url_mask_arg(const char *arg)
{
	struct buf b = BUF_INIT;
	char *masked = url_mask(arg);

	buf_add_cut(&b, masked, BUF_ECHO_MAX);
	free(masked);
	return buf_detach(&b);
}

/* The ...password= parameters of a URI query that starts at q. */
static void
query_secrets(const char *q, struct strlist *l)
{
	const char *amp, *eq;

	for (; *q != '\0'; q = *amp != '\0' ? amp + 1 : amp) {
		amp = q + strcspn(q, "&");
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq != NULL && is_password_key(q, (size_t)(eq - q)))
			hidden(l, eq + 1, (size_t)(amp - eq - 1));
	}
}

/*
 * The passwords of a whole URI as libpq reads it, which a text scan may
 * cut short: a value of a query runs to the next '&', white space and
 * all.  The query may start at the first '?' or after the user info.
 */
static void
uri_secrets(const char *url, struct strlist *l)
{
	const char *auth = strstr(url, "://"), *at, *colon, *q;

	if (auth == NULL)
		return;
	auth += 3;
	at = userinfo_end(auth);
	if (at != NULL && (colon = memchr(auth, ':',
	    (size_t)(at - auth))) != NULL)
		hidden(l, colon + 1, (size_t)(at - colon - 1));
	if ((q = strchr(auth, '?')) != NULL)
		query_secrets(q + 1, l);
	if (at != NULL && (q = strchr(at, '?')) != NULL)
		query_secrets(q + 1, l);
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

	/* Shorter ones would hide letters of every word. */
	if (strlen(secret) < 3)
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
		uri_secrets(url, &found);
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
