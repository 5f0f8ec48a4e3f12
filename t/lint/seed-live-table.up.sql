-- not: ddl-with-backfill
INSERT INTO plans (code, price_cents) VALUES ('pro', 2900), ('team', 9900)
ON CONFLICT (code) DO NOTHING;
