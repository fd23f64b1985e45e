package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a plugin that has a running integration that has handled a request: the integration stops first, the
 * files go, and nothing in the hub keeps the plugin's class loader alive. One test, because deleting is one-way.
 */
class PluginDeleteTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-delete");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @Test
    void deletingAPluginStopsItsIntegrationsRemovesItsFilesAndReleasesItsClassLoader(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "orphan").put("connector", "fixture-ingest")
            .put("config", new JsonObject().put("path", "orphan")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(send(client).status()).isEqualTo(202);
        // suspending and resuming routes goes through more of Camel that could keep a reference
        assertThat(client.post("/api/v1/admin/integrations/orphan/pause").json().getString("state")).isEqualTo("paused");
        assertThat(client.post("/api/v1/admin/integrations/orphan/resume").json().getString("state"))
            .isEqualTo("running");
        assertThat(send(client).status()).isEqualTo(202);
        WeakReference<ClassLoader> loader =
            new WeakReference<>(hub.hub().plugins().plugin("fixture").orElseThrow().classLoader());

        HubClient.Response deleted = client.delete("/api/v1/admin/plugins/fixture");

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        JsonObject orphan = client.get("/api/v1/admin/integrations/orphan").json();
        assertThat(orphan.getString("state")).isEqualTo("stopped");
        assertThat(orphan.getJsonObject("lastError").getString("message")).isEqualTo("plugin fixture is not started");
        assertThat(send(client).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/admin/plugins/fixture").status()).isEqualTo(404);
        assertThat(Files.exists(hub.home().resolve("plugins/fixture-1.0.0.zip"))).isFalse();
        assertThat(Files.exists(hub.home().resolve("plugins/fixture-1.0.0"))).isFalse();
        await("the plugin's class loader to be collected").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(200)).until(() -> {
                System.gc();
                return loader.get() == null;
            });
    }

    private static HubClient.Response send(HubClient client) {
        return client.anonymous().post("/api/v1/plugins/fixture/orphan",
            Map.of("Content-Type", "application/json", "X-Subject", "room-1"), "{\"co2\":612}");
    }
}
