INSERT INTO t VALUES ('it''s; fine');
SELECT 'a\' AS backslash;
SELECT e'x;y';
SELECT "ident;with;semis", "a""b;c" FROM "x;y";
SELECT x'00FF', X'';
