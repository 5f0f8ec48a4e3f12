ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
