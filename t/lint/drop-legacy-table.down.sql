CREATE TABLE legacy_carts (id bigint PRIMARY KEY, data jsonb);
