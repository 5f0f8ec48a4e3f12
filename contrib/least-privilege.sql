-- contrib/least-privilege.sql: the roles and schemas of the README's
-- "Least privilege" section, for docker-compose.yml.  The postgres
-- image runs it once, as its superuser in the database app
-- (POSTGRES_DB), when it creates the database: docker-compose.yml
-- mounts it into /docker-entrypoint-initdb.d/, and msr's
-- sql/postgres.sql on /usr/share/msr/postgres.sql.  The statements up
-- to the password are the README's, as printed there.
CREATE ROLE migrator LOGIN;
CREATE ROLE app_user LOGIN;
CREATE SCHEMA app AUTHORIZATION migrator;
GRANT USAGE ON SCHEMA app TO app_user;
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA app
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app_user;
ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA app
    GRANT USAGE ON SEQUENCES TO app_user;
CREATE SCHEMA msr;
SET search_path = msr;
\i /usr/share/msr/postgres.sql
GRANT USAGE ON SCHEMA msr TO migrator;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON msr_migrations, msr_migrations_log, msr_migrations_lock TO migrator;

-- migrator's password, from the Docker secret of migrate: psql reads
-- the file, so the password is on no command line.  app_user, which has
-- none yet and so cannot log in, gets one the same way, from a secret
-- of its own, once the application connects as it.
\set migrator_password `cat /run/secrets/migrator_password`
ALTER ROLE migrator PASSWORD :'migrator_password';
\unset migrator_password
