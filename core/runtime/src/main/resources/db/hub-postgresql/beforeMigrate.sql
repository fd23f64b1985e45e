-- Run by Flyway before the hub's migrations on PostgreSQL only (db/hub holds the migrations of both databases).
-- The first migrations were written for H2 and name the type CLOB, which PostgreSQL does not have: a domain of that
-- name over text lets the same, already applied migration files run unchanged on both.
-- Flyway runs this before it takes its lock, so nodes starting at once on a new database may all try to create the
-- domain: the one that loses the race sees unique_violation on PostgreSQL's catalogue, not duplicate_object.
DO $$
BEGIN
    CREATE DOMAIN clob AS text;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
