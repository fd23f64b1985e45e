package de.datenhafen.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Assembles a PF4J plugin archive (zip layout: {@code plugin.properties}, {@code classes/}) from compiled classes,
 * for tests. Classes are copied with their nested classes, so each archive gets its own copy that the plugin's class
 * loader defines.
 *
 * <pre>{@code
 * Path zip = PluginArchiveBuilder.plugin("hello", "1.0.0", "Example Member", HelloPlugin.class)
 *     .requires(">=1.0.0 & <2.0.0")
 *     .withClasses(HelloConnector.class)
 *     .writeTo(tempDir);
 * }</pre>
 */
public final class PluginArchiveBuilder {

    private final Properties descriptor = new Properties();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private boolean writeDescriptor = true;
    private boolean jar;

    private PluginArchiveBuilder() {
    }

    /** A plugin with the given descriptor fields whose Plugin-Class is {@code pluginClass}. */
    public static PluginArchiveBuilder plugin(String id, String version, String provider, Class<?> pluginClass) {
        PluginArchiveBuilder b = new PluginArchiveBuilder();
        b.descriptor.setProperty("plugin.id", id);
        b.descriptor.setProperty("plugin.version", version);
        b.descriptor.setProperty("plugin.provider", provider);
        b.descriptor.setProperty("plugin.class", pluginClass.getName());
        b.descriptor.setProperty("plugin.requires", ">=1.0.0 & <2.0.0");
        b.descriptor.setProperty("plugin.description", "test plugin " + id);
        return b.withClasses(pluginClass);
    }

    public PluginArchiveBuilder requires(String range) {
        descriptor.setProperty("plugin.requires", range);
        return this;
    }

    /** Sets (or with null, removes) a descriptor property such as {@code plugin.provider}. */
    public PluginArchiveBuilder descriptor(String key, String value) {
        if (value == null) {
            descriptor.remove(key);
        } else {
            descriptor.setProperty(key, value);
        }
        return this;
    }

    /** Leaves out {@code plugin.properties}: an archive that is not a plugin. */
    public PluginArchiveBuilder withoutDescriptor() {
        writeDescriptor = false;
        return this;
    }

    /** Adds classes, each with its nested and anonymous classes, under {@code classes/}. */
    public PluginArchiveBuilder withClasses(Class<?>... classes) {
        for (Class<?> c : classes) {
            addClass(c);
        }
        return this;
    }

    /** Adds an entry with any name, even one that escapes the plugin folder ({@code ../evil.txt}). */
    public PluginArchiveBuilder withEntry(String name, String content) {
        entries.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Adds an entry with binary content, for example a class file compiled by the test. */
    public PluginArchiveBuilder withEntry(String name, byte[] content) {
        entries.put(name, content.clone());
        return this;
    }

    /**
     * Makes a jar plugin instead: classes at the root and the descriptor as {@code Plugin-*} attributes of
     * {@code META-INF/MANIFEST.MF}.
     */
    public PluginArchiveBuilder asJar() {
        jar = true;
        return this;
    }

    /**
     * Writes {@code <id>-<version>.zip} (or {@code .jar}; {@code archive.zip} without a descriptor) into
     * {@code dir}.
     */
    public Path writeTo(Path dir) {
        if (jar) {
            return writeJar(dir);
        }
        String name = writeDescriptor
            ? descriptor.getProperty("plugin.id", "plugin") + "-" + descriptor.getProperty("plugin.version", "0")
            + ".zip"
            : "archive.zip";
        Path target = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out)) {
                if (writeDescriptor) {
                    zip.putNextEntry(new ZipEntry("plugin.properties"));
                    descriptor.store(zip, null);
                    zip.closeEntry();
                }
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plugin archive " + target, e);
        }
        return target;
    }

    private Path writeJar(Path dir) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (writeDescriptor) {
            descriptor.stringPropertyNames().forEach(key -> main.putValue(manifestName(key), descriptor.getProperty(key)));
        }
        Path target = dir.resolve(descriptor.getProperty("plugin.id", "plugin") + "-"
            + descriptor.getProperty("plugin.version", "0") + ".jar");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(target); JarOutputStream j = new JarOutputStream(out, manifest)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    String name = e.getKey().startsWith("classes/") ? e.getKey().substring(8) : e.getKey();
                    j.putNextEntry(new ZipEntry(name));
                    j.write(e.getValue());
                    j.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plugin archive " + target, e);
        }
        return target;
    }

    /** {@code plugin.provider} is {@code Plugin-Provider} in a manifest. */
    private static String manifestName(String propertyKey) {
        String word = propertyKey.substring("plugin.".length());
        return "Plugin-" + Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private void addClass(Class<?> c) {
        String resource = c.getName().replace('.', '/') + ".class";
        URL url = c.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no class file for " + c.getName());
        }
        entries.put("classes/" + resource, read(url));
        if (!"file".equals(url.getProtocol())) {
            return;
        }
        // nested and anonymous classes: Outer$*.class next to it
        try {
            Path file = Path.of(url.toURI());
            String prefix = file.getFileName().toString().replace(".class", "") + "$";
            String packagePath = resource.substring(0, resource.lastIndexOf('/') + 1);
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(file.getParent(), prefix + "*.class")) {
                for (Path nested : dir) {
                    entries.put("classes/" + packagePath + nested.getFileName(), Files.readAllBytes(nested));
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read nested classes of " + c.getName(), e);
        }
    }

    private static byte[] read(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
