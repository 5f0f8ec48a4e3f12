-- not: ddl-with-backfill, update-without-where
CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
INSERT INTO countries (code, name) VALUES ('DE', 'Germany'), ('FR', 'France');
UPDATE countries SET name = upper(name);
