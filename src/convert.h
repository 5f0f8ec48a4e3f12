/*
 * Migration sets of other tools, read to be written as msr's pairs:
 * dbmate's and sql-migrate's single files with an up and a down section,
 * goose's annotated files and Flyway's V and U files.  The statements of
 * each section are kept byte for byte; the tool's directives become
 * msr's.  Nothing here writes or prints: problems are lines of
 * "PATH:LINE: message" in a caller's list.
 */
#ifndef MSR_CONVERT_H
#define MSR_CONVERT_H

#include <stddef.h>

#include "migfile.h"
#include "sqlscan.h"

struct buf;
struct strlist;

enum convert_tool {
	CONVERT_DBMATE,
	CONVERT_GOOSE,
	CONVERT_FLYWAY,
	CONVERT_SQLMIGRATE
};

/*
 * The tool of a name ("dbmate", "goose", "flyway", "sql-migrate"): 0, or
 * -1 with a sentence in err ("golang-migrate" is told that msr reads its
 * sets as they are).
 */
int	convert_tool_find(const char *name, enum convert_tool *out,
	    struct buf *err);
const char *convert_tool_name(enum convert_tool);

/* What a file of a tool's directory is, by its name. */
enum convkind {
	CONVKIND_NONE,		/* not the tool's: left alone */
	CONVKIND_UP,		/* a migration: its up, and its down when
				 * the tool keeps both in one file */
	CONVKIND_DOWN,		/* a separate down file (Flyway's U) */
	CONVKIND_BAD		/* the tool's, but not convertible: why */
};

struct convname {
	enum convkind	 kind;
	char		 version[MIGFILE_VERSION_MAX + 1];	/* canonical */
	char		 vtext[MIGFILE_VERSION_MAX + 1];	/* as written */
	const char	*name;		/* points into the file name */
	size_t		 namelen;	/* 0: the name is "migration" */
};

/*
 * The version and name that msr gives a file of the tool, from its name
 * alone: for dbmate "VERSION_NAME.sql", goose "VERSION_NAME.sql" (.go
 * files are CONVKIND_BAD), sql-migrate "VERSION..." for every "*.sql"
 * (its id; an id that does not start with a digit is CONVKIND_BAD, as
 * sql-migrate orders those by name), Flyway "VVERSION__DESCRIPTION.sql"
 * and "UVERSION__DESCRIPTION.sql" (dotted versions, repeatable R__ and
 * other prefixes are CONVKIND_BAD).  For CONVKIND_BAD, why holds the
 * reason.  The same rule gives the version that msr adopt records for
 * what the tool applied.
 */
void	convert_name(enum convert_tool, const char *fname, struct convname *,
	    struct buf *why);

/* One migration of the tool's directory. */
struct convmig {
	char	 version[MIGFILE_VERSION_MAX + 1];	/* canonical */
	char	 vtext[MIGFILE_VERSION_MAX + 1];
	char	*name;
	char	*up;		/* path of its file */
	char	*down;		/* path of a separate down file, or NULL */
	int	 conf_notx;	/* Flyway: executeInTransaction=false */
};

struct convlist {
	struct convmig	*v;	/* sorted by version */
	size_t		 n;
	size_t		 alloc;
};

/*
 * Lists the migrations of the tool's directory dir.  Each problem is a
 * line in errs: names that cannot be converted, two files of one
 * version, symbolic links, a down file without its up file.  Returns 0,
 * or -1 when errs got lines.
 */
int	convert_list(struct convlist *, enum convert_tool, const char *dir,
	    struct strlist *errs);
void	convert_list_release(struct convlist *);

/* A section of a file: the bytes msr's file gets, unchanged. */
struct convsec {
	int		 present;
	size_t		 start, end;	/* offsets into the file's text */
	unsigned	 line;		/* line of start, 1-based */
	int		 notx;		/* the tool runs it outside a
					 * transaction */
};

struct convfile {
	char		*path;
	char		*text;		/* the file without a byte order mark */
	size_t		 len;
	struct convsec	 up, down;
};

/*
 * Reads the file at path of the tool (a regular file; a symbolic link is
 * not followed) and finds its sections: with whole set, the file is one
 * section, up (Flyway).  Checks that it is UTF-8 text, that its
 * directives are the tool's and that msr's scanner (dialect) finds in
 * each StatementBegin/End block the one statement the tool runs.
 * Returns 0, or -1 with lines in errs.
 */
int	convert_file(struct convfile *, enum convert_tool, const char *path,
	    int whole, enum sqldialect, struct strlist *errs);
void	convert_file_release(struct convfile *);

#endif
