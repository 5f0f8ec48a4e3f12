/*
 * A growable byte buffer.  An unallocated buffer (cap == 0) points at
 * the shared buf_empty, which is never written to nor freed; the first
 * growth allocates fresh memory instead.
 */
#include "buildconf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

#define BUF_MINCAP	64

char buf_empty[1];

void
buf_init(struct buf *b)
{
	b->s = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap != 0)
		free(b->s);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	if (b->cap == 0)
		return;
	b->len = 0;
	b->s[0] = '\0';
}

/* Makes room for n more bytes and the NUL after them. */
void
buf_grow(struct buf *b, size_t n)
{
	size_t	 want, cap;

	if (n > SIZE_MAX - 1 - b->len) {
		fputs("msr: out of memory\n", stderr);
		exit(1);
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return;
	cap = b->cap < BUF_MINCAP ? BUF_MINCAP : b->cap;
	while (cap < want) {
		if (cap > SIZE_MAX / 2) {
			cap = want;
			break;
		}
		cap *= 2;
	}
	if (b->cap == 0) {
		b->s = xmalloc(cap);
		b->s[0] = '\0';
	} else
		b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	buf_grow(b, n);
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Formats in place; only when that does not fit, grows and formats again. */
void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 cp;
	size_t	 avail;
	int	 n;

	avail = b->cap == 0 ? 0 : b->cap - b->len;
	va_copy(cp, ap);
	n = vsnprintf(avail == 0 ? NULL : b->s + b->len, avail, fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n >= avail) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	}
	if (n < 0) {
		fputs("msr: vsnprintf failed\n", stderr);
		exit(1);
	}
	b->len += (size_t)n;
}

void
buf_truncate(struct buf *b, size_t n)
{
	assert(n <= b->len);
	if (n >= b->len)
		return;
	b->len = n;
	b->s[n] = '\0';
}

char *
buf_detach(struct buf *b)
{
	char	*s;

	s = b->cap == 0 ? xstrdup("") : b->s;
	buf_init(b);
	return s;
}

size_t
buf_utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

int
buf_is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if (*p < 0x80)
			p++;
		else if ((n = buf_utf8_len(p)) > 0)
			p += n;
		else
			return 0;
	}
	return 1;
}

void
buf_add_printable(struct buf *b, const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		n = *p >= 0x80 ? buf_utf8_len(p) : 0;
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* A C1 control, U+0080 to U+009F. */
			buf_addf(b, "\\x%02x\\x%02x", p[0], p[1]);
			p += 2;
		} else if (n > 0) {
			buf_add(b, p, n);
			p += n;
		} else if (*p >= 0x80 || *p == 0x7f ||
		    (*p < 0x20 && *p != '\t' &&
		    !(*p == '\n' && (flags & BUF_KEEP_LF))))
			buf_addf(b, "\\x%02x", *p++);
		else
			buf_addch(b, *p++);
	}
}

void
buf_add_cut(struct buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s, *keep = p;
	size_t n, chars = 0;

	for (; *p != '\0'; chars++) {
		if (chars == max - 3)
			keep = p;
		if (chars == max) {
			buf_add(b, s, (size_t)(keep - (const unsigned char *)s));
			buf_adds(b, "...");
			return;
		}
		n = *p >= 0x80 ? buf_utf8_len(p) : 0;
		p += n > 0 ? n : 1;
	}
	buf_adds(b, s);
}
