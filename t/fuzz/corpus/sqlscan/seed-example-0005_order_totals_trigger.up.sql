CREATE TABLE customer_totals (
	customer_id	INTEGER PRIMARY KEY REFERENCES customers (id),
	orders		INTEGER NOT NULL DEFAULT 0,
	total_cents	INTEGER NOT NULL DEFAULT 0
);

-- Semicolons inside the trigger body do not end the statement.
CREATE TRIGGER orders_count AFTER INSERT ON orders
BEGIN
	INSERT OR IGNORE INTO customer_totals (customer_id)
		VALUES (NEW.customer_id);
	UPDATE customer_totals
	   SET orders = orders + 1,
	       total_cents = total_cents + NEW.total_cents
	 WHERE customer_id = NEW.customer_id;
END;
