package de.datenhafen.core.store;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * A plugin's migrations on PostgreSQL: the files of its {@code db/plugin/} (written for H2; plain SQL runs on both),
 * each replaced by the file of the same version in {@code db/plugin-postgresql/} where the plugin has one (for what
 * differs, such as H2's {@code AUTO_INCREMENT}). So a plugin keeps one set of migrations and adds only the few that
 * need PostgreSQL's dialect. On H2 Flyway reads {@code db/plugin/} itself as before, so the checksums of migrations
 * already applied there do not change.
 */
final class PluginMigrations implements ResourceProvider {

    static final String BASE = "db/plugin";
    static final String POSTGRESQL = "db/plugin-postgresql";

    private final List<LoadableResource> resources;

    private PluginMigrations(List<LoadableResource> resources) {
        this.resources = resources;
    }

    /** The migrations {@code loader} holds for PostgreSQL, read through it. */
    static PluginMigrations forPostgres(ClassLoader loader) {
        Map<String, LoadableResource> byVersion = new TreeMap<>();
        for (String folder : List.of(BASE, POSTGRESQL)) {
            for (String name : fileNames(loader, folder)) {
                URL url = loader.getResource(folder + "/" + name);
                if (url != null) {
                    byVersion.put(versionOf(name), new UrlResource(name, folder + "/" + name, url));
                }
            }
        }
        return new PluginMigrations(List.copyOf(byVersion.values()));
    }

    /** "V3" of "V3__site_numbers.sql": what a file of the dialect replaces; the whole name where there is no "__". */
    static String versionOf(String fileName) {
        int sep = fileName.indexOf("__");
        return sep < 0 ? fileName : fileName.substring(0, sep);
    }

    @Override
    public LoadableResource getResource(String name) {
        for (LoadableResource r : resources) {
            if (r.getRelativePath().equals(name) || r.getAbsolutePath().equals(name)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> out = new ArrayList<>();
        for (LoadableResource r : resources) {
            String name = r.getFilename();
            if (name.startsWith(prefix)) {
                for (String suffix : suffixes) {
                    if (name.endsWith(suffix)) {
                        out.add(r);
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** The names of the files directly in {@code folder} of every class-path root of {@code loader}. */
    private static List<String> fileNames(ClassLoader loader, String folder) {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> roots = loader.getResources(folder);
            for (URL root : Collections.list(roots)) {
                if ("file".equals(root.getProtocol())) {
                    try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                        files.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
                    }
                } else if ("jar".equals(root.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) root.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (JarEntry e : Collections.list(jar.entries())) {
                            String rest = e.getName().startsWith(folder + "/")
                                ? e.getName().substring(folder.length() + 1) : "";
                            if (!rest.isEmpty() && !rest.contains("/")) {
                                names.add(rest);
                            }
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new UncheckedIOException("cannot list the plugin's " + folder + ": " + e.getMessage(),
                e instanceof IOException io ? io : new IOException(e));
        }
        return names;
    }

    /** A migration file found through the plugin's class loader. */
    private static final class UrlResource extends LoadableResource {
        private final String fileName;
        private final String path;
        private final URL url;

        UrlResource(String fileName, String path, URL url) {
            this.fileName = fileName;
            this.path = path;
            this.url = url;
        }

        @Override
        public Reader read() {
            try {
                return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the migration " + path, e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return url.toString();
        }

        @Override
        public String getFilename() {
            return fileName;
        }

        @Override
        public String getRelativePath() {
            return fileName;
        }

        @Override
        public String toString() {
            return path;
        }
    }
}
