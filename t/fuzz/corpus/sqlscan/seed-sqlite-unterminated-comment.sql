SELECT 1;
/* outer /* inner */ SELECT 2;
   /* never closed; SELECT 3;
