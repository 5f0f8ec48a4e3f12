/*
 * A minimal TAP producer for the C unit tests: ok(), is_str(), is_int(),
 * then done_testing() as the return value of main().
 */
#ifndef MSR_TAP_H
#define MSR_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_UNUSED __attribute__((unused))

static int TAP_UNUSED
tap_ok(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

static int TAP_UNUSED
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *name)
{
	int cond = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	if (!tap_ok(cond, file, line, name)) {
		printf("#   got:  '%s'\n", got ? got : "(null)");
		printf("#   want: '%s'\n", want ? want : "(null)");
	}
	return cond;
}

static int TAP_UNUSED
tap_is_int(long long got, long long want, const char *file, int line,
    const char *name)
{
	if (!tap_ok(got == want, file, line, name)) {
		printf("#   got:  %lld\n", got);
		printf("#   want: %lld\n", want);
	}
	return got == want;
}

#define ok(c, name)		tap_ok(!!(c), __FILE__, __LINE__, (name))
#define is_str(g, w, name)	tap_is_str((g), (w), __FILE__, __LINE__, (name))
#define is_int(g, w, name)	tap_is_int((g), (w), __FILE__, __LINE__, (name))

static int TAP_UNUSED
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
