package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.event;
import static de.datenhafen.testkit.EventsApiTest.newType;
import static de.datenhafen.testkit.EventsApiTest.stored;
import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whatever door an event comes through (the events API or a plugin route), its attributes are printable, valid
 * Unicode and fit their columns: otherwise 400 naming the attribute, and nothing of the request is stored.
 */
class EventAttributeRulesTest {

    private static final Path ARCHIVES = TestDirs.create("event-rules");
    private static final String STRUCTURED = "application/cloudevents+json";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @Test
    void refusesANulInAnIdNamingTheId(HubClient client) {
        String type = newType();

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, event("r-1\u0000x", type).encode());

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("id");
        assertThat(r.json().getString("error")).isEqualTo("id holds the control character U+0000 at position 3; "
            + "attributes are printable text");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void refusesAnUnpairedSurrogateSoTwoIdsCannotCollide(HubClient client) {
        String type = newType();
        // as a JSON escape: Java's HTTP client would turn a raw unpaired surrogate into '?' before sending it
        String batch = new JsonArray().add(event("ok-1", type)).add(event("a-SURROGATE", type)).encode()
            .replace("a-SURROGATE", "a\\ud800");

        HubClient.Response r = client.post("/api/v1/events", "application/cloudevents-batch+json", batch);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("[1].id");
        assertThat(r.json().getString("error")).contains("unpaired UTF-16 surrogate");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void refusesAControlCharacterInABinaryModeTypeNamingItsHeader(HubClient client) {
        HubClient.Response r = client.post("/api/v1/events", Map.of("ce-specversion", "1.0", "ce-id", "b-1",
            "ce-source", "/s", "ce-type", "air.reading%0Aforged", "Content-Type", "application/json"), "{}");

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("ce-type");
    }

    @Test
    void refusesASubjectLongerThanItsColumnNamingTheSubject(HubClient client) {
        String type = newType();
        JsonObject e = event("long-subject", type).put("subject", "s".repeat(1025));

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, e.encode());

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("subject");
        assertThat(r.json().getString("error")).isEqualTo("subject has 1025 characters; at most 1024 are stored");
    }

    @Test
    void aPluginRouteGivingTheBusAnOverlongSubjectFromARequestAnswers400NotA500(HubClient client) {
        String type = newType();
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "rules-in").put("connector", "fixture-ingest")
            .put("config", new JsonObject().put("path", "rules-in").put("type", type)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/fixture/rules-in",
            Map.of("Content-Type", "application/json", "X-Subject", "x".repeat(2000)), "{}");

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("subject");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void refusesDataOverOneMebibyteNamingTheData(HubClient client) {
        String type = newType();
        JsonObject e = event("big", type).put("data", new JsonObject().put("blob", "x".repeat(1024 * 1024)));

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, e.encode());

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("data");
        assertThat(r.json().getString("error")).endsWith("bytes; an event carries at most 1048576 (1 MiB)");
    }

    @Test
    void aPageOfEventsIsCutAfterFourMebibytesAndNextContinuesWhereItWasCut(HubClient client) {
        String type = newType();
        String blob = "y".repeat(900 * 1024);
        for (int i = 0; i < 7; i++) {
            HubClient.Response r = client.post("/api/v1/events", STRUCTURED,
                event("page-" + i, type).put("data", new JsonObject().put("blob", blob)).encode());
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
        }

        JsonObject first = client.get("/api/v1/events?limit=1000&type=" + type).json();
        JsonArray firstEvents = first.getJsonArray("events");
        JsonObject second = client.get("/api/v1/events?limit=1000&type=" + type + "&after=" + first.getLong("next"))
            .json();

        assertThat(firstEvents).hasSize(5);
        assertThat(first.getLong("next")).isEqualTo(firstEvents.getJsonObject(4).getLong("sequence"));
        assertThat(second.getJsonArray("events")).hasSize(2);
        assertThat(second.getJsonArray("events").getJsonObject(1).getJsonObject("event").getString("id"))
            .isEqualTo("page-6");
    }

}
