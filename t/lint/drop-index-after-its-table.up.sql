CREATE TABLE carts (id bigint, user_id bigint);
CREATE INDEX carts_user_id_idx ON carts (user_id);
