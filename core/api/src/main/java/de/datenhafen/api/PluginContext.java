package de.datenhafen.api;

import java.nio.file.Path;
import javax.sql.DataSource;

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

    /**
     * A database schema that belongs to this plugin alone, in the hub's database, reached through a connection
     * pool whose user has no rights outside it. The first call creates the schema and applies the plugin's
     * migrations: Flyway SQL files ({@code V1__tables.sql}, {@code V2__more.sql}, ...) under {@code db/plugin/} on
     * the plugin's class path. Unqualified table names refer to the plugin's schema. The pool is closed when the
     * plugin is unloaded; the schema and its data stay (a deleted and reinstalled plugin finds them again).
     *
     * <p>Call it from plugin code (start, routes), not from the constructor.
     *
     * @throws de.datenhafen.api.HubException when the schema cannot be made or a migration fails, saying which
     */
    DataSource database();
}
