package de.datenhafen.core.bus;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.store.Database;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes on disk per event against group size (skipped unless -Dbench=true). */
class ChunkSizeProbe {

    @TempDir
    Path dir;

    static List<NewEvent> batch(Random rnd, int n, long k) {
        List<NewEvent> out = new ArrayList<>(n);
        OffsetDateTime t = OffsetDateTime.of(2026, 11, 26, 8, 0, 0, 0, ZoneOffset.UTC).plusNanos(k * 7_000_000L);
        String uuid = Long.toHexString(rnd.nextLong()) + "-" + Long.toHexString(rnd.nextLong());
        for (int i = 0; i < n; i++) {
            String sensor = String.format(Locale.ROOT, "co2-s%04d", 1 + rnd.nextInt(2500));
            OffsetDateTime ti = t.plusNanos(i * 7_000_000L);
            String ts = ti.toInstant().toString();
            String json = String.format(Locale.ROOT,
                "{\"sensorId\":\"%s\",\"ts\":\"%s\",\"co2ppm\":%d,\"temperatureC\":%.1f,\"humidityPct\":%.1f}",
                sensor, ts, 400 + rnd.nextInt(1200), 18 + rnd.nextInt(80) / 10.0, 30 + rnd.nextInt(400) / 10.0);
            out.add(new NewEvent(CloudEventBuilder.v1().withId(uuid + String.format("-%02d", i))
                .withSource(URI.create("/sensors/" + sensor)).withType("air.reading").withTime(ti)
                .withDataContentType("application/json").withData(json.getBytes(StandardCharsets.UTF_8)).build(),
                "datenhafen"));
        }
        return out;
    }

    @Test
    void bytesPerEventAgainstGroupSize() throws Exception {
        assumeTrue(Boolean.getBoolean("bench"));
        String storages = System.getProperty("probe.storage", "chunks");
        int total = Integer.getInteger("probe.events", 200_000);
        String url = System.getProperty("probe.url", ";WRITE_DELAY=0;COMPRESS=TRUE;DB_CLOSE_ON_EXIT=FALSE");
        for (String storage : storages.split(",")) {
            for (String g : System.getProperty("probe.groups", "10,50,100,300,1000").split(",")) {
                int group = Integer.parseInt(g);
                Path d = dir.resolve(storage + "-" + group);
                Files.createDirectories(d);
                Database db = Database.open("jdbc:h2:file:" + d.resolve("hub").toAbsolutePath() + url, "sa", "");
                for (String sql : System.getProperty("probe.sql", "").split(";")) {
                    if (!sql.isBlank()) {
                        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
                            st.execute(sql);
                        }
                    }
                }
                GroupCommitLog log = storage.equals("rows") ? H2EventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS)
                    : ChunkedEventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS);
                Random rnd = new Random(7);
                long t0 = System.nanoTime();
                for (long k = 0; k < total / group; k++) {
                    log.append(batch(rnd, group, k)).get(30, TimeUnit.SECONDS);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long running = Files.size(d.resolve("hub.mv.db"));
                long payload = 0;
                if (!storage.equals("rows")) {
                    try (var c = db.dataSource().getConnection(); var st = c.createStatement();
                         var rs = st.executeQuery("SELECT SUM(OCTET_LENGTH(data)), COUNT(*) FROM bus_chunk_data")) {
                        rs.next();
                        payload = rs.getLong(1);
                    }
                }
                log.close();
                if (Boolean.getBoolean("probe.compact")) {
                    try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
                        long s0 = System.nanoTime();
                        st.execute("SHUTDOWN COMPACT");
                        System.out.printf("PROBE compact %d ms%n", (System.nanoTime() - s0) / 1_000_000);
                    } catch (Exception e) {
                        System.out.println("PROBE compact " + e);
                    }
                }
                db.close();
                long closed = Files.size(d.resolve("hub.mv.db"));
                System.out.printf(Locale.ROOT, "PROBE %s group %5d: %7.0f ev/s, chunk bytes %6.1f/ev, file running %6.1f/ev, after close %6.1f/ev%n",
                    storage, group, total / secs, payload / (double) total, running / (double) total, closed / (double) total);
            }
        }
    }
}
