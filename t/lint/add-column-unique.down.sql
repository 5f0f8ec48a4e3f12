ALTER TABLE customers DROP COLUMN IF EXISTS external_id;
