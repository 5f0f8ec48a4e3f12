-- not: add-column-not-null
ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT false,
    ADD COLUMN login_count integer NOT NULL DEFAULT 0;
