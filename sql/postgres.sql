-- The tracking tables of msr, for PostgreSQL.
--
-- msr creates them on first use when they do not exist, in the schema
-- set by [migrations] schema or else the current schema; once they
-- exist, msr finds them in the first schema of search_path that holds
-- them, and names them with that schema in every statement, so that a
-- migration's SET search_path or TEMP table cannot move them.  A DBA can
-- create them ahead of time for a migration role that may not create
-- tables; that role then needs SELECT, INSERT, UPDATE and DELETE on all
-- three.  To use other names, set [migrations] table: msr puts that name
-- in place of msr_migrations, and the name with "_log" or "_lock" added
-- in place of msr_migrations_log and msr_migrations_lock.

-- One row per applied, or partly applied, migration.
CREATE TABLE IF NOT EXISTS msr_migrations (
	version		text PRIMARY KEY,	-- digits, no leading zeros
	name		text NOT NULL,
	checksum	text NOT NULL,		-- SHA-256 of the file, hex
	state		text NOT NULL DEFAULT 'applied'
			    CHECK (state IN ('applied', 'partial')),
	statements_done	integer NOT NULL DEFAULT 0,	-- for 'partial'
	applied_at	timestamptz NOT NULL,
	execution_ms	bigint NOT NULL DEFAULT 0,
	applied_by	text,			-- database user
	os_user		text,			-- user@host of msr
	seq		bigint NOT NULL,	-- order of application
	origin		text			-- msr, baseline or adopted:TOOL;
						-- NULL (rows of 0.1): msr
);

-- One row per action that changed the schema or the tracking table.
CREATE TABLE IF NOT EXISTS msr_migrations_log (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL,
	action		text NOT NULL,		-- up, down, baseline, repair,
						-- forget
	version		text,
	name		text,
	outcome		text NOT NULL,		-- ok, failed, partial
	message		text,
	execution_ms	bigint,
	db_user		text,
	os_user		text,
	run_id		text			-- the run, 32 hex digits
);

-- The lock of [lock] method = table: one row while an msr works.  It
-- works through PgBouncer in transaction pooling mode, where a session
-- lock would not.
CREATE TABLE IF NOT EXISTS msr_migrations_lock (
	id		integer PRIMARY KEY CHECK (id = 1),
	holder		text NOT NULL,		-- pid, host and since
	since		timestamptz NOT NULL
);
