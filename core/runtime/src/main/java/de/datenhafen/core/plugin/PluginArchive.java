package de.datenhafen.core.plugin;

import java.nio.file.Path;

/**
 * A plugin archive that passed inspection: its descriptor and its kind.
 *
 * @param path the archive file
 * @param kind {@code zip} (PF4J layout: descriptor, {@code classes/}, {@code lib/}) or {@code jar}
 * @param id Plugin-Id
 * @param version Plugin-Version
 * @param provider Plugin-Provider: the member that owns the plugin
 * @param pluginClass Plugin-Class
 * @param requires Plugin-Requires: the hub API range
 * @param description Plugin-Description, may be empty
 */
public record PluginArchive(Path path, String kind, String id, String version, String provider,
                            String pluginClass, String requires, String description) {

    /** The file name the hub stores the archive under in its plugins folder. */
    public String canonicalFileName() {
        return id + "-" + version + "." + kind;
    }
}
