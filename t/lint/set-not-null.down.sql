-- not: set-not-null
ALTER TABLE users ALTER COLUMN display_name DROP NOT NULL;
