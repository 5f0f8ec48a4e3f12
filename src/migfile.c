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
#include <strings.h>
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

char *
migfile_join(const char *dir, const char *name)
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
	path = migfile_join(dir, de->d_name);
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
	m->renamed = 0;
	if (e->mn.dir == MIGDIR_UP)
		m->up = migfile_join(dir, e->fname);
	else
		m->down = migfile_join(dir, e->fname);
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

/*
 * Whether golang-migrate takes fname for a migration: it matches
 * ^([0-9]+)_(.*)\.(down|up)\.(.*)$, the name as long as it can be.  Then
 * out holds what golang-migrate reads in it.
 */
static int
golang_name(const char *fname, struct migname *out)
{
	const char *p = fname, *rest, *at = NULL, *q;
	size_t n;

	while (isdigit_((unsigned char)*p))
		p++;
	n = (size_t)(p - fname);
	if (n == 0 || n > MIGFILE_VERSION_MAX || *p != '_')
		return 0;
	rest = p + 1;
	for (q = rest; (q = strchr(q, '.')) != NULL; q++)
		if (strncmp(q, ".up.", 4) == 0 || strncmp(q, ".down.", 6) == 0)
			at = q;
	if (at == NULL)
		return 0;
	out->dir = at[1] == 'u' ? MIGDIR_UP : MIGDIR_DOWN;
	out->name = rest;
	out->namelen = (size_t)(at - rest);
	memcpy(out->vtext, fname, n);
	out->vtext[n] = '\0';
	canonical(fname, n, out->version);
	return 1;
}

/* Whether the name ends in ".sql" in any case. */
static int
sql_any_case(const char *fname, size_t len)
{
	return len >= 4 && strcasecmp(fname + len - 4, ".sql") == 0;
}

/*
 * A file that golang-migrate would run and msr does not read: the reason,
 * with the name it should have, or with the file it stands beside when
 * that name is taken (an editor's backup).
 */
static void
unread_reason(struct buf *b, const char *fname, const struct migname *g,
    const struct entry *ents, size_t nents)
{
	const char *dir = g->dir == MIGDIR_UP ? "up" : "down";
	char *want;
	size_t i;

	buf_addf(b, "golang-migrate would run this file as version %s (%s),"
	    " msr does not read it", g->vtext, dir);
	if (g->namelen == 0) {
		buf_addf(b, "; give it a name: '%s_NAME.%s.sql'", g->vtext,
		    dir);
		return;
	}
	want = xasprintf("%s_%.*s.%s.sql", g->vtext, (int)g->namelen,
	    g->name, dir);
	for (i = 0; i < nents; i++)
		if (strcmp(ents[i].fname, want) == 0)
			break;
	if (i < nents)
		buf_addf(b, "; '%s' is there already: remove this one or move"
		    " it out of the directory", want);
	else if (strcmp(want, fname) != 0)
		buf_addf(b, "; rename it to '%s'", want);
	free(want);
}

int
migfile_scan(struct migset *set, const char *dir, int flags,
    struct strlist *warnings, struct buf *err)
{
	struct buf why = BUF_INIT;
	struct entry *ents = NULL, *odd = NULL, *e, *prev;
	size_t nents = 0, aents = 0, nodd = 0, aodd = 0, i, len;
	int strict = (flags & MIGSCAN_STRICT) != 0, golang;
	struct migname g;
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
		golang = golang_name(de->d_name, &g);
		if (!golang && !sql_any_case(de->d_name, len))
			continue;
		if (de->d_name[0] == '.' && !endswith(de->d_name, len, ".sql"))
			continue;
		if (!is_file(dir, de))
			continue;
		if (nents == aents) {
			aents = aents ? aents * 2 : 64;
			ents = xreallocarray(ents, aents, sizeof(*ents));
		}
		e = &ents[nents];
		buf_reset(&why);
		if (!buf_is_utf8(de->d_name)) {
			buf_adds(err, "'");
			buf_add_printable(err, dir, 0);
			buf_adds(err, "': the file name '");
			buf_add_printable(err, de->d_name, 0);
			buf_adds(err, "' is not UTF-8; rename it");
			goto done;
		}
		if (endswith(de->d_name, len, ".sql") &&
		    migfile_parse_name(de->d_name, &e->mn, &why) == 0) {
			e->fname = xstrdup(de->d_name);
			e->mn.name = e->fname + (e->mn.name - de->d_name);
			nents++;
			continue;
		}
		if (golang) {
			/* Told once every name is known. */
			if (nodd == aodd) {
				aodd = aodd ? aodd * 2 : 8;
				odd = xreallocarray(odd, aodd, sizeof(*odd));
			}
			odd[nodd].fname = xstrdup(de->d_name);
			odd[nodd].mn = g;
			odd[nodd].mn.name = odd[nodd].fname +
			    (g.name - de->d_name);
			nodd++;
			continue;
		}
		path = migfile_join(dir, de->d_name);
		if (!endswith(de->d_name, len, ".sql"))
			buf_adds(&why, "not a migration: the extension is not"
			    " in lower case");
		buf_addf(&why, "; expected VERSION_NAME.up.sql or"
		    " VERSION_NAME.down.sql");
		if (problem(strict, warnings, err, path, why.s) == -1) {
			free(path);
			goto done;
		}
		free(path);
	}
	if (errno != 0) {
		buf_addf(err, "cannot read migrations directory '%s': %s", dir,
		    strerror(errno));
		goto done;
	}
	if (nents > 0)
		qsort(ents, nents, sizeof(*ents), entry_cmp);
	if (nodd > 0)
		qsort(odd, nodd, sizeof(*odd), entry_cmp);
	for (i = 0; i < nodd; i++) {
		buf_reset(&why);
		unread_reason(&why, odd[i].fname, &odd[i].mn, ents, nents);
		path = migfile_join(dir, odd[i].fname);
		if (flags & MIGSCAN_EXACT)
			buf_addf(err, "%s%s: %s", i > 0 ? "\n" : "", path,
			    why.s);
		else
			strlist_addf(warnings, "%s: %s", path, why.s);
		free(path);
	}
	if (nodd > 0 && (flags & MIGSCAN_EXACT))
		goto done;
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
			/* An up file and its down file, by version. */
			m->down = migfile_join(dir, e->fname);
			m->renamed = prev->mn.namelen != e->mn.namelen ||
			    memcmp(prev->mn.name, e->mn.name,
			    e->mn.namelen) != 0 ||
			    strcmp(prev->mn.vtext, e->mn.vtext) != 0;
			continue;
		}
		if (e->mn.dir == MIGDIR_DOWN) {
			path = migfile_join(dir, e->fname);
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
	for (i = 0; i < nodd; i++)
		free(odd[i].fname);
	free(odd);
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

int
migfile_mkdirs(const char *dir, struct buf *err)
{
	char *p, *path = xstrdup(dir);
	int rc = 0, last;

	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0';
		*p = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST) {
			buf_addf(err, "cannot create directory '%s': %s",
			    path, strerror(errno));
			rc = -1;
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	free(path);
	return rc;
}
