DROP TRIGGER orders_count;
DROP TABLE customer_totals;
