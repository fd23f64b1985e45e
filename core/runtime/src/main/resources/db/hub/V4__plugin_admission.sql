-- Plugin archives the hub installed (uploaded through the admin API, found in the plugins folder at the hub's first
-- start, or admitted by SHA-256 in plugin.admitted). At start only these are loaded, and only while their SHA-256 is
-- unchanged: a file that appears in or changes in the plugins folder by other means is reported and ignored.
CREATE TABLE plugin_archive (
    file_name     VARCHAR(255) NOT NULL PRIMARY KEY,
    plugin_id     VARCHAR(128) NOT NULL,
    sha256        VARCHAR(64)  NOT NULL,
    origin        VARCHAR(16)  NOT NULL,
    installed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which plugin owns a database schema. Ids that differ only in '-', '.' and '_' map to one schema name, so the
-- schema is given to the first and refused to the others; it stays with its plugin after a delete, as its data does.
CREATE TABLE plugin_schema (
    schema_name  VARCHAR(128) NOT NULL PRIMARY KEY,
    plugin_id    VARCHAR(128) NOT NULL
);

-- The boot-loop guard: start_began_at is set while a plugin's constructor or start() runs and cleared when it
-- returns; still set at the next start, the hub went down during it (System.exit, a kill, a start that never ended),
-- and the plugin starts disabled, with disabled_reason saying why.
ALTER TABLE plugin_state ADD COLUMN start_began_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE plugin_state ADD COLUMN disabled_reason VARCHAR(1000);
