-- not: update-without-where
UPDATE notes SET title = trim(title);
