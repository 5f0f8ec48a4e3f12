-- not: truncate
TRUNCATE import_errors;
DROP TABLE IF EXISTS import_errors;
