/*
 * The SQL scanner: splits the text of a migration file into statements
 * without understanding SQL beyond what it takes to find the semicolons
 * that end statements.  It knows quoted strings and identifiers, E''
 * strings and dollar quotes (PostgreSQL), bracket and backtick
 * identifiers (SQLite), nested block comments (PostgreSQL), "--"
 * comments, CREATE TRIGGER ... BEGIN ... END bodies and BEGIN ATOMIC
 * ... END bodies.  In both kinds of body the END that closes it is the
 * first token after a ';', as for sqlite3_complete().  In PostgreSQL, as
 * in psql, a ';' inside parentheses does not end a statement either
 * (CREATE RULE ... DO (...; ...)).
 *
 * For each statement it reports where it is, whether it is transaction
 * control, whether it cannot run inside a transaction, and whether it is
 * safe to run again after a failure.  Directives are "--" comments
 * whose text starts with "msr:" after optional blanks: "-- msr:NAME".
 * "msr:no-transaction" must come before the first statement, alone on
 * its comment; "msr:lint-ignore RULE..." is accepted anywhere and gives
 * the statement it is in, or else the next one, the rules to silence;
 * any other name is an error.
 *
 * The scanner never allocates for statements, never prints and never
 * exits: positions are offsets into the caller's text.
 */
#ifndef MSR_SQLSCAN_H
#define MSR_SQLSCAN_H

#include <stddef.h>

#include "rules.h"

struct buf;

enum sqldialect {
	SQLDIALECT_SQLITE,
	SQLDIALECT_POSTGRES
};

enum sqlkind {
	SQLKIND_OTHER,
	SQLKIND_BEGIN,		/* BEGIN [...], START TRANSACTION */
	SQLKIND_COMMIT,		/* COMMIT [...], END [TRANSACTION|WORK] */
	SQLKIND_ROLLBACK,	/* ROLLBACK [...], not ROLLBACK TO */
	SQLKIND_SAVEPOINT	/* SAVEPOINT, RELEASE, ROLLBACK TO */
};

/* Statement flags. */
#define SQLF_NOTX	0x01	/* cannot run inside a transaction block */
#define SQLF_RETRYSAFE	0x02	/* IF [NOT] EXISTS, SELECT, ...: can rerun */
#define SQLF_SESSION	0x04	/* sets state of the session (PRAGMA, SET) */

/* Directive flags, see sqlscan_directives(). */
#define SQLDIR_NOTX	0x01	/* -- msr:no-transaction */

struct sqlstmt {
	size_t		 start;	/* offset of its first token's first byte */
	size_t		 end;	/* offset just past its last token */
	size_t		 next;	/* offset just past the ';', or end at EOF */
	unsigned	 line;	/* 1-based line of start */
	unsigned	 col;	/* 1-based byte column of start */
	enum sqlkind	 kind;
	unsigned	 flags;	/* SQLF_* */
	/* For SQLF_NOTX: a short static description, "VACUUM",
	 * "CREATE INDEX CONCURRENTLY", "PRAGMA foreign_keys", ... */
	const char	*notx_what;
	ruleset		 ignore;	/* msr:lint-ignore */
};

/* A token, for sqlscan_token(). */
enum sqltoktype {
	SQLTOK_WORD,		/* a keyword or plain identifier */
	SQLTOK_QIDENT,		/* "quoted", `quoted` or [quoted] */
	SQLTOK_STRING,		/* '...', E'...', $tag$...$tag$ */
	SQLTOK_NUMBER,
	SQLTOK_PARAM,		/* $1, ?NNN's $name and the like */
	SQLTOK_PUNCT,		/* one byte: ( ) , ; . = and the others */
	SQLTOK_COMMENT		/* -- to the end of the line, or block */
};

struct sqltoken {
	size_t		 start;
	size_t		 end;
	enum sqltoktype	 type;
	const char	*why;		/* the error, when -1 was returned */
};

struct sqlscan {
	const char	*text;
	size_t		 len;
	size_t		 pos;
	unsigned	 line;		/* line of linepos */
	size_t		 linestart;	/* offset where that line starts */
	size_t		 linepos;	/* lines are counted up to here */
	size_t		 colskip;	/* bytes of that line dropped by
					 * sqlscan_rebase() */
	enum sqldialect	 dialect;
	unsigned	 directives;	/* SQLDIR_* seen so far */
	int		 nstmts;	/* statements returned so far */
	ruleset		 ignore;	/* msr:lint-ignore for the next one */
	/* Names in msr:lint-ignore that are no rule: how many, and where
	 * the first is. */
	unsigned	 nbad;
	unsigned	 bad_line, bad_col;
	char		 bad[48];
};

void	sqlscan_init(struct sqlscan *, const char *text, size_t len,
	    enum sqldialect);

/*
 * Finds the next statement.  Returns 1 and fills *st, 0 at the end of the
 * text (only comments and white space remained), -1 on an error, with
 * one sentence in err of the form "LINE:COL: message" (no file name; the
 * caller adds it), for example "12:5: unterminated quoted string" or
 * "3:1: unknown directive 'msr:no-transacton'".  A statement of only
 * ";" is skipped, not returned.  A last statement without ';' is
 * returned with next == end == the end of its last token.  After an
 * error, calling again reports the same error.
 */
int	sqlscan_next(struct sqlscan *, struct sqlstmt *st, struct buf *err);

/*
 * For a caller that reads a file piece by piece.  sqlscan_drop() is
 * told, while the text is still in place, that its first shift bytes,
 * all before the scanner's position, are about to go; lines and columns
 * go on counting from where they were.  sqlscan_more() gives the text
 * again, where it is now and with what was added at its end.
 */
void	sqlscan_drop(struct sqlscan *, size_t shift);
void	sqlscan_more(struct sqlscan *, const char *text, size_t len);

/*
 * The directives seen so far.  Directives must come before the first
 * statement; complete once sqlscan_next() has returned a statement or 0.
 */
unsigned sqlscan_directives(const struct sqlscan *);

/*
 * The token of text at *pos or after it, blanks skipped, for a reader
 * of statements that sqlscan_next() found; comments are tokens too.
 * Returns 1 and moves *pos past it, 0 at the end, or -1 with tk->why
 * when a quote or comment does not end.
 */
int	sqlscan_token(const char *text, size_t len, enum sqldialect,
	    size_t *pos, struct sqltoken *tk);

/* The names of a CREATE INDEX CONCURRENTLY, as its tokens. */
struct sqlindex {
	struct sqltoken	 name;		/* the index */
	struct sqltoken	 table[3];	/* [[database.]schema.]table */
	int		 ntable;
	int		 if_not_exists;
};

/*
 * Whether statement st of text is PostgreSQL's CREATE [UNIQUE] INDEX
 * CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table ...: 1 with *ix
 * filled, else 0, also for an index without a name.  Comments between
 * the words do not count.
 */
int	sqlscan_create_index(const char *text, const struct sqlstmt *st,
	    struct sqlindex *ix);

/* Line and column (1-based, bytes) of an offset into text. */
void	sqlscan_position(const char *text, size_t len, size_t off,
	    unsigned *line, unsigned *col);

#endif
