/*
 * Reading migration files, and the other files msr reads as text.  A
 * file is read as bytes; a byte order mark at its start is dropped, CRLF
 * turns into LF, and a NUL byte is an error.  A migration file is read
 * piece by piece: its statements come in batches while the file streams
 * through a window of memory that holds the statements of the current
 * batch and not much more, so a file of any size runs in a small, fixed
 * amount of memory, and its checksum is computed on the way.
 *
 * A file read again can be checked against its first reading piece by
 * piece: the same bytes come in the same pieces, and each piece read
 * the first time leaves a mark, the SHA-256 of the text from the start
 * of the file to the end of the piece, cut to 16 bytes.  A piece whose
 * mark differs the second time is an error before any statement of it
 * is given.
 */
#ifndef MSR_SQLFILE_H
#define MSR_SQLFILE_H

#include <stddef.h>

#include "buf.h"
#include "sha256.h"
#include "sqlscan.h"

#define SQLFILE_MARKLEN	16

/* The marks of a file's pieces, in the order they were read. */
struct sqlmarks {
	unsigned char	(*v)[SQLFILE_MARKLEN];
	size_t		 n;
	size_t		 alloc;
};

struct sqlfile {
	const char	*path;
	int		 fd;
	int		 eof;		/* the rest of the file is in text */
	size_t		 raw;		/* bytes at the end of text not yet
					 * normalized: a '\r', or the start
					 * of the file before its BOM is told */
	int		 scan;		/* scan statements, or only read */
	int		 keep;		/* not scanning: keep all the text */
	int		 sum_on;	/* compute the checksum */
	struct sqlmarks	*marks;		/* SQLFILE_MARK, SQLFILE_CHECK */
	int		 check;		/* check marks, or record them */
	size_t		 pieces;	/* pieces read so far */
	struct buf	 text;		/* the window; v[] points into it */
	struct sqlscan	 sc;
	struct sha256	 sum;
	struct buf	 why;		/* the scanner's error */
	struct sqlstmt	*v;		/* the current batch */
	size_t		 n;
	size_t		 alloc;
	size_t		 index;		/* the number in the file of v[0],
					 * counting from 0 */
	size_t		 count;		/* statements returned so far */
};

/* Bytes read at a time, at least: 64 KiB; the tests make it small. */
extern size_t	sqlfile_chunk;

/* An empty file that sqlfile_close() may be given. */
void	sqlfile_init(struct sqlfile *);

/*
 * Opens path for sqlfile_next(); sqlfile_close() it even when this
 * fails.  Returns 0, or -1 with "PATH: reason"
 * in err.
 */
int	sqlfile_open(struct sqlfile *, const char *path, enum sqldialect,
	    unsigned flags, struct buf *err);

#define SQLFILE_NOSUM	0x01	/* no checksum: sqlfile_finish() gives "" */
#define SQLFILE_MARK	0x02	/* record the mark of each piece */
#define SQLFILE_CHECK	0x04	/* check each piece against its mark */

/*
 * sqlfile_open() that records the marks of the pieces in marks, or with
 * SQLFILE_CHECK checks each piece against them: a piece that is not the
 * one marked, or one more, fails with "PATH changed while msr ran it".
 * Not with SQLFILE_NOSUM.
 */
int	sqlfile_open_marked(struct sqlfile *, const char *path,
	    enum sqldialect, unsigned flags, struct sqlmarks *,
	    struct buf *err);

void	sqlfile_marks_release(struct sqlmarks *);

/*
 * The next batch of at most max statements in v[0..n), their offsets
 * into text.s, valid until the next call.  Returns n, 0 at the end of
 * the file, or -1 with err set: "PATH:LINE:COL: message" for SQL the
 * scanner rejects, "PATH: reason" when reading fails.
 */
int	sqlfile_next(struct sqlfile *, size_t max, struct buf *err);

/*
 * Reads to the end and writes the file's checksum in hex.  Statements
 * not taken by sqlfile_next() are skipped.  Returns 0 or -1 with err.
 */
int	sqlfile_finish(struct sqlfile *, char hex[SHA256_HEXLEN + 1],
	    struct buf *err);

void	sqlfile_close(struct sqlfile *);

/* The checksum of a file, read in pieces.  Returns 0 or -1 with err. */
int	sqlfile_checksum(const char *path, char hex[SHA256_HEXLEN + 1],
	    struct buf *err);

/*
 * The whole text of a file, normalized the same way, and its checksum
 * when hex is not NULL: for small files such as msr.ini.  Returns 0 or
 * -1 with err.
 */
int	sqlfile_read(const char *path, struct buf *text,
	    char hex[SHA256_HEXLEN + 1], struct buf *err);

/*
 * Line and column of an offset into text.s at or after the start of
 * statement st of the current batch.
 */
void	sqlfile_position(const struct sqlfile *, const struct sqlstmt *st,
	    size_t off, unsigned *line, unsigned *col);

#endif
