DROP INDEX IF EXISTS orders_note_count_idx;
DROP TABLE IF EXISTS order_notes;
