import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The air-quality plugin's measurements, run by bench/air-bench.sh as single-file Java with the plugin's classes and
 * the hub's lib/ on the class path (H2, Flyway, HikariCP, Jackson).
 *
 * <ul>
 * <li>ingest URL CLIENTS SECONDS BATCH ROOMS [no-gets]: CLIENTS loops POST BATCH The Things Stack uplinks (devices 5A11..., made
 *   by the simulator integration) to URL/uplinks for SECONDS; meanwhile one loop GETs URL/sites ten times a second and
 *   another GETs the hub's /health/live (answered on the event loop, no worker, no plugin) ten times a second, as the
 *   floor the machine gives any request under that load (not with no-gets). Prints readings/s, request p50/p99, and
 *   both GETs' p50/p99.
 * <li>load FILE SITES ROOMS RAWDAYS AVGDAYS ROOMS_PER_COMMIT: the plugin's schema at the given size in a fresh H2 file
 *   opened with the hub's database settings (see {@link #load}).
 * <li>query FILE SAMPLES SEED: a room's one-week history at 20 minutes through the plugin's ReadApi.history, cold (a
 *   fresh JVM; the script drops the file from the OS cache first) and warm (see {@link #query}).
 * <li>retention FILE: the plugin's raw-retention step dropping the oldest day of raw readings, and the proof that its
 *   averages stay (see {@link #retention}).
 * <li>compact FILE: what the hub's {@code bin/datenhafen --compact} does (SHUTDOWN COMPACT), with sizes and time.
 * </ul>
 */
public class AirBench {

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "ingest" -> ingest(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                Integer.parseInt(a[5]), a.length < 7 || !a[6].equals("no-gets"));
            case "load" -> load(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                Integer.parseInt(a[5]), Integer.parseInt(a[6]));
            case "query" -> query(a[1], Integer.parseInt(a[2]), Long.parseLong(a[3]));
            case "retention" -> retention(a[1]);
            case "compact" -> compact(a[1]);
            default -> throw new IllegalArgumentException("ingest, load, query, retention or compact, not " + a[0]);
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

    static void ingest(String url, int clients, int seconds, int batch, int rooms, boolean gets) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong readings = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Long> siteLatencies = Collections.synchronizedList(new ArrayList<>());
        // the simulator installs its devices a day before it starts: readings run over the last 20 hours
        long base = Instant.now().minus(Duration.ofHours(20)).getEpochSecond();
        AtomicLong clock = new AtomicLong();
        List<Long> floorLatencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(clients + (gets ? 2 : 0));
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
        URI live = URI.create(url).resolve("/health/live");
        if (gets) {
            startThread(() -> poll(http, URI.create(url + "/sites?rooms=true"), end, siteLatencies, done));
            startThread(() -> poll(http, live, end, floorLatencies, done));
        }
        done.await();
        System.out.printf("ingest: %d clients, batches of %d TTS uplinks, %d s: %d readings committed = %.0f/s; "
                + "request p50 %.1f ms p99 %.1f ms; errors %d%n", clients, batch, seconds, readings.get(),
            readings.get() / (double) seconds, pct(latencies, 50), pct(latencies, 99), errors.get());
        if (!gets) {
            return;
        }
        System.out.printf("GET /sites under that load (%d calls): p50 %.1f ms p99 %.1f ms max %.1f ms%n",
            siteLatencies.size(), pct(siteLatencies, 50), pct(siteLatencies, 99), pct(siteLatencies, 100));
        System.out.printf("GET /health/live (event loop only) in the same run (%d calls): p50 %.1f ms p99 %.1f ms max "
                + "%.1f ms%n", floorLatencies.size(), pct(floorLatencies, 50), pct(floorLatencies, 99),
            pct(floorLatencies, 100));
    }

    /** GETs the URI ten times a second until END, recording latencies. */
    static void poll(HttpClient http, URI uri, long end, List<Long> latencies, CountDownLatch done) {
        try {
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
                latencies.add(System.nanoTime() - t0);
                if (res.statusCode() != 200) {
                    System.err.println(uri + " " + res.statusCode());
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            done.countDown();
        }
    }

    static void startThread(Runnable r) {
        new Thread(r).start();
    }

    static double pct(List<Long> nanos, int p) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.isEmpty() ? 0 : s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1)) / 1e6;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // storage: the plugin's tables at full size in an H2 file opened like the hub's database
    // ---------------------------------------------------------------------------------------------------------------

    static final String SCHEMA = "PLUGIN_AIR_QUALITY";
    static final long T0 = 1_577_836_800L;
    static final int BUCKET = 1200;
    static final String PKG = "de.datenhafen.plugins.airquality.";

    /** The settings of the hub's own database URL (HubConfig.dbUrl). */
    static String hubUrl(String file) {
        return "jdbc:h2:async:" + file + ";WRITE_DELAY=0;COMPRESS=TRUE;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * The hub's database password: a hub generates one into {@code db.key} next to the file at its first start; a file
     * this benchmark made itself, before any hub opened it, still has the empty one.
     */
    static String hubPassword(String file) {
        java.nio.file.Path key = java.nio.file.Path.of(file).resolveSibling("db.key");
        try {
            return java.nio.file.Files.exists(key) ? java.nio.file.Files.readString(key).trim() : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The plugin's pool as PluginDatabases makes it (the file is open already; a plain URL with the schema). */
    static HikariDataSource pluginPool(String file) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:async:" + file + ";SCHEMA=\"" + SCHEMA + "\"");
        hc.setUsername("sa");
        hc.setPassword(hubPassword(file));
        hc.setPoolName("plugin-db-air-quality");
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(0);
        return new HikariDataSource(hc);
    }

    static HikariDataSource withSchema(Connection hub, String file) throws SQLException {
        exec(hub, "CREATE SCHEMA IF NOT EXISTS \"" + SCHEMA + "\"");
        return pluginPool(file);
    }

    static String siteId(int room, int sites) {
        return String.format("sim-%02d", 1 + (room - 1) % sites);
    }

    static String roomId(int room) {
        return String.format("r%04d", room);
    }

    /**
     * A school day's curve as nested selects over a column t (seconds since 2020): weekdays 08:00 to 13:30 local
     * (UTC+1) CO2 climbs through each 45-minute lesson from 450 ppm by 800 to 1,700 ppm (per room) and falls back when
     * the next begins (windows open); otherwise 420 to 460 ppm. Temperature and humidity rise a little in lessons.
     * Noise from RAND() so the pages compress like real data, not like a formula. Columns: t, c (ppm), tp (1/100 degC),
     * h (1/10 %), p (1/10 hPa); ordered as the inner select, i.e. by t.
     */
    static String curve(String tSelect, int room) {
        String amp = Integer.toString(800 + (room * 37) % 900);
        return "SELECT t, CAST(CASE WHEN s THEN 450 + " + amp + " * ph / 2700 ELSE 420 + " + (room % 40)
            + " END + RAND() * 25 AS INT) c, "
            + "CAST(" + (2000 + (room * 13) % 200) + " + CASE WHEN s THEN ph * 150 / 2700 ELSE 0 END + RAND() * 10 AS INT) tp, "
            + "CAST(" + (400 + (room * 7) % 80) + " + CASE WHEN s THEN ph * 120 / 2700 ELSE 0 END + RAND() * 10 AS INT) h, "
            + "CAST(10100 + MOD(t / 7200, 50) AS INT) p FROM ("
            + "SELECT t, MOD((t + 3600) / 86400 + 2, 7) < 5 AND sod BETWEEN 28800 AND 48599 s, MOD(sod + 57600, 2700) ph "
            + "FROM (SELECT t, MOD(t + 3600, 86400) sod FROM (" + tSelect + ")))";
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long fileSize(String file) throws Exception {
        return Files.size(Path.of(file + ".mv.db"));
    }

    /**
     * load FILE SITES ROOMS RAWDAYS AVGDAYS ROOMS_PER_COMMIT: a fresh H2 file, the plugin's schema migrated by Flyway
     * from db/plugin as the hub does, the registry (SITES sites, ROOMS rooms), then room by room in primary-key order
     * with set-based INSERT ... SELECT FROM SYSTEM_RANGE inside H2: RAWDAYS of 5-minute readings, AVGDAYS of 20-minute
     * buckets and daily rows, committed every ROOMS_PER_COMMIT rooms.
     */
    static void load(String file, int sites, int rooms, int rawDays, int avgDays, int perCommit) throws Exception {
        Files.deleteIfExists(Path.of(file + ".mv.db"));
        Files.deleteIfExists(Path.of(file + ".trace.db"));
        try (Connection hub = DriverManager.getConnection(hubUrl(file), "sa", hubPassword(file));
             HikariDataSource pool = withSchema(hub, file)) {
            var migrated = Flyway.configure(AirBench.class.getClassLoader()).dataSource(pool).schemas(SCHEMA)
                .defaultSchema(SCHEMA).createSchemas(false).locations("classpath:db/plugin")
                .table("plugin_schema_history").failOnMissingLocations(false).load().migrate();
            System.out.printf("schema %s migrated to version %s (%d migrations)%n", SCHEMA, migrated.targetSchemaVersion,
                migrated.migrationsExecuted);
            int end = (int) (Instant.now().getEpochSecond() - T0) / 86400 * 86400; // today 00:00 UTC
            int rawStart = end - rawDays * 86400;
            int b1 = end / BUCKET;
            int b0 = b1 - avgDays * 72;
            int rawPerRoom = rawDays * 288;
            exec(hub, "CREATE TABLE IF NOT EXISTS PUBLIC.bench_run (sites INT, rooms INT, raw_start INT, raw_end INT, "
                + "bucket_start INT, bucket_end INT)");
            exec(hub, "DELETE FROM PUBLIC.bench_run");
            exec(hub, "INSERT INTO PUBLIC.bench_run VALUES (" + sites + ", " + rooms + ", " + rawStart + ", " + end
                + ", " + b0 + ", " + b1 + ")");
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement site = c.prepareStatement("INSERT INTO site (id, name, address, latitude, "
                    + "longitude) VALUES (?, ?, ?, ?, ?)")) {
                    for (int s = 1; s <= sites; s++) {
                        site.setString(1, siteId(s, sites));
                        site.setString(2, "Schule " + s);
                        site.setString(3, "Schulweg " + s + ", 23552 Luebeck");
                        site.setDouble(4, 53.8 + s / 1000.0);
                        site.setDouble(5, 10.6 + s / 1000.0);
                        site.addBatch();
                    }
                    site.executeBatch();
                }
                try (PreparedStatement room = c.prepareStatement("INSERT INTO room (room_key, site_id, id, name, kind) "
                    + "VALUES (?, ?, ?, ?, 'classroom')")) {
                    for (int r = 1; r <= rooms; r++) {
                        room.setInt(1, r);
                        room.setString(2, siteId(r, sites));
                        room.setString(3, roomId(r));
                        room.setString(4, "Raum " + r);
                        room.addBatch();
                    }
                    room.executeBatch();
                }
                c.commit();
                long rawRows = 0;
                long bucketRows = 0;
                long dayRows = 0;
                long rawNanos = 0;
                long bucketNanos = 0;
                long start = System.nanoTime();
                long lastReport = start;
                try (Statement st = c.createStatement()) {
                    for (int r = 1; r <= rooms; r++) {
                        long t0 = System.nanoTime();
                        // PK (room_key, t): one room's readings in time order
                        rawRows += st.executeUpdate("INSERT INTO reading (room_key, t, co2, temp, hum, pres) SELECT "
                            + r + ", t, c, tp, h, p FROM (" + curve("SELECT " + rawStart + " + X * 300 + " + (r % 300)
                            + " t FROM SYSTEM_RANGE(0, " + (rawPerRoom - 1) + ")", r) + ")");
                        st.executeUpdate("INSERT INTO latest (room_key, t, co2, temp, hum, pres) SELECT room_key, t, "
                            + "co2, temp, hum, pres FROM reading WHERE room_key = " + r
                            + " ORDER BY t DESC FETCH FIRST 1 ROW ONLY");
                        long t1 = System.nanoTime();
                        bucketRows += st.executeUpdate("INSERT INTO avg20 (room_key, bucket, n, co2_sum, co2_max, "
                            + "temp_sum, hum_sum, pres_sum, pres_n, n_green, n_yellow, n_red) SELECT " + r
                            + ", t / 1200, 4, 4 * c, c + 20, 4 * tp, 4 * h, 4 * p, 4, CASE WHEN c < 1000 THEN 4 ELSE 0 END, "
                            + "CASE WHEN c BETWEEN 1000 AND 2000 THEN 4 ELSE 0 END, CASE WHEN c > 2000 THEN 4 ELSE 0 END "
                            + "FROM (" + curve("SELECT X * 1200 + 600 t FROM SYSTEM_RANGE(" + b0 + ", " + (b1 - 1) + ")", r)
                            + ")");
                        long days0 = (T0 + (long) b0 * BUCKET) / 86400;
                        dayRows += st.executeUpdate("INSERT INTO daily (room_key, day_no, n, co2_sum, co2_max, temp_sum, "
                            + "hum_sum, min_green, min_yellow, min_red) SELECT " + r + ", X, 288, 288 * 640, 1500 + MOD(X, 400), "
                            + "288 * 2090, 288 * 460, 1200.0, 160.0, 80.0 FROM SYSTEM_RANGE(" + days0 + ", "
                            + (days0 + avgDays - 1) + ")");
                        if (r % perCommit == 0 || r == rooms) {
                            c.commit();
                        }
                        long t2 = System.nanoTime();
                        rawNanos += t1 - t0;
                        bucketNanos += t2 - t1;
                        if (t2 - lastReport > 30_000_000_000L || r == rooms) {
                            lastReport = t2;
                            double secs = (t2 - start) / 1e9;
                            System.out.printf("%s rooms %d/%d: %,d raw (%.0f/s), %,d buckets (%.0f/s), %,d days; %.0f s; "
                                    + "file %,d bytes; load average %s%n", Instant.now(), r, rooms, rawRows,
                                rawRows / (rawNanos / 1e9), bucketRows, bucketRows / (bucketNanos / 1e9), dayRows, secs,
                                fileSize(file), loadAverage());
                        }
                    }
                }
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf("loaded %,d raw readings (%d rooms x %d days x 288) and %,d 20-minute buckets (%d days x "
                        + "72) and %,d daily rows in %.0f s: %.0f rows/s overall; raw %.0f rows/s, buckets and days %.0f "
                        + "rows/s (commit every %d rooms)%n", rawRows, rooms, rawDays, bucketRows, avgDays, dayRows, secs,
                    (rawRows + bucketRows + dayRows) / secs, rawRows / (rawNanos / 1e9),
                    (bucketRows + dayRows) / (bucketNanos / 1e9), perCommit);
            }
            sizes(hub, file, "after the load, open");
        }
        System.out.printf("file after a normal close: %,d bytes%n", fileSize(file));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    static void sizes(Connection hub, String file, String when) throws Exception {
        exec(hub, "CHECKPOINT");
        long raw = scalarLong(hub, "SELECT COUNT(*) FROM \"" + SCHEMA + "\".reading");
        long buckets = scalarLong(hub, "SELECT COUNT(*) FROM \"" + SCHEMA + "\".avg20");
        long days = scalarLong(hub, "SELECT COUNT(*) FROM \"" + SCHEMA + "\".daily");
        long rawBytes = scalarLong(hub, "SELECT DISK_SPACE_USED('\"" + SCHEMA + "\".READING')");
        long bucketBytes = scalarLong(hub, "SELECT DISK_SPACE_USED('\"" + SCHEMA + "\".AVG20')");
        long size = fileSize(file);
        System.out.printf("sizes %s: reading %,d rows, %,d bytes = %.1f bytes per raw reading; avg20 %,d rows, %,d bytes "
                + "= %.1f bytes per bucket; daily %,d rows; file %,d bytes = %.1f bytes per row (all %,d rows)%n", when,
            raw, rawBytes, rawBytes / (double) raw, buckets, bucketBytes, bucketBytes / (double) buckets, days, size,
            size / (double) (raw + buckets + days), raw + buckets + days);
    }

    /** The plugin's own objects over the pool: AirQuality (registry, projections) and ReadApi, by reflection. */
    static final class Plugin {
        final Object air;
        final Object api;
        final Method history;
        final Method dropRawBefore;
        final Object projections;

        Plugin(DataSource db) throws Exception {
            Constructor<?> a = Class.forName(PKG + "AirQuality").getDeclaredConstructor(DataSource.class);
            a.setAccessible(true);
            air = a.newInstance(db);
            Constructor<?> r = Class.forName(PKG + "ReadApi").getDeclaredConstructor(air.getClass());
            r.setAccessible(true);
            api = r.newInstance(air);
            history = api.getClass().getDeclaredMethod("history", String.class, String.class, Map.class);
            history.setAccessible(true);
            Field p = air.getClass().getDeclaredField("projections");
            p.setAccessible(true);
            projections = p.get(air);
            dropRawBefore = projections.getClass().getDeclaredMethod("dropRawBefore", Instant.class);
            dropRawBefore.setAccessible(true);
        }

        /** GET sites/<site>/rooms/<room>/history?from=&to=&resolution=: the JSON body the endpoint sends. */
        JsonNode history(String site, String room, Instant from, Instant to, String resolution) throws Exception {
            try {
                return (JsonNode) history.invoke(api, site, room, Map.of("from", from.toString(), "to", to.toString(),
                    "resolution", resolution));
            } catch (InvocationTargetException e) {
                throw (Exception) e.getCause();
            }
        }
    }

    record Run(int sites, int rooms, int rawStart, int rawEnd, int bucketStart, int bucketEnd) {
        static Run of(Connection hub) throws SQLException {
            try (Statement st = hub.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM PUBLIC.bench_run")) {
                rs.next();
                return new Run(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6));
            }
        }
    }

    static Instant instant(long t) {
        return Instant.ofEpochSecond(T0 + t);
    }

    /**
     * query FILE SAMPLES SEED: a fresh JVM opens the file (the hub's URL) and asks the plugin's ReadApi.history, the
     * method behind GET sites/<site>/rooms/<room>/history, for one week at 20 minutes of SAMPLES random rooms and
     * weeks of the averaged year: first pass cold (fresh JVM, H2's cache empty; air-bench.sh drops the file from the
     * OS cache first), second pass warm (other random rooms and weeks). Time includes the JSON bytes the endpoint
     * would send.
     */
    static void query(String file, int samples, long seed) throws Exception {
        long open0 = System.nanoTime();
        try (Connection hub = DriverManager.getConnection(hubUrl(file), "sa", hubPassword(file));
             HikariDataSource pool = pluginPool(file)) {
            Run run = Run.of(hub);
            Plugin plugin = new Plugin(pool);
            System.out.printf("opened %,d bytes and loaded the plugin's registry and latest readings in %.0f ms%n",
                fileSize(file), (System.nanoTime() - open0) / 1e6);
            ObjectMapper json = new ObjectMapper();
            Random r = new Random(seed);
            int weeks = (run.bucketEnd() - run.bucketStart()) - 7 * 72;
            for (String pass : List.of("cold", "warm")) {
                List<Long> lat = new ArrayList<>();
                long bytes = 0;
                for (int i = 0; i < samples; i++) {
                    int room = 1 + r.nextInt(run.rooms());
                    Instant from = instant((long) (run.bucketStart() + r.nextInt(weeks)) * BUCKET);
                    long t0 = System.nanoTime();
                    JsonNode out = plugin.history(siteId(room, run.sites()), roomId(room), from,
                        from.plus(Duration.ofDays(7)), "20m");
                    bytes += json.writeValueAsBytes(out).length;
                    lat.add(System.nanoTime() - t0);
                    if (out.get("points").size() != 7 * 72) {
                        throw new IllegalStateException("expected 504 points, got " + out.get("points").size());
                    }
                }
                System.out.printf("week history at 20m, %s, %d random rooms/weeks (504 points, %.0f bytes of JSON each): "
                        + "p50 %.2f ms, p99 %.2f ms, max %.2f ms; load average %s%n", pass, samples,
                    bytes / (double) samples, pct(lat, 50), pct(lat, 99), pct(lat, 100), loadAverage());
            }
        }
    }

    /**
     * retention FILE: the plugin's raw-retention step (Projections.dropRawBefore, as the hourly job calls it) drops the
     * oldest day of raw readings left (so a rerun drops the next); then shows that the dropped day still has its 20-minute averages through the read
     * API while its raw readings are gone.
     */
    static void retention(String file) throws Exception {
        try (Connection hub = DriverManager.getConnection(hubUrl(file), "sa", hubPassword(file));
             HikariDataSource pool = pluginPool(file)) {
            Run run = Run.of(hub);
            Plugin plugin = new Plugin(pool);
            Instant day0 = instant(run.rawStart());
            Instant day1 = day0.plus(Duration.ofDays(1));
            long t0 = System.nanoTime();
            long dropped;
            try {
                dropped = (Long) plugin.dropRawBefore.invoke(plugin.projections, day1);
            } catch (InvocationTargetException e) {
                throw (Exception) e.getCause();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            exec(hub, "UPDATE PUBLIC.bench_run SET raw_start = " + (run.rawStart() + 86400)); // a rerun drops the next day
            System.out.printf("retention: dropped %,d raw readings older than %s (one day of %d rooms) in %.1f s = %.0f "
                + "rows/s; load average %s%n", dropped, day1, run.rooms(), secs, dropped / secs, loadAverage());
            String site = siteId(1, run.sites());
            String room = roomId(1);
            JsonNode raw = plugin.history(site, room, day0, day1, "raw");
            JsonNode avg = plugin.history(site, room, day0, day1, "20m");
            JsonNode nextRaw = plugin.history(site, room, day1, day1.plus(Duration.ofDays(1)), "raw");
            Instant old = instant((long) run.bucketStart() * BUCKET);
            JsonNode oldWeek = plugin.history(site, room, old, old.plus(Duration.ofDays(7)), "20m");
            System.out.printf("after it, room %s/%s: the dropped day %s has %d raw readings and %d 20-minute averages "
                    + "(first %s); the next day %d raw readings; the oldest week of averages (%s, %d days before the raw "
                    + "window) %d points%n", site, room, day0, raw.get("points").size(), avg.get("points").size(),
                avg.get("points").size() > 0 ? avg.get("points").get(0) : "none", nextRaw.get("points").size(), old,
                Duration.between(old, day1).toDays(), oldWeek.get("points").size());
            sizes(hub, file, "after the retention step");
        }
    }

    static void compact(String file) throws Exception {
        long before = fileSize(file);
        long t0 = System.nanoTime();
        long rows;
        try (Connection hub = DriverManager.getConnection(hubUrl(file), "sa", hubPassword(file))) {
            rows = scalarLong(hub, "SELECT (SELECT COUNT(*) FROM \"" + SCHEMA + "\".reading) + (SELECT COUNT(*) FROM \""
                + SCHEMA + "\".avg20) + (SELECT COUNT(*) FROM \"" + SCHEMA + "\".daily)");
            t0 = System.nanoTime();
            exec(hub, "SHUTDOWN COMPACT");
        }
        long after = fileSize(file);
        System.out.printf("compact (SHUTDOWN COMPACT, as bin/datenhafen --compact) in %.0f s: %,d -> %,d bytes = %.1f bytes "
            + "per row (%,d rows); load average %s%n", (System.nanoTime() - t0) / 1e9, before, after,
            after / (double) rows, rows, loadAverage());
    }
}
