/*
 * Allocation wrappers that never return NULL: when memory runs out they
 * print "msr: out of memory" and exit with status 1.  A request for zero
 * bytes is served as one byte, so the result is never NULL either.
 */
#include "buildconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void
oom(void)
{
	fputs("msr: out of memory\n", stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		oom();
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void	*p;

	if ((p = realloc(ptr, size == 0 ? 1 : size)) == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		oom();
	return xrealloc(ptr, nmemb * size);
}

char *
xstrdup(const char *s)
{
	size_t	 len = strlen(s) + 1;
	char	*p;

	p = xmalloc(len);
	memcpy(p, s, len);
	return p;
}

/* Copies at most n bytes of s, stopping early at a NUL. */
char *
xstrndup(const char *s, size_t n)
{
	size_t	 len;
	char	*p;

	for (len = 0; len < n && s[len] != '\0'; len++)
		continue;
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("msr: vsnprintf failed\n", stderr);
		exit(1);
	}
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	n = vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("msr: vsnprintf failed\n", stderr);
		exit(1);
	}
	return p;
}
