-- not: constraint-not-valid, ddl-with-backfill
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
