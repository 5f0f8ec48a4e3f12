/*
 * Database URLs as users see them: with every password masked.
 */
#ifndef MSR_URL_H
#define MSR_URL_H

/*
 * Returns a copy of url (a URI or a key=value conninfo string) with the
 * password replaced by "***": the userinfo password of a URI, and the
 * value of every parameter whose name ends in "password" in a URI query
 * or a conninfo string.  The caller frees the result.
 */
char	*url_mask(const char *url);

/* Whether url is for PostgreSQL: postgres://, postgresql://, key=value. */
int	url_is_postgres(const char *url);

/*
 * Returns a copy of a message (from libpq, say) with every piece of the
 * passwords of url and of password (may be NULL) replaced by "***":
 * libpq may quote a badly formed URL in part.  The caller frees it.
 */
char	*url_scrub(const char *msg, const char *url, const char *password);

#endif
