-- msr:lint-ignore
CREATE TABLE t (a INTEGER);
  -- msr:no-transaction
VACUUM;
