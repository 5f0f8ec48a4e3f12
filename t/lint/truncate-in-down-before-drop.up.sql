CREATE TABLE import_errors (line int, message text);
