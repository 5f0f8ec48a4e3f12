-- msr:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
ALTER TABLE orders DROP COLUMN IF EXISTS status;
