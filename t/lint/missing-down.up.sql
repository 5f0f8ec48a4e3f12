-- not: down-incomplete
CREATE TABLE webhooks (id bigserial PRIMARY KEY, url text NOT NULL);
