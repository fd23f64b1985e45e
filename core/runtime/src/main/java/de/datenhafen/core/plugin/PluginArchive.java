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
 * @param sha256 the archive's SHA-256, lower-case hex: what the hub records it by and an admin admits it by
 */
public record PluginArchive(Path path, String kind, String id, String version, String provider,
                            String pluginClass, String requires, String description, String sha256) {

    /**
     * A description written over several lines of a pom reaches the manifest with its line breaks and indentation;
     * admins read it as one line.
     */
    public PluginArchive {
        description = description == null ? "" : description.strip().replaceAll("\\s+", " ");
    }

    /** The file name the hub stores the archive under in its plugins folder. */
    public String canonicalFileName() {
        return id + "-" + version + "." + kind;
    }

    /** The same archive at another place (moved into the plugins folder). */
    PluginArchive at(Path other) {
        return new PluginArchive(other, kind, id, version, provider, pluginClass, requires, description, sha256);
    }

    /**
     * What PF4J loads: the folder a zip plugin is unpacked to (its name without {@code .zip}, next to it, as PF4J
     * itself would name it), or the jar itself.
     */
    Path loadPath() {
        return kind.equals("zip") ? unpackFolder(path) : path;
    }

    /** The folder next to a zip archive that it is unpacked to: its name without the extension. */
    static Path unpackFolder(Path archive) {
        String name = archive.getFileName().toString();
        return archive.resolveSibling(name.substring(0, name.lastIndexOf('.')));
    }
}
