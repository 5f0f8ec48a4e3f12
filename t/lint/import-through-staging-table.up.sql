-- not: drop-table, truncate, ddl-with-backfill
CREATE TABLE staging_products (sku text, name text, price_cents bigint);
INSERT INTO staging_products VALUES ('A-1', 'Anvil', 1999), ('B-2', 'Bolt', 25);
INSERT INTO products (sku, name, price_cents)
SELECT sku, name, price_cents FROM staging_products
ON CONFLICT (sku) DO NOTHING;
TRUNCATE staging_products;
DROP TABLE staging_products;
