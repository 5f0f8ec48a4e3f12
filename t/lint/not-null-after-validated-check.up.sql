ALTER TABLE users VALIDATE CONSTRAINT users_display_name_not_null;
-- msr:lint-ignore set-not-null: the validated check above spares the scan
ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_display_name_not_null;
