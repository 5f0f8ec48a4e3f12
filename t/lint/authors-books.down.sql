-- not: drop-index-concurrently, down-incomplete
ALTER TABLE books DROP CONSTRAINT IF EXISTS books_author_fk;
DROP INDEX IF EXISTS books_author_id_idx;
DROP TABLE IF EXISTS books;
DROP TABLE IF EXISTS authors;
