package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.append;
import static de.datenhafen.testkit.BusTestSupport.sink;
import static de.datenhafen.testkit.BusTestSupport.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.SinkPlugin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batch delivery ({@code bus:<types>?subscription=<name>&maxBatch=<n>}) through the fixture's {@code fixture-sink}
 * with {@code max-batch}: the same promises as one event at a time. The subscription is made before the events go on
 * the bus and the sink starts after, so the events are in the log when the consumer first reads.
 */
class BusBatchDeliveryTest {

    private static final Path ARCHIVES = TestDirs.create("bus-batch-delivery");
    private static final Duration BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.BUS_RETRY_ATTEMPTS, 3)
        .config(HubConfig.BUS_RETRY_BACKOFF, "20ms")
        .config(HubConfig.BUS_RETRY_MAX_BACKOFF, "100ms")
        .plugin(() -> SinkPlugin.archive(ARCHIVES))
        .build();

    /** What the batch sink recorded: sequence, the delivery's first sequence and size, the event's attempt. */
    record Recorded(long sequence, long batch, int size, int attempt) {
    }

    static List<Recorded> recorded(String recordType) {
        List<Recorded> out = new ArrayList<>();
        for (StoredEvent e : hub.hub().eventLog().read(EventFilter.ofTypes(recordType), 0, 100_000)) {
            JsonObject d = new JsonObject(new String(e.event().getData().toBytes(), StandardCharsets.UTF_8));
            out.add(new Recorded(d.getLong("sequence"), d.getLong("batch"), d.getInteger("size"),
                d.getInteger("attempt")));
        }
        return out;
    }

    @Test
    void deliversBatchesOfAtMostMaxBatchEventsInSequenceOrderEachOnce(HubClient client) {
        subscription(client, "batched", "batched.event", "end");
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 95; i++) {
            sent.add(append(hub.hub(), "batched.event", "room-" + (i % 4), "{\"n\":" + i + "}"));
        }
        sink(client, "batched-sink", "batched", "batched.event", "rec.batched", new JsonObject().put("max-batch", 10));

        await().atMost(BOUND).until(() -> recorded("rec.batched").size() >= 95);

        List<Recorded> got = recorded("rec.batched");
        assertThat(got).extracting(Recorded::sequence).containsExactlyElementsOf(sent);
        assertThat(got).extracting(Recorded::attempt).containsOnly(1);
        assertThat(got).extracting(Recorded::size).allMatch(n -> n >= 1 && n <= 10);
        // 95 events already in the log: nine full batches and one of five
        assertThat(got.stream().map(Recorded::batch).distinct().count()).isEqualTo(10);
        assertThat(got.get(94).size()).isEqualTo(5);
        await().atMost(BOUND).untilAsserted(() -> {
            JsonObject view = client.get("/api/v1/admin/subscriptions/batched").json();
            assertThat(view.getLong("lag")).isZero();
            assertThat(view.getDouble("rate")).as(view.encode()).isGreaterThan(0.0);
        });
    }

    @Test
    void takesWhatIsThereWithoutWaitingToFillABatch(HubClient client) {
        sink(client, "trickle-sink", "trickle", "trickle.event", "rec.trickle", new JsonObject().put("max-batch", 500));

        long only = append(hub.hub(), "trickle.event", "s", "{\"n\":1}");

        await().atMost(BOUND).until(() -> recorded("rec.trickle").size() >= 1);
        assertThat(recorded("rec.trickle")).containsExactly(new Recorded(only, only, 1, 1));
    }

    @Test
    void retriesAFailingBatchThenSplitsItSoOnlyThePoisonEventIsDeadLettered(HubClient client) {
        subscription(client, "split", "split.event", "end");
        List<Long> good = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            good.add(append(hub.hub(), "split.event", "s", "{\"v\":\"fine " + i + "\"}"));
        }
        long bad = append(hub.hub(), "split.event", "s", "{\"v\":\"poison\"}");
        for (int i = 5; i < 9; i++) {
            good.add(append(hub.hub(), "split.event", "s", "{\"v\":\"fine " + i + "\"}"));
        }
        sink(client, "split-sink", "split", "split.event", "rec.split",
            new JsonObject().put("max-batch", 20).put("fail-containing", "poison"));

        await().atMost(BOUND).until(() -> recorded("rec.split").size() >= 9
            && client.get("/api/v1/admin/subscriptions/split").json().getLong("deadLetters") >= 1);

        List<Recorded> got = recorded("rec.split");
        assertThat(got).extracting(Recorded::sequence).containsExactlyElementsOf(good);
        // the batch of ten failed its three attempts; then each event went alone and the good ones passed at once
        assertThat(got).extracting(Recorded::size).containsOnly(1);
        assertThat(got).extracting(Recorded::attempt).containsOnly(4);
        JsonObject dead = client.get("/api/v1/admin/dead-letters?subscription=split").json()
            .getJsonArray("deadLetters").getJsonObject(0);
        assertThat(client.get("/api/v1/admin/subscriptions/split").json().getLong("deadLetters")).isEqualTo(1);
        assertThat(dead.getJsonObject("event").getLong("sequence")).isEqualTo(bad);
        assertThat(dead.getInteger("attempts")).isEqualTo(3);
        assertThat(dead.getString("error")).isEqualTo("refused event " + bad + ": it contains 'poison'");
        await().atMost(BOUND).untilAsserted(() ->
            assertThat(client.get("/api/v1/admin/subscriptions/split").json().getLong("lag")).isZero());
    }

    @Test
    void replaysADeadLetterThroughABatchConsumerAsABatchOfOne(HubClient client) throws IOException {
        Path failing = Files.createFile(ARCHIVES.resolve("batch-replay-fails"));
        sink(client, "batch-replay-sink", "batch-replay", "batch-replay.event", "rec.batch-replay",
            new JsonObject().put("max-batch", 10).put("fail-containing", "poison")
                .put("fail-while-file", failing.toString()));
        long bad = append(hub.hub(), "batch-replay.event", "s", "{\"v\":\"poison\"}");
        String deadLetters = "/api/v1/admin/dead-letters?subscription=batch-replay";
        await().atMost(BOUND).until(() -> !client.get(deadLetters).json().getJsonArray("deadLetters").isEmpty());
        long id = client.get(deadLetters).json().getJsonArray("deadLetters").getJsonObject(0).getLong("id");
        Files.delete(failing);

        HubClient.Response r = client.post("/api/v1/admin/dead-letters/" + id + "/replay");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("delivered", true).put("id", id));
        assertThat(recorded("rec.batch-replay")).containsExactly(new Recorded(bad, bad, 1, 4));
    }

    @Test
    void refusesAMaxBatchBelowOne(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "zero-sink")
            .put("connector", "fixture-sink").put("config", new JsonObject().put("subscription", "zero")
                .put("types", "zero.event").put("max-batch", 0)));

        assertThat(r.toString()).contains("maxBatch must be between 1 and 10000, was 0");
    }
}
