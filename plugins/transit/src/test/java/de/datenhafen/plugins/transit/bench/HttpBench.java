package de.datenhafen.plugins.transit.bench;

import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.sun.net.httpserver.HttpServer;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Departures through a running hub's HTTP API (what a caller sees): loads the feed into the hub as a
 * {@code gtfs-schedule} integration, measures {@code GET departures} for the busiest stop without realtime, then
 * serves a 500-vehicle GTFS-Realtime feed (new content at every poll) that a {@code gtfs-realtime} integration polls
 * every POLL seconds, and measures again.
 */
final class HttpBench {

    private HttpBench() {
    }

    static void run(URI hub, String adminToken, Path feed, int seconds, int pollSeconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        post(http, hub.resolve("/api/v1/admin/integrations"), adminToken, "{\"name\":\"bench\",\"connector\":"
            + "\"gtfs-schedule\",\"config\":{\"source\":\"" + feed.toAbsolutePath() + "\",\"import-folder\":\""
            + feed.toAbsolutePath().getParent() + "\",\"interval\":\"0\"}}");
        long t0 = System.nanoTime();
        while (!get(http, hub.resolve("/api/v1/plugins/transit/status")).contains("\"stopTimes\"")) {
            Thread.sleep(500);
        }
        System.out.printf("hub import (log has the details): timetable in use after %.1f s%n",
            (System.nanoTime() - t0) / 1e9);
        URI departures = hub.resolve("/api/v1/plugins/transit/departures?stop=busy-station&limit=20&window=2h");
        load(http, departures, "baseline  no realtime (HTTP)", seconds / 3);

        Timetable tt = new GtfsImporter(List.of(), null, false, null).read(feed, "bench");
        AtomicLong round = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fleet.pb", ex -> {
            FeedMessage m = TransitBench.fleet(tt, Instant.now(), 500, round.incrementAndGet());
            byte[] body = m.toByteArray();
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/fleet.pb";
        post(http, hub.resolve("/api/v1/admin/integrations"), adminToken, "{\"name\":\"bench-live\",\"connector\":"
            + "\"gtfs-realtime\",\"config\":{\"schedule\":\"bench\",\"allowed-hosts\":[\"127.0.0.1\"],"
            + "\"trip-updates-url\":\"" + url
            + "\",\"trip-updates-interval\":\"" + pollSeconds + "s\"}}");
        while (round.get() < 2) {
            Thread.sleep(200);
        }
        load(http, departures, "realtime  500 vehicles every " + pollSeconds + " s (HTTP)", seconds);
        System.out.printf("realtime  %d polls served to the hub%n", round.get());
        server.stop(0);
    }

    private static void load(HttpClient http, URI uri, String label, int seconds) throws InterruptedException {
        long warm = System.nanoTime() + 15_000_000_000L; // 15 s of warm-up: the hub's JIT, not the plugin, at first
        while (System.nanoTime() < warm) {
            get(http, uri);
        }
        AtomicBoolean stop = new AtomicBoolean();
        int threads = 2;
        List<long[]> lat = new ArrayList<>();
        int[] counts = new int[threads];
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[] l = new long[2_000_000];
            lat.add(l);
            int me = t;
            Thread th = new Thread(() -> {
                int n = 0;
                while (!stop.get() && n < l.length) {
                    long a = System.nanoTime();
                    String body = get(http, uri);
                    l[n++] = System.nanoTime() - a;
                    if (!body.contains("\"departures\":[{")) {
                        throw new IllegalStateException("no departures: " + body);
                    }
                }
                counts[me] = n;
            });
            ts.add(th);
            th.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread th : ts) {
            th.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(lat.get(t), 0, all, k, counts[t]);
            k += counts[t];
        }
        Arrays.sort(all);
        System.out.printf("%-40s %,d requests (2 clients): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms%n",
            label, total, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6, all[(int) (total * 0.999)] / 1e6,
            all[total - 1] / 1e6);
    }

    private static String get(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void post(HttpClient http, URI uri, String token, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
    }
}
