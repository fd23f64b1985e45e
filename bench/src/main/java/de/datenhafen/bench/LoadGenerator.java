package de.datenhafen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Posts batches of air-quality readings ({@link AirReadings}) to a CloudEvents batch endpoint and reports committed
 * events per second, the answer's latency (p50, p99, max) and the server's resident memory.
 *
 * <p>Two modes: {@code --rate=0} (full speed) keeps {@code --clients} requests in flight, each sending its next batch
 * when the last is answered; {@code --rate=N} sends N events per second on a fixed schedule whatever the answers
 * (open loop), and measures each latency from the moment the batch was due, so a stall shows in the figures rather
 * than slowing the senders down. Only answers to batches sent after {@code --warmup} count.
 *
 * <pre>
 * java -cp bench.jar:lib/* de.datenhafen.bench.LoadGenerator --url=http://127.0.0.1:8080/api/v1/events \
 *   --token=T --clients=8 --rate=0 --warmup=10 --seconds=30 --pid=1234 --label=hub-full
 * </pre>
 * With {@code --payloads=<dir> --kind=ce|aq [--slot=N]} the bodies are the shared harness's templates instead
 * ({@link HarnessBodies}): {@code aq} posts the air-quality plugin's plain batches.
 * The last line is {@code RESULT label=... events_per_s=... p50_ms=... p99_ms=... rss_start_mb=...}; a script reads it.
 */
public final class LoadGenerator {

    private final URI url;
    private final String token;
    private final int clients;
    private final int batch;
    private final double rate;
    private final long warmupNanos;
    private final long measureNanos;
    private final long maxEvents;
    private final long pid;
    private final String label;
    private final AirReadings readings;
    private final HarnessBodies templates;

    private final Vertx vertx;
    private final HttpClient http;

    // event-loop thread only
    private long startNanos;
    private long measureFrom;
    private long measureUntil;
    private long sentBatches;
    private long inFlight;
    private boolean stopping;
    private long ackedEvents;
    private long ackedInWindow;
    private long busy;
    private long errors;
    private String firstError;
    private long[] latencies = new long[1 << 16];
    private int latencyCount;
    private final CountDownLatch done = new CountDownLatch(1);

    private LoadGenerator(Map<String, String> a) {
        url = URI.create(required(a, "url"));
        token = a.getOrDefault("token", "");
        clients = Integer.parseInt(a.getOrDefault("clients", "8"));
        batch = Integer.parseInt(a.getOrDefault("batch", "100"));
        rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        warmupNanos = TimeUnit.MILLISECONDS.toNanos((long) (1000 * Double.parseDouble(a.getOrDefault("warmup", "5"))));
        measureNanos = TimeUnit.MILLISECONDS.toNanos((long) (1000 * Double.parseDouble(a.getOrDefault("seconds", "20"))));
        maxEvents = Long.parseLong(a.getOrDefault("max-events", "0"));
        pid = Long.parseLong(a.getOrDefault("pid", "0"));
        label = a.getOrDefault("label", "run");
        readings = new AirReadings(a.getOrDefault("id-prefix", label + "-" + Long.toString(System.nanoTime(), 36)),
            Long.parseLong(a.getOrDefault("seed", "42")));
        templates = a.containsKey("payloads") ? new HarnessBodies(java.nio.file.Path.of(a.get("payloads")),
            a.getOrDefault("kind", "ce"), Integer.parseInt(a.getOrDefault("slot", "0"))) : null;
        if (templates != null && batch != 100) {
            throw new IllegalArgumentException("the harness's payloads are batches of 100, not " + batch);
        }
        if (clients < 1 || batch < 1 || rate < 0) {
            throw new IllegalArgumentException("clients and batch must be at least 1 and rate not negative");
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
            .setBlockedThreadCheckInterval(60_000));
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setDefaultHost(url.getHost()).setDefaultPort(url.getPort()),
            new PoolOptions().setHttp1MaxSize(clients).setMaxWaitQueueSize(-1));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("arguments are --key=value, got " + arg);
            }
            a.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        System.out.println(new LoadGenerator(a).run());
        System.exit(0);
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + "= is required");
        }
        return v;
    }

    private String run() throws InterruptedException {
        RssSampler rss = new RssSampler(pid);
        rss.begin();
        vertx.runOnContext(v -> begin());
        long limit = warmupNanos + measureNanos + TimeUnit.MINUTES.toNanos(maxEvents > 0 ? 60 : 2);
        if (!done.await(limit, TimeUnit.NANOSECONDS)) {
            System.err.println("did not finish in time; in flight: " + inFlight);
        }
        rss.stop();
        http.close();
        vertx.close();
        return report(rss);
    }

    private void begin() {
        startNanos = System.nanoTime();
        measureFrom = maxEvents > 0 ? startNanos : startNanos + warmupNanos;
        measureUntil = maxEvents > 0 ? Long.MAX_VALUE : measureFrom + measureNanos;
        if (rate == 0) {
            for (int i = 0; i < clients; i++) {
                sendNext();
            }
        } else {
            vertx.setPeriodic(2, id -> {
                long now = System.nanoTime();
                if (stopping || now >= measureUntil) {
                    vertx.cancelTimer(id);
                    stop();
                    return;
                }
                double nanosPerBatch = 1e9 * batch / rate;
                long due = (long) ((now - startNanos) / nanosPerBatch) + 1;
                while (sentBatches < due) {
                    send(startNanos + (long) (sentBatches * nanosPerBatch));
                }
            });
        }
    }

    private void sendNext() {
        if (stopping || System.nanoTime() >= measureUntil || (maxEvents > 0 && ackedEvents >= maxEvents)) {
            stop();
            return;
        }
        send(System.nanoTime()).onComplete(x -> sendNext());
    }

    private Future<Void> send(long dueNanos) {
        sentBatches++;
        inFlight++;
        Buffer body = Buffer.buffer(templates != null ? templates.next() : readings.batch(batch));
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setURI(url.getRawPath())
            .putHeader("Content-Type", templates != null ? templates.contentType() : AirReadings.BATCH_CONTENT_TYPE)
            .putHeader("Authorization", "Bearer " + token);
        return http.request(ro)
            .compose(req -> req.send(body))
            .compose(resp -> resp.body().map(b -> {
                answered(dueNanos, resp.statusCode(), b);
                return (Void) null;
            }))
            .recover(e -> {
                answered(dueNanos, -1, Buffer.buffer(String.valueOf(e)));
                return Future.succeededFuture();
            });
    }

    private void answered(long dueNanos, int status, Buffer body) {
        inFlight--;
        long now = System.nanoTime();
        boolean counted = dueNanos >= measureFrom && now <= measureUntil;
        if (status >= 200 && status < 300) {
            ackedEvents += batch;
            if (counted) {
                ackedInWindow += batch;
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = now - dueNanos;
            }
        } else if (status == 503 || status == 429) {
            busy++;
        } else {
            errors++;
            if (firstError == null) {
                firstError = status + " " + body.toString().substring(0, Math.min(300, body.length()));
            }
        }
        if (stopping && inFlight == 0) {
            done.countDown();
        }
    }

    private void stop() {
        if (!stopping) {
            stopping = true;
            if (maxEvents > 0) {
                measureUntil = System.nanoTime();
            }
        }
        if (inFlight == 0) {
            done.countDown();
        }
    }

    private String report(RssSampler rss) {
        long[] l = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(l);
        double seconds = (Math.min(measureUntil, System.nanoTime()) - measureFrom) / 1e9;
        if (firstError != null) {
            System.err.println("first error: " + firstError);
        }
        return String.format(Locale.ROOT, "RESULT label=%s events=%d seconds=%.1f events_per_s=%.0f requests=%d "
                + "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f busy=%d errors=%d rss_start_mb=%d rss_max_mb=%d rss_end_mb=%d",
            label, maxEvents > 0 ? ackedEvents : ackedInWindow, seconds,
            (maxEvents > 0 ? ackedEvents : ackedInWindow) / seconds, l.length,
            percentile(l, 0.50), percentile(l, 0.99), l.length == 0 ? 0.0 : l[l.length - 1] / 1e6,
            busy, errors, rss.first() / 1024, rss.max() / 1024, rss.end() / 1024);
    }

    /** The value at or below which {@code q} of the sorted latencies lie, in milliseconds (nearest rank). */
    static double percentile(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
}
