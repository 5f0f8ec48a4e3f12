/*
 * convert TOOL DIR: writes msr's pairs from the migrations of another
 * tool, into the migrations directory.  Everything is read and checked
 * first; then each file is written to a temporary file beside its
 * target and linked to its name, which fails rather than replace a file
 * that appeared meanwhile.  On any error, what this run wrote goes
 * again: all the pairs or none.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "convert.h"
#include "log.h"
#include "msr.h"
#include "url.h"
#include "xmalloc.h"

/* A file to write: its target, and the temporary file holding it. */
struct out {
	char	*target;
	char	*tmp;		/* NULL once linked, or in a dry run */
	int	 linked;
};

struct outs {
	struct out	*v;
	size_t		 n;
	size_t		 alloc;
};

static struct out *
out_add(struct outs *o, char *target)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? o->alloc * 2 : 64;
		o->v = xreallocarray(o->v, o->alloc, sizeof(*o->v));
	}
	o->v[o->n] = (struct out){ target, NULL, 0 };
	return &o->v[o->n++];
}

/* Removes what this run wrote. */
static void
outs_undo(struct outs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (o->v[i].tmp != NULL)
			unlink(o->v[i].tmp);
		if (o->v[i].linked)
			unlink(o->v[i].target);
	}
}

/*
 * The exit status of a signal that came while blocked, which kills
 * msr once unblocked, or 0.
 */
static int
signalled(void)
{
	sigset_t pend;

	if (sigpending(&pend) == -1)
		return 0;
	if (sigismember(&pend, SIGINT) == 1)
		return MSR_EINTR;
	if (sigismember(&pend, SIGTERM) == 1 ||
	    sigismember(&pend, SIGHUP) == 1)
		return MSR_ETERM;
	return 0;
}

static void
outs_release(struct outs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].target);
		free(o->v[i].tmp);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}



static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static mode_t
file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/*
 * Writes a section to a temporary file in dir: a comment naming its
 * source, msr's directive, then the section's bytes.
 */
static int
write_tmp(struct out *o, const char *dir, const char *tool,
    const struct convfile *f, const struct convsec *sec, int notx,
    const char *what, struct buf *err)
{
	struct buf head = BUF_INIT;
	char *tmp = migfile_join(dir, ".msr-convert-XXXXXX");
	int fd, rc = -1;

	if ((fd = mkstemp(tmp)) == -1) {
		buf_addf(err, "cannot create a file in '%s': %s", dir,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	o->tmp = tmp;
	/* A new line in a file name must not end the comment. */
	buf_addf(&head, "-- converted by msr convert from the %s file ",
	    tool);
	buf_add_printable(&head, f->path, 0);
	buf_addf(&head, " (%s, line %u)\n", what, sec->line);
	if (notx)
		buf_adds(&head, "-- msr:no-transaction\n");
	if (fchmod(fd, file_mode()) == -1 ||
	    write_all(fd, head.s, head.len) == -1 ||
	    write_all(fd, f->text + sec->start, sec->end - sec->start) == -1) {
		buf_addf(err, "cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		goto done;
	}
	if (close(fd) == -1) {
		buf_addf(err, "cannot write '%s': %s", tmp, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	buf_release(&head);
	return rc;
}

/* Whether path names anything, a dangling link included. */
static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

/* Whether a and b are one directory. */
static int
same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int
cmd_convert(struct msr *m)
{
	struct strlist errs = STRLIST_INIT, warn = STRLIST_INIT;
	struct convlist list;
	struct convfile f, uf;
	struct outs outs;
	struct migset set;
	struct buf err = BUF_INIT;
	enum convert_tool tool;
	enum sqldialect dialect = config_lint_dialect(&m->cfg);
	const char *dir = m->cfg.dir, *tname;
	struct migration *have;
	struct out *o;
	size_t i, nup = 0, ndown = 0;
	char *target, *masked;
	int rc = MSR_EUSAGE, made = 0, writing, blocked = 0;
	sigset_t block, saved;

	memset(&list, 0, sizeof(list));
	memset(&outs, 0, sizeof(outs));
	memset(&set, 0, sizeof(set));
	memset(&f, 0, sizeof(f));
	memset(&uf, 0, sizeof(uf));
	if (m->argc != 2) {
		log_error("convert needs a TOOL and its DIR");
		fprintf(stderr, "usage: msr convert TOOL DIR [--dry-run]\n");
		return MSR_EUSAGE;
	}
	if (convert_tool_find(m->argv[0], &tool, &err) == -1) {
		log_error("%s", err.s);
		goto done;
	}
	tname = convert_tool_name(tool);
	/* Every file is checked, so that one run tells every problem. */
	writing = !m->o.dry_run;
	if (convert_list(&list, tool, m->argv[1], &errs) == -1) {
		writing = 0;
		if (list.n == 0)
			goto failed;
	}
	if (list.n == 0) {
		log_error("no %s migrations in '%s'", tname, m->argv[1]);
		goto done;
	}
	if (same_dir(dir, m->argv[1])) {
		log_error("'%s' is the migrations directory: write the pairs"
		    " into another one (--dir), where the %s files do not"
		    " stand beside them", m->argv[1], tname);
		goto done;
	}
	if (exists(dir) && migfile_scan(&set, dir, 0, &warn, &err) == -1) {
		log_error("%s", err.s);
		goto done;
	}
	/*
	 * A signal waits until the pairs are all in place, or all gone
	 * again: a run is never left half done.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	if (writing)
		blocked = sigprocmask(SIG_BLOCK, &block, &saved) == 0;
	if (writing && !exists(dir)) {
		if (migfile_mkdirs(dir, &err) == -1) {
			log_error("%s", err.s);
			goto done;
		}
		made = 1;
	}
	for (i = 0; i < list.n; i++) {
		const struct convmig *c = &list.v[i];
		const struct convsec *down;

		if (convert_file(&f, tool, c->up, tool == CONVERT_FLYWAY,
		    dialect, &errs) == -1 || (c->down != NULL &&
		    convert_file(&uf, tool, c->down, 1, dialect,
		    &errs) == -1)) {
			writing = 0;
			goto next;
		}
		down = c->down != NULL ? &uf.up : f.down.present ? &f.down :
		    NULL;
		target = xasprintf("%s_%s.up.sql", c->vtext, c->name);
		o = out_add(&outs, migfile_join(dir, target));
		free(target);
		if (exists(o->target)) {
			strlist_addf(&errs, "%s: exists already", o->target);
			writing = 0;
		} else if ((have = migfile_find(&set, c->version)) != NULL) {
			strlist_addf(&errs, "%s: version %s is in the"
			    " migrations directory already: '%s'", c->up,
			    c->vtext, have->up != NULL ? have->up :
			    have->down);
			writing = 0;
		}
		if (writing && write_tmp(o, dir, tname, &f, &f.up,
		    f.up.notx || c->conf_notx, tool == CONVERT_FLYWAY ?
		    "versioned migration" : "up section", &err) == -1)
			goto io_failed;
		nup++;
		if (down == NULL)
			goto next;
		target = xasprintf("%s_%s.down.sql", c->vtext, c->name);
		o = out_add(&outs, migfile_join(dir, target));
		free(target);
		if (exists(o->target)) {
			strlist_addf(&errs, "%s: exists already", o->target);
			writing = 0;
		}
		if (writing && write_tmp(o, dir, tname, c->down != NULL ?
		    &uf : &f, down, down->notx, c->down != NULL ?
		    "undo migration" : "down section", &err) == -1)
			goto io_failed;
		ndown++;
next:
		convert_file_release(&f);
		convert_file_release(&uf);
	}
	if (errs.n > 0)
		goto failed;
	if (blocked && (rc = signalled()) != 0) {
		log_error("interrupted by a signal; nothing written");
		outs_undo(&outs);
		goto cleanup;
	}
	for (i = 0; writing && i < outs.n; i++) {
		o = &outs.v[i];
		if (link(o->tmp, o->target) == -1) {
			buf_addf(&err, "cannot create '%s': %s", o->target,
			    strerror(errno));
			goto io_failed;
		}
		o->linked = 1;
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	/* The directory may be anything, even a URL with a password. */
	for (i = 0; i < outs.n; i++) {
		masked = url_mask(outs.v[i].target);
		printf("%s\n", masked);
		free(masked);
	}
	log_info("%s %zu %s migrations: %zu up and %zu down files%s",
	    m->o.dry_run ? "dry run: would convert" : "converted", list.n,
	    tname, nup, ndown, m->o.dry_run ? "; nothing written" : "");
	rc = MSR_OK;
	goto done;
io_failed:
	log_error("%s", err.s);
	outs_undo(&outs);
	goto cleanup;
failed:
	for (i = 0; i < errs.n; i++)
		log_error("%s", errs.v[i]);
	log_error("nothing written");
	outs_undo(&outs);
cleanup:
	if (made)
		rmdir(dir);
done:
	if (blocked)
		sigprocmask(SIG_SETMASK, &saved, NULL);
	convert_file_release(&f);
	convert_file_release(&uf);
	convert_list_release(&list);
	migfile_set_release(&set);
	outs_release(&outs);
	strlist_release(&errs);
	strlist_release(&warn);
	buf_release(&err);
	return rc;
}
