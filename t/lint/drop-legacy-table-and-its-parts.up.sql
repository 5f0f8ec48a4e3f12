-- not: drop-column, drop-index-concurrently
ALTER TABLE legacy_orders DROP COLUMN coupon_code;
ALTER TABLE legacy_orders DROP CONSTRAINT legacy_orders_customer_fk;
DROP TABLE legacy_orders;
