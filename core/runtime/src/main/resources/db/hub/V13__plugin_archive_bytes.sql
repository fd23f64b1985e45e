-- The bytes of each installed plugin archive, so that every node on one database can fetch an archive installed on
-- another (issue 19) and a backup of the database carries the archives. Kept in chunks of at most 1 MiB, so that a
-- node writes and reads an archive one chunk at a time on both databases (a single large value would be held whole
-- in memory by PostgreSQL's driver). Keyed by SHA-256: a chunk belongs to every row of plugin_archive with that hash
-- and is deleted with the last of them. A node that fetches an archive checks its SHA-256 against the row and admits
-- it as an upload: a row is not trusted more than an upload. Plain SQL that H2 and PostgreSQL both accept.
CREATE TABLE plugin_archive_chunk (
    sha256  VARCHAR(64) NOT NULL,
    seq     INTEGER     NOT NULL,
    bytes   BYTEA       NOT NULL,
    PRIMARY KEY (sha256, seq)
);

-- How many bytes of the archive plugin_archive_chunk holds, once all of them are written (in the same transaction);
-- null for an archive whose bytes are not kept (installed before this migration and not yet filled at a start, or
-- larger than plugin.max.size).
ALTER TABLE plugin_archive ADD COLUMN stored_bytes BIGINT;
