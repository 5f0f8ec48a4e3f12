-- not: add-column-not-null
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'users' AND column_name = 'tz') THEN
        ALTER TABLE users ADD COLUMN tz text NOT NULL;
    END IF;
END
$$;
