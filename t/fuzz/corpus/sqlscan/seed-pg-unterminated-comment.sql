SELECT 1;
/* outer /* inner */ the outer one is never closed;
SELECT 2;
