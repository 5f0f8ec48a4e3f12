/*
 * Migration files read piece by piece.  The window holds the text from
 * the scanner's position on; when the scanner reaches its end without
 * being sure of a statement, the text before the position is dropped,
 * more is read, and the statement is scanned again from its start.  A
 * statement counts as complete only when the file ended, or when it
 * ends with a ';' and a byte follows: what the scanner decides about a
 * statement never depends on text after it beyond that.
 */
#include "buildconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "sqlfile.h"
#include "xmalloc.h"

#define KEEP	0x100		/* open_file(): keep the text, for sqlfile_read() */

/* Bytes read at a time, at least; the tests make it small. */
size_t sqlfile_chunk = 65536;

/*
 * Turns the raw bytes at the end of the window into text: drops a byte
 * order mark at the start of the file and the '\r' of each CRLF, and adds
 * the result to the checksum.  A '\r' that ends the bytes read so far
 * stays raw until the next read shows what follows it.
 */
static void
normalize(struct sqlfile *f, int *bom)
{
	char *s = f->text.s, *cr;
	size_t from = f->text.len - f->raw, i, j, end = f->text.len;

	if (*bom) {
		if (f->raw < 3 && !f->eof)
			return;
		if (f->raw >= 3 && memcmp(s + from, "\xEF\xBB\xBF", 3) == 0) {
			memmove(s + from, s + from + 3, f->raw - 3);
			end -= 3;
		}
		*bom = 0;
	}
	/* Up to the first CR the text stays where it is. */
	cr = memchr(s + from, '\r', end - from);
	for (i = j = cr != NULL ? (size_t)(cr - s) : end; i < end; i++) {
		if (s[i] == '\r') {
			if (i + 1 == end && !f->eof)
				break;
			if (i + 1 < end && s[i + 1] == '\n')
				continue;
		}
		s[j++] = s[i];
	}
	f->raw = end - i;
	if (f->raw > 0)
		s[j] = '\r';
	f->text.len = j + f->raw;
	s[f->text.len] = '\0';
	if (f->sum_on)
		sha256_update(&f->sum, s + from, j - from);
}

/*
 * The mark of the text so far, the end of a piece: recorded, or checked
 * against the one the first reading recorded.
 */
static int
mark(struct sqlfile *f, struct buf *err)
{
	struct sqlmarks *m = f->marks;
	struct sha256 c = f->sum;
	unsigned char md[SHA256_LEN];

	sha256_final(&c, md);
	if (f->check) {
		if (f->pieces < m->n &&
		    memcmp(m->v[f->pieces], md, SQLFILE_MARKLEN) == 0) {
			f->pieces++;
			return 0;
		}
		buf_addf(err, "%s changed while msr ran it", f->path);
		return -1;
	}
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 16;
		m->v = xreallocarray(m->v, m->alloc, sizeof(*m->v));
	}
	memcpy(m->v[m->n++], md, SQLFILE_MARKLEN);
	f->pieces++;
	return 0;
}

/*
 * Drops the text before the scanner's position and reads a piece: as
 * many bytes as asked, or the rest of the file, so that the same bytes
 * come in the same pieces.
 */
static int
fill(struct sqlfile *f, int *bom, struct buf *err)
{
	size_t shift, want, got;
	ssize_t n;

	shift = f->scan ? f->sc.pos : f->keep ? 0 : f->text.len - f->raw;
	if (f->scan)
		sqlscan_drop(&f->sc, shift);
	if (shift > 0) {
		memmove(f->text.s, f->text.s + shift, f->text.len - shift);
		f->text.len -= shift;
	}
	want = f->text.len > sqlfile_chunk ? f->text.len : sqlfile_chunk;
	buf_grow(&f->text, want);
	for (got = 0; got < want; got += (size_t)n) {
		n = read(f->fd, f->text.s + f->text.len + got, want - got);
		if (n == -1 && errno == EINTR)
			n = 0;
		else if (n == -1) {
			buf_addf(err, "%s: %s", f->path, strerror(errno));
			return -1;
		} else if (n == 0) {
			f->eof = 1;
			close(f->fd);
			f->fd = -1;
			break;
		}
	}
	if (memchr(f->text.s + f->text.len, '\0', got) != NULL) {
		buf_addf(err, "%s: file holds a NUL byte, not SQL text",
		    f->path);
		return -1;
	}
	f->text.len += got;
	f->raw += got;
	normalize(f, bom);
	if (f->marks != NULL && mark(f, err) == -1)
		return -1;
	if (f->scan)
		sqlscan_more(&f->sc, f->text.s, f->text.len - f->raw);
	return 0;
}

void
sqlfile_init(struct sqlfile *f)
{
	memset(f, 0, sizeof(*f));
	buf_init(&f->text);
	buf_init(&f->why);
	f->fd = -1;
}

static int
open_file(struct sqlfile *f, const char *path, enum sqldialect dialect,
    int scan, unsigned flags, struct sqlmarks *marks, struct buf *err)
{
	int bom = 1;

	sqlfile_init(f);
	f->path = path;
	f->scan = scan;
	f->sum_on = !(flags & SQLFILE_NOSUM);
	f->keep = (flags & KEEP) != 0;
	if (flags & (SQLFILE_MARK | SQLFILE_CHECK)) {
		f->marks = marks;
		f->check = (flags & SQLFILE_CHECK) != 0;
		if (!f->check)
			marks->n = 0;
	}
	sha256_init(&f->sum);
	sqlscan_init(&f->sc, f->text.s, 0, dialect);
	if ((f->fd = open(path, O_RDONLY)) == -1) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Enough bytes to tell a byte order mark. */
	while (bom)
		if (fill(f, &bom, err) == -1)
			return -1;
	return 0;
}

int
sqlfile_open(struct sqlfile *f, const char *path, enum sqldialect dialect,
    unsigned flags, struct buf *err)
{
	return open_file(f, path, dialect, 1, flags, NULL, err);
}

int
sqlfile_open_marked(struct sqlfile *f, const char *path,
    enum sqldialect dialect, unsigned flags, struct sqlmarks *marks,
    struct buf *err)
{
	return open_file(f, path, dialect, 1, flags, marks, err);
}

void
sqlfile_marks_release(struct sqlmarks *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int
sqlfile_next(struct sqlfile *f, size_t max, struct buf *err)
{
	struct sqlscan saved;
	struct sqlstmt st;
	int bom = 0, rc;

	f->n = 0;
	f->index = f->count;
	while (f->n < max) {
		saved = f->sc;
		buf_reset(&f->why);
		rc = sqlscan_next(&f->sc, &st, &f->why);
		if (f->eof || (rc == 1 && st.next > st.end &&
		    st.next < f->sc.len)) {
			if (rc == 0)
				break;
			if (rc == -1) {
				if (f->n > 0) {
					/* Reported on the next call. */
					f->sc = saved;
					break;
				}
				buf_addf(err, "%s:%s", f->path, f->why.s);
				return -1;
			}
			if (f->n == f->alloc) {
				f->alloc = f->alloc ? f->alloc * 2 : 64;
				f->v = xreallocarray(f->v, f->alloc,
				    sizeof(*f->v));
			}
			f->v[f->n++] = st;
			f->count++;
			continue;
		}
		/* The statement may go on past the window. */
		f->sc = saved;
		if (f->n > 0)
			break;
		if (fill(f, &bom, err) == -1)
			return -1;
	}
	return (int)f->n;
}

int
sqlfile_finish(struct sqlfile *f, char hex[SHA256_HEXLEN + 1],
    struct buf *err)
{
	unsigned char md[SHA256_LEN];
	int bom = 0, rc;

	if (f->scan)
		while ((rc = sqlfile_next(f, 1024, err)) != 0)
			if (rc == -1)
				return -1;
	while (!f->eof)
		if (fill(f, &bom, err) == -1)
			return -1;
	if (f->marks != NULL && !f->check && f->marks->n < f->marks->alloc) {
		/* 16 bytes a piece, from now on. */
		f->marks->alloc = f->marks->n;
		f->marks->v = xreallocarray(f->marks->v, f->marks->n,
		    sizeof(*f->marks->v));
	}
	if (f->sum_on) {
		sha256_final(&f->sum, md);
		sha256_hex(md, hex);
	} else
		hex[0] = '\0';
	return 0;
}

void
sqlfile_close(struct sqlfile *f)
{
	if (f->fd != -1)
		close(f->fd);
	buf_release(&f->text);
	buf_release(&f->why);
	free(f->v);
	sqlfile_init(f);
}

int
sqlfile_checksum(const char *path, char hex[SHA256_HEXLEN + 1],
    struct buf *err)
{
	struct sqlfile f;
	int rc;

	rc = open_file(&f, path, SQLDIALECT_SQLITE, 0, 0, NULL, err);
	if (rc == 0)
		rc = sqlfile_finish(&f, hex, err);
	sqlfile_close(&f);
	return rc;
}

int
sqlfile_read(const char *path, struct buf *text,
    char hex[SHA256_HEXLEN + 1], struct buf *err)
{
	struct sqlfile f;
	char sum[SHA256_HEXLEN + 1];
	int rc;

	rc = open_file(&f, path, SQLDIALECT_SQLITE, 0, KEEP | (hex == NULL ?
	    SQLFILE_NOSUM : 0), NULL, err);
	if (rc == 0)
		rc = sqlfile_finish(&f, hex != NULL ? hex : sum, err);
	if (rc == 0) {
		buf_release(text);
		*text = f.text;
		buf_init(&f.text);
	}
	sqlfile_close(&f);
	return rc;
}

void
sqlfile_position(const struct sqlfile *f, const struct sqlstmt *st,
    size_t off, unsigned *line, unsigned *col)
{
	const char *p = f->text.s + st->start, *e, *nl;

	if (off < st->start)
		off = st->start;
	if (off > f->text.len)
		off = f->text.len;
	e = f->text.s + off;
	*line = st->line;
	*col = st->col;
	while (p < e && (nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		(*line)++;
		*col = 1;
		p = nl + 1;
	}
	*col += (unsigned)(e - p);
}
