package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.event;
import static de.datenhafen.testkit.EventsApiTest.newType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.Hub;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events posted over HTTP and Camel routes share one log: a route consuming {@code bus:<type>?subscription=<name>}
 * (the fixture plugin's {@code fixture-counter}) takes them off the bus; the hub counts them as the integration's
 * messages in.
 */
class EventsThroughCamelTest {

    private static final Path ARCHIVES = TestDirs.create("events-camel");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @Test
    void deliversEventsPostedOverHttpToARouteSubscribedToTheirType(HubClient client) {
        String type = newType();
        counter(client, "count-posted", type);

        HubClient.Response r = client.post("/api/v1/events", "application/cloudevents-batch+json", new JsonArray()
            .add(event("c-1", type)).add(event("c-2", type)).add(event("c-3", type)).encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messagesIn(client, "count-posted"))
            .isEqualTo(3));
    }

    @Test
    void deliversOnlyTheTypesTheRouteSubscribedTo(HubClient client, Hub h) {
        String type = newType();
        counter(client, "count-filtered", type);

        client.post("/api/v1/events", "application/cloudevents+json", event("other", newType()).encode());
        long mine = client.post("/api/v1/events", "application/cloudevents+json", event("mine", type).encode())
            .json().getJsonArray("events").getJsonObject(0).getLong("sequence");

        // once the subscription is past our event, the other one (committed before it) would have been counted
        await().atMost(Duration.ofSeconds(10)).until(() -> h.subscriptions().position("count-filtered") >= mine);
        assertThat(messagesIn(client, "count-filtered")).isEqualTo(1);
    }

    @Test
    void deliversAnEventPostedTwiceOnlyOnce(HubClient client) {
        String type = newType();
        counter(client, "count-dedup", type);

        client.post("/api/v1/events", "application/cloudevents+json", event("twice", type).encode());
        client.post("/api/v1/events", "application/cloudevents+json", event("twice", type).encode());
        client.post("/api/v1/events", "application/cloudevents+json", event("after", type).encode());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messagesIn(client, "count-dedup"))
            .isEqualTo(2));
    }

    private static void counter(HubClient client, String name, String type) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "fixture-counter")
            .put("config", new JsonObject().put("types", type).put("subscription", name)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("state")).isEqualTo("running");
    }

    private static long messagesIn(HubClient client, String integration) {
        return client.get("/api/v1/admin/integrations/" + integration).json().getJsonObject("messages")
            .getLong("in");
    }
}
