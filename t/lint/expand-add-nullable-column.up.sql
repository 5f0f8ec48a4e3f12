-- not: add-column-not-null, constraint-using-index
ALTER TABLE users ADD COLUMN display_name text;
