package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * What the benchmark ITs on the packaged demo share: a closed loop of clients, latencies and their percentiles,
 * batches of plain readings for the demo simulator's devices and their post to the air-quality uplink ingest, medians,
 * the load average.
 */
final class BenchLoad {

    /** The air-quality plugin's uplink ingest of the demo (plain readings; member-editors of luftblick, hub-admins). */
    static final String UPLINKS = "/api/v1/plugins/air-quality/uplinks";
    /** The demo simulator's devices: 2,500 EUIs from 5A11000000000000, installed a day before it starts. */
    static final int DEVICES = 2_500;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    private BenchLoad() {
    }

    /** Sorted latencies in milliseconds, with the failures of the same run. */
    record Latencies(double[] sortedMillis, long errors, String firstError) {
        int count() {
            return sortedMillis.length;
        }

        /** Nearest rank; {@code q} 1.0 is the largest. */
        double percentile(double q) {
            if (sortedMillis.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * sortedMillis.length);
            return sortedMillis[Math.max(0, Math.min(sortedMillis.length - 1, rank - 1))];
        }
    }

    /**
     * {@code clients} threads each send a request when the last was answered, for {@code seconds}; {@code call}
     * answers null for a success or what went wrong. Only calls that started and ended in the window count.
     */
    static Latencies closedLoop(int clients, double seconds, IntFunction<String> call) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        return run(clients, seconds, "bench-client-", end, (client, r) -> {
            while (System.nanoTime() < end) {
                r.call(call, client, System.nanoTime());
            }
        });
    }

    /**
     * Open loop: {@code clients} threads together start {@code callsPerSecond} calls a second on a fixed schedule
     * (client {@code c} takes every {@code clients}-th slot), for {@code seconds}. A latency counts from when its call
     * was due, so a hub that falls behind shows it in the latencies instead of silently lowering the offered load
     * (no coordinated omission). Only calls that were due and ended in the window count.
     */
    static Latencies paced(int clients, double seconds, double callsPerSecond, IntFunction<String> call)
        throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        double gap = 1e9 / callsPerSecond;
        return run(clients, seconds, "bench-paced-", end, (client, r) -> {
            for (long slot = client; ; slot += clients) {
                long due = start + (long) (slot * gap);
                if (due >= end) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) { // the schedule, not a wait for a condition
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                r.call(call, client, due);
            }
        });
    }

    /** What one client does in a run: its calls through {@link Recorder#call}. */
    private interface Client {
        void run(int client, Recorder recorder) throws InterruptedException;
    }

    /** Runs {@code clients} threads of {@code client} and collects their latencies (window ends at {@code end}). */
    private static Latencies run(int clients, double seconds, String threadName, long end, Client client)
        throws InterruptedException {
        Recorder recorder = new Recorder(end);
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int index = c;
            Thread t = new Thread(() -> {
                try {
                    client.run(index, recorder);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, threadName + c);
            t.setDaemon(true);
            t.start();
        }
        assertThat(done.await((long) seconds + 120, TimeUnit.SECONDS)).as("clients done").isTrue();
        return new Latencies(sorted(recorder.millis), recorder.errors.get(), recorder.failures.peek());
    }

    /** The calls' latencies and failures of one run; thread-safe. */
    private static final class Recorder {
        private final long end;
        private final ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
        private final AtomicLong errors = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Recorder(long end) {
            this.end = end;
        }

        /** Makes one call; a success that ended in the window counts from {@code from} (nanoTime). */
        void call(IntFunction<String> call, int client, long from) {
            String failed;
            try {
                failed = call.apply(client);
            } catch (RuntimeException e) {
                failed = e.toString();
            }
            long t1 = System.nanoTime();
            if (failed != null) {
                errors.incrementAndGet();
                failures.add(failed);
            } else if (t1 <= end) {
                millis.add((t1 - from) / 1e6);
            }
        }
    }

    /** Latencies in ms, NaN for a failed call. */
    static Latencies latencies(Collection<Double> millis) {
        long failed = millis.stream().filter(d -> d.isNaN()).count();
        return new Latencies(sorted(millis.stream().filter(d -> !d.isNaN()).toList()), failed, null);
    }

    static double[] sorted(Collection<Double> millis) {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * A plain batch of {@code n} readings, each a device and second of its own: the counter runs over the devices,
     * then on by a second, from {@code base} (choose one before the simulator's backfill, so no reading repeats one
     * of its).
     */
    static String readings(AtomicLong clock, int n, long base) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            long k = clock.getAndIncrement();
            int co2 = 450 + (int) (k * 7919 % 1500);
            b.append(i == 0 ? "" : ",").append("{\"device\":\"").append(String.format("5A11%012X", k % DEVICES))
                .append("\",\"time\":\"").append(Instant.ofEpochSecond(base + k / DEVICES))
                .append("\",\"co2\":").append(co2).append(",\"temperature\":21.5,\"humidity\":45,\"pressure\":1013.2}");
        }
        return b.append(']').toString();
    }

    /** Posts a batch of readings to the uplink ingest of the hub at {@code hub}; the status. */
    static int post(URI hub, String token, String body) {
        return send(HttpRequest.newBuilder(hub.resolve(UPLINKS))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode();
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The geometric mean of a/b over every two neighbouring rounds (a1/b1, a2/b1, a2/b2, ...): with the machine
     * speeding up or slowing down steadily, each round is compared once with the one before and once with the one
     * after, so the drift cancels where the plain medians would count it against the rounds that came first.
     */
    static double neighbourRatio(List<Double> a, List<Double> b) {
        double logSum = 0;
        int n = 0;
        for (int i = 0; i < b.size(); i++) {
            logSum += Math.log(a.get(i) / b.get(i));
            n++;
            if (i + 1 < a.size()) {
                logSum += Math.log(a.get(i + 1) / b.get(i));
                n++;
            }
        }
        return Math.exp(logSum / n);
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
