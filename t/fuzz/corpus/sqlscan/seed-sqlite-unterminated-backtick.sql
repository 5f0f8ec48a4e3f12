SELECT `a``b` FROM t;
  SELECT 1, `unclosed;
