DELETE FROM orders WHERE customer_id IN (1, 2);
DELETE FROM customers WHERE id IN (1, 2);
