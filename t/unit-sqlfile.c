/*
 * Unit tests for sqlfile.c: a file read piece by piece gives the same
 * statements, positions, errors and checksum as the whole text read at
 * once (sqlfile_read() and sqlscan_next()), whatever the size of the
 * pieces and of the batches.  The files are the scanner's golden files
 * in t/sqlscan and a few made here: CRLF line ends split between reads,
 * a byte order mark, statements longer than a read, long lines.  A
 * second reading checks the marks of the first, and fails on a changed
 * byte before it gives a statement of the piece that holds it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "migfile.h"
#include "sqlfile.h"
#include "sqlscan.h"
#include "tap.h"

static void
render(struct buf *out, const char *text, const struct sqlstmt *st)
{
	buf_addf(out, "%u:%u %d %u %s|%.*s|%s\n", st->line, st->col,
	    (int)st->kind, st->flags, st->notx_what ? st->notx_what : "",
	    (int)(st->end - st->start), text + st->start,
	    st->next == st->end ? " noterm" : "");
}

/* The statements of the whole text, as plan.c scanned before. */
static void
whole(const char *path, enum sqldialect d, struct buf *out)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct sqlscan sc;
	struct sqlstmt st;
	char hex[SHA256_HEXLEN + 1];
	int rc;

	if (sqlfile_read(path, &text, hex, &err) == -1) {
		buf_addf(out, "error: %s\n", err.s);
		goto done;
	}
	sqlscan_init(&sc, text.s, text.len, d);
	while ((rc = sqlscan_next(&sc, &st, &err)) == 1)
		render(out, text.s, &st);
	if (rc == -1)
		buf_addf(out, "error: %s:%s\n", path, err.s);
	else
		buf_addf(out, "dirs %u sum %s\n", sqlscan_directives(&sc), hex);
done:
	buf_release(&text);
	buf_release(&err);
}

/* The statements read in batches of max, recording or checking marks. */
static void
streamed(const char *path, enum sqldialect d, size_t max, unsigned flags,
    struct sqlmarks *marks, struct buf *out)
{
	struct sqlfile f;
	struct buf err = BUF_INIT;
	char hex[SHA256_HEXLEN + 1];
	int i, n;

	if (sqlfile_open_marked(&f, path, d, flags, marks, &err) == -1) {
		buf_addf(out, "error: %s\n", err.s);
		goto done;
	}
	while ((n = sqlfile_next(&f, max, &err)) > 0) {
		if ((size_t)n > max)
			buf_addf(out, "batch of %d > %zu\n", n, max);
		for (i = 0; i < n; i++)
			render(out, f.text.s, &f.v[i]);
	}
	if (n == -1) {
		buf_addf(out, "error: %s\n", err.s);
		goto done;
	}
	if (sqlfile_finish(&f, hex, &err) == -1) {
		buf_addf(out, "error: %s\n", err.s);
		goto done;
	}
	buf_addf(out, "dirs %u sum %s\n", sqlscan_directives(&f.sc), hex);
done:
	sqlfile_close(&f);
	buf_release(&err);
}

/*
 * Whether the results agree.  When the file cannot be read (a NUL byte),
 * the statements before the place are given before the error is seen:
 * only the error must be the same.
 */
static int
agree(const struct buf *got, const struct buf *want)
{
	const char *last;

	if (strncmp(want->s, "error: ", 7) != 0)
		return strcmp(got->s, want->s) == 0;
	last = got->len > 1 ? got->s + got->len - 1 : got->s;
	while (last > got->s && last[-1] != '\n')
		last--;
	return strcmp(last, want->s) == 0;
}

static const size_t chunks[] = { 1, 2, 3, 5, 8, 13, 64, 65536 };
static const size_t maxes[] = { 1, 3, 1024 };

#define NMAXES	(sizeof(maxes) / sizeof(*maxes))

/*
 * Each reading records marks in batches of one size, and a second one
 * checks them in batches of another: the pieces are the same.
 */
static void
compare(const char *path, enum sqldialect d)
{
	struct buf want = BUF_INIT, got = BUF_INIT, name = BUF_INIT;
	struct sqlmarks marks = { NULL, 0, 0 };
	size_t i, j, k;
	int same = 1;

	whole(path, d, &want);
	for (i = 0; i < sizeof(chunks) / sizeof(*chunks); i++)
		for (j = 0; j < NMAXES; j++)
			for (k = 0; k < 2; k++) {
				sqlfile_chunk = chunks[i];
				buf_reset(&got);
				streamed(path, d, maxes[(j + k) % NMAXES],
				    k == 0 ? SQLFILE_MARK : SQLFILE_CHECK,
				    &marks, &got);
				if (agree(&got, &want) || !same)
					continue;
				same = 0;
				printf("# %s: reads of %zu, batches of %zu,"
				    " %s marks:\n# want:\n%s# got:\n%s", path,
				    chunks[i], maxes[(j + k) % NMAXES],
				    k == 0 ? "recording" : "checking", want.s,
				    got.s);
			}
	sqlfile_chunk = 65536;
	buf_addf(&name, "%s streams as it scans whole", path);
	ok(same, name.s);
	sqlfile_marks_release(&marks);
	buf_release(&want);
	buf_release(&got);
	buf_release(&name);
}

static void
write_file(const char *path, const char *s, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(s, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

static void
made(const char *name, const char *s, size_t len, enum sqldialect d)
{
	char path[64];

	snprintf(path, sizeof(path), "unit-sqlfile-%s.sql", name);
	write_file(path, s, len);
	compare(path, d);
	unlink(path);
}

/*
 * A byte of s changed after a first reading took its marks: the second
 * reading fails, and every statement it gave before is one of the first
 * reading, from a piece before the change.
 */
static void
changed(const char *s, size_t len)
{
	static const size_t reads[] = { 64, 4096, 65536 };
	const char *path = "unit-sqlfile-changed.sql", *last;
	struct buf want = BUF_INIT, got = BUF_INIT, name = BUF_INIT;
	struct sqlmarks marks = { NULL, 0, 0 };
	size_t offs[] = { 0, 5000, 70000, len - 1 }, i, j, stmts;
	char *copy = malloc(len);
	int good = 1;

	if (copy == NULL)
		exit(1);
	for (i = 0; i < sizeof(reads) / sizeof(*reads); i++)
		for (j = 0; j < sizeof(offs) / sizeof(*offs); j++) {
			sqlfile_chunk = reads[i];
			write_file(path, s, len);
			buf_reset(&want);
			streamed(path, SQLDIALECT_POSTGRES, 1024,
			    SQLFILE_MARK, &marks, &want);
			memcpy(copy, s, len);
			copy[offs[j]] = s[offs[j]] == 'x' ? 'y' : 'x';
			write_file(path, copy, len);
			buf_reset(&got);
			streamed(path, SQLDIALECT_POSTGRES, 1,
			    SQLFILE_CHECK, &marks, &got);
			last = got.s + got.len - 1;
			while (last > got.s && last[-1] != '\n')
				last--;
			stmts = (size_t)(last - got.s);
			if (strcmp(last, "error: unit-sqlfile-changed.sql"
			    " changed while msr ran it\n") == 0 &&
			    strncmp(got.s, want.s, stmts) == 0)
				continue;
			if (good)
				printf("# reads of %zu, byte %zu changed:\n"
				    "# got:\n%s", reads[i], offs[j], got.s);
			good = 0;
		}
	sqlfile_chunk = 65536;
	unlink(path);
	buf_addf(&name, "a changed piece fails before its statements");
	ok(good, name.s);
	free(copy);
	sqlfile_marks_release(&marks);
	buf_release(&want);
	buf_release(&got);
	buf_release(&name);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, big = BUF_INIT;
	struct dirent *de;
	const char *src;
	char **names = NULL;
	size_t i, n = 0;
	DIR *dp;

	if ((src = getenv("MSRTEST_SRCDIR")) == NULL || *src == '\0')
		src = ".";
	buf_addf(&dir, "%s/t/sqlscan", src);
	if ((dp = opendir(dir.s)) == NULL) {
		perror(dir.s);
		buf_release(&dir);
		return 1;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (names == NULL || (names[n++] = strdup(de->d_name)) ==
		    NULL)
			return 1;
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	ok(n > 20, "the golden files are there");
	for (i = 0; i < n; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir.s, names[i]);
		compare(path.s, strncmp(names[i], "pg-", 3) == 0 ?
		    SQLDIALECT_POSTGRES : SQLDIALECT_SQLITE);
		free(names[i]);
	}
	free(names);

	made("crlf", "CREATE TABLE a (x);\r\nINSERT INTO a VALUES ('x\r\ny');"
	    "\r\r\n-- c\r\n", 53, SQLDIALECT_SQLITE);
	made("bom", "\xEF\xBB\xBF-- msr:no-transaction\nVACUUM;\n", 34,
	    SQLDIALECT_SQLITE);
	made("bom-only", "\xEF\xBB", 2, SQLDIALECT_SQLITE);
	made("empty", "", 0, SQLDIALECT_SQLITE);
	made("cr-end", "SELECT 1;\r", 10, SQLDIALECT_SQLITE);
	made("nul", "SELECT 1;\nSELECT '\0';\n", 21, SQLDIALECT_SQLITE);
	made("unterminated", "SELECT 1;\nSELECT 'abc;\n", 23,
	    SQLDIALECT_POSTGRES);
	/* A long line of statements, and a statement longer than reads. */
	for (i = 0; i < 300; i++)
		buf_addf(&big, "INSERT INTO t VALUES (%zu, 'v%zu'); ", i, i);
	buf_adds(&big, "\nCREATE FUNCTION f() RETURNS int AS $$\n");
	for (i = 0; i < 3000; i++)
		buf_addf(&big, "  -- line %zu; with a semicolon\n", i);
	buf_adds(&big, "SELECT 1; $$ LANGUAGE sql;\nSELECT 2");
	made("big", big.s, big.len, SQLDIALECT_POSTGRES);
	changed(big.s, big.len);

	buf_release(&dir);
	buf_release(&path);
	buf_release(&big);
	return done_testing();
}
