-- not: drop-index-concurrently, set-not-null
ALTER TABLE payments DROP CONSTRAINT payments_order_fk;
DROP INDEX payments_order_id_idx;
DROP TABLE payments;
