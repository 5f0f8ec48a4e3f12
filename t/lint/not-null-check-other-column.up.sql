-- A validated check of another column, or of another table, or one
-- that is not validated, does not spare the scan.
ALTER TABLE users ADD CONSTRAINT users_email_not_null
    CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_nick_not_null
    CHECK (nick IS NOT NULL) NOT VALID;
ALTER TABLE users ALTER COLUMN nick SET NOT NULL;
