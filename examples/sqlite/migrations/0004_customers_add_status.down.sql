PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE customers_old (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	created_at	TEXT NOT NULL DEFAULT (datetime('now'))
);
INSERT INTO customers_old (id, email, name, created_at)
	SELECT id, email, name, created_at FROM customers;
DROP TABLE IF EXISTS customers;
ALTER TABLE customers_old RENAME TO customers;

COMMIT;

PRAGMA foreign_keys = ON;
