/* outer /* inner; */ still a comment; */
SELECT 1; -- a comment; with semicolons;
SELECT 2 /* trailing; */ ;
SELECT /* in the middle; */ 3;
/**/ SELECT 4 /* a * b / c ; **/;
SELECT 5 - -1, 6 -/**/- 2, '--' || '/*';
-- last comment without newline; EOF
-- no newline at the end; 