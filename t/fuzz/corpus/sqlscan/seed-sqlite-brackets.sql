CREATE TABLE [my;table] ([a b;c] INTEGER, `d;e` TEXT);
SELECT [x]]y;
