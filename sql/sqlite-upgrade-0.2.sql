-- The columns that msr 0.2 added to its tracking tables, for SQLite
-- tables made by msr 0.1 or from its sqlite.sql.
--
-- msr adds them itself, in the transaction of its first change.  To
-- add them by hand, run each statement of a column that the table
-- lacks (SQLite has no ADD COLUMN IF NOT EXISTS, and refuses a column
-- that is there already), for example:
--
--	sqlite3 app.db < sqlite-upgrade-0.2.sql
--
-- For tables named by [migrations] table, put that name in place of
-- msr_migrations, and the name with "_log" added in place of
-- msr_migrations_log.

-- Where a row came from: msr (it ran the migration), baseline, or
-- adopted:TOOL.  NULL, in rows of 0.1, means msr.
ALTER TABLE msr_migrations ADD COLUMN origin TEXT;

-- The run of msr that wrote the audit row: 32 hexadecimal digits.
ALTER TABLE msr_migrations_log ADD COLUMN run_id TEXT;
