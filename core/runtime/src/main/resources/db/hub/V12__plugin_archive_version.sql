-- The Plugin-Version of each installed archive, so that at start the hub can tell a newer archive of an installed
-- plugin (taken over as an upgrade) from an older or equal one (never taken over): see PluginHost's takeover. Rows of
-- archives installed before this migration have none; for those the hub reads the version from the file name
-- <plugin id>-<version>.zip or .jar (the name an upload and the shipped plugins have) or from the archive itself.
-- Plain SQL that H2 and PostgreSQL both accept.
ALTER TABLE plugin_archive ADD COLUMN version VARCHAR(255);
