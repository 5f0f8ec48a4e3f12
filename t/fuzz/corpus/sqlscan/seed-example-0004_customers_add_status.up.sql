-- SQLite cannot add a CHECK constraint to an existing column, so the
-- table is rebuilt.  Foreign keys are switched off around the rebuild,
-- which has no effect inside a transaction: that is why the file holds
-- its own BEGIN ... COMMIT block with the PRAGMAs outside it.
PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE customers_new (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	status		TEXT NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'suspended')),
	created_at	TEXT NOT NULL DEFAULT (datetime('now'))
);
INSERT INTO customers_new (id, email, name, created_at)
	SELECT id, email, name, created_at FROM customers;
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;

COMMIT;

PRAGMA foreign_keys = ON;
