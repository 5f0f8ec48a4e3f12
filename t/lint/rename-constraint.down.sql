ALTER TABLE orders RENAME CONSTRAINT orders_customer_fk TO orders_cust_fk;
