package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.received;
import static de.datenhafen.testkit.BusTestSupport.sequences;
import static de.datenhafen.testkit.BusTestSupport.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.bus.KafkaEventLog;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.SinkPlugin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub with {@code bus.kind=kafka} on a real broker (testkit's {@link Kafka}, in this JVM) and a real HTTP port:
 * what a client sees is what it sees on H2. Events posted over HTTP are numbered, stored once, delivered through a
 * subscription, and still there after a restart, when the window of duplicates is rebuilt from the topic.
 */
class KafkaBusTest {

    private static final Path ARCHIVES = TestDirs.create("kafka-bus");
    private static final String BATCH = "application/cloudevents-batch+json";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.BUS_KIND, "kafka")
        .config(HubConfig.BUS_KAFKA_BOOTSTRAP_SERVERS, Kafka.shared().bootstrapServers())
        .config(HubConfig.BUS_KAFKA_TOPIC_PREFIX, "hub-test.")
        .plugin(() -> SinkPlugin.archive(ARCHIVES))
        .build();

    @Test
    void storesPostedEventsInKafkaDeliversThemAndKeepsThemAcrossARestart(HubClient client) {
        assertThat(hub.hub().eventLog()).isInstanceOf(KafkaEventLog.class);
        HubClient.Response ready = client.anonymous().get("/health/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.json().getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("name")
            + "=" + ((JsonObject) c).getString("status"))).contains("kafka=UP");
        sink(client, "noise-sink", "noise-watch", "city.noise.*", "rec.noise", new JsonObject());

        List<Long> posted = new ArrayList<>(post(client, noise(0, 3), false));
        assertThat(posted).hasSize(3);
        assertThat(posted.get(1)).isEqualTo(posted.get(0) + 1);
        assertThat(post(client, noise(0, 3), true)).as("the same batch again: stored once").isEqualTo(posted);
        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.noise").size() >= 3);
        assertThat(sequences(received(hub.hub(), "rec.noise"))).containsExactlyElementsOf(posted);

        hub.restart();
        HubClient again = hub.client();

        JsonObject page = again.get("/api/v1/events?type=city.noise.*&after=0&limit=10").json();
        assertThat(page.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("sequence")).toList())
            .isEqualTo(posted);
        assertThat(post(again, noise(1, 3), true)).as("the window of duplicates is rebuilt from the topic")
            .isEqualTo(posted.subList(1, 3));
        posted.addAll(post(again, noise(3, 5), false));
        await().atMost(BOUND).until(() -> new TreeSet<>(sequences(received(hub.hub(), "rec.noise"))).size() >= 5);
        assertThat(new TreeSet<>(sequences(received(hub.hub(), "rec.noise")))).containsExactlyElementsOf(posted);
        assertThat(again.get("/api/v1/admin/subscriptions/noise-watch").json().getLong("deadLetters")).isZero();
    }

    /** Posts a batch; returns the sequences, each answered as new or as a duplicate, as {@code duplicate} says. */
    private static List<Long> post(HubClient client, JsonArray batch, boolean duplicate) {
        HubClient.Response r = client.post("/api/v1/events", BATCH, batch.encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        List<Long> seqs = new ArrayList<>();
        for (Object o : r.json().getJsonArray("events")) {
            JsonObject e = (JsonObject) o;
            assertThat(e.getBoolean("duplicate")).as(r.toString()).isEqualTo(duplicate);
            seqs.add(e.getLong("sequence"));
        }
        return seqs;
    }

    /** Noise levels {@code from} (inclusive) to {@code to} (exclusive) at one place. */
    private static JsonArray noise(int from, int to) {
        JsonArray batch = new JsonArray();
        for (int i = from; i < to; i++) {
            batch.add(new JsonObject().put("specversion", "1.0").put("id", "koberg-" + i).put("source", "/noise/koberg")
                .put("type", "city.noise.level").put("subject", "koberg").put("datacontenttype", "application/json")
                .put("data", new JsonObject().put("laeq_db", 50 + i)));
        }
        return batch;
    }
}
