package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core-connectors plugin loaded from its packaged archive into a real hub. */
class CoreConnectorsIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    @Test
    void httpIngestPutsEachPostedObjectOnTheBusBeforeAnswering(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "parking").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "parking").put("type", "city.parking.occupancy")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/parking",
            java.util.Map.of("Content-Type", "application/json", "X-Subject", "garage-7"), "{\"free\":12}");

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        long sequence = r.json().getLong("sequence");
        List<StoredEvent> events = hub.hub().eventLog().read(EventFilter.ofTypes("city.parking.occupancy"), 0, 10);
        assertThat(events).hasSize(1);
        StoredEvent e = events.get(0);
        assertThat(e.sequence()).isEqualTo(sequence);
        assertThat(e.member()).isEqualTo("Datenhafen");
        assertThat(e.event().getSubject()).isEqualTo("garage-7");
        assertThat(new String(e.event().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"free\":12}");
    }

    @Test
    void httpIngestRefusesWhatIsNotOneJsonObjectAndStoresNothing(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "strict").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "strict").put("type", "city.strict")));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/strict",
            "application/json", "[1,2,3]");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("the body must be one JSON object");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(hub.hub().eventLog().read(EventFilter.ofTypes("city.strict"), 0, 10)).isEmpty();
    }

    @Test
    void httpIngestWithATokenTurnsAwayCallersWithoutIt(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "guarded").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "guarded").put("type", "city.guarded")
                .put("token", "s3cret-value-for-test")));

        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/guarded", "application/json", "{}")
            .status()).isEqualTo(401);
        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/guarded",
            java.util.Map.of("X-Token", "s3cret-value-for-test"), "{\"a\":1}").status()).isEqualTo(202);
        assertThat(client.get("/api/v1/admin/integrations/guarded").json().getJsonObject("config")
            .getString("token")).isEqualTo("********");
    }

    @Test
    void logSinkReadsTheBusThroughItsSubscription(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "watch").put("connector", "log-sink")
            .put("config", new JsonObject().put("types", new io.vertx.core.json.JsonArray().add("city.watched"))));
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "watched-in").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "watched").put("type", "city.watched")));

        for (int i = 0; i < 3; i++) {
            assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/watched", "application/json",
                "{\"n\":" + i + "}").status()).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(client.get("/api/v1/admin/integrations/watch").json()
                .getJsonObject("messages").getLong("in")).isEqualTo(3));
    }
}
