CREATE TABLE t (a INTEGER);
INSERT INTO t VALUES (1);
INSERT INTO t -- msr:frobnicate now
  VALUES (2);
