ALTER TABLE customers RENAME TO customer;
