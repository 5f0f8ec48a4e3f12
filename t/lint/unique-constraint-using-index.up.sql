-- not: constraint-using-index
ALTER TABLE accounts ADD CONSTRAINT accounts_slug_key
    UNIQUE USING INDEX accounts_slug_key;
