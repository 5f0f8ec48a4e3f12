/* outer /* inner; */ SELECT 'not a comment in SQLite';
SELECT 1; -- a comment; with semicolons;
SELECT 2 /* trailing; */ ;
/**/ SELECT 3 /* a * b / c ; **/;
SELECT 4 -- comment
  + 5;
