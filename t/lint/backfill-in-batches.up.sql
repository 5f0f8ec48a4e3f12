-- not: update-without-where, ddl-with-backfill
UPDATE users SET display_name = name
WHERE display_name IS NULL AND id BETWEEN 1 AND 50000;
