CREATE FUNCTION add(a integer, b integer) RETURNS integer
    LANGUAGE SQL IMMUTABLE
    RETURN a + b;

CREATE OR REPLACE PROCEDURE insert_data(a integer, b integer)
LANGUAGE SQL
BEGIN ATOMIC
  INSERT INTO tbl VALUES (a);
  SELECT CASE WHEN b > 0 THEN 1 ELSE 0 END;
  INSERT INTO tbl VALUES (b);
END;

CREATE FUNCTION empty() RETURNS void LANGUAGE SQL BEGIN ATOMIC END;
create function lower_case() returns int language sql
begin atomic; select 1; end;
SELECT 'BEGIN ATOMIC'; BEGIN; COMMIT;
