CREATE TABLE customers (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	created_at	TEXT NOT NULL DEFAULT (datetime('now'))
);
