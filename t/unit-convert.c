/*
 * Unit tests of the names of other tools' migration files: the version
 * and name msr gives each, and the ones it cannot convert.
 */
#include "buildconf.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "convert.h"
#include "tap.h"

static void
name_ok(enum convert_tool t, const char *fname, enum convkind kind,
    const char *version, const char *vtext, const char *name)
{
	struct buf why = BUF_INIT;
	struct convname cn;
	char got[256], desc[300];

	convert_name(t, fname, &cn, &why);
	snprintf(desc, sizeof(desc), "%s: %s", convert_tool_name(t), fname);
	if (!is_int(cn.kind, kind, desc)) {
		printf("#   why: %s\n", why.s);
		buf_release(&why);
		return;
	}
	snprintf(got, sizeof(got), "%.*s", (int)cn.namelen,
	    cn.namelen > 0 ? cn.name : "");
	is_str(cn.version, version, "canonical version");
	is_str(cn.vtext, vtext, "version as written");
	is_str(got, name, "name");
	buf_release(&why);
}

static void
name_none(enum convert_tool t, const char *fname)
{
	struct buf why = BUF_INIT;
	struct convname cn;
	char desc[300];

	convert_name(t, fname, &cn, &why);
	snprintf(desc, sizeof(desc), "%s: %s is not its file",
	    convert_tool_name(t), fname);
	is_int(cn.kind, CONVKIND_NONE, desc);
	buf_release(&why);
}

static void
name_bad(enum convert_tool t, const char *fname, const char *reason)
{
	struct buf why = BUF_INIT;
	struct convname cn;
	char desc[300];

	convert_name(t, fname, &cn, &why);
	snprintf(desc, sizeof(desc), "%s: %s cannot be converted",
	    convert_tool_name(t), fname);
	is_int(cn.kind, CONVKIND_BAD, desc);
	snprintf(desc, sizeof(desc), "%s: reason mentions '%s'", fname,
	    reason);
	if (!ok(strstr(why.s, reason) != NULL, desc))
		printf("#   why: %s\n", why.s);
	buf_release(&why);
}

int
main(void)
{
	struct buf err = BUF_INIT;
	enum convert_tool t;

	name_ok(CONVERT_DBMATE, "20151129054053_create_users.sql",
	    CONVKIND_UP, "20151129054053", "20151129054053", "create_users");
	name_ok(CONVERT_DBMATE, "0007_x.sql", CONVKIND_UP, "7", "0007", "x");
	name_ok(CONVERT_DBMATE, "3.sql", CONVKIND_UP, "3", "3", "");
	name_none(CONVERT_DBMATE, "create_users.sql");
	name_none(CONVERT_DBMATE, "1_x.sql.bak");
	name_bad(CONVERT_DBMATE, "123456789012345678901234567890123_x.sql",
	    "33 digits");

	name_ok(CONVERT_GOOSE, "00001_create_users.sql", CONVKIND_UP, "1",
	    "00001", "create_users");
	name_ok(CONVERT_GOOSE, "20230101120000_add.sql", CONVKIND_UP,
	    "20230101120000", "20230101120000", "add");
	name_bad(CONVERT_GOOSE, "00002_backfill.go", "a Go migration");
	name_none(CONVERT_GOOSE, "00002_backfill_test.go");
	name_bad(CONVERT_GOOSE, "0_zero.sql", "start at 1");
	name_bad(CONVERT_GOOSE, "1a_x.sql", "not a number");
	name_bad(CONVERT_GOOSE, "init.sql", "no '_'");
	name_none(CONVERT_GOOSE, "README.md");

	name_ok(CONVERT_SQLMIGRATE, "1_init.sql", CONVKIND_UP, "1", "1",
	    "init");
	name_ok(CONVERT_SQLMIGRATE, "20200101120000-add_users.sql",
	    CONVKIND_UP, "20200101120000", "20200101120000", "add_users");
	name_ok(CONVERT_SQLMIGRATE, "0003init.sql", CONVKIND_UP, "3",
	    "0003", "init");
	name_bad(CONVERT_SQLMIGRATE, "init.sql", "does not start with a"
	    " number");

	name_ok(CONVERT_FLYWAY, "V1__create_users.sql", CONVKIND_UP, "1",
	    "1", "create_users");
	name_ok(CONVERT_FLYWAY, "V002__add.sql", CONVKIND_UP, "2", "002",
	    "add");
	name_ok(CONVERT_FLYWAY, "U002__add.sql", CONVKIND_DOWN, "2", "002",
	    "add");
	name_bad(CONVERT_FLYWAY, "V1.1__x.sql", "several parts");
	name_bad(CONVERT_FLYWAY, "V1_1__x.sql", "several parts");
	name_bad(CONVERT_FLYWAY, "R__views.sql", "repeatable");
	name_bad(CONVERT_FLYWAY, "B5__baseline.sql", "baseline");
	name_bad(CONVERT_FLYWAY, "V3x__x.sql", "not a number");
	name_bad(CONVERT_FLYWAY, "V3.sql", "no '__'");
	name_none(CONVERT_FLYWAY, "V1__x.sql.conf");
	name_none(CONVERT_FLYWAY, "afterMigrate.sql");

	ok(convert_tool_find("sql-migrate", &t, &err) == 0 &&
	    t == CONVERT_SQLMIGRATE, "sql-migrate is a tool");
	ok(convert_tool_find("golang-migrate", &t, &err) == -1 &&
	    strstr(err.s, "pairs already") != NULL,
	    "golang-migrate is told that msr reads its sets");
	buf_reset(&err);
	ok(convert_tool_find("Flyway", &t, &err) == -1 &&
	    strstr(err.s, "unknown tool 'Flyway'") != NULL,
	    "tool names are lower case");
	buf_release(&err);
	return done_testing();
}
