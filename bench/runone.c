/*
 * runone: runs a command and reports what it cost, for bench.py.
 *
 *	runone RESULTFILE TIMEOUT PROGRAM [ARG...]
 *
 * Runs PROGRAM with the standard input, output and error it was given,
 * kills it after TIMEOUT seconds, and writes one line to RESULTFILE:
 *
 *	STATUS WALL USER SYS MAXRSS TIMEDOUT
 *
 * the exit status (minus the signal number when a signal ended it), the
 * wall time, user and system CPU in seconds, the peak resident set size
 * in KiB from wait4(), and 1 when the time limit killed it.
 *
 * It exists because Linux counts in a child's ru_maxrss the memory of the
 * process it was forked from, up to its exec: forked from the python
 * driver, which is larger than the 12 MiB msr must stay under, a child
 * would report the driver's size.  This program is a few hundred KiB.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;
static volatile sig_atomic_t timed_out;

static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child > 0)
		kill(child, SIGKILL);
}

/* Killed itself: the child goes too, and its result is still written. */
static void
on_term(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec t0, t1;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st, status;

	if (argc < 4) {
		fprintf(stderr, "usage: runone RESULTFILE TIMEOUT PROGRAM"
		    " [ARG...]\n");
		return 127;
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == -1) {
		perror("runone: fork");
		return 127;
	}
	if (pid == 0) {
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "runone: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	child = pid;
	alarm((unsigned)atoi(argv[2]));
	while (wait4(pid, &st, 0, &ru) == -1) {
		if (errno != EINTR) {
			perror("runone: wait4");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	if ((f = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 127;
	}
	fprintf(f, "%d %.6f %.6f %.6f %ld %d\n", status,
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
	    ru.ru_maxrss, (int)timed_out);
	if (fclose(f) == EOF) {
		perror(argv[1]);
		return 127;
	}
	return 0;
}
