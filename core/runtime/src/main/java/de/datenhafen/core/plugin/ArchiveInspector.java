package de.datenhafen.core.plugin;

import de.datenhafen.api.HubApi;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.core.plugin.ProcessCallScanner.InvalidClassException;
import de.datenhafen.core.plugin.ProcessCallScanner.ProcessCall;
import de.datenhafen.core.store.DataFolder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at a plugin archive before any of it is written or loaded, as it will be unpacked and loaded: that both of
 * its directories list the same entries (see {@link ZipReader}), that no entry escapes the plugin's folder, that it
 * expands within the {@link ArchiveLimits}, that its descriptor has every field the hub needs and a hub API range
 * this hub offers, and that its code does not end the JVM or replace its process-wide state (see
 * {@link ProcessCallScanner}) unless an admin admitted the archive by its SHA-256. Then {@link #unpack} writes a
 * zip plugin into its folder under the same limits and checks the jars in its {@code lib/} the same way. Refusals
 * say which rule failed and why.
 */
final class ArchiveInspector {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveInspector.class);

    static final Pattern PLUGIN_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    static final String ADMITTED_KEY = "plugin.admitted";

    private static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;
    private static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;

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
    private final ArchiveLimits limits;
    private final Set<String> admitted;

    /**
     * @param admitted SHA-256 (lower-case hex) of archives an admin admitted although their code makes
     *                 process-ending calls
     */
    ArchiveInspector(ArchiveLimits limits, Set<String> admitted) {
        this.limits = limits;
        this.admitted = Set.copyOf(admitted);
    }

    /**
     * Inspects the archive at {@code path} without writing anything.
     *
     * @throws InvalidInputException (400) if it is not a zip or jar at all
     * @throws RefusedException (422) if it is an archive the hub will not load, naming the descriptor field or
     *                          entry at fault, or the limit it breaks
     */
    PluginArchive inspect(Path path) {
        return inspect(path, true);
    }

    /**
     * {@link #inspect(Path)}, but without refusing an archive whose hub API range this hub does not offer: so that
     * the hub can name the plugin that archive is of before it refuses it ({@link #checkApi}), as the takeover of an
     * installed plugin's newer archive at start does.
     */
    PluginArchive inspectAnyApi(Path path) {
        return inspect(path, false);
    }

    private PluginArchive inspect(Path path, boolean checkApi) {
        String sha256 = sha256(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return inspect(channel, path, sha256, checkApi);
        } catch (IOException e) {
            throw new InvalidInputException("the plugin archive cannot be read: " + e.getMessage(), "archive");
        }
    }

    /** {@link #inspect(Path)} of an archive whose bytes {@code channel} reads; {@code path} is only recorded. */
    PluginArchive inspect(SeekableByteChannel channel, Path path, String sha256) throws IOException {
        return inspect(channel, path, sha256, true);
    }

    private PluginArchive inspect(SeekableByteChannel channel, Path path, String sha256, boolean checkApi)
        throws IOException {
        ZipReader zip = ZipReader.open(channel, null, new ZipReader.Budget(limits));
        Map<String, String> fields = new LinkedHashMap<>();
        String kind = readDescriptor(zip, fields);
        for (String name : PROPERTY_KEYS.keySet()) {
            if (!name.equals("Plugin-Description") && isBlank(fields.get(name))) {
                throw new RefusedException("not a valid plugin: its descriptor has no " + name, name);
            }
        }
        String id = fields.get("Plugin-Id");
        if (!PLUGIN_ID.matcher(id).matches()) {
            throw new RefusedException("not a valid plugin: Plugin-Id " + ZipReader.quote(id)
                + " must be lower case letters, digits, dots, dashes or underscores", "Plugin-Id");
        }
        String version = fields.get("Plugin-Version");
        try {
            versions.compareVersions(version, version);
        } catch (RuntimeException e) {
            throw new RefusedException("not a valid plugin: Plugin-Version " + ZipReader.quote(version)
                + " is not a semantic version", "Plugin-Version");
        }
        String requires = fields.get("Plugin-Requires");
        PluginArchive archive = new PluginArchive(path, kind, id, version, fields.get("Plugin-Provider"),
            fields.get("Plugin-Class"), requires,
            fields.get("Plugin-Description") == null ? "" : fields.get("Plugin-Description"), sha256);
        if (checkApi) {
            checkApi(archive);
        } else {
            fitsApi(archive); // a range that is not one is refused all the same
        }
        List<Found> calls = new ArrayList<>();
        checkEntries(zip, null, kind.equals("jar"), calls);
        checkCalls(archive, calls);
        return archive;
    }

    /** Compares two Plugin-Versions as PF4J does (semantic versioning): negative if {@code a} is older. */
    int compareVersions(String a, String b) {
        return versions.compareVersions(a, b);
    }

    /**
     * Refuses an archive whose hub API range ({@code Plugin-Requires}) this hub's API version does not satisfy.
     *
     * @throws RefusedException (422, field {@code Plugin-Requires}) naming both
     */
    void checkApi(PluginArchive archive) {
        if (!fitsApi(archive)) {
            throw new RefusedException("plugin " + archive.id() + " " + archive.version() + " requires hub API "
                + archive.requires() + ", but this hub offers API " + HubApi.version(), "Plugin-Requires");
        }
    }

    private boolean fitsApi(PluginArchive archive) {
        try {
            return versions.checkVersionConstraint(HubApi.version(), archive.requires());
        } catch (RuntimeException e) {
            throw new RefusedException("not a valid plugin: Plugin-Requires " + ZipReader.quote(archive.requires())
                + " is not a version range", "Plugin-Requires");
        }
    }

    /**
     * Writes the zip plugin {@code archive} into {@code target} (a folder that must not exist yet), under the
     * limits, every entry checked to land inside it; then checks the jars in its {@code lib/} (which its class loader
     * will read) as the archive itself was checked. On a refusal {@code target} is removed again.
     */
    void unpack(PluginArchive archive, Path target) {
        Path root = target.toAbsolutePath().normalize();
        ZipReader.Budget budget = new ZipReader.Budget(limits);
        try {
            Files.createDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the folder for plugin " + archive.id(), e);
        }
        try (ZipReader zip = ZipReader.open(archive.path(), null, budget)) {
            List<String> jars = new ArrayList<>();
            for (ZipReader.Entry e : zip.entries()) {
                Path out = root.resolve(e.name()).normalize();
                // ZipReader refused such names already; this is the check that holds whatever a name looks like.
                if (!out.startsWith(root) || out.equals(root)) {
                    throw new RefusedException(ZipReader.describe(null, e.name()) + " escapes the plugin's folder",
                        "archive");
                }
                write(zip, e, out);
                String lower = e.name().toLowerCase(Locale.ROOT);
                if (!e.isDirectory() && lower.startsWith("lib/") && lower.endsWith(".jar")) {
                    jars.add(e.name());
                }
            }
            List<Found> calls = new ArrayList<>();
            for (String jar : jars) {
                try (ZipReader nested = ZipReader.open(root.resolve(jar), jar, budget)) {
                    checkEntries(nested, jar, true, calls);
                }
            }
            checkCalls(archive, calls);
        } catch (IOException e) {
            DataFolder.deleteTree(root);
            throw new UncheckedIOException("cannot unpack plugin " + archive.id(), e);
        } catch (RuntimeException e) {
            DataFolder.deleteTree(root);
            throw e;
        }
    }

    private static void write(ZipReader zip, ZipReader.Entry e, Path out) throws IOException {
        try {
            if (e.isDirectory()) {
                Files.createDirectories(out);
                return;
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = zip.open(e);
                 OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE)) {
                in.transferTo(os);
            }
        } catch (FileSystemException clash) {
            // a file where a folder must go, or two names one file system takes for the same
            throw new RefusedException(ZipReader.describe(null, e.name()) + " collides with another entry",
                "archive");
        }
    }

    /** Streams every entry (sizes, checksums, limits), scans class files and checks a jar manifest's Class-Path. */
    private static void checkEntries(ZipReader zip, String label, boolean isJar, List<Found> calls)
        throws IOException {
        for (ZipReader.Entry e : zip.entries()) {
            if (e.isDirectory()) {
                continue;
            }
            String where = label == null ? e.name() : label + "!" + e.name();
            if (e.name().toLowerCase(Locale.ROOT).endsWith(".class")) {
                byte[] bytes = zip.readSmall(e, MAX_CLASS_BYTES, "a class file");
                try {
                    ProcessCallScanner.scan(bytes).forEach(c -> calls.add(new Found(c, where)));
                } catch (InvalidClassException invalid) {
                    throw new RefusedException(ZipReader.describe(label, e.name()) + " is not a valid class file ("
                        + invalid.getMessage() + ")", "archive");
                }
            } else if (isJar && e.name().equals("META-INF/MANIFEST.MF")) {
                checkClassPath(label, readManifest(zip, e, label));
            } else {
                try (InputStream in = zip.open(e)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
    }

    /**
     * A jar's class loader follows the {@code Class-Path} of its manifest, relative to the jar: it must not lead
     * to a file outside the plugin, which the hub never inspected.
     */
    private static void checkClassPath(String label, Manifest manifest) {
        String classPath = manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (classPath == null) {
            return;
        }
        for (String item : classPath.trim().split("\\s+")) {
            String path = item.replace('\\', '/');
            boolean outside = path.startsWith("/") || path.contains(":") || path.equals("..")
                || path.startsWith("../") || path.contains("/../") || path.endsWith("/..");
            if (outside) {
                throw new RefusedException((label == null ? "the archive" : label) + "'s manifest puts "
                    + ZipReader.quote(item) + " on its Class-Path, outside the plugin", "archive");
            }
        }
    }

    private void checkCalls(PluginArchive archive, List<Found> calls) {
        if (calls.isEmpty()) {
            return;
        }
        Found first = calls.get(0);
        String others = calls.size() == 1 ? "" : " (and " + (calls.size() - 1) + " more)";
        if (admitted.contains(archive.sha256())) {
            LOG.warn("Plugin {} {} calls {} in {}.{} ({}){}; admitted by its SHA-256 {} ({})", archive.id(),
                archive.version(), first.call().call(), first.call().className(), first.call().method(),
                first.where(), others, archive.sha256(), ADMITTED_KEY);
            return;
        }
        throw new RefusedException("plugin " + archive.id() + " " + archive.version() + " calls "
            + first.call().call() + " in " + first.call().className() + "." + first.call().method() + " ("
            + first.where() + ")" + others + ": code that ends the JVM or replaces its process-wide state is loaded "
            + "only if an admin admits the archive by its SHA-256 " + archive.sha256() + " (" + ADMITTED_KEY + ")",
            "archive");
    }

    /** A process-ending call and the entry it was found in. */
    private record Found(ProcessCall call, String where) {
    }

    /** Fills {@code fields} with descriptor values and says whether the archive is a PF4J zip or a jar. */
    private static String readDescriptor(ZipReader zip, Map<String, String> fields) throws IOException {
        ZipReader.Entry properties = zip.entry("plugin.properties");
        if (properties != null) {
            Properties p = new Properties();
            try {
                p.load(new ByteArrayInputStream(zip.readSmall(properties, MAX_DESCRIPTOR_BYTES, "a descriptor")));
            } catch (IllegalArgumentException e) {
                throw new RefusedException("not a valid plugin: plugin.properties cannot be read ("
                    + e.getMessage() + ")", "descriptor");
            }
            PROPERTY_KEYS.forEach((field, key) -> putTrimmed(fields, field, p.getProperty(key)));
            return "zip";
        }
        ZipReader.Entry zipManifest = zip.entry("classes/META-INF/MANIFEST.MF");
        if (zipManifest != null) {
            readFields(readManifest(zip, zipManifest, null), fields);
            return "zip";
        }
        ZipReader.Entry jarManifest = zip.entry("META-INF/MANIFEST.MF");
        if (jarManifest != null) {
            readFields(readManifest(zip, jarManifest, null), fields);
            if (fields.get("Plugin-Id") != null) {
                return "jar";
            }
        }
        throw new RefusedException("not a valid plugin: no plugin descriptor (plugin.properties, or a manifest with "
            + "Plugin-Id) found in the archive", "descriptor");
    }

    private static Manifest readManifest(ZipReader zip, ZipReader.Entry entry, String label) throws IOException {
        byte[] bytes = zip.readSmall(entry, MAX_DESCRIPTOR_BYTES, "a manifest");
        try {
            return new Manifest(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new RefusedException(ZipReader.describe(label, entry.name()) + " is not a valid manifest ("
                + e.getMessage() + ")", "descriptor");
        }
    }

    private static void readFields(Manifest manifest, Map<String, String> fields) {
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

    /** The SHA-256 of a file, lower-case hex: the name an admin admits an archive by. */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = sha256Digest();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new InvalidInputException("the plugin archive cannot be read: " + e.getMessage(), "archive");
        }
    }

    /** A new SHA-256 digest: every Java runtime has one. */
    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Deletes a file if it is there, logging when it cannot. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", file, e.getMessage());
        }
    }

}
