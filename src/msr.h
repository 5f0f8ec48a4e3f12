/*
 * Exit codes: the contract with scripts, documented under EXIT STATUS in
 * msr.1.
 */
#ifndef MSR_MSR_H
#define MSR_MSR_H

enum msr_exit {
	MSR_OK = 0,		/* success, or nothing to do */
	MSR_EFAILED = 1,	/* a migration failed */
	MSR_EUSAGE = 2,		/* usage, configuration or file error */
	MSR_ECONNECT = 3,	/* cannot connect or authenticate */
	MSR_ELOCK = 4,		/* lock not acquired within the timeout */
	MSR_ESTATE = 5,		/* database not in the expected state */
	MSR_EINTR = 130,	/* SIGINT */
	MSR_ETERM = 143		/* SIGTERM */
};

#endif
