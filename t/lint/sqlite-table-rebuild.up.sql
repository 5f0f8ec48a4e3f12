-- not: drop-table, no-transaction-directive, down-incomplete
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE notes_new (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
INSERT INTO notes_new (id, title) SELECT id, title FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
COMMIT;
PRAGMA foreign_keys = ON;
