package de.datenhafen.core.plugin;

import de.datenhafen.api.PluginContext;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The one context object of a loaded plugin; its database is made on first use. */
final class PluginContextImpl implements PluginContext {

    private final String pluginId;
    private final String member;
    private final String pluginVersion;
    private final Path dataDirectory;
    private final Supplier<DataSource> database;
    private final BiFunction<String, String, String> ownerOf;

    PluginContextImpl(String pluginId, String member, String pluginVersion, Path dataDirectory,
                      Supplier<DataSource> database, BiFunction<String, String, String> ownerOf) {
        this.pluginId = pluginId;
        this.member = member;
        this.pluginVersion = pluginVersion;
        this.dataDirectory = dataDirectory;
        this.database = database;
        this.ownerOf = ownerOf;
    }

    @Override
    public String pluginId() {
        return pluginId;
    }

    @Override
    public String member() {
        return member;
    }

    @Override
    public Optional<String> owner() {
        return Optional.ofNullable(ownerOf.apply(pluginId, member));
    }

    @Override
    public String pluginVersion() {
        return pluginVersion;
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public DataSource database() {
        return database.get();
    }

    @Override
    public String toString() {
        return "PluginContext{" + pluginId + " " + pluginVersion + " of " + member + "}";
    }
}
