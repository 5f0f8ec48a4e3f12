/*
 * Unit tests for sqlscan.c: golden files, then direct checks.
 *
 * Each t/sqlscan/NAME.sql is scanned and rendered as text that must equal
 * t/sqlscan/NAME.expect.  The dialect comes from the file name: "pg-*"
 * is PostgreSQL, "sqlite-*" SQLite.  The rendering has one line per
 * statement:
 *
 *	LINE:COL KIND[ retry][ session][ notx(WHAT)][ noterm] |TEXT|
 *
 * KIND is OTHER, BEGIN, COMMIT, ROLLBACK or SAVEPOINT; "retry" is
 * SQLF_RETRYSAFE, "session" SQLF_SESSION, "notx(WHAT)" SQLF_NOTX with
 * its notx_what, "noterm" a last statement without ';'.  TEXT runs
 * from start to end, with newline, tab, CR and backslash shown as \n,
 * \t, \r and \\; text longer than 64 bytes shows its first 40 and last
 * 20 bytes around "...".
 * After the statements comes "directives: no-transaction" when the
 * directive was seen, and "error: MESSAGE" when scanning failed.
 *
 * The source tree is $MSRTEST_SRCDIR ("." when unset).  MSRTEST_SQLSCAN_REGEN=1
 * rewrites the .expect files from the results, for review with git diff.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sqlscan.h"
#include "tap.h"

static const char *const kinds[] = {
	"OTHER", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT"
};

static void
render_text(struct buf *out, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (len > 64 && i == 40) {
			buf_adds(out, "...");
			i = len - 20;
		}
		switch (s[i]) {
		case '\n':
			buf_adds(out, "\\n");
			break;
		case '\t':
			buf_adds(out, "\\t");
			break;
		case '\r':
			buf_adds(out, "\\r");
			break;
		case '\\':
			buf_adds(out, "\\\\");
			break;
		default:
			buf_addch(out, (unsigned char)s[i]);
			break;
		}
	}
}

/*
 * Scans text and renders the result; returns how many statements broke
 * the invariants of struct sqlstmt.
 */
static int
render(struct buf *out, const char *text, size_t len, enum sqldialect d)
{
	struct sqlscan	 s;
	struct sqlstmt	 st;
	struct buf	 err = BUF_INIT;
	size_t		 last = 0;
	unsigned	 line, col;
	int		 r, bad = 0;

	sqlscan_init(&s, text, len, d);
	while ((r = sqlscan_next(&s, &st, &err)) == 1) {
		sqlscan_position(text, len, st.start, &line, &col);
		if (st.start < last || st.start >= st.end ||
		    st.end > st.next || st.next > len ||
		    (st.next != st.end && text[st.next - 1] != ';') ||
		    line != st.line || col != st.col ||
		    ((st.flags & SQLF_NOTX) != 0) != (st.notx_what != NULL))
			bad++;
		last = st.next;
		buf_addf(out, "%u:%u %s", st.line, st.col,
		    (unsigned)st.kind < 5 ? kinds[st.kind] : "?");
		if (st.flags & SQLF_RETRYSAFE)
			buf_adds(out, " retry");
		if (st.flags & SQLF_SESSION)
			buf_adds(out, " session");
		if (st.flags & SQLF_NOTX)
			buf_addf(out, " notx(%s)", st.notx_what);
		if (st.next == st.end)
			buf_adds(out, " noterm");
		buf_adds(out, " |");
		render_text(out, text + st.start, st.end - st.start);
		buf_adds(out, "|\n");
	}
	if (sqlscan_directives(&s) & SQLDIR_NOTX)
		buf_adds(out, "directives: no-transaction\n");
	if (r == -1)
		buf_addf(out, "error: %s\n", err.s);
	buf_release(&err);
	return bad;
}

static int
readfile(const char *path, struct buf *b)
{
	FILE	*fp;
	char	 chunk[8192];
	size_t	 n;
	int	 ret;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(b, chunk, n);
	ret = ferror(fp) ? -1 : 0;
	fclose(fp);
	return ret;
}

static int
writefile(const char *path, const struct buf *b)
{
	FILE	*fp;
	int	 ret;

	if ((fp = fopen(path, "wb")) == NULL)
		return -1;
	ret = fwrite(b->s, 1, b->len, fp) == b->len ? 0 : -1;
	if (fclose(fp) != 0)
		ret = -1;
	return ret;
}

/* Prints the first differing line and the whole result, as TAP comments. */
static void
show_diff(const char *got, const char *want)
{
	const char	*g = got, *w = want, *ge, *we;
	int		 line = 1;

	for (;;) {
		ge = strchr(g, '\n');
		we = strchr(w, '\n');
		if (ge == NULL || we == NULL || ge - g != we - w ||
		    memcmp(g, w, ge - g) != 0)
			break;
		g = ge + 1;
		w = we + 1;
		line++;
	}
	printf("#   first difference at line %d\n", line);
	printf("#   got:  %.*s\n", ge ? (int)(ge - g) : (int)strlen(g), g);
	printf("#   want: %.*s\n", we ? (int)(we - w) : (int)strlen(w), w);
	printf("#   whole result:\n");
	for (g = got; *g != '\0'; g = ge + (*ge != '\0')) {
		if ((ge = strchr(g, '\n')) == NULL)
			ge = g + strlen(g);
		printf("#   | %.*s\n", (int)(ge - g), g);
	}
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
golden_one(const char *dir, const char *name, int regen)
{
	struct buf	 path = BUF_INIT, sql = BUF_INIT, want = BUF_INIT;
	struct buf	 got = BUF_INIT, label = BUF_INIT;
	enum sqldialect	 d;
	size_t		 base = strlen(name) - 4;
	int		 bad;

	buf_addf(&label, "golden %s", name);
	if (strncmp(name, "pg-", 3) == 0)
		d = SQLDIALECT_POSTGRES;
	else if (strncmp(name, "sqlite-", 7) == 0)
		d = SQLDIALECT_SQLITE;
	else {
		ok(0, label.s);
		printf("#   name starts with neither pg- nor sqlite-\n");
		goto done;
	}
	buf_addf(&path, "%s/%s", dir, name);
	if (readfile(path.s, &sql) == -1) {
		ok(0, label.s);
		printf("#   cannot read %s\n", path.s);
		goto done;
	}
	bad = render(&got, sql.s, sql.len, d);
	buf_reset(&path);
	buf_addf(&path, "%s/%.*s.expect", dir, (int)base, name);
	if (regen) {
		ok(writefile(path.s, &got) == 0, label.s);
		goto done;
	}
	if (readfile(path.s, &want) == -1) {
		ok(0, label.s);
		printf("#   cannot read %s\n", path.s);
		goto done;
	}
	if (!ok(strcmp(got.s, want.s) == 0, label.s))
		show_diff(got.s, want.s);
	buf_adds(&label, ": offsets and positions");
	is_int(bad, 0, label.s);
done:
	buf_release(&path);
	buf_release(&sql);
	buf_release(&want);
	buf_release(&got);
	buf_release(&label);
}

static void
golden(void)
{
	struct buf	 dir = BUF_INIT;
	const char	*srcdir, *regen;
	struct dirent	*de;
	DIR		*dp;
	char		**names = NULL, **nn;
	size_t		 n = 0, i, len;

	if ((srcdir = getenv("MSRTEST_SRCDIR")) == NULL || *srcdir == '\0')
		srcdir = ".";
	regen = getenv("MSRTEST_SQLSCAN_REGEN");
	buf_addf(&dir, "%s/t/sqlscan", srcdir);
	if (!ok((dp = opendir(dir.s)) != NULL, "open the golden directory")) {
		printf("#   cannot open %s\n", dir.s);
		buf_release(&dir);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof(*names))) == NULL ||
		    (nn[n] = malloc(len + 1)) == NULL) {
			perror("unit-sqlscan");
			exit(1);
		}
		names = nn;
		memcpy(names[n++], de->d_name, len + 1);
	}
	closedir(dp);
	ok(n >= 25, "at least 25 golden files");
	if (n > 0)
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		golden_one(dir.s, names[i], regen != NULL && *regen == '1');
		free(names[i]);
	}
	free(names);
	buf_release(&dir);
}

static void
test_position(void)
{
	static const char	 text[] = "ab\ncd\n\nx";
	static const struct {
		size_t		 off;
		unsigned	 line, col;
	} cases[] = {
		{ 0, 1, 1 }, { 1, 1, 2 }, { 2, 1, 3 }, { 3, 2, 1 },
		{ 5, 2, 3 }, { 6, 3, 1 }, { 7, 4, 1 }, { 8, 4, 2 },
		{ 100, 4, 2 }
	};
	unsigned		 line, col;
	size_t			 i;
	int			 good = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sqlscan_position(text, sizeof(text) - 1, cases[i].off, &line,
		    &col);
		if (line != cases[i].line || col != cases[i].col) {
			printf("#   offset %zu: got %u:%u, want %u:%u\n",
			    cases[i].off, line, col, cases[i].line,
			    cases[i].col);
			good = 0;
		}
	}
	ok(good, "sqlscan_position");
	sqlscan_position("", 0, 0, &line, &col);
	ok(line == 1 && col == 1, "sqlscan_position of an empty text");
}

static void
test_offsets(void)
{
	static const char	 text[] =
	    "  SELECT 1 /* c */ ;  -- c\n\tSELECT\r\n2";
	struct sqlscan		 s;
	struct sqlstmt		 st;
	struct buf		 err = BUF_INIT;

	sqlscan_init(&s, text, sizeof(text) - 1, SQLDIALECT_SQLITE);
	is_int(sqlscan_next(&s, &st, &err), 1, "offsets: first statement");
	is_int(st.start, 2, "offsets: start");
	is_int(st.end, 10, "offsets: end excludes a comment before ';'");
	is_int(st.next, 20, "offsets: next is past ';'");
	is_int(sqlscan_next(&s, &st, &err), 1, "offsets: second statement");
	is_int(st.start, 28, "offsets: start after comment and tab");
	is_int(st.line, 2, "offsets: line");
	is_int(st.col, 2, "offsets: column counts a tab as one byte");
	is_int(st.end, sizeof(text) - 1, "offsets: end at the end");
	is_int(st.next, st.end, "offsets: next == end without ';'");
	is_int(sqlscan_next(&s, &st, &err), 0, "offsets: then the end");
	is_int(sqlscan_next(&s, &st, &err), 0, "offsets: and again");
	is_str(err.s, "", "offsets: no error");
	buf_release(&err);
}

static void
test_errors(void)
{
	static const struct {
		const char	*text;
		enum sqldialect	 d;
		const char	*msg;
	} cases[] = {
		{ "SELECT 1;\n  SELECT 'ab", SQLDIALECT_SQLITE,
		    "2:10: unterminated quoted string" },
		{ "SELECT E'a\\'", SQLDIALECT_POSTGRES,
		    "1:8: unterminated quoted string" },
		{ "SELECT \"a\"\"", SQLDIALECT_POSTGRES,
		    "1:8: unterminated quoted identifier" },
		{ "SELECT [a", SQLDIALECT_SQLITE,
		    "1:8: unterminated quoted identifier" },
		{ "SELECT `a", SQLDIALECT_SQLITE,
		    "1:8: unterminated quoted identifier" },
		{ "SELECT $a$ $b$", SQLDIALECT_POSTGRES,
		    "1:8: unterminated dollar-quoted string" },
		{ "x; /* /* */", SQLDIALECT_POSTGRES,
		    "1:4: unterminated block comment" },
		{ "x; /*/", SQLDIALECT_SQLITE,
		    "1:4: unterminated block comment" },
		{ "\n\n-- msr:nope\n", SQLDIALECT_SQLITE,
		    "3:1: unknown directive 'msr:nope'" }
	};
	struct sqlscan	s;
	struct sqlstmt	st;
	struct buf	err = BUF_INIT, name = BUF_INIT;
	size_t		i;
	int		r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sqlscan_init(&s, cases[i].text, strlen(cases[i].text),
		    cases[i].d);
		while ((r = sqlscan_next(&s, &st, &err)) == 1)
			;
		buf_reset(&name);
		buf_addf(&name, "error %zu: %s", i, cases[i].msg);
		if (is_int(r, -1, name.s))
			is_str(err.s, cases[i].msg, name.s);
		buf_reset(&err);
		buf_adds(&name, " (again)");
		if (is_int(sqlscan_next(&s, &st, &err), -1, name.s))
			is_str(err.s, cases[i].msg, name.s);
		buf_reset(&err);
	}
	buf_release(&err);
	buf_release(&name);
}

/*
 * Scans every prefix of a text full of traps from a buffer of exactly
 * that size, so a read past the end shows under the sanitizers.
 */
static void
test_prefixes(void)
{
	static const char	 text[] =
	    "-- msr:no-transaction\n/* a /* b */ c */ SELECT 'x''y', "
	    "E'\\'', \"q\"\"\", $$a;$$, $t$b$t$, $1, a$b, [c], `d` ;"
	    "CREATE TRIGGER t BEGIN SELECT CASE WHEN 1 THEN 2 END; END;"
	    "CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END;"
	    "e'x' e";
	struct sqlscan		 s;
	struct sqlstmt		 st;
	struct buf		 err = BUF_INIT;
	char			*copy;
	size_t			 len, total = 0;
	int			 d, r;

	for (d = 0; d < 2; d++) {
		for (len = 0; len < sizeof(text); len++) {
			if ((copy = malloc(len ? len : 1)) == NULL) {
				perror("unit-sqlscan");
				exit(1);
			}
			memcpy(copy, text, len);
			sqlscan_init(&s, copy, len, d ? SQLDIALECT_POSTGRES :
			    SQLDIALECT_SQLITE);
			while ((r = sqlscan_next(&s, &st, &err)) == 1)
				total++;
			buf_reset(&err);
			free(copy);
		}
	}
	ok(total > 0, "every prefix scans within its bounds");
	buf_release(&err);
}

/* Many statements: all found, in one pass. */
static void
test_large(void)
{
	struct buf	 text = BUF_INIT, err = BUF_INIT;
	struct sqlscan	 s;
	struct sqlstmt	 st;
	long		 i, n = 0, want = 200000;
	int		 r;

	for (i = 0; i < want; i++)
		buf_addf(&text, "INSERT INTO t VALUES (%ld, 'it''s; %ld', "
		    "$$;$$); -- ;\n", i, i);
	sqlscan_init(&s, text.s, text.len, SQLDIALECT_POSTGRES);
	while ((r = sqlscan_next(&s, &st, &err)) == 1)
		if (++n == want && (st.line != want || st.col != 1))
			break;
	is_int(r, 0, "large: no error");
	is_int(n, want, "large: all statements");
	is_int(st.line, want, "large: line of the last statement");
	buf_release(&text);
	buf_release(&err);
}

/*
 * sqlscan_create_index(): the names as "INDEX ON T1.T2[ ine]" from their
 * tokens, or "" when the statement is not one.
 */
static void
test_create_index(void)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)",
		    "i ON t ine" },
		{ "create unique index concurrently i on only s.t using"
		    " btree (a)", "i ON s.t" },
		{ "CREATE /* c */ UNIQUE INDEX CONCURRENTLY \"I x\" ON\n"
		    "  ONLY \"S\" . -- c\n T (a) WHERE a > 0",
		    "\"I x\" ON \"S\".T" },
		{ "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"a\"\"b\" ON"
		    " d.s.t (a)", "\"a\"\"b\" ON d.s.t ine" },
		{ "CREATE INDEX CONCURRENTLY ON t (a)", "" },
		{ "CREATE INDEX CONCURRENTLY \"on\" ON t (a)", "\"on\" ON t" },
		{ "CREATE INDEX i ON t (a)", "" },
		{ "CREATE INDEX CONCURRENTLY IF EXISTS i ON t (a)", "" },
		{ "CREATE INDEX CONCURRENTLY i ON a.b.c.d (a)", "" },
		{ "CREATE INDEX CONCURRENTLY i ON t.", "" },
		{ "CREATE INDEX CONCURRENTLY i ON ('t')", "" },
		{ "CREATE INDEX CONCURRENTLY i", "" },
		{ "DROP INDEX CONCURRENTLY i", "" },
		{ "SELECT 'CREATE INDEX CONCURRENTLY i ON t (a)'", "" }
	};
	struct sqlscan		 s;
	struct sqlstmt		 st;
	struct sqlindex		 ix;
	struct buf		 err = BUF_INIT, got = BUF_INIT;
	struct buf		 name = BUF_INIT;
	const char		*t;
	size_t			 i;
	int			 k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = cases[i].text;
		sqlscan_init(&s, t, strlen(t), SQLDIALECT_POSTGRES);
		buf_reset(&got);
		if (sqlscan_next(&s, &st, &err) == 1 &&
		    sqlscan_create_index(t, &st, &ix)) {
			buf_add(&got, t + ix.name.start,
			    ix.name.end - ix.name.start);
			buf_adds(&got, " ON ");
			for (k = 0; k < ix.ntable; k++)
				buf_addf(&got, "%s%.*s", k > 0 ? "." : "",
				    (int)(ix.table[k].end - ix.table[k].start),
				    t + ix.table[k].start);
			if (ix.if_not_exists)
				buf_adds(&got, " ine");
		}
		buf_reset(&name);
		buf_addf(&name, "create index %zu: %s", i,
		    cases[i].want[0] != '\0' ? cases[i].want : "none");
		is_str(got.s, cases[i].want, name.s);
	}
	buf_release(&err);
	buf_release(&got);
	buf_release(&name);
}

int
main(void)
{
	golden();
	test_position();
	test_offsets();
	test_errors();
	test_prefixes();
	test_large();
	test_create_index();
	return done_testing();
}
