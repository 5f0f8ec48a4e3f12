-- not: add-column-not-null
ALTER TABLE audit_log
    ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;
