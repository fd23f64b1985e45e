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
            .put("config", new JsonObject().put("path", "parking").put("type", "city.parking.occupancy")
                .put("anonymous", true)));
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
            .put("config", new JsonObject().put("path", "strict").put("type", "city.strict").put("anonymous", true)));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/strict",
            "application/json", "[1,2,3]");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("the body must be one JSON object");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(hub.hub().eventLog().read(EventFilter.ofTypes("city.strict"), 0, 10)).isEmpty();
    }

    @Test
    void httpIngestAnswersAnEmptyBodyWith400SayingWhatToSend(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "hollow").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "hollow").put("type", "city.hollow").put("anonymous", true)));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/hollow",
            "application/json", "");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send one JSON object")
            .put("field", "body"));
        assertThat(hub.hub().eventLog().read(EventFilter.ofTypes("city.hollow"), 0, 10)).isEmpty();
    }

    @Test
    void aSecondIngestOnAPathAnotherServesIsRefusedWith409NamingItsOwnerAndTheWayOut(HubClient client) {
        JsonObject config = new JsonObject().put("path", "spots").put("type", "city.parking.occupancy")
            .put("anonymous", true);
        assertThat(client.post("/api/v1/admin/integrations", new JsonObject().put("name", "spots-ingest")
            .put("connector", "http-ingest").put("config", config)).status()).isEqualTo(201);

        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "spots")
            .put("connector", "http-ingest").put("config", config.copy().put("max-body", 1024)));

        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "path /api/v1/plugins/core-connectors/spots is "
            + "already served by integration spots-ingest: choose another path or delete integration spots-ingest")
            .put("field", "config.path"));
        assertThat(client.get("/api/v1/admin/integrations/spots").status()).isEqualTo(404);
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
    void httpIngestWithoutTokenOrAnonymousIsClosedAndSaysHowToOpenIt(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "closed").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "closed").put("type", "city.closed")));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject view = client.get("/api/v1/admin/integrations/closed").json();
        assertThat(view.getString("state")).isEqualTo("failed");
        assertThat(view.getJsonObject("lastError").getString("message")).isEqualTo("an ingest is closed by default: set a token (callers send it "
            + "in X-Token) or anonymous: true to let anyone post");
        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/closed", "application/json", "{}")
            .status()).isEqualTo(404);
        assertThat(hub.hub().eventLog().read(EventFilter.ofTypes("city.closed"), 0, 10)).isEmpty();
    }

    @Test
    void httpIngestRefusesMalformedJsonAndInvalidUtf8(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "picky").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "picky").put("type", "city.picky").put("anonymous", true)));

        for (byte[] body : new byte[][] {"{not json}".getBytes(StandardCharsets.UTF_8),
            "{\"a\":1} {\"b\":2}".getBytes(StandardCharsets.UTF_8),
            {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}}) {
            HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/picky",
                "application/json", body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("error")).startsWith("the body is not valid JSON in UTF-8");
            assertThat(r.json().getString("field")).isEqualTo("body");
        }
        assertThat(hub.hub().eventLog().read(EventFilter.ofTypes("city.picky"), 0, 10)).isEmpty();
    }

    @Test
    void httpIngestRefusesASubjectOver1024CharactersNamingTheHeader(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "subjects").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "subjects").put("type", "city.subjects").put("anonymous", true)));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/subjects",
            java.util.Map.of("Content-Type", "application/json", "X-Subject", "s".repeat(1025)), "{}");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("X-Subject");
        assertThat(r.json().getString("error")).isEqualTo("the subject has 1025 characters, at most 1024 are accepted");
    }

    @Test
    void logSinkReadsTheBusThroughItsSubscription(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "watch").put("connector", "log-sink")
            .put("config", new JsonObject().put("types", new io.vertx.core.json.JsonArray().add("city.watched"))));
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "watched-in").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "watched").put("type", "city.watched").put("anonymous", true)));

        for (int i = 0; i < 3; i++) {
            assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/watched", "application/json",
                "{\"n\":" + i + "}").status()).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(client.get("/api/v1/admin/integrations/watch").json()
                .getJsonObject("messages").getLong("in")).isEqualTo(3));
    }
}
