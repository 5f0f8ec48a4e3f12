-- not: alter-column-type
CREATE TABLE coupons (code varchar(16) PRIMARY KEY, percent int);
ALTER TABLE coupons ALTER COLUMN code TYPE varchar(32);
