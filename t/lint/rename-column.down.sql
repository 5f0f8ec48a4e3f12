-- not: rename
ALTER TABLE customers RENAME COLUMN phone_number TO phone;
