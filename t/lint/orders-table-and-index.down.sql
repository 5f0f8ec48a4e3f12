-- not: drop-index-concurrently
DROP INDEX orders_x;
DROP TABLE orders;
