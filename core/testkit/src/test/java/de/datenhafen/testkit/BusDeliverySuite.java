package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.append;
import static de.datenhafen.testkit.BusTestSupport.received;
import static de.datenhafen.testkit.BusTestSupport.sequences;
import static de.datenhafen.testkit.BusTestSupport.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.SinkPlugin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bus's delivery promises through a Camel route in process: the fixture plugin's {@code fixture-sink} consumes
 * {@code bus:<types>?subscription=<name>} and records what it accepts. On the hub's database ({@link BusDeliveryTest})
 * and with the bus on Kafka ({@link KafkaBusDeliveryTest}), where subscriptions are consumer groups and dead letters a
 * topic.
 */
abstract class BusDeliverySuite {

    static final Path ARCHIVES = TestDirs.create("bus-delivery");
    private static final Duration BOUND = Duration.ofSeconds(15);

    /** The hub under test, built from {@link #builder}. */
    abstract HubExtension hub();

    /** A hub with the sink plugin and short retries; the subclass adds where its bus is. */
    static HubExtension.Builder builder() {
        return HubExtension.builder()
            .config(HubConfig.BUS_RETRY_ATTEMPTS, 3)
            .config(HubConfig.BUS_RETRY_BACKOFF, "50ms")
            .config(HubConfig.BUS_RETRY_MAX_BACKOFF, "1s")
            .plugin(() -> SinkPlugin.archive(ARCHIVES));
    }

    @Test
    void deliversEachSubjectsEventsInSequenceOrder(HubClient client) {
        sink(client, "order-sink", "order", "order.placed", "rec.order", new JsonObject());
        Map<String, List<Long>> sent = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            String subject = "room-" + (i % 3);
            sent.computeIfAbsent(subject, s -> new ArrayList<>())
                .add(append(hub().hub(), "order.placed", subject, "{\"n\":" + i + "}"));
        }

        await().atMost(BOUND).until(() -> received(hub().hub(), "rec.order").size() >= 30);

        Map<String, List<Long>> got = new LinkedHashMap<>();
        received(hub().hub(), "rec.order").forEach(r -> got.computeIfAbsent(r.subject(), s -> new ArrayList<>())
            .add(r.sequence()));
        assertThat(got).isEqualTo(sent);
    }

    @Test
    void retriesAFailingDeliveryUntilAnAttemptSucceeds(HubClient client) {
        sink(client, "flaky-sink", "flaky", "flaky.event", "rec.flaky", new JsonObject().put("fail-first", 2));
        long first = append(hub().hub(), "flaky.event", "s", "{\"n\":1}");
        long second = append(hub().hub(), "flaky.event", "s", "{\"n\":2}");

        await().atMost(BOUND).until(() -> received(hub().hub(), "rec.flaky").size() >= 2);

        assertThat(sequences(received(hub().hub(), "rec.flaky"))).containsExactly(first, second);
        assertThat(client.get("/api/v1/admin/subscriptions/flaky").json().getLong("deadLetters")).isZero();
    }

    @Test
    void deadLettersAnEventAfterItsRetriesAndCarriesOnWithTheNext(HubClient client) {
        sink(client, "poison-sink", "poison", "poison.event", "rec.poison",
            new JsonObject().put("fail-containing", "poison"));
        long before = append(hub().hub(), "poison.event", "s", "{\"v\":\"fine\"}");
        long bad = append(hub().hub(), "poison.event", "s", "{\"v\":\"poison\"}");
        long after = append(hub().hub(), "poison.event", "s", "{\"v\":\"fine again\"}");

        await().atMost(BOUND).until(() -> received(hub().hub(), "rec.poison").size() >= 2);

        assertThat(sequences(received(hub().hub(), "rec.poison"))).containsExactly(before, after);
        JsonObject dead = client.get("/api/v1/admin/dead-letters?subscription=poison").json()
            .getJsonArray("deadLetters").getJsonObject(0);
        assertThat(dead.getJsonObject("event").getLong("sequence")).isEqualTo(bad);
        assertThat(dead.getInteger("attempts")).isEqualTo(3);
        assertThat(dead.getString("error")).isEqualTo("refused event " + bad + ": it contains 'poison'");
    }

    @Test
    void waitsLongerAfterEachFailedAttemptBeforeGivingUp(HubClient client) {
        sink(client, "backoff-sink", "backoff", "backoff.event", "rec.backoff",
            new JsonObject().put("fail-containing", "poison"));
        append(hub().hub(), "backoff.event", "s", "{\"v\":\"poison\"}");

        await().atMost(BOUND).until(() -> !client.get("/api/v1/admin/dead-letters?subscription=backoff").json()
            .getJsonArray("deadLetters").isEmpty());

        JsonObject dead = client.get("/api/v1/admin/dead-letters?subscription=backoff").json()
            .getJsonArray("deadLetters").getJsonObject(0);
        Duration retrying = Duration.between(Instant.parse(dead.getString("firstFailedAt")),
            Instant.parse(dead.getString("lastFailedAt")));
        // 50 ms after the first failure, 100 ms after the second, each shortened by the jitter (bus.retry.jitter,
        // 0.2 by default) by at most a fifth: at least 120 ms, where retries without waiting would take a few ms
        assertThat(retrying).as(dead.encode()).isGreaterThanOrEqualTo(Duration.ofMillis(120));
    }

    @Test
    void replayDeliversADeadLetterOnceTheConsumerStopsFailing(HubClient client) throws IOException {
        Path failing = Files.createFile(ARCHIVES.resolve("replay-fails-" + getClass().getSimpleName()));
        sink(client, "replay-sink", "replay", "replay.event", "rec.replay",
            new JsonObject().put("fail-containing", "poison").put("fail-while-file", failing.toString()));
        long bad = append(hub().hub(), "replay.event", "s", "{\"v\":\"poison\"}");
        await().atMost(BOUND).until(() -> !client.get("/api/v1/admin/dead-letters?subscription=replay").json()
            .getJsonArray("deadLetters").isEmpty());
        long id = client.get("/api/v1/admin/dead-letters?subscription=replay").json().getJsonArray("deadLetters")
            .getJsonObject(0).getLong("id");
        Files.delete(failing);

        HubClient.Response r = client.post("/api/v1/admin/dead-letters/" + id + "/replay");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("delivered", true).put("id", id));
        assertThat(sequences(received(hub().hub(), "rec.replay"))).containsExactly(bad);
        assertThat(client.get("/api/v1/admin/dead-letters?subscription=replay").json().getJsonArray("deadLetters"))
            .isEmpty();
    }
}
