-- not: update-without-where
WITH batch AS (
    SELECT id FROM orders WHERE total_cents IS NULL ORDER BY id LIMIT 10000
)
UPDATE orders o SET total_cents = (o.total * 100)::bigint
FROM batch WHERE o.id = batch.id;
