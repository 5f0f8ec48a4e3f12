-- msr:no-transaction
-- not: create-index-concurrently, no-transaction-directive, non-idempotent
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx
    ON orders (created_at);
