package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.ThreadMXBean;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10's numbers for the SensorThings limits, in a real hub (the packaged plugin, in process) with the simulator's
 * 70 sites and 2,500 rooms and two hours of their readings:
 * <ol>
 *   <li>the largest answer the default limits allow: for a few expansion shapes, the largest {@code $top} that is
 *   still answered 200 (found by bisection), its bytes, its time and the bytes the JVM allocated for it (all threads,
 *   so the request's whole cost in garbage);</li>
 *   <li>{@code GET /api/v1/plugins/air-quality/sites?rooms=true} (every room) at 10 calls a second, p50 and p99, first alone, then while
 *   attacker loops send that worst allowed query back to back (to the service with its default limits, then, for
 *   comparison, to one without the CPU budget {@code read-cpu-per-second}), then alone again; {@code /health/ready}
 *   polled twice a second throughout (how often it was not 200).</li>
 * </ol>
 * Skipped unless {@code -Dbench=true}; run it as the packaged hub runs ({@code bin/datenhafen}: 1 GB heap, 512 KB
 * stacks):
 * {@code ./mvnw -B verify -pl plugins/air-quality -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=StaAttackBenchIT -Dfailsafe.failIfNoSpecifiedTests=false -Dbench=true
 * -DargLine="-Xmx1g -Xss512k -XX:+UseG1GC" [-Dbench.seconds=30] [-Dbench.attackers=1]}. Figures in {@code bench/RESULTS.md}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class StaAttackBenchIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Expansion shapes; %d is $top. Datastreams are the largest entities, so these are the heavy answers. */
    private static final List<String> SHAPES = List.of(
        "/sta/v1.1/Things?$top=%d&$expand=Datastreams/Thing",
        "/sta/v1.1/Datastreams?$top=%d&$expand=Thing/Datastreams",
        "/sta/v1.1/Datastreams?$top=%d&$expand=Thing($expand=Datastreams),Sensor,ObservedProperty",
        "/sta/v1.1/Locations?$top=%d&$expand=Things/Datastreams/Observations",
        "/sta/v1.1/Observations?$top=%d&$expand=Datastream/Thing/Locations");

    record Answer(int status, long bytes, long nanos, long allocated) {
    }

    @Test
    void theLargestAllowedAnswerAndGetSitesUnderAnAttackerLoop(HubClient client) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 30);
        int attackers = Integer.getInteger("bench.attackers", 1);
        AirQualityIT.create(client, "bench-projections", "airquality-projections", new JsonObject());
        // two simulated hours at 60 times real time, then paused, so it does not compete with the measurement
        AirQualityIT.create(client, "bench-sim", "airquality-simulator", new JsonObject().put("speed-up", 60.0)
            .put("backfill", "2h").put("max-per-second", 5000)); // a hub-admin's rate: the default is 100 a second
        AirQualityIT.create(client, "bench-sta", "airquality-sensorthings", new JsonObject());
        // the same limits without the rate: to measure an answer's own time, and the attack without the throttle
        AirQualityIT.create(client, "bench-sta-unthrottled", "airquality-sensorthings", new JsonObject()
            .put("path", "/sta-unthrottled").put("read-cpu-per-second", "1000d"));
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
            assertThat(count()).isGreaterThan(200_000));
        assertThat(client.post("/api/v1/admin/integrations/bench-sim/pause").status()).isLessThan(300);
        System.out.printf(Locale.ROOT, "SensorThings bench: %d sites, %d Things, %,d Observations; heap max %d MB, "
                + "%d cores, load %s%n", 70, 2500, count(), Runtime.getRuntime().maxMemory() >> 20,
            Runtime.getRuntime().availableProcessors(), ProjectionsRateBench.load());

        String worst = null;
        Answer worstAnswer = null;
        for (String shape : SHAPES) {
            int lo = 0;
            int hi = 1000;
            while (lo < hi) { // the largest $top answered 200
                int mid = (lo + hi + 1) / 2;
                if (measure(unthrottled(String.format(Locale.ROOT, shape, mid))).status() == 200) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            String path = String.format(Locale.ROOT, shape, lo);
            Answer refused = measure(unthrottled(String.format(Locale.ROOT, shape, Math.min(1000, lo + 1))));
            List<Answer> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                runs.add(measure(unthrottled(path)));
            }
            Answer median = runs.stream().sorted((a, b) -> Long.compare(a.nanos(), b.nanos())).toList().get(2);
            System.out.printf(Locale.ROOT, "  %-90s 200: %,11d bytes, %6.0f ms (median of 5), %,6.0f MB allocated; "
                    + "$top + 1: %d in %.0f ms%n", path, median.bytes(), median.nanos() / 1e6,
                median.allocated() / 1e6, refused.status(), refused.nanos() / 1e6);
            if (worstAnswer == null || median.nanos() > worstAnswer.nanos()) {
                worst = path;
                worstAnswer = median;
            }
        }
        System.out.println("worst allowed (longest): " + worst);

        List<Long> before = sites(seconds, null, 0);
        List<Long> during = sites(seconds, worst, attackers);
        List<Long> unthrottled = sites(seconds, unthrottled(worst), attackers);
        List<Long> after = sites(seconds, null, 0);
        System.out.printf(Locale.ROOT, "GET sites p50/p99: alone %.1f / %.1f ms, then under %d attacker loop(s) %.1f / "
                + "%.1f ms, the same without the rate limit %.1f / %.1f ms, alone again %.1f / %.1f ms; attacked p99 = "
                + "%.2f x the alone p99s' median (%.2f x without the rate limit)%n", ms(before, 50), ms(before, 99),
            attackers, ms(during, 50), ms(during, 99), ms(unthrottled, 50), ms(unthrottled, 99), ms(after, 50),
            ms(after, 99), ms(during, 99) / ((ms(before, 99) + ms(after, 99)) / 2),
            ms(unthrottled, 99) / ((ms(before, 99) + ms(after, 99)) / 2));
        assertThat(during).isNotEmpty();
    }

    /** GET sites every 100 ms for {@code seconds}, with attacker loops on {@code attack} meanwhile; latencies. */
    private static List<Long> sites(int seconds, String attack, int attackers) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong attacks = new AtomicLong();
        AtomicLong busy = new AtomicLong();
        AtomicInteger notReady = new AtomicInteger();
        AtomicInteger readyPolls = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; attack != null && i < attackers; i++) {
            threads.add(daemon(() -> {
                while (!stop.get()) {
                    int status = get(attack).statusCode();
                    (status == 200 ? attacks : busy).incrementAndGet();
                }
            }));
        }
        threads.add(daemon(() -> {
            while (!stop.get()) {
                readyPolls.incrementAndGet();
                if (get("/health/ready").statusCode() != 200) {
                    notReady.incrementAndGet();
                }
                pause(500);
            }
        }));
        pause(2_000); // warm-up, not measured
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long next = System.nanoTime();
        int errors = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get("/api/v1/plugins/air-quality/sites?rooms=true");
            latencies.add(System.nanoTime() - t0);
            errors += r.statusCode() == 200 ? 0 : 1;
            next += 100_000_000L;
            pause(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
        }
        System.out.printf(Locale.ROOT, "  %s: %d GET sites (%d not 200), attacker answers %d with 200 and %d "
                + "refused (503), /health/ready not 200 in %d of %d polls%n", attack == null ? "alone" : "attacked",
            latencies.size(), errors, attacks.get(), busy.get(), notReady.get(), readyPolls.get());
        return latencies;
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Answer measure(String path) {
        long[] ids = THREADS.getAllThreadIds();
        long before = Arrays.stream(THREADS.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
        long t0 = System.nanoTime();
        HttpResponse<String> r = get(path);
        long nanos = System.nanoTime() - t0;
        long after = Arrays.stream(THREADS.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
        return new Answer(r.statusCode(), r.body().getBytes(StandardCharsets.UTF_8).length, nanos, after - before);
    }

    private static long count() {
        HttpResponse<String> r = get("/sta/v1.1/Observations?$top=0&$count=true");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getLong("@iot.count");
    }

    private static HttpResponse<String> get(String path) {
        int q = path.indexOf('?');
        String uri = q < 0 ? path : path.substring(0, q + 1) + encode(path.substring(q + 1));
        try {
            return HTTP.send(HttpRequest.newBuilder(hub.client().baseUri().resolve(URI.create(uri)))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Each option's value %-encoded, the separators kept. */
    private static String encode(String query) {
        List<String> out = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.add(pair.substring(0, eq + 1) + URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8)
                .replace("+", "%20"));
        }
        return String.join("&", out);
    }

    private static String unthrottled(String path) {
        return path.replaceFirst("^/sta/", "/sta-unthrottled/");
    }

    private static double ms(List<Long> values, int percentile) {
        return p(values, percentile) / 1e6;
    }

    private static long p(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
