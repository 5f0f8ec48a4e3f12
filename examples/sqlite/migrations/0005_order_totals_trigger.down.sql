DROP TRIGGER IF EXISTS orders_count;
DROP TABLE IF EXISTS customer_totals;
