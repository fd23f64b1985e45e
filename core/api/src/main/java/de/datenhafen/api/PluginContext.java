package de.datenhafen.api;

import java.nio.file.Path;

/**
 * What the hub tells a plugin about itself. Handed to the plugin's constructor; the plugin never sees the runtime.
 *
 * <p>Created once per plugin load, before {@link HubPlugin#start()}; valid until the plugin is unloaded.
 */
public interface PluginContext {

    /** The plugin's id from its descriptor. */
    String pluginId();

    /** The member (the descriptor's provider) that owns the plugin and the data it publishes. */
    String member();

    /** The plugin's version from its descriptor. */
    String pluginVersion();

    /** A folder that belongs to this plugin alone, created by the hub; it survives restarts and upgrades. */
    Path dataDirectory();
}
