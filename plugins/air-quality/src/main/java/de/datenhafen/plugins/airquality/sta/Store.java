package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The general SensorThings store's tables ({@code db/plugin/V4__sensorthings_store.sql}) as a service's source: the
 * entities other than Observations are read into a {@link Model.Graph} once and again after each change of them
 * (a version counter, so a read racing a write never keeps a graph older than the write), Observations stay in the
 * database ({@link StoreObservations}). The graph holds every Thing, Location, Datastream and so on of the store,
 * their JSON objects and arrays as text ({@link Model.RawJson}), so it costs about the stored text, which writes keep
 * under {@link #MAX_STORE_CHARS}; Observations, the many, are never held.
 */
final class Store implements StaService.Source {

    /** The JSON of one entity's own properties, at most (a larger one is refused with 413). */
    static final int MAX_DOC_CHARS = 64 * 1024;

    /**
     * The JSON of all entities other than Observations together, in characters, at most: the graph holds them in
     * memory (about their size, see {@link #props}), so a write that would pass this is refused with 413 and the
     * hub's heap is not the limit. 64 MiB is some thousand entities with the largest properties, or hundreds of
     * thousands of ordinary ones; the graph then takes 64 to 128 MB of heap.
     */
    static final long MAX_STORE_CHARS = 64L * 1024 * 1024;

    final DataSource db;
    final long maxChars;
    private final StoreObservations observations;
    private final AtomicLong version = new AtomicLong();
    private volatile Loaded loaded;
    /**
     * Writes one at a time: a deep insert checks its links and writes them in one transaction, and the graph the
     * next request sees is built after it. Reads never wait for it.
     */
    final ReentrantLock writing = new ReentrantLock();

    private record Loaded(long version, Model.Graph graph) {
    }

    Store(DataSource db, Duration queryTimeout) {
        this(db, queryTimeout, MAX_STORE_CHARS);
    }

    /** {@code maxChars}: {@link #MAX_STORE_CHARS}, smaller in tests. */
    Store(DataSource db, Duration queryTimeout, long maxChars) {
        this.db = db;
        this.maxChars = maxChars;
        this.observations = new StoreObservations(db, queryTimeout);
    }

    @Override
    public Model.Graph graph() {
        Loaded l = loaded;
        if (l == null || l.version() != version.get()) {
            synchronized (this) {
                l = loaded;
                long v = version.get();
                if (l == null || l.version() != v) {
                    try {
                        l = new Loaded(v, load());
                    } catch (SQLException e) {
                        throw new IllegalStateException("reading the SensorThings store failed", e);
                    }
                    loaded = l;
                }
            }
        }
        return l.graph();
    }

    @Override
    public Observations observations() {
        return observations;
    }

    /** After a committed change of entities other than Observations: the next read builds the graph again. */
    void changed() {
        version.incrementAndGet();
    }

    private Model.Graph load() throws SQLException {
        Model.Graph g = new Model.Graph();
        try (Connection c = db.getConnection()) {
            for (Model.Type t : new Model.Type[] {Model.Type.THING, Model.Type.LOCATION, Model.Type.SENSOR,
                Model.Type.OBSERVED_PROPERTY, Model.Type.FEATURE_OF_INTEREST}) {
                each(c, "SELECT id, doc FROM " + table(t) + " ORDER BY id",
                    rs -> g.put(new Model.Entity(t, rs.getLong(1), props(g, t, rs.getString(2)))));
            }
            each(c, "SELECT thing_id, location_id FROM sta_thing_location ORDER BY thing_id, linked, location_id",
                rs -> {
                    g.link(Model.Type.THING, rs.getLong(1), "Locations", rs.getLong(2));
                    g.link(Model.Type.LOCATION, rs.getLong(2), "Things", rs.getLong(1));
                });
            each(c, "SELECT id, thing_id, doc FROM sta_historical_location ORDER BY id", rs -> {
                long id = rs.getLong(1);
                g.put(new Model.Entity(Model.Type.HISTORICAL_LOCATION, id,
                    props(g, Model.Type.HISTORICAL_LOCATION, rs.getString(3))));
                g.link(Model.Type.HISTORICAL_LOCATION, id, "Thing", rs.getLong(2));
                g.link(Model.Type.THING, rs.getLong(2), "HistoricalLocations", id);
            });
            each(c, "SELECT historical_location_id, location_id FROM sta_historical_location_location "
                + "ORDER BY historical_location_id, location_id", rs -> {
                    g.link(Model.Type.HISTORICAL_LOCATION, rs.getLong(1), "Locations", rs.getLong(2));
                    g.link(Model.Type.LOCATION, rs.getLong(2), "HistoricalLocations", rs.getLong(1));
                });
            each(c, "SELECT id, thing_id, sensor_id, observed_property_id, doc FROM sta_datastream ORDER BY id",
                rs -> {
                    long id = rs.getLong(1);
                    g.put(new Model.Entity(Model.Type.DATASTREAM, id, props(g, Model.Type.DATASTREAM,
                        rs.getString(5))));
                    g.link(Model.Type.DATASTREAM, id, "Thing", rs.getLong(2));
                    g.link(Model.Type.DATASTREAM, id, "Sensor", rs.getLong(3));
                    g.link(Model.Type.DATASTREAM, id, "ObservedProperty", rs.getLong(4));
                    g.link(Model.Type.THING, rs.getLong(2), "Datastreams", id);
                    g.link(Model.Type.SENSOR, rs.getLong(3), "Datastreams", id);
                    g.link(Model.Type.OBSERVED_PROPERTY, rs.getLong(4), "Datastreams", id);
                });
        }
        return g;
    }

    /** As {@link #props(Model.Type, String)}, counting the text into the graph's {@link Model.Graph#heldChars}. */
    private static Map<String, Object> props(Model.Graph g, Model.Type t, String doc) {
        g.heldChars += doc.length();
        return props(t, doc);
    }

    /** Characters of JSON the store holds now (of the graph as committed; {@link #MAX_STORE_CHARS}). */
    long heldChars() {
        return graph().heldChars;
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void each(Connection c, String sql, Row row) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    static String table(Model.Type t) {
        return switch (t) {
            case THING -> "sta_thing";
            case LOCATION -> "sta_location";
            case HISTORICAL_LOCATION -> "sta_historical_location";
            case DATASTREAM -> "sta_datastream";
            case SENSOR -> "sta_sensor";
            case OBSERVED_PROPERTY -> "sta_observed_property";
            case FEATURE_OF_INTEREST -> "sta_feature";
            case OBSERVATION -> "sta_observation";
        };
    }

    /**
     * An entity's properties from its stored JSON: text, numbers and booleans as Jackson reads them, a
     * HistoricalLocation's time, and each object or array as its compact text ({@link Model.RawJson}), so what the
     * graph holds is about the size of the stored text whatever its shape.
     */
    static Map<String, Object> props(Model.Type t, String doc) {
        try {
            JsonNode tree = StaService.JSON.readTree(doc);
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : tree.properties()) {
                JsonNode v = f.getValue();
                m.put(f.getKey(), v.isContainerNode() ? new Model.RawJson(v.toString()) : value(v));
            }
            if (t == Model.Type.HISTORICAL_LOCATION && m.get("time") instanceof String s) {
                m.put("time", Instant.parse(s));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON value as the graph holds it (maps, lists, Integer, Long, Double, String, Boolean, null). */
    static Object value(JsonNode node) {
        return node == null || node.isNull() ? null : StaService.JSON.convertValue(node, Object.class);
    }
}
