package de.datenhafen.plugins.airquality;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast the projections apply air.reading events one per transaction (as with {@code max-batch} 1) and in
 * batches of {@code max-batch} per transaction, in the same JVM, alternating, each run on a fresh H2 file opened as
 * the hub opens its database ({@code WRITE_DELAY=0;COMPRESS=TRUE}) through a connection pool. Not part of the build
 * (the name does not end in Test); run it with
 * {@code ./mvnw -B -pl plugins/air-quality test -Dtest=ProjectionsRateBench [-Dbench.readings=20000]
 * [-Dbench.rooms=500] [-Dbench.rounds=3] [-Dbench.batch=500]}.
 *
 * <p>The readings: every room every 5 minutes, CO2 rising and falling so that each room spends an hour above 2,000
 * ppm in every four, which raises and clears alerts as in a stuffy school room.
 */
class ProjectionsRateBench {

    @TempDir
    Path dir;

    @Test
    void appliesReadingsOneByOneAndInBatches() throws Exception {
        int readings = Integer.getInteger("bench.readings", 20_000);
        int rooms = Integer.getInteger("bench.rooms", 500);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int batch = Integer.getInteger("bench.batch", 500);
        System.out.printf("projections bench: %,d readings, %d rooms, batches of %d, %d rounds; load %s%n",
            readings, rooms, batch, rounds, load());
        run("warm-up", 5_000, rooms, 1);
        run("warm-up", 5_000, rooms, batch);
        List<Double> single = new ArrayList<>();
        List<Double> batched = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                single.add(run("round " + (r + 1), readings, rooms, 1));
                batched.add(run("round " + (r + 1), readings, rooms, batch));
            } else {
                batched.add(run("round " + (r + 1), readings, rooms, batch));
                single.add(run("round " + (r + 1), readings, rooms, 1));
            }
        }
        System.out.printf("projections bench: one by one %s readings/s, batches of %d %s readings/s; load %s%n",
            single.stream().map(ProjectionsRateBench::rate).toList(), batch,
            batched.stream().map(ProjectionsRateBench::rate).toList(), load());
    }

    private double run(String label, int readings, int rooms, int batch) throws Exception {
        Path file = Files.createTempDirectory(dir, "run").resolve("hub");
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + file
            + ";WRITE_DELAY=0;COMPRESS=TRUE;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        try {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V1__air_quality.sql'");
                st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V2__partial_readings.sql'");
                st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V3__site_numbers.sql'");
            }
            Registry registry = new Registry(pool);
            int[] keys = new int[rooms];
            registry.change(c -> {
                for (int s = 0; s < (rooms + 29) / 30; s++) {
                    Registry.upsertSite(c, new Registry.Site("s" + s, "School " + s, null, null, null));
                }
                for (int k = 0; k < rooms; k++) {
                    keys[k] = Registry.upsertRoom(c, "s" + (k / 30), "r" + k, "Room " + k, "classroom");
                }
            });
            Projections projections = new Projections(pool, registry);
            List<Projections.In> all = readings(readings, keys);
            int alerts = 0;
            long start = System.nanoTime();
            for (int from = 0; from < all.size(); from += batch) {
                List<Projections.In> part = all.subList(from, Math.min(all.size(), from + batch));
                List<Projections.AlertChange> changes = batch == 1 ? projections.apply(part.get(0))
                    : projections.apply(part);
                projections.sent(changes);
                alerts += changes.size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = readings / seconds;
            System.out.printf(Locale.ROOT, "projections bench: %s, batch %d: %,d readings in %.2f s = %s readings/s, "
                + "%d alert changes%n", label, batch, readings, seconds, rate(rate), alerts);
            return rate;
        } finally {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
            pool.dispose();
        }
    }

    private static List<Projections.In> readings(int n, int[] rooms) {
        Instant start = Instant.parse("2026-11-23T07:00:00Z");
        List<Projections.In> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i % rooms.length;
            int step = i / rooms.length;
            // a 4-hour cycle of 48 readings: 600 ppm up to 2,480 and down again, a fifth of it above 2,000
            int phase = (step + k) % 48;
            int co2 = 600 + (phase < 24 ? phase : 47 - phase) * 80;
            out.add(new Projections.In(rooms[k], start.plusSeconds(step * 300L + k % 60), (double) co2,
                21.0 + k % 5, 40.0 + k % 20, 1013.0));
        }
        return out;
    }

    private static String rate(double r) {
        return String.format(Locale.ROOT, "%,.0f", r);
    }

    /** The load averages (1, 5, 15 minutes), for the bench's lines. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
