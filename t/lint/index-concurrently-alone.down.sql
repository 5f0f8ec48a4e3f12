-- not: no-transaction-directive
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
