package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clean stop leaves the data folder as an admin expects it: the database file, and no H2 trace of an error; and a
 * start clears what a killed hub left.
 */
class CleanStopTest {

    private static final Path ARCHIVES = TestDirs.create("clean-stop");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @Test
    void aCleanStopLeavesNoTraceFileInTheDataFolder(HubClient client) throws IOException {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "stop")
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("path", "stop")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        hub.restart();

        List<Path> traces = traceFiles(hub.home());
        assertThat(traces).as("H2 trace files; the first holds:%n%s", traces.isEmpty() ? ""
            : Files.readString(traces.get(0)).lines().limit(40).reduce("", (a, b) -> a + b + "\n")).isEmpty();
        assertThat(hub.client().get("/api/v1/admin/integrations/stop").json().getString("state")).isEqualTo("running");
    }

    @Test
    void vertxsFileCacheIsInTheDataFolderAndWhatAKilledHubLeftThereGoesAtTheNextStart() throws IOException {
        // what a hub killed with SIGKILL leaves: Vert.x removes its folder only when it closes
        Path left = hub.home().resolve("data/cache/vertx-0a1b2c3d-killed");
        Files.createDirectories(left.resolve("webroot"));
        Files.writeString(left.resolve("webroot/app.js"), "left over");

        hub.restart();

        assertThat(left).doesNotExist();
        try (Stream<Path> dirs = Files.list(hub.home().resolve("data/cache"))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).filter(name -> !name.equals(".lock")))
                .singleElement().asString().startsWith("vertx-");
        }
    }

    private static List<Path> traceFiles(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".trace.db")).toList();
        }
    }
}
