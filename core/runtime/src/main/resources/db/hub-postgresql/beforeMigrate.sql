-- Run by Flyway before the hub's migrations on PostgreSQL only (db/hub holds the migrations of both databases).
-- The first migrations were written for H2 and name the type CLOB, which PostgreSQL does not have: a domain of that
-- name over text lets the same, already applied migration files run unchanged on both.
DO $$
BEGIN
    CREATE DOMAIN clob AS text;
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$$;
