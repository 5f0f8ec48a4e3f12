-- not: delete-without-where, ddl-with-backfill
WITH expired AS (
    DELETE FROM sessions WHERE expires_at < now() - interval '30 days'
    RETURNING id, user_id
)
INSERT INTO session_archive (id, user_id)
SELECT id, user_id FROM expired;
