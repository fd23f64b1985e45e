package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.event;
import static de.datenhafen.testkit.EventsApiTest.newType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.Hub;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.config.HubConfig;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a producer sees when the bus's writer cannot keep up: 503 with Retry-After and nothing stored, never a silent
 * loss. The hub holds at most {@value #CAPACITY} events waiting to be written.
 *
 * <p>"Cannot keep up" is made deterministic by holding the writer thread after a commit ({@link HubExtension#holdBus}).
 * While it holds, the events just committed still occupy the queue, exactly as a slow disk would leave them.
 */
class EventsBackpressureTest {

    private static final int CAPACITY = 5;
    private static final String BATCH = "application/cloudevents-batch+json";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.BUS_QUEUE_CAPACITY, CAPACITY).build();

    @Test
    void answers503WithRetryAfterWhileTheWriterIsBehind(HubClient client) throws Exception {
        String type = newType();
        try (HubExtension.BusHold held = hub.holdBus()) {
            assertThat(client.post("/api/v1/events", BATCH, batch(type, "fill", CAPACITY)).status()).isEqualTo(202);

            HubClient.Response r = client.post("/api/v1/events", BATCH, batch(type, "more", 1));

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.json().getString("error")).isEqualTo("the event log is busy: 5 events are waiting to be stored");
        }
    }

    @Test
    void storesNothingOfARequestAnswered503(HubClient client, Hub h) throws Exception {
        String type = newType();
        try (HubExtension.BusHold held = hub.holdBus()) {
            client.post("/api/v1/events", BATCH, batch(type, "fill", CAPACITY));
            assertThat(client.post("/api/v1/events", BATCH, batch(type, "more", 1)).status()).isEqualTo(503);
        }

        assertThat(h.eventLog().read(EventFilter.ofTypes(type), 0, 100)).hasSize(CAPACITY)
            .allMatch(e -> e.event().getId().startsWith("fill-"));
    }

    @Test
    void acceptsTheRetryOnceTheWriterHasCaughtUp(HubClient client) throws Exception {
        String type = newType();
        try (HubExtension.BusHold held = hub.holdBus()) {
            client.post("/api/v1/events", BATCH, batch(type, "fill", CAPACITY));
            assertThat(client.post("/api/v1/events", BATCH, batch(type, "more", 1)).status()).isEqualTo(503);
        }

        // the writer counts the stalled group as done just after the listener returns
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(client.post("/api/v1/events", BATCH, batch(type, "more", 1)).status()).isEqualTo(202));
    }

    @Test
    void refusesABatchLargerThanTheWholeQueueWith400(HubClient client, Hub h) {
        String type = newType();

        HubClient.Response r = client.post("/api/v1/events", BATCH, batch(type, "big", CAPACITY * 2));

        // retrying cannot help, so this is not a 503
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("events");
        assertThat(r.json().getString("error")).isEqualTo("a batch may hold at most 5 events, this one has 10");
        assertThat(h.eventLog().read(EventFilter.ofTypes(type), 0, 100)).isEmpty();
    }

    private static String batch(String type, String prefix, int n) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < n; i++) {
            a.add(event(prefix + "-" + i, type));
        }
        return a.encode();
    }
}
