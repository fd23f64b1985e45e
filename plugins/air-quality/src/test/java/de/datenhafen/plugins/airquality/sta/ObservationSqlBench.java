package de.datenhafen.plugins.airquality.sta;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: times Observation queries on a large reading table (H2 file in a temporary folder). Run with
 * {@code -Dtest=ObservationSqlBench -Dsta.bench.days=14} (2,500 rooms, a reading every 5 minutes; 90 days is the
 * 65 million rows the plugin expects). Prints one line per query: the median of 5 runs after one warm-up.
 */
@EnabledIfSystemProperty(named = "sta.bench.days", matches = "\\d+")
class ObservationSqlBench {

    static final int ROOMS = 2500;

    @Test
    void timesTheUsualQueries() throws Exception {
        int days = Integer.getInteger("sta.bench.days");
        int perRoom = days * 288;
        Path dir = Files.createTempDirectory("sta-bench");
        // a pool, as the plugin's schema has (opening an H2 file connection per query would dominate)
        org.h2.jdbcx.JdbcConnectionPool db = org.h2.jdbcx.JdbcConnectionPool.create("jdbc:h2:" + dir.resolve("bench")
            + ";WRITE_DELAY=0", "sa", "");
        int end = (int) (Instant.parse("2026-11-26T00:00:00Z").getEpochSecond() - Model.T0);
        int start = end - perRoom * 300;
        long t0 = System.nanoTime();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V1__air_quality.sql'");
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V2__partial_readings.sql'");
            for (int from = 1; from <= ROOMS; from += 5) { // 5 rooms a statement: a huge one runs out of heap
                st.execute("INSERT INTO reading SELECT r.X, " + start + " + s.X * 300, 400 + MOD(r.X * 7 + s.X * 13, "
                    + "1800), 2000 + MOD(s.X, 300), 450 + MOD(s.X, 100), 10130 FROM SYSTEM_RANGE(" + from + ", "
                    + (from + 4) + ") r, SYSTEM_RANGE(0, " + (perRoom - 1) + ") s");
            }
        }
        System.out.printf("loaded %,d rows in %.1f s; file %,d MB%n", (long) ROOMS * perRoom,
            (System.nanoTime() - t0) / 1e9, Files.size(dir.resolve("bench.mv.db")) >> 20);
        Map<String, StaBackend.Site> sites = Map.of("s", new StaBackend.Site(1, "s", "School", null, 53.9, 10.7));
        Map<Integer, StaBackend.Room> rooms = new HashMap<>();
        for (int r = 1; r <= ROOMS; r++) {
            rooms.put(r, new StaBackend.Room(r, "s", "r" + r, "Room " + r, "classroom"));
        }
        Model.Graph graph = new Model.Graph(new StaBackend.View(sites, rooms, Map.of()));
        Eval eval = new Eval(graph, Instant.now());
        ObservationSql sql = new ObservationSql(db, graph, eval, java.time.Duration.ofMinutes(10));
        String lastDay = Instant.ofEpochSecond(Model.T0 + end - 86_400).toString();
        List<Long> one = List.of(1234L * 4);
        List<Long> all = ObservationSql.scope(graph, null);
        time("Datastreams(x)/Observations phenomenonTime ge <last day>, desc, $top=100", () ->
            sql.query(one, Parser.filter("phenomenonTime ge " + lastDay), Parser.orderBy("phenomenonTime desc"), 0,
                100, false));
        time("  the same with $count=true", () ->
            sql.query(one, Parser.filter("phenomenonTime ge " + lastDay), Parser.orderBy("phenomenonTime desc"), 0,
                100, true));
        time("  the same, $skip=200", () ->
            sql.query(one, Parser.filter("phenomenonTime ge " + lastDay), Parser.orderBy("phenomenonTime desc"), 200,
                100, false));
        time("Datastreams(x)/Observations result gt 2000, $top=100 (scans the room)", () ->
            sql.query(one, Parser.filter("result gt 2000"), List.of(), 0, 100, false));
        time("/Observations $top=100 (first page, walk in id order)", () ->
            sql.query(all, null, List.of(), 0, 100, false));
        time("/Observations Datastream/Thing/name eq 'Room 2000' and ObservedProperty CO2, $top=100", () ->
            sql.query(all, Parser.filter("Datastream/Thing/name eq 'Room 2000' and "
                + "Datastream/ObservedProperty/name eq 'CO2'"), List.of(), 0, 100, false));
        time("/Observations phenomenonTime ge <last hour>, $top=100 (walk)", () ->
            sql.query(all, Parser.filter("phenomenonTime ge " + Instant.ofEpochSecond(Model.T0 + end - 3600)),
                List.of(), 0, 100, false));
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "EXPLAIN SELECT t, co2 FROM reading WHERE room_key = 1234 AND co2 IS NOT NULL AND (t >= 1000) "
                + "ORDER BY room_key DESC, t DESC, t LIMIT 101 OFFSET 0")) {
            rs.next();
            System.out.println(rs.getString(1).replace('\n', ' '));
        }
    }

    interface Query {
        Object run() throws Exception;
    }

    static void time(String what, Query q) throws Exception {
        q.run();
        long[] ms = new long[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            q.run();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        java.util.Arrays.sort(ms);
        System.out.printf("%-90s median %,d ms (min %,d, max %,d)%n", what, ms[2], ms[0], ms[4]);
    }
}
