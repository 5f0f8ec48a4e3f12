-- Rebuild a table; VACUUM cannot run in a transaction.
--msr:no-transaction
--   msr:no-transaction   
/* msr:not-a-directive in a block comment */
-- msr:lint-ignore retrysafe
VACUUM;
