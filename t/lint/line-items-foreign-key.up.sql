-- not: down-incomplete, constraint-not-valid
CREATE TABLE line_items (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0)
);
CREATE INDEX line_items_order_id_idx ON line_items (order_id);
