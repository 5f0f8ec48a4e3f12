/*
 * The lint rules.  Reasons say what goes wrong in production; fixes say
 * what to write instead.  Both are printed after the rule id, so they
 * start in lower case and end without a period.
 */
#include "buildconf.h"

#include <string.h>

#include "rules.h"

const struct ruledef rules[R_NRULES] = {
	[R_NOTX_DIRECTIVE] = { "no-transaction-directive", SEV_ERROR, 0,
	    "this statement cannot run in a transaction, and the file has"
	    " others, so the whole file runs without one, statement by"
	    " statement",
	    "put it in a file of its own, or start this one with"
	    " '-- msr:no-transaction' if that is what it means" },
	[R_NOTX_RETRY] = { "non-idempotent", SEV_ERROR, 0,
	    "the file runs without a transaction, and this statement is not"
	    " safe to run again after an interrupted run",
	    "write it so it can run twice: IF NOT EXISTS, IF EXISTS,"
	    " OR REPLACE, ON CONFLICT DO NOTHING" },
	[R_MISSING_DOWN] = { "missing-down", SEV_WARNING, 0,
	    "there is no down file, so this migration cannot be rolled back",
	    "add a down file that undoes it" },
	[R_DOWN_INCOMPLETE] = { "down-incomplete", SEV_ERROR, 0,
	    "the up file creates this table and the down file does not drop"
	    " it, so the migration cannot be applied again after a rollback",
	    "drop the table in the down file" },
	[R_DOWN_IF_EXISTS] = { "down-drop-if-exists", SEV_WARNING, 0,
	    "a down file may run against a database that its up file only"
	    " partly changed",
	    "use DROP ... IF EXISTS" },
	[R_ADD_COLUMN_NOT_NULL] = { "add-column-not-null", SEV_ERROR, 1,
	    "adding a NOT NULL column without a default fails on a table"
	    " that has rows, and the old application does not set it",
	    "add it with a DEFAULT, or add it nullable, backfill, then"
	    " SET NOT NULL" },
	[R_CREATE_INDEX] = { "create-index-concurrently", SEV_ERROR, 1,
	    "CREATE INDEX blocks writes to the table until the index is"
	    " built",
	    "use CREATE INDEX CONCURRENTLY IF NOT EXISTS, alone in its file"
	    " or in a '-- msr:no-transaction' file; if the build fails, msr"
	    " names the invalid index to drop before it runs again" },
	[R_DROP_INDEX] = { "drop-index-concurrently", SEV_ERROR, 1,
	    "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table, which"
	    " waits for every query on it and blocks the ones behind",
	    "use DROP INDEX CONCURRENTLY IF EXISTS in a"
	    " '-- msr:no-transaction' file" },
	[R_NOT_VALID] = { "constraint-not-valid", SEV_ERROR, 1,
	    "adding a foreign key or check scans the whole table while"
	    " holding a lock that blocks writes",
	    "add it with NOT VALID, then VALIDATE CONSTRAINT in a later"
	    " migration" },
	[R_USING_INDEX] = { "constraint-using-index", SEV_ERROR, 1,
	    "adding a primary key or unique constraint builds its index"
	    " under an ACCESS EXCLUSIVE lock, blocking reads and writes",
	    "build the index with CREATE UNIQUE INDEX CONCURRENTLY, then"
	    " ADD CONSTRAINT ... PRIMARY KEY or UNIQUE USING INDEX" },
	[R_COLUMN_TYPE] = { "alter-column-type", SEV_ERROR, 1,
	    "changing a column's type rewrites the table under an ACCESS"
	    " EXCLUSIVE lock, and may break the running application",
	    "add a new column, backfill it in batches, and switch the"
	    " application over" },
	[R_SET_NOT_NULL] = { "set-not-null", SEV_ERROR, 1,
	    "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE"
	    " lock",
	    "add CHECK (column IS NOT NULL) NOT VALID, validate it, then"
	    " SET NOT NULL" },
	[R_RENAME] = { "rename", SEV_ERROR, 1,
	    "the running application still uses the old name",
	    "add the new name, move the application to it, and drop the old"
	    " one in a later release" },
	[R_DROP_COLUMN] = { "drop-column", SEV_ERROR, 1,
	    "the running application may still read or write this column",
	    "stop using it in the application first, and drop it in a later"
	    " release" },
	[R_DROP_TABLE] = { "drop-table", SEV_ERROR, 1,
	    "the running application may still use this table",
	    "stop using it in the application first, and drop it in a later"
	    " release" },
	[R_UPDATE_ALL] = { "update-without-where", SEV_ERROR, 1,
	    "an UPDATE without WHERE rewrites and locks every row of the"
	    " table in one transaction",
	    "add a WHERE clause, and backfill large tables in batches" },
	[R_DELETE_ALL] = { "delete-without-where", SEV_ERROR, 1,
	    "a DELETE without WHERE removes and locks every row of the"
	    " table in one transaction",
	    "add a WHERE clause, or use TRUNCATE when emptying the table is"
	    " meant" },
	[R_TRUNCATE] = { "truncate", SEV_ERROR, 1,
	    "TRUNCATE empties the table under an ACCESS EXCLUSIVE lock, and"
	    " the running application loses its rows",
	    "delete the rows the migration means in batches with a WHERE"
	    " clause, or drop the table in a later release" },
	[R_VACUUM_FULL] = { "vacuum-full", SEV_ERROR, 1,
	    "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
	    "use plain VACUUM, or rebuild the table online with a dedicated"
	    " tool" },
	[R_CLUSTER] = { "cluster", SEV_ERROR, 1,
	    "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
	    "run it in a maintenance window, outside the migrations" },
	[R_LOCK_TABLE] = { "lock-table", SEV_ERROR, 1,
	    "an explicit table lock blocks the application for the rest of"
	    " the migration",
	    "remove it, or keep the migration short and set"
	    " [postgres] lock_timeout" },
	[R_DDL_BACKFILL] = { "ddl-with-backfill", SEV_WARNING, 1,
	    "the locks taken by this schema change are held while the"
	    " file's data changes run",
	    "put the schema change and the backfill in separate"
	    " migrations" },
};

int
rules_find(const char *name, size_t len)
{
	int i;

	for (i = 0; i < R_NRULES; i++)
		if (strlen(rules[i].id) == len &&
		    memcmp(rules[i].id, name, len) == 0)
			return i;
	return -1;
}

int
rules_parse(const char *list, ruleset *set, const char **bad,
    size_t *badlen)
{
	const char *p = list;
	size_t n;
	int r;

	*set = 0;
	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t");
		if ((r = rules_find(p, n)) == -1) {
			*bad = p;
			*badlen = n;
			return -1;
		}
		*set |= RULE_BIT(r);
		p += n;
	}
}
