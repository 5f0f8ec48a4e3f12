-- not: constraint-not-valid, set-not-null
ALTER TABLE users ADD CONSTRAINT users_display_name_not_null
    CHECK (display_name IS NOT NULL) NOT VALID;
