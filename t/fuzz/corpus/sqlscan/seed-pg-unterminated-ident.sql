SELECT "a""b" FROM t;
SELECT "unclosed FROM t;
