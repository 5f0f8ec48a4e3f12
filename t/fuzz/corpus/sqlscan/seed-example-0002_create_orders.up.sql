CREATE TABLE orders (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	total_cents	INTEGER NOT NULL CHECK (total_cents >= 0),
	placed_at	TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX orders_customer_id ON orders (customer_id);
