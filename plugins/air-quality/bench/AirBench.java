import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The air-quality plugin's measurements (run by bench/air-bench.sh; single-file Java, needs H2 on the class path for
 * "storage").
 *
 * ingest URL CLIENTS SECONDS BATCH ROOMS: CLIENTS loops POST BATCH The Things Stack uplinks (devices 5A11..., made by
 *   the simulator integration) to URL/uplinks for SECONDS; meanwhile one loop GETs URL/sites ten times a second.
 *   Prints readings/s, request p50/p99, and /sites p50/p99.
 * storage H2FILE ROOMS RAWDAYS AVGDAYS: fills the plugin's tables (schema from V1__air_quality.sql) directly with
 *   RAWDAYS of 5-minute readings and AVGDAYS of 20-minute buckets for ROOMS rooms, then prints bytes per raw reading
 *   (DISK_SPACE_USED) and the p50/p99 of a room's one-week history at 20-minute resolution (the read API's query).
 */
public class AirBench {

    public static void main(String[] a) throws Exception {
        if (a[0].equals("ingest")) {
            ingest(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
        } else {
            storage(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]), a[5]);
        }
    }

    static String tts(String eui, Instant t, Random r) {
        return "{\"end_device_ids\":{\"device_id\":\"eui-" + eui.toLowerCase() + "\",\"application_ids\":"
            + "{\"application_id\":\"schools\"},\"dev_eui\":\"" + eui + "\"},\"received_at\":\"" + t + "\","
            + "\"uplink_message\":{\"f_port\":1,\"frm_payload\":\"AQIDBA==\",\"decoded_payload\":{\"co2\":"
            + (450 + r.nextInt(1800)) + ",\"temperature\":" + (19 + r.nextInt(60) / 10.0) + ",\"humidity\":"
            + (35 + r.nextInt(30)) + ",\"pressure\":1013.2},\"rx_metadata\":[{\"gateway_ids\":{\"gateway_id\":"
            + "\"gw-1\"},\"rssi\":-97,\"snr\":7.5}],\"received_at\":\"" + t + "\"}}";
    }

    static void ingest(String url, int clients, int seconds, int batch, int rooms) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong readings = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Long> siteLatencies = Collections.synchronizedList(new ArrayList<>());
        // the simulator installs its devices a day before it starts: readings run over the last 20 hours
        long base = Instant.now().minus(Duration.ofHours(20)).getEpochSecond();
        AtomicLong clock = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients + 1);
        for (int c = 0; c < clients; c++) {
            int seed = c;
            startThread(() -> {
                Random r = new Random(seed);
                try {
                    while (System.nanoTime() < end) {
                        StringBuilder b = new StringBuilder("[");
                        for (int i = 0; i < batch; i++) {
                            // one second per reading across all clients: ids repeat only after 72,000 readings
                            Instant t = Instant.ofEpochSecond(base + clock.incrementAndGet() % 72_000);
                            b.append(i == 0 ? "" : ",").append(tts(String.format("5A11%012X", r.nextInt(rooms)), t, r));
                        }
                        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/uplinks"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(b.append("]").toString())).build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                        latencies.add(System.nanoTime() - t0);
                        if (res.statusCode() == 202) {
                            readings.addAndGet(batch);
                        } else {
                            errors.incrementAndGet();
                            if (errors.get() < 3) {
                                System.err.println(res.statusCode() + " " + res.body());
                            }
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    done.countDown();
                }
            });
        }
        startThread(() -> {
            try {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(url + "/sites")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                    siteLatencies.add(System.nanoTime() - t0);
                    if (res.statusCode() != 200) {
                        System.err.println("sites " + res.statusCode());
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                done.countDown();
            }
        });
        done.await();
        System.out.printf("ingest: %d clients, batches of %d TTS uplinks, %d s: %d readings committed = %.0f/s; "
                + "request p50 %.1f ms p99 %.1f ms; errors %d%n", clients, batch, seconds, readings.get(),
            readings.get() / (double) seconds, pct(latencies, 50), pct(latencies, 99), errors.get());
        System.out.printf("GET /sites under that load (%d calls): p50 %.1f ms p99 %.1f ms%n", siteLatencies.size(),
            pct(siteLatencies, 50), pct(siteLatencies, 99));
    }

    static void startThread(Runnable r) {
        new Thread(r).start();
    }

    static double pct(List<Long> nanos, int p) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.isEmpty() ? 0 : s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1)) / 1e6;
    }

    static void storage(String file, int rooms, int rawDays, int avgDays, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + file + ";WRITE_DELAY=0", "sa", "")) {
            try (Statement st = c.createStatement()) {
                st.execute("RUNSCRIPT FROM '" + schema + "'");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            int end = (int) (Instant.now().getEpochSecond() - 1_577_836_800L);
            int rawStart = end - rawDays * 86400;
            Random r = new Random(1);
            long rows = 0;
            try (PreparedStatement in = c.prepareStatement(
                "INSERT INTO reading (room_key, t, co2, temp, hum, pres) VALUES (?, ?, ?, ?, ?, ?)")) {
                // time-major, as readings arrive
                for (int t = rawStart; t < end; t += 300) {
                    for (int room = 1; room <= rooms; room++) {
                        in.setInt(1, room);
                        in.setInt(2, t + room % 300);
                        in.setInt(3, 420 + r.nextInt(2000));
                        in.setInt(4, 1900 + r.nextInt(600));
                        in.setInt(5, 350 + r.nextInt(300));
                        in.setInt(6, 10100 + r.nextInt(50));
                        in.addBatch();
                        if (++rows % 10_000 == 0) {
                            in.executeBatch();
                            c.commit();
                        }
                    }
                }
                in.executeBatch();
                c.commit();
            }
            long rawSecs = (System.nanoTime() - t0) / 1_000_000_000L;
            long buckets = 0;
            try (PreparedStatement in = c.prepareStatement("INSERT INTO avg20 (room_key, bucket, n, co2_sum, co2_max, "
                + "temp_sum, hum_sum, pres_sum, pres_n, n_green, n_yellow, n_red) VALUES (?, ?, 4, ?, ?, ?, ?, ?, 4, 2, 1, 1)")) {
                int b1 = end / 1200;
                for (int b = b1 - avgDays * 72; b < b1; b++) {
                    for (int room = 1; room <= rooms; room++) {
                        in.setInt(1, room);
                        in.setInt(2, b);
                        in.setLong(3, 4 * (420 + r.nextInt(2000)));
                        in.setInt(4, 2500);
                        in.setLong(5, 4 * 2200);
                        in.setLong(6, 4 * 450);
                        in.setLong(7, 4 * 10130);
                        in.addBatch();
                        if (++buckets % 10_000 == 0) {
                            in.executeBatch();
                            c.commit();
                        }
                    }
                }
                in.executeBatch();
                c.commit();
            }
            long readingBytes;
            long avgBytes;
            try (Statement st = c.createStatement()) {
                st.execute("CHECKPOINT");
                ResultSet rs = st.executeQuery("SELECT DISK_SPACE_USED('READING'), DISK_SPACE_USED('AVG20')");
                rs.next();
                readingBytes = rs.getLong(1);
                avgBytes = rs.getLong(2);
            }
            System.out.printf("storage: %d raw readings (%d rooms x %d days every 5 min) in %d s; %d 20-minute "
                    + "buckets (%d days); reading table %d bytes = %.1f bytes/raw reading; avg20 %.1f bytes/bucket; "
                    + "file %d bytes%n", rows, rooms, rawDays, rawSecs, buckets, avgDays, readingBytes,
                readingBytes / (double) rows, avgBytes / (double) buckets, Files.size(Path.of(file + ".mv.db")));
            // the read API's query for one room, one week, 20-minute resolution
            List<Long> lat = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT bucket, n, co2_sum, co2_max, temp_sum, hum_sum, "
                + "pres_sum, pres_n FROM avg20 WHERE room_key = ? AND bucket >= ? AND bucket < ? ORDER BY bucket")) {
                int b1 = end / 1200;
                for (int i = 0; i < 500; i++) {
                    long s = System.nanoTime();
                    q.setInt(1, 1 + r.nextInt(rooms));
                    int from = b1 - r.nextInt(Math.max(1, avgDays - 7) * 72) - 7 * 72;
                    q.setInt(2, from);
                    q.setInt(3, from + 7 * 72);
                    int n = 0;
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            n++;
                        }
                    }
                    lat.add(System.nanoTime() - s);
                }
            }
            System.out.printf("one room, one week at 20 min (504 points), 500 random rooms and weeks: p50 %.2f ms "
                + "p99 %.2f ms (query and rows, no JSON)%n", pct(lat, 50), pct(lat, 99));
        }
    }
}
