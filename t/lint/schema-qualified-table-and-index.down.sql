-- not: drop-index-concurrently
DROP INDEX billing.invoices_customer_id_idx;
DROP TABLE billing.invoices;
