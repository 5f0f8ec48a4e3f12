ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_positive;
