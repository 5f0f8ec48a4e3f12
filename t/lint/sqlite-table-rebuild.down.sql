-- not: add-column-not-null
ALTER TABLE notes DROP COLUMN body;
