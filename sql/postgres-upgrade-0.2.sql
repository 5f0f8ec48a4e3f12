-- The columns that msr 0.2 added to its tracking tables, for PostgreSQL
-- tables made by msr 0.1 or from its postgres.sql.
--
-- msr adds them itself, in the transaction of its first change, when
-- its role owns the tables.  When a DBA made the tables and msr may
-- only read and write their rows, msr works without the columns, says
-- once per run what it does not record, and a DBA runs this file, as
-- the owner of the tables or a superuser, with the tables' schema
-- first in search_path, for example:
--
--	psql -d app -c 'SET search_path = msr' -f postgres-upgrade-0.2.sql
--
-- or with the schema written before each table name.  For tables named
-- by [migrations] table, put that name in place of msr_migrations, and
-- the name with "_log" added in place of msr_migrations_log.  Running
-- the file again changes nothing.

-- Where a row came from: msr (it ran the migration), baseline, or
-- adopted:TOOL.  NULL, in rows of 0.1, means msr.
ALTER TABLE msr_migrations ADD COLUMN IF NOT EXISTS origin text;

-- The run of msr that wrote the audit row: 32 hexadecimal digits.
ALTER TABLE msr_migrations_log ADD COLUMN IF NOT EXISTS run_id text;
