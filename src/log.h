/*
 * Diagnostics on stderr, data on stdout.  Only the command layer calls
 * these; modules below it report through error buffers.  Messages and
 * JSON strings are written with every password masked (url_mask()).
 */
#ifndef MSR_LOG_H
#define MSR_LOG_H

#include <stdio.h>

enum log_level {
	LOG_QUIET,	/* errors only */
	LOG_NORMAL,	/* errors, warnings, progress */
	LOG_VERBOSE	/* and details */
};

extern enum log_level log_level;
extern int log_json;	/* events as JSON lines on stdout */

/*
 * Colour of the labels: 1 always, 0 never, -1 when stderr is a terminal,
 * TERM is not dumb and NO_COLOR is unset or empty (the default).
 */
void	log_colour(int);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_verbose(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Continuation lines of a message: no prefix, indented. */
void	log_more(const char *, ...) __attribute__((format(printf, 1, 2)));

struct buf;
/* Appends s as a JSON string, quotes and escapes included. */
void	log_json_str(struct buf *, const char *s);

/*
 * When log_json is set, prints one JSON object on stdout:
 * {"event":EVENT,"time":...,"run_id":RUN,KEY:VALUE...}, without run_id
 * when run is NULL or "".  The arguments after the event
 * are key/value string pairs ending with NULL; a key that starts with '#'
 * has a number as its value (its text is copied as is) and a NULL value
 * is written as null.
 */
void	log_event(const char *run, const char *event, ...);

/*
 * The command itself runs: what it prints is its output, and its errors
 * are its own.  Before, an error is found in the options, the
 * configuration, the migration files, the connection or the lock.
 */
void	log_command_runs(void);
/*
 * The end of a command that exits with rc: when log_json is set, rc is
 * not 0, no event was printed and the command did not run, the first
 * error said (or "failed"), for the event "error", to be freed; else
 * NULL.
 */
char	*log_end(int rc);

#endif
