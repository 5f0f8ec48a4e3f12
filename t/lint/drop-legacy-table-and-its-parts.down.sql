CREATE TABLE legacy_orders (id bigint PRIMARY KEY);
