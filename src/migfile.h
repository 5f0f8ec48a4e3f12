/*
 * Migration files: names, versions and the directory scan.  Their text
 * is read by sqlfile.c.
 *
 * A version is 1 to 32 decimal digits, compared as a number.  Its
 * canonical form has no leading zeros ("0007" is "7"); the form written in
 * the file name is kept for display.
 */
#ifndef MSR_MIGFILE_H
#define MSR_MIGFILE_H

#include <stddef.h>

#include "sha256.h"

struct buf;
struct strlist;

#define MIGFILE_VERSION_MAX	32

enum migdir {
	MIGDIR_UP,
	MIGDIR_DOWN
};

struct migname {
	char		 version[MIGFILE_VERSION_MAX + 1];	/* canonical */
	char		 vtext[MIGFILE_VERSION_MAX + 1];	/* as written */
	const char	*name;		/* points into the file name */
	size_t		 namelen;
	enum migdir	 dir;
};

struct migration {
	char	*version;	/* canonical */
	char	*vtext;		/* as written in the file name */
	char	*name;		/* the part after VERSION_ */
	char	*up;		/* path of the up file, or NULL */
	char	*down;		/* path of the down file, or NULL */
	int	 renamed;	/* the down file has another name */
};

struct migset {
	char			*dir;
	struct migration	*v;	/* sorted by version */
	size_t			 n;
	size_t			 alloc;
};

/*
 * Parses "V0007_add_users.up.sql".  Returns 0, or -1 with a reason in
 * err when the name is not a migration file name.
 */
int	migfile_parse_name(const char *fname, struct migname *out,
	    struct buf *err);

/*
 * Canonical form of a version given by a user ("--to 0007"): returns 0 and
 * fills out, or -1 when s is not 1 to 32 digits (an optional V allowed).
 */
int	migfile_parse_version(const char *s,
	    char out[MIGFILE_VERSION_MAX + 1]);

/* Compares two canonical versions as numbers. */
int	migfile_vercmp(const char *, const char *);

/* Flags of migfile_scan(). */
#define MIGSCAN_STRICT	0x01	/* [migrations] strict */
#define MIGSCAN_EXACT	0x02	/* refuse what golang-migrate would run */

/*
 * Reads the migration files of dir into set.  An up file and a down file
 * of one version pair whatever their names, as golang-migrate pairs them.
 * Problems that make the set unusable (unreadable directory, two files
 * for one version and direction, a file name that is not UTF-8) return
 * -1 with err set.  Orphan down files and unparsable *.sql names are
 * errors with MIGSCAN_STRICT and warnings otherwise.  Files that
 * golang-migrate would run as migrations and msr does not read
 * ("7_x.up.sql~", "7_x.up..sql") are errors with MIGSCAN_EXACT, one line
 * of err each, and warnings otherwise.
 */
int	migfile_scan(struct migset *set, const char *dir, int flags,
	    struct strlist *warnings, struct buf *err);
void	migfile_set_release(struct migset *);

/* The migration with this canonical version, or NULL. */
struct migration *migfile_find(const struct migset *, const char *version);

/* dir/name, with one slash between them. */
char	*migfile_join(const char *dir, const char *name);
/* Creates dir and its parents: 0, or -1 with the reason in err. */
int	migfile_mkdirs(const char *dir, struct buf *err);

#endif
