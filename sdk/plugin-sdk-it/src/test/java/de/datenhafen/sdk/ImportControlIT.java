package de.datenhafen.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin parent's import control on deliberately bad plugins (src/test/resources/fixtures), each built offline
 * outside this repository as {@link ChildMaven} does: the build fails, saying why. The shipped plugins and the
 * archetype's plugin (PluginArchetypeIT) pass the same checks.
 */
class ImportControlIT {

    @TempDir
    Path workspace;

    @Test
    void aPluginTestThatUsesTheHubsOwnClassesFailsTheBuildNamingTheClass() {
        ChildMaven.Run build = ChildMaven.run(copy("core-in-test"), Duration.ofMinutes(3), "verify");

        assertThat(build.exitCode()).as(build.tail(60)).isNotZero();
        assertThat(build.output())
            .contains("A plugin uses the hub's own classes (de.datenhafen.core), which are not an API")
            .containsPattern("org\\.example\\.bad\\.BadTest +-> de\\.datenhafen\\.core\\.bus\\.EventFilter");
    }

    @Test
    void aPluginThatDependsOnTheHubItselfFailsTheBuildBeforeCompiling() {
        ChildMaven.Run build = ChildMaven.run(copy("core-dependency"), Duration.ofMinutes(3), "verify");

        assertThat(build.exitCode()).as(build.tail(60)).isNotZero();
        assertThat(build.output())
            .contains("A plugin depends on datenhafen-plugin-api, not on the hub itself (datenhafen-core)")
            .contains("de.datenhafen:datenhafen-core")
            .doesNotContain("--- compiler:");
    }

    /** The fixture, with this build's version as its parent's, in the temporary workspace. */
    private Path copy(String fixture) {
        Path source = Path.of("src/test/resources/fixtures", fixture);
        Path target = workspace.resolve(fixture);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path to = target.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.writeString(to, Files.readString(f).replace("@datenhafen.version@", ChildMaven.version()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
