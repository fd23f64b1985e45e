package de.datenhafen.core.plugin;

import de.datenhafen.api.PluginContext;
import java.nio.file.Path;

record PluginContextImpl(String pluginId, String member, String pluginVersion, Path dataDirectory)
    implements PluginContext {
}
