/*
 * Migration files: "[V]VERSION_NAME.up.sql" and ".down.sql" pairs in one
 * directory, read as bytes, without a byte order mark and with LF line
 * ends, and checksummed with SHA-256.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "migfile.h"
#include "xmalloc.h"

struct entry {
	struct migname	 mn;
	char		*fname;
};

static int
isdigit_(int c)
{
	return c >= '0' && c <= '9';
}

static size_t
canonical(const char *digits, size_t n, char out[MIGFILE_VERSION_MAX + 1])
{
	while (n > 1 && *digits == '0') {
		digits++;
		n--;
	}
	memcpy(out, digits, n);
	out[n] = '\0';
	return n;
}

static int
endswith(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int
migfile_parse_name(const char *fname, struct migname *out, struct buf *err)
{
	const char *p = fname, *digits;
	size_t n, len = strlen(fname);

	if (*p == 'V')
		p++;
	digits = p;
	while (isdigit_((unsigned char)*p))
		p++;
	n = (size_t)(p - digits);
	if (n == 0) {
		buf_adds(err, "not a migration: no version number at the"
		    " start");
		return -1;
	}
	if (n > MIGFILE_VERSION_MAX) {
		buf_addf(err, "not a migration: the version has %zu digits,"
		    " at most %d are allowed",
		    n, MIGFILE_VERSION_MAX);
		return -1;
	}
	if (*p != '_') {
		buf_adds(err, "not a migration: no '_' and name after the"
		    " version");
		return -1;
	}
	p++;
	if (endswith(p, len - (size_t)(p - fname), ".up.sql")) {
		out->dir = MIGDIR_UP;
		out->namelen = len - (size_t)(p - fname) - strlen(".up.sql");
	} else if (endswith(p, len - (size_t)(p - fname), ".down.sql")) {
		out->dir = MIGDIR_DOWN;
		out->namelen = len - (size_t)(p - fname) - strlen(".down.sql");
	} else {
		buf_adds(err, "not a migration: the name does not end in"
		    " '.up.sql' or '.down.sql'");
		return -1;
	}
	if (out->namelen == 0) {
		buf_adds(err, "not a migration: empty name after the"
		    " version");
		return -1;
	}
	out->name = p;
	memcpy(out->vtext, digits, n);
	out->vtext[n] = '\0';
	canonical(digits, n, out->version);
	return 0;
}

int
migfile_parse_version(const char *s, char out[MIGFILE_VERSION_MAX + 1])
{
	size_t n;

	if (*s == 'V')
		s++;
	n = strlen(s);
	if (n == 0 || n > MIGFILE_VERSION_MAX || strspn(s, "0123456789") != n)
		return -1;
	canonical(s, n, out);
	return 0;
}

int
migfile_vercmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

	if ((c = migfile_vercmp(a->mn.version, b->mn.version)) != 0)
		return c;
	if (a->mn.dir != b->mn.dir)
		return a->mn.dir == MIGDIR_UP ? -1 : 1;
	return strcmp(a->fname, b->fname);
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

static int
is_file(const char *dir, const struct dirent *de)
{
	struct stat st;
	char *path;
	int rc;

#ifdef DT_REG
	if (de->d_type == DT_REG)
		return 1;
	if (de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
		return 0;
#endif
	/* What cannot be told, a dangling link, is a file to read. */
	path = join(dir, de->d_name);
	rc = stat(path, &st) == -1 || S_ISREG(st.st_mode);
	free(path);
	return rc;
}

static void
add_migration(struct migset *set, const struct entry *e, const char *dir)
{
	struct migration *m;

	if (set->n == set->alloc) {
		set->alloc = set->alloc ? set->alloc * 2 : 64;
		set->v = xreallocarray(set->v, set->alloc, sizeof(*set->v));
	}
	m = &set->v[set->n++];
	m->version = xstrdup(e->mn.version);
	m->vtext = xstrdup(e->mn.vtext);
	m->name = xstrndup(e->mn.name, e->mn.namelen);
	m->up = NULL;
	m->down = NULL;
	if (e->mn.dir == MIGDIR_UP)
		m->up = join(dir, e->fname);
	else
		m->down = join(dir, e->fname);
}

static int
problem(int strict, struct strlist *warnings, struct buf *err,
    const char *path, const char *what)
{
	if (strict) {
		buf_addf(err, "%s: %s", path, what);
		return -1;
	}
	strlist_addf(warnings, "%s: %s (ignored)", path, what);
	return 0;
}

int
migfile_scan(struct migset *set, const char *dir, int strict,
    struct strlist *warnings, struct buf *err)
{
	struct buf why = BUF_INIT;
	struct entry *ents = NULL, *e, *prev;
	size_t nents = 0, aents = 0, i, len;
	struct migration *m;
	struct dirent *de;
	char *path;
	DIR *d;
	int rc = -1;

	memset(set, 0, sizeof(*set));
	set->dir = xstrdup(dir);
	if ((d = opendir(dir)) == NULL) {
		buf_addf(err, "cannot open migrations directory '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' && !endswith(de->d_name, len, ".sql"))
			continue;
		if (!endswith(de->d_name, len, ".sql") || !is_file(dir, de))
			continue;
		if (nents == aents) {
			aents = aents ? aents * 2 : 64;
			ents = xreallocarray(ents, aents, sizeof(*ents));
		}
		e = &ents[nents];
		buf_reset(&why);
		if (migfile_parse_name(de->d_name, &e->mn, &why) == -1) {
			path = join(dir, de->d_name);
			buf_addf(&why, "; expected VERSION_NAME.up.sql or"
			    " VERSION_NAME.down.sql");
			if (problem(strict, warnings, err, path, why.s) == -1) {
				free(path);
				goto done;
			}
			free(path);
			continue;
		}
		e->fname = xstrdup(de->d_name);
		e->mn.name = e->fname + (e->mn.name - de->d_name);
		nents++;
	}
	if (errno != 0) {
		buf_addf(err, "cannot read migrations directory '%s': %s", dir,
		    strerror(errno));
		goto done;
	}
	if (nents > 0)
		qsort(ents, nents, sizeof(*ents), entry_cmp);
	for (i = 0; i < nents; i++) {
		e = &ents[i];
		prev = i > 0 ? &ents[i - 1] : NULL;
		m = set->n > 0 ? &set->v[set->n - 1] : NULL;
		if (prev != NULL &&
		    strcmp(prev->mn.version, e->mn.version) == 0) {
			if (prev->mn.dir == e->mn.dir) {
				buf_addf(err, "duplicate version %s: '%s' and"
				    " '%s' in '%s'", e->mn.vtext, prev->fname,
				    e->fname, dir);
				goto done;
			}
			/* An up file and its down file. */
			if (prev->mn.namelen != e->mn.namelen ||
			    memcmp(prev->mn.name, e->mn.name,
			    e->mn.namelen) != 0 ||
			    strcmp(prev->mn.vtext, e->mn.vtext) != 0) {
				buf_addf(err, "version %s: down file '%s' does"
				    " not match up file '%s' in '%s'",
				    e->mn.vtext, e->fname, prev->fname, dir);
				goto done;
			}
			m->down = join(dir, e->fname);
			continue;
		}
		if (e->mn.dir == MIGDIR_DOWN) {
			path = join(dir, e->fname);
			if (problem(strict, warnings, err, path,
			    "down file without an up file") == -1) {
				free(path);
				goto done;
			}
			free(path);
			continue;
		}
		add_migration(set, e, dir);
	}
	rc = 0;
done:
	closedir(d);
	for (i = 0; i < nents; i++)
		free(ents[i].fname);
	free(ents);
	buf_release(&why);
	return rc;
}

void
migfile_set_release(struct migset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].version);
		free(set->v[i].vtext);
		free(set->v[i].name);
		free(set->v[i].up);
		free(set->v[i].down);
	}
	free(set->v);
	free(set->dir);
	memset(set, 0, sizeof(*set));
}

struct migration *
migfile_find(const struct migset *set, const char *version)
{
	size_t lo = 0, hi = set->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = migfile_vercmp(set->v[mid].version, version);
		if (c == 0)
			return &set->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
