CREATE TRIGGER set_updated AFTER UPDATE ON items
BEGIN
    UPDATE items SET updated_at = CASE WHEN new.x > 0 THEN 1 ELSE 0 END
        WHERE id = new.id;
    INSERT OR IGNORE INTO log VALUES ('end; begin');
END;

create temp trigger t2 before delete on items begin
    select case old.id when 1 then raise(abort, 'no') end;
    delete from other where id = old.id; -- end;
end;

CREATE TEMPORARY TRIGGER IF NOT EXISTS t3 AFTER INSERT ON items
BEGIN SELECT 1; END ;

EXPLAIN CREATE TRIGGER t4 AFTER INSERT ON items BEGIN SELECT 1; END;
CREATE TABLE "trigger" (x);
SELECT 'CREATE TRIGGER'; SELECT 2;
/* CREATE TRIGGER x BEGIN */ SELECT 3; SELECT 4;
CREATE TRIGGER t5 AFTER INSERT ON items BEGIN
    SELECT 1;
    END
