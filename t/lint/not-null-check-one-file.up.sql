-- not: set-not-null, constraint-not-valid
-- The way the advice of set-not-null gives, in one file: the scan runs
-- under VALIDATE's weaker lock, and SET NOT NULL then uses the check.
ALTER TABLE users ADD CONSTRAINT users_display_name_not_null
    CHECK (display_name IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_display_name_not_null;
ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_display_name_not_null;
