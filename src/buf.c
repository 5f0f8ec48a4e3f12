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
