-- not: constraint-using-index
ALTER TABLE events ADD CONSTRAINT events_pkey
    PRIMARY KEY USING INDEX events_id_key;
