DROP TABLE IF EXISTS carts;
DROP INDEX IF EXISTS carts_user_id_idx;
