package de.datenhafen.core.plugin;

/**
 * Told when plugins come and go, so what depends on them (integrations) can follow. Called on the thread that
 * changed the plugin's state, never on an event loop.
 */
public interface PluginListener {

    /** The plugin started; its connectors are available. */
    void pluginStarted(LoadedPlugin plugin);

    /** The plugin is about to stop (disable, delete, shutdown): stop everything that runs its code. */
    void pluginStopping(LoadedPlugin plugin);
}
