/*
 * Unit tests of password masking in database URLs.
 */
#include "buildconf.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "url.h"

static void
mask(const char *url, const char *want)
{
	char *got = url_mask(url);

	is_str(got, want, url);
	ok(strstr(got, "s3cret") == NULL, "no secret left");
	free(got);
}

static void
scrub(const char *msg, const char *url, const char *secret)
{
	char *got = url_scrub(msg, url, NULL);
	char desc[256];

	snprintf(desc, sizeof(desc), "scrub of '%s' hides '%s'", url, secret);
	if (!ok(strstr(got, secret) == NULL, desc))
		printf("#   got: %s\n", got);
	free(got);
}

int
main(void)
{
	mask("postgres://app:s3cret@db:5432/app",
	    "postgres://app:***@db:5432/app");
	mask("postgresql://app:s3cret@db/app?sslmode=require",
	    "postgresql://app:***@db/app?sslmode=require");
	mask("postgres://app:s3c@ret@db/app", "postgres://app:***@db/app");
	mask("postgres://app:s3c:ret@db/app", "postgres://app:***@db/app");
	mask("postgres://app:s3cr/et@db/app", "postgres://app:***@db/app");
	mask("postgres://db/app?user=app&password=s3cret&sslmode=require",
	    "postgres://db/app?user=app&password=***&sslmode=require");
	mask("postgres://db/app?sslpassword=s3cret",
	    "postgres://db/app?sslpassword=***");
	mask("host=db user=app password=s3cret dbname=app",
	    "host=db user=app password=*** dbname=app");
	mask("host=db password = 's3cret with spaces' dbname=app",
	    "host=db password = *** dbname=app");
	mask("host=db password='s3c\\'ret' dbname=app",
	    "host=db password=*** dbname=app");
	mask("password=s3cret", "password=***");
	mask("postgres://app@db/app", "postgres://app@db/app");
	mask("sqlite:app.db", "sqlite:app.db");
	mask("sqlite:///var/lib/app.db", "sqlite:///var/lib/app.db");
	mask("", "");
	/* An '@' in the query does not end a user part. */
	mask("postgres://db:5432/db?application_name=a@b&password=s3cret",
	    "postgres://db:5432/db?application_name=a@b&password=***");
	mask("postgres://app@db/db?x&sslpassword=s3cret&y:5@32",
	    "postgres://app@db/db?x&sslpassword=***&y:5@32");
	/* libpq would take the '/' for the end of the host: hidden too. */
	mask("postgres://u:pa/ss@db/app", "postgres://u:***@db/app");
	/* Malformed URIs and percent-encoded keys. */
	mask("postgres:/u:s3cret@h/db", "postgres:/u:***@h/db");
	mask("postgres:u:s3cret@h/db", "postgres:u:***@h/db");
	mask("POSTGRES://u:s3cret@h/db", "POSTGRES://u:***@h/db");
	mask("postgres://h/db?pass%77ord=s3cret&x=1",
	    "postgres://h/db?pass%77ord=***&x=1");
	mask("postgres://h/db?%70assword=s3cret", "postgres://h/db?%70assword=***");
	mask("host=h PassWord = s3cret", "host=h PassWord = ***");
	mask("host=h password=s3\\cret x", "host=h password=*** x");
	/* Anywhere in a message; the message stays readable. */
	mask("--table: invalid value 'postgres://u:s3cret@h/db' for 'x'",
	    "--table: invalid value 'postgres://u:***@h/db' for 'x'");
	mask("cannot read 'host=h password=s3cret': No such file",
	    "cannot read 'host=h password=***': No such file");
	mask("bad 'postgres://h/db?password=s3cret', then",
	    "bad 'postgres://h/db?password=***', then");
	mask("url 'host=h password='s3 cret' x': bad",
	    "url 'host=h password=*** x': bad");
	mask("x: postgres://h/db?password=*** y", "x: postgres://h/db?password=*** y");
	/* Paths, positions and numbers are left alone. */
	mask("m/0001_a.up.sql:3:5: near 'a@b'", "m/0001_a.up.sql:3:5: near 'a@b'");
	mask("sqlite:/tmp/a:b.db", "sqlite:/tmp/a:b.db");
	mask("invalid value '12x' for 'lock.timeout'",
	    "invalid value '12x' for 'lock.timeout'");
	mask("postgres://h:5432/db: role \"a@b\" does not exist",
	    "postgres://h:5432/db: role \"a@b\" does not exist");
	scrub("invalid percent-encoded token: \"s3%63ret\"",
	    "postgres://u:s3%63ret@h/db", "s3%63ret");
	scrub("bad s3cret", "postgres://h/db?password=s3%63ret", "s3cret");
	scrub("invalid: ab'cd s3cret",
	    "postgres://app:ab'cd@db/db?application_name=a@b", "ab'cd");
	scrub("bad ab'cd", "host=db password='ab\\'cd' dbname=app", "ab'cd");
	scrub("p@ss failed for s3cret@127.0.0.1",
	    "postgres://u:p@ss s3cret@127.0.0.1/x", "s3cret");
	return done_testing();
}
