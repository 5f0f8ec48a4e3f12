PREPARE q (int, text) AS SELECT $1, $2 WHERE x = $1;
SELECT foo$bar, foo$$, a$b$c FROM t$1;
SELECT $ , 1;
SELECT $1$x;
SELECT $_x$ a; b $_x$, $ö$ ; $ö$;
