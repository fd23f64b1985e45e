package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The projections' rate through a real hub (the packaged plugin, the bus, the {@code bus:} consumer, the plugin's
 * schema in the hub's H2 file): readings are put on the bus first, then a projections integration with
 * {@code max-batch} 1 or 500 follows a subscription from the first of them, and the time until the subscription's
 * lag is 0 gives readings per second. Runs alternate between the two. Skipped unless {@code -Dbench=true}:
 * {@code ./mvnw -B -pl plugins/air-quality verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ProjectionsThroughHubBenchIT -Dbench=true [-Dbench.readings=20000] [-Dbench.rounds=2]}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ProjectionsThroughHubBenchIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    private static final int ROOMS = 100;

    @Test
    void appliesReadingsFromTheBusOneByOneAndInBatches(HubClient client) throws Exception {
        int readings = Integer.getInteger("bench.readings", 20_000);
        int rounds = Integer.getInteger("bench.rounds", 2);
        AirQualityIT.create(client, "bench-registry", "airquality-registry", new JsonObject());
        StringBuilder csv = new StringBuilder("site,site_name,address,latitude,longitude,room,room_name,kind,device,"
            + "since\n");
        for (int k = 0; k < ROOMS; k++) {
            csv.append("s").append(k / 25).append(",School ").append(k / 25).append(",,,,r").append(k).append(",Room ")
                .append(k).append(",classroom,").append(String.format("BE0C%012X", k)).append(",2026-01-01T00:00:00Z\n");
        }
        HubClient.Response imported = client.post("/api/v1/plugins/air-quality/registry/import", "text/csv",
            csv.toString());
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        System.out.printf("projections through the hub: %,d readings a run, %d rooms; load %s%n", readings, ROOMS,
            ProjectionsRateBench.load());

        List<String> single = new ArrayList<>();
        List<String> batched = new ArrayList<>();
        int run = 0;
        for (int r = 0; r < rounds; r++) {
            for (int maxBatch : r % 2 == 0 ? new int[] {1, 500} : new int[] {500, 1}) {
                double rate = run(client, run++, readings, maxBatch);
                (maxBatch == 1 ? single : batched).add(String.format(Locale.ROOT, "%,.0f", rate));
            }
        }
        System.out.printf("projections through the hub: max-batch 1 %s, max-batch 500 %s readings/s; load %s%n",
            single, batched, ProjectionsRateBench.load());
    }

    private double run(HubClient client, int run, int readings, int maxBatch) throws Exception {
        Instant start = Instant.parse("2026-06-01T06:00:00Z").plus(Duration.ofDays(30L * run));
        long first = -1;
        List<NewBusEvent> chunk = new ArrayList<>();
        for (int i = 0; i < readings; i++) {
            int k = i % ROOMS;
            int step = i / ROOMS;
            int phase = (step + k) % 48;
            int co2 = 600 + (phase < 24 ? phase : 47 - phase) * 80;
            chunk.add(AirQualityIT.reading("s" + (k / 25), "r" + k, start.plusSeconds(step * 300L + k % 60), co2));
            if (chunk.size() == 1000 || i == readings - 1) {
                List<Long> stored = hub.publish("test", chunk);
                first = first < 0 ? stored.get(0) : first;
                chunk.clear();
            }
        }
        String subscription = "bench-" + run;
        HubClient.Response s = client.post("/api/v1/admin/subscriptions", new JsonObject().put("name", subscription)
            .put("types", new JsonArray().add(Ingest.READING)).put("from", first));
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        long t0 = System.nanoTime();
        AirQualityIT.create(client, "bench-projections", "airquality-projections",
            new JsonObject().put("subscription", subscription).put("max-batch", maxBatch));
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() ->
            client.get("/api/v1/admin/subscriptions/" + subscription).json().getLong("lag") == 0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(client.delete("/api/v1/admin/integrations/bench-projections").status()).isIn(200, 204);
        double rate = readings / seconds;
        System.out.printf(Locale.ROOT, "projections through the hub: run %d, max-batch %d: %,d readings in %.2f s = "
            + "%,.0f readings/s%n", run, maxBatch, readings, seconds, rate);
        return rate;
    }
}
