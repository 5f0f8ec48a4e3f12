-- PL/pgSQL bodies hold semicolons inside dollar quotes.
CREATE FUNCTION add_one(i integer) RETURNS integer AS $$
BEGIN
    RETURN i + 1;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
    n integer := 0;
BEGIN
    INSERT INTO audit_log VALUES (now(), TG_OP);
    RETURN NEW;
END;
$body$;

CREATE FUNCTION outer_fn() RETURNS text AS $b$
BEGIN
    EXECUTE $a$ SELECT 'x;y' $a$;
    RETURN $a$ $b $ $$ ; $a$;
END;
$b$ LANGUAGE plpgsql;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app') THEN
        CREATE ROLE app;
    END IF;
END
$$;

DO LANGUAGE plpgsql $do$ BEGIN PERFORM 1; END $do$;
SELECT $$a$$, $Tag_9$b;$Tag_9$, $tag$ $TAG$ ; $tag$;
