-- msr:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_slug_key
    ON accounts (slug);
