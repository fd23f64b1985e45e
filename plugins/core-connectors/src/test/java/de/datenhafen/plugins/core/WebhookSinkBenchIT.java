package de.datenhafen.plugins.core;

import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhook delivery to local receivers, for one and for ten targets of the same events: events/s when a burst is on
 * the bus at once, and the time from the bus append (the call that appends the event's batch) to its receipt, p50 and p99,
 * with events appended one at a time, 20 a second. One target with concurrency 1 and 4, ten with 1. Skipped unless {@code -Dbench=true}: {@code ./mvnw -B verify
 * -pl plugins/core-connectors -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WebhookSinkBenchIT
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dbench=true [-Dbench.events=5000]}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class WebhookSinkBenchIT {

    @RegisterExtension
    // the receivers are on 127.0.0.1: sinks reach public addresses only unless the hub's operator lists more
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("sinks.allowed-private-hosts", "127.0.0.1").build();

    @Test
    void measuresDeliveryToOneAndToTenTargets(HubClient client) throws Exception {
        int events = Integer.getInteger("bench.events", 5000);
        for (int[] setup : new int[][] {{1, 1}, {1, 4}, {10, 1}}) {
            int targets = setup[0];
            int concurrency = setup[1];
            List<WebhookReceiver> receivers = new ArrayList<>();
            try {
                for (int t = 0; t < targets; t++) {
                    WebhookReceiver r = new WebhookReceiver(WebhookSinkIT.SECRET);
                    receivers.add(r);
                    WebhookSinkIT.create(client, "bench-" + targets + "-" + concurrency + "-" + t,
                        WebhookSinkIT.config("bench." + targets + "." + concurrency, r.url("/in"))
                            .put("concurrency", concurrency));
                }
                // burst: all events on the bus at once, time until every target has every one
                long start = System.nanoTime();
                publish("bench." + targets + "." + concurrency, events, 500, 0, null);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> receivers.stream().allMatch(r -> r.deliveries.size() >= events));
                long end = receivers.stream().mapToLong(r -> r.deliveries.get(events - 1).receivedNanos()).max()
                    .orElseThrow();
                double perTarget = events / ((end - start) / 1e9);
                // paced: one event every 50 ms (20/s, well below what a target takes), latency from the append
                Map<String, Long> committed = new ConcurrentHashMap<>();
                int paced = Integer.getInteger("bench.paced", 300);
                receivers.forEach(r -> r.deliveries.clear());
                publish("bench." + targets + "." + concurrency, paced, 1, 50, committed);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> receivers.stream().allMatch(r -> r.deliveries.size() >= paced));
                long[] latencies = receivers.stream().flatMap(r -> r.deliveries.stream())
                    .mapToLong(d -> d.receivedNanos() - committed.get(d.eventId())).sorted().toArray();
                System.out.printf("webhook bench, %d target(s), concurrency %d: burst of %d: %.0f events/s per target, "
                        + "%.0f deliveries/s in all; paced 20/s: append to receipt p50 %.1f ms, p99 %.1f ms, max %.1f "
                        + "ms%n", targets, concurrency, events, perTarget, perTarget * targets, ms(latencies, 0.5),
                    ms(latencies, 0.99), latencies[latencies.length - 1] / 1e6);
            } finally {
                receivers.forEach(WebhookReceiver::close);
                for (int t = 0; t < targets; t++) {
                    client.delete("/api/v1/admin/integrations/bench-" + targets + "-" + concurrency + "-" + t);
                }
            }
        }
    }

    private static void publish(String type, int count, int batch, long pauseMillis, Map<String, Long> committed)
        throws InterruptedException {
        for (int from = 0; from < count; from += batch) {
            List<NewBusEvent> chunk = IntStream.range(from, Math.min(count, from + batch))
                .mapToObj(i -> NewBusEvent.json(type, "s-" + (i % 50), "{\"n\":" + i + "}")).toList();
            long at = System.nanoTime(); // the append starts
            hub.publish("tests", chunk);
            if (committed != null) {
                chunk.forEach(e -> committed.put(e.id(), at));
            }
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis); // the pace of the producer being measured, not a wait for a result
            }
        }
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

}
