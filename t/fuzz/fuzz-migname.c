/*
 * Fuzz target for migration file names and versions.  The input up to
 * its first NUL is a file name for migfile_parse_name() and a version
 * for migfile_parse_version(); the bytes after that NUL are a second
 * version.  A parsed name must be made of its parts; a canonical version
 * has 1 to 32 digits and no leading zero (but "0"); migfile_vercmp()
 * must agree with a comparison of the versions padded to 32 digits.
 */
#include "buildconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "migfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
check_canonical(const char *v)
{
	size_t	n = strlen(v);

	CHECK(n >= 1 && n <= MIGFILE_VERSION_MAX);
	CHECK(strspn(v, "0123456789") == n);
	CHECK(v[0] != '0' || n == 1);
}

/* Compares two canonical versions another way: padded to 32 digits. */
static int
padcmp(const char *a, const char *b)
{
	char	pa[MIGFILE_VERSION_MAX + 1], pb[MIGFILE_VERSION_MAX + 1];
	size_t	la = strlen(a), lb = strlen(b);

	memset(pa, '0', MIGFILE_VERSION_MAX);
	memset(pb, '0', MIGFILE_VERSION_MAX);
	memcpy(pa + MIGFILE_VERSION_MAX - la, a, la);
	memcpy(pb + MIGFILE_VERSION_MAX - lb, b, lb);
	return sign(memcmp(pa, pb, MIGFILE_VERSION_MAX));
}

/* migfile_parse_version() as the header describes it. */
static int
ref_version(const char *s, char out[MIGFILE_VERSION_MAX + 1])
{
	size_t	n;

	if (*s == 'V')
		s++;
	n = strlen(s);
	if (n == 0 || n > MIGFILE_VERSION_MAX || strspn(s, "0123456789") != n)
		return -1;
	while (n > 1 && *s == '0')
		s++, n--;
	memcpy(out, s, n + 1);
	return 0;
}

static void
check_order(const char *a, const char *b)
{
	int	c = sign(migfile_vercmp(a, b));

	CHECK(c == -sign(migfile_vercmp(b, a)));
	CHECK(c == padcmp(a, b));
	CHECK((c == 0) == (strcmp(a, b) == 0));
	CHECK(migfile_vercmp(a, a) == 0);
}

static void
check_name(const char *fname, const struct migname *mn)
{
	const char	*suffix;
	char		 v[MIGFILE_VERSION_MAX + 1];
	size_t		 vlen = strlen(mn->vtext), len = strlen(fname);

	check_canonical(mn->version);
	CHECK(vlen >= 1 && strspn(mn->vtext, "0123456789") == vlen);
	CHECK(strspn(mn->vtext, "0") == vlen ||
	    strcmp(mn->vtext + strspn(mn->vtext, "0"), mn->version) == 0);
	CHECK(strspn(mn->vtext, "0") != vlen || strcmp(mn->version, "0") == 0);
	CHECK(migfile_parse_version(mn->vtext, v) == 0);
	CHECK(strcmp(v, mn->version) == 0);
	check_order(v, mn->version);

	/* [V]vtext _ name suffix, nothing else. */
	if (fname[0] == 'V')
		fname++, len--;
	CHECK(strncmp(fname, mn->vtext, vlen) == 0 && fname[vlen] == '_');
	CHECK(mn->name == fname + vlen + 1 && mn->namelen > 0);
	suffix = mn->dir == MIGDIR_UP ? ".up.sql" : ".down.sql";
	CHECK(mn->dir == MIGDIR_UP || mn->dir == MIGDIR_DOWN);
	CHECK(vlen + 1 + mn->namelen + strlen(suffix) == len);
	CHECK(strcmp(mn->name + mn->namelen, suffix) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct migname	 mn;
	struct buf	 err = BUF_INIT;
	char		*s, a[MIGFILE_VERSION_MAX + 1];
	char		 b[MIGFILE_VERSION_MAX + 1];
	char		 ref[MIGFILE_VERSION_MAX + 1];
	const char	*second;
	int		 ra, rb;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	second = s + strlen(s) + (strlen(s) < size ? 1 : 0);

	ra = migfile_parse_version(s, a);
	rb = migfile_parse_version(second, b);
	CHECK(ra == ref_version(s, ref) && (ra != 0 || strcmp(a, ref) == 0));
	CHECK(rb == 0 || rb == -1);
	if (ra == 0)
		check_canonical(a);
	if (rb == 0)
		check_canonical(b);
	if (ra == 0 && rb == 0)
		check_order(a, b);

	if (migfile_parse_name(s, &mn, &err) == 0) {
		CHECK(err.len == 0);
		check_name(s, &mn);
		if (rb == 0)
			check_order(mn.version, b);
	} else
		CHECK(strncmp(err.s, "not a migration: ", 17) == 0);
	buf_release(&err);
	free(s);
	return 0;
}
