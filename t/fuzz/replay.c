/*
 * Runs a fuzz target on saved inputs without libFuzzer, for make check:
 * each argument is a file or a directory of files, each file one input
 * to LLVMFuzzerTestOneInput(), each a TAP test "ok N - FILE".  Without
 * arguments it runs $MSRTEST_SRCDIR/t/fuzz/corpus/FUZZ_CORPUS and the
 * files named FUZZ_CORPUS-* in $MSRTEST_SRCDIR/t/fuzz/crashes.  A target
 * that finds a broken property aborts: the test reports "not ok" for the
 * file it was running, and the plan never comes.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The corpus of the target linked in, under t/fuzz/corpus. */
#ifdef FUZZ_CORPUS
static const char *const	 corpus = FUZZ_CORPUS;
#else
static const char *const	 corpus = NULL;
#endif

static volatile int		 ntests;
static int			 nfailed;
static const char *volatile	 current;

/* Writes s to stdout from a signal handler. */
static void
put(const char *s)
{
	ssize_t	n;

	n = write(STDOUT_FILENO, s, strlen(s));
	(void)n;
}

static void
on_abort(int sig)
{
	char	num[16];
	int	i = (int)sizeof(num) - 1, n = ntests;

	if (current != NULL) {
		num[i] = '\0';
		do
			num[--i] = (char)('0' + n % 10);
		while ((n /= 10) > 0 && i > 0);
		put("not ok ");
		put(num + i);
		put(" - ");
		put(current);
		put("\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
read_all(const char *path, struct buf *b)
{
	FILE	*fp;
	char	 chunk[8192];
	size_t	 n;
	int	 rc;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(b, chunk, n);
	rc = ferror(fp) ? -1 : 0;
	fclose(fp);
	return rc;
}

static void
replay_file(const char *path)
{
	struct buf	 text = BUF_INIT;
	uint8_t		*copy;

	ntests++;
	if (read_all(path, &text) == -1) {
		printf("not ok %d - %s: %s\n", ntests, path, strerror(errno));
		nfailed++;
		buf_release(&text);
		return;
	}
	/* An exact copy, so reads past the end show under ASan. */
	if ((copy = malloc(text.len > 0 ? text.len : 1)) == NULL) {
		perror("replay");
		exit(1);
	}
	memcpy(copy, text.s, text.len);
	fflush(stdout);
	current = path;
	LLVMFuzzerTestOneInput(copy, text.len);
	current = NULL;
	printf("ok %d - %s\n", ntests, path);
	free(copy);
	buf_release(&text);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays path, or the files in it whose names start with prefix. */
static void
replay(const char *path, const char *prefix)
{
	struct stat	 st;
	struct strlist	 names = STRLIST_INIT;
	struct dirent	*de;
	DIR		*dir;
	size_t		 i;

	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	if ((dir = opendir(path)) == NULL) {
		printf("not ok %d - %s: %s\n", ++ntests, path, strerror(errno));
		nfailed++;
		return;
	}
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.' && strncmp(de->d_name, prefix,
		    strlen(prefix)) == 0)
			strlist_addf(&names, "%s/%s", path, de->d_name);
	closedir(dir);
	if (names.n > 0)
		qsort(names.v, names.n, sizeof(*names.v), by_name);
	for (i = 0; i < names.n; i++)
		replay(names.v[i], "");
	strlist_release(&names);
}

int
main(int argc, char **argv)
{
	struct buf	 dir = BUF_INIT, pre = BUF_INIT;
	const char	*src;
#ifdef FUZZ_SEEDS
	const char	*seeds;
	size_t		 n;
#endif
	int		 i;

	signal(SIGABRT, on_abort);
	if (argc < 2 && corpus == NULL) {
		fprintf(stderr, "usage: %s file|directory ...\n", argv[0]);
		return 2;
	}
	if (argc < 2) {
		if ((src = getenv("MSRTEST_SRCDIR")) == NULL || *src == '\0')
			src = ".";
		buf_addf(&dir, "%s/t/fuzz/corpus/%s", src, corpus);
		replay(dir.s, "");
		/* The inputs that once broke it, fixed since. */
		buf_reset(&dir);
		buf_addf(&dir, "%s/t/fuzz/crashes", src);
		buf_reset(&pre);
		buf_addf(&pre, "%s-", corpus);
		replay(dir.s, pre.s);
#ifdef FUZZ_SEEDS
		/* Seeds that live elsewhere in the tree, not copied here:
		 * directories separated by spaces. */
		for (seeds = FUZZ_SEEDS; *seeds != '\0'; seeds += n) {
			seeds += strspn(seeds, " ");
			if ((n = strcspn(seeds, " ")) == 0)
				break;
			buf_reset(&dir);
			buf_addf(&dir, "%s/%.*s", src, (int)n, seeds);
			replay(dir.s, "");
		}
#endif
		buf_release(&dir);
		buf_release(&pre);
	}
	for (i = 1; i < argc; i++)
		replay(argv[i], "");
	printf("1..%d\n", ntests);
	if (fflush(stdout) == EOF || ferror(stdout))
		return 1;
	return nfailed != 0;
}
