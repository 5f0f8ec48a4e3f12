CREATE TABLE IF NOT EXISTS scratch (x integer);
VACUUM;
