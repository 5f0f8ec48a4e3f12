-- The tracking tables of msr, for SQLite.
--
-- msr creates them on first use when they do not exist, and names them
-- main.NAME in every statement, so that a migration's TEMP table of the
-- same name cannot take their rows.  To use other names, set
-- [migrations] table: msr puts that name in place of msr_migrations,
-- and the name with "_log" or "_lock" added in place of
-- msr_migrations_log and msr_migrations_lock.

-- One row per applied, or partly applied, migration.
CREATE TABLE IF NOT EXISTS msr_migrations (
	version		TEXT PRIMARY KEY,	-- digits, no leading zeros
	name		TEXT NOT NULL,
	checksum	TEXT NOT NULL,		-- SHA-256 of the file, hex
	state		TEXT NOT NULL DEFAULT 'applied'
			    CHECK (state IN ('applied', 'partial')),
	statements_done	INTEGER NOT NULL DEFAULT 0,	-- for 'partial'
	applied_at	TEXT NOT NULL,		-- UTC, ISO 8601
	execution_ms	INTEGER NOT NULL DEFAULT 0,
	applied_by	TEXT,			-- database user
	os_user		TEXT,			-- user@host of msr
	seq		INTEGER NOT NULL,	-- order of application
	origin		TEXT			-- msr, baseline or adopted:TOOL;
						-- NULL (rows of 0.1): msr
) WITHOUT ROWID;

-- One row per action that changed the schema or the tracking table.
CREATE TABLE IF NOT EXISTS msr_migrations_log (
	id		INTEGER PRIMARY KEY,	-- the highest id + 1
	at		TEXT NOT NULL,		-- UTC, ISO 8601
	action		TEXT NOT NULL,		-- up, down, baseline, repair,
						-- forget
	version		TEXT,
	name		TEXT,
	outcome		TEXT NOT NULL,		-- ok, failed, partial
	message		TEXT,
	execution_ms	INTEGER,
	db_user		TEXT,
	os_user		TEXT,
	run_id		TEXT			-- the run, 32 hex digits
);

-- The lock of [lock] method = table: one row while an msr works.
CREATE TABLE IF NOT EXISTS msr_migrations_lock (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	holder		TEXT NOT NULL,		-- pid, host and since
	since		TEXT NOT NULL		-- UTC, ISO 8601
);
