-- not: drop-column
ALTER TABLE users DROP COLUMN IF EXISTS display_name;
