DELETE FROM feature_flags;
