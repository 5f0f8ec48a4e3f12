-- not: delete-without-where
DELETE FROM feature_flags WHERE name IN ('old_checkout', 'beta_search');
