CREATE TABLE order_notes (id bigint, order_id bigint, body text);
