package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.Hub;
import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.StoredEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Puts events on a test hub's bus and reads what the {@code fixture-sink} connector recorded. */
final class BusTestSupport {

    /** An event the sink accepted: the original's sequence, subject and data. */
    record Received(long sequence, String subject, String data) {
    }

    private BusTestSupport() {
    }

    /** A hub with the sink plugin (built in {@code archives}) whose subscriptions try an event twice, 10 ms apart. */
    static HubExtension.Builder sinkHub(java.nio.file.Path archives) {
        return HubExtension.builder()
            .config(de.datenhafen.core.config.HubConfig.BUS_RETRY_ATTEMPTS, 2)
            .config(de.datenhafen.core.config.HubConfig.BUS_RETRY_BACKOFF, "10ms")
            .plugin(() -> de.datenhafen.fixtures.SinkPlugin.archive(archives));
    }

    /** The hub with its bus on Kafka (testkit's {@link Kafka}, shared in this JVM), its topics named {@code prefix...}. */
    static HubExtension.Builder onKafka(HubExtension.Builder builder, String prefix) {
        return builder.config(de.datenhafen.core.config.HubConfig.BUS_KIND, "kafka")
            .config(de.datenhafen.core.config.HubConfig.BUS_KAFKA_BOOTSTRAP_SERVERS, Kafka.shared().bootstrapServers())
            .config(de.datenhafen.core.config.HubConfig.BUS_KAFKA_TOPIC_PREFIX, prefix);
    }

    /** Appends one event and returns its sequence once it is committed. */
    static long append(Hub hub, String type, String subject, String data) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(UUID.randomUUID().toString())
            .withSource(URI.create("/tests")).withType(type)
            .withData("application/json", data.getBytes(StandardCharsets.UTF_8));
        if (subject != null) {
            b.withSubject(subject);
        }
        List<AppendResult> results = hub.eventLog().append(List.of(new NewEvent(b.build(), "test"))).join();
        return results.get(0).sequence();
    }

    /** What the sink recorded as {@code recordType}, in the order it accepted the events. */
    static List<Received> received(Hub hub, String recordType) {
        List<Received> out = new ArrayList<>();
        for (StoredEvent e : hub.eventLog().read(EventFilter.ofTypes(recordType), 0, 100_000)) {
            JsonObject data = new JsonObject(new String(e.event().getData().toBytes(), StandardCharsets.UTF_8));
            out.add(new Received(data.getLong("sequence"), e.event().getSubject(), data.getString("data")));
        }
        return out;
    }

    static List<Long> sequences(List<Received> received) {
        return received.stream().map(Received::sequence).toList();
    }

    /** Creates a running {@code fixture-sink} integration; {@code config} adds to subscription, types, record-type. */
    static void sink(HubClient client, String name, String subscription, String types, String recordType,
                     JsonObject config) {
        JsonObject c = config.copy().put("subscription", subscription).put("types", types)
            .put("record-type", recordType);
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "fixture-sink").put("config", c));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("state")).as(r.toString()).isEqualTo("running");
    }

    static JsonObject subscription(HubClient client, String name, String types, Object from) {
        HubClient.Response r = client.post("/api/v1/admin/subscriptions", new JsonObject().put("name", name)
            .put("types", new io.vertx.core.json.JsonArray().add(types)).put("from", from));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }
}
