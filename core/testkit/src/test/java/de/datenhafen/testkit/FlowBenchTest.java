package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.camel.RouteOwner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18's flow number: a flow (filter and transform between two bus types) against the same work as a
 * hand-written Java route in the same hub, alternating rounds. Each round starts its consumer on a type of its own
 * (a new subscription reads from the end of the log), then puts {@code bench.events} events of that type on the bus
 * in batches of 500 (4 in 5 above the filter's threshold) and times from the first batch until every passing event
 * is on the bus as the output type: ingest and consumer together, bus commits included, the same for both.
 * Skipped unless {@code -Dbench=true}:
 *
 * <pre>./mvnw -B -q verify -pl core/testkit -am -Dtest=FlowBenchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *   -DskipITs -Dbench=true</pre>
 *
 * Options {@code bench.events} (20,000), {@code bench.rounds} (3 of each, after one warm-up of each); figures in
 * {@code target/flow-bench.txt}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class FlowBenchTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void aFlowAgainstAHandWrittenJavaRouteDoingTheSame() throws Exception {
        int events = Integer.getInteger("bench.events", 20_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Double> flow = new ArrayList<>();
        List<Double> java = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int r = 0; r < 2 * rounds + 2; r++) { // the first two (one of each) warm up and are not counted
            boolean isFlow = r % 2 == 0;
            boolean counted = r >= 2;
            String in = "bench.in." + r;
            String out = "bench.out." + r;
            if (isFlow) {
                HubClient.Response created = hub.client().post("/api/v1/admin/flows", new JsonObject()
                    .put("definition", """
                        name: bench-%d
                        from:
                          bus: %s
                        steps:
                          - filter: co2 > 1000
                          - transform: '{"room": room, "ppm": co2}'
                          - bus: {type: %s}
                        """.formatted(r, in, out)));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
            } else {
                javaRoute("bench-java-" + r, in, out);
            }
            long t0 = System.nanoTime();
            int passing = put(in, events);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> count(out) >= passing);
            double rate = events / ((System.nanoTime() - t0) / 1e9);
            if (counted) {
                (isFlow ? flow : java).add(rate);
            }
            lines.append(String.format(Locale.ROOT, "  round %d, %-10s: %,8.0f events/s%s%n", r + 1,
                isFlow ? "flow" : "Java route", rate, counted ? "" : " (warm-up)"));
            assertThat(count(out)).isEqualTo(passing);
        }
        double f = median(flow);
        double j = median(java);
        String text = String.format(Locale.ROOT, "# flow (filter + transform, bus to bus) against a Java route, %,d "
            + "events a round, %d cores, load average %s%n%sflow median %,.0f events/s, Java route %,.0f, ratio %.3f",
            events, Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim(),
            lines, f, j, f / j);
        System.out.println(text);
        Files.writeString(Path.of("target/flow-bench.txt"), text + System.lineSeparator());
    }

    /** The same as the flow, as a plugin author would write it: parse, filter, map, put on the bus. */
    private static void javaRoute(String name, String in, String out) throws Exception {
        hub.hub().camel().addRoutes(new RouteOwner(name, "bench", "hub", FlowBenchTest.class.getClassLoader()),
            new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + in + "?subscription=" + name).routeId(name + ".route")
                        .process(x -> {
                            JsonObject data = new JsonObject(x.getIn().getBody(String.class));
                            x.setProperty("pass", data.getInteger("co2") > 1000);
                            x.getIn().setHeader(BusHeaders.ID, x.getIn().getHeader(BusHeaders.ID) + "-out");
                            x.getIn().setBody(new JsonObject().put("room", data.getString("room"))
                                .put("ppm", data.getInteger("co2")).encode());
                        })
                        .filter(exchangeProperty("pass"))
                        .to("bus:" + out);
                }
            });
    }

    /** Puts {@code n} events of {@code type} on the bus in batches of 500; how many pass the filter. */
    private static int put(String type, int n) {
        int passing = 0;
        for (int i = 0; i < n; i += 500) {
            JsonArray batch = new JsonArray();
            for (int k = i; k < Math.min(n, i + 500); k++) {
                int co2 = k % 5 == 0 ? 800 : 1200;
                passing += co2 > 1000 ? 1 : 0;
                batch.add(new JsonObject().put("specversion", "1.0").put("id", type + "-" + k)
                    .put("source", "/bench").put("type", type).put("subject", "room-" + (k % 50))
                    .put("datacontenttype", "application/json")
                    .put("data", new JsonObject().put("room", "room-" + (k % 50)).put("co2", co2)));
            }
            HubClient.Response r = hub.client().post("/api/v1/events", "application/cloudevents-batch+json",
                batch.encode());
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
        }
        return passing;
    }

    private static long count(String type) {
        return hub.hub().eventLog().countAfter(EventFilter.ofTypes(type), 0, Long.MAX_VALUE);
    }

    private static double median(List<Double> values) {
        List<Double> v = values.stream().sorted().toList();
        return v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
    }
}
