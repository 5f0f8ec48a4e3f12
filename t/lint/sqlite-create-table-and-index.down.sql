-- not: drop-index-concurrently
DROP INDEX notes_created_at;
DROP TABLE notes;
