/*
 * Who holds a lock table row: the proof line that track_lock_try()
 * writes under the holder's description.
 */
#include "buildconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "holder.h"

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
