package de.datenhafen.plugins.airquality.sta;

import java.lang.ref.Reference;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: measures what the general store's graph ({@link Store}'s load of its tables) takes of the heap per
 * entity and per link, from which {@link Store#ENTITY_BYTES}, {@link Store#PROPERTY_BYTES} and
 * {@link Store#LINK_BYTES} are chosen. Run with {@code -Dtest=StoreCostBench -Dsta.bench.cost=50000} (entities per
 * case). Each case fills a fresh in-memory store
 * with SQL, reads its graph once (H2's and the classes' warm-up), then compares the heap in use after full
 * collections without a graph and with one, and prints the bytes per entity beyond its JSON's characters and per link
 * entry (each direction the graph holds counted as one).
 */
@EnabledIfSystemProperty(named = "sta.bench.cost", matches = "\\d+")
class StoreCostBench {

    static final String LOCATION = "{\"name\":\"l\",\"description\":\"d\",\"encodingType\":\"e\",\"location\":{}}";

    @Test
    void measuresTheGraphPerEntityAndPerLink() throws Exception {
        int n = Integer.getInteger("sta.bench.cost");
        // n tiny Locations (4 properties each), nothing linked
        long locations = graph(n, "");
        // the same and one Thing linked to all of them: 2 link entries per Location (Thing->Location, Location->Thing)
        long thingLinks = graph(n, "INSERT INTO sta_thing (id, doc) VALUES (1, '{\"name\":\"t\",\"description\":\"d\"}');"
            + "INSERT INTO sta_thing_location SELECT 1, id, id FROM sta_location;");
        // and a HistoricalLocation of that Thing with all of them: 2 more per Location
        long historyLinks = graph(n, "INSERT INTO sta_thing (id, doc) VALUES (1, '{\"name\":\"t\",\"description\":\"d\"}');"
            + "INSERT INTO sta_thing_location SELECT 1, id, id FROM sta_location;"
            + "INSERT INTO sta_historical_location (id, thing_id, doc) VALUES (1, 1, '{\"time\":\"2026-01-01T00:00:00.000Z\"}');"
            + "INSERT INTO sta_historical_location_location SELECT 1, id FROM sta_location;");
        System.out.printf("locations: %d bytes each beyond their JSON%n", locations / n);
        System.out.printf("thing<->location links: %d bytes per link entry%n", (thingLinks - locations) / (2L * n));
        System.out.printf("historical<->location links: %d bytes per link entry%n",
            (historyLinks - thingLinks) / (2L * n));
        long things2 = simple(n, "sta_thing", "{\"name\":\"t\",\"description\":\"d\"}");
        System.out.printf("things (2 properties): %d bytes each beyond their JSON%n", things2 / n);
        long sensors5 = simple(n, "sta_sensor", "{\"name\":\"s\",\"description\":\"d\",\"encodingType\":\"e\","
            + "\"metadata\":\"m\",\"properties\":{}}");
        System.out.printf("sensors (5 properties): %d bytes each beyond their JSON%n", sensors5 / n);
        long ds = datastreams(n);
        System.out.printf("datastreams (8 properties, 3 to-one links, 3 entries in their Thing's, Sensor's, "
            + "ObservedProperty's lists): %d bytes each beyond their JSON%n", ds / n);
        // n Things with a HistoricalLocation each, linked to one Location: the first link of an entity's navigation
        long firsts = things(n);
        System.out.printf("things with a historical location and 1 location: %d bytes per Thing beyond the JSON "
            + "(2 entities, 6 link entries)%n", firsts / n);
    }

    /** Heap the graph takes beyond the characters of JSON it counts, in bytes. */
    private static long graph(int n, String more) throws Exception {
        JdbcDataSource db = StoreDatabase.open();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO sta_location (doc) SELECT '" + LOCATION + "' FROM SYSTEM_RANGE(1, " + n + ")");
            if (!more.isEmpty()) {
                for (String s : more.split(";")) {
                    st.execute(s);
                }
            }
        }
        return measure(db);
    }

    private static long simple(int n, String table, String doc) throws Exception {
        JdbcDataSource db = StoreDatabase.open();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + table + " (doc) SELECT '" + doc + "' FROM SYSTEM_RANGE(1, " + n + ")");
        }
        return measure(db);
    }

    private static long datastreams(int n) throws Exception {
        JdbcDataSource db = StoreDatabase.open();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO sta_thing (id, doc) VALUES (1, '{\"name\":\"t\",\"description\":\"d\"}')");
            st.execute("INSERT INTO sta_sensor (id, doc) VALUES (1, '{\"name\":\"t\",\"description\":\"d\"}')");
            st.execute("INSERT INTO sta_observed_property (id, doc) VALUES (1, '{\"name\":\"t\"}')");
            st.execute("INSERT INTO sta_datastream (thing_id, sensor_id, observed_property_id, doc) SELECT 1, 1, 1, "
                + "'{\"name\":\"n\",\"description\":\"d\",\"unitOfMeasurement\":{},\"observationType\":\"o\","
                + "\"observedArea\":{},\"phenomenonTime\":\"p\",\"resultTime\":\"r\",\"properties\":{}}' FROM "
                + "SYSTEM_RANGE(1, " + n + ")");
        }
        return measure(db);
    }

    private static long things(int n) throws Exception {
        JdbcDataSource db = StoreDatabase.open();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO sta_location (id, doc) VALUES (1, '" + LOCATION + "')");
            st.execute("INSERT INTO sta_thing (id, doc) SELECT X, '{\"name\":\"t\",\"description\":\"d\"}' FROM "
                + "SYSTEM_RANGE(1, " + n + ")");
            st.execute("INSERT INTO sta_thing_location SELECT id, 1, id FROM sta_thing");
            st.execute("INSERT INTO sta_historical_location (id, thing_id, doc) SELECT id, id, "
                + "'{\"time\":\"2026-01-01T00:00:00.000Z\"}' FROM sta_thing");
            st.execute("INSERT INTO sta_historical_location_location SELECT id, 1 FROM sta_historical_location");
        }
        return measure(db);
    }

    private static long measure(JdbcDataSource db) {
        new Store(db, Duration.ofSeconds(60)).graph(); // warm-up
        long before = used();
        Model.Graph g = new Store(db, Duration.ofSeconds(60)).graph();
        long after = used();
        long counted = g.heldBytes;
        Reference.reachabilityFence(g);
        System.out.printf("  graph: %d bytes of heap, %d counted (%.2f times)%n", after - before, counted,
            (double) counted / (after - before));
        return after - before - jsonChars(db);
    }

    /** The characters of JSON of all rows the graph reads. */
    private static long jsonChars(JdbcDataSource db) {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT (SELECT COALESCE(SUM(LENGTH(doc)), 0) FROM sta_thing) + "
                 + "(SELECT COALESCE(SUM(LENGTH(doc)), 0) FROM sta_location) + (SELECT COALESCE(SUM(LENGTH(doc)), 0) "
                 + "FROM sta_sensor) + (SELECT COALESCE(SUM(LENGTH(doc)), 0) FROM sta_observed_property) + "
                 + "(SELECT COALESCE(SUM(LENGTH(doc)), 0) FROM sta_datastream) + (SELECT COALESCE(SUM(LENGTH(doc)), 0) "
                 + "FROM sta_historical_location)")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The heap in use after full collections, once one more frees less than 64 KiB (at most ten). */
    private static long used() {
        Runtime r = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long now = r.totalMemory() - r.freeMemory();
            boolean settled = best - now < 64 * 1024;
            best = Math.min(best, now);
            if (settled) {
                break;
            }
        }
        return best;
    }
}
