-- not: constraint-not-valid, constraint-using-index
CREATE TABLE payments (
    id bigint NOT NULL,
    order_id bigint NOT NULL,
    amount_cents bigint NOT NULL
);
ALTER TABLE payments ADD CONSTRAINT payments_pkey PRIMARY KEY (id);
ALTER TABLE payments ADD CONSTRAINT payments_order_fk
    FOREIGN KEY (order_id) REFERENCES orders (id);
CREATE INDEX payments_order_id_idx ON payments (order_id);
