-- not: rename
ALTER TABLE orders RENAME CONSTRAINT orders_cust_fk TO orders_customer_fk;
