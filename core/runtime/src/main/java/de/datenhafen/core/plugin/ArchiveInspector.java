package de.datenhafen.core.plugin;

import de.datenhafen.api.HubApi;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

/**
 * Looks at a plugin archive before any of it is unpacked or loaded: that it is a zip or jar, that no entry
 * escapes the plugin's folder, that its descriptor has every field the hub needs, and that the hub API range it
 * requires contains this hub's API version. Refusals say which rule failed and why.
 */
final class ArchiveInspector {

    static final Pattern PLUGIN_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    private static final Map<String, String> PROPERTY_KEYS = new LinkedHashMap<>();
    static {
        PROPERTY_KEYS.put("Plugin-Id", "plugin.id");
        PROPERTY_KEYS.put("Plugin-Version", "plugin.version");
        PROPERTY_KEYS.put("Plugin-Provider", "plugin.provider");
        PROPERTY_KEYS.put("Plugin-Class", "plugin.class");
        PROPERTY_KEYS.put("Plugin-Requires", "plugin.requires");
        PROPERTY_KEYS.put("Plugin-Description", "plugin.description");
    }

    private final VersionManager versions = new DefaultVersionManager();

    /**
     * Inspects the archive at {@code path}.
     *
     * @throws InvalidInputException (400) if it is not a zip or jar at all
     * @throws RefusedException (422) if it is an archive the hub will not load, naming the descriptor field or
     *                          entry at fault
     */
    PluginArchive inspect(Path path) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            checkEntries(zip);
            Map<String, String> fields = new LinkedHashMap<>();
            String kind = readDescriptor(zip, fields);
            for (String name : PROPERTY_KEYS.keySet()) {
                if (!name.equals("Plugin-Description") && isBlank(fields.get(name))) {
                    throw new RefusedException("not a valid plugin: its descriptor has no " + name, name);
                }
            }
            String id = fields.get("Plugin-Id");
            if (!PLUGIN_ID.matcher(id).matches()) {
                throw new RefusedException("not a valid plugin: Plugin-Id '" + id
                    + "' must be lower case letters, digits, dots, dashes or underscores", "Plugin-Id");
            }
            String version = fields.get("Plugin-Version");
            try {
                versions.compareVersions(version, version);
            } catch (RuntimeException e) {
                throw new RefusedException("not a valid plugin: Plugin-Version '" + version
                    + "' is not a semantic version", "Plugin-Version");
            }
            String requires = fields.get("Plugin-Requires");
            boolean fits;
            try {
                fits = versions.checkVersionConstraint(HubApi.version(), requires);
            } catch (RuntimeException e) {
                throw new RefusedException("not a valid plugin: Plugin-Requires '" + requires
                    + "' is not a version range", "Plugin-Requires");
            }
            if (!fits) {
                throw new RefusedException("plugin " + id + " " + version + " requires hub API " + requires
                    + ", but this hub offers API " + HubApi.version(), "Plugin-Requires");
            }
            return new PluginArchive(path, kind, id, version, fields.get("Plugin-Provider"),
                fields.get("Plugin-Class"), requires,
                fields.get("Plugin-Description") == null ? "" : fields.get("Plugin-Description"));
        } catch (ZipException e) {
            throw new InvalidInputException("not a plugin archive: the body is not a zip or jar file ("
                + e.getMessage() + ")", "archive");
        } catch (IOException e) {
            throw new InvalidInputException("the plugin archive cannot be read: " + e.getMessage(), "archive");
        }
    }

    private static void checkEntries(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        if (!entries.hasMoreElements()) {
            throw new RefusedException("not a valid plugin: the archive is empty", "archive");
        }
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            String normalized = name.replace('\\', '/');
            boolean escapes = normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")
                || normalized.indexOf('\0') >= 0;
            for (String segment : normalized.split("/")) {
                if (segment.equals("..")) {
                    escapes = true;
                }
            }
            if (escapes) {
                throw new RefusedException("archive entry '" + name + "' escapes the plugin's folder", "archive");
            }
        }
    }

    /** Fills {@code fields} with descriptor values and says whether the archive is a PF4J zip or a jar. */
    private static String readDescriptor(ZipFile zip, Map<String, String> fields) throws IOException {
        ZipEntry properties = zip.getEntry("plugin.properties");
        if (properties != null) {
            Properties p = new Properties();
            try (InputStream in = zip.getInputStream(properties)) {
                p.load(in);
            }
            PROPERTY_KEYS.forEach((field, key) -> putTrimmed(fields, field, p.getProperty(key)));
            return "zip";
        }
        ZipEntry zipManifest = zip.getEntry("classes/META-INF/MANIFEST.MF");
        if (zipManifest != null) {
            readManifest(zip, zipManifest, fields);
            return "zip";
        }
        ZipEntry jarManifest = zip.getEntry("META-INF/MANIFEST.MF");
        if (jarManifest != null) {
            readManifest(zip, jarManifest, fields);
            if (fields.get("Plugin-Id") != null) {
                return "jar";
            }
        }
        throw new RefusedException("not a valid plugin: no plugin descriptor (plugin.properties, or a manifest with "
            + "Plugin-Id) found in the archive", "descriptor");
    }

    private static void readManifest(ZipFile zip, ZipEntry entry, Map<String, String> fields) throws IOException {
        Manifest manifest;
        try (InputStream in = zip.getInputStream(entry)) {
            manifest = new Manifest(in);
        }
        Attributes attributes = manifest.getMainAttributes();
        PROPERTY_KEYS.keySet().forEach(field -> putTrimmed(fields, field, attributes.getValue(field)));
    }

    private static void putTrimmed(Map<String, String> fields, String field, String value) {
        if (value != null) {
            fields.put(field, value.trim());
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
