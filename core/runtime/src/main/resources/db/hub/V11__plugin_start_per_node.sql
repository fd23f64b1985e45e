-- The boot-loop guard's note "a start of this plugin is under way", kept per node (issue 19): with one note per
-- plugin, a node that started while another node's start of the plugin was under way took that note for a start that
-- had crashed the hub, and disabled the plugin. Now each node finds only its own note (the process that went down);
-- plugin_state.start_began_at is still read, once, for a note left by a hub from before this migration.
-- Plain SQL that H2 and PostgreSQL both accept.
CREATE TABLE plugin_start (
    plugin_id VARCHAR(128) NOT NULL,
    node_id   VARCHAR(128) NOT NULL,
    began_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (plugin_id, node_id)
);
