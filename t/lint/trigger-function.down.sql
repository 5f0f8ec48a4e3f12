DROP TRIGGER IF EXISTS orders_touch ON orders;
DROP FUNCTION IF EXISTS touch_updated_at();
