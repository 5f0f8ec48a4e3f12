-- msr:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_paid_at_idx;
