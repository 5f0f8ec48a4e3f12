ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_slug_key;
