-- not: create-index-concurrently
CREATE SCHEMA IF NOT EXISTS billing;
CREATE TABLE billing.invoices (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL,
    due_on date NOT NULL
);
CREATE INDEX invoices_customer_id_idx ON billing.invoices (customer_id);
