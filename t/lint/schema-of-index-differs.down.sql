DROP INDEX IF EXISTS archive.credit_notes_invoice_idx;
DROP TABLE IF EXISTS billing.credit_notes;
