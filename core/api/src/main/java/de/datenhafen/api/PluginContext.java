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

    /**
     * The descriptor's provider ({@code Plugin-Provider}) as written there: the name the plugin's events carry as their
     * member. For who may act on the plugin's data, ask {@link #owner()}.
     */
    String member();

    /**
     * The id of the member that owns this plugin, as callers carry it ({@link Caller#member()}): the member a hub
     * admin assigned to the plugin, or else the member whose id or name the descriptor's provider is; empty while the
     * plugin has none (then only hub admins act for it). An admin may reassign it while the plugin runs: ask when a
     * request comes, do not keep it.
     */
    java.util.Optional<String> owner();

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
