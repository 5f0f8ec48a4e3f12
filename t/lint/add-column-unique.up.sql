ALTER TABLE customers ADD COLUMN external_id text UNIQUE;
