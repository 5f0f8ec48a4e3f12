SELECT 'ok';
  SELECT E'it\'s';
SELECT E'escaped quote at the end\';
