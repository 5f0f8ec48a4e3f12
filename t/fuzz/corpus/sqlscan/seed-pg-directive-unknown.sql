-- A typo must not silently run in a transaction.
-- msr:no-transacton
CREATE INDEX CONCURRENTLY idx ON t (a);
