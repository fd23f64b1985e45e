package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** What the server package holds, read from the built folder (no hub is started). */
class PackageContentsIT {

    /** Libraries the core uses itself as well as a shipped plugin: the MQTT client (the core's MQTT sink). */
    private static final Set<String> SHARED_WITH_THE_CORE = Set.of("org.eclipse.paho.client.mqttv3");

    private final Path dist = Path.of(System.getProperty("datenhafen.distribution"));

    @Test
    void aPluginsLibrariesAreInItsArchiveAndNotAlsoOnTheHubsClassPath() throws IOException {
        Set<String> hubLibraries = artifactsIn(dist.resolve("lib"));
        List<String> twice = new ArrayList<>();
        int bundled = 0;
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(dist.resolve("plugins"), "*.zip")) {
            for (Path archive : archives) {
                for (String library : librariesIn(archive)) {
                    bundled++;
                    if (hubLibraries.contains(library) && !SHARED_WITH_THE_CORE.contains(library)) {
                        twice.add(archive.getFileName() + ": " + library);
                    }
                }
            }
        }
        assertThat(bundled).as("libraries the shipped plugins bundle").isGreaterThanOrEqualTo(4);
        assertThat(twice).as("a plugin's library also in the server's lib/").isEmpty();
    }

    /**
     * The documents the console's pages and the README point to are in the package (a page said "docs/flows.md" to
     * someone who had the package alone), and each of the README's links to docs/ leads to one of them, or to the
     * measurements' history, which stays in the repository.
     */
    @Test
    void theReadmeAndTheDocumentsItPointsToAreInThePackage() throws IOException {
        assertThat(dist.resolve("README.md")).exists();
        for (String doc : List.of("operations.md", "flows.md", "plugins.md", "sinks.md")) {
            assertThat(dist.resolve("docs").resolve(doc)).as(doc).exists();
        }
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("\\(docs/([a-z-]+\\.md)")
            .matcher(Files.readString(dist.resolve("README.md")));
        int found = 0;
        while (links.find()) {
            found++;
            if (!links.group(1).equals("benchmarks.md")) {
                assertThat(dist.resolve("docs").resolve(links.group(1))).as("the README's link " + links.group())
                    .exists();
            }
        }
        assertThat(found).as("the README's links to docs/").isPositive();
    }

    /** The artifact names (file names without version) of the jars in a plugin archive's {@code lib/}. */
    private static Set<String> librariesIn(Path archive) throws IOException {
        Set<String> names = new TreeSet<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.startsWith("lib/") && name.endsWith(".jar")) {
                    names.add(artifact(name.substring("lib/".length())));
                }
            }
        }
        return names;
    }

    private static Set<String> artifactsIn(Path folder) throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : jars) {
                names.add(artifact(jar.getFileName().toString()));
            }
        }
        return names;
    }

    /** {@code protobuf-java-3.25.5.jar} -> {@code protobuf-java}: up to the dash before the first digit. */
    static String artifact(String jarName) {
        for (int i = 0; i + 1 < jarName.length(); i++) {
            if (jarName.charAt(i) == '-' && Character.isDigit(jarName.charAt(i + 1))) {
                return jarName.substring(0, i);
            }
        }
        return jarName.substring(0, jarName.length() - ".jar".length());
    }
}
