package de.datenhafen.distribution;

import static de.datenhafen.distribution.BenchLoad.closedLoop;
import static de.datenhafen.distribution.BenchLoad.latencies;
import static de.datenhafen.distribution.BenchLoad.loadAverage;
import static de.datenhafen.distribution.BenchLoad.median;
import static de.datenhafen.distribution.BenchLoad.neighbourRatio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.distribution.BenchLoad.Latencies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's load numbers on the packaged {@code --demo} hub (a fresh JVM with bin/datenhafen's options): readers of
 * the city's page, each refreshing its page's data once a second as the page's module does (a GET of the page with the
 * ETag of its last answer, so unchanged data is a 304), spread over the schools' list, a school's page and Marktplatz's
 * departures, while the demo runs (simulator, projections, buses) and ingest clients post batches of readings to the
 * uplink ingest as fast as they are answered. Rounds without and with readers alternate; reported: the readers' p50,
 * p99 and max (measured from when each call was due, so a late start counts), their 200s and 304s, and the ingest's
 * readings/s with readers against without (median ratio and the drift-cancelling neighbour ratio). Load and hub share
 * this machine's cores.
 *
 * <p>Skipped unless {@code -Dbench=true}; {@code bench/city-page.sh} runs it. Options: {@code bench.readers} (500),
 * {@code bench.seconds} (per round, 20), {@code bench.pairs} (3), {@code bench.clients} (ingest, 4),
 * {@code bench.batch} (10). Figures go to {@code target/city-page-numbers.txt} and standard output.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CityPageBenchIT {

    /** The readings' first second: 20 hours ago, before the simulator's backfill. */
    private static final long BASE = Instant.now().minus(Duration.ofHours(20)).getEpochSecond();
    /** Counts the readings posted, so none repeats another. */
    private static final AtomicLong CLOCK = new AtomicLong();

    @TempDir
    static Path work;

    private static DemoHub hub;
    private static Path results;

    @BeforeAll
    static void start() throws Exception {
        results = Path.of(System.getProperty("bench.results", "target/city-page-numbers.txt"));
        Files.createDirectories(results.toAbsolutePath().getParent());
        hub = DemoHub.start(work).awaitReady();
        await("the demo's data on the city's page and the simulator's devices").atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
                assertThat(hub.client.anonymous().get("/schulen/sim-65").body()).contains("Raum 1");
                assertThat(hub.client.anonymous().get("/abfahrten/markt").body()).contains("<table>");
                assertThat(BenchLoad.post(hub.client.baseUri(), hub.client.adminToken(),
                    BenchLoad.readings(CLOCK, 1, BASE))).isEqualTo(202);
            });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void readersOfTheCityPageWhileReadingsAreIngested() throws Exception {
        int readers = Integer.getInteger("bench.readers", 500);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int pairs = Integer.getInteger("bench.pairs", 3);
        int clients = Integer.getInteger("bench.clients", 4);
        int batch = Integer.getInteger("bench.batch", 10);
        // 0: each client posts again when answered (the ingest at its limit); else the readings/s offered on a
        // schedule, as a city's sensors send (2,500 monitors every 1 to 15 minutes: at most about 42 a second)
        double offered = Double.parseDouble(System.getProperty("bench.rate", "0"));
        String token = hub.client.adminToken();
        AtomicLong clock = CLOCK;

        ingest(token, clients, batch, 10, offered, clock, null); // warm-up without readers
        Readers warm = new Readers(readers);
        ingest(token, clients, batch, 10, offered, clock, null); // and with them
        warm.stop();

        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        ConcurrentLinkedQueue<Double> readMillis = new ConcurrentLinkedQueue<>();
        List<ConcurrentLinkedQueue<Double>> postMillis = List.of(new ConcurrentLinkedQueue<>(),
            new ConcurrentLinkedQueue<>()); // without, with readers
        long[] answers = new long[3];
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < 2 * pairs; i++) {
            boolean reading = i % 2 == 1;
            Readers r = reading ? new Readers(readers) : null;
            if (r != null) {
                // every reader has had its first answer: the round sees the steady state
                assertThat(r.answered.await(60, java.util.concurrent.TimeUnit.SECONDS))
                    .as("every reader's first call answered within 60 s").isTrue();
                r.measure(readMillis);
            }
            double rate = ingest(token, clients, batch, seconds, offered, clock, postMillis.get(reading ? 1 : 0));
            if (r != null) {
                long[] a = r.stop();
                for (int k = 0; k < 3; k++) {
                    answers[k] += a[k];
                }
            }
            (reading ? with : without).add(rate);
            rounds.append(String.format(Locale.ROOT, "  round %d, %-15s: %,8.0f readings/s%n", i + 1,
                reading ? readers + " readers" : "no readers", rate));
        }
        Latencies l = latencies(readMillis);
        Latencies postsWithout = latencies(postMillis.get(0));
        Latencies postsWith = latencies(postMillis.get(1));
        double w = median(with);
        double wo = median(without);
        String text = String.format(Locale.ROOT, "# %s, %d cores, %s %s; the packaged hub with --demo; load from "
                + "the test's JVM%ncity page: %d readers, each a GET a second of its page with the ETag of its last "
                + "answer (a third each: /schulen, /schulen/sim-NN, /abfahrten/markt), %d ingest clients posting "
                + "batches of %d readings to %s %s, %d pairs of %d s rounds%n%s"
                + "readers' calls in the rounds with readers: %,d answered (%,d x 200, %,d x 304), %d failed; "
                + "p50 %.1f ms, p99 %.1f ms, max %.1f ms (from when each call was due)%n"
                + "ingest median readings/s: without readers %.0f, with readers %.0f, ratio %.3f; neighbour ratio "
                + "%.3f; ingest posts' p99 %.1f ms without readers, %.1f ms with (%s); load average after %s",
            Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.version"), readers, clients, batch, BenchLoad.UPLINKS,
            offered > 0 ? String.format(Locale.ROOT, "at %,.0f readings/s offered on a schedule", offered)
                : "as fast as answered", pairs, seconds, rounds,
            answers[0] + answers[1], answers[0], answers[1], answers[2], l.percentile(0.5), l.percentile(0.99),
            l.percentile(1.0), wo, w, w / wo, neighbourRatio(with, without), postsWithout.percentile(0.99),
            postsWith.percentile(0.99), offered > 0 ? "from when each post was due" : "each post's own time",
            loadAverage());
        System.out.println(text);
        Files.writeString(results, text + System.lineSeparator());
        assertThat(answers[2]).as("failed reader calls").isZero();
        assertThat(w).isPositive();
    }

    /**
     * Posts batches for {@code seconds}, closed loop or at {@code offered} readings/s; the readings/s answered 202, and
     * each post's latency into {@code millis} when given.
     */
    private static double ingest(String token, int clients, int batch, double seconds, double offered,
                                 AtomicLong clock, ConcurrentLinkedQueue<Double> millis) throws InterruptedException {
        java.util.function.IntFunction<String> post = c -> {
            int status = BenchLoad.post(hub.client.baseUri(), token, BenchLoad.readings(clock, batch, BASE));
            return status == 202 ? null : "status " + status;
        };
        Latencies l = offered > 0 ? BenchLoad.paced(clients, seconds, offered / batch, post)
            : closedLoop(clients, seconds, post);
        assertThat(l.errors()).as("refused posts: " + l.firstError()).isZero();
        if (millis != null) {
            for (double d : l.sortedMillis()) {
                millis.add(d);
            }
        }
        return l.count() * batch / seconds;
    }

    /**
     * {@code n} readers, each on a thread of its own with its own connection, calling once a second from a random
     * start in the first second; a call that takes longer than a second makes the next one late, which its latency
     * (measured from when it was due) shows.
     */
    private static final class Readers {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<ConcurrentLinkedQueue<Double>> sink = new AtomicReference<>();
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong notModified = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final java.util.concurrent.ConcurrentMap<String, AtomicLong> failures =
            new java.util.concurrent.ConcurrentHashMap<>();
        private final CountDownLatch done;
        /** Counted down once per reader, at its first answer (or failure). */
        final CountDownLatch answered;

        Readers(int n) {
            done = new CountDownLatch(n);
            answered = new CountDownLatch(n);
            // a client per 50 readers: one java.net.http client does all its connections' I/O on one selector
            // thread, which 500 readers made the bottleneck of the measurement instead of the hub
            HttpClient[] clients = new HttpClient[(n + 49) / 50];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            }
            for (int i = 0; i < n; i++) {
                HttpClient http = clients[i / 50];
                String path = switch (i % 3) {
                    case 0 -> "/schulen";
                    case 1 -> String.format("/schulen/sim-%02d", 1 + i % 70);
                    default -> "/abfahrten/markt";
                };
                long offset = (long) (Math.random() * 1e9);
                Thread t = new Thread(() -> read(http, hub.client.baseUri().resolve(path), offset), "reader-" + i);
                t.setDaemon(true);
                t.start();
            }
        }

        void measure(ConcurrentLinkedQueue<Double> into) {
            sink.set(into);
        }

        private void read(HttpClient http, URI uri, long offsetNanos) {
            try {
                String etag = null;
                boolean first = true;
                long due = System.nanoTime() + offsetNanos;
                while (running.get()) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) { // pacing: each reader calls once a second on its own schedule
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    HttpRequest.Builder req = HttpRequest.newBuilder(uri).header("Accept-Language", "de")
                        .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(30));
                    if (etag != null) {
                        req.header("If-None-Match", etag);
                    }
                    try {
                        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                        long end = System.nanoTime();
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                            etag = r.headers().firstValue("ETag").orElse(null);
                        } else if (r.statusCode() == 304) {
                            notModified.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            failures.computeIfAbsent("status " + r.statusCode(), k -> new AtomicLong())
                                .incrementAndGet();
                        }
                        ConcurrentLinkedQueue<Double> into = sink.get();
                        if (into != null && running.get()) {
                            into.add(r.statusCode() < 400 ? (end - due) / 1e6 : Double.NaN);
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong())
                            .incrementAndGet();
                    }
                    if (first) {
                        first = false;
                        answered.countDown();
                    }
                    due += 1_000_000_000L;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }

        /** Stops the readers; their 200s, 304s and failures since they started. */
        long[] stop() throws InterruptedException {
            running.set(false);
            if (!failures.isEmpty()) {
                System.out.println("readers' failed calls: " + new java.util.TreeMap<>(failures));
            }
            done.await(60, java.util.concurrent.TimeUnit.SECONDS);
            return new long[] {ok.get(), notModified.get(), failed.get()};
        }
    }
}
