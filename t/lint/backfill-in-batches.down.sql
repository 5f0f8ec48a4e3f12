-- The backfill is not undone: display_name is dropped by its own down.
SELECT 1;
