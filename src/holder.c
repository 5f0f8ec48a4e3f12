/*
 * Who holds a lock table row: the proof line that track_lock_try()
 * writes under the holder's description, and the judgement of lock
 * release on whether that holder is gone.  Only a process on the same
 * boot of the same host and in the same pid namespace can look its pid
 * up; anything else cannot be proven gone.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "holder.h"
#include "xmalloc.h"

#define PROOF	"\nmsr-holder "

/* A process as the proof line names it. */
struct ident {
	char			 boot[64];
	unsigned long long	 pidns;
	long			 pid;
	unsigned long long	 start;
	const char		*host;
};

/*
 * The state and start time (fields 3 and 22) of /proc/NAME/stat, and
 * its pid (field 1); -1 with errno.
 */
static int
proc_stat(const char *name, long *pid, char *state, unsigned long long *start)
{
	char path[64], text[1024], *p, *end;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%s/stat", name);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	*pid = strtol(text, NULL, 10);
	/* The command name, in parentheses, may hold anything. */
	if ((p = strrchr(text, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		goto bad;
	*state = p[2];
	p += 3;
	for (i = 4; i < 22; i++) {
		if ((p = strchr(p + 1, ' ')) == NULL)
			goto bad;
	}
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	if (end == p + 1 || (*end != ' ' && *end != '\n' && *end != '\0') ||
	    errno != 0)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* This process; -1 with the reason in why. */
static int
self(struct ident *id, const char *host, struct buf *why)
{
	struct stat st;
	long pid;
	size_t n;
	char state;
	FILE *f;

	memset(id, 0, sizeof(*id));
	id->host = host;
	id->pid = (long)getpid();
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) == NULL) {
		buf_addf(why, "/proc/sys/kernel/random/boot_id: %s",
		    strerror(errno));
		return -1;
	}
	n = fread(id->boot, 1, sizeof(id->boot) - 1, f);
	fclose(f);
	id->boot[n] = '\0';
	id->boot[strcspn(id->boot, " \n")] = '\0';
	if (id->boot[0] == '\0') {
		buf_adds(why, "/proc/sys/kernel/random/boot_id is empty");
		return -1;
	}
	if (stat("/proc/self/ns/pid", &st) == -1) {
		buf_addf(why, "/proc/self/ns/pid: %s", strerror(errno));
		return -1;
	}
	id->pidns = (unsigned long long)st.st_ino;
	if (proc_stat("self", &pid, &state, &id->start) == -1) {
		buf_addf(why, "/proc/self/stat: %s", strerror(errno));
		return -1;
	}
	/* A /proc of another pid namespace knows other processes. */
	if (pid != id->pid) {
		buf_addf(why, "/proc belongs to another pid namespace: it"
		    " calls this process %ld, not %ld", pid, id->pid);
		return -1;
	}
	return 0;
}

void
holder_proof(struct buf *b, const char *host)
{
	struct buf why = BUF_INIT;
	struct ident id;

	if (self(&id, host, &why) == 0)
		buf_addf(b, PROOF "boot=%s pidns=%llu pid=%ld start=%llu"
		    " host=%s", id.boot, id.pidns, id.pid, id.start, host);
	buf_release(&why);
}

void
holder_text(struct buf *b, const char *row)
{
	buf_add(b, row, strcspn(row, "\n"));
}

/* A number after "name=" at *p, then a space; advances *p. */
static int
field(const char **p, const char *name, unsigned long long *v)
{
	size_t n = strlen(name);
	char *end;

	if (strncmp(*p, name, n) != 0 || (*p)[n] != '=' ||
	    (*p)[n + 1] < '0' || (*p)[n + 1] > '9')
		return -1;
	errno = 0;
	*v = strtoull(*p + n + 1, &end, 10);
	if (errno != 0 || *end != ' ')
		return -1;
	*p = end + 1;
	return 0;
}

/* The proof line of a row; -1 when it has none or it is malformed. */
static int
parse(const char *row, struct ident *id, char **host)
{
	const char *p = strstr(row, PROOF), *e;
	unsigned long long pid;
	size_t n;

	memset(id, 0, sizeof(*id));
	if (p == NULL)
		return -1;
	p += strlen(PROOF);
	if (strncmp(p, "boot=", 5) != 0)
		return -1;
	p += 5;
	n = strcspn(p, " \n");
	if (n == 0 || n >= sizeof(id->boot) || p[n] != ' ')
		return -1;
	memcpy(id->boot, p, n);
	p += n + 1;
	if (field(&p, "pidns", &id->pidns) == -1 ||
	    field(&p, "pid", &pid) == -1 || pid == 0 || pid > 0x7fffffff ||
	    field(&p, "start", &id->start) == -1 ||
	    strncmp(p, "host=", 5) != 0)
		return -1;
	id->pid = (long)pid;
	p += 5;
	e = p + strcspn(p, "\n");
	*host = xstrndup(p, (size_t)(e - p));
	return 0;
}

enum holder_verdict
holder_judge(const char *row, const char *host, struct buf *why)
{
	struct ident me, it;
	struct buf err = BUF_INIT;
	unsigned long long start;
	enum holder_verdict v = HOLDER_UNKNOWN;
	char *its_host = NULL, name[24], state;
	long pid;

	if (parse(row, &it, &its_host) == -1) {
		buf_adds(why, "the row does not say on which boot and in"
		    " which pid namespace its holder ran, as msr before 0.2"
		    " and rows written by hand do not");
		goto done;
	}
	if (strcmp(its_host, host) != 0) {
		buf_addf(why, "it was taken on host %s, and msr on %s cannot"
		    " see the processes of another host", its_host, host);
		goto done;
	}
	if (self(&me, host, &err) == -1) {
		buf_addf(why, "msr cannot tell which boot and pid namespace"
		    " it runs in: %s", err.s);
		goto done;
	}
	if (strcmp(it.boot, me.boot) != 0) {
		buf_addf(why, "it was taken during another boot (boot id %s,"
		    " now %s): %s restarted since, or another machine has"
		    " the same host name", it.boot, me.boot, host);
		goto done;
	}
	if (it.pidns != me.pidns) {
		buf_addf(why, "it was taken in another pid namespace"
		    " (pid:[%llu], this msr runs in pid:[%llu]), a container"
		    " or unshare, whose pid %ld is not pid %ld here", it.pidns,
		    me.pidns, it.pid, it.pid);
		goto done;
	}
	if (kill((pid_t)it.pid, 0) == -1 && errno == ESRCH) {
		buf_addf(why, "pid %ld no longer runs on %s", it.pid, host);
		v = HOLDER_GONE;
		goto done;
	}
	snprintf(name, sizeof(name), "%ld", it.pid);
	if (proc_stat(name, &pid, &state, &start) == -1) {
		if (errno == ENOENT) {
			buf_addf(why, "pid %ld no longer runs on %s", it.pid,
			    host);
			v = HOLDER_GONE;
		} else
			buf_addf(why, "pid %ld runs on %s, and msr cannot"
			    " read its start time from /proc/%ld/stat: %s",
			    it.pid, host, it.pid, strerror(errno));
	} else if (start != it.start) {
		buf_addf(why, "pid %ld on %s is another process now, which"
		    " started at another time", it.pid, host);
		v = HOLDER_GONE;
	} else if (state == 'Z' || state == 'X') {
		buf_addf(why, "pid %ld on %s has exited", it.pid, host);
		v = HOLDER_GONE;
	} else {
		buf_addf(why, "pid %ld still runs on %s: it is the process"
		    " that took the lock", it.pid, host);
		v = HOLDER_RUNS;
	}
done:
	free(its_host);
	buf_release(&err);
	return v;
}
