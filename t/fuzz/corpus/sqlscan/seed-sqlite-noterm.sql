CREATE TABLE t (a INTEGER);

INSERT INTO t VALUES (1) -- no semicolon
   /* and a comment */
