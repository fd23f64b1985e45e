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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** At least once across a restart of the hub: the cursor moves only after the consumer succeeded. */
class BusDeliveryAcrossRestartTest {

    private static final Path ARCHIVES = TestDirs.create("bus-restart");
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.BUS_RETRY_ATTEMPTS, 1_000_000)
        .config(HubConfig.BUS_RETRY_BACKOFF, "20ms")
        .config(HubConfig.BUS_RETRY_MAX_BACKOFF, "50ms")
        .plugin(() -> SinkPlugin.archive(ARCHIVES))
        .build();

    @Test
    void losesNoEventWhenTheHubRestartsWhileDeliveriesArePending(HubClient client) {
        sink(client, "slow-sink", "slow", "slow.event", "rec.slow", new JsonObject().put("delay-ms", 20));
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sent.add(append(hub.hub(), "slow.event", "room-" + (i % 4), "{\"n\":" + i + "}"));
        }
        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.slow").size() >= 5);
        assertThat(received(hub.hub(), "rec.slow").size()).as("still pending at the restart").isLessThan(60);

        hub.restart();

        await().atMost(BOUND).until(() -> new TreeSet<>(sequences(received(hub.hub(), "rec.slow"))).size() >= 60);
        assertThat(new TreeSet<>(sequences(received(hub.hub(), "rec.slow")))).containsExactlyElementsOf(sent);
    }

    @Test
    void deliversAfterARestartTheEventWhoseDeliveryHadNotYetSucceeded(HubClient client) throws IOException {
        Path failing = Files.createFile(ARCHIVES.resolve("restart-fails"));
        sink(client, "stuck-sink", "stuck", "stuck.event", "rec.stuck",
            new JsonObject().put("fail-containing", "poison").put("fail-while-file", failing.toString()));
        long fine = append(hub.hub(), "stuck.event", "s", "{\"v\":\"fine\"}");
        long stuck = append(hub.hub(), "stuck.event", "s", "{\"v\":\"poison\"}");
        long next = append(hub.hub(), "stuck.event", "s", "{\"v\":\"after\"}");
        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.stuck").size() >= 1);

        hub.restart();
        HubClient restarted = hub.client();
        // The cursor may have skipped past the sink's own rec.stuck events (they do not match the subscription's
        // filter) and so stand above `fine`, but never at or past the event that failed.
        assertThat(restarted.get("/api/v1/admin/subscriptions/stuck").json().getLong("cursor"))
            .as("the cursor waits before the event that failed").isBetween(fine, stuck - 1);
        Files.delete(failing);

        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.stuck").size() >= 3);
        assertThat(sequences(received(hub.hub(), "rec.stuck"))).containsExactly(fine, stuck, next);
        assertThat(restarted.get("/api/v1/admin/subscriptions/stuck").json().getLong("deadLetters")).isZero();
    }

    @Test
    void keepsTheCursorBeforeAFailedBatchAcrossARestart(HubClient client) throws IOException {
        Path failing = Files.createFile(ARCHIVES.resolve("restart-batch-fails"));
        BusTestSupport.subscription(client, "stuck-batch", "stuck-batch.event", "end");
        long fine = append(hub.hub(), "stuck-batch.event", "s", "{\"v\":\"fine\"}");
        long stuck = append(hub.hub(), "stuck-batch.event", "s", "{\"v\":\"poison\"}");
        long next = append(hub.hub(), "stuck-batch.event", "s", "{\"v\":\"after\"}");
        sink(client, "stuck-batch-sink", "stuck-batch", "stuck-batch.event", "rec.stuck-batch",
            new JsonObject().put("max-batch", 10).put("fail-containing", "poison")
                .put("fail-while-file", failing.toString()));
        // the batch of three has failed a few times, each attempt all or nothing
        await().atMost(BOUND).until(() -> client.get("/api/v1/admin/integrations/stuck-batch-sink").json()
            .getJsonObject("messages").getLong("failed") >= 3);

        hub.restart();
        HubClient restarted = hub.client();
        assertThat(restarted.get("/api/v1/admin/subscriptions/stuck-batch").json().getLong("cursor"))
            .as("the cursor waits before the failed batch").isLessThan(fine);
        assertThat(received(hub.hub(), "rec.stuck-batch")).isEmpty();
        Files.delete(failing);

        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.stuck-batch").size() >= 3);
        assertThat(sequences(received(hub.hub(), "rec.stuck-batch"))).containsExactly(fine, stuck, next);
        assertThat(restarted.get("/api/v1/admin/subscriptions/stuck-batch").json().getLong("deadLetters")).isZero();
    }
}
