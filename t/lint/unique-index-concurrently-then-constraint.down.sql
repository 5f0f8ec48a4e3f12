-- msr:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS accounts_slug_key;
