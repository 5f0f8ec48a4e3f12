WITH gone AS (DELETE FROM login_attempts RETURNING user_id)
INSERT INTO login_attempt_counts (user_id, n)
SELECT user_id, count(*) FROM gone GROUP BY user_id;
