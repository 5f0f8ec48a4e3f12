SELECT [a;b], `c;d` FROM t;
SELECT [unclosed FROM t;
