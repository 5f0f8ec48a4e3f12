-- Two customers that the demo application expects.
INSERT INTO customers (id, email, name) VALUES
	(1, 'ada@example.org', 'Ada Lovelace'),
	(2, 'grace@example.org', 'Grace Hopper');
INSERT INTO orders (customer_id, total_cents) VALUES (1, 1250), (2, 990);
