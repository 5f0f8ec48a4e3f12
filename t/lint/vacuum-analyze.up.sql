-- msr:no-transaction
-- not: vacuum-full, non-idempotent
VACUUM (ANALYZE) events;
