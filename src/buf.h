/*
 * A growable byte buffer.  A buffer is never NULL: after buf_init() or
 * BUF_INIT, b->s points to a NUL-terminated string (possibly a shared
 * empty one), and b->len counts the bytes before the NUL.
 */
#ifndef MSR_BUF_H
#define MSR_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void	 buf_init(struct buf *);
void	 buf_release(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_grow(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addch(struct buf *, int);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vaddf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 buf_truncate(struct buf *, size_t);
/* Returns the string, which the caller then owns; b is reset. */
char	*buf_detach(struct buf *);

/*
 * The length of the UTF-8 sequence at p, or 0 when it is not one.
 * Overlong forms and surrogates are not UTF-8.
 */
size_t	 buf_utf8_len(const unsigned char *p);
/* Whether s is UTF-8 throughout. */
int	 buf_is_utf8(const char *s);
/*
 * Appends s with what a terminal would act on written as \xNN: C0
 * controls but TAB (and LF with BUF_KEEP_LF), DEL, C1 controls, and
 * bytes that are not UTF-8.
 */
#define BUF_KEEP_LF	0x01
void	 buf_add_printable(struct buf *, const char *s, int flags);
/*
 * Appends s, or when it has more than max characters its first max - 3
 * and "...", cut between UTF-8 sequences: for echoing what a user gave.
 */
void	 buf_add_cut(struct buf *, const char *s, size_t max);
#define BUF_ECHO_MAX	80	/* max of buf_add_cut for a user's value */

/* A list of owned strings. */
struct strlist {
	char	**v;
	size_t	  n;
	size_t	  alloc;
};

#define STRLIST_INIT { NULL, 0, 0 }

void	 strlist_add(struct strlist *, const char *);
void	 strlist_addf(struct strlist *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 strlist_release(struct strlist *);
/* Whether s is one of the strings of the list. */
int	 strlist_has(const struct strlist *, const char *s);

#endif
