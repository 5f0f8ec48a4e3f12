/*
 * Who holds a lock table row, and whether that holder is provably gone.
 * The row's holder text is a line for people, "pid 1234 on web1 since
 * 2026-11-23T10:00:00Z", and, from msr 0.2 on, a second line that says
 * which process on which boot of which machine took the lock:
 *
 *	msr-holder boot=UUID pidns=INODE pid=PID start=TICKS host=HOST
 *
 * boot is /proc/sys/kernel/random/boot_id, pidns the inode of
 * /proc/self/ns/pid, start field 22 of /proc/self/stat.
 */
#ifndef MSR_HOLDER_H
#define MSR_HOLDER_H

struct buf;

enum holder_verdict {
	HOLDER_GONE,		/* provably ended: its row may be freed */
	HOLDER_RUNS,		/* the holder still runs */
	HOLDER_UNKNOWN		/* msr cannot tell from here */
};

/*
 * Appends the second line, "\nmsr-holder ...", for this process on host
 * (the text of the host name as the first line has it); nothing when
 * /proc does not tell all of it, and the row then never counts as gone.
 */
void	holder_proof(struct buf *b, const char *host);

/* Appends the line for people of a holder text: up to its first newline. */
void	holder_text(struct buf *b, const char *row);

/*
 * Whether the holder of the lock row text row is provably gone, judged
 * from this process on host: gone only when the row was taken on the
 * same host, boot and pid namespace as this process, and its pid does
 * not run or runs with another start time.  why gets the reason, a
 * phrase such as "pid 1234 no longer runs on web1".
 */
enum holder_verdict holder_judge(const char *row, const char *host,
	    struct buf *why);

#endif
