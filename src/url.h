/*
 * Database URLs as users see them: with every password masked.
 */
#ifndef MSR_URL_H
#define MSR_URL_H

/*
 * Returns a copy of text with every password replaced by "***": text may
 * be a URL (a URI or a key=value conninfo string) or a message holding
 * any number of them.  Hidden are the user info password of a URI of any
 * scheme (and of postgres:user:password@ and postgres:/user:password@),
 * and the value of every parameter whose name, percent-decoded, ends in
 * "password" in any case, in a URI query or a conninfo string.  This is
 * the one function through which msr shows what it was given.  The
 * caller frees the result.
 */
char	*url_mask(const char *url);
/* url_mask, cut to BUF_ECHO_MAX characters: a command-line argument. */
char	*url_mask_arg(const char *arg);

/* Whether url is for PostgreSQL: postgres://, postgresql://, key=value. */
int	url_is_postgres(const char *url);

/*
 * Returns a copy of a message (from libpq, say) with every piece of the
 * passwords of url and of password (may be NULL) replaced by "***":
 * libpq may quote a badly formed URL in part.  The caller frees it.
 */
char	*url_scrub(const char *msg, const char *url, const char *password);

#endif
