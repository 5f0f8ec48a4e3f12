-- not: create-index-concurrently
CREATE TABLE orders (id int, x int);
CREATE INDEX orders_x ON orders (x);
