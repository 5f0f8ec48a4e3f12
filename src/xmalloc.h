/*
 * Allocation wrappers: they never return NULL, they print a message and
 * exit when memory runs out, so call sites stay clean.
 */
#ifndef MSR_XMALLOC_H
#define MSR_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
