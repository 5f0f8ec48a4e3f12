DROP TABLE IF EXISTS legacy_carts;
