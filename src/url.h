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

#endif
