/*
 * Other tools' migration sets: names, sections and directives.  Each
 * tool's rules are its own small parser over the lines of a file; what
 * they share is the check of the sections with msr's scanner.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "convert.h"
#include "xmalloc.h"

static const char *const toolnames[] = {
	"dbmate", "goose", "flyway", "sql-migrate"
};
#define NTOOLS	(sizeof(toolnames) / sizeof(toolnames[0]))

int
convert_tool_find(const char *name, enum convert_tool *out, struct buf *err)
{
	size_t i;

	for (i = 0; i < NTOOLS; i++)
		if (strcmp(name, toolnames[i]) == 0) {
			*out = (enum convert_tool)i;
			return 0;
		}
	if (strcmp(name, "golang-migrate") == 0 || strcmp(name, "migrate") == 0)
		buf_adds(err, "golang-migrate sets are pairs already: msr reads"
		    " them as they are; give their directory with --dir or"
		    " [migrations] dir");
	else {
		buf_adds(err, "unknown tool '");
		buf_add_cut(err, name, BUF_ECHO_MAX);
		buf_adds(err, "': expected dbmate, goose, flyway or"
		    " sql-migrate");
	}
	return -1;
}

const char *
convert_tool_name(enum convert_tool t)
{
	return toolnames[t];
}

static int
isdigit_(int c)
{
	return c >= '0' && c <= '9';
}

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Fills the version of n digits at p; 0, or -1 with why. */
static int
set_version(struct convname *cn, const char *p, size_t n, struct buf *why)
{
	size_t i = 0;

	if (n > MIGFILE_VERSION_MAX) {
		buf_addf(why, "the version has %zu digits, msr allows at most"
		    " %d", n, MIGFILE_VERSION_MAX);
		return -1;
	}
	memcpy(cn->vtext, p, n);
	cn->vtext[n] = '\0';
	while (i + 1 < n && p[i] == '0')
		i++;
	memcpy(cn->version, p + i, n - i);
	cn->version[n - i] = '\0';
	return 0;
}

static void
bad(struct convname *cn, struct buf *why, const char *msg)
{
	cn->kind = CONVKIND_BAD;
	buf_adds(why, msg);
}

void
convert_name(enum convert_tool tool, const char *fname, struct convname *cn,
    struct buf *why)
{
	const char *p = fname, *v, *sep;
	size_t len = strlen(fname), n;

	memset(cn, 0, sizeof(*cn));
	cn->kind = CONVKIND_NONE;
	switch (tool) {
	case CONVERT_DBMATE:
	case CONVERT_SQLMIGRATE:
		/* dbmate: ^(\d+).*\.sql$; sql-migrate: every *.sql, its id. */
		if (!endswith(fname, ".sql"))
			return;
		while (isdigit_((unsigned char)*p))
			p++;
		if (p == fname) {
			if (tool == CONVERT_SQLMIGRATE)
				bad(cn, why, "the id does not start with a"
				    " number: sql-migrate runs such ids after"
				    " the numbered ones, in the order of their"
				    " names, and msr needs a version number;"
				    " give it one or move it out of the"
				    " directory");
			return;
		}
		cn->kind = CONVKIND_UP;
		if (set_version(cn, fname, (size_t)(p - fname), why) == -1) {
			cn->kind = CONVKIND_BAD;
			return;
		}
		if (*p == '_' || *p == '-' || *p == '.')
			p++;
		cn->name = p;
		cn->namelen = len - strlen(".sql") > (size_t)(p - fname) ?
		    len - strlen(".sql") - (size_t)(p - fname) : 0;
		return;
	case CONVERT_GOOSE:
		if (!endswith(fname, ".sql") && !endswith(fname, ".go"))
			return;
		if (endswith(fname, "_test.go"))
			return;
		if ((sep = strchr(fname, '_')) == NULL) {
			bad(cn, why, "no '_' after the version: goose needs"
			    " VERSION_NAME");
			return;
		}
		n = (size_t)(sep - fname);
		for (v = fname; v < sep && isdigit_((unsigned char)*v); v++)
			;
		if (n == 0 || v != sep) {
			bad(cn, why, "the version is not a number");
			return;
		}
		if (strspn(fname, "0") == n) {
			bad(cn, why, "the version is 0: goose versions start"
			    " at 1");
			return;
		}
		if (endswith(fname, ".go")) {
			bad(cn, why, "a Go migration: msr runs SQL files"
			    " only; write it as SQL or move it out of the"
			    " directory");
			return;
		}
		cn->kind = CONVKIND_UP;
		if (set_version(cn, fname, n, why) == -1) {
			cn->kind = CONVKIND_BAD;
			return;
		}
		cn->name = sep + 1;
		cn->namelen = len - strlen(".sql") - n - 1;
		return;
	case CONVERT_FLYWAY:
		if (!endswith(fname, ".sql"))
			return;
		if (fname[0] == 'R' && strncmp(fname + 1, "__", 2) == 0) {
			bad(cn, why, "a repeatable migration: msr runs each"
			    " migration once, in version order; make it a"
			    " versioned one or move it out of the"
			    " directory");
			return;
		}
		if (fname[0] == 'B' && isdigit_((unsigned char)fname[1])) {
			bad(cn, why, "a baseline migration: msr has none;"
			    " use msr baseline, or move it out of the"
			    " directory");
			return;
		}
		if ((fname[0] != 'V' && fname[0] != 'U') ||
		    !isdigit_((unsigned char)fname[1]))
			return;
		if ((sep = strstr(fname + 1, "__")) == NULL) {
			bad(cn, why, "no '__' between the version and the"
			    " description");
			return;
		}
		n = (size_t)(sep - fname - 1);
		v = fname + 1;
		if (strspn(v, "0123456789") < n) {
			if (strspn(v, "0123456789._") >= n)
				bad(cn, why, "a version of several parts:"
				    " msr versions are whole numbers;"
				    " rename the migration with one, in the"
				    " same order");
			else
				bad(cn, why, "the version is not a number");
			return;
		}
		cn->kind = fname[0] == 'V' ? CONVKIND_UP : CONVKIND_DOWN;
		if (set_version(cn, v, n, why) == -1) {
			cn->kind = CONVKIND_BAD;
			return;
		}
		cn->name = sep + 2;
		cn->namelen = len - strlen(".sql") - (size_t)(cn->name - fname);
		return;
	}
}


/* Reads a regular file, not through a symbolic link; 0, or -1 with why. */
static int
read_file(const char *path, struct buf *out, struct buf *why)
{
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		buf_addf(why, "%s", errno == ELOOP ? "a symbolic link: convert"
		    " reads regular files only" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		buf_adds(why, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > 0)
		buf_grow(out, (size_t)st.st_size);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			buf_adds(why, strerror(errno));
			close(fd);
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

static void
add_mig(struct convlist *l, const struct convname *cn, const char *path)
{
	struct convmig *m;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 32;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	m = &l->v[l->n++];
	memset(m, 0, sizeof(*m));
	memcpy(m->version, cn->version, sizeof(m->version));
	memcpy(m->vtext, cn->vtext, sizeof(m->vtext));
	m->name = cn->namelen > 0 ? xstrndup(cn->name, cn->namelen) :
	    xstrdup("migration");
	m->up = xstrdup(path);
}

static int
mig_cmp(const void *pa, const void *pb)
{
	const struct convmig *a = pa, *b = pb;
	int c;

	if ((c = migfile_vercmp(a->version, b->version)) != 0)
		return c;
	return strcmp(a->up, b->up);
}

/*
 * Flyway's script configuration FILE.sql.conf: executeInTransaction is
 * what msr can follow; any other key is an error.
 */
static void
flyway_conf(struct convmig *m, struct strlist *errs)
{
	struct buf text = BUF_INIT, why = BUF_INIT;
	char *path = xasprintf("%s.conf", m->up), *p, *e, *eq;
	struct stat st;
	unsigned line = 0;

	if (lstat(path, &st) == -1) {
		free(path);
		return;
	}
	if (read_file(path, &text, &why) == -1) {
		strlist_addf(errs, "%s: %s", path, why.s);
		goto done;
	}
	for (p = text.s; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		line++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e || *p == '#' || (e - p == 1 && *p == '\r'))
			continue;
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq != NULL && strncmp(p, "executeInTransaction",
		    strlen("executeInTransaction")) == 0) {
			size_t vn = (size_t)(e - eq - 1);

			while (vn > 0 && (eq[vn] == '\r' || eq[vn] == ' ' ||
			    eq[vn] == '\t'))
				vn--;
			if (vn == 5 && strncmp(eq + 1, "false", 5) == 0) {
				m->conf_notx = 1;
				continue;
			}
			if (vn == 4 && strncmp(eq + 1, "true", 4) == 0)
				continue;
		}
		strlist_addf(errs, "%s:%u: msr follows only"
		    " 'executeInTransaction=true|false' of a Flyway script"
		    " configuration", path, line);
	}
done:
	buf_release(&text);
	buf_release(&why);
	free(path);
}

int
convert_list(struct convlist *l, enum convert_tool tool, const char *dir,
    struct strlist *errs)
{
	struct convlist downs;
	struct buf why = BUF_INIT;
	struct convname cn;
	struct dirent *de;
	struct stat st;
	size_t nerr = errs->n, i, j;
	char *path;
	DIR *d;

	memset(l, 0, sizeof(*l));
	memset(&downs, 0, sizeof(downs));
	if ((d = opendir(dir)) == NULL) {
		strlist_addf(errs, "cannot open the %s directory '%s': %s",
		    toolnames[tool], dir, strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		buf_reset(&why);
		convert_name(tool, de->d_name, &cn, &why);
		path = migfile_join(dir, de->d_name);
		if (cn.kind == CONVKIND_NONE) {
			/* Flyway reads the directories below too. */
			if (tool == CONVERT_FLYWAY && lstat(path, &st) == 0 &&
			    S_ISDIR(st.st_mode))
				strlist_addf(errs, "%s: a directory: Flyway"
				    " reads the migrations in it too, msr"
				    " converts one directory at a time; convert"
				    " it on its own, or move its files up",
				    path);
			free(path);
			continue;
		}
		if (lstat(path, &st) == -1) {
			strlist_addf(errs, "%s: %s", path, strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			strlist_addf(errs, "%s: a symbolic link: convert reads"
			    " regular files only; copy the file it points to"
			    " into the directory", path);
		} else if (!S_ISREG(st.st_mode)) {
			/* A directory named like a migration: not one. */
		} else if (!buf_is_utf8(de->d_name)) {
			strlist_addf(errs, "%s: the file name is not UTF-8;"
			    " rename it", path);
		} else if (cn.kind == CONVKIND_BAD) {
			strlist_addf(errs, "%s: %s", path, why.s);
		} else
			add_mig(cn.kind == CONVKIND_UP ? l : &downs, &cn, path);
		free(path);
	}
	if (errno != 0)
		strlist_addf(errs, "cannot read the %s directory '%s': %s",
		    toolnames[tool], dir, strerror(errno));
	closedir(d);
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), mig_cmp);
	if (downs.n > 0)
		qsort(downs.v, downs.n, sizeof(*downs.v), mig_cmp);
	for (i = 1; i < l->n; i++)
		if (strcmp(l->v[i - 1].version, l->v[i].version) == 0)
			strlist_addf(errs, "%s: version %s is also that of"
			    " '%s'", l->v[i].up, l->v[i].vtext,
			    l->v[i - 1].up);
		else if (tool == CONVERT_DBMATE &&
		    strcmp(l->v[i - 1].up, l->v[i].up) > 0)
			/* dbmate runs its files in the order of their names. */
			strlist_addf(errs, "%s: dbmate runs it before '%s', in"
			    " the order of the file names, and msr after it,"
			    " in the order of the numbers; give the versions"
			    " as many digits", l->v[i].up, l->v[i - 1].up);
	for (i = 0, j = 0; i < downs.n; i++) {
		if (i > 0 && strcmp(downs.v[i - 1].version,
		    downs.v[i].version) == 0) {
			strlist_addf(errs, "%s: version %s is also that of"
			    " '%s'", downs.v[i].up, downs.v[i].vtext,
			    downs.v[i - 1].up);
			continue;
		}
		while (j < l->n && migfile_vercmp(l->v[j].version,
		    downs.v[i].version) < 0)
			j++;
		if (j < l->n && strcmp(l->v[j].version,
		    downs.v[i].version) == 0)
			l->v[j].down = xstrdup(downs.v[i].up);
		else
			strlist_addf(errs, "%s: an undo file without a"
			    " versioned migration %s", downs.v[i].up,
			    downs.v[i].vtext);
	}
	for (i = 0; tool == CONVERT_FLYWAY && i < l->n; i++)
		flyway_conf(&l->v[i], errs);
	convert_list_release(&downs);
	buf_release(&why);
	return errs->n > nerr ? -1 : 0;
}

void
convert_list_release(struct convlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].up);
		free(l->v[i].down);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* A StatementBegin ... StatementEnd block: the lines between. */
struct block {
	int		 down;
	size_t		 start, end;
	unsigned	 line;		/* of StatementBegin */
	unsigned	 endline;	/* of StatementEnd */
};

/* The state of a parse of one file. */
struct parse {
	enum convert_tool	 tool;
	const char		*path;
	struct convfile		*f;
	struct strlist		*errs;
	size_t			 nerr;
	struct convsec		*cur;	/* the open section, or NULL */
	struct block		*blocks;
	size_t			 nblocks, ablocks;
	int			 inblock;
	int			 filenotx;
};

static void perr(struct parse *, unsigned, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr(struct parse *p, unsigned line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	strlist_addf(p->errs, "%s:%u: %s", p->path, line, b.s);
	buf_release(&b);
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\f' && s[i] != '\v')
			return 0;
	return 1;
}

/* Whether the line is a "--" comment, after blanks. */
static int
comment(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n >= 2 && s[0] == '-' && s[1] == '-';
}

/* Splits s into words at blanks: the next one, or 0 at the end. */
static size_t
word(const char **s, const char *end)
{
	const char *w;

	while (*s < end && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	w = *s;
	while (*s < end && **s != ' ' && **s != '\t' && **s != '\r')
		(*s)++;
	return (size_t)(*s - w);
}

static int
wordis(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && strncmp(w, s, n) == 0;
}

static int
wordcase(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && strncasecmp(w, s, n) == 0;
}

/* Opens section sec after the marker line ending at next. */
static void
open_section(struct parse *p, struct convsec *sec, const char *what,
    unsigned line, size_t linestart, size_t next)
{
	if (p->inblock)
		perr(p, line, "%s inside a StatementBegin block", what);
	if (sec->present) {
		perr(p, line, "a second %s: msr converts one up and one down"
		    " section a file", what);
		return;
	}
	if (p->cur != NULL)
		p->cur->end = linestart;
	sec->present = 1;
	sec->start = next;
	sec->line = line + 1;
	p->cur = sec;
}

static void
block_begin(struct parse *p, unsigned line, size_t next)
{
	struct block *b;

	if (p->cur == NULL) {
		perr(p, line, "StatementBegin before the up and down"
		    " sections");
		return;
	}
	if (p->inblock) {
		perr(p, line, "StatementBegin inside a StatementBegin block");
		return;
	}
	if (p->nblocks == p->ablocks) {
		p->ablocks = p->ablocks ? p->ablocks * 2 : 8;
		p->blocks = xreallocarray(p->blocks, p->ablocks,
		    sizeof(*p->blocks));
	}
	b = &p->blocks[p->nblocks++];
	b->down = p->cur == &p->f->down;
	b->start = next;
	b->line = line;
	p->inblock = 1;
}

static void
block_end(struct parse *p, unsigned line, size_t linestart)
{
	if (!p->inblock) {
		perr(p, line, "StatementEnd without a StatementBegin");
		return;
	}
	p->blocks[p->nblocks - 1].end = linestart;
	p->blocks[p->nblocks - 1].endline = line;
	p->inblock = 0;
}

/* "-- migrate:up [transaction:false]": 1 when the line is a directive. */
static int
dbmate_line(struct parse *p, const char *s, const char *e, unsigned line,
    size_t linestart, size_t next)
{
	const char *q = s + 2, *w;
	struct convsec *sec;
	size_t n;

	if (e - s < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if ((size_t)(e - q) < strlen("migrate:") ||
	    strncmp(q, "migrate:", strlen("migrate:")) != 0)
		return 0;
	w = q;
	n = word(&w, e);
	if (wordis(q, n, "migrate:up"))
		sec = &p->f->up;
	else if (wordis(q, n, "migrate:down"))
		sec = &p->f->down;
	else {
		perr(p, line, "unknown dbmate directive '%.*s'", (int)n, q);
		return 1;
	}
	if (sec == &p->f->down && !p->f->up.present) {
		perr(p, line, "'-- migrate:down' before '-- migrate:up':"
		    " dbmate needs the up section first");
		return 1;
	}
	open_section(p, sec, sec == &p->f->up ? "'-- migrate:up'" :
	    "'-- migrate:down'", line, linestart, next);
	while ((n = word(&w, e)) > 0) {
		q = w - n;
		if (wordis(q, n, "transaction:false"))
			sec->notx = 1;
		else if (!wordis(q, n, "transaction:true"))
			perr(p, line, "unknown dbmate option '%.*s': msr"
			    " knows transaction:true and transaction:false",
			    (int)n, q);
	}
	return 1;
}

/* "-- +goose ...": 1 when the line is an annotation. */
static int
goose_line(struct parse *p, const char *s, const char *e, unsigned line,
    size_t linestart, size_t next)
{
	const char *q = s + 2, *w, *a, *b;
	size_t n, na, nb;

	if (e - s < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	w = q;
	n = word(&w, e);
	if (!wordcase(q, n, "+goose"))
		return 0;
	na = word(&w, e);
	a = w - na;
	nb = word(&w, e);
	b = w - nb;
	if (word(&w, e) > 0)
		na = 0;
	if (wordcase(a, na, "Up") && nb == 0)
		open_section(p, &p->f->up, "'-- +goose Up'", line, linestart,
		    next);
	else if (wordcase(a, na, "Down") && nb == 0)
		open_section(p, &p->f->down, "'-- +goose Down'", line,
		    linestart, next);
	else if (wordcase(a, na, "StatementBegin") && nb == 0)
		block_begin(p, line, next);
	else if (wordcase(a, na, "StatementEnd") && nb == 0)
		block_end(p, line, linestart);
	else if (wordcase(a, na, "NO") && wordcase(b, nb, "TRANSACTION"))
		p->filenotx = 1;
	else if (wordcase(a, na, "ENVSUB") && wordcase(b, nb, "OFF"))
		;
	else if (wordcase(a, na, "ENVSUB") && wordcase(b, nb, "ON"))
		perr(p, line, "'-- +goose ENVSUB ON' replaces ${VAR} with the"
		    " environment before running; msr runs statements as"
		    " written, so convert cannot keep what goose runs");
	else
		perr(p, line, "unknown goose annotation '%.*s'",
		    (int)(e - s - (e > s && e[-1] == '\r')), s);
	return 1;
}

/* "-- +migrate ...": 1 when the line is a command of sql-migrate. */
static int
sqlmigrate_line(struct parse *p, const char *s, const char *e,
    unsigned line, size_t linestart, size_t next)
{
	const char *w = s + strlen("-- +migrate"), *c;
	struct convsec *sec = NULL;
	size_t n;

	if ((size_t)(e - s) < strlen("-- +migrate") ||
	    strncmp(s, "-- +migrate", strlen("-- +migrate")) != 0)
		return 0;
	c = w;
	n = word(&w, e);
	c = w - n;
	if (wordis(c, n, "Up"))
		sec = &p->f->up;
	else if (wordis(c, n, "Down"))
		sec = &p->f->down;
	else if (wordis(c, n, "StatementBegin") || wordis(c, n,
	    "StatementEnd")) {
		if (wordis(c, n, "StatementBegin"))
			block_begin(p, line, next);
		else
			block_end(p, line, linestart);
		if (word(&w, e) > 0)
			perr(p, line, "'-- +migrate %.*s' takes no options",
			    (int)n, c);
		return 1;
	} else {
		perr(p, line, "unknown sql-migrate command '%.*s'",
		    (int)(e - s), s);
		return 1;
	}
	open_section(p, sec, sec == &p->f->up ? "'-- +migrate Up'" :
	    "'-- +migrate Down'", line, linestart, next);
	while ((n = word(&w, e)) > 0) {
		c = w - n;
		if (wordis(c, n, "notransaction"))
			sec->notx = 1;
		else
			perr(p, line, "unknown sql-migrate option '%.*s':"
			    " msr knows notransaction", (int)n, c);
	}
	return 1;
}

/* The tool's directives, line by line, into sections and blocks. */
static void
parse_lines(struct parse *p)
{
	struct convfile *f = p->f;
	size_t pos = 0, le, next;
	unsigned line = 0;
	const char *s;
	int marker;

	while (pos < f->len) {
		s = f->text + pos;
		le = pos + strcspn(s, "\n");
		next = le < f->len ? le + 1 : le;
		line++;
		switch (p->tool) {
		case CONVERT_DBMATE:
			marker = dbmate_line(p, s, f->text + le, line, pos,
			    next);
			break;
		case CONVERT_GOOSE:
			marker = goose_line(p, s, f->text + le, line, pos,
			    next);
			break;
		case CONVERT_SQLMIGRATE:
			marker = sqlmigrate_line(p, s, f->text + le, line,
			    pos, next);
			break;
		default:
			marker = 0;
			break;
		}
		if (!marker && p->cur == NULL &&
		    !blank(s, le - pos) && !comment(s, le - pos))
			perr(p, line, "SQL before the up section, which %s"
			    " does not run as part of it", toolnames[p->tool]);
		pos = next;
	}
	if (p->cur != NULL)
		p->cur->end = f->len;
	if (p->inblock)
		perr(p, p->blocks[p->nblocks - 1].line, "StatementBegin"
		    " without a StatementEnd");
	if (!f->up.present)
		perr(p, 1, "no up section: %s",
		    p->tool == CONVERT_DBMATE ? "no '-- migrate:up' line" :
		    p->tool == CONVERT_GOOSE ? "no '-- +goose Up' line" :
		    "no '-- +migrate Up' line");
	if (p->filenotx) {
		f->up.notx = 1;
		f->down.notx = 1;
	}
}

/* A statement's place in its section. */
struct stmtpos {
	size_t	 start, end, next;
	unsigned line;
};

/*
 * Scans a section with msr's scanner and checks that each block of it
 * holds what the tool runs as one statement: one statement of msr,
 * beginning and ending inside it.
 */
static void
check_section(struct parse *p, const struct convsec *sec, int down,
    enum sqldialect dialect)
{
	struct buf why = BUF_INIT;
	struct stmtpos *v = NULL;
	size_t n = 0, alloc = 0, i, k, in;
	struct sqlscan sc;
	struct sqlstmt st;
	const struct block *b;
	unsigned l, c;
	char *end;
	int r;

	sqlscan_init(&sc, p->f->text + sec->start, sec->end - sec->start,
	    dialect);
	while ((r = sqlscan_next(&sc, &st, &why)) == 1) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			v = xreallocarray(v, alloc, sizeof(*v));
		}
		v[n].start = sec->start + st.start;
		v[n].end = sec->start + st.end;
		v[n].next = sec->start + st.next;
		v[n].line = sec->line + st.line - 1;
		n++;
	}
	if (r == -1) {
		/* "LINE:COL: message", lines of the section. */
		l = (unsigned)strtoul(why.s, &end, 10);
		if (end != why.s && *end == ':') {
			c = (unsigned)strtoul(end + 1, &end, 10);
			strlist_addf(p->errs, "%s:%u:%u%s", p->path,
			    sec->line + l - 1, c, end);
		} else
			strlist_addf(p->errs, "%s:%u: %s", p->path, sec->line,
			    why.s);
		goto done;
	}
	for (k = 0; k < p->nblocks; k++) {
		b = &p->blocks[k];
		if (b->down != down || b->end < b->start)
			continue;
		for (i = 0, in = 0; i < n; i++) {
			if (v[i].start < b->start && v[i].end > b->start) {
				perr(p, b->line, "the statement at line %u"
				    " does not end with ';' before this"
				    " StatementBegin: msr would run the two"
				    " as one", v[i].line);
				break;
			}
			if (v[i].start < b->start || v[i].start >= b->end)
				continue;
			if (++in > 1) {
				perr(p, b->line, "msr would split this"
				    " StatementBegin block into several"
				    " statements, the second at line %u, where"
				    " %s runs one", v[i].line,
				    toolnames[p->tool]);
				break;
			}
			if (v[i].end > b->end) {
				perr(p, b->line, "the statement of this"
				    " StatementBegin block does not end with"
				    " ';' before its StatementEnd at line %u:"
				    " msr would run it together with what"
				    " follows", b->endline);
				break;
			}
		}
	}
done:
	free(v);
	buf_release(&why);
}

/* Whether the text is UTF-8 without NUL bytes: 0, or -1 with an error. */
static int
check_text(struct parse *p)
{
	const unsigned char *s = (const unsigned char *)p->f->text;
	size_t i = 0, n;
	unsigned line = 1;

	while (i < p->f->len) {
		if (s[i] == '\n')
			line++;
		if (s[i] == 0) {
			perr(p, line, "a NUL byte: not a text file");
			return -1;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = buf_utf8_len(s + i)) == 0) {
			perr(p, line, "byte 0x%02x is not UTF-8: msr converts"
			    " UTF-8 text only", s[i]);
			return -1;
		}
		i += n;
	}
	return 0;
}

/*
 * Flyway replaces ${name} before it runs a file, by default; what it
 * runs depends on its configuration, which msr does not read.
 */
static void
flyway_placeholders(struct parse *p)
{
	const char *s = p->f->text, *q;
	unsigned line = 1;

	for (q = s; (q = strstr(q, "${")) != NULL; q += 2) {
		for (; s < q; s++)
			line += *s == '\n';
		perr(p, line, "a Flyway placeholder '${': Flyway replaces it"
		    " with a value of its configuration, msr runs the text as"
		    " written; write the value in its place");
		return;
	}
}

int
convert_file(struct convfile *f, enum convert_tool tool, const char *path,
    int whole, enum sqldialect dialect, struct strlist *errs)
{
	struct buf text = BUF_INIT, why = BUF_INIT;
	struct parse p;

	memset(f, 0, sizeof(*f));
	memset(&p, 0, sizeof(p));
	f->path = xstrdup(path);
	p.tool = tool;
	p.path = path;
	p.f = f;
	p.errs = errs;
	p.nerr = errs->n;
	if (read_file(path, &text, &why) == -1) {
		strlist_addf(errs, "%s: %s", path, why.s);
		goto done;
	}
	f->len = text.len;
	f->text = buf_detach(&text);
	if (f->len >= 3 && memcmp(f->text, "\xef\xbb\xbf", 3) == 0) {
		memmove(f->text, f->text + 3, f->len - 3 + 1);
		f->len -= 3;
	}
	if (check_text(&p) == -1)
		goto done;
	if (tool == CONVERT_FLYWAY)
		flyway_placeholders(&p);
	if (whole) {
		f->up.present = 1;
		f->up.start = 0;
		f->up.end = f->len;
		f->up.line = 1;
	} else
		parse_lines(&p);
	if (errs->n > p.nerr)
		goto done;
	check_section(&p, &f->up, 0, dialect);
	if (f->down.present)
		check_section(&p, &f->down, 1, dialect);
done:
	free(p.blocks);
	buf_release(&text);
	buf_release(&why);
	return errs->n > p.nerr ? -1 : 0;
}

void
convert_file_release(struct convfile *f)
{
	free(f->path);
	free(f->text);
	memset(f, 0, sizeof(*f));
}
