/*
 * Fuzz target for the SQL scanner.  The input is scanned in both
 * dialects from a buffer of exactly its size, so a read past the end
 * shows under AddressSanitizer.  Every statement must lie inside the
 * text, after the one before it, with start < end <= next, a ';' just
 * before next when next != end, the line and column that
 * sqlscan_position() gives, and the same result when its text alone is
 * scanned again.  An error must name a line and column inside the text
 * and be reported again, the same, by the next call.
 */
#include "buildconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sqlscan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* Whether line:col names a byte of text, or its end. */
static int
inside(const char *text, size_t len, unsigned line, unsigned col)
{
	const char	*p = text, *e = text + len, *nl;

	for (; line > 1; line--) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			return 0;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(e - p));
	return col >= 1 && col <= (size_t)((nl != NULL ? nl : e) - p) + 1;
}

/* "LINE:COL: message" with the position inside text. */
static void
check_error(const char *text, size_t len, const char *msg)
{
	char		*end;
	unsigned long	 line, col;

	line = strtoul(msg, &end, 10);
	CHECK(end != msg && *end == ':');
	msg = end + 1;
	col = strtoul(msg, &end, 10);
	CHECK(end != msg && end[0] == ':' && end[1] == ' ' && end[2] != '\0');
	CHECK(inside(text, len, (unsigned)line, (unsigned)col));
}

/* The text of one statement alone must scan to the same statement. */
static void
rescan(const char *text, const struct sqlstmt *st, enum sqldialect d)
{
	struct sqlscan	 s;
	struct sqlstmt	 one;
	struct buf	 err = BUF_INIT;

	sqlscan_init(&s, text + st->start, st->next - st->start, d);
	CHECK(sqlscan_next(&s, &one, &err) == 1);
	CHECK(one.start == 0);
	CHECK(one.end == st->end - st->start);
	CHECK(one.next == st->next - st->start);
	CHECK(one.kind == st->kind && one.flags == st->flags);
	CHECK(one.notx_what == st->notx_what);
	CHECK(sqlscan_next(&s, &one, &err) == 0);
	buf_release(&err);
}

/*
 * The tokens of a statement tile it: each starts at or after the end of
 * the one before, none is empty, the first is where the statement
 * starts and the last ends where it ends; the scanner read it, so no
 * token is unterminated.
 */
static void
tokens(const char *text, const struct sqlstmt *st, enum sqldialect d)
{
	struct sqltoken	 tk;
	size_t		 pos = st->start, last = st->start;
	int		 r, n = 0;

	while ((r = sqlscan_token(text, st->end, d, &pos, &tk)) == 1) {
		CHECK(tk.start >= last && tk.end > tk.start);
		CHECK(tk.end <= st->end && pos == tk.end);
		CHECK(n > 0 || tk.start == st->start);
		last = tk.end;
		n++;
	}
	CHECK(r == 0 && n > 0 && last == st->end);
}

static void
scan(const char *text, size_t len, enum sqldialect d)
{
	struct sqlscan	 s;
	struct sqlstmt	 st;
	struct buf	 err = BUF_INIT, again = BUF_INIT;
	size_t		 last = 0;
	unsigned	 line, col;
	int		 r;

	sqlscan_init(&s, text, len, d);
	while ((r = sqlscan_next(&s, &st, &err)) == 1) {
		CHECK(last <= st.start && st.start < st.end);
		CHECK(st.end <= st.next && st.next <= len);
		CHECK(st.next == st.end || text[st.next - 1] == ';');
		CHECK(st.kind >= SQLKIND_OTHER && st.kind <= SQLKIND_SAVEPOINT);
		CHECK(((st.flags & SQLF_NOTX) != 0) == (st.notx_what != NULL));
		sqlscan_position(text, len, st.start, &line, &col);
		CHECK(line == st.line && col == st.col);
		rescan(text, &st, d);
		tokens(text, &st, d);
		last = st.next;
	}
	if (r == 0) {
		CHECK(err.len == 0);
		CHECK(sqlscan_next(&s, &st, &err) == 0);
		CHECK(err.len == 0);
	} else {
		CHECK(r == -1 && err.len > 0);
		check_error(text, len, err.s);
		CHECK(sqlscan_next(&s, &st, &again) == -1);
		CHECK(strcmp(err.s, again.s) == 0);
	}
	if (sqlscan_directives(&s) & SQLDIR_NOTX)
		CHECK(memmem(text, len, "msr:no-transaction", 18) != NULL);
	buf_release(&err);
	buf_release(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;

	if ((text = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	scan(text, size, SQLDIALECT_SQLITE);
	scan(text, size, SQLDIALECT_POSTGRES);
	free(text);
	return 0;
}
