package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.bus.BusStorage;
import de.datenhafen.core.config.HubConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hub whose database URL an admin set to H2's {@code file:} (which a thread's interrupt closes) is ready, and says in
 * {@code /health/ready} what it risks and what to use instead; and it writes nothing about the hub's own file.
 */
class H2FileUrlWarningTest {

    private static final Path DIR = newFolder();

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.DB_URL, "jdbc:h2:file:" + DIR.resolve("hub") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE")
        .build();

    @Test
    void readinessWarnsOfTheFileUrl() {
        JsonObject check = ReadinessChecks.readyWith(hub, "database-file");
        assertThat(check.getString("status")).isEqualTo("WARNING");
        assertThat(check.getString("reason")).startsWith("jdbc:h2:file: (or a bare path) lets a thread's interrupt")
            .endsWith("use jdbc:h2:async: with the same path (docs/operations.md)");
    }

    @Test
    void aDatabaseUrlOfItsOwnLeavesNoStorageChoiceInTheDataFolder() {
        // the choice only sets the next start's options for the hub's own file; with db.url set it says nothing
        Path data = hub.hub().config().dataDir();
        assertThat(data.resolve("datenhafen.mv.db")).doesNotExist();
        assertThat(data.resolve(BusStorage.CHOICE_FILE)).doesNotExist();
    }

    @AfterAll
    static void removeFolder() throws IOException {
        try (Stream<Path> all = Files.walk(DIR)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Path newFolder() {
        try {
            return Files.createTempDirectory("h2-file-url");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
