INSERT INTO t VALUES ('it''s; fine');
INSERT INTO t VALUES (E'it\'s; escaped', e'tab\t; \\');
INSERT INTO t VALUES (E'\\', 'after');
SELECT U&'d\0061t\+000061; ok', U&"d;x";
SELECT "ident;with;semis", "a""b;c" FROM "x;y";
SELECT 'a\' AS backslash_is_ordinary;
SELECT 'one'
    'continued;';
SELECT name'x', E'', '';
