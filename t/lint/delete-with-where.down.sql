INSERT INTO feature_flags (name, enabled) VALUES ('old_checkout', false),
    ('beta_search', false);
