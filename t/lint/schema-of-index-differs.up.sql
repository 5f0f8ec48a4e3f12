CREATE TABLE billing.credit_notes (id bigint, invoice_id bigint);
CREATE INDEX credit_notes_invoice_idx ON billing.credit_notes (invoice_id);
