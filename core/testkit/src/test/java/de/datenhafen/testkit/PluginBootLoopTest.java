package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A plugin whose start never returns (it ignores interrupts) is the in-process stand-in for one that ends the hub:
 * its start was still running when the hub went down, so the next start leaves it disabled and says why; and a
 * thread of it that would not stop stays in view after a delete. The tests build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginBootLoopTest {

    private static final Path ARCHIVES = TestDirs.create("boot-loop");
    private static final String REASON_END = " did not finish before the hub went down, so it may be what ended the "
        + "hub (System.exit, a crash, a start that never returned); enable it to try again";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.PLUGIN_CALL_TIMEOUT, "300ms")
        .plugin(() -> Fixtures.hanging(ARCHIVES))
        .build();

    @Test
    @Order(1)
    void startsAPluginWhoseStartDidNotFinishBeforeTheHubWentDownDisabledWithTheReason() {
        assertThat(plugin().getString("state")).isEqualTo("failed");

        hub.restart();

        JsonObject hanging = plugin();
        assertThat(hanging.getString("state")).isEqualTo("disabled");
        assertThat(hanging.getString("error")).startsWith("disabled by the hub: its last start (begun ")
            .endsWith(REASON_END);
        assertThat(hub.client().anonymous().get("/health/ready").status()).isEqualTo(200);

        hub.restart();

        assertThat(plugin().getString("state")).isEqualTo("disabled");
        assertThat(plugin().getString("error")).isEqualTo(hanging.getString("error"));
    }

    @Test
    @Order(2)
    void keepsShowingADeletedPluginWhoseThreadWouldNotStop() {
        HubClient.Response enabled = hub.client().post("/api/v1/admin/plugins/hanging/enable");
        assertThat(enabled.json().getString("state")).isEqualTo("failed");
        assertThat(enabled.json().getString("error")).isEqualTo("hanging: start did not finish within 300 ms; its "
            + "thread plugin-hanging-1 still runs start after it was interrupted (the hub starts the plugin disabled "
            + "next time)");

        assertThat(hub.client().delete("/api/v1/admin/plugins/hanging").status()).isEqualTo(204);

        HubClient.Response deleted = hub.client().get("/api/v1/admin/plugins/hanging");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().getString("state")).isEqualTo("deleted");
        assertThat(deleted.json().getString("error")).isEqualTo("deleted, but its thread plugin-hanging-1 still runs "
            + "start after it was interrupted; it runs until the hub stops");
        assertThat(hub.client().get("/api/v1/admin/plugins").jsonArray().stream().map(JsonObject.class::cast)
            .filter(p -> "hanging".equals(p.getString("id"))).map(p -> p.getString("state")))
            .containsExactly("deleted");
    }

    private static JsonObject plugin() {
        HubClient.Response r = hub.client().get("/api/v1/admin/plugins/hanging");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }
}
