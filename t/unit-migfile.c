/*
 * Unit tests of migration file names and versions.
 */
#include "buildconf.h"

#include <string.h>

#include "buf.h"
#include "migfile.h"
#include "tap.h"

static void
name_ok(const char *fname, const char *version, const char *vtext,
    const char *name, enum migdir dir)
{
	struct buf err = BUF_INIT;
	struct migname mn;
	char got[256];
	int rc;

	rc = migfile_parse_name(fname, &mn, &err);
	if (!ok(rc == 0, fname)) {
		printf("#   error: %s\n", err.s);
		buf_release(&err);
		return;
	}
	snprintf(got, sizeof(got), "%.*s", (int)mn.namelen, mn.name);
	is_str(mn.version, version, "canonical version");
	is_str(mn.vtext, vtext, "version as written");
	is_str(got, name, "name");
	is_int(mn.dir, dir, "direction");
	buf_release(&err);
}

static void
name_bad(const char *fname, const char *why)
{
	struct buf err = BUF_INIT;
	struct migname mn;
	char desc[256];

	snprintf(desc, sizeof(desc), "'%s' is not a migration name", fname);
	ok(migfile_parse_name(fname, &mn, &err) == -1, desc);
	snprintf(desc, sizeof(desc), "'%s': reason mentions '%s'", fname,
	    why);
	ok(strstr(err.s, why) != NULL, desc);
	buf_release(&err);
}

int
main(void)
{
	char v[MIGFILE_VERSION_MAX + 1];

	name_ok("1_init.up.sql", "1", "1", "init", MIGDIR_UP);
	name_ok("0007_add_users.down.sql", "7", "0007", "add_users",
	    MIGDIR_DOWN);
	name_ok("V202501150100_add_users.up.sql", "202501150100",
	    "202501150100", "add_users", MIGDIR_UP);
	name_ok("0000_zero.up.sql", "0", "0000", "zero", MIGDIR_UP);
	name_ok("20250115010000123456_ts.up.sql", "20250115010000123456",
	    "20250115010000123456", "ts", MIGDIR_UP);
	name_ok("12345678901234567890123456789012_max.up.sql",
	    "12345678901234567890123456789012",
	    "12345678901234567890123456789012", "max", MIGDIR_UP);
	name_ok("3_with.dots.up.sql", "3", "3", "with.dots", MIGDIR_UP);
	name_ok("20240813211251_passkey_backup_flags..up.sql",
	    "20240813211251", "20240813211251", "passkey_backup_flags.",
	    MIGDIR_UP);
	name_ok("7_a.down.up.sql", "7", "7", "a.down", MIGDIR_UP);
	name_ok("7_a.up.down.sql", "7", "7", "a.up", MIGDIR_DOWN);

	name_bad("_up.sql", "version");
	name_bad("..up.sql", "version");
	name_bad("abc_x.up.sql", "version");
	name_bad("0001.up.sql", "'_'");
	name_bad("0001_.up.sql", "empty name");
	name_bad("0001_x.sql", ".up.sql");
	name_bad("0001_x.UP.sql", ".up.sql");
	name_bad("123456789012345678901234567890123_long.up.sql", "32");
	name_bad("v1_lower.up.sql", "version");

	ok(migfile_vercmp("9", "10") < 0, "9 sorts before 10");
	ok(migfile_vercmp("10", "9") > 0, "10 sorts after 9");
	ok(migfile_vercmp("11", "11") == 0, "equal versions");
	ok(migfile_vercmp("20250115010000123456", "99999999999999999999") < 0,
	    "20-digit versions compare as numbers");
	ok(migfile_vercmp("100000000000000000000", "99999999999999999999") > 0,
	    "21 digits beat 20");

	ok(migfile_parse_version("0011", v) == 0 && strcmp(v, "11") == 0,
	    "--to 0011 is version 11");
	ok(migfile_parse_version("V12", v) == 0 && strcmp(v, "12") == 0,
	    "--to V12 is version 12");
	ok(migfile_parse_version("000", v) == 0 && strcmp(v, "0") == 0,
	    "000 is version 0");
	ok(migfile_parse_version("", v) == -1, "empty version is invalid");
	ok(migfile_parse_version("12a", v) == -1, "12a is invalid");
	ok(migfile_parse_version("-1", v) == -1, "-1 is invalid");
	ok(migfile_parse_version(
	    "123456789012345678901234567890123", v) == -1,
	    "33 digits are too many");
	return done_testing();
}
