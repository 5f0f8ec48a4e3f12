CREATE TABLE authors (
    id bigserial PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE books (
    id bigserial PRIMARY KEY,
    author_id bigint NOT NULL,
    title text NOT NULL
);
CREATE INDEX books_author_id_idx ON books (author_id);
ALTER TABLE books ADD CONSTRAINT books_author_fk
    FOREIGN KEY (author_id) REFERENCES authors (id);
