-- The usual shape of a hand-written SQLite migration.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE new_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO new_items SELECT id, name FROM items;
DROP TABLE items;
ALTER TABLE new_items RENAME TO items;
COMMIT;
PRAGMA foreign_keys=ON;
