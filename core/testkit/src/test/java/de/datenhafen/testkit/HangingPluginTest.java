package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A plugin whose start never returns is marked failed after plugin.call.timeout, and its thread, which ignores the
 * interrupt, is named while it runs on; the hub carries on.
 */
class HangingPluginTest {

    private static final Path ARCHIVES = TestDirs.create("hanging");
    private static final String STUCK = "its thread plugin-hanging-1 still runs start after it was interrupted "
        + "(the hub starts the plugin disabled next time)";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.PLUGIN_CALL_TIMEOUT, "300ms")
        .plugin(() -> Fixtures.hanging(ARCHIVES))
        .plugin(() -> Fixtures.working(ARCHIVES))
        .build();

    @Test
    void marksAPluginWhoseStartHangsFailedSayingHowLongItWaited(HubClient client) {
        JsonObject hanging = client.get("/api/v1/admin/plugins/hanging").json();

        assertThat(hanging.getString("state")).isEqualTo("failed");
        assertThat(hanging.getString("error")).isEqualTo("hanging: start did not finish within 300 ms; " + STUCK);
    }

    @Test
    void startsTheOtherPluginsBesideAHangingOne(HubClient client) {
        assertThat(client.get("/api/v1/admin/plugins/fixture").json().getString("state")).isEqualTo("started");
    }

    /** A stop action that hangs is interrupted at plugin.call.timeout; the actions after it are not run. */
    @Test
    void anIntegrationWhoseStopActionHangsIsDeletedAllTheSameAfterThePluginCallTime(HubClient client,
                                                                                     @org.junit.jupiter.api.io.TempDir
                                                                                     Path dir) throws Exception {
        Path file = dir.resolve("stops.txt");
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "hangs")
            .put("connector", "fixture-stops").put("config", new JsonObject().put("file", file.toString())
                .put("then", "hang")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        long t0 = System.nanoTime();
        HubClient.Response deleted = client.delete("/api/v1/admin/integrations/hangs");

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(3));
        assertThat(java.nio.file.Files.readAllLines(file)).containsExactly("second hangs");
        assertThat(client.get("/api/v1/admin/integrations/hangs").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/admin/plugins/fixture").json().getString("state")).isEqualTo("started");
    }

    @Test
    void namesTheHangingPluginWhenNotReadyToAHubAdminAndCountsItToAnyoneElse(HubClient client) {
        HubClient.Response ready = client.get("/health/ready");

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().getString("error"))
            .isEqualTo("not ready: plugin:hanging: hanging: start did not finish within 300 ms; " + STUCK);
        HubClient.Response anyone = client.anonymous().get("/health/ready");
        assertThat(anyone.status()).isEqualTo(503);
        assertThat(anyone.json().getString("error")).matches("not ready: plugins: 1 of \\d+ enabled plugins did not "
            + "start; a hub-admin reads which and why");
        assertThat(anyone.body()).doesNotContain("hanging");
    }
}
