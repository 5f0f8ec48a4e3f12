SELECT 1;
INSERT INTO t VALUES ('fine', 'it''s
not closed);
SELECT 2;
