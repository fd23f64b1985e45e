package de.datenhafen.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's first plugin, outside this repository: generated from the archetype into a temporary folder, then built
 * with {@code mvn verify}, offline, against the artifacts this build just made (see {@link ChildMaven}). Its build
 * runs the generated unit test and the generated {@code HubExtension} test against a real hub.
 */
class PluginArchetypeIT {

    static final String PLUGIN_ID = "meters";

    @TempDir
    static Path workspace;

    static Path project;
    static ChildMaven.Run generated;

    @BeforeAll
    static void generate() {
        generated = ChildMaven.run(workspace, Duration.ofMinutes(3),
            "org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate",
            "-DarchetypeGroupId=de.datenhafen", "-DarchetypeArtifactId=datenhafen-plugin-archetype",
            "-DarchetypeVersion=" + ChildMaven.version(), "-DarchetypeCatalog=local",
            "-DgroupId=org.example.meters", "-DartifactId=meters-plugin", "-Dversion=1.0.0",
            "-Dpackage=org.example.meters",
            "-DpluginId=" + PLUGIN_ID, "-DpluginProvider=Example Meters GmbH");
        project = workspace.resolve("meters-plugin");
    }

    @Test
    void generatesAProjectWhoseParentIsThisHubsPluginParent() throws IOException {
        assertThat(generated.exitCode()).as(generated.tail(60)).isZero();
        String pom = Files.readString(project.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>datenhafen-plugin-parent</artifactId>\n    <version>"
            + ChildMaven.version() + "</version>");
        // a plugin's version of its own, apart from the hub's
        assertThat(pom).contains("<plugin.id>meters</plugin.id>", "<version>1.0.0</version>",
            "<plugin.class>org.example.meters.ReadingsPlugin</plugin.class>");
        assertThat(project.resolve("src/main/java/org/example/meters/ReadingsConnector.java")).exists();
    }

    @Test
    void theGeneratedPluginBuildsOfflineAndPassesItsUnitAndHubTests() throws IOException {
        assertThat(generated.exitCode()).as(generated.tail(60)).isZero();

        ChildMaven.Run build = ChildMaven.run(project, Duration.ofMinutes(5), "verify");

        assertThat(build.exitCode()).as(build.tail(120)).isZero();
        assertThat(project.resolve("target/meters-1.0.0.zip")).isRegularFile();
        assertThat(Files.readString(project.resolve("target/surefire-reports/org.example.meters.ReadingTest.txt")))
            .contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0");
        assertThat(Files.readString(project.resolve("target/failsafe-reports/org.example.meters.ReadingsIT.txt")))
            .contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0"); // the German words of its connector too
        System.out.printf("archetype: generated in %.1f s, mvn verify in %.1f s; %d lines (%d of Java in "
                + "src/main, %d in src/test, pom %d)%n", generated.took().toMillis() / 1000.0,
            build.took().toMillis() / 1000.0, lines(project, "pom.xml", "src"),
            lines(project.resolve("src/main"), "java"), lines(project.resolve("src/test"), "java"),
            lines(project, "pom.xml"));
    }

    @Test
    void everyJavaSnippetOfThePluginGuideIsCodeThatTheBuildCompiles() throws IOException {
        assertThat(generated.exitCode()).as(generated.tail(60)).isZero();
        List<Path> compiled = new ArrayList<>(javaFiles(project.resolve("src")));
        compiled.addAll(javaFiles(Path.of("src/test/java")));
        List<List<String>> sources = new ArrayList<>();
        for (Path f : compiled) {
            sources.add(Files.readAllLines(f).stream().map(String::strip).toList());
        }

        List<List<String>> snippets = javaSnippets(ChildMaven.projectRoot().resolve("docs/plugins.md"));

        assertThat(snippets).hasSizeGreaterThanOrEqualTo(5);
        List<String> missing = snippets.stream()
            .filter(snippet -> sources.stream().noneMatch(source -> Collections.indexOfSubList(source, snippet) >= 0))
            .map(snippet -> String.join("\n", snippet)).toList();
        assertThat(missing).as("snippets of docs/plugins.md that are in no compiled source (the generated plugin, or "
            + "sdk/plugin-sdk-it/src/test/java)").isEmpty();
    }

    /** The ```java blocks of a Markdown file, each as its lines without indentation. */
    static List<List<String>> javaSnippets(Path markdown) throws IOException {
        List<List<String>> snippets = new ArrayList<>();
        List<String> current = null;
        for (String line : Files.readAllLines(markdown)) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                snippets.add(current);
                current = null;
            } else if (current != null) {
                current.add(line.strip());
            }
        }
        return snippets;
    }

    /** Lines, blank ones too, of the files and folders named below {@code dir}. */
    static long lines(Path dir, String... names) throws IOException {
        long n = 0;
        for (String name : names) {
            try (Stream<Path> files = Files.walk(dir.resolve(name))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    n += Files.readAllLines(f).size();
                }
            }
        }
        return n;
    }

    static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
